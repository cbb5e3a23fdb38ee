/*
 * vgt: the guest's graphics-memory addresses and the helper's.
 *
 * PVINFO tells the guest where its share of graphics memory (GM) lies,
 * and i915 balloons everything else away: every GM address the guest
 * writes (GTT indices, fences, registers, addresses in commands) is one
 * of that view.  The helper that created the instance placed it at
 * s->host.part.  The two are equal until the VM migrates to a helper
 * that had to place it elsewhere (gMig's problem): the guest keeps the
 * view it booted with, and the device moves each address from the view's
 * range to the same offset of the helper's range on its way out.  The
 * sizes are equal (the migration refuses otherwise), so the map is a
 * bijection of two ranges.
 *
 * Every check of a guest address is against the view (vgt_gm_is_ours is
 * vgt_gm_to_host succeeding, so what the device accepts it can move):
 * GTT indices, the aperture, fences, the scanner's audit, the PPGTT walk.
 * What is moved to the partition, and where:
 *  - GTT entries (vgt-gtt.c): s->gtt.guest[] and the aperture stay at the
 *    guest's index; each entry goes to the helper at the host index
 *    (vgt_gtt_flush translates the queued entries).
 *  - Fences (vgt-fence.c): start and last page of the value sent to the
 *    helper; the registers keep what the guest wrote.
 *  - Engine registers that hold a GGTT address (hsw_reg_gm_field:
 *    HWS_PGA, PP_DIR_BASE, whose GM address is bits 31:16 x 64 KiB, and
 *    CCID): the ones each workload carries (vgt-submit.c), and the
 *    helper's engine state a migration carries (vgt-migration.c), which
 *    travels in the guest's addresses (vgt_gm_reg_to_guest at the source,
 *    vgt_gm_reg_to_host at the destination).  A value outside the range
 *    goes as it is (nothing walks it that the helper would allow).
 *  - Commands (vgt-cmd.c, vgt_cmd_remap on the copies that run): every
 *    GGTT operand hsw_cmd_operands describes (MI_STORE_DATA_IMM,
 *    MI_STORE/LOAD_REGISTER_MEM, MI_CONDITIONAL_BATCH_BUFFER_END,
 *    MI_REPORT_PERF_COUNT, MI_SET_CONTEXT, MI_DISPLAY_FLIP, MI_FLUSH_DW
 *    and PIPE_CONTROL post-sync writes), the bases of blits in GGTT
 *    batches (XY_COLOR_BLT, XY_SRC_COPY_BLT destination and source, the
 *    XY_SETUP_BLT a text blit draws through), and MI_LOAD_REGISTER_IMM
 *    of PP_DIR_BASE.  Batch starts point at the shadow copies already
 *    (vgt_cmd_relocate).  PPGTT addresses are not GM addresses, and
 *    status-page operands are offsets in the page HWS_PGA names.
 * Not moved, so wrong after a move to another partition (each would need
 * the device to rewrite memory it does not copy):
 *  - 3D and media state (STATE_BASE_ADDRESS, vertex and constant buffers,
 *    surface and sampler state in memory, ...): decoded by length only and
 *    copied as is (issue 18); the software Haswell does not dereference
 *    them, a real one in a GGTT batch would.  i915 runs user batches in
 *    the PPGTT; its own GGTT render-state batch is 3D state.
 *  - What the render context image holds (MI_SET_CONTEXT's 17 pages: the
 *    saved 3D state's addresses), and whatever the GPU reads from memory
 *    as an address (indirect state, MI_LOAD_REGISTER_MEM).
 *  - A PP_DIR_BASE loaded from memory or a register (MI_LOAD_REGISTER_MEM
 *    / _REG): refused when remapping (the scan's remap_refused); the
 *    value a MI_STORE_REGISTER_MEM of PP_DIR_BASE stores is the helper's.
 *  - The display: the device reads the surfaces itself through the
 *    guest's GTT (the view): no translation needed.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "vgt-internal.h"
#include "vgt-cmd.h"
#include "trace.h"

bool vgt_gm_remapped(VgtState *s)
{
    return s->host.view.mappable_base != s->host.part.mappable_base ||
           s->host.view.nonmappable_base != s->host.part.nonmappable_base;
}

/* [gma, gma + len) inside [base, base + size): overflow-proof */
static bool vgt_gm_within(uint64_t gma, uint64_t len, uint64_t base,
                          uint64_t size)
{
    return gma >= base && gma - base <= size && len <= size - (gma - base);
}

bool vgt_gm_to_host(VgtState *s, uint64_t gma, uint64_t len, uint64_t *hma)
{
    const struct vgt_instance_info *v = &s->host.view;
    const struct vgt_instance_info *p = &s->host.part;

    if (vgt_gm_within(gma, len, v->mappable_base, v->mappable_size)) {
        *hma = gma - v->mappable_base + p->mappable_base;
        return true;
    }
    if (vgt_gm_within(gma, len, v->nonmappable_base, v->nonmappable_size)) {
        *hma = gma - v->nonmappable_base + p->nonmappable_base;
        return true;
    }
    return false;
}

/* The inverse: the helper's address @hma back to the guest's. */
bool vgt_gm_to_guest(VgtState *s, uint64_t hma, uint64_t len, uint64_t *gma)
{
    const struct vgt_instance_info *v = &s->host.view;
    const struct vgt_instance_info *p = &s->host.part;

    if (vgt_gm_within(hma, len, p->mappable_base, p->mappable_size)) {
        *gma = hma - p->mappable_base + v->mappable_base;
        return true;
    }
    if (vgt_gm_within(hma, len, p->nonmappable_base, p->nonmappable_size)) {
        *gma = hma - p->nonmappable_base + v->nonmappable_base;
        return true;
    }
    return false;
}

/* Move the address in @value of @engine's register @reg, one way or back. */
static uint32_t vgt_gm_reg_move(VgtState *s, unsigned engine, uint32_t reg,
                                uint32_t value, bool to_host)
{
    uint32_t mask, moved = value;
    uint64_t span, to;
    bool ok;

    if (!vgt_gm_remapped(s) || !hsw_reg_gm_field(engine, reg, &mask, &span) ||
        !(value & mask)) {
        return value;
    }
    ok = to_host ? vgt_gm_to_host(s, value & mask, span, &to) :
                   vgt_gm_to_guest(s, value & mask, span, &to);
    if (!ok || !vgt_cmd_move_field(&moved, mask, value & mask, to)) {
        trace_vgt_gm_reg_not_remapped(hsw_engines[engine].name, reg, value,
                                      to_host);
        return value;
    }
    return moved;
}

uint32_t vgt_gm_reg_to_host(VgtState *s, unsigned engine, uint32_t reg,
                            uint32_t value)
{
    return vgt_gm_reg_move(s, engine, reg, value, true);
}

uint32_t vgt_gm_reg_to_guest(VgtState *s, unsigned engine, uint32_t reg,
                             uint32_t value)
{
    return vgt_gm_reg_move(s, engine, reg, value, false);
}
