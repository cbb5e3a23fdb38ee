// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kernel transport (client/vgt-client-kernel.c) without a /dev/vgt:
 * its system calls go to a fake device that behaves as the ioctl contract
 * at the end of hw/vgt-helper-abi.h says (0, a positive VGT_E_* code or
 * -1/errno; read() of whole records, EAGAIN when empty; mmap of the
 * shadow area) on top of the embedded helper.  Checks the errno and
 * result mapping, connect's path and version handling, the splitting of
 * long GTT writes, and every op end to end (a workload, its events).
 */
#include <glib.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include "hw/vgt.h"
#include "hw/vgt-host-ops.h"
#include "client/vgt-client-kernel.h"

static const struct vgt_host_ops *kops = &vgt_host_kernel_ops;
static const struct vgt_host_ops *emb = &vgt_host_embedded_ops;

/* The fake device: one open file at a time, the embedded helper behind. */
static struct {
    struct vgt_conn *conn;      /* embedded connection behind the file */
    int fd;                     /* its eventfd: what poll() sees */
    char path[64];              /* last path opened */
    int open_errno;             /* open fails with this, if set */
    int version;                /* what VGT_IOC_VERSION returns */
    int fail_errno;             /* the next ioctl fails with this */
    int fail_ret;               /* the next ioctl returns this */
    int eintr;                  /* ioctls to interrupt first */
    unsigned ioctls, closes, munmaps;
    unsigned gtt_calls;
    uint32_t gtt_max_n;         /* largest n of one GTT_WRITE */
    void *shadow;
    struct vgt_dirty_req last_dirty;    /* the last DIRTY_READ argument */
    vgt_u32 last_log;                   /* the last DIRTY_LOG argument */
} fake;

static int fake_open(const char *path, int flags)
{
    g_assert_cmphex(flags & (O_RDWR | O_CLOEXEC | O_NONBLOCK), ==,
                    O_RDWR | O_CLOEXEC | O_NONBLOCK);
    g_strlcpy(fake.path, path, sizeof(fake.path));
    if (fake.open_errno) {
        errno = fake.open_errno;
        return -1;
    }
    g_assert_null(fake.conn);
    g_assert_cmpint(emb->connect(NULL, &fake.conn), ==, 0);
    fake.fd = emb->event_fd(fake.conn);
    return fake.fd;
}

static int fake_close(int fd)
{
    g_assert_cmpint(fd, ==, fake.fd);
    emb->disconnect(fake.conn);         /* closes the eventfd */
    fake.conn = NULL;
    fake.fd = -1;
    fake.shadow = NULL;
    fake.closes++;
    return 0;
}

/* The module's result convention from the helper's -VGT_E_* results. */
static int kret(int ret)
{
    g_assert_cmpint(ret, <=, 0);
    return -ret;
}

