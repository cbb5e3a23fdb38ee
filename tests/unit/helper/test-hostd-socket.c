// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Socket test of vgt-hostd: two clients share the daemon, each registers
 * memfd memory and writes GTT entries; neither reaches the other's memory
 * or GM; a client killed mid-request frees its share while the other goes
 * on; a stream of garbage packets does not bring the daemon down; SIGTERM
 * stops it cleanly.  The quotas: one client cannot take what another VM
 * needs to start and run (guest memory, regions, the software Haswell's
 * device address space and dma_map table, connections of a uid), and is
 * told so.  The daemon binary comes from $VGT_HOSTD, its socket
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
#include <limits.h>
#include "hw/vgt.h"
#include "hw/vgt-host-ops.h"
#include "core/vgt-core.h"      /* VGT_MAX_INSTANCES */
#include "hsw/hsw-regs.h"       /* PTEs and engine registers */
#include "hostd-spawn.h"
#include <sys/prctl.h>
#include "client/vgt-wire.h"

#define MIB(x) ((guint64)(x) << 20)
#define GIB(x) ((guint64)(x) << 30)
#define RAM_SIZE MIB(4)
#define GARBAGE_PACKETS 3000
#define HOSTD_TEST_MAX_CLIENTS 128     /* vgt-hostd's connection slots */

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
    /* Other uids connect too (a uid has 96 connections: --max-conns-per-uid) */
    g_assert_cmpint(chmod(sock_path, 0666), ==, 0);
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

        /*
         * A full VM: instance, memory, mapped pages; then killed.  Of
         * another uid: this one fills the other 63 instances and one more
         * connection.
         */
        if (!geteuid() && (setresgid(65534, 65534, 65534) ||
                           setresuid(65534, 65534, 65534))) {
            _exit(1);
        }
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

/*
 * Read one reply within 2 s: its result, or 1 when none came.  Its
 * header goes to *@h, up to @max bytes of its body to @body, its
 * descriptor to *@rfd (-1 when none), where those are not NULL.
 */
static int raw_recv(int fd, struct vgt_msg_hdr *h, void *body, size_t max,
                    int *rfd)
{
    union {
        guint8 b[VGT_MSG_MAX_SIZE];
        struct vgt_msg_hdr h;
    } in;
    struct pollfd p = { .fd = fd, .events = POLLIN };
    struct vgt_msg_reply rep;
    int fds[VGT_WIRE_MAX_FDS], nfds, trunc;
    ssize_t n;

    if (rfd) {
        *rfd = -1;
    }
    if (poll(&p, 1, 2000) != 1) {
        return 1;
    }
    n = vgt_wire_recv(fd, in.b, sizeof(in.b), fds, &nfds, &trunc, 0);
    if (rfd && nfds == 1) {
        *rfd = fds[0];
        nfds = 0;
    }
    vgt_wire_close_fds(fds, nfds);
    if (n < (ssize_t)(sizeof(in.h) + sizeof(rep))) {
        return 1;
    }
    g_assert_true(in.h.flags & VGT_MSG_FLAG_REPLY);
    memcpy(&rep, in.b + sizeof(in.h), sizeof(rep));
    if (h) {
        *h = in.h;
    }
    if (body) {
        memcpy(body, in.b + sizeof(in.h) + sizeof(rep),
               MIN(max, n - sizeof(in.h) - sizeof(rep)));
    }
    return rep.result;
}

