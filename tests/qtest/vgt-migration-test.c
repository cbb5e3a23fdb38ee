/*
 * qtests of vGPU migration and snapshots: the test is the guest driver on
 * the source (GTT, fences, rings, the display's registers, work on the
 * engines), migrates or snapshots the VM, and checks on the other side
 * that every piece is as it was and that the engines keep working: with
 * the same partition, with another one (vgt-hostd placing the VM
 * elsewhere), from the embedded helper to vgt-hostd, while the GPU writes
 * guest memory during pre-copy, and while a long workload runs.  Bad
 * streams (another version, a corrupt vGPU section) and a destination that
 * refuses the state fail the migration with a clear error and leave the
 * source running.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qemu/timer.h"
#include "qemu/units.h"
#include "libqtest.h"
#include "qapi/qmp/qlist.h"
#include "vgt-ring-qtest.h"

#define GDRST_BCS           (1u << 3)
#define MI_SET_CONTEXT      MI(0x18, 0)
/* i915's gen7 flags: GGTT image, extended state saved and restored */
#define MI_SET_CONTEXT_FLAGS    ((1u << 8) | (1u << 3) | (1u << 2))
#define MI_RESTORE_INHIBIT  (1u << 0)
#define CTX_PAGES           17

/* the big surface of the long workloads: pages after the slots */
#define BIG_SLOT            16
#define BIG_PAGES           1024
#define BIG_PITCH           4096
#define BIG_LINES           (BIG_PAGES * PAGE / BIG_PITCH)

/*
 * Work on both engines, checked: a batch in the GGTT stores @cookie into
 * the target page (its address is a GGTT address inside a command), the
 * blitter fills the surface with @colour, both write their seqno.
 */
static void exercise(Gpu *g, uint32_t cookie, uint32_t colour)
{
    uint32_t x, y, seq = ++g->seqno;

    qtest_writel(g->vm.qts, gpa(SLOT_BATCH), MI_SDI_GGTT);
    qtest_writel(g->vm.qts, gpa(SLOT_BATCH) + 4, 0);
    qtest_writel(g->vm.qts, gpa(SLOT_BATCH) + 8, gm(g, SLOT_TARGET) + 16);
    qtest_writel(g->vm.qts, gpa(SLOT_BATCH) + 12, cookie);
    qtest_writel(g->vm.qts, gpa(SLOT_BATCH) + 16, MI_BB_END);
    SUBMIT(g, &rcs, MI_BB_START, gm(g, SLOT_BATCH),
           MI_STORE_INDEX, 0x100, seq, MI_USER_INT);
    SUBMIT(g, &bcs, XY_COLOR_BLT | BLT_WRITE_ARGB,
           BLT_32BPP | BLT_ROP_PATCOPY | 256, (2 << 16) | 8,
           (10 << 16) | 40, gm(g, SLOT_SURFACE), colour,
           MI_STORE_INDEX, 0x100, seq, MI_USER_INT);
    g_assert_true(wait_value(g, gpa(SLOT_HWSP_RCS) + 0x100, seq));
    g_assert_true(wait_value(g, gpa(SLOT_HWSP_BCS) + 0x100, seq));
    g_assert_true(wait_head_at_tail(g, &rcs));
    g_assert_true(wait_head_at_tail(g, &bcs));
    g_assert_cmphex(qtest_readl(g->vm.qts, gpa(SLOT_TARGET) + 16), ==,
                    cookie);
    for (y = 0; y < 12; y++) {
        for (x = 0; x < 64; x += 7) {
            uint32_t px = qtest_readl(g->vm.qts, gpa(SLOT_SURFACE) +
                                      y * 256 + x * 4);
            bool in = x >= 8 && x < 40 && y >= 2 && y < 10;

            g_assert_cmphex(px, ==, in ? colour : 0);
        }
    }
    g_assert_cmphex(rd(g, GTIIR) & (rcs.user_bit | bcs.user_bit), ==,
                    rcs.user_bit | bcs.user_bit);
    wr(g, GTIIR, rcs.user_bit | bcs.user_bit);
}

/* Things the guest set that are not work: a fence, a register, entries. */
static void program_state(Gpu *g)
{
    uint32_t start = gm(g, 0), end = gm(g, 63);

    /* i915's order: LO = 0, HI (end, pitch), LO (start, valid) */
    wr(g, FENCE_LO(1), 0);
    wr(g, FENCE_HI(1), end | (3 << 0));
    wr(g, FENCE_LO(1), start | 1);
    wr(g, DSPSTRIDE_A, 0x1000);
    /* an entry in the non-mappable range, and one left invalid */
    vgt_gtt_wr(&g->vm, g->vm.nbase / PAGE + 5, vgt_pte(gpa(SLOT_TARGET)));
    vgt_gtt_wr(&g->vm, g->vm.nbase / PAGE + 6, 0);
}

/* What program_state and gpu_setup left, seen by the guest. */
static void check_state(Gpu *g, const Gpu *was)
{
    int k;

    g_assert_cmphex(g->vm.mbase, ==, was->vm.mbase);
    g_assert_cmphex(g->vm.nbase, ==, was->vm.nbase);
    g_assert_cmpuint(g->vm.msize, ==, was->vm.msize);
    g_assert_cmpuint(g->vm.fences, ==, was->vm.fences);
    for (k = 0; k < SLOT_COUNT; k++) {
        g_assert_cmphex(vgt_gtt_rd(&g->vm, g->vm.mbase / PAGE + k), ==,
                        vgt_pte(gpa(k)));
    }
    g_assert_cmphex(vgt_gtt_rd(&g->vm, g->vm.nbase / PAGE + 5), ==,
                    vgt_pte(gpa(SLOT_TARGET)));
    g_assert_cmphex(rd(g, FENCE_LO(1)), ==, gm(g, 0) | 1);
    g_assert_cmphex(rd(g, FENCE_HI(1)), ==, gm(g, 63) | 3);
    g_assert_cmpuint(vgt_qtest_qom_u64(&g->vm, "x-fence-live"), ==, 1u << 1);
    g_assert_cmphex(rd(g, DSPSTRIDE_A), ==, 0x1000);
    g_assert_cmphex(rd(g, rcs.base + 0x38), ==, gm(g, SLOT_RING_RCS));
    g_assert_cmphex(rd(g, rcs.hws_pga), ==, gm(g, SLOT_HWSP_RCS));
    g_assert_cmphex(rd(g, rcs.base + 0x30), ==, g->tail[0]);
    g_assert_cmphex(rd(g, rcs.base + 0x34) & 0x1ffffc, ==, g->tail[0]);
    g_assert_cmphex(rd(g, bcs.base + 0x34) & 0x1ffffc, ==, g->tail[1]);
}

