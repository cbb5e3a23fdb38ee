// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vgt-client-socket.c - the ops table over a UNIX socket to vgt-hostd.
 *
 * Synchronous request/reply: every call sends one packet and waits (with a
 * timeout) for the reply with the same type and sequence number, except
 * submit, which posts its workload and goes on (a round trip is most of a
 * small workload's cost): the daemon reports a refusal in order as
 * VGT_EVENT_REFUSED (vgt-wire.h).  The daemon ends a connection whose
 * posted workload it cannot queue, so submit posts only while fewer than
 * VGT_WL_QUEUE_MAX of its workloads on that engine may still be queued
 * (submitted, their COMPLETE not read yet) and asks otherwise.  Events
 * are read from a ring in memory shared with the daemon (EVENTS_MAP,
 * ABI 6), no round trip either; with a daemon that refuses the ring,
 * with EVENTS_READ.  Guest memory travels as a memfd (SCM_RIGHTS);
 * events are signalled on an eventfd handed to the daemon at connect
 * time.
 *
 * The connection is lost for good when the daemon goes away (EOF, a reset
 * or a failed send), does not answer within the timeout or sends a reply
 * that does not belong to the request: the socket is shut down, and every
 * later call fails at once with -VGT_E_IO and errno set to why, without
 * touching the socket.  The descriptor event_fd returns is an epoll set
 * of the eventfd and the socket: between calls nothing arrives on the
 * socket but its hang-up, so it also becomes readable (and stays so) when
 * the daemon dies while the caller waits for events, and events_read then
 * reports the loss.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE		/* POLLRDHUP */
#endif
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include "hw/vgt-host-ops.h"
#include "vgt-wire.h"

#define VGT_SOCK_REPLY_TIMEOUT_MS	10000

struct vgt_conn {
	int sock;
	int efd;
	int epfd;			/* event_fd(): efd and the hang-up of sock */
	int lost;			/* errno of why the connection broke; 0 */
	uint32_t seq;
	/*
	 * Per engine: workloads submitted whose COMPLETE events_read has not
	 * returned yet, at least what the daemon has queued (events it lost
	 * keep it higher: submits ask then).
	 */
	uint32_t unfinished[VGT_ENGINE_COUNT];
	bool inst;			/* created and not destroyed */
	/* The instance's event ring (EVENTS_MAP), NULL: EVENTS_READ. */
	struct vgt_event_ring *ring;
	uint32_t ring_cons;		/* what we have read of it */
	void *shadow;			/* shared mapping of the daemon's memfd */
	struct vgt_shadow_info shadow_info;
};

/*
 * The connection is unusable from now on (@err says why): shut the socket
 * down so that the daemon drops this client and epfd polls readable; keep
 * the descriptor until disconnect.
 */
static int sock_lost(struct vgt_conn *c, int err)
{
	if (!c->lost) {
		c->lost = err > 0 ? err : EPROTO;
		shutdown(c->sock, SHUT_RDWR);
	}
	errno = c->lost;
	return -VGT_E_IO;
}

/*
 * One round trip.  reply_body receives up to body_max bytes of the reply
 * body; *body_len (if not NULL) how many came; *count the reply's count.
 */
static int sock_call_fd(struct vgt_conn *c, uint32_t type, const void *req,
			size_t req_len, int fd, void *reply_body,
			size_t body_max, size_t *body_len, uint32_t *count,
			int *fd_out)
{
	union {
		uint8_t bytes[VGT_MSG_MAX_SIZE];
		struct vgt_msg_hdr hdr;
	} in;
	struct vgt_msg_hdr hdr = {
		.type = type,
		.flags = VGT_ABI_VERSION,
		.size = (uint32_t)req_len,
		.seq = ++c->seq,
	};
	struct vgt_msg_reply rep;
	struct pollfd pfd = { .fd = c->sock, .events = POLLIN };
	int fds[VGT_WIRE_MAX_FDS], nfds, trunc, err = EPROTO;
	size_t body;
	ssize_t n;

	if (c->lost) {
		errno = c->lost;
		return -VGT_E_IO;
	}
	n = vgt_wire_send(c->sock, &hdr, req, req_len, fd, 0);
	if (n) {
		err = n == -EIO ? EPROTO : (int)-n;
		goto broken;
	}
	do {
		n = poll(&pfd, 1, VGT_SOCK_REPLY_TIMEOUT_MS);
	} while (n < 0 && errno == EINTR);
	if (n <= 0) {
		err = n ? errno : ETIMEDOUT;
		goto broken;
	}
	n = vgt_wire_recv(c->sock, in.bytes, sizeof(in.bytes), fds, &nfds,
			  &trunc, 0);
	if (n <= 0) {
		/* EOF: the daemon closed the connection or died */
		err = n ? (int)-n : ECONNRESET;
		goto broken;
	}
	/* Only a reply the caller expects one on may keep a descriptor. */
	if (fd_out && nfds == 1 && n > 0) {
		*fd_out = fds[0];
		nfds = 0;
	}
	vgt_wire_close_fds(fds, nfds);
	if (n < (ssize_t)(sizeof(in.hdr) + sizeof(rep)) || trunc ||
	    in.hdr.type != type || in.hdr.seq != hdr.seq ||
	    in.hdr.flags != (VGT_ABI_VERSION | VGT_MSG_FLAG_REPLY) ||
	    in.hdr.size != (size_t)n - sizeof(in.hdr))
		goto broken;
	memcpy(&rep, in.bytes + sizeof(in.hdr), sizeof(rep));
	body = in.hdr.size - sizeof(rep);
	if (count)
		*count = rep.count;
	if (rep.result)
		return rep.result < 0 ? rep.result : -VGT_E_IO;
	if (body > body_max)
		goto broken;
	if (body)
		memcpy(reply_body, in.bytes + sizeof(in.hdr) + sizeof(rep),
		       body);
	if (body_len)
		*body_len = body;
	return 0;

broken:
	if (fd_out && *fd_out >= 0) {
		close(*fd_out);
		*fd_out = -1;
	}
	/* A lost or garbled reply desynchronises the stream: give up. */
	return sock_lost(c, err);
}

static int sock_call(struct vgt_conn *c, uint32_t type, const void *req,
		     size_t req_len, int fd, void *reply_body, size_t body_max,
		     size_t *body_len, uint32_t *count)
{
	return sock_call_fd(c, type, req, req_len, fd, reply_body, body_max,
			    body_len, count, NULL);
}

/* Replies with a fixed body must carry exactly that body. */
static int sock_call_fixed(struct vgt_conn *c, uint32_t type, const void *req,
			   size_t req_len, int fd, void *out, size_t out_len)
{
	size_t got = 0;
	int ret;

	ret = sock_call(c, type, req, req_len, fd, out, out_len, &got, NULL);
	if (!ret && got != out_len)
		return -VGT_E_IO;
	return ret;
}

static int sock_connect(const char *path, struct vgt_conn **out)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct vgt_msg_hello hello = { .version = VGT_ABI_VERSION }, got;
	struct epoll_event ev = { 0 };
	struct vgt_conn *c;
	int ret;

	*out = NULL;
	if (!path || strlen(path) >= sizeof(sa.sun_path))
		return -VGT_E_INVAL;
	strcpy(sa.sun_path, path);
	c = calloc(1, sizeof(*c));
	if (!c)
		return -VGT_E_NOMEM;
	c->efd = -1;
	c->epfd = -1;
	c->sock = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (c->sock < 0 ||
	    connect(c->sock, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		ret = -VGT_E_IO;
		goto fail;
	}
	ret = sock_call_fixed(c, VGT_MSG_HELLO, &hello, sizeof(hello), -1,
			      &got, sizeof(got));
	if (ret)
		goto fail;
	if (got.version != VGT_ABI_VERSION) {
		ret = -VGT_E_VERSION;
		goto fail;
	}
	c->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (c->efd < 0) {
		ret = -VGT_E_NOMEM;
		goto fail;
	}
	ret = sock_call(c, VGT_MSG_SET_EVENT_FD, NULL, 0, c->efd, NULL, 0,
			NULL, NULL);
	if (ret)
		goto fail;
	ret = -VGT_E_NOMEM;
	c->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (c->epfd < 0)
		goto fail;
	ev.events = EPOLLIN;
	ev.data.fd = c->efd;
	if (epoll_ctl(c->epfd, EPOLL_CTL_ADD, c->efd, &ev))
		goto fail;
	/* nothing but a hang-up comes between calls: EPOLLHUP is implied */
	ev.events = EPOLLIN | EPOLLRDHUP;
	ev.data.fd = c->sock;
	if (epoll_ctl(c->epfd, EPOLL_CTL_ADD, c->sock, &ev))
		goto fail;
	*out = c;
	return 0;
fail:
	if (c->sock >= 0)
		close(c->sock);
	if (c->efd >= 0)
		close(c->efd);
	if (c->epfd >= 0)
		close(c->epfd);
	free(c);
	return ret;
}

/* The instance's shared memory: its shadow area and event ring. */
static void sock_unmap_shared(struct vgt_conn *c)
{
	if (c->shadow)
		munmap(c->shadow, c->shadow_info.size);
	c->shadow = NULL;
	if (c->ring)
		munmap(c->ring, VGT_EVENT_RING_SIZE);
	c->ring = NULL;
	c->ring_cons = 0;
}

/*
 * A new instance's events go to a ring we map (ABI 6): reading them is
 * then no round trip.  Without one (the daemon refused), EVENTS_READ.
 */
static void sock_events_map(struct vgt_conn *c)
{
	struct stat st;
	int fd = -1;
	void *p;

	if (sock_call_fd(c, VGT_MSG_EVENTS_MAP, NULL, 0, -1, NULL, 0, NULL,
			 NULL, &fd) || fd < 0)
		goto out;
	if (fstat(fd, &st) || st.st_size != VGT_EVENT_RING_SIZE)
		goto out;
	p = mmap(NULL, VGT_EVENT_RING_SIZE, PROT_READ | PROT_WRITE,
		 MAP_SHARED, fd, 0);
	if (p != MAP_FAILED) {
		c->ring = p;
		c->ring_cons = 0;
	}
out:
	if (fd >= 0)
		close(fd);
}

static void sock_disconnect(struct vgt_conn *c)
{
	if (!c)
		return;
	sock_unmap_shared(c);
	/* The daemon tears the instance down when the socket closes. */
	if (c->sock >= 0)
		close(c->sock);
	close(c->epfd);
	close(c->efd);
	free(c);
}

static int sock_create(struct vgt_conn *c, const struct vgt_create_req *req,
		       struct vgt_instance_info *info)
{
	struct vgt_instance_info tmp;
	int ret;

	if (!req)
		return -VGT_E_INVAL;
	ret = sock_call_fixed(c, VGT_MSG_CREATE, req, sizeof(*req), -1,
			      info ? info : &tmp, sizeof(tmp));
	if (!ret) {
		c->inst = true;
		sock_events_map(c);
	}
	return ret;
}

static int sock_destroy(struct vgt_conn *c)
{
	sock_unmap_shared(c);
	memset(c->unfinished, 0, sizeof(c->unfinished));
	c->inst = false;
	return sock_call(c, VGT_MSG_DESTROY, NULL, 0, -1, NULL, 0, NULL, NULL);
}

static int sock_reset(struct vgt_conn *c)
{
	int ret = sock_call(c, VGT_MSG_RESET, NULL, 0, -1, NULL, 0, NULL,
			    NULL);

	/* the queued workloads went without a COMPLETE */
	if (!ret)
		memset(c->unfinished, 0, sizeof(c->unfinished));
	return ret;
}

static int sock_info(struct vgt_conn *c, struct vgt_instance_info *info)
{
	return sock_call_fixed(c, VGT_MSG_INFO, NULL, 0, -1, info,
			       sizeof(*info));
}

static int sock_mem_register(struct vgt_conn *c,
			     const struct vgt_mem_region *r)
{
	if (!r || r->fd < 0)
		return -VGT_E_BADFD;
	return sock_call(c, VGT_MSG_MEM_REGISTER, r, sizeof(*r), r->fd, NULL,
			 0, NULL, NULL);
}

static int sock_mem_unregister(struct vgt_conn *c, uint64_t gpa)
{
	struct vgt_msg_u64 m = { .value = gpa };

	return sock_call(c, VGT_MSG_MEM_UNREGISTER, &m, sizeof(m), -1, NULL,
			 0, NULL, NULL);
}

static int sock_gtt_write(struct vgt_conn *c, const struct vgt_gtt_entry *e,
			  uint32_t n, uint32_t *bad)
{
	struct {
		struct vgt_msg_gtt_write head;
		struct vgt_gtt_entry e[VGT_GTT_WRITE_MAX];
	} m;
	uint32_t count = 0;
	int ret;

	if (bad)
		*bad = 0;
	/* The daemon refuses (and counts) bad counts itself. */
	if (!e || n > VGT_GTT_WRITE_MAX)
		n = 0;
	m.head.count = n;
	m.head.pad = 0;
	if (n)
		memcpy(m.e, e, n * sizeof(*e));
	ret = sock_call(c, VGT_MSG_GTT_WRITE, &m,
			sizeof(m.head) + n * sizeof(*e), -1, NULL, 0, NULL,
			&count);
	if (ret && bad)
		*bad = count;
	return ret;
}

static int sock_gtt_read(struct vgt_conn *c, uint32_t index,
			 struct vgt_gtt_entry *out)
{
	struct vgt_msg_u64 m = { .value = index };

	return sock_call_fixed(c, VGT_MSG_GTT_READ, &m, sizeof(m), -1, out,
			       sizeof(*out));
}

static int sock_fence_write(struct vgt_conn *c, uint32_t fence,
			    uint64_t value)
{
	struct vgt_msg_fence m = { .fence = fence, .value = value };

	return sock_call(c, VGT_MSG_FENCE_WRITE, &m, sizeof(m), -1, NULL, 0,
			 NULL, NULL);
}

static int sock_gm_read(struct vgt_conn *c, uint64_t gm_addr, void *buf,
			uint32_t len)
{
	struct vgt_msg_gm_read m = { .gm_addr = gm_addr, .len = len };
	size_t got = 0;
	int ret;

	if (!buf || len > VGT_GM_READ_MAX)
		return -VGT_E_INVAL;
	ret = sock_call(c, VGT_MSG_GM_READ, &m, sizeof(m), -1, buf, len, &got,
			NULL);
	if (!ret && got != len)
		return -VGT_E_IO;
	return ret;
}

static int sock_event_fd(struct vgt_conn *c)
{
	return c->epfd;
}

/* Count the COMPLETEs among @n events just read (struct vgt_conn). */
static void sock_events_seen(struct vgt_conn *c, const struct vgt_event *ev,
			     size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ev[i].type == VGT_EVENT_COMPLETE &&
		    ev[i].unit < VGT_ENGINE_COUNT && c->unfinished[ev[i].unit])
			c->unfinished[ev[i].unit]--;
}

