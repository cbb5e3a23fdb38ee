#!/bin/sh
# shellcheck shell=dash disable=SC1090
# (the host's /bin/sh, dash: it has local)
# The kernel chain, run inside the kernel-chain VM (scripts/kernel/init.sh
# runs it chrooted into the host's root, so every program here is the
# host's): vgt.ko on the bare software Haswell (-device vgt-hsw at 00:02.0),
# then our QEMU's qtests, vgt-kstress and rmmod/insmod cycles on /dev/vgt,
# then the kernel log.
#   usage: inside.sh check|bench
# Environment (set by init.sh): VGT_REPO, VGT_OUT (the results share) and
# VGT_ENV_FILE (run.sh's settings, sourced: VGT_QEMU_BIN, VGT_KMOD,
# VGT_KSTRESS, VGT_BENCH_TRANSPORT, VGT_HOSTD, VGT_QTEST_DIR, VGT_QTESTS,
# VGT_KSTRESS_STORM, ...).
# Writes, into VGT_OUT:
#   inside.tap     TAP lines without a plan (run.sh numbers and plans the
#                  suite); subprograms' own TAP is folded in, one line each
#   sub/NAME.tap, sub/NAME.log   each subprogram's own output
#   dmesg.txt      the kernel log at the end
#   bench.txt      (bench) bench-helper-transport's lines, per transport
#   inside.done    written last: the script ran to its end
# Every line also goes to the console as "VGT-KERNEL: ...".
set -u

mode=${1:-check}
: "${VGT_REPO:?}" "${VGT_OUT:?}"
[ -n "${VGT_ENV_FILE:-}" ] && [ -f "$VGT_ENV_FILE" ] && . "$VGT_ENV_FILE"
BUILD=${VGT_BUILD:-$VGT_REPO/build}
QEMU_BIN=${VGT_QEMU_BIN:-$BUILD/qemu-build/qemu-system-x86_64}
QTEST_DIR=${VGT_QTEST_DIR:-$(dirname "$QEMU_BIN")/tests/qtest}
KMOD=${VGT_KMOD:-$BUILD/helper/kmod/vgt.ko}
KSTRESS=${VGT_KSTRESS:-$BUILD/helper/vgt-kstress}
BENCH_TRANSPORT=${VGT_BENCH_TRANSPORT:-$BUILD/helper/bench-helper-transport}
HOSTD=${VGT_HOSTD:-$BUILD/helper/vgt-hostd}
STORM=${VGT_KSTRESS_STORM:-200}
QTEST_TIMEOUT=${VGT_QTEST_TIMEOUT:-300}
KSTRESS_TIMEOUT=${VGT_KSTRESS_TIMEOUT:-120}
GPU=/sys/bus/pci/devices/0000:00:02.0
DEV=/dev/vgt

TAP=$VGT_OUT/inside.tap
SUB=$VGT_OUT/sub
rm -rf "$SUB" "$TAP" "$VGT_OUT/inside.done" "$VGT_OUT/dmesg.txt" "$VGT_OUT/bench.txt"
mkdir -p "$SUB"
: > "$TAP"

uptime_s() { cut -d' ' -f1 /proc/uptime; }
say() { echo "VGT-KERNEL: [$(uptime_s)] $*"; }
# One result line; diagnostics (stdin of diag) as "# " lines after it.
ok()    { echo "ok - $*" >> "$TAP"; say "ok - $*"; }
notok() { echo "not ok - $*" >> "$TAP"; say "not ok - $*"; }
diag()  { sed 's/^/# /' >> "$TAP"; }

