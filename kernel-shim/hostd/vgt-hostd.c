// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vgt-hostd - the vgt helper as a daemon: one software Haswell shared by
 * many QEMU processes over a UNIX socket (the shape of vhost-user).
 *
 * One poll loop serves the clients; one scheduler thread runs the
 * engines on the workloads they submit.  Each connection is one VM: its
 * instance, its memory mappings (memfds passed with SCM_RIGHTS), its
 * shadow area (a memfd it gets back) and its eventfd.  Clients
 * are untrusted: every packet is checked for size, type, version and
 * descriptors before any field is used, a malformed one gets an error
 * reply, and a client that goes away mid-request only takes its own
 * instance with it.  Foreground, logs to stderr, SIGTERM/SIGINT shut down
 * cleanly: systemd-friendly (Type=simple, or socket activation).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stddef.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include "core/vgt-core.h"
#include "hw/vgt-host-ops.h"
#include "swhsw/swhsw.h"
#include "user/vgt-sched-thread.h"
#include "client/vgt-wire.h"

#define HOSTD_DEFAULT_SOCKET	"/run/vgt-hostd.sock"
#define HOSTD_MAX_CLIENTS	64
/* Largest single guest RAM region accepted (guards the model's DMA space). */
#define HOSTD_MAX_REGION	(64ull << 30)
#define HOSTD_MSG_LOG_BUDGET	16

struct hostd_mem {
	uint64_t gpa;
	void *map;
	size_t len;
};

struct hostd_client {
	int fd;
	unsigned int id;
	pid_t pid;
	struct vgt_instance *inst;
	int efd;
	unsigned int nr_mem;
	struct hostd_mem mem[VGT_MAX_MEM_REGIONS];
	unsigned int log_budget;
	unsigned long malformed;
	int shadow_fd;		/* memfd backing the instance's shadow area */
	void *shadow;
	uint64_t shadow_gm;
};

static struct {
	struct vgt_swhsw *sw;
	struct vgt_host *host;
	struct vgt_sched_thread *sched;
	int listen_fd;
	int signal_fd;
	const char *socket_path;
	int unlink_on_exit;
	struct hostd_client *clients[HOSTD_MAX_CLIENTS];
	unsigned int next_id;
	int verbose;
} hd = { .listen_fd = -1, .signal_fd = -1 };

