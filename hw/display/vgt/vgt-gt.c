/*
 * vgt: GT core registers: forcewake, the GT FIFO, GDRST, fuses, the
 * MCHBAR mirror, the pcode mailbox, RPS capabilities, workaround and
 * error registers.
 *
 * What i915 (Linux 6.1) reads and writes on Haswell in vGPU mode at probe
 * and at run time, outside the rings, the interrupts and the GTT.  The
 * values say "a GT2 desktop part with RPS, RC6, eDRAM and swizzling
 * off"; the registers the driver only programs keep what it writes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "kernel-shim/hsw/hsw-regs.h"
#include "vgt-internal.h"
#include "trace.h"

#define GDRST_DOMAINS   (GEN6_GRDOM_FULL | GEN6_GRDOM_RENDER | \
                         GEN6_GRDOM_MEDIA | GEN6_GRDOM_BLT | GEN6_GRDOM_VECS)

static uint32_t vgt_gt_forcewake_ack(VgtState *s, const VgtRegInfo *r,
                                     uint32_t offset)
{
    /* Every requested domain is awake at once. */
    return vgt_vreg(s, FORCEWAKE_MT) & 0xffff;
}

static void vgt_gt_forcewake_write(VgtState *s, const VgtRegInfo *r,
                                   uint32_t offset, uint32_t value)
{
    trace_vgt_gt_forcewake(vgt_reg_store(s, r, offset, value));
}

static void vgt_gt_gdrst_write(VgtState *s, const VgtRegInfo *r,
                               uint32_t offset, uint32_t value)
{
    trace_vgt_gt_gdrst(value);
    if (value & ~GDRST_DOMAINS) {
        s->stats.guest_errors++;
        qemu_log_mask(LOG_GUEST_ERROR, "vgt: GDRST: reset of unknown "
                      "domains 0x%08x ignored\n", value & ~GDRST_DOMAINS);
    }
    vgt_ring_gdrst(s, value & GDRST_DOMAINS);
    /*
     * The reset is done when the bits read back clear: at once.  Without
     * a helper there is no GPU to reset: the bits stay, i915's wait for
     * them times out, it reports the failed reset and wedges the GPU,
     * and the VM runs on without it.
     */
    vgt_vreg(s, offset) = vgt_host_gone(s) ? value & GDRST_DOMAINS : 0;
}

static void vgt_gt_pcode_write(VgtState *s, const VgtRegInfo *r,
                               uint32_t offset, uint32_t value)
{
    if (!(value & GEN6_PCODE_READY)) {
        vgt_vreg(s, offset) = value;
        return;
    }
    /*
     * A command: pcode answers at once with success and zero data, i.e.
     * no overclocking, no duty-cycle control, an empty frequency table.
     */
    trace_vgt_gt_pcode(value & GEN6_PCODE_MB_COMMAND,
                       vgt_vreg(s, GEN6_PCODE_DATA),
                       vgt_vreg(s, GEN6_PCODE_DATA1));
    vgt_vreg(s, offset) = value & ~(GEN6_PCODE_READY | GEN6_PCODE_ERROR_MASK);
    vgt_vreg(s, GEN6_PCODE_DATA) = 0;
    vgt_vreg(s, GEN6_PCODE_DATA1) = 0;
}

