# QEMU: Debian bookworm's source package, our configure.patch, our files
# overlaid by symlink, configured as Debian configures qemu-system-x86
# (scripts/qemu-configure.sh), built with ccache.

QEMU_VERSION  := 1:7.2+dfsg-7+deb12u18
QEMU_DL       := $(BUILD)/qemu-dl
QEMU_SRC      := $(BUILD)/qemu-src
QEMU_BUILD    := $(BUILD)/qemu-build
QEMU_BIN      := $(QEMU_BUILD)/qemu-system-x86_64
# Firmware from Debian's packages, on Debian's own search path: option ROMs
# and blobs (qemu-system-data), SeaBIOS and its VGA BIOSes (seabios), the
# NICs' iPXE ROMs (ipxe-qemu).
QEMU_FIRMWARE := /usr/share/qemu:/usr/share/seabios:/usr/lib/ipxe/qemu
DEB_PACKAGES  += seabios qemu-system-data ipxe-qemu
# Installed (make deb) side by side with Debian's own QEMU, never over it.
QEMU_PREFIX   := /usr/lib/vgt/qemu

# Debian's feature list comes from the source package itself; these are
# the options of our build on top of it (one target, paths, the version
# string users see in -version and in bug reports).
QEMU_CONFIGURE_FLAGS := --target-list=x86_64-softmmu \
	--prefix=$(QEMU_PREFIX) --sysconfdir=/etc --localstatedir=/var \
	--firmwarepath=$(QEMU_FIRMWARE) --disable-install-blobs \
	--with-git-submodules=ignore --with-pkgversion=vgt-Debian-$(subst :,_,$(QEMU_VERSION))

# ccache keeps its default cache (~/.cache/ccache): shared by every clone.
QEMU_CC := ccache gcc

QEMU_PATCH_ID  = $(shell md5sum < $(TOP)/configure.patch | cut -c1-12)
QEMU_CONF_ID   = $(shell { echo '$(QEMU_CONFIGURE_FLAGS)'; \
	cat $(TOP)/scripts/qemu-configure.sh; } | md5sum | cut -c1-12)
QEMU_UNPACKED  = $(STAMPS)/qemu-unpacked-$(QEMU_PATCH_ID)
QEMU_CONFIGURED = $(STAMPS)/qemu-configured-$(QEMU_PATCH_ID)-$(QEMU_CONF_ID)

# Targets of the QEMU build that the project uses.
# (each tests/qtest/vgt*-test.c must be listed in tests/qtest/meson.build)
QEMU_QTESTS := $(patsubst $(TOP)/tests/qtest/%.c,%,\
	$(wildcard $(TOP)/tests/qtest/vgt*-test.c))
# vgt-kernel-test needs vgt.ko's /dev/vgt: it runs in the kernel-chain VM
# (mk/kernel.mk), not on the build machine.
QEMU_HOST_QTESTS = $(filter-out vgt-kernel-test,$(QEMU_QTESTS))
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

# Debian's build dependencies of this very source package (apt-get
# build-dep --arch-only: the libraries behind Debian's feature list).
QEMU_BUILD_DEPS = $(STAMPS)/qemu-build-deps-$(subst :,_,$(QEMU_VERSION))
$(QEMU_BUILD_DEPS): | $(DEPS_STAMP)
	@$(TOP)/scripts/install-deps.sh --build-dep 'qemu=$(QEMU_VERSION)'
	@touch $@

$(QEMU_CONFIGURED): $(QEMU_UNPACKED) $(TOP)/scripts/qemu-configure.sh | $(QEMU_BUILD_DEPS)
	@$(TOP)/scripts/qemu-overlay.sh $(TOP) $(QEMU_SRC)
	@echo "vgt: configuring QEMU (Debian's qemu-system-x86 features + Xen + vgt, x86_64-softmmu)"
	@rm -rf $(QEMU_BUILD) $(STAMPS)/qemu-configured-* && mkdir -p $(QEMU_BUILD)
	@$(TOP)/scripts/qemu-configure.sh $(QEMU_SRC) $(QEMU_BUILD) '$(QEMU_CC)' \
	    $(QEMU_CONFIGURE_FLAGS) > $(QEMU_BUILD)/configure.log 2>&1 || { \
	    tail -30 $(QEMU_BUILD)/configure.log; echo "vgt: error: QEMU configure failed (build/qemu-build/configure.log)"; exit 1; }
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
	    echo "vgt: building QEMU (first build: about 20 minutes on 2 cores; ccache makes rebuilds fast)"; fi
	@$(call qemu_ninja,$(QEMU_NINJA_TARGETS),ninja.log)
	@# Run from the build tree, QEMU looks for firmware under qemu-bundle/.
	@for d in $(subst :, ,$(QEMU_FIRMWARE)); do \
	    mkdir -p $(QEMU_BUILD)/qemu-bundle$$(dirname $$d); \
	    ln -sfn $$d $(QEMU_BUILD)/qemu-bundle$$d; done
	@echo "vgt: QEMU ready: $(QEMU_BIN)"

# qtests: the device driven through QEMU's qtest protocol.  Their cases
# over vgt.ko (vgt-kernel-test, the *-kernel ones) are registered only
# with VGT_QTEST_KERNEL=/dev/vgt in the environment (where the module is);
# otherwise a TAP comment says they were skipped.
check-qtest: qemu
	@echo "vgt: running qtests ($(QEMU_HOST_QTESTS))"
	@cd $(QEMU_BUILD) && for t in $(QEMU_HOST_QTESTS); do \
	    QTEST_QEMU_BINARY=./qemu-system-x86_64 VGT_HOSTD=$(HELPER_HOSTD) \
	    $(TOP)/scripts/run-tap.sh $(TAP_DIR) qtest-$$t ./tests/qtest/$$t --tap -k; \
	    done

CHECK_TARGETS += check-qtest

demo-pci: qemu
	@$(TOP)/scripts/demo-pci.sh $(QEMU_BIN)

.PHONY: qemu check-qtest demo-pci
