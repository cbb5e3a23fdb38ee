/*
 * vgt: the ring registers of the four Haswell engines (legacy ring buffer
 * submission: gen7 has no execlists).
 *
 * Each engine has a register block at its base (RCS 0x2000, VCS 0x12000,
 * VECS 0x1a000, BCS 0x22000) and a status page address and fault register
 * in the 0x4000 block (0x4080 + 0x100 * n).  The rows are the same for
 * every engine, generated from one list; handlers find the engine from
 * the offset.  Ring registers are SHADOW: per-VM values that the helper
 * loads into the GPU when it switches to this VM.  The engines do not
 * execute yet, so HEAD never moves: a ring is idle when it is disabled,
 * stopped or empty.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "vgt-internal.h"
#include "trace.h"

#define VGT_RCS_BASE            0x02000
#define VGT_VCS_BASE            0x12000
#define VGT_VECS_BASE           0x1a000
#define VGT_BCS_BASE            0x22000

/* Offsets in an engine's block (i915 gt/intel_engine_regs.h) */
#define RING_TAIL               0x030
#define   RING_TAIL_ADDR        0x001ffff8
#define RING_HEAD               0x034
#define   RING_HEAD_ADDR        0x001ffffc
#define RING_START              0x038
#define RING_CTL                0x03c
#define   RING_CTL_VALID        (1u << 0)
#define   RING_CTL_WAIT_SEMA    (1u << 10)  /* status: read-only */
#define   RING_CTL_WAIT         (1u << 11)  /* status: read-only */
#define RING_PSMI_CTL           0x050
#define RING_HWSTAM             0x098
#define RING_MI_MODE            0x09c
#define   MI_MODE_STOP_RING     (1u << 8)
#define   MI_MODE_IDLE          (1u << 9)   /* status: read-only */
#define RING_IMR                0x0a8
#define RING_INSTPM             0x0c0
#define   INSTPM_SYNC_FLUSH     (1u << 5)
#define RING_PP_DIR_DCLV        0x220
#define RING_PP_DIR_BASE        0x228
#define RING_MODE_GEN7          0x29c
/* read for error capture and debugfs (gt/intel_engine_regs.h) */
#define RING_ACTHD_UDW          0x05c
#define RING_IPEIR              0x064
#define RING_IPEHR              0x068
#define RING_INSTDONE           0x06c
#define RING_INSTPS             0x070
#define RING_ACTHD              0x074
#define RING_DMA_FADD           0x078
#define RING_EIR                0x0b0
#define RING_EMR                0x0b4
#define RING_ESR                0x0b8
#define RING_BBSTATE            0x110
#define RING_BBADDR             0x140
#define RING_BBADDR_UDW         0x168
#define RING_CCID               0x180
#define RING_TIMESTAMP          0x358
#define RING_PP_DIR_BASE_READ   0x518

/* In the 0x4000 block: engine n's page at 0x4000 + 0x100 * n */
#define VGT_HWS_PGA_RCS         0x4080
#define VGT_HWS_PGA_VCS         0x4180
#define VGT_HWS_PGA_BCS         0x4280
#define VGT_HWS_PGA_VECS        0x4380
#define HWS_PGA_TO_FAULT        0x14        /* RING_FAULT_REG */

/* GDRST domains (gt/intel_gt_regs.h GEN6_GRDOM_*) */
#define VGT_GRDOM_FULL          (1u << 0)
#define VGT_GRDOM_RENDER        (1u << 1)
#define VGT_GRDOM_MEDIA         (1u << 2)
#define VGT_GRDOM_BLT           (1u << 3)
#define VGT_GRDOM_VECS          (1u << 4)

typedef struct VgtEngine {
    const char *name;
    uint32_t base;          /* register block */
    uint32_t hws_pga;       /* status page address register */
    uint32_t grdom;         /* its GDRST bit */
} VgtEngine;

