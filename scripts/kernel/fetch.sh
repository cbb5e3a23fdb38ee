#!/bin/sh
# The kernel of the kernel-chain VM: Debian's linux-image package of exactly
# the ABI and version of the installed headers that vgt.ko is built against
# (HEADERS_DIR, mk/helper.mk's HELPER_KDIR), fetched and verified by
# scripts/guest/fetch-kernel.sh with the modules the VM needs: virtio_pci,
# 9pnet_virtio and 9p (the host's root and the results over virtio-9p) and
# their dependencies.  Does nothing (and leaves OUT_DIR's times alone) when
# OUT_DIR already holds that kernel with those modules.
#   usage: fetch.sh HEADERS_DIR OUT_DIR CACHE_DIR
set -eu

here=$(cd "$(dirname "$0")" && pwd)
hdir=${1:-}
out=${2:?usage: fetch.sh HEADERS_DIR OUT_DIR CACHE_DIR}
cache=${3:?usage: fetch.sh HEADERS_DIR OUT_DIR CACHE_DIR}
modules="virtio_pci 9pnet_virtio 9p"

die() { echo "vgt-kernel: error: $*" >&2; exit 1; }

[ -n "$hdir" ] && [ -d "$hdir" ] ||
    die "no kernel headers (/usr/src/linux-headers-6.1.*-amd64): apt-get install linux-headers-amd64"
hdir=${hdir%/}
abi=${hdir##*/linux-headers-}
ver=$(dpkg-query -W -f='${Version}' "linux-headers-$abi" 2>/dev/null) ||
    die "$hdir belongs to no installed package linux-headers-$abi (dpkg-query)"
[ -n "$ver" ] || die "dpkg-query gives no version for linux-headers-$abi"

want="linux-image-$abi $ver"
if [ "$(cat "$out/kernel.id" 2>/dev/null)" = "$want" ] &&
    [ "$(cat "$out/kernel.modules" 2>/dev/null)" = "$modules" ] &&
    [ -f "$out/vmlinuz" ] && [ -f "$out/modules.load" ]; then
    exit 0
fi
rm -f "$out/kernel.id"
VGT_KERNEL_ABI=$abi VGT_KERNEL_VERSION=$ver VGT_KERNEL_MODULES=$modules \
    VGT_KERNEL_TAG=vgt-kernel \
    VGT_KERNEL_PIN_HINT="the installed headers ($hdir, package linux-headers-$abi $ver)" \
    "$here/../guest/fetch-kernel.sh" "$out" "$cache"
echo "$modules" > "$out/kernel.modules"
# kernel.id last: its time says when this kernel changed (mk/kernel.mk).
touch "$out/kernel.id"
