/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * swhsw.h - the software Haswell: a register-level model of the GPU the
 * helper drives when no real Haswell is present.
 *
 * The helper reaches it only through struct vgt_gpu_ops (vgt-gpu.h), the
 * same accessors a real GPU gets.  The engine side (command streamers, the
 * command-submission issue) uses the GM access path and the interrupt
 * inputs declared here.
 */
#ifndef VGT_SWHSW_H
#define VGT_SWHSW_H

#include "../core/vgt-gpu.h"

struct vgt_swhsw;

struct vgt_swhsw *vgt_swhsw_create(void);
void vgt_swhsw_destroy(struct vgt_swhsw *sw);
/* Power-on state: reset values, every GTT entry 0 (not valid). */
void vgt_swhsw_reset(struct vgt_swhsw *sw);
/* The accessors and geometry the helper core binds to. */
void vgt_swhsw_get_gpu(struct vgt_swhsw *sw, struct vgt_gpu *gpu);

/*
 * The memory path of the engines: GM address -> GTT -> host page.
 * Every page must be under a valid PTE whose address lies in memory the
 * helper mapped with dma_map; returns 0, -VGT_E_GM_RANGE (beyond GM) or
 * -VGT_E_GM_UNMAPPED (invalid PTE or address outside mapped memory).
 */
int vgt_swhsw_gm_read(struct vgt_swhsw *sw, u64 gm_addr, void *buf, u32 len);
int vgt_swhsw_gm_write(struct vgt_swhsw *sw, u64 gm_addr, const void *buf,
		       u32 len);
/* Device address -> host pointer for len bytes, or NULL (bounds checked). */
void *vgt_swhsw_dma_to_host(struct vgt_swhsw *sw, u64 dma_addr, u64 len);

/* Interrupt inputs (engines, display): latch into IIR, then evaluate. */
void vgt_swhsw_raise_gt(struct vgt_swhsw *sw, u32 bits);
void vgt_swhsw_raise_pm(struct vgt_swhsw *sw, u32 bits);
void vgt_swhsw_raise_de(struct vgt_swhsw *sw, u32 bits);

/* Model counters: accesses outside the register file or GTT, dma maps. */
struct vgt_swhsw_stats {
	u64 bad_mmio;
	u64 bad_gtt;
	u64 irqs_delivered;
	u32 dma_regions;
	u64 lri_dropped;	/* LRI/LRM to registers outside the allow-list */
	u64 engine_faults;	/* workloads stopped by a fault */
};
void vgt_swhsw_get_stats(struct vgt_swhsw *sw, struct vgt_swhsw_stats *st);

/*
 * The bare GPU: the software Haswell as a whole device of its own (QEMU's
 * -device vgt-hsw, which a kernel helper binds like a real Haswell).
 * Neither hook is set by the helper's own use (embedded, vgt-hostd).
 *
 * 1. Device addresses are bus addresses the embedder resolves: map
 *    replaces the dma_map table for every access of the engines and of
 *    gm_read/gm_write (GGTT PTEs, PDEs and the PPGTT's PTEs, which
 *    are then any page, as on hardware).  It returns a host pointer for
 *    [addr, addr + len), within one 4 KiB page, to read or (write) to
 *    write, or NULL: the access faults.  The software Haswell uses a
 *    pointer only until its next call of map or release, and calls
 *    release at the end of every engine run and GM access: everything
 *    map handed out may then be unmapped.
 */
struct vgt_swhsw_dma_ops {
	void *(*map)(void *opaque, u64 addr, u32 len, bool write);
	void (*release)(void *opaque);
};
void vgt_swhsw_set_dma_ops(struct vgt_swhsw *sw,
			   const struct vgt_swhsw_dma_ops *ops, void *opaque);

/*
 * 2. The rings run from their registers, as on hardware (legacy ring
 *    buffers): writing RING_TAIL while RING_CTL has RING_VALID, writing
 *    RING_CTL with RING_VALID while HEAD != TAIL, or clearing MI_MODE's
 *    STOP_RING with work queued marks the engine kicked and calls kick()
 *    (from inside the register write: the embedder runs the engine
 *    later, with vgt_swhsw_ring_run).  MI_MODE is a masked register and
 *    its MODE_IDLE reads 1 when the engine has nothing to do.
 *    A ring that hung (the budget ran out) waits for its RING_CTL to be
 *    written again.  GEN6_GDRST resets the rings of the domains written
 *    (ring registers 0, not kicked, not hung) and reads back 0 at once.
 *    kick NULL: the register file is plain storage again.
 */
void vgt_swhsw_set_ring_kick(struct vgt_swhsw *sw, void (*kick)(void *opaque),
			     void *opaque);
/* The engines kicked and not yet run (HSW_ENGINE_BIT mask). */
u32 vgt_swhsw_rings_kicked(struct vgt_swhsw *sw);
/*
 * Run @engine's ring from RING_START + HEAD up to RING_START + TAIL (in
 * two pieces when it wraps) through the GGTT with all of GM visible.  In:
 * x->max_cmds, x->max_bytes (the budget of the whole run), optional trace
 * (gpa_to_host is not used); the rest of x is set here.  Out: x->status, cmds,
 * bytes, user_irqs, fault_cmd, fault_addr.  Done: HEAD = TAIL.  Fault:
 * RING_FAULT_REG = fault page | valid, HEAD = TAIL.  Hang: HEAD stays at
 * the start of the piece that ran out.  Interrupts are latched in IIR;
 * the embedder evaluates vgt_swhsw_irq_pending afterwards.  An engine
 * that was not kicked does nothing (status DONE, cmds 0).
 */
void vgt_swhsw_ring_run(struct vgt_swhsw *sw, u32 engine,
			struct vgt_gpu_exec *x);
/* The interrupt line: DEIER master on and an enabled IIR bit set. */
bool vgt_swhsw_irq_pending(struct vgt_swhsw *sw);

/*
 * Regions dma_map can hold at once (64 instances, each its own pages,
 * shadow area and RAM sections): vgt-hostd divides them among clients.
 */
#define SWHSW_MAX_DMA		4096

/* Device addresses start above 4 GiB so PTE bits 38:32 are exercised. */
#define SWHSW_DMA_BASE		(1ull << 32)

#endif /* VGT_SWHSW_H */
