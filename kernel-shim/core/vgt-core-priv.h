/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vgt-core-priv.h - state shared by the core's files (not by transports).
 */
#ifndef VGT_CORE_PRIV_H
#define VGT_CORE_PRIV_H

#include "vgt-core.h"
#include "partition.h"
#include "../hsw/hsw-regs.h"

/*
 * Scheduler: time slice an instance keeps an engine for (see sched.c),
 * unless vgt_host_set_slice_ns says otherwise.
 */
#define VGT_SCHED_SLICE_NS	4000000ull
/* Budget of one workload before it counts as a hang. */
#define VGT_WL_MAX_CMDS		(1u << 20)
#define VGT_WL_MAX_BYTES	(256ull << 20)

struct vgt_engine_state {		/* one instance on one engine */
	u32 head;
	u32 count;
	struct vgt_workload q[VGT_WL_QUEUE_MAX];
	u32 regs[HSW_CTX_REGS_MAX];	/* shadow, order of host->ctx_reg */
	u64 vtime;			/* weighted virtual time used */
	/*
	 * Preemption (sched.c, qlock): q[head] has run in part and goes on
	 * from resume, before anything else of this instance on the engine.
	 */
	bool preempted;
	u64 preemptions;
	struct vgt_exec_resume resume;
	/*
	 * The ring stopped at a failure (sched.c, qlock): VGT_STOP_FAILING
	 * until its FAULT/HANG is posted (what is submitted meanwhile queues
	 * and is cancelled with the rest), VGT_STOP_UNREAD until the client
	 * reads that event (what it submits meanwhile is cancelled at once).
	 */
	u8 stop;
	u32 stop_at;	/* with an event ring: where its FAULT/HANG went */
};

enum { VGT_STOP_NONE, VGT_STOP_FAILING, VGT_STOP_UNREAD };

/*
 * A queued workload's flags (a client's are 0): a refused posted submit
 * (vgt_inst_submit_posted), its id only, failing when its turn comes.
 */
#define VGT_WL_REFUSED		(1u << 31)

/* Refusals logged per instance before only the counters move. */
#define VGT_REFUSAL_LOG_BUDGET	32

struct vgt_mem {
	u64 gpa;
	u64 size;
	u8 *va;
	u64 dma;
	u64 *dirty;		/* one bit a page while logging (dirty.c) */
};

/*
 * A GM slot (gm-slot.c): host ranges that one or more instances share.
 * The host GTT entries and fence registers of the ranges hold the
 * resident instance's values; the others' live in their private GTT.
 */
struct vgt_gm_slot {
	u32 index;			/* host->slot[index], for logs */
	struct vgt_range host_gm;	/* its 2 MiB of the helper share */
	struct vgt_range mappable;
	struct vgt_range nonmappable;
	u32 fence_base;
	u32 fence_num;
	u32 members;
	struct vgt_instance *resident;	/* NULL: every entry scratch */
	u64 resident_since;		/* vgt_now_ns() of the last swap */
	u64 hold_ns;			/* how long the resident keeps it */
	u64 swaps;
};

/*
 * A resident keeps its slot for at least a scheduler slice and for
 * VGT_SLOT_HOLD_RATIO times what loading it cost, while it has work:
 * swaps then take at most 1/VGT_SLOT_HOLD_RATIO of the GPU's time.
 */
#define VGT_SLOT_HOLD_RATIO	20u

struct vgt_instance {
	struct vgt_host *host;
	u32 id;			/* 1..VGT_MAX_INSTANCES */
	/* Copies of its slot's ranges (what the instance may address). */
	struct vgt_range mappable;
	struct vgt_range nonmappable;
	struct vgt_range host_gm;	/* its slot in the helper's share */
	u32 fence_base;
	u32 fence_num;

	/*
	 * Private GTT (gm-slot.c): the host PTE of every entry of mappable
	 * then non-mappable GM as this instance set it, a bit per entry
	 * that is not scratch (a swap writes only those), and its fences.
	 */
	struct vgt_gm_slot *slot;
	u32 *gtt;
	u64 *gtt_used;
	u32 gtt_n;
	u64 fence_val[HSW_FENCE_COUNT];

	u8 *host_mem;		/* helper-owned backing of host_gm's head */
	u64 host_dma;

