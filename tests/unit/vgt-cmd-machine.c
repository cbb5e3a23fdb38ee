/*
 * The scanner-and-engine machine (vgt-cmd-machine.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qemu/memalign.h"
#include "vgt-cmd-machine.h"

VcmMachine vcm;

uint8_t *vcm_ggtt_host(uint64_t gma)
{
    uint32_t pte;
    uint64_t dma;

    if (gma >= (2ull << 30)) {
        return NULL;
    }
    pte = vcm.gpu.ops->gtt_read(vcm.gpu.priv, gma >> 12);
    if (!(pte & HSW_PTE_VALID)) {
        return NULL;
    }
    dma = hsw_pte_decode(pte);
    return vgt_swhsw_dma_to_host(vcm.sw, dma + (gma & 0xfff), 1);
}

uint8_t *vcm_ppgtt_host(uint64_t gma)
{
    uint32_t pte;

    /* the guest's page table (PDE 0 only), as the device reads it */
    if (gma >= (4u << 20)) {
        return NULL;
    }
    pte = ldl_le_p(vcm.ram + VCM_PT_RAM + ((gma >> 12) & 0x3ff) * 4);
    if (!(pte & HSW_PTE_VALID) || hsw_pte_decode(pte) >= VCM_RAM_SIZE) {
        return NULL;
    }
    return vcm.ram + hsw_pte_decode(pte) + (gma & 0xfff);
}

static bool scan_read(void *opaque, bool ppgtt, uint64_t gma, void *buf,
                      uint32_t len)
{
    uint8_t *p = ppgtt ? vcm_ppgtt_host(gma) : vcm_ggtt_host(gma);

    if (!p || (gma & 0xfff) + len > 4096 ||
        (!ppgtt && (gma < VCM_VM_BASE || gma + len > VCM_VM_END))) {
        return false;
    }
    memcpy(buf, p, len);
    return true;
}

static bool scan_gm_ok(void *opaque, uint64_t gma, uint64_t len)
{
    return gma >= VCM_VM_BASE && len <= VCM_VM_END - gma;
}

static void scan_trace(void *opaque, unsigned segment, uint32_t offset,
                       const struct hsw_cmd_trace *t)
{
    VcmTrace *tr = &vcm.scan_trace;

    if (tr->n < ARRAY_SIZE(tr->t)) {
        tr->segment[tr->n] = segment;
        tr->offset[tr->n] = offset;
        tr->t[tr->n++] = *t;
    }
}

static void exec_trace(void *opaque, const struct hsw_cmd_trace *t)
{
    VcmTrace *tr = &vcm.exec_trace;

    if (tr->n < ARRAY_SIZE(tr->t)) {
        tr->t[tr->n++] = *t;
    }
}

static void *gpa_to_host(void *opaque, uint64_t gpa)
{
    return gpa < VCM_RAM_SIZE ? vcm.ram + gpa : NULL;
}

