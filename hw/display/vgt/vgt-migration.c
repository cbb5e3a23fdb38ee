/*
 * vgt: live migration and snapshots of the vGPU.
 *
 * What migrates, and how:
 *  - The device's state is a vmstate ("vgt", below): configuration
 *    space (MSI included), the register file as the guest sees it
 *    (PVINFO, rings, interrupt chain, display), the guest's GGTT, the
 *    fence bookkeeping, submission state, pipe timers, the DP sink, GMBUS,
 *    the OpRegion, the partition the guest was told about (the "view"),
 *    and legacy VGA in a subsection.  VGA's VRAM is RAM and migrates as
 *    such.
 *  - The helper's state for this VM is rebuilt on the destination by
 *    replaying what created it: every GGTT entry and live fence goes
 *    through the device's normal write paths again (so a destination
 *    helper that placed the VM elsewhere gets remapped addresses,
 *    vgt-gm-remap.c), and the helper's per-engine register state, the one
 *    thing the device cannot know (commands in the guest's streams change
 *    it), is read from the source helper and written to the destination's
 *    (engine_regs_get/set).  Whatever transport either side uses.
 *  - Work in flight is drained, never carried: when the VM stops (the
 *    stop-and-copy phase of migration, savevm, or a plain stop) the device
 *    waits for the workloads the helper holds for it to complete and
 *    handles their events (HEAD moves, interrupts latch), so that the
 *    state saved after it describes finished work.  A workload that does
 *    not finish within x-migration-drain-ms is reported and migrates as a
 *    hang on its engine, which i915 recovers from with an engine reset.
 *  - Pages the GPU writes in guest memory are invisible to QEMU's dirty
 *    tracking (the engine writes through its own mapping, in this process,
 *    in vgt-hostd or in vgt.ko): while migration logs dirty memory, the
 *    helper logs what its engines wrote and log_sync folds that into the
 *    migration bitmap, so pre-copy never leaves a stale page behind.
 *
 * A corrupt or foreign stream fails the load with an error saying what is
 * wrong and leaves the running source alone (with the return path on, the
 * source resumes).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include <zlib.h>
#include "qemu/error-report.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "qapi/error.h"
#include "qapi/visitor.h"
#include "exec/address-spaces.h"
#include "hw/pci/pci.h"
#include "migration/blocker.h"
#include "migration/migration.h"
#include "migration/misc.h"
#include "migration/qemu-file-types.h"
#include "migration/vmstate.h"
#include "sysemu/runstate.h"
#include "sysemu/xen.h"
#include "kernel-shim/hsw/hsw-regs.h"
#include "vgt-internal.h"
#include "trace.h"

#define VGT_MIG_MAGIC           0x56475431u     /* "VGT1" */
#define VGT_MIG_DRAIN_MS        2000
#define VGT_MIG_DRAIN_POLL_MS   10

/* ---- drain at stop ------------------------------------------------- */

static bool vgt_mig_engines_busy(VgtState *s)
{
    unsigned e;

    for (e = 0; e < VGT_ENGINE_COUNT; e++) {
        if (vgt_submit_busy(s, e)) {
            return true;
        }
    }
    return false;
}

/*
 * Wait for the helper to finish what it holds for this VM.  Completions
 * may start queued ring contents (TAIL moved meanwhile): those are
 * drained too, within the same limit.
 */
static void vgt_mig_drain(VgtState *s)
{
    int64_t t0 = qemu_clock_get_ns(QEMU_CLOCK_REALTIME);
    int64_t deadline = t0 + (int64_t)s->mig.drain_ms * SCALE_MS;
    unsigned e;

    if (!s->host.conn) {
        return;
    }
    vgt_gtt_flush(s);
    while (vgt_mig_engines_busy(s)) {
        int64_t now = qemu_clock_get_ns(QEMU_CLOCK_REALTIME);
        GPollFD pfd = { .fd = s->host.event_fd, .events = G_IO_IN };

        if (now >= deadline || s->host.event_fd < 0) {
            break;
        }
        /* the helper's scheduler runs on its own thread or process */
        if (g_poll(&pfd, 1, MIN(VGT_MIG_DRAIN_POLL_MS,
                              (deadline - now + SCALE_MS - 1) / SCALE_MS))
            < 0 && errno != EINTR) {
            break;
        }
        vgt_host_poll_events(s);
    }
    s->mig.drain_ns = qemu_clock_get_ns(QEMU_CLOCK_REALTIME) - t0;
    for (e = 0; e < VGT_ENGINE_COUNT; e++) {
        uint64_t id = vgt_submit_oldest_id(s, e);

        if (id && s->mig.warned_id[e] != id) {
            s->mig.warned_id[e] = id;
            s->mig.drain_timeouts++;
            warn_report("vgt: the %s workload %" PRIu64 " was still running "
                        "%u ms after the VM stopped; if the VM moves now, "
                        "its guest sees that engine hang", hsw_engines[e].name,
                        id, s->mig.drain_ms);
        }
    }
    trace_vgt_mig_drain(s->mig.drain_ns, s->mig.drain_timeouts);
}

