/*
 * vgt: the fence registers (FENCE_REG_GEN6_LO/HI, 0x100000 + 8 * i).
 *
 * A VM owns fence_num fences (PVINFO fence_num); its fence i is physical
 * fence fence_base + i, which only the helper writes.  The guest's values
 * are kept as it wrote them; the 64-bit value goes to the helper once both
 * halves are known.  i915 programs a fence as LO = 0, HI, LO (disable,
 * then end and pitch, then start and valid), so:
 *   - a LO without the valid bit disables the fence at once;
 *   - a valid LO takes effect if HI was written since the fence was last
 *     programmed, otherwise with the next HI write (a 64-bit write sends
 *     the low dword first);
 *   - a HI write to a live fence reprograms it.
 * Fences beyond fence_num are not this VM's: reading them returns 0,
 * writing them is a guest error.  The fence's range is in the guest's GM
 * addresses (PVINFO's view): the helper gets it at the same offset of the
 * VM's partition (vgt-gm-remap.c), which differs after a migration.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "kernel-shim/hsw/hsw-regs.h"
#include "vgt-internal.h"
#include "vgt-cmd.h"
#include "trace.h"

/* Log this many fence errors of each device, then count them. */
#define VGT_FENCE_LOG_FIRST     16

static void G_GNUC_PRINTF(3, 4) vgt_fence_error(VgtState *s, uint32_t fence,
                                                const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list ap;

    s->stats.guest_errors++;
    if (++s->fence.errors > VGT_FENCE_LOG_FIRST) {
        return;
    }
    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    qemu_log_mask(LOG_GUEST_ERROR, "vgt: fence %u: %s%s\n", fence, msg,
                  s->fence.errors == VGT_FENCE_LOG_FIRST ?
                  " (further fence errors are only counted)" : "");
}

/*
 * A valid fence's value with its range [start, end) moved to the helper's
 * partition: start in LO bits 31:12, the last page in HI bits 31:12; the
 * pitch, tiling and valid bits stay.  False when the range is not inside
 * one of the VM's ranges.
 */
static bool vgt_fence_to_host(VgtState *s, uint64_t value, uint64_t start,
                              uint64_t end, uint64_t *host)
{
    uint32_t lo = value, hi = value >> 32;
    uint64_t hma;

    if (end <= start || !vgt_gm_to_host(s, start, end - start, &hma) ||
        !vgt_cmd_move_field(&lo, FENCE_ADDR_MASK, start, hma) ||
        !vgt_cmd_move_field(&hi, FENCE_ADDR_MASK, start, hma)) {
        return false;
    }
    *host = ((uint64_t)hi << 32) | lo;
    return true;
}

/* Send guest fence @fence's value to the helper. */
static void vgt_fence_commit(VgtState *s, uint32_t fence)
{
    uint32_t lo = vgt_vreg(s, FENCE_REG_GEN6_LO(fence));
    uint32_t hi = vgt_vreg(s, FENCE_REG_GEN6_HI(fence));
    uint64_t value = ((uint64_t)hi << 32) | lo;
    uint64_t start = lo & FENCE_ADDR_MASK;
    uint64_t end = (uint64_t)(hi & FENCE_ADDR_MASK) + VGT_PAGE_SIZE;
    uint64_t host;
    int ret;

    s->fence.hi_fresh &= ~(1u << fence);
    s->fence.lo_pending &= ~(1u << fence);
    if (lo & FENCE_VALID) {
        if (lo & FENCE_LO_RESERVED) {
            vgt_fence_error(s, fence, "value 0x%016" PRIx64 " sets reserved "
                            "bits 11:2; fence disabled", value);
            value = 0;
        } else if (!vgt_fence_to_host(s, value, start, end, &host)) {
            vgt_fence_error(s, fence, "range [0x%" PRIx64 ", 0x%" PRIx64
                            ") is not this VM's graphics memory; fence "
                            "disabled", start, end);
            value = 0;
        } else if (host != value) {
            trace_vgt_fence_remap(fence, value, host);
            value = host;
        }
    }
    if (value & FENCE_VALID) {
        s->fence.live |= 1u << fence;
    } else {
        s->fence.live &= ~(1u << fence);
    }
    if (!s->host.conn) {
        return;
    }
    ret = s->host.ops->fence_write(s->host.conn, fence, value);
    trace_vgt_fence_commit(fence, s->host.part.fence_base + fence, value, ret);
    if (ret < 0) {
        s->fence.live &= ~(1u << fence);
        vgt_fence_error(s, fence, "the helper refused 0x%016" PRIx64 ": %s",
                        value, vgt_strerror(ret));
    }
}

