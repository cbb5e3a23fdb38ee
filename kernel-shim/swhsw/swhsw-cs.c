// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * swhsw-cs.c - the software Haswell's command streamers (RCS, VCS, BCS,
 * VECS; legacy ring submission, gen 7.5 encodings).
 *
 * A workload is a ring segment [start, start + len) in GGTT space; it may
 * enter a first-level batch with MI_BATCH_BUFFER_START (GGTT, or the PPGTT
 * when DW0 bit 8 is set), which may chain (another BB_START) or call a
 * second-level batch (DW0 bit 22); MI_BATCH_BUFFER_END returns.  Bit 8
 * also makes the batch's memory operands PPGTT addresses (unless a command
 * selects the GGTT); a batch that starts in the instance's shadow area (a
 * device-model copy) is fetched from the GGTT whatever bit 8 says.
 *
 * Executed: MI_NOOP, MI_USER_INTERRUPT, MI_BATCH_BUFFER_START/END,
 * MI_STORE_DATA_IMM, MI_STORE_DATA_INDEX (HWS page from HWS_PGA),
 * MI_LOAD_REGISTER_IMM/MEM (only the engine's shadowed registers; other
 * offsets are dropped and counted), MI_STORE_REGISTER_MEM, MI_FLUSH_DW and
 * PIPE_CONTROL post-sync writes (immediate, timestamp, depth count 0),
 * MI_SET_CONTEXT (RCS: save/restore of the context image), and on BCS the
 * blitter (swhsw-blt.c).  Other MI commands (arbitration, waits, flips,
 * semaphores) and all 3D/media state commands are parsed by length and
 * accepted without effect: nothing is rendered.  MI_UPDATE_GTT, unknown
 * command clients and 2D commands off the BCS are faults.
 *
 * Memory is reached only through swhsw-ppgtt.c (the running instance's
 * view); a failed access stops the workload with VGT_EXEC_FAULT.
 */
#include "swhsw-priv.h"
#include "hw/vgt.h"

#define MI_OP(dw)		(((dw) >> 23) & 0x3f)
#define MI_NOOP_OP		0x00
#define MI_USER_INTERRUPT_OP	0x02
#define MI_BB_END_OP		0x0a
#define MI_SET_CONTEXT_OP	0x18
#define MI_SDI_OP		0x20
#define MI_SDX_OP		0x21
#define MI_LRI_OP		0x22
#define MI_UPDATE_GTT_OP	0x23
#define MI_SRM_OP		0x24
#define MI_FLUSH_DW_OP		0x26
#define MI_LRM_OP		0x29
#define MI_BB_START_OP		0x31

#define MI_USE_GGTT		(1u << 22)	/* SDI, SRM, LRM */
#define MI_BB_PPGTT		(1u << 8)
#define MI_BB_2ND_LEVEL		(1u << 22)
#define MI_FLUSH_STORE_INDEX	(1u << 21)
#define MI_FLUSH_USE_GTT	(1u << 2)	/* in DW1 */
#define MI_SC_RESTORE_INHIBIT	(1u << 0)
#define MI_SC_FORCE_RESTORE	(1u << 1)
#define MI_SC_KEEP		((1u << 8) | (1u << 3) | (1u << 2))

#define PC_STORE_DATA_INDEX	(1u << 21)
#define PC_GLOBAL_GTT		(1u << 24)
#define POST_SYNC(dw)		(((dw) >> 14) & 3)	/* FLUSH_DW, PC */
#define POST_SYNC_IMM		1
#define POST_SYNC_DEPTH		2
#define POST_SYNC_TIMESTAMP	3

#define RING_TIMESTAMP(base)	((base) + 0x358)

/* Context image: the render registers the model keeps per context. */
static const u32 swhsw_ctx_regs[] = {
	CACHE_MODE_0_GEN7, CACHE_MODE_1, GEN7_GT_MODE,
	RING_INSTPM(RENDER_RING_BASE),
};
#define CTX_IMG_DWORDS	(3 + 2 * VGT_ARRAY_SIZE(swhsw_ctx_regs))

struct level {
	u64 ptr;
	u64 end;	/* 0: until MI_BATCH_BUFFER_END */
	bool ppgtt;	/* address space of the commands' operands */
	bool fetch_ppgtt;	/* address space the commands come from */
};

