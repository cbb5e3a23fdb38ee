/*
 * qtests for the vgt device's mediated registers: the real register
 * tables, forcewake, masked writes, read-only and write-1-to-clear
 * registers, fuses and straps, LCPLL, power wells, pcode, ring start as
 * i915 does it, and GDRST.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "libqtest.h"
#include "vgt-qtest.h"

#define MASKED_ENABLE(b)    (((b) << 16) | (b))
#define MASKED_DISABLE(b)   ((b) << 16)

/* GT */
#define FORCEWAKE_MT        0x0a188
#define FORCEWAKE_ACK_HSW   0x130044
#define   FORCEWAKE_KERNEL  (1u << 0)
#define GTFIFODBG           0x120000
#define GTFIFOCTL           0x120008
#define FPGA_DBG            0x42300
#define HSW_EDRAM_CAP       0x120010
#define HSW_PAVP_FUSE1      0x0911c
#define MAD_DIMM_C0         0x145004
#define MAD_DIMM_C1         0x145008
#define RP_STATE_CAP        0x145998
#define PCODE_MAILBOX       0x138124
#define PCODE_DATA          0x138128
#define   PCODE_READY       (1u << 31)
#define GFX_FLSH_CNTL       0x101008
#define HSW_SCRATCH1        0x0b038
#define FF_THREAD_MODE      0x020a0
#define CACHE_MODE_0_GEN7   0x07000
#define EIR                 0x020b0

/* Display */
#define FUSE_STRAP          0x42014
#define SFUSE_STRAP         0xc2014
#define LCPLL_CTL           0x130040
#define   LCPLL_DISABLE     (1u << 31)
#define   LCPLL_LOCK        (1u << 30)
#define   LCPLL_FCLK        (1u << 21)
#define   LCPLL_FCLK_DONE   (1u << 19)
#define PWR_WELL_CTL(n)     (0x45400 + 4 * (n))
#define   PWR_WELL_REQ      (1u << 31)
#define   PWR_WELL_STATE    (1u << 30)
#define PCH_RAWCLK_FREQ     0xc6204

/* Rings */
#define RCS                 0x02000
#define VCS                 0x12000
#define VECS                0x1a000
#define BCS                 0x22000
#define RING_TAIL           0x030
#define RING_HEAD           0x034
#define RING_START          0x038
#define RING_CTL            0x03c
#define RING_HWSTAM         0x098
#define RING_MI_MODE        0x09c
#define   STOP_RING         (1u << 8)
#define   MODE_IDLE         (1u << 9)
#define RING_IMR            0x0a8
#define RING_INSTPM         0x0c0
#define   INSTPM_SYNC_FLUSH (1u << 5)
#define   INSTPM_TLB_INV    (1u << 9)
#define RING_PP_DIR_DCLV    0x220
#define RING_PP_DIR_BASE    0x228
#define RING_MODE_GEN7      0x29c
#define   GFX_PPGTT_ENABLE  (1u << 9)

static const struct {
    const char *name;
    uint32_t base;
    uint32_t hws_pga;
    uint32_t grdom;
} engines[] = {
    { "rcs", RCS, 0x4080, 1u << 1 },
    { "vcs", VCS, 0x4180, 1u << 2 },
    { "bcs", BCS, 0x4280, 1u << 3 },
    { "vecs", VECS, 0x4380, 1u << 4 },
};

/* A VM with vgt at 00:02.0, enabled, logging what the tests count. */
static void vgt_test_start(VgtQtest *t)
{
    vgt_qtest_start(t, "-d unimp,guest_errors", NULL);
    vgt_qtest_map(t);
}

/* The device's real tables pass the same check as the unit tests. */
static void test_table(void)
{
    VgtQtest t;
    QDict *rsp;
    const char *status;

    vgt_test_start(&t);
    rsp = qtest_qmp(t.qts, "{ 'execute': 'qom-get', 'arguments': "
                    "{ 'path': '/machine/peripheral/gpu', "
                    "'property': 'x-reg-table' } }");
    g_assert_true(qdict_haskey(rsp, "return"));
    status = qdict_get_str(rsp, "return");
    g_test_message("x-reg-table: %s", status);
    g_assert_true(g_str_has_prefix(status, "ok, "));
    g_assert_cmpint(atoi(status + 4), >, 100);
    qobject_unref(rsp);
    vgt_qtest_stop(&t);
}

