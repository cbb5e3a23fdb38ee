#!/bin/sh
# Fetch Debian bookworm's Xen source package, apply xen-patches/ and build
# the parts of the toolstack the vgt tests need: tools/include, tools/libs
# (libxenlight, libxlutil, the libxl tests) and tools/xl.
#
#   usage: scripts/xen/build.sh STEP XEN_DIR PATCH_DIR
#     STEP = fetch     download the source package into XEN_DIR/dl
#            prepare   unpack it (Debian patches applied) into XEN_DIR/tree,
#                      apply PATCH_DIR/series with "git am", configure
#            build     (re)build tools/include, tools/libs and tools/xl
#
# Only the pinned Debian version is accepted: the patches are made against it.
set -eu

XEN_DEB_VERSION_PINNED=4.17.5+72-g01140da4e8-1
XEN_DEB_VERSION=${XEN_DEB_VERSION:-$XEN_DEB_VERSION_PINNED}

step=${1:?usage: build.sh fetch|prepare|build XEN_DIR PATCH_DIR}
xdir=${2:?XEN_DIR missing}
pdir=${3:?PATCH_DIR missing}

if [ "$XEN_DEB_VERSION" != "$XEN_DEB_VERSION_PINNED" ]; then
    echo "vgt: refusing Xen source version $XEN_DEB_VERSION: xen-patches/ are" >&2
    echo "vgt: made against Debian's xen $XEN_DEB_VERSION_PINNED (bookworm) only." >&2
    exit 1
fi

upstream=${XEN_DEB_VERSION%-*}
dsc=xen_$XEN_DEB_VERSION.dsc
jobs=$(nproc 2>/dev/null || echo 2)
cc=gcc
if command -v ccache >/dev/null 2>&1; then cc="ccache gcc"; fi

case $step in
fetch)
    mkdir -p "$xdir/dl"
    cd "$xdir/dl"
    if [ -f "$dsc" ] && [ -f "xen_$upstream.orig.tar.xz" ] &&
       [ -f "xen_$XEN_DEB_VERSION.debian.tar.xz" ]; then
        exit 0
    fi
    echo "vgt: fetching Debian source package xen=$XEN_DEB_VERSION (about 5 MB)"
    if ! apt-get source -q --download-only "xen=$XEN_DEB_VERSION" \
            >apt-source.log 2>&1; then
        cat apt-source.log >&2
        echo "vgt: cannot fetch Debian source package xen=$XEN_DEB_VERSION." >&2
        echo "vgt: xen-patches/ apply to exactly this version (bookworm main);" >&2
        echo "vgt: other versions (e.g. bookworm-security's) are refused." >&2
        echo "vgt: check the deb-src entries (scripts/install-deps.sh)." >&2
        exit 1
    fi
    ;;
prepare)
    tree=$xdir/tree
    rm -rf "$tree" "$xdir/tree.new"
    echo "vgt: unpacking xen $XEN_DEB_VERSION with Debian's patches"
    # (apt checked the files against the signed Sources index; dpkg-source
    # would only complain that no Debian keyring is installed)
    dpkg-source -q -x "$xdir/dl/$dsc" "$xdir/tree.new" \
        >"$xdir/dpkg-source.log" 2>&1 || {
        cat "$xdir/dpkg-source.log" >&2; exit 1; }
    cd "$xdir/tree.new"
    # The tree gets its own git repository: "git am" refuses patches
    # that do not apply exactly, and a developer can edit, commit and
    # "git format-patch" from here (see docs/xen.md).
    git init -q
    git add -A
    git -c user.name=vgt -c user.email=vgt@localhost commit -q --no-verify \
        -m "Debian xen $XEN_DEB_VERSION (debian/patches applied)"
    git tag debian-base
    n=0
    while read -r p; do
        case $p in ''|'#'*) continue ;; esac
        n=$((n + 1))
        if ! git -c user.name=vgt -c user.email=vgt@localhost \
                am -q --whitespace=nowarn "$pdir/$p"; then
            git am --abort >/dev/null 2>&1 || true
            echo "vgt: xen-patches/$p does not apply to xen $XEN_DEB_VERSION" >&2
            exit 1
        fi
    done <"$pdir/series"
    echo "vgt: applied $n patches from xen-patches/series"
    # Debian deletes the generated configure scripts and config.{sub,guess}.
    cp /usr/share/misc/config.sub /usr/share/misc/config.guess . 2>/dev/null ||
        cp /usr/share/autoconf/build-aux/config.sub \
           /usr/share/autoconf/build-aux/config.guess .
    echo "vgt: configuring Xen's tools (about 5 s)"
    ./autogen.sh >"$xdir/autogen.log" 2>&1 || {
        tail -20 "$xdir/autogen.log" >&2; exit 1; }
    ./configure --prefix=/usr \
        --disable-xen --disable-stubdom --disable-docs \
        --disable-qemu-traditional --disable-rombios --disable-seabios \
        --disable-ipxe --disable-ocamltools --disable-golang \
        --disable-monitors --disable-xsmpolicy --disable-pvshim \
        --with-system-qemu=/usr/libexec/xen-qemu-system-i386 \
        >"$xdir/configure.log" 2>&1 || {
        tail -30 "$xdir/configure.log" >&2; exit 1; }
    cd "$xdir"
    mv tree.new tree
    ;;
build)
    tree=$xdir/tree
    echo "vgt: building Xen's libxl and xl (about 1 min on 2 cores, less with a warm ccache)..."
    log=$xdir/build.log
    {
        make -C "$tree/tools/include" CC="$cc" &&
        make -C "$tree/tools/libs" -j"$jobs" CC="$cc" &&
        make -C "$tree/tools/xl" -j"$jobs" CC="$cc"
    } >"$log" 2>&1 || {
        grep -E 'error|Error' "$log" | head -30 >&2
        echo "vgt: Xen tools build failed; full log: $log" >&2
        exit 1
    }
    ;;
*)
    echo "usage: build.sh fetch|prepare|build XEN_DIR PATCH_DIR" >&2
    exit 2
    ;;
esac