/*
 * From the event ring: no round trip.  Nothing comes on the socket
 * between calls but its hang-up, so an empty ring looks there for it:
 * the daemon's death is reported as with EVENTS_READ.
 */
static int sock_events_ring(struct vgt_conn *c, struct vgt_event *ev,
			    uint32_t max)
{
	struct vgt_event_ring *r = c->ring;
	struct pollfd pfd = { .fd = c->sock, .events = POLLRDHUP };
	uint32_t drop, prod, n, i;

	/* drop first: it is never ahead of the prod read after it */
	drop = __atomic_load_n(&r->drop, __ATOMIC_ACQUIRE);
	prod = __atomic_load_n(&r->prod, __ATOMIC_ACQUIRE);
	if ((int32_t)(drop - c->ring_cons) > 0)
		c->ring_cons = drop;	/* a reset dropped those */
	n = prod - c->ring_cons;
	if (n > VGT_EVENT_RING_LEN)
		return sock_lost(c, EPROTO);	/* not the daemon's ring */
	if (!n) {
		if (poll(&pfd, 1, 0) > 0 &&
		    (pfd.revents & (POLLRDHUP | POLLHUP | POLLERR)))
			return sock_lost(c, ECONNRESET);
		return 0;
	}
	if (n > max)
		n = max;
	for (i = 0; i < n; i++)
		memcpy(&ev[i], &r->ev[(c->ring_cons + i) % VGT_EVENT_RING_LEN],
		       sizeof(ev[i]));
	c->ring_cons += n;
	__atomic_store_n(&r->cons, c->ring_cons, __ATOMIC_RELEASE);
	sock_events_seen(c, ev, n);
	return (int)n;
}

