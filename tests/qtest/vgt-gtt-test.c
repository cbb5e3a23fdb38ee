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
#include "libqtest.h"
#include "vgt-qtest.h"

#define GTT(i)              VGT_QTEST_GTT(i)

/* Guest RAM pages the tests point GTT entries at (-m 128M). */
#define RAM_A               0x01000000ull
#define RAM_B               0x01100000ull
#define RAM_C               0x01200000ull
#define NOT_RAM             0x1000000000ull     /* 64 GiB: nothing there */

/* Enable the device as its driver does: BAR0, the aperture, PVINFO. */
static void vm_enable(VgtQtest *vm)
{
    vgt_qtest_map(vm);
    vgt_qtest_map_aperture(vm);
    vgt_qtest_read_partition(vm);
    g_assert_cmpuint(vm->msize, >, 0);
}

static void vm_start(VgtQtest *vm, const char *props)
{
    g_autofree char *all_props = g_strconcat(VGT_QTEST_PROPS, props, NULL);

    vgt_qtest_start(vm, "-m 128M -d guest_errors", all_props);
    vm_enable(vm);
}

static uint64_t qom_u64(VgtQtest *vm, const char *prop)
{
    /* A register access first: it sends queued GTT entries. */
    vgt_rd(vm, VGT_QTEST_PVINFO);
    return vgt_qtest_qom_u64(vm, prop);
}

static int log_count(VgtQtest *vm, const char *needle)
{
    return vgt_qtest_log_count(vm, needle);
}

static uint32_t first_mappable(VgtQtest *vm)
{
    return vm->mbase / PAGE;
}

/* Reads return exactly what the guest wrote, at every access size. */
static void test_gtt_readback(void)
{
    VgtQtest vm;
    uint32_t mb;

    vm_start(&vm, "");
    mb = first_mappable(&vm);

    vgt_gtt_wr(&vm, mb, vgt_pte(RAM_A) | 0x6);                 /* cached */
    g_assert_cmphex(vgt_gtt_rd(&vm, mb), ==, vgt_pte(RAM_A) | 0x6);
    /* an 8-byte write is two entries, low one first */
    qpci_io_writeq(vm.dev, vm.bar0, GTT(mb + 2),
                   ((uint64_t)vgt_pte(RAM_C) << 32) | vgt_pte(RAM_B));
    g_assert_cmphex(vgt_gtt_rd(&vm, mb + 2), ==, vgt_pte(RAM_B));
    g_assert_cmphex(vgt_gtt_rd(&vm, mb + 3), ==, vgt_pte(RAM_C));
    g_assert_cmphex(qpci_io_readq(vm.dev, vm.bar0, GTT(mb + 2)), ==,
                    ((uint64_t)vgt_pte(RAM_C) << 32) | vgt_pte(RAM_B));
    /* dword aligned is enough for 8 bytes */
    qpci_io_writeq(vm.dev, vm.bar0, GTT(mb + 5), 0x1111111022222220ull);
    g_assert_cmphex(vgt_gtt_rd(&vm, mb + 5), ==, 0x22222220);
    g_assert_cmphex(vgt_gtt_rd(&vm, mb + 6), ==, 0x11111110);
    /* byte and word writes merge into the entry */
    vgt_gtt_wr(&vm, mb + 4, 0);
    qpci_io_writew(vm.dev, vm.bar0, GTT(mb + 4) + 2, 0x0120);
    qpci_io_writeb(vm.dev, vm.bar0, GTT(mb + 4), 0x01);
    g_assert_cmphex(vgt_gtt_rd(&vm, mb + 4), ==, 0x01200001);
    g_assert_cmphex(qpci_io_readw(vm.dev, vm.bar0, GTT(mb + 4) + 2), ==,
                    0x0120);
    g_assert_cmphex(qpci_io_readb(vm.dev, vm.bar0, GTT(mb + 4) + 3), ==,
                    0x01);
    /* invalid entries keep every bit the guest wrote (PDE readback) */
    vgt_gtt_wr(&vm, mb + 7, 0xdeadbee0);
    g_assert_cmphex(vgt_gtt_rd(&vm, mb + 7), ==, 0xdeadbee0);
    /* the non-mappable range works the same */
    vgt_gtt_wr(&vm, vm.nbase / PAGE, vgt_pte(RAM_A));
    g_assert_cmphex(vgt_gtt_rd(&vm, vm.nbase / PAGE), ==, vgt_pte(RAM_A));

    /* unaligned: no effect, reads 0, counted */
    qpci_io_writel(vm.dev, vm.bar0, GTT(mb) + 1, 0xffffffff);
    qpci_io_writew(vm.dev, vm.bar0, GTT(mb) + 3, 0xffff);
    g_assert_cmphex(vgt_gtt_rd(&vm, mb), ==, vgt_pte(RAM_A) | 0x6);
    g_assert_cmphex(qpci_io_readl(vm.dev, vm.bar0, GTT(mb) + 2), ==, 0);
    g_assert_cmpuint(qom_u64(&vm, "x-gtt-refused-access"), ==, 3);

    /* everything in range reached the helper, nothing else was refused */
    g_assert_cmpuint(qom_u64(&vm, "x-gtt-written"), ==, 10);
    g_assert_cmpuint(qom_u64(&vm, "x-gtt-refused-range"), ==, 0);
    g_assert_cmpuint(qom_u64(&vm, "x-gtt-refused-gfn"), ==, 0);
    g_assert_cmpuint(qom_u64(&vm, "x-gtt-refused-helper"), ==, 0);

    /* a reset clears the guest view */
    qtest_qmp_assert_success(vm.qts, "{ 'execute': 'system_reset' }");
    vgt_qtest_map(&vm);
    g_assert_cmphex(vgt_gtt_rd(&vm, mb), ==, 0);
    vgt_qtest_stop(&vm);
}

