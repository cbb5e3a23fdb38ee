/*
 * qtests for -device vgt-hsw: the software Haswell as a bare PCI GPU, as
 * a kernel helper in the VM sees it.  Its PCI face, BAR0 (registers and
 * GTT), the aperture, ring execution from the ring registers with DMA
 * into this VM's RAM, MSI and INTx, faults, a hang, a wrapped ring,
 * guest errors and reset.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "libqtest.h"
#include "vgt-qtest.h"
#include "hw/pci/pci_regs.h"

/* Registers (kernel-shim/hsw/hsw-regs.h) */
#define GT_BLT_USER         (1u << 22)
#define BCS                 0x22000
#define RING_TAIL           (BCS + 0x30)
#define RING_HEAD           (BCS + 0x34)
#define RING_START          (BCS + 0x38)
#define RING_CTL            (BCS + 0x3c)
#define RING_MI_MODE        (BCS + 0x9c)
#define MODE_IDLE           (1u << 9)
#define BCS_FAULT_REG       (0x4280 + 0x14)
#define HEAD_ADDR           0x001ffffc
#define GRDOM_BLT           (1u << 3)

/* Commands */
#define MI_USER_INTERRUPT   0x01000000
#define MI_STORE_DATA_IMM   0x10400002      /* GGTT (bit 22), one dword */

/* This VM's RAM, where the GPU's pages are */
#define RING_GPA            0x00400000      /* two pages */
#define SEQ_GPA             0x00410000
#define SURF_GPA            0x00420000
#define BATCH_GPA           0x00430000
#define APER_GPA            0x00440000
#define MSI_GPA             0x00500000
#define MSI_DATA            0x4a7e
/* GM: where the GTT puts them */
#define GM_RING             0x00000
#define GM_SEQ              0x10000
#define GM_SURF             0x20000
#define GM_BATCH            0x30000
#define GM_UNMAPPED         0x40000
#define GM_APER             0x05000
/* BAR2 by hand: libqos' 512 MiB window cannot hold it with BAR0 */
#define BAR2_ADDR           0x40000000ull

#define SURF_PITCH          256             /* 64 pixels of 32 bpp */

static void hsw_start(VgtQtest *t)
{
    memset(t, 0, sizeof(*t));
    t->id = "gpu";
    t->log_path = vgt_qtest_log_file("vgt-hsw-test");
    t->qts = qtest_initf("-M pc -nodefaults -vga none -D %s -d guest_errors "
                         "-device vgt-hsw,addr=2,id=gpu", t->log_path);
    t->bus = qpci_new_pc(t->qts, NULL);
    t->dev = qpci_device_find(t->bus, QPCI_DEVFN(2, 0));
    g_assert_nonnull(t->dev);
}

/* Memory, I/O and bus mastering on, both BARs mapped. */
static void hsw_map(VgtQtest *t)
{
    uint64_t size;

    qpci_device_enable(t->dev);
    t->bar0 = qpci_iomap(t->dev, 0, &size);
    g_assert_cmpuint(size, ==, 4 * MiB);
    qpci_config_writel(t->dev, PCI_BASE_ADDRESS_2, (uint32_t)BAR2_ADDR);
    qpci_config_writel(t->dev, PCI_BASE_ADDRESS_3, BAR2_ADDR >> 32);
    t->bar2.addr = BAR2_ADDR;
    t->bar2.is_io = false;
}

static void bus_master(VgtQtest *t, bool on)
{
    uint16_t cmd = qpci_config_readw(t->dev, PCI_COMMAND);

    cmd = on ? cmd | PCI_COMMAND_MASTER : cmd & ~PCI_COMMAND_MASTER;
    qpci_config_writew(t->dev, PCI_COMMAND, cmd);
}

static void msi_enable(VgtQtest *t)
{
    vgt_qtest_msi_enable(t, MSI_GPA, MSI_DATA);
}

static bool msi_seen(VgtQtest *t)
{
    return vgt_qtest_msi_seen(t, MSI_GPA, MSI_DATA);
}

