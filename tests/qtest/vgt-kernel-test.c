/*
 * qtests of the kernel transport: QEMU's vgt on vgt.ko's /dev/vgt
 * (-device vgt,helper=$VGT_QTEST_KERNEL), driven as i915 drives it: the
 * partition from PVINFO, GTT entries mapping guest pages into the VM's
 * mappable graphics memory, a blit and a seqno submitted on the blitter
 * ring, the user interrupt as MSI, the pixels in guest RAM; two QEMUs on
 * one /dev/vgt with disjoint partitions, each blitting its own pattern;
 * bad input refused and counted.
 *
 * They run where the module is (the TCG guest with vgt.ko); elsewhere
 * VGT_QTEST_KERNEL is unset and the suite has one skipped placeholder.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "qemu/bswap.h"
#include "libqtest.h"
#include "vgt-qtest.h"
#include "hw/pci/pci_regs.h"

#define BCS_BASE            0x22000
#define BCS_HWS_PGA         0x4280
#define BCS_USER            (1u << 22)
#define BCS_GDRST           (1u << 3)
#define RING_TAIL           (BCS_BASE + 0x30)
#define RING_HEAD           (BCS_BASE + 0x34)
#define RING_START          (BCS_BASE + 0x38)
#define RING_CTL            (BCS_BASE + 0x3c)
#define RING_MI_MODE        (BCS_BASE + 0x9c)
#define RING_IMR            (BCS_BASE + 0xa8)

/* The surface: 256 x 16 pixels, 32 bpp, pitch 1 KiB: four pages. */
#define SURF_PITCH          1024u
#define SURF_W              256u
#define SURF_H              16u
#define SURF_PAGES          (SURF_PITCH * SURF_H / PAGE)

/* GM slots (pages from the VM's mappable base) and their guest pages. */
enum { SLOT_RING, SLOT_HWSP, SLOT_SEQNO, SLOT_SURF, SLOT_COUNT =
       SLOT_SURF + SURF_PAGES };
#define RAM_BASE            0x02000000ull
#define NOT_RAM             0x1000000000ull

#define MSI_GPA             0x05000000ull
#define MSI_DATA            0x4b1d

typedef struct Vm {
    VgtQtest t;
    uint32_t tail;
} Vm;

/*
 * The guest page behind GM slot @k.  The surface's pages lie in guest
 * RAM in reverse order, 64 KiB apart: the blit can only land right if
 * every page goes through its own GTT entry.
 */
static uint64_t slot_gpa(int k)
{
    if (k >= SLOT_SURF) {
        return RAM_BASE + 0x100000 + (SURF_PAGES - 1 - (k - SLOT_SURF)) *
               (uint64_t)(64 * KiB);
    }
    return RAM_BASE + (uint64_t)k * PAGE;
}

static uint32_t slot_gm(Vm *vm, int k)
{
    return vm->t.mbase + k * PAGE;
}

/* The guest address of surface byte @off (through our own page table). */
static uint64_t surf_gpa(uint32_t off)
{
    return slot_gpa(SLOT_SURF + off / PAGE) + off % PAGE;
}

static uint32_t rd(Vm *vm, uint32_t reg)
{
    return vgt_rd(&vm->t, reg);
}

static void wr(Vm *vm, uint32_t reg, uint32_t v)
{
    vgt_wr(&vm->t, reg, v);
}

static uint64_t qom(Vm *vm, const char *prop)
{
    rd(vm, VGT_QTEST_PVINFO);       /* sends queued GTT entries first */
    return vgt_qtest_qom_u64(&vm->t, prop);
}

static void msi_enable(Vm *vm)
{
    QPCIDevice *dev = vm->t.dev;
    uint8_t cap = qpci_config_readb(dev, PCI_CAPABILITY_LIST);
    uint16_t flags = qpci_config_readw(dev, cap + PCI_MSI_FLAGS);

    g_assert_cmpuint(qpci_config_readb(dev, cap), ==, PCI_CAP_ID_MSI);
    qpci_config_writel(dev, cap + PCI_MSI_ADDRESS_LO, MSI_GPA);
    qpci_config_writew(dev, cap + PCI_MSI_DATA_32, MSI_DATA);
    qpci_config_writew(dev, cap + PCI_MSI_FLAGS,
                       flags | PCI_MSI_FLAGS_ENABLE);
    qtest_writel(vm->t.qts, MSI_GPA, 0);
}