/* ---- migration plumbing ------------------------------------------------ */

static const char *status_of(QTestState *qts, QDict **rsp)
{
    *rsp = qtest_qmp(qts, "{ 'execute': 'query-migrate' }");
    g_assert_true(qdict_haskey(*rsp, "return"));
    return qdict_get_try_str(qdict_get_qdict(*rsp, "return"), "status");
}

/* Wait until the migration is no longer under way: its final status. */
static char *wait_migration(QTestState *qts)
{
    int i;

    for (i = 0; i < 6000; i++) {
        QDict *rsp;
        const char *st = status_of(qts, &rsp);

        if (st && (!strcmp(st, "completed") || !strcmp(st, "failed") ||
                   !strcmp(st, "cancelled"))) {
            char *ret = g_strdup(st);

            qobject_unref(rsp);
            return ret;
        }
        qobject_unref(rsp);
        g_usleep(10 * 1000);
    }
    g_assert_not_reached();
}

static bool vm_running(QTestState *qts)
{
    QDict *rsp = qtest_qmp(qts, "{ 'execute': 'query-status' }");
    bool running = qdict_get_bool(qdict_get_qdict(rsp, "return"), "running");

    qobject_unref(rsp);
    return running;
}

static void wait_running(QTestState *qts)
{
    int i;

    for (i = 0; i < 1000 && !vm_running(qts); i++) {
        g_usleep(10 * 1000);
    }
    g_assert_true(vm_running(qts));
}

static void set_caps(QTestState *qts)
{
    qtest_qmp_assert_success(qts, "{ 'execute': 'migrate-set-capabilities',"
                             " 'arguments': { 'capabilities': ["
                             " { 'capability': 'return-path', 'state': true },"
                             " { 'capability': 'events', 'state': true }"
                             " ] } }");
}

/*
 * Migrate @src to @dst (started with -incoming defer) over a UNIX socket.
 * Returns the source's final status; the destination runs on success.
 */
/*
 * Start migrating @src to @dst (started with -incoming defer) at @uri:
 * the capabilities, a bandwidth limit (0: QEMU's), postcopy allowed.
 */
static void begin_migration(Gpu *src, Gpu *dst, const char *uri,
                            int64_t bandwidth, bool postcopy)
{
    QTestState *both[] = { src->vm.qts, dst->vm.qts };
    unsigned i;

    for (i = 0; i < ARRAY_SIZE(both); i++) {
        set_caps(both[i]);
        if (postcopy) {
            qtest_qmp_assert_success(both[i], "{ 'execute': "
                                     "'migrate-set-capabilities', "
                                     "'arguments': { 'capabilities': [ "
                                     "{ 'capability': 'postcopy-ram', "
                                     "'state': true } ] } }");
        }
    }
    if (bandwidth) {
        qtest_qmp_assert_success(src->vm.qts, "{ 'execute': "
                                 "'migrate-set-parameters', 'arguments': "
                                 "{ 'max-bandwidth': %" PRId64 " } }",
                                 bandwidth);
    }
    qtest_qmp_assert_success(dst->vm.qts, "{ 'execute': 'migrate-incoming', "
                             "'arguments': { 'uri': %s } }", uri);
    qtest_qmp_assert_success(src->vm.qts, "{ 'execute': 'migrate', "
                             "'arguments': { 'uri': %s } }", uri);
}

static char *migrate(Gpu *src, Gpu *dst)
{
    g_autofree char *dir = g_dir_make_tmp("vgt-mig-XXXXXX", NULL);
    g_autofree char *uri = g_strdup_printf("unix:%s/mig.sock", dir);
    g_autofree char *sock = g_strdup_printf("%s/mig.sock", dir);
    char *st;

    begin_migration(src, dst, uri, 0, false);
    st = wait_migration(src->vm.qts);
    unlink(sock);
    rmdir(dir);
    return st;
}

/* The destination's view of the guest: the source's driver state. */
static void adopt(Gpu *dst, const Gpu *src)
{
    dst->vm.bar0 = src->vm.bar0;
    dst->vm.bar2 = src->vm.bar2;
    memcpy(dst->tail, src->tail, sizeof(dst->tail));
    dst->seqno = src->seqno;
    vgt_qtest_read_partition(&dst->vm);
}

static QDict *mig_info(Gpu *g)
{
    return vgt_qtest_qom_dict(&g->vm, "migration");
}

static uint64_t mig_u64(Gpu *g, const char *key)
{
    QDict *d = mig_info(g);
    uint64_t v = qdict_get_int(d, key);

    qobject_unref(d);
    return v;
}

static bool mig_remapped(Gpu *g)
{
    QDict *d = mig_info(g);
    bool v = qdict_get_bool(d, "remapped");

    qobject_unref(d);
    return v;
}

/* ---- the cases --------------------------------------------------------- */

/* Every piece of state, the same partition, embedded to embedded. */
/* Firmware's part: the OpRegion mapped where ASLS says (in guest RAM). */
#define ASLS                0xfc
#define OPREGION_GPA        0x07000000u

static void check_opregion(Gpu *g)
{
    char sig[17] = { 0 };

    g_assert_cmphex(qpci_config_readl(g->vm.dev, ASLS), ==, OPREGION_GPA);
    qtest_memread(g->vm.qts, OPREGION_GPA, sig, 16);
    g_assert_cmpstr(sig, ==, "IntelGraphicsMem");
}

/*
 * The display and legacy VGA, left mid-way: the DP sink's link settings
 * (DPCD over AUX), pipe A scanning (its frame counter on the virtual
 * clock), a VGA sequencer and CRTC register, and a user interrupt latched
 * in GTIIR that the driver has not acked.
 */
