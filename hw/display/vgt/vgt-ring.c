/*
 * vgt: the ring registers of the four Haswell engines (legacy ring buffer
 * submission: gen7 has no execlists).
 *
 * Each engine has a register block at its base (RCS 0x2000, VCS 0x12000,
 * VECS 0x1a000, BCS 0x22000) and a status page address and fault register
 * in the 0x4000 block (0x4080 + 0x100 * n).  The rows are the same for
 * every engine, generated from one list; handlers find the engine from
 * the offset.  Ring registers are SHADOW: per-VM values that the helper
 * loads into the GPU when it switches to this VM.  Offsets and bits are
 * the shared Haswell facts (kernel-shim/hsw/hsw-regs.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "vgt-internal.h"
#include "kernel-shim/hsw/hsw-regs.h"
#include "trace.h"

/* The engine block base of a register in it (handlers get the offset). */
static inline uint32_t vgt_ring_base(uint32_t offset, uint32_t reg)
{
    return offset - reg;
}

/*
 * MODE_IDLE: the command streamer is not executing.  HEAD moves when the
 * helper completes a workload, so the ring is busy while it is valid, not
 * stopped and has commands between HEAD and TAIL.  i915 polls this bit
 * after STOP_RING (1 ms + 100 ms per engine) and warns "not idle before
 * sync flush".
 */
static bool vgt_ring_idle(VgtState *s, uint32_t base)
{
    uint32_t ctl = vgt_vreg(s, RING_CTL(base));
    uint32_t mode = vgt_vreg(s, RING_MI_MODE(base));
    uint32_t head = vgt_vreg(s, RING_HEAD(base)) & HEAD_ADDR;
    uint32_t tail = vgt_vreg(s, RING_TAIL(base)) & TAIL_ADDR;

    return !(ctl & RING_VALID) || (mode & STOP_RING) || head == tail;
}

static uint32_t vgt_ring_mi_mode_read(VgtState *s, const VgtRegInfo *r,
                                      uint32_t offset)
{
    uint32_t base = vgt_ring_base(offset, RING_MI_MODE(0));

    return vgt_vreg(s, offset) |
           (vgt_ring_idle(s, base) ? MODE_IDLE : 0);
}

static void vgt_ring_instpm_write(VgtState *s, const VgtRegInfo *r,
                                  uint32_t offset, uint32_t value)
{
    uint32_t v = vgt_reg_store(s, r, offset, value);

    /*
     * SYNC_FLUSH completes once the engine has drained; the software
     * Haswell's writes are in memory when a workload completes, so it
     * completes at once (i915 polls it clear for 2 ms).
     */
    if (v & INSTPM_SYNC_FLUSH) {
        trace_vgt_ring_sync_flush(vgt_ring_base(offset, RING_INSTPM(0)));
        vgt_vreg(s, offset) = v & ~INSTPM_SYNC_FLUSH;
    }
}

static void vgt_ring_ctl_write(VgtState *s, const VgtRegInfo *r,
                               uint32_t offset, uint32_t value)
{
    uint32_t base = vgt_ring_base(offset, RING_CTL(0));
    uint32_t old = vgt_vreg(s, offset);
    uint32_t v = vgt_reg_store(s, r, offset, value);

    if ((old ^ v) & RING_VALID) {
        trace_vgt_ring_ctl(base, v, vgt_vreg(s, RING_START(base)),
                           vgt_vreg(s, RING_HEAD(base)),
                           vgt_vreg(s, RING_TAIL(base)));
    }
}

static void vgt_ring_tail_write(VgtState *s, const VgtRegInfo *r,
                                uint32_t offset, uint32_t value)
{
    uint32_t base = vgt_ring_base(offset, RING_TAIL(0));

    vgt_reg_store(s, r, offset, value);
    /* The submission point: scan, copy, hand to the helper. */
    trace_vgt_ring_tail(base, vgt_vreg(s, RING_HEAD(base)), value);
    vgt_submit_tail_written(s, base);
}

