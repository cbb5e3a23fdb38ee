/*
 * vgt: the virtual interrupt chain of one VM, as i915 programs it on
 * Haswell (ILK-style handler): display (DE), GT, PM and south display
 * (SDE) register sets, the DE master enable, and delivery as MSI or INTx.
 *
 * Sources pulse or level-set bits (vgt_irq_pulse, vgt_irq_set_source);
 * every write that changes a mask, an enable or an IIR re-evaluates the
 * line at once, so an event that arrives while the guest's handler runs
 * (DEIER master off) asserts the line again when the handler re-enables
 * it, and a new MSI is sent on that edge.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "hw/pci/msi.h"
#include "kernel-shim/hsw/hsw-regs.h"
#include "vgt-internal.h"
#include "trace.h"

static const uint32_t vgt_irq_base[VGT_IRQ_NDOMAINS] = {
    [VGT_IRQ_DE] = DEISR,
    [VGT_IRQ_GT] = GTISR,
    [VGT_IRQ_PM] = GEN6_PMISR,
    [VGT_IRQ_SDE] = SDEISR,
};

static const char *const vgt_irq_domain_name[VGT_IRQ_NDOMAINS] = {
    [VGT_IRQ_DE] = "DE", [VGT_IRQ_GT] = "GT", [VGT_IRQ_PM] = "PM",
    [VGT_IRQ_SDE] = "SDE",
};

/* The set lives in the register file: ISR, IMR, IIR, IER in a row. */
static inline VgtIrqSet *vgt_irqset(VgtState *s, VgtIrqDomain d)
{
    return (VgtIrqSet *)&s->regs.vals[vgt_irq_base[d] / 4];
}

static void vgt_irq_deliver(VgtState *s, bool level)
{
    PCIDevice *pdev = PCI_DEVICE(s);
    bool rising = level && !s->irq.level;

    s->irq.level = level;
    if (msi_enabled(pdev)) {
        /* Edge-triggered: one message per 0 -> 1 transition of the line. */
        pci_set_irq(pdev, 0);
        if (rising) {
            s->stats.irq_delivered++;
            trace_vgt_irq_msi();
            msi_notify(pdev, 0);
        }
        return;
    }
    if (rising) {
        s->stats.irq_delivered++;
    }
    trace_vgt_irq_intx(level);
    pci_set_irq(pdev, level);
}

void vgt_irq_update(VgtState *s)
{
    bool level;

    if (s->irq.debug_level) {
        level = true;
    } else {
        level = vgt_irq_chain_update(vgt_irqset(s, VGT_IRQ_DE),
                                     vgt_irqset(s, VGT_IRQ_GT),
                                     vgt_irqset(s, VGT_IRQ_PM),
                                     vgt_irqset(s, VGT_IRQ_SDE));
    }
    if (level != s->irq.level) {
        vgt_irq_deliver(s, level);
    }
}

void vgt_irq_set_level(VgtState *s, bool level)
{
    /* The debug hook: asserts the line on top of the chain. */
    s->irq.debug_level = level;
    vgt_irq_update(s);
}

void vgt_irq_pulse(VgtState *s, VgtIrqDomain d, uint32_t bits)
{
    uint32_t masked = vgt_irqset_pulse(vgt_irqset(s, d), bits);

    trace_vgt_irq_raise(vgt_irq_domain_name[d], bits, masked);
    s->stats.irq_raised++;
    if (masked) {
        s->stats.irq_masked++;
    }
    vgt_irq_update(s);
}

void vgt_irq_set_source(VgtState *s, VgtIrqDomain d, uint32_t bits,
                        bool level)
{
    uint32_t masked = vgt_irqset_set_level(vgt_irqset(s, d), bits, level);

    trace_vgt_irq_source(vgt_irq_domain_name[d], bits, level, masked);
    if (level) {
        s->stats.irq_raised++;
    }
    if (masked) {
        s->stats.irq_masked++;
    }
    vgt_irq_update(s);
}

void vgt_irq_set_live(VgtState *s, VgtIrqDomain d, uint32_t bits,
                      bool level)
{
    VgtIrqSet *set = vgt_irqset(s, d);

    set->isr = level ? set->isr | bits : set->isr & ~bits;
}

/*
 * A user interrupt of @engine latches only while both its ring's IMR and
 * the GT (or PM) IMR let it through.
 */
