/*
 * Helpers shared by the vgt qtests: QEMU's log (-D) of a test VM, and
 * QOM properties of its vgt device.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef TESTS_QTEST_VGT_QTEST_H
#define TESTS_QTEST_VGT_QTEST_H

#include <sys/prctl.h>
#include <sys/wait.h>
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

/* A vgt-hostd of a test's own (the binary from make: VGT_HOSTD). */
typedef struct VgtQtestHostd {
    GPid pid;
    char *dir;
    char *socket;
} VgtQtestHostd;

/* The daemon goes when the test goes, even if an assertion kills it. */
static inline void vgt_qtest_hostd_child_setup(gpointer unused)
{
    prctl(PR_SET_PDEATHSIG, SIGTERM);
}

/* Start one; false (nothing started) when VGT_HOSTD is not set. */
static inline bool vgt_qtest_hostd_start(VgtQtestHostd *h)
{
    const char *bin = g_getenv("VGT_HOSTD");
    const char *argv[4];
    int i;

    if (!bin) {
        return false;
    }
    h->dir = g_dir_make_tmp("vgt-hostd-XXXXXX", NULL);
    g_assert_nonnull(h->dir);
    h->socket = g_build_filename(h->dir, "vgt.sock", NULL);
    argv[0] = bin;
    argv[1] = "--socket";
    argv[2] = h->socket;
    argv[3] = NULL;
    g_assert_true(g_spawn_async(NULL, (char **)argv, NULL,
                                G_SPAWN_DO_NOT_REAP_CHILD |
                                G_SPAWN_STDOUT_TO_DEV_NULL |
                                G_SPAWN_STDERR_TO_DEV_NULL,
                                vgt_qtest_hostd_child_setup, NULL,
                                &h->pid, NULL));
    for (i = 0; i < 500 && !g_file_test(h->socket, G_FILE_TEST_EXISTS);
         i++) {
        g_usleep(10 * 1000);
    }
    g_assert_true(g_file_test(h->socket, G_FILE_TEST_EXISTS));
    return true;
}

static inline bool vgt_qtest_hostd_alive(VgtQtestHostd *h)
{
    return waitpid(h->pid, NULL, WNOHANG) == 0;
}

/* SIGTERM: the daemon must shut down cleanly (exit status 0). */
static inline void vgt_qtest_hostd_stop(VgtQtestHostd *h)
{
    int status;

    kill(h->pid, SIGTERM);
    g_assert_cmpint(waitpid(h->pid, &status, 0), ==, h->pid);
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 0);
    g_spawn_close_pid(h->pid);
    unlink(h->socket);
    rmdir(h->dir);
    g_free(h->socket);
    g_free(h->dir);
}

#endif
