/*
 * vgt-gem-exec: submit GPU work through i915's uapi and check it ran.
 * Runs inside the test guest (a static binary in the initramfs; see
 * scripts/guest/make-initramfs.sh and docs/migration.md).
 *
 *   vgt-gem-exec [--rounds N] [--base V]   exercise every engine
 *   vgt-gem-exec --loop [--base V]         keep every engine busy until
 *                                          SIGTERM/SIGINT, then report
 *   vgt-gem-exec --pvinfo                  print the device's PVINFO
 *
 * For each engine (render, BSD, blitter, video enhancement), N times: a
 * batch of MI_STORE_DWORD_IMM (a known value into a buffer object of its
 * own) and MI_BATCH_BUFFER_END is executed with
 * DRM_IOCTL_I915_GEM_EXECBUFFER2, waited for with DRM_IOCTL_I915_GEM_WAIT
 * (bounded), and the value is read back with DRM_IOCTL_I915_GEM_PREAD.
 * Then one batch of only MI_BATCH_BUFFER_END (IGT's gem_exec_nop).
 * One line per engine:
 *   gem engine=rcs0 exec=ok|errno store=ok|bad|skip nop=ok|... rounds=N us=T
 *       [value=0x... expected=0x...] [error=...]
 * and a last line "gem result engines=4 ok=K failed=F".
 * Exit status: 0 when every engine passed, 1 otherwise, 2 when the device
 * could not be opened.
 *
 * --loop submits the same store batches round-robin over the engines,
 * each waited for and checked, until it is told to stop (the migration
 * test keeps it running across a live migration: the batch in flight when
 * the VM stops must complete, and the value the GPU wrote must be in the
 * destination's memory); then one line:
 *   gem loop batches=N ok=K failed=F rcs0=N vcs0=N bcs0=N vecs0=N
 *       max_us=T [first-error=...]
 *
 * --nop-bench S times, on each engine for S seconds, one batch of only
 * MI_BATCH_BUFFER_END submitted and waited for at a time (IGT's
 * gem_exec_nop "sync": the round trip of one request through i915 and the
 * device); one line per engine, then the run's summary:
 *   gem nop engine=rcs0 execs=N us=T us_per_exec=X [error=...]
 *   gem nop-result engines=4 ok=K failed=F
 *
 * --pvinfo maps BAR0 (sysfs resource0 of 0000:00:02.0) and prints what
 * the guest reads of PVINFO (0x78000): magic, version, vgt_id, caps and
 * the graphics memory partition i915 ballooned to:
 *   pvinfo magic=0x... version=M.m vgt_id=N caps=0x... mappable=BASE+SIZE
 *       nonmappable=BASE+SIZE fences=N
 *
 * Only the kernel's uapi (libdrm-dev's copy of <i915_drm.h>, no libdrm):
 * built with gcc -static, so it runs in an initramfs without a libc.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include <drm.h>
#include <i915_drm.h>

#define MI_INSTR(op, flags)     (((op) << 23) | (flags))
#define MI_NOOP                 MI_INSTR(0x00, 0)
#define MI_BATCH_BUFFER_END     MI_INSTR(0x0a, 0)
/* gen4..7: cmd, 0, address, value (IGT's MI_STORE_DWORD_IMM_GEN4) */
#define MI_STORE_DWORD_IMM_GEN4 MI_INSTR(0x20, 2)

/* TCG is slow, but a batch takes milliseconds: 5 s means a hang */
#define WAIT_NS   (5ll * 1000 * 1000 * 1000)

static const struct {
    const char *name;
    uint64_t flags;
} engines[] = {
    { "rcs0", I915_EXEC_RENDER },
    { "vcs0", I915_EXEC_BSD },
    { "bcs0", I915_EXEC_BLT },
    { "vecs0", I915_EXEC_VEBOX },
};

static int xioctl(int fd, unsigned long req, void *arg)
{
    int r;

    do {
        r = ioctl(fd, req, arg);
    } while (r == -1 && (errno == EINTR || errno == EAGAIN));
    return r == -1 ? -errno : 0;
}

static int gem_create(int fd, uint32_t *handle)
{
    struct drm_i915_gem_create c = { .size = 4096 };
    int r = xioctl(fd, DRM_IOCTL_I915_GEM_CREATE, &c);

    *handle = c.handle;
    return r;
}

static void gem_close(int fd, uint32_t handle)
{
    struct drm_gem_close c = { .handle = handle };

    xioctl(fd, DRM_IOCTL_GEM_CLOSE, &c);
}

static int gem_pwrite(int fd, uint32_t handle, const void *buf, uint64_t len)
{
    struct drm_i915_gem_pwrite p = {
        .handle = handle, .size = len, .data_ptr = (uintptr_t)buf,
    };

    return xioctl(fd, DRM_IOCTL_I915_GEM_PWRITE, &p);
}

