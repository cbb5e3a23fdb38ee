// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vgt-client-kernel.c - the ops table over /dev/vgt (vgt.ko, the helper in
 * the host kernel): every call is one ioctl on the structures of
 * hw/vgt-helper-abi.h, whose end describes the device.
 *
 * One open file is one connection (at most one instance, destroyed by the
 * module when the file is closed).  The file itself is the event fd: it
 * polls readable while events are queued and read() returns whole struct
 * vgt_event records.  The shadow area is an mmap of the file.  Guest RAM
 * is registered by address (hva): the module pins the caller's pages.
 *
 * Results: an ioctl returns 0, a positive VGT_E_* code (refused by the
 * helper; returned here negated, as every transport does) or -1 with
 * errno, mapped by vgt_kernel_errno_to_code.  errno is left as the failing
 * call set it, so that a caller can say why /dev/vgt could not be opened.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include "hw/vgt-host-ops.h"
#include "vgt-client-kernel.h"

struct vgt_conn {
	int fd;
	void *shadow;			/* shared mapping of the file */
	struct vgt_shadow_info shadow_info;
};

static int sys_open(const char *path, int flags)
{
	return open(path, flags);
}

static int sys_ioctl(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg);
}

const struct vgt_kernel_sys vgt_kernel_sys_libc = {
	.open = sys_open,
	.close = close,
	.ioctl = sys_ioctl,
	.read = read,
	.mmap = mmap,
	.munmap = munmap,
};

const struct vgt_kernel_sys *vgt_kernel_sys = &vgt_kernel_sys_libc;

int vgt_kernel_errno_to_code(int err)
{
	switch (err) {
	case ENOMEM:
		return -VGT_E_NOMEM;
	case EINVAL:		/* padding, flags, a count out of range */
	case EFAULT:		/* a pointer we passed: our argument */
	case E2BIG:
	case ERANGE:
	case EOVERFLOW:
		return -VGT_E_INVAL;
	case ENOTTY:		/* not vgt.ko, or one without this call */
		return -VGT_E_VERSION;
	default:		/* ENOENT, ENODEV, ENXIO, EACCES, EIO, ... */
		return -VGT_E_IO;
	}
}

/* One ioctl: 0, or -VGT_E_* (refused by the helper or failed). */
static int kern_ioctl(struct vgt_conn *c, unsigned long req, void *arg)
{
	int ret;

	if (c->fd < 0)
		return -VGT_E_IO;
	do {
		ret = vgt_kernel_sys->ioctl(c->fd, req, arg);
	} while (ret < 0 && errno == EINTR);
	if (ret < 0)
		return vgt_kernel_errno_to_code(errno);
	if (ret > 0)
		return ret < VGT_E_COUNT ? -ret : -VGT_E_IO;
	return 0;
}