/* Forcewake: the acknowledgement follows the (masked) request at once. */
static void test_forcewake(void)
{
    VgtQtest t;

    vgt_test_start(&t);
    g_assert_cmphex(vgt_rd(&t, FORCEWAKE_ACK_HSW), ==, 0);
    vgt_wr(&t, FORCEWAKE_MT, MASKED_ENABLE(FORCEWAKE_KERNEL));
    g_assert_cmphex(vgt_rd(&t, FORCEWAKE_ACK_HSW) & FORCEWAKE_KERNEL, ==,
                    FORCEWAKE_KERNEL);
    g_assert_cmphex(vgt_rd(&t, FORCEWAKE_MT), ==, FORCEWAKE_KERNEL);
    /* a write without the mask bit changes nothing */
    vgt_wr(&t, FORCEWAKE_MT, 0);
    g_assert_cmphex(vgt_rd(&t, FORCEWAKE_ACK_HSW), ==, FORCEWAKE_KERNEL);
    vgt_wr(&t, FORCEWAKE_MT, MASKED_DISABLE(FORCEWAKE_KERNEL));
    g_assert_cmphex(vgt_rd(&t, FORCEWAKE_ACK_HSW), ==, 0);
    /* i915's reset: clear every bit */
    vgt_wr(&t, FORCEWAKE_MT, MASKED_ENABLE(0x3u));
    vgt_wr(&t, FORCEWAKE_MT, MASKED_DISABLE(0xffffu));
    g_assert_cmphex(vgt_rd(&t, FORCEWAKE_ACK_HSW), ==, 0);
    /* the acknowledgement itself is read-only */
    vgt_wr(&t, FORCEWAKE_ACK_HSW, 1);
    g_assert_cmphex(vgt_rd(&t, FORCEWAKE_ACK_HSW), ==, 0);
    g_assert_cmpint(vgt_qtest_log_count(&t, "FORCEWAKE_ACK_HSW"), ==, 1);

    /* GT FIFO: no error, more free entries than i915 reserves (20) */
    g_assert_cmphex(vgt_rd(&t, GTFIFODBG), ==, 0);
    g_assert_cmpuint(vgt_rd(&t, GTFIFOCTL) & 0x7f, >, 20);
    vgt_wr(&t, GTFIFOCTL, 0);
    g_assert_cmpuint(vgt_rd(&t, GTFIFOCTL) & 0x7f, >, 20);
    vgt_qtest_stop(&t);
}

