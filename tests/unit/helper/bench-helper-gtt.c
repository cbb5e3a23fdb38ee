// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench-helper-gtt - host GTT writes per second through the embedded and
 * the socket (vgt-hostd) transports, side by side, with their ratio.
 *
 * Each transport is measured for about a second per shape: one entry per
 * call (what a trapped guest GTT write costs today) and full batches of
 * VGT_GTT_WRITE_MAX entries (what coalescing could buy).  Every write goes
 * through the whole validation path into the software Haswell's GTT.
 */
#define _GNU_SOURCE
#include <glib.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "hw/vgt.h"
#include "hw/vgt-host-ops.h"
#include "hostd-spawn.h"
#include "core/vgt-compat.h"

#define RAM_SIZE (16ull << 20)
#define SECONDS 1.0

struct result {
    double single;              /* entries per second, one per call */
    double batch;               /* entries per second, full batches */
};

static int make_ram(void **map)
{
    int fd = memfd_create("vgt-bench-ram", MFD_CLOEXEC | MFD_ALLOW_SEALING);

    if (fd < 0 || ftruncate(fd, RAM_SIZE) ||
        fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW)) {
        g_error("memfd: %s", g_strerror(errno));
    }
    *map = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (*map == MAP_FAILED) {
        g_error("mmap: %s", g_strerror(errno));
    }
    return fd;
}

static double run(const struct vgt_host_ops *ops, struct vgt_conn *c,
          const struct vgt_instance_info *info, uint32_t per_call)
{
    struct vgt_gtt_entry e[VGT_GTT_WRITE_MAX];
    uint32_t first = info->mappable_base >> 12;
    uint32_t pages = info->mappable_size >> 12;
    uint64_t frames = RAM_SIZE >> 12, done = 0, i = 0;
    gint64 start = g_get_monotonic_time(), now;

    do {
        for (int k = 0; k < 64; k++) {
            for (uint32_t j = 0; j < per_call; j++, i++) {
                e[j] = (struct vgt_gtt_entry){
                    first + (uint32_t)(i % pages),
                    VGT_PTE_VALID, i % frames };
            }
            if (ops->gtt_write(c, e, per_call, NULL)) {
                g_error("%s: gtt_write failed", ops->name);
            }
            done += per_call;
        }
        now = g_get_monotonic_time();
    } while (now - start < SECONDS * G_USEC_PER_SEC);
    return done / ((now - start) / (double)G_USEC_PER_SEC);
}

static struct result measure(const struct vgt_host_ops *ops, const char *path)
{
    struct vgt_create_req req = {
        VGT_DEFAULT_MAPPABLE_SIZE, VGT_DEFAULT_NONMAPPABLE_SIZE,
        VGT_DEFAULT_FENCE_NUM, 0,
    };
    struct vgt_instance_info info;
    struct vgt_mem_region r = { .gpa = 0, .size = RAM_SIZE };
    struct vgt_conn *c;
    struct result res;
    void *ram;
    int fd = make_ram(&ram), err;

    err = ops->connect(path, &c);
    if (!err) {
        err = ops->create(c, &req, &info);
    }
    r.fd = fd;
    r.hva = (uintptr_t)ram;
    if (!err) {
        err = ops->mem_register(c, &r);
    }
    if (err) {
        g_error("%s: setup failed: %s", ops->name, vgt_strerror(err));
    }
    res.single = run(ops, c, &info, 1);
    res.batch = run(ops, c, &info, VGT_GTT_WRITE_MAX);
    ops->disconnect(c);
    munmap(ram, RAM_SIZE);
    close(fd);
    return res;
}

static void fmt_rate(char *buf, size_t len, double v)
{
    if (v >= 1e6) {
        snprintf(buf, len, "%.2f M/s", v / 1e6);
    } else {
        snprintf(buf, len, "%.1f k/s", v / 1e3);
    }
}

int main(void)
{
    const char *bin = g_getenv("VGT_HOSTD");
    const char *dir = g_getenv("VGT_TEST_DIR");
    char path[108], a[32], b[32];
    struct result emb, sock;
    int status;
    pid_t pid;

    if (!bin) {
        g_error("set VGT_HOSTD to the vgt-hostd binary");
    }
    vgt_log_level = -1;
    snprintf(path, sizeof(path), "%s/bench-%d.sock", dir ? dir : "/tmp",
         (int)getpid());
    emb = measure(&vgt_host_embedded_ops, NULL);
    pid = vgt_test_hostd_spawn(bin, path);
    sock = measure(&vgt_host_socket_ops, path);
    kill(pid, SIGTERM);
    waitpid(pid, &status, 0);

    printf("vgt helper: host GTT writes per second (software Haswell, "
           "validated, %.0f s each)\n", SECONDS);
    printf("  %-22s %16s %16s\n", "", "embedded", "socket");
    fmt_rate(a, sizeof(a), emb.single);
    fmt_rate(b, sizeof(b), sock.single);
    printf("  %-22s %16s %16s   embedded/socket = %.0fx\n",
           "1 entry per call", a, b, emb.single / sock.single);
    fmt_rate(a, sizeof(a), emb.batch);
    fmt_rate(b, sizeof(b), sock.batch);
    printf("  %-22s %16s %16s   embedded/socket = %.1fx\n",
           "128 entries per call", a, b, emb.batch / sock.batch);
    return 0;
}
