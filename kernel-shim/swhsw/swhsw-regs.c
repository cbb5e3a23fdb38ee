// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * swhsw-regs.c - the software Haswell's register file and interrupt line.
 *
 * 2 MiB of 32-bit registers: plain storage except for the registers with
 * side effects the helper relies on (write-1-to-clear IIRs, read-only ISRs,
 * masked forcewake and its ACK) and the masked registers of the shared
 * tables (HSW_REG_MASKED rows: MI_MODE, INSTPM, the ring modes, the cache
 * modes, ...), which hold their state as a real Haswell does: a write
 * changes only the bits 15:0 whose enable bit 31:16 is set, a read
 * returns 0 in bits 31:16.  MI_MODE's MODE_IDLE is status (idle between
 * workloads).  Offsets outside the file or unaligned are dropped and
 * counted, as a bus would.
 */
#include "swhsw-priv.h"
#include "hw/vgt-helper-abi.h"

struct swhsw_reset_value {
	u32 offset;
	u32 value;
};

/* Power-on values of the registers the helper (and i915) look at. */
static const struct swhsw_reset_value swhsw_reset_values[] = {
	{ DEIMR, 0xffffffff },
	{ GTIMR, 0xffffffff },
	{ GEN6_PMIMR, 0xffffffff },
	{ RING_IMR(RENDER_RING_BASE), 0xffffffff },
	{ RING_IMR(BSD_RING_BASE), 0xffffffff },
	{ RING_IMR(BLT_RING_BASE), 0xffffffff },
	{ RING_IMR(VEBOX_RING_BASE), 0xffffffff },
	/* Rings come up stopped and idle. */
	{ RING_MI_MODE(RENDER_RING_BASE), MODE_IDLE },
	{ RING_MI_MODE(BSD_RING_BASE), MODE_IDLE },
	{ RING_MI_MODE(BLT_RING_BASE), MODE_IDLE },
	{ RING_MI_MODE(VEBOX_RING_BASE), MODE_IDLE },
};

/* The masked registers, from the shared rows (once, at create). */
void swhsw_regs_init(struct vgt_swhsw *sw)
{
	u32 off, i, j, v;

	sw->nr_masked = 0;
	for (i = 0; i < hsw_reg_nrows; i++) {
		const struct hsw_reg_row *row = &hsw_reg_rows[i];
		u32 e;

		if (!(row->flags & HSW_REG_MASKED))
			continue;
		for (e = 0; e < HSW_NUM_ENGINES; e++) {
			if (!(row->engines & HSW_ENGINE_BIT(e)))
				continue;
			for (off = 0; off < row->size; off += 4) {
				v = row->offset + off;
				if (row->flags & HSW_REG_PER_ENGINE)
					v += hsw_engines[e].mmio_base;
				if (swhsw_reg_masked(sw, v) ||
				    sw->nr_masked == SWHSW_MASKED_MAX)
					continue;
				/* insertion keeps them sorted */
				for (j = sw->nr_masked;
				     j && sw->masked[j - 1] > v; j--)
					sw->masked[j] = sw->masked[j - 1];
				sw->masked[j] = v;
				sw->nr_masked++;
			}
		}
	}
	swhsw_ctx_img_init(sw);
}