static int raw_reply(int fd)
{
    return raw_recv(fd, NULL, NULL, 0, NULL);
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
    [VGT_MSG_NOTIFY_POLICY] = sizeof(struct vgt_notify_policy),
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

/* ---- quotas ------------------------------------------------------------- */

/* The log (stderr) of the daemon on sock holds needle. */
static bool log_has(const char *sock, const char *needle)
{
    char path[PATH_MAX];
    gchar *text = NULL;
    bool found;

    snprintf(path, sizeof(path), "%s.log", sock);
    if (!g_file_get_contents(path, &text, NULL, NULL)) {
        return false;
    }
    found = strstr(text, needle) != NULL;
    g_free(text);
    return found;
}

static int connect_create(const char *sock, struct vgt_conn **conn,
                          struct vgt_instance_info *info)
{
    struct vgt_create_req req = {
        VGT_DEFAULT_MAPPABLE_SIZE, VGT_DEFAULT_NONMAPPABLE_SIZE,
        VGT_DEFAULT_FENCE_NUM, 0,
    };
    int ret = ops->connect(sock, conn);

    return ret ? ret : ops->create(*conn, &req, info);
}

static int map_gfn(struct vgt_conn *c, guint32 index, guint64 gfn)
{
    struct vgt_gtt_entry e = { index, VGT_PTE_VALID, gfn };

    return ops->gtt_write(c, &e, 1, NULL);
}

/*
 * A VM at work: 1 MiB of RAM at gpa 0, its page 3 in GM, a store there
 * through the shadow area, the workload's COMPLETE and the value in RAM.
 */
static void vm_workload(struct vgt_conn *c, const struct vgt_instance_info *in,
                        guint32 value)
{
    struct vgt_mem_region r = { .gpa = 0, .size = MIB(1) };
    struct pollfd p = { .fd = ops->event_fd(c), .events = POLLIN };
    const guint32 ring[] = {
        0x10000002u | (1u << 22), 0, (guint32)in->mappable_base + 0x40,
        value,
    };
    struct vgt_workload wl = { 0 };
    struct vgt_shadow_info sh;
    struct vgt_event ev[8];
    bool done = false;
    guint8 *ram;

    r.fd = make_memfd(r.size, true, &ram, 'W');
    g_assert_cmpint(ops->mem_register(c, &r), ==, 0);
    g_assert_cmpint(map_gfn(c, in->mappable_base >> 12, 3), ==, 0);
    g_assert_cmpint(ops->shadow_map(c, &sh), ==, 0);
    memcpy((void *)(uintptr_t)sh.hva, ring, sizeof(ring));
    wl.id = 77;
    wl.start = sh.gm_addr;
    wl.length = sizeof(ring);
    wl.engine = VGT_ENGINE_RCS;
    g_assert_cmpint(ops->submit(c, &wl), ==, 0);
    while (!done) {
        int got;

        g_assert_cmpint(poll(&p, 1, 5000), ==, 1);
        got = ops->events_read(c, ev, G_N_ELEMENTS(ev));
        g_assert_cmpint(got, >=, 0);
        for (int i = 0; i < got; i++) {
            g_assert_cmpuint(ev[i].type, !=, VGT_EVENT_FAULT);
            done |= ev[i].type == VGT_EVENT_COMPLETE && ev[i].data == 77;
        }
    }
    g_assert_cmpmem(ram + 3 * 4096 + 0x40, 4, &value, 4);
    g_assert_cmpint(ops->mem_unregister(c, 0), ==, 0);
    munmap(ram, r.size);
    close(r.fd);
}

/*
 * Register as much of a sparse memfd as the daemon takes: pieces of size
 * bytes, halved on each refusal down to 1 MiB.  Returns the bytes taken;
 * *last is the last refusal.
 */
static guint64 fill_sparse(struct vgt_conn *c, int fd, guint64 size,
                           guint64 *gpa, int *nreg, int *last)
{
    guint64 got = 0;

    while (size >= MIB(1) && *nreg < VGT_MAX_MEM_REGIONS) {
        struct vgt_mem_region r = { .gpa = *gpa, .size = size, .fd = fd };
        int ret = ops->mem_register(c, &r);

        if (!ret) {
            *gpa += size;
            got += size;
            (*nreg)++;
        } else {
            *last = ret;
            size /= 2;
        }
    }
    return got;
}

/*
 * One client registers sparse memory until refused.  Without a quota it
 * took the software Haswell's whole device address space (508 GiB) and
 * the next VM could not be created (VGT_E_NOMEM).  Now: 64 GiB, then
 * VGT_E_QUOTA, logged; the client goes on working, another VM runs.
 */
static void test_quota_sparse_memory(void)
{
    struct vgt_instance_info xi, yi;
    struct vgt_conn *x, *y;
    struct vgt_mem_region r = { .gpa = 0, .size = GIB(64) };
    int fd = make_memfd(GIB(64), true, NULL, 0), nreg = 0, last = 0, ret;
    guint64 gpa = 0, got;

    g_assert_cmpint(connect_create(sock_path, &x, &xi), ==, 0);
    got = fill_sparse(x, fd, GIB(64), &gpa, &nreg, &last);
    g_test_message("one client registered %" G_GUINT64_FORMAT " MiB of "
                   "sparse memory in %d regions, then: %s", got >> 20, nreg,
                   vgt_strerror(last));
    ret = connect_create(sock_path, &y, &yi);
    g_test_message("another VM's create: %s", vgt_strerror(ret));
    g_assert_cmpint(ret, ==, 0);
    vm_workload(y, &yi, 0x5a5a0001);

    g_assert_cmpuint(got, ==, GIB(64));
    g_assert_cmpint(last, ==, -VGT_E_QUOTA);
    g_assert_true(log_has(sock_path, "guest memory region of 64 GiB refused: "
                          "64 GiB registered, the quota is 64 GiB "
                          "(--max-mem-per-vm)"));
    /* Its other requests are answered; what it gives back it gets again. */
    g_assert_cmpint(map_gfn(x, xi.mappable_base >> 12, 5), ==, 0);
    r.fd = fd;
    r.gpa = gpa;
    g_assert_cmpint(ops->mem_register(x, &r), ==, -VGT_E_QUOTA);
    g_assert_cmpint(ops->mem_unregister(x, 0), ==, 0);
    g_assert_cmpint(ops->mem_register(x, &r), ==, 0);
    /* A region larger than the quota: the quota's error, not EINVAL. */
    g_assert_cmpint(ops->mem_unregister(x, gpa), ==, 0);
    r.size = GIB(65);
    g_assert_cmpint(ops->mem_register(x, &r), ==, -VGT_E_QUOTA);
    ops->disconnect(x);
    ops->disconnect(y);
    close(fd);
    expect_page(&ca, ca.info.mappable_base, 'A', 7);
}

/* Regions: 32 a client by default, then VGT_E_QUOTA. */
static void test_quota_regions(void)
{
    struct vgt_instance_info xi, yi;
    struct vgt_conn *x, *y;
    struct vgt_mem_region r = { .size = 4096 };
    struct vgt_stats st;
    guint32 n = 0;
    int ret;

    r.fd = make_memfd(MIB(1), true, NULL, 0);
    g_assert_cmpint(connect_create(sock_path, &x, &xi), ==, 0);
    while (n <= VGT_MAX_MEM_REGIONS) {
        r.gpa = (guint64)n * 8192;
        ret = ops->mem_register(x, &r);
        if (ret) {
            break;
        }
        n++;
    }
    g_assert_cmpint(ret, ==, -VGT_E_QUOTA);
    g_assert_cmpuint(n, ==, 32);
    g_assert_true(log_has(sock_path, "guest memory region refused: 32 "
                          "regions registered, the quota is 32 "
                          "(--max-regions-per-vm)"));
    g_assert_cmpint(ops->stats(x, &st), ==, 0);
    g_assert_cmpint(map_gfn(x, xi.mappable_base >> 12, 2), ==, 0);
    g_assert_cmpint(ops->mem_unregister(x, 0), ==, 0);
    r.gpa = 0;
    g_assert_cmpint(ops->mem_register(x, &r), ==, 0);
    g_assert_cmpint(connect_create(sock_path, &y, &yi), ==, 0);
    vm_workload(y, &yi, 0x5a5a0002);
    ops->disconnect(x);
    ops->disconnect(y);
    close(r.fd);
}

/*
 * Guest memory of all VMs shares the device address space (508 GiB) with
 * what each instance maps of its own.  Eight VMs take what they can: the
 * eighth is refused with VGT_E_NOMEM when the share is gone, and a new VM
 * can still be created and map its shadow area (the daemon kept that
 * back); once one of them leaves, it runs.
 */
/*
 * Once a client that held the shared space has gone (the daemon sees the
 * hang-up in its own time), @c's region @r is accepted: register it, give
 * it back, and run a workload storing @seq.
 */
static void register_once_freed(struct vgt_conn *c,
                                const struct vgt_instance_info *info,
                                const struct vgt_mem_region *r, guint32 seq)
{
    int ret = 1;

    for (int i = 0; i < 200 && ret; i++) {
        ret = ops->mem_register(c, r);
        if (ret) {
            g_usleep(10000);
        }
    }
    g_assert_cmpint(ret, ==, 0);
    g_assert_cmpint(ops->mem_unregister(c, r->gpa), ==, 0);
    vm_workload(c, info, seq);
}

static void test_quota_shared_space(void)
{
    struct vgt_conn *x[8], *y;
    struct vgt_instance_info xi, yi;
    struct vgt_shadow_info sh;
    struct vgt_mem_region r = { .gpa = 0, .size = MIB(1) };
    int fd = make_memfd(GIB(64), true, NULL, 0), last = 0;
    guint64 total = 0;

    for (int i = 0; i < 8; i++) {
        int nreg = 0;
        guint64 gpa = 0;

        g_assert_cmpint(connect_create(sock_path, &x[i], &xi), ==, 0);
        total += fill_sparse(x[i], fd, GIB(64), &gpa, &nreg, &last);
    }
    g_test_message("8 clients registered %" G_GUINT64_FORMAT " MiB, then: "
                   "%s", total >> 20, vgt_strerror(last));
    g_assert_cmpint(last, ==, -VGT_E_NOMEM);
    g_assert_cmpuint(total, >, GIB(500));
    g_assert_true(log_has(sock_path, "the device address space for guest "
                          "memory is taken"));
    g_assert_cmpint(connect_create(sock_path, &y, &yi), ==, 0);
    g_assert_cmpint(ops->shadow_map(y, &sh), ==, 0);
    r.fd = fd;
    g_assert_cmpint(ops->mem_register(y, &r), ==, -VGT_E_NOMEM);
    ops->disconnect(x[7]);
    register_once_freed(y, &yi, &r, 0x5a5a0003);
    for (int i = 0; i < 7; i++) {
        ops->disconnect(x[i]);
    }
    ops->disconnect(y);
    close(fd);
}

/* A VM of another uid, in a child: 0 if it could start and work. */
static int other_uid_vm(const char *sock)
{
    pid_t child = fork();
    int status;

    g_assert_cmpint(child, >=, 0);
    if (!child) {
        struct vgt_instance_info info;
        struct vgt_conn *c;

        if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534)
            || connect_create(sock, &c, &info)) {
            _exit(2);
        }
        vm_workload(c, &info, 0x5a5a0004);
        ops->disconnect(c);
        _exit(0);
    }
    g_assert_cmpint(waitpid(child, &status, 0), ==, child);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/*
 * Connections of one uid: 96 by default (the daemon has 128 slots), then
 * connect fails with VGT_E_QUOTA.  Another uid still gets in.
 */