static void ring_start(Vm *vm)
{
    /* as i915's xcs_resume */
    wr(vm, RING_CTL, 0);
    wr(vm, RING_HEAD, 0);
    wr(vm, RING_TAIL, 0);
    wr(vm, BCS_HWS_PGA, slot_gm(vm, SLOT_HWSP));
    wr(vm, RING_START, slot_gm(vm, SLOT_RING));
    wr(vm, RING_CTL, 0x1);                      /* one page, valid */
    g_assert_cmphex(rd(vm, RING_CTL) & 1, ==, 1);
    wr(vm, RING_MI_MODE, 0x01000000);           /* STOP_RING off */
    wr(vm, RING_IMR, ~BCS_USER);
    vm->tail = 0;
}

/*
 * Bring the GPU up as a driver does: BAR0, the partition from PVINFO, the
 * GTT entries of our pages, interrupts (GT user interrupt of the blitter,
 * master, MSI), the ring.  At start and after a reset.
 */
static void vm_setup(Vm *vm)
{
    uint64_t written;
    int k;

    vgt_qtest_map(&vm->t);
    vgt_qtest_read_partition(&vm->t);
    g_assert_cmpuint(vm->t.vgt_id, >=, 1);
    g_assert_cmpuint(vm->t.msize, ==, VGT_DEFAULT_MAPPABLE_SIZE);
    g_assert_cmpuint(vm->t.nsize, ==, VGT_DEFAULT_NONMAPPABLE_SIZE);
    g_assert_cmpuint(vm->t.fences, ==, VGT_DEFAULT_FENCE_NUM);
    g_assert_cmpuint(vm->t.mbase % PAGE, ==, 0);
    g_assert_cmpuint(vm->t.mbase + vm->t.msize, <=, VGT_APERTURE_SIZE);
    g_assert_cmpuint(vm->t.nbase, >=, VGT_APERTURE_SIZE);
    g_assert_cmpuint(vm->t.nbase + vm->t.nsize, <=, VGT_GM_SIZE);

    written = qom(vm, "x-gtt-written");
    for (k = 0; k < SLOT_COUNT; k++) {
        qtest_memset(vm->t.qts, slot_gpa(k), 0, PAGE);
        vgt_gtt_wr(&vm->t, vm->t.mbase / PAGE + k, vgt_pte(slot_gpa(k)));
    }
    for (k = 0; k < SLOT_COUNT; k++) {
        g_assert_cmphex(vgt_gtt_rd(&vm->t, vm->t.mbase / PAGE + k), ==,
                        vgt_pte(slot_gpa(k)));
    }
    g_assert_cmpuint(qom(vm, "x-gtt-written"), ==, written + SLOT_COUNT);
    g_assert_cmpuint(qom(vm, "x-gtt-refused-helper"), ==, 0);

    wr(vm, GTIER, BCS_USER);
    wr(vm, GTIMR, ~BCS_USER);
    wr(vm, DEIER, MASTER);
    msi_enable(vm);
    ring_start(vm);
}

/* A QEMU on the kernel helper, its GPU up. */
static void vm_start(Vm *vm)
{
    vgt_qtest_start_on_kernel(&vm->t, "-d guest_errors", NULL);
    vm_setup(vm);
}

static void vm_stop(Vm *vm)
{
    vgt_qtest_stop(&vm->t);
}

/* Append dwords to the blitter ring (padded to a qword), write TAIL. */
static void submit(Vm *vm, const uint32_t *dw, size_t n)
{
    uint64_t ring = slot_gpa(SLOT_RING);
    size_t i;

    for (i = 0; i < n; i++) {
        qtest_writel(vm->t.qts, ring + vm->tail, dw[i]);
        vm->tail = (vm->tail + 4) % PAGE;
    }
    if (vm->tail & 7) {
        qtest_writel(vm->t.qts, ring + vm->tail, MI_NOOP);
        vm->tail = (vm->tail + 4) % PAGE;
    }
    wr(vm, RING_TAIL, vm->tail);
}

#define SUBMIT(vm, ...) \
    submit(vm, (const uint32_t[]){ __VA_ARGS__ }, \
           sizeof((const uint32_t[]){ __VA_ARGS__ }) / sizeof(uint32_t))

/*
 * The blit of @colour into [x0, x1) x [y0, y1), the seqno @seq stored
 * into the seqno page (GGTT) and the status page, a user interrupt.
 */
static void submit_blit(Vm *vm, uint32_t colour, uint32_t x0, uint32_t y0,
                        uint32_t x1, uint32_t y1, uint32_t seq)
{
    SUBMIT(vm, XY_COLOR_BLT | BLT_WRITE_ARGB,
           BLT_32BPP | BLT_ROP_PATCOPY | SURF_PITCH,
           (y0 << 16) | x0, (y1 << 16) | x1, slot_gm(vm, SLOT_SURF), colour,
           MI_SDI_GGTT, 0, slot_gm(vm, SLOT_SEQNO) + 0x40, seq,
           MI_STORE_INDEX, 0x100, seq,
           MI_USER_INT);
}

