/*
 * The scanner and the engine decode alike: random, adversarial and
 * exhaustive command streams are scanned by the device's command scanner
 * (vgt-cmd.c), their copies are placed in a shadow area and executed by
 * the software Haswell's command streamer (kernel-shim/swhsw), and the
 * two traces must name the same command boundaries, batch levels,
 * privileges and operand address spaces, command by command.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qemu/memalign.h"
#include "vgt-cmd.h"
#include "kernel-shim/swhsw/swhsw.h"

/* Guest RAM: 8 MiB, reached through the GGTT and the PPGTT. */
#define RAM_SIZE        (8u << 20)
/* The VM's GGTT range maps RAM [0, 4 MiB) one to one. */
#define VM_BASE         (16u << 20)
#define VM_PAGES        1024u
#define VM_END          (VM_BASE + VM_PAGES * 4096u)
/* The page directory: 512 GGTT entries right after the VM's range. */
#define PD_INDEX        (VM_END >> 12)
#define PD_END          (VM_END + 512 * 4096u)
/* The PPGTT maps [0, 2 MiB) to RAM [4 MiB, 6 MiB). */
#define PPGTT_BACKED    (2u << 20)
#define PPGTT_RAM       (4u << 20)
/* Page tables live in RAM at 6 MiB. */
#define PT_RAM          (6u << 20)
/* The shadow area: the copies the engine runs. */
#define SHADOW_BASE     (64u << 20)
#define SHADOW_SIZE     (1u << 20)

#define PP_DIR_BASE     (((PD_INDEX * 4) / 64) << 16)
#define RING            (VM_BASE + 0x10000)
#define RING_BYTES      0x4000
#define HWSP            (VM_BASE + 0x8000)
#define NBATCH          6
#define BATCH_BYTES     0x2000

typedef struct Trace {
    unsigned n;
    struct hsw_cmd_trace t[4096];
    unsigned segment[4096];
    uint32_t offset[4096];
} Trace;

typedef struct Fixture {
    struct vgt_swhsw *sw;
    struct vgt_gpu gpu;
    uint8_t *ram;
    uint8_t *shadow;
    uint64_t ram_dma;
    uint64_t shadow_dma;
    GRand *rand;
    Trace scan_trace;
    Trace exec_trace;
    unsigned runs, executed, faulted, refused;
} Fixture;

static Fixture f;

static uint32_t rnd(uint32_t n)
{
    return g_rand_int_range(f.rand, 0, n);
}

/* ---- memory, as the scanner reads it -------------------------------- */

static uint8_t *ggtt_host(uint64_t gma)
{
    uint32_t pte;
    uint64_t dma;

    if (gma >= (2ull << 30)) {
        return NULL;
    }
    pte = f.gpu.ops->gtt_read(f.gpu.priv, gma >> 12);
    if (!(pte & HSW_PTE_VALID)) {
        return NULL;
    }
    dma = hsw_pte_decode(pte);
    return vgt_swhsw_dma_to_host(f.sw, dma + (gma & 0xfff), 1);
}

static uint8_t *ppgtt_host(uint64_t gma)
{
    uint32_t pde, pte;
    uint8_t *pt;

    if (gma >= (2ull << 30)) {
        return NULL;
    }
    pde = f.gpu.ops->gtt_read(f.gpu.priv, PD_INDEX + (gma >> 22));
    if (!(pde & HSW_PTE_VALID)) {
        return NULL;
    }
    pt = vgt_swhsw_dma_to_host(f.sw, hsw_pte_decode(pde), 4096);
    if (!pt) {
        return NULL;
    }
    pte = ldl_le_p(pt + ((gma >> 12) & 0x3ff) * 4);
    if (!(pte & HSW_PTE_VALID) || hsw_pte_decode(pte) >= RAM_SIZE) {
        return NULL;
    }
    return f.ram + hsw_pte_decode(pte) + (gma & 0xfff);
}

static bool scan_read(void *opaque, bool ppgtt, uint64_t gma, void *buf,
                      uint32_t len)
{
    uint8_t *p = ppgtt ? ppgtt_host(gma) : ggtt_host(gma);

    if (!p || (gma & 0xfff) + len > 4096 ||
        (!ppgtt && (gma < VM_BASE || gma + len > VM_END))) {
        return false;
    }
    memcpy(buf, p, len);
    return true;
}

