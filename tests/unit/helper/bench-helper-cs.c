// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench-helper-cs - one blit workload (fill 256x256, copy it linear ->
 * X-tiled, a line of immediate text, seqno, user interrupt) run
 *   direct    on the software Haswell's blitter alone (engine_exec, no
 *             helper: the cost of the work itself)
 *   embedded  through the helper in-process (submit, scheduler thread,
 *             completion event)
 *   socket    through vgt-hostd (posted submits, events from the shared
 *             event ring: ABI 6), 16 workloads in flight
 * side by side in three interleaved rounds, with the medians and the
 * range of the ratio to direct; then the context-switch cost
 * (two instances alternating on one engine, every workload a switch);
 * then isolation: another VM's GTT-write latency, one entry a call, while
 * a hostile VM keeps the engine busy with its worst legal workload (a
 * 256 MiB fill, the workload budget, through GTT entries that alias 4 MiB
 * of its RAM), next to
 * the same writes with the engine idle; then the engine wait: how long
 * another VM's blit workload takes from submit to COMPLETE while the
 * hostile VM's fills run, on the core with its scheduler thread, with
 * the fills preempted at the end of each slice and, as before preemption
 * (and on a real Haswell), run to their end.
 */
#define _GNU_SOURCE
#include "../../qtest/vgt-blit-workload.h"
#include <glib.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "hw/vgt.h"
#include "hw/vgt-host-ops.h"
#include "hostd-spawn.h"
#include "bench-util.h"
#include "hsw/hsw-regs.h"
#include "core/vgt-core.h"
#include "core/vgt-gpu.h"
#include "swhsw/swhsw.h"
#include "user/vgt-sched-thread.h"

#define RAM_SIZE        (4u << 20)
#define SECONDS         1.5
#define WINDOW          16
#define ROUNDS          3       /* interleaved rounds of the three paths */
#define SLOT            512u
#define DIRECT_GM       (8u << 20)      /* client_up's mappable GM */

/*
 * The large workload: one fill of 1024x768 at 32 bpp (3 MiB, 12 times
 * the small one's pixels, ending where the GM's frames wrap to the RAM's
 * first page again), then the seqno and the interrupt: what the
 * mediation costs when the guest's work is large.
 */
static bool large;

/*
 * The client's notify_policy on BCS: woken by a completion only once
 * NOTIFY_LOW of its window are left queued (refilling 12 takes
 * microseconds, the 4 left take 400 us to run), never by its user
 * interrupts (it waits for completions), as a client keeping work queued
 * would ask.  false: every event wakes it (the default policy).
 */
#define NOTIFY_LOW      (WINDOW / 4)
static bool moderate = true;

static guint32 build_large(guint32 *dw, guint32 gm, guint32 seq)
{
    guint32 n = 0;

    dw[n++] = 0x54300004;                           /* XY_COLOR_BLT */
    dw[n++] = (3u << 24) | (0xf0u << 16) | 4096;
    dw[n++] = 0;
    dw[n++] = (768u << 16) | 1024;
    dw[n++] = gm + VGT_BLIT_LIN_OFF;
    dw[n++] = 0xff000000 | seq;
    dw[n++] = 0x10800001;                           /* MI_STORE_DATA_INDEX */
    dw[n++] = 0x100;
    dw[n++] = seq;
    dw[n++] = 0x01000000;                           /* MI_USER_INTERRUPT */
    return n;
}

/* Builds the workload at dw for GM base gm (RAM page i = GM page i). */
static guint32 build(guint32 *dw, guint32 gm, guint32 seq)
{
    return large ? build_large(dw, gm, seq) : vgt_blit_workload(dw, gm, seq);
}