#define PIPE_ENABLE         (1u << 31)
#define PIPE_STATE          (1u << 30)

static uint8_t vga_read(Gpu *g, uint16_t port, uint8_t idx)
{
    qtest_outb(g->vm.qts, port, idx);
    return qtest_inb(g->vm.qts, port + 1);
}

static void program_display(Gpu *g)
{
    qtest_outb(g->vm.qts, 0x3c2, 0x67);     /* colour: CRTC at 0x3d4 */
    qtest_outb(g->vm.qts, 0x3c4, 0x02);
    qtest_outb(g->vm.qts, 0x3c5, 0x05);
    qtest_outb(g->vm.qts, 0x3d4, 0x13);
    qtest_outb(g->vm.qts, 0x3d5, 0x28);
    /* the sink's link configuration and power state, as link training */
    vgt_qtest_dpcd_write(&g->vm, 0x100, (const uint8_t[]){ 0x0a, 0x84 }, 2);
    vgt_qtest_dpcd_write(&g->vm, 0x600, (const uint8_t[]){ 0x01 }, 1);
    wr(g, PIPECONF_A, PIPE_ENABLE);
    qtest_clock_step(g->vm.qts, 50 * SCALE_MS);
    g_assert_cmpuint(rd(g, FRMCOUNT_A), >=, 2);
    SUBMIT(g, &bcs, MI_STORE_INDEX, 0x100, ++g->seqno, MI_USER_INT);
    g_assert_true(wait_value(g, gpa(SLOT_HWSP_BCS) + 0x100, g->seqno));
    g_assert_true(wait_head_at_tail(g, &bcs));
    g_assert_cmphex(rd(g, GTIIR) & bcs.user_bit, ==, bcs.user_bit);
}

static void check_display(Gpu *g, uint32_t frames)
{
    uint8_t dpcd[2];

    vgt_qtest_dpcd_read(&g->vm, 0x100, dpcd, 2);
    g_assert_cmphex(dpcd[0], ==, 0x0a);
    g_assert_cmphex(dpcd[1], ==, 0x84);
    vgt_qtest_dpcd_read(&g->vm, 0x600, dpcd, 1);
    g_assert_cmphex(dpcd[0], ==, 0x01);
    g_assert_cmphex(vga_read(g, 0x3c4, 0x02), ==, 0x05);
    g_assert_cmphex(vga_read(g, 0x3d4, 0x13), ==, 0x28);
    g_assert_cmphex(rd(g, PIPECONF_A), ==, PIPE_ENABLE | PIPE_STATE);
    g_assert_cmpuint(rd(g, FRMCOUNT_A), ==, frames);
    /*
     * The vblank timer runs on.  (qtest's virtual clock starts again at
     * the destination, where a real one migrates: step past the source's.)
     */
    qtest_clock_step(g->vm.qts, 100 * SCALE_MS);
    g_assert_cmpuint(rd(g, FRMCOUNT_A), >, frames);
    g_assert_cmphex(rd(g, GTIIR) & bcs.user_bit, ==, bcs.user_bit);
    wr(g, GTIIR, rcs.user_bit | bcs.user_bit);
}

static void test_same_partition(void)
{
    Gpu src, dst;
    g_autofree char *st = NULL;
    uint32_t frames;

    vgt_qtest_start(&src.vm, "-m 128M -d guest_errors", NULL);
    /* before the driver, as firmware does */
    qpci_config_writel(src.vm.dev, ASLS, OPREGION_GPA);
    check_opregion(&src);
    gpu_setup(&src);
    vgt_qtest_map_aperture(&src.vm);
    program_state(&src);
    exercise(&src, 0xcafe0001, 0x00ff8800);
    program_display(&src);
    frames = rd(&src, FRMCOUNT_A);

    vgt_qtest_start(&dst.vm, "-m 128M -d guest_errors -incoming defer",
                    NULL);
    st = migrate(&src, &dst);
    g_assert_cmpstr(st, ==, "completed");
    wait_running(dst.vm.qts);
    adopt(&dst, &src);
    check_state(&dst, &src);
    check_opregion(&dst);
    check_display(&dst, frames);
    /* the aperture reaches the same guest pages through the new GTT */
    g_assert_cmphex(qpci_io_readl(dst.vm.dev, dst.vm.bar2,
                                  gm(&dst, SLOT_TARGET) + 16), ==,
                    0xcafe0001);
    g_assert_cmpuint(mig_u64(&src, "saves"), ==, 1);
    g_assert_cmpuint(mig_u64(&dst, "loads"), ==, 1);
    g_test_message("vGPU state: drain %" PRIu64 " us, save %" PRIu64
                   " us, load %" PRIu64 " us (a measure, not a check)",
                   mig_u64(&src, "drain-ns") / 1000,
                   mig_u64(&src, "save-ns") / 1000,
                   mig_u64(&dst, "load-ns") / 1000);
    g_assert_false(mig_remapped(&dst));
    /* the engines keep working where the VM went */
    exercise(&dst, 0xcafe0002, 0x0000ff00);
    g_assert_cmpint(vgt_qtest_log_count(&dst.vm, "vgt"), ==, 0);
    vgt_qtest_stop(&src.vm);
    vgt_qtest_stop(&dst.vm);
}

/*
 * Embedded to vgt-hostd, where another VM holds the first partition: the
 * guest keeps its addresses, the device moves them to the new partition
 * (GTT, fences, the commands' GGTT addresses, the status page).
 */
