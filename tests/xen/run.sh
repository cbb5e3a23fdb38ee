#!/bin/sh
# Tests of xen-patches/ without a hypervisor; TAP on stdout.
#
#   usage: tests/xen/run.sh XEN_DIR NOHV_SO
#     XEN_DIR  $(BUILD)/xen: tree/ is the patched, built Xen source
#     NOHV_SO  tests/xen/nohv.c built as a shared object
#
# For each tests/xen/cases/NAME.cfg:
#   1. the patched xl parses it: "xl -N create" (a dry run) prints the
#      domain configuration as JSON;
#   2. the patched libxl applies its defaults and builds the qemu-xen
#      command line (test_dmargs, added by the last patch of the series),
#      or refuses the configuration.
# The JSON and the argv are compared with tests/xen/expected/NAME.{json,args}
# and the properties that matter are asserted one by one.  Debian's
# qemu-xen (QEMU 7.2 with Xen support) then checks that it accepts the
# argv, and QEMU's own PCI code, run under -accel qtest, shows which
# slot each -device of the argv ends up in.
#
# Environment:
#   XEN_QEMU          qemu-xen binary (default /usr/libexec/xen-qemu-system-i386)
#   VGT_QEMU          a QEMU built with the vgt device (optional): the
#                     layout test then uses the real device, not a stand-in
#   XEN_TEST_REGEN=1  rewrite tests/xen/expected/ from the current output
#                     (review the diff before committing it)
set -u

here=$(cd "$(dirname "$0")" && pwd)
xdir=${1:?usage: run.sh XEN_DIR NOHV_SO}
nohv=${2:?usage: run.sh XEN_DIR NOHV_SO}
tree=$xdir/tree
XL=$tree/tools/xl/xl
DMARGS=$tree/tools/libs/light/test_dmargs
TESTSO=$tree/tools/libs/light/libxenlight_test.so
XEN_QEMU=${XEN_QEMU:-/usr/libexec/xen-qemu-system-i386}
VGT_QEMU=${VGT_QEMU:-}
expected=$here/expected