static void test_quota_conns_per_uid(void)
{
    struct vgt_conn *c[HOSTD_TEST_MAX_CLIENTS];
    guint32 n = 0;
    int ret = 0;

    if (geteuid()) {
        g_test_skip("needs root for a second uid");
        return;
    }
    /* ca and cb are this uid's two connections so far. */
    while (n < G_N_ELEMENTS(c) && !(ret = ops->connect(sock_path, &c[n]))) {
        n++;
    }
    g_assert_cmpint(ret, ==, -VGT_E_QUOTA);
    g_assert_cmpuint(n + 2, ==, 96);
    g_assert_true(log_has(sock_path, "this uid's connections are at the "
                          "quota (--max-conns-per-uid) (96): over this "
                          "client's quota"));
    /* Its connections work; another uid's VM starts and runs. */
    expect_page(&ca, ca.info.mappable_base, 'A', 7);
    g_assert_cmpint(other_uid_vm(sock_path), ==, 0);
    /* One gone, one more may come. */
    ops->disconnect(c[--n]);
    ret = 1;
    for (int i = 0; i < 200 && ret; i++) {
        ret = ops->connect(sock_path, &c[n]);
        if (ret) {
            g_usleep(10000);
        }
    }
    g_assert_cmpint(ret, ==, 0);
    n++;
    while (n) {
        ops->disconnect(c[--n]);
    }
}

/*
 * A client that sends requests and reads no replies has one request in
 * the daemon at a time; when its replies cannot be sent it is dropped.
 * The others are served meanwhile.
 */
static void test_quota_flood(void)
{
    guint8 pkt[sizeof(struct vgt_msg_hdr) + sizeof(struct vgt_msg_hello)];
    struct vgt_msg_hdr h = { VGT_MSG_HELLO, VGT_ABI_VERSION,
                             sizeof(struct vgt_msg_hello), 0 };
    struct vgt_msg_hello hello = { VGT_ABI_VERSION, 0 };
    int fd = raw_connect(), sent = 0;
    gint64 deadline = g_get_monotonic_time() + 20 * G_USEC_PER_SEC;
    bool dropped = false;

    while (!dropped && g_get_monotonic_time() < deadline) {
        h.seq++;
        memcpy(pkt, &h, sizeof(h));
        memcpy(pkt + sizeof(h), &hello, sizeof(hello));
        if (send(fd, pkt, sizeof(pkt), MSG_DONTWAIT | MSG_NOSIGNAL) ==
            (ssize_t)sizeof(pkt)) {
            sent++;
        } else if (errno == EPIPE || errno == ECONNRESET) {
            dropped = true;
        } else {
            /* Its queue is full: the others still get answers. */
            expect_page(&ca, ca.info.mappable_base, 'A', 7);
            g_usleep(1000);
        }
    }
    g_test_message("flood: %d requests sent before the drop", sent);
    g_assert_true(dropped);
    g_assert_true(log_has(sock_path, "reply could not be sent"));
    close(fd);
    expect_page(&cb, cb.info.mappable_base, 'B', 7);
}

/* ---- a vgt-hostd with options of its own -------------------------------- */

/* Start vgt-hostd with args; wait for its socket if wait_sock. */
static pid_t spawn_with(const char *sock, const char *const *args,
                        bool wait_sock)
{
    const char *bin = g_getenv("VGT_HOSTD");
    pid_t pid = fork();

    g_assert_cmpint(pid, >=, 0);
    if (!pid) {
        const char *argv[16] = { bin, "--socket", sock };
        char log[PATH_MAX];
        int fd, n = 3;

        prctl(PR_SET_PDEATHSIG, SIGKILL);
        snprintf(log, sizeof(log), "%s.log", sock);
        fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd >= 0) {
            dup2(fd, STDERR_FILENO);
        }
        while (*args && n < 15) {
            argv[n++] = *args++;
        }
        execv(bin, (char **)argv);
        _exit(127);
    }
    for (int i = 0; wait_sock && i < 500; i++) {
        struct stat st;

        if (!stat(sock, &st) && S_ISSOCK(st.st_mode)) {
            return pid;
        }
        g_usleep(10000);
    }
    if (wait_sock) {
        g_error("vgt-hostd did not create %s; see %s.log", sock, sock);
    }
    return pid;
}

static void stop_daemon(pid_t pid)
{
    int status;

    kill(pid, SIGTERM);
    g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 0);
}

/*
 * The software Haswell's dma_map table (4096 entries) is shared: with 64
 * regions allowed per VM, 63 VMs of 64 tiny regions each would fill it and
 * the last VM could not be created.  The daemon keeps each instance's
 * entries back: the regions beyond the share are refused (VGT_E_NOMEM),
 * a new VM is created and maps its shadow area, and runs once room is
 * made.  Options are checked too.
 */
static void test_quota_dma_table(void)
{
    static const char *const args[] = {
        "--max-regions-per-vm", "64", "--max-conns-per-uid", "128", NULL,
    };
    static const char *const bad[][3] = {
        { "--max-mem-per-vm", "1X", NULL },
        { "--max-mem-per-vm", "4K", NULL },
        { "--max-regions-per-vm", "65", NULL },
        { "--max-conns-per-uid", "0", NULL },
    };
    struct vgt_conn *x[VGT_MAX_INSTANCES], *y;
    struct vgt_instance_info xi, yi;
    struct vgt_mem_region r = { .size = 4096 };
    struct vgt_shadow_info sh;
    char sock[sizeof(sock_path) + 8];
    guint32 nx = 0, total = 0;
    int last = 0, ret = 1;
    pid_t pid;

    snprintf(sock, sizeof(sock), "%s.dma", sock_path);
    for (guint32 i = 0; i < G_N_ELEMENTS(bad); i++) {
        int status;

        pid = spawn_with(sock, bad[i], false);
        g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
        g_assert_true(WIFEXITED(status));
        g_assert_cmpint(WEXITSTATUS(status), ==, 2);
    }
    pid = spawn_with(sock, args, true);
    r.fd = make_memfd(MIB(1), true, NULL, 0);
    while (nx < VGT_MAX_INSTANCES - 1 &&
           !connect_create(sock, &x[nx], &xi)) {
        for (guint32 i = 0; i < VGT_MAX_MEM_REGIONS; i++) {
            r.gpa = (guint64)i * 8192;
            ret = ops->mem_register(x[nx], &r);
            if (ret) {
                last = ret;
                break;
            }
            total++;
        }
        nx++;
    }
    g_test_message("%u VMs registered %u regions, then: %s", nx, total,
                   vgt_strerror(last));
    ret = connect_create(sock, &y, &yi);
    g_test_message("another VM's create: %s", vgt_strerror(ret));
    g_assert_cmpint(ret, ==, 0);
    g_assert_cmpint(ops->shadow_map(y, &sh), ==, 0);
    g_assert_cmpint(nx, ==, VGT_MAX_INSTANCES - 1);
    g_assert_cmpint(last, ==, -VGT_E_NOMEM);
    /* 4096 entries less the scratch page and 2 for each instance. */
    g_assert_cmpuint(total, ==, 4096 - 1 - 2 * VGT_MAX_INSTANCES);
    g_assert_true(log_has(sock, "the device address space for guest "
                          "memory is taken"));
    g_assert_true(log_has(sock, "overcommitted"));
    r.gpa = 0;
    g_assert_cmpint(ops->mem_register(y, &r), ==, -VGT_E_NOMEM);
    ops->disconnect(x[--nx]);
    ops->disconnect(x[--nx]);
    register_once_freed(y, &yi, &r, 0x5a5a0005);
    while (nx) {
        ops->disconnect(x[--nx]);
    }
    ops->disconnect(y);
    close(r.fd);
    stop_daemon(pid);
}

