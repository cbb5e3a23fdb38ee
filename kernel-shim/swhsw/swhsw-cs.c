// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * swhsw-cs.c - the software Haswell's command streamers (RCS, VCS, BCS,
 * VECS; legacy ring submission, gen 7.5 encodings).
 *
 * A workload is a ring segment [start, start + len) in GGTT space; it may
 * call a first-level batch with MI_BATCH_BUFFER_START, which may chain or
 * call a second-level batch; MI_BATCH_BUFFER_END returns.  Commands are
 * decoded with hsw-cmd.h, the decoder the device's command scanner uses:
 * lengths, which batches are privileged, in which address space a batch
 * and each memory operand live.  One rule is the helper's own: a batch
 * that starts in the instance's shadow area (where the device places the
 * copies it scanned) is fetched from the GGTT whatever its address space
 * bit says, as if the shadow area were mapped at the same address in
 * every PPGTT; the bit keeps its meaning for the batch's privilege and
 * implicit operands.
 *
 * Executed: MI_USER_INTERRUPT, MI_BATCH_BUFFER_START/END,
 * MI_STORE_DATA_IMM, MI_STORE_DATA_INDEX (HWS page from HWS_PGA),
 * MI_LOAD_REGISTER_IMM/MEM/REG (kept for the engine's per-VM registers,
 * HSW_REG_CTX rows, and the render context's registers; other loads are
 * dropped and counted; a masked register honours the write enables),
 * MI_STORE_REGISTER_MEM, MI_FLUSH_DW and PIPE_CONTROL post-sync writes
 * (immediate, timestamp, depth count 0), MI_SET_CONTEXT (RCS: save and
 * restore of the context image), and on BCS the blitter (swhsw-blt.c).
 *
 * The render context (what MI_SET_CONTEXT saves into the image of the
 * context CCID names and loads from the next one's) is, in the model,
 * INSTPM, the cache and GT modes and every render register a command may
 * load that is not switched per VM by the helper (HSW_REG_CMD rows of RCS
 * alone: predicates, 3DPRIM, GPGPU dispatch, the GPRs, statistics and
 * stream-out counters, the command-loadable L3 registers), as on a real
 * Haswell whose context image holds that state.  The image is in the
 * model's format: an MI_LOAD_REGISTER_IMM of those registers (masked ones
 * with all enables set) followed by MI_BATCH_BUFFER_END.
 * Other commands the decoder knows (arbitration, waits, flips, predicates,
 * conditional ends, all 3D/media state) are accepted without effect:
 * nothing is rendered.  Commands it refuses are faults.
 *
 * Memory is reached only through swhsw-ppgtt.c (the running instance's
 * view); a failed access stops the workload with VGT_EXEC_FAULT.
 *
 * Preemption (vgt-gpu.h): when the caller gives a preempt callback and a
 * resume area, the engine asks the callback every SWHSW_PREEMPT_CMDS
 * commands, at a command boundary, and the blitter between row bands
 * (swhsw-blt.c); when it says so, the engine stops there and saves what it
 * needs to go on into the resume area (struct swhsw_resume): the batch
 * stack (each level's next command, the ring segment's end, level,
 * privilege and address spaces), the XY_SETUP_BLT state, a blit's
 * decoded rectangle and next row, and the budgets used.  Only GM
 * positions: the commands are fetched again through the GTT, which the
 * caller restores (with the engine registers) before it resumes.
 */
#include "swhsw-priv.h"
#include "hw/vgt-helper-abi.h"

/* Context image: the render registers the model keeps per context. */
static const u32 swhsw_ctx_base_regs[] = {
	CACHE_MODE_0_GEN7, CACHE_MODE_1, GEN7_GT_MODE,
	RING_INSTPM(RENDER_RING_BASE),
};

static bool ctx_img_has(struct vgt_swhsw *sw, u32 off)
{
	u32 i;

	for (i = 0; i < sw->nr_ctx_img; i++)
		if (sw->ctx_img_reg[i] == off)
			return true;
	return false;
}

static void ctx_img_add(struct vgt_swhsw *sw, u32 off)
{
	if (!ctx_img_has(sw, off) && sw->nr_ctx_img < SWHSW_CTX_IMG_REGS)
		sw->ctx_img_reg[sw->nr_ctx_img++] = off;
}

