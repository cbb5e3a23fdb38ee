// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vgt-sched.c - the "vgt-sched" kthread: runs the core's scheduler while
 * work is queued, sleeps until the core kicks it.
 */
#include <linux/kthread.h>
#include <linux/sched.h>
#include "vgt-kmod.h"

/*
 * Called by the core with its queue lock held: only wake the thread.  One
 * thread runs every engine in turn (vgt_host_sched_run), whichever the
 * engine.
 */
static void vgt_sched_kick(void *opaque, u32 engine)
{
	struct vgt_kdev *kd = opaque;

	atomic_set(&kd->kicked, 1);
	wake_up_process(kd->sched);
}

static int vgt_sched_thread(void *data)
{
	struct vgt_kdev *kd = data;

	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop()) {
			__set_current_state(TASK_RUNNING);
			break;
		}
		if (!atomic_xchg(&kd->kicked, 0)) {
			schedule();
			continue;
		}
		__set_current_state(TASK_RUNNING);
		/*
		 * One workload per engine and run (a real Haswell's whole,
		 * the software Haswell's a slice at most): let others run.
		 */
		while (vgt_host_sched_run(kd->host) && !kthread_should_stop())
			cond_resched();
	}
	return 0;
}

int vgt_sched_start(struct vgt_kdev *kd)
{
	struct task_struct *t;

	t = kthread_run(vgt_sched_thread, kd, "vgt-sched");
	if (IS_ERR(t))
		return PTR_ERR(t);
	kd->sched = t;
	vgt_host_set_kick(kd->host, vgt_sched_kick, kd);
	return 0;
}

void vgt_sched_stop(struct vgt_kdev *kd)
{
	if (!kd->sched)
		return;
	/* Once set_kick returns, the old kick is never called again. */
	vgt_host_set_kick(kd->host, NULL, NULL);
	kthread_stop(kd->sched);
	kd->sched = NULL;
}
