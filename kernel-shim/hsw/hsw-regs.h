/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hsw-regs.h - Haswell (gen 7.5) hardware facts shared by the QEMU device,
 * the helper, the software Haswell and kernel code: geometry, the GGTT PTE,
 * interrupt banks, fences, the engines and their ring registers, the GT
 * core registers, and the registers a command stream may load or store.
 * Offsets and names as in Linux i915 (i915_reg.h, gt/intel_engine_regs.h,
 * gt/intel_gt_regs.h, intel_mchbar_regs.h), so both can be grepped.
 * Each fact is written here once; nothing else may define it again.
 */
#ifndef HSW_REGS_H
#define HSW_REGS_H

#include "hsw-types.h"

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

/*
 * The gen7 PPGTT: 2 GiB, 512 page directory entries of 4 MiB, each a page
 * table of 1024 PTEs (Haswell PTE encoding).  The directory lives in the
 * GGTT's own entry array: PP_DIR_BASE bits 31:16 are its byte offset in
 * the GTT / 64, so its first entry is GGTT entry (PP_DIR_BASE >> 16) * 16.
 */
#define HSW_PPGTT_SIZE		(2ull << 30)
#define HSW_PPGTT_PDES		512u
#define HSW_PPGTT_PTES		1024u

static inline u64 hsw_ppgtt_pde_index(u32 pp_dir_base, u64 gma)
{
	return (u64)(pp_dir_base >> 16) * 16 +
	       ((gma >> 22) & (HSW_PPGTT_PDES - 1));
}

static inline u32 hsw_ppgtt_pte_index(u64 gma)
{
	return (gma >> 12) & (HSW_PPGTT_PTES - 1);
}

/* Interrupts (ILK-style on Haswell): display and GT blocks. */
#define DEISR			0x44000u
#define DEIMR			0x44004u
#define DEIIR			0x44008u
#define DEIER			0x4400cu
#define  DE_MASTER_IRQ_CONTROL	(1u << 31)
#define  DE_PCH_EVENT_IVB	(1u << 28)	/* SDEIIR & SDEIER != 0 */
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
#define GEN6_PMINTRMSK		0xa168u
/* The south display (PCH) block; its event bits are in hsw-display.h. */
#define SDEISR			0xc4000u
#define SDEIMR			0xc4004u
#define SDEIIR			0xc4008u
#define SDEIER			0xc400cu
/* Error reporting, north (display pipes) and south. */
#define GEN7_ERR_INT		0x44040u
#define SERR_INT		0xc4040u

/* Fences: 32 x 64 bit at 0x100000 (lower dword, then upper dword). */
#define FENCE_REG_GEN6_LO(i)	(0x100000u + (i) * 8)
#define FENCE_REG_GEN6_HI(i)	(0x100004u + (i) * 8)
#define  FENCE_VALID		(1ull << 0)
#define  FENCE_LO_RESERVED	0xffcu		/* bits 11:2: must be 0 */
#define  FENCE_ADDR_MASK	0xfffff000ull

/* Writing any value flushes the GTT write-combining buffers. */
#define GFX_FLSH_CNTL_GEN6	0x101008u

