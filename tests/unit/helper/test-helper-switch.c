// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the per-VM engine state a switch between VMs carries
 * (core/ctx-switch.c) on one software Haswell, driven through the helper
 * core with the scheduler run synchronously.
 *
 * Three instances get different values in every switched register of
 * every engine (hsw_engine_ctx_regs: through their workloads' flush lists,
 * CCID through MI_SET_CONTEXT) and different render state (LRI of render
 * context registers); their workloads then alternate on every engine many
 * times, and each reads every register back from inside its own workload
 * with MI_STORE_REGISTER_MEM into its own memory: each always sees its
 * own values.  Masked registers obey their write enables; two instances
 * have a render context (MI_SET_CONTEXT), one has none.  Also: what a VM
 * may load and read by command (HSW_REG_CMD / HSW_REG_STORE), on the
 * software Haswell and through the audit of a GPU without an enforced
 * view, and migration's view of masked registers.
 */
#include "hsw/hsw-regs.h"
#include "helper-env.h"

#define MIB(x)          ((guint64)(x) << 20)
#define RAM_SIZE        MIB(2)
#define NINST           3
#define ROUNDS          24

/* Layout inside each instance's mappable GM (= its RAM, page for page). */
#define HWS_OFF         0x0000u         /* one page per engine */
#define OUT_OFF         0x10000u        /* SRM results, 1 KiB per engine */
#define CTX_OFF         0x40000u        /* its render context image */

#define MI_NOOP                 0x00000000u
#define MI_SET_CONTEXT          0x0c000000u
#define MI_LRI(n)               (0x11000000u | (2 * (n) - 1))
#define MI_SRM_GGTT             (0x12000001u | (1u << 22))
#define SC_KEEP                 (0x100u | 0x8u | 0x4u)
#define SC_RESTORE_INHIBIT      0x1u

/* Render context registers (not switched by the list): GPRs, predicate. */
static const guint32 render_regs[] = {
    0x2600, 0x2604, 0x2608, 0x260c,     /* HSW_CS_GPR 0, 1 */
    0x2400, 0x2404,                     /* MI_PREDICATE_SRC0 */
    0x2430,                             /* 3DPRIM_START_VERTEX */
};

static void env_up(struct env *e, bool audited)
{
    struct vgt_create_req req = { MIB(8), MIB(8), 0, 0 };

    env_up_n(e, NINST, &req, RAM_SIZE, RAM_SIZE / 4096, audited);
}

static guint32 gm(struct env *e, int k, guint32 off)
{
    return (guint32)(e->info[k].mappable_base + off);
}

static void submit(struct env *e, int k, guint32 engine, const guint32 *dw,
                   guint32 n, const struct vgt_reg_write *regs,
                   guint32 nregs)
{
    struct vgt_workload wl = { 0 };

    wl.id = ++e->next_id;
    wl.start = env_shadow_put(e, k, dw, n);
    wl.length = n * 4;
    wl.engine = engine;
    g_assert_cmpuint(nregs, <=, VGT_WL_REGS_MAX);
    if (nregs) {
        memcpy(wl.regs, regs, nregs * sizeof(*regs));
    }
    wl.nr_regs = nregs;
    g_assert_cmpint(vgt_inst_submit(e->inst[k], &wl), ==, 0);
}

/* Every event of instance k is a COMPLETE (no fault, no hang). */
static void expect_clean(struct env *e, int k)
{
    struct vgt_event ev[64];
    int n = vgt_inst_events_read(e->inst[k], ev, 64);

    for (int i = 0; i < n; i++) {
        g_assert_cmpuint(ev[i].type, ==, VGT_EVENT_COMPLETE);
    }
}

/* Expect exactly one FAULT then its COMPLETE for instance k. */
static void expect_fault(struct env *e, int k)
{
    struct vgt_event ev[8];

    g_assert_cmpint(vgt_inst_events_read(e->inst[k], ev, 8), ==, 2);
    g_assert_cmpuint(ev[0].type, ==, VGT_EVENT_FAULT);
    g_assert_cmpuint(ev[1].type, ==, VGT_EVENT_COMPLETE);
}

/* ---- the values each instance gives each register ---------------------- */

static bool is_masked(guint32 engine, guint32 off)
{
    return hsw_reg_flags(engine, off) & HSW_REG_MASKED;
}

/* The value instance k programs into register i (offset off) of engine. */
static guint32 reg_value(struct env *e, int k, guint32 engine, guint32 i,
                         guint32 off)
{
    guint32 v = 0x5a000000u | ((guint32)k << 20) | (engine << 16) |
                (i << 8) | (0x11u * (guint32)(k + 1));

    if (off == hsw_engines[engine].hws_pga) {
        return gm(e, k, HWS_OFF + engine * 4096);
    }
    if (is_masked(engine, off)) {
        v &= 0xffff;
        if (off == RING_MI_MODE(hsw_engines[engine].mmio_base)) {
            v &= ~(MODE_IDLE | STOP_RING);
        }
    }
    return v;
}

