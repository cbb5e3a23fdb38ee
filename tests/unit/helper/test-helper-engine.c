// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of command submission on the software Haswell, driven through
 * the helper core (no transport, the scheduler run synchronously): crafted
 * command streams, results checked byte-exact in guest memory.  MI subset,
 * batches in GGTT and the gen7 PPGTT, MI_SET_CONTEXT, PIPE_CONTROL and
 * MI_FLUSH_DW post-syncs, the blitter on linear and X-tiled surfaces,
 * faults and hangs confined to one instance, submission validation, the
 * scheduler's shares and context switches.
 */
#include "hsw/hsw-regs.h"
#include "helper-env.h"

#define MIB(x)          ((guint64)(x) << 20)
#define RAM_SIZE        MIB(4)

/* Layout inside each instance's mappable GM (= its RAM, page for page). */
#define HWS_OFF         0x0000u
#define DATA_OFF        0x1000u
#define BATCH_OFF       0x10000u
#define CTX_A_OFF       0x40000u
#define CTX_B_OFF       0x60000u
#define LIN_OFF         0x100000u       /* 256 x 64 x 32 bpp, pitch 1024 */
#define TILED_OFF       0x200000u       /* the same, X-tiled */
#define PD_OFF          0x300000u       /* PPGTT directory: 512 GGTT entries */
#define PT_RAM          0x3f0000u       /* page table page (guest RAM) */
#define PPGTT_RAM       0x380000u       /* PPGTT VA 0.. maps here */

/* Encodings (i915's gt/intel_gpu_commands.h). */
#define MI_NOOP                 0x00000000u
#define MI_USER_INTERRUPT       0x01000000u
#define MI_BB_END               0x05000000u
#define MI_SET_CONTEXT          0x0c000000u
#define MI_SDI_GGTT             (0x10000002u | (1u << 22))
#define MI_SDI_PPGTT            0x10000002u
#define MI_SDX                  0x10800001u
#define MI_LRI(n)               (0x11000000u | (2 * (n) - 1))
#define MI_SRM_GGTT             (0x12000001u | (1u << 22))
#define MI_UPDATE_GTT           0x11800001u
#define MI_FLUSH_DW_IDX         0x13244001u
#define MI_BB_START_GGTT        0x18800000u
#define MI_BB_START_PPGTT       0x18802100u
#define MI_BB_START_2ND         (0x18800000u | (1u << 22))
#define PIPE_CONTROL4           0x7a000002u
#define PIPELINE_SELECT_3D      0x69040000u
#define STATE_BASE_ADDRESS      0x61010008u
#define MEDIA_OBJECT            0x71000007u
#define XY_SETUP_BLT            0x40400006u
#define XY_TEXT_IMM(n)          (0x4c400000u | (n))
#define XY_COLOR_BLT            0x54300004u     /* 32bpp, alpha|rgb */
#define XY_SRC_COPY_BLT         0x54f00006u
#define XY_DST_TILED            (1u << 11)
#define XY_SRC_TILED            (1u << 15)
#define BR13_32BPP              (3u << 24)
#define ROP_P                   (0xf0u << 16)
#define ROP_S                   (0xccu << 16)

/* Two instances of 16 + 16 MiB; GM page i of the mappable range = frame i. */
static void env_up_gpu(struct env *e, bool audited)
{
    struct vgt_create_req req = { MIB(16), MIB(16), 0, 0 };

    env_up_n(e, 2, &req, RAM_SIZE, RAM_SIZE / 4096, audited);
}

static void env_up(struct env *e)
{
    env_up_gpu(e, false);
}

static guint64 gm(struct env *e, int k, guint32 off)
{
    return e->info[k].mappable_base + off;
}

static void put(struct env *e, int k, guint32 off, const guint32 *dw,
        guint32 n)
{
    memcpy(e->ram[k] + off, dw, n * 4);
}

/* The default flush list: HWS page and (RCS/BCS) the PPGTT directory. */
static guint32 std_regs(struct env *e, int k, guint32 engine,
            struct vgt_reg_write *r)
{
    guint32 base = hsw_engines[engine].mmio_base;

    r[0].offset = hsw_engines[engine].hws_pga;
    r[0].value = (guint32)gm(e, k, HWS_OFF);
    r[1].offset = RING_PP_DIR_DCLV(base);
    r[1].value = 0xffffffff;
    r[2].offset = RING_PP_DIR_BASE(base);
    r[2].value = (guint32)((gm(e, k, PD_OFF) >> 12) / 16) << 16;
    return 3;
}

/* Copy dwords into the shadow area, submit them on engine. */
static int submit(struct env *e, int k, guint32 engine, const guint32 *dw,
          guint32 n, guint64 *id)
{
    struct vgt_workload wl = { 0 };

    wl.id = ++e->next_id;
    wl.start = env_shadow_put(e, k, dw, n);
    wl.length = n * 4;
    wl.engine = engine;
    wl.nr_regs = std_regs(e, k, engine, wl.regs);
    if (id) {
        *id = wl.id;
    }
    return vgt_inst_submit(e->inst[k], &wl);
}

static int events(struct env *e, int k, struct vgt_event *ev, int max)
{
    return vgt_inst_events_read(e->inst[k], ev, max);
}

/* Runs one workload and checks it completed cleanly (with n user irqs). */
static void run_ok(struct env *e, int k, guint32 engine, const guint32 *dw,
           guint32 n, int user_irqs)
{
    struct vgt_event ev[64];
    guint64 id;
    int got, i = 0;

    g_assert_cmpint(submit(e, k, engine, dw, n, &id), ==, 0);
    run(e);
    got = events(e, k, ev, 64);
    g_assert_cmpint(got, ==, user_irqs + 1);
    for (; i < user_irqs; i++) {
        g_assert_cmpuint(ev[i].type, ==, VGT_EVENT_USER_IRQ);
        g_assert_cmpuint(ev[i].unit, ==, engine);
    }
    g_assert_cmpuint(ev[i].type, ==, VGT_EVENT_COMPLETE);
    g_assert_cmpuint(ev[i].unit, ==, engine);
    g_assert_cmpuint(ev[i].data, ==, id);
}

static void expect_fail(struct env *e, int k, guint32 engine,
            const guint32 *dw, guint32 n, guint32 type)
{
    struct vgt_event ev[8];
    guint64 id;

    g_assert_cmpint(submit(e, k, engine, dw, n, &id), ==, 0);
    run(e);
    g_assert_cmpint(events(e, k, ev, 8), ==, 2);
    g_assert_cmpuint(ev[0].type, ==, type);
    g_assert_cmpuint(ev[0].data, ==, id);
    g_assert_cmpuint(ev[1].type, ==, VGT_EVENT_COMPLETE);
    g_assert_cmpuint(ev[1].data, ==, id);
}

/* ---- MI subset --------------------------------------------------------- */

static void test_mi_render(void)
{
    struct env e;
    guint32 scratch, hws;

    env_up(&e);
    hws = (guint32)gm(&e, 0, HWS_OFF);
    scratch = (guint32)gm(&e, 0, DATA_OFF);
    {
        /* i915's RCS breadcrumb and friends, in a ring segment. */
        const guint32 ring[] = {
            MI_NOOP,
            MI_SDX, 0x40, 0x11111111,
            MI_SDI_GGTT, 0, scratch + 0x10, 0xcafef00d,
            /* masked: bits 31:16 enable bits 15:0, read as 0 */
            MI_LRI(3), CACHE_MODE_0_GEN7, 0x00ff1234,
            0x22050, 0x00010001,        /* BCS PSMI_CTL: dropped */
            GTIER, 0,           /* never reaches the GPU */
            MI_SRM_GGTT, CACHE_MODE_0_GEN7, scratch + 0x20,
            MI_SRM_GGTT, RING_PP_DIR_BASE(RENDER_RING_BASE),
            scratch + 0x24,
            PIPELINE_SELECT_3D,
            STATE_BASE_ADDRESS, 1, 2, 3, 4, 5, 6, 7, 8, 9,
            PIPE_CONTROL4, 0x011050a1, hws + 0x100, 42,
            MI_USER_INTERRUPT,
            MI_NOOP,
        };

        run_ok(&e, 0, VGT_ENGINE_RCS, ring, G_N_ELEMENTS(ring), 1);
    }
    g_assert_cmphex(rd32(&e, 0, HWS_OFF + 0x40), ==, 0x11111111);
    g_assert_cmphex(rd32(&e, 0, DATA_OFF + 0x10), ==, 0xcafef00d);
    g_assert_cmphex(rd32(&e, 0, DATA_OFF + 0x20), ==, 0x34);
    g_assert_cmphex(rd32(&e, 0, DATA_OFF + 0x24), ==,
            (guint32)((gm(&e, 0, PD_OFF) >> 12) / 16) << 16);
    g_assert_cmphex(rd32(&e, 0, HWS_OFF + 0x100), ==, 42);
    /* Nothing else in the HWS page moved. */
    for (guint32 o = 0; o < 4096; o += 4) {
        if (o != 0x40 && o != 0x100) {
            g_assert_cmphex(rd32(&e, 0, HWS_OFF + o), ==, 0);
        }
    }
    g_assert_cmphex(e.gpu.ops->read32(e.sw, GTIER), !=, 0);
    g_assert_cmphex(e.gpu.ops->read32(e.sw, 0x22050), ==, 0);
    env_down(&e);
}

static void test_mi_xcs_breadcrumb(void)
{
    static const guint32 engines[] = { VGT_ENGINE_VCS, VGT_ENGINE_BCS,
                       VGT_ENGINE_VECS };
    struct env e;

    env_up(&e);
    for (guint32 i = 0; i < G_N_ELEMENTS(engines); i++) {
        guint32 seq = 0x100 + i, ring[3 + 32 * 3 + 3 + 2], n = 0;

        /* gen7_emit_breadcrumb_xcs */
        ring[n++] = MI_FLUSH_DW_IDX;
        ring[n++] = 0x104;
        ring[n++] = seq;
        for (int j = 0; j < 32; j++) {
            ring[n++] = MI_SDX;
            ring[n++] = 0x100;
            ring[n++] = seq;
        }
        ring[n++] = 0x13000001;
        ring[n++] = 0;
        ring[n++] = 0;
        ring[n++] = MI_USER_INTERRUPT;
        ring[n++] = MI_NOOP;
        memset(e.ram[0] + HWS_OFF, 0, 4096);
        run_ok(&e, 0, engines[i], ring, n, 1);
        g_assert_cmphex(rd32(&e, 0, HWS_OFF + 0x100), ==, seq);
        g_assert_cmphex(rd32(&e, 0, HWS_OFF + 0x104), ==, 0);
    }
    env_down(&e);
}

