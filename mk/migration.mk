# Live migration of the vgt guest (docs/migration.md): Debian's i915 guest
# of mk/guest.mk, booted once and migrated S -> D1 (same partition) -> D2
# (embedded to vgt-hostd) -> D3 (different partition), checked on the
# destination each time (screen, GPU work on every engine, no wedge, no
# guest error).
#   make check-migration   the test, TAP in $(TAP_DIR)/migration.tap
#   make bench-migration   the same chain, timings: QEMU's downtime and
#                          total time, the device's drain/save/load
#   make migration-guest   the test's initramfs (the guest's + vgt-gem-exec)
# (Read after guest.mk and helper.mk: mk/*.mk are included in name order.)

# libdrm-dev: <i915_drm.h> (the kernel's uapi) for vgt-gem-exec; libc6-dev
# (build-essential) has the static libc it links; file: the static check.
DEB_PACKAGES += libdrm-dev file

MIGRATION_DIR    := $(BUILD)/migration
MIGRATION_GEM    := $(MIGRATION_DIR)/vgt-gem-exec
MIGRATION_INITRD := $(MIGRATION_DIR)/initramfs.cpio.gz
MIGRATION_HOSTD  := $(BUILD)/helper/vgt-hostd
MIGRATION_TEST   := $(TOP)/tests/migration/migrate-test.py
# The whole chain's limit inside the test, and a last resort around it.
MIGRATION_TIMEOUT ?= 540

# Static: the initramfs has no libc.
$(MIGRATION_GEM): $(GUEST_SCRIPTS)/vgt-gem-exec.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  CC      migration/vgt-gem-exec (static)"
	@gcc -static -O2 -Wall -Wextra -Werror -I/usr/include/libdrm -o $@ $<

# The boot test's initramfs is left as it is; this one adds the program.
$(MIGRATION_INITRD): $(GUEST_KERNEL) $(MIGRATION_GEM) \
		$(GUEST_SCRIPTS)/make-initramfs.sh $(GUEST_SCRIPTS)/init.sh | $(DEPS_STAMP)
	@VGT_GUEST_BIN=$(MIGRATION_GEM) $(GUEST_SCRIPTS)/make-initramfs.sh \
	    $(GUEST_DIR)/kernel $@

migration-guest: $(MIGRATION_INITRD)

MIGRATION_ARGS = $(QEMU_BIN) $(GUEST_DIR) $(MIGRATION_INITRD) \
	--hostd $(MIGRATION_HOSTD) --timeout $(MIGRATION_TIMEOUT) \
	$(if $(VGT_MACHINE),--machine $(VGT_MACHINE))
MIGRATION_RUN = timeout -k 10 $$(( $(MIGRATION_TIMEOUT) + 60 )) python3 $(MIGRATION_TEST)

# Standalone, a failure fails the target; inside `make check` the TAP is
# counted by scripts/tap-summary.sh with the others.  The destinations run
# under gdb when there is one, so that a crash is reported with its frames.
check-migration: $(GUEST_QEMU_DEP) $(MIGRATION_INITRD) $(MIGRATION_HOSTD)
	@mkdir -p $(TAP_DIR) $(MIGRATION_DIR)
	@echo "vgt: live migration test: S -> D1 (same partition) -> D2 (vgt-hostd) -> D3 (other partition)"
	@$(MIGRATION_RUN) $(MIGRATION_ARGS) $(MIGRATION_DIR)/test \
	    $$(command -v gdb >/dev/null && echo --gdb) \
	    --tap $(TAP_DIR)/migration.tap > $(MIGRATION_DIR)/test.out 2>&1; \
	    rc=$$?; awk '/^# chain/ || /^ok / { print "  " $$0 } \
	        /^not ok / { print "  " $$0; bad = 1; next } \
	        bad && /^#   / { print "    " substr($$0, 5, 300) } { bad = 0 }' \
	        $(MIGRATION_DIR)/test.out; \
	    [ -s $(TAP_DIR)/migration.tap ] || printf '1..1\nnot ok 1 - migration test died (rc=%s, see %s)\n' \
	        $$rc $(MIGRATION_DIR)/test.out > $(TAP_DIR)/migration.tap; \
	    echo "vgt: migration logs: $(MIGRATION_DIR)/test (output: $(MIGRATION_DIR)/test.out)"; \
	    [ $$rc = 0 ] || [ -n "$(filter check,$(MAKECMDGOALS))" ]

CHECK_TARGETS += check-migration

# The figures (tests never assert timings).
bench-migration: $(GUEST_QEMU_DEP) $(MIGRATION_INITRD) $(MIGRATION_HOSTD)
	@mkdir -p $(BUILD)/bench $(MIGRATION_DIR)
	@$(MIGRATION_RUN) $(MIGRATION_ARGS) $(MIGRATION_DIR)/bench \
	    --tap $(MIGRATION_DIR)/bench/checks.tap --bench $(BUILD)/bench/migration.txt \
	    > $(MIGRATION_DIR)/bench.out 2>&1 || true
	@cat $(BUILD)/bench/migration.txt 2>/dev/null || \
	    { echo "bench-migration: no figures (see $(MIGRATION_DIR)/bench.out)"; tail -n 20 $(MIGRATION_DIR)/bench.out; }
	@echo "  checks: $$(grep -c '^ok ' $(MIGRATION_DIR)/bench/checks.tap 2>/dev/null) ok, $$(grep -c '^not ok ' $(MIGRATION_DIR)/bench/checks.tap 2>/dev/null) not ok ($(MIGRATION_DIR)/bench/checks.tap)"

BENCH_TARGETS += bench-migration

.PHONY: migration-guest check-migration bench-migration
