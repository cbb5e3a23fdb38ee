/*
 * vgt: PVINFO, the page through which the guest driver learns it runs on
 * a vGPU (struct vgt_if of Linux's i915_pvinfo.h, at 0x78000).
 *
 * The guest reads the magic and version to enter vGPU mode, the
 * capabilities, and the ranges of graphics memory and the fences that are
 * its own (given by the host helper); it balloons everything else.  It
 * writes display_ready and g2v notifications.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "vgt-internal.h"
#include "trace.h"

#define VGT_PVINFO_MAGIC        0x4776544776544776ull   /* "vGTvGTvG" */

/*
 * Capabilities (VGT_CAPS_*): i915 refuses a vGPU on Haswell without
 * FULL_PPGTT ("support for isolated ppGTT required"); its PPGTT is
 * shadowed like the GGTT.  No HWSP emulation, no huge GTT (gen8+).
 */
#define VGT_CAPS_FULL_PPGTT     (1u << 2)
#define VGT_PVINFO_CAPS         VGT_CAPS_FULL_PPGTT

#define PV(off)     (VGT_PVINFO_BASE + (off))

/* g2v_notify values (enum vgt_g2v_type) */
#define VGT_G2V_PPGTT_L3_CREATE         2
#define VGT_G2V_EXECLIST_CTX_DESTROY    7

/*
 * The partition fields are read-only constants of this VM, set from what
 * the helper gave it after every register reset.
 */
void vgt_pvinfo_reset(VgtState *s)
{
    vgt_vreg(s, PV(0x00c)) = s->host.part.vgt_id;
    vgt_vreg(s, PV(0x040)) = s->host.part.mappable_base;
    vgt_vreg(s, PV(0x044)) = s->host.part.mappable_size;
    vgt_vreg(s, PV(0x048)) = s->host.part.nonmappable_base;
    vgt_vreg(s, PV(0x04c)) = s->host.part.nonmappable_size;
    vgt_vreg(s, PV(0x050)) = s->host.part.fence_num;
}

static void vgt_pvinfo_display_ready(VgtState *s, const VgtRegInfo *r,
                                     uint32_t offset, uint32_t value)
{
    /* 0 not ready, 1 ready (the driver's display is up), 2 legacy VGA */
    trace_vgt_pvinfo_display_ready(value);
    if (value > 2) {
        qemu_log_mask(LOG_GUEST_ERROR, "vgt: PVINFO display_ready %u is "
                      "not 0, 1 or 2\n", value);
    }
    vgt_reg_store(s, r, offset, value);
}

static void vgt_pvinfo_g2v_notify(VgtState *s, const VgtRegInfo *r,
                                  uint32_t offset, uint32_t value)
{
    trace_vgt_pvinfo_g2v_notify(value);
    vgt_reg_store(s, r, offset, value);
    if (value >= VGT_G2V_PPGTT_L3_CREATE &&
        value <= VGT_G2V_EXECLIST_CTX_DESTROY) {
        /*
         * PPGTT and execlist notifications come from gen8+ guests; on
         * Haswell the driver uses an aliasing PPGTT the device walks.
         */
        qemu_log_mask(LOG_UNIMP, "vgt: PVINFO g2v notification %u (gen8+ "
                      "PPGTT/execlist) not supported on Haswell\n", value);
    } else {
        qemu_log_mask(LOG_GUEST_ERROR, "vgt: PVINFO g2v notification %u "
                      "unknown\n", value);
    }
}

static const VgtRegInfo vgt_pvinfo_regs[] = {
    { "PVINFO_MAGIC_LO", PV(0x000), 4, VGT_REG_RO,
      (uint32_t)VGT_PVINFO_MAGIC, ~0u },
    { "PVINFO_MAGIC_HI", PV(0x004), 4, VGT_REG_RO,
      (uint32_t)(VGT_PVINFO_MAGIC >> 32), ~0u },
    /* version_major (u16) = 1, version_minor (u16) = 0 */
    { "PVINFO_VERSION", PV(0x008), 4, VGT_REG_RO, 1, ~0u },
    { "PVINFO_VGT_ID", PV(0x00c), 4, VGT_REG_RO, 0, ~0u },
    { "PVINFO_CAPS", PV(0x010), 4, VGT_REG_RO, VGT_PVINFO_CAPS, ~0u },
    /* avail_rs: this VM's graphics memory and fences, in host addresses */
    { "PVINFO_MAPPABLE_BASE", PV(0x040), 4, VGT_REG_RO, 0, ~0u },
    { "PVINFO_MAPPABLE_SIZE", PV(0x044), 4, VGT_REG_RO, 0, ~0u },
    { "PVINFO_NONMAPPABLE_BASE", PV(0x048), 4, VGT_REG_RO, 0, ~0u },
    { "PVINFO_NONMAPPABLE_SIZE", PV(0x04c), 4, VGT_REG_RO, 0, ~0u },
    { "PVINFO_FENCE_NUM", PV(0x050), 4, VGT_REG_RO, 0, ~0u },
    /* guest to vGPU */
    { "PVINFO_DISPLAY_READY", PV(0x804), 4, VGT_REG_MEDIATED, 0, 0,
      NULL, vgt_pvinfo_display_ready },
    { "PVINFO_G2V_NOTIFY", PV(0x818), 4, VGT_REG_MEDIATED, 0, 0,
      NULL, vgt_pvinfo_g2v_notify },
    { "PVINFO_CURSOR_X_HOT", PV(0x830), 4, VGT_REG_VIRT, 0, 0 },
    { "PVINFO_CURSOR_Y_HOT", PV(0x834), 4, VGT_REG_VIRT, 0, 0 },
    /* PPGTT root pointers (pdp[4]) and execlist context descriptor */
    { "PVINFO_PDP", PV(0x838), 0x20, VGT_REG_VIRT, 0, 0 },
    { "PVINFO_EXECLIST_CTX_DESC", PV(0x858), 8, VGT_REG_VIRT, 0, 0 },
};

const VgtRegTable vgt_pvinfo_reg_table = VGT_REG_TABLE(vgt_pvinfo_regs);
