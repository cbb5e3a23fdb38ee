#!/bin/sh
# Build the guest's initramfs: Debian's busybox-static, the modules that
# fetch-kernel.sh extracted (in their load order), and our /init
# (scripts/guest/init.sh).  Output: a gzip'ed newc cpio archive.
#   usage: make-initramfs.sh KERNEL_DIR OUT.cpio.gz
# KERNEL_DIR is fetch-kernel.sh's output (modules/, modules.load, kernel.id,
# kernel.abi).  Another /init than the guest's: VGT_INIT=FILE in the
# environment (mk/kernel.mk: scripts/kernel/init.sh; VGT_KERNEL_TAG: the
# prefix of its messages).  Extra static programs for the guest's /bin:
# VGT_GUEST_BIN="FILE..." (mk/migration.mk: vgt-gem-exec, which submits
# GPU work through i915's uapi; see docs/migration.md).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
. "$here/kernel.pin"
init=${VGT_INIT:-$here/init.sh}

kdir=${1:?usage: make-initramfs.sh KERNEL_DIR OUT.cpio.gz}
out=${2:?usage: make-initramfs.sh KERNEL_DIR OUT.cpio.gz}
busybox=${BUSYBOX:-/bin/busybox}

tag=${VGT_KERNEL_TAG:-vgt-guest}
die() { echo "$tag: error: $*" >&2; exit 1; }

[ -f "$kdir/modules.load" ] || die "$kdir/modules.load missing: run fetch-kernel.sh first"
# The module directory is the extracted kernel's (the pin's, for the guest).
abi=$GUEST_KERNEL_ABI
[ -f "$kdir/kernel.abi" ] && abi=$(cat "$kdir/kernel.abi")
[ -f "$init" ] || die "$init missing"
[ -x "$busybox" ] || die "$busybox missing: apt-get install busybox-static"
# Only the static build runs in an initramfs with no libc.
if ! dpkg-query -W -f='${Status}\n' busybox-static 2>/dev/null | grep -q 'ok installed'; then
    die "busybox-static is not installed (the dynamic busybox cannot run in the initramfs)"
fi
command -v cpio >/dev/null 2>&1 || die "cpio missing: apt-get install cpio"

root="$out.root"
rm -rf "$root"
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/dev" "$root/proc" "$root/sys" "$root/tmp" "$root/run" \
    "$root/lib/modules/$abi"
cp "$busybox" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
cp "$init" "$root/init"
chmod 0755 "$root/init" "$root/bin/busybox"
extra=
for b in ${VGT_GUEST_BIN:-}; do
    [ -f "$b" ] || die "$b missing (VGT_GUEST_BIN)"
    # Only a static program runs in the initramfs (no libc there).
    if file -b "$b" 2>/dev/null | grep -q 'dynamically linked'; then
        die "$b is dynamically linked: the initramfs has no libc"
    fi
    cp "$b" "$root/bin/${b##*/}"
    chmod 0755 "$root/bin/${b##*/}"
    extra="$extra + ${b##*/}"
done

mdir="$root/lib/modules/$abi"
while read -r m; do
    [ -f "$kdir/modules/$m.ko" ] || die "module $m.ko missing in $kdir/modules"
    cp "$kdir/modules/$m.ko" "$mdir/"
done < "$kdir/modules.load"
cp "$kdir/modules.load" "$mdir/modules.load"
{
    echo "kernel: $(cat "$kdir/kernel.id")"
    echo "busybox: $(dpkg-query -W -f='${Package} ${Version}' busybox-static)"
} > "$root/etc-vgt-guest.txt"
mkdir -p "$root/etc" && mv "$root/etc-vgt-guest.txt" "$root/etc/vgt-guest"

# Reproducible archive: sorted names, fixed owner and times.
find "$root" -exec touch -h -d @0 {} +
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -n -6 > "$out.tmp"
mv "$out.tmp" "$out"
echo "$tag: initramfs $out ($(du -k "$out" | cut -f1) KiB): busybox + $(wc -l < "$kdir/modules.load") modules + /init$extra"