static int fake_ioctl(int fd, unsigned long req, void *arg)
{
    struct vgt_conn *c = fake.conn;

    g_assert_cmpint(fd, ==, fake.fd);
    fake.ioctls++;
    if (fake.eintr) {
        fake.eintr--;
        errno = EINTR;
        return -1;
    }
    if (fake.fail_errno) {
        errno = fake.fail_errno;
        fake.fail_errno = 0;
        return -1;
    }
    if (fake.fail_ret) {
        int r = fake.fail_ret;

        fake.fail_ret = 0;
        return r;
    }
    if (req != VGT_IOC_VERSION && req != VGT_IOC_DESTROY &&
        req != VGT_IOC_RESET && !arg) {
        errno = EFAULT;
        return -1;
    }
    switch (req) {
    case VGT_IOC_VERSION:
        return fake.version;
    case VGT_IOC_CREATE: {
        struct vgt_ioc_create *io = arg;

        return kret(emb->create(c, &io->req, &io->info));
    }
    case VGT_IOC_DESTROY:
        return kret(emb->destroy(c));
    case VGT_IOC_RESET:
        return kret(emb->reset(c));
    case VGT_IOC_INFO:
        return kret(emb->info(c, arg));
    case VGT_IOC_MEM_REGISTER: {
        struct vgt_mem_region *r = arg;

        if (r->fd != -1) {
            errno = EINVAL;
            return -1;
        }
        return kret(emb->mem_register(c, r));
    }
    case VGT_IOC_MEM_UNREGISTER:
        return kret(emb->mem_unregister(c, *(vgt_u64 *)arg));
    case VGT_IOC_GTT_WRITE: {
        struct vgt_ioc_gtt_write *io = arg;
        int r;

        fake.gtt_calls++;
        fake.gtt_max_n = MAX(fake.gtt_max_n, io->n);
        if (io->n > VGT_GTT_WRITE_MAX) {
            errno = EINVAL;
            return -1;
        }
        io->bad = 0;
        r = emb->gtt_write(c, (const void *)(uintptr_t)io->entries, io->n,
                           &io->bad);
        return kret(r);
    }
    case VGT_IOC_GTT_READ: {
        struct vgt_gtt_entry *e = arg;

        return kret(emb->gtt_read(c, e->index, e));
    }
    case VGT_IOC_FENCE_WRITE: {
        struct vgt_ioc_fence_write *io = arg;

        return kret(emb->fence_write(c, io->fence, io->value));
    }
    case VGT_IOC_GM_READ: {
        struct vgt_ioc_gm_read *io = arg;

        return kret(emb->gm_read(c, io->gm_addr,
                                 (void *)(uintptr_t)io->buf, io->len));
    }
    case VGT_IOC_STATS:
        return kret(emb->stats(c, arg));
    case VGT_IOC_SHADOW_MAP: {
        struct vgt_shadow_info *sh = arg;
        int r = emb->shadow_map(c, sh);

        if (!r) {
            fake.shadow = (void *)(uintptr_t)sh->hva;
            sh->hva = 0;            /* the module gives no address */
        }
        return kret(r);
    }
    case VGT_IOC_SUBMIT:
        return kret(emb->submit(c, arg));
    case VGT_IOC_SET_WEIGHT:
        return kret(emb->set_weight(c, *(vgt_u32 *)arg));
    case VGT_IOC_SCHED_STATS:
        return kret(emb->sched_stats(c, arg));
    case VGT_IOC_ENGINE_REGS_GET: {
        struct vgt_engine_regs *io = arg;

        return kret(emb->engine_regs_get(c, io->engine, io));
    }
    case VGT_IOC_ENGINE_REGS_SET:
        return kret(emb->engine_regs_set(c, arg));
    case VGT_IOC_DIRTY_LOG:
        fake.last_log = *(vgt_u32 *)arg;
        if (fake.last_log > 1) {
            return VGT_E_INVAL;
        }
        return kret(emb->dirty_log(c, fake.last_log));
    case VGT_IOC_NOTIFY_POLICY:
        return kret(emb->notify_policy(c, arg));
    case VGT_IOC_DIRTY_READ: {
        struct vgt_dirty_req *io = arg;

        fake.last_dirty = *io;
        return kret(emb->dirty_read(c, io->gpa, io->npages,
                                    (uint64_t *)(uintptr_t)io->bitmap));
    }
    }
    errno = ENOTTY;
    return -1;
}

static ssize_t fake_read(int fd, void *buf, size_t len)
{
    int n;

    g_assert_cmpint(fd, ==, fake.fd);
    if (len < sizeof(struct vgt_event)) {
        errno = EINVAL;
        return -1;
    }
    n = emb->events_read(fake.conn, buf, len / sizeof(struct vgt_event));
    if (n < 0) {
        errno = ENXIO;
        return -1;
    }
    if (!n) {
        errno = EAGAIN;
        return -1;
    }
    return n * sizeof(struct vgt_event);
}

static void *fake_mmap(void *addr, size_t len, int prot, int flags, int fd,
                       off_t off)
{
    g_assert_cmpint(fd, ==, fake.fd);
    g_assert_cmpuint(len, ==, VGT_SHADOW_SIZE);
    g_assert_cmpint(off, ==, 0);
    g_assert_cmphex(flags & MAP_SHARED, ==, MAP_SHARED);
    if (!fake.shadow) {
        errno = ENODEV;
        return MAP_FAILED;
    }
    return fake.shadow;
}

