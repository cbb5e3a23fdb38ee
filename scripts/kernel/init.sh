#!/bin/busybox sh
# /init of the kernel-chain VM (tests/kernel/run.sh; put into the initramfs
# by scripts/guest/make-initramfs.sh with VGT_INIT=this file).  It loads the
# 9p and virtio modules, mounts the host's root read-only at /host and the
# results share (writable) over the same directory inside it, gives the
# host tree its own proc, sys, dev and tmp, and runs the test script chrooted
# into /host, so the host's dynamically linked programs (our QEMU, the
# qtests, vgt-kstress) run unchanged.  Then it powers the VM off.
#
# What to run comes from the results share (written by run.sh, so paths
# with any characters survive): /results/vgt-kernel.env sets
#   VGT_REPO     the repository as the host sees it (= as /host sees it)
#   VGT_OUT      the results directory on the host (the results share)
#   VGT_SCRIPT   the script to run inside the chroot (tests/kernel/inside.sh)
#   VGT_MODE     its argument (check | bench)
#   VGT_SHELL    0; 1: a shell on the console after the script; first: a
#                shell before it (exit the shell to go on)
# Progress goes to the console (ttyS0) as "VGT-KERNEL: ..." lines.

/bin/busybox mkdir -p /proc /sys /dev /tmp /run /host /results
/bin/busybox mount -t devtmpfs devtmpfs /dev
exec 0</dev/console 1>/dev/console 2>&1
/bin/busybox --install -s /bin 2>/dev/null
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys

say() { echo "VGT-KERNEL: $*"; }

off() {
    say "poweroff"
    sync
    poweroff -f
    sleep 5
    echo o > /proc/sysrq-trigger
}

# Anything wrong before the tests run: say it (run.sh reports the serial
# log's tail) and power off; the host sees no result file.
fatal() {
    say "init: FATAL: $*"
    [ -d /results ] && echo "$*" > /results/init-failed 2>/dev/null
    off
}

say "init started, kernel $(uname -r), uptime $(cut -d' ' -f1 /proc/uptime)s"

KDIR=/lib/modules/$(uname -r)
[ -f "$KDIR/modules.load" ] || fatal "no $KDIR/modules.load in the initramfs (kernel $(uname -r) is not the one it was built for)"
for m in $(cat "$KDIR/modules.load"); do
    insmod "$KDIR/$m.ko" || fatal "insmod $m failed"
done
say "modules loaded: $(tr '\n' ' ' < "$KDIR/modules.load")"

# The virtio-9p devices are probed as 9pnet_virtio registers: retry briefly.
mount9p() {  # TAG DIR OPTIONS
    n=0
    until mount -t 9p -o "trans=virtio,version=9p2000.L,msize=262144,$3" "$1" "$2" 2>/tmp/mount.err; do
        n=$((n + 1))
        [ "$n" -lt 50 ] || return 1
        sleep 0.1
    done
}
mount9p results /results cache=none || fatal "mount of the results share failed: $(cat /tmp/mount.err)"
[ -f /results/vgt-kernel.env ] || fatal "no vgt-kernel.env in the results share"
. /results/vgt-kernel.env
[ -n "${VGT_REPO:-}" ] && [ -n "${VGT_OUT:-}" ] && [ -n "${VGT_SCRIPT:-}" ] ||
    fatal "vgt-kernel.env lacks VGT_REPO, VGT_OUT or VGT_SCRIPT"

# The host's root, read only.  It is not changed under us for the few
# minutes the VM runs, so the page cache may keep what it read (loose).
mount9p hostroot /host ro,cache=loose || fatal "mount of the host root failed: $(cat /tmp/mount.err)"
[ -d "/host$VGT_OUT" ] || fatal "/host$VGT_OUT does not exist (VGT_OUT is not the host directory of the results share?)"
# The repository as the host has it, for when it lies under a directory
# the VM mounts its own file system over below (a clone in /tmp, say).
mkdir -p /repo
mount --bind "/host$VGT_REPO" /repo || fatal "bind mount of /host$VGT_REPO failed"
mount -t proc proc /host/proc || fatal "proc on /host/proc"
mount -t sysfs sysfs /host/sys || fatal "sysfs on /host/sys"
mount -t debugfs debugfs /host/sys/kernel/debug 2>/dev/null
mount -t devtmpfs devtmpfs /host/dev || fatal "devtmpfs on /host/dev"
mkdir -p /host/dev/pts /host/dev/shm
mount -t devpts -o newinstance,ptmxmode=0666 devpts /host/dev/pts 2>/dev/null
mount -t tmpfs -o mode=1777 tmpfs /host/dev/shm 2>/dev/null
mount -t tmpfs -o mode=1777 tmpfs /host/tmp || fatal "tmpfs on /host/tmp"
mount -t tmpfs -o mode=0755 tmpfs /host/run 2>/dev/null
if [ ! -e "/host$VGT_SCRIPT" ]; then
    mkdir -p "/host$VGT_REPO" && mount --bind /repo "/host$VGT_REPO" ||
        fatal "the repository $VGT_REPO is under a directory the VM mounts over, and binding it back failed"
fi
mount --bind /results "/host$VGT_OUT" || fatal "bind mount of the results over /host$VGT_OUT failed"
say "host root mounted at /host; results at $VGT_OUT; running $VGT_SCRIPT ${VGT_MODE:-check} at uptime $(cut -d' ' -f1 /proc/uptime)s"

ENV="PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp TMPDIR=/tmp TERM=${TERM:-vt100} LANG=C.UTF-8"

chroot_shell() {
    say "shell in the chroot on the console (the host's /, the repository at $VGT_REPO); exit to go on"
    # util-linux's setsid -c makes the console its controlling terminal.
    # shellcheck disable=SC2086
    setsid -c chroot /host /usr/bin/env -i $ENV VGT_REPO="$VGT_REPO" VGT_OUT="$VGT_OUT" \
        /bin/bash -i </dev/ttyS0 >/dev/ttyS0 2>&1
}

[ "${VGT_SHELL:-0}" = first ] && chroot_shell

# shellcheck disable=SC2086
chroot /host /usr/bin/env -i $ENV VGT_REPO="$VGT_REPO" VGT_OUT="$VGT_OUT" \
    VGT_ENV_FILE="$VGT_OUT/vgt-kernel.env" \
    /bin/sh "$VGT_SCRIPT" "${VGT_MODE:-check}"
rc=$?
say "$VGT_SCRIPT ended (status $rc) at uptime $(cut -d' ' -f1 /proc/uptime)s"

[ "${VGT_SHELL:-0}" = 1 ] && chroot_shell
sync
umount "/host$VGT_OUT" 2>/dev/null
umount /results 2>/dev/null
off