static int gem_pread(int fd, uint32_t handle, void *buf, uint64_t len)
{
    struct drm_i915_gem_pread p = {
        .handle = handle, .size = len, .data_ptr = (uintptr_t)buf,
    };

    return xioctl(fd, DRM_IOCTL_I915_GEM_PREAD, &p);
}

static int gem_wait(int fd, uint32_t handle)
{
    struct drm_i915_gem_wait w = { .bo_handle = handle, .timeout_ns = WAIT_NS };

    return xioctl(fd, DRM_IOCTL_I915_GEM_WAIT, &w);
}

/*
 * Execute @batch (with a relocation to @target at dword 2 when @target is
 * not 0) on @flags's engine and wait for it.  0, or -errno; *@what says
 * which ioctl failed.
 */
static int exec_batch(int fd, uint64_t flags, const uint32_t *batch,
                      unsigned int ndw, uint32_t target, const char **what)
{
    struct drm_i915_gem_relocation_entry reloc = {
        .target_handle = target,
        .offset = 2 * sizeof(uint32_t),
        .delta = 0,
        .presumed_offset = -1,
        .read_domains = I915_GEM_DOMAIN_INSTRUCTION,
        .write_domain = I915_GEM_DOMAIN_INSTRUCTION,
    };
    struct drm_i915_gem_exec_object2 obj[2];
    struct drm_i915_gem_execbuffer2 eb;
    uint32_t bb;
    unsigned int n = 0;
    int r;

    *what = "create";
    r = gem_create(fd, &bb);
    if (r) {
        return r;
    }
    *what = "pwrite";
    r = gem_pwrite(fd, bb, batch, ndw * sizeof(uint32_t));
    if (r) {
        goto out;
    }
    memset(obj, 0, sizeof(obj));
    if (target) {
        obj[n++].handle = target;
    }
    obj[n].handle = bb;
    if (target) {
        obj[n].relocation_count = 1;
        obj[n].relocs_ptr = (uintptr_t)&reloc;
    }
    n++;
    memset(&eb, 0, sizeof(eb));
    eb.buffers_ptr = (uintptr_t)obj;
    eb.buffer_count = n;
    eb.batch_len = ((ndw * sizeof(uint32_t)) + 7) & ~7u;
    eb.flags = flags;
    *what = "execbuffer2";
    r = xioctl(fd, DRM_IOCTL_I915_GEM_EXECBUFFER2, &eb);
    if (r) {
        goto out;
    }
    *what = "wait";
    r = gem_wait(fd, bb);
out:
    gem_close(fd, bb);
    return r;
}

/* An errno as one word, for the key=value lines the host parses. */
static const char *errtok(int err)
{
    static char buf[4][48];
    static unsigned int n;
    static const struct { int e; const char *s; } names[] = {
        { EIO, "EIO" }, { ENODEV, "ENODEV" }, { EINVAL, "EINVAL" },
        { ETIME, "ETIME" }, { ETIMEDOUT, "ETIMEDOUT" }, { ENOSPC, "ENOSPC" },
        { EFAULT, "EFAULT" }, { EBUSY, "EBUSY" }, { ENOENT, "ENOENT" },
        { EACCES, "EACCES" }, { EPERM, "EPERM" }, { ENOMEM, "ENOMEM" },
        { ENXIO, "ENXIO" }, { EDEADLK, "EDEADLK" },
    };
    char *b = buf[n++ % 4];

    for (unsigned int i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (names[i].e == err) {
            return names[i].s;
        }
    }
    snprintf(b, sizeof(buf[0]), "errno%d", err);
    return b;
}

