/*
 * vgt: the device's connection to the host helper.
 *
 * The helper owns the GPU: it partitions graphics memory and fences between
 * VMs, writes the host GTT after validating every entry and reports GPU
 * events.  The device reaches it through one ops table
 * (include/hw/vgt-host-ops.h): embedded -- the helper core and the
 * software Haswell linked into this process, the default -- socket,
 * the vgt-hostd daemon shared by many QEMU processes
 * (helper=/path/to/socket), or kernel, vgt.ko's /dev/vgt (helper=kernel
 * or the path of that character device).
 *
 * At realize the device creates its instance (partition), then registers
 * guest RAM with the helper through a memory listener: the helper maps
 * guest frames only inside what was registered.
 *
 * The helper may go away while the VM runs: vgt-hostd dies (its socket
 * hangs up) or vgt.ko loses the GPU.  The device then says so once, stops
 * the engines as hung (the guest's driver sees a GPU hang it cannot reset
 * away), keeps GTT and fence writes in its own copy only, refuses
 * migration, and never calls the helper again (vgt_host_gone_ops).  The
 * display and everything else that does not need the GPU keep working.
 * A VM gets its GPU back only by being restarted on a running helper.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "qemu/units.h"
#include "qapi/error.h"
#include "exec/address-spaces.h"
#include "exec/memory.h"
#include "migration/blocker.h"
#include "migration/migration.h"
#include "migration/misc.h"
#include "sysemu/xen.h"
#include "vgt-internal.h"
#include "trace.h"

/* Property limits: Haswell's GM is 512 MiB mappable + 1536 MiB above. */
#define VGT_LOW_GM_MAX_MB       512
#define VGT_HIGH_GM_MAX_MB      1536

static void vgt_host_log(int level, const char *msg)
{
    trace_vgt_host_log(level, msg);
    if (level == 0) {
        error_report("vgt helper: %s", msg);
    } else if (level == 1) {
        /* refusals: something the VM (or we) asked for was not allowed */
        qemu_log_mask(LOG_GUEST_ERROR, "vgt helper: %s\n", msg);
    }
}

/* The helper= value, as messages name it. */
static const char *vgt_host_where(VgtState *s)
{
    return s->conf.helper && *s->conf.helper ? s->conf.helper : "embedded";
}

/*
 * The ops once the helper went away: nothing reaches it.  What the guest
 * writes to the GTT and the fences stays in the device's copy (the
 * aperture and the display read that), so those "succeed"; everything
 * that needs the helper fails with -VGT_E_IO.  The dirty log "starts" and
 * "stops", but each read fails: the caller then counts every page as
 * written by the GPU, which is safe.
 */
static int vgt_gone_io(struct vgt_conn *c)
{
    return -VGT_E_IO;
}

static int vgt_gone_connect(const char *path, struct vgt_conn **out)
{
    *out = NULL;
    return -VGT_E_IO;
}

static void vgt_gone_disconnect(struct vgt_conn *c)
{
}

static int vgt_gone_create(struct vgt_conn *c, const struct vgt_create_req *r,
                           struct vgt_instance_info *info)
{
    return -VGT_E_IO;
}

static int vgt_gone_info(struct vgt_conn *c, struct vgt_instance_info *info)
{
    return -VGT_E_IO;
}

static int vgt_gone_mem_register(struct vgt_conn *c,
                                 const struct vgt_mem_region *region)
{
    return -VGT_E_IO;
}

static int vgt_gone_mem_unregister(struct vgt_conn *c, uint64_t gpa)
{
    return -VGT_E_IO;
}

static int vgt_gone_gtt_write(struct vgt_conn *c,
                              const struct vgt_gtt_entry *e, uint32_t n,
                              uint32_t *bad)
{
    trace_vgt_host_gone_gtt(n);
    return 0;
}

static int vgt_gone_gtt_read(struct vgt_conn *c, uint32_t index,
                             struct vgt_gtt_entry *out)
{
    return -VGT_E_IO;
}

