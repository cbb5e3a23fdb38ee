/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench-util.h - what the helper's benches share: zeroed page-aligned
 * memory, medians, and a waiter the core's notify callback wakes.
 */
#ifndef VGT_BENCH_UTIL_H
#define VGT_BENCH_UTIL_H

#include <glib.h>
#include <stdlib.h>
#include <string.h>

static inline void *bench_alloc_pages(size_t size)
{
    void *p = NULL;

    if (posix_memalign(&p, 4096, size)) {
        g_error("out of memory");
    }
    memset(p, 0, size);
    return p;
}

/* For qsort of doubles. */
static inline int bench_cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;

    return (a > b) - (a < b);
}

/* The median of @n (at most 16) values (sorts a copy). */
static inline double bench_median(const double *v, int n)
{
    double s[16];

    g_assert(n > 0 && n <= 16);
    memcpy(s, v, n * sizeof(*v));
    qsort(s, n, sizeof(*s), bench_cmp_double);
    return s[n / 2];
}

/* Counts the core's notify calls for a bench thread that waits on them. */
struct bench_waiter {
    GMutex lock;
    GCond cond;
    guint64 events;
};

/* Called under the core's queue lock: only wake the bench thread. */
static inline void bench_waiter_notify(void *opaque)
{
    struct bench_waiter *w = opaque;

    g_mutex_lock(&w->lock);
    w->events++;
    g_cond_broadcast(&w->cond);
    g_mutex_unlock(&w->lock);
}

#endif /* VGT_BENCH_UTIL_H */