void vcm_init(void)
{
    uint32_t i;

    vcm.sw = vgt_swhsw_create();
    g_assert_nonnull(vcm.sw);
    vgt_swhsw_get_gpu(vcm.sw, &vcm.gpu);
    vcm.ram = qemu_memalign(4096, VCM_RAM_SIZE);
    vcm.shadow = qemu_memalign(4096, VCM_SHADOW_SIZE);
    memset(vcm.ram, 0, VCM_RAM_SIZE);
    memset(vcm.shadow, 0, VCM_SHADOW_SIZE);
    g_assert_cmpint(vcm.gpu.ops->dma_map(vcm.gpu.priv, vcm.ram, VCM_RAM_SIZE,
                                         &vcm.ram_dma), ==, 0);
    g_assert_cmpint(vcm.gpu.ops->dma_map(vcm.gpu.priv, vcm.shadow,
                                         VCM_SHADOW_SIZE, &vcm.shadow_dma),
                    ==, 0);
    for (i = 0; i < VCM_VM_PAGES; i++) {
        vcm.gpu.ops->gtt_write(vcm.gpu.priv, (VCM_VM_BASE >> 12) + i,
                               hsw_pte_encode(vcm.ram_dma + i * 4096ull,
                                              HSW_PTE_VALID));
    }
    for (i = 0; i < VCM_SHADOW_SIZE / 4096; i++) {
        vcm.gpu.ops->gtt_write(vcm.gpu.priv, (VCM_SHADOW_BASE >> 12) + i,
                               hsw_pte_encode(vcm.shadow_dma + i * 4096ull,
                                              HSW_PTE_VALID));
    }
    /*
     * PDEs 0 (and only 0): [0, 4 MiB) of the PPGTT, half of it backed.
     * The guest's table (guest-physical) is what the scanner reads; the
     * GPU walks the helper's shadow of it (device addresses, in pages
     * mapped as page tables), which the PDE names.
     */
    vcm.shadow_pt = qemu_memalign(4096, 4096);
    memset(vcm.shadow_pt, 0, 4096);
    g_assert_cmpint(vcm.gpu.ops->dma_map_pt(vcm.gpu.priv, vcm.shadow_pt,
                                            4096, &vcm.shadow_pt_dma),
                    ==, 0);
    vcm.gpu.ops->gtt_write(vcm.gpu.priv, VCM_PD_INDEX,
                           hsw_pte_encode(vcm.shadow_pt_dma, HSW_PTE_VALID));
    for (i = 0; i < VCM_PPGTT_BACKED / 4096; i++) {
        stl_le_p(vcm.ram + VCM_PT_RAM + i * 4,
                 hsw_pte_encode(VCM_PPGTT_RAM + i * 4096ull, HSW_PTE_VALID));
        stl_le_p(vcm.shadow_pt + i * 4,
                 hsw_pte_encode(vcm.ram_dma + VCM_PPGTT_RAM + i * 4096ull,
                                HSW_PTE_VALID));
    }
    for (i = 0; i < HSW_NUM_ENGINES; i++) {
        uint32_t base = hsw_engines[i].mmio_base;

        vcm.gpu.ops->write32(vcm.gpu.priv, RING_PP_DIR_BASE(base),
                             VCM_PP_DIR_BASE);
        vcm.gpu.ops->write32(vcm.gpu.priv, hsw_engines[i].hws_pga, VCM_HWSP);
    }
}

void vcm_fini(void)
{
    vgt_swhsw_destroy(vcm.sw);
    qemu_vfree(vcm.ram);
    qemu_vfree(vcm.shadow);
    qemu_vfree(vcm.shadow_pt);
    memset(&vcm, 0, sizeof(vcm));
}

uint32_t vcm_batch_gma(unsigned i)
{
    return VCM_VM_BASE + 0x20000 + i * VCM_BATCH_BYTES;
}

uint32_t vcm_ppgtt_batch_gma(unsigned i)
{
    return 0x40000 + i * VCM_BATCH_BYTES;
}

uint32_t vcm_put_ring(const uint32_t *dw, uint32_t n)
{
    uint8_t *ring = vcm_ggtt_host(VCM_RING);
    uint32_t i;

    for (i = 0; i < n; i++) {
        stl_le_p(ring + 4 * i, dw[i]);
    }
    if (n & 1) {
        stl_le_p(ring + 4 * n++, 0);
    }
    return n * 4;
}