/* The GTT pages of the tests: ring, seqno page, surface, batch. */
static void gtt_setup(VgtQtest *t)
{
    vgt_gtt_wr(t, GM_RING >> 12, vgt_pte(RING_GPA));
    vgt_gtt_wr(t, (GM_RING >> 12) + 1, vgt_pte(RING_GPA + 0x1000));
    vgt_gtt_wr(t, GM_SEQ >> 12, vgt_pte(SEQ_GPA));
    vgt_gtt_wr(t, GM_SURF >> 12, vgt_pte(SURF_GPA));
    vgt_gtt_wr(t, GM_BATCH >> 12, vgt_pte(BATCH_GPA));
    qtest_memset(t->qts, RING_GPA, 0, 0x2000);
    qtest_memset(t->qts, SEQ_GPA, 0, 0x1000);
    qtest_memset(t->qts, SURF_GPA, 0, 0x1000);
}

/* The blitter's user interrupt enabled as i915 does, master on. */
static void irq_setup(VgtQtest *t)
{
    vgt_wr(t, GTIMR, ~GT_BLT_USER);
    vgt_wr(t, GTIER, GT_BLT_USER);
    vgt_wr(t, DEIER, MASTER);
}

/* The BCS ring at GM_RING, @pages long, empty at @head, valid. */
static void ring_setup(VgtQtest *t, uint32_t pages, uint32_t head)
{
    vgt_wr(t, RING_CTL, 0);
    vgt_wr(t, RING_HEAD, head);
    vgt_wr(t, RING_TAIL, head);
    vgt_wr(t, RING_START, GM_RING);
    vgt_wr(t, RING_CTL, ((pages - 1) << 12) | 1);
    g_assert_cmphex(vgt_rd(t, RING_MI_MODE) & MODE_IDLE, ==, MODE_IDLE);
}

/* Copy @n dwords into the ring at @off (guest RAM behind GM_RING). */
static void ring_emit(VgtQtest *t, uint32_t off, const uint32_t *dw,
                      uint32_t n)
{
    uint32_t i;

    for (i = 0; i < n; i++) {
        qtest_writel(t->qts, RING_GPA + off + 4 * i, dw[i]);
    }
}

/* Wait until the engine ran what it was kicked for (MI_MODE idle). */
static void ring_wait_idle(VgtQtest *t)
{
    int i;

    for (i = 0; i < 10000; i++) {
        if (vgt_rd(t, RING_MI_MODE) & MODE_IDLE) {
            return;
        }
        g_usleep(1000);
    }
    g_assert_not_reached();
}

static uint32_t surf_pixel(VgtQtest *t, uint32_t x, uint32_t y)
{
    return qtest_readl(t->qts, SURF_GPA + y * SURF_PITCH + x * 4);
}

/* IDs, class, BAR types and sizes, MSI, INTx pin: what a driver probes. */
static void test_identity(void)
{
    VgtQtest t;
    uint8_t cap;

    hsw_start(&t);
    g_assert_cmphex(qpci_config_readw(t.dev, PCI_VENDOR_ID), ==, 0x8086);
    g_assert_cmphex(qpci_config_readw(t.dev, PCI_DEVICE_ID), ==, 0x0412);
    g_assert_cmphex(qpci_config_readb(t.dev, PCI_REVISION_ID), ==, 0x06);
    g_assert_cmphex(qpci_config_readl(t.dev, PCI_CLASS_REVISION) >> 8, ==,
                    0x030000);
    g_assert_cmphex(qpci_config_readw(t.dev, PCI_SUBSYSTEM_VENDOR_ID), ==,
                    0x1af4);
    g_assert_cmphex(qpci_config_readw(t.dev, PCI_SUBSYSTEM_ID), ==, 0x1100);
    g_assert_cmpuint(qpci_config_readb(t.dev, PCI_INTERRUPT_PIN), ==, 1);

    /* BAR0: 4 MiB, 64-bit memory, not prefetchable */
    qpci_config_writel(t.dev, PCI_BASE_ADDRESS_0, 0xffffffff);
    qpci_config_writel(t.dev, PCI_BASE_ADDRESS_1, 0xffffffff);
    g_assert_cmphex(qpci_config_readl(t.dev, PCI_BASE_ADDRESS_0), ==,
                    (uint32_t)~(4 * MiB - 1) | PCI_BASE_ADDRESS_MEM_TYPE_64);
    g_assert_cmphex(qpci_config_readl(t.dev, PCI_BASE_ADDRESS_1), ==,
                    0xffffffff);
    /* BAR2: 512 MiB, 64-bit prefetchable memory */
    qpci_config_writel(t.dev, PCI_BASE_ADDRESS_2, 0xffffffff);
    qpci_config_writel(t.dev, PCI_BASE_ADDRESS_3, 0xffffffff);
    g_assert_cmphex(qpci_config_readl(t.dev, PCI_BASE_ADDRESS_2), ==,
                    (uint32_t)~(512 * MiB - 1) | PCI_BASE_ADDRESS_MEM_TYPE_64 |
                    PCI_BASE_ADDRESS_MEM_PREFETCH);
    /* nothing else */
    qpci_config_writel(t.dev, PCI_BASE_ADDRESS_4, 0xffffffff);
    g_assert_cmphex(qpci_config_readl(t.dev, PCI_BASE_ADDRESS_4), ==, 0);
    qpci_config_writel(t.dev, PCI_BASE_ADDRESS_0, 0);
    qpci_config_writel(t.dev, PCI_BASE_ADDRESS_1, 0);
    qpci_config_writel(t.dev, PCI_BASE_ADDRESS_2, 0);
    qpci_config_writel(t.dev, PCI_BASE_ADDRESS_3, 0);

    cap = qpci_find_capability(t.dev, PCI_CAP_ID_MSI, 0);
    g_assert_cmpuint(cap, !=, 0);
    g_assert_true(qpci_config_readw(t.dev, cap + PCI_MSI_FLAGS) &
                  PCI_MSI_FLAGS_64BIT);
    vgt_qtest_stop(&t);
}

