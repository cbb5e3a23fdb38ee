// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the shadow PPGTT (kernel-shim/core/ppgtt-shadow.c): the
 * GPU walks page tables the helper built and validated, never the
 * guest's.  Each hostile case runs on the software Haswell (which
 * enforces a workload's view) and on an audited GPU (which does not: the
 * core's audit is all there is, as on a real Haswell behind vgt.ko).
 */
#include "hsw/hsw-regs.h"
#include "helper-env.h"
#include "hw/vgt-host-ops.h"

#define MIB(x)          ((guint64)(x) << 20)
#define RAM_SIZE        MIB(4)

/* Layout inside each instance's mappable GM (= its RAM, page for page). */
#define HWS_OFF         0x0000u
#define DATA_OFF        0x1000u
#define FAKE_PD_OFF     0x100000u       /* GGTT entries of plain RAM */
#define PD_OFF          0x300000u       /* PPGTT directory: 512 GGTT entries */
#define PT_RAM          0x3f0000u       /* page table page (guest RAM) */
#define PT2_RAM         0x3f1000u       /* another one */
#define PPGTT_RAM       0x380000u       /* PPGTT VA 0.. maps here */
#define OUTSIDE_GPA     0x7fff0000ull   /* no RAM there */
#define EXTRA_GPA       0x10000000ull   /* a second region, registered later */

#define MI_NOOP                 0x00000000u
#define MI_SDI_GGTT             (0x10000002u | (1u << 22))
#define MI_SDI_PPGTT            0x10000002u
#define MI_LRI(n)               (0x11000000u | (2 * (n) - 1))
#define MI_BB_END               0x05000000u
#define MI_BB_START_PPGTT       0x18802100u
#define MI_LRM_GGTT             (0x14800001u | (1u << 22))

static guint64 gm(struct env *e, int k, guint32 off)
{
    return e->info[k].mappable_base + off;
}

static guint32 pp_dir(guint64 pd_gm)
{
    return (guint32)pd_gm & 0xffff0000u;
}

static void env_up_gpu(struct env *e, bool audited)
{
    struct vgt_create_req req = { MIB(16), MIB(16), 0, 0 };

    env_up_n(e, 2, &req, RAM_SIZE, RAM_SIZE / 4096, audited);
}

static void wr32(struct env *e, int k, guint32 off, guint32 v)
{
    memcpy(e->ram[k] + off, &v, 4);
}

/* PDE 0 -> PT_RAM; PTE i -> PPGTT_RAM + i pages (8 of them); synced. */
static int setup_pd(struct env *e, int k)
{
    struct vgt_gtt_entry pde = {
        (guint32)(gm(e, k, PD_OFF) >> 12), VGT_PTE_VALID, PT_RAM >> 12,
    };
    struct vgt_gtt_entry inv[128];

    /* PDEs 1..511 invalid (the window's GM maps plain RAM before) */
    for (guint32 i = 0; i < 512; i += 128) {
        for (guint32 j = 0; j < 128; j++) {
            inv[j] = (struct vgt_gtt_entry){ pde.index + i + j, 0, 0 };
        }
        g_assert_cmpint(vgt_inst_gtt_write(e->inst[k], inv, 128, NULL),
                        ==, 0);
    }
    g_assert_cmpint(vgt_inst_gtt_write(e->inst[k], &pde, 1, NULL), ==, 0);
    for (guint32 i = 0; i < 8; i++) {
        wr32(e, k, PT_RAM + i * 4,
             hsw_pte_encode(PPGTT_RAM + i * 4096, HSW_PTE_VALID));
    }
    return vgt_inst_ppgtt_sync(e->inst[k], gm(e, k, PD_OFF));
}

static guint64 engine_faults(struct env *e)
{
    struct vgt_swhsw_stats st;

    vgt_swhsw_get_stats(e->sw, &st);
    return st.engine_faults;
}