static void test_other_partition_on_hostd(void)
{
    VgtQtestHostd h;
    Gpu src, dst, other;
    g_autofree char *st = NULL;
    uint32_t i;

    if (!vgt_qtest_hostd_start(&h)) {
        g_test_skip("VGT_HOSTD not set (make check-qtest sets it)");
        return;
    }
    vgt_qtest_start(&src.vm, VGT_QTEST_MEMFD_RAM " -d guest_errors", "");
    gpu_setup(&src);
    program_state(&src);
    exercise(&src, 0xbeef0001, 0x00112233);
    /*
     * Two render context images, the second current (CCID): the next
     * MI_SET_CONTEXT saves into it, wherever the helper has it now.
     */
    for (i = 0; i < 2 * 32; i++) {
        vgt_gtt_wr(&src.vm, src.vm.mbase / PAGE + BIG_SLOT + i,
                   vgt_pte(gpa(BIG_SLOT + i)));
    }
    SUBMIT(&src, &rcs, MI_SET_CONTEXT, gm(&src, BIG_SLOT) |
           MI_SET_CONTEXT_FLAGS | MI_RESTORE_INHIBIT,
           MI_SET_CONTEXT, gm(&src, BIG_SLOT + 32) |
           MI_SET_CONTEXT_FLAGS | MI_RESTORE_INHIBIT,
           MI_STORE_INDEX, 0x100, ++src.seqno, MI_USER_INT);
    g_assert_true(wait_value(&src, gpa(SLOT_HWSP_RCS) + 0x100, src.seqno));

    /* another VM on the daemon first: the first partition is taken */
    vgt_qtest_start_on_hostd(&other.vm, h.socket, "-d guest_errors", NULL);
    gpu_setup(&other);
    vgt_qtest_start_on_hostd(&dst.vm, h.socket,
                             "-d guest_errors -incoming defer", NULL);
    st = migrate(&src, &dst);
    g_assert_cmpstr(st, ==, "completed");
    wait_running(dst.vm.qts);
    adopt(&dst, &src);
    g_assert_true(mig_remapped(&dst));
    g_test_message("vGPU state into vgt-hostd: load %" PRIu64 " us (a "
                   "measure, not a check)", mig_u64(&dst, "load-ns") / 1000);
    check_state(&dst, &src);
    /* back to the first context: the current one is saved where it is */
    SUBMIT(&dst, &rcs, MI_SET_CONTEXT, gm(&dst, BIG_SLOT) |
           MI_SET_CONTEXT_FLAGS,
           MI_STORE_INDEX, 0x100, ++dst.seqno, MI_USER_INT);
    g_assert_true(wait_value(&dst, gpa(SLOT_HWSP_RCS) + 0x100, dst.seqno));
    g_assert_true(wait_head_at_tail(&dst, &rcs));
    exercise(&dst, 0xbeef0002, 0x00445566);
    /* the VM on the first partition saw none of it */
    g_assert_cmphex(qtest_readl(other.vm.qts, gpa(SLOT_TARGET) + 16), ==, 0);
    g_assert_cmphex(qtest_readl(other.vm.qts, gpa(SLOT_SURFACE) + 2 * 256 +
                                32), ==, 0);
    exercise(&other, 0xbeef0003, 0x00778899);
    g_assert_cmpint(vgt_qtest_log_count(&dst.vm, "vgt"), ==, 0);
    g_assert_cmpint(vgt_qtest_log_count(&other.vm, "vgt"), ==, 0);
    vgt_qtest_stop(&src.vm);
    vgt_qtest_stop(&dst.vm);
    vgt_qtest_stop(&other.vm);
    vgt_qtest_hostd_stop(&h);
}

static uint64_t ram_transferred(QTestState *qts)
{
    QDict *rsp;
    const char *st = status_of(qts, &rsp);
    QDict *ret = qdict_get_qdict(rsp, "return");
    uint64_t n = 0;

    if (st && !strcmp(st, "active") && qdict_haskey(ret, "ram")) {
        n = qdict_get_int(qdict_get_qdict(ret, "ram"), "transferred");
    }
    qobject_unref(rsp);
    return n;
}

/*
 * Pre-copy while the GPU writes: guest RAM full of data, the migration
 * slowed down; once the surface's pages went over, the blitter rewrites
 * them, then a long chain of big blits is submitted and the migration let
 * go: the stop comes while it runs.  The destination must have every
 * page as the GPU left it.
 */
/* Where the source's engines run. */
typedef enum { IN_QEMU, IN_HOSTD, IN_KERNEL } EngineHome;

