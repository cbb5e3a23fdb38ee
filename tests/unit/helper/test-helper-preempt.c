// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Preemption (issue 18): a workload that outlives its time slice stops at
 * a command boundary or between two row bands of a blit, the engine goes
 * to the next VM, and the workload goes on later where it stopped, with
 * its VM's GM slot and engine state back.
 *
 * The core on the software Haswell, driven synchronously (no scheduler
 * thread) so that what runs when is decided by the scheduler alone:
 * results are checked byte-exact against the same workload run whole on
 * a GPU that cannot be preempted (the preempt callback cleared, as a real
 * Haswell ignores it), orders by the events' global sequence numbers,
 * never by timings.  The slices are made short (down to the 10 us
 * minimum) so that pieces are many.
 */
#include "hsw/hsw-regs.h"
#include "core/vgt-core-priv.h"
#include "hw/vgt-host-ops.h"
#include "helper-env.h"

#define MIB(x)          ((guint64)(x) << 20)
#define RAM_SIZE        MIB(16)
#define RAM_PAGES       (guint32)(RAM_SIZE >> 12)

/* Where things are in a VM's RAM (= its mappable GM, page for page). */
#define SEQNO_OFF       0x100u
#define GPR_OFF         0x200u
#define HWS_OFF         0x4000u
#define BATCH1_OFF      0x10000u
#define BATCH2_OFF      0x40000u
#define LOOP_OFF        0x48000u
#define SMALL_OFF       0x80000u        /* 256 KiB for small fills */
#define FILL_OFF        MIB(1)          /* NREG regions of 1 MiB */
#define NREG            8
#define REPEAT          4
#define COPY_SRC_OFF    MIB(9)          /* 2 MiB, linear */
#define COPY_DST_OFF    MIB(11)         /* 2 MiB, X-tiled */
#define SECOND_OFF      MIB(13)         /* 1 MiB, from the 2nd-level batch */
#define TEXT_OFF        MIB(14)
#define BIG_OFF         MIB(1)          /* a 14 MiB fill */
#define BIG_ROWS        896u            /* of 16 KiB */

#define MI_NOOP                 0x00000000u
#define MI_USER_INTERRUPT       0x01000000u
#define MI_BB_END               0x05000000u
#define MI_SDI_GGTT             (0x10000002u | (1u << 22))
#define MI_SDX                  0x10800001u
#define MI_LRI(n)               (0x11000000u | (2 * (n) - 1))
#define MI_SRM_GGTT             (0x12000001u | (1u << 22))
#define MI_BB_START_GGTT        0x18800000u
#define MI_BB_START_2ND         (0x18800000u | (1u << 22))
#define XY_SETUP_BLT            0x40400006u
#define XY_TEXT_IMM(n)          (0x4c400000u | (n))
#define XY_COLOR_BLT            0x54300004u     /* 32bpp, alpha|rgb */
#define XY_SRC_COPY_BLT         0x54f00006u
#define XY_DST_TILED            (1u << 11)
#define BR13_32BPP              (3u << 24)
#define ROP_P                   (0xf0u << 16)
#define ROP_S                   (0xccu << 16)
#define GPR0                    0x2600u

/* ---- a GPU that cannot be preempted (the reference) ------------------- */

static const struct vgt_gpu_ops *swhsw_ops;
static struct vgt_gpu_ops whole_ops;

static void whole_engine_exec(void *gpu, u32 engine, struct vgt_gpu_exec *x)
{
    x->preempt = NULL;          /* as a real Haswell: it runs to the end */
    swhsw_ops->engine_exec(gpu, engine, x);
}

/*
 * And one that stops at every chance it gets (each SWHSW_PREEMPT_CMDS
 * commands, each band of a blit), whatever the scheduler's clock says:
 * where a workload stops does not depend on the machine's speed.
 */
static struct vgt_gpu_ops every_ops;

static bool always(void *opaque)
{
    return true;
}

static void every_engine_exec(void *gpu, u32 engine, struct vgt_gpu_exec *x)
{
    if (x->preempt) {
        x->preempt = always;
    }
    swhsw_ops->engine_exec(gpu, engine, x);
}

static void ops_init(void)
{
    struct vgt_swhsw *probe = vgt_swhsw_create();
    struct vgt_gpu gpu;

    vgt_swhsw_get_gpu(probe, &gpu);
    swhsw_ops = gpu.ops;
    whole_ops = *gpu.ops;
    whole_ops.engine_exec = whole_engine_exec;
    every_ops = *gpu.ops;
    every_ops.engine_exec = every_engine_exec;
    vgt_swhsw_destroy(probe);
}

enum mode {
    WHOLE,      /* never preempted */
    SLICE,      /* the scheduler's slices (the real thing) */
    EVERY,      /* at every command-boundary and band check */
};

