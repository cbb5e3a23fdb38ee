/*
 * vgt: the display registers i915 reads before it looks at any output:
 * fuses and straps, the LCPLL, the power wells and the raw clock.
 *
 * They say: display present (not fused off), pipes A-C, the DDI port the
 * virtual DP monitor is on ("port", B by default) and no CRT, LCPLL locked
 * at 450 MHz cdclk from its non-SSC reference, LPT raw clock 125 MHz.
 * Also the storage i915 expects around the pipes: VGA plane (off),
 * chicken bits, watermarks, pipe colour.  Pipes and planes are
 * vgt-pipe.c's, ports, AUX and clocks vgt-dp.c's.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "vgt-internal.h"
#include "trace.h"

#define VGT_RAWCLK_MHZ              125

/* Straps: no CRT, and the one DDI port the monitor is on (property). */
static uint32_t vgt_display_sfuse_strap_read(VgtState *s, const VgtRegInfo *r,
                                             uint32_t offset)
{
    static const uint32_t detected[] = {
        [VGT_DDI_PORT_B] = SFUSE_STRAP_DDIB_DETECTED,
        [VGT_DDI_PORT_C] = SFUSE_STRAP_DDIC_DETECTED,
        [VGT_DDI_PORT_D] = SFUSE_STRAP_DDID_DETECTED,
    };

    return SFUSE_STRAP_CRT_DISABLED |
           (s->display.port < ARRAY_SIZE(detected) ?
            detected[s->display.port] : 0);
}

static void vgt_display_lcpll_write(VgtState *s, const VgtRegInfo *r,
                                    uint32_t offset, uint32_t value)
{
    uint32_t v = vgt_reg_store(s, r, offset, value);

    /* The PLL locks and the cdclk source switches the moment asked. */
    v &= ~(LCPLL_PLL_LOCK | LCPLL_CD_SOURCE_FCLK_DONE);
    if (!(v & LCPLL_PLL_DISABLE)) {
        v |= LCPLL_PLL_LOCK;
    }
    if (v & LCPLL_CD_SOURCE_FCLK) {
        v |= LCPLL_CD_SOURCE_FCLK_DONE;
    }
    trace_vgt_display_lcpll(v);
    vgt_vreg(s, offset) = v;
}

/* The well is up when any requester asks; every register shows it. */
static uint32_t vgt_display_pwr_well_read(VgtState *s, const VgtRegInfo *r,
                                          uint32_t offset)
{
    uint32_t req = 0;
    int i;

    for (i = 0; i < HSW_PWR_WELL_CTLS; i++) {
        req |= vgt_vreg(s, HSW_PWR_WELL_CTL(i));
    }
    return vgt_vreg(s, offset) |
           (req & HSW_PWR_WELL_CTL_REQ ? HSW_PWR_WELL_CTL_STATE : 0);
}

static void vgt_display_pwr_well_write(VgtState *s, const VgtRegInfo *r,
                                       uint32_t offset, uint32_t value)
{
    trace_vgt_display_pwr_well(offset, vgt_reg_store(s, r, offset, value));
}

#define PWR_WELL(name, n)                                                   \
    { name, HSW_PWR_WELL_CTL(n), 4, VGT_REG_MEDIATED, 0,                    \
      ~HSW_PWR_WELL_CTL_REQ, vgt_display_pwr_well_read,                     \
      vgt_display_pwr_well_write }

