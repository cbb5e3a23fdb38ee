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

/* DDI A..E: buffer control, DP transport control and status */
#define DDI_BUF_CTL(port)           (0x64000 + (port) * 0x100)
#define   DDI_BUF_CTL_ENABLE        (1u << 31)
#define   DDI_BUF_IS_IDLE           (1u << 7)
#define   DDI_INIT_DISPLAY_DETECTED (1u << 0)
#define DP_TP_CTL(port)             (0x64040 + (port) * 0x100)
#define DP_TP_STATUS(port)          (0x64044 + (port) * 0x100)
#define   DP_TP_STATUS_IDLE_DONE    (1u << 25)
#define DDI_BUF_TRANS_BASE          0x64e00
#define DDI_BUF_TRANS_SIZE          (5 * 0x60)

/* DP AUX: A in the CPU display block, B..D in the PCH */
#define DP_AUX_CH_CTL_A             0x64010
#define PCH_DP_AUX_CH_CTL(port)     (0xe4010 + (port) * 0x100)
#define   AUX_SEND_BUSY             (1u << 31)
#define   AUX_DONE                  (1u << 30)
#define   AUX_INTERRUPT             (1u << 29)
#define   AUX_TIME_OUT_ERROR        (1u << 28)
#define   AUX_RECEIVE_ERROR         (1u << 25)
#define   AUX_MESSAGE_SIZE_SHIFT    20
#define   AUX_MESSAGE_SIZE_MASK     (0x1fu << 20)
#define AUX_DATA_BYTES              20
#define VGT_DE_AUX_A                (1u << 26)      /* DEIIR: AUX A done */
#define VGT_SDE_AUX(port)           (1u << (24 + (port)))   /* B..D: 25..27 */
#define VGT_SDE_HOTPLUG(port)       (1u << (20 + (port)))   /* B..D: 21..23 */
#define SDEISR                      0xc4000

/* AUX request codes (DP 1.2, 2.7.7) and reply codes */
#define AUX_I2C_WRITE               0x0
#define AUX_I2C_READ                0x1
#define AUX_I2C_WRITE_STATUS_UPDATE 0x2
#define AUX_I2C_MOT                 0x4
#define AUX_NATIVE_WRITE            0x8
#define AUX_NATIVE_READ             0x9
#define AUX_REPLY_ACK               0x00
#define AUX_REPLY_NATIVE_NACK       0x10
#define AUX_REPLY_I2C_NACK          0x40
#define DDC_ADDR                    0x50
#define DDC_SEGMENT_ADDR            0x30

/* Hot-plug */
#define DIGITAL_PORT_HOTPLUG_CNTRL  0x44030
#define PCH_PORT_HOTPLUG            0xc4030
#define   HOTPLUG_STATUS_MASK(port) (3u << (((port) - 1) * 8))
#define   HOTPLUG_LONG(port)        (2u << (((port) - 1) * 8))
#define   HOTPLUG_ENABLE(port)      (1u << (((port) - 1) * 8 + 4))
#define   PCH_HOTPLUG_STATUS_ALL    (0x03030303u)

/* Clocks: the PLLs HDMI/CRT would use, transcoder clock, sideband */
#define SPLL_CTL                    0x46020
#define WRPLL_CTL1                  0x46040
#define WRPLL_CTL2                  0x46060
#define TRANS_CLK_SEL_A             0x46140
#define SBI_ADDR                    0xc6000
#define SBI_DATA                    0xc6004
#define SBI_CTL_STAT                0xc6008
#define   SBI_BUSY                  (1u << 0)
#define   SBI_RESPONSE_FAIL         (1u << 1)
#define   SBI_CTL_WRITE             (1u << 8)
#define   SBI_CTL_DEST_MASK         (1u << 16)

/* DPCD */
#define DPCD_LANE_COUNT_SET         0x101
#define DPCD_LINK_STATUS            0x200
#define DPCD_SET_POWER              0x600

/*
 * The sink's receiver capabilities (DPCD 0x000..0x00f): DPCD 1.2, HBR2,
 * 4 lanes with enhanced framing and TPS3, no downstream port (not a
 * branch: connected without sink-count logic), 8b/10b, default training
 * AUX read intervals.
 */
static const uint8_t vgt_dpcd_caps[0x10] = {
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
    if (addr >= 0x100 && addr < 0x110) {
        return s->display.dp.link[addr - 0x100];
    }
    if (addr == DPCD_SET_POWER) {
        return s->display.dp.power;
    }
    switch (addr) {
    case DPCD_LINK_STATUS:              /* SINK_COUNT */
        return 1;
    case 0x202:                         /* LANE0_1_STATUS */
    case 0x203:                         /* LANE2_3_STATUS */
        /* Trained at once: CR done, EQ done, symbol locked per lane. */
        lanes = s->display.dp.link[DPCD_LANE_COUNT_SET - 0x100] & 0x1f;
        if (!lanes || lanes > 4) {
            lanes = 4;
        }
        for (lane = (addr - 0x202) * 2; lane < (addr - 0x202) * 2 + 2;
             lane++) {
            if (lane < lanes) {
                v |= 0x7 << ((lane & 1) * 4);
            }
        }
        return v;
    case 0x204:                         /* LANE_ALIGN_STATUS_UPDATED */
        return 0x01;                    /* INTERLANE_ALIGN_DONE */
    case 0x205:                         /* SINK_STATUS: both ports in sync */
        return 0x03;
    }
    /* No adjust requests, no IRQ vector, no OUI, no CEC, no MST: zeros. */
    return 0;
}

