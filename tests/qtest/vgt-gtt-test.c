/*
 * qtests of the vgt device's graphics memory: GTT writes inside and
 * outside the VM's partition and pointing inside and outside guest RAM,
 * the guest view read back, partial and unaligned accesses, the aperture
 * (BAR2) reaching guest pages through the GTT, fence partitioning, and
 * isolation between two devices in one QEMU and two QEMUs on one
 * vgt-hostd.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include <sys/prctl.h>
#include "libqtest.h"
#include "vgt-qtest.h"
#include "libqos/pci.h"
#include "libqos/pci-pc.h"
#include "qapi/qmp/qdict.h"
#include "hw/vgt.h"

#define PVINFO_BASE         0x78000
#define FENCE_LO(i)         (0x100000 + 8 * (i))
#define FENCE_HI(i)         (0x100004 + 8 * (i))
#define GTT(i)              (VGT_MMIO_SIZE + 4 * (uint64_t)(i))
#define PAGE                4096

/* Guest RAM pages the tests point GTT entries at (-m 128M). */
#define RAM_A               0x01000000ull
#define RAM_B               0x01100000ull
#define RAM_C               0x01200000ull
#define NOT_RAM             0x1000000000ull     /* 64 GiB: nothing there */

typedef struct Vm {
    QTestState *qts;
    QPCIBus *bus;
    QPCIDevice *dev;
    QPCIBar bar0, bar2;
    uint64_t bar2_addr;
    uint64_t mbase, msize, nbase, nsize;    /* GM ranges (PVINFO) */
    uint32_t fences;
    char *id;
    char *log_path;
} Vm;

/* A Haswell PTE for guest-physical @gpa. */
static uint32_t pte(uint64_t gpa)
{
    return (gpa & 0xfffff000u) | ((gpa >> 28) & 0x7f0) | 1;
}

static void vm_attach(Vm *vm, QTestState *qts, QPCIBus *bus, int slot,
                      const char *id)
{
    uint64_t size;

    vm->qts = qts;
    vm->bus = bus;
    vm->id = g_strdup(id);
    vm->dev = qpci_device_find(bus, QPCI_DEVFN(slot, 0));
    g_assert_nonnull(vm->dev);
    qpci_device_enable(vm->dev);
    vm->bar0 = qpci_iomap(vm->dev, 0, NULL);
    vm->bar2 = qpci_iomap(vm->dev, 2, &size);
    vm->bar2_addr = qpci_config_readl(vm->dev, 0x18) & ~0xfull;
    vm->bar2_addr |= (uint64_t)qpci_config_readl(vm->dev, 0x1c) << 32;
    vm->mbase = qpci_io_readl(vm->dev, vm->bar0, PVINFO_BASE + 0x40);
    vm->msize = qpci_io_readl(vm->dev, vm->bar0, PVINFO_BASE + 0x44);
    vm->nbase = qpci_io_readl(vm->dev, vm->bar0, PVINFO_BASE + 0x48);
    vm->nsize = qpci_io_readl(vm->dev, vm->bar0, PVINFO_BASE + 0x4c);
    vm->fences = qpci_io_readl(vm->dev, vm->bar0, PVINFO_BASE + 0x50);
    g_assert_cmpuint(vm->msize, >, 0);
}

static void vm_start(Vm *vm, const char *props)
{
    QTestState *qts;
    vm->log_path = vgt_qtest_log_file("vgt-gtt-test");
    qts = qtest_initf("-M pc -m 128M -nodefaults -vga none "
                      "-d guest_errors -D %s -device vgt,addr=2,id=gpu,"
                      "aperture_size=128M%s", vm->log_path, props);
    vm_attach(vm, qts, qpci_new_pc(qts, NULL), 2, "gpu");
}

static void vm_stop(Vm *vm)
{
    g_free(vm->dev);
    qpci_free_pc(vm->bus);
    qtest_quit(vm->qts);
    if (vm->log_path) {
        unlink(vm->log_path);
        g_free(vm->log_path);
    }
    g_free(vm->id);
}

static uint64_t qom_u64(Vm *vm, const char *prop)
{
    /* A register access first: it sends queued GTT entries. */
    qpci_io_readl(vm->dev, vm->bar0, PVINFO_BASE);
    return vgt_qtest_qom_u64(vm->qts, vm->id, prop);
}

