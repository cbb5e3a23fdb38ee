/*
 * qtests of vgt-hostd dying under the QEMUs it serves (issue 18, faults):
 * two VMs on one daemon, GPU work in flight on both, a migration running
 * on one, then kill -9 of the daemon.  Each QEMU must say so once on
 * stderr and keep its VM running: the engines stop as hung (HEAD stays,
 * a later submission does not run, GDRST never completes, so that i915
 * declares the reset failed and wedges),
 * GTT and fence writes stay in the device and the display still shows
 * guest memory, a running migration ends and a new one is refused, a
 * system reset and quit work.  A new vgt-hostd on the same socket path
 * then serves a new QEMU.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include <sys/socket.h>
#include <sys/un.h>
#include "libqtest.h"
#include "qapi/qmp/qdict.h"
#include "vgt-ring-qtest.h"

/* A long blitter workload: 12 fills of 16 MiB (the budget is 256 MiB). */
#define BIG_FIRST_PAGE      256                 /* GM offset 1 MiB */
#define BIG_PAGES           4096                /* 16 MiB */
#define BIG_PITCH           4096
#define BIG_BLITS           12

#define MI_MODE_IDLE        (1u << 9)
#define HEAD(e)             ((e)->base + 0x34)
#define MI_MODE(e)          ((e)->base + 0x9c)

#define DEATH_LINE          "went away"

typedef struct DeathVm {
    Gpu g;
    char *err_path;         /* QEMU's stderr */
    uint32_t want[2];       /* rcs, bcs: seqno of the workload in flight */
} DeathVm;

static void vm_start(DeathVm *v, const char *socket)
{
    g_autofree char *args = NULL;

    v->err_path = vgt_qtest_log_file("vgt-hostd-death-stderr");
    args = g_strdup_printf("-d guest_errors 2>%s", v->err_path);
    vgt_qtest_start_on_hostd(&v->g.vm, socket, args, NULL);
    gpu_setup(&v->g);
}

static void vm_stop(DeathVm *v)
{
    vgt_qtest_stop(&v->g.vm);
    unlink(v->err_path);
    g_free(v->err_path);
}

/* Lines of QEMU's stderr that contain @needle. */
static int err_count(DeathVm *v, const char *needle)
{
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    int i, n = 0;

    g_assert_true(g_file_get_contents(v->err_path, &text, NULL, NULL));
    lines = g_strsplit(text, "\n", -1);
    for (i = 0; lines[i]; i++) {
        n += strstr(lines[i], needle) != NULL;
    }
    return n;
}

/* The same, after a QMP round trip (QEMU handled what came before). */
static int err_count_now(DeathVm *v, const char *needle)
{
    qtest_qmp_assert_success(v->g.vm.qts, "{ 'execute': 'query-status' }");
    return err_count(v, needle);
}

static void assert_running(DeathVm *v)
{
    QDict *rsp = qtest_qmp(v->g.vm.qts, "{ 'execute': 'query-status' }");
    QDict *ret = qdict_get_qdict(rsp, "return");

    g_assert_nonnull(ret);
    g_assert_cmpstr(qdict_get_str(ret, "status"), ==, "running");
    qobject_unref(rsp);
}

/* A breadcrumb on @e: the seqno into its status page, an interrupt. */
static void store(DeathVm *v, const Engine *e, uint32_t seqno)
{
    SUBMIT(&v->g, e, MI_STORE_INDEX, 0x100, seqno, MI_USER_INT);
}

static uint32_t hwsp(DeathVm *v, const Engine *e)
{
    return qtest_readl(v->g.vm.qts, gpa(e->hwsp_slot) + 0x100);
}

/* GM for the long blits, every page on the same guest page. */
static void map_big(DeathVm *v)
{
    uint32_t first = v->g.vm.mbase / PAGE + BIG_FIRST_PAGE, i;

    for (i = 0; i < BIG_PAGES; i++) {
        vgt_gtt_wr(&v->g.vm, first + i, vgt_pte(gpa(SLOT_SURFACE2)));
    }
}

