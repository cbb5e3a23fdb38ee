// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vgt-sched-thread.c - the userspace scheduler runner: a thread that runs
 * the engines while work is queued and sleeps on a condition variable
 * otherwise.
 */
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include "core/vgt-core.h"
#include "vgt-sched-thread.h"

struct vgt_sched_thread {
	struct vgt_host *host;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool pending;		/* kicked since the thread last looked */
	bool stop;
};

static void *vgt_sched_thread_main(void *opaque)
{
	struct vgt_sched_thread *t = opaque;

	pthread_mutex_lock(&t->lock);
	while (!t->stop) {
		if (!t->pending) {
			pthread_cond_wait(&t->cond, &t->lock);
			continue;
		}
		t->pending = false;
		pthread_mutex_unlock(&t->lock);
		/*
		 * Each run gives every engine one workload or one piece of a
		 * preempted one (a slice at most): waiters get the lock in
		 * between.
		 */
		while (vgt_host_sched_run(t->host))
			sched_yield();	/* let waiters have the lock */
		pthread_mutex_lock(&t->lock);
	}
	pthread_mutex_unlock(&t->lock);
	return NULL;
}

/* Called by the core with its queue lock held: only wake the thread. */
static void vgt_sched_thread_kick(void *opaque)
{
	struct vgt_sched_thread *t = opaque;

	pthread_mutex_lock(&t->lock);
	t->pending = true;
	pthread_cond_signal(&t->cond);
	pthread_mutex_unlock(&t->lock);
}

struct vgt_sched_thread *vgt_sched_thread_start(struct vgt_host *host)
{
	struct vgt_sched_thread *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->host = host;
	pthread_mutex_init(&t->lock, NULL);
	pthread_cond_init(&t->cond, NULL);
	if (pthread_create(&t->thread, NULL, vgt_sched_thread_main, t)) {
		pthread_cond_destroy(&t->cond);
		pthread_mutex_destroy(&t->lock);
		free(t);
		return NULL;
	}
	vgt_host_set_kick(host, vgt_sched_thread_kick, t);
	return t;
}

void vgt_sched_thread_stop(struct vgt_sched_thread *t)
{
	if (!t)
		return;
	/* No kick runs once this returns: t may go. */
	vgt_host_set_kick(t->host, NULL, NULL);
	pthread_mutex_lock(&t->lock);
	t->stop = true;
	pthread_cond_signal(&t->cond);
	pthread_mutex_unlock(&t->lock);
	pthread_join(t->thread, NULL);
	pthread_cond_destroy(&t->cond);
	pthread_mutex_destroy(&t->lock);
	free(t);
}
