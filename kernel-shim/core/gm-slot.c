// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * gm-slot.c - graphics memory shared by instances that take turns (the
 * gScale idea, ATC '16: a private GTT per vGPU loaded at schedule time).
 *
 * Haswell has 2 GiB of GM: at XenGT's default partition (64 MiB mappable,
 * 448 MiB non-mappable, 4 fences) three VMs fill it.  Instead every
 * instance belongs to a GM slot: one helper slot, one mappable and one
 * non-mappable range and a run of fences, taken from the pools while they
 * last.  When a pool runs out, a new instance joins the existing slot of
 * the same sizes with the fewest members.  The guest sees the slot's
 * ranges in PVINFO, whole: nothing of its partition is smaller.
 *
 * Each instance keeps a private GTT for the slot's GM (the host PTE of
 * every entry it wrote, validated by gtt.c) and its fence values.  The
 * host GTT and the fence registers hold the values of one member, the
 * resident; the scheduler makes an instance resident before its workload
 * runs (vgt_slot_make_resident).  A swap:
 *   1. switches the evicted instance off every engine it owns, while its
 *      entries are still loaded (its context image is saved into its own
 *      memory);
 *   2. writes the host GTT entries that either instance uses (the bitmap
 *      of entries that are not scratch: an entry used by the old resident
 *      alone becomes scratch, so nothing of it stays reachable), the
 *      helper area (context save pages, shadow buffer) and the fences.
 * Everything the CPU reaches without the GPU stays per instance and never
 * depends on residency: the guest's aperture is mapped by the device
 * straight onto the guest's own pages through its own GTT ("ladder
 * mapping"), the display reads through the same, and GTT and GM reads of
 * the helper answer from the private GTT.  So a VM that is not on the GPU
 * keeps its console, aperture and fences; only its workloads wait.
 */
#include "vgt-core-priv.h"

static u32 vgt_slot_pages(const struct vgt_instance *inst)
{
	return (u32)(inst->mappable.size >> VGT_PAGE_SHIFT);
}

int vgt_gtt_private_index(const struct vgt_instance *inst, u32 index)
{
	u64 gma = (u64)index << VGT_PAGE_SHIFT;

	if (vgt_range_contains(&inst->mappable, gma, VGT_PAGE_SIZE))
		return (int)((gma - inst->mappable.base) >> VGT_PAGE_SHIFT);
	if (vgt_range_contains(&inst->nonmappable, gma, VGT_PAGE_SIZE))
		return (int)(vgt_slot_pages(inst) +
			     ((gma - inst->nonmappable.base) >>
			      VGT_PAGE_SHIFT));
	return -1;
}

/* The host GTT index of private entry i. */
u32 vgt_gtt_host_index(const struct vgt_instance *inst, u32 i)
{
	if (i < vgt_slot_pages(inst))
		return (u32)(inst->mappable.base >> VGT_PAGE_SHIFT) + i;
	return (u32)(inst->nonmappable.base >> VGT_PAGE_SHIFT) +
	       (i - vgt_slot_pages(inst));
}

bool vgt_slot_is_resident(const struct vgt_instance *inst)
{
	return inst->slot && inst->slot->resident == inst;
}

u32 vgt_gtt_get_pte(const struct vgt_instance *inst, u32 index)
{
	int i = vgt_gtt_private_index(inst, index);

	return i < 0 ? inst->host->scratch_pte : inst->gtt[i];
}

void vgt_gtt_set_pte(struct vgt_instance *inst, u32 index, u32 pte)
{
	struct vgt_host *host = inst->host;
	int i = vgt_gtt_private_index(inst, index);

	if (i < 0)
		return;
	inst->gtt[i] = pte;
	if (pte == host->scratch_pte)
		inst->gtt_used[i / 64] &= ~(1ull << (i % 64));
	else
		inst->gtt_used[i / 64] |= 1ull << (i % 64);
	/* A PDE of the shadowed directory: the GPU gets the shadow's. */
	if (vgt_ppgtt_window_index(inst, index))
		pte = vgt_ppgtt_pde_changed(inst, index);
	if (vgt_slot_is_resident(inst))
		host->gpu.ops->gtt_write(host->gpu.priv, index, pte);
}

void vgt_gtt_flush_resident(struct vgt_instance *inst)
{
	if (vgt_slot_is_resident(inst))
		vgt_host_gtt_flush(inst->host);
}