/* GTT entries through BAR0 + 2 MiB; registers at power-on. */
static void test_gtt(void)
{
    VgtQtest t;

    hsw_start(&t);
    hsw_map(&t);
    g_assert_cmphex(vgt_gtt_rd(&t, 7), ==, 0);
    vgt_gtt_wr(&t, 7, 0x12345003);
    g_assert_cmphex(vgt_gtt_rd(&t, 7), ==, 0x12345003);
    vgt_gtt_wr(&t, 512 * 1024 - 1, 0xfffff7f1);
    g_assert_cmphex(vgt_gtt_rd(&t, 512 * 1024 - 1), ==, 0xfffff7f1);
    /* an aligned qword is two entries, low first */
    qpci_io_writeq(t.dev, t.bar0, VGT_QTEST_GTT(8),
                   0x0000b001000a1001ull);
    g_assert_cmphex(vgt_gtt_rd(&t, 8), ==, 0x000a1001);
    g_assert_cmphex(vgt_gtt_rd(&t, 9), ==, 0x0000b001);
    g_assert_cmphex(qpci_io_readq(t.dev, t.bar0, VGT_QTEST_GTT(8)), ==,
                    0x0000b001000a1001ull);
    /* registers come up at their power-on values */
    g_assert_cmphex(vgt_rd(&t, GTIMR), ==, 0xffffffff);
    g_assert_cmphex(vgt_rd(&t, RING_HEAD), ==, 0);
    g_assert_cmphex(vgt_rd(&t, RING_MI_MODE) & MODE_IDLE, ==, MODE_IDLE);
    vgt_qtest_stop(&t);
}

/*
 * The whole path: commands in guest RAM behind the GTT, the BCS ring
 * started by its TAIL: pixels and seqno in guest RAM, HEAD = TAIL, the
 * user interrupt in GTIIR, an MSI in guest RAM.
 */