	u32 nr_mem;
	struct vgt_mem mem[VGT_MAX_MEM_REGIONS];
	bool dirty_log;		/* logging: every mem[].dirty allocated */

	u32 ev_head;
	u32 ev_count;
	struct vgt_event evq[VGT_EVENT_QUEUE_LEN];
	/*
	 * Where the events go instead of evq once the client mapped a ring
	 * (event.c): ring_prod is the helper's own copy of ring->prod.
	 */
	struct vgt_event_ring *ring;
	u32 ring_prod;
	void (*notify)(void *opaque);
	void *notify_opaque;
	/* notify_policy (event.c): which events wake the client */
	u32 notify_low[VGT_ENGINE_COUNT];	/* COMPLETE: queued <= this */
	bool notify_irq[VGT_ENGINE_COUNT];	/* USER_IRQ */
	bool ev_wake;		/* a queued event woke (or must wake) it */

	struct vgt_stats stats;
	u32 log_budget;

	/* Command submission. */
	u8 *shadow_va;			/* transport-owned, VGT_SHADOW_SIZE */
	u64 shadow_dma;
	struct vgt_range shadow_gm;	/* size 0 until attached */
	u32 weight;
	struct vgt_sched_stats sst;
	struct vgt_engine_state eng[VGT_ENGINE_COUNT];

	struct vgt_ppgtt *ppgtt;	/* shadow PPGTT (ppgtt-shadow.c) */
};

/*
 * Locking: host->lock covers the GPU, the GTT, partitions, memory and the
 * instances' state; host->qlock (taken inside host->lock, never the other
 * way round) covers the workload queues, the scheduler's accounting and
 * the event queues, so that submitting work and draining events never
 * wait for host->lock.
 *
 * A workload executes WITHOUT host->lock (sched.c): the scheduler picks
 * and prepares it under the lock (GM slot, context switch, flush), sets
 * exec_inst[engine] and drops the lock; the GPU runs it; the scheduler
 * retakes the lock, clears exec_inst[engine] and completes it.  On a GPU
 * whose engines run concurrently (vgt_host_engines_parallel), each engine
 * has its scheduler thread and up to one workload per engine runs at a
 * time, each with its exec_inst.  Meanwhile other instances' GTT, fence,
 * reset and event traffic goes on.  What must not change under a running
 * workload waits on exec_cond (the wait drops host->lock), counted in
 * exec_waiters so that no engine starts a new workload before the
 * waiters have had their turn:
 *   - vgt_exec_wait_inst: the running instance's memory, dirty log,
 *     reset and destroy (its workload reads them without the lock);
 *   - vgt_exec_wait_idle: whatever changes the GPU's device address
 *     mappings (dma_map/dma_unmap: create, destroy, memory and shadow
 *     registration) or runs helper commands on an engine (engine state
 *     set): the GPU's own locks may be held for the whole execution, and
 *     blocking on them with host->lock held would stall everyone.
 * GTT and fence writes never wait: a running workload reads only its own
 * instance's GTT entries (its view), and the GM slot it uses cannot be
 * swapped (swaps happen only in the scheduler, between workloads, and
 * never away from an instance running on another engine:
 * vgt_slot_may_run).  Two engines may run workloads of one instance at
 * once: what they report into its dirty log is set atomically.
 */
struct vgt_host {
	struct vgt_gpu gpu;
	vgt_mutex_t lock;
	vgt_mutex_t qlock;
	vgt_cond_t exec_cond;		/* exec_inst or exec_waiters changed */
	/* whose workload runs on each engine; NULL: idle */
	struct vgt_instance *exec_inst[VGT_ENGINE_COUNT];
	u32 exec_waiters;

	struct vgt_pool mappable;	/* aperture above the host share */
	struct vgt_pool nonmappable;
	struct vgt_pool host_share;	/* 2 MiB slots, slot 0 the helper's */
	struct vgt_pool fences;		/* in fence units */

	void *scratch_va;
	u64 scratch_dma;
	u32 scratch_pte;

	struct vgt_instance *inst[VGT_MAX_INSTANCES + 1];	/* by id */
	u32 nr_inst;
	struct vgt_gm_slot *slot[VGT_MAX_SLOTS];
	u32 nr_slots;
	u32 engine_owner[VGT_ENGINE_COUNT];

	u64 event_seq;
	u64 refused_total;
	u64 spurious_irqs;

