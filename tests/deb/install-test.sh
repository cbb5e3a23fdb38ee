#!/bin/bash
# shellcheck disable=SC2154  # pid_<name> variables are assigned by run_qemu through eval
# The packages as a bookworm admin gets them: install build/deb/*.deb with
# apt into a fresh minimal bookworm chroot (debootstrap, cached by
# tests/deb/chroot-cache.sh), then run the installed QEMU and vgt-hostd from
# their installed paths.  TAP on stdout, details on stderr.
#   usage: tests/deb/install-test.sh DEB_DIR [CACHE_DIR [MIRROR]]
# Needs root (chroot, mount) and the Debian mirror (apt in the chroot).
# Downloaded packages are kept in CACHE_DIR/apt-archives for the next run.
set -u

debdir=$(realpath "$1")
cache=$(realpath -m "${2:-$debdir/chroot-cache}")
mirror=${3:-http://deb.debian.org/debian}
here=$(dirname "$(realpath "$0")")

n=0
failed=0
ok()   { n=$((n + 1)); echo "ok $n - $*"; }
nok()  { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
skip() { n=$((n + 1)); echo "ok $n - $* # SKIP"; }
# check DESCRIPTION COMMAND...: one test line from a command's status
check() { d=$1; shift; if "$@" >&2; then ok "$d"; else nok "$d"; fi; }
note() { echo "# $*"; }
finish() { echo "1..$n"; exit $(( failed > 0 )); }
bail() { echo "Bail out! $*"; echo "1..$n"; exit 1; }

[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root (debootstrap, chroot, mount)"; exit 0; }
qemu_deb=$(ls "$debdir"/qemu-system-vgt_*.deb 2>/dev/null | tail -n 1)
hostd_deb=$(ls "$debdir"/vgt-hostd_*.deb 2>/dev/null | tail -n 1)
dkms_deb=$(ls "$debdir"/vgt-dkms_*.deb 2>/dev/null | tail -n 1)
[ -n "$qemu_deb" ] && [ -n "$hostd_deb" ] && [ -n "$dkms_deb" ] ||
    bail "no qemu-system-vgt_*.deb / vgt-hostd_*.deb / vgt-dkms_*.deb in $debdir (make deb)"

# ---- the chroot ------------------------------------------------------------
t0=$(date +%s)
tarball=$("$here/chroot-cache.sh" "$cache" "$mirror") || bail "no bookworm chroot (debootstrap failed)"
work=$(mktemp -d "$cache/run.XXXXXX")
root=$work/root
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    sleep 0.5
    for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
    for m in "$root/var/cache/apt/archives" "$root/proc"; do
        mountpoint -q "$m" 2>/dev/null && { umount "$m" 2>/dev/null || umount -l "$m"; }
    done
    # never rm through a mount that is still there
    if ! grep -q " $root/" /proc/mounts; then rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM
mkdir -p "$root" "$cache/apt-archives/partial"
tar -C "$root" --numeric-owner -xzf "$tarball" || bail "cannot unpack $tarball"
mount -t proc proc "$root/proc" || bail "cannot mount /proc in the chroot"
# apt's downloads survive the run: a warm run downloads nothing
mount --bind "$cache/apt-archives" "$root/var/cache/apt/archives" || bail "cannot bind the apt cache"
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null
# no daemon starts in the chroot (policy-rc.d, as debootstrap'd chroots do)
printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d" && chmod 755 "$root/usr/sbin/policy-rc.d"
cp "$qemu_deb" "$hostd_deb" "$dkms_deb" "$root/tmp/"
note "chroot from $(basename "$tarball") ready in $(( $(date +%s) - t0 )) s"
inchroot() { timeout "${T:-120}" chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"; }

# ---- install -----------------------------------------------------------------
t1=$(date +%s)
if T=600 inchroot apt-get -q update > "$work/apt-update.log" 2>&1; then
    ok "apt-get update in the bookworm chroot ($mirror)"
else
    tail -n 20 "$work/apt-update.log" >&2; bail "apt-get update failed in the chroot"
fi
q=$(basename "$qemu_deb"); h=$(basename "$hostd_deb")
if T=1200 inchroot apt-get install -y -q --no-install-recommends \
        "./tmp/$q" "./tmp/$h" > "$work/apt-install.log" 2>&1; then
    ok "apt-get install ./$q ./$h ($(( $(date +%s) - t1 )) s, $(grep -c '^Setting up' "$work/apt-install.log") packages set up)"
else
    tail -n 30 "$work/apt-install.log" >&2; bail "apt-get install of our packages failed"
fi
for p in qemu-system-vgt vgt-hostd; do
    st=$(inchroot dpkg-query -W -f '${Status} ${Version}' "$p" 2>&1)
    case $st in "install ok installed "*) ok "$p installed: ${st#install ok installed }" ;;
                *) nok "$p not installed: $st" ;; esac
done
# what dpkg -L lists must stay in our corners of the file system
bad=$(inchroot dpkg -L qemu-system-vgt vgt-hostd | grep -vxE \
    '/\.|/usr|/usr/lib|/usr/bin|/usr/sbin|/usr/share|/usr/share/doc|/usr/share/man|/usr/share/man/man[18]|/lib|/lib/systemd|/lib/systemd/system|/etc|/usr/lib/vgt(/.*)?|/usr/bin/[^/]*-vgt|/usr/sbin/vgt-hostd|/usr/share/doc/(qemu-system-vgt|vgt-hostd)(/.*)?|/usr/share/man/man[18]/[^/]*vgt[^/]*\.[18]\.gz|/lib/systemd/system/vgt-hostd\.(service|socket)|/etc/.*')
if [ -z "$bad" ]; then
    ok "dpkg -L: every file under /usr/lib/vgt, /usr/bin/*-vgt, /usr/sbin/vgt-hostd, /usr/share/{doc,man}, /lib/systemd/system"
else
    nok "dpkg -L lists files outside the package's corners: $(echo $bad)"
fi
for f in /usr/lib/vgt/qemu/bin/qemu-system-x86_64 /usr/bin/qemu-system-x86_64-vgt \
         /usr/lib/vgt/qemu/share/qemu/trace-events-all /usr/sbin/vgt-hostd \
         /lib/systemd/system/vgt-hostd.service /lib/systemd/system/vgt-hostd.socket \
         /usr/share/man/man1/qemu-system-x86_64-vgt.1.gz /usr/share/man/man8/vgt-hostd.8.gz; do
    [ -e "$root$f" ] || missing="${missing:-} $f"
done
if [ -z "${missing:-}" ]; then ok "installed files in place (binaries, data, units, man pages)"
else nok "missing after install:$missing"; fi
check "postinst created the system group vgt" inchroot getent group vgt
if [ "$(readlink "$root/etc/systemd/system/sockets.target.wants/vgt-hostd.socket")" = /lib/systemd/system/vgt-hostd.socket ]; then
    ok "postinst enabled vgt-hostd.socket (deb-systemd-helper, no systemd running)"
else
    nok "vgt-hostd.socket not enabled: $(ls -l "$root/etc/systemd/system/sockets.target.wants/" 2>&1)"
fi
if command -v systemd-analyze >/dev/null; then
    # a root with the installed units and binary, and the host's targets
    # (the minimal chroot has no systemd); unknown keys and bad values are
    # only warnings, so any line naming our units fails
    sa=$work/sa
    mkdir -p "$sa/lib/systemd/system" "$sa/usr/sbin"
    cp /lib/systemd/system/*.target "$sa/lib/systemd/system/" 2>/dev/null
    cp "$root"/lib/systemd/system/vgt-hostd.* "$sa/lib/systemd/system/"
    cp "$root/usr/sbin/vgt-hostd" "$sa/usr/sbin/"
    if out=$(timeout 60 systemd-analyze verify --man=no --root="$sa" vgt-hostd.socket vgt-hostd.service 2>&1) &&
       ! echo "$out" | grep -q 'vgt-hostd'; then
        ok "systemd-analyze verify: vgt-hostd.socket and .service are clean"
    else
        echo "$out" >&2; nok "systemd-analyze verify complains about the units"
    fi
else
    skip "systemd-analyze verify (no systemd-analyze on the host)"
fi

# ---- the installed QEMU --------------------------------------------------------
ver=$(T=30 inchroot /usr/bin/qemu-system-x86_64-vgt -version 2>&1)
case $ver in
    *"QEMU emulator version 7.2"*vgt-Debian*) ok "qemu-system-x86_64-vgt -version: $(echo "$ver" | head -n 1)" ;;
    *) nok "qemu-system-x86_64-vgt -version: $ver" ;;
esac
props=$(T=30 inchroot /usr/bin/qemu-system-x86_64-vgt -device vgt,help 2>&1)
if echo "$props" | grep -q 'helper=' && echo "$props" | grep -q 'low_gm_sz=' &&
   echo "$props" | grep -q 'high_gm_sz=' && echo "$props" | grep -q 'fence_sz='; then
    ok "-device vgt,help lists helper, low_gm_sz, high_gm_sz, fence_sz"
else
    echo "$props" >&2; nok "-device vgt,help: properties missing"
fi

# run_qemu NAME ARGS...: start the installed QEMU in the chroot (TCG, q35,
# no display) with a QMP socket at /run/NAME.qmp; stderr in $work/NAME.log
run_qemu() {
    name=$1; shift
    timeout 300 chroot "$root" /usr/bin/env -i PATH=/usr/bin:/bin \
        /usr/bin/qemu-system-x86_64-vgt -accel tcg -M q35 -m 256M -nodefaults \
        -vga none -display none -qmp "unix:/run/$name.qmp,server=on,wait=off" \
        "$@" > "$work/$name.log" 2>&1 &
    pids+=($!)
    eval "pid_$name=$!"
}
qmp() { timeout 90 python3 "$here/qmp.py" "$root/run/$1.qmp" "${@:2}"; }
# field KEY TEXT: value of KEY=... in qmp.py's output
field() { echo "$2" | sed -n "s/^$1=//p"; }
# partition_ok NAME PVINFO-OUTPUT: the default partition (64 MiB mappable,
# 448 MiB non-mappable, 4 fences), at or above the helper's 32 MiB
partition_ok() {
    [ "$(field magic "$2")" = 0x4776544776544776 ] &&
    [ "$(field mappable_size "$2")" = 0x4000000 ] &&
    [ "$(field nonmappable_size "$2")" = 0x1c000000 ] &&
    [ "$(field fences "$2")" = 0x4 ] &&
    [ $(( $(field mappable_base "$2") )) -ge $(( 32 << 20 )) ] &&
    [ $(( $(field nonmappable_base "$2") )) -ge $(( 512 << 20 )) ]
}

# 1. the embedded helper, firmware from seabios and ipxe-qemu (e1000's ROM)
run_qemu embedded -device vgt,addr=02.0,id=gpu \
    -netdev user,id=n0 -device e1000,netdev=n0,addr=03.0
pci=$(qmp embedded pci)
if [ "$(field vendor "$pci"):$(field device "$pci")" = 0x8086:0x0412 ] &&
   [ "$(field bus "$pci").$(field slot "$pci").$(field function "$pci")" = 0.2.0 ]; then
    ok "query-pci: 8086:0412 at 00:02.0 (class $(field class "$pci"))"
else
    echo "$pci" >&2; tail -n 5 "$work/embedded.log" >&2; nok "query-pci: no 8086:0412 at 00:02.0"
fi
pv=$(qmp embedded pvinfo 90)
if partition_ok embedded "$pv"; then
    ok "embedded helper: SeaBIOS mapped BAR0 at $(field bar0 "$pv"), PVINFO holds the partition (mappable $(field mappable_base "$pv")+64 MiB, non-mappable $(field nonmappable_base "$pv")+448 MiB, 4 fences)"
else
    echo "$pv" >&2; tail -n 5 "$work/embedded.log" >&2; nok "embedded helper: PVINFO does not hold the default partition"
fi
qmp embedded quit >/dev/null
wait "$pid_embedded" 2>/dev/null
if grep -qiE 'could not load|failed to find romfile|error' "$work/embedded.log"; then
    cat "$work/embedded.log" >&2; nok "QEMU log has errors (firmware?)"
else
    ok "no firmware errors: bios-256k.bin (seabios) and efi-e1000.rom (ipxe-qemu) found on the firmware path"
fi

# 2. vgt-hostd from the package, two VMs on its socket
timeout 300 chroot "$root" /usr/bin/env -i /usr/sbin/vgt-hostd --socket /run/vgt-hostd.sock \
    --verbose > "$work/hostd.log" 2>&1 &
hostd_pid=$!; pids+=("$hostd_pid")
for _ in $(seq 50); do [ -S "$root/run/vgt-hostd.sock" ] && break; sleep 0.2; done
if [ -S "$root/run/vgt-hostd.sock" ] && grep -q 'listening on /run/vgt-hostd.sock' "$work/hostd.log"; then
    ok "/usr/sbin/vgt-hostd listens on /run/vgt-hostd.sock"
else
    cat "$work/hostd.log" >&2; nok "vgt-hostd did not come up"
fi
memfd="-object memory-backend-memfd,id=ram,size=256M,share=on -machine memory-backend=ram"
# shellcheck disable=SC2086
run_qemu vm1 $memfd -device vgt,addr=02.0,id=gpu,helper=/run/vgt-hostd.sock
pv1=$(qmp vm1 pvinfo 90)
# shellcheck disable=SC2086
run_qemu vm2 $memfd -device vgt,addr=02.0,id=gpu,helper=/run/vgt-hostd.sock
pv2=$(qmp vm2 pvinfo 90)
# vgt-hostd logs "vgtN: created: mappable 0x...+64 MiB, non-mappable 0x...+448 MiB, fences B+4"
created=$(grep -c ': created: mappable' "$work/hostd.log")
m1=$(printf '0x%x' "$(( $(field mappable_base "$pv1") ))" 2>/dev/null)
m2=$(printf '0x%x' "$(( $(field mappable_base "$pv2") ))" 2>/dev/null)
if partition_ok vm1 "$pv1" && grep -q "created: mappable $m1+64 MiB" "$work/hostd.log"; then
    ok "vgt-hostd served VM 1: PVINFO mappable $m1+64 MiB, as vgt-hostd logged it"
else
    echo "$pv1" >&2; cat "$work/hostd.log" "$work/vm1.log" >&2; nok "VM 1 on vgt-hostd: no partition"
fi
if partition_ok vm2 "$pv2" && grep -q "created: mappable $m2+64 MiB" "$work/hostd.log" &&
   [ "$m1" != "$m2" ] && [ "$created" = 2 ]; then
    ok "vgt-hostd served VM 2 a different partition: mappable $m2+64 MiB (2 instances created)"
else
    echo "$pv2 created=$created" >&2; tail -n 5 "$work/vm2.log" >&2; nok "VM 2 on vgt-hostd: no distinct partition"
fi
qmp vm1 quit >/dev/null; qmp vm2 quit >/dev/null
wait "$pid_vm1" "$pid_vm2" 2>/dev/null
for _ in $(seq 25); do [ "$(grep -c ': destroyed' "$work/hostd.log")" -ge 2 ] && break; sleep 0.2; done
kill -TERM "$hostd_pid"; wait "$hostd_pid"; rc=$?
if [ "$(grep -c ': destroyed' "$work/hostd.log")" = 2 ] && [ $rc = 0 ] && [ ! -e "$root/run/vgt-hostd.sock" ]; then
    ok "VMs gone: both instances destroyed; SIGTERM: vgt-hostd exits 0 and removes its socket"
else
    cat "$work/hostd.log" >&2; nok "vgt-hostd shutdown: rc=$rc, destroyed=$(grep -c ': destroyed' "$work/hostd.log")"
fi

# 3. socket activation, the way vgt-hostd.socket starts it (fd 3, LISTEN_FDS=1)
if command -v systemd-socket-activate >/dev/null; then
    timeout 300 systemd-socket-activate --seqpacket -l "$root/run/act.sock" \
        chroot "$root" /usr/sbin/vgt-hostd --verbose > "$work/act.log" 2>&1 &
    act_pid=$!; pids+=("$act_pid")
    for _ in $(seq 50); do [ -S "$root/run/act.sock" ] && break; sleep 0.2; done
    # shellcheck disable=SC2086
    run_qemu vm3 $memfd -device vgt,addr=02.0,id=gpu,helper=/run/act.sock
    pv3=$(qmp vm3 pvinfo 90)
    if partition_ok vm3 "$pv3" && grep -q 'using the socket passed by systemd' "$work/act.log" &&
       grep -q ': created: mappable' "$work/act.log"; then
        ok "socket activation: vgt-hostd took the inherited socket and served a VM"
    else
        echo "$pv3" >&2; cat "$work/act.log" >&2; nok "socket activation failed"
    fi
    qmp vm3 quit >/dev/null; wait "$pid_vm3" 2>/dev/null
    kill -TERM "$act_pid" 2>/dev/null; wait "$act_pid" 2>/dev/null
else
    skip "socket activation (no systemd-socket-activate on the host)"
fi

# ---- vgt-dkms: vgt.ko built by DKMS for the kernel whose headers come ----------
# The headers of the kernel the build machine's module is built against
# (linux-headers-amd64: bookworm's current 6.1); whichever of the two
# packages is configured first, DKMS builds vgt.ko for that kernel.
t3=$(date +%s)
kd=$(basename "$dkms_deb")
kver=$(ls -d /usr/src/linux-headers-6.1.*-amd64 2>/dev/null | sort | tail -n 1)
kver=${kver#/usr/src/linux-headers-}
if [ -z "$kver" ]; then
    nok "no /usr/src/linux-headers-6.1.*-amd64 on the build machine to pick the chroot's kernel headers"
elif T=1500 inchroot apt-get install -y -q --no-install-recommends "./tmp/$kd" \
        "linux-headers-$kver" > "$work/apt-dkms.log" 2>&1; then
    ok "apt-get install ./$kd linux-headers-$kver ($(( $(date +%s) - t3 )) s)"
    ko=$root/lib/modules/$kver/updates/dkms/vgt.ko
    st=$(inchroot dkms status vgt 2>&1)
    if echo "$st" | grep -q "$kver.*installed" && [ -f "$ko" ] &&
       [ "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)" = "$kver" ] &&
       modinfo -F alias "$ko" | grep -q 'v00008086d00000412'; then
        ok "DKMS built and installed vgt.ko for $kver (dkms status: $st)"
    else
        tail -n 20 "$work/apt-dkms.log" >&2
        cat "$root"/var/lib/dkms/vgt/*/build/make.log >&2 2>/dev/null
        nok "vgt.ko not built by DKMS for $kver (dkms status: $st)"
    fi
    if T=300 inchroot apt-get purge -y -q vgt-dkms > "$work/apt-dkms-purge.log" 2>&1 &&
       [ ! -e "$ko" ] && ! ls -d "$root"/usr/src/vgt-* >/dev/null 2>&1 &&
       [ -z "$(inchroot dkms status vgt 2>&1)" ]; then
        ok "apt-get purge vgt-dkms: the module, its source and DKMS's record gone"
    else
        tail -n 20 "$work/apt-dkms-purge.log" >&2; nok "apt-get purge vgt-dkms left the module or its record"
    fi
else
    tail -n 30 "$work/apt-dkms.log" >&2; nok "apt-get install ./$kd linux-headers-$kver failed"
fi

# ---- beside Debian's QEMU, then removal ------------------------------------------
t2=$(date +%s)
if T=1200 inchroot apt-get install -y -q --no-install-recommends qemu-system-x86 \
        > "$work/apt-debian-qemu.log" 2>&1; then
    ok "Debian's qemu-system-x86 installs beside ours ($(( $(date +%s) - t2 )) s)"
else
    tail -n 20 "$work/apt-debian-qemu.log" >&2; nok "Debian's qemu-system-x86 does not install beside ours"
fi
owner=$(inchroot dpkg -S /usr/bin/qemu-system-x86_64 2>&1)
dver=$(T=30 inchroot /usr/bin/qemu-system-x86_64 -version 2>&1 | head -n 1)
over=$(T=30 inchroot /usr/bin/qemu-system-x86_64-vgt -version 2>&1 | head -n 1)
if [ "${owner%%:*}" = qemu-system-x86 ] && [ -n "$dver" ] && ! echo "$dver" | grep -q vgt &&
   echo "$over" | grep -q vgt-Debian; then
    ok "both run: qemu-system-x86_64 is Debian's ($dver), qemu-system-x86_64-vgt ours"
else
    nok "side by side: owner=$owner debian='$dver' ours='$over'"
fi
if T=300 inchroot apt-get purge -y -q qemu-system-vgt vgt-hostd > "$work/apt-purge.log" 2>&1 &&
   [ ! -e "$root/usr/lib/vgt" ] && [ ! -e "$root/usr/sbin/vgt-hostd" ] &&
   [ ! -e "$root/etc/systemd/system/sockets.target.wants/vgt-hostd.socket" ] &&
   [ -x "$root/usr/bin/qemu-system-x86_64" ]; then
    ok "apt-get purge: /usr/lib/vgt, vgt-hostd and the socket's enablement gone, Debian's QEMU kept"
else
    tail -n 20 "$work/apt-purge.log" >&2; nok "apt-get purge left files behind or failed"
fi
note "whole run: $(( $(date +%s) - t0 )) s"
finish
