/*
 * vgt: mediated pass-through virtual Haswell GPU -- the device's public
 * face: its QOM name, PCI identity, BAR layout and property defaults.
 *
 * The device reaches the host helper through hw/vgt-host-ops.h; what
 * crosses to the helper is in hw/vgt-helper-abi.h.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_VGT_H
#define HW_VGT_H

#define TYPE_VGT                "vgt"

/* PCI identity of the emulated GPU: Haswell GT2 desktop, HD Graphics 4600. */
#define VGT_PCI_VENDOR_ID       0x8086
#define VGT_PCI_DEVICE_ID       0x0412
#define VGT_PCI_REVISION        0x06
#define VGT_PCI_CLASS_CODE      0x030000
/* Where Intel's integrated GPU lives, and i915 and firmware look: 00:02.0 */
#define VGT_PCI_SLOT            2

/* BAR0: 2 MiB of registers followed by the 2 MiB global GTT. */
#define VGT_MMIO_SIZE           (2u * 1024 * 1024)
#define VGT_GTT_SIZE            (2u * 1024 * 1024)
#define VGT_BAR0_SIZE           (VGT_MMIO_SIZE + VGT_GTT_SIZE)
#define VGT_GTT_ENTRIES         (VGT_GTT_SIZE / 4)

/* Haswell graphics memory (GM): 2 GiB reached through the GGTT. */
#define VGT_GM_SIZE             (2ull * 1024 * 1024 * 1024)
#define VGT_APERTURE_SIZE       (512ull * 1024 * 1024) /* mappable GM */
#define VGT_FENCE_COUNT         32

/* XenGT's per-VM defaults: the partition properties' defaults. */
#define VGT_DEFAULT_MAPPABLE_SIZE    (64ull * 1024 * 1024)
#define VGT_DEFAULT_NONMAPPABLE_SIZE (448ull * 1024 * 1024)
#define VGT_DEFAULT_FENCE_NUM        4

/*
 * x-submit-depth: workloads per engine the device keeps with the helper
 * at once (hw/display/vgt/vgt-inflight.h), its default and its limit.
 */
#define VGT_SUBMIT_DEPTH_DEFAULT     4
#define VGT_SUBMIT_DEPTH_MAX         8

#endif /* HW_VGT_H */
