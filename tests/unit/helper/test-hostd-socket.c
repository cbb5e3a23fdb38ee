// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Socket test of vgt-hostd: two clients share the daemon, each registers
 * memfd memory and writes GTT entries; neither reaches the other's memory
 * or GM; a client killed mid-request frees its share while the other goes
 * on; a stream of garbage packets does not bring the daemon down; SIGTERM
 * stops it cleanly.  The daemon binary comes from $VGT_HOSTD, its socket
 * lives in $VGT_TEST_DIR.  Bounded in packets and in time.
 */
#define _GNU_SOURCE
#include <glib.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include "hw/vgt.h"
#include "hw/vgt-host-ops.h"
#include "core/vgt-core.h"      /* VGT_MAX_INSTANCES */
#include "hostd-spawn.h"
#include "client/vgt-wire.h"

#define MIB(x) ((guint64)(x) << 20)
#define RAM_SIZE MIB(4)
#define GARBAGE_PACKETS 3000

static const struct vgt_host_ops *ops = &vgt_host_socket_ops;
static char sock_path[108];
static pid_t daemon_pid;

struct client {
    struct vgt_conn *conn;
    struct vgt_instance_info info;
    int memfd;
    guint8 *ram;
    char tag;
};

static struct client ca, cb;

static bool daemon_alive(void)
{
    int status;

    return waitpid(daemon_pid, &status, WNOHANG) == 0;
}

static int make_memfd(guint64 size, bool seal, guint8 **map, char tag)
{
    int fd = memfd_create("vgt-test-ram", MFD_CLOEXEC | MFD_ALLOW_SEALING);

    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(ftruncate(fd, size), ==, 0);
    if (seal) {
        g_assert_cmpint(fcntl(fd, F_ADD_SEALS,
                      F_SEAL_SHRINK | F_SEAL_GROW), ==, 0);
    }
    if (map) {
        *map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
                0);
        g_assert_true(*map != MAP_FAILED);
        /* Page n of this VM's RAM starts with "<tag><n>". */
        for (guint64 p = 0; p < size / 4096; p++) {
            snprintf((char *)*map + p * 4096, 16, "%c%04u", tag,
                 (unsigned)p);
        }
    }
    return fd;
}

static void client_up(struct client *c, char tag)
{
    struct vgt_create_req req = {
        VGT_DEFAULT_MAPPABLE_SIZE, VGT_DEFAULT_NONMAPPABLE_SIZE,
        VGT_DEFAULT_FENCE_NUM, 0,
    };
    struct vgt_mem_region r = { 0 };

    c->tag = tag;
    g_assert_cmpint(ops->connect(sock_path, &c->conn), ==, 0);
    g_assert_cmpint(ops->create(c->conn, &req, &c->info), ==, 0);
    g_assert_cmpint(ops->create(c->conn, &req, &c->info), ==,
            -VGT_E_EXISTS);
    c->memfd = make_memfd(RAM_SIZE, true, &c->ram, tag);
    r.gpa = 0;
    r.size = RAM_SIZE;
    r.fd = c->memfd;
    g_assert_cmpint(ops->mem_register(c->conn, &r), ==, 0);
}

/* Map GM page i of the client's mappable range to its guest frame gfn. */
static int map_page(struct client *c, guint32 index, guint64 gfn)
{
    struct vgt_gtt_entry e = { index, VGT_PTE_VALID, gfn };

    return ops->gtt_write(c->conn, &e, 1, NULL);
}

static void expect_page(struct client *c, guint64 gm, char tag, unsigned pg)
{
    char buf[8] = { 0 }, want[8];

    snprintf(want, sizeof(want), "%c%04u", tag, pg);
    g_assert_cmpint(ops->gm_read(c->conn, gm, buf, 5), ==, 0);
    g_assert_cmpstr(buf, ==, want);
}

static void test_start(void)
{
    const char *bin = g_getenv("VGT_HOSTD");
    const char *dir = g_getenv("VGT_TEST_DIR");

    g_assert_nonnull(bin);
    snprintf(sock_path, sizeof(sock_path), "%s/hostd-test-%d.sock",
         dir ? dir : "/tmp", (int)getpid());
    daemon_pid = vgt_test_hostd_spawn(bin, sock_path);
    g_assert_true(daemon_alive());
}

