/*
 * Fuzz harness: vgt-hostd's wire protocol (hostd-dispatch.c).
 *
 * Each input is one client's conversation: a fresh client of a helper on
 * the software Haswell receives the input's packets, in order, through
 * hostd_dispatch - the function the daemon's server loop calls with what
 * it read off a client's socket - with descriptors where the input asks
 * for them (a sealed memfd for guest memory, an eventfd, or a descriptor
 * of the wrong kind).  Then the client hangs up.  Nothing a client sends
 * may crash the daemon, leak into another client or leave the helper
 * inconsistent: after the client is released the helper has no instance
 * left, and every reply is a well-formed packet.  A posted SUBMIT gets
 * none; one the daemon cannot queue ends the conversation, as the server
 * then drops the connection.
 *
 * Input: a sequence of packets, each
 *   1 byte   how: bit 0 a memfd rides along, bit 1 an eventfd, bit 2 a
 *            pipe (not memory), bit 3 the packet was truncated, bit 4 the
 *            harness fixes the envelope (version, size, and HELLO's
 *            version) so that the body reaches the request's handler
 *            whatever ABI the input was made for, bits 5-7 the memfd's size
 *            (64 KiB << n); without a memfd, bit 5 with bit 4 makes the
 *            envelope a posted one (VGT_MSG_FLAG_POSTED, ABI 6)
 *   2 bytes  the packet's length (little endian, mod 8193)
 *   the packet
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/vgt-core.h"
#include "hw/vgt-host-ops.h"
#include "hostd/hostd.h"
#include "swhsw/swhsw.h"
#include "fuzz-harness.h"

static struct vgt_swhsw *sw;
static struct vgt_host *host;
static struct hostd_quota quota;
static unsigned int next_id;

#define HOW_MEMFD    (1u << 0)
#define HOW_EVENTFD    (1u << 1)
#define HOW_PIPE    (1u << 2)
#define HOW_TRUNCATED    (1u << 3)
#define HOW_ENVELOPE    (1u << 4)
#define HOW_POSTED    (1u << 5)     /* without HOW_MEMFD */

static void die(const char *what)
{
    fprintf(stderr, "fuzz-hostd-wire: %s\n", what);
    abort();
}

static int sealed_memfd(size_t size)
{
    int fd = memfd_create("fuzz-guest", MFD_ALLOW_SEALING | MFD_CLOEXEC);

    if (fd < 0 || ftruncate(fd, size) ||
        fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW)) {
        die("memfd");
    }
    return fd;
}

static int descriptor(unsigned int how)
{
    int p[2];

    if (how & HOW_MEMFD) {
        return sealed_memfd((size_t)64 << 10 << (how >> 5));
    }
    if (how & HOW_EVENTFD) {
        int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

        if (fd < 0) {
            die("eventfd");
        }
        return fd;
    }
    if (pipe2(p, O_CLOEXEC)) {
        die("pipe");
    }
    close(p[1]);
    return p[0];
}

static void check_reply(const struct hostd_reply *rep,
                        const struct vgt_msg_hdr *req)
{
    if (!(rep->hdr.flags & VGT_MSG_FLAG_REPLY)) {
        die("a reply without the reply flag");
    }
    if (rep->body_len > sizeof(rep->body)) {
        die("a reply body beyond the packet");
    }
    if (rep->hdr.size != sizeof(rep->head) + rep->body_len) {
        die("a reply whose size is not its body's");
    }
    if (rep->hdr.seq != req->seq) {
        die("a reply to another request");
    }
    if (rep->head.result > 0) {
        die("a positive result");
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    struct vgt_gpu gpu;
    int err;

    vgt_log_level = VGT_LOG_ERR;
    sw = vgt_swhsw_create();
    if (!sw) {
        die("cannot create the software Haswell");
    }
    vgt_swhsw_get_gpu(sw, &gpu);
    host = vgt_host_create(&gpu, &err);
    if (!host) {
        die("cannot create the helper");
    }
    /* as vgt-hostd sets them, with its default quotas */
    quota.mem_bytes = 64ull << 30;
    quota.mem_regions = 32;
    hostd_quota_pool(&quota, HSW_PTE_DMA_LIMIT - SWHSW_DMA_BASE,
                     SWHSW_MAX_DMA, VGT_MAX_INSTANCES, 2, VGT_HOST_MEM_SIZE);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t pkt[VGT_MSG_MAX_SIZE];
    static struct hostd_reply rep;
    struct hostd_client cl;
    size_t off = 0;

    hostd_client_init(&cl, host, &quota, ++next_id, getpid());
    while (off + 3 <= size) {
        unsigned int how = data[off];
        size_t len = (data[off + 1] | data[off + 2] << 8) %
                     (VGT_MSG_MAX_SIZE + 1);
        struct vgt_msg_hdr h = { 0 };
        int fds[1] = { -1 }, nfds = 0;

        off += 3;
        if (len > size - off) {
            len = size - off;
        }
        memcpy(pkt, data + off, len);
        off += len;
        if ((how & HOW_ENVELOPE) && len >= sizeof(h)) {
            memcpy(&h, pkt, sizeof(h));
            h.flags = VGT_ABI_VERSION;
            if ((how & HOW_POSTED) && !(how & HOW_MEMFD)) {
                h.flags |= VGT_MSG_FLAG_POSTED;
            }
            h.size = (uint32_t)(len - sizeof(h));
            memcpy(pkt, &h, sizeof(h));
            /* and HELLO's own version: the corpus outlives ABI bumps */
            if (h.type == VGT_MSG_HELLO &&
                len >= sizeof(h) + sizeof(struct vgt_msg_hello)) {
                struct vgt_msg_hello hello;

                memcpy(&hello, pkt + sizeof(h), sizeof(hello));
                hello.version = VGT_ABI_VERSION;
                memcpy(pkt + sizeof(h), &hello, sizeof(hello));
            }
        }
        memcpy(&h, pkt, len < sizeof(h) ? len : sizeof(h));
        if (how & (HOW_MEMFD | HOW_EVENTFD | HOW_PIPE)) {
            fds[0] = descriptor(how);
            nfds = 1;
        }
        hostd_dispatch(&cl, pkt, len, fds, nfds,
                       !!(how & HOW_TRUNCATED), &rep);
        if (rep.none && (len < sizeof(h) || h.type != VGT_MSG_SUBMIT ||
                         h.flags != (VGT_ABI_VERSION | VGT_MSG_FLAG_POSTED))) {
            die("no reply to a request that is not a posted submit");
        }
        if (rep.drop && !rep.none) {
            die("a connection ended with a reply to send");
        }
        if (!rep.none) {
            check_reply(&rep, &h);
        }
        /* the server sends rep.fd and closes what the request left */
        if (fds[0] >= 0) {
            close(fds[0]);
        }
        if (rep.drop) {
            break;      /* the server drops the connection */
        }
    }
    hostd_client_release(&cl);
    if (vgt_host_nr_instances(host)) {
        die("an instance outlived its client");
    }
    return 0;
}
