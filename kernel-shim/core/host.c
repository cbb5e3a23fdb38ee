// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * host.c - the helper's GPU-wide state: pools, scratch page, interrupts.
 */
#include "vgt-core-priv.h"
#include "../hsw/hsw-regs.h"

/*
 * The ABI's layout is fixed: the same on every side of every transport
 * (checked here because this file is also compiled as kernel code).
 */
_Static_assert(sizeof(struct vgt_create_req) == 24, "ABI: vgt_create_req");
_Static_assert(sizeof(struct vgt_instance_info) == 64,
	       "ABI: vgt_instance_info");
_Static_assert(sizeof(struct vgt_mem_region) == 40, "ABI: vgt_mem_region");
_Static_assert(sizeof(struct vgt_gtt_entry) == 16, "ABI: vgt_gtt_entry");
_Static_assert(sizeof(struct vgt_event) == 24, "ABI: vgt_event");
_Static_assert(sizeof(struct vgt_stats) == 16 + 8 * VGT_E_COUNT,
	       "ABI: vgt_stats");
_Static_assert(sizeof(struct vgt_reg_write) == 8, "ABI: vgt_reg_write");
_Static_assert(sizeof(struct vgt_workload) == 32 + 8 * VGT_WL_REGS_MAX,
	       "ABI: vgt_workload");
_Static_assert(sizeof(struct vgt_shadow_info) == 24, "ABI: vgt_shadow_info");
_Static_assert(sizeof(struct vgt_event_ring) ==
	       128 + 24 * VGT_EVENT_RING_LEN &&
	       sizeof(struct vgt_event_ring) <= VGT_EVENT_RING_SIZE,
	       "ABI: vgt_event_ring, within its memfd");
/* A ring holds what the queue did (event.c). */
_Static_assert(VGT_EVENT_RING_LEN == VGT_EVENT_QUEUE_LEN,
	       "ABI: VGT_EVENT_RING_LEN");
_Static_assert(sizeof(struct vgt_ioc_create) == 88, "ABI: vgt_ioc_create");
_Static_assert(sizeof(struct vgt_ioc_gtt_write) == 16, "ABI: vgt_ioc_gtt_write");
_Static_assert(sizeof(struct vgt_ioc_fence_write) == 16,
	       "ABI: vgt_ioc_fence_write");
_Static_assert(sizeof(struct vgt_ioc_gm_read) == 24, "ABI: vgt_ioc_gm_read");
/* The ABI numbers engines as the Haswell facts do. */
_Static_assert((int)VGT_ENGINE_RCS == (int)HSW_RCS &&
	       (int)VGT_ENGINE_VCS == (int)HSW_VCS &&
	       (int)VGT_ENGINE_BCS == (int)HSW_BCS &&
	       (int)VGT_ENGINE_VECS == (int)HSW_VECS &&
	       (int)VGT_ENGINE_COUNT == (int)HSW_NUM_ENGINES,
	       "ABI: engine numbers");
_Static_assert(sizeof(struct vgt_sched_stats) == 96 + 8 * VGT_ENGINE_COUNT,
	       "ABI: vgt_sched_stats");
_Static_assert(sizeof(struct vgt_engine_regs) == 8 + 8 * VGT_ENGINE_REGS_MAX,
	       "ABI: vgt_engine_regs");
_Static_assert(HSW_CTX_REGS_MAX <= VGT_ENGINE_REGS_MAX,
	       "every engine state register fits in vgt_engine_regs");
_Static_assert(sizeof(struct vgt_dirty_req) == 24, "ABI: vgt_dirty_req");
_Static_assert(sizeof(struct vgt_ioc_ppgtt_sync) == 16,
	       "ABI: vgt_ioc_ppgtt_sync");
_Static_assert(VGT_DIRTY_READ_MAX_PAGES % 64 == 0,
	       "dirty_read: whole bitmap words");
_Static_assert(VGT_HOST_CTX_OFF + VGT_HOST_CTX_SIZE <= VGT_HOST_SLOT_SIZE,
	       "layout: the helper slot holds copies, shadow and context area");