static void test_batches_ggtt(void)
{
    struct env e;
    guint32 b1 = BATCH_OFF, b2 = BATCH_OFF + 0x1000;
    guint32 b3 = BATCH_OFF + 0x2000, d;

    env_up(&e);
    d = (guint32)gm(&e, 0, DATA_OFF);
    {
        /* b1: store, call b2 (2nd level), store, chain to b3. */
        const guint32 batch1[] = {
            MI_SDI_GGTT, 0, d + 0, 1,
            MI_BB_START_2ND, (guint32)gm(&e, 0, b2),
            MI_SDI_GGTT, 0, d + 8, 3,
            MI_BB_START_GGTT, (guint32)gm(&e, 0, b3),
            MI_SDI_GGTT, 0, d + 12, 0xbad,      /* never */
        };
        const guint32 batch2[] = {
            MI_SDI_GGTT, 0, d + 4, 2, MI_BB_END,
        };
        const guint32 batch3[] = {
            MI_SDI_GGTT, 0, d + 16, 4, MI_BB_END,
        };
        const guint32 ring[] = {
            MI_BB_START_GGTT, (guint32)gm(&e, 0, b1),
            MI_SDI_GGTT, 0, d + 20, 5,
        };

        put(&e, 0, b1, batch1, G_N_ELEMENTS(batch1));
        put(&e, 0, b2, batch2, G_N_ELEMENTS(batch2));
        put(&e, 0, b3, batch3, G_N_ELEMENTS(batch3));
        run_ok(&e, 0, VGT_ENGINE_RCS, ring, G_N_ELEMENTS(ring), 0);
    }
    g_assert_cmpuint(rd32(&e, 0, DATA_OFF + 0), ==, 1);
    g_assert_cmpuint(rd32(&e, 0, DATA_OFF + 4), ==, 2);
    g_assert_cmpuint(rd32(&e, 0, DATA_OFF + 8), ==, 3);
    g_assert_cmpuint(rd32(&e, 0, DATA_OFF + 12), ==, 0);
    g_assert_cmpuint(rd32(&e, 0, DATA_OFF + 16), ==, 4);
    g_assert_cmpuint(rd32(&e, 0, DATA_OFF + 20), ==, 5);
    env_down(&e);
}

/* PD at PD_OFF (GGTT entries), one PT page, VA 0..32K -> PPGTT_RAM. */
static void setup_ppgtt(struct env *e, int k)
{
    struct vgt_gtt_entry pde = {
        (guint32)(gm(e, k, PD_OFF) >> 12), VGT_PTE_VALID, PT_RAM >> 12,
    };
    guint32 pt[8];

    g_assert_cmpint(vgt_inst_gtt_write(e->inst[k], &pde, 1, NULL), ==, 0);
    for (int i = 0; i < 8; i++) {
        pt[i] = hsw_pte_encode(PPGTT_RAM + i * 4096, HSW_PTE_VALID);
    }
    put(e, k, PT_RAM, pt, 8);
    /* what the device does before a PPGTT submission: shadow it */
    g_assert_cmpint(vgt_inst_ppgtt_sync(e->inst[k], gm(e, k, PD_OFF)), >=, 0);
}

static void test_ppgtt(void)
{
    struct env e;
    /* The clear-residuals shape: BB_START 0x18802100 into the PPGTT. */
    const guint32 batch[] = {
        PIPE_CONTROL4, 0x00100002, 0, 0,        /* stall, no write */
        MI_LRI(2), CACHE_MODE_0_GEN7, 0xffff0000,
        CACHE_MODE_1, 0xffff0040,
        PIPELINE_SELECT_3D | 1, MI_NOOP,
        STATE_BASE_ADDRESS, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0x70000006, 0, 0, 0, 0, 0, 0, 0,        /* MEDIA_VFE_STATE */
        0x70020002, 0, 0, 0,            /* MEDIA_IDL */
        MEDIA_OBJECT, 0, 0, 0, 0, 0, 0, 0, 0,
        MI_SDI_PPGTT, 0, 0x1010, 0x99887766,
        PIPE_CONTROL4, 0x00104000, 0x1020, 0x55,        /* PPGTT qw */
        MI_BB_END,
    };
    const guint32 ring[] = { MI_BB_START_PPGTT, 0x2000, MI_NOOP, MI_NOOP };

    env_up(&e);
    setup_ppgtt(&e, 0);
    put(&e, 0, PPGTT_RAM + 0x2000, batch, G_N_ELEMENTS(batch));
    run_ok(&e, 0, VGT_ENGINE_RCS, ring, G_N_ELEMENTS(ring), 0);
    g_assert_cmphex(rd32(&e, 0, PPGTT_RAM + 0x1010), ==, 0x99887766);
    g_assert_cmphex(rd32(&e, 0, PPGTT_RAM + 0x1020), ==, 0x55);
    /*
     * The device model's copy of that batch in the shadow area, BB_START
     * bit 8 kept: fetched from the GGTT, operands still in the PPGTT.
     */
    {
        guint32 ring2[] = { MI_BB_START_PPGTT, 0, MI_NOOP, MI_NOOP };
        guint32 copy[G_N_ELEMENTS(batch)];

        memcpy(copy, batch, sizeof(batch));
        copy[G_N_ELEMENTS(batch) - 9 + 3] = 0x11111111; /* SDI data */
        copy[G_N_ELEMENTS(batch) - 5 + 3] = 0x66;       /* PC data */
        memcpy(e.shadow[0] + 0x20000, copy, sizeof(copy));
        ring2[1] = (guint32)e.shadow_gm[0] + 0x20000;
        run_ok(&e, 0, VGT_ENGINE_RCS, ring2, G_N_ELEMENTS(ring2), 0);
        g_assert_cmphex(rd32(&e, 0, PPGTT_RAM + 0x1010), ==,
                0x11111111);
        g_assert_cmphex(rd32(&e, 0, PPGTT_RAM + 0x1020), ==, 0x66);
    }
    /* The blitter in a PPGTT batch: surfaces are PPGTT addresses. */
    {
        const guint32 bb[] = {
            XY_COLOR_BLT, BR13_32BPP | ROP_P | 64, 0,
            (2 << 16) | 16, 0x3000, 0x5a5a5a5a, MI_BB_END,
        };
        const guint32 ring3[] = { MI_BB_START_PPGTT, 0x4000 };

        put(&e, 0, PPGTT_RAM + 0x4000, bb, G_N_ELEMENTS(bb));
        run_ok(&e, 0, VGT_ENGINE_BCS, ring3, 2, 0);
        for (guint32 y = 0; y < 3; y++) {
            for (guint32 x = 0; x < 16; x++) {
                g_assert_cmphex(rd32(&e, 0, PPGTT_RAM + 0x3000 +
                             y * 64 + x * 4), ==,
                        (y < 2 ? 0x5a5a5a5au : 0u));
            }
        }
    }
    /* A VA with no PTE is a fault of this workload, nothing else. */
    {
        const guint32 bad[] = { MI_SDI_PPGTT, 0, 0x9000, 1 };

        expect_fail(&e, 0, VGT_ENGINE_RCS, bad, 4, VGT_EVENT_FAULT);
    }
    /* A directory outside the instance's GM is a fault too. */
    {
        struct vgt_workload wl = { 0 };
        struct vgt_event ev[4];
        const guint32 sdi[] = { MI_BB_START_PPGTT, 0x2000 };

        memcpy(e.shadow[0] + 0x8000, sdi, sizeof(sdi));
        wl.id = 77;
        wl.start = e.shadow_gm[0] + 0x8000;
        wl.length = sizeof(sdi);
        wl.engine = VGT_ENGINE_RCS;
        wl.nr_regs = 1;
        wl.regs[0].offset = RING_PP_DIR_BASE(RENDER_RING_BASE);
        /* instance 1's directory */
        wl.regs[0].value = (guint32)((gm(&e, 1, PD_OFF) >> 12) / 16)
                   << 16;
        setup_ppgtt(&e, 1);
        g_assert_cmpint(vgt_inst_submit(e.inst[0], &wl), ==, 0);
        run(&e);
        g_assert_cmpint(events(&e, 0, ev, 4), ==, 2);
        g_assert_cmpuint(ev[0].type, ==, VGT_EVENT_FAULT);
    }
    env_down(&e);
}

static void test_set_context(void)
{
    struct env e;
    guint32 a, b, d;

    env_up(&e);
    a = (guint32)gm(&e, 0, CTX_A_OFF);
    b = (guint32)gm(&e, 0, CTX_B_OFF);
    d = (guint32)gm(&e, 0, DATA_OFF);
    {
        const guint32 ring[] = {
            /* A: fresh (inhibit), then its state */
            MI_SET_CONTEXT, a | 0x100 | 0x8 | 0x1,
            MI_LRI(2), CACHE_MODE_0_GEN7, 0xffffaaaa,
            CACHE_MODE_1, 0xffff0a0a,
            /* B: saves A, fresh */
            MI_SET_CONTEXT, b | 0x100 | 0x8 | 0x1,
            MI_LRI(2), CACHE_MODE_0_GEN7, 0xffffbbbb,
            CACHE_MODE_1, 0xffff0b0b,
            /* A again, restored: saves B */
            MI_SET_CONTEXT, a | 0x100 | 0x8 | 0x4,
            MI_SRM_GGTT, CACHE_MODE_0_GEN7, d,
            MI_SRM_GGTT, CACHE_MODE_1, d + 4,
            MI_SRM_GGTT, CCID, d + 8,
        };

        run_ok(&e, 0, VGT_ENGINE_RCS, ring, G_N_ELEMENTS(ring), 0);
    }
    /*
     * A's image: NOOP, one LRI of the render context's registers (masked
     * ones with every enable bit), BB_END; the cache and GT modes and
     * INSTPM first.
     */
    {
        const guint32 want[] = {
            0, CACHE_MODE_0_GEN7, 0xffffaaaa,
            CACHE_MODE_1, 0xffff0a0a, GEN7_GT_MODE, 0xffff0000,
            RING_INSTPM(RENDER_RING_BASE), 0xffff0000,
        };
        const guint32 want_b[] = {
            0, CACHE_MODE_0_GEN7, 0xffffbbbb,
            CACHE_MODE_1, 0xffff0b0b, GEN7_GT_MODE, 0xffff0000,
            RING_INSTPM(RENDER_RING_BASE), 0xffff0000,
        };
        guint32 *ia = (guint32 *)(e.ram[0] + CTX_A_OFF);
        guint32 *ib = (guint32 *)(e.ram[0] + CTX_B_OFF);
        guint32 nregs = ((ia[1] & 0xff) + 1) / 2;

        g_assert_cmphex(ia[1] & 0xffffff00, ==, MI_LRI(1) & 0xffffff00);
        g_assert_cmphex(ib[1], ==, ia[1]);
        g_assert_cmpuint(nregs, >, 4);
        g_assert_cmphex(ia[2 + 2 * nregs], ==, MI_BB_END);
        g_assert_cmphex(ia[0], ==, want[0]);
        g_assert_cmpmem(ia + 2, sizeof(want) - 4, want + 1,
                        sizeof(want) - 4);
        g_assert_cmpmem(ib + 2, sizeof(want_b) - 4, want_b + 1,
                        sizeof(want_b) - 4);
    }
    g_assert_cmphex(rd32(&e, 0, DATA_OFF), ==, 0xaaaa);
    g_assert_cmphex(rd32(&e, 0, DATA_OFF + 4), ==, 0x0a0a);
    g_assert_cmphex(rd32(&e, 0, DATA_OFF + 8), ==, a | 0x10c | 1);
    /* An image that does not fit in the instance's GM: fault. */
    {
        guint32 end = (guint32)(e.info[0].mappable_base +
                    e.info[0].mappable_size - 0x1000);
        const guint32 ring[] = { MI_SET_CONTEXT, end | 0x101 };

        expect_fail(&e, 0, VGT_ENGINE_RCS, ring, 2, VGT_EVENT_FAULT);
    }
    /* Not on the other engines. */
    {
        const guint32 ring[] = { MI_SET_CONTEXT, a | 0x101 };

        expect_fail(&e, 0, VGT_ENGINE_BCS, ring, 2, VGT_EVENT_FAULT);
    }
    env_down(&e);
}

/*
 * The first RCS request of i915 on Haswell (gt/intel_ring_submission.c),
 * as the device model would hand it over: flushes, switch_mm by LRI, the
 * MI_SET_CONTEXT dance with the other engines' PSMI_CTL, the clear-residuals
 * batch in the PPGTT (140 MEDIA_OBJECTs), the w/a LRI, the null-state batch
 * in the GGTT and the breadcrumb; then a second request switching to
 * another context, which saves the first image.
 */
