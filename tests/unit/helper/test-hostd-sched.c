// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Command submission through vgt-hostd: 2, 8 and then 16 VMs (socket
 * clients, one thread each) submit blitter workloads concurrently with
 * different weights.  Every VM keeps its queue full; the test checks that
 * every workload completed in order with its user interrupt, that each
 * VM's memory holds exactly its own last result, and that the engine-time
 * shares measured in a window while all are backlogged are within +-5%
 * of the weights.  The 16 VMs have XenGT's default partition (64 MiB
 * mappable, 448 MiB non-mappable GM, 4 fences), so they share GM slots
 * and take turns having their GTT entries loaded.  Then 16 VMs of which
 * only 4 stay busy: the idle ones cost nothing (no context switch, no
 * GTT swap, no engine time) and keep their own results.  Then a VM
 * submits random command streams next to a well-behaved one: the daemon
 * survives, the other VM is unaffected.
 * $VGT_HOSTD is the daemon, $VGT_TEST_DIR holds its socket.
 */
#define _GNU_SOURCE
#include <glib.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "hw/vgt.h"
#include "hw/vgt-host-ops.h"
#include "hostd-spawn.h"

#define MIB(x)          ((guint64)(x) << 20)
#define RAM_SIZE        MIB(4)
#define HWS_OFF         0x0u
#define SURF_OFF        0x100000u       /* 256 px x 1024 rows, 32 bpp */
#define SURF_ROWS       1024u
#define BLITS           3u              /* per workload: ~3 MiB written */
#define DEPTH           48u             /* workloads in flight per VM */
#define SLOT            128u            /* shadow bytes per workload */
#define NSLOTS          (VGT_SHADOW_SIZE / SLOT)
#define HWS_PGA_BCS     0x4280u

static const struct vgt_host_ops *ops = &vgt_host_socket_ops;
static char sock_path[108];
static pid_t daemon_pid;

struct vm {
    int k;
    guint32 weight;
    bool busy;                  /* keeps its queue full (else: one workload) */
    struct vgt_conn *conn;
    struct vgt_instance_info info;
    struct vgt_shadow_info shadow;
    int memfd;
    guint8 *ram;
    GThread *thread;
    /* run parameters */
    gint64 t0, t1;              /* window (monotonic us) */
    /* results */
    guint64 next_id, next_done, inflight;
    guint64 irqs, faults, queue_full;
    struct vgt_sched_stats s0, s1;
    gboolean snap0, snap1, failed;
    char why[128];
};

static void start_daemon(void)
{
    const char *bin = g_getenv("VGT_HOSTD");
    const char *dir = g_getenv("VGT_TEST_DIR");

    if (!bin) {
        g_error("set VGT_HOSTD to the vgt-hostd binary");
    }
    snprintf(sock_path, sizeof(sock_path), "%s/sched-%d.sock",
         dir ? dir : "/tmp", (int)getpid());
    daemon_pid = vgt_test_hostd_spawn(bin, sock_path);
}

static gboolean daemon_alive(void)
{
    int status;

    return waitpid(daemon_pid, &status, WNOHANG) == 0;
}

/* The partition of the 2- and 8-VM cases; the 16-VM ones take XenGT's. */
static const struct vgt_create_req small_req = { MIB(8), 0, 0, 0 };
static const struct vgt_create_req default_req = {
    VGT_DEFAULT_MAPPABLE_SIZE, VGT_DEFAULT_NONMAPPABLE_SIZE,
    VGT_DEFAULT_FENCE_NUM, 0
};