static const char *const vgt_error_names[] = {
	[VGT_OK] = "ok",
	[VGT_E_INVAL] = "invalid argument",
	[VGT_E_VERSION] = "ABI version mismatch",
	[VGT_E_MSG] = "malformed message",
	[VGT_E_BADFD] = "bad file descriptor",
	[VGT_E_NOINST] = "no instance",
	[VGT_E_EXISTS] = "instance exists",
	[VGT_E_NOSPC_MAPPABLE] = "mappable GM exhausted",
	[VGT_E_NOSPC_NONMAPPABLE] = "non-mappable GM exhausted",
	[VGT_E_NOSPC_FENCE] = "fence registers exhausted",
	[VGT_E_NOSPC_HOST] = "instance limit reached (or helper share exhausted)",
	[VGT_E_GTT_INDEX] = "GTT index beyond the GTT",
	[VGT_E_GM_RANGE] = "outside the instance's GM",
	[VGT_E_GFN] = "frame outside registered memory",
	[VGT_E_PTE_FLAGS] = "PTE flags refused",
	[VGT_E_MEM_OVERLAP] = "memory region overlaps",
	[VGT_E_MEM_FULL] = "too many memory regions",
	[VGT_E_NOMEM] = "helper out of memory",
	[VGT_E_IO] = "helper I/O failure",
	[VGT_E_FENCE] = "fence outside the instance",
	[VGT_E_NOENT] = "no such region",
	[VGT_E_GM_UNMAPPED] = "GM page not mapped",
	[VGT_E_QUEUE_FULL] = "engine queue full",
	[VGT_E_REG] = "register not allowed",
	[VGT_E_ENGINE] = "no such engine",
	[VGT_E_BUSY] = "engine busy for this instance",
	[VGT_E_QUOTA] = "over this client's quota",
	[VGT_E_NOTSUP] = "not supported by this GPU",
};

const char *vgt_strerror(int err)
{
	if (err < 0)
		err = -err;
	if (err >= (int)VGT_ARRAY_SIZE(vgt_error_names) ||
	    !vgt_error_names[err])
		return "unknown error";
	return vgt_error_names[err];
}

int vgt_refuse(struct vgt_instance *inst, int err, const char *what, u64 arg)
{
	struct vgt_host *host = inst->host;

	if (err > 0 && err < VGT_E_COUNT)
		inst->stats.refused[err]++;
	host->refused_total++;
	if (inst->log_budget) {
		inst->log_budget--;
		vgt_log_warn("vgt%u: refused %s 0x%llx: %s%s", inst->id, what,
			     (unsigned long long)arg, vgt_strerror(err),
			     inst->log_budget ? "" :
			     " (further refusals only counted)");
	}
	return -err;
}

/* Interrupt line: route engine user interrupts to the engine's owner. */
static void vgt_route_engine(struct vgt_host *host, u32 engine)
{
	u32 id = host->engine_owner[engine];

	if (id && id <= VGT_MAX_INSTANCES && host->inst[id])
		vgt_event_post_locked(host->inst[id], VGT_EVENT_USER_IRQ,
				      engine, 0);
	else
		host->spurious_irqs++;
}

static void vgt_irq_handler(void *opaque)
{
	struct vgt_host *host = opaque;

	vgt_mutex_lock(&host->lock);
	vgt_irq_service_locked(host, true);
	vgt_mutex_unlock(&host->lock);
}

/*
 * from_irq: called for an interrupt (then finding nothing is counted as
 * spurious), or by the scheduler after a workload, which need not have
 * raised anything.
 */
