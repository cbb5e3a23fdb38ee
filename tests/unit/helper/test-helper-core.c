// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the helper core on the software Haswell: partitions,
 * guest memory translation, validated GTT and fence writes, events,
 * reset and teardown.
 */
#include <glib.h>
#include "hw/vgt.h"
#include "hw/vgt-host-ops.h"
#include "core/vgt-core.h"
#include "core/partition.h"
#include "hsw/hsw-regs.h"
#include "swhsw/swhsw.h"

#define MIB(x) ((guint64)(x) << 20)

struct fixture {
    struct vgt_swhsw *sw;
    struct vgt_gpu gpu;
    struct vgt_host *host;
};

static void fx_up(struct fixture *f)
{
    int err;

    f->sw = vgt_swhsw_create();
    g_assert_nonnull(f->sw);
    vgt_swhsw_get_gpu(f->sw, &f->gpu);
    f->host = vgt_host_create(&f->gpu, &err);
    g_assert_cmpint(err, ==, 0);
    g_assert_nonnull(f->host);
}

static void fx_down(struct fixture *f)
{
    vgt_host_destroy(f->host);
    vgt_swhsw_destroy(f->sw);
}

static struct vgt_instance *mk(struct fixture *f, guint64 map, guint64 nonmap,
                   guint32 fences, int expect)
{
    struct vgt_create_req req = {
        .mappable_size = map, .nonmappable_size = nonmap,
        .fence_num = fences,
    };
    struct vgt_instance *inst = NULL;

    g_assert_cmpint(vgt_inst_create(f->host, &req, &inst), ==, expect);
    g_assert_true(expect ? inst == NULL : inst != NULL);
    return inst;
}

static struct vgt_instance *mk_default(struct fixture *f, int expect)
{
    return mk(f, VGT_DEFAULT_MAPPABLE_SIZE, VGT_DEFAULT_NONMAPPABLE_SIZE,
          VGT_DEFAULT_FENCE_NUM, expect);
}

static guint32 pte_at(struct fixture *f, guint32 index)
{
    return f->gpu.ops->gtt_read(f->sw, index);
}

static bool range_is_scratch(struct fixture *f, guint64 base, guint64 size)
{
    guint32 scratch = hsw_pte_encode(vgt_host_scratch_dma(f->host), 1);

    for (guint64 a = base; a < base + size; a += 4096) {
        if (pte_at(f, a >> 12) != scratch) {
            return false;
        }
    }
    return true;
}

/* Guest memory: page-aligned host buffer standing for guest RAM. */
struct guest_ram {
    guint8 *va;
    guint64 gpa;
    guint64 size;
};

static void ram_init(struct guest_ram *r, guint64 gpa, guint64 size)
{
    r->va = g_aligned_alloc0(1, size, 4096);
    r->gpa = gpa;
    r->size = size;
}

static void ram_register(struct vgt_instance *inst, struct guest_ram *r)
{
    g_assert_cmpint(vgt_inst_mem_register(inst, r->gpa, r->size, r->va), ==, 0);
}

/* ---- partitions ---------------------------------------------------- */

static void test_pool_fill_exhaust_free(void)
{
    struct vgt_pool p;
    guint64 b[10], x;

    vgt_pool_init(&p, "test", 0x100000, 10 * 4096, 4096);
    for (int i = 0; i < 10; i++) {
        g_assert_cmpint(vgt_pool_alloc(&p, 4096, -99, &b[i]), ==, 0);
        g_assert_cmphex(b[i], ==, 0x100000 + i * 4096);
    }
    g_assert_cmpint(vgt_pool_alloc(&p, 4096, -99, &x), ==, -99);
    g_assert_cmpuint(vgt_pool_free_total(&p), ==, 0);
    g_assert_cmpint(vgt_pool_free(&p, b[9]), ==, 0);
    g_assert_cmpint(vgt_pool_free(&p, b[9]), ==, -VGT_E_NOENT);
    g_assert_cmpint(vgt_pool_alloc(&p, 4096, -99, &x), ==, 0);
    g_assert_cmphex(x, ==, b[9]);
    /* Bad sizes. */
    g_assert_cmpint(vgt_pool_alloc(&p, 0, -99, &x), ==, -VGT_E_INVAL);
    g_assert_cmpint(vgt_pool_alloc(&p, 100, -99, &x), ==, -VGT_E_INVAL);
    g_assert_cmpint(vgt_pool_alloc(&p, 11 * 4096, -99, &x), ==,
            -VGT_E_INVAL);
    g_assert_cmpint(vgt_pool_free(&p, 0x100001), ==, -VGT_E_NOENT);
}

