/*
 * vgt: the helper as a userspace library -- the ops table the device model
 * calls, its three implementations and the library's log and error helpers.
 *
 * Userspace only: a kernel transport implements the same calls as ioctls
 * on the structures of hw/vgt-helper-abi.h, and a uapi header has no room
 * for function pointers, so the table lives apart from the ABI.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_VGT_HOST_OPS_H
#define HW_VGT_HOST_OPS_H

#include <stdbool.h>
#include <stdint.h>
#include "hw/vgt-helper-abi.h"

/*
 * The ops table.  QEMU picks one (embedded unless helper= is given), calls
 * connect once per device, then create, mem_register for each RAM range,
 * and gtt_write for every guest GTT write it accepts.  Every call may fail
 * with -VGT_E_IO on the socket transport when vgt-hostd is gone: once the
 * connection is lost (the daemon died or closed it, no reply within 10 s,
 * a reply that does not fit the request) every later call returns
 * -VGT_E_IO at once, without I/O, and sets errno to why it was lost
 * (ECONNRESET, EPIPE, ETIMEDOUT, EPROTO...); only disconnect remains.  A
 * connection is never re-established: a new connect makes a new instance.
 *   connect      path: the vgt-hostd socket (socket); ignored (embedded)
 *   disconnect   destroys the instance if any, releases everything
 *   create       one instance per connection; fills *info
 *   destroy      unmaps its GTT ranges to scratch, frees its partitions
 *   reset        VM reset: GTT ranges to scratch, fences cleared, queued
 *                events dropped; partitions and memory stay
 *   info         the partition again (for PVINFO after migration/reset)
 *   mem_register / mem_unregister (by gpa of a registered region; entries
 *                still pointing into it are moved to scratch first)
 *   gtt_write    n entries, validated all before any is written; on a
 *                refusal nothing is written and *bad (if not NULL) gets the
 *                position of the refused entry
 *   gtt_read     decodes the host entry back to the guest's view
 *   fence_write  guest fence index (< fence_num), Haswell fence value; a
 *                valid fence must cover only this instance's GM
 *   gm_read      reads GM through the GTT (the aperture path); only within
 *                the instance's ranges, at most VGT_GM_READ_MAX bytes
 *   event_fd     a descriptor to poll for POLLIN (owned by the
 *                connection; not to be read): events are queued, or, on
 *                the socket transport, the connection was lost, which the
 *                next events_read reports (-VGT_E_IO)
 *   events_read  returns the number of events copied (0..max)
 *   stats        refusal counters of this instance
 *   shadow_map   the instance's shadow area (struct vgt_shadow_info)
 *   submit       queue a workload (validated; -VGT_E_QUEUE_FULL when
 *                VGT_WL_QUEUE_MAX are waiting on that engine).  The
 *                socket transport posts it without waiting (ABI 6): a
 *                refusal of the workload arrives in order as
 *                VGT_EVENT_REFUSED then COMPLETE and stops the ring as a
 *                FAULT does; -VGT_E_ENGINE, -VGT_E_NOINST and
 *                -VGT_E_QUEUE_FULL still come back from the call
 *   set_weight   the instance's scheduling weight (1..16, default 4)
 *   sched_stats  scheduler counters (struct vgt_sched_stats)
 *   engine_regs_get / engine_regs_set   the instance's engine state
 *                (migration; -VGT_E_BUSY while it has work on the engine)
 *   dirty_log    start (clearing the log) / stop logging GPU writes
 *   dirty_read   fetch and clear the dirty bits of npages pages from gpa
 *                ((npages + 63) / 64 words); -VGT_E_INVAL when not logging
 *   ppgtt_sync   the page directory the instance's workloads use (GM
 *                address, or VGT_PPGTT_NO_PD); re-validates the shadow
 *                page tables against the guest's; returns the number of
 *                shadow PTEs rewritten (vgt-helper-abi.h)
 *   notify_policy  when one engine's completions and user interrupts wake
 *                the client (struct vgt_notify_policy, vgt-helper-abi.h)
 */