static void hlog(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void hlog(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("vgt-hostd: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static void client_log(struct hostd_client *cl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void client_log(struct hostd_client *cl, const char *fmt, ...)
{
	va_list ap;

	if (!cl->log_budget)
		return;
	cl->log_budget--;
	va_start(ap, fmt);
	fprintf(stderr, "vgt-hostd: client %u (pid %d): ", cl->id,
		(int)cl->pid);
	vfprintf(stderr, fmt, ap);
	if (!cl->log_budget)
		fputs(" (further messages suppressed)", stderr);
	fputc('\n', stderr);
	va_end(ap);
}

/* ---- client lifetime ----------------------------------------------- */

static void client_notify(void *opaque)
{
	struct hostd_client *cl = opaque;
	uint64_t one = 1;

	if (cl->efd >= 0 && write(cl->efd, &one, sizeof(one)) < 0)
		return;	/* counter saturated: still readable */
}

static void client_release_instance(struct hostd_client *cl)
{
	unsigned int i;

	/* Instance first: the GTT stops pointing at the memory, then unmap. */
	vgt_inst_destroy(cl->inst);
	cl->inst = NULL;
	if (cl->shadow)
		munmap(cl->shadow, VGT_SHADOW_SIZE);
	cl->shadow = NULL;
	if (cl->shadow_fd >= 0)
		close(cl->shadow_fd);
	cl->shadow_fd = -1;
	for (i = 0; i < cl->nr_mem; i++)
		munmap(cl->mem[i].map, cl->mem[i].len);
	cl->nr_mem = 0;
}

static void client_drop(unsigned int slot, const char *why)
{
	struct hostd_client *cl = hd.clients[slot];

	hlog("client %u (pid %d) gone: %s%s", cl->id, (int)cl->pid, why,
	     cl->inst ? "; instance destroyed" : "");
	client_release_instance(cl);
	if (cl->efd >= 0)
		close(cl->efd);
	close(cl->fd);
	free(cl);
	hd.clients[slot] = NULL;
}

static void accept_client(void)
{
	struct hostd_client *cl;
	struct ucred cred;
	socklen_t len = sizeof(cred);
	unsigned int slot;
	int fd;

	fd = accept4(hd.listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	for (slot = 0; slot < HOSTD_MAX_CLIENTS; slot++)
		if (!hd.clients[slot])
			break;
	cl = slot < HOSTD_MAX_CLIENTS ? calloc(1, sizeof(*cl)) : NULL;
	if (!cl) {
		hlog("refusing connection: %u clients already",
		     HOSTD_MAX_CLIENTS);
		close(fd);
		return;
	}
	cl->fd = fd;
	cl->efd = -1;
	cl->shadow_fd = -1;
	cl->id = ++hd.next_id;
	cl->log_budget = HOSTD_MSG_LOG_BUDGET;
	if (!getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len))
		cl->pid = cred.pid;
	hd.clients[slot] = cl;
	hlog("client %u (pid %d) connected", cl->id, (int)cl->pid);
}

/* ---- requests ------------------------------------------------------ */

struct reply {
	struct vgt_msg_reply head;	/* body follows at once: sent as one */
	uint8_t body[VGT_MSG_MAX_SIZE - sizeof(struct vgt_msg_hdr) -
		     sizeof(struct vgt_msg_reply)];
	size_t body_len;
	int fd;				/* sent with the reply if >= 0 */
};

static int do_shadow_map(struct hostd_client *cl, struct reply *rep)
{
	struct vgt_shadow_info info = { 0 };
	uint64_t gm;
	void *map;
	int fd, ret;

	if (cl->shadow_fd < 0) {
		fd = memfd_create("vgt-shadow", MFD_CLOEXEC | MFD_ALLOW_SEALING);
		if (fd < 0)
			return -VGT_E_NOMEM;
		if (ftruncate(fd, VGT_SHADOW_SIZE) ||
		    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW |
			  F_SEAL_SEAL)) {
			close(fd);
			return -VGT_E_NOMEM;
		}
		map = mmap(NULL, VGT_SHADOW_SIZE, PROT_READ | PROT_WRITE,
			   MAP_SHARED, fd, 0);
		if (map == MAP_FAILED) {
			close(fd);
			return -VGT_E_NOMEM;
		}
		ret = vgt_inst_shadow_attach(cl->inst, map, &gm);
		if (ret) {
			munmap(map, VGT_SHADOW_SIZE);
			close(fd);
			return ret;
		}
		cl->shadow_fd = fd;
		cl->shadow = map;
		cl->shadow_gm = gm;
	}
	info.gm_addr = cl->shadow_gm;
	info.size = VGT_SHADOW_SIZE;
	memcpy(rep->body, &info, sizeof(info));
	rep->body_len = sizeof(info);
	rep->fd = cl->shadow_fd;
	return 0;
}

static int check_fd_is_sealed_memfd(int fd, uint64_t offset, uint64_t size)
{
	struct stat st;
	int seals;

	if (fstat(fd, &st) || !S_ISREG(st.st_mode))
		return -VGT_E_BADFD;
	/* A shrinkable file could SIGBUS us behind our back. */
	seals = fcntl(fd, F_GET_SEALS);
	if (seals < 0 || !(seals & F_SEAL_SHRINK))
		return -VGT_E_BADFD;
	if ((fcntl(fd, F_GETFL) & O_ACCMODE) != O_RDWR)
		return -VGT_E_BADFD;
	if (offset > (uint64_t)st.st_size ||
	    size > (uint64_t)st.st_size - offset)
		return -VGT_E_INVAL;
	return 0;
}

static int do_mem_register(struct hostd_client *cl,
			   const struct vgt_mem_region *r, int fd)
{
	struct hostd_mem *m;
	void *map;
	int ret;

	if (!cl->inst)
		return -VGT_E_NOINST;
	if (r->flags || !r->size || r->size > HOSTD_MAX_REGION ||
	    ((r->size | r->fd_offset | r->gpa) & (VGT_PAGE_SIZE - 1)) ||
	    r->fd_offset > (uint64_t)LLONG_MAX)
		return -VGT_E_INVAL;
	if (cl->nr_mem == VGT_MAX_MEM_REGIONS)
		return -VGT_E_MEM_FULL;
	ret = check_fd_is_sealed_memfd(fd, r->fd_offset, r->size);
	if (ret)
		return ret;
	map = mmap(NULL, r->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   (off_t)r->fd_offset);
	if (map == MAP_FAILED)
		return -VGT_E_BADFD;
	ret = vgt_inst_mem_register(cl->inst, r->gpa, r->size, map);
	if (ret) {
		munmap(map, r->size);
		return ret;
	}
	m = &cl->mem[cl->nr_mem++];
	m->gpa = r->gpa;
	m->map = map;
	m->len = r->size;
	return 0;
}

static int do_mem_unregister(struct hostd_client *cl, uint64_t gpa)
{
	unsigned int i;
	int ret;

	if (!cl->inst)
		return -VGT_E_NOINST;
	ret = vgt_inst_mem_unregister(cl->inst, gpa);
	if (ret)
		return ret;
	for (i = 0; i < cl->nr_mem; i++) {
		if (cl->mem[i].gpa != gpa)
			continue;
		munmap(cl->mem[i].map, cl->mem[i].len);
		cl->mem[i] = cl->mem[--cl->nr_mem];
		break;
	}
	return 0;
}

static int check_eventfd(int fd)
{
	char path[64], line[128];
	FILE *f;
	int ok = 0;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (!f)
		return -VGT_E_BADFD;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "eventfd-count:", 14))
			ok = 1;
	fclose(f);
	return ok ? 0 : -VGT_E_BADFD;
}