static void test_blit_msi(void)
{
    VgtQtest t;
    uint32_t cmds[] = {
        XY_COLOR_BLT | BLT_WRITE_ARGB,
        BLT_32BPP | BLT_ROP_PATCOPY | SURF_PITCH,
        (2u << 16) | 8, (6u << 16) | 24, GM_SURF, 0xff123456,
        MI_STORE_DATA_IMM, 0, GM_SEQ + 0x40, 0xc0ffee,
        MI_USER_INTERRUPT, MI_NOOP,
    };
    uint32_t tail = sizeof(cmds);

    hsw_start(&t);
    hsw_map(&t);
    gtt_setup(&t);
    irq_setup(&t);
    msi_enable(&t);
    ring_setup(&t, 1, 0);
    ring_emit(&t, 0, cmds, ARRAY_SIZE(cmds));
    g_assert_false(msi_seen(&t));
    vgt_wr(&t, RING_TAIL, tail);
    ring_wait_idle(&t);

    g_assert_cmphex(surf_pixel(&t, 8, 2), ==, 0xff123456);
    g_assert_cmphex(surf_pixel(&t, 23, 5), ==, 0xff123456);
    g_assert_cmphex(surf_pixel(&t, 7, 2), ==, 0);
    g_assert_cmphex(surf_pixel(&t, 24, 5), ==, 0);
    g_assert_cmphex(surf_pixel(&t, 8, 6), ==, 0);
    g_assert_cmphex(surf_pixel(&t, 8, 1), ==, 0);
    g_assert_cmphex(qtest_readl(t.qts, SEQ_GPA + 0x40), ==, 0xc0ffee);
    g_assert_cmphex(vgt_rd(&t, RING_HEAD) & HEAD_ADDR, ==, tail);
    g_assert_cmphex(vgt_rd(&t, GTIIR) & GT_BLT_USER, ==, GT_BLT_USER);
    g_assert_cmphex(vgt_rd(&t, BCS_FAULT_REG), ==, 0);
    g_assert_true(msi_seen(&t));

    /* i915's handler: master off, ack, master on: nothing new, no MSI */
    vgt_wr(&t, DEIER, 0);
    vgt_wr(&t, GTIIR, GT_BLT_USER);
    vgt_wr(&t, DEIER, MASTER);
    g_assert_cmphex(vgt_rd(&t, GTIIR), ==, 0);
    g_assert_false(msi_seen(&t));

    /* the next submission: one more MSI */
    cmds[9] = 0xc0ffef;
    ring_emit(&t, tail, &cmds[6], 6);
    vgt_wr(&t, RING_TAIL, tail + 24);
    ring_wait_idle(&t);
    g_assert_cmphex(qtest_readl(t.qts, SEQ_GPA + 0x40), ==, 0xc0ffef);
    g_assert_cmphex(vgt_rd(&t, RING_HEAD) & HEAD_ADDR, ==, tail + 24);
    g_assert_true(msi_seen(&t));
    vgt_qtest_stop(&t);
}

/* MSI off: the INTx level follows the pending state (PIRQB -> IRQ 11). */
static void test_intx(void)
{
    VgtQtest t;
    QPCIDevice *piix;
    uint32_t cmds[] = { MI_USER_INTERRUPT, MI_NOOP };

    hsw_start(&t);
    hsw_map(&t);
    piix = qpci_device_find(t.bus, QPCI_DEVFN(1, 0));
    g_assert_nonnull(piix);
    qpci_config_writeb(piix, 0x61, 11);
    qtest_irq_intercept_in(t.qts, "ioapic");
    gtt_setup(&t);
    irq_setup(&t);
    ring_setup(&t, 1, 0);
    ring_emit(&t, 0, cmds, ARRAY_SIZE(cmds));
    g_assert_false(qtest_get_irq(t.qts, 11));
    vgt_wr(&t, RING_TAIL, 8);
    ring_wait_idle(&t);
    g_assert_true(qtest_get_irq(t.qts, 11));
    /* master off drops the line, on raises it again; the ack drops it */
    vgt_wr(&t, DEIER, 0);
    g_assert_false(qtest_get_irq(t.qts, 11));
    vgt_wr(&t, DEIER, MASTER);
    g_assert_true(qtest_get_irq(t.qts, 11));
    vgt_wr(&t, GTIIR, GT_BLT_USER);
    g_assert_false(qtest_get_irq(t.qts, 11));
    g_free(piix);
    vgt_qtest_stop(&t);
}

