/*
 * Fuzz harness: the device's graphics-memory walk (vgt-gtt-walk.c).
 *
 * The GGTT lookup (only inside the VM's view), the gen7 PPGTT walk (its
 * page directory in the VM's part of the GGTT entry array, its page
 * tables in guest RAM) and the page runs the display scans out, driven by
 * a sequence of operations an input spells: set a partition, write GGTT
 * entries and RAM words (page tables), translate, read and iterate.  The
 * harness checks what each answer promises: a GGTT translation lies in
 * the view and in RAM, a read takes only RAM bytes (the RAM accessor
 * below aborts otherwise), runs cover exactly the pages asked, each
 * mapped run made of valid entries naming consecutive frames.
 *
 * Input: a sequence of operations, each an opcode byte and its operands
 * (little endian); a short input ends the sequence.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "vgt-internal.h"
#include "kernel-shim/hsw/hsw-regs.h"
#include "fuzz-harness.h"

/* Guest RAM: 256 pages at 1 MiB, then a hole, then 16 pages at 4 GiB. */
#define RAM_BASE        0x100000ull
#define RAM_PAGES       256
#define HIGH_RAM_BASE   0x100000000ull
#define HIGH_RAM_PAGES  16

static uint8_t *ram, *high_ram;
static VgtState *s;

static uint8_t *ram_host(uint64_t gpa, uint64_t len)
{
    if (gpa >= RAM_BASE && len <= RAM_PAGES * VGT_PAGE_SIZE &&
        gpa - RAM_BASE <= RAM_PAGES * VGT_PAGE_SIZE - len) {
        return ram + (gpa - RAM_BASE);
    }
    if (gpa >= HIGH_RAM_BASE && len <= HIGH_RAM_PAGES * VGT_PAGE_SIZE &&
        gpa - HIGH_RAM_BASE <= HIGH_RAM_PAGES * VGT_PAGE_SIZE - len) {
        return high_ram + (gpa - HIGH_RAM_BASE);
    }
    return NULL;
}

bool vgt_gpa_is_ram(uint64_t gpa)
{
    return ram_host(gpa, 1) != NULL;
}

bool vgt_gpa_read(VgtState *vs, uint64_t gpa, void *buf, uint32_t len)
{
    uint8_t *p = ram_host(gpa, len);

    if (!p) {
        return false;
    }
    memcpy(buf, p, len);
    return true;
}

typedef struct Input {
    const uint8_t *p;
    size_t left;
} Input;

static bool take(Input *in, void *buf, size_t len)
{
    if (in->left < len) {
        in->left = 0;
        return false;
    }
    memcpy(buf, in->p, len);
    in->p += len;
    in->left -= len;
    return true;
}

static uint32_t take32(Input *in)
{
    uint8_t b[4] = { 0 };

    take(in, b, 4);
    return ldl_le_p(b);
}

static uint64_t take64(Input *in)
{
    uint8_t b[8] = { 0 };

    take(in, b, 8);
    return ldq_le_p(b);
}

/* Any GM address, but mostly near the partition's ranges. */
static uint64_t take_gma(Input *in)
{
    uint64_t v = take64(in);
    const struct vgt_instance_info *p = &s->host.view;

    switch (v >> 62) {
    case 0:
        return p->mappable_base + (int32_t)(v & 0xffffffff);
    case 1:
        return p->nonmappable_base + (int32_t)(v & 0xffffffff);
    case 2:
        return v & (VGT_GM_SIZE - 1);
    }
    return v;
}

/* A PTE naming a page of RAM (low or high), a hole, or anything. */
static uint32_t take_pte(Input *in)
{
    uint32_t v = take32(in);
    uint64_t gpa;

    switch (v >> 30) {
    case 0:
        gpa = RAM_BASE + (uint64_t)(v % RAM_PAGES) * VGT_PAGE_SIZE;
        break;
    case 1:
        gpa = HIGH_RAM_BASE + (uint64_t)(v % HIGH_RAM_PAGES) * VGT_PAGE_SIZE;
        break;
    default:
        return v;
    }
    return hsw_pte_encode(gpa, (v >> 12) & 1 ? 0 : VGT_PTE_VALID);
}

static void set_partition(Input *in)
{
    struct vgt_instance_info *v = &s->host.view;

    /* page-aligned ranges inside the 4 GiB of GM, possibly empty */
    v->mappable_base = (uint64_t)(take32(in) & 0xfffff) << VGT_PAGE_SHIFT;
    v->mappable_size = (uint64_t)(take32(in) & 0xfffff) << VGT_PAGE_SHIFT;
    v->nonmappable_base = (uint64_t)(take32(in) & 0xfffff) << VGT_PAGE_SHIFT;
    v->nonmappable_size = (uint64_t)(take32(in) & 0xfffff) << VGT_PAGE_SHIFT;
    s->host.part = *v;
}