/* Masked registers: the upper half selects the lower bits that change. */
static void test_masked(void)
{
    VgtQtest t;

    vgt_test_start(&t);
    vgt_wr(&t, RCS + RING_MODE_GEN7, MASKED_ENABLE(GFX_PPGTT_ENABLE));
    g_assert_cmphex(vgt_rd(&t, RCS + RING_MODE_GEN7), ==, GFX_PPGTT_ENABLE);
    /* value bits without their mask bits, mask bits without values */
    vgt_wr(&t, RCS + RING_MODE_GEN7, 0x0000ffff);
    g_assert_cmphex(vgt_rd(&t, RCS + RING_MODE_GEN7), ==, GFX_PPGTT_ENABLE);
    vgt_wr(&t, RCS + RING_MODE_GEN7, 0x28002800);   /* the RCS workaround */
    g_assert_cmphex(vgt_rd(&t, RCS + RING_MODE_GEN7), ==, 0x2a00);
    vgt_wr(&t, RCS + RING_MODE_GEN7, MASKED_DISABLE(GFX_PPGTT_ENABLE));
    g_assert_cmphex(vgt_rd(&t, RCS + RING_MODE_GEN7), ==, 0x2800);
    /* other engines have their own */
    g_assert_cmphex(vgt_rd(&t, BCS + RING_MODE_GEN7), ==, 0);

    /* CACHE_MODE_0: enable bits 0 and 2, then disable 0 only */
    vgt_wr(&t, CACHE_MODE_0_GEN7, MASKED_ENABLE(0x5u));
    vgt_wr(&t, CACHE_MODE_0_GEN7, MASKED_DISABLE(0x1u));
    g_assert_cmphex(vgt_rd(&t, CACHE_MODE_0_GEN7), ==, 0x4);

    /* INSTPM: SYNC_FLUSH completes at once, TLB invalidate stays set */
    vgt_wr(&t, RCS + RING_INSTPM, MASKED_ENABLE(INSTPM_TLB_INV |
                                                INSTPM_SYNC_FLUSH));
    g_assert_cmphex(vgt_rd(&t, RCS + RING_INSTPM), ==, INSTPM_TLB_INV);

    /* MI_MODE: MODE_IDLE is status, the guest cannot clear or set it */
    g_assert_cmphex(vgt_rd(&t, VCS + RING_MI_MODE), ==, MODE_IDLE);
    vgt_wr(&t, VCS + RING_MI_MODE, MASKED_DISABLE(MODE_IDLE));
    g_assert_cmphex(vgt_rd(&t, VCS + RING_MI_MODE), ==, MODE_IDLE);
    vgt_wr(&t, VCS + RING_MI_MODE, MASKED_ENABLE(STOP_RING));
    g_assert_cmphex(vgt_rd(&t, VCS + RING_MI_MODE), ==, MODE_IDLE | STOP_RING);
    vgt_qtest_stop(&t);
}

/* Read-only fuses and straps; write-1-to-clear error registers. */
static void test_readonly_w1c(void)
{
    VgtQtest t;

    vgt_test_start(&t);
    /* display present, port B, no CRT; eDRAM, RPS, swizzling off */
    g_assert_cmphex(vgt_rd(&t, FUSE_STRAP), ==, 0);
    g_assert_cmphex(vgt_rd(&t, SFUSE_STRAP), ==, (1u << 6) | (1u << 2));
    g_assert_cmphex(vgt_rd(&t, PCH_RAWCLK_FREQ) & 0x3ff, ==, 125);
    g_assert_cmphex(vgt_rd(&t, HSW_EDRAM_CAP), ==, 0);
    g_assert_cmphex(vgt_rd(&t, HSW_PAVP_FUSE1) & (3u << 16), ==, 0);
    g_assert_cmphex(vgt_rd(&t, RP_STATE_CAP), ==, 0);
    g_assert_cmphex(vgt_rd(&t, FPGA_DBG), ==, 0);
    g_assert_cmphex(vgt_rd(&t, MAD_DIMM_C0) & 0xffff, !=,
                    vgt_rd(&t, MAD_DIMM_C1) & 0xffff);

    /* a write to a read-only register: ignored, logged, counted */
    vgt_wr(&t, SFUSE_STRAP, 0x80);      /* "display disabled" */
    vgt_wr(&t, FUSE_STRAP, 1u << 30);
    vgt_wr(&t, FUSE_STRAP, 1u << 28);
    g_assert_cmphex(vgt_rd(&t, SFUSE_STRAP), ==, (1u << 6) | (1u << 2));
    g_assert_cmphex(vgt_rd(&t, FUSE_STRAP), ==, 0);
    g_assert_cmpint(vgt_qtest_log_count(&t, "FUSE_STRAP (0x42014)"), ==, 2);
    g_assert_cmpint(vgt_qtest_log_count(&t, "SFUSE_STRAP (0xc2014)"), ==, 1);
    /* writing back the value it has is no error */
    vgt_wr(&t, PCH_RAWCLK_FREQ, 125);
    g_assert_cmpint(vgt_qtest_log_count(&t, "PCH_RAWCLK_FREQ"), ==, 0);

    /* W1C: writing ones never sets a bit (i915 writes back what it read) */
    vgt_wr(&t, EIR, 0xffffffff);
    g_assert_cmphex(vgt_rd(&t, EIR), ==, 0);
    vgt_wr(&t, GTFIFODBG, 0xffffffff);
    g_assert_cmphex(vgt_rd(&t, GTFIFODBG), ==, 0);
    vgt_wr(&t, FPGA_DBG, 1u << 31);
    g_assert_cmphex(vgt_rd(&t, FPGA_DBG), ==, 0);
    vgt_qtest_stop(&t);
}