static void vgt_mig_vm_state_change(void *opaque, bool running,
                                    RunState state)
{
    VgtState *s = opaque;
    unsigned e;

    if (!running) {
        vgt_mig_drain(s);
        return;
    }
    /* After a load (or a stop): run what the rings hold. */
    for (e = 0; e < VGT_ENGINE_COUNT; e++) {
        vgt_submit_tail_written(s, hsw_engines[e].mmio_base);
    }
}

/*
 * Postcopy would run the destination with guest pages still on the
 * source; the GPU reaches them behind QEMU's back (another thread,
 * vgt-hostd's own mapping, pages vgt.ko pinned), where no page fault
 * fetches them.  A migration that may switch to postcopy is refused
 * before it starts.
 */
static void vgt_mig_state_changed(Notifier *notifier, void *data)
{
    VgtState *s = container_of(notifier, VgtState, mig.state_notifier);
    MigrationState *ms = data;
    Error *err = NULL;

    if (!migration_in_setup(ms) || !migrate_postcopy_ram()) {
        return;
    }
    error_setg(&err, "vgt: %s cannot migrate with the postcopy-ram "
               "capability: the GPU would reach guest pages that have not "
               "arrived", DEVICE(s)->id ? DEVICE(s)->id : "the vGPU");
    /* QEMU reports it when the migration ends (and in query-migrate) */
    migration_cancel(err);
    error_free(err);
}

/* ---- pages the GPU wrote ------------------------------------------- */

static bool vgt_mig_section_is_ram(MemoryRegionSection *sec)
{
    /* what vgt-host.c registers with the helper */
    return memory_region_is_ram(sec->mr) && !memory_region_is_rom(sec->mr) &&
           !memory_region_is_ram_device(sec->mr) &&
           !((sec->offset_within_address_space | int128_get64(sec->size)) &
             (VGT_PAGE_SIZE - 1));
}

static void vgt_mig_log_global_start(MemoryListener *listener)
{
    VgtState *s = container_of(listener, VgtState, mig.dirty_listener);
    int ret;

    if (!s->host.conn || !s->host.ops->dirty_log) {
        return;
    }
    ret = s->host.ops->dirty_log(s->host.conn, true);
    trace_vgt_mig_dirty_log(true, ret);
    if (ret < 0) {
        error_report("vgt: the helper cannot log the pages the GPU writes "
                     "(%s): a migration may leave GPU-written pages stale",
                     vgt_strerror(ret));
        return;
    }
    s->mig.dirty_logging = true;
}

static void vgt_mig_log_global_stop(MemoryListener *listener)
{
    VgtState *s = container_of(listener, VgtState, mig.dirty_listener);
    int ret;

    if (!s->mig.dirty_logging) {
        return;
    }
    s->mig.dirty_logging = false;
    ret = s->host.ops->dirty_log(s->host.conn, false);
    trace_vgt_mig_dirty_log(false, ret);
}

/* Mark the runs of set bits of @bitmap (pages from @offset) dirty. */
static uint64_t vgt_mig_set_dirty(MemoryRegion *mr, hwaddr offset,
                                  const uint64_t *bitmap, uint64_t n)
{
    uint64_t i = 0, dirty = 0;

    while (i < n) {
        uint64_t start;

        if (!(le64_to_cpu(bitmap[i / 64]) & (1ull << (i % 64)))) {
            i = (le64_to_cpu(bitmap[i / 64]) >> (i % 64)) ? i + 1 :
                ROUND_UP(i + 1, 64);
            continue;
        }
        start = i;
        while (i < n && (le64_to_cpu(bitmap[i / 64]) & (1ull << (i % 64)))) {
            i++;
        }
        memory_region_set_dirty(mr, offset + (start << VGT_PAGE_SHIFT),
                                (i - start) << VGT_PAGE_SHIFT);
        dirty += i - start;
    }
    return dirty;
}

static void vgt_mig_log_sync(MemoryListener *listener,
                             MemoryRegionSection *sec)
{
    VgtState *s = container_of(listener, VgtState, mig.dirty_listener);
    uint64_t gpa = sec->offset_within_address_space;
    uint64_t pages = int128_get64(sec->size) >> VGT_PAGE_SHIFT;
    g_autofree uint64_t *bitmap = NULL;
    uint64_t done = 0;

    if (!s->mig.dirty_logging || !vgt_mig_section_is_ram(sec)) {
        return;
    }
    bitmap = g_new(uint64_t, VGT_DIRTY_READ_MAX_PAGES / 64);
    while (done < pages) {
        uint64_t n = MIN(pages - done, VGT_DIRTY_READ_MAX_PAGES);
        uint64_t dirty;
        int ret;

        memset(bitmap, 0, DIV_ROUND_UP(n, 64) * 8);
        ret = s->host.ops->dirty_read(s->host.conn,
                                      gpa + (done << VGT_PAGE_SHIFT), n,
                                      bitmap);
        if (ret < 0) {
            /* unknown to the helper: every page may have been written */
            trace_vgt_mig_dirty_read_error(gpa + (done << VGT_PAGE_SHIFT), n,
                                           ret);
            memset(bitmap, 0xff, DIV_ROUND_UP(n, 64) * 8);
        }
        dirty = vgt_mig_set_dirty(sec->mr, sec->offset_within_region +
                                  (done << VGT_PAGE_SHIFT), bitmap, n);
        s->mig.dirty_pages += dirty;
        trace_vgt_mig_dirty_sync(gpa + (done << VGT_PAGE_SHIFT), n, dirty);
        done += n;
    }
}

