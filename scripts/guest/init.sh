#!/bin/busybox sh
# /init of the vgt test guest (copied into the initramfs by
# scripts/guest/make-initramfs.sh).  It loads i915 and its dependencies on
# the virtual Haswell, reports what the host-side test needs on the console
# (ttyS0) as "VGT-GUEST: ..." lines, and powers the VM off.
#
# Knobs on the kernel command line (all optional):
#   vgtguest.wait=S     seconds to wait for fb0 after i915 loaded (default 20)
#   vgtguest.settle=S   seconds to let the GPU run after that (default 3)
#   vgtguest.hold=S     seconds the screen is held still for the host's
#                       screendump (default 4)
#   vgtguest.probe=S    seconds one insmod (i915's probe) may take (default 120)
#   vgtguest.diag=1     dump i915's debugfs (engines, display, swizzle) even
#                       when nothing went wrong
#   vgtguest.shell=1    drop to a shell on the console instead of powering off
#   vgtguest.migrate=1  the live-migration test (tests/migration/,
#                       docs/migration.md): once the screen is drawn, do
#                       not hold it and power off, but obey commands read
#                       from the console (ttyS0), one a line: "step N"
#                       (write a new line to tty1, submit GPU work with
#                       /bin/vgt-gem-exec, report wedge, i915 errors and the
#                       framebuffer's MD5; ends with "VGT-GUEST: step-done
#                       N ..."), "busy N" (keep every engine busy with
#                       vgt-gem-exec --loop until the next step, which
#                       reports it), "done" (go on to the power-off)
#   vgtguest.rounds=N   batches per engine in each step (default 4)
#   vgtguest.nopbench=S once the screen is drawn, time one nop batch at a
#                       time on each engine for S seconds (vgt-gem-exec
#                       --nop-bench: IGT's gem_exec_nop "sync"; make
#                       bench-guest, docs/bench.md)
#   vgtguest.name=NAME  several guests on one vgt-hostd (tests/scale/,
#                       docs/guest.md): once fbcon is up, write
#                       "VGT-GUEST NAME: this is guest NAME" on tty1
#   vgtguest.color=RRGGBB  and fill rows [h*3/4, h*3/4 + h/8) of fb0 (every
#                       column) with that colour; reported as "VGT-GUEST:
#                       mark name=NAME color=RRGGBB rows=Y0+N w=W"
#   MODULE.PARAM=VALUE  passed to insmod of MODULE (e.g. i915.enable_fbc=0,
#                       drm.debug=0x0e), as modprobe would do.

/bin/busybox mkdir -p /proc /sys /dev /tmp /run
/bin/busybox mount -t devtmpfs devtmpfs /dev
# The kernel may have found no /dev/console in the archive: reopen it now.
exec 0</dev/console 1>/dev/console 2>&1
/bin/busybox --install -s /bin 2>/dev/null
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null

say() { echo "VGT-GUEST: $*"; }

say "init started (userspace reached), kernel $(uname -r), uptime $(cut -d' ' -f1 /proc/uptime)s"
say "cmdline: $(cat /proc/cmdline)"

arg() {  # arg NAME DEFAULT: value of vgtguest.NAME= on the command line
    v=$2
    for t in $(cat /proc/cmdline); do
        case "$t" in vgtguest.$1=*) v=${t#vgtguest.$1=} ;; esac
    done
    echo "$v"
}
WAIT=$(arg wait 20)
SETTLE=$(arg settle 3)
HOLD=$(arg hold 4)
PROBE=$(arg probe 120)
SHELL_AT_END=$(arg shell 0)
MIGRATE=$(arg migrate 0)

finish() {
    say "done"
    sleep 1     # the host may take a last screendump of the device now
    if [ "$SHELL_AT_END" = 1 ]; then
        say "vgtguest.shell=1: starting a shell on the console (exit to power off)"
        setsid sh -c 'exec sh </dev/console >/dev/console 2>&1'
    fi
    say "poweroff"
    sync
    poweroff -f
    sleep 5
    echo o > /proc/sysrq-trigger
}