static int64_t now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int exercise(int rounds, uint32_t base)
{
    int fd = open("/dev/dri/card0", O_RDWR | O_CLOEXEC);
    unsigned int ok = 0, failed = 0;

    if (fd < 0) {
        printf("gem error=open-/dev/dri/card0:%s\n", errtok(errno));
        printf("gem result engines=%zu ok=0 failed=%zu\n",
               sizeof(engines) / sizeof(engines[0]),
               sizeof(engines) / sizeof(engines[0]));
        return 2;
    }
    for (unsigned int e = 0; e < sizeof(engines) / sizeof(engines[0]); e++) {
        const char *what = "";
        const char *store = "ok", *nop = "skip", *exec = "ok";
        uint32_t target = 0, got = 0, want = 0, zero[4] = { 0 };
        int64_t t0 = now_us();
        char err[128] = "";
        int r = gem_create(fd, &target), i = 0;

        if (!r) {
            r = gem_pwrite(fd, target, zero, sizeof(zero));
            what = "pwrite-target";
        } else {
            what = "create-target";
        }
        for (i = 0; !r && i < rounds; i++) {
            uint32_t b[8] = { 0 };
            unsigned int n = 0;

            want = base + (e << 8) + i;
            b[n++] = MI_STORE_DWORD_IMM_GEN4;
            b[n++] = 0;
            b[n++] = 0;                 /* relocated: the target's address */
            b[n++] = want;
            b[n++] = MI_BATCH_BUFFER_END;
            b[n++] = MI_NOOP;
            r = exec_batch(fd, engines[e].flags, b, n, target, &what);
            if (r) {
                break;
            }
            what = "pread";
            r = gem_pread(fd, target, &got, sizeof(got));
            if (!r && got != want) {
                store = "bad";
                snprintf(err, sizeof(err), " round=%d", i);
                break;
            }
        }
        if (r) {
            exec = errtok(-r);
            store = "skip";
            snprintf(err, sizeof(err), " error=%s:%s round=%d", what,
                     errtok(-r), i);
        }
        if (r != -ETIME) {     /* a hung engine: no second wait */
            uint32_t b[2] = { MI_BATCH_BUFFER_END, MI_NOOP };
            int rn = exec_batch(fd, engines[e].flags, b, 2, 0, &what);

            nop = "ok";
            if (rn) {
                nop = errtok(-rn);
                if (!r) {
                    snprintf(err, sizeof(err), " error=nop-%s:%s", what,
                             errtok(-rn));
                }
                r = rn;
            }
        }
        if (target) {
            gem_close(fd, target);
        }
        printf("gem engine=%s exec=%s store=%s nop=%s rounds=%d us=%" PRId64
               " value=0x%08x expected=0x%08x%s\n", engines[e].name,
               exec, store, nop,
               rounds, now_us() - t0, got, want, err);
        if (!r && !strcmp(store, "ok")) {
            ok++;
        } else {
            failed++;
        }
        fflush(stdout);
    }
    printf("gem result engines=%zu ok=%u failed=%u\n",
           sizeof(engines) / sizeof(engines[0]), ok, failed);
    close(fd);
    return failed ? 1 : 0;
}

static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
    (void)sig;
    stop = 1;
}

static int loop(uint32_t base)
{
    enum { N = sizeof(engines) / sizeof(engines[0]) };
    int fd = open("/dev/dri/card0", O_RDWR | O_CLOEXEC);
    uint64_t batches = 0, ok = 0, failed = 0, per[N] = { 0 };
    uint32_t target[N] = { 0 };
    int64_t max_us = 0;
    char first[160] = "";
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_stop;        /* no SA_RESTART: a wait returns EINTR */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    if (fd < 0) {
        printf("gem loop batches=0 ok=0 failed=1 first-error=open:%s\n",
               errtok(errno));
        return 2;
    }
    for (unsigned int e = 0; e < N; e++) {
        if (gem_create(fd, &target[e])) {
            target[e] = 0;
        }
    }
    for (uint32_t i = 0; !stop; i++) {
        unsigned int e = i % N;
        uint32_t want = base + i, got = 0;
        uint32_t b[8] = { MI_STORE_DWORD_IMM_GEN4, 0, 0, want,
                          MI_BATCH_BUFFER_END, MI_NOOP };
        const char *what = "create-target";
        int64_t t0 = now_us(), dt;
        int r = target[e] ? exec_batch(fd, engines[e].flags, b, 6,
                                       target[e], &what) : -ENOMEM;

        if (r == -EINTR && stop) {
            break;
        }
        if (!r) {
            what = "pread";
            r = gem_pread(fd, target[e], &got, sizeof(got));
        }
        dt = now_us() - t0;
        max_us = dt > max_us ? dt : max_us;
        batches++;
        per[e]++;
        if (!r && got == want) {
            ok++;
            continue;
        }
        failed++;
        if (!first[0]) {
            if (r) {
                snprintf(first, sizeof(first), " first-error=%s:%s:%s:batch%" PRIu64,
                         engines[e].name, what, errtok(-r), batches);
            } else {
                snprintf(first, sizeof(first), " first-error=%s:value=0x%08x:"
                         "expected=0x%08x:batch%" PRIu64, engines[e].name, got,
                         want, batches);
            }
        }
        if (r == -EIO || r == -ETIME || failed > 100) {
            break;                  /* hung or wedged: no point going on */
        }
    }
    printf("gem loop batches=%" PRIu64 " ok=%" PRIu64 " failed=%" PRIu64,
           batches, ok, failed);
    for (unsigned int e = 0; e < N; e++) {
        printf(" %s=%" PRIu64, engines[e].name, per[e]);
    }
    printf(" max_us=%" PRId64 "%s\n", max_us, first);
    for (unsigned int e = 0; e < N; e++) {
        if (target[e]) {
            gem_close(fd, target[e]);
        }
    }
    close(fd);
    return failed ? 1 : 0;
}