void swhsw_ctx_img_init(struct vgt_swhsw *sw)
{
	u32 i, off;

	sw->nr_ctx_img = 0;
	for (i = 0; i < VGT_ARRAY_SIZE(swhsw_ctx_base_regs); i++)
		ctx_img_add(sw, swhsw_ctx_base_regs[i]);
	for (i = 0; i < hsw_reg_nrows; i++) {
		const struct hsw_reg_row *row = &hsw_reg_rows[i];

		if (row->engines != HSW_ENGINE_BIT(HSW_RCS) ||
		    (row->flags & (HSW_REG_CMD | HSW_REG_CTX)) != HSW_REG_CMD)
			continue;
		for (off = 0; off < row->size; off += 4)
			ctx_img_add(sw, row->offset + off);
	}
}

static bool in_ctx_img(struct swhsw_run *r, u32 off)
{
	return r->engine == HSW_RCS && ctx_img_has(r->sw, off);
}

static void user_interrupt(struct swhsw_run *r)
{
	const struct hsw_engine *e = &hsw_engines[r->engine];

	r->x->user_irqs++;
	if (e->irq_bank == HSW_IRQ_PM)
		vgt_swhsw_raise_pm(r->sw, e->user_irq);
	else
		vgt_swhsw_raise_gt(r->sw, e->user_irq);
}

static u32 *regp(struct swhsw_run *r, u32 off)
{
	return &r->sw->regs[off / 4];
}

/* A register load that is kept, as the register file's write would. */
static void store_reg(struct vgt_swhsw *sw, u32 off, u32 val)
{
	if (swhsw_reg_masked(sw, off))
		swhsw_masked_store(sw, off, val);
	else	/* whole words: other engines' threads read the file too */
		__atomic_store_n(&sw->regs[off / 4], val, __ATOMIC_RELAXED);
}

/*
 * Only per-VM state is kept: the model has one register file for every
 * instance; the helper switches the HSW_REG_CTX rows, MI_SET_CONTEXT the
 * render context's registers.
 */
static void load_register(struct swhsw_run *r, u32 off, u32 val)
{
	u32 need = HSW_REG_CMD | HSW_REG_CTX, f;

	off &= MI_REG_MASK;
	f = hsw_reg_flags(r->engine, off);
	if ((f & need) == need || ((f & HSW_REG_CMD) && in_ctx_img(r, off)))
		store_reg(r->sw, off, val);
	else
		vgt_atomic_inc64(&r->sw->stats.lri_dropped);
}

static u32 read_register(struct swhsw_run *r, u32 off)
{
	off &= MI_REG_MASK;
	if (off == RING_TIMESTAMP(r->base))
		return (u32)r->sw->eng[r->engine].timestamp;
	if ((hsw_reg_flags(r->engine, off) & HSW_REG_CTX) ||
	    in_ctx_img(r, off))
		return __atomic_load_n(regp(r, off), __ATOMIC_RELAXED);
	return 0;
}

static u64 hws_base(struct swhsw_run *r)
{
	return *regp(r, hsw_engines[r->engine].hws_pga) & HSW_HWS_PGA_ADDR_MASK;
}

static int do_set_context(struct swhsw_run *r, const u32 *c)
{
	struct vgt_swhsw *sw = r->sw;
	u32 *img = sw->ctx_img, n = sw->nr_ctx_img, hdr, i, v;
	u32 cur = *regp(r, CCID), size = (3 + 2 * n) * 4;
	u64 addr = c[1] & ~0xfffu;
	bool same = (cur & CCID_EN) && (cur & ~0xfffu) == addr;

	if (r->engine != VGT_ENGINE_RCS)
		return -1;
	hdr = 0x11000000 | (2 * n - 1);		/* MI_LOAD_REGISTER_IMM */
	/* The whole 17-page image must be the instance's. */
	if (!swhsw_xlate(r, false, addr, 4, false) ||
	    !swhsw_xlate(r, false, addr + HSW_CXT_SIZE - 4, 4, false))
		return -1;
	if (same && !(c[1] & MI_SC_FORCE_RESTORE))
		goto out;
	if ((cur & CCID_EN) && !same) {
		/* save the current context into its own image */
		img[0] = 0;			/* MI_NOOP */
		img[1] = hdr;
		for (i = 0; i < n; i++) {
			v = *regp(r, sw->ctx_img_reg[i]);
			img[2 + 2 * i] = sw->ctx_img_reg[i];
			img[3 + 2 * i] = swhsw_reg_masked(sw, sw->ctx_img_reg[i]) ?
					 HSW_MASKED_FULL(v) : v;
		}
		img[2 + 2 * n] = 0x05000000;	/* MI_BATCH_BUFFER_END */
		if (swhsw_mem_write(r, false, cur & ~0xfffu, img, size))
			return -1;
	}
	if (!(c[1] & MI_SC_RESTORE_INHIBIT)) {
		if (swhsw_mem_read(r, false, addr, img, size))
			return -1;
		/* Only an image in the model's format carries state. */
		if (img[1] == hdr)
			for (i = 0; i < n; i++)
				if (img[2 + 2 * i] == sw->ctx_img_reg[i])
					store_reg(sw, sw->ctx_img_reg[i],
						  img[3 + 2 * i]);
	}
out:
	*regp(r, CCID) = (u32)addr | (c[1] & MI_SC_KEEP) | CCID_EN;
	return 0;
}