bool swhsw_reg_masked(struct vgt_swhsw *sw, u32 offset)
{
	u32 lo = 0, hi = sw->nr_masked;

	while (lo < hi) {
		u32 mid = (lo + hi) / 2;

		if (sw->masked[mid] == offset)
			return true;
		if (sw->masked[mid] < offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* A write to a masked register; MI_MODE's MODE_IDLE is status. */
void swhsw_masked_store(struct vgt_swhsw *sw, u32 offset, u32 value)
{
	u32 mask = value >> 16, *r = &sw->regs[offset / 4], old, new;
	int e = hsw_engine_of_base(offset & ~(HSW_RING_BLOCK_SIZE - 1));

	if (e >= 0 && offset == RING_MI_MODE(hsw_engines[e].mmio_base))
		mask &= ~MODE_IDLE;
	/* one bus write on hardware: engines may store at the same time */
	old = __atomic_load_n(r, __ATOMIC_RELAXED);
	do {
		new = (old & ~mask) | (value & mask & 0xffff);
	} while (!__atomic_compare_exchange_n(r, &old, new, false,
					      __ATOMIC_SEQ_CST,
					      __ATOMIC_RELAXED));
}

void swhsw_regs_reset(struct vgt_swhsw *sw)
{
	u32 i;

	memset(sw->regs, 0, HSW_MMIO_SIZE);
	for (i = 0; i < VGT_ARRAY_SIZE(swhsw_reset_values); i++)
		sw->regs[swhsw_reset_values[i].offset / 4] =
			swhsw_reset_values[i].value;
}

static bool swhsw_reg_ok(struct vgt_swhsw *sw, u32 offset)
{
	if (offset >= HSW_MMIO_SIZE || (offset & 3)) {
		vgt_atomic_inc64(&sw->stats.bad_mmio);
		return false;
	}
	return true;
}

static inline u32 *reg(struct vgt_swhsw *sw, u32 offset)
{
	return &sw->regs[offset / 4];
}

/*
 * Registers the engines' threads and the core's may touch at once (the
 * interrupt registers above all): whole-word loads and stores, as the
 * bus makes them.
 */
static inline u32 reg_load(struct vgt_swhsw *sw, u32 offset)
{
	return __atomic_load_n(reg(sw, offset), __ATOMIC_RELAXED);
}

static inline void reg_store(struct vgt_swhsw *sw, u32 offset, u32 value)
{
	__atomic_store_n(reg(sw, offset), value, __ATOMIC_RELAXED);
}

/* The line is high when the master is on and an enabled IIR bit is set. */
bool swhsw_irq_pending(struct vgt_swhsw *sw)
{
	if (!(reg_load(sw, DEIER) & DE_MASTER_IRQ_CONTROL))
		return false;
	return (reg_load(sw, GTIIR) & reg_load(sw, GTIER)) ||
	       (reg_load(sw, GEN6_PMIIR) & reg_load(sw, GEN6_PMIER)) ||
	       (reg_load(sw, DEIIR) & reg_load(sw, DEIER) &
		~DE_MASTER_IRQ_CONTROL);
}

/*
 * Delivered only from the interrupt inputs, never from a register write:
 * the helper writes registers with its lock held and must not re-enter.
 */
static void swhsw_irq_update(struct vgt_swhsw *sw)
{
	if (sw->irq_fn && !__atomic_load_n(&sw->irq_hold, __ATOMIC_SEQ_CST) &&
	    swhsw_irq_pending(sw)) {
		vgt_atomic_inc64(&sw->stats.irqs_delivered);
		sw->irq_fn(sw->irq_opaque);
	}
}

/* Engines latch at the same time, the core acks: atomic updates. */
static void swhsw_latch(struct vgt_swhsw *sw, u32 isr, u32 imr, u32 iir,
			u32 bits)
{
	vgt_atomic_or32(reg(sw, isr), bits);
	vgt_atomic_or32(reg(sw, iir), bits & ~reg_load(sw, imr));
	/* The events are edges: the status bit drops once latched. */
	vgt_atomic_and32(reg(sw, isr), ~bits);
	swhsw_irq_update(sw);
}

bool vgt_swhsw_irq_pending(struct vgt_swhsw *sw)
{
	return swhsw_irq_pending(sw);
}

void vgt_swhsw_raise_gt(struct vgt_swhsw *sw, u32 bits)
{
	swhsw_latch(sw, GTISR, GTIMR, GTIIR, bits);
}

void vgt_swhsw_raise_pm(struct vgt_swhsw *sw, u32 bits)
{
	swhsw_latch(sw, GEN6_PMISR, GEN6_PMIMR, GEN6_PMIIR, bits);
}

void vgt_swhsw_raise_de(struct vgt_swhsw *sw, u32 bits)
{
	swhsw_latch(sw, DEISR, DEIMR, DEIIR, bits & ~DE_MASTER_IRQ_CONTROL);
}

u32 swhsw_read32(void *opaque, u32 offset)
{
	struct vgt_swhsw *sw = opaque;
	u32 v;

	if (!swhsw_reg_ok(sw, offset))
		return 0;
	if (sw->ring_kick && swhsw_ring_read(sw, offset, &v))
		return v;
	return reg_load(sw, offset);
}

void swhsw_write32(void *opaque, u32 offset, u32 value)
{
	struct vgt_swhsw *sw = opaque;

	if (!swhsw_reg_ok(sw, offset))
		return;
	if (sw->ring_kick && swhsw_ring_write(sw, offset, value))
		return;
	switch (offset) {
	case DEIIR:
	case GTIIR:
	case GEN6_PMIIR:
		vgt_atomic_and32(reg(sw, offset), ~value);
		return;
	case DEISR:
	case GTISR:
	case GEN6_PMISR:
	case FORCEWAKE_ACK_HSW:
	case GEN6_GT_THREAD_STATUS:
		return;
	case GFX_FLSH_CNTL_GEN6:
		return;		/* the model's GTT has no WC buffer */
	case FORCEWAKE_MT:
		/* Masked register; the wake completes at once. */
		swhsw_masked_store(sw, offset, value);
		reg_store(sw, FORCEWAKE_ACK_HSW, reg_load(sw, offset));
		return;
	default:
		if (swhsw_reg_masked(sw, offset))
			swhsw_masked_store(sw, offset, value);
		else
			reg_store(sw, offset, value);
	}
}