	/* Scheduler and context switch. */
	u32 ctx_n[VGT_ENGINE_COUNT];
	u32 ctx_reg[VGT_ENGINE_COUNT][HSW_CTX_REGS_MAX];
	u32 ctx_flags[VGT_ENGINE_COUNT][HSW_CTX_REGS_MAX];
	u64 engine_vtime[VGT_ENGINE_COUNT];
	u64 slice_used[VGT_ENGINE_COUNT];
	u64 slice_ns;			/* VGT_SCHED_SLICE_NS by default */
	u32 rr_next[VGT_ENGINE_COUNT];
	void (*kick)(void *opaque, u32 engine);
	void *kick_opaque;
	struct vgt_host_sched_stats hst;
	u64 preemptions;		/* workloads stopped at a slice's end */
};

/* Count (and, within budget, log) a refusal; returns -err for chaining. */
int vgt_refuse(struct vgt_instance *inst, int err, const char *what,
	       u64 arg);

/* GTT helpers, host lock held. */
void vgt_gtt_scratch_range(struct vgt_host *host, const struct vgt_range *gm);
void vgt_gtt_map_host(struct vgt_host *host, u64 gm_addr, u64 dma, u64 size);
void vgt_gtt_unmap_mem(struct vgt_instance *inst, const struct vgt_mem *m);
void vgt_gtt_scratch_inst(struct vgt_instance *inst);
void vgt_host_gtt_flush(struct vgt_host *host);
void vgt_fences_clear(struct vgt_instance *inst);

/*
 * GM slots and private GTTs (gm-slot.c), host lock held.  attach finds or
 * makes the instance's slot (0 or -VGT_E_NOSPC_*, logged) and allocates
 * its private GTT; detach scratches what it had loaded and leaves.
 * set_pte is the only writer of an instance's GTT entries: the private
 * copy always, the host GTT while the instance is resident.  A workload
 * runs only after make_resident, which first switches the resident
 * instance it evicts off every engine it owns (its engine state and
 * context images are saved while its entries are still loaded).
 */
int vgt_slot_attach(struct vgt_instance *inst, u64 mappable_size,
		    u64 nonmappable_size, u32 fence_num);
void vgt_slot_detach(struct vgt_instance *inst);
bool vgt_slot_is_resident(const struct vgt_instance *inst);
/* May the scheduler run inst now (qlock held)?  See VGT_SLOT_HOLD_RATIO. */
bool vgt_slot_may_run(const struct vgt_instance *inst, u64 now);
void vgt_slot_make_resident(struct vgt_instance *inst);
/* Private entry of GTT index (-1: not in the instance's GM ranges). */
int vgt_gtt_private_index(const struct vgt_instance *inst, u32 index);
u32 vgt_gtt_host_index(const struct vgt_instance *inst, u32 i);
u32 vgt_gtt_get_pte(const struct vgt_instance *inst, u32 index);
void vgt_gtt_set_pte(struct vgt_instance *inst, u32 index, u32 pte);
void vgt_gtt_flush_resident(struct vgt_instance *inst);
/* Its helper area (context save + shadow) in the host GTT, if resident. */
void vgt_slot_map_host_area(struct vgt_instance *inst);
void vgt_fence_set(struct vgt_instance *inst, u32 fence, u64 value);

/* Memory registry, host lock held. */
const struct vgt_mem *vgt_mem_find_gfn(struct vgt_instance *inst, u64 gfn);
const struct vgt_mem *vgt_mem_find_dma(struct vgt_instance *inst, u64 dma);
void vgt_mem_release_all(struct vgt_instance *inst);

/*
 * Dirty logging (dirty.c), host lock held.  A region's bitmap while
 * logging (alloc: 0 or -VGT_E_NOMEM); the engine's write report; GTT
 * entries of the instance (GM range gm) about to change: the pages they
 * map count as dirty once more when the GPU does not report its writes.
 */
int vgt_dirty_alloc(struct vgt_mem *m);
void vgt_dirty_free(struct vgt_mem *m);
void vgt_dirty_wrote(void *opaque, u64 addr, u32 len, bool gpa);
void vgt_dirty_gtt_unmap(struct vgt_instance *inst,
			 const struct vgt_range *gm);

/* Event queue: these take qlock themselves (never call with it held). */
void vgt_event_post_locked(struct vgt_instance *inst, u32 type, u32 unit,
			   u64 data);