struct vgt_conn;
struct vgt_host_ops {
    uint32_t abi_version;
    const char *name;
    int (*connect)(const char *path, struct vgt_conn **out);
    void (*disconnect)(struct vgt_conn *c);
    int (*create)(struct vgt_conn *c, const struct vgt_create_req *req,
                  struct vgt_instance_info *info);
    int (*destroy)(struct vgt_conn *c);
    int (*reset)(struct vgt_conn *c);
    int (*info)(struct vgt_conn *c, struct vgt_instance_info *info);
    int (*mem_register)(struct vgt_conn *c,
                        const struct vgt_mem_region *region);
    int (*mem_unregister)(struct vgt_conn *c, uint64_t gpa);
    int (*gtt_write)(struct vgt_conn *c, const struct vgt_gtt_entry *e,
                     uint32_t n, uint32_t *bad);
    int (*gtt_read)(struct vgt_conn *c, uint32_t index,
                    struct vgt_gtt_entry *out);
    int (*fence_write)(struct vgt_conn *c, uint32_t fence, uint64_t value);
    int (*gm_read)(struct vgt_conn *c, uint64_t gm_addr, void *buf,
                   uint32_t len);
    int (*event_fd)(struct vgt_conn *c);
    int (*events_read)(struct vgt_conn *c, struct vgt_event *ev,
                       uint32_t max);
    int (*stats)(struct vgt_conn *c, struct vgt_stats *st);
    /* Command submission (appended: older callers unaffected). */
    int (*shadow_map)(struct vgt_conn *c, struct vgt_shadow_info *out);
    int (*submit)(struct vgt_conn *c, const struct vgt_workload *wl);
    int (*set_weight)(struct vgt_conn *c, uint32_t weight);
    int (*sched_stats)(struct vgt_conn *c, struct vgt_sched_stats *st);
    /* Migration (appended; vgt-helper-abi.h says what each does). */
    int (*engine_regs_get)(struct vgt_conn *c, uint32_t engine,
                           struct vgt_engine_regs *st);
    int (*engine_regs_set)(struct vgt_conn *c,
                           const struct vgt_engine_regs *st);
    int (*dirty_log)(struct vgt_conn *c, bool enable);
    int (*dirty_read)(struct vgt_conn *c, uint64_t gpa, uint64_t npages,
                      uint64_t *bitmap);
    /* Shadow PPGTT (appended). */
    int (*ppgtt_sync)(struct vgt_conn *c, uint64_t pd_gm);
    /* Event moderation (appended). */
    int (*notify_policy)(struct vgt_conn *c,
                         const struct vgt_notify_policy *policy);
};

extern const struct vgt_host_ops vgt_host_embedded_ops;
extern const struct vgt_host_ops vgt_host_socket_ops;
/*
 * The kernel transport: /dev/vgt of vgt.ko (the ioctls at the end of
 * hw/vgt-helper-abi.h).  connect's path is the device (NULL or "kernel":
 * VGT_KERNEL_DEVICE); when it cannot be opened it returns -VGT_E_IO and
 * leaves errno as open(2) set it (ENOENT: no module loaded, EACCES...),
 * -VGT_E_VERSION when the file is not a vgt device of this ABI version.
 * event_fd is the device itself (POLLIN while events are queued);
 * mem_register takes hva with fd -1 (the module pins those pages);
 * gtt_write sends VGT_GTT_WRITE_MAX entries per ioctl, all or nothing
 * per such chunk.
 */
#define VGT_KERNEL_DEVICE       "/dev/vgt"
extern const struct vgt_host_ops vgt_host_kernel_ops;

/*
 * A short English name of a (positive or negative) VGT_E_* code.  Both
 * the core's and the clients' header declare it: the embedded client
 * includes the two (-Wredundant-decls).
 */
#ifndef VGT_STRERROR_DECLARED
#define VGT_STRERROR_DECLARED
const char *vgt_strerror(int err);
#endif

/*
 * Where the in-process helper (embedded transport) logs: by default stderr,
 * levels up to vgt_log_level (0 errors, 1 refusals, 2 info; default 1).
 * QEMU may route the lines to its trace/log instead; a sink gets all
 * levels and filters itself.
 */
void vgt_set_log_sink(void (*sink)(int level, const char *msg));
extern int vgt_log_level;

#endif /* HW_VGT_HOST_OPS_H */
