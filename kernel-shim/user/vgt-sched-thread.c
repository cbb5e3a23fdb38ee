// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vgt-sched-thread.c - the userspace scheduler runner: threads that run
 * the engines while work is queued and sleep on a condition variable
 * otherwise.
 *
 * On a GPU whose engines run at the same time (vgt_host_engines_parallel:
 * the software Haswell) each engine has its own thread, woken by the
 * kicks of its engine only, so four VMs on four engines use four CPUs.
 * Otherwise one thread runs every engine in turn.
 */
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include "core/vgt-core.h"
#include "vgt-sched-thread.h"

/* Where this engine thread's last workload ended (vgt-compat.h). */
__thread u64 vgt_engine_clock_mark_ns;

struct vgt_sched_runner {
	struct vgt_sched_thread *t;
	u32 engine;		/* VGT_ENGINE_COUNT: all, in turn */
	pthread_t thread;
	bool started;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool pending;		/* kicked since the thread last looked */
	bool stop;
};

struct vgt_sched_thread {
	struct vgt_host *host;
	u32 nr;			/* runners: 1, or one per engine */
	struct vgt_sched_runner run[VGT_ENGINE_COUNT];
};

static bool vgt_sched_runner_step(struct vgt_sched_runner *r)
{
	struct vgt_host *host = r->t->host;

	if (r->engine == VGT_ENGINE_COUNT)
		return vgt_host_sched_run(host);
	return vgt_host_sched_run_engine(host, r->engine);
}

static void *vgt_sched_thread_main(void *opaque)
{
	struct vgt_sched_runner *r = opaque;
	struct vgt_host *host = r->t->host;

	vgt_engine_clock_mark_ns = vgt_engine_clock_ns();
	pthread_mutex_lock(&r->lock);
	while (!r->stop) {
		if (!r->pending) {
			pthread_cond_wait(&r->cond, &r->lock);
			continue;
		}
		r->pending = false;
		pthread_mutex_unlock(&r->lock);
		/*
		 * Each step gives its engine(s) one workload or one piece of
		 * a preempted one (a slice at most): waiters get the lock in
		 * between, and the CPU when one is blocked on it (a system
		 * call after every workload costs a few per cent of the
		 * engine otherwise).
		 */
		while (vgt_sched_runner_step(r))
			if (vgt_host_lock_contended(host))
				sched_yield();
		pthread_mutex_lock(&r->lock);
	}
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

static void vgt_sched_runner_wake(struct vgt_sched_runner *r, bool stop)
{
	pthread_mutex_lock(&r->lock);
	r->pending = true;
	r->stop |= stop;
	pthread_cond_signal(&r->cond);
	pthread_mutex_unlock(&r->lock);
}

/* Called by the core with its queue lock held: only wake a thread. */
static void vgt_sched_thread_kick(void *opaque, u32 engine)
{
	struct vgt_sched_thread *t = opaque;

	vgt_sched_runner_wake(&t->run[t->nr == 1 ? 0 : engine], false);
}

static void vgt_sched_thread_free(struct vgt_sched_thread *t)
{
	u32 i;

	for (i = 0; i < t->nr; i++) {
		struct vgt_sched_runner *r = &t->run[i];

		if (r->started) {
			vgt_sched_runner_wake(r, true);
			pthread_join(r->thread, NULL);
		}
		pthread_cond_destroy(&r->cond);
		pthread_mutex_destroy(&r->lock);
	}
	free(t);
}

struct vgt_sched_thread *vgt_sched_thread_start(struct vgt_host *host)
{
	struct vgt_sched_thread *t = calloc(1, sizeof(*t));
	u32 i;

	if (!t)
		return NULL;
	t->host = host;
	t->nr = vgt_host_engines_parallel(host) ? VGT_ENGINE_COUNT : 1;
	for (i = 0; i < t->nr; i++) {
		struct vgt_sched_runner *r = &t->run[i];

		r->t = t;
		r->engine = t->nr == 1 ? VGT_ENGINE_COUNT : i;
		pthread_mutex_init(&r->lock, NULL);
		pthread_cond_init(&r->cond, NULL);
	}
	for (i = 0; i < t->nr; i++) {
		struct vgt_sched_runner *r = &t->run[i];

		if (pthread_create(&r->thread, NULL, vgt_sched_thread_main, r)) {
			vgt_sched_thread_free(t);
			return NULL;
		}
		r->started = true;
	}
	vgt_host_set_kick(host, vgt_sched_thread_kick, t);
	return t;
}

unsigned int vgt_sched_thread_count(const struct vgt_sched_thread *t)
{
	return t ? t->nr : 0;
}

void vgt_sched_thread_stop(struct vgt_sched_thread *t)
{
	if (!t)
		return;
	/* No kick runs once this returns: t may go. */
	vgt_host_set_kick(t->host, NULL, NULL);
	vgt_sched_thread_free(t);
}