# bounded SECS OUTFILE COMMAND...: run COMMAND in its own session, its
# output to OUTFILE, for at most SECS.  A command stuck in the kernel
# cannot be killed; then its kernel stacks go to OUTFILE and bounded returns
# 124 without waiting any longer (as for a timeout).  Status: COMMAND's, or 124.
bounded() {
    local secs outf b0 lim pg p n poll bpid
    secs=$1 outf=$2; shift 2
    rm -f "$outf.rc" "$outf.pid"
    # The command's pid (= its session and process group) goes to .pid,
    # its status to .rc when it ends.  (The background subshell is not
    # polled with kill -0: unreaped, it would look alive.)
    ( setsid sh -c 'echo $$ > "$0.pid"; exec "$@"' "$outf" "$@" > "$outf" 2>&1
      echo $? > "$outf.rc" ) &
    bpid=$!
    b0=$(date +%s%N)
    lim=$((secs * 1000000000))
    poll=0
    while [ ! -f "$outf.rc" ]; do
        if [ $(( $(date +%s%N) - b0 )) -ge "$lim" ]; then
            pg=$(cat "$outf.pid" 2>/dev/null)
            echo "(still running after ${secs}s: killed; kernel stacks of its processes follow)" >> "$outf"
            if [ -n "$pg" ]; then
                for p in $(ps -e -o pid=,sid= | awk -v s="$pg" '$2 == s { print $1 }'); do
                    echo "-- $p $(cat /proc/$p/comm 2>/dev/null) ($(cut -d' ' -f3 /proc/$p/stat 2>/dev/null)):" >> "$outf"
                    cat "/proc/$p/stack" >> "$outf" 2>/dev/null
                done
                kill -KILL -- "-$pg" 2>/dev/null
            fi
            n=0
            while [ ! -f "$outf.rc" ] && [ "$n" -lt 20 ]; do sleep 0.25; n=$((n + 1)); done
            return 124
        fi
        # Most commands here end within a moment: look often at first.
        if [ "$poll" -lt 25 ]; then sleep 0.02; poll=$((poll + 1)); else sleep 0.2; fi
    done
    wait "$bpid" 2>/dev/null
    return "$(cat "$outf.rc" 2>/dev/null || echo 125)"
}

# subtap NAME SECS COMMAND...: run a program that prints TAP and fold its
# lines into ours ("NAME: <its description>"); a program that dies, times
# out or reports fewer tests than it planned adds a failing line.
subtap() {
    local name secs t0 t rc plan seen failed
    name=$1 secs=$2; shift 2
    if ! command -v "$1" >/dev/null 2>&1; then
        notok "$name: $1 missing (not built)"
        return 0
    fi
    say "running $name (at most ${secs}s) at uptime $(uptime_s)s"
    t0=$(date +%s)
    bounded "$secs" "$SUB/$name.out" "$@" >/dev/null
    rc=$?
    t=$(( $(date +%s) - t0 ))
    grep -E '^(ok|not ok|1\.\.|#|Bail out)' "$SUB/$name.out" > "$SUB/$name.tap"
    grep -vE '^(ok|not ok|1\.\.|#)' "$SUB/$name.out" > "$SUB/$name.log"
    # Its results renumbered as ours, "NAME: " before each description.
    awk -v name="$name" '
        /^not ok [0-9]+/ { sub(/^not ok [0-9]+ *(- )?/, ""); print "not ok - " name ": " $0; next }
        /^ok [0-9]+/ { sub(/^ok [0-9]+ *(- )?/, ""); print "ok - " name ": " $0; next }
        /^Bail out/ { print "not ok - " name ": " $0; next }
        /^#/ { print }' "$SUB/$name.tap" > "$SUB/$name.folded"
    cat "$SUB/$name.folded" >> "$TAP"
    grep -E '^(not )?ok ' "$SUB/$name.folded" | sed 's/^/VGT-KERNEL: /'
    plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\).*/\1/p' "$SUB/$name.tap" | tail -n 1)
    seen=$(grep -cE '^(not )?ok [0-9]+' "$SUB/$name.tap")
    failed=$(grep -E '^not ok [0-9]+' "$SUB/$name.tap" | grep -cvE '# *TODO')
    echo "# $name: status $rc after ${t}s" >> "$TAP"
    say "$name: status $rc after ${t}s, $seen results"
    if [ "$rc" = 124 ]; then
        notok "$name: did not finish within ${secs}s"
        tail -n 30 "$SUB/$name.out" | diag
    elif [ -n "$plan" ] && [ "$seen" -lt "$plan" ]; then
        notok "$name: planned $plan tests, reported $seen (status $rc)"
        tail -n 30 "$SUB/$name.log" | diag
    elif [ "$rc" != 0 ] && [ "$failed" = 0 ]; then
        notok "$name: exited with status $rc and no failing test"
        tail -n 30 "$SUB/$name.log" | diag
    elif [ "$seen" = 0 ]; then
        notok "$name: reported no test at all (status $rc)"
        tail -n 30 "$SUB/$name.out" | diag
    fi
    return 0
}