/* Write a command's memory operand (a store or a post-sync write). */
static int write_operand(struct swhsw_run *r, const u32 *c,
			 const struct hsw_cmd_operand *op)
{
	u64 v = 0, addr = op->addr;
	const void *data = &v;
	bool ppgtt = op->space == HSW_SPACE_PPGTT;

	switch (op->source) {
	case HSW_SRC_IMM:
		data = &c[op->data];
		break;
	case HSW_SRC_REG:
		v = read_register(r, c[op->data]);
		break;
	case HSW_SRC_TIMESTAMP:
		v = r->sw->eng[r->engine].timestamp;
		break;
	case HSW_SRC_DEPTH_COUNT:
		break;
	default:
		return 0;
	}
	if (op->space == HSW_SPACE_HWSP)
		addr += hws_base(r);
	return swhsw_mem_write(r, ppgtt, addr, data, op->len);
}

/* Execute one decoded command (not a batch start or end). */
static int exec_cmd(struct swhsw_run *r, const struct hsw_cmd *cmd,
		    const u32 *c, const struct hsw_cs_stream *st,
		    const struct hsw_cmd_operand *op, int nops)
{
	u32 i, v;

	switch (cmd->desc->kind) {
	case HSW_CMD_USER_INTERRUPT:
		user_interrupt(r);
		return 0;
	case HSW_CMD_SET_CONTEXT:
		return do_set_context(r, c);
	case HSW_CMD_LOAD_REGISTER_IMM:
		for (i = 1; i + 1 < cmd->len; i += 2)
			load_register(r, c[i], c[i + 1]);
		return 0;
	case HSW_CMD_LOAD_REGISTER_MEM:
		if (swhsw_mem_read(r, op->space == HSW_SPACE_PPGTT, op->addr,
				   &v, 4))
			return -1;
		load_register(r, c[1], v);
		return 0;
	case HSW_CMD_LOAD_REGISTER_REG:
		load_register(r, c[2], read_register(r, c[1]));
		return 0;
	case HSW_CMD_XY_SETUP_BLT:
	case HSW_CMD_XY_SETUP_CLIP_BLT:
	case HSW_CMD_XY_TEXT_IMMEDIATE_BLT:
	case HSW_CMD_XY_COLOR_BLT:
	case HSW_CMD_XY_SRC_COPY_BLT:
		return swhsw_blt_exec(r, cmd, c, st);
	}
	if (nops && op->write)
		return write_operand(r, c, op);
	return 0;	/* accepted, no effect */
}

static bool in_shadow(const struct vgt_gpu_exec *x, u64 gma)
{
	return gma >= x->shadow_base && gma - x->shadow_base < x->shadow_size;
}

#define SWHSW_LEVELS	3	/* ring, first- and second-level batch */

struct swhsw_level {
	u64 ptr;
	u64 end;		/* the ring segment's end; 0 in batches */
	struct hsw_cs_stream st;
	bool fetch_ppgtt;	/* address space the commands come from */
};