static bool scan_gm_ok(void *opaque, uint64_t gma, uint64_t len)
{
    return gma >= VM_BASE && len <= VM_END - gma;
}

static void scan_trace(void *opaque, unsigned segment, uint32_t offset,
                       const struct hsw_cmd_trace *t)
{
    Trace *tr = &f.scan_trace;

    if (tr->n < ARRAY_SIZE(tr->t)) {
        tr->segment[tr->n] = segment;
        tr->offset[tr->n] = offset;
        tr->t[tr->n++] = *t;
    }
}

static void exec_trace(void *opaque, const struct hsw_cmd_trace *t)
{
    Trace *tr = &f.exec_trace;

    if (tr->n < ARRAY_SIZE(tr->t)) {
        tr->t[tr->n++] = *t;
    }
}

static void *gpa_to_host(void *opaque, uint64_t gpa)
{
    return gpa < RAM_SIZE ? f.ram + gpa : NULL;
}

/* ---- the machine ----------------------------------------------------- */

static void fixture_init(void)
{
    uint32_t i;

    f.sw = vgt_swhsw_create();
    g_assert_nonnull(f.sw);
    vgt_swhsw_get_gpu(f.sw, &f.gpu);
    f.ram = qemu_memalign(4096, RAM_SIZE);
    f.shadow = qemu_memalign(4096, SHADOW_SIZE);
    g_assert_cmpint(f.gpu.ops->dma_map(f.gpu.priv, f.ram, RAM_SIZE,
                                       &f.ram_dma), ==, 0);
    g_assert_cmpint(f.gpu.ops->dma_map(f.gpu.priv, f.shadow, SHADOW_SIZE,
                                       &f.shadow_dma), ==, 0);
    for (i = 0; i < VM_PAGES; i++) {
        f.gpu.ops->gtt_write(f.gpu.priv, (VM_BASE >> 12) + i,
                             hsw_pte_encode(f.ram_dma + i * 4096ull,
                                            HSW_PTE_VALID));
    }
    for (i = 0; i < SHADOW_SIZE / 4096; i++) {
        f.gpu.ops->gtt_write(f.gpu.priv, (SHADOW_BASE >> 12) + i,
                             hsw_pte_encode(f.shadow_dma + i * 4096ull,
                                            HSW_PTE_VALID));
    }
    /* PDEs 0 (and only 0): [0, 4 MiB) of the PPGTT, half of it backed */
    f.gpu.ops->gtt_write(f.gpu.priv, PD_INDEX,
                         hsw_pte_encode(f.ram_dma + PT_RAM, HSW_PTE_VALID));
    for (i = 0; i < PPGTT_BACKED / 4096; i++) {
        stl_le_p(f.ram + PT_RAM + i * 4, hsw_pte_encode(PPGTT_RAM + i * 4096ull,
                                                        HSW_PTE_VALID));
    }
    for (i = 0; i < HSW_NUM_ENGINES; i++) {
        uint32_t base = hsw_engines[i].mmio_base;

        f.gpu.ops->write32(f.gpu.priv, RING_PP_DIR_BASE(base), PP_DIR_BASE);
        f.gpu.ops->write32(f.gpu.priv, hsw_engines[i].hws_pga, HWSP);
    }
}

/*
 * Scan the ring [0, tail) on @engine; when the scan passes, run its copies
 * and compare the traces.  Returns the scan's result.
 */
