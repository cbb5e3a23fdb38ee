/*
 * Unit tests: graphics memory translation (vgt-gtt-walk.c): GGTT lookups
 * inside and outside the VM's partition, the gen7 PPGTT walk with its
 * PDEs in the GGTT and page tables in guest RAM, reads that cross pages,
 * and the page runs the display scans out, against a small fake guest RAM;
 * and the move of GM addresses from the guest's view to the helper's
 * partition after a migration (vgt-gm-remap.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "vgt-internal.h"

/* Guest RAM: 64 pages at 1 MiB; everything else is not RAM. */
#define RAM_BASE        0x100000ull
#define RAM_PAGES       64
#define RAM_SIZE        (RAM_PAGES * VGT_PAGE_SIZE)
#define NOT_RAM         0xfed00000ull       /* e.g. an MMIO page */

/* The VM's partition. */
#define MAP_BASE        0x01000000ull       /* 16 MiB mappable */
#define MAP_SIZE        0x01000000ull
#define HIGH_BASE       0x20000000ull       /* 64 MiB non-mappable */
#define HIGH_SIZE       0x04000000ull

static uint8_t *ram;

bool vgt_gpa_is_ram(uint64_t gpa)
{
    return gpa >= RAM_BASE && gpa < RAM_BASE + RAM_SIZE;
}

bool vgt_gpa_read(VgtState *s, uint64_t gpa, void *buf, uint32_t len)
{
    if (!vgt_gpa_is_ram(gpa & ~(uint64_t)(VGT_PAGE_SIZE - 1)) ||
        gpa + len > RAM_BASE + RAM_SIZE) {
        return false;
    }
    memcpy(buf, ram + (gpa - RAM_BASE), len);
    return true;
}

static uint64_t ram_page(unsigned n)
{
    return RAM_BASE + (uint64_t)n * VGT_PAGE_SIZE;
}

static uint32_t pte(uint64_t addr)
{
    return (uint32_t)(addr & 0xfffff000u) | ((addr >> 28) & 0x7f0) |
           VGT_PTE_VALID;
}

static VgtState *vm_new(void)
{
    VgtState *s = g_new0(VgtState, 1);

    s->gtt.guest = g_new0(uint32_t, VGT_GTT_ENTRIES);
    s->host.part.mappable_base = MAP_BASE;
    s->host.part.mappable_size = MAP_SIZE;
    s->host.part.nonmappable_base = HIGH_BASE;
    s->host.part.nonmappable_size = HIGH_SIZE;
    s->host.view = s->host.part;
    ram = g_malloc0(RAM_SIZE);
    return s;
}

static void vm_free(VgtState *s)
{
    g_free(s->gtt.guest);
    g_free(s);
    g_free(ram);
    ram = NULL;
}

static void ggtt_set(VgtState *s, uint64_t gma, uint32_t entry)
{
    s->gtt.guest[gma >> VGT_PAGE_SHIFT] = entry;
}

static void test_pte_addr(void)
{
    g_assert_cmphex(vgt_pte_addr(0x12345001), ==, 0x12345000);
    /* address bits 38:32 live in PTE bits 10:4 */
    g_assert_cmphex(vgt_pte_addr(0x000017f1), ==, 0x7f00001000ull);
    g_assert_cmphex(vgt_pte_addr(pte(0x4512345000ull)), ==, 0x4512345000ull);
}

