/*
 * vgt: the IGD OpRegion and its Video BIOS Table (pure logic: builds the
 * bytes the guest driver parses; no device state).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_DISPLAY_VGT_OPREGION_LAYOUT_H
#define HW_DISPLAY_VGT_OPREGION_LAYOUT_H

#define VGT_OPREGION_SIZE           0x2000   /* 8 KiB */
#define VGT_OPREGION_SIGNATURE      "IntelGraphicsMem"
#define VGT_OPREGION_OFF_SIZE       0x10     /* u32, size in KiB */
#define VGT_OPREGION_OFF_VERSION    0x14     /* rsvd, revision, minor, major */
#define VGT_OPREGION_OFF_MBOXES     0x58     /* u32, mailboxes present */
#define VGT_OPREGION_MBOX_ACPI      (1u << 0)
#define VGT_OPREGION_MBOX_VBT       (1u << 3)
#define VGT_OPREGION_OFF_VBT        0x400    /* mailbox 4 */
#define VGT_OPREGION_VBT_MAX        (VGT_OPREGION_SIZE - VGT_OPREGION_OFF_VBT)

/* VBT header and BIOS data block (BDB) layout, little endian. */
#define VGT_VBT_SIGNATURE           "$VBT HASWELL"
#define VGT_VBT_HEADER_SIZE         0x30
#define VGT_VBT_OFF_VERSION         0x14
#define VGT_VBT_OFF_HEADER_SIZE     0x16
#define VGT_VBT_OFF_VBT_SIZE        0x18
#define VGT_VBT_OFF_CHECKSUM        0x1a
#define VGT_VBT_OFF_BDB_OFFSET      0x1c
#define VGT_BDB_SIGNATURE           "BIOS_DATA_BLOCK "
#define VGT_BDB_HEADER_SIZE         22
#define VGT_BDB_VERSION             155      /* first DDI-era layout */
#define VGT_BDB_OFF_VERSION         0x10
#define VGT_BDB_OFF_HEADER_SIZE     0x12
#define VGT_BDB_OFF_BDB_SIZE        0x14
#define VGT_BDB_BLOCK_GENERAL_FEATURES 1
#define VGT_BDB_BLOCK_GENERAL_DEFS  2
#define VGT_VBT_CHILD_SIZE          33       /* legacy child device size */
#define VGT_VBT_CHILD_OFF_HANDLE    0
#define VGT_VBT_CHILD_OFF_TYPE      2
#define VGT_VBT_CHILD_OFF_DVO_PORT  16
#define VGT_VBT_CHILD_OFF_AUX       25
#define VGT_VBT_DEVICE_TYPE_DP      0x68c6   /* DisplayPort, not HDMI */

/* DDI ports a virtual DisplayPort monitor can sit on. */
typedef enum VgtDdiPort {
    VGT_DDI_PORT_B = 1,
    VGT_DDI_PORT_C = 2,
    VGT_DDI_PORT_D = 3,
} VgtDdiPort;

/*
 * Build a VBT describing exactly one external DisplayPort output on @port
 * into @buf (@len bytes).  Returns the VBT size, or 0 if @len is too small
 * or @port is not a DDI port with a DP AUX channel.
 */
size_t vgt_vbt_build(uint8_t *buf, size_t len, VgtDdiPort port);

/*
 * Fill @buf (VGT_OPREGION_SIZE bytes) with an OpRegion version 2.0: header,
 * an empty ACPI mailbox and the VBT of vgt_vbt_build() in mailbox 4.
 */
bool vgt_opregion_build(uint8_t *buf, VgtDdiPort port);

#endif
