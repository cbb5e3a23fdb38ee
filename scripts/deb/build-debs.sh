#!/bin/sh
# Build the Debian packages of vgt from what `make qemu` and `make helper`
# built, with dpkg-deb from staged trees (no debian/ source package):
#
#   qemu-system-vgt   QEMU 7.2 (Debian's source and features) with -device vgt,
#                     under /usr/lib/vgt/qemu, beside Debian's qemu-system-x86
#   vgt-hostd         the host helper daemon and its systemd units
#   vgt-dkms          vgt.ko's source for DKMS (/usr/src/vgt-VERSION), built
#                     and installed by DKMS for each kernel with headers
#
# Depends come from dpkg-shlibdeps plus the firmware packages.  When nothing
# changed since the last run (same binaries, same scripts/deb, same
# versions) the existing packages are kept.
#
#   usage: scripts/deb/build-debs.sh [--build-data] OUT_DIR
#     --build-data  first build, with ninja, the data files QEMU installs that
#                   `make qemu` does not build (trace-events-all, the GTK
#                   translations): a few seconds, no compiling
#   environment (mk/deb.mk sets them):
#     TOP               the source tree
#     QEMU_BUILD        build/qemu-build (qemu-system-x86_64, meson-info/)
#     QEMU_SRC          build/qemu-src (Debian's source: debian/copyright)
#     QEMU_PREFIX       /usr/lib/vgt/qemu (must match QEMU's --prefix)
#     HELPER_HOSTD      build/helper/vgt-hostd
#     DKMS_TREE         build/dkms/vgt-VERSION (make dkms-tree): the module's
#                       source with dkms.conf; VERSION = VGT_DEB_SNAPSHOT
#     QEMU_DEB_VERSION  Debian's QEMU version, e.g. 1:7.2+dfsg-7+deb12u18
#     VGT_DEB_SNAPSHOT  project part of the versions, e.g. 0.61.g229d0b9
#     DEB_MAINTAINER    Maintainer field (optional)
set -eu

build_data=0
if [ "${1:-}" = --build-data ]; then
    build_data=1
    shift
fi
out=$1
: "${TOP:?}" "${QEMU_BUILD:?}" "${QEMU_SRC:?}" "${HELPER_HOSTD:?}" "${DKMS_TREE:?}"
: "${QEMU_PREFIX:=/usr/lib/vgt/qemu}"
: "${QEMU_DEB_VERSION:?}" "${VGT_DEB_SNAPSHOT:?}"
: "${DEB_MAINTAINER:=vgt developers <vgt-devel@example.org>}"
here=$TOP/scripts/deb
arch=$(dpkg --print-architecture)

qemu_bin=$QEMU_BUILD/qemu-system-x86_64
for f in "$qemu_bin" "$HELPER_HOSTD" "$QEMU_BUILD/meson-info/intro-installed.json" \
    "$DKMS_TREE/dkms.conf"; do
    [ -e "$f" ] || { echo "vgt: error: $f is missing (make qemu helper first)" >&2; exit 1; }
done
# The binary must have been configured for the prefix we package under.
if ! grep -q "^#define CONFIG_PREFIX \"$QEMU_PREFIX\"" "$QEMU_BUILD/config-host.h"; then
    echo "vgt: error: $QEMU_BUILD is not configured with --prefix=$QEMU_PREFIX" >&2
    exit 1
fi