/* @n VMs of @req, RAM = GM pages 0.. of their mappable range. */
static void up(struct env *e, int n, const struct vgt_create_req *req,
               enum mode mode, bool audited, u64 slice_ns)
{
    env_up_ops(e, n, req, RAM_SIZE, RAM_PAGES, audited,
               mode == WHOLE ? &whole_ops : mode == EVERY ? &every_ops :
               NULL);
    g_assert_cmpint(vgt_host_set_slice_ns(e->host, slice_ns), ==, 0);
}

static const struct vgt_create_req req16 = { MIB(16), MIB(16), 4, 0 };

/* Its GTT as env_up sets it (a reset points every entry at scratch). */
static void map_ram(struct env *e, int k)
{
    struct vgt_gtt_entry ent[VGT_GTT_WRITE_MAX];

    for (guint32 i = 0; i < RAM_PAGES; i += VGT_GTT_WRITE_MAX) {
        guint32 m = MIN(VGT_GTT_WRITE_MAX, RAM_PAGES - i);

        for (guint32 j = 0; j < m; j++) {
            ent[j].index = (guint32)(e->info[k].mappable_base >> 12) + i + j;
            ent[j].flags = VGT_PTE_VALID;
            ent[j].gfn = i + j;
        }
        g_assert_cmpint(vgt_inst_gtt_write(e->inst[k], ent, m, NULL), ==, 0);
    }
}

static guint32 gm(struct env *e, int k, guint32 off)
{
    return (guint32)e->info[k].mappable_base + off;
}

static void put(struct env *e, int k, guint32 off, const guint32 *dw,
                guint32 n)
{
    memcpy(e->ram[k] + off, dw, n * 4);
}

static guint64 submit(struct env *e, int k, u32 engine, const guint32 *dw,
                      guint32 n, guint32 hws)
{
    struct vgt_workload wl = { 0 };

    wl.id = ++e->next_id;
    wl.start = env_shadow_put(e, k, dw, n);
    wl.length = n * 4;
    wl.engine = engine;
    if (hws) {
        wl.nr_regs = 1;
        wl.regs[0].offset = hsw_engines[engine].hws_pga;
        wl.regs[0].value = gm(e, k, hws);
    }
    g_assert_cmpint(vgt_inst_submit(e->inst[k], &wl), ==, 0);
    return wl.id;
}

/* ---- events, by the host's sequence numbers ---------------------------- */

#define LOG_MAX 4096

struct evlog {
    int n;
    struct vgt_event ev[LOG_MAX];
};

static struct evlog logs[ENV_MAX_INST];

static void drain(struct env *e)
{
    struct vgt_event ev[VGT_EVENT_READ_MAX];

    for (int k = 0; k < e->n; k++) {
        int n;

        if (!e->inst[k]) {
            continue;
        }
        while ((n = vgt_inst_events_read(e->inst[k], ev,
                                         VGT_EVENT_READ_MAX)) > 0) {
            for (int i = 0; i < n; i++) {
                g_assert_cmpint(logs[k].n, <, LOG_MAX);
                logs[k].ev[logs[k].n++] = ev[i];
            }
        }
    }
}

static void logs_reset(void)
{
    memset(logs, 0, sizeof(logs));
}

/* One round of the scheduler (each engine once), events collected. */
static bool step(struct env *e)
{
    bool more = vgt_host_sched_run(e->host);

    drain(e);
    return more;
}

static void run_all(struct env *e)
{
    while (step(e)) {
        ;
    }
}

/* Sequence number of @k's event @type for workload @id (0: none). */
static guint64 seq_of(int k, u32 type, guint64 id)
{
    for (int i = 0; i < logs[k].n; i++) {
        if (logs[k].ev[i].type == type && logs[k].ev[i].data == id) {
            return logs[k].ev[i].seq;
        }
    }
    return 0;
}

static guint64 first_seq(int k, u32 type)
{
    for (int i = 0; i < logs[k].n; i++) {
        if (logs[k].ev[i].type == type) {
            return logs[k].ev[i].seq;
        }
    }
    return 0;
}

static int count_of(int k, u32 type)
{
    int c = 0;

    for (int i = 0; i < logs[k].n; i++) {
        c += logs[k].ev[i].type == type;
    }
    return c;
}

static guint64 preemptions(struct env *e, int k, u32 engine)
{
    guint64 n;

    vgt_mutex_lock(&e->host->qlock);
    n = e->inst[k]->eng[engine].preemptions;
    vgt_mutex_unlock(&e->host->qlock);
    return n;
}

static bool preempted_now(struct env *e, int k, u32 engine)
{
    bool p;

    vgt_mutex_lock(&e->host->qlock);
    p = e->inst[k]->eng[engine].preempted;
    vgt_mutex_unlock(&e->host->qlock);
    return p;
}

/* ---- workloads ---------------------------------------------------------- */

/*
 * VM @k's long BCS workload, every kind of state a stop must keep: the
 * ring calls a first-level batch that runs XY_SETUP_BLT, hundreds of
 * commands later the text blit that uses it, a second-level batch with a
 * 1 MiB fill, REPEAT x NREG fills of 1 MiB (four bands each), two
 * overlapping XORs of 2 MiB, a 2 MiB copy linear -> X-tiled, a
 * status-page store (HWS_PGA is per VM) and a seqno; the ring then
 * raises the user interrupt.  Returns the ring's dwords in @ring.
 */