/* A preempted workload, in its vgt_exec_resume (vgt-gpu.h). */
#define SWHSW_RESUME_MAGIC	0x73777270u	/* "swrp" */
struct swhsw_resume {
	u32 magic;
	u32 engine;
	u64 start;		/* the workload it belongs to */
	u32 len;
	s32 depth;
	u64 cmds;
	u64 bytes;
	u32 user_irqs;
	struct swhsw_level stack[SWHSW_LEVELS];
	struct hsw_blt_setup blt_setup;
	bool blt_pending;
	u32 blt_kind;
	u32 blt_row;
	struct hsw_blt blt;
};

_Static_assert(sizeof(struct swhsw_resume) <= sizeof(struct vgt_exec_resume),
	       "the software Haswell's resume state fits the core's area");

bool swhsw_preempt_due(struct swhsw_run *r)
{
	const struct vgt_gpu_exec *x = r->x;

	return x->preempt && x->resume && x->preempt(x->preempt_opaque);
}

static void resume_save(struct swhsw_run *r, u32 engine,
			const struct swhsw_level *stack, int depth)
{
	struct vgt_gpu_exec *x = r->x;
	struct swhsw_resume rs;

	memset(&rs, 0, sizeof(rs));
	rs.magic = SWHSW_RESUME_MAGIC;
	rs.engine = engine;
	rs.start = x->start;
	rs.len = x->len;
	rs.depth = depth;
	rs.cmds = x->cmds;
	rs.bytes = x->bytes;
	rs.user_irqs = x->user_irqs;
	memcpy(rs.stack, stack, sizeof(rs.stack));
	rs.blt_setup = r->blt_setup;
	rs.blt_pending = r->blt_pending;
	rs.blt_kind = r->blt_kind;
	rs.blt_row = r->blt_row;
	rs.blt = r->blt;
	memcpy(x->resume, &rs, sizeof(rs));
	x->status = VGT_EXEC_PREEMPTED;
}

/* 0, or -1 when the area does not hold this workload's state. */
static int resume_load(struct swhsw_run *r, u32 engine,
		       struct swhsw_level *stack, int *depth)
{
	struct vgt_gpu_exec *x = r->x;
	struct swhsw_resume rs;

	memcpy(&rs, x->resume, sizeof(rs));
	if (rs.magic != SWHSW_RESUME_MAGIC || rs.engine != engine ||
	    rs.start != x->start || rs.len != x->len ||
	    rs.depth < 0 || rs.depth >= SWHSW_LEVELS)
		return -1;
	*depth = rs.depth;
	memcpy(stack, rs.stack, sizeof(rs.stack));
	x->cmds = rs.cmds;
	x->bytes = rs.bytes;
	x->user_irqs = rs.user_irqs;
	r->blt_setup = rs.blt_setup;
	r->blt_pending = rs.blt_pending;
	r->blt_kind = rs.blt_kind;
	r->blt_row = rs.blt_row;
	r->blt = rs.blt;
	return 0;
}