/* Engine ring bases and the per-engine registers, relative to them. */
#define RENDER_RING_BASE	0x02000u
#define BSD_RING_BASE		0x12000u
#define BLT_RING_BASE		0x22000u
#define VEBOX_RING_BASE		0x1a000u
#define RING_TAIL(base)		((base) + 0x30)
#define  TAIL_ADDR		0x001ffff8u
#define RING_HEAD(base)		((base) + 0x34)
#define  HEAD_ADDR		0x001ffffcu
#define RING_START(base)	((base) + 0x38)
#define RING_CTL(base)		((base) + 0x3c)
#define  RING_VALID		(1u << 0)
#define  RING_NR_PAGES		0x001ff000u	/* ring size - 1, in pages */
#define  RING_WAIT_SEMAPHORE	(1u << 10)	/* status: read-only */
#define  RING_WAIT		(1u << 11)	/* status: read-only */
/* Semaphore mailboxes: the values the other engines signalled. */
#define RING_SYNC_0(base)	((base) + 0x40)
#define RING_SYNC_1(base)	((base) + 0x44)
#define RING_SYNC_2(base)	((base) + 0x48)
#define RING_PSMI_CTL(base)	((base) + 0x50)
#define RING_ACTHD_UDW(base)	((base) + 0x5c)
#define RING_IPEIR(base)	((base) + 0x64)
#define RING_IPEHR(base)	((base) + 0x68)
#define RING_INSTDONE(base)	((base) + 0x6c)
#define RING_INSTPS(base)	((base) + 0x70)
#define RING_ACTHD(base)	((base) + 0x74)
#define RING_DMA_FADD(base)	((base) + 0x78)
#define RING_HWSTAM(base)	((base) + 0x98)
#define RING_MI_MODE(base)	((base) + 0x9c)
#define  STOP_RING		(1u << 8)	/* masked */
#define  MODE_IDLE		(1u << 9)	/* status: read-only */
#define RING_IMR(base)		((base) + 0xa8)
#define RING_EIR(base)		((base) + 0xb0)
#define RING_EMR(base)		((base) + 0xb4)
#define RING_ESR(base)		((base) + 0xb8)
#define RING_INSTPM(base)	((base) + 0xc0)
#define  INSTPM_SYNC_FLUSH	(1u << 5)
#define RING_BBSTATE(base)	((base) + 0x110)
/*
 * Not in i915 (XenGT's reg.h names them): the execute condition code
 * (VCS, BCS, VECS), the head pointer update register and, on RCS, the
 * batch buffer preemption address (a GGTT address; i915 never sets it).
 */
#define RING_EXCC(base)		((base) + 0x28)
#define RING_UHPTR(base)	((base) + 0x134)
#define RING_BB_PREEMPT_ADDR(base) ((base) + 0x148)
#define RING_BBADDR(base)	((base) + 0x140)
#define RING_BBADDR_UDW(base)	((base) + 0x168)
#define RING_CCID(base)		((base) + 0x180)
#define RING_PP_DIR_DCLV(base)	((base) + 0x220)
#define RING_PP_DIR_BASE(base)	((base) + 0x228)
#define RING_MODE_GEN7(base)	((base) + 0x29c)
#define  GFX_PPGTT_ENABLE	(1u << 9)	/* masked */
#define RING_TIMESTAMP(base)	((base) + 0x358)	/* 64 bit */
#define RING_TIMESTAMP_UDW(base) ((base) + 0x35c)
#define RING_PP_DIR_BASE_READ(base) ((base) + 0x518)
#define HSW_RING_BLOCK_SIZE	0x1000u		/* an engine's block */
/* Status page address and fault register: 0x4080 + 0x100 * n. */
#define RING_FAULT_REG(hws_pga)	((hws_pga) + 0x14)
#define CCID			RING_CCID(RENDER_RING_BASE)
#define  CCID_EN		(1u << 0)
#define CACHE_MODE_0_GEN7	0x7000u
#define CACHE_MODE_1		0x7004u
#define GEN7_GT_MODE		0x7008u
#define GEN7_COMMON_SLICE_CHICKEN1	0x7010u
#define _3D_CHICKEN3		0x2090u
#define GEN7_L3CNTLREG1		0xb01cu
#define GEN7_L3_CHICKEN_MODE_REGISTER	0xb030u
#define HWS_PGA_RCS		0x4080u
#define HWS_PGA_VCS		0x4180u
#define HWS_PGA_BCS		0x4280u
#define HWS_PGA_VECS		0x4380u
#define HSW_HWSP_SIZE		4096u		/* the status page */

/* GDRST (GEN6_GDRST): one reset domain per engine, bit 0 the whole GT. */
#define GEN6_GDRST		0x941cu
#define  GEN6_GRDOM_FULL	(1u << 0)
#define  GEN6_GRDOM_RENDER	(1u << 1)
#define  GEN6_GRDOM_MEDIA	(1u << 2)
#define  GEN6_GRDOM_BLT		(1u << 3)
#define  GEN6_GRDOM_VECS	(1u << 4)

/* HSW render context image: 17 pages (i915 HSW_CXT_TOTAL_SIZE). */
#define HSW_CXT_SIZE		(17u * 4096)

