/*
 * qtests for the vgt device's PCI face: identity, BARs, configuration
 * space (GMCH, BDSM, ASLS/OpRegion, MSI), the register file reached
 * through BAR0 and the I/O BAR, and hostile accesses.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qemu/units.h"
#include "libqtest.h"
#include "vgt-qtest.h"
#include "hw/pci/pci_regs.h"

#define PVINFO_BASE         VGT_QTEST_PVINFO
#define PVINFO_MAGIC        VGT_QTEST_PVINFO_MAGIC
#define PVINFO_DISPLAY_READY (PVINFO_BASE + 0x804)
#define UNKNOWN_REG         0x1ff000    /* no register of Haswell's there */
#define OPREGION_GPA        0x04000000  /* inside the default 128 MiB */
#define MSI_TARGET_GPA      0x05000000
/* What the tests count in QEMU's log. */
#define LOG_ARGS            "-d unimp,guest_errors"

/* Size a BAR the way firmware does: all ones, read back, restore. */
static uint64_t bar_size(QPCIDevice *dev, int bar, uint32_t *flags)
{
    int off = PCI_BASE_ADDRESS_0 + bar * 4;
    uint32_t lo, hi = 0xffffffff;
    uint64_t mask;

    qpci_config_writel(dev, off, 0xffffffff);
    lo = qpci_config_readl(dev, off);
    *flags = lo & 0xf;
    if (!lo) {
        return 0;   /* BAR not implemented */
    }
    if (lo & PCI_BASE_ADDRESS_SPACE_IO) {
        mask = 0xffff0000 | (lo & PCI_BASE_ADDRESS_IO_MASK);
        return (uint32_t)~mask + 1;
    }
    if ((lo & PCI_BASE_ADDRESS_MEM_TYPE_MASK) ==
        PCI_BASE_ADDRESS_MEM_TYPE_64) {
        qpci_config_writel(dev, off + 4, 0xffffffff);
        hi = qpci_config_readl(dev, off + 4);
    }
    mask = ((uint64_t)hi << 32) | (lo & PCI_BASE_ADDRESS_MEM_MASK);
    return ~mask + 1;
}

static void test_identity(void)
{
    VgtQtest t;

    vgt_qtest_start(&t, LOG_ARGS, NULL);
    g_assert_cmphex(qpci_config_readw(t.dev, PCI_VENDOR_ID), ==, 0x8086);
    g_assert_cmphex(qpci_config_readw(t.dev, PCI_DEVICE_ID), ==, 0x0412);
    g_assert_cmphex(qpci_config_readb(t.dev, PCI_REVISION_ID), ==, 0x06);
    g_assert_cmphex(qpci_config_readb(t.dev, PCI_CLASS_PROG), ==, 0x00);
    g_assert_cmphex(qpci_config_readw(t.dev, PCI_CLASS_DEVICE), ==, 0x0300);
    g_assert_cmphex(qpci_config_readb(t.dev, PCI_HEADER_TYPE), ==, 0);
    g_assert_cmphex(qpci_config_readb(t.dev, PCI_INTERRUPT_PIN), ==, 1);
    g_assert_cmphex(qpci_config_readw(t.dev, PCI_SUBSYSTEM_VENDOR_ID), ==,
                    0x1af4);
    g_assert_cmphex(qpci_config_readw(t.dev, PCI_SUBSYSTEM_ID), ==, 0x1100);
    vgt_qtest_stop(&t);

    /* subsystem IDs are properties */
    vgt_qtest_start(&t, LOG_ARGS, VGT_QTEST_PROPS
                    ",subsys_vendor_id=0x1028,subsys_id=0x05d7");
    g_assert_cmphex(qpci_config_readw(t.dev, PCI_SUBSYSTEM_VENDOR_ID), ==,
                    0x1028);
    g_assert_cmphex(qpci_config_readw(t.dev, PCI_SUBSYSTEM_ID), ==, 0x05d7);
    vgt_qtest_stop(&t);
}

static void test_q35_slot2(void)
{
    VgtQtest t;

    /* 00:02.0 on the q35 machine too, where the guest driver expects it */
    vgt_qtest_start(&t, LOG_ARGS " -M q35", NULL);
    g_assert_cmphex(qpci_config_readl(t.dev, PCI_VENDOR_ID), ==,
                    0x04128086);
    g_assert_cmphex(qpci_config_readw(t.dev, PCI_CLASS_DEVICE), ==, 0x0300);
    vgt_qtest_stop(&t);
}

