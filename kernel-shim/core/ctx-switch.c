// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ctx-switch.c - switching an engine from one instance to another.
 *
 * Every instance has a shadow of the engine registers that make up its
 * engine state (hsw_engine_ctx_regs: HWS_PGA, HWSTAM, MI_MODE, INSTPM,
 * PSMI_CTL, PP_DIR_DCLV/BASE, RING_MODE and, on RCS, CCID and the cache
 * mode registers).  A switch saves the running instance's values from the
 * GPU and flushes the next one's; it is skipped when the same instance
 * keeps the engine.  The 3D state proper travels in the guest's own
 * render context images (MI_SET_CONTEXT).  The cost of each real switch is
 * measured and accounted to the incoming instance.
 */
#include "vgt-core-priv.h"

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

/* Power-on engine state of an instance (also after a hang or a reset). */
void vgt_ctx_reset_engine(struct vgt_instance *inst, u32 engine)
{
	struct vgt_host *host = inst->host;
	u32 i;

	for (i = 0; i < host->ctx_n[engine]; i++) {
		u32 off = host->ctx_reg[engine][i];

		inst->eng[engine].regs[i] =
			off == RING_MI_MODE(hsw_engines[engine].mmio_base) ?
			MODE_IDLE : 0;
	}
}

/* Host lock held, queue lock not. */
void vgt_ctx_switch_locked(struct vgt_host *host, u32 engine,
			   struct vgt_instance *next)
{
	const struct vgt_gpu_ops *ops = host->gpu.ops;
	void *gpu = host->gpu.priv;
	u32 prev_id = host->engine_owner[engine], i;
	struct vgt_instance *prev = NULL;
	u64 t0, dt;

	if (prev_id == next->id) {
		vgt_mutex_lock(&host->qlock);
		host->hst.switches_skipped++;
		vgt_mutex_unlock(&host->qlock);
		return;
	}
	t0 = vgt_now_ns();
	if (prev_id && prev_id <= VGT_MAX_INSTANCES)
		prev = host->inst[prev_id];
	if (prev)
		for (i = 0; i < host->ctx_n[engine]; i++)
			prev->eng[engine].regs[i] =
				ops->read32(gpu, host->ctx_reg[engine][i]);
	for (i = 0; i < host->ctx_n[engine]; i++)
		ops->write32(gpu, host->ctx_reg[engine][i],
			     next->eng[engine].regs[i]);
	host->engine_owner[engine] = next->id;
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
 * Masked registers (MI_MODE, INSTPM, RING_MODE, PSMI_CTL, the cache
 * modes): get returns the plain value the register reads (its mask half
 * reads 0).  set stores the value as given, and the next switch writes it
 * to the GPU raw, exactly as a switch restores every saved value
 * (vgt_ctx_switch_locked): so a set value takes effect just as well (on
 * the software Haswell) or as badly (a real GPU ignores an unmasked
 * write) as a saved one; the switch is where that is to be fixed.
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
			inst->eng[engine].regs[i];
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
	/* Under host->lock nothing runs: only the queue can be non-empty. */
	vgt_mutex_lock(&host->qlock);
	busy = inst->eng[e].count != 0;
	vgt_mutex_unlock(&host->qlock);
	if (busy) {
		ret = -VGT_E_BUSY;	/* the caller's timing, not abuse */
		goto out;
	}
	es = &inst->eng[e];
	if (host->engine_owner[e] == inst->id) {
		/*
		 * Take its live values back (those not set keep them) and
		 * forget the owner: the next switch loads them all.
		 */
		for (i = 0; i < host->ctx_n[e]; i++)
			es->regs[i] = host->gpu.ops->read32(host->gpu.priv,
							    host->ctx_reg[e][i]);
		host->engine_owner[e] = 0;
	}
	for (i = 0; i < st->nr_regs; i++)
		es->regs[k[i]] = st->regs[i].value;
out:
	vgt_mutex_unlock(&host->lock);
	return ret;
}
