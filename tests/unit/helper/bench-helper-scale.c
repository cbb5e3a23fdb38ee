// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench-helper-scale - N = 1, 2, 4, 8, 16, 32 instances at XenGT's default
 * partition (64 MiB mappable + 448 MiB non-mappable GM, 4 fences; more
 * than 3 of them share GM slots and take turns having their GTT entries
 * loaded), weights 1, 2, 3, 4 repeating, every one keeping blit workloads
 * (bench-helper-cs's: tests/qtest/vgt-blit-workload.h) queued on the BCS
 * from a thread of its own.  For each N, in a fixed window once all are
 * backlogged (3 s, N/8 times that above 8: 4 ms slices):
 *   aggregate workloads per second, and relative to N = 1;
 *   the same per CPU second of the helper's scheduler thread (what the
 *   helper makes of the CPU it gets: on a host shared with other work
 *   the wall-clock figure is mostly the host's);
 *   engine time per workload (the software Haswell's work itself);
 *   each instance's engine-time share (the helper's accounting) over its
 *   weight's share, min and max;
 *   context switches and GTT swaps per second, their mean cost, entries
 *   written per swap, engine busy and switch + swap time as fractions of
 *   the window;
 *   CPU used by the scheduler thread, the clients and helper, vgt-hostd,
 *   and everything else on the host.
 * Through vgt-hostd (socket clients) and embedded in-process, side by
 * side; then the limits; with --plot, a PNG (gnuplot) of the
 * aggregate throughput and the switch and swap costs against N.
 *
 *   bench-helper-scale [--window S] [--small] [--socket-only]
 *                      [--plot FILE.png]
 *
 * --small: 8 MiB mappable and nothing else per instance (a helper without
 * shared slots fits 15 of them).  An N whose instances cannot all be
 * created is reported as such, and the others still run.
 * $VGT_HOSTD is the daemon, $VGT_TEST_DIR holds its socket.
 */
#define _GNU_SOURCE
#include "../../qtest/vgt-blit-workload.h"
#include <glib.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "hw/vgt.h"
#include "hw/vgt-host-ops.h"
#include "hostd-spawn.h"
#include "hsw/hsw-regs.h"
#include "core/vgt-gpu.h"

#define RAM_SIZE        (4u << 20)
#define DEPTH           48u             /* workloads in flight per VM */
#define SLOT            512u            /* shadow bytes per workload */
#define WARMUP_US       300000
#define MAX_VMS         32

static const int ns[] = { 1, 2, 4, 8, 16, 32 };
#define NR_NS           ((int)G_N_ELEMENTS(ns))

struct vm {
    const struct vgt_host_ops *ops;
    struct vgt_conn *c;
    struct vgt_instance_info info;
    struct vgt_shadow_info sh;
    int memfd;
    guint8 *ram;
    int k;
    guint32 weight;
    GThread *thread;
    pid_t tid;                  /* of the thread */
    gint64 t0, t1;              /* window (monotonic us) */
    guint64 next, done, done0, done1;
    struct vgt_sched_stats s0, s1;
};

/* One N on one transport. */
struct row {
    bool ran;
    char why[160];              /* why not */
    double wl_s, busy, ovh;     /* workloads/s; fractions of the window */
    double share_min, share_max;        /* share / weight's share */
    double switch_s, swap_s, switch_us, swap_us, entries;
    guint64 underruns;
    double cpu, hostd_cpu;      /* CPU cores used: all (clients + daemon) */
    double other_cpu;           /* ... and by everything else on the host */
    double sched_cpu;           /* ... by the helper's scheduler thread */
    double wl_sched_s;          /* workloads per CPU second of that thread */
    double wl_us;               /* engine time per workload */
    int tries;
};

static double window_s = 3.0;
static pid_t hostd_pid;         /* while the socket runs */
static struct vgt_create_req req = {
    VGT_DEFAULT_MAPPABLE_SIZE, VGT_DEFAULT_NONMAPPABLE_SIZE,
    VGT_DEFAULT_FENCE_NUM, 0
};

static int vm_up(struct vm *v, const struct vgt_host_ops *ops,
                 const char *path, int k)
{
    struct vgt_mem_region r = { .gpa = 0, .size = RAM_SIZE };
    struct vgt_gtt_entry e[VGT_GTT_WRITE_MAX];
    int err;

    memset(v, 0, sizeof(*v));
    v->ops = ops;
    v->k = k;
    v->weight = 1 + k % 4;
    v->memfd = memfd_create("vgt-bench-ram", MFD_CLOEXEC |
                            MFD_ALLOW_SEALING);
    if (v->memfd < 0 || ftruncate(v->memfd, RAM_SIZE) ||
        fcntl(v->memfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW)) {
        g_error("memfd");
    }
    v->ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
                  v->memfd, 0);
    if (v->ram == MAP_FAILED) {
        g_error("mmap");
    }
    err = ops->connect(path, &v->c);
    if (err) {
        v->c = NULL;
        return err;
    }
    err = ops->create(v->c, &req, &v->info);
    r.fd = v->memfd;
    r.hva = (uintptr_t)v->ram;
    if (!err) {
        err = ops->mem_register(v->c, &r);
    }
    for (guint32 i = 0; !err && i < RAM_SIZE / 4096;
         i += VGT_GTT_WRITE_MAX) {
        guint32 n = MIN(VGT_GTT_WRITE_MAX, RAM_SIZE / 4096 - i);

        for (guint32 j = 0; j < n; j++) {
            e[j] = (struct vgt_gtt_entry){
                (guint32)(v->info.mappable_base >> 12) + i + j,
                VGT_PTE_VALID, i + j };
        }
        err = ops->gtt_write(v->c, e, n, NULL);
    }
    if (!err) {
        err = ops->shadow_map(v->c, &v->sh);
    }
    if (!err) {
        err = ops->set_weight(v->c, v->weight);
    }
    return err;
}