static const VgtEngine vgt_engines[] = {
    { "rcs", VGT_RCS_BASE, VGT_HWS_PGA_RCS, VGT_GRDOM_RENDER },
    { "vcs", VGT_VCS_BASE, VGT_HWS_PGA_VCS, VGT_GRDOM_MEDIA },
    { "bcs", VGT_BCS_BASE, VGT_HWS_PGA_BCS, VGT_GRDOM_BLT },
    { "vecs", VGT_VECS_BASE, VGT_HWS_PGA_VECS, VGT_GRDOM_VECS },
};

/* The engine block base of a register in it (handlers get the offset). */
static inline uint32_t vgt_ring_base(uint32_t offset, uint32_t reg)
{
    return offset - reg;
}

/*
 * MODE_IDLE: the command streamer is not executing.  Nothing executes
 * yet, so the ring is idle unless it is valid, not stopped and has
 * commands between HEAD and TAIL.  i915 polls this bit after STOP_RING
 * (1 ms + 100 ms per engine) and warns "not idle before sync flush".
 */
static bool vgt_ring_idle(VgtState *s, uint32_t base)
{
    uint32_t ctl = vgt_vreg(s, base + RING_CTL);
    uint32_t mode = vgt_vreg(s, base + RING_MI_MODE);
    uint32_t head = vgt_vreg(s, base + RING_HEAD) & RING_HEAD_ADDR;
    uint32_t tail = vgt_vreg(s, base + RING_TAIL) & RING_TAIL_ADDR;

    return !(ctl & RING_CTL_VALID) || (mode & MI_MODE_STOP_RING) ||
           head == tail;
}

static uint32_t vgt_ring_mi_mode_read(VgtState *s, const VgtRegInfo *r,
                                      uint32_t offset)
{
    uint32_t base = vgt_ring_base(offset, RING_MI_MODE);

    return vgt_vreg(s, offset) |
           (vgt_ring_idle(s, base) ? MI_MODE_IDLE : 0);
}

static void vgt_ring_instpm_write(VgtState *s, const VgtRegInfo *r,
                                  uint32_t offset, uint32_t value)
{
    uint32_t v = vgt_reg_store(s, r, offset, value);

    /*
     * SYNC_FLUSH completes once the engine has drained; with nothing
     * executing that is at once (i915 polls it clear for 2 ms).
     */
    if (v & INSTPM_SYNC_FLUSH) {
        trace_vgt_ring_sync_flush(vgt_ring_base(offset, RING_INSTPM));
        vgt_vreg(s, offset) = v & ~INSTPM_SYNC_FLUSH;
    }
}

static void vgt_ring_ctl_write(VgtState *s, const VgtRegInfo *r,
                               uint32_t offset, uint32_t value)
{
    uint32_t base = vgt_ring_base(offset, RING_CTL);
    uint32_t old = vgt_vreg(s, offset);
    uint32_t v = vgt_reg_store(s, r, offset, value);

    if ((old ^ v) & RING_CTL_VALID) {
        trace_vgt_ring_ctl(base, v, vgt_vreg(s, base + RING_START),
                           vgt_vreg(s, base + RING_HEAD),
                           vgt_vreg(s, base + RING_TAIL));
    }
}

static void vgt_ring_tail_write(VgtState *s, const VgtRegInfo *r,
                                uint32_t offset, uint32_t value)
{
    uint32_t base = vgt_ring_base(offset, RING_TAIL);

    vgt_reg_store(s, r, offset, value);
    /* The submission point: scan, copy, hand to the helper. */
    trace_vgt_ring_tail(base, vgt_vreg(s, base + RING_HEAD), value);
    vgt_submit_tail_written(s, base);
}

/* ACTHD: the address the engine fetches from, HEAD's while it is idle. */
static uint32_t vgt_ring_acthd_read(VgtState *s, const VgtRegInfo *r,
                                    uint32_t offset)
{
    uint32_t base = vgt_ring_base(offset, RING_ACTHD);

    return vgt_vreg(s, base + RING_START) +
           (vgt_vreg(s, base + RING_HEAD) & RING_HEAD_ADDR);
}

/* The PP_DIR_BASE the engine uses: the one the guest programmed. */
static uint32_t vgt_ring_pp_dir_base_read(VgtState *s, const VgtRegInfo *r,
                                          uint32_t offset)
{
    uint32_t base = vgt_ring_base(offset, RING_PP_DIR_BASE_READ);

    return vgt_vreg(s, base + RING_PP_DIR_BASE);
}

