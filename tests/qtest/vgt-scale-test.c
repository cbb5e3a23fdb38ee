/*
 * qtests of many VMs on one GPU: sixteen QEMUs on one vgt-hostd, each
 * with the default partition as the guest sees it (64 MiB mappable, 448
 * MiB non-mappable graphics memory, 4 fences), although the GPU's 2 GiB
 * hold three such partitions: the helper lets instances share GM slots
 * and loads the GTT entries of the one that runs (docs/scale.md).
 *
 * Every VM drives all four engines as its driver would: blits of its own
 * pattern on the blitter, stores on the render, video and video
 * enhancement rings, all submitted before any is waited for, so that the
 * sixteen VMs' work is on the shared GPU together.  Each VM must find
 * exactly its own results in its own memory, its seqnos, its interrupts.
 * A VM that addresses graphics memory it has not mapped, where another VM
 * of its slot has, gets a fault, not the other VM's bytes; one that
 * addresses another slot's memory is refused by the scanner.  What needs
 * no GPU keeps working for a VM whose slot another VM holds: sixteen
 * consoles written through the aperture, fenced and scanned out, each
 * showing its own VM's frame after every VM ran GPU work.  Then more
 * VMs up to the helper's instance limit, and one more, which must not
 * start.  The scheduling weight is set at start and at run time.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "libqtest.h"
#include "qapi/qmp/qdict.h"
#include "qapi/qmp/qjson.h"
#include "vgt-ring-qtest.h"

#define NVMS                16
#define ROUNDS              3

/* Small guest RAM, shareable with vgt-hostd. */
#define SCALE_RAM           "-m 64M -object memory-backend-memfd,id=mem," \
                            "size=64M,share=on -machine memory-backend=mem"

/* Where each VM's MSI lands: a guest page the slots do not use. */
#define MSI_GPA             (RAM_BASE - PAGE)

#define PMIMR               0x44024
#define PMIIR               0x44028
#define PMIER               0x4402c
#define RING_HEAD(e)        ((e)->base + 0x34)

#define XY_SRC_COPY_BLT     ((2u << 29) | (0x53 << 22) | 6)
#define BLT_ROP_SRCCOPY     (0xccu << 16)

/* More of the VM's pages, after the ring driver's (vgt-ring-qtest.h). */
enum {
    SLOT_RING_VCS = SLOT_COUNT, SLOT_RING_VECS, SLOT_HWSP_VCS,
    SLOT_HWSP_VECS,
    SLOT_HIGH,          /* mapped at the last page of non-mappable GM */
    SLOT_SECRET,        /* mapped by the isolation case's owner only */
    SLOT_FB,            /* the consoles case's framebuffer: 64 x 16 */
    SCALE_SLOTS
};

static const Engine vcs = { 0x12000, 0x4180, 1u << 12, 1u << 2,
                            SLOT_RING_VCS, SLOT_HWSP_VCS, 2 };
static const Engine vecs = { 0x1a000, 0x4380, 1u << 10, 1u << 4,
                             SLOT_RING_VECS, SLOT_HWSP_VECS, 3 };

/* In the helper's order (VGT_ENGINE_*); VECS interrupts in PMIIR. */
static const Engine *const engines[VGT_ENGINE_COUNT] = {
    &rcs, &vcs, &bcs, &vecs
};
#define GT_USER_BITS        ((1u << 0) | (1u << 12) | (1u << 22))
#define PM_USER_BITS        (1u << 10)

/* A blit is 64 x 16 pixels of 32 bits: one page.  So is a console. */
#define BLT_PITCH           256
#define BLT_RECT            ((16u << 16) | 64)
#define FB_W                64
#define FB_H                16

typedef struct ScaleVm {
    Gpu g;
    int n;                          /* 0.. */
    uint32_t weight;
    uint32_t tail[VGT_ENGINE_COUNT];
    uint32_t seq[VGT_ENGINE_COUNT]; /* the last seqno submitted */
    uint64_t workloads;             /* submitted by the test */
    uint32_t high_gm;               /* GM address of SLOT_HIGH */
    bool aperture;                  /* BAR2 mapped */
} ScaleVm;

static struct {
    bool started;
    bool failed_start;
    VgtQtestHostd h;
    char *hostd_log;
    uint32_t limit;                 /* the helper's instance limit */
    ScaleVm *vm;                    /* up to limit of them */
    int nvms;
    int64_t t0;
} fx;

static uint32_t pattern(int n, uint32_t round, unsigned engine)
{
    return 0x80000000u | (round << 20) | (engine << 16) | (n << 4) | 0xc;
}

/* ---- the hostd, its log and its limit ---------------------------- */

/* The helper's own word on how many instances it serves. */
static uint32_t hostd_limit(const char *log)
{
    g_autofree char *text = NULL;
    const char *p;
    unsigned limit = 0;

    g_assert_true(g_file_get_contents(log, &text, NULL, NULL));
    p = strstr(text, "up to ");
    g_assert_nonnull(p);
    g_assert_cmpint(sscanf(p, "up to %u instances", &limit), ==, 1);
    return limit;
}