/* The blitter alone: map RAM into the GTT by hand, call engine_exec. */
static double run_direct(void)
{
    struct vgt_swhsw *sw = vgt_swhsw_create();
    struct vgt_gpu gpu;
    struct vgt_gpu_exec x;
    guint8 *ram = bench_alloc_pages(RAM_SIZE);
    guint32 gm = 32u << 20, n, seq = 0;
    guint64 dma, done = 0;
    gint64 start, now;

    vgt_swhsw_get_gpu(sw, &gpu);
    if (gpu.ops->dma_map(sw, ram, RAM_SIZE, &dma)) {
        g_error("dma_map");
    }
    /* 8 MiB of GM over the RAM's frames again and again, as client_up */
    for (guint32 i = 0; i < DIRECT_GM / 4096; i++) {
        gpu.ops->gtt_write(sw, (gm >> 12) + i,
                   hsw_pte_encode(dma + (i % (RAM_SIZE / 4096)) * 4096ull,
                          HSW_PTE_VALID));
    }
    gpu.ops->write32(sw, HWS_PGA_BCS, gm);
    start = g_get_monotonic_time();
    do {
        for (int k = 0; k < 16; k++) {
            n = build((guint32 *)(ram + 0x10000), gm, ++seq);
            memset(&x, 0, sizeof(x));
            x.start = gm + 0x10000;
            x.len = n * 4;
            x.nr_ranges = 1;
            x.range[0].base = gm;
            x.range[0].size = DIRECT_GM;
            x.max_cmds = 1 << 20;
            x.max_bytes = 256 << 20;
            gpu.ops->engine_exec(sw, VGT_ENGINE_BCS, &x);
            if (x.status != VGT_EXEC_DONE) {
                g_error("direct: workload failed (%u, cmd 0x%08x at 0x%llx)",
                        x.status, x.fault_cmd,
                        (unsigned long long)x.fault_addr);
            }
            done++;
        }
        now = g_get_monotonic_time();
    } while (now - start < SECONDS * G_USEC_PER_SEC);
    vgt_swhsw_destroy(sw);
    free(ram);
    return done / ((now - start) / (double)G_USEC_PER_SEC);
}

struct client {
    const struct vgt_host_ops *ops;
    struct vgt_conn *c;
    struct vgt_instance_info info;
    struct vgt_shadow_info sh;
    int memfd;
    void *ram;
    guint64 next, done;
};

/*
 * A VM with @gm bytes of mappable GM whose pages map its RAM's frames
 * over and over (GM page i = frame i mod RAM pages).
 */
static void client_up_gm(struct client *cl, const struct vgt_host_ops *ops,
                         const char *path, guint32 gm)
{
    struct vgt_create_req req = { gm, 0, 0, 0 };
    struct vgt_mem_region r = { .gpa = 0, .size = RAM_SIZE };
    struct vgt_gtt_entry e[VGT_GTT_WRITE_MAX];
    int err;

    memset(cl, 0, sizeof(*cl));
    cl->ops = ops;
    cl->memfd = memfd_create("vgt-bench-ram", MFD_CLOEXEC |
                 MFD_ALLOW_SEALING);
    if (cl->memfd < 0 || ftruncate(cl->memfd, RAM_SIZE) ||
        fcntl(cl->memfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW)) {
        g_error("memfd");
    }
    cl->ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
               cl->memfd, 0);
    err = ops->connect(path, &cl->c);
    if (!err) {
        err = ops->create(cl->c, &req, &cl->info);
    }
    r.fd = cl->memfd;
    r.hva = (uintptr_t)cl->ram;
    if (!err) {
        err = ops->mem_register(cl->c, &r);
    }
    for (guint32 i = 0; !err && i < gm / 4096; i += VGT_GTT_WRITE_MAX) {
        guint32 n = MIN(VGT_GTT_WRITE_MAX, gm / 4096 - i);

        for (guint32 j = 0; j < n; j++) {
            e[j] = (struct vgt_gtt_entry){
                (guint32)(cl->info.mappable_base >> 12) + i + j,
                VGT_PTE_VALID, (i + j) % (RAM_SIZE / 4096) };
        }
        err = ops->gtt_write(cl->c, e, n, NULL);
    }
    if (!err) {
        err = ops->shadow_map(cl->c, &cl->sh);
    }
    if (!err && moderate) {
        struct vgt_notify_policy np = { VGT_ENGINE_BCS, NOTIFY_LOW, 0, 0 };

        err = ops->notify_policy(cl->c, &np);
    }
    if (err) {
        g_error("%s: setup failed: %s", ops->name, vgt_strerror(err));
    }
}

