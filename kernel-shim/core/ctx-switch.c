// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ctx-switch.c - switching an engine from one instance to another.
 *
 * What a VM leaves on an engine and finds again when it comes back is the
 * per-engine state a real Haswell needs between VMs (XenGT's Haswell
 * switch, docs/helper.md "Context switch"):
 *
 *  1. the engine registers of the HSW_REG_CTX rows (hsw_engine_ctx_regs:
 *     status page, ring mode, MI_MODE, INSTPM, PSMI_CTL, HWSTAM, UHPTR,
 *     semaphore mailboxes, EXCC, the PPGTT directory, and with RCS the
 *     arbitration, ECO, cache mode, chicken and L3 registers and CCID),
 *     saved by reading them and restored by writing them.  A masked
 *     register (HSW_REG_MASKED: bits 31:16 enable the write of 15:0)
 *     reads its plain value; inst->eng[].regs holds the write that
 *     restores it, HSW_MASKED_FULL(value), so that every writer of the
 *     shadow (this file, the scheduler's flush and reset paths) restores
 *     all 16 bits on a GPU that ignores an unmasked write;
 *  2. on RCS, the render context: the GPU saves it into a context image
 *     and loads it from one with MI_SET_CONTEXT, as XenGT did.  Switching
 *     out, the helper runs, in the outgoing instance's view, MI_SET_CONTEXT
 *     of its own save area with RESTORE_INHIBIT (the GPU writes the VM's
 *     current context into the VM's image CCID names), then of a spare
 *     area (the GPU writes the live render state into the save area), and
 *     invalidates CCID: nothing of that VM is written after it leaves.
 *     Switching in, the helper runs, in the incoming instance's view,
 *     MI_SET_CONTEXT of its save area with FORCE_RESTORE (or, for an
 *     instance never switched out, RESTORE_INHIBIT plus loads of 0 into
 *     every render register a command may load: a null context, as
 *     XenGT's), then MI_SET_CONTEXT of the VM's own context when its CCID
 *     was valid, which makes CCID read what it read when the VM left.
 *     Both bracketed by MI_ARB_ON_OFF.
 *
 * The save area, its spare and the page the helper's commands run from
 * are the instance's helper-owned context area (VGT_HOST_CTX_OFF of its
 * helper slot, vgt-core.h): outside every range a VM's workload may
 * address, apart from the audit's copies of its commands.
 *
 * Order (XenGT's E.1): switch out = save the registers, save the render
 * context; switch in = restore the render context, then the registers.
 * A switch is skipped when the same instance keeps the engine; the cost of
 * each real switch (both halves) is measured and accounted to the
 * incoming instance.
 */
#include "vgt-core-priv.h"

/* Offsets in the instance's context area (see above). */
#define VGT_CTX_AREA_SIZE	(2 * HSW_CXT_SIZE + VGT_PAGE_SIZE)
#define VGT_CTX_SAVE_OFF	0u
#define VGT_CTX_SPARE_OFF	(VGT_CTX_SAVE_OFF + HSW_CXT_SIZE)
#define VGT_CTX_CMD_OFF		(VGT_CTX_SPARE_OFF + HSW_CXT_SIZE)
/* Last dword of the command page: the save area holds a saved context. */
#define VGT_CTX_MARK_OFF	(VGT_CTX_CMD_OFF + VGT_PAGE_SIZE - 4)
#define VGT_CTX_MARK		0x76677363u		/* "vgsc" */
#define VGT_CTX_CMDS_MAX	((VGT_PAGE_SIZE - 8) / 4)

#define VGT_CCID_ADDR		0xfffff000u
#define VGT_NULL_LRI_REGS	16

_Static_assert(VGT_CTX_AREA_SIZE <= VGT_HOST_CTX_SIZE,
	       "the render save area fits the helper's context area");

/* Where context-area offset @off is for the CPU and in the GM. */
static u8 *vgt_ctx_va(struct vgt_instance *inst, u32 off)
{
	return inst->host_mem + VGT_HOST_SLOT_BACKED + off;
}

static u64 vgt_ctx_gm(struct vgt_instance *inst, u32 off)
{
	return inst->host_gm.base + VGT_HOST_CTX_OFF + off;
}

void vgt_ctx_init(struct vgt_host *host)
{
	u32 e;

	for (e = 0; e < VGT_ENGINE_COUNT; e++)
		host->ctx_n[e] = hsw_engine_ctx_regs(e, host->ctx_reg[e],
						     host->ctx_flags[e]);
}

int vgt_ctx_reg_index(struct vgt_host *host, u32 engine, u32 offset)
{
	u32 i;

	for (i = 0; i < host->ctx_n[engine]; i++)
		if (host->ctx_reg[engine][i] == offset)
			return (int)i;
	return -1;
}

static bool vgt_ctx_masked(struct vgt_host *host, u32 engine, u32 i)
{
	return host->ctx_flags[engine][i] & HSW_REG_MASKED;
}

/* The shadow form of register i's value: the write that restores it. */
static u32 vgt_ctx_shadow(struct vgt_host *host, u32 engine, u32 i, u32 v)
{
	return vgt_ctx_masked(host, engine, i) ? HSW_MASKED_FULL(v) : v;
}

/* The value register i reads, from its shadow form. */
static u32 vgt_ctx_value(struct vgt_host *host, u32 engine, u32 i, u32 v)
{
	return vgt_ctx_masked(host, engine, i) ? v & 0xffff : v;
}

/* Power-on engine state of an instance (also after a hang or a reset). */
void vgt_ctx_reset_engine(struct vgt_instance *inst, u32 engine)
{
	struct vgt_host *host = inst->host;
	u32 i;

	for (i = 0; i < host->ctx_n[engine]; i++) {
		u32 off = host->ctx_reg[engine][i], v = 0;

		if (off == RING_MI_MODE(hsw_engines[engine].mmio_base))
			v = MODE_IDLE;
		inst->eng[engine].regs[i] = vgt_ctx_shadow(host, engine, i, v);
	}
	/* Its render context starts from the null context again. */
	if (engine == VGT_ENGINE_RCS && inst->host_mem)
		*(u32 *)vgt_ctx_va(inst, VGT_CTX_MARK_OFF) = 0;
}

/* Where the helper writes the commands it runs for @inst. */
static u32 *vgt_ctx_cmds(struct vgt_instance *inst)
{
	return (u32 *)vgt_ctx_va(inst, VGT_CTX_CMD_OFF);
}

/*
 * Run the @n helper commands at vgt_ctx_cmds on RCS in @inst's view (host
 * lock held).  Returns 0 when they completed.
 */
static int vgt_ctx_run(struct vgt_host *host, struct vgt_instance *inst,
		       u32 n)
{
	const struct vgt_gpu_ops *ops = host->gpu.ops;
	struct vgt_gpu_exec x;

	if (n & 1)
		vgt_ctx_cmds(inst)[n++] = 0;	/* MI_NOOP: a qword tail */
	memset(&x, 0, sizeof(x));
	x.start = vgt_ctx_gm(inst, VGT_CTX_CMD_OFF);
	x.len = n * 4;
	x.range[0].base = inst->mappable.base;
	x.range[0].size = inst->mappable.size;
	x.range[1].base = inst->nonmappable.base;
	x.range[1].size = inst->nonmappable.size;
	x.range[2].base = inst->host_gm.base + VGT_HOST_CTX_OFF;
	x.range[2].size = VGT_HOST_CTX_SIZE;
	x.nr_ranges = 3;
	x.opaque = inst;
	/* the GPU writes the VM's context image: its memory is dirty */
	x.wrote = inst->dirty_log ? vgt_dirty_wrote : NULL;
	x.scratch_dma = host->scratch_dma;
	x.max_cmds = n + 2;
	x.max_bytes = 0;
	if (!ops->engine_exec)
		return -1;
	ops->engine_exec(host->gpu.priv, VGT_ENGINE_RCS, &x);
	return x.status == VGT_EXEC_DONE ? 0 : -1;
}

static void vgt_ctx_failed(struct vgt_instance *inst, const char *what,
			   u32 ccid)
{
	if (inst->log_budget) {
		inst->log_budget--;
		vgt_log_warn("vgt%u: render context %s failed (CCID 0x%08x): its render state starts from the null context",
			     inst->id, what, ccid);
	}
}

/* RCS, switching out: the VM's context image and its live render state. */
static void vgt_ctx_render_save(struct vgt_host *host,
				struct vgt_instance *inst, u32 ccid)
{
	u64 save = vgt_ctx_gm(inst, VGT_CTX_SAVE_OFF);
	u64 spare = vgt_ctx_gm(inst, VGT_CTX_SPARE_OFF);
	u32 *mark = (u32 *)vgt_ctx_va(inst, VGT_CTX_MARK_OFF);
	u32 *cmd = vgt_ctx_cmds(inst), n = 0;

	*mark = 0;
	cmd[n++] = MI_ARB_ON_OFF_DISABLE;
	cmd[n++] = MI_SET_CONTEXT_DW0;
	cmd[n++] = (u32)save | MI_SC_KEEP | MI_SC_RESTORE_INHIBIT;
	cmd[n++] = MI_SET_CONTEXT_DW0;
	cmd[n++] = (u32)spare | MI_SC_KEEP | MI_SC_RESTORE_INHIBIT;
	cmd[n++] = MI_ARB_ON_OFF_ENABLE;
	if (!vgt_ctx_run(host, inst, n))
		*mark = VGT_CTX_MARK;
	else
		vgt_ctx_failed(inst, "save", ccid);
	/* Nothing is saved into this VM's areas once it has left. */
	host->gpu.ops->write32(host->gpu.priv, CCID, 0);
}

/* RCS, switching in: its render state, then its own context. */
static void vgt_ctx_render_restore(struct vgt_host *host,
				   struct vgt_instance *inst, u32 ccid)
{
	u64 save = vgt_ctx_gm(inst, VGT_CTX_SAVE_OFF);
	bool saved = *(u32 *)vgt_ctx_va(inst, VGT_CTX_MARK_OFF) ==
		     VGT_CTX_MARK;
	u32 *cmd = vgt_ctx_cmds(inst), n = 0, i, k, hdr = 0, cnt = 0;

	/* CCID names nothing: the first MI_SET_CONTEXT saves nothing. */
	host->gpu.ops->write32(host->gpu.priv, CCID, 0);
	cmd[n++] = MI_ARB_ON_OFF_DISABLE;
	cmd[n++] = MI_SET_CONTEXT_DW0;
	cmd[n++] = (u32)save | MI_SC_KEEP |
		   (saved ? MI_SC_FORCE_RESTORE : MI_SC_RESTORE_INHIBIT);
	/*
	 * The null context: 0 in every render register a command may load
	 * that the register list does not switch (RCS-only HSW_REG_CMD rows).
	 */
	for (i = 0; !saved && i < hsw_reg_nrows; i++) {
		const struct hsw_reg_row *row = &hsw_reg_rows[i];

		if (row->engines != HSW_ENGINE_BIT(HSW_RCS) ||
		    (row->flags & (HSW_REG_CMD | HSW_REG_CTX)) != HSW_REG_CMD)
			continue;
		for (k = 0; k < row->size; k += 4) {
			if (!cnt || cnt == VGT_NULL_LRI_REGS) {
				if (n + 1 + 2 * VGT_NULL_LRI_REGS + 8 >
				    VGT_CTX_CMDS_MAX)
					break;
				hdr = n++;
				cnt = 0;
			}
			cmd[n++] = row->offset + k;
			cmd[n++] = 0;
			cmd[hdr] = MI_LRI_DW0(++cnt);
		}
	}
	if (ccid & CCID_EN) {
		cmd[n++] = MI_SET_CONTEXT_DW0;
		cmd[n++] = (ccid & VGT_CCID_ADDR) | (ccid & MI_SC_KEEP);
	}
	cmd[n++] = MI_ARB_ON_OFF_ENABLE;
	if (vgt_ctx_run(host, inst, n)) {
		vgt_ctx_failed(inst, "restore", ccid);
		host->gpu.ops->write32(host->gpu.priv, CCID, 0);
	} else if (!(ccid & CCID_EN)) {
		host->gpu.ops->write32(host->gpu.priv, CCID, ccid);
	}
}

/* Save @engine's state into its owner and leave it with none. */
void vgt_ctx_switch_out_locked(struct vgt_host *host, u32 engine)
{
	const struct vgt_gpu_ops *ops = host->gpu.ops;
	u32 id = host->engine_owner[engine], i;
	struct vgt_instance *prev = NULL;
	int k;

	if (engine >= VGT_ENGINE_COUNT || !id)
		return;
	host->engine_owner[engine] = 0;
	if (id <= VGT_MAX_INSTANCES)
		prev = host->inst[id];
	if (!prev)
		return;
	for (i = 0; i < host->ctx_n[engine]; i++) {
		u32 v = ops->read32(host->gpu.priv, host->ctx_reg[engine][i]);

		prev->eng[engine].regs[i] = vgt_ctx_shadow(host, engine, i, v);
	}
	if (engine == VGT_ENGINE_RCS && prev->host_mem) {
		k = vgt_ctx_reg_index(host, engine, CCID);
		vgt_ctx_render_save(host, prev,
				    k < 0 ? 0 : prev->eng[engine].regs[k]);
	}
}

/* Load @next's state into @engine, which has no owner. */
static void vgt_ctx_switch_in_locked(struct vgt_host *host, u32 engine,
				     struct vgt_instance *next)
{
	const struct vgt_gpu_ops *ops = host->gpu.ops;
	u32 i;

	if (engine == VGT_ENGINE_RCS && next->host_mem) {
		int k = vgt_ctx_reg_index(host, engine, CCID);

		vgt_ctx_render_restore(host, next,
				       k < 0 ? 0 : next->eng[engine].regs[k]);
	}
	for (i = 0; i < host->ctx_n[engine]; i++) {
		u32 off = host->ctx_reg[engine][i];

		if (off == CCID && engine == VGT_ENGINE_RCS && next->host_mem)
			continue;	/* MI_SET_CONTEXT set it */
		ops->write32(host->gpu.priv, off, next->eng[engine].regs[i]);
	}
	host->engine_owner[engine] = next->id;
}

/* Host lock held, queue lock not. */
void vgt_ctx_switch_locked(struct vgt_host *host, u32 engine,
			   struct vgt_instance *next)
{
	u64 t0, dt;

	if (host->engine_owner[engine] == next->id) {
		vgt_mutex_lock(&host->qlock);
		host->hst.switches_skipped++;
		vgt_mutex_unlock(&host->qlock);
		return;
	}
	t0 = vgt_now_ns();
	vgt_ctx_switch_out_locked(host, engine);
	vgt_ctx_switch_in_locked(host, engine, next);
	host->slice_used[engine] = 0;
	dt = vgt_now_ns() - t0;
	vgt_mutex_lock(&host->qlock);		/* the accounting's lock */
	next->sst.switches++;
	next->sst.switch_ns += dt;
	host->hst.switches++;
	host->hst.switch_ns += dt;
	vgt_mutex_unlock(&host->qlock);
}

/*
 * Migration: an instance's engine state out and in.  Its values live in
 * inst->eng[].regs while another instance (or none) has the engine, on
 * the GPU while it has it.
 *
 * Masked registers (MI_MODE, INSTPM, the ring and cache modes, PSMI_CTL,
 * ARB_MODE, 3D_CHICKEN3, COMMON_SLICE_CHICKEN1): get returns the value the
 * register reads (bits 31:16 are 0); set takes such a value (bits 31:16
 * are ignored) and the next switch writes it with every enable bit set.
 * CCID is the guest's context: the next switch in on RCS loads that
 * context with MI_SET_CONTEXT from the VM's memory.  The render state of
 * a VM without a context is not carried (it starts from the null context).
 */
int vgt_inst_engine_regs_get(struct vgt_instance *inst, u32 engine,
			     struct vgt_engine_regs *st)
{
	struct vgt_host *host = inst->host;
	bool live;
	int ret = 0;
	u32 i;

	if (!st)
		return -VGT_E_INVAL;
	memset(st, 0, sizeof(*st));
	vgt_mutex_lock(&host->lock);
	if (engine >= VGT_ENGINE_COUNT) {
		ret = vgt_refuse(inst, VGT_E_ENGINE, "engine state", engine);
		goto out;
	}
	live = host->engine_owner[engine] == inst->id;
	st->engine = engine;
	st->nr_regs = host->ctx_n[engine];
	for (i = 0; i < host->ctx_n[engine]; i++) {
		u32 off = host->ctx_reg[engine][i];

		st->regs[i].offset = off;
		st->regs[i].value = live ?
			host->gpu.ops->read32(host->gpu.priv, off) :
			vgt_ctx_value(host, engine, i,
				      inst->eng[engine].regs[i]);
	}
out:
	vgt_mutex_unlock(&host->lock);
	return ret;
}

int vgt_inst_engine_regs_set(struct vgt_instance *inst,
			     const struct vgt_engine_regs *st)
{
	struct vgt_host *host = inst->host;
	int k[VGT_ENGINE_REGS_MAX];
	struct vgt_engine_state *es;
	bool busy;
	int ret = 0;
	u32 e, i;

	if (!st)
		return -VGT_E_INVAL;
	vgt_mutex_lock(&host->lock);
	e = st->engine;
	if (e >= VGT_ENGINE_COUNT) {
		ret = vgt_refuse(inst, VGT_E_ENGINE, "engine state", e);
		goto out;
	}
	if (st->nr_regs > VGT_ENGINE_REGS_MAX) {
		ret = vgt_refuse(inst, VGT_E_INVAL, "engine state count",
				 st->nr_regs);
		goto out;
	}
	for (i = 0; i < st->nr_regs; i++) {
		k[i] = vgt_ctx_reg_index(host, e, st->regs[i].offset);
		if (k[i] < 0) {
			ret = vgt_refuse(inst, VGT_E_REG, "engine state register",
					 st->regs[i].offset);
			goto out;
		}
	}
	/*
	 * The switch below may run helper commands on RCS: nothing else may
	 * run then.  Its own running workload is still counted as queued.
	 */
	vgt_exec_wait_idle(host);
	vgt_mutex_lock(&host->qlock);
	busy = inst->eng[e].count != 0;
	vgt_mutex_unlock(&host->qlock);
	if (busy) {
		ret = -VGT_E_BUSY;	/* the caller's timing, not abuse */
		goto out;
	}
	es = &inst->eng[e];
	/*
	 * Take its live values back (those not set keep them) and leave
	 * the engine without owner: the next switch loads them all.
	 */
	if (host->engine_owner[e] == inst->id)
		vgt_ctx_switch_out_locked(host, e);
	for (i = 0; i < st->nr_regs; i++)
		es->regs[k[i]] = vgt_ctx_shadow(host, e, (u32)k[i],
						st->regs[i].value);
out:
	vgt_mutex_unlock(&host->lock);
	return ret;
}
