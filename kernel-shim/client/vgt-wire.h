/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vgt-wire.h - the vgt-hostd protocol: its messages and the packet I/O,
 * private to the socket client (client/) and the daemon (hostd/).  The
 * structures the messages carry are the helper ABI (hw/vgt-helper-abi.h).
 */
#ifndef VGT_WIRE_H
#define VGT_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "hw/vgt-helper-abi.h"

/*
 * The messages.  SOCK_SEQPACKET: one message per packet, file descriptors
 * (SCM_RIGHTS) ride on the packet that needs them and nowhere else.  Every
 * request gets exactly one reply, in order, except a posted SUBMIT.
 *
 * Posted SUBMIT (VGT_MSG_FLAG_POSTED, ABI 6): no reply.  The workload is
 * queued; a refused one is queued as its id and fails in its turn with
 * VGT_EVENT_REFUSED (vgt_inst_submit_posted).  One that cannot be queued
 * at all (a bad envelope, no instance, no such engine, VGT_WL_QUEUE_MAX
 * queued) ends the connection: the client posts only what it knows can be
 * queued (vgt-client-socket.c).  The flag on any other type, or with any
 * other version, is a bad envelope like any other (-VGT_E_MSG,
 * -VGT_E_VERSION in a reply).
 *
 * Header:
 *   type   VGT_MSG_* (the same value in the reply)
 *   flags  bits 7:0 VGT_ABI_VERSION; VGT_MSG_FLAG_REPLY in replies,
 *          VGT_MSG_FLAG_POSTED on a SUBMIT that wants none
 *   size   payload bytes after the header (must match the packet)
 *   seq    chosen by the client, echoed in the reply
 * Reply payload: struct vgt_msg_reply, then the type's reply body.
 *   result 0 or -VGT_E_*; count: see the type.  On error the body is absent.
 *
 * Request payloads and reply bodies (exact sizes; anything else is refused
 * with -VGT_E_MSG):
 *   HELLO          req: vgt_msg_hello            body: vgt_msg_hello
 *   CREATE         req: vgt_create_req           body: vgt_instance_info
 *   DESTROY        req: -                        body: -
 *   RESET          req: -                        body: -
 *   INFO           req: -                        body: vgt_instance_info
 *   MEM_REGISTER   req: vgt_mem_region + 1 fd    body: -
 *   MEM_UNREGISTER req: vgt_msg_u64 (gpa)        body: -
 *   GTT_WRITE      req: vgt_msg_gtt_write + n entries
 *                  (n = count, 1..VGT_GTT_WRITE_MAX)
 *                  body: -; count = index of the refused entry on error
 *   GTT_READ       req: vgt_msg_u64 (index)      body: vgt_gtt_entry
 *   FENCE_WRITE    req: vgt_msg_fence            body: -
 *   GM_READ        req: vgt_msg_gm_read          body: len bytes (count)
 *   SET_EVENT_FD   req: - + 1 eventfd            body: -
 *   EVENTS_READ    req: vgt_msg_u64 (max)        body: count vgt_event
 *   STATS          req: -                        body: vgt_stats
 *   SHADOW_MAP     req: -          body: vgt_shadow_info (hva 0) + 1 fd:
 *                  a sealed memfd of VGT_SHADOW_SIZE bytes to mmap shared
 *   SUBMIT         req: vgt_workload             body: -
 *   SET_WEIGHT     req: vgt_msg_u64 (weight)     body: -
 *   SCHED_STATS    req: -                        body: vgt_sched_stats
 *   ENGINE_REGS_GET req: vgt_msg_u64 (engine)    body: vgt_engine_regs
 *   ENGINE_REGS_SET req: vgt_engine_regs         body: -
 *   DIRTY_LOG      req: vgt_msg_u64 (1 start, 0 stop)  body: -
 *   DIRTY_READ     req: vgt_msg_dirty_read
 *                  body: (npages + 63) / 64 uint64_t, the bitmap;
 *                  count = npages (one request is at most
 *                  VGT_DIRTY_READ_MAX_PAGES: its bitmap fits a packet)
 *   PPGTT_SYNC     req: vgt_msg_u64 (pd_gm)      body: -; count = shadow
 *                  PTEs rewritten (appended)
 *   NOTIFY_POLICY  req: vgt_notify_policy        body: - (appended, ABI 4)
 *   EVENTS_MAP     req: -          body: - + 1 fd: a sealed memfd of
 *                  VGT_EVENT_RING_SIZE bytes, the instance's event ring
 *                  (struct vgt_event_ring) to mmap shared; from then on
 *                  its events go there and EVENTS_READ answers
 *                  -VGT_E_BUSY (ABI 6; before the instance's first event
 *                  only: -VGT_E_BUSY after; again: the same memfd)
 * Only the SHADOW_MAP and EVENTS_MAP replies carry a descriptor.
 */
