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