/*
 * Did the MSI arrive (up to 5 s)?  Then, as i915's handler does, find the
 * blitter's user interrupt in GTIIR and acknowledge it (write 1 to
 * clear): the next one is a new edge, a new MSI.
 */
static bool wait_msi(Vm *vm)
{
    int i;

    for (i = 0; i < 500; i++) {
        /* a register access: QEMU has run its main loop in between */
        rd(vm, GTIIR);
        if (qtest_readl(vm->t.qts, MSI_GPA) == MSI_DATA) {
            qtest_writel(vm->t.qts, MSI_GPA, 0);
            g_assert_cmphex(rd(vm, GTIIR) & BCS_USER, ==, BCS_USER);
            wr(vm, GTIIR, BCS_USER);
            g_assert_cmphex(rd(vm, GTIIR) & BCS_USER, ==, 0);
            return true;
        }
        g_usleep(10 * 1000);
    }
    return false;
}

/* HEAD reaches TAIL when the helper reports the workload complete. */
static bool wait_head_at_tail(Vm *vm)
{
    int i;

    for (i = 0; i < 500; i++) {
        if ((rd(vm, RING_HEAD) & 0x1ffffc) == vm->tail) {
            return true;
        }
        g_usleep(10 * 1000);
    }
    return false;
}

/* The surface as the blit of @colour into the rectangle must leave it. */
static void check_surface(Vm *vm, uint32_t colour, uint32_t x0, uint32_t y0,
                          uint32_t x1, uint32_t y1, uint32_t outside)
{
    g_autofree uint32_t *row = g_new(uint32_t, SURF_W);
    uint32_t x, y;

    for (y = 0; y < SURF_H; y++) {
        /* one row never crosses a page: pitch 1 KiB */
        qtest_memread(vm->t.qts, surf_gpa(y * SURF_PITCH), row,
                      SURF_W * 4);
        for (x = 0; x < SURF_W; x++) {
            bool in = x >= x0 && x < x1 && y >= y0 && y < y1;

            if (le32_to_cpu(row[x]) != (in ? colour : outside)) {
                g_error("pixel (%u, %u) is 0x%08x, expected 0x%08x", x, y,
                        le32_to_cpu(row[x]), in ? colour : outside);
            }
        }
    }
}

/* The whole chain once: blit, seqno, interrupt, pixels. */
static void test_blit_chain(void)
{
    Vm vm;

    vm_start(&vm);
    submit_blit(&vm, 0xff00a0c0, 8, 1, 200, 15, 0x51);
    g_assert_true(wait_msi(&vm));
    /* the workload's writes are in guest memory before its interrupt */
    g_assert_cmphex(qtest_readl(vm.t.qts, slot_gpa(SLOT_SEQNO) + 0x40), ==,
                    0x51);
    g_assert_cmphex(qtest_readl(vm.t.qts, slot_gpa(SLOT_HWSP) + 0x100), ==,
                    0x51);
    check_surface(&vm, 0xff00a0c0, 8, 1, 200, 15, 0);
    g_assert_true(wait_head_at_tail(&vm));
    g_assert_cmpuint(qtest_readl(vm.t.qts, MSI_GPA), ==, 0);

    /* again over it: a second workload, a second interrupt */
    submit_blit(&vm, 0x00123456, 0, 0, SURF_W, 4, 0x52);
    g_assert_true(wait_msi(&vm));
    g_assert_cmphex(qtest_readl(vm.t.qts, slot_gpa(SLOT_HWSP) + 0x100), ==,
                    0x52);
    g_assert_cmphex(qtest_readl(vm.t.qts, surf_gpa(SURF_PITCH + 4)), ==,
                    0x00123456);
    g_assert_cmphex(qtest_readl(vm.t.qts, surf_gpa(4 * SURF_PITCH + 32)),
                    ==, 0xff00a0c0);
    g_assert_cmpuint(qom(&vm, "x-gtt-refused-helper"), ==, 0);

    /* a reboot: the helper resets this VM's share, the GPU works again */
    qtest_qmp_assert_success(vm.t.qts, "{ 'execute': 'system_reset' }");
    vgt_qtest_map(&vm.t);
    g_assert_cmphex(vgt_gtt_rd(&vm.t, vm.t.mbase / PAGE), ==, 0);
    vm_setup(&vm);
    submit_blit(&vm, 0x0000ff00, 16, 2, 32, 3, 0x53);
    g_assert_true(wait_msi(&vm));
    check_surface(&vm, 0x0000ff00, 16, 2, 32, 3, 0);
    vm_stop(&vm);
}

