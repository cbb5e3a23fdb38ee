// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hostd-server.c - vgt-hostd: the vgt helper as a daemon, one software
 * Haswell shared by many QEMU processes over a UNIX socket (the shape of
 * vhost-user).  This file is its server loop; requests are decoded and
 * carried out by hostd-dispatch.c.
 *
 * The main thread accepts connections and handles signals; each client
 * is served by a thread of its own, so a request that waits in the core
 * (a registration waiting for the GPU, a reset waiting for that VM's
 * running workload) or a slow client never stalls another client; one
 * scheduler thread runs the engines on the workloads they submit.  A
 * client's state is touched only by its thread; the connection table and
 * the shared quota pool have locks (hd.lock, hostd_quota.lock).  A
 * client has one request in flight at a time: its thread reads the next
 * packet only after it has sent the reply (the socket buffer holds what
 * a client sends ahead).  Each connection is one VM: its
 * instance, its memory mappings (memfds passed with SCM_RIGHTS), its
 * shadow area (a memfd it gets back) and its eventfd.  A client that goes
 * away mid-request only takes its own instance with it.  Foreground, logs
 * to stderr, SIGTERM/SIGINT shut down cleanly: systemd-friendly
 * (Type=simple, or socket activation).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include "core/vgt-core.h"
#include "hw/vgt-host-ops.h"
#include "swhsw/swhsw.h"
#include "user/vgt-sched-thread.h"
#include "hostd.h"

#define HOSTD_DEFAULT_SOCKET	"/run/vgt-hostd.sock"
#define HOSTD_MAX_CLIENTS	(2 * VGT_MAX_INSTANCES)

/* Quota defaults (docs/helper.md, "vgt-hostd's quotas"). */
#define HOSTD_DEFAULT_MEM_PER_VM	(64ull << 30)
#define HOSTD_DEFAULT_REGIONS_PER_VM	32u
/*
 * Three quarters of the slots: a host whose VMs all run under one uid
 * (libvirt's) still runs the helper's VGT_MAX_INSTANCES VMs and then
 * hears "instance limit", and other uids keep 32 slots.
 */
#define HOSTD_DEFAULT_CONNS_PER_UID	(HOSTD_MAX_CLIENTS * 3 / 4)
/* Largest --max-mem-per-vm: the whole device address space of a PTE. */
#define HOSTD_MAX_MEM_PER_VM		HSW_PTE_DMA_LIMIT

/*
 * A refused connection waits (at most HOSTD_REFUSAL_MS) for its first
 * request, which is answered with the reason, then it is closed: the
 * client sees VGT_E_QUOTA from connect, not a hang-up.  Bounded: beyond
 * HOSTD_MAX_REFUSALS at once, refused connections are just closed.
 */
#define HOSTD_MAX_REFUSALS	8
#define HOSTD_REFUSAL_MS	1000

/* Stack of a client thread: the dispatch's buffers are small. */
#define HOSTD_CONN_STACK	(1u << 20)

/* A connected client: its socket, its state in the dispatch, its thread. */
struct hostd_conn {
	int sock;
	uid_t uid;
	unsigned int slot;		/* in hd.conns */
	struct hostd_client client;
	uint8_t in[VGT_MSG_MAX_SIZE];	/* the request being served */
	struct hostd_reply rep;
};

struct hostd_refusal {
	int sock;		/* -1: free */
	int err;		/* -VGT_E_* to answer with */
	long long deadline;	/* ms, CLOCK_MONOTONIC */
};

static struct {
	struct vgt_swhsw *sw;
	struct vgt_host *host;
	struct vgt_sched_thread *sched;
	int listen_fd;
	int signal_fd;
	int stop_fd;		/* eventfd, readable once shutting down */
	pthread_mutex_t lock;	/* conns, nr_threads */
	pthread_cond_t gone;	/* a client thread ended */
	unsigned int nr_threads;
	const char *socket_path;
	int unlink_on_exit;
	struct hostd_conn *conns[HOSTD_MAX_CLIENTS];
	unsigned int next_id;
	int verbose;
	struct hostd_quota quota;
	unsigned int conns_per_uid;
	struct hostd_refusal refusals[HOSTD_MAX_REFUSALS];
	long long refusal_logged;	/* ms of the last refusal line */
	unsigned int refusals_unlogged;
} hd = {
	.listen_fd = -1, .signal_fd = -1, .stop_fd = -1,
	.lock = PTHREAD_MUTEX_INITIALIZER, .gone = PTHREAD_COND_INITIALIZER,
};