static void test_bars(void)
{
    VgtQtest t;
    uint32_t flags;

    vgt_qtest_start(&t, LOG_ARGS, NULL);
    g_assert_cmpuint(bar_size(t.dev, 0, &flags), ==, 4 * MiB);
    g_assert_cmphex(flags, ==, PCI_BASE_ADDRESS_SPACE_MEMORY |
                    PCI_BASE_ADDRESS_MEM_TYPE_64);
    g_assert_cmpuint(bar_size(t.dev, 2, &flags), ==, 128 * MiB);
    g_assert_cmphex(flags, ==, PCI_BASE_ADDRESS_MEM_TYPE_64 |
                    PCI_BASE_ADDRESS_MEM_PREFETCH);
    g_assert_cmpuint(bar_size(t.dev, 4, &flags), ==, 64);
    g_assert_cmphex(flags & PCI_BASE_ADDRESS_SPACE, ==,
                    PCI_BASE_ADDRESS_SPACE_IO);
    /* BAR1/3 are the upper halves of the 64-bit BARs; 5 is unused */
    g_assert_cmpuint(bar_size(t.dev, 5, &flags), ==, 0);
    vgt_qtest_stop(&t);
}

static void test_aperture_default(void)
{
    VgtQtest t;
    uint32_t flags;

    /* default: the GPU's whole 512 MiB aperture (host GM addresses) */
    vgt_qtest_start(&t, NULL, "");
    g_assert_cmpuint(bar_size(t.dev, 2, &flags), ==, 512 * MiB);
    vgt_qtest_stop(&t);
}

static void expect_realize_error(const char *props, const char *message)
{
    const char *qemu = g_getenv("QTEST_QEMU_BINARY");
    g_autofree char *cmd = NULL;
    g_autofree char *err = NULL;
    int status;

    g_assert_nonnull(qemu);
    cmd = g_strdup_printf("%s -M pc -accel qtest -display none -nodefaults "
                          "-vga none -device vgt,%s", qemu, props);
    g_assert_true(g_spawn_command_line_sync(cmd, NULL, &err, &status, NULL));
    g_assert_true(!WIFEXITED(status) || WEXITSTATUS(status) != 0);
    g_assert_nonnull(strstr(err, message));
}

static void test_bad_properties(void)
{
    expect_realize_error("aperture_size=100M", "not a power of two");
    expect_realize_error("aperture_size=32M", "aperture_size must be");
    expect_realize_error("aperture_size=1G", "aperture_size must be");
    expect_realize_error("stolen_size=16M", "stolen_size must be");
    expect_realize_error("stolen_size=1G", "stolen_size must be");
    /* workloads in flight per engine: 1 (one at a time) to 8 */
    expect_realize_error("x-submit-depth=0", "x-submit-depth=0: the device "
                         "keeps 1 to 8 workloads per engine");
    expect_realize_error("x-submit-depth=9", "x-submit-depth=9");
    /* the VM's mappable slice must lie below the guest's aperture end */
    expect_realize_error("aperture_size=64M", "aperture_size 64 MiB is too "
                         "small");
    expect_realize_error("low_gm_sz=0", "low_gm_sz");
    expect_realize_error("low_gm_sz=513", "low_gm_sz");
    expect_realize_error("high_gm_sz=1537", "high_gm_sz");
    expect_realize_error("fence_sz=0", "fence_sz");
    expect_realize_error("fence_sz=33", "fence_sz");
    /* more than the GPU has: the helper names what is exhausted */
    expect_realize_error("low_gm_sz=512", "cannot give this VM");
    expect_realize_error("xres=320", "monitor resolution");
    expect_realize_error("yres=9000", "monitor resolution");
    /* no vgt-hostd on that socket */
    expect_realize_error("helper=/nonexistent/vgt.sock",
                         "cannot reach the helper (/nonexistent/vgt.sock)");
}

static void test_gmch_readonly(void)
{
    VgtQtest t;

    vgt_qtest_start(&t, LOG_ARGS, NULL);
    /* GGMS = 2 MiB GTT, no stolen memory */
    g_assert_cmphex(qpci_config_readw(t.dev, 0x50), ==, 0x0200);
    qpci_config_writew(t.dev, 0x50, 0xffff);
    qpci_config_writel(t.dev, 0x50, 0);
    g_assert_cmphex(qpci_config_readw(t.dev, 0x50), ==, 0x0200);
    g_assert_cmpint(vgt_qtest_log_count(&t, "read-only GMCH"), ==, 2);
    vgt_qtest_stop(&t);

    vgt_qtest_start(&t, LOG_ARGS, VGT_QTEST_PROPS ",stolen_size=64M");
    g_assert_cmphex(qpci_config_readw(t.dev, 0x50), ==, 0x0210);
    vgt_qtest_stop(&t);
}

static void test_bdsm(void)
{
    VgtQtest t;

    vgt_qtest_start(&t, LOG_ARGS, NULL);
    g_assert_cmphex(qpci_config_readl(t.dev, 0x5c), ==, 0);
    qpci_config_writel(t.dev, 0x5c, 0x7f8fffff);
    g_assert_cmphex(qpci_config_readl(t.dev, 0x5c), ==, 0x7f800000);
    vgt_qtest_stop(&t);
}

