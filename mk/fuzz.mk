# Fuzzing (issue 18 item 6): coverage-guided harnesses built with
# Debian's clang and libFuzzer, their corpora in tests/fuzz/corpus/<name>,
# a regression run of every corpus in `make check`, and `make fuzz`.
#
# The harnesses (docs/fuzzing.md):
#   vgt-cmd        the command scanner against the engine (differential)
#   vgt-gtt-walk   the device's GGTT/PPGTT walk and display page runs
#   hostd-wire     vgt-hostd's wire protocol (hostd-dispatch.c)
#   vgt-device     the whole device through BAR0/BAR2/BAR4, config space,
#   vgt-regs       the register table's write path,
#   vgt-dp-gmbus   DP AUX and GMBUS: QEMU's own fuzzer (qemu-fuzz-x86_64
#                  of the sanitized build, mk/asan.mk) runs these three in
#                  a real QEMU with tests/qtest/vgt-fuzz.c.
#
# Regression (`make check-fuzz`, part of `make check`): each in-process
# harness is also linked, by gcc in the normal builds, with a replay main
# (tests/fuzz/fuzz-replay-main.c) that runs every corpus input once; the
# device targets' corpora are replayed through the qtest protocol against
# the normal QEMU by vgt-fuzz-replay-test, with the same interpreter.
#
# `make fuzz [FUZZ_TIME=seconds] [FUZZ_TARGETS="..."]` runs each harness
# for FUZZ_TIME seconds (default 60) on the sanitized builds, growing
# build/fuzz/corpus/<name> from the tree's corpus; new inputs worth
# keeping are merged back with `make fuzz-merge`.

DEB_PACKAGES += time

FUZZ_SRC     := $(TOP)/tests/fuzz
FUZZ_CORPUS  := $(FUZZ_SRC)/corpus
FUZZ_BUILD   := $(BUILD)/fuzz
FUZZ_TIME    ?= 60
FUZZ_JOBS    ?= 1
# (-jobs makes libFuzzer fork workers that log to ./fuzz-N.log: only >1)
FUZZ_JOBS_FLAGS = $(if $(filter-out 1,$(FUZZ_JOBS)),-jobs=$(FUZZ_JOBS) \
	-workers=$(FUZZ_JOBS))

# In-process harnesses built by QEMU's meson (tests/unit/meson.build).
FUZZ_QEMU_HARNESSES := vgt-cmd vgt-gtt-walk
# Targets of qemu-fuzz-x86_64 (tests/qtest/vgt-fuzz.c).
FUZZ_DEVICE_TARGETS := vgt-device vgt-regs vgt-dp-gmbus
FUZZ_TARGETS ?= $(FUZZ_QEMU_HARNESSES) hostd-wire $(FUZZ_DEVICE_TARGETS)

QEMU_NINJA_TARGETS += $(FUZZ_QEMU_HARNESSES:%=tests/unit/vgt/fuzz-%-replay) \
	tests/qtest/vgt-fuzz-replay

# ---- the helper's harness: gcc replay, clang libFuzzer ------------------
FUZZ_HOSTD_SRCS := $(filter-out hostd/hostd-server.c,$(HELPER_HOSTD_SRCS))
FUZZ_HOSTD_REPLAY := $(FUZZ_BUILD)/fuzz-hostd-wire-replay
FUZZ_HOSTD := $(FUZZ_BUILD)/fuzz-hostd-wire
FUZZ_CLANG_OBJ := $(FUZZ_BUILD)/clang-obj
FUZZ_SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer
FUZZ_CLANG_CFLAGS := -std=gnu11 -O1 -g -Wall -Wno-unused-parameter \
	-I$(TOP)/include -I$(HELPER_SRC) $(FUZZ_SAN_FLAGS)

$(FUZZ_BUILD)/replay-main.o: $(FUZZ_SRC)/fuzz-replay-main.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  CC      fuzz/replay-main.o"
	@gcc -std=gnu11 -O2 -g -Wall -Werror -D_GNU_SOURCE -c $< -o $@

$(FUZZ_BUILD)/fuzz-hostd-wire.o: $(FUZZ_SRC)/fuzz-hostd-wire.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  CC      fuzz/fuzz-hostd-wire.o"
	@gcc $(HELPER_CFLAGS) -c $< -o $@

$(FUZZ_HOSTD_REPLAY): $(FUZZ_BUILD)/fuzz-hostd-wire.o $(FUZZ_BUILD)/replay-main.o \
		$(FUZZ_HOSTD_SRCS:%.c=$(HELPER_OBJ)/%.o) $(HELPER_SOURCES)
	@echo "  LINK    $(notdir $@)"
	@gcc -o $@ $(filter %.o,$^) -lpthread