/*
 * The engines, in the helper ABI's order (VGT_ENGINE_* of
 * hw/vgt-helper-abi.h has the same values; the helper checks that at
 * build time).
 */
enum hsw_engine_id {
	HSW_RCS = 0,
	HSW_VCS = 1,
	HSW_BCS = 2,
	HSW_VECS = 3,
	HSW_NUM_ENGINES = 4
};
#define HSW_ENGINE_BIT(e)	(1u << (e))
#define HSW_ENGINES_ALL		0xfu

enum hsw_irq_bank {
	HSW_IRQ_GT = 0,		/* GTIIR */
	HSW_IRQ_PM = 1,		/* GEN6_PMIIR: VECS on Haswell */
};

struct hsw_engine {
	const char *name;	/* i915's: rcs, vcs, bcs, vecs */
	u32 mmio_base;		/* ring registers */
	u32 hws_pga;		/* status page address register */
	u32 user_irq;		/* MI_USER_INTERRUPT bit in irq_bank */
	u8 irq_bank;		/* enum hsw_irq_bank */
	u32 grdom;		/* its GDRST domain */
};

extern const struct hsw_engine hsw_engines[HSW_NUM_ENGINES];

/* The engine whose ring block starts at @base, or -1. */
int hsw_engine_of_base(u32 base);

/*
 * Register rows: what a VM's command streams and the helper may do with a
 * register.  One row per register or range (offsets absolute, or relative
 * to each engine's ring base with HSW_REG_PER_ENGINE).
 *   HSW_REG_CMD    MI_LOAD_REGISTER_IMM/MEM/REG may load it (and
 *                  MI_STORE_REGISTER_MEM may read it): the command
 *                  scanner's load allow-list, for the engines in @engines
 *                  (i915's Haswell command parser tables)
 *   HSW_REG_STORE  MI_STORE_REGISTER_MEM (and the source of LRR) may read
 *                  it although no command may load it: the VM's own
 *                  switched engine state, which reading leaks nothing
 *                  and loading could hang the GPU (chicken, arbitration)
 *   HSW_REG_CTX    per-VM engine state: the helper saves and restores it
 *                  on a switch between VMs (XenGT's Haswell list); the
 *                  software Haswell keeps command loads of it
 *   HSW_REG_FLUSH  the device may flush it with a workload (vgt_workload
 *                  regs) from the VM's register file
 *   HSW_REG_MASKED bits 31:16 of a write enable the write of bits 15:0;
 *                  a read returns 0 in bits 31:16
 */
#define HSW_REG_CMD		(1u << 0)
#define HSW_REG_CTX		(1u << 1)
#define HSW_REG_FLUSH		(1u << 2)
#define HSW_REG_MASKED		(1u << 3)
#define HSW_REG_STORE		(1u << 4)
#define HSW_REG_PER_ENGINE	(1u << 7)

/* The write that sets a masked register to @value (all 16 bits). */
#define HSW_MASKED_FULL(value)	(0xffff0000u | ((value) & 0xffffu))

struct hsw_reg_row {
	const char *name;
	u32 offset;		/* bytes; relative with HSW_REG_PER_ENGINE */
	u32 size;		/* bytes, multiple of 4 */
	u8 engines;		/* HSW_ENGINE_BIT() mask the row applies to */
	u8 flags;
};

extern const struct hsw_reg_row hsw_reg_rows[];
extern const u32 hsw_reg_nrows;

/* The flags of register @offset for @engine (0: nothing allowed). */
u32 hsw_reg_flags(u32 engine, u32 offset);

/* A command of @engine may load register @offset (LRI, LRM, LRR dest). */
static inline bool hsw_reg_cmd_allowed(u32 engine, u32 offset)
{
	return !(offset & 3) && (hsw_reg_flags(engine, offset) & HSW_REG_CMD);
}

/* A command of @engine may read register @offset (SRM, LRR source). */
static inline bool hsw_reg_store_allowed(u32 engine, u32 offset)
{
	return !(offset & 3) &&
	       (hsw_reg_flags(engine, offset) & (HSW_REG_CMD | HSW_REG_STORE));
}

