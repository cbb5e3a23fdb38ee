// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hostd-dispatch.c - vgt-hostd's message dispatch: one request packet in,
 * one reply out.
 *
 * Clients are untrusted: every packet is checked for size, type, version
 * and descriptors before any field is used, a malformed one gets an error
 * reply, and nothing a client sends reaches another client's instance.
 * The core validates the arguments themselves.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include "core/vgt-core.h"
#include "hw/vgt-host-ops.h"
#include "hostd.h"

#define HOSTD_MSG_LOG_BUDGET	16

/* Bytes as the log shows them: "64 GiB", "1536 MiB", "12 KiB". */
static const char *size_str(char *buf, size_t len, uint64_t bytes)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	unsigned int u = 0;

	while (u + 1 < VGT_ARRAY_SIZE(unit) && bytes &&
	       !(bytes & 1023)) {
		bytes >>= 10;
		u++;
	}
	snprintf(buf, len, "%llu %s", (unsigned long long)bytes, unit[u]);
	return buf;
}

/*
 * A quota refusal: logged the first time for each kind and client, past
 * the rate limit of hostd_client_log (an operator must see it), then only
 * answered.
 */
static void quota_log(struct hostd_client *cl, unsigned int kind,
		      const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void quota_log(struct hostd_client *cl, unsigned int kind,
		      const char *fmt, ...)
{
	va_list ap;

	if (cl->quota_logged & kind)
		return;
	cl->quota_logged |= kind;
	va_start(ap, fmt);
	flockfile(stderr);	/* one line, whatever other clients log */
	fprintf(stderr, "vgt-hostd: client %u (pid %d): ", cl->id,
		(int)cl->pid);
	vfprintf(stderr, fmt, ap);
	fputs(" (reported once)\n", stderr);
	funlockfile(stderr);
	va_end(ap);
}

void hostd_quota_pool(struct hostd_quota *q, uint64_t space_bytes,
		      unsigned int entries, unsigned int max_instances,
		      unsigned int mappings_per_inst, uint64_t mapping_size)
{
	/* A mapping takes its bytes and a guard page; count two. */
	uint64_t one = mapping_size + 2 * VGT_PAGE_SIZE;
	unsigned int own = max_instances * mappings_per_inst + 1; /* scratch */
	uint64_t keep;

	/*
	 * Kept back: every instance's own mappings, and enough free space
	 * that one hole fits a mapping however guest memory fragmented it
	 * (first fit leaves at most entries + 1 holes).
	 */
	keep = (uint64_t)(own + entries + 1) * one;
	q->pool_bytes = space_bytes > keep ? space_bytes - keep : 0;
	q->pool_entries = entries > own ? entries - own : 0;
	q->pool_used = 0;
	q->pool_entries_used = 0;
	pthread_mutex_init(&q->lock, NULL);
}

void hostd_client_log(struct hostd_client *cl, const char *fmt, ...)
{
	va_list ap;

	if (!cl->log_budget)
		return;
	cl->log_budget--;
	va_start(ap, fmt);
	flockfile(stderr);
	fprintf(stderr, "vgt-hostd: client %u (pid %d): ", cl->id,
		(int)cl->pid);
	vfprintf(stderr, fmt, ap);
	if (!cl->log_budget)
		fputs(" (further messages suppressed)", stderr);
	fputc('\n', stderr);
	funlockfile(stderr);
	va_end(ap);
}

static void client_notify(void *opaque)
{
	struct hostd_client *cl = opaque;
	uint64_t one = 1;

	if (cl->efd >= 0 && write(cl->efd, &one, sizeof(one)) < 0)
		return;	/* counter saturated: still readable */
}

/* Give back what a region reserved of the pool all clients share. */
static void pool_put(struct hostd_quota *q, uint64_t size)
{
	pthread_mutex_lock(&q->lock);
	q->pool_used -= size + VGT_PAGE_SIZE;
	q->pool_entries_used--;
	pthread_mutex_unlock(&q->lock);
}

/* Unmap a region and return what it took from the quotas. */
static void client_mem_put(struct hostd_client *cl, struct hostd_mem *m)
{
	munmap(m->map, m->len);
	cl->mem_bytes -= m->len;
	pool_put(cl->quota, m->len);
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
	if (cl->ring)
		munmap(cl->ring, VGT_EVENT_RING_SIZE);
	cl->ring = NULL;
	if (cl->ring_fd >= 0)
		close(cl->ring_fd);
	cl->ring_fd = -1;
	for (i = 0; i < cl->nr_mem; i++)
		client_mem_put(cl, &cl->mem[i]);
	cl->nr_mem = 0;
}

void hostd_client_init(struct hostd_client *cl, struct vgt_host *host,
		       struct hostd_quota *quota, unsigned int id, pid_t pid)
{
	memset(cl, 0, sizeof(*cl));
	cl->host = host;
	cl->quota = quota;
	cl->id = id;
	cl->pid = pid;
	cl->efd = -1;
	cl->shadow_fd = -1;
	cl->ring_fd = -1;
	cl->log_budget = HOSTD_MSG_LOG_BUDGET;
}

void hostd_client_release(struct hostd_client *cl)
{
	client_release_instance(cl);
	if (cl->efd >= 0)
		close(cl->efd);
	cl->efd = -1;
}

/*
 * A memfd of @size bytes the client maps shared, sealed so that it cannot
 * be shrunk under us, and our mapping of it; -VGT_E_NOMEM.
 */
static int shared_memfd(const char *name, size_t size, void **map)
{
	int fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);

	if (fd < 0)
		return -VGT_E_NOMEM;
	if (ftruncate(fd, size) ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)) {
		close(fd);
		return -VGT_E_NOMEM;
	}
	*map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (*map == MAP_FAILED) {
		close(fd);
		return -VGT_E_NOMEM;
	}
	return fd;
}