static const VgtRegInfo vgt_display_regs[] = {
    /* Display not fused off, pipe C present, no cdclk limit */
    { "FUSE_STRAP", FUSE_STRAP, 4, VGT_REG_RO, 0, ~0u },
    /* WRPLL reference: 135 MHz (HDMI only) */
    { "FUSE_STRAP3", FUSE_STRAP3, 4, VGT_REG_RO, 0, ~0u },
    { "SFUSE_STRAP", SFUSE_STRAP, 4, VGT_REG_RO, 0, ~0u,
      vgt_display_sfuse_strap_read },

    /* Enabled and locked, non-SSC reference, 450 MHz cdclk */
    { "LCPLL_CTL", LCPLL_CTL, 4, VGT_REG_MEDIATED, LCPLL_PLL_LOCK,
      LCPLL_PLL_LOCK | LCPLL_CD_SOURCE_FCLK_DONE, NULL,
      vgt_display_lcpll_write },

    PWR_WELL("HSW_PWR_WELL_CTL1", 0),   /* BIOS */
    PWR_WELL("HSW_PWR_WELL_CTL2", 1),   /* driver */
    PWR_WELL("HSW_PWR_WELL_CTL3", 2),   /* KVMR */
    PWR_WELL("HSW_PWR_WELL_CTL4", 3),   /* debug */
    /* PCH reset handshake enable: i915 sets bit 4 */
    { "HSW_NDE_RSTWRN_OPT", HSW_NDE_RSTWRN_OPT, 4, VGT_REG_VIRT, 0, 0 },

    { "PCH_RAWCLK_FREQ", PCH_RAWCLK_FREQ, 4, VGT_REG_RO, VGT_RAWCLK_MHZ,
      ~0u },

    /*
     * VGA plane: on at reset, as firmware leaves a Haswell; the console
     * shows legacy VGA until i915 sets VGA_DISP_DISABLE (vgt-vga.c).
     */
    { "CPU_VGACNTRL", CPU_VGACNTRL, 4, VGT_REG_VIRT, 0, 0 },
    /* chicken bits: storage (i915 read-modify-writes them) */
    { "CHICKEN_PAR1_1", 0x42080, 4, VGT_REG_VIRT, 0, 0 },
    { "CHICKEN_PIPESL_1", 0x420b0, 3 * 4, VGT_REG_VIRT, 0, 0 },
    { "CHICKEN_TRANS", 0x420c0, 4 * 4, VGT_REG_VIRT, 0, 0 },
    { "TRANS_CHICKEN1_A", 0xf0060, 4, VGT_REG_VIRT, 0, 0 },
    { "TRANS_CHICKEN1_B", 0xf1060, 4, VGT_REG_VIRT, 0, 0 },
    /*
     * Watermarks: i915 reads them back (they stay 0: MCH_SSKPD gives no
     * latencies, so it never programs them) and the line time.
     */
    { "DISP_ARB_CTL", 0x45000, 4, VGT_REG_VIRT, 0, 0 },
    { "WM_PIPE_LP", 0x45100, 0x2c, VGT_REG_VIRT, 0, 0 },
    { "WM0_PIPE_C", 0x45200, 4, VGT_REG_VIRT, 0, 0 },
    { "WM_MISC", 0x45260, 4, VGT_REG_VIRT, 0, 0 },
    { "WM_LINETIME", 0x45270, 3 * 4, VGT_REG_VIRT, 0, 0 },
    /* pipe colour: CSC, palettes, precision palette, gamma mode */
    { "PIPE_CSC_A", 0x49010, 0x40, VGT_REG_VIRT, 0, 0 },
    { "PIPE_CSC_B", 0x49110, 0x40, VGT_REG_VIRT, 0, 0 },
    { "PIPE_CSC_C", 0x49210, 0x40, VGT_REG_VIRT, 0, 0 },
    { "LGC_PALETTE_A", 0x4a000, 0x484, VGT_REG_VIRT, 0, 0 },
    { "LGC_PALETTE_B", 0x4a800, 0x484, VGT_REG_VIRT, 0, 0 },
    { "LGC_PALETTE_C", 0x4b000, 0x484, VGT_REG_VIRT, 0, 0 },
    /* audio: no ELD, no audio on the virtual monitor */
    { "HSW_AUD_PIN_ELD_CP_VLD", 0x650c0, 4, VGT_REG_VIRT, 0, 0 },
};

const VgtRegTable vgt_display_reg_table = VGT_REG_TABLE(vgt_display_regs);