/* ---- one VM ------------------------------------------------------- */

static void ring_emit(ScaleVm *v, unsigned e, const uint32_t *dw, size_t n)
{
    const Engine *eng = engines[e];
    uint32_t tail = v->tail[e];
    size_t i;

    for (i = 0; i < n; i++) {
        qtest_writel(v->g.vm.qts, gpa(eng->ring_slot) + tail, dw[i]);
        tail = (tail + 4) % PAGE;
    }
    if (tail & 7) {
        qtest_writel(v->g.vm.qts, gpa(eng->ring_slot) + tail, MI_NOOP);
        tail = (tail + 4) % PAGE;
    }
    v->tail[e] = tail;
    wr(&v->g, eng->base + 0x30, tail);
    v->workloads++;
}

#define EMIT(v, e, ...) \
    ring_emit(v, e, (const uint32_t[]){ __VA_ARGS__ }, \
              sizeof((const uint32_t[]){ __VA_ARGS__ }) / sizeof(uint32_t))

static uint64_t hwsp(unsigned e)
{
    return gpa(engines[e]->hwsp_slot) + 0x100;
}

/*
 * Start VM @n on the daemon with the default partition and @weight, map
 * its pages, start its four rings, MSI into its RAM.
 */
static void vm_start(ScaleVm *v, int n, uint32_t weight)
{
    g_autofree char *props = NULL;
    uint32_t k;

    memset(v, 0, sizeof(*v));
    v->n = n;
    v->weight = weight;
    /* the partition, the aperture: the device's defaults */
    props = g_strdup_printf("helper=%s,weight=%u", fx.h.socket, weight);
    vgt_qtest_start(&v->g.vm, SCALE_RAM " -d guest_errors", props);
    /* BAR0, PVINFO, the ring driver's pages; rcs and bcs started */
    gpu_setup(&v->g);
    for (k = SLOT_COUNT; k < SLOT_HIGH; k++) {
        qtest_memset(v->g.vm.qts, gpa(k), 0, PAGE);
        vgt_gtt_wr(&v->g.vm, v->g.vm.mbase / PAGE + k, vgt_pte(gpa(k)));
    }
    /* the last page of the non-mappable GM: the whole partition is ours */
    v->high_gm = v->g.vm.nbase + v->g.vm.nsize - PAGE;
    qtest_memset(v->g.vm.qts, gpa(SLOT_HIGH), 0, PAGE);
    vgt_gtt_wr(&v->g.vm, v->high_gm / PAGE, vgt_pte(gpa(SLOT_HIGH)));
    qtest_memset(v->g.vm.qts, gpa(SLOT_SECRET), 0, PAGE);

    wr(&v->g, GTIER, GT_USER_BITS);
    wr(&v->g, GTIMR, ~GT_USER_BITS);
    wr(&v->g, PMIER, PM_USER_BITS);
    wr(&v->g, PMIMR, ~PM_USER_BITS);
    engine_start(&v->g, &vcs);
    engine_start(&v->g, &vecs);
    vgt_qtest_msi_enable(&v->g.vm, MSI_GPA, 0x40 + n);
}

static void vm_stop(ScaleVm *v)
{
    vgt_qtest_stop(&v->g.vm);
}

/* PVINFO: the whole default partition, whoever shares its slot. */
static void vm_check_partition(ScaleVm *v)
{
    VgtQtest *t = &v->g.vm;

    g_assert_cmpuint(t->msize, ==, VGT_DEFAULT_MAPPABLE_SIZE);
    g_assert_cmpuint(t->nsize, ==, VGT_DEFAULT_NONMAPPABLE_SIZE);
    g_assert_cmpuint(t->fences, ==, VGT_DEFAULT_FENCE_NUM);
    g_assert_cmpuint(t->vgt_id, >=, 1);
    /* the mappable slice below the aperture, the rest above it */
    g_assert_cmpuint(t->mbase + t->msize, <=, VGT_APERTURE_SIZE);
    g_assert_cmpuint(t->nbase, >=, VGT_APERTURE_SIZE);
    g_assert_cmpuint(t->nbase + t->nsize, <=, VGT_GM_SIZE);
}

/* The round's work on all four engines: nothing is waited for here. */
static void vm_submit_round(ScaleVm *v, uint32_t round)
{
    uint32_t seq = 0x100 * round + v->n;
    unsigned e;

    for (e = 0; e < VGT_ENGINE_COUNT; e++) {
        v->seq[e] = seq + (e << 24);
        if (e == VGT_ENGINE_BCS) {
            /* fill a page with the pattern, copy it to the top of GM */
            EMIT(v, e, XY_COLOR_BLT | BLT_WRITE_ARGB,
                 BLT_32BPP | BLT_ROP_PATCOPY | BLT_PITCH, 0, BLT_RECT,
                 gm(&v->g, SLOT_SURFACE), pattern(v->n, round, e),
                 XY_SRC_COPY_BLT | BLT_WRITE_ARGB,
                 BLT_32BPP | BLT_ROP_SRCCOPY | BLT_PITCH, 0, BLT_RECT,
                 v->high_gm, 0, BLT_PITCH, gm(&v->g, SLOT_SURFACE),
                 MI_STORE_INDEX, 0x100, v->seq[e], MI_USER_INT);
        } else {
            EMIT(v, e, MI_SDI_GGTT, 0, gm(&v->g, SLOT_TARGET) + 4 * e,
                 pattern(v->n, round, e),
                 MI_STORE_INDEX, 0x100, v->seq[e], MI_USER_INT);
        }
    }
}