static void gpu_writes_during_precopy(EngineHome home, const char *hostd)
{
    g_autofree char *dir = g_dir_make_tmp("vgt-mig-XXXXXX", NULL);
    g_autofree char *uri = g_strdup_printf("unix:%s/mig.sock", dir);
    g_autofree char *sock = g_strdup_printf("%s/mig.sock", dir);
    g_autofree char *st = NULL;
    Gpu src, dst;
    uint32_t i, seq;
    int tries;

    /* the engines run in this QEMU, in vgt-hostd or behind /dev/vgt */
    if (home == IN_HOSTD) {
        vgt_qtest_start_on_hostd(&src.vm, hostd, "-d guest_errors", NULL);
        vgt_qtest_start(&dst.vm, VGT_QTEST_MEMFD_RAM " -d guest_errors "
                        "-incoming defer", "");
    } else if (home == IN_KERNEL) {
        vgt_qtest_start_on_kernel(&src.vm, "-d guest_errors", NULL);
        vgt_qtest_start(&dst.vm, "-m 128M -d guest_errors -incoming defer",
                        "");
    } else {
        vgt_qtest_start(&src.vm, "-m 128M -d guest_errors", NULL);
        vgt_qtest_start(&dst.vm, "-m 128M -d guest_errors -incoming defer",
                        NULL);
    }
    gpu_setup(&src);
    /* every page holds data: none goes over as a zero page */
    qtest_memset(src.vm.qts, RAM_BASE + SLOT_COUNT * PAGE, 0x5a,
                 96 * MiB - SLOT_COUNT * PAGE);
    qtest_memset(src.vm.qts, gpa(SLOT_SURFACE), 0x5a, PAGE);
    qtest_memset(src.vm.qts, 1 * MiB, 0x5a, RAM_BASE - 1 * MiB);
    for (i = 0; i < BIG_PAGES; i++) {
        vgt_gtt_wr(&src.vm, src.vm.mbase / PAGE + BIG_SLOT + i,
                   vgt_pte(gpa(BIG_SLOT + i)));
    }

    begin_migration(&src, &dst, uri, 32 * MiB, false);
    /* pages go in address order: wait until the surface's went */
    for (tries = 0; tries < 3000 &&
         ram_transferred(src.vm.qts) < RAM_BASE + 8 * MiB; tries++) {
        g_usleep(10 * 1000);
    }
    g_assert_cmpuint(ram_transferred(src.vm.qts), >=, RAM_BASE + 8 * MiB);
    /* the blitter rewrites pages that were sent already */
    seq = ++src.seqno;
    SUBMIT(&src, &bcs, XY_COLOR_BLT | BLT_WRITE_ARGB,
           BLT_32BPP | BLT_ROP_PATCOPY | 256, (2 << 16) | 8,
           (10 << 16) | 40, gm(&src, SLOT_SURFACE), 0x00abcdef,
           MI_STORE_INDEX, 0x100, seq, MI_USER_INT);
    g_assert_true(wait_value(&src, gpa(SLOT_HWSP_BCS) + 0x100, seq));
    /* then a long workload, and the migration may finish under it */
    seq = ++src.seqno;
    for (i = 0; i < 8; i++) {
        SUBMIT(&src, &bcs, XY_COLOR_BLT | BLT_WRITE_ARGB,
               BLT_32BPP | BLT_ROP_PATCOPY | BIG_PITCH, 0,
               (BIG_LINES << 16) | (BIG_PITCH / 4),
               gm(&src, BIG_SLOT), 0x01010101 * (i + 1));
    }
    SUBMIT(&src, &bcs, MI_STORE_INDEX, 0x100, seq, MI_USER_INT);
    qtest_qmp_assert_success(src.vm.qts, "{ 'execute': "
                             "'migrate-set-parameters', 'arguments': "
                             "{ 'max-bandwidth': %" PRId64 " } }",
                             (int64_t)4 * GiB);
    st = wait_migration(src.vm.qts);
    g_assert_cmpstr(st, ==, "completed");
    unlink(sock);
    rmdir(dir);
    wait_running(dst.vm.qts);
    adopt(&dst, &src);
    /* what the blitter wrote after its pages went is there too */
    g_assert_cmphex(qtest_readl(dst.vm.qts, gpa(SLOT_SURFACE) + 2 * 256 +
                                8 * 4), ==, 0x00abcdef);
    g_assert_cmphex(qtest_readl(dst.vm.qts, gpa(SLOT_SURFACE)), ==,
                    0x5a5a5a5a);
    g_assert_cmpuint(mig_u64(&src, "gpu-dirty-pages"), >, 0);
    /* the long workload finished, on one side or the other, once */
    g_assert_true(wait_value(&dst, gpa(SLOT_HWSP_BCS) + 0x100, seq));
    g_assert_true(wait_head_at_tail(&dst, &bcs));
    for (i = 0; i < BIG_PAGES; i += 97) {
        g_assert_cmphex(qtest_readl(dst.vm.qts, gpa(BIG_SLOT + i) + 44), ==,
                        0x08080808);
    }
    qtest_memset(dst.vm.qts, gpa(SLOT_SURFACE), 0, PAGE);
    exercise(&dst, 0xfeed0001, 0x00123456);
    g_assert_cmpint(vgt_qtest_log_count(&dst.vm, "vgt"), ==, 0);
    vgt_qtest_stop(&src.vm);
    vgt_qtest_stop(&dst.vm);
}

static void test_gpu_writes_during_precopy(void)
{
    gpu_writes_during_precopy(IN_QEMU, NULL);
}

/* vgt.ko cannot see the GPU's writes: every page mapped counts as dirty */
static void test_gpu_writes_during_precopy_kernel(void)
{
    gpu_writes_during_precopy(IN_KERNEL, NULL);
}

/* The same with the engines in vgt-hostd: its dirty log, over the socket. */
static void test_gpu_writes_during_precopy_hostd(void)
{
    VgtQtestHostd h;

    if (!vgt_qtest_hostd_start(&h)) {
        g_test_skip("VGT_HOSTD not set (make check-qtest sets it)");
        return;
    }
    gpu_writes_during_precopy(IN_HOSTD, h.socket);
    vgt_qtest_hostd_stop(&h);
}

/* ---- snapshots --------------------------------------------------------- */

static void wait_job(QTestState *qts, const char *id)
{
    int i;

    for (i = 0; i < 1000; i++) {
        QDict *rsp = qtest_qmp(qts, "{ 'execute': 'query-jobs' }");
        QList *jobs = qdict_get_qlist(rsp, "return");
        const QListEntry *e;
        bool done = false;

        QLIST_FOREACH_ENTRY(jobs, e) {
            QDict *j = qobject_to(QDict, qlist_entry_obj(e));

            if (!strcmp(qdict_get_str(j, "id"), id) &&
                !strcmp(qdict_get_str(j, "status"), "concluded")) {
                g_assert_false(qdict_haskey(j, "error"));
                done = true;
            }
        }
        qobject_unref(rsp);
        if (done) {
            qtest_qmp_assert_success(qts, "{ 'execute': 'job-dismiss', "
                                     "'arguments': { 'id': %s } }", id);
            return;
        }
        g_usleep(10 * 1000);
    }
    g_assert_not_reached();
}

/* A qcow2 image for the snapshots, made by QEMU itself (no qemu-img). */
static void make_qcow2(QTestState *qts, const char *path)
{
    qtest_qmp_assert_success(qts, "{ 'execute': 'blockdev-create', "
                             "'arguments': { 'job-id': 'c0', 'options': "
                             "{ 'driver': 'file', 'filename': %s, "
                             "'size': 0 } } }", path);
    wait_job(qts, "c0");
    qtest_qmp_assert_success(qts, "{ 'execute': 'blockdev-add', "
                             "'arguments': { 'driver': 'file', "
                             "'filename': %s, 'node-name': 'f0' } }", path);
    qtest_qmp_assert_success(qts, "{ 'execute': 'blockdev-create', "
                             "'arguments': { 'job-id': 'c1', 'options': "
                             "{ 'driver': 'qcow2', 'file': 'f0', "
                             "'size': %d } } }", (int)(16 * MiB));
    wait_job(qts, "c1");
    qtest_qmp_assert_success(qts, "{ 'execute': 'blockdev-add', "
                             "'arguments': { 'driver': 'qcow2', "
                             "'file': 'f0', 'node-name': 'disk0' } }");
}

