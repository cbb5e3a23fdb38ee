// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * event.c - per-instance event queue (helper -> VM notifications).
 *
 * A bounded ring: a VM that does not drain its events loses new ones (and
 * the loss is counted); it never makes the helper allocate or block.
 */
#include "vgt-core-priv.h"

static void vgt_event_post_q(struct vgt_instance *inst, u32 type, u32 unit,
			     u64 data)
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
	vgt_mutex_lock(&inst->host->qlock);
	inst->ev_head = 0;
	inst->ev_count = 0;
	vgt_mutex_unlock(&inst->host->qlock);
}

int vgt_inst_events_read(struct vgt_instance *inst, struct vgt_event *ev,
			 u32 max)
{
	u32 n = 0;

	/* qlock only: draining events never waits for a running workload. */
	vgt_mutex_lock(&inst->host->qlock);
	while (n < max && inst->ev_count) {
		ev[n++] = inst->evq[inst->ev_head];
		inst->ev_head = (inst->ev_head + 1) % VGT_EVENT_QUEUE_LEN;
		inst->ev_count--;
	}
	vgt_mutex_unlock(&inst->host->qlock);
	return (int)n;
}

/* Queued events, without consuming them (the kernel transport's poll). */
u32 vgt_inst_events_pending(struct vgt_instance *inst)
{
	u32 n;

	vgt_mutex_lock(&inst->host->qlock);
	n = inst->ev_count;
	vgt_mutex_unlock(&inst->host->qlock);
	return n;
}

void vgt_inst_set_notify(struct vgt_instance *inst,
			 void (*notify)(void *opaque), void *opaque)
{
	vgt_mutex_lock(&inst->host->qlock);
	inst->notify = notify;
	inst->notify_opaque = opaque;
	/* Events queued before the transport attached must not be missed. */
	if (notify && inst->ev_count)
		notify(opaque);
	vgt_mutex_unlock(&inst->host->qlock);
}
