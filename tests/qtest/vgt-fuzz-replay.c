/*
 * The regression run of the device fuzz targets' corpora (`make
 * check-fuzz`): every input of tests/fuzz/corpus/<target> is run, in
 * name order, through the same interpreter QEMU's fuzzer uses
 * (vgt-fuzz-ops.h), against one QEMU per target over the qtest protocol,
 * with a system reset between inputs as in the fuzzer.  An input that
 * crashes QEMU fails its test case (qtest sees QEMU die); QEMU must
 * still answer afterwards.
 *
 * Not a vgt*-test: it needs VGT_FUZZ_CORPUS (the corpus directory),
 * which mk/fuzz.mk sets.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "libqtest.h"
#include "qapi/qmp/qdict.h"
#include "vgt-fuzz-ops.h"

typedef struct ReplayCase {
    const VgtFuzzTarget *target;
    char *path;
} ReplayCase;

/* One QEMU per target, started by its first input. */
static QTestState *replay_qts[ARRAY_SIZE(vgt_fuzz_targets)];

static QTestState *replay_machine(const VgtFuzzTarget *t)
{
    size_t i = t - vgt_fuzz_targets;

    if (!replay_qts[i]) {
        replay_qts[i] = qtest_init(VGT_FUZZ_QEMU_ARGS);
    }
    return replay_qts[i];
}

static gint replay_cmp(gconstpointer a, gconstpointer b)
{
    return g_strcmp0(*(char *const *)a, *(char *const *)b);
}

static void replay_one(const void *opaque)
{
    const ReplayCase *c = opaque;
    QTestState *qts = replay_machine(c->target);
    g_autofree gchar *data = NULL;
    gsize len = 0;
    QDict *rsp;

    g_assert_true(g_file_get_contents(c->path, &data, &len, NULL));
    vgt_fuzz_run(qts, c->target, (const uint8_t *)data, len);
    /* the machine is still alive, and is reset for the next input */
    rsp = qtest_qmp(qts, "{ 'execute': 'system_reset' }");
    g_assert_true(qdict_haskey(rsp, "return"));
    qobject_unref(rsp);
    qtest_qmp_eventwait(qts, "RESET");
}

int main(int argc, char **argv)
{
    const char *corpus = getenv("VGT_FUZZ_CORPUS");
    size_t i;
    int ret;

    g_test_init(&argc, &argv, NULL);
    if (!corpus) {
        g_printerr("vgt-fuzz-replay: set VGT_FUZZ_CORPUS to the corpus "
                   "directory (tests/fuzz/corpus)\n");
        return 2;
    }
    for (i = 0; i < ARRAY_SIZE(vgt_fuzz_targets); i++) {
        const VgtFuzzTarget *t = &vgt_fuzz_targets[i];
        g_autofree char *dir = g_build_filename(corpus, t->name, NULL);
        g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
        GDir *d = g_dir_open(dir, 0, NULL);
        const char *name;
        guint j;

        /* a target without inputs is a broken tree, not a pass */
        g_assert_nonnull(d);
        while ((name = g_dir_read_name(d))) {
            g_ptr_array_add(names, g_strdup(name));
        }
        g_dir_close(d);
        g_assert_cmpuint(names->len, >, 0);
        g_ptr_array_sort(names, replay_cmp);
        for (j = 0; j < names->len; j++) {
            const char *n = g_ptr_array_index(names, j);
            ReplayCase *c = g_new0(ReplayCase, 1);
            g_autofree char *test = g_strdup_printf("/vgt/fuzz-replay/%s/%s",
                                                    t->name, n);

            c->target = t;
            c->path = g_build_filename(dir, n, NULL);
            g_test_add_data_func(test, c, replay_one);
        }
    }
    ret = g_test_run();
    for (i = 0; i < ARRAY_SIZE(replay_qts); i++) {
        if (replay_qts[i]) {
            qtest_quit(replay_qts[i]);
        }
    }
    return ret;
}
