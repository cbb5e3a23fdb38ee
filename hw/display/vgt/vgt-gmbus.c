/*
 * vgt: GMBUS, the display engine's I2C controller, and the GPIO pins it
 * shares: the virtual monitor's DDC answers on its port's pin pair (DPB,
 * DPC or DPD) with the same EDID the DP AUX channel serves, so an HDMI
 * style EDID read through GMBUS works too.  Every other pin and slave
 * address NAKs (SATOER) and the bus returns to idle, which is what i915
 * sees from an empty connector; bit-banged GPIO lines read as released
 * (pulled high), so nothing answers there either.
 *
 * Cycles complete at once: the controller is always ready for the next
 * four data bytes (HW_RDY) and in its wait phase once the byte count is
 * done (HW_WAIT_PHASE); a STOP cycle makes it idle.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "vgt-internal.h"
#include "trace.h"

/* GMBUS pin pair of each DDI port's DDC: B = DPB 5, C = DPC 4, D = DPD 6 */
static const uint8_t vgt_gmbus_pin[] = {
    [VGT_DDI_PORT_B] = GMBUS_PIN_DPB,
    [VGT_DDI_PORT_C] = GMBUS_PIN_DPC,
    [VGT_DDI_PORT_D] = GMBUS_PIN_DPD,
};

static uint32_t vgt_gmbus_status(VgtState *s)
{
    VgtGmbus *g = &s->display.gmbus;
    uint32_t v = 0;

    if (g->nak) {
        v |= GMBUS_SATOER;
    }
    if (g->active && !g->nak) {
        v |= GMBUS_ACTIVE | GMBUS_HW_RDY;
        if (!g->remaining) {
            v |= GMBUS_HW_WAIT_PHASE;
        }
    }
    return v;
}

/* The guest wrote GMBUS4, or the status changed: interrupt if asked. */
static void vgt_gmbus_irq(VgtState *s)
{
    uint32_t en = vgt_vreg(s, GMBUS4);
    uint32_t st = vgt_gmbus_status(s);

    if (((en & GMBUS_HW_RDY_EN) && (st & GMBUS_HW_RDY)) ||
        ((en & GMBUS_HW_WAIT_EN) && (st & GMBUS_HW_WAIT_PHASE)) ||
        ((en & GMBUS_NAK_EN) && (st & GMBUS_SATOER)) ||
        ((en & GMBUS_IDLE_EN) && !(st & GMBUS_ACTIVE))) {
        vgt_irq_pulse(s, VGT_IRQ_SDE, SDE_GMBUS_CPT);
    }
}

/* Does the monitor answer this cycle? */
static bool vgt_gmbus_acked(VgtState *s, uint8_t slave, bool read)
{
    uint32_t pin = vgt_vreg(s, GMBUS0) & GMBUS_PIN_MASK;

    if (!s->display.monitor_connected ||
        pin != vgt_gmbus_pin[s->display.port]) {
        return false;
    }
    return slave == DDC_ADDR || (slave == DDC_SEGMENT_ADDR && !read);
}

static void vgt_gmbus_put(VgtState *s, uint8_t byte)
{
    VgtGmbus *g = &s->display.gmbus;

    if (g->slave == DDC_SEGMENT_ADDR) {
        g->segment = byte;
    } else {
        g->offset = byte;
    }
}

/* Write data bytes from a GMBUS3 value into the cycle. */
static void vgt_gmbus_consume(VgtState *s, uint32_t data)
{
    VgtGmbus *g = &s->display.gmbus;
    unsigned i;

    for (i = 0; i < 4 && g->remaining; i++, g->remaining--) {
        vgt_gmbus_put(s, data >> (i * 8));
    }
}