static u32 cmd_length(u32 dw0)
{
	u32 client = dw0 >> 29;

	switch (client) {
	case 0:
		if (MI_OP(dw0) < 0x10)
			return 1;
		if (MI_OP(dw0) == MI_LRI_OP)
			return (dw0 & 0xff) + 2;
		return (dw0 & 0x3f) + 2;
	case 2:
		return (dw0 & 0xff) + 2;
	case 3: {
		u32 sub = (dw0 >> 27) & 3, op = (dw0 >> 24) & 7;

		if (sub == 1 && op == 1)	/* PIPELINE_SELECT & co */
			return 1;
		if (sub == 2)			/* media */
			return (dw0 & 0xffff) + 2;
		return (dw0 & 0xff) + 2;
	}
	}
	return 0;	/* client 1, 4..7: not a Haswell command */
}

static void user_interrupt(struct swhsw_run *r)
{
	static const u32 gt_bit[4] = { GT_RENDER_USER_INTERRUPT,
				       GT_BSD_USER_INTERRUPT,
				       GT_BLT_USER_INTERRUPT, 0 };

	r->x->user_irqs++;
	if (r->engine == VGT_ENGINE_VECS)
		vgt_swhsw_raise_pm(r->sw, PM_VEBOX_USER_INTERRUPT);
	else
		vgt_swhsw_raise_gt(r->sw, gt_bit[r->engine]);
}

static u32 *regp(struct swhsw_run *r, u32 off)
{
	return &r->sw->regs[off / 4];
}

static void load_register(struct swhsw_run *r, u32 off, u32 val)
{
	off &= 0x7ffffc;
	if (hsw_engine_reg_allowed(r->engine, off, HSW_REG_LRI))
		*regp(r, off) = val;
	else
		r->sw->stats.lri_dropped++;
}

static u32 read_register(struct swhsw_run *r, u32 off)
{
	off &= 0x7ffffc;
	if (off == RING_TIMESTAMP(r->base))
		return (u32)r->sw->timestamp;
	if (hsw_engine_reg_allowed(r->engine, off, 0))
		return *regp(r, off);
	return 0;
}

static u64 hws_base(struct swhsw_run *r)
{
	return *regp(r, hsw_engine_hws_pga(r->engine)) & ~0xfffu;
}

static int post_sync(struct swhsw_run *r, u32 op, bool ppgtt, u64 addr,
		     const u32 *data, u32 ndata)
{
	u64 v;

	switch (op) {
	case POST_SYNC_IMM:
		return swhsw_mem_write(r, ppgtt, addr, data, ndata * 4);
	case POST_SYNC_DEPTH:
		v = 0;
		return swhsw_mem_write(r, ppgtt, addr & ~7ull, &v, 8);
	case POST_SYNC_TIMESTAMP:
		v = r->sw->timestamp;
		return swhsw_mem_write(r, ppgtt, addr & ~7ull, &v, 8);
	}
	return 0;
}

static int do_set_context(struct swhsw_run *r, const u32 *c)
{
	u32 img[CTX_IMG_DWORDS];
	u32 cur = *regp(r, CCID), i, n = VGT_ARRAY_SIZE(swhsw_ctx_regs);
	u64 addr = c[1] & ~0xfffu;
	bool same = (cur & CCID_EN) && (cur & ~0xfffu) == addr;

	if (r->engine != VGT_ENGINE_RCS)
		return -1;
	/* The whole 17-page image must be the instance's. */
	if (!swhsw_xlate(r, false, addr, 4) ||
	    !swhsw_xlate(r, false, addr + HSW_CXT_SIZE - 4, 4))
		return -1;
	if (same && !(c[1] & MI_SC_FORCE_RESTORE))
		goto out;
	if ((cur & CCID_EN) && !same) {
		img[0] = 0;			/* MI_NOOP */
		img[1] = 0x11000000 | (2 * n - 1);
		for (i = 0; i < n; i++) {
			img[2 + 2 * i] = swhsw_ctx_regs[i];
			img[3 + 2 * i] = *regp(r, swhsw_ctx_regs[i]);
		}
		img[2 + 2 * n] = 0x05000000;	/* MI_BATCH_BUFFER_END */
		if (swhsw_mem_write(r, false, cur & ~0xfffu, img, sizeof(img)))
			return -1;
	}
	if (!(c[1] & MI_SC_RESTORE_INHIBIT)) {
		if (swhsw_mem_read(r, false, addr, img, sizeof(img)))
			return -1;
		/* Only an image in the model's format carries state. */
		if (img[1] == (0x11000000 | (2 * n - 1)))
			for (i = 0; i < n; i++)
				if (img[2 + 2 * i] == swhsw_ctx_regs[i])
					*regp(r, swhsw_ctx_regs[i]) =
						img[3 + 2 * i];
	}
out:
	*regp(r, CCID) = (u32)addr | (c[1] & MI_SC_KEEP) | CCID_EN;
	return 0;
}

