#!/bin/sh
# Overlay the vgt sources onto the unpacked QEMU tree by symlink, so an edit
# of ours rebuilds incrementally and never reconfigures QEMU.  Links for
# files that no longer exist are removed.  Idempotent and fast.
#   usage: scripts/qemu-overlay.sh VGT_TOP QEMU_SRC
set -eu
top=$1
src=$2

link() {   # link REPO_FILE QEMU_PATH
    if [ "$(readlink "$2" 2>/dev/null)" != "$1" ]; then
        mkdir -p "$(dirname "$2")"
        ln -sfn "$1" "$2"
    fi
}

prune() {  # remove dangling links under DIR
    [ -d "$1" ] || return 0
    find "$1" -maxdepth 1 -type l ! -exec test -e {} \; -exec rm -f {} \;
}

for f in "$top"/hw/display/vgt/*; do
    link "$f" "$src/hw/display/vgt/$(basename "$f")"
done
prune "$src/hw/display/vgt"

# The helper, linked into QEMU (embedded transport and socket client):
# hw/display/vgt/meson.build compiles the files kernel-shim/sources.txt
# names, so the whole directory appears, as one link (replacing the
# directory of links older overlays made).
ks="$src/hw/display/vgt/kernel-shim"
if [ -d "$ks" ] && [ ! -L "$ks" ]; then
    rm -rf "$ks"
fi
link "$top/kernel-shim" "$ks"

for f in "$top"/include/hw/vgt*.h; do
    link "$f" "$src/include/hw/$(basename "$f")"
done
find "$src/include/hw" -maxdepth 1 -type l -name 'vgt*.h' ! -exec test -e {} \; \
    -exec rm -f {} \;

for f in "$top"/tests/qtest/vgt-*.c "$top"/tests/qtest/vgt-*.h; do
    [ -e "$f" ] && link "$f" "$src/tests/qtest/$(basename "$f")"
done
prune "$src/tests/qtest"
link "$top/tests/qtest/meson.build" "$src/tests/qtest/vgt/meson.build"

link "$top/tests/unit/meson.build" "$src/tests/unit/vgt/meson.build"
for f in "$top"/tests/unit/test-vgt-*.c "$top"/tests/unit/bench-vgt-*.c \
         "$top"/tests/unit/vgt-*.c "$top"/tests/unit/vgt-*.h; do
    [ -e "$f" ] && link "$f" "$src/tests/unit/vgt/$(basename "$f")"
done
prune "$src/tests/unit/vgt"

# The fuzz harnesses (tests/fuzz): tests/unit/meson.build builds the
# in-process ones, hw/display/vgt/meson.build registers the device's
# targets with QEMU's fuzzer.
link "$top/tests/fuzz" "$src/tests/vgt-fuzz"
