// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sched.c - time-slicing each engine among instances, by weight.
 *
 * Weighted fair queueing on measured engine time (vgt_engine_clock_ns:
 * wall time on hardware, the executing thread's CPU time on the software
 * Haswell, so host preemption is not charged): each instance has a
 * virtual time per engine that advances by (engine ns used) * 16 / weight.
 * When an engine's slice (VGT_SCHED_SLICE_NS = 4 ms: with 1 ms, 16 busy
 * VMs got 0.85 of one VM's throughput, the first workloads of every slice
 * finding the host's caches cold; with 4 ms 0.95, docs/scale.md) is used
 * up or its holder has nothing queued, the engine goes to the instance
 * with queued work and the smallest virtual time.  A VM that wakes up
 * rejoins at the smallest virtual time, so it waits one slice at most, not
 * one per busy VM.  So:
 *   - shares follow weights among busy instances;
 *   - nobody starves: a waiting instance's virtual time stands still while
 *     the others' grows;
 *   - an idle instance costs nothing (it is not looked at) and banks no
 *     credit: it rejoins at the engine's current virtual time (workload.c).
 * Switches happen between workloads and when a workload outlives the
 * slice: on a GPU that can stop one (the software Haswell: vgt-gpu.h,
 * swhsw-cs.c), it is preempted at the next command boundary or between
 * two row bands of a blit once the engine time left in the slice is
 * spent.  It stays at the head of its instance's queue on that engine
 * (nothing of that instance runs there before it: completions and seqnos
 * keep their order), its piece is charged like a workload, the engine
 * goes to whoever is next, and when the instance gets the engine again
 * the workload goes on where it stopped, after its GM slot and engine
 * state are back (vgt_slot_make_resident, vgt_ctx_switch_locked).  Its
 * budget (VGT_WL_MAX_CMDS, VGT_WL_MAX_BYTES) counts all its pieces:
 * exceeding it is still a hang.  A workload the core audited (a GPU that
 * does not enforce the view: a real Haswell) runs whole: its exec copy
 * is one per instance, and a real Haswell cannot be stopped this way.
 * Same holder: no context switch at all.
 * A workload that faults or hangs resets its instance's engine state and
 * cancels what the instance queued behind it on that engine (ABI 5,
 * vgt_sched_cancel_q): a hung ring runs nothing more until the driver
 * resets the engine, so the ring stays stopped (es->stop) until the
 * client has read the failure, and what it submits meanwhile is
 * cancelled too.  A preempted head is the failed workload itself, so
 * none of the cancelled ones has started.
 * A workload executes with host->lock dropped (vgt-core-priv.h, "Locking"):
 * only its preparation (GM slot, context switch, register flush, the
 * audit) and its completion hold the lock, so the other instances' GTT,
 * fence, reset and event traffic never waits for it.  One workload runs
 * at a time: vgt_host_sched_run starts none while one runs or while a
 * client waits for the GPU (exec_waiters), so waiters cannot starve.
 * Instances that share a GM slot (gm-slot.c) also take turns at the slot:
 * while its resident has work, the others wait until the resident has
 * held it for max(slice, VGT_SLOT_HOLD_RATIO x the swap's cost), so
 * swaps cost at most 1/VGT_SLOT_HOLD_RATIO of the GPU and two engines
 * never trade the slot workload by workload.  A waiting instance's
 * virtual time stands still, so it gets the engine first afterwards and
 * shares still follow weights over a few slices.
 */
#include "vgt-core-priv.h"

void vgt_host_set_kick(struct vgt_host *host,
		       void (*kick)(void *opaque, u32 engine), void *opaque)
{
	/* Under qlock too: once this returns, the old kick never runs. */
	vgt_mutex_lock(&host->lock);
	vgt_mutex_lock(&host->qlock);
	host->kick = kick;
	host->kick_opaque = opaque;
	vgt_mutex_unlock(&host->qlock);
	vgt_mutex_unlock(&host->lock);
}

int vgt_host_set_slice_ns(struct vgt_host *host, u64 ns)
{
	if (ns < 10000 || ns > 1000000000ull)
		return -VGT_E_INVAL;
	vgt_mutex_lock(&host->lock);
	vgt_mutex_lock(&host->qlock);
	host->slice_ns = ns;
	vgt_mutex_unlock(&host->qlock);
	vgt_mutex_unlock(&host->lock);
	return 0;
}

void vgt_host_get_sched_stats(struct vgt_host *host,
			      struct vgt_host_sched_stats *st)
{
	vgt_mutex_lock(&host->qlock);
	*st = host->hst;
	vgt_mutex_unlock(&host->qlock);
}

/* PPGTT page tables hold guest-physical addresses: the instance's RAM. */
static void *vgt_gpa_to_host(void *opaque, u64 gpa)
{
	struct vgt_instance *inst = opaque;
	const struct vgt_mem *m = vgt_mem_find_gfn(inst, gpa >> VGT_PAGE_SHIFT);

	if (!m)
		return NULL;
	return m->va + ((gpa & ~(u64)(VGT_PAGE_SIZE - 1)) - m->gpa);
}

/* qlock held. */
static struct vgt_instance *vgt_sched_pick(struct vgt_host *host, u32 e)
{
	struct vgt_instance *cur = NULL, *best = NULL;
	u32 owner = host->engine_owner[e], k;
	u64 now = vgt_now_ns();

	if (owner && owner <= VGT_MAX_INSTANCES)
		cur = host->inst[owner];
	if (cur && cur->eng[e].count &&
	    host->slice_used[e] < host->slice_ns &&
	    vgt_slot_may_run(cur, now))
		return cur;
	/* Round-robin start so that equal virtual times alternate. */
	for (k = 0; k < VGT_MAX_INSTANCES; k++) {
		u32 id = 1 + (host->rr_next[e] + k) % VGT_MAX_INSTANCES;
		struct vgt_instance *i = host->inst[id];

		if (!i || !i->eng[e].count || !vgt_slot_may_run(i, now))
			continue;
		if (!best || i->eng[e].vtime < best->eng[e].vtime)
			best = i;
	}
	if (best) {
		host->rr_next[e] = best->id % VGT_MAX_INSTANCES;
		if (best->eng[e].vtime > host->engine_vtime[e])
			host->engine_vtime[e] = best->eng[e].vtime;
		host->slice_used[e] = 0;
	}
	return best;
}

/* host->lock held: whether @inst (NULL: anyone) runs on an engine. */
static bool vgt_exec_running(const struct vgt_host *host,
			     const struct vgt_instance *inst)
{
	u32 e;

	for (e = 0; e < VGT_ENGINE_COUNT; e++)
		if (host->exec_inst[e] &&
		    (!inst || host->exec_inst[e] == inst))
			return true;
	return false;
}

bool vgt_inst_running(const struct vgt_instance *inst)
{
	return vgt_exec_running(inst->host, inst);
}

static void vgt_exec_wait(struct vgt_host *host,
			  const struct vgt_instance *inst)
{
	if (!vgt_exec_running(host, inst))
		return;
	host->exec_waiters++;
	while (vgt_exec_running(host, inst))
		vgt_cond_wait(&host->exec_cond, &host->lock);
	/* The engines wait for the last waiter before they go on. */
	if (!--host->exec_waiters)
		vgt_cond_broadcast(&host->exec_cond);
}

void vgt_exec_wait_idle(struct vgt_host *host)
{
	vgt_exec_wait(host, NULL);
}

void vgt_exec_wait_inst(struct vgt_instance *inst)
{
	vgt_exec_wait(inst->host, inst);
}

/* Host lock held: until engine @e is ours to start a workload on. */
static void vgt_sched_wait_turn(struct vgt_host *host, u32 e)
{
	while (host->exec_inst[e] || host->exec_waiters)
		vgt_cond_wait(&host->exec_cond, &host->lock);
}

/* The engine asks between commands: is the slice's engine time spent? */
static bool vgt_sched_preempt_due(void *opaque)
{
	const u64 *deadline = opaque;

	return vgt_engine_clock_ns() >= *deadline;
}

/*
 * host->lock held on entry and on return, dropped while the workload
 * executes; wl is a copy of the head of inst's queue on e, resuming when
 * it was preempted before.
 */
static void vgt_sched_exec(struct vgt_host *host, u32 e,
			   struct vgt_instance *inst,
			   const struct vgt_workload *wl, bool resuming)
{
	const struct vgt_gpu_ops *ops = host->gpu.ops;
	struct vgt_engine_state *es = &inst->eng[e];
	struct vgt_gpu_exec x;
	bool preempted;
	u64 t0, dt, deadline;
	u32 i, cancel = 0;

	/* Its GM slot's entries first: the switch may restore its context. */
	vgt_slot_make_resident(inst);
	vgt_ctx_switch_locked(host, e, inst);
	/*
	 * The workload's flush list: its register state from now on.  Not
	 * again when it resumes: what its own commands loaded since stays
	 * (the switch restored it).
	 */
	for (i = 0; i < wl->nr_regs && !resuming; i++) {
		int k = vgt_ctx_reg_index(host, e, wl->regs[i].offset);

		if (k < 0)
			continue;	/* validated at submit; be safe */
		es->regs[k] = wl->regs[i].value;
		ops->write32(host->gpu.priv, wl->regs[i].offset,
			     wl->regs[i].value);
	}

	memset(&x, 0, sizeof(x));
	x.start = wl->start;
	x.len = wl->length;
	x.range[0].base = inst->mappable.base;
	x.range[0].size = inst->mappable.size;
	x.range[1].base = inst->nonmappable.base;
	x.range[1].size = inst->nonmappable.size;
	x.range[2].base = inst->host_gm.base;
	x.range[2].size = VGT_HOST_SLOT_BACKED + inst->shadow_gm.size;
	x.nr_ranges = 3;
	x.gpa_to_host = vgt_gpa_to_host;
	x.opaque = inst;
	x.wrote = inst->dirty_log ? vgt_dirty_wrote : NULL;
	x.scratch_dma = host->scratch_dma;
	x.shadow_base = inst->shadow_gm.base;
	x.shadow_size = inst->shadow_gm.size;
	x.max_cmds = VGT_WL_MAX_CMDS;
	x.max_bytes = VGT_WL_MAX_BYTES;

	t0 = vgt_engine_clock_start_ns();
	/* What is left of the slice (the pick left some: sched_pick). */
	deadline = t0;
	if (host->slice_used[e] < host->slice_ns)
		deadline += host->slice_ns - host->slice_used[e];
	if (host->gpu.view_enforced) {
		x.preempt = vgt_sched_preempt_due;
		x.preempt_opaque = &deadline;
		x.resume = &es->resume;
		x.resuming = resuming;
	}
	if (wl->flags & VGT_WL_REFUSED) {
		x.status = VGT_EXEC_FAULT;	/* refused when posted */
	} else if (!ops->engine_exec ||
		   (resuming && !host->gpu.view_enforced)) {
		x.status = VGT_EXEC_FAULT;	/* no engine to run it on */
	} else if (host->gpu.view_enforced ||
		   !vgt_audit_workload(host, inst, e, &x)) {
		/*
		 * Without the lock: inst's memory, dirty log and ranges stay
		 * (their changes wait for exec_inst), its GM slot stays loaded
		 * (only the scheduler swaps), and nothing else runs.
		 */
		host->exec_inst[e] = inst;
		vgt_mutex_unlock(&host->lock);
		ops->engine_exec(host->gpu.priv, e, &x);
		vgt_mutex_lock(&host->lock);
		host->exec_inst[e] = NULL;
		vgt_cond_broadcast(&host->exec_cond);
	}
	dt = vgt_engine_clock_end_ns() - t0;

	/* Interrupts first: the memory writes before them are done. */
	vgt_irq_service_locked(host, false);

	preempted = x.status == VGT_EXEC_PREEMPTED;
	vgt_mutex_lock(&host->qlock);
	es->vtime += dt * VGT_WEIGHT_MAX / (inst->weight ? inst->weight : 1);
	host->slice_used[e] += dt;
	host->hst.exec_ns += dt;
	inst->sst.busy_ns[e] += dt;
	es->preempted = preempted;
	if (preempted) {
		/* Still the head of its queue; the engine goes to the next. */
		es->preemptions++;
		host->preemptions++;
		if (host->slice_used[e] < host->slice_ns)
			host->slice_used[e] = host->slice_ns;
		vgt_mutex_unlock(&host->qlock);
		return;
	}
	es->head = (es->head + 1) % VGT_WL_QUEUE_MAX;
	if (!--es->count)
		inst->sst.underruns++;
	host->hst.workloads++;
	inst->sst.completed++;
	if (x.status == VGT_EXEC_HANG)
		inst->sst.hangs++;
	else if (x.status != VGT_EXEC_DONE)
		inst->sst.faults++;
	/* A failure cancels what is queued behind it now (workload.c). */
	if (x.status != VGT_EXEC_DONE) {
		cancel = es->count;
		es->stop = VGT_STOP_FAILING;
	}
	vgt_mutex_unlock(&host->qlock);

	if (x.status == VGT_EXEC_DONE) {
		vgt_event_post_locked(inst, VGT_EVENT_COMPLETE, e, wl->id);
		return;
	}
	if (inst->log_budget) {
		inst->log_budget--;
		vgt_log_warn("vgt%u: engine %u workload 0x%llx %s (cmd 0x%08x at GM 0x%llx); engine state of this instance reset, cancelled %u queued behind it",
			     inst->id, e, (unsigned long long)wl->id,
			     x.status == VGT_EXEC_HANG ? "hang" :
			     wl->flags & VGT_WL_REFUSED ?
			     "refused when submitted" : "fault",
			     x.fault_cmd, (unsigned long long)x.fault_addr,
			     cancel);
	}
	/* Only this instance's engine state: back to power-on. */
	vgt_ctx_reset_engine(inst, e);
	for (i = 0; i < host->ctx_n[e]; i++)
		ops->write32(host->gpu.priv, host->ctx_reg[e][i], es->regs[i]);
	/*
	 * Under one qlock: no events_read between the failure and them.  What
	 * was submitted since the failure is queued too and goes with the
	 * rest; until the client reads the FAULT/HANG, what it submits is
	 * cancelled at once (vgt_inst_submit).  A FAULT/HANG the full event
	 * queue drops would never be read: the ring does not stay stopped.
	 */
	vgt_mutex_lock(&host->qlock);
	vgt_event_stop_ring_q(inst, e);
	vgt_event_post_q(inst, x.status == VGT_EXEC_HANG ? VGT_EVENT_HANG :
			 wl->flags & VGT_WL_REFUSED ? VGT_EVENT_REFUSED :
			 VGT_EVENT_FAULT, e, wl->id);
	vgt_event_post_q(inst, VGT_EVENT_COMPLETE, e, wl->id);
	vgt_sched_cancel_q(inst, e, es->count);
	vgt_mutex_unlock(&host->qlock);
}

/* Is anything queued on the engines of mask? (host->inst: both locks) */
static bool vgt_sched_queued(struct vgt_host *host, u32 mask)
{
	bool more = false;
	u32 e, k;

	vgt_mutex_lock(&host->lock);
	vgt_mutex_lock(&host->qlock);
	for (e = 0; e < VGT_ENGINE_COUNT && !more; e++)
		for (k = 1; k <= VGT_MAX_INSTANCES && !more; k++)
			more = (mask & (1u << e)) && host->inst[k] &&
			       host->inst[k]->eng[e].count;
	vgt_mutex_unlock(&host->qlock);
	vgt_mutex_unlock(&host->lock);
	return more;
}

/* One workload, or one piece of a preempted one, on engine e. */
static void vgt_sched_run_one(struct vgt_host *host, u32 e)
{
	struct vgt_instance *inst;
	struct vgt_workload wl;
	bool resuming = false;

	vgt_mutex_lock(&host->lock);
	vgt_sched_wait_turn(host, e);
	vgt_mutex_lock(&host->qlock);
	inst = vgt_sched_pick(host, e);
	if (inst) {
		wl = inst->eng[e].q[inst->eng[e].head];
		resuming = inst->eng[e].preempted;
	}
	vgt_mutex_unlock(&host->qlock);
	if (inst)
		vgt_sched_exec(host, e, inst, &wl, resuming);
	vgt_mutex_unlock(&host->lock);
}

bool vgt_host_sched_run(struct vgt_host *host)
{
	u32 e;

	/* The lock is let go between engines: waiters get their turn. */
	for (e = 0; e < VGT_ENGINE_COUNT; e++)
		vgt_sched_run_one(host, e);
	return vgt_sched_queued(host, (1u << VGT_ENGINE_COUNT) - 1);
}

bool vgt_host_sched_run_engine(struct vgt_host *host, u32 engine)
{
	if (engine >= VGT_ENGINE_COUNT)
		return false;
	vgt_sched_run_one(host, engine);
	return vgt_sched_queued(host, 1u << engine);
}

bool vgt_host_lock_contended(struct vgt_host *host)
{
	return vgt_mutex_contended(&host->lock);
}

bool vgt_host_engines_parallel(const struct vgt_host *host)
{
	/* an audited workload's copy is one per instance: those run alone */
	return host->gpu.engines_parallel && host->gpu.view_enforced;
}
