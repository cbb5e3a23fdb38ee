/*
 * vgt: command submission, the device side.
 *
 * A guest write of RING_TAIL asks the engine to run [HEAD, TAIL) of its
 * ring.  The device scans that segment and every batch it reaches
 * (vgt-cmd.c), copies what it scanned into the VM's shadow area (GM the
 * helper owns and the guest cannot reach), points the batch starts of the
 * copies at the copies, and submits one workload to the helper with the
 * engine registers the guest programmed.  The helper's scheduler runs it
 * when this VM gets the engine; its COMPLETE event moves HEAD to where the
 * workload ended.  Up to x-submit-depth workloads per engine are with the
 * helper at once: a TAIL write while some are in flight scans on from
 * where the last one ended, so the engine goes from one to the next
 * without waiting for QEMU; beyond the depth, what the guest adds waits
 * for a completion and goes as one workload.  A submission that breaks an
 * audit rule never reaches the GPU: the engine stops in the VM's view
 * (HEAD stays, no interrupt) until the guest resets it with GDRST, as
 * after a hang.  The helper cancels what was queued behind a workload
 * that faulted or hung; those, and whatever was in flight at a GDRST,
 * complete without moving HEAD.
 *
 * After a migration to a helper that placed the VM's graphics memory
 * elsewhere, every GGTT address in the copies and in the workload's
 * registers is moved from the guest's view to the helper's partition
 * (vgt-gm-remap.c lists what is remapped where).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qemu/log.h"
#include "hw/pci/pci.h"
#include "vgt-internal.h"
#include "vgt-cmd.h"
#include "trace.h"

/* What the scan of one submission reads through. */
typedef struct VgtScanEnv {
    VgtState *s;
    uint32_t pp_dir_base_reg;   /* the engine's PP_DIR_BASE */
    VgtGmSpace ppgtt;           /* its value as the stream sets it */
} VgtScanEnv;

static bool vgt_submit_scan_read(void *opaque, bool ppgtt, uint64_t gma,
                                 void *buf, uint32_t len)
{
    VgtScanEnv *e = opaque;

    return vgt_gtt_read_gm(e->s, ppgtt ? &e->ppgtt : &vgt_ggtt, gma, buf, len);
}

static bool vgt_submit_scan_gm_ok(void *opaque, uint64_t gma, uint64_t len)
{
    VgtScanEnv *e = opaque;

    return vgt_gm_is_ours(e->s, gma, len);
}

static void vgt_submit_scan_lri(void *opaque, uint32_t reg, uint32_t value)
{
    VgtScanEnv *e = opaque;

    if (reg == e->pp_dir_base_reg) {
        e->ppgtt.pp_dir_base = value;
    }
}

static bool vgt_submit_to_host(void *opaque, uint64_t gma, uint64_t len,
                               uint64_t *hma)
{
    return vgt_gm_to_host(opaque, gma, len, hma);
}

/*
 * The value of engine register @reg for the helper: the GGTT address in
 * bits @mask ([addr, addr + len)) moved to where it is on this host.  A
 * value outside the VM's memory (a register the guest has not programmed
 * yet) goes as it is: the helper refuses anything outside the instance's
 * GM, so nothing the VM can reach goes through it.
 */
/*
 * The engine state the device flushes with a workload (every HSW_REG_FLUSH
 * register of kernel-shim/hsw/hsw-regs.c): the registers whose value in
 * the VM's register file changed since the engine's last workload, so
 * that the VM's MMIO writes reach its engine state while what its own
 * commands loaded (LRI, MI_SET_CONTEXT) stays, as on a real GPU.  All of
 * them after a reset, a hang or a rejected submission (the helper's copy
 * may then be at power-on), and at the first workload.  The values sent
 * are what the registers read (masked ones without their enable half: the
 * helper writes them with every enable bit); GGTT addresses in them are
 * moved to this host (vgt_gm_reg_to_host).
 */
QEMU_BUILD_BUG_ON(HSW_CTX_REGS_MAX > VGT_ENGINE_REGS_MAX);

static void vgt_flush_invalidate(VgtState *s, uint32_t engines)
{
    unsigned e;

    for (e = 0; e < VGT_ENGINE_COUNT; e++) {
        if (engines & (1u << e)) {
            s->submit.flush_valid[e] = false;
        }
    }
}

/* Fill @wl's flush list; @sent gets every FLUSH register's value. */
static void vgt_submit_flush_regs(VgtState *s, unsigned engine,
                                  struct vgt_workload *wl, uint32_t *sent)
{
    uint32_t regs[HSW_CTX_REGS_MAX], flags[HSW_CTX_REGS_MAX];
    uint32_t n = hsw_engine_ctx_regs(engine, regs, flags), i, v;
    bool all = !s->submit.flush_valid[engine];