static int log_count(Vm *vm, const char *needle)
{
    return vgt_qtest_log_count(vm->qts, vm->log_path, needle);
}

static uint32_t gtt_r(Vm *vm, uint32_t i)
{
    return qpci_io_readl(vm->dev, vm->bar0, GTT(i));
}

static void gtt_w(Vm *vm, uint32_t i, uint32_t v)
{
    qpci_io_writel(vm->dev, vm->bar0, GTT(i), v);
}

static uint32_t first_mappable(Vm *vm)
{
    return vm->mbase / PAGE;
}

/* Reads return exactly what the guest wrote, at every access size. */
static void test_gtt_readback(void)
{
    Vm vm = { 0 };
    uint32_t mb;

    vm_start(&vm, "");
    mb = first_mappable(&vm);

    gtt_w(&vm, mb, pte(RAM_A) | 0x6);                 /* cached */
    g_assert_cmphex(gtt_r(&vm, mb), ==, pte(RAM_A) | 0x6);
    /* an 8-byte write is two entries, low one first */
    qpci_io_writeq(vm.dev, vm.bar0, GTT(mb + 2),
                   ((uint64_t)pte(RAM_C) << 32) | pte(RAM_B));
    g_assert_cmphex(gtt_r(&vm, mb + 2), ==, pte(RAM_B));
    g_assert_cmphex(gtt_r(&vm, mb + 3), ==, pte(RAM_C));
    g_assert_cmphex(qpci_io_readq(vm.dev, vm.bar0, GTT(mb + 2)), ==,
                    ((uint64_t)pte(RAM_C) << 32) | pte(RAM_B));
    /* dword aligned is enough for 8 bytes */
    qpci_io_writeq(vm.dev, vm.bar0, GTT(mb + 5), 0x1111111022222220ull);
    g_assert_cmphex(gtt_r(&vm, mb + 5), ==, 0x22222220);
    g_assert_cmphex(gtt_r(&vm, mb + 6), ==, 0x11111110);
    /* byte and word writes merge into the entry */
    gtt_w(&vm, mb + 4, 0);
    qpci_io_writew(vm.dev, vm.bar0, GTT(mb + 4) + 2, 0x0120);
    qpci_io_writeb(vm.dev, vm.bar0, GTT(mb + 4), 0x01);
    g_assert_cmphex(gtt_r(&vm, mb + 4), ==, 0x01200001);
    g_assert_cmphex(qpci_io_readw(vm.dev, vm.bar0, GTT(mb + 4) + 2), ==,
                    0x0120);
    g_assert_cmphex(qpci_io_readb(vm.dev, vm.bar0, GTT(mb + 4) + 3), ==,
                    0x01);
    /* invalid entries keep every bit the guest wrote (PDE readback) */
    gtt_w(&vm, mb + 7, 0xdeadbee0);
    g_assert_cmphex(gtt_r(&vm, mb + 7), ==, 0xdeadbee0);
    /* the non-mappable range works the same */
    gtt_w(&vm, vm.nbase / PAGE, pte(RAM_A));
    g_assert_cmphex(gtt_r(&vm, vm.nbase / PAGE), ==, pte(RAM_A));

    /* unaligned: no effect, reads 0, counted */
    qpci_io_writel(vm.dev, vm.bar0, GTT(mb) + 1, 0xffffffff);
    qpci_io_writew(vm.dev, vm.bar0, GTT(mb) + 3, 0xffff);
    g_assert_cmphex(gtt_r(&vm, mb), ==, pte(RAM_A) | 0x6);
    g_assert_cmphex(qpci_io_readl(vm.dev, vm.bar0, GTT(mb) + 2), ==, 0);
    g_assert_cmpuint(qom_u64(&vm, "x-gtt-refused-access"), ==, 3);

    /* everything in range reached the helper, nothing else was refused */
    g_assert_cmpuint(qom_u64(&vm, "x-gtt-written"), ==, 10);
    g_assert_cmpuint(qom_u64(&vm, "x-gtt-refused-range"), ==, 0);
    g_assert_cmpuint(qom_u64(&vm, "x-gtt-refused-gfn"), ==, 0);
    g_assert_cmpuint(qom_u64(&vm, "x-gtt-refused-helper"), ==, 0);

    /* a reset clears the guest view */
    qtest_qmp_assert_success(vm.qts, "{ 'execute': 'system_reset' }");
    qpci_device_enable(vm.dev);
    vm.bar0 = qpci_iomap(vm.dev, 0, NULL);
    g_assert_cmphex(gtt_r(&vm, mb), ==, 0);
    vm_stop(&vm);
}

