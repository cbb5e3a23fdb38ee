// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ppgtt-shadow.c - the page tables the GPU walks for a VM's PPGTT.
 *
 * i915 on Haswell uses an aliasing gen7 PPGTT: one page directory of 512
 * PDEs kept in GGTT entries (the 2 MiB of GM at PP_DIR_BASE bits 31:16),
 * each PDE naming a page table of 1024 PTEs in guest RAM whose entries
 * hold guest-physical addresses.  The GPU must never walk those: on a
 * real Haswell they would reach any host page.  So, per instance:
 *
 *  - 512 shadow page tables in helper pages mapped for the GPU (as page
 *    tables: dma_map_pt), one per PDE of the page directory the device
 *    names (vgt_inst_ppgtt_sync).  Each shadow PTE is made from the
 *    guest's: a valid entry naming a frame of the instance's registered
 *    memory becomes that frame's device address with the guest's cache
 *    bits; anything else the scratch page.  A shadow PTE therefore only
 *    ever names the instance's own memory, whatever the guest or QEMU do.
 *  - the host GTT entries of the PD window point at the shadow tables,
 *    not at the guest's; the instance's private GTT keeps the guest's
 *    PDEs (what GTT reads, GM reads, migration and the GM slot swaps
 *    see).  No workload may reach the window as GGTT memory (audit.c,
 *    and the software Haswell refuses GGTT access to page-table pages),
 *    or it could write its own shadow PTEs.
 *  - on a GPU that does not enforce views the helper's PDE (the 4 MiB of
 *    the instance's helper slot, which i915 balloons) maps the audit's
 *    exec copy, from where the GPU fetches PPGTT batches; the audit
 *    keeps PPGTT operands out of it.
 *
 * Keeping it in sync: the helper reads the guest's page tables itself,
 * from registered memory, each entry once (what it validated is what it
 * stores), and keeps a copy of what it read.  vgt_inst_ppgtt_sync, which
 * the device calls before every submission that uses the PPGTT, compares
 * every guest table with the copy and re-validates only the entries that
 * changed (docs/helper.md argues this against write tracking in QEMU).
 * A GTT write into the window rebuilds that PDE's table at once; a
 * memory region going away scratches every shadow PTE naming it first; a
 * region coming makes the next sync re-validate everything.  A stale
 * shadow is a correctness matter only: it still names only the VM's own
 * memory, and unregistration never leaves one naming a gone region.
 *
 * Shadow PTEs change under a running workload of the instance (GTT
 * writes and syncs do not wait for it): each is one aligned 32-bit
 * store, so the GPU sees the old or the new validated value.  What
 * changes which window holds shadow PDEs, or frees the tables, waits
 * for the instance's workload (and for the GPU, around dma_unmap).
 */
#include "vgt-core-priv.h"

#define VGT_PPGTT_PT_BYTES	((u64)HSW_PPGTT_PDES * VGT_PAGE_SIZE)
#define VGT_PPGTT_ENTRIES	(HSW_PPGTT_PDES * HSW_PPGTT_PTES)
#define VGT_PPGTT_PDE_SPAN	((u64)HSW_PPGTT_PTES << VGT_PAGE_SHIFT)
#define VGT_NO_GPA		(~0ull)

_Static_assert(VGT_HOST_SLOT_SIZE == VGT_PPGTT_PDE_SPAN,
	       "a helper slot is one PDE's span");

struct vgt_ppgtt {
	u64 pd_gm;		/* the PD's GM address; VGT_PPGTT_NO_PD */
	u32 pd_index;		/* GGTT index of its first PDE */
	u32 helper_pde;		/* maps the exec copy; HSW_PPGTT_PDES: none */
	u32 *pt;		/* PDE i's shadow table at pt[i * 1024] */
	u64 pt_dma;
	u32 *src;		/* the guest PTE each shadow PTE was made of */
	u64 src_gpa[HSW_PPGTT_PDES];	/* guest table read; VGT_NO_GPA */
	u32 scratch;		/* the shadow PTE of nothing */
	bool stale;		/* memory changed: re-validate every entry */
};

/*
 * Guest memory may change under us: one load, used once (the guest's
 * CPU writes it without any lock of ours).
 */