    for (i = 0; i < n; i++) {
        if (!(flags[i] & HSW_REG_FLUSH)) {
            continue;
        }
        v = vgt_gm_reg_to_host(s, engine, regs[i], vgt_vreg(s, regs[i]));
        sent[i] = v;
        if ((!all && s->submit.flush_sent[engine][i] == v) ||
            wl->nr_regs == VGT_WL_REGS_MAX) {
            continue;
        }
        trace_vgt_submit_flush(hsw_engines[engine].name, regs[i], v);
        wl->regs[wl->nr_regs++] = (struct vgt_reg_write) { regs[i], v };
    }
}

/* Stop the engine in the VM's view: it sees a hang it can reset. */
static void vgt_submit_hang(VgtState *s, unsigned engine, const char *why);

/*
 * The GPU walks the helper's shadow of the VM's page tables, never the
 * guest's own (docs/helper.md, "Shadow PPGTT"): before a submission that
 * uses the PPGTT the helper re-reads them and re-validates what changed.
 * The page directory is the one PP_DIR_BASE names when the stream is
 * done (i915 loads the same one with every switch_mm).  A helper whose
 * GPU cannot walk a shadow says so (its audit then refuses PPGTT work);
 * a lost helper shows at the submit.  false: the engine hangs.
 */
static bool vgt_submit_ppgtt_sync(VgtState *s, unsigned engine,
                                  uint32_t pp_dir_base)
{
    uint32_t base = hsw_engines[engine].mmio_base;
    uint64_t pd = vgt_gm_reg_to_host(s, engine, RING_PP_DIR_BASE(base),
                                     pp_dir_base) & HSW_PP_DIR_BASE_ADDR_MASK;
    g_autofree char *why = NULL;
    int ret;

    ret = s->host.ops->ppgtt_sync ?
          s->host.ops->ppgtt_sync(s->host.conn, pd) : -VGT_E_NOTSUP;
    trace_vgt_submit_ppgtt_sync(hsw_engines[engine].name, pd, ret);
    if (ret >= 0 || ret == -VGT_E_NOTSUP || ret == -VGT_E_IO) {
        return true;
    }
    why = g_strdup_printf("the helper refused the PPGTT page directory at "
                          "GM 0x%" PRIx64 " (PP_DIR_BASE 0x%08x): %s", pd,
                          pp_dir_base, vgt_strerror(ret));
    vgt_submit_hang(s, engine, why);
    return false;
}

static void vgt_submit_hang(VgtState *s, unsigned engine, const char *why)
{
    VgtEngineState *es = &s->submit.engine[engine];

    es->hung = true;
    vgt_flush_invalidate(s, 1u << engine);
    s->stats.submit_rejected++;
    trace_vgt_submit_rejected(hsw_engines[engine].name, why);
    qemu_log_mask(LOG_GUEST_ERROR, "vgt: %s submission rejected, engine "
                  "stopped until reset: %s\n",
                  hsw_engines[engine].name, why);
}

/*
 * The shadow area is split between the engines.  An engine's slice is a
 * ring: each workload in flight holds its copies' part of it until it
 * completes (vgt-inflight.c).
 */
static uint64_t vgt_submit_slice_size(VgtState *s)
{
    return (s->submit.shadow.size / VGT_ENGINE_COUNT) & ~(uint64_t)0xfff;
}

/*
 * Where the next scan starts: where the last workload in flight ended,
 * or HEAD when there is none (or it is from before a hang or GDRST).
 */
static uint32_t vgt_submit_scan_start(VgtState *s, unsigned engine)
{
    VgtEngineState *es = &s->submit.engine[engine];
    uint32_t base = hsw_engines[engine].mmio_base;

    if (es->ninflight && vgt_inflight_at(es, es->ninflight - 1)->moves_head) {
        return vgt_inflight_at(es, es->ninflight - 1)->tail;
    }
    return vgt_vreg(s, RING_HEAD(base)) & TAIL_ADDR;
}

bool vgt_submit_busy(VgtState *s, unsigned engine)
{
    return s->submit.engine[engine].ninflight != 0;
}

uint64_t vgt_submit_oldest_id(VgtState *s, unsigned engine)
{
    VgtEngineState *es = &s->submit.engine[engine];

    return es->ninflight ? vgt_inflight_at(es, 0)->id : 0;
}