static void client_up(struct client *cl, const struct vgt_host_ops *ops,
                      const char *path)
{
    client_up_gm(cl, ops, path, 8u << 20);
}

static void client_down(struct client *cl)
{
    cl->ops->disconnect(cl->c);
    munmap(cl->ram, RAM_SIZE);
    close(cl->memfd);
}

static void client_submit(struct client *cl)
{
    guint64 id = ++cl->next;
    guint32 off = (guint32)(id % (VGT_SHADOW_SIZE / SLOT)) * SLOT;
    guint32 *dw = (guint32 *)((guint8 *)(uintptr_t)cl->sh.hva + off);
    struct vgt_workload wl = { 0 };
    int err;

    wl.id = id;
    wl.length = build(dw, (guint32)cl->info.mappable_base,
              (guint32)id) * 4;
    wl.start = cl->sh.gm_addr + off;
    wl.engine = VGT_ENGINE_BCS;
    wl.nr_regs = 1;
    wl.regs[0].offset = HWS_PGA_BCS;
    wl.regs[0].value = (guint32)cl->info.mappable_base;
    err = cl->ops->submit(cl->c, &wl);
    if (err) {
        g_error("%s: submit: %s", cl->ops->name, vgt_strerror(err));
    }
}

static void client_wait(struct client *cl)
{
    struct pollfd p = { .fd = cl->ops->event_fd(cl->c), .events = POLLIN };
    struct vgt_event ev[VGT_EVENT_READ_MAX];
    int n;

    if (poll(&p, 1, 5000) != 1) {
        g_error("%s: no completion", cl->ops->name);
    }
    while ((n = cl->ops->events_read(cl->c, ev, VGT_EVENT_READ_MAX)) > 0) {
        for (int i = 0; i < n; i++) {
            if (ev[i].type == VGT_EVENT_COMPLETE) {
                cl->done++;
            } else if (ev[i].type != VGT_EVENT_USER_IRQ) {
                g_error("%s: workload failed", cl->ops->name);
            }
        }
    }
}

static double run_ops(const struct vgt_host_ops *ops, const char *path)
{
    struct client cl;
    gint64 start, now;
    guint32 seq;

    client_up(&cl, ops, path);
    start = g_get_monotonic_time();
    do {
        while (cl.next - cl.done < WINDOW) {
            client_submit(&cl);
        }
        client_wait(&cl);
        now = g_get_monotonic_time();
    } while (now - start < SECONDS * G_USEC_PER_SEC);
    while (cl.done < cl.next) {
        client_wait(&cl);
    }
    now = g_get_monotonic_time();
    memcpy(&seq, (guint8 *)cl.ram + 0x100, 4);
    if (seq != (guint32)cl.next) {
        g_error("%s: seqno %u, want %u", ops->name, seq,
            (guint32)cl.next);
    }
    client_down(&cl);
    return cl.done / ((now - start) / (double)G_USEC_PER_SEC);
}

/* Two instances alternating one workload at a time: every one switches. */
static void run_switch(const struct vgt_host_ops *ops, const char *path,
               double *ns, guint64 *count)
{
    struct client a, b;
    struct vgt_sched_stats sa, sb;

    client_up(&a, ops, path);
    client_up(&b, ops, path);
    for (int i = 0; i < 2000; i++) {
        struct client *cl = (i & 1) ? &b : &a;

        client_submit(cl);
        while (cl->done < cl->next) {
            client_wait(cl);
        }
    }
    ops->sched_stats(a.c, &sa);
    ops->sched_stats(b.c, &sb);
    *count = sa.switches + sb.switches;
    *ns = (double)(sa.switch_ns + sb.switch_ns) / *count;
    client_down(&a);
    client_down(&b);
}