static int fake_munmap(void *addr, size_t len)
{
    g_assert_true(addr == fake.shadow);
    g_assert_cmpuint(len, ==, VGT_SHADOW_SIZE);
    fake.munmaps++;
    return 0;
}

static const struct vgt_kernel_sys fake_sys = {
    .open = fake_open,
    .close = fake_close,
    .ioctl = fake_ioctl,
    .read = fake_read,
    .mmap = fake_mmap,
    .munmap = fake_munmap,
};

static void fake_reset(void)
{
    g_assert_null(fake.conn);
    memset(&fake, 0, sizeof(fake));
    fake.fd = -1;
    fake.version = VGT_ABI_VERSION;
    vgt_kernel_sys = &fake_sys;
}

static void test_errno_mapping(void)
{
    static const struct { int err, code; } map[] = {
        { ENOMEM, VGT_E_NOMEM }, { EINVAL, VGT_E_INVAL },
        { EFAULT, VGT_E_INVAL }, { ENOTTY, VGT_E_VERSION },
        { ENODEV, VGT_E_IO }, { ENOENT, VGT_E_IO }, { EACCES, VGT_E_IO },
        { EPERM, VGT_E_IO }, { EIO, VGT_E_IO }, { EBADF, VGT_E_IO },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(map); i++) {
        g_assert_cmpint(vgt_kernel_errno_to_code(map[i].err), ==,
                        -map[i].code);
    }
}

static void test_connect(void)
{
    struct vgt_conn *c = (void *)1;

    g_assert_cmpstr(kops->name, ==, "kernel");
    g_assert_cmpuint(kops->abi_version, ==, VGT_ABI_VERSION);
    fake_reset();
    /* no device: -VGT_E_IO, errno says why */
    fake.open_errno = ENOENT;
    errno = 0;
    g_assert_cmpint(kops->connect(NULL, &c), ==, -VGT_E_IO);
    g_assert_cmpint(errno, ==, ENOENT);
    g_assert_null(c);
    g_assert_cmpstr(fake.path, ==, VGT_KERNEL_DEVICE);
    fake.open_errno = EACCES;
    g_assert_cmpint(kops->connect("kernel", &c), ==, -VGT_E_IO);
    g_assert_cmpint(errno, ==, EACCES);
    g_assert_cmpstr(fake.path, ==, VGT_KERNEL_DEVICE);
    fake.open_errno = ENOMEM;
    g_assert_cmpint(kops->connect("/dev/vgt1", &c), ==, -VGT_E_NOMEM);
    g_assert_cmpstr(fake.path, ==, "/dev/vgt1");
    fake.open_errno = 0;

    /* another ABI, or not vgt at all: the file is closed again */
    fake.version = VGT_ABI_VERSION + 1;
    g_assert_cmpint(kops->connect(NULL, &c), ==, -VGT_E_VERSION);
    g_assert_null(c);
    g_assert_cmpuint(fake.closes, ==, 1);
    fake.version = VGT_ABI_VERSION;
    fake.fail_errno = ENOTTY;
    g_assert_cmpint(kops->connect(NULL, &c), ==, -VGT_E_VERSION);
    g_assert_cmpint(errno, ==, ENOTTY);
    g_assert_cmpuint(fake.closes, ==, 2);
    fake.fail_errno = ENODEV;
    g_assert_cmpint(kops->connect(NULL, &c), ==, -VGT_E_IO);
    g_assert_cmpint(errno, ==, ENODEV);
    g_assert_cmpuint(fake.closes, ==, 3);

    /* an interrupted call is repeated */
    fake.eintr = 2;
    g_assert_cmpint(kops->connect(NULL, &c), ==, 0);
    g_assert_nonnull(c);
    g_assert_cmpint(kops->event_fd(c), ==, fake.fd);
    kops->disconnect(c);
    g_assert_cmpuint(fake.closes, ==, 4);
    g_assert_null(fake.conn);
    kops->disconnect(NULL);
}