static void test_two_clients_partitions(void)
{
    client_up(&ca, 'A');
    client_up(&cb, 'B');
    g_assert_cmpuint(ca.info.vgt_id, !=, cb.info.vgt_id);
    g_assert_true(ca.info.mappable_base + ca.info.mappable_size <=
              cb.info.mappable_base ||
              cb.info.mappable_base + cb.info.mappable_size <=
              ca.info.mappable_base);
    g_assert_true(ca.info.nonmappable_base + ca.info.nonmappable_size <=
              cb.info.nonmappable_base ||
              cb.info.nonmappable_base + cb.info.nonmappable_size <=
              ca.info.nonmappable_base);
    g_assert_cmpuint(ca.info.nonmappable_base, >=, ca.info.aperture_size);
    g_assert_cmpuint(ca.info.mappable_size, ==, MIB(64));
    g_assert_cmpuint(cb.info.fence_num, ==, 4);
}

static void test_gtt_and_isolation(void)
{
    guint32 a0 = ca.info.mappable_base >> 12;
    guint32 b0 = cb.info.mappable_base >> 12;
    struct vgt_gtt_entry rd, batch[2];
    struct vgt_stats st;
    guint32 bad;

    /* Both map guest frame 7: each sees its own RAM. */
    g_assert_cmpint(map_page(&ca, a0, 7), ==, 0);
    g_assert_cmpint(map_page(&cb, b0, 7), ==, 0);
    g_assert_cmpint(map_page(&ca, ca.info.nonmappable_base >> 12, 9), ==, 0);
    expect_page(&ca, ca.info.mappable_base, 'A', 7);
    expect_page(&cb, cb.info.mappable_base, 'B', 7);
    expect_page(&ca, ca.info.nonmappable_base, 'A', 9);
    g_assert_cmpint(ops->gtt_read(ca.conn, a0, &rd), ==, 0);
    g_assert_cmpuint(rd.gfn, ==, 7);
    g_assert_cmphex(rd.flags, ==, VGT_PTE_VALID);

    /* Neither reaches the other's GM, for writing or reading. */
    g_assert_cmpint(map_page(&ca, b0, 7), ==, -VGT_E_GM_RANGE);
    g_assert_cmpint(map_page(&cb, a0, 7), ==, -VGT_E_GM_RANGE);
    g_assert_cmpint(ops->gtt_read(cb.conn, a0, &rd), ==, -VGT_E_GM_RANGE);
    {
        char buf[8];

        g_assert_cmpint(ops->gm_read(cb.conn, ca.info.mappable_base,
                         buf, 5), ==, -VGT_E_GM_RANGE);
    }
    /* Nor anything beyond its own memory. */
    g_assert_cmpint(map_page(&ca, a0 + 1, RAM_SIZE >> 12), ==, -VGT_E_GFN);
    g_assert_cmpint(map_page(&ca, a0 + 1, ~0ull), ==, -VGT_E_GFN);
    g_assert_cmpint(map_page(&ca, VGT_GTT_ENTRIES, 0), ==,
            -VGT_E_GTT_INDEX);
    {
        struct vgt_gtt_entry e = { a0 + 1, 0x10 | 1, 1 };

        g_assert_cmpint(ops->gtt_write(ca.conn, &e, 1, NULL), ==,
                -VGT_E_PTE_FLAGS);
    }
    /* All or nothing over the socket too, with the culprit named. */
    batch[0] = (struct vgt_gtt_entry){ a0, 1, 3 };
    batch[1] = (struct vgt_gtt_entry){ b0, 1, 3 };
    g_assert_cmpint(ops->gtt_write(ca.conn, batch, 2, &bad), ==,
            -VGT_E_GM_RANGE);
    g_assert_cmpuint(bad, ==, 1);
    expect_page(&ca, ca.info.mappable_base, 'A', 7);
    expect_page(&cb, cb.info.mappable_base, 'B', 7);
    g_assert_cmpint(ops->gtt_write(ca.conn, batch, 0, NULL), ==,
            -VGT_E_INVAL);

    /* Fences: its own range only. */
    g_assert_cmpint(ops->fence_write(ca.conn, 0,
        (ca.info.mappable_base << 32) | ca.info.mappable_base | 1), ==, 0);
    g_assert_cmpint(ops->fence_write(ca.conn, 0,
        (cb.info.mappable_base << 32) | cb.info.mappable_base | 1), ==,
        -VGT_E_FENCE);
    g_assert_cmpint(ops->fence_write(ca.conn, 4, 0), ==, -VGT_E_FENCE);

    g_assert_cmpint(ops->stats(ca.conn, &st), ==, 0);
    g_assert_cmpuint(st.refused[VGT_E_GM_RANGE], ==, 2);
    g_assert_cmpuint(st.refused[VGT_E_GFN], ==, 2);
    g_assert_cmpuint(st.refused[VGT_E_GTT_INDEX], ==, 1);
    g_assert_cmpuint(st.refused[VGT_E_PTE_FLAGS], ==, 1);
    g_assert_cmpuint(st.refused[VGT_E_FENCE], ==, 2);
    g_assert_cmpuint(st.gtt_written, ==, 2);
    g_assert_cmpint(ops->stats(cb.conn, &st), ==, 0);
    g_assert_cmpuint(st.refused[VGT_E_GM_RANGE], ==, 3);
}