static guint32 build_long(struct env *e, int k, guint32 *ring)
{
    static guint32 b1[4096], b2[512];
    guint32 n = 0, m = 0;

    for (int i = 0; i < 600; i++) {
        b1[n++] = MI_NOOP;
    }
    b1[n++] = XY_SETUP_BLT;
    b1[n++] = BR13_32BPP | ROP_S | 1024;
    b1[n++] = 0;
    b1[n++] = (64u << 16) | 256;
    b1[n++] = gm(e, k, TEXT_OFF);
    b1[n++] = 0xff000000;
    b1[n++] = 0xffffffff;
    b1[n++] = 0;
    for (int i = 0; i < 600; i++) {
        b1[n++] = MI_NOOP;
    }
    b1[n++] = XY_TEXT_IMM(3) | (3u << 20);
    b1[n++] = (2u << 16) | 4;
    b1[n++] = (5u << 16) | 14;
    b1[n++] = 0xa5a5a5a5;
    b1[n++] = 0x5a5a5a5a;
    b1[n++] = MI_BB_START_2ND;
    b1[n++] = gm(e, k, BATCH2_OFF);
    for (guint32 r = 0; r < REPEAT; r++) {
        for (guint32 i = 0; i < NREG; i++) {
            b1[n++] = XY_COLOR_BLT;
            b1[n++] = BR13_32BPP | ROP_P | 4096;
            b1[n++] = 0;
            b1[n++] = (256u << 16) | 1024;
            b1[n++] = gm(e, k, FILL_OFF + i * MIB(1));
            b1[n++] = (r + 1) * 0x10000000u + i * 0x00010101u + 0x42;
        }
    }
    /*
     * XOR (ROP 0x5a) over 2 MiB, twice, overlapping: a row or a command
     * run twice by a resume would show.
     */
    for (guint32 i = 0; i < 2; i++) {
        b1[n++] = XY_COLOR_BLT;
        b1[n++] = BR13_32BPP | (0x5au << 16) | 4096;
        b1[n++] = 0;
        b1[n++] = (512u << 16) | 1024;
        b1[n++] = gm(e, k, FILL_OFF + i * MIB(1) + 0x800);
        b1[n++] = i ? 0x00ff00ff : 0x0f0f0f0f;
    }
    b1[n++] = XY_SRC_COPY_BLT | XY_DST_TILED;
    b1[n++] = BR13_32BPP | ROP_S | (4096 / 4);
    b1[n++] = 0;
    b1[n++] = (512u << 16) | 1024;
    b1[n++] = gm(e, k, COPY_DST_OFF);
    b1[n++] = 0;
    b1[n++] = 4096;
    b1[n++] = gm(e, k, COPY_SRC_OFF);
    b1[n++] = MI_SDX;
    b1[n++] = 0x40;
    b1[n++] = 0xa110 + k;
    b1[n++] = MI_SDI_GGTT;
    b1[n++] = 0;
    b1[n++] = gm(e, k, SEQNO_OFF);
    b1[n++] = 0x600d;
    b1[n++] = MI_BB_END;
    g_assert_cmpuint(n, <=, G_N_ELEMENTS(b1));
    put(e, k, BATCH1_OFF, b1, n);

    for (int i = 0; i < 300; i++) {
        b2[m++] = MI_NOOP;
    }
    b2[m++] = XY_COLOR_BLT;
    b2[m++] = BR13_32BPP | ROP_P | 4096;
    b2[m++] = 0;
    b2[m++] = (256u << 16) | 1024;
    b2[m++] = gm(e, k, SECOND_OFF);
    b2[m++] = 0x2d2d2d2d;
    b2[m++] = MI_BB_END;
    put(e, k, BATCH2_OFF, b2, m);

    /* The copy's source: a pattern no two dwords share. */
    for (guint32 i = 0; i < MIB(2) / 4; i++) {
        guint32 v = i * 2654435761u;

        memcpy(e->ram[k] + COPY_SRC_OFF + i * 4, &v, 4);
    }
    ring[0] = MI_BB_START_GGTT;
    ring[1] = gm(e, k, BATCH1_OFF);
    ring[2] = MI_USER_INTERRUPT;
    ring[3] = MI_NOOP;
    return 4;
}

/* A small BCS workload: 256 KiB fill of @color, status page, seqno, irq. */
static guint64 submit_small(struct env *e, int k, guint32 color,
                            guint32 seqno)
{
    const guint32 dw[] = {
        XY_COLOR_BLT, BR13_32BPP | ROP_P | 4096, 0, (64u << 16) | 1024,
        gm(e, k, SMALL_OFF), color,
        MI_SDX, 0x40, seqno,
        MI_SDI_GGTT, 0, gm(e, k, SEQNO_OFF), seqno,
        MI_USER_INTERRUPT, MI_NOOP,
    };

    return submit(e, k, VGT_ENGINE_BCS, dw, G_N_ELEMENTS(dw), HWS_OFF);
}

