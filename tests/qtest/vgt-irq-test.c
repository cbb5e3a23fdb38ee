/*
 * qtests for the vgt interrupt chain: the DE/GT/PM/SDE register sets as
 * i915 programs them, vblank and flip-done on the virtual clock, MSI and
 * INTx delivery, and events from the helper reaching only their own VM.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "qemu/timer.h"
#include "libqtest.h"
#include "vgt-qtest.h"
#include "hw/pci/pci_regs.h"

#define DEISR               0x44000
#define DEIMR               0x44004
#define DEIIR               0x44008
#define PMIMR               0x44024
#define SDEIMR              0xc4004
#define SDEIIR              0xc4008
#define VBLANK_A            (1u << 0)
#define VBLANK_B            (1u << 5)
#define FLIP_DONE_A         (1u << 3)

#define PIPEDSL_A           0x70000
#define FLIPCOUNT_A         0x70044
#define DSPSURFLIVE_A       0x701ac
#define LINK_M1_A           0x60040
#define LINK_N1_A           0x60044
#define PORT_CLK_SEL_B      0x46104

#define MSI_GPA             0x05000000
#define MSI_DATA            0x4a7e

/* A VM with vgt at 00:02.0, enabled. */
static void irq_start(VgtQtest *t)
{
    vgt_qtest_start(t, NULL, NULL);
    vgt_qtest_map(t);
}

static void msi_enable(VgtQtest *t)
{
    vgt_qtest_msi_enable(t, MSI_GPA, MSI_DATA);
}

static bool msi_seen(VgtQtest *t)
{
    return vgt_qtest_msi_seen(t, MSI_GPA, MSI_DATA);
}

/* What i915's postinstall leaves in the DE set (vblank A unmasked). */
static void de_postinstall(VgtQtest *t, uint32_t unmask)
{
    vgt_wr(t, DEIER, MASTER | VBLANK_A | VBLANK_B | FLIP_DONE_A);
    vgt_wr(t, DEIMR, ~(MASTER | unmask));
}

static uint64_t vgt_stat(VgtQtest *t, const char *group, const char *name)
{
    QDict *stats = vgt_qtest_qom_dict(t, "stats");
    uint64_t v;

    v = qdict_get_int(group ? qdict_get_qdict(stats, group) : stats, name);
    qobject_unref(stats);
    return v;
}

static void test_reset_values(void)
{
    VgtQtest t;
    static const uint32_t imr[] = { DEIMR, GTIMR, PMIMR, SDEIMR };
    size_t i;

    irq_start(&t);
    for (i = 0; i < ARRAY_SIZE(imr); i++) {
        g_assert_cmphex(vgt_rd(&t, imr[i]), ==, 0xffffffff);
        g_assert_cmphex(vgt_rd(&t, imr[i] + 4), ==, 0);     /* IIR */
        g_assert_cmphex(vgt_rd(&t, imr[i] + 8), ==, 0);     /* IER */
    }
    /* i915's install pattern reads back what it wrote */
    vgt_wr(&t, DEIMR, 0xffffffff);
    vgt_wr(&t, DEIER, 0);
    vgt_wr(&t, DEIIR, 0xffffffff);
    vgt_wr(&t, DEIIR, 0xffffffff);
    g_assert_cmphex(vgt_rd(&t, DEIIR), ==, 0);
    vgt_wr(&t, GTIER, 0x00401821);
    vgt_wr(&t, GTIMR, 0xfffff7df);
    g_assert_cmphex(vgt_rd(&t, GTIER), ==, 0x00401821);
    g_assert_cmphex(vgt_rd(&t, GTIMR), ==, 0xfffff7df);
    /* ISR is read-only */
    vgt_wr(&t, DEISR, 0x1);
    g_assert_cmphex(vgt_rd(&t, DEISR), ==, 0);
    vgt_qtest_stop(&t);
}

static void pipe_enable(VgtQtest *t, uint32_t pipeconf)
{
    vgt_wr(t, pipeconf, 1u << 31);
    g_assert_cmphex(vgt_rd(t, pipeconf), ==, (1u << 31) | (1u << 30));
}

/* A VM whose pipe A just raised its first vblank, by MSI. */
static void start_first_vblank(VgtQtest *t)
{
    irq_start(t);
    msi_enable(t);
    de_postinstall(t, VBLANK_A);
    pipe_enable(t, PIPECONF_A);
    qtest_clock_step(t->qts, 17 * SCALE_MS);
}

