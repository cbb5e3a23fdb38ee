# QEMU: Debian bookworm's source package, our configure.patch, our files
# overlaid by symlink, a minimal configuration, built with ccache.

QEMU_VERSION  := 1:7.2+dfsg-7+deb12u18
QEMU_DL       := $(BUILD)/qemu-dl
QEMU_SRC      := $(BUILD)/qemu-src
QEMU_BUILD    := $(BUILD)/qemu-build
QEMU_BIN      := $(QEMU_BUILD)/qemu-system-x86_64
# Firmware from Debian's packages: SeaBIOS, and qemu-system-data for the
# option ROMs the pc machines load (kvmvapic.bin).
QEMU_FIRMWARE := /usr/share/seabios:/usr/share/qemu
DEB_PACKAGES  += seabios qemu-system-data

# Exactly what the project needs: one target, TCG + Xen + qtest (always
# built), the pc and q35 machines (configs/devices/x86_64-softmmu/vgt.mak),
# VNC with PNG screendumps for watching a guest.
QEMU_CONFIGURE_FLAGS := --target-list=x86_64-softmmu \
	--without-default-features --without-default-devices \
	--with-devices-x86_64=vgt --enable-vgt --enable-tcg --enable-xen \
	--enable-vnc --enable-png --disable-docs \
	--firmwarepath=$(QEMU_FIRMWARE)

# ccache keeps its default cache (~/.cache/ccache): shared by every clone.
QEMU_CC := ccache gcc

QEMU_PATCH_ID  = $(shell md5sum < $(TOP)/configure.patch | cut -c1-12)
QEMU_CONF_ID   = $(shell echo '$(QEMU_CONFIGURE_FLAGS)' | md5sum | cut -c1-12)
QEMU_UNPACKED  = $(STAMPS)/qemu-unpacked-$(QEMU_PATCH_ID)
QEMU_CONFIGURED = $(STAMPS)/qemu-configured-$(QEMU_PATCH_ID)-$(QEMU_CONF_ID)

# Targets of the QEMU build that the project uses.
# (each tests/qtest/vgt*-test.c must be listed in tests/qtest/meson.build)
QEMU_QTESTS := $(patsubst $(TOP)/tests/qtest/%.c,%,\
	$(wildcard $(TOP)/tests/qtest/vgt*-test.c))
QEMU_NINJA_TARGETS = qemu-system-x86_64 \
	$(addprefix tests/qtest/,$(QEMU_QTESTS)) $(QEMU_UNIT_TESTS)

$(STAMPS)/qemu-downloaded: | $(DEPS_STAMP)
	@mkdir -p $(QEMU_DL) $(STAMPS)
	@echo "vgt: fetching Debian's QEMU source package $(QEMU_VERSION)"
	@if ! apt-cache showsrc qemu | grep -qx 'Version: $(QEMU_VERSION)'; then \
	    echo "vgt: error: the apt sources offer no qemu source $(QEMU_VERSION)."; \
	    echo "vgt: they offer: $$(apt-cache showsrc qemu | sed -n 's/^Version: //p' | tr '\n' ' ')"; \
	    echo "vgt: vgt is tested against $(QEMU_VERSION) only; refusing to build another."; \
	    exit 1; fi
	@# (apt warns that root downloads unsandboxed: expected, kept in the log)
	@cd $(QEMU_DL) && apt-get source -q --download-only 'qemu=$(QEMU_VERSION)' \
	    > apt-source.log 2>&1 || { cat apt-source.log; \
	    echo "vgt: error: apt-get source qemu=$(QEMU_VERSION) failed"; exit 1; }
	@touch $@

$(QEMU_UNPACKED): $(STAMPS)/qemu-downloaded $(TOP)/configure.patch
	@echo "vgt: unpacking QEMU with Debian's patches (dpkg-source)"
	@rm -rf $(QEMU_SRC) $(QEMU_BUILD) $(STAMPS)/qemu-unpacked-* $(STAMPS)/qemu-configured-*
	@# (the archive's signed index already vouched for the .dsc: apt checked it)
	@cd $(QEMU_DL) && dpkg-source -q -x qemu_*.dsc $(QEMU_SRC) > dpkg-source.log 2>&1 || { \
	    cat dpkg-source.log; echo "vgt: error: dpkg-source failed"; exit 1; }
	@echo "vgt: applying configure.patch"
	@cd $(QEMU_SRC) && patch -p1 --dry-run -s < $(TOP)/configure.patch >/dev/null || { \
	    echo "vgt: error: configure.patch does not apply to QEMU $(QEMU_VERSION)"; exit 1; }
	@cd $(QEMU_SRC) && patch -p1 -s < $(TOP)/configure.patch
	@touch $@

$(QEMU_CONFIGURED): $(QEMU_UNPACKED)
	@$(TOP)/scripts/qemu-overlay.sh $(TOP) $(QEMU_SRC)
	@echo "vgt: configuring QEMU (minimal: x86_64-softmmu, pc/q35, TCG+Xen+qtest)"
	@rm -rf $(QEMU_BUILD) && mkdir -p $(QEMU_BUILD)
	@cd $(QEMU_BUILD) && $(QEMU_SRC)/configure $(QEMU_CONFIGURE_FLAGS) \
	    --cc='$(QEMU_CC)' --meson=meson > configure.log 2>&1 || { \
	    tail -30 configure.log; echo "vgt: error: QEMU configure failed (build/qemu-build/configure.log)"; exit 1; }
	@touch $@

# Build QEMU targets $(1) with ninja, its output in build/qemu-build/$(2);
# on failure show the first errors and where the whole log is.
qemu_ninja = ninja -C $(QEMU_BUILD) $(1) > $(QEMU_BUILD)/$(2) 2>&1 || { \
	grep -a -E -A6 '^FAILED:|error:' $(QEMU_BUILD)/$(2) | cut -c1-400 | \
	head -60; echo "vgt: error: QEMU build failed (build/qemu-build/$(2))"; \
	exit 1; }

# ninja decides what is stale; with nothing changed this takes a second.
qemu: $(QEMU_CONFIGURED)
	@$(TOP)/scripts/qemu-overlay.sh $(TOP) $(QEMU_SRC)
	@if [ ! -x $(QEMU_BIN) ]; then \
	    echo "vgt: building QEMU (first build: about 5-10 minutes on 2 cores; ccache makes rebuilds fast)"; fi
	@$(call qemu_ninja,$(QEMU_NINJA_TARGETS),ninja.log)
	@# Run from the build tree, QEMU looks for firmware under qemu-bundle/.
	@for d in $(subst :, ,$(QEMU_FIRMWARE)); do \
	    mkdir -p $(QEMU_BUILD)/qemu-bundle$$(dirname $$d); \
	    ln -sfn $$d $(QEMU_BUILD)/qemu-bundle$$d; done
	@echo "vgt: QEMU ready: $(QEMU_BIN)"

# qtests: the device driven through QEMU's qtest protocol.
check-qtest: qemu
	@echo "vgt: running qtests ($(QEMU_QTESTS))"
	@cd $(QEMU_BUILD) && for t in $(QEMU_QTESTS); do \
	    QTEST_QEMU_BINARY=./qemu-system-x86_64 VGT_HOSTD=$(HELPER_HOSTD) \
	    $(TOP)/scripts/run-tap.sh $(TAP_DIR) qtest-$$t ./tests/qtest/$$t --tap -k; \
	    done

CHECK_TARGETS += check-qtest

demo-pci: qemu
	@$(TOP)/scripts/demo-pci.sh $(QEMU_BIN)

.PHONY: qemu check-qtest demo-pci
