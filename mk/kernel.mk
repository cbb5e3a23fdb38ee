# The kernel chain: a TCG VM that boots Debian's 6.1 kernel (the very build
# of the headers vgt.ko is built against) with a bare software Haswell
# (-device vgt-hsw at 00:02.0), the host's root shared read-only over 9p,
# and runs tests/kernel/inside.sh chrooted into it: vgt.ko binds the GPU,
# our qtests, vgt-kstress and rmmod/insmod cycles run on /dev/vgt, the
# kernel log is scanned.  Nothing of the VM is committed: the kernel .deb
# comes from apt-get download (cached in build/kernel/deb, or in
# KCHAIN_CACHE), the initramfs from Debian's busybox-static.
#   make kernel-vm      the VM's kernel, modules and initramfs (stamped)
#   make check-kernel   the chain, TAP in $(TAP_DIR)/kernel-chain.tap
#   make bench-kernel   bench-helper-transport in the VM: /dev/vgt next
#                       to vgt-hostd's socket, and the module's interrupt
#                       latency
# See docs/kernel-test.md.

DEB_PACKAGES += busybox-static cpio kmod gzip qemu-system-data \
	linux-headers-amd64 procps util-linux coreutils

KCHAIN_DIR     := $(BUILD)/kernel
KCHAIN_CACHE   ?= $(KCHAIN_DIR)/deb
KCHAIN_ID      := $(KCHAIN_DIR)/kernel/kernel.id
KCHAIN_INITRD  := $(KCHAIN_DIR)/initramfs.cpio.gz
KCHAIN_SCRIPTS := $(TOP)/scripts/kernel
KCHAIN_RUN     := $(TOP)/tests/kernel/run.sh

# The programs the VM runs: vgt.ko and vgt-kstress (mk/kmod.mk's kmod),
# bench-helper-transport and vgt-hostd (mk/helper.mk); the qtests come
# with qemu.
KCHAIN_DEPS = $(if $(filter $(QEMU_BUILD)/%,$(QEMU_BIN)),qemu) kmod \
	$(BUILD)/helper/vgt-hostd $(BUILD)/helper/bench-helper-transport

# The kernel is the headers' (HELPER_KDIR, resolved when the recipe runs,
# after the packages are installed); fetch.sh leaves kernel.id alone when
# it is already that kernel, so that a warm run rebuilds nothing.
$(KCHAIN_ID): kernel-vm-always | $(DEPS_STAMP)
	@$(KCHAIN_SCRIPTS)/fetch.sh "$(HELPER_KDIR)" $(KCHAIN_DIR)/kernel $(KCHAIN_CACHE)
kernel-vm-always:

$(KCHAIN_INITRD): $(KCHAIN_ID) $(KCHAIN_SCRIPTS)/init.sh \
		$(TOP)/scripts/guest/make-initramfs.sh | $(DEPS_STAMP)
	@VGT_INIT=$(KCHAIN_SCRIPTS)/init.sh VGT_KERNEL_TAG=vgt-kernel \
	    $(TOP)/scripts/guest/make-initramfs.sh \
	    $(KCHAIN_DIR)/kernel $@

kernel-vm: $(KCHAIN_INITRD)

# Standalone, a failure fails the target; inside `make check` the TAP is
# counted by scripts/tap-summary.sh with the others.
check-kernel: $(KCHAIN_DEPS) kernel-vm
	@$(KCHAIN_RUN) $(QEMU_BIN) $(KCHAIN_DIR) $(KCHAIN_DIR)/test \
	    $(TAP_DIR)/kernel-chain.tap || \
	    { [ -n "$(filter check,$(MAKECMDGOALS))" ] || exit 1; }

CHECK_TARGETS += check-kernel

# The same VM, bench-helper-transport inside: kernel (/dev/vgt), socket (a
# vgt-hostd in the VM) and embedded, side by side, with ratios.
bench-kernel: $(KCHAIN_DEPS) kernel-vm
	@mkdir -p $(BENCH_DIR)
	@$(KCHAIN_RUN) --mode bench $(QEMU_BIN) $(KCHAIN_DIR) $(KCHAIN_DIR)/bench \
	    $(BENCH_DIR)/kernel.tap > $(KCHAIN_DIR)/bench.log 2>&1 || \
	    { tail -n 30 $(KCHAIN_DIR)/bench.log; \
	      echo "vgt-kernel: bench VM failed (TAP: $(BENCH_DIR)/kernel.tap)"; }
	@$(TOP)/tests/kernel/bench-table.sh $(KCHAIN_DIR)/bench/out/bench.txt | \
	    tee $(BENCH_DIR)/kernel.txt

BENCH_TARGETS += bench-kernel

.PHONY: kernel-vm kernel-vm-always check-kernel bench-kernel