static void vgt_gmbus1_write(VgtState *s, const VgtRegInfo *r,
                             uint32_t offset, uint32_t value)
{
    VgtGmbus *g = &s->display.gmbus;

    vgt_reg_store(s, r, offset, value);
    if (value & GMBUS_SW_CLR_INT) {
        /* controller reset: clears the NAK */
        g->active = false;
        g->nak = false;
        g->remaining = 0;
        return;
    }
    if (!(value & GMBUS_SW_RDY)) {
        return;
    }
    if ((value & GMBUS_CYCLE_STOP) && !GMBUS_BYTE_COUNT(value)) {
        /* STOP: the bus goes idle; the next transaction starts afresh */
        g->active = false;
        g->remaining = 0;
        g->segment = 0;
        trace_vgt_gmbus_stop();
        vgt_gmbus_irq(s);
        return;
    }
    g->slave = GMBUS_SLAVE_ADDR(value);
    g->read = value & GMBUS_SLAVE_READ;
    g->remaining = GMBUS_BYTE_COUNT(value);
    g->cycles++;
    trace_vgt_gmbus_cycle(vgt_vreg(s, GMBUS0) & GMBUS_PIN_MASK, g->slave,
                          g->read, g->remaining);
    if (!vgt_gmbus_acked(s, g->slave, g->read)) {
        /* No acknowledge: error status, the bus idles again. */
        g->nak = true;
        g->active = false;
        g->remaining = 0;
        vgt_gmbus_irq(s);
        return;
    }
    g->nak = false;
    g->active = true;
    if ((value & GMBUS_CYCLE_INDEX) && g->slave == DDC_ADDR) {
        g->offset = GMBUS_SLAVE_INDEX(value);
    }
    if (!g->read) {
        /* the first four bytes were loaded into GMBUS3 beforehand */
        vgt_gmbus_consume(s, vgt_vreg(s, GMBUS3));
    }
    vgt_gmbus_irq(s);
}

static uint32_t vgt_gmbus2_read(VgtState *s, const VgtRegInfo *r,
                                uint32_t offset)
{
    return vgt_gmbus_status(s);
}

static uint32_t vgt_gmbus3_read(VgtState *s, const VgtRegInfo *r,
                                uint32_t offset)
{
    VgtGmbus *g = &s->display.gmbus;
    uint32_t v = 0;
    unsigned i;

    if (!g->active || g->nak || !g->read) {
        return vgt_vreg(s, offset);
    }
    for (i = 0; i < 4 && g->remaining; i++, g->remaining--) {
        v |= (uint32_t)vgt_edid_byte(s, g->segment * 256 + g->offset) <<
             (i * 8);
        g->offset++;
    }
    vgt_vreg(s, offset) = v;
    return v;
}

static void vgt_gmbus3_write(VgtState *s, const VgtRegInfo *r,
                             uint32_t offset, uint32_t value)
{
    VgtGmbus *g = &s->display.gmbus;

    vgt_reg_store(s, r, offset, value);
    if (g->active && !g->nak && !g->read) {
        vgt_gmbus_consume(s, value);
    }
}

static void vgt_gmbus4_write(VgtState *s, const VgtRegInfo *r,
                             uint32_t offset, uint32_t value)
{
    vgt_reg_store(s, r, offset, value);
    vgt_gmbus_irq(s);
}

static uint32_t vgt_gpio_read(VgtState *s, const VgtRegInfo *r,
                              uint32_t offset)
{
    /* Nothing drives the lines: both read high (released). */
    return vgt_vreg(s, offset) | GPIO_CLOCK_VAL_IN | GPIO_DATA_VAL_IN;
}

void vgt_gmbus_reset(VgtState *s)
{
    memset(&s->display.gmbus, 0, sizeof(s->display.gmbus));
}

static const VgtRegInfo vgt_gmbus_regs[] = {
    { "GPIO_CTL", GPIO_BASE, GPIO_COUNT * 4, VGT_REG_MEDIATED, 0,
      GPIO_CLOCK_VAL_IN | GPIO_DATA_VAL_IN, vgt_gpio_read },
    { "GMBUS0", GMBUS0, 4, VGT_REG_VIRT, 0, 0 },
    { "GMBUS1", GMBUS1, 4, VGT_REG_MEDIATED, 0, 0, NULL, vgt_gmbus1_write },
    { "GMBUS2", GMBUS2, 4, VGT_REG_MEDIATED, 0, ~0u, vgt_gmbus2_read },
    { "GMBUS3", GMBUS3, 4, VGT_REG_MEDIATED, 0, 0, vgt_gmbus3_read,
      vgt_gmbus3_write },
    { "GMBUS4", GMBUS4, 4, VGT_REG_MEDIATED, 0, 0, NULL, vgt_gmbus4_write },
    { "GMBUS5", GMBUS5, 4, VGT_REG_VIRT, 0, 0 },
};

const VgtRegTable vgt_gmbus_reg_table = VGT_REG_TABLE(vgt_gmbus_regs);