void vgt_slot_map_host_area(struct vgt_instance *inst)
{
	struct vgt_host *host = inst->host;
	struct vgt_range shadow = {
		inst->host_gm.base + VGT_HOST_SLOT_BACKED, VGT_SHADOW_SIZE
	};

	if (!vgt_slot_is_resident(inst))
		return;
	if (inst->host_mem) {
		vgt_gtt_map_host(host, inst->host_gm.base, inst->host_dma,
				 VGT_HOST_SLOT_BACKED);
		vgt_gtt_map_host(host, inst->host_gm.base + VGT_HOST_CTX_OFF,
				 inst->host_dma + VGT_HOST_SLOT_BACKED,
				 VGT_HOST_CTX_SIZE);
	}
	if (inst->shadow_gm.size)
		vgt_gtt_map_host(host, inst->shadow_gm.base, inst->shadow_dma,
				 inst->shadow_gm.size);
	else
		vgt_gtt_scratch_range(host, &shadow);
}

/* Disable, then program, as i915 orders it for gen6+. */
static void vgt_fence_load(struct vgt_host *host, u32 reg, u64 value)
{
	const struct vgt_gpu_ops *ops = host->gpu.ops;

	ops->write32(host->gpu.priv, FENCE_REG_GEN6_LO(reg), 0);
	ops->write32(host->gpu.priv, FENCE_REG_GEN6_HI(reg),
		     (u32)(value >> 32));
	ops->write32(host->gpu.priv, FENCE_REG_GEN6_LO(reg), (u32)value);
}

void vgt_fence_set(struct vgt_instance *inst, u32 fence, u64 value)
{
	if (fence >= inst->fence_num)
		return;
	inst->fence_val[fence] = value;
	if (vgt_slot_is_resident(inst))
		vgt_fence_load(inst->host, inst->fence_base + fence, value);
}

/*
 * The first private entry from @i on that inst or prev uses (@used true)
 * or that neither uses (false); gtt_n if none.
 */
static u32 vgt_slot_next_used(const struct vgt_instance *inst,
			      const struct vgt_instance *prev, u32 i,
			      bool used)
{
	while (i < inst->gtt_n) {
		u32 w = i / 64;
		u64 bits = inst->gtt_used[w] | (prev ? prev->gtt_used[w] : 0);

		if (!used)
			bits = ~bits;
		bits &= ~0ull << (i % 64);
		if (bits) {
			i = w * 64 + (u32)__builtin_ctzll(bits);
			return i < inst->gtt_n ? i : inst->gtt_n;
		}
		i = (w + 1) * 64;
	}
	return inst->gtt_n;
}

static void vgt_gtt_write_run(struct vgt_host *host, u32 index,
			      const u32 *pte, u32 n)
{
	const struct vgt_gpu_ops *ops = host->gpu.ops;
	u32 k;

	if (ops->gtt_write_range) {
		ops->gtt_write_range(host->gpu.priv, index, pte, n);
		return;
	}
	for (k = 0; k < n; k++)
		ops->gtt_write(host->gpu.priv, index + k, pte[k]);
}

/*
 * Load inst's entries in place of the resident's.  Host lock held, no
 * workload running (the scheduler runs them under the same lock).
 */
void vgt_slot_make_resident(struct vgt_instance *inst)
{
	struct vgt_host *host = inst->host;
	struct vgt_gm_slot *slot = inst->slot;
	struct vgt_instance *prev = slot->resident;
	u32 e, i;
	u64 t0, dt, written = 0;

	if (prev == inst)
		return;
	t0 = vgt_now_ns();
	if (prev) {
		for (e = 0; e < VGT_ENGINE_COUNT; e++)
			if (host->engine_owner[e] == prev->id)
				vgt_ctx_switch_out_locked(host, e);
		/*
		 * Its shadow PDEs first: the runs below write only entries
		 * either uses, and a PDE prev's guest left invalid would
		 * otherwise keep naming prev's shadow table.
		 */
		vgt_ppgtt_unload_for(prev, inst);
	}
	/* Runs of entries either uses, in one call each where the GPU can. */
	for (i = 0; i < inst->gtt_n; ) {
		u32 end;

		i = vgt_slot_next_used(inst, prev, i, true);
		if (i >= inst->gtt_n)
			break;
		end = vgt_slot_next_used(inst, prev, i, false);
		/* A run does not cross from mappable into non-mappable. */
		if (i < vgt_slot_pages(inst) && end > vgt_slot_pages(inst))
			end = vgt_slot_pages(inst);
		vgt_gtt_write_run(host, vgt_gtt_host_index(inst, i),
				  &inst->gtt[i], end - i);
		written += end - i;
		i = end;
	}
	slot->resident = inst;
	slot->swaps++;
	vgt_slot_map_host_area(inst);
	vgt_ppgtt_load(inst);
	written += (VGT_HOST_CTX_OFF + VGT_HOST_CTX_SIZE) >> VGT_PAGE_SHIFT;
	for (i = 0; i < inst->fence_num; i++)
		vgt_fence_load(host, inst->fence_base + i, inst->fence_val[i]);
	vgt_host_gtt_flush(host);

	dt = vgt_now_ns() - t0;
	vgt_mutex_lock(&host->qlock);		/* the accounting's lock */
	slot->resident_since = t0 + dt;
	slot->hold_ns = dt * VGT_SLOT_HOLD_RATIO;
	if (slot->hold_ns < host->slice_ns)
		slot->hold_ns = host->slice_ns;
	inst->sst.gtt_swaps++;
	inst->sst.gtt_swap_ns += dt;
	inst->sst.gtt_swap_entries += written;
	vgt_mutex_unlock(&host->qlock);
}

