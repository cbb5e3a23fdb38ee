/*
 * vgt: pipe timing: enable state, frame counter, scan line, and the
 * vblank and flip-done interrupts, on QEMU's virtual clock.
 *
 * An enabled pipe produces one frame per period of the mode the guest
 * programmed (transcoder timings, and for DisplayPort the link M/N and the
 * port clock); while the guest has not programmed a usable mode the pipe
 * runs at 60 Hz.  At each vblank the frame counter advances first, then
 * the vblank interrupt is raised (DRM reads the counter in the handler),
 * and a flip queued by a DSPSURF write completes.  A disabled pipe
 * produces nothing; a paused VM's virtual clock stops, so nothing piles
 * up, and a late timer accounts the missed frames in the counter but
 * raises one interrupt.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/timer.h"
#include "vgt-internal.h"
#include "trace.h"

#define VGT_DEFAULT_FRAME_NS    (NANOSECONDS_PER_SECOND / 60)

static unsigned vgt_pipe_of(uint32_t offset)
{
    return (offset >> 12) & 0xf;
}

/* The DP link clock (kHz) of the port feeding transcoder @p, or 0. */
static uint64_t vgt_pipe_link_khz(VgtState *s, unsigned p)
{
    uint32_t func = vgt_vreg(s, TRANS_DDI_FUNC_CTL(p));
    unsigned port = (func & TRANS_DDI_PORT_MASK) >> TRANS_DDI_PORT_SHIFT;

    if (!(func & TRANS_DDI_FUNC_ENABLE) || port >= HSW_NUM_DDI) {
        return 0;
    }
    /* LCPLL 2700/1350/810 MHz = DP HBR2/HBR/RBR */
    switch (vgt_vreg(s, PORT_CLK_SEL(port)) & PORT_CLK_SEL_MASK) {
    case PORT_CLK_SEL_LCPLL_2700:
        return 540000;
    case PORT_CLK_SEL_LCPLL_1350:
        return 270000;
    case PORT_CLK_SEL_LCPLL_810:
        return 162000;
    }
    return 0;
}

/* Length of one frame of the programmed mode, or 60 Hz without one. */
static int64_t vgt_pipe_frame_ns(VgtState *s, unsigned p)
{
    uint64_t htotal = (vgt_vreg(s, HTOTAL(p)) >> 16) + 1;
    uint64_t vtotal = (vgt_vreg(s, VTOTAL(p)) >> 16) + 1;
    uint64_t m = vgt_vreg(s, PIPE_LINK_M1(p)) & LINK_M_N_MASK;
    uint64_t n = vgt_vreg(s, PIPE_LINK_N1(p)) & LINK_M_N_MASK;
    uint64_t link_khz = vgt_pipe_link_khz(s, p);
    uint64_t pixel_khz, frame_ns;

    if (!link_khz || !m || !n || htotal < 2 || vtotal < 2) {
        return VGT_DEFAULT_FRAME_NS;
    }
    /* link M/N = pixel clock / link clock */
    pixel_khz = link_khz * m / n;
    if (!pixel_khz) {
        return VGT_DEFAULT_FRAME_NS;
    }
    frame_ns = htotal * vtotal * 1000000ull / pixel_khz;
    /* Refresh rates outside 1..1000 Hz are not a monitor's: use 60 Hz. */
    if (frame_ns < NANOSECONDS_PER_SECOND / 1000 ||
        frame_ns > NANOSECONDS_PER_SECOND) {
        return VGT_DEFAULT_FRAME_NS;
    }
    return frame_ns;
}

static void vgt_pipe_arm(VgtState *s, unsigned p)
{
    VgtPipe *pipe = &s->display.pipe[p];

    timer_mod(pipe->vblank_timer,
              pipe->start_ns + (pipe->frames + 1) * pipe->frame_ns);
}

static void vgt_pipe_vblank(void *opaque)
{
    VgtPipe *pipe = opaque;
    VgtState *s = pipe->s;
    unsigned p = pipe - s->display.pipe;
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    uint64_t frames = (now - pipe->start_ns) / pipe->frame_ns;
    uint32_t bits = DE_PIPE_VBLANK_IVB(p);

    if (frames <= pipe->frames) {
        vgt_pipe_arm(s, p);
        return;
    }
    /* The counter first: DRM reads it in the vblank handler. */
    pipe->frame_count += frames - pipe->frames;
    pipe->frames = frames;
    if (pipe->flip_pending) {
        pipe->flip_pending = false;
        pipe->flip_count++;
        pipe->surf_live = vgt_vreg(s, DSPSURF(p));
        bits |= DE_PLANE_FLIP_DONE_IVB(p);
    }
    trace_vgt_pipe_vblank(p, pipe->frame_count, bits);
    vgt_irq_pulse(s, VGT_IRQ_DE, bits);
    vgt_pipe_arm(s, p);
}