static void vm_wait_round(ScaleVm *v)
{
    unsigned e;

    for (e = 0; e < VGT_ENGINE_COUNT; e++) {
        if (!wait_value(&v->g, hwsp(e), v->seq[e])) {
            g_error("VM %d: %s seqno 0x%x never came (0x%x)", v->n,
                    e == VGT_ENGINE_BCS ? "bcs" : e == VGT_ENGINE_VECS ?
                    "vecs" : e ? "vcs" : "rcs", v->seq[e],
                    qtest_readl(v->g.vm.qts, hwsp(e)));
        }
    }
}

/* Wait (up to 10 s) for HEAD to reach TAIL: the completion arrived. */
static bool vm_head_at_tail(ScaleVm *v, unsigned e)
{
    int i;

    for (i = 0; i < 1000; i++) {
        if ((rd(&v->g, RING_HEAD(engines[e])) & 0x1ffffc) == v->tail[e]) {
            return true;
        }
        g_usleep(10 * 1000);
    }
    return false;
}

/* Acknowledge every user interrupt and forget any message. */
static void vm_ack(ScaleVm *v)
{
    wr(&v->g, GTIIR, GT_USER_BITS);
    wr(&v->g, PMIIR, PM_USER_BITS);
    vgt_qtest_msi_seen(&v->g.vm, MSI_GPA, 0x40 + v->n);
}

/* Is every dword of the page at @addr @want? */
static void check_page(ScaleVm *v, uint64_t addr, uint32_t want)
{
    g_autofree uint32_t *buf = g_new(uint32_t, PAGE / 4);
    uint32_t i;

    qtest_memread(v->g.vm.qts, addr, buf, PAGE);
    for (i = 0; i < PAGE / 4; i++) {
        if (buf[i] != want) {
            g_error("VM %d: dword %u of 0x%" PRIx64 " is 0x%08x, not its "
                    "0x%08x", v->n, i, addr, buf[i], want);
        }
    }
}

/* Exactly this VM's round in its memory; its interrupts; its MSI. */
static void vm_check_round(ScaleVm *v, uint32_t round)
{
    unsigned e;

    check_page(v, gpa(SLOT_SURFACE), pattern(v->n, round, VGT_ENGINE_BCS));
    check_page(v, gpa(SLOT_HIGH), pattern(v->n, round, VGT_ENGINE_BCS));
    for (e = 0; e < VGT_ENGINE_COUNT; e++) {
        if (e != VGT_ENGINE_BCS) {
            g_assert_cmphex(qtest_readl(v->g.vm.qts,
                                        gpa(SLOT_TARGET) + 4 * e), ==,
                            pattern(v->n, round, e));
        }
        g_assert_true(vm_head_at_tail(v, e));
    }
    /* the user interrupt of each engine, and a message for them */
    g_assert_cmphex(rd(&v->g, GTIIR) & GT_USER_BITS, ==, GT_USER_BITS);
    g_assert_cmphex(rd(&v->g, PMIIR) & PM_USER_BITS, ==, PM_USER_BITS);
    g_assert_true(vgt_qtest_msi_seen(&v->g.vm, MSI_GPA, 0x40 + v->n));
    vm_ack(v);
}

/* A page of @value at @addr in the VM's RAM. */
static void fill_page(ScaleVm *v, uint64_t addr, uint32_t value)
{
    g_autofree uint32_t *buf = g_new(uint32_t, PAGE / 4);
    uint32_t i;

    for (i = 0; i < PAGE / 4; i++) {
        buf[i] = value;
    }
    qtest_memwrite(v->g.vm.qts, addr, buf, PAGE);
}

/* The helper's scheduler counters of the VM ("sched"); unref it. */
static QDict *vm_sched(ScaleVm *v)
{
    return vgt_qtest_qom_dict(&v->g.vm, "sched");
}

static uint64_t sched_u64(QDict *d, const char *key)
{
    g_assert_true(qdict_haskey(d, key));
    return qdict_get_int(d, key);
}

/* Wait (up to 10 s) until the VM's log has @n lines with @needle. */
static bool wait_log(ScaleVm *v, const char *needle, int n)
{
    int i;

    for (i = 0; i < 1000; i++) {
        if (vgt_qtest_log_count(&v->g.vm, needle) >= n) {
            return vgt_qtest_log_count(&v->g.vm, needle) == n;
        }
        g_usleep(10 * 1000);
    }
    return false;
}