/* The command streamer's timestamp: 12.5 MHz on gen7 (80 ns a tick). */
static uint32_t vgt_ring_timestamp_read(VgtState *s, const VgtRegInfo *r,
                                        uint32_t offset)
{
    uint64_t ticks = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) / 80;
    uint32_t base = vgt_ring_base(offset & ~4u, RING_TIMESTAMP);

    return offset == base + RING_TIMESTAMP ? ticks : ticks >> 32;
}

/*
 * One engine's rows.  MI_MODE, INSTPM, RING_MODE (GFX_MODE) and PSMI_CTL
 * are masked registers: i915 writes _MASKED_BIT_ENABLE/DISABLE.
 * IMR and HWSTAM start with everything masked.  The debug rows (ACTHD
 * onwards) are what i915 reads for error capture and engine info: the
 * active head, the timestamp and the PPGTT root are real; no error is
 * ever latched and no unit's state is modelled, so the rest read 0.
 */
#define VGT_RING_ROWS(e, b, pga)                                            \
    { e "_RING_TAIL", (b) + RING_TAIL, 4, VGT_REG_SHADOW, 0, 0,             \
      NULL, vgt_ring_tail_write },                                          \
    { e "_RING_HEAD", (b) + RING_HEAD, 4, VGT_REG_SHADOW, 0, 0 },           \
    /* page aligned: bits 11:0 are reserved */                              \
    { e "_RING_START", (b) + RING_START, 4, VGT_REG_SHADOW, 0, 0xfff },     \
    { e "_RING_CTL", (b) + RING_CTL, 4, VGT_REG_SHADOW, 0,                  \
      RING_CTL_WAIT | RING_CTL_WAIT_SEMA, NULL, vgt_ring_ctl_write },       \
    { e "_PSMI_CTL", (b) + RING_PSMI_CTL, 4, VGT_REG_MASKED, 0, 0 },        \
    { e "_HWSTAM", (b) + RING_HWSTAM, 4, VGT_REG_SHADOW, ~0u, 0 },          \
    { e "_MI_MODE", (b) + RING_MI_MODE, 4, VGT_REG_MASKED, 0,               \
      MI_MODE_IDLE, vgt_ring_mi_mode_read },                                \
    { e "_IMR", (b) + RING_IMR, 4, VGT_REG_SHADOW, ~0u, 0 },                \
    { e "_INSTPM", (b) + RING_INSTPM, 4, VGT_REG_MASKED, 0, 0,              \
      NULL, vgt_ring_instpm_write },                                        \
    { e "_PP_DIR_DCLV", (b) + RING_PP_DIR_DCLV, 4, VGT_REG_SHADOW, 0, 0 },  \
    { e "_PP_DIR_BASE", (b) + RING_PP_DIR_BASE, 4, VGT_REG_SHADOW, 0, 0 },  \
    { e "_RING_MODE", (b) + RING_MODE_GEN7, 4, VGT_REG_MASKED, 0, 0 },      \
    /* the status page: a GGTT address, page aligned */                     \
    { e "_HWS_PGA", (pga), 4, VGT_REG_SHADOW, 0, 0xfff },                   \
    /* page fault status: bit 0 valid; i915 clears it by writing 0 */       \
    { e "_FAULT_REG", (pga) + HWS_PGA_TO_FAULT, 4, VGT_REG_VIRT, 0, 0 },    \
    /* error capture and engine info (see above) */                         \
    { e "_ACTHD_UDW", (b) + RING_ACTHD_UDW, 4, VGT_REG_RO, 0, ~0u },         \
    { e "_IPEIR", (b) + RING_IPEIR, 4, VGT_REG_W1C, 0, 0 },                 \
    { e "_IPEHR", (b) + RING_IPEHR, 4, VGT_REG_RO, 0, ~0u },                \
    { e "_INSTDONE", (b) + RING_INSTDONE, 4, VGT_REG_RO, 0, ~0u },          \
    { e "_INSTPS", (b) + RING_INSTPS, 4, VGT_REG_RO, 0, ~0u },              \
    { e "_ACTHD", (b) + RING_ACTHD, 4, VGT_REG_RO, 0, ~0u,                  \
      vgt_ring_acthd_read },                                                \
    { e "_DMA_FADD", (b) + RING_DMA_FADD, 4, VGT_REG_RO, 0, ~0u },          \
    { e "_EIR", (b) + RING_EIR, 4, VGT_REG_W1C, 0, 0 },                     \
    { e "_EMR", (b) + RING_EMR, 4, VGT_REG_VIRT, 0, 0 },                    \
    { e "_ESR", (b) + RING_ESR, 4, VGT_REG_W1C, 0, 0 },                     \
    { e "_BBSTATE", (b) + RING_BBSTATE, 4, VGT_REG_RO, 0, ~0u },            \
    { e "_BBADDR", (b) + RING_BBADDR, 4, VGT_REG_RO, 0, ~0u },              \
    { e "_BBADDR_UDW", (b) + RING_BBADDR_UDW, 4, VGT_REG_RO, 0, ~0u },      \
    { e "_CCID", (b) + RING_CCID, 4, VGT_REG_RO, 0, ~0u },                  \
    { e "_TIMESTAMP", (b) + RING_TIMESTAMP, 8, VGT_REG_RO, 0, ~0u,          \
      vgt_ring_timestamp_read },                                            \
    { e "_PP_DIR_BASE_READ", (b) + RING_PP_DIR_BASE_READ, 4, VGT_REG_RO, 0, \
      ~0u, vgt_ring_pp_dir_base_read }

