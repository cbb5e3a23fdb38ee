// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * partition.c - first-fit range allocator for GM, host share and fences.
 */
#include "partition.h"
#include "hw/vgt-helper-abi.h"

void vgt_pool_init(struct vgt_pool *pool, const char *name, u64 base,
		   u64 size, u64 align)
{
	memset(pool, 0, sizeof(*pool));
	pool->name = name;
	pool->base = base;
	pool->size = size;
	pool->align = align ? align : 1;
}

static u64 align_up(u64 v, u64 align)
{
	return (v + align - 1) & ~(align - 1);
}

int vgt_pool_alloc(struct vgt_pool *pool, u64 size, int nospc_err, u64 *base)
{
	u64 start = pool->base, end = pool->base + pool->size;
	u32 i;

	if (!size || size > pool->size || (size & (pool->align - 1)))
		return -VGT_E_INVAL;
	if (pool->nr_used == VGT_POOL_MAX_RANGES)
		return nospc_err;

	/* Gap i lies before used[i]; gap nr_used runs to the pool end. */
	for (i = 0; i <= pool->nr_used; i++) {
		u64 gap_end = i < pool->nr_used ? pool->used[i].base : end;
		u64 s = align_up(start, pool->align);

		if (s <= gap_end && gap_end - s >= size) {
			memmove(&pool->used[i + 1], &pool->used[i],
				(pool->nr_used - i) * sizeof(pool->used[0]));
			pool->used[i].base = s;
			pool->used[i].size = size;
			pool->nr_used++;
			*base = s;
			return 0;
		}
		if (i < pool->nr_used)
			start = pool->used[i].base + pool->used[i].size;
	}
	return nospc_err;
}

int vgt_pool_free(struct vgt_pool *pool, u64 base)
{
	u32 i;

	for (i = 0; i < pool->nr_used; i++) {
		if (pool->used[i].base != base)
			continue;
		memmove(&pool->used[i], &pool->used[i + 1],
			(pool->nr_used - i - 1) * sizeof(pool->used[0]));
		pool->nr_used--;
		return 0;
	}
	return -VGT_E_NOENT;
}

u64 vgt_pool_largest_free(const struct vgt_pool *pool)
{
	u64 start = pool->base, end = pool->base + pool->size, best = 0;
	u32 i;

	for (i = 0; i <= pool->nr_used; i++) {
		u64 gap_end = i < pool->nr_used ? pool->used[i].base : end;
		u64 s = align_up(start, pool->align);

		if (s < gap_end && gap_end - s > best)
			best = gap_end - s;
		if (i < pool->nr_used)
			start = pool->used[i].base + pool->used[i].size;
	}
	return best;
}

u64 vgt_pool_free_total(const struct vgt_pool *pool)
{
	u64 used = 0;
	u32 i;

	for (i = 0; i < pool->nr_used; i++)
		used += pool->used[i].size;
	return pool->size - used;
}
