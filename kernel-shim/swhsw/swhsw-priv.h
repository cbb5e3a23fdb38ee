/* SPDX-License-Identifier: GPL-2.0-or-later */
/* swhsw-priv.h - software Haswell state shared by its files. */
#ifndef VGT_SWHSW_PRIV_H
#define VGT_SWHSW_PRIV_H

#include "swhsw.h"
#include "../core/hsw-regs.h"

#define SWHSW_MAX_DMA		512

struct swhsw_dma {
	u64 base;
	u64 size;
	u8 *va;
};

struct vgt_swhsw {
	u32 *regs;		/* HSW_MMIO_SIZE bytes */
	u32 *gtt;		/* HSW_GTT_ENTRIES entries */

	vgt_mutex_t dma_lock;	/* the engines' path may run elsewhere */
	u32 nr_dma;
	struct swhsw_dma dma[SWHSW_MAX_DMA];	/* sorted by base */

	vgt_irq_handler_t irq_fn;
	void *irq_opaque;
	struct vgt_swhsw_stats stats;
};

void swhsw_regs_reset(struct vgt_swhsw *sw);
u32 swhsw_read32(void *opaque, u32 offset);
void swhsw_write32(void *opaque, u32 offset, u32 value);
int swhsw_dma_map(void *opaque, void *va, u64 size, u64 *dma_addr);
void swhsw_dma_unmap(void *opaque, u64 dma_addr, u64 size);
u32 swhsw_gtt_read(void *opaque, u32 index);
void swhsw_gtt_write(void *opaque, u32 index, u32 pte);

#endif /* VGT_SWHSW_PRIV_H */
