# Style checks of a change (not part of `make check`): QEMU's checkpatch on
# what changed under hw/, include/ and tests/, the kernel's checkpatch on
# the changed kernel-shim/ files.  The change is everything since
# CHECKPATCH_BASE (default: the last commit), committed or not:
#   make checkpatch CHECKPATCH_BASE=origin/main
# The kernel's checkpatch.pl comes from Debian's linux-source-6.1 (the
# guest's kernel source), fetched once into build/linux-checkpatch.

CHECKPATCH_BASE   ?= HEAD
KERNEL_CHECKPATCH := $(BUILD)/linux-checkpatch/scripts/checkpatch.pl

$(KERNEL_CHECKPATCH): | $(DEPS_STAMP)
	@echo "vgt: fetching the kernel's checkpatch from Debian's linux-source-6.1"
	@rm -rf $(BUILD)/linux-checkpatch && mkdir -p $(BUILD)/linux-checkpatch/dl
	@cd $(BUILD)/linux-checkpatch/dl && apt-get download -q linux-source-6.1 \
	    > apt.log 2>&1 || { cat apt.log; \
	    echo "vgt: error: apt-get download linux-source-6.1 failed"; exit 1; }
	@cd $(BUILD)/linux-checkpatch && dpkg-deb --fsys-tarfile dl/*.deb | \
	    tar -xO --wildcards './usr/src/linux-source-6.1.tar.xz' | \
	    tar -xJ --strip-components=1 linux-source-6.1/scripts/checkpatch.pl \
	        linux-source-6.1/scripts/spelling.txt \
	        linux-source-6.1/scripts/const_structs.checkpatch
	@rm -rf $(BUILD)/linux-checkpatch/dl

checkpatch: qemu $(KERNEL_CHECKPATCH)
	@echo "vgt: QEMU checkpatch on hw/ include/ tests/ since $(CHECKPATCH_BASE)"
	@git -C $(TOP) diff $(CHECKPATCH_BASE) -- hw include tests | \
	    $(QEMU_SRC)/scripts/checkpatch.pl --no-signoff - || true
	@echo "vgt: kernel checkpatch on kernel-shim/ files changed since $(CHECKPATCH_BASE)"
	@cd $(TOP) && for f in $$(git diff --name-only $(CHECKPATCH_BASE) -- \
	    'kernel-shim/*.c' 'kernel-shim/*.h'); do [ -f "$$f" ] && \
	    perl $(KERNEL_CHECKPATCH) --no-tree --terse -f "$$f" | \
	    grep -v '^total:'; done; true

.PHONY: checkpatch
