/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hsw-regs.h - the Haswell registers and encodings the helper touches
 * (offsets as in Linux i915_reg.h; the software Haswell models these).
 */
#ifndef VGT_HSW_REGS_H
#define VGT_HSW_REGS_H

#include "vgt-compat.h"

#define HSW_MMIO_SIZE		0x200000u
#define HSW_GTT_ENTRIES		(512u * 1024)
#define HSW_GM_SIZE		(2ull << 30)
#define HSW_APERTURE_SIZE	(512ull << 20)
#define HSW_FENCE_COUNT		32u

/* Haswell GGTT PTE: address bits 31:12 in place, bits 38:32 in PTE 10:4. */
#define HSW_PTE_VALID		0x1u
#define HSW_PTE_CACHE_MASK	0x80eu	/* bits 3:1 and 11 */
#define HSW_PTE_ADDR_LO_MASK	0xfffff000u
#define HSW_PTE_ADDR_HI_MASK	0x7f0u
#define HSW_PTE_DMA_LIMIT	(1ull << 39)

static inline u32 hsw_pte_encode(u64 addr, u32 flags)
{
	return (u32)(addr & HSW_PTE_ADDR_LO_MASK) |
	       ((u32)(addr >> 28) & HSW_PTE_ADDR_HI_MASK) |
	       (flags & (HSW_PTE_VALID | HSW_PTE_CACHE_MASK));
}

static inline u64 hsw_pte_decode(u32 pte)
{
	return (u64)(pte & HSW_PTE_ADDR_LO_MASK) |
	       ((u64)(pte & HSW_PTE_ADDR_HI_MASK) << 28);
}

/* Interrupts (ILK-style on Haswell): display and GT blocks. */
#define DEISR			0x44000u
#define DEIMR			0x44004u
#define DEIIR			0x44008u
#define DEIER			0x4400cu
#define  DE_MASTER_IRQ_CONTROL	(1u << 31)
#define GTISR			0x44010u
#define GTIMR			0x44014u
#define GTIIR			0x44018u
#define GTIER			0x4401cu
#define  GT_RENDER_USER_INTERRUPT	(1u << 0)
#define  GT_BSD_USER_INTERRUPT		(1u << 12)
#define  GT_BLT_USER_INTERRUPT		(1u << 22)
#define  GT_RENDER_L3_PARITY_ERROR	(1u << 5)	/* never raised */
/* VECS user interrupts arrive through the PM block on Haswell. */
#define GEN6_PMISR		0x44020u
#define GEN6_PMIMR		0x44024u
#define GEN6_PMIIR		0x44028u
#define GEN6_PMIER		0x4402cu
#define  PM_VEBOX_USER_INTERRUPT	(1u << 10)

/* Fences: 32 x 64 bit at 0x100000 (lower dword, then upper dword). */
#define FENCE_REG_GEN6_LO(i)	(0x100000u + (i) * 8)
#define FENCE_REG_GEN6_HI(i)	(0x100004u + (i) * 8)
#define  FENCE_VALID		(1ull << 0)
#define  FENCE_ADDR_MASK	0xfffff000ull

/* Writing any value flushes the GTT write-combining buffers. */
#define GFX_FLSH_CNTL_GEN6	0x101008u

/* Engine ring bases and the registers the helper will program. */
#define RENDER_RING_BASE	0x02000u
#define BSD_RING_BASE		0x12000u
#define BLT_RING_BASE		0x22000u
#define VEBOX_RING_BASE		0x1a000u
#define RING_TAIL(base)		((base) + 0x30)
#define RING_HEAD(base)		((base) + 0x34)
#define RING_START(base)	((base) + 0x38)
#define RING_CTL(base)		((base) + 0x3c)
#define RING_MI_MODE(base)	((base) + 0x9c)
#define  MODE_IDLE		(1u << 9)
#define RING_IMR(base)		((base) + 0xa8)