# ---- PCI devices, before any driver is loaded --------------------------------
pci_report() {
    for d in /sys/bus/pci/devices/*; do
        [ -e "$d/vendor" ] || continue
        drv=none
        [ -L "$d/driver" ] && drv=$(basename "$(readlink "$d/driver")")
        say "pci ${d##*/} vendor=$(cat "$d/vendor") device=$(cat "$d/device") class=$(cat "$d/class") driver=$drv"
    done
}
say "pci devices:"
pci_report
GPU=/sys/bus/pci/devices/0000:00:02.0
if [ -e "$GPU/vendor" ]; then
    i=0
    while read -r start end flags; do
        [ "$start" = 0x0000000000000000 ] || say "gpu bar/resource$i $start-$end flags=$flags"
        i=$((i + 1))
    done < "$GPU/resource"
    say "gpu irq=$(cat "$GPU/irq") msi_bus=$(cat "$GPU/msi_bus" 2>/dev/null) boot_vga=$(cat "$GPU/boot_vga" 2>/dev/null)"
else
    say "no PCI device at 0000:00:02.0"
fi

# ---- modules, i915 last ------------------------------------------------------
params_for() {  # the MODULE.PARAM=VALUE tokens of the command line, for MODULE
    m=$(echo "$1" | tr - _)
    p=""
    for t in $(cat /proc/cmdline); do
        case "$t" in *.*=*) ;; *) continue ;; esac
        tm=$(echo "${t%%.*}" | tr - _)
        [ "$tm" = "$m" ] && p="$p ${t#*.}"
    done
    echo "$p"
}
KDIR=/lib/modules/$(uname -r)
STUCK=
for m in $(cat "$KDIR/modules.load"); do
    p=$(params_for "$m")
    [ "$m" = i915 ] && say "loading i915 (params:${p:- none}) at uptime $(cut -d' ' -f1 /proc/uptime)s"
    # insmod runs the probe synchronously; a probe that never returns must
    # not keep the report from being printed: bounded by vgtguest.probe.
    # shellcheck disable=SC2086
    rm -f /tmp/insmod.rc
    ( insmod "$KDIR/$m.ko" $p; echo $? > /tmp/insmod.rc ) &
    ipid=$!
    n=0
    while kill -0 "$ipid" 2>/dev/null && [ "$n" -lt $((PROBE * 10)) ]; do
        sleep 0.1; n=$((n + 1))
    done
    if kill -0 "$ipid" 2>/dev/null; then
        say "module $m: insmod still running after ${PROBE}s (stuck in its init/probe); its kernel stack:"
        for t in /proc/[0-9]*; do
            [ "$(cat "$t/comm" 2>/dev/null)" = insmod ] && sed 's/^/VGT-GUEST: stack| /' "$t/stack" 2>/dev/null
        done
        STUCK=$m
        break
    fi
    rc=$(cat /tmp/insmod.rc 2>/dev/null || echo '?')
    if [ "$rc" = 0 ]; then
        say "module $m loaded${p:+ (params:$p)}"
    else
        say "module $m FAILED to load (rc=$rc)"
    fi
done
if [ -n "$STUCK" ]; then
    say "insmod $STUCK did not return; reporting anyway at uptime $(cut -d' ' -f1 /proc/uptime)s"
else
    say "i915 insmod returned at uptime $(cut -d' ' -f1 /proc/uptime)s"
fi
[ -d /sys/module/i915 ] && say "i915 present in /sys/module" || say "i915 absent from /sys/module"

bound() { [ -L "$GPU/driver" ] && [ "$(basename "$(readlink "$GPU/driver")")" = i915 ]; }

# ---- wait (bounded) for the framebuffer --------------------------------------
if bound && ! ls -d /sys/class/drm/card0-* >/dev/null 2>&1; then
    # Connectors are created during the probe: with none, fbdev has nothing
    # to light up and fb0 cannot appear.
    say "i915 bound to 0000:00:02.0, but it registered no connector: not waiting for fb0"
    sleep "$SETTLE"