static void submit_big(DeathVm *v, uint32_t seqno)
{
    uint32_t dw[BIG_BLITS * 6 + 4], n = 0, i;

    for (i = 0; i < BIG_BLITS; i++) {
        dw[n++] = XY_COLOR_BLT | BLT_WRITE_ARGB;
        dw[n++] = BLT_32BPP | BLT_ROP_PATCOPY | BIG_PITCH;
        dw[n++] = 0;
        dw[n++] = ((uint32_t)(BIG_PAGES * PAGE / BIG_PITCH) << 16) |
                  (BIG_PITCH / 4);
        dw[n++] = v->g.vm.mbase + BIG_FIRST_PAGE * PAGE;
        dw[n++] = 0xff000000 | i;
    }
    dw[n++] = MI_STORE_INDEX;
    dw[n++] = 0x100;
    dw[n++] = seqno;
    dw[n++] = MI_USER_INT;
    submit(&v->g, &bcs, dw, n);
}

/* A migration that stays active: throttled to 100 kB/s into cat. */
static void migrate_slowly(DeathVm *v)
{
    qtest_qmp_assert_success(v->g.vm.qts,
                             "{ 'execute': 'migrate-set-parameters', "
                             "'arguments': { 'max-bandwidth': 100000 } }");
    qtest_qmp_assert_success(v->g.vm.qts,
                             "{ 'execute': 'migrate', 'arguments': "
                             "{ 'uri': 'exec:cat > /dev/null' } }");
}

static char *migrate_status(DeathVm *v)
{
    QDict *rsp = qtest_qmp(v->g.vm.qts, "{ 'execute': 'query-migrate' }");
    QDict *ret = qdict_get_qdict(rsp, "return");
    char *st = g_strdup(qdict_haskey(ret, "status") ?
                        qdict_get_str(ret, "status") : "none");

    qobject_unref(rsp);
    return st;
}

/*
 * What the engine shows after the helper went away: either its workload
 * completed before (HEAD at TAIL, the seqno written) or it was in flight
 * and the engine is hung (HEAD before TAIL, not idle).  Returns whether
 * it was in flight.
 */
static bool check_engine_after(DeathVm *v, const Engine *e, uint32_t want)
{
    uint32_t head = rd(&v->g, HEAD(e)) & 0x1ffffc;

    if (head == v->g.tail[e->idx]) {
        g_assert_cmphex(hwsp(v, e), ==, want);
        return false;
    }
    g_assert_cmphex(rd(&v->g, MI_MODE(e)) & MI_MODE_IDLE, ==, 0);
    return true;
}

/* A submission made now never runs: HEAD stays, no seqno. */
static void check_engine_dead(DeathVm *v, const Engine *e, uint32_t seqno)
{
    uint32_t head = rd(&v->g, HEAD(e));

    store(v, e, seqno);
    /* nothing can run it: a live helper would be done in well under this */
    g_usleep(100 * 1000);
    rd(&v->g, GTIIR);
    g_assert_cmphex(hwsp(v, e), !=, seqno);
    g_assert_cmphex(rd(&v->g, HEAD(e)), ==, head);
    g_assert_cmphex(head & 0x1ffffc, !=, v->g.tail[e->idx]);
    g_assert_cmphex(rd(&v->g, MI_MODE(e)) & MI_MODE_IDLE, ==, 0);
}

/* Wait (up to 10 s) for the one line that says the helper went away. */
static void wait_death_line(DeathVm *v)
{
    int i;

    for (i = 0; i < 1000 && !err_count_now(v, DEATH_LINE); i++) {
        g_usleep(10 * 1000);
    }
    g_assert_cmpint(err_count(v, DEATH_LINE), ==, 1);
}

