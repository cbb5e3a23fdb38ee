#!/bin/sh
# Fetch the pinned Debian guest kernel (scripts/guest/kernel.pin) with
# apt-get download, cache the .deb, and extract what the guest needs:
#   OUT/vmlinuz              the kernel image
#   OUT/config               its /boot/config (for reference)
#   OUT/modules/*.ko         i915 and its dependency chain
#   OUT/modules.load         those modules in load order, i915 last
#   OUT/kernel.id            "PACKAGE VERSION" of what was extracted
#   OUT/kernel.abi           the ABI (uname -r, the /lib/modules directory)
# The dependency chain is computed by depmod + modprobe --show-depends on the
# package's own modules, not hard-coded.
#   usage: fetch-kernel.sh OUT_DIR [CACHE_DIR]
# CACHE_DIR (default OUT_DIR/deb) keeps the .deb; point it outside build/ to
# survive `make clean`.
#
# Other users of a Debian kernel (mk/kernel.mk: the kernel the host's
# headers belong to) set, in the environment:
#   VGT_KERNEL_ABI, VGT_KERNEL_VERSION   the package instead of kernel.pin's
#   VGT_KERNEL_MODULES   the top modules (default i915), space-separated;
#                        their chains are loaded in this order, the last one
#                        last
#   VGT_KERNEL_TAG       the prefix of messages (default vgt-guest)
#   VGT_KERNEL_PIN_HINT  where the version comes from, for the error message
# Without them the guest's behaviour is the pinned one (scripts/guest/kernel.pin).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
. "$here/kernel.pin"