static void vgt_pipe_enable(VgtState *s, unsigned p, bool enable)
{
    VgtPipe *pipe = &s->display.pipe[p];

    if (enable == pipe->enabled) {
        return;
    }
    pipe->enabled = enable;
    if (enable) {
        pipe->frame_ns = vgt_pipe_frame_ns(s, p);
        pipe->start_ns = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
        pipe->frames = 0;
        vgt_pipe_arm(s, p);
    } else {
        timer_del(pipe->vblank_timer);
    }
    trace_vgt_pipe_enable(p, enable, pipe->frame_ns);
}

static void vgt_pipeconf_write(VgtState *s, const VgtRegInfo *r,
                               uint32_t offset, uint32_t value)
{
    uint32_t conf = vgt_reg_store(s, r, offset, value);

    vgt_pipe_enable(s, vgt_pipe_of(offset), conf & PIPECONF_ENABLE);
}

static uint32_t vgt_pipeconf_read(VgtState *s, const VgtRegInfo *r,
                                  uint32_t offset)
{
    /* The state bit follows the enable at once (no pipe to drain). */
    uint32_t conf = vgt_vreg(s, offset) & ~PIPECONF_STATE_ENABLE;

    return conf | (s->display.pipe[vgt_pipe_of(offset)].enabled ?
                   PIPECONF_STATE_ENABLE : 0);
}

static uint32_t vgt_pipe_frmcount_read(VgtState *s, const VgtRegInfo *r,
                                       uint32_t offset)
{
    return s->display.pipe[vgt_pipe_of(offset)].frame_count;
}

static uint32_t vgt_pipe_flipcount_read(VgtState *s, const VgtRegInfo *r,
                                        uint32_t offset)
{
    return s->display.pipe[vgt_pipe_of(offset)].flip_count;
}

static uint32_t vgt_pipedsl_read(VgtState *s, const VgtRegInfo *r,
                                 uint32_t offset)
{
    unsigned p = vgt_pipe_of(offset);
    VgtPipe *pipe = &s->display.pipe[p];
    uint64_t vtotal, pos;

    if (!pipe->enabled) {
        return 0;
    }
    vtotal = (vgt_vreg(s, VTOTAL(p)) >> 16) + 1;
    pos = (qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) - pipe->start_ns) %
          pipe->frame_ns;
    return (pos * vtotal / pipe->frame_ns) & PIPEDSL_LINE_MASK;
}

static void vgt_dspsurf_write(VgtState *s, const VgtRegInfo *r,
                              uint32_t offset, uint32_t value)
{
    unsigned p = vgt_pipe_of(offset);

    vgt_reg_store(s, r, offset, value);
    /* Latched at the next vblank, which then signals flip done. */
    if (s->display.pipe[p].enabled) {
        s->display.pipe[p].flip_pending = true;
    } else {
        s->display.pipe[p].surf_live = value & ~0xfffu;
    }
}

static uint32_t vgt_dspsurflive_read(VgtState *s, const VgtRegInfo *r,
                                     uint32_t offset)
{
    return s->display.pipe[vgt_pipe_of(offset)].surf_live & ~0xfffu;
}

static uint32_t vgt_cursurflive_read(VgtState *s, const VgtRegInfo *r,
                                     uint32_t offset)
{
    /* The cursor latches CURBASE at once (no vblank wait modelled). */
    return vgt_vreg(s, offset - CURSURFLIVE(0) + CURBASE(0)) & ~0xfffu;
}

