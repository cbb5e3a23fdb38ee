# vgt host helper (kernel-shim/): the portable core, the software Haswell,
# the client library QEMU links (embedded + socket transports), the
# vgt-hostd daemon, their tests, the kbuild compile check and the benches
# (run by mk/bench.mk).
# Everything builds with plain gcc into $(BUILD)/helper; nothing needs QEMU.

DEB_PACKAGES += linux-headers-amd64 libglib2.0-dev pkg-config

HELPER_SRC   := $(TOP)/kernel-shim
HELPER_BUILD := $(BUILD)/helper
HELPER_OBJ   := $(HELPER_BUILD)/obj

# Debian's hardening (dpkg-buildflags), as the packaged daemon needs.
HELPER_CFLAGS := -std=gnu11 -O2 -g -fPIC -Wall -Wextra -Wno-unused-parameter \
	-Werror -I$(TOP)/include -I$(HELPER_SRC) -MMD -MP \
	-fstack-protector-strong -Wformat -Werror=format-security -D_FORTIFY_SOURCE=2
HELPER_LDFLAGS := -Wl,-z,relro -Wl,-z,now
# Sanitizer flags for every compile and link: empty here; `make check-asan`
# builds the helper again with ASan and UBSan under build/asan (mk/asan.mk).
HELPER_SAN :=
# (and their suites' TAP names get a prefix: asan-helper-*)
HELPER_TAP_PREFIX :=
HELPER_CFLAGS += $(HELPER_SAN)
HELPER_LDFLAGS += $(HELPER_SAN)
HELPER_GLIB_CFLAGS = $(shell pkg-config --cflags glib-2.0)
HELPER_GLIB_LIBS   = $(shell pkg-config --libs glib-2.0)

# Which files: kernel-shim/sources.txt, shared with QEMU's meson and kbuild.
HELPER_SOURCES := $(HELPER_SRC)/sources.txt
# helper_srcs GROUPS: the files of those groups, in list order
helper_srcs = $(shell awk -v g=' $(1) ' 'index(g, " " $$1 " ") { print $$2 }' \
	$(HELPER_SOURCES))
HELPER_KERNEL_SRCS := $(call helper_srcs,core hsw swhsw)
HELPER_LIB_SRCS    := $(call helper_srcs,core hsw swhsw user wire client)
HELPER_HOSTD_SRCS  := $(call helper_srcs,core hsw swhsw user wire hostd)
HELPER_LIB_OBJS    := $(HELPER_LIB_SRCS:%.c=$(HELPER_OBJ)/%.o)
HELPER_HOSTD_OBJS  := $(HELPER_HOSTD_SRCS:%.c=$(HELPER_OBJ)/%.o)

# The helper as a library: the groups QEMU builds in, no GLib.
HELPER_LIB   := $(HELPER_BUILD)/libvgt-helper.a
HELPER_HOSTD := $(HELPER_BUILD)/vgt-hostd
HELPER_TESTS := $(HELPER_BUILD)/test-helper-core \
	$(HELPER_BUILD)/test-helper-swhsw $(HELPER_BUILD)/test-helper-lib \
	$(HELPER_BUILD)/test-hostd-socket $(HELPER_BUILD)/test-helper-engine \
	$(HELPER_BUILD)/test-hostd-sched
HELPER_TESTS += $(HELPER_BUILD)/test-helper-kernel
HELPER_TESTS += $(HELPER_BUILD)/test-helper-share
HELPER_TESTS += $(HELPER_BUILD)/test-helper-switch
HELPER_TESTS += $(HELPER_BUILD)/test-helper-isolation
HELPER_TESTS += $(HELPER_BUILD)/test-helper-preempt
HELPER_TESTS += $(HELPER_BUILD)/test-helper-ppgtt
HELPER_BENCH := $(HELPER_BUILD)/bench-helper-gtt $(HELPER_BUILD)/bench-helper-cs
HELPER_BENCH += $(HELPER_BUILD)/bench-helper-transport
HELPER_BENCH += $(HELPER_BUILD)/bench-helper-scale
HELPER_BENCH += $(HELPER_BUILD)/bench-helper-engines

$(HELPER_OBJ)/%.o: $(HELPER_SRC)/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  CC      helper/$*.o"
	@gcc $(HELPER_CFLAGS) -c $< -o $@

$(HELPER_OBJ)/tests/%.o: $(TOP)/tests/unit/helper/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  CC      helper/tests/$*.o"
	@gcc $(HELPER_CFLAGS) $(HELPER_GLIB_CFLAGS) -c $< -o $@

