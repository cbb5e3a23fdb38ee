/*
 * Unit tests of vgt_reg_tables_check(): the consistency check the device
 * runs on its register tables before it realizes, fed crafted tables.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "vgt-regs.h"

#define SPACE   0x200000u   /* 2 MiB of registers */

static uint32_t dummy_read(VgtState *s, const VgtRegInfo *r, uint32_t off)
{
    return 0;
}

static void dummy_write(VgtState *s, const VgtRegInfo *r, uint32_t off,
                        uint32_t value)
{
}

/* Check one table; on failure @why must mention @needle. */
static void check(const VgtRegInfo *rows, size_t n, bool ok,
                  const char *needle)
{
    VgtRegTable table = { rows, n };
    const VgtRegTable *tables[] = { &table };
    g_autofree char *why = NULL;

    g_assert_cmpint(vgt_reg_tables_check(tables, 1, SPACE, &why), ==, ok);
    if (ok) {
        g_assert_null(why);
    } else {
        g_assert_nonnull(why);
        g_test_message("rejected: %s", why);
        g_assert_nonnull(strstr(why, needle));
    }
}

static void test_good(void)
{
    static const VgtRegInfo rows[] = {
        { "VIRT", 0x1000, 4, VGT_REG_VIRT, 0x12345678, 0xff },
        { "SHADOW", 0x1004, 4, VGT_REG_SHADOW, 0, 0 },
        { "MEDIATED_R", 0x1008, 4, VGT_REG_MEDIATED, 0, 0, dummy_read },
        { "MEDIATED_W", 0x100c, 4, VGT_REG_MEDIATED, 0, 0, NULL,
          dummy_write },
        { "RO", 0x1010, 4, VGT_REG_RO, 7, ~0u, dummy_read },
        { "W1C", 0x1014, 4, VGT_REG_W1C, 0, 0x80000000 },
        { "MASKED", 0x1018, 4, VGT_REG_MASKED, 0x0200, 0x0200, dummy_read,
          dummy_write },
        { "DENIED", 0x101c, 4, VGT_REG_DENIED, 0, ~0u },
        /* a range, and the very end of the space */
        { "RANGE", 0x2000, 0x1000, VGT_REG_VIRT, 0, 0 },
        { "LAST", SPACE - 4, 4, VGT_REG_VIRT, 0, 0 },
    };

    check(rows, ARRAY_SIZE(rows), true, NULL);
    /* an empty table is fine too */
    check(rows, 0, true, NULL);
}

/* Rows from different tables overlap: caught across tables. */
static void test_overlap(void)
{
    static const VgtRegInfo a[] = {
        { "A_RANGE", 0x2000, 0x100, VGT_REG_VIRT, 0, 0 },
    };
    static const VgtRegInfo b[] = {
        { "B_REG", 0x20fc, 4, VGT_REG_VIRT, 0, 0 },
    };
    static const VgtRegInfo adjacent[] = {
        { "B_NEXT", 0x2100, 4, VGT_REG_VIRT, 0, 0 },
    };
    static const VgtRegInfo same[] = {
        { "ONE", 0x3000, 4, VGT_REG_VIRT, 0, 0 },
        { "TWO", 0x3000, 4, VGT_REG_RO, 0, ~0u },
    };
    VgtRegTable ta = { a, 1 }, tb = { b, 1 }, tc = { adjacent, 1 };
    const VgtRegTable *bad[] = { &tb, &ta };
    const VgtRegTable *good[] = { &ta, &tc };
    g_autofree char *why = NULL;
    g_autofree char *why2 = NULL;

    g_assert_false(vgt_reg_tables_check(bad, 2, SPACE, &why));
    g_assert_nonnull(strstr(why, "overlaps"));
    g_assert_nonnull(strstr(why, "A_RANGE"));
    g_assert_nonnull(strstr(why, "B_REG"));
    g_assert_true(vgt_reg_tables_check(good, 2, SPACE, &why2));
    check(same, ARRAY_SIZE(same), false, "overlaps");
}

static void test_bad_size(void)
{
    static const VgtRegInfo zero[] = {
        { "ZERO", 0x1000, 0, VGT_REG_VIRT, 0, 0 },
    };
    static const VgtRegInfo odd[] = {
        { "ODD", 0x1000, 6, VGT_REG_VIRT, 0, 0 },
    };
    static const VgtRegInfo beyond[] = {
        { "BEYOND", SPACE - 4, 8, VGT_REG_VIRT, 0, 0 },
    };
    static const VgtRegInfo wrap[] = {
        { "WRAP", 0xfffffffc, 8, VGT_REG_VIRT, 0, 0 },
    };

    check(zero, 1, false, "ZERO");
    check(odd, 1, false, "ODD");
    check(beyond, 1, false, "beyond");
    check(wrap, 1, false, "WRAP");
}

static void test_bad_alignment(void)
{
    static const VgtRegInfo unaligned[] = {
        { "UNALIGNED", 0x1002, 4, VGT_REG_VIRT, 0, 0 },
    };

    check(unaligned, 1, false, "aligned");
}

static void test_masked_high(void)
{
    static const VgtRegInfo reset[] = {
        { "MASKED_RESET", 0x1000, 4, VGT_REG_MASKED, 0x10000, 0 },
    };
    static const VgtRegInfo ro[] = {
        { "MASKED_RO", 0x1000, 4, VGT_REG_MASKED, 0, 0x80000000 },
    };

    check(reset, 1, false, "above bit 15");
    check(ro, 1, false, "above bit 15");
}

static void test_ro_write_handler(void)
{
    static const VgtRegInfo ro[] = {
        { "RO_W", 0x1000, 4, VGT_REG_RO, 0, ~0u, NULL, dummy_write },
    };
    static const VgtRegInfo denied[] = {
        { "DENIED_W", 0x1000, 4, VGT_REG_DENIED, 0, ~0u, NULL, dummy_write },
    };
    /* RO rows are read-only in every bit */
    static const VgtRegInfo ro_mask[] = {
        { "RO_MASK", 0x1000, 4, VGT_REG_RO, 0, 0xff },
    };

    check(ro, 1, false, "write handler");
    check(denied, 1, false, "write handler");
    check(ro_mask, 1, false, "ro_mask");
}

static void test_mediated_no_handler(void)
{
    static const VgtRegInfo rows[] = {
        { "MEDIATED_NONE", 0x1000, 4, VGT_REG_MEDIATED, 0, 0 },
    };

    check(rows, 1, false, "without a handler");
}

static void test_bad_policy_name(void)
{
    static const VgtRegInfo policy[] = {
        { "NO_POLICY", 0x1000, 4, 0, 0, 0 },
    };
    static const VgtRegInfo unnamed[] = {
        { NULL, 0x1000, 4, VGT_REG_VIRT, 0, 0 },
    };

    check(policy, 1, false, "policy");
    check(unnamed, 1, false, "no name");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/vgt/regs-check/good", test_good);
    g_test_add_func("/vgt/regs-check/overlap", test_overlap);
    g_test_add_func("/vgt/regs-check/bad-size", test_bad_size);
    g_test_add_func("/vgt/regs-check/bad-alignment", test_bad_alignment);
    g_test_add_func("/vgt/regs-check/masked-above-bit-15", test_masked_high);
    g_test_add_func("/vgt/regs-check/ro-write-handler",
                    test_ro_write_handler);
    g_test_add_func("/vgt/regs-check/mediated-no-handler",
                    test_mediated_no_handler);
    g_test_add_func("/vgt/regs-check/policy-and-name", test_bad_policy_name);
    return g_test_run();
}
