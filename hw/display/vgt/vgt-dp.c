/*
 * vgt: the virtual DisplayPort monitor's side of the display: the DDI
 * ports and their buffers, DP link training registers, the DP AUX
 * channels with the sink's DPCD and its EDID over I2C-over-AUX, hot-plug
 * (SFUSE_STRAP presence, SDEISR live state, PCH_PORT_HOTPLUG status and
 * the south display interrupt), and the DDI clocks: WRPLL/SPLL, the
 * transcoder clock select, the DDI buffer translations and the PCH
 * sideband (SBI) i915 uses for the reference clocks.
 *
 * One monitor sits on the DDI port the "port" property names (B, C or D);
 * the OpRegion's VBT names the same port with the AUX channel of the same
 * letter.  The sink trains at once: its link status reports clock
 * recovery, equalisation, symbol lock and interlane alignment on every
 * lane the source configured.  AUX channels without a monitor, and the
 * monitor's channel while it is unplugged, time out as a real AUX channel
 * does with nothing on the wire.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qapi/error.h"
#include "vgt-internal.h"
#include "trace.h"

/* SDEIIR bits of the PCH ports' AUX channels and hot-plug detection */
static const uint32_t vgt_sde_aux[] = {
    [VGT_DDI_PORT_B] = SDE_AUXB_CPT,
    [VGT_DDI_PORT_C] = SDE_AUXC_CPT,
    [VGT_DDI_PORT_D] = SDE_AUXD_CPT,
};

static const uint32_t vgt_sde_hotplug[] = {
    [VGT_DDI_PORT_B] = SDE_PORTB_HOTPLUG_CPT,
    [VGT_DDI_PORT_C] = SDE_PORTC_HOTPLUG_CPT,
    [VGT_DDI_PORT_D] = SDE_PORTD_HOTPLUG_CPT,
};

/* AUX control bits a guest write clears by writing 1 */
#define VGT_AUX_W1C     (DP_AUX_CH_CTL_DONE | DP_AUX_CH_CTL_TIME_OUT_ERROR | \
                         DP_AUX_CH_CTL_RECEIVE_ERROR)

/*
 * The sink's receiver capabilities (DPCD 0x000..0x00f): DPCD 1.2, HBR2,
 * 4 lanes with enhanced framing and TPS3, no downstream port (not a
 * branch: connected without sink-count logic), 8b/10b, default training
 * AUX read intervals.
 */
static const uint8_t vgt_dpcd_caps[DP_RECEIVER_CAP_SIZE] = {
    [0x0] = 0x12,       /* DPCD_REV 1.2 */
    [0x1] = 0x14,       /* MAX_LINK_RATE: 5.4 Gbps */
    [0x2] = 0xc4,       /* MAX_LANE_COUNT 4 | TPS3 | ENHANCED_FRAME_CAP */
    [0x3] = 0x01,       /* MAX_DOWNSPREAD 0.5% */
    [0x4] = 0x01,       /* NORP: one receiver port */
    [0x6] = 0x01,       /* MAIN_LINK_CHANNEL_CODING: 8b/10b */
};

static const char *const vgt_port_names = "ABCDE";

bool vgt_dp_check_port(VgtState *s, Error **errp)
{
    const char *p = s->conf.port_name ? s->conf.port_name : "B";

    if (!g_ascii_strcasecmp(p, "B")) {
        s->display.port = VGT_DDI_PORT_B;
    } else if (!g_ascii_strcasecmp(p, "C")) {
        s->display.port = VGT_DDI_PORT_C;
    } else if (!g_ascii_strcasecmp(p, "D")) {
        s->display.port = VGT_DDI_PORT_D;
    } else {
        error_setg(errp, "vgt: port '%s' is not a DDI port with a DP AUX "
                   "channel: use B, C or D", p);
        return false;
    }
    return true;
}

uint8_t vgt_edid_byte(VgtState *s, uint32_t n)
{
    return n < s->display.edid_size ? s->display.edid[n] : 0;
}

/* ---- DDI buffers and DP transport ---- */

static unsigned vgt_ddi_of(uint32_t offset)
{
    return (offset >> 8) & 0xf;
}

