#!/bin/sh
# Make (or reuse) a minimal Debian bookworm chroot tarball for the package
# install test, and print its path.  The tarball is keyed by suite, variant,
# mirror and date: a run on the same day reuses it, the next day makes a
# fresh one (and deletes the older ones of the same mirror).
#   usage: tests/deb/chroot-cache.sh CACHE_DIR [MIRROR]
set -eu
cache=$1
mirror=${2:-http://deb.debian.org/debian}
suite=bookworm
variant=minbase
key=$(printf '%s' "$mirror" | sed 's|^[a-z]*://||; s|[^A-Za-z0-9.]|_|g')
tarball=$cache/$suite-$variant-$key-$(date -u +%Y%m%d).tar.gz

if [ -s "$tarball" ]; then
    echo "$tarball"
    exit 0
fi
mkdir -p "$cache"
work=$(mktemp -d "$cache/debootstrap.XXXXXX")
cleanup() {
    # debootstrap may leave /proc or /sys mounted inside on failure
    for m in proc sys dev/pts dev; do
        mountpoint -q "$work/root/$m" 2>/dev/null && umount -l "$work/root/$m" || true
    done
    rm -rf "$work"
}
trap cleanup EXIT INT TERM
echo "vgt: debootstrap --variant=$variant $suite from $mirror (once a day, cached in $cache)" >&2
start=$(date +%s)
if ! timeout 1200 debootstrap --variant=$variant $suite "$work/root" "$mirror" \
        > "$work/debootstrap.log" 2>&1; then
    tail -n 20 "$work/debootstrap.log" >&2
    cp "$work/debootstrap.log" "$cache/debootstrap-failed.log" || true
    echo "vgt: error: debootstrap failed (log: $cache/debootstrap-failed.log)" >&2
    exit 1
fi
# What a bookworm admin has: main, updates and security.
cat > "$work/root/etc/apt/sources.list" <<SOURCES
deb $mirror $suite main
deb $mirror $suite-updates main
deb http://deb.debian.org/debian-security $suite-security main
SOURCES
rm -rf "$work/root/var/cache/apt/archives/"*.deb "$work/root/var/lib/apt/lists/"* 2>/dev/null || true
tar -C "$work/root" --numeric-owner -czf "$work/root.tar.gz" .
rm -f "$cache/$suite-$variant-$key-"*.tar.gz
mv "$work/root.tar.gz" "$tarball"
echo "vgt: chroot tarball made in $(( $(date +%s) - start )) s: $tarball" >&2
echo "$tarball"