/* A 14 MiB fill (BIG_ROWS rows of 16 KiB), nothing after it. */
static guint64 submit_big(struct env *e, int k, guint32 color)
{
    const guint32 dw[] = {
        XY_COLOR_BLT, BR13_32BPP | ROP_P | 16384, 0,
        (BIG_ROWS << 16) | 4096, gm(e, k, BIG_OFF), color,
        MI_USER_INTERRUPT, MI_NOOP,
    };

    return submit(e, k, VGT_ENGINE_BCS, dw, G_N_ELEMENTS(dw), HWS_OFF);
}

static void assert_ram(struct env *e, int k, guint32 off, guint32 len,
                       guint32 v)
{
    for (guint32 i = 0; i < len; i += 4) {
        if (rd32(e, k, off + i) != v) {
            g_error("VM %d at 0x%x: 0x%08x, want 0x%08x", k, off + i,
                    rd32(e, k, off + i), v);
        }
    }
}

/* The reference: VM 0's long workload on a GPU that runs it whole. */
static guint8 *reference_long(const struct vgt_create_req *req, int n)
{
    struct env r;
    guint32 ring[8], len;
    guint8 *ram = g_malloc(RAM_SIZE);

    up(&r, n, req, WHOLE, false, 10000);
    len = build_long(&r, 0, ring);
    submit(&r, 0, VGT_ENGINE_BCS, ring, len, HWS_OFF);
    run(&r);
    g_assert_cmpuint(rd32(&r, 0, SEQNO_OFF), ==, 0x600d);
    memcpy(ram, r.ram[0], RAM_SIZE);
    env_down(&r);
    return ram;
}

static void assert_same_ram(struct env *e, int k, const guint8 *want)
{
    for (guint32 i = 0; i < RAM_SIZE; i += 4) {
        if (memcmp(e->ram[k] + i, want + i, 4)) {
            g_error("VM %d at 0x%x: 0x%08x, the whole run wrote 0x%08x", k,
                    i, rd32(e, k, i), *(const guint32 *)(want + i));
        }
    }
}

/* ---- tests ------------------------------------------------------------ */

/*
 * VM 0's long workload in the shortest slices, VM 1's small ones on the
 * same engine between its pieces: VM 0's memory ends byte for byte as
 * the whole run leaves it, each of VM 1's workloads did what it should,
 * and the events are each VM's own, in order.
 */
static void test_exact(void)
{
    guint8 *want = reference_long(&req16, 2);
    guint64 id, b_id[8];
    guint32 ring[8], len;
    struct env e;

    logs_reset();
    up(&e, 2, &req16, EVERY, false, 10000);
    len = build_long(&e, 0, ring);
    id = submit(&e, 0, VGT_ENGINE_BCS, ring, len, HWS_OFF);
    for (guint32 j = 0; j < 8; j++) {
        b_id[j] = submit_small(&e, 1, 0xb0000000u + j, j + 1);
    }
    run_all(&e);

    g_assert_cmpuint(preemptions(&e, 0, VGT_ENGINE_BCS), >=, 8);
    g_assert_false(preempted_now(&e, 0, VGT_ENGINE_BCS));
    assert_same_ram(&e, 0, want);
    /* A: one interrupt, one completion, nothing failed. */
    g_assert_cmpint(count_of(0, VGT_EVENT_USER_IRQ), ==, 1);
    g_assert_cmpint(count_of(0, VGT_EVENT_COMPLETE), ==, 1);
    g_assert_cmpint(count_of(0, VGT_EVENT_FAULT) +
                    count_of(0, VGT_EVENT_HANG), ==, 0);
    g_assert_cmpuint(first_seq(0, VGT_EVENT_USER_IRQ), <,
                     seq_of(0, VGT_EVENT_COMPLETE, id));
    /* B: in order, its own status page and memory. */
    for (guint32 j = 0; j < 8; j++) {
        g_assert_cmpuint(seq_of(1, VGT_EVENT_COMPLETE, b_id[j]), !=, 0);
        if (j) {
            g_assert_cmpuint(seq_of(1, VGT_EVENT_COMPLETE, b_id[j - 1]), <,
                             seq_of(1, VGT_EVENT_COMPLETE, b_id[j]));
        }
    }
    g_assert_cmpint(count_of(1, VGT_EVENT_FAULT) +
                    count_of(1, VGT_EVENT_HANG), ==, 0);
    g_assert_cmpuint(rd32(&e, 1, HWS_OFF + 0x40), ==, 8);
    g_assert_cmpuint(rd32(&e, 1, SEQNO_OFF), ==, 8);
    assert_ram(&e, 1, SMALL_OFF, 256 * 1024, 0xb0000007u);
    g_assert_cmpuint(rd32(&e, 1, FILL_OFF), ==, 0);
    env_down(&e);
    g_free(want);
}