static void test_results(void)
{
    struct vgt_create_req req = { 16 << 20, 0, 1, 0 };
    struct vgt_instance_info info;
    struct vgt_conn *c;
    struct vgt_stats st;

    fake_reset();
    g_assert_cmpint(kops->connect(NULL, &c), ==, 0);
    /* positive results of the module come back negated */
    g_assert_cmpint(kops->info(c, &info), ==, -VGT_E_NOINST);
    g_assert_cmpint(kops->create(c, &req, &info), ==, 0);
    g_assert_cmpuint(info.mappable_size, ==, 16 << 20);
    g_assert_cmpint(kops->create(c, &req, &info), ==, -VGT_E_EXISTS);
    fake.fail_ret = VGT_E_GM_RANGE;
    g_assert_cmpint(kops->reset(c), ==, -VGT_E_GM_RANGE);
    /* a result no code has is a transport failure */
    fake.fail_ret = VGT_E_COUNT + 5;
    g_assert_cmpint(kops->reset(c), ==, -VGT_E_IO);
    fake.fail_errno = ENOMEM;
    g_assert_cmpint(kops->stats(c, &st), ==, -VGT_E_NOMEM);
    fake.fail_errno = EFAULT;
    g_assert_cmpint(kops->stats(c, &st), ==, -VGT_E_INVAL);
    fake.fail_errno = ENODEV;
    g_assert_cmpint(kops->stats(c, &st), ==, -VGT_E_IO);
    fake.eintr = 3;
    g_assert_cmpint(kops->stats(c, &st), ==, 0);
    /* the module rejects padding; an unknown call is ENOTTY */
    g_assert_cmpint(kops->fence_write(c, 5, 0), ==, -VGT_E_FENCE);
    g_assert_cmpint(kops->fence_write(c, 0, 0), ==, 0);
    kops->disconnect(c);
}

#define RAM_PAGES 64

/* GTT writes split in chunks the module takes: two whole ones and 44 */
#define CH              VGT_GTT_WRITE_MAX
#define GTT_SPLIT_N     (2 * CH + 44)