static void test_ggtt(void)
{
    VgtState *s = vm_new();
    uint64_t gpa = 0;

    ggtt_set(s, MAP_BASE, pte(ram_page(3)));
    g_assert_true(vgt_gtt_translate(s, &vgt_ggtt, MAP_BASE + 0x123, &gpa));
    g_assert_cmphex(gpa, ==, ram_page(3) + 0x123);
    g_assert_cmphex(vgt_gtt_guest_pte(s, MAP_BASE), ==, pte(ram_page(3)));

    /* non-mappable memory translates the same way */
    ggtt_set(s, HIGH_BASE + HIGH_SIZE - VGT_PAGE_SIZE, pte(ram_page(5)));
    g_assert_true(vgt_gtt_translate(s, &vgt_ggtt, HIGH_BASE + HIGH_SIZE - 4,
                                    &gpa));
    g_assert_cmphex(gpa, ==, ram_page(5) + VGT_PAGE_SIZE - 4);

    /* an invalid entry */
    ggtt_set(s, MAP_BASE + VGT_PAGE_SIZE, pte(ram_page(4)) & ~VGT_PTE_VALID);
    g_assert_false(vgt_gtt_translate(s, &vgt_ggtt, MAP_BASE + VGT_PAGE_SIZE,
                                     &gpa));

    /* an entry pointing outside guest RAM */
    ggtt_set(s, MAP_BASE + 2 * VGT_PAGE_SIZE, pte(NOT_RAM));
    g_assert_false(vgt_gtt_translate(s, &vgt_ggtt,
                                     MAP_BASE + 2 * VGT_PAGE_SIZE, &gpa));
    ggtt_set(s, MAP_BASE + 3 * VGT_PAGE_SIZE, pte(RAM_BASE + RAM_SIZE));
    g_assert_false(vgt_gtt_translate(s, &vgt_ggtt,
                                     MAP_BASE + 3 * VGT_PAGE_SIZE, &gpa));

    /* valid entries outside the VM's ranges are never followed */
    ggtt_set(s, MAP_BASE - VGT_PAGE_SIZE, pte(ram_page(1)));
    g_assert_false(vgt_gtt_translate(s, &vgt_ggtt, MAP_BASE - 4, &gpa));
    g_assert_cmphex(vgt_gtt_guest_pte(s, MAP_BASE - 4), ==, 0);
    ggtt_set(s, HIGH_BASE + HIGH_SIZE, pte(ram_page(1)));
    g_assert_false(vgt_gtt_translate(s, &vgt_ggtt, HIGH_BASE + HIGH_SIZE,
                                     &gpa));
    g_assert_false(vgt_gtt_translate(s, &vgt_ggtt, VGT_GM_SIZE, &gpa));
    g_assert_false(vgt_gtt_translate(s, &vgt_ggtt, UINT64_MAX, &gpa));
    vm_free(s);
}

static void test_gm_read_crosses_pages(void)
{
    VgtState *s = vm_new();
    uint8_t buf[16];

    /* two GM pages on two RAM pages that are not neighbours */
    ggtt_set(s, MAP_BASE, pte(ram_page(7)));
    ggtt_set(s, MAP_BASE + VGT_PAGE_SIZE, pte(ram_page(2)));
    memset(ram + 7 * VGT_PAGE_SIZE + VGT_PAGE_SIZE - 8, 0xaa, 8);
    memset(ram + 2 * VGT_PAGE_SIZE, 0xbb, 8);
    memset(ram + 8 * VGT_PAGE_SIZE, 0xcc, 8);  /* the wrong neighbour */

    g_assert_true(vgt_gtt_read_gm(s, &vgt_ggtt, MAP_BASE + VGT_PAGE_SIZE - 8,
                                  buf, sizeof(buf)));
    g_assert_cmphex(buf[0], ==, 0xaa);
    g_assert_cmphex(buf[7], ==, 0xaa);
    g_assert_cmphex(buf[8], ==, 0xbb);
    g_assert_cmphex(buf[15], ==, 0xbb);

    /* the second page unmapped: the whole read fails */
    ggtt_set(s, MAP_BASE + VGT_PAGE_SIZE, 0);
    g_assert_false(vgt_gtt_read_gm(s, &vgt_ggtt, MAP_BASE + VGT_PAGE_SIZE - 8,
                                   buf, sizeof(buf)));
    /* the last page of the partition: the read runs out of it */
    ggtt_set(s, MAP_BASE + MAP_SIZE - VGT_PAGE_SIZE, pte(ram_page(9)));
    g_assert_false(vgt_gtt_read_gm(s, &vgt_ggtt, MAP_BASE + MAP_SIZE - 8,
                                   buf, sizeof(buf)));
    g_assert_true(vgt_gtt_read_gm(s, &vgt_ggtt, MAP_BASE + MAP_SIZE - 8,
                                  buf, 8));
    vm_free(s);
}

/*
 * A PPGTT as i915 sets one up: the page directory is a run of GGTT
 * entries at the top of the mappable range, PP_DIR_BASE = its GTT byte
 * offset / 64 << 16.
 */
#define PD_GMA          (MAP_BASE + MAP_SIZE - 512 * VGT_PAGE_SIZE)
#define PD_INDEX        (PD_GMA >> VGT_PAGE_SHIFT)