/* Bus mastering off: the first fetch faults; the aperture reads ones. */
static void test_fault_bus_master(void)
{
    VgtQtest t;
    uint32_t cmds[] = {
        MI_STORE_DATA_IMM, 0, GM_SEQ, 1, MI_USER_INTERRUPT, MI_NOOP,
    };

    hsw_start(&t);
    hsw_map(&t);
    gtt_setup(&t);
    irq_setup(&t);
    ring_setup(&t, 1, 0);
    ring_emit(&t, 0, cmds, ARRAY_SIZE(cmds));
    bus_master(&t, false);
    vgt_wr(&t, RING_TAIL, sizeof(cmds));
    ring_wait_idle(&t);
    g_assert_cmphex(vgt_rd(&t, BCS_FAULT_REG), ==, GM_RING | 1);
    g_assert_cmphex(vgt_rd(&t, RING_HEAD) & HEAD_ADDR, ==, sizeof(cmds));
    g_assert_cmphex(qtest_readl(t.qts, SEQ_GPA), ==, 0);
    g_assert_cmphex(vgt_rd(&t, GTIIR), ==, 0);
    g_assert_cmpint(vgt_qtest_log_count(&t, "engine fault at GM 0x0 "), ==,
                    1);
    g_assert_cmphex(qpci_io_readl(t.dev, t.bar2, GM_SEQ), ==, 0xffffffff);
    g_assert_cmpint(vgt_qtest_log_count(&t, "bus mastering is off"), ==, 1);

    /* on again: the engine runs the next submission */
    bus_master(&t, true);
    cmds[3] = 2;
    ring_emit(&t, sizeof(cmds), cmds, ARRAY_SIZE(cmds));
    vgt_wr(&t, RING_TAIL, 2 * sizeof(cmds));
    ring_wait_idle(&t);
    g_assert_cmphex(qtest_readl(t.qts, SEQ_GPA), ==, 2);
    g_assert_cmphex(vgt_rd(&t, RING_HEAD) & HEAD_ADDR, ==, 2 * sizeof(cmds));
    vgt_qtest_stop(&t);
}

/* A store to GM without a valid GTT entry: fault, HEAD = TAIL. */
static void test_fault_unmapped(void)
{
    VgtQtest t;
    uint32_t cmds[] = {
        MI_STORE_DATA_IMM, 0, GM_SEQ, 0x5eed,
        MI_STORE_DATA_IMM, 0, GM_UNMAPPED + 0x10, 0xbad,
        MI_STORE_DATA_IMM, 0, GM_SEQ + 4, 0xbad,
        MI_USER_INTERRUPT, MI_NOOP,
    };

    hsw_start(&t);
    hsw_map(&t);
    gtt_setup(&t);
    irq_setup(&t);
    ring_setup(&t, 1, 0);
    ring_emit(&t, 0, cmds, ARRAY_SIZE(cmds));
    vgt_wr(&t, RING_TAIL, sizeof(cmds));
    ring_wait_idle(&t);
    g_assert_cmphex(vgt_rd(&t, BCS_FAULT_REG), ==, GM_UNMAPPED | 1);
    g_assert_cmphex(vgt_rd(&t, RING_HEAD) & HEAD_ADDR, ==, sizeof(cmds));
    g_assert_cmphex(qtest_readl(t.qts, SEQ_GPA), ==, 0x5eed);
    g_assert_cmphex(qtest_readl(t.qts, SEQ_GPA + 4), ==, 0);
    g_assert_cmphex(vgt_rd(&t, GTIIR), ==, 0);

    /* an entry that leads to MMIO (the aperture itself), not RAM */
    vgt_gtt_wr(&t, 0x50, vgt_pte(BAR2_ADDR));
    cmds[6] = 0x50010;
    ring_emit(&t, sizeof(cmds), cmds, ARRAY_SIZE(cmds));
    vgt_wr(&t, RING_TAIL, 2 * sizeof(cmds));
    ring_wait_idle(&t);
    g_assert_cmphex(vgt_rd(&t, BCS_FAULT_REG), ==, 0x50000 | 1);
    g_assert_cmphex(vgt_rd(&t, RING_HEAD) & HEAD_ADDR, ==, 2 * sizeof(cmds));
    vgt_qtest_stop(&t);
}

/*
 * A batch that chains to itself: the budget stops it, HEAD stays, the
 * ring does not restart on TAIL but on RING_CTL, QEMU keeps answering.
 */
