// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench-helper-transport - one helper transport, as a client of
 * libvgt-helper.a alone (libc and pthreads, no GLib):
 *
 *   bench-helper-transport [-t SECONDS] [-n ITERATIONS] embedded
 *   bench-helper-transport [...] socket PATH      (a running vgt-hostd)
 *   bench-helper-transport [...] socket           (starts $VGT_HOSTD on a
 *                                                  socket in $VGT_TEST_DIR)
 *   bench-helper-transport [...] kernel [PATH]    (/dev/vgt of vgt.ko)
 *
 * Measures validated host GTT writes per second (one entry per call, and
 * full batches of VGT_GTT_WRITE_MAX) for SECONDS each, then the round trip
 * of a tiny workload ITERATIONS times: MI_STORE_DATA_IMM of a sequence
 * number and MI_USER_INTERRUPT in the shadow area, submitted on the
 * blitter, until its COMPLETE event arrives (poll on event_fd).  Prints
 * one line per metric:
 *
 *   transport=kernel metric=gtt_write_1 value=123456 unit=entries/s
 *
 * Guest memory is the bench's own: anonymous memory for embedded and
 * kernel (registered by address; the module pins it), a sealed memfd for
 * socket (vgt-hostd maps the descriptor).  Exit status 0 when every
 * workload completed and wrote its number, 1 otherwise, 2 on usage errors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "hw/vgt-host-ops.h"

#define RAM_SIZE        (16u << 20)
#define MAPPABLE        (64ull << 20)
#define TARGET_OFF      0x40u       /* in the first mapped page */
#define HWS_PGA_BCS     0x4280u
#define WAIT_MS         5000

static const char *tname;