static void vm_down(struct vm *v)
{
    if (v->c) {
        v->ops->disconnect(v->c);
    }
    munmap(v->ram, RAM_SIZE);
    close(v->memfd);
}

static void vm_submit(struct vm *v)
{
    guint64 id = v->next + 1;
    guint32 off = (guint32)(id % (VGT_SHADOW_SIZE / SLOT)) * SLOT;
    guint32 *dw = (guint32 *)((guint8 *)(uintptr_t)v->sh.hva + off);
    struct vgt_workload wl = { 0 };
    int err;

    wl.id = id;
    wl.length = vgt_blit_workload(dw, (guint32)v->info.mappable_base,
                                  (guint32)id) * 4;
    wl.start = v->sh.gm_addr + off;
    wl.engine = VGT_ENGINE_BCS;
    wl.nr_regs = 1;
    wl.regs[0].offset = HWS_PGA_BCS;
    wl.regs[0].value = (guint32)v->info.mappable_base;
    err = v->ops->submit(v->c, &wl);
    if (err) {
        g_error("%s vm %d: submit: %s", v->ops->name, v->k,
                vgt_strerror(err));
    }
    v->next = id;
}

static void vm_events(struct vm *v, int timeout_ms)
{
    struct pollfd p = { .fd = v->ops->event_fd(v->c), .events = POLLIN };
    struct vgt_event ev[VGT_EVENT_READ_MAX];
    int n;

    if (poll(&p, 1, timeout_ms) <= 0) {
        return;
    }
    while ((n = v->ops->events_read(v->c, ev, VGT_EVENT_READ_MAX)) > 0) {
        for (int i = 0; i < n; i++) {
            if (ev[i].type == VGT_EVENT_COMPLETE) {
                if (ev[i].data != v->done + 1) {
                    g_error("%s vm %d: completion %llu out of order",
                            v->ops->name, v->k,
                            (unsigned long long)ev[i].data);
                }
                v->done = ev[i].data;
            } else if (ev[i].type != VGT_EVENT_USER_IRQ) {
                g_error("%s vm %d: workload failed (event %u)",
                        v->ops->name, v->k, ev[i].type);
            }
        }
    }
    if (n < 0) {
        g_error("%s vm %d: events_read: %s", v->ops->name, v->k,
                vgt_strerror(n));
    }
}

