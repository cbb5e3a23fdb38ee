/*
 * The qtests that drive the engines as i915 does: registers, commands,
 * the test's guest pages mapped through the GTT at fixed slots, the
 * render and blitter rings started as xcs_resume starts them, submission
 * by RING_TAIL, and waits on the status page and HEAD.  Static inline:
 * QEMU's meson builds each qtest from its one .c file.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef TESTS_QTEST_VGT_RING_QTEST_H
#define TESTS_QTEST_VGT_RING_QTEST_H

#include "vgt-qtest.h"

/* guest-physical pages the test uses, each mapped at GM slot k */
#define RAM_BASE            0x02000000ull
enum {
    SLOT_RING_RCS, SLOT_RING_BCS, SLOT_HWSP_RCS, SLOT_HWSP_BCS, SLOT_BATCH,
    SLOT_TARGET, SLOT_SURFACE, SLOT_SURFACE2, SLOT_COUNT
};

typedef struct Engine {
    uint32_t base;          /* ring registers */
    uint32_t hws_pga;
    uint32_t user_bit;      /* GTIIR */
    uint32_t gdrst_bit;
    int ring_slot, hwsp_slot;
    int idx;                /* in Gpu.tail */
} Engine;

static const Engine rcs = { 0x02000, 0x4080, 1u << 0, 1u << 1,
                            SLOT_RING_RCS, SLOT_HWSP_RCS, 0 };
static const Engine bcs = { 0x22000, 0x4280, 1u << 22, 1u << 3,
                            SLOT_RING_BCS, SLOT_HWSP_BCS, 1 };

/* A VM as its driver sees it: the device, and where its rings are. */
typedef struct Gpu {
    VgtQtest vm;
    uint32_t tail[2];       /* rcs, bcs */
    uint32_t seqno;         /* the last one a test used */
} Gpu;

static inline uint32_t rd(Gpu *g, uint32_t reg)
{
    return vgt_rd(&g->vm, reg);
}

static inline void wr(Gpu *g, uint32_t reg, uint32_t v)
{
    vgt_wr(&g->vm, reg, v);
}

static inline uint64_t gpa(int slot)
{
    return RAM_BASE + (uint64_t)slot * PAGE;
}

static inline uint32_t gm(Gpu *g, int slot)
{
    return g->vm.mbase + slot * PAGE;
}

static inline void engine_start(Gpu *g, const Engine *e)
{
    /* as i915's xcs_resume: stop, status page, start, valid, unstop */
    wr(g, e->base + 0x3c, 0);
    wr(g, e->base + 0x34, 0);
    wr(g, e->base + 0x30, 0);
    wr(g, e->hws_pga, gm(g, e->hwsp_slot));
    wr(g, e->base + 0x38, gm(g, e->ring_slot));
    wr(g, e->base + 0x3c, 0x1);                     /* one page, valid */
    g_assert_cmphex(rd(g, e->base + 0x3c) & 1, ==, 1);
    wr(g, e->base + 0x9c, 0x01000000);              /* STOP_RING off */
    wr(g, e->base + 0xa8, ~e->user_bit);            /* RING_IMR */
}

/* Enable the device, map BAR0 and the test's pages, start both rings. */
static inline void gpu_setup(Gpu *g)
{
    int k;

    vgt_qtest_map(&g->vm);
    vgt_qtest_read_partition(&g->vm);
    for (k = 0; k < SLOT_COUNT; k++) {
        qtest_memset(g->vm.qts, gpa(k), 0, PAGE);
        vgt_gtt_wr(&g->vm, g->vm.mbase / PAGE + k, vgt_pte(gpa(k)));
    }
    wr(g, GTIER, rcs.user_bit | bcs.user_bit);
    wr(g, GTIMR, ~(rcs.user_bit | bcs.user_bit));
    wr(g, DEIER, MASTER);
    engine_start(g, &rcs);
    engine_start(g, &bcs);
    g->tail[0] = g->tail[1] = 0;
    g->seqno = 0;
}

/* Append dwords to an engine's ring (padded to a qword) and submit. */
static inline void submit(Gpu *g, const Engine *e, const uint32_t *dw,
                          size_t n)
{
    uint32_t tail = g->tail[e->idx];
    size_t i;

    for (i = 0; i < n; i++) {
        qtest_writel(g->vm.qts, gpa(e->ring_slot) + tail, dw[i]);
        tail = (tail + 4) % PAGE;
    }
    if (tail & 7) {
        qtest_writel(g->vm.qts, gpa(e->ring_slot) + tail, MI_NOOP);
        tail = (tail + 4) % PAGE;
    }
    g->tail[e->idx] = tail;
    wr(g, e->base + 0x30, tail);
}

/* (sizeof: clang refuses ARRAY_SIZE's type check on a run-time literal) */
#define SUBMIT(g, e, ...) \
    submit(g, e, (const uint32_t[]){ __VA_ARGS__ }, \
           sizeof((const uint32_t[]){ __VA_ARGS__ }) / sizeof(uint32_t))

/* Wait (up to 10 s) for @want at @gpa_addr, as a driver polls its seqno. */
static inline bool wait_value(Gpu *g, uint64_t gpa_addr, uint32_t want)
{
    int i;

    for (i = 0; i < 1000; i++) {
        /* a register read also lets QEMU deliver the helper's events */
        rd(g, GTIIR);
        if (qtest_readl(g->vm.qts, gpa_addr) == want) {
            return true;
        }
        g_usleep(10 * 1000);
    }
    return false;
}

/*
 * Wait (up to 10 s) for HEAD to reach TAIL.  The engine writes its seqno
 * before it reports the submission complete, and HEAD moves only on
 * that report: a test that reads HEAD must wait for it, not the seqno.
 */
static inline bool wait_head_at_tail(Gpu *g, const Engine *e)
{
    int i;

    for (i = 0; i < 1000; i++) {
        if ((rd(g, e->base + 0x34) & 0x1ffffc) == g->tail[e->idx]) {
            return true;
        }
        g_usleep(10 * 1000);
    }
    return false;
}

#endif