elif bound; then
    say "i915 bound to 0000:00:02.0; waiting up to ${WAIT}s for fb0"
    # fbdev comes up only on a connected output; connector status in sysfs
    # is the cached result of i915's own detection (reading it probes
    # nothing).  No connected connector 5 s after the probe: stop waiting.
    n=0
    while [ ! -e /sys/class/graphics/fb0 ] && [ "$n" -lt $((WAIT * 2)) ]; do
        if [ "$n" -ge 10 ] && ! grep -qx connected /sys/class/drm/card0-*/status 2>/dev/null; then
            break
        fi
        sleep 0.5; n=$((n + 1))
    done
    if [ -e /sys/class/graphics/fb0 ]; then
        say "fb0 appeared after $((n / 2))s"
    elif [ "$n" -lt $((WAIT * 2)) ]; then
        say "no fb0, and no connector is connected after $((n / 2))s: not waiting longer"
    else
        say "no fb0 after ${WAIT}s"
    fi
    sleep "$SETTLE"
else
    say "i915 NOT bound to 0000:00:02.0 (probe failed or did not run)"
fi

# ---- report ------------------------------------------------------------------
say "pci devices after i915:"
pci_report
say "i915 bound: $(bound && echo yes || echo no)"
say "drm class: $(ls /sys/class/drm 2>/dev/null | tr '\n' ' ')"
for c in /sys/class/drm/card*-*; do
    [ -e "$c/status" ] || continue
    edid=0
    [ -e "$c/edid" ] && edid=$(wc -c < "$c/edid")
    say "connector ${c##*/} status=$(cat "$c/status") enabled=$(cat "$c/enabled") dpms=$(cat "$c/dpms" 2>/dev/null) edid_bytes=$edid modes=$(head -n 4 "$c/modes" | tr '\n' ' ')"
done
if [ -e /sys/class/graphics/fb0 ]; then
    F=/sys/class/graphics/fb0
    say "fb0 name=$(cat $F/name) virtual_size=$(cat $F/virtual_size) stride=$(cat $F/stride) bpp=$(cat $F/bits_per_pixel)"
else
    say "fb0 absent"
fi
say "graphics class: $(ls /sys/class/graphics 2>/dev/null | tr '\n' ' ')"
# Reading debugfs of a stuck GPU can block for good (uninterruptible, so
# timeout(1) cannot end it): read in the background and give up after 10 s.
bounded_cat() {
    rm -f /tmp/bc.out
    cat "$1" > /tmp/bc.out 2>&1 &
    bpid=$!
    n=0
    while kill -0 "$bpid" 2>/dev/null && [ "$n" -lt 20 ]; do sleep 0.5; n=$((n + 1)); done
    cat /tmp/bc.out
    if kill -0 "$bpid" 2>/dev/null; then echo "(reading $1 did not finish within 10s)"; fi
    return 0
}
# Only what reads no register: sysfs lists and i915's own state.
say "engines: $(ls /sys/class/drm/card0/engine 2>/dev/null | tr '\n' ' ')"
D=/sys/kernel/debug/dri/0
WEDGED=
if [ -d "$D" ]; then
    say "debugfs dri/0: $(ls $D | tr '\n' ' ')"
    [ -e "$D/i915_wedged" ] && WEDGED=$(bounded_cat "$D/i915_wedged") && say "i915_wedged=$WEDGED"
else
    say "debugfs dri/0 absent"
fi
say "dmesg: $(dmesg | grep -c -i i915) lines mention i915; errors/warnings:"
dmesg | grep -E 'i915|drm' | grep -iE 'error|fail|warn|hang|wedged|tainted' | head -n 40 | sed 's/^/VGT-GUEST: ! /'
say "last i915 lines:"
dmesg | grep -E 'i915' | tail -n 8 | sed 's/^/VGT-GUEST: > /'