static void die(const char *what, int err)
{
    fprintf(stderr, "bench-helper-transport: %s: %s: %s\n", tname, what,
            vgt_strerror(err));
    exit(1);
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void metric(const char *name, double value, const char *unit)
{
    printf("transport=%s metric=%s value=%.*f unit=%s\n", tname, name,
           value < 100 ? 2 : 0, value, unit);
    fflush(stdout);
}

/* Guest RAM of our own; *fd the sealed memfd for socket, else -1. */
static void *make_ram(int want_fd, int *fd)
{
    void *p;

    *fd = -1;
    if (!want_fd) {
        p = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    } else {
        *fd = memfd_create("vgt-bench-ram", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        if (*fd < 0 || ftruncate(*fd, RAM_SIZE) ||
            fcntl(*fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW)) {
            perror("memfd");
            exit(1);
        }
        p = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, *fd, 0);
    }
    if (p == MAP_FAILED) {
        perror("mmap");
        exit(1);
    }
    return p;
}

static double gtt_rate(const struct vgt_host_ops *ops, struct vgt_conn *c,
                       const struct vgt_instance_info *info,
                       uint32_t per_call, double seconds)
{
    struct vgt_gtt_entry e[VGT_GTT_WRITE_MAX];
    uint32_t first = info->mappable_base >> 12;
    uint32_t pages = info->mappable_size >> 12;
    uint64_t frames = RAM_SIZE >> 12, done = 0, i = 0;
    double start = now_s(), t;
    int err;

    do {
        for (int k = 0; k < 64; k++) {
            for (uint32_t j = 0; j < per_call; j++, i++) {
                e[j].index = first + (uint32_t)(i % pages);
                e[j].flags = VGT_PTE_VALID;
                e[j].gfn = i % frames;
            }
            err = ops->gtt_write(c, e, per_call, NULL);
            if (err) {
                die("gtt_write", err);
            }
            done += per_call;
        }
        t = now_s();
    } while (t - start < seconds);
    return done / (t - start);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

/* Wait for workload @id's COMPLETE; 0, or -1 on a timeout or a fault. */
static int wait_complete(const struct vgt_host_ops *ops, struct vgt_conn *c,
                         uint64_t id, int *irqs)
{
    struct vgt_event ev[VGT_EVENT_READ_MAX];
    struct pollfd p = { .fd = ops->event_fd(c), .events = POLLIN };
    int n, bad = 0;

    for (;;) {
        n = ops->events_read(c, ev, VGT_EVENT_READ_MAX);
        if (n < 0) {
            die("events_read", n);
        }
        for (int i = 0; i < n; i++) {
            if (ev[i].type == VGT_EVENT_USER_IRQ) {
                (*irqs)++;
            } else if (ev[i].type == VGT_EVENT_FAULT ||
                       ev[i].type == VGT_EVENT_HANG) {
                bad = 1;
            } else if (ev[i].type == VGT_EVENT_COMPLETE && ev[i].data == id) {
                return bad ? -1 : 0;
            }
        }
        if (n) {
            continue;       /* drain before sleeping */
        }
        n = poll(&p, 1, WAIT_MS);
        if (n == 0) {
            fprintf(stderr, "bench-helper-transport: %s: workload %llu: "
                    "no completion in %d ms\n", tname,
                    (unsigned long long)id, WAIT_MS);
            return -1;
        }
        if (n < 0 && errno != EINTR) {
            perror("poll");
            return -1;
        }
    }
}

static int submit_rtt(const struct vgt_host_ops *ops, struct vgt_conn *c,
                      const struct vgt_instance_info *info, uint8_t *ram,
                      int iterations)
{
    struct vgt_shadow_info sh;
    struct vgt_workload wl;
    double *lat = calloc(iterations, sizeof(*lat));
    /* written by the helper (another thread or process), read here */
    volatile uint32_t *target = (volatile uint32_t *)(ram + TARGET_OFF);
    uint32_t *dw;
    int irqs = 0, fails = 0, err;

    if (!lat) {
        return 1;
    }
    err = ops->shadow_map(c, &sh);
    if (err) {
        die("shadow_map", err);
    }
    dw = (uint32_t *)(uintptr_t)sh.hva;
    memset(&wl, 0, sizeof(wl));
    wl.start = sh.gm_addr;
    wl.length = 6 * 4;
    wl.engine = VGT_ENGINE_BCS;
    wl.nr_regs = 1;
    wl.regs[0].offset = HWS_PGA_BCS;
    wl.regs[0].value = (uint32_t)info->mappable_base;
    for (int i = 0; i < iterations; i++) {
        uint32_t seq = 0x5e000000u + i;
        double t0;

        /* the previous one completed: its bytes may be rewritten */
        dw[0] = 0x10400002;             /* MI_STORE_DATA_IMM, GGTT */
        dw[1] = 0;
        dw[2] = (uint32_t)info->mappable_base + TARGET_OFF;
        dw[3] = seq;
        dw[4] = 0x01000000;             /* MI_USER_INTERRUPT */
        dw[5] = 0;                      /* MI_NOOP */
        wl.id = i + 1;
        t0 = now_s();
        err = ops->submit(c, &wl);
        if (err) {
            die("submit", err);
        }
        if (wait_complete(ops, c, wl.id, &irqs)) {
            fails++;
        }
        lat[i] = (now_s() - t0) * 1e6;
        if (*target != seq) {
            fails++;
        }
    }
    qsort(lat, iterations, sizeof(*lat), cmp_double);
    metric("submit_rtt_median", lat[iterations / 2], "us");
    metric("submit_rtt_p99", lat[(iterations * 99) / 100 < iterations ?
                                 (iterations * 99) / 100 :
                                 iterations - 1], "us");
    metric("submit_rtt_max", lat[iterations - 1], "us");
    free(lat);
    if (fails || irqs != iterations) {
        fprintf(stderr, "bench-helper-transport: %s: %d of %d workloads "
                "failed, %d user interrupts\n", tname, fails, iterations,
                irqs);
        return 1;
    }
    return 0;
}

/* A vgt-hostd of our own on @sock (its stderr in @sock.log). */
static pid_t hostd_spawn(const char *bin, const char *sock)
{
    char log[4096 + 8];
    struct stat st;
    pid_t pid;
    int fd;

    snprintf(log, sizeof(log), "%s.log", sock);
    pid = fork();
    if (pid < 0) {
        perror("fork");
        exit(1);
    }
    if (!pid) {
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd >= 0) {
            dup2(fd, STDERR_FILENO);
        }
        execl(bin, bin, "--socket", sock, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 500; i++) {
        if (!stat(sock, &st) && S_ISSOCK(st.st_mode)) {
            return pid;
        }
        usleep(10000);
    }
    fprintf(stderr, "bench-helper-transport: %s did not create %s; see %s\n",
            bin, sock, log);
    exit(1);
}

static void usage(void)
{
    fprintf(stderr, "usage: bench-helper-transport [-t SECONDS] "
            "[-n ITERATIONS] embedded | socket [PATH] | kernel [PATH]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    const struct vgt_host_ops *ops;
    struct vgt_create_req req = { MAPPABLE, 0, 1, 0 };
    struct vgt_instance_info info;
    struct vgt_mem_region r;
    struct vgt_gtt_entry e;
    struct vgt_conn *c;
    const char *path = NULL;
    char sock[4096];
    pid_t hostd = 0;
    double seconds = 1.0;
    int iterations = 1000, opt, fd, err, ret;
    uint8_t *ram;

    while ((opt = getopt(argc, argv, "t:n:")) != -1) {
        if (opt == 't') {
            seconds = atof(optarg);
        } else if (opt == 'n') {
            iterations = atoi(optarg);
        } else {
            usage();
        }
    }
    if (optind >= argc || iterations < 1 || seconds <= 0) {
        usage();
    }
    tname = argv[optind];
    if (!strcmp(tname, "embedded") && argc - optind == 1) {
        ops = &vgt_host_embedded_ops;
    } else if (!strcmp(tname, "socket") && argc - optind <= 2) {
        ops = &vgt_host_socket_ops;
        path = argv[optind + 1];
        if (!path) {
            const char *bin = getenv("VGT_HOSTD");
            const char *dir = getenv("VGT_TEST_DIR");

            if (!bin) {
                fprintf(stderr, "bench-helper-transport: socket without a "
                        "PATH starts $VGT_HOSTD, which is not set\n");
                return 2;
            }
            snprintf(sock, sizeof(sock), "%s/bench-transport-%d.sock",
                     dir ? dir : "/tmp", (int)getpid());
            hostd = hostd_spawn(bin, sock);
            path = sock;
        }
    } else if (!strcmp(tname, "kernel") && argc - optind <= 2) {
        ops = &vgt_host_kernel_ops;
        path = argc - optind == 2 ? argv[optind + 1] : VGT_KERNEL_DEVICE;
    } else {
        usage();
    }
    vgt_log_level = 0;

    ram = make_ram(ops == &vgt_host_socket_ops, &fd);
    errno = 0;
    err = ops->connect(path, &c);
    if (err) {
        fprintf(stderr, "bench-helper-transport: %s: cannot connect to "
                "%s: %s%s%s\n", tname, path ? path : "the embedded helper",
                vgt_strerror(err), errno ? ": " : "",
                errno ? strerror(errno) : "");
        return 1;
    }
    err = ops->create(c, &req, &info);
    if (err) {
        die("create", err);
    }
    memset(&r, 0, sizeof(r));
    r.gpa = 0;
    r.size = RAM_SIZE;
    r.hva = (uintptr_t)ram;
    r.fd = fd;
    err = ops->mem_register(c, &r);
    if (err) {
        die("mem_register", err);
    }

    metric("gtt_write_1", gtt_rate(ops, c, &info, 1, seconds), "entries/s");
    metric("gtt_write_batch", gtt_rate(ops, c, &info, VGT_GTT_WRITE_MAX,
                                     seconds), "entries/s");

    /* the first mappable page is guest frame 0: where the numbers go */
    e.index = info.mappable_base >> 12;
    e.flags = VGT_PTE_VALID;
    e.gfn = 0;
    err = ops->gtt_write(c, &e, 1, NULL);
    if (err) {
        die("gtt_write", err);
    }
    ret = submit_rtt(ops, c, &info, ram, iterations);

    ops->disconnect(c);
    munmap(ram, RAM_SIZE);
    if (fd >= 0) {
        close(fd);
    }
    if (hostd > 0) {
        kill(hostd, SIGTERM);
        waitpid(hostd, NULL, 0);
        unlink(sock);
    }
    return ret;
}
