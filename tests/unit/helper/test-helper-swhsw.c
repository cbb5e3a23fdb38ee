// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the software Haswell: PTE encoding, register file, the
 * GM -> GTT -> host page path and the interrupt line.
 */
#include <glib.h>
#include "swhsw/swhsw.h"
#include "hsw/hsw-regs.h"
#include "hw/vgt.h"
#include "hw/vgt-helper-abi.h"

static struct vgt_swhsw *sw;
static struct vgt_gpu gpu;

static void setup(void)
{
    sw = vgt_swhsw_create();
    g_assert_nonnull(sw);
    vgt_swhsw_get_gpu(sw, &gpu);
}

static void teardown(void)
{
    vgt_swhsw_destroy(sw);
    sw = NULL;
}

static void test_pte_encoding(void)
{
    /* Address bits 31:12 stay, 38:32 move to PTE bits 10:4. */
    g_assert_cmphex(hsw_pte_encode(0x1234567000ull, HSW_PTE_VALID), ==,
            0x34567000u | (0x12u << 4) | 1u);
    g_assert_cmphex(hsw_pte_decode(0x34567121u), ==, 0x1234567000ull);
    g_assert_cmphex(hsw_pte_encode(0x7ffffff000ull, 0), ==, 0xfffff7f0u);
    /* Bit 11 is cacheability (bit 3 of the control), not address. */
    g_assert_cmphex(hsw_pte_decode(0x00000801u), ==, 0);
    g_assert_cmphex(hsw_pte_encode(0x1000, 0x80f), ==, 0x180fu);
    /* Offset bits and foreign flag bits never leak into the entry. */
    g_assert_cmphex(hsw_pte_encode(0x1fff, 0xf8f1), ==, 0x1801u);
    for (guint64 a = 0; a < HSW_PTE_DMA_LIMIT; a += 0x0123456000ull) {
        g_assert_cmphex(hsw_pte_decode(hsw_pte_encode(a, 1)), ==,
                a & ~0xfffull);
    }
}

static void test_reset_values(void)
{
    setup();
    g_assert_cmphex(gpu.ops->read32(sw, GTIMR), ==, 0xffffffff);
    g_assert_cmphex(gpu.ops->read32(sw, DEIMR), ==, 0xffffffff);
    g_assert_cmphex(gpu.ops->read32(sw, RING_MI_MODE(RENDER_RING_BASE)),
            ==, MODE_IDLE);
    g_assert_cmphex(gpu.ops->read32(sw, FENCE_REG_GEN6_LO(31)), ==, 0);
    g_assert_cmpuint(gpu.ops->gtt_read(sw, 0), ==, 0);
    g_assert_cmpuint(gpu.ops->gtt_read(sw, HSW_GTT_ENTRIES - 1), ==, 0);
    g_assert_cmpuint(gpu.gm_size, ==, 2ull << 30);
    g_assert_cmpuint(gpu.aperture_size, ==, 512ull << 20);
    g_assert_cmpuint(gpu.gtt_entries * 4, ==, VGT_GTT_SIZE);
    g_assert_cmpuint(gpu.fence_count, ==, VGT_FENCE_COUNT);
    teardown();
}

static void test_registers(void)
{
    struct vgt_swhsw_stats st;

    setup();
    gpu.ops->write32(sw, 0x2030, 0xdeadbeef);
    g_assert_cmphex(gpu.ops->read32(sw, 0x2030), ==, 0xdeadbeef);
    /* IIR: write one to clear. */
    gpu.ops->write32(sw, GTIMR, 0);
    vgt_swhsw_raise_gt(sw, 0x5);
    g_assert_cmphex(gpu.ops->read32(sw, GTIIR), ==, 0x5);
    gpu.ops->write32(sw, GTIIR, 0x1);
    g_assert_cmphex(gpu.ops->read32(sw, GTIIR), ==, 0x4);
    /* ISR is read-only. */
    gpu.ops->write32(sw, GTISR, 0xffffffff);
    g_assert_cmphex(gpu.ops->read32(sw, GTISR), ==, 0);
    /* Masked forcewake acks at once. */
    gpu.ops->write32(sw, FORCEWAKE_MT, 0x00010001);
    g_assert_cmphex(gpu.ops->read32(sw, FORCEWAKE_ACK_HSW), ==, 1);
    gpu.ops->write32(sw, FORCEWAKE_MT, 0x00010000);
    g_assert_cmphex(gpu.ops->read32(sw, FORCEWAKE_ACK_HSW), ==, 0);
    /* Outside the file or unaligned: dropped, read as 0, counted. */
    gpu.ops->write32(sw, HSW_MMIO_SIZE, 1);
    g_assert_cmpuint(gpu.ops->read32(sw, HSW_MMIO_SIZE), ==, 0);
    g_assert_cmpuint(gpu.ops->read32(sw, 0x2031), ==, 0);
    gpu.ops->gtt_write(sw, HSW_GTT_ENTRIES, 1);
    g_assert_cmpuint(gpu.ops->gtt_read(sw, HSW_GTT_ENTRIES), ==, 0);
    vgt_swhsw_get_stats(sw, &st);
    g_assert_cmpuint(st.bad_mmio, ==, 3);
    g_assert_cmpuint(st.bad_gtt, ==, 2);
    teardown();
}

