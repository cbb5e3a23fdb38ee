// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of GM slots shared by instances (kernel-shim/core/gm-slot.c),
 * through the helper core on the software Haswell, the scheduler run
 * synchronously: 64 instances at XenGT's default partition each seeing
 * its whole partition; private GTTs (each instance reads back its own
 * entries, the host GTT holds the resident's and nothing else); no
 * instance's workload reaches the memory of another that shares its slot,
 * whatever GM address it names; fences and engine state follow the
 * resident; a destroyed resident leaves nothing mapped; idle members are
 * never swapped in; the refusal when nothing can be shared.
 */
#include "hw/vgt.h"
#include "hsw/hsw-regs.h"
#include "core/vgt-core-priv.h"     /* vgt_slot_make_resident */
#include "helper-env.h"

#define MIB(x)          ((guint64)(x) << 20)
#define RAM_SIZE        MIB(1)
#define HWS_OFF         0x0000u
#define DATA_OFF        0x1000u
#define SRC_OFF         0x2000u         /* 16 x 16 px, 32 bpp, pitch 64 */
#define DST_OFF         0x3000u
#define NVM             3

#define MI_USER_INTERRUPT       0x01000000u
#define MI_SDI_GGTT             (0x10000002u | (1u << 22))
#define MI_SDX                  0x10800001u
#define XY_SRC_COPY_BLT         0x54f00006u
#define BR13_32BPP              (3u << 24)
#define ROP_S                   (0xccu << 16)

/*
 * NVM instances of 240 MiB mappable GM and no more: two fill the 480 MiB
 * of aperture the helper does not keep, the third shares the first's slot.
 * Nothing mapped yet (map_own).
 */
static void env_up_gpu(struct env *e, bool audited)
{
    struct vgt_create_req req = { MIB(240), 0, 2, 0 };

    env_up_n(e, NVM, &req, RAM_SIZE, 0, audited);
    g_assert_cmpuint(e->info[0].mappable_size, ==, MIB(240));
    g_assert_cmpuint(vgt_host_nr_slots(e->host), ==, 2);
    /* 0 and 2 share a slot: the same ranges, as the guests see them. */
    g_assert_cmphex(e->info[2].mappable_base, ==, e->info[0].mappable_base);
    g_assert_cmpuint(e->info[2].fence_base, ==, e->info[0].fence_base);
    g_assert_cmphex(e->shadow_gm[2], ==, e->shadow_gm[0]);
    g_assert_cmphex(e->info[1].mappable_base, !=, e->info[0].mappable_base);
    g_assert_cmpuint(e->info[2].vgt_id, !=, e->info[0].vgt_id);
}

static void env_up(struct env *e)
{
    env_up_gpu(e, false);
}

/* GTT entry page (index in the instance's mappable range) -> guest frame. */
static void map(struct env *e, int k, guint32 page, guint64 gfn)
{
    struct vgt_gtt_entry ent = {
        .index = (guint32)(e->info[k].mappable_base >> 12) + page,
        .flags = VGT_PTE_VALID, .gfn = gfn,
    };

    g_assert_cmpint(vgt_inst_gtt_write(e->inst[k], &ent, 1, NULL), ==, 0);
}

/* Pages 0..3 of the instance's GM = its frames 0..3 (HWS, data, surfaces). */
static void map_own(struct env *e, int k)
{
    for (guint32 p = 0; p < 4; p++) {
        map(e, k, p, p);
    }
}

static guint64 gm(struct env *e, int k, guint32 off)
{
    return e->info[k].mappable_base + off;
}

static guint32 host_pte(struct env *e, guint64 gma)
{
    return e->gpu.ops->gtt_read(e->gpu.priv, (guint32)(gma >> 12));
}

static guint32 frame_pte(struct env *e, int k, guint64 gfn)
{
    guint64 dma;

    g_assert_cmpint(vgt_inst_gfn_to_dma(e->inst[k], gfn, &dma), ==, 0);
    return hsw_pte_encode(dma, HSW_PTE_VALID);
}

static guint32 scratch_pte(struct env *e)
{
    return hsw_pte_encode(vgt_host_scratch_dma(e->host), HSW_PTE_VALID);
}

static void submit(struct env *e, int k, guint32 engine, const guint32 *dw,
                   guint32 n)
{
    struct vgt_workload wl = { 0 };

    wl.id = ++e->next_id;
    wl.start = env_shadow_put(e, k, dw, n);
    wl.length = n * 4;
    wl.engine = engine;
    wl.regs[0].offset = hsw_engines[engine].hws_pga;
    wl.regs[0].value = (guint32)gm(e, k, HWS_OFF);
    wl.nr_regs = 1;
    g_assert_cmpint(vgt_inst_submit(e->inst[k], &wl), ==, 0);
}

/* Every event of instance k so far: completions only, no fault. */
static guint32 completions(struct env *e, int k)
{
    struct vgt_event ev[64];
    guint32 done = 0;
    int n;

    while ((n = vgt_inst_events_read(e->inst[k], ev, 64)) > 0) {
        for (int i = 0; i < n; i++) {
            g_assert_cmpuint(ev[i].type, !=, VGT_EVENT_FAULT);
            g_assert_cmpuint(ev[i].type, !=, VGT_EVENT_HANG);
            done += ev[i].type == VGT_EVENT_COMPLETE;
        }
    }
    return done;
}

/* The next workload of instance k faulted (its events: FAULT, COMPLETE). */
static void expect_fault(struct env *e, int k)
{
    struct vgt_event ev[2];

    g_assert_cmpint(vgt_inst_events_read(e->inst[k], ev, 2), ==, 2);
    g_assert_cmpuint(ev[0].type, ==, VGT_EVENT_FAULT);
    g_assert_cmpuint(ev[1].type, ==, VGT_EVENT_COMPLETE);
}

static void sdi(struct env *e, int k, guint32 engine, guint64 gma, guint32 v)
{
    guint32 dw[] = { MI_SDI_GGTT, 0, (guint32)gma, v, MI_USER_INTERRUPT, 0 };

    submit(e, k, engine, dw, G_N_ELEMENTS(dw));
}

static void get_sched(struct env *e, int k, struct vgt_sched_stats *st)
{
    vgt_inst_get_sched_stats(e->inst[k], st);
}

/* ---- partitions ------------------------------------------------------ */

static void test_defaults_64(void)
{
    struct vgt_swhsw *sw = vgt_swhsw_create();
    struct vgt_create_req req = {
        VGT_DEFAULT_MAPPABLE_SIZE, VGT_DEFAULT_NONMAPPABLE_SIZE,
        VGT_DEFAULT_FENCE_NUM, 0
    };
    struct vgt_create_req other = { MIB(64), MIB(256), 4, 0 };
    struct vgt_instance *inst[VGT_MAX_INSTANCES + 1], *extra;
    guint32 members[3] = { 0 };
    guint64 nm_base[3] = { 0 };
    struct vgt_host *host;
    struct vgt_gpu gpu;
    int err;

    g_assert_cmpuint(VGT_MAX_INSTANCES, >=, 64);
    vgt_swhsw_get_gpu(sw, &gpu);
    host = vgt_host_create(&gpu, &err);
    g_assert_nonnull(host);
    for (guint32 i = 0; i < VGT_MAX_INSTANCES; i++) {
        struct vgt_instance_info info;
        guint32 s;

        g_assert_cmpint(vgt_inst_create(host, &req, &inst[i]), ==, 0);
        vgt_inst_get_info(inst[i], &info);
        /* Every guest sees the whole default partition. */
        g_assert_cmpuint(info.mappable_size, ==, MIB(64));
        g_assert_cmpuint(info.nonmappable_size, ==, MIB(448));
        g_assert_cmpuint(info.fence_num, ==, 4);
        g_assert_cmpuint(info.vgt_id, ==, i + 1);
        /* The three slots that fit, filled in turn. */
        for (s = 0; s < 3 && nm_base[s] && nm_base[s] !=
             info.nonmappable_base; s++) {
            ;
        }
        g_assert_cmpuint(s, <, 3);
        nm_base[s] = info.nonmappable_base;
        members[s]++;
    }
    g_assert_cmpuint(vgt_host_nr_slots(host), ==, 3);
    g_assert_cmpuint(vgt_host_nr_instances(host), ==, VGT_MAX_INSTANCES);
    for (guint32 s = 0; s < 3; s++) {
        g_assert_cmpuint(members[s], >=, VGT_MAX_INSTANCES / 3);
        g_assert_cmpuint(members[s], <=, VGT_MAX_INSTANCES / 3 + 1);
    }
    /* The helper's own limit, then, and the resource it names. */
    g_assert_cmpint(vgt_inst_create(host, &req, &extra), ==,
                    -VGT_E_NOSPC_HOST);
    g_assert_null(extra);
    vgt_inst_destroy(inst[5]);
    /* Nothing of another size is left to take and none to share. */
    g_assert_cmpint(vgt_inst_create(host, &other, &extra), ==,
                    -VGT_E_NOSPC_NONMAPPABLE);
    g_assert_cmpint(vgt_inst_create(host, &req, &inst[5]), ==, 0);
    for (guint32 i = 0; i < VGT_MAX_INSTANCES; i++) {
        vgt_inst_destroy(inst[i]);
    }
    /* Every slot went back to the pools: three fresh ones again. */
    g_assert_cmpuint(vgt_host_nr_slots(host), ==, 0);
    g_assert_cmpint(vgt_inst_create(host, &other, &extra), ==, 0);
    vgt_inst_destroy(extra);
    vgt_host_destroy(host);
    vgt_swhsw_destroy(sw);
}

/* ---- private GTTs ---------------------------------------------------- */

/* Make @inst resident as the scheduler does before its workload. */
static void make_resident(struct vgt_instance *inst)
{
    vgt_mutex_lock(&inst->host->lock);
    vgt_slot_make_resident(inst);
    vgt_mutex_unlock(&inst->host->lock);
}

/*
 * A swap writes runs of entries: across the end of the mappable range
 * and the start of the non-mappable one (two host ranges far apart),
 * whole 64-entry words and single entries, each exactly.
 */
static void test_swap_runs(void)
{
    struct vgt_swhsw *sw = vgt_swhsw_create();
    struct vgt_create_req req = { MIB(64), MIB(448), 4, 0 };
    struct vgt_instance *v[4];
    struct vgt_instance_info a, d;
    guint8 *ram = aligned_alloc(4096, MIB(1));
    guint32 mlast, nfirst, scratch, next;
    struct vgt_host *host;
    struct vgt_gpu gpu;
    int err;

    vgt_swhsw_get_gpu(sw, &gpu);
    host = vgt_host_create(&gpu, &err);
    for (int k = 0; k < 4; k++) {
        g_assert_cmpint(vgt_inst_create(host, &req, &v[k]), ==, 0);
        g_assert_cmpint(vgt_inst_mem_register(v[k], 0, MIB(1), ram), ==, 0);
    }
    vgt_inst_get_info(v[0], &a);
    vgt_inst_get_info(v[3], &d);
    g_assert_cmphex(d.mappable_base, ==, a.mappable_base);    /* shared */
    mlast = (guint32)((a.mappable_base + a.mappable_size) >> 12) - 1;
    nfirst = (guint32)(a.nonmappable_base >> 12);
    scratch = hsw_pte_encode(vgt_host_scratch_dma(host), HSW_PTE_VALID);
    /* v0: the last mappable page, the first 70 non-mappable ones. */
    {
        struct vgt_gtt_entry e[71];

        e[0] = (struct vgt_gtt_entry){ mlast, VGT_PTE_VALID, 5 };
        for (guint32 i = 0; i < 70; i++) {
            e[1 + i] = (struct vgt_gtt_entry){ nfirst + i, VGT_PTE_VALID,
                                               100 + i };
        }
        g_assert_cmpint(vgt_inst_gtt_write(v[0], e, 71, NULL), ==, 0);
    }
    /* v3: the page before v0's last mappable one, and non-mappable 65. */
    {
        struct vgt_gtt_entry e[2] = {
            { mlast - 1, VGT_PTE_VALID, 7 },
            { nfirst + 65, VGT_PTE_VALID, 9 },
        };

        g_assert_cmpint(vgt_inst_gtt_write(v[3], e, 2, NULL), ==, 0);
    }
    /* The next slot's first page: a run must never spill into it. */
    g_assert_cmpint(vgt_inst_gtt_write(v[1], &(struct vgt_gtt_entry){
                        mlast + 1, VGT_PTE_VALID, 3 }, 1, NULL), ==, 0);
    next = gpu.ops->gtt_read(gpu.priv, mlast + 1);
    g_assert_cmphex(next, !=, scratch);
    make_resident(v[3]);
    g_assert_cmphex(gpu.ops->gtt_read(gpu.priv, mlast + 1), ==, next);
    g_assert_cmphex(gpu.ops->gtt_read(gpu.priv, mlast - 1), ==,
                    vgt_gtt_get_pte(v[3], mlast - 1));
    g_assert_cmphex(gpu.ops->gtt_read(gpu.priv, mlast), ==, scratch);
    for (guint32 i = 0; i < 70; i++) {
        g_assert_cmphex(gpu.ops->gtt_read(gpu.priv, nfirst + i), ==,
                        i == 65 ? vgt_gtt_get_pte(v[3], nfirst + 65)
                                : scratch);
    }
    g_assert_cmphex(gpu.ops->gtt_read(gpu.priv, nfirst + 70), ==, scratch);
    make_resident(v[0]);
    g_assert_cmphex(gpu.ops->gtt_read(gpu.priv, mlast + 1), ==, next);
    g_assert_cmphex(gpu.ops->gtt_read(gpu.priv, mlast - 1), ==, scratch);
    g_assert_cmphex(gpu.ops->gtt_read(gpu.priv, mlast), ==,
                    vgt_gtt_get_pte(v[0], mlast));
    for (guint32 i = 0; i < 70; i++) {
        g_assert_cmphex(gpu.ops->gtt_read(gpu.priv, nfirst + i), ==,
                        vgt_gtt_get_pte(v[0], nfirst + i));
        g_assert_cmphex(gpu.ops->gtt_read(gpu.priv, nfirst + i), !=,
                        scratch);
    }
    for (int k = 0; k < 4; k++) {
        vgt_inst_destroy(v[k]);
    }
    vgt_host_destroy(host);
    vgt_swhsw_destroy(sw);
    free(ram);
}

static void test_private_gtt(void)
{
    struct env e;
    struct vgt_gtt_entry out;
    guint64 page7;

    env_up(&e);
    map_own(&e, 0);
    map_own(&e, 2);
    map(&e, 0, 7, 9);           /* only 0 maps page 7 */
    page7 = gm(&e, 0, 7 * 4096);

    /* Each reads back its own entries, whoever is resident. */
    g_assert_cmpint(vgt_inst_gtt_read(e.inst[0], (guint32)(page7 >> 12),
                                      &out), ==, 0);
    g_assert_cmpuint(out.gfn, ==, 9);
    g_assert_cmpuint(out.flags & VGT_PTE_VALID, ==, VGT_PTE_VALID);
    g_assert_cmpint(vgt_inst_gtt_read(e.inst[2], (guint32)(page7 >> 12),
                                      &out), ==, 0);
    g_assert_cmpuint(out.flags, ==, 0);

    /* 0 created the slot and holds it: the host GTT has its entries. */
    g_assert_cmphex(host_pte(&e, gm(&e, 0, DATA_OFF)), ==,
                    frame_pte(&e, 0, 1));
    g_assert_cmphex(host_pte(&e, page7), ==, frame_pte(&e, 0, 9));

    /* 2 runs: its entries in, 0's page 7 back to scratch. */
    sdi(&e, 2, VGT_ENGINE_BCS, gm(&e, 2, DATA_OFF), 0x2222);
    run(&e);
    g_assert_cmpuint(completions(&e, 2), ==, 1);
    g_assert_cmphex(rd32(&e, 2, DATA_OFF), ==, 0x2222);
    g_assert_cmphex(rd32(&e, 0, DATA_OFF), ==, 0);
    g_assert_cmphex(host_pte(&e, gm(&e, 0, DATA_OFF)), ==,
                    frame_pte(&e, 2, 1));
    g_assert_cmphex(host_pte(&e, page7), ==, scratch_pte(&e));

    /* A GTT write of the one not resident waits in its private GTT. */
    map(&e, 0, 8, 10);
    g_assert_cmphex(host_pte(&e, gm(&e, 0, 8 * 4096)), ==, scratch_pte(&e));
    sdi(&e, 0, VGT_ENGINE_RCS, gm(&e, 0, 8 * 4096), 0x0808);
    run(&e);
    g_assert_cmpuint(completions(&e, 0), ==, 1);
    g_assert_cmphex(rd32(&e, 0, 10 * 4096), ==, 0x0808);
    g_assert_cmphex(host_pte(&e, page7), ==, frame_pte(&e, 0, 9));

    /* GM reads answer from the instance's own GTT, resident or not. */
    {
        guint32 v = 0;

        g_assert_cmpint(vgt_inst_gm_read(e.inst[2], gm(&e, 2, DATA_OFF),
                                         &v, 4), ==, 0);
        g_assert_cmphex(v, ==, 0x2222);
        g_assert_cmpint(vgt_inst_gm_read(e.inst[2], page7, &v, 4), ==,
                        -VGT_E_GM_UNMAPPED);
    }
    env_down(&e);
}

/* ---- isolation ------------------------------------------------------- */

static void isolation(bool audited)
{
    struct env e;
    guint64 page7;
    guint32 copy[] = {
        XY_SRC_COPY_BLT, BR13_32BPP | ROP_S | 64, 0, (16u << 16) | 16,
        0, 0, 64, 0, MI_USER_INTERRUPT, 0,
    };

    env_up_gpu(&e, audited);
    map_own(&e, 0);
    map_own(&e, 2);
    /* 0 maps page 7 to its frame 9, full of its secret. */
    map(&e, 0, 7, 9);
    memset(e.ram[0] + 9 * 4096, 0x5a, 4096);
    page7 = gm(&e, 0, 7 * 4096);

    /*
     * 2 writes to page 7, unmapped in its GTT: the workload faults (the
     * software Haswell refuses scratch pages; on a GPU that does not
     * enforce views the helper's audit refuses them) and 0's frame is
     * untouched.
     */
    sdi(&e, 2, VGT_ENGINE_BCS, page7, 0xdeadbeef);
    run(&e);
    expect_fault(&e, 2);
    sdi(&e, 2, VGT_ENGINE_RCS, page7 + 4, 0xdeadbeef);
    run(&e);
    expect_fault(&e, 2);
    for (guint32 i = 0; i < 4096; i++) {
        g_assert_cmphex(e.ram[0][9 * 4096 + i], ==, 0x5a);
    }

    /* 2 copies page 7 into its own memory: none of 0's bytes arrive. */
    copy[4] = (guint32)gm(&e, 2, DST_OFF);
    copy[7] = (guint32)page7;
    memset(e.ram[2] + DST_OFF, 0x11, 4096);
    submit(&e, 2, VGT_ENGINE_BCS, copy, G_N_ELEMENTS(copy));
    run(&e);
    expect_fault(&e, 2);
    for (guint32 i = 0; i < 16 * 64; i++) {
        g_assert_cmphex(e.ram[2][DST_OFF + i], !=, 0x5a);
    }

    /* The same copy from 0 gets its own bytes (the test can fail). */
    copy[4] = (guint32)gm(&e, 0, DST_OFF);
    submit(&e, 0, VGT_ENGINE_BCS, copy, G_N_ELEMENTS(copy));
    run(&e);
    g_assert_cmpuint(completions(&e, 0), ==, 1);
    g_assert_cmphex(e.ram[0][DST_OFF], ==, 0x5a);
    g_assert_cmphex(e.ram[0][DST_OFF + 15 * 64 + 63], ==, 0x5a);

    /* The other slot's instance was never involved. */
    for (guint32 i = 0; i < RAM_SIZE; i++) {
        g_assert_cmphex(e.ram[1][i], ==, 0);
    }
    env_down(&e);
}

static void test_isolation(void)
{
    isolation(false);
}

static void test_isolation_audited(void)
{
    isolation(true);
}

/* ---- fences and engine state follow the resident --------------------- */

static guint32 host_fence_lo(struct env *e, int k, guint32 f)
{
    return e->gpu.ops->read32(e->gpu.priv,
                              FENCE_REG_GEN6_LO(e->info[k].fence_base + f));
}

static void test_fences_and_engine_state(void)
{
    struct env e;
    guint32 sdx[] = { MI_SDX, 0x100, 0xa0a0, MI_USER_INTERRUPT };
    guint64 v0, v2;

    env_up(&e);
    map_own(&e, 0);
    map_own(&e, 2);
    v0 = ((gm(&e, 0, 0) + 0x3000) << 32) | gm(&e, 0, 0) | 1;
    v2 = ((gm(&e, 2, 0) + 0x1000) << 32) | gm(&e, 2, 0) | 1;
    g_assert_cmpint(vgt_inst_fence_write(e.inst[0], 1, v0), ==, 0);
    g_assert_cmpint(vgt_inst_fence_write(e.inst[2], 1, v2), ==, 0);
    /* 0 holds the slot: the register is 0's, 2's value waits. */
    g_assert_cmphex(host_fence_lo(&e, 0, 1), ==, (guint32)v0);

    /*
     * 0 takes RCS with its status page, then 2 takes the slot and RCS
     * with its own status page.
     */
    submit(&e, 0, VGT_ENGINE_RCS, sdx, G_N_ELEMENTS(sdx));
    run(&e);
    g_assert_cmphex(rd32(&e, 0, HWS_OFF + 0x100), ==, 0xa0a0);
    sdi(&e, 2, VGT_ENGINE_RCS, gm(&e, 2, DATA_OFF), 2);
    run(&e);
    g_assert_cmphex(host_fence_lo(&e, 0, 1), ==, (guint32)v2);

    /*
     * 0 runs on RCS again with no flush list: its HWS_PGA must come back
     * from its own engine state (saved when 2 evicted it), not stay 2's.
     */
    {
        struct vgt_workload wl = { 0 };

        sdx[2] = 0xb0b0;
        wl.id = ++e.next_id;
        wl.start = env_shadow_put(&e, 0, sdx, G_N_ELEMENTS(sdx));
        wl.length = sizeof(sdx);
        wl.engine = VGT_ENGINE_RCS;
        g_assert_cmpint(vgt_inst_submit(e.inst[0], &wl), ==, 0);
    }
    run(&e);
    g_assert_cmpuint(completions(&e, 0), ==, 2);
    g_assert_cmpuint(completions(&e, 2), ==, 1);
    g_assert_cmphex(rd32(&e, 2, DATA_OFF), ==, 2);
    g_assert_cmphex(rd32(&e, 0, HWS_OFF + 0x100), ==, 0xb0b0);
    g_assert_cmphex(rd32(&e, 2, HWS_OFF + 0x100), ==, 0);
    g_assert_cmphex(host_fence_lo(&e, 0, 1), ==, (guint32)v0);

    /* Destroying the resident leaves no entry and no fence behind. */
    vgt_inst_destroy(e.inst[0]);
    e.inst[0] = NULL;
    g_assert_cmphex(host_pte(&e, gm(&e, 2, DATA_OFF)), ==, scratch_pte(&e));
    g_assert_cmphex(host_fence_lo(&e, 2, 1), ==, 0);
    sdi(&e, 2, VGT_ENGINE_RCS, gm(&e, 2, DATA_OFF + 4), 3);
    run(&e);
    g_assert_cmpuint(completions(&e, 2), ==, 1);
    g_assert_cmphex(rd32(&e, 2, DATA_OFF + 4), ==, 3);
    g_assert_cmphex(host_fence_lo(&e, 2, 1), ==, (guint32)v2);
    env_down(&e);
}

/* ---- turns at the slot ------------------------------------------------- */

static void test_alternate_and_idle(void)
{
    struct env e;
    struct vgt_sched_stats st[NVM];

    env_up(&e);
    for (int k = 0; k < NVM; k++) {
        map_own(&e, k);
    }
    /* Alternate 0 and 2 workload by workload, each counting in its RAM. */
    for (guint32 i = 1; i <= 40; i++) {
        int k = (i & 1) ? 0 : 2;

        sdi(&e, k, i % 3 ? VGT_ENGINE_BCS : VGT_ENGINE_VECS,
            gm(&e, k, DATA_OFF), i);
        run(&e);
        g_assert_cmpuint(completions(&e, k), ==, 1);
        g_assert_cmpuint(rd32(&e, k, DATA_OFF), ==, i);
        g_assert_cmpuint(rd32(&e, k ? 0 : 2, DATA_OFF), ==, i - 1);
    }
    get_sched(&e, 0, &st[0]);
    get_sched(&e, 2, &st[2]);
    get_sched(&e, 1, &st[1]);
    /* 0 was resident at creation; then every turn was a swap. */
    g_assert_cmpuint(st[0].gtt_swaps, ==, 19);
    g_assert_cmpuint(st[2].gtt_swaps, ==, 20);
    /*
     * Only the entries in use and the helper area move: 4 + the pages of
     * the copies, the shadow area and the context area.
     */
    g_assert_cmpuint(st[2].gtt_swap_entries, ==,
                     20 * (4 + (VGT_HOST_CTX_OFF + VGT_HOST_CTX_SIZE) / 4096));
    g_assert_cmpuint(st[2].gtt_swap_ns, >, 0);
    /* 1 never ran: never swapped, never switched. */
    g_assert_cmpuint(st[1].gtt_swaps, ==, 0);
    g_assert_cmpuint(st[1].switches, ==, 0);

    /* Now 2 alone works: one swap at most, then it keeps the slot. */
    for (guint32 i = 0; i < 20; i++) {
        sdi(&e, 2, VGT_ENGINE_BCS, gm(&e, 2, DATA_OFF), 100 + i);
        run(&e);
    }
    g_assert_cmpuint(completions(&e, 2), ==, 20);
    get_sched(&e, 2, &st[2]);
    g_assert_cmpuint(st[2].gtt_swaps, ==, 20);
    get_sched(&e, 0, &st[0]);
    g_assert_cmpuint(st[0].gtt_swaps, ==, 19);
    env_down(&e);
}

/* Both busy with queues full: every workload completes, in order. */
static void test_both_busy(void)
{
    struct env e;
    struct vgt_sched_stats st0, st2;

    env_up(&e);
    map_own(&e, 0);
    map_own(&e, 2);
    for (guint32 i = 1; i <= 32; i++) {
        sdi(&e, 0, VGT_ENGINE_BCS, gm(&e, 0, DATA_OFF + 4 * (i % 8)), i);
        sdi(&e, 2, VGT_ENGINE_RCS, gm(&e, 2, DATA_OFF + 4 * (i % 8)),
            i << 8);
    }
    run(&e);
    g_assert_cmpuint(completions(&e, 0), ==, 32);
    g_assert_cmpuint(completions(&e, 2), ==, 32);
    for (guint32 i = 25; i <= 32; i++) {
        g_assert_cmpuint(rd32(&e, 0, DATA_OFF + 4 * (i % 8)), ==, i);
        g_assert_cmpuint(rd32(&e, 2, DATA_OFF + 4 * (i % 8)), ==, i << 8);
    }
    get_sched(&e, 0, &st0);
    get_sched(&e, 2, &st2);
    g_test_message("two instances of one slot busy on two engines: "
                   "%" G_GUINT64_FORMAT " + %" G_GUINT64_FORMAT
                   " swaps for 64 workloads, %.1f us a swap",
                   st0.gtt_swaps, st2.gtt_swaps,
                   (st0.gtt_swap_ns + st2.gtt_swap_ns) / 1e3 /
                   MAX(1, st0.gtt_swaps + st2.gtt_swaps));
    env_down(&e);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/helper/share/defaults-64-instances", test_defaults_64);
    g_test_add_func("/helper/share/private-gtt", test_private_gtt);
    g_test_add_func("/helper/share/swap-runs", test_swap_runs);
    g_test_add_func("/helper/share/isolation", test_isolation);
    g_test_add_func("/helper/share/isolation-audited",
                    test_isolation_audited);
    g_test_add_func("/helper/share/fences-and-engine-state",
                    test_fences_and_engine_state);
    g_test_add_func("/helper/share/alternate-and-idle",
                    test_alternate_and_idle);
    g_test_add_func("/helper/share/both-busy", test_both_busy);
    return g_test_run();
}