static void test_bad_memory(void)
{
    struct vgt_mem_region r = { .gpa = MIB(64), .size = MIB(1) };
    guint8 *map;
    int pipefd[2];

    /* Unsealed memfd: could be shrunk under the daemon. */
    r.fd = make_memfd(MIB(1), false, NULL, 0);
    g_assert_cmpint(ops->mem_register(ca.conn, &r), ==, -VGT_E_BADFD);
    close(r.fd);
    /* Region beyond the end of the file, misaligned offset. */
    r.fd = make_memfd(MIB(1), true, &map, 'X');
    r.fd_offset = 4096;
    g_assert_cmpint(ops->mem_register(ca.conn, &r), ==, -VGT_E_INVAL);
    r.fd_offset = 1;
    r.size = 4096;
    g_assert_cmpint(ops->mem_register(ca.conn, &r), ==, -VGT_E_INVAL);
    /* Overlapping A's RAM. */
    r.fd_offset = 0;
    r.gpa = RAM_SIZE - 4096;
    r.size = MIB(1);
    g_assert_cmpint(ops->mem_register(ca.conn, &r), ==, -VGT_E_MEM_OVERLAP);
    /* A pipe is not memory. */
    g_assert_cmpint(pipe(pipefd), ==, 0);
    r.gpa = MIB(64);
    r.fd = pipefd[0];
    g_assert_cmpint(ops->mem_register(ca.conn, &r), ==, -VGT_E_BADFD);
    close(pipefd[0]);
    close(pipefd[1]);
    munmap(map, MIB(1));
    /* The connection is still good. */
    expect_page(&ca, ca.info.mappable_base, 'A', 7);
}

static void test_events(void)
{
    struct pollfd p = { .fd = ops->event_fd(ca.conn), .events = POLLIN };
    struct vgt_event ev[4];

    g_assert_cmpint(poll(&p, 1, 0), ==, 0);
    g_assert_cmpint(ops->reset(ca.conn), ==, 0);
    g_assert_cmpint(poll(&p, 1, 2000), ==, 1);
    g_assert_cmpint(ops->events_read(ca.conn, ev, 4), ==, 1);
    g_assert_cmpuint(ev[0].type, ==, VGT_EVENT_RESET);
    g_assert_cmpint(poll(&p, 1, 0), ==, 0);
    /* Reset unmapped A's entries; B is untouched. */
    {
        char buf[8];

        g_assert_cmpint(ops->gm_read(ca.conn, ca.info.mappable_base,
                         buf, 5), ==, -VGT_E_GM_UNMAPPED);
    }
    expect_page(&cb, cb.info.mappable_base, 'B', 7);
    g_assert_cmpint(map_page(&ca, ca.info.mappable_base >> 12, 7), ==, 0);
}

/*
 * Migration over the wire: engine state out and in, the dirty log of a
 * workload's store, a bitmap of VGT_DIRTY_READ_MAX_PAGES in one reply.
 */