static void vm_up(struct vm *v, int k, guint32 weight,
                  const struct vgt_create_req *req)
{
    struct vgt_mem_region r = { 0 };
    struct vgt_gtt_entry e[VGT_GTT_WRITE_MAX];
    int ret;

    memset(v, 0, sizeof(*v));
    v->k = k;
    v->weight = weight;
    g_assert_cmpint(ops->connect(sock_path, &v->conn), ==, 0);
    ret = ops->create(v->conn, req, &v->info);
    if (ret) {
        g_error("vm %d: create (%llu MiB + %llu MiB, %u fences): %s", k,
                (unsigned long long)(req->mappable_size >> 20),
                (unsigned long long)(req->nonmappable_size >> 20),
                req->fence_num, vgt_strerror(ret));
    }
    v->memfd = memfd_create("vgt-sched-ram", MFD_CLOEXEC |
                MFD_ALLOW_SEALING);
    g_assert_cmpint(ftruncate(v->memfd, RAM_SIZE), ==, 0);
    g_assert_cmpint(fcntl(v->memfd, F_ADD_SEALS,
                  F_SEAL_SHRINK | F_SEAL_GROW), ==, 0);
    v->ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
              v->memfd, 0);
    g_assert_true(v->ram != MAP_FAILED);
    r.size = RAM_SIZE;
    r.fd = v->memfd;
    g_assert_cmpint(ops->mem_register(v->conn, &r), ==, 0);
    for (guint32 i = 0; i < RAM_SIZE / 4096; i += VGT_GTT_WRITE_MAX) {
        guint32 n = MIN(VGT_GTT_WRITE_MAX, RAM_SIZE / 4096 - i);

        for (guint32 j = 0; j < n; j++) {
            e[j].index = (guint32)(v->info.mappable_base >> 12) +
                     i + j;
            e[j].flags = VGT_PTE_VALID;
            e[j].gfn = i + j;
        }
        g_assert_cmpint(ops->gtt_write(v->conn, e, n, NULL), ==, 0);
    }
    g_assert_cmpint(ops->shadow_map(v->conn, &v->shadow), ==, 0);
    g_assert_cmpuint(v->shadow.size, ==, VGT_SHADOW_SIZE);
    g_assert_cmpint(ops->set_weight(v->conn, weight), ==, 0);
}

static void vm_down(struct vm *v)
{
    ops->disconnect(v->conn);
    munmap(v->ram, RAM_SIZE);
    close(v->memfd);
}

static guint32 color_of(struct vm *v, guint64 id)
{
    return ((guint32)v->k << 24) | (guint32)(id & 0xffffff);
}

/* The workload: BLITS fills of the surface, seqno to the HWS, irq. */
static int vm_submit(struct vm *v)
{
    guint64 id = v->next_id + 1;
    guint32 off = (guint32)(id % NSLOTS) * SLOT, n = 0;
    guint32 *dw = (guint32 *)((guint8 *)(uintptr_t)v->shadow.hva + off);
    guint32 surf = (guint32)v->info.mappable_base + SURF_OFF;
    struct vgt_workload wl = { 0 };
    int ret;

    for (guint32 b = 0; b < BLITS; b++) {
        dw[n++] = 0x54300004;                   /* XY_COLOR_BLT */
        dw[n++] = (3u << 24) | (0xf0u << 16) | 1024;
        dw[n++] = 0;
        dw[n++] = (SURF_ROWS << 16) | 256;
        dw[n++] = surf;
        dw[n++] = color_of(v, id) ^ (b == BLITS - 1 ? 0 : 0xff);
    }
    dw[n++] = 0x10800001;                               /* MI_SDX */
    dw[n++] = 0x100;
    dw[n++] = (guint32)id;
    dw[n++] = 0x01000000;                               /* MI_USER_INTERRUPT */
    wl.id = id;
    wl.start = v->shadow.gm_addr + off;
    wl.length = n * 4;
    wl.engine = VGT_ENGINE_BCS;
    wl.nr_regs = 1;
    wl.regs[0].offset = HWS_PGA_BCS;
    wl.regs[0].value = (guint32)v->info.mappable_base + HWS_OFF;
    ret = ops->submit(v->conn, &wl);
    if (!ret) {
        v->next_id = id;
        v->inflight++;
    }
    return ret;
}

static void vm_fail(struct vm *v, const char *why)
{
    if (!v->failed) {
        g_strlcpy(v->why, why, sizeof(v->why));
    }
    v->failed = TRUE;
}

static void vm_events(struct vm *v, int timeout_ms)
{
    struct pollfd p = { .fd = ops->event_fd(v->conn), .events = POLLIN };
    struct vgt_event ev[VGT_EVENT_READ_MAX];
    int n;

    if (poll(&p, 1, timeout_ms) <= 0) {
        return;
    }
    while ((n = ops->events_read(v->conn, ev, VGT_EVENT_READ_MAX)) > 0) {
        for (int i = 0; i < n; i++) {
            switch (ev[i].type) {
            case VGT_EVENT_USER_IRQ:
                if (ev[i].unit != VGT_ENGINE_BCS) {
                    vm_fail(v, "irq from another engine");
                }
                v->irqs++;
                break;
            case VGT_EVENT_COMPLETE:
                if (ev[i].data != v->next_done + 1) {
                    vm_fail(v, "completion out of order");
                }
                v->next_done = ev[i].data;
                v->inflight--;
                break;
            case VGT_EVENT_CANCELLED:
                /* behind a fault or hang, counted there (ABI 5) */
                vm_fail(v, "workload cancelled");
                break;
            default:
                v->faults++;
                vm_fail(v, "fault/hang event");
            }
        }
    }
    if (n < 0) {
        vm_fail(v, "events_read failed");
    }
}