bool vgt_irq_engine_user_unmasked(VgtState *s, unsigned engine)
{
    const struct hsw_engine *e = &hsw_engines[engine];
    VgtIrqDomain d = e->irq_bank == HSW_IRQ_PM ? VGT_IRQ_PM : VGT_IRQ_GT;

    return !(vgt_vreg(s, RING_IMR(e->mmio_base)) & e->user_irq) &&
           !(vgt_irqset(s, d)->imr & e->user_irq);
}

void vgt_irq_engine_user(VgtState *s, unsigned engine)
{
    const struct hsw_engine *e;

    if (engine >= VGT_ENGINE_COUNT) {
        return;
    }
    e = &hsw_engines[engine];
    /* The ring's own IMR gates its interrupt before the GT/PM level. */
    if (vgt_vreg(s, RING_IMR(e->mmio_base)) & e->user_irq) {
        trace_vgt_irq_ring_masked(engine);
        s->stats.irq_raised++;
        s->stats.irq_masked++;
        return;
    }
    vgt_irq_pulse(s, e->irq_bank == HSW_IRQ_PM ? VGT_IRQ_PM : VGT_IRQ_GT,
                  e->user_irq);
}

void vgt_irq_reset(VgtState *s)
{
    s->irq.debug_level = false;
    vgt_irq_deliver(s, false);
}

/* IMR/IER writes: store, then the line follows at once. */
static void vgt_irq_mask_write(VgtState *s, const VgtRegInfo *r,
                               uint32_t offset, uint32_t value)
{
    vgt_reg_store(s, r, offset, value);
    vgt_irq_update(s);
}

/*
 * The IMRs that gate user interrupts (GT, PM, each ring's): while one is
 * masked the helper holds that engine's USER_IRQ events instead of waking
 * QEMU (vgt_submit_notify_update).  What it held was raised under the old
 * mask, so it is handled before the new one takes effect.
 */
void vgt_irq_imr_write(VgtState *s, const VgtRegInfo *r, uint32_t offset,
                       uint32_t value)
{
    if (value != vgt_vreg(s, offset)) {
        vgt_submit_notify_flush(s);
    }
    vgt_reg_store(s, r, offset, value);
    vgt_submit_notify_update(s);
    vgt_irq_update(s);
}

/* IIR writes: write-1-to-clear, then the line follows. */
static void vgt_irq_iir_write(VgtState *s, const VgtRegInfo *r,
                              uint32_t offset, uint32_t value)
{
    trace_vgt_irq_ack(offset, value);
    vgt_reg_store(s, r, offset, value);
    vgt_irq_update(s);
}

#define VGT_IRQ_SET_ROWS(prefix, base, imr_write) \
    { prefix "ISR", (base) + 0x0, 4, VGT_REG_RO, 0, ~0u }, \
    { prefix "IMR", (base) + 0x4, 4, VGT_REG_MEDIATED, ~0u, 0, \
      NULL, imr_write }, \
    { prefix "IIR", (base) + 0x8, 4, VGT_REG_W1C, 0, 0, \
      NULL, vgt_irq_iir_write }, \
    { prefix "IER", (base) + 0xc, 4, VGT_REG_MEDIATED, 0, 0, \
      NULL, vgt_irq_mask_write }

static const VgtRegInfo vgt_irq_regs[] = {
    VGT_IRQ_SET_ROWS("DE", DEISR, vgt_irq_mask_write),
    VGT_IRQ_SET_ROWS("GT", GTISR, vgt_irq_imr_write),
    VGT_IRQ_SET_ROWS("GEN6_PM", GEN6_PMISR, vgt_irq_imr_write),
    VGT_IRQ_SET_ROWS("SDE", SDEISR, vgt_irq_mask_write),
    /* error reporting: nothing raises these; cleared by the driver */
    { "GEN7_ERR_INT", GEN7_ERR_INT, 4, VGT_REG_W1C, 0, 0 },
    { "SERR_INT", SERR_INT, 4, VGT_REG_W1C, 0, 0 },
    /* PSR interrupt pair (masked and cleared at install, no PSR here) */
    { "EDP_PSR_IMR", EDP_PSR_IMR, 4, VGT_REG_VIRT, ~0u, 0 },
    { "EDP_PSR_IIR", EDP_PSR_IIR, 4, VGT_REG_W1C, 0, 0 },
};

const VgtRegTable vgt_irq_reg_table = VGT_REG_TABLE(vgt_irq_regs);
