#!/bin/sh
# Configure QEMU the way Debian configures its qemu-system-x86, plus vgt.
#
# The feature list is Debian's own: debian/control of the source package
# carries it as "# --enable-..." comments next to each build dependency,
# and Debian's debian/extract-config-opts turns them into configure options
# for an OS-architecture (debian/rules does the same).  We read it from the
# unpacked source, so a new Debian revision brings its own list.  To it we
# add what Debian's separate qemu-system-xen build enables (Xen and Xen PCI
# passthrough: one binary serves KVM, TCG and Xen here), the vgt device,
# and the options passed as arguments (target, paths).  What we leave out
# and why (docs, modules) is in docs/building.md.
#   usage: scripts/qemu-configure.sh QEMU_SRC BUILD_DIR CC CONFIGURE_OPTION...
set -eu
src=$1
build=$2
cc=$3
shift 3

extract=$src/debian/extract-config-opts
if [ ! -f "$extract" ] || [ ! -f "$src/debian/control" ]; then
    echo "vgt: error: $src has no debian/extract-config-opts or debian/control" >&2
    exit 1
fi

# Debian's list, minus the manuals (sphinx adds minutes to every cold build
# and the project's docs/ cover vgt; Debian's qemu-system-doc has QEMU's).
debian_opts=$(sh "$extract" linux-amd64 "$src/debian/control" |
              sed 's/^--enable-docs$/--disable-docs/')

# Debian's hardening flags (dpkg-buildflags), without the file-prefix map
# that only makes sense inside a package build directory.
cflags=$(dpkg-buildflags --get CFLAGS | sed 's/-ffile-prefix-map=[^ ]*//g')
cppflags=$(dpkg-buildflags --get CPPFLAGS)
ldflags="$(dpkg-buildflags --get LDFLAGS) -Wl,--as-needed"

mkdir -p "$build"
# shellcheck disable=SC2086  # one option per word, as Debian's rules pass them
set -- $debian_opts --enable-xen --enable-xen-pci-passthrough --enable-vgt "$@"
{
    echo "# configure options (scripts/qemu-configure.sh)"
    for o in "$@"; do echo "$o"; done
} > "$build/vgt-configure-options.txt"
cd "$build"
exec "$src/configure" --cc="$cc" --meson=meson \
    --extra-cflags="$cflags $cppflags" --extra-ldflags="$ldflags" "$@"
