// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hsw-regs.c - the Haswell tables of hsw-regs.h: the engines and the
 * register rows.  Offsets as in Linux i915 (i915_reg.h,
 * gt/intel_engine_regs.h, i915_cmd_parser.c's gen7 register tables).
 */
#include "hsw-regs.h"

const struct hsw_engine hsw_engines[HSW_NUM_ENGINES] = {
	[HSW_RCS] = { "rcs", RENDER_RING_BASE, HWS_PGA_RCS,
		      GT_RENDER_USER_INTERRUPT, HSW_IRQ_GT, GEN6_GRDOM_RENDER },
	[HSW_VCS] = { "vcs", BSD_RING_BASE, HWS_PGA_VCS,
		      GT_BSD_USER_INTERRUPT, HSW_IRQ_GT, GEN6_GRDOM_MEDIA },
	[HSW_BCS] = { "bcs", BLT_RING_BASE, HWS_PGA_BCS,
		      GT_BLT_USER_INTERRUPT, HSW_IRQ_GT, GEN6_GRDOM_BLT },
	[HSW_VECS] = { "vecs", VEBOX_RING_BASE, HWS_PGA_VECS,
		       PM_VEBOX_USER_INTERRUPT, HSW_IRQ_PM, GEN6_GRDOM_VECS },
};

int hsw_engine_of_base(u32 base)
{
	int e;

	for (e = 0; e < HSW_NUM_ENGINES; e++)
		if (hsw_engines[e].mmio_base == base)
			return e;
	return -1;
}

#define RCS_ONLY	HSW_ENGINE_BIT(HSW_RCS)
#define ALL		HSW_ENGINES_ALL
#define NOT_RCS		(HSW_ENGINES_ALL & ~HSW_ENGINE_BIT(HSW_RCS))
#define ENG		HSW_REG_PER_ENGINE
#define M		HSW_REG_MASKED
#define CF		(HSW_REG_CTX | HSW_REG_FLUSH | HSW_REG_STORE)
#define CCF		(HSW_REG_CMD | CF)

/*
 * Per-VM engine state first, in the order the helper restores it (the
 * status page before the ring modes, the PPGTT directory as a pair),
 * then what command streams may load or store: per-context counters and
 * predicates that a real GPU saves in the render context image, never the
 * GTT, fences, interrupts, display or power.
 *
 * The switched state is XenGT's Haswell list (vgt_gen7_render_regs: the
 * arbitration and ECO registers, each engine's status page, mode, HWSTAM,
 * UHPTR, semaphore mailboxes, EXCC where it has one, MI_MODE, INSTPM, the
 * RCS preemption address, the render chicken and L3 registers), plus the
 * PPGTT directory, PSMI_CTL, CCID and the cache modes it kept in the
 * context image.  The global registers (ARB_MODE, GAM_ECOCHK and the
 * render chicken/L3 ones) switch with RCS, as XenGT's render switch did.
 * Masked or not as i915 6.1 writes them (_MASKED_BIT_ENABLE / wa_masked_*:
 * MI_MODE, INSTPM, GFX_MODE, PSMI_CTL, ARB_MODE, CACHE_MODE_0/1, GT_MODE,
 * 3D_CHICKEN3, COMMON_SLICE_CHICKEN1) and XenGT's F_RDR_MODE flags.
 *
 * Left out: XenGT's unnamed "check later" registers (0x4040, 0x23bc,
 * 0x2448..0x2454, 0x7034, 0x2b00, 0x91b8..0x91c4, 0x9150..0x9164, 0xb010,
 * 0xb020, 0xb024, 0x20dc, 0x2088, 0x20e4, 0x20a0, 0xb038).  None is named
 * in i915 6.1 as per-VM state and several are clock gating, power or
 * debug controls that one VM must not carry to the next; the ones i915
 * does name are either the command-loadable L3 registers (0xb010 L3SQCREG1,
 * 0xb020/0xb024 L3CNTLREG2/3: in the render context image, rows below) or
 * workarounds every VM's driver programs alike (0x20a0 GEN7_FF_THREAD_MODE,
 * 0xb038 HSW_SCRATCH1, 0x20e4/0x20dc/0x2088 render mode chicken bits).
 * The 0x2000-block EXCC of RCS is not in XenGT's gen7 list either.
 */
const struct hsw_reg_row hsw_reg_rows[] = {
	{ "HWS_PGA_RCS", HWS_PGA_RCS, 4, HSW_ENGINE_BIT(HSW_RCS), CF },
	{ "HWS_PGA_VCS", HWS_PGA_VCS, 4, HSW_ENGINE_BIT(HSW_VCS), CF },
	{ "HWS_PGA_BCS", HWS_PGA_BCS, 4, HSW_ENGINE_BIT(HSW_BCS), CF },
	{ "HWS_PGA_VECS", HWS_PGA_VECS, 4, HSW_ENGINE_BIT(HSW_VECS), CF },
	{ "RING_HWSTAM", RING_HWSTAM(0), 4, ALL, ENG | CF },
	{ "RING_MI_MODE", RING_MI_MODE(0), 4, ALL, ENG | M | CF },
	{ "RING_INSTPM", RING_INSTPM(0), 4, ALL, ENG | M | CCF },
	{ "RING_PSMI_CTL", RING_PSMI_CTL(0), 4, ALL, ENG | M | CF },
	{ "RING_PP_DIR_DCLV", RING_PP_DIR_DCLV(0), 4, ALL, ENG | CCF },
	{ "RING_PP_DIR_BASE", RING_PP_DIR_BASE(0), 4, ALL, ENG | CCF },
	{ "RING_MODE_GEN7", RING_MODE_GEN7(0), 4, ALL, ENG | M | CF },
	{ "RING_UHPTR", RING_UHPTR(0), 4, ALL, ENG | CF },
	{ "RING_SYNC_0/1/2", RING_SYNC_0(0), 12, ALL, ENG | CF },
	{ "RING_EXCC", RING_EXCC(0), 4, NOT_RCS, ENG | CF },
	{ "ARB_MODE", ARB_MODE, 4, RCS_ONLY, M | CF },
	{ "GAM_ECOCHK", GAM_ECOCHK, 4, RCS_ONLY, CF },
	{ "BB_PREEMPT_ADDR", RING_BB_PREEMPT_ADDR(RENDER_RING_BASE), 4,
	  RCS_ONLY, CF },
	/* set by MI_SET_CONTEXT only: restored through it (ctx-switch.c) */
	{ "CCID", CCID, 4, RCS_ONLY, HSW_REG_CTX | HSW_REG_STORE },
	{ "CACHE_MODE_0_GEN7", CACHE_MODE_0_GEN7, 4, RCS_ONLY, M | CCF },
	{ "CACHE_MODE_1", CACHE_MODE_1, 4, RCS_ONLY, M | CCF },
	{ "GEN7_GT_MODE", GEN7_GT_MODE, 4, RCS_ONLY, M | CF },
	{ "3D_CHICKEN3", _3D_CHICKEN3, 4, RCS_ONLY, M | CF },
	{ "COMMON_SLICE_CHICKEN1", GEN7_COMMON_SLICE_CHICKEN1, 4, RCS_ONLY,
	  M | CF },
	{ "L3CNTLREG1", GEN7_L3CNTLREG1, 4, RCS_ONLY, CF },
	{ "L3_CHICKEN_MODE", GEN7_L3_CHICKEN_MODE_REGISTER, 4, RCS_ONLY, CF },
	{ "SQ_CHICKEN_MBCUNIT_CONFIG", GEN7_SQ_CHICKEN_MBCUNIT_CONFIG, 4,
	  RCS_ONLY, CF },

	{ "RING_TIMESTAMP", RING_TIMESTAMP(0), 8, ALL, ENG | HSW_REG_CMD },
	/* i915 sets every engine's PSMI_CTL around MI_SET_CONTEXT */
	{ "RCS PSMI_CTL", RING_PSMI_CTL(RENDER_RING_BASE), 4, ALL,
	  M | HSW_REG_CMD },
	{ "VCS PSMI_CTL", RING_PSMI_CTL(BSD_RING_BASE), 4, ALL,
	  M | HSW_REG_CMD },
	{ "VECS PSMI_CTL", RING_PSMI_CTL(VEBOX_RING_BASE), 4, ALL,
	  M | HSW_REG_CMD },
	{ "BCS PSMI_CTL", RING_PSMI_CTL(BLT_RING_BASE), 4, ALL,
	  M | HSW_REG_CMD },
	{ "MI_PREDICATE_RESULT_2", HSW_MI_PREDICATE_RESULT_2, 4, RCS_ONLY,
	  HSW_REG_CMD },
	{ "GPGPU_THREADS_DISPATCHED", GPGPU_THREADS_DISPATCHED, 8, RCS_ONLY,
	  HSW_REG_CMD },
	{ "3D pipeline statistics", HS_INVOCATION_COUNT, 0x58, RCS_ONLY,
	  HSW_REG_CMD },
	{ "MI_PREDICATE_SRC0/1", MI_PREDICATE_SRC0(RENDER_RING_BASE), 0x10,
	  RCS_ONLY, HSW_REG_CMD },
	{ "3DPRIM_*", GEN7_3DPRIM_START_VERTEX, 0x18, RCS_ONLY, HSW_REG_CMD },
	{ "GPGPU_DISPATCHDIM*", GEN7_GPGPU_DISPATCHDIMX, 0xc, RCS_ONLY,
	  HSW_REG_CMD },
	{ "HSW_CS_GPR 0..15", GEN8_RING_CS_GPR(RENDER_RING_BASE, 0), 0x80,
	  RCS_ONLY, HSW_REG_CMD },
	{ "stream-out counters and offsets", GEN7_SO_NUM_PRIMS_WRITTEN(0),
	  0xa0, RCS_ONLY, HSW_REG_CMD },
	{ "L3SQCREG1", GEN7_L3SQCREG1, 4, RCS_ONLY, HSW_REG_CMD },
	{ "L3CNTLREG2/3", GEN7_L3CNTLREG2, 8, RCS_ONLY, HSW_REG_CMD },
};

const u32 hsw_reg_nrows = ARRAY_SIZE(hsw_reg_rows);

static u32 hsw_reg_row_start(const struct hsw_reg_row *row, u32 engine)
{
	if (row->flags & HSW_REG_PER_ENGINE)
		return hsw_engines[engine].mmio_base + row->offset;
	return row->offset;
}

u32 hsw_reg_flags(u32 engine, u32 offset)
{
	u32 i, flags = 0;

	if (engine >= HSW_NUM_ENGINES)
		return 0;
	for (i = 0; i < hsw_reg_nrows; i++) {
		const struct hsw_reg_row *row = &hsw_reg_rows[i];
		u32 start = hsw_reg_row_start(row, engine);

		if ((row->engines & HSW_ENGINE_BIT(engine)) &&
		    offset >= start && offset - start < row->size)
			flags |= row->flags & ~HSW_REG_PER_ENGINE;
	}
	return flags;
}

bool hsw_reg_is_masked(u32 offset)
{
	u32 e;

	for (e = 0; e < HSW_NUM_ENGINES; e++)
		if (hsw_reg_flags(e, offset) & HSW_REG_MASKED)
			return true;
	return false;
}

u32 hsw_engine_ctx_regs(u32 engine, u32 *regs, u32 *flags)
{
	u32 i, off, n = 0;

	if (engine >= HSW_NUM_ENGINES)
		return 0;
	for (i = 0; i < hsw_reg_nrows; i++) {
		const struct hsw_reg_row *row = &hsw_reg_rows[i];
		u32 start = hsw_reg_row_start(row, engine);

		if (!(row->engines & HSW_ENGINE_BIT(engine)) ||
		    !(row->flags & HSW_REG_CTX))
			continue;
		for (off = 0; off < row->size && n < HSW_CTX_REGS_MAX;
		     off += 4) {
			regs[n] = start + off;
			flags[n] = hsw_reg_flags(engine, start + off);
			n++;
		}
	}
	return n;
}
