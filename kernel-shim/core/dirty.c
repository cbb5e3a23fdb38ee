// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dirty.c - which guest pages the GPU wrote: dirty logging for migration.
 *
 * While an instance logs, each of its memory regions has a bitmap, one
 * bit a page.  How bits get there depends on the GPU:
 *
 * Precise (writes_reported: the software Haswell).  The engine reports
 * every range it writes (vgt_gpu_exec.wrote): a device address (GGTT,
 * and the PPGTT through the shadow's device addresses) is mapped back
 * through the region it lies in, a guest-physical one directly.  Device
 * addresses of the helper's own memory (the shadow area, the context
 * save pages) are not guest memory: skipped.
 *
 * Fallback (a GPU whose writes the core cannot see: vgt.ko on a real
 * Haswell).  XenGT's approach: the GPU may write any page the instance's
 * GTT entries map at any time, so every such page counts as dirty at
 * every dirty_read, and so does every page its shadow PPGTT maps
 * (ppgtt-shadow.c).  That is all a workload can write there: on such a
 * GPU the audit (audit.c) keeps GGTT operands inside the instance's GM,
 * whose entries map only its registered memory (the shadow area and save
 * pages in its helper slot are not guest memory), and PPGTT operands in
 * its shadow PPGTT.  A page whose entry is rewritten or unmapped while logging
 * gets a bit in the bitmap, so a write made before the remap is still
 * reported once.
 */
#include "vgt-core-priv.h"

static u64 vgt_dirty_words(u64 npages)
{
	return (npages + 63) / 64;
}

int vgt_dirty_alloc(struct vgt_mem *m)
{
	m->dirty = vgt_zalloc(vgt_dirty_words(m->size >> VGT_PAGE_SHIFT) *
			      sizeof(u64));
	return m->dirty ? 0 : -VGT_E_NOMEM;
}

void vgt_dirty_free(struct vgt_mem *m)
{
	vgt_free(m->dirty);
	m->dirty = NULL;
}

/* The pages of [off, off + len) of region m, clipped to it. */
static void vgt_dirty_mark(const struct vgt_mem *m, u64 off, u64 len)
{
	u64 page, last;

	if (!m->dirty || !len || off >= m->size)
		return;
	if (len > m->size - off)
		len = m->size - off;
	last = (off + len - 1) >> VGT_PAGE_SHIFT;
	/* two engines may report writes of one instance at once */
	for (page = off >> VGT_PAGE_SHIFT; page <= last; page++)
		vgt_atomic_or64(&m->dirty[page / 64], 1ull << (page % 64));
}

/* The engine's write report (sched.c hands it to engine_exec). */
void vgt_dirty_wrote(void *opaque, u64 addr, u32 len, bool gpa)
{
	struct vgt_instance *inst = opaque;
	const struct vgt_mem *m;

	if (gpa) {
		m = vgt_mem_find_gfn(inst, addr >> VGT_PAGE_SHIFT);
		if (m)
			vgt_dirty_mark(m, addr - m->gpa, len);
		return;
	}
	m = vgt_mem_find_dma(inst, addr);
	if (m)
		vgt_dirty_mark(m, addr - m->dma, len);
}

void vgt_dirty_gtt_unmap(struct vgt_instance *inst,
			 const struct vgt_range *gm)
{
	struct vgt_host *host = inst->host;
	u32 index = (u32)(gm->base >> VGT_PAGE_SHIFT);
	u32 end = (u32)((gm->base + gm->size) >> VGT_PAGE_SHIFT);

	if (!inst->dirty_log || host->gpu.writes_reported)
		return;
	for (; index < end; index++) {
		u32 pte = vgt_gtt_get_pte(inst, index);
		u64 dma = hsw_pte_decode(pte);
		const struct vgt_mem *m;

		if (!(pte & HSW_PTE_VALID))
			continue;
		m = vgt_mem_find_dma(inst, dma);  /* not scratch, not ours */
		if (m)
			vgt_dirty_mark(m, dma - m->dma, VGT_PAGE_SIZE);
	}
}