/* Registers i915 programs and reads back. */
static void test_readback(void)
{
    VgtQtest t;

    vgt_test_start(&t);
    /* workarounds ("GT workaround lost on init" otherwise) */
    vgt_wr(&t, HSW_SCRATCH1, 0x08000000);
    g_assert_cmphex(vgt_rd(&t, HSW_SCRATCH1), ==, 0x08000000);
    vgt_wr(&t, FF_THREAD_MODE, vgt_rd(&t, FF_THREAD_MODE) & ~(1u << 15));
    g_assert_cmphex(vgt_rd(&t, FF_THREAD_MODE), ==, 0);
    vgt_wr(&t, GFX_FLSH_CNTL, 1);
    vgt_rd(&t, GFX_FLSH_CNTL);

    /* pcode: the mailbox answers at once, success, data 0 */
    g_assert_cmphex(vgt_rd(&t, PCODE_MAILBOX) & PCODE_READY, ==, 0);
    vgt_wr(&t, PCODE_DATA, 0x1234);
    vgt_wr(&t, PCODE_MAILBOX, PCODE_READY | 0x1a);
    g_assert_cmphex(vgt_rd(&t, PCODE_MAILBOX), ==, 0);
    g_assert_cmphex(vgt_rd(&t, PCODE_DATA), ==, 0);

    /* LCPLL locked; disable unlocks, enable locks; FCLK switch is done */
    g_assert_cmphex(vgt_rd(&t, LCPLL_CTL), ==, LCPLL_LOCK);
    vgt_wr(&t, LCPLL_CTL, LCPLL_LOCK | LCPLL_FCLK);
    g_assert_cmphex(vgt_rd(&t, LCPLL_CTL), ==,
                    LCPLL_LOCK | LCPLL_FCLK | LCPLL_FCLK_DONE);
    vgt_wr(&t, LCPLL_CTL, LCPLL_DISABLE | LCPLL_FCLK);
    g_assert_cmphex(vgt_rd(&t, LCPLL_CTL) & LCPLL_LOCK, ==, 0);
    vgt_wr(&t, LCPLL_CTL, 0);
    g_assert_cmphex(vgt_rd(&t, LCPLL_CTL), ==, LCPLL_LOCK);

    /* power well: its state mirrors any request, in every register */
    g_assert_cmphex(vgt_rd(&t, PWR_WELL_CTL(1)), ==, 0);
    vgt_wr(&t, PWR_WELL_CTL(1), PWR_WELL_REQ);
    g_assert_cmphex(vgt_rd(&t, PWR_WELL_CTL(1)), ==,
                    PWR_WELL_REQ | PWR_WELL_STATE);
    g_assert_cmphex(vgt_rd(&t, PWR_WELL_CTL(0)), ==, PWR_WELL_STATE);
    vgt_wr(&t, PWR_WELL_CTL(3), PWR_WELL_REQ);
    vgt_wr(&t, PWR_WELL_CTL(1), 0);
    g_assert_cmphex(vgt_rd(&t, PWR_WELL_CTL(1)), ==, PWR_WELL_STATE);
    vgt_wr(&t, PWR_WELL_CTL(3), 0);
    g_assert_cmphex(vgt_rd(&t, PWR_WELL_CTL(1)), ==, 0);
    /* the state bit is not the guest's to write */
    vgt_wr(&t, PWR_WELL_CTL(2), PWR_WELL_STATE);
    g_assert_cmphex(vgt_rd(&t, PWR_WELL_CTL(2)), ==, 0);
    vgt_qtest_stop(&t);
}