out=${1:?usage: fetch-kernel.sh OUT_DIR [CACHE_DIR]}
cache=${2:-$out/deb}
abi=${VGT_KERNEL_ABI:-$GUEST_KERNEL_ABI}
pkg="linux-image-$abi"
ver=${VGT_KERNEL_VERSION:-$GUEST_KERNEL_VERSION}
deb="$cache/${pkg}_${ver}_amd64.deb"
# The drivers we are here for; their dependencies are resolved, not listed.
top_modules=${VGT_KERNEL_MODULES:-i915}
top_module=${top_modules##* }
tag=${VGT_KERNEL_TAG:-vgt-guest}
pin_hint=${VGT_KERNEL_PIN_HINT:-"scripts/guest/kernel.pin (the build the design
  notes cite)"}

say() { echo "$tag: $*"; }
die() { echo "$tag: error: $*" >&2; exit 1; }

for tool in apt-get apt-cache dpkg-deb depmod modprobe; do
    command -v "$tool" >/dev/null 2>&1 || PATH="$PATH:/sbin:/usr/sbin"
    command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found (install kmod / apt)"
done

mkdir -p "$out" "$cache"

# Does apt's index carry the pinned package and version?  (apt-cache show
# PKG=VER alone is not enough: it can succeed with nothing to show.)
apt_knows() {
    apt-cache show "$pkg=$ver" 2>/dev/null | grep -qx "Version: $ver"
}

# apt's own record of the pinned package, if the index still carries it.
apt_sha256() {
    apt-cache show "$pkg=$ver" 2>/dev/null | sed -n 's/^SHA256: //p' | head -n 1
}

check_deb() {
    p=$(dpkg-deb -f "$1" Package 2>/dev/null) || return 1
    v=$(dpkg-deb -f "$1" Version 2>/dev/null) || return 1
    if [ "$p" != "$pkg" ] || [ "$v" != "$ver" ]; then
        die "$1 is $p $v, but $pin_hint asks for $pkg $ver; refusing a silently different kernel"
    fi
    want=$(apt_sha256)
    if [ -n "$want" ]; then
        have=$(sha256sum "$1" | cut -d' ' -f1)
        [ "$have" = "$want" ] || { echo "vgt-guest: $1: SHA256 $have, apt says $want" >&2; return 1; }
    fi
    return 0
}

if [ -f "$deb" ] && check_deb "$deb"; then
    say "using cached $deb"
else
    rm -f "$deb"
    say "downloading $pkg $ver (about 70 MB) with apt-get download"
    if ! apt_knows; then
        # Maybe the index is just old or missing.
        say "apt-get update (the index does not know $pkg=$ver)"
        apt-get update -q >/dev/null 2>&1 || true
    fi
    if ! apt_knows; then
        {
            echo "$tag: error: Debian's apt index has no $pkg version $ver."
            echo "  What apt offers now:"
            apt-cache policy "$pkg" 2>&1 | sed 's/^/    /'
            echo "  The version is pinned in $pin_hint.  Either put the cached .deb at"
            echo "    $deb"
            echo "  or change the pin deliberately (and re-check the notes' references)."
        } >&2
        exit 1
    fi
    tmp="$cache/.download.$$"
    rm -rf "$tmp" && mkdir -p "$tmp"
    # apt-get download writes into the current directory; as root it warns
    # about the _apt sandbox user, which is harmless here.
    (cd "$tmp" && apt-get download -q "$pkg=$ver" 2>&1 | grep -v 'unsandboxed' || true)
    got=$(ls "$tmp"/*.deb 2>/dev/null | head -n 1)
    [ -n "$got" ] || { rm -rf "$tmp"; die "apt-get download $pkg=$ver produced no .deb"; }
    check_deb "$got" || { rm -rf "$tmp"; die "downloaded $got does not verify"; }
    mv "$got" "$deb"
    rm -rf "$tmp"
    say "cached $deb"
fi

# Extract into a scratch tree (about 400 MB), keep only what the guest needs.
say "extracting vmlinuz and the $top_modules module chain"
tree="$out/.tree"
rm -rf "$tree" && mkdir -p "$tree"
trap 'rm -rf "$tree"' EXIT
dpkg-deb -x "$deb" "$tree"
kdir="$tree/lib/modules/$abi"
[ -f "$tree/boot/vmlinuz-$abi" ] || die "no /boot/vmlinuz-$abi in $deb"
[ -d "$kdir" ] || die "no /lib/modules/$abi in $deb"

# The package ships no modules.dep (its postinst runs depmod): make one.
depmod -b "$tree" "$abi"
chain=
for m in $top_modules; do
    c=$(modprobe -d "$tree" -S "$abi" --show-depends "$m" 2>&1) ||
        die "modprobe --show-depends $m failed: $c"
    chain="$chain$c
"
done

rm -rf "$out/modules" && mkdir -p "$out/modules"
: > "$out/modules.load.tmp"
echo "$chain" | while read -r verb path rest; do
    case "$verb" in
    '') ;;
    insmod)
        base=$(basename "$path")
        # A module two top modules share is loaded once, the first time.
        grep -qx "$(basename "${base%.ko*}")" "$out/modules.load.tmp" && continue
        case "$base" in
        *.ko) cp "$path" "$out/modules/$base" ;;
        *.ko.xz) xz -dc "$path" > "$out/modules/${base%.xz}"; base=${base%.xz} ;;
        *.ko.zst) zstd -qdc "$path" > "$out/modules/${base%.zst}"; base=${base%.zst} ;;
        *) die "unexpected module file $path" ;;
        esac
        echo "${base%.ko}" >> "$out/modules.load.tmp"
        ;;
    builtin) ;;  # part of vmlinuz already
    *) die "unexpected modprobe output: $verb $path $rest" ;;
    esac
done
tail -n 1 "$out/modules.load.tmp" | grep -qx "$top_module" ||
    die "$top_module is not last in the computed load order"
mv "$out/modules.load.tmp" "$out/modules.load"

cp "$tree/boot/vmlinuz-$abi" "$out/vmlinuz"
cp "$tree/boot/config-$abi" "$out/config"
echo "$pkg $ver" > "$out/kernel.id"
echo "$abi" > "$out/kernel.abi"
say "kernel $abi ($ver): $(wc -l < "$out/modules.load") modules, load order:" \
    "$(tr '\n' ' ' < "$out/modules.load")"
