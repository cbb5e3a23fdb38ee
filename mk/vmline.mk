# -device vgt in the VM command lines people use and on every display
# Debian's QEMU offers: QEMU alone on pc and q35, the ordinary VM line
# (-accel kvm:tcg, virtio disk and NIC, USB tablet), SeaBIOS's boot screen
# through the VGA BIOS, and that screen over VNC (a small RFB client),
# SPICE (remote-viewer), GTK and SDL, the X ones under Xvfb, compared with
# QEMU's own screendump.  TAP in $(TAP_DIR)/vmline.tap; see
# tests/vmline/README.md.
#   make check-vmline

# xvfb: the X server of the GTK, SDL and SPICE-viewer cases; x11-apps: xwd
# (the X screenshots); virt-viewer: remote-viewer, the SPICE client.
DEB_PACKAGES += python3 xvfb x11-apps virt-viewer

VMLINE_DIR := $(BUILD)/vmline

# Standalone, failures fail the target; inside `make check` the TAP is
# counted by scripts/tap-summary.sh with the other suites.
check-vmline: qemu | $(DEPS_STAMP)
	@echo "vgt: running the VM-line and display tests (about a minute)"
	@$(TOP)/scripts/run-tap.sh $(TAP_DIR) vmline $(TOP)/tests/vmline/run.sh \
	    $(QEMU_BIN) $(VMLINE_DIR)
	@[ -n "$(filter check,$(MAKECMDGOALS))" ] || \
	    ! grep -E '^not ok' $(TAP_DIR)/vmline.tap | grep -qvE '# *TODO'

CHECK_TARGETS += check-vmline

.PHONY: check-vmline