/*
 * Ring start exactly as i915's stop_ring + xcs_resume do it, on every
 * engine: the read-backs it checks must hold.
 */
static void test_ring_start(void)
{
    VgtQtest t;
    size_t i;

    vgt_test_start(&t);
    for (i = 0; i < ARRAY_SIZE(engines); i++) {
        uint32_t b = engines[i].base;
        uint32_t start = 0x100000 + 0x10000 * i;

        g_test_message("%s", engines[i].name);
        /* reset_prepare: stop the ring, wait for MODE_IDLE */
        vgt_wr(&t, b + RING_MI_MODE, MASKED_ENABLE(STOP_RING));
        g_assert_cmphex(vgt_rd(&t, b + RING_MI_MODE) & MODE_IDLE, ==,
                        MODE_IDLE);
        /* stop_ring */
        vgt_wr(&t, b + RING_HEAD, vgt_rd(&t, b + RING_TAIL));
        vgt_wr(&t, b + RING_CTL, 0);
        vgt_wr(&t, b + RING_HEAD, 0);
        vgt_wr(&t, b + RING_TAIL, 0);
        g_assert_cmphex(vgt_rd(&t, b + RING_HEAD) & 0x001ffffc, ==, 0);
        /* status page, then flush_cs_tlb */
        vgt_wr(&t, engines[i].hws_pga, 0x7ff000);
        g_assert_cmphex(vgt_rd(&t, engines[i].hws_pga), ==, 0x7ff000);
        vgt_wr(&t, b + RING_HWSTAM, 0xffffffff);
        g_assert_cmphex(vgt_rd(&t, b + RING_MI_MODE) & MODE_IDLE, ==,
                        MODE_IDLE);
        vgt_wr(&t, b + RING_INSTPM, MASKED_ENABLE(INSTPM_TLB_INV |
                                                  INSTPM_SYNC_FLUSH));
        g_assert_cmphex(vgt_rd(&t, b + RING_INSTPM) & INSTPM_SYNC_FLUSH, ==,
                        0);
        /* start, PPGTT, head/tail, ctl */
        vgt_wr(&t, b + RING_START, start);
        vgt_wr(&t, b + RING_PP_DIR_DCLV, 0xffffffff);
        vgt_wr(&t, b + RING_PP_DIR_BASE, 0x7fc00000);
        vgt_wr(&t, b + RING_MODE_GEN7, MASKED_ENABLE(GFX_PPGTT_ENABLE));
        vgt_wr(&t, b + RING_HEAD, 0);
        vgt_wr(&t, b + RING_TAIL, 0);
        g_assert_cmphex(vgt_rd(&t, b + RING_TAIL), ==, 0);
        vgt_wr(&t, b + RING_CTL, 0x3000 | 1);
        g_assert_cmphex(vgt_rd(&t, b + RING_CTL) & 1, ==, 1);
        vgt_wr(&t, b + RING_MI_MODE, MASKED_DISABLE(STOP_RING));
        /* the state i915 prints when it fails */
        g_assert_cmphex(vgt_rd(&t, b + RING_CTL), ==, 0x3001);
        g_assert_cmphex(vgt_rd(&t, b + RING_START), ==, start);
        g_assert_cmphex(vgt_rd(&t, b + RING_PP_DIR_BASE), ==, 0x7fc00000);
        g_assert_cmphex(vgt_rd(&t, b + RING_MODE_GEN7), ==, GFX_PPGTT_ENABLE);
        /* an empty running ring is idle */
        g_assert_cmphex(vgt_rd(&t, b + RING_MI_MODE), ==, MODE_IDLE);

        /*
         * Commands submitted: nothing executes them yet, so the ring is
         * busy (HEAD stays) until it is stopped.
         */
        vgt_wr(&t, b + RING_TAIL, 0x40);
        g_assert_cmphex(vgt_rd(&t, b + RING_HEAD), ==, 0);
        g_assert_cmphex(vgt_rd(&t, b + RING_MI_MODE) & MODE_IDLE, ==, 0);
        vgt_wr(&t, b + RING_MI_MODE, MASKED_ENABLE(STOP_RING));
        g_assert_cmphex(vgt_rd(&t, b + RING_MI_MODE) & MODE_IDLE, ==,
                        MODE_IDLE);
    }
    /* page-aligned addresses: the low bits of START do not stick */
    vgt_wr(&t, RCS + RING_START, 0x200123);
    g_assert_cmphex(vgt_rd(&t, RCS + RING_START), ==, 0x200000);
    vgt_qtest_stop(&t);
}

