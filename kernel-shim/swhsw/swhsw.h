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

/* Device addresses start above 4 GiB so PTE bits 38:32 are exercised. */
#define SWHSW_DMA_BASE		(1ull << 32)

#endif /* VGT_SWHSW_H */