/* The event ring (ABI 6): the same memfd when asked again. */
static int do_events_map(struct hostd_client *cl, struct hostd_reply *rep)
{
	void *map;
	int fd, ret;

	if (cl->ring_fd < 0) {
		fd = shared_memfd("vgt-events", VGT_EVENT_RING_SIZE, &map);
		if (fd < 0)
			return fd;
		ret = vgt_inst_event_ring_attach(cl->inst, map);
		if (ret) {
			munmap(map, VGT_EVENT_RING_SIZE);
			close(fd);
			return ret;
		}
		cl->ring_fd = fd;
		cl->ring = map;
	}
	rep->fd = cl->ring_fd;
	return 0;
}

static int do_shadow_map(struct hostd_client *cl, struct hostd_reply *rep)
{
	struct vgt_shadow_info info = { 0 };
	uint64_t gm;
	void *map;
	int fd, ret;

	if (cl->shadow_fd < 0) {
		fd = shared_memfd("vgt-shadow", VGT_SHADOW_SIZE, &map);
		if (fd < 0)
			return fd;
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

/*
 * This client's quotas first (its own doing: VGT_E_QUOTA), then the share
 * of the device address space all clients' memory has (VGT_E_NOMEM: the
 * host is full, as when dma_map itself fails).
 */
static int check_mem_quota(struct hostd_client *cl, uint64_t size)
{
	struct hostd_quota *q = cl->quota;
	char a[32], b[32], c[32];

	if (cl->nr_mem >= q->mem_regions) {
		quota_log(cl, HOSTD_LOGGED_MEM_REGIONS,
			  "guest memory region refused: %u regions registered, the quota is %u (--max-regions-per-vm)",
			  cl->nr_mem, q->mem_regions);
		return -VGT_E_QUOTA;
	}
	if (size > q->mem_bytes - cl->mem_bytes) {
		quota_log(cl, HOSTD_LOGGED_MEM_BYTES,
			  "guest memory region of %s refused: %s registered, the quota is %s (--max-mem-per-vm)",
			  size_str(a, sizeof(a), size),
			  size_str(b, sizeof(b), cl->mem_bytes),
			  size_str(c, sizeof(c), q->mem_bytes));
		return -VGT_E_QUOTA;
	}
	/* Reserved now: another client's registration runs meanwhile. */
	pthread_mutex_lock(&q->lock);
	if (q->pool_entries_used >= q->pool_entries ||
	    size + VGT_PAGE_SIZE > q->pool_bytes - q->pool_used) {
		uint64_t used = q->pool_used;
		unsigned int entries = q->pool_entries_used;

		pthread_mutex_unlock(&q->lock);
		quota_log(cl, HOSTD_LOGGED_POOL,
			  "guest memory region of %s refused: the device address space for guest memory is taken (%llu of %llu MiB, %u of %u regions, all clients)",
			  size_str(a, sizeof(a), size),
			  (unsigned long long)(used >> 20),
			  (unsigned long long)(q->pool_bytes >> 20),
			  entries, q->pool_entries);
		return -VGT_E_NOMEM;
	}
	q->pool_used += size + VGT_PAGE_SIZE;
	q->pool_entries_used++;
	pthread_mutex_unlock(&q->lock);
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
	/* The size is bounded by the quota (check_mem_quota). */
	if (r->flags || !r->size ||
	    ((r->size | r->fd_offset | r->gpa) & (VGT_PAGE_SIZE - 1)) ||
	    r->fd_offset > (uint64_t)LLONG_MAX)
		return -VGT_E_INVAL;
	if (cl->nr_mem == VGT_MAX_MEM_REGIONS)
		return -VGT_E_MEM_FULL;
	ret = check_mem_quota(cl, r->size);	/* reserves on success */
	if (ret)
		return ret;
	ret = check_fd_is_sealed_memfd(fd, r->fd_offset, r->size);
	if (ret)
		goto fail;
	map = mmap(NULL, r->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   (off_t)r->fd_offset);
	if (map == MAP_FAILED) {
		ret = -VGT_E_BADFD;
		goto fail;
	}
	ret = vgt_inst_mem_register(cl->inst, r->gpa, r->size, map);
	if (ret) {
		munmap(map, r->size);
		goto fail;
	}
	m = &cl->mem[cl->nr_mem++];
	m->gpa = r->gpa;
	m->map = map;
	m->len = r->size;
	cl->mem_bytes += r->size;
	return 0;
fail:
	pool_put(cl->quota, r->size);
	return ret;
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
		client_mem_put(cl, &cl->mem[i]);
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

_Static_assert(offsetof(struct hostd_reply, head) ==
	       sizeof(struct vgt_msg_hdr) &&
	       offsetof(struct hostd_reply, body) ==
	       sizeof(struct vgt_msg_hdr) + sizeof(struct vgt_msg_reply),
	       "reply header, head and body must be contiguous");

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
	[VGT_MSG_ENGINE_REGS_GET] = { sizeof(struct vgt_msg_u64), 0, 1 },
	[VGT_MSG_ENGINE_REGS_SET] = { sizeof(struct vgt_engine_regs), 0, 1 },
	[VGT_MSG_DIRTY_LOG] = { sizeof(struct vgt_msg_u64), 0, 1 },
	[VGT_MSG_DIRTY_READ] = { sizeof(struct vgt_msg_dirty_read), 0, 1 },
	[VGT_MSG_PPGTT_SYNC] = { sizeof(struct vgt_msg_u64), 0, 1 },
	[VGT_MSG_NOTIFY_POLICY] = { sizeof(struct vgt_notify_policy), 0, 1 },
	[VGT_MSG_EVENTS_MAP] = { 0, 0, 1 },
};

/* Validate the envelope; returns 0 or the error to reply with. */
static int check_envelope(struct hostd_client *cl, const struct vgt_msg_hdr *h,
			  size_t n, int nfds, int truncated)
{
	if (truncated) {
		hostd_client_log(cl,
				 "oversized packet or too many descriptors");
		return -VGT_E_MSG;
	}
	if (n < sizeof(*h) || h->size != n - sizeof(*h)) {
		hostd_client_log(cl,
				 "packet of %zu bytes with a bad size field",
				 n);
		return -VGT_E_MSG;
	}
	if ((h->flags & ~(VGT_MSG_FLAG_VERSION_MASK | VGT_MSG_FLAG_POSTED)) ||
	    (h->flags & VGT_MSG_FLAG_VERSION_MASK) != VGT_ABI_VERSION) {
		hostd_client_log(cl, "bad flags/version 0x%x", h->flags);
		return -VGT_E_VERSION;
	}
	if (!h->type || h->type > VGT_MSG_TYPE_MAX) {
		hostd_client_log(cl, "unknown message type %u", h->type);
		return -VGT_E_MSG;
	}
	if ((h->flags & VGT_MSG_FLAG_POSTED) && h->type != VGT_MSG_SUBMIT) {
		hostd_client_log(cl, "type %u cannot be posted", h->type);
		return -VGT_E_MSG;
	}
	if (h->type != VGT_MSG_GTT_WRITE && h->size != msg_spec[h->type].size) {
		hostd_client_log(cl, "type %u: payload %u bytes, expected %zu",
				 h->type, h->size, msg_spec[h->type].size);
		return -VGT_E_MSG;
	}
	if (nfds != msg_spec[h->type].takes_fd) {
		hostd_client_log(cl, "type %u: %d descriptors, expected %d",
				 h->type, nfds, msg_spec[h->type].takes_fd);
		return -VGT_E_BADFD;
	}
	if (msg_spec[h->type].needs_inst && !cl->inst)
		return -VGT_E_NOINST;
	return 0;
}

static int do_engine_regs_get(struct hostd_client *cl, const void *p,
			      struct hostd_reply *rep)
{
	struct vgt_engine_regs st;
	struct vgt_msg_u64 m;
	int ret;

	memcpy(&m, p, sizeof(m));
	if (m.value > UINT32_MAX)
		return -VGT_E_ENGINE;
	ret = vgt_inst_engine_regs_get(cl->inst, (uint32_t)m.value, &st);
	if (ret)
		return ret;
	memcpy(rep->body, &st, sizeof(st));
	rep->body_len = sizeof(st);
	return 0;
}

static int do_dirty_read(struct hostd_client *cl, const void *p,
			 struct hostd_reply *rep)
{
	uint64_t bitmap[VGT_DIRTY_READ_MAX_PAGES / 64];
	struct vgt_msg_dirty_read m;
	int ret;

	_Static_assert(sizeof(bitmap) <= sizeof(rep->body),
		       "a whole bitmap fits the reply");
	memcpy(&m, p, sizeof(m));
	/* The core refuses (and counts) npages out of range before writing. */
	ret = vgt_inst_dirty_read(cl->inst, m.gpa, m.npages, bitmap);
	if (ret)
		return ret;
	rep->body_len = (m.npages + 63) / 64 * sizeof(bitmap[0]);
	memcpy(rep->body, bitmap, rep->body_len);
	rep->head.count = (uint32_t)m.npages;
	return 0;
}

/*
 * A posted SUBMIT: a refusal is queued and reported in order as an event
 * (vgt_inst_submit_posted); what cannot be queued at all is logged and
 * ends the connection (the caller), as nothing else could tell the client.
 */
static int do_submit_posted(struct hostd_client *cl, const void *p)
{
	struct vgt_workload wl;
	int ret;

	memcpy(&wl, p, sizeof(wl));
	ret = vgt_inst_submit_posted(cl->inst, &wl);
	if (ret)
		hostd_client_log(cl,
				 "posted workload 0x%llx on engine %u cannot be queued: %s",
				 (unsigned long long)wl.id, wl.engine,
				 vgt_strerror(ret));
	return ret;
}

static int dispatch_request(struct hostd_client *cl, uint32_t type,
			    const void *p, size_t len, int *fd,
			    struct hostd_reply *rep)
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
		ret = vgt_inst_create(cl->host, &req, &cl->inst);
		if (ret) {
			hostd_client_log(cl, "create refused: %s",
					 vgt_strerror(ret));
			return ret;
		}
		vgt_inst_set_notify(cl->inst, client_notify, cl);
		vgt_inst_get_info(cl->inst, &info);
		memcpy(rep->body, &info, sizeof(info));
		rep->body_len = sizeof(info);
		hostd_client_log(cl, "instance vgt%u created", info.vgt_id);
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
		if (n < 0)
			return n;	/* they go to its event ring */
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
	case VGT_MSG_EVENTS_MAP:
		return do_events_map(cl, rep);
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
	case VGT_MSG_ENGINE_REGS_GET:
		return do_engine_regs_get(cl, p, rep);
	case VGT_MSG_ENGINE_REGS_SET: {
		struct vgt_engine_regs st;

		memcpy(&st, p, sizeof(st));
		return vgt_inst_engine_regs_set(cl->inst, &st);
	}
	case VGT_MSG_DIRTY_LOG: {
		struct vgt_msg_u64 m;

		memcpy(&m, p, sizeof(m));
		if (m.value > 1)
			return -VGT_E_INVAL;
		return vgt_inst_dirty_log(cl->inst, m.value);
	}
	case VGT_MSG_DIRTY_READ:
		return do_dirty_read(cl, p, rep);
	case VGT_MSG_PPGTT_SYNC: {
		struct vgt_msg_u64 m;
		int ret;

		memcpy(&m, p, sizeof(m));
		ret = vgt_inst_ppgtt_sync(cl->inst, m.value);
		if (ret < 0)
			return ret;
		rep->head.count = (uint32_t)ret;
		return 0;
	}
	case VGT_MSG_NOTIFY_POLICY: {
		struct vgt_notify_policy np;

		memcpy(&np, p, sizeof(np));
		return vgt_inst_notify_policy(cl->inst, &np);
	}
	}
	return -VGT_E_MSG;
}