libdirs=
for d in "$tree"/tools/libs/*/; do libdirs=$libdirs${libdirs:+:}${d%/}; done
LD_LIBRARY_PATH=$libdirs
export LD_LIBRARY_PATH

work=$(mktemp -d "${TMPDIR:-/tmp}/vgt-xen-test.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
cd "$work" || exit 1
truncate -s 1M disk.img          # the disk of cases/full.cfg

n=0
ok()     { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $1"; }
diag()   { sed 's/^/#   /'; }
# check DESCRIPTION COMMAND...: one TAP line from a command's status
check() {
    desc=$1; shift
    if "$@" >"$work/check.out" 2>&1; then
        ok "$desc"
    else
        not_ok "$desc"
        diag <"$work/check.out"
    fi
}

# --- the tools under test ----------------------------------------------

series=$(grep -cvE '^[[:space:]]*(#|$)' "$here/../../xen-patches/series")
applied=$(git -C "$tree" log --format=%s debian-base..HEAD 2>/dev/null | wc -l)
if [ "$applied" -eq "$series" ] && [ "$series" -gt 0 ]; then
    ok "xen-patches: all $series patches of the series applied with git am"
else
    not_ok "xen-patches: $applied of $series patches applied"
fi

check "libxl.h advertises LIBXL_HAVE_BUILDINFO_VGT" \
    grep -q '^#define LIBXL_HAVE_BUILDINFO_VGT 1' "$tree/tools/include/libxl.h"
check "libxl's API rules check passed on the patched libxl.h" \
    test -f "$tree/tools/libs/light/libxl.api-ok"
check "xl runs on the patched libxenlight, not the system's" \
    sh -c "ldd '$XL' | grep -q 'libxenlight.so.* => $tree/'"
check "test_dmargs and libxenlight_test.so were built" \
    test -x "$DMARGS" -a -f "$TESTSO"
if command -v podchecker >/dev/null 2>&1; then
    check "xl.cfg(5) with the vgt section is valid POD" \
        sh -c "podchecker '$tree/docs/man/xl.cfg.5.pod.in' &&
               grep -q '^=item B<vgt_monitor_resolution=' '$tree/docs/man/xl.cfg.5.pod.in'"
fi

# --- xl and libxl on each sample configuration -------------------------

# run_case NAME: NAME.json, NAME.xl.err, NAME.xl.rc, then (if xl accepted
# it) NAME.args, NAME.dm.err, NAME.dm.rc.  The device model path in the
# argv is the placeholder "qemu-dm".
run_case() {
    c=$1
    LD_PRELOAD=$nohv "$XL" -N create "$here/cases/$c.cfg" \
        >"$c.json" 2>"$c.xl.err"
    echo $? >"$c.xl.rc"
    if [ "$(cat "$c.xl.rc")" = 0 ]; then
        LD_PRELOAD="$nohv $TESTSO" "$DMARGS" qemu-dm \
            <"$c.json" >"$c.args" 2>"$c.dm.err"
        echo $? >"$c.dm.rc"
    fi
}

# JSON without the random UUID, keys sorted.
norm_json() {
    python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
d.get("c_info", {}).pop("uuid", None)
print(json.dumps(d, indent=1, sort_keys=True))' "$1"
}

# compare NAME EXT: output against expected/NAME.EXT (or regenerate it)
compare() {
    c=$1; ext=$2
    if [ "$ext" = json ]; then norm_json "$c.json" >"$c.json.norm"
    else cp "$c.args" "$c.args.norm"; fi
    if [ "${XEN_TEST_REGEN:-0}" = 1 ]; then
        cp "$c.$ext.norm" "$expected/$c.$ext"
    fi
    diff -u "$expected/$c.$ext" "$c.$ext.norm"
}

# the K-th "-device" value of an argv file
device_n() { awk -v k="$2" 'p == "-device" && ++i == k { print; exit } { p = $0 }' "$1"; }
# the value after the first occurrence of option $2
opt_val() { awk -v o="$2" 'p == o { print; exit } { p = $0 }' "$1"; }
has_line() { grep -qxF -- "$2" "$1"; }
lacks_re() { ! grep -qE -- "$2" "$1"; }

accepted() {
    c=$1; what=$2
    run_case "$c"
    if [ "$(cat "$c.xl.rc")" = 0 ] && [ "$(cat "$c.dm.rc")" = 0 ]; then
        ok "$c: xl parses and libxl accepts $what"
    else
        not_ok "$c: xl parses and libxl accepts $what"
        cat "$c.xl.err" "$c.dm.err" 2>/dev/null | diag
        return 1
    fi
    check "$c: xl's JSON is as expected" compare "$c" json
    check "$c: the qemu-xen argv is as expected" compare "$c" args
}

# full: every option, plus devices that would grab slot 2 if they could
if accepted full "every vgt option with a SCSI disk and an e1000 NIC"; then
    a=full.args
    check "full: JSON carries vgt enable/128/384/8/1920x1080" python3 -c '
import json, sys
v = json.load(open("full.json"))["b_info"]["vgt"]
assert v == {"enable": "True", "low_gm_sz": 128, "high_gm_sz": 384,
             "fence_sz": 8, "xres": 1920, "yres": 1080}, v'
    check "full: first -device is vgt at 00:02.0 with the configured values" \
        test "$(device_n $a 1)" = \
        "vgt,addr=0x2,low_gm_sz=128,high_gm_sz=384,fence_sz=8,xres=1920,yres=1080"
    check "full: second -device is xen-platform at 00:03.0" \
        test "$(device_n $a 2)" = "xen-platform,addr=0x3"
    check "full: the SCSI controller and the NIC come after them" \
        sh -c "test \"\$(awk 'p==\"-device\"{print} {p=\$0}' $a | sed -n '3p;4p' | cut -d, -f1 | tr '\n' ' ')\" = 'lsi53c895a e1000 '"
    check "full: -vga none" sh -c "grep -A1 -xF -- -vga $a | tail -n1 | grep -qxF none"
    check "full: no emulated VGA card and no igd-passthru" \
        lacks_re $a '^(cirrus-vga|VGA|qxl-vga)|igd-passthru'
    check "full: machine is pc-i440fx-3.1 with accel=xen, not xenfv (whose platform device takes slot 2)" \
        sh -c "opt=\$(awk 'p==\"-machine\"{print} {p=\$0}' $a); case \$opt in pc-i440fx-3.1,accel=xen,suppress-vmdesc=on*) exit 0;; esac; echo \"\$opt\"; exit 1"
    check "full: 1 GiB MMIO hole by default (max-ram-below-4g=3 GiB)" \
        sh -c "awk 'p==\"-machine\"{print} {p=\$0}' $a | grep -q ',max-ram-below-4g=3221225472'"
    check "full: 16 MiB of videoram kept for QEMU (-m 1008 for memory=1024)" \
        test "$(opt_val $a -m)" = 1008
fi

if accepted defaults "vgt=1 alone"; then
    check "defaults: vgt gets XenGT's 64/448/4 and 1024x768" \
        test "$(device_n defaults.args 1)" = \
        "vgt,addr=0x2,low_gm_sz=64,high_gm_sz=448,fence_sz=4,xres=1024,yres=768"
    check "defaults: xl only sets vgt.enable (the rest is libxl's default)" python3 -c '
import json
v = json.load(open("defaults.json"))["b_info"]["vgt"]
assert v == {"enable": "True"}, v'
fi

if accepted noplatform "vgt with xen_platform_pci=0"; then
    check "noplatform: no xen-platform device, vgt still at 00:02.0" \
        sh -c "! grep -q '^xen-platform' noplatform.args && grep -q '^vgt,addr=0x2,' noplatform.args"
    check "noplatform: machine is still pc-i440fx-3.1" \
        sh -c "grep -q '^pc-i440fx-3.1,accel=xen' noplatform.args"
fi

if accepted explicit "explicit vga=none, videoram, mmio_hole, resolution 1280X1024"; then
    check "explicit: videoram=32 is kept (-m 992)" \
        test "$(opt_val explicit.args -m)" = 992
    check "explicit: mmio_hole=2048 is kept (max-ram-below-4g=2 GiB)" \
        sh -c "grep -q ',max-ram-below-4g=2147483648' explicit.args"
    check "explicit: resolution 1280x1024 reaches the device" \
        sh -c "grep -q '^vgt,.*,xres=1280,yres=1024\$' explicit.args"
fi

if accepted plain "a guest without vgt"; then
    check "plain: xenfv machine and cirrus-vga as before; no vgt, no -vga" \
        sh -c "grep -q '^xenfv,suppress-vmdesc=on' plain.args && grep -q '^cirrus-vga,vgamem_mb=8\$' plain.args && ! grep -qE '^vgt|^-vga\$' plain.args"
fi

if accepted pci-ok "vgt with PCI passthrough outside slot 2 (slot 3 free: no platform device)"; then
    check "pci-ok: xl passed both PCI devices to libxl (vslot 3 = vdevfn 0x18)" python3 -c '
import json
p = json.load(open("pci-ok.json"))["pcidevs"]
assert len(p) == 2 and p[0].get("vdevfn") == 0x18, p'
fi

if accepted disabled "vgt=0 with a vgt size"; then
    check "disabled: libxl warns that the vgt_* settings are ignored" \
        grep -q 'vgt is not enabled: ignoring the vgt_\* settings' disabled.dm.err
    check "disabled: no vgt device, xenfv machine" \
        sh -c "! grep -q '^vgt' disabled.args && grep -q '^xenfv' disabled.args"
fi

# rejected NAME MESSAGE: xl passes the keys on, libxl refuses with MESSAGE
rejected() {
    c=$1; msg=$2
    run_case "$c"
    if [ "$(cat "$c.xl.rc")" = 0 ] && [ "$(cat "$c.dm.rc")" = 1 ] &&
       grep -qF -- "$msg" "$c.dm.err" && ! [ -s "$c.args" ]; then
        ok "$c: libxl refuses it: $msg"
    else
        not_ok "$c: libxl refuses it: $msg"
        { echo "xl status $(cat "$c.xl.rc"), test_dmargs status $(cat "$c.dm.rc" 2>/dev/null)"
          cat "$c.xl.err" "$c.dm.err" 2>/dev/null; } | diag
    fi
}

rejected rej-stdvga 'vgt=1 replaces the emulated VGA card: vga must be "none" or unset, not std'
rejected rej-gfxpt 'vgt=1 cannot be combined with gfx_passthru: both need guest PCI slot 00:02.0'
rejected rej-pv 'vgt=1 requires an HVM guest (type="hvm"), not pv'
rejected rej-pvh 'vgt=1 requires an HVM guest (type="hvm"), not pvh'
rejected rej-trad 'vgt=1 requires device_model_version="qemu-xen"'
rejected rej-stubdom 'vgt=1 is not supported with a device model stubdomain'
rejected rej-dmrestrict 'vgt=1 is not supported with dm_restrict=1'
rejected rej-lowgm 'vgt_low_gm_sz=1024 out of range: must be 1..512 (MiB)'
rejected rej-highgm 'vgt_high_gm_sz=2048 out of range: must be 1..1536 (MiB)'
rejected rej-fence 'vgt_fence_sz=64 out of range: must be 1..32'
rejected rej-ressmall 'vgt monitor resolution 320x200 out of range: must be 640x480..8192x8192'
rejected rej-resbig 'vgt monitor resolution 9000x1080 out of range: must be 640x480..8192x8192'
rejected rej-pci-vslot2 'pci device 0000:01:00.0: guest slot 0x2 is taken by the vGPU with vgt=1'
rejected rej-pci-vslot3 'pci device 0000:01:00.0: guest slot 0x3 is taken by the Xen platform device with vgt=1'
rejected rej-pci-igd 'vgt=1 shares the host GPU 0000:00:02.0 with other guests: it cannot also be passed through (pci=)'

# xl_rejected NAME MESSAGE: xl itself exits 1 with MESSAGE
xl_rejected() {
    c=$1; msg=$2
    run_case "$c"
    if [ "$(cat "$c.xl.rc")" = 1 ] && grep -qF -- "$msg" "$c.xl.err"; then
        ok "$c: xl refuses it: $msg"
    else
        not_ok "$c: xl refuses it: $msg"
        { echo "xl status $(cat "$c.xl.rc")"; cat "$c.xl.err"; } | diag
    fi
}

xl_rejected xl-res-noheight 'invalid value "1920" for "vgt_monitor_resolution"'
xl_rejected xl-res-trailing 'invalid value "1920x1080x" for "vgt_monitor_resolution"'
xl_rejected xl-res-nowidth 'invalid value "x768" for "vgt_monitor_resolution"'
xl_rejected xl-res-negative 'invalid value "-1x768" for "vgt_monitor_resolution"'
xl_rejected xl-fence-zero 'invalid value 0 for "vgt_fence_sz" (must be between 1 and 2147483647)'
xl_rejected xl-highgm-huge 'invalid value 4294967296 for "vgt_high_gm_sz" (must be between 1 and 2147483647)'
xl_rejected xl-lowgm-negative "config parsing error near \`-5'"

# --- qemu-xen ------------------------------------------------------------

# qemu_xen NAME [SED [QEMU]]: run QEMU (default Debian's qemu-xen) with
# NAME.args (argv[0] replaced, QMP sockets moved into the work directory,
# SED applied).  Without a hypervisor it must get exactly as far as Xen
# initialisation.
qemu_xen() {
    c=$1; extra=${2:-}; qemu=${3:-$XEN_QEMU}
    sed -e "1s|.*|$qemu|" -e "s|/var/run/xen/|$work/|" ${extra:+-e "$extra"} \
        "$c.args" >"$c.qemu.argv"
    # one argument per line; none of them contains a newline
    (
        set --
        while IFS= read -r arg; do set -- "$@" "$arg"; done <"$c.qemu.argv"
        timeout 20 "$@" </dev/null >"$c.qemu.out" 2>&1
    )
}

# layout QEMU SED WANT2 WHAT: run full.args' -device list under -accel qtest
# and check which device each slot got.
layout() {
    qemu=$1; sub_vgt=$2; want2=$3; what=$4
    devs=$(awk 'p == "-device" { print } { p = $0 }' full.args |
           sed -e 's/^xen-platform,addr=0x3$/pci-testdev,addr=0x3/' \
               -e 's/,netdev=[^,]*//' ${sub_vgt:+-e "$sub_vgt"} |
           grep -v '^scsi-hd')
    set --
    for d in $devs; do set -- "$@" -device "$d"; done
    printf 'info pci\nquit\n' |
        timeout 20 "$qemu" -machine pc-i440fx-3.1 -accel qtest -qtest null \
            -nodefaults -display none -L /usr/share/seabios \
            -monitor stdio "$@" 2>&1 | tr -d '\r' >layout.out
    slot() {   # slot N -> the "PCI device" line of 00:N.0
        awk -v s="$1" '/Bus  0, device/ { cur = ($4 == s ",") && ($6 == "0:") }
                       cur && /PCI device/ { print; exit }' layout.out
    }
    if slot 2 | grep -q "PCI device $want2" &&
       slot 3 | grep -q 'PCI device 1b36:0005' &&
       slot 4 | grep -q 'PCI device 1000:0012' &&
       slot 5 | grep -q 'PCI device 8086:100e'; then
        ok "layout ($what): vGPU 00:02.0, platform 00:03.0, SCSI 00:04.0, NIC 00:05.0"
    else
        not_ok "layout ($what): vGPU 00:02.0, platform 00:03.0, SCSI 00:04.0, NIC 00:05.0"
        diag <layout.out
    fi
}