static void test_gtt_refusals(void)
{
    VgtQtest vm;
    uint32_t mb, nend, total;

    vm_start(&vm, "");
    mb = first_mappable(&vm);
    nend = (vm.nbase + vm.nsize) / PAGE;
    g_assert_cmpuint(nend, <, VGT_GTT_ENTRIES);

    /* outside the partition: the helper's share, above non-mappable */
    vgt_gtt_wr(&vm, 0, vgt_pte(RAM_A));
    vgt_gtt_wr(&vm, mb - 1, vgt_pte(RAM_A));
    vgt_gtt_wr(&vm, (vm.mbase + vm.msize) / PAGE, vgt_pte(RAM_A));
    vgt_gtt_wr(&vm, nend, vgt_pte(RAM_A));
    vgt_gtt_wr(&vm, VGT_GTT_ENTRIES - 1, 0);
    g_assert_cmpuint(qom_u64(&vm, "x-gtt-refused-range"), ==, 5);
    /* the guest still reads what it wrote */
    g_assert_cmphex(vgt_gtt_rd(&vm, 0), ==, vgt_pte(RAM_A));
    g_assert_cmphex(vgt_gtt_rd(&vm, nend), ==, vgt_pte(RAM_A));

    /* inside, pointing outside guest RAM: beyond it, at MMIO, at itself */
    vgt_gtt_wr(&vm, mb, vgt_pte(NOT_RAM));
    vgt_gtt_wr(&vm, mb + 1, vgt_pte(128 * MiB));
    vgt_gtt_wr(&vm, mb + 2, vgt_pte(0xfee00000));
    vgt_gtt_wr(&vm, mb + 3, vgt_pte(vm.bar2.addr + vm.mbase));
    g_assert_cmpuint(qom_u64(&vm, "x-gtt-refused-gfn"), ==, 4);
    g_assert_cmphex(vgt_gtt_rd(&vm, mb), ==, vgt_pte(NOT_RAM));
    /* the same entries without the valid bit are fine */
    vgt_gtt_wr(&vm, mb + 4, vgt_pte(NOT_RAM) & ~1u);
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
    vgt_qtest_stop(&vm);
}

