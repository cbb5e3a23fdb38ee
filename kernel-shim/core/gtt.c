// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * gtt.c - validated host GTT and fence writes, and reads back.
 *
 * The only paths by which a VM changes what the GPU can reach.  A guest's
 * entry is written only inside the instance's GM ranges and only to its
 * registered memory; the helper's own ranges only ever point at pages the
 * helper allocated; everything else points at the scratch page.
 */
#include "vgt-core-priv.h"
#include "../hsw/hsw-regs.h"

static inline void vgt_gtt_set(struct vgt_host *host, u32 index, u32 pte)
{
	host->gpu.ops->gtt_write(host->gpu.priv, index, pte);
}

/* Posting read + flush, as i915 does after a batch of GGTT writes. */
void vgt_host_gtt_flush(struct vgt_host *host)
{
	host->gpu.ops->write32(host->gpu.priv, GFX_FLSH_CNTL_GEN6, 1);
}

void vgt_gtt_scratch_range(struct vgt_host *host, const struct vgt_range *gm)
{
	u32 i = (u32)(gm->base >> VGT_PAGE_SHIFT);
	u32 end = (u32)((gm->base + gm->size) >> VGT_PAGE_SHIFT);

	for (; i < end; i++)
		vgt_gtt_set(host, i, host->scratch_pte);
	vgt_host_gtt_flush(host);
}

void vgt_gtt_map_host(struct vgt_host *host, u64 gm_addr, u64 dma, u64 size)
{
	u64 off;

	for (off = 0; off < size; off += VGT_PAGE_SIZE)
		vgt_gtt_set(host, (u32)((gm_addr + off) >> VGT_PAGE_SHIFT),
			    hsw_pte_encode(dma + off, HSW_PTE_VALID));
	vgt_host_gtt_flush(host);
}

/*
 * Before a region goes away, no entry of the instance may point into it
 * (its private GTT; the host GTT too while it is resident).
 */
void vgt_gtt_unmap_mem(struct vgt_instance *inst, const struct vgt_mem *m)
{
	struct vgt_host *host = inst->host;
	u32 words = (inst->gtt_n + 63) / 64, w, i;

	for (w = 0; w < words; w++) {
		u64 bits = inst->gtt_used[w];

		while (bits) {
			u64 dma;

			i = w * 64 + (u32)__builtin_ctzll(bits);
			bits &= bits - 1;
			dma = hsw_pte_decode(inst->gtt[i]);
			if (dma >= m->dma && dma - m->dma < m->size)
				vgt_gtt_set_pte(inst,
						vgt_gtt_host_index(inst, i),
						host->scratch_pte);
		}
	}
	vgt_gtt_flush_resident(inst);
}

/* Every entry of the instance back to scratch (reset). */
void vgt_gtt_scratch_inst(struct vgt_instance *inst)
{
	struct vgt_host *host = inst->host;
	u32 words = (inst->gtt_n + 63) / 64, w, i;

	for (w = 0; w < words; w++) {
		u64 bits = inst->gtt_used[w];

		while (bits) {
			i = w * 64 + (u32)__builtin_ctzll(bits);
			bits &= bits - 1;
			vgt_gtt_set_pte(inst, vgt_gtt_host_index(inst, i),
					host->scratch_pte);
		}
	}
	vgt_gtt_flush_resident(inst);
}

static bool vgt_in_gm(const struct vgt_instance *inst, u64 addr, u64 len)
{
	return vgt_range_contains(&inst->mappable, addr, len) ||
	       vgt_range_contains(&inst->nonmappable, addr, len);
}

/* Validate one entry; on success *pte is what goes into the host GTT. */
static int vgt_gtt_check(struct vgt_instance *inst,
			 const struct vgt_gtt_entry *e, u32 *pte)
{
	struct vgt_host *host = inst->host;
	const struct vgt_mem *m;
	u64 dma;

	if (e->index >= host->gpu.gtt_entries)
		return vgt_refuse(inst, VGT_E_GTT_INDEX, "GTT index",
				  e->index);
	if (!vgt_in_gm(inst, (u64)e->index << VGT_PAGE_SHIFT, VGT_PAGE_SIZE))
		return vgt_refuse(inst, VGT_E_GM_RANGE, "GTT index",
				  e->index);
	if (e->flags & ~(u32)(VGT_PTE_VALID | VGT_PTE_CACHE_MASK))
		return vgt_refuse(inst, VGT_E_PTE_FLAGS, "PTE flags",
				  e->flags);
	if (!(e->flags & VGT_PTE_VALID)) {
		*pte = host->scratch_pte;
		return 0;
	}
	m = vgt_mem_find_gfn(inst, e->gfn);
	if (!m)
		return vgt_refuse(inst, VGT_E_GFN, "guest frame", e->gfn);
	dma = m->dma + ((e->gfn << VGT_PAGE_SHIFT) - m->gpa);
	*pte = hsw_pte_encode(dma, e->flags);
	return 0;
}