static bool disjoint(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return a + alen <= b || b + blen <= a;
}

/* Two QEMUs on one /dev/vgt: disjoint shares, each its own pixels. */
static void test_two_qemus(void)
{
    Vm vm[2];
    uint64_t refused;
    int i, round;

    vm_start(&vm[0]);
    vm_start(&vm[1]);
    g_assert_cmpuint(vm[0].t.vgt_id, !=, vm[1].t.vgt_id);
    g_assert_true(disjoint(vm[0].t.mbase, vm[0].t.msize,
                           vm[1].t.mbase, vm[1].t.msize));
    g_assert_true(disjoint(vm[0].t.nbase, vm[0].t.nsize,
                           vm[1].t.nbase, vm[1].t.nsize));
    g_assert_true(disjoint(qom(&vm[0], "x-fence-base"), vm[0].t.fences,
                           qom(&vm[1], "x-fence-base"), vm[1].t.fences));

    for (round = 1; round <= 3; round++) {
        /* both submit before either waits: the helper runs both */
        for (i = 0; i < 2; i++) {
            submit_blit(&vm[i], 0x10000 * round + 0x100 * i + 0x11,
                        0, 0, SURF_W, SURF_H, 0x100 * round + i);
        }
        for (i = 0; i < 2; i++) {
            g_assert_true(wait_msi(&vm[i]));
            g_assert_cmphex(qtest_readl(vm[i].t.qts,
                                        slot_gpa(SLOT_HWSP) + 0x100), ==,
                            0x100 * round + i);
            check_surface(&vm[i], 0x10000 * round + 0x100 * i + 0x11, 0, 0,
                          SURF_W, SURF_H, 0);
        }
    }

    /* neither reaches the other's graphics memory through the GTT */
    refused = qom(&vm[1], "x-gtt-refused-range");
    vgt_gtt_wr(&vm[1].t, vm[0].t.mbase / PAGE, vgt_pte(slot_gpa(SLOT_SURF)));
    vgt_gtt_wr(&vm[1].t, vm[0].t.nbase / PAGE, vgt_pte(slot_gpa(SLOT_SURF)));
    g_assert_cmpuint(qom(&vm[1], "x-gtt-refused-range"), ==, refused + 2);
    g_assert_cmphex(vgt_gtt_rd(&vm[0].t, vm[0].t.mbase / PAGE), ==,
                    vgt_pte(slot_gpa(SLOT_RING)));
    /* nor with a blit: refused before it reaches the GPU */
    SUBMIT(&vm[1], XY_COLOR_BLT | BLT_WRITE_ARGB,
           BLT_32BPP | BLT_ROP_PATCOPY | SURF_PITCH, 0, (4 << 16) | 64,
           vm[0].t.mbase + SLOT_SURF * PAGE, 0xbad0bad0,
           MI_STORE_INDEX, 0x100, 0xbad, MI_USER_INT);
    g_usleep(100 * 1000);
    rd(&vm[1], GTIIR);
    g_assert_cmphex(qtest_readl(vm[1].t.qts, slot_gpa(SLOT_HWSP) + 0x100),
                    !=, 0xbad);
    g_assert_cmpint(vgt_qtest_log_count(&vm[1].t, "XY_COLOR_BLT"), >=, 1);
    check_surface(&vm[0], 0x30011, 0, 0, SURF_W, SURF_H, 0);
    g_assert_cmpuint(qom(&vm[0], "x-gtt-refused-helper"), ==, 0);

    /* one QEMU goes: the other keeps its share and its GPU */
    vm_stop(&vm[1]);
    submit_blit(&vm[0], 0x00777777, 0, 0, 8, 8, 0x400);
    g_assert_true(wait_msi(&vm[0]));
    check_surface(&vm[0], 0x00777777, 0, 0, 8, 8, 0x30011);
    vm_stop(&vm[0]);
}

static void fence_set(Vm *vm, int i, uint64_t start, uint64_t size)
{
    wr(vm, FENCE_LO(i), 0);
    wr(vm, FENCE_HI(i), (start + size - PAGE) | (512 / 128 - 1));
    wr(vm, FENCE_LO(i), start | 1);
}

