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
#include "libqos/pci.h"
#include "libqos/pci-pc.h"
#include "hw/pci/pci_regs.h"
#include "qapi/qmp/qdict.h"

#define DEISR               0x44000
#define DEIMR               0x44004
#define DEIIR               0x44008
#define DEIER               0x4400c
#define GTIMR               0x44014
#define GTIIR               0x44018
#define GTIER               0x4401c
#define PMIMR               0x44024
#define SDEIMR              0xc4004
#define SDEIIR              0xc4008
#define MASTER              (1u << 31)
#define VBLANK_A            (1u << 0)
#define VBLANK_B            (1u << 5)
#define FLIP_DONE_A         (1u << 3)

#define PIPEDSL_A           0x70000
#define PIPECONF_A          0x70008
#define PIPECONF_B          0x71008
#define FRMCOUNT_A          0x70040
#define FRMCOUNT_B          0x71040
#define FLIPCOUNT_A         0x70044
#define DSPSURF_A           0x7019c
#define DSPSURFLIVE_A       0x701ac
#define HTOTAL_A            0x60000
#define VTOTAL_A            0x6000c
#define LINK_M1_A           0x60040
#define LINK_N1_A           0x60044
#define DDI_FUNC_CTL_A      0x60400
#define PORT_CLK_SEL_B      0x46104

#define MSI_GPA             0x05000000
#define VGT_MEMFD_RAM       "-m 128M -object memory-backend-memfd,id=mem," \
                            "size=128M,share=on -machine memory-backend=mem"
#define MSI_DATA            0x4a7e

typedef struct IrqTest {
    QTestState *qts;
    QPCIBus *bus;
    QPCIDevice *dev;
    QPCIBar bar0;
    uint8_t msi_cap;
} IrqTest;

/*
 * A VM with vgt at 00:02.0; @machine adds options, @device properties
 * (default: a 128 MiB aperture, which libqos' PCI window can hold).
 */
static void irq_start(IrqTest *t, const char *machine, const char *device)
{
    uint64_t size;

    t->qts = qtest_initf("-M pc -nodefaults -vga none %s "
                         "-device vgt,addr=2,id=gpu,%s",
                         machine ? machine : "",
                         device ? device : "aperture_size=128M");
    t->bus = qpci_new_pc(t->qts, NULL);
    t->dev = qpci_device_find(t->bus, QPCI_DEVFN(2, 0));
    g_assert_nonnull(t->dev);
    qpci_device_enable(t->dev);
    t->bar0 = qpci_iomap(t->dev, 0, &size);
    t->msi_cap = qpci_config_readb(t->dev, PCI_CAPABILITY_LIST);
}

static void irq_stop(IrqTest *t)
{
    g_free(t->dev);
    qpci_free_pc(t->bus);
    qtest_quit(t->qts);
}

static uint32_t rd(IrqTest *t, uint32_t reg)
{
    return qpci_io_readl(t->dev, t->bar0, reg);
}

static void wr(IrqTest *t, uint32_t reg, uint32_t val)
{
    qpci_io_writel(t->dev, t->bar0, reg, val);
}

static void msi_enable(IrqTest *t)
{
    uint16_t flags = qpci_config_readw(t->dev, t->msi_cap + PCI_MSI_FLAGS);

    qpci_config_writel(t->dev, t->msi_cap + PCI_MSI_ADDRESS_LO, MSI_GPA);
    qpci_config_writew(t->dev, t->msi_cap + PCI_MSI_DATA_32, MSI_DATA);
    qpci_config_writew(t->dev, t->msi_cap + PCI_MSI_FLAGS,
                       flags | PCI_MSI_FLAGS_ENABLE);
    qtest_writel(t->qts, MSI_GPA, 0);
}

/* Did an MSI arrive since the last call? */
static bool msi_seen(IrqTest *t)
{
    bool seen = qtest_readl(t->qts, MSI_GPA) == MSI_DATA;

    qtest_writel(t->qts, MSI_GPA, 0);
    return seen;
}