if [ -x "$XEN_QEMU" ]; then
    for c in full defaults; do
        if [ -f "$c.args" ]; then
            qemu_xen $c
            if grep -q 'failed to initialize xen' "$c.qemu.out" &&
               ! grep -qE 'invalid option|unsupported machine|requires an argument|Invalid|could not' "$c.qemu.out"; then
                ok "$c: Debian's qemu-xen accepts the argv up to Xen init (machine and options exist)"
            else
                not_ok "$c: Debian's qemu-xen accepts the argv up to Xen init"
                diag <"$c.qemu.out"
            fi
        else
            not_ok "$c: no argv to give qemu-xen"
        fi
    done
    # The check above can fail: the same run with a machine QEMU lacks.
    if [ -f defaults.args ]; then
        qemu_xen defaults 's/^pc-i440fx-3\.1,/pc-i440fx-0.9,/'
        check "control: qemu-xen refuses an unknown machine type before Xen init" \
            grep -q 'unsupported machine type' defaults.qemu.out
    fi

    # Slot layout from QEMU's own PCI code (-accel qtest, no Xen): the
    # argv's -device options in argv order.  Xen-only pieces get
    # stand-ins: xen-platform -> pci-testdev (1b36:0005) at the same
    # address; with Debian's QEMU, which has no vgt, vgt -> VGA (1234:1111)
    # at the same address.  With VGT_QEMU the real vgt device is used too.
    if [ -f full.args ]; then
        layout "$XEN_QEMU" 's/^vgt,addr=0x2,.*/VGA,addr=0x2/' '1234:1111' \
            "a stand-in VGA for vgt, Debian's QEMU"
    fi