static int vgt_gone_fence_write(struct vgt_conn *c, uint32_t fence,
                                uint64_t value)
{
    trace_vgt_host_gone_fence(fence, value);
    return 0;
}

static int vgt_gone_gm_read(struct vgt_conn *c, uint64_t gm_addr, void *buf,
                            uint32_t len)
{
    return -VGT_E_IO;
}

static int vgt_gone_event_fd(struct vgt_conn *c)
{
    return -1;
}

static int vgt_gone_events_read(struct vgt_conn *c, struct vgt_event *ev,
                                uint32_t max)
{
    return 0;
}

static int vgt_gone_stats(struct vgt_conn *c, struct vgt_stats *st)
{
    return -VGT_E_IO;
}

static int vgt_gone_shadow_map(struct vgt_conn *c,
                               struct vgt_shadow_info *out)
{
    return -VGT_E_IO;
}

static int vgt_gone_submit(struct vgt_conn *c, const struct vgt_workload *wl)
{
    return -VGT_E_IO;
}

static int vgt_gone_u32(struct vgt_conn *c, uint32_t value)
{
    return -VGT_E_IO;
}

static int vgt_gone_sched_stats(struct vgt_conn *c,
                                struct vgt_sched_stats *st)
{
    return -VGT_E_IO;
}

static int vgt_gone_engine_regs_get(struct vgt_conn *c, uint32_t engine,
                                    struct vgt_engine_regs *st)
{
    return -VGT_E_IO;
}

static int vgt_gone_engine_regs_set(struct vgt_conn *c,
                                    const struct vgt_engine_regs *st)
{
    return -VGT_E_IO;
}

static int vgt_gone_dirty_log(struct vgt_conn *c, bool enable)
{
    return 0;
}

static int vgt_gone_dirty_read(struct vgt_conn *c, uint64_t gpa,
                               uint64_t npages, uint64_t *bitmap)
{
    return -VGT_E_IO;
}

static int vgt_gone_ppgtt_sync(struct vgt_conn *c, uint64_t pd_gm)
{
    return -VGT_E_IO;
}

static int vgt_gone_notify_policy(struct vgt_conn *c,
                                  const struct vgt_notify_policy *policy)
{
    return -VGT_E_IO;
}

static const struct vgt_host_ops vgt_host_gone_ops = {
    .abi_version = VGT_ABI_VERSION,
    .name = "gone",
    .connect = vgt_gone_connect,
    .disconnect = vgt_gone_disconnect,
    .create = vgt_gone_create,
    .destroy = vgt_gone_io,
    .reset = vgt_gone_io,
    .info = vgt_gone_info,
    .mem_register = vgt_gone_mem_register,
    .mem_unregister = vgt_gone_mem_unregister,
    .gtt_write = vgt_gone_gtt_write,
    .gtt_read = vgt_gone_gtt_read,
    .fence_write = vgt_gone_fence_write,
    .gm_read = vgt_gone_gm_read,
    .event_fd = vgt_gone_event_fd,
    .events_read = vgt_gone_events_read,
    .stats = vgt_gone_stats,
    .shadow_map = vgt_gone_shadow_map,
    .submit = vgt_gone_submit,
    .set_weight = vgt_gone_u32,
    .sched_stats = vgt_gone_sched_stats,
    .engine_regs_get = vgt_gone_engine_regs_get,
    .engine_regs_set = vgt_gone_engine_regs_set,
    .dirty_log = vgt_gone_dirty_log,
    .dirty_read = vgt_gone_dirty_read,
    .ppgtt_sync = vgt_gone_ppgtt_sync,
    .notify_policy = vgt_gone_notify_policy,
};

/*
 * Refuse migration once the helper went away: with a blocker (a clear
 * error at "migrate"), which cannot be added while a migration runs (the
 * one that was running is cancelled) or with --only-migratable; until it
 * is in place, a migration that starts is cancelled.
 */
