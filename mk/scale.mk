# Several VMs on one vgt-hostd (issue 20; docs/guest.md, "Several guests on
# one vgt-hostd"): four Debian i915 guests of mk/guest.mk booted at once,
# each at the device's default partition on the same vgt-hostd, each
# showing its own console; GPU work in all of them at the same time.
#   make check-multi-guest   the test, TAP in $(TAP_DIR)/multi-guest.tap
# (Read after migration.mk: the guests use its initramfs, which has
# /bin/vgt-gem-exec, and its vgt-hostd.)

MULTI_GUEST_DIR  := $(BUILD)/multi-guest
MULTI_GUEST_TEST := $(TOP)/tests/scale/multi-guest-test.py
# How many guests, and (experiments only) device properties for all of
# them, e.g. MULTI_GUEST_PROPS=high_gm_sz=256; the test is 4 at the default.
MULTI_GUEST_N     ?= 4
MULTI_GUEST_PROPS ?=
# The whole test's limit inside it, and a last resort around it.
MULTI_GUEST_TIMEOUT ?= 900

# Standalone, a failure fails the target; inside `make check` the TAP is
# counted by scripts/tap-summary.sh with the others.
check-multi-guest: $(GUEST_QEMU_DEP) $(MIGRATION_INITRD) $(MIGRATION_HOSTD)
	@mkdir -p $(TAP_DIR) $(MULTI_GUEST_DIR)
	@echo "vgt: $(MULTI_GUEST_N) i915 guests at once on one vgt-hostd$(if $(MULTI_GUEST_PROPS), ($(MULTI_GUEST_PROPS)))"
	@timeout -k 10 $$(( $(MULTI_GUEST_TIMEOUT) + 60 )) python3 $(MULTI_GUEST_TEST) \
	    $(QEMU_BIN) $(GUEST_DIR) $(MIGRATION_INITRD) $(MULTI_GUEST_DIR)/test \
	    --hostd $(MIGRATION_HOSTD) --guests $(MULTI_GUEST_N) \
	    --timeout $(MULTI_GUEST_TIMEOUT) $(if $(MULTI_GUEST_PROPS),--props '$(MULTI_GUEST_PROPS)') \
	    $(if $(VGT_MACHINE),--machine $(VGT_MACHINE)) \
	    --tap $(TAP_DIR)/multi-guest.tap > $(MULTI_GUEST_DIR)/test.out 2>&1; \
	    rc=$$?; awk '/^# [0-9]+ guests at once/ || /^# up per guest/ || /^ok / { print "  " $$0 } \
	        /^not ok / { print "  " $$0; bad = 1; next } \
	        bad && /^#     / { print "      " substr($$0, 7, 200); next } \
	        bad && /^#   / { print "    " substr($$0, 5, 300); next } { bad = 0 }' \
	        $(MULTI_GUEST_DIR)/test.out; \
	    [ -s $(TAP_DIR)/multi-guest.tap ] || printf '1..1\nnot ok 1 - multi-guest test died (rc=%s, see %s)\n' \
	        $$rc $(MULTI_GUEST_DIR)/test.out > $(TAP_DIR)/multi-guest.tap; \
	    echo "vgt: multi-guest logs: $(MULTI_GUEST_DIR)/test (output: $(MULTI_GUEST_DIR)/test.out)"; \
	    [ $$rc = 0 ] || [ -n "$(filter check,$(MAKECMDGOALS))" ]

CHECK_TARGETS += check-multi-guest

.PHONY: check-multi-guest