static void test_migration(void)
{
    static guint64 bm[VGT_DIRTY_READ_MAX_PAGES / 64];
    struct pollfd p = { .fd = ops->event_fd(ca.conn), .events = POLLIN };
    struct vgt_mem_region big = { .gpa = MIB(1024), .size = MIB(128) };
    guint32 a0 = ca.info.mappable_base >> 12;
    struct vgt_engine_regs st, st2;
    struct vgt_shadow_info sh;
    struct vgt_workload wl = { 0 };
    struct vgt_event ev[4];
    int got = 0;

    g_assert_cmpint(ops->engine_regs_get(ca.conn, VGT_ENGINE_RCS, &st), ==,
                    0);
    g_assert_cmpuint(st.engine, ==, VGT_ENGINE_RCS);
    g_assert_cmpuint(st.nr_regs, >, 4);
    g_assert_cmpint(ops->engine_regs_get(ca.conn, 9, &st2), ==,
                    -VGT_E_ENGINE);
    for (guint32 i = 0; i < st.nr_regs; i++) {
        st.regs[i].value ^= 0x10;
    }
    g_assert_cmpint(ops->engine_regs_set(ca.conn, &st), ==, 0);
    g_assert_cmpint(ops->engine_regs_get(ca.conn, VGT_ENGINE_RCS, &st2), ==,
                    0);
    g_assert_cmpmem(&st, sizeof(st), &st2, sizeof(st2));
    st2.regs[0].offset = 0x2030;        /* RING_TAIL: not engine state */
    g_assert_cmpint(ops->engine_regs_set(ca.conn, &st2), ==, -VGT_E_REG);
    st2.nr_regs = VGT_ENGINE_REGS_MAX + 1;
    g_assert_cmpint(ops->engine_regs_set(ca.conn, &st2), ==, -VGT_E_INVAL);
    for (guint32 i = 0; i < st.nr_regs; i++) {
        st.regs[i].value ^= 0x10;
    }
    g_assert_cmpint(ops->engine_regs_set(ca.conn, &st), ==, 0);

    /* The dirty log: refused while off, then one store's page. */
    g_assert_cmpint(ops->dirty_read(ca.conn, 0, 64, bm), ==, -VGT_E_INVAL);
    g_assert_cmpint(ops->dirty_log(ca.conn, true), ==, 0);
    g_assert_cmpint(map_page(&ca, a0 + 5, 9), ==, 0);
    g_assert_cmpint(ops->shadow_map(ca.conn, &sh), ==, 0);
    {
        const guint32 ring[] = {
            0x10000002u | (1u << 22), 0,
            (guint32)ca.info.mappable_base + 5 * 4096 + 0x40, 0x600d,
        };

        memcpy((void *)(uintptr_t)sh.hva, ring, sizeof(ring));
        wl.id = 42;
        wl.start = sh.gm_addr;
        wl.length = sizeof(ring);
        wl.engine = VGT_ENGINE_RCS;
    }
    g_assert_cmpint(ops->submit(ca.conn, &wl), ==, 0);
    while (!got) {
        g_assert_cmpint(poll(&p, 1, 5000), ==, 1);
        got = ops->events_read(ca.conn, ev, 4);
        g_assert_cmpint(got, >=, 0);
    }
    g_assert_cmpuint(ev[got - 1].type, ==, VGT_EVENT_COMPLETE);
    g_assert_cmpuint(ev[got - 1].data, ==, 42);
    g_assert_cmpmem(ca.ram + 9 * 4096 + 0x40, 4,
                    &(guint32){ 0x600d }, 4);
    memset(bm, 0xff, sizeof(bm));
    g_assert_cmpint(ops->dirty_read(ca.conn, 0, RAM_SIZE >> 12, bm), ==, 0);
    for (guint32 w = 0; w < (RAM_SIZE >> 12) / 64; w++) {
        g_assert_cmphex(bm[w], ==, w == 0 ? 1ull << 9 : 0);
    }
    g_assert_cmpint(ops->dirty_read(ca.conn, 0, RAM_SIZE >> 12, bm), ==, 0);
    g_assert_cmphex(bm[0], ==, 0);

    /* The largest read travels in one reply. */
    big.fd = make_memfd(big.size, true, NULL, 0);
    g_assert_cmpint(ops->mem_register(ca.conn, &big), ==, 0);
    memset(bm, 0xff, sizeof(bm));
    g_assert_cmpint(ops->dirty_read(ca.conn, big.gpa,
                                    VGT_DIRTY_READ_MAX_PAGES, bm), ==, 0);
    for (guint32 w = 0; w < G_N_ELEMENTS(bm); w++) {
        g_assert_cmphex(bm[w], ==, 0);
    }
    g_assert_cmpint(ops->dirty_read(ca.conn, big.gpa,
                                    VGT_DIRTY_READ_MAX_PAGES + 1, bm), ==,
                    -VGT_E_INVAL);
    g_assert_cmpint(ops->dirty_read(ca.conn, big.gpa + big.size, 1, bm),
                    ==, -VGT_E_NOENT);
    g_assert_cmpint(ops->mem_unregister(ca.conn, big.gpa), ==, 0);
    close(big.fd);
    g_assert_cmpint(ops->dirty_log(ca.conn, false), ==, 0);
    g_assert_cmpint(ops->dirty_read(ca.conn, 0, 64, bm), ==, -VGT_E_INVAL);
    expect_page(&ca, ca.info.mappable_base, 'A', 7);
}