static uint32_t vgt_ddi_buf_ctl_read(VgtState *s, const VgtRegInfo *r,
                                     uint32_t offset)
{
    uint32_t v = vgt_vreg(s, offset) & ~DDI_BUF_IS_IDLE;

    /* The buffer idles the moment it is disabled. */
    return v | (v & DDI_BUF_CTL_ENABLE ? 0 : DDI_BUF_IS_IDLE);
}

static void vgt_ddi_buf_ctl_write(VgtState *s, const VgtRegInfo *r,
                                  uint32_t offset, uint32_t value)
{
    uint32_t v = vgt_reg_store(s, r, offset, value);

    trace_vgt_dp_ddi_buf_ctl(vgt_port_names[vgt_ddi_of(offset)], v);
}

static uint32_t vgt_dp_tp_status_read(VgtState *s, const VgtRegInfo *r,
                                      uint32_t offset)
{
    /* Idle patterns are sent as soon as asked (no link to settle). */
    return vgt_vreg(s, offset) | DP_TP_STATUS_IDLE_DONE;
}

static void vgt_dp_tp_ctl_write(VgtState *s, const VgtRegInfo *r,
                                uint32_t offset, uint32_t value)
{
    uint32_t v = vgt_reg_store(s, r, offset, value);

    trace_vgt_dp_tp_ctl(vgt_port_names[vgt_ddi_of(offset)], v);
}

/* ---- The sink: DPCD ---- */

static uint8_t vgt_dpcd_read(VgtState *s, uint32_t addr)
{
    unsigned lanes, lane;
    uint8_t v = 0;

    if (addr < sizeof(vgt_dpcd_caps)) {
        return vgt_dpcd_caps[addr];
    }
    if (addr >= DP_LINK_BW_SET &&
        addr < DP_LINK_BW_SET + DP_LINK_CONFIGURATION_SIZE) {
        return s->display.dp.link[addr - DP_LINK_BW_SET];
    }
    if (addr == DP_SET_POWER) {
        return s->display.dp.power;
    }
    switch (addr) {
    case DP_SINK_COUNT:
        return 1;
    case DP_LANE0_1_STATUS:
    case DP_LANE2_3_STATUS:
        /* Trained at once: CR done, EQ done, symbol locked per lane. */
        lanes = s->display.dp.link[DP_LANE_COUNT_SET - DP_LINK_BW_SET] &
                DP_LANE_COUNT_MASK;
        if (!lanes || lanes > DP_MAX_LANES) {
            lanes = DP_MAX_LANES;
        }
        for (lane = (addr - DP_LANE0_1_STATUS) * 2;
             lane < (addr - DP_LANE0_1_STATUS) * 2 + 2; lane++) {
            if (lane < lanes) {
                v |= (DP_LANE_CR_DONE | DP_LANE_CHANNEL_EQ_DONE |
                      DP_LANE_SYMBOL_LOCKED) << ((lane & 1) * 4);
            }
        }
        return v;
    case DP_LANE_ALIGN_STATUS_UPDATED:
        return DP_INTERLANE_ALIGN_DONE;
    case DP_SINK_STATUS:                /* both ports in sync */
        return DP_RECEIVE_PORT_0_STATUS | DP_RECEIVE_PORT_1_STATUS;
    }
    /* No adjust requests, no IRQ vector, no OUI, no CEC, no MST: zeros. */
    return 0;
}

static void vgt_dpcd_write(VgtState *s, uint32_t addr, uint8_t v)
{
    if (addr >= DP_LINK_BW_SET &&
        addr < DP_LINK_BW_SET + DP_LINK_CONFIGURATION_SIZE) {
        s->display.dp.link[addr - DP_LINK_BW_SET] = v;
    } else if (addr == DP_SET_POWER) {
        s->display.dp.power = v;
    } else {
        /* IRQ vector acks, test responses...: accepted, nothing to do */
        trace_vgt_dp_dpcd_ignored(addr, v);
        return;
    }
    trace_vgt_dp_dpcd_write(addr, v);
}

/* ---- The sink: DDC (EDID) over I2C-over-AUX ---- */

static bool vgt_ddc_write(VgtState *s, uint8_t i2c, uint8_t v)
{
    if (i2c == DDC_SEGMENT_ADDR) {
        s->display.dp.edid_segment = v;
    } else if (i2c == DDC_ADDR) {
        s->display.dp.edid_offset = v;
    } else {
        return false;
    }
    return true;
}