/* What register off reads after instance k programmed v. */
static guint32 reg_reads(guint32 engine, guint32 off, guint32 v)
{
    if (off == RING_MI_MODE(hsw_engines[engine].mmio_base)) {
        return v | MODE_IDLE;       /* status: idle between workloads */
    }
    return v;
}

/*
 * The workload of instance k on engine: in round 0 it programs its
 * values (the flush list; on RCS MI_SET_CONTEXT of its own image, except
 * instance 2, and LRIs of render state), in round 1 a masked LRI that
 * changes half of INSTPM; every round it stores every switched register
 * (and on RCS the render registers) into its memory.
 */
static void workload(struct env *e, int k, guint32 engine, int round,
                     guint32 *expect, guint32 *nexp)
{
    guint32 regs[HSW_CTX_REGS_MAX], flags[HSW_CTX_REGS_MAX];
    guint32 n = hsw_engine_ctx_regs(engine, regs, flags);
    guint32 base = hsw_engines[engine].mmio_base;
    guint32 instpm = RING_INSTPM(base);
    struct vgt_reg_write wr[VGT_WL_REGS_MAX];
    guint32 dw[512], nd = 0, nw = 0, out = OUT_OFF + engine * 1024, j = 0;

    dw[nd++] = MI_NOOP;
    if (round == 0) {
        for (guint32 i = 0; i < n; i++) {
            if (!(flags[i] & HSW_REG_FLUSH)) {
                continue;
            }
            wr[nw].offset = regs[i];
            wr[nw].value = reg_value(e, k, engine, i, regs[i]);
            nw++;
        }
        if (engine == VGT_ENGINE_RCS) {
            if (k != 2) {
                dw[nd++] = MI_SET_CONTEXT;
                dw[nd++] = gm(e, k, CTX_OFF) | SC_KEEP | SC_RESTORE_INHIBIT;
            }
            dw[nd++] = MI_LRI(G_N_ELEMENTS(render_regs));
            for (guint32 i = 0; i < G_N_ELEMENTS(render_regs); i++) {
                dw[nd++] = render_regs[i];
                dw[nd++] = 0xc0de0000u | ((guint32)k << 8) | i;
            }
        }
    }
    if (round == 1) {
        /* enable bits 7:0 only: bits 15:8 keep the flushed value */
        dw[nd++] = MI_LRI(1);
        dw[nd++] = instpm;
        dw[nd++] = 0x00ff0000u | (0xa0u + (guint32)k);
    }
    for (guint32 i = 0; i < n; i++) {
        guint32 v = reg_value(e, k, engine, i, regs[i]);

        if (regs[i] == CCID) {
            v = k == 2 ? 0 : gm(e, k, CTX_OFF) | SC_KEEP | 1;
        } else {
            v = reg_reads(engine, regs[i], v);
        }
        if (regs[i] == instpm && round >= 1) {
            v = (v & 0xff00) | (0xa0u + (guint32)k);
        }
        dw[nd++] = MI_SRM_GGTT;
        dw[nd++] = regs[i];
        dw[nd++] = gm(e, k, out + 4 * j);
        expect[j++] = v;
    }
    if (engine == VGT_ENGINE_RCS) {
        for (guint32 i = 0; i < G_N_ELEMENTS(render_regs); i++) {
            dw[nd++] = MI_SRM_GGTT;
            dw[nd++] = render_regs[i];
            dw[nd++] = gm(e, k, out + 4 * j);
            expect[j++] = 0xc0de0000u | ((guint32)k << 8) | i;
        }
    }
    if (nd & 1) {
        dw[nd++] = MI_NOOP;
    }
    *nexp = j;
    memset(e->ram[k] + out, 0xee, 1024);
    submit(e, k, engine, dw, nd, wr, nw);
}

static void check(struct env *e, int k, guint32 engine, const guint32 *expect,
                  guint32 nexp, int round)
{
    guint32 regs[HSW_CTX_REGS_MAX], flags[HSW_CTX_REGS_MAX];
    guint32 n = hsw_engine_ctx_regs(engine, regs, flags);

    for (guint32 j = 0; j < nexp; j++) {
        guint32 got = rd32(e, k, OUT_OFF + engine * 1024 + 4 * j);

        if (got != expect[j]) {
            g_error("round %d, instance %d, %s register 0x%05x: 0x%08x, "
                    "not its own 0x%08x", round, k, hsw_engines[engine].name,
                    j < n ? regs[j] : render_regs[j - n], got, expect[j]);
        }
    }
}