static void hlog(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void hlog(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	flockfile(stderr);	/* one line, whatever client threads log */
	fputs("vgt-hostd: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	funlockfile(stderr);
	va_end(ap);
}

/* ---- connections ------------------------------------------------------- */

/* In the client's thread, its last act: the slot is free afterwards. */
static void conn_drop(struct hostd_conn *conn, const char *why)
{
	struct hostd_client *cl = &conn->client;

	hlog("client %u (pid %d) gone: %s%s", cl->id, (int)cl->pid, why,
	     cl->inst ? "; instance destroyed" : "");
	hostd_client_release(cl);
	close(conn->sock);
	pthread_mutex_lock(&hd.lock);
	hd.conns[conn->slot] = NULL;
	hd.nr_threads--;
	pthread_cond_broadcast(&hd.gone);
	pthread_mutex_unlock(&hd.lock);
	free(conn);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Refuse a connection with err (answered to its first request).  One log
 * line per refused connection, but at most one a second (a flood of
 * connections must not flood the log): the next line counts the rest.
 */
static void conn_refuse(int fd, int err, const struct ucred *cred,
			const char *why, unsigned int n)
{
	long long now = now_ms();
	unsigned int i;

	if (!hd.refusal_logged || now - hd.refusal_logged >= 1000) {
		hlog("refusing connection of pid %d (uid %u): %s (%u): %s [+%u in 1 s]",
		     (int)cred->pid, (unsigned int)cred->uid, why, n,
		     vgt_strerror(err), hd.refusals_unlogged);
		hd.refusal_logged = now;
		hd.refusals_unlogged = 0;
	} else {
		hd.refusals_unlogged++;
	}
	for (i = 0; i < HOSTD_MAX_REFUSALS; i++) {
		if (hd.refusals[i].sock >= 0)
			continue;
		hd.refusals[i].sock = fd;
		hd.refusals[i].err = err;
		hd.refusals[i].deadline = now + HOSTD_REFUSAL_MS;
		return;
	}
	close(fd);
}

/* Answer a refused connection's first request with the reason, close it. */
static void refusal_answer(struct hostd_refusal *r)
{
	uint8_t in[VGT_MSG_MAX_SIZE];
	struct vgt_msg_hdr req = { 0 }, hdr;
	struct vgt_msg_reply head = { .result = r->err };
	int fds[VGT_WIRE_MAX_FDS], nfds, trunc;
	ssize_t n;

	n = vgt_wire_recv(r->sock, in, sizeof(in), fds, &nfds, &trunc,
			  MSG_DONTWAIT);
	vgt_wire_close_fds(fds, nfds);
	if (n == -EAGAIN)
		return;
	if (n > 0) {
		memcpy(&req, in, (size_t)n < sizeof(req) ? (size_t)n :
		       sizeof(req));
		hdr.type = req.type;
		hdr.flags = VGT_ABI_VERSION | VGT_MSG_FLAG_REPLY;
		hdr.size = sizeof(head);
		hdr.seq = req.seq;
		vgt_wire_send(r->sock, &hdr, &head, sizeof(head), -1,
			      MSG_DONTWAIT);
	}
	close(r->sock);
	r->sock = -1;
}

/* hd.lock held. */
static unsigned int conns_of_uid(uid_t uid)
{
	unsigned int i, n = 0;

	for (i = 0; i < HOSTD_MAX_CLIENTS; i++)
		if (hd.conns[i] && hd.conns[i]->uid == uid)
			n++;
	return n;
}

static void *conn_thread(void *opaque);

static void conn_accept(void)
{
	struct hostd_conn *conn;
	struct ucred cred = { .pid = 0, .uid = (uid_t)-1 };
	socklen_t len = sizeof(cred);
	pthread_attr_t attr;
	pthread_t thread;
	unsigned int slot, uid_conns;
	int fd, ret;

	fd = accept4(hd.listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len)) {
		cred.pid = 0;
		cred.uid = (uid_t)-1;
	}
	pthread_mutex_lock(&hd.lock);
	uid_conns = conns_of_uid(cred.uid);
	for (slot = 0; slot < HOSTD_MAX_CLIENTS; slot++)
		if (!hd.conns[slot])
			break;
	pthread_mutex_unlock(&hd.lock);
	if (uid_conns >= hd.conns_per_uid) {
		conn_refuse(fd, -VGT_E_QUOTA, &cred,
			    "this uid's connections are at the quota (--max-conns-per-uid)",
			    hd.conns_per_uid);
		return;
	}
	conn = slot < HOSTD_MAX_CLIENTS ? calloc(1, sizeof(*conn)) : NULL;
	if (!conn) {
		conn_refuse(fd, -VGT_E_NOSPC_HOST, &cred,
			    "every connection slot of the daemon is taken",
			    HOSTD_MAX_CLIENTS);
		return;
	}
	conn->sock = fd;
	conn->uid = cred.uid;
	conn->slot = slot;
	hostd_client_init(&conn->client, hd.host, &hd.quota, ++hd.next_id,
			  cred.pid);
	/* Only this thread fills slots: the one found is still free. */
	pthread_mutex_lock(&hd.lock);
	hd.conns[slot] = conn;
	hd.nr_threads++;
	pthread_mutex_unlock(&hd.lock);
	hlog("client %u (pid %d, uid %u) connected", conn->client.id,
	     (int)cred.pid, (unsigned int)cred.uid);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, HOSTD_CONN_STACK);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	ret = pthread_create(&thread, &attr, conn_thread, conn);
	pthread_attr_destroy(&attr);
	if (ret) {
		hlog("cannot start a thread for client %u: %s",
		     conn->client.id, strerror(ret));
		conn_drop(conn, "no thread to serve it");
	}
}

static int peer_hung_up(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLRDHUP };

	return poll(&p, 1, 0) != 0 &&
	       (p.revents & (POLLRDHUP | POLLHUP | POLLERR));
}