#define VGT_PIPE_ROWS(p, n) \
    { "PIPEDSL_" n, PIPEDSL(p), 4, VGT_REG_RO, 0, ~0u, vgt_pipedsl_read }, \
    { "PIPECONF_" n, PIPECONF(p), 4, VGT_REG_MEDIATED, 0, \
      PIPECONF_STATE_ENABLE, vgt_pipeconf_read, vgt_pipeconf_write }, \
    { "PIPE_FRMCOUNT_" n, PIPE_FRMCOUNT_G4X(p), 4, VGT_REG_RO, 0, ~0u, \
      vgt_pipe_frmcount_read }, \
    { "PIPE_FLIPCOUNT_" n, PIPE_FLIPCOUNT_G4X(p), 4, VGT_REG_RO, 0, ~0u, \
      vgt_pipe_flipcount_read }, \
    { "DSPSURF_" n, DSPSURF(p), 4, VGT_REG_MEDIATED, 0, 0xfff, NULL, \
      vgt_dspsurf_write }, \
    { "DSPSURFLIVE_" n, DSPSURFLIVE(p), 4, VGT_REG_RO, 0, ~0u, \
      vgt_dspsurflive_read }, \
    /* transcoder timings (HTOTAL..VSYNC) and the DP M/N values */ \
    { "TRANS_TIMINGS_" n, HTOTAL(p), TRANS_TIMINGS_SIZE, VGT_REG_VIRT, \
      0, 0 }, \
    { "PIPESRC_" n, PIPESRC(p), 4, VGT_REG_VIRT, 0, 0 }, \
    { "TRANS_DATA_LINK_MN_" n, PIPE_DATA_M1(p), 0x20, VGT_REG_VIRT, \
      0, 0 }, \
    { "TRANS_DDI_FUNC_CTL_" n, TRANS_DDI_FUNC_CTL(p), 4, VGT_REG_VIRT, \
      0, 0 }, \
    /* BCLRPAT, VSYNCSHIFT, PIPE_MULT; video DIP (infoframes); MSA */ \
    { "TRANS_VSYNCSHIFT_MULT_" n, BCLRPAT(p), 0x10, VGT_REG_VIRT, 0, 0 }, \
    { "TRANS_VIDEO_DIP_" n, HSW_TVIDEO_DIP_CTL(p), 0x200, VGT_REG_VIRT, \
      0, 0 }, \
    { "TRANS_MSA_MISC_" n, TRANS_MSA_MISC(p), 4, VGT_REG_VIRT, 0, 0 }, \
    /* pipe CRC control and results (i915 clears the control at init) */ \
    { "PIPE_CRC_" n, PIPE_CRC_CTL(p), 0x28, VGT_REG_VIRT, 0, 0 }, \
    /* panel fitter: never enabled for an external DP monitor */ \
    { "PF_" n, PF_WIN_POS(p), 0x24, VGT_REG_VIRT, 0, 0 }, \
    /* cursor: CURCNTR, CURBASE, CURPOS, ..., CUR_FBC_CTL; CURSURFLIVE */ \
    { "CURSOR_" n, CURCNTR(p), CURSOR_REGS_SIZE, VGT_REG_VIRT, 0, 0 }, \
    { "CURSURFLIVE_" n, CURSURFLIVE(p), 4, VGT_REG_RO, 0, ~0u, \
      vgt_cursurflive_read }, \
    /* primary plane: DSPCNTR, DSPLINOFF, DSPSTRIDE, DSPPOS, DSPSIZE */ \
    { "DSPCNTR_" n, DSPCNTR(p), DSP_REGS_SIZE, VGT_REG_VIRT, 0, 0 }, \
    /* DSPOFFSET (DSPTILEOFF) and its neighbours */ \
    { "DSPOFFSET_" n, _PIPE(p, 0x1a0), 0xc, VGT_REG_VIRT, 0, 0 }, \
    /* sprite plane: disabled by i915 at boot, otherwise not scanned out */ \
    { "SPRITE_" n, SPRCTL(p), SPR_REGS_SIZE, VGT_REG_VIRT, 0, 0 }

static const VgtRegInfo vgt_pipe_regs[] = {
    VGT_PIPE_ROWS(0, "A"),
    VGT_PIPE_ROWS(1, "B"),
    VGT_PIPE_ROWS(2, "C"),
    /* DDI A..E clock select: LCPLL rates for DisplayPort; gated (NONE) */
    { "PORT_CLK_SEL", PORT_CLK_SEL(0), HSW_NUM_DDI * 4, VGT_REG_VIRT,
      PORT_CLK_SEL_NONE, 0 },
    /* transcoder EDP: there is no eDP panel, i915 only reads it off */
    { "TRANS_EDP_TIMINGS_MN", TRANSCODER_EDP_OFFSET, 0x50, VGT_REG_VIRT,
      0, 0 },
    { "TRANS_DDI_FUNC_CTL_EDP", TRANSCODER_EDP_OFFSET + 0x400, 4,
      VGT_REG_VIRT, 0, 0 },
    { "TRANS_MSA_MISC_EDP", TRANSCODER_EDP_OFFSET + 0x410, 4, VGT_REG_VIRT,
      0, 0 },
    { "PIPECONF_EDP", PIPE_EDP_OFFSET + 0x008, 4, VGT_REG_VIRT, 0, 0 },
};

const VgtRegTable vgt_pipe_reg_table = VGT_REG_TABLE(vgt_pipe_regs);

void vgt_pipes_init(VgtState *s)
{
    unsigned p;

    for (p = 0; p < VGT_NPIPES; p++) {
        s->display.pipe[p].s = s;
        s->display.pipe[p].vblank_timer = timer_new_ns(QEMU_CLOCK_VIRTUAL,
                                               vgt_pipe_vblank,
                                               &s->display.pipe[p]);
    }
}

void vgt_pipes_reset(VgtState *s)
{
    unsigned p;

    for (p = 0; p < VGT_NPIPES; p++) {
        VgtPipe *pipe = &s->display.pipe[p];

        timer_del(pipe->vblank_timer);
        pipe->enabled = false;
        pipe->flip_pending = false;
        pipe->frame_count = 0;
        pipe->flip_count = 0;
        pipe->surf_live = 0;
        pipe->frame_ns = VGT_DEFAULT_FRAME_NS;
    }
}

void vgt_pipes_exit(VgtState *s)
{
    unsigned p;

    for (p = 0; p < VGT_NPIPES; p++) {
        timer_free(s->display.pipe[p].vblank_timer);
        s->display.pipe[p].vblank_timer = NULL;
    }
}