static void test_hang(void)
{
    VgtQtest t;
    uint32_t cmds[] = {
        MI_BB_START, GM_BATCH, MI_STORE_DATA_IMM, 0, GM_SEQ, 1,
        MI_USER_INTERRUPT, MI_NOOP,
    };
    uint32_t loop[] = { MI_BB_START, GM_BATCH };
    gint64 t0;
    int i;

    hsw_start(&t);
    hsw_map(&t);
    gtt_setup(&t);
    irq_setup(&t);
    qtest_memwrite(t.qts, BATCH_GPA, loop, sizeof(loop));
    ring_setup(&t, 1, 0);
    ring_emit(&t, 0, cmds, ARRAY_SIZE(cmds));
    t0 = g_get_monotonic_time();
    vgt_wr(&t, RING_TAIL, sizeof(cmds));
    for (i = 0; i < 600 && !vgt_qtest_log_count(&t, "ring hung"); i++) {
        g_usleep(100 * 1000);
    }
    g_assert_cmpint(vgt_qtest_log_count(&t, "ring hung after 1048577 "
                                        "commands"), ==, 1);
    g_test_message("hang detected after %" PRId64 " ms",
                   (g_get_monotonic_time() - t0) / 1000);
    g_assert_cmphex(vgt_rd(&t, RING_HEAD) & HEAD_ADDR, ==, 0);
    g_assert_cmphex(vgt_rd(&t, RING_MI_MODE) & MODE_IDLE, ==, 0);
    g_assert_cmphex(vgt_rd(&t, BCS_FAULT_REG), ==, 0);
    g_assert_cmphex(qtest_readl(t.qts, SEQ_GPA), ==, 0);
    /* TAIL alone does not restart a hung ring */
    vgt_wr(&t, RING_TAIL, sizeof(cmds));
    g_assert_cmpint(vgt_qtest_log_count(&t, "ring hung"), ==, 1);
    /* the driver's recovery: an engine reset, a new empty ring */
    vgt_wr(&t, GDRST, GRDOM_BLT);
    g_assert_cmphex(vgt_rd(&t, GDRST), ==, 0);
    g_assert_cmphex(vgt_rd(&t, RING_CTL), ==, 0);
    g_assert_cmphex(vgt_rd(&t, RING_HEAD), ==, 0);
    g_assert_cmphex(vgt_rd(&t, RING_MI_MODE) & MODE_IDLE, ==, MODE_IDLE);
    ring_setup(&t, 1, sizeof(cmds));
    g_assert_cmphex(vgt_rd(&t, RING_MI_MODE) & MODE_IDLE, ==, MODE_IDLE);
    ring_emit(&t, sizeof(cmds), &cmds[2], 6);
    vgt_wr(&t, RING_TAIL, sizeof(cmds) + 24);
    ring_wait_idle(&t);
    g_assert_cmphex(qtest_readl(t.qts, SEQ_GPA), ==, 1);
    g_assert_cmpint(vgt_qtest_log_count(&t, "ring hung"), ==, 1);
    vgt_qtest_stop(&t);
}

/* A two-page ring whose request wraps at its end. */
static void test_wrap(void)
{
    VgtQtest t;
    uint32_t end[] = { MI_STORE_DATA_IMM, 0, GM_SEQ + 0x80, 0xa };
    uint32_t start[] = {
        MI_STORE_DATA_IMM, 0, GM_SEQ + 0x84, 0xb, MI_USER_INTERRUPT, MI_NOOP,
    };

    hsw_start(&t);
    hsw_map(&t);
    gtt_setup(&t);
    irq_setup(&t);
    ring_setup(&t, 2, 0x2000 - sizeof(end));
    ring_emit(&t, 0x2000 - sizeof(end), end, ARRAY_SIZE(end));
    ring_emit(&t, 0, start, ARRAY_SIZE(start));
    vgt_wr(&t, RING_TAIL, sizeof(start));
    ring_wait_idle(&t);
    g_assert_cmphex(qtest_readl(t.qts, SEQ_GPA + 0x80), ==, 0xa);
    g_assert_cmphex(qtest_readl(t.qts, SEQ_GPA + 0x84), ==, 0xb);
    g_assert_cmphex(vgt_rd(&t, RING_HEAD) & HEAD_ADDR, ==, sizeof(start));
    g_assert_cmphex(vgt_rd(&t, BCS_FAULT_REG), ==, 0);
    g_assert_cmphex(vgt_rd(&t, GTIIR) & GT_BLT_USER, ==, GT_BLT_USER);
    vgt_qtest_stop(&t);
}