/* ACTHD: the address the engine fetches from, HEAD's while it is idle. */
static uint32_t vgt_ring_acthd_read(VgtState *s, const VgtRegInfo *r,
                                    uint32_t offset)
{
    uint32_t base = vgt_ring_base(offset, RING_ACTHD(0));

    return vgt_vreg(s, RING_START(base)) +
           (vgt_vreg(s, RING_HEAD(base)) & HEAD_ADDR);
}

/* The PP_DIR_BASE the engine uses: the one the guest programmed. */
static uint32_t vgt_ring_pp_dir_base_read(VgtState *s, const VgtRegInfo *r,
                                          uint32_t offset)
{
    uint32_t base = vgt_ring_base(offset, RING_PP_DIR_BASE_READ(0));

    return vgt_vreg(s, RING_PP_DIR_BASE(base));
}

/* The command streamer's timestamp: 12.5 MHz on gen7 (80 ns a tick). */
static uint32_t vgt_ring_timestamp_read(VgtState *s, const VgtRegInfo *r,
                                        uint32_t offset)
{
    uint64_t ticks = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) / 80;
    uint32_t base = vgt_ring_base(offset & ~4u, RING_TIMESTAMP(0));

    return offset == RING_TIMESTAMP(base) ? ticks : ticks >> 32;
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
    { e "_RING_TAIL", RING_TAIL(b), 4, VGT_REG_SHADOW, 0, 0,                \
      NULL, vgt_ring_tail_write },                                          \
    { e "_RING_HEAD", RING_HEAD(b), 4, VGT_REG_SHADOW, 0, 0 },              \
    /* page aligned: bits 11:0 are reserved */                              \
    { e "_RING_START", RING_START(b), 4, VGT_REG_SHADOW, 0, 0xfff },        \
    { e "_RING_CTL", RING_CTL(b), 4, VGT_REG_SHADOW, 0,                     \
      RING_WAIT | RING_WAIT_SEMAPHORE, NULL, vgt_ring_ctl_write },          \
    { e "_PSMI_CTL", RING_PSMI_CTL(b), 4, VGT_REG_MASKED, 0, 0 },           \
    { e "_HWSTAM", RING_HWSTAM(b), 4, VGT_REG_SHADOW, ~0u, 0 },             \
    { e "_MI_MODE", RING_MI_MODE(b), 4, VGT_REG_MASKED, 0,                  \
      MODE_IDLE, vgt_ring_mi_mode_read },                                   \
    { e "_IMR", RING_IMR(b), 4, VGT_REG_SHADOW, ~0u, 0,                    \
      NULL, vgt_irq_imr_write },                                            \
    { e "_INSTPM", RING_INSTPM(b), 4, VGT_REG_MASKED, 0, 0,                 \
      NULL, vgt_ring_instpm_write },                                        \
    { e "_PP_DIR_DCLV", RING_PP_DIR_DCLV(b), 4, VGT_REG_SHADOW, 0, 0 },     \
    { e "_PP_DIR_BASE", RING_PP_DIR_BASE(b), 4, VGT_REG_SHADOW, 0, 0 },     \
    { e "_RING_MODE", RING_MODE_GEN7(b), 4, VGT_REG_MASKED, 0, 0 },         \
    /* the status page: a GGTT address, page aligned */                     \
    { e "_HWS_PGA", (pga), 4, VGT_REG_SHADOW, 0, 0xfff },                   \
    /* page fault status: bit 0 valid; i915 clears it by writing 0 */       \
    { e "_FAULT_REG", RING_FAULT_REG(pga), 4, VGT_REG_VIRT, 0, 0 },         \
    /* error capture and engine info (see above) */                         \
    { e "_ACTHD_UDW", RING_ACTHD_UDW(b), 4, VGT_REG_RO, 0, ~0u },           \
    { e "_IPEIR", RING_IPEIR(b), 4, VGT_REG_W1C, 0, 0 },                    \
    { e "_IPEHR", RING_IPEHR(b), 4, VGT_REG_RO, 0, ~0u },                   \
    { e "_INSTDONE", RING_INSTDONE(b), 4, VGT_REG_RO, 0, ~0u },             \
    { e "_INSTPS", RING_INSTPS(b), 4, VGT_REG_RO, 0, ~0u },                 \
    { e "_ACTHD", RING_ACTHD(b), 4, VGT_REG_RO, 0, ~0u,                     \
      vgt_ring_acthd_read },                                                \
    { e "_DMA_FADD", RING_DMA_FADD(b), 4, VGT_REG_RO, 0, ~0u },             \
    { e "_EIR", RING_EIR(b), 4, VGT_REG_W1C, 0, 0 },                        \
    { e "_EMR", RING_EMR(b), 4, VGT_REG_VIRT, 0, 0 },                       \
    { e "_ESR", RING_ESR(b), 4, VGT_REG_W1C, 0, 0 },                        \
    { e "_BBSTATE", RING_BBSTATE(b), 4, VGT_REG_RO, 0, ~0u },               \
    { e "_BBADDR", RING_BBADDR(b), 4, VGT_REG_RO, 0, ~0u },                 \
    { e "_BBADDR_UDW", RING_BBADDR_UDW(b), 4, VGT_REG_RO, 0, ~0u },         \
    { e "_CCID", RING_CCID(b), 4, VGT_REG_RO, 0, ~0u },                     \
    { e "_TIMESTAMP", RING_TIMESTAMP(b), 8, VGT_REG_RO, 0, ~0u,             \
      vgt_ring_timestamp_read },                                            \
    { e "_PP_DIR_BASE_READ", RING_PP_DIR_BASE_READ(b), 4, VGT_REG_RO, 0,    \
      ~0u, vgt_ring_pp_dir_base_read }