static VgtCmdResult run_one(unsigned engine, uint32_t tail)
{
    VgtCmdEnv env = {
        .read = scan_read, .gm_ok = scan_gm_ok, .trace = scan_trace,
        .engine = engine, .npipes = 3,
    };
    struct vgt_gpu_exec x = { 0 };
    uint64_t placed[VGT_CMD_MAX_SEGMENTS];
    uint64_t off = 0;
    VgtCmdScan scan;
    VgtCmdResult r;
    unsigned i;

    f.runs++;
    f.scan_trace.n = 0;
    f.exec_trace.n = 0;
    r = vgt_cmd_scan_ring(&env, RING, RING_BYTES, 0, tail, &scan);
    if (r != VGT_CMD_OK) {
        f.refused++;
        vgt_cmd_scan_free(&scan);
        return r;
    }
    for (i = 0; i < scan.nsegments; i++) {
        placed[i] = SHADOW_BASE + off;
        off += ROUND_UP(scan.segment[i].copy->len, 64);
        g_assert_cmpuint(off, <=, SHADOW_SIZE);
    }
    vgt_cmd_relocate(&scan, placed);
    for (i = 0; i < scan.nsegments; i++) {
        memcpy(f.shadow + (placed[i] - SHADOW_BASE),
               scan.segment[i].copy->data, scan.segment[i].copy->len);
    }

    x.start = placed[0];
    x.len = scan.segment[0].copy->len;
    x.nr_ranges = 2;
    x.range[0].base = VM_BASE;
    x.range[0].size = PD_END - VM_BASE;
    x.range[1].base = SHADOW_BASE;
    x.range[1].size = SHADOW_SIZE;
    x.gpa_to_host = gpa_to_host;
    x.shadow_base = SHADOW_BASE;
    x.shadow_size = SHADOW_SIZE;
    x.trace = exec_trace;
    x.max_cmds = 1u << 20;
    x.max_bytes = 1u << 24;
    /* the previous stream may have loaded the engine's PP_DIR_BASE */
    f.gpu.ops->write32(f.gpu.priv,
                       RING_PP_DIR_BASE(hsw_engines[engine].mmio_base),
                       PP_DIR_BASE);
    f.gpu.ops->engine_exec(f.gpu.priv, engine, &x);
    f.executed++;

    /* the engine ran the scanned commands, in the scanned order */
    g_assert_cmpuint(f.exec_trace.n, <=, f.scan_trace.n);
    if (x.status == VGT_EXEC_DONE) {
        g_assert_cmpuint(f.exec_trace.n, ==, f.scan_trace.n);
    } else {
        /*
         * Only memory may stop it: a PPGTT operand the scanner cannot
         * prove backed (it checks the PPGTT's bounds, the engine walks it).
         */
        g_assert_cmpint(x.status, ==, VGT_EXEC_FAULT);
        g_assert_cmpuint(f.exec_trace.n, >, 0);
        f.faulted++;
    }
    for (i = 0; i < f.exec_trace.n; i++) {
        const struct hsw_cmd_trace *s = &f.scan_trace.t[i];
        const struct hsw_cmd_trace *e = &f.exec_trace.t[i];

        g_assert_cmphex(e->gma, ==, placed[f.scan_trace.segment[i]] +
                        f.scan_trace.offset[i]);
        g_assert_cmphex(e->dw0, ==, s->dw0);
        g_assert_cmpuint(e->len, ==, s->len);
        g_assert_cmpuint(e->st.level, ==, s->st.level);
        g_assert_cmpuint(e->st.ppgtt, ==, s->st.ppgtt);
        g_assert_cmpuint(e->st.privileged, ==, s->st.privileged);
        g_assert_cmpint(e->nops, ==, s->nops);
        if (s->nops) {
            g_assert_cmpuint(e->op.space, ==, s->op.space);
            g_assert_cmphex(e->op.addr, ==, s->op.addr);
            g_assert_cmpuint(e->op.len, ==, s->op.len);
        }
    }
    vgt_cmd_scan_free(&scan);
    return r;
}

/* ---- stream generation ------------------------------------------------ */

#define MI(op, len)     (((op) << 23) | (len))

static uint32_t batch_gma(unsigned i)
{
    return VM_BASE + 0x20000 + i * BATCH_BYTES;
}

static uint32_t ppgtt_batch_gma(unsigned i)
{
    return 0x40000 + i * BATCH_BYTES;
}

/* A GGTT address inside the VM, or (rarely) just outside it. */
static uint32_t some_ggtt(void)
{
    return rnd(64) ? VM_BASE + rnd(VM_PAGES * 4096 - 64) : VM_END + rnd(64);
}

static uint32_t some_ppgtt(void)
{
    return rnd(64) ? rnd(PPGTT_BACKED - 64) : PPGTT_BACKED + rnd(1 << 20);
}