static void test_pool_fragmentation(void)
{
    struct vgt_pool p;
    guint64 b[5], x;

    vgt_pool_init(&p, "test", 0, 10 * 4096, 4096);
    for (int i = 0; i < 5; i++) {
        g_assert_cmpint(vgt_pool_alloc(&p, 2 * 4096, -99, &b[i]), ==, 0);
    }
    /* Free two holes of 2 pages: 4 pages free, largest run 2. */
    vgt_pool_free(&p, b[1]);
    vgt_pool_free(&p, b[3]);
    g_assert_cmpuint(vgt_pool_free_total(&p), ==, 4 * 4096);
    g_assert_cmpuint(vgt_pool_largest_free(&p), ==, 2 * 4096);
    g_assert_cmpint(vgt_pool_alloc(&p, 3 * 4096, -99, &x), ==, -99);
    /* First fit lands in the first hole. */
    g_assert_cmpint(vgt_pool_alloc(&p, 4096, -99, &x), ==, 0);
    g_assert_cmphex(x, ==, b[1]);
    g_assert_cmpint(vgt_pool_alloc(&p, 2 * 4096, -99, &x), ==, 0);
    g_assert_cmphex(x, ==, b[3]);
    g_assert_cmpint(vgt_pool_alloc(&p, 4096, -99, &x), ==, 0);
    g_assert_cmphex(x, ==, b[1] + 4096);
    g_assert_cmpuint(vgt_pool_free_total(&p), ==, 0);
    /* Freeing everything coalesces implicitly. */
    for (int i = 0; i < 5; i++) {
        vgt_pool_free(&p, b[i]);
    }
    vgt_pool_free(&p, b[1] + 4096);
    g_assert_cmpuint(vgt_pool_largest_free(&p), ==, 10 * 4096);
}

static void check_layout(struct vgt_instance_info *a)
{
    /* What i915's ballooning accepts (i915_vgpu.c, intel_vgt_balloon). */
    g_assert_cmpuint(a->mappable_base + a->mappable_size, <=,
             a->aperture_size);
    g_assert_cmpuint(a->mappable_base, >=, MIB(32));
    g_assert_cmpuint(a->nonmappable_base, >=, a->aperture_size);
    g_assert_cmpuint(a->nonmappable_base + a->nonmappable_size, <=,
             a->gm_size);
    g_assert_cmpuint(a->fence_base + a->fence_num, <=, 32);
}

static bool overlap(guint64 a, guint64 al, guint64 b, guint64 bl)
{
    return al && bl && a < b + bl && b < a + al;
}

static void test_instance_defaults_exhaust(void)
{
    struct fixture f;
    struct vgt_instance *inst[3];
    struct vgt_instance_info info[3];

    fx_up(&f);
    for (int i = 0; i < 3; i++) {
        inst[i] = mk_default(&f, 0);
        vgt_inst_get_info(inst[i], &info[i]);
        check_layout(&info[i]);
        g_assert_cmpuint(info[i].mappable_size, ==, MIB(64));
        g_assert_cmpuint(info[i].nonmappable_size, ==, MIB(448));
        g_assert_cmpuint(info[i].fence_num, ==, 4);
        g_assert_cmpuint(info[i].aperture_size, ==, MIB(512));
        g_assert_cmpuint(info[i].gm_size, ==, MIB(2048));
        for (int j = 0; j < i; j++) {
            g_assert_cmpuint(info[i].vgt_id, !=, info[j].vgt_id);
            g_assert_false(overlap(info[i].mappable_base,
                           info[i].mappable_size,
                           info[j].mappable_base,
                           info[j].mappable_size));
            g_assert_false(overlap(info[i].nonmappable_base,
                           info[i].nonmappable_size,
                           info[j].nonmappable_base,
                           info[j].nonmappable_size));
            g_assert_false(overlap(info[i].fence_base,
                           info[i].fence_num,
                           info[j].fence_base,
                           info[j].fence_num));
        }
    }
    /*
     * 1536 MiB of non-mappable GM holds three 448 MiB slices: a fourth
     * VM shares a GM slot (test-helper-share.c); another size that no
     * longer fits is refused.
     */
    g_assert_cmpuint(vgt_host_nr_slots(f.host), ==, 3);
    mk(&f, MIB(64), MIB(256), 4, -VGT_E_NOSPC_NONMAPPABLE);
    g_assert_cmpuint(vgt_host_nr_instances(f.host), ==, 3);
    /* Freeing one makes room again, at the same place (first fit). */
    vgt_inst_destroy(inst[1]);
    inst[1] = mk_default(&f, 0);
    {
        struct vgt_instance_info again;

        vgt_inst_get_info(inst[1], &again);
        g_assert_cmphex(again.nonmappable_base, ==,
                info[1].nonmappable_base);
    }
    fx_down(&f);
}