static void test_gtt_refusals(void)
{
    Vm vm = { 0 };
    uint32_t mb, nend, total;

    vm_start(&vm, "");
    mb = first_mappable(&vm);
    nend = (vm.nbase + vm.nsize) / PAGE;
    g_assert_cmpuint(nend, <, VGT_GTT_ENTRIES);

    /* outside the partition: the helper's share, above non-mappable */
    gtt_w(&vm, 0, pte(RAM_A));
    gtt_w(&vm, mb - 1, pte(RAM_A));
    gtt_w(&vm, (vm.mbase + vm.msize) / PAGE, pte(RAM_A));
    gtt_w(&vm, nend, pte(RAM_A));
    gtt_w(&vm, VGT_GTT_ENTRIES - 1, 0);
    g_assert_cmpuint(qom_u64(&vm, "x-gtt-refused-range"), ==, 5);
    /* the guest still reads what it wrote */
    g_assert_cmphex(gtt_r(&vm, 0), ==, pte(RAM_A));
    g_assert_cmphex(gtt_r(&vm, nend), ==, pte(RAM_A));

    /* inside, pointing outside guest RAM: beyond it, at MMIO, at itself */
    gtt_w(&vm, mb, pte(NOT_RAM));
    gtt_w(&vm, mb + 1, pte(128 * MiB));
    gtt_w(&vm, mb + 2, pte(0xfee00000));
    gtt_w(&vm, mb + 3, pte(vm.bar2_addr + vm.mbase));
    g_assert_cmpuint(qom_u64(&vm, "x-gtt-refused-gfn"), ==, 4);
    g_assert_cmphex(gtt_r(&vm, mb), ==, pte(NOT_RAM));
    /* the same entries without the valid bit are fine */
    gtt_w(&vm, mb + 4, pte(NOT_RAM) & ~1u);
    g_assert_cmpuint(qom_u64(&vm, "x-gtt-refused-gfn"), ==, 4);
    g_assert_cmpuint(qom_u64(&vm, "x-gtt-refused-helper"), ==, 0);
    /*
     * Only the frames are guest errors: i915 writes its scratch entry over
     * the ballooned ranges by design, so those are counted, not logged.
     */
    g_assert_cmpint(log_count(&vm, "vgt: GTT entry"), ==, 4);
    qtest_memset(vm.qts, vm.bar0.addr + GTT(0), 0, 5000 * 4);
    g_assert_cmpuint(qom_u64(&vm, "x-gtt-refused-range"), ==, 5 + 5000);
    g_assert_cmpint(log_count(&vm, "vgt: GTT entry"), ==, 4);

    /* a flood of bad frames: 16 lines, then one line per 4096 */
    qtest_memset(vm.qts, vm.bar0.addr + GTT(mb), 0xff, 5000 * 4);
    total = 4 + 5000;
    g_assert_cmpuint(qom_u64(&vm, "x-gtt-refused-gfn"), ==, total);
    g_assert_cmpint(log_count(&vm, "vgt: GTT entry"), ==, 16);
    g_assert_cmpint(log_count(&vm, "GTT writes refused so far"), ==,
                    total / 4096);
    vm_stop(&vm);
}