static uint8_t vgt_ddc_read(VgtState *s)
{
    uint32_t n = s->display.dp.edid_segment * 256 + s->display.dp.edid_offset;

    s->display.dp.edid_offset++;        /* wraps within the segment, as E-DDC */
    return vgt_edid_byte(s, n);
}

/*
 * One AUX transaction: @req (@nreq bytes) in, reply out (@reply, returns
 * its length), or -1 for a timeout (nothing answers).
 */
static int vgt_aux_transfer(VgtState *s, const uint8_t *req, unsigned nreq,
                            uint8_t *reply)
{
    unsigned cmd, addr, len, i;

    if (nreq < 3) {
        return -1;                       /* not a request: no reply */
    }
    cmd = req[0] >> 4;
    addr = ((req[0] & 0xf) << 16) | (req[1] << 8) | req[2];
    len = nreq > 3 ? req[3] + 1 : 0;
    s->display.dp.aux_transactions++;
    trace_vgt_dp_aux(cmd, addr, len, nreq);

    if (cmd & DP_AUX_NATIVE_WRITE) {
        if (!len) {
            reply[0] = DP_AUX_NATIVE_REPLY_NACK << 4;
            return 1;
        }
        if (cmd == DP_AUX_NATIVE_READ) {
            if (len > DP_AUX_CH_DATA_SIZE - 1) {
                len = DP_AUX_CH_DATA_SIZE - 1;
            }
            reply[0] = DP_AUX_NATIVE_REPLY_ACK << 4;
            for (i = 0; i < len; i++) {
                reply[1 + i] = vgt_dpcd_read(s, (addr + i) & 0xfffff);
            }
            return 1 + len;
        }
        if (cmd == DP_AUX_NATIVE_WRITE) {
            for (i = 0; i < len && 4 + i < nreq; i++) {
                vgt_dpcd_write(s, (addr + i) & 0xfffff, req[4 + i]);
            }
            reply[0] = DP_AUX_NATIVE_REPLY_ACK << 4;
            return 1;
        }
        reply[0] = DP_AUX_NATIVE_REPLY_NACK << 4;
        return 1;
    }

    /* I2C over AUX: only the monitor's DDC (EDID and segment pointer) */
    if (addr != DDC_ADDR && addr != DDC_SEGMENT_ADDR) {
        reply[0] = DP_AUX_I2C_REPLY_NACK << 4;
        return 1;
    }
    /* The stop (an address-only request without MOT) resets the segment. */
    if (!(cmd & DP_AUX_I2C_MOT) && !len) {
        s->display.dp.edid_segment = 0;
    }
    switch (cmd & ~DP_AUX_I2C_MOT) {
    case DP_AUX_I2C_WRITE:
    case DP_AUX_I2C_WRITE_STATUS_UPDATE:
        for (i = 0; i < len && 4 + i < nreq; i++) {
            vgt_ddc_write(s, addr, req[4 + i]);
        }
        reply[0] = DP_AUX_NATIVE_REPLY_ACK << 4;
        break;
    case DP_AUX_I2C_READ:
        if (addr != DDC_ADDR) {
            reply[0] = DP_AUX_I2C_REPLY_NACK << 4;
            return 1;
        }
        if (len > DP_AUX_CH_DATA_SIZE - 1) {
            len = DP_AUX_CH_DATA_SIZE - 1;
        }
        reply[0] = DP_AUX_NATIVE_REPLY_ACK << 4;
        for (i = 0; i < len; i++) {
            reply[1 + i] = vgt_ddc_read(s);
        }
        return 1 + len;
    default:
        reply[0] = DP_AUX_I2C_REPLY_NACK << 4;
        break;
    }
    return 1;
}

/* The AUX channel's port: A (CPU block) or B..D (PCH block). */
static unsigned vgt_aux_port(uint32_t ctl)
{
    return ctl == DP_AUX_CH_CTL(0) ? 0 :
           (ctl - PCH_DP_AUX_CH_CTL(0)) / 0x100;
}