/* Register @offset is masked (HSW_REG_MASKED for any engine). */
bool hsw_reg_is_masked(u32 offset);

/*
 * The per-VM engine state of @engine (HSW_REG_CTX rows, absolute offsets),
 * at most HSW_CTX_REGS_MAX; @flags gets each row's flags.  Returns how many.
 */
#define HSW_CTX_REGS_MAX	32u
u32 hsw_engine_ctx_regs(u32 engine, u32 *regs, u32 *flags);

#define FORCEWAKE_MT		0xa188u
#define FORCEWAKE_ACK_HSW	0x130044u
#define GEN6_GT_THREAD_STATUS	0x13805cu

/* The GT FIFO of MMIO writes, and the fuses and debug latch around it. */
#define GTFIFODBG		0x120000u
#define GTFIFOCTL		0x120008u
#define  GT_FIFO_FREE_ENTRIES_MASK	0x7fu
#define HSW_EDRAM_CAP		0x120010u
#define HSW_PAVP_FUSE1		0x911cu
#define FPGA_DBG		0x42300u	/* bit 31: unclaimed access */

/* The MCHBAR registers the GT mirrors at 0x140000. */
#define MCHBAR_MIRROR_BASE_SNB	0x140000u
#define MAD_DIMM_C0		(MCHBAR_MIRROR_BASE_SNB + 0x5004)
#define MAD_DIMM_C1		(MCHBAR_MIRROR_BASE_SNB + 0x5008)
#define MAD_DIMM_C2		(MCHBAR_MIRROR_BASE_SNB + 0x500c)
#define GEN6_RP_STATE_CAP	(MCHBAR_MIRROR_BASE_SNB + 0x5998)
/* 64 bit: the display memory latencies */
#define MCH_SSKPD		(MCHBAR_MIRROR_BASE_SNB + 0x5d10)
#define DCLK			(MCHBAR_MIRROR_BASE_SNB + 0x5e04)

/* The pcode mailbox: the command in bits 7:0, its status out in them. */
#define GEN6_PCODE_MAILBOX	0x138124u
#define  GEN6_PCODE_READY	(1u << 31)
#define  GEN6_PCODE_MB_COMMAND	0xffu
#define  GEN6_PCODE_ERROR_MASK	0xffu
#define GEN6_PCODE_DATA		0x138128u
#define GEN6_PCODE_DATA1	0x13812cu

/* Error, workaround and chicken registers i915 programs at GT init. */
#define PGTBL_ER		0x02024u
#define GEN7_FF_THREAD_MODE	0x020a0u
#define GEN2_IIR		0x020a4u
#define ARB_MODE		0x04030u
#define GAM_ECOCHK		0x04090u
#define GEN7_SQ_CHICKEN_MBCUNIT_CONFIG	0x09030u
#define HSW_SCRATCH1		0x0b038u
#define HALF_SLICE_CHICKEN3	0x0e184u
#define HSW_ROW_CHICKEN3	0x0e49cu
#define GAC_ECO_BITS		0x14090u
#define TILECTL			0x101000u

/*
 * Render engine state a command stream may load or store (i915's gen7 and
 * Haswell command parser tables): the first register of each block.
 */
#define HSW_MI_PREDICATE_RESULT_2	0x2214u
#define GPGPU_THREADS_DISPATCHED	0x2290u		/* 64 bit */
#define HS_INVOCATION_COUNT	0x2300u		/* pipeline statistics.. */
#define MI_PREDICATE_SRC0(base)	((base) + 0x400)	/* 64 bit, then SRC1 */
#define GEN7_3DPRIM_START_VERTEX	0x2430u
#define GEN7_GPGPU_DISPATCHDIMX	0x2500u
/* 16 x 64 bit general purpose registers (HSW_CS_GPR in older i915) */
#define GEN8_RING_CS_GPR(base, n)	((base) + 0x600 + (n) * 8)
#define GEN7_SO_NUM_PRIMS_WRITTEN(n)	(0x5200u + (n) * 8)	/* 64 bit */
#define GEN7_L3SQCREG1		0xb010u
#define GEN7_L3CNTLREG2		0xb020u

#endif /* HSW_REGS_H */