/* The aperture reaches the guest pages the GTT points at. */
static void aperture_checks(const char *props)
{
    Vm vm = { 0 };
    uint32_t mb;
    uint8_t buf[2 * PAGE], back[PAGE];
    int i;

    vm_start(&vm, props);
    mb = first_mappable(&vm);
    qtest_memset(vm.qts, RAM_A, 'a', PAGE);
    qtest_memset(vm.qts, RAM_B, 'b', PAGE);
    qtest_memset(vm.qts, RAM_C, 'c', PAGE);
    gtt_w(&vm, mb, pte(RAM_A));
    gtt_w(&vm, mb + 1, pte(RAM_B));

    g_assert_cmphex(qpci_io_readl(vm.dev, vm.bar2, vm.mbase), ==,
                    0x61616161);
    g_assert_cmphex(qpci_io_readq(vm.dev, vm.bar2, vm.mbase + PAGE + 8),
                    ==, 0x6262626262626262ull);
    g_assert_cmphex(qpci_io_readb(vm.dev, vm.bar2, vm.mbase + PAGE - 1),
                    ==, 'a');

    /* a write across the two aperture pages lands in both RAM pages */
    for (i = 0; i < sizeof(buf); i++) {
        buf[i] = i * 7;
    }
    qpci_memwrite(vm.dev, vm.bar2, vm.mbase, buf, sizeof(buf));
    qtest_memread(vm.qts, RAM_A, back, PAGE);
    g_assert_cmpmem(back, PAGE, buf, PAGE);
    qtest_memread(vm.qts, RAM_B, back, PAGE);
    g_assert_cmpmem(back, PAGE, buf + PAGE, PAGE);
    memset(back, 0, sizeof(back));
    qpci_memread(vm.dev, vm.bar2, vm.mbase + PAGE, back, PAGE);
    g_assert_cmpmem(back, PAGE, buf + PAGE, PAGE);
    /* an unaligned access within a page */
    qpci_io_writel(vm.dev, vm.bar2, vm.mbase + 5, 0x04030201);
    g_assert_cmphex(qtest_readl(vm.qts, RAM_A + 4) >> 8, ==, 0x030201);
    g_assert_cmphex(qpci_io_readl(vm.dev, vm.bar2, vm.mbase + 5), ==,
                    0x04030201);

    /* a new entry: the aperture follows it at once */
    gtt_w(&vm, mb, pte(RAM_C));
    g_assert_cmphex(qpci_io_readl(vm.dev, vm.bar2, vm.mbase), ==,
                    0x63636363);
    qpci_io_writel(vm.dev, vm.bar2, vm.mbase + 16, 0x12345678);
    g_assert_cmphex(qtest_readl(vm.qts, RAM_C + 16), ==, 0x12345678);
    g_assert_cmphex(qtest_readl(vm.qts, RAM_A + 16), ==,
                    buf[16] | buf[17] << 8 | buf[18] << 16 |
                    (uint32_t)buf[19] << 24);
    g_assert_cmpuint(qom_u64(&vm, "x-aperture-errors"), ==, 0);

    /* invalid, refused, and not this VM's: reads 0, writes dropped */
    gtt_w(&vm, mb, pte(RAM_C) & ~1u);
    g_assert_cmphex(qpci_io_readl(vm.dev, vm.bar2, vm.mbase + 16), ==, 0);
    qpci_io_writel(vm.dev, vm.bar2, vm.mbase + 16, 0xdeadbeef);
    g_assert_cmphex(qtest_readl(vm.qts, RAM_C + 16), ==, 0x12345678);
    gtt_w(&vm, mb, pte(NOT_RAM));
    g_assert_cmphex(qpci_io_readl(vm.dev, vm.bar2, vm.mbase), ==, 0);
    g_assert_cmphex(qpci_io_readl(vm.dev, vm.bar2, 0), ==, 0);
    qpci_io_writel(vm.dev, vm.bar2, 0, 0xdeadbeef);
    g_assert_cmphex(qpci_io_readq(vm.dev, vm.bar2, 128 * MiB - 8), ==, 0);
    g_assert_cmpuint(qom_u64(&vm, "x-aperture-errors"), ==, 6);
    g_assert_cmpint(log_count(&vm, "its GTT entry is not valid"), ==, 2);
    g_assert_cmpint(log_count(&vm, "its GTT entry was refused"), ==, 1);
    g_assert_cmpint(log_count(&vm, "outside this VM's mappable"), ==, 3);
    /* entry mb + 1 was untouched */
    g_assert_cmphex(qpci_io_readl(vm.dev, vm.bar2, vm.mbase + PAGE), ==,
                    qtest_readl(vm.qts, RAM_B));
    g_assert_cmphex(qtest_readl(vm.qts, RAM_B), ==,
                    buf[PAGE] | buf[PAGE + 1] << 8 | buf[PAGE + 2] << 16 |
                    (uint32_t)buf[PAGE + 3] << 24);

    /* a reset unmaps everything */
    qtest_qmp_assert_success(vm.qts, "{ 'execute': 'system_reset' }");
    qpci_device_enable(vm.dev);
    vm.bar0 = qpci_iomap(vm.dev, 0, NULL);
    vm.bar2 = qpci_iomap(vm.dev, 2, NULL);
    g_assert_cmphex(qpci_io_readl(vm.dev, vm.bar2, vm.mbase + PAGE), ==, 0);
    vm_stop(&vm);
}