static void test_gtt_split(void)
{
    struct vgt_create_req req = { 16 << 20, 0, 0, 0 };
    struct vgt_mem_region r = { .gpa = 0, .size = RAM_PAGES * 4096,
                                .fd = -1 };
    struct vgt_instance_info info;
    struct vgt_gtt_entry e[GTT_SPLIT_N], got;
    struct vgt_stats st;
    struct vgt_conn *c;
    guint8 *ram = g_aligned_alloc0(RAM_PAGES, 4096, 4096);
    uint32_t bad = 77, first;

    fake_reset();
    g_assert_cmpint(kops->connect(NULL, &c), ==, 0);
    g_assert_cmpint(kops->create(c, &req, &info), ==, 0);
    r.hva = (guintptr)ram;
    /* the module pins the caller's pages: no descriptor */
    r.fd = 3;
    g_assert_cmpint(kops->mem_register(c, &r), ==, -VGT_E_BADFD);
    r.fd = -1;
    g_assert_cmpint(kops->mem_register(c, &r), ==, 0);
    g_assert_cmpint(kops->mem_register(c, &r), ==, -VGT_E_MEM_OVERLAP);

    first = info.mappable_base >> 12;
    for (uint32_t i = 0; i < G_N_ELEMENTS(e); i++) {
        e[i] = (struct vgt_gtt_entry){ first + i, VGT_PTE_VALID,
                                       i % RAM_PAGES };
    }
    /* two whole chunks and 44: never more than the module takes */
    g_assert_cmpint(kops->gtt_write(c, e, GTT_SPLIT_N, &bad), ==, 0);
    g_assert_cmpuint(bad, ==, 0);
    g_assert_cmpuint(fake.gtt_calls, ==, 3);
    g_assert_cmpuint(fake.gtt_max_n, ==, VGT_GTT_WRITE_MAX);
    g_assert_cmpint(kops->gtt_read(c, first + GTT_SPLIT_N - 1, &got), ==, 0);
    g_assert_cmpuint(got.gfn, ==, (GTT_SPLIT_N - 1) % RAM_PAGES);
    g_assert_cmpuint(got.flags & VGT_PTE_VALID, ==, VGT_PTE_VALID);

    /*
     * A bad frame in the second chunk: *bad is its index in the whole
     * array; the first chunk stays written, the second and third do not.
     */
    for (uint32_t i = 0; i < G_N_ELEMENTS(e); i++) {
        e[i].gfn = (i + 1) % RAM_PAGES;
    }
    e[CH + 72].gfn = RAM_PAGES + 5;
    fake.gtt_calls = 0;
    g_assert_cmpint(kops->gtt_write(c, e, GTT_SPLIT_N, &bad), ==, -VGT_E_GFN);
    g_assert_cmpuint(bad, ==, CH + 72);
    g_assert_cmpuint(fake.gtt_calls, ==, 2);
    g_assert_cmpint(kops->gtt_read(c, first + CH - 1, &got), ==, 0);
    g_assert_cmpuint(got.gfn, ==, CH % RAM_PAGES);
    g_assert_cmpint(kops->gtt_read(c, first + CH, &got), ==, 0);
    g_assert_cmpuint(got.gfn, ==, CH % RAM_PAGES);
    g_assert_cmpint(kops->gtt_read(c, first + GTT_SPLIT_N - 1, &got), ==, 0);
    g_assert_cmpuint(got.gfn, ==, (GTT_SPLIT_N - 1) % RAM_PAGES);
    /* the first entry of a chunk */
    e[CH + 72].gfn = 0;
    e[2 * CH].index = 1;                /* the helper's share */
    g_assert_cmpint(kops->gtt_write(c, e, GTT_SPLIT_N, &bad), ==,
                    -VGT_E_GM_RANGE);
    g_assert_cmpuint(bad, ==, 2 * CH);
    g_assert_cmpint(kops->gtt_write(c, e, GTT_SPLIT_N, NULL), ==,
                    -VGT_E_GM_RANGE);
    /* exactly one chunk; none (refused and counted by the helper) */
    fake.gtt_calls = 0;
    g_assert_cmpint(kops->gtt_write(c, e, VGT_GTT_WRITE_MAX, &bad), ==, 0);
    g_assert_cmpuint(fake.gtt_calls, ==, 1);
    g_assert_cmpint(kops->gtt_write(c, e, 0, &bad), ==, -VGT_E_INVAL);
    g_assert_cmpuint(fake.gtt_calls, ==, 2);
    g_assert_cmpint(kops->gtt_write(c, NULL, 3, &bad), ==, -VGT_E_INVAL);
    g_assert_cmpint(kops->stats(c, &st), ==, 0);
    g_assert_cmpuint(st.refused[VGT_E_GFN], ==, 1);
    g_assert_cmpuint(st.refused[VGT_E_GM_RANGE], ==, 2);
    g_assert_cmpuint(st.refused[VGT_E_INVAL], ==, 1);
    /* all, the first chunk, the first two twice, one chunk */
    g_assert_cmpuint(st.gtt_written, ==,
                     GTT_SPLIT_N + CH + 2 * CH + 2 * CH + CH);

    g_assert_cmpint(kops->mem_unregister(c, 4096), ==, -VGT_E_NOENT);
    g_assert_cmpint(kops->mem_unregister(c, 0), ==, 0);
    kops->disconnect(c);
    g_aligned_free(ram);
}

