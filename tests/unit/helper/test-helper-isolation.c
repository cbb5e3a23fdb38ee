// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Isolation under hostile load (issue 18): no VM's workload holds up
 * another VM's GTT, fence, reset or event traffic, and what must not
 * change under a running workload (its VM's reset, destroy, memory, dirty
 * log) waits for it instead of racing with it.
 *
 * The helper core on the software Haswell with the scheduler thread, as
 * the embedded transport and vgt-hostd run it.  A gate around the
 * blitter's engine_exec holds VM A's workload "on the GPU" for as long as
 * a test wants: what must go on meanwhile is checked to complete before
 * the gate opens, what must wait is checked to return only after the
 * workload finished (counters, not timings).  Then the real thing: a
 * 256 MiB fill (the workload budget) while VM B's GTT and fence writes
 * and events complete inside it.
 */
#include <errno.h>
#include "hsw/hsw-regs.h"
#include "core/vgt-core-priv.h"
#include "user/vgt-sched-thread.h"
#include "hw/vgt-host-ops.h"
#include "helper-env.h"

/*
 * pthread's primitives, not GLib's (futexes ThreadSanitizer does not
 * see): `make check-tsan` runs these suites.  Deadlines are
 * g_get_monotonic_time() microseconds.
 */
static void cond_init_monotonic(pthread_cond_t *c)
{
    pthread_condattr_t a;

    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    pthread_cond_init(c, &a);
    pthread_condattr_destroy(&a);
}

/* false: the deadline passed */
static bool cond_wait_until(pthread_cond_t *c, pthread_mutex_t *m,
                            gint64 end_us)
{
    struct timespec ts = { end_us / G_USEC_PER_SEC,
                           (end_us % G_USEC_PER_SEC) * 1000 };

    return pthread_cond_timedwait(c, m, &ts) != ETIMEDOUT;
}

#define MIB(x)          ((guint64)(x) << 20)
#define RAM_SIZE        MIB(4)
#define FILL_OFF        0x100000u       /* in A's mappable GM = its RAM */
#define WAIT_US         (10 * G_USEC_PER_SEC)   /* "never", functionally */

#define XY_COLOR_BLT        0x54300004u     /* 32 bpp, alpha | rgb */
#define MI_USER_INTERRUPT   0x01000000u

/* ---- the gate --------------------------------------------------------- */

static struct {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool armed;             /* hold the next BCS workloads */
    bool open;
    unsigned int entered;   /* workloads that reached the GPU */
    unsigned int finished;  /* and left it */
    const struct vgt_gpu_ops *real;
} gate;

static struct vgt_gpu_ops gated_ops;

static void gated_engine_exec(void *gpu, u32 engine, struct vgt_gpu_exec *x)
{
    bool held = engine == VGT_ENGINE_BCS;

    if (held) {
        pthread_mutex_lock(&gate.lock);
        gate.entered++;
        pthread_cond_broadcast(&gate.cond);
        while (gate.armed && !gate.open) {
            pthread_cond_wait(&gate.cond, &gate.lock);
        }
        pthread_mutex_unlock(&gate.lock);
    }
    gate.real->engine_exec(gpu, engine, x);
    if (held) {
        pthread_mutex_lock(&gate.lock);
        gate.finished++;
        pthread_cond_broadcast(&gate.cond);
        pthread_mutex_unlock(&gate.lock);
    }
}

static void gate_reset(bool armed)
{
    pthread_mutex_lock(&gate.lock);
    gate.armed = armed;
    gate.open = false;
    gate.entered = 0;
    gate.finished = 0;
    pthread_mutex_unlock(&gate.lock);
}

static void gate_open(void)
{
    pthread_mutex_lock(&gate.lock);
    gate.open = true;
    pthread_cond_broadcast(&gate.cond);
    pthread_mutex_unlock(&gate.lock);
}

static unsigned int gate_finished(void)
{
    unsigned int n;

    pthread_mutex_lock(&gate.lock);
    n = gate.finished;
    pthread_mutex_unlock(&gate.lock);
    return n;
}