static int do_set_event_fd(struct hostd_client *cl, int fd)
{
	int ret = check_eventfd(fd);

	if (ret)
		return ret;
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0)
		return -VGT_E_BADFD;
	/* The scheduler thread may be signalling the old one right now. */
	if (cl->inst)
		vgt_inst_set_notify(cl->inst, NULL, NULL);
	if (cl->efd >= 0)
		close(cl->efd);
	cl->efd = fd;
	if (cl->inst)
		vgt_inst_set_notify(cl->inst, client_notify, cl);
	return 0;
}

_Static_assert(offsetof(struct reply, body) == sizeof(struct vgt_msg_reply),
	       "reply head and body must be contiguous");

/* Exact request sizes; GTT_WRITE is variable and checked on its own. */
static const struct {
	size_t size;
	int takes_fd;
	int needs_inst;
} msg_spec[VGT_MSG_TYPE_MAX + 1] = {
	[VGT_MSG_HELLO] = { sizeof(struct vgt_msg_hello), 0, 0 },
	[VGT_MSG_CREATE] = { sizeof(struct vgt_create_req), 0, 0 },
	[VGT_MSG_DESTROY] = { 0, 0, 1 },
	[VGT_MSG_RESET] = { 0, 0, 1 },
	[VGT_MSG_INFO] = { 0, 0, 1 },
	[VGT_MSG_MEM_REGISTER] = { sizeof(struct vgt_mem_region), 1, 1 },
	[VGT_MSG_MEM_UNREGISTER] = { sizeof(struct vgt_msg_u64), 0, 1 },
	[VGT_MSG_GTT_WRITE] = { 0, 0, 1 },
	[VGT_MSG_GTT_READ] = { sizeof(struct vgt_msg_u64), 0, 1 },
	[VGT_MSG_FENCE_WRITE] = { sizeof(struct vgt_msg_fence), 0, 1 },
	[VGT_MSG_GM_READ] = { sizeof(struct vgt_msg_gm_read), 0, 1 },
	[VGT_MSG_SET_EVENT_FD] = { 0, 1, 0 },
	[VGT_MSG_EVENTS_READ] = { sizeof(struct vgt_msg_u64), 0, 1 },
	[VGT_MSG_STATS] = { 0, 0, 1 },
	[VGT_MSG_SHADOW_MAP] = { 0, 0, 1 },
	[VGT_MSG_SUBMIT] = { sizeof(struct vgt_workload), 0, 1 },
	[VGT_MSG_SET_WEIGHT] = { sizeof(struct vgt_msg_u64), 0, 1 },
	[VGT_MSG_SCHED_STATS] = { 0, 0, 1 },
};