static void test_instance_exhaust_each(void)
{
    struct fixture f;
    struct vgt_instance *v[16];

    /* Mappable: 480 MiB after the helper's 32 MiB = 3 x 128 + 96 MiB. */
    fx_up(&f);
    for (int i = 0; i < 3; i++) {
        v[i] = mk(&f, MIB(128), 0, 0, 0);
    }
    mk(&f, MIB(112), 0, 0, -VGT_E_NOSPC_MAPPABLE);
    mk(&f, MIB(96), 0, 0, 0);
    /* The same size again shares one of the slots. */
    mk(&f, MIB(128), 0, 0, 0);
    g_assert_cmpuint(vgt_host_nr_slots(f.host), ==, 4);
    fx_down(&f);

    /* Fences: 32 in all, contiguous per instance. */
    fx_up(&f);
    mk(&f, MIB(1), 0, 16, 0);
    v[0] = mk(&f, MIB(1), 0, 8, 0);
    mk(&f, MIB(1), 0, 8, 0);
    mk(&f, MIB(1), 0, 1, -VGT_E_NOSPC_FENCE);
    vgt_inst_destroy(v[0]);
    mk(&f, MIB(1), 0, 8, 0);
    mk(&f, MIB(1), 0, 16, 0);   /* shares the first slot */
    g_assert_cmpuint(vgt_host_nr_slots(f.host), ==, 3);
    fx_down(&f);

    /*
     * Helper share: 7 slots of 4 MiB besides its own; then instances
     * share them up to the helper's instance limit.
     */
    fx_up(&f);
    g_assert_cmpuint(VGT_MAX_SLOTS, ==, 7);
    for (guint32 i = 0; i < VGT_MAX_SLOTS; i++) {
        v[i] = mk(&f, 4096, 0, 0, 0);
    }
    g_assert_cmpuint(vgt_host_nr_slots(f.host), ==, VGT_MAX_SLOTS);
    mk(&f, 8192, 0, 0, -VGT_E_NOSPC_HOST);
    for (guint32 i = VGT_MAX_SLOTS; i < VGT_MAX_INSTANCES; i++) {
        mk(&f, 4096, 0, 0, 0);
    }
    mk(&f, 4096, 0, 0, -VGT_E_NOSPC_HOST);
    fx_down(&f);
}

static void test_instance_invalid(void)
{
    struct fixture f;
    struct vgt_create_req req = { MIB(64), 0, 0, 1 };
    struct vgt_instance *inst;

    fx_up(&f);
    g_assert_cmpint(vgt_inst_create(f.host, &req, &inst), ==,
                    -VGT_E_INVAL);      /* flags */
    mk(&f, 0, MIB(64), 0, -VGT_E_INVAL);
    mk(&f, MIB(64) + 1, 0, 0, -VGT_E_INVAL);
    mk(&f, MIB(64), 100, 0, -VGT_E_INVAL);
    mk(&f, MIB(64), 0, 33, -VGT_E_INVAL);
    mk(&f, MIB(1024), 0, 0, -VGT_E_INVAL);
    mk(&f, MIB(64), ~0ull & ~0xfffull, 0, -VGT_E_INVAL);
    mk(&f, MIB(600) - MIB(120), 0, 0, 0);       /* whole aperture share */
    g_assert_cmpuint(vgt_host_nr_instances(f.host), ==, 1);
    fx_down(&f);
}

/* ---- guest memory ------------------------------------------------- */