static void alternate(bool audited)
{
    guint32 expect[NINST][VGT_ENGINE_COUNT][64], nexp[NINST][VGT_ENGINE_COUNT];
    struct vgt_host_sched_stats hst;
    struct env e;

    env_up(&e, audited);
    for (int round = 0; round < ROUNDS; round++) {
        /* a different order each round: every pair meets on every engine */
        for (int s = 0; s < NINST; s++) {
            int k = (s + round) % NINST;

            for (guint32 eng = 0; eng < VGT_ENGINE_COUNT; eng++) {
                workload(&e, k, eng, round, expect[k][eng], &nexp[k][eng]);
            }
            /* each instance alone on the engines: a switch every time */
            run(&e);
        }
        for (int k = 0; k < NINST; k++) {
            expect_clean(&e, k);
            for (guint32 eng = 0; eng < VGT_ENGINE_COUNT; eng++) {
                check(&e, k, eng, expect[k][eng], nexp[k][eng], round);
            }
        }
    }
    vgt_host_get_sched_stats(e.host, &hst);
    g_assert_cmpuint(hst.switches, >=, (guint64)ROUNDS * NINST * 4 - 4);
    g_test_message("%s: %" G_GUINT64_FORMAT " switches, %" G_GUINT64_FORMAT
                   " ns each on average", audited ? "audited" : "view enforced",
                   hst.switches, hst.switch_ns / MAX(hst.switches, 1));
    env_down(&e);
}

static void test_alternate(void)
{
    alternate(false);
}

static void test_alternate_audited(void)
{
    alternate(true);
}

/* ---- what a command may load and read ---------------------------------- */

static void test_store_only_rules(void)
{
    for (guint32 eng = 0; eng < VGT_ENGINE_COUNT; eng++) {
        guint32 regs[HSW_CTX_REGS_MAX], flags[HSW_CTX_REGS_MAX];
        guint32 n = hsw_engine_ctx_regs(eng, regs, flags);

        g_assert_cmpuint(n, <=, HSW_CTX_REGS_MAX);
        g_assert_cmpuint(n, <=, VGT_ENGINE_REGS_MAX);
        for (guint32 i = 0; i < n; i++) {
            /* every switched register can be read back by its VM */
            g_assert_true(hsw_reg_store_allowed(eng, regs[i]));
            /* and its flag says what the swhsw and the switch do */
            g_assert_cmpuint(!!(flags[i] & HSW_REG_MASKED), ==,
                             hsw_reg_is_masked(regs[i]));
        }
    }
    /* loads stay i915's list: no chicken, arbitration or mode register */
    g_assert_false(hsw_reg_cmd_allowed(VGT_ENGINE_RCS, ARB_MODE));
    g_assert_false(hsw_reg_cmd_allowed(VGT_ENGINE_RCS, _3D_CHICKEN3));
    g_assert_false(hsw_reg_cmd_allowed(VGT_ENGINE_RCS, GEN7_L3CNTLREG1));
    g_assert_false(hsw_reg_cmd_allowed(VGT_ENGINE_RCS, CCID));
    g_assert_false(hsw_reg_cmd_allowed(VGT_ENGINE_BCS,
                                       RING_MI_MODE(BLT_RING_BASE)));
    g_assert_true(hsw_reg_cmd_allowed(VGT_ENGINE_RCS, CACHE_MODE_0_GEN7));
    g_assert_true(hsw_reg_store_allowed(VGT_ENGINE_RCS, ARB_MODE));
    g_assert_true(hsw_reg_store_allowed(VGT_ENGINE_VECS,
                                        RING_EXCC(VEBOX_RING_BASE)));
    /* another engine's switched state is neither */
    g_assert_false(hsw_reg_store_allowed(VGT_ENGINE_BCS,
                                         RING_HWSTAM(BSD_RING_BASE)));
    g_assert_false(hsw_reg_store_allowed(VGT_ENGINE_VCS, ARB_MODE));
    g_assert_true(hsw_reg_is_masked(RING_MODE_GEN7(VEBOX_RING_BASE)));
    g_assert_false(hsw_reg_is_masked(GAM_ECOCHK));
}

/*
 * A VM's LRI of a register it may only read: the audit refuses the
 * workload before it runs; the software Haswell, which enforces the view
 * itself, drops the load.  Either way the register keeps the VM's value.
 */