/* Until @n workloads entered the GPU (a functional bound, not a timing). */
static void gate_wait_entered(unsigned int n)
{
    gint64 end = g_get_monotonic_time() + WAIT_US;

    pthread_mutex_lock(&gate.lock);
    while (gate.entered < n) {
        if (!cond_wait_until(&gate.cond, &gate.lock, end)) {
            g_error("the workload never reached the GPU");
        }
    }
    pthread_mutex_unlock(&gate.lock);
}

/* ---- fixture ---------------------------------------------------------- */

struct iso {
    struct env e;
    struct vgt_sched_thread *sched;
};

static void iso_up_n(struct iso *t, int n, const struct vgt_create_req *req,
                     guint32 map_pages)
{
    struct vgt_swhsw *probe = vgt_swhsw_create();
    struct vgt_gpu gpu;

    vgt_swhsw_get_gpu(probe, &gpu);
    gate.real = gpu.ops;
    gated_ops = *gpu.ops;
    gated_ops.engine_exec = gated_engine_exec;
    vgt_swhsw_destroy(probe);
    env_up_ops(&t->e, n, req, RAM_SIZE, map_pages, false, &gated_ops);
    t->sched = vgt_sched_thread_start(t->e.host);
    g_assert_nonnull(t->sched);
}

static void iso_up(struct iso *t, const struct vgt_create_req *req,
                   guint32 map_pages)
{
    iso_up_n(t, 2, req, map_pages);
}

static void iso_down(struct iso *t)
{
    gate_open();
    vgt_sched_thread_stop(t->sched);
    env_down(&t->e);
}

/* A fill of @rows rows of @pitch bytes at @gm_addr, then a user irq. */
static guint64 submit_fill(struct env *e, int k, guint64 gm_addr,
                           guint32 pitch, guint32 rows, guint32 color)
{
    guint32 dw[8] = {
        XY_COLOR_BLT, (3u << 24) | (0xf0u << 16) | pitch, 0,
        (rows << 16) | (pitch / 4), (guint32)gm_addr, color,
        MI_USER_INTERRUPT, 0,
    };
    struct vgt_workload wl = { 0 };

    wl.id = ++e->next_id;
    wl.start = env_shadow_put(e, k, dw, 8);
    wl.length = sizeof(dw);
    wl.engine = VGT_ENGINE_BCS;
    g_assert_cmpint(vgt_inst_submit(e->inst[k], &wl), ==, 0);
    return wl.id;
}

/* Drain @k's events until the COMPLETE of @id (bounded wait). */
static void wait_complete(struct env *e, int k, guint64 id)
{
    gint64 end = g_get_monotonic_time() + WAIT_US;
    struct vgt_event ev[VGT_EVENT_READ_MAX];

    for (;;) {
        int n = vgt_inst_events_read(e->inst[k], ev, VGT_EVENT_READ_MAX);

        for (int i = 0; i < n; i++) {
            if (ev[i].type == VGT_EVENT_COMPLETE && ev[i].data == id) {
                return;
            }
        }
        if (g_get_monotonic_time() > end) {
            g_error("workload %llu of VM %d never completed",
                    (unsigned long long)id, k);
        }
        g_usleep(200);
    }
}

/* Who runs on the blitter now (the core's own record). */
static struct vgt_instance *exec_inst(struct env *e)
{
    struct vgt_instance *i;

    vgt_mutex_lock(&e->host->lock);
    i = e->host->exec_inst[VGT_ENGINE_BCS];
    vgt_mutex_unlock(&e->host->lock);
    return i;
}

/* ---- B's traffic while A's workload is on the GPU ---------------------- */

struct traffic {
    struct env *e;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool done;
};