static void vm_stats(struct vm *v, struct vgt_sched_stats *s)
{
    int err = v->ops->sched_stats(v->c, s);

    if (err) {
        g_error("%s vm %d: sched_stats: %s", v->ops->name, v->k,
                vgt_strerror(err));
    }
}

/* Keep DEPTH workloads queued until t1, then drain. */
static gpointer vm_main(gpointer opaque)
{
    struct vm *v = opaque;
    bool in_window = false;
    gint64 drain_end;
    guint32 got;

    g_atomic_int_set(&v->tid, gettid());
    for (;;) {
        gint64 now = g_get_monotonic_time();

        if (!in_window && now >= v->t0) {
            vm_stats(v, &v->s0);
            v->done0 = v->done;
            in_window = true;
        }
        if (now >= v->t1) {
            vm_stats(v, &v->s1);
            v->done1 = v->done;
            break;
        }
        while (v->next - v->done < DEPTH) {
            vm_submit(v);
        }
        vm_events(v, 20);
    }
    drain_end = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;
    while (v->done < v->next && g_get_monotonic_time() < drain_end) {
        vm_events(v, 100);
    }
    if (v->done < v->next) {
        g_error("%s vm %d: workloads never completed", v->ops->name, v->k);
    }
    /* Its own memory holds its own last result. */
    memcpy(&got, v->ram + 0x100, 4);
    if (got != (guint32)v->next) {
        g_error("%s vm %d: seqno %u, want %u", v->ops->name, v->k, got,
                (guint32)v->next);
    }
    memcpy(&got, v->ram + VGT_BLIT_LIN_OFF, 4);
    if (got != (0xff000000 | (guint32)v->next)) {
        g_error("%s vm %d: pixel %08x, want %08x", v->ops->name, v->k, got,
                0xff000000 | (guint32)v->next);
    }
    return NULL;
}

/* CPU seconds used by this process (clients; embedded: the helper too). */
static double self_cpu_s(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
           (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* ... and by the daemon (clock ticks: coarse, fine over a window). */
static double hostd_cpu_s(void)
{
    char path[64], *buf = NULL, *p;
    unsigned long ut = 0, st = 0;

    if (!hostd_pid) {
        return 0;
    }
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)hostd_pid);
    if (!g_file_get_contents(path, &buf, NULL, NULL)) {
        return 0;
    }
    /* after "(comm) ": state is field 3, utime 14, stime 15 */
    p = strrchr(buf, ')');
    if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
                     "%lu %lu", &ut, &st) != 2) {
        ut = st = 0;
    }
    g_free(buf);
    return (ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* CPU seconds all CPUs were busy (/proc/stat: all but idle and iowait). */
static double host_busy_s(void)
{
    unsigned long long v[8] = { 0 };
    FILE *f = fopen("/proc/stat", "r");
    int n;

    if (!f) {
        return 0;
    }
    n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0],
               &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]);
    fclose(f);
    if (n < 5) {
        return 0;
    }
    return (v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) /
           (double)sysconf(_SC_CLK_TCK);
}

/*
 * CPU seconds used by the helper's scheduler thread: every thread of @pid but
 * the main one and the @n @skip (the clients'); the helper starts no
 * other (kernel-shim/user/vgt-sched-thread.c).  From schedstat: exact.
 */
static double sched_thread_s(pid_t pid, const struct vm *skip, int n)
{
    char path[64];
    const char *name;
    double sum = 0;
    GDir *d;

    snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
    d = g_dir_open(path, 0, NULL);
    if (!d) {
        return 0;
    }
    while ((name = g_dir_read_name(d))) {
        pid_t tid = atoi(name);
        char file[96], *buf = NULL;
        bool client = tid == pid;

        for (int k = 0; k < n && !client; k++) {
            client = g_atomic_int_get(&skip[k].tid) == tid;
        }
        if (client) {
            continue;
        }
        snprintf(file, sizeof(file), "%s/%s/schedstat", path, name);
        if (g_file_get_contents(file, &buf, NULL, NULL)) {
            sum += g_ascii_strtoull(buf, NULL, 10) / 1e9;
            g_free(buf);
        }
    }
    g_dir_close(d);
    return sum;
}