static void lri_store_only(bool audited)
{
    struct vgt_reg_write wr = { ARB_MODE, 0x0042 };
    struct vgt_swhsw_stats st0, st1;
    struct env e;
    guint32 dw[] = {
        MI_LRI(1), ARB_MODE, 0xffff1234,
        MI_SRM_GGTT, ARB_MODE, 0, MI_NOOP, MI_NOOP,
    };
    guint32 rd[] = { MI_SRM_GGTT, ARB_MODE, 0, MI_NOOP };

    env_up(&e, audited);
    dw[5] = gm(&e, 0, OUT_OFF);
    rd[2] = gm(&e, 0, OUT_OFF + 4);
    vgt_swhsw_get_stats(e.sw, &st0);
    submit(&e, 0, VGT_ENGINE_RCS, dw, G_N_ELEMENTS(dw), &wr, 1);
    run(&e);
    vgt_swhsw_get_stats(e.sw, &st1);
    if (audited) {
        expect_fault(&e, 0);
        g_assert_cmphex(rd32(&e, 0, OUT_OFF), ==, 0);
    } else {
        expect_clean(&e, 0);
        g_assert_cmpuint(st1.lri_dropped, ==, st0.lri_dropped + 1);
        g_assert_cmphex(rd32(&e, 0, OUT_OFF), ==, 0x0042);
    }
    /* reading it is fine, and it holds the VM's flushed value */
    submit(&e, 0, VGT_ENGINE_RCS, rd, G_N_ELEMENTS(rd), &wr, 1);
    run(&e);
    expect_clean(&e, 0);
    g_assert_cmphex(rd32(&e, 0, OUT_OFF + 4), ==, 0x0042);
    env_down(&e);
}

static void test_lri_store_only(void)
{
    lri_store_only(false);
}

static void test_lri_store_only_audited(void)
{
    lri_store_only(true);
}

/* ---- masked registers in the register file and through migration ------ */

static void test_masked_regs(void)
{
    struct vgt_engine_regs st;
    struct vgt_reg_write wr = { RING_MODE_GEN7(BLT_RING_BASE), 0x0200 };
    guint32 off = RING_MODE_GEN7(BLT_RING_BASE), dw[] = { MI_NOOP, MI_NOOP };
    struct env e;
    int idx = -1;

    env_up(&e, false);
    /* the model's register file honours the enables */
    e.gpu.ops->write32(e.sw, off, 0x00030001);
    g_assert_cmphex(e.gpu.ops->read32(e.sw, off), ==, 0x0001);
    e.gpu.ops->write32(e.sw, off, 0x00020000);
    g_assert_cmphex(e.gpu.ops->read32(e.sw, off), ==, 0x0001);
    e.gpu.ops->write32(e.sw, off, 0x0000ffff);
    g_assert_cmphex(e.gpu.ops->read32(e.sw, off), ==, 0x0001);
    e.gpu.ops->write32(e.sw, off, 0x00010000);
    g_assert_cmphex(e.gpu.ops->read32(e.sw, off), ==, 0);

    /* a flushed value (what the register reads) takes effect whole */
    submit(&e, 0, VGT_ENGINE_BCS, dw, 2, &wr, 1);
    run(&e);
    expect_clean(&e, 0);
    g_assert_cmphex(e.gpu.ops->read32(e.sw, off), ==, 0x0200);
    /* migration sees the read value, live and switched out */
    g_assert_cmpint(vgt_inst_engine_regs_get(e.inst[0], VGT_ENGINE_BCS, &st),
                    ==, 0);
    for (guint32 i = 0; i < st.nr_regs; i++) {
        if (st.regs[i].offset == off) {
            idx = (int)i;
        }
    }
    g_assert_cmpint(idx, >=, 0);
    g_assert_cmphex(st.regs[idx].value, ==, 0x0200);
    wr.value = 0x0004;
    submit(&e, 1, VGT_ENGINE_BCS, dw, 2, &wr, 1);
    run(&e);
    expect_clean(&e, 1);
    g_assert_cmphex(e.gpu.ops->read32(e.sw, off), ==, 0x0004);
    g_assert_cmpint(vgt_inst_engine_regs_get(e.inst[0], VGT_ENGINE_BCS, &st),
                    ==, 0);
    g_assert_cmphex(st.regs[idx].value, ==, 0x0200);
    /* set takes a read value; the switch back writes all of it */
    st.regs[idx].value = 0x0008;
    g_assert_cmpint(vgt_inst_engine_regs_set(e.inst[0], &st), ==, 0);
    submit(&e, 0, VGT_ENGINE_BCS, dw, 2, NULL, 0);
    run(&e);
    expect_clean(&e, 0);
    g_assert_cmphex(e.gpu.ops->read32(e.sw, off), ==, 0x0008);
    env_down(&e);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/switch/store-only-rules", test_store_only_rules);
    g_test_add_func("/switch/masked-regs", test_masked_regs);
    g_test_add_func("/switch/alternate", test_alternate);
    g_test_add_func("/switch/alternate-audited", test_alternate_audited);
    g_test_add_func("/switch/lri-store-only", test_lri_store_only);
    g_test_add_func("/switch/lri-store-only-audited",
                    test_lri_store_only_audited);
    return g_test_run();
}