static void vgt_aux_ctl_write(VgtState *s, const VgtRegInfo *r,
                              uint32_t offset, uint32_t value)
{
    unsigned port = vgt_aux_port(offset);
    uint8_t req[DP_AUX_CH_DATA_SIZE], reply[DP_AUX_CH_DATA_SIZE];
    unsigned nreq, i;
    uint32_t ctl = vgt_vreg(s, offset);
    int n = -1;

    /* DONE and the error bits are write-1-to-clear; the rest is kept. */
    ctl = (value & ~VGT_AUX_W1C) | (ctl & ~value & VGT_AUX_W1C);
    if (!(value & DP_AUX_CH_CTL_SEND_BUSY)) {
        vgt_vreg(s, offset) = ctl & ~DP_AUX_CH_CTL_SEND_BUSY;
        return;
    }

    /* A request: the bytes are packed big-endian into the data dwords. */
    nreq = (value & DP_AUX_CH_CTL_MESSAGE_SIZE_MASK) >>
           DP_AUX_CH_CTL_MESSAGE_SIZE_SHIFT;
    if (nreq > DP_AUX_CH_DATA_SIZE) {
        qemu_log_mask(LOG_GUEST_ERROR, "vgt: AUX %c: message size %u "
                      "(over %u bytes) truncated\n", vgt_port_names[port],
                      nreq, DP_AUX_CH_DATA_SIZE);
        s->stats.guest_errors++;
        nreq = DP_AUX_CH_DATA_SIZE;
    }
    for (i = 0; i < nreq; i++) {
        req[i] = vgt_vreg(s, offset + 4 + (i & ~3u)) >> (24 - (i & 3) * 8);
    }
    if (port == s->display.port && s->display.monitor_connected) {
        n = vgt_aux_transfer(s, req, nreq, reply);
    }

    ctl &= ~(DP_AUX_CH_CTL_SEND_BUSY | DP_AUX_CH_CTL_MESSAGE_SIZE_MASK |
             DP_AUX_CH_CTL_TIME_OUT_ERROR | DP_AUX_CH_CTL_RECEIVE_ERROR);
    ctl |= DP_AUX_CH_CTL_DONE;
    if (n < 0) {
        ctl |= DP_AUX_CH_CTL_TIME_OUT_ERROR;
        trace_vgt_dp_aux_timeout(vgt_port_names[port]);
    } else {
        for (i = 0; i < DP_AUX_CH_DATA_SIZE / 4; i++) {
            vgt_vreg(s, offset + 4 + i * 4) = 0;
        }
        for (i = 0; i < n; i++) {
            vgt_vreg(s, offset + 4 + (i & ~3u)) |=
                (uint32_t)reply[i] << (24 - (i & 3) * 8);
        }
        ctl |= (uint32_t)n << DP_AUX_CH_CTL_MESSAGE_SIZE_SHIFT;
    }
    vgt_vreg(s, offset) = ctl;
    if (value & DP_AUX_CH_CTL_INTERRUPT) {
        if (port == 0) {
            vgt_irq_pulse(s, VGT_IRQ_DE, DE_AUX_CHANNEL_A_IVB);
        } else {
            vgt_irq_pulse(s, VGT_IRQ_SDE, vgt_sde_aux[port]);
        }
    }
}

/* ---- Hot-plug ---- */

static void vgt_pch_hotplug_write(VgtState *s, const VgtRegInfo *r,
                                  uint32_t offset, uint32_t value)
{
    uint32_t old = vgt_vreg(s, offset);

    /* Status fields are write-1-to-clear, the enables are storage. */
    vgt_vreg(s, offset) = (value & ~PORT_HOTPLUG_STATUS_ALL) |
                          (old & ~value & PORT_HOTPLUG_STATUS_ALL);
    trace_vgt_dp_hotplug_ctl(vgt_vreg(s, offset));
}