static const VgtRegInfo vgt_gt_regs[] = {
    /*
     * Forcewake: i915 uses none in vGPU mode; a native-mode driver gets
     * its acknowledgement in the same instant it asks.
     */
    { "FORCEWAKE_MT", FORCEWAKE_MT, 4, VGT_REG_MASKED, 0, 0,
      NULL, vgt_gt_forcewake_write },
    { "FORCEWAKE_ACK_HSW", FORCEWAKE_ACK_HSW, 4, VGT_REG_RO, 0, ~0u,
      vgt_gt_forcewake_ack },
    /* GT thread in C0 (the wait that follows a forcewake) */
    { "GT_THREAD_STATUS", GEN6_GT_THREAD_STATUS, 4, VGT_REG_RO, 0, ~0u },

    /*
     * GT FIFO: never any error, always empty (all entries free; the
     * driver waits for more than 20)
     */
    { "GTFIFODBG", GTFIFODBG, 4, VGT_REG_W1C, 0, 0 },
    { "GTFIFOCTL", GTFIFOCTL, 4, VGT_REG_VIRT, GT_FIFO_FREE_ENTRIES_MASK,
      GT_FIFO_FREE_ENTRIES_MASK },
    /* "unclaimed register" latch (bit 31): never set */
    { "FPGA_DBG", FPGA_DBG, 4, VGT_REG_W1C, 0, 0 },

    { "GEN6_GDRST", GEN6_GDRST, 4, VGT_REG_MEDIATED, 0, 0,
      NULL, vgt_gt_gdrst_write },

    /* Fuses: no eDRAM; PAVP fuse 0 = 10 EUs per subslice */
    { "HSW_EDRAM_CAP", HSW_EDRAM_CAP, 4, VGT_REG_RO, 0, ~0u },
    { "HSW_PAVP_FUSE1", HSW_PAVP_FUSE1, 4, VGT_REG_RO, 0, ~0u },

    /*
     * MCHBAR mirror.  Channels of different sizes (4 GiB and empty):
     * i915 then picks no bit-6 swizzling for tiled surfaces.
     */
    { "MAD_DIMM_C0", MAD_DIMM_C0, 4, VGT_REG_RO, 0x10, ~0u },
    { "MAD_DIMM_C1", MAD_DIMM_C1, 4, VGT_REG_RO, 0, ~0u },
    { "MAD_DIMM_C2", MAD_DIMM_C2, 4, VGT_REG_RO, 0, ~0u },
    /* RP0 = RP1 = RPn = 0: i915 leaves RPS (and its interrupts) off */
    { "GEN6_RP_STATE_CAP", GEN6_RP_STATE_CAP, 4, VGT_REG_RO, 0, ~0u },
    /* memory clock for the ring frequency table (unused with RPS off) */
    { "DCLK", DCLK, 4, VGT_REG_RO, 0, ~0u },
    /*
     * Display memory latencies (64-bit) all 0: i915 then programs no
     * watermarks ("Failed to read display plane latency").
     */
    { "MCH_SSKPD", MCH_SSKPD, 8, VGT_REG_RO, 0, ~0u },
    { "GEN6_PMINTRMSK", GEN6_PMINTRMSK, 4, VGT_REG_VIRT, 0, 0 },

    { "GEN6_PCODE_MAILBOX", GEN6_PCODE_MAILBOX, 4, VGT_REG_MEDIATED, 0, 0,
      NULL, vgt_gt_pcode_write },
    { "GEN6_PCODE_DATA", GEN6_PCODE_DATA, 4, VGT_REG_VIRT, 0, 0 },
    { "GEN6_PCODE_DATA1", GEN6_PCODE_DATA1, 4, VGT_REG_VIRT, 0, 0 },

    /* GGTT TLB flush after PTE updates (the GGTT shadow may hook it) */
    { "GFX_FLSH_CNTL_GEN6", GFX_FLSH_CNTL_GEN6, 4, VGT_REG_VIRT, 0, 0 },
    { "TILECTL", TILECTL, 4, VGT_REG_VIRT, 0, 0 },

    /*
     * Workaround, chicken and clock-gating registers: i915 writes them
     * and checks some read back what it wrote ("GT workaround lost").
     */
    { "ARB_MODE", ARB_MODE, 4, VGT_REG_MASKED, 0, 0 },
    { "GAM_ECOCHK", GAM_ECOCHK, 4, VGT_REG_VIRT, 0, 0 },
    { "GEN7_FF_THREAD_MODE", GEN7_FF_THREAD_MODE, 4, VGT_REG_VIRT, 0, 0 },
    { "HSW_MI_PREDICATE_RESULT_2", HSW_MI_PREDICATE_RESULT_2, 4,
      VGT_REG_VIRT, 0, 0 },
    { "CACHE_MODE_0_GEN7", CACHE_MODE_0_GEN7, 4, VGT_REG_MASKED, 0, 0 },
    { "CACHE_MODE_1", CACHE_MODE_1, 4, VGT_REG_MASKED, 0, 0 },
    { "GEN7_GT_MODE", GEN7_GT_MODE, 4, VGT_REG_MASKED, 0, 0 },
    { "GEN7_SQ_CHICKEN_MBCUNIT_CONFIG", GEN7_SQ_CHICKEN_MBCUNIT_CONFIG, 4,
      VGT_REG_VIRT, 0, 0 },
    { "HSW_SCRATCH1", HSW_SCRATCH1, 4, VGT_REG_VIRT, 0, 0 },
    { "HALF_SLICE_CHICKEN3", HALF_SLICE_CHICKEN3, 4, VGT_REG_MASKED, 0, 0 },
    { "HSW_ROW_CHICKEN3", HSW_ROW_CHICKEN3, 4, VGT_REG_MASKED, 0, 0 },
    { "GAC_ECO_BITS", GAC_ECO_BITS, 4, VGT_REG_VIRT, 0, 0 },

    /*
     * Error registers, read and written back (to clear) at GT init: no
     * error ever latches.
     */
    { "PGTBL_ER", PGTBL_ER, 4, VGT_REG_W1C, 0, 0 },
    { "GEN2_IIR", GEN2_IIR, 4, VGT_REG_W1C, 0, 0 },
    /* IPEIR, EIR and EMR of the render engine: its ring rows */
};

const VgtRegTable vgt_gt_reg_table = VGT_REG_TABLE(vgt_gt_regs);
