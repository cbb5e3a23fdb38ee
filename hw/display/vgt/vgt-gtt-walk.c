/*
 * vgt: graphics memory (GM) address translation, in one place: the VM's
 * partition, the lookup of a GM address in the guest's GGTT, the gen7
 * PPGTT walk, reads of GM through either, and the walk of GM pages a
 * display plane scans out.
 *
 * Everything reads the guest's view of the GGTT (vgt-gtt.c keeps it as
 * written, at the guest's indices) and only this VM's part of it as PVINFO
 * gave it (s->host.view); guest memory is reached through
 * vgt_gpa_is_ram() and vgt_gpa_read() (vgt-gtt.c), so nothing but guest
 * RAM is ever read.  Pure logic otherwise: the unit tests link this file
 * with their own guest memory.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "kernel-shim/hsw/hsw-regs.h"
#include "vgt-internal.h"


const VgtGmSpace vgt_ggtt = { .ppgtt = false };

uint64_t vgt_pte_addr(uint32_t pte)
{
    return hsw_pte_decode(pte);
}

/*
 * The guest's ranges are the view (PVINFO): what it may address is exactly
 * what vgt-gm-remap.c can move to the helper's partition, so that every
 * address the device accepts can be translated on its way out.
 */
bool vgt_gm_is_ours(VgtState *s, uint64_t gm_addr, uint64_t len)
{
    uint64_t hma;

    return vgt_gm_to_host(s, gm_addr, len, &hma);
}

uint32_t vgt_gtt_guest_pte(VgtState *s, uint64_t gma)
{
    if (gma >= VGT_GM_SIZE || !vgt_gm_is_ours(s, gma, 1)) {
        return 0;
    }
    return s->gtt.guest[gma >> VGT_PAGE_SHIFT];
}

static bool vgt_ggtt_translate(VgtState *s, uint64_t gma, uint64_t *gpa)
{
    uint32_t pte = vgt_gtt_guest_pte(s, gma);
    uint64_t page = vgt_pte_addr(pte);

    *gpa = page | (gma & (VGT_PAGE_SIZE - 1));
    return (pte & VGT_PTE_VALID) && vgt_gpa_is_ram(page);
}

/*
 * The gen7 PPGTT (hsw-regs.h): the page directory in the VM's part of the
 * GGTT's entry array, page tables in guest memory.
 */
static bool vgt_ppgtt_translate(VgtState *s, uint32_t pp_dir_base,
                                uint64_t gma, uint64_t *gpa)
{
    uint64_t pde_index = hsw_ppgtt_pde_index(pp_dir_base, gma);
    uint32_t pde, pte;
    uint64_t pt;

    if (gma >= HSW_PPGTT_SIZE || pde_index >= VGT_GTT_ENTRIES) {
        return false;
    }
    /* the page directory must lie in the VM's own part of the GTT */
    if (!vgt_gm_is_ours(s, (uint64_t)pde_index << VGT_PAGE_SHIFT, 1)) {
        return false;
    }
    pde = s->gtt.guest[pde_index];
    if (!(pde & VGT_PTE_VALID)) {
        return false;
    }
    pt = vgt_pte_addr(pde);
    if (!vgt_gpa_read(s, pt + hsw_ppgtt_pte_index(gma) * 4, &pte, 4)) {
        return false;
    }
    pte = le32_to_cpu(pte);
    if (!(pte & VGT_PTE_VALID)) {
        return false;
    }
    *gpa = vgt_pte_addr(pte) | (gma & (VGT_PAGE_SIZE - 1));
    return true;
}

bool vgt_gtt_translate(VgtState *s, const VgtGmSpace *space, uint64_t gma,
                       uint64_t *gpa)
{
    return space->ppgtt ? vgt_ppgtt_translate(s, space->pp_dir_base, gma, gpa)
                        : vgt_ggtt_translate(s, gma, gpa);
}

bool vgt_gtt_read_gm(VgtState *s, const VgtGmSpace *space, uint64_t gma,
                     void *buf, uint32_t len)
{
    uint8_t *dst = buf;
    uint64_t gpa;

    /* page by page: neighbouring GM pages need not be neighbours in RAM */
    while (len) {
        uint32_t chunk = MIN(len, VGT_PAGE_SIZE - (gma & (VGT_PAGE_SIZE - 1)));

        if (!vgt_gtt_translate(s, space, gma, &gpa) ||
            !vgt_gpa_read(s, gpa, dst, chunk)) {
            return false;
        }
        gma += chunk;
        dst += chunk;
        len -= chunk;
    }
    return true;
}

void vgt_gm_pages_begin(VgtGmPages *it, VgtState *s, uint64_t first,
                        uint64_t n)
{
    it->s = s;
    it->page = first;
    it->end = first + n;
}

bool vgt_gm_pages_next(VgtGmPages *it, uint64_t *gpa, uint64_t *npages)
{
    uint64_t page = it->page, next;
    uint32_t pte;

    if (page >= it->end) {
        return false;
    }
    pte = vgt_gtt_guest_pte(it->s, page << VGT_PAGE_SHIFT);
    if (!(pte & VGT_PTE_VALID)) {
        *gpa = VGT_GM_UNMAPPED;
        *npages = 1;
        it->page = page + 1;
        return true;
    }
    /* a run of consecutive guest frames */
    *gpa = vgt_pte_addr(pte);
    for (next = page + 1; next < it->end; next++) {
        pte = vgt_gtt_guest_pte(it->s, next << VGT_PAGE_SHIFT);
        if (!(pte & VGT_PTE_VALID) ||
            vgt_pte_addr(pte) != *gpa + (next - page) * VGT_PAGE_SIZE) {
            break;
        }
    }
    *npages = next - page;
    it->page = next;
    return true;
}