static void vgt_host_gone_block(VgtState *s)
{
    int ret;

    if (!s->host.gone_blocker_added && migration_is_idle()) {
        ret = migrate_add_blocker(s->host.gone_blocker, NULL);
        trace_vgt_host_gone_blocker(ret);
        s->host.gone_blocker_added = ret >= 0;
    }
}

static void vgt_host_gone_migration(Notifier *notifier, void *data)
{
    VgtState *s = container_of(notifier, VgtState, host.gone_notifier);

    if (migration_in_setup(data)) {
        /* QEMU reports it when the migration ends (and in query-migrate) */
        migration_cancel(s->host.gone_blocker);
        return;
    }
    vgt_host_gone_block(s);
}

/* Why the socket transport lost vgt-hostd (the errno it left). */
static const char *vgt_host_lost_reason(int err)
{
    switch (err) {
    case ECONNRESET:
    case EPIPE:
    case ENOTCONN:
        return "vgt-hostd closed the connection (it exited or was killed)";
    case ETIMEDOUT:
        return "vgt-hostd did not answer for 10 s";
    case EPROTO:
        return "vgt-hostd answered out of turn";
    default:
        return err ? strerror(err) : "connection lost";
    }
}

/*
 * The helper went away for good (@err: the errno the transport left).
 * Say it once, stop listening, stop the engines as hung and never call
 * the helper again; migration is refused from now on.
 */
static void vgt_host_went_away(VgtState *s, int err)
{
    const char *where = vgt_host_where(s);
    const char *id = DEVICE(s)->id ? DEVICE(s)->id : "the vGPU";

    if (s->host.gone) {
        return;
    }
    s->host.gone = true;
    trace_vgt_host_gone(where, err);
    if (s->host.transport == &vgt_host_kernel_ops) {
        error_report("vgt: lost the helper (%s): %s; the GPU is gone", where,
                     vgt_strerror(-VGT_E_IO));
    } else {
        error_report("vgt: the helper (%s) went away: %s; the GPU is stopped "
                     "for this VM (restart vgt-hostd, then this VM, to use "
                     "the GPU again)", where, vgt_host_lost_reason(err));
    }
    if (s->host.event_fd >= 0) {
        qemu_set_fd_handler(s->host.event_fd, NULL, NULL, NULL);
        s->host.event_fd = -1;
    }
    s->host.ops = &vgt_host_gone_ops;
    vgt_submit_helper_gone(s);

    error_setg(&s->host.gone_blocker, "vgt: %s cannot migrate: the GPU "
               "state its helper (%s) held is lost; restart the VM on a "
               "running helper to migrate it", id, where);
    s->host.gone_notifier.notify = vgt_host_gone_migration;
    add_migration_state_change_notifier(&s->host.gone_notifier);
    if (!migration_is_idle()) {
        /* a migration is reading the GPU's dirty pages: it cannot finish */
        migration_cancel(s->host.gone_blocker);
    }
    vgt_host_gone_block(s);
}

static bool vgt_host_region_wanted(MemoryRegionSection *sec)
{
    /* Guest RAM the GPU may reach: not ROMs, not other devices' memory. */
    return memory_region_is_ram(sec->mr) && !memory_region_is_rom(sec->mr) &&
           !memory_region_is_ram_device(sec->mr);
}

/*
 * A guest RAM range the helper cannot reach: the first one fails realize;
 * after realize (memory hot-plug) there is nobody to return it to.
 */
static void G_GNUC_PRINTF(2, 3) vgt_host_mem_error(VgtState *s,
                                                   const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (s->host.realized) {
        error_report("%s", msg);
    } else if (!s->host.err) {
        error_setg(&s->host.err, "%s", msg);
    }
}

