# Benchmark of the virtual display (tests/qtest/vgt-display-bench.c): 1080p
# frames per second through the display's gfx_update path for a
# framebuffer on contiguous guest pages (zero-copy, and copied) and on
# scattered pages, next to a plain memcpy of the frame as the limit.
# Built by QEMU's meson with the qtests; results in build/bench/display.txt.

DISPLAY_BENCH := tests/qtest/vgt-display-bench

bench-display: qemu
	@ninja -C $(QEMU_BUILD) $(DISPLAY_BENCH) > $(QEMU_BUILD)/ninja-bench-display.log 2>&1 || { \
	    grep -E -A6 '^FAILED:|error:' $(QEMU_BUILD)/ninja-bench-display.log | head -40; \
	    echo "vgt: error: display bench build failed"; exit 1; }
	@mkdir -p $(BUILD)/bench
	@cd $(QEMU_BUILD) && QTEST_QEMU_BINARY=./qemu-system-x86_64 \
	    ./$(DISPLAY_BENCH) | tee $(BUILD)/bench/display.txt

BENCH_TARGETS += bench-display

.PHONY: bench-display