static void vgt_dpcd_write(VgtState *s, uint32_t addr, uint8_t v)
{
    if (addr >= 0x100 && addr < 0x110) {
        s->display.dp.link[addr - 0x100] = v;
    } else if (addr == DPCD_SET_POWER) {
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

    if (cmd & AUX_NATIVE_WRITE) {
        if (!len) {
            reply[0] = AUX_REPLY_NATIVE_NACK;
            return 1;
        }
        if (cmd == AUX_NATIVE_READ) {
            if (len > AUX_DATA_BYTES - 1) {
                len = AUX_DATA_BYTES - 1;
            }
            reply[0] = AUX_REPLY_ACK;
            for (i = 0; i < len; i++) {
                reply[1 + i] = vgt_dpcd_read(s, (addr + i) & 0xfffff);
            }
            return 1 + len;
        }
        if (cmd == AUX_NATIVE_WRITE) {
            for (i = 0; i < len && 4 + i < nreq; i++) {
                vgt_dpcd_write(s, (addr + i) & 0xfffff, req[4 + i]);
            }
            reply[0] = AUX_REPLY_ACK;
            return 1;
        }
        reply[0] = AUX_REPLY_NATIVE_NACK;
        return 1;
    }

    /* I2C over AUX: only the monitor's DDC (EDID and segment pointer) */
    if (addr != DDC_ADDR && addr != DDC_SEGMENT_ADDR) {
        reply[0] = AUX_REPLY_I2C_NACK;
        return 1;
    }
    /* The stop (an address-only request without MOT) resets the segment. */
    if (!(cmd & AUX_I2C_MOT) && !len) {
        s->display.dp.edid_segment = 0;
    }
    switch (cmd & ~AUX_I2C_MOT) {
    case AUX_I2C_WRITE:
    case AUX_I2C_WRITE_STATUS_UPDATE:
        for (i = 0; i < len && 4 + i < nreq; i++) {
            vgt_ddc_write(s, addr, req[4 + i]);
        }
        reply[0] = AUX_REPLY_ACK;
        break;
    case AUX_I2C_READ:
        if (addr != DDC_ADDR) {
            reply[0] = AUX_REPLY_I2C_NACK;
            return 1;
        }
        if (len > AUX_DATA_BYTES - 1) {
            len = AUX_DATA_BYTES - 1;
        }
        reply[0] = AUX_REPLY_ACK;
        for (i = 0; i < len; i++) {
            reply[1 + i] = vgt_ddc_read(s);
        }
        return 1 + len;
    default:
        reply[0] = AUX_REPLY_I2C_NACK;
        break;
    }
    return 1;
}

/* The AUX channel's port: A (CPU block) or B..D (PCH block). */
static unsigned vgt_aux_port(uint32_t ctl)
{
    return ctl == DP_AUX_CH_CTL_A ? 0 : (ctl - 0xe4010) / 0x100;
}

static void vgt_aux_ctl_write(VgtState *s, const VgtRegInfo *r,
                              uint32_t offset, uint32_t value)
{
    unsigned port = vgt_aux_port(offset);
    uint8_t req[AUX_DATA_BYTES], reply[AUX_DATA_BYTES];
    unsigned nreq, i;
    uint32_t ctl = vgt_vreg(s, offset);
    int n = -1;

    /* DONE and the error bits are write-1-to-clear; the rest is kept. */
    ctl = (value & ~(AUX_DONE | AUX_TIME_OUT_ERROR | AUX_RECEIVE_ERROR)) |
          (ctl & ~value & (AUX_DONE | AUX_TIME_OUT_ERROR |
                           AUX_RECEIVE_ERROR));
    if (!(value & AUX_SEND_BUSY)) {
        vgt_vreg(s, offset) = ctl & ~AUX_SEND_BUSY;
        return;
    }

    /* A request: the bytes are packed big-endian into the data dwords. */
    nreq = (value & AUX_MESSAGE_SIZE_MASK) >> AUX_MESSAGE_SIZE_SHIFT;
    if (nreq > AUX_DATA_BYTES) {
        qemu_log_mask(LOG_GUEST_ERROR, "vgt: AUX %c: message size %u "
                      "(over %u bytes) truncated\n", vgt_port_names[port],
                      nreq, AUX_DATA_BYTES);
        s->stats.guest_errors++;
        nreq = AUX_DATA_BYTES;
    }
    for (i = 0; i < nreq; i++) {
        req[i] = vgt_vreg(s, offset + 4 + (i & ~3u)) >> (24 - (i & 3) * 8);
    }
    if (port == s->display.port && s->display.monitor_connected) {
        n = vgt_aux_transfer(s, req, nreq, reply);
    }

    ctl &= ~(AUX_SEND_BUSY | AUX_MESSAGE_SIZE_MASK | AUX_TIME_OUT_ERROR |
             AUX_RECEIVE_ERROR);
    ctl |= AUX_DONE;
    if (n < 0) {
        ctl |= AUX_TIME_OUT_ERROR;
        trace_vgt_dp_aux_timeout(vgt_port_names[port]);
    } else {
        for (i = 0; i < AUX_DATA_BYTES / 4; i++) {
            vgt_vreg(s, offset + 4 + i * 4) = 0;
        }
        for (i = 0; i < n; i++) {
            vgt_vreg(s, offset + 4 + (i & ~3u)) |=
                (uint32_t)reply[i] << (24 - (i & 3) * 8);
        }
        ctl |= (uint32_t)n << AUX_MESSAGE_SIZE_SHIFT;
    }
    vgt_vreg(s, offset) = ctl;
    if (value & AUX_INTERRUPT) {
        if (port == 0) {
            vgt_irq_pulse(s, VGT_IRQ_DE, VGT_DE_AUX_A);
        } else {
            vgt_irq_pulse(s, VGT_IRQ_SDE, VGT_SDE_AUX(port));
        }
    }
}

/* ---- Hot-plug ---- */

static void vgt_pch_hotplug_write(VgtState *s, const VgtRegInfo *r,
                                  uint32_t offset, uint32_t value)
{
    uint32_t old = vgt_vreg(s, offset);

    /* Status fields are write-1-to-clear, the enables are storage. */
    vgt_vreg(s, offset) = (value & ~PCH_HOTPLUG_STATUS_ALL) |
                          (old & ~value & PCH_HOTPLUG_STATUS_ALL);
    trace_vgt_dp_hotplug_ctl(vgt_vreg(s, offset));
}

void vgt_dp_set_connected(VgtState *s, bool connected)
{
    uint32_t bit = VGT_SDE_HOTPLUG(s->display.port);

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
    if (vgt_vreg(s, PCH_PORT_HOTPLUG) & HOTPLUG_ENABLE(s->display.port)) {
        vgt_vreg(s, PCH_PORT_HOTPLUG) =
            (vgt_vreg(s, PCH_PORT_HOTPLUG) &
             ~HOTPLUG_STATUS_MASK(s->display.port)) |
            HOTPLUG_LONG(s->display.port);
        /* live state in SDEISR; the plug and the unplug both interrupt */
        vgt_irq_set_source(s, VGT_IRQ_SDE, bit, connected);
        if (!connected) {
            vgt_irq_pulse(s, VGT_IRQ_SDE, bit);
        }
    } else {
        /* live state only: no detection, no event */
        vgt_vreg(s, SDEISR) = (vgt_vreg(s, SDEISR) & ~bit) |
                              (connected ? bit : 0);
    }
    s->display.console.invalidate = true;   /* the console shows the change */
}

void vgt_dp_reset(VgtState *s)
{
    memset(&s->display.dp, 0, sizeof(s->display.dp));
    /* A monitor present at power-on shows in the live state, no event. */
    if (s->display.monitor_connected) {
        vgt_vreg(s, SDEISR) |= VGT_SDE_HOTPLUG(s->display.port);
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
                    ((value & SBI_CTL_DEST_MASK) >> 16) | 0x8000;
    bool write = value & SBI_CTL_WRITE;
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
      AUX_DATA_BYTES, VGT_REG_VIRT, 0, 0 }

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

    { "DP_AUX_CH_CTL_A", DP_AUX_CH_CTL_A, 4, VGT_REG_MEDIATED, 0, 0, NULL,
      vgt_aux_ctl_write },
    { "DP_AUX_CH_DATA_A", DP_AUX_CH_CTL_A + 4, AUX_DATA_BYTES,
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
    { "WRPLL_CTL1", WRPLL_CTL1, 4, VGT_REG_VIRT, 0, 0 },
    { "WRPLL_CTL2", WRPLL_CTL2, 4, VGT_REG_VIRT, 0, 0 },
    /* transcoder A..C clock: disabled, or the port's */
    { "TRANS_CLK_SEL", TRANS_CLK_SEL_A, 3 * 4, VGT_REG_VIRT, 0, 0 },

    { "SBI_ADDR", SBI_ADDR, 4, VGT_REG_VIRT, 0, 0 },
    { "SBI_DATA", SBI_DATA, 4, VGT_REG_VIRT, 0, 0 },
    { "SBI_CTL_STAT", SBI_CTL_STAT, 4, VGT_REG_MEDIATED, 0, 0, NULL,
      vgt_sbi_ctl_write },
};

const VgtRegTable vgt_dp_reg_table = VGT_REG_TABLE(vgt_dp_regs);