/* i915's hang recovery on the blitter: reset the engine, restart it. */
static void vm_reset_bcs(ScaleVm *v)
{
    wr(&v->g, GDRST, bcs.gdrst_bit);
    g_assert_cmphex(rd(&v->g, GDRST), ==, 0);
    engine_start(&v->g, &bcs);
    v->tail[VGT_ENGINE_BCS] = 0;
    EMIT(v, VGT_ENGINE_BCS, MI_STORE_INDEX, 0x100, 0x600d, MI_USER_INT);
    g_assert_true(wait_value(&v->g, hwsp(VGT_ENGINE_BCS), 0x600d));
    g_assert_true(vm_head_at_tail(v, VGT_ENGINE_BCS));
    vm_ack(v);
}

/* Every VM is an instance of its own: PVINFO's vgt_id differ. */
static void check_ids(void)
{
    int n, k;

    for (n = 0; n < fx.nvms; n++) {
        for (k = n + 1; k < fx.nvms; k++) {
            g_assert_cmpuint(fx.vm[n].g.vm.vgt_id, !=, fx.vm[k].g.vm.vgt_id);
        }
    }
}

static double secs_since(int64_t t0)
{
    return (g_get_monotonic_time() - t0) / 1e6;
}

/* ---- the fixture: one daemon, sixteen VMs, more in the limit case ---- */

static bool scale_start(void)
{
    int64_t t0;
    int n, k, shared = 0;

    if (fx.started) {
        return !fx.failed_start;
    }
    fx.started = true;
    fx.failed_start = true;
    fx.t0 = g_get_monotonic_time();
    if (!vgt_qtest_hostd_start_logged(&fx.h, &fx.hostd_log)) {
        return false;
    }
    fx.limit = hostd_limit(fx.hostd_log);
    g_assert_cmpuint(fx.limit, >=, NVMS);
    fx.vm = g_new0(ScaleVm, fx.limit);

    t0 = g_get_monotonic_time();
    for (n = 0; n < NVMS; n++) {
        /* every weight there is, 1..16, from the command line */
        vm_start(&fx.vm[n], n, VGT_WEIGHT_MIN + n % VGT_WEIGHT_MAX);
        vm_check_partition(&fx.vm[n]);
        fx.nvms++;
    }
    check_ids();
    /* 16 x 512 MiB in 2 GiB of GM: VMs share slots */
    for (n = 0; n < NVMS; n++) {
        for (k = 0; k < NVMS; k++) {
            if (k != n && fx.vm[k].g.vm.mbase == fx.vm[n].g.vm.mbase) {
                g_assert_cmpuint(fx.vm[k].g.vm.nbase, ==,
                                 fx.vm[n].g.vm.nbase);
                shared++;
                break;
            }
        }
    }
    g_assert_cmpint(shared, >, 0);
    g_test_message("%d QEMUs started on one vgt-hostd in %.1f s, each with "
                   "%llu+%llu MiB GM and %d fences in PVINFO; %d of them "
                   "share a GM slot with another (helper limit: %u "
                   "instances)", NVMS, secs_since(t0),
                   VGT_DEFAULT_MAPPABLE_SIZE / MiB,
                   VGT_DEFAULT_NONMAPPABLE_SIZE / MiB, VGT_DEFAULT_FENCE_NUM,
                   shared, fx.limit);
    fx.failed_start = false;
    return true;
}

static void scale_stop(void)
{
    int n;

    if (!fx.started || !fx.vm) {
        return;
    }
    for (n = 0; n < fx.nvms; n++) {
        vm_stop(&fx.vm[n]);
    }
    g_assert_true(vgt_qtest_hostd_alive(&fx.h));
    vgt_qtest_hostd_stop(&fx.h);     /* removes its log too */
    g_free(fx.hostd_log);
    g_free(fx.vm);
    fx.vm = NULL;
    g_test_message("vgt-scale-test: %.1f s in all", secs_since(fx.t0));
}

#define SCALE_START() \
    do { \
        if (!scale_start()) { \
            g_test_skip("VGT_HOSTD (path to vgt-hostd) not set"); \
            return; \
        } \
    } while (0)

/* ---- the cases ---------------------------------------------------- */

/* VM @n's console colour (XRGB): the red byte tells the VMs apart. */
static uint32_t console_rgb(int n)
{
    return (0x08u + 0x10u * n) << 16 | (0xffu - 0x10u * n) << 8 | 0x80;
}