/* Start a VM from snapshot @name of the qcow2 image @img. */
static void start_from_snapshot(Gpu *g, const char *img, const char *name)
{
    g_autofree char *args = g_strdup_printf(
        "-m 128M -d guest_errors "
        "-blockdev driver=file,filename=%s,node-name=f0 "
        "-blockdev driver=qcow2,file=f0,node-name=disk0 -loadvm %s",
        img, name);

    vgt_qtest_start(&g->vm, args, NULL);
}

static void hmp_ok(QTestState *qts, const char *cmd)
{
    g_autofree char *out = qtest_hmp(qts, "%s", cmd);

    g_assert_cmpstr(out, ==, "");
}

/* savevm, change everything, loadvm; then -loadvm in a new QEMU. */
static void test_snapshots(void)
{
    g_autofree char *dir = g_dir_make_tmp("vgt-snap-XXXXXX", NULL);
    g_autofree char *img = g_strdup_printf("%s/snap.qcow2", dir);
    Gpu g, saved, again;
    uint32_t seq;

    vgt_qtest_start(&g.vm, "-m 128M -d guest_errors", NULL);
    make_qcow2(g.vm.qts, img);
    gpu_setup(&g);
    program_state(&g);
    exercise(&g, 0x5a0e0001, 0x00aa0000);
    saved = g;
    seq = g.seqno;
    hmp_ok(g.vm.qts, "savevm s1");

    /* the guest moves on: other entries, fence off, more work */
    vgt_gtt_wr(&g.vm, g.vm.nbase / PAGE + 5, 0);
    wr(&g, FENCE_LO(1), 0);
    exercise(&g, 0x5a0e0002, 0x0000aa00);
    g_assert_cmpuint(vgt_qtest_qom_u64(&g.vm, "x-fence-live"), ==, 0);

    hmp_ok(g.vm.qts, "loadvm s1");
    memcpy(g.tail, saved.tail, sizeof(g.tail));
    g.seqno = saved.seqno;
    check_state(&g, &saved);
    g_assert_cmphex(qtest_readl(g.vm.qts, gpa(SLOT_HWSP_RCS) + 0x100), ==,
                    seq);
    g_assert_cmphex(qtest_readl(g.vm.qts, gpa(SLOT_TARGET) + 16), ==,
                    0x5a0e0001);
    exercise(&g, 0x5a0e0003, 0x000000aa);
    g_assert_cmpint(vgt_qtest_log_count(&g.vm, "vgt"), ==, 0);
    vgt_qtest_stop(&g.vm);

    /* the same snapshot at start-up */
    start_from_snapshot(&again, img, "s1");
    again.vm.bar0 = saved.vm.bar0;
    memcpy(again.tail, saved.tail, sizeof(again.tail));
    again.seqno = saved.seqno;
    vgt_qtest_read_partition(&again.vm);
    check_state(&again, &saved);
    exercise(&again, 0x5a0e0004, 0x00aaaa00);
    vgt_qtest_stop(&again.vm);
    unlink(img);
    rmdir(dir);
}

/*
 * A workload that outlives the drain (x-migration-drain-ms=0): savevm
 * stops the VM under it and records that engine as hung, the source runs
 * on with its work done, and the VM started from the snapshot sees the
 * hang; i915's recovery (GDRST, restart the ring) brings it back.
 */
static void test_drain_timeout_is_a_hang(void)
{
    g_autofree char *dir = g_dir_make_tmp("vgt-snap-XXXXXX", NULL);
    g_autofree char *img = g_strdup_printf("%s/snap.qcow2", dir);
    g_autofree char *out = NULL;
    Gpu src, dst;
    uint32_t i, seq;

    vgt_qtest_start(&src.vm, "-m 128M -d guest_errors", NULL);
    make_qcow2(src.vm.qts, img);
    gpu_setup(&src);
    for (i = 0; i < BIG_PAGES; i++) {
        vgt_gtt_wr(&src.vm, src.vm.mbase / PAGE + BIG_SLOT + i,
                   vgt_pte(gpa(BIG_SLOT + i)));
    }
    vgt_qtest_qom_set_int(&src.vm, "x-migration-drain-ms", 0);
    /* 60 fills of 4 MiB in one batch: far longer than an HMP command */
    seq = ++src.seqno;
    for (i = 0; i < 60; i++) {
        uint64_t at = gpa(SLOT_BATCH) + i * 24;

        qtest_writel(src.vm.qts, at, XY_COLOR_BLT | BLT_WRITE_ARGB);
        qtest_writel(src.vm.qts, at + 4,
                     BLT_32BPP | BLT_ROP_PATCOPY | BIG_PITCH);
        qtest_writel(src.vm.qts, at + 8, 0);
        qtest_writel(src.vm.qts, at + 12,
                     (BIG_LINES << 16) | (BIG_PITCH / 4));
        qtest_writel(src.vm.qts, at + 16, gm(&src, BIG_SLOT));
        qtest_writel(src.vm.qts, at + 20, i);
    }
    qtest_writel(src.vm.qts, gpa(SLOT_BATCH) + 60 * 24, MI_BB_END);
    SUBMIT(&src, &bcs, MI_BB_START, gm(&src, SLOT_BATCH),
           MI_STORE_INDEX, 0x100, seq, MI_USER_INT);
    out = qtest_hmp(src.vm.qts, "savevm hung");
    g_assert_nonnull(strstr(out, "vgt: the bcs workload 1 was still running "
                            "0 ms after the VM stopped"));
    g_assert_null(strstr(strstr(out, "still running") + 1, "still running"));
    g_assert_cmpuint(mig_u64(&src, "drain-timeouts"), ==, 1);
    /* the source's own workload completes: no hang there */
    g_assert_true(wait_value(&src, gpa(SLOT_HWSP_BCS) + 0x100, seq));
    g_assert_true(wait_head_at_tail(&src, &bcs));
    vgt_qtest_stop(&src.vm);

    start_from_snapshot(&dst, img, "hung");
    adopt(&dst, &src);
    /* the engine hangs where the workload was: HEAD stays */
    g_usleep(100 * 1000);
    rd(&dst, GTIIR);
    g_assert_cmphex(rd(&dst, bcs.base + 0x34) & 0x1ffffc, !=, dst.tail[1]);
    /*
     * and takes nothing more until reset (what the GPU wrote while the
     * snapshot was taken may be in memory or not: i915 replays after it)
     */
    SUBMIT(&dst, &bcs, MI_STORE_INDEX, 0x104, 0x4a4a, MI_USER_INT);
    g_usleep(100 * 1000);
    rd(&dst, GTIIR);
    g_assert_cmphex(qtest_readl(dst.vm.qts, gpa(SLOT_HWSP_BCS) + 0x104), !=,
                    0x4a4a);
    /* i915's recovery */
    wr(&dst, GDRST, GDRST_BCS);
    g_assert_cmphex(rd(&dst, GDRST), ==, 0);
    engine_start(&dst, &bcs);
    dst.tail[1] = 0;
    qtest_memset(dst.vm.qts, gpa(SLOT_SURFACE), 0, PAGE);
    exercise(&dst, 0xd7a10001, 0x00135790);
    vgt_qtest_stop(&dst.vm);
    unlink(img);
    rmdir(dir);
}

