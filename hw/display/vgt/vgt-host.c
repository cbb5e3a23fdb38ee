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
    if (s->host.ops == &vgt_host_socket_ops) {
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
                           s->host.ops == &vgt_host_kernel_ops &&
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
    ret = s->host.ops->mem_unregister(s->host.conn, gpa);
    trace_vgt_host_mem_unregister(gpa, ret);
}

static void vgt_host_events(void *opaque)
{
    VgtState *s = opaque;
    struct vgt_event ev[VGT_EVENT_READ_MAX];
    uint64_t counter;
    int i, n;

    /*
     * Reset the eventfd first, so events posted meanwhile re-arm it.  The
     * kernel transport's fd is /dev/vgt itself: readable while events are
     * queued, and read() returns the events, so events_read() alone.
     */
    if (s->host.ops != &vgt_host_kernel_ops &&
        read(s->host.event_fd, &counter, sizeof(counter)) < 0 &&
        errno != EAGAIN) {
        trace_vgt_host_event_fd_error(errno);
    }
    do {
        n = s->host.ops->events_read(s->host.conn, ev, ARRAY_SIZE(ev));
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
    if (n == -VGT_E_IO && s->host.ops == &vgt_host_kernel_ops) {
        /*
         * /dev/vgt lost its GPU (unbound): the file polls as hung up for
         * good.  Stop watching it; every later call fails the same way.
         */
        error_report("vgt: lost the helper (%s): %s; the GPU is gone",
                     s->conf.helper, vgt_strerror(n));
        qemu_set_fd_handler(s->host.event_fd, NULL, NULL, NULL);
        s->host.event_fd = -1;
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

/* The helper= value, as messages name it. */
static const char *vgt_host_where(VgtState *s)
{
    return s->conf.helper && *s->conf.helper ? s->conf.helper : "embedded";
}

bool vgt_host_set_weight(VgtState *s, uint32_t weight, Error **errp)
{
    int ret;

    if (!s->host.conn) {
        error_setg(errp, "vgt: no helper connection to set the weight on");
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
    if (s->host.conn) {
        /* Destroys the instance: its GTT ranges point at scratch again. */
        s->host.ops->disconnect(s->host.conn);
        s->host.conn = NULL;
        if (s->host.ops == &vgt_host_kernel_ops) {
            /* vgt.ko unpinned our RAM with the instance */
            ram_block_discard_disable(false);
            trace_vgt_host_kernel_discard(false, 0);
        }
    }
    error_free(s->host.err);
    s->host.err = NULL;
    s->host.realized = false;
}