int vgt_inst_dirty_log(struct vgt_instance *inst, bool enable)
{
	struct vgt_host *host = inst->host;
	int ret = 0;
	u32 i;

	vgt_mutex_lock(&host->lock);
	vgt_exec_wait_inst(inst);	/* its workload reports into them */
	for (i = 0; i < inst->nr_mem; i++)
		vgt_dirty_free(&inst->mem[i]);
	inst->dirty_log = false;
	if (enable) {
		for (i = 0; i < inst->nr_mem && !ret; i++)
			ret = vgt_dirty_alloc(&inst->mem[i]);
		if (ret)
			for (i = 0; i < inst->nr_mem; i++)
				vgt_dirty_free(&inst->mem[i]);
		else
			inst->dirty_log = true;
	}
	vgt_mutex_unlock(&host->lock);
	return ret;
}

/*
 * Fallback: the pages of m's [first, first + npages) the instance's GTT
 * maps now (its private GTT: only the entries that are not scratch).
 */
static void vgt_dirty_gtt_mapped(struct vgt_instance *inst,
				 const struct vgt_mem *m, u64 first,
				 u64 npages, u64 *bitmap)
{
	u64 lo = m->dma + (first << VGT_PAGE_SHIFT);
	u64 hi = lo + (npages << VGT_PAGE_SHIFT);
	u32 words = (inst->gtt_n + 63) / 64, w;

	for (w = 0; w < words; w++) {
		u64 bits = inst->gtt_used[w];

		while (bits) {
			u32 pte = inst->gtt[w * 64 + __builtin_ctzll(bits)];
			u64 dma = hsw_pte_decode(pte), i;

			bits &= bits - 1;
			if (!(pte & HSW_PTE_VALID) || dma < lo || dma >= hi)
				continue;
			i = (dma - lo) >> VGT_PAGE_SHIFT;
			bitmap[i / 64] |= 1ull << (i % 64);
		}
	}
}

int vgt_inst_dirty_read(struct vgt_instance *inst, u64 gpa, u64 npages,
			u64 *bitmap)
{
	struct vgt_host *host = inst->host;
	const struct vgt_mem *m = NULL;
	u64 first, i;
	int ret = 0;
	u32 k;

	vgt_mutex_lock(&host->lock);
	/* Its running workload sets bits without the lock: no lost bit. */
	vgt_exec_wait_inst(inst);
	if (!bitmap || !npages || npages > VGT_DIRTY_READ_MAX_PAGES ||
	    (gpa & (VGT_PAGE_SIZE - 1))) {
		ret = vgt_refuse(inst, VGT_E_INVAL, "dirty read pages", npages);
		goto out;
	}
	if (!inst->dirty_log) {
		ret = vgt_refuse(inst, VGT_E_INVAL, "dirty read, not logging",
				 gpa);
		goto out;
	}
	for (k = 0; k < inst->nr_mem && !m; k++) {
		const struct vgt_mem *r = &inst->mem[k];

		if (gpa >= r->gpa && gpa - r->gpa < r->size &&
		    npages <= (r->size - (gpa - r->gpa)) >> VGT_PAGE_SHIFT)
			m = r;
	}
	if (!m) {
		ret = vgt_refuse(inst, VGT_E_NOENT, "dirty read range", gpa);
		goto out;
	}
	memset(bitmap, 0, vgt_dirty_words(npages) * sizeof(u64));
	first = (gpa - m->gpa) >> VGT_PAGE_SHIFT;
	for (i = 0; i < npages; i++) {
		u64 page = first + i;
		u64 *word = &m->dirty[page / 64];
		u64 bit = 1ull << (page % 64);

		if (!*word) {
			i += 63 - page % 64;	/* to the next word */
			continue;
		}
		if (*word & bit) {
			*word &= ~bit;
			bitmap[i / 64] |= 1ull << (i % 64);
		}
	}
	if (!host->gpu.writes_reported) {
		vgt_dirty_gtt_mapped(inst, m, first, npages, bitmap);
		vgt_ppgtt_dirty_mapped(inst, m, first, npages, bitmap);
	}
out:
	vgt_mutex_unlock(&host->lock);
	return ret;
}