/* One MI command (client 0); 0, -1 fault, 1 for the caller (BB ops). */
static int exec_mi(struct swhsw_run *r, const u32 *c, u32 len, bool ppgtt)
{
	u32 op = MI_OP(c[0]), i;
	u64 addr;

	switch (op) {
	case MI_USER_INTERRUPT_OP:
		user_interrupt(r);
		return 0;
	case MI_SET_CONTEXT_OP:
		return do_set_context(r, c);
	case MI_SDI_OP:		/* DW1 reserved, DW2 address, DW3.. data */
		if (len < 4)
			return -1;
		return swhsw_mem_write(r, (c[0] & MI_USE_GGTT) ? false : ppgtt,
				       c[2] & ~3u, &c[3], (len - 3) * 4);
	case MI_SDX_OP:		/* DW1 offset in the HWS page, DW2.. data */
		if (len < 3)
			return -1;
		addr = hws_base(r) + (c[1] & 0xffc);
		return swhsw_mem_write(r, false, addr, &c[2],
				       (len - 2) * 4 > 8 ? 8 : (len - 2) * 4);
	case MI_LRI_OP:
		for (i = 1; i + 1 < len; i += 2)
			load_register(r, c[i], c[i + 1]);
		return 0;
	case MI_SRM_OP: {
		u32 v;

		if (len < 3)
			return -1;
		v = read_register(r, c[1]);
		return swhsw_mem_write(r, (c[0] & MI_USE_GGTT) ? false : ppgtt,
				       c[2] & ~3u, &v, 4);
	}
	case MI_LRM_OP: {
		u32 v;

		if (len < 3 ||
		    swhsw_mem_read(r, (c[0] & MI_USE_GGTT) ? false : ppgtt,
				   c[2] & ~3u, &v, 4))
			return -1;
		load_register(r, c[1], v);
		return 0;
	}
	case MI_FLUSH_DW_OP: {
		bool ggtt = (c[1] & MI_FLUSH_USE_GTT) ||
			    (c[0] & MI_FLUSH_STORE_INDEX);

		if (len < 3 || !POST_SYNC(c[0]))
			return 0;
		addr = (c[0] & MI_FLUSH_STORE_INDEX) ?
			hws_base(r) + (c[1] & 0xff8) : (c[1] & ~7u);
		return post_sync(r, POST_SYNC(c[0]), ggtt ? false : ppgtt,
				 addr, &c[2], len >= 4 ? 2 : 1);
	}
	case MI_UPDATE_GTT_OP:
		return -1;	/* never from a VM */
	case MI_BB_END_OP:
	case MI_BB_START_OP:
		return 1;
	}
	return 0;	/* accepted, no effect */
}

static int exec_gfx(struct swhsw_run *r, const u32 *c, u32 len, bool ppgtt)
{
	u32 flags;
	u64 addr;

	/* PIPE_CONTROL: 3D subtype 3, opcode 2, sub-opcode 0. */
	if ((c[0] & 0xffff0000) != 0x7a000000 || len < 4)
		return 0;	/* 3D/media state: parsed, not rendered */
	flags = c[1];
	if (!POST_SYNC(flags))
		return 0;
	if (flags & PC_STORE_DATA_INDEX)
		addr = hws_base(r) + (c[2] & 0xff8);
	else
		addr = c[2] & ~3u;
	return post_sync(r, POST_SYNC(flags),
			 (flags & (PC_GLOBAL_GTT | PC_STORE_DATA_INDEX)) ?
			 false : ppgtt, addr, &c[3], len >= 5 ? 2 : 1);
}