static void test_i915_first_request(void)
{
    struct env e;
    guint32 hws, scratch, ctx1, ctx2, pp_dir, n = 0, nb = 0;
    static guint32 ring[256], residuals[4 + 3 + 2 + 10 + 8 + 4 + 140 * 9 + 1];
    guint32 nullstate[64], ns = 0;

    env_up(&e);
    setup_ppgtt(&e, 0);
    hws = (guint32)gm(&e, 0, HWS_OFF);
    scratch = (guint32)gm(&e, 0, DATA_OFF);
    ctx1 = (guint32)gm(&e, 0, CTX_A_OFF);
    ctx2 = (guint32)gm(&e, 0, CTX_B_OFF);
    pp_dir = (guint32)((gm(&e, 0, PD_OFF) >> 12) / 16) << 16;

    /* clear residuals, reachable only through the PPGTT (VA 0x0) */
    residuals[nb++] = PIPE_CONTROL4;
    residuals[nb++] = 0x00100002;
    residuals[nb++] = 0;
    residuals[nb++] = 0;
    residuals[nb++] = MI_LRI(1);
    residuals[nb++] = CACHE_MODE_0_GEN7;
    residuals[nb++] = 0xffff0000;
    residuals[nb++] = PIPELINE_SELECT_3D | 1;
    residuals[nb++] = MI_NOOP;
    residuals[nb++] = STATE_BASE_ADDRESS;
    for (int i = 0; i < 9; i++) {
        residuals[nb++] = 1;
    }
    residuals[nb++] = 0x70000006;
    for (int i = 0; i < 7; i++) {
        residuals[nb++] = 0;
    }
    residuals[nb++] = 0x70020002;
    for (int i = 0; i < 3; i++) {
        residuals[nb++] = 0;
    }
    for (int o = 0; o < 140; o++) {
        residuals[nb++] = MEDIA_OBJECT;
        for (int i = 0; i < 8; i++) {
            residuals[nb++] = o;
        }
    }
    residuals[nb++] = MI_BB_END;
    g_assert_cmpuint(nb, ==, G_N_ELEMENTS(residuals));
    g_assert_cmpuint(nb * 4, <=, 0x8000);
    put(&e, 0, PPGTT_RAM, residuals, nb);

    /* null state, in the GGTT */
    nullstate[ns++] = PIPELINE_SELECT_3D;
    nullstate[ns++] = STATE_BASE_ADDRESS;
    for (int i = 0; i < 9; i++) {
        nullstate[ns++] = 0;
    }
    for (int k = 0; k < 10; k++) {
        nullstate[ns++] = 0x78000001 | ((0x0e + k) << 16);
        nullstate[ns++] = 0;
        nullstate[ns++] = 0;
    }
    nullstate[ns++] = 0x7b000005;
    for (int i = 0; i < 6; i++) {
        nullstate[ns++] = 0;
    }
    nullstate[ns++] = MI_BB_END;
    put(&e, 0, BATCH_OFF, nullstate, ns);

#define R(v) (ring[n++] = (v))
    /* flush(INVALIDATE) */
    R(PIPE_CONTROL4); R(0x00100002); R(0); R(0);
    R(PIPE_CONTROL4); R(0x01154c1c); R(scratch + 128); R(0);
    /* switch_mm */
    R(PIPE_CONTROL4); R(0x011050a1); R(scratch + 128); R(0);
    R(MI_LRI(1)); R(RING_PP_DIR_DCLV(RENDER_RING_BASE)); R(0xffffffff);
    R(MI_LRI(1)); R(RING_PP_DIR_BASE(RENDER_RING_BASE)); R(pp_dir);
    R(MI_SRM_GGTT); R(RING_PP_DIR_BASE(RENDER_RING_BASE)); R(scratch + 8);
    R(MI_LRI(1)); R(RING_INSTPM(RENDER_RING_BASE)); R(0x02000200);
    /* mi_set_context, restore inhibit */
    R(0x04000000);
    R(MI_LRI(3)); R(0x22050); R(0x00010001); R(0x12050); R(0x00010001);
    R(0x1a050); R(0x00010001);
    R(MI_NOOP);
    R(MI_SET_CONTEXT); R(ctx1 | 0x100 | 0x8 | 0x1);
    R(MI_NOOP);
    R(MI_LRI(3)); R(0x22050); R(0x00010000); R(0x12050); R(0x00010000);
    R(0x1a050); R(0x00010000);
    R(MI_SRM_GGTT); R(0x1a050); R(scratch + 0);
    R(MI_NOOP);
    R(0x04000001);
    /* clear residuals in the PPGTT */
    R(MI_BB_START_PPGTT); R(0x0);
    /* ctx w/a, null state, breadcrumb */
    R(MI_LRI(1)); R(RING_INSTPM(RENDER_RING_BASE)); R(0x00800080);
    R(MI_NOOP);
    R(MI_BB_START_GGTT); R((guint32)gm(&e, 0, BATCH_OFF));
    R(PIPE_CONTROL4); R(0x011050a1); R(hws + 0x100); R(1);
    R(MI_USER_INTERRUPT);
    R(MI_NOOP);
    run_ok(&e, 0, VGT_ENGINE_RCS, ring, n, 1);
    g_assert_cmphex(rd32(&e, 0, HWS_OFF + 0x100), ==, 1);
    g_assert_cmphex(rd32(&e, 0, DATA_OFF + 8), ==, pp_dir);
    g_assert_cmphex(rd32(&e, 0, DATA_OFF + 0), ==, 0); /* VECS reg */
    g_assert_cmphex(e.gpu.ops->read32(e.sw, CCID), ==, ctx1 | 0x109);
    /* masked: i915's LRIs set bits, the reads have no enable half */
    g_assert_cmphex(e.gpu.ops->read32(e.sw, CACHE_MODE_0_GEN7), ==, 0);
    g_assert_cmphex(e.gpu.ops->read32(e.sw, RING_INSTPM(RENDER_RING_BASE)),
                    ==, 0x0280);

    /* A second context: the first image is saved on the switch. */
    n = 0;
    R(MI_SET_CONTEXT); R(ctx2 | 0x100 | 0x8 | 0x1);
    R(PIPE_CONTROL4); R(0x011050a1); R(hws + 0x100); R(2);
    R(MI_USER_INTERRUPT);
    R(MI_NOOP);
#undef R
    run_ok(&e, 0, VGT_ENGINE_RCS, ring, n, 1);
    g_assert_cmphex(rd32(&e, 0, HWS_OFF + 0x100), ==, 2);
    {
        const guint32 want[] = {
            CACHE_MODE_0_GEN7, 0xffff0000,
            CACHE_MODE_1, 0xffff0000, GEN7_GT_MODE, 0xffff0000,
            RING_INSTPM(RENDER_RING_BASE), 0xffff0280,
        };

        g_assert_cmpmem(e.ram[0] + CTX_A_OFF + 8, sizeof(want), want,
                sizeof(want));
    }
    env_down(&e);
}

/* ---- faults, hangs, isolation ---- */

static void test_faults_isolated(void)
{
    struct env e;
    guint32 other, ours;
    struct vgt_event ev[8];

    env_up(&e);
    other = (guint32)gm(&e, 1, DATA_OFF);
    ours = (guint32)gm(&e, 0, DATA_OFF);
    /* B has run on the RCS: its ring state is in its shadow. */
    {
        const guint32 ring[] = { MI_SDX, 0x100, 0xb00 };

        run_ok(&e, 1, VGT_ENGINE_RCS, ring, 3, 0);
    }
    {
        /* Writes before the fault land; the one into B does not. */
        const guint32 ring[] = {
            MI_SDI_GGTT, 0, ours, 7,
            MI_SDI_GGTT, 0, other, 0xdead,
            MI_SDI_GGTT, 0, ours + 4, 8,
        };

        expect_fail(&e, 0, VGT_ENGINE_RCS, ring, G_N_ELEMENTS(ring),
                VGT_EVENT_FAULT);
    }
    g_assert_cmpuint(rd32(&e, 0, DATA_OFF), ==, 7);
    g_assert_cmpuint(rd32(&e, 0, DATA_OFF + 4), ==, 0);
    g_assert_cmpuint(rd32(&e, 1, DATA_OFF), ==, 0);
    {
        /* The helper's own slot 0 and an unmapped page. */
        const guint32 r1[] = { MI_SDI_GGTT, 0, 0x1000, 1 };
        /* GM of its own, never mapped (scratch page): a fault too */
        const guint32 r2[] = { MI_SDI_GGTT, 0, ours + (guint32)RAM_SIZE,
                       1 };
        const guint32 r3[] = { MI_UPDATE_GTT, 0, 0 };
        const guint32 r4[] = { 0x20000000 };    /* client 1 */
        const guint32 r5[] = { MI_SDI_GGTT, 0 }; /* truncated */
        const guint32 r6[] = { XY_COLOR_BLT, BR13_32BPP | ROP_P | 1024,
                       0, 0x00010001, ours, 0 }; /* on RCS */

        expect_fail(&e, 0, VGT_ENGINE_RCS, r1, 4, VGT_EVENT_FAULT);
        expect_fail(&e, 0, VGT_ENGINE_RCS, r2, 4, VGT_EVENT_FAULT);
        expect_fail(&e, 0, VGT_ENGINE_RCS, r3, 3, VGT_EVENT_FAULT);
        expect_fail(&e, 0, VGT_ENGINE_RCS, r4, 1, VGT_EVENT_FAULT);
        expect_fail(&e, 0, VGT_ENGINE_RCS, r5, 2, VGT_EVENT_FAULT);
        expect_fail(&e, 0, VGT_ENGINE_RCS, r6, 6, VGT_EVENT_FAULT);
    }
    {
        /* A batch that jumps to itself forever: a hang. */
        const guint32 loop[] = { MI_NOOP, MI_BB_START_GGTT,
                     (guint32)gm(&e, 0, BATCH_OFF) };
        const guint32 ring[] = { MI_BB_START_GGTT,
                     (guint32)gm(&e, 0, BATCH_OFF) };

        put(&e, 0, BATCH_OFF, loop, 3);
        expect_fail(&e, 0, VGT_ENGINE_RCS, ring, 2, VGT_EVENT_HANG);
    }
    /*
     * B's engine state survived A's faults and hang: a workload with an
     * empty flush list still finds B's HWS page.  A works again once its
     * ring state is flushed.
     */
    {
        const guint32 ring[] = { MI_SDX, 0x100, 0xb0b };
        struct vgt_workload wl = { 0 };

        memcpy(e.shadow[1] + 0x40000, ring, sizeof(ring));
        wl.id = 999;
        wl.start = e.shadow_gm[1] + 0x40000;
        wl.length = sizeof(ring);
        wl.engine = VGT_ENGINE_RCS;
        g_assert_cmpint(vgt_inst_submit(e.inst[1], &wl), ==, 0);
        run(&e);
        g_assert_cmpint(events(&e, 1, ev, 8), ==, 1);
        g_assert_cmpuint(ev[0].type, ==, VGT_EVENT_COMPLETE);
        g_assert_cmphex(rd32(&e, 1, HWS_OFF + 0x100), ==, 0xb0b);
        run_ok(&e, 0, VGT_ENGINE_RCS, ring, 3, 0);
        g_assert_cmphex(rd32(&e, 0, HWS_OFF + 0x100), ==, 0xb0b);
    }
    {
        struct vgt_sched_stats st;

        vgt_inst_get_sched_stats(e.inst[0], &st);
        g_assert_cmpuint(st.faults, ==, 7);
        g_assert_cmpuint(st.hangs, ==, 1);
        g_assert_cmpuint(st.completed, ==, st.submitted);
    }
    g_assert_cmpint(events(&e, 1, ev, 8), ==, 0);
    env_down(&e);
}