/* The aperture reaches the guest pages the GTT points at. */
static void aperture_checks(const char *props)
{
    VgtQtest vm;
    uint32_t mb;
    uint8_t buf[2 * PAGE], back[PAGE];
    int i;

    vm_start(&vm, props);
    mb = first_mappable(&vm);
    qtest_memset(vm.qts, RAM_A, 'a', PAGE);
    qtest_memset(vm.qts, RAM_B, 'b', PAGE);
    qtest_memset(vm.qts, RAM_C, 'c', PAGE);
    vgt_gtt_wr(&vm, mb, vgt_pte(RAM_A));
    vgt_gtt_wr(&vm, mb + 1, vgt_pte(RAM_B));

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
    /*
     * and one across the two pages (QEMU hands it to the trap region
     * whole): its bytes go to both RAM pages, not past the first one
     */
    qtest_writel(vm.qts, RAM_A + PAGE, 0x5a5a5a5a);
    qpci_io_writeq(vm.dev, vm.bar2, vm.mbase + PAGE - 2,
                   0x8877665544332211ull);
    g_assert_cmphex(qtest_readw(vm.qts, RAM_A + PAGE - 2), ==, 0x2211);
    g_assert_cmphex(qtest_readl(vm.qts, RAM_B), ==, 0x66554433);
    g_assert_cmphex(qtest_readw(vm.qts, RAM_B + 4), ==, 0x8877);
    g_assert_cmphex(qtest_readl(vm.qts, RAM_A + PAGE), ==, 0x5a5a5a5a);
    g_assert_cmphex(qpci_io_readq(vm.dev, vm.bar2, vm.mbase + PAGE - 2), ==,
                    0x8877665544332211ull);
    qtest_memwrite(vm.qts, RAM_A + PAGE - 2, buf + PAGE - 2, 2);
    qtest_memwrite(vm.qts, RAM_B, buf + PAGE, 6);

    /* a new entry: the aperture follows it at once */
    vgt_gtt_wr(&vm, mb, vgt_pte(RAM_C));
    g_assert_cmphex(qpci_io_readl(vm.dev, vm.bar2, vm.mbase), ==,
                    0x63636363);
    qpci_io_writel(vm.dev, vm.bar2, vm.mbase + 16, 0x12345678);
    g_assert_cmphex(qtest_readl(vm.qts, RAM_C + 16), ==, 0x12345678);
    g_assert_cmphex(qtest_readl(vm.qts, RAM_A + 16), ==,
                    buf[16] | buf[17] << 8 | buf[18] << 16 |
                    (uint32_t)buf[19] << 24);
    g_assert_cmpuint(qom_u64(&vm, "x-aperture-errors"), ==, 0);

    /* invalid, refused, and not this VM's: reads 0, writes dropped */
    vgt_gtt_wr(&vm, mb, vgt_pte(RAM_C) & ~1u);
    g_assert_cmphex(qpci_io_readl(vm.dev, vm.bar2, vm.mbase + 16), ==, 0);
    qpci_io_writel(vm.dev, vm.bar2, vm.mbase + 16, 0xdeadbeef);
    g_assert_cmphex(qtest_readl(vm.qts, RAM_C + 16), ==, 0x12345678);
    vgt_gtt_wr(&vm, mb, vgt_pte(NOT_RAM));
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
    vgt_qtest_map(&vm);
    vgt_qtest_map_aperture(&vm);
    g_assert_cmphex(qpci_io_readl(vm.dev, vm.bar2, vm.mbase + PAGE), ==, 0);
    vgt_qtest_stop(&vm);
}

static void test_aperture(void)
{
    aperture_checks("");
}

static void test_aperture_trap(void)
{
    aperture_checks(",x-aperture-trap=on");
}

static void fence_set(VgtQtest *vm, int i, uint64_t start, uint64_t size,
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
    VgtQtest vm;
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
    vgt_qtest_stop(&vm);
}

/*
 * VM @a maps its first aperture page to @ram (filled with @fill); VM @b
 * then writes the same GTT entry: refused, and @a's page is unchanged.
 */
static void check_isolation(VgtQtest *a, uint64_t ram_a, VgtQtest *b,
                            uint64_t ram_b)
{
    uint32_t ia = first_mappable(a), ib = first_mappable(b);
    uint64_t refused = qom_u64(b, "x-gtt-refused-range");

    qtest_memset(a->qts, ram_a, 0xa1, PAGE);
    qtest_memset(b->qts, ram_b, 0xb2, PAGE);
    vgt_gtt_wr(a, ia, vgt_pte(ram_a));
    vgt_gtt_wr(b, ib, vgt_pte(ram_b));
    g_assert_cmphex(qpci_io_readl(a->dev, a->bar2, a->mbase), ==,
                    0xa1a1a1a1);
    g_assert_cmphex(qpci_io_readl(b->dev, b->bar2, b->mbase), ==,
                    0xb2b2b2b2);

    vgt_gtt_wr(b, ia, vgt_pte(ram_b));
    vgt_gtt_wr(b, a->nbase / PAGE, vgt_pte(ram_b));
    g_assert_cmpuint(qom_u64(b, "x-gtt-refused-range"), ==, refused + 2);
    g_assert_cmphex(vgt_gtt_rd(a, ia), ==, vgt_pte(ram_a));
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
    VgtQtest a, b;
    uint64_t fa, fb;

    vgt_qtest_start(&a, "-m 128M -device vgt,addr=3,id=b,aperture_size=128M,"
                    "low_gm_sz=16,high_gm_sz=256,fence_sz=8,vga=off", NULL);
    vgt_qtest_attach(&b, &a, 3, "b");
    vm_enable(&a);
    vm_enable(&b);
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

    vgt_qtest_stop(&b);
    vgt_qtest_stop(&a);
}

