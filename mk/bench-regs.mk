# Benchmark of the register table (tests/unit/bench-vgt-regs.c): ns per
# register access through the table, in-process, next to a plain array
# access as the limit.  Built by QEMU's meson with the unit tests.

REGS_BENCH := tests/unit/vgt/bench-vgt-regs

bench-regs: qemu
	@ninja -C $(QEMU_BUILD) $(REGS_BENCH) > $(QEMU_BUILD)/ninja-bench-regs.log 2>&1 || { \
	    grep -E -A6 '^FAILED:|error:' $(QEMU_BUILD)/ninja-bench-regs.log | head -40; \
	    echo "vgt: error: register bench build failed"; exit 1; }
	@mkdir -p $(BUILD)/bench
	@$(QEMU_BUILD)/$(REGS_BENCH) | tee $(BUILD)/bench/regs.txt

BENCH_TARGETS += bench-regs

.PHONY: bench-regs