static uint32_t some_reg(unsigned engine)
{
    static const uint32_t regs[] = {
        0x2600, 0x2604, 0x2400, 0x7000, 0xb010, 0x2214,
        0x22050, 0x12050, 0x44000, 0x100000, 0x2030, 0x0,
    };
    uint32_t base = hsw_engines[engine].mmio_base;

    switch (rnd(4)) {
    case 0:
        return RING_PP_DIR_BASE(base);
    case 1:
        return RING_INSTPM(base);
    case 2:
        return RING_TIMESTAMP(base);
    }
    return regs[rnd(ARRAY_SIZE(regs))];
}

/*
 * Append one command to @p: mostly well-formed commands of every kind the
 * decoder knows, with their address-space and privilege bits drawn at
 * random, and now and then a random header.  Returns dwords written.
 */
static uint32_t gen_cmd(uint32_t *p, uint32_t room, unsigned engine,
                        unsigned level)
{
    uint32_t n = 0, i, k;
    uint32_t ggtt = rnd(2) ? 1u << 22 : 0;
    unsigned pick;

    if (room < 12) {
        p[0] = 0;
        return 1;
    }
    /* one command in 32 is hostile: a random header or length field */
    pick = rnd(32) ? rnd(17) : 17 + rnd(2);
    /* mostly commands of this engine: they get executed */
    if (rnd(8) && ((pick == 6 && engine == HSW_RCS) ||
                   ((pick == 7 || pick == 8 || pick == 15) &&
                    engine != HSW_RCS) ||
                   (pick >= 9 && pick <= 11 && engine != HSW_BCS) ||
                   (pick == 16 && engine != HSW_RCS && engine != HSW_BCS))) {
        pick = 2;
    }
    switch (pick) {
    case 0:
        p[n++] = 0;
        break;
    case 1:
        p[n++] = MI(0x02, 0);
        break;
    case 2:             /* MI_STORE_DATA_IMM, dword or qword */
        k = rnd(2);
        p[n++] = MI(0x20, 2 + k) | ggtt;
        p[n++] = 0;
        p[n++] = ggtt ? some_ggtt() : some_ppgtt();
        p[n++] = g_rand_int(f.rand);
        if (k) {
            p[n++] = g_rand_int(f.rand);
        }
        break;
    case 3:             /* MI_STORE_DATA_INDEX */
        p[n++] = MI(0x21, 1);
        p[n++] = rnd(4096) & ~3u;
        p[n++] = g_rand_int(f.rand);
        break;
    case 4:             /* MI_LOAD_REGISTER_IMM */
        k = 1 + rnd(3);
        p[n++] = MI(0x22, 2 * k - 1);
        for (i = 0; i < k; i++) {
            uint32_t reg = some_reg(engine);
            bool pd = reg == RING_PP_DIR_BASE(hsw_engines[engine].mmio_base);

            /* a stream moves its own page directory now and then */
            p[n++] = reg;
            p[n++] = pd && rnd(4) ? PP_DIR_BASE : g_rand_int(f.rand);
        }
        break;
    case 5:             /* MI_STORE_REGISTER_MEM / LOAD_REGISTER_MEM */
        p[n++] = MI(rnd(2) ? 0x24 : 0x29, 1) | ggtt;
        p[n++] = some_reg(engine);
        p[n++] = ggtt ? some_ggtt() : some_ppgtt();
        break;
    case 6:             /* MI_FLUSH_DW, post-sync */
        k = rnd(2);
        p[n++] = MI(0x26, 1 + k) | (rnd(4) << 14) | (rnd(4) ? 0 : 1u << 21);
        p[n++] = ggtt ? some_ggtt() | 4 : some_ppgtt() & ~4u;
        p[n++] = g_rand_int(f.rand);
        if (k) {
            p[n++] = g_rand_int(f.rand);
        }
        break;
    case 7:             /* PIPE_CONTROL, post-sync */
        k = rnd(2);
        p[n++] = 0x7a000000 | (2 + k);
        p[n++] = (rnd(4) << 14) | (rnd(4) ? 0 : 1u << 21) | (ggtt << 2);
        p[n++] = ggtt ? some_ggtt() : some_ppgtt();
        p[n++] = g_rand_int(f.rand);
        if (k) {
            p[n++] = g_rand_int(f.rand);
        }
        break;
    case 8:             /* GFXPIPE state of random shape */
        k = rnd(8);
        p[n++] = (3u << 29) | (rnd(4) << 27) | (rnd(8) << 24) |
                 (rnd(256) << 16) | k;
        for (i = 0; i < k + 1; i++) {
            p[n++] = g_rand_int(f.rand);
        }
        break;
    case 9:             /* XY_COLOR_BLT */
        p[n++] = (2u << 29) | (0x50 << 22) | 4 | (rnd(2) << 11);
        p[n++] = (3u << 24) | (0xf0 << 16) | (rnd(2) ? 4096 : 512 + rnd(64));
        p[n++] = (rnd(8) << 16) | rnd(64);
        p[n++] = ((8 + rnd(8)) << 16) | (64 + rnd(64));
        p[n++] = rnd(2) ? some_ggtt() & ~0xfffu : some_ppgtt() & ~0xfffu;
        p[n++] = g_rand_int(f.rand);
        break;
    case 10:            /* XY_SRC_COPY_BLT */
        p[n++] = (2u << 29) | (0x53 << 22) | 6;
        p[n++] = (3u << 24) | (0xcc << 16) | 1024;
        p[n++] = (rnd(8) << 16) | rnd(64);
        p[n++] = ((8 + rnd(8)) << 16) | (64 + rnd(64));
        p[n++] = rnd(2) ? some_ggtt() : some_ppgtt();
        p[n++] = (rnd(8) << 16) | rnd(64);
        p[n++] = 1024;
        p[n++] = rnd(2) ? some_ggtt() : some_ppgtt();
        break;
    case 11:            /* XY_SETUP_BLT then XY_TEXT_IMMEDIATE_BLT */
        p[n++] = (2u << 29) | (0x01 << 22) | 6;
        p[n++] = (3u << 24) | (0xcc << 16) | 4096;
        p[n++] = 0;
        p[n++] = (64 << 16) | 256;
        p[n++] = rnd(2) ? some_ggtt() & ~0xfffu : some_ppgtt() & ~0xfffu;
        p[n++] = 0;
        p[n++] = ~0u;
        p[n++] = 0;
        p[n++] = (2u << 29) | (0x31 << 22) | (1 + rnd(3)) | (rnd(2) << 16);
        p[n++] = (rnd(8) << 16) | rnd(8);
        p[n++] = ((8 + rnd(8)) << 16) | (8 + rnd(8));
        for (i = 0; i < (p[n - 3] & 0xff) - 1; i++) {
            p[n++] = g_rand_int(f.rand);
        }
        break;
    case 12:            /* MI_BATCH_BUFFER_START, or the end of a batch */
        if (level && rnd(2)) {
            p[n++] = MI(0x0a, 0);
            break;
        }
        k = rnd(4);
        p[n++] = MI(0x31, 0) | (rnd(4) ? 0 : 1u << 22) |
                 (k & 1 ? MI_BATCH_PPGTT_HSW : 0) |
                 (k & 2 ? MI_BATCH_NON_SECURE_HSW : 0);
        p[n++] = (k & 1) ? ppgtt_batch_gma(rnd(NBATCH)) :
                           batch_gma(rnd(NBATCH));
        break;
    case 15:            /* MI_SET_CONTEXT: save the old image, load one */
        p[n++] = MI(0x18, 0);
        p[n++] = (VM_BASE + rnd(VM_PAGES - 17) * 4096) | (rnd(4) << 2) |
                 rnd(4) | (rnd(2) << 8);
        break;
    case 16:            /* display: a flip, a wait, scan lines */
        k = rnd(3);
        if (k == 0) {
            p[n++] = MI(0x14, 1) | (rnd(6) << 19);
            p[n++] = 4096;
            p[n++] = some_ggtt() & ~0xfffu;
        } else if (k == 1) {
            p[n++] = MI(0x03, 0) | (1u << rnd(22));
        } else {
            p[n++] = MI(0x12 + rnd(2), 0) | ((rnd(2) ? 0 : 4) << 19);
            p[n++] = g_rand_int(f.rand);
        }
        break;
    case 17:            /* a random header with a random length field */
        p[n++] = g_rand_int(f.rand);
        k = MIN(p[0] & 0xff, 16);
        for (i = 0; i < k; i++) {
            p[n++] = g_rand_int(f.rand);
        }
        break;
    case 18:            /* a known MI header with a random length field */
        p[n++] = MI(rnd(64), 0) | rnd(0x40) | (rnd(2) << 22);
        k = MIN(p[0] & 0x3f, 8);
        for (i = 0; i < k + 1; i++) {
            p[n++] = rnd(2) ? some_ggtt() : g_rand_int(f.rand);
        }
        break;
    case 13:            /* MI_LOAD_REGISTER_REG */
        p[n++] = MI(0x2a, 1);
        p[n++] = some_reg(engine);
        p[n++] = some_reg(engine);
        break;
    case 14:            /* MI_CONDITIONAL_BATCH_BUFFER_END */
        p[n++] = MI(0x36, 1) | ggtt;
        p[n++] = g_rand_int(f.rand);
        p[n++] = ggtt ? some_ggtt() : some_ppgtt();
        break;
    default:
        p[n++] = MI(0x00, 0);
        break;
    }
    return n;
}

