// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * workload.c - accepting workloads: validation, queues, shadow area.
 *
 * QEMU is not trusted: a workload may start only inside the instance's own
 * GM or its shadow area, may flush only the engine's shadowed registers
 * (the HSW_REG_FLUSH register rows), and queues are bounded.  A flushed
 * value is what the register reads; the queued copy of a masked one
 * (HSW_REG_MASKED) is the write that sets all of it, HSW_MASKED_FULL, as
 * the engine state's shadow holds it (ctx-switch.c).  What
 * the commands reach while executing is checked again by the GPU's view
 * (sched.c), so a forged command stream can only touch its own instance.
 */
#include "vgt-core-priv.h"

static bool range_has(const struct vgt_range *r, u64 a, u64 len)
{
	return r->size && a >= r->base && len <= r->size &&
	       a - r->base <= r->size - len;
}

int vgt_inst_shadow_attach(struct vgt_instance *inst, void *va, u64 *gm_addr)
{
	struct vgt_host *host = inst->host;
	u64 dma;
	int ret = 0;

	vgt_mutex_lock(&host->lock);
	vgt_exec_wait_idle(host);	/* dma_map */
	if (inst->shadow_gm.size) {
		ret = -VGT_E_EXISTS;
		goto out;
	}
	if (!va || ((unsigned long)va & (VGT_PAGE_SIZE - 1))) {
		ret = -VGT_E_INVAL;
		goto out;
	}
	if (host->gpu.ops->dma_map(host->gpu.priv, va, VGT_SHADOW_SIZE,
				   &dma) ||
	    dma >= host->gpu.dma_limit ||
	    host->gpu.dma_limit - dma < VGT_SHADOW_SIZE) {
		ret = -VGT_E_NOMEM;
		goto out;
	}
	inst->shadow_va = va;
	inst->shadow_dma = dma;
	inst->shadow_gm.base = inst->host_gm.base + VGT_HOST_SLOT_BACKED;
	inst->shadow_gm.size = VGT_SHADOW_SIZE;
	vgt_slot_map_host_area(inst);	/* loaded now if resident */
	*gm_addr = inst->shadow_gm.base;
out:
	vgt_mutex_unlock(&host->lock);
	return ret;
}

void vgt_shadow_detach_locked(struct vgt_instance *inst)
{
	struct vgt_host *host = inst->host;

	if (!inst->shadow_gm.size)
		return;
	if (vgt_slot_is_resident(inst))
		vgt_gtt_scratch_range(host, &inst->shadow_gm);
	host->gpu.ops->dma_unmap(host->gpu.priv, inst->shadow_dma,
				 VGT_SHADOW_SIZE);
	inst->shadow_gm.size = 0;
	inst->shadow_va = NULL;
}

/* A refusal is counted and logged under the host lock (rare path). */
static int vgt_submit_refuse(struct vgt_instance *inst, int err,
			     const char *what, u64 arg)
{
	int ret;

	vgt_mutex_lock(&inst->host->lock);
	ret = vgt_refuse(inst, err, what, arg);
	vgt_mutex_unlock(&inst->host->lock);
	return ret;
}

/*
 * qlock held: workload @id of @inst on @engine leaves without running,
 * counted for the instance and the host (sysfs "cancelled"), with
 * CANCELLED then its COMPLETE.
 */
static void vgt_wl_cancelled_q(struct vgt_instance *inst, u32 engine, u64 id)
{
	inst->sst.completed++;
	inst->sst.cancelled++;
	inst->host->hst.cancelled++;
	vgt_event_post_q(inst, VGT_EVENT_CANCELLED, engine, id);
	vgt_event_post_q(inst, VGT_EVENT_COMPLETE, engine, id);
}

/* A workload's fields, before it may queue; 0 or the counted refusal. */
static int vgt_wl_validate(struct vgt_instance *inst,
			   const struct vgt_workload *wl)
{
	u32 i;

	if (!wl || wl->engine >= VGT_ENGINE_COUNT)
		return vgt_submit_refuse(inst, VGT_E_ENGINE, "workload engine",
					 wl ? wl->engine : 0);
	if (wl->flags || !wl->length || (wl->length & 3) ||
	    wl->length > VGT_WL_LEN_MAX || (wl->start & 3) ||
	    wl->nr_regs > VGT_WL_REGS_MAX)
		return vgt_submit_refuse(inst, VGT_E_INVAL, "workload", wl->id);
	if (!range_has(&inst->shadow_gm, wl->start, wl->length) &&
	    !range_has(&inst->mappable, wl->start, wl->length) &&
	    !range_has(&inst->nonmappable, wl->start, wl->length))
		return vgt_submit_refuse(inst, VGT_E_GM_RANGE,
					 "workload start", wl->start);
	for (i = 0; i < wl->nr_regs; i++)
		if ((wl->regs[i].offset & 3) ||
		    !(hsw_reg_flags(wl->engine, wl->regs[i].offset) &
		      HSW_REG_FLUSH))
			return vgt_submit_refuse(inst, VGT_E_REG,
						 "flush register",
						 wl->regs[i].offset);
	return 0;
}

/*
 * Queue @wl (its engine valid), or, @refused, a workload with only its id
 * that fails when its turn comes without running (sched.c): that is how a
 * posted submit's refusal reaches the client, in order.
 *
 * Only qlock on the accepting path: the instance's ranges do not change
 * while its transport is busy here (create, shadow attach and destroy run
 * on the same transport thread), and the scheduler copies a queued
 * workload under qlock.
 */