/* Sixteen VMs' blits and stores, all in flight together, rounds apart. */
static void test_sixteen(void)
{
    uint64_t swaps = 0, entries = 0, switches = 0;
    uint32_t round;
    int64_t t0;
    int n, k;

    SCALE_START();
    t0 = g_get_monotonic_time();
    for (round = 1; round <= ROUNDS; round++) {
        for (n = 0; n < NVMS; n++) {
            vm_submit_round(&fx.vm[n], round);
        }
        for (n = 0; n < NVMS; n++) {
            vm_wait_round(&fx.vm[n]);
        }
        for (n = 0; n < NVMS; n++) {
            vm_check_round(&fx.vm[n], round);
        }
    }
    g_test_message("%d rounds of %d VMs x 4 engines (%d workloads): %.2f s",
                   ROUNDS, NVMS, ROUNDS * NVMS * VGT_ENGINE_COUNT,
                   secs_since(t0));

    /* what the helper counted: every workload ran, none failed */
    for (n = 0; n < NVMS; n++) {
        ScaleVm *v = &fx.vm[n];
        QDict *st = vm_sched(v);

        g_assert_cmpuint(sched_u64(st, "weight"), ==, v->weight);
        g_assert_cmpuint(sched_u64(st, "submitted"), ==, v->workloads);
        g_assert_cmpuint(sched_u64(st, "completed"), ==, v->workloads);
        g_assert_cmpuint(sched_u64(st, "faults"), ==, 0);
        g_assert_cmpuint(sched_u64(st, "hangs"), ==, 0);
        g_assert_cmpuint(sched_u64(st, "queued"), ==, 0);
        swaps += sched_u64(st, "gtt-swaps");
        entries += sched_u64(st, "gtt-swap-entries");
        switches += sched_u64(st, "switches");
        qobject_unref(st);
        g_assert_cmpint(vgt_qtest_log_count(&v->g.vm, "vgt"), ==, 0);
    }
    /* a VM whose slot another VM used since must have been loaded again */
    for (n = 0; n < NVMS; n++) {
        for (k = 0; k < NVMS; k++) {
            if (k != n && fx.vm[k].g.vm.mbase == fx.vm[n].g.vm.mbase) {
                QDict *st = vm_sched(&fx.vm[n]);

                g_assert_cmpuint(sched_u64(st, "gtt-swaps"), >=, 1);
                qobject_unref(st);
                break;
            }
        }
    }
    g_test_message("helper: %" PRIu64 " GTT swaps (%" PRIu64 " entries "
                   "written), %" PRIu64 " context switches", swaps, entries,
                   switches);
    {
        QDict *st = vm_sched(&fx.vm[0]);
        g_autoptr(GString) json = qobject_to_json(QOBJECT(st));

        g_test_message("VM 0's sched: %s", json->str);
        qobject_unref(st);
    }
}

/*
 * Two VMs of one slot, same GM addresses: A maps a page of its secret at
 * one of them, B has nothing there.  A blit of B's from that address
 * runs on the GPU (the scanner checks ranges, and the address is B's),
 * with B's GTT entries loaded: the page is not present, the GPU faults,
 * B's memory keeps what it had.  A blit from another slot's memory is
 * refused by the scanner before anything runs.
 */