static void test_readonly_area(void)
{
    VgtQtest t;
    uint32_t off;

    vgt_qtest_start(&t, LOG_ARGS, NULL);
    /* no other byte of the device-specific area takes a write */
    for (off = 0x40; off < 0x100; off += 4) {
        uint32_t before = qpci_config_readl(t.dev, off);

        if (off == 0x5c || off == 0xfc || (off >= 0x90 && off < 0x9c)) {
            continue;
        }
        qpci_config_writel(t.dev, off, 0xa5a5a5a5);
        g_assert_cmphex(qpci_config_readl(t.dev, off), ==, before);
    }
    /* unknown offsets are reported once each */
    g_assert_cmpint(vgt_qtest_log_count(&t, "unimplemented PCI config offset "
                                  "0x44"), ==, 1);
    vgt_qtest_stop(&t);
}

static void test_opregion(void)
{
    VgtQtest t;
    uint8_t buf[16];
    uint32_t bdb;

    vgt_qtest_start(&t, LOG_ARGS, NULL);
    g_assert_cmphex(qpci_config_readl(t.dev, 0xfc), ==, 0);
    qtest_memread(t.qts, OPREGION_GPA, buf, sizeof(buf));
    g_assert_cmpmem(buf, 16, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);

    /* firmware (or hvmloader) tells the device where the OpRegion goes */
    qpci_config_writel(t.dev, 0xfc, OPREGION_GPA);
    g_assert_cmphex(qpci_config_readl(t.dev, 0xfc), ==, OPREGION_GPA);
    qtest_memread(t.qts, OPREGION_GPA, buf, sizeof(buf));
    g_assert_cmpmem(buf, 16, "IntelGraphicsMem", 16);
    g_assert_cmpuint(qtest_readb(t.qts, OPREGION_GPA + 0x17), ==, 2);

    /* mailbox 4: a VBT whose BDB the driver can walk */
    qtest_memread(t.qts, OPREGION_GPA + 0x400, buf, 4);
    g_assert_cmpmem(buf, 4, "$VBT", 4);
    bdb = qtest_readl(t.qts, OPREGION_GPA + 0x400 + 0x1c);
    qtest_memread(t.qts, OPREGION_GPA + 0x400 + bdb, buf, 16);
    g_assert_cmpmem(buf, 16, "BIOS_DATA_BLOCK ", 16);
    g_assert_cmpuint(qtest_readw(t.qts, OPREGION_GPA + 0x400 + bdb + 0x10),
                     ==, 155);

    /* the driver's mailbox writes stick (ACPI drdy at +0x100) */
    qtest_writel(t.qts, OPREGION_GPA + 0x100, 1);
    g_assert_cmphex(qtest_readl(t.qts, OPREGION_GPA + 0x100), ==, 1);

    /* moving ASLS moves the OpRegion; the old place is plain RAM again */
    qpci_config_writel(t.dev, 0xfc, OPREGION_GPA + 0x10000);
    qtest_memread(t.qts, OPREGION_GPA + 0x10000, buf, sizeof(buf));
    g_assert_cmpmem(buf, 16, "IntelGraphicsMem", 16);
    g_assert_cmphex(qtest_readl(t.qts, OPREGION_GPA), ==, 0);
    qpci_config_writel(t.dev, 0xfc, 0);
    g_assert_cmphex(qtest_readl(t.qts, OPREGION_GPA + 0x10000), ==, 0);

    /*
     * ASLS holds a page address: the low bits a guest writes are dropped,
     * so the OpRegion never sits across pages it does not own (found by
     * the vgt-device fuzz target).  An access across the OpRegion's end
     * (which QEMU's memory core hands the device whole: it wrote past the
     * OpRegion's 8 KiB buffer) takes its bytes from the OpRegion and the
     * memory after it, as a CPU access does.
     */
    qpci_config_writel(t.dev, 0xfc, OPREGION_GPA + 0x10ffd);
    g_assert_cmphex(qpci_config_readl(t.dev, 0xfc), ==,
                    OPREGION_GPA + 0x10000);
    qtest_memread(t.qts, OPREGION_GPA + 0x10000, buf, sizeof(buf));
    g_assert_cmpmem(buf, 16, "IntelGraphicsMem", 16);
    qtest_memset(t.qts, OPREGION_GPA + 0x10000 + 0x2000 - 40, 0x5a, 80);
    qtest_writeq(t.qts, OPREGION_GPA + 0x10000 + 0x2000 - 2,
                 0x1122334455667788ull);
    g_assert_cmphex(qtest_readw(t.qts, OPREGION_GPA + 0x10000 + 0x2000 - 2),
                    ==, 0x7788);
    g_assert_cmphex(qtest_readl(t.qts, OPREGION_GPA + 0x10000 + 0x2000),
                    ==, 0x33445566);
    qpci_config_writel(t.dev, 0xfc, 0);

    /* a reset unmaps it (firmware writes ASLS again on the next boot) */
    qpci_config_writel(t.dev, 0xfc, OPREGION_GPA);
    qtest_qmp_assert_success(t.qts, "{ 'execute': 'system_reset' }");
    g_assert_cmphex(qpci_config_readl(t.dev, 0xfc), ==, 0);
    g_assert_cmphex(qtest_readl(t.qts, OPREGION_GPA), ==, 0);
    vgt_qtest_stop(&t);
}