static double lowest(const double *v, int n)
{
    double m = v[0];

    for (int i = 1; i < n; i++) {
        m = MIN(m, v[i]);
    }
    return m;
}

static double highest(const double *v, int n)
{
    double m = v[0];

    for (int i = 1; i < n; i++) {
        m = MAX(m, v[i]);
    }
    return m;
}

/*
 * Queue one 256 MiB fill (XY_COLOR_BLT, 32 bpp: the workload budget) of
 * the hostile VM.
 */
static void hostile_fill(const struct vgt_host_ops *ops, struct client *a)
{
    /* 16 KiB rows: BR13's pitch is signed (32 KiB would read -32 KiB) */
    guint32 rows = 16384, pitch = 16384, k = a->next % 4;
    guint32 *dw = (guint32 *)((guint8 *)(uintptr_t)a->sh.hva + k * SLOT);
    struct vgt_workload wl = { 0 };

    dw[0] = 0x54300004u;                            /* XY_COLOR_BLT */
    dw[1] = (3u << 24) | (0xf0u << 16) | pitch;
    dw[2] = 0;
    dw[3] = (rows << 16) | (pitch / 4);
    dw[4] = (guint32)a->info.mappable_base;
    dw[5] = 0x5a5a5a5a;
    dw[6] = 0x01000000u;                            /* MI_USER_INTERRUPT */
    dw[7] = 0;
    wl.id = ++a->next;
    wl.start = a->sh.gm_addr + k * SLOT;
    wl.length = 32;
    wl.engine = VGT_ENGINE_BCS;
    if (ops->submit(a->c, &wl)) {
        g_error("%s: hostile submit", ops->name);
    }
}

/*
 * One-entry GTT writes of a VM for 1 s: the slowest and the median in
 * us; with @hostile, another VM keeps BCS busy with 256 MiB fills (2 in
 * its queue at all times) meanwhile.
 */
static void gtt_latency(const struct vgt_host_ops *ops, const char *path,
                        bool hostile, double *max_us, double *median_us)
{
    enum { N = 20000 };
    struct client a, b;
    double *lat = g_new(double, N);
    gint64 end;
    int n = 0;

    client_up(&b, ops, path);
    if (hostile) {
        client_up_gm(&a, ops, path, 256u << 20);
        hostile_fill(ops, &a);
        hostile_fill(ops, &a);
    }
    end = g_get_monotonic_time() + G_USEC_PER_SEC;
    while (n < N && g_get_monotonic_time() < end) {
        struct vgt_gtt_entry e = {
            (guint32)(b.info.mappable_base >> 12) + n % 64, VGT_PTE_VALID,
            (guint32)n % 64 };
        gint64 t0 = g_get_monotonic_time();

        if (ops->gtt_write(b.c, &e, 1, NULL)) {
            g_error("%s: gtt_write", ops->name);
        }
        lat[n++] = g_get_monotonic_time() - t0;
        if (hostile) {
            struct vgt_event ev[VGT_EVENT_READ_MAX];
            int got = ops->events_read(a.c, ev, VGT_EVENT_READ_MAX);

            for (int k = 0; k < got; k++) {
                a.done += ev[k].type == VGT_EVENT_COMPLETE;
            }
            while (a.next - a.done < 2) {
                hostile_fill(ops, &a);
            }
        }
    }
    *max_us = 0;
    for (int i = 0; i < n; i++) {
        *max_us = MAX(*max_us, lat[i]);
    }
    qsort(lat, n, sizeof(*lat), bench_cmp_double);
    *median_us = lat[n / 2];
    g_free(lat);
    if (hostile) {
        while (a.done < a.next) {
            client_wait(&a);
        }
        client_down(&a);
    }
    client_down(&b);
}

/* ---- engine wait -------------------------------------------------------- */

/* The software Haswell made unable to preempt: as a real Haswell. */
static const struct vgt_gpu_ops *wait_swhsw_ops;
static struct vgt_gpu_ops whole_ops;

