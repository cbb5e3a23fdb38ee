/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vgt-sched-thread.h - the scheduler runner of the userspace helper: one
 * thread per GPU that calls vgt_host_sched_run() while work is queued and
 * sleeps until the core kicks it (the embedded transport and vgt-hostd
 * each start one; the kernel side would use a kthread).
 */
#ifndef VGT_SCHED_THREAD_H
#define VGT_SCHED_THREAD_H

struct vgt_host;
struct vgt_sched_thread;

/* Starts the thread and installs its kick on host; NULL on failure. */
struct vgt_sched_thread *vgt_sched_thread_start(struct vgt_host *host);
/*
 * Removes the kick, lets the workload in progress finish and joins the
 * thread; work still queued stays queued.  NULL is a no-op.
 */
void vgt_sched_thread_stop(struct vgt_sched_thread *t);

#endif /* VGT_SCHED_THREAD_H */
