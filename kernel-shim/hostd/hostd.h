/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hostd.h - how vgt-hostd's server loop (hostd-server.c) hands packets to
 * its message dispatch (hostd-dispatch.c).
 *
 * The dispatch knows nothing of sockets or polling: it takes one received
 * packet with its descriptors, validates it, calls the helper core and
 * builds the reply.  Anything that can deliver packets (the socket server,
 * a fuzzer, a test) can drive it.
 */
#ifndef VGT_HOSTD_H
#define VGT_HOSTD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "client/vgt-wire.h"

struct vgt_host;
struct vgt_instance;

struct hostd_mem {
	uint64_t gpa;
	void *map;
	size_t len;
};

/* One client: its instance and what the daemon holds on its behalf. */
struct hostd_client {
	struct vgt_host *host;
	unsigned int id;	/* for the log */
	pid_t pid;		/* for the log */
	struct vgt_instance *inst;
	int efd;		/* eventfd signalled when events are queued */
	unsigned int nr_mem;
	struct hostd_mem mem[VGT_MAX_MEM_REGIONS];
	unsigned int log_budget;
	int shadow_fd;		/* memfd backing the shadow area */
	void *shadow;
	uint64_t shadow_gm;
};

/* One reply packet: header, result, body; then what rides along. */
struct hostd_reply {
	struct vgt_msg_hdr hdr;
	struct vgt_msg_reply head;	/* body follows: sent as one */
	uint8_t body[VGT_MSG_MAX_SIZE - sizeof(struct vgt_msg_hdr) -
		     sizeof(struct vgt_msg_reply)];
	size_t body_len;
	int fd;				/* sent with the reply if >= 0 */
};

void hostd_client_init(struct hostd_client *cl, struct vgt_host *host,
		       unsigned int id, pid_t pid);
/* Destroys the instance and releases everything the client holds. */
void hostd_client_release(struct hostd_client *cl);

/*
 * Handle one packet of n bytes (n may be 0) that carried nfds descriptors
 * (truncated: the packet or its descriptors did not fit).  Always builds
 * a reply to send; a descriptor the request keeps is replaced by -1 in
 * fds, the caller closes the others.
 */
void hostd_dispatch(struct hostd_client *cl, const void *pkt, size_t n,
		    int *fds, int nfds, int truncated,
		    struct hostd_reply *rep);

/* Log a line about this client (rate-limited per client). */
void hostd_client_log(struct hostd_client *cl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* VGT_HOSTD_H */