static void test_vblank_msi(void)
{
    VgtQtest t;

    irq_start(&t);
    msi_enable(&t);
    de_postinstall(&t, VBLANK_A);

    /* a disabled pipe produces nothing */
    qtest_clock_step(t.qts, 100 * SCALE_MS);
    g_assert_cmphex(vgt_rd(&t, DEIIR), ==, 0);
    g_assert_cmpuint(vgt_rd(&t, FRMCOUNT_A), ==, 0);
    g_assert_false(msi_seen(&t));

    pipe_enable(&t, PIPECONF_A);
    qtest_clock_step(t.qts, 17 * SCALE_MS);
    /* the counter advanced, the vblank latched, the MSI arrived */
    g_assert_cmpuint(vgt_rd(&t, FRMCOUNT_A), ==, 1);
    g_assert_cmphex(vgt_rd(&t, DEIIR), ==, VBLANK_A);
    g_assert_true(msi_seen(&t));

    /* no second message while the first is not acked */
    qtest_clock_step(t.qts, 17 * SCALE_MS);
    g_assert_cmpuint(vgt_rd(&t, FRMCOUNT_A), ==, 2);
    g_assert_false(msi_seen(&t));
    /* W1C, then the next vblank is a new edge */
    vgt_wr(&t, DEIIR, VBLANK_A);
    g_assert_cmphex(vgt_rd(&t, DEIIR), ==, 0);
    qtest_clock_step(t.qts, 17 * SCALE_MS);
    g_assert_true(msi_seen(&t));

    /* masked (vblank_disable_immediate): the counter keeps running */
    vgt_wr(&t, DEIIR, ~0u);
    vgt_wr(&t, DEIMR, ~MASTER);
    qtest_clock_step(t.qts, 170 * SCALE_MS);
    g_assert_cmpuint(vgt_rd(&t, FRMCOUNT_A), ==, 13);
    g_assert_cmphex(vgt_rd(&t, DEIIR), ==, 0);
    g_assert_false(msi_seen(&t));
    g_assert_cmpuint(vgt_stat(&t, "irq", "masked"), >=, 10);

    /* disabled again: the counter stops, PIPEDSL reads 0 */
    vgt_wr(&t, PIPECONF_A, 0);
    g_assert_cmphex(vgt_rd(&t, PIPECONF_A), ==, 0);
    qtest_clock_step(t.qts, 100 * SCALE_MS);
    g_assert_cmpuint(vgt_rd(&t, FRMCOUNT_A), ==, 13);
    g_assert_cmpuint(vgt_rd(&t, PIPEDSL_A), ==, 0);
    vgt_qtest_stop(&t);
}

static void test_master_retrigger(void)
{
    VgtQtest t;

    start_first_vblank(&t);
    g_assert_true(msi_seen(&t));

    /* i915's handler: master off, ack, (a new vblank arrives), master on */
    vgt_wr(&t, DEIER, vgt_rd(&t, DEIER) & ~MASTER);
    vgt_wr(&t, DEIIR, vgt_rd(&t, DEIIR));
    qtest_clock_step(t.qts, 17 * SCALE_MS);
    g_assert_cmphex(vgt_rd(&t, DEIIR), ==, VBLANK_A);
    g_assert_false(msi_seen(&t));
    vgt_wr(&t, DEIER, vgt_rd(&t, DEIER) | MASTER);
    g_assert_true(msi_seen(&t));
    vgt_qtest_stop(&t);
}

static void test_intx(void)
{
    VgtQtest t;
    /* PIIX3 routes slot 2 INTA to PIRQB (config 0x61): send it to IRQ 11 */
    QPCIDevice *piix = NULL;

    irq_start(&t);
    piix = qpci_device_find(t.bus, QPCI_DEVFN(1, 0));
    g_assert_nonnull(piix);
    qpci_config_writeb(piix, 0x61, 11);
    qtest_irq_intercept_in(t.qts, "ioapic");
    de_postinstall(&t, VBLANK_A);
    pipe_enable(&t, PIPECONF_A);

    g_assert_false(qtest_get_irq(t.qts, 11));
    qtest_clock_step(t.qts, 17 * SCALE_MS);
    g_assert_true(qtest_get_irq(t.qts, 11));
    /* level: stays up until acked, drops on the ack */
    qtest_clock_step(t.qts, 17 * SCALE_MS);
    g_assert_true(qtest_get_irq(t.qts, 11));
    vgt_wr(&t, DEIIR, VBLANK_A);
    g_assert_false(qtest_get_irq(t.qts, 11));
    /* master off drops it, master on with a pending event raises it */
    qtest_clock_step(t.qts, 17 * SCALE_MS);
    g_assert_true(qtest_get_irq(t.qts, 11));
    vgt_wr(&t, DEIER, VBLANK_A);
    g_assert_false(qtest_get_irq(t.qts, 11));
    vgt_wr(&t, DEIER, VBLANK_A | MASTER);
    g_assert_true(qtest_get_irq(t.qts, 11));
    g_free(piix);
    vgt_qtest_stop(&t);
}