static gpointer vm_main(gpointer opaque)
{
    struct vm *v = opaque;
    gint64 drain_end;

    for (;;) {
        gint64 now = g_get_monotonic_time();

        if (!v->snap0 && now >= v->t0) {
            if (ops->sched_stats(v->conn, &v->s0)) {
                vm_fail(v, "sched_stats");
            }
            v->snap0 = TRUE;
        }
        if (now >= v->t1) {
            if (ops->sched_stats(v->conn, &v->s1)) {
                vm_fail(v, "sched_stats");
            }
            v->snap1 = TRUE;
            break;
        }
        while (v->inflight < DEPTH) {
            int ret = vm_submit(v);

            if (ret == -VGT_E_QUEUE_FULL) {
                v->queue_full++;
                break;
            }
            if (ret) {
                vm_fail(v, "submit refused");
                return NULL;
            }
        }
        vm_events(v, 20);
    }
    drain_end = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;
    while (v->inflight && g_get_monotonic_time() < drain_end) {
        vm_events(v, 100);
    }
    if (v->inflight) {
        vm_fail(v, "workloads never completed");
    }
    return NULL;
}

static void check_results(struct vm *v)
{
    guint32 want = color_of(v, v->next_id), got;

    g_assert_false(v->failed);
    g_assert_cmpuint(v->next_done, ==, v->next_id);
    g_assert_cmpuint(v->irqs, ==, v->next_id);
    memcpy(&got, v->ram + HWS_OFF + 0x100, 4);
    g_assert_cmphex(got, ==, (guint32)v->next_id);
    for (guint32 i = 0; i < 256 * SURF_ROWS; i++) {
        memcpy(&got, v->ram + SURF_OFF + i * 4, 4);
        if (got != want) {
            g_error("vm %d pixel %u: %08x, want %08x", v->k, i,
                got, want);
        }
    }
}

/* An idle VM's one workload, waited for before the busy ones start. */
static void vm_one_workload(struct vm *v)
{
    gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;

    g_assert_cmpint(vm_submit(v), ==, 0);
    while (v->inflight && g_get_monotonic_time() < deadline) {
        vm_events(v, 100);
    }
    if (v->failed || v->inflight) {
        g_error("idle vm %d: its workload: %s", v->k,
                v->failed ? v->why : "never completed");
    }
}

/*
 * Run @n VMs and check their work and their engine-time shares.  VMs
 * not @busy (NULL: all are) run one workload first and are idle while
 * the others run: they must get no context switch, no GTT swap and no
 * engine time, and keep their own results.  The shares mean something
 * only if every busy VM stayed backlogged through the window; on a
 * loaded host a client thread can be starved and let its queue run dry.
 * Then, unless this is the @last_try, the shares are not judged and
 * false is returned so that the caller measures again.
 */