/*
 * Shadow PPGTT over the wire (ppgtt_sync, message 23): a client's page
 * directory in its GM, its page table in its RAM; the sync's count of
 * rewritten shadow entries, a PPGTT store through the shadow, a PTE the
 * guest rewrites after the sync (the GPU keeps the validated entry until
 * the next sync, which then refuses it), and the refusals.
 */
#define PP_PD_OFF       0x300000u       /* GM: the 512 PDEs */
#define PP_PT_RAM       0x3f0000u       /* RAM: the page table */
#define PP_DATA_RAM     0x380000u       /* RAM: PPGTT VA 0.. maps here */
#define PP_OUTSIDE_GPA  0x7fff0000ull   /* no RAM there */

/* Run one PPGTT store of @v at VA @va on RCS; the last event's type. */
static guint32 ppgtt_store(struct client *c, guint32 va, guint32 v)
{
    struct pollfd p = { .fd = ops->event_fd(c->conn), .events = POLLIN };
    const guint32 ring[] = { 0x10000002u, 0, va, v };
    static guint64 id = 1000;
    struct vgt_shadow_info sh;
    struct vgt_workload wl = { 0 };
    struct vgt_event ev[8];
    guint32 type = 0;
    int got, i;

    g_assert_cmpint(ops->shadow_map(c->conn, &sh), ==, 0);
    memcpy((void *)(uintptr_t)sh.hva, ring, sizeof(ring));
    wl.id = ++id;
    wl.start = sh.gm_addr;
    wl.length = sizeof(ring);
    wl.engine = VGT_ENGINE_RCS;
    wl.regs[0].offset = hsw_engines[VGT_ENGINE_RCS].hws_pga;
    wl.regs[0].value = (guint32)c->info.mappable_base;
    wl.regs[1].offset = RING_PP_DIR_DCLV(RENDER_RING_BASE);
    wl.regs[1].value = 0xffffffff;
    wl.regs[2].offset = RING_PP_DIR_BASE(RENDER_RING_BASE);
    wl.regs[2].value = (guint32)(c->info.mappable_base + PP_PD_OFF) &
                       0xffff0000u;
    wl.nr_regs = 3;
    g_assert_cmpint(ops->submit(c->conn, &wl), ==, 0);
    for (;;) {
        g_assert_cmpint(poll(&p, 1, 5000), ==, 1);
        got = ops->events_read(c->conn, ev, 8);
        g_assert_cmpint(got, >=, 0);
        for (i = 0; i < got; i++) {
            if (ev[i].type == VGT_EVENT_FAULT) {
                type = VGT_EVENT_FAULT;
            }
            if (ev[i].type == VGT_EVENT_COMPLETE && ev[i].data == wl.id) {
                return type ? type : VGT_EVENT_COMPLETE;
            }
        }
    }
}

static guint32 ram32(struct client *c, guint32 off)
{
    guint32 v;

    memcpy(&v, c->ram + off, 4);
    return v;
}

static void test_ppgtt_sync(void)
{
    struct client c;
    guint64 pd = 0, base;
    guint32 pd_index, i;
    struct vgt_gtt_entry e[128];

    client_up(&c, 'P');
    base = c.info.mappable_base;
    pd = base + PP_PD_OFF;
    pd_index = pd >> 12;
    g_assert_cmpint(ops->ppgtt_sync(c.conn, pd), >=, 0);  /* all invalid */
    /* the status page; PDE 0 -> the page table, PDEs 1..511 invalid */
    g_assert_cmpint(map_page(&c, base >> 12, 0), ==, 0);
    for (i = 0; i < 512; i += 128) {
        for (guint32 j = 0; j < 128; j++) {
            e[j] = (struct vgt_gtt_entry){ pd_index + i + j, 0, 0 };
        }
        g_assert_cmpint(ops->gtt_write(c.conn, e, 128, NULL), ==, 0);
    }
    g_assert_cmpint(map_page(&c, pd_index, PP_PT_RAM >> 12), ==, 0);
    for (i = 0; i < 8; i++) {
        guint32 pte = hsw_pte_encode(PP_DATA_RAM + i * 4096, HSW_PTE_VALID);

        memcpy(c.ram + PP_PT_RAM + i * 4, &pte, 4);
    }
    g_assert_cmpint(ops->ppgtt_sync(c.conn, pd), >=, 8);
    g_assert_cmpint(ops->ppgtt_sync(c.conn, pd), ==, 0);   /* no change */
    g_assert_cmpuint(ppgtt_store(&c, 0x1010, 0x11), ==, VGT_EVENT_COMPLETE);
    g_assert_cmphex(ram32(&c, PP_DATA_RAM + 0x1010), ==, 0x11);

    /* hostile: PTE 1 now names no RAM; until the sync the GPU keeps ... */
    {
        guint32 pte = hsw_pte_encode(PP_OUTSIDE_GPA, HSW_PTE_VALID);

        memcpy(c.ram + PP_PT_RAM + 4, &pte, 4);
    }
    g_assert_cmpuint(ppgtt_store(&c, 0x1010, 0x22), ==, VGT_EVENT_COMPLETE);
    g_assert_cmphex(ram32(&c, PP_DATA_RAM + 0x1010), ==, 0x22);
    /* ... the validated entry; the sync rewrites exactly that one */
    g_assert_cmpint(ops->ppgtt_sync(c.conn, pd), ==, 1);
    g_assert_cmpuint(ppgtt_store(&c, 0x1010, 0x33), ==, VGT_EVENT_FAULT);
    g_assert_cmphex(ram32(&c, PP_DATA_RAM + 0x1010), ==, 0x22);

    /* refusals: not page aligned, not its GM, beyond GM; no directory */
    g_assert_cmpint(ops->ppgtt_sync(c.conn, pd + 4096), ==, -VGT_E_INVAL);
    g_assert_cmpint(ops->ppgtt_sync(c.conn, 0), ==, -VGT_E_GM_RANGE);
    g_assert_cmpint(ops->ppgtt_sync(c.conn, base + c.info.mappable_size -
                                    MIB(1)), ==, -VGT_E_GM_RANGE);
    g_assert_cmpint(ops->ppgtt_sync(c.conn, 1ull << 40), ==, -VGT_E_INVAL);
    g_assert_cmpint(ops->ppgtt_sync(c.conn, VGT_PPGTT_NO_PD), ==, 0);
    ops->disconnect(c.conn);
    munmap(c.ram, RAM_SIZE);
    close(c.memfd);
}

/*
 * notify_policy over the wire (message 24): refusals, and the policy in
 * force: once the last of three workloads has run (its store is in the
 * VM's memory), its drained queue has woken the client, every event is
 * there, in order, and nothing more comes.  (Which events are held is
 * /engine/notify-policy's, with the scheduler run step by step: here a
 * slow client may see its queue drain after each workload.)
 */