static void vgt_host_region_add(MemoryListener *listener,
                                MemoryRegionSection *sec)
{
    VgtState *s = container_of(listener, VgtState, host.mem_listener);
    struct vgt_mem_region region = { .fd = -1 };
    ram_addr_t offset = 0;
    void *hva;
    int ret;

    if (!vgt_host_region_wanted(sec)) {
        return;
    }
    if (s->host.gone) {
        trace_vgt_host_gone_skip("mem_register");
        return;
    }
    region.gpa = sec->offset_within_address_space;
    region.size = int128_get64(sec->size);
    if ((region.gpa | region.size) & (VGT_PAGE_SIZE - 1)) {
        /* Partial pages cannot be mapped by a GTT entry anyway. */
        trace_vgt_host_mem_skip(region.gpa, region.size);
        return;
    }
    hva = memory_region_get_ram_ptr(sec->mr) + sec->offset_within_region;
    /* embedded and kernel (which pins it): the host address is enough */
    region.hva = (uintptr_t)hva;
    if (s->host.transport == &vgt_host_socket_ops) {
        region.fd = memory_region_get_fd(sec->mr);
        memory_region_from_host(hva, &offset);
        region.fd_offset = offset;
        if (region.fd < 0) {
            vgt_host_mem_error(s, "vgt: guest RAM at 0x%" PRIx64 " is not "
                               "shareable with vgt-hostd: with helper=, back "
                               "guest RAM with -object memory-backend-memfd,"
                               "id=mem,size=<RAM size>,share=on -machine "
                               "memory-backend=mem", region.gpa);
            return;
        }
    }
    ret = s->host.ops->mem_register(s->host.conn, &region);
    trace_vgt_host_mem_register(region.gpa, region.size, ret);
    if (ret < 0) {
        vgt_host_mem_error(s, "vgt: the helper refused guest RAM "
                           "[0x%" PRIx64 ", +0x%" PRIx64 "): %s%s", region.gpa,
                           region.size, vgt_strerror(ret),
                           s->host.transport == &vgt_host_kernel_ops &&
                           ret == -VGT_E_NOMEM ? " (vgt.ko pins it: raise "
                           "this process's locked-memory limit, ulimit -l, "
                           "or the module's max_pinned_pages)" : "");
    }
}

static void vgt_host_region_del(MemoryListener *listener,
                                MemoryRegionSection *sec)
{
    VgtState *s = container_of(listener, VgtState, host.mem_listener);
    uint64_t gpa = sec->offset_within_address_space;
    int ret;

    if (!vgt_host_region_wanted(sec)) {
        return;
    }
    if (s->host.gone) {
        trace_vgt_host_gone_skip("mem_unregister");
        return;
    }
    ret = s->host.ops->mem_unregister(s->host.conn, gpa);
    trace_vgt_host_mem_unregister(gpa, ret);
}

static void vgt_host_events(void *opaque)
{
    VgtState *s = opaque;
    struct vgt_event ev[VGT_EVENT_READ_MAX];
    uint64_t counter;
    int i, n, err;

    /*
     * Reset the eventfd first, so events posted meanwhile re-arm it.  The
     * kernel transport's fd is /dev/vgt itself: readable while events are
     * queued, and read() returns the events, so events_read() alone.  The
     * socket transport's is an epoll set (the eventfd and the hang-up of
     * the socket) that events_read() resets itself.
     */
    if (s->host.transport == &vgt_host_embedded_ops &&
        read(s->host.event_fd, &counter, sizeof(counter)) < 0 &&
        errno != EAGAIN) {
        trace_vgt_host_event_fd_error(errno);
    }
    do {
        errno = 0;
        n = s->host.ops->events_read(s->host.conn, ev, ARRAY_SIZE(ev));
        err = errno;
        for (i = 0; i < n; i++) {
            /* The helper routes by instance: these are this VM's. */
            trace_vgt_host_event(ev[i].type, ev[i].unit, ev[i].data,
                                 ev[i].seq);
            s->stats.host_events++;
            if (ev[i].type == VGT_EVENT_USER_IRQ) {
                vgt_irq_engine_user(s, ev[i].unit);
            } else {
                vgt_submit_event(s, &ev[i]);
            }
        }
    } while (n == ARRAY_SIZE(ev));
    if (n < 0) {
        trace_vgt_host_event_fd_error(-n);
    }
    if (n == -VGT_E_IO && s->host.transport != &vgt_host_embedded_ops) {
        /*
         * vgt-hostd went away (the socket hung up), or /dev/vgt lost its
         * GPU (unbound: the file polls as hung up for good).  Every later
         * call would fail the same way.
         */
        vgt_host_went_away(s, err);
    }
}

