/* SPDX-License-Identifier: GPL-2.0-or-later */
/* swhsw-priv.h - software Haswell state shared by its files. */
#ifndef VGT_SWHSW_PRIV_H
#define VGT_SWHSW_PRIV_H

#include "swhsw.h"
#include "../hsw/hsw-cmd.h"

#define SWHSW_CMD_MAX		HSW_CMD_MAX_BUFFERED	/* longest command loaded */
#define SWHSW_BLT_CHUNK		4096	/* blitter row chunk, bytes */
/*
 * Preemption points (swhsw-cs.c): every SWHSW_PREEMPT_CMDS commands, and
 * in a blit after each band of rows of at least SWHSW_BLT_BAND bytes
 * (~30 us of a fill, under 2 ms of the slowest ROP): no command holds the
 * engine for more than a band.
 */
#define SWHSW_PREEMPT_CMDS	256
#define SWHSW_BLT_BAND		(256u << 10)
#define SWHSW_MASKED_MAX	64	/* masked registers (HSW_REG_MASKED) */
#define SWHSW_CTX_IMG_REGS	160	/* registers of the render context */
#define SWHSW_CTX_IMG_DWORDS	(3 + 2 * SWHSW_CTX_IMG_REGS)

struct swhsw_dma {
	u64 base;
	u64 size;
	u8 *va;
	bool pt;	/* page tables the helper built (dma_map_pt) */
};

struct vgt_swhsw {
	u32 *regs;		/* HSW_MMIO_SIZE bytes */
	u32 *gtt;		/* HSW_GTT_ENTRIES entries */
	/* the HSW_REG_MASKED registers, sorted (swhsw_regs_init) */
	u32 masked[SWHSW_MASKED_MAX];
	u32 nr_masked;
	/* the render context image's registers (swhsw-cs.c) */
	u32 ctx_img_reg[SWHSW_CTX_IMG_REGS];
	u32 nr_ctx_img;
	u32 ctx_img[SWHSW_CTX_IMG_DWORDS];	/* MI_SET_CONTEXT scratch */

	/*
	 * The dma_map table: read by the engines (each for its whole
	 * workload, several at once) and GM accesses, written by map/unmap.
	 */
	vgt_rwlock_t dma_lock;
	u32 nr_dma;
	struct swhsw_dma dma[SWHSW_MAX_DMA];	/* sorted by base */

	vgt_irq_handler_t irq_fn;
	void *irq_opaque;
	u32 irq_hold;		/* engines inside engine_exec: latch, no call */
	struct vgt_swhsw_stats stats;	/* engines: vgt_atomic_inc64 */

	/*
	 * Per engine: the engines may run at the same time (swhsw.h).  A
	 * cache line of its own each: one engine's clock sharing a line
	 * with the next one's command cut three engines' throughput by
	 * half (bench-helper-engines).
	 */
	struct swhsw_engine {
		u64 timestamp;		/* its RING_TIMESTAMP, model clock */
		u32 cmd[SWHSW_CMD_MAX];		/* the command being run */
		u8 blt_src[SWHSW_BLT_CHUNK];	/* an overlapping copy */
	} VGT_CACHELINE_ALIGNED eng[HSW_NUM_ENGINES];

	/* The bare GPU (swhsw.h): bus addresses and register-driven rings. */
	const struct vgt_swhsw_dma_ops *dma_ops;
	void *dma_opaque;
	void (*ring_kick)(void *opaque);
	void *ring_opaque;
	u32 ring_kicked;	/* HSW_ENGINE_BIT: to run */
	u32 ring_hung;		/* HSW_ENGINE_BIT: wait for RING_CTL */
};

/* One workload being executed (swhsw-cs.c); lives on the stack. */
struct swhsw_run {
	struct vgt_swhsw *sw;
	struct vgt_gpu_exec *x;
	u32 engine;
	u32 base;
	bool failed;
	const struct swhsw_dma *dma_hint;	/* its last region of memory */
	struct hsw_blt_setup blt_setup;	/* for XY_TEXT_IMMEDIATE_BLT */
	/* Preemption: the engine stops; a blit may stop between bands. */
	bool preempted;
	bool blt_pending;		/* blt from row blt_row on is to do */
	u32 blt_kind;			/* HSW_CMD_XY_COLOR_BLT, _SRC_COPY_BLT */
	u32 blt_row;
	struct hsw_blt blt;
};

