/*
 * vgt: PVINFO, the page through which the guest driver learns it runs on
 * a vGPU (struct vgt_if of Linux's i915_pvinfo.h; its layout is
 * kernel-shim/hsw/hsw-pvinfo.h's).
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
#include "kernel-shim/hsw/hsw-pvinfo.h"
#include "vgt-internal.h"
#include "trace.h"

/*
 * Capabilities (VGT_CAPS_*): i915 refuses a vGPU on Haswell without
 * FULL_PPGTT ("support for isolated ppGTT required"); its PPGTT is
 * shadowed like the GGTT.  No HWSP emulation, no huge GTT (gen8+).
 */
#define VGT_PVINFO_CAPS         VGT_CAPS_FULL_PPGTT

#define PV(off)     (VGT_PVINFO_PAGE + (off))

/*
 * The partition fields are read-only constants of this VM, set from what
 * the helper gave it after every register reset.
 */
void vgt_pvinfo_reset(VgtState *s)
{
    /* a reset is a new boot: the guest learns where the helper put it */
    s->host.view = s->host.part;
    vgt_vreg(s, PV(VGTIF_VGT_ID)) = s->host.view.vgt_id;
    vgt_vreg(s, PV(VGTIF_MAPPABLE_BASE)) = s->host.view.mappable_base;
    vgt_vreg(s, PV(VGTIF_MAPPABLE_SIZE)) = s->host.view.mappable_size;
    vgt_vreg(s, PV(VGTIF_NONMAPPABLE_BASE)) = s->host.view.nonmappable_base;
    vgt_vreg(s, PV(VGTIF_NONMAPPABLE_SIZE)) = s->host.view.nonmappable_size;
    vgt_vreg(s, PV(VGTIF_FENCE_NUM)) = s->host.view.fence_num;
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
    if (value >= VGT_G2V_PPGTT_L3_PAGE_TABLE_CREATE &&
        value <= VGT_G2V_EXECLIST_CONTEXT_DESTROY) {
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
    { "PVINFO_MAGIC_LO", PV(VGTIF_MAGIC), 4, VGT_REG_RO,
      (uint32_t)VGT_MAGIC, ~0u },
    { "PVINFO_MAGIC_HI", PV(VGTIF_MAGIC + 4), 4, VGT_REG_RO,
      (uint32_t)(VGT_MAGIC >> 32), ~0u },
    /* version_major and version_minor, two u16 in one dword */
    { "PVINFO_VERSION", PV(VGTIF_VERSION_MAJOR), 4, VGT_REG_RO,
      VGT_VERSION_MAJOR | (VGT_VERSION_MINOR << 16), ~0u },
    { "PVINFO_VGT_ID", PV(VGTIF_VGT_ID), 4, VGT_REG_RO, 0, ~0u },
    { "PVINFO_CAPS", PV(VGTIF_VGT_CAPS), 4, VGT_REG_RO, VGT_PVINFO_CAPS,
      ~0u },
    /* avail_rs: this VM's graphics memory and fences, in host addresses */
    { "PVINFO_MAPPABLE_BASE", PV(VGTIF_MAPPABLE_BASE), 4, VGT_REG_RO, 0,
      ~0u },
    { "PVINFO_MAPPABLE_SIZE", PV(VGTIF_MAPPABLE_SIZE), 4, VGT_REG_RO, 0,
      ~0u },
    { "PVINFO_NONMAPPABLE_BASE", PV(VGTIF_NONMAPPABLE_BASE), 4, VGT_REG_RO,
      0, ~0u },
    { "PVINFO_NONMAPPABLE_SIZE", PV(VGTIF_NONMAPPABLE_SIZE), 4, VGT_REG_RO,
      0, ~0u },
    { "PVINFO_FENCE_NUM", PV(VGTIF_FENCE_NUM), 4, VGT_REG_RO, 0, ~0u },
    /* guest to vGPU */
    { "PVINFO_DISPLAY_READY", PV(VGTIF_DISPLAY_READY), 4, VGT_REG_MEDIATED,
      0, 0, NULL, vgt_pvinfo_display_ready },
    { "PVINFO_G2V_NOTIFY", PV(VGTIF_G2V_NOTIFY), 4, VGT_REG_MEDIATED, 0, 0,
      NULL, vgt_pvinfo_g2v_notify },
    { "PVINFO_CURSOR_X_HOT", PV(VGTIF_CURSOR_X_HOT), 4, VGT_REG_VIRT, 0, 0 },
    { "PVINFO_CURSOR_Y_HOT", PV(VGTIF_CURSOR_Y_HOT), 4, VGT_REG_VIRT, 0, 0 },
    /* PPGTT root pointers (pdp[4]) and execlist context descriptor */
    { "PVINFO_PDP", PV(VGTIF_PDP(0)), VGTIF_PDP_COUNT * 8, VGT_REG_VIRT,
      0, 0 },
    { "PVINFO_EXECLIST_CTX_DESC", PV(VGTIF_EXECLIST_CTX_DESC_LO), 8,
      VGT_REG_VIRT, 0, 0 },
};

const VgtRegTable vgt_pvinfo_reg_table = VGT_REG_TABLE(vgt_pvinfo_regs);