static void sleep_until(gint64 t)
{
    gint64 now = g_get_monotonic_time();

    if (t > now) {
        g_usleep(t - now);
    }
}

/*
 * The window for @n instances: longer above 8, so that a weight-1
 * instance (1/80 of the engine at 32) still gets tens of slices.
 */
static double window_of(int n)
{
    return window_s * MAX(1, n / 8);
}

static void run_n(const struct vgt_host_ops *ops, const char *path, int n,
                  struct row *row)
{
    double self0, self1, hostd0, hostd1, host0, host1, sched0, sched1;
    double win = window_of(n);
    pid_t sched_pid = hostd_pid ? hostd_pid : getpid();
    struct vm *vm = g_new0(struct vm, n);
    double total_busy = 0, total_w = 0, done = 0;
    double switches = 0, switch_ns = 0, swaps = 0, swap_ns = 0;
    double entries = 0;
    gint64 start;
    int up, err = 0;

    memset(row, 0, sizeof(*row));
    for (up = 0; up < n; up++) {
        err = vm_up(&vm[up], ops, path, up);
        if (err) {
            snprintf(row->why, sizeof(row->why),
                     "instance %d of %d: %s", up + 1, n, vgt_strerror(err));
            up++;
            break;
        }
    }
    if (err) {
        for (int k = 0; k < up; k++) {
            vm_down(&vm[k]);
        }
        g_free(vm);
        return;
    }
    start = g_get_monotonic_time();
    for (int k = 0; k < n; k++) {
        vm[k].t0 = start + WARMUP_US;
        vm[k].t1 = vm[k].t0 + (gint64)(win * G_USEC_PER_SEC);
        vm[k].thread = g_thread_new("vm", vm_main, &vm[k]);
    }
    sleep_until(vm[0].t0);
    self0 = self_cpu_s();
    hostd0 = hostd_cpu_s();
    host0 = host_busy_s();
    sched0 = sched_thread_s(sched_pid, vm, n);
    sleep_until(vm[0].t1);
    sched1 = sched_thread_s(sched_pid, vm, n);
    self1 = self_cpu_s();
    hostd1 = hostd_cpu_s();
    host1 = host_busy_s();
    for (int k = 0; k < n; k++) {
        g_thread_join(vm[k].thread);
    }
    row->hostd_cpu = (hostd1 - hostd0) / win;
    row->cpu = (self1 - self0) / win + row->hostd_cpu;
    row->other_cpu = MAX(0, (host1 - host0) / win - row->cpu);
    row->sched_cpu = (sched1 - sched0) / win;
    for (int k = 0; k < n; k++) {
        struct vm *v = &vm[k];

        total_busy += v->s1.busy_ns[VGT_ENGINE_BCS] -
                      v->s0.busy_ns[VGT_ENGINE_BCS];
        total_w += v->weight;
        done += v->done1 - v->done0;
        switches += v->s1.switches - v->s0.switches;
        switch_ns += v->s1.switch_ns - v->s0.switch_ns;
        swaps += v->s1.gtt_swaps - v->s0.gtt_swaps;
        swap_ns += v->s1.gtt_swap_ns - v->s0.gtt_swap_ns;
        entries += v->s1.gtt_swap_entries - v->s0.gtt_swap_entries;
        row->underruns += v->s1.underruns - v->s0.underruns;
    }
    row->share_min = INFINITY;
    row->share_max = 0;
    for (int k = 0; k < n; k++) {
        struct vm *v = &vm[k];
        double share = (v->s1.busy_ns[VGT_ENGINE_BCS] -
                        v->s0.busy_ns[VGT_ENGINE_BCS]) / total_busy;
        double r = share / (v->weight / total_w);

        row->share_min = MIN(row->share_min, r);
        row->share_max = MAX(row->share_max, r);
    }
    row->ran = true;
    row->wl_s = done / win;
    row->wl_us = done ? total_busy / done / 1e3 : 0;
    row->wl_sched_s = sched1 > sched0 ? done / (sched1 - sched0) : 0;
    row->busy = total_busy / (win * 1e9);
    row->ovh = (switch_ns + swap_ns) / (win * 1e9);
    row->switch_s = switches / win;
    row->swap_s = swaps / win;
    row->switch_us = switches ? switch_ns / switches / 1e3 : 0;
    row->swap_us = swaps ? swap_ns / swaps / 1e3 : 0;
    row->entries = swaps ? entries / swaps : 0;
    for (int k = 0; k < n; k++) {
        vm_down(&vm[k]);
    }
    g_free(vm);
}

