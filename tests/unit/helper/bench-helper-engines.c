// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench-helper-engines - the engines of the software Haswell in parallel
 * (issue 21 item 4): k VMs (k = 1, 2, 4), VM i alone on engine i (rcs0,
 * bcs0, vcs0, vecs0), each keeping WINDOW workloads queued, every
 * workload PAR_STORES MI_STORE_DATA_IMMs into the VM's own memory (a
 * command every engine has, so that the engines do the same work), on
 * the helper core with its scheduler runner:
 *   serial    one thread runs the engines in turn (vgt.ko's kthread,
 *             and the userspace runner before the engines ran in
 *             parallel)
 *   parallel  a thread per engine (user/vgt-sched-thread.c)
 * in ROUNDS interleaved rounds of SECONDS each; prints the medians of
 * the workloads per second of all VMs, and the speedup of k VMs over one
 * next to what the machine can give: min(k, CPUs).  The bench's own
 * thread submits for every VM; each VM asks to be woken at half its
 * window left and not by its user interrupts (notify_policy).
 */
#define _GNU_SOURCE
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "hw/vgt-host-ops.h"
#include "core/vgt-core.h"
#include "core/vgt-gpu.h"
#include "swhsw/swhsw.h"
#include "user/vgt-sched-thread.h"
#include "bench-util.h"

#define RAM_SIZE        (1u << 20)
#define SECONDS         1.5
#define ROUNDS          3
#define WINDOW          16
#define PAR_STORES      512
#define SLOT            (16u << 10)     /* shadow bytes per workload */
#define MI_SDI_GGTT     (0x10000002u | (1u << 22))
#define MI_USER_INTERRUPT 0x01000000u

static const u32 engine_of_vm[VGT_ENGINE_COUNT] = {
    VGT_ENGINE_RCS, VGT_ENGINE_BCS, VGT_ENGINE_VCS, VGT_ENGINE_VECS,
};
static const char *const engine_name[VGT_ENGINE_COUNT] = {
    "rcs0", "vcs0", "bcs0", "vecs0",
};

struct vm {
    struct vgt_instance *inst;
    struct vgt_instance_info info;
    guint8 *ram, *shadow;
    guint64 shadow_gm, next, done;
    u32 engine;
};

static void vm_up(struct vm *v, struct vgt_host *host, u32 engine,
                  struct bench_waiter *w)
{
    static const struct vgt_create_req req = { 8u << 20, 0, 0, 0 };
    struct vgt_notify_policy np = { engine, WINDOW / 2, 0, 0 };
    struct vgt_gtt_entry e[RAM_SIZE / 4096];

    memset(v, 0, sizeof(*v));
    v->engine = engine;
    v->ram = bench_alloc_pages(RAM_SIZE);
    v->shadow = bench_alloc_pages(VGT_SHADOW_SIZE);
    if (vgt_inst_create(host, &req, &v->inst) ||
        vgt_inst_mem_register(v->inst, 0, RAM_SIZE, v->ram) ||
        vgt_inst_shadow_attach(v->inst, v->shadow, &v->shadow_gm) ||
        vgt_inst_notify_policy(v->inst, &np)) {
        g_error("engines: setup");
    }
    vgt_inst_get_info(v->inst, &v->info);
    for (guint32 i = 0; i < RAM_SIZE / 4096; i++) {
        e[i] = (struct vgt_gtt_entry){
            (guint32)(v->info.mappable_base >> 12) + i, VGT_PTE_VALID, i };
    }
    if (vgt_inst_gtt_write(v->inst, e, RAM_SIZE / 4096, NULL)) {
        g_error("engines: gtt");
    }
    vgt_inst_set_notify(v->inst, bench_waiter_notify, w);
}

static void vm_down(struct vm *v)
{
    vgt_inst_destroy(v->inst);
    free(v->ram);
    free(v->shadow);
}

static void vm_submit(struct vm *v)
{
    guint32 off = (guint32)(v->next % (VGT_SHADOW_SIZE / SLOT)) * SLOT;
    guint32 *dw = (guint32 *)(v->shadow + off), n = 0;
    struct vgt_workload wl = { 0 };

    for (guint32 i = 0; i < PAR_STORES; i++) {
        dw[n++] = MI_SDI_GGTT;
        dw[n++] = 0;
        dw[n++] = (guint32)v->info.mappable_base + (i % 1024) * 4;
        dw[n++] = (guint32)v->next;
    }
    dw[n++] = MI_USER_INTERRUPT;
    dw[n++] = 0;
    wl.id = ++v->next;
    wl.start = v->shadow_gm + off;
    wl.length = n * 4;
    wl.engine = v->engine;
    if (vgt_inst_submit(v->inst, &wl)) {
        g_error("engines: submit");
    }
}