/* Program transcoder A for a DisplayPort mode on DDI B. */
static void program_mode(VgtQtest *t, uint32_t htotal, uint32_t vtotal,
                         uint32_t pixel_khz, uint32_t link_sel,
                         uint32_t link_khz)
{
    vgt_wr(t, HTOTAL_A, (htotal - 1) << 16);
    vgt_wr(t, VTOTAL_A, (vtotal - 1) << 16);
    vgt_wr(t, LINK_M1_A, pixel_khz);
    vgt_wr(t, LINK_N1_A, link_khz);
    vgt_wr(t, PORT_CLK_SEL_B, link_sel << 29);
    vgt_wr(t, DDI_FUNC_CTL_A, (1u << 31) | (1u << 28));
}

static void test_vblank_rate(void)
{
    VgtQtest t;

    irq_start(&t);
    /* no mode programmed: 60 Hz */
    pipe_enable(&t, PIPECONF_A);
    qtest_clock_step(t.qts, NANOSECONDS_PER_SECOND);
    g_assert_cmpuint(vgt_rd(&t, FRMCOUNT_A), ==, 60);
    vgt_wr(&t, PIPECONF_A, 0);

    /* 1024x768@60 (65 MHz) on a 1.62 GHz link (LCPLL 810): 16.67 ms */
    program_mode(&t, 1344, 806, 65000, 2, 162000);
    pipe_enable(&t, PIPECONF_A);
    qtest_clock_step(t.qts, NANOSECONDS_PER_SECOND);
    g_assert_cmpuint(vgt_rd(&t, FRMCOUNT_A), ==, 60 + 60);
    vgt_wr(&t, PIPECONF_A, 0);

    /* a 1080p mode at half the pixel clock on HBR: 30 Hz */
    program_mode(&t, 2200, 1125, 74250, 1, 270000);
    pipe_enable(&t, PIPECONF_A);
    qtest_clock_step(t.qts, NANOSECONDS_PER_SECOND);
    g_assert_cmpuint(vgt_rd(&t, FRMCOUNT_A), ==, 120 + 30);
    /* the scan line moves inside the frame */
    qtest_clock_step(t.qts, 16 * SCALE_MS);
    g_assert_cmpuint(vgt_rd(&t, PIPEDSL_A), >, 500);
    g_assert_cmpuint(vgt_rd(&t, PIPEDSL_A), <, 1125);

    /* pipe B is independent and was never enabled */
    g_assert_cmpuint(vgt_rd(&t, FRMCOUNT_B), ==, 0);
    vgt_qtest_stop(&t);
}

static void test_flip_done(void)
{
    VgtQtest t;

    irq_start(&t);
    de_postinstall(&t, VBLANK_A | FLIP_DONE_A);
    /* a surface set while the pipe is off is live at once */
    vgt_wr(&t, DSPSURF_A, 0x100000);
    g_assert_cmphex(vgt_rd(&t, DSPSURFLIVE_A), ==, 0x100000);
    pipe_enable(&t, PIPECONF_A);
    qtest_clock_step(t.qts, 17 * SCALE_MS);
    vgt_wr(&t, DEIIR, ~0u);

    /* a flip latches at the next vblank and reports flip done */
    vgt_wr(&t, DSPSURF_A, 0x200000);
    g_assert_cmphex(vgt_rd(&t, DSPSURFLIVE_A), ==, 0x100000);
    g_assert_cmpuint(vgt_rd(&t, FLIPCOUNT_A), ==, 0);
    qtest_clock_step(t.qts, 17 * SCALE_MS);
    g_assert_cmphex(vgt_rd(&t, DEIIR), ==, VBLANK_A | FLIP_DONE_A);
    g_assert_cmphex(vgt_rd(&t, DSPSURFLIVE_A), ==, 0x200000);
    g_assert_cmpuint(vgt_rd(&t, FLIPCOUNT_A), ==, 1);
    /* no flip pending: vblank only */
    vgt_wr(&t, DEIIR, ~0u);
    qtest_clock_step(t.qts, 17 * SCALE_MS);
    g_assert_cmphex(vgt_rd(&t, DEIIR), ==, VBLANK_A);
    vgt_qtest_stop(&t);
}