static void test_aperture(void)
{
    aperture_checks("");
}

static void test_aperture_trap(void)
{
    aperture_checks(",x-aperture-trap=on");
}

static void fence_set(Vm *vm, int i, uint64_t start, uint64_t size,
                      uint32_t pitch)
{
    /* as i915 does it: disable, end and pitch, start and valid */
    qpci_io_writel(vm->dev, vm->bar0, FENCE_LO(i), 0);
    qpci_io_writel(vm->dev, vm->bar0, FENCE_HI(i),
                   (start + size - PAGE) | (pitch / 128 - 1));
    qpci_io_writel(vm->dev, vm->bar0, FENCE_LO(i), start | 1);
}

static void test_fences(void)
{
    Vm vm = { 0 };
    uint64_t errors;

    vm_start(&vm, ",fence_sz=4");
    g_assert_cmpuint(vm.fences, ==, 4);
    g_assert_cmpuint(qom_u64(&vm, "x-fence-live"), ==, 0);

    fence_set(&vm, 0, vm.mbase, 64 * KiB, 512);
    g_assert_cmphex(qpci_io_readl(vm.dev, vm.bar0, FENCE_LO(0)), ==,
                    vm.mbase | 1);
    g_assert_cmphex(qpci_io_readl(vm.dev, vm.bar0, FENCE_HI(0)), ==,
                    (vm.mbase + 60 * KiB) | 3);
    g_assert_cmpuint(qom_u64(&vm, "x-fence-live"), ==, 1);
    /* a 64-bit write: the low dword waits for the high one */
    qpci_io_writeq(vm.dev, vm.bar0, FENCE_LO(1),
                   ((vm.nbase + 4 * MiB - PAGE) << 32) | vm.nbase | 3);
    g_assert_cmpuint(qom_u64(&vm, "x-fence-live"), ==, 3);
    /* a valid LO alone waits for its HI */
    qpci_io_writel(vm.dev, vm.bar0, FENCE_LO(2), vm.mbase | 1);
    g_assert_cmpuint(qom_u64(&vm, "x-fence-live"), ==, 3);
    qpci_io_writel(vm.dev, vm.bar0, FENCE_HI(2), vm.mbase);
    g_assert_cmpuint(qom_u64(&vm, "x-fence-live"), ==, 7);
    g_assert_cmpuint(qom_u64(&vm, "x-fence-errors"), ==, 0);

    /* a range outside this VM's graphics memory is refused */
    fence_set(&vm, 3, 0, 64 * KiB, 512);
    g_assert_cmpuint(qom_u64(&vm, "x-fence-live"), ==, 7);
    fence_set(&vm, 3, vm.mbase + vm.msize - PAGE, 2 * PAGE, 512);
    g_assert_cmpuint(qom_u64(&vm, "x-fence-live"), ==, 7);
    /* reserved bits */
    qpci_io_writel(vm.dev, vm.bar0, FENCE_LO(3), vm.mbase | 0x11);
    qpci_io_writel(vm.dev, vm.bar0, FENCE_HI(3), vm.mbase);
    g_assert_cmpuint(qom_u64(&vm, "x-fence-live"), ==, 7);
    g_assert_cmphex(qpci_io_readl(vm.dev, vm.bar0, FENCE_LO(3)), ==,
                    vm.mbase | 0x11);
    errors = qom_u64(&vm, "x-fence-errors");
    g_assert_cmpuint(errors, ==, 3);

    /* fences beyond fence_num are not this VM's */
    qpci_io_writel(vm.dev, vm.bar0, FENCE_LO(4), vm.mbase | 1);
    qpci_io_writel(vm.dev, vm.bar0, FENCE_HI(31), 0xffffffff);
    g_assert_cmphex(qpci_io_readl(vm.dev, vm.bar0, FENCE_LO(4)), ==, 0);
    g_assert_cmphex(qpci_io_readq(vm.dev, vm.bar0, FENCE_LO(31)), ==, 0);
    g_assert_cmpuint(qom_u64(&vm, "x-fence-errors"), ==, errors + 5);
    g_assert_cmpint(log_count(&vm, "not this VM's (it has 4)"), ==, 5);

    /* disabling is immediate; a reset clears them all */
    qpci_io_writel(vm.dev, vm.bar0, FENCE_LO(0), 0);
    g_assert_cmpuint(qom_u64(&vm, "x-fence-live"), ==, 6);
    qtest_qmp_assert_success(vm.qts, "{ 'execute': 'system_reset' }");
    g_assert_cmpuint(qom_u64(&vm, "x-fence-live"), ==, 0);
    vm_stop(&vm);
}

