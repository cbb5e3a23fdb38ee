/*
 * vgt's targets for QEMU's fuzzer (qemu-fuzz-x86_64 --fuzz-target=NAME,
 * built with --enable-fuzzing: mk/asan.mk).  Each input runs on the
 * machine of VGT_FUZZ_QEMU_ARGS through vgt-fuzz-ops.h's interpreter,
 * then the machine is reset for the next one.  Inputs run one after the
 * other in the same QEMU rather than in a forked child, because the
 * embedded helper's scheduler is a thread, which a forked child would not
 * have: GPU work would never run.  A crash that needs earlier inputs is
 * reproduced by replaying the corpus in order (vgt-fuzz-replay.c does).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/module.h"
#include "sysemu/runstate.h"
#include "tests/qtest/fuzz/fuzz.h"
#include "vgt-fuzz-ops.h"

/* The target QEMU was started for (the fuzz callback is not told). */
static const VgtFuzzTarget *vgt_fuzz_selected;

static GString *vgt_fuzz_cmdline(FuzzTarget *t)
{
    /* argv[0] first; fuzz.c appends the qtest options */
    vgt_fuzz_selected = t->opaque;
    return g_string_new(TARGET_NAME " " VGT_FUZZ_QEMU_ARGS
                         " -display none -accel qtest");
}

static void vgt_fuzz_one(QTestState *s, const unsigned char *data,
                         size_t size)
{
    vgt_fuzz_run(s, vgt_fuzz_selected, data, size);
    flush_events(s);
    qemu_system_reset(SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET);
    flush_events(s);
}

static void vgt_fuzz_register(void)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(vgt_fuzz_targets); i++) {
        fuzz_add_target(&(FuzzTarget) {
            .name = vgt_fuzz_targets[i].name,
            .description = vgt_fuzz_targets[i].description,
            .get_init_cmdline = vgt_fuzz_cmdline,
            .fuzz = vgt_fuzz_one,
            .opaque = (void *)&vgt_fuzz_targets[i],
        });
    }
}

fuzz_target_init(vgt_fuzz_register);