static int try_create_default(struct vgt_conn **conn)
{
    struct vgt_create_req req = {
        VGT_DEFAULT_MAPPABLE_SIZE, VGT_DEFAULT_NONMAPPABLE_SIZE,
        VGT_DEFAULT_FENCE_NUM, 0,
    };
    struct vgt_instance_info info;

    g_assert_cmpint(ops->connect(sock_path, conn), ==, 0);
    return ops->create(*conn, &req, &info);
}

static void test_kill_client(void)
{
    int ready[2], status, ret = -1;
    struct vgt_conn *probe, *fill[VGT_MAX_INSTANCES + 1];
    guint32 n = 0;
    char c;
    pid_t child;

    g_assert_cmpint(pipe(ready), ==, 0);
    child = fork();
    g_assert_cmpint(child, >=, 0);
    if (!child) {
        struct client k;

        /* A full VM: instance, memory, mapped pages; then killed. */
        client_up(&k, 'K');
        map_page(&k, k.info.mappable_base >> 12, 1);
        if (write(ready[1], "r", 1) != 1) {
            _exit(1);
        }
        pause();
        _exit(0);
    }
    close(ready[1]);
    g_assert_cmpint(read(ready[0], &c, 1), ==, 1);
    close(ready[0]);

    /*
     * Three default VMs fill the non-mappable GM; more share it (GM slots)
     * up to the helper's instance limit, and the next one is refused.
     */
    while (n <= VGT_MAX_INSTANCES && !(ret = try_create_default(&fill[n]))) {
        n++;
    }
    g_assert_cmpint(ret, ==, -VGT_E_NOSPC_HOST);
    ops->disconnect(fill[n]);
    g_assert_cmpuint(n + 3, ==, VGT_MAX_INSTANCES);
    ret = -1;

    kill(child, SIGKILL);
    g_assert_cmpint(waitpid(child, &status, 0), ==, child);
    /* The daemon notices the hang-up and frees the share (bounded). */
    for (int i = 0; i < 200 && ret; i++) {
        ret = try_create_default(&probe);
        if (ret) {
            ops->disconnect(probe);
            g_usleep(10000);
        }
    }
    g_assert_cmpint(ret, ==, 0);
    ops->disconnect(probe);
    while (n) {
        ops->disconnect(fill[--n]);
    }
    /* The others never noticed. */
    expect_page(&ca, ca.info.mappable_base, 'A', 7);
    expect_page(&cb, cb.info.mappable_base, 'B', 7);
    g_assert_true(daemon_alive());
}

static int raw_connect(void)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

    strcpy(sa.sun_path, sock_path);
    g_assert_cmpint(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), ==, 0);
    return fd;
}

/* Read one reply; returns its result or 1 when none came. */
static int raw_reply(int fd)
{
    union {
        guint8 b[VGT_MSG_MAX_SIZE];
        struct vgt_msg_hdr h;
    } in;
    struct pollfd p = { .fd = fd, .events = POLLIN };
    struct vgt_msg_reply rep;
    int fds[VGT_WIRE_MAX_FDS], nfds, trunc;
    ssize_t n;

    if (poll(&p, 1, 2000) != 1) {
        return 1;
    }
    n = vgt_wire_recv(fd, in.b, sizeof(in.b), fds, &nfds, &trunc, 0);
    vgt_wire_close_fds(fds, nfds);
    if (n < (ssize_t)(sizeof(in.h) + sizeof(rep))) {
        return 1;
    }
    g_assert_true(in.h.flags & VGT_MSG_FLAG_REPLY);
    memcpy(&rep, in.b + sizeof(in.h), sizeof(rep));
    return rep.result;
}

static void send_raw(int fd, const void *buf, size_t len, int pass_fd)
{
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } ctl;
    struct iovec iov = { (void *)buf, len };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

    if (pass_fd >= 0) {
        struct cmsghdr *cm;

        memset(&ctl, 0, sizeof(ctl));
        msg.msg_control = ctl.buf;
        msg.msg_controllen = sizeof(ctl.buf);
        cm = CMSG_FIRSTHDR(&msg);
        cm->cmsg_level = SOL_SOCKET;
        cm->cmsg_type = SCM_RIGHTS;
        cm->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(cm), &pass_fd, sizeof(int));
    }
    g_assert_cmpint(sendmsg(fd, &msg, MSG_NOSIGNAL), ==, (ssize_t)len);
}