static void test_mem_translation_bounds(void)
{
    struct fixture f;
    struct vgt_instance *a;
    struct guest_ram r;
    guint64 dma;
    guint8 *extra = g_aligned_alloc0(1, 4096, 4096);

    fx_up(&f);
    a = mk(&f, MIB(4), 0, 0, 0);
    ram_init(&r, MIB(1), 64 * 1024);
    ram_register(a, &r);
    g_assert_cmpint(vgt_inst_gfn_to_dma(a, 0x100, &dma), ==, 0);
    g_assert_true(vgt_swhsw_dma_to_host(f.sw, dma, 4096) == r.va);
    g_assert_cmpint(vgt_inst_gfn_to_dma(a, 0x10f, &dma), ==, 0);
    g_assert_true(vgt_swhsw_dma_to_host(f.sw, dma, 4096) ==
              r.va + 15 * 4096);
    g_assert_cmpint(vgt_inst_gfn_to_dma(a, 0x110, &dma), ==, -VGT_E_GFN);
    g_assert_cmpint(vgt_inst_gfn_to_dma(a, 0xff, &dma), ==, -VGT_E_GFN);
    g_assert_cmpint(vgt_inst_gfn_to_dma(a, ~0ull, &dma), ==, -VGT_E_GFN);
    g_assert_cmpint(vgt_inst_gfn_to_dma(a, 1ull << 52, &dma), ==, -VGT_E_GFN);

    /* Overlap, alignment, wrap-around, NULL. */
    g_assert_cmpint(vgt_inst_mem_register(a, MIB(1) + 60 * 1024, 8192, extra),
                    ==, -VGT_E_MEM_OVERLAP);
    g_assert_cmpint(vgt_inst_mem_register(a, MIB(1) - 4096, 8192, extra),
                    ==, -VGT_E_MEM_OVERLAP);
    g_assert_cmpint(vgt_inst_mem_register(a, MIB(8) + 1, 4096, extra), ==,
                    -VGT_E_INVAL);
    g_assert_cmpint(vgt_inst_mem_register(a, MIB(8), 4095, extra), ==,
                    -VGT_E_INVAL);
    g_assert_cmpint(vgt_inst_mem_register(a, MIB(8), 4096, extra + 1), ==,
                    -VGT_E_INVAL);
    g_assert_cmpint(vgt_inst_mem_register(a, ~0ull & ~0xfffull, 8192, extra),
                    ==, -VGT_E_INVAL);
    g_assert_cmpint(vgt_inst_mem_register(a, MIB(8), 0, extra), ==,
                    -VGT_E_INVAL);
    g_assert_cmpint(vgt_inst_mem_register(a, MIB(8), 4096, NULL), ==,
                    -VGT_E_INVAL);

    /* Region limit. */
    for (int i = 1; i < VGT_MAX_MEM_REGIONS; i++) {
        g_assert_cmpint(vgt_inst_mem_register(a, MIB(100 + i), 4096, extra),
                        ==, 0);
    }
    g_assert_cmpint(vgt_inst_mem_register(a, MIB(200), 4096, extra), ==,
                    -VGT_E_MEM_FULL);

    /* Unregister: translation gone, entries into it moved to scratch. */
    {
        struct vgt_gtt_entry e = { (guint32)(MIB(32) >> 12), 1, 0x100 };
        struct vgt_instance_info info;

        vgt_inst_get_info(a, &info);
        e.index = info.mappable_base >> 12;
        g_assert_cmpint(vgt_inst_gtt_write(a, &e, 1, NULL), ==, 0);
        g_assert_cmpint(vgt_inst_mem_unregister(a, MIB(1)), ==, 0);
        g_assert_cmpint(vgt_inst_mem_unregister(a, MIB(1)), ==,
                        -VGT_E_NOENT);
        g_assert_cmpint(vgt_inst_gfn_to_dma(a, 0x100, &dma), ==,
                        -VGT_E_GFN);
        g_assert_true(range_is_scratch(&f, info.mappable_base, 4096));
    }
    fx_down(&f);
    g_aligned_free(r.va);
    g_aligned_free(extra);
}

/* ---- GTT writes ------------------------------------------------------ */