static int sock_events_read(struct vgt_conn *c, struct vgt_event *ev,
			    uint32_t max)
{
	struct vgt_msg_u64 m;
	uint64_t cnt;
	size_t got = 0;
	int ret;

	if (max > VGT_EVENT_READ_MAX)
		max = VGT_EVENT_READ_MAX;
	m.value = max;
	if (c->lost) {
		errno = c->lost;
		return -VGT_E_IO;
	}
	/* the eventfd first: what is posted from now on sets it again */
	if (read(c->efd, &cnt, sizeof(cnt)) < 0 && errno != EAGAIN)
		return -VGT_E_IO;
	if (c->ring)
		return sock_events_ring(c, ev, max);
	ret = sock_call(c, VGT_MSG_EVENTS_READ, &m, sizeof(m), -1, ev,
			max * sizeof(*ev), &got, NULL);
	if (ret)
		return ret;
	if (got % sizeof(*ev))
		return -VGT_E_IO;
	sock_events_seen(c, ev, got / sizeof(*ev));
	return (int)(got / sizeof(*ev));
}

static int sock_stats(struct vgt_conn *c, struct vgt_stats *st)
{
	return sock_call_fixed(c, VGT_MSG_STATS, NULL, 0, -1, st, sizeof(*st));
}

static int sock_shadow_map(struct vgt_conn *c, struct vgt_shadow_info *out)
{
	struct vgt_shadow_info info;
	size_t got = 0;
	int fd = -1, ret;
	void *p;

	if (!out)
		return -VGT_E_INVAL;
	if (c->shadow) {
		*out = c->shadow_info;
		return 0;
	}
	ret = sock_call_fd(c, VGT_MSG_SHADOW_MAP, NULL, 0, -1, &info,
			   sizeof(info), &got, NULL, &fd);
	if (ret) {
		if (fd >= 0)
			close(fd);
		return ret;
	}
	if (got != sizeof(info) || fd < 0 || info.size != VGT_SHADOW_SIZE) {
		if (fd >= 0)
			close(fd);
		return -VGT_E_IO;
	}
	p = mmap(NULL, info.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return -VGT_E_IO;
	c->shadow = p;
	info.hva = (uintptr_t)p;
	c->shadow_info = info;
	*out = info;
	return 0;
}

/* Posted while the daemon surely has room (struct vgt_conn), else asked. */
static int sock_submit(struct vgt_conn *c, const struct vgt_workload *wl)
{
	struct vgt_msg_hdr hdr = {
		.type = VGT_MSG_SUBMIT,
		.flags = VGT_ABI_VERSION | VGT_MSG_FLAG_POSTED,
		.size = sizeof(*wl),
	};
	ssize_t n;
	int ret;

	if (!wl)
		return -VGT_E_INVAL;
	/* asked: refused (no engine, no instance) or maybe no room */
	if (wl->engine >= VGT_ENGINE_COUNT || !c->inst ||
	    c->unfinished[wl->engine] >= VGT_WL_QUEUE_MAX) {
		ret = sock_call(c, VGT_MSG_SUBMIT, wl, sizeof(*wl), -1, NULL,
				0, NULL, NULL);
		if (!ret)
			c->unfinished[wl->engine]++;
		return ret;
	}
	if (c->lost) {
		errno = c->lost;
		return -VGT_E_IO;
	}
	hdr.seq = ++c->seq;
	n = vgt_wire_send(c->sock, &hdr, wl, sizeof(*wl), -1, 0);
	if (n)
		return sock_lost(c, n == -EIO ? EPROTO : (int)-n);
	c->unfinished[wl->engine]++;
	return 0;
}

static int sock_set_weight(struct vgt_conn *c, uint32_t weight)
{
	struct vgt_msg_u64 m = { .value = weight };

	return sock_call(c, VGT_MSG_SET_WEIGHT, &m, sizeof(m), -1, NULL, 0,
			 NULL, NULL);
}

static int sock_sched_stats(struct vgt_conn *c, struct vgt_sched_stats *st)
{
	return sock_call_fixed(c, VGT_MSG_SCHED_STATS, NULL, 0, -1, st,
			       sizeof(*st));
}

static int sock_engine_regs_get(struct vgt_conn *c, uint32_t engine,
				struct vgt_engine_regs *st)
{
	struct vgt_msg_u64 m = { .value = engine };

	if (!st)
		return -VGT_E_INVAL;
	return sock_call_fixed(c, VGT_MSG_ENGINE_REGS_GET, &m, sizeof(m), -1,
			       st, sizeof(*st));
}

static int sock_engine_regs_set(struct vgt_conn *c,
				const struct vgt_engine_regs *st)
{
	if (!st)
		return -VGT_E_INVAL;
	return sock_call(c, VGT_MSG_ENGINE_REGS_SET, st, sizeof(*st), -1, NULL,
			 0, NULL, NULL);
}

static int sock_dirty_log(struct vgt_conn *c, bool enable)
{
	struct vgt_msg_u64 m = { .value = enable };

	return sock_call(c, VGT_MSG_DIRTY_LOG, &m, sizeof(m), -1, NULL, 0,
			 NULL, NULL);
}

static int sock_ppgtt_sync(struct vgt_conn *c, uint64_t pd_gm)
{
	struct vgt_msg_u64 m = { .value = pd_gm };
	uint32_t count = 0;
	int ret;

	ret = sock_call(c, VGT_MSG_PPGTT_SYNC, &m, sizeof(m), -1, NULL, 0,
			NULL, &count);
	if (ret)
		return ret;
	return count > (uint32_t)INT32_MAX ? INT32_MAX : (int)count;
}

static int sock_notify_policy(struct vgt_conn *c,
			      const struct vgt_notify_policy *policy)
{
	if (!policy)
		return -VGT_E_INVAL;
	return sock_call(c, VGT_MSG_NOTIFY_POLICY, policy, sizeof(*policy), -1,
			 NULL, 0, NULL, NULL);
}

/* One packet: VGT_DIRTY_READ_MAX_PAGES' bitmap fits (vgt-wire.c). */
static int sock_dirty_read(struct vgt_conn *c, uint64_t gpa, uint64_t npages,
			   uint64_t *bitmap)
{
	struct vgt_msg_dirty_read m = { .gpa = gpa, .npages = npages };
	size_t want = 0, got = 0;
	int ret;

	if (!bitmap)
		return -VGT_E_INVAL;
	/* The daemon refuses (and counts) a count out of range itself. */
	if (npages && npages <= VGT_DIRTY_READ_MAX_PAGES)
		want = (npages + 63) / 64 * sizeof(*bitmap);
	ret = sock_call(c, VGT_MSG_DIRTY_READ, &m, sizeof(m), -1, bitmap,
			want, &got, NULL);
	if (!ret && got != want)
		return -VGT_E_IO;
	return ret;
}

const struct vgt_host_ops vgt_host_socket_ops = {
	.abi_version = VGT_ABI_VERSION,
	.name = "socket",
	.connect = sock_connect,
	.disconnect = sock_disconnect,
	.create = sock_create,
	.destroy = sock_destroy,
	.reset = sock_reset,
	.info = sock_info,
	.mem_register = sock_mem_register,
	.mem_unregister = sock_mem_unregister,
	.gtt_write = sock_gtt_write,
	.gtt_read = sock_gtt_read,
	.fence_write = sock_fence_write,
	.gm_read = sock_gm_read,
	.event_fd = sock_event_fd,
	.events_read = sock_events_read,
	.stats = sock_stats,
	.shadow_map = sock_shadow_map,
	.submit = sock_submit,
	.set_weight = sock_set_weight,
	.sched_stats = sock_sched_stats,
	.engine_regs_get = sock_engine_regs_get,
	.engine_regs_set = sock_engine_regs_set,
	.dirty_log = sock_dirty_log,
	.dirty_read = sock_dirty_read,
	.ppgtt_sync = sock_ppgtt_sync,
	.notify_policy = sock_notify_policy,
};
