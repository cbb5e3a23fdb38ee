#!/bin/sh
# Boot the vgt test guest once under TCG and keep everything it said.
#   usage: boot.sh --qemu QEMU_BIN --guest GUEST_DIR --out OUT_DIR [options]
#     --machine q35|pc      machine type (default q35)
#     --accel tcg|kvm       accelerator (default tcg, as CI has no KVM)
#     --initrd FILE         another initramfs than GUEST_DIR's (e.g. the one
#                           with vgt-gem-exec: make migration-guest)
#     --timeout S           hard limit for the whole boot (default 300)
#     --silence S           give up when the guest printed nothing after S (60)
#     --append "ARGS"       extra kernel arguments (added after the defaults)
#     --vnc N               also show the screen on VNC 127.0.0.1:N (5900+N)
#     --progress            echo the guest's progress lines while it runs
#     --no-vgt              debugging only: boot without the vgt device (e.g.
#                           with a QEMU that has none, to time the guest)
# GUEST_DIR holds vmlinuz (GUEST_DIR/kernel/vmlinuz) and initramfs.cpio.gz.
# OUT_DIR receives:
#   serial.log      the guest's serial console (kernel log + VGT-GUEST lines)
#   unimp.log       QEMU -d unimp,guest_errors output (what vgt does not handle)
#   unimp-cut.txt   lines of unimp.log before the guest's debugfs diagnostics
#   qemu.log        QEMU's own stderr
#   command.txt     the exact QEMU command line
#   info-pci.txt    `info pci` from the monitor, once the guest is up
#   vgt-props.txt   the device's low_gm_sz, high_gm_sz, fence_sz, xres, yres
#   screen.ppm/png  QMP screendump of the vgt console (when fbcon is up)
#   screen-vga.png  the console before i915 loads: the VGA boot screen
#   vga-screen.txt  its outcome ("vga w= h= md5= colours=", "console=...")
#   screendump.txt  outcome of the screendump ("ok ...", "error: ...", "none: ...",
#                   or "final ..."/"final-error: ..." when the guest never drew
#                   and the console was dumped at its end: screen-final.ppm/png)
#   qmp-events.txt  QEMU's QMP events (SHUTDOWN and its reason, ...)
#   result.txt      how the boot ended: "poweroff", "timeout S", "exit N (reason)"
# Exit status: 0 when QEMU ran and exited by itself, 1 otherwise.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/vm-watch.sh"
qemu='' guest='' out='' machine=q35 accel=tcg timeout=300 silence=60 append='' vnc='' progress=0 vgt=1 initrd=
while [ $# -gt 0 ]; do
    case "$1" in
    --qemu) qemu=$2; shift ;;
    --guest) guest=$2; shift ;;
    --out) out=$2; shift ;;
    --machine) machine=$2; shift ;;
    --accel) accel=$2; shift ;;
    --initrd) initrd=$2; shift ;;
    --timeout) timeout=$2; shift ;;
    --silence) silence=$2; shift ;;
    --append) append=$2; shift ;;
    --vnc) vnc=$2; shift ;;
    --progress) progress=1 ;;
    --no-vgt) vgt=0 ;;
    *) echo "boot.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
[ -n "$qemu" ] && [ -n "$guest" ] && [ -n "$out" ] || {
    sed -n '2,13p' "$0" >&2; exit 2; }
[ -x "$qemu" ] || { echo "boot.sh: QEMU binary '$qemu' not found or not executable" >&2; exit 1; }
kernel="$guest/kernel/vmlinuz"
initrd=${initrd:-$guest/initramfs.cpio.gz}
[ -f "$kernel" ] && [ -f "$initrd" ] || {
    echo "boot.sh: $kernel or $initrd missing (make guest)" >&2; exit 1; }

mkdir -p "$out"
rm -f "$out/serial.log" "$out/unimp.log" "$out/qemu.log" "$out/info-pci.txt" \
    "$out/screen.ppm" "$out/screen.png" "$out/screendump.txt" "$out/result.txt" \
    "$out/steps.txt" "$out/unimp-summary.txt" "$out/qmp-watch.log" \
    "$out/screen-final.ppm" "$out/screen-final.png" "$out/vgt-props.txt" \
    "$out/screen-vga.ppm" "$out/screen-vga.png" "$out/vga-screen.txt" \
    "$out/qmp-events.txt" "$out/unimp-cut.txt"
