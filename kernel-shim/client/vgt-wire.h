/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vgt-wire.h - packets of the vgt-hostd protocol (SOCK_SEQPACKET with
 * SCM_RIGHTS), shared by the daemon and the socket client.  The message
 * layouts themselves are ABI and live in include/hw/vgt.h.
 */
#ifndef VGT_WIRE_H
#define VGT_WIRE_H

#include <stddef.h>
#include <sys/types.h>
#include "hw/vgt.h"

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