gpu_driver() { [ -L "$GPU/driver" ] && basename "$(readlink "$GPU/driver")" || echo none; }
module_loaded() { [ -d /sys/module/vgt ]; }
# wait_for SECS TEST...: until TEST succeeds, at most SECS
wait_for() {
    local secs n
    secs=$1; shift
    n=0
    until "$@"; do
        n=$((n + 1)); [ "$n" -le $((secs * 20)) ] || return 1; sleep 0.05
    done
}
dev_present() { [ -c "$DEV" ]; }
dev_absent() { [ ! -e "$DEV" ]; }

do_insmod() {  # do_insmod DESC: load vgt.ko (our copy), bounded; sets INSMOD_OK
    local rc
    INSMOD_OK=0
    if [ ! -f "$KO" ]; then notok "$1: $KMOD missing (make kmod)"; return 0; fi
    bounded 120 "$SUB/insmod.out" insmod "$KO" >/dev/null
    rc=$?
    if [ "$rc" = 0 ]; then
        INSMOD_OK=1; ok "$1"; diag < "$SUB/insmod.out"
    else
        notok "$1 (status $rc)"; diag < "$SUB/insmod.out"; dmesg | tail -n 20 | diag
    fi
}
do_rmmod() {  # do_rmmod: status of rmmod vgt, bounded; output in $SUB/rmmod.out
    bounded 60 "$SUB/rmmod.out" rmmod vgt >/dev/null
}

counters() {  # every file of $GPU/vgt as NAME=VALUE (all read at once, bounded)
    bounded 10 "$SUB/counters.out" sh -c 'cd "$1" && for f in *; do
        [ -f "$f" ] && echo "$f=$(tr "\n" " " < "$f" | sed "s/ *\$//")"; done' sh "$GPU/vgt"
    cat "$SUB/counters.out"
}
# counters_zero WHEN: the instance and pinned-page counters are 0 (waiting
# up to 5 s for releases that finish after close).
counters_zero() {
    local names
    names=
    for f in "$GPU"/vgt/instances* "$GPU"/vgt/pinned*; do
        [ -e "$f" ] && names="$names ${f##*/}"
    done
    if [ -z "$names" ]; then
        notok "counters $1: no instances/pinned* counters under $GPU/vgt/"
        counters | diag
        return 0
    fi
    zero() {
        for c in $names; do [ "$(cat "$GPU/vgt/$c" 2>/dev/null)" = 0 ] || return 1; done
    }
    if wait_for 5 zero; then
        ok "counters $1:$(for c in $names; do printf ' %s=0' "$c"; done)"
    else
        notok "counters $1: not back to 0"
        counters | diag
    fi
}

# The dmesg scan: one line per pattern, failing with the lines that match.
dmesg_scan() {
    dmesg > "$VGT_OUT/dmesg.txt" 2>&1
    for p in 'WARNING:' 'BUG:' 'Oops' 'general protection' 'kmemleak' 'RIP:' \
        'blocked for more than' 'soft lockup'; do
        hits=$(grep -F -- "$p" "$VGT_OUT/dmesg.txt" || true)
        if [ -z "$hits" ]; then
            ok "dmesg: no '$p'"
        else
            notok "dmesg: '$p' ($(printf '%s\n' "$hits" | wc -l) lines)"
            printf '%s\n' "$hits" | head -n 20 | diag
            # The context of the first one: the report that follows it.
            grep -F -m1 -A 25 -- "$p" "$VGT_OUT/dmesg.txt" | diag
        fi
    done
}

finish() {
    say "inside.sh done at uptime $(uptime_s)s"
    date +%s > "$VGT_OUT/inside.done"
    sync
    exit 0
}

say "inside.sh $mode: kernel $(uname -r), repository $VGT_REPO, uptime $(uptime_s)s"