static void ring_setup(VgtQtest *t, uint32_t b, uint32_t hws_pga)
{
    vgt_wr(t, b + RING_START, 0x300000);
    vgt_wr(t, b + RING_HEAD, 0x18);
    vgt_wr(t, b + RING_TAIL, 0x40);
    vgt_wr(t, b + RING_CTL, 0x3001);
    vgt_wr(t, b + RING_PP_DIR_BASE, 0x7fc00000);
    vgt_wr(t, b + RING_MODE_GEN7, MASKED_ENABLE(GFX_PPGTT_ENABLE));
    vgt_wr(t, b + RING_IMR, 0xfffffffe);
    vgt_wr(t, hws_pga, 0x7ff000);
}

static bool ring_is_reset(VgtQtest *t, uint32_t b, uint32_t hws_pga)
{
    return !vgt_rd(t, b + RING_START) && !vgt_rd(t, b + RING_HEAD) &&
           !vgt_rd(t, b + RING_TAIL) && !vgt_rd(t, b + RING_CTL) &&
           !vgt_rd(t, b + RING_PP_DIR_BASE) &&
           !vgt_rd(t, b + RING_MODE_GEN7) && !vgt_rd(t, hws_pga) &&
           vgt_rd(t, b + RING_MI_MODE) == MODE_IDLE;
}

/*
 * GDRST: the requested domains reset at once (the bits self-clear), and
 * only the ring state of those engines: interrupt masks, workarounds,
 * PVINFO and other engines keep their values.
 */
static void test_gdrst(void)
{
    VgtQtest t;
    size_t i, j;

    vgt_test_start(&t);
    vgt_wr(&t, HSW_SCRATCH1, 0x08000000);
    for (i = 0; i < ARRAY_SIZE(engines); i++) {
        ring_setup(&t, engines[i].base, engines[i].hws_pga);
    }
    for (i = 0; i < ARRAY_SIZE(engines); i++) {
        g_test_message("reset %s", engines[i].name);
        vgt_wr(&t, GDRST, engines[i].grdom);
        g_assert_cmphex(vgt_rd(&t, GDRST), ==, 0);
        for (j = 0; j < ARRAY_SIZE(engines); j++) {
            uint32_t b = engines[j].base;

            g_assert_true(ring_is_reset(&t, b, engines[j].hws_pga) ==
                          (j <= i));
            g_assert_cmphex(vgt_rd(&t, b + RING_IMR), ==, 0xfffffffe);
        }
    }

    /* full reset: every engine */
    for (i = 0; i < ARRAY_SIZE(engines); i++) {
        ring_setup(&t, engines[i].base, engines[i].hws_pga);
    }
    vgt_wr(&t, GDRST, 1);
    g_assert_cmphex(vgt_rd(&t, GDRST), ==, 0);
    for (i = 0; i < ARRAY_SIZE(engines); i++) {
        g_assert_true(ring_is_reset(&t, engines[i].base,
                                    engines[i].hws_pga));
    }
    g_assert_cmphex(vgt_rd(&t, HSW_SCRATCH1), ==, 0x08000000);
    g_assert_cmphex(vgt_rd(&t, 0x78000), ==, 0x76544776);     /* PVINFO */

    /* unknown domains: a guest error, the known ones still reset */
    ring_setup(&t, RCS, 0x4080);
    vgt_wr(&t, GDRST, (1u << 20) | (1u << 1));
    g_assert_cmphex(vgt_rd(&t, GDRST), ==, 0);
    g_assert_true(ring_is_reset(&t, RCS, 0x4080));
    g_assert_cmpint(vgt_qtest_log_count(&t, "GDRST"), ==, 1);
    vgt_qtest_stop(&t);
}