/*
 * A PPGTT batch: the directory in GGTT entries, the page table and the
 * pages behind it at bus addresses (this VM's RAM), as on hardware.
 */
#define PD_ENTRY            4096            /* GGTT entry of PDE 0 */
#define PT_GPA              0x00450000
#define PBATCH_GPA          0x00460000
#define PDATA_GPA           0x00470000

static void test_ppgtt(void)
{
    VgtQtest t;
    uint32_t batch[] = {
        MI_STORE_DATA_IMM & ~(1u << 22), 0, 0x1010, 0x99,   /* PPGTT */
        0x05000000,                                         /* BB_END */
    };
    uint32_t cmds[] = {
        MI_BB_START | (1u << 8), 0x0,                       /* PPGTT */
        MI_STORE_DATA_IMM, 0, GM_SEQ, 7, MI_USER_INTERRUPT, MI_NOOP,
    };

    hsw_start(&t);
    hsw_map(&t);
    gtt_setup(&t);
    irq_setup(&t);
    qtest_memset(t.qts, PT_GPA, 0, 0x1000);
    qtest_memset(t.qts, PDATA_GPA, 0, 0x1000);
    qtest_writel(t.qts, PT_GPA + 0, vgt_pte(PBATCH_GPA));
    qtest_writel(t.qts, PT_GPA + 4, vgt_pte(PDATA_GPA));
    qtest_memwrite(t.qts, PBATCH_GPA, batch, sizeof(batch));
    vgt_gtt_wr(&t, PD_ENTRY, vgt_pte(PT_GPA));
    vgt_wr(&t, BCS + 0x228, (PD_ENTRY / 16) << 16);     /* PP_DIR_BASE */
    ring_setup(&t, 1, 0);
    ring_emit(&t, 0, cmds, ARRAY_SIZE(cmds));
    vgt_wr(&t, RING_TAIL, sizeof(cmds));
    ring_wait_idle(&t);
    g_assert_cmphex(vgt_rd(&t, BCS_FAULT_REG), ==, 0);
    g_assert_cmphex(qtest_readl(t.qts, PDATA_GPA + 0x10), ==, 0x99);
    g_assert_cmphex(qtest_readl(t.qts, SEQ_GPA), ==, 7);
    vgt_qtest_stop(&t);
}

/* CPU access to GM through BAR2 and the GTT. */
static void test_aperture(void)
{
    VgtQtest t;

    hsw_start(&t);
    hsw_map(&t);
    qtest_memset(t.qts, APER_GPA, 0, 0x1000);
    vgt_gtt_wr(&t, GM_APER >> 12, vgt_pte(APER_GPA));
    qpci_io_writel(t.dev, t.bar2, GM_APER + 0x10, 0xcafe1234);
    g_assert_cmphex(qtest_readl(t.qts, APER_GPA + 0x10), ==, 0xcafe1234);
    qtest_writeq(t.qts, APER_GPA + 0x20, 0x0123456789abcdefull);
    g_assert_cmphex(qpci_io_readq(t.dev, t.bar2, GM_APER + 0x20), ==,
                    0x0123456789abcdefull);
    g_assert_cmphex(qpci_io_readb(t.dev, t.bar2, GM_APER + 0x21), ==, 0xcd);
    /* no valid entry behind the next page: ones, writes dropped */
    g_assert_cmphex(qpci_io_readl(t.dev, t.bar2, GM_APER + 0x1000), ==,
                    0xffffffff);
    qpci_io_writel(t.dev, t.bar2, GM_APER + 0x1000, 0);
    g_assert_cmpint(vgt_qtest_log_count(&t, "invalid GTT entry"), ==, 2);
    /* a qword across the edge: the valid half, then ones */
    qtest_writel(t.qts, APER_GPA + 0xffc, 0x11223344);
    g_assert_cmphex(qpci_io_readq(t.dev, t.bar2, GM_APER + 0xffc), ==,
                    0xffffffff11223344ull);
    vgt_qtest_stop(&t);
}

