# Benchmark of the GTT and the aperture (issue 4), measured inside a TCG
# guest: a freestanding multiboot program (tests/bench/vgt-bench-guest.c,
# built with gcc -m32) writes GTT entries through BAR0 and stores/loads
# through BAR2; tests/bench/vgt-bench-gtt.py runs it with the embedded
# helper, with x-aperture-trap=on and with vgt-hostd, and prints the rates
# side by side (saved in build/bench/gtt.txt).  check-gtt-tcg runs the
# same guest as a test (TAP suite gtt-tcg).

BENCH_GTT_DIR   := $(BUILD)/bench/gtt
BENCH_GTT_GUEST := $(BENCH_GTT_DIR)/vgt-bench-guest.elf

$(BENCH_GTT_GUEST): $(TOP)/tests/bench/vgt-bench-guest.c | $(DEPS_STAMP)
	@mkdir -p $(BENCH_GTT_DIR)
	@gcc -m32 -march=i686 -ffreestanding -fno-pic -fno-pie \
	    -fno-stack-protector -nostdlib -static -no-pie -O2 -Wall -Werror \
	    -Wl,-N -Wl,-Ttext=0x100000 -Wl,--build-id=none \
	    -Wl,--no-warn-rwx-segments -e _start -o $@ $<

bench-gtt: qemu $(BUILD)/helper/vgt-hostd $(BENCH_GTT_GUEST)
	@python3 $(TOP)/tests/bench/vgt-bench-gtt.py $(QEMU_BIN) \
	    $(BENCH_GTT_GUEST) $(BUILD)/helper/vgt-hostd $(BENCH_GTT_DIR) \
	    | tee $(BUILD)/bench/gtt.txt

BENCH_TARGETS += bench-gtt

# The same guest as a test of the TCG fast path, which qtests cannot
# reach (they run without a CPU): its checks pass in every configuration.
check-gtt-tcg: qemu $(BUILD)/helper/vgt-hostd $(BENCH_GTT_GUEST)
	@$(TOP)/scripts/run-tap.sh $(TAP_DIR) gtt-tcg python3 \
	    $(TOP)/tests/bench/vgt-bench-gtt.py --tap $(QEMU_BIN) \
	    $(BENCH_GTT_GUEST) $(BUILD)/helper/vgt-hostd $(BENCH_GTT_DIR)/check

CHECK_TARGETS += check-gtt-tcg

.PHONY: bench-gtt check-gtt-tcg