static void test_gtt_write_refusals(void)
{
    struct fixture f;
    struct vgt_instance *a, *b;
    struct vgt_instance_info ia, ib;
    struct guest_ram ra, rb;
    struct vgt_gtt_entry e, batch[3], rd;
    struct vgt_stats st;
    guint32 bad, a0, before;
    guint64 refused0;

    fx_up(&f);
    a = mk(&f, MIB(8), MIB(8), 2, 0);
    b = mk(&f, MIB(8), MIB(8), 2, 0);
    vgt_inst_get_info(a, &ia);
    vgt_inst_get_info(b, &ib);
    /* Both VMs have RAM at the same guest-physical addresses. */
    ram_init(&ra, 0, MIB(1));
    ram_init(&rb, 0, MIB(1));
    ram_register(a, &ra);
    ram_register(b, &rb);
    a0 = ia.mappable_base >> 12;
    refused0 = vgt_host_refused_total(f.host);

    /* Accepted: mappable and non-mappable, with cacheability bits. */
    e = (struct vgt_gtt_entry){ a0, VGT_PTE_VALID | 0x806, 5 };
    g_assert_cmpint(vgt_inst_gtt_write(a, &e, 1, NULL), ==, 0);
    g_assert_true(vgt_swhsw_dma_to_host(f.sw, hsw_pte_decode(pte_at(&f, a0)),
                        4096) == ra.va + 5 * 4096);
    g_assert_cmphex(pte_at(&f, a0) & 0x80f, ==, 0x807);
    e.index = ia.nonmappable_base >> 12;
    e.flags = VGT_PTE_VALID;
    g_assert_cmpint(vgt_inst_gtt_write(a, &e, 1, NULL), ==, 0);
    g_assert_cmpint(vgt_inst_gtt_read(a, e.index, &rd), ==, 0);
    g_assert_cmpuint(rd.gfn, ==, 5);
    g_assert_cmphex(rd.flags, ==, VGT_PTE_VALID);

    /* B's gfn 5 is B's memory, never A's. */
    e = (struct vgt_gtt_entry){ ib.mappable_base >> 12, 1, 5 };
    g_assert_cmpint(vgt_inst_gtt_write(b, &e, 1, NULL), ==, 0);
    g_assert_true(vgt_swhsw_dma_to_host(f.sw,
        hsw_pte_decode(pte_at(&f, e.index)), 4096) == rb.va + 5 * 4096);

    before = pte_at(&f, a0);
    /* 1: index beyond the GTT. */
    e = (struct vgt_gtt_entry){ VGT_GTT_ENTRIES, 1, 5 };
    g_assert_cmpint(vgt_inst_gtt_write(a, &e, 1, NULL), ==, -VGT_E_GTT_INDEX);
    e.index = ~0u;
    g_assert_cmpint(vgt_inst_gtt_write(a, &e, 1, NULL), ==, -VGT_E_GTT_INDEX);
    /* 2: another instance's GM range (mappable and non-mappable). */
    e.index = ib.mappable_base >> 12;
    g_assert_cmpint(vgt_inst_gtt_write(a, &e, 1, NULL), ==, -VGT_E_GM_RANGE);
    e.index = (ib.nonmappable_base + ib.nonmappable_size) / 4096 - 1;
    g_assert_cmpint(vgt_inst_gtt_write(a, &e, 1, NULL), ==, -VGT_E_GM_RANGE);
    /* 3: the helper's own share, and GM no one owns. */
    e.index = 0;
    g_assert_cmpint(vgt_inst_gtt_write(a, &e, 1, NULL), ==, -VGT_E_GM_RANGE);
    e.index = (MIB(2048) >> 12) - 1;
    g_assert_cmpint(vgt_inst_gtt_write(a, &e, 1, NULL), ==, -VGT_E_GM_RANGE);
    /* Just past A's ranges. */
    e.index = (ia.mappable_base + ia.mappable_size) >> 12;
    g_assert_cmpint(vgt_inst_gtt_write(a, &e, 1, NULL), ==, -VGT_E_GM_RANGE);
    e.index = a0 - 1;
    g_assert_cmpint(vgt_inst_gtt_write(a, &e, 1, NULL), ==, -VGT_E_GM_RANGE);
    /* 4: flag bits the helper does not pass on (address bits, junk). */
    e = (struct vgt_gtt_entry){ a0, 1 | 0x10, 5 };
    g_assert_cmpint(vgt_inst_gtt_write(a, &e, 1, NULL), ==, -VGT_E_PTE_FLAGS);
    e.flags = 0x80000001;
    g_assert_cmpint(vgt_inst_gtt_write(a, &e, 1, NULL), ==, -VGT_E_PTE_FLAGS);
    /* 5: frames outside registered memory. */
    e = (struct vgt_gtt_entry){ a0, 1, MIB(1) >> 12 };
    g_assert_cmpint(vgt_inst_gtt_write(a, &e, 1, NULL), ==, -VGT_E_GFN);
    e.gfn = ~0ull;
    g_assert_cmpint(vgt_inst_gtt_write(a, &e, 1, NULL), ==, -VGT_E_GFN);
    /* 6: counts. */
    g_assert_cmpint(vgt_inst_gtt_write(a, &e, 0, NULL), ==, -VGT_E_INVAL);
    g_assert_cmpint(vgt_inst_gtt_write(a, &e, VGT_GTT_WRITE_MAX + 1, NULL), ==,
                    -VGT_E_INVAL);
    g_assert_cmpint(vgt_inst_gtt_write(a, NULL, 1, NULL), ==, -VGT_E_INVAL);
    /* 7: all or nothing; the refused entry is named. */
    batch[0] = (struct vgt_gtt_entry){ a0, 1, 7 };
    batch[1] = (struct vgt_gtt_entry){ a0 + 1, 1, 8 };
    batch[2] = (struct vgt_gtt_entry){ ib.mappable_base >> 12, 1, 9 };
    g_assert_cmpint(vgt_inst_gtt_write(a, batch, 3, &bad), ==, -VGT_E_GM_RANGE);
    g_assert_cmpuint(bad, ==, 2);
    g_assert_cmphex(pte_at(&f, a0), ==, before);
    /* Reading outside the instance is refused too. */
    g_assert_cmpint(vgt_inst_gtt_read(a, ib.mappable_base >> 12, &rd), ==,
                    -VGT_E_GM_RANGE);
    g_assert_cmpint(vgt_inst_gtt_read(a, VGT_GTT_ENTRIES, &rd), ==,
                    -VGT_E_GTT_INDEX);

    /* Invalid entry -> scratch; reads back as unmapped. */
    e = (struct vgt_gtt_entry){ a0, 0, 12345 };
    g_assert_cmpint(vgt_inst_gtt_write(a, &e, 1, NULL), ==, 0);
    g_assert_true(range_is_scratch(&f, (guint64)a0 << 12, 4096));
    g_assert_cmpint(vgt_inst_gtt_read(a, a0, &rd), ==, 0);
    g_assert_cmphex(rd.flags, ==, 0);

    vgt_inst_get_stats(a, &st);
    g_assert_cmpuint(st.refused[VGT_E_GTT_INDEX], ==, 3);
    g_assert_cmpuint(st.refused[VGT_E_GM_RANGE], ==, 8);
    g_assert_cmpuint(st.refused[VGT_E_PTE_FLAGS], ==, 2);
    g_assert_cmpuint(st.refused[VGT_E_GFN], ==, 2);
    g_assert_cmpuint(st.refused[VGT_E_INVAL], ==, 3);
    g_assert_cmpuint(st.gtt_written, ==, 3);
    g_assert_cmpuint(vgt_host_refused_total(f.host) - refused0, ==, 18);
    vgt_inst_get_stats(b, &st);
    g_assert_cmpuint(st.refused[VGT_E_GM_RANGE], ==, 0);
    fx_down(&f);
    g_aligned_free(ra.va);
    g_aligned_free(rb.va);
}