/* ---- bad input --------------------------------------------------------- */

/*
 * Load @file into a new QEMU (no qtest: it must end by itself) and return
 * its exit status and what it said.
 */
static int load_file(const char *file, char **err)
{
    const char *qemu = g_getenv("QTEST_QEMU_BINARY");
    g_autofree char *incoming = g_strdup_printf("exec:cat %s", file);
    const char *argv[] = {
        "timeout", "60", qemu, "-M", "pc", "-nodefaults", "-vga", "none",
        "-display", "none", "-m", "128M", "-device",
        "vgt,addr=2,id=gpu," VGT_QTEST_PROPS, "-incoming", incoming, NULL
    };
    int status = -1;

    g_assert_nonnull(qemu);
    g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL,
                               G_SPAWN_SEARCH_PATH |
                               G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                               err, &status, NULL));
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Where the vgt section's header ends in a stream: its version field. */
static size_t find_section(const uint8_t *buf, size_t len)
{
    static const char id[] = "0000:00:02.0/vgt";
    size_t n = strlen(id), i;

    for (i = 1; i + n + 8 <= len; i++) {
        if (buf[i - 1] == n && !memcmp(buf + i, id, n)) {
            return i + n + 4;       /* skip the instance id */
        }
    }
    g_assert_not_reached();
}

/* The first @n bytes @what at or after @from in @buf. */
static size_t find_bytes(const uint8_t *buf, size_t len, size_t from,
                         const char *what, size_t n)
{
    size_t i;

    for (i = from; i + n <= len; i++) {
        if (!memcmp(buf + i, what, n)) {
            return i;
        }
    }
    g_assert_not_reached();
}

static void test_bad_streams(void)
{
    g_autofree char *dir = g_dir_make_tmp("vgt-bad-XXXXXX", NULL);
    g_autofree char *file = g_strdup_printf("%s/state", dir);
    g_autofree char *uri = g_strdup_printf("exec:cat > %s", file);
    g_autofree char *st = NULL;
    g_autofree uint8_t *buf = NULL;
    g_autofree uint8_t *bad = NULL;
    size_t len, ver, pv;
    Gpu g;

    vgt_qtest_start(&g.vm, "-m 128M -d guest_errors", NULL);
    gpu_setup(&g);
    program_state(&g);
    exercise(&g, 0xbad00001, 0x00ffffff);
    qtest_qmp_assert_success(g.vm.qts, "{ 'execute': 'migrate', "
                             "'arguments': { 'uri': %s } }", uri);
    st = wait_migration(g.vm.qts);
    g_assert_cmpstr(st, ==, "completed");
    /* the source can go on after a migration to a file */
    qtest_qmp_assert_success(g.vm.qts, "{ 'execute': 'cont' }");
    exercise(&g, 0xbad00002, 0x00fefefe);
    vgt_qtest_stop(&g.vm);

    g_assert_true(g_file_get_contents(file, (char **)&buf, &len, NULL));
    ver = find_section(buf, len);

    /* another version of the section */
    {
        g_autofree char *err = NULL;

        bad = g_memdup2(buf, len);
        bad[ver + 3] = 2;
        g_assert_true(g_file_set_contents(file, (char *)bad, len, NULL));
        g_assert_cmpint(load_file(file, &err), ==, 1);
        g_assert_nonnull(strstr(err, "unsupported version 2 for "
                                "'0000:00:02.0/vgt' v1"));
        g_free(bad);
    }
    /*
     * A bit of the register file flipped: PVINFO's magic, which heads a
     * run of its own (its header precedes it: start 0x1e000, count).
     */
    pv = find_bytes(buf, len, ver, "vGTvGTvG", 8);
    g_assert_cmpuint(pv, >=, ver + 8);
    g_assert_cmphex(ldl_be_p(buf + pv - 8), ==, VGT_QTEST_PVINFO / 4);
    {
        g_autofree char *err = NULL;

        bad = g_memdup2(buf, len);
        bad[pv + 2] ^= 0x40;
        g_assert_true(g_file_set_contents(file, (char *)bad, len, NULL));
        g_assert_cmpint(load_file(file, &err), ==, 1);
        g_assert_nonnull(strstr(err, "vgt: the incoming vGPU state is "
                                "corrupt"));
        g_free(bad);
    }
    /* that run claiming more dwords than the register file has */
    {
        g_autofree char *err = NULL;

        bad = g_memdup2(buf, len);
        stl_be_p(bad + pv - 4, 0x7fffffff);
        g_assert_true(g_file_set_contents(file, (char *)bad, len, NULL));
        g_assert_cmpint(load_file(file, &err), ==, 1);
        g_assert_nonnull(strstr(err, "beyond its 524288: corrupt stream?"));
        g_free(bad);
    }
    /* not our section at all: its first field */
    {
        g_autofree char *err = NULL;

        bad = g_memdup2(buf, len);
        bad[ver + 4] ^= 0xff;
        g_assert_true(g_file_set_contents(file, (char *)bad, len, NULL));
        g_assert_cmpint(load_file(file, &err), ==, 1);
        g_assert_nonnull(strstr(err, "not a vgt vGPU section"));
    }
    unlink(file);
    rmdir(dir);
}