static int vgt_wl_queue(struct vgt_instance *inst,
			const struct vgt_workload *wl, bool refused)
{
	struct vgt_host *host = inst->host;
	struct vgt_engine_state *es;
	struct vgt_workload *q;
	u32 i;
	int ret = 0;

	vgt_mutex_lock(&host->qlock);
	es = &inst->eng[wl->engine];
	if (es->count == VGT_WL_QUEUE_MAX) {
		ret = -VGT_E_QUEUE_FULL;	/* back-pressure, not abuse */
		goto out;
	}
	if (es->stop == VGT_STOP_UNREAD && vgt_event_stop_read_q(inst,
								 wl->engine))
		es->stop = VGT_STOP_NONE;	/* read in its event ring */
	if (es->stop == VGT_STOP_UNREAD) {
		/* the ring stopped at a failure the client has not read yet */
		inst->sst.submitted++;
		vgt_wl_cancelled_q(inst, wl->engine, wl->id);
		goto out;
	}
	/* An idle instance banks no credit: it rejoins at the engine's time. */
	if (!es->count && es->vtime < host->engine_vtime[wl->engine])
		es->vtime = host->engine_vtime[wl->engine];
	q = &es->q[(es->head + es->count) % VGT_WL_QUEUE_MAX];
	if (refused) {
		memset(q, 0, sizeof(*q));
		q->id = wl->id;
		q->engine = wl->engine;
		q->flags = VGT_WL_REFUSED;
	} else {
		*q = *wl;
	}
	for (i = 0; i < q->nr_regs; i++)
		if (hsw_reg_flags(q->engine, q->regs[i].offset) &
		    HSW_REG_MASKED)
			q->regs[i].value = HSW_MASKED_FULL(q->regs[i].value);
	es->count++;
	inst->sst.submitted++;
	if (host->kick)
		host->kick(host->kick_opaque, wl->engine);
out:
	vgt_mutex_unlock(&host->qlock);
	return ret;
}

int vgt_inst_submit(struct vgt_instance *inst,
		    const struct vgt_workload *wl)
{
	int ret = vgt_wl_validate(inst, wl);

	return ret ? ret : vgt_wl_queue(inst, wl, false);
}

int vgt_inst_submit_posted(struct vgt_instance *inst,
			   const struct vgt_workload *wl)
{
	int ret = vgt_wl_validate(inst, wl);

	/* Nothing to queue a refusal on: no such engine. */
	if (ret == -VGT_E_ENGINE)
		return ret;
	return vgt_wl_queue(inst, wl, ret < 0);
}

int vgt_inst_set_weight(struct vgt_instance *inst, u32 weight)
{
	if (weight < VGT_WEIGHT_MIN || weight > VGT_WEIGHT_MAX)
		return -VGT_E_INVAL;
	vgt_mutex_lock(&inst->host->qlock);
	inst->weight = weight;
	vgt_mutex_unlock(&inst->host->qlock);
	return 0;
}

void vgt_inst_get_sched_stats(struct vgt_instance *inst,
			      struct vgt_sched_stats *st)
{
	u32 e;

	vgt_mutex_lock(&inst->host->qlock);
	*st = inst->sst;
	st->weight = inst->weight;
	st->queued = 0;
	for (e = 0; e < VGT_ENGINE_COUNT; e++)
		st->queued += inst->eng[e].count;
	vgt_mutex_unlock(&inst->host->qlock);
}

void vgt_sched_init_instance(struct vgt_instance *inst)
{
	u32 e;

	inst->weight = VGT_WEIGHT_DEFAULT;
	for (e = 0; e < VGT_ENGINE_COUNT; e++) {
		vgt_ctx_reset_engine(inst, e);
		/* every event wakes until the client says otherwise */
		inst->notify_low[e] = VGT_WL_QUEUE_MAX;
		inst->notify_irq[e] = true;
	}
}

/*
 * After a fault or hang (sched.c): the @n workloads @inst has queued behind
 * the failed one on @engine (all of them, with those submitted since it
 * ended: es->stop) leave without running, in order,
 * each with CANCELLED then its COMPLETE, posted once it is off the queue
 * as a completion's is (notify_policy).  They are still the oldest: only
 * holders of host->lock take workloads off, and the scheduler has held it
 * since the failure; submits since then only append.  A hung ring runs
 * nothing more until the driver resets the engine, and what the client
 * queued behind the failure was built on the state it expected the failed
 * one to leave.
 */
void vgt_sched_cancel_q(struct vgt_instance *inst, u32 engine, u32 n)
{
	struct vgt_engine_state *es = &inst->eng[engine];
	u64 id;

	if (n > es->count)
		n = es->count;	/* cannot happen: see above */
	while (n--) {
		id = es->q[es->head].id;
		es->head = (es->head + 1) % VGT_WL_QUEUE_MAX;
		if (!--es->count)
			inst->sst.underruns++;
		vgt_wl_cancelled_q(inst, engine, id);
	}
}

/* Reset/destroy (host lock held): queued work goes, engines forget it. */
void vgt_sched_drop_instance(struct vgt_instance *inst)
{
	struct vgt_host *host = inst->host;
	u32 e;

	vgt_mutex_lock(&host->qlock);
	for (e = 0; e < VGT_ENGINE_COUNT; e++) {
		inst->eng[e].head = 0;
		inst->eng[e].count = 0;
		inst->eng[e].stop = VGT_STOP_NONE;
		/* a preempted workload goes like a queued one: no COMPLETE */
		inst->eng[e].preempted = false;
	}
	vgt_mutex_unlock(&host->qlock);
	for (e = 0; e < VGT_ENGINE_COUNT; e++) {
		vgt_ctx_reset_engine(inst, e);
		if (host->engine_owner[e] != inst->id)
			continue;
		host->engine_owner[e] = 0;
		/* nothing of it is saved through the next owner's view */
		if (e == VGT_ENGINE_RCS)
			host->gpu.ops->write32(host->gpu.priv, CCID, 0);
	}
}
