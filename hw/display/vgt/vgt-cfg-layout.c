/*
 * vgt: PCI configuration layout of a Haswell GPU (pure logic).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/host-utils.h"
#include "qemu/units.h"
#include "hw/vgt.h"
#include "vgt-cfg-layout.h"

bool vgt_cfg_check_aperture(uint64_t size, Error **errp)
{
    if (!is_power_of_2(size)) {
        error_setg(errp, "vgt: aperture_size %" PRIu64 " MiB is not a power "
                   "of two", size / MiB);
        return false;
    }
    if (size < VGT_APERTURE_MIN || size > VGT_APERTURE_SIZE) {
        error_setg(errp, "vgt: aperture_size must be between %llu and %llu "
                   "MiB (got %" PRIu64 " bytes)", VGT_APERTURE_MIN / MiB,
                   VGT_APERTURE_SIZE / MiB, size);
        return false;
    }
    return true;
}

bool vgt_cfg_check_monitor(uint32_t xres, uint32_t yres, Error **errp)
{
    if (xres < VGT_MONITOR_MIN_XRES || yres < VGT_MONITOR_MIN_YRES ||
        xres > VGT_MONITOR_MAX_RES || yres > VGT_MONITOR_MAX_RES) {
        error_setg(errp, "vgt: monitor resolution xres=%u yres=%u is out of "
                   "range (%ux%u .. %ux%u)", xres, yres,
                   VGT_MONITOR_MIN_XRES, VGT_MONITOR_MIN_YRES,
                   VGT_MONITOR_MAX_RES, VGT_MONITOR_MAX_RES);
        return false;
    }
    return true;
}

bool vgt_cfg_gmch_encode(uint64_t stolen_size, uint16_t *gmch, Error **errp)
{
    if (stolen_size % VGT_STOLEN_UNIT || stolen_size > VGT_STOLEN_MAX) {
        error_setg(errp, "vgt: stolen_size must be a multiple of 32 MiB up "
                   "to %llu MiB (got %" PRIu64 " bytes)",
                   VGT_STOLEN_MAX / MiB, stolen_size);
        return false;
    }
    /*
     * GGMS: always the full 2 MiB GTT (512 Ki entries, 2 GiB of GM).
     * IVD stays clear: the device keeps its VGA class code 0x030000.
     */
    *gmch = (VGT_GMCH_GGMS_2M << VGT_GMCH_GGMS_SHIFT) |
            ((stolen_size / VGT_STOLEN_UNIT) << VGT_GMCH_GMS_SHIFT);
    return true;
}

uint64_t vgt_cfg_gmch_stolen_size(uint16_t gmch)
{
    return ((gmch >> VGT_GMCH_GMS_SHIFT) & VGT_GMCH_GMS_MASK) *
           VGT_STOLEN_UNIT;
}

uint64_t vgt_cfg_gmch_gtt_size(uint16_t gmch)
{
    uint16_t ggms = (gmch >> VGT_GMCH_GGMS_SHIFT) & VGT_GMCH_GGMS_MASK;

    return ggms ? (uint64_t)ggms * MiB : 0;
}
