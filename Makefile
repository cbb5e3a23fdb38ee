# vgt — top-level build.  Two commands matter (see README.md):
#   make demo    run the main job on the embedded default
#   make check   build everything and run every test
#
# Each concern lives in its own fragment under mk/; a fragment appends its
# test targets to CHECK_TARGETS (and benchmarks to BENCH_TARGETS).  Every
# test suite writes TAP to $(TAP_DIR)/<suite>.tap; scripts/tap-summary.sh
# prints the closing "N passed, N failed" line over all of them.

TOP        := $(CURDIR)
BUILD      := $(TOP)/build
TAP_DIR    := $(BUILD)/tap
STAMPS     := $(BUILD)/stamps

CHECK_TARGETS :=
BENCH_TARGETS :=

.DEFAULT_GOAL := help

help:
	@echo "vgt: make demo | make check | make bench | make clean (see README.md)"

# (the helper's variables come before the fragments that build on them:
# the sanitized and fuzzing builds)
include mk/deps.mk
include mk/qemu.mk
include mk/unit.mk
include mk/helper.mk
-include $(filter-out mk/deps.mk mk/qemu.mk mk/unit.mk mk/helper.mk,$(wildcard mk/*.mk))

# The main job.  Fragments may point DEMO_TARGET at something bigger.
DEMO_TARGET ?= demo-pci
demo: $(DEMO_TARGET)

check: check-start $(CHECK_TARGETS)
	@$(TOP)/scripts/tap-summary.sh $(TAP_DIR)

# A make invocation that runs suites (goals check and check-*, not
# checkpatch) starts with an empty TAP_DIR, before any of them, whichever
# goals name them (make check-unit check-tsan keeps
# check-unit's results; a rule could not run first: make builds a goal's
# prerequisites before its order-only ones); a make that a suite runs
# itself (MAKELEVEL > 0) adds to its caller's.
ifeq ($(MAKELEVEL),0)
ifneq ($(filter check check-%,$(MAKECMDGOALS)),)
ifeq ($(findstring n,$(firstword -$(MAKEFLAGS))),)
$(shell rm -rf $(TAP_DIR))
endif
endif
endif
check-start:
	@mkdir -p $(TAP_DIR)

bench: $(BENCH_TARGETS)
	@$(MAKE) --no-print-directory bench-report

clean:
	rm -rf $(BUILD)

.PHONY: help check check-start bench clean demo