/* Accesses the GPU does not take: logged, defined, harmless. */
static void test_bad_access(void)
{
    VgtQtest t;

    hsw_start(&t);
    hsw_map(&t);
    vgt_gtt_wr(&t, 100, 0x00abc001);
    /* unaligned: all-ones, dropped */
    g_assert_cmphex(qpci_io_readl(t.dev, t.bar0, VGT_QTEST_GTT(100) + 2), ==,
                    0xffffffff);
    qpci_io_writel(t.dev, t.bar0, VGT_QTEST_GTT(100) + 2, 0);
    /* narrow reads are cut from the dword, narrow writes dropped */
    g_assert_cmphex(qpci_io_readb(t.dev, t.bar0, VGT_QTEST_GTT(100) + 1), ==,
                    0xc0);
    g_assert_cmphex(qpci_io_readw(t.dev, t.bar0, VGT_QTEST_GTT(100) + 2), ==,
                    0x00ab);
    qpci_io_writeb(t.dev, t.bar0, VGT_QTEST_GTT(100), 0xff);
    qpci_io_writew(t.dev, t.bar0, GTIMR, 0);
    g_assert_cmphex(vgt_gtt_rd(&t, 100), ==, 0x00abc001);
    g_assert_cmphex(vgt_rd(&t, GTIMR), ==, 0xffffffff);
    g_assert_cmpint(vgt_qtest_log_count(&t, "unaligned BAR0 read"), ==, 1);
    g_assert_cmpint(vgt_qtest_log_count(&t, "dropped"), ==, 3);
    /* past BAR0's end: nobody's, the device is unaffected */
    qtest_readl(t.qts, t.bar0.addr + 4 * MiB);
    qtest_writel(t.qts, t.bar0.addr + 4 * MiB, 0);
    g_assert_cmphex(vgt_gtt_rd(&t, 100), ==, 0x00abc001);
    /* a ring pointer beyond the ring's size is a fault, not an access */
    gtt_setup(&t);
    vgt_wr(&t, RING_START, GM_RING);
    vgt_wr(&t, RING_HEAD, 0);
    vgt_wr(&t, RING_TAIL, 0x3000);
    vgt_wr(&t, RING_CTL, 1);
    ring_wait_idle(&t);
    g_assert_cmphex(vgt_rd(&t, BCS_FAULT_REG), ==, (GM_RING + 0x3000) | 1);
    g_assert_cmphex(vgt_rd(&t, RING_HEAD) & HEAD_ADDR, ==, 0x3000);
    vgt_qtest_stop(&t);
}

/* System reset: power-on registers, an empty GTT, the rings stopped. */
static void test_reset(void)
{
    VgtQtest t;
    uint64_t size;

    hsw_start(&t);
    hsw_map(&t);
    gtt_setup(&t);
    irq_setup(&t);
    ring_setup(&t, 1, 0);
    qtest_qmp_assert_success(t.qts, "{ 'execute': 'system_reset' }");
    qtest_qmp_eventwait(t.qts, "RESET");
    qpci_device_enable(t.dev);
    t.bar0 = qpci_iomap(t.dev, 0, &size);
    g_assert_cmphex(vgt_gtt_rd(&t, GM_RING >> 12), ==, 0);
    g_assert_cmphex(vgt_rd(&t, GTIMR), ==, 0xffffffff);
    g_assert_cmphex(vgt_rd(&t, GTIER), ==, 0);
    g_assert_cmphex(vgt_rd(&t, RING_CTL), ==, 0);
    g_assert_cmphex(vgt_rd(&t, RING_MI_MODE) & MODE_IDLE, ==, MODE_IDLE);
    vgt_qtest_stop(&t);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/vgt-hsw/identity", test_identity);
    qtest_add_func("/vgt-hsw/gtt", test_gtt);
    qtest_add_func("/vgt-hsw/blit-msi", test_blit_msi);
    qtest_add_func("/vgt-hsw/intx", test_intx);
    qtest_add_func("/vgt-hsw/fault-bus-master", test_fault_bus_master);
    qtest_add_func("/vgt-hsw/fault-unmapped", test_fault_unmapped);
    qtest_add_func("/vgt-hsw/hang", test_hang);
    qtest_add_func("/vgt-hsw/wrap", test_wrap);
    qtest_add_func("/vgt-hsw/ppgtt", test_ppgtt);
    qtest_add_func("/vgt-hsw/aperture", test_aperture);
    qtest_add_func("/vgt-hsw/bad-access", test_bad_access);
    qtest_add_func("/vgt-hsw/reset", test_reset);
    return g_test_run();
}
