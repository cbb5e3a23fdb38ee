// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * event.c - per-instance event queue (helper -> VM notifications).
 *
 * A bounded ring: a VM that does not drain its events loses new ones (and
 * the loss is counted); it never makes the helper allocate or block.
 *
 * Waking the client (its eventfd, /dev/vgt's readers) costs the thread
 * that posts a cross-CPU wake-up when the client sleeps: on the 2-CPU VMs
 * we measure on, 14 to 34 us, a seventh of a small workload.  The client
 * says which of its events it needs at once (notify_policy); the others
 * wait in the queue for the next wake-up.  Whatever the policy, a drained
 * workload queue, a half-full event queue and every other event type wake
 * it, so an event waits at most for the instance's own queued work.  A
 * CANCELLED never wakes by itself: its COMPLETE comes right after it.
 */
#include "vgt-core-priv.h"

/* Half the queue: held events never make a VM lose events. */
#define VGT_EVENT_WAKE_FILL	(VGT_EVENT_QUEUE_LEN / 2)

/*
 * qlock held: the events the client has not read yet.  With a ring, its
 * cons is the client's word: anything out of range counts as full.
 */
static u32 vgt_event_unread_q(const struct vgt_instance *inst)
{
	u32 cons;

	if (!inst->ring)
		return inst->ev_count;
	cons = __atomic_load_n(&inst->ring->cons, __ATOMIC_ACQUIRE);
	if (inst->ring_prod - cons > VGT_EVENT_RING_LEN)
		return VGT_EVENT_RING_LEN;
	return inst->ring_prod - cons;
}

/* qlock held: whether the event just queued (@queued now) must wake. */
static bool vgt_event_wakes(const struct vgt_instance *inst, u32 type,
			    u32 unit, u32 queued)
{
	if (queued >= VGT_EVENT_WAKE_FILL)
		return true;
	switch (type) {
	case VGT_EVENT_COMPLETE:
		/* the scheduler took it off the queue before posting */
		return unit >= VGT_ENGINE_COUNT ||
		       inst->eng[unit].count <= inst->notify_low[unit];
	case VGT_EVENT_USER_IRQ:
		return unit >= VGT_ENGINE_COUNT || inst->notify_irq[unit];
	case VGT_EVENT_CANCELLED:
		/* its COMPLETE follows at once and wakes by the rule above */
		return false;
	}
	return true;
}

void vgt_event_post_q(struct vgt_instance *inst, u32 type, u32 unit, u64 data)
{
	struct vgt_event ev = { .type = type, .unit = unit, .data = data };
	u32 queued = vgt_event_unread_q(inst);

	if (queued == VGT_EVENT_QUEUE_LEN) {
		inst->stats.events_lost++;
		return;
	}
	ev.seq = ++inst->host->event_seq;
	if (inst->ring) {
		/* the record first, then prod: the client reads in order */
		memcpy(&inst->ring->ev[inst->ring_prod % VGT_EVENT_RING_LEN],
		       &ev, sizeof(ev));
		__atomic_store_n(&inst->ring->prod, ++inst->ring_prod,
				 __ATOMIC_RELEASE);
	} else {
		inst->evq[(inst->ev_head + inst->ev_count) %
			  VGT_EVENT_QUEUE_LEN] = ev;
		inst->ev_count++;
	}
	if (!vgt_event_wakes(inst, type, unit, queued + 1)) {
		inst->host->hst.events_held++;
		return;
	}
	inst->ev_wake = true;
	inst->host->hst.events_woke++;
	if (inst->notify)
		inst->notify(inst->notify_opaque);
}

/* Host lock held (or the instance otherwise stable); takes qlock. */
void vgt_event_post_locked(struct vgt_instance *inst, u32 type, u32 unit,
			   u64 data)
{
	vgt_mutex_lock(&inst->host->qlock);
	vgt_event_post_q(inst, type, unit, data);
	vgt_mutex_unlock(&inst->host->qlock);
}

void vgt_inst_post_event(struct vgt_instance *inst, u32 type, u32 unit,
			 u64 data)
{
	vgt_mutex_lock(&inst->host->lock);
	vgt_event_post_locked(inst, type, unit, data);
	vgt_mutex_unlock(&inst->host->lock);
}

void vgt_events_drop(struct vgt_instance *inst)
{
	u32 e;

	vgt_mutex_lock(&inst->host->qlock);
	inst->ev_head = 0;
	inst->ev_count = 0;
	inst->ev_wake = false;
	/* the client skips what the ring held; what follows is new */
	if (inst->ring)
		__atomic_store_n(&inst->ring->drop, inst->ring_prod,
				 __ATOMIC_RELEASE);
	/* a failure nobody will read stops no ring */
	for (e = 0; e < VGT_ENGINE_COUNT; e++)
		inst->eng[e].stop = VGT_STOP_NONE;
	vgt_mutex_unlock(&inst->host->qlock);
}

int vgt_inst_events_read(struct vgt_instance *inst, struct vgt_event *ev,
			 u32 max)
{
	u32 n = 0;

	/* qlock only: draining events never waits for a running workload. */
	vgt_mutex_lock(&inst->host->qlock);
	if (inst->ring) {
		/* the client reads its ring */
		vgt_mutex_unlock(&inst->host->qlock);
		return -VGT_E_BUSY;
	}
	while (n < max && inst->ev_count) {
		ev[n] = inst->evq[inst->ev_head];
		/* the client knows of the failure: its ring runs again */
		if ((ev[n].type == VGT_EVENT_FAULT ||
		     ev[n].type == VGT_EVENT_HANG ||
		     ev[n].type == VGT_EVENT_REFUSED) &&
		    ev[n].unit < VGT_ENGINE_COUNT &&
		    inst->eng[ev[n].unit].stop == VGT_STOP_UNREAD)
			inst->eng[ev[n].unit].stop = VGT_STOP_NONE;
		n++;
		inst->ev_head = (inst->ev_head + 1) % VGT_EVENT_QUEUE_LEN;
		inst->ev_count--;
	}
	if (!inst->ev_count)
		inst->ev_wake = false;
	vgt_mutex_unlock(&inst->host->qlock);
	return (int)n;
}

/*
 * Queued events, without consuming them (the kernel transport's poll):
 * none while only events that do not wake are queued (notify_policy).
 */
u32 vgt_inst_events_pending(struct vgt_instance *inst)
{
	u32 n;

	vgt_mutex_lock(&inst->host->qlock);
	n = inst->ev_wake ? inst->ev_count : 0;
	vgt_mutex_unlock(&inst->host->qlock);
	return n;
}

int vgt_inst_event_ring_attach(struct vgt_instance *inst,
			       struct vgt_event_ring *ring)
{
	int ret = 0;
	u32 e;

	vgt_mutex_lock(&inst->host->qlock);
	if (inst->ring) {
		ret = -VGT_E_EXISTS;
		goto out;
	}
	/* from the start only: no event, no stopped ring to carry over */
	for (e = 0; e < VGT_ENGINE_COUNT; e++)
		if (inst->eng[e].stop != VGT_STOP_NONE)
			ret = -VGT_E_BUSY;
	if (inst->ev_count || ret) {
		ret = -VGT_E_BUSY;
		goto out;
	}
	memset(ring, 0, sizeof(*ring));
	inst->ring_prod = 0;
	inst->ring = ring;
out:
	vgt_mutex_unlock(&inst->host->qlock);
	return ret;
}

void vgt_event_stop_ring_q(struct vgt_instance *inst, u32 engine)
{
	struct vgt_engine_state *es = &inst->eng[engine];

	/* a failure the full queue will drop would never be read */
	es->stop = vgt_event_unread_q(inst) < VGT_EVENT_QUEUE_LEN ?
		   VGT_STOP_UNREAD : VGT_STOP_NONE;
	es->stop_at = inst->ring_prod;
}

bool vgt_event_stop_read_q(struct vgt_instance *inst, u32 engine)
{
	u32 cons;

	if (!inst->ring)
		return false;	/* vgt_inst_events_read clears it */
	cons = __atomic_load_n(&inst->ring->cons, __ATOMIC_ACQUIRE);
	return (s32)(cons - inst->eng[engine].stop_at) > 0;
}

int vgt_inst_notify_policy(struct vgt_instance *inst,
			   const struct vgt_notify_policy *p)
{
	if (p->engine >= VGT_ENGINE_COUNT || p->complete_low > VGT_WL_QUEUE_MAX ||
	    p->user_irq > 1 || p->pad)
		return -VGT_E_INVAL;
	vgt_mutex_lock(&inst->host->qlock);
	inst->notify_low[p->engine] = p->complete_low;
	inst->notify_irq[p->engine] = p->user_irq;
	vgt_mutex_unlock(&inst->host->qlock);
	return 0;
}

void vgt_inst_set_notify(struct vgt_instance *inst,
			 void (*notify)(void *opaque), void *opaque)
{
	vgt_mutex_lock(&inst->host->qlock);
	inst->notify = notify;
	inst->notify_opaque = opaque;
	/* Events queued before the transport attached must not be missed. */
	if (notify && inst->ev_count) {
		inst->ev_wake = true;
		notify(opaque);
	}
	vgt_mutex_unlock(&inst->host->qlock);
}
