# Sanitizers (issue 18 item 7) and the device-level fuzz target.
#
# `make check-asan` builds the device, the helper and vgt-hostd with
# AddressSanitizer and UndefinedBehaviorSanitizer and runs the qtest,
# helper and fuzz-regression suites on those builds (TAP: asan-<suite>).
# `make check` runs them too: the sanitized QEMU is a second, smaller QEMU
# build (about 10 minutes cold on 2 cores, ccache makes it seconds after),
# and its suites take about 4 minutes (docs/fuzzing.md).
#
# The sanitized QEMU is configured with Debian's clang, --enable-sanitizers
# and --enable-fuzzing, so the same build gives the ASan/UBSan
# qemu-system-x86_64 and qtests, and qemu-fuzz-x86_64 with vgt's device
# targets (mk/fuzz.mk).  Only the features the device and its qtests need
# are enabled, to keep that build short.

DEB_PACKAGES += clang libclang-rt-14-dev llvm

QEMU_SAN_BUILD := $(BUILD)/qemu-san
QEMU_SAN_BIN   := $(QEMU_SAN_BUILD)/qemu-system-x86_64
QEMU_SAN_FUZZ  := $(QEMU_SAN_BUILD)/qemu-fuzz-x86_64
QEMU_SAN_FLAGS := --cc="ccache clang" --cxx="ccache clang++" --meson=meson \
	--enable-fuzzing --enable-sanitizers --without-default-features \
	--enable-vgt --enable-tcg --enable-slirp --enable-png \
	--target-list=x86_64-softmmu --disable-docs --disable-install-blobs \
	--firmwarepath=$(QEMU_FIRMWARE) --with-git-submodules=ignore
QEMU_SAN_CONF_ID = $(shell echo '$(QEMU_SAN_FLAGS)' | md5sum | cut -c1-12)
QEMU_SAN_CONFIGURED = $(STAMPS)/qemu-san-configured-$(QEMU_PATCH_ID)-$(QEMU_SAN_CONF_ID)

$(QEMU_SAN_CONFIGURED): $(QEMU_UNPACKED) | $(QEMU_BUILD_DEPS) $(DEPS_STAMP)
	@$(TOP)/scripts/qemu-overlay.sh $(TOP) $(QEMU_SRC)
	@echo "vgt: configuring the sanitized QEMU (clang, ASan+UBSan, libFuzzer)"
	@rm -rf $(QEMU_SAN_BUILD) $(STAMPS)/qemu-san-configured-* && mkdir -p $(QEMU_SAN_BUILD)
	@cd $(QEMU_SAN_BUILD) && $(QEMU_SRC)/configure $(QEMU_SAN_FLAGS) \
	    > configure.log 2>&1 || { tail -30 configure.log; \
	    echo "vgt: error: configure of the sanitized QEMU failed (build/qemu-san/configure.log)"; exit 1; }
	@touch $@

QEMU_SAN_TARGETS = qemu-system-x86_64 qemu-fuzz-x86_64 \
	$(addprefix tests/qtest/,$(QEMU_HOST_QTESTS))

# Like `make qemu`, in the sanitized build directory.
qemu-san: $(QEMU_SAN_CONFIGURED)
	@$(TOP)/scripts/qemu-overlay.sh $(TOP) $(QEMU_SRC)
	@if [ ! -x $(QEMU_SAN_BIN) ]; then \
	    echo "vgt: building the sanitized QEMU (first build: about 10 minutes on 2 cores)"; fi
	@ninja -C $(QEMU_SAN_BUILD) $(QEMU_SAN_TARGETS) > $(QEMU_SAN_BUILD)/ninja.log 2>&1 || { \
	    grep -a -E -A6 '^FAILED:|error:' $(QEMU_SAN_BUILD)/ninja.log | cut -c1-400 | \
	    head -60; echo "vgt: error: sanitized QEMU build failed (build/qemu-san/ninja.log)"; \
	    exit 1; }
	@for d in $(subst :, ,$(QEMU_FIRMWARE)); do \
	    mkdir -p $(QEMU_SAN_BUILD)/qemu-bundle$$(dirname $$d); \
	    ln -sfn $$d $(QEMU_SAN_BUILD)/qemu-bundle$$d; done
	@echo "vgt: sanitized QEMU ready: $(QEMU_SAN_BIN)"

.PHONY: qemu-san

# ---- make check-asan -------------------------------------------------------
ASAN_BUILD   := $(BUILD)/asan
ASAN_FLAGS   := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer
# A report is a failure: UBSan stops at the first one, ASan always does.
# Leaks are reported at exit for the helper's programs; QEMU's own exit
# leaks (its objects are not all freed) are not ours to judge here.
ASAN_ENV := UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
ASAN_QEMU_ENV := UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	ASAN_OPTIONS=detect_leaks=0:abort_on_error=1
QEMU_SAN_TARGETS += tests/qtest/vgt-fuzz-replay \
	$(FUZZ_QEMU_HARNESSES:%=tests/unit/vgt/fuzz-%)

# The helper, vgt-hostd and their tests, built by gcc with the sanitizers
# into build/asan/helper (the same rules, mk/helper.mk).
check-asan-helper:
	@echo "vgt: the helper's suites with ASan and UBSan (build/asan/helper)"
	@$(ASAN_ENV) $(MAKE) -s HELPER_BUILD=$(ASAN_BUILD)/helper \
	    HELPER_SAN="$(ASAN_FLAGS)" TAP_DIR=$(TAP_DIR) HELPER_TAP_PREFIX=asan- \
	    check-helper-unit check-helper-socket