/* Fill a batch: commands, then MI_BATCH_BUFFER_END. */
static void gen_batch(uint8_t *host, unsigned engine, unsigned level)
{
    uint32_t dw[BATCH_BYTES / 4];
    uint32_t n = 0, want = 2 + rnd(24), i;

    while (want-- && n + 40 < ARRAY_SIZE(dw)) {
        n += gen_cmd(dw + n, ARRAY_SIZE(dw) - n - 1, engine, level);
    }
    dw[n++] = MI(0x0a, 0);
    for (i = 0; i < n; i++) {
        stl_le_p(host + 4 * i, dw[i]);
    }
}

static uint32_t put_ring(const uint32_t *dw, uint32_t n)
{
    uint8_t *ring = ggtt_host(RING);
    uint32_t i;

    for (i = 0; i < n; i++) {
        stl_le_p(ring + 4 * i, dw[i]);
    }
    if (n & 1) {
        stl_le_p(ring + 4 * n++, 0);
    }
    return n * 4;
}

static void test_random_streams(void)
{
    unsigned iter, iters = g_test_slow() ? 200000 : 20000;

    f.runs = f.executed = f.faulted = f.refused = 0;
    for (iter = 0; iter < iters; iter++) {
        unsigned engine = rnd(HSW_NUM_ENGINES), i;
        uint32_t dw[RING_BYTES / 4 - 64];
        uint32_t n = 0, want = 1 + rnd(12);

        for (i = 0; i < NBATCH; i++) {
            gen_batch(ggtt_host(batch_gma(i)), engine, 1 + rnd(2));
            gen_batch(ppgtt_host(ppgtt_batch_gma(i)), engine, 1 + rnd(2));
        }
        while (want-- && n + 64 < ARRAY_SIZE(dw)) {
            n += gen_cmd(dw + n, ARRAY_SIZE(dw) - n, engine, 0);
        }
        run_one(engine, put_ring(dw, n));
    }
    if (g_test_verbose()) {
        g_printerr("random: %u streams, %u executed (%u stopped by memory), "
                   "%u refused\n", f.runs, f.executed, f.faulted, f.refused);
    }
    /* both outcomes were exercised */
    g_assert_cmpuint(f.executed, >, iters / 20);
    g_assert_cmpuint(f.refused, >, iters / 20);
}

