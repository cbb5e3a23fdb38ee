/*
 * qtests of command submission through the device: the test is the guest
 * driver.  It builds rings and batches in guest memory, maps them through
 * the GTT, writes RING_TAIL and waits for the seqno in the status page and
 * the user interrupt, and checks what the engines wrote.  The hostile
 * cases break one audit rule each: nothing of theirs runs, the engine
 * stops until GDRST, QEMU stays up.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "libqtest.h"
#include "vgt-ring-qtest.h"

/* A VM with its vgt on the embedded helper, logging guest errors. */
static void gpu_start(Gpu *g)
{
    vgt_qtest_start(&g->vm, "-m 128M -d guest_errors", NULL);
    gpu_setup(g);
}

/* The same on vgt-hostd's @socket, with the GPU's whole aperture. */
static void gpu_start_on_hostd(Gpu *g, const char *socket)
{
    vgt_qtest_start_on_hostd(&g->vm, socket, "-d guest_errors", NULL);
    gpu_setup(g);
}

/* The same on vgt.ko's /dev/vgt ($VGT_QTEST_KERNEL), whole aperture. */
static void gpu_start_on_kernel(Gpu *g)
{
    vgt_qtest_start_on_kernel(&g->vm, "-d guest_errors", NULL);
    gpu_setup(g);
}

static void gpu_stop(Gpu *g)
{
    vgt_qtest_stop(&g->vm);
}

static int log_count(Gpu *g, const char *needle)
{
    return vgt_qtest_log_count(&g->vm, needle);
}

static void seqno_and_interrupt(void (*start)(Gpu *g))
{
    Gpu g;

    start(&g);
    /* i915's xCS-style breadcrumb on the render ring */
    SUBMIT(&g, &rcs, MI_STORE_INDEX, 0x100, 0x1234, MI_USER_INT);
    g_assert_true(wait_value(&g, gpa(SLOT_HWSP_RCS) + 0x100, 0x1234));
    /* HEAD catches up, the engine is idle, the interrupt latched */
    g_assert_true(wait_head_at_tail(&g, &rcs));
    g_assert_cmphex(rd(&g, rcs.base + 0x9c) & (1u << 9), ==, 1u << 9);
    g_assert_cmphex(rd(&g, GTIIR) & rcs.user_bit, ==, rcs.user_bit);
    wr(&g, GTIIR, rcs.user_bit);

    /* a batch in the GGTT writes memory the VM owns */
    qtest_writel(g.vm.qts, gpa(SLOT_BATCH), MI_SDI_GGTT);
    qtest_writel(g.vm.qts, gpa(SLOT_BATCH) + 4, 0);
    qtest_writel(g.vm.qts, gpa(SLOT_BATCH) + 8, gm(&g, SLOT_TARGET) + 16);
    qtest_writel(g.vm.qts, gpa(SLOT_BATCH) + 12, 0xcafe);
    qtest_writel(g.vm.qts, gpa(SLOT_BATCH) + 16, MI_BB_END);
    SUBMIT(&g, &rcs, MI_BB_START, gm(&g, SLOT_BATCH),
           MI_STORE_INDEX, 0x100, 0x1235, MI_USER_INT);
    g_assert_true(wait_value(&g, gpa(SLOT_HWSP_RCS) + 0x100, 0x1235));
    g_assert_cmphex(qtest_readl(g.vm.qts, gpa(SLOT_TARGET) + 16), ==, 0xcafe);
    gpu_stop(&g);
}

static void test_seqno_and_interrupt(void)
{
    seqno_and_interrupt(gpu_start);
}

