/*
 * vgt: delivery of the device's interrupt line.
 *
 * The interrupt chain (IIR/IMR/IER and the master enable) computes one
 * level; this file turns it into what the guest enabled: an MSI message on
 * each rising edge, or the INTx pin following the level.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "hw/pci/msi.h"
#include "vgt-internal.h"
#include "trace.h"

void vgt_irq_set_level(VgtState *s, bool level)
{
    PCIDevice *pdev = PCI_DEVICE(s);
    bool rising = level && !s->irq_level;

    s->irq_level = level;
    if (msi_enabled(pdev)) {
        /* Edge-triggered: a message per 0 -> 1 transition of the line. */
        pci_set_irq(pdev, 0);
        if (rising) {
            trace_vgt_irq_msi();
            msi_notify(pdev, 0);
        }
        return;
    }
    trace_vgt_irq_intx(level);
    pci_set_irq(pdev, level);
}