static void test_notify_policy(void)
{
    const struct vgt_notify_policy bad[] = {
        { VGT_ENGINE_COUNT, 0, 0, 0 }, { VGT_ENGINE_RCS, 65, 0, 0 },
        { VGT_ENGINE_RCS, 0, 2, 0 }, { VGT_ENGINE_RCS, 0, 0, 7 },
    };
    struct vgt_notify_policy np = { VGT_ENGINE_RCS, 0, 0, 0 };
    struct vgt_shadow_info sh;
    struct vgt_workload wl = { 0 };
    struct vgt_event ev[8];
    struct vgt_conn *bare;
    struct pollfd p;
    struct client c;
    int n, got = 0;
    gint64 end;
    guint32 *dw;

    g_assert_cmpint(ops->connect(sock_path, &bare), ==, 0);
    g_assert_cmpint(ops->notify_policy(bare, &np), ==, -VGT_E_NOINST);
    ops->disconnect(bare);
    client_up(&c, 'N');
    for (guint32 i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_assert_cmpint(ops->notify_policy(c.conn, &bad[i]), ==,
                        -VGT_E_INVAL);
    }
    g_assert_cmpint(ops->notify_policy(c.conn, NULL), ==, -VGT_E_INVAL);
    g_assert_cmpint(ops->notify_policy(c.conn, &np), ==, 0);
    g_assert_cmpint(map_page(&c, c.info.mappable_base >> 12, 0), ==, 0);
    g_assert_cmpint(ops->shadow_map(c.conn, &sh), ==, 0);
    p = (struct pollfd){ .fd = ops->event_fd(c.conn), .events = POLLIN };
    for (guint32 i = 0; i < 3; i++) {
        dw = (guint32 *)(uintptr_t)(sh.hva + i * 64);
        dw[0] = 0x10800001;     /* MI_STORE_DATA_INDEX 0x100 + 4 i */
        dw[1] = 0x100 + 4 * i;
        dw[2] = 0x5eed0 + i;
        dw[3] = 0x01000000;     /* MI_USER_INTERRUPT */
        wl.id = 500 + i;
        wl.start = sh.gm_addr + i * 64;
        wl.length = 16;
        wl.engine = VGT_ENGINE_RCS;
        wl.nr_regs = 1;
        wl.regs[0].offset = hsw_engines[VGT_ENGINE_RCS].hws_pga;
        wl.regs[0].value = (guint32)c.info.mappable_base;
        g_assert_cmpint(ops->submit(c.conn, &wl), ==, 0);
    }
    end = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;
    while (ram32(&c, 0x108) != 0x5eed2) {
        g_assert_cmpint(g_get_monotonic_time(), <, end);
        g_usleep(1000);
    }
    g_assert_cmpint(poll(&p, 1, 5000), ==, 1);
    do {
        n = ops->events_read(c.conn, ev + got, 8 - got);
        g_assert_cmpint(n, >=, 0);
        got += n;
    } while (got < 6 && poll(&p, 1, 5000) == 1);
    g_assert_cmpint(got, ==, 6);
    for (guint32 i = 0; i < 6; i++) {
        g_assert_cmpuint(ev[i].type, ==, i & 1 ? VGT_EVENT_COMPLETE :
                         VGT_EVENT_USER_IRQ);
    }
    g_assert_cmpuint(ev[5].data, ==, 502);
    /* (the fd may still poll readable: a wake-up that raced the drain) */
    g_assert_cmpint(ops->events_read(c.conn, ev, 8), ==, 0);
    ops->disconnect(c.conn);
    munmap(c.ram, RAM_SIZE);
    close(c.memfd);
}

/*
 * A fault cancels the work its VM queued behind it on that engine (ABI 5),
 * over the wire.  VM A queues on BCS long fills (FC_LONG workloads, each
 * its first MiB FC_FILLS times over), a store into GM it never mapped (F:
 * a fault) and 3 stores; sched_stats then shows fewer than FC_LONG
 * completed, so F had not started and the 3 were queued behind it (else
 * the machine was too slow to tell: skipped).  Then A queues a store on
 * RCS and VM B one on BCS.  A reads the fills' COMPLETEs, F's FAULT and
 * COMPLETE, and for each of the 3, in order, CANCELLED then COMPLETE;
 * their stores are not in its memory, the RCS store and B's are;
 * sched_stats counts the 3 (the new field over the wire); a store A
 * submits afterwards runs.
 */
#define FC_LONG         4
#define FC_FILLS        200     /* 200 MiB of blits, under the budget */
#define FC_STORE_OFF    0x100040u       /* RAM (GM page 256): the stores */

/*
 * @count fills of the first MiB of GM from @gm (XY_COLOR_BLT, 32 bpp,
 * colour @color + i) into @dw; returns the dwords written.
 */
static guint32 fc_fills(guint32 *dw, guint32 count, guint32 gm,
                        guint32 color)
{
    guint32 n = 0;

    for (guint32 i = 0; i < count; i++) {
        dw[n++] = 0x54300004u;                  /* XY_COLOR_BLT 32bpp */
        dw[n++] = (3u << 24) | (0xf0u << 16) | 4096;
        dw[n++] = 0;
        dw[n++] = (256u << 16) | 1024;          /* 1 MiB */
        dw[n++] = gm;
        dw[n++] = color + i;
    }
    return n;
}

static void fc_submit(struct client *c, const struct vgt_shadow_info *sh,
                      guint32 off, const guint32 *dw, guint32 n,
                      guint32 engine, guint64 id)
{
    struct vgt_workload wl = { 0 };

    memcpy((guint8 *)(uintptr_t)sh->hva + off, dw, n * 4);
    wl.id = id;
    wl.start = sh->gm_addr + off;
    wl.length = n * 4;
    wl.engine = engine;
    g_assert_cmpint(ops->submit(c->conn, &wl), ==, 0);
}

static void fc_store(struct client *c, const struct vgt_shadow_info *sh,
                     guint32 off, guint32 engine, guint32 ram_off,
                     guint32 value, guint64 id)
{
    const guint32 dw[] = {
        0x10000002u | (1u << 22), 0,            /* MI_STORE_DATA_IMM GGTT */
        (guint32)c->info.mappable_base + ram_off, value,
    };

    fc_submit(c, sh, off, dw, G_N_ELEMENTS(dw), engine, id);
}

/* @c's events until the COMPLETE of each of @ids (ev: up to @max). */
static int fc_events(struct client *c, struct vgt_event *ev, int max,
                     const guint64 *ids, int nids)
{
    struct pollfd p = { .fd = ops->event_fd(c->conn), .events = POLLIN };
    int got = 0, done = 0, n;

    while (done < nids) {
        g_assert_cmpint(poll(&p, 1, 20000), ==, 1);
        n = ops->events_read(c->conn, ev + got, max - got);
        g_assert_cmpint(n, >=, 0);
        for (int i = got; i < got + n; i++) {
            for (int k = 0; k < nids; k++) {
                done += ev[i].type == VGT_EVENT_COMPLETE &&
                        ev[i].data == ids[k];
            }
        }
        got += n;
        g_assert_cmpint(got, <, max);
    }
    return got;
}