/* ---- save ------------------------------------------------------------ */

static uint32_t vgt_mig_crc(VgtState *s)
{
    uLong crc = crc32(0, NULL, 0);

    crc = crc32_z(crc, (const Bytef *)s->regs.vals, VGT_MMIO_SIZE);
    crc = crc32_z(crc, (const Bytef *)s->gtt.guest, VGT_GTT_SIZE);
    crc = crc32_z(crc, (const Bytef *)&s->host.view, sizeof(s->host.view));
    return crc;
}

/*
 * The helper's engine registers that hold GGTT addresses (the current
 * context, the status page, the page directory) travel in the guest's
 * addresses: each side's helper may have the VM elsewhere.
 */
static void vgt_mig_engine_regs_move(VgtState *s, struct vgt_engine_regs *r,
                                     bool to_host)
{
    uint32_t i;

    for (i = 0; i < r->nr_regs && i < VGT_ENGINE_REGS_MAX; i++) {
        r->regs[i].value = to_host ?
            vgt_gm_reg_to_host(s, r->engine, r->regs[i].offset,
                               r->regs[i].value) :
            vgt_gm_reg_to_guest(s, r->engine, r->regs[i].offset,
                                r->regs[i].value);
    }
}

static int vgt_mig_pre_save(void *opaque)
{
    VgtState *s = opaque;
    unsigned e;
    int ret;

    s->mig.save_start_ns = qemu_clock_get_ns(QEMU_CLOCK_REALTIME);
    if (!s->host.conn) {
        error_report("vgt: cannot save the vGPU: not connected to its "
                     "helper");
        return -EINVAL;
    }
    /* savevm and migration stopped the VM already: this is a no-op then */
    if (vgt_mig_engines_busy(s)) {
        vgt_mig_drain(s);
    }
    vgt_gtt_flush(s);
    for (e = 0; e < VGT_ENGINE_COUNT; e++) {
        /*
         * Not drained: where the state goes, that engine hangs (see the
         * top); here the workload still completes.
         */
        vgt_submit_save(s, e, &s->mig.submit[e]);
        memset(&s->mig.engine[e], 0, sizeof(s->mig.engine[e]));
        ret = s->host.ops->engine_regs_get ?
              s->host.ops->engine_regs_get(s->host.conn, e,
                                           &s->mig.engine[e]) :
              -VGT_E_INVAL;
        if (ret < 0 || s->mig.engine[e].nr_regs > VGT_ENGINE_REGS_MAX) {
            error_report("vgt: cannot save the vGPU: the helper (%s) did not "
                         "give the %s engine's state: %s",
                         s->host.ops->name, hsw_engines[e].name,
                         ret < 0 ? vgt_strerror(ret) : "too many registers");
            return -EINVAL;
        }
        vgt_mig_engine_regs_move(s, &s->mig.engine[e], false);
    }
    s->mig.opregion_asls = s->opregion.mapped ? s->opregion.addr : 0;
    s->mig.magic = VGT_MIG_MAGIC;
    s->mig.crc = vgt_mig_crc(s);
    trace_vgt_mig_pre_save(s->mig.crc);
    return 0;
}

static int vgt_mig_post_save(void *opaque)
{
    VgtState *s = opaque;

    s->mig.save_ns = qemu_clock_get_ns(QEMU_CLOCK_REALTIME) -
                     s->mig.save_start_ns;
    s->mig.saves++;
    trace_vgt_mig_post_save(s->mig.save_ns);
    return 0;
}

/* ---- load ------------------------------------------------------------ */

static int vgt_mig_pre_load(void *opaque)
{
    VgtState *s = opaque;

    s->mig.load_start_ns = qemu_clock_get_ns(QEMU_CLOCK_REALTIME);
    /* a snapshot loaded into a running device: finish its work first */
    if (vgt_mig_engines_busy(s)) {
        vgt_mig_drain(s);
    }
    return 0;
}

static bool vgt_mig_range_ok(uint64_t base, uint64_t size, uint64_t limit)
{
    return !(base & (VGT_PAGE_SIZE - 1)) && !(size & (VGT_PAGE_SIZE - 1)) &&
           base <= limit && size <= limit - base;
}