# ---- screen: hold a known console picture still for the host's screendump ---
if [ -e /sys/class/graphics/fb0 ] && [ -e /dev/tty1 ]; then
    F=/sys/class/graphics/fb0
    echo 0 > /sys/class/graphics/fbcon/cursor_blink 2>/dev/null
    dmesg -n 1                                   # no printk on the consoles now
    {
        printf '\033[2J\033[H\033[?25l'          # clear, home, hide the cursor
        echo "vgt guest console on $(cat $F/name) ($(cat $F/virtual_size | tr , x))"
        echo "kernel $(uname -r), i915 on 0000:00:02.0 ($(sed s/0x// $GPU/vendor):$(sed s/0x// $GPU/device))"
        echo "VGT-GUEST SCREEN TEST: the quick brown fox jumps over the lazy dog 0123456789"
    } > /dev/tty1
    # Several guests on one vgt-hostd (vgtguest.name / vgtguest.color):
    # this guest's identity on its own screen.
    NAME=$(arg name "")
    [ -n "$NAME" ] && echo "VGT-GUEST NAME: this is guest $NAME" > /dev/tty1
    COLOR=$(arg color "")
    if [ -n "$COLOR" ]; then
        # A band of whole rows in one colour: rows [h*3/4, h*3/4 + h/8),
        # every column, written to /dev/fb0 (XRGB8888: B, G, R, 0).
        w=$(cut -d, -f1 $F/virtual_size); h=$(cut -d, -f2 $F/virtual_size)
        stride=$(cat $F/stride)
        y0=$((h * 3 / 4)); rows=$((h / 8))
        c=$((0x$COLOR))
        printf "\\$(printf %o $((c & 255)))\\$(printf %o $(((c >> 8) & 255)))\\$(printf %o $(((c >> 16) & 255)))\\000" > /tmp/band
        while [ "$(wc -c < /tmp/band)" -lt $((stride * rows)) ]; do
            cat /tmp/band /tmp/band > /tmp/band2 && mv /tmp/band2 /tmp/band
        done
        dd if=/tmp/band of=/dev/fb0 bs="$stride" seek="$y0" count="$rows" conv=notrunc 2>/dev/null
        rm -f /tmp/band
        say "mark name=$NAME color=$COLOR rows=$y0+$rows w=$w"
    fi
    sleep 1
    w=$(cut -d, -f1 $F/virtual_size); h=$(cut -d, -f2 $F/virtual_size)
    stride=$(cat $F/stride); bpp=$(cat $F/bits_per_pixel)
    sum=$(head -c $((stride * h)) /dev/fb0 | md5sum | cut -d' ' -f1)
    say "console text (/dev/vcs1, first rows):"
    # /dev/vcs1 is the screen as text, one row per cols characters.
    cols=$(stty -F /dev/tty1 size 2>/dev/null | cut -d' ' -f2)
    [ -n "$cols" ] && head -c $((cols * 4)) /dev/vcs1 | fold -w "$cols" | sed 's/ *$//; s/^/VGT-GUEST: vcs| /'
    echo
    if [ "$MIGRATE" = 1 ]; then
        # The screen stays as it is while the host migrates: no hold.
        say "screen-ready w=$w h=$h stride=$stride bpp=$bpp md5=$sum hold=0s"
    else
        say "screen-ready w=$w h=$h stride=$stride bpp=$bpp md5=$sum hold=${HOLD}s"
        sleep "$HOLD"
        say "screen-released"
    fi
else
    say "no framebuffer console: nothing to show on the screen"
fi