/*
 * A workload that faults or hangs stops its instance's ring on that engine
 * (ABI 5): A queues it and then 3 stores on RCS, B a store on RCS, A a
 * store on BCS.  A's 3 are cancelled (CANCELLED then COMPLETE each, in
 * order, after the failure's own two events) and write nothing; B's and
 * A's BCS work run; a store A submits afterwards but before reading the
 * failure is cancelled too (the ring stays stopped until the client
 * knows), one it submits after reading it runs.  @hang: the failure is
 * a batch that loops until the command budget, in short slices (B's store
 * runs while it is preempted: the head that resumes is the failing one),
 * else a store into B's GM.
 */
static void fault_cancels_queued(bool hang)
{
    const guint32 fail_type = hang ? VGT_EVENT_HANG : VGT_EVENT_FAULT;
    struct vgt_event ev[64];
    struct vgt_sched_stats st;
    struct vgt_host_sched_stats hst;
    guint64 fail, good[3], bcs, late, after, other, fail_seq;
    struct env e;
    int n, i, r;

    env_up(&e);
    if (hang) {
        /* slices of 10 us: B's store runs between the loop's pieces */
        g_assert_cmpint(vgt_host_set_slice_ns(e.host, 10000), ==, 0);
        const guint32 loop[] = { MI_NOOP, MI_BB_START_GGTT,
                                 (guint32)gm(&e, 0, BATCH_OFF) };
        const guint32 ring[] = { MI_BB_START_GGTT,
                                 (guint32)gm(&e, 0, BATCH_OFF) };

        put(&e, 0, BATCH_OFF, loop, 3);
        g_assert_cmpint(submit(&e, 0, VGT_ENGINE_RCS, ring, 2, &fail), ==, 0);
    } else {
        const guint32 ring[] = { MI_SDI_GGTT, 0,
                                 (guint32)gm(&e, 1, DATA_OFF), 0xdead };

        g_assert_cmpint(submit(&e, 0, VGT_ENGINE_RCS, ring, 4, &fail), ==, 0);
    }
    for (i = 0; i < 3; i++) {
        const guint32 ring[] = { MI_SDI_GGTT, 0,
                                 (guint32)gm(&e, 0, DATA_OFF + 4 * i),
                                 0xc0de0000u + i };

        g_assert_cmpint(submit(&e, 0, VGT_ENGINE_RCS, ring, 4, &good[i]),
                        ==, 0);
    }
    {
        const guint32 b[] = { MI_SDI_GGTT, 0,
                              (guint32)gm(&e, 1, DATA_OFF + 0x40), 0xb0b };
        const guint32 a[] = { MI_SDI_GGTT, 0,
                              (guint32)gm(&e, 0, DATA_OFF + 0x40), 0xbc5 };

        g_assert_cmpint(submit(&e, 1, VGT_ENGINE_RCS, b, 4, &other), ==, 0);
        g_assert_cmpint(submit(&e, 0, VGT_ENGINE_BCS, a, 4, &bcs), ==, 0);
    }
    run(&e);
    {
        const guint32 ring[] = { MI_SDI_GGTT, 0,
                                 (guint32)gm(&e, 0, DATA_OFF + 0x80), 0x1a7e };

        g_assert_cmpint(submit(&e, 0, VGT_ENGINE_RCS, ring, 4, &late), ==, 0);
    }
    run(&e);

    /* A on RCS: the failure, the 3 cancellations, the late store's */
    n = events(&e, 0, ev, 64);
    g_assert_cmpint(n, ==, 2 + 2 * 3 + 2 + 1);
    for (i = 0, r = 0; i < n; i++) {
        if (ev[i].unit == VGT_ENGINE_BCS) {
            g_assert_cmpuint(ev[i].type, ==, VGT_EVENT_COMPLETE);
            g_assert_cmpuint(ev[i].data, ==, bcs);
            continue;
        }
        g_assert_cmpuint(ev[i].unit, ==, VGT_ENGINE_RCS);
        g_assert_cmpuint(i == 0 || ev[i].seq > ev[i - 1].seq, ==, true);
        ev[r++] = ev[i];
    }
    g_assert_cmpint(r, ==, 2 + 2 * 3 + 2);
    g_assert_cmpuint(ev[0].type, ==, fail_type);
    g_assert_cmpuint(ev[0].data, ==, fail);
    g_assert_cmpuint(ev[1].type, ==, VGT_EVENT_COMPLETE);
    g_assert_cmpuint(ev[1].data, ==, fail);
    for (i = 0; i < 3; i++) {
        g_assert_cmpuint(ev[2 + 2 * i].type, ==, VGT_EVENT_CANCELLED);
        g_assert_cmpuint(ev[2 + 2 * i].data, ==, good[i]);
        g_assert_cmpuint(ev[3 + 2 * i].type, ==, VGT_EVENT_COMPLETE);
        g_assert_cmpuint(ev[3 + 2 * i].data, ==, good[i]);
    }
    g_assert_cmpuint(ev[8].type, ==, VGT_EVENT_CANCELLED);
    g_assert_cmpuint(ev[8].data, ==, late);
    g_assert_cmpuint(ev[9].type, ==, VGT_EVENT_COMPLETE);
    g_assert_cmpuint(ev[9].data, ==, late);
    fail_seq = ev[0].seq;
    /* the failure is read: the ring runs again */
    {
        const guint32 ring[] = { MI_SDI_GGTT, 0,
                                 (guint32)gm(&e, 0, DATA_OFF + 0xc0), 0xaf7e };

        g_assert_cmpint(submit(&e, 0, VGT_ENGINE_RCS, ring, 4, &after),
                        ==, 0);
    }
    run(&e);
    g_assert_cmpint(events(&e, 0, ev, 64), ==, 1);
    g_assert_cmpuint(ev[0].type, ==, VGT_EVENT_COMPLETE);
    g_assert_cmpuint(ev[0].data, ==, after);
    g_assert_cmphex(rd32(&e, 0, DATA_OFF + 0xc0), ==, 0xaf7e);
    for (i = 0; i < 3; i++) {
        g_assert_cmphex(rd32(&e, 0, DATA_OFF + 4 * i), ==, 0);
    }
    g_assert_cmphex(rd32(&e, 0, DATA_OFF + 0x40), ==, 0xbc5);
    g_assert_cmphex(rd32(&e, 0, DATA_OFF + 0x80), ==, 0);
    vgt_inst_get_sched_stats(e.inst[0], &st);
    g_assert_cmpuint(st.cancelled, ==, 4);
    g_assert_cmpuint(hang ? st.hangs : st.faults, ==, 1);
    g_assert_cmpuint(st.submitted, ==, 7);
    g_assert_cmpuint(st.completed, ==, 7);
    g_assert_cmpuint(st.queued, ==, 0);

    /* B: its store ran, nothing of A's reached it, nothing cancelled */
    g_assert_cmpint(events(&e, 1, ev, 64), ==, 1);
    g_assert_cmpuint(ev[0].type, ==, VGT_EVENT_COMPLETE);
    g_assert_cmpuint(ev[0].data, ==, other);
    if (hang) {
        g_assert_cmpuint(ev[0].seq, <, fail_seq);
    }
    g_assert_cmphex(rd32(&e, 1, DATA_OFF + 0x40), ==, 0xb0b);
    g_assert_cmphex(rd32(&e, 1, DATA_OFF), ==, 0);
    vgt_inst_get_sched_stats(e.inst[1], &st);
    g_assert_cmpuint(st.cancelled + st.faults + st.hangs, ==, 0);
    /* the host's count (vgt.ko's sysfs cancelled): A's 4 */
    vgt_host_get_sched_stats(e.host, &hst);
    g_assert_cmpuint(hst.cancelled, ==, 4);
    env_down(&e);
}

static void test_fault_cancels_queued(void)
{
    fault_cancels_queued(false);
}

static void test_hang_cancels_queued(void)
{
    fault_cancels_queued(true);
}

static void test_submit_validation(void)
{
    struct env e;
    struct vgt_workload wl = { 0 };
    struct vgt_stats st;
    int i;

    env_up(&e);
    wl.start = e.shadow_gm[0];
    wl.length = 4;
    wl.engine = 4;
    g_assert_cmpint(vgt_inst_submit(e.inst[0], &wl), ==,
                    -VGT_E_ENGINE);
    wl.engine = VGT_ENGINE_RCS;
    wl.flags = 1;
    g_assert_cmpint(vgt_inst_submit(e.inst[0], &wl), ==, -VGT_E_INVAL);
    wl.flags = 0;
    wl.length = 6;
    g_assert_cmpint(vgt_inst_submit(e.inst[0], &wl), ==, -VGT_E_INVAL);
    wl.length = VGT_WL_LEN_MAX + 4;
    g_assert_cmpint(vgt_inst_submit(e.inst[0], &wl), ==, -VGT_E_INVAL);
    wl.length = 8;
    wl.nr_regs = VGT_WL_REGS_MAX + 1;
    g_assert_cmpint(vgt_inst_submit(e.inst[0], &wl), ==, -VGT_E_INVAL);
    wl.nr_regs = 0;
    /* Not its memory: B's shadow, B's GM, the helper's slot 0, the end. */
    wl.start = e.shadow_gm[1];
    g_assert_cmpint(vgt_inst_submit(e.inst[0], &wl), ==,
                    -VGT_E_GM_RANGE);
    wl.start = gm(&e, 1, 0);
    g_assert_cmpint(vgt_inst_submit(e.inst[0], &wl), ==,
                    -VGT_E_GM_RANGE);
    wl.start = 0;
    g_assert_cmpint(vgt_inst_submit(e.inst[0], &wl), ==,
                    -VGT_E_GM_RANGE);
    wl.start = e.shadow_gm[0] + VGT_SHADOW_SIZE - 4;
    g_assert_cmpint(vgt_inst_submit(e.inst[0], &wl), ==,
                    -VGT_E_GM_RANGE);
    wl.start = ~0ull - 3;
    g_assert_cmpint(vgt_inst_submit(e.inst[0], &wl), ==,
                    -VGT_E_GM_RANGE);
    /* Registers: only the engine's flush list. */
    wl.start = e.shadow_gm[0];
    wl.nr_regs = 1;
    wl.regs[0].offset = GTIER;
    g_assert_cmpint(vgt_inst_submit(e.inst[0], &wl), ==, -VGT_E_REG);
    wl.regs[0].offset = HWS_PGA_BCS;    /* another engine's */
    g_assert_cmpint(vgt_inst_submit(e.inst[0], &wl), ==, -VGT_E_REG);
    wl.regs[0].offset = CCID;           /* hardware-owned */
    g_assert_cmpint(vgt_inst_submit(e.inst[0], &wl), ==, -VGT_E_REG);
    wl.regs[0].offset = FENCE_REG_GEN6_LO(0);
    g_assert_cmpint(vgt_inst_submit(e.inst[0], &wl), ==, -VGT_E_REG);
    wl.regs[0].offset = HWS_PGA_RCS;
    /* The queue is bounded. */
    for (i = 0; i < VGT_WL_QUEUE_MAX; i++) {
        g_assert_cmpint(vgt_inst_submit(e.inst[0], &wl), ==, 0);
    }
    g_assert_cmpint(vgt_inst_submit(e.inst[0], &wl), ==,
                    -VGT_E_QUEUE_FULL);
    /* Reset drops queued work. */
    g_assert_cmpint(vgt_inst_reset(e.inst[0]), ==, 0);
    {
        struct vgt_sched_stats ss;

        vgt_inst_get_sched_stats(e.inst[0], &ss);
        g_assert_cmpuint(ss.queued, ==, 0);
    }
    g_assert_false(vgt_host_sched_run(e.host));
    vgt_inst_get_stats(e.inst[0], &st);
    g_assert_cmpuint(st.refused[VGT_E_GM_RANGE], ==, 5);
    g_assert_cmpuint(st.refused[VGT_E_REG], ==, 4);
    g_assert_cmpint(vgt_inst_set_weight(e.inst[0], 0), ==, -VGT_E_INVAL);
    g_assert_cmpint(vgt_inst_set_weight(e.inst[0], 17), ==, -VGT_E_INVAL);
    g_assert_cmpint(vgt_inst_set_weight(e.inst[0], 16), ==, 0);
    env_down(&e);
}

