/*
 * vgt: Haswell interrupt register sets (pure logic).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "kernel-shim/hsw/hsw-regs.h"
#include "vgt-irq-chain.h"

uint32_t vgt_irqset_pulse(VgtIrqSet *set, uint32_t bits)
{
    set->iir |= bits & ~set->imr;
    return bits & set->imr;
}

uint32_t vgt_irqset_set_level(VgtIrqSet *set, uint32_t bits, bool level)
{
    uint32_t rising = level ? bits & ~set->isr : 0;

    if (level) {
        set->isr |= bits;
    } else {
        set->isr &= ~bits;
    }
    return vgt_irqset_pulse(set, rising);
}

void vgt_irqset_ack(VgtIrqSet *set, uint32_t value)
{
    set->iir &= ~value;
}

bool vgt_irq_chain_update(VgtIrqSet *de, VgtIrqSet *gt, VgtIrqSet *pm,
                          VgtIrqSet *sde)
{
    /*
     * PCH_EVENT follows the south display's output like a level source:
     * it latches again after the handler acks DEIIR if SDE is still
     * asserted (i915 acks SDEIIR first, then DEIIR).
     */
    vgt_irqset_set_level(de, DE_PCH_EVENT_IVB,
                         vgt_irqset_pending(sde) != 0);

    if (!(de->ier & DE_MASTER_IRQ_CONTROL)) {
        return false;
    }
    return (vgt_irqset_pending(de) & ~DE_MASTER_IRQ_CONTROL) ||
           vgt_irqset_pending(gt) || vgt_irqset_pending(pm);
}