/* An error QMP reply whose description contains @needle. */
static void assert_qmp_error(QDict *rsp, const char *needle)
{
    QDict *err = qdict_get_qdict(rsp, "error");

    g_assert_nonnull(err);
    if (!strstr(qdict_get_str(err, "desc"), needle)) {
        g_error("QMP error '%s' does not say '%s'",
                qdict_get_str(err, "desc"), needle);
    }
    qobject_unref(rsp);
}

/* The display reads guest memory itself: a console after the death. */
#define FB_W                64
#define FB_H                16
#define FB_PITCH            256
#define FB_RGB              0x00336699

static void check_display(DeathVm *v)
{
    VgtQtest *t = &v->g.vm;
    uint64_t fb = gm(&v->g, SLOT_SURFACE);
    g_autofree uint8_t *pix = NULL;
    int w, h, p, i;

    vgt_qtest_map_aperture(t);
    qtest_memset(t->qts, gpa(SLOT_SURFACE), 0, PAGE);
    /* a GTT write and a fence now: kept by the device, not sent */
    vgt_gtt_wr(t, fb / PAGE + 1, vgt_pte(gpa(SLOT_SURFACE)));
    g_assert_cmphex(vgt_gtt_rd(t, fb / PAGE + 1), ==,
                    vgt_pte(gpa(SLOT_SURFACE)));
    for (i = 0; i < PAGE / 4; i++) {
        vgt_ap_wr(t, fb + PAGE + 4 * i, FB_RGB);
    }
    g_assert_cmphex(qtest_readl(t->qts, gpa(SLOT_SURFACE) + 4 * 77), ==,
                    FB_RGB);
    wr(&v->g, FENCE_LO(0), 0);
    wr(&v->g, FENCE_HI(0), (fb + PAGE) | (FB_PITCH / 128 - 1));
    wr(&v->g, FENCE_LO(0), (fb + PAGE) | 1);
    g_assert_cmphex(rd(&v->g, FENCE_LO(0)), ==, (fb + PAGE) | 1);
    vgt_qtest_modeset(t, fb + PAGE, FB_PITCH, FMT_XRGB8888, false, FB_W,
                      FB_H);
    pix = vgt_qtest_screendump(t, &w, &h);
    g_assert_cmpint(w, ==, FB_W);
    g_assert_cmpint(h, ==, FB_H);
    for (p = 0; p < w * h; p++) {
        g_assert_cmphex(pix[3 * p] << 16 | pix[3 * p + 1] << 8 |
                        pix[3 * p + 2], ==, FB_RGB);
    }
}

/* A vgt-hostd again on @h's socket path (the old socket file is stale). */
static void hostd_restart(VgtQtestHostd *h)
{
    const char *argv[] = { g_getenv("VGT_HOSTD"), "--socket", h->socket,
                           NULL };
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int i, fd, ok = 0;

    g_assert_true(g_spawn_async(NULL, (char **)argv, NULL,
                                G_SPAWN_DO_NOT_REAP_CHILD |
                                G_SPAWN_STDOUT_TO_DEV_NULL,
                                vgt_qtest_hostd_child_setup, NULL, &h->pid,
                                NULL));
    g_assert_cmpuint(strlen(h->socket), <, sizeof(sa.sun_path));
    strcpy(sa.sun_path, h->socket);
    for (i = 0; i < 500 && !ok; i++) {
        fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
        g_assert_cmpint(fd, >=, 0);
        ok = !connect(fd, (struct sockaddr *)&sa, sizeof(sa));
        close(fd);
        if (!ok) {
            g_usleep(10 * 1000);
        }
    }
    g_assert_true(ok);
}

