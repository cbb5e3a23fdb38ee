// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * swhsw-ppgtt.c - the engines' memory path: GGTT and the gen7 PPGTT.
 *
 * GGTT: GM address -> GGTT entry (Haswell PTE) -> device address -> host
 * page, and only inside the GM ranges the helper put in the workload's view
 * (the running instance's GM and its share of the helper's).
 *
 * PPGTT (gen7 aliasing/full PPGTT as i915 uses it on Haswell), walked as
 * a real Haswell walks it: two levels, the page directory in GGTT
 * entries (geometry in hsw-regs.h) at PP_DIR_BASE, each PDE naming a page
 * table, each PTE a page, all by device address.  The helper makes that
 * safe (core/ppgtt-shadow.c): the PDEs it writes name its shadow page
 * tables, whose PTEs name only the instance's memory.  Here a PDE must lie
 * inside the view and name page-table pages the helper mapped as such
 * (dma_map_pt), so a PP_DIR_BASE pointing at GGTT entries of ordinary
 * memory walks nothing; and no GGTT access (nor a PTE) reaches those
 * pages, so no workload writes a shadow PTE.
 * GM whose entry points at the helper's scratch page (never mapped by the
 * VM) is treated as not present, so VMs cannot talk through that page;
 * in the PPGTT too (the shadow's PTEs of nothing).
 * Anything else is a fault of the workload, never a host access.
 * Every page handed out for a write is reported first (x->wrote): the
 * helper's dirty log.
 */
#include "swhsw-priv.h"
#include "hw/vgt-helper-abi.h"

void swhsw_fault(struct swhsw_run *r, u64 gma)
{
	if (!r->failed) {
		r->failed = true;
		r->x->status = VGT_EXEC_FAULT;
		r->x->fault_addr = gma;
	}
}

static bool in_view(const struct vgt_gpu_exec *x, u64 gma, u64 len)
{
	u32 i;

	for (i = 0; i < x->nr_ranges && i < VGT_EXEC_MAX_RANGES; i++)
		if (gma >= x->range[i].base && len <= x->range[i].size &&
		    gma - x->range[i].base <= x->range[i].size - len)
			return true;
	return false;
}

/*
 * A device address the engine reaches (never page-table pages); a write
 * is reported first.
 */
static u8 *dma_page(struct swhsw_run *r, u64 dma, u32 len, bool write)
{
	u8 *p = swhsw_dma_lookup_hinted_locked(r->sw, dma, len, write, false,
					       &r->dma_hint);

	if (p && write && r->x->wrote)
		r->x->wrote(r->x->opaque, dma, len, false);
	return p;
}

static u8 *ggtt_page(struct swhsw_run *r, u64 gma, u32 len, bool write)
{
	struct vgt_swhsw *sw = r->sw;
	u32 pte;

	if (gma >= HSW_GM_SIZE || !in_view(r->x, gma, len))
		return NULL;
	pte = sw->gtt[gma >> VGT_PAGE_SHIFT];
	/* Unmapped GM points at the helper's scratch page: not a target. */
	if (!(pte & HSW_PTE_VALID) ||
	    (r->x->scratch_dma && hsw_pte_decode(pte) == r->x->scratch_dma))
		return NULL;
	return dma_page(r, hsw_pte_decode(pte) + (gma & (VGT_PAGE_SIZE - 1)),
			len, write);
}

static u8 *ppgtt_page(struct swhsw_run *r, u64 gma, u32 len, bool write)
{
	struct vgt_swhsw *sw = r->sw;
	u32 pp = sw->regs[RING_PP_DIR_BASE(r->base) / 4];
	u64 pde_index, pde_gm;
	u32 pde, pte;
	u8 *pt;

	if (gma >= HSW_PPGTT_SIZE)
		return NULL;
	pde_index = hsw_ppgtt_pde_index(pp, gma);
	pde_gm = pde_index << VGT_PAGE_SHIFT;
	/* The PD lives in GGTT entries: they must be the instance's. */
	if (pde_index >= HSW_GTT_ENTRIES || !in_view(r->x, pde_gm, 1))
		return NULL;
	pde = sw->gtt[pde_index];
	if (!(pde & HSW_PTE_VALID))
		return NULL;
	/* Only a page table the helper built (the bare GPU: any page). */
	pt = swhsw_dma_lookup_kind_locked(sw, hsw_pte_decode(pde),
					  VGT_PAGE_SIZE, false, true);
	if (!pt)
		return NULL;
	memcpy(&pte, pt + hsw_ppgtt_pte_index(gma) * 4, 4);
	if (!(pte & HSW_PTE_VALID) ||
	    (r->x->scratch_dma && hsw_pte_decode(pte) == r->x->scratch_dma))
		return NULL;
	return dma_page(r, hsw_pte_decode(pte) + (gma & (VGT_PAGE_SIZE - 1)),
			len, write);
}

u8 *swhsw_xlate(struct swhsw_run *r, bool ppgtt, u64 gma, u32 len,
		bool write)
{
	u8 *p;

	if (!len || (gma & (VGT_PAGE_SIZE - 1)) + len > VGT_PAGE_SIZE) {
		swhsw_fault(r, gma);
		return NULL;
	}
	p = ppgtt ? ppgtt_page(r, gma, len, write) :
		    ggtt_page(r, gma, len, write);
	if (!p)
		swhsw_fault(r, gma);
	return p;
}

static int mem_access(struct swhsw_run *r, bool ppgtt, u64 gma, u8 *buf,
		      u32 len, bool write)
{
	while (len) {
		u32 chunk = VGT_PAGE_SIZE - (u32)(gma & (VGT_PAGE_SIZE - 1));
		u8 *p;

		if (chunk > len)
			chunk = len;
		p = swhsw_xlate(r, ppgtt, gma, chunk, write);
		if (!p)
			return -1;
		if (write)
			memcpy(p, buf, chunk);
		else
			memcpy(buf, p, chunk);
		gma += chunk;
		buf += chunk;
		len -= chunk;
	}
	return 0;
}

int swhsw_mem_read(struct swhsw_run *r, bool ppgtt, u64 gma, void *buf,
		   u32 len)
{
	return mem_access(r, ppgtt, gma, buf, len, false);
}

int swhsw_mem_write(struct swhsw_run *r, bool ppgtt, u64 gma,
		    const void *buf, u32 len)
{
	return mem_access(r, ppgtt, gma, (u8 *)buf, len, true);
}