/* ---- blitter ---- */

static guint32 px_lin(struct env *e, int k, guint32 x, guint32 y)
{
    return rd32(e, k, LIN_OFF + y * 1024 + x * 4);
}

/* X-tiled, pitch 1024 bytes (2 tiles), no swizzle. */
static guint32 tiled_off(guint32 xb, guint32 y)
{
    return (y / 8) * 1024 * 8 + (xb / 512) * 4096 + (y % 8) * 512 +
           xb % 512;
}

static guint32 px_tiled(struct env *e, int k, guint32 x, guint32 y)
{
    return rd32(e, k, TILED_OFF + tiled_off(x * 4, y));
}

static void test_blt_color_copy(void)
{
    struct env e;
    guint32 lin, til;

    env_up(&e);
    lin = (guint32)gm(&e, 0, LIN_OFF);
    til = (guint32)gm(&e, 0, TILED_OFF);
    /* Background pattern in the linear surface. */
    for (guint32 y = 0; y < 64; y++) {
        for (guint32 x = 0; x < 256; x++) {
            guint32 v = (y << 16) | x;

            put(&e, 0, LIN_OFF + y * 1024 + x * 4, &v, 1);
        }
    }
    {
        const guint32 ring[] = {
            /* fill (10,5)-(20,8) */
            XY_COLOR_BLT, BR13_32BPP | ROP_P | 1024,
            (5 << 16) | 10, (8 << 16) | 20, lin, 0x11223344,
            /* copy the whole linear surface into the tiled one */
            XY_SRC_COPY_BLT | XY_DST_TILED,
            BR13_32BPP | ROP_S | (1024 / 4),
            0, (64 << 16) | 256, til, 0, 1024, lin,
            /* RGB only (alpha kept) at (0,0)-(2,1) */
            0x54100004, BR13_32BPP | ROP_P | 1024, 0, (1 << 16) | 2,
            lin, 0xaabbccdd,
            /* XOR (0x5a) at (3,0) */
            XY_COLOR_BLT, BR13_32BPP | (0x5au << 16) | 1024,
            3, (1 << 16) | 4, lin, 0xffffffff,
        };

        run_ok(&e, 0, VGT_ENGINE_BCS, ring, G_N_ELEMENTS(ring), 0);
    }
    for (guint32 y = 0; y < 64; y++) {
        for (guint32 x = 0; x < 256; x++) {
            bool in = x >= 10 && x < 20 && y >= 5 && y < 8;
            guint32 want = in ? 0x11223344 : ((y << 16) | x);

            g_assert_cmphex(px_tiled(&e, 0, x, y), ==, want);
            if (y == 0 && x < 2) {
                want = 0x00bbccdd;      /* alpha of 0 kept */
            }
            if (y == 0 && x == 3) {
                want = ~3u;
            }
            g_assert_cmphex(px_lin(&e, 0, x, y), ==, want);
        }
    }
    /* Tiled -> linear (elsewhere) round trip of a sub-rectangle. */
    {
        const guint32 ring[] = {
            XY_SRC_COPY_BLT | XY_SRC_TILED,
            BR13_32BPP | ROP_S | 1024,
            (32 << 16) | 128, (40 << 16) | 200, lin,
            (4 << 16) | 8, 1024 / 4, til,
        };

        run_ok(&e, 0, VGT_ENGINE_BCS, ring, G_N_ELEMENTS(ring), 0);
    }
    for (guint32 y = 32; y < 40; y++) {
        for (guint32 x = 128; x < 200; x++) {
            guint32 sx = x - 128 + 8, sy = y - 32 + 4;
            bool in = sx >= 10 && sx < 20 && sy >= 5 && sy < 8;

            g_assert_cmphex(px_lin(&e, 0, x, y), ==,
                    in ? 0x11223344 : ((sy << 16) | sx));
        }
    }
    /* A destination running out of the instance's GM: fault. */
    {
        const guint32 ring[] = {
            XY_COLOR_BLT, BR13_32BPP | ROP_P | 0x8000,
            0, (0xffffu << 16) | 16, lin, 0,
        };

        expect_fail(&e, 0, VGT_ENGINE_BCS, ring, 6, VGT_EVENT_FAULT);
    }
    env_down(&e);
}

static void test_blt_text(void)
{
    struct env e;
    guint32 lin;
    /* A 10x3 glyph: rows 1111000011 / 0000111100 / 1010101010 */
    static const char *rows[3] = { "1111000011", "0000111100",
                       "1010101010" };

    env_up(&e);
    lin = (guint32)gm(&e, 0, LIN_OFF);
    memset(e.ram[0] + LIN_OFF, 0x77, 64 * 1024);
    for (int mode = 0; mode < 2; mode++) {
        guint32 bytes[8] = { 0 }, y0 = mode ? 20 : 10;
        guint8 *b = (guint8 *)bytes;
        guint32 stride = mode ? 16 : 10, bit;
        guint32 ring[8 + 2 + 3 + 2];
        guint32 n = 0;

        for (guint32 r = 0; r < 3; r++) {
            for (guint32 c = 0; c < 10; c++) {
                if (rows[r][c] == '1') {
                    bit = r * stride + c;
                    b[bit / 8] |= 0x80 >> (bit % 8);
                }
            }
        }
        ring[n++] = XY_SETUP_BLT | (3u << 20);
        /* transparent background in mode 1 */
        ring[n++] = BR13_32BPP | ROP_S | 1024 | (mode ? 1u << 29 : 0);
        ring[n++] = 0;                          /* clip (0,0) */
        ring[n++] = (64 << 16) | 13;            /* to (13,64) */
        ring[n++] = lin;
        ring[n++] = 0xff000000;                 /* bg */
        ring[n++] = 0xffffffff;                 /* fg */
        ring[n++] = 0;
        ring[n++] = XY_TEXT_IMM(3) | (3u << 20) | (mode ? 1u << 16 : 0);
        ring[n++] = (y0 << 16) | 4;
        ring[n++] = ((y0 + 3) << 16) | 14;
        ring[n++] = bytes[0];
        ring[n++] = bytes[1];
        run_ok(&e, 0, VGT_ENGINE_BCS, ring, n, 0);
        for (guint32 r = 0; r < 3; r++) {
            for (guint32 c = 0; c < 12; c++) {
                guint32 x = 4 + c, want;

                if (c >= 10 || x >= 13)         /* clipped */ {
                    want = 0x77777777;
                } else if (rows[r][c] == '1') {
                    want = 0xffffffff;
                } else {
                    want = mode ? 0x77777777 : 0xff000000;
                }
                g_assert_cmphex(px_lin(&e, 0, x, y0 + r), ==,
                        want);
            }
        }
    }
    /* Not enough immediate data for the rectangle: fault. */
    {
        const guint32 ring[] = {
            XY_SETUP_BLT, BR13_32BPP | ROP_S | 1024, 0,
            (64 << 16) | 64, lin, 0, 1, 0,
            XY_TEXT_IMM(2), 0, (8 << 16) | 8, 0xffffffff,
        };

        expect_fail(&e, 0, VGT_ENGINE_BCS, ring, G_N_ELEMENTS(ring),
                VGT_EVENT_FAULT);
    }
    env_down(&e);
}

/* ---- scheduler ---- */

static void fill_blt_rows(struct env *e, int k, guint32 *ring,
              guint32 color, guint32 rows)
{
    ring[0] = XY_COLOR_BLT;
    ring[1] = BR13_32BPP | ROP_P | 1024;
    ring[2] = 0;
    ring[3] = (rows << 16) | 256;
    ring[4] = (guint32)gm(e, k, LIN_OFF);
    ring[5] = color;
    ring[6] = MI_SDX;
    ring[7] = 0x100;
    ring[8] = color;
    ring[9] = MI_USER_INTERRUPT;
}

static void fill_blt(struct env *e, int k, guint32 *ring, guint32 color)
{
    fill_blt_rows(e, k, ring, color, 64);
}

static void test_sched_shares(void)
{
    struct env e;
    struct vgt_sched_stats st[2];
    struct vgt_host_sched_stats hs;
    struct vgt_event ev[64];
    guint32 ring[10];
    double share;

    env_up(&e);
    g_assert_cmpint(vgt_inst_set_weight(e.inst[0], 1), ==, 0);
    g_assert_cmpint(vgt_inst_set_weight(e.inst[1], 3), ==, 0);
    /* Both always backlogged: keep 16 queued each, run 3000 rounds. */
    for (int round = 0; round < 2000; round++) {
        for (int k = 0; k < 2; k++) {
            struct vgt_sched_stats s;

            vgt_inst_get_sched_stats(e.inst[k], &s);
            while (s.queued < 16) {
                fill_blt_rows(&e, k, ring,
                          0x1000 * k + round, 1024);
                e.shadow_used[k] = 0;   /* same slot: ok */
                g_assert_cmpint(submit(&e, k, VGT_ENGINE_BCS,
                               ring, 10, NULL), ==, 0);
                s.queued++;
            }
            while (events(&e, k, ev, 64) > 0) {
                ;
            }
        }
        vgt_host_sched_run(e.host);
    }
    vgt_inst_get_sched_stats(e.inst[0], &st[0]);
    vgt_inst_get_sched_stats(e.inst[1], &st[1]);
    share = (double)st[1].busy_ns[VGT_ENGINE_BCS] /
        (st[0].busy_ns[VGT_ENGINE_BCS] + st[1].busy_ns[VGT_ENGINE_BCS]);
    g_test_message("weights 1:3 -> share of the second %.3f (want 0.75), "
                   "switches %llu/%llu",
               share, (unsigned long long)st[0].switches,
               (unsigned long long)st[1].switches);
    g_assert_cmpfloat(share, >, 0.75 * 0.95);
    g_assert_cmpfloat(share, <, 0.75 * 1.05);
    /* Switches are per slice, not per workload. */
    vgt_host_get_sched_stats(e.host, &hs);
    g_assert_cmpuint(hs.switches_skipped, >, hs.switches);
    g_assert_cmpuint(hs.switches, >, 10);
    env_down(&e);
}