/*
 * While VM 0's 14 MiB fill is preempted, VM 1's workloads complete; VM
 * 0's own later workloads on the engine complete after it, in order.
 */
static void test_others_between(void)
{
    guint64 a1, a2, a3, b[4];
    struct vgt_sched_stats st;
    struct env e;

    logs_reset();
    up(&e, 2, &req16, SLICE, false, 200000);
    a1 = submit_big(&e, 0, 0xa1a1a1a1);
    a2 = submit_small(&e, 0, 0xa2a2a2a2, 2);
    a3 = submit_small(&e, 0, 0xa3a3a3a3, 3);
    for (int j = 0; j < 4; j++) {
        b[j] = submit_small(&e, 1, 0xb0b0b000u + j, j + 1);
    }
    run_all(&e);

    g_assert_cmpuint(preemptions(&e, 0, VGT_ENGINE_BCS), >=, 1);
    for (int j = 0; j < 4; j++) {
        g_assert_cmpuint(seq_of(1, VGT_EVENT_COMPLETE, b[j]), !=, 0);
        g_assert_cmpuint(seq_of(1, VGT_EVENT_COMPLETE, b[j]), <,
                         seq_of(0, VGT_EVENT_COMPLETE, a1));
    }
    g_assert_cmpuint(seq_of(0, VGT_EVENT_COMPLETE, a1), <,
                     seq_of(0, VGT_EVENT_COMPLETE, a2));
    g_assert_cmpuint(seq_of(0, VGT_EVENT_COMPLETE, a2), <,
                     seq_of(0, VGT_EVENT_COMPLETE, a3));
    /* A's interrupts: the fill's first, then a2's, then a3's. */
    g_assert_cmpint(count_of(0, VGT_EVENT_USER_IRQ), ==, 3);
    vgt_inst_get_sched_stats(e.inst[0], &st);
    g_assert_cmpuint(st.completed, ==, 3);
    g_assert_cmpuint(st.faults + st.hangs, ==, 0);
    g_assert_cmpuint(st.queued, ==, 0);
    assert_ram(&e, 0, BIG_OFF, BIG_ROWS * 16384, 0xa1a1a1a1);
    assert_ram(&e, 0, SMALL_OFF, 256 * 1024, 0xa3a3a3a3);
    g_assert_cmpuint(rd32(&e, 0, SEQNO_OFF), ==, 3);
    g_assert_cmpuint(rd32(&e, 0, HWS_OFF + 0x40), ==, 3);
    g_assert_cmpuint(rd32(&e, 1, HWS_OFF + 0x40), ==, 4);
    env_down(&e);
}

/* Run until VM 0's BCS workload is preempted (its first piece). */
static void until_preempted(struct env *e)
{
    step(e);
    g_assert_true(preempted_now(e, 0, VGT_ENGINE_BCS));
    g_assert_cmpuint(logs[0].n, ==, 0);
}

/*
 * A device reset of VM 0 while its fill is preempted (not running): it
 * does not wait, the fill and the workload queued behind it are dropped
 * with no COMPLETE, RESET alone is seen (as for queued work: i915's hang
 * recovery), and the next workload starts from its own first command,
 * not from the dropped one's position.
 */
static void test_reset_while_preempted(void)
{
    struct vgt_sched_stats st;
    guint64 b, a;
    struct env e;

    logs_reset();
    up(&e, 2, &req16, SLICE, false, 200000);
    submit_big(&e, 0, 0xa1a1a1a1);
    submit_small(&e, 0, 0xa2a2a2a2, 2);
    until_preempted(&e);
    g_assert_cmpint(vgt_inst_reset(e.inst[0]), ==, 0);
    drain(&e);
    g_assert_cmpint(logs[0].n, ==, 1);
    g_assert_cmpuint(logs[0].ev[0].type, ==, VGT_EVENT_RESET);
    g_assert_false(preempted_now(&e, 0, VGT_ENGINE_BCS));
    vgt_inst_get_sched_stats(e.inst[0], &st);
    g_assert_cmpuint(st.queued, ==, 0);
    /* The fill stopped part way and never went on. */
    g_assert_cmpuint(rd32(&e, 0, BIG_OFF), ==, 0xa1a1a1a1);
    g_assert_cmpuint(rd32(&e, 0, BIG_OFF + BIG_ROWS * 16384 - 4), ==, 0);

    /* The guest's driver maps its GM again, then submits. */
    map_ram(&e, 0);
    b = submit_small(&e, 1, 0xb1b1b1b1, 1);
    a = submit_small(&e, 0, 0xa3a3a3a3, 3);
    run_all(&e);
    g_assert_cmpuint(seq_of(0, VGT_EVENT_COMPLETE, a), !=, 0);
    g_assert_cmpuint(seq_of(1, VGT_EVENT_COMPLETE, b), !=, 0);
    g_assert_cmpint(count_of(0, VGT_EVENT_COMPLETE), ==, 1);
    g_assert_cmpint(count_of(0, VGT_EVENT_FAULT) +
                    count_of(0, VGT_EVENT_HANG), ==, 0);
    assert_ram(&e, 0, SMALL_OFF, 256 * 1024, 0xa3a3a3a3);
    g_assert_cmpuint(rd32(&e, 0, SEQNO_OFF), ==, 3);
    g_assert_cmpuint(rd32(&e, 0, BIG_OFF + BIG_ROWS * 16384 - 4), ==, 0);
    assert_ram(&e, 1, SMALL_OFF, 256 * 1024, 0xb1b1b1b1);
    env_down(&e);
}