/* Everything of VM B that must not wait for VM A's workload. */
static gpointer b_traffic(gpointer opaque)
{
    struct traffic *t = opaque;
    struct env *e = t->e;
    struct vgt_instance *b = e->inst[1];
    guint64 base = e->info[1].mappable_base >> 12;
    struct vgt_gtt_entry ent = { (guint32)base + 5, VGT_PTE_VALID, 7 }, rd;
    struct vgt_event ev[VGT_EVENT_READ_MAX];
    struct vgt_engine_regs regs;
    struct vgt_sched_stats sst;
    struct vgt_stats st;
    guint8 buf[64];
    int n;

    for (int i = 0; i < 200; i++) {
        ent.index = (guint32)base + 16 + i % 64;
        ent.gfn = 16 + i % 64;
        g_assert_cmpint(vgt_inst_gtt_write(b, &ent, 1, NULL), ==, 0);
    }
    g_assert_cmpint(vgt_inst_gtt_read(b, ent.index, &rd), ==, 0);
    g_assert_cmpuint(rd.gfn, ==, ent.gfn);
    g_assert_cmpint(vgt_inst_fence_write(b, 0, 0), ==, 0);
    g_assert_cmpint(vgt_inst_fence_write(b, 1,
                        ((e->info[1].mappable_base + 0xfff000) << 32) |
                        e->info[1].mappable_base | 1), ==, 0);
    g_assert_cmpint(vgt_inst_gm_read(b, e->info[1].mappable_base, buf,
                                     sizeof(buf)), ==, 0);
    vgt_inst_post_event(b, VGT_EVENT_VBLANK, 0, 1);
    n = vgt_inst_events_read(b, ev, VGT_EVENT_READ_MAX);
    g_assert_cmpint(n, >=, 1);
    g_assert_cmpuint(ev[n - 1].type, ==, VGT_EVENT_VBLANK);
    g_assert_cmpint(vgt_inst_engine_regs_get(b, VGT_ENGINE_BCS, &regs), ==,
                    0);
    vgt_inst_get_stats(b, &st);
    vgt_inst_get_sched_stats(b, &sst);
    /* A device reset of B (i915's GDRST): its own share only. */
    g_assert_cmpint(vgt_inst_reset(b), ==, 0);
    n = vgt_inst_events_read(b, ev, VGT_EVENT_READ_MAX);
    g_assert_cmpint(n, ==, 1);
    g_assert_cmpuint(ev[0].type, ==, VGT_EVENT_RESET);
    /* And its GTT again after the reset. */
    g_assert_cmpint(vgt_inst_gtt_write(b, &ent, 1, NULL), ==, 0);

    pthread_mutex_lock(&t->lock);
    t->done = true;
    pthread_cond_broadcast(&t->cond);
    pthread_mutex_unlock(&t->lock);
    return NULL;
}

static void test_others_proceed(void)
{
    struct vgt_create_req req = { MIB(16), MIB(16), 4, 0 };
    struct traffic t = { 0 };
    struct iso s;
    GThread *th;
    guint64 id;
    gint64 end;

    gate_reset(true);
    iso_up(&s, &req, RAM_SIZE / 4096);
    id = submit_fill(&s.e, 0, s.e.info[0].mappable_base + FILL_OFF, 1024,
                     16, 0x11223344);
    gate_wait_entered(1);
    g_assert_true(exec_inst(&s.e) == s.e.inst[0]);

    t.e = &s.e;
    pthread_mutex_init(&t.lock, NULL);
    cond_init_monotonic(&t.cond);
    th = g_thread_new("vm-b", b_traffic, &t);
    end = g_get_monotonic_time() + WAIT_US;
    pthread_mutex_lock(&t.lock);
    while (!t.done) {
        if (!cond_wait_until(&t.cond, &t.lock, end)) {
            g_error("VM B's GTT/fence/event/reset traffic waits for "
                    "VM A's running workload");
        }
    }
    pthread_mutex_unlock(&t.lock);
    g_thread_join(th);
    /* All of it happened while A's workload was on the GPU. */
    g_assert_cmpuint(gate_finished(), ==, 0);
    g_assert_true(exec_inst(&s.e) == s.e.inst[0]);

    gate_open();
    wait_complete(&s.e, 0, id);
    g_assert_cmpuint(rd32(&s.e, 0, FILL_OFF + 15 * 1024 + 1020), ==,
                     0x11223344);
    pthread_mutex_destroy(&t.lock);
    pthread_cond_destroy(&t.cond);
    iso_down(&s);
}

/* ---- A's own operations while its workload runs: they wait for it ------- */

enum a_op { OP_RESET, OP_UNREGISTER, OP_DIRTY_READ, OP_DESTROY, OP_CREATE };