/* Serve one packet; NULL to keep the connection, else why it ends. */
static const char *conn_serve_one(struct hostd_conn *conn)
{
	struct hostd_reply *rep = &conn->rep;
	int fds[VGT_WIRE_MAX_FDS], nfds, trunc, ret;
	ssize_t n;

	n = vgt_wire_recv(conn->sock, conn->in, sizeof(conn->in), fds, &nfds,
			  &trunc, MSG_DONTWAIT);
	if (n == -EAGAIN || n == -EWOULDBLOCK) {
		vgt_wire_close_fds(fds, nfds);
		return NULL;
	}
	/* An empty packet (SEQPACKET has them) is not end of stream. */
	if (n < 0 || (n == 0 && peer_hung_up(conn->sock))) {
		vgt_wire_close_fds(fds, nfds);
		return n ? strerror((int)-n) : "disconnected";
	}
	hostd_dispatch(&conn->client, conn->in, (size_t)n, fds, nfds, trunc,
		       rep);
	vgt_wire_close_fds(fds, nfds);
	if (rep->drop)
		return rep->drop;
	if (rep->none)
		return NULL;
	/* Header, result and body are contiguous in struct hostd_reply. */
	ret = vgt_wire_send(conn->sock, &rep->hdr, &rep->head, rep->hdr.size,
			    rep->fd, MSG_DONTWAIT);
	/* A client that does not read its replies is dropped. */
	return ret ? "reply could not be sent" : NULL;
}

