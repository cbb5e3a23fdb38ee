# Benchmark of command submission end to end: bench-helper-cs's blit
# workload run directly on the software Haswell (the helper's own bench)
# and through the whole device (tests/qtest/vgt-submit-bench.c: TAIL
# write, scan, audit, copy, schedule, execute, completion), side by side.

SUBMIT_BENCH := tests/qtest/vgt-submit-bench

bench-submit: qemu $(BUILD)/helper/bench-helper-cs $(BUILD)/helper/vgt-hostd
	@ninja -C $(QEMU_BUILD) $(SUBMIT_BENCH) > $(QEMU_BUILD)/ninja-bench-submit.log 2>&1 || { \
	    grep -a -E -A6 '^FAILED:|error:' $(QEMU_BUILD)/ninja-bench-submit.log | head -40; \
	    echo "vgt: error: submission bench build failed"; exit 1; }
	@mkdir -p $(BUILD)/bench
	@direct=$$(VGT_HOSTD=$(BUILD)/helper/vgt-hostd VGT_TEST_DIR=$(BUILD)/helper/run \
	    $(BUILD)/helper/bench-helper-cs 2>/dev/null | awk '/^  workloads/ { print $$2 }'); \
	 device=$$(cd $(QEMU_BUILD) && QTEST_QEMU_BINARY=./qemu-system-x86_64 \
	    ./$(SUBMIT_BENCH) 2>/dev/null | sed -n 's/^through the device *//p'); \
	 { echo "vgt submission: bench-helper-cs's blit workload, workloads per second"; \
	   echo "  directly on the software Haswell   $$direct"; \
	   echo "  through the device (qtest guest)   $$device"; \
	   awk -v d="$${direct%/s}" -v m="$${device%/s}" 'BEGIN { if (d > 0) \
	     printf "  device / direct                    %.2fx\n", m / d }'; } \
	 | tee $(BUILD)/bench/submit.txt

BENCH_TARGETS += bench-submit

.PHONY: bench-submit