static int dispatch(struct hostd_client *cl, uint32_t type, const void *p,
		    size_t len, int *fd, struct reply *rep)
{
	switch (type) {
	case VGT_MSG_HELLO: {
		struct vgt_msg_hello h;

		memcpy(&h, p, sizeof(h));
		if (h.version != VGT_ABI_VERSION || h.features)
			return -VGT_E_VERSION;
		h.features = 0;
		memcpy(rep->body, &h, sizeof(h));
		rep->body_len = sizeof(h);
		return 0;
	}
	case VGT_MSG_CREATE: {
		struct vgt_create_req req;
		struct vgt_instance_info info;
		int ret;

		if (cl->inst)
			return -VGT_E_EXISTS;
		memcpy(&req, p, sizeof(req));
		ret = vgt_inst_create(hd.host, &req, &cl->inst);
		if (ret) {
			client_log(cl, "create refused: %s",
				   vgt_strerror(ret));
			return ret;
		}
		vgt_inst_set_notify(cl->inst, client_notify, cl);
		vgt_inst_get_info(cl->inst, &info);
		memcpy(rep->body, &info, sizeof(info));
		rep->body_len = sizeof(info);
		client_log(cl, "instance vgt%u created", info.vgt_id);
		return 0;
	}
	case VGT_MSG_DESTROY:
		client_release_instance(cl);
		return 0;
	case VGT_MSG_RESET:
		return vgt_inst_reset(cl->inst);
	case VGT_MSG_INFO: {
		struct vgt_instance_info info;

		vgt_inst_get_info(cl->inst, &info);
		memcpy(rep->body, &info, sizeof(info));
		rep->body_len = sizeof(info);
		return 0;
	}
	case VGT_MSG_MEM_REGISTER: {
		struct vgt_mem_region r;

		memcpy(&r, p, sizeof(r));
		return do_mem_register(cl, &r, *fd);
	}
	case VGT_MSG_MEM_UNREGISTER: {
		struct vgt_msg_u64 m;

		memcpy(&m, p, sizeof(m));
		return do_mem_unregister(cl, m.value);
	}
	case VGT_MSG_GTT_WRITE: {
		struct vgt_msg_gtt_write head;
		struct vgt_gtt_entry e[VGT_GTT_WRITE_MAX];
		uint32_t bad = 0;
		int ret;

		if (len < sizeof(head))
			return -VGT_E_MSG;
		memcpy(&head, p, sizeof(head));
		if (head.pad || head.count > VGT_GTT_WRITE_MAX ||
		    len != sizeof(head) + head.count * sizeof(e[0]))
			return -VGT_E_MSG;
		memcpy(e, (const uint8_t *)p + sizeof(head),
		       head.count * sizeof(e[0]));
		/* count 0 reaches the core, which refuses and counts it. */
		ret = vgt_inst_gtt_write(cl->inst, e, head.count, &bad);
		rep->head.count = bad;
		return ret;
	}
	case VGT_MSG_GTT_READ: {
		struct vgt_msg_u64 m;
		struct vgt_gtt_entry e;
		int ret;

		memcpy(&m, p, sizeof(m));
		if (m.value > UINT32_MAX)
			return -VGT_E_GTT_INDEX;
		ret = vgt_inst_gtt_read(cl->inst, (uint32_t)m.value, &e);
		if (ret)
			return ret;
		memcpy(rep->body, &e, sizeof(e));
		rep->body_len = sizeof(e);
		return 0;
	}
	case VGT_MSG_FENCE_WRITE: {
		struct vgt_msg_fence m;

		memcpy(&m, p, sizeof(m));
		if (m.pad)
			return -VGT_E_MSG;
		return vgt_inst_fence_write(cl->inst, m.fence, m.value);
	}
	case VGT_MSG_GM_READ: {
		struct vgt_msg_gm_read m;
		int ret;

		memcpy(&m, p, sizeof(m));
		if (m.pad || m.len > VGT_GM_READ_MAX)
			return -VGT_E_MSG;
		ret = vgt_inst_gm_read(cl->inst, m.gm_addr, rep->body, m.len);
		if (ret)
			return ret;
		rep->body_len = m.len;
		rep->head.count = m.len;
		return 0;
	}
	case VGT_MSG_SET_EVENT_FD: {
		int ret = do_set_event_fd(cl, *fd);

		if (!ret)
			*fd = -1;	/* kept */
		return ret;
	}
	case VGT_MSG_EVENTS_READ: {
		struct vgt_msg_u64 m;
		struct vgt_event ev[VGT_EVENT_READ_MAX];
		int n;

		memcpy(&m, p, sizeof(m));
		if (m.value > VGT_EVENT_READ_MAX)
			m.value = VGT_EVENT_READ_MAX;
		n = vgt_inst_events_read(cl->inst, ev, (uint32_t)m.value);
		memcpy(rep->body, ev, n * sizeof(ev[0]));
		rep->body_len = n * sizeof(ev[0]);
		rep->head.count = n;
		return 0;
	}
	case VGT_MSG_STATS: {
		struct vgt_stats st;

		vgt_inst_get_stats(cl->inst, &st);
		memcpy(rep->body, &st, sizeof(st));
		rep->body_len = sizeof(st);
		return 0;
	}
	case VGT_MSG_SHADOW_MAP:
		return do_shadow_map(cl, rep);
	case VGT_MSG_SUBMIT: {
		struct vgt_workload wl;

		memcpy(&wl, p, sizeof(wl));
		return vgt_inst_submit(cl->inst, &wl);
	}
	case VGT_MSG_SET_WEIGHT: {
		struct vgt_msg_u64 m;

		memcpy(&m, p, sizeof(m));
		if (m.value > VGT_WEIGHT_MAX)
			return -VGT_E_INVAL;
		return vgt_inst_set_weight(cl->inst, (uint32_t)m.value);
	}
	case VGT_MSG_SCHED_STATS: {
		struct vgt_sched_stats st;

		vgt_inst_get_sched_stats(cl->inst, &st);
		memcpy(rep->body, &st, sizeof(st));
		rep->body_len = sizeof(st);
		return 0;
	}
	}
	return -VGT_E_MSG;
}