/* Bad input through the device: refused, counted, the GPU still works. */
static void test_bad_input(void)
{
    Vm vm;
    uint32_t mb, ptes[512], i;
    uint64_t gfn, range, written;

    vm_start(&vm);
    mb = vm.t.mbase / PAGE;
    gfn = qom(&vm, "x-gtt-refused-gfn");
    range = qom(&vm, "x-gtt-refused-range");

    /* frames outside guest RAM: beyond it, just past its end */
    vgt_gtt_wr(&vm.t, mb + SLOT_COUNT, vgt_pte(NOT_RAM));
    vgt_gtt_wr(&vm.t, mb + SLOT_COUNT + 1, vgt_pte(128 * MiB));
    g_assert_cmpuint(qom(&vm, "x-gtt-refused-gfn"), ==, gfn + 2);
    g_assert_cmpint(vgt_qtest_log_count(&vm.t, "vgt: GTT entry"), ==, 2);
    /* entries outside the partition: the helper's share, the GTT's end */
    vgt_gtt_wr(&vm.t, 0, vgt_pte(slot_gpa(0)));
    vgt_gtt_wr(&vm.t, VGT_GTT_ENTRIES - 1, vgt_pte(slot_gpa(0)));
    g_assert_cmpuint(qom(&vm, "x-gtt-refused-range"), ==, range + 2);
    g_assert_cmpuint(qom(&vm, "x-gtt-refused-helper"), ==, 0);

    /* many entries at once (queued, sent in batches): all accepted */
    written = qom(&vm, "x-gtt-written");
    for (i = 0; i < ARRAY_SIZE(ptes); i++) {
        ptes[i] = cpu_to_le32(vgt_pte(RAM_BASE + 0x400000 + i * PAGE));
    }
    qtest_memwrite(vm.t.qts, vm.t.bar0.addr +
                   VGT_QTEST_GTT(vm.t.nbase / PAGE), ptes, sizeof(ptes));
    g_assert_cmpuint(qom(&vm, "x-gtt-written"), ==, written + 512);
    g_assert_cmphex(vgt_gtt_rd(&vm.t, vm.t.nbase / PAGE + 511), ==,
                    vgt_pte(RAM_BASE + 0x400000 + 511 * PAGE));

    /* fences: one of its own is live in the helper, others refused */
    fence_set(&vm, 0, vm.t.mbase, 64 * KiB);
    g_assert_cmpuint(qom(&vm, "x-fence-live"), ==, 1);
    fence_set(&vm, 1, 0, 64 * KiB);
    g_assert_cmpuint(qom(&vm, "x-fence-live"), ==, 1);
    g_assert_cmpuint(qom(&vm, "x-fence-errors"), ==, 1);

    /* a store below its partition: not run, the ring stops */
    SUBMIT(&vm, MI_SDI_GGTT, 0, vm.t.mbase - PAGE, 1,
           MI_STORE_INDEX, 0x100, 0xbad, MI_USER_INT);
    g_usleep(100 * 1000);
    rd(&vm, GTIIR);
    g_assert_cmphex(qtest_readl(vm.t.qts, slot_gpa(SLOT_HWSP) + 0x100), !=,
                    0xbad);
    g_assert_cmphex(rd(&vm, RING_HEAD) & 0x1ffffc, ==, 0);
    g_assert_cmpint(vgt_qtest_log_count(&vm.t, "outside this VM"), ==, 1);
    g_assert_false(qtest_readl(vm.t.qts, MSI_GPA) == MSI_DATA);

    /* i915's recovery: reset the engine, restart the ring; it runs */
    wr(&vm, GDRST, BCS_GDRST);
    g_assert_cmphex(rd(&vm, GDRST), ==, 0);
    ring_start(&vm);
    submit_blit(&vm, 0x00abcdef, 0, 0, 16, 16, 0x600d);
    g_assert_true(wait_msi(&vm));
    g_assert_cmphex(qtest_readl(vm.t.qts, slot_gpa(SLOT_HWSP) + 0x100), ==,
                    0x600d);
    check_surface(&vm, 0x00abcdef, 0, 0, 16, 16, 0);
    g_assert_cmpuint(qom(&vm, "x-gtt-refused-helper"), ==, 0);
    vm_stop(&vm);
}

static void test_placeholder(void)
{
    g_test_skip("VGT_QTEST_KERNEL does not name vgt.ko's device "
                "(e.g. VGT_QTEST_KERNEL=/dev/vgt where the module is loaded)");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    if (!vgt_qtest_kernel_wanted()) {
        qtest_add_func("/vgt/kernel/not-here", test_placeholder);
        return g_test_run();
    }
    qtest_add_func("/vgt/kernel/blit-chain", test_blit_chain);
    qtest_add_func("/vgt/kernel/two-qemus", test_two_qemus);
    qtest_add_func("/vgt/kernel/bad-input", test_bad_input);
    return g_test_run();
}