static void blit(void (*start)(Gpu *g))
{
    Gpu g;
    uint32_t pitch = 256, x, y;

    start(&g);
    /* fill a 32x8 rectangle at (8, 2) of a 64-pixel-wide surface */
    SUBMIT(&g, &bcs, XY_COLOR_BLT | BLT_WRITE_ARGB,
           BLT_32BPP | BLT_ROP_PATCOPY | pitch,
           (2 << 16) | 8,
           (10 << 16) | 40, gm(&g, SLOT_SURFACE), 0x00ff8800,
           MI_STORE_INDEX, 0x100, 7, MI_USER_INT);
    g_assert_true(wait_value(&g, gpa(SLOT_HWSP_BCS) + 0x100, 7));
    for (y = 0; y < 12; y++) {
        for (x = 0; x < 64; x++) {
            uint32_t px = qtest_readl(g.vm.qts, gpa(SLOT_SURFACE) +
                                      y * pitch + x * 4);
            bool in = x >= 8 && x < 40 && y >= 2 && y < 10;

            g_assert_cmphex(px, ==, in ? 0x00ff8800 : 0);
        }
    }
    g_assert_cmphex(rd(&g, GTIIR) & bcs.user_bit, ==, bcs.user_bit);
    gpu_stop(&g);
}

static void test_blit(void)
{
    blit(gpu_start);
}

/*
 * Two VMs on one vgt-hostd submit at the same time: each gets its own
 * results, in its own memory, at the same guest addresses.
 */
static void two_vms_submit(Gpu *g)
{
    uint32_t round, i, x;

    g_assert_cmpuint(g[0].vm.mbase, !=, g[1].vm.mbase);

    for (round = 1; round <= 4; round++) {
        /* both VMs queue a fill with their own colour, then wait */
        for (i = 0; i < 2; i++) {
            SUBMIT(&g[i], &bcs, XY_COLOR_BLT | BLT_WRITE_ARGB,
                   BLT_32BPP | BLT_ROP_PATCOPY | 256, 0, (4 << 16) | 64,
                   gm(&g[i], SLOT_SURFACE), 0x100 * round + i,
                   MI_STORE_INDEX, 0x100, round, MI_USER_INT);
            SUBMIT(&g[i], &rcs, MI_STORE_INDEX, 0x100, 0x10 * round + i,
                   MI_USER_INT);
        }
        for (i = 0; i < 2; i++) {
            g_assert_true(wait_value(&g[i], gpa(SLOT_HWSP_BCS) + 0x100,
                                     round));
            g_assert_true(wait_value(&g[i], gpa(SLOT_HWSP_RCS) + 0x100,
                                     0x10 * round + i));
            for (x = 0; x < 64; x += 21) {
                g_assert_cmphex(qtest_readl(g[i].vm.qts, gpa(SLOT_SURFACE) +
                                            3 * 256 + x * 4), ==,
                                0x100 * round + i);
            }
        }
    }
}

static void test_two_vms_socket(void)
{
    VgtQtestHostd h;
    Gpu g[2];

    if (!vgt_qtest_hostd_start(&h)) {
        g_test_skip("VGT_HOSTD (path to vgt-hostd) not set");
        return;
    }
    gpu_start_on_hostd(&g[0], h.socket);
    gpu_start_on_hostd(&g[1], h.socket);
    two_vms_submit(g);
    gpu_stop(&g[0]);
    gpu_stop(&g[1]);
    vgt_qtest_hostd_stop(&h);
}

/* The same over vgt.ko: two QEMUs on one /dev/vgt. */
static void test_two_vms_kernel(void)
{
    Gpu g[2];

    gpu_start_on_kernel(&g[0]);
    gpu_start_on_kernel(&g[1]);
    two_vms_submit(g);
    gpu_stop(&g[0]);
    gpu_stop(&g[1]);
}

static void test_seqno_and_interrupt_kernel(void)
{
    seqno_and_interrupt(gpu_start_on_kernel);
}

static void test_blit_kernel(void)
{
    blit(gpu_start_on_kernel);
}

/* A reboot while work is queued: the engines work again afterwards. */
static void test_reboot(void)
{
    Gpu g;

    gpu_start(&g);
    SUBMIT(&g, &rcs, MI_STORE_INDEX, 0x100, 0x51, MI_USER_INT);
    SUBMIT(&g, &bcs, MI_STORE_INDEX, 0x100, 0x52, MI_USER_INT);
    qtest_qmp_assert_success(g.vm.qts, "{ 'execute': 'system_reset' }");
    gpu_setup(&g);          /* the reset cleared BARs, GTT and rings */
    SUBMIT(&g, &rcs, MI_STORE_INDEX, 0x100, 0x61, MI_USER_INT);
    SUBMIT(&g, &bcs, MI_STORE_INDEX, 0x100, 0x62, MI_USER_INT);
    g_assert_true(wait_value(&g, gpa(SLOT_HWSP_RCS) + 0x100, 0x61));
    g_assert_true(wait_value(&g, gpa(SLOT_HWSP_BCS) + 0x100, 0x62));
    gpu_stop(&g);
}