bool vgt_slot_may_run(const struct vgt_instance *inst, u64 now)
{
	const struct vgt_gm_slot *slot = inst->slot;
	const struct vgt_instance *res = slot->resident;
	u32 e;

	if (!res || res == inst)
		return true;
	/* its entries are what a workload on another engine reads now */
	if (vgt_inst_running(res))
		return false;
	if (now >= slot->resident_since &&
	    now - slot->resident_since >= slot->hold_ns)
		return true;
	for (e = 0; e < VGT_ENGINE_COUNT; e++)
		if (res->eng[e].count)
			return false;	/* the resident is busy: wait */
	return true;
}

static bool vgt_slot_fits(const struct vgt_gm_slot *slot, u64 mappable_size,
			  u64 nonmappable_size, u32 fence_num)
{
	return slot->mappable.size == mappable_size &&
	       slot->nonmappable.size == nonmappable_size &&
	       slot->fence_num == fence_num;
}

static void vgt_slot_free(struct vgt_host *host, struct vgt_gm_slot *slot)
{
	if (slot->host_gm.size)
		vgt_pool_free(&host->host_share, slot->host_gm.base);
	if (slot->mappable.size)
		vgt_pool_free(&host->mappable, slot->mappable.base);
	if (slot->nonmappable.size)
		vgt_pool_free(&host->nonmappable, slot->nonmappable.base);
	if (slot->fence_num)
		vgt_pool_free(&host->fences, slot->fence_base);
	if (slot->index < VGT_MAX_SLOTS && host->slot[slot->index] == slot) {
		host->slot[slot->index] = NULL;
		host->nr_slots--;
	}
	vgt_free(slot);
}

/* What ran out, in words, for the refusal. */
static void vgt_slot_log_nospc(struct vgt_host *host, struct vgt_pool *pool,
			       u64 want)
{
	bool fences = pool == &host->fences;
	u32 shift = fences ? 0 : 10;
	const char *unit = fences ? "" : " KiB";

	vgt_log_warn("cannot create instance: %s exhausted (need %llu%s, largest free %llu%s of %llu%s free) and no GM slot of the same sizes to share",
		     pool->name, (unsigned long long)(want >> shift), unit,
		     (unsigned long long)(vgt_pool_largest_free(pool) >> shift),
		     unit,
		     (unsigned long long)(vgt_pool_free_total(pool) >> shift),
		     unit);
}

/*
 * A slot of its own from the pools, or NULL and *err (the first pool that
 * ran out; it is only logged when no slot can be shared either).
 */
static struct vgt_gm_slot *vgt_slot_new(struct vgt_host *host,
					u64 mappable_size,
					u64 nonmappable_size, u32 fence_num,
					int *err, struct vgt_pool **empty,
					u64 *want)
{
	struct vgt_gm_slot *slot;
	u64 base;
	u32 k;

	for (k = 0; k < VGT_MAX_SLOTS && host->slot[k]; k++)
		;
	if (k == VGT_MAX_SLOTS) {
		*err = -VGT_E_NOSPC_HOST;
		*empty = &host->host_share;
		*want = VGT_HOST_SLOT_SIZE;
		return NULL;
	}
	slot = vgt_zalloc(sizeof(*slot));
	if (!slot) {
		*err = -VGT_E_NOMEM;
		return NULL;
	}
	slot->index = k;
	*err = vgt_pool_alloc(&host->host_share, VGT_HOST_SLOT_SIZE,
			      -VGT_E_NOSPC_HOST, &base);
	if (*err) {
		*empty = &host->host_share;
		*want = VGT_HOST_SLOT_SIZE;
		goto fail;
	}
	slot->host_gm = (struct vgt_range){ base, VGT_HOST_SLOT_SIZE };
	*err = vgt_pool_alloc(&host->mappable, mappable_size,
			      -VGT_E_NOSPC_MAPPABLE, &base);
	if (*err) {
		*empty = &host->mappable;
		*want = mappable_size;
		goto fail;
	}
	slot->mappable = (struct vgt_range){ base, mappable_size };
	if (nonmappable_size) {
		*err = vgt_pool_alloc(&host->nonmappable, nonmappable_size,
				      -VGT_E_NOSPC_NONMAPPABLE, &base);
		if (*err) {
			*empty = &host->nonmappable;
			*want = nonmappable_size;
			goto fail;
		}
		slot->nonmappable = (struct vgt_range){ base,
							nonmappable_size };
	} else {
		/* i915 wants the base at or above the aperture end anyway. */
		slot->nonmappable.base = host->gpu.aperture_size;
	}
	if (fence_num) {
		*err = vgt_pool_alloc(&host->fences, fence_num,
				      -VGT_E_NOSPC_FENCE, &base);
		if (*err) {
			*empty = &host->fences;
			*want = fence_num;
			goto fail;
		}
		slot->fence_base = (u32)base;
		slot->fence_num = fence_num;
	}
	host->slot[k] = slot;
	host->nr_slots++;
	return slot;
fail:
	slot->index = VGT_MAX_SLOTS;	/* not in host->slot[] yet */
	vgt_slot_free(host, slot);
	return NULL;
}

