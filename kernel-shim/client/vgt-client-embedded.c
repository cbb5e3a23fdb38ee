// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vgt-client-embedded.c - the helper core and the software Haswell linked
 * into the caller (QEMU): the default transport, nothing to start.
 *
 * One GPU per process, created by the first connection and destroyed with
 * the last; every connection gets its own instance and eventfd.  The core
 * validates every argument exactly as it does behind vgt-hostd.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include "core/vgt-core.h"
#include "hw/vgt-host-ops.h"
#include "swhsw/swhsw.h"
#include "user/vgt-sched-thread.h"

struct vgt_conn {
	struct vgt_instance *inst;
	int efd;
	void *shadow;		/* VGT_SHADOW_SIZE, attached to inst */
	uint64_t shadow_gm;
};

static pthread_mutex_t emb_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned int emb_refs;
static struct vgt_swhsw *emb_sw;
static struct vgt_host *emb_host;
static struct vgt_sched_thread *emb_sched;

static int emb_get(void)
{
	struct vgt_gpu gpu;
	int err = 0;

	pthread_mutex_lock(&emb_lock);
	if (!emb_refs) {
		emb_sw = vgt_swhsw_create();
		if (!emb_sw) {
			err = -VGT_E_NOMEM;
			goto out;
		}
		vgt_swhsw_get_gpu(emb_sw, &gpu);
		emb_host = vgt_host_create(&gpu, &err);
		if (!emb_host) {
			vgt_swhsw_destroy(emb_sw);
			emb_sw = NULL;
			goto out;
		}
		emb_sched = vgt_sched_thread_start(emb_host);
		if (!emb_sched) {
			vgt_host_destroy(emb_host);
			vgt_swhsw_destroy(emb_sw);
			emb_host = NULL;
			emb_sw = NULL;
			err = -VGT_E_NOMEM;
			goto out;
		}
	}
	emb_refs++;
out:
	pthread_mutex_unlock(&emb_lock);
	return err;
}

static void emb_put(void)
{
	pthread_mutex_lock(&emb_lock);
	if (!--emb_refs) {
		vgt_sched_thread_stop(emb_sched);
		emb_sched = NULL;
		vgt_host_destroy(emb_host);
		vgt_swhsw_destroy(emb_sw);
		emb_host = NULL;
		emb_sw = NULL;
	}
	pthread_mutex_unlock(&emb_lock);
}

static void emb_notify(void *opaque)
{
	struct vgt_conn *c = opaque;
	uint64_t one = 1;

	/* Non-blocking: a saturated counter still reads as "events". */
	if (write(c->efd, &one, sizeof(one)) < 0)
		return;
}

static int emb_connect(const char *path, struct vgt_conn **out)
{
	struct vgt_conn *c;
	int err;

	*out = NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -VGT_E_NOMEM;
	c->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (c->efd < 0) {
		free(c);
		return -VGT_E_NOMEM;
	}
	err = emb_get();
	if (err) {
		close(c->efd);
		free(c);
		return err;
	}
	*out = c;
	return 0;
}

static void emb_shadow_free(struct vgt_conn *c)
{
	free(c->shadow);	/* after the instance let go of it */
	c->shadow = NULL;
}

static void emb_disconnect(struct vgt_conn *c)
{
	if (!c)
		return;
	vgt_inst_destroy(c->inst);
	emb_shadow_free(c);
	close(c->efd);
	free(c);
	emb_put();
}

static int emb_create(struct vgt_conn *c, const struct vgt_create_req *req,
		      struct vgt_instance_info *info)
{
	int err;

	if (c->inst)
		return -VGT_E_EXISTS;
	err = vgt_inst_create(emb_host, req, &c->inst);
	if (err)
		return err;
	vgt_inst_set_notify(c->inst, emb_notify, c);
	if (info)
		vgt_inst_get_info(c->inst, info);
	return 0;
}

static int emb_destroy(struct vgt_conn *c)
{
	if (!c->inst)
		return -VGT_E_NOINST;
	vgt_inst_destroy(c->inst);
	c->inst = NULL;
	emb_shadow_free(c);
	return 0;
}

static int emb_reset(struct vgt_conn *c)
{
	return c->inst ? vgt_inst_reset(c->inst) : -VGT_E_NOINST;
}

static int emb_info(struct vgt_conn *c, struct vgt_instance_info *info)
{
	if (!c->inst)
		return -VGT_E_NOINST;
	vgt_inst_get_info(c->inst, info);
	return 0;
}

static int emb_mem_register(struct vgt_conn *c, const struct vgt_mem_region *r)
{
	if (!c->inst)
		return -VGT_E_NOINST;
	if (!r || r->flags || r->hva != (uintptr_t)r->hva)
		return -VGT_E_INVAL;
	return vgt_inst_mem_register(c->inst, r->gpa, r->size,
				     (void *)(uintptr_t)r->hva);
}

static int emb_mem_unregister(struct vgt_conn *c, uint64_t gpa)
{
	return c->inst ? vgt_inst_mem_unregister(c->inst, gpa) : -VGT_E_NOINST;
}

static int emb_gtt_write(struct vgt_conn *c, const struct vgt_gtt_entry *e,
			 uint32_t n, uint32_t *bad)
{
	return c->inst ? vgt_inst_gtt_write(c->inst, e, n, bad) : -VGT_E_NOINST;
}

static int emb_gtt_read(struct vgt_conn *c, uint32_t index,
			struct vgt_gtt_entry *out)
{
	return c->inst ? vgt_inst_gtt_read(c->inst, index, out) : -VGT_E_NOINST;
}