/* What i915's postinstall leaves in the DE set (vblank A unmasked). */
static void de_postinstall(IrqTest *t, uint32_t unmask)
{
    wr(t, DEIER, MASTER | VBLANK_A | VBLANK_B | FLIP_DONE_A);
    wr(t, DEIMR, ~(MASTER | unmask));
}

static uint64_t vgt_stat(IrqTest *t, const char *group, const char *name)
{
    QDict *rsp = qtest_qmp(t->qts, "{ 'execute': 'qom-get', 'arguments': "
                           "{ 'path': '/machine/peripheral/gpu', "
                           "'property': 'stats' } }");
    QDict *ret = qdict_get_qdict(rsp, "return");
    uint64_t v;

    g_assert_nonnull(ret);
    if (group) {
        ret = qdict_get_qdict(ret, group);
    }
    v = qdict_get_int(ret, name);
    qobject_unref(rsp);
    return v;
}

static void test_reset_values(void)
{
    IrqTest t;
    static const uint32_t imr[] = { DEIMR, GTIMR, PMIMR, SDEIMR };
    size_t i;

    irq_start(&t, NULL, NULL);
    for (i = 0; i < ARRAY_SIZE(imr); i++) {
        g_assert_cmphex(rd(&t, imr[i]), ==, 0xffffffff);
        g_assert_cmphex(rd(&t, imr[i] + 4), ==, 0);     /* IIR */
        g_assert_cmphex(rd(&t, imr[i] + 8), ==, 0);     /* IER */
    }
    /* i915's install pattern reads back what it wrote */
    wr(&t, DEIMR, 0xffffffff);
    wr(&t, DEIER, 0);
    wr(&t, DEIIR, 0xffffffff);
    wr(&t, DEIIR, 0xffffffff);
    g_assert_cmphex(rd(&t, DEIIR), ==, 0);
    wr(&t, GTIER, 0x00401821);
    wr(&t, GTIMR, 0xfffff7df);
    g_assert_cmphex(rd(&t, GTIER), ==, 0x00401821);
    g_assert_cmphex(rd(&t, GTIMR), ==, 0xfffff7df);
    /* ISR is read-only */
    wr(&t, DEISR, 0x1);
    g_assert_cmphex(rd(&t, DEISR), ==, 0);
    irq_stop(&t);
}

static void pipe_enable(IrqTest *t, uint32_t pipeconf)
{
    wr(t, pipeconf, 1u << 31);
    g_assert_cmphex(rd(t, pipeconf), ==, (1u << 31) | (1u << 30));
}

static void test_vblank_msi(void)
{
    IrqTest t;

    irq_start(&t, NULL, NULL);
    msi_enable(&t);
    de_postinstall(&t, VBLANK_A);

    /* a disabled pipe produces nothing */
    qtest_clock_step(t.qts, 100 * SCALE_MS);
    g_assert_cmphex(rd(&t, DEIIR), ==, 0);
    g_assert_cmpuint(rd(&t, FRMCOUNT_A), ==, 0);
    g_assert_false(msi_seen(&t));

    pipe_enable(&t, PIPECONF_A);
    qtest_clock_step(t.qts, 17 * SCALE_MS);
    /* the counter advanced, the vblank latched, the MSI arrived */
    g_assert_cmpuint(rd(&t, FRMCOUNT_A), ==, 1);
    g_assert_cmphex(rd(&t, DEIIR), ==, VBLANK_A);
    g_assert_true(msi_seen(&t));

    /* no second message while the first is not acked */
    qtest_clock_step(t.qts, 17 * SCALE_MS);
    g_assert_cmpuint(rd(&t, FRMCOUNT_A), ==, 2);
    g_assert_false(msi_seen(&t));
    /* W1C, then the next vblank is a new edge */
    wr(&t, DEIIR, VBLANK_A);
    g_assert_cmphex(rd(&t, DEIIR), ==, 0);
    qtest_clock_step(t.qts, 17 * SCALE_MS);
    g_assert_true(msi_seen(&t));

    /* masked (vblank_disable_immediate): the counter keeps running */
    wr(&t, DEIIR, ~0u);
    wr(&t, DEIMR, ~MASTER);
    qtest_clock_step(t.qts, 170 * SCALE_MS);
    g_assert_cmpuint(rd(&t, FRMCOUNT_A), ==, 13);
    g_assert_cmphex(rd(&t, DEIIR), ==, 0);
    g_assert_false(msi_seen(&t));
    g_assert_cmpuint(vgt_stat(&t, "irq", "masked"), >=, 10);

    /* disabled again: the counter stops, PIPEDSL reads 0 */
    wr(&t, PIPECONF_A, 0);
    g_assert_cmphex(rd(&t, PIPECONF_A), ==, 0);
    qtest_clock_step(t.qts, 100 * SCALE_MS);
    g_assert_cmpuint(rd(&t, FRMCOUNT_A), ==, 13);
    g_assert_cmpuint(rd(&t, PIPEDSL_A), ==, 0);
    irq_stop(&t);
}