static void test_fault_cancels_queued(void)
{
    const guint64 fail = 10, good[3] = { 11, 12, 13 }, other = 20, late = 21;
    const guint64 id_b = 30;
    static guint32 ring[FC_FILLS * 6];
    struct vgt_shadow_info sha, shb;
    struct vgt_sched_stats st;
    struct vgt_gtt_entry e[128];
    struct vgt_event ev[64];
    struct client a, b;
    guint32 n;
    int got, r;

    client_up(&a, 'F');
    client_up(&b, 'G');
    /* A's GM pages 0..256 -> its frames 0..256; B's page 0 -> frame 0 */
    for (guint32 i = 0; i < 256; i += 128) {
        for (guint32 j = 0; j < 128; j++) {
            e[j] = (struct vgt_gtt_entry){
                (guint32)(a.info.mappable_base >> 12) + i + j,
                VGT_PTE_VALID, i + j };
        }
        g_assert_cmpint(ops->gtt_write(a.conn, e, 128, NULL), ==, 0);
    }
    g_assert_cmpint(map_page(&a, (a.info.mappable_base >> 12) + 256, 256),
                    ==, 0);
    g_assert_cmpint(map_page(&b, b.info.mappable_base >> 12, 0), ==, 0);
    g_assert_cmpint(ops->shadow_map(a.conn, &sha), ==, 0);
    g_assert_cmpint(ops->shadow_map(b.conn, &shb), ==, 0);

    n = fc_fills(ring, FC_FILLS, (guint32)a.info.mappable_base,
                 0x11110000u);
    for (guint32 i = 0; i < FC_LONG; i++) {
        fc_submit(&a, &sha, 0, ring, n, VGT_ENGINE_BCS, 1 + i);
    }
    /* F: GM of A's own that it never mapped (the scratch page) */
    fc_store(&a, &sha, 0x10000, VGT_ENGINE_BCS, MIB(2), 0xdead, fail);
    for (guint32 i = 0; i < 3; i++) {
        fc_store(&a, &sha, 0x10040 + 0x40 * i, VGT_ENGINE_BCS,
                 FC_STORE_OFF + 4 * i, 0xc0de0000u + i, good[i]);
    }
    g_assert_cmpint(ops->sched_stats(a.conn, &st), ==, 0);
    if (st.completed >= FC_LONG) {
        g_test_skip("the fills ended before the stores were queued");
        goto out;
    }
    fc_store(&a, &sha, 0x10100, VGT_ENGINE_RCS, FC_STORE_OFF + 0x40,
             0xbc5, other);
    fc_store(&b, &shb, 0, VGT_ENGINE_BCS, 0x40, 0xb0b, id_b);

    got = fc_events(&a, ev, G_N_ELEMENTS(ev),
                    (const guint64[]){ good[2], other }, 2);
    r = 0;
    for (int i = 0; i < got; i++) {
        if (ev[i].unit == VGT_ENGINE_RCS) {
            g_assert_cmpuint(ev[i].type, ==, VGT_EVENT_COMPLETE);
            g_assert_cmpuint(ev[i].data, ==, other);
        } else {
            ev[r++] = ev[i];
        }
    }
    g_assert_cmpint(r, ==, FC_LONG + 2 + 2 * 3);
    for (int i = 0; i < FC_LONG; i++) {
        g_assert_cmpuint(ev[i].type, ==, VGT_EVENT_COMPLETE);
        g_assert_cmpuint(ev[i].data, ==, 1 + i);
    }
    g_assert_cmpuint(ev[FC_LONG].type, ==, VGT_EVENT_FAULT);
    g_assert_cmpuint(ev[FC_LONG].data, ==, fail);
    g_assert_cmpuint(ev[FC_LONG + 1].type, ==, VGT_EVENT_COMPLETE);
    g_assert_cmpuint(ev[FC_LONG + 1].data, ==, fail);
    for (int i = 0; i < 3; i++) {
        const struct vgt_event *c = &ev[FC_LONG + 2 + 2 * i];

        g_assert_cmpuint(c[0].type, ==, VGT_EVENT_CANCELLED);
        g_assert_cmpuint(c[0].unit, ==, VGT_ENGINE_BCS);
        g_assert_cmpuint(c[0].data, ==, good[i]);
        g_assert_cmpuint(c[1].type, ==, VGT_EVENT_COMPLETE);
        g_assert_cmpuint(c[1].data, ==, good[i]);
        g_assert_cmphex(ram32(&a, FC_STORE_OFF + 4 * i), ==, 0);
    }
    g_assert_cmphex(ram32(&a, 0), ==, 0x11110000u + FC_FILLS - 1);
    g_assert_cmphex(ram32(&a, FC_STORE_OFF + 0x40), ==, 0xbc5);
    g_assert_cmpint(ops->sched_stats(a.conn, &st), ==, 0);
    g_assert_cmpuint(st.cancelled, ==, 3);
    g_assert_cmpuint(st.faults, ==, 1);
    g_assert_cmpuint(st.completed, ==, FC_LONG + 1 + 3 + 1);

    got = fc_events(&b, ev, G_N_ELEMENTS(ev), &id_b, 1);
    g_assert_cmpint(got, ==, 1);
    g_assert_cmphex(ram32(&b, 0x40), ==, 0xb0b);
    g_assert_cmpint(ops->sched_stats(b.conn, &st), ==, 0);
    g_assert_cmpuint(st.cancelled + st.faults, ==, 0);

    /* what A submits now runs */
    fc_store(&a, &sha, 0x10140, VGT_ENGINE_BCS, FC_STORE_OFF, 0x1a7e, late);
    got = fc_events(&a, ev, G_N_ELEMENTS(ev), &late, 1);
    g_assert_cmpint(got, ==, 1);
    g_assert_cmphex(ram32(&a, FC_STORE_OFF), ==, 0x1a7e);
out:
    ops->disconnect(a.conn);
    ops->disconnect(b.conn);
    munmap(a.ram, RAM_SIZE);
    munmap(b.ram, RAM_SIZE);
    close(a.memfd);
    close(b.memfd);
}

/*
 * Posted submits (ABI 6): the socket client does not wait for a SUBMIT's
 * reply.  A workload the daemon refuses (GM it does not own) still comes
 * back in order: REFUSED then COMPLETE, and it stops the ring as a FAULT
 * does, so the store submitted right behind it, before its events were
 * read, is cancelled; the refusal is counted per code.  Once read, the
 * next store runs.  Then POSTED_BURST workloads behind long fills, without
 * reading events: the client posts while it can be sure of room and asks
 * beyond that, so every submit is accepted or refused with QUEUE_FULL,
 * never a lost connection, and every accepted one completes.
 */
#define POSTED_BURST    (VGT_WL_QUEUE_MAX + 16)

