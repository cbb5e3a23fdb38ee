/*
 * Unit tests: the Haswell interrupt register sets and the DE/GT/PM/SDE
 * chain, including the sequences i915's handler produces when an event
 * arrives while it runs.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "kernel-shim/hsw/hsw-regs.h"
#include "kernel-shim/hsw/hsw-display.h"
#include "vgt-irq-chain.h"

/* short names for the events the tests raise */
#define RCS_USER    GT_RENDER_USER_INTERRUPT
#define VBLANK_A    DE_PIPE_VBLANK_IVB(0)
#define HOTPLUG_B   SDE_PORTB_HOTPLUG_CPT
#define VECS_USER   PM_VEBOX_USER_INTERRUPT

typedef struct Chain {
    VgtIrqSet de, gt, pm, sde;
} Chain;

/* As i915 leaves it after its postinstall (i915_irq.c). */
static void chain_init(Chain *c)
{
    memset(c, 0, sizeof(*c));
    c->de.imr = c->gt.imr = c->pm.imr = c->sde.imr = ~0u;
    c->de.ier = DE_MASTER_IRQ_CONTROL | DE_PCH_EVENT_IVB | VBLANK_A;
    c->de.imr = ~(DE_MASTER_IRQ_CONTROL | DE_PCH_EVENT_IVB);
    c->gt.ier = RCS_USER;
    c->pm.ier = VECS_USER;
    c->sde.ier = ~0u;
    c->sde.imr = ~HOTPLUG_B;
}

static bool line(Chain *c)
{
    return vgt_irq_chain_update(&c->de, &c->gt, &c->pm, &c->sde);
}

static void test_pulse_and_mask(void)
{
    VgtIrqSet set = { .imr = ~0u };

    /* masked events are dropped, not latched for later */
    g_assert_cmphex(vgt_irqset_pulse(&set, RCS_USER), ==, RCS_USER);
    g_assert_cmphex(set.iir, ==, 0);
    set.imr = ~RCS_USER;
    g_assert_cmphex(vgt_irqset_pulse(&set,
                                     RCS_USER | GT_BSD_USER_INTERRUPT), ==,
                    GT_BSD_USER_INTERRUPT);
    g_assert_cmphex(set.iir, ==, RCS_USER);
    /* latched but not enabled: nothing pending */
    g_assert_cmphex(vgt_irqset_pending(&set), ==, 0);
    set.ier = RCS_USER;
    g_assert_cmphex(vgt_irqset_pending(&set), ==, RCS_USER);
    /* masking after the fact does not un-latch */
    set.imr = ~0u;
    g_assert_cmphex(vgt_irqset_pending(&set), ==, RCS_USER);
}

static void test_w1c(void)
{
    VgtIrqSet set = { .imr = 0, .ier = ~0u };

    vgt_irqset_pulse(&set, 0x13);
    vgt_irqset_ack(&set, 0x1);
    g_assert_cmphex(set.iir, ==, 0x12);
    vgt_irqset_ack(&set, 0x0);
    g_assert_cmphex(set.iir, ==, 0x12);
    vgt_irqset_ack(&set, ~0u);
    g_assert_cmphex(set.iir, ==, 0);
}

static void test_level_edges(void)
{
    VgtIrqSet set = { .imr = 0 };

    /* ISR follows the level; only the rising edge latches */
    vgt_irqset_set_level(&set, HOTPLUG_B, true);
    g_assert_cmphex(set.isr, ==, HOTPLUG_B);
    g_assert_cmphex(set.iir, ==, HOTPLUG_B);
    vgt_irqset_ack(&set, HOTPLUG_B);
    vgt_irqset_set_level(&set, HOTPLUG_B, true);    /* still high */
    g_assert_cmphex(set.iir, ==, 0);
    vgt_irqset_set_level(&set, HOTPLUG_B, false);
    g_assert_cmphex(set.isr, ==, 0);
    g_assert_cmphex(set.iir, ==, 0);
    /* a masked rising edge is reported, ISR still shows the level */
    set.imr = HOTPLUG_B;
    g_assert_cmphex(vgt_irqset_set_level(&set, HOTPLUG_B, true), ==,
                    HOTPLUG_B);
    g_assert_cmphex(set.isr, ==, HOTPLUG_B);
    g_assert_cmphex(set.iir, ==, 0);
}

static void test_master_enable(void)
{
    Chain c;

    chain_init(&c);
    g_assert_false(line(&c));
    c.gt.imr = ~RCS_USER;
    vgt_irqset_pulse(&c.gt, RCS_USER);
    g_assert_true(line(&c));
    c.de.ier &= ~DE_MASTER_IRQ_CONTROL;
    g_assert_false(line(&c));
    c.de.ier |= DE_MASTER_IRQ_CONTROL;
    g_assert_true(line(&c));
    /* the PM set (VECS) reaches the line too */
    vgt_irqset_ack(&c.gt, ~0u);
    g_assert_false(line(&c));
    c.pm.imr = ~VECS_USER;
    vgt_irqset_pulse(&c.pm, VECS_USER);
    g_assert_true(line(&c));
}