/* The incoming view must be one this device and its helper can serve. */
static bool vgt_mig_check_view(VgtState *s, const struct vgt_instance_info *v)
{
    const struct vgt_instance_info *p = &s->host.part;
    uint64_t gm = (uint64_t)VGT_GTT_ENTRIES << VGT_PAGE_SHIFT;

    if (v->mappable_size != p->mappable_size ||
        v->nonmappable_size != p->nonmappable_size ||
        v->fence_num != p->fence_num) {
        error_report("vgt: the incoming vGPU has %" PRIu64 " MiB mappable "
                     "and %" PRIu64 " MiB non-mappable graphics memory and %u "
                     "fences; this device has %" PRIu64 " MiB, %" PRIu64
                     " MiB and %u: start the destination with the source's "
                     "low_gm_sz, high_gm_sz and fence_sz",
                     (uint64_t)v->mappable_size >> 20,
                     (uint64_t)v->nonmappable_size >> 20, v->fence_num,
                     (uint64_t)p->mappable_size >> 20,
                     (uint64_t)p->nonmappable_size >> 20, p->fence_num);
        return false;
    }
    if (!vgt_mig_range_ok(v->mappable_base, v->mappable_size,
                          s->conf.aperture_size) ||
        !vgt_mig_range_ok(v->nonmappable_base, v->nonmappable_size, gm) ||
        (v->nonmappable_size &&
         v->nonmappable_base < v->mappable_base + v->mappable_size &&
         v->mappable_base < v->nonmappable_base + v->nonmappable_size)) {
        error_report("vgt: the incoming vGPU's graphics memory [0x%" PRIx64
                     ", +0x%" PRIx64 ") and [0x%" PRIx64 ", +0x%" PRIx64 ") "
                     "does not fit this device's aperture (%" PRIu64 " MiB) "
                     "and GTT: corrupt stream?", (uint64_t)v->mappable_base,
                     (uint64_t)v->mappable_size,
                     (uint64_t)v->nonmappable_base,
                     (uint64_t)v->nonmappable_size,
                     s->conf.aperture_size >> 20);
        return false;
    }
    return true;
}

static bool vgt_mig_check_state(VgtState *s)
{
    unsigned e, i;

    for (e = 0; e < VGT_ENGINE_COUNT; e++) {
        if (s->mig.engine[e].engine != e ||
            s->mig.engine[e].nr_regs > VGT_ENGINE_REGS_MAX) {
            error_report("vgt: the incoming vGPU's %s engine state is "
                         "malformed: corrupt stream?", hsw_engines[e].name);
            return false;
        }
    }
    for (i = 0; i < VGT_NPIPES; i++) {
        VgtPipe *pipe = &s->display.pipe[i];

        if (pipe->enabled && pipe->frame_ns <= 0) {
            error_report("vgt: the incoming vGPU's pipe %c has no frame "
                         "length: corrupt stream?", 'A' + i);
            return false;
        }
        if (!pipe->enabled) {
            /* a disabled pipe has no vblank (its timer divides by frames) */
            timer_del(pipe->vblank_timer);
        }
    }
    if ((uint64_t)s->fence.live >> s->host.part.fence_num) {
        error_report("vgt: the incoming vGPU has fences beyond its %u "
                     "live: corrupt stream?", s->host.part.fence_num);
        return false;
    }
    /* DDC: the EDID and GMBUS code bound every offset where they use it */
    return true;
}

/* Every entry of the guest's ranges, through the guest's own write path. */
static void vgt_mig_replay_gtt(VgtState *s)
{
    const struct vgt_instance_info *v = &s->host.view;
    const struct { uint64_t base, size; } range[] = {
        { v->mappable_base, v->mappable_size },
        { v->nonmappable_base, v->nonmappable_size },
    };
    unsigned r;

    /* forget every translation, TCG's cached ones too (loadvm) */
    vgt_aperture_reset(s);
    for (r = 0; r < ARRAY_SIZE(range); r++) {
        uint64_t first = range[r].base >> VGT_PAGE_SHIFT;
        uint64_t n = range[r].size >> VGT_PAGE_SHIFT, i;

        for (i = first; i < first + n; i++) {
            memory_region_dispatch_write(&s->gtt.mr, i * 4, s->gtt.guest[i],
                                         MO_32 | MO_LE,
                                         MEMTXATTRS_UNSPECIFIED);
        }
        s->mig.gtt_replayed += n;
    }
    vgt_gtt_flush(s);
}

/* Live fences: the high dword's write commits a pending valid low one. */
static void vgt_mig_replay_fences(VgtState *s)
{
    uint32_t live = s->fence.live;
    unsigned f;

    s->fence.live = 0;
    s->fence.hi_fresh = 0;
    s->fence.lo_pending = 0;
    for (f = 0; f < VGT_FENCE_COUNT; f++) {
        if (live & (1u << f)) {
            s->fence.lo_pending |= 1u << f;
            vgt_reg_write(s, FENCE_REG_GEN6_HI(f),
                          vgt_vreg(s, FENCE_REG_GEN6_HI(f)));
        }
    }
}

