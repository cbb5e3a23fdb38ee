/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vgt-gpu.h - how the helper core reaches a GPU.
 *
 * Only register-level accessors cross this line, so the core cannot tell
 * the software Haswell from a real one: on hardware read32/write32 are
 * ioread32/iowrite32 on BAR0, gtt_write is an iowrite32 into the GSM half
 * of BAR0, dma_map pins and maps host memory for the device, and the IRQ
 * handler is called from the interrupt thread.
 */
#ifndef VGT_GPU_H
#define VGT_GPU_H

#include "vgt-compat.h"
#include "../hsw/hsw-cmd.h"

typedef void (*vgt_irq_handler_t)(void *opaque);

/*
 * One workload on one engine (engine_exec).  On a real Haswell the helper
 * would point its reserved ring at [start, start + len) and wait for the
 * interrupt; the software Haswell executes it synchronously.  The GPU may
 * touch only the GGTT ranges listed here and, through the gen7 PPGTT,
 * what the helper's shadow page tables map (core/ppgtt-shadow.c: only the
 * instance's registered memory): XenGT's per-VM GTT view and shadow
 * PPGTT.  gpa_to_host is no longer used by the PPGTT walk.
 */
#define VGT_EXEC_MAX_RANGES	4
enum vgt_exec_status {
	VGT_EXEC_DONE = 0,
	VGT_EXEC_FAULT = 1,	/* memory outside the view, bad command */
	VGT_EXEC_HANG = 2,	/* budget exhausted */
	VGT_EXEC_PREEMPTED = 3,	/* stopped at a boundary: resume it later */
};

/*
 * What a GPU needs to go on with a preempted workload: its own format,
 * opaque to the core, which keeps it with the workload.  Only positions
 * in graphics memory and decoded command state, never a host pointer or
 * a device address: between two pieces the instance may lose its GM
 * slot and get it back, or its memory may be unregistered.
 */
#define VGT_EXEC_RESUME_WORDS	64
struct vgt_exec_resume {
	u64 w[VGT_EXEC_RESUME_WORDS];
};

struct vgt_gpu_exec {
	/* in */
	u64 start;
	u32 len;
	u32 nr_ranges;
	struct { u64 base, size; } range[VGT_EXEC_MAX_RANGES];
	/* guest-physical page -> host pointer of that 4 KiB page, or NULL */
	void *(*gpa_to_host)(void *opaque, u64 gpa);
	void *opaque;
	u64 scratch_dma;	/* the helper's scratch page: never touched */
	/*
	 * The shadow area (GGTT): a batch starting there is fetched from
	 * the GGTT even with the PPGTT bit set, which then only selects the
	 * address space of its commands' memory operands (the device model
	 * copies PPGTT batches there and keeps the bit).
	 */
	u64 shadow_base;
	u64 shadow_size;
	/*
	 * Optional: each command the engine decoded, before it executes it
	 * (for tracing, and for tests that compare it with the scanner).
	 */
	void (*trace)(void *opaque, const struct hsw_cmd_trace *t);
	void *trace_opaque;
	/*
	 * Optional, on a GPU with writes_reported: each range the engine
	 * is about to write (within one page), with opaque as gpa_to_host
	 * gets it: a device address, or with gpa true a guest-physical
	 * address it reached through gpa_to_host (dirty logging).
	 */
	void (*wrote)(void *opaque, u64 addr, u32 len, bool gpa);
	u64 max_cmds;		/* commands, batches included */
	u64 max_bytes;		/* bytes moved by the blitter */
	/*
	 * Optional preemption.  With preempt and resume set, the engine asks
	 * preempt(preempt_opaque) at command boundaries (every few hundred
	 * commands) and between the row bands of a blit, never before it
	 * made progress; true stops it there with VGT_EXEC_PREEMPTED and
	 * its position in *resume.  The caller runs it on later with
	 * resuming set, the same start, len and *resume, and the instance's
	 * engine registers and GTT as they were at the stop (a context
	 * switch and a GM slot swap in between restore them).  cmds and
	 * bytes, and the budgets, count the whole workload.  A GPU that
	 * cannot stop a workload (a real Haswell) ignores all of it and
	 * never returns VGT_EXEC_PREEMPTED.
	 */
	bool (*preempt)(void *opaque);
	void *preempt_opaque;
	struct vgt_exec_resume *resume;
	bool resuming;
	/* out */
	u32 status;		/* VGT_EXEC_* */
	u32 fault_cmd;		/* DW0 of the command that failed */
	u64 fault_addr;		/* GM address that failed (fault) */
	u64 cmds;
	u64 bytes;
	u32 user_irqs;
};

