/*
 * vgt: one Haswell interrupt register set (ISR, IMR, IIR, IER), the pure
 * logic shared by the display (DE), GT, PM and south display (SDE) sets.
 *
 * The struct's layout is the hardware's: four consecutive dwords, so the
 * device uses its register file in place (e.g. DEISR 0x44000, DEIMR
 * 0x44004, DEIIR 0x44008, DEIER 0x4400c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_DISPLAY_VGT_IRQ_CHAIN_H
#define HW_DISPLAY_VGT_IRQ_CHAIN_H

typedef struct VgtIrqSet {
    uint32_t isr;   /* live status of level sources */
    uint32_t imr;   /* 1 = masked: the event does not latch into IIR */
    uint32_t iir;   /* latched events, write 1 to clear */
    uint32_t ier;   /* 1 = a latched event asserts the interrupt */
} VgtIrqSet;

/*
 * An event (a pulse) on @bits: latch the unmasked ones into IIR.
 * Returns the bits that were masked (and so dropped).
 */
uint32_t vgt_irqset_pulse(VgtIrqSet *set, uint32_t bits);

/*
 * Level sources: set or clear @bits of ISR; a rising edge is an event.
 * Returns the bits whose rising edge was masked.
 */
uint32_t vgt_irqset_set_level(VgtIrqSet *set, uint32_t bits, bool level);

/* Guest write of IIR: write-1-to-clear. */
void vgt_irqset_ack(VgtIrqSet *set, uint32_t value);

/* Latched and enabled: what asserts the interrupt. */
static inline uint32_t vgt_irqset_pending(const VgtIrqSet *set)
{
    return set->iir & set->ier;
}

/*
 * The whole chain of one GPU: DE, GT, PM and SDE.  The south display
 * reaches the CPU as DE_PCH_EVENT_IVB, latched into DEIIR (through DEIMR)
 * while SDEIIR & SDEIER is non-zero; the line is the OR of pending DE, GT
 * and PM events, gated by DEIER's master enable.
 */
bool vgt_irq_chain_update(VgtIrqSet *de, VgtIrqSet *gt, VgtIrqSet *pm,
                          VgtIrqSet *sde);

#endif