struct a_call {
    struct iso *s;
    enum a_op op;
    int ret;
    unsigned int finished_at_return;    /* gate.finished when it returned */
};

static gpointer a_call_run(gpointer opaque)
{
    struct a_call *c = opaque;
    struct env *e = &c->s->e;
    struct vgt_create_req req = { MIB(16), MIB(16), 0, 0 };
    struct vgt_instance *extra = NULL;
    guint64 bitmap[1];

    switch (c->op) {
    case OP_RESET:
        c->ret = vgt_inst_reset(e->inst[0]);
        break;
    case OP_UNREGISTER:
        c->ret = vgt_inst_mem_unregister(e->inst[0], 0);
        break;
    case OP_DIRTY_READ:
        c->ret = vgt_inst_dirty_read(e->inst[0], 0, 64, bitmap);
        break;
    case OP_DESTROY:
        vgt_inst_destroy(e->inst[0]);
        e->inst[0] = NULL;
        c->ret = 0;
        break;
    case OP_CREATE:
        /* A third VM maps its helper pages: waits for the GPU, no more. */
        c->ret = vgt_inst_create(e->host, &req, &extra);
        vgt_inst_destroy(extra);
        break;
    }
    c->finished_at_return = gate_finished();
    return NULL;
}

static void a_op_while_running(enum a_op op)
{
    struct vgt_create_req req = { MIB(16), MIB(16), 4, 0 };
    struct vgt_event ev[VGT_EVENT_READ_MAX];
    struct a_call c = { 0 };
    struct iso s;
    GThread *th;

    gate_reset(true);
    iso_up(&s, &req, RAM_SIZE / 4096);
    if (op == OP_DIRTY_READ) {
        g_assert_cmpint(vgt_inst_dirty_log(s.e.inst[0], true), ==, 0);
    }
    submit_fill(&s.e, 0, s.e.info[0].mappable_base + FILL_OFF, 1024, 16,
                0x55aa55aa);
    submit_fill(&s.e, 0, s.e.info[0].mappable_base + FILL_OFF, 1024, 16,
                0x66bb66bb);
    gate_wait_entered(1);
    c.s = &s;
    c.op = op;
    th = g_thread_new("vm-a-op", a_call_run, &c);
    /* Give it the chance to be wrong: it must not return meanwhile. */
    g_usleep(50000);
    gate_open();
    g_thread_join(th);
    g_assert_cmpint(c.ret, ==, 0);
    g_assert_cmpuint(c.finished_at_return, >=, 1);

    switch (op) {
    case OP_RESET:
        /* The running one finished first; the queued one was dropped. */
        g_assert_cmpint(vgt_inst_events_read(s.e.inst[0], ev,
                                             VGT_EVENT_READ_MAX), ==, 1);
        g_assert_cmpuint(ev[0].type, ==, VGT_EVENT_RESET);
        break;
    case OP_DIRTY_READ:
        g_assert_cmpint(vgt_inst_dirty_log(s.e.inst[0], false), ==, 0);
        break;
    default:
        break;
    }
    /* B still works, and A (if still there) too. */
    submit_fill(&s.e, 1, s.e.info[1].mappable_base + FILL_OFF, 1024, 4, 7);
    wait_complete(&s.e, 1, s.e.next_id);
    iso_down(&s);
}

static void test_a_reset(void)
{
    a_op_while_running(OP_RESET);
}

static void test_a_unregister(void)
{
    a_op_while_running(OP_UNREGISTER);
}

static void test_a_dirty_read(void)
{
    a_op_while_running(OP_DIRTY_READ);
}

static void test_a_destroy(void)
{
    a_op_while_running(OP_DESTROY);
}

static void test_create_waits(void)
{
    a_op_while_running(OP_CREATE);
}

/* ---- the real thing: a 256 MiB fill ------------------------------------ */