static void test_isolation(void)
{
    const char *fault = "bcs submission rejected, engine stopped until "
                        "reset: the GPU faulted on a memory access";
    ScaleVm *a = NULL, *b = NULL, *c = NULL;
    uint32_t secret, sentinel = 0x0b5e4e11, seq, b_head, addr, b_seq;
    uint64_t before, swaps;
    QDict *st;
    int n, k;

    SCALE_START();
    for (n = 0; n < NVMS && !a; n++) {
        for (k = n + 1; k < NVMS && !a; k++) {
            if (fx.vm[k].g.vm.mbase == fx.vm[n].g.vm.mbase) {
                a = &fx.vm[n];
                b = &fx.vm[k];
            }
        }
    }
    g_assert_nonnull(a);
    secret = 0x5ec2e700 | a->n;

    /* A's secret page at SLOT_SECRET; B's entry there was never written */
    fill_page(a, gpa(SLOT_SECRET), secret);
    fill_page(a, gpa(SLOT_SURFACE2), 0);
    vgt_gtt_wr(&a->g.vm, a->g.vm.mbase / PAGE + SLOT_SECRET,
               vgt_pte(gpa(SLOT_SECRET)));
    g_assert_cmphex(vgt_gtt_rd(&b->g.vm, b->g.vm.mbase / PAGE + SLOT_SECRET) &
                    VGT_PTE_VALID, ==, 0);
    g_assert_cmphex(gm(&b->g, SLOT_SECRET), ==, gm(&a->g, SLOT_SECRET));
    fill_page(b, gpa(SLOT_SURFACE2), sentinel);

    /*
     * A copies its secret: the slot holds A's entries afterwards.  Then
     * B asks for the same GM address: the helper must load B's first.
     */
    seq = 0x5ec;
    EMIT(a, VGT_ENGINE_BCS, XY_SRC_COPY_BLT | BLT_WRITE_ARGB,
         BLT_32BPP | BLT_ROP_SRCCOPY | BLT_PITCH, 0, BLT_RECT,
         gm(&a->g, SLOT_SURFACE2), 0, BLT_PITCH, gm(&a->g, SLOT_SECRET),
         MI_STORE_INDEX, 0x100, seq, MI_USER_INT);
    g_assert_true(wait_value(&a->g, hwsp(VGT_ENGINE_BCS), seq));
    check_page(a, gpa(SLOT_SURFACE2), secret);
    g_assert_true(vm_head_at_tail(a, VGT_ENGINE_BCS));
    vm_ack(a);
    st = vm_sched(b);
    swaps = sched_u64(st, "gtt-swaps");
    qobject_unref(st);
    b_head = rd(&b->g, RING_HEAD(&bcs));
    b_seq = qtest_readl(b->g.vm.qts, hwsp(VGT_ENGINE_BCS));
    EMIT(b, VGT_ENGINE_BCS, XY_SRC_COPY_BLT | BLT_WRITE_ARGB,
         BLT_32BPP | BLT_ROP_SRCCOPY | BLT_PITCH, 0, BLT_RECT,
         gm(&b->g, SLOT_SURFACE2), 0, BLT_PITCH, gm(&b->g, SLOT_SECRET),
         MI_STORE_INDEX, 0x100, 0xbad, MI_USER_INT);

    g_assert_true(wait_log(b, fault, 1));
    check_page(b, gpa(SLOT_SURFACE2), sentinel);
    g_assert_cmphex(qtest_readl(b->g.vm.qts, hwsp(VGT_ENGINE_BCS)), ==,
                    b_seq);
    g_assert_cmphex(rd(&b->g, RING_HEAD(&bcs)), ==, b_head);
    st = vm_sched(b);
    g_assert_cmpuint(sched_u64(st, "faults"), ==, 1);
    g_assert_cmpuint(sched_u64(st, "completed"), ==, b->workloads);
    g_assert_cmpuint(sched_u64(st, "gtt-swaps"), >, swaps);
    qobject_unref(st);
    g_test_message("VM %d read GM 0x%x, which VM %d of its slot maps: GPU "
                   "fault, its page kept 0x%08x", b->n,
                   gm(&b->g, SLOT_SECRET), a->n, sentinel);
    vm_reset_bcs(b);

    /* memory of another slot: the scanner refuses, nothing runs */
    for (n = 0; n < NVMS && !c; n++) {
        if (fx.vm[n].g.vm.mbase != b->g.vm.mbase) {
            c = &fx.vm[n];
        }
    }
    g_assert_nonnull(c);
    addr = gm(&c->g, SLOT_SURFACE);
    g_assert_false(addr >= b->g.vm.mbase &&
                   addr < b->g.vm.mbase + b->g.vm.msize);
    before = b->workloads;
    EMIT(b, VGT_ENGINE_BCS, XY_SRC_COPY_BLT | BLT_WRITE_ARGB,
         BLT_32BPP | BLT_ROP_SRCCOPY | BLT_PITCH, 0, BLT_RECT,
         gm(&b->g, SLOT_SURFACE2), 0, BLT_PITCH, addr,
         MI_STORE_INDEX, 0x100, 0xbad, MI_USER_INT);
    b->workloads--;         /* never reaches the helper */
    g_assert_true(wait_log(b, "outside this VM's graphics memory", 1));
    g_assert_cmpint(vgt_qtest_log_count(&b->g.vm, fault), ==, 1);
    check_page(b, gpa(SLOT_SURFACE2), sentinel);
    st = vm_sched(b);
    g_assert_cmpuint(sched_u64(st, "submitted"), ==, before);
    g_assert_cmpuint(sched_u64(st, "faults"), ==, 1);
    qobject_unref(st);
    vm_reset_bcs(b);

    /* and everybody's work goes on as before */
    for (n = 0; n < NVMS; n++) {
        vm_submit_round(&fx.vm[n], ROUNDS + 1);
    }
    for (n = 0; n < NVMS; n++) {
        vm_wait_round(&fx.vm[n]);
    }
    for (n = 0; n < NVMS; n++) {
        vm_check_round(&fx.vm[n], ROUNDS + 1);
    }
    check_page(a, gpa(SLOT_SURFACE2), secret);
    check_page(b, gpa(SLOT_SURFACE2), sentinel);
}

/* qom-set of @value: the error's description, or NULL; g_free it. */
/*
 * What a VM does without the GPU keeps working while other VMs hold its
 * GM slot: each VM writes its console's pixels through the aperture
 * (BAR2), fences its framebuffer and scans it out; then every VM runs GPU
 * work again, so the slots change hands; then every screen shows its own
 * VM's frame (sixteen consoles at once), every aperture read returns the
 * VM's own pixels and every fence is still live with the VM's value.
 */
