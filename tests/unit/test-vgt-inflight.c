/*
 * Unit tests: the workloads an engine keeps with the helper (pipelined
 * submission, vgt-inflight.c): their order, what retiring and stopping
 * them does, and the shadow slice as a ring their copies share, which
 * must never hand out bytes a workload in flight still runs from.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "vgt-inflight.h"

#define SLICE   0x40000u        /* 256 KiB, the device's slice per engine */

static VgtEngineState es;
static uint64_t next_id;

/* Allocate @len and push a workload there; false when there is no room. */
static bool add(uint32_t len, uint32_t *at)
{
    uint32_t off;

    if (!vgt_inflight_shadow_alloc(&es, SLICE, len, &off)) {
        return false;
    }
    vgt_inflight_push(&es, ++next_id, (uint32_t)next_id * 8, off, len);
    if (at) {
        *at = off;
    }
    return true;
}

static void reset(void)
{
    memset(&es, 0, sizeof(es));
    next_id = 0;
}

static void test_fifo_order(void)
{
    uint32_t i;

    reset();
    g_assert_cmpint(vgt_inflight_find(&es, 1), ==, -1);
    for (i = 0; i < VGT_SUBMIT_DEPTH_MAX; i++) {
        g_assert_true(add(64, NULL));
    }
    for (i = 0; i < VGT_SUBMIT_DEPTH_MAX; i++) {
        g_assert_cmpuint(vgt_inflight_at(&es, i)->id, ==, i + 1);
        g_assert_cmpint(vgt_inflight_find(&es, i + 1), ==, i);
        g_assert_true(vgt_inflight_at(&es, i)->moves_head);
    }
    /* retiring the oldest two: the third is the oldest now */
    vgt_inflight_retire(&es, 2);
    g_assert_cmpuint(es.ninflight, ==, VGT_SUBMIT_DEPTH_MAX - 2);
    g_assert_cmpuint(vgt_inflight_at(&es, 0)->id, ==, 3);
    g_assert_cmpint(vgt_inflight_find(&es, 2), ==, -1);
    /* the FIFO wraps around its array */
    g_assert_true(add(64, NULL));
    g_assert_true(add(64, NULL));
    g_assert_cmpuint(vgt_inflight_at(&es, VGT_SUBMIT_DEPTH_MAX - 1)->id, ==,
                     VGT_SUBMIT_DEPTH_MAX + 2);
    g_assert_cmpint(vgt_inflight_find(&es, VGT_SUBMIT_DEPTH_MAX + 2), ==,
                    VGT_SUBMIT_DEPTH_MAX - 1);
    /* retiring more than there is empties it, no further */
    vgt_inflight_retire(&es, 100);
    g_assert_cmpuint(es.ninflight, ==, 0);
}

static void test_stop_head(void)
{
    uint32_t i;

    reset();
    for (i = 0; i < 4; i++) {
        g_assert_true(add(64, NULL));
    }
    /* a fault of the second: it and what follows leave HEAD alone */
    vgt_inflight_stop_head(&es, 1);
    g_assert_true(vgt_inflight_at(&es, 0)->moves_head);
    for (i = 1; i < 4; i++) {
        g_assert_false(vgt_inflight_at(&es, i)->moves_head);
    }
    /* new work after the reset moves HEAD again */
    g_assert_true(add(64, NULL));
    g_assert_true(vgt_inflight_at(&es, 4)->moves_head);
    vgt_inflight_clear(&es);
    g_assert_cmpuint(es.ninflight, ==, 0);
    g_assert_cmpint(vgt_inflight_find(&es, 1), ==, -1);
}

static void test_shadow_ring(void)
{
    uint32_t off;

    reset();
    /* empty: anything up to the slice, from its start */
    g_assert_true(vgt_inflight_shadow_alloc(&es, SLICE, SLICE, &off));
    g_assert_cmphex(off, ==, 0);
    g_assert_false(vgt_inflight_shadow_alloc(&es, SLICE, SLICE + 64, &off));

    /* one after another */
    g_assert_true(add(0x10000, &off));
    g_assert_cmphex(off, ==, 0);
    g_assert_true(add(0x28000, &off));
    g_assert_cmphex(off, ==, 0x10000);
    /* 0x8000 left at the end, nothing at the start: a bigger one waits */
    g_assert_false(add(0x10000, NULL));
    g_assert_true(add(0x8000, &off));
    g_assert_cmphex(off, ==, 0x38000);
    g_assert_false(add(64, NULL));

    /* the oldest completes: the next goes to the start (wrapped) */
    vgt_inflight_retire(&es, 1);
    g_assert_false(add(0x10000 + 64, NULL));
    g_assert_true(add(0x8000, &off));
    g_assert_cmphex(off, ==, 0);
    /* wrapped: only the gap up to the oldest is free */
    g_assert_true(add(0x8000, &off));
    g_assert_cmphex(off, ==, 0x8000);
    g_assert_false(add(64, NULL));

    /* all but the newest complete: behind it, then the start again */
    vgt_inflight_retire(&es, 3);
    g_assert_cmphex(vgt_inflight_at(&es, 0)->shadow_off, ==, 0x8000);
    g_assert_true(add(0x30000, &off));
    g_assert_cmphex(off, ==, 0x10000);
    g_assert_false(add(0x8000 + 64, NULL));
    g_assert_true(add(0x8000, &off));
    g_assert_cmphex(off, ==, 0);
}

/*
 * Random sizes, submissions and completions: every workload in flight
 * lies inside the slice, none overlaps another, and with nothing in
 * flight any size up to the slice fits.
 */
static void test_shadow_random(void)
{
    GRand *r = g_rand_new_with_seed(21);
    uint32_t i, j, k, len, off, wrapped = 0, refused = 0;

    reset();
    for (k = 0; k < 200000; k++) {
        if (es.ninflight < VGT_SUBMIT_DEPTH_MAX && g_rand_boolean(r)) {
            len = 64 * g_rand_int_range(r, 1, SLICE / 64 / 2);
            if (!add(len, &off)) {
                g_assert_cmpuint(es.ninflight, >, 0);
                refused++;
            } else if (es.ninflight > 1 &&
                       off < vgt_inflight_at(&es, 0)->shadow_off) {
                wrapped++;
            }
        } else if (es.ninflight) {
            vgt_inflight_retire(&es, g_rand_int_range(r, 1,
                                                      es.ninflight + 1));
        }
        for (i = 0; i < es.ninflight; i++) {
            VgtInflight *a = vgt_inflight_at(&es, i);

            g_assert_cmpuint((uint64_t)a->shadow_off + a->shadow_len, <=,
                             SLICE);
            for (j = i + 1; j < es.ninflight; j++) {
                VgtInflight *b = vgt_inflight_at(&es, j);

                g_assert_true(a->shadow_off + a->shadow_len <=
                              b->shadow_off ||
                              b->shadow_off + b->shadow_len <=
                              a->shadow_off);
            }
        }
        if (!es.ninflight) {
            g_assert_true(add(SLICE, NULL));
            vgt_inflight_retire(&es, 1);
        }
    }
    /* the cases the ring has: it wrapped, and it was full */
    g_assert_cmpuint(wrapped, >, 1000);
    g_assert_cmpuint(refused, >, 1000);
    g_rand_free(r);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/vgt/inflight/fifo-order", test_fifo_order);
    g_test_add_func("/vgt/inflight/stop-head", test_stop_head);
    g_test_add_func("/vgt/inflight/shadow-ring", test_shadow_ring);
    g_test_add_func("/vgt/inflight/shadow-random", test_shadow_random);
    return g_test_run();
}