static const VgtRegInfo vgt_ring_regs[] = {
    VGT_RING_ROWS("RCS", VGT_RCS_BASE, VGT_HWS_PGA_RCS),
    VGT_RING_ROWS("VCS", VGT_VCS_BASE, VGT_HWS_PGA_VCS),
    VGT_RING_ROWS("BCS", VGT_BCS_BASE, VGT_HWS_PGA_BCS),
    VGT_RING_ROWS("VECS", VGT_VECS_BASE, VGT_HWS_PGA_VECS),
};

const VgtRegTable vgt_ring_reg_table = VGT_REG_TABLE(vgt_ring_regs);

/* VGT_ENGINE_* of an engine block (vgt_engines is in RCS/VCS/BCS/VECS order) */
static unsigned vgt_ring_engine_id(uint32_t base)
{
    return base == VGT_RCS_BASE ? VGT_ENGINE_RCS :
           base == VGT_VCS_BASE ? VGT_ENGINE_VCS :
           base == VGT_BCS_BASE ? VGT_ENGINE_BCS : VGT_ENGINE_VECS;
}

static bool vgt_ring_row_of(const VgtEngine *e, const VgtRegInfo *r)
{
    return (r->offset >= e->base && r->offset < e->base + 0x1000) ||
           (r->offset & ~0xffu) == (e->hws_pga & ~0xffu);
}

void vgt_ring_gdrst(VgtState *s, uint32_t domains)
{
    size_t i, j;

    for (i = 0; i < ARRAY_SIZE(vgt_engines); i++) {
        const VgtEngine *e = &vgt_engines[i];

        if (!(domains & (VGT_GRDOM_FULL | e->grdom))) {
            continue;
        }
        trace_vgt_ring_reset(e->name);
        /* a stopped (hung) engine runs again after its reset */
        vgt_submit_reset(s, 1u << vgt_ring_engine_id(e->base));
        for (j = 0; j < ARRAY_SIZE(vgt_ring_regs); j++) {
            const VgtRegInfo *r = &vgt_ring_regs[j];
            uint32_t reg = r->offset - e->base;

            /*
             * Interrupt masks are not ring state: like the GT and display
             * interrupt registers, they keep the driver's setting.
             */
            if (!vgt_ring_row_of(e, r) || reg == RING_IMR ||
                reg == RING_HWSTAM) {
                continue;
            }
            vgt_vreg(s, r->offset) = r->reset;
        }
    }
}