static void test_consoles(void)
{
    uint32_t round = ROUNDS + 3, i;
    int n, errors[NVMS];

    SCALE_START();
    for (n = 0; n < NVMS; n++) {
        ScaleVm *v = &fx.vm[n];
        VgtQtest *t = &v->g.vm;
        uint64_t fb = gm(&v->g, SLOT_FB);

        errors[n] = vgt_qtest_log_count(t, "vgt");
        if (!v->aperture) {
            vgt_qtest_map_aperture(t);
            v->aperture = true;
        }
        qtest_memset(t->qts, gpa(SLOT_FB), 0, PAGE);
        vgt_gtt_wr(t, fb / PAGE, vgt_pte(gpa(SLOT_FB)));
        for (i = 0; i < PAGE / 4; i++) {
            vgt_ap_wr(t, fb + 4 * i, console_rgb(n));
        }
        /* as i915 fences a surface: disable, end and pitch, start */
        wr(&v->g, FENCE_LO(0), 0);
        wr(&v->g, FENCE_HI(0), fb | (BLT_PITCH / 128 - 1));
        wr(&v->g, FENCE_LO(0), fb | 1);
        vgt_qtest_modeset(t, fb, BLT_PITCH, FMT_XRGB8888, false, FB_W,
                          FB_H);
    }
    for (n = 0; n < NVMS; n++) {
        vm_submit_round(&fx.vm[n], round);
    }
    for (n = 0; n < NVMS; n++) {
        vm_wait_round(&fx.vm[n]);
        vm_check_round(&fx.vm[n], round);
    }
    for (n = 0; n < NVMS; n++) {
        ScaleVm *v = &fx.vm[n];
        VgtQtest *t = &v->g.vm;
        uint64_t fb = gm(&v->g, SLOT_FB);
        uint32_t rgb = console_rgb(n);
        g_autofree uint8_t *pix = NULL;
        int w, h, p;

        check_page(v, gpa(SLOT_FB), rgb);
        pix = vgt_qtest_screendump(t, &w, &h);
        g_assert_cmpint(w, ==, FB_W);
        g_assert_cmpint(h, ==, FB_H);
        for (p = 0; p < w * h; p++) {
            if (pix[3 * p] != (rgb >> 16 & 0xff) ||
                pix[3 * p + 1] != (rgb >> 8 & 0xff) ||
                pix[3 * p + 2] != (rgb & 0xff)) {
                g_error("VM %d: pixel %d of its console is %02x%02x%02x, "
                        "not its %06x", n, p, pix[3 * p], pix[3 * p + 1],
                        pix[3 * p + 2], rgb);
            }
        }
        g_assert_cmphex(vgt_ap_rd(t, fb + 4 * 77), ==, rgb);
        g_assert_cmphex(rd(&v->g, FENCE_LO(0)), ==, fb | 1);
        g_assert_cmpuint(vgt_qtest_qom_u64(t, "x-fence-live") & 1, ==, 1);
        g_assert_cmpint(vgt_qtest_log_count(t, "vgt"), ==, errors[n]);
    }
}

static char *qom_set_weight(ScaleVm *v, int64_t value)
{
    QDict *rsp = qtest_qmp(v->g.vm.qts, "{ 'execute': 'qom-set', "
                           "'arguments': { 'path': '/machine/peripheral/gpu',"
                           " 'property': 'weight', 'value': %" PRId64 " } }",
                           value);
    char *desc = NULL;

    if (qdict_haskey(rsp, "error")) {
        desc = g_strdup(qdict_get_str(qdict_get_qdict(rsp, "error"),
                                      "desc"));
    }
    qobject_unref(rsp);
    return desc;
}

/* QEMU with -device vgt,@props must not start; it says @message, @more. */
static void expect_start_error(const char *props, const char *message,
                               const char *more)
{
    const char *qemu = g_getenv("QTEST_QEMU_BINARY");
    g_autofree char *cmd = NULL;
    g_autofree char *err = NULL;
    int status;

    cmd = g_strdup_printf("%s -M pc -accel qtest -display none -nodefaults "
                          "-vga none %s -device vgt,%s", qemu, SCALE_RAM,
                          props);
    g_assert_true(g_spawn_command_line_sync(cmd, NULL, &err, &status, NULL));
    g_assert_true(!WIFEXITED(status) || WEXITSTATUS(status) != 0);
    if (!strstr(err, message) || (more && !strstr(err, more))) {
        g_error("QEMU said \"%s\", not \"%s\"%s%s", g_strchomp(err),
                message, more ? " with " : "", more ? more : "");
    }
    g_test_message("-device vgt,%s: %s", props, g_strchomp(err));
}

/* "weight": from the command line, at run time, in the helper. */
static void test_weight(void)
{
    ScaleVm *v;
    g_autofree char *e0 = NULL;
    g_autofree char *e17 = NULL;
    QDict *st;
    int n;

    SCALE_START();
    for (n = 0; n < NVMS; n++) {
        v = &fx.vm[n];
        g_assert_cmpuint(vgt_qtest_qom_u64(&v->g.vm, "weight"), ==,
                         v->weight);
        st = vm_sched(v);
        g_assert_cmpuint(sched_u64(st, "weight"), ==, v->weight);
        qobject_unref(st);
    }

    v = &fx.vm[0];
    g_assert_null(qom_set_weight(v, 8));
    g_assert_cmpuint(vgt_qtest_qom_u64(&v->g.vm, "weight"), ==, 8);
    st = vm_sched(v);
    g_assert_cmpuint(sched_u64(st, "weight"), ==, 8);
    qobject_unref(st);
    /* out of range: an error naming the range, nothing changes */
    e0 = qom_set_weight(v, 0);
    e17 = qom_set_weight(v, 17);
    g_assert_nonnull(e0);
    g_assert_nonnull(e17);
    g_assert_nonnull(strstr(e0, "weight must be 1..16"));
    g_assert_nonnull(strstr(e17, "weight must be 1..16"));
    g_test_message("qom-set weight 17: %s", e17);
    g_assert_cmpuint(vgt_qtest_qom_u64(&v->g.vm, "weight"), ==, 8);
    st = vm_sched(v);
    g_assert_cmpuint(sched_u64(st, "weight"), ==, 8);
    qobject_unref(st);
    v->weight = 8;
    /* the counters are there, per engine */
    st = vm_sched(v);
    g_assert_true(qdict_haskey(qdict_get_qdict(st, "busy-ns"), "vecs"));
    g_assert_true(qdict_haskey(st, "switch-ns"));
    g_assert_true(qdict_haskey(st, "gtt-swap-ns"));
    qobject_unref(st);

    /* and on the command line */
    expect_start_error("weight=0", "weight must be 1..16", NULL);
    expect_start_error("weight=17", "weight must be 1..16", NULL);
}

