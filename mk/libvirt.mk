# vgt under libvirt (docs/libvirt.md): Debian's libvirt 9.0 runs the domain
# of scripts/libvirt/vgt-domain.xml with our QEMU, two session daemons as
# users of their own (no systemd), and checks from libvirt's side: the
# console by virsh screenshot, qemu-monitor-command, save/restore, live
# migration between the two daemons, shutdown, vgt-hostd's socket.
#   make check-libvirt    TAP in $(TAP_DIR)/libvirt.tap (needs root)

# libvirtd and its QEMU driver, virsh; not Debian's QEMU (recommends)
DEB_PACKAGES += libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients

LIBVIRT_DIR  := $(BUILD)/libvirt
LIBVIRT_TEST := $(TOP)/tests/libvirt/libvirt-test.py

# migration-guest (mk/migration.mk): the guest that takes "step N" on its
# console; phony targets, so this file may be read before that one.
check-libvirt: $(GUEST_QEMU_DEP) migration-guest helper | $(DEPS_STAMP)
	@mkdir -p $(TAP_DIR) $(LIBVIRT_DIR)
	@echo "vgt: libvirt test: define, start, screenshot, monitor, save/restore, migrate, shutdown, vgt-hostd"
	@timeout -k 10 600 python3 $(LIBVIRT_TEST) $(QEMU_BIN) $(GUEST_DIR) \
	    $(MIGRATION_INITRD) $(LIBVIRT_DIR)/test --hostd $(HELPER_HOSTD) \
	    --tap $(TAP_DIR)/libvirt.tap > $(LIBVIRT_DIR)/test.out 2>&1; \
	    rc=$$?; grep -E '^(not )?ok ' $(LIBVIRT_DIR)/test.out | sed 's/^/  /'; \
	    [ -s $(TAP_DIR)/libvirt.tap ] || printf '1..1\nnot ok 1 - libvirt test died (rc=%s, see %s)\n' \
	        $$rc $(LIBVIRT_DIR)/test.out > $(TAP_DIR)/libvirt.tap; \
	    [ $$rc = 0 ] || [ -n "$(filter check,$(MAKECMDGOALS))" ]

CHECK_TARGETS += check-libvirt

.PHONY: check-libvirt