void vgt_host_poll_events(VgtState *s)
{
    if (s->host.conn && s->host.event_fd >= 0) {
        vgt_host_events(s);
    }
}

static bool vgt_host_check_props(VgtState *s, Error **errp)
{
    if (s->conf.low_gm_sz < 1 || s->conf.low_gm_sz > VGT_LOW_GM_MAX_MB) {
        error_setg(errp, "vgt: low_gm_sz (mappable graphics memory) must be "
                   "1..%d MiB, got %u", VGT_LOW_GM_MAX_MB, s->conf.low_gm_sz);
        return false;
    }
    if (s->conf.high_gm_sz > VGT_HIGH_GM_MAX_MB) {
        error_setg(errp, "vgt: high_gm_sz (non-mappable graphics memory) "
                   "must be 0..%d MiB, got %u", VGT_HIGH_GM_MAX_MB,
                   s->conf.high_gm_sz);
        return false;
    }
    if (s->conf.fence_sz < 1 || s->conf.fence_sz > VGT_FENCE_COUNT) {
        error_setg(errp, "vgt: fence_sz must be 1..%d fence registers, "
                   "got %u", VGT_FENCE_COUNT, s->conf.fence_sz);
        return false;
    }
    return true;
}

/*
 * Which transport helper= names: none (or empty) is the embedded helper;
 * "kernel", a character device or a path under /dev/ is vgt.ko's device
 * (so that a missing /dev/vgt is reported as such); anything else is
 * vgt-hostd's socket.  *path: what connect() gets.
 */
static const struct vgt_host_ops *vgt_host_transport(const char *helper,
                                                     const char **path)
{
    struct stat st;

    *path = helper;
    if (!helper || !*helper) {
        *path = NULL;
        return &vgt_host_embedded_ops;
    }
    if (!strcmp(helper, "kernel")) {
        *path = VGT_KERNEL_DEVICE;
        return &vgt_host_kernel_ops;
    }
    if ((!stat(helper, &st) && S_ISCHR(st.st_mode)) ||
        g_str_has_prefix(helper, "/dev/")) {
        return &vgt_host_kernel_ops;
    }
    return &vgt_host_socket_ops;
}

/*
 * vgt.ko pins the guest RAM it is given, as VFIO does: discarding it
 * (balloon inflation, virtio-mem unplug, postcopy) would leave the GPU
 * pointing at pages the guest no longer has.  Held while connected.
 */
static bool vgt_host_kernel_connect(VgtState *s, const char *path,
                                    Error **errp)
{
    int ret, err;

    ret = ram_block_discard_disable(true);
    trace_vgt_host_kernel_discard(true, ret);
    if (ret) {
        error_setg_errno(errp, -ret, "vgt: helper=%s pins guest RAM, but "
                         "discarding RAM (virtio-balloon, virtio-mem) cannot "
                         "be disabled", path);
        return false;
    }
    errno = 0;
    ret = vgt_host_kernel_ops.connect(path, &s->host.conn);
    err = errno;
    trace_vgt_host_kernel_connect(path, ret, err);
    if (!ret) {
        return true;
    }
    s->host.conn = NULL;
    ram_block_discard_disable(false);
    trace_vgt_host_kernel_discard(false, 0);
    if (ret == -VGT_E_VERSION) {
        error_setg(errp, "vgt: cannot reach the helper (%s): %s: not a vgt "
                   "device, or vgt.ko speaks another helper ABI than this "
                   "QEMU (version %d)%s%s", path, vgt_strerror(ret),
                   VGT_ABI_VERSION, err ? ": " : "", err ? strerror(err) : "");
    } else if (err == ENOENT || err == ENODEV || err == ENXIO) {
        error_setg(errp, "vgt: cannot reach the helper (%s): cannot open %s: "
                   "%s; is vgt.ko loaded and bound to a Haswell GPU?", path,
                   path, strerror(err));
    } else if (err) {
        error_setg(errp, "vgt: cannot reach the helper (%s): cannot open %s: "
                   "%s", path, path, strerror(err));
    } else {
        error_setg(errp, "vgt: cannot reach the helper (%s): %s", path,
                   vgt_strerror(ret));
    }
    return false;
}