/* A workload in the shadow area; its events come on the device fd. */
static void test_submit_events(void)
{
    struct vgt_create_req req = { 16 << 20, 0, 0, 0 };
    struct vgt_mem_region r = { .gpa = 0, .size = RAM_PAGES * 4096,
                                .fd = -1 };
    struct vgt_instance_info info;
    struct vgt_shadow_info sh, sh2;
    struct vgt_sched_stats ss;
    struct vgt_gtt_entry e = { 0, VGT_PTE_VALID, 3 };
    struct vgt_workload wl = { 0 };
    struct vgt_event ev[VGT_EVENT_READ_MAX + 8];
    struct vgt_conn *c;
    guint8 *ram = g_aligned_alloc0(RAM_PAGES, 4096, 4096);
    guint32 *dw, seq;
    char buf[16];
    int irq = 0, complete = 0;

    fake_reset();
    g_assert_cmpint(kops->connect(NULL, &c), ==, 0);
    g_assert_cmpint(kops->shadow_map(c, &sh), ==, -VGT_E_NOINST);
    g_assert_cmpint(kops->create(c, &req, &info), ==, 0);
    r.hva = (guintptr)ram;
    g_assert_cmpint(kops->mem_register(c, &r), ==, 0);
    e.index = info.mappable_base >> 12;
    g_assert_cmpint(kops->gtt_write(c, &e, 1, NULL), ==, 0);
    memset(ram + 3 * 4096, 0x5a, 16);
    g_assert_cmpint(kops->gm_read(c, info.mappable_base, buf, 16), ==, 0);
    g_assert_cmphex(buf[15], ==, 0x5a);
    g_assert_cmpint(kops->gm_read(c, 0, buf, 16), ==, -VGT_E_GM_RANGE);
    g_assert_cmpint(kops->gm_read(c, info.mappable_base, buf,
                                  VGT_GM_READ_MAX + 1), ==, -VGT_E_INVAL);
    /* nothing queued: 0, not an error */
    g_assert_cmpint(kops->events_read(c, ev, 8), ==, 0);

    g_assert_cmpint(kops->shadow_map(c, &sh), ==, 0);
    g_assert_cmpuint(sh.size, ==, VGT_SHADOW_SIZE);
    g_assert_true((void *)(uintptr_t)sh.hva == fake.shadow);
    g_assert_cmpint(kops->shadow_map(c, &sh2), ==, 0);
    g_assert_cmpuint(sh2.hva, ==, sh.hva);
    g_assert_cmpuint(sh2.gm_addr, ==, sh.gm_addr);

    dw = (guint32 *)(uintptr_t)sh.hva;
    dw[0] = 0x10800001;         /* MI_STORE_DATA_INDEX 0x100 */
    dw[1] = 0x100;
    dw[2] = 0xfeed;
    dw[3] = 0x01000000;         /* MI_USER_INTERRUPT */
    wl.id = 9;
    wl.start = sh.gm_addr;
    wl.length = 16;
    wl.engine = VGT_ENGINE_BCS;
    wl.nr_regs = 1;
    wl.regs[0] = (struct vgt_reg_write){ 0x4280, info.mappable_base };
    g_assert_cmpint(kops->set_weight(c, 99), ==, -VGT_E_INVAL);
    g_assert_cmpint(kops->set_weight(c, 2), ==, 0);
    {
        /* notify_policy through the ioctl: refused, then the default */
        struct vgt_notify_policy np = { VGT_ENGINE_BCS, 0, 2, 0 };

        g_assert_cmpint(kops->notify_policy(c, &np), ==, -VGT_E_INVAL);
        g_assert_cmpint(kops->notify_policy(c, NULL), ==, -VGT_E_INVAL);
        np.user_irq = 1;
        np.complete_low = VGT_WL_QUEUE_MAX;
        g_assert_cmpint(kops->notify_policy(c, &np), ==, 0);
    }
    g_assert_cmpint(kops->submit(c, &wl), ==, 0);
    while (!complete) {
        struct pollfd p = { .fd = kops->event_fd(c), .events = POLLIN };
        int n;

        g_assert_cmpint(poll(&p, 1, 5000), ==, 1);
        /* more than a read may return: clamped, whole records */
        n = kops->events_read(c, ev, G_N_ELEMENTS(ev));
        g_assert_cmpint(n, >=, 0);
        for (int i = 0; i < n; i++) {
            if (ev[i].type == VGT_EVENT_USER_IRQ) {
                g_assert_cmpuint(ev[i].unit, ==, VGT_ENGINE_BCS);
                irq++;
            } else if (ev[i].type == VGT_EVENT_COMPLETE) {
                g_assert_cmpuint(ev[i].data, ==, 9);
                complete++;
            }
        }
    }
    g_assert_cmpint(irq, ==, 1);
    memcpy(&seq, ram + 3 * 4096 + 0x100, 4);
    g_assert_cmphex(seq, ==, 0xfeed);
    g_assert_cmpint(kops->sched_stats(c, &ss), ==, 0);
    g_assert_cmpuint(ss.weight, ==, 2);
    g_assert_cmpuint(ss.completed, ==, 1);
    wl.regs[0].offset = 0x44004;
    g_assert_cmpint(kops->submit(c, &wl), ==, -VGT_E_REG);
    g_assert_cmpint(kops->submit(c, NULL), ==, -VGT_E_INVAL);

    /* a reset posts RESET; destroy lets go of the mapping first */
    g_assert_cmpint(kops->reset(c), ==, 0);
    g_assert_cmpint(kops->events_read(c, ev, 1), ==, 1);
    g_assert_cmpuint(ev[0].type, ==, VGT_EVENT_RESET);
    g_assert_cmpint(kops->gtt_read(c, e.index, &e), ==, 0);
    g_assert_cmpuint(e.flags, ==, 0);
    g_assert_cmpint(kops->info(c, &info), ==, 0);
    g_assert_cmpuint(fake.munmaps, ==, 0);
    g_assert_cmpint(kops->destroy(c), ==, 0);
    g_assert_cmpuint(fake.munmaps, ==, 1);
    g_assert_cmpint(kops->destroy(c), ==, -VGT_E_NOINST);
    g_assert_cmpint(kops->submit(c, &wl), ==, -VGT_E_NOINST);
    /* the read path maps other failures too */
    g_assert_cmpint(kops->events_read(c, ev, 1), ==, -VGT_E_IO);
    kops->disconnect(c);
    g_assert_cmpuint(fake.munmaps, ==, 1);
    g_aligned_free(ram);
}