static void test_sched_idle_and_starvation(void)
{
    struct env e;
    struct vgt_event ev[64];
    guint32 ring[10];
    struct vgt_sched_stats s, s1;

    env_up(&e);
    /* A runs alone for a while: B, idle, banks nothing. */
    for (int i = 0; i < 200; i++) {
        fill_blt(&e, 0, ring, i);
        e.shadow_used[0] = 0;
        g_assert_cmpint(submit(&e, 0, VGT_ENGINE_BCS, ring, 10, NULL),
                ==, 0);
        run(&e);
        while (events(&e, 0, ev, 64) > 0) {
            ;
        }
    }
    /*
     * Then both queue 32: B must not monopolise the engine to "catch
     * up" (A gets work done while B's queue is still non-empty), and
     * A must not starve B.
     */
    for (int i = 0; i < 32; i++) {
        for (int k = 0; k < 2; k++) {
            fill_blt_rows(&e, k, ring, i, 1024);
            e.shadow_used[k] = 0;
            g_assert_cmpint(submit(&e, k, VGT_ENGINE_BCS, ring, 10,
                           NULL), ==, 0);
        }
    }
    /*
     * Whichever queue empties first, the other made progress by then
     * (slices alternate: neither took the engine for all its 32).  The
     * shortest slice, so that the outcome does not depend on how long a
     * workload takes on this machine.
     */
    g_assert_cmpint(vgt_host_set_slice_ns(e.host, 10000), ==, 0);
    g_assert_cmpint(vgt_host_set_slice_ns(e.host, 9999), ==, -VGT_E_INVAL);
    do {
        vgt_host_sched_run(e.host);
        vgt_inst_get_sched_stats(e.inst[0], &s);
        vgt_inst_get_sched_stats(e.inst[1], &s1);
    } while (s.queued && s1.queued);
    g_assert_cmpuint(s.queued, <, 32);
    g_assert_cmpuint(s1.queued, <, 32);
    run(&e);
    vgt_inst_get_sched_stats(e.inst[1], &s);
    g_assert_cmpuint(s.completed, ==, 32);
    env_down(&e);
}

static void test_ctx_switch_state(void)
{
    struct env e;
    const guint32 ring[] = { MI_SDX, 0x80, 0x1234, MI_USER_INTERRUPT };
    struct vgt_event ev[8];
    struct vgt_host_sched_stats hs;

    env_up(&e);
    /* Alternate: every workload switches; each lands in its own HWS. */
    for (int i = 0; i < 10; i++) {
        run_ok(&e, i & 1, VGT_ENGINE_VCS, ring, 4, 1);
        g_assert_cmphex(rd32(&e, i & 1, HWS_OFF + 0x80), ==, 0x1234);
    }
    vgt_host_get_sched_stats(e.host, &hs);
    g_assert_cmpuint(hs.switches, ==, 10);
    /* The same one again: no switch. */
    run_ok(&e, 1, VGT_ENGINE_VCS, ring, 4, 1);
    vgt_host_get_sched_stats(e.host, &hs);
    g_assert_cmpuint(hs.switches, ==, 10);
    g_test_message("context switch: %.0f ns average",
               (double)hs.switch_ns / hs.switches);
    /* The outgoing instance's registers were saved, not lost. */
    g_assert_cmphex(e.gpu.ops->read32(e.sw, HWS_PGA_VCS), ==,
            (guint32)gm(&e, 1, HWS_OFF));
    run_ok(&e, 0, VGT_ENGINE_VCS, ring, 4, 1);
    g_assert_cmphex(e.gpu.ops->read32(e.sw, HWS_PGA_VCS), ==,
            (guint32)gm(&e, 0, HWS_OFF));
    /* Destroying the owner: the next one is restored from scratch. */
    vgt_inst_destroy(e.inst[0]);
    e.inst[0] = NULL;
    run_ok(&e, 1, VGT_ENGINE_VCS, ring, 4, 1);
    g_assert_cmpint(events(&e, 1, ev, 8), ==, 0);
    env_down(&e);
}


/* ---- the core's audit (a GPU that does not enforce the view) ----------- */

/* Copy dwords into the shadow area at off; returns their GM address. */
static guint32 shadow_put(struct env *e, int k, guint32 off,
                          const guint32 *dw, guint32 n)
{
    memcpy(e->shadow[k] + off, dw, n * 4);
    return (guint32)(e->shadow_gm[k] + off);
}

static void test_audit(void)
{
    struct env e;
    guint32 ours, other, lin;
    struct vgt_swhsw_stats st0, st1;

    env_up_gpu(&e, true);
    ours = (guint32)gm(&e, 0, DATA_OFF);
    other = (guint32)gm(&e, 1, DATA_OFF);
    lin = (guint32)gm(&e, 0, LIN_OFF);
    {
        /* Allowed: stores, a blit, batches in the shadow area, an LRI. */
        const guint32 b2[] = { MI_SDI_GGTT, 0, ours + 4, 2, MI_BB_END };
        guint32 b2_gm = shadow_put(&e, 0, 0x80000, b2, G_N_ELEMENTS(b2));
        const guint32 b1[] = {
            MI_BB_START_2ND, b2_gm,
            MI_LRI(1), RING_INSTPM(RENDER_RING_BASE), 0x00010000,
            MI_BB_END,
        };
        guint32 b1_gm = shadow_put(&e, 0, 0x81000, b1, G_N_ELEMENTS(b1));
        const guint32 ring[] = {
            MI_SDI_GGTT, 0, ours, 1,
            MI_BB_START_GGTT, b1_gm,
            MI_USER_INTERRUPT,
        };

        run_ok(&e, 0, VGT_ENGINE_RCS, ring, G_N_ELEMENTS(ring), 1);
        g_assert_cmpuint(rd32(&e, 0, DATA_OFF), ==, 1);
        g_assert_cmpuint(rd32(&e, 0, DATA_OFF + 4), ==, 2);
    }
    {
        const guint32 blt[] = {
            XY_COLOR_BLT, BR13_32BPP | ROP_P | 1024, 0, (8 << 16) | 8,
            lin, 0x00123456,
        };

        run_ok(&e, 0, VGT_ENGINE_BCS, blt, G_N_ELEMENTS(blt), 0);
        g_assert_cmphex(rd32(&e, 0, LIN_OFF + 7 * 1024 + 7 * 4), ==,
                        0x00123456);
    }
    vgt_swhsw_get_stats(e.sw, &st0);
    {
        /*
         * Refused before anything runs: the store before the bad one
         * never lands (the software Haswell alone would have run it).
         */
        const guint32 cross[] = {
            MI_SDI_GGTT, 0, ours + 8, 7,
            MI_SDI_GGTT, 0, other, 0xdead,
        };
        /* A batch in the VM's own GM: the guest could rewrite it. */
        const guint32 own_batch[] = { MI_BB_START_GGTT,
                                      (guint32)gm(&e, 0, BATCH_OFF) };
        const guint32 ppgtt[] = { MI_SDI_PPGTT, 0, 0x1000, 1 };
        const guint32 lri[] = { MI_LRI(1), 0x101008, 1 };
        const guint32 srm[] = { MI_SRM_GGTT, 0x100000, ours + 12, 0 };
        /* A blit whose last rows reach past the VM's mappable GM. */
        const guint32 big[] = {
            XY_COLOR_BLT, BR13_32BPP | ROP_P | 0x8000, 0,
            (0x300u << 16) | 1, (guint32)gm(&e, 0, 0), 0x1,
        };
        const guint32 upd[] = { MI_UPDATE_GTT, 0, 0 };
        const guint32 sc[] = { MI_SET_CONTEXT, other | 0x100 };
        /* The exec copy below the shadow area: what runs next. */
        const guint32 copy[] = {
            MI_SDI_GGTT, 0, (guint32)e.shadow_gm[0] - 0x1000, 1,
        };
        /* A PPGTT batch, even one in the shadow area. */
        const guint32 ppb[] = { MI_BB_START_PPGTT,
                                (guint32)e.shadow_gm[0] + 0x80000 };

        put(&e, 0, BATCH_OFF, (const guint32[]){ MI_BB_END }, 1);
        expect_fail(&e, 0, VGT_ENGINE_RCS, cross, 8, VGT_EVENT_FAULT);
        expect_fail(&e, 0, VGT_ENGINE_RCS, own_batch, 2, VGT_EVENT_FAULT);
        expect_fail(&e, 0, VGT_ENGINE_RCS, ppgtt, 4, VGT_EVENT_FAULT);
        expect_fail(&e, 0, VGT_ENGINE_RCS, lri, 3, VGT_EVENT_FAULT);
        expect_fail(&e, 0, VGT_ENGINE_RCS, srm, 4, VGT_EVENT_FAULT);
        expect_fail(&e, 0, VGT_ENGINE_BCS, big, 6, VGT_EVENT_FAULT);
        expect_fail(&e, 0, VGT_ENGINE_RCS, upd, 3, VGT_EVENT_FAULT);
        expect_fail(&e, 0, VGT_ENGINE_RCS, sc, 2, VGT_EVENT_FAULT);
        expect_fail(&e, 0, VGT_ENGINE_RCS, copy, 4, VGT_EVENT_FAULT);
        expect_fail(&e, 0, VGT_ENGINE_RCS, ppb, 2, VGT_EVENT_FAULT);
        g_assert_cmpuint(rd32(&e, 0, DATA_OFF + 8), ==, 0);
        g_assert_cmpuint(rd32(&e, 0, DATA_OFF + 12), ==, 0);
        g_assert_cmpuint(rd32(&e, 1, DATA_OFF), ==, 0);
    }
    {
        /* A batch in the shadow area that chains to itself: a hang. */
        guint32 loop_gm = (guint32)e.shadow_gm[0] + 0x90000;
        const guint32 loop[] = { MI_NOOP, MI_BB_START_GGTT, loop_gm };
        const guint32 ring[] = { MI_BB_START_GGTT, loop_gm };

        shadow_put(&e, 0, 0x90000, loop, 3);
        expect_fail(&e, 0, VGT_ENGINE_RCS, ring, 2, VGT_EVENT_HANG);
    }
    /* None of the refused workloads reached the GPU. */
    vgt_swhsw_get_stats(e.sw, &st1);
    g_assert_cmpuint(st1.engine_faults, ==, st0.engine_faults);
    env_down(&e);
}

/* ---- migration: engine state, dirty log ------------------------------- */

/* Submit dwords on engine with no flush list: the saved state runs. */
static void run_bare(struct env *e, int k, guint32 engine, const guint32 *dw,
                     guint32 n)
{
    struct vgt_workload wl = { 0 };
    struct vgt_event ev[8];

    wl.id = ++e->next_id;
    wl.start = env_shadow_put(e, k, dw, n);
    wl.length = n * 4;
    wl.engine = engine;
    g_assert_cmpint(vgt_inst_submit(e->inst[k], &wl), ==, 0);
    run(e);
    g_assert_cmpint(events(e, k, ev, 8), >=, 1);
}

static guint32 reg_of(const struct vgt_engine_regs *st, guint32 off)
{
    for (guint32 i = 0; i < st->nr_regs; i++) {
        if (st->regs[i].offset == off) {
            return st->regs[i].value;
        }
    }
    g_assert_not_reached();
}

