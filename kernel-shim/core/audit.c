// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * audit.c - keeping a workload inside its view on a GPU that does not.
 *
 * The software Haswell enforces a workload's view itself (vgt-gpu.h).  A
 * real Haswell - or the bare software Haswell behind vgt.ko - reaches the
 * whole GGTT, so before such a GPU runs a workload the core walks it the
 * way the engine will, with the shared decoder (hsw-cmd.c), and refuses it
 * unless every command and every address it names is the instance's:
 *
 *  - commands are fetched only from the instance's shadow area, which the
 *    guest cannot write (QEMU copies the ring segment and every batch
 *    there), and through the GGTT;
 *  - GGTT operands, blitter surfaces and context images lie in the view
 *    and every page of them is mapped to the instance's memory (not the
 *    shared scratch page);
 *  - PPGTT batches and operands only through the instance's shadow
 *    PPGTT (ppgtt-shadow.c): PP_DIR_BASE at the start and every value an
 *    LRI loads into it must name the page directory the helper
 *    shadowed (LRM/LRR into it are refused: their value is not known
 *    here), every page of a PPGTT operand must be mapped by the shadow
 *    (the instance's memory, not scratch) and lie outside the helper's
 *    PDE (which maps the exec copy for batch fetch); the shadowed PD's
 *    own GM is no GGTT target (its entries map the shadow tables);
 *  - register loads reach only the registers a VM may load from a
 *    command (HSW_REG_CMD: state of the running context); reads also the
 *    engine's switched per-VM state (HSW_REG_STORE) and its timestamp;
 *  - denied commands never pass; a walk beyond the command budget is a
 *    hang, without running anything.
 *
 * The walk is static: MI_CONDITIONAL_BATCH_BUFFER_END or predication can
 * only make the engine execute less than was audited.
 *
 * What the GPU runs is what was audited: each command is read from the
 * shadow area once (QEMU, which is not trusted either, can rewrite that
 * area at any time) and written, as audited, into the instance's private
 * exec copy - the helper-owned first half of its slot, right below the
 * shadow area, which no workload may write and no client can map - with
 * MI_BATCH_BUFFER_START targets moved by the same distance.  The GPU then
 * runs the copy.  3D and media state that names graphics memory
 * (STATE_BASE_ADDRESS, vertex/index/constant/stream-out buffers, depth
 * and stencil buffers, ...: hsw_cmd_3d_lookup) is audited field by field
 * with the device scanner's operand list; other 3D and media state is
 * copied by the length its audited header gives.  GFXPIPE on the video
 * engines (MFX, VEBOX) is refused unread: not audited.
 */
#include "vgt-core-priv.h"

struct vgt_audit {
	struct vgt_host *host;
	struct vgt_instance *inst;
	struct vgt_gpu_exec *x;
	u32 engine;
	u32 base;
	bool ppgtt;		/* PP_DIR_BASE names the shadowed PD */
	const char *why;
};

static bool vgt_audit_in_range(const struct vgt_range *r, u64 gma, u64 len)
{
	return r->size && gma >= r->base && len <= r->size &&
	       gma - r->base <= r->size - len;
}

/*
 * The view of an audited workload: the VM's own GM and its shadow area;
 * not the exec copy, so that a workload cannot rewrite what runs next.
 */
static bool vgt_audit_in_view(const struct vgt_audit *a, u64 gma, u64 len)
{
	const struct vgt_instance *inst = a->inst;

	/* The shadowed PD's GGTT entries map the shadow page tables. */
	if (vgt_ppgtt_in_pd_window(inst, gma, len))
		return false;
	return vgt_audit_in_range(&inst->mappable, gma, len) ||
	       vgt_audit_in_range(&inst->nonmappable, gma, len) ||
	       vgt_audit_in_range(&inst->shadow_gm, gma, len);
}

/*
 * [gma, gma + len) in the PPGTT: through the shadow of the PD the engine
 * uses, every page mapped to the instance's memory, not the helper's PDE.
 */
static bool vgt_audit_ppgtt(struct vgt_audit *a, u64 gma, u64 len)
{
	u64 page, last;

	if (!len)
		return true;
	if (!a->ppgtt) {
		a->why = "PPGTT access without a shadowed PD";
		return false;
	}
	if (gma >= HSW_PPGTT_SIZE || len > HSW_PPGTT_SIZE - gma ||
	    vgt_ppgtt_helper_range(a->inst, gma, len)) {
		a->why = "PPGTT address outside the VM's PPGTT";
		return false;
	}
	last = (gma + len - 1) >> VGT_PAGE_SHIFT;
	for (page = gma >> VGT_PAGE_SHIFT; page <= last; page++) {
		if (!(vgt_ppgtt_shadow_pte(a->inst, page << VGT_PAGE_SHIFT) &
		      HSW_PTE_VALID)) {
			a->why = "PPGTT page not mapped to the VM's memory";
			return false;
		}
	}
	return true;
}

/* [gma, gma + len) in the view and every page of it backed (not scratch). */
static bool vgt_audit_gm(struct vgt_audit *a, u64 gma, u64 len)
{
	const struct vgt_gpu_ops *ops = a->host->gpu.ops;
	u64 page, last;

	if (!len)
		return true;
	if (!vgt_audit_in_view(a, gma, len))
		return false;
	last = (gma + len - 1) >> VGT_PAGE_SHIFT;
	for (page = gma >> VGT_PAGE_SHIFT; page <= last; page++) {
		u32 pte = ops->gtt_read(a->host->gpu.priv, (u32)page);

		if (!(pte & HSW_PTE_VALID) ||
		    hsw_pte_decode(pte) == a->host->scratch_dma)
			return false;
	}
	return true;
}

static bool vgt_audit_in_shadow(const struct vgt_audit *a, u64 gma, u64 len)
{
	return vgt_audit_in_range(&a->inst->shadow_gm, gma, len);
}

/* Where the copy of shadow byte gma goes: same offset, one half lower. */
static u8 *vgt_audit_copy_at(const struct vgt_audit *a, u64 gma)
{
	return a->inst->host_mem + (gma - a->inst->shadow_gm.base);
}

/*
 * The registers a VM may load from a command (LRI, LRM, the destination
 * of LRR: the scanner's allow-list, HSW_REG_CMD): on a real Haswell they
 * are state of the running context.
 */
static bool vgt_audit_reg_load(const struct vgt_audit *a, u32 off)
{
	return hsw_reg_cmd_allowed(a->engine, off & MI_REG_MASK);
}

static bool vgt_audit_is_pp_dir_base(const struct vgt_audit *a, u32 off)
{
	return (off & MI_REG_MASK) == RING_PP_DIR_BASE(a->base);
}

/*
 * An LRI of PP_DIR_BASE: the GPU then walks the page directory it names,
 * which must be the one the helper shadowed (or none at all: PPGTT
 * access is then refused).
 */
static bool vgt_audit_pp_dir_base(struct vgt_audit *a, u32 value)
{
	a->ppgtt = vgt_ppgtt_active(a->inst, value);
	if (a->ppgtt || !(value & HSW_PP_DIR_BASE_ADDR_MASK))
		return true;
	a->why = "PP_DIR_BASE names a page directory the helper did not shadow";
	return false;
}

/*
 * The registers a VM may read from a command (SRM, the source of LRR):
 * those it may load and its own switched engine state (HSW_REG_STORE).
 */
static bool vgt_audit_reg_read(const struct vgt_audit *a, u32 off)
{
	off &= MI_REG_MASK;
	return off == RING_TIMESTAMP(a->base) ||
	       hsw_reg_store_allowed(a->engine, off);
}

static bool vgt_audit_operand(struct vgt_audit *a,
			      const struct hsw_cmd_operand *op)
{
	const struct vgt_gpu_ops *ops = a->host->gpu.ops;
	u64 hws;

	switch (op->space) {
	case HSW_SPACE_GGTT:
		return vgt_audit_gm(a, op->addr, op->len);
	case HSW_SPACE_HWSP:
		hws = ops->read32(a->host->gpu.priv,
				  hsw_engines[a->engine].hws_pga) &
		      HSW_HWS_PGA_ADDR_MASK;
		return op->addr + op->len <= HSW_HWSP_SIZE &&
		       vgt_audit_gm(a, hws + op->addr, op->len);
	case HSW_SPACE_PPGTT:
		return vgt_audit_ppgtt(a, op->addr, op->len);
	default:
		return false;
	}
}

static bool vgt_audit_surface(struct vgt_audit *a,
			      const struct hsw_blt_surface *s, u32 x1, u32 y1,
			      u32 x2, u32 y2)
{
	u64 first, len;

	hsw_blt_span(s, x1, y1, x2, y2, &first, &len);
	if (s->ppgtt)
		return vgt_audit_ppgtt(a, first, len);
	return vgt_audit_gm(a, first, len);
}

/*
 * 3D/media state naming graphics memory: the operands the device's
 * scanner checks (hsw_cmd_3d_operand, which also refuses what no view
 * makes safe), each in the view and backed: in the GGTT or through the
 * shadow PPGTT.
 */
static bool vgt_audit_3d(struct vgt_audit *a, const struct hsw_cmd_3d *c3,
			 const struct hsw_cmd *cmd, const u32 *c,
			 const struct hsw_cs_stream *st)
{
	struct hsw_cmd_operand op = { .what = NULL };
	const char *why = NULL;
	u32 pos = 0;
	int n;

	while ((n = hsw_cmd_3d_operand(c3, cmd, c, st, &pos, &op, &why)) > 0) {
		if (op.space == HSW_SPACE_PPGTT) {
			if (!vgt_audit_ppgtt(a, op.addr, op.len))
				return false;
			continue;
		}
		if (!vgt_audit_gm(a, op.addr, op.len)) {
			a->why = "3D/media state address outside the VM's memory";
			return false;
		}
	}
	if (n < 0) {
		a->why = why ? why : hsw_cmd_error_name(-n);
		return false;
	}
	return true;
}

/* One command (all its dwords at c) other than a batch start or end. */
static bool vgt_audit_cmd(struct vgt_audit *a, const struct hsw_cmd *cmd,
			  const u32 *c, const struct hsw_cs_stream *st,
			  struct hsw_blt_setup *setup)
{
	struct hsw_cmd_operand op;
	struct hsw_blt blt;
	const char *why = NULL;
	int nops;
	u32 i;

	if (hsw_cmd_is_skipped(cmd))
		return vgt_audit_3d(a, hsw_cmd_3d_lookup(c[0]), cmd, c, st);
	switch (cmd->desc->kind) {
	case HSW_CMD_LOAD_REGISTER_IMM:
		for (i = 1; i + 1 < cmd->len; i += 2) {
			if (!vgt_audit_reg_load(a, c[i]))
				goto reg;
			if (vgt_audit_is_pp_dir_base(a, c[i]) &&
			    !vgt_audit_pp_dir_base(a, c[i + 1]))
				return false;
		}
		return true;
	case HSW_CMD_LOAD_REGISTER_MEM:
		if (!vgt_audit_reg_load(a, c[1]))
			goto reg;
		if (vgt_audit_is_pp_dir_base(a, c[1]))
			goto pd;
		break;
	case HSW_CMD_LOAD_REGISTER_REG:
		if (!vgt_audit_reg_read(a, c[1]) ||
		    !vgt_audit_reg_load(a, c[2]))
			goto reg;
		if (vgt_audit_is_pp_dir_base(a, c[2]))
			goto pd;
		return true;
	case HSW_CMD_STORE_REGISTER_MEM:
		if (!vgt_audit_reg_read(a, c[1]))
			goto reg;
		break;
	case HSW_CMD_SET_CONTEXT:
		/* The GPU saves and restores the whole 17-page image. */
		if (a->engine != VGT_ENGINE_RCS ||
		    !vgt_audit_gm(a, c[1] & ~0xfffull, HSW_CXT_SIZE)) {
			a->why = "context image outside the VM's memory";
			return false;
		}
		return true;
	case HSW_CMD_XY_SETUP_BLT:
	case HSW_CMD_XY_SETUP_CLIP_BLT:
	case HSW_CMD_XY_TEXT_IMMEDIATE_BLT:
	case HSW_CMD_XY_COLOR_BLT:
	case HSW_CMD_XY_SRC_COPY_BLT:
		if (hsw_blt_decode(cmd, c, st, setup, &blt, &why)) {
			a->why = why;
			return false;
		}
		if (blt.x2 <= blt.x1 || blt.y2 <= blt.y1)
			return true;
		if (hsw_blt_audit(&blt, &why)) {
			a->why = why;
			return false;
		}
		if (!vgt_audit_surface(a, &blt.dst, blt.x1, blt.y1, blt.x2,
				       blt.y2))
			return false;
		if (blt.has_src &&
		    !vgt_audit_surface(a, &blt.src, blt.sx, blt.sy,
				       blt.sx + (blt.x2 - blt.x1),
				       blt.sy + (blt.y2 - blt.y1)))
			return false;
		return true;
	default:
		break;
	}
	nops = hsw_cmd_operands(cmd, c, st, &op, &why);
	if (nops < 0) {
		a->why = why;
		return false;
	}
	if (nops && !vgt_audit_operand(a, &op)) {
		if (!a->why)
			a->why = "operand outside the VM's view";
		return false;
	}
	return true;
reg:
	a->why = "a register no VM may load or read";
	return false;
pd:
	a->why = "PP_DIR_BASE from memory or a register (must be the shadowed PD)";
	return false;
}

struct vgt_audit_level {
	u64 ptr;
	u64 end;		/* the segment's end; 0 in batches */
	struct hsw_cs_stream st;
};

static int vgt_audit_fail(struct vgt_audit *a, u32 status, u32 dw0, u64 gma)
{
	struct vgt_gpu_exec *x = a->x;

	x->status = status;
	x->fault_cmd = dw0;
	x->fault_addr = gma;
	if (a->inst->log_budget) {
		a->inst->log_budget--;
		vgt_log_warn("vgt%u: engine %u: workload refused before it ran: %s (cmd 0x%08x at GM 0x%llx)",
			     a->inst->id, a->engine,
			     a->why ? a->why : "address outside the VM's view",
			     dw0, (unsigned long long)gma);
	}
	return -1;
}

/*
 * Returns 0 when the workload may run; else -1 with x->status (FAULT or
 * HANG), fault_cmd and fault_addr set.  host->lock held.
 */
int vgt_audit_workload(struct vgt_host *host, struct vgt_instance *inst,
		       u32 engine, struct vgt_gpu_exec *x)
{
	struct vgt_audit a = {
		.host = host, .inst = inst, .x = x, .engine = engine,
	};
	struct vgt_audit_level stack[3];
	struct hsw_blt_setup setup = { 0 };
	u32 c[HSW_CMD_MAX_BUFFERED];
	u64 cmds = 0;
	int depth = 0;
	u32 pp;

	if (engine >= HSW_NUM_ENGINES || !inst->host_mem)
		return vgt_audit_fail(&a, VGT_EXEC_FAULT, 0, x->start);
	a.base = hsw_engines[engine].mmio_base;
	pp = host->gpu.ops->read32(host->gpu.priv, RING_PP_DIR_BASE(a.base));
	a.ppgtt = vgt_ppgtt_active(inst, pp);
	if (!vgt_audit_in_shadow(&a, x->start, x->len)) {
		a.why = "commands outside the shadow area";
		return vgt_audit_fail(&a, VGT_EXEC_FAULT, 0, x->start);
	}
	stack[0].ptr = x->start;
	stack[0].end = x->start + x->len;
	hsw_cs_stream_ring(&stack[0].st);

	for (;;) {
		struct vgt_audit_level *l = &stack[depth];
		const u8 *src = inst->shadow_va;
		struct hsw_cs_stream next;
		struct hsw_cmd cmd;
		const char *why = NULL;
		enum hsw_cmd_error err;
		u64 at = l->ptr;
		bool call;

		if (depth == 0 && at >= l->end) {
			/* Run the copy. */
			x->start -= VGT_HOST_SLOT_BACKED;
			return 0;
		}
		if (++cmds > x->max_cmds) {
			a.why = "command budget exceeded";
			return vgt_audit_fail(&a, VGT_EXEC_HANG, 0, at);
		}
		if (!vgt_audit_in_shadow(&a, at, 4)) {
			a.why = "commands outside the shadow area";
			return vgt_audit_fail(&a, VGT_EXEC_FAULT, 0, at);
		}
		memcpy(c, src + (at - inst->shadow_gm.base), 4);
		err = hsw_cmd_decode(c[0], engine, &cmd);
		if (err) {
			a.why = hsw_cmd_error_name(err);
			return vgt_audit_fail(&a, VGT_EXEC_FAULT, c[0], at);
		}
		if (cmd.desc->kind == HSW_CMD_DENIED ||
		    cmd.len > HSW_CMD_MAX_BUFFERED ||
		    (depth == 0 && (u64)cmd.len * 4 > l->end - at) ||
		    !vgt_audit_in_shadow(&a, at, (u64)cmd.len * 4)) {
			/* MFX/VEBOX: the descriptor's name says why */
			if (cmd.desc->kind != HSW_CMD_DENIED)
				a.why = "command beyond its buffer";
			else if ((c[0] >> 29) == 3)
				a.why = cmd.desc->name;
			else
				a.why = "command never allowed from a VM";
			return vgt_audit_fail(&a, VGT_EXEC_FAULT, c[0], at);
		}
		l->ptr += (u64)cmd.len * 4;
		if (hsw_cmd_is_skipped(&cmd) && !hsw_cmd_3d_lookup(c[0])) {
			/* No address: header as decoded, body by that length. */
			memcpy(vgt_audit_copy_at(&a, at), c, 4);
			memcpy(vgt_audit_copy_at(&a, at) + 4,
			       src + (at + 4 - inst->shadow_gm.base),
			       ((size_t)cmd.len - 1) * 4);
			continue;
		}
		memcpy(c + 1, src + (at + 4 - inst->shadow_gm.base),
		       ((size_t)cmd.len - 1) * 4);

		if (cmd.desc->kind == HSW_CMD_BB_END) {
			if (hsw_cs_batch_end(&l->st, &why)) {
				a.why = why;
				return vgt_audit_fail(&a, VGT_EXEC_FAULT, c[0],
						      at);
			}
			memcpy(vgt_audit_copy_at(&a, at), c, 4);
			depth--;
			continue;
		}
		if (cmd.desc->kind == HSW_CMD_BB_START) {
			u64 target = c[1] & MI_BATCH_ADDR_MASK;

			if (hsw_cs_batch_start(&l->st, c[0], &next, &call,
					       &why)) {
				a.why = why;
				return vgt_audit_fail(&a, VGT_EXEC_FAULT, c[0],
						      at);
			}
			if (!vgt_audit_in_shadow(&a, target, 4)) {
				a.why = "batch outside the shadow area";
				return vgt_audit_fail(&a, VGT_EXEC_FAULT, c[0],
						      at);
			}
			/*
			 * Such a GPU fetches it through the PPGTT: from the
			 * exec copy, which the shadow's helper PDE maps.
			 */
			if (next.ppgtt && (!a.ppgtt ||
					   !vgt_ppgtt_helper_range(inst,
						target - VGT_HOST_SLOT_BACKED,
						4))) {
				a.why = "PPGTT batch without a shadowed PD";
				return vgt_audit_fail(&a, VGT_EXEC_FAULT, c[0],
						      at);
			}
			c[1] -= (u32)VGT_HOST_SLOT_BACKED;
			memcpy(vgt_audit_copy_at(&a, at), c, 8);
			if (call)
				depth++;
			stack[depth].ptr = target;
			stack[depth].end = 0;
			stack[depth].st = next;
			continue;
		}
		if (!vgt_audit_cmd(&a, &cmd, c, &l->st, &setup))
			return vgt_audit_fail(&a, VGT_EXEC_FAULT, c[0], at);
		memcpy(vgt_audit_copy_at(&a, at), c, (size_t)cmd.len * 4);
	}
}