/*
 * Destroying VM 0 while its fill is preempted (and it owns the engine):
 * the others go on, and a new VM never inherits the stopped state.
 */
static void test_destroy_while_preempted(void)
{
    struct vgt_instance *c;
    guint64 b, a;
    struct env e;

    logs_reset();
    up(&e, 2, &req16, SLICE, false, 200000);
    submit_big(&e, 0, 0xa1a1a1a1);
    until_preempted(&e);
    vgt_inst_destroy(e.inst[0]);
    e.inst[0] = NULL;
    b = submit_small(&e, 1, 0xb1b1b1b1, 1);
    run_all(&e);
    g_assert_cmpuint(seq_of(1, VGT_EVENT_COMPLETE, b), !=, 0);
    assert_ram(&e, 1, SMALL_OFF, 256 * 1024, 0xb1b1b1b1);

    /* A new VM in its place: its first workload runs from its start. */
    g_assert_cmpint(vgt_inst_create(e.host, &req16, &c), ==, 0);
    e.inst[0] = c;
    vgt_inst_get_info(c, &e.info[0]);
    memset(e.ram[0], 0, RAM_SIZE);
    g_assert_cmpint(vgt_inst_mem_register(c, 0, RAM_SIZE, e.ram[0]), ==, 0);
    map_ram(&e, 0);
    g_assert_cmpint(vgt_inst_shadow_attach(c, e.shadow[0], &e.shadow_gm[0]),
                    ==, 0);
    e.shadow_used[0] = 0;
    logs_reset();
    a = submit_small(&e, 0, 0xc1c1c1c1, 7);
    run_all(&e);
    g_assert_cmpuint(seq_of(0, VGT_EVENT_COMPLETE, a), !=, 0);
    g_assert_cmpint(count_of(0, VGT_EVENT_FAULT), ==, 0);
    assert_ram(&e, 0, SMALL_OFF, 256 * 1024, 0xc1c1c1c1);
    g_assert_cmpuint(rd32(&e, 0, BIG_OFF), ==, 0);
    env_down(&e);
}

/*
 * Unregistering VM 0's memory under its preempted fill: the call does not
 * wait (nothing runs), the GTT entries go to scratch, and the fill, when
 * it resumes, faults cleanly: FAULT then COMPLETE, and not one byte more
 * reaches the memory that was unregistered.
 */
static void test_unregister_while_preempted(void)
{
    guint8 *snap = g_malloc(RAM_SIZE);
    guint64 id, b;
    struct env e;

    logs_reset();
    up(&e, 2, &req16, SLICE, false, 200000);
    id = submit_big(&e, 0, 0xa1a1a1a1);
    until_preempted(&e);
    g_assert_cmpint(vgt_inst_mem_unregister(e.inst[0], 0), ==, 0);
    memcpy(snap, e.ram[0], RAM_SIZE);
    b = submit_small(&e, 1, 0xb1b1b1b1, 1);
    run_all(&e);
    g_assert_cmpuint(seq_of(0, VGT_EVENT_FAULT, id), !=, 0);
    g_assert_cmpuint(seq_of(0, VGT_EVENT_FAULT, id), <,
                     seq_of(0, VGT_EVENT_COMPLETE, id));
    g_assert_cmpint(memcmp(snap, e.ram[0], RAM_SIZE), ==, 0);
    g_assert_cmpuint(seq_of(1, VGT_EVENT_COMPLETE, b), !=, 0);
    assert_ram(&e, 1, SMALL_OFF, 256 * 1024, 0xb1b1b1b1);
    env_down(&e);
    g_free(snap);
}

/*
 * VM 0 and VM 2 share a GM slot (the same GM addresses, private GTTs):
 * while VM 0's long workload is preempted, VM 2 takes the slot, fills
 * the same GM addresses (its own RAM), and VM 0 gets the slot back
 * before it resumes: its memory ends as the whole run leaves it, VM 2's
 * holds its fill and nothing of VM 0's.
 */