static void whole_engine_exec(void *gpu, u32 engine, struct vgt_gpu_exec *x)
{
    x->preempt = NULL;
    wait_swhsw_ops->engine_exec(gpu, engine, x);
}

struct wait_vm {
    struct vgt_instance *inst;
    struct vgt_instance_info info;
    guint8 *ram, *shadow;
    guint64 shadow_gm, next, done;
};

/* A VM of @req with 4 MiB of RAM that its GM maps over and over. */
static void wait_vm_up(struct wait_vm *v, struct vgt_host *host,
                       const struct vgt_create_req *req)
{
    struct vgt_gtt_entry e[VGT_GTT_WRITE_MAX];
    guint32 pages;

    memset(v, 0, sizeof(*v));
    v->ram = bench_alloc_pages(RAM_SIZE);
    v->shadow = bench_alloc_pages(VGT_SHADOW_SIZE);
    if (vgt_inst_create(host, req, &v->inst) ||
        vgt_inst_mem_register(v->inst, 0, RAM_SIZE, v->ram) ||
        vgt_inst_shadow_attach(v->inst, v->shadow, &v->shadow_gm)) {
        g_error("engine wait: setup");
    }
    vgt_inst_get_info(v->inst, &v->info);
    for (int r = 0; r < 2; r++) {
        guint64 base = r ? v->info.nonmappable_base : v->info.mappable_base;

        pages = (guint32)((r ? v->info.nonmappable_size :
                           v->info.mappable_size) >> 12);
        for (guint32 i = 0; i < pages; i += VGT_GTT_WRITE_MAX) {
            guint32 n = MIN(VGT_GTT_WRITE_MAX, pages - i);

            for (guint32 j = 0; j < n; j++) {
                e[j] = (struct vgt_gtt_entry){ (guint32)(base >> 12) + i + j,
                    VGT_PTE_VALID, (i + j) % (RAM_SIZE / 4096) };
            }
            if (vgt_inst_gtt_write(v->inst, e, n, NULL)) {
                g_error("engine wait: gtt");
            }
        }
    }
}

static void wait_vm_down(struct wait_vm *v)
{
    vgt_inst_destroy(v->inst);
    free(v->ram);
    free(v->shadow);
}

static void wait_submit(struct wait_vm *v, const guint32 *dw, guint32 n)
{
    guint32 off = (guint32)(v->next % (VGT_SHADOW_SIZE / SLOT)) * SLOT;
    struct vgt_workload wl = { 0 };

    memcpy(v->shadow + off, dw, n * 4);
    wl.id = ++v->next;
    wl.start = v->shadow_gm + off;
    wl.length = n * 4;
    wl.engine = VGT_ENGINE_BCS;
    wl.nr_regs = 1;
    wl.regs[0].offset = HWS_PGA_BCS;
    wl.regs[0].value = (guint32)v->info.mappable_base;
    if (vgt_inst_submit(v->inst, &wl)) {
        g_error("engine wait: submit");
    }
}

static void wait_drain(struct wait_vm *v)
{
    struct vgt_event ev[VGT_EVENT_READ_MAX];
    int n;

    while ((n = vgt_inst_events_read(v->inst, ev, VGT_EVENT_READ_MAX)) > 0) {
        for (int i = 0; i < n; i++) {
            if (ev[i].type == VGT_EVENT_FAULT || ev[i].type == VGT_EVENT_HANG) {
                g_error("engine wait: a workload failed");
            }
            v->done += ev[i].type == VGT_EVENT_COMPLETE;
        }
    }
}

/*
 * VM B's blit workload (the one measured above), one at a time, from
 * submit to its COMPLETE, for 1 s: the slowest and the median in us.
 * With @hostile, VM A keeps two 256 MiB fills queued on the same engine;
 * @preemptible: the software Haswell as it is, else one that runs every
 * workload to its end.
 */