/* Engine state and the dirty log through the ioctls. */
static void test_migration(void)
{
    struct vgt_create_req req = { 16 << 20, 0, 0, 0 };
    struct vgt_mem_region r = { .gpa = 0, .size = RAM_PAGES * 4096,
                                .fd = -1 };
    struct vgt_instance_info info;
    struct vgt_engine_regs st, st2;
    struct vgt_gtt_entry e = { 0, VGT_PTE_VALID, 5 };
    struct vgt_shadow_info sh;
    struct vgt_workload wl = { 0 };
    struct vgt_event ev[8];
    struct vgt_conn *c;
    guint8 *ram = g_aligned_alloc0(RAM_PAGES, 4096, 4096);
    guint64 bm[RAM_PAGES / 64];
    guint32 *dw;
    int complete = 0;

    fake_reset();
    g_assert_cmpint(kops->connect(NULL, &c), ==, 0);
    g_assert_cmpint(kops->dirty_log(c, true), ==, -VGT_E_NOINST);
    g_assert_cmpint(kops->create(c, &req, &info), ==, 0);
    r.hva = (guintptr)ram;
    g_assert_cmpint(kops->mem_register(c, &r), ==, 0);
    e.index = info.mappable_base >> 12;
    g_assert_cmpint(kops->gtt_write(c, &e, 1, NULL), ==, 0);

    g_assert_cmpint(kops->engine_regs_get(c, VGT_ENGINE_BCS, &st), ==, 0);
    g_assert_cmpuint(st.engine, ==, VGT_ENGINE_BCS);
    g_assert_cmpuint(st.nr_regs, >, 4);
    g_assert_cmphex(st.regs[0].offset, ==, 0x4280);     /* HWS_PGA_BCS */
    st.regs[0].value = info.mappable_base;
    g_assert_cmpint(kops->engine_regs_set(c, &st), ==, 0);
    g_assert_cmpint(kops->engine_regs_get(c, VGT_ENGINE_BCS, &st2), ==, 0);
    g_assert_cmpmem(&st, sizeof(st), &st2, sizeof(st2));
    g_assert_cmpint(kops->engine_regs_get(c, 4, &st2), ==, -VGT_E_ENGINE);
    st2.regs[1].offset = 0x44004;
    g_assert_cmpint(kops->engine_regs_set(c, &st2), ==, -VGT_E_REG);
    g_assert_cmpint(kops->engine_regs_set(c, NULL), ==, -VGT_E_INVAL);

    g_assert_cmpint(kops->dirty_read(c, 0, RAM_PAGES, bm), ==,
                    -VGT_E_INVAL);
    g_assert_cmpint(kops->dirty_log(c, true), ==, 0);
    g_assert_cmpuint(fake.last_log, ==, 1);
    /* The workload runs on the state set above: HWS page = frame 5. */
    g_assert_cmpint(kops->shadow_map(c, &sh), ==, 0);
    dw = (guint32 *)(uintptr_t)sh.hva;
    dw[0] = 0x10800001;         /* MI_STORE_DATA_INDEX 0x100 */
    dw[1] = 0x100;
    dw[2] = 0xbeef;
    dw[3] = 0;
    wl.id = 3;
    wl.start = sh.gm_addr;
    wl.length = 16;
    wl.engine = VGT_ENGINE_BCS;
    g_assert_cmpint(kops->submit(c, &wl), ==, 0);
    while (!complete) {
        struct pollfd p = { .fd = kops->event_fd(c), .events = POLLIN };
        int n;

        g_assert_cmpint(poll(&p, 1, 5000), ==, 1);
        n = kops->events_read(c, ev, G_N_ELEMENTS(ev));
        for (int i = 0; i < n; i++) {
            complete += ev[i].type == VGT_EVENT_COMPLETE;
        }
    }
    g_assert_cmphex(*(guint32 *)(ram + 5 * 4096 + 0x100), ==, 0xbeef);
    memset(bm, 0xff, sizeof(bm));
    g_assert_cmpint(kops->dirty_read(c, 0, RAM_PAGES, bm), ==, 0);
    g_assert_cmpuint(fake.last_dirty.gpa, ==, 0);
    g_assert_cmpuint(fake.last_dirty.npages, ==, RAM_PAGES);
    g_assert_true(fake.last_dirty.bitmap == (guintptr)bm);
    g_assert_cmphex(bm[0], ==, 1ull << 5);
    g_assert_cmpint(kops->dirty_read(c, 0, RAM_PAGES, bm), ==, 0);
    g_assert_cmphex(bm[0], ==, 0);
    g_assert_cmpint(kops->dirty_read(c, 0, RAM_PAGES + 1, bm), ==,
                    -VGT_E_NOENT);
    g_assert_cmpint(kops->dirty_read(c, 0, 0, bm), ==, -VGT_E_INVAL);
    g_assert_cmpint(kops->dirty_read(c, 0, 1, NULL), ==, -VGT_E_INVAL);
    fake.fail_errno = EFAULT;   /* the module could not write the bitmap */
    g_assert_cmpint(kops->dirty_read(c, 0, 1, bm), ==, -VGT_E_INVAL);
    g_assert_cmpint(kops->dirty_log(c, false), ==, 0);
    g_assert_cmpuint(fake.last_log, ==, 0);
    g_assert_cmpint(kops->dirty_read(c, 0, RAM_PAGES, bm), ==,
                    -VGT_E_INVAL);
    kops->disconnect(c);
    g_aligned_free(ram);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    vgt_log_level = -1;
    g_test_add_func("/helper-kernel/errno-mapping", test_errno_mapping);
    g_test_add_func("/helper-kernel/connect", test_connect);
    g_test_add_func("/helper-kernel/results", test_results);
    g_test_add_func("/helper-kernel/gtt-split", test_gtt_split);
    g_test_add_func("/helper-kernel/submit-events", test_submit_events);
    g_test_add_func("/helper-kernel/migration", test_migration);
    return g_test_run();
}