static void test_fence_writes(void)
{
    struct fixture f;
    struct vgt_instance *a, *b;
    struct vgt_instance_info ia, ib;
    guint64 v;
    guint32 reg;

    fx_up(&f);
    a = mk(&f, MIB(8), MIB(8), 2, 0);
    b = mk(&f, MIB(8), MIB(8), 2, 0);
    vgt_inst_get_info(a, &ia);
    vgt_inst_get_info(b, &ib);
    /* A fence over A's first 64 KiB: lands in physical fence_base + 1. */
    v = ((ia.mappable_base + 0xf000) << 32) | ia.mappable_base | 1 |
        (7ull << 32);
    g_assert_cmpint(vgt_inst_fence_write(a, 1, v), ==, 0);
    reg = ia.fence_base + 1;
    g_assert_cmphex(f.gpu.ops->read32(f.sw, FENCE_REG_GEN6_LO(reg)), ==,
            (guint32)v);
    g_assert_cmphex(f.gpu.ops->read32(f.sw, FENCE_REG_GEN6_HI(reg)), ==,
            (guint32)(v >> 32));
    /* Index beyond its fences, range in B's GM, straddling, backwards. */
    g_assert_cmpint(vgt_inst_fence_write(a, 2, v), ==, -VGT_E_FENCE);
    g_assert_cmpint(vgt_inst_fence_write(a, ~0u, v), ==, -VGT_E_FENCE);
    v = (ib.mappable_base << 32) | ib.mappable_base | 1;
    g_assert_cmpint(vgt_inst_fence_write(a, 0, v), ==, -VGT_E_FENCE);
    v = ((ia.mappable_base + ia.mappable_size) << 32) |
        ia.mappable_base | 1;
    g_assert_cmpint(vgt_inst_fence_write(a, 0, v), ==, -VGT_E_FENCE);
    v = (ia.mappable_base << 32) | (ia.mappable_base + 0x2000) | 1;
    g_assert_cmpint(vgt_inst_fence_write(a, 0, v), ==, -VGT_E_FENCE);
    /* Reserved low bits. */
    v = (ia.mappable_base << 32) | ia.mappable_base | 1 | 0x10;
    g_assert_cmpint(vgt_inst_fence_write(a, 0, v), ==, -VGT_E_INVAL);
    /* Disabling writes zero whatever else was passed. */
    g_assert_cmpint(vgt_inst_fence_write(a, 1, 0xfffff000ull << 32), ==, 0);
    g_assert_cmphex(f.gpu.ops->read32(f.sw, FENCE_REG_GEN6_HI(reg)), ==, 0);
    fx_down(&f);
}

/* ---- GM reads, events, reset, teardown ---------------------------------- */

static void test_gm_read(void)
{
    struct fixture f;
    struct vgt_instance *a;
    struct vgt_instance_info ia;
    struct guest_ram r;
    struct vgt_gtt_entry e[2];
    guint8 out[32];

    fx_up(&f);
    a = mk(&f, MIB(8), 0, 0, 0);
    vgt_inst_get_info(a, &ia);
    ram_init(&r, MIB(16), MIB(1));
    ram_register(a, &r);
    memcpy(r.va + 3 * 4096 + 4080, "0123456789abcdef", 16);
    memcpy(r.va + 9 * 4096, "GHIJKLMNOPQRSTUV", 16);
    e[0] = (struct vgt_gtt_entry){ ia.mappable_base >> 12, 1,
                       (MIB(16) >> 12) + 3 };
    e[1] = (struct vgt_gtt_entry){ (ia.mappable_base >> 12) + 1, 1,
                       (MIB(16) >> 12) + 9 };
    g_assert_cmpint(vgt_inst_gtt_write(a, e, 2, NULL), ==, 0);
    g_assert_cmpint(vgt_inst_gm_read(a, ia.mappable_base + 4080, out, 32),
                    ==, 0);
    g_assert_cmpmem(out, 32, "0123456789abcdefGHIJKLMNOPQRSTUV", 32);
    /* The swhsw engine path sees the same bytes. */
    memset(out, 0, sizeof(out));
    g_assert_cmpint(vgt_swhsw_gm_read(f.sw, ia.mappable_base + 4080, out,
                      32), ==, 0);
    g_assert_cmpmem(out, 32, "0123456789abcdefGHIJKLMNOPQRSTUV", 32);
    g_assert_cmpint(vgt_inst_gm_read(a, ia.mappable_base + 2 * 4096, out,
                                     4), ==, -VGT_E_GM_UNMAPPED);
    g_assert_cmpint(vgt_inst_gm_read(a, 0, out, 4), ==, -VGT_E_GM_RANGE);
    g_assert_cmpint(vgt_inst_gm_read(a, ia.mappable_base + ia.mappable_size - 2,
                                     out, 4), ==, -VGT_E_GM_RANGE);
    g_assert_cmpint(vgt_inst_gm_read(a, ia.mappable_base, out, 0), ==,
                    -VGT_E_INVAL);
    fx_down(&f);
    g_aligned_free(r.va);
}

