/*
 * vgt: the IGD OpRegion and its Video BIOS Table (pure logic).
 *
 * The layout is what Linux i915 (intel_opregion.c, intel_bios.c,
 * intel_vbt_defs.h) parses: an OpRegion header, the ACPI mailbox it
 * writes to, and a VBT in mailbox 4 whose only child device is a
 * DisplayPort connector on one DDI port, so the driver creates exactly one
 * DP connector and no phantom HDMI/eDP outputs.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "vgt-opregion-layout.h"

/* BDB block 1 payload size we emit; the driver zero-pads short blocks. */
#define VGT_BDB_GENERAL_FEATURES_SIZE 7
/* BDB block 2 header: crt ddc pin, dpms, boot display[2], child size. */
#define VGT_BDB_GENERAL_DEFS_HDR_SIZE 5

static size_t vgt_bdb_put_block_header(uint8_t *p, uint8_t id, uint16_t size)
{
    p[0] = id;
    stw_le_p(p + 1, size);
    return 3;
}

size_t vgt_vbt_build(uint8_t *buf, size_t len, VgtDdiPort port)
{
    /* dvo_port (DVO_PORT_DPB..DPD) and aux_channel (DP_AUX_B..D) codes */
    static const uint8_t dvo_port[] = { 0, 7, 8, 9 };
    static const uint8_t aux_channel[] = { 0, 0x10, 0x20, 0x30 };
    const size_t defs_size = VGT_BDB_GENERAL_DEFS_HDR_SIZE +
                             VGT_VBT_CHILD_SIZE;
    const size_t bdb_size = VGT_BDB_HEADER_SIZE +
                            3 + VGT_BDB_GENERAL_FEATURES_SIZE +
                            3 + defs_size;
    const size_t vbt_size = VGT_VBT_HEADER_SIZE + bdb_size;
    uint8_t *bdb, *p, *child;
    uint8_t sum = 0;
    size_t i;

    if (port < VGT_DDI_PORT_B || port > VGT_DDI_PORT_D || len < vbt_size) {
        return 0;
    }
    memset(buf, 0, vbt_size);

    /* VBT header */
    memcpy(buf, VGT_VBT_SIGNATURE, strlen(VGT_VBT_SIGNATURE));
    stw_le_p(buf + VGT_VBT_OFF_VERSION, 100);
    stw_le_p(buf + VGT_VBT_OFF_HEADER_SIZE, VGT_VBT_HEADER_SIZE);
    stw_le_p(buf + VGT_VBT_OFF_VBT_SIZE, vbt_size);
    stl_le_p(buf + VGT_VBT_OFF_BDB_OFFSET, VGT_VBT_HEADER_SIZE);

    /* BDB header */
    bdb = buf + VGT_VBT_HEADER_SIZE;
    memcpy(bdb, VGT_BDB_SIGNATURE, strlen(VGT_BDB_SIGNATURE));
    stw_le_p(bdb + VGT_BDB_OFF_VERSION, VGT_BDB_VERSION);
    stw_le_p(bdb + VGT_BDB_OFF_HEADER_SIZE, VGT_BDB_HEADER_SIZE);
    stw_le_p(bdb + VGT_BDB_OFF_BDB_SIZE, bdb_size);
    p = bdb + VGT_BDB_HEADER_SIZE;

    /* Block 1, general features: all zero, so no internal CRT/LVDS. */
    p += vgt_bdb_put_block_header(p, VGT_BDB_BLOCK_GENERAL_FEATURES,
                                  VGT_BDB_GENERAL_FEATURES_SIZE);
    p += VGT_BDB_GENERAL_FEATURES_SIZE;

    /* Block 2, general definitions: one child device. */
    p += vgt_bdb_put_block_header(p, VGT_BDB_BLOCK_GENERAL_DEFS, defs_size);
    p[4] = VGT_VBT_CHILD_SIZE;
    child = p + VGT_BDB_GENERAL_DEFS_HDR_SIZE;
    stw_le_p(child + VGT_VBT_CHILD_OFF_HANDLE, 0x0004);
    stw_le_p(child + VGT_VBT_CHILD_OFF_TYPE, VGT_VBT_DEVICE_TYPE_DP);
    child[VGT_VBT_CHILD_OFF_DVO_PORT] = dvo_port[port];
    child[VGT_VBT_CHILD_OFF_AUX] = aux_channel[port];

    /* The driver ignores the checksum; real firmware makes the sum 0. */
    for (i = 0; i < vbt_size; i++) {
        sum += buf[i];
    }
    buf[VGT_VBT_OFF_CHECKSUM] = -sum;
    return vbt_size;
}

bool vgt_opregion_build(uint8_t *buf, VgtDdiPort port)
{
    memset(buf, 0, VGT_OPREGION_SIZE);
    memcpy(buf, VGT_OPREGION_SIGNATURE, strlen(VGT_OPREGION_SIGNATURE));
    stl_le_p(buf + VGT_OPREGION_OFF_SIZE, VGT_OPREGION_SIZE / 1024);
    buf[VGT_OPREGION_OFF_VERSION + 2] = 0;  /* minor */
    buf[VGT_OPREGION_OFF_VERSION + 3] = 2;  /* major */
    /*
     * ACPI mailbox only: no SWSCI (its SMI calls would time out in the
     * guest) and no ASLE (no backlight or panel to drive).
     */
    stl_le_p(buf + VGT_OPREGION_OFF_MBOXES,
             VGT_OPREGION_MBOX_ACPI | VGT_OPREGION_MBOX_VBT);
    return vgt_vbt_build(buf + VGT_OPREGION_OFF_VBT, VGT_OPREGION_VBT_MAX,
                         port) != 0;
}