# Versions: Debian's QEMU version without its epoch, then ours, so that
# "which QEMU" is visible and a later snapshot sorts higher.
qemu_upstream=${QEMU_DEB_VERSION#*:}
qemu_version=$qemu_upstream+vgt$VGT_DEB_SNAPSHOT
hostd_version=$VGT_DEB_SNAPSHOT-1
# DKMS's version is the tree's (make dkms-tree: VGT_DEB_SNAPSHOT).
dkms_version=${DKMS_TREE##*/vgt-}
[ "$dkms_version" = "$VGT_DEB_SNAPSHOT" ] || {
    echo "vgt: error: $DKMS_TREE is not version $VGT_DEB_SNAPSHOT (make dkms-tree)" >&2; exit 1; }
dkms_deb_version=$dkms_version-1

# ---- up to date? --------------------------------------------------------
mkdir -p "$out"
fingerprint=$(
    { echo "$qemu_version $hostd_version $DEB_MAINTAINER $QEMU_PREFIX"
      md5sum "$qemu_bin" "$HELPER_HOSTD" | cut -c1-32
      (cd "$DKMS_TREE" && find . -type f | LC_ALL=C sort | xargs md5sum) | md5sum
      find "$here" -type f | LC_ALL=C sort | xargs md5sum | cut -c1-32
      cat "$QEMU_BUILD/meson-info/intro-installed.json"; } | md5sum | cut -c1-32)
qemu_deb=$out/qemu-system-vgt_${qemu_version}_$arch.deb
hostd_deb=$out/vgt-hostd_${hostd_version}_$arch.deb
dkms_deb=$out/vgt-dkms_${dkms_deb_version}_all.deb
if [ -s "$qemu_deb" ] && [ -s "$hostd_deb" ] && [ -s "$dkms_deb" ] &&
   [ "$(cat "$out/.fingerprint" 2>/dev/null)" = "$fingerprint" ]; then
    echo "vgt: packages up to date: $(basename "$qemu_deb") $(basename "$hostd_deb") $(basename "$dkms_deb")"
    exit 0
fi

stage=$out/stage
rm -rf "$stage" "$out/.fingerprint"
rm -f "$out"/qemu-system-vgt_*.deb "$out"/vgt-hostd_*.deb "$out"/vgt-dkms_*.deb
mkdir -p "$stage"

# The changelog date and the files' times come from the last commit, so two
# builds of the same tree give the same packages.
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$TOP" log -1 --format=%ct 2>/dev/null || date +%s)}
export SOURCE_DATE_EPOCH
changelog_date=$(date -u -R -d "@$SOURCE_DATE_EPOCH")
commit=$(git -C "$TOP" rev-parse --short HEAD 2>/dev/null || echo unknown)
first=$(git -C "$TOP" log --reverse --format=%cd --date=format:%Y 2>/dev/null | head -n 1)
last=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y)
years=${first:-$last}; [ "$years" = "$last" ] || years=$years-$last

# shlibs_depends BINARY...: the ${shlibs:Depends} dpkg-shlibdeps computes.
shlibs_depends() {
    d=$(mktemp -d "$out/shlibs.XXXXXX")
    mkdir -p "$d/debian"
    printf 'Source: vgt\n\nPackage: vgt-shlibs\nArchitecture: any\n' > "$d/debian/control"
    # absolute paths: dpkg-shlibdeps runs in the fake source dir
    deps=$(cd "$d" && dpkg-shlibdeps -O --warnings=1 "$@" 2>"$d/log") || {
        cat "$d/log" >&2; rm -rf "$d"; echo "vgt: error: dpkg-shlibdeps failed" >&2; return 1; }
    rm -rf "$d"
    echo "$deps" | sed -n 's/^shlibs:Depends=//p'
}

# doc_files PKG DIR: copyright and changelog.Debian.gz, as policy wants.
doc_files() {
    pkg=$1 version=$2 doc=$3/usr/share/doc/$1 text=$4
    mkdir -p "$doc"
    {
        echo "$pkg ($version) bookworm; urgency=medium"
        echo
        echo "  * $text"
        echo "    Built from the vgt tree at commit $commit."
        echo
        echo " -- $DEB_MAINTAINER  $changelog_date"
    } | gzip -9n > "$doc/changelog.Debian.gz"
}

# man_page SRC DEST: gzip'ed man page.
man_page() {
    mkdir -p "$(dirname "$2")"
    gzip -9n < "$1" > "$2"
}

# finish PKG ROOT: md5sums, Installed-Size, fixed times and modes, dpkg-deb.
finish() {
    pkg=$1 root=$2 deb=$3
    (cd "$root" && find . -path ./DEBIAN -prune -o -type f -print | LC_ALL=C sort |
        sed 's|^\./||' | xargs md5sum) > "$root/DEBIAN/md5sums"
    size=$(du -sk --apparent-size --exclude=DEBIAN "$root" | cut -f1)
    sed -i "s/@INSTALLED_SIZE@/$size/" "$root/DEBIAN/control"
    chmod 0644 "$root/DEBIAN/md5sums" "$root/DEBIAN/control"
    find "$root" -path "$root/DEBIAN" -prune -o -type d -exec chmod 0755 {} +
    find "$root" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
    dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
    echo "vgt: built $deb ($(du -k "$deb" | cut -f1) KiB)"
}

# ---- qemu-system-vgt -----------------------------------------------------
q=$stage/qemu-system-vgt
mkdir -p "$q/DEBIAN" "$q$QEMU_PREFIX/bin" "$q/usr/bin"
# Stripped, as Debian ships its binaries (the build tree keeps the symbols).
strip --strip-unneeded --remove-section=.comment --remove-section=.note \
    -o "$q$QEMU_PREFIX/bin/qemu-system-x86_64" "$qemu_bin"
chmod 0755 "$q$QEMU_PREFIX/bin/qemu-system-x86_64"
ln -s "../lib/vgt/qemu/bin/qemu-system-x86_64" "$q/usr/bin/qemu-system-x86_64-vgt"
[ "$QEMU_PREFIX" = /usr/lib/vgt/qemu ] ||
    ln -sfn "$QEMU_PREFIX/bin/qemu-system-x86_64" "$q/usr/bin/qemu-system-x86_64-vgt"

# The run-time data meson would install under the prefix's share/ (from
# meson-info, so nothing is forgotten or invented): trace-events-all,
# translations and icons of the GTK UI.  Not the .desktop file (a second
# "QEMU" in menus) nor the vhost-user descriptors of tools we do not build.
# `meson install` would first build every other QEMU tool, so we copy.
# Keymaps and firmware come from qemu-system-data, seabios and ipxe-qemu on
# the firmware path (/usr/share/qemu:/usr/share/seabios:/usr/lib/ipxe/qemu).
python3 - "$QEMU_BUILD/meson-info/intro-installed.json" "$QEMU_PREFIX/share/" > "$stage/qemu-data.list" <<'PY'
import json, sys
installed = json.load(open(sys.argv[1]))
share = sys.argv[2]
for src, dest in sorted(installed.items(), key=lambda kv: kv[1]):
    if not dest.startswith(share):
        continue
    rel = dest[len(share):]
    if rel.startswith(("applications/", "qemu/vhost-user/")):
        continue
    print(src + "\t" + dest)
PY
# Data files made in the build tree that the qemu target does not build.
missing=$(while IFS="$(printf '\t')" read -r src dest; do
    case $src in "$QEMU_BUILD"/*) [ -f "$src" ] || echo "${src#"$QEMU_BUILD"/}" ;; esac
done < "$stage/qemu-data.list")
if [ -n "$missing" ] && [ $build_data = 1 ]; then
    echo "vgt: building QEMU's installed data files ($(echo $missing | wc -w) files, ninja)"
    # shellcheck disable=SC2086
    ninja -C "$QEMU_BUILD" $missing > "$QEMU_BUILD/ninja-deb.log" 2>&1 || {
        tail -n 20 "$QEMU_BUILD/ninja-deb.log" >&2
        echo "vgt: error: ninja failed (build/qemu-build/ninja-deb.log)" >&2; exit 1; }
fi
ndata=0
while IFS="$(printf '\t')" read -r src dest; do
    if [ ! -f "$src" ]; then
        echo "vgt: warning: $src not built, not packaged ($dest)" >&2
        continue
    fi
    install -D -m 0644 "$src" "$q$dest"
    ndata=$((ndata + 1))
done < "$stage/qemu-data.list"
[ -f "$q$QEMU_PREFIX/share/qemu/trace-events-all" ] ||
    { echo "vgt: error: trace-events-all was not staged" >&2; exit 1; }

qdoc=$q/usr/share/doc/qemu-system-vgt
doc_files qemu-system-vgt "$qemu_version" "$q" \
    "QEMU $QEMU_DEB_VERSION (bookworm) with -device vgt."
install -m 0644 "$here/qemu-system-vgt.README" "$qdoc/README"
{
    sed "s/@YEARS@/$years/" "$here/copyright.vgt"
    echo
    echo "The rest of this file is the debian/copyright of Debian's qemu"
    echo "$QEMU_DEB_VERSION source package, which this build is made from:"
    echo
    cat "$QEMU_SRC/debian/copyright"
} > "$qdoc/copyright"
printf '# configure options of this build (scripts/qemu-configure.sh)\n' > "$qdoc/configure-options"
grep -v '^#' "$QEMU_BUILD/vgt-configure-options.txt" >> "$qdoc/configure-options"
man_page "$here/qemu-system-x86_64-vgt.1" "$q/usr/share/man/man1/qemu-system-x86_64-vgt.1.gz"

qdeps=$(shlibs_depends "$q$QEMU_PREFIX/bin/qemu-system-x86_64")
sed -e "s/@VERSION@/$qemu_version/" -e "s/@ARCH@/$arch/" \
    -e "s|@MAINTAINER@|$DEB_MAINTAINER|" -e "s/@SHLIBS@/$qdeps/" \
    -e "s/@QEMU_DEB_VERSION@/$QEMU_DEB_VERSION/" \
    "$here/qemu-system-vgt.control" > "$q/DEBIAN/control"
finish qemu-system-vgt "$q" "$qemu_deb"

# ---- vgt-hostd -------------------------------------------------------------
h=$stage/vgt-hostd
mkdir -p "$h/DEBIAN" "$h/usr/sbin" "$h/lib/systemd/system"
strip --strip-unneeded --remove-section=.comment --remove-section=.note \
    -o "$h/usr/sbin/vgt-hostd" "$HELPER_HOSTD"
chmod 0755 "$h/usr/sbin/vgt-hostd"
install -m 0644 "$here/vgt-hostd.service" "$here/vgt-hostd.socket" "$h/lib/systemd/system/"
for s in postinst prerm postrm; do
    install -m 0755 "$here/vgt-hostd.$s" "$h/DEBIAN/$s"
done
hdoc=$h/usr/share/doc/vgt-hostd
doc_files vgt-hostd "$hostd_version" "$h" \
    "vgt-hostd, the vgt host helper daemon (software Haswell)."
install -m 0644 "$here/vgt-hostd.README" "$hdoc/README"
sed "s/@YEARS@/$years/" "$here/copyright.vgt" > "$hdoc/copyright"
man_page "$here/vgt-hostd.8" "$h/usr/share/man/man8/vgt-hostd.8.gz"

hdeps=$(shlibs_depends "$h/usr/sbin/vgt-hostd")
sed -e "s/@VERSION@/$hostd_version/" -e "s/@ARCH@/$arch/" \
    -e "s|@MAINTAINER@|$DEB_MAINTAINER|" -e "s/@SHLIBS@/$hdeps/" \
    "$here/vgt-hostd.control" > "$h/DEBIAN/control"
finish vgt-hostd "$h" "$hostd_deb"

# ---- vgt-dkms -------------------------------------------------------------
k=$stage/vgt-dkms
mkdir -p "$k/DEBIAN" "$k/usr/src"
cp -r "$DKMS_TREE" "$k/usr/src/vgt-$dkms_version"
find "$k/usr/src" -type f -exec chmod 0644 {} +
for s in postinst prerm; do
    sed "s/@VERSION@/$dkms_version/" "$here/vgt-dkms.$s" > "$k/DEBIAN/$s"
    chmod 0755 "$k/DEBIAN/$s"
done
kdoc=$k/usr/share/doc/vgt-dkms
doc_files vgt-dkms "$dkms_deb_version" "$k" \
    "vgt-dkms, vgt.ko (the vgt host helper in the kernel) for DKMS."
install -m 0644 "$here/vgt-dkms.README" "$kdoc/README"
sed "s/@YEARS@/$years/" "$here/copyright.vgt" > "$kdoc/copyright"
sed -e "s/@VERSION@/$dkms_deb_version/" -e "s|@MAINTAINER@|$DEB_MAINTAINER|" \
    "$here/vgt-dkms.control" > "$k/DEBIAN/control"
finish vgt-dkms "$k" "$dkms_deb"

echo "$fingerprint" > "$out/.fingerprint"
echo "vgt: packages in $out (install: apt install ./$(basename "$qemu_deb") ./$(basename "$hostd_deb") ./$(basename "$dkms_deb"))"
