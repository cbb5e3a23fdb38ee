/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vgt-compat.h - the only environment the helper core assumes.
 *
 * The core is built three ways: inside a Linux kernel module, inside the
 * vgt-hostd daemon and inside QEMU (embedded transport).  Everything it
 * needs from its surroundings is named here once: fixed-width types,
 * zeroed allocation, a mutex, a reader/writer lock and a condition,
 * atomic bit operations, string helpers and a log sink.
 */
#ifndef VGT_COMPAT_H
#define VGT_COMPAT_H

#ifdef __KERNEL__

#include <linux/types.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/mutex.h>
#include <linux/printk.h>
#include <linux/vmalloc.h>
#include <linux/timekeeping.h>
#include <linux/wait.h>
#include <linux/rwsem.h>

static inline u64 vgt_now_ns(void)
{
	return ktime_get_ns();
}

/* Engine time: on hardware the engine is never preempted: wall time. */
static inline u64 vgt_engine_clock_ns(void)
{
	return ktime_get_ns();
}

/* Reading the clock costs nothing here: twice a workload (see below). */
static inline u64 vgt_engine_clock_start_ns(void)
{
	return ktime_get_ns();
}

static inline u64 vgt_engine_clock_end_ns(void)
{
	return ktime_get_ns();
}

#define vgt_zalloc(size)		kvzalloc((size), GFP_KERNEL)
#define vgt_free(ptr)			kvfree(ptr)
/* Host pages the GPU reaches (scratch, context save areas): page aligned. */
#define vgt_alloc_host_pages(size)	vzalloc(size)
#define vgt_free_host_pages(ptr)	vfree(ptr)

typedef struct mutex vgt_mutex_t;
#define vgt_mutex_init(m)		mutex_init(m)
#define vgt_mutex_destroy(m)		mutex_destroy(m)
#define vgt_mutex_lock(m)		mutex_lock(m)
/* Held is as close as the kernel's mutex tells. */
#define vgt_mutex_contended(m)		mutex_is_locked(m)
#define vgt_mutex_unlock(m)		mutex_unlock(m)

/* Many readers or one writer. */
typedef struct rw_semaphore vgt_rwlock_t;
#define vgt_rwlock_init(l)		init_rwsem(l)
#define vgt_rwlock_destroy(l)		do { } while (0)
#define vgt_read_lock(l)		down_read(l)
#define vgt_read_unlock(l)		up_read(l)
#define vgt_write_lock(l)		down_write(l)
#define vgt_write_unlock(l)		up_write(l)

/*
 * A condition to wait for under a vgt_mutex_t: vgt_cond_wait drops the
 * mutex while it sleeps and holds it again on return; vgt_cond_broadcast
 * is called with the same mutex held, so a wake-up is never lost between
 * a waiter's test and its sleep (the waiter reads seq under the mutex).
 */
typedef struct {
	wait_queue_head_t wq;
	unsigned long seq;
} vgt_cond_t;

static inline void vgt_cond_init(vgt_cond_t *c)
{
	init_waitqueue_head(&c->wq);
	c->seq = 0;
}

static inline void vgt_cond_destroy(vgt_cond_t *c)
{
}

static inline void vgt_cond_wait(vgt_cond_t *c, struct mutex *m)
{
	unsigned long seq = c->seq;

	mutex_unlock(m);
	wait_event(c->wq, READ_ONCE(c->seq) != seq);
	mutex_lock(m);
}

static inline void vgt_cond_broadcast(vgt_cond_t *c)
{
	WRITE_ONCE(c->seq, c->seq + 1);
	wake_up_all(&c->wq);
}

#define vgt_log_err(fmt, ...)	pr_err("vgt: " fmt "\n", ##__VA_ARGS__)
#define vgt_log_warn(fmt, ...)	pr_warn_ratelimited("vgt: " fmt "\n", \
						    ##__VA_ARGS__)
#define vgt_log_info(fmt, ...)	pr_info("vgt: " fmt "\n", ##__VA_ARGS__)

#else /* userspace: vgt-hostd, QEMU, tests */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <time.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
typedef int64_t s64;

static inline u64 vgt_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ull + (u64)ts.tv_nsec;
}

/*
 * Engine time of the software Haswell: the CPU time of the thread that
 * runs it, so that the host preempting that thread is not charged to the
 * instance whose workload happened to be running.
 */
static inline u64 vgt_engine_clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (u64)ts.tv_sec * 1000000000ull + (u64)ts.tv_nsec;
}

/*
 * A thread's CPU clock is a system call on every machine: an engine thread
 * (vgt-sched-thread.c) reads it once a workload, the end of one being the
 * start of the next.  Its CPU clock stands still while it sleeps, so the
 * only time this charges to a workload besides its own is the scheduler's
 * between the two (the pick, the event, the locks).  Other threads keep
 * no mark (0) and read the clock at both ends.
 */
extern __thread u64 vgt_engine_clock_mark_ns;

static inline u64 vgt_engine_clock_start_ns(void)
{
	return vgt_engine_clock_mark_ns ? vgt_engine_clock_mark_ns :
	       vgt_engine_clock_ns();
}