static bool run_vms(int n, const guint32 *weights, const bool *busy,
                    const struct vgt_create_req *req, double window_s,
                    bool last_try)
{
    struct vm *vm = g_new0(struct vm, n);
    gint64 start;
    double total_busy = 0, total_w = 0, worst = 0;
    guint64 switches = 0, switch_ns = 0, swaps = 0, swap_ns = 0;
    guint64 swap_entries = 0;
    bool backlogged = true;
    int nbusy = 0;

    for (int k = 0; k < n; k++) {
        vm_up(&vm[k], k, weights[k], req);
        vm[k].busy = !busy || busy[k];
        nbusy += vm[k].busy;
    }
    for (int k = 0; k < n; k++) {
        if (!vm[k].busy) {
            vm_one_workload(&vm[k]);
            g_assert_cmpint(ops->sched_stats(vm[k].conn, &vm[k].s0), ==, 0);
        }
    }
    start = g_get_monotonic_time();
    for (int k = 0; k < n; k++) {
        if (!vm[k].busy) {
            continue;
        }
        /* Warm-up first: the window starts with everyone backlogged. */
        vm[k].t0 = start + 400 * 1000;
        vm[k].t1 = vm[k].t0 + (gint64)(window_s * G_USEC_PER_SEC);
        vm[k].thread = g_thread_new("vm", vm_main, &vm[k]);
    }
    for (int k = 0; k < n; k++) {
        if (vm[k].busy) {
            g_thread_join(vm[k].thread);
        }
    }
    g_assert_true(daemon_alive());
    for (int k = 0; k < n; k++) {
        struct vm *v = &vm[k];

        if (v->failed) {
            g_error("vm %d: %s", k, v->why);
        }
        check_results(v);
        if (!v->busy) {
            /* Idle through the run: nothing of it may have moved. */
            g_assert_cmpint(ops->sched_stats(v->conn, &v->s1), ==, 0);
            if (v->s1.switches != v->s0.switches ||
                v->s1.gtt_swaps != v->s0.gtt_swaps ||
                v->s1.gtt_swap_entries != v->s0.gtt_swap_entries ||
                memcmp(v->s1.busy_ns, v->s0.busy_ns,
                       sizeof(v->s0.busy_ns))) {
                g_error("idle vm %d was run: %llu switches, %llu GTT "
                        "swaps, %llu ns on BCS while idle", k,
                        (unsigned long long)(v->s1.switches -
                                             v->s0.switches),
                        (unsigned long long)(v->s1.gtt_swaps -
                                             v->s0.gtt_swaps),
                        (unsigned long long)(v->s1.busy_ns[VGT_ENGINE_BCS] -
                                             v->s0.busy_ns[VGT_ENGINE_BCS]));
            }
            continue;
        }
        total_busy += v->s1.busy_ns[VGT_ENGINE_BCS] -
                  v->s0.busy_ns[VGT_ENGINE_BCS];
        total_w += weights[k];
        if (v->s1.underruns != v->s0.underruns) {
            backlogged = false;
        }
    }
    if (!backlogged && !last_try) {
        g_test_message("%d VMs: a queue ran dry in the window (host "
                       "busy?), measuring again", n);
        for (int k = 0; k < n; k++) {
            vm_down(&vm[k]);
        }
        g_free(vm);
        return false;
    }
    for (int k = 0; k < n; k++) {
        struct vm *v = &vm[k];
        double busy_ns, share, want;

        switches += v->s1.switches;
        switch_ns += v->s1.switch_ns;
        swaps += v->s1.gtt_swaps;
        swap_ns += v->s1.gtt_swap_ns;
        swap_entries += v->s1.gtt_swap_entries;
        if (!v->busy) {
            continue;
        }
        busy_ns = v->s1.busy_ns[VGT_ENGINE_BCS] -
                  v->s0.busy_ns[VGT_ENGINE_BCS];
        share = busy_ns / total_busy;
        want = weights[k] / total_w;
        g_test_message("vm %d weight %u: %llu workloads, share %.4f "
                       "(want %.4f, %+.1f%%), underruns in window %llu, "
                       "%llu switches, %llu GTT swaps",
                   k, weights[k],
                   (unsigned long long)v->next_id, share, want,
                   100.0 * (share - want) / want,
                   (unsigned long long)(v->s1.underruns -
                            v->s0.underruns),
                   (unsigned long long)v->s1.switches,
                   (unsigned long long)v->s1.gtt_swaps);
        worst = MAX(worst, fabs(share - want) / want);
        g_assert_cmpfloat(share, >=, want * 0.95);
        g_assert_cmpfloat(share, <=, want * 1.05);
    }
    g_test_message("%d VMs (%d busy): worst share deviation %.1f%%; "
                   "%llu context switches, %.0f ns each; %llu GTT swaps, "
                   "%.0f ns and %.0f entries each", n, nbusy, 100 * worst,
               (unsigned long long)switches,
               switches ? (double)switch_ns / switches : 0.0,
               (unsigned long long)swaps,
               swaps ? (double)swap_ns / swaps : 0.0,
               swaps ? (double)swap_entries / swaps : 0.0);
    for (int k = 0; k < n; k++) {
        vm_down(&vm[k]);
    }
    g_free(vm);
    return true;
}

static void test_start(void)
{
    start_daemon();
    g_assert_true(daemon_alive());
}

/*
 * @v's events up to the COMPLETE of @second: workload @first refused, then
 * @second, submitted before that was read, cancelled (the ring stopped).
 */
static void expect_refused(struct vm *v, guint64 first, guint64 second)
{
    const struct { guint32 type; guint64 id; } want[] = {
        { VGT_EVENT_REFUSED, first }, { VGT_EVENT_COMPLETE, first },
        { VGT_EVENT_CANCELLED, second }, { VGT_EVENT_COMPLETE, second },
    };
    struct pollfd p = { .fd = ops->event_fd(v->conn), .events = POLLIN };
    struct vgt_event ev[8];
    int got = 0, n;

    while (got < 4) {
        g_assert_cmpint(poll(&p, 1, 10000), ==, 1);
        n = ops->events_read(v->conn, ev + got, G_N_ELEMENTS(ev) - got);
        g_assert_cmpint(n, >=, 0);
        got += n;
    }
    g_assert_cmpint(got, ==, 4);
    for (int i = 0; i < 4; i++) {
        g_assert_cmpuint(ev[i].type, ==, want[i].type);
        g_assert_cmpuint(ev[i].data, ==, want[i].id);
    }
}