/* Commands that straddle the end of the ring run as one. */
static void test_ring_wrap(void)
{
    Gpu g;

    gpu_start(&g);
    /* fill the ring up to its last qword with NOOPs, one submission */
    g.tail[0] = PAGE - 16;
    wr(&g, rcs.base + 0x34, PAGE - 16);
    /* a 3-dword store wraps: two dwords at the end, one at the start */
    SUBMIT(&g, &rcs, MI_NOOP, MI_NOOP, MI_STORE_INDEX, 0x100, 0x3a9,
           MI_USER_INT);
    g_assert_cmpuint(g.tail[0], ==, 8);
    g_assert_true(wait_value(&g, gpa(SLOT_HWSP_RCS) + 0x100, 0x3a9));
    g_assert_true(wait_head_at_tail(&g, &rcs));
    /* a command cut off by TAIL is malformed: rejected, engine stops */
    qtest_writel(g.vm.qts, gpa(SLOT_RING_RCS) + 8, MI_STORE_INDEX);
    qtest_writel(g.vm.qts, gpa(SLOT_RING_RCS) + 12, 0x100);
    wr(&g, rcs.base + 0x30, 16);
    g_usleep(100 * 1000);
    g_assert_cmphex(rd(&g, rcs.base + 0x34) & 0x1ffffc, ==, 8);
    g_assert_cmpint(log_count(&g, "past the end"), ==, 1);
    gpu_stop(&g);
}

static void test_copy_is_what_runs(void)
{
    Gpu g;

    gpu_start(&g);
    qtest_writel(g.vm.qts, gpa(SLOT_BATCH), MI_SDI_GGTT);
    qtest_writel(g.vm.qts, gpa(SLOT_BATCH) + 4, 0);
    qtest_writel(g.vm.qts, gpa(SLOT_BATCH) + 8, gm(&g, SLOT_TARGET));
    qtest_writel(g.vm.qts, gpa(SLOT_BATCH) + 12, 0xaaaa);
    qtest_writel(g.vm.qts, gpa(SLOT_BATCH) + 16, MI_BB_END);
    SUBMIT(&g, &rcs, MI_BB_START, gm(&g, SLOT_BATCH),
           MI_STORE_INDEX, 0x100, 1, MI_USER_INT);
    /* the guest rewrites its batch right after the TAIL write */
    qtest_writel(g.vm.qts, gpa(SLOT_BATCH) + 12, 0xbbbb);
    g_assert_true(wait_value(&g, gpa(SLOT_HWSP_RCS) + 0x100, 1));
    g_assert_cmphex(qtest_readl(g.vm.qts, gpa(SLOT_TARGET)), ==, 0xaaaa);
    gpu_stop(&g);
}

/*
 * One broken rule: the submission never runs (no seqno, no write), the
 * engine stops (HEAD stays) and the guest error names the rule; GDRST
 * brings the engine back and a good submission runs.
 */