static const VgtRegInfo vgt_ring_regs[] = {
    VGT_RING_ROWS("RCS", RENDER_RING_BASE, HWS_PGA_RCS),
    VGT_RING_ROWS("VCS", BSD_RING_BASE, HWS_PGA_VCS),
    VGT_RING_ROWS("BCS", BLT_RING_BASE, HWS_PGA_BCS),
    VGT_RING_ROWS("VECS", VEBOX_RING_BASE, HWS_PGA_VECS),
};

const VgtRegTable vgt_ring_reg_table = VGT_REG_TABLE(vgt_ring_regs);

static bool vgt_ring_row_of(const struct hsw_engine *e, const VgtRegInfo *r)
{
    return (r->offset >= e->mmio_base &&
            r->offset < e->mmio_base + HSW_RING_BLOCK_SIZE) ||
           (r->offset & ~0xffu) == (e->hws_pga & ~0xffu);
}

void vgt_ring_gdrst(VgtState *s, uint32_t domains)
{
    size_t i, j;

    for (i = 0; i < HSW_NUM_ENGINES; i++) {
        const struct hsw_engine *e = &hsw_engines[i];

        if (!(domains & (GEN6_GRDOM_FULL | e->grdom))) {
            continue;
        }
        trace_vgt_ring_reset(e->name);
        /* a stopped (hung) engine runs again after its reset */
        vgt_submit_reset(s, 1u << i);
        for (j = 0; j < ARRAY_SIZE(vgt_ring_regs); j++) {
            const VgtRegInfo *r = &vgt_ring_regs[j];

            /*
             * Interrupt masks are not ring state: like the GT and display
             * interrupt registers, they keep the driver's setting.
             */
            if (!vgt_ring_row_of(e, r) ||
                r->offset == RING_IMR(e->mmio_base) ||
                r->offset == RING_HWSTAM(e->mmio_base)) {
                continue;
            }
            vgt_vreg(s, r->offset) = r->reset;
        }
    }
}