/* The submission calls over the socket: answers, refusals, lifetime. */
static void test_api(void)
{
    struct vgt_create_req req = { MIB(8), 0, 0, 0 };
    struct vgt_shadow_info sh2;
    struct vgt_sched_stats ss;
    struct vgt_workload wl = { 0 };
    struct vgt_stats st;
    struct vm v;

    vm_up(&v, 3, 2, &small_req);
    g_assert_cmpint(ops->shadow_map(v.conn, &sh2), ==, 0);
    g_assert_cmpuint(sh2.gm_addr, ==, v.shadow.gm_addr);
    g_assert_cmpuint(sh2.hva, ==, v.shadow.hva);
    g_assert_cmpint(ops->set_weight(v.conn, 17), ==, -VGT_E_INVAL);
    g_assert_cmpint(ops->set_weight(v.conn, 0), ==, -VGT_E_INVAL);
    g_assert_cmpint(ops->sched_stats(v.conn, &ss), ==, 0);
    g_assert_cmpuint(ss.weight, ==, 2);
    wl.start = v.shadow.gm_addr;
    wl.length = 4;
    wl.engine = VGT_ENGINE_VECS;
    wl.nr_regs = 1;
    /*
     * Posted (ABI 6): the refusals come back as events, in order, and
     * are counted per code.
     */
    wl.id = 1;
    wl.regs[0] = (struct vgt_reg_write){ 0x44004, 0 };
    g_assert_cmpint(ops->submit(v.conn, &wl), ==, 0);
    wl.id = 2;
    wl.regs[0] = (struct vgt_reg_write){ 0x4380, 0 };
    wl.start = 0;
    g_assert_cmpint(ops->submit(v.conn, &wl), ==, 0);
    expect_refused(&v, 1, 2);
    g_assert_cmpint(ops->stats(v.conn, &st), ==, 0);
    g_assert_cmpuint(st.refused[VGT_E_REG], ==, 1);
    g_assert_cmpuint(st.refused[VGT_E_GM_RANGE], ==, 1);
    wl.start = v.shadow.gm_addr;
    wl.engine = 9;
    g_assert_cmpint(ops->submit(v.conn, &wl), ==, -VGT_E_ENGINE);
    /* A queue of NOOP workloads, then destroy while they may run. */
    wl.engine = VGT_ENGINE_VECS;
    memset((void *)(uintptr_t)v.shadow.hva, 0, 64);
    for (int i = 0; i < VGT_WL_QUEUE_MAX; i++) {
        int ret = ops->submit(v.conn, &wl);

        g_assert_true(ret == 0 || ret == -VGT_E_QUEUE_FULL);
    }
    g_assert_cmpint(ops->destroy(v.conn), ==, 0);
    g_assert_cmpint(ops->submit(v.conn, &wl), ==, -VGT_E_NOINST);
    g_assert_cmpint(ops->shadow_map(v.conn, &sh2), ==, -VGT_E_NOINST);
    /* A new instance on the same connection gets a fresh area. */
    g_assert_cmpint(ops->create(v.conn, &req, &v.info), ==, 0);
    g_assert_cmpint(ops->shadow_map(v.conn, &sh2), ==, 0);
    g_assert_cmpuint(sh2.size, ==, VGT_SHADOW_SIZE);
    memset((void *)(uintptr_t)sh2.hva, 0, VGT_SHADOW_SIZE);
    g_assert_true(daemon_alive());
    vm_down(&v);
}

static void test_two_vms(void)
{
    static const guint32 w[2] = { 1, 2 };

    int try = 0;

    while (!run_vms(2, w, NULL, &small_req, 1.5, try == 2)) {
        try++;
    }
}

static void test_eight_vms(void)
{
    static const guint32 w[8] = { 1, 1, 2, 2, 3, 3, 4, 4 };

    int try = 0;

    while (!run_vms(8, w, NULL, &small_req, 3.0, try == 2)) {
        try++;
    }
}

/* Weights 1, 2, 3, 4 repeating. */
static void weights_1234(guint32 *w, int n)
{
    for (int k = 0; k < n; k++) {
        w[k] = 1 + k % 4;
    }
}