static void engine_wait(bool hostile, bool preemptible, double *max_us,
                        double *median_us, guint64 *a_done)
{
    static const struct vgt_create_req req_a = { 8u << 20, 256u << 20, 0, 0 };
    static const struct vgt_create_req req_b = { 8u << 20, 0, 0, 0 };
    enum { N = 20000 };
    double *lat = g_new(double, N);
    struct vgt_sched_thread *sched;
    struct vgt_swhsw *sw = vgt_swhsw_create();
    struct bench_waiter w;
    struct vgt_host *host;
    struct wait_vm a, b;
    struct vgt_gpu gpu;
    guint32 dw[SLOT / 4];
    gint64 end;
    int n = 0, err;

    vgt_swhsw_get_gpu(sw, &gpu);
    wait_swhsw_ops = gpu.ops;
    whole_ops = *gpu.ops;
    whole_ops.engine_exec = whole_engine_exec;
    if (!preemptible) {
        gpu.ops = &whole_ops;
    }
    host = vgt_host_create(&gpu, &err);
    if (!host) {
        g_error("engine wait: host");
    }
    g_mutex_init(&w.lock);
    g_cond_init(&w.cond);
    w.events = 0;
    wait_vm_up(&b, host, &req_b);
    vgt_inst_set_notify(b.inst, bench_waiter_notify, &w);
    if (hostile) {
        wait_vm_up(&a, host, &req_a);
    }
    sched = vgt_sched_thread_start(host);
    end = g_get_monotonic_time() + G_USEC_PER_SEC;
    while (n < N && g_get_monotonic_time() < end) {
        guint32 len = build(dw, (guint32)b.info.mappable_base,
                            (guint32)b.next + 1);
        gint64 t0;

        if (hostile) {
            /* 16 KiB rows: BR13's pitch is signed (32 KiB reads -32 KiB) */
            const guint32 fill[] = {
                0x54300004u, (3u << 24) | (0xf0u << 16) | 16384u, 0,
                (16384u << 16) | 4096u, (guint32)a.info.nonmappable_base,
                0x5a5a5a5a, 0x01000000u, 0,
            };

            wait_drain(&a);
            while (a.next - a.done < 2) {
                wait_submit(&a, fill, G_N_ELEMENTS(fill));
            }
        }
        t0 = g_get_monotonic_time();
        wait_submit(&b, dw, len);
        g_mutex_lock(&w.lock);
        for (;;) {
            g_mutex_unlock(&w.lock);
            wait_drain(&b);
            g_mutex_lock(&w.lock);
            if (b.done == b.next) {
                break;
            }
            g_cond_wait_until(&w.cond, &w.lock,
                              g_get_monotonic_time() + 10000);
        }
        g_mutex_unlock(&w.lock);
        lat[n++] = g_get_monotonic_time() - t0;
    }
    vgt_sched_thread_stop(sched);
    *max_us = 0;
    for (int i = 0; i < n; i++) {
        *max_us = MAX(*max_us, lat[i]);
    }
    qsort(lat, n, sizeof(*lat), bench_cmp_double);
    *median_us = lat[n / 2];
    *a_done = 0;
    if (hostile) {
        wait_drain(&a);
        *a_done = a.done;
        wait_vm_down(&a);
    }
    wait_vm_down(&b);
    vgt_host_destroy(host);
    vgt_swhsw_destroy(sw);
    g_mutex_clear(&w.lock);
    g_cond_clear(&w.cond);
    g_free(lat);
}

/* "PHASE-large": the phase with the large workload. */
static bool argc_large(const char *what)
{
    return g_str_has_suffix(what, "-large");
}

/*
 * One throughput phase alone, for a profiler (`perf record
 * bench-helper-cs embedded`, docs/bench.md): direct, embedded or socket
 * for SECONDS, with the large workload when "-large" follows; prints
 * workloads per second.
 */
