# Benchmark of the command scanner (tests/unit/bench-vgt-cmd.c): bytes per
# second scanned, audited and copied, next to memcpy of the same bytes.

CMD_BENCH := tests/unit/vgt/bench-vgt-cmd

bench-cmd: qemu
	@ninja -C $(QEMU_BUILD) $(CMD_BENCH) > $(QEMU_BUILD)/ninja-bench-cmd.log 2>&1 || { \
	    grep -a -E -A6 '^FAILED:|error:' $(QEMU_BUILD)/ninja-bench-cmd.log | head -40; \
	    echo "vgt: error: scanner bench build failed"; exit 1; }
	@mkdir -p $(BUILD)/bench
	@$(QEMU_BUILD)/$(CMD_BENCH) | tee $(BUILD)/bench/cmd.txt

BENCH_TARGETS += bench-cmd

.PHONY: bench-cmd