static void test_engine_regs(void)
{
    const guint32 sdx[] = { MI_SDX, 0x80, 0x5151, MI_NOOP };
    guint32 hws_new;
    struct vgt_engine_regs st, st2, set;
    struct vgt_event evs[8];
    struct env e;

    env_up(&e);
    hws_new = (guint32)gm(&e, 0, DATA_OFF);
    /* Instance 0 owns VCS now: read live. */
    run_ok(&e, 0, VGT_ENGINE_VCS, sdx, 4, 0);
    g_assert_cmpint(vgt_inst_engine_regs_get(e.inst[0], VGT_ENGINE_VCS,
                                             &st), ==, 0);
    g_assert_cmpuint(st.engine, ==, VGT_ENGINE_VCS);
    g_assert_cmpuint(st.nr_regs, >, 4);
    g_assert_cmpuint(st.nr_regs, <=, VGT_ENGINE_REGS_MAX);
    g_assert_cmphex(reg_of(&st, HWS_PGA_VCS), ==,
                    (guint32)gm(&e, 0, HWS_OFF));
    g_assert_cmphex(reg_of(&st, RING_MI_MODE(BSD_RING_BASE)), ==,
                    MODE_IDLE);
    /* The whole set back in: nothing changes. */
    g_assert_cmpint(vgt_inst_engine_regs_set(e.inst[0], &st), ==, 0);
    g_assert_cmpint(vgt_inst_engine_regs_get(e.inst[0], VGT_ENGINE_VCS,
                                             &st2), ==, 0);
    g_assert_cmpmem(&st, sizeof(st), &st2, sizeof(st2));

    /* Refusals: engine, count, register, busy. */
    g_assert_cmpint(vgt_inst_engine_regs_get(e.inst[0], VGT_ENGINE_COUNT,
                                             &st2), ==, -VGT_E_ENGINE);
    set = st;
    set.engine = 7;
    g_assert_cmpint(vgt_inst_engine_regs_set(e.inst[0], &set), ==,
                    -VGT_E_ENGINE);
    set.engine = VGT_ENGINE_VCS;
    set.nr_regs = VGT_ENGINE_REGS_MAX + 1;
    g_assert_cmpint(vgt_inst_engine_regs_set(e.inst[0], &set), ==,
                    -VGT_E_INVAL);
    set.nr_regs = 2;
    set.regs[0].offset = HWS_PGA_VCS;
    set.regs[0].value = hws_new;
    set.regs[1].offset = HWS_PGA_RCS;   /* another engine's */
    g_assert_cmpint(vgt_inst_engine_regs_set(e.inst[0], &set), ==,
                    -VGT_E_REG);
    set.regs[1].offset = GTIER;
    g_assert_cmpint(vgt_inst_engine_regs_set(e.inst[0], &set), ==,
                    -VGT_E_REG);
    set.nr_regs = 1;
    {
        struct vgt_workload wl = { 0 };

        memcpy(e.shadow[0] + 0x70000, sdx, sizeof(sdx));
        wl.id = 999;
        wl.start = e.shadow_gm[0] + 0x70000;
        wl.length = sizeof(sdx);
        wl.engine = VGT_ENGINE_VCS;
        g_assert_cmpint(vgt_inst_submit(e.inst[0], &wl), ==, 0);
        g_assert_cmpint(vgt_inst_engine_regs_set(e.inst[0], &set), ==,
                        -VGT_E_BUSY);
        /* Another engine is not busy. */
        set.engine = VGT_ENGINE_BCS;
        set.regs[0].offset = HWS_PGA_BCS;
        g_assert_cmpint(vgt_inst_engine_regs_set(e.inst[0], &set), ==,
                        0);
        set.engine = VGT_ENGINE_VCS;
        set.regs[0].offset = HWS_PGA_VCS;
        run(&e);
        g_assert_cmpint(events(&e, 0, evs, 8),
                        ==, 1);
    }
    /* Nothing changed by the refusals. */
    g_assert_cmpint(vgt_inst_engine_regs_get(e.inst[0], VGT_ENGINE_VCS,
                                             &st2), ==, 0);
    g_assert_cmphex(reg_of(&st2, HWS_PGA_VCS), ==,
                    (guint32)gm(&e, 0, HWS_OFF));

    /* Set while it owns the engine: the next workload uses the value. */
    g_assert_cmpint(vgt_inst_engine_regs_set(e.inst[0], &set), ==, 0);
    g_assert_cmpint(vgt_inst_engine_regs_get(e.inst[0], VGT_ENGINE_VCS,
                                             &st2), ==, 0);
    g_assert_cmphex(reg_of(&st2, HWS_PGA_VCS), ==, hws_new);
    /* the registers not set kept their values */
    g_assert_cmphex(reg_of(&st2, RING_MI_MODE(BSD_RING_BASE)), ==,
                    MODE_IDLE);
    run_bare(&e, 0, VGT_ENGINE_VCS, sdx, 4);
    g_assert_cmphex(rd32(&e, 0, DATA_OFF + 0x80), ==, 0x5151);

    /* Survives the other instance on the engine, then runs again. */
    run_ok(&e, 1, VGT_ENGINE_VCS, sdx, 4, 0);
    set.regs[0].value = hws_new + 0x1000;
    g_assert_cmpint(vgt_inst_engine_regs_set(e.inst[0], &set), ==, 0);
    run_ok(&e, 1, VGT_ENGINE_VCS, sdx, 4, 0);
    g_assert_cmpint(vgt_inst_engine_regs_get(e.inst[0], VGT_ENGINE_VCS,
                                             &st2), ==, 0);
    g_assert_cmphex(reg_of(&st2, HWS_PGA_VCS), ==, hws_new + 0x1000);
    g_assert_cmpint(vgt_inst_engine_regs_get(e.inst[1], VGT_ENGINE_VCS,
                                             &st2), ==, 0);
    g_assert_cmphex(reg_of(&st2, HWS_PGA_VCS), ==,
                    (guint32)gm(&e, 1, HWS_OFF));
    run_bare(&e, 0, VGT_ENGINE_VCS, sdx, 4);
    g_assert_cmphex(rd32(&e, 0, DATA_OFF + 0x1080), ==, 0x5151);
    env_down(&e);
}

#define RAM_PAGES       (RAM_SIZE / 4096)

/* The dirty pages of [first, first + n) of instance k's RAM, as a list. */
static GString *dirty_pages(struct env *e, int k, guint64 first, guint64 n)
{
    guint64 bm[RAM_PAGES / 64 + 1];
    GString *s = g_string_new("");

    memset(bm, 0xa5, sizeof(bm));
    g_assert_cmpint(vgt_inst_dirty_read(e->inst[k], first * 4096, n, bm),
                    ==, 0);
    for (guint64 i = 0; i < n; i++) {
        if (bm[i / 64] & (1ull << (i % 64))) {
            g_string_append_printf(s, "%s0x%" G_GINT64_MODIFIER "x",
                                   s->len ? " " : "", first + i);
        }
    }
    /* bits beyond n are 0 */
    if (n % 64) {
        g_assert_cmphex(bm[n / 64] >> (n % 64), ==, 0);
    }
    return s;
}

static void expect_dirty(struct env *e, int k, guint64 first, guint64 n,
                         const char *want)
{
    GString *s = dirty_pages(e, k, first, n);

    g_assert_cmpstr(s->str, ==, want);
    g_string_free(s, true);
}

static void test_dirty_precise(void)
{
    guint64 bm[VGT_DIRTY_READ_MAX_PAGES / 64];
    guint32 lin;
    struct env e;
    guint8 *ram2 = aligned_alloc(4096, MIB(1));

    env_up(&e);
    lin = (guint32)gm(&e, 0, LIN_OFF);
    /* Off: refused. */
    g_assert_cmpint(vgt_inst_dirty_read(e.inst[0], 0, 1, bm), ==,
                    -VGT_E_INVAL);
    g_assert_cmpint(vgt_inst_dirty_log(e.inst[0], true), ==, 0);
    expect_dirty(&e, 0, 0, RAM_PAGES, "");
    {
        /* Fill 256 x 8 (2 pages), copy 256 x 4 of it 32 KiB on (1). */
        const guint32 ring[] = {
            XY_COLOR_BLT, BR13_32BPP | ROP_P | 1024, 0, (8 << 16) | 256,
            lin, 0x11223344,
            XY_SRC_COPY_BLT, BR13_32BPP | ROP_S | 1024,
            0, (4 << 16) | 256, lin + 0x8000, 0, 1024, lin,
        };

        run_ok(&e, 0, VGT_ENGINE_BCS, ring, G_N_ELEMENTS(ring), 0);
    }
    /* Exactly the destination pages; a part read clears only its part. */
    expect_dirty(&e, 0, 0x100, 1, "0x100");
    expect_dirty(&e, 0, 0, RAM_PAGES, "0x101 0x108");
    expect_dirty(&e, 0, 0, RAM_PAGES, "");
    /* The other instance's writes are not this one's. */
    {
        const guint32 ring[] = {
            XY_COLOR_BLT, BR13_32BPP | ROP_P | 1024, 0, (1 << 16) | 1,
            (guint32)gm(&e, 1, LIN_OFF), 1,
        };

        run_ok(&e, 1, VGT_ENGINE_BCS, ring, G_N_ELEMENTS(ring), 0);
    }
    expect_dirty(&e, 0, 0, RAM_PAGES, "");
    /* PPGTT writes are by guest-physical address: VA 0x1010 -> 0x381. */
    {
        const guint32 batch[] = { MI_SDI_PPGTT, 0, 0x1010, 7, MI_BB_END };
        const guint32 ring[] = { MI_BB_START_PPGTT, 0x2000 };

        setup_ppgtt(&e, 0);
        put(&e, 0, PPGTT_RAM + 0x2000, batch, G_N_ELEMENTS(batch));
        run_ok(&e, 0, VGT_ENGINE_RCS, ring, G_N_ELEMENTS(ring), 0);
    }
    expect_dirty(&e, 0, 0, RAM_PAGES, "0x381");
    /* A region registered while logging is logged. */
    memset(ram2, 0, MIB(1));
    g_assert_cmpint(vgt_inst_mem_register(e.inst[0], MIB(64), MIB(1),
                                          ram2), ==, 0);
    {
        struct vgt_gtt_entry ent = {
            (guint32)(gm(&e, 0, MIB(8)) >> 12), VGT_PTE_VALID,
            (MIB(64) >> 12) + 3,
        };
        const guint32 ring[] = {
            MI_SDI_GGTT, 0, (guint32)gm(&e, 0, MIB(8)) + 8, 9,
        };

        g_assert_cmpint(vgt_inst_gtt_write(e.inst[0], &ent, 1, NULL),
                        ==, 0);
        run_ok(&e, 0, VGT_ENGINE_RCS, ring, G_N_ELEMENTS(ring), 0);
    }
    expect_dirty(&e, 0, 0, RAM_PAGES, "");
    expect_dirty(&e, 0, (MIB(64) >> 12), 256, "0x4003");

    /* Region checks. */
    g_assert_cmpint(vgt_inst_dirty_read(e.inst[0], RAM_SIZE, 1, bm), ==,
                    -VGT_E_NOENT);
    g_assert_cmpint(vgt_inst_dirty_read(e.inst[0], 0, RAM_PAGES + 1, bm),
                    ==, -VGT_E_NOENT);
    g_assert_cmpint(vgt_inst_dirty_read(e.inst[0], RAM_SIZE - 4096, 2,
                                        bm), ==, -VGT_E_NOENT);
    g_assert_cmpint(vgt_inst_dirty_read(e.inst[0], 0, 0, bm), ==,
                    -VGT_E_INVAL);
    g_assert_cmpint(vgt_inst_dirty_read(e.inst[0], 0,
                                        VGT_DIRTY_READ_MAX_PAGES + 1, bm),
                    ==, -VGT_E_INVAL);
    g_assert_cmpint(vgt_inst_dirty_read(e.inst[0], 0x800, 1, bm), ==,
                    -VGT_E_INVAL);
    g_assert_cmpint(vgt_inst_dirty_read(e.inst[0], 0, 1, NULL), ==,
                    -VGT_E_INVAL);

    /* Off: nothing logged; on again starts from a clean log. */
    {
        const guint32 ring[] = {
            XY_COLOR_BLT, BR13_32BPP | ROP_P | 1024, 0, (1 << 16) | 1,
            lin, 2,
        };

        run_ok(&e, 0, VGT_ENGINE_BCS, ring, G_N_ELEMENTS(ring), 0);
        g_assert_cmpint(vgt_inst_dirty_log(e.inst[0], false), ==, 0);
        g_assert_cmpint(vgt_inst_dirty_read(e.inst[0], 0, 1, bm), ==,
                        -VGT_E_INVAL);
        run_ok(&e, 0, VGT_ENGINE_BCS, ring, G_N_ELEMENTS(ring), 0);
        g_assert_cmpint(vgt_inst_dirty_log(e.inst[0], false), ==, 0);
        g_assert_cmpint(vgt_inst_dirty_log(e.inst[0], true), ==, 0);
        expect_dirty(&e, 0, 0, RAM_PAGES, "");
        run_ok(&e, 0, VGT_ENGINE_BCS, ring, G_N_ELEMENTS(ring), 0);
        g_assert_cmpint(vgt_inst_dirty_log(e.inst[0], true), ==, 0);
        expect_dirty(&e, 0, 0, RAM_PAGES, "");
        /* A reset keeps logging. */
        g_assert_cmpint(vgt_inst_reset(e.inst[0]), ==, 0);
        expect_dirty(&e, 0, 0, RAM_PAGES, "");
    }
    env_down(&e);
    free(ram2);
}