/* Validate the envelope; returns 0 or the error to reply with. */
static int check_envelope(struct hostd_client *cl, const struct vgt_msg_hdr *h,
			  size_t n, int nfds, int truncated)
{
	if (truncated) {
		client_log(cl, "oversized packet or too many descriptors");
		return -VGT_E_MSG;
	}
	if (n < sizeof(*h) || h->size != n - sizeof(*h)) {
		client_log(cl, "packet of %zu bytes with a bad size field", n);
		return -VGT_E_MSG;
	}
	if ((h->flags & ~VGT_MSG_FLAG_VERSION_MASK) ||
	    (h->flags & VGT_MSG_FLAG_VERSION_MASK) != VGT_ABI_VERSION) {
		client_log(cl, "bad flags/version 0x%x", h->flags);
		return -VGT_E_VERSION;
	}
	if (!h->type || h->type > VGT_MSG_TYPE_MAX) {
		client_log(cl, "unknown message type %u", h->type);
		return -VGT_E_MSG;
	}
	if (h->type != VGT_MSG_GTT_WRITE && h->size != msg_spec[h->type].size) {
		client_log(cl, "type %u: payload %u bytes, expected %zu",
			   h->type, h->size, msg_spec[h->type].size);
		return -VGT_E_MSG;
	}
	if (nfds != msg_spec[h->type].takes_fd) {
		client_log(cl, "type %u: %d descriptors, expected %d", h->type,
			   nfds, msg_spec[h->type].takes_fd);
		return -VGT_E_BADFD;
	}
	if (msg_spec[h->type].needs_inst && !cl->inst)
		return -VGT_E_NOINST;
	return 0;
}