/*
 * Shares are the scheduler's only while every queue stays backlogged; a
 * client thread starved by the host lets its queue run dry.  Then the N
 * is measured again, three times at most.
 */
static void run_row(const struct vgt_host_ops *ops, const char *path, int n,
                    struct row *row)
{
    for (int t = 1; t <= 3; t++) {
        run_n(ops, path, n, row);
        row->tries = t;
        if (!row->ran || !row->underruns) {
            break;
        }
    }
}

static double worst_dev(const struct row *r)
{
    return 100 * MAX(1 - r->share_min, r->share_max - 1);
}

static void print_table(const char *title, const struct row *rows)
{
    printf("%s\n", title);
    printf("  %3s %8s %6s %10s %6s %6s %11s %4s | %8s %7s %7s %7s %7s "
           "%6s %6s | %5s %5s %5s %5s\n",
           "N", "wl/s", "vs N=1", "wl/sched-s", "vs N=1", "engine",
           "share/wght", "dry", "switch/s", "swap/s", "switch", "swap",
           "entries",
           "engine", "sw+swp", "sched", "cpu", "hostd", "other");
    printf("  %3s %8s %6s %10s %6s %6s %11s %4s | %8s %7s %7s %7s %7s "
           "%6s %6s | %5s %5s %5s %5s\n",
           "", "", "", "", "", "us/wl", "min - max", "", "", "", "us", "us",
           "/swap", "busy", "ovh", "cores", "cores", "cores", "cores");
    for (int i = 0; i < NR_NS; i++) {
        const struct row *r = &rows[i], *one = &rows[0];
        char rel[16] = "-", rel_sched[16] = "-", hostd[16] = "-";
        char tries[24] = "";

        if (!r->ran) {
            printf("  %3d not run: %s\n", ns[i], r->why);
            continue;
        }
        if (r->tries > 1) {
            snprintf(tries, sizeof(tries), " (try %d)", r->tries);
        }
        if (r->hostd_cpu > 0) {
            snprintf(hostd, sizeof(hostd), "%.2f", r->hostd_cpu);
        }
        if (one->ran) {
            snprintf(rel, sizeof(rel), "%.2f", r->wl_s / one->wl_s);
        }
        if (one->ran && one->wl_sched_s > 0) {
            snprintf(rel_sched, sizeof(rel_sched), "%.2f",
                     r->wl_sched_s / one->wl_sched_s);
        }
        printf("  %3d %8.0f %6s %10.0f %6s %6.1f %5.3f-%5.3f %4llu | %8.0f "
               "%7.0f %7.2f %7.1f %7.0f %5.1f%% %5.2f%% | %5.2f %5.2f "
               "%5s %5.2f%s\n", ns[i], r->wl_s, rel, r->wl_sched_s,
               rel_sched, r->wl_us, r->share_min, r->share_max,
               (unsigned long long)r->underruns, r->switch_s, r->swap_s,
               r->switch_us, r->swap_us, r->entries, 100 * r->busy,
               100 * r->ovh, r->sched_cpu, r->cpu, hostd, r->other_cpu,
               tries);
    }
}

