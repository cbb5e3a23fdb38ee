/*
 * Unit tests: PCI configuration values of the vgt device.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "qapi/error.h"
#include "hw/vgt.h"
#include "vgt-cfg-layout.h"

static void test_gmch_default(void)
{
    uint16_t gmch = 0xffff;

    g_assert_true(vgt_cfg_gmch_encode(0, &gmch, &error_abort));
    /* GGMS = 2 (2 MiB GTT), GMS = 0, IVD clear */
    g_assert_cmphex(gmch, ==, 0x0200);
    g_assert_cmpuint(vgt_cfg_gmch_gtt_size(gmch), ==, 2 * MiB);
    g_assert_cmpuint(vgt_cfg_gmch_stolen_size(gmch), ==, 0);
    g_assert_cmpuint(vgt_cfg_gmch_gtt_size(gmch) / 4, ==, VGT_GTT_ENTRIES);
}

static void test_gmch_stolen_roundtrip(void)
{
    uint64_t size;
    uint16_t gmch;

    for (size = 0; size <= VGT_STOLEN_MAX; size += VGT_STOLEN_UNIT) {
        g_assert_true(vgt_cfg_gmch_encode(size, &gmch, &error_abort));
        g_assert_cmpuint(vgt_cfg_gmch_stolen_size(gmch), ==, size);
        g_assert_cmpuint(vgt_cfg_gmch_gtt_size(gmch), ==, 2 * MiB);
        g_assert_cmphex(gmch & VGT_GMCH_IVD, ==, 0);
    }
    /* the i915 early quirk's reading: GMS (bits 7:3) x 32 MiB */
    g_assert_true(vgt_cfg_gmch_encode(64 * MiB, &gmch, &error_abort));
    g_assert_cmphex((gmch >> 3) & 0x1f, ==, 2);
}

static void test_gmch_rejects(void)
{
    static const uint64_t bad[] = {
        1, 16 * MiB, 33 * MiB, VGT_STOLEN_MAX + VGT_STOLEN_UNIT, 4 * GiB,
    };
    uint16_t gmch = 0x1234;
    size_t i;

    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        Error *err = NULL;

        g_assert_false(vgt_cfg_gmch_encode(bad[i], &gmch, &err));
        g_assert_nonnull(err);
        g_assert_nonnull(strstr(error_get_pretty(err), "stolen_size"));
        error_free(err);
        g_assert_cmphex(gmch, ==, 0x1234);   /* untouched on error */
    }
}

static void test_aperture_sizes(void)
{
    static const uint64_t good[] = { 64 * MiB, 128 * MiB, 256 * MiB,
                                     512 * MiB };
    static const uint64_t bad[] = { 0, 1, 32 * MiB, 96 * MiB, 1 * GiB,
                                    (512 + 64) * MiB, UINT64_MAX };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(good); i++) {
        g_assert_true(vgt_cfg_check_aperture(good[i], &error_abort));
    }
    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        Error *err = NULL;

        g_assert_false(vgt_cfg_check_aperture(bad[i], &err));
        g_assert_nonnull(err);
        g_assert_nonnull(strstr(error_get_pretty(err), "aperture_size"));
        error_free(err);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/vgt/cfg/gmch-default", test_gmch_default);
    g_test_add_func("/vgt/cfg/gmch-stolen-roundtrip",
                    test_gmch_stolen_roundtrip);
    g_test_add_func("/vgt/cfg/gmch-rejects", test_gmch_rejects);
    g_test_add_func("/vgt/cfg/aperture-sizes", test_aperture_sizes);
    return g_test_run();
}