int vgt_inst_gtt_write(struct vgt_instance *inst, const struct vgt_gtt_entry *e,
		       u32 n, u32 *bad)
{
	struct vgt_host *host = inst->host;
	u32 pte[VGT_GTT_WRITE_MAX];
	u32 i;
	int ret;

	if (bad)
		*bad = 0;
	vgt_mutex_lock(&host->lock);
	if (!n || n > VGT_GTT_WRITE_MAX || !e) {
		ret = vgt_refuse(inst, VGT_E_INVAL, "GTT write count", n);
		goto out;
	}
	/* All or nothing: a refused entry leaves the GTT untouched. */
	for (i = 0; i < n; i++) {
		ret = vgt_gtt_check(inst, &e[i], &pte[i]);
		if (ret) {
			if (bad)
				*bad = i;
			goto out;
		}
	}
	for (i = 0; i < n; i++) {
		vgt_dirty_gtt_unmap(inst, &(struct vgt_range){
			(u64)e[i].index << VGT_PAGE_SHIFT, VGT_PAGE_SIZE });
		vgt_gtt_set_pte(inst, e[i].index, pte[i]);
	}
	vgt_gtt_flush_resident(inst);
	inst->stats.gtt_written += n;
	ret = 0;
out:
	vgt_mutex_unlock(&host->lock);
	return ret;
}

int vgt_inst_gtt_read(struct vgt_instance *inst, u32 index,
		      struct vgt_gtt_entry *out)
{
	struct vgt_host *host = inst->host;
	const struct vgt_mem *m;
	u32 pte;
	u64 dma;
	int ret = 0;

	memset(out, 0, sizeof(*out));
	out->index = index;
	vgt_mutex_lock(&host->lock);
	if (index >= host->gpu.gtt_entries) {
		ret = vgt_refuse(inst, VGT_E_GTT_INDEX, "GTT read", index);
		goto out;
	}
	if (!vgt_in_gm(inst, (u64)index << VGT_PAGE_SHIFT, VGT_PAGE_SIZE)) {
		ret = vgt_refuse(inst, VGT_E_GM_RANGE, "GTT read", index);
		goto out;
	}
	pte = vgt_gtt_get_pte(inst, index);
	dma = hsw_pte_decode(pte);
	if (!(pte & HSW_PTE_VALID) || dma == host->scratch_dma)
		goto out;	/* unmapped: flags 0 */
	m = vgt_mem_find_dma(inst, dma);
	if (!m) {
		ret = -VGT_E_GM_UNMAPPED;
		goto out;
	}
	out->gfn = (m->gpa + (dma - m->dma)) >> VGT_PAGE_SHIFT;
	out->flags = pte & (HSW_PTE_VALID | HSW_PTE_CACHE_MASK);
out:
	vgt_mutex_unlock(&host->lock);
	return ret;
}

/*
 * Haswell fence: lower dword start address 31:12, bit 1 Y tiling, bit 0
 * valid; upper dword end address 31:12 (inclusive page) and pitch 11:0.
 */
int vgt_inst_fence_write(struct vgt_instance *inst, u32 fence, u64 value)
{
	struct vgt_host *host = inst->host;
	u32 lo = (u32)value, hi = (u32)(value >> 32);
	int ret = 0;

	vgt_mutex_lock(&host->lock);
	if (fence >= inst->fence_num) {
		ret = vgt_refuse(inst, VGT_E_FENCE, "fence index", fence);
		goto out;
	}
	if (lo & FENCE_LO_RESERVED) {
		ret = vgt_refuse(inst, VGT_E_INVAL, "fence value", value);
		goto out;
	}
	if (value & FENCE_VALID) {
		u64 start = lo & FENCE_ADDR_MASK;
		u64 end = (hi & FENCE_ADDR_MASK) + VGT_PAGE_SIZE;

		if (end <= start || !vgt_in_gm(inst, start, end - start)) {
			ret = vgt_refuse(inst, VGT_E_FENCE, "fence range",
					 value);
			goto out;
		}
	} else {
		lo = 0;
		hi = 0;
	}
	vgt_fence_set(inst, fence, (u64)hi << 32 | lo);
out:
	vgt_mutex_unlock(&host->lock);
	return ret;
}

void vgt_fences_clear(struct vgt_instance *inst)
{
	u32 i;

	for (i = 0; i < inst->fence_num; i++)
		vgt_fence_set(inst, i, 0);
}

/*
 * GM read through the instance's GTT, as the aperture would show it.  The source page
 * must be the instance's own registered memory: anything else (scratch, a
 * stale entry) is refused rather than read.
 */
int vgt_inst_gm_read(struct vgt_instance *inst, u64 gm_addr, void *buf, u32 len)
{
	struct vgt_host *host = inst->host;
	u8 *dst = buf;
	int ret = 0;

	vgt_mutex_lock(&host->lock);
	if (!len || len > VGT_GM_READ_MAX || !buf) {
		ret = vgt_refuse(inst, VGT_E_INVAL, "GM read length", len);
		goto out;
	}
	if (!vgt_in_gm(inst, gm_addr, len)) {
		ret = vgt_refuse(inst, VGT_E_GM_RANGE, "GM read", gm_addr);
		goto out;
	}
	while (len) {
		u32 off = (u32)(gm_addr & (VGT_PAGE_SIZE - 1));
		u32 chunk = VGT_PAGE_SIZE - off;
		u32 index = (u32)(gm_addr >> VGT_PAGE_SHIFT);
		u32 pte = vgt_gtt_get_pte(inst, index);
		u64 dma = hsw_pte_decode(pte);
		const struct vgt_mem *m = NULL;

		if (chunk > len)
			chunk = len;
		if ((pte & HSW_PTE_VALID) && dma != host->scratch_dma)
			m = vgt_mem_find_dma(inst, dma);
		if (!m) {
			ret = -VGT_E_GM_UNMAPPED;
			goto out;
		}
		memcpy(dst, m->va + (dma - m->dma) + off, chunk);
		dst += chunk;
		gm_addr += chunk;
		len -= chunk;
	}
out:
	vgt_mutex_unlock(&host->lock);
	return ret;
}
