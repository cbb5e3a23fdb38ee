# Xen toolstack patches (xen-patches/): fetch Debian bookworm's Xen source,
# apply the series, build libxl + xl, and test them without a hypervisor
# (tests/xen/run.sh, docs/xen.md).
#
#   make check-xen       build (once) and run the tests -> $(TAP_DIR)/xen.tap
#   make xen-tools       just the patched tools, in $(XEN_DIR)/tree
#   make xen-patches-refresh
#                        rewrite xen-patches/ from the commits in
#                        $(XEN_DIR)/tree (after editing and committing there)
#
# A fresh run takes about a minute on 2 cores (mostly compiling libxl);
# with nothing changed only the tests run (about a second).

DEB_PACKAGES += autoconf acpica-tools libyajl-dev libzstd-dev uuid-dev \
	libncurses-dev liblzma-dev python3-dev zlib1g-dev flex bison git \
	qemu-system-xen

XEN_DEB_VERSION := 4.17.5+72-g01140da4e8-1
XEN_DIR         := $(BUILD)/xen
XEN_TREE        := $(XEN_DIR)/tree
XEN_SCRIPT      := $(TOP)/scripts/xen/build.sh
XEN_SERIES      := $(TOP)/xen-patches/series
XEN_PATCHES     := $(XEN_SERIES) $(wildcard $(TOP)/xen-patches/*.patch)
XEN_NOHV        := $(XEN_DIR)/libnohv.so
XEN_QEMU        ?= /usr/libexec/xen-qemu-system-i386

# The version is part of the stamp: asking for another one reaches the
# script, which refuses it.
XEN_FETCHED     := $(STAMPS)/xen-fetched-$(XEN_DEB_VERSION)

$(XEN_FETCHED): | $(DEPS_STAMP)
	@mkdir -p $(STAMPS)
	@XEN_DEB_VERSION='$(XEN_DEB_VERSION)' $(XEN_SCRIPT) fetch $(XEN_DIR) $(TOP)/xen-patches
	@touch $@

$(STAMPS)/xen-prepared: $(XEN_FETCHED) $(XEN_PATCHES) $(XEN_SCRIPT)
	@rm -f $(STAMPS)/xen-built
	@XEN_DEB_VERSION='$(XEN_DEB_VERSION)' $(XEN_SCRIPT) prepare $(XEN_DIR) $(TOP)/xen-patches
	@touch $@

$(STAMPS)/xen-built: $(STAMPS)/xen-prepared
	@XEN_DEB_VERSION='$(XEN_DEB_VERSION)' $(XEN_SCRIPT) build $(XEN_DIR) $(TOP)/xen-patches
	@touch $@

$(XEN_NOHV): $(TOP)/tests/xen/nohv.c $(STAMPS)/xen-built
	@gcc -Wall -Werror -O2 -shared -fPIC -I$(XEN_TREE)/tools/include -o $@ $<

xen-tools: $(STAMPS)/xen-built

# Our QEMU realizes the -device line libxl builds: build it first.
check-xen: $(STAMPS)/xen-built $(XEN_NOHV) qemu
	@mkdir -p $(TAP_DIR)
	@echo "vgt: testing the Xen toolstack patches (xl -N create, libxl argv, qemu-xen)"
	@XEN_QEMU='$(XEN_QEMU)' VGT_QEMU='$(QEMU_BIN)' \
	    $(TOP)/tests/xen/run.sh $(XEN_DIR) $(XEN_NOHV) > $(TAP_DIR)/xen.tap; \
	    rc=$$?; grep -E '^not ok' $(TAP_DIR)/xen.tap || true; \
	    [ $$rc = 0 ] || { echo "vgt: tests/xen/run.sh exited with status $$rc"; exit 1; }

xen-patches-refresh:
	@test -d $(XEN_TREE)/.git || { echo "vgt: no $(XEN_TREE); run make xen-tools first"; exit 1; }
	@rm -f $(TOP)/xen-patches/*.patch
	@cd $(XEN_TREE) && git format-patch -q --no-signature --zero-commit \
	    -o $(TOP)/xen-patches debian-base..HEAD
	@cd $(TOP)/xen-patches && ls *.patch > series
	@echo "vgt: xen-patches/ rewritten from $(XEN_TREE):"; cat $(TOP)/xen-patches/series

CHECK_TARGETS += check-xen

.PHONY: check-xen xen-tools xen-patches-refresh