static void test_gm_path(void)
{
    guint8 *mem = g_malloc0(4 * 4096 + 4096);
    guint8 *pages = (guint8 *)(((guintptr)mem + 4095) & ~(guintptr)4095);
    guint8 buf[64], out[64];
    guint64 dma, dma2;
    guint8 *other;

    setup();
    g_assert_cmpint(gpu.ops->dma_map(sw, pages, 4 * 4096, &dma), ==, 0);
    g_assert_cmpuint(dma, >=, SWHSW_DMA_BASE);  /* PTE high bits used */
    /* GM pages 10, 11 -> host pages 2, 1 (not contiguous on purpose). */
    gpu.ops->gtt_write(sw, 10, hsw_pte_encode(dma + 2 * 4096, 1));
    gpu.ops->gtt_write(sw, 11, hsw_pte_encode(dma + 1 * 4096, 1));
    for (int i = 0; i < 64; i++) {
        buf[i] = i + 1;
    }
    /* Crosses the page boundary between GM pages 10 and 11. */
    g_assert_cmpint(vgt_swhsw_gm_write(sw, 11 * 4096 - 32, buf, 64), ==, 0);
    g_assert_cmpmem(pages + 3 * 4096 - 32, 32, buf, 32);
    g_assert_cmpmem(pages + 1 * 4096, 32, buf + 32, 32);
    g_assert_cmpint(vgt_swhsw_gm_read(sw, 11 * 4096 - 32, out, 64), ==, 0);
    g_assert_cmpmem(out, 64, buf, 64);

    /* Invalid PTE, a PTE into the guard gap, beyond GM: refused. */
    g_assert_cmpint(vgt_swhsw_gm_read(sw, 12 * 4096, out, 4), ==,
            -VGT_E_GM_UNMAPPED);
    gpu.ops->gtt_write(sw, 12, hsw_pte_encode(dma + 4 * 4096, 1));
    g_assert_cmpint(vgt_swhsw_gm_read(sw, 12 * 4096, out, 4), ==,
            -VGT_E_GM_UNMAPPED);
    g_assert_cmpint(vgt_swhsw_gm_read(sw, HSW_GM_SIZE - 2, out, 4), ==,
            -VGT_E_GM_RANGE);
    g_assert_cmpint(vgt_swhsw_gm_read(sw, ~0ull - 1, out, 4), ==,
            -VGT_E_GM_RANGE);

    /* dma_to_host bounds. */
    g_assert_true(vgt_swhsw_dma_to_host(sw, dma, 4 * 4096) == pages);
    g_assert_null(vgt_swhsw_dma_to_host(sw, dma + 1, 4 * 4096));
    g_assert_null(vgt_swhsw_dma_to_host(sw, dma - 4096, 4096));

    /* A second range does not overlap the first; unmapping cuts access. */
    other = g_aligned_alloc0(1, 4096, 4096);
    g_assert_cmpint(gpu.ops->dma_map(sw, other, 4096, &dma2), ==, 0);
    g_assert_true(dma2 >= dma + 4 * 4096 || dma2 + 4096 <= dma);
    gpu.ops->dma_unmap(sw, dma, 4 * 4096);
    g_assert_cmpint(vgt_swhsw_gm_read(sw, 10 * 4096, out, 4), ==,
            -VGT_E_GM_UNMAPPED);
    gpu.ops->dma_unmap(sw, dma2, 4096);
    g_assert_cmpint(gpu.ops->dma_map(sw, pages, 0, &dma), ==,
            -VGT_E_INVAL);
    g_assert_cmpint(gpu.ops->dma_map(sw, pages, 100, &dma), ==,
            -VGT_E_INVAL);
    teardown();
    g_aligned_free(other);
    g_free(mem);
}

static int irq_count;
static void count_irq(void *opaque)
{
    irq_count++;
}

static void test_irq_line(void)
{
    setup();
    irq_count = 0;
    gpu.ops->set_irq_handler(sw, count_irq, NULL);
    /* Masked: not latched, no interrupt. */
    vgt_swhsw_raise_gt(sw, GT_RENDER_USER_INTERRUPT);
    g_assert_cmphex(gpu.ops->read32(sw, GTIIR), ==, 0);
    g_assert_cmpint(irq_count, ==, 0);
    /* Unmasked and enabled but master off: latched, no interrupt. */
    gpu.ops->write32(sw, GTIMR, ~GT_RENDER_USER_INTERRUPT);
    gpu.ops->write32(sw, GTIER, GT_RENDER_USER_INTERRUPT);
    vgt_swhsw_raise_gt(sw, GT_RENDER_USER_INTERRUPT);
    g_assert_cmphex(gpu.ops->read32(sw, GTIIR), ==,
            GT_RENDER_USER_INTERRUPT);
    g_assert_cmpint(irq_count, ==, 0);
    /* Master on: the next edge fires. */
    gpu.ops->write32(sw, DEIER, DE_MASTER_IRQ_CONTROL);
    vgt_swhsw_raise_gt(sw, GT_RENDER_USER_INTERRUPT);
    g_assert_cmpint(irq_count, ==, 1);
    /* Detached handler: nothing is called. */
    gpu.ops->set_irq_handler(sw, NULL, NULL);
    vgt_swhsw_raise_gt(sw, GT_RENDER_USER_INTERRUPT);
    g_assert_cmpint(irq_count, ==, 1);
    teardown();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/swhsw/pte-encoding", test_pte_encoding);
    g_test_add_func("/swhsw/reset-values", test_reset_values);
    g_test_add_func("/swhsw/registers", test_registers);
    g_test_add_func("/swhsw/gm-path", test_gm_path);
    g_test_add_func("/swhsw/irq-line", test_irq_line);
    return g_test_run();
}