static void set_debug_irq(VgtQtest *t, bool level)
{
    vgt_qtest_qom_set_bool(t, "x-debug-irq", level);
}

static void test_msi(void)
{
    VgtQtest t;
    uint8_t cap;
    uint16_t flags;

    vgt_qtest_start(&t, LOG_ARGS, NULL);
    qpci_device_enable(t.dev);

    /* the capability list holds MSI at 0x90, alone */
    g_assert_cmphex(qpci_config_readw(t.dev, PCI_STATUS) &
                    PCI_STATUS_CAP_LIST, ==, PCI_STATUS_CAP_LIST);
    cap = qpci_config_readb(t.dev, PCI_CAPABILITY_LIST);
    g_assert_cmphex(cap, ==, 0x90);
    g_assert_cmphex(qpci_config_readb(t.dev, cap), ==, PCI_CAP_ID_MSI);
    g_assert_cmphex(qpci_config_readb(t.dev, cap + 1), ==, 0);
    flags = qpci_config_readw(t.dev, cap + PCI_MSI_FLAGS);
    g_assert_cmphex(flags & PCI_MSI_FLAGS_64BIT, ==, 0);
    g_assert_cmphex(flags & PCI_MSI_FLAGS_MASKBIT, ==, 0);
    g_assert_cmphex(flags & PCI_MSI_FLAGS_QMASK, ==, 0);    /* 1 vector */

    /* INTx first: the line shows in the status register */
    set_debug_irq(&t, true);
    g_assert_cmphex(qpci_config_readw(t.dev, PCI_STATUS) &
                    PCI_STATUS_INTERRUPT, ==, PCI_STATUS_INTERRUPT);
    set_debug_irq(&t, false);
    g_assert_cmphex(qpci_config_readw(t.dev, PCI_STATUS) &
                    PCI_STATUS_INTERRUPT, ==, 0);

    /* MSI: the message lands in guest memory on a rising edge */
    qpci_config_writel(t.dev, cap + PCI_MSI_ADDRESS_LO, MSI_TARGET_GPA);
    qpci_config_writew(t.dev, cap + PCI_MSI_DATA_32, 0x4321);
    qpci_config_writew(t.dev, cap + PCI_MSI_FLAGS,
                       flags | PCI_MSI_FLAGS_ENABLE);
    g_assert_cmphex(qtest_readl(t.qts, MSI_TARGET_GPA), ==, 0);
    set_debug_irq(&t, true);
    g_assert_cmphex(qtest_readl(t.qts, MSI_TARGET_GPA), ==, 0x4321);
    /* no INTx while MSI is enabled, and no second message while high */
    g_assert_cmphex(qpci_config_readw(t.dev, PCI_STATUS) &
                    PCI_STATUS_INTERRUPT, ==, 0);
    qtest_writel(t.qts, MSI_TARGET_GPA, 0);
    set_debug_irq(&t, true);
    g_assert_cmphex(qtest_readl(t.qts, MSI_TARGET_GPA), ==, 0);
    set_debug_irq(&t, false);
    set_debug_irq(&t, true);
    g_assert_cmphex(qtest_readl(t.qts, MSI_TARGET_GPA), ==, 0x4321);
    set_debug_irq(&t, false);
    vgt_qtest_stop(&t);
}