static void vgt_submit_engine_kick(VgtState *s, unsigned engine)
{
    VgtEngineState *es = &s->submit.engine[engine];
    uint32_t base = hsw_engines[engine].mmio_base;
    uint32_t ctl = vgt_vreg(s, RING_CTL(base));
    uint32_t head = vgt_submit_scan_start(s, engine);
    uint32_t tail = vgt_vreg(s, RING_TAIL(base)) & TAIL_ADDR;
    uint32_t size = (((ctl & RING_NR_PAGES) >> 12) + 1) * VGT_PAGE_SIZE;
    VgtScanEnv env = {
        .s = s,
        .pp_dir_base_reg = RING_PP_DIR_BASE(base),
        .ppgtt = {
            .ppgtt = true,
            .pp_dir_base = vgt_vreg(s, RING_PP_DIR_BASE(base)),
        },
    };
    VgtCmdEnv cenv = {
        .opaque = &env,
        .read = vgt_submit_scan_read,
        .gm_ok = vgt_submit_scan_gm_ok,
        .lri = vgt_submit_scan_lri,
        .engine = engine,
        .npipes = VGT_NPIPES,
        .remap = vgt_gm_remapped(s),
    };
    struct vgt_workload wl = { 0 };
    uint32_t sent[HSW_CTX_REGS_MAX] = { 0 };
    g_autofree uint64_t *placed = NULL;
    uint64_t off, total = 0;
    uint32_t shadow_off;
    VgtCmdScan scan;
    unsigned i;
    int ret;

    if (es->ninflight >= s->conf.submit_depth || es->hung ||
        !s->host.conn || !(ctl & RING_VALID) ||
        (vgt_vreg(s, RING_MI_MODE(base)) & STOP_RING) ||
        head == tail) {
        return;
    }
    if (vgt_host_gone(s)) {
        /* no GPU behind us any more: the engine hangs, not the guest's doing */
        es->hung = true;
        trace_vgt_submit_helper_gone(hsw_engines[engine].name, head, tail);
        return;
    }
    trace_vgt_submit_scan(hsw_engines[engine].name, head, tail,
                          es->ninflight);
    if (vgt_cmd_scan_ring(&cenv, vgt_vreg(s, RING_START(base)) & ~0xfffu,
                          size, head, tail, &scan) != VGT_CMD_OK) {
        vgt_submit_hang(s, engine, scan.why);
        vgt_cmd_scan_free(&scan);
        return;
    }

    if (vgt_gm_remapped(s)) {
        /* the batch starts are vgt_cmd_relocate's (shadow addresses) */
        if (vgt_cmd_remap(&scan, vgt_submit_to_host, s) != VGT_CMD_OK) {
            vgt_submit_hang(s, engine, scan.why);
            vgt_cmd_scan_free(&scan);
            return;
        }
        trace_vgt_submit_remap(hsw_engines[engine].name, scan.fixups->len);
    }

    /* place the copies in the engine's slice, point the starts at them */
    for (i = 0; i < scan.nsegments; i++) {
        total += ROUND_UP(scan.segment[i].copy->len, 64);
    }
    if (total > vgt_submit_slice_size(s)) {
        g_autofree char *why = g_strdup_printf(
            "%" PRIu64 " bytes of commands in one submission, more than the "
            "%" PRIu64 " the device can hold per engine", total,
            vgt_submit_slice_size(s));

        vgt_submit_hang(s, engine, why);
        vgt_cmd_scan_free(&scan);
        return;
    }
    if (!vgt_inflight_shadow_alloc(es, vgt_submit_slice_size(s), total,
                                   &shadow_off)) {
        /* the slice is held by work in flight: rescan at a completion */
        trace_vgt_submit_shadow_full(hsw_engines[engine].name, total,
                                     es->ninflight);
        vgt_cmd_scan_free(&scan);
        return;
    }
    placed = g_new0(uint64_t, scan.nsegments);
    off = engine * vgt_submit_slice_size(s) + shadow_off;
    for (i = 0; i < scan.nsegments; i++) {
        placed[i] = s->submit.shadow.gm_addr + off;
        off += ROUND_UP(scan.segment[i].copy->len, 64);
    }
    vgt_cmd_relocate(&scan, placed);
    for (i = 0; i < scan.nsegments; i++) {
        memcpy((uint8_t *)(uintptr_t)s->submit.shadow.hva +
               (placed[i] - s->submit.shadow.gm_addr),
               scan.segment[i].copy->data, scan.segment[i].copy->len);
    }

    if (scan.ppgtt &&
        !vgt_submit_ppgtt_sync(s, engine, env.ppgtt.pp_dir_base)) {
        vgt_cmd_scan_free(&scan);
        return;
    }

    wl.id = ++es->next_id;
    wl.start = placed[0];
    wl.length = scan.segment[0].copy->len;
    wl.engine = engine;
    vgt_submit_flush_regs(s, engine, &wl, sent);

    ret = s->host.ops->submit(s->host.conn, &wl);
    trace_vgt_submit(hsw_engines[engine].name, wl.id, wl.start,
                     wl.length, scan.nsegments, ret);
    if (ret == -VGT_E_IO && s->host.transport == &vgt_host_socket_ops) {
        /*
         * The connection broke (vgt_host_events says so when the event
         * channel reports it): the engine hangs, not the guest's doing.
         */
        es->hung = true;
        vgt_flush_invalidate(s, 1u << engine);
        trace_vgt_submit_helper_gone(hsw_engines[engine].name, head, tail);
        vgt_cmd_scan_free(&scan);
        return;
    }
    if (ret < 0) {
        /* the helper's own audit refused it: same outcome for the VM */
        vgt_submit_hang(s, engine, vgt_strerror(ret));
        vgt_cmd_scan_free(&scan);
        return;
    }
    memcpy(s->submit.flush_sent[engine], sent, sizeof(sent));
    s->submit.flush_valid[engine] = true;
    vgt_inflight_push(es, wl.id, tail, shadow_off, total);
    s->stats.submitted++;
    vgt_cmd_scan_free(&scan);
}