/*
 * VM @a maps its first aperture page to @ram (filled with @fill); VM @b
 * then writes the same GTT entry: refused, and @a's page is unchanged.
 */
static void check_isolation(Vm *a, uint64_t ram_a, Vm *b, uint64_t ram_b)
{
    uint32_t ia = first_mappable(a), ib = first_mappable(b);
    uint64_t refused = qom_u64(b, "x-gtt-refused-range");

    qtest_memset(a->qts, ram_a, 0xa1, PAGE);
    qtest_memset(b->qts, ram_b, 0xb2, PAGE);
    gtt_w(a, ia, pte(ram_a));
    gtt_w(b, ib, pte(ram_b));
    g_assert_cmphex(qpci_io_readl(a->dev, a->bar2, a->mbase), ==,
                    0xa1a1a1a1);
    g_assert_cmphex(qpci_io_readl(b->dev, b->bar2, b->mbase), ==,
                    0xb2b2b2b2);

    gtt_w(b, ia, pte(ram_b));
    gtt_w(b, a->nbase / PAGE, pte(ram_b));
    g_assert_cmpuint(qom_u64(b, "x-gtt-refused-range"), ==, refused + 2);
    g_assert_cmphex(gtt_r(a, ia), ==, pte(ram_a));
    g_assert_cmphex(qpci_io_readl(a->dev, a->bar2, a->mbase), ==,
                    0xa1a1a1a1);
    /* @b's aperture does not reach @a's graphics memory */
    g_assert_cmphex(qpci_io_readl(b->dev, b->bar2, a->mbase), ==, 0);
    g_assert_cmpuint(qom_u64(a, "x-gtt-refused-helper"), ==, 0);
    g_assert_cmpuint(qom_u64(b, "x-gtt-refused-helper"), ==, 0);
}

static bool disjoint(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return a + alen <= b || b + blen <= a;
}

static void test_two_devices(void)
{
    QTestState *qts;
    QPCIBus *bus;
    Vm a = { 0 }, b = { 0 };
    uint64_t fa, fb;

    qts = qtest_init("-M pc -m 128M -nodefaults -vga none "
                     "-device vgt,addr=2,id=a,aperture_size=128M "
                     "-device vgt,addr=3,id=b,aperture_size=128M,"
                     "low_gm_sz=16,high_gm_sz=256,fence_sz=8");
    bus = qpci_new_pc(qts, NULL);
    vm_attach(&a, qts, bus, 2, "a");
    vm_attach(&b, qts, bus, 3, "b");
    g_assert_true(disjoint(a.mbase, a.msize, b.mbase, b.msize));
    g_assert_true(disjoint(a.nbase, a.nsize, b.nbase, b.nsize));
    fa = qom_u64(&a, "x-fence-base");
    fb = qom_u64(&b, "x-fence-base");
    g_assert_true(disjoint(fa, a.fences, fb, b.fences));

    check_isolation(&a, RAM_A, &b, RAM_B);
    check_isolation(&b, RAM_C, &a, RAM_A);
    /* each device's fence 0 is its own */
    fence_set(&a, 0, a.mbase, 64 * KiB, 512);
    fence_set(&b, 0, a.mbase, 64 * KiB, 512);
    g_assert_cmpuint(qom_u64(&a, "x-fence-live"), ==, 1);
    g_assert_cmpuint(qom_u64(&b, "x-fence-live"), ==, 0);

    g_free(b.dev);
    g_free(b.id);
    vm_stop(&a);
}