static uint32_t vgt_fence_read(VgtState *s, const VgtRegInfo *r,
                               uint32_t offset)
{
    uint32_t fence = (offset - FENCE_REG_GEN6_LO(0)) / 8;

    if (fence >= s->host.view.fence_num) {
        vgt_fence_error(s, fence, "read of a fence that is not this VM's "
                        "(it has %u): 0", s->host.view.fence_num);
        return 0;
    }
    return vgt_vreg(s, offset);
}

static void vgt_fence_write(VgtState *s, const VgtRegInfo *r,
                            uint32_t offset, uint32_t value)
{
    uint32_t fence = (offset - FENCE_REG_GEN6_LO(0)) / 8;
    uint32_t bit = 1u << fence;
    bool hi = offset & 4;

    trace_vgt_fence_write(fence, hi, value);
    if (fence >= s->host.view.fence_num) {
        vgt_fence_error(s, fence, "write 0x%08x to a fence that is not "
                        "this VM's (it has %u) dropped", value,
                        s->host.view.fence_num);
        return;
    }
    vgt_reg_store(s, r, offset, value);
    if (hi) {
        if (s->fence.lo_pending & bit || s->fence.live & bit) {
            vgt_fence_commit(s, fence);
        } else {
            s->fence.hi_fresh |= bit;
        }
    } else if (!(value & FENCE_VALID) || s->fence.hi_fresh & bit) {
        vgt_fence_commit(s, fence);
    } else {
        s->fence.lo_pending |= bit;
    }
}

void vgt_fence_init(VgtState *s)
{
    Object *obj = OBJECT(s);

    /* For tests and debugging: where this VM's fences are, which are on. */
    object_property_add_uint32_ptr(obj, "x-fence-base",
                                   &s->host.part.fence_base,
                                   OBJ_PROP_FLAG_READ);
    object_property_add_uint32_ptr(obj, "x-fence-live", &s->fence.live,
                                   OBJ_PROP_FLAG_READ);
    object_property_add_uint64_ptr(obj, "x-fence-errors", &s->fence.errors,
                                   OBJ_PROP_FLAG_READ);
}

void vgt_fence_reset(VgtState *s)
{
    /* The helper's reset clears the physical fences. */
    s->fence.hi_fresh = 0;
    s->fence.lo_pending = 0;
    s->fence.live = 0;
}

#define FENCE(i) \
    { "FENCE_" #i, FENCE_REG_GEN6_LO(i), 8, VGT_REG_MEDIATED, 0, 0, \
      vgt_fence_read, vgt_fence_write }

static const VgtRegInfo vgt_fence_regs[] = {
    FENCE(0), FENCE(1), FENCE(2), FENCE(3),
    FENCE(4), FENCE(5), FENCE(6), FENCE(7),
    FENCE(8), FENCE(9), FENCE(10), FENCE(11),
    FENCE(12), FENCE(13), FENCE(14), FENCE(15),
    FENCE(16), FENCE(17), FENCE(18), FENCE(19),
    FENCE(20), FENCE(21), FENCE(22), FENCE(23),
    FENCE(24), FENCE(25), FENCE(26), FENCE(27),
    FENCE(28), FENCE(29), FENCE(30), FENCE(31),
};
QEMU_BUILD_BUG_ON(ARRAY_SIZE(vgt_fence_regs) != VGT_FENCE_COUNT);

const VgtRegTable vgt_fence_reg_table = VGT_REG_TABLE(vgt_fence_regs);