/*
 * Run @dw (ring commands, from the shadow area) on RCS with the PD at
 * @pd_gm in PP_DIR_BASE; returns the first event's type (COMPLETE when it
 * ran cleanly).  On the audited GPU a fault must be the audit's refusal,
 * before anything ran: a real Haswell has no checks of its own.
 */
static guint32 run_pd(struct env *e, int k, const guint32 *dw, guint32 n,
                      guint64 pd_gm)
{
    struct vgt_workload wl = { 0 };
    struct vgt_event ev[8];
    guint64 faults = engine_faults(e);
    int got;

    wl.id = ++e->next_id;
    wl.start = env_shadow_put(e, k, dw, n);
    wl.length = n * 4;
    wl.engine = VGT_ENGINE_RCS;
    wl.regs[0].offset = hsw_engines[VGT_ENGINE_RCS].hws_pga;
    wl.regs[0].value = (guint32)gm(e, k, HWS_OFF);
    wl.regs[1].offset = RING_PP_DIR_DCLV(RENDER_RING_BASE);
    wl.regs[1].value = 0xffffffff;
    wl.regs[2].offset = RING_PP_DIR_BASE(RENDER_RING_BASE);
    wl.regs[2].value = pp_dir(pd_gm);
    wl.nr_regs = 3;
    g_assert_cmpint(vgt_inst_submit(e->inst[k], &wl), ==, 0);
    run(e);
    got = vgt_inst_events_read(e->inst[k], ev, 8);
    g_assert_cmpint(got, >=, 1);
    g_assert_cmpuint(ev[got - 1].type, ==, VGT_EVENT_COMPLETE);
    g_assert_cmpuint(ev[got - 1].data, ==, wl.id);
    if (!e->gpu.view_enforced) {
        g_assert_cmpuint(engine_faults(e), ==, faults);
    }
    return ev[0].type;
}

/* A PPGTT store of @v at PPGTT address @va. */
static guint32 sdi_ppgtt(struct env *e, int k, guint32 va, guint32 v)
{
    const guint32 ring[] = { MI_SDI_PPGTT, 0, va, v };

    return run_pd(e, k, ring, 4, gm(e, k, PD_OFF));
}

/*
 * The guest rewrites a PTE after the helper validated it: until the next
 * sync the GPU uses the validated value, never the new one; after it,
 * the re-validated one (outside RAM: nothing).
 */
static void test_rewrite_after_sync(void)
{
    for (int audited = 0; audited < 2; audited++) {
        struct env e;

        env_up_gpu(&e, audited);
        g_assert_cmpint(setup_pd(&e, 0), >, 0);
        g_assert_cmpuint(sdi_ppgtt(&e, 0, 0x1010, 0x11), ==,
                         VGT_EVENT_COMPLETE);
        g_assert_cmphex(rd32(&e, 0, PPGTT_RAM + 0x1010), ==, 0x11);

        /* hostile: PTE 1 now names a frame beyond RAM; no sync yet */
        wr32(&e, 0, PT_RAM + 4, hsw_pte_encode(OUTSIDE_GPA, HSW_PTE_VALID));
        g_assert_cmpuint(sdi_ppgtt(&e, 0, 0x1010, 0x22), ==,
                         VGT_EVENT_COMPLETE);
        g_assert_cmphex(rd32(&e, 0, PPGTT_RAM + 0x1010), ==, 0x22);

        /* the sync re-validates exactly that entry: now it faults */
        g_assert_cmpint(vgt_inst_ppgtt_sync(e.inst[0], gm(&e, 0, PD_OFF)),
                        ==, 1);
        g_assert_cmpuint(sdi_ppgtt(&e, 0, 0x1010, 0x33), ==,
                         VGT_EVENT_FAULT);
        g_assert_cmphex(rd32(&e, 0, PPGTT_RAM + 0x1010), ==, 0x22);

        /* a valid rewrite is followed at the next sync */
        wr32(&e, 0, PT_RAM + 4, hsw_pte_encode(DATA_OFF, HSW_PTE_VALID));
        g_assert_cmpint(vgt_inst_ppgtt_sync(e.inst[0], gm(&e, 0, PD_OFF)),
                        ==, 1);
        g_assert_cmpuint(sdi_ppgtt(&e, 0, 0x1020, 0x44), ==,
                         VGT_EVENT_COMPLETE);
        g_assert_cmphex(rd32(&e, 0, DATA_OFF + 0x20), ==, 0x44);
        /* nothing changed: nothing rewritten */
        g_assert_cmpint(vgt_inst_ppgtt_sync(e.inst[0], gm(&e, 0, PD_OFF)),
                        ==, 0);
        /* the other VM saw none of it */
        g_assert_cmphex(rd32(&e, 1, PPGTT_RAM + 0x1010), ==, 0);
        env_down(&e);
    }
}