static void test_master_retrigger(void)
{
    IrqTest t;

    irq_start(&t, NULL, NULL);
    msi_enable(&t);
    de_postinstall(&t, VBLANK_A);
    pipe_enable(&t, PIPECONF_A);
    qtest_clock_step(t.qts, 17 * SCALE_MS);
    g_assert_true(msi_seen(&t));

    /* i915's handler: master off, ack, (a new vblank arrives), master on */
    wr(&t, DEIER, rd(&t, DEIER) & ~MASTER);
    wr(&t, DEIIR, rd(&t, DEIIR));
    qtest_clock_step(t.qts, 17 * SCALE_MS);
    g_assert_cmphex(rd(&t, DEIIR), ==, VBLANK_A);
    g_assert_false(msi_seen(&t));
    wr(&t, DEIER, rd(&t, DEIER) | MASTER);
    g_assert_true(msi_seen(&t));
    irq_stop(&t);
}

static void test_intx(void)
{
    IrqTest t;
    /* PIIX3 routes slot 2 INTA to PIRQB (config 0x61): send it to IRQ 11 */
    QPCIDevice *piix = NULL;

    irq_start(&t, NULL, NULL);
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
    wr(&t, DEIIR, VBLANK_A);
    g_assert_false(qtest_get_irq(t.qts, 11));
    /* master off drops it, master on with a pending event raises it */
    qtest_clock_step(t.qts, 17 * SCALE_MS);
    g_assert_true(qtest_get_irq(t.qts, 11));
    wr(&t, DEIER, VBLANK_A);
    g_assert_false(qtest_get_irq(t.qts, 11));
    wr(&t, DEIER, VBLANK_A | MASTER);
    g_assert_true(qtest_get_irq(t.qts, 11));
    g_free(piix);
    irq_stop(&t);
}

/* Program transcoder A for a DisplayPort mode on DDI B. */
static void program_mode(IrqTest *t, uint32_t htotal, uint32_t vtotal,
                         uint32_t pixel_khz, uint32_t link_sel,
                         uint32_t link_khz)
{
    wr(t, HTOTAL_A, (htotal - 1) << 16);
    wr(t, VTOTAL_A, (vtotal - 1) << 16);
    wr(t, LINK_M1_A, pixel_khz);
    wr(t, LINK_N1_A, link_khz);
    wr(t, PORT_CLK_SEL_B, link_sel << 29);
    wr(t, DDI_FUNC_CTL_A, (1u << 31) | (1u << 28));
}

static void test_vblank_rate(void)
{
    IrqTest t;

    irq_start(&t, NULL, NULL);
    /* no mode programmed: 60 Hz */
    pipe_enable(&t, PIPECONF_A);
    qtest_clock_step(t.qts, NANOSECONDS_PER_SECOND);
    g_assert_cmpuint(rd(&t, FRMCOUNT_A), ==, 60);
    wr(&t, PIPECONF_A, 0);

    /* 1024x768@60 (65 MHz) on a 1.62 GHz link (LCPLL 810): 16.67 ms */
    program_mode(&t, 1344, 806, 65000, 2, 162000);
    pipe_enable(&t, PIPECONF_A);
    qtest_clock_step(t.qts, NANOSECONDS_PER_SECOND);
    g_assert_cmpuint(rd(&t, FRMCOUNT_A), ==, 60 + 60);
    wr(&t, PIPECONF_A, 0);

    /* a 1080p mode at half the pixel clock on HBR: 30 Hz */
    program_mode(&t, 2200, 1125, 74250, 1, 270000);
    pipe_enable(&t, PIPECONF_A);
    qtest_clock_step(t.qts, NANOSECONDS_PER_SECOND);
    g_assert_cmpuint(rd(&t, FRMCOUNT_A), ==, 120 + 30);
    /* the scan line moves inside the frame */
    qtest_clock_step(t.qts, 16 * SCALE_MS);
    g_assert_cmpuint(rd(&t, PIPEDSL_A), >, 500);
    g_assert_cmpuint(rd(&t, PIPEDSL_A), <, 1125);

    /* pipe B is independent and was never enabled */
    g_assert_cmpuint(rd(&t, FRMCOUNT_B), ==, 0);
    irq_stop(&t);
}