# One prelinked object in which only the API of include/hw/vgt-host-ops.h
# (client/vgt-helper.exports) stays global, so that test-helper-lib proves
# that API is all a program needs, and the helper's internal vgt_* names
# cannot collide with the program's.
HELPER_EXPORTS := $(HELPER_SRC)/client/vgt-helper.exports
$(HELPER_LIB): $(HELPER_LIB_OBJS) $(HELPER_EXPORTS) $(HELPER_SOURCES)
	@echo "  AR      $(notdir $@) (exports: $$(tr '\n' ' ' < $(HELPER_EXPORTS)))"
	@ld -r -o $(HELPER_OBJ)/vgt-helper-all.o $(HELPER_LIB_OBJS)
	@objcopy --keep-global-symbols=$(HELPER_EXPORTS) \
	    $(HELPER_OBJ)/vgt-helper-all.o $(HELPER_OBJ)/vgt-helper.o
	@rm -f $@ && ar rcs $@ $(HELPER_OBJ)/vgt-helper.o

# The daemon, tests and bench link the objects (tests reach internals).
# (The list is a prerequisite so that a file leaving it relinks.)
$(HELPER_HOSTD): $(HELPER_HOSTD_OBJS) $(HELPER_SOURCES)
	@echo "  LINK    $(notdir $@)"
	@gcc $(HELPER_LDFLAGS) -o $@ $(filter %.o,$^) -lpthread

$(HELPER_BUILD)/test-%: $(HELPER_OBJ)/tests/test-%.o $(HELPER_LIB_OBJS) \
		$(HELPER_SOURCES)
	@echo "  LINK    $(notdir $@)"
	@gcc $(HELPER_SAN) -o $@ $(filter %.o,$^) $(HELPER_GLIB_LIBS) -lpthread

# This one links the library, and nothing else of ours.
$(HELPER_BUILD)/test-helper-lib: $(HELPER_OBJ)/tests/test-helper-lib.o $(HELPER_LIB)
	@echo "  LINK    $(notdir $@)"
	@gcc $(HELPER_SAN) -o $@ $^ $(HELPER_GLIB_LIBS) -lpthread

$(HELPER_BUILD)/bench-%: $(HELPER_OBJ)/tests/bench-%.o $(HELPER_LIB_OBJS) \
		$(HELPER_SOURCES)
	@echo "  LINK    $(notdir $@)"
	@gcc $(HELPER_SAN) -o $@ $(filter %.o,$^) $(HELPER_GLIB_LIBS) -lpthread

# One transport given on its command line (embedded, socket PATH, kernel
# PATH): a client of the library alone, libc and pthreads, so that it
# also builds and runs where /dev/vgt is (the TCG guest with vgt.ko).
$(HELPER_BUILD)/bench-helper-transport: \
		$(HELPER_OBJ)/tests/bench-helper-transport.o $(HELPER_LIB)
	@echo "  LINK    $(notdir $@)"
	@gcc $(HELPER_SAN) -o $@ $^ -lpthread

