/*
 * Starting a vgt-hostd of a test's or benchmark's own.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef TESTS_UNIT_HELPER_HOSTD_SPAWN_H
#define TESTS_UNIT_HELPER_HOSTD_SPAWN_H

#include <glib.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/stat.h>

/*
 * Run @bin --socket @sock_path and return its pid once the socket is
 * there (g_error after 5 s).  The daemon's stderr goes to
 * <sock_path>.log, not into the TAP stream; it gets SIGTERM when the
 * caller dies, so a failed test leaves no daemon behind.
 */
static inline pid_t vgt_test_hostd_spawn(const char *bin,
                                         const char *sock_path)
{
    pid_t pid = fork();

    if (pid < 0) {
        g_error("fork for vgt-hostd: %s", g_strerror(errno));
    }
    if (!pid) {
        char log[PATH_MAX];
        int fd;

        prctl(PR_SET_PDEATHSIG, SIGTERM);
        snprintf(log, sizeof(log), "%s.log", sock_path);
        fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd >= 0) {
            dup2(fd, STDERR_FILENO);
        }
        fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
        if (fd >= 0) {
            dup2(fd, STDOUT_FILENO);
        }
        execl(bin, bin, "--socket", sock_path, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 500; i++) {
        struct stat st;

        if (!stat(sock_path, &st) && S_ISSOCK(st.st_mode)) {
            return pid;
        }
        g_usleep(10000);
    }
    g_error("vgt-hostd (%s) did not create %s; see %s.log", bin, sock_path,
            sock_path);
}

#endif
