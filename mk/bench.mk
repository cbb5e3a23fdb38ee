# Benchmarks (`make bench`, or one: `make bench-<name>`).  Each prints its
# figures, the limit or the other path measured side by side, and keeps
# them in build/bench/<name>.txt.  A benchmark is its prerequisites, what
# QEMU's build must make for it (BENCH_NINJA_<name>, if anything) and the
# command that prints its figures (BENCH_RUN_<name>); one recipe runs them
# all.
#
# (Included before helper.mk: helper paths in prerequisites are spelled
# out, since its variables are not set yet when these are read.)

# gnuplot draws bench-scale's plot.
DEB_PACKAGES += gnuplot-nox

BENCH_DIR       := $(BUILD)/bench
BENCH_HOSTD     := $(BUILD)/helper/vgt-hostd
BENCH_HELPER_ENV = VGT_HOSTD=$(BENCH_HOSTD) VGT_TEST_DIR=$(BUILD)/helper/run
BENCH_QTEST_ENV  = QTEST_QEMU_BINARY=$(QEMU_BIN)

# The command scanner (tests/unit/bench-vgt-cmd.c): bytes per second
# scanned, audited and copied, next to memcpy of the same bytes.
bench-cmd: qemu
BENCH_NINJA_cmd := tests/unit/vgt/bench-vgt-cmd
BENCH_RUN_cmd    = $(QEMU_BUILD)/$(BENCH_NINJA_cmd)

# The virtual display (tests/qtest/vgt-display-bench.c): 1080p frames per
# second through the display's gfx_update path for a framebuffer on
# contiguous guest pages (zero-copy, and copied) and on scattered pages,
# next to a plain memcpy of the frame as the limit.
bench-display: qemu
BENCH_NINJA_display := tests/qtest/vgt-display-bench
BENCH_RUN_display    = $(BENCH_QTEST_ENV) $(QEMU_BUILD)/$(BENCH_NINJA_display)

# The GTT and the aperture, measured inside a TCG guest: a freestanding
# multiboot program (tests/bench/vgt-bench-guest.c, built with gcc -m32)
# writes GTT entries through BAR0 and stores/loads through BAR2;
# tests/bench/vgt-bench-gtt.py runs it with the embedded helper, with
# x-aperture-trap=on and with vgt-hostd, and prints the rates side by side.
BENCH_GTT_DIR   := $(BENCH_DIR)/gtt
BENCH_GTT_GUEST := $(BENCH_GTT_DIR)/vgt-bench-guest.elf
BENCH_GTT_ARGS   = $(QEMU_BIN) $(BENCH_GTT_GUEST) $(BENCH_HOSTD)

# (Both guests: tests/bench/vgt-bench-guest.h; the runners share
# tests/bench/vgtguest.py.)
BENCH_GUEST_CC = gcc -m32 -march=i686 -ffreestanding -fno-pic -fno-pie \
	-fno-stack-protector -nostdlib -static -no-pie -O2 -Wall -Werror \
	-Wl,-N -Wl,-Ttext=0x100000 -Wl,--build-id=none \
	-Wl,--no-warn-rwx-segments -e _start

$(BENCH_GTT_GUEST): $(TOP)/tests/bench/vgt-bench-guest.c \
		$(TOP)/tests/bench/vgt-bench-guest.h | $(DEPS_STAMP)
	@mkdir -p $(BENCH_GTT_DIR)
	@$(BENCH_GUEST_CC) -o $@ $<

bench-gtt: qemu $(BENCH_HOSTD) $(BENCH_GTT_GUEST)
BENCH_RUN_gtt = python3 $(TOP)/tests/bench/vgt-bench-gtt.py \
	$(BENCH_GTT_ARGS) $(BENCH_GTT_DIR)

# The register table (tests/unit/bench-vgt-regs.c): ns per register access
# through the table, in-process, next to a plain array access as the limit.
bench-regs: qemu
BENCH_NINJA_regs := tests/unit/vgt/bench-vgt-regs
BENCH_RUN_regs    = $(QEMU_BUILD)/$(BENCH_NINJA_regs)

