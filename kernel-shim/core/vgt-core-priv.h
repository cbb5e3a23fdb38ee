/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vgt-core-priv.h - state shared by the core's files (not by transports).
 */
#ifndef VGT_CORE_PRIV_H
#define VGT_CORE_PRIV_H

#include "vgt-core.h"
#include "partition.h"

/* Refusals logged per instance before only the counters move. */
#define VGT_REFUSAL_LOG_BUDGET	32

struct vgt_mem {
	u64 gpa;
	u64 size;
	u8 *va;
	u64 dma;
};

struct vgt_instance {
	struct vgt_host *host;
	u32 id;			/* = host slot index, 1..VGT_MAX_INSTANCES */
	struct vgt_range mappable;
	struct vgt_range nonmappable;
	struct vgt_range host_gm;	/* its slot in the helper's share */
	u32 fence_base;
	u32 fence_num;

	u8 *host_mem;		/* helper-owned backing of host_gm's head */
	u64 host_dma;

	u32 nr_mem;
	struct vgt_mem mem[VGT_MAX_MEM_REGIONS];

	u32 ev_head;
	u32 ev_count;
	struct vgt_event evq[VGT_EVENT_QUEUE_LEN];
	void (*notify)(void *opaque);
	void *notify_opaque;

	struct vgt_stats stats;
	u32 log_budget;
};

struct vgt_host {
	struct vgt_gpu gpu;
	vgt_mutex_t lock;

	struct vgt_pool mappable;	/* aperture above the host share */
	struct vgt_pool nonmappable;
	struct vgt_pool host_share;	/* 2 MiB slots, slot 0 the helper's */
	struct vgt_pool fences;		/* in fence units */

	void *scratch_va;
	u64 scratch_dma;
	u32 scratch_pte;

	struct vgt_instance *inst[VGT_MAX_INSTANCES + 1];	/* by id */
	u32 nr_inst;
	u32 engine_owner[VGT_ENGINE_COUNT];

	u64 event_seq;
	u64 refused_total;
	u64 spurious_irqs;
};

/* Count (and, within budget, log) a refusal; returns -err for chaining. */
int vgt_refuse(struct vgt_instance *inst, int err, const char *what,
	       u64 arg);

/* GTT helpers, host lock held. */
void vgt_gtt_scratch_range(struct vgt_host *host, const struct vgt_range *gm);
void vgt_gtt_map_host(struct vgt_host *host, u64 gm_addr, u64 dma, u64 size);
void vgt_gtt_unmap_mem(struct vgt_instance *inst, const struct vgt_mem *m);
void vgt_fences_clear(struct vgt_instance *inst);

/* Memory registry, host lock held. */
const struct vgt_mem *vgt_mem_find_gfn(struct vgt_instance *inst, u64 gfn);
const struct vgt_mem *vgt_mem_find_dma(struct vgt_instance *inst, u64 dma);
void vgt_mem_release_all(struct vgt_instance *inst);

/* Event queue, host lock held. */
void vgt_event_post_locked(struct vgt_instance *inst, u32 type, u32 unit,
			   u64 data);
void vgt_events_drop(struct vgt_instance *inst);
void vgt_irq_handler(void *opaque);

#endif /* VGT_CORE_PRIV_H */