static int notified;
static void on_notify(void *opaque)
{
    (*(int *)opaque)++;
}

static void test_events_irq_routing(void)
{
    struct fixture f;
    struct vgt_instance *a, *b;
    struct vgt_instance_info ia;
    struct vgt_event ev[8];
    struct vgt_stats st;

    fx_up(&f);
    a = mk(&f, MIB(8), 0, 0, 0);
    b = mk(&f, MIB(8), 0, 0, 0);
    vgt_inst_get_info(a, &ia);
    notified = 0;
    vgt_inst_set_notify(a, on_notify, &notified);

    /* No owner: the interrupt is acknowledged and counted spurious. */
    vgt_swhsw_raise_gt(f.sw, GT_RENDER_USER_INTERRUPT);
    g_assert_cmpuint(vgt_host_spurious_irqs(f.host), ==, 1);
    g_assert_cmphex(f.gpu.ops->read32(f.sw, GTIIR), ==, 0);

    g_assert_cmpint(vgt_host_set_engine_owner(f.host, VGT_ENGINE_RCS,
                          ia.vgt_id), ==, 0);
    g_assert_cmpint(vgt_host_set_engine_owner(f.host, 9, 1), ==,
            -VGT_E_INVAL);
    vgt_swhsw_raise_gt(f.sw, GT_RENDER_USER_INTERRUPT);
    g_assert_cmpint(notified, ==, 1);
    g_assert_cmpint(vgt_inst_events_read(a, ev, 8), ==, 1);
    g_assert_cmpuint(ev[0].type, ==, VGT_EVENT_USER_IRQ);
    g_assert_cmpuint(ev[0].unit, ==, VGT_ENGINE_RCS);
    g_assert_cmpint(vgt_inst_events_read(b, ev, 8), ==, 0);
    g_assert_cmpint(vgt_inst_events_read(a, ev, 8), ==, 0);

    /* A full queue drops and counts. */
    for (int i = 0; i < VGT_EVENT_QUEUE_LEN + 5; i++) {
        vgt_inst_post_event(a, VGT_EVENT_VBLANK, 0, i);
    }
    vgt_inst_get_stats(a, &st);
    g_assert_cmpuint(st.events_lost, ==, 5);
    g_assert_cmpint(vgt_inst_events_read(a, ev, 8), ==, 8);
    g_assert_cmpuint(ev[7].data, ==, 7);
    g_assert_cmpuint(ev[7].seq, >, ev[6].seq);

    /* A destroyed owner no longer receives anything. */
    vgt_inst_destroy(a);
    vgt_swhsw_raise_gt(f.sw, GT_RENDER_USER_INTERRUPT);
    g_assert_cmpuint(vgt_host_spurious_irqs(f.host), ==, 2);
    fx_down(&f);
}