static void check_translate(Input *in, const VgtGmSpace *space)
{
    uint64_t gma = take_gma(in), gpa = 0;

    if (!vgt_gtt_translate(s, space, gma, &gpa)) {
        return;
    }
    g_assert_cmphex(gpa & (VGT_PAGE_SIZE - 1), ==,
                    gma & (VGT_PAGE_SIZE - 1));
    if (!space->ppgtt) {
        g_assert_true(vgt_gm_is_ours(s, gma, 1));
        g_assert_true(vgt_gpa_is_ram(gpa));
        g_assert_cmphex(vgt_pte_addr(vgt_gtt_guest_pte(s, gma)), ==,
                        gpa & ~(uint64_t)(VGT_PAGE_SIZE - 1));
    }
}

static void check_read(Input *in, const VgtGmSpace *space)
{
    uint64_t gma = take_gma(in);
    uint32_t len = take32(in) % (3 * VGT_PAGE_SIZE);
    uint8_t *buf = g_malloc(len + 1);

    if (vgt_gtt_read_gm(s, space, gma, buf, len) && len && !space->ppgtt) {
        g_assert_true(vgt_gm_is_ours(s, gma, len));
    }
    g_free(buf);
}

static void check_pages(Input *in)
{
    uint64_t first = take_gma(in) >> VGT_PAGE_SHIFT;
    uint64_t n = take32(in) % 4096, seen = 0, gpa, npages, i;
    VgtGmPages it;

    vgt_gm_pages_begin(&it, s, first, n);
    while (vgt_gm_pages_next(&it, &gpa, &npages)) {
        g_assert_cmpuint(npages, >=, 1);
        g_assert_cmpuint(seen + npages, <=, n);
        if (gpa != VGT_GM_UNMAPPED) {
            for (i = 0; i < npages; i++) {
                uint64_t gma = (first + seen + i) << VGT_PAGE_SHIFT;
                uint32_t pte = vgt_gtt_guest_pte(s, gma);

                g_assert_true(pte & VGT_PTE_VALID);
                g_assert_true(vgt_gm_is_ours(s, gma, 1));
                g_assert_cmphex(vgt_pte_addr(pte), ==,
                                gpa + i * VGT_PAGE_SIZE);
            }
        } else {
            g_assert_cmpuint(npages, ==, 1);
        }
        seen += npages;
    }
    g_assert_cmpuint(seen, ==, n);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    s = g_new0(VgtState, 1);
    s->gtt.guest = g_new0(uint32_t, VGT_GTT_ENTRIES);
    ram = g_malloc0(RAM_PAGES * VGT_PAGE_SIZE);
    high_ram = g_malloc0(HIGH_RAM_PAGES * VGT_PAGE_SIZE);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Input in = { data, size };
    VgtGmSpace ppgtt = { .ppgtt = true };
    uint8_t op;

    memset(s->gtt.guest, 0, VGT_GTT_ENTRIES * sizeof(uint32_t));
    memset(ram, 0, RAM_PAGES * VGT_PAGE_SIZE);
    memset(high_ram, 0, HIGH_RAM_PAGES * VGT_PAGE_SIZE);
    /* XenGT's default partition until the input sets another */
    s->host.view.mappable_base = 0x04000000;
    s->host.view.mappable_size = 0x04000000;
    s->host.view.nonmappable_base = 0x40000000;
    s->host.view.nonmappable_size = 0x1c000000;
    s->host.part = s->host.view;

    while (take(&in, &op, 1)) {
        switch (op % 9) {
        case 0:
            set_partition(&in);
            break;
        case 1: {       /* a GGTT entry, anywhere in the 2M-entry array */
            uint32_t index = take32(&in) % VGT_GTT_ENTRIES;

            s->gtt.guest[index] = take_pte(&in);
            break;
        }
        case 2: {       /* a word of RAM: page-table entries */
            uint32_t off = take32(&in) % (RAM_PAGES * VGT_PAGE_SIZE / 4);

            stl_le_p(ram + off * 4, take_pte(&in));
            break;
        }
        case 3:         /* PP_DIR_BASE, as a guest loads it */
            ppgtt.pp_dir_base = take32(&in);
            break;
        case 4:
            check_translate(&in, &vgt_ggtt);
            break;
        case 5:
            check_translate(&in, &ppgtt);
            break;
        case 6:
            check_read(&in, &vgt_ggtt);
            break;
        case 7:
            check_read(&in, &ppgtt);
            break;
        case 8:
            check_pages(&in);
            break;
        }
    }
    return 0;
}