/* Map 256 MiB of VM A's non-mappable GM (RAM, wrapped) for the fills. */
static void map_fill_target(struct iso *s)
{
    guint32 nm_pages = MIB(256) >> 12;
    struct vgt_gtt_entry ent[VGT_GTT_WRITE_MAX];

    for (guint32 i = 0; i < nm_pages; i += VGT_GTT_WRITE_MAX) {
        guint32 m = MIN(VGT_GTT_WRITE_MAX, nm_pages - i);

        for (guint32 j = 0; j < m; j++) {
            ent[j].index = (guint32)(s->e.info[0].nonmappable_base >> 12) +
                           i + j;
            ent[j].flags = VGT_PTE_VALID;
            ent[j].gfn = (i + j) % (RAM_SIZE >> 12);
        }
        g_assert_cmpint(vgt_inst_gtt_write(s->e.inst[0], ent, m, NULL), ==,
                        0);
    }
}

static void test_hostile_fill(void)
{
    /* A's non-mappable GM, 256 MiB, aliases its 4 MiB of RAM. */
    struct vgt_create_req req = { MIB(16), MIB(256), 4, 0 };
    /* 16 KiB rows: BR13's pitch is signed 16 bits (32 KiB reads as -32 KiB) */
    guint32 rows = 16384, pitch = 16384;
    struct vgt_sched_stats before, after;
    struct iso s;
    int inside = 0;

    gate_reset(false);
    iso_up(&s, &req, 64);
    map_fill_target(&s);
    /*
     * Up to 16 fills: B's 100 GTT writes, 2 fence writes and an event
     * round trip must fit inside one of them at least once (with the
     * host lock held across execution they never could).
     */
    for (int round = 0; round < 16 && !inside; round++) {
        guint64 id = submit_fill(&s.e, 0, s.e.info[0].nonmappable_base,
                                 pitch, rows, 0x5a5a5a5a);
        struct vgt_event ev[VGT_EVENT_READ_MAX];

        /*
         * On a loaded machine this thread may not run at all while the
         * fill does: then the round does not count.
         */
        vgt_inst_get_sched_stats(s.e.inst[0], &before);
        while (exec_inst(&s.e) != s.e.inst[0] &&
               before.completed <= (guint64)round) {
            g_usleep(100);
            vgt_inst_get_sched_stats(s.e.inst[0], &before);
        }
        if (before.completed > (guint64)round) {    /* A's fills so far */
            wait_complete(&s.e, 0, id);
            continue;
        }
        for (int i = 0; i < 100; i++) {
            struct vgt_gtt_entry e = {
                (guint32)(s.e.info[1].mappable_base >> 12) + i,
                VGT_PTE_VALID, (guint32)i };

            g_assert_cmpint(vgt_inst_gtt_write(s.e.inst[1], &e, 1, NULL),
                            ==, 0);
        }
        g_assert_cmpint(vgt_inst_fence_write(s.e.inst[1], 0, 0), ==, 0);
        g_assert_cmpint(vgt_inst_fence_write(s.e.inst[1], 1, 0), ==, 0);
        vgt_inst_post_event(s.e.inst[1], VGT_EVENT_VBLANK, 0, round);
        g_assert_cmpint(vgt_inst_events_read(s.e.inst[1], ev,
                                             VGT_EVENT_READ_MAX), >=, 1);
        vgt_inst_get_sched_stats(s.e.inst[0], &after);
        inside += after.completed == before.completed &&
                  exec_inst(&s.e) == s.e.inst[0];
        wait_complete(&s.e, 0, id);
    }
    g_assert_cmpint(inside, >=, 1);
    vgt_inst_get_sched_stats(s.e.inst[0], &after);
    g_assert_cmpuint(after.faults + after.hangs, ==, 0);   /* real fills */
    /* The fill was real: A's RAM holds its colour. */
    g_assert_cmpuint(rd32(&s.e, 0, 0x2000), ==, 0x5a5a5a5a);
    iso_down(&s);
}

/*
 * Preemption (sched.c): a device reset of VM A while A runs a 256 MiB
 * fill waits for the fill's current piece at most, not for the fill: the
 * fill is stopped at a band boundary within a slice and dropped with the
 * reset, so it never completes.  (Before preemption the reset waited for
 * the whole fill, which then counted as completed.)  B's workloads queued
 * behind A's fill on the same engine run meanwhile.
 */