/* The same with qlock held. */
void vgt_event_post_q(struct vgt_instance *inst, u32 type, u32 unit, u64 data);
void vgt_events_drop(struct vgt_instance *inst);
/*
 * qlock held.  Engine @engine's ring stops at a failure whose event is
 * posted next (VGT_STOP_UNREAD, or none when that event will be lost);
 * with an event ring, whether the client has read past that event.
 */
void vgt_event_stop_ring_q(struct vgt_instance *inst, u32 engine);
bool vgt_event_stop_read_q(struct vgt_instance *inst, u32 engine);
void vgt_irq_service_locked(struct vgt_host *host, bool from_irq);

/*
 * Host lock held; return with it held, possibly after dropping it while
 * waiting: until no workload runs (idle), or none of inst's (inst).
 */
/* host->lock held: does a workload of inst run on an engine now? */
bool vgt_inst_running(const struct vgt_instance *inst);
void vgt_exec_wait_idle(struct vgt_host *host);
void vgt_exec_wait_inst(struct vgt_instance *inst);

/* Workloads and scheduling, host lock held. */
void vgt_sched_init_instance(struct vgt_instance *inst);
void vgt_sched_drop_instance(struct vgt_instance *inst);
/* qlock held too: the next n of inst's workloads on engine leave unrun. */
void vgt_sched_cancel_q(struct vgt_instance *inst, u32 engine, u32 n);
void vgt_ctx_init(struct vgt_host *host);
void vgt_ctx_switch_out_locked(struct vgt_host *host, u32 engine);
void vgt_ctx_switch_locked(struct vgt_host *host, u32 engine,
			   struct vgt_instance *next);
/*
 * Save @engine's state (registers and, on RCS, the render context into the
 * owner's own images, through its GM view) into its owner and leave the
 * engine with none.  Call it before the owner's GTT entries change.
 */
void vgt_ctx_switch_out_locked(struct vgt_host *host, u32 engine);
int vgt_ctx_reg_index(struct vgt_host *host, u32 engine, u32 offset);
void vgt_ctx_reset_engine(struct vgt_instance *inst, u32 engine);
void vgt_shadow_detach_locked(struct vgt_instance *inst);

/*
 * Shadow PPGTT (ppgtt-shadow.c), host lock held.  free drops the shadow
 * (its PD window in the host GTT back to the guest's entries); load
 * writes the shadow PDEs into the host GTT (resident only); pde_changed:
 * a GTT write into the PD window, whose host value it returns;
 * unmap_mem: before region m goes; mem_added: after a region came.
 * in_pd_window: [gma, gma + len) meets the shadowed PD's GM (no workload
 * may reach it as GGTT memory); shadow_pte: the shadow PTE of PPGTT
 * address gma (0 without a shadow).
 */
void vgt_ppgtt_free(struct vgt_instance *inst);
void vgt_ppgtt_load(struct vgt_instance *inst);
void vgt_ppgtt_unload_for(struct vgt_instance *prev,
			  struct vgt_instance *next);
bool vgt_ppgtt_window_index(const struct vgt_instance *inst, u32 index);
u32 vgt_ppgtt_pde_changed(struct vgt_instance *inst, u32 index);
void vgt_ppgtt_unmap_mem(struct vgt_instance *inst, const struct vgt_mem *m);
void vgt_ppgtt_mem_added(struct vgt_instance *inst);
bool vgt_ppgtt_in_pd_window(const struct vgt_instance *inst, u64 gma,
			    u64 len);
bool vgt_ppgtt_active(const struct vgt_instance *inst, u32 pp_dir_base);
u32 vgt_ppgtt_shadow_pte(const struct vgt_instance *inst, u64 gma);
bool vgt_ppgtt_helper_range(const struct vgt_instance *inst, u64 gma,
			    u64 len);
void vgt_ppgtt_dirty_mapped(struct vgt_instance *inst,
			    const struct vgt_mem *m, u64 first, u64 npages,
			    u64 *bitmap);

/* audit.c: a workload on a GPU that does not enforce its view. */
int vgt_audit_workload(struct vgt_host *host, struct vgt_instance *inst,
		       u32 engine, struct vgt_gpu_exec *x);

#endif /* VGT_CORE_PRIV_H */