/*
 * swhsw-mem.c: device address -> host pointer (dma_lock held): the
 * embedder's map when set (swhsw.h), else the dma_map table.
 */
u8 *swhsw_dma_lookup_locked(struct vgt_swhsw *sw, u64 dma_addr, u64 len,
			    bool write);
/*
 * The same for the engines: only page-table pages (pt) or only other
 * memory (!pt); the bare GPU's bus addresses are both.
 */
u8 *swhsw_dma_lookup_kind_locked(struct vgt_swhsw *sw, u64 dma_addr,
				 u64 len, bool write, bool pt);
u8 *swhsw_dma_lookup_hinted_locked(struct vgt_swhsw *sw, u64 dma_addr,
				   u64 len, bool write, bool pt,
				   const struct swhsw_dma **hint);
/* The end of an engine run or GM access: the embedder may unmap. */
void swhsw_dma_release_locked(struct vgt_swhsw *sw);
/* Hold the table for an engine run or GM access (swhsw-mem.c). */
bool swhsw_mem_hold(struct vgt_swhsw *sw);
void swhsw_mem_unhold(struct vgt_swhsw *sw, bool excl);
/*
 * swhsw-ppgtt.c: the engines' memory path (dma_lock held).
 * Host pointer of [gma, gma + len), len within one page, to read or
 * (write) to write; NULL = fault.
 */
u8 *swhsw_xlate(struct swhsw_run *r, bool ppgtt, u64 gma, u32 len,
		bool write);
int swhsw_mem_read(struct swhsw_run *r, bool ppgtt, u64 gma, void *buf,
		   u32 len);
int swhsw_mem_write(struct swhsw_run *r, bool ppgtt, u64 gma,
		    const void *buf, u32 len);
void swhsw_fault(struct swhsw_run *r, u64 gma);
/*
 * swhsw-blt.c: 2D commands (client 2); returns 0 or -1 (a fault).  A
 * rectangle blit may stop between row bands (r->preempted, the rest in
 * r->blt_pending); swhsw_blt_resume goes on with it.
 */
int swhsw_blt_exec(struct swhsw_run *r, const struct hsw_cmd *cmd,
		   const u32 *c, const struct hsw_cs_stream *st);
int swhsw_blt_resume(struct swhsw_run *r);
/* swhsw-cs.c: does the scheduler want the engine back now? */
bool swhsw_preempt_due(struct swhsw_run *r);
/* swhsw-cs.c */
void swhsw_ctx_img_init(struct vgt_swhsw *sw);
void swhsw_engine_exec(void *opaque, u32 engine, struct vgt_gpu_exec *x);

void swhsw_regs_init(struct vgt_swhsw *sw);
void swhsw_regs_reset(struct vgt_swhsw *sw);
/* A masked register (HSW_REG_MASKED row): its write honours bits 31:16. */
bool swhsw_reg_masked(struct vgt_swhsw *sw, u32 offset);
void swhsw_masked_store(struct vgt_swhsw *sw, u32 offset, u32 value);
bool swhsw_irq_pending(struct vgt_swhsw *sw);
/* swhsw-cs.c: the ring registers of the bare GPU (ring_kick set). */
bool swhsw_ring_write(struct vgt_swhsw *sw, u32 offset, u32 value);
bool swhsw_ring_read(struct vgt_swhsw *sw, u32 offset, u32 *value);
u32 swhsw_read32(void *opaque, u32 offset);
void swhsw_write32(void *opaque, u32 offset, u32 value);
int swhsw_dma_map(void *opaque, void *va, u64 size, u64 *dma_addr);
int swhsw_dma_map_pt(void *opaque, void *va, u64 size, u64 *dma_addr);
u64 swhsw_pt_addr(void *opaque, u64 dma_addr);
void swhsw_dma_unmap(void *opaque, u64 dma_addr, u64 size);
u32 swhsw_gtt_read(void *opaque, u32 index);
void swhsw_gtt_write(void *opaque, u32 index, u32 pte);
void swhsw_gtt_write_range(void *opaque, u32 index, const u32 *pte, u32 n);

#endif /* VGT_SWHSW_PRIV_H */
