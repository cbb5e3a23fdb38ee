# Unit tests of the device's pure logic (tests/unit/test-vgt-*.c), built by
# QEMU's meson next to the device (they use QEMU's util library).

QEMU_UNIT_TESTS := $(patsubst $(TOP)/tests/unit/%.c,tests/unit/vgt/%,\
	$(wildcard $(TOP)/tests/unit/test-vgt-*.c))

check-unit: qemu
	@echo "vgt: running device unit tests"
	@for t in $(QEMU_UNIT_TESTS); do \
	    $(TOP)/scripts/run-tap.sh $(TAP_DIR) unit-$$(basename $$t) \
	        $(QEMU_BUILD)/$$t --tap -k; done

CHECK_TARGETS += check-unit

.PHONY: check-unit