void vgt_irq_service_locked(struct vgt_host *host, bool from_irq)
{
	const struct vgt_gpu_ops *ops = host->gpu.ops;
	void *gpu = host->gpu.priv;
	u32 gt, pm;

	/* Master off while acking, as i915 does, so no edge is lost. */
	ops->write32(gpu, DEIER, ops->read32(gpu, DEIER) &
		     ~DE_MASTER_IRQ_CONTROL);
	gt = ops->read32(gpu, GTIIR);
	if (gt)
		ops->write32(gpu, GTIIR, gt);
	pm = ops->read32(gpu, GEN6_PMIIR);
	if (pm)
		ops->write32(gpu, GEN6_PMIIR, pm);
	if (gt & GT_RENDER_USER_INTERRUPT)
		vgt_route_engine(host, VGT_ENGINE_RCS);
	if (gt & GT_BSD_USER_INTERRUPT)
		vgt_route_engine(host, VGT_ENGINE_VCS);
	if (gt & GT_BLT_USER_INTERRUPT)
		vgt_route_engine(host, VGT_ENGINE_BCS);
	if (pm & PM_VEBOX_USER_INTERRUPT)
		vgt_route_engine(host, VGT_ENGINE_VECS);
	if (!gt && !pm && from_irq)
		host->spurious_irqs++;
	ops->write32(gpu, DEIER, ops->read32(gpu, DEIER) |
		     DE_MASTER_IRQ_CONTROL);
}

static void vgt_irq_enable(struct vgt_host *host)
{
	const struct vgt_gpu_ops *ops = host->gpu.ops;
	void *gpu = host->gpu.priv;
	u32 gt = GT_RENDER_USER_INTERRUPT | GT_BSD_USER_INTERRUPT |
		 GT_BLT_USER_INTERRUPT;

	ops->write32(gpu, GTIIR, 0xffffffff);
	ops->write32(gpu, GEN6_PMIIR, 0xffffffff);
	ops->write32(gpu, GTIER, gt);
	ops->write32(gpu, GTIMR, ~gt);
	ops->write32(gpu, GEN6_PMIER, PM_VEBOX_USER_INTERRUPT);
	ops->write32(gpu, GEN6_PMIMR, ~PM_VEBOX_USER_INTERRUPT);
	ops->set_irq_handler(gpu, vgt_irq_handler, host);
	ops->write32(gpu, DEIER, DE_MASTER_IRQ_CONTROL);
}

static int vgt_gpu_valid(const struct vgt_gpu *gpu)
{
	const struct vgt_gpu_ops *ops = gpu->ops;

	if (!ops || !ops->read32 || !ops->write32 || !ops->gtt_read ||
	    !ops->gtt_write || !ops->dma_map || !ops->dma_unmap ||
	    !ops->set_irq_handler)
		return 0;
	return gpu->gtt_entries &&
	       gpu->gm_size == (u64)gpu->gtt_entries << VGT_PAGE_SHIFT &&
	       gpu->aperture_size > VGT_HOST_SHARE_SIZE &&
	       gpu->aperture_size <= gpu->gm_size &&
	       !(gpu->aperture_size & (VGT_HOST_SLOT_SIZE - 1)) &&
	       gpu->fence_count && gpu->fence_count <= HSW_FENCE_COUNT &&
	       gpu->mmio_size >= 0x140000;
}

struct vgt_host *vgt_host_create(const struct vgt_gpu *gpu, int *err)
{
	struct vgt_host *host;
	struct vgt_range all;
	int ret;

	*err = -VGT_E_INVAL;
	if (!vgt_gpu_valid(gpu))
		return NULL;
	*err = -VGT_E_NOMEM;
	host = vgt_zalloc(sizeof(*host));
	if (!host)
		return NULL;
	host->gpu = *gpu;
	vgt_mutex_init(&host->lock);
	vgt_mutex_init(&host->qlock);
	vgt_cond_init(&host->exec_cond);
	vgt_ctx_init(host);
	host->slice_ns = VGT_SCHED_SLICE_NS;

	vgt_pool_init(&host->host_share, "helper share", 0,
		      VGT_HOST_SHARE_SIZE, VGT_HOST_SLOT_SIZE);
	vgt_pool_init(&host->mappable, "mappable GM", VGT_HOST_SHARE_SIZE,
		      gpu->aperture_size - VGT_HOST_SHARE_SIZE, VGT_PAGE_SIZE);
	vgt_pool_init(&host->nonmappable, "non-mappable GM",
		      gpu->aperture_size, gpu->gm_size - gpu->aperture_size,
		      VGT_PAGE_SIZE);
	vgt_pool_init(&host->fences, "fences", 0, gpu->fence_count, 1);

