/*
 * Unit tests: the OpRegion and VBT bytes, checked the way the guest's
 * i915 parses them (intel_opregion.c, intel_bios.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "vgt-opregion-layout.h"

/* Walk the BDB like intel_bios.c find_raw_section(); NULL if absent. */
static const uint8_t *find_block(const uint8_t *vbt, uint8_t id,
                                 uint16_t *size)
{
    const uint8_t *bdb = vbt + ldl_le_p(vbt + VGT_VBT_OFF_BDB_OFFSET);
    uint16_t bdb_size = lduw_le_p(bdb + VGT_BDB_OFF_BDB_SIZE);
    uint16_t index = lduw_le_p(bdb + VGT_BDB_OFF_HEADER_SIZE);

    while (index + 3 < bdb_size) {
        uint8_t this_id = bdb[index];
        uint16_t this_size = lduw_le_p(bdb + index + 1);

        index += 3;
        g_assert_cmpuint(index + this_size, <=, bdb_size);
        if (this_id == id) {
            *size = this_size;
            return bdb + index;
        }
        index += this_size;
    }
    return NULL;
}

static void check_vbt(const uint8_t *vbt, size_t len, VgtDdiPort port)
{
    static const uint8_t dvo_port[] = { 0, 7, 8, 9 };
    static const uint8_t aux[] = { 0, 0x10, 0x20, 0x30 };
    const uint8_t *bdb, *defs, *child;
    uint16_t size, vbt_size;
    uint8_t sum = 0;
    size_t i;

    /* intel_bios_is_valid_vbt(): signature, sizes, BDB inside the VBT */
    g_assert_cmpmem(vbt, 4, "$VBT", 4);
    vbt_size = lduw_le_p(vbt + VGT_VBT_OFF_VBT_SIZE);
    g_assert_cmpuint(vbt_size, ==, len);
    g_assert_cmpuint(lduw_le_p(vbt + VGT_VBT_OFF_HEADER_SIZE), ==, 0x30);
    g_assert_cmpuint(ldl_le_p(vbt + VGT_VBT_OFF_BDB_OFFSET) +
                     VGT_BDB_HEADER_SIZE, <=, vbt_size);
    bdb = vbt + ldl_le_p(vbt + VGT_VBT_OFF_BDB_OFFSET);
    g_assert_cmpmem(bdb, 16, "BIOS_DATA_BLOCK ", 16);
    g_assert_cmpuint(lduw_le_p(bdb + VGT_BDB_OFF_VERSION), ==, 155);
    g_assert_cmpuint(ldl_le_p(vbt + VGT_VBT_OFF_BDB_OFFSET) +
                     lduw_le_p(bdb + VGT_BDB_OFF_BDB_SIZE), <=, vbt_size);
    for (i = 0; i < len; i++) {
        sum += vbt[i];
    }
    g_assert_cmpuint(sum, ==, 0);

    /* general features: internal CRT/LVDS support off */
    g_assert_nonnull(find_block(vbt, 1, &size));

    /* general definitions: exactly one DP child on the requested port */
    defs = find_block(vbt, 2, &size);
    g_assert_nonnull(defs);
    g_assert_cmpuint(defs[4], ==, 33);                /* child_dev_size */
    g_assert_cmpuint((size - 5) / defs[4], ==, 1);
    g_assert_cmpuint((size - 5) % defs[4], ==, 0);
    child = defs + 5;
    g_assert_cmphex(lduw_le_p(child + 2), ==, 0x68c6);  /* DEVICE_TYPE_DP */
    g_assert_cmphex(lduw_le_p(child + 2) & (1 << 4), ==, 0); /* no HDMI */
    g_assert_cmphex(lduw_le_p(child + 2) & (1 << 12), ==, 0); /* not eDP */
    g_assert_cmpuint(child[16], ==, dvo_port[port]);
    g_assert_cmphex(child[25], ==, aux[port]);
}

static void test_vbt_ports(void)
{
    uint8_t buf[VGT_OPREGION_VBT_MAX];
    VgtDdiPort port;

    for (port = VGT_DDI_PORT_B; port <= VGT_DDI_PORT_D; port++) {
        size_t len = vgt_vbt_build(buf, sizeof(buf), port);

        g_assert_cmpuint(len, >, 0);
        check_vbt(buf, len, port);
    }
}

static void test_vbt_rejects(void)
{
    uint8_t buf[VGT_OPREGION_VBT_MAX];
    size_t len = vgt_vbt_build(buf, sizeof(buf), VGT_DDI_PORT_B);

    /* too small a buffer, port A (eDP only) and out-of-range ports */
    g_assert_cmpuint(vgt_vbt_build(buf, len - 1, VGT_DDI_PORT_B), ==, 0);
    g_assert_cmpuint(vgt_vbt_build(buf, sizeof(buf), 0), ==, 0);
    g_assert_cmpuint(vgt_vbt_build(buf, sizeof(buf), 4), ==, 0);
    g_assert_cmpuint(vgt_vbt_build(buf, sizeof(buf), (VgtDdiPort)-1), ==, 0);
}

static void test_opregion_header(void)
{
    g_autofree uint8_t *op = g_malloc(VGT_OPREGION_SIZE);
    uint32_t mboxes;

    g_assert_true(vgt_opregion_build(op, VGT_DDI_PORT_C));
    g_assert_cmpmem(op, 16, "IntelGraphicsMem", 16);
    g_assert_cmpuint(ldl_le_p(op + 0x10), ==, 8);        /* KiB */
    g_assert_cmpuint(op[0x17], ==, 2);                   /* major */
    g_assert_cmpuint(op[0x16], ==, 0);                   /* minor */
    mboxes = ldl_le_p(op + 0x58);
    g_assert_cmphex(mboxes & 1, ==, 1);                  /* ACPI */
    g_assert_cmphex(mboxes & (1 << 1), ==, 0);           /* no SWSCI */
    g_assert_cmphex(mboxes & (1 << 2), ==, 0);           /* no ASLE */
    g_assert_cmphex(ldl_le_p(op + 0x60), ==, 0);         /* pcon: not headless */
    /* mailbox 4: the VBT the driver validates against 0x1c00 bytes */
    check_vbt(op + 0x400, lduw_le_p(op + 0x400 + VGT_VBT_OFF_VBT_SIZE),
              VGT_DDI_PORT_C);
    g_assert_cmpuint(lduw_le_p(op + 0x400 + VGT_VBT_OFF_VBT_SIZE), <=,
                     0x1c00);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/vgt/opregion/vbt-ports", test_vbt_ports);
    g_test_add_func("/vgt/opregion/vbt-rejects", test_vbt_rejects);
    g_test_add_func("/vgt/opregion/header", test_opregion_header);
    return g_test_run();
}