/*
 * Every MI and blitter opcode with every value of its length field, and
 * GFXPIPE headers of every subtype/opcode with sampled sub-opcodes and
 * lengths, each alone in the ring (its dwords pointing into the VM), on
 * every engine: where the scanner accepts, the engine agrees.
 */
static void test_every_header(void)
{
    unsigned engine, op, len, accepted = 0;
    uint32_t dw[0x110];
    unsigned i;

    for (engine = 0; engine < HSW_NUM_ENGINES; engine++) {
        for (op = 0; op < 64 + 128; op++) {
            for (len = 0; len < 256; len++) {
                dw[0] = op < 64 ? MI(op, len) :
                        (2u << 29) | ((op - 64) << 22) | len;
                for (i = 1; i < len + 2; i++) {
                    dw[i] = VM_BASE + 0x1000 * i;
                }
                if (run_one(engine, put_ring(dw, len + 2)) == VGT_CMD_OK) {
                    accepted++;
                }
            }
        }
        for (op = 0; op < 32; op++) {
            for (len = 0; len < 256; len += 1 + rnd(40)) {
                dw[0] = (3u << 29) | (op << 24) | (rnd(256) << 16) | len;
                for (i = 1; i < len + 2; i++) {
                    dw[i] = 0;
                }
                if (run_one(engine, put_ring(dw, len + 2)) == VGT_CMD_OK) {
                    accepted++;
                }
            }
        }
    }
    g_assert_cmpuint(accepted, >, 1000);
}