static void expect_rejected(Gpu *g, const Engine *e, const char *rule,
                            const uint32_t *dw, size_t n)
{
    int idx = e->idx;
    uint64_t hwsp = gpa(e->hwsp_slot) + 0x100;
    uint32_t head = rd(g, e->base + 0x34);
    g_autofree uint32_t *cmds = g_new(uint32_t, n + 4);

    memcpy(cmds, dw, n * 4);
    cmds[n] = MI_STORE_INDEX;
    cmds[n + 1] = 0x100;
    cmds[n + 2] = 0xbad;
    cmds[n + 3] = MI_USER_INT;
    submit(g, e, cmds, n + 4);
    /* a good submission completes in well under this */
    g_usleep(100 * 1000);
    rd(g, GTIIR);
    g_assert_cmphex(qtest_readl(g->vm.qts, hwsp), !=, 0xbad);
    g_assert_cmphex(qtest_readl(g->vm.qts, gpa(SLOT_TARGET)), ==, 0);
    g_assert_cmphex(rd(g, e->base + 0x34), ==, head);
    g_assert_cmpint(log_count(g, rule), ==, 1);

    /* the hang recovery i915 does: reset the engine, restart the ring */
    wr(g, GDRST, e->gdrst_bit);
    g_assert_cmphex(rd(g, GDRST), ==, 0);
    engine_start(g, e);
    g->tail[idx] = 0;
    SUBMIT(g, e, MI_STORE_INDEX, 0x100, 0x600d, MI_USER_INT);
    g_assert_true(wait_value(g, hwsp, 0x600d));
    g_assert_true(wait_head_at_tail(g, e));
}

#define REJECTED(g, e, rule, ...) \
    expect_rejected(g, e, rule, (const uint32_t[]){ __VA_ARGS__ }, \
                    sizeof((const uint32_t[]){ __VA_ARGS__ }) / \
                    sizeof(uint32_t))

static void test_hostile(void)
{
    Gpu g;

    gpu_start(&g);
    /* a register the VM may not load: the display interrupt mask */
    REJECTED(&g, &rcs, "register 0x44004", MI_LRI1, 0x44004, 0);
    /* the GTT itself */
    REJECTED(&g, &rcs, "never allowed", MI_UPDATE_GTT, 0, 0x1001);
    /* a store into memory that is not this VM's (below its partition) */
    REJECTED(&g, &rcs, "outside this VM", MI_SDI_GGTT, 0,
             g.vm.mbase - PAGE, 0x1);
    /* a blit running past the VM's graphics memory */
    REJECTED(&g, &bcs, "XY_COLOR_BLT", XY_COLOR_BLT, BLT_32BPP | 4096, 0,
             (16 << 16) | 16, g.vm.mbase - 8 * 4096, 0);
    /* a batch start into memory the VM does not map */
    REJECTED(&g, &rcs, "not readable", MI_BB_START,
             gm(&g, SLOT_COUNT + 100));
    /* an unknown command */
    REJECTED(&g, &rcs, "unknown command", 0xe0000000);
    /* a runaway chain: a batch that starts itself again */
    qtest_writel(g.vm.qts, gpa(SLOT_BATCH), MI_BB_START);
    qtest_writel(g.vm.qts, gpa(SLOT_BATCH) + 4, gm(&g, SLOT_BATCH));
    REJECTED(&g, &rcs, "batch buffers", MI_BB_START, gm(&g, SLOT_BATCH));
    qtest_memset(g.vm.qts, gpa(SLOT_BATCH), 0, 8);
    /*
     * A non-privileged batch asking for the GGTT: hardware would drop the
     * store, vgt refuses the submission (its own memory or not).
     */
    qtest_writel(g.vm.qts, gpa(SLOT_BATCH), MI_SDI_GGTT);
    qtest_writel(g.vm.qts, gpa(SLOT_BATCH) + 4, 0);
    qtest_writel(g.vm.qts, gpa(SLOT_BATCH) + 8, gm(&g, SLOT_TARGET));
    qtest_writel(g.vm.qts, gpa(SLOT_BATCH) + 12, 1);
    qtest_writel(g.vm.qts, gpa(SLOT_BATCH) + 16, MI_BB_END);
    REJECTED(&g, &rcs, "non-privileged", MI_BB_START | MI_BB_NON_SECURE,
             gm(&g, SLOT_BATCH));
    qtest_memset(g.vm.qts, gpa(SLOT_BATCH), 0, 20);
    /* a batch end where no batch is */
    REJECTED(&g, &bcs, "in the ring", MI_BB_END, MI_NOOP);
    /* the other engine was never affected; QEMU is alive */
    g_assert_cmphex(rd(&g, 0x78000), ==, 0x76544776);
    gpu_stop(&g);
}

