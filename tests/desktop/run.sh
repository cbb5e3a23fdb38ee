#!/bin/sh
# The desktop check (make check-desktop): boot the desktop image
# (scripts/desktop/build-image.sh) on -device vgt and check weston there:
# it comes up on i915, its page flips complete, its pointer follows the
# usb-tablet, the screendump is its desktop, DHCP; then Xorg's modesetting
# driver in weston's place, whose hardware cursor (i915's cursor plane, the
# device's CURPOS) follows the usb-tablet; a clean power-off.
# TAP on stdout, progress on stderr, files in OUT_DIR.
#   usage: tests/desktop/run.sh QEMU_BIN IMAGE_DIR OUT_DIR
# Environment: VGT_ACCEL (kvm:tcg by default; a KVM that runs nothing falls
# back to TCG after 30 s), VGT_DESKTOP_TIMEOUT (boot to weston, 420 s).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
qemu=${1:?usage: run.sh QEMU_BIN IMAGE_DIR OUT_DIR}
image=${2:?}
out=${3:?}
[ -x "$qemu" ] || { echo "1..1"; echo "not ok 1 - QEMU binary $qemu missing"; exit 1; }
[ -s "$image/disk.raw" ] || { echo "1..1"; echo "not ok 1 - no desktop image in $image (make desktop-image)"; exit 1; }
# The whole check, boot included, is bounded (TCG on 2 cores: a few minutes).
exec timeout -k 10 900 python3 "$top/scripts/desktop/vgtdesk.py" test "$qemu" "$image" "$out"