VgtCmdResult vcm_run(unsigned engine, uint32_t tail)
{
    VgtCmdEnv env = {
        .read = scan_read, .gm_ok = scan_gm_ok, .trace = scan_trace,
        .engine = engine, .npipes = 3, .max_dwords = vcm.max_dwords,
    };
    struct vgt_gpu_exec x = { 0 };
    uint64_t placed[VGT_CMD_MAX_SEGMENTS];
    uint64_t off = 0;
    VgtCmdScan scan;
    VgtCmdResult r;
    unsigned i;

    vcm.runs++;
    vcm.scan_trace.n = 0;
    vcm.exec_trace.n = 0;
    r = vgt_cmd_scan_ring(&env, VCM_RING, VCM_RING_BYTES, 0, tail, &scan);
    if (r != VGT_CMD_OK) {
        vcm.refused++;
        vgt_cmd_scan_free(&scan);
        return r;
    }
    for (i = 0; i < scan.nsegments; i++) {
        placed[i] = VCM_SHADOW_BASE + off;
        off += ROUND_UP(scan.segment[i].copy->len, 64);
        g_assert_cmpuint(off, <=, VCM_SHADOW_SIZE);
    }
    vgt_cmd_relocate(&scan, placed);
    for (i = 0; i < scan.nsegments; i++) {
        /* (an empty ring has an empty copy, with no data) */
        if (scan.segment[i].copy->len) {
            memcpy(vcm.shadow + (placed[i] - VCM_SHADOW_BASE),
                   scan.segment[i].copy->data, scan.segment[i].copy->len);
        }
    }

    x.start = placed[0];
    x.len = scan.segment[0].copy->len;
    x.nr_ranges = 2;
    x.range[0].base = VCM_VM_BASE;
    x.range[0].size = VCM_PD_END - VCM_VM_BASE;
    x.range[1].base = VCM_SHADOW_BASE;
    x.range[1].size = VCM_SHADOW_SIZE;
    x.gpa_to_host = gpa_to_host;
    x.shadow_base = VCM_SHADOW_BASE;
    x.shadow_size = VCM_SHADOW_SIZE;
    x.trace = exec_trace;
    x.max_cmds = 1u << 20;
    x.max_bytes = 1u << 24;
    /* the previous stream may have loaded the engine's PP_DIR_BASE */
    vcm.gpu.ops->write32(vcm.gpu.priv,
                         RING_PP_DIR_BASE(hsw_engines[engine].mmio_base),
                         VCM_PP_DIR_BASE);
    vcm.gpu.ops->engine_exec(vcm.gpu.priv, engine, &x);
    vcm.executed++;

    /* the engine ran the scanned commands, in the scanned order */
    g_assert_cmpuint(vcm.exec_trace.n, <=, vcm.scan_trace.n);
    if (x.status == VGT_EXEC_DONE) {
        g_assert_cmpuint(vcm.exec_trace.n, ==, vcm.scan_trace.n);
    } else if (x.status == VGT_EXEC_HANG) {
        /*
         * Or the engine's budget (x.max_cmds, x.max_bytes), which the
         * scanner does not model: a blit with rows that overlap (pitch
         * below the width) moves far more bytes than its span, found by
         * the fuzzer.  Then the engine stops at the command that ran out,
         * having run the scanned ones before it.
         */
        g_assert_cmpuint(vcm.exec_trace.n, >, 0);
        vcm.hung++;
    } else {
        /*
         * Only memory may stop it otherwise: a PPGTT operand the scanner
         * cannot prove backed (it checks the PPGTT's bounds, the engine
         * walks it).
         */
        g_assert_cmpint(x.status, ==, VGT_EXEC_FAULT);
        g_assert_cmpuint(vcm.exec_trace.n, >, 0);
        vcm.faulted++;
    }
    for (i = 0; i < vcm.exec_trace.n; i++) {
        const struct hsw_cmd_trace *s = &vcm.scan_trace.t[i];
        const struct hsw_cmd_trace *e = &vcm.exec_trace.t[i];

        g_assert_cmphex(e->gma, ==, placed[vcm.scan_trace.segment[i]] +
                        vcm.scan_trace.offset[i]);
        g_assert_cmphex(e->dw0, ==, s->dw0);
        g_assert_cmpuint(e->len, ==, s->len);
        g_assert_cmpuint(e->st.level, ==, s->st.level);
        g_assert_cmpuint(e->st.ppgtt, ==, s->st.ppgtt);
        g_assert_cmpuint(e->st.privileged, ==, s->st.privileged);
        g_assert_cmpint(e->nops, ==, s->nops);
        if (s->nops) {
            g_assert_cmpuint(e->op.space, ==, s->op.space);
            g_assert_cmphex(e->op.addr, ==, s->op.addr);
            g_assert_cmpuint(e->op.len, ==, s->op.len);
        }
    }
    vgt_cmd_scan_free(&scan);
    return r;
}
