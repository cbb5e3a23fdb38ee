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

#include <pthread.h>
#include <stdbool.h>
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

/*
 * The quotas every client gets (set from the command line) and the part of
 * the software Haswell's device address space and dma_map table that the
 * guest memory of all clients shares (the rest is kept back so that an
 * instance can always be created and its shadow area mapped).  Clients
 * are served concurrently: lock covers pool_used and pool_entries_used,
 * which a registration reserves before it maps and gives back if it
 * fails (hostd_quota_pool initialises it).
 */
struct hostd_quota {
	uint64_t mem_bytes;		/* guest memory per client */
	unsigned int mem_regions;	/* guest memory regions per client */
	uint64_t pool_bytes;		/* device address space, all clients */
	unsigned int pool_entries;	/* dma_map entries, all clients */
	pthread_mutex_t lock;
	uint64_t pool_used;
	unsigned int pool_entries_used;
};

/* Which refusals a client has been told about in the log already. */
enum {
	HOSTD_LOGGED_MEM_BYTES = 1u << 0,
	HOSTD_LOGGED_MEM_REGIONS = 1u << 1,
	HOSTD_LOGGED_POOL = 1u << 2,
};

/*
 * One client: its instance and what the daemon holds on its behalf.  Only
 * the thread serving the client touches it (hostd-server.c).
 */
struct hostd_client {
	struct vgt_host *host;
	struct hostd_quota *quota;	/* shared by all clients */
	unsigned int id;	/* for the log */
	pid_t pid;		/* for the log */
	struct vgt_instance *inst;
	int efd;		/* eventfd signalled when events are queued */
	unsigned int nr_mem;
	struct hostd_mem mem[VGT_MAX_MEM_REGIONS];
	uint64_t mem_bytes;	/* sum of mem[].len */
	unsigned int log_budget;
	unsigned int quota_logged;	/* HOSTD_LOGGED_* */
	int shadow_fd;		/* memfd backing the shadow area */
	void *shadow;
	uint64_t shadow_gm;
	int ring_fd;		/* memfd of the event ring (EVENTS_MAP) */
	struct vgt_event_ring *ring;
};

/* One reply packet: header, result, body; then what rides along. */
struct hostd_reply {
	struct vgt_msg_hdr hdr;
	struct vgt_msg_reply head;	/* body follows: sent as one */
	uint8_t body[VGT_MSG_MAX_SIZE - sizeof(struct vgt_msg_hdr) -
		     sizeof(struct vgt_msg_reply)];
	size_t body_len;
	int fd;				/* sent with the reply if >= 0 */
	bool none;			/* a posted request: nothing to send */
	const char *drop;		/* not NULL: end the connection, why */
};

void hostd_client_init(struct hostd_client *cl, struct vgt_host *host,
		       struct hostd_quota *quota, unsigned int id, pid_t pid);
/* Destroys the instance and releases everything the client holds. */
void hostd_client_release(struct hostd_client *cl);

/*
 * Handle one packet of n bytes (n may be 0) that carried nfds descriptors
 * (truncated: the packet or its descriptors did not fit).  Builds the
 * reply to send, or, for a posted SUBMIT, sets rep->none (and rep->drop
 * when the connection must end); a descriptor the request keeps is
 * replaced by -1 in fds, the caller closes the others.
 */
void hostd_dispatch(struct hostd_client *cl, const void *pkt, size_t n,
		    int *fds, int nfds, int truncated,
		    struct hostd_reply *rep);

/*
 * What the guest memory of all clients may take of a device address space
 * of space_bytes bytes and entries dma_map entries, given that up to
 * max_instances instances each map mappings_per_inst ranges of at most
 * mapping_size bytes of their own.
 */
void hostd_quota_pool(struct hostd_quota *q, uint64_t space_bytes,
		      unsigned int entries, unsigned int max_instances,
		      unsigned int mappings_per_inst, uint64_t mapping_size);

/* Log a line about this client (rate-limited per client). */
void hostd_client_log(struct hostd_client *cl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* VGT_HOSTD_H */