static void test_pch_event(void)
{
    Chain c;

    chain_init(&c);
    /* a south hot-plug shows as DE PCH_EVENT, latched through DEIMR */
    vgt_irqset_set_level(&c.sde, HOTPLUG_B, true);
    g_assert_true(line(&c));
    g_assert_cmphex(c.de.iir & DE_PCH_EVENT_IVB, ==, DE_PCH_EVENT_IVB);
    /* i915 acks SDEIIR first, then DEIIR: then the line drops */
    vgt_irqset_ack(&c.sde, HOTPLUG_B);
    g_assert_true(line(&c));        /* DEIIR still holds PCH_EVENT */
    vgt_irqset_ack(&c.de, DE_PCH_EVENT_IVB);
    g_assert_false(line(&c));
    g_assert_cmphex(c.de.iir, ==, 0);
    /*
     * PCH_EVENT latches on the edge of the south display's output.  i915's
     * handler sets SDEIER = 0 and restores it afterwards, so an SDE event
     * that arrived while it ran makes a new edge and is not lost.
     */
    c.sde.isr = 0;
    vgt_irqset_set_level(&c.sde, HOTPLUG_B, true);
    g_assert_true(line(&c));
    c.sde.ier = 0;                              /* handler starts */
    g_assert_true(line(&c));                    /* DEIIR holds it */
    vgt_irqset_ack(&c.de, DE_PCH_EVENT_IVB);    /* acked, SDE untouched */
    g_assert_false(line(&c));
    c.sde.ier = ~0u;                            /* handler returns */
    g_assert_true(line(&c));
    g_assert_cmphex(c.de.iir, ==, DE_PCH_EVENT_IVB);
    /* without the toggle the same event does not latch twice */
    vgt_irqset_ack(&c.de, DE_PCH_EVENT_IVB);
    g_assert_false(line(&c));
    /* acking SDEIIR drops the output; a later event is a new edge */
    vgt_irqset_ack(&c.sde, HOTPLUG_B);
    g_assert_false(line(&c));
    c.sde.isr = 0;
    vgt_irqset_set_level(&c.sde, HOTPLUG_B, true);
    g_assert_true(line(&c));
}

static void test_event_during_handler(void)
{
    Chain c;
    uint32_t seen;

    chain_init(&c);
    c.gt.imr = ~RCS_USER;
    vgt_irqset_pulse(&c.gt, RCS_USER);
    g_assert_true(line(&c));

    c.de.ier &= ~DE_MASTER_IRQ_CONTROL;             /* handler starts */
    g_assert_false(line(&c));
    seen = c.gt.iir;
    vgt_irqset_ack(&c.gt, seen);                /* acks what it saw */
    vgt_irqset_pulse(&c.gt, RCS_USER);          /* a new completion */
    g_assert_false(line(&c));
    c.de.ier |= DE_MASTER_IRQ_CONTROL;              /* handler returns */
    g_assert_true(line(&c));

    /* and an ack racing a raise never loses the newer event */
    vgt_irqset_ack(&c.gt, RCS_USER);
    g_assert_false(line(&c));
    vgt_irqset_pulse(&c.gt, RCS_USER);
    vgt_irqset_ack(&c.gt, 0);                   /* stale write of 0 */
    g_assert_true(line(&c));
}

static void test_no_stuck_interrupt(void)
{
    Chain c;

    chain_init(&c);
    c.de.imr &= ~VBLANK_A;
    vgt_irqset_pulse(&c.de, VBLANK_A);
    g_assert_true(line(&c));
    vgt_irqset_ack(&c.de, VBLANK_A);
    g_assert_false(line(&c));
    /* disabling an enabled, latched source drops the line */
    vgt_irqset_pulse(&c.de, VBLANK_A);
    c.de.ier &= ~VBLANK_A;
    g_assert_false(line(&c));
    c.de.ier |= VBLANK_A;
    g_assert_true(line(&c));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/vgt/irq/pulse-and-mask", test_pulse_and_mask);
    g_test_add_func("/vgt/irq/w1c", test_w1c);
    g_test_add_func("/vgt/irq/level-edges", test_level_edges);
    g_test_add_func("/vgt/irq/master-enable", test_master_enable);
    g_test_add_func("/vgt/irq/pch-event", test_pch_event);
    g_test_add_func("/vgt/irq/event-during-handler",
                    test_event_during_handler);
    g_test_add_func("/vgt/irq/no-stuck-interrupt", test_no_stuck_interrupt);
    return g_test_run();
}
