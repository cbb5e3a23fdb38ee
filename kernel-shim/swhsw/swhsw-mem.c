// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * swhsw-mem.c - the software Haswell's GTT and memory path.
 *
 * GM address -> GTT entry (Haswell PTE) -> device address -> host page.
 * Device addresses are handed out by dma_map from a model address space
 * (SWHSW_DMA_BASE up to the 39-bit PTE limit); a device address outside
 * every mapped range reaches nothing.
 */
#include "swhsw-priv.h"
#include "hw/vgt-helper-abi.h"

u32 swhsw_gtt_read(void *opaque, u32 index)
{
	struct vgt_swhsw *sw = opaque;

	if (index >= HSW_GTT_ENTRIES) {
		vgt_atomic_inc64(&sw->stats.bad_gtt);
		return 0;
	}
	return sw->gtt[index];
}

void swhsw_gtt_write(void *opaque, u32 index, u32 pte)
{
	struct vgt_swhsw *sw = opaque;

	if (index >= HSW_GTT_ENTRIES) {
		vgt_atomic_inc64(&sw->stats.bad_gtt);
		return;
	}
	sw->gtt[index] = pte;
}

void swhsw_gtt_write_range(void *opaque, u32 index, const u32 *pte, u32 n)
{
	struct vgt_swhsw *sw = opaque;

	if (index >= HSW_GTT_ENTRIES || n > HSW_GTT_ENTRIES - index) {
		vgt_atomic_inc64(&sw->stats.bad_gtt);
		return;
	}
	memcpy(&sw->gtt[index], pte, (size_t)n * sizeof(*pte));
}

static int swhsw_dma_map_kind(struct vgt_swhsw *sw, void *va, u64 size,
			      u64 *dma_addr, bool pt);

int swhsw_dma_map(void *opaque, void *va, u64 size, u64 *dma_addr)
{
	return swhsw_dma_map_kind(opaque, va, size, dma_addr, false);
}

/*
 * Page tables the helper built (its shadow PPGTT): the engines walk the
 * PPGTT only through such pages and never reach them otherwise.
 */
int swhsw_dma_map_pt(void *opaque, void *va, u64 size, u64 *dma_addr)
{
	return swhsw_dma_map_kind(opaque, va, size, dma_addr, true);
}

/* A page table holds device addresses as they are. */
u64 swhsw_pt_addr(void *opaque, u64 dma_addr)
{
	return dma_addr;
}

static int swhsw_dma_map_kind(struct vgt_swhsw *sw, void *va, u64 size,
			      u64 *dma_addr, bool pt)
{
	u64 start = SWHSW_DMA_BASE, end = HSW_PTE_DMA_LIMIT;
	u32 i;
	int ret = -VGT_E_NOMEM;

	if (!size || (size & (VGT_PAGE_SIZE - 1)) || !va || size > end)
		return -VGT_E_INVAL;
	vgt_write_lock(&sw->dma_lock);
	if (sw->nr_dma == SWHSW_MAX_DMA)
		goto out;
	/* First fit; one guard page between ranges catches overruns. */
	for (i = 0; i <= sw->nr_dma; i++) {
		u64 gap_end = i < sw->nr_dma ? sw->dma[i].base : end;

		if (start <= gap_end &&
		    gap_end - start >= size + VGT_PAGE_SIZE) {
			memmove(&sw->dma[i + 1], &sw->dma[i],
				(sw->nr_dma - i) * sizeof(sw->dma[0]));
			sw->dma[i].base = start;
			sw->dma[i].size = size;
			sw->dma[i].va = va;
			sw->dma[i].pt = pt;
			sw->nr_dma++;
			sw->stats.dma_regions = sw->nr_dma;
			*dma_addr = start;
			ret = 0;
			goto out;
		}
		if (i < sw->nr_dma)
			start = sw->dma[i].base + sw->dma[i].size +
				VGT_PAGE_SIZE;
	}
out:
	vgt_write_unlock(&sw->dma_lock);
	return ret;
}

void swhsw_dma_unmap(void *opaque, u64 dma_addr, u64 size)
{
	struct vgt_swhsw *sw = opaque;
	u32 i;

	vgt_write_lock(&sw->dma_lock);
	for (i = 0; i < sw->nr_dma; i++) {
		if (sw->dma[i].base != dma_addr || sw->dma[i].size != size)
			continue;
		memmove(&sw->dma[i], &sw->dma[i + 1],
			(sw->nr_dma - i - 1) * sizeof(sw->dma[0]));
		sw->nr_dma--;
		break;
	}
	sw->stats.dma_regions = sw->nr_dma;
	vgt_write_unlock(&sw->dma_lock);
}