static void test_stats(void)
{
    VgtQtest t;

    start_first_vblank(&t);
    g_assert_cmpuint(vgt_stat(&t, "irq", "raised"), ==, 1);
    g_assert_cmpuint(vgt_stat(&t, "irq", "delivered"), ==, 1);
    g_assert_cmpuint(vgt_stat(&t, "irq", "masked"), ==, 0);
    /* a guest error is counted too */
    vgt_wr(&t, DEISR, 0x5);
    g_assert_cmpuint(vgt_stat(&t, NULL, "guest-errors"), ==, 1);
    /* ... and per register, by name */
    g_assert_cmpuint(vgt_stat(&t, "register-errors", "DEISR"), ==, 1);
    vgt_qtest_stop(&t);
}

/* Wait (up to 2 s) for the helper-events count to reach @n. */
static uint64_t wait_events(VgtQtest *t, uint64_t n)
{
    uint64_t got = 0;
    int i;

    for (i = 0; i < 200; i++) {
        got = vgt_stat(t, NULL, "helper-events");
        if (got >= n) {
            break;
        }
        g_usleep(10 * 1000);
    }
    return got;
}

static void test_events_per_vm(void)
{
    VgtQtestHostd h;
    VgtQtest a, b;
    uint64_t before_a, before_b;

    if (!vgt_qtest_hostd_start(&h)) {
        g_test_skip("VGT_HOSTD (path to vgt-hostd) not set");
        return;
    }
    /* two VMs' default slices do not both fit below 128 MiB: full BAR2 */
    vgt_qtest_start_on_hostd(&a, h.socket, NULL, NULL);
    vgt_qtest_map(&a);
    vgt_qtest_start_on_hostd(&b, h.socket, NULL, NULL);
    vgt_qtest_map(&b);

    /*
     * VM a resets: the helper's reset event reaches a, and only a (each
     * VM also saw the one of its own start-up reset).
     */
    before_a = wait_events(&a, 1);
    before_b = wait_events(&b, 1);
    qtest_qmp_assert_success(a.qts, "{ 'execute': 'system_reset' }");
    g_assert_cmpuint(wait_events(&a, before_a + 1), ==, before_a + 1);
    g_usleep(50 * 1000);
    g_assert_cmpuint(vgt_stat(&b, NULL, "helper-events"), ==, before_b);

    vgt_qtest_stop(&a);
    vgt_qtest_stop(&b);
    vgt_qtest_hostd_stop(&h);
}

/* The same over vgt.ko: the events come on each QEMU's own /dev/vgt file. */
static void test_events_per_vm_kernel(void)
{
    VgtQtest a, b;
    uint64_t before_a, before_b;

    vgt_qtest_start_on_kernel(&a, NULL, NULL);
    vgt_qtest_map(&a);
    vgt_qtest_start_on_kernel(&b, NULL, NULL);
    vgt_qtest_map(&b);

    before_a = wait_events(&a, 1);
    before_b = wait_events(&b, 1);
    qtest_qmp_assert_success(a.qts, "{ 'execute': 'system_reset' }");
    g_assert_cmpuint(wait_events(&a, before_a + 1), ==, before_a + 1);
    g_usleep(50 * 1000);
    g_assert_cmpuint(vgt_stat(&b, NULL, "helper-events"), ==, before_b);
    /* and B's reset reaches B only */
    qtest_qmp_assert_success(b.qts, "{ 'execute': 'system_reset' }");
    g_assert_cmpuint(wait_events(&b, before_b + 1), ==, before_b + 1);
    g_usleep(50 * 1000);
    g_assert_cmpuint(vgt_stat(&a, NULL, "helper-events"), ==, before_a + 1);

    vgt_qtest_stop(&a);
    vgt_qtest_stop(&b);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/vgt/irq/reset-values", test_reset_values);
    qtest_add_func("/vgt/irq/vblank-msi", test_vblank_msi);
    qtest_add_func("/vgt/irq/master-retrigger", test_master_retrigger);
    qtest_add_func("/vgt/irq/intx", test_intx);
    qtest_add_func("/vgt/irq/vblank-rate", test_vblank_rate);
    qtest_add_func("/vgt/irq/flip-done", test_flip_done);
    qtest_add_func("/vgt/irq/stats", test_stats);
    qtest_add_func("/vgt/irq/events-per-vm", test_events_per_vm);
    if (vgt_qtest_kernel_wanted()) {
        qtest_add_func("/vgt/irq/events-per-vm-kernel",
                       test_events_per_vm_kernel);
    }
    return g_test_run();
}