	host->scratch_va = vgt_alloc_host_pages(VGT_PAGE_SIZE);
	if (!host->scratch_va)
		goto fail;
	ret = gpu->ops->dma_map(gpu->priv, host->scratch_va, VGT_PAGE_SIZE,
				&host->scratch_dma);
	if (ret || host->scratch_dma >= gpu->dma_limit) {
		*err = -VGT_E_NOMEM;
		goto fail_scratch;
	}
	host->scratch_pte = hsw_pte_encode(host->scratch_dma, HSW_PTE_VALID);

	/* Slot 0 of the share is the helper's own. */
	{
		u64 base;

		vgt_pool_alloc(&host->host_share, VGT_HOST_SLOT_SIZE,
			       -VGT_E_NOSPC_HOST, &base);
	}

	/* Nothing the GPU reaches may point at memory we do not own. */
	all.base = 0;
	all.size = gpu->gm_size;
	vgt_gtt_scratch_range(host, &all);
	vgt_irq_enable(host);
	vgt_log_info("helper up: GM %llu MiB (aperture %llu MiB, helper %llu MiB), %u fences, up to %u instances",
		     (unsigned long long)(gpu->gm_size >> 20),
		     (unsigned long long)(gpu->aperture_size >> 20),
		     (unsigned long long)(VGT_HOST_SHARE_SIZE >> 20),
		     gpu->fence_count, VGT_MAX_INSTANCES);
	*err = 0;
	return host;

fail_scratch:
	vgt_free_host_pages(host->scratch_va);
fail:
	vgt_cond_destroy(&host->exec_cond);
	vgt_mutex_destroy(&host->qlock);
	vgt_mutex_destroy(&host->lock);
	vgt_free(host);
	return NULL;
}

void vgt_host_destroy(struct vgt_host *host)
{
	u32 i;

	if (!host)
		return;
	for (i = 1; i <= VGT_MAX_INSTANCES; i++)
		if (host->inst[i])
			vgt_inst_destroy(host->inst[i]);
	host->gpu.ops->write32(host->gpu.priv, DEIER, 0);
	host->gpu.ops->set_irq_handler(host->gpu.priv, NULL, NULL);
	host->gpu.ops->dma_unmap(host->gpu.priv, host->scratch_dma,
				 VGT_PAGE_SIZE);
	vgt_free_host_pages(host->scratch_va);
	vgt_cond_destroy(&host->exec_cond);
	vgt_mutex_destroy(&host->qlock);
	vgt_mutex_destroy(&host->lock);
	vgt_free(host);
}

u64 vgt_host_refused_total(struct vgt_host *host)
{
	u64 v;

	vgt_mutex_lock(&host->lock);
	v = host->refused_total;
	vgt_mutex_unlock(&host->lock);
	return v;
}

u64 vgt_host_spurious_irqs(struct vgt_host *host)
{
	u64 v;

	vgt_mutex_lock(&host->lock);
	v = host->spurious_irqs;
	vgt_mutex_unlock(&host->lock);
	return v;
}

u32 vgt_host_nr_instances(struct vgt_host *host)
{
	u32 v;

	vgt_mutex_lock(&host->lock);
	v = host->nr_inst;
	vgt_mutex_unlock(&host->lock);
	return v;
}

int vgt_host_set_engine_owner(struct vgt_host *host, u32 engine, u32 vgt_id)
{
	if (engine >= VGT_ENGINE_COUNT || vgt_id > VGT_MAX_INSTANCES)
		return -VGT_E_INVAL;
	vgt_mutex_lock(&host->lock);
	host->engine_owner[engine] = vgt_id;
	vgt_mutex_unlock(&host->lock);
	return 0;
}

u64 vgt_host_scratch_dma(struct vgt_host *host)
{
	return host->scratch_dma;
}