static inline u32 vgt_ppgtt_read_guest(const u32 *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

/* The GPU may be walking it: one aligned store. */
static inline void vgt_ppgtt_store(u32 *p, u32 v)
{
	__atomic_store_n(p, v, __ATOMIC_RELAXED);
}

static bool vgt_ppgtt_has_pd(const struct vgt_ppgtt *pp)
{
	return pp && pp->pd_gm != VGT_PPGTT_NO_PD;
}

static u32 vgt_ppgtt_pde(const struct vgt_ppgtt *pp, u32 i)
{
	return hsw_pte_encode(pp->pt_dma + (u64)i * VGT_PAGE_SIZE,
			      HSW_PTE_VALID);
}

/* The shadow of guest PTE gpte (*hint: the region last hit). */
static u32 vgt_ppgtt_xlate(struct vgt_instance *inst,
			   const struct vgt_ppgtt *pp, u32 gpte,
			   const struct vgt_mem **hint)
{
	struct vgt_host *host = inst->host;
	const struct vgt_mem *m = *hint;
	u64 gpa = hsw_pte_decode(gpte);

	if (!(gpte & HSW_PTE_VALID))
		return pp->scratch;
	if (!m || gpa < m->gpa || gpa - m->gpa >= m->size) {
		m = vgt_mem_find_gfn(inst, gpa >> VGT_PAGE_SHIFT);
		if (!m)
			return pp->scratch;
		*hint = m;
	}
	return hsw_pte_encode(host->gpu.ops->pt_addr(host->gpu.priv,
						     m->dma + (gpa - m->gpa)),
			      gpte & (HSW_PTE_VALID | HSW_PTE_CACHE_MASK));
}

/*
 * Under the fallback dirty log (a GPU whose writes the core cannot see),
 * a page a shadow PTE stops naming may have been written: log it.
 */
static void vgt_ppgtt_forget(struct vgt_instance *inst,
			     const struct vgt_ppgtt *pp, u32 old_shadow,
			     u32 old_src)
{
	if (inst->dirty_log && !inst->host->gpu.writes_reported &&
	    old_shadow != pp->scratch)
		vgt_dirty_wrote(inst, hsw_pte_decode(old_src), VGT_PAGE_SIZE,
				true);
}

static u32 vgt_ppgtt_set(struct vgt_instance *inst, struct vgt_ppgtt *pp,
			 u32 k, u32 gpte, u32 shadow)
{
	u32 old = pp->pt[k];

	if (old == shadow) {
		pp->src[k] = gpte;
		return 0;
	}
	vgt_ppgtt_forget(inst, pp, old, pp->src[k]);
	pp->src[k] = gpte;
	vgt_ppgtt_store(&pp->pt[k], shadow);
	return 1;
}

/*
 * PDE i's shadow table from the guest's (all entries when force or when
 * the PDE names another page); returns the shadow PTEs rewritten.
 */
static u32 vgt_ppgtt_build_pt(struct vgt_instance *inst, struct vgt_ppgtt *pp,
			      u32 i, bool force)
{
	struct vgt_host *host = inst->host;
	const struct vgt_mem *m, *hint = NULL;
	const u32 *gpt = NULL;
	u64 gpa = VGT_NO_GPA, dma;
	u32 pde, j, k = i * HSW_PPGTT_PTES, n = 0;

	if (i == pp->helper_pde)
		return 0;	/* the helper's own (vgt_ppgtt_alloc) */
	pde = vgt_gtt_get_pte(inst, pp->pd_index + i);
	dma = hsw_pte_decode(pde);
	if ((pde & HSW_PTE_VALID) && dma != host->scratch_dma) {
		m = vgt_mem_find_dma(inst, dma);
		if (m) {
			gpa = m->gpa + (dma - m->dma);
			gpt = (const u32 *)(m->va + (dma - m->dma));
		}
	}
	if (gpa != pp->src_gpa[i]) {
		pp->src_gpa[i] = gpa;
		force = true;
	}
	if (!gpt) {
		for (j = 0; force && j < HSW_PPGTT_PTES; j++)
			n += vgt_ppgtt_set(inst, pp, k + j, 0, pp->scratch);
		return n;
	}
	for (j = 0; j < HSW_PPGTT_PTES; j++) {
		u32 v = vgt_ppgtt_read_guest(&gpt[j]);

		if (!force && v == pp->src[k + j])
			continue;
		n += vgt_ppgtt_set(inst, pp, k + j, v,
				   vgt_ppgtt_xlate(inst, pp, v, &hint));
	}
	return n;
}

/* prev's window in the host GTT (prev resident) to next's entries. */
void vgt_ppgtt_unload_for(struct vgt_instance *prev,
			  struct vgt_instance *next)
{
	struct vgt_host *host = prev->host;
	struct vgt_ppgtt *pp = prev->ppgtt;
	u32 i;

	if (!vgt_ppgtt_has_pd(pp))
		return;
	for (i = 0; i < HSW_PPGTT_PDES; i++)
		host->gpu.ops->gtt_write(host->gpu.priv, pp->pd_index + i,
					 vgt_gtt_get_pte(next,
							 pp->pd_index + i));
}

void vgt_ppgtt_load(struct vgt_instance *inst)
{
	struct vgt_host *host = inst->host;
	struct vgt_ppgtt *pp = inst->ppgtt;
	u32 i;

	if (!vgt_ppgtt_has_pd(pp) || !vgt_slot_is_resident(inst))
		return;
	for (i = 0; i < HSW_PPGTT_PDES; i++)
		host->gpu.ops->gtt_write(host->gpu.priv, pp->pd_index + i,
					 vgt_ppgtt_pde(pp, i));
	vgt_host_gtt_flush(host);
}

static void vgt_ppgtt_unload(struct vgt_instance *inst)
{
	if (!vgt_slot_is_resident(inst))
		return;
	vgt_ppgtt_unload_for(inst, inst);
	vgt_host_gtt_flush(inst->host);
}

/* On a GPU that does not enforce views: the exec copy, for batch fetch. */
static void vgt_ppgtt_helper_pt(struct vgt_instance *inst,
				struct vgt_ppgtt *pp)
{
	struct vgt_host *host = inst->host;
	const struct vgt_gpu_ops *ops = host->gpu.ops;
	u32 j, k;

	pp->helper_pde = HSW_PPGTT_PDES;
	if (host->gpu.view_enforced || !inst->host_mem ||
	    inst->host_gm.size != VGT_HOST_SLOT_SIZE ||
	    inst->host_gm.base >= HSW_PPGTT_SIZE ||
	    (inst->host_gm.base & (VGT_PPGTT_PDE_SPAN - 1)))
		return;
	pp->helper_pde = (u32)(inst->host_gm.base / VGT_PPGTT_PDE_SPAN);
	k = pp->helper_pde * HSW_PPGTT_PTES;
	for (j = 0; j < (VGT_HOST_SLOT_BACKED >> VGT_PAGE_SHIFT); j++) {
		u64 dma = inst->host_dma + ((u64)j << VGT_PAGE_SHIFT);

		pp->pt[k + j] = hsw_pte_encode(ops->pt_addr(host->gpu.priv, dma),
					       HSW_PTE_VALID);
	}
}

static void vgt_ppgtt_release(struct vgt_host *host, struct vgt_ppgtt *pp)
{
	if (!pp)
		return;
	if (pp->pt_dma)
		host->gpu.ops->dma_unmap(host->gpu.priv, pp->pt_dma,
					 VGT_PPGTT_PT_BYTES);
	if (pp->pt)
		vgt_free_host_pages(pp->pt);
	vgt_free(pp->src);
	vgt_free(pp);
}

/* Host lock held; it may be dropped while waiting for the GPU. */
static int vgt_ppgtt_alloc(struct vgt_instance *inst)
{
	struct vgt_host *host = inst->host;
	const struct vgt_gpu_ops *ops = host->gpu.ops;
	struct vgt_ppgtt *pp;
	u32 i;
	int ret;

	vgt_exec_wait_idle(host);	/* dma_map */
	if (inst->ppgtt)
		return 0;
	pp = vgt_zalloc(sizeof(*pp));
	if (!pp)
		return -VGT_E_NOMEM;
	pp->pt = vgt_alloc_host_pages(VGT_PPGTT_PT_BYTES);
	pp->src = vgt_zalloc((size_t)VGT_PPGTT_ENTRIES * sizeof(u32));
	if (!pp->pt || !pp->src)
		goto nomem;
	ret = ops->dma_map_pt ?
	      ops->dma_map_pt(host->gpu.priv, pp->pt, VGT_PPGTT_PT_BYTES,
			      &pp->pt_dma) :
	      ops->dma_map(host->gpu.priv, pp->pt, VGT_PPGTT_PT_BYTES,
			   &pp->pt_dma);
	if (ret) {
		pp->pt_dma = 0;
		goto nomem;
	}
	if (pp->pt_dma >= host->gpu.dma_limit ||
	    host->gpu.dma_limit - pp->pt_dma < VGT_PPGTT_PT_BYTES)
		goto nomem;
	pp->pd_gm = VGT_PPGTT_NO_PD;
	pp->scratch = hsw_pte_encode(ops->pt_addr(host->gpu.priv,
						  host->scratch_dma),
				     HSW_PTE_VALID);
	for (i = 0; i < VGT_PPGTT_ENTRIES; i++)
		pp->pt[i] = pp->scratch;
	for (i = 0; i < HSW_PPGTT_PDES; i++)
		pp->src_gpa[i] = VGT_NO_GPA;
	vgt_ppgtt_helper_pt(inst, pp);
	inst->ppgtt = pp;
	return 0;
nomem:
	vgt_ppgtt_release(host, pp);
	vgt_log_warn("vgt%u: out of memory for shadow page tables",
		     inst->id);
	return -VGT_E_NOMEM;
}

void vgt_ppgtt_free(struct vgt_instance *inst)
{
	struct vgt_host *host = inst->host;
	struct vgt_ppgtt *pp;

	if (!inst->ppgtt)
		return;
	/* Its workload may walk the tables; dma_unmap waits for the GPU. */
	vgt_exec_wait_idle(host);
	pp = inst->ppgtt;
	if (!pp)
		return;
	if (vgt_ppgtt_has_pd(pp))
		vgt_ppgtt_unload(inst);
	inst->ppgtt = NULL;
	vgt_ppgtt_release(host, pp);
}

bool vgt_ppgtt_window_index(const struct vgt_instance *inst, u32 index)
{
	const struct vgt_ppgtt *pp = inst->ppgtt;

	return vgt_ppgtt_has_pd(pp) && index >= pp->pd_index &&
	       index - pp->pd_index < HSW_PPGTT_PDES;
}

u32 vgt_ppgtt_pde_changed(struct vgt_instance *inst, u32 index)
{
	struct vgt_ppgtt *pp = inst->ppgtt;
	u32 i = index - pp->pd_index;

	vgt_ppgtt_build_pt(inst, pp, i, true);
	return vgt_ppgtt_pde(pp, i);
}

void vgt_ppgtt_unmap_mem(struct vgt_instance *inst, const struct vgt_mem *m)
{
	struct vgt_ppgtt *pp = inst->ppgtt;
	u32 k;

	if (!pp)
		return;
	for (k = 0; k < VGT_PPGTT_ENTRIES; k++) {
		u64 gpa = hsw_pte_decode(pp->src[k]);

		if (k / HSW_PPGTT_PTES == pp->helper_pde ||
		    pp->pt[k] == pp->scratch || gpa < m->gpa ||
		    gpa - m->gpa >= m->size)
			continue;
		vgt_ppgtt_set(inst, pp, k, 0, pp->scratch);
	}
	for (k = 0; k < HSW_PPGTT_PDES; k++)
		if (pp->src_gpa[k] != VGT_NO_GPA &&
		    pp->src_gpa[k] - m->gpa < m->size &&
		    pp->src_gpa[k] >= m->gpa)
			pp->src_gpa[k] = VGT_NO_GPA;
	pp->stale = true;
}

void vgt_ppgtt_mem_added(struct vgt_instance *inst)
{
	if (inst->ppgtt)
		inst->ppgtt->stale = true;
}

bool vgt_ppgtt_in_pd_window(const struct vgt_instance *inst, u64 gma,
			    u64 len)
{
	const struct vgt_ppgtt *pp = inst->ppgtt;

	return vgt_ppgtt_has_pd(pp) && len &&
	       gma < pp->pd_gm + HSW_PPGTT_PD_GM_SIZE &&
	       pp->pd_gm < gma + len;
}

bool vgt_ppgtt_active(const struct vgt_instance *inst, u32 pp_dir_base)
{
	const struct vgt_ppgtt *pp = inst->ppgtt;

	return vgt_ppgtt_has_pd(pp) &&
	       pp->pd_gm == (pp_dir_base & HSW_PP_DIR_BASE_ADDR_MASK);
}

u32 vgt_ppgtt_shadow_pte(const struct vgt_instance *inst, u64 gma)
{
	const struct vgt_ppgtt *pp = inst->ppgtt;
	u32 pte;

	if (!vgt_ppgtt_has_pd(pp) || gma >= HSW_PPGTT_SIZE)
		return 0;
	pte = pp->pt[gma >> VGT_PAGE_SHIFT];
	return pte == pp->scratch ? 0 : pte;
}

bool vgt_ppgtt_helper_range(const struct vgt_instance *inst, u64 gma,
			    u64 len)
{
	const struct vgt_ppgtt *pp = inst->ppgtt;
	u64 base;

	if (!pp || pp->helper_pde >= HSW_PPGTT_PDES || !len)
		return false;
	base = (u64)pp->helper_pde * VGT_PPGTT_PDE_SPAN;
	return gma < base + VGT_PPGTT_PDE_SPAN && base < gma + len;
}

/* Fallback dirty log: the pages of m the shadow maps now may be written. */
void vgt_ppgtt_dirty_mapped(struct vgt_instance *inst,
			    const struct vgt_mem *m, u64 first, u64 npages,
			    u64 *bitmap)
{
	const struct vgt_ppgtt *pp = inst->ppgtt;
	u64 lo = m->gpa + (first << VGT_PAGE_SHIFT);
	u64 hi = lo + (npages << VGT_PAGE_SHIFT);
	u32 k;

	if (!vgt_ppgtt_has_pd(pp))
		return;
	for (k = 0; k < VGT_PPGTT_ENTRIES; k++) {
		u64 gpa = hsw_pte_decode(pp->src[k]), i;

		if (k / HSW_PPGTT_PTES == pp->helper_pde ||
		    pp->pt[k] == pp->scratch || gpa < lo || gpa >= hi)
			continue;
		i = (gpa - lo) >> VGT_PAGE_SHIFT;
		bitmap[i / 64] |= 1ull << (i % 64);
	}
}

int vgt_inst_ppgtt_sync(struct vgt_instance *inst, u64 pd_gm)
{
	struct vgt_host *host = inst->host;
	struct vgt_ppgtt *pp;
	bool moved = false;
	u32 i, n = 0;
	int ret;

	vgt_mutex_lock(&host->lock);
	if (pd_gm == VGT_PPGTT_NO_PD) {
		vgt_ppgtt_free(inst);
		ret = 0;
		goto out;
	}
	if (!host->gpu.ops->pt_addr) {
		ret = -VGT_E_NOTSUP;
		goto out;
	}
	if (pd_gm & ~(u64)HSW_PP_DIR_BASE_ADDR_MASK) {
		ret = vgt_refuse(inst, VGT_E_INVAL, "page directory address",
				 pd_gm);
		goto out;
	}
	if (!vgt_range_contains(&inst->mappable, pd_gm, HSW_PPGTT_PD_GM_SIZE) &&
	    !vgt_range_contains(&inst->nonmappable, pd_gm,
				HSW_PPGTT_PD_GM_SIZE)) {
		ret = vgt_refuse(inst, VGT_E_GM_RANGE, "page directory",
				 pd_gm);
		goto out;
	}
	ret = vgt_ppgtt_alloc(inst);
	if (ret)
		goto out;
	pp = inst->ppgtt;
	if (pp->pd_gm != pd_gm) {
		/* Its running workload may walk the old window. */
		vgt_exec_wait_inst(inst);
		if (vgt_ppgtt_has_pd(pp))
			vgt_ppgtt_unload(inst);
		pp->pd_gm = pd_gm;
		pp->pd_index = (u32)(pd_gm >> VGT_PAGE_SHIFT);
		pp->stale = true;
		moved = true;
		vgt_log_info("vgt%u: shadow PPGTT: page directory at GM 0x%llx",
			     inst->id, (unsigned long long)pd_gm);
	}
	for (i = 0; i < HSW_PPGTT_PDES; i++)
		n += vgt_ppgtt_build_pt(inst, pp, i, pp->stale);
	pp->stale = false;
	if (moved)
		vgt_ppgtt_load(inst);
	ret = (int)n;
out:
	vgt_mutex_unlock(&host->lock);
	return ret;
}