static VgtGmSpace ppgtt_space(uint64_t pd_index)
{
    VgtGmSpace space = {
        .ppgtt = true,
        .pp_dir_base = (uint32_t)(pd_index * 4 / 64) << 16,
    };

    return space;
}

/* PDE @pde -> page table at RAM page @pt; its PTE @i -> RAM page @page */
static void ppgtt_map(VgtState *s, unsigned pde, unsigned pt, unsigned i,
                      uint32_t entry)
{
    uint32_t le = cpu_to_le32(entry);

    s->gtt.guest[PD_INDEX + pde] = pte(ram_page(pt));
    memcpy(ram + pt * VGT_PAGE_SIZE + i * 4, &le, 4);
}

static void test_ppgtt_walk(void)
{
    VgtState *s = vm_new();
    VgtGmSpace space = ppgtt_space(PD_INDEX);
    uint64_t gma = (3ull << 22) | (5ull << 12) | 0x44;
    uint64_t gpa = 0;

    ppgtt_map(s, 3, 10, 5, pte(ram_page(20)));
    g_assert_true(vgt_gtt_translate(s, &space, gma, &gpa));
    g_assert_cmphex(gpa, ==, ram_page(20) + 0x44);
    /* the same address through the GGTT is another page entirely */
    g_assert_false(vgt_gtt_translate(s, &vgt_ggtt, gma, &gpa));

    /* the last PDE and PTE: the top of the 2 GiB */
    ppgtt_map(s, 511, 11, 1023, pte(ram_page(21)));
    g_assert_true(vgt_gtt_translate(s, &space, (2ull << 30) - 1, &gpa));
    g_assert_cmphex(gpa, ==, ram_page(21) + VGT_PAGE_SIZE - 1);
    g_assert_false(vgt_gtt_translate(s, &space, 2ull << 30, &gpa));

    /* an invalid PTE */
    ppgtt_map(s, 3, 10, 6, pte(ram_page(22)) & ~VGT_PTE_VALID);
    g_assert_false(vgt_gtt_translate(s, &space, gma + VGT_PAGE_SIZE, &gpa));
    vm_free(s);
}

static void test_ppgtt_bad_pde(void)
{
    VgtState *s = vm_new();
    VgtGmSpace space = ppgtt_space(PD_INDEX);
    uint64_t gpa;

    ppgtt_map(s, 0, 10, 0, pte(ram_page(20)));
    g_assert_true(vgt_gtt_translate(s, &space, 0, &gpa));

    /* an invalid PDE */
    s->gtt.guest[PD_INDEX] &= ~VGT_PTE_VALID;
    g_assert_false(vgt_gtt_translate(s, &space, 0, &gpa));

    /* a PDE whose page table is not guest RAM */
    s->gtt.guest[PD_INDEX] = pte(NOT_RAM);
    g_assert_false(vgt_gtt_translate(s, &space, 0, &gpa));

    /* a page directory outside the VM's part of the GTT */
    space = ppgtt_space((MAP_BASE >> VGT_PAGE_SHIFT) - 512);
    s->gtt.guest[(MAP_BASE >> VGT_PAGE_SHIFT) - 512] = pte(ram_page(10));
    g_assert_false(vgt_gtt_translate(s, &space, 0, &gpa));

    /* a page directory beyond the end of the GTT */
    space.pp_dir_base = 0xffff0000;
    g_assert_false(vgt_gtt_translate(s, &space, 1ull << 22, &gpa));
    vm_free(s);
}

static void test_ppgtt_read_crosses_pages(void)
{
    VgtState *s = vm_new();
    VgtGmSpace space = ppgtt_space(PD_INDEX);
    uint64_t gma = (1ull << 22) - 8;    /* last PTE of PDE 0, then PDE 1 */
    uint8_t buf[16];

    ppgtt_map(s, 0, 10, 1023, pte(ram_page(30)));
    ppgtt_map(s, 1, 11, 0, pte(ram_page(25)));
    memset(ram + 30 * VGT_PAGE_SIZE + VGT_PAGE_SIZE - 8, 0x11, 8);
    memset(ram + 25 * VGT_PAGE_SIZE, 0x22, 8);

    g_assert_true(vgt_gtt_read_gm(s, &space, gma, buf, sizeof(buf)));
    g_assert_cmphex(buf[7], ==, 0x11);
    g_assert_cmphex(buf[8], ==, 0x22);

    /* the second page's PTE points outside guest RAM */
    ppgtt_map(s, 1, 11, 0, pte(NOT_RAM));
    g_assert_false(vgt_gtt_read_gm(s, &space, gma, buf, sizeof(buf)));
    vm_free(s);
}