static void test_mmio_register_file(void)
{
    VgtQtest t;

    vgt_qtest_start(&t, LOG_ARGS, NULL);
    vgt_qtest_map(&t);
    /* the guest's vGPU probe: a 64-bit magic read, then u16 version */
    g_assert_cmphex(qpci_io_readq(t.dev, t.bar0, PVINFO_BASE), ==,
                    PVINFO_MAGIC);
    g_assert_cmphex(qpci_io_readl(t.dev, t.bar0, PVINFO_BASE + 4), ==,
                    PVINFO_MAGIC >> 32);
    g_assert_cmphex(qpci_io_readw(t.dev, t.bar0, PVINFO_BASE + 8), ==, 1);
    g_assert_cmphex(qpci_io_readw(t.dev, t.bar0, PVINFO_BASE + 10), ==, 0);
    g_assert_cmphex(qpci_io_readb(t.dev, t.bar0, PVINFO_BASE + 3), ==, 0x76);

    /* read-only registers keep their value and the write is reported */
    qpci_io_writel(t.dev, t.bar0, PVINFO_BASE, 0);
    g_assert_cmphex(qpci_io_readq(t.dev, t.bar0, PVINFO_BASE), ==,
                    PVINFO_MAGIC);
    g_assert_cmpint(vgt_qtest_log_count(&t, "PVINFO_MAGIC_LO (0x78000): write "
                                  "0x00000000 to a read-only register"), ==,
                    1);

    /* a virtualized register keeps what the guest wrote, byte-wise too */
    qpci_io_writel(t.dev, t.bar0, PVINFO_DISPLAY_READY, 0x11223344);
    qpci_io_writeb(t.dev, t.bar0, PVINFO_DISPLAY_READY + 1, 0xaa);
    qpci_io_writew(t.dev, t.bar0, PVINFO_DISPLAY_READY + 2, 0xbbcc);
    g_assert_cmphex(qpci_io_readl(t.dev, t.bar0, PVINFO_DISPLAY_READY), ==,
                    0xbbccaa44);

    /* an unknown register reads 0, drops writes, is reported once */
    qpci_io_writel(t.dev, t.bar0, UNKNOWN_REG, 0xdeadbeef);
    g_assert_cmphex(qpci_io_readl(t.dev, t.bar0, UNKNOWN_REG), ==, 0);
    g_assert_cmphex(qpci_io_readl(t.dev, t.bar0, UNKNOWN_REG), ==, 0);
    g_assert_cmpint(vgt_qtest_log_count(&t, "unimplemented register 0x1ff000"),
                    ==, 1);

    /* a reset restores every register */
    qtest_qmp_assert_success(t.qts, "{ 'execute': 'system_reset' }");
    vgt_qtest_map(&t);   /* the reset cleared the BARs */
    g_assert_cmphex(qpci_io_readq(t.dev, t.bar0, PVINFO_BASE), ==,
                    PVINFO_MAGIC);
    g_assert_cmphex(qpci_io_readl(t.dev, t.bar0, PVINFO_DISPLAY_READY), ==,
                    0);
    vgt_qtest_stop(&t);
}

static void test_io_bar(void)
{
    VgtQtest t;
    QPCIBar io;
    uint64_t size;

    vgt_qtest_start(&t, LOG_ARGS, NULL);
    vgt_qtest_map(&t);
    io = qpci_iomap(t.dev, 4, &size);
    g_assert_cmpuint(size, ==, 64);

    /* index at +0, data at +4, onto the same register file as BAR0 */
    qpci_io_writel(t.dev, io, 0, PVINFO_BASE);
    g_assert_cmphex(qpci_io_readl(t.dev, io, 0), ==, PVINFO_BASE);
    g_assert_cmphex(qpci_io_readl(t.dev, io, 4), ==, (uint32_t)PVINFO_MAGIC);
    qpci_io_writel(t.dev, io, 0, PVINFO_BASE + 4);
    g_assert_cmphex(qpci_io_readl(t.dev, io, 4), ==, PVINFO_MAGIC >> 32);
    qpci_io_writel(t.dev, io, 0, PVINFO_DISPLAY_READY);
    qpci_io_writel(t.dev, io, 4, 1);
    g_assert_cmphex(qpci_io_readl(t.dev, t.bar0, PVINFO_DISPLAY_READY), ==,
                    1);

    /* an index that is no register dword is refused and logged */
    qpci_io_writel(t.dev, io, 0, VGT_MMIO_SIZE);
    qpci_io_writel(t.dev, io, 0, PVINFO_BASE + 2);
    g_assert_cmphex(qpci_io_readl(t.dev, io, 0), ==, PVINFO_DISPLAY_READY);
    g_assert_cmpint(vgt_qtest_log_count(&t, "is not a register dword"), ==, 2);
    vgt_qtest_stop(&t);
}