/* PTEs that name no RAM, or are invalid: a fault, no access anywhere. */
static void test_outside_ram(void)
{
    for (int audited = 0; audited < 2; audited++) {
        struct env e;

        env_up_gpu(&e, audited);
        g_assert_cmpint(setup_pd(&e, 0), >, 0);
        wr32(&e, 0, PT_RAM + 8, hsw_pte_encode(OUTSIDE_GPA, HSW_PTE_VALID));
        wr32(&e, 0, PT_RAM + 12, hsw_pte_encode(PPGTT_RAM, 0));
        wr32(&e, 0, PT_RAM + 16, hsw_pte_encode(~0ull << 12, HSW_PTE_VALID));
        g_assert_cmpint(vgt_inst_ppgtt_sync(e.inst[0], gm(&e, 0, PD_OFF)),
                        ==, 3);
        g_assert_cmpuint(sdi_ppgtt(&e, 0, 0x2000, 1), ==, VGT_EVENT_FAULT);
        g_assert_cmpuint(sdi_ppgtt(&e, 0, 0x3000, 1), ==, VGT_EVENT_FAULT);
        g_assert_cmpuint(sdi_ppgtt(&e, 0, 0x4000, 1), ==, VGT_EVENT_FAULT);
        /* a PDE of nothing, and beyond the PPGTT's 2 GiB */
        g_assert_cmpuint(sdi_ppgtt(&e, 0, 0x400000, 1), ==,
                         VGT_EVENT_FAULT);
        g_assert_cmpuint(run_pd(&e, 0, (const guint32[]){
                             MI_SDI_PPGTT, 0, 0xfffffff0u, 1 }, 4,
                             gm(&e, 0, PD_OFF)), ==, VGT_EVENT_FAULT);
        g_assert_cmphex(rd32(&e, 0, PPGTT_RAM), ==, 0);
        env_down(&e);
    }
}

/*
 * The PD window's GGTT entries map the shadow page tables: a workload
 * that stores into that GM as GGTT memory would write its own shadow
 * PTEs.  Refused; the shadow still maps what it mapped.
 */
static void test_pd_window_ggtt(void)
{
    for (int audited = 0; audited < 2; audited++) {
        struct env e;
        guint64 win;

        env_up_gpu(&e, audited);
        win = gm(&e, 0, PD_OFF);
        g_assert_cmpint(setup_pd(&e, 0), >, 0);
        /* PTE 1 of the shadow table -> a forged device address */
        g_assert_cmpuint(run_pd(&e, 0, (const guint32[]){
                             MI_SDI_GGTT, 0, (guint32)win + 4,
                             hsw_pte_encode(1ull << 32, HSW_PTE_VALID) }, 4,
                             win), ==, VGT_EVENT_FAULT);
        g_assert_cmpuint(run_pd(&e, 0, (const guint32[]){
                             MI_SDI_GGTT, 0,
                             (guint32)win + MIB(2) - 4, 0 }, 4,
                             win), ==, VGT_EVENT_FAULT);
        g_assert_cmpuint(sdi_ppgtt(&e, 0, 0x1010, 0x55), ==,
                         VGT_EVENT_COMPLETE);
        g_assert_cmphex(rd32(&e, 0, PPGTT_RAM + 0x1010), ==, 0x55);
        /* GGTT just below the window is still the VM's */
        g_assert_cmpuint(run_pd(&e, 0, (const guint32[]){
                             MI_SDI_GGTT, 0, (guint32)win - 4, 0x66 }, 4,
                             win), ==, VGT_EVENT_COMPLETE);
        g_assert_cmphex(rd32(&e, 0, PD_OFF - 4), ==, 0x66);
        env_down(&e);
    }
}