static void test_posted_submit(void)
{
    static guint32 fills[FC_FILLS * 6];
    struct vgt_shadow_info sha;
    struct vgt_sched_stats st;
    struct vgt_workload wl = { 0 };
    struct vgt_event ev[4 * POSTED_BURST];
    struct vgt_stats stats;
    struct client a;
    guint64 last = 0;
    guint32 n, accepted = 0;
    int got, ret;

    client_up(&a, 'Q');
    for (guint32 i = 0; i < 257; i++) {
        g_assert_cmpint(map_page(&a, (a.info.mappable_base >> 12) + i, i),
                        ==, 0);
    }
    g_assert_cmpint(ops->shadow_map(a.conn, &sha), ==, 0);

    /* GM below A's ranges: refused, but the submit itself returns 0 */
    wl.id = 1;
    wl.start = 0x1000;
    wl.length = 16;
    wl.engine = VGT_ENGINE_BCS;
    g_assert_cmpuint(wl.start, <, a.info.mappable_base);
    g_assert_cmpint(ops->submit(a.conn, &wl), ==, 0);
    fc_store(&a, &sha, 0, VGT_ENGINE_BCS, FC_STORE_OFF, 0xbad, 2);
    got = fc_events(&a, ev, G_N_ELEMENTS(ev), (const guint64[]){ 2 }, 1);
    g_assert_cmpint(got, ==, 4);
    g_assert_cmpuint(ev[0].type, ==, VGT_EVENT_REFUSED);
    g_assert_cmpuint(ev[0].unit, ==, VGT_ENGINE_BCS);
    g_assert_cmpuint(ev[0].data, ==, 1);
    g_assert_cmpuint(ev[1].type, ==, VGT_EVENT_COMPLETE);
    g_assert_cmpuint(ev[1].data, ==, 1);
    g_assert_cmpuint(ev[2].type, ==, VGT_EVENT_CANCELLED);
    g_assert_cmpuint(ev[2].data, ==, 2);
    g_assert_cmpuint(ev[3].type, ==, VGT_EVENT_COMPLETE);
    g_assert_cmpuint(ev[3].data, ==, 2);
    g_assert_cmphex(ram32(&a, FC_STORE_OFF), ==, 0);
    g_assert_cmpint(ops->stats(a.conn, &stats), ==, 0);
    g_assert_cmpuint(stats.refused[VGT_E_GM_RANGE], ==, 1);
    g_assert_cmpint(ops->sched_stats(a.conn, &st), ==, 0);
    g_assert_cmpuint(st.faults, ==, 1);
    g_assert_cmpuint(st.cancelled, ==, 1);

    /* read: the ring runs again */
    fc_store(&a, &sha, 0x40, VGT_ENGINE_BCS, FC_STORE_OFF, 0x600d, 3);
    got = fc_events(&a, ev, G_N_ELEMENTS(ev), (const guint64[]){ 3 }, 1);
    g_assert_cmpint(got, ==, 1);
    g_assert_cmphex(ram32(&a, FC_STORE_OFF), ==, 0x600d);

    /* more than a queue's worth, nothing read in between */
    n = fc_fills(fills, 4, (guint32)a.info.mappable_base, 0x22220000u);
    memcpy((guint8 *)(uintptr_t)sha.hva + 0x1000, fills, n * 4);
    for (guint32 i = 0; i < POSTED_BURST; i++) {
        wl = (struct vgt_workload){
            .id = 100 + i, .start = sha.gm_addr + 0x1000,
            .length = n * 4, .engine = VGT_ENGINE_BCS,
        };
        ret = ops->submit(a.conn, &wl);
        g_assert_true(ret == 0 || ret == -VGT_E_QUEUE_FULL);
        if (!ret) {
            accepted++;
            last = wl.id;
        }
    }
    g_assert_cmpuint(accepted, >=, VGT_WL_QUEUE_MAX);
    got = fc_events(&a, ev, G_N_ELEMENTS(ev), &last, 1);
    n = 0;
    for (int i = 0; i < got; i++) {
        g_assert_cmpuint(ev[i].type, ==, VGT_EVENT_COMPLETE);
        n++;
    }
    g_assert_cmpuint(n, ==, accepted);
    g_assert_cmphex(ram32(&a, 0), ==, 0x22220003u);

    ops->disconnect(a.conn);
    munmap(a.ram, RAM_SIZE);
    close(a.memfd);
}

/* Post @wl on raw connection @fd: the daemon ends the connection. */
static void posted_ends_connection(int fd, const struct vgt_workload *wl)
{
    guint8 pkt[sizeof(struct vgt_msg_hdr) + sizeof(*wl)];
    struct vgt_msg_hdr h = { VGT_MSG_SUBMIT,
                             VGT_ABI_VERSION | VGT_MSG_FLAG_POSTED,
                             sizeof(*wl), 9 };
    struct pollfd p = { .fd = fd, .events = POLLIN };
    guint8 in[VGT_MSG_MAX_SIZE];
    int fds[VGT_WIRE_MAX_FDS], nfds, trunc;
    ssize_t n;

    memcpy(pkt, &h, sizeof(h));
    memcpy(pkt + sizeof(h), wl, sizeof(*wl));
    send_raw(fd, pkt, sizeof(pkt), -1);
    g_assert_cmpint(poll(&p, 1, 5000), ==, 1);
    n = vgt_wire_recv(fd, in, sizeof(in), fds, &nfds, &trunc, 0);
    vgt_wire_close_fds(fds, nfds);
    g_assert_cmpint(n, <=, 0);
}

/*
 * The posted flag on the wire: on another type it is refused with
 * -VGT_E_MSG (a reply, as for any bad envelope); a posted SUBMIT gets no
 * reply (the next request's reply comes first); one the daemon cannot even
 * queue (no such engine) ends the connection, and the daemon goes on.
 */
static void test_posted_wire(void)
{
    guint8 pkt[sizeof(struct vgt_msg_hdr) + sizeof(struct vgt_workload)];
    struct vgt_msg_hdr *h = (struct vgt_msg_hdr *)pkt;
    struct vgt_workload wl = { .id = 7, .start = 0x1000, .length = 16 };
    struct vgt_msg_hdr reply;
    int fd = raw_connect();

    raw_create(fd);
    *h = (struct vgt_msg_hdr){ VGT_MSG_STATS,
                               VGT_ABI_VERSION | VGT_MSG_FLAG_POSTED, 0, 2 };
    send_raw(fd, pkt, sizeof(*h), -1);
    g_assert_cmpint(raw_reply(fd), ==, -VGT_E_MSG);

    /* refused (GM not its own) and queued: no reply of its own */
    *h = (struct vgt_msg_hdr){ VGT_MSG_SUBMIT,
                               VGT_ABI_VERSION | VGT_MSG_FLAG_POSTED,
                               sizeof(wl), 3 };
    wl.engine = VGT_ENGINE_BCS;
    memcpy(pkt + sizeof(*h), &wl, sizeof(wl));
    send_raw(fd, pkt, sizeof(pkt), -1);
    *h = (struct vgt_msg_hdr){ VGT_MSG_INFO, VGT_ABI_VERSION, 0, 4 };
    send_raw(fd, pkt, sizeof(*h), -1);
    g_assert_cmpint(raw_recv(fd, &reply, NULL, 0, NULL), ==, 0);
    g_assert_cmpuint(reply.type, ==, VGT_MSG_INFO);
    g_assert_cmpuint(reply.seq, ==, 4);

    /* before the instance exists: the connection ends */
    {
        int fresh = raw_connect();

        posted_ends_connection(fresh, &wl);
        close(fresh);
    }
    /* no engine to queue it on: the connection ends */
    wl.engine = VGT_ENGINE_COUNT + 3;
    posted_ends_connection(fd, &wl);
    close(fd);
    g_assert_true(daemon_alive());
}

/* One raw request without payload; its result, its descriptor in *fd. */
static int raw_call_fd(int sock, guint32 type, guint32 seq, int *fd)
{
    struct vgt_msg_hdr h = { type, VGT_ABI_VERSION, 0, seq };
    int ret;

    send_raw(sock, &h, sizeof(h), -1);
    ret = raw_recv(sock, &h, NULL, 0, fd);
    g_assert_cmpint(ret, !=, 1);
    g_assert_cmpuint(h.type, ==, type);
    g_assert_cmpuint(h.seq, ==, seq);
    return ret;
}

/*
 * The event ring (ABI 6) on the wire.  EVENTS_MAP hands out a sealed
 * memfd of VGT_EVENT_RING_SIZE bytes, the same one when asked again;
 * EVENTS_READ then answers -VGT_E_BUSY; a RESET's event lands in the ring
 * (prod 1, drop 0).  A client that writes nonsense into cons (ahead of
 * prod) has a full ring: the next event is lost and counted, nothing
 * else happens; with cons back at prod the next one arrives, after a
 * drop mark at the reset.  An instance that has had an event cannot map
 * a ring any more (-VGT_E_BUSY).
 */