: > "$out/serial.log"

# The QMP socket lives in a short private directory (sun_path is 108 bytes).
sockdir=$(mktemp -d /tmp/vgt-guest.XXXXXX)
qmp="$sockdir/qmp.sock"

# Firmware: the BIOS from Debian's seabios package; the option ROMs that
# -kernel needs (linuxboot_dma.bin) are not in Debian's QEMU source, so they
# come from Debian's qemu-system-data of the same QEMU version.

# Kernel arguments: serial console only (fbcon gets only what /init writes to
# tty1, so the screen is still when the host takes its screendump); drm.debug
# makes i915's probe steps visible; log_buf_len keeps all of it for dmesg.
# See docs/guest.md for every argument and why.
cmdline="console=ttyS0,115200 loglevel=8 drm.debug=0x0e log_buf_len=8M panic=1 $append"

set -- "$qemu" -M "$machine" -accel "$accel" -m 1G -nodefaults -no-user-config \
    -vga none -no-reboot \
    -kernel "$kernel" -initrd "$initrd" -append "$cmdline" \
    -L /usr/share/seabios -L /usr/share/qemu \
    -serial "file:$out/serial.log" \
    -qmp "unix:$qmp,server=on,wait=off" \
    -d unimp,guest_errors -D "$out/unimp.log"
if [ "$vgt" = 1 ]; then
    set -- "$@" -device vgt,addr=2,id=vgt0
fi
if [ -n "$vnc" ]; then
    set -- "$@" -vnc "127.0.0.1:$vnc"
else
    set -- "$@" -display none
fi
printf '%s\n' "$*" > "$out/command.txt"

start=$(date +%s)
"$@" > "$out/qemu.log" 2>&1 &
qpid=$!

watcher=
if [ "$vgt" = 1 ]; then dev="--device vgt0"; else dev=; fi
# shellcheck disable=SC2086
python3 "$here/qmp-watch.py" watch "$qmp" "$out/serial.log" "$out" $dev \
    --timeout "$timeout" --pid "$qpid" > "$out/qmp-watch.log" 2>&1 &
watcher=$!

tailer=
if [ "$progress" = 1 ]; then
    # The guest's own markers and the lines where i915 speaks up.
    # tail ends by itself once QEMU has exited (--pid).
    tail -n +1 -f --pid="$qpid" "$out/serial.log" 2>/dev/null |
        grep --line-buffered -vE '^VGT-GUEST: [|>!]' | grep --line-buffered -E \
        'VGT-GUEST: [^|>!]|i915 0000:00:02\.0: (\[drm\] |[^[])|\[drm\] [A-Z]|\*ERROR\*|GPU HANG|wedged|CI tainted|fbcon|Console: |WARNING:|Kernel panic' |
        sed -u 's/^/  guest: /' &
    tailer=$!
fi

vm_watch "$qpid" "$out/serial.log" "$silence" "$timeout" "$start" "no guest output"
result=$vm_watch_result
rc=0
wait "$qpid" 2>/dev/null || rc=$?
end=$(date +%s)
wait "$watcher" 2>/dev/null || true
if [ -z "$result" ]; then
    # QEMU's SHUTDOWN event says why it stopped (guest-shutdown,
    # guest-reset -- a reboot, which -no-reboot turns into an exit --,
    # guest-panic, host-signal, host-qmp-quit ...).
    why=$(sed -n 's/.*"event": "SHUTDOWN".*"reason": "\([a-z-]*\)".*/\1/p' \
        "$out/qmp-events.txt" "$out/unimp-cut.txt" 2>/dev/null | tail -n 1)
    if grep -q 'VGT-GUEST: poweroff' "$out/serial.log" && [ "${why:-guest-shutdown}" = guest-shutdown ]; then
        result="poweroff"
    else
        result="exit $rc${why:+ ($why)}"
    fi
fi
if [ -n "$tailer" ]; then
    wait "$tailer" 2>/dev/null || true
fi
rm -rf "$sockdir"
echo "$result $((end - start))s" > "$out/result.txt"

if [ ! -s "$out/serial.log" ] && [ -s "$out/qemu.log" ]; then
    echo "boot.sh: QEMU said:" >&2
    sed 's/^/  /' "$out/qemu.log" >&2
fi
case "$result" in timeout*|no\ guest*) exit 1 ;; esac
[ "$rc" = 0 ] || exit 1
exit 0