static void test_reset_of_huge_fill(void)
{
    struct vgt_create_req req = { MIB(16), MIB(256), 4, 0 };
    struct vgt_event ev[VGT_EVENT_READ_MAX];
    struct vgt_sched_stats st;
    guint64 b_id;
    struct iso s;
    int n;

    gate_reset(false);
    iso_up(&s, &req, 64);
    /* 1 ms slices: the fill is many pieces whatever the machine. */
    g_assert_cmpint(vgt_host_set_slice_ns(s.e.host, 1000000), ==, 0);
    map_fill_target(&s);
    submit_fill(&s.e, 0, s.e.info[0].nonmappable_base, 16384, 16384,
                0x5a5a5a5a);
    /* Until the fill is on the GPU (a piece of it has run or runs). */
    for (;;) {
        bool started;

        vgt_mutex_lock(&s.e.host->lock);
        vgt_mutex_lock(&s.e.host->qlock);
        started = s.e.host->exec_inst[VGT_ENGINE_BCS] == s.e.inst[0] ||
                  s.e.inst[0]->eng[VGT_ENGINE_BCS].preempted;
        vgt_mutex_unlock(&s.e.host->qlock);
        vgt_mutex_unlock(&s.e.host->lock);
        if (started) {
            break;
        }
        g_usleep(100);
    }
    b_id = submit_fill(&s.e, 1, s.e.info[1].mappable_base + 0x10000, 1024,
                       16, 0x77777777);
    wait_complete(&s.e, 1, b_id);
    g_assert_cmpint(vgt_inst_reset(s.e.inst[0]), ==, 0);
    vgt_inst_get_sched_stats(s.e.inst[0], &st);
    g_assert_cmpuint(st.completed, ==, 0);
    g_assert_cmpuint(st.queued, ==, 0);
    n = vgt_inst_events_read(s.e.inst[0], ev, VGT_EVENT_READ_MAX);
    g_assert_cmpint(n, ==, 1);
    g_assert_cmpuint(ev[0].type, ==, VGT_EVENT_RESET);
    g_assert_cmpuint(rd32(&s.e, 1, 0x10000 + 15 * 1024 + 1020), ==,
                     0x77777777);
    iso_down(&s);
}

/* ---- the engines in parallel ------------------------------------------ */

#define MI_SDX              0x10800001u     /* MI_STORE_DATA_INDEX */
#define MI_SDI_GGTT         (0x10000002u | (1u << 22))

/* A store of @value into the status page (GM page 0) on @engine. */
static guint64 submit_sdx(struct env *e, int k, guint32 engine,
                          guint32 value)
{
    guint32 dw[4] = { MI_SDX, 0x100, value, MI_USER_INTERRUPT };
    struct vgt_workload wl = { 0 };

    wl.id = ++e->next_id;
    wl.start = env_shadow_put(e, k, dw, 4);
    wl.length = sizeof(dw);
    wl.engine = engine;
    wl.nr_regs = 1;
    wl.regs[0].offset = hsw_engines[engine].hws_pga;
    wl.regs[0].value = (guint32)e->info[k].mappable_base;
    g_assert_cmpint(vgt_inst_submit(e->inst[k], &wl), ==, 0);
    return wl.id;
}

static bool has_completed(struct env *e, int k, guint64 id)
{
    struct vgt_event ev[VGT_EVENT_READ_MAX];
    int n = vgt_inst_events_read(e->inst[k], ev, VGT_EVENT_READ_MAX);

    for (int i = 0; i < n; i++) {
        if (ev[i].type == VGT_EVENT_COMPLETE && ev[i].data == id) {
            return true;
        }
    }
    return false;
}

/*
 * One thread per engine (vgt_host_engines_parallel): while VM A's blit is
 * held on the blitter, VM B's and A's own work on the render engine
 * completes.  VM C shares A's GM slot: its work waits until A's blit has
 * left the GPU (swapping the slot in under it would hand A's workload
 * C's pages), then runs; each store lands in its own VM's memory.
 */