static void test_event_ring_wire(void)
{
    int fd = raw_connect(), late = raw_connect();
    int rfd, rfd2, seals, efd = eventfd(0, EFD_CLOEXEC);
    struct vgt_msg_hdr h = { VGT_MSG_SET_EVENT_FD, VGT_ABI_VERSION, 0, 1 };
    struct vgt_event_ring *r;
    struct vgt_stats st;
    struct stat a, b;
    int ignored;

    raw_create(fd);
    send_raw(fd, &h, sizeof(h), efd);
    g_assert_cmpint(raw_reply(fd), ==, 0);
    g_assert_cmpint(raw_call_fd(fd, VGT_MSG_EVENTS_MAP, 2, &rfd), ==, 0);
    g_assert_cmpint(rfd, >=, 0);
    g_assert_cmpint(fstat(rfd, &a), ==, 0);
    g_assert_cmpint(a.st_size, ==, VGT_EVENT_RING_SIZE);
    seals = fcntl(rfd, F_GET_SEALS);
    g_assert_true(seals & F_SEAL_SHRINK);
    g_assert_cmpint(raw_call_fd(fd, VGT_MSG_EVENTS_MAP, 3, &rfd2), ==, 0);
    g_assert_cmpint(fstat(rfd2, &b), ==, 0);
    g_assert_cmpuint(a.st_ino, ==, b.st_ino);
    close(rfd2);
    r = mmap(NULL, VGT_EVENT_RING_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
             rfd, 0);
    g_assert_true(r != MAP_FAILED);
    {
        struct vgt_msg_u64 m = { 8 };
        guint8 pkt[sizeof(h) + sizeof(m)];

        h = (struct vgt_msg_hdr){ VGT_MSG_EVENTS_READ, VGT_ABI_VERSION,
                                  sizeof(m), 4 };
        memcpy(pkt, &h, sizeof(h));
        memcpy(pkt + sizeof(h), &m, sizeof(m));
        send_raw(fd, pkt, sizeof(pkt), -1);
        g_assert_cmpint(raw_reply(fd), ==, -VGT_E_BUSY);
    }

    g_assert_cmpint(raw_call_fd(fd, VGT_MSG_RESET, 5, &ignored), ==, 0);
    g_assert_cmpuint(__atomic_load_n(&r->prod, __ATOMIC_ACQUIRE), ==, 1);
    g_assert_cmpuint(r->drop, ==, 0);
    g_assert_cmpuint(r->ev[0].type, ==, VGT_EVENT_RESET);

    /* nonsense in cons: a full ring, the event lost and counted */
    __atomic_store_n(&r->cons, 0x80000000u, __ATOMIC_RELEASE);
    g_assert_cmpint(raw_call_fd(fd, VGT_MSG_RESET, 6, &ignored), ==, 0);
    g_assert_cmpuint(r->prod, ==, 1);
    g_assert_cmpuint(r->drop, ==, 1);
    h = (struct vgt_msg_hdr){ VGT_MSG_STATS, VGT_ABI_VERSION, 0, 7 };
    send_raw(fd, &h, sizeof(h), -1);
    memset(&st, 0xff, sizeof(st));
    g_assert_cmpint(raw_recv(fd, &h, &st, sizeof(st), NULL), ==, 0);
    g_assert_cmpuint(h.size, ==, sizeof(struct vgt_msg_reply) + sizeof(st));
    g_assert_cmpuint(st.events_lost, ==, 1);
    /* read up to prod: room again */
    __atomic_store_n(&r->cons, 1, __ATOMIC_RELEASE);
    g_assert_cmpint(raw_call_fd(fd, VGT_MSG_RESET, 8, &ignored), ==, 0);
    g_assert_cmpuint(r->prod, ==, 2);
    g_assert_cmpuint(r->ev[1].type, ==, VGT_EVENT_RESET);

    /* too late: an event came first */
    raw_create(late);
    g_assert_cmpint(raw_call_fd(late, VGT_MSG_RESET, 2, &ignored), ==, 0);
    g_assert_cmpint(raw_call_fd(late, VGT_MSG_EVENTS_MAP, 3, &rfd2), ==,
                    -VGT_E_BUSY);
    g_assert_cmpint(rfd2, <, 0);

    munmap(r, VGT_EVENT_RING_SIZE);
    close(rfd);
    close(efd);
    close(late);
    close(fd);
    g_assert_true(daemon_alive());
}

/*
 * The event ring through the socket client: a reset drops what was
 * queued (no round trip tells the client: the drop mark does), only the
 * RESET is read.  (A daemon that dies while the ring is empty is reported
 * by events_read, -VGT_E_IO, as with EVENTS_READ: the qtest
 * vgt-hostd-death-test kills the daemon under a running device.)
 */
static void test_event_ring_client(void)
{
    struct vgt_shadow_info sha;
    struct vgt_event ev[8];
    struct client a;
    struct pollfd p;
    struct vgt_stats st;
    int got = 0, n;

    client_up(&a, 'R');
    g_assert_cmpint(map_page(&a, (a.info.mappable_base >> 12) + 256, 256),
                    ==, 0);
    g_assert_cmpint(ops->shadow_map(a.conn, &sha), ==, 0);
    fc_store(&a, &sha, 0, VGT_ENGINE_BCS, FC_STORE_OFF, 0x1, 1);
    fc_store(&a, &sha, 0x40, VGT_ENGINE_BCS, FC_STORE_OFF, 0x2, 2);
    /* both done (their stores in memory), their events unread */
    for (int i = 0; i < 2000 && ram32(&a, FC_STORE_OFF) != 2; i++) {
        g_usleep(1000);
    }
    g_assert_cmphex(ram32(&a, FC_STORE_OFF), ==, 2);
    g_usleep(50000);
    g_assert_cmpint(ops->reset(a.conn), ==, 0);
    p = (struct pollfd){ .fd = ops->event_fd(a.conn), .events = POLLIN };
    g_assert_cmpint(poll(&p, 1, 5000), ==, 1);
    do {
        n = ops->events_read(a.conn, ev + got, G_N_ELEMENTS(ev) - got);
        g_assert_cmpint(n, >=, 0);
        got += n;
    } while (n);
    g_assert_cmpint(got, ==, 1);
    g_assert_cmpuint(ev[0].type, ==, VGT_EVENT_RESET);
    g_assert_cmpint(ops->stats(a.conn, &st), ==, 0);
    g_assert_cmpuint(st.events_lost, ==, 0);
    ops->disconnect(a.conn);
    munmap(a.ram, RAM_SIZE);
    close(a.memfd);
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
    g_test_add_func("/hostd/quota-sparse-memory", test_quota_sparse_memory);
    g_test_add_func("/hostd/quota-regions", test_quota_regions);
    g_test_add_func("/hostd/quota-shared-space", test_quota_shared_space);
    g_test_add_func("/hostd/quota-conns-per-uid", test_quota_conns_per_uid);
    g_test_add_func("/hostd/quota-flood", test_quota_flood);
    g_test_add_func("/hostd/quota-dma-table", test_quota_dma_table);
    g_test_add_func("/hostd/ppgtt-sync", test_ppgtt_sync);
    g_test_add_func("/hostd/notify-policy", test_notify_policy);
    g_test_add_func("/hostd/fault-cancels-queued", test_fault_cancels_queued);
    g_test_add_func("/hostd/posted-submit", test_posted_submit);
    g_test_add_func("/hostd/posted-wire", test_posted_wire);
    g_test_add_func("/hostd/event-ring-wire", test_event_ring_wire);
    g_test_add_func("/hostd/event-ring-client", test_event_ring_client);
    g_test_add_func("/hostd/destroy-frees", test_destroy_frees);
    g_test_add_func("/hostd/sigterm", test_sigterm);
    ret = g_test_run();
    if (daemon_pid > 0) {
        kill(daemon_pid, SIGKILL);
    }
    return ret;
}