void swhsw_engine_exec(void *opaque, u32 engine, struct vgt_gpu_exec *x)
{
	struct vgt_swhsw *sw = opaque;
	struct swhsw_run r = { .sw = sw, .x = x };
	struct level stack[3];
	int depth = 0;

	x->status = VGT_EXEC_DONE;
	x->cmds = 0;
	x->bytes = 0;
	x->user_irqs = 0;
	x->fault_cmd = 0;
	x->fault_addr = 0;
	if (engine >= VGT_ENGINE_COUNT || x->len & 3) {
		x->status = VGT_EXEC_FAULT;
		return;
	}
	r.engine = engine;
	r.base = hsw_engine_base(engine);
	stack[0].ptr = x->start;
	stack[0].end = x->start + x->len;
	stack[0].ppgtt = false;
	stack[0].fetch_ppgtt = false;

	vgt_mutex_lock(&sw->dma_lock);
	sw->irq_hold = true;
	while (!r.failed) {
		struct level *l = &stack[depth];
		u32 *c = sw->cmd, len;
		int ret = 0;

		if (depth == 0 && l->ptr >= l->end)
			break;			/* segment done */
		if (++x->cmds > x->max_cmds) {
			x->status = VGT_EXEC_HANG;
			break;
		}
		sw->timestamp += 80;		/* ~12.5 MHz-ish model clock */
		if (swhsw_mem_read(&r, l->fetch_ppgtt, l->ptr, c, 4))
			break;
		len = cmd_length(c[0]);
		if (!len || (depth == 0 && len * 4 > l->end - l->ptr)) {
			x->fault_cmd = c[0];
			swhsw_fault(&r, l->ptr);
			break;
		}
		/* 3D/media state is skipped by length without reading it. */
		if ((c[0] >> 29) == 3 && (c[0] & 0xffff0000) != 0x7a000000) {
			l->ptr += (u64)len * 4;
			continue;
		}
		if (len > SWHSW_CMD_MAX) {
			x->fault_cmd = c[0];
			swhsw_fault(&r, l->ptr);
			break;
		}
		if (len > 1 &&
		    swhsw_mem_read(&r, l->fetch_ppgtt, l->ptr + 4, c + 1,
				   (len - 1) * 4))
			break;
		l->ptr += (u64)len * 4;

		switch (c[0] >> 29) {
		case 0:
			ret = exec_mi(&r, c, len, l->ppgtt);
			break;
		case 2:
			ret = engine == VGT_ENGINE_BCS ?
			      swhsw_blt_exec(&r, c, len, l->ppgtt) : -1;
			break;
		case 3:
			ret = exec_gfx(&r, c, len, l->ppgtt);
			break;
		}
		if (ret < 0) {
			x->fault_cmd = c[0];
			swhsw_fault(&r, l->ptr - (u64)len * 4);
			break;
		}
		if (ret == 1 && MI_OP(c[0]) == MI_BB_END_OP) {
			if (depth == 0)
				break;		/* end of the workload */
			depth--;
		} else if (ret == 1) {		/* MI_BATCH_BUFFER_START */
			struct level next = {
				.ptr = c[1] & ~3u, .end = 0,
				.ppgtt = !!(c[0] & MI_BB_PPGTT),
			};
			bool shadow = next.ptr >= x->shadow_base &&
				      next.ptr - x->shadow_base < x->shadow_size;

			/* Shadow copies are fetched from the GGTT. */
			next.fetch_ppgtt = next.ppgtt && !shadow;

			if (depth == 0 || (depth == 1 && (c[0] & MI_BB_2ND_LEVEL)))
				depth++;	/* call */
			stack[depth] = next;	/* else: chain */
		}
		if (x->bytes > x->max_bytes) {
			x->status = VGT_EXEC_HANG;
			break;
		}
	}
	if (r.failed)
		sw->stats.engine_faults++;
	sw->irq_hold = false;
	vgt_mutex_unlock(&sw->dma_lock);
}
