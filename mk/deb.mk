# Debian packages (scripts/deb/, docs/packages.md):
#   make deb         build/deb/qemu-system-vgt_*.deb, vgt-hostd_*.deb and
#                    vgt-dkms_*.deb, for `apt install ./*.deb` on Debian bookworm
#   make check-deb   install them into a fresh bookworm chroot (debootstrap,
#                    cached per day in build/deb/chroot-cache) and run the
#                    installed QEMU and vgt-hostd: TAP in $(TAP_DIR)/deb-install.tap
# Packages are staged from the build trees and made with dpkg-deb; their
# Depends come from dpkg-shlibdeps.  check-deb needs root and the Debian mirror.

DEB_PACKAGES += debootstrap

DEB_DIR    := $(BUILD)/deb
DEB_MIRROR ?= http://deb.debian.org/debian
# Versions: Debian's QEMU version (without its epoch) + vgt<snapshot> for
# qemu-system-vgt, the snapshot alone for vgt-hostd; the snapshot is the
# number of commits and the commit, so a later tree sorts higher.
VGT_DEB_SNAPSHOT ?= 0.$(shell git -C $(TOP) rev-list --count HEAD 2>/dev/null || echo 0).g$(shell git -C $(TOP) rev-parse --short HEAD 2>/dev/null || echo unknown)

deb: qemu helper dkms-tree | $(DEPS_STAMP)
	@TOP=$(TOP) QEMU_BUILD=$(QEMU_BUILD) QEMU_SRC=$(QEMU_SRC) \
	    DKMS_TREE=$(KMOD_DKMS)/vgt-$(KMOD_VERSION) \
	    QEMU_PREFIX=$(QEMU_PREFIX) HELPER_HOSTD=$(HELPER_HOSTD) \
	    QEMU_DEB_VERSION='$(QEMU_VERSION)' VGT_DEB_SNAPSHOT='$(VGT_DEB_SNAPSHOT)' \
	    $(TOP)/scripts/deb/build-debs.sh --build-data $(DEB_DIR)

check-deb: deb
	@echo "vgt: installing the packages into a bookworm chroot (tests/deb/install-test.sh)"
	@$(TOP)/scripts/run-tap.sh $(TAP_DIR) deb-install timeout 2400 \
	    $(TOP)/tests/deb/install-test.sh $(DEB_DIR) $(DEB_DIR)/chroot-cache $(DEB_MIRROR)

CHECK_TARGETS += check-deb

.PHONY: deb check-deb