# ---- the device and the module ----------------------------------------------
pci_checks() {
    if [ ! -e "$GPU/vendor" ]; then
        notok "PCI 0000:00:02.0 present"
        for d in /sys/bus/pci/devices/*; do
            echo "${d##*/} $(cat "$d/vendor"):$(cat "$d/device") class $(cat "$d/class")"
        done | diag
        return 0
    fi
    ids="$(cat "$GPU/vendor"):$(cat "$GPU/device") class $(cat "$GPU/class")"
    if [ "$ids" = "0x8086:0x0412 class 0x030000" ]; then
        ok "PCI 0000:00:02.0 is 8086:0412 class 0x030000 (the software Haswell)"
    else
        notok "PCI 0000:00:02.0 is 8086:0412 class 0x030000 (it is $ids)"
    fi
    i=0
    while read -r start end flags; do
        [ "$start" = 0x0000000000000000 ] || echo "resource$i $start-$end flags=$flags"
        i=$((i + 1))
    done < "$GPU/resource" | diag
}

# vgt.ko is copied once: a rebuild on the host while the VM runs (make
# kmod next door) must not change the module between two insmods.
KO=/tmp/vgt-kernel/vgt.ko
mkdir -p /tmp/vgt-kernel
rm -f "$KO"
[ -f "$KMOD" ] && cp "$KMOD" "$KO"
vermagic_check() {
    local vm
    if [ ! -f "$KO" ]; then
        notok "vgt.ko present ($KMOD missing: make kmod)"
        return 0
    fi
    vm=$(modinfo -F vermagic "$KO" 2>&1)
    case "$vm" in
    "$(uname -r) "*) ok "vgt.ko built for the running kernel ($(uname -r))" ;;
    *) notok "vgt.ko built for the running kernel $(uname -r) (its vermagic: $vm)" ;;
    esac
    echo "vgt.ko: $KMOD, $(stat -c '%s bytes, %y' "$KMOD"), md5 $(md5sum < "$KO" | cut -c1-12), depends='$(modinfo -F depends "$KO")'" | diag
}

module_checks() {  # after a successful insmod
    if grep -qE 'vgt 0000:00:02\.0: .*bound' "$SUB/dmesg-now.txt"; then
        ok "dmesg: vgt 0000:00:02.0 ... bound"
        grep -E 'vgt 0000:00:02\.0: .*bound' "$SUB/dmesg-now.txt" | tail -n 2 | diag
    else
        notok "dmesg: vgt 0000:00:02.0 ... bound"
        grep -iE 'vgt' "$SUB/dmesg-now.txt" | tail -n 20 | diag
    fi
    drv=$(gpu_driver)
    if [ "$drv" = vgt ]; then ok "0000:00:02.0 driver is vgt"; else notok "0000:00:02.0 driver is vgt (it is $drv)"; fi
    msi=$(ls "$GPU/msi_irqs" 2>/dev/null | tr '\n' ' ' | sed 's/ $//')
    ints=$(grep -E 'PCI-MSI.*vgt' /proc/interrupts || true)
    if [ -n "$msi" ] || [ -n "$ints" ]; then
        ok "MSI enabled (msi_irqs: ${msi:-none}${ints:+; /proc/interrupts has PCI-MSI vgt})"
        [ -n "$ints" ] && echo "$ints" | diag
    else
        notok "MSI enabled (no $GPU/msi_irqs, no PCI-MSI vgt in /proc/interrupts)"
        grep -E 'vgt|MSI' /proc/interrupts | diag
    fi
    if dev_present; then
        ok "$DEV is a character device ($(stat -c '%t:%T' "$DEV"), $([ -e /sys/class/misc/vgt ] && echo misc || echo 'not misc'))"
    else
        notok "$DEV is a character device ($(ls -l "$DEV" 2>&1))"
    fi
    if [ -d "$GPU/vgt" ] && [ -n "$(ls "$GPU/vgt")" ]; then
        c=$(counters)
        if printf '%s\n' "$c" | grep -q '^[^=]*=$'; then
            notok "counters under $GPU/vgt/ readable (some are empty)"
        else
            ok "counters under $GPU/vgt/ readable: $(printf '%s\n' "$c" | tr '\n' ' ')"
        fi
        printf '%s\n' "$c" | diag
    else
        notok "counters under $GPU/vgt/ (no such directory, or empty)"
    fi
}