void hostd_dispatch(struct hostd_client *cl, const void *pkt, size_t n,
		    int *fds, int nfds, int truncated,
		    struct hostd_reply *rep)
{
	struct vgt_msg_hdr h = { 0 };
	int ret, fd;

	memcpy(&h, pkt, n < sizeof(h) ? n : sizeof(h));
	memset(&rep->head, 0, sizeof(rep->head));
	rep->body_len = 0;
	rep->fd = -1;
	rep->none = false;
	rep->drop = NULL;
	ret = check_envelope(cl, &h, n, nfds, truncated);
	if (n >= sizeof(h) && h.type == VGT_MSG_SUBMIT &&
	    h.flags == (VGT_ABI_VERSION | VGT_MSG_FLAG_POSTED)) {
		/*
		 * Its client waits for no reply: a reply would be taken for
		 * the next request's.  What cannot be queued ends the
		 * connection instead.
		 */
		rep->none = true;
		if (ret)
			rep->drop = "a malformed posted submit";
		else if (do_submit_posted(cl, (const uint8_t *)pkt + sizeof(h)))
			rep->drop = "a posted submit that cannot be queued";
		return;
	}
	if (!ret) {
		fd = nfds ? fds[0] : -1;
		ret = dispatch_request(cl, h.type,
				       (const uint8_t *)pkt + sizeof(h),
				       h.size, &fd, rep);
		if (nfds)
			fds[0] = fd;	/* -1 when the request kept it */
	}
	if (ret) {
		rep->body_len = 0;
		rep->fd = -1;
	}
	rep->head.result = ret;
	rep->hdr.type = h.type;
	rep->hdr.flags = VGT_ABI_VERSION | VGT_MSG_FLAG_REPLY;
	rep->hdr.seq = h.seq;
	rep->hdr.size = (uint32_t)(sizeof(rep->head) + rep->body_len);
}