/*
 * PP_DIR_BASE pointing at GGTT entries of plain memory in which the
 * guest forged page tables holding the other VM's device addresses: on a
 * real GPU that is a walk through guest-controlled PTEs.  Through the
 * flush list and through an LRI: the GPU walks nothing.
 */
static void test_forged_pd(void)
{
    for (int audited = 0; audited < 2; audited++) {
        struct env e;
        guint64 victim;
        guint32 fake;

        env_up_gpu(&e, audited);
        g_assert_cmpint(setup_pd(&e, 0), >, 0);
        g_assert_cmpint(vgt_inst_gfn_to_dma(e.inst[1], PPGTT_RAM >> 12,
                                            &victim), ==, 0);
        /*
         * GM FAKE_PD_OFF.. maps RAM FAKE_PD_OFF..: its first entry's
         * page, read as a page table, names the victim's page.
         */
        for (guint32 i = 0; i < 1024; i++) {
            wr32(&e, 0, FAKE_PD_OFF + i * 4,
                 hsw_pte_encode(victim, HSW_PTE_VALID));
        }
        fake = (guint32)gm(&e, 0, FAKE_PD_OFF);
        g_assert_cmpuint(run_pd(&e, 0, (const guint32[]){
                             MI_SDI_PPGTT, 0, 0x10, 0xbad }, 4,
                             fake), ==, VGT_EVENT_FAULT);
        g_assert_cmpuint(run_pd(&e, 0, (const guint32[]){
                             MI_LRI(1), RING_PP_DIR_BASE(RENDER_RING_BASE),
                             pp_dir(fake), MI_NOOP,
                             MI_SDI_PPGTT, 0, 0x10, 0xbad }, 8,
                             gm(&e, 0, PD_OFF)), ==, VGT_EVENT_FAULT);
        g_assert_cmphex(rd32(&e, 1, PPGTT_RAM + 0x10), ==, 0);
        /* the shadowed one still works */
        g_assert_cmpuint(sdi_ppgtt(&e, 0, 0x10, 0x77), ==,
                         VGT_EVENT_COMPLETE);
        g_assert_cmphex(rd32(&e, 0, PPGTT_RAM + 0x10), ==, 0x77);
        env_down(&e);
    }
}

/*
 * A region goes away: no shadow PTE may name it any more, sync or not;
 * a region registered again at the same address is followed after the
 * next sync.
 */