/* A failed assertion aborts the test: the daemon must not outlive it. */
static void hostd_child_setup(gpointer data)
{
    prctl(PR_SET_PDEATHSIG, SIGTERM);
}

/* Our own vgt-hostd (VGT_HOSTD), as in vgt-test.c. */
static GPid hostd_start(char **dir, char **sock)
{
    const char *bin = g_getenv("VGT_HOSTD");
    GPid pid;
    int i;

    *dir = g_dir_make_tmp("vgt-gtt-hostd-XXXXXX", NULL);
    g_assert_nonnull(*dir);
    *sock = g_build_filename(*dir, "vgt.sock", NULL);
    {
        const char *argv[] = { bin, "--socket", *sock, NULL };

        g_assert_true(g_spawn_async(NULL, (char **)argv, NULL,
                                    G_SPAWN_DO_NOT_REAP_CHILD |
                                    G_SPAWN_STDOUT_TO_DEV_NULL |
                                    G_SPAWN_STDERR_TO_DEV_NULL,
                                    hostd_child_setup, NULL, &pid, NULL));
    }
    for (i = 0; i < 500 && !g_file_test(*sock, G_FILE_TEST_EXISTS); i++) {
        g_usleep(10 * 1000);
    }
    g_assert_true(g_file_test(*sock, G_FILE_TEST_EXISTS));
    return pid;
}

static void socket_vm_start(Vm *vm, const char *sock)
{
    QTestState *qts;

    qts = qtest_initf("-M pc,memory-backend=mem -m 128M -nodefaults "
                      "-vga none -object memory-backend-memfd,id=mem,"
                      "size=128M,share=on -device vgt,addr=2,id=gpu,"
                      "aperture_size=128M,low_gm_sz=32,helper=%s", sock);
    vm_attach(vm, qts, qpci_new_pc(qts, NULL), 2, "gpu");
}

static void test_two_qemus_socket(void)
{
    g_autofree char *dir = NULL;
    g_autofree char *sock = NULL;
    Vm a = { 0 }, b = { 0 };
    GPid pid;
    int status;

    if (!g_getenv("VGT_HOSTD")) {
        g_test_skip("VGT_HOSTD (path to vgt-hostd) not set");
        return;
    }
    pid = hostd_start(&dir, &sock);
    socket_vm_start(&a, sock);
    socket_vm_start(&b, sock);
    g_assert_true(disjoint(a.mbase, a.msize, b.mbase, b.msize));
    g_assert_true(disjoint(qom_u64(&a, "x-fence-base"), a.fences,
                           qom_u64(&b, "x-fence-base"), b.fences));
    check_isolation(&a, RAM_A, &b, RAM_A);
    check_isolation(&b, RAM_B, &a, RAM_C);
    g_assert_cmpuint(qom_u64(&a, "x-gtt-written"), >=, 2);
    g_assert_cmpuint(qom_u64(&b, "x-gtt-written"), >=, 2);
    vm_stop(&a);
    vm_stop(&b);

    kill(pid, SIGTERM);
    g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
    g_assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    g_spawn_close_pid(pid);
    unlink(sock);
    rmdir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/vgt/gtt/readback", test_gtt_readback);
    qtest_add_func("/vgt/gtt/refusals", test_gtt_refusals);
    qtest_add_func("/vgt/aperture/through-gtt", test_aperture);
    qtest_add_func("/vgt/aperture/trap", test_aperture_trap);
    qtest_add_func("/vgt/fence/partition", test_fences);
    qtest_add_func("/vgt/isolation/two-devices", test_two_devices);
    qtest_add_func("/vgt/isolation/two-qemus-socket",
                   test_two_qemus_socket);
    return g_test_run();
}