/* The same on the embedded helper, no vgt-hostd needed. */
static void test_weight_embedded(void)
{
    ScaleVm v = { .n = 0 };
    g_autofree char *err = NULL;
    QDict *st;

    vgt_qtest_start(&v.g.vm, "-m 64M", VGT_QTEST_PROPS ",weight=2");
    g_assert_cmpuint(vgt_qtest_qom_u64(&v.g.vm, "weight"), ==, 2);
    st = vm_sched(&v);
    g_assert_cmpuint(sched_u64(st, "weight"), ==, 2);
    g_assert_cmpuint(sched_u64(st, "submitted"), ==, 0);
    qobject_unref(st);
    g_assert_null(qom_set_weight(&v, VGT_WEIGHT_MAX));
    err = qom_set_weight(&v, VGT_WEIGHT_MAX + 1);
    g_assert_nonnull(err);
    g_assert_nonnull(strstr(err, "weight must be 1..16"));
    st = vm_sched(&v);
    g_assert_cmpuint(sched_u64(st, "weight"), ==, VGT_WEIGHT_MAX);
    qobject_unref(st);
    vm_stop(&v);
}

/*
 * VMs 17.. up to the helper's limit, each with the whole default
 * partition and a blit of its own; then one more, which QEMU refuses to
 * start, naming the limit; one VM leaves and the next one starts.
 */
static void test_limit(void)
{
    g_autofree char *props = NULL;
    uint32_t round = 9;
    int64_t t0;
    int n;

    SCALE_START();
    t0 = g_get_monotonic_time();
    for (n = NVMS; n < (int)fx.limit; n++) {
        vm_start(&fx.vm[n], n, VGT_WEIGHT_DEFAULT);
        vm_check_partition(&fx.vm[n]);
        fx.nvms++;
    }
    check_ids();
    g_test_message("VMs %d..%u started in %.1f s", NVMS + 1, fx.limit,
                   secs_since(t0));

    t0 = g_get_monotonic_time();
    for (n = 0; n < fx.nvms; n++) {
        ScaleVm *v = &fx.vm[n];

        EMIT(v, VGT_ENGINE_BCS, XY_COLOR_BLT | BLT_WRITE_ARGB,
             BLT_32BPP | BLT_ROP_PATCOPY | BLT_PITCH, 0, BLT_RECT,
             gm(&v->g, SLOT_SURFACE), pattern(n, round, VGT_ENGINE_BCS),
             MI_STORE_INDEX, 0x100, 0x900 + n, MI_USER_INT);
    }
    for (n = 0; n < fx.nvms; n++) {
        g_assert_true(wait_value(&fx.vm[n].g, hwsp(VGT_ENGINE_BCS),
                                 0x900 + n));
        check_page(&fx.vm[n], gpa(SLOT_SURFACE),
                   pattern(n, round, VGT_ENGINE_BCS));
        g_assert_true(vm_head_at_tail(&fx.vm[n], VGT_ENGINE_BCS));
        vm_ack(&fx.vm[n]);
    }
    g_test_message("%d VMs, a blit each, all in flight: %.2f s", fx.nvms,
                   secs_since(t0));

    /* one more than the helper serves */
    props = g_strdup_printf("helper=%s", fx.h.socket);
    expect_start_error(props, "cannot give this VM low_gm_sz=64 MiB, "
                       "high_gm_sz=448 MiB, fence_sz=4: ", "instance limit");
    g_assert_true(vgt_qtest_hostd_alive(&fx.h));

    /* the last VM leaves: its place is free again */
    n = fx.nvms - 1;
    vm_stop(&fx.vm[n]);
    vm_start(&fx.vm[n], n, VGT_WEIGHT_DEFAULT);
    vm_check_partition(&fx.vm[n]);
    EMIT(&fx.vm[n], VGT_ENGINE_BCS, MI_STORE_INDEX, 0x100, 0x77,
         MI_USER_INT);
    g_assert_true(wait_value(&fx.vm[n].g, hwsp(VGT_ENGINE_BCS), 0x77));
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/vgt/scale/sixteen", test_sixteen);
    qtest_add_func("/vgt/scale/isolation", test_isolation);
    qtest_add_func("/vgt/scale/consoles", test_consoles);
    qtest_add_func("/vgt/scale/weight", test_weight);
    qtest_add_func("/vgt/scale/weight-embedded", test_weight_embedded);
    qtest_add_func("/vgt/scale/limit", test_limit);
    ret = g_test_run();
    scale_stop();
    return ret;
}