static void test_flip_done(void)
{
    IrqTest t;

    irq_start(&t, NULL, NULL);
    de_postinstall(&t, VBLANK_A | FLIP_DONE_A);
    /* a surface set while the pipe is off is live at once */
    wr(&t, DSPSURF_A, 0x100000);
    g_assert_cmphex(rd(&t, DSPSURFLIVE_A), ==, 0x100000);
    pipe_enable(&t, PIPECONF_A);
    qtest_clock_step(t.qts, 17 * SCALE_MS);
    wr(&t, DEIIR, ~0u);

    /* a flip latches at the next vblank and reports flip done */
    wr(&t, DSPSURF_A, 0x200000);
    g_assert_cmphex(rd(&t, DSPSURFLIVE_A), ==, 0x100000);
    g_assert_cmpuint(rd(&t, FLIPCOUNT_A), ==, 0);
    qtest_clock_step(t.qts, 17 * SCALE_MS);
    g_assert_cmphex(rd(&t, DEIIR), ==, VBLANK_A | FLIP_DONE_A);
    g_assert_cmphex(rd(&t, DSPSURFLIVE_A), ==, 0x200000);
    g_assert_cmpuint(rd(&t, FLIPCOUNT_A), ==, 1);
    /* no flip pending: vblank only */
    wr(&t, DEIIR, ~0u);
    qtest_clock_step(t.qts, 17 * SCALE_MS);
    g_assert_cmphex(rd(&t, DEIIR), ==, VBLANK_A);
    irq_stop(&t);
}

static void test_stats(void)
{
    IrqTest t;

    irq_start(&t, NULL, NULL);
    msi_enable(&t);
    de_postinstall(&t, VBLANK_A);
    pipe_enable(&t, PIPECONF_A);
    qtest_clock_step(t.qts, 17 * SCALE_MS);
    g_assert_cmpuint(vgt_stat(&t, "irq", "raised"), ==, 1);
    g_assert_cmpuint(vgt_stat(&t, "irq", "delivered"), ==, 1);
    g_assert_cmpuint(vgt_stat(&t, "irq", "masked"), ==, 0);
    /* a guest error is counted too */
    wr(&t, DEISR, 0x5);
    g_assert_cmpuint(vgt_stat(&t, NULL, "guest-errors"), ==, 1);
    /* ... and per register, by name */
    g_assert_cmpuint(vgt_stat(&t, "register-errors", "DEISR"), ==, 1);
    irq_stop(&t);
}

/* Wait (up to 2 s) for the helper-events count to reach @n. */
static uint64_t wait_events(IrqTest *t, uint64_t n)
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
    g_autofree char *helper = NULL;
    VgtQtestHostd h;
    IrqTest a, b;
    uint64_t before_a, before_b;

    if (!vgt_qtest_hostd_start(&h)) {
        g_test_skip("VGT_HOSTD (path to vgt-hostd) not set");
        return;
    }
    helper = g_strdup_printf("helper=%s", h.socket);
    /* two VMs' default slices do not both fit below 128 MiB: full BAR2 */
    irq_start(&a, VGT_MEMFD_RAM, helper);
    irq_start(&b, VGT_MEMFD_RAM, helper);

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

    irq_stop(&a);
    irq_stop(&b);
    vgt_qtest_hostd_stop(&h);
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
    return g_test_run();
}