/*
 * A request that keeps the blitter busy for tens of milliseconds: @fills
 * fills of 4 MiB of the VM's GM (FILL_PAGES pages from FILL_SLOT, every
 * one of them an alias of SLOT_SURFACE2's page), in @dw.  FILLS of them
 * stay within a workload's budget of 256 MiB (VGT_WL_MAX_BYTES of the
 * helper), HANG_FILLS go beyond it.
 */
#define FILL_SLOT       64
#define FILL_PAGES      1024
#define FILLS           56
#define HANG_FILLS      72
#define UNMAPPED_SLOT   4000    /* the VM's GM, its GTT entry never written */

static size_t long_fill(Gpu *g, uint32_t *dw, unsigned fills)
{
    size_t n = 0;
    unsigned i;

    for (i = 0; i < FILL_PAGES; i++) {
        vgt_gtt_wr(&g->vm, g->vm.mbase / PAGE + FILL_SLOT + i,
                   vgt_pte(gpa(SLOT_SURFACE2)));
    }
    for (i = 0; i < fills; i++) {
        dw[n++] = XY_COLOR_BLT | BLT_WRITE_ARGB;
        dw[n++] = BLT_32BPP | BLT_ROP_PATCOPY | PAGE;   /* a page a row */
        dw[n++] = 0;
        dw[n++] = (FILL_PAGES << 16) | (PAGE / 4);
        dw[n++] = gm(g, FILL_SLOT);
        dw[n++] = 0x00f111ed + i;
    }
    return n;
}

/* Request @i (2..): a store to the target page, then its seqno. */
static void small_request(Gpu *g, uint32_t i)
{
    SUBMIT(g, &bcs, MI_SDI_GGTT, 0, gm(g, SLOT_TARGET) + 4 * i, 0x1000 + i,
           MI_STORE_INDEX, 0x100, i, MI_USER_INT);
}

static uint64_t sched_u64(Gpu *g, const char *key)
{
    QDict *st = vgt_qtest_qom_dict(&g->vm, "sched");
    uint64_t v = qdict_get_int(st, key);

    qobject_unref(st);
    return v;
}

static uint64_t submitted(Gpu *g)
{
    QDict *st = vgt_qtest_qom_dict(&g->vm, "stats");
    uint64_t v = qdict_get_int(qdict_get_qdict(st, "submission"),
                               "submitted");

    qobject_unref(st);
    return v;
}

/*
 * Requests each with its own TAIL write while a long one runs: up to
 * x-submit-depth of them are with the helper at once, the rest wait in
 * the ring and go as one workload; all run once, in order, and HEAD ends
 * at TAIL.
 */
#define REQUESTS        12

static void pipelined(const char *props, uint32_t depth)
{
    uint32_t dw[FILLS * 6 + 4], at[REQUESTS + 1], i;
    gint64 t0;
    size_t n;
    Gpu g;

    vgt_qtest_start(&g.vm, "-m 128M -d guest_errors", props);
    gpu_setup(&g);
    n = long_fill(&g, dw, FILLS);
    dw[n++] = MI_STORE_INDEX;
    dw[n++] = 0x100;
    dw[n++] = 1;
    dw[n++] = MI_USER_INT;
    t0 = g_get_monotonic_time();
    submit(&g, &bcs, dw, n);
    for (i = 2; i <= REQUESTS; i++) {
        at[i] = g.tail[bcs.idx];
        small_request(&g, i);
    }
    /* the first still runs: the helper holds as many as the depth */
    g_assert_cmpuint(sched_u64(&g, "queued"), ==, depth);
    g_assert_cmpuint(submitted(&g), ==, depth);
    /*
     * The guest rewrites the ones submitted: what runs is the copy, and
     * the next scan starts where the last submission ended, not at HEAD
     */
    for (i = 2; i <= depth; i++) {
        qtest_writel(g.vm.qts, gpa(SLOT_RING_BCS) + (at[i] + 12) % PAGE,
                     0xdead0000 | i);
    }

    g_assert_true(wait_value(&g, gpa(SLOT_HWSP_BCS) + 0x100, REQUESTS));
    g_test_message("the long request and %d more ran in %" PRId64 " ms",
                   REQUESTS - 1, (g_get_monotonic_time() - t0) / 1000);
    g_assert_true(wait_head_at_tail(&g, &bcs));
    for (i = 2; i <= REQUESTS; i++) {
        g_assert_cmphex(qtest_readl(g.vm.qts, gpa(SLOT_TARGET) + 4 * i), ==,
                        0x1000 + i);
    }
    /* the rest went as one workload when the queue ran low */
    g_assert_cmpuint(submitted(&g), ==, depth + 1);
    g_assert_cmpuint(sched_u64(&g, "completed"), ==, depth + 1);
    g_assert_cmpint(log_count(&g, "rejected"), ==, 0);
    gpu_stop(&g);
}