static void test_malformed_messages(void)
{
    int fd = raw_connect();
    guint8 pkt[64] = { 0 };
    struct vgt_msg_hdr *h = (struct vgt_msg_hdr *)pkt;
    int efd = eventfd(0, EFD_CLOEXEC);

    /* Too short for a header. */
    send_raw(fd, pkt, 3, -1);
    g_assert_cmpint(raw_reply(fd), ==, -VGT_E_MSG);
    /* Size field disagrees with the packet. */
    *h = (struct vgt_msg_hdr){ VGT_MSG_INFO, VGT_ABI_VERSION, 8, 1 };
    send_raw(fd, pkt, sizeof(*h), -1);
    g_assert_cmpint(raw_reply(fd), ==, -VGT_E_MSG);
    /* Unknown types. */
    *h = (struct vgt_msg_hdr){ 0, VGT_ABI_VERSION, 0, 2 };
    send_raw(fd, pkt, sizeof(*h), -1);
    g_assert_cmpint(raw_reply(fd), ==, -VGT_E_MSG);
    h->type = VGT_MSG_TYPE_MAX + 1;
    send_raw(fd, pkt, sizeof(*h), -1);
    g_assert_cmpint(raw_reply(fd), ==, -VGT_E_MSG);
    /* Wrong version, reply bit set in a request. */
    *h = (struct vgt_msg_hdr){ VGT_MSG_INFO, VGT_ABI_VERSION + 1, 0, 3 };
    send_raw(fd, pkt, sizeof(*h), -1);
    g_assert_cmpint(raw_reply(fd), ==, -VGT_E_VERSION);
    h->flags = VGT_ABI_VERSION | VGT_MSG_FLAG_REPLY;
    send_raw(fd, pkt, sizeof(*h), -1);
    g_assert_cmpint(raw_reply(fd), ==, -VGT_E_VERSION);
    /* Right type, wrong payload size. */
    *h = (struct vgt_msg_hdr){ VGT_MSG_CREATE, VGT_ABI_VERSION, 8, 4 };
    send_raw(fd, pkt, sizeof(*h) + 8, -1);
    g_assert_cmpint(raw_reply(fd), ==, -VGT_E_MSG);
    /* A descriptor where none belongs; none where one must be. */
    *h = (struct vgt_msg_hdr){ VGT_MSG_HELLO, VGT_ABI_VERSION, 8, 5 };
    pkt[sizeof(*h)] = VGT_ABI_VERSION;
    send_raw(fd, pkt, sizeof(*h) + 8, efd);
    g_assert_cmpint(raw_reply(fd), ==, -VGT_E_BADFD);
    *h = (struct vgt_msg_hdr){ VGT_MSG_SET_EVENT_FD, VGT_ABI_VERSION, 0, 6 };
    send_raw(fd, pkt, sizeof(*h), -1);
    g_assert_cmpint(raw_reply(fd), ==, -VGT_E_BADFD);
    /* Something that is not an eventfd as the event fd. */
    send_raw(fd, pkt, sizeof(*h), STDIN_FILENO);
    g_assert_cmpint(raw_reply(fd), ==, -VGT_E_BADFD);
    send_raw(fd, pkt, sizeof(*h), efd);
    g_assert_cmpint(raw_reply(fd), ==, 0);
    /* Requests that need an instance, before there is one. */
    *h = (struct vgt_msg_hdr){ VGT_MSG_STATS, VGT_ABI_VERSION, 0, 7 };
    send_raw(fd, pkt, sizeof(*h), -1);
    g_assert_cmpint(raw_reply(fd), ==, -VGT_E_NOINST);
    /* An empty packet is an error, not a hang-up. */
    send_raw(fd, pkt, 0, -1);
    g_assert_cmpint(raw_reply(fd), ==, -VGT_E_MSG);
    /* Oversized: truncated on receipt, refused. */
    {
        guint8 *big = g_malloc0(VGT_MSG_MAX_SIZE + 512);

        *(struct vgt_msg_hdr *)big = (struct vgt_msg_hdr){
            VGT_MSG_GTT_WRITE, VGT_ABI_VERSION,
            VGT_MSG_MAX_SIZE + 512 - sizeof(*h), 8 };
        send_raw(fd, big, VGT_MSG_MAX_SIZE + 512, -1);
        g_assert_cmpint(raw_reply(fd), ==, -VGT_E_MSG);
        g_free(big);
    }
    close(efd);
    close(fd);
    g_assert_true(daemon_alive());
}