pci_checks
vermagic_check
t0=$(date +%s)
do_insmod "insmod vgt.ko"
echo "insmod took $(( $(date +%s) - t0 ))s" | diag
dmesg > "$SUB/dmesg-now.txt" 2>&1
if [ "$INSMOD_OK" = 1 ]; then
    module_checks
else
    tail -n 30 "$SUB/dmesg-now.txt" | diag
fi

# ---- bench: bench-helper-transport over /dev/vgt and over vgt-hostd ---------
if [ "$mode" = bench ]; then
    : > "$VGT_OUT/bench.txt"
    run_bench() {  # LABEL ARGS...
        label=$1; shift
        if [ ! -x "$BENCH_TRANSPORT" ]; then
            notok "bench $label: $BENCH_TRANSPORT missing (not built)"; return 0; fi
        say "bench $label at uptime $(uptime_s)s"
        bounded 300 "$SUB/bench-$label.out" "$BENCH_TRANSPORT" "$@" >/dev/null
        rc=$?
        grep -E '^transport=' "$SUB/bench-$label.out" >> "$VGT_OUT/bench.txt"
        if [ "$rc" = 0 ] && grep -q '^transport=' "$SUB/bench-$label.out"; then
            ok "bench $label"
        else
            notok "bench $label (status $rc)"; tail -n 20 "$SUB/bench-$label.out" | diag
        fi
    }
    if dev_present; then run_bench kernel kernel "$DEV"; else notok "bench kernel: no $DEV"; fi
    if [ -x "$HOSTD" ]; then
        mkdir -p /tmp/vgt-bench
        "$HOSTD" --socket /tmp/vgt-bench/vgt.sock > "$SUB/hostd.log" 2>&1 &
        hpid=$!
        wait_for 10 test -S /tmp/vgt-bench/vgt.sock
        run_bench socket socket /tmp/vgt-bench/vgt.sock
        kill "$hpid" 2>/dev/null; wait "$hpid" 2>/dev/null
    else
        notok "bench socket: $HOSTD missing (not built)"
    fi
    run_bench embedded embedded
    if [ -f "$GPU/vgt/irq_latency_ns" ]; then
        echo "irq_latency_ns=$(cat "$GPU/vgt/irq_latency_ns" | tr '\n' ' ')" >> "$VGT_OUT/bench.txt"
    else
        echo "irq_latency_ns=missing" >> "$VGT_OUT/bench.txt"
    fi
    counters | sed 's/^/counter /' >> "$VGT_OUT/bench.txt"
    module_loaded && do_rmmod >/dev/null
    dmesg_scan
    finish
fi

# ---- the qtests on /dev/vgt ------------------------------------------------
# vgt-kernel-test (the chain) and every other vgt qtest that adds kernel
# cases when VGT_QTEST_KERNEL is set: of those, only the cases whose path
# has VGT_QTEST_FILTER (default "kernel") in it, if any; all otherwise.
QTESTS=${VGT_QTESTS:-}
if [ -z "$QTESTS" ]; then
    QTESTS=vgt-kernel-test
    for src in "$VGT_REPO"/tests/qtest/vgt*-test.c; do
        t=$(basename "$src" .c)
        [ "$t" = vgt-kernel-test ] && continue
        grep -q VGT_QTEST_KERNEL "$src" && QTESTS="$QTESTS $t"
    done