static void test_kill(void)
{
    VgtQtestHostd h;
    DeathVm vm[2], fresh;
    g_autofree char *log = NULL;
    int i, status, inflight = 0;

    if (!vgt_qtest_hostd_start_logged(&h, &log)) {
        g_test_skip("VGT_HOSTD (path to vgt-hostd) not set");
        return;
    }
    for (i = 0; i < 2; i++) {
        vm_start(&vm[i], h.socket);
        map_big(&vm[i]);
        /* the helper works */
        store(&vm[i], &rcs, 0x11);
        g_assert_true(wait_value(&vm[i].g, gpa(SLOT_HWSP_RCS) + 0x100,
                                 0x11));
        g_assert_true(wait_head_at_tail(&vm[i].g, &rcs));
    }
    /* VM 1 is being migrated (its GPU's dirty pages are read) */
    migrate_slowly(&vm[1]);

    /* work in flight on both VMs, then the daemon dies */
    for (i = 0; i < 2; i++) {
        vm[i].want[1] = 0xb1 + i;
        submit_big(&vm[i], vm[i].want[1]);
        vm[i].want[0] = 0xa1 + i;
        store(&vm[i], &rcs, vm[i].want[0]);
    }
    g_assert_cmpint(kill(h.pid, SIGKILL), ==, 0);
    g_assert_cmpint(waitpid(h.pid, &status, 0), ==, h.pid);
    g_assert_true(WIFSIGNALED(status));
    g_spawn_close_pid(h.pid);
    /* at once, before QEMU may have noticed: GTT and fence writes */
    for (i = 0; i < 64; i++) {
        vgt_gtt_wr(&vm[0].g.vm, vm[0].g.vm.mbase / PAGE + SLOT_TARGET,
                   vgt_pte(gpa(SLOT_TARGET)));
        wr(&vm[0].g, FENCE_HI(1), vm[0].g.vm.mbase + 0x10000);
        wr(&vm[0].g, FENCE_LO(1), vm[0].g.vm.mbase | 1);
    }

    for (i = 0; i < 2; i++) {
        DeathVm *v = &vm[i];

        /* one clear line on stderr; the VM runs on */
        wait_death_line(v);
        assert_running(v);
        if (i == 0) {
            /* VM 1's cancelled migration may say so too */
            g_assert_cmpint(err_count(v, "vgt"), ==, 1);
        }
        inflight += check_engine_after(v, &bcs, v->want[1]);
        inflight += check_engine_after(v, &rcs, v->want[0]);
        check_engine_dead(v, &rcs, 0xdead);
        check_engine_dead(v, &bcs, 0xdead);
    }
    g_test_message("%d of 4 workloads were in flight when vgt-hostd died",
                   inflight);
    g_assert_cmphex(vgt_gtt_rd(&vm[0].g.vm, vm[0].g.vm.mbase / PAGE +
                               SLOT_TARGET), ==, vgt_pte(gpa(SLOT_TARGET)));
    g_assert_cmphex(rd(&vm[0].g, FENCE_LO(1)), ==, vm[0].g.vm.mbase | 1);

    /* the migration that ran has ended; a new one is refused */
    for (i = 0; i < 1000; i++) {
        g_autofree char *st = migrate_status(&vm[1]);

        if (strcmp(st, "active") && strcmp(st, "setup") &&
            strcmp(st, "cancelling")) {
            g_assert_cmpstr(st, !=, "completed");
            break;
        }
        g_usleep(10 * 1000);
    }
    g_assert_cmpint(i, <, 1000);
    assert_running(&vm[1]);
    assert_qmp_error(qtest_qmp(vm[0].g.vm.qts, "{ 'execute': 'migrate', "
                               "'arguments': { 'uri': "
                               "'exec:cat > /dev/null' } }"),
                     "cannot migrate");
    assert_qmp_error(qtest_qmp(vm[1].g.vm.qts, "{ 'execute': 'migrate', "
                               "'arguments': { 'uri': "
                               "'exec:cat > /dev/null' } }"),
                     "cannot migrate");
    /* the helper's counters and weight: a clear error, no crash */
    assert_qmp_error(qtest_qmp(vm[0].g.vm.qts, "{ 'execute': 'qom-get', "
                               "'arguments': { 'path': "
                               "'/machine/peripheral/gpu', "
                               "'property': 'sched' } }"), DEATH_LINE);
    assert_qmp_error(qtest_qmp(vm[0].g.vm.qts, "{ 'execute': 'qom-set', "
                               "'arguments': { 'path': "
                               "'/machine/peripheral/gpu', "
                               "'property': 'weight', 'value': 8 } }"),
                     DEATH_LINE);

    /* the display still shows guest memory */
    check_display(&vm[0]);

    /*
     * i915's hang recovery: GDRST never completes (its bits stay, i915
     * wedges), the engines stay hung
     */
    for (i = 0; i < 2; i++) {
        DeathVm *v = &vm[i];

        wr(&v->g, GDRST, rcs.gdrst_bit | bcs.gdrst_bit);
        g_assert_cmphex(rd(&v->g, GDRST), ==, rcs.gdrst_bit | bcs.gdrst_bit);
        engine_start(&v->g, &rcs);
        engine_start(&v->g, &bcs);
        v->g.tail[0] = v->g.tail[1] = 0;
        check_engine_dead(v, &rcs, 0xbeef);
        check_engine_dead(v, &bcs, 0xbeef);
    }

    /* a reboot: the VM comes back with its GPU still stopped */
    qtest_qmp_assert_success(vm[0].g.vm.qts, "{ 'execute': 'system_reset' }");
    gpu_setup(&vm[0].g);
    check_engine_dead(&vm[0], &rcs, 0xcafe);
    assert_running(&vm[0]);

    /* still that one line, then a clean quit */
    for (i = 0; i < 2; i++) {
        g_assert_cmpint(err_count_now(&vm[i], DEATH_LINE), ==, 1);
        g_assert_cmpint(err_count(&vm[i], "helper failed"), ==, 0);
        vgt_qtest_stop(&vm[i].g.vm);
        g_assert_cmpint(err_count(&vm[i], DEATH_LINE), ==, 1);
        g_assert_cmpint(err_count(&vm[i], "still running"), ==, 0);
        if (i == 0) {
            g_assert_cmpint(err_count(&vm[i], "vgt"), ==, 1);
        }
        {
            g_autofree char *text = NULL;

            g_assert_true(g_file_get_contents(vm[i].err_path, &text, NULL,
                                              NULL));
            g_strdelimit(text, "\n", '|');
            g_test_message("VM %d's stderr: %s", i, text);
        }
        unlink(vm[i].err_path);
        g_free(vm[i].err_path);
    }
    /* a new daemon on the same path serves a new VM */
    hostd_restart(&h);
    vm_start(&fresh, h.socket);
    store(&fresh, &rcs, 0x77);
    g_assert_true(wait_value(&fresh.g, gpa(SLOT_HWSP_RCS) + 0x100, 0x77));
    g_assert_true(wait_head_at_tail(&fresh.g, &rcs));
    SUBMIT(&fresh.g, &bcs, XY_COLOR_BLT | BLT_WRITE_ARGB,
           BLT_32BPP | BLT_ROP_PATCOPY | 256, 0, (4 << 16) | 64,
           gm(&fresh.g, SLOT_SURFACE), 0x00123456,
           MI_STORE_INDEX, 0x100, 0x78, MI_USER_INT);
    g_assert_true(wait_value(&fresh.g, gpa(SLOT_HWSP_BCS) + 0x100, 0x78));
    g_assert_cmphex(qtest_readl(fresh.g.vm.qts, gpa(SLOT_SURFACE) + 3 * 256),
                    ==, 0x00123456);
    g_assert_cmpint(err_count_now(&fresh, "vgt"), ==, 0);
    vm_stop(&fresh);
    vgt_qtest_hostd_stop(&h);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/vgt/hostd-death/kill", test_kill);
    return g_test_run();
}