static void test_gm_pages(void)
{
    VgtState *s = vm_new();
    VgtGmPages it;
    uint64_t gpa, n;

    /* pages 0-2 contiguous, 3 invalid, 4 elsewhere, 5 contiguous with 4 */
    ggtt_set(s, MAP_BASE, pte(ram_page(10)));
    ggtt_set(s, MAP_BASE + 1 * VGT_PAGE_SIZE, pte(ram_page(11)));
    ggtt_set(s, MAP_BASE + 2 * VGT_PAGE_SIZE, pte(ram_page(12)));
    ggtt_set(s, MAP_BASE + 4 * VGT_PAGE_SIZE, pte(ram_page(40)));
    ggtt_set(s, MAP_BASE + 5 * VGT_PAGE_SIZE, pte(ram_page(41)));

    vgt_gm_pages_begin(&it, s, MAP_BASE >> VGT_PAGE_SHIFT, 6);
    g_assert_true(vgt_gm_pages_next(&it, &gpa, &n));
    g_assert_cmphex(gpa, ==, ram_page(10));
    g_assert_cmpuint(n, ==, 3);
    g_assert_true(vgt_gm_pages_next(&it, &gpa, &n));
    g_assert_cmphex(gpa, ==, VGT_GM_UNMAPPED);
    g_assert_cmpuint(n, ==, 1);
    g_assert_true(vgt_gm_pages_next(&it, &gpa, &n));
    g_assert_cmphex(gpa, ==, ram_page(40));
    g_assert_cmpuint(n, ==, 2);
    g_assert_false(vgt_gm_pages_next(&it, &gpa, &n));

    /* pages outside the partition are unmapped, whatever their entry */
    ggtt_set(s, MAP_BASE - VGT_PAGE_SIZE, pte(ram_page(9)));
    vgt_gm_pages_begin(&it, s, (MAP_BASE >> VGT_PAGE_SHIFT) - 1, 2);
    g_assert_true(vgt_gm_pages_next(&it, &gpa, &n));
    g_assert_cmphex(gpa, ==, VGT_GM_UNMAPPED);
    g_assert_cmpuint(n, ==, 1);
    g_assert_true(vgt_gm_pages_next(&it, &gpa, &n));
    g_assert_cmphex(gpa, ==, ram_page(10));
    g_assert_cmpuint(n, ==, 1);
    g_assert_false(vgt_gm_pages_next(&it, &gpa, &n));
    vm_free(s);
}

/*
 * After a migration: the guest keeps its view, the helper placed the VM
 * elsewhere (mappable 1 MiB lower, non-mappable 32 MiB higher).  Checks
 * use the view; addresses move by the range's offset; a range that leaves
 * one of the view's ranges (or wraps) does not move.
 */
#define PART_MAP_BASE   (MAP_BASE - 0x100000)
#define PART_HIGH_BASE  (HIGH_BASE + 0x2000000)

static VgtState *vm_new_migrated(void)
{
    VgtState *s = vm_new();

    s->host.part.mappable_base = PART_MAP_BASE;
    s->host.part.nonmappable_base = PART_HIGH_BASE;
    return s;
}

static void test_remap_identity(void)
{
    VgtState *s = vm_new();
    uint64_t hma = 0;

    g_assert_false(vgt_gm_remapped(s));
    g_assert_true(vgt_gm_to_host(s, MAP_BASE + 0x1234, 8, &hma));
    g_assert_cmphex(hma, ==, MAP_BASE + 0x1234);
    vm_free(s);
}