static void test_unregister(void)
{
    for (int audited = 0; audited < 2; audited++) {
        struct env e;
        guint8 *extra = aligned_alloc(4096, MIB(1));
        guint8 *again = aligned_alloc(4096, MIB(1));
        guint32 v;

        memset(extra, 0, MIB(1));
        memset(again, 0, MIB(1));
        env_up_gpu(&e, audited);
        g_assert_cmpint(vgt_inst_mem_register(e.inst[0], EXTRA_GPA, MIB(1),
                                              extra), ==, 0);
        g_assert_cmpint(setup_pd(&e, 0), >, 0);
        wr32(&e, 0, PT_RAM + 8, hsw_pte_encode(EXTRA_GPA, HSW_PTE_VALID));
        g_assert_cmpint(vgt_inst_ppgtt_sync(e.inst[0], gm(&e, 0, PD_OFF)),
                        ==, 1);
        g_assert_cmpuint(sdi_ppgtt(&e, 0, 0x2008, 0x88), ==,
                         VGT_EVENT_COMPLETE);
        memcpy(&v, extra + 8, 4);
        g_assert_cmphex(v, ==, 0x88);

        g_assert_cmpint(vgt_inst_mem_unregister(e.inst[0], EXTRA_GPA), ==, 0);
        /* no sync: the shadow PTE went with the region */
        g_assert_cmpuint(sdi_ppgtt(&e, 0, 0x2008, 0x99), ==,
                         VGT_EVENT_FAULT);
        memcpy(&v, extra + 8, 4);
        g_assert_cmphex(v, ==, 0x88);

        /* the same guest address, other host memory: after a sync */
        g_assert_cmpint(vgt_inst_mem_register(e.inst[0], EXTRA_GPA, MIB(1),
                                              again), ==, 0);
        g_assert_cmpint(vgt_inst_ppgtt_sync(e.inst[0], gm(&e, 0, PD_OFF)),
                        ==, 1);
        g_assert_cmpuint(sdi_ppgtt(&e, 0, 0x2008, 0xaa), ==,
                         VGT_EVENT_COMPLETE);
        memcpy(&v, again + 8, 4);
        g_assert_cmphex(v, ==, 0xaa);
        memcpy(&v, extra + 8, 4);
        g_assert_cmphex(v, ==, 0x88);

        /* the region holding the page table itself goes */
        g_assert_cmpint(vgt_inst_mem_unregister(e.inst[0], 0), ==, 0);
        g_assert_cmpuint(sdi_ppgtt(&e, 0, 0x2008, 0xbb), ==,
                         VGT_EVENT_FAULT);
        memcpy(&v, again + 8, 4);
        g_assert_cmphex(v, ==, 0xaa);
        env_down(&e);
        free(extra);
        free(again);
    }
}

/* A GTT write of a PDE: its shadow table is rebuilt at once. */
static void test_pde_change(void)
{
    for (int audited = 0; audited < 2; audited++) {
        struct env e;
        struct vgt_gtt_entry pde;

        env_up_gpu(&e, audited);
        g_assert_cmpint(setup_pd(&e, 0), >, 0);
        wr32(&e, 0, PT2_RAM + 4, hsw_pte_encode(DATA_OFF, HSW_PTE_VALID));
        pde = (struct vgt_gtt_entry){
            (guint32)(gm(&e, 0, PD_OFF) >> 12), VGT_PTE_VALID, PT2_RAM >> 12,
        };
        g_assert_cmpint(vgt_inst_gtt_write(e.inst[0], &pde, 1, NULL), ==, 0);
        g_assert_cmpuint(sdi_ppgtt(&e, 0, 0x1040, 0xcc), ==,
                         VGT_EVENT_COMPLETE);
        g_assert_cmphex(rd32(&e, 0, DATA_OFF + 0x40), ==, 0xcc);
        g_assert_cmpuint(sdi_ppgtt(&e, 0, 0x0040, 0xcc), ==,
                         VGT_EVENT_FAULT);
        /* the guest reads its own PDE back, not the shadow's */
        {
            struct vgt_gtt_entry r;

            g_assert_cmpint(vgt_inst_gtt_read(e.inst[0], pde.index, &r),
                            ==, 0);
            g_assert_cmphex(r.gfn, ==, PT2_RAM >> 12);
        }
        /* PDE invalid: nothing */
        pde.flags = 0;
        g_assert_cmpint(vgt_inst_gtt_write(e.inst[0], &pde, 1, NULL), ==, 0);
        g_assert_cmpuint(sdi_ppgtt(&e, 0, 0x1040, 0xdd), ==,
                         VGT_EVENT_FAULT);
        env_down(&e);
    }
}

/*
 * On the audited GPU (as on a real Haswell): i915's clear-residuals
 * shape, a PPGTT batch (copied to the shadow area, bit 8 kept) whose
 * stores are PPGTT addresses, now runs; a PPGTT store into the helper's
 * PDE (which maps the exec copy) is refused; PP_DIR_BASE from memory too.
 */