void swhsw_engine_exec(void *opaque, u32 engine, struct vgt_gpu_exec *x)
{
	struct vgt_swhsw *sw = opaque;
	struct swhsw_run r = { .sw = sw, .x = x };
	struct swhsw_level stack[SWHSW_LEVELS];
	u32 since_check = 0;
	int depth = 0;
	bool excl;

	x->status = VGT_EXEC_DONE;
	x->cmds = 0;
	x->bytes = 0;
	x->user_irqs = 0;
	x->fault_cmd = 0;
	x->fault_addr = 0;
	if (engine >= HSW_NUM_ENGINES || x->len & 3) {
		x->status = VGT_EXEC_FAULT;
		return;
	}
	r.engine = engine;
	r.base = hsw_engines[engine].mmio_base;
	memset(stack, 0, sizeof(stack));
	if (x->resuming) {
		if (!x->resume || resume_load(&r, engine, stack, &depth)) {
			x->status = VGT_EXEC_FAULT;
			x->fault_addr = x->start;
			return;
		}
	} else {
		stack[0].ptr = x->start;
		stack[0].end = x->start + x->len;
		hsw_cs_stream_ring(&stack[0].st);
		stack[0].fetch_ppgtt = false;
	}

	excl = swhsw_mem_hold(sw);
	__atomic_fetch_add(&sw->irq_hold, 1, __ATOMIC_SEQ_CST);
	/* A blit stopped between bands goes on first, where it stopped. */
	if (r.blt_pending) {
		if (swhsw_blt_resume(&r) < 0) {
			x->fault_cmd = r.blt.dw0;
			swhsw_fault(&r, stack[depth].ptr);
		} else if (x->bytes > x->max_bytes) {
			x->status = VGT_EXEC_HANG;
		}
	}
	while (!r.failed && !r.preempted && x->status == VGT_EXEC_DONE) {
		struct swhsw_level *l = &stack[depth];
		struct hsw_cmd_trace t;
		struct hsw_cs_stream next;
		struct hsw_cmd cmd;
		const char *why;
		u32 *c = sw->eng[engine].cmd;
		bool call;
		int ret;

		if (depth == 0 && l->ptr >= l->end)
			break;			/* segment done */
		/* A command boundary: the scheduler may want the engine. */
		if (++since_check > SWHSW_PREEMPT_CMDS) {
			since_check = 0;
			if (swhsw_preempt_due(&r)) {
				r.preempted = true;
				break;
			}
		}
		if (++x->cmds > x->max_cmds) {
			x->status = VGT_EXEC_HANG;
			break;
		}
		sw->eng[engine].timestamp += 80;	/* ~12.5 MHz model clock */
		if (swhsw_mem_read(&r, l->fetch_ppgtt, l->ptr, c, 4))
			break;
		t.gma = l->ptr;
		t.dw0 = c[0];
		t.st = l->st;
		t.nops = 0;
		if (hsw_cmd_decode(c[0], engine, &cmd) ||
		    (depth == 0 && (u64)cmd.len * 4 > l->end - l->ptr)) {
			x->fault_cmd = c[0];
			swhsw_fault(&r, l->ptr);
			break;
		}
		t.len = cmd.len;
		if (hsw_cmd_is_skipped(&cmd)) {
			/* decoded by length only: not even read */
			l->ptr += (u64)cmd.len * 4;
			if (x->trace)
				x->trace(x->trace_opaque, &t);
			continue;
		}
		/*
		 * A denied command is refused unread, and nothing longer
		 * than the buffer is read: the device's scanner never
		 * passes either, but a helper client need not be QEMU.
		 */
		if (cmd.desc->kind == HSW_CMD_DENIED ||
		    cmd.len > SWHSW_CMD_MAX) {
			x->fault_cmd = c[0];
			swhsw_fault(&r, l->ptr);
			break;
		}
		if (cmd.len > 1 &&
		    swhsw_mem_read(&r, l->fetch_ppgtt, l->ptr + 4, c + 1,
				   (cmd.len - 1) * 4))
			break;
		l->ptr += (u64)cmd.len * 4;
		t.nops = hsw_cmd_operands(&cmd, c, &l->st, &t.op, &why);
		if (t.nops < 0) {
			x->fault_cmd = c[0];
			swhsw_fault(&r, l->ptr - (u64)cmd.len * 4);
			break;
		}
		if (x->trace)
			x->trace(x->trace_opaque, &t);

		if (cmd.desc->kind == HSW_CMD_BB_END) {
			if (hsw_cs_batch_end(&l->st, &why)) {
				x->fault_cmd = c[0];
				swhsw_fault(&r, l->ptr - 4);
				break;
			}
			depth--;
			continue;
		}
		if (cmd.desc->kind == HSW_CMD_BB_START) {
			u64 target = c[1] & MI_BATCH_ADDR_MASK;

			if (hsw_cs_batch_start(&l->st, c[0], &next, &call,
					       &why)) {
				x->fault_cmd = c[0];
				swhsw_fault(&r, l->ptr - 8);
				break;
			}
			if (call)
				depth++;	/* else: chain, same level */
			stack[depth].ptr = target;
			stack[depth].end = 0;
			stack[depth].st = next;
			stack[depth].fetch_ppgtt = next.ppgtt &&
						   !in_shadow(x, target);
			continue;
		}
		ret = exec_cmd(&r, &cmd, c, &l->st, &t.op, t.nops);
		if (ret < 0) {
			x->fault_cmd = c[0];
			swhsw_fault(&r, l->ptr - (u64)cmd.len * 4);
			break;
		}
		if (x->bytes > x->max_bytes) {
			x->status = VGT_EXEC_HANG;
			break;
		}
	}
	if (r.preempted && !r.failed && x->status == VGT_EXEC_DONE)
		resume_save(&r, engine, stack, depth);
	if (r.failed)
		vgt_atomic_inc64(&sw->stats.engine_faults);
	__atomic_fetch_sub(&sw->irq_hold, 1, __ATOMIC_SEQ_CST);
	swhsw_dma_release_locked(sw);
	swhsw_mem_unhold(sw, excl);
}