check-asan-qtest: qemu-san check-asan-helper
	@echo "vgt: qtests on the sanitized QEMU ($(QEMU_HOST_QTESTS))"
	@cd $(QEMU_SAN_BUILD) && for t in $(QEMU_HOST_QTESTS); do \
	    $(ASAN_QEMU_ENV) QTEST_QEMU_BINARY=./qemu-system-x86_64 \
	    VGT_HOSTD=$(ASAN_BUILD)/helper/vgt-hostd \
	    $(TOP)/scripts/run-tap.sh $(TAP_DIR) asan-qtest-$$t ./tests/qtest/$$t --tap -k; \
	    done

# The fuzz corpora once each, on the sanitized harnesses (libFuzzer's
# -runs=0 runs the given corpus and stops) and the sanitized QEMU.
# (mk/fuzz.mk is read after this file: its harness spelled out)
check-asan-fuzz: qemu-san $(BUILD)/fuzz/fuzz-hostd-wire
	@echo "vgt: the fuzz corpora on the sanitized builds"
	@for h in $(FUZZ_QEMU_HARNESSES); do \
	    $(ASAN_ENV) $(TOP)/scripts/run-tap.sh $(TAP_DIR) asan-fuzz-$$h \
	    $(TOP)/scripts/fuzz-tap.sh $(QEMU_SAN_BUILD)/tests/unit/vgt/fuzz-$$h \
	    $(FUZZ_CORPUS)/$$h; done
	@$(ASAN_ENV) $(TOP)/scripts/run-tap.sh $(TAP_DIR) asan-fuzz-hostd-wire \
	    $(TOP)/scripts/fuzz-tap.sh $(FUZZ_HOSTD) $(FUZZ_CORPUS)/hostd-wire
	@cd $(QEMU_SAN_BUILD) && $(ASAN_QEMU_ENV) QTEST_QEMU_BINARY=./qemu-system-x86_64 \
	    VGT_FUZZ_CORPUS=$(FUZZ_CORPUS) $(TOP)/scripts/run-tap.sh $(TAP_DIR) \
	    asan-fuzz-device ./tests/qtest/vgt-fuzz-replay --tap -k

check-asan-suites: check-asan-helper check-asan-qtest check-asan-fuzz

CHECK_TARGETS += check-asan-suites

# ---- make check-tsan -------------------------------------------------------
# The engines of the software Haswell run at the same time, one scheduler
# thread each (kernel-shim/user/vgt-sched-thread.c): the helper and
# vgt-hostd built again with ThreadSanitizer (build/tsan/helper), the
# suites whose helper runs threads (the scheduler threads, vgt-hostd's)
# run on that build, and a report is a failure, from the test programs
# (exit code) or from the daemons they start (their logs).  The suites
# that judge shares of engine time (engine, hostd-sched) are left out:
# ThreadSanitizer's slowdown skews them, and they run the scheduler in
# the test's own thread or judge vgt-hostd, whose socket suite runs here.
DEB_PACKAGES += libtsan2
TSAN_BUILD := $(BUILD)/tsan
TSAN_ENV := TSAN_OPTIONS="halt_on_error=1 exitcode=66"
TSAN_UNIT_RUNS := isolation:test-helper-isolation lib:test-helper-lib \
	kernel:test-helper-kernel ppgtt:test-helper-ppgtt

check-tsan-helper:
	@echo "vgt: the helper's suites with ThreadSanitizer (build/tsan/helper)"
	@rm -rf $(TSAN_BUILD)/helper/run
	@$(TSAN_ENV) $(MAKE) -s HELPER_BUILD=$(TSAN_BUILD)/helper \
	    HELPER_SAN=-fsanitize=thread TAP_DIR=$(TAP_DIR) \
	    HELPER_TAP_PREFIX=tsan- \
	    HELPER_UNIT_RUNS="$(TSAN_UNIT_RUNS)" \
	    HELPER_SOCKET_RUNS=hostd-socket:test-hostd-socket \
	    check-helper-unit check-helper-socket
	@{ echo "1..1"; \
	    if grep -l ThreadSanitizer $(TSAN_BUILD)/helper/run/*.log \
	        > $(TSAN_BUILD)/hostd-reports 2>/dev/null; then \
	        echo "not ok 1 - vgt-hostd reported races: $$(tr '\n' ' ' < $(TSAN_BUILD)/hostd-reports)"; \
	    else echo "ok 1 - the vgt-hostd daemons of the suites reported no race"; fi; \
	} > $(TAP_DIR)/tsan-hostd.tap

CHECK_TARGETS += check-tsan-helper

check-tsan: check-start check-tsan-helper
	@$(TOP)/scripts/tap-summary.sh $(TAP_DIR)

# Alone: its own summary (TAP in build/tap, as make check's).
check-asan: check-start check-asan-suites
	@$(TOP)/scripts/tap-summary.sh $(TAP_DIR)

.PHONY: check-asan check-asan-suites check-asan-helper check-asan-qtest \
	check-asan-fuzz check-tsan check-tsan-helper
