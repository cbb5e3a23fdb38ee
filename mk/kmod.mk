# vgt.ko, the host/dom0 kernel helper (kernel-shim/linux/, docs/helper.md
# "vgt.ko"): the groups core, hsw, swhsw and kmod of kernel-shim/sources.txt
# built as one module against Debian's bookworm 6.1 headers, vgt-kstress
# (its userspace stress program) and the DKMS source tree.
#   make kmod         build/helper/kmod/vgt.ko
#   make dkms-tree    build/dkms/vgt-VERSION/, what /usr/src/vgt-VERSION holds
#   make check-kmod   build it -Werror, modinfo, the kernel's checkpatch on
#                     kernel-shim/linux, sparse (installed here), vgt-kstress,
#                     `dkms build` of the tree in a scratch DKMS tree
# The module is never loaded here (tests/kernel/ loads it in a TCG VM).
# Sources are mirrored as symlinks, so objects never land in the tree.

DEB_PACKAGES += linux-headers-amd64 dkms sparse

KMOD_SRC     := $(TOP)/kernel-shim
KMOD_BUILD   := $(BUILD)/helper/kmod
KMOD_KO      := $(KMOD_BUILD)/vgt.ko
KMOD_KSTRESS := $(BUILD)/helper/vgt-kstress
KMOD_GROUPS  := core hsw swhsw kmod
KMOD_CFILES  := $(shell awk -v g=' $(KMOD_GROUPS) ' 'index(g, " " $$1 " ") \
	{ print $$2 }' $(KMOD_SRC)/sources.txt)
KMOD_DIRS    := $(sort $(patsubst %/,%,$(dir $(KMOD_CFILES))))
KMOD_INPUTS  := $(filter-out %/vgt-kstress.c,$(wildcard $(KMOD_DIRS:%=$(KMOD_SRC)/%/*.[ch]))) \
	$(KMOD_SRC)/linux/Kbuild $(KMOD_SRC)/linux/Makefile \
	$(KMOD_SRC)/sources.txt $(TOP)/include/hw/vgt-helper-abi.h
# The headers' kernel (as mk/helper.mk's HELPER_KDIR; resolved late, after
# the packages are installed).
KMOD_KDIR     = $(lastword $(sort $(wildcard /usr/src/linux-headers-6.1.*-amd64)))
KMOD_KVER     = $(patsubst linux-headers-%,%,$(notdir $(KMOD_KDIR)))
KMOD_VERSION  = $(or $(VGT_DEB_SNAPSHOT),0.0)
KMOD_DKMS     := $(BUILD)/dkms
KMOD_CHECKPATCH := $(BUILD)/linux-checkpatch/scripts/checkpatch.pl
# kernel-shim/linux's kernel files (the kstress program is userspace).
KMOD_OWN     = $(filter-out %/vgt-kstress.c,$(wildcard \
	$(KMOD_SRC)/linux/*.[ch])) $(KMOD_SRC)/linux/Kbuild

# kmod_tree DIR COPY: the module's source tree in DIR, as symlinks (COPY
# empty) or as copies (COPY=1): Kbuild and Makefile from linux/,
# sources.txt, the groups' C files and the headers of their directories,
# include/hw/vgt-helper-abi.h.  Links whose file went away are dropped.
KMOD_TREE_FILES = $(KMOD_CFILES) $(patsubst $(KMOD_SRC)/%,%,$(wildcard \
	$(KMOD_DIRS:%=$(KMOD_SRC)/%/*.h)))
kmod_tree = mkdir -p $(1)/include/hw $(addprefix $(1)/,$(KMOD_DIRS)) && \
	for f in $(KMOD_SRC)/linux/Kbuild $(KMOD_SRC)/linux/Makefile \
	    $(KMOD_SRC)/sources.txt; do \
	    $(if $(2),cp -f,ln -sfn) $$f $(1)/; done && \
	$(if $(2),cp -f,ln -sfn) $(TOP)/include/hw/vgt-helper-abi.h \
	    $(1)/include/hw/ && \
	for f in $(KMOD_TREE_FILES); do \
	    $(if $(2),cp -f,ln -sfn) $(KMOD_SRC)/$$f $(1)/$$f; done && \
	find $(1) -xtype l -delete

$(KMOD_KO): $(KMOD_INPUTS) | $(DEPS_STAMP)
	@echo "  KBUILD  vgt.ko ($(KMOD_GROUPS)) against $(notdir $(KMOD_KDIR))"
	@[ -n "$(KMOD_KDIR)" ] || { echo "vgt: no /usr/src/linux-headers-6.1.*-amd64"; exit 1; }
	@$(call kmod_tree,$(KMOD_BUILD),)
	@$(MAKE) -s -C $(KMOD_KDIR) M=$(KMOD_BUILD) modules \
	    > $(KMOD_BUILD)/kmod.log 2>&1 || \
	    { tail -n 30 $(KMOD_BUILD)/kmod.log; rm -f $@; \
	      echo "vgt: vgt.ko failed (see $(KMOD_BUILD)/kmod.log)"; exit 1; }
	@touch $@

kmod: $(KMOD_KO) $(KMOD_KSTRESS)

# Userspace: libc, the ABI header, the device's defaults and the Haswell
# register facts only (it runs in the test VM).
$(KMOD_KSTRESS): $(KMOD_SRC)/linux/vgt-kstress.c \
		$(TOP)/include/hw/vgt-helper-abi.h $(TOP)/include/hw/vgt.h \
		$(KMOD_SRC)/hsw/hsw-regs.h $(KMOD_SRC)/hsw/hsw-types.h \
		| $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  CC      vgt-kstress"
	@gcc -std=gnu11 -O2 -g -Wall -Wextra -Werror -I$(TOP)/include \
	    -o $@ $<

# The DKMS source tree: the files the module needs and dkms.conf.
dkms-tree: $(KMOD_INPUTS) $(KMOD_SRC)/linux/dkms.conf
	@rm -rf $(KMOD_DKMS) && mkdir -p $(KMOD_DKMS)/vgt-$(KMOD_VERSION)
	@$(call kmod_tree,$(KMOD_DKMS)/vgt-$(KMOD_VERSION),1)
	@sed 's/@VERSION@/$(KMOD_VERSION)/' $(KMOD_SRC)/linux/dkms.conf \
	    > $(KMOD_DKMS)/vgt-$(KMOD_VERSION)/dkms.conf
	@echo "vgt: DKMS tree in $(KMOD_DKMS)/vgt-$(KMOD_VERSION) (cp -r it to /usr/src; dkms install vgt/$(KMOD_VERSION))"

# One TAP file; each step's verdict is a line, so a failure is counted by
# `make check` instead of stopping it.
check-kmod: $(KMOD_CHECKPATCH) | $(DEPS_STAMP)
	@mkdir -p $(TAP_DIR) $(KMOD_BUILD)
	@KMOD_KO=$(KMOD_KO) KMOD_BUILD=$(KMOD_BUILD) KMOD_KDIR=$(KMOD_KDIR) \
	    KMOD_KVER=$(KMOD_KVER) KMOD_CHECKPATCH=$(KMOD_CHECKPATCH) \
	    KMOD_OWN='$(KMOD_OWN)' KMOD_DKMS=$(KMOD_DKMS) \
	    KMOD_VERSION=$(KMOD_VERSION) MAKE='$(MAKE)' TOP=$(TOP) \
	    $(TOP)/scripts/run-tap.sh $(TAP_DIR) kmod \
	    $(KMOD_SRC)/linux/check-kmod.sh

CHECK_TARGETS += check-kmod

.PHONY: kmod dkms-tree check-kmod