/* Every value, every size at every mediated offset: no crash, no assert. */
static void test_hostile(void)
{
    static const uint32_t ranges[][2] = {
        { RCS, 0x300 }, { VCS, 0x300 }, { VECS, 0x300 }, { BCS, 0x300 },
        { 0x4000, 0x400 }, { 0x9400, 0x40 }, { 0xa180, 0x10 },
        { 0x42000, 0x400 }, { 0x45400, 0x20 }, { 0xc2000, 0x20 },
        { 0xc6200, 0x10 }, { 0x101000, 0x10 }, { 0x120000, 0x20 },
        { 0x130040, 0x10 }, { 0x138120, 0x10 }, { 0x145000, 0x10 },
    };
    static const uint32_t values[] = { 0, 0xffffffff, 0xffff0000, 0x5a5aa5a5 };
    VgtQtest t;
    size_t i, v;
    uint32_t off;

    vgt_test_start(&t);
    for (i = 0; i < ARRAY_SIZE(ranges); i++) {
        for (off = ranges[i][0]; off < ranges[i][0] + ranges[i][1];
             off += 4) {
            for (v = 0; v < ARRAY_SIZE(values); v++) {
                vgt_wr(&t, off, values[v]);
            }
            qpci_io_writew(t.dev, t.bar0, off + 2, 0xffff);
            qpci_io_writeb(t.dev, t.bar0, off + 1, 0xff);
            vgt_rd(&t, off);
        }
    }
    /* the device still answers sanely */
    g_assert_cmphex(vgt_rd(&t, GDRST), ==, 0);
    g_assert_cmphex(vgt_rd(&t, SFUSE_STRAP), ==, (1u << 6) | (1u << 2));
    vgt_qtest_stop(&t);
}

/* What i915 reads for engine info and error capture. */
static void test_engine_info(void)
{
    VgtQtest t;
    uint32_t ts0, ts1;
    size_t i;

    vgt_test_start(&t);
    for (i = 0; i < ARRAY_SIZE(engines); i++) {
        uint32_t b = engines[i].base;

        vgt_wr(&t, b + RING_START, 0x200000);
        vgt_wr(&t, b + RING_HEAD, 0x80);
        /* ACTHD: where the engine is, START + HEAD while it waits */
        g_assert_cmphex(vgt_rd(&t, b + 0x74), ==, 0x200080);
        /* the PPGTT root it uses is the one programmed */
        vgt_wr(&t, b + 0x228, 0x7fe00000);
        g_assert_cmphex(vgt_rd(&t, b + 0x518), ==, 0x7fe00000);
        /* no error latched, no batch active */
        g_assert_cmphex(vgt_rd(&t, b + 0x68), ==, 0);
        g_assert_cmphex(vgt_rd(&t, b + 0x140), ==, 0);
        /* the 12.5 MHz timestamp follows the virtual clock */
        ts0 = vgt_rd(&t, b + 0x358);
        qtest_clock_step(t.qts, 80 * 1000);
        ts1 = vgt_rd(&t, b + 0x358);
        g_assert_cmpuint(ts1 - ts0, ==, 1000);
    }
    vgt_qtest_stop(&t);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/vgt/regs/table", test_table);
    qtest_add_func("/vgt/regs/forcewake", test_forcewake);
    qtest_add_func("/vgt/regs/masked", test_masked);
    qtest_add_func("/vgt/regs/readonly-w1c", test_readonly_w1c);
    qtest_add_func("/vgt/regs/readback", test_readback);
    qtest_add_func("/vgt/regs/ring-start", test_ring_start);
    qtest_add_func("/vgt/regs/gdrst", test_gdrst);
    qtest_add_func("/vgt/regs/hostile", test_hostile);
    qtest_add_func("/vgt/regs/engine-info", test_engine_info);
    return g_test_run();
}
