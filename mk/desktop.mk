# The desktop: Debian bookworm with weston 10 (DRM backend, pixman
# renderer) on the stock i915 on -device vgt, booted from a disk image.
#   make desktop-image   build the image (debootstrap + packages + the pinned
#                        guest kernel, mkfs.ext4 -d); cached in build/desktop/image
#   make demo-desktop    boot it, wait for weston, screenshot, VNC, shut down
#   make check-desktop   the check (tests/desktop), TAP in $(TAP_DIR)/desktop.tap
# See docs/desktop.md.

# debootstrap and mkfs.ext4 -d build the image; python3 drives QEMU.
DEB_PACKAGES += debootstrap e2fsprogs python3 qemu-system-data seabios ipxe-qemu

DESKTOP_DIR     := $(BUILD)/desktop
DESKTOP_IMAGE   := $(DESKTOP_DIR)/image
DESKTOP_SCRIPTS := $(TOP)/scripts/desktop
# mk/guest.mk is read after this file: its kernel variables are used in
# recipes only (expanded when they run).
DESKTOP_KERNEL_DEB = $(GUEST_CACHE)/linux-image-$(GUEST_KERNEL_ABI)_$(GUEST_KERNEL_VERSION)_amd64.deb
# As mk/guest.mk: our QEMU unless QEMU_BIN points elsewhere (experiments).
DESKTOP_QEMU_DEP = $(if $(filter $(QEMU_BUILD)/%,$(QEMU_BIN)),qemu)

# The builder keeps the image keyed by a hash of itself, packages.list,
# rootfs/ and the kernel: with nothing changed it says so and returns.
# `make guest` fetches (and caches) the pinned kernel .deb.
desktop-image: guest | $(DEPS_STAMP)
	@$(DESKTOP_SCRIPTS)/build-image.sh $(DESKTOP_IMAGE) $(DESKTOP_KERNEL_DEB)

demo-desktop: $(DESKTOP_QEMU_DEP) desktop-image
	@python3 $(DESKTOP_SCRIPTS)/vgtdesk.py demo $(QEMU_BIN) $(DESKTOP_IMAGE) $(DESKTOP_DIR)/demo

# The main job of `make demo` (the top Makefile's DEMO_TARGET).
DEMO_TARGET := demo-desktop

check-desktop: $(DESKTOP_QEMU_DEP) desktop-image
	@$(TOP)/scripts/run-tap.sh $(TAP_DIR) desktop $(TOP)/tests/desktop/run.sh \
	    $(QEMU_BIN) $(DESKTOP_IMAGE) $(DESKTOP_DIR)/test
	@grep -E '^(not )?ok ' $(TAP_DIR)/desktop.tap | sed 's/^/  /'
	@# Standalone, a failed step (not a TODO) fails the target; inside
	@# `make check` scripts/tap-summary.sh counts it with the others.
	@[ -n "$(filter check,$(MAKECMDGOALS))" ] || \
	    ! grep -E '^not ok' $(TAP_DIR)/desktop.tap | grep -qvE '# *TODO'

CHECK_TARGETS += check-desktop

.PHONY: desktop-image demo-desktop check-desktop