static int emb_fence_write(struct vgt_conn *c, uint32_t fence, uint64_t value)
{
	return c->inst ? vgt_inst_fence_write(c->inst, fence, value) :
			 -VGT_E_NOINST;
}

static int emb_gm_read(struct vgt_conn *c, uint64_t gm_addr, void *buf,
		       uint32_t len)
{
	return c->inst ? vgt_inst_gm_read(c->inst, gm_addr, buf, len) :
			 -VGT_E_NOINST;
}

static int emb_event_fd(struct vgt_conn *c)
{
	return c->efd;
}

static int emb_events_read(struct vgt_conn *c, struct vgt_event *ev,
			   uint32_t max)
{
	uint64_t cnt;

	if (!c->inst)
		return -VGT_E_NOINST;
	if (max > VGT_EVENT_READ_MAX)
		max = VGT_EVENT_READ_MAX;
	/* Reset the fd before draining: a later event sets it again. */
	if (read(c->efd, &cnt, sizeof(cnt)) < 0 && errno != EAGAIN)
		return -VGT_E_IO;
	return vgt_inst_events_read(c->inst, ev, max);
}

static int emb_stats(struct vgt_conn *c, struct vgt_stats *st)
{
	if (!c->inst)
		return -VGT_E_NOINST;
	vgt_inst_get_stats(c->inst, st);
	return 0;
}

static int emb_shadow_map(struct vgt_conn *c, struct vgt_shadow_info *out)
{
	uint64_t gm;
	void *p = NULL;
	int err;

	if (!c->inst)
		return -VGT_E_NOINST;
	if (!out)
		return -VGT_E_INVAL;
	if (!c->shadow) {
		if (posix_memalign(&p, VGT_PAGE_SIZE, VGT_SHADOW_SIZE))
			return -VGT_E_NOMEM;
		memset(p, 0, VGT_SHADOW_SIZE);
		err = vgt_inst_shadow_attach(c->inst, p, &gm);
		if (err) {
			free(p);
			return err;
		}
		c->shadow = p;
		c->shadow_gm = gm;
	}
	out->gm_addr = c->shadow_gm;
	out->size = VGT_SHADOW_SIZE;
	out->hva = (uintptr_t)c->shadow;
	return 0;
}

static int emb_submit(struct vgt_conn *c, const struct vgt_workload *wl)
{
	if (!c->inst)
		return -VGT_E_NOINST;
	if (!wl)
		return -VGT_E_INVAL;
	return vgt_inst_submit(c->inst, wl);
}

static int emb_set_weight(struct vgt_conn *c, uint32_t weight)
{
	return c->inst ? vgt_inst_set_weight(c->inst, weight) : -VGT_E_NOINST;
}

static int emb_sched_stats(struct vgt_conn *c, struct vgt_sched_stats *st)
{
	if (!c->inst)
		return -VGT_E_NOINST;
	vgt_inst_get_sched_stats(c->inst, st);
	return 0;
}

static int emb_engine_regs_get(struct vgt_conn *c, uint32_t engine,
			       struct vgt_engine_regs *st)
{
	if (!c->inst)
		return -VGT_E_NOINST;
	return vgt_inst_engine_regs_get(c->inst, engine, st);
}

static int emb_engine_regs_set(struct vgt_conn *c,
			       const struct vgt_engine_regs *st)
{
	if (!c->inst)
		return -VGT_E_NOINST;
	return vgt_inst_engine_regs_set(c->inst, st);
}

static int emb_dirty_log(struct vgt_conn *c, bool enable)
{
	return c->inst ? vgt_inst_dirty_log(c->inst, enable) : -VGT_E_NOINST;
}

static int emb_ppgtt_sync(struct vgt_conn *c, uint64_t pd_gm)
{
	return c->inst ? vgt_inst_ppgtt_sync(c->inst, pd_gm) : -VGT_E_NOINST;
}

static int emb_notify_policy(struct vgt_conn *c,
			     const struct vgt_notify_policy *policy)
{
	if (!policy)
		return -VGT_E_INVAL;
	return c->inst ? vgt_inst_notify_policy(c->inst, policy) :
			 -VGT_E_NOINST;
}

static int emb_dirty_read(struct vgt_conn *c, uint64_t gpa, uint64_t npages,
			  uint64_t *bitmap)
{
	if (!c->inst)
		return -VGT_E_NOINST;
	return vgt_inst_dirty_read(c->inst, gpa, npages, bitmap);
}

const struct vgt_host_ops vgt_host_embedded_ops = {
	.abi_version = VGT_ABI_VERSION,
	.name = "embedded",
	.connect = emb_connect,
	.disconnect = emb_disconnect,
	.create = emb_create,
	.destroy = emb_destroy,
	.reset = emb_reset,
	.info = emb_info,
	.mem_register = emb_mem_register,
	.mem_unregister = emb_mem_unregister,
	.gtt_write = emb_gtt_write,
	.gtt_read = emb_gtt_read,
	.fence_write = emb_fence_write,
	.gm_read = emb_gm_read,
	.event_fd = emb_event_fd,
	.events_read = emb_events_read,
	.stats = emb_stats,
	.shadow_map = emb_shadow_map,
	.submit = emb_submit,
	.set_weight = emb_set_weight,
	.sched_stats = emb_sched_stats,
	.engine_regs_get = emb_engine_regs_get,
	.engine_regs_set = emb_engine_regs_set,
	.dirty_log = emb_dirty_log,
	.dirty_read = emb_dirty_read,
	.ppgtt_sync = emb_ppgtt_sync,
	.notify_policy = emb_notify_policy,
};