/*
 * A destination that cannot take the state (other partition sizes): the
 * migration fails with the reason, and the source, told over the return
 * path, runs on and keeps working.
 */
static void test_refused_keeps_source(void)
{
    Gpu src, dst;
    g_autofree char *st = NULL;

    vgt_qtest_start(&src.vm, "-m 128M -d guest_errors", NULL);
    gpu_setup(&src);
    exercise(&src, 0x0dd00001, 0x00010203);
    vgt_qtest_start(&dst.vm, "-m 128M -incoming defer",
                    VGT_QTEST_PROPS ",low_gm_sz=32");
    qtest_set_expected_status(dst.vm.qts, 1);
    st = migrate(&src, &dst);
    g_assert_cmpstr(st, ==, "failed");
    wait_running(src.vm.qts);
    exercise(&src, 0x0dd00002, 0x00040506);
    vgt_qtest_stop(&dst.vm);
    vgt_qtest_stop(&src.vm);
}

/*
 * vgt.ko's /dev/vgt ($VGT_QTEST_KERNEL, inside the kernel-chain VM): from
 * the embedded helper to the module while another VM on it holds the
 * first partition, so the partition differs too.
 */
static void test_embedded_to_kernel(void)
{
    Gpu src, dst, other;
    g_autofree char *st = NULL;

    vgt_qtest_start(&src.vm, "-m 128M -d guest_errors", "");
    gpu_setup(&src);
    program_state(&src);
    exercise(&src, 0x4e410001, 0x00102030);
    vgt_qtest_start_on_kernel(&other.vm, "-d guest_errors", NULL);
    gpu_setup(&other);
    vgt_qtest_start_on_kernel(&dst.vm, "-d guest_errors -incoming defer",
                              NULL);
    st = migrate(&src, &dst);
    g_assert_cmpstr(st, ==, "completed");
    wait_running(dst.vm.qts);
    adopt(&dst, &src);
    g_assert_true(mig_remapped(&dst));
    check_state(&dst, &src);
    exercise(&dst, 0x4e410002, 0x00405060);
    g_assert_cmphex(qtest_readl(other.vm.qts, gpa(SLOT_TARGET) + 16), ==, 0);
    exercise(&other, 0x4e410003, 0x00708090);
    g_assert_cmpint(vgt_qtest_log_count(&dst.vm, "vgt"), ==, 0);
    vgt_qtest_stop(&src.vm);
    vgt_qtest_stop(&dst.vm);
    vgt_qtest_stop(&other.vm);
}

/* And back: the module's engine state and dirty log on the source side. */
static void test_kernel_to_embedded(void)
{
    Gpu src, dst;
    g_autofree char *st = NULL;

    vgt_qtest_start_on_kernel(&src.vm, "-d guest_errors", NULL);
    gpu_setup(&src);
    program_state(&src);
    exercise(&src, 0x4e420001, 0x00a0b0c0);
    vgt_qtest_start(&dst.vm, "-m 128M -d guest_errors -incoming defer", "");
    st = migrate(&src, &dst);
    g_assert_cmpstr(st, ==, "completed");
    wait_running(dst.vm.qts);
    adopt(&dst, &src);
    check_state(&dst, &src);
    exercise(&dst, 0x4e420002, 0x00d0e0f0);
    g_assert_cmpint(vgt_qtest_log_count(&dst.vm, "vgt"), ==, 0);
    vgt_qtest_stop(&src.vm);
    vgt_qtest_stop(&dst.vm);
}

/* A migration that may go postcopy is refused: the source goes on. */
static void test_postcopy_refused(void)
{
    g_autofree char *dir = g_dir_make_tmp("vgt-mig-XXXXXX", NULL);
    g_autofree char *uri = g_strdup_printf("unix:%s/mig.sock", dir);
    g_autofree char *sock = g_strdup_printf("%s/mig.sock", dir);
    g_autofree char *st = NULL;
    Gpu src, dst;

    vgt_qtest_start(&src.vm, "-m 128M -d guest_errors", NULL);
    qtest_memset(src.vm.qts, 1 * MiB, 0x5a, 96 * MiB);
    gpu_setup(&src);
    exercise(&src, 0x9c000001, 0x00c0c0c0);
    vgt_qtest_start(&dst.vm, "-m 128M -incoming defer", NULL);
    /* the source hangs up: the destination ends "not a migration stream" */
    qtest_set_expected_status(dst.vm.qts, 1);
    begin_migration(&src, &dst, uri, 16 * MiB, true);
    st = wait_migration(src.vm.qts);
    g_assert_true(!strcmp(st, "cancelled") || !strcmp(st, "failed"));
    wait_running(src.vm.qts);
    exercise(&src, 0x9c000002, 0x00d0d0d0);
    unlink(sock);
    rmdir(dir);
    vgt_qtest_stop(&dst.vm);
    vgt_qtest_stop(&src.vm);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    if (vgt_qtest_kernel_wanted()) {
        qtest_add_func("/vgt/migration/embedded-to-kernel",
                       test_embedded_to_kernel);
        qtest_add_func("/vgt/migration/kernel-to-embedded",
                       test_kernel_to_embedded);
        qtest_add_func("/vgt/migration/gpu-writes-during-precopy-kernel",
                       test_gpu_writes_during_precopy_kernel);
    }
    qtest_add_func("/vgt/migration/same-partition", test_same_partition);
    qtest_add_func("/vgt/migration/other-partition-on-hostd",
                   test_other_partition_on_hostd);
    qtest_add_func("/vgt/migration/gpu-writes-during-precopy",
                   test_gpu_writes_during_precopy);
    qtest_add_func("/vgt/migration/gpu-writes-during-precopy-hostd",
                   test_gpu_writes_during_precopy_hostd);
    qtest_add_func("/vgt/migration/drain-timeout-is-a-hang",
                   test_drain_timeout_is_a_hang);
    qtest_add_func("/vgt/migration/snapshots", test_snapshots);
    qtest_add_func("/vgt/migration/bad-streams", test_bad_streams);
    qtest_add_func("/vgt/migration/refused-keeps-source",
                   test_refused_keeps_source);
    qtest_add_func("/vgt/migration/postcopy-refused", test_postcopy_refused);
    return g_test_run();
}