static int kern_connect(const char *path, struct vgt_conn **out)
{
	struct vgt_conn *c;
	int ret, err;

	*out = NULL;
	if (!path || !strcmp(path, "kernel"))
		path = VGT_KERNEL_DEVICE;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -VGT_E_NOMEM;
	c->fd = vgt_kernel_sys->open(path, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (c->fd < 0) {
		err = errno;
		ret = err == ENOMEM ? -VGT_E_NOMEM : -VGT_E_IO;
		goto fail;
	}
	do {
		ret = vgt_kernel_sys->ioctl(c->fd, VGT_IOC_VERSION, NULL);
	} while (ret < 0 && errno == EINTR);
	err = errno;
	if (ret < 0) {
		ret = vgt_kernel_errno_to_code(err);
		goto fail;
	}
	if (ret != VGT_ABI_VERSION) {
		err = 0;
		ret = -VGT_E_VERSION;
		goto fail;
	}
	*out = c;
	return 0;
fail:
	if (c->fd >= 0)
		vgt_kernel_sys->close(c->fd);
	free(c);
	errno = err;		/* why it failed, for the caller's message */
	return ret;
}

static void kern_shadow_unmap(struct vgt_conn *c)
{
	if (c->shadow)
		vgt_kernel_sys->munmap(c->shadow, VGT_SHADOW_SIZE);
	c->shadow = NULL;
}

static void kern_disconnect(struct vgt_conn *c)
{
	if (!c)
		return;
	kern_shadow_unmap(c);
	/* The module destroys the instance when the file closes. */
	if (c->fd >= 0)
		vgt_kernel_sys->close(c->fd);
	free(c);
}

static int kern_create(struct vgt_conn *c, const struct vgt_create_req *req,
		       struct vgt_instance_info *info)
{
	struct vgt_ioc_create io;
	int ret;

	if (!req)
		return -VGT_E_INVAL;
	memset(&io, 0, sizeof(io));
	io.req = *req;
	ret = kern_ioctl(c, VGT_IOC_CREATE, &io);
	if (!ret && info)
		*info = io.info;
	return ret;
}

static int kern_destroy(struct vgt_conn *c)
{
	/* The area goes with the instance: let go of the mapping first. */
	kern_shadow_unmap(c);
	return kern_ioctl(c, VGT_IOC_DESTROY, NULL);
}

static int kern_reset(struct vgt_conn *c)
{
	return kern_ioctl(c, VGT_IOC_RESET, NULL);
}

static int kern_info(struct vgt_conn *c, struct vgt_instance_info *info)
{
	struct vgt_instance_info tmp;
	int ret;

	ret = kern_ioctl(c, VGT_IOC_INFO, &tmp);
	if (!ret && info)
		*info = tmp;
	return ret;
}

static int kern_mem_register(struct vgt_conn *c,
			     const struct vgt_mem_region *r)
{
	struct vgt_mem_region io;

	if (!r)
		return -VGT_E_INVAL;
	/* The module pins the caller's own pages: no descriptor. */
	if (r->fd != -1)
		return -VGT_E_BADFD;
	io = *r;
	return kern_ioctl(c, VGT_IOC_MEM_REGISTER, &io);
}

static int kern_mem_unregister(struct vgt_conn *c, uint64_t gpa)
{
	vgt_u64 arg = gpa;

	return kern_ioctl(c, VGT_IOC_MEM_UNREGISTER, &arg);
}

/*
 * The module takes up to VGT_GTT_WRITE_MAX entries per call, all or
 * nothing; a longer array is written in such chunks, in order, and a
 * refusal stops at its chunk (the chunks before it stay written).
 */
static int kern_gtt_write(struct vgt_conn *c, const struct vgt_gtt_entry *e,
			  uint32_t n, uint32_t *bad)
{
	struct vgt_ioc_gtt_write io;
	uint32_t done = 0;
	int ret;

	if (bad)
		*bad = 0;
	if (!e && n)
		return -VGT_E_INVAL;
	do {
		memset(&io, 0, sizeof(io));
		io.entries = (uintptr_t)(e + done);
		/* n == 0 goes to the module, which refuses and counts it */
		io.n = n - done < VGT_GTT_WRITE_MAX ? n - done :
						      VGT_GTT_WRITE_MAX;
		ret = kern_ioctl(c, VGT_IOC_GTT_WRITE, &io);
		if (ret) {
			if (bad && ret != -VGT_E_IO)
				*bad = done + (io.bad < io.n ? io.bad : 0);
			return ret;
		}
		done += io.n;
	} while (done < n);
	return 0;
}

static int kern_gtt_read(struct vgt_conn *c, uint32_t index,
			 struct vgt_gtt_entry *out)
{
	struct vgt_gtt_entry io = { .index = index };
	int ret;

	if (!out)
		return -VGT_E_INVAL;
	ret = kern_ioctl(c, VGT_IOC_GTT_READ, &io);
	if (!ret)
		*out = io;
	return ret;
}

static int kern_fence_write(struct vgt_conn *c, uint32_t fence,
			    uint64_t value)
{
	struct vgt_ioc_fence_write io = { .fence = fence, .value = value };

	return kern_ioctl(c, VGT_IOC_FENCE_WRITE, &io);
}

static int kern_gm_read(struct vgt_conn *c, uint64_t gm_addr, void *buf,
			uint32_t len)
{
	struct vgt_ioc_gm_read io = {
		.gm_addr = gm_addr,
		.buf = (uintptr_t)buf,
		.len = len,
	};

	if (!buf || len > VGT_GM_READ_MAX)
		return -VGT_E_INVAL;
	return kern_ioctl(c, VGT_IOC_GM_READ, &io);
}

static int kern_event_fd(struct vgt_conn *c)
{
	return c->fd;
}

static int kern_events_read(struct vgt_conn *c, struct vgt_event *ev,
			    uint32_t max)
{
	ssize_t n;

	if (c->fd < 0)
		return -VGT_E_IO;
	if (!ev)
		return -VGT_E_INVAL;
	if (max > VGT_EVENT_READ_MAX)
		max = VGT_EVENT_READ_MAX;
	if (!max)
		return 0;
	do {
		n = vgt_kernel_sys->read(c->fd, ev, max * sizeof(*ev));
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		return vgt_kernel_errno_to_code(errno);
	}
	/* whole records only, never more than asked for */
	if ((size_t)n % sizeof(*ev) || (size_t)n > max * sizeof(*ev))
		return -VGT_E_IO;
	return (int)((size_t)n / sizeof(*ev));
}

static int kern_stats(struct vgt_conn *c, struct vgt_stats *st)
{
	struct vgt_stats tmp;
	int ret;

	if (!st)
		return -VGT_E_INVAL;
	ret = kern_ioctl(c, VGT_IOC_STATS, &tmp);
	if (!ret)
		*st = tmp;
	return ret;
}

static int kern_shadow_map(struct vgt_conn *c, struct vgt_shadow_info *out)
{
	struct vgt_shadow_info info;
	void *p;
	int ret;

	if (!out)
		return -VGT_E_INVAL;
	if (c->shadow) {
		*out = c->shadow_info;
		return 0;
	}
	memset(&info, 0, sizeof(info));
	ret = kern_ioctl(c, VGT_IOC_SHADOW_MAP, &info);
	if (ret)
		return ret;
	if (info.size != VGT_SHADOW_SIZE)
		return -VGT_E_IO;
	p = vgt_kernel_sys->mmap(NULL, VGT_SHADOW_SIZE, PROT_READ | PROT_WRITE,
				 MAP_SHARED, c->fd, 0);
	if (p == MAP_FAILED)
		return errno == ENOMEM ? -VGT_E_NOMEM : -VGT_E_IO;
	c->shadow = p;
	info.hva = (uintptr_t)p;
	c->shadow_info = info;
	*out = info;
	return 0;
}

static int kern_submit(struct vgt_conn *c, const struct vgt_workload *wl)
{
	if (!wl)
		return -VGT_E_INVAL;
	/* _IOW: the module only reads it */
	return kern_ioctl(c, VGT_IOC_SUBMIT, (void *)wl);
}

static int kern_set_weight(struct vgt_conn *c, uint32_t weight)
{
	vgt_u32 arg = weight;

	return kern_ioctl(c, VGT_IOC_SET_WEIGHT, &arg);
}

static int kern_sched_stats(struct vgt_conn *c, struct vgt_sched_stats *st)
{
	struct vgt_sched_stats tmp;
	int ret;

	if (!st)
		return -VGT_E_INVAL;
	ret = kern_ioctl(c, VGT_IOC_SCHED_STATS, &tmp);
	if (!ret)
		*st = tmp;
	return ret;
}

static int kern_engine_regs_get(struct vgt_conn *c, uint32_t engine,
				struct vgt_engine_regs *st)
{
	struct vgt_engine_regs io;
	int ret;

	if (!st)
		return -VGT_E_INVAL;
	memset(&io, 0, sizeof(io));
	io.engine = engine;
	ret = kern_ioctl(c, VGT_IOC_ENGINE_REGS_GET, &io);
	if (ret)
		return ret;
	if (io.nr_regs > VGT_ENGINE_REGS_MAX)
		return -VGT_E_IO;
	*st = io;
	return 0;
}

static int kern_engine_regs_set(struct vgt_conn *c,
				const struct vgt_engine_regs *st)
{
	if (!st)
		return -VGT_E_INVAL;
	/* _IOW: the module only reads it */
	return kern_ioctl(c, VGT_IOC_ENGINE_REGS_SET, (void *)st);
}

static int kern_ppgtt_sync(struct vgt_conn *c, uint64_t pd_gm)
{
	struct vgt_ioc_ppgtt_sync io = { .pd_gm = pd_gm };
	int ret = kern_ioctl(c, VGT_IOC_PPGTT_SYNC, &io);

	if (ret)
		return ret;
	return io.changed > (vgt_u32)INT32_MAX ? INT32_MAX : (int)io.changed;
}

static int kern_notify_policy(struct vgt_conn *c,
			      const struct vgt_notify_policy *policy)
{
	if (!policy)
		return -VGT_E_INVAL;
	/* _IOW: the module only reads it */
	return kern_ioctl(c, VGT_IOC_NOTIFY_POLICY, (void *)policy);
}

static int kern_dirty_log(struct vgt_conn *c, bool enable)
{
	vgt_u32 arg = enable;

	return kern_ioctl(c, VGT_IOC_DIRTY_LOG, &arg);
}

/* The module writes the bitmap straight into the caller's buffer. */
static int kern_dirty_read(struct vgt_conn *c, uint64_t gpa, uint64_t npages,
			   uint64_t *bitmap)
{
	struct vgt_dirty_req io = {
		.gpa = gpa,
		.npages = npages,
		.bitmap = (uintptr_t)bitmap,
	};

	if (!bitmap)
		return -VGT_E_INVAL;
	return kern_ioctl(c, VGT_IOC_DIRTY_READ, &io);
}

const struct vgt_host_ops vgt_host_kernel_ops = {
	.abi_version = VGT_ABI_VERSION,
	.name = "kernel",
	.connect = kern_connect,
	.disconnect = kern_disconnect,
	.create = kern_create,
	.destroy = kern_destroy,
	.reset = kern_reset,
	.info = kern_info,
	.mem_register = kern_mem_register,
	.mem_unregister = kern_mem_unregister,
	.gtt_write = kern_gtt_write,
	.gtt_read = kern_gtt_read,
	.fence_write = kern_fence_write,
	.gm_read = kern_gm_read,
	.event_fd = kern_event_fd,
	.events_read = kern_events_read,
	.stats = kern_stats,
	.shadow_map = kern_shadow_map,
	.submit = kern_submit,
	.set_weight = kern_set_weight,
	.sched_stats = kern_sched_stats,
	.engine_regs_get = kern_engine_regs_get,
	.engine_regs_set = kern_engine_regs_set,
	.dirty_log = kern_dirty_log,
	.dirty_read = kern_dirty_read,
	.ppgtt_sync = kern_ppgtt_sync,
	.notify_policy = kern_notify_policy,
};
