#!/bin/bash
# -device vgt in the VM command lines people already use, on every display
# Debian's QEMU offers: QEMU alone (pc, q35), the ordinary VM line (KVM with
# TCG fallback, virtio disk and NIC, USB tablet), SeaBIOS's boot screen
# through the VGA BIOS, and that screen on VNC, SPICE (remote-viewer), GTK
# and SDL under Xvfb.  Prints TAP.  See tests/vmline/README.md.
#   usage: tests/vmline/run.sh QEMU OUTDIR
# Environment: VMLINE_NO_X=1 skips the X cases (SPICE viewer, GTK, SDL).
set -u

if [ $# -ne 2 ]; then
    echo "usage: $0 QEMU OUTDIR" >&2
    exit 2
fi
qemu=$(readlink -f "$1")
out=$2
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$out" && mkdir -p "$out" && out=$(cd "$out" && pwd)
start_time=$(date +%s)

# ------------------------------------------------------------------ TAP
n=0
failed=0
tap_ok()   { n=$((n + 1)); echo "ok $n - $1"; }
tap_fail() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
tap_skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
diag()     { sed -e 's/^/#   /' | cut -c1-300 | head -n "${2:-40}"; }
diag_file() {   # diag_file LABEL FILE: a file's last lines as comments
    [ -s "$2" ] || { echo "#   ($1: empty)"; return; }
    echo "#   $1:"
    tail -n 25 "$2" | diag
}

# check DESC CMD...: ok when CMD succeeds; its output is the diagnostic
check() {
    local desc=$1 res
    shift
    if res=$("$@" 2>&1); then
        tap_ok "$desc"
    else
        tap_fail "$desc"
        printf '%s\n' "$res" | diag
        if [ -n "${cur:-}" ]; then
            diag_file "QEMU's stderr ($cur)" "$out/$cur.stderr"
        fi
        return 1
    fi
}

vm() { timeout 60 python3 "$here/vmline.py" "$@"; }

# ------------------------------------------------------------------ processes
pids=()
cleanup() {
    local p
    for p in "${pids[@]}"; do
        kill "$p" 2>/dev/null
    done
    for p in "${pids[@]}"; do
        wait "$p" 2>/dev/null
    done
    pids=()
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# stop_pid PID [GRACE]: wait up to GRACE seconds for PID to end, then kill
# it; prints its exit status.
stop_pid() {
    local pid=$1 grace=${2:-15} i rc
    for ((i = 0; i < grace * 5; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.2
    done
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    rc=$?
    echo "$rc"
}

# Is KVM usable here, and can we hide /dev/kvm from one QEMU (a private
# mount namespace with a /dev of the few nodes QEMU needs)?  In CI there is
# no /dev/kvm: QEMU runs as it is.
kvm_usable=$(python3 "$here/vmline.py" kvm-usable)
hide_dev='mount -t tmpfs -o mode=755 vmline-dev /dev &&
    mknod -m 666 /dev/null c 1 3 && mknod -m 666 /dev/zero c 1 5 &&
    mknod -m 666 /dev/full c 1 7 && mknod -m 666 /dev/random c 1 8 &&
    mknod -m 666 /dev/urandom c 1 9 &&
    mkdir /dev/shm && mount -t tmpfs -o mode=1777 shm /dev/shm &&
    ln -s /proc/self/fd /dev/fd'
nokvm=()
if [ -e /dev/kvm ]; then
    if unshare -m --propagation private sh -c "$hide_dev && test ! -e /dev/kvm" \
            >/dev/null 2>&1; then
        nokvm=(unshare -m --propagation private sh -c "$hide_dev && exec \"\$@\"" sh)
    else
        nokvm=(none)
    fi
fi

# qemu_start NAME [--nokvm] ARGS...: QEMU in the background with a QMP
# socket at $out/NAME.qmp; sets qpid; its stdout/stderr in $out/NAME.*.
qemu_start() {
    local name=$1 wrap=()
    shift
    if [ "${1:-}" = --nokvm ]; then
        wrap=("${nokvm[@]}")
        shift
    fi
    cur=$name
    rm -f "$out/$name.qmp"
    printf '%q ' "$qemu" "$@" > "$out/$name.cmdline"
    echo >> "$out/$name.cmdline"
    timeout -k 5 120 "${wrap[@]}" "$qemu" \
        -qmp "unix:$out/$name.qmp,server=on,wait=off" "$@" \
        > "$out/$name.stdout" 2> "$out/$name.stderr" < /dev/null &
    qpid=$!
    pids+=("$qpid")
}

# qemu_quit NAME: QMP quit, wait; the exit status in $out/NAME.rc
qemu_quit() {
    vm quit "$out/$1.qmp" > /dev/null 2>&1
    stop_pid "$qpid" 15 > "$out/$1.rc"
}

# the stderr of run NAME, without the lines LINES (an egrep pattern) expected
unexpected_stderr() {
    grep -vE "${2:-^\$}" "$out/$1.stderr" > "$out/$1.stderr.unexpected"
    if [ -s "$out/$1.stderr.unexpected" ]; then
        echo "unexpected output on stderr:"
        cat "$out/$1.stderr.unexpected"
        return 1
    fi
}

clean_exit() {   # clean_exit NAME [STDERR-ALLOWED]
    local rc
    rc=$(cat "$out/$1.rc")
    echo "exit status $rc"
    unexpected_stderr "$1" "${2:-^\$}" || return 1
    [ "$rc" = 0 ]
}

qmp_ready() { vm wait-qmp "$out/$cur.qmp" "$qpid" 30; }

# ------------------------------------------------------------------ 1. alone
for machine in pc q35; do
    margs=()
    [ $machine = q35 ] && margs=(-M q35)
    qemu_start "$machine" "${margs[@]}" -display none -device vgt
    check "$machine: 'qemu-system-x86_64 ${margs[*]:+${margs[*]} }-device vgt' starts (QMP answers)" qmp_ready
    check "$machine: query-pci: exactly one display device, vgt 8086:0412 at 00:02.0, no std VGA 1234:1111" \
        vm pci-display "$out/$machine.qmp"
    qemu_quit "$machine"
    check "$machine: QEMU quits on QMP quit with status 0 and printed nothing on stderr" \
        clean_exit "$machine"
done

# the placement docs/device.md asks for, on the default machine
qemu_start pc-addr2 -display none -device vgt,addr=2
check "pc: 'qemu-system-x86_64 -device vgt,addr=2' starts (QMP answers)" qmp_ready
check "pc: query-pci with addr=2: vgt 8086:0412 at 00:02.0, the only display device" \
    vm pci-display "$out/pc-addr2.qmp"
qemu_quit pc-addr2

# ------------------------------------------------------------------ 2. KVM
# What QEMU prints when KVM is not there, and falling back to TCG.
kvm_lines='Could not access KVM kernel module|failed to initialize kvm|falling back to tcg'
# ... and on a VM line: QEMU's CPU model asking KVM for what the host lacks
# (a host matter), and where VNC found its port (-vnc ...,to=)
vm_lines="$kvm_lines|warning: host doesn't support requested feature|^VNC server running on 127\.0\.0\.1:[0-9]+\$"
if [ "$kvm_usable" = yes ] && [ "${nokvm[0]:-}" = none ]; then
    tap_skip "kvm: '-accel kvm' without /dev/kvm fails cleanly" \
        "/dev/kvm is usable here and cannot be hidden (no unshare -m)"
    tap_skip "kvm: '-accel kvm -accel tcg' without /dev/kvm falls back to TCG" \
        "/dev/kvm is usable here and cannot be hidden (no unshare -m)"
else
    cur=kvm-missing
    timeout -k 5 30 "${nokvm[@]}" "$qemu" -accel kvm -display none -device vgt \
        > "$out/kvm-missing.stdout" 2> "$out/kvm-missing.stderr" < /dev/null
    echo $? > "$out/kvm-missing.rc"
    kvm_fails() {
        local rc
        rc=$(cat "$out/kvm-missing.rc")
        echo "exit status $rc"
        cat "$out/kvm-missing.stderr"
        # 1: QEMU's error exit; >= 124: timeout or a signal (abort, crash)
        [ "$rc" = 1 ] && grep -q 'failed to initialize kvm' "$out/kvm-missing.stderr" &&
            ! grep -qiE 'abort|assert|segmentation|core dumped' "$out/kvm-missing.stderr"
    }
    check "kvm: '-accel kvm' without /dev/kvm exits 1 with 'failed to initialize kvm' (no crash)" kvm_fails

    qemu_start fallback --nokvm -accel kvm -accel tcg -display none -device vgt
    fallback_tcg() { qmp_ready && vm kvm "$out/fallback.qmp" false; }
    check "kvm: '-accel kvm -accel tcg' without /dev/kvm starts on TCG (query-kvm enabled false)" \
        fallback_tcg
    qemu_quit fallback
    fallback_said() {
        clean_exit fallback "$kvm_lines" || return 1
        grep -q 'falling back to tcg' "$out/fallback.stderr" || {
            echo "no 'falling back to tcg' on stderr"; return 1; }
    }
    check "kvm: the fallback says 'falling back to tcg', nothing else on stderr, exit 0" fallback_said
fi

# ------------------------------------------------------------------ 2./3. the VM line
# The disk: blank but for a boot sector that prints a line through the BIOS
# (int 10h, the VGA BIOS) and halts, so the boot screen holds still (a blank
# disk would go on to iPXE, whose output scrolls SeaBIOS's banner away
# within a second under TCG).
img=$out/disk.raw
python3 "$here/vmline.py" boot-disk "$img" 64
boot_message=$(python3 "$here/vmline.py" boot-message)
# the line people use
vmline=(-machine accel=kvm:tcg -m 512 -drive "if=virtio,file=$img,format=raw"
        -nic user,model=virtio-net-pci -usb -device usb-tablet -device vgt,id=gpu)
kvm_enabled=false
[ "$kvm_usable" = yes ] && kvm_enabled=true
banner='SeaBIOS (version'

# boot_screen NAME: SeaBIOS's banner in VGA text, then freeze the VM and
# take the reference screendump $out/NAME.ppm
boot_screen() {
    local name=$1
    check "$name: SeaBIOS's banner '$banner' in the VGA text buffer at 0xB8000" \
        vm vga-text "$out/$name.qmp" "$banner" 30 "$out/$name.vga.txt"
    check "$name: the boot sector's int 10h line '$boot_message' follows it" \
        vm vga-text "$out/$name.qmp" "$boot_message" 10 "$out/$name.vga.txt"
    vm qmp "$out/$name.qmp" stop > /dev/null 2>&1
    sleep 0.5
    check "$name: screendump of the console is not blank (the VGA text)" \
        vm screendump "$out/$name.qmp" "$out/$name.ppm"
}

qemu_start vm "${vmline[@]}" -vnc 127.0.0.1:50,to=99
check "vm: the ordinary VM line starts (${vmline[*]})" qmp_ready
check "vm: query-kvm: KVM built in, enabled $kvm_enabled (/dev/kvm usable: $kvm_usable)" \
    vm kvm "$out/vm.qmp" $kvm_enabled
check "vm: query-pci: vgt 8086:0412 at 00:02.0 is the only display device, no std VGA" \
    vm pci-display "$out/vm.qmp"
check "vm: query-pci: virtio-blk 1af4:1001 and virtio-net 1af4:1000 on bus 0" \
    vm pci-has "$out/vm.qmp" 1af4:1001:0100 1af4:1000:0200
check "vm: query-block: the virtio disk on $img" vm block "$out/vm.qmp" "$img"
check "vm: query-mice: the USB tablet (absolute)" vm tablet "$out/vm.qmp"
boot_screen vm
check "vm: qom-get /machine/peripheral/gpu display: the console shows VGA" \
    vm console "$out/vm.qmp" /machine/peripheral/gpu VGA
check "vnc: an RFB 3.8 client (no auth, raw) gets the console's exact picture" \
    vm vnc "$out/vm.qmp" "$out/vm.vnc.ppm" "$out/vm.ppm"
qemu_quit vm
check "vm: QEMU quits with status 0, nothing on stderr but KVM's and VNC's notes" \
    clean_exit vm "$vm_lines"

# ------------------------------------------------------------------ 4. X displays
xpid=
if [ "${VMLINE_NO_X:-}" != 1 ] && command -v Xvfb > /dev/null && command -v xwd > /dev/null; then
    # -displayfd: Xvfb takes a free display number and writes it when ready
    timeout -k 5 600 Xvfb -displayfd 9 -screen 0 1280x1024x24 -nolisten tcp -br \
        9> "$out/xvfb.display" > "$out/xvfb.log" 2>&1 &
    xpid=$!
    pids+=("$xpid")
    for ((i = 0; i < 50; i++)); do
        [ -s "$out/xvfb.display" ] && break
        sleep 0.2
    done
    if [ -s "$out/xvfb.display" ]; then
        export DISPLAY=:$(head -n1 "$out/xvfb.display")
    else
        xpid=
    fi
fi
check_x() {   # check_x NAME DESC: the X screen shows $out/NAME.ppm
    local name=$1 desc=$2 i res=
    for ((i = 0; i < 10; i++)); do
        if timeout 20 xwd -root -silent -out "$out/$name.xwd" &&
                res=$(vm x-shows "$out/$name.xwd" "$out/$name.ppm" 2>&1); then
            tap_ok "$desc"
            printf '%s\n' "$res" | tail -1 | sed 's/^/#   /'
            return 0
        fi
        sleep 1
    done
    tap_fail "$desc"
    printf '%s\n' "$res" | diag
    diag_file "QEMU's stderr ($name)" "$out/$name.stderr"
    return 1
}
# X clients without a session bus or accessibility bus, software only
xenv=(env GDK_BACKEND=x11 NO_AT_BRIDGE=1 DBUS_SESSION_BUS_ADDRESS=disabled:
      SDL_VIDEODRIVER=x11 SDL_AUDIODRIVER=dummy LIBGL_ALWAYS_SOFTWARE=1)

# SPICE: the server always; the viewer when there is an X server
spice_port=$(python3 "$here/vmline.py" free-port)
qemu_start spice "${vmline[@]}" -spice "port=$spice_port,addr=127.0.0.1,disable-ticketing=on"
check "spice: the VM line with -spice starts (QMP answers)" qmp_ready
spice_on() {
    vm qmp "$out/spice.qmp" query-spice > "$out/spice.query" 2>&1
    cat "$out/spice.query"
    python3 - "$out/spice.query" "$spice_port" <<'EOF'
import json, sys
try:
    q = json.load(open(sys.argv[1]))
except ValueError:
    sys.exit(1)
ok = q.get("enabled") and q.get("port") == int(sys.argv[2]) and q.get("auth") == "none"
sys.exit(0 if ok else 1)
EOF
}
check "spice: query-spice: enabled on 127.0.0.1:$spice_port, auth none" spice_on
vpid=
if [ -n "$xpid" ] && command -v remote-viewer > /dev/null; then
    timeout -k 5 120 "${xenv[@]}" remote-viewer "spice://127.0.0.1:$spice_port" \
        > "$out/remote-viewer.log" 2>&1 < /dev/null &
    vpid=$!
    pids+=("$vpid")
fi
boot_screen spice
if [ -n "$vpid" ]; then
    viewer_connected() {
        vm qmp "$out/spice.qmp" query-spice > "$out/spice.query2" 2>&1
        cat "$out/spice.query2"
        grep -q '"channel-type"' "$out/spice.query2"
    }
    check "spice: remote-viewer is connected (query-spice lists its channels)" viewer_connected
    check_x spice "spice: remote-viewer's window shows the console's exact picture (xwd -root)" ||
        diag_file "remote-viewer's output" "$out/remote-viewer.log"
    kill "$vpid" 2>/dev/null
    stop_pid "$vpid" 5 > /dev/null
else
    tap_skip "spice: remote-viewer shows the console" "no Xvfb, xwd or remote-viewer"
fi
qemu_quit spice
check "spice: QEMU quits with status 0" \
    clean_exit spice "$vm_lines"

# GTK and SDL: QEMU's own windows on the X server
for ui in gtk sdl; do
    if [ -z "$xpid" ]; then
        tap_skip "$ui: QEMU's window shows the console" "no Xvfb or xwd"
        continue
    fi
    cur=$ui
    rm -f "$out/$ui.qmp"
    printf '%q ' "$qemu" "${vmline[@]}" -display "$ui,gl=off" > "$out/$ui.cmdline"
    timeout -k 5 120 "${xenv[@]}" "$qemu" -qmp "unix:$out/$ui.qmp,server=on,wait=off" \
        "${vmline[@]}" -display "$ui,gl=off" \
        > "$out/$ui.stdout" 2> "$out/$ui.stderr" < /dev/null &
    qpid=$!
    pids+=("$qpid")
    check "$ui: the VM line with -display $ui,gl=off starts under Xvfb (QMP answers)" qmp_ready
    boot_screen "$ui"
    check_x "$ui" "$ui: QEMU's window shows the console's exact picture (xwd -root)"
    qemu_quit "$ui"
    check "$ui: QEMU quits with status 0" clean_exit "$ui" "$vm_lines"
done
cur=

cleanup
echo "1..$n"
echo "# $failed failed, $(( $(date +%s) - start_time )) s; files in $out"
[ "$failed" = 0 ]