static void print_limits(const char *name, const struct row *rows)
{
    const struct row *one = &rows[0], *r16 = &rows[4];

    if (one->ran && r16->ran) {
        printf("%s: aggregate at N=16 / N=1: %.2f (goal >= 0.9)\n", name,
               r16->wl_s / one->wl_s);
        printf("%s: the same per CPU second of the scheduler thread "
               "(host CPU contention taken out): %.2f\n", name,
               one->wl_sched_s > 0 ? r16->wl_sched_s / one->wl_sched_s
                                   : 0);
        printf("%s: worst share deviation at N=16: %.1f%% (goal <= 5%%)\n",
               name, worst_dev(r16));
    } else {
        printf("%s: N=16 not measured (%s)\n", name,
               !one->ran ? one->why : r16->why);
    }
}

/* The value plotted for one N: none where it was not run or is 0. */
static double pval(const struct row *r, size_t off)
{
    double v = *(const double *)((const char *)r + off);

    return r->ran && v > 0 ? v : NAN;
}

/*
 * Append "$d using 1:COL ... title" for a series that has a point
 * (gnuplot warns about empty ones).
 */
static void series(GString *cmd, const struct row *rows, size_t off,
                   int col, const char *title)
{
    for (int i = 0; i < NR_NS; i++) {
        if (!isnan(pval(&rows[i], off))) {
            g_string_append_printf(cmd, "%s$d using 1:%d with linespoints "
                                   "title '%s'", cmd->len ? ", " : "",
                                   col, title);
            return;
        }
    }
}

/* Aggregate throughput and switch / swap cost against N, by gnuplot. */
static void plot(const char *png, const struct row *sock,
                 const struct row *emb)
{
    GString *wl = g_string_new(""), *cost = g_string_new("");
    FILE *g;

    series(wl, sock, offsetof(struct row, wl_s), 2, "vgt-hostd");
    series(wl, emb, offsetof(struct row, wl_s), 5, "embedded");
    if (sock[0].ran) {
        g_string_append_printf(wl, ", %.0f dashtype 2 title 'goal: 0.9 x "
                               "N=1 (vgt-hostd)'", 0.9 * sock[0].wl_s);
    }
    series(cost, sock, offsetof(struct row, switch_us), 3,
           "context switch (vgt-hostd)");
    series(cost, sock, offsetof(struct row, swap_us), 4,
           "GTT swap (vgt-hostd)");
    series(cost, emb, offsetof(struct row, switch_us), 6,
           "context switch (embedded)");
    series(cost, emb, offsetof(struct row, swap_us), 7,
           "GTT swap (embedded)");
    if (!wl->len) {
        printf("no plot: nothing was measured\n");
        goto out;
    }
    g = popen("gnuplot", "w");
    if (!g) {
        printf("no plot: cannot run gnuplot\n");
        goto out;
    }
    fprintf(g, "$d << EOD\n");
    for (int i = 0; i < NR_NS; i++) {
        fprintf(g, "%d %g %g %g %g %g %g\n", ns[i],
                pval(&sock[i], offsetof(struct row, wl_s)),
                pval(&sock[i], offsetof(struct row, switch_us)),
                pval(&sock[i], offsetof(struct row, swap_us)),
                pval(&emb[i], offsetof(struct row, wl_s)),
                pval(&emb[i], offsetof(struct row, switch_us)),
                pval(&emb[i], offsetof(struct row, swap_us)));
    }
    fprintf(g, "EOD\n"
            "set terminal pngcairo size 1100,450 font ',10'\n"
            "set output '%s'\n"
            "set datafile missing NaN\n"
            "set multiplot layout 1,2 title 'vgt helper: N instances "
            "at %llu + %llu MiB GM, weights 1,2,3,4, blit workloads on "
            "BCS'\n"
            "set logscale x 2\n"
            "set xrange [0.8:40]\n"
            "set xtics (1,2,4,8,16,32)\n"
            "set xlabel 'instances (N)'\n"
            "set grid\n"
            "set key bottom left\n"
            "set ylabel 'aggregate workloads / s'\n"
            "set yrange [0:*]\n"
            "plot %s\n"
            "set ylabel 'mean cost (us), log scale'\n"
            "set yrange [*:*]\n"
            "set logscale y\n"
            "set offsets 0, 0, graph 0.45, 0\n"
            "set key top left\n"
            "%s%s\n"
            "unset multiplot\n", png,
            (unsigned long long)(req.mappable_size >> 20),
            (unsigned long long)(req.nonmappable_size >> 20), wl->str,
            cost->len ? "plot " : "", cost->str);
    if (pclose(g)) {
        printf("no plot: gnuplot failed\n");
    } else {
        printf("plot: %s\n", png);
    }
out:
    g_string_free(wl, TRUE);
    g_string_free(cost, TRUE);
}