/* A client's thread: its requests one at a time, until it goes. */
static void *conn_thread(void *opaque)
{
	struct hostd_conn *conn = opaque;
	const char *why = NULL;

	while (!why) {
		struct pollfd p[2] = {
			{ .fd = conn->sock, .events = POLLIN },
			{ .fd = hd.stop_fd, .events = POLLIN },
		};

		if (poll(p, 2, -1) < 0) {
			if (errno != EINTR)
				why = "poll failed";
			continue;
		}
		if (p[1].revents)
			why = "daemon shutting down";
		else if (p[0].revents & POLLIN)
			why = conn_serve_one(conn);
		else if (p[0].revents)
			why = "hang-up";
	}
	conn_drop(conn, why);
	return NULL;
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
	/* A stale socket from a previous run is replaced, nothing else. */
	if (!lstat(path, &st) && !S_ISSOCK(st.st_mode)) {
		hlog("%s exists and is not a socket", path);
		return -1;
	}
	/*
	 * Bind and listen under a temporary name, then rename: the path
	 * appears only once it accepts, so a client that sees it never gets
	 * ECONNREFUSED (a bind then listen leaves a window between them).
	 */
	if (snprintf(sa.sun_path, sizeof(sa.sun_path), "%s.%d.new", path,
		     (int)getpid()) >= (int)sizeof(sa.sun_path))
		strcpy(sa.sun_path, path);	/* no room: plain bind */
	unlink(sa.sun_path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(fd, 16) < 0 ||
	    (strcmp(sa.sun_path, path) && rename(sa.sun_path, path) < 0)) {
		hlog("cannot listen on %s: %s", path, strerror(errno));
		if (fd >= 0) {
			unlink(sa.sun_path);
			close(fd);
		}
		return -1;
	}
	hd.unlink_on_exit = 1;
	return fd;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vgt-hostd [--socket PATH] [--verbose] [QUOTAS]\n"
		"  Serves the vgt helper (software Haswell) to QEMU:\n"
		"  -device vgt,helper=PATH\n"
		"  --socket PATH   UNIX socket to listen on (default %s)\n"
		"  --verbose       log instance creation and helper info\n"
		"  Quotas (each connection is one VM with one instance):\n"
		"  --max-conns-per-uid N    connections of one uid (SO_PEERCRED)\n"
		"                           at once, 1..%u (default %u)\n"
		"  --max-mem-per-vm SIZE    guest memory one VM may register,\n"
		"                           SIZE[K|M|G|T], at least 1M (default %lluG)\n"
		"  --max-regions-per-vm N   guest memory regions of one VM,\n"
		"                           1..%u (default %u)\n"
		"  Runs in the foreground, logs to stderr, exits on SIGTERM.\n",
		HOSTD_DEFAULT_SOCKET, HOSTD_MAX_CLIENTS,
		HOSTD_DEFAULT_CONNS_PER_UID,
		(unsigned long long)(HOSTD_DEFAULT_MEM_PER_VM >> 30),
		VGT_MAX_MEM_REGIONS, HOSTD_DEFAULT_REGIONS_PER_VM);
}

/* A number in [min, max], with a K/M/G/T suffix (powers of 1024) if size. */
static int parse_num(const char *opt, const char *arg, int size,
		     unsigned long long min, unsigned long long max,
		     unsigned long long *out)
{
	unsigned long long v, mul = 1;
	char *end;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (size && *end) {
		switch (*end) {
		case 'K': case 'k':
			mul = 1ull << 10;
			break;
		case 'M': case 'm':
			mul = 1ull << 20;
			break;
		case 'G': case 'g':
			mul = 1ull << 30;
			break;
		case 'T': case 't':
			mul = 1ull << 40;
			break;
		default:
			mul = 0;
			break;
		}
		if (mul)
			end++;
	}
	if (errno || end == arg || *end || !mul || arg[0] == '-' ||
	    v > max / mul || v * mul < min || v * mul > max) {
		hlog("%s %s: expected %s from %llu to %llu", opt, arg,
		     size ? "a size in bytes (or K, M, G, T)" : "a number",
		     min, max);
		return -1;
	}
	*out = v * mul;
	return 0;
}