static void test_audited_batch(void)
{
    struct env e;
    const guint32 batch[] = {
        MI_SDI_PPGTT, 0, 0x1010, 0x99887766,
        MI_SDI_PPGTT, 0, 0x7ffc, 0x12345678,
        MI_BB_END, MI_NOOP,
    };
    guint64 bb;
    guint32 helper_va;

    env_up_gpu(&e, true);
    g_assert_cmpint(setup_pd(&e, 0), >, 0);
    bb = env_shadow_put(&e, 0, batch, G_N_ELEMENTS(batch));
    g_assert_cmpuint(run_pd(&e, 0, (const guint32[]){
                         MI_BB_START_PPGTT, (guint32)bb, MI_NOOP, MI_NOOP },
                         4, gm(&e, 0, PD_OFF)), ==, VGT_EVENT_COMPLETE);
    g_assert_cmphex(rd32(&e, 0, PPGTT_RAM + 0x1010), ==, 0x99887766);
    g_assert_cmphex(rd32(&e, 0, PPGTT_RAM + 0x7ffc), ==, 0x12345678);

    /* the helper's PDE: the exec copy the GPU fetches batches from */
    helper_va = (guint32)(bb & ~(guint64)(MIB(4) - 1));
    g_assert_cmpuint(sdi_ppgtt(&e, 0, helper_va, 0), ==, VGT_EVENT_FAULT);
    g_assert_cmpuint(sdi_ppgtt(&e, 0, helper_va + 0x1000, 0), ==,
                     VGT_EVENT_FAULT);
    /* PP_DIR_BASE from a register or memory: not known, refused */
    g_assert_cmpuint(run_pd(&e, 0, (const guint32[]){
                         MI_LRM_GGTT,
                         RING_PP_DIR_BASE(RENDER_RING_BASE),
                         (guint32)gm(&e, 0, DATA_OFF), MI_NOOP }, 4,
                         gm(&e, 0, PD_OFF)), ==, VGT_EVENT_FAULT);
    /* without a shadow (dropped): PPGTT refused before it runs */
    g_assert_cmpint(vgt_inst_ppgtt_sync(e.inst[0], VGT_PPGTT_NO_PD), ==, 0);
    g_assert_cmpuint(sdi_ppgtt(&e, 0, 0x1010, 1), ==, VGT_EVENT_FAULT);
    g_assert_cmphex(rd32(&e, 0, PPGTT_RAM + 0x1010), ==, 0x99887766);
    env_down(&e);
}

/*
 * Two instances take turns at one GM slot.  The resident one's shadow
 * PDEs must not survive a swap to the other, whose own entries there are
 * invalid (so the swap's runs of used entries would skip them): the
 * other, naming the same PD, walks nothing of the first's.
 */
static void test_slot_swap(void)
{
    for (int audited = 0; audited < 2; audited++) {
        struct vgt_create_req req = { MIB(64), MIB(448), 4, 0 };
        struct vgt_gtt_entry inv[128];
        struct env e;
        int a = -1, b = -1;

        env_up_n(&e, 4, &req, RAM_SIZE, RAM_SIZE / 4096, audited);
        for (int k = 0; k < 4 && a < 0; k++) {
            for (int l = k + 1; l < 4; l++) {
                if (e.info[l].mappable_base == e.info[k].mappable_base) {
                    a = k;
                    b = l;
                }
            }
        }
        g_assert_cmpint(b, >, 0);
        g_assert_cmpint(setup_pd(&e, a), >, 0);
        g_assert_cmpuint(sdi_ppgtt(&e, a, 0x1010, 0x5a), ==,
                         VGT_EVENT_COMPLETE);
        for (guint32 i = 0; i < 512; i += 128) {
            for (guint32 j = 0; j < 128; j++) {
                inv[j] = (struct vgt_gtt_entry){
                    (guint32)(gm(&e, b, PD_OFF) >> 12) + i + j, 0, 0 };
            }
            g_assert_cmpint(vgt_inst_gtt_write(e.inst[b], inv, 128, NULL),
                            ==, 0);
        }
        g_assert_cmpuint(sdi_ppgtt(&e, b, 0x1010, 0xa5), ==,
                         VGT_EVENT_FAULT);
        /* GGTT: the GM of a's PDE 1, whose shadow table a's PDEs name */
        g_assert_cmpuint(run_pd(&e, b, (const guint32[]){
                             MI_SDI_GGTT, 0,
                             (guint32)gm(&e, b, PD_OFF) + 0x1004,
                             hsw_pte_encode(1ull << 32, HSW_PTE_VALID) }, 4,
                             gm(&e, b, PD_OFF)), ==, VGT_EVENT_FAULT);
        g_assert_cmphex(rd32(&e, a, PPGTT_RAM + 0x1010), ==, 0x5a);
        /* and back: a's shadow is loaded again */
        g_assert_cmpuint(sdi_ppgtt(&e, a, 0x1010, 0x5b), ==,
                         VGT_EVENT_COMPLETE);
        g_assert_cmphex(rd32(&e, a, PPGTT_RAM + 0x1010), ==, 0x5b);
        env_down(&e);
    }
}

