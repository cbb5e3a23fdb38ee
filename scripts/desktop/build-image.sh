#!/bin/sh
# Build (or reuse) the vgt desktop disk image: Debian bookworm minbase
# (debootstrap), the packages of packages.list (weston 10, systemd, udev,
# the X server for the check's cursor-plane step, ...), the project's
# pinned guest kernel installed with dpkg -i (so /lib/modules and the
# initramfs-tools initrd match it), the guest-side configuration of
# rootfs/, made into an ext4 image with mkfs.ext4 -d (no loop mount).
#   usage: build-image.sh OUT_DIR KERNEL_DEB [MIRROR]
# OUT_DIR (build/desktop/image) receives:
#   disk.raw     the root file system (ext4, sparse; -drive if=virtio -> /dev/vda)
#   vmlinuz      the kernel and initrd.img its initramfs (from the image's /boot)
#   cmdline      the kernel command line to boot it with
#   key          the cache key; packages.txt what got installed; build.log
# The image is rebuilt only when the key changes: a hash of this script,
# packages.list, every file under rootfs/ and the kernel .deb's name.  (The
# Debian archive moving on does not rebuild it; `rm -rf OUT_DIR` does.)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: build-image.sh OUT_DIR KERNEL_DEB [MIRROR]}
kdeb=${2:?usage: build-image.sh OUT_DIR KERNEL_DEB [MIRROR]}
mirror=${3:-http://deb.debian.org/debian}
suite=bookworm
size=3G

say() { echo "vgt-desktop: $*"; }
die() { echo "vgt-desktop: error: $*" >&2; exit 1; }
PATH="$PATH:/usr/sbin:/sbin"
for tool in debootstrap mkfs.ext4 dpkg-deb chroot md5sum; do
    command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found (make deps: debootstrap e2fsprogs)"
done
[ -f "$kdeb" ] || die "kernel package $kdeb missing (make guest fetches it)"
[ "$(id -u)" = 0 ] || die "debootstrap and chroot need root"

kpkg=$(dpkg-deb -f "$kdeb" Package)
kver=$(dpkg-deb -f "$kdeb" Version)
kabi=${kpkg#linux-image-}

key=$( {
    cat "$0" "$here/packages.list"
    (cd "$here/rootfs" && find . -type f -o -type l | LC_ALL=C sort | while read -r f; do
        echo "$f"; cat "$f"; done)
    echo "$kpkg $kver $mirror $suite $size"
} | md5sum | cut -c1-16)

if [ -f "$out/key" ] && [ "$(cat "$out/key")" = "$key" ] &&
   [ -s "$out/disk.raw" ] && [ -s "$out/vmlinuz" ] && [ -s "$out/initrd.img" ]; then
    say "image $key is up to date ($out/disk.raw)"
    exit 0
fi

start=$(date +%s)
mkdir -p "$(dirname "$out")"
work=$(mktemp -d "$(dirname "$out")/build.XXXXXX")
root="$work/root"
log="$work/build.log"
cleanup() {
    for m in proc sys dev/pts; do
        if mountpoint -q "$root/$m" 2>/dev/null; then umount -l "$root/$m" || true; fi
    done
    # never follow a mount out of the chroot
    rm -rf --one-file-system "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
step() { say "$* ($(( $(date +%s) - start ))s)"; }
run() {
    if ! "$@" >> "$log" 2>&1; then
        tail -n 25 "$log" >&2
        cp "$log" "$(dirname "$out")/build-failed.log" 2>/dev/null || true
        die "'$*' failed (log: $(dirname "$out")/build-failed.log)"
    fi
}
inroot() { run chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 HOME=/root "$@"; }

say "building the desktop image $key (cold: a few minutes; log $log)"
step "debootstrap --variant=minbase $suite from $mirror"
run timeout 1200 debootstrap --variant=minbase "$suite" "$root" "$mirror"

step "apt sources (main, updates, security), no docs/manuals/locales"
cat > "$root/etc/apt/sources.list" <<SOURCES
deb $mirror $suite main
deb $mirror $suite-updates main
deb ${mirror%/debian}/debian-security $suite-security main
SOURCES
cat > "$root/etc/dpkg/dpkg.cfg.d/vgt-desktop-nodoc" <<'NODOC'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
NODOC
# Nothing may use Mesa's hardware drivers (the device renders no 3D).  The X
# server (the check's cursor-plane step) hard-depends on libgl1 -> libglx0
# -> libglx-mesa0 -> libgl1-mesa-dri in bookworm, so that package gets
# installed; its drivers do not (the X server runs without glamor and GLX).
cat > "$root/etc/dpkg/dpkg.cfg.d/vgt-desktop-nodri" <<'NODRI'
path-exclude /usr/lib/x86_64-linux-gnu/dri/*
NODRI
# no daemon may start inside the chroot
printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
chmod +x "$root/usr/sbin/policy-rc.d"
mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"
mkdir -p "$root/dev/pts" && mount -t devpts devpts "$root/dev/pts"

pkgs=$(sed 's/#.*//' "$here/packages.list" | tr -s ' \t\n' '   ')
step "apt-get install$(echo " $pkgs" | tr -s ' ')"
inroot apt-get update -q
inroot apt-get install -y -q --no-install-recommends $pkgs

step "dpkg -i $kpkg $kver (the pinned guest kernel; its postinst builds the initrd)"
# the initramfs-tools configuration first, so the kernel's initrd uses it
(cd "$here/rootfs" && tar cf - .) | (cd "$root" && tar xf - --no-same-owner)
cp "$kdeb" "$root/tmp/kernel.deb"
inroot dpkg -i /tmp/kernel.deb
rm -f "$root/tmp/kernel.deb"
[ -f "$root/boot/vmlinuz-$kabi" ] || die "no /boot/vmlinuz-$kabi after dpkg -i"
[ -f "$root/boot/initrd.img-$kabi" ] || die "no /boot/initrd.img-$kabi after dpkg -i"
[ -f "$root/lib/modules/$kabi/modules.dep" ] || die "no modules.dep for $kabi"

step "configuration (autologin, serial console, networkd, weston log unit; vgt-xorg.service stays disabled)"
inroot systemctl enable systemd-networkd.service vgt-desktop-log.service
inroot systemctl set-default multi-user.target
# root has no password (autologin on tty1 and ttyS0; nobody is asked)
inroot passwd -d root
echo "127.0.1.1 vgt-desktop" >> "$root/etc/hosts"
# the machine-id is made at first boot (an empty file: no "first boot" units)
: > "$root/etc/machine-id"

# Nothing may depend on Mesa's hardware drivers (the device renders no 3D):
# no DRI driver in the image (libgl1-mesa-dri's are path-excluded above).
if ls "$root"/usr/lib/x86_64-linux-gnu/dri/*.so >/dev/null 2>&1; then
    die "Mesa DRI drivers got installed: $(ls "$root"/usr/lib/x86_64-linux-gnu/dri | tr '\n' ' ')"
fi

chroot "$root" dpkg-query -W -f '${Package} ${Version}\n' > "$work/packages.txt"
inroot apt-get clean
rm -f "$root/usr/sbin/policy-rc.d"
rm -rf "$root/var/lib/apt/lists/"* "$root/var/cache/apt/"*.bin "$root/var/log/"*.log
for m in proc sys dev/pts; do umount "$root/$m"; done

step "mkfs.ext4 -d (no loop mount), $size sparse"
mkdir -p "$work/out"
cp "$root/boot/vmlinuz-$kabi" "$work/out/vmlinuz"
cp "$root/boot/initrd.img-$kabi" "$work/out/initrd.img"
run mkfs.ext4 -q -F -L vgt-desktop -E root_owner=0:0 -d "$root" "$work/out/disk.raw" "$size"
echo "root=/dev/vda rw console=tty0 console=ttyS0" > "$work/out/cmdline"
cp "$work/packages.txt" "$log" "$work/out/"
echo "$kpkg $kver" > "$work/out/kernel.id"
echo "$key" > "$work/out/key"

rm -rf "$out"
mv "$work/out" "$out"
used=$(du -sm "$root" | cut -f1)
step "image $key ready: $out/disk.raw ($used MB used of $size, $(wc -l < "$out/packages.txt") packages)"