/* One MI_BATCH_BUFFER_END, executed and waited for: 0 or -errno. */
static int exec_nop(int fd, uint32_t bb, uint64_t flags)
{
    struct drm_i915_gem_exec_object2 obj = { .handle = bb };
    struct drm_i915_gem_execbuffer2 eb = {
        .buffers_ptr = (uintptr_t)&obj,
        .buffer_count = 1,
        .batch_len = 8,
        .flags = flags,
    };
    int r = xioctl(fd, DRM_IOCTL_I915_GEM_EXECBUFFER2, &eb);

    return r ? r : gem_wait(fd, bb);
}

static int nop_bench(double seconds)
{
    static const uint32_t nop[2] = { MI_BATCH_BUFFER_END, MI_NOOP };
    int fd = open("/dev/dri/card0", O_RDWR | O_CLOEXEC);
    unsigned int ok = 0, failed = 0;
    uint32_t bb = 0;
    int r;

    if (fd < 0) {
        printf("gem nop error=open-/dev/dri/card0:%s\n", errtok(errno));
        return 2;
    }
    r = gem_create(fd, &bb);
    if (!r) {
        r = gem_pwrite(fd, bb, nop, sizeof(nop));
    }
    if (r) {
        printf("gem nop error=create:%s\n", errtok(-r));
        close(fd);
        return 1;
    }
    for (unsigned int e = 0; e < sizeof(engines) / sizeof(engines[0]); e++) {
        unsigned int n = 0, warm;
        int64_t t0, t = 0;

        /* warm up: the first requests bind the batch and wake the engine */
        for (warm = 0, r = 0; !r && warm < 8; warm++) {
            r = exec_nop(fd, bb, engines[e].flags);
        }
        t0 = now_us();
        while (!r && (t = now_us() - t0) < (int64_t)(seconds * 1e6)) {
            r = exec_nop(fd, bb, engines[e].flags);
            n += !r;
        }
        printf("gem nop engine=%s execs=%u us=%lld us_per_exec=%.1f%s%s\n",
               engines[e].name, n, (long long)t, n ? (double)t / n : 0.0,
               r ? " error=" : "", r ? errtok(-r) : "");
        if (r) {
            failed++;
        } else {
            ok++;
        }
    }
    printf("gem nop-result engines=%zu ok=%u failed=%u\n",
           sizeof(engines) / sizeof(engines[0]), ok, failed);
    gem_close(fd, bb);
    close(fd);
    return failed ? 1 : 0;
}

static int pvinfo(void)
{
    const char *path = "/sys/bus/pci/devices/0000:00:02.0/resource0";
    int fd = open(path, O_RDONLY | O_SYNC | O_CLOEXEC);
    volatile uint32_t *r;
    size_t len = 0x80000;

    if (fd < 0) {
        printf("pvinfo error=open-%s:%s\n", path, errtok(errno));
        return 1;
    }
    r = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
    if (r == MAP_FAILED) {
        printf("pvinfo error=mmap-%s:%s\n", path, errtok(errno));
        close(fd);
        return 1;
    }
#define PV(off) r[(0x78000 + (off)) / 4]
    printf("pvinfo magic=0x%08x%08x version=%u.%u vgt_id=%u caps=0x%x "
           "mappable=0x%x+0x%x nonmappable=0x%x+0x%x fences=%u\n",
           PV(4), PV(0), PV(8) & 0xffff, PV(8) >> 16, PV(0xc), PV(0x10),
           PV(0x40), PV(0x44), PV(0x48), PV(0x4c), PV(0x50));
#undef PV
    munmap((void *)r, len);
    close(fd);
    return 0;
}

int main(int argc, char **argv)
{
    int rounds = 4, looping = 0;
    uint32_t base = 0x7a000000;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--pvinfo")) {
            return pvinfo();
        } else if (!strcmp(argv[i], "--nop-bench") && i + 1 < argc) {
            setvbuf(stdout, NULL, _IOLBF, 0);
            return nop_bench(atof(argv[++i]));
        } else if (!strcmp(argv[i], "--loop")) {
            looping = 1;
        } else if (!strcmp(argv[i], "--rounds") && i + 1 < argc) {
            rounds = atoi(argv[++i]);
        } else if (!strcmp(argv[i], "--base") && i + 1 < argc) {
            base = strtoul(argv[++i], NULL, 0);
        } else {
            fprintf(stderr, "usage: vgt-gem-exec [--rounds N | --loop] "
                    "[--base V] | --nop-bench S | --pvinfo\n");
            return 2;
        }
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (looping) {
        return loop(base);
    }
    return exercise(rounds < 1 ? 1 : rounds, base);
}
