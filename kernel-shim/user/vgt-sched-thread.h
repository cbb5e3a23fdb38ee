/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vgt-sched-thread.h - the scheduler runner of the userspace helper:
 * threads that run the engines while work is queued and sleep until the
 * core kicks them: one per engine where the engines run at the same time
 * (vgt_host_engines_parallel), else one for all (the embedded transport
 * and vgt-hostd each start a runner; vgt.ko has its kthread).
 */
#ifndef VGT_SCHED_THREAD_H
#define VGT_SCHED_THREAD_H

struct vgt_host;
struct vgt_sched_thread;

/* Starts the threads and installs their kick on host; NULL on failure. */
struct vgt_sched_thread *vgt_sched_thread_start(struct vgt_host *host);
/* How many threads run the engines (1, or one per engine). */
unsigned int vgt_sched_thread_count(const struct vgt_sched_thread *t);
/*
 * Removes the kick, lets the workload in progress finish and joins the
 * thread; work still queued stays queued.  NULL is a no-op.
 */
void vgt_sched_thread_stop(struct vgt_sched_thread *t);

#endif /* VGT_SCHED_THREAD_H */