/*
 * The address-space rules, one by one (hsw-cmd.h): a GGTT operand in a
 * non-privileged batch is refused; an operand without its GGTT bit is a
 * PPGTT address even in the ring; a PPGTT batch cannot start a GGTT one;
 * a chained batch keeps its level; a second-level batch needs a
 * first-level one.
 */
static void test_rules(void)
{
    uint32_t ring[4] = { MI(0x31, 0), batch_gma(0), 0, 0 };
    uint8_t *b = ggtt_host(batch_gma(0));
    uint8_t *pb = ppgtt_host(ppgtt_batch_gma(0));
    VgtCmdResult r;

    /* SDI without the GGTT bit in the ring: a PPGTT store */
    r = run_one(HSW_BCS, put_ring((const uint32_t[]){
        MI(0x20, 2), 0, 0x1000, 7, 0, 0 }, 6));
    g_assert_cmpint(r, ==, VGT_CMD_OK);
    g_assert_cmpuint(f.exec_trace.t[0].op.space, ==, HSW_SPACE_PPGTT);
    g_assert_cmpuint(ldl_le_p(f.ram + PPGTT_RAM + 0x1000), ==, 7);

    /* with it, into the VM's GGTT */
    r = run_one(HSW_BCS, put_ring((const uint32_t[]){
        MI(0x20, 2) | (1u << 22), 0, VM_BASE + 0x3000, 9, 0, 0 }, 6));
    g_assert_cmpint(r, ==, VGT_CMD_OK);
    g_assert_cmpuint(f.exec_trace.t[0].op.space, ==, HSW_SPACE_GGTT);
    g_assert_cmpuint(ldl_le_p(f.ram + 0x3000), ==, 9);

    /* a non-secure GGTT batch: GGTT operands refused, PPGTT ones fine */
    stl_le_p(b, MI(0x20, 2) | (1u << 22));
    stl_le_p(b + 8, VM_BASE + 0x3000);
    stl_le_p(b + 16, MI(0x0a, 0));
    ring[0] = MI(0x31, 0) | MI_BATCH_NON_SECURE_HSW;
    g_assert_cmpint(run_one(HSW_BCS, put_ring(ring, 4)), ==,
                    VGT_CMD_BAD_ADDRESS);
    stl_le_p(b, MI(0x20, 2));
    stl_le_p(b + 8, 0x2000);
    g_assert_cmpint(run_one(HSW_BCS, put_ring(ring, 4)), ==, VGT_CMD_OK);
    g_assert_false(f.exec_trace.t[1].st.privileged);

    /* a PPGTT batch starting a GGTT batch */
    stl_le_p(pb, MI(0x31, 0));
    stl_le_p(pb + 4, batch_gma(1));
    ring[0] = MI(0x31, 0) | MI_BATCH_PPGTT_HSW;
    ring[1] = ppgtt_batch_gma(0);
    g_assert_cmpint(run_one(HSW_BCS, put_ring(ring, 4)), ==,
                    VGT_CMD_BAD_COMMAND);

    /* PPGTT batch chaining to a PPGTT batch calling a second level */
    stl_le_p(pb, MI(0x31, 0) | MI_BATCH_PPGTT_HSW);
    stl_le_p(pb + 4, ppgtt_batch_gma(1));
    pb = ppgtt_host(ppgtt_batch_gma(1));
    stl_le_p(pb, MI(0x31, 0) | MI_BATCH_PPGTT_HSW | MI_BATCH_SECOND_LEVEL);
    stl_le_p(pb + 4, ppgtt_batch_gma(2));
    stl_le_p(pb + 8, MI(0x0a, 0));
    stl_le_p(ppgtt_host(ppgtt_batch_gma(2)), MI(0x0a, 0));
    g_assert_cmpint(run_one(HSW_BCS, put_ring(ring, 4)), ==, VGT_CMD_OK);
    g_assert_cmpuint(f.exec_trace.n, ==, 7);
    g_assert_cmpuint(f.exec_trace.t[2].st.level, ==, 1);    /* chained */
    g_assert_cmpuint(f.exec_trace.t[3].st.level, ==, 2);    /* called */
    g_assert_cmpuint(f.exec_trace.t[4].st.level, ==, 1);    /* returned */

    /* second level from the ring; BB_END in the ring */
    ring[0] = MI(0x31, 0) | MI_BATCH_SECOND_LEVEL;
    ring[1] = batch_gma(0);
    g_assert_cmpint(run_one(HSW_RCS, put_ring(ring, 4)), ==,
                    VGT_CMD_BAD_COMMAND);
    g_assert_cmpint(run_one(HSW_RCS, put_ring((const uint32_t[]){
        MI(0x0a, 0), 0 }, 2)), ==, VGT_CMD_BAD_COMMAND);
}