/* The dma_map table; caller holds dma_lock. */
static struct swhsw_dma *swhsw_dma_table_find(struct vgt_swhsw *sw,
					      u64 dma_addr, u64 len)
{
	u32 lo = 0, hi = sw->nr_dma;

	/* sorted by base (first fit keeps the order): binary search */
	while (lo < hi) {
		u32 mid = (lo + hi) / 2;

		if (sw->dma[mid].base <= dma_addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo) {
		struct swhsw_dma *d = &sw->dma[lo - 1];

		if (len <= d->size && dma_addr - d->base <= d->size - len)
			return d;
	}
	return NULL;
}

static u8 *swhsw_dma_table_lookup(struct vgt_swhsw *sw, u64 dma_addr, u64 len)
{
	struct swhsw_dma *d = swhsw_dma_table_find(sw, dma_addr, len);

	return d ? d->va + (dma_addr - d->base) : NULL;
}

/* Caller holds dma_lock. */
u8 *swhsw_dma_lookup_locked(struct vgt_swhsw *sw, u64 dma_addr, u64 len,
			    bool write)
{
	u64 off = dma_addr & (VGT_PAGE_SIZE - 1);

	if (!sw->dma_ops)
		return swhsw_dma_table_lookup(sw, dma_addr, len);
	/* The bare GPU: a bus address, one page at a time. */
	if (!len || len > VGT_PAGE_SIZE - off || dma_addr >= HSW_PTE_DMA_LIMIT)
		return NULL;
	return sw->dma_ops->map(sw->dma_opaque, dma_addr, (u32)len, write);
}

u8 *swhsw_dma_lookup_kind_locked(struct vgt_swhsw *sw, u64 dma_addr,
				 u64 len, bool write, bool pt)
{
	return swhsw_dma_lookup_hinted_locked(sw, dma_addr, len, write, pt,
					      NULL);
}

/*
 * The same, trying *@hint (a region of the table) before searching, and
 * leaving the region found there: an engine's accesses mostly land in
 * the region its last one did (the VM's RAM), and the search over every
 * VM's regions cost a tenth of a blit's time.  The hint is valid while
 * dma_lock is held: the table does not change meanwhile.
 */
u8 *swhsw_dma_lookup_hinted_locked(struct vgt_swhsw *sw, u64 dma_addr,
				   u64 len, bool write, bool pt,
				   const struct swhsw_dma **hint)
{
	const struct swhsw_dma *d = hint ? *hint : NULL;

	if (sw->dma_ops)
		return swhsw_dma_lookup_locked(sw, dma_addr, len, write);
	if (!d || dma_addr < d->base || len > d->size ||
	    dma_addr - d->base > d->size - len) {
		d = swhsw_dma_table_find(sw, dma_addr, len);
		if (!d)
			return NULL;
		if (hint)
			*hint = d;
	}
	if (d->pt != pt)
		return NULL;
	return d->va + (dma_addr - d->base);
}

void swhsw_dma_release_locked(struct vgt_swhsw *sw)
{
	if (sw->dma_ops && sw->dma_ops->release)
		sw->dma_ops->release(sw->dma_opaque);
}

/*
 * The hold of an engine run or a GM access on the table: shared, except
 * with the embedder's map hooks, which keep a mapping per call: then one
 * at a time.  Returns whether the hold is exclusive.
 */
bool swhsw_mem_hold(struct vgt_swhsw *sw)
{
	vgt_read_lock(&sw->dma_lock);
	if (!sw->dma_ops)
		return false;
	vgt_read_unlock(&sw->dma_lock);
	vgt_write_lock(&sw->dma_lock);
	return true;
}

void swhsw_mem_unhold(struct vgt_swhsw *sw, bool excl)
{
	if (excl)
		vgt_write_unlock(&sw->dma_lock);
	else
		vgt_read_unlock(&sw->dma_lock);
}

void vgt_swhsw_set_dma_ops(struct vgt_swhsw *sw,
			   const struct vgt_swhsw_dma_ops *ops, void *opaque)
{
	vgt_write_lock(&sw->dma_lock);
	sw->dma_ops = ops;
	sw->dma_opaque = opaque;
	vgt_write_unlock(&sw->dma_lock);
}

/* The dma_map table only (the hook's pointers do not outlive a step). */
void *vgt_swhsw_dma_to_host(struct vgt_swhsw *sw, u64 dma_addr, u64 len)
{
	void *p;

	vgt_read_lock(&sw->dma_lock);
	p = swhsw_dma_table_lookup(sw, dma_addr, len);
	vgt_read_unlock(&sw->dma_lock);
	return p;
}

static int swhsw_gm_access(struct vgt_swhsw *sw, u64 gm_addr, u8 *buf,
			   u32 len, bool write)
{
	int ret = 0;
	bool excl;

	if (gm_addr >= HSW_GM_SIZE || len > HSW_GM_SIZE - gm_addr)
		return -VGT_E_GM_RANGE;
	excl = swhsw_mem_hold(sw);
	while (len) {
		u32 off = (u32)(gm_addr & (VGT_PAGE_SIZE - 1));
		u32 chunk = VGT_PAGE_SIZE - off;
		u32 pte = sw->gtt[gm_addr >> VGT_PAGE_SHIFT];
		u8 *host;

		if (chunk > len)
			chunk = len;
		if (!(pte & HSW_PTE_VALID)) {
			ret = -VGT_E_GM_UNMAPPED;
			break;
		}
		host = swhsw_dma_lookup_locked(sw, hsw_pte_decode(pte) + off,
					       chunk, write);
		if (!host) {
			ret = -VGT_E_GM_UNMAPPED;
			break;
		}
		if (write)
			memcpy(host, buf, chunk);
		else
			memcpy(buf, host, chunk);
		buf += chunk;
		gm_addr += chunk;
		len -= chunk;
	}
	swhsw_dma_release_locked(sw);
	swhsw_mem_unhold(sw, excl);
	return ret;
}

int vgt_swhsw_gm_read(struct vgt_swhsw *sw, u64 gm_addr, void *buf, u32 len)
{
	return swhsw_gm_access(sw, gm_addr, buf, len, false);
}

int vgt_swhsw_gm_write(struct vgt_swhsw *sw, u64 gm_addr, const void *buf,
		       u32 len)
{
	return swhsw_gm_access(sw, gm_addr, (u8 *)buf, len, true);
}