static int peer_hung_up(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLRDHUP };

	return poll(&p, 1, 0) != 0 &&
	       (p.revents & (POLLRDHUP | POLLHUP | POLLERR));
}

/* Handle one packet; returns 0 to keep the client, -1 to drop it. */
static int serve_one(unsigned int slot)
{
	struct hostd_client *cl = hd.clients[slot];
	union {
		uint8_t bytes[VGT_MSG_MAX_SIZE];
		struct vgt_msg_hdr hdr;
	} in;
	static struct reply rep;
	struct vgt_msg_hdr out;
	int fds[VGT_WIRE_MAX_FDS], nfds, trunc, ret, fd;
	ssize_t n;

	n = vgt_wire_recv(cl->fd, in.bytes, sizeof(in.bytes), fds, &nfds,
			  &trunc, MSG_DONTWAIT);
	if (n == -EAGAIN || n == -EWOULDBLOCK) {
		vgt_wire_close_fds(fds, nfds);
		return 0;
	}
	if (n == 0 && !peer_hung_up(cl->fd)) {
		/* An empty packet (SEQPACKET has them), not end of stream. */
		client_log(cl, "empty packet");
	} else if (n <= 0) {
		vgt_wire_close_fds(fds, nfds);
		client_drop(slot, n ? strerror((int)-n) : "disconnected");
		return -1;
	}
	memset(&rep.head, 0, sizeof(rep.head));
	rep.body_len = 0;
	rep.fd = -1;
	if ((size_t)n < sizeof(in.hdr))
		memset(in.bytes + n, 0, sizeof(in.hdr) - n);
	ret = check_envelope(cl, &in.hdr, (size_t)n, nfds, trunc);
	if (!ret) {
		fd = nfds ? fds[0] : -1;
		ret = dispatch(cl, in.hdr.type, in.bytes + sizeof(in.hdr),
			       in.hdr.size, &fd, &rep);
		if (nfds)
			fds[0] = fd;	/* -1 when the request kept it */
	}
	vgt_wire_close_fds(fds, nfds);
	if (ret) {
		cl->malformed += (ret == -VGT_E_MSG || ret == -VGT_E_BADFD ||
				  ret == -VGT_E_VERSION);
		rep.body_len = 0;
		rep.fd = -1;
	}
	rep.head.result = ret;
	out.type = in.hdr.type;
	out.flags = VGT_ABI_VERSION | VGT_MSG_FLAG_REPLY;
	out.seq = in.hdr.seq;
	out.size = (uint32_t)(sizeof(rep.head) + rep.body_len);
	/* The reply head and its body are contiguous in struct reply. */
	ret = vgt_wire_send(cl->fd, &out, &rep, out.size, rep.fd, MSG_DONTWAIT);
	if (ret) {
		/* A client that does not read its replies is dropped. */
		client_drop(slot, "reply could not be sent");
		return -1;
	}
	return 0;
}

/* ---- setup and main loop ------------------------------------------------ */