/*
 * Every command whose dwords are read whole (all but length-only state)
 * fits the scanner's and the engine's buffer at its longest length, or is
 * denied unread.
 */
static void test_buffered_lengths(void)
{
    unsigned engine, client, op, n = 0;

    for (engine = 0; engine < HSW_NUM_ENGINES; engine++) {
        for (client = 0; client < 8; client++) {
            for (op = 0; op < (1u << 13); op++) {
                /* the opcode bits under the client, every length bit set */
                uint32_t dw0 = (client << 29) | (op << 16) | 0xffff;
                struct hsw_cmd cmd;

                hsw_cmd_decode(dw0, engine, &cmd);
                if (!cmd.desc || hsw_cmd_is_skipped(&cmd) ||
                    cmd.desc->kind == HSW_CMD_DENIED) {
                    continue;
                }
                g_assert_cmpuint(cmd.desc->max_len, <=, HSW_CMD_MAX_BUFFERED);
                n++;
            }
        }
    }
    g_assert_cmpuint(n, >, 0);
}

/*
 * The engine does not trust its workload to have been scanned: a denied
 * command as long as its length field allows (MI_CLFLUSH, 1025 dwords,
 * longer than any buffer) is refused unread.  It sits in the last bytes
 * of the engine's view, so reading it whole would fault elsewhere.
 */
static void test_engine_refuses_unscanned(void)
{
    uint64_t last = SHADOW_BASE + SHADOW_SIZE - 8;
    struct vgt_gpu_exec x = { 0 };

    stl_le_p(f.shadow, MI(0x31, 0));            /* the "ring": a batch */
    stl_le_p(f.shadow + 4, last);
    stl_le_p(f.shadow + (last - SHADOW_BASE), MI(0x27, 0x3ff));
    stl_le_p(f.shadow + (last - SHADOW_BASE) + 4, 0);
    x.start = SHADOW_BASE;
    x.len = 8;
    x.nr_ranges = 1;
    x.range[0].base = SHADOW_BASE;
    x.range[0].size = SHADOW_SIZE;
    x.shadow_base = SHADOW_BASE;
    x.shadow_size = SHADOW_SIZE;
    x.max_cmds = 16;
    x.max_bytes = 1 << 20;
    f.gpu.ops->engine_exec(f.gpu.priv, HSW_RCS, &x);
    g_assert_cmpint(x.status, ==, VGT_EXEC_FAULT);
    g_assert_cmphex(x.fault_cmd, ==, MI(0x27, 0x3ff));
    g_assert_cmphex(x.fault_addr, ==, last);
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    f.rand = g_rand_new_with_seed(0x76677444);
    fixture_init();
    g_test_add_func("/vgt/cmd-differential/rules", test_rules);
    g_test_add_func("/vgt/cmd-differential/every-header", test_every_header);
    g_test_add_func("/vgt/cmd-differential/buffered-lengths",
                    test_buffered_lengths);
    g_test_add_func("/vgt/cmd-differential/engine-refuses-unscanned",
                    test_engine_refuses_unscanned);
    g_test_add_func("/vgt/cmd-differential/random-streams",
                    test_random_streams);
    ret = g_test_run();
    vgt_swhsw_destroy(f.sw);
    qemu_vfree(f.ram);
    qemu_vfree(f.shadow);
    g_rand_free(f.rand);
    return ret;
}
