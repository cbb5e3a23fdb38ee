# The guest: Debian bookworm's own 6.1 kernel and stock i915 booted
# on the vgt device under TCG.  Nothing of the guest is committed: the kernel
# .deb is fetched with apt-get download (cached in build/guest/deb, or in
# GUEST_CACHE) and the initramfs is built from Debian's busybox-static.
#   make guest          kernel + modules + initramfs (cached by stamps)
#   make check-guest    boot test, TAP in $(TAP_DIR)/guest-boot.tap
#   make check-guest-judge  self-test of the boot judge (no QEMU)
#   make demo           boot with progress, log + screenshot, VNC on loopback
# See docs/guest.md.

include $(TOP)/scripts/guest/kernel.pin

# qemu-system-data: the option ROMs -kernel needs (linuxboot_dma.bin), which
# Debian's QEMU source package does not carry; same version as our QEMU.
DEB_PACKAGES += busybox-static cpio kmod gzip python3 qemu-system-data

GUEST_DIR    := $(BUILD)/guest
GUEST_CACHE  ?= $(GUEST_DIR)/deb
GUEST_KERNEL := $(STAMPS)/guest-kernel-$(GUEST_KERNEL_ABI)-$(GUEST_KERNEL_VERSION)
GUEST_INITRD := $(GUEST_DIR)/initramfs.cpio.gz
GUEST_SCRIPTS := $(TOP)/scripts/guest

# Build our QEMU first unless QEMU_BIN was pointed elsewhere on the command
# line (experiments only: `make check-guest QEMU_BIN=/usr/bin/qemu-system-x86_64`).
GUEST_QEMU_DEP = $(if $(filter $(QEMU_BUILD)/%,$(QEMU_BIN)),qemu)

$(GUEST_KERNEL): $(GUEST_SCRIPTS)/fetch-kernel.sh $(GUEST_SCRIPTS)/kernel.pin | $(DEPS_STAMP)
	@mkdir -p $(STAMPS)
	@rm -f $(STAMPS)/guest-kernel-*
	@$(GUEST_SCRIPTS)/fetch-kernel.sh $(GUEST_DIR)/kernel $(GUEST_CACHE)
	@touch $@

$(GUEST_INITRD): $(GUEST_KERNEL) $(GUEST_SCRIPTS)/make-initramfs.sh $(GUEST_SCRIPTS)/init.sh | $(DEPS_STAMP)
	@$(GUEST_SCRIPTS)/make-initramfs.sh $(GUEST_DIR)/kernel $@

guest: $(GUEST_INITRD)

# Standalone, a failed required step fails the target; inside `make check`
# the suite's TAP is counted by scripts/tap-summary.sh with the others.
check-guest: $(GUEST_QEMU_DEP) guest
	@$(TOP)/tests/guest/boot-test.sh $(QEMU_BIN) $(GUEST_DIR) $(GUEST_DIR)/test \
	    $(TAP_DIR)/guest-boot.tap $(if $(VGT_MACHINE),--machine $(VGT_MACHINE)) \
	    $(if $(VGT_ACCEL),--accel $(VGT_ACCEL)) || \
	    { [ -n "$(filter check,$(MAKECMDGOALS))" ] || exit 1; }

# A whole boot takes well under a minute under TCG: part of `make check`.
CHECK_TARGETS += check-guest

# The judge's own test (no QEMU): every step can pass, and fails when its
# evidence is missing (tests/guest/judge/).
check-guest-judge:
	@$(TOP)/scripts/run-tap.sh $(TAP_DIR) guest-judge $(TOP)/tests/guest/judge-test.sh

CHECK_TARGETS += check-guest-judge

# `make demo-guest`: the judge's guest, with progress and a screenshot
# (`make demo` is the desktop, mk/desktop.mk).

demo-guest: $(GUEST_QEMU_DEP) guest
	@$(GUEST_SCRIPTS)/demo.sh $(QEMU_BIN) $(GUEST_DIR) $(GUEST_DIR)/demo

.PHONY: guest check-guest check-guest-judge demo-guest
