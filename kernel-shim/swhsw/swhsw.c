// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * swhsw.c - the software Haswell as a struct vgt_gpu: lifetime and the
 * accessor table the helper core binds to.
 */
#include "swhsw-priv.h"

static void swhsw_set_irq_handler(void *opaque, vgt_irq_handler_t fn,
				  void *irq_opaque)
{
	struct vgt_swhsw *sw = opaque;

	sw->irq_fn = fn;
	sw->irq_opaque = irq_opaque;
}

static const struct vgt_gpu_ops swhsw_gpu_ops = {
	.read32 = swhsw_read32,
	.write32 = swhsw_write32,
	.gtt_read = swhsw_gtt_read,
	.gtt_write = swhsw_gtt_write,
	.gtt_write_range = swhsw_gtt_write_range,
	.dma_map = swhsw_dma_map,
	.dma_unmap = swhsw_dma_unmap,
	.pt_addr = swhsw_pt_addr,
	.dma_map_pt = swhsw_dma_map_pt,
	.set_irq_handler = swhsw_set_irq_handler,
	.engine_exec = swhsw_engine_exec,
};

struct vgt_swhsw *vgt_swhsw_create(void)
{
	struct vgt_swhsw *sw = vgt_zalloc(sizeof(*sw));

	if (!sw)
		return NULL;
	sw->regs = vgt_zalloc(HSW_MMIO_SIZE);
	sw->gtt = vgt_zalloc((size_t)HSW_GTT_ENTRIES * sizeof(u32));
	if (!sw->regs || !sw->gtt) {
		vgt_free(sw->regs);
		vgt_free(sw->gtt);
		vgt_free(sw);
		return NULL;
	}
	vgt_rwlock_init(&sw->dma_lock);
	swhsw_regs_init(sw);
	vgt_swhsw_reset(sw);
	return sw;
}

void vgt_swhsw_destroy(struct vgt_swhsw *sw)
{
	if (!sw)
		return;
	vgt_rwlock_destroy(&sw->dma_lock);
	vgt_free(sw->regs);
	vgt_free(sw->gtt);
	vgt_free(sw);
}

void vgt_swhsw_reset(struct vgt_swhsw *sw)
{
	swhsw_regs_reset(sw);
	memset(sw->gtt, 0, (size_t)HSW_GTT_ENTRIES * sizeof(u32));
	/* the bare GPU's rings come up stopped */
	sw->ring_kicked = 0;
	sw->ring_hung = 0;
}

void vgt_swhsw_get_gpu(struct vgt_swhsw *sw, struct vgt_gpu *gpu)
{
	memset(gpu, 0, sizeof(*gpu));
	gpu->ops = &swhsw_gpu_ops;
	gpu->priv = sw;
	gpu->mmio_size = HSW_MMIO_SIZE;
	gpu->gtt_entries = HSW_GTT_ENTRIES;
	gpu->aperture_size = HSW_APERTURE_SIZE;
	gpu->gm_size = HSW_GM_SIZE;
	gpu->fence_count = HSW_FENCE_COUNT;
	gpu->dma_limit = HSW_PTE_DMA_LIMIT;
	gpu->view_enforced = true;
	gpu->writes_reported = true;	/* swhsw-ppgtt.c */
	gpu->engines_parallel = true;	/* engine state per engine */
}

void vgt_swhsw_get_stats(struct vgt_swhsw *sw, struct vgt_swhsw_stats *st)
{
	*st = sw->stats;
}
