// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * gmem.c - an instance's guest-physical memory and frame translation.
 *
 * A guest frame reaches the GPU only through a region the instance
 * registered; the translation below is the only way a guest frame number
 * becomes a device address.
 */
#include "vgt-core-priv.h"

static bool vgt_overlaps(u64 a, u64 alen, u64 b, u64 blen)
{
	return a < b + blen && b < a + alen;
}

int vgt_inst_mem_register(struct vgt_instance *inst, u64 gpa, u64 size,
			  void *va)
{
	struct vgt_host *host = inst->host;
	struct vgt_mem *m;
	u64 dma;
	u32 i;
	int ret;

	vgt_mutex_lock(&host->lock);
	vgt_exec_wait_idle(host);	/* dma_map */
	if (!size || ((gpa | size) & (VGT_PAGE_SIZE - 1)) || gpa + size < gpa ||
	    !va || ((unsigned long)va & (VGT_PAGE_SIZE - 1))) {
		ret = vgt_refuse(inst, VGT_E_INVAL, "memory region", gpa);
		goto out;
	}
	if (inst->nr_mem == VGT_MAX_MEM_REGIONS) {
		ret = vgt_refuse(inst, VGT_E_MEM_FULL, "memory region", gpa);
		goto out;
	}
	for (i = 0; i < inst->nr_mem; i++) {
		if (vgt_overlaps(gpa, size, inst->mem[i].gpa,
				 inst->mem[i].size)) {
			ret = vgt_refuse(inst, VGT_E_MEM_OVERLAP,
					 "memory region", gpa);
			goto out;
		}
	}
	ret = host->gpu.ops->dma_map(host->gpu.priv, va, size, &dma);
	if (ret) {
		ret = -VGT_E_NOMEM;
		goto out;
	}
	/* Every frame of the region must be expressible in a PTE. */
	if (dma >= host->gpu.dma_limit || host->gpu.dma_limit - dma < size) {
		host->gpu.ops->dma_unmap(host->gpu.priv, dma, size);
		ret = -VGT_E_NOMEM;
		goto out;
	}
	m = &inst->mem[inst->nr_mem];
	m->gpa = gpa;
	m->size = size;
	m->va = va;
	m->dma = dma;
	m->dirty = NULL;
	/* Logging covers regions registered while it is on. */
	if (inst->dirty_log && vgt_dirty_alloc(m)) {
		host->gpu.ops->dma_unmap(host->gpu.priv, dma, size);
		ret = -VGT_E_NOMEM;
		goto out;
	}
	inst->nr_mem++;
	/* Shadow PTEs naming it were scratch: the next sync looks again. */
	vgt_ppgtt_mem_added(inst);
	ret = 0;
out:
	vgt_mutex_unlock(&host->lock);
	return ret;
}

int vgt_inst_mem_unregister(struct vgt_instance *inst, u64 gpa)
{
	struct vgt_host *host = inst->host;
	u32 i;

	vgt_mutex_lock(&host->lock);
	vgt_exec_wait_idle(host);	/* dma_unmap */
	for (i = 0; i < inst->nr_mem; i++) {
		struct vgt_mem *m = &inst->mem[i];

		if (m->gpa != gpa)
			continue;
		vgt_gtt_unmap_mem(inst, m);
		vgt_ppgtt_unmap_mem(inst, m);
		host->gpu.ops->dma_unmap(host->gpu.priv, m->dma, m->size);
		vgt_dirty_free(m);	/* its log goes with it */
		inst->mem[i] = inst->mem[--inst->nr_mem];
		vgt_mutex_unlock(&host->lock);
		return 0;
	}
	vgt_mutex_unlock(&host->lock);
	return -VGT_E_NOENT;
}

void vgt_mem_release_all(struct vgt_instance *inst)
{
	struct vgt_host *host = inst->host;
	u32 i;

	for (i = 0; i < inst->nr_mem; i++) {
		host->gpu.ops->dma_unmap(host->gpu.priv, inst->mem[i].dma,
					 inst->mem[i].size);
		vgt_dirty_free(&inst->mem[i]);
	}
	inst->nr_mem = 0;
	inst->dirty_log = false;
}

const struct vgt_mem *vgt_mem_find_gfn(struct vgt_instance *inst, u64 gfn)
{
	u64 gpa;
	u32 i;

	if (gfn > (~0ull >> VGT_PAGE_SHIFT))
		return NULL;
	gpa = gfn << VGT_PAGE_SHIFT;
	for (i = 0; i < inst->nr_mem; i++) {
		const struct vgt_mem *m = &inst->mem[i];

		if (gpa >= m->gpa && gpa - m->gpa < m->size)
			return m;
	}
	return NULL;
}

const struct vgt_mem *vgt_mem_find_dma(struct vgt_instance *inst, u64 dma)
{
	u32 i;

	for (i = 0; i < inst->nr_mem; i++) {
		const struct vgt_mem *m = &inst->mem[i];

		if (dma >= m->dma && dma - m->dma < m->size)
			return m;
	}
	return NULL;
}

int vgt_inst_gfn_to_dma(struct vgt_instance *inst, u64 gfn, u64 *dma_addr)
{
	const struct vgt_mem *m;
	int ret = 0;

	vgt_mutex_lock(&inst->host->lock);
	m = vgt_mem_find_gfn(inst, gfn);
	if (m)
		*dma_addr = m->dma + ((gfn << VGT_PAGE_SHIFT) - m->gpa);
	else
		ret = -VGT_E_GFN;
	vgt_mutex_unlock(&inst->host->lock);
	return ret;
}