static int vgt_mig_post_load(void *opaque, int version_id)
{
    VgtState *s = opaque;
    struct vgt_instance_info view = s->host.view;
    uint32_t crc;
    unsigned e;
    int ret;

    if (!s->host.conn) {
        error_report("vgt: cannot load the vGPU: not connected to its "
                     "helper");
        return -EINVAL;
    }
    crc = vgt_mig_crc(s);
    if (crc != s->mig.crc) {
        error_report("vgt: the incoming vGPU state is corrupt (checksum "
                     "0x%08x, the source computed 0x%08x)", crc, s->mig.crc);
        goto refuse;
    }
    if (!vgt_mig_check_view(s, &view) || !vgt_mig_check_state(s)) {
        goto refuse;
    }
    /*
     * The live OpRegion mapping is this QEMU's: it follows what the guest
     * set.  First: mapping it splits guest RAM, which the helper sees as
     * regions going and coming (dropping what pointed into them).
     */
    vgt_opregion_map(s, s->mig.opregion_asls);
    /* The helper forgets what it had for this VM, then hears it again. */
    vgt_host_reset(s);
    s->host.view = view;
    if (vgt_gm_remapped(s)) {
        info_report("vgt: this VM's graphics memory moved: mappable 0x%"
                    PRIx64 " -> 0x%" PRIx64 ", non-mappable 0x%" PRIx64
                    " -> 0x%" PRIx64 " (the guest keeps its addresses)",
                    (uint64_t)view.mappable_base,
                    (uint64_t)s->host.part.mappable_base,
                    (uint64_t)view.nonmappable_base,
                    (uint64_t)s->host.part.nonmappable_base);
    }
    vgt_mig_replay_gtt(s);
    vgt_mig_replay_fences(s);
    for (e = 0; e < VGT_ENGINE_COUNT; e++) {
        vgt_submit_load(s, e, &s->mig.submit[e]);
        vgt_mig_engine_regs_move(s, &s->mig.engine[e], true);
        ret = s->host.ops->engine_regs_set ?
              s->host.ops->engine_regs_set(s->host.conn, &s->mig.engine[e]) :
              -VGT_E_INVAL;
        if (ret < 0) {
            error_report("vgt: the helper (%s) refused the incoming %s "
                         "engine state: %s", s->host.ops->name,
                         hsw_engines[e].name, vgt_strerror(ret));
            goto refuse;
        }
    }
    s->display.console.invalidate = true;
    vgt_submit_notify_update(s);
    vgt_irq_update(s);
    s->mig.load_ns = qemu_clock_get_ns(QEMU_CLOCK_REALTIME) -
                     s->mig.load_start_ns;
    s->mig.loads++;
    trace_vgt_mig_post_load(s->mig.load_ns, s->mig.gtt_replayed,
                            vgt_gm_remapped(s));
    return 0;

refuse:
    /* the device must not keep half a state: back to power-on */
    device_cold_reset(DEVICE(s));
    return -EINVAL;
}

/*
 * The register file and the GTT are big (2 MiB each) and mostly zero,
 * or runs of entries: they travel as their non-zero runs, each (start,
 * count) then count little-endian dwords, ended by VGT_MIG_RUNS_END.  A
 * run that does not fit the array fails the load.
 */
#define VGT_MIG_RUNS_END        UINT32_MAX

static int vgt_mig_runs_get(QEMUFile *f, void *pv, size_t size,
                            const VMStateField *field)
{
    uint32_t *dw = pv, n = size / 4, start, count, i;

    memset(dw, 0, size);
    for (;;) {
        start = qemu_get_be32(f);
        if (start == VGT_MIG_RUNS_END) {
            break;
        }
        count = qemu_get_be32(f);
        if (qemu_file_get_error(f)) {
            return qemu_file_get_error(f);
        }
        if (start >= n || !count || count > n - start) {
            error_report("vgt: the incoming %s has a run of %u dwords at "
                         "%u, beyond its %u: corrupt stream?", field->name,
                         count, start, n);
            return -EINVAL;
        }
        qemu_get_buffer(f, (uint8_t *)&dw[start], count * 4);
        for (i = start; i < start + count; i++) {
            dw[i] = le32_to_cpu(dw[i]);
        }
    }
    return qemu_file_get_error(f);
}

static int vgt_mig_runs_put(QEMUFile *f, void *pv, size_t size,
                            const VMStateField *field, JSONWriter *vmdesc)
{
    const uint32_t *dw = pv;
    uint32_t n = size / 4, i = 0, j, k;
    uint32_t le[256];

    while (i < n) {
        if (!dw[i]) {
            i++;
            continue;
        }
        for (j = i; j < n && dw[j]; j++) {
            /* the run: up to the next zero */
        }
        qemu_put_be32(f, i);
        qemu_put_be32(f, j - i);
        while (i < j) {
            uint32_t chunk = MIN(j - i, ARRAY_SIZE(le));

            for (k = 0; k < chunk; k++) {
                le[k] = cpu_to_le32(dw[i + k]);
            }
            qemu_put_buffer(f, (uint8_t *)le, chunk * 4);
            i += chunk;
        }
    }
    qemu_put_be32(f, VGT_MIG_RUNS_END);
    return 0;
}

static const VMStateInfo vgt_mig_runs_info = {
    .name = "vgt-dword-runs",
    .get = vgt_mig_runs_get,
    .put = vgt_mig_runs_put,
};

