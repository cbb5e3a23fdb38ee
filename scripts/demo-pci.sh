#!/bin/sh
# Start the built QEMU with -device vgt and show the device as the guest's
# PCI bus sees it (HMP "info pci"), then quit.
#   usage: scripts/demo-pci.sh QEMU_BIN
set -eu
qemu=$1
echo "vgt: starting $qemu -M q35 -vga none -device vgt,addr=2 (paused, no guest)"
printf 'info pci\nquit\n' | "$qemu" -M q35 -nodefaults -vga none -display none \
    -S -monitor stdio -device vgt,addr=2,id=gpu 2>&1 |
    sed -n '/Bus  0, device   2/,/id "gpu"/p'
echo "vgt: the vgt device is 00:02.0 (8086:0412, Haswell GT2 HD Graphics 4600)"