static void test_engines_parallel(void)
{
    /* 240 MiB each: two fill the aperture, the third shares the first's */
    struct vgt_create_req req = { MIB(240), 0, 2, 0 };
    struct iso s;
    guint64 fill, c_id;
    gint64 end;

    gate_reset(true);
    iso_up_n(&s, 3, &req, RAM_SIZE / 4096);
    g_assert_cmpuint(vgt_sched_thread_count(s.sched), ==, VGT_ENGINE_COUNT);
    g_assert_cmphex(s.e.info[2].mappable_base, ==, s.e.info[0].mappable_base);
    fill = submit_fill(&s.e, 0, s.e.info[0].mappable_base + FILL_OFF, 1024,
                       64, 0x5a5a5a5a);
    gate_wait_entered(1);

    wait_complete(&s.e, 1, submit_sdx(&s.e, 1, VGT_ENGINE_RCS, 0xb0b0));
    wait_complete(&s.e, 0, submit_sdx(&s.e, 0, VGT_ENGINE_VCS, 0xa0a0));
    g_assert_cmpuint(gate_finished(), ==, 0);
    g_assert_cmphex(rd32(&s.e, 1, 0x100), ==, 0xb0b0);
    g_assert_cmphex(rd32(&s.e, 0, 0x100), ==, 0xa0a0);

    c_id = submit_sdx(&s.e, 2, VGT_ENGINE_RCS, 0xc0c0);
    /* a bounded wait for something that must not happen */
    end = g_get_monotonic_time() + 200 * 1000;
    while (g_get_monotonic_time() < end) {
        g_assert_false(has_completed(&s.e, 2, c_id));
        g_usleep(1000);
    }
    g_assert_cmpuint(gate_finished(), ==, 0);
    gate_open();
    wait_complete(&s.e, 0, fill);
    wait_complete(&s.e, 2, c_id);
    g_assert_cmphex(rd32(&s.e, 2, 0x100), ==, 0xc0c0);
    g_assert_cmphex(rd32(&s.e, 0, 0x100), ==, 0xa0a0);
    g_assert_cmphex(rd32(&s.e, 0, FILL_OFF + 63 * 1024 + 1020), ==,
                    0x5a5a5a5a);
    g_assert_cmphex(rd32(&s.e, 2, FILL_OFF), ==, 0);
    iso_down(&s);
}

/*
 * Two VMs keep all four engines busy at once with stores to their own
 * pages, each ending with a user interrupt, in rounds: every workload
 * completes, every user interrupt arrives (the engines latch IIR while
 * the scheduler threads acknowledge it), every store lands, and the
 * dirty log has every page written (the engines report into one bitmap
 * at once).
 */
#define PAR_ROUNDS          8
#define PAR_PER_ROUND       32
/* stores per workload: long enough for the engines to overlap */
#define PAR_STORES          64
#define PAR_PAGE0           64          /* the stores' first GM page */

/* The value store i of workload (k, round, page) leaves. */
static guint32 par_value(int k, int round, guint32 page, int i)
{
    return (guint32)(k << 28 | round << 24 | i << 12 | page);
}

