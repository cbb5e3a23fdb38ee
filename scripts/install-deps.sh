#!/bin/sh
# Install the Debian packages the build needs, and the deb-src stanza the
# QEMU/Xen source packages come from.  Idempotent and quiet when nothing is
# missing, so a warm `make check` spends no time here.
#   usage: scripts/install-deps.sh PACKAGE...
#          scripts/install-deps.sh --build-dep SOURCE=VERSION
#            (the build dependencies of a Debian source package, for its
#            host architecture only, as apt-get build-dep --arch-only)
set -eu

build_dep=
if [ "${1:-}" = --build-dep ]; then
    build_dep=$2
    shift 2
fi

SRC_LIST=/etc/apt/sources.list.d/vgt-deb-src.sources
need_update=0

if [ "$(id -u)" != 0 ]; then
    SUDO=sudo
else
    SUDO=
fi

if [ ! -f "$SRC_LIST" ]; then
    echo "vgt: adding Debian bookworm deb-src entries ($SRC_LIST)"
    $SUDO tee "$SRC_LIST" >/dev/null <<'STANZA'
# Added by vgt (scripts/install-deps.sh): the QEMU and Xen source packages.
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
STANZA
    need_update=1
fi

missing=""
for p in "$@"; do
    if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
        missing="$missing $p"
    fi
done

# The source index must exist too (apt-get source needs it).
if ! ls /var/lib/apt/lists/*_Sources* >/dev/null 2>&1; then
    need_update=1
fi

if [ -n "$missing" ] || [ "$need_update" = 1 ]; then
    echo "vgt: apt-get update"
    $SUDO apt-get update -q >/dev/null
fi
if [ -n "$missing" ]; then
    echo "vgt: installing Debian packages:$missing"
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q \
        --no-install-recommends $missing >/dev/null
fi
if [ -n "$build_dep" ]; then
    # A no-op (and quiet) when everything is there already.
    # (a failing simulation falls through: the real run says why)
    plan=$(apt-get build-dep -s -q --arch-only "$build_dep" 2>/dev/null) || plan=Inst
    if ! printf '%s\n' "$plan" | grep -q '^Inst'; then
        exit 0
    fi
    echo "vgt: installing the build dependencies of Debian's $build_dep"
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get build-dep -y -q --arch-only \
        --no-install-recommends "$build_dep" >/dev/null
fi
