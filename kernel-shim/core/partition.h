/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * partition.h - first-fit allocator of non-overlapping ranges.
 *
 * One pool per partitioned resource: mappable GM, non-mappable GM, the
 * helper's reserved share and the fence registers (in fence units).  The
 * pools are small (a few dozen ranges) so a sorted array beats a tree.
 */
#ifndef VGT_PARTITION_H
#define VGT_PARTITION_H

#include "vgt-compat.h"

#define VGT_POOL_MAX_RANGES	64

struct vgt_range {
	u64 base;
	u64 size;
};

struct vgt_pool {
	const char *name;
	u64 base;
	u64 size;
	u64 align;		/* power of two; also the size granule */
	u32 nr_used;
	struct vgt_range used[VGT_POOL_MAX_RANGES];	/* sorted by base */
};

void vgt_pool_init(struct vgt_pool *pool, const char *name, u64 base,
		   u64 size, u64 align);
/* 0 and *base on success; -VGT_E_INVAL for a bad size, nospc_err if full. */
int vgt_pool_alloc(struct vgt_pool *pool, u64 size, int nospc_err, u64 *base);
/* Frees the range starting at base; -VGT_E_NOENT if there is none. */
int vgt_pool_free(struct vgt_pool *pool, u64 base);
u64 vgt_pool_largest_free(const struct vgt_pool *pool);
u64 vgt_pool_free_total(const struct vgt_pool *pool);

static inline bool vgt_range_contains(const struct vgt_range *r, u64 addr,
				      u64 len)
{
	return len && addr >= r->base && len <= r->size &&
	       addr - r->base <= r->size - len;
}

#endif /* VGT_PARTITION_H */