#define RING_PSMI_CTL(base)	((base) + 0x50)
#define RING_HWSTAM(base)	((base) + 0x98)
#define RING_INSTPM(base)	((base) + 0xc0)
#define RING_PP_DIR_DCLV(base)	((base) + 0x220)
#define RING_PP_DIR_BASE(base)	((base) + 0x228)
#define RING_MODE_GEN7(base)	((base) + 0x29c)
#define CCID			0x2180u		/* RCS current context */
#define  CCID_EN		(1u << 0)
#define CACHE_MODE_0_GEN7	0x7000u
#define CACHE_MODE_1		0x7004u
#define GEN7_GT_MODE		0x7008u
#define HWS_PGA_RCS		0x4080u
#define HWS_PGA_VCS		0x4180u
#define HWS_PGA_BCS		0x4280u
#define HWS_PGA_VECS		0x4380u

/* HSW render context image: 17 pages (i915 HSW_CXT_TOTAL_SIZE). */
#define HSW_CXT_SIZE		(17u * 4096)

static inline u32 hsw_engine_base(u32 engine)
{
	static const u32 base[4] = { RENDER_RING_BASE, BSD_RING_BASE,
				     BLT_RING_BASE, VEBOX_RING_BASE };
	return base[engine & 3];
}

static inline u32 hsw_engine_hws_pga(u32 engine)
{
	static const u32 pga[4] = { HWS_PGA_RCS, HWS_PGA_VCS, HWS_PGA_BCS,
				    HWS_PGA_VECS };
	return pga[engine & 3];
}

/*
 * The per-engine register state the helper shadows for each instance: saved
 * and restored on a context switch, accepted in a workload's flush list
 * (HSW_REG_FLUSH) and writable by MI_LOAD_REGISTER_IMM/MEM from a command
 * stream (HSW_REG_LRI).  Everything else is off limits to an instance.
 */
#define HSW_REG_FLUSH		1u
#define HSW_REG_LRI		2u
#define HSW_CTX_REGS_MAX	16u

/* Fills regs/flags for an engine; returns how many. */
static inline u32 hsw_engine_ctx_regs(u32 engine, u32 *regs, u32 *flags)
{
	u32 b = hsw_engine_base(engine), n = 0;
#define HSW_CTX_REG(o, f) do { regs[n] = (o); flags[n] = (f); n++; } while (0)
	HSW_CTX_REG(hsw_engine_hws_pga(engine), HSW_REG_FLUSH);
	HSW_CTX_REG(RING_HWSTAM(b), HSW_REG_FLUSH);
	HSW_CTX_REG(RING_MI_MODE(b), HSW_REG_FLUSH);
	HSW_CTX_REG(RING_INSTPM(b), HSW_REG_FLUSH | HSW_REG_LRI);
	HSW_CTX_REG(RING_PSMI_CTL(b), HSW_REG_FLUSH | HSW_REG_LRI);
	HSW_CTX_REG(RING_PP_DIR_DCLV(b), HSW_REG_FLUSH | HSW_REG_LRI);
	HSW_CTX_REG(RING_PP_DIR_BASE(b), HSW_REG_FLUSH | HSW_REG_LRI);
	HSW_CTX_REG(RING_MODE_GEN7(b), HSW_REG_FLUSH | HSW_REG_LRI);
	if (engine == 0) {
		HSW_CTX_REG(CCID, 0);
		HSW_CTX_REG(CACHE_MODE_0_GEN7, HSW_REG_FLUSH | HSW_REG_LRI);
		HSW_CTX_REG(CACHE_MODE_1, HSW_REG_FLUSH | HSW_REG_LRI);
		HSW_CTX_REG(GEN7_GT_MODE, HSW_REG_FLUSH | HSW_REG_LRI);
	}
#undef HSW_CTX_REG
	return n;
}

/* Is offset one of engine's shadowed registers with all of want flags? */
static inline bool hsw_engine_reg_allowed(u32 engine, u32 offset, u32 want)
{
	u32 regs[HSW_CTX_REGS_MAX], flags[HSW_CTX_REGS_MAX], n, i;

	n = hsw_engine_ctx_regs(engine, regs, flags);
	for (i = 0; i < n; i++)
		if (regs[i] == offset)
			return (flags[i] & want) == want;
	return false;
}

#define FORCEWAKE_MT		0xa188u
#define FORCEWAKE_ACK_HSW	0x130044u
#define GEN6_GT_THREAD_STATUS	0x13805cu

#endif /* VGT_HSW_REGS_H */
