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

/* qlock held: whether the event just queued must wake the client. */
static bool vgt_event_wakes(const struct vgt_instance *inst, u32 type,
			    u32 unit)
{
	if (inst->ev_count >= VGT_EVENT_WAKE_FILL)
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
	struct vgt_event *ev;

	if (inst->ev_count == VGT_EVENT_QUEUE_LEN) {
		inst->stats.events_lost++;
		return;
	}
	ev = &inst->evq[(inst->ev_head + inst->ev_count) % VGT_EVENT_QUEUE_LEN];
	ev->type = type;
	ev->unit = unit;
	ev->data = data;
	ev->seq = ++inst->host->event_seq;
	inst->ev_count++;
	if (!vgt_event_wakes(inst, type, unit)) {
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