/*
 * The bare GPU's rings (swhsw.h): legacy ring buffers started by their
 * registers, as i915's intel_ring_submission.c drives a real Haswell.
 */
static u32 *ring_reg(struct vgt_swhsw *sw, u32 off)
{
	return &sw->regs[off / 4];
}

/* Kick @engine if its ring is valid, running and has work. */
static void ring_check(struct vgt_swhsw *sw, u32 engine)
{
	u32 base = hsw_engines[engine].mmio_base, bit = HSW_ENGINE_BIT(engine);

	if (!(*ring_reg(sw, RING_CTL(base)) & RING_VALID) ||
	    (*ring_reg(sw, RING_MI_MODE(base)) & STOP_RING) ||
	    ((sw->ring_hung | sw->ring_kicked) & bit) ||
	    (*ring_reg(sw, RING_HEAD(base)) & HEAD_ADDR) ==
	    (*ring_reg(sw, RING_TAIL(base)) & TAIL_ADDR))
		return;
	sw->ring_kicked |= bit;
	sw->ring_kick(sw->ring_opaque);
}

static int ring_engine(u32 offset)
{
	return hsw_engine_of_base(offset & ~(HSW_RING_BLOCK_SIZE - 1));
}

/* GDRST of @engine's domain: its ring registers at reset, not running. */
static void ring_reset(struct vgt_swhsw *sw, u32 engine)
{
	u32 base = hsw_engines[engine].mmio_base, bit = HSW_ENGINE_BIT(engine);

	*ring_reg(sw, RING_TAIL(base)) = 0;
	*ring_reg(sw, RING_HEAD(base)) = 0;
	*ring_reg(sw, RING_START(base)) = 0;
	*ring_reg(sw, RING_CTL(base)) = 0;
	*ring_reg(sw, RING_ACTHD(base)) = 0;
	*ring_reg(sw, RING_MI_MODE(base)) = MODE_IDLE;
	sw->ring_kicked &= ~bit;
	sw->ring_hung &= ~bit;
}

bool swhsw_ring_write(struct vgt_swhsw *sw, u32 offset, u32 value)
{
	int e = ring_engine(offset);
	u32 base, mask, *r = ring_reg(sw, offset);

	if (offset == GEN6_GDRST) {
		/* the reset completes at once: the bits read back 0 */
		for (e = 0; e < HSW_NUM_ENGINES; e++)
			if (value & (GEN6_GRDOM_FULL | hsw_engines[e].grdom))
				ring_reset(sw, (u32)e);
		*r = 0;
		return true;
	}
	if (e < 0)
		return false;
	base = hsw_engines[e].mmio_base;
	if (offset == RING_TAIL(base)) {
		*r = value;
	} else if (offset == RING_CTL(base)) {
		/* the wait bits are status */
		*r = value & ~(RING_WAIT | RING_WAIT_SEMAPHORE);
		sw->ring_hung &= ~HSW_ENGINE_BIT(e);
	} else if (offset == RING_MI_MODE(base)) {
		/* masked; MODE_IDLE is status (swhsw_ring_read) */
		mask = (value >> 16) & ~MODE_IDLE;
		*r = (*r & ~mask) | (value & mask & 0xffff);
	} else {
		return false;
	}
	ring_check(sw, (u32)e);
	return true;
}

bool swhsw_ring_read(struct vgt_swhsw *sw, u32 offset, u32 *value)
{
	int e = ring_engine(offset);
	u32 base, bit;

	if (e < 0)
		return false;
	base = hsw_engines[e].mmio_base;
	bit = HSW_ENGINE_BIT(e);
	if (offset != RING_MI_MODE(base))
		return false;
	*value = *ring_reg(sw, offset) & ~MODE_IDLE;
	/* idle: nothing queued to run and not stuck in a hang */
	if (!(*ring_reg(sw, RING_CTL(base)) & RING_VALID) ||
	    !((sw->ring_kicked | sw->ring_hung) & bit))
		*value |= MODE_IDLE;
	return true;
}