static void test_remap_boundaries(void)
{
    VgtState *s = vm_new_migrated();
    uint64_t hma = 0;

    g_assert_true(vgt_gm_remapped(s));
    /* first and last byte of each range */
    g_assert_true(vgt_gm_to_host(s, MAP_BASE, 1, &hma));
    g_assert_cmphex(hma, ==, PART_MAP_BASE);
    g_assert_true(vgt_gm_to_host(s, MAP_BASE + MAP_SIZE - 1, 1, &hma));
    g_assert_cmphex(hma, ==, PART_MAP_BASE + MAP_SIZE - 1);
    g_assert_true(vgt_gm_to_host(s, MAP_BASE, MAP_SIZE, &hma));
    g_assert_cmphex(hma, ==, PART_MAP_BASE);
    g_assert_true(vgt_gm_to_host(s, HIGH_BASE, 1, &hma));
    g_assert_cmphex(hma, ==, PART_HIGH_BASE);
    g_assert_true(vgt_gm_to_host(s, HIGH_BASE + HIGH_SIZE - 8, 8, &hma));
    g_assert_cmphex(hma, ==, PART_HIGH_BASE + HIGH_SIZE - 8);

    /* just outside, or crossing an end */
    g_assert_false(vgt_gm_to_host(s, MAP_BASE - 1, 1, &hma));
    g_assert_false(vgt_gm_to_host(s, MAP_BASE - 1, 2, &hma));
    g_assert_false(vgt_gm_to_host(s, MAP_BASE + MAP_SIZE, 1, &hma));
    g_assert_false(vgt_gm_to_host(s, MAP_BASE + MAP_SIZE - 4, 8, &hma));
    g_assert_false(vgt_gm_to_host(s, MAP_BASE, MAP_SIZE + 1, &hma));
    g_assert_false(vgt_gm_to_host(s, HIGH_BASE + HIGH_SIZE - 1, 2, &hma));
    /* from one range into the other is not one range */
    g_assert_false(vgt_gm_to_host(s, MAP_BASE, HIGH_BASE + 1 - MAP_BASE,
                                  &hma));
    /* wrap: lengths that overflow a 64-bit end */
    g_assert_false(vgt_gm_to_host(s, MAP_BASE + 8, UINT64_MAX, &hma));
    g_assert_false(vgt_gm_to_host(s, UINT64_MAX, 2, &hma));
    g_assert_false(vgt_gm_to_host(s, UINT64_MAX - MAP_BASE + 1, MAP_BASE + 4,
                                  &hma));

    /* where the helper placed the VM is not the guest's to address */
    g_assert_false(vgt_gm_is_ours(s, PART_MAP_BASE, 1));
    g_assert_false(vgt_gm_is_ours(s, PART_HIGH_BASE + HIGH_SIZE - 1, 1));
    g_assert_true(vgt_gm_is_ours(s, MAP_BASE + MAP_SIZE - 4, 4));
    g_assert_false(vgt_gm_is_ours(s, MAP_BASE + MAP_SIZE - 4, 5));
    g_assert_false(vgt_gm_is_ours(s, MAP_BASE, UINT64_MAX));
    vm_free(s);
}

/* The walks follow the guest's indices, not the partition's. */
static void test_remap_walk_uses_view(void)
{
    VgtState *s = vm_new_migrated();
    uint64_t gpa = 0;

    ggtt_set(s, MAP_BASE, pte(ram_page(3)));
    ggtt_set(s, PART_MAP_BASE, pte(ram_page(4)));
    g_assert_true(vgt_gtt_translate(s, &vgt_ggtt, MAP_BASE + 8, &gpa));
    g_assert_cmphex(gpa, ==, ram_page(3) + 8);
    g_assert_false(vgt_gtt_translate(s, &vgt_ggtt, PART_MAP_BASE, &gpa));
    vm_free(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/vgt/gtt-walk/pte-addr", test_pte_addr);
    g_test_add_func("/vgt/gtt-walk/ggtt", test_ggtt);
    g_test_add_func("/vgt/gtt-walk/gm-read-crosses-pages",
                    test_gm_read_crosses_pages);
    g_test_add_func("/vgt/gtt-walk/ppgtt", test_ppgtt_walk);
    g_test_add_func("/vgt/gtt-walk/ppgtt-bad-pde", test_ppgtt_bad_pde);
    g_test_add_func("/vgt/gtt-walk/ppgtt-read-crosses-pages",
                    test_ppgtt_read_crosses_pages);
    g_test_add_func("/vgt/gtt-walk/gm-pages", test_gm_pages);
    g_test_add_func("/vgt/gtt-walk/remap-identity", test_remap_identity);
    g_test_add_func("/vgt/gtt-walk/remap-boundaries", test_remap_boundaries);
    g_test_add_func("/vgt/gtt-walk/remap-walk-uses-view",
                    test_remap_walk_uses_view);
    return g_test_run();
}