int main(int argc, char **argv)
{
    const char *bin = g_getenv("VGT_HOSTD");
    const char *dir = g_getenv("VGT_TEST_DIR");
    const char *png = NULL;
    struct row sock[NR_NS], emb[NR_NS];
    bool socket_only = false;
    char path[108];
    int status;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--window") && i + 1 < argc) {
            window_s = g_ascii_strtod(argv[++i], NULL);
        } else if (!strcmp(argv[i], "--small")) {
            req = (struct vgt_create_req){ 8u << 20, 0, 0, 0 };
        } else if (!strcmp(argv[i], "--socket-only")) {
            socket_only = true;
        } else if (!strcmp(argv[i], "--plot") && i + 1 < argc) {
            png = argv[++i];
        } else {
            g_printerr("usage: %s [--window S] [--small] [--socket-only] "
                       "[--plot FILE.png]\n", argv[0]);
            return 2;
        }
    }
    if (!bin) {
        g_error("set VGT_HOSTD to the vgt-hostd binary");
    }
    if (window_s <= 0) {
        window_s = 3.0;
    }
    signal(SIGPIPE, SIG_IGN);
    vgt_log_level = -1;
    snprintf(path, sizeof(path), "%s/bench-scale-%d.sock",
             dir ? dir : "/tmp", (int)getpid());
    hostd_pid = vgt_test_hostd_spawn(bin, path);
    for (int i = 0; i < NR_NS; i++) {
        run_row(&vgt_host_socket_ops, path, ns[i], &sock[i]);
    }
    kill(hostd_pid, SIGTERM);
    waitpid(hostd_pid, &status, 0);
    hostd_pid = 0;
    for (int i = 0; i < NR_NS; i++) {
        if (socket_only) {
            emb[i] = (struct row){ .why = "not asked for" };
        } else {
            run_row(&vgt_host_embedded_ops, NULL, ns[i], &emb[i]);
        }
    }

    printf("vgt helper scale: N instances of %llu MiB mappable + %llu MiB "
           "non-mappable GM, %u fences,\n"
           "  weights 1,2,3,4 repeating, each keeping %u blit workloads "
           "queued on BCS\n"
           "  (bench-helper-cs's workload) from a thread of its own; "
           "%.1f s window (N/8 times\n"
           "  that for N > 8) after %.1f s warm-up\n",
           (unsigned long long)(req.mappable_size >> 20),
           (unsigned long long)(req.nonmappable_size >> 20),
           req.fence_num, DEPTH, window_s, WARMUP_US / 1e6);
    printf("  wl/sched-s: workloads per CPU second of the helper's "
           "scheduler thread (what the\n"
           "  helper does with the CPU it gets, whatever else runs); "
           "engine us/wl: BCS time per\n"
           "  workload (the work itself); share/wght: engine-time share "
           "over the weight's share\n"
           "  (1 = fair); dry: queue underruns in the window (a client "
           "thread starved: shares\n"
           "  are not the scheduler's; such a row is measured again, 3 "
           "tries at most); engine\n"
           "  busy: BCS time / window; sw+swp ovh: context switch + GTT "
           "swap time / window;\n"
           "  CPU cores used by the scheduler thread, by all of the "
           "clients and the helper, by\n"
           "  vgt-hostd, by everything else (of %ld)\n",
           sysconf(_SC_NPROCESSORS_ONLN));
    print_table("vgt-hostd (socket clients, one thread each):", sock);
    if (!socket_only) {
        print_table("embedded (in-process, one thread each):", emb);
    }
    print_limits("vgt-hostd", sock);
    if (!socket_only) {
        print_limits("embedded", emb);
    }
    fflush(stdout);
    if (png) {
        plot(png, sock, emb);
    }
    return 0;
}