/*
 * 16 VMs at XenGT's default partition: more than the GM holds side by
 * side (3 non-mappable ranges of 448 MiB), so they share GM slots and
 * their GTT entries are swapped in when they run.  A weight-1 VM gets
 * 1/40 of the engine: 6 s are about 40 of its 4 ms slices, so that one
 * slice more or less at the window's edges stays well inside 5%.
 */
static void test_sixteen_vms(void)
{
    guint32 w[16];
    int try = 0;

    weights_1234(w, 16);
    while (!run_vms(16, w, NULL, &default_req, 6.0, try == 2)) {
        try++;
    }
}

/*
 * 16 VMs at the default partition, 4 of them busy (weights 1, 2, 3, 4,
 * spread over the instances so that they share slots with idle ones):
 * the 12 idle ones are never switched to nor swapped in, and the busy
 * ones' shares follow their weights.
 */
static void test_idle_vms(void)
{
    bool busy[16] = { [0] = true, [5] = true, [10] = true, [15] = true };
    guint32 w[16];
    int try = 0;

    weights_1234(w, 16);
    while (!run_vms(16, w, busy, &default_req, 2.0, try == 2)) {
        try++;
    }
}

/* Random command streams and workloads from one VM, a good one beside. */
static void test_garbage_workloads(void)
{
    static const guint32 ring_regs[] = {
        0x98, 0x9c, 0xc0, 0x50, 0x220, 0x228, 0x29c,
    };
    static const guint32 engine_base[4] = { 0x2000, 0x12000, 0x22000,
                        0x1a000 };
    static const guint32 hws_pga[4] = { 0x4080, 0x4180, 0x4280, 0x4380 };
    static const guint32 bad_regs[] = { 0x2180, 0x44004, 0x100000, 0x2030,
                        0xa188, 0x4080 };
    GRand *rnd = g_rand_new_with_seed(0x76677406);
    struct vm good, bad;
    gint64 deadline = g_get_monotonic_time() + 40 * G_USEC_PER_SEC;
    guint64 accepted = 0, refused = 0, faults = 0, cancelled = 0, done = 0;
    guint64 refused_ev = 0;
    guint8 *sh;

    vm_up(&good, 1, 4, &small_req);
    vm_up(&bad, 2, 4, &small_req);
    sh = (guint8 *)(uintptr_t)bad.shadow.hva;
    /* Sprinkle the bad VM's RAM and shadow with plausible commands. */
    for (guint32 i = 0; i < VGT_SHADOW_SIZE / 4; i++) {
        guint32 v = g_rand_int(rnd);

        switch (g_rand_int_range(rnd, 0, 6)) {
        case 0: /* MI */
            v &= 0x1fffffff;
            break;
        case 1: /* 2D */
            v = (v & 0x1fffffff) | 0x40000000;
            break;
        case 2: /* 3D */
            v = (v & 0x1fffffff) | 0x60000000;
            break;
        case 3: /* addresses */
            v = (guint32)bad.info.mappable_base + (v % (guint32)RAM_SIZE);
            break;
        default:
            break;
        }
        memcpy(sh + i * 4, &v, 4);
        if (i < RAM_SIZE / 4) {
            memcpy(bad.ram + i * 4, &v, 4);
        }
    }
    good.t0 = 0;
    good.t1 = g_get_monotonic_time() + 3 * G_USEC_PER_SEC;
    good.thread = g_thread_new("good", vm_main, &good);
    for (int i = 0; i < 1500 && g_get_monotonic_time() < deadline; i++) {
        struct vgt_workload wl = { 0 };
        struct vgt_event ev[VGT_EVENT_READ_MAX];
        int ret, n;

        wl.id = i + 1;
        wl.start = bad.shadow.gm_addr +
               (g_rand_int_range(rnd, 0, VGT_SHADOW_SIZE / 4) * 4);
        wl.length = g_rand_int_range(rnd, 1, 64) * 4;
        wl.engine = g_rand_int_range(rnd, 0, 4);
        wl.nr_regs = g_rand_int_range(rnd, 0, 5);
        for (guint32 r = 0; r < wl.nr_regs; r++) {
            guint32 pick = g_rand_int_range(rnd, 0, 10);

            if (pick == 0) {
                wl.regs[r].offset = hws_pga[wl.engine];
            } else {
                wl.regs[r].offset = engine_base[wl.engine] +
                    ring_regs[g_rand_int_range(
                        rnd, 0, G_N_ELEMENTS(ring_regs))];
            }
            /* a directory or HWS page in its own GM, or not */
            wl.regs[r].value = g_rand_boolean(rnd) ?
                g_rand_int(rnd) :
                (((guint32)bad.info.mappable_base >> 12) / 16 +
                 g_rand_int_range(rnd, 0, 64)) << 16;
        }
        /* Some envelopes the helper must refuse. */
        if (g_rand_int_range(rnd, 0, 20) == 0) {
            wl.engine = 4 + g_rand_int_range(rnd, 0, 100);
        }
        if (wl.nr_regs && g_rand_int_range(rnd, 0, 10) == 0) {
            wl.regs[0].offset = bad_regs[g_rand_int_range(
                rnd, 0, G_N_ELEMENTS(bad_regs))];
        }
        if (g_rand_int_range(rnd, 0, 10) == 0) {
            wl.start = g_rand_int(rnd);
        }
        ret = ops->submit(bad.conn, &wl);
        if (ret == -VGT_E_QUEUE_FULL || !ret) {
            accepted += !ret;
        } else {
            refused++;
        }
        while ((n = ops->events_read(bad.conn, ev,
                         VGT_EVENT_READ_MAX)) > 0) {
            for (int j = 0; j < n; j++) {
                faults += ev[j].type == VGT_EVENT_FAULT ||
                      ev[j].type == VGT_EVENT_HANG;
                /* posted (ABI 6): a refusal of the workload */
                refused_ev += ev[j].type == VGT_EVENT_REFUSED;
                cancelled += ev[j].type == VGT_EVENT_CANCELLED;
                done += ev[j].type == VGT_EVENT_COMPLETE;
            }
        }
        g_assert_cmpint(n, ==, 0);
    }
    g_thread_join(good.thread);
    g_test_message("garbage workloads: %llu accepted, %llu refused "
                   "(%llu more as events), "
                   "%llu faulted/hung, %llu cancelled behind them, "
                   "%llu completions seen",
               (unsigned long long)accepted,
               (unsigned long long)refused, (unsigned long long)refused_ev,
               (unsigned long long)faults, (unsigned long long)cancelled,
               (unsigned long long)done);
    g_assert_true(daemon_alive());
    if (good.failed) {
        g_error("good vm: %s", good.why);
    }
    check_results(&good);
    g_assert_cmpuint(accepted, >, 100);
    g_assert_cmpuint(faults, >, 10);
    g_assert_cmpuint(refused, >, 10);           /* no such engine */
    g_assert_cmpuint(refused_ev, >, 10);        /* registers, starts */
    vm_down(&bad);
    vm_down(&good);
    g_rand_free(rnd);
}