/* Request payload sizes (GTT_WRITE: its head; entries follow). */
static const guint32 payload_size[VGT_MSG_TYPE_MAX + 1] = {
    [VGT_MSG_HELLO] = sizeof(struct vgt_msg_hello),
    [VGT_MSG_CREATE] = sizeof(struct vgt_create_req),
    [VGT_MSG_MEM_REGISTER] = sizeof(struct vgt_mem_region),
    [VGT_MSG_MEM_UNREGISTER] = sizeof(struct vgt_msg_u64),
    [VGT_MSG_GTT_WRITE] = sizeof(struct vgt_msg_gtt_write),
    [VGT_MSG_GTT_READ] = sizeof(struct vgt_msg_u64),
    [VGT_MSG_FENCE_WRITE] = sizeof(struct vgt_msg_fence),
    [VGT_MSG_GM_READ] = sizeof(struct vgt_msg_gm_read),
    [VGT_MSG_EVENTS_READ] = sizeof(struct vgt_msg_u64),
    [VGT_MSG_SUBMIT] = sizeof(struct vgt_workload),
    [VGT_MSG_SET_WEIGHT] = sizeof(struct vgt_msg_u64),
    [VGT_MSG_ENGINE_REGS_GET] = sizeof(struct vgt_msg_u64),
    [VGT_MSG_ENGINE_REGS_SET] = sizeof(struct vgt_engine_regs),
    [VGT_MSG_DIRTY_LOG] = sizeof(struct vgt_msg_u64),
    [VGT_MSG_DIRTY_READ] = sizeof(struct vgt_msg_dirty_read),
};

/* Give a raw connection an instance so payload handlers are reached. */
static void raw_create(int fd)
{
    guint8 pkt[sizeof(struct vgt_msg_hdr) + sizeof(struct vgt_create_req)];
    struct vgt_msg_hdr h = { VGT_MSG_CREATE, VGT_ABI_VERSION,
                 sizeof(struct vgt_create_req), 1 };
    struct vgt_create_req req = { 1 << 20, 0, 0, 0 };

    memcpy(pkt, &h, sizeof(h));
    memcpy(pkt + sizeof(h), &req, sizeof(req));
    send_raw(fd, pkt, sizeof(pkt), -1);
    g_assert_cmpint(raw_reply(fd), ==, 0);
}