static int listen_on(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
	struct stat st;
	int fd;

	/* systemd socket activation: the socket is fd 3. */
	if (pid && fds && atoi(pid) == (int)getpid() && atoi(fds) == 1) {
		hlog("using the socket passed by systemd");
		fcntl(3, F_SETFD, FD_CLOEXEC);
		fcntl(3, F_SETFL, fcntl(3, F_GETFL) | O_NONBLOCK);
		return 3;
	}
	if (strlen(path) >= sizeof(sa.sun_path)) {
		hlog("socket path too long: %s", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	/* A stale socket from a previous run is replaced, nothing else. */
	if (!lstat(path, &st)) {
		if (!S_ISSOCK(st.st_mode)) {
			hlog("%s exists and is not a socket", path);
			return -1;
		}
		unlink(path);
	}
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(fd, 16) < 0) {
		hlog("cannot listen on %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	hd.unlink_on_exit = 1;
	return fd;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vgt-hostd [--socket PATH] [--verbose]\n"
		"  Serves the vgt helper (software Haswell) to QEMU:\n"
		"  -device vgt,helper=PATH\n"
		"  --socket PATH   UNIX socket to listen on (default %s)\n"
		"  --verbose       log instance creation and helper info\n"
		"  Runs in the foreground, logs to stderr, exits on SIGTERM.\n",
		HOSTD_DEFAULT_SOCKET);
}

static int parse_args(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	hd.socket_path = HOSTD_DEFAULT_SOCKET;
	while ((c = getopt_long(argc, argv, "s:vh", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			hd.socket_path = optarg;
			break;
		case 'v':
			hd.verbose = 1;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct pollfd pfd[HOSTD_MAX_CLIENTS + 2];
	unsigned int map[HOSTD_MAX_CLIENTS + 2];
	struct vgt_gpu gpu;
	sigset_t mask;
	int err, running = 1;
	unsigned int i, n;

	if (parse_args(argc, argv))
		return 2;
	vgt_log_level = hd.verbose ? VGT_LOG_INFO : VGT_LOG_WARN;
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	hd.signal_fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);

	hd.sw = vgt_swhsw_create();
	if (!hd.sw) {
		hlog("cannot allocate the software Haswell");
		return 1;
	}
	vgt_swhsw_get_gpu(hd.sw, &gpu);
	hd.host = vgt_host_create(&gpu, &err);
	if (!hd.host) {
		hlog("cannot start the helper: %s", vgt_strerror(err));
		return 1;
	}
	hd.listen_fd = listen_on(hd.socket_path);
	if (hd.listen_fd < 0 || hd.signal_fd < 0)
		return 1;
	hd.sched = vgt_sched_thread_start(hd.host);
	if (!hd.sched) {
		hlog("cannot start the scheduler thread");
		return 1;
	}
	hlog("listening on %s (ABI %u, software Haswell, up to %u VMs)",
	     hd.socket_path, VGT_ABI_VERSION, VGT_MAX_INSTANCES);

	while (running) {
		n = 0;
		pfd[n].fd = hd.signal_fd;
		pfd[n++].events = POLLIN;
		pfd[n].fd = hd.listen_fd;
		pfd[n++].events = POLLIN;
		for (i = 0; i < HOSTD_MAX_CLIENTS; i++) {
			if (!hd.clients[i])
				continue;
			map[n] = i;
			pfd[n].fd = hd.clients[i]->fd;
			pfd[n++].events = POLLIN;
		}
		if (poll(pfd, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			hlog("poll: %s", strerror(errno));
			break;
		}
		if (pfd[0].revents) {
			struct signalfd_siginfo si;

			if (read(hd.signal_fd, &si, sizeof(si)) == sizeof(si))
				hlog("signal %u: shutting down", si.ssi_signo);
			running = 0;
			break;
		}
		/* One packet per client per round: nobody starves the rest. */
		for (i = 2; i < n; i++) {
			if (!pfd[i].revents || !hd.clients[map[i]])
				continue;
			if (pfd[i].revents & POLLIN)
				serve_one(map[i]);
			else
				client_drop(map[i], "hang-up");
		}
		if (pfd[1].revents & POLLIN)
			accept_client();
	}

	for (i = 0; i < HOSTD_MAX_CLIENTS; i++)
		if (hd.clients[i])
			client_drop(i, "daemon shutting down");
	vgt_sched_thread_stop(hd.sched);
	vgt_host_destroy(hd.host);
	vgt_swhsw_destroy(hd.sw);
	if (hd.unlink_on_exit)
		unlink(hd.socket_path);
	close(hd.listen_fd);
	hlog("stopped");
	return 0;
}
