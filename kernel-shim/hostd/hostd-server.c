// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hostd-server.c - vgt-hostd: the vgt helper as a daemon, one software
 * Haswell shared by many QEMU processes over a UNIX socket (the shape of
 * vhost-user).  This file is its server loop; requests are decoded and
 * carried out by hostd-dispatch.c.
 *
 * One poll loop serves the clients; one scheduler thread runs the
 * engines on the workloads they submit.  Each connection is one VM: its
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
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
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

/* A connected client: its socket and its state in the dispatch. */
struct hostd_conn {
	int sock;
	struct hostd_client client;
};

static struct {
	struct vgt_swhsw *sw;
	struct vgt_host *host;
	struct vgt_sched_thread *sched;
	int listen_fd;
	int signal_fd;
	const char *socket_path;
	int unlink_on_exit;
	struct hostd_conn *conns[HOSTD_MAX_CLIENTS];
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

/* ---- connections ------------------------------------------------------- */

static void conn_drop(unsigned int slot, const char *why)
{
	struct hostd_conn *conn = hd.conns[slot];
	struct hostd_client *cl = &conn->client;

	hlog("client %u (pid %d) gone: %s%s", cl->id, (int)cl->pid, why,
	     cl->inst ? "; instance destroyed" : "");
	hostd_client_release(cl);
	close(conn->sock);
	free(conn);
	hd.conns[slot] = NULL;
}

static void conn_accept(void)
{
	struct hostd_conn *conn;
	struct ucred cred = { .pid = 0 };
	socklen_t len = sizeof(cred);
	unsigned int slot;
	int fd;

	fd = accept4(hd.listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	for (slot = 0; slot < HOSTD_MAX_CLIENTS; slot++)
		if (!hd.conns[slot])
			break;
	conn = slot < HOSTD_MAX_CLIENTS ? calloc(1, sizeof(*conn)) : NULL;
	if (!conn) {
		hlog("refusing connection: %u clients already",
		     HOSTD_MAX_CLIENTS);
		close(fd);
		return;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len))
		cred.pid = 0;
	conn->sock = fd;
	hostd_client_init(&conn->client, hd.host, ++hd.next_id, cred.pid);
	hd.conns[slot] = conn;
	hlog("client %u (pid %d) connected", conn->client.id, (int)cred.pid);
}

static int peer_hung_up(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLRDHUP };

	return poll(&p, 1, 0) != 0 &&
	       (p.revents & (POLLRDHUP | POLLHUP | POLLERR));
}

/* Serve one packet; returns 0 to keep the connection, -1 if dropped. */
static int conn_serve_one(unsigned int slot)
{
	struct hostd_conn *conn = hd.conns[slot];
	static uint8_t in[VGT_MSG_MAX_SIZE];
	static struct hostd_reply rep;
	int fds[VGT_WIRE_MAX_FDS], nfds, trunc, ret;
	ssize_t n;

	n = vgt_wire_recv(conn->sock, in, sizeof(in), fds, &nfds, &trunc,
			  MSG_DONTWAIT);
	if (n == -EAGAIN || n == -EWOULDBLOCK) {
		vgt_wire_close_fds(fds, nfds);
		return 0;
	}
	/* An empty packet (SEQPACKET has them) is not end of stream. */
	if (n < 0 || (n == 0 && peer_hung_up(conn->sock))) {
		vgt_wire_close_fds(fds, nfds);
		conn_drop(slot, n ? strerror((int)-n) : "disconnected");
		return -1;
	}
	hostd_dispatch(&conn->client, in, (size_t)n, fds, nfds, trunc, &rep);
	vgt_wire_close_fds(fds, nfds);
	/* Header, result and body are contiguous in struct hostd_reply. */
	ret = vgt_wire_send(conn->sock, &rep.hdr, &rep.head, rep.hdr.size,
			    rep.fd, MSG_DONTWAIT);
	if (ret) {
		/* A client that does not read its replies is dropped. */
		conn_drop(slot, "reply could not be sent");
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
			if (!hd.conns[i])
				continue;
			map[n] = i;
			pfd[n].fd = hd.conns[i]->sock;
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
			if (!pfd[i].revents || !hd.conns[map[i]])
				continue;
			if (pfd[i].revents & POLLIN)
				conn_serve_one(map[i]);
			else
				conn_drop(map[i], "hang-up");
		}
		if (pfd[1].revents & POLLIN)
			conn_accept();
	}

	for (i = 0; i < HOSTD_MAX_CLIENTS; i++)
		if (hd.conns[i])
			conn_drop(i, "daemon shutting down");
	vgt_sched_thread_stop(hd.sched);
	vgt_host_destroy(hd.host);
	vgt_swhsw_destroy(hd.sw);
	if (hd.unlink_on_exit)
		unlink(hd.socket_path);
	close(hd.listen_fd);
	hlog("stopped");
	return 0;
}