static int parse_args(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "max-conns-per-uid", required_argument, NULL, 'U' },
		{ "max-mem-per-vm", required_argument, NULL, 'M' },
		{ "max-regions-per-vm", required_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long v;
	int c;

	hd.socket_path = HOSTD_DEFAULT_SOCKET;
	hd.conns_per_uid = HOSTD_DEFAULT_CONNS_PER_UID;
	hd.quota.mem_bytes = HOSTD_DEFAULT_MEM_PER_VM;
	hd.quota.mem_regions = HOSTD_DEFAULT_REGIONS_PER_VM;
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
		case 'U':
			if (parse_num("--max-conns-per-uid", optarg, 0, 1,
				      HOSTD_MAX_CLIENTS, &v))
				return -1;
			hd.conns_per_uid = (unsigned int)v;
			break;
		case 'M':
			if (parse_num("--max-mem-per-vm", optarg, 1, 1ull << 20,
				      HOSTD_MAX_MEM_PER_VM, &v))
				return -1;
			/* Whole pages: a region is made of them. */
			hd.quota.mem_bytes = v & ~(uint64_t)(VGT_PAGE_SIZE - 1);
			break;
		case 'R':
			if (parse_num("--max-regions-per-vm", optarg, 0, 1,
				      VGT_MAX_MEM_REGIONS, &v))
				return -1;
			hd.quota.mem_regions = (unsigned int)v;
			break;
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

/* The quotas, and how many VMs the shared device address space holds. */
static void log_quotas(void)
{
	const struct hostd_quota *q = &hd.quota;
	uint64_t full = q->pool_bytes /
			(q->mem_bytes + q->mem_regions * VGT_PAGE_SIZE);

	hlog("quotas: 1 instance a connection, %u connections a uid",
	     hd.conns_per_uid);
	hlog("quotas: %llu MiB and %u regions of guest memory a VM",
	     (unsigned long long)(q->mem_bytes >> 20), q->mem_regions);
	hlog("guest memory of all VMs: %llu MiB, %u regions (%llu VMs at full quota%s)",
	     (unsigned long long)(q->pool_bytes >> 20), q->pool_entries,
	     (unsigned long long)full,
	     full < VGT_MAX_INSTANCES ? ": overcommitted" : "");
}

int main(int argc, char **argv)
{
	struct pollfd pfd[HOSTD_MAX_REFUSALS + 2];
	unsigned int map[HOSTD_MAX_REFUSALS + 2];
	struct vgt_gpu gpu;
	sigset_t mask;
	int err, running = 1, timeout;
	unsigned int i, n, nconn;
	long long now;
	uint64_t own = VGT_HOST_MEM_SIZE;

	for (i = 0; i < HOSTD_MAX_REFUSALS; i++)
		hd.refusals[i].sock = -1;
	if (parse_args(argc, argv))
		return 2;
	/*
	 * The guest memory of all clients shares the software Haswell's
	 * device address space and dma_map table with each instance's own
	 * mappings (helper pages, shadow area) and the scratch page.
	 */
	if (own < VGT_SHADOW_SIZE)
		own = VGT_SHADOW_SIZE;
	hostd_quota_pool(&hd.quota, HSW_PTE_DMA_LIMIT - SWHSW_DMA_BASE,
			 SWHSW_MAX_DMA, VGT_MAX_INSTANCES, 2, own);
	vgt_log_level = hd.verbose ? VGT_LOG_INFO : VGT_LOG_WARN;
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	hd.signal_fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	hd.stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

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
	if (hd.listen_fd < 0 || hd.signal_fd < 0 || hd.stop_fd < 0)
		return 1;
	hd.sched = vgt_sched_thread_start(hd.host);
	if (!hd.sched) {
		hlog("cannot start the scheduler thread");
		return 1;
	}
	hlog("listening on %s (ABI %u, software Haswell, up to %u VMs)",
	     hd.socket_path, VGT_ABI_VERSION, VGT_MAX_INSTANCES);
	log_quotas();

	while (running) {
		n = 0;
		pfd[n].fd = hd.signal_fd;
		pfd[n++].events = POLLIN;
		pfd[n].fd = hd.listen_fd;
		pfd[n++].events = POLLIN;
		nconn = n;
		timeout = -1;
		now = now_ms();
		for (i = 0; i < HOSTD_MAX_REFUSALS; i++) {
			struct hostd_refusal *r = &hd.refusals[i];

			if (r->sock < 0)
				continue;
			if (now >= r->deadline) {
				close(r->sock);
				r->sock = -1;
				continue;
			}
			if (timeout < 0 || r->deadline - now < timeout)
				timeout = (int)(r->deadline - now);
			map[n] = i;
			pfd[n].fd = r->sock;
			pfd[n++].events = POLLIN;
		}
		if (poll(pfd, n, timeout) < 0) {
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
		for (i = nconn; i < n; i++)
			if (pfd[i].revents)
				refusal_answer(&hd.refusals[map[i]]);
		if (pfd[1].revents & POLLIN)
			conn_accept();
	}

	/* Every client thread sees stop_fd, drops its client and ends. */
	if (eventfd_write(hd.stop_fd, 1))
		hlog("cannot stop the client threads: %s", strerror(errno));
	pthread_mutex_lock(&hd.lock);
	while (hd.nr_threads)
		pthread_cond_wait(&hd.gone, &hd.lock);
	pthread_mutex_unlock(&hd.lock);
	for (i = 0; i < HOSTD_MAX_REFUSALS; i++)
		if (hd.refusals[i].sock >= 0)
			close(hd.refusals[i].sock);
	vgt_sched_thread_stop(hd.sched);
	vgt_host_destroy(hd.host);
	vgt_swhsw_destroy(hd.sw);
	if (hd.unlink_on_exit)
		unlink(hd.socket_path);
	close(hd.listen_fd);
	close(hd.stop_fd);
	hlog("stopped");
	return 0;
}