static void test_hostile_accesses(void)
{
    VgtQtest t;
    QPCIBar io;
    uint64_t size, off;
    int i;

    vgt_qtest_start(&t, LOG_ARGS, NULL);
    vgt_qtest_map(&t);
    io = qpci_iomap(t.dev, 4, &size);

    /* unaligned accesses are refused with a guest error, nothing else */
    qpci_io_writel(t.dev, t.bar0, PVINFO_DISPLAY_READY + 1, 0xffffffff);
    qpci_io_writew(t.dev, t.bar0, PVINFO_DISPLAY_READY + 3, 0xffff);
    qpci_io_writeq(t.dev, t.bar0, PVINFO_DISPLAY_READY + 2, ~0ull);
    g_assert_cmphex(qpci_io_readl(t.dev, t.bar0, PVINFO_BASE + 1), ==, 0);
    g_assert_cmphex(qpci_io_readl(t.dev, t.bar0, PVINFO_DISPLAY_READY), ==,
                    0);
    g_assert_cmpint(vgt_qtest_log_count(&t, "unaligned"), ==, 4);

    /* every size at both ends of the register space and into the GTT */
    for (off = 0; off < VGT_BAR0_SIZE; off += VGT_MMIO_SIZE - 8) {
        qpci_io_writeb(t.dev, t.bar0, off, 0xff);
        qpci_io_writew(t.dev, t.bar0, off, 0xffff);
        qpci_io_writel(t.dev, t.bar0, off, 0xffffffff);
        qpci_io_writeq(t.dev, t.bar0, off, ~0ull);
        qpci_io_readb(t.dev, t.bar0, off);
        qpci_io_readw(t.dev, t.bar0, off);
        qpci_io_readl(t.dev, t.bar0, off);
        qpci_io_readq(t.dev, t.bar0, off);
    }
    /* the very last bytes of BAR0, and past its end */
    qpci_io_writeq(t.dev, t.bar0, VGT_BAR0_SIZE - 8, ~0ull);
    qpci_io_readq(t.dev, t.bar0, VGT_BAR0_SIZE - 8);
    qpci_io_writel(t.dev, t.bar0, VGT_BAR0_SIZE, 0xffffffff);
    qpci_io_readl(t.dev, t.bar0, VGT_BAR0_SIZE + 4);

    /* the I/O BAR at every offset and size */
    for (i = 0; i < 64; i++) {
        qpci_io_writeb(t.dev, io, i, 0xff);
        qpci_io_readb(t.dev, io, i);
        if (i < 63) {
            qpci_io_writew(t.dev, io, i, 0xffff);
            qpci_io_readw(t.dev, io, i);
        }
        if (i < 61) {
            qpci_io_writel(t.dev, io, i, 0xffffffff);
            qpci_io_readl(t.dev, io, i);
        }
    }

    /* configuration space: every offset, odd sizes at the top */
    for (i = 0x40; i < 0x100; i++) {
        qpci_config_writeb(t.dev, i, 0xff);
    }
    qpci_config_writew(t.dev, 0xfe, 0xffff);
    qpci_config_writel(t.dev, 0xfc, 0xfffff000);    /* OpRegion at 4G-4K */
    qpci_config_writel(t.dev, 0xfc, 0);

    /* still alive and still itself */
    g_assert_cmphex(qpci_config_readw(t.dev, PCI_DEVICE_ID), ==, 0x0412);
    g_assert_cmphex(qpci_io_readq(t.dev, t.bar0, PVINFO_BASE), ==,
                    PVINFO_MAGIC);
    /* GTT entries at the very end: another VM's, dropped and counted */
    g_assert_cmpuint(vgt_qtest_qom_u64(&t, "x-gtt-refused-range"),
                     >=, 1);
    vgt_qtest_stop(&t);
}

/*
 * Random register, GTT and I/O writes and reads, every size, as a broken
 * or hostile guest might do them: QEMU stays up and the device answers.
 * Bounded, with a fixed seed so a failure reproduces.
 */
static void test_random_accesses(void)
{
    GRand *rnd = g_rand_new_with_seed(0x76677431);
    VgtQtest t;
    QPCIBar io;
    uint64_t size;
    int i;

    vgt_qtest_start(&t, LOG_ARGS, NULL);
    vgt_qtest_map(&t);
    io = qpci_iomap(t.dev, 4, &size);
    for (i = 0; i < 20000; i++) {
        /* registers mostly, sometimes the GTT; dword aligned mostly */
        uint32_t off = g_rand_int_range(rnd, 0, g_rand_int_range(rnd, 0, 8) ?
                                        VGT_MMIO_SIZE : VGT_BAR0_SIZE);
        uint32_t val = g_rand_int(rnd);

        if (g_rand_int_range(rnd, 0, 16)) {
            off &= ~3u;
        }
        /* never stop the test's own view of the device: its BARs */
        switch (g_rand_int_range(rnd, 0, 6)) {
        case 0:
            qpci_io_writeb(t.dev, t.bar0, off, val);
            break;
        case 1:
            qpci_io_writew(t.dev, t.bar0, off & ~1u, val);
            break;
        case 2:
        case 3:
            qpci_io_writel(t.dev, t.bar0, off & ~3u, val);
            break;
        case 4:
            qpci_io_readl(t.dev, t.bar0, off & ~3u);
            break;
        case 5:
            qpci_io_writel(t.dev, io, 0, off & ~3u);
            qpci_io_writel(t.dev, io, 4, val);
            break;
        }
        if (i % 2000 == 0) {
            /* time passes: vblanks, helper events, timers */
            qtest_clock_step(t.qts, 17 * 1000 * 1000);
        }
    }
    /* still alive, still itself */
    g_assert_cmphex(qpci_config_readw(t.dev, PCI_DEVICE_ID), ==, 0x0412);
    g_assert_cmphex(qpci_io_readq(t.dev, t.bar0, PVINFO_BASE), ==,
                    PVINFO_MAGIC);
    g_rand_free(rnd);
    vgt_qtest_stop(&t);
}

/* What i915's ballooning demands (i915_vgpu.c), with @aperture = BAR2. */
static void check_partition(const VgtQtest *p, uint64_t low,
                            uint64_t high, uint32_t fences, uint64_t aperture)
{
    g_assert_cmpuint(p->vgt_id, >=, 1);
    g_assert_cmpuint(p->msize, ==, low);
    g_assert_cmpuint(p->nsize, ==, high);
    g_assert_cmpuint(p->fences, ==, fences);
    g_assert_cmpuint(p->mbase % (4 * KiB), ==, 0);
    g_assert_cmpuint(p->mbase + p->msize, <=, aperture);
    g_assert_cmpuint(p->nbase, >=, VGT_APERTURE_SIZE);
    g_assert_cmpuint(p->nbase + p->nsize, <=, VGT_GM_SIZE);
}