static struct vgt_gm_slot *vgt_slot_share(struct vgt_host *host,
					  u64 mappable_size,
					  u64 nonmappable_size, u32 fence_num)
{
	struct vgt_gm_slot *best = NULL;
	u32 k;

	for (k = 0; k < VGT_MAX_SLOTS; k++) {
		struct vgt_gm_slot *s = host->slot[k];

		if (s && vgt_slot_fits(s, mappable_size, nonmappable_size,
				       fence_num) &&
		    (!best || s->members < best->members))
			best = s;
	}
	return best;
}

int vgt_slot_attach(struct vgt_instance *inst, u64 mappable_size,
		    u64 nonmappable_size, u32 fence_num)
{
	struct vgt_host *host = inst->host;
	struct vgt_pool *empty = NULL;
	struct vgt_gm_slot *slot;
	u64 want = 0;
	bool fresh = true;
	u32 n, i;
	int err;

	slot = vgt_slot_new(host, mappable_size, nonmappable_size, fence_num,
			    &err, &empty, &want);
	if (!slot && err != -VGT_E_NOMEM) {
		slot = vgt_slot_share(host, mappable_size, nonmappable_size,
				      fence_num);
		fresh = false;
	}
	if (!slot) {
		if (empty)
			vgt_slot_log_nospc(host, empty, want);
		return err;
	}
	n = (u32)((mappable_size + nonmappable_size) >> VGT_PAGE_SHIFT);
	inst->gtt = vgt_zalloc((size_t)n * sizeof(u32));
	inst->gtt_used = vgt_zalloc((size_t)((n + 63) / 64) * sizeof(u64));
	if (!inst->gtt || !inst->gtt_used) {
		vgt_free(inst->gtt);
		vgt_free(inst->gtt_used);
		inst->gtt = NULL;
		inst->gtt_used = NULL;
		if (fresh)
			vgt_slot_free(host, slot);
		vgt_log_warn("cannot create instance: out of memory for its private GTT (%u entries)",
			     n);
		return -VGT_E_NOMEM;
	}
	for (i = 0; i < n; i++)
		inst->gtt[i] = host->scratch_pte;
	inst->gtt_n = n;
	inst->slot = slot;
	inst->host_gm = slot->host_gm;
	inst->mappable = slot->mappable;
	inst->nonmappable = slot->nonmappable;
	inst->fence_base = slot->fence_base;
	inst->fence_num = slot->fence_num;
	slot->members++;
	/* A slot nobody holds is all scratch: take it as it is. */
	if (!slot->resident)
		slot->resident = inst;
	return 0;
}

void vgt_slot_detach(struct vgt_instance *inst)
{
	struct vgt_host *host = inst->host;
	struct vgt_gm_slot *slot = inst->slot;
	u32 words = (inst->gtt_n + 63) / 64, w, i;

	if (!slot)
		return;
	if (slot->resident == inst) {
		/* Nothing the GPU reaches may point at its memory any more. */
		for (w = 0; w < words; w++) {
			u64 bits = inst->gtt_used[w];

			while (bits) {
				i = w * 64 + (u32)__builtin_ctzll(bits);
				bits &= bits - 1;
				host->gpu.ops->gtt_write(host->gpu.priv,
						vgt_gtt_host_index(inst, i),
						host->scratch_pte);
			}
		}
		vgt_gtt_scratch_range(host, &inst->host_gm);
		for (i = 0; i < inst->fence_num; i++)
			vgt_fence_load(host, inst->fence_base + i, 0);
		slot->resident = NULL;
	}
	vgt_free(inst->gtt);
	vgt_free(inst->gtt_used);
	inst->gtt = NULL;
	inst->gtt_used = NULL;
	inst->gtt_n = 0;
	inst->slot = NULL;
	if (!--slot->members)
		vgt_slot_free(host, slot);
}

u32 vgt_host_nr_slots(struct vgt_host *host)
{
	u32 v;

	vgt_mutex_lock(&host->lock);
	v = host->nr_slots;
	vgt_mutex_unlock(&host->lock);
	return v;
}