static void test_reset_and_teardown(void)
{
    struct fixture f;
    struct vgt_instance *a, *b;
    struct vgt_instance_info ia, ib, again;
    struct guest_ram ra, rb;
    struct vgt_gtt_entry e;
    struct vgt_event ev;
    guint32 b_pte;
    guint64 v;

    fx_up(&f);
    a = mk_default(&f, 0);
    b = mk_default(&f, 0);
    vgt_inst_get_info(a, &ia);
    vgt_inst_get_info(b, &ib);
    ram_init(&ra, 0, MIB(1));
    ram_init(&rb, 0, MIB(1));
    ram_register(a, &ra);
    ram_register(b, &rb);
    /*
     * Helper-owned pages of each instance are mapped: A's helper slot is
     * the first after the helper's own (slot 0 of the share).
     */
    g_assert_false(range_is_scratch(&f, VGT_HOST_SLOT_SIZE, 4096));
    g_assert_false(range_is_scratch(&f, VGT_HOST_SLOT_SIZE +
                                    VGT_HOST_CTX_OFF, VGT_HOST_CTX_SIZE));

    for (guint32 i = 0; i < 16; i++) {
        e = (struct vgt_gtt_entry){ (ia.mappable_base >> 12) + i, 1, i };
        g_assert_cmpint(vgt_inst_gtt_write(a, &e, 1, NULL), ==, 0);
        e.index = (ia.nonmappable_base >> 12) + i;
        g_assert_cmpint(vgt_inst_gtt_write(a, &e, 1, NULL), ==, 0);
        e = (struct vgt_gtt_entry){ (ib.mappable_base >> 12) + i, 1, i };
        g_assert_cmpint(vgt_inst_gtt_write(b, &e, 1, NULL), ==, 0);
    }
    v = (ia.mappable_base << 32) | ia.mappable_base | 1;
    g_assert_cmpint(vgt_inst_fence_write(a, 0, v), ==, 0);
    b_pte = pte_at(&f, ib.mappable_base >> 12);

    /* Reset: GTT and fences cleared, partitions and memory stay. */
    g_assert_cmpint(vgt_inst_reset(a), ==, 0);
    g_assert_true(range_is_scratch(&f, ia.mappable_base, MIB(1)));
    g_assert_true(range_is_scratch(&f, ia.nonmappable_base, MIB(1)));
    g_assert_cmphex(f.gpu.ops->read32(f.sw,
            FENCE_REG_GEN6_LO(ia.fence_base)), ==, 0);
    g_assert_cmpint(vgt_inst_events_read(a, &ev, 1), ==, 1);
    g_assert_cmpuint(ev.type, ==, VGT_EVENT_RESET);
    vgt_inst_get_info(a, &again);
    g_assert_cmpmem(&again, sizeof(again), &ia, sizeof(ia));
    e = (struct vgt_gtt_entry){ ia.mappable_base >> 12, 1, 3 };
    g_assert_cmpint(vgt_inst_gtt_write(a, &e, 1, NULL), ==, 0);
    g_assert_cmpint(vgt_inst_fence_write(a, 0, v), ==, 0);

    /* Destroy: everything of A to scratch, B untouched. */
    vgt_inst_destroy(a);
    g_assert_true(range_is_scratch(&f, ia.mappable_base, ia.mappable_size));
    g_assert_true(range_is_scratch(&f, ia.nonmappable_base,
                       ia.nonmappable_size));
    g_assert_true(range_is_scratch(&f, VGT_HOST_SLOT_SIZE,
                                   VGT_HOST_SLOT_SIZE));
    g_assert_cmphex(f.gpu.ops->read32(f.sw,
            FENCE_REG_GEN6_LO(ia.fence_base)), ==, 0);
    g_assert_cmphex(pte_at(&f, ib.mappable_base >> 12), ==, b_pte);
    g_assert_false(range_is_scratch(&f, ib.mappable_base, 16 * 4096));
    g_assert_cmpint(vgt_inst_gtt_write(b, &e, 1, NULL), ==, -VGT_E_GM_RANGE);
    e.index = ib.mappable_base >> 12;
    g_assert_cmpint(vgt_inst_gtt_write(b, &e, 1, NULL), ==, 0);
    /* A's device mappings are gone: no path reaches its RAM. */
    {
        struct vgt_swhsw_stats st;

        vgt_swhsw_get_stats(f.sw, &st);
        /* scratch + B's context area + B's RAM */
        g_assert_cmpuint(st.dma_regions, ==, 3);
    }
    /* The same partition can be had again. */
    a = mk_default(&f, 0);
    vgt_inst_get_info(a, &again);
    g_assert_cmphex(again.mappable_base, ==, ia.mappable_base);
    g_assert_cmphex(again.nonmappable_base, ==, ia.nonmappable_base);
    g_assert_cmpuint(again.fence_base, ==, ia.fence_base);
    fx_down(&f);
    g_aligned_free(ra.va);
    g_aligned_free(rb.va);
}

static void test_host_whole_gtt_scratch(void)
{
    struct fixture f;

    fx_up(&f);
    g_assert_true(range_is_scratch(&f, 0, MIB(2048)));
    fx_down(&f);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    vgt_log_level = -1; /* refusals are expected here: keep quiet */
    g_test_add_func("/helper/partition/fill-exhaust-free",
            test_pool_fill_exhaust_free);
    g_test_add_func("/helper/partition/fragmentation",
            test_pool_fragmentation);
    g_test_add_func("/helper/instance/defaults-exhaust",
            test_instance_defaults_exhaust);
    g_test_add_func("/helper/instance/exhaust-each-resource",
            test_instance_exhaust_each);
    g_test_add_func("/helper/instance/invalid-requests",
            test_instance_invalid);
    g_test_add_func("/helper/host/whole-gtt-scratch",
            test_host_whole_gtt_scratch);
    g_test_add_func("/helper/mem/translation-bounds",
            test_mem_translation_bounds);
    g_test_add_func("/helper/gtt/write-refusals", test_gtt_write_refusals);
    g_test_add_func("/helper/fence/writes", test_fence_writes);
    g_test_add_func("/helper/gm/read-through-gtt", test_gm_read);
    g_test_add_func("/helper/events/irq-routing", test_events_irq_routing);
    g_test_add_func("/helper/instance/reset-and-teardown",
            test_reset_and_teardown);
    return g_test_run();
}
