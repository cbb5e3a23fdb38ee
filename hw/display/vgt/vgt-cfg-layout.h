/*
 * vgt: PCI configuration layout of a Haswell GPU (pure logic, no device
 * state), shared by the device and its unit tests.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_DISPLAY_VGT_CFG_LAYOUT_H
#define HW_DISPLAY_VGT_CFG_LAYOUT_H

#include "qapi/error.h"

/* Device-specific config registers the guest and its firmware use. */
#define VGT_CFG_GMCH            0x50    /* u16, graphics control, RO */
#define VGT_CFG_BDSM            0x5c    /* u32, base of data stolen memory */
#define VGT_CFG_MSI             0x90    /* MSI capability, as on Haswell */
#define VGT_CFG_MSI_SIZE        10      /* 32-bit address, no masking */
#define VGT_CFG_ASLS            0xfc    /* u32, OpRegion address (ASL storage) */
/*
 * ASLS holds the OpRegion's page address: firmware (SeaBIOS, hvmloader)
 * writes a page-aligned one; bits 11:0 read as zero, so that the 8 KiB
 * OpRegion never starts inside a page.
 */
#define VGT_ASLS_MASK           0xfffff000u

/* GMCH_CTRL, gen6/gen7 layout. */
#define VGT_GMCH_IVD            (1u << 1)  /* IGD VGA disable */
#define VGT_GMCH_GMS_SHIFT      3          /* stolen size, 32 MiB units */
#define VGT_GMCH_GMS_MASK       0x1fu
#define VGT_GMCH_GGMS_SHIFT     8          /* GTT size: 0 none, 1 1M, 2 2M */
#define VGT_GMCH_GGMS_MASK      0x3u
#define VGT_GMCH_GGMS_2M        2u

#define VGT_BDSM_MASK           0xfff00000u  /* 1 MiB aligned */
#define VGT_STOLEN_UNIT         (32ull << 20)
#define VGT_STOLEN_MAX          (512ull << 20)

#define VGT_APERTURE_MIN        (64ull << 20)  /* i915: 64..512 MiB */

/*
 * Check an aperture (BAR2) size: a power of two the guest driver accepts
 * (64..512 MiB) that does not exceed the GPU's own aperture.
 */
bool vgt_cfg_check_aperture(uint64_t size, Error **errp);

/* Virtual monitor resolution limits (as libxl checks them). */
#define VGT_MONITOR_MIN_XRES    640
#define VGT_MONITOR_MIN_YRES    480
#define VGT_MONITOR_MAX_RES     8192

/* Check the virtual monitor's resolution. */
bool vgt_cfg_check_monitor(uint32_t xres, uint32_t yres, Error **errp);

/* Encode GMCH_CTRL for a stolen size (0 or a multiple of 32 MiB). */
bool vgt_cfg_gmch_encode(uint64_t stolen_size, uint16_t *gmch, Error **errp);

/* Decode the fields the guest reads back out of GMCH_CTRL. */
uint64_t vgt_cfg_gmch_stolen_size(uint16_t gmch);
uint64_t vgt_cfg_gmch_gtt_size(uint16_t gmch);

#endif
