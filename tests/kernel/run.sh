#!/bin/sh
# The kernel chain: boot Debian's 6.1 kernel (the build of the headers
# vgt.ko was built against) under TCG on our QEMU with a bare software
# Haswell (-device vgt-hsw at 00:02.0), the host's root shared read-only
# over 9p, and run tests/kernel/inside.sh in it (chrooted into the host's
# root: vgt.ko, then our qtests, vgt-kstress, rmmod/insmod cycles on
# /dev/vgt, the kernel log).  See docs/kernel-test.md.
#   usage: run.sh [options] QEMU_BIN KERNEL_DIR OUT_DIR TAP_FILE
#     --mode check|bench   what inside.sh runs (default check)
#     --timeout S          hard limit for the VM (default $VGT_KERNEL_TIMEOUT or 900)
#     --no-hsw             debugging only: no -device vgt-hsw
# KERNEL_DIR holds kernel/vmlinuz and initramfs.cpio.gz (mk/kernel.mk).
# OUT_DIR receives serial.log, qemu.log, command.txt, result.txt and out/
# (the results share: inside.tap, sub/*, dmesg.txt, bench.txt).  TAP_FILE
# gets the suite's TAP: the host's checks, inside.sh's lines, numbered.
# Environment: VGT_KERNEL_SHELL=1 (a shell on this terminal after the
# tests; =first: before them), VGT_KERNEL_SMP (2), VGT_KERNEL_MEM (2G),
# VGT_KERNEL_APPEND (more kernel arguments), and inside.sh's knobs, passed
# through: VGT_QTESTS, VGT_QTEST_FILTER, VGT_QTEST_TIMEOUT,
# VGT_KSTRESS_STORM, VGT_KSTRESS_TIMEOUT.
# Exit status: 0 when every line passed.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../scripts/lib/vm-watch.sh"
top=$(cd "$here/../.." && pwd)
mode=check timeout=${VGT_KERNEL_TIMEOUT:-900} hsw=1
while [ $# -gt 0 ]; do
    case "$1" in
    --mode) mode=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --no-hsw) hsw=0; shift ;;
    --*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    *) break ;;
    esac