/* A GPU whose writes the core cannot see: the GTT-mapped pages. */
static void test_dirty_fallback(void)
{
    struct vgt_gtt_entry ent[128];
    guint64 one[1] = { 0 };
    guint32 base;
    struct env e;

    env_up_gpu(&e, true);
    base = (guint32)(e.info[0].mappable_base >> 12);
    /* Keep GM pages 0..3 (frames 0..3) mapped, unmap 4..1023. */
    for (guint32 i = 4; i < RAM_PAGES; i += 128) {
        guint32 n = MIN(128, RAM_PAGES - i);

        for (guint32 j = 0; j < n; j++) {
            ent[j] = (struct vgt_gtt_entry){ base + i + j, 0, 0 };
        }
        g_assert_cmpint(vgt_inst_gtt_write(e.inst[0], ent, n, NULL), ==, 0);
    }
    g_assert_cmpint(vgt_inst_dirty_read(e.inst[0], 0, 1,
                                        one), ==,
                    -VGT_E_INVAL);
    g_assert_cmpint(vgt_inst_dirty_log(e.inst[0], true), ==, 0);
    /* Mapped pages are dirty at every read, written or not. */
    expect_dirty(&e, 0, 0, RAM_PAGES, "0x0 0x1 0x2 0x3");
    expect_dirty(&e, 0, 0, RAM_PAGES, "0x0 0x1 0x2 0x3");
    expect_dirty(&e, 0, 2, 8, "0x2 0x3");
    /* Remapped while logging: the old frame once more, the new one. */
    ent[0] = (struct vgt_gtt_entry){ base + 1, VGT_PTE_VALID, 0x2bc };
    g_assert_cmpint(vgt_inst_gtt_write(e.inst[0], ent, 1, NULL), ==, 0);
    expect_dirty(&e, 0, 0, RAM_PAGES, "0x0 0x1 0x2 0x3 0x2bc");
    expect_dirty(&e, 0, 0, RAM_PAGES, "0x0 0x2 0x3 0x2bc");
    /* A reset unmaps all: each frame once more, then nothing. */
    g_assert_cmpint(vgt_inst_reset(e.inst[0]), ==, 0);
    expect_dirty(&e, 0, 0, RAM_PAGES, "0x0 0x2 0x3 0x2bc");
    expect_dirty(&e, 0, 0, RAM_PAGES, "");
    /* Region checks as with a precise log. */
    g_assert_cmpint(vgt_inst_dirty_read(e.inst[0], RAM_SIZE, 1,
                                        one), ==,
                    -VGT_E_NOENT);
    g_assert_cmpint(vgt_inst_dirty_log(e.inst[0], false), ==, 0);
    g_assert_cmpint(vgt_inst_dirty_read(e.inst[0], 0, 1,
                                        one), ==,
                    -VGT_E_INVAL);
    env_down(&e);
}

/* ---- notify_policy ------------------------------------------------------ */

static void count_wake(void *opaque)
{
    (*(int *)opaque)++;
}

/* Submit @n workloads of one user interrupt each on @engine. */
static void submit_irqs(struct env *e, guint32 engine, int n)
{
    static const guint32 wl[] = { MI_USER_INTERRUPT, MI_NOOP };

    for (int i = 0; i < n; i++) {
        g_assert_cmpint(submit(e, 0, engine, wl, 2, NULL), ==, 0);
    }
}

/*
 * Which events wake the client (hw/vgt-helper-abi.h, notify_policy): a
 * COMPLETE once at most complete_low workloads are left on its engine,
 * a USER_IRQ only when user_irq is set; faults, a drained queue and a
 * half-full event queue always; the events held are all delivered, in
 * order, and the kernel transport's poll does not see them alone.
 */
static void test_notify_policy(void)
{
    const struct vgt_notify_policy bad[] = {
        { VGT_ENGINE_COUNT, 0, 0, 0 }, { VGT_ENGINE_BCS, VGT_WL_QUEUE_MAX + 1,
                                         0, 0 },
        { VGT_ENGINE_BCS, 0, 2, 0 }, { VGT_ENGINE_BCS, 0, 0, 1 },
    };
    struct vgt_notify_policy np = { VGT_ENGINE_BCS, 2, 0, 0 };
    const guint32 fault[] = { MI_SET_CONTEXT, 0x101 };
    const int left_woke[5] = { 0, 0, 1, 2, 3 };   /* after 4, 3, .. 0 left */
    struct vgt_host_sched_stats hs;
    struct vgt_event ev[VGT_EVENT_READ_MAX];
    struct vgt_stats st;
    struct env e;
    int woke = 0, n, total;

    env_up(&e);
    vgt_inst_set_notify(e.inst[0], count_wake, &woke);
    for (guint32 i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_assert_cmpint(vgt_inst_notify_policy(e.inst[0], &bad[i]), ==,
                        -VGT_E_INVAL);
    }

    /* the default: every event wakes */
    submit_irqs(&e, VGT_ENGINE_BCS, 1);
    run(&e);
    g_assert_cmpint(woke, ==, 2);
    g_assert_cmpint(events(&e, 0, ev, 64), ==, 2);

    /* completions at 2 left or fewer, no user interrupt */
    woke = 0;
    g_assert_cmpint(vgt_inst_notify_policy(e.inst[0], &np), ==, 0);
    submit_irqs(&e, VGT_ENGINE_BCS, 5);
    for (int i = 0; i < 5; i++) {
        g_assert_true(vgt_host_sched_run(e.host) == (i < 4));
        g_assert_cmpint(woke, ==, left_woke[i]);
        g_assert_cmpuint(vgt_inst_events_pending(e.inst[0]), ==,
                         woke ? 2 * (i + 1) : 0);
    }
    n = events(&e, 0, ev, 64);
    g_assert_cmpint(n, ==, 10);
    for (int i = 0; i < n; i++) {
        g_assert_cmpuint(ev[i].type, ==, i & 1 ? VGT_EVENT_COMPLETE :
                         VGT_EVENT_USER_IRQ);
        g_assert_cmpuint(ev[i].unit, ==, VGT_ENGINE_BCS);
    }
    g_assert_cmpuint(ev[1].data + 4, ==, ev[9].data);
    g_assert_cmpuint(vgt_inst_events_pending(e.inst[0]), ==, 0);

    /*
     * A fault wakes at once; its COMPLETE does not (2 still queued), nor
     * do the cancellations of the 2 behind it (ABI 5): the COMPLETE of
     * the last, which drains the queue, does.
     */
    woke = 0;
    np.complete_low = 0;
    g_assert_cmpint(vgt_inst_notify_policy(e.inst[0], &np), ==, 0);
    g_assert_cmpint(submit(&e, 0, VGT_ENGINE_BCS, fault, 2, NULL), ==, 0);
    submit_irqs(&e, VGT_ENGINE_BCS, 2);
    g_assert_false(vgt_host_sched_run(e.host));
    g_assert_cmpint(woke, ==, 2);
    g_assert_cmpint(events(&e, 0, ev, 64), ==, 6);
    g_assert_cmpuint(ev[0].type, ==, VGT_EVENT_FAULT);
    for (int i = 1; i < 6; i++) {
        g_assert_cmpuint(ev[i].type, ==, i & 1 ? VGT_EVENT_COMPLETE :
                         VGT_EVENT_CANCELLED);
    }

    /*
     * Nothing wakes on BCS and RCS until the queue is half full (128
     * events: 32 workloads on each), long before the queues drain: held
     * events never make the VM lose any.
     */
    woke = 0;
    np.engine = VGT_ENGINE_RCS;
    g_assert_cmpint(vgt_inst_notify_policy(e.inst[0], &np), ==, 0);
    submit_irqs(&e, VGT_ENGINE_BCS, 40);
    submit_irqs(&e, VGT_ENGINE_RCS, 40);
    for (int i = 0; i < 31; i++) {
        vgt_host_sched_run(e.host);
    }
    g_assert_cmpint(woke, ==, 0);
    vgt_host_sched_run(e.host);
    g_assert_cmpint(woke, ==, 1);
    run(&e);
    vgt_inst_get_stats(e.inst[0], &st);
    g_assert_cmpuint(st.events_lost, ==, 0);
    total = 0;
    while ((n = events(&e, 0, ev, G_N_ELEMENTS(ev))) > 0) {
        total += n;
    }
    g_assert_cmpint(total, ==, 160);
    vgt_host_get_sched_stats(e.host, &hs);
    g_assert_cmpuint(hs.events_held, >, 0);
    g_assert_cmpuint(hs.events_woke, >, 0);

    /* the policy survives reset */
    g_assert_cmpint(vgt_inst_reset(e.inst[0]), ==, 0);
    woke = 0;
    submit_irqs(&e, VGT_ENGINE_RCS, 2);
    g_assert_true(vgt_host_sched_run(e.host));
    g_assert_cmpint(woke, ==, 0);
    run(&e);
    g_assert_cmpint(woke, ==, 1);
    env_down(&e);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/engine/mi-render", test_mi_render);
    g_test_add_func("/engine/mi-xcs-breadcrumb", test_mi_xcs_breadcrumb);
    g_test_add_func("/engine/batches-ggtt", test_batches_ggtt);
    g_test_add_func("/engine/ppgtt", test_ppgtt);
    g_test_add_func("/engine/set-context", test_set_context);
    g_test_add_func("/engine/i915-first-request", test_i915_first_request);
    g_test_add_func("/engine/faults-isolated", test_faults_isolated);
    g_test_add_func("/engine/fault-cancels-queued",
                    test_fault_cancels_queued);
    g_test_add_func("/engine/hang-cancels-queued", test_hang_cancels_queued);
    g_test_add_func("/engine/submit-validation", test_submit_validation);
    g_test_add_func("/engine/blt-color-copy", test_blt_color_copy);
    g_test_add_func("/engine/blt-text", test_blt_text);
    g_test_add_func("/engine/audit", test_audit);
    g_test_add_func("/engine/notify-policy", test_notify_policy);
    g_test_add_func("/sched/shares", test_sched_shares);
    g_test_add_func("/sched/idle-and-starvation",
            test_sched_idle_and_starvation);
    g_test_add_func("/sched/ctx-switch-state", test_ctx_switch_state);
    g_test_add_func("/migration/engine-regs", test_engine_regs);
    g_test_add_func("/migration/dirty-precise", test_dirty_precise);
    g_test_add_func("/migration/dirty-fallback", test_dirty_fallback);
    return g_test_run();
}