/* Reset and destroy drop the shadow: nothing of it stays in the GTT. */
static void test_lifecycle(void)
{
    struct env e;
    struct vgt_event ev[8];
    guint32 idx;

    env_up_gpu(&e, false);
    idx = (guint32)(gm(&e, 0, PD_OFF) >> 12);
    g_assert_cmpint(setup_pd(&e, 0), >, 0);
    g_assert_cmpuint(sdi_ppgtt(&e, 0, 0x1010, 1), ==, VGT_EVENT_COMPLETE);
    g_assert_cmpint(vgt_inst_reset(e.inst[0]), ==, 0);
    g_assert_cmpint(vgt_inst_events_read(e.inst[0], ev, 8), ==, 1);
    for (guint32 i = 0; i < 512; i++) {
        g_assert_cmphex(hsw_pte_decode(e.gpu.ops->gtt_read(e.sw, idx + i)),
                        ==, vgt_host_scratch_dma(e.host));
    }
    /* the guest writes its PDE again; without a sync nothing is walked */
    {
        struct vgt_gtt_entry pde = { idx, VGT_PTE_VALID, PT_RAM >> 12 };

        g_assert_cmpint(vgt_inst_gtt_write(e.inst[0], &pde, 1, NULL), ==, 0);
    }
    g_assert_cmpuint(sdi_ppgtt(&e, 0, 0x1010, 2), ==, VGT_EVENT_FAULT);
    g_assert_cmpint(setup_pd(&e, 0), >, 0);
    g_assert_cmpuint(sdi_ppgtt(&e, 0, 0x1010, 3), ==, VGT_EVENT_COMPLETE);
    g_assert_cmphex(rd32(&e, 0, PPGTT_RAM + 0x1010), ==, 3);
    vgt_inst_destroy(e.inst[0]);
    e.inst[0] = NULL;
    for (guint32 i = 0; i < 512; i++) {
        g_assert_cmphex(hsw_pte_decode(e.gpu.ops->gtt_read(e.sw, idx + i)),
                        ==, vgt_host_scratch_dma(e.host));
    }
    env_down(&e);
}

static struct vgt_gpu_ops no_pt_ops;