# Command submission end to end: bench-helper-cs's blit workload run
# directly on the software Haswell (the helper's own bench) and through the
# whole device (TAIL write, scan, audit, copy, schedule, execute,
# completion), by a qtest "guest" (tests/qtest/vgt-submit-bench.c) and by
# a TCG guest that waits for its interrupts halted
# (tests/bench/vgt-bench-submit-guest.c, run by -submit-guest.py), side by
# side in interleaved rounds (tests/bench/vgt-bench-submit.sh).
BENCH_SUBMIT_GUEST := $(BENCH_DIR)/submit-guest/vgt-bench-submit-guest.elf
# five rounds: the direct figure alone moves by 5-10 % between rounds here
BENCH_SUBMIT_ROUNDS := 5
BENCH_SUBMIT_GUEST_ARGS = $(QEMU_BIN) $(BENCH_SUBMIT_GUEST) $(BENCH_HOSTD)

$(BENCH_SUBMIT_GUEST): $(TOP)/tests/bench/vgt-bench-submit-guest.c \
		$(TOP)/tests/bench/vgt-bench-guest.h \
		$(TOP)/tests/qtest/vgt-blit-workload.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@$(BENCH_GUEST_CC) -o $@ $<

bench-submit: qemu $(BUILD)/helper/bench-helper-cs $(BENCH_HOSTD) \
	$(BENCH_SUBMIT_GUEST)
BENCH_NINJA_submit := tests/qtest/vgt-submit-bench
BENCH_RUN_submit = $(BENCH_QTEST_ENV) $(BENCH_HELPER_ENV) \
	$(TOP)/tests/bench/vgt-bench-submit.sh $(BUILD)/helper/bench-helper-cs \
	$(QEMU_BUILD)/$(BENCH_NINJA_submit) \
	"python3 $(TOP)/tests/bench/vgt-bench-submit-guest.py \
	$(BENCH_SUBMIT_GUEST_ARGS) $(dir $(BENCH_SUBMIT_GUEST))" \
	$(BENCH_SUBMIT_ROUNDS)

# The host helper's own benches (tests/unit/helper/bench-helper-*.c): GTT
# writes and the blit workload, embedded next to vgt-hostd.
bench-helper: bench-helper-gtt bench-helper-cs bench-helper-transport
bench-helper-gtt: $(BUILD)/helper/bench-helper-gtt $(BENCH_HOSTD)
BENCH_RUN_helper-gtt = $(BENCH_HELPER_ENV) $(BUILD)/helper/bench-helper-gtt
bench-helper-cs: $(BUILD)/helper/bench-helper-cs $(BENCH_HOSTD)
BENCH_RUN_helper-cs = $(BENCH_HELPER_ENV) $(BUILD)/helper/bench-helper-cs

# One transport at a time as a client of libvgt-helper.a sees it
# (tests/unit/helper/bench-helper-transport.c): GTT writes per second and
# the round trip of a tiny workload (median, p99), one line per metric;
# embedded, vgt-hostd, and vgt.ko's /dev/vgt where it exists.
bench-helper-transport: $(BUILD)/helper/bench-helper-transport $(BENCH_HOSTD)
BENCH_TRANSPORT = $(BUILD)/helper/bench-helper-transport
BENCH_RUN_helper-transport = $(BENCH_TRANSPORT) embedded && \
	$(BENCH_HELPER_ENV) $(BENCH_TRANSPORT) socket && \
	if [ -c /dev/vgt ]; then $(BENCH_TRANSPORT) kernel; fi

# Scale (tests/unit/helper/bench-helper-scale.c): N = 1, 2, 4, 8, 16, 32
# instances at the default partition (sharing GM slots: GTT swaps),
# weights 1,2,3,4, every one keeping blit workloads queued: aggregate
# workloads/s against N = 1, engine-time shares against weights, context
# switch and GTT swap rates and costs; through vgt-hostd and embedded.
# The issue's limits last; a plot of throughput and switch cost against N
# in build/bench/scale.png.
bench-scale: $(BUILD)/helper/bench-helper-scale $(BENCH_HOSTD) | $(DEPS_STAMP)
BENCH_RUN_scale = $(BENCH_HELPER_ENV) $(BUILD)/helper/bench-helper-scale \
	--plot $(BENCH_DIR)/scale.png

