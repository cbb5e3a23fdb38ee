/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * helper-env.h - the fixture the helper's engine tests share: a software
 * Haswell, the helper core on it and a few instances, each with guest RAM
 * at guest-physical 0 and a shadow area, driven synchronously (no
 * transport, no scheduler thread).  Static inline: each test is one .c.
 */
#ifndef VGT_TEST_HELPER_ENV_H
#define VGT_TEST_HELPER_ENV_H

#include <glib.h>
#include <stdlib.h>
#include <string.h>
#include "core/vgt-core.h"
#include "swhsw/swhsw.h"

#define ENV_MAX_INST    4

struct env {
    struct vgt_swhsw *sw;
    struct vgt_gpu gpu;
    struct vgt_host *host;
    int n;
    struct vgt_instance *inst[ENV_MAX_INST];    /* NULL once destroyed */
    struct vgt_instance_info info[ENV_MAX_INST];
    guint8 *ram[ENV_MAX_INST];
    guint8 *shadow[ENV_MAX_INST];
    guint64 shadow_gm[ENV_MAX_INST];
    guint32 shadow_used[ENV_MAX_INST];
    guint64 next_id;
};

/*
 * @n instances of @req, each with @ram_size bytes of RAM and GM pages
 * 0..@map_pages - 1 of its mappable range mapped to frames 0.. in order.
 * @audited: the GPU does not enforce a workload's view and does not report
 * its writes (as a real Haswell behind vgt.ko): the core audits every
 * workload and logs dirty pages by the GTT.
 */
static inline void env_up_ops(struct env *e, int n,
                              const struct vgt_create_req *req,
                              guint64 ram_size, guint32 map_pages,
                              bool audited, const struct vgt_gpu_ops *ops)
{
    struct vgt_gtt_entry ent[128];
    int err;

    g_assert_cmpint(n, <=, ENV_MAX_INST);
    memset(e, 0, sizeof(*e));
    e->n = n;
    e->sw = vgt_swhsw_create();
    vgt_swhsw_get_gpu(e->sw, &e->gpu);
    if (ops) {
        e->gpu.ops = ops;       /* a test's wrapper of the swhsw's table */
    }
    e->gpu.view_enforced = !audited;
    e->gpu.writes_reported = !audited;
    e->host = vgt_host_create(&e->gpu, &err);
    g_assert_nonnull(e->host);
    for (int k = 0; k < n; k++) {
        g_assert_cmpint(vgt_inst_create(e->host, req, &e->inst[k]), ==, 0);
        vgt_inst_get_info(e->inst[k], &e->info[k]);
        e->ram[k] = aligned_alloc(4096, ram_size);
        memset(e->ram[k], 0, ram_size);
        g_assert_cmpint(vgt_inst_mem_register(e->inst[k], 0, ram_size,
                                              e->ram[k]), ==, 0);
        for (guint32 i = 0; i < map_pages; i += 128) {
            guint32 m = MIN(128, map_pages - i);

            for (guint32 j = 0; j < m; j++) {
                ent[j].index = (guint32)(e->info[k].mappable_base >> 12) +
                               i + j;
                ent[j].flags = VGT_PTE_VALID;
                ent[j].gfn = i + j;
            }
            g_assert_cmpint(vgt_inst_gtt_write(e->inst[k], ent, m, NULL),
                            ==, 0);
        }
        e->shadow[k] = aligned_alloc(4096, VGT_SHADOW_SIZE);
        memset(e->shadow[k], 0, VGT_SHADOW_SIZE);
        g_assert_cmpint(vgt_inst_shadow_attach(e->inst[k], e->shadow[k],
                                               &e->shadow_gm[k]), ==, 0);
    }
}

static inline void env_up_n(struct env *e, int n,
                            const struct vgt_create_req *req,
                            guint64 ram_size, guint32 map_pages,
                            bool audited)
{
    env_up_ops(e, n, req, ram_size, map_pages, audited, NULL);
}

static inline void env_down(struct env *e)
{
    for (int k = 0; k < e->n; k++) {
        if (e->inst[k]) {
            vgt_inst_destroy(e->inst[k]);
        }
    }
    vgt_host_destroy(e->host);
    vgt_swhsw_destroy(e->sw);
    for (int k = 0; k < e->n; k++) {
        free(e->ram[k]);
        free(e->shadow[k]);
    }
}

static inline guint32 rd32(struct env *e, int k, guint32 off)
{
    guint32 v;

    memcpy(&v, e->ram[k] + off, 4);
    return v;
}

/*
 * Copy @n dwords into instance @k's shadow area: their GM address.  The
 * area is used from the start again when it is full (by then the tests
 * have run what they queued).
 */
static inline guint64 env_shadow_put(struct env *e, int k, const guint32 *dw,
                                     guint32 n)
{
    guint32 off = e->shadow_used[k];

    g_assert_cmpuint(n * 4, <=, VGT_SHADOW_SIZE);
    if (off + n * 4 > VGT_SHADOW_SIZE) {
        off = 0;
    }
    memcpy(e->shadow[k] + off, dw, n * 4);
    e->shadow_used[k] = (off + n * 4 + 63) & ~63u;
    return e->shadow_gm[k] + off;
}

/* Run the scheduler until nothing is queued. */
static inline void run(struct env *e)
{
    while (vgt_host_sched_run(e->host)) {
        ;
    }
}

#endif /* VGT_TEST_HELPER_ENV_H */