/* Bad page directories; a GPU that cannot walk shadows. */
static void test_sync_refusals(void)
{
    struct env e;
    struct vgt_instance_info *i;

    env_up_gpu(&e, false);
    i = &e.info[0];
    g_assert_cmpint(vgt_inst_ppgtt_sync(e.inst[0], gm(&e, 0, PD_OFF) + 4096),
                    ==, -VGT_E_INVAL);
    g_assert_cmpint(vgt_inst_ppgtt_sync(e.inst[0], gm(&e, 1, PD_OFF)),
                    ==, -VGT_E_GM_RANGE);
    g_assert_cmpint(vgt_inst_ppgtt_sync(e.inst[0], i->mappable_base +
                                        i->mappable_size - MIB(1)),
                    ==, -VGT_E_GM_RANGE);
    g_assert_cmpint(vgt_inst_ppgtt_sync(e.inst[0], 0), ==, -VGT_E_GM_RANGE);
    g_assert_cmpint(vgt_inst_ppgtt_sync(e.inst[0], 1ull << 40), ==,
                    -VGT_E_INVAL);
    g_assert_cmpint(vgt_inst_ppgtt_sync(e.inst[0], VGT_PPGTT_NO_PD), ==, 0);
    /* the PD may move: the old window is the guest's again */
    g_assert_cmpint(setup_pd(&e, 0), >, 0);
    g_assert_cmpint(vgt_inst_ppgtt_sync(e.inst[0], gm(&e, 0, FAKE_PD_OFF)),
                    >=, 0);
    g_assert_cmpuint(sdi_ppgtt(&e, 0, 0x1010, 1), ==, VGT_EVENT_FAULT);
    g_assert_cmpint(vgt_inst_ppgtt_sync(e.inst[0], gm(&e, 0, PD_OFF)), >, 0);
    g_assert_cmpuint(sdi_ppgtt(&e, 0, 0x1010, 2), ==, VGT_EVENT_COMPLETE);
    env_down(&e);

    {
        struct vgt_swhsw *sw = vgt_swhsw_create();
        struct vgt_gpu gpu;

        vgt_swhsw_get_gpu(sw, &gpu);
        no_pt_ops = *gpu.ops;
        no_pt_ops.pt_addr = NULL;
        no_pt_ops.dma_map_pt = NULL;
        vgt_swhsw_destroy(sw);
    }
    env_up_ops(&e, 1, &(struct vgt_create_req){ MIB(16), MIB(16), 0, 0 },
               RAM_SIZE, RAM_SIZE / 4096, true, &no_pt_ops);
    g_assert_cmpint(vgt_inst_ppgtt_sync(e.inst[0], gm(&e, 0, PD_OFF)), ==,
                    -VGT_E_NOTSUP);
    env_down(&e);
}

/* The embedded transport's entry point. */
static void test_embedded_op(void)
{
    const struct vgt_host_ops *ops = &vgt_host_embedded_ops;
    struct vgt_create_req req = { MIB(16), MIB(16), 0, 0 };
    struct vgt_instance_info info;
    struct vgt_conn *c;
    guint8 *ram = aligned_alloc(4096, MIB(4));

    memset(ram, 0, MIB(4));
    g_assert_cmpint(ops->connect(NULL, &c), ==, 0);
    g_assert_cmpint(ops->ppgtt_sync(c, 0), ==, -VGT_E_NOINST);
    g_assert_cmpint(ops->create(c, &req, &info), ==, 0);
    g_assert_cmpint(ops->mem_register(c, &(struct vgt_mem_region){
                        .gpa = 0, .size = MIB(4),
                        .hva = (uint64_t)(uintptr_t)ram, .fd = -1 }), ==, 0);
    g_assert_cmpint(ops->ppgtt_sync(c, info.mappable_base + PD_OFF), ==, 0);
    g_assert_cmpint(ops->ppgtt_sync(c, info.mappable_base + 4096), ==,
                    -VGT_E_INVAL);
    g_assert_cmpint(ops->ppgtt_sync(c, VGT_PPGTT_NO_PD), ==, 0);
    ops->disconnect(c);
    free(ram);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/ppgtt/rewrite-after-sync", test_rewrite_after_sync);
    g_test_add_func("/ppgtt/outside-ram", test_outside_ram);
    g_test_add_func("/ppgtt/pd-window-ggtt", test_pd_window_ggtt);
    g_test_add_func("/ppgtt/forged-pd", test_forged_pd);
    g_test_add_func("/ppgtt/unregister", test_unregister);
    g_test_add_func("/ppgtt/pde-change", test_pde_change);
    g_test_add_func("/ppgtt/audited-batch", test_audited_batch);
    g_test_add_func("/ppgtt/slot-swap", test_slot_swap);
    g_test_add_func("/ppgtt/lifecycle", test_lifecycle);
    g_test_add_func("/ppgtt/sync-refusals", test_sync_refusals);
    g_test_add_func("/ppgtt/embedded-op", test_embedded_op);
    return g_test_run();
}