void vgt_dp_set_connected(VgtState *s, bool connected)
{
    uint32_t bit = vgt_sde_hotplug[s->display.port];

    if (connected == s->display.monitor_connected) {
        return;
    }
    s->display.monitor_connected = connected;
    s->display.dp.hotplug_events++;
    trace_vgt_dp_hotplug(vgt_port_names[s->display.port], connected);
    /* A new monitor starts unconfigured. */
    memset(s->display.dp.link, 0, sizeof(s->display.dp.link));
    s->display.dp.power = 0;
    s->display.dp.edid_segment = 0;

    /* The detection logic reports a long pulse only while enabled. */
    if (vgt_vreg(s, PCH_PORT_HOTPLUG) & PORT_HOTPLUG_ENABLE(s->display.port)) {
        vgt_vreg(s, PCH_PORT_HOTPLUG) =
            (vgt_vreg(s, PCH_PORT_HOTPLUG) &
             ~PORT_HOTPLUG_STATUS_MASK(s->display.port)) |
            PORT_HOTPLUG_LONG_DETECT(s->display.port);
        /* live state in SDEISR; the plug and the unplug both interrupt */
        vgt_irq_set_source(s, VGT_IRQ_SDE, bit, connected);
        if (!connected) {
            vgt_irq_pulse(s, VGT_IRQ_SDE, bit);
        }
    } else {
        /* live state only: no detection, no event */
        vgt_irq_set_live(s, VGT_IRQ_SDE, bit, connected);
    }
    s->display.console.invalidate = true;   /* the console shows the change */
}

void vgt_dp_reset(VgtState *s)
{
    memset(&s->display.dp, 0, sizeof(s->display.dp));
    /* A monitor present at power-on shows in the live state, no event. */
    if (s->display.monitor_connected) {
        vgt_irq_set_live(s, VGT_IRQ_SDE, vgt_sde_hotplug[s->display.port],
                         true);
    }
}

/* ---- Sideband: PCH clock registers (iCLK, mPHY) ---- */

static uint32_t *vgt_sbi_slot(VgtState *s, uint32_t addr, bool create)
{
    unsigned i;

    for (i = 0; i < ARRAY_SIZE(s->display.dp.sbi); i++) {
        if (s->display.dp.sbi[i].addr == addr) {
            return &s->display.dp.sbi[i].value;
        }
    }
    if (!create) {
        return NULL;
    }
    for (i = 0; i < ARRAY_SIZE(s->display.dp.sbi); i++) {
        if (!s->display.dp.sbi[i].addr) {
            s->display.dp.sbi[i].addr = addr;
            s->display.dp.sbi[i].value = 0;
            return &s->display.dp.sbi[i].value;
        }
    }
    return NULL;
}

static void vgt_sbi_ctl_write(VgtState *s, const VgtRegInfo *r,
                              uint32_t offset, uint32_t value)
{
    /* reg in SBI_ADDR's upper half, destination iCLK/mPHY; never 0 */
    uint32_t addr = (vgt_vreg(s, SBI_ADDR) & 0xffff0000u) |
                    ((value & SBI_CTL_DEST_MPHY) >> 16) | 0x8000;
    bool write = value & SBI_CTL_OP_WR;
    uint32_t *slot;

    if (!(value & SBI_BUSY)) {
        vgt_vreg(s, offset) = value & ~(SBI_BUSY | SBI_RESPONSE_FAIL);
        return;
    }
    slot = vgt_sbi_slot(s, addr, write);
    if (write) {
        if (slot) {
            *slot = vgt_vreg(s, SBI_DATA);
        }
    } else {
        vgt_vreg(s, SBI_DATA) = slot ? *slot : 0;
    }
    trace_vgt_dp_sbi(vgt_vreg(s, SBI_ADDR) >> 16, value, write,
                     vgt_vreg(s, SBI_DATA));
    /* Done at once, successfully. */
    vgt_vreg(s, offset) = value & ~(SBI_BUSY | SBI_RESPONSE_FAIL);
}

#define VGT_DDI_BUF_CTL_ROW(port, n, ro) \
    { "DDI_BUF_CTL_" n, DDI_BUF_CTL(port), 4, VGT_REG_MEDIATED, 0, \
      DDI_BUF_IS_IDLE | (ro), vgt_ddi_buf_ctl_read, vgt_ddi_buf_ctl_write }
#define VGT_DP_TP_CTL_ROW(port, n) \
    { "DP_TP_CTL_" n, DP_TP_CTL(port), 4, VGT_REG_MEDIATED, 0, 0, NULL, \
      vgt_dp_tp_ctl_write }
#define VGT_DP_TP_STATUS_ROW(port, n) \
    { "DP_TP_STATUS_" n, DP_TP_STATUS(port), 4, VGT_REG_W1C, 0, 0, \
      vgt_dp_tp_status_read }
