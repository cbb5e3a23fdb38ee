/*
 * Helpers shared by the vgt qtests: QEMU's log (-D) of a test VM, and
 * QOM properties of its vgt device.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef TESTS_QTEST_VGT_QTEST_H
#define TESTS_QTEST_VGT_QTEST_H

#include "libqtest.h"
#include "qapi/qmp/qdict.h"

/* A temporary file for QEMU's -D log; unlink and g_free it afterwards. */
static inline char *vgt_qtest_log_file(const char *name)
{
    g_autofree char *tmpl = g_strdup_printf("%s-XXXXXX.log", name);
    char *path = NULL;
    int fd = g_file_open_tmp(tmpl, &path, NULL);

    g_assert_cmpint(fd, >=, 0);
    close(fd);
    return path;
}

/*
 * How many lines of the log at @path contain @needle.  A QMP round trip
 * first, so that everything QEMU did before is in the file.
 */
static inline int vgt_qtest_log_count(QTestState *qts, const char *path,
                                      const char *needle)
{
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    int i, n = 0;

    qtest_qmp_assert_success(qts, "{ 'execute': 'query-status' }");
    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    lines = g_strsplit(text, "\n", -1);
    for (i = 0; lines[i]; i++) {
        n += strstr(lines[i], needle) != NULL;
    }
    return n;
}

/* An integer QOM property of the device with id @id. */
static inline uint64_t vgt_qtest_qom_u64(QTestState *qts, const char *id,
                                         const char *prop)
{
    g_autofree char *path = g_strdup_printf("/machine/peripheral/%s", id);
    QDict *rsp;
    uint64_t v;

    rsp = qtest_qmp(qts, "{ 'execute': 'qom-get', 'arguments': "
                    "{ 'path': %s, 'property': %s } }", path, prop);
    g_assert_true(qdict_haskey(rsp, "return"));
    v = qdict_get_int(rsp, "return");
    qobject_unref(rsp);
    return v;
}

#endif