static bool ranges_disjoint(uint64_t a, uint64_t alen, uint64_t b,
                            uint64_t blen)
{
    return a + alen <= b || b + blen <= a;
}

static void check_disjoint(const VgtQtest *a, const VgtQtest *b)
{
    g_assert_cmpuint(a->vgt_id, !=, b->vgt_id);
    g_assert_true(ranges_disjoint(a->mbase, a->msize, b->mbase, b->msize));
    g_assert_true(ranges_disjoint(a->nbase, a->nsize, b->nbase, b->nsize));
}

static void test_partition_embedded(void)
{
    VgtQtest t;

    /* the default: XenGT's 64 MiB / 448 MiB / 4 fences */
    vgt_qtest_start(&t, LOG_ARGS, NULL);
    vgt_qtest_map(&t);
    vgt_qtest_read_partition(&t);
    check_partition(&t, 64 * MiB, 448 * MiB, 4, 128 * MiB);
    /* partition fields are read-only to the guest */
    qpci_io_writel(t.dev, t.bar0, PVINFO_BASE + 0x44, 0);
    g_assert_cmpuint(qpci_io_readl(t.dev, t.bar0, PVINFO_BASE + 0x44), ==,
                     64 * MiB);
    /* and survive a reset (the partition stays, the GTT goes to scratch) */
    qtest_qmp_assert_success(t.qts, "{ 'execute': 'system_reset' }");
    vgt_qtest_map(&t);   /* the reset cleared the BARs */
    vgt_qtest_read_partition(&t);
    check_partition(&t, 64 * MiB, 448 * MiB, 4, 128 * MiB);
    vgt_qtest_stop(&t);

    vgt_qtest_start(&t, LOG_ARGS " -M q35", VGT_QTEST_PROPS
                    ",low_gm_sz=32,high_gm_sz=0,fence_sz=2");
    vgt_qtest_map(&t);
    vgt_qtest_read_partition(&t);
    check_partition(&t, 32 * MiB, 0, 2, 128 * MiB);
    vgt_qtest_stop(&t);
}

static void test_partition_two_devices(void)
{
    VgtQtest a, b;

    /* two vGPUs in one process share the embedded helper */
    vgt_qtest_start(&a, "-device vgt,addr=3,id=b,aperture_size=128M,"
                    "low_gm_sz=16,high_gm_sz=256,fence_sz=8,vga=off", NULL);
    vgt_qtest_attach(&b, &a, 3, "b");
    vgt_qtest_map(&a);
    vgt_qtest_read_partition(&a);
    vgt_qtest_map(&b);
    vgt_qtest_read_partition(&b);
    check_partition(&a, 64 * MiB, 448 * MiB, 4, 128 * MiB);
    check_partition(&b, 16 * MiB, 256 * MiB, 8, 128 * MiB);
    check_disjoint(&a, &b);
    vgt_qtest_stop(&b);
    vgt_qtest_stop(&a);
}

/* A VM on @h's vgt-hostd, enabled, its partition read. */
static void start_socket_vm(VgtQtest *t, VgtQtestHostd *h, const char *props)
{
    vgt_qtest_start_on_hostd(t, h->socket, NULL, props);
    vgt_qtest_map(t);
    vgt_qtest_read_partition(t);
}

static void test_partition_socket(void)
{
    VgtQtestHostd h;
    VgtQtest a, b, c;
    g_autofree char *cmd = NULL;
    g_autofree char *err = NULL;
    const char *qemu = g_getenv("QTEST_QEMU_BINARY");
    uint64_t b_mbase;
    int status;

    if (!vgt_qtest_hostd_start(&h)) {
        g_test_skip("VGT_HOSTD (path to vgt-hostd) not set");
        return;
    }

    /* two VMs on one daemon get disjoint partitions */
    start_socket_vm(&a, &h, "low_gm_sz=128");
    start_socket_vm(&b, &h, NULL);
    check_partition(&a, 128 * MiB, 448 * MiB, 4, 512 * MiB);
    check_partition(&b, 64 * MiB, 448 * MiB, 4, 512 * MiB);
    check_disjoint(&a, &b);

    /* a VM that dies frees its share; the other keeps its own */
    qtest_kill_qemu(a.qts);
    vgt_qtest_stop(&a);
    g_assert_true(vgt_qtest_hostd_alive(&h));
    start_socket_vm(&c, &h, "low_gm_sz=128");
    check_partition(&c, 128 * MiB, 448 * MiB, 4, 512 * MiB);
    check_disjoint(&b, &c);
    b_mbase = b.mbase;
    vgt_qtest_read_partition(&b);
    g_assert_cmpuint(b.mbase, ==, b_mbase);

    /* guest RAM that is not a shared memfd is refused with advice */
    cmd = g_strdup_printf("%s -M pc -accel qtest -display none -nodefaults "
                          "-vga none -device vgt,helper=%s", qemu, h.socket);
    g_assert_true(g_spawn_command_line_sync(cmd, NULL, &err, &status, NULL));
    g_assert_true(!WIFEXITED(status) || WEXITSTATUS(status) != 0);
    g_assert_nonnull(strstr(err, "memory-backend-memfd"));

    vgt_qtest_stop(&b);
    vgt_qtest_stop(&c);
    g_assert_true(vgt_qtest_hostd_alive(&h));
    vgt_qtest_hostd_stop(&h);
}