/*
 * vgt-hostd serves its clients concurrently (issue 18): while VM Z's
 * memory registration waits in the daemon for the GPU (VM X runs 256 MiB
 * fills, the workload budget), VM Y's GTT writes are answered.  A
 * daemon with one thread for all clients answers none of them until Z's
 * request is done.  Counted, not timed: Y's writes that completed while
 * Z's request was outstanding.  Since the fills are preempted at the end
 * of each slice, Z waits for the rest of one slice (4 ms) at most, not
 * for a whole fill: up to 30 rounds to see the 20 writes.
 */
struct blocked {
    struct vm *z;
    int memfd;
    gint inflight;              /* Z's request is outstanding */
    gint done;
    int ret;
};

static gpointer blocked_register(gpointer opaque)
{
    struct blocked *b = opaque;
    struct vgt_mem_region r = { .gpa = MIB(1024), .size = MIB(1),
                                .fd = b->memfd };

    g_atomic_int_set(&b->inflight, 1);
    b->ret = ops->mem_register(b->z->conn, &r);
    g_atomic_int_set(&b->inflight, 0);
    if (!b->ret) {
        b->ret = ops->mem_unregister(b->z->conn, r.gpa);
    }
    g_atomic_int_set(&b->done, 1);
    return NULL;
}

static void hostile_fill(struct vm *x, guint64 *id)
{
    guint32 off = (guint32)(++*id % NSLOTS) * SLOT;
    guint32 *dw = (guint32 *)((guint8 *)(uintptr_t)x->shadow.hva + off);
    struct vgt_workload wl = { 0 };

    dw[0] = 0x54300004u;                            /* XY_COLOR_BLT */
    /* 16 KiB rows: BR13's pitch is signed (32 KiB would read -32 KiB) */
    dw[1] = (3u << 24) | (0xf0u << 16) | 16384u;
    dw[2] = 0;
    dw[3] = (16384u << 16) | (16384u / 4);
    dw[4] = (guint32)x->info.nonmappable_base;
    dw[5] = 0x5a5a5a5a;
    dw[6] = 0;
    dw[7] = 0;
    wl.id = *id;
    wl.start = x->shadow.gm_addr + off;
    wl.length = 32;
    wl.engine = VGT_ENGINE_BCS;
    g_assert_cmpint(ops->submit(x->conn, &wl), ==, 0);
}