void vgt_swhsw_set_ring_kick(struct vgt_swhsw *sw, void (*kick)(void *opaque),
			     void *opaque)
{
	sw->ring_kick = kick;
	sw->ring_opaque = opaque;
	sw->ring_kicked = 0;
	sw->ring_hung = 0;
}

u32 vgt_swhsw_rings_kicked(struct vgt_swhsw *sw)
{
	return sw->ring_kicked;
}

void vgt_swhsw_ring_run(struct vgt_swhsw *sw, u32 engine,
			struct vgt_gpu_exec *x)
{
	const struct hsw_engine *he;
	u64 max_cmds = x->max_cmds, max_bytes = x->max_bytes;
	u64 cmds = 0, bytes = 0, start;
	u32 base, bit, ctl, size, head, tail, irqs = 0, n, i;
	u32 off[2], len[2], *hp;

	x->status = VGT_EXEC_DONE;
	x->cmds = 0;
	x->bytes = 0;
	x->user_irqs = 0;
	x->fault_cmd = 0;
	x->fault_addr = 0;
	if (engine >= HSW_NUM_ENGINES) {
		x->status = VGT_EXEC_FAULT;
		return;
	}
	he = &hsw_engines[engine];
	base = he->mmio_base;
	bit = HSW_ENGINE_BIT(engine);
	if (!(sw->ring_kicked & bit))
		return;
	sw->ring_kicked &= ~bit;
	ctl = *ring_reg(sw, RING_CTL(base));
	if (!(ctl & RING_VALID) || (sw->ring_hung & bit) ||
	    (*ring_reg(sw, RING_MI_MODE(base)) & STOP_RING))
		return;
	size = (((ctl & RING_NR_PAGES) >> 12) + 1) * VGT_PAGE_SIZE;
	start = *ring_reg(sw, RING_START(base)) & ~(VGT_PAGE_SIZE - 1);
	head = *ring_reg(sw, RING_HEAD(base)) & HEAD_ADDR;
	tail = *ring_reg(sw, RING_TAIL(base)) & TAIL_ADDR;
	off[0] = head;
	n = 0;
	if (head >= size || tail >= size) {
		/* a pointer beyond the ring: nothing is fetched */
		x->status = VGT_EXEC_FAULT;
		x->fault_addr = start + (tail >= size ? tail : head);
	} else if (head <= tail) {
		len[0] = tail - head;
		n = 1;
	} else {
		/* wrapped: up to the end, then from the start */
		len[0] = size - head;
		off[1] = 0;
		len[1] = tail;
		n = tail ? 2 : 1;
	}
	for (i = 0; i < n; i++) {
		x->start = start + off[i];
		x->len = len[i];
		/* a real GPU has no per-VM view: all of GM */
		x->nr_ranges = 1;
		x->range[0].base = 0;
		x->range[0].size = HSW_GM_SIZE;
		x->scratch_dma = 0;
		x->shadow_base = 0;
		x->shadow_size = 0;
		x->max_cmds = max_cmds - cmds;
		x->max_bytes = max_bytes - bytes;
		/* a ring of the bare GPU runs to its end, as on hardware */
		x->preempt = NULL;
		x->resume = NULL;
		x->resuming = false;
		swhsw_engine_exec(sw, engine, x);
		cmds += x->cmds;
		bytes += x->bytes;
		irqs += x->user_irqs;
		if (x->status != VGT_EXEC_DONE)
			break;
		head = off[i] + len[i] == size ? 0 : off[i] + len[i];
	}
	x->cmds = cmds;
	x->bytes = bytes;
	x->user_irqs = irqs;
	x->max_cmds = max_cmds;
	x->max_bytes = max_bytes;
	if (x->status == VGT_EXEC_HANG) {
		/* stuck where the piece began, until RING_CTL is written */
		sw->ring_hung |= bit;
	} else if (x->status == VGT_EXEC_FAULT) {
		*ring_reg(sw, RING_FAULT_REG(he->hws_pga)) =
			(u32)(x->fault_addr & ~(u64)(VGT_PAGE_SIZE - 1)) | 1;
		head = tail;	/* the engine stops, idle */
	}
	hp = ring_reg(sw, RING_HEAD(base));
	*hp = (*hp & ~HEAD_ADDR) | (head & HEAD_ADDR);
	*ring_reg(sw, RING_ACTHD(base)) = (u32)(start + head);
}
