// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * instance.c - one VM's share of the GPU: create, reset, destroy.
 */
#include "vgt-core-priv.h"

static void vgt_instance_release(struct vgt_instance *inst)
{
	struct vgt_host *host = inst->host;

	/*
	 * GTT first: nothing may reach memory we are about to give back.
	 * Only a resident instance has entries in the host GTT.
	 */
	vgt_shadow_detach_locked(inst);
	vgt_ppgtt_free(inst);	/* its PD window back to the guest's */
	vgt_slot_detach(inst);
	vgt_mem_release_all(inst);
	if (inst->host_mem) {
		host->gpu.ops->dma_unmap(host->gpu.priv, inst->host_dma,
					 VGT_HOST_MEM_SIZE);
		vgt_free_host_pages(inst->host_mem);
	}
}

/* The lowest free instance id (1..VGT_MAX_INSTANCES), or 0. */
static u32 vgt_instance_new_id(struct vgt_host *host)
{
	u32 id;

	for (id = 1; id <= VGT_MAX_INSTANCES; id++)
		if (!host->inst[id])
			return id;
	return 0;
}

static int vgt_instance_partition(struct vgt_instance *inst,
				  const struct vgt_create_req *req)
{
	struct vgt_host *host = inst->host;

	inst->id = vgt_instance_new_id(host);
	if (!inst->id) {
		vgt_log_warn("cannot create instance: the helper's limit of %u instances is reached",
			     VGT_MAX_INSTANCES);
		return -VGT_E_NOSPC_HOST;
	}
	return vgt_slot_attach(inst, req->mappable_size,
			       req->nonmappable_size, req->fence_num);
}

/* Back the head of the instance's host slot with helper-owned pages. */
static int vgt_instance_host_area(struct vgt_instance *inst)
{
	struct vgt_host *host = inst->host;

	inst->host_mem = vgt_alloc_host_pages(VGT_HOST_MEM_SIZE);
	if (!inst->host_mem)
		return -VGT_E_NOMEM;
	if (host->gpu.ops->dma_map(host->gpu.priv, inst->host_mem,
				   VGT_HOST_MEM_SIZE, &inst->host_dma) ||
	    inst->host_dma >= host->gpu.dma_limit ||
	    host->gpu.dma_limit - inst->host_dma < VGT_HOST_MEM_SIZE) {
		vgt_free_host_pages(inst->host_mem);
		inst->host_mem = NULL;
		return -VGT_E_NOMEM;
	}
	vgt_slot_map_host_area(inst);
	return 0;
}

int vgt_inst_create(struct vgt_host *host,
		    const struct vgt_create_req *req,
		    struct vgt_instance **out)
{
	struct vgt_instance *inst;
	int ret;

	*out = NULL;
	if (!req || req->flags || !req->mappable_size ||
	    (req->mappable_size | req->nonmappable_size) &
	    (VGT_PAGE_SIZE - 1) ||
	    req->mappable_size > host->gpu.aperture_size ||
	    req->nonmappable_size > host->gpu.gm_size ||
	    req->fence_num > host->gpu.fence_count)
		return -VGT_E_INVAL;

	inst = vgt_zalloc(sizeof(*inst));
	if (!inst)
		return -VGT_E_NOMEM;
	inst->host = host;
	inst->log_budget = VGT_REFUSAL_LOG_BUDGET;

	vgt_mutex_lock(&host->lock);
	vgt_exec_wait_idle(host);	/* it maps helper pages (dma_map) */
	ret = vgt_instance_partition(inst, req);
	if (!ret)
		ret = vgt_instance_host_area(inst);
	if (ret) {
		vgt_instance_release(inst);
		vgt_mutex_unlock(&host->lock);
		vgt_free(inst);
		return ret;
	}
	vgt_sched_init_instance(inst);
	host->inst[inst->id] = inst;
	host->nr_inst++;
	vgt_mutex_unlock(&host->lock);

	vgt_log_info("vgt%u: created: mappable 0x%llx+%llu MiB, non-mappable 0x%llx+%llu MiB, fences %u+%u; GM slot %u, %u sharing it",
		     inst->id, (unsigned long long)inst->mappable.base,
		     (unsigned long long)(inst->mappable.size >> 20),
		     (unsigned long long)inst->nonmappable.base,
		     (unsigned long long)(inst->nonmappable.size >> 20),
		     inst->fence_base, inst->fence_num, inst->slot->index,
		     inst->slot->members);
	*out = inst;
	return 0;
}

void vgt_inst_destroy(struct vgt_instance *inst)
{
	struct vgt_host *host;
	u32 e;

	if (!inst)
		return;
	host = inst->host;
	vgt_mutex_lock(&host->lock);
	/* Its running workload first; then its mappings go (dma_unmap). */
	vgt_exec_wait_idle(host);
	for (e = 0; e < VGT_ENGINE_COUNT; e++)
		if (host->engine_owner[e] == inst->id)
			host->engine_owner[e] = 0;
	vgt_sched_drop_instance(inst);
	host->inst[inst->id] = NULL;
	host->nr_inst--;
	vgt_instance_release(inst);
	vgt_mutex_unlock(&host->lock);
	vgt_log_info("vgt%u: destroyed", inst->id);
	vgt_free(inst);
}

int vgt_inst_reset(struct vgt_instance *inst)
{
	struct vgt_host *host = inst->host;

	vgt_mutex_lock(&host->lock);
	/* Its running workload finishes first (others go on running). */
	vgt_exec_wait_inst(inst);
	/* The shadow is derived state: the device syncs it again. */
	vgt_ppgtt_free(inst);
	/* A dirty log goes on across a reset: the pages unmapped count. */
	vgt_dirty_gtt_unmap(inst, &inst->mappable);
	vgt_dirty_gtt_unmap(inst, &inst->nonmappable);
	vgt_gtt_scratch_inst(inst);
	vgt_fences_clear(inst);
	vgt_events_drop(inst);
	vgt_sched_drop_instance(inst);
	memset(inst->host_mem, 0, VGT_HOST_MEM_SIZE);
	vgt_event_post_locked(inst, VGT_EVENT_RESET, 0, 0);
	vgt_mutex_unlock(&host->lock);
	return 0;
}

void vgt_inst_get_info(struct vgt_instance *inst,
		       struct vgt_instance_info *info)
{
	struct vgt_host *host = inst->host;

	memset(info, 0, sizeof(*info));
	info->vgt_id = inst->id;
	info->fence_base = inst->fence_base;
	info->fence_num = inst->fence_num;
	info->mappable_base = inst->mappable.base;
	info->mappable_size = inst->mappable.size;
	info->nonmappable_base = inst->nonmappable.base;
	info->nonmappable_size = inst->nonmappable.size;
	info->aperture_size = host->gpu.aperture_size;
	info->gm_size = host->gpu.gm_size;
}

void vgt_inst_get_stats(struct vgt_instance *inst, struct vgt_stats *st)
{
	vgt_mutex_lock(&inst->host->lock);
	vgt_mutex_lock(&inst->host->qlock);	/* events_lost */
	*st = inst->stats;
	vgt_mutex_unlock(&inst->host->qlock);
	vgt_mutex_unlock(&inst->host->lock);
}