static void test_pipelined(void)
{
    pipelined(NULL, VGT_SUBMIT_DEPTH_DEFAULT);
}

static void test_one_at_a_time(void)
{
    pipelined("aperture_size=128M,x-submit-depth=1", 1);
}

/*
 * A request that faults (@fault) or exceeds its budget while three more
 * are with the helper: the ring stops at it as on hardware.  HEAD stays
 * at its start, the three are cancelled without running, no interrupt;
 * TAIL does not restart the engine, i915's engine reset does.
 */
static void failure_cancels_queued(bool fault)
{
    uint32_t dw[HANG_FILLS * 6 + 8], i;
    size_t n;
    Gpu g;

    gpu_start(&g);
    n = long_fill(&g, dw, fault ? FILLS : HANG_FILLS);
    if (fault) {
        dw[n++] = MI_SDI_GGTT;
        dw[n++] = 0;
        dw[n++] = gm(&g, UNMAPPED_SLOT);
        dw[n++] = 0xbad;
    }
    dw[n++] = MI_STORE_INDEX;
    dw[n++] = 0x100;
    dw[n++] = 1;
    dw[n++] = MI_USER_INT;
    submit(&g, &bcs, dw, n);
    for (i = 2; i <= 4; i++) {
        small_request(&g, i);
    }
    g_assert_cmpuint(sched_u64(&g, "queued"), ==, 4);
    for (i = 0; i < 1000 && sched_u64(&g, "completed") < 4; i++) {
        g_usleep(10 * 1000);
    }
    g_assert_cmpuint(sched_u64(&g, "completed"), ==, 4);
    g_assert_cmpuint(sched_u64(&g, fault ? "faults" : "hangs"), ==, 1);
    g_assert_cmpuint(sched_u64(&g, "cancelled"), ==, 3);
    /* the device has heard of all four: nothing after the failure ran */
    rd(&g, GTIIR);
    g_assert_cmpint(log_count(&g, fault ? "the GPU faulted on a memory access"
                              : "the workload exceeded its time budget"),
                    ==, 1);
    for (i = 2; i <= 4; i++) {
        g_assert_cmphex(qtest_readl(g.vm.qts, gpa(SLOT_TARGET) + 4 * i), ==,
                        0);
    }
    g_assert_cmphex(qtest_readl(g.vm.qts, gpa(SLOT_HWSP_BCS) + 0x100), ==,
                    0);
    g_assert_cmphex(rd(&g, bcs.base + 0x34) & 0x1ffffc, ==, 0);
    g_assert_cmphex(rd(&g, GTIIR) & bcs.user_bit, ==, 0);
    small_request(&g, 5);
    g_assert_cmpuint(sched_u64(&g, "submitted"), ==, 4);
    wr(&g, GDRST, bcs.gdrst_bit);
    engine_start(&g, &bcs);
    g.tail[bcs.idx] = 0;
    small_request(&g, 6);
    g_assert_true(wait_value(&g, gpa(SLOT_HWSP_BCS) + 0x100, 6));
    g_assert_true(wait_head_at_tail(&g, &bcs));
    g_assert_cmphex(qtest_readl(g.vm.qts, gpa(SLOT_TARGET) + 24), ==, 0x1006);
    gpu_stop(&g);
}

static void test_fault_cancels_queued(void)
{
    failure_cancels_queued(true);
}

static void test_hang_cancels_queued(void)
{
    failure_cancels_queued(false);
}