done
[ $# = 4 ] || { sed -n '2,24p' "$0" >&2; exit 2; }
qemu=$1 kdir=$2 out=$3 tap=$4
shell=${VGT_KERNEL_SHELL:-0}

say() { echo "vgt-kernel: $*"; }

mkdir -p "$out" "$(dirname "$tap")"
out=$(cd "$out" && pwd)
res="$out/out"
rm -rf "$res" "$out/serial.log" "$out/qemu.log" "$out/result.txt" "$out/command.txt"
mkdir -p "$res"
host="$out/host.tap"
: > "$host"
ok()    { echo "ok - $*" >> "$host"; }
notok() { echo "not ok - $*" >> "$host"; }
diag()  { sed 's/^/# /' >> "$host"; }

# Our QEMU as absolute path: the same binary runs inside the VM (through
# the host root) for the qtests.
case "$qemu" in /*) ;; *) qemu=$(cd "$(dirname "$qemu")" && pwd)/$(basename "$qemu") ;; esac
kernel="$kdir/kernel/vmlinuz"
initrd="$kdir/initramfs.cpio.gz"

# ---- what the VM needs -------------------------------------------------------
missing=
[ -x "$qemu" ] || missing="$missing QEMU ($qemu)"
[ -f "$kernel" ] || missing="$missing the kernel ($kernel)"
[ -f "$initrd" ] || missing="$missing the initramfs ($initrd)"
if [ -n "$missing" ]; then
    notok "the VM's pieces are there (missing:$missing)"
else
    ok "the VM's pieces are there: $(cat "$kdir/kernel/kernel.id"), $(basename "$initrd"), $qemu"
fi
devices=$("$qemu" -device help 2>&1 || true)
if printf '%s\n' "$devices" | grep -q '"virtio-9p-pci"'; then
    ok "our QEMU has virtio-9p (-virtfs)"
else
    notok "our QEMU has virtio-9p (-virtfs)"
    missing="$missing virtfs"
fi
if [ "$hsw" = 0 ]; then
    ok "-device vgt-hsw # SKIP --no-hsw (debugging)"
elif printf '%s\n' "$devices" | grep -q '"vgt-hsw"'; then
    ok "our QEMU has -device vgt-hsw"
else
    notok "our QEMU has -device vgt-hsw (not in '-device help'; the VM boots without it)"
    hsw=0
fi

# ---- the settings inside.sh reads (a file: any path survives) ----------------
q() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
{
    echo "VGT_REPO=$(q "$top")"
    echo "VGT_OUT=$(q "$res")"
    echo "VGT_SCRIPT=$(q "${VGT_KERNEL_SCRIPT:-$top/tests/kernel/inside.sh}")"
    echo "VGT_MODE=$(q "$mode")"
    echo "VGT_SHELL=$(q "$shell")"
    echo "VGT_QEMU_BIN=$(q "$qemu")"
    for v in VGT_BUILD VGT_KMOD VGT_KSTRESS VGT_BENCH_TRANSPORT VGT_HOSTD VGT_QTEST_DIR \
        VGT_QTESTS VGT_QTEST_FILTER VGT_QTEST_TIMEOUT VGT_KSTRESS_STORM VGT_KSTRESS_TIMEOUT; do
        eval "val=\${$v:-}"
        [ -n "$val" ] && echo "$v=$(q "$val")"
    done
} > "$res/vgt-kernel.env"

# ---- the VM ------------------------------------------------------------------
cmdline="console=ttyS0,115200 loglevel=6 log_buf_len=4M panic=1 mitigations=off ${VGT_KERNEL_APPEND:-}"
set -- "$qemu" -M q35 -accel tcg -smp "${VGT_KERNEL_SMP:-2}" -m "${VGT_KERNEL_MEM:-2G}" \
    -nodefaults -no-user-config -vga none -display none -no-reboot \
    -L /usr/share/seabios -L /usr/share/qemu \
    -kernel "$kernel" -initrd "$initrd" -append "$cmdline" \
    -fsdev "local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap" \
    -device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot,addr=3 \
    -fsdev "local,id=results,path=$res,security_model=none" \
    -device virtio-9p-pci,fsdev=results,mount_tag=results,addr=4
[ "$hsw" = 1 ] && set -- "$@" -device vgt-hsw,addr=2,id=gpu
if [ "$shell" != 0 ]; then
    # The console on this terminal (and in serial.log); Ctrl-A x quits.
    set -- "$@" -chardev "stdio,id=con,mux=on,signal=off,logfile=$out/serial.log" \
        -serial chardev:con -mon chardev=con
else
    set -- "$@" -serial "file:$out/serial.log"
fi
printf '%s\n' "$*" > "$out/command.txt"

result=
if [ -z "$missing" ]; then
    say "booting $(cat "$kdir/kernel/kernel.id") under TCG ($mode; at most ${timeout}s; log: $out/serial.log)"
    start=$(date +%s)
    if [ "$shell" != 0 ]; then
        say "VGT_KERNEL_SHELL=$shell: the console is on this terminal (Ctrl-A x quits QEMU)"
        rc=0; "$@" 2> "$out/qemu.log" || rc=$?
        result="exit $rc"
    else
        : > "$out/serial.log"
        "$@" > "$out/qemu.log" 2>&1 &
        qpid=$!
        # The VM's progress: what runs, and what fails.
        tail -n +1 -f --pid="$qpid" "$out/serial.log" 2>/dev/null |
            grep --line-buffered -E 'VGT-KERNEL: (\[[0-9.]+\] )?(running|not ok|init: FATAL|inside.sh done)|VGT-KERNEL: .* ended \(|^\[ *[0-9.]+\] .*(Kernel panic|BUG:|WARNING:|Oops)' |
            sed -u 's/^/  vm: /' &
        tailer=$!
        vm_watch "$qpid" "$out/serial.log" 60 "$timeout" "$start" \
            "no output on the serial console"
        result=$vm_watch_result
        rc=0
        wait "$qpid" 2>/dev/null || rc=$?
        kill "$tailer" 2>/dev/null || true
        wait "$tailer" 2>/dev/null || true
        if [ -z "$result" ]; then
            if grep -q 'VGT-KERNEL: poweroff' "$out/serial.log"; then
                result="poweroff (qemu exit $rc)"
            else
                result="exit $rc"
            fi
        fi
    fi
    secs=$(( $(date +%s) - start ))
    echo "$result after ${secs}s" > "$out/result.txt"
    say "VM ended: $result after ${secs}s"
fi

# ---- the verdict -------------------------------------------------------------
if [ -n "$missing" ]; then
    :
elif [ -f "$res/inside.done" ]; then
    ok "the VM ran inside.sh to its end ($result after ${secs}s)"
else
    why=$(cat "$res/init-failed" 2>/dev/null || true)
    notok "the VM ran inside.sh to its end (it did not: ${why:-$result after ${secs}s}; serial log $out/serial.log)"
    tail -n 40 "$out/serial.log" | diag
    [ -s "$out/qemu.log" ] && tail -n 10 "$out/qemu.log" | diag
fi
case "$result" in
poweroff*) ok "the VM powered itself off" ;;
'') ;;
*) notok "the VM powered itself off (it ended: $result)"; tail -n 10 "$out/serial.log" | diag ;;
esac

# Numbered, with the plan at the end (the number of lines is known only now).
cat "$host" "$res/inside.tap" 2>/dev/null | awk '
    /^ok - / { n++; sub(/^ok - /, ""); print "ok " n " - " $0; next }
    /^not ok - / { n++; sub(/^not ok - /, ""); print "not ok " n " - " $0; next }
    { print }
    END { print "1.." n }' > "$tap.tmp"
mv "$tap.tmp" "$tap"

pass=$(grep -cE '^ok [0-9]+' "$tap" || true)
fail=$(grep -E '^not ok [0-9]+' "$tap" | grep -cvE '# *TODO' || true)
say "$pass passed, $fail failed (TAP: $tap; logs: $out)"
grep -E '^not ok [0-9]+' "$tap" | sed 's/^/  /' | head -n 40
[ "$fail" = 0 ]
