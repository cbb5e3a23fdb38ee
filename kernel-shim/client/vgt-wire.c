// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vgt-wire.c - one packet in, one packet out, descriptors attached.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include "vgt-wire.h"

/* Fixed layouts, and every message fits in one packet. */
_Static_assert(sizeof(struct vgt_msg_hdr) == 16, "wire: vgt_msg_hdr");
_Static_assert(sizeof(struct vgt_msg_reply) == 8, "wire: vgt_msg_reply");
_Static_assert(sizeof(struct vgt_msg_hello) == 8, "wire: vgt_msg_hello");
_Static_assert(sizeof(struct vgt_msg_u64) == 8, "wire: vgt_msg_u64");
_Static_assert(sizeof(struct vgt_msg_gtt_write) == 8,
	       "wire: vgt_msg_gtt_write");
_Static_assert(sizeof(struct vgt_msg_fence) == 16, "wire: vgt_msg_fence");
_Static_assert(sizeof(struct vgt_msg_gm_read) == 16, "wire: vgt_msg_gm_read");
_Static_assert(sizeof(struct vgt_msg_dirty_read) == 16,
	       "wire: vgt_msg_dirty_read");
_Static_assert(sizeof(struct vgt_msg_hdr) + sizeof(struct vgt_engine_regs) <=
	       VGT_MSG_MAX_SIZE, "wire: ENGINE_REGS_SET request");
_Static_assert(sizeof(struct vgt_msg_hdr) + sizeof(struct vgt_msg_reply) +
	       VGT_DIRTY_READ_MAX_PAGES / 8 <= VGT_MSG_MAX_SIZE,
	       "wire: DIRTY_READ reply");
_Static_assert(sizeof(struct vgt_msg_hdr) + sizeof(struct vgt_workload) <=
	       VGT_MSG_MAX_SIZE, "wire: SUBMIT request");
_Static_assert(sizeof(struct vgt_msg_hdr) + sizeof(struct vgt_msg_reply) +
	       VGT_GM_READ_MAX <= VGT_MSG_MAX_SIZE, "wire: GM_READ reply");
_Static_assert(sizeof(struct vgt_msg_hdr) + sizeof(struct vgt_msg_gtt_write) +
	       VGT_GTT_WRITE_MAX * sizeof(struct vgt_gtt_entry) <=
	       VGT_MSG_MAX_SIZE, "wire: GTT_WRITE request");
_Static_assert(sizeof(struct vgt_msg_hdr) + sizeof(struct vgt_msg_reply) +
	       VGT_EVENT_READ_MAX * sizeof(struct vgt_event) <=
	       VGT_MSG_MAX_SIZE, "wire: EVENTS_READ reply");

int vgt_wire_send(int sock, const struct vgt_msg_hdr *hdr,
		  const void *payload, size_t len, int fd, int flags)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov[2] = {
		{ .iov_base = (void *)hdr, .iov_len = sizeof(*hdr) },
		{ .iov_base = (void *)payload, .iov_len = len },
	};
	struct msghdr msg = {
		.msg_iov = iov,
		.msg_iovlen = len ? 2 : 1,
	};
	ssize_t n;

	if (fd >= 0) {
		struct cmsghdr *cmsg;

		memset(&ctl, 0, sizeof(ctl));
		msg.msg_control = ctl.buf;
		msg.msg_controllen = sizeof(ctl.buf);
		cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	}
	do {
		n = sendmsg(sock, &msg, MSG_NOSIGNAL | flags);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == sizeof(*hdr) + len ? 0 : -EIO;
}

void vgt_wire_close_fds(int *fds, int nfds)
{
	int i;

	for (i = 0; i < nfds; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

ssize_t vgt_wire_recv(int sock, void *buf, size_t max, int *fds, int *nfds,
		      int *truncated, int flags)
{
	union {
		char buf[CMSG_SPACE(VGT_WIRE_MAX_FDS * sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = buf, .iov_len = max };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = ctl.buf,
		.msg_controllen = sizeof(ctl.buf),
	};
	struct cmsghdr *cmsg;
	ssize_t n;

	*nfds = 0;
	*truncated = 0;
	do {
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC | flags);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	for (cmsg = CMSG_FIRSTHDR(&msg); cmsg;
	     cmsg = CMSG_NXTHDR(&msg, cmsg)) {
		size_t i, count;

		if (cmsg->cmsg_level != SOL_SOCKET ||
		    cmsg->cmsg_type != SCM_RIGHTS ||
		    cmsg->cmsg_len < CMSG_LEN(0))
			continue;
		count = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < count; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(cmsg) + i * sizeof(int),
			       sizeof(int));
			if (*nfds < VGT_WIRE_MAX_FDS)
				fds[(*nfds)++] = fd;
			else
				close(fd);
		}
	}
	if (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC))
		*truncated = 1;
	return n;
}