bool vgt_host_connect(VgtState *s, Error **errp)
{
    struct vgt_create_req req = { 0 };
    const char *where, *path;
    const struct vgt_instance_info *part = &s->host.part;
    int ret;

    if (!vgt_host_check_props(s, errp)) {
        return false;
    }
    s->host.ops = vgt_host_transport(s->conf.helper, &path);
    s->host.transport = s->host.ops;
    s->host.gone = false;
    where = path ? path : "embedded";
    vgt_set_log_sink(vgt_host_log);

    if (s->host.ops == &vgt_host_kernel_ops) {
        if (!vgt_host_kernel_connect(s, path, errp)) {
            return false;
        }
    } else {
        ret = s->host.ops->connect(path, &s->host.conn);
        if (ret < 0) {
            error_setg(errp, "vgt: cannot reach the helper (%s): %s%s", where,
                       vgt_strerror(ret), path ? "; is vgt-hostd running "
                       "with --socket on that path?" : "");
            s->host.conn = NULL;
            return false;
        }
    }

    req.mappable_size = (uint64_t)s->conf.low_gm_sz * MiB;
    req.nonmappable_size = (uint64_t)s->conf.high_gm_sz * MiB;
    req.fence_num = s->conf.fence_sz;
    ret = s->host.ops->create(s->host.conn, &req, &s->host.part);
    if (ret < 0) {
        error_setg(errp, "vgt: the helper (%s) cannot give this VM "
                   "low_gm_sz=%u MiB, high_gm_sz=%u MiB, fence_sz=%u: %s",
                   where, s->conf.low_gm_sz, s->conf.high_gm_sz,
                   s->conf.fence_sz, vgt_strerror(ret));
        goto fail;
    }
    s->host.view = s->host.part;
    /* the weight given on the command line (the helper starts at 4) */
    if (!vgt_host_set_weight(s, s->conf.weight, errp)) {
        goto fail;
    }
    trace_vgt_host_partition(where, part->vgt_id, part->mappable_base,
                             part->mappable_size, part->nonmappable_base,
                             part->nonmappable_size, part->fence_base,
                             part->fence_num);

    /*
     * i915 balloons in host GM addresses with BAR2's size as the end of
     * the mappable space: this VM's mappable slice must lie below it.
     */
    if (part->mappable_base + part->mappable_size > s->conf.aperture_size) {
        error_setg(errp, "vgt: aperture_size %" PRIu64 " MiB is too small: "
                   "the helper placed this VM's mappable graphics memory at "
                   "[%" PRIu64 ", %" PRIu64 ") MiB; use the GPU's aperture "
                   "(%" PRIu64 " MiB)", s->conf.aperture_size / MiB,
                   part->mappable_base / MiB,
                   (part->mappable_base + part->mappable_size) / MiB,
                   part->aperture_size / MiB);
        goto fail;
    }

    if (xen_enabled()) {
        /*
         * Under Xen guest RAM is not mapped in QEMU as a whole; the dom0
         * kernel helper reaches guest frames through foreign mappings.
         */
        warn_report("vgt: under Xen, guest memory is not registered with "
                    "the %s helper: the GPU cannot reach guest pages yet",
                    where);
    } else {
        s->host.mem_listener = (MemoryListener) {
            .name = "vgt-host",
            .region_add = vgt_host_region_add,
            .region_del = vgt_host_region_del,
            .priority = 10,
        };
        memory_listener_register(&s->host.mem_listener, &address_space_memory);
        s->host.mem_listener_registered = true;
        if (s->host.err) {
            error_propagate(errp, s->host.err);
            s->host.err = NULL;
            goto fail;
        }
    }

    s->host.event_fd = s->host.ops->event_fd(s->host.conn);
    if (s->host.event_fd >= 0) {
        qemu_set_fd_handler(s->host.event_fd, vgt_host_events, NULL, s);
    }
    s->host.realized = true;
    return true;

fail:
    vgt_host_disconnect(s);
    return false;
}