static int run_one(const char *what, const char *bin, const char *path)
{
    double rate;
    int status;
    pid_t pid;

    if (argc_large(what)) {
        large = true;
        what = g_strndup(what, strlen(what) - strlen("-large"));
    }
    if (g_str_has_suffix(what, "-wakeall")) {
        moderate = false;
        what = g_strndup(what, strlen(what) - strlen("-wakeall"));
    }
    if (!strcmp(what, "direct")) {
        rate = run_direct();
    } else if (!strcmp(what, "embedded")) {
        rate = run_ops(&vgt_host_embedded_ops, NULL);
    } else if (!strcmp(what, "socket")) {
        pid = vgt_test_hostd_spawn(bin, path);
        rate = run_ops(&vgt_host_socket_ops, path);
        kill(pid, SIGTERM);
        waitpid(pid, &status, 0);
    } else {
        fprintf(stderr, "usage: bench-helper-cs [direct|embedded|socket]"
                "[-wakeall][-large]\n");
        return 2;
    }
    printf("%s %.0f workloads/s\n", what, rate);
    return 0;
}

/*
 * One row of the embedded and socket rounds' ratios to direct (their
 * medians), and one of their lowest and highest (bench-report.py reads
 * both).
 */
static void print_ratios(const char *what, const double *emb,
                         const double *sock)
{
    printf("  %-10s %12s %11.2fx %11.2fx   (mediated / direct)\n",
           what, "1.00x", bench_median(emb, ROUNDS),
           bench_median(sock, ROUNDS));
    printf("  %-10s %12s %6.2f-%.2fx %6.2f-%.2fx   (lowest-highest round)\n",
           "range", "", lowest(emb, ROUNDS), highest(emb, ROUNDS),
           lowest(sock, ROUNDS), highest(sock, ROUNDS));
}