/*
 * While the guest has the blitter's user interrupt masked, the helper
 * holds its USER_IRQ events instead of waking QEMU (notify_policy).  One
 * still held when the guest unmasks it was raised under the mask: it
 * latches nothing.  Raised after the unmask, it latches at once.
 */
static void test_masked_user_interrupt(void)
{
    uint32_t dw[FILLS * 6 + 1], i;
    size_t n;
    Gpu g;

    vgt_qtest_start(&g.vm, "-m 128M -d guest_errors -trace vgt_submit_notify",
                    "aperture_size=128M,x-submit-depth=8");
    gpu_setup(&g);
    g_assert_cmpint(log_count(&g, "bcs: completions wake at 4 left, user "
                              "interrupts 1 -> 0"), ==, 1);
    /* masked at reset (the first), and masked again */
    wr(&g, GTIMR, ~0u);
    g_assert_cmpint(log_count(&g, "bcs: completions wake at 4 left, user "
                              "interrupts 0 -> 0"), ==, 2);
    /*
     * A request that interrupts between long ones (a batch of fills
     * each): until four are left, its events stay with the helper.
     */
    n = long_fill(&g, dw, FILLS);
    dw[n++] = MI_BB_END;
    qtest_memwrite(g.vm.qts, gpa(SLOT_BATCH), dw, n * 4);
    SUBMIT(&g, &bcs, MI_BB_START, gm(&g, SLOT_BATCH));
    SUBMIT(&g, &bcs, MI_STORE_INDEX, 0x100, 1, MI_USER_INT);
    for (i = 0; i < 6; i++) {
        SUBMIT(&g, &bcs, MI_BB_START, gm(&g, SLOT_BATCH));
    }
    g_assert_true(wait_value(&g, gpa(SLOT_HWSP_BCS) + 0x100, 1));
    g_assert_cmpuint(sched_u64(&g, "queued"), >, 4);
    wr(&g, GTIMR, ~bcs.user_bit);
    g_assert_true(wait_head_at_tail(&g, &bcs));
    g_assert_cmphex(rd(&g, GTIIR) & bcs.user_bit, ==, 0);
    /* unmasked: the next one latches */
    SUBMIT(&g, &bcs, MI_STORE_INDEX, 0x100, 2, MI_USER_INT);
    g_assert_true(wait_value(&g, gpa(SLOT_HWSP_BCS) + 0x100, 2));
    g_assert_true(wait_head_at_tail(&g, &bcs));
    g_assert_cmphex(rd(&g, GTIIR) & bcs.user_bit, ==, bcs.user_bit);
    gpu_stop(&g);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/vgt/submit/seqno-and-interrupt",
                   test_seqno_and_interrupt);
    qtest_add_func("/vgt/submit/blit", test_blit);
    qtest_add_func("/vgt/submit/copy-is-what-runs", test_copy_is_what_runs);
    qtest_add_func("/vgt/submit/ring-wrap", test_ring_wrap);
    qtest_add_func("/vgt/submit/reboot", test_reboot);
    qtest_add_func("/vgt/submit/two-vms-socket", test_two_vms_socket);
    qtest_add_func("/vgt/submit/hostile", test_hostile);
    qtest_add_func("/vgt/submit/pipelined", test_pipelined);
    qtest_add_func("/vgt/submit/one-at-a-time", test_one_at_a_time);
    qtest_add_func("/vgt/submit/fault-cancels-queued",
                   test_fault_cancels_queued);
    qtest_add_func("/vgt/submit/hang-cancels-queued",
                   test_hang_cancels_queued);
    qtest_add_func("/vgt/submit/masked-user-interrupt",
                   test_masked_user_interrupt);
    if (vgt_qtest_kernel_wanted()) {
        qtest_add_func("/vgt/submit/seqno-and-interrupt-kernel",
                       test_seqno_and_interrupt_kernel);
        qtest_add_func("/vgt/submit/blit-kernel", test_blit_kernel);
        qtest_add_func("/vgt/submit/two-vms-kernel", test_two_vms_kernel);
    }
    return g_test_run();
}