static void test_garbage_stream(void)
{
    GRand *rnd = g_rand_new_with_seed(0x76677400);
    guint8 *pkt = g_malloc(VGT_MSG_MAX_SIZE + 256);
    int fd = raw_connect(), efd = eventfd(0, EFD_CLOEXEC);
    int pipefd[2], memfd = make_memfd(MIB(1), true, NULL, 0);
    gint64 deadline = g_get_monotonic_time() + 60 * G_USEC_PER_SEC;
    int replies = 0, reconnects = 0;

    g_assert_cmpint(pipe(pipefd), ==, 0);
    raw_create(fd);
    for (int i = 0; i < GARBAGE_PACKETS &&
         g_get_monotonic_time() < deadline; i++) {
        struct vgt_msg_hdr *h = (struct vgt_msg_hdr *)pkt;
        guint32 len = g_rand_int_range(rnd, 0, 200);
        int pass = -1, kind = g_rand_int_range(rnd, 0, 10);

        if (kind == 9) {
            len = g_rand_int_range(rnd, 0, VGT_MSG_MAX_SIZE + 256);
        }
        for (guint32 j = 0; j < len; j++) {
            pkt[j] = g_rand_int(rnd);
        }
        /* Mostly plausible headers so the payload checks are hit. */
        if (kind == 7 || kind == 8) {
            /* A perfect envelope around a random payload. */
            guint32 t = g_rand_int_range(rnd, 1,
                             VGT_MSG_TYPE_MAX + 1);

            len = sizeof(*h) + payload_size[t];
            if (t == VGT_MSG_GTT_WRITE) {
                guint32 n = g_rand_int_range(rnd, 0, 5);

                len += n * sizeof(struct vgt_gtt_entry);
                for (guint32 j = 0; j < len; j++) {
                    pkt[j] = g_rand_int(rnd);
                }
                memcpy(pkt + sizeof(*h), &n, sizeof(n));
                memset(pkt + sizeof(*h) + 4, 0, 4);
            }
            h->type = t;
            h->flags = VGT_ABI_VERSION;
            h->size = len - sizeof(*h);
        } else if (len >= sizeof(*h) && kind < 7) {
            h->type = g_rand_int_range(rnd, 0, VGT_MSG_TYPE_MAX + 2);
            h->flags = VGT_ABI_VERSION;
            h->size = kind < 4 ? len - sizeof(*h) :
                  (guint32)g_rand_int_range(rnd, 0, 300);
        }
        switch (g_rand_int_range(rnd, 0, 8)) {
        case 0:
            pass = efd;
            break;
        case 1:
            pass = pipefd[0];
            break;
        case 2:
            pass = memfd;
            break;
        default:
            break;
        }
        send_raw(fd, pkt, len, pass);
        if (raw_reply(fd) != 1) {
            replies++;
        }
        /* Sometimes hang up mid-request, without reading the reply. */
        if (g_rand_int_range(rnd, 0, 50) == 0) {
            close(fd);
            fd = raw_connect();
            raw_create(fd);
            reconnects++;
        }
    }
    g_test_message("garbage: %d packets answered, %d reconnects",
               replies, reconnects);
    g_assert_cmpint(replies, >, GARBAGE_PACKETS / 2);
    close(fd);
    close(efd);
    close(memfd);
    close(pipefd[0]);
    close(pipefd[1]);
    g_free(pkt);
    g_rand_free(rnd);

    g_assert_true(daemon_alive());
    /* Both real clients still work; a new one can still connect. */
    expect_page(&ca, ca.info.mappable_base, 'A', 7);
    expect_page(&cb, cb.info.mappable_base, 'B', 7);
    {
        struct vgt_conn *c;

        g_assert_cmpint(ops->connect(sock_path, &c), ==, 0);
        ops->disconnect(c);
    }
}

static void test_destroy_frees(void)
{
    struct vgt_instance_info again;
    struct vgt_create_req req = {
        VGT_DEFAULT_MAPPABLE_SIZE, VGT_DEFAULT_NONMAPPABLE_SIZE,
        VGT_DEFAULT_FENCE_NUM, 0,
    };

    g_assert_cmpint(ops->destroy(cb.conn), ==, 0);
    g_assert_cmpint(ops->info(cb.conn, &again), ==, -VGT_E_NOINST);
    g_assert_cmpint(ops->create(cb.conn, &req, &again), ==, 0);
    g_assert_cmpuint(again.mappable_base, ==, cb.info.mappable_base);
    expect_page(&ca, ca.info.mappable_base, 'A', 7);
}

static void test_sigterm(void)
{
    int status = -1;

    ops->disconnect(ca.conn);
    ops->disconnect(cb.conn);
    g_assert_cmpint(kill(daemon_pid, SIGTERM), ==, 0);
    for (int i = 0; i < 500; i++) {
        if (waitpid(daemon_pid, &status, WNOHANG) == daemon_pid) {
            break;
        }
        g_usleep(10000);
    }
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 0);
    g_assert_cmpint(access(sock_path, F_OK), !=, 0);
    daemon_pid = 0;
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    signal(SIGPIPE, SIG_IGN);
    g_test_add_func("/hostd/start", test_start);
    g_test_add_func("/hostd/two-clients-partitions",
            test_two_clients_partitions);
    g_test_add_func("/hostd/gtt-and-isolation", test_gtt_and_isolation);
    g_test_add_func("/hostd/bad-memory", test_bad_memory);
    g_test_add_func("/hostd/events", test_events);
    g_test_add_func("/hostd/migration", test_migration);
    g_test_add_func("/hostd/kill-client-frees-share", test_kill_client);
    g_test_add_func("/hostd/malformed-messages", test_malformed_messages);
    g_test_add_func("/hostd/garbage-stream", test_garbage_stream);
    g_test_add_func("/hostd/destroy-frees", test_destroy_frees);
    g_test_add_func("/hostd/sigterm", test_sigterm);
    ret = g_test_run();
    if (daemon_pid > 0) {
        kill(daemon_pid, SIGKILL);
    }
    return ret;
}