/* An array of @_num dwords that @_field points at, as runs. */
#define VGT_VMSTATE_DWORD_RUNS(_field, _state, _num) {                    \
    .name = stringify(_field),                                            \
    .info = &vgt_mig_runs_info,                                           \
    .size = (_num) * sizeof(uint32_t),                                    \
    .flags = VMS_SINGLE | VMS_POINTER,                                    \
    .offset = vmstate_offset_pointer(_state, _field, uint32_t),          \
}

/* ---- the description ------------------------------------------------- */

static const VMStateDescription vmstate_vgt_reg_write = {
    .name = "vgt/reg-write",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (VMStateField[]) {
        VMSTATE_UINT32(offset, struct vgt_reg_write),
        VMSTATE_UINT32(value, struct vgt_reg_write),
        VMSTATE_END_OF_LIST()
    },
};

static const VMStateDescription vmstate_vgt_engine_regs = {
    .name = "vgt/engine-regs",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (VMStateField[]) {
        VMSTATE_UINT32(engine, struct vgt_engine_regs),
        VMSTATE_UINT32(nr_regs, struct vgt_engine_regs),
        VMSTATE_STRUCT_ARRAY(regs, struct vgt_engine_regs,
                             VGT_ENGINE_REGS_MAX, 1, vmstate_vgt_reg_write,
                             struct vgt_reg_write),
        VMSTATE_END_OF_LIST()
    },
};

static const VMStateDescription vmstate_vgt_engine = {
    .name = "vgt/engine",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (VMStateField[]) {
        VMSTATE_BOOL(busy, VgtEngineMig),
        VMSTATE_BOOL(hung, VgtEngineMig),
        VMSTATE_UINT64(next_id, VgtEngineMig),
        VMSTATE_UINT64(inflight_id, VgtEngineMig),
        VMSTATE_UINT32(inflight_tail, VgtEngineMig),
        VMSTATE_END_OF_LIST()
    },
};

static const VMStateDescription vmstate_vgt_pipe = {
    .name = "vgt/pipe",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (VMStateField[]) {
        VMSTATE_BOOL(enabled, VgtPipe),
        VMSTATE_BOOL(flip_pending, VgtPipe),
        VMSTATE_INT64(start_ns, VgtPipe),
        VMSTATE_INT64(frame_ns, VgtPipe),
        VMSTATE_UINT64(frames, VgtPipe),
        VMSTATE_UINT32(frame_count, VgtPipe),
        VMSTATE_UINT32(flip_count, VgtPipe),
        VMSTATE_UINT32(surf_live, VgtPipe),
        VMSTATE_TIMER_PTR(vblank_timer, VgtPipe),
        VMSTATE_END_OF_LIST()
    },
};

static const VMStateDescription vmstate_vgt_view = {
    .name = "vgt/view",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (VMStateField[]) {
        VMSTATE_UINT32(vgt_id, struct vgt_instance_info),
        VMSTATE_UINT32(fence_base, struct vgt_instance_info),
        VMSTATE_UINT32(fence_num, struct vgt_instance_info),
        VMSTATE_UINT32(flags, struct vgt_instance_info),
        VMSTATE_UINT64(mappable_base, struct vgt_instance_info),
        VMSTATE_UINT64(mappable_size, struct vgt_instance_info),
        VMSTATE_UINT64(nonmappable_base, struct vgt_instance_info),
        VMSTATE_UINT64(nonmappable_size, struct vgt_instance_info),
        VMSTATE_UINT64(aperture_size, struct vgt_instance_info),
        VMSTATE_UINT64(gm_size, struct vgt_instance_info),
        VMSTATE_END_OF_LIST()
    },
};

static const VMStateDescription vmstate_vgt_dp = {
    .name = "vgt/dp",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (VMStateField[]) {
        VMSTATE_UINT8_ARRAY(link, VgtDp, 0x10),
        VMSTATE_UINT8(power, VgtDp),
        VMSTATE_UINT8(edid_segment, VgtDp),
        VMSTATE_UINT8(edid_offset, VgtDp),
        VMSTATE_UINT64(aux_transactions, VgtDp),
        VMSTATE_UINT64(hotplug_events, VgtDp),
        VMSTATE_UINT32(sbi[0].addr, VgtDp),
        VMSTATE_UINT32(sbi[0].value, VgtDp),
        VMSTATE_UINT32(sbi[1].addr, VgtDp),
        VMSTATE_UINT32(sbi[1].value, VgtDp),
        VMSTATE_UINT32(sbi[2].addr, VgtDp),
        VMSTATE_UINT32(sbi[2].value, VgtDp),
        VMSTATE_UINT32(sbi[3].addr, VgtDp),
        VMSTATE_UINT32(sbi[3].value, VgtDp),
        VMSTATE_UINT32(sbi[4].addr, VgtDp),
        VMSTATE_UINT32(sbi[4].value, VgtDp),
        VMSTATE_UINT32(sbi[5].addr, VgtDp),
        VMSTATE_UINT32(sbi[5].value, VgtDp),
        VMSTATE_UINT32(sbi[6].addr, VgtDp),
        VMSTATE_UINT32(sbi[6].value, VgtDp),
        VMSTATE_UINT32(sbi[7].addr, VgtDp),
        VMSTATE_UINT32(sbi[7].value, VgtDp),
        VMSTATE_END_OF_LIST()
    },
};