static inline u64 vgt_engine_clock_end_ns(void)
{
	u64 now = vgt_engine_clock_ns();

	if (vgt_engine_clock_mark_ns)
		vgt_engine_clock_mark_ns = now;
	return now;
}

static inline void *vgt_zalloc(size_t size)
{
	return calloc(1, size);
}

static inline void vgt_free(void *ptr)
{
	free(ptr);
}

static inline void *vgt_alloc_host_pages(size_t size)
{
	void *p = NULL;

	if (posix_memalign(&p, 4096, size))
		return NULL;
	memset(p, 0, size);
	return p;
}

static inline void vgt_free_host_pages(void *ptr)
{
	free(ptr);
}

/*
 * A mutex that knows whether a thread is blocked on it: an engine thread
 * gives its CPU away between workloads only then (vgt-sched-thread.c),
 * not with a system call after every workload.
 */
typedef struct {
	pthread_mutex_t mu;
	unsigned int blocked;	/* threads in vgt_mutex_lock's slow path */
} vgt_mutex_t;

static inline void vgt_mutex_init(vgt_mutex_t *m)
{
	pthread_mutex_init(&m->mu, NULL);
	m->blocked = 0;
}

#define vgt_mutex_destroy(m)		pthread_mutex_destroy(&(m)->mu)
#define vgt_mutex_unlock(m)		pthread_mutex_unlock(&(m)->mu)

static inline void vgt_mutex_lock(vgt_mutex_t *m)
{
	if (!pthread_mutex_trylock(&m->mu))
		return;
	__atomic_add_fetch(&m->blocked, 1, __ATOMIC_RELAXED);
	pthread_mutex_lock(&m->mu);
	__atomic_sub_fetch(&m->blocked, 1, __ATOMIC_RELAXED);
}

/* Whether a thread waits for @m now (a hint: it may change at once). */
static inline bool vgt_mutex_contended(vgt_mutex_t *m)
{
	return __atomic_load_n(&m->blocked, __ATOMIC_RELAXED) != 0;
}

/*
 * Many readers or one writer (glibc's default lets new readers past a
 * waiting writer: the core never maps while an engine runs).
 */
typedef pthread_rwlock_t vgt_rwlock_t;
#define vgt_rwlock_init(l)		pthread_rwlock_init((l), NULL)
#define vgt_rwlock_destroy(l)		pthread_rwlock_destroy(l)
#define vgt_read_lock(l)		pthread_rwlock_rdlock(l)
#define vgt_read_unlock(l)		pthread_rwlock_unlock(l)
#define vgt_write_lock(l)		pthread_rwlock_wrlock(l)
#define vgt_write_unlock(l)		pthread_rwlock_unlock(l)

/* Waited for with its vgt_mutex_t held; broadcast with it held too. */
typedef pthread_cond_t vgt_cond_t;
#define vgt_cond_init(c)		pthread_cond_init((c), NULL)
#define vgt_cond_destroy(c)		pthread_cond_destroy(c)
#define vgt_cond_wait(c, m)		pthread_cond_wait((c), &(m)->mu)
#define vgt_cond_broadcast(c)		pthread_cond_broadcast(c)

/*
 * Log sink: levels 0 error, 1 warning (refusals), 2 info.  The default
 * writes to stderr up to vgt_log_level; QEMU may install its own sink
 * (e.g. to trace events) with vgt_set_log_sink() (hw/vgt-host-ops.h).
 * The sink is user/vgt-log.c.
 */
enum { VGT_LOG_ERR = 0, VGT_LOG_WARN = 1, VGT_LOG_INFO = 2 };
void vgt_log(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define vgt_log_err(fmt, ...)	vgt_log(VGT_LOG_ERR, fmt, ##__VA_ARGS__)
#define vgt_log_warn(fmt, ...)	vgt_log(VGT_LOG_WARN, fmt, ##__VA_ARGS__)
#define vgt_log_info(fmt, ...)	vgt_log(VGT_LOG_INFO, fmt, ##__VA_ARGS__)

#endif /* __KERNEL__ */

/*
 * Atomic read-modify-writes of words that several engine threads (and
 * the core) update at once: interrupt latches, dirty bitmaps, counters.
 */
static inline void vgt_atomic_or32(u32 *p, u32 bits)
{
	__atomic_fetch_or(p, bits, __ATOMIC_SEQ_CST);
}

static inline void vgt_atomic_and32(u32 *p, u32 bits)
{
	__atomic_fetch_and(p, bits, __ATOMIC_SEQ_CST);
}

static inline void vgt_atomic_or64(u64 *p, u64 bits)
{
	__atomic_fetch_or(p, bits, __ATOMIC_RELAXED);
}

static inline void vgt_atomic_inc64(u64 *p)
{
	__atomic_fetch_add(p, 1, __ATOMIC_RELAXED);
}

/* Data that one thread writes often and others never touch. */
#define VGT_CACHELINE_ALIGNED	__attribute__((aligned(64)))

#define VGT_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define VGT_MIB(x)		((u64)(x) << 20)

#endif /* VGT_COMPAT_H */