# ---- live migration test: obey the host's commands on the console -----------
# (vgtguest.migrate=1 only; see tests/migration/ and docs/migration.md)
migrate_dmesg() {  # the kernel lines since the last call that may be trouble
    local n
    n=$(dmesg | wc -l)
    dmesg | tail -n +$((DMESG_SEEN + 1)) |
        grep -E 'i915|drm|WARNING|BUG|Oops|Call Trace|panic|hung_task|blocked for more' |
        grep -iE 'error|fail|warn|hang|wedge|taint|reset|heartbeat|BUG|Oops|Call Trace|panic|blocked|timed out' |
        head -n 40 | sed 's/^/VGT-GUEST: mig! /'
    say "dmesg-new lines=$((n - DMESG_SEEN))"
    DMESG_SEEN=$n
}
BUSY=
migrate_busy() {   # keep the engines busy (in the background) until the next step
    if [ -z "$BUSY" ]; then
        vgt-gem-exec --loop --base $((0x5b000000 + ($1 % 64) * 0x100000)) > /tmp/busy.out 2>&1 &
        BUSY=$!
    fi
    say "busy-started $1 pid=$BUSY"
}
migrate_step() {
    local n=$1 sum W h cols
    F=/sys/class/graphics/fb0
    say "step $n begin at uptime $(cut -d' ' -f1 /proc/uptime)s"
    if [ -n "$BUSY" ]; then
        # The work that ran across the migration: stop it, and its report.
        kill "$BUSY" 2>/dev/null
        wait "$BUSY"
        BUSY=
        sed 's/^/VGT-GUEST: /' /tmp/busy.out
    fi
    if [ -e $F ] && [ -e /dev/tty1 ]; then
        echo "VGT-GUEST MIGRATION STEP $n: pack my box with five dozen liquor jugs ($n)" > /dev/tty1
    fi
    if [ -x /bin/vgt-gem-exec ]; then
        # Bounded: a stuck ioctl must not keep the report from the host.
        timeout 120 vgt-gem-exec --rounds "$(arg rounds 4)" \
            --base $((0x7a000000 + (n % 64) * 0x10000)) 2>&1 | sed 's/^/VGT-GUEST: /'
        timeout 20 vgt-gem-exec --pvinfo 2>&1 | sed 's/^/VGT-GUEST: /'
    else
        say "gem error=no-/bin/vgt-gem-exec"
    fi
    W=
    [ -e "$D/i915_wedged" ] && W=$(bounded_cat "$D/i915_wedged")
    migrate_dmesg
    sum=none
    if [ -e $F ]; then
        h=$(cut -d, -f2 $F/virtual_size)
        sum=$(head -c $(($(cat $F/stride) * h)) /dev/fb0 | md5sum | cut -d' ' -f1)
        cols=$(stty -F /dev/tty1 size 2>/dev/null | cut -d' ' -f2)
        [ -n "$cols" ] && head -c $((cols * 12)) /dev/vcs1 | fold -w "$cols" | sed 's/ *$//; /^$/d; s/^/VGT-GUEST: vcs| /'
    fi
    say "step-done $n md5=$sum wedged=${W:-none} uptime=$(cut -d' ' -f1 /proc/uptime)s"
}
NOPBENCH=$(arg nopbench 0)
if [ "$NOPBENCH" != 0 ]; then
    if [ -x /bin/vgt-gem-exec ]; then
        say "nop-bench begin ($NOPBENCH s per engine)"
        timeout $((NOPBENCH * 8 + 60)) vgt-gem-exec --nop-bench "$NOPBENCH" 2>&1 | sed 's/^/VGT-GUEST: /'
    else
        say "gem nop error=no-/bin/vgt-gem-exec"
    fi
fi
if [ "$MIGRATE" = 1 ]; then
    DMESG_SEEN=$(dmesg | wc -l)
    stty -echo < /dev/console 2>/dev/null
    say "migrate-ready: waiting for commands on the console (step N | busy N | done)"
    while read -r cmd a1 rest; do
        a1=$(echo "$a1" | tr -cd '0-9')
        case "$cmd" in
        *step) migrate_step "${a1:-0}" ;;
        *busy) migrate_busy "${a1:-0}" ;;
        *done)
            [ -n "$BUSY" ] && kill "$BUSY" 2>/dev/null && wait "$BUSY"
            say "migrate-done"; break ;;
        *) [ -n "$cmd" ] && say "unknown command: $cmd" ;;
        esac
    done
fi

# ---- diagnostics: i915's debugfs dumps, only when something is wrong --------
# These dumps read GPU registers (i915_engine_info alone reads dozens), which
# is not the boot path: the host cuts QEMU's unimp log at the marker below.
if [ "$(arg diag 0)" = 1 ] || ! bound || [ "$WEDGED" != 0 ] || [ ! -e /sys/class/graphics/fb0 ]; then
    say "diagnostics begin (debugfs dumps; their register reads are not the boot path)"
    sleep 1     # lets the host note where its unimp log stands
    for f in i915_swizzle_info i915_engine_info i915_display_info; do
        [ -e "$D/$f" ] || continue
        say "debugfs $f:"
        bounded_cat "$D/$f" | head -n 120 | sed 's/^/VGT-GUEST: | /'
    done
    say "diagnostics end"
fi

finish