void vgt_submit_tail_written(VgtState *s, uint32_t ring_base)
{
    unsigned e;

    for (e = 0; e < VGT_ENGINE_COUNT; e++) {
        if (hsw_engines[e].mmio_base == ring_base) {
            vgt_submit_engine_kick(s, e);
        }
    }
}

/* Why a workload the helper reported failed stopped the guest's ring. */
static const char *vgt_submit_failure_why(uint32_t type)
{
    switch (type) {
    case VGT_EVENT_FAULT:
        return "the GPU faulted on a memory access";
    case VGT_EVENT_HANG:
        return "the workload exceeded its time budget";
    default:
        /* a posted submit (vgt-hostd): its count is in the helper stats */
        return "the helper refused the workload";
    }
}

void vgt_submit_event(VgtState *s, const struct vgt_event *ev)
{
    VgtEngineState *es;
    VgtInflight *fl;
    uint32_t base;
    int at;

    if (ev->unit >= VGT_ENGINE_COUNT) {
        return;
    }
    es = &s->submit.engine[ev->unit];
    base = hsw_engines[ev->unit].mmio_base;
    at = vgt_inflight_find(es, ev->data);
    switch (ev->type) {
    case VGT_EVENT_FAULT:
    case VGT_EVENT_HANG:
    case VGT_EVENT_REFUSED:
        if (at < 0) {
            break;
        }
        /*
         * The ring stops at it: HEAD stays at its start, and what followed
         * it (the helper cancels it) does not move HEAD either.
         */
        vgt_inflight_stop_head(es, at);
        if (!es->hung) {
            vgt_submit_hang(s, ev->unit, vgt_submit_failure_why(ev->type));
        }
        break;
    case VGT_EVENT_COMPLETE:
        if (at < 0) {
            break;
        }
        /*
         * Completions come in submission order; one that skips others
         * (events lost on a full queue) completes them too.
         */
        fl = vgt_inflight_at(es, at);
        if (fl->moves_head) {
            /* the commands up to its TAIL ran: HEAD catches up */
            vgt_vreg(s, RING_HEAD(base)) =
                (vgt_vreg(s, RING_HEAD(base)) & ~TAIL_ADDR) | fl->tail;
        }
        trace_vgt_submit_complete(hsw_engines[ev->unit].name, ev->data,
                                  fl->moves_head ? fl->tail : ~0u,
                                  es->ninflight - at - 1);
        vgt_inflight_retire(es, at + 1);
        /* TAIL may have moved meanwhile */
        vgt_submit_engine_kick(s, ev->unit);
        break;
    }
}

bool vgt_submit_init(VgtState *s, Error **errp)
{
    int ret = s->host.ops->shadow_map(s->host.conn, &s->submit.shadow);

    if (ret < 0) {
        error_setg(errp, "vgt: the helper has no shadow area for this VM's "
                   "command buffers: %s", vgt_strerror(ret));
        return false;
    }
    return true;
}