struct vgt_gpu_ops {
	/* MMIO registers: offset < mmio_size, 4-byte aligned. */
	u32 (*read32)(void *gpu, u32 offset);
	void (*write32)(void *gpu, u32 offset, u32 value);
	/* GGTT entries: index < gtt_entries, value in Haswell PTE format. */
	u32 (*gtt_read)(void *gpu, u32 index);
	void (*gtt_write)(void *gpu, u32 index, u32 pte);
	/*
	 * Optional: entries [index, index + n) at once (a GM slot's swap
	 * writes hundreds of thousands); NULL: gtt_write one by one.
	 */
	void (*gtt_write_range)(void *gpu, u32 index, const u32 *pte, u32 n);
	/*
	 * Make size bytes of host memory at va reachable by the GPU: returns
	 * the device-visible base address of a contiguous range (an IOVA on
	 * an IOMMU, a model address on the software Haswell).  va and size
	 * are page aligned.
	 */
	int (*dma_map)(void *gpu, void *va, u64 size, u64 *dma_addr);
	void (*dma_unmap)(void *gpu, u64 dma_addr, u64 size);
	/*
	 * Shadow PPGTT (core/ppgtt-shadow.c).  pt_addr: the address a page
	 * table in memory must hold for device address dma (what the
	 * GPU's PPGTT walk reads, without gtt_write's translation).  Only
	 * a GPU that has it gets shadow page tables; without it the core
	 * builds none and refuses PPGTT work.  dma_map_pt (optional, NULL:
	 * dma_map): map helper pages that hold page tables; a GPU that
	 * enforces views walks the PPGTT only through such pages and lets
	 * no GGTT access reach them (so no workload writes its shadow).
	 */
	u64 (*pt_addr)(void *gpu, u64 dma);
	int (*dma_map_pt)(void *gpu, void *va, u64 size, u64 *dma_addr);
	/* Route the GPU's interrupt line; NULL handler detaches. */
	void (*set_irq_handler)(void *gpu, vgt_irq_handler_t fn,
				void *opaque);
	/*
	 * Execute a workload on an engine (registers as last written).
	 * Interrupts it raises are latched in IIR but the handler is not
	 * called from inside: the caller services IIR afterwards.
	 */
	void (*engine_exec)(void *gpu, u32 engine, struct vgt_gpu_exec *x);
};

/* A GPU as the core sees it: accessors plus its fixed geometry. */
struct vgt_gpu {
	const struct vgt_gpu_ops *ops;
	void *priv;
	u32 mmio_size;		/* 2 MiB on Haswell */
	u32 gtt_entries;	/* 512 Ki on Haswell */
	u64 aperture_size;	/* mappable GM, 512 MiB max on Haswell */
	u64 gm_size;		/* gtt_entries * 4 KiB = 2 GiB */
	u32 fence_count;	/* 32 */
	u64 dma_limit;		/* highest device address + 1 a PTE can hold */
	/*
	 * true: engine_exec itself keeps a workload inside its view (the
	 * software Haswell).  false: a real GPU (or the bare software
	 * Haswell behind vgt.ko) reaches all of GM, so the core audits every
	 * workload before it runs (audit.c).
	 */
	bool view_enforced;
	/*
	 * true: engine_exec reports every memory write through x->wrote
	 * (the software Haswell).  false: the core cannot see what the GPU
	 * writes, and dirty logging counts every page the GTT maps instead.
	 */
	bool writes_reported;
	/*
	 * true: engine_exec may run on several engines at once, one
	 * workload per engine, from different threads (the software
	 * Haswell: vgt_host_engines_parallel, user/vgt-sched-thread.c).
	 */
	bool engines_parallel;
};

#endif /* VGT_GPU_H */