static void vm_drain(struct vm *v)
{
    struct vgt_event ev[VGT_EVENT_READ_MAX];
    int n;

    while ((n = vgt_inst_events_read(v->inst, ev, VGT_EVENT_READ_MAX)) > 0) {
        for (int i = 0; i < n; i++) {
            if (ev[i].type == VGT_EVENT_FAULT ||
                ev[i].type == VGT_EVENT_HANG) {
                g_error("engines: a workload failed on %s",
                        engine_name[v->engine]);
            }
            v->done += ev[i].type == VGT_EVENT_COMPLETE;
        }
    }
}

/* Workloads per second of @k VMs, the engines run in parallel or not. */
static double run(int k, bool parallel)
{
    struct vgt_swhsw *sw = vgt_swhsw_create();
    struct vm vm[VGT_ENGINE_COUNT];
    struct bench_waiter w = { .events = 0 };
    struct vgt_sched_thread *sched;
    struct vgt_host *host;
    struct vgt_gpu gpu;
    guint64 seen = 0, done = 0;
    gint64 start, end;
    int err;

    g_mutex_init(&w.lock);
    g_cond_init(&w.cond);
    vgt_swhsw_get_gpu(sw, &gpu);
    gpu.engines_parallel = parallel;
    host = vgt_host_create(&gpu, &err);
    if (!host) {
        g_error("engines: host");
    }
    sched = vgt_sched_thread_start(host);
    if (!sched || (vgt_sched_thread_count(sched) > 1) != parallel) {
        g_error("engines: the scheduler's threads");
    }
    for (int i = 0; i < k; i++) {
        vm_up(&vm[i], host, engine_of_vm[i], &w);
    }
    start = g_get_monotonic_time();
    end = start + (gint64)(SECONDS * G_USEC_PER_SEC);
    for (;;) {
        gint64 now;

        for (int i = 0; i < k; i++) {
            vm_drain(&vm[i]);
            while (vm[i].next - vm[i].done < WINDOW) {
                vm_submit(&vm[i]);
            }
        }
        now = g_get_monotonic_time();
        if (now >= end) {
            break;
        }
        g_mutex_lock(&w.lock);
        while (w.events == seen && g_get_monotonic_time() < end) {
            g_cond_wait_until(&w.cond, &w.lock, end);
        }
        seen = w.events;
        g_mutex_unlock(&w.lock);
    }
    for (int i = 0; i < k; i++) {
        vm_drain(&vm[i]);
        done += vm[i].done;
    }
    end = g_get_monotonic_time();
    /* what is still queued runs before the runner stops */
    vgt_sched_thread_stop(sched);
    for (int i = 0; i < k; i++) {
        vm_drain(&vm[i]);
        if (vm[i].done != vm[i].next) {
            g_error("engines: %s lost workloads", engine_name[vm[i].engine]);
        }
        vm_down(&vm[i]);
    }
    vgt_host_destroy(host);
    vgt_swhsw_destroy(sw);
    g_mutex_clear(&w.lock);
    g_cond_clear(&w.cond);
    return done / ((end - start) / (double)G_USEC_PER_SEC);
}

int main(int argc, char **argv)
{
    static const int vms[] = { 1, 2, 4 };
    double rate[2][G_N_ELEMENTS(vms)][ROUNDS];
    double med[2][G_N_ELEMENTS(vms)];
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);

    vgt_log_level = -1;
    if (argc == 3) {
        /* one configuration alone, for a profiler: K serial|parallel */
        int k = atoi(argv[1]);

        if (k < 1 || k > VGT_ENGINE_COUNT) {
            fprintf(stderr, "usage: bench-helper-engines [VMS "
                    "serial|parallel]\n");
            return 2;
        }
        printf("%d VMs, %s: %.0f workloads/s\n", k, argv[2],
               run(k, !strcmp(argv[2], "parallel")));
        return 0;
    }
    for (int r = 0; r < ROUNDS; r++) {
        for (guint i = 0; i < G_N_ELEMENTS(vms); i++) {
            for (int p = 0; p < 2; p++) {
                rate[p][i][r] = run(vms[i], p);
            }
        }
    }
    for (int p = 0; p < 2; p++) {
        for (guint i = 0; i < G_N_ELEMENTS(vms); i++) {
            med[p][i] = bench_median(rate[p][i], ROUNDS);
        }
    }
    printf("vgt helper: the engines in parallel: k VMs, VM i alone on "
           "engine i\n"
           "  (rcs0, bcs0, vcs0, vecs0; %d workloads of %d stores queued "
           "each;\n"
           "   %.1f s each, medians of %d interleaved rounds; %ld CPUs)\n",
           WINDOW, PAR_STORES, SECONDS, ROUNDS, cpus);
    printf("  %-4s %14s %14s %10s %10s\n", "VMs", "one thread",
           "per engine", "speedup", "ideal");
    for (guint i = 0; i < G_N_ELEMENTS(vms); i++) {
        printf("  %-4d %12.0f/s %12.0f/s %9.2fx %9ldx\n", vms[i],
               med[0][i], med[1][i], med[1][i] / med[1][0],
               MIN((long)vms[i], cpus));
    }
    return 0;
}