static const VMStateDescription vmstate_vgt_gmbus = {
    .name = "vgt/gmbus",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (VMStateField[]) {
        VMSTATE_BOOL(active, VgtGmbus),
        VMSTATE_BOOL(nak, VgtGmbus),
        VMSTATE_BOOL(read, VgtGmbus),
        VMSTATE_UINT8(slave, VgtGmbus),
        VMSTATE_UINT8(segment, VgtGmbus),
        VMSTATE_UINT8(offset, VgtGmbus),
        VMSTATE_UINT32(remaining, VgtGmbus),
        VMSTATE_UINT64(cycles, VgtGmbus),
        VMSTATE_END_OF_LIST()
    },
};

static bool vgt_mig_vga_needed(void *opaque)
{
    return VGT(opaque)->conf.vga;
}

static const VMStateDescription vmstate_vgt_vga = {
    .name = "vgt/vga",
    .version_id = 1,
    .minimum_version_id = 1,
    .needed = vgt_mig_vga_needed,
    .fields = (VMStateField[]) {
        VMSTATE_STRUCT(vga.common, VgtState, 0, vmstate_vga_common,
                       VGACommonState),
        VMSTATE_END_OF_LIST()
    },
};

const VMStateDescription vmstate_vgt = {
    .name = TYPE_VGT,
    .version_id = 1,
    .minimum_version_id = 1,
    .pre_save = vgt_mig_pre_save,
    .post_save = vgt_mig_post_save,
    .pre_load = vgt_mig_pre_load,
    .post_load = vgt_mig_post_load,
    .fields = (VMStateField[]) {
        /* first: a stream that is not ours stops here */
        VMSTATE_UINT32_EQUAL(mig.magic, VgtState,
                             "not a vgt vGPU section"),
        VMSTATE_UINT32_EQUAL(mig.mmio_dwords, VgtState,
                             "register file size differs"),
        VMSTATE_UINT32_EQUAL(mig.gtt_entries, VgtState,
                             "GTT size differs"),
        VMSTATE_UINT32_EQUAL(mig.opregion_size, VgtState,
                             "OpRegion size differs"),
        VMSTATE_PCI_DEVICE(parent_obj, VgtState),
        VMSTATE_STRUCT(host.view, VgtState, 1, vmstate_vgt_view,
                       struct vgt_instance_info),
        VGT_VMSTATE_DWORD_RUNS(regs.vals, VgtState, VGT_MMIO_DWORDS),
        VMSTATE_UINT32(regs.io_index, VgtState),
        VGT_VMSTATE_DWORD_RUNS(gtt.guest, VgtState, VGT_GTT_ENTRIES),
        VMSTATE_UINT32(fence.hi_fresh, VgtState),
        VMSTATE_UINT32(fence.lo_pending, VgtState),
        VMSTATE_UINT32(fence.live, VgtState),
        VMSTATE_BOOL(irq.level, VgtState),
        VMSTATE_BOOL(irq.debug_level, VgtState),
        VMSTATE_STRUCT_ARRAY(mig.submit, VgtState, VGT_ENGINE_COUNT, 1,
                             vmstate_vgt_engine, VgtEngineMig),
        VMSTATE_STRUCT_ARRAY(mig.engine, VgtState, VGT_ENGINE_COUNT, 1,
                             vmstate_vgt_engine_regs, struct vgt_engine_regs),
        VMSTATE_STRUCT_ARRAY(display.pipe, VgtState, VGT_NPIPES, 1,
                             vmstate_vgt_pipe, VgtPipe),
        VMSTATE_BOOL(display.monitor_connected, VgtState),
        VMSTATE_STRUCT(display.dp, VgtState, 1, vmstate_vgt_dp, VgtDp),
        VMSTATE_STRUCT(display.gmbus, VgtState, 1, vmstate_vgt_gmbus,
                       VgtGmbus),
        VMSTATE_VBUFFER_UINT32(opregion.live, VgtState, 1, NULL,
                               mig.opregion_size),
        VMSTATE_UINT32(mig.opregion_asls, VgtState),
        /* last: covers the register file, the GTT and the view */
        VMSTATE_UINT32(mig.crc, VgtState),
        VMSTATE_END_OF_LIST()
    },
    .subsections = (const VMStateDescription * []) {
        &vmstate_vgt_vga,
        NULL
    },
};

/* ---- life cycle and the "migration" property ------------------------ */