static void test_slot_swap(void)
{
    static const struct vgt_create_req req = { MIB(240), 0, 2, 0 };
    guint8 *want = reference_long(&req, 3);
    struct vgt_sched_stats s0, s2;
    guint32 ring[8], len;
    guint64 id, c;
    struct env e;

    logs_reset();
    up(&e, 3, &req, EVERY, false, 50000);
    g_assert_cmphex(e.info[2].mappable_base, ==, e.info[0].mappable_base);
    len = build_long(&e, 0, ring);
    id = submit(&e, 0, VGT_ENGINE_BCS, ring, len, HWS_OFF);
    until_preempted(&e);
    {
        const guint32 dw[] = {
            XY_COLOR_BLT, BR13_32BPP | ROP_P | 4096, 0, (256u << 16) | 1024,
            gm(&e, 2, FILL_OFF), 0xc2c2c2c2,
            MI_SDI_GGTT, 0, gm(&e, 2, SEQNO_OFF), 0xc2,
            MI_USER_INTERRUPT, MI_NOOP,
        };

        c = submit(&e, 2, VGT_ENGINE_BCS, dw, G_N_ELEMENTS(dw), HWS_OFF);
    }
    run_all(&e);

    g_assert_cmpuint(seq_of(2, VGT_EVENT_COMPLETE, c), !=, 0);
    g_assert_cmpuint(seq_of(2, VGT_EVENT_COMPLETE, c), <,
                     seq_of(0, VGT_EVENT_COMPLETE, id));
    vgt_inst_get_sched_stats(e.inst[0], &s0);
    vgt_inst_get_sched_stats(e.inst[2], &s2);
    /* 0 held the slot from its creation; 2 took it, 0 got it back. */
    g_assert_cmpuint(s2.gtt_swaps, >=, 1);
    g_assert_cmpuint(s0.gtt_swaps, >=, 1);
    g_assert_cmpuint(s0.faults + s0.hangs + s2.faults + s2.hangs, ==, 0);
    assert_same_ram(&e, 0, want);
    assert_ram(&e, 2, FILL_OFF, MIB(1), 0xc2c2c2c2);
    g_assert_cmpuint(rd32(&e, 2, SEQNO_OFF), ==, 0xc2);
    assert_ram(&e, 2, FILL_OFF + MIB(1), MIB(14), 0);
    env_down(&e);
    g_free(want);
}

/*
 * The render engine: VM 0 loads a GPR (render context state), runs
 * thousands of commands, stores the GPR; VM 1 loads another value into
 * the same GPR between VM 0's pieces.  Each VM stores its own value: the
 * render context switch saves and restores around preempted work.
 */
static void test_render_state(void)
{
    static guint32 batch[24000];
    guint32 n = 0;
    guint64 a, b;
    struct env e;

    logs_reset();
    up(&e, 2, &req16, EVERY, false, 10000);
    for (guint32 i = 0; i < 20000; i++) {
        batch[n++] = MI_NOOP;
    }
    batch[n++] = MI_SRM_GGTT;
    batch[n++] = GPR0;
    batch[n++] = gm(&e, 0, GPR_OFF);
    batch[n++] = MI_NOOP;
    batch[n++] = MI_BB_END;
    put(&e, 0, BATCH1_OFF, batch, n);
    {
        const guint32 ra[] = {
            MI_LRI(1), GPR0, 0xa0a0a0a0,
            MI_BB_START_GGTT, gm(&e, 0, BATCH1_OFF),
            MI_USER_INTERRUPT,
        };
        const guint32 rb[] = {
            MI_LRI(1), GPR0, 0xb0b0b0b0,
            MI_SRM_GGTT, GPR0, gm(&e, 1, GPR_OFF),
            MI_USER_INTERRUPT, MI_NOOP,
        };

        a = submit(&e, 0, VGT_ENGINE_RCS, ra, G_N_ELEMENTS(ra), HWS_OFF);
        b = submit(&e, 1, VGT_ENGINE_RCS, rb, G_N_ELEMENTS(rb), HWS_OFF);
    }
    run_all(&e);
    g_assert_cmpuint(preemptions(&e, 0, VGT_ENGINE_RCS), >=, 1);
    g_assert_cmpuint(seq_of(1, VGT_EVENT_COMPLETE, b), <,
                     seq_of(0, VGT_EVENT_COMPLETE, a));
    g_assert_cmpint(count_of(0, VGT_EVENT_FAULT), ==, 0);
    g_assert_cmphex(rd32(&e, 0, GPR_OFF), ==, 0xa0a0a0a0);
    g_assert_cmphex(rd32(&e, 1, GPR_OFF), ==, 0xb0b0b0b0);
    env_down(&e);
}

/*
 * A batch that chains to itself forever: preempted slice after slice, it
 * still ends as a hang once its pieces together reach the command budget
 * (its VM alone: FAULT-free, HANG then COMPLETE), and VM 1 runs between.
 * The two workloads its VM queued behind it never start (ABI 5): each is
 * CANCELLED then COMPLETE, in order, after the hang's COMPLETE, and writes
 * nothing; one submitted afterwards runs.
 */