# Test objects are not intermediates to be deleted after linking.
.SECONDARY: $(patsubst $(TOP)/tests/unit/helper/%.c,$(HELPER_OBJ)/tests/%.o,\
	$(wildcard $(TOP)/tests/unit/helper/*.c))

-include $(shell find $(HELPER_OBJ) -name '*.d' 2>/dev/null)

helper: $(HELPER_LIB) $(HELPER_HOSTD) $(HELPER_TESTS) $(HELPER_BENCH)

# ---- kbuild compile check ------------------------------------------------
# The kernel groups of kernel-shim/sources.txt (core, hsw, swhsw) compiled
# as kernel code against Debian's bookworm 6.1 headers.  Sources are
# mirrored as symlinks so that kbuild writes its objects under
# build/helper/kbuild, never into the tree.
HELPER_KDIR = $(lastword $(sort $(wildcard /usr/src/linux-headers-6.1.*-amd64)))
HELPER_KBUILD := $(HELPER_BUILD)/kbuild
HELPER_KBUILD_DIRS := $(sort $(patsubst %/,%,$(dir $(HELPER_KERNEL_SRCS))))
HELPER_KBUILD_INPUTS := $(wildcard $(HELPER_KBUILD_DIRS:%=$(HELPER_SRC)/%/*.[ch]) \
	$(HELPER_SRC)/kbuild/*) $(HELPER_SOURCES) \
	$(TOP)/include/hw/vgt-helper-abi.h

# Records the verdict in kbuild.result (the TAP line is written from it), so
# a failure is reported by `make check` instead of stopping it, and a warm
# run does not recompile.
$(HELPER_KBUILD)/kbuild.result: $(HELPER_KBUILD_INPUTS) | $(DEPS_STAMP)
	@echo "  KBUILD  kernel-shim $(HELPER_KBUILD_DIRS) against $(notdir $(HELPER_KDIR))"
	@rm -rf $(HELPER_KBUILD) && mkdir -p $(HELPER_KBUILD)
	@for f in $(HELPER_SRC)/kbuild/*; do ln -s $$f $(HELPER_KBUILD)/; done
	@for d in $(HELPER_KBUILD_DIRS); do mkdir -p $(HELPER_KBUILD)/$$d; \
	    for f in $(HELPER_SRC)/$$d/*; do \
	    ln -s $$f $(HELPER_KBUILD)/$$d/; done; done
	@if [ -z "$(HELPER_KDIR)" ]; then \
	    echo "no /usr/src/linux-headers-6.1.*-amd64" > $(HELPER_KBUILD)/kbuild.log; \
	    echo "not ok 1 - kbuild: no 6.1 amd64 headers installed" > $@; \
	elif $(MAKE) -s -C $(HELPER_KDIR) M=$(HELPER_KBUILD) VGT_TOP=$(TOP) \
	    modules > $(HELPER_KBUILD)/kbuild.log 2>&1; then \
	    echo "ok 1 - kbuild: kernel-shim $(HELPER_KBUILD_DIRS) compile as kernel code ($(notdir $(HELPER_KDIR)))" > $@; \
	else \
	    echo "not ok 1 - kbuild of kernel-shim $(HELPER_KBUILD_DIRS) failed (see $(HELPER_KBUILD)/kbuild.log)" > $@; \
	    tail -n 20 $(HELPER_KBUILD)/kbuild.log; \
	fi

check-helper-kbuild: $(HELPER_KBUILD)/kbuild.result
	@mkdir -p $(TAP_DIR)
	@{ echo "1..1"; cat $<; } > $(TAP_DIR)/helper-kbuild.tap

# ---- tests -----------------------------------------------------------------
HELPER_RUN := $(HELPER_BUILD)/run

# suite:program pairs; each writes TAP to build/tap/helper-<suite>.tap.
HELPER_UNIT_RUNS   := core:test-helper-core swhsw:test-helper-swhsw \
	lib:test-helper-lib engine:test-helper-engine
HELPER_UNIT_RUNS   += kernel:test-helper-kernel
HELPER_UNIT_RUNS   += share:test-helper-share
HELPER_UNIT_RUNS   += switch:test-helper-switch
HELPER_UNIT_RUNS   += isolation:test-helper-isolation
HELPER_UNIT_RUNS   += preempt:test-helper-preempt
HELPER_UNIT_RUNS   += ppgtt:test-helper-ppgtt
HELPER_SOCKET_RUNS := hostd-socket:test-hostd-socket \
	hostd-sched:test-hostd-sched

# Run suites $(1); the socket ones start vgt-hostd daemons of their own.
helper_run_suites = mkdir -p $(HELPER_RUN) && for r in $(1); do \
	VGT_HOSTD=$(HELPER_HOSTD) VGT_TEST_DIR=$(HELPER_RUN) \
	$(TOP)/scripts/run-tap.sh $(TAP_DIR) $(HELPER_TAP_PREFIX)helper-$${r%%:*} \
	timeout 180 $(HELPER_BUILD)/$${r\#*:} --tap; done

check-helper-unit: $(HELPER_TESTS)
	@echo "vgt: running helper unit tests"
	@$(call helper_run_suites,$(HELPER_UNIT_RUNS))

check-helper-socket: $(HELPER_BUILD)/test-hostd-socket \
		$(HELPER_BUILD)/test-hostd-sched $(HELPER_HOSTD)
	@echo "vgt: running the vgt-hostd socket tests"
	@$(call helper_run_suites,$(HELPER_SOCKET_RUNS))

check-helper: check-helper-kbuild check-helper-unit check-helper-socket

# The device's qtests start a vgt-hostd of their own (socket transport).
check-qtest: $(HELPER_HOSTD)


CHECK_TARGETS += check-helper

.PHONY: helper check-helper check-helper-kbuild check-helper-unit \
	check-helper-socket