# The engines in parallel (tests/unit/helper/bench-helper-engines.c): k = 1,
# 2, 4 VMs, each alone on its engine, run by one scheduler thread and by a
# thread per engine: workloads/s and the speedup over one VM against
# min(k, CPUs).
bench-engines: $(BUILD)/helper/bench-helper-engines
BENCH_RUN_engines = $(BUILD)/helper/bench-helper-engines

# The guest-level figure: IGT's gem_exec_nop ("sync") on each engine inside
# the Debian guest (tests/bench/vgt-bench-guest-nop.sh; vgt-gem-exec in the
# migration test's initramfs), under TCG (VGT_BENCH_ACCEL=kvm where KVM works).
# (Its prerequisites are mk/guest.mk's and mk/migration.mk's, read later.)
bench-guest: qemu guest migration-guest
BENCH_RUN_guest = $(TOP)/tests/bench/vgt-bench-guest-nop.sh $(QEMU_BIN) \
	$(BUILD)/guest $(BUILD)/migration/initramfs.cpio.gz $(BENCH_DIR)/guest

BENCHES := cmd display gtt regs submit helper-gtt helper-cs helper-transport \
	scale engines guest

# The one recipe: build what QEMU's build must make, run, record.
$(addprefix bench-,$(BENCHES)): bench-%:
	@$(if $(BENCH_NINJA_$*),$(call qemu_ninja,$(BENCH_NINJA_$*),ninja-bench-$*.log))
	@mkdir -p $(BENCH_DIR) $(BUILD)/helper/run
	@{ $(BENCH_RUN_$*); } | tee $(BENCH_DIR)/$*.txt

# `make qemu` (so make check) builds every bench's binary too: a bench
# that no longer links fails there, not at the next `make bench`.
QEMU_NINJA_TARGETS += $(foreach b,$(BENCHES),$(BENCH_NINJA_$(b)))

BENCH_TARGETS += bench-cmd bench-display bench-gtt bench-regs bench-submit \
	bench-helper bench-scale bench-engines bench-guest

# The report (scripts/bench-report.py): one table of every figure against
# its reference and goal, the spread over the last runs (history.tsv),
# report.md and the plots in build/bench/.  `make bench` ends with it;
# alone it reports what the last benchmarks printed.
bench-report:
	@python3 $(TOP)/scripts/bench-report.py $(BENCH_DIR)

# Its parser, on benchmark outputs as they look (tests/bench/samples).
check-bench-report:
	@$(TOP)/scripts/run-tap.sh $(TAP_DIR) bench-report python3 \
	    $(TOP)/tests/bench/test-bench-report.py $(TOP)

CHECK_TARGETS += check-bench-report

# The GTT benchmark's guest as a test of the TCG fast path, which qtests
# cannot reach (they run without a CPU): its checks pass in every
# configuration.
check-gtt-tcg: qemu $(BENCH_HOSTD) $(BENCH_GTT_GUEST)
	@$(TOP)/scripts/run-tap.sh $(TAP_DIR) gtt-tcg python3 \
	    $(TOP)/tests/bench/vgt-bench-gtt.py --tap $(BENCH_GTT_ARGS) \
	    $(BENCH_GTT_DIR)/check

CHECK_TARGETS += check-gtt-tcg

# The submission benchmark's TCG guest as a test: requests through the
# device from a guest that waits for its MSI halted (the interrupt masks
# and the helper's notify policy end to end), embedded and on vgt-hostd;
# every request runs, HEAD reaches TAIL.
check-submit-tcg: qemu $(BENCH_HOSTD) $(BENCH_SUBMIT_GUEST)
	@$(TOP)/scripts/run-tap.sh $(TAP_DIR) submit-tcg python3 \
	    $(TOP)/tests/bench/vgt-bench-submit-guest.py --tap \
	    $(BENCH_SUBMIT_GUEST_ARGS) $(dir $(BENCH_SUBMIT_GUEST))check

CHECK_TARGETS += check-submit-tcg

.PHONY: bench-helper bench-report check-bench-report check-gtt-tcg \
	check-submit-tcg \
	$(addprefix bench-,$(BENCHES))