static void test_blocked_client(void)
{
    static const struct vgt_create_req big = { MIB(8), MIB(256), 0, 0 };
    struct vgt_gtt_entry e[VGT_GTT_WRITE_MAX];
    struct vm x, y, z;
    guint64 id = 0, done = 0;
    guint32 pages = MIB(256) >> 12;
    int best = 0;

    vm_up(&x, 0, 4, &big);
    vm_up(&y, 1, 4, &small_req);
    vm_up(&z, 2, 4, &small_req);
    for (guint32 i = 0; i < pages; i += VGT_GTT_WRITE_MAX) {
        guint32 n = MIN(VGT_GTT_WRITE_MAX, pages - i);

        for (guint32 j = 0; j < n; j++) {
            e[j].index = (guint32)(x.info.nonmappable_base >> 12) + i + j;
            e[j].flags = VGT_PTE_VALID;
            e[j].gfn = (i + j) % (RAM_SIZE >> 12);
        }
        g_assert_cmpint(ops->gtt_write(x.conn, e, n, NULL), ==, 0);
    }
    for (int round = 0; round < 30 && best < 20; round++) {
        struct blocked b = { .z = &z };
        struct vgt_event ev[VGT_EVENT_READ_MAX];
        GThread *th;
        int count = 0;

        b.memfd = memfd_create("vgt-blocked", MFD_CLOEXEC |
                               MFD_ALLOW_SEALING);
        g_assert_cmpint(ftruncate(b.memfd, MIB(1)), ==, 0);
        g_assert_cmpint(fcntl(b.memfd, F_ADD_SEALS,
                              F_SEAL_SHRINK | F_SEAL_GROW), ==, 0);
        hostile_fill(&x, &id);
        hostile_fill(&x, &id);
        g_usleep(5000);         /* the first fill on the GPU */
        th = g_thread_new("vm-z", blocked_register, &b);
        while (!g_atomic_int_get(&b.done)) {
            struct vgt_gtt_entry w = {
                (guint32)(y.info.mappable_base >> 12) + count % 64,
                VGT_PTE_VALID, (guint32)count % 64 };
            bool before = g_atomic_int_get(&b.inflight);

            g_assert_cmpint(ops->gtt_write(y.conn, &w, 1, NULL), ==, 0);
            count += before && g_atomic_int_get(&b.inflight);
        }
        g_thread_join(th);
        g_assert_cmpint(b.ret, ==, 0);
        close(b.memfd);
        best = MAX(best, count);
        while (done < id) {
            struct pollfd p = { .fd = ops->event_fd(x.conn),
                                .events = POLLIN };
            int n;

            g_assert_cmpint(poll(&p, 1, 10000), ==, 1);
            n = ops->events_read(x.conn, ev, VGT_EVENT_READ_MAX);
            for (int i = 0; i < n; i++) {
                g_assert_cmpuint(ev[i].type, ==, VGT_EVENT_COMPLETE);
                done++;
            }
        }
    }
    if (g_test_verbose()) {
        g_test_message("Y's GTT writes answered while Z waited: %d", best);
    }
    g_assert_cmpint(best, >=, 20);
    vm_down(&z);
    vm_down(&y);
    vm_down(&x);
    g_assert_true(daemon_alive());
}

static void test_stop(void)
{
    int status;

    g_assert_true(daemon_alive());
    kill(daemon_pid, SIGTERM);
    g_assert_cmpint(waitpid(daemon_pid, &status, 0), ==, daemon_pid);
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 0);
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/hostd-sched/start", test_start);
    g_test_add_func("/hostd-sched/api", test_api);
    g_test_add_func("/hostd-sched/two-vms", test_two_vms);
    g_test_add_func("/hostd-sched/eight-vms", test_eight_vms);
    g_test_add_func("/hostd-sched/sixteen-vms", test_sixteen_vms);
    g_test_add_func("/hostd-sched/idle-vms", test_idle_vms);
    g_test_add_func("/hostd-sched/garbage-workloads",
            test_garbage_workloads);
    g_test_add_func("/hostd-sched/blocked-client", test_blocked_client);
    g_test_add_func("/hostd-sched/stop", test_stop);
    return g_test_run();
}