static void test_endless_hangs(void)
{
    const guint32 loop[] = { MI_NOOP, MI_NOOP, MI_BB_START_GGTT, 0 };
    guint32 l[4];
    guint64 a, a2, a3, a4, b;
    struct env e;

    logs_reset();
    up(&e, 2, &req16, SLICE, false, 200000);
    memcpy(l, loop, sizeof(l));
    l[3] = gm(&e, 0, LOOP_OFF);
    put(&e, 0, LOOP_OFF, l, 4);
    {
        const guint32 ring[] = { MI_BB_START_GGTT, gm(&e, 0, LOOP_OFF) };

        a = submit(&e, 0, VGT_ENGINE_BCS, ring, 2, HWS_OFF);
    }
    a2 = submit_small(&e, 0, 0xa2a2a2a2, 2);
    a3 = submit_small(&e, 0, 0xa3a3a3a3, 3);
    b = submit_small(&e, 1, 0xb1b1b1b1, 1);
    run_all(&e);
    g_assert_cmpuint(preemptions(&e, 0, VGT_ENGINE_BCS), >=, 1);
    g_assert_cmpuint(seq_of(0, VGT_EVENT_HANG, a), !=, 0);
    g_assert_cmpuint(seq_of(0, VGT_EVENT_HANG, a), <,
                     seq_of(0, VGT_EVENT_COMPLETE, a));
    g_assert_cmpuint(seq_of(1, VGT_EVENT_COMPLETE, b), <,
                     seq_of(0, VGT_EVENT_COMPLETE, a));
    g_assert_cmpint(count_of(1, VGT_EVENT_HANG), ==, 0);
    g_assert_cmpint(count_of(1, VGT_EVENT_CANCELLED), ==, 0);
    g_assert_cmpuint(rd32(&e, 1, SEQNO_OFF), ==, 1);
    /* what VM 0 queued behind the hang: cancelled, in order, unrun */
    {
        const guint64 order[][2] = {
            { VGT_EVENT_COMPLETE, a }, { VGT_EVENT_CANCELLED, a2 },
            { VGT_EVENT_COMPLETE, a2 }, { VGT_EVENT_CANCELLED, a3 },
            { VGT_EVENT_COMPLETE, a3 },
        };

        for (guint32 i = 1; i < G_N_ELEMENTS(order); i++) {
            g_assert_cmpuint(seq_of(0, order[i - 1][0], order[i - 1][1]), <,
                             seq_of(0, order[i][0], order[i][1]));
        }
    }
    g_assert_cmpint(count_of(0, VGT_EVENT_CANCELLED), ==, 2);
    g_assert_cmpint(count_of(0, VGT_EVENT_USER_IRQ), ==, 0);
    g_assert_false(preempted_now(&e, 0, VGT_ENGINE_BCS));
    g_assert_cmpuint(rd32(&e, 0, SEQNO_OFF), ==, 0);
    assert_ram(&e, 0, SMALL_OFF, 1024, 0);
    /* the next one runs, from its own start */
    a4 = submit_small(&e, 0, 0xa4a4a4a4, 4);
    run_all(&e);
    g_assert_cmpuint(seq_of(0, VGT_EVENT_COMPLETE, a4), !=, 0);
    g_assert_cmpuint(seq_of(0, VGT_EVENT_CANCELLED, a4), ==, 0);
    g_assert_cmpuint(rd32(&e, 0, SEQNO_OFF), ==, 4);
    assert_ram(&e, 0, SMALL_OFF, 1024, 0xa4a4a4a4);
    env_down(&e);
}

/*
 * A GPU that does not enforce the view (a real Haswell behind vgt.ko):
 * the core audits each workload into the VM's one exec copy, so nothing
 * is preempted there, whatever the slice: it runs to its end.
 */
static void test_audited_runs_whole(void)
{
    guint64 a;
    struct env e;

    logs_reset();
    up(&e, 2, &req16, EVERY, true, 10000);
    a = submit_big(&e, 0, 0xa1a1a1a1);
    run_all(&e);
    g_assert_cmpuint(preemptions(&e, 0, VGT_ENGINE_BCS), ==, 0);
    g_assert_cmpuint(seq_of(0, VGT_EVENT_COMPLETE, a), !=, 0);
    g_assert_cmpint(count_of(0, VGT_EVENT_FAULT), ==, 0);
    assert_ram(&e, 0, BIG_OFF, BIG_ROWS * 16384, 0xa1a1a1a1);
    env_down(&e);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    vgt_log_level = -1;
    ops_init();
    g_test_add_func("/preempt/exact", test_exact);
    g_test_add_func("/preempt/others-between", test_others_between);
    g_test_add_func("/preempt/reset-while-preempted",
                    test_reset_while_preempted);
    g_test_add_func("/preempt/destroy-while-preempted",
                    test_destroy_while_preempted);
    g_test_add_func("/preempt/unregister-while-preempted",
                    test_unregister_while_preempted);
    g_test_add_func("/preempt/slot-swap", test_slot_swap);
    g_test_add_func("/preempt/render-state", test_render_state);
    g_test_add_func("/preempt/endless-hangs", test_endless_hangs);
    g_test_add_func("/preempt/audited-runs-whole", test_audited_runs_whole);
    return g_test_run();
}