fi
FILTER=${VGT_QTEST_FILTER:-kernel}
for t in $QTESTS; do
    bin=$QTEST_DIR/$t
    if ! dev_present; then
        notok "$t: not run, there is no $DEV"
        continue
    fi
    if [ ! -x "$bin" ]; then
        notok "$t: $bin missing (make qemu builds it)"
        continue
    fi
    set --
    if [ "$t" != vgt-kernel-test ]; then
        for p in $(VGT_QTEST_KERNEL=$DEV QTEST_QEMU_BINARY=$QEMU_BIN "$bin" -l 2>/dev/null |
                   grep -E '^/' | grep -F -- "$FILTER"); do
            set -- "$@" -p "$p"
        done
    fi
    echo "$t: $([ $# = 0 ] && echo 'all cases' || echo "$(($# / 2)) cases matching '$FILTER'")" | diag
    subtap "$t" "$QTEST_TIMEOUT" env VGT_QTEST_KERNEL=$DEV QTEST_QEMU_BINARY="$QEMU_BIN" \
        VGT_HOSTD="$HOSTD" "$bin" --tap -k "$@"
done

# ---- vgt-kstress -------------------------------------------------------------
for sub in "open-storm $STORM" garbage kill-mid-submit pin-limits "scale 16" \
    exec-timeout; do
    name="vgt-kstress-${sub%% *}"
    if ! dev_present; then notok "$name: not run, there is no $DEV"; continue; fi
    # shellcheck disable=SC2086
    subtap "$name" "$KSTRESS_TIMEOUT" "$KSTRESS" $sub
done
if module_loaded; then counters_zero "after the qtests and vgt-kstress"; fi

# ---- rmmod while open, and rmmod/insmod cycles ------------------------------
if module_loaded && dev_present; then
    # (a failed redirection of exec would end the shell: try it in a subshell)
    if (exec 3<>"$DEV") 2>/dev/null && exec 3<>"$DEV"; then
        do_rmmod
        rc=$?
        if [ "$rc" != 0 ] && module_loaded && dev_present; then
            ok "rmmod vgt refused while $DEV is open ($(head -n 1 "$SUB/rmmod.out"))"
        else
            notok "rmmod vgt refused while $DEV is open (rmmod status $rc, module $(module_loaded && echo loaded || echo gone))"
            diag < "$SUB/rmmod.out"
        fi
        exec 3>&-
    else
        notok "open $DEV to hold it during rmmod"
    fi
    module_loaded || do_insmod "insmod vgt.ko again after the rmmod that should have been refused"
fi
for i in 1 2 3; do
    if ! module_loaded; then notok "cycle $i: vgt is not loaded"; break; fi
    do_rmmod
    rc=$?
    if [ "$rc" = 0 ] && wait_for 5 dev_absent && [ ! -d /sys/module/vgt ] && [ "$(gpu_driver)" = none ]; then
        ok "cycle $i: rmmod vgt: $DEV gone, 0000:00:02.0 unbound"
    else
        notok "cycle $i: rmmod vgt (status $rc; $DEV $(dev_absent && echo gone || echo 'still there'); driver $(gpu_driver))"
        diag < "$SUB/rmmod.out"
        dmesg | tail -n 20 | diag
        module_loaded && break
    fi
    bound_before=$(dmesg | grep -cE 'vgt 0000:00:02\.0: .*bound')
    do_insmod "cycle $i: insmod vgt.ko"
    [ "$INSMOD_OK" = 1 ] || break
    dmesg > "$SUB/dmesg-now.txt" 2>&1
    if wait_for 5 dev_present && [ "$(gpu_driver)" = vgt ] &&
        [ "$(dmesg | grep -cE 'vgt 0000:00:02\.0: .*bound')" -gt "$bound_before" ]; then
        ok "cycle $i: $DEV back, 0000:00:02.0 bound to vgt again"
    else
        notok "cycle $i: $DEV back ($(ls -l "$DEV" 2>&1)), driver $(gpu_driver)"
        dmesg | tail -n 20 | diag
    fi
done
if module_loaded && dev_present; then
    counters_zero "after the rmmod/insmod cycles"
    # The reloaded module still works.
    subtap "vgt-kstress-open-storm-after-reload" "$KSTRESS_TIMEOUT" "$KSTRESS" open-storm 20
fi
if module_loaded; then
    do_rmmod
    rc=$?
    if [ "$rc" = 0 ]; then ok "final rmmod vgt"; else notok "final rmmod vgt (status $rc)"; diag < "$SUB/rmmod.out"; fi
fi

# ---- the kernel log ---------------------------------------------------------
dmesg_scan
finish