else
    n=$((n + 1)); echo "ok $n - qemu-xen checks # SKIP $XEN_QEMU not installed"
fi

qemu_refusals='invalid option|unsupported machine|requires an argument|Invalid|could not'

# The project's own QEMU (Debian's configuration plus vgt) is the one
# device_model_override points at: libxl's whole argv must get as far as
# Xen initialisation on it, and every device it names must exist and land
# in its slot -- the real vgt, SCSI controller and NIC; only xen-platform,
# which needs a running Xen, has a stand-in.
if [ -n "$VGT_QEMU" ] && [ -x "$VGT_QEMU" ] && [ -f full.args ]; then
    for c in full defaults; do
        if [ ! -f "$c.args" ]; then
            not_ok "$c: no argv to give the project's QEMU"
            continue
        fi
        qemu_xen $c '' "$VGT_QEMU"
        if grep -q 'failed to initialize xen' "$c.qemu.out" &&
           ! grep -qE "$qemu_refusals|not found|is not a valid device" \
               "$c.qemu.out"; then
            # (devices are realized after Xen init: the layout check below)
            ok "$c: the project's QEMU accepts libxl's argv up to Xen init"
        else
            not_ok "$c: the project's QEMU accepts libxl's argv up to Xen init"
            diag <"$c.qemu.out"
        fi
    done
    vgtdev=$(device_n full.args 1)
    missing=
    props=$("$VGT_QEMU" -device vgt,help 2>&1)
    for p in low_gm_sz high_gm_sz fence_sz xres yres; do
        echo "$props" | grep -q "^  $p=" || missing="$missing $p"
    done
    if [ -z "$missing" ]; then
        ok "the vgt device has every property libxl sets"
    else
        not_ok "the vgt device lacks:$missing"
    fi
    layout "$VGT_QEMU" '' '8086:0412' \
        "the real vgt, SCSI controller and NIC, the project's QEMU"
else
    n=$((n + 1))
    echo "ok $n - libxl's argv on the project's QEMU" \
        "# SKIP the project's QEMU is not built (VGT_QEMU)"
fi

echo "1..$n"