int main(int argc, char **argv)
{
    const char *bin = g_getenv("VGT_HOSTD");
    const char *dir = g_getenv("VGT_TEST_DIR");
    double direct, emb, sock, emb_sw_ns, sock_sw_ns;
    double rd[ROUNDS], re[ROUNDS], rs[ROUNDS];
    double ratio_e[ROUNDS], ratio_s[ROUNDS], lre[ROUNDS], lrs[ROUNDS];
    double wre[ROUNDS], wrs[ROUNDS];
    double l_direct;
    double lat[2][2][2];        /* transport, hostile, max/median */
    double wait[3][2];          /* idle, run whole, preempted: max/median */
    guint64 fills[3];
    guint32 regs[HSW_CTX_REGS_MAX], flags[HSW_CTX_REGS_MAX];
    guint64 emb_sw, sock_sw;
    char path[108];
    int status;
    pid_t pid;

    if (!bin) {
        g_error("set VGT_HOSTD to the vgt-hostd binary");
    }
    vgt_log_level = -1;
    snprintf(path, sizeof(path), "%s/bench-cs-%d.sock",
         dir ? dir : "/tmp", (int)getpid());
    if (argc > 1) {
        return run_one(argv[1], bin, path);
    }
    /*
     * The three paths in interleaved rounds, so that a slow moment of the
     * machine falls on all of them: medians, and each ratio's range.
     */
    pid = vgt_test_hostd_spawn(bin, path);
    for (int r = 0; r < ROUNDS; r++) {
        rd[r] = run_direct();
        re[r] = run_ops(&vgt_host_embedded_ops, NULL);
        rs[r] = run_ops(&vgt_host_socket_ops, path);
        ratio_e[r] = re[r] / rd[r];
        ratio_s[r] = rs[r] / rd[r];
        moderate = false;
        wre[r] = run_ops(&vgt_host_embedded_ops, NULL) / rd[r];
        wrs[r] = run_ops(&vgt_host_socket_ops, path) / rd[r];
        moderate = true;
    }
    direct = bench_median(rd, ROUNDS);
    emb = bench_median(re, ROUNDS);
    sock = bench_median(rs, ROUNDS);
    /* the same with the large workload */
    large = true;
    for (int r = 0; r < ROUNDS; r++) {
        rd[r] = run_direct();
        lre[r] = run_ops(&vgt_host_embedded_ops, NULL) / rd[r];
        lrs[r] = run_ops(&vgt_host_socket_ops, path) / rd[r];
    }
    large = false;
    l_direct = bench_median(rd, ROUNDS);
    kill(pid, SIGTERM);
    waitpid(pid, &status, 0);
    run_switch(&vgt_host_embedded_ops, NULL, &emb_sw_ns, &emb_sw);
    for (int h = 0; h < 2; h++) {
        gtt_latency(&vgt_host_embedded_ops, NULL, h, &lat[0][h][0],
                    &lat[0][h][1]);
    }
    engine_wait(false, true, &wait[0][0], &wait[0][1], &fills[0]);
    engine_wait(true, false, &wait[1][0], &wait[1][1], &fills[1]);
    engine_wait(true, true, &wait[2][0], &wait[2][1], &fills[2]);
    pid = vgt_test_hostd_spawn(bin, path);
    run_switch(&vgt_host_socket_ops, path, &sock_sw_ns, &sock_sw);
    for (int h = 0; h < 2; h++) {
        gtt_latency(&vgt_host_socket_ops, path, h, &lat[1][h][0],
                    &lat[1][h][1]);
    }
    kill(pid, SIGTERM);
    waitpid(pid, &status, 0);

    printf("vgt helper: blit workloads per second on the software Haswell BCS\n"
           "  (fill 256x256 + copy linear->X-tiled 256x256 + 64x16 text + seqno + irq;\n"
           "   %d in flight, %.1f s each; medians of %d interleaved rounds;\n"
           "   the client woken when %d are left, not by user interrupts:\n"
           "   notify_policy)\n",
           WINDOW, SECONDS, ROUNDS, NOTIFY_LOW);
    printf("  %-10s %12s %12s %12s\n", "", "direct", "embedded",
           "socket");
    printf("  %-10s %10.0f/s %10.0f/s %10.0f/s\n", "workloads", direct,
           emb, sock);
    print_ratios("ratio", ratio_e, ratio_s);
    printf("  %-10s %12s %11.2fx\n", "socket/emb", "", sock / emb);
    printf("every event waking the client (the default notify_policy):\n");
    print_ratios("wake-all", wre, wrs);
    printf("the large workload (one 1024x768 fill, 12x the pixels; seqno "
           "+ irq), %.0f/s direct:\n", l_direct);
    print_ratios("large", lre, lrs);
    printf("context switch (2 instances alternating on BCS, "
           "save + restore of %u registers):\n",
           hsw_engine_ctx_regs(VGT_ENGINE_BCS, regs, flags));
    printf("  embedded: %.0f ns per switch (%llu switches)\n", emb_sw_ns,
           (unsigned long long)emb_sw);
    printf("  socket:   %.0f ns per switch (%llu switches)\n", sock_sw_ns,
           (unsigned long long)sock_sw);
    printf("isolation: another VM's one-entry GTT writes, us (max / median)"
           ",\n  engine idle, and while a VM runs 256 MiB fills on BCS"
           " (issue 18: goal max <= 10000):\n");
    for (int t = 0; t < 2; t++) {
        printf("  %-9s idle %8.0f / %5.0f   hostile %8.0f / %5.0f"
               "   (max x%.0f)\n", t ? "socket:" : "embedded:",
               lat[t][0][0], lat[t][0][1], lat[t][1][0], lat[t][1][1],
               lat[t][1][0] / MAX(1, lat[t][0][0]));
    }
    printf("engine wait: another VM's blit workload (as above), submit to"
           " COMPLETE, us (max / median),\n  one at a time on BCS, while"
           " a VM keeps two 256 MiB fills queued there (core + scheduler"
           " thread):\n");
    printf("  engine idle                            %8.0f / %5.0f\n",
           wait[0][0], wait[0][1]);
    printf("  fills run to their end (no preemption) %8.0f / %5.0f"
           "   (%llu fills done)\n", wait[1][0], wait[1][1],
           (unsigned long long)fills[1]);
    printf("  fills preempted at the 4 ms slice      %8.0f / %5.0f"
           "   (%llu fills done)\n", wait[2][0], wait[2][1],
           (unsigned long long)fills[2]);
    return 0;
}