bool vgt_migration_init(VgtState *s, Error **errp)
{
    s->mig.magic = VGT_MIG_MAGIC;
    s->mig.mmio_dwords = VGT_MMIO_DWORDS;
    s->mig.gtt_entries = VGT_GTT_ENTRIES;
    s->mig.opregion_size = VGT_OPREGION_SIZE;
    if (xen_enabled()) {
        /* guest RAM is not registered with the helper under Xen yet */
        error_setg(&s->mig.blocker, "vgt: a vGPU under Xen cannot migrate "
                   "yet (its guest memory is not registered with the "
                   "helper)");
        if (migrate_add_blocker(s->mig.blocker, errp) < 0) {
            error_free(s->mig.blocker);
            s->mig.blocker = NULL;
            return false;
        }
    }
    s->mig.vmstate_change = qemu_add_vm_change_state_handler(
        vgt_mig_vm_state_change, s);
    s->mig.state_notifier.notify = vgt_mig_state_changed;
    add_migration_state_change_notifier(&s->mig.state_notifier);
    if (!s->host.conn || !s->host.ops->dirty_read || xen_enabled()) {
        return true;
    }
    s->mig.dirty_listener = (MemoryListener) {
        .name = "vgt-dirty",
        .log_global_start = vgt_mig_log_global_start,
        .log_global_stop = vgt_mig_log_global_stop,
        .log_sync = vgt_mig_log_sync,
        .priority = 10,
    };
    memory_listener_register(&s->mig.dirty_listener, &address_space_memory);
    s->mig.dirty_listener_registered = true;
    return true;
}

void vgt_migration_exit(VgtState *s)
{
    if (s->mig.state_notifier.notify) {
        remove_migration_state_change_notifier(&s->mig.state_notifier);
        s->mig.state_notifier.notify = NULL;
    }
    if (s->mig.blocker) {
        migrate_del_blocker(s->mig.blocker);
        error_free(s->mig.blocker);
        s->mig.blocker = NULL;
    }
    if (s->mig.dirty_listener_registered) {
        memory_listener_unregister(&s->mig.dirty_listener);
        s->mig.dirty_listener_registered = false;
    }
    if (s->mig.vmstate_change) {
        qemu_del_vm_change_state_handler(s->mig.vmstate_change);
        s->mig.vmstate_change = NULL;
    }
}

static bool vgt_mig_visit_u64(Visitor *v, const char *name, uint64_t value,
                              Error **errp)
{
    return visit_type_uint64(v, name, &value, errp);
}

static bool vgt_mig_visit_part(Visitor *v, const char *name,
                               const struct vgt_instance_info *p,
                               Error **errp)
{
    bool ok;

    if (!visit_start_struct(v, name, NULL, 0, errp)) {
        return false;
    }
    ok = vgt_mig_visit_u64(v, "mappable-base", p->mappable_base, errp) &&
         vgt_mig_visit_u64(v, "mappable-size", p->mappable_size, errp) &&
         vgt_mig_visit_u64(v, "nonmappable-base", p->nonmappable_base,
                           errp) &&
         vgt_mig_visit_u64(v, "nonmappable-size", p->nonmappable_size,
                           errp) &&
         vgt_mig_visit_u64(v, "fence-base", p->fence_base, errp) &&
         vgt_mig_visit_u64(v, "fence-num", p->fence_num, errp) &&
         visit_check_struct(v, errp);
    visit_end_struct(v, NULL);
    return ok;
}

/*
 * "migration" (read-only): what the last save and load cost and where the
 * VM's graphics memory is, as the guest knows it ("view") and in the
 * helper ("part").
 */
static void vgt_mig_get(Object *obj, Visitor *v, const char *name,
                        void *opaque, Error **errp)
{
    VgtState *s = VGT(obj);
    bool remapped = vgt_gm_remapped(s);

    if (!visit_start_struct(v, name, NULL, 0, errp)) {
        return;
    }
    if (vgt_mig_visit_u64(v, "drain-ns", s->mig.drain_ns, errp) &&
        vgt_mig_visit_u64(v, "save-ns", s->mig.save_ns, errp) &&
        vgt_mig_visit_u64(v, "load-ns", s->mig.load_ns, errp) &&
        vgt_mig_visit_u64(v, "saves", s->mig.saves, errp) &&
        vgt_mig_visit_u64(v, "loads", s->mig.loads, errp) &&
        vgt_mig_visit_u64(v, "drain-timeouts", s->mig.drain_timeouts,
                          errp) &&
        vgt_mig_visit_u64(v, "gtt-replayed", s->mig.gtt_replayed, errp) &&
        vgt_mig_visit_u64(v, "gpu-dirty-pages", s->mig.dirty_pages, errp) &&
        visit_type_bool(v, "remapped", &remapped, errp) &&
        vgt_mig_visit_part(v, "view", &s->host.view, errp) &&
        vgt_mig_visit_part(v, "part", &s->host.part, errp)) {
        visit_check_struct(v, errp);
    }
    visit_end_struct(v, NULL);
}

void vgt_migration_add_properties(Object *obj)
{
    VgtState *s = VGT(obj);

    s->mig.drain_ms = VGT_MIG_DRAIN_MS;
    object_property_add(obj, "migration", "VgtMigration", vgt_mig_get, NULL,
                        NULL, NULL);
    object_property_add_uint32_ptr(obj, "x-migration-drain-ms",
                                   &s->mig.drain_ms, OBJ_PROP_FLAG_READWRITE);
}