/* Two QEMUs on vgt.ko's /dev/vgt ($VGT_QTEST_KERNEL): as on vgt-hostd. */
static void start_kernel_vm(VgtQtest *t, const char *props)
{
    vgt_qtest_start_on_kernel(t, NULL, props);
    vgt_qtest_map(t);
    vgt_qtest_read_partition(t);
}

static void test_partition_kernel(void)
{
    VgtQtest a, b, c;
    uint64_t b_mbase;

    /* plain guest RAM: the module pins it, no memfd needed */
    start_kernel_vm(&a, "low_gm_sz=128");
    start_kernel_vm(&b, NULL);
    check_partition(&a, 128 * MiB, 448 * MiB, 4, 512 * MiB);
    check_partition(&b, 64 * MiB, 448 * MiB, 4, 512 * MiB);
    check_disjoint(&a, &b);

    /* a VM that dies (its file closed by the kernel) frees its share */
    qtest_kill_qemu(a.qts);
    vgt_qtest_stop(&a);
    start_kernel_vm(&c, "low_gm_sz=128");
    check_partition(&c, 128 * MiB, 448 * MiB, 4, 512 * MiB);
    check_disjoint(&b, &c);
    b_mbase = b.mbase;
    vgt_qtest_read_partition(&b);
    g_assert_cmpuint(b.mbase, ==, b_mbase);
    vgt_qtest_stop(&b);
    vgt_qtest_stop(&c);
}

/*
 * helper= chooses the transport: empty is the embedded helper; a
 * character device or a path under /dev/ is vgt.ko's, and what goes wrong
 * there is said plainly (no /dev/vgt needed for these).
 */
static void test_helper_kernel_errors(void)
{
    VgtQtest t;

    vgt_qtest_start(&t, NULL, VGT_QTEST_PROPS ",helper=");
    vgt_qtest_map(&t);
    vgt_qtest_read_partition(&t);
    g_assert_cmpuint(t.msize, ==, 64 * MiB);
    vgt_qtest_stop(&t);

    expect_realize_error("helper=/dev/vgt-qtest-missing",
                         "cannot reach the helper (/dev/vgt-qtest-missing): "
                         "cannot open /dev/vgt-qtest-missing: No such file "
                         "or directory; is vgt.ko loaded and bound to a "
                         "Haswell GPU?");
    /* a character device that is not vgt's */
    expect_realize_error("helper=/dev/null",
                         "cannot reach the helper (/dev/null): ABI version "
                         "mismatch: not a vgt device");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/vgt/pci/identity", test_identity);
    qtest_add_func("/vgt/pci/q35-slot2", test_q35_slot2);
    qtest_add_func("/vgt/pci/bars", test_bars);
    qtest_add_func("/vgt/pci/aperture-default", test_aperture_default);
    qtest_add_func("/vgt/pci/bad-properties", test_bad_properties);
    qtest_add_func("/vgt/cfg/gmch-readonly", test_gmch_readonly);
    qtest_add_func("/vgt/cfg/bdsm", test_bdsm);
    qtest_add_func("/vgt/cfg/readonly-area", test_readonly_area);
    qtest_add_func("/vgt/cfg/opregion", test_opregion);
    qtest_add_func("/vgt/cfg/msi", test_msi);
    qtest_add_func("/vgt/mmio/register-file", test_mmio_register_file);
    qtest_add_func("/vgt/mmio/io-bar", test_io_bar);
    qtest_add_func("/vgt/mmio/hostile-accesses", test_hostile_accesses);
    qtest_add_func("/vgt/mmio/random-accesses", test_random_accesses);
    qtest_add_func("/vgt/helper/partition-embedded", test_partition_embedded);
    qtest_add_func("/vgt/helper/two-devices", test_partition_two_devices);
    qtest_add_func("/vgt/helper/partition-socket", test_partition_socket);
    qtest_add_func("/vgt/helper/kernel-errors", test_helper_kernel_errors);
    if (vgt_qtest_kernel_wanted()) {
        qtest_add_func("/vgt/helper/partition-kernel", test_partition_kernel);
    }
    return g_test_run();
}