# The same sources, instrumented by clang for libFuzzer.
$(FUZZ_CLANG_OBJ)/%.o: $(HELPER_SRC)/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  CLANG   fuzz/$*.o"
	@clang $(FUZZ_CLANG_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

$(FUZZ_CLANG_OBJ)/fuzz-hostd-wire.o: $(FUZZ_SRC)/fuzz-hostd-wire.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  CLANG   fuzz/fuzz-hostd-wire.o"
	@clang $(FUZZ_CLANG_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

$(FUZZ_HOSTD): $(FUZZ_CLANG_OBJ)/fuzz-hostd-wire.o \
		$(FUZZ_HOSTD_SRCS:%.c=$(FUZZ_CLANG_OBJ)/%.o) $(HELPER_SOURCES)
	@echo "  LINK    $(notdir $@) (libFuzzer)"
	@clang $(FUZZ_SAN_FLAGS) -fsanitize=fuzzer -o $@ $(filter %.o,$^) -lpthread

-include $(shell find $(FUZZ_CLANG_OBJ) -name '*.d' 2>/dev/null)

# ---- regression: every corpus input once --------------------------------
# fuzz_replay NAME PROGRAM: TAP in build/tap/fuzz-NAME.tap
fuzz_replay = $(TOP)/scripts/run-tap.sh $(TAP_DIR) fuzz-$(1) \
	timeout 600 $(2) $(FUZZ_CORPUS)/$(1)

check-fuzz-inprocess: qemu $(FUZZ_HOSTD_REPLAY)
	@echo "vgt: replaying the fuzz corpora ($(FUZZ_QEMU_HARNESSES) hostd-wire)"
	@for h in $(FUZZ_QEMU_HARNESSES); do \
	    $(call fuzz_replay,$$h,$(QEMU_BUILD)/tests/unit/vgt/fuzz-$$h-replay); done
	@$(call fuzz_replay,hostd-wire,$(FUZZ_HOSTD_REPLAY))

# The device targets' corpora, through the qtest protocol.
check-fuzz-device: qemu
	@echo "vgt: replaying the device fuzz corpora ($(FUZZ_DEVICE_TARGETS))"
	@cd $(QEMU_BUILD) && QTEST_QEMU_BINARY=./qemu-system-x86_64 \
	    VGT_FUZZ_CORPUS=$(FUZZ_CORPUS) $(TOP)/scripts/run-tap.sh $(TAP_DIR) \
	    fuzz-device timeout 900 ./tests/qtest/vgt-fuzz-replay --tap -k

check-fuzz: check-fuzz-inprocess check-fuzz-device

CHECK_TARGETS += check-fuzz

# ---- fuzzing -------------------------------------------------------------
# fuzz_run NAME PROGRAM [ENV]: FUZZ_TIME seconds from the tree's corpus
# (read-only) into build/fuzz/corpus/NAME; crashes in build/fuzz/crashes.
fuzz_run = mkdir -p $(FUZZ_BUILD)/corpus/$(1) $(FUZZ_BUILD)/crashes/$(1) && \
	echo "vgt: fuzzing $(1) for $(FUZZ_TIME) s" && \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	/usr/bin/time -o $(FUZZ_BUILD)/$(1).time -f '%U %S %e' \
	$(3) $(2) -max_total_time=$(FUZZ_TIME) -timeout=60 \
	    $(FUZZ_JOBS_FLAGS) \
	    -print_final_stats=1 -artifact_prefix=$(FUZZ_BUILD)/crashes/$(1)/ \
	    $(FUZZ_BUILD)/corpus/$(1) $(FUZZ_CORPUS)/$(1) \
	    > $(FUZZ_BUILD)/$(1).log 2>&1; rc=$$?; \
	grep -E '^(stat::|Done|==[0-9]+==ERROR|SUMMARY)' $(FUZZ_BUILD)/$(1).log | tail -12; \
	awk '{ printf "vgt: %s: %.0f CPU seconds in %.0f s\n", "$(1)", $$1 + $$2, $$3 }' \
	    $(FUZZ_BUILD)/$(1).time; \
	[ $$rc = 0 ] || { echo "vgt: $(1): the fuzzer stopped with $$rc (build/fuzz/$(1).log)"; exit 1; }

fuzz-hostd-wire: $(FUZZ_HOSTD)
	@$(call fuzz_run,hostd-wire,$(FUZZ_HOSTD))

$(FUZZ_QEMU_HARNESSES:%=fuzz-%): fuzz-%: qemu-san
	@ninja -C $(QEMU_SAN_BUILD) tests/unit/vgt/fuzz-$* > /dev/null
	@$(call fuzz_run,$*,$(QEMU_SAN_BUILD)/tests/unit/vgt/fuzz-$*)

# QEMU's fuzzer forks a fresh VM per input; --fuzz-target names ours.
$(FUZZ_DEVICE_TARGETS:%=fuzz-%): fuzz-%: qemu-san
	@$(call fuzz_run,$*,$(QEMU_SAN_FUZZ) --fuzz-target=$*)

fuzz: $(FUZZ_TARGETS:%=fuzz-%)

# `make fuzz-cpu [FUZZ_CPU=3600] [FUZZ_TARGETS="..."]`: each harness until
# it has used FUZZ_CPU seconds of CPU, in 15-minute chunks at nice 19,
# resumable (scripts/fuzz-cpu.sh; build/fuzz/cpu/progress).  Run two at a
# time on two cores: make -j2 fuzz-cpu.
FUZZ_CPU ?= 3600
fuzz-cpu: $(FUZZ_TARGETS:%=fuzz-cpu-%)
fuzz-cpu-hostd-wire: $(FUZZ_HOSTD)
	@$(TOP)/scripts/fuzz-cpu.sh $(BUILD) $(FUZZ_CORPUS) hostd-wire \
	    $(FUZZ_CPU) $(FUZZ_HOSTD)
$(FUZZ_QEMU_HARNESSES:%=fuzz-cpu-%): fuzz-cpu-%: qemu-san
	@ninja -C $(QEMU_SAN_BUILD) tests/unit/vgt/fuzz-$* > /dev/null
	@$(TOP)/scripts/fuzz-cpu.sh $(BUILD) $(FUZZ_CORPUS) $* $(FUZZ_CPU) \
	    $(QEMU_SAN_BUILD)/tests/unit/vgt/fuzz-$*
$(FUZZ_DEVICE_TARGETS:%=fuzz-cpu-%): fuzz-cpu-%: qemu-san
	@$(TOP)/scripts/fuzz-cpu.sh $(BUILD) $(FUZZ_CORPUS) $* $(FUZZ_CPU) \
	    $(QEMU_SAN_FUZZ) --fuzz-target=$*

# Merge what `make fuzz` found into the tree's corpus, minimised
# (libFuzzer keeps only inputs that add coverage, named by their SHA-1).
# Named inputs stay whatever their coverage: the seeds (seed-*) and every
# input that once crashed or hung (crash-*, hang-*), the regressions.
fuzz-merge: qemu-san $(FUZZ_HOSTD)
	@for h in $(FUZZ_TARGETS); do \
	    case $$h in \
	    hostd-wire) p=$(FUZZ_HOSTD) ;; \
	    vgt-device|vgt-regs|vgt-dp-gmbus) p="$(QEMU_SAN_FUZZ) --fuzz-target=$$h" ;; \
	    *) p=$(QEMU_SAN_BUILD)/tests/unit/vgt/fuzz-$$h ;; esac; \
	    [ -d $(FUZZ_BUILD)/corpus/$$h ] || continue; \
	    mkdir -p $(FUZZ_BUILD)/merged/$$h && rm -f $(FUZZ_BUILD)/merged/$$h/*; \
	    echo "vgt: merging $$h"; \
	    $$p -merge=1 $(FUZZ_BUILD)/merged/$$h $(FUZZ_CORPUS)/$$h \
	        $(FUZZ_BUILD)/corpus/$$h > $(FUZZ_BUILD)/merge-$$h.log 2>&1 || exit 1; \
	    mkdir -p $(FUZZ_CORPUS)/$$h && \
	    find $(FUZZ_CORPUS)/$$h -type f -regextype posix-extended \
	        -regex '.*/[0-9a-f]{40}' -delete && \
	    cp $(FUZZ_BUILD)/merged/$$h/* $(FUZZ_CORPUS)/$$h/; \
	    echo "  $$h: $$(ls $(FUZZ_CORPUS)/$$h | wc -l) inputs"; done

.PHONY: check-fuzz check-fuzz-inprocess check-fuzz-device fuzz fuzz-merge \
	$(FUZZ_TARGETS:%=fuzz-%) fuzz-cpu $(FUZZ_TARGETS:%=fuzz-cpu-%)