enum vgt_msg_type {
	VGT_MSG_HELLO = 1,
	VGT_MSG_CREATE = 2,
	VGT_MSG_DESTROY = 3,
	VGT_MSG_RESET = 4,
	VGT_MSG_INFO = 5,
	VGT_MSG_MEM_REGISTER = 6,
	VGT_MSG_MEM_UNREGISTER = 7,
	VGT_MSG_GTT_WRITE = 8,
	VGT_MSG_GTT_READ = 9,
	VGT_MSG_FENCE_WRITE = 10,
	VGT_MSG_GM_READ = 11,
	VGT_MSG_SET_EVENT_FD = 12,
	VGT_MSG_EVENTS_READ = 13,
	VGT_MSG_STATS = 14,
	VGT_MSG_SHADOW_MAP = 15,
	VGT_MSG_SUBMIT = 16,
	VGT_MSG_SET_WEIGHT = 17,
	VGT_MSG_SCHED_STATS = 18,
	VGT_MSG_ENGINE_REGS_GET = 19,
	VGT_MSG_ENGINE_REGS_SET = 20,
	VGT_MSG_DIRTY_LOG = 21,
	VGT_MSG_DIRTY_READ = 22,
	VGT_MSG_PPGTT_SYNC = 23,
	VGT_MSG_NOTIFY_POLICY = 24,
	VGT_MSG_EVENTS_MAP = 25,
	VGT_MSG_TYPE_MAX = 25
};

#define VGT_MSG_FLAG_VERSION_MASK	0xffu
#define VGT_MSG_FLAG_REPLY		0x100u
#define VGT_MSG_FLAG_POSTED		0x200u
/* Largest packet, header included. */
#define VGT_MSG_MAX_SIZE		8192

struct vgt_msg_hdr {
	uint32_t type;
	uint32_t flags;
	uint32_t size;
	uint32_t seq;
};

struct vgt_msg_reply {
	int32_t result;
	uint32_t count;
};

/* version: VGT_ABI_VERSION; features: 0 (reserved for negotiation). */
struct vgt_msg_hello {
	uint32_t version;
	uint32_t features;
};

struct vgt_msg_u64 {
	uint64_t value;
};

struct vgt_msg_gtt_write {
	uint32_t count;
	uint32_t pad;		/* must be 0 */
	/* followed by count struct vgt_gtt_entry */
};

struct vgt_msg_fence {
	uint32_t fence;		/* guest fence index */
	uint32_t pad;		/* must be 0 */
	uint64_t value;		/* Haswell fence register value */
};

struct vgt_msg_gm_read {
	uint64_t gm_addr;
	uint32_t len;		/* 1..VGT_GM_READ_MAX */
	uint32_t pad;		/* must be 0 */
};

struct vgt_msg_dirty_read {
	uint64_t gpa;
	uint64_t npages;	/* 1..VGT_DIRTY_READ_MAX_PAGES */
};

/* Most descriptors one packet may carry; extra ones are received, closed. */
#define VGT_WIRE_MAX_FDS	4

/* Send header + payload (+ fd if >= 0) as one packet; 0 or -errno. */
int vgt_wire_send(int sock, const struct vgt_msg_hdr *hdr,
		  const void *payload, size_t len, int fd, int flags);

/*
 * Receive one packet into buf (at most max bytes); the descriptors it
 * carried land in fds (*nfds of them, all owned by the caller).  Returns
 * the packet length, 0 on end of stream, or -errno.  *truncated is set
 * when the packet or its descriptors did not fit (they are then lost).
 */
ssize_t vgt_wire_recv(int sock, void *buf, size_t max, int *fds, int *nfds,
		      int *truncated, int flags);

void vgt_wire_close_fds(int *fds, int nfds);

#endif /* VGT_WIRE_H */