static void socket_vm_start(VgtQtest *vm, const char *socket)
{
    vgt_qtest_start_on_hostd(vm, socket, NULL,
                             VGT_QTEST_PROPS ",low_gm_sz=32");
    vm_enable(vm);
}


/*
 * Two QEMUs on one helper: disjoint partitions and fences, neither
 * reaches the other's RAM through the GTT; stops both.
 */
static void check_two_qemus(VgtQtest *a, VgtQtest *b)
{
    g_assert_true(disjoint(a->mbase, a->msize, b->mbase, b->msize));
    g_assert_true(disjoint(a->nbase, a->nsize, b->nbase, b->nsize));
    g_assert_true(disjoint(qom_u64(a, "x-fence-base"), a->fences,
                           qom_u64(b, "x-fence-base"), b->fences));
    check_isolation(a, RAM_A, b, RAM_A);
    check_isolation(b, RAM_B, a, RAM_C);
    g_assert_cmpuint(qom_u64(a, "x-gtt-written"), >=, 2);
    g_assert_cmpuint(qom_u64(b, "x-gtt-written"), >=, 2);
    vgt_qtest_stop(a);
    vgt_qtest_stop(b);
}
static void test_two_qemus_socket(void)
{
    VgtQtestHostd h;
    VgtQtest a, b;

    if (!vgt_qtest_hostd_start(&h)) {
        g_test_skip("VGT_HOSTD (path to vgt-hostd) not set");
        return;
    }
    socket_vm_start(&a, h.socket);
    socket_vm_start(&b, h.socket);
    check_two_qemus(&a, &b);
    vgt_qtest_hostd_stop(&h);
}

/* The same two QEMUs on vgt.ko's /dev/vgt ($VGT_QTEST_KERNEL). */
static void kernel_vm_start(VgtQtest *vm)
{
    vgt_qtest_start_on_kernel(vm, "-d guest_errors",
                              VGT_QTEST_PROPS ",low_gm_sz=32");
    vm_enable(vm);
}

static void test_two_qemus_kernel(void)
{
    VgtQtest a, b;

    kernel_vm_start(&a);
    kernel_vm_start(&b);
    check_two_qemus(&a, &b);
}

/* GTT entries through the kernel helper: read back, refused frames. */
static void test_gtt_kernel(void)
{
    VgtQtest vm;
    uint32_t mb;

    kernel_vm_start(&vm);
    mb = first_mappable(&vm);
    vgt_gtt_wr(&vm, mb, vgt_pte(RAM_A) | 0x6);
    qpci_io_writeq(vm.dev, vm.bar0, GTT(mb + 2),
                   ((uint64_t)vgt_pte(RAM_C) << 32) | vgt_pte(RAM_B));
    g_assert_cmphex(vgt_gtt_rd(&vm, mb), ==, vgt_pte(RAM_A) | 0x6);
    g_assert_cmphex(vgt_gtt_rd(&vm, mb + 3), ==, vgt_pte(RAM_C));
    g_assert_cmpuint(qom_u64(&vm, "x-gtt-written"), ==, 3);
    vgt_gtt_wr(&vm, mb + 4, vgt_pte(NOT_RAM));
    vgt_gtt_wr(&vm, 0, vgt_pte(RAM_A));
    g_assert_cmpuint(qom_u64(&vm, "x-gtt-refused-gfn"), ==, 1);
    g_assert_cmpuint(qom_u64(&vm, "x-gtt-refused-range"), ==, 1);
    g_assert_cmpuint(qom_u64(&vm, "x-gtt-refused-helper"), ==, 0);
    /* the aperture reaches the pages the helper mapped */
    qtest_memset(vm.qts, RAM_B, 'b', PAGE);
    g_assert_cmphex(qpci_io_readl(vm.dev, vm.bar2, vm.mbase + 2 * PAGE), ==,
                    0x62626262);
    qtest_qmp_assert_success(vm.qts, "{ 'execute': 'system_reset' }");
    vgt_qtest_map(&vm);
    g_assert_cmphex(vgt_gtt_rd(&vm, mb), ==, 0);
    vgt_qtest_stop(&vm);
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
    if (vgt_qtest_kernel_wanted()) {
        qtest_add_func("/vgt/gtt/kernel", test_gtt_kernel);
        qtest_add_func("/vgt/isolation/two-qemus-kernel",
                       test_two_qemus_kernel);
    }
    return g_test_run();
}