static void test_engines_parallel_stress(void)
{
    struct vgt_create_req req = { MIB(16), MIB(16), 4, 0 };
    guint32 irqs[2][VGT_ENGINE_COUNT] = { { 0 } };
    guint32 done[2] = { 0 };
    struct iso s;

    gate_reset(false);
    iso_up(&s, &req, RAM_SIZE / 4096);
    for (int k = 0; k < 2; k++) {
        g_assert_cmpint(vgt_inst_dirty_log(s.e.inst[k], true), ==, 0);
    }
    for (int round = 0; round < PAR_ROUNDS; round++) {
        gint64 end = g_get_monotonic_time() + WAIT_US;
        guint32 want = (round + 1) * PAR_PER_ROUND * VGT_ENGINE_COUNT;

        for (int j = 0; j < PAR_PER_ROUND; j++) {
            for (guint32 eng = 0; eng < VGT_ENGINE_COUNT; eng++) {
                for (int k = 0; k < 2; k++) {
                    guint32 page = PAR_PAGE0 + eng * PAR_PER_ROUND + j;
                    guint32 dw[PAR_STORES * 4 + 2];
                    struct vgt_workload wl = { 0 };

                    for (int i = 0; i < PAR_STORES; i++) {
                        dw[4 * i] = MI_SDI_GGTT;
                        dw[4 * i + 1] = 0;
                        dw[4 * i + 2] = (guint32)s.e.info[k].mappable_base +
                                        page * 4096 + round * 256 + i * 4;
                        dw[4 * i + 3] = par_value(k, round, page, i);
                    }
                    dw[4 * PAR_STORES] = MI_USER_INTERRUPT;
                    dw[4 * PAR_STORES + 1] = 0;
                    wl.id = ++s.e.next_id;
                    wl.start = env_shadow_put(&s.e, k, dw, G_N_ELEMENTS(dw));
                    wl.length = sizeof(dw);
                    wl.engine = eng;
                    g_assert_cmpint(vgt_inst_submit(s.e.inst[k], &wl), ==,
                                    0);
                }
            }
        }
        for (int k = 0; k < 2; k++) {
            while (done[k] < want) {
                struct vgt_event ev[VGT_EVENT_READ_MAX];
                int n = vgt_inst_events_read(s.e.inst[k], ev,
                                             VGT_EVENT_READ_MAX);

                for (int i = 0; i < n; i++) {
                    g_assert_cmpuint(ev[i].unit, <, VGT_ENGINE_COUNT);
                    if (ev[i].type == VGT_EVENT_USER_IRQ) {
                        irqs[k][ev[i].unit]++;
                    } else {
                        g_assert_cmpuint(ev[i].type, ==, VGT_EVENT_COMPLETE);
                        done[k]++;
                    }
                }
                if (!n) {
                    g_assert_cmpint(g_get_monotonic_time(), <, end);
                    g_usleep(100);
                }
            }
        }
    }
    for (int k = 0; k < 2; k++) {
        guint64 bits[(PAR_PAGE0 + VGT_ENGINE_COUNT * PAR_PER_ROUND + 63) / 64];
        struct vgt_stats st;

        vgt_inst_get_stats(s.e.inst[k], &st);
        g_assert_cmpuint(st.events_lost, ==, 0);
        for (guint32 eng = 0; eng < VGT_ENGINE_COUNT; eng++) {
            g_assert_cmpuint(irqs[k][eng], ==, PAR_ROUNDS * PAR_PER_ROUND);
        }
        for (guint32 p = PAR_PAGE0;
             p < PAR_PAGE0 + VGT_ENGINE_COUNT * PAR_PER_ROUND; p++) {
            for (int round = 0; round < PAR_ROUNDS; round++) {
                for (int i = 0; i < PAR_STORES; i++) {
                    g_assert_cmphex(rd32(&s.e, k, p * 4096 + round * 256 +
                                         i * 4), ==,
                                    par_value(k, round, p, i));
                }
            }
        }
        g_assert_cmpint(vgt_inst_dirty_read(s.e.inst[k], 0,
                                            G_N_ELEMENTS(bits) * 64, bits),
                        ==, 0);
        for (guint32 p = PAR_PAGE0;
             p < PAR_PAGE0 + VGT_ENGINE_COUNT * PAR_PER_ROUND; p++) {
            g_assert_true(bits[p / 64] & (1ull << (p % 64)));
        }
    }
    iso_down(&s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    vgt_log_level = -1;
    pthread_mutex_init(&gate.lock, NULL);
    cond_init_monotonic(&gate.cond);
    g_test_add_func("/isolation/others-proceed", test_others_proceed);
    g_test_add_func("/isolation/engines-parallel", test_engines_parallel);
    g_test_add_func("/isolation/engines-parallel-stress",
                    test_engines_parallel_stress);
    g_test_add_func("/isolation/reset-of-running-vm", test_a_reset);
    g_test_add_func("/isolation/unregister-of-running-vm",
                    test_a_unregister);
    g_test_add_func("/isolation/dirty-read-of-running-vm",
                    test_a_dirty_read);
    g_test_add_func("/isolation/destroy-of-running-vm", test_a_destroy);
    g_test_add_func("/isolation/create-while-running", test_create_waits);
    g_test_add_func("/isolation/hostile-fill", test_hostile_fill);
    g_test_add_func("/isolation/reset-of-huge-fill",
                    test_reset_of_huge_fill);
    return g_test_run();
}
