/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vgt-core.h - the helper core as its transports call it.
 *
 * One struct vgt_host per GPU; one struct vgt_instance per VM.  Every
 * entry point takes the host lock, validates all of its arguments (the
 * caller - QEMU, vgt-hostd's clients, an ioctl - is not trusted) and
 * returns 0 or a negated VGT_E_* code (hw/vgt-helper-abi.h).
 */
#ifndef VGT_CORE_H
#define VGT_CORE_H

#include "vgt-compat.h"
#include "vgt-gpu.h"
#include "hw/vgt-helper-abi.h"

struct vgt_host;
struct vgt_instance;

/*
 * A short English name of a (positive or negative) VGT_E_* code.  Both
 * the core's and the clients' header declare it: the embedded client
 * includes the two (-Wredundant-decls).
 */
#ifndef VGT_STRERROR_DECLARED
#define VGT_STRERROR_DECLARED
const char *vgt_strerror(int err);
#endif

/*
 * Host layout: the helper keeps the first VGT_HOST_SHARE_SIZE bytes of the
 * aperture for itself (as XenGT did): slot 0 for its own use, one
 * VGT_HOST_SLOT_SIZE slot per GM slot (gm-slot.c).  A GM slot is one set
 * of host ranges (helper slot, mappable, non-mappable GM, fences);
 * instances that share it take turns having their GTT entries loaded, so
 * the number of instances is bounded by VGT_MAX_INSTANCES and memory, not
 * by GM.  Within a helper slot, the resident instance's:
 *   [0, 1 MiB)      helper-owned pages: the audit's copies of the shadow
 *                   area (audit.c), at the same offsets
 *   [1 MiB, 2 MiB)  its shadow area (VGT_SHADOW_SIZE, transport memory)
 *   [2 MiB, +256K)  helper-owned pages: its render context save area and
 *                   the commands the helper runs for it (ctx-switch.c)
 * and scratch above.  A VM's workloads reach the first two only.
 */
#define VGT_HOST_SHARE_SIZE	VGT_MIB(32)
#define VGT_HOST_SLOT_SIZE	VGT_MIB(4)
#define VGT_HOST_SLOT_BACKED	VGT_MIB(1)	/* the audit's copies */
#define VGT_HOST_CTX_OFF	(VGT_HOST_SLOT_BACKED + VGT_SHADOW_SIZE)
#define VGT_HOST_CTX_SIZE	(256u << 10)
/* The helper-owned pages of an instance: the copies, then the context. */
#define VGT_HOST_MEM_SIZE	(VGT_HOST_SLOT_BACKED + VGT_HOST_CTX_SIZE)
#define VGT_MAX_SLOTS		\
	((u32)(VGT_HOST_SHARE_SIZE / VGT_HOST_SLOT_SIZE) - 1)
#define VGT_MAX_INSTANCES	64u
#define VGT_EVENT_QUEUE_LEN	256

struct vgt_host *vgt_host_create(const struct vgt_gpu *gpu, int *err);
void vgt_host_destroy(struct vgt_host *host);
/* Counters of the whole helper (all instances, including destroyed ones). */
u64 vgt_host_refused_total(struct vgt_host *host);
u64 vgt_host_spurious_irqs(struct vgt_host *host);
u32 vgt_host_nr_instances(struct vgt_host *host);
/* GM slots in use (gm-slot.c): instances share them beyond this count. */
u32 vgt_host_nr_slots(struct vgt_host *host);
/* Which instance owns an engine's interrupts (scheduler; 0 = none). */
int vgt_host_set_engine_owner(struct vgt_host *host, u32 engine, u32 vgt_id);
/* The helper-owned scratch page's device address (tests, teardown). */
u64 vgt_host_scratch_dma(struct vgt_host *host);

int vgt_inst_create(struct vgt_host *host,
		    const struct vgt_create_req *req,
		    struct vgt_instance **out);
void vgt_inst_destroy(struct vgt_instance *inst);
int vgt_inst_reset(struct vgt_instance *inst);
void vgt_inst_get_info(struct vgt_instance *inst,
		       struct vgt_instance_info *info);
void vgt_inst_get_stats(struct vgt_instance *inst, struct vgt_stats *st);

/* Guest memory: va is where [gpa, gpa + size) lives in this address space. */
int vgt_inst_mem_register(struct vgt_instance *inst, u64 gpa, u64 size,
			  void *va);
int vgt_inst_mem_unregister(struct vgt_instance *inst, u64 gpa);
/* Translate a guest frame to a device address; only in registered memory. */
int vgt_inst_gfn_to_dma(struct vgt_instance *inst, u64 gfn, u64 *dma_addr);

int vgt_inst_gtt_write(struct vgt_instance *inst, const struct vgt_gtt_entry *e,
		       u32 n, u32 *bad);
int vgt_inst_gtt_read(struct vgt_instance *inst, u32 index,
		      struct vgt_gtt_entry *out);
int vgt_inst_fence_write(struct vgt_instance *inst, u32 fence, u64 value);
int vgt_inst_gm_read(struct vgt_instance *inst, u64 gm_addr, void *buf,
		     u32 len);

/*
 * Events: notify(opaque) runs (with the host lock held: it must not call
 * back into the core) whenever an event is queued; the transport then
 * signals its eventfd or message.
 */
void vgt_inst_set_notify(struct vgt_instance *inst,
			 void (*notify)(void *opaque), void *opaque);
int vgt_inst_events_read(struct vgt_instance *inst, struct vgt_event *ev,
			 u32 max);
u32 vgt_inst_events_pending(struct vgt_instance *inst);
/*
 * From now on @inst's events go to @ring (hw/vgt-helper-abi.h), which
 * the caller keeps mapped until the instance is destroyed;
 * vgt_inst_events_read then answers -VGT_E_BUSY.  Only before the first
 * event (-VGT_E_BUSY after), once (-VGT_E_EXISTS).
 */
int vgt_inst_event_ring_attach(struct vgt_instance *inst,
			       struct vgt_event_ring *ring);
/* Queue an event for a VM (the IRQ path and, later, vblank timers). */
void vgt_inst_post_event(struct vgt_instance *inst, u32 type, u32 unit,
			 u64 data);

/*
 * Command submission (workload.c, sched.c, ctx-switch.c).
 *
 * shadow_attach: back the instance's shadow area (the upper half of its
 * helper slot, VGT_SHADOW_SIZE bytes, page aligned) with transport memory
 * (embedded: heap; vgt-hostd: a memfd the client maps); once per instance;
 * the memory must outlive the instance.  *gm_addr gets its GM address.
 */
int vgt_inst_shadow_attach(struct vgt_instance *inst, void *va, u64 *gm_addr);
int vgt_inst_submit(struct vgt_instance *inst,
		    const struct vgt_workload *wl);
/*
 * A submit whose caller does not wait for the answer (vgt-hostd's posted
 * SUBMIT, ABI 6): a workload the core refuses (counted and logged as
 * vgt_inst_submit's refusals are) is queued all the same, as its id only,
 * and when its turn comes it ends without running with VGT_EVENT_REFUSED
 * and COMPLETE, stopping the ring as a FAULT does.  Returns 0, or the
 * error when not even that can be queued (-VGT_E_ENGINE, -VGT_E_QUEUE_FULL).
 */
int vgt_inst_submit_posted(struct vgt_instance *inst,
			   const struct vgt_workload *wl);
int vgt_inst_set_weight(struct vgt_instance *inst, u32 weight);
/* Which events wake the client (hw/vgt-helper-abi.h, notify_policy). */
int vgt_inst_notify_policy(struct vgt_instance *inst,
			   const struct vgt_notify_policy *policy);
void vgt_inst_get_sched_stats(struct vgt_instance *inst,
			      struct vgt_sched_stats *st);

/*
 * Migration (ctx-switch.c, dirty.c): hw/vgt-helper-abi.h says what each
 * does and refuses.
 */
int vgt_inst_engine_regs_get(struct vgt_instance *inst, u32 engine,
			     struct vgt_engine_regs *st);
int vgt_inst_engine_regs_set(struct vgt_instance *inst,
			     const struct vgt_engine_regs *st);
int vgt_inst_dirty_log(struct vgt_instance *inst, bool enable);
int vgt_inst_dirty_read(struct vgt_instance *inst, u64 gpa, u64 npages,
			u64 *bitmap);

/*
 * Shadow PPGTT (ppgtt-shadow.c; hw/vgt-helper-abi.h "ppgtt_sync"): the
 * page directory at GM pd_gm (or VGT_PPGTT_NO_PD), every shadow page
 * table re-validated against the guest's; returns the shadow PTEs
 * rewritten or -VGT_E_*.
 */
int vgt_inst_ppgtt_sync(struct vgt_instance *inst, u64 pd_gm);

/*
 * The scheduler runs in threads outside the core (user/vgt-sched-thread.c
 * in userspace, a kthread on the kernel side): one thread calls
 * vgt_host_sched_run until it returns false (nothing queued on any
 * engine), then sleeps until kick(opaque, engine) is called (with the
 * core's queue lock held: only wake the thread there).  Each call runs at
 * most one workload per engine, so clients get the lock in between.
 * Where vgt_host_engines_parallel says so, one thread per engine may call
 * vgt_host_sched_run_engine instead (true while that engine has work
 * queued), each woken by the kicks of its engine: the engines then run
 * at the same time.  Once vgt_host_set_kick returns, the previous kick is
 * never called again.
 */
void vgt_host_set_kick(struct vgt_host *host,
		       void (*kick)(void *opaque, u32 engine), void *opaque);
bool vgt_host_sched_run(struct vgt_host *host);
bool vgt_host_sched_run_engine(struct vgt_host *host, u32 engine);
bool vgt_host_engines_parallel(const struct vgt_host *host);
/*
 * Whether a client waits for the core's lock now: a scheduler thread
 * gives its CPU away between two calls only then (the lock is free while
 * a workload runs, so waiters are not starved otherwise).
 */
bool vgt_host_lock_contended(struct vgt_host *host);
/*
 * The time slice (ns, 10 us .. 1 s; default VGT_SCHED_SLICE_NS in the
 * core's private header): longer slices keep caches warm, shorter ones
 * bound how long a VM waits for an engine (docs/scale.md).
 */
int vgt_host_set_slice_ns(struct vgt_host *host, u64 ns);

struct vgt_host_sched_stats {
	u64 workloads;
	u64 switches;		/* real context switches */
	u64 switches_skipped;	/* same instance kept the engine */
	u64 switch_ns;		/* total cost of the real ones */
	u64 exec_ns;
	u64 events_woke;	/* events that woke their client */
	u64 events_held;	/* events queued without a wake (notify_policy) */
	u64 cancelled;		/* queued behind a fault or hang, never run */
};
void vgt_host_get_sched_stats(struct vgt_host *host,
			      struct vgt_host_sched_stats *st);

#endif /* VGT_CORE_H */