#define VGT_PCH_AUX_CTL_ROW(port, n) \
    { "PCH_DP_AUX_CH_CTL_" n, PCH_DP_AUX_CH_CTL(port), 4, \
      VGT_REG_MEDIATED, 0, 0, NULL, vgt_aux_ctl_write }
#define VGT_PCH_AUX_DATA_ROW(port, n) \
    { "PCH_DP_AUX_CH_DATA_" n, PCH_DP_AUX_CH_CTL(port) + 4, \
      DP_AUX_CH_DATA_SIZE, VGT_REG_VIRT, 0, 0 }

static const VgtRegInfo vgt_dp_regs[] = {
    /* DDI A is no eDP here: no display detected */
    VGT_DDI_BUF_CTL_ROW(0, "A", DDI_INIT_DISPLAY_DETECTED),
    VGT_DDI_BUF_CTL_ROW(1, "B", 0),
    VGT_DDI_BUF_CTL_ROW(2, "C", 0),
    VGT_DDI_BUF_CTL_ROW(3, "D", 0),
    VGT_DDI_BUF_CTL_ROW(4, "E", 0),
    VGT_DP_TP_CTL_ROW(0, "A"),
    VGT_DP_TP_CTL_ROW(1, "B"),
    VGT_DP_TP_CTL_ROW(2, "C"),
    VGT_DP_TP_CTL_ROW(3, "D"),
    VGT_DP_TP_CTL_ROW(4, "E"),
    VGT_DP_TP_STATUS_ROW(0, "A"),
    VGT_DP_TP_STATUS_ROW(1, "B"),
    VGT_DP_TP_STATUS_ROW(2, "C"),
    VGT_DP_TP_STATUS_ROW(3, "D"),
    VGT_DP_TP_STATUS_ROW(4, "E"),
    { "DDI_BUF_TRANS", DDI_BUF_TRANS_BASE, DDI_BUF_TRANS_SIZE,
      VGT_REG_VIRT, 0, 0 },

    { "DP_AUX_CH_CTL(0)", DP_AUX_CH_CTL(0), 4, VGT_REG_MEDIATED, 0, 0, NULL,
      vgt_aux_ctl_write },
    { "DP_AUX_CH_DATA_A", DP_AUX_CH_CTL(0) + 4, DP_AUX_CH_DATA_SIZE,
      VGT_REG_VIRT, 0, 0 },
    VGT_PCH_AUX_CTL_ROW(1, "B"),
    VGT_PCH_AUX_DATA_ROW(1, "B"),
    VGT_PCH_AUX_CTL_ROW(2, "C"),
    VGT_PCH_AUX_DATA_ROW(2, "C"),
    VGT_PCH_AUX_CTL_ROW(3, "D"),
    VGT_PCH_AUX_DATA_ROW(3, "D"),

    /* Port A hot-plug (no eDP here: nothing ever detected) */
    { "DIGITAL_PORT_HOTPLUG_CNTRL", DIGITAL_PORT_HOTPLUG_CNTRL, 4,
      VGT_REG_VIRT, 0, 0x3 },
    { "PCH_PORT_HOTPLUG", PCH_PORT_HOTPLUG, 4, VGT_REG_MEDIATED, 0, 0,
      NULL, vgt_pch_hotplug_write },

    /* PLLs: no lock bit on HSW; i915 finds them off at boot */
    { "SPLL_CTL", SPLL_CTL, 4, VGT_REG_VIRT, 0, 0 },
    { "WRPLL_CTL1", WRPLL_CTL(0), 4, VGT_REG_VIRT, 0, 0 },
    { "WRPLL_CTL2", WRPLL_CTL(1), 4, VGT_REG_VIRT, 0, 0 },
    /* transcoder A..C clock: disabled, or the port's */
    { "TRANS_CLK_SEL", TRANS_CLK_SEL(0), 3 * 4, VGT_REG_VIRT, 0, 0 },

    { "SBI_ADDR", SBI_ADDR, 4, VGT_REG_VIRT, 0, 0 },
    { "SBI_DATA", SBI_DATA, 4, VGT_REG_VIRT, 0, 0 },
    { "SBI_CTL_STAT", SBI_CTL_STAT, 4, VGT_REG_MEDIATED, 0, 0, NULL,
      vgt_sbi_ctl_write },
};

const VgtRegTable vgt_dp_reg_table = VGT_REG_TABLE(vgt_dp_regs);