void vgt_submit_device_reset(VgtState *s)
{
    unsigned e;

    /*
     * Workload ids keep counting: a completion of the old epoch that
     * arrives late can never match a new workload.
     */
    for (e = 0; e < VGT_ENGINE_COUNT; e++) {
        vgt_inflight_clear(&s->submit.engine[e]);
        s->submit.engine[e].hung = false;
    }
    vgt_flush_invalidate(s, (1u << VGT_ENGINE_COUNT) - 1);
    /* the interrupt masks are back to all masked */
    vgt_submit_notify_update(s);
}

/*
 * Which events wake QEMU (the helper's notify_policy).  A completion: once
 * at most half the depth is left queued on the engine; the rest keeps the
 * engine busy while QEMU hears of it and submits more, and a drained
 * queue always wakes.  A user interrupt: only while the guest has it
 * unmasked (i915 unmasks it while it waits for a request); masked, it
 * latches nothing, and the helper holds it until the next wake-up.
 * Waking QEMU costs the engine's thread a cross-CPU wake-up per event.
 */
void vgt_submit_notify_update(VgtState *s)
{
    struct vgt_notify_policy p;
    bool woke = false, irq;
    unsigned e;
    int ret;

    for (e = 0; e < VGT_ENGINE_COUNT; e++) {
        irq = vgt_irq_engine_user_unmasked(s, e);
        if (s->submit.notify_valid[e] && s->submit.notify_irq[e] == irq) {
            continue;
        }
        if (!s->host.conn || vgt_host_gone(s) ||
            !s->host.ops->notify_policy) {
            return;
        }
        p = (struct vgt_notify_policy) {
            .engine = e,
            .complete_low = s->conf.submit_depth / 2,
            .user_irq = irq,
        };
        ret = s->host.ops->notify_policy(s->host.conn, &p);
        trace_vgt_submit_notify(hsw_engines[e].name, p.complete_low, irq,
                                ret);
        /* refused: every event keeps waking, as by default */
        s->submit.notify_valid[e] = ret >= 0;
        s->submit.notify_irq[e] = irq;
        woke |= irq;
    }
    if (woke) {
        /* raised between the last flush and the policy: under the new mask */
        vgt_host_poll_events(s);
    }
}

void vgt_submit_notify_flush(VgtState *s)
{
    unsigned e;

    for (e = 0; e < VGT_ENGINE_COUNT; e++) {
        if (s->submit.notify_valid[e] && !s->submit.notify_irq[e]) {
            vgt_host_poll_events(s);
            return;
        }
    }
}

/*
 * The helper went away: a workload it held never completes.  The engine
 * stops where it was, as after a hang (HEAD stays, no interrupt); GDRST
 * and later submissions find no GPU either (vgt_submit_engine_kick), so
 * it stays hung until the VM is restarted on a running helper.
 */
void vgt_submit_helper_gone(VgtState *s)
{
    unsigned e;
    uint32_t i;

    for (e = 0; e < VGT_ENGINE_COUNT; e++) {
        VgtEngineState *es = &s->submit.engine[e];

        for (i = 0; i < es->ninflight; i++) {
            trace_vgt_submit_lost(hsw_engines[e].name,
                                  vgt_inflight_at(es, i)->id);
        }
        if (es->ninflight) {
            vgt_inflight_clear(es);
            es->hung = true;
        }
    }
}

void vgt_submit_reset(VgtState *s, uint32_t engines)
{
    VgtEngineState *es;
    unsigned e;

    for (e = 0; e < VGT_ENGINE_COUNT; e++) {
        if (!(engines & (1u << e))) {
            continue;
        }
        es = &s->submit.engine[e];
        /*
         * What is in flight still completes and keeps its shadow copies
         * until then, but the guest programs its ring afresh: HEAD is its
         * own from now on.
         */
        vgt_inflight_stop_head(es, 0);
        es->hung = false;
        vgt_flush_invalidate(s, 1u << e);
    }
}

void vgt_submit_save(VgtState *s, unsigned engine, VgtEngineMig *m)
{
    VgtEngineState *es = &s->submit.engine[engine];
    VgtInflight *newest = es->ninflight ?
                          vgt_inflight_at(es, es->ninflight - 1) : NULL;

    /* not drained: where the state goes, that engine hangs */
    *m = (VgtEngineMig) {
        .busy = false,
        .hung = es->hung || es->ninflight,
        .next_id = es->next_id,
        .inflight_id = newest ? newest->id : 0,
        .inflight_tail = newest ? newest->tail : 0,
    };
}

void vgt_submit_load(VgtState *s, unsigned engine, const VgtEngineMig *m)
{
    VgtEngineState *es = &s->submit.engine[engine];

    /* nothing of this VM runs in this helper: nothing is in flight */
    vgt_inflight_clear(es);
    es->hung = m->hung || m->busy;
    es->next_id = m->next_id;
}