bool vgt_host_set_weight(VgtState *s, uint32_t weight, Error **errp)
{
    int ret;

    if (!s->host.conn) {
        error_setg(errp, "vgt: no helper connection to set the weight on");
        return false;
    }
    if (s->host.gone) {
        error_setg(errp, "vgt: the helper (%s) went away: no weight to set; "
                   "restart the VM on a running helper", vgt_host_where(s));
        return false;
    }
    ret = s->host.ops->set_weight(s->host.conn, weight);
    trace_vgt_host_set_weight(weight, ret);
    if (ret < 0) {
        error_setg(errp, "vgt: the helper (%s) refused weight %u: %s",
                   vgt_host_where(s), weight,
                   vgt_strerror(ret));
        return false;
    }
    return true;
}

bool vgt_host_sched_stats(VgtState *s, struct vgt_sched_stats *st,
                          Error **errp)
{
    int ret;

    if (!s->host.conn) {
        error_setg(errp, "vgt: no helper connection: no scheduler counters");
        return false;
    }
    if (s->host.gone) {
        error_setg(errp, "vgt: the helper (%s) went away: no scheduler "
                   "counters", vgt_host_where(s));
        return false;
    }
    memset(st, 0, sizeof(*st));
    ret = s->host.ops->sched_stats(s->host.conn, st);
    trace_vgt_host_sched_stats(ret);
    if (ret < 0) {
        error_setg(errp, "vgt: the helper (%s) gave no scheduler counters: "
                   "%s", vgt_host_where(s),
                   vgt_strerror(ret));
        return false;
    }
    return true;
}

void vgt_host_reset(VgtState *s)
{
    int ret;

    if (!s->host.conn) {
        return;
    }
    if (s->host.gone) {
        /* said once already: the VM reboots with its engines stopped */
        trace_vgt_host_gone_skip("reset");
        return;
    }
    /* GTT ranges back to scratch, fences cleared; the partition stays. */
    ret = s->host.ops->reset(s->host.conn);
    trace_vgt_host_reset(ret);
    if (ret < 0) {
        error_report("vgt: the helper failed to reset this VM's GPU state: "
                     "%s", vgt_strerror(ret));
    }
}

void vgt_host_disconnect(VgtState *s)
{
    if (s->host.event_fd >= 0) {
        qemu_set_fd_handler(s->host.event_fd, NULL, NULL, NULL);
        s->host.event_fd = -1;
    }
    if (s->host.mem_listener_registered) {
        memory_listener_unregister(&s->host.mem_listener);
        s->host.mem_listener_registered = false;
    }
    if (s->host.gone_notifier.notify) {
        remove_migration_state_change_notifier(&s->host.gone_notifier);
        s->host.gone_notifier.notify = NULL;
    }
    if (s->host.gone_blocker_added) {
        migrate_del_blocker(s->host.gone_blocker);
        s->host.gone_blocker_added = false;
    }
    error_free(s->host.gone_blocker);
    s->host.gone_blocker = NULL;
    if (s->host.conn) {
        /*
         * Destroys the instance: its GTT ranges point at scratch again
         * (when the helper went away: releases what is left of the
         * connection).
         */
        s->host.transport->disconnect(s->host.conn);
        s->host.conn = NULL;
        s->host.ops = s->host.transport;
        if (s->host.transport == &vgt_host_kernel_ops) {
            /* vgt.ko unpinned our RAM with the instance */
            ram_block_discard_disable(false);
            trace_vgt_host_kernel_discard(false, 0);
        }
    }
    error_free(s->host.err);
    s->host.err = NULL;
    s->host.realized = false;
}
