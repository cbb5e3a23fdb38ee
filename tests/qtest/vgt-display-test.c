/*
 * qtests for the vgt virtual display, driven as i915 drives it: the DP
 * AUX channel (DPCD, link training, EDID over I2C-over-AUX), GMBUS, the
 * DDI and PLL registers it polls, a framebuffer written into guest memory
 * and mapped through the GTT, scanned out on a pipe and checked with a
 * QMP screendump; the cursor, hot-plug, a surface outside the VM's
 * graphics memory, and plane, cursor and VGA settings no guest may take
 * QEMU down with.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "qemu/timer.h"
#include "libqtest.h"
#include "vgt-qtest.h"
#include "qapi/qmp/qlist.h"
#include "standard-headers/linux/pci_regs.h"


#define DEIMR               0x44004
#define DEIIR               0x44008
#define SDEISR              0xc4000
#define SDEIMR              0xc4004
#define SDEIIR              0xc4008
#define SDEIER              0xc400c
#define DE_PCH_EVENT        (1u << 28)
#define SDE_PORTB_HOTPLUG   (1u << 21)
#define SDE_AUX_B           (1u << 25)
#define PCH_PORT_HOTPLUG    0xc4030
#define SFUSE_STRAP         0xc2014
#define DDI_BUF_CTL_B       0x64100
#define DP_TP_CTL_B         0x64140
#define DP_TP_STATUS_B      0x64144
#define PORT_CLK_SEL_B      0x46104
#define WRPLL_CTL1          0x46040
#define SPLL_CTL            0x46020
#define SBI_ADDR            0xc6000
#define SBI_DATA            0xc6004
#define SBI_CTL_STAT        0xc6008
#define GMBUS0              0xc5100
#define GMBUS1              0xc5104
#define GMBUS2              0xc5108
#define GMBUS3              0xc510c

#define CURCNTR_A           0x70080
#define CURBASE_A           0x70084
#define CURPOS_A            0x70088
#define FMT_565             5
#define FMT_XRGB2101010     10
#define FMT_XBGR8888        14

#define FB_GPA              (64 * MiB)  /* guest RAM for the framebuffers */
#define W                   200
#define H                   40

/* A VM with vgt at 00:02.0, enabled; @props: more properties, or "". */
static void dev_start(VgtQtest *d, const char *props)
{
    g_autofree char *all_props = g_strconcat(VGT_QTEST_PROPS, props, NULL);

    vgt_qtest_start(d, "-m 128M -d guest_errors", all_props);
    vgt_qtest_map(d);
    vgt_qtest_read_partition(d);
    g_assert_cmpuint(d->msize, >=, 4 * MiB);
}

/* drm_do_probe_ddc_edid over AUX: offset write, 16-byte reads, stop. */
static void edid_read_aux(VgtQtest *d, uint8_t *edid, int len)
{
    uint8_t reply[20];
    uint8_t start[3] = { 0x40, 0, 0x50 };       /* I2C write, MOT */
    uint8_t off[5] = { 0x40, 0, 0x50, 0, 0 };
    uint8_t rd16[4] = { 0x50, 0, 0x50, 15 };    /* I2C read, MOT */
    uint8_t stop[3] = { 0x10, 0, 0x50 };        /* read, no MOT */
    int i;

    g_assert_cmpint(vgt_qtest_aux(d, AUX_CTL_B, start, 3, reply), ==, 1);
    g_assert_cmpint(vgt_qtest_aux(d, AUX_CTL_B, off, 5, reply), ==, 1);
    g_assert_cmphex(reply[0], ==, 0);
    for (i = 0; i < len; i += 16) {
        g_assert_cmpint(vgt_qtest_aux(d, AUX_CTL_B, rd16, 4, reply), ==, 17);
        g_assert_cmphex(reply[0], ==, 0);
        memcpy(edid + i, reply + 1, 16);
    }
    g_assert_cmpint(vgt_qtest_aux(d, AUX_CTL_B, stop, 3, reply), ==, 1);
}

static void check_edid(const uint8_t *edid, uint32_t xres, uint32_t yres)
{
    static const uint8_t header[8] = { 0, 0xff, 0xff, 0xff, 0xff, 0xff,
                                       0xff, 0 };
    const uint8_t *dtd = edid + 54;
    uint8_t sum = 0;
    int i;

    g_assert_cmpmem(edid, 8, header, 8);
    for (i = 0; i < 128; i++) {
        sum += edid[i];
    }
    g_assert_cmpuint(sum, ==, 0);
    /* the first detailed timing is the preferred mode */
    g_assert_cmpuint(dtd[0] | dtd[1] << 8, !=, 0);
    g_assert_cmpuint(dtd[2] | (dtd[4] & 0xf0) << 4, ==, xres);
    g_assert_cmpuint(dtd[5] | (dtd[7] & 0xf0) << 4, ==, yres);
}

static void test_edid_aux(void)
{
    VgtQtest d;
    uint8_t caps[15], edid[256], gm[128], reply[20];
    uint8_t bad[4] = { 0x50, 0, 0x37, 0 };      /* DDC/CI: nothing there */
    uint32_t v;
    int i, j;

    dev_start(&d, ",xres=1920,yres=1080");
    /* presence: port B strapped, live in SDEISR */
    g_assert_cmphex(vgt_rd(&d, SFUSE_STRAP) & 0xcf, ==, 0x44);
    g_assert_true(vgt_rd(&d, SDEISR) & SDE_PORTB_HOTPLUG);

    vgt_qtest_dpcd_read(&d, 0x000, caps, 15);
    g_assert_cmphex(caps[0], ==, 0x12);                 /* DPCD 1.2 */
    g_assert_true(caps[1] == 0x06 || caps[1] == 0x0a || caps[1] == 0x14);
    g_assert_cmphex(caps[2] & 0x1f, ==, 4);
    g_assert_cmphex(caps[5] & 1, ==, 0);                /* not a branch */
    /* unknown DPCD addresses: ACK and zeros (no NAK retries) */
    vgt_qtest_dpcd_read(&d, 0x3000, caps, 1);
    g_assert_cmphex(caps[0], ==, 0);

    edid_read_aux(&d, edid, 256);
    check_edid(edid, 1920, 1080);
    g_assert_cmpuint(edid[126], >=, 1);
    /* other I2C addresses NAK */
    g_assert_cmpint(vgt_qtest_aux(&d, AUX_CTL_B, bad, 4, reply), ==, 1);
    g_assert_cmphex(reply[0], ==, 0x40);

    /* GMBUS on the monitor's pin (DPB = 5): the same EDID */
    vgt_wr(&d, GMBUS0, 5);
    vgt_wr(&d, GMBUS1, (1u << 30) | (1u << 26) | (1u << 25) | (128 << 16) |
           (0x50 << 1) | 1);                /* SW_RDY, INDEX 0, read */
    for (i = 0; i < 128; i += 4) {
        g_assert_true(vgt_rd(&d, GMBUS2) & (1u << 11));    /* HW_RDY */
        v = vgt_rd(&d, GMBUS3);
        for (j = 0; j < 4; j++) {
            gm[i + j] = v >> (j * 8);
        }
    }
    g_assert_true(vgt_rd(&d, GMBUS2) & (1u << 14));        /* wait phase */
    vgt_wr(&d, GMBUS1, (1u << 30) | (4u << 25));           /* STOP */
    g_assert_false(vgt_rd(&d, GMBUS2) & (1u << 9));        /* idle */
    g_assert_cmpmem(gm, 128, edid, 128);
    /* another pin: NAK (SATOER), idle */
    vgt_wr(&d, GMBUS0, 2);
    vgt_wr(&d, GMBUS1, (1u << 30) | (1u << 25) | (128 << 16) | (0x50 << 1) |
           1);
    g_assert_cmphex(vgt_rd(&d, GMBUS2) & ((1u << 10) | (1u << 9)), ==,
                    1u << 10);
    vgt_wr(&d, GMBUS1, 1u << 31);
    g_assert_false(vgt_rd(&d, GMBUS2) & (1u << 10));
    vgt_qtest_stop(&d);
}

static void test_link_training(void)
{
    VgtQtest d;
    uint8_t cfg[2] = { 0x06, 0x82 };    /* RBR, 2 lanes, enhanced frame */
    uint8_t tps1 = 0x21, st[6];

    dev_start(&d, "");
    /* what i915 finds at boot: all off, clocks gated, PLLs off */
    g_assert_cmphex(vgt_rd(&d, PORT_CLK_SEL_B), ==, 0xe0000000);
    g_assert_cmphex(vgt_rd(&d, WRPLL_CTL1) | vgt_rd(&d, SPLL_CTL), ==, 0);
    g_assert_cmphex(vgt_rd(&d, DDI_BUF_CTL_B), ==, 0x80);  /* idle */
    g_assert_cmphex(vgt_rd(&d, 0x64000) & 0x11, ==, 0);    /* no eDP on A */
    /* sideband: completes at once, successfully, and stores */
    vgt_wr(&d, SBI_ADDR, 0x020c << 16);
    vgt_wr(&d, SBI_DATA, 0x9);
    vgt_wr(&d, SBI_CTL_STAT, 0x0701);
    g_assert_cmphex(vgt_rd(&d, SBI_CTL_STAT) & 3, ==, 0);
    vgt_wr(&d, SBI_CTL_STAT, 0x0601);
    g_assert_cmphex(vgt_rd(&d, SBI_DATA), ==, 0x9);

    /* hsw_ddi_pre_enable_dp + intel_dp_start_link_train */
    vgt_wr(&d, PORT_CLK_SEL_B, 0x40000000);
    vgt_wr(&d, DP_TP_CTL_B, 0x80040000);
    vgt_wr(&d, DDI_BUF_CTL_B, 0x80000002);
    g_assert_cmphex(vgt_rd(&d, DDI_BUF_CTL_B), ==, 0x80000002);
    vgt_qtest_dpcd_write(&d, 0x100, cfg, 2);
    vgt_qtest_dpcd_write(&d, 0x102, &tps1, 1);
    vgt_qtest_dpcd_read(&d, 0x202, st, 6);
    g_assert_cmphex(st[0], ==, 0x77);                   /* lanes 0, 1 */
    g_assert_cmphex(st[1], ==, 0x00);                   /* 2, 3 unused */
    g_assert_cmphex(st[2] & 1, ==, 1);                  /* aligned */
    g_assert_cmphex(st[4] | st[5], ==, 0);              /* no adjust */
    vgt_qtest_dpcd_read(&d, 0x100, st, 2);
    g_assert_cmpmem(st, 2, cfg, 2);
    /* idle pattern, then normal */
    vgt_wr(&d, DP_TP_CTL_B, 0x80040200);
    g_assert_true(vgt_rd(&d, DP_TP_STATUS_B) & (1u << 25));
    /* disable: the buffer idles at once */
    vgt_wr(&d, DDI_BUF_CTL_B, 0x2);
    g_assert_true(vgt_rd(&d, DDI_BUF_CTL_B) & 0x80);
    vgt_qtest_stop(&d);
}

/* The monitor on DDI D: strap, AUX D answers, AUX B times out. */
static void test_port_d(void)
{
    VgtQtest d;
    uint8_t req[4] = { 0x90, 0, 0, 0 }, reply[20];

    dev_start(&d, ",port=D");
    g_assert_cmphex(vgt_rd(&d, SFUSE_STRAP) & 0xf, ==, 0x1);
    g_assert_true(vgt_rd(&d, SDEISR) & (1u << 23));
    g_assert_false(vgt_rd(&d, SDEISR) & SDE_PORTB_HOTPLUG);
    g_assert_cmpint(vgt_qtest_aux(&d, AUX_CTL_D, req, 4, reply), ==, 2);
    g_assert_cmphex(reply[1], ==, 0x12);
    g_assert_cmpint(vgt_qtest_aux(&d, AUX_CTL_B, req, 4, reply), ==, -1);
    vgt_qtest_stop(&d);
}

/* ---- scan-out ---- */

/* The colour of test pixel (x, y) as 8-bit RGB. */
static void pattern(int x, int y, uint8_t rgb[3])
{
    rgb[0] = x * 5;
    rgb[1] = y * 6;
    rgb[2] = (x ^ y) * 3;
}

static uint32_t pixel_value(int fmt, const uint8_t rgb[3])
{
    if (fmt == FMT_565) {
        return (rgb[0] >> 3) << 11 | (rgb[1] >> 2) << 5 | rgb[2] >> 3;
    }
    if (fmt == FMT_XBGR8888) {
        return rgb[2] << 16 | rgb[1] << 8 | rgb[0];
    }
    if (fmt == FMT_XRGB2101010) {
        /* 10 bits per channel: the 8 bits, then their top two again */
        return (rgb[0] << 2 | rgb[0] >> 6) << 20 |
               (rgb[1] << 2 | rgb[1] >> 6) << 10 | (rgb[2] << 2 | rgb[2] >> 6);
    }
    return rgb[0] << 16 | rgb[1] << 8 | rgb[2];
}

/* What 565 looks like once expanded back to 8 bits (bit replication). */
static void expected_rgb(int fmt, const uint8_t in[3], uint8_t out[3])
{
    if (fmt == FMT_565) {
        uint8_t r = in[0] >> 3, g = in[1] >> 2, b = in[2] >> 3;

        out[0] = r << 3 | r >> 2;
        out[1] = g << 2 | g >> 4;
        out[2] = b << 3 | b >> 2;
        return;
    }
    memcpy(out, in, 3);
}

typedef struct Fb {
    uint64_t gm;            /* GM address of the surface */
    uint32_t stride;
    uint32_t pages;
} Fb;

/*
 * Write a W x H framebuffer of @fmt into guest RAM at FB_GPA (@scattered:
 * its pages in reverse order), mapped at the start of the mappable GM.
 */
static void fb_create(VgtQtest *d, Fb *fb, int fmt, bool tiled, bool scattered)
{
    int cpp = fmt == FMT_565 ? 2 : 4;
    g_autofree uint8_t *img = NULL;
    uint8_t rgb[3];
    uint32_t v, i;
    int x, y;

    fb->stride = tiled ? ROUND_UP(W * cpp, 512) : ROUND_UP(W * cpp, 64);
    fb->pages = DIV_ROUND_UP(ROUND_UP(H, 8) * fb->stride, PAGE);
    fb->gm = d->mbase + 16 * PAGE;
    img = g_malloc0(fb->pages * PAGE);
    for (y = 0; y < H; y++) {
        for (x = 0; x < W; x++) {
            uint32_t xb = x * cpp, o;

            if (tiled) {
                o = (y / 8) * 8 * fb->stride + (xb / 512) * PAGE +
                    (y % 8) * 512 + xb % 512;
            } else {
                o = y * fb->stride + xb;
            }
            pattern(x, y, rgb);
            v = pixel_value(fmt, rgb);
            memcpy(img + o, &v, cpp);   /* little-endian host and guest */
        }
    }
    for (i = 0; i < fb->pages; i++) {
        uint32_t page = scattered ? fb->pages - 1 - i : i;
        uint64_t gpa = FB_GPA + page * PAGE;

        qtest_memwrite(d->qts, gpa, img + i * PAGE, PAGE);
        vgt_gtt_wr(d, fb->gm / PAGE + i, vgt_pte(gpa));
    }
}

/* i915's modeset of pipe A / transcoder A on DDI B, plane on @surf. */
static void modeset(VgtQtest *d, uint64_t surf, uint32_t stride, int fmt,
                    bool tiled)
{
    vgt_qtest_modeset(d, surf, stride, fmt, tiled, W, H);
}

static uint8_t *screendump(VgtQtest *d, int *w, int *h)
{
    return vgt_qtest_screendump(d, w, h);
}

static void check_frame(VgtQtest *d, int fmt)
{
    g_autofree uint8_t *pix = NULL;
    uint8_t rgb[3], want[3];
    int w, h, x, y;

    pix = screendump(d, &w, &h);
    g_assert_cmpint(w, ==, W);
    g_assert_cmpint(h, ==, H);
    for (y = 0; y < H; y++) {
        for (x = 0; x < W; x++) {
            pattern(x, y, rgb);
            expected_rgb(fmt, rgb, want);
            if (memcmp(pix + (y * W + x) * 3, want, 3)) {
                g_error("pixel %d,%d: %02x%02x%02x, expected %02x%02x%02x",
                        x, y, pix[(y * W + x) * 3], pix[(y * W + x) * 3 + 1],
                        pix[(y * W + x) * 3 + 2], want[0], want[1], want[2]);
            }
        }
    }
}

typedef struct ScanoutCase {
    int fmt;
    bool tiled;
    bool scattered;
    const char *console;    /* expected start of the "console" summary */
} ScanoutCase;

static void test_scanout(const void *opaque)
{
    const ScanoutCase *c = opaque;
    g_autofree char *console = NULL;
    g_autofree uint8_t *pix = NULL;
    VgtQtest d;
    Fb fb;
    int w, h;

    dev_start(&d, "");
    /*
     * before the driver: legacy VGA, blank (no BIOS ran), on a surface of
     * the monitor's size
     */
    pix = screendump(&d, &w, &h);
    g_assert_cmpint(w, ==, 1024);
    g_assert_cmpint(h, ==, 768);
    console = vgt_qtest_display_console(&d);
    g_assert_cmpstr(console, ==, "VGA text");
    g_free(console);

    fb_create(&d, &fb, c->fmt, c->tiled, c->scattered);
    modeset(&d, fb.gm, fb.stride, c->fmt, c->tiled);
    check_frame(&d, c->fmt);
    console = vgt_qtest_display_console(&d);
    g_assert_true(g_str_has_prefix(console, c->console));
    /* again: nothing changed, nothing breaks */
    check_frame(&d, c->fmt);
    vgt_qtest_stop(&d);
}

/* The cursor position the device reports for pipe A (its "display"). */
static void check_cursor_qom(VgtQtest *d, int64_t x, int64_t y)
{
    QDict *info = vgt_qtest_qom_dict(d, "display");
    QDict *a = qobject_to(QDict, qlist_peek(qdict_get_qlist(info, "pipes")));

    g_assert_true(qdict_get_bool(a, "cursor"));
    g_assert_cmpint(qdict_get_int(a, "cursor-x"), ==, x);
    g_assert_cmpint(qdict_get_int(a, "cursor-y"), ==, y);
    qobject_unref(info);
}

static void test_cursor(void)
{
    g_autofree uint8_t *pix = NULL;
    g_autofree uint32_t *cur = g_new0(uint32_t, 64 * 64);
    uint64_t cur_gm, cur_gpa = FB_GPA + 4 * MiB;
    uint8_t rgb[3];
    VgtQtest d;
    Fb fb;
    int w, h, x, y, i;

    dev_start(&d, "");
    fb_create(&d, &fb, FMT_XRGB8888, false, false);
    modeset(&d, fb.gm, fb.stride, FMT_XRGB8888, false);
    /* 64x64 ARGB: an opaque red 8x8 square at its top left corner */
    for (y = 0; y < 8; y++) {
        for (x = 0; x < 8; x++) {
            cur[y * 64 + x] = 0xffff0000;
        }
    }
    cur_gm = d.mbase + 256 * PAGE;
    for (i = 0; i < 4; i++) {
        qtest_memwrite(d.qts, cur_gpa + i * PAGE, (uint8_t *)cur + i * PAGE,
                       PAGE);
        vgt_gtt_wr(&d, cur_gm / PAGE + i, vgt_pte(cur_gpa + i * PAGE));
    }
    vgt_wr(&d, CURCNTR_A, 0x27);
    vgt_wr(&d, CURPOS_A, 20 << 16 | 100);
    vgt_wr(&d, CURBASE_A, cur_gm);
    pix = screendump(&d, &w, &h);
    for (y = 0; y < H; y++) {
        for (x = 0; x < W; x++) {
            const uint8_t *p = pix + (y * W + x) * 3;

            if (x >= 100 && x < 108 && y >= 20 && y < 28) {
                g_assert_cmphex(p[0] << 16 | p[1] << 8 | p[2], ==, 0xff0000);
            } else {
                pattern(x, y, rgb);
                g_assert_cmpmem(p, 3, rgb, 3);
            }
        }
    }
    check_cursor_qom(&d, 100, 20);
    /* moved (negative x: partly off screen): the old place is restored */
    g_free(pix);
    vgt_wr(&d, CURPOS_A, 30 << 16 | 1u << 15 | 4);
    pix = screendump(&d, &w, &h);
    check_cursor_qom(&d, -4, 30);
    pattern(100, 20, rgb);
    g_assert_cmpmem(pix + (20 * W + 100) * 3, 3, rgb, 3);
    g_assert_cmphex(pix[(30 * W + 0) * 3], ==, 0xff);
    g_assert_cmphex(pix[(30 * W + 3) * 3 + 1], ==, 0);
    pattern(4, 30, rgb);
    g_assert_cmpmem(pix + (30 * W + 4) * 3, 3, rgb, 3);
    /* off: the plane alone again */
    g_free(pix);
    vgt_wr(&d, CURCNTR_A, 0);
    pix = NULL;
    check_frame(&d, FMT_XRGB8888);
    vgt_qtest_stop(&d);
}

static void test_hotplug(void)
{
    uint8_t req[4] = { 0x90, 0, 0, 0 }, reply[20];
    g_autofree char *console = NULL;
    VgtQtest d;

    dev_start(&d, "");
    /* i915's postinstall and hpd_init for port B */
    vgt_wr(&d, SDEIER, 0xffffffff);
    vgt_wr(&d, SDEIMR, ~(SDE_PORTB_HOTPLUG | SDE_AUX_B | (1u << 17)));
    vgt_wr(&d, DEIER, (1u << 31) | DE_PCH_EVENT);
    vgt_wr(&d, DEIMR, ~((1u << 31) | DE_PCH_EVENT));
    vgt_wr(&d, PCH_PORT_HOTPLUG, 1u << 4);

    vgt_qtest_qom_set_bool(&d, "monitor-connected", false);
    g_assert_false(vgt_rd(&d, SDEISR) & SDE_PORTB_HOTPLUG);
    g_assert_true(vgt_rd(&d, SDEIIR) & SDE_PORTB_HOTPLUG);
    g_assert_true(vgt_rd(&d, DEIIR) & DE_PCH_EVENT);
    g_assert_cmphex(vgt_rd(&d, PCH_PORT_HOTPLUG) & 3, ==, 2);  /* long pulse */
    /* the handler: status written back (W1C), IIRs acked */
    vgt_wr(&d, PCH_PORT_HOTPLUG, vgt_rd(&d, PCH_PORT_HOTPLUG));
    g_assert_cmphex(vgt_rd(&d, PCH_PORT_HOTPLUG), ==, 1u << 4);
    vgt_wr(&d, SDEIIR, SDE_PORTB_HOTPLUG);
    vgt_wr(&d, DEIIR, DE_PCH_EVENT);
    g_assert_cmphex(vgt_rd(&d, DEIIR), ==, 0);
    /* nothing on the AUX channel now */
    g_assert_cmpint(vgt_qtest_aux(&d, AUX_CTL_B, req, 4, reply), ==, -1);
    console = vgt_qtest_display_console(&d);
    g_assert_cmpstr(console, ==, "no display");

    vgt_qtest_qom_set_bool(&d, "monitor-connected", true);
    g_assert_true(vgt_rd(&d, SDEISR) & SDE_PORTB_HOTPLUG);
    g_assert_true(vgt_rd(&d, SDEIIR) & SDE_PORTB_HOTPLUG);
    g_assert_true(vgt_rd(&d, DEIIR) & DE_PCH_EVENT);
    g_assert_cmphex(vgt_rd(&d, PCH_PORT_HOTPLUG) & 3, ==, 2);
    g_assert_cmpint(vgt_qtest_aux(&d, AUX_CTL_B, req, 4, reply), ==, 2);
    g_assert_cmphex(reply[1], ==, 0x12);
    vgt_qtest_stop(&d);
}

/* A plane on GM outside the partition shows black; QEMU stays up. */
static void test_outside_partition(void)
{
    g_autofree uint8_t *pix = NULL;
    VgtQtest d;
    Fb fb;
    int w, h, i;

    dev_start(&d, "");
    fb_create(&d, &fb, FMT_XRGB8888, false, false);
    /* just past this VM's mappable GM, and at GM 0 if that is not ours */
    modeset(&d, d.mbase + d.msize - PAGE, fb.stride, FMT_XRGB8888, false);
    pix = screendump(&d, &w, &h);
    g_assert_cmpint(w, ==, W);
    for (i = 0; i < W * H * 3; i++) {
        g_assert_cmphex(pix[i], ==, 0);
    }
    g_assert_cmpint(vgt_qtest_log_count(&d, "outside this VM's graphics "
                                        "memory"), ==, 1);
    /* back inside: the frame shows */
    vgt_wr(&d, DSPSURF_A, fb.gm);
    qtest_clock_step(d.qts, 50 * SCALE_MS);
    check_frame(&d, FMT_XRGB8888);
    /* a stride that cannot hold a line: nothing shown, one guest error */
    vgt_wr(&d, DSPSTRIDE_A, 64);
    g_free(pix);
    pix = screendump(&d, &w, &h);
    g_assert_cmpint(w, ==, 1024);
    g_free(pix);
    pix = screendump(&d, &w, &h);
    g_assert_cmpint(vgt_qtest_log_count(&d, "stride 64 for 200 pixels"), ==,
                    1);
    vgt_qtest_stop(&d);
}

/*
 * A GTT entry naming a page that is not guest RAM (here: the device's own
 * registers) shows black there, and the display never reads it.
 */
static void test_gtt_not_ram(void)
{
    g_autofree uint8_t *pix = NULL;
    uint8_t rgb[3];
    VgtQtest d;
    Fb fb;
    int w, h, x;

    dev_start(&d, ",x-display-zero-copy=off");
    fb_create(&d, &fb, FMT_XRGB8888, false, false);
    /* the first page: PVINFO's, in BAR0 */
    vgt_gtt_wr(&d, fb.gm / PAGE, vgt_pte(d.bar0.addr + VGT_QTEST_PVINFO));
    modeset(&d, fb.gm, fb.stride, FMT_XRGB8888, false);
    pix = screendump(&d, &w, &h);
    for (x = 0; x < W; x++) {
        g_assert_cmphex(pix[x * 3] | pix[x * 3 + 1] | pix[x * 3 + 2], ==, 0);
        pattern(x, 10, rgb);
        g_assert_cmpmem(pix + (10 * W + x) * 3, 3, rgb, 3);
    }
    g_assert_cmpint(vgt_qtest_log_count(&d, "not guest RAM: shown black"), ==,
                    1);
    vgt_qtest_stop(&d);
}

/*
 * The copy path redraws only the lines that changed; a DSPSURF write on
 * a running pipe shows from the next vblank; "display" tells the mode.
 */
static void test_update_and_flip(void)
{
    g_autofree uint8_t *pix = NULL;
    uint32_t red[W];
    QDict *info, *pipe;
    uint64_t lines;
    VgtQtest d;
    Fb fb;
    int w, h, i;

    dev_start(&d, "");
    fb_create(&d, &fb, FMT_XRGB8888, false, true);
    modeset(&d, fb.gm, fb.stride, FMT_XRGB8888, false);
    check_frame(&d, FMT_XRGB8888);
    info = vgt_qtest_qom_dict(&d, "display");
    lines = qdict_get_int(info, "copied-lines");
    g_assert_cmpuint(lines, ==, H);
    pipe = qobject_to(QDict, qlist_peek(qdict_get_qlist(info, "pipes")));
    g_assert_cmpstr(qdict_get_str(pipe, "mode"), ==, "200x40");
    g_assert_cmpstr(qdict_get_str(pipe, "format"), ==, "XRGB8888");
    g_assert_cmpuint(qdict_get_int(pipe, "surface"), ==, fb.gm);
    g_assert_true(qdict_get_bool(pipe, "drives-monitor"));
    qobject_unref(info);

    /* nothing changed: nothing copied */
    check_frame(&d, FMT_XRGB8888);
    info = vgt_qtest_qom_dict(&d, "display");
    g_assert_cmpuint(qdict_get_int(info, "copied-lines"), ==, lines);
    qobject_unref(info);

    /*
     * A second surface, all red: mapped after the first one; written to
     * DSPSURF while the pipe runs, it shows from the next vblank.
     */
    for (i = 0; i < W; i++) {
        red[i] = 0xff0000;
    }
    for (i = 0; i < fb.pages; i++) {
        uint64_t gpa = FB_GPA + 2 * MiB + i * PAGE;

        vgt_gtt_wr(&d, fb.gm / PAGE + fb.pages + i, vgt_pte(gpa));
    }
    for (i = 0; i < H; i++) {
        /* stride 800: line i at gpa + i * 800, pages in order */
        qtest_memwrite(d.qts, FB_GPA + 2 * MiB + i * fb.stride, red,
                       sizeof(red));
    }
    vgt_wr(&d, DSPSURF_A, fb.gm + fb.pages * PAGE);
    check_frame(&d, FMT_XRGB8888);
    qtest_clock_step(d.qts, 20 * SCALE_MS);
    pix = screendump(&d, &w, &h);
    for (i = 0; i < W * H; i++) {
        g_assert_cmphex(pix[i * 3] << 16 | pix[i * 3 + 1] << 8 |
                        pix[i * 3 + 2], ==, 0xff0000);
    }
    vgt_qtest_stop(&d);
}

/*
 * Legacy VGA, the boot screen.  What a VGA BIOS does for mode 3 (80x25
 * colour text, 9x16 cells), through the legacy ports, then text in the
 * 0xB8000 window.  No font is loaded, so each cell shows its attribute's
 * background colour: that is what the screendump is checked against.
 */
#define VGA_TEXT_W          (80 * 9)
#define VGA_TEXT_H          (25 * 16)

static void vga_idx(VgtQtest *d, uint16_t port, uint8_t idx, uint8_t val)
{
    qtest_outb(d->qts, port, idx);
    qtest_outb(d->qts, port + 1, val);
}

static void vga_text_mode(VgtQtest *d)
{
    static const uint8_t crtc[][2] = {
        { 0x11, 0x00 },     /* CRTC registers writable */
        { 0x01, 79 },       /* horizontal display end: 80 characters */
        { 0x07, 0x1f },     /* overflow: vertical display end bit 8 */
        { 0x09, 0x4f },     /* 16 scan lines per character */
        { 0x12, 0x8f },     /* vertical display end: 400 lines */
        { 0x13, 40 },       /* offset: 80 cells per row */
        { 0x0a, 0x20 },     /* no text cursor */
        { 0x0c, 0 }, { 0x0d, 0 },
        { 0x17, 0xa3 },
    };
    static const uint8_t dac[][3] = {
        { 0, 0, 0 }, { 0, 0, 63 }, { 0, 63, 0 }, { 0, 63, 63 },
        { 63, 0, 0 },
    };
    unsigned i;

    qtest_outb(d->qts, 0x3c2, 0x67);        /* colour: CRTC at 0x3d4 */
    vga_idx(d, 0x3c4, 0x00, 0x03);
    vga_idx(d, 0x3c4, 0x01, 0x00);          /* 9-dot characters */
    vga_idx(d, 0x3c4, 0x02, 0x03);          /* planes 0 and 1 */
    vga_idx(d, 0x3c4, 0x04, 0x02);          /* odd/even */
    for (i = 0; i < ARRAY_SIZE(crtc); i++) {
        vga_idx(d, 0x3d4, crtc[i][0], crtc[i][1]);
    }
    vga_idx(d, 0x3ce, 0x05, 0x10);          /* odd/even */
    vga_idx(d, 0x3ce, 0x06, 0x0e);          /* text at 0xB8000 */
    qtest_inb(d->qts, 0x3da);               /* attribute flip-flop: index */
    for (i = 0; i < 16; i++) {
        qtest_outb(d->qts, 0x3c0, i);
        qtest_outb(d->qts, 0x3c0, i);
    }
    qtest_outb(d->qts, 0x3c0, 0x10);
    qtest_outb(d->qts, 0x3c0, 0x0c);
    qtest_outb(d->qts, 0x3c0, 0x12);
    qtest_outb(d->qts, 0x3c0, 0x0f);
    qtest_outb(d->qts, 0x3c0, 0x20);        /* palette address source: on */
    qtest_outb(d->qts, 0x3c8, 0);
    for (i = 0; i < ARRAY_SIZE(dac); i++) {
        qtest_outb(d->qts, 0x3c9, dac[i][0]);
        qtest_outb(d->qts, 0x3c9, dac[i][1]);
        qtest_outb(d->qts, 0x3c9, dac[i][2]);
    }
    /* row 0 red, row 1 blue, row 24 green, the rest black */
    for (i = 0; i < 80; i++) {
        qtest_writew(d->qts, 0xb8000 + 2 * i, 0x4000 | 'R');
        qtest_writew(d->qts, 0xb8000 + 160 + 2 * i, 0x1000 | 'B');
        qtest_writew(d->qts, 0xb8000 + 24 * 160 + 2 * i, 0x2000 | 'G');
    }
}

static void check_rgb(const uint8_t *pix, int w, int x, int y, uint32_t rgb)
{
    const uint8_t *p = pix + (y * w + x) * 3;
    uint32_t got = p[0] << 16 | p[1] << 8 | p[2];

    if (got != rgb) {
        g_error("pixel %d,%d: %06x, expected %06x", x, y, got, rgb);
    }
}

static void check_vga_text(VgtQtest *d)
{
    g_autofree uint8_t *pix = NULL;
    g_autofree char *console = NULL;
    int w, h;

    pix = screendump(d, &w, &h);
    g_assert_cmpint(w, ==, VGA_TEXT_W);
    g_assert_cmpint(h, ==, VGA_TEXT_H);
    check_rgb(pix, w, 5, 3, 0xff0000);
    check_rgb(pix, w, VGA_TEXT_W - 1, 15, 0xff0000);
    check_rgb(pix, w, 300, 16, 0x0000ff);
    check_rgb(pix, w, 300, 100, 0x000000);
    check_rgb(pix, w, 700, VGA_TEXT_H - 1, 0x00ff00);
    console = vgt_qtest_display_console(d);
    g_assert_cmpstr(console, ==, "VGA text");
    /* the cells are in the VGA memory, as written */
    g_assert_cmphex(qtest_readw(d->qts, 0xb8000 + 160), ==, 0x1000 | 'B');
}

/*
 * From reset the console shows VGA, as a Haswell after POST does: blank
 * until a BIOS programs a mode, then its text.
 */
static void check_vga_from_reset(VgtQtest *d)
{
    g_autofree char *console = NULL;
    g_autofree uint8_t *pix = NULL;
    int w, h;

    g_assert_cmphex(vgt_rd(d, VGT_QTEST_VGACNTRL), ==, 0);
    pix = screendump(d, &w, &h);
    console = vgt_qtest_display_console(d);
    g_assert_cmpstr(console, ==, "VGA text");
    vga_text_mode(d);
    check_vga_text(d);
}

static void test_vga_text(void)
{
    VgtQtest d;

    dev_start(&d, "");
    check_vga_from_reset(&d);
    vgt_qtest_stop(&d);
}

/*
 * i915's hand-over (intel_vga_disable: SR01 screen off, then VGACNTRL
 * bit 31), its modeset on pipe A, then a reset: VGA comes back.
 */
static void test_vga_handover(void)
{
    g_autofree char *console = NULL;
    g_autofree uint8_t *pix = NULL;
    VgtQtest d;
    Fb fb;
    int w, h;

    dev_start(&d, "");
    vga_text_mode(&d);
    check_vga_text(&d);

    qtest_outb(d.qts, 0x3c4, 0x01);
    qtest_outb(d.qts, 0x3c5, qtest_inb(d.qts, 0x3c5) | 0x20);
    vgt_qtest_vga_off(&d);
    g_assert_cmphex(vgt_rd(&d, VGT_QTEST_VGACNTRL), ==,
                    VGT_QTEST_VGA_DISP_DISABLE);
    pix = screendump(&d, &w, &h);
    g_assert_cmpint(w, ==, 1024);
    g_assert_cmpint(h, ==, 768);
    console = vgt_qtest_display_console(&d);
    g_assert_cmpstr(console, ==, "no display");
    g_free(console);

    fb_create(&d, &fb, FMT_XRGB8888, false, false);
    modeset(&d, fb.gm, fb.stride, FMT_XRGB8888, false);
    check_frame(&d, FMT_XRGB8888);
    console = vgt_qtest_display_console(&d);
    g_assert_true(g_str_has_prefix(console, "pipe A"));

    /* the VGA window keeps its contents when VGA is off (as on hardware) */
    g_assert_cmphex(qtest_readw(d.qts, 0xb8000), ==, 0x4000 | 'R');

    qtest_qmp_assert_success(d.qts, "{ 'execute': 'system_reset' }");
    vgt_qtest_map(&d);   /* the reset cleared the BARs */
    check_vga_from_reset(&d);
    vgt_qtest_stop(&d);
}

/*
 * The VGA BIOS is the device's option ROM, with our IDs in its PCI data
 * structure (SeaBIOS runs only a ROM whose IDs match the device).
 */
static void test_vga_rom(void)
{
    uint32_t size, rom, pcir;
    uint64_t addr;
    VgtQtest d;

    dev_start(&d, "");
    qpci_config_writel(d.dev, PCI_ROM_ADDRESS, 0xfffff800);
    size = ~(qpci_config_readl(d.dev, PCI_ROM_ADDRESS) & 0xfffff800) + 1;
    g_assert_cmpuint(size, >=, 32 * KiB);
    addr = QEMU_ALIGN_UP(d.bus->mmio_alloc_ptr, size);
    g_assert_cmpuint(addr + size, <=, d.bus->mmio_limit);
    d.bus->mmio_alloc_ptr = addr + size;
    qpci_config_writel(d.dev, PCI_ROM_ADDRESS, addr | PCI_ROM_ADDRESS_ENABLE);

    rom = addr;
    g_assert_cmphex(qtest_readw(d.qts, rom), ==, 0xaa55);
    pcir = rom + qtest_readw(d.qts, rom + 0x18);
    g_assert_cmphex(qtest_readl(d.qts, pcir), ==, 0x52494350);   /* PCIR */
    g_assert_cmphex(qtest_readw(d.qts, pcir + 4), ==, 0x8086);
    g_assert_cmphex(qtest_readw(d.qts, pcir + 6), ==, 0x0412);
    /* class code: VGA-compatible display controller */
    g_assert_cmphex(qtest_readb(d.qts, pcir + 0xf), ==, 0x03);
    g_assert_cmphex(qtest_readb(d.qts, pcir + 0xe), ==, 0x00);
    vgt_qtest_stop(&d);
}

/* vga=off: no legacy VGA, no VGA BIOS; the console shows the pipes only. */
static void test_vga_off(void)
{
    g_autofree char *console = NULL;
    g_autofree uint8_t *pix = NULL;
    VgtQtest d;
    int w, h;

    dev_start(&d, ",vga=off");
    qpci_config_writel(d.dev, PCI_ROM_ADDRESS, 0xfffff800);
    g_assert_cmphex(qpci_config_readl(d.dev, PCI_ROM_ADDRESS), ==, 0);
    pix = screendump(&d, &w, &h);
    g_assert_cmpint(w, ==, 1024);
    console = vgt_qtest_display_console(&d);
    g_assert_cmpstr(console, ==, "no display");
    /* nothing decodes the VGA registers */
    qtest_outb(d.qts, 0x3c4, 0x02);
    g_assert_cmphex(qtest_inb(d.qts, 0x3c4), !=, 0x02);
    vgt_qtest_stop(&d);
}

/*
 * ---- hostile layouts ----
 *
 * Nothing a guest writes to the plane, pipe or cursor registers may take
 * QEMU down on the next console refresh.  Each case below is written over
 * a good layout (W x H XRGB8888, linear, on the test pattern, cursor off),
 * followed by two screendumps (a refresh each): QEMU answers, the console
 * shows what docs/device.md says, a refused or broken layout logs exactly
 * one guest error however often it is refreshed, and the good layout then
 * comes back.
 */
#define DSPLINOFF_A         0x70184
#define DSPCNTR_ON          (1u << 31)
#define DSPCNTR_TILED       (1u << 10)
#define SRC(w, h)           (((w) - 1u) << 16 | ((h) - 1u))

typedef enum HostileOutcome {
    SHOWN,          /* the plane at w x h (@pattern: the test pattern) */
    BLACK,          /* a black w x h frame: the surface is not this VM's */
    REFUSED,        /* not shown: the placeholder, xres x yres */
} HostileOutcome;

/* What a written value is relative to */
typedef enum HostileBase {
    ABS,            /* the value itself */
    FB,             /* the framebuffer's GM address + value */
    MEND,           /* the end of the VM's mappable GM - value */
} HostileBase;

typedef struct HostileReg {
    uint32_t reg;
    HostileBase base;
    uint32_t value;
} HostileReg;

typedef struct HostileCase {
    const char *what;
    HostileReg regs[5];         /* written in order; ends at reg 0 */
    HostileOutcome outcome;
    int w, h;                   /* SHOWN, BLACK: the console's size */
    bool pattern;               /* SHOWN: exactly the test pattern */
    bool error;                 /* one guest error */
    /* SHOWN: the framebuffer's bytes as linear RGB565 from pixel @x */
    bool raw565;
    int x;
} HostileCase;

#define CNTR(fmt)           (DSPCNTR_ON | (fmt) << 26)

static const HostileCase hostile_cases[] = {
    /*
     * RGB565 lines of an odd number of pixels: QEMU 7.2 aborted here
     * (pixman refuses a console surface whose lines are not whole 32-bit
     * words); an odd x
     */
    { "RGB565 x-tiled, 201 wide",
      { { DSPCNTR_A, ABS, CNTR(FMT_565) | DSPCNTR_TILED },
        { DSPSTRIDE_A, ABS, 512 }, { PIPESRC_A, ABS, SRC(201, H) } },
      SHOWN, 201, H },
    { "RGB565 linear, 201 wide",
      { { DSPCNTR_A, ABS, CNTR(FMT_565) }, { PIPESRC_A, ABS, SRC(201, H) } },
      SHOWN, 201, H, .raw565 = true },
    { "RGB565 linear, 1x1",
      { { DSPCNTR_A, ABS, CNTR(FMT_565) }, { PIPESRC_A, ABS, SRC(1, 1) } },
      SHOWN, 1, 1, .raw565 = true },
    { "RGB565 linear, x offset 1",
      { { DSPCNTR_A, ABS, CNTR(FMT_565) }, { DSPOFFSET_A, ABS, 1 } },
      SHOWN, W, H, .raw565 = true, .x = 1 },
    { "RGB565 linear, 199 wide at x 201",
      { { DSPCNTR_A, ABS, CNTR(FMT_565) }, { PIPESRC_A, ABS, SRC(199, H) },
        { DSPOFFSET_A, ABS, 201 } }, SHOWN, 199, H, .raw565 = true, .x = 201 },
    { "RGB565 linear, 201 wide, with a cursor",
      { { DSPCNTR_A, ABS, CNTR(FMT_565) }, { PIPESRC_A, ABS, SRC(201, H) },
        { CURCNTR_A, ABS, 0x27 } }, SHOWN, 201, H },
    { "RGB565 x-tiled, 8191 wide",
      { { DSPCNTR_A, ABS, CNTR(FMT_565) | DSPCNTR_TILED },
        { DSPSTRIDE_A, ABS, 16384 }, { PIPESRC_A, ABS, SRC(8191, 1) } },
      REFUSED, .error = true },

    /* PIPESRC: 1 .. 8192 pixels each way */
    { "1x1", { { PIPESRC_A, ABS, SRC(1, 1) } }, SHOWN, 1, 1 },
    { "1 wide", { { PIPESRC_A, ABS, SRC(1, H) } }, SHOWN, 1, H },
    { "4096 wide, one line",
      { { PIPESRC_A, ABS, SRC(4096, 1) }, { DSPSTRIDE_A, ABS, 16384 } },
      SHOWN, 4096, 1 },
    { "4096 lines of 1 pixel",
      { { PIPESRC_A, ABS, SRC(1, 4096) }, { DSPSTRIDE_A, ABS, 64 } },
      SHOWN, 1, 4096 },
    { "4096x4096, stride too small",
      { { PIPESRC_A, ABS, SRC(4096, 4096) } }, REFUSED, .error = true },
    { "4097 wide", { { PIPESRC_A, ABS, SRC(4097, H) },
                     { DSPSTRIDE_A, ABS, 32768 } }, REFUSED, .error = true },
    { "4097 lines", { { PIPESRC_A, ABS, SRC(W, 4097) } },
      REFUSED, .error = true },
    { "8192x8192 (all ones)", { { PIPESRC_A, ABS, 0xffffffff },
                                { DSPSTRIDE_A, ABS, 32768 } },
      REFUSED, .error = true },
    { "4096x4096 past the end of the partition",
      { { PIPESRC_A, ABS, SRC(4096, 4096) }, { DSPSTRIDE_A, ABS, 16384 },
        { DSPSURF_A, MEND, 2 * PAGE } }, BLACK, 4096, 4096, .error = true },

    /* DSPSTRIDE */
    { "stride 0", { { DSPSTRIDE_A, ABS, 0 } }, REFUSED, .error = true },
    /* the test pattern's stride is 832: 800 bytes of pixels, padding */
    { "stride low bits (ignored)", { { DSPSTRIDE_A, ABS, 832 + 0x3f } },
      SHOWN, W, H, true },
    { "stride sign bit (ignored)", { { DSPSTRIDE_A, ABS, 0x80000000 | 832 } },
      SHOWN, W, H, true },
    { "stride 800 (low bits: 768)", { { DSPSTRIDE_A, ABS, 800 } },
      REFUSED, .error = true },
    { "stride all ones", { { DSPSTRIDE_A, ABS, 0xffffffff } },
      REFUSED, .error = true },
    { "stride one line short", { { DSPSTRIDE_A, ABS, 768 } },
      REFUSED, .error = true },
    { "stride 32 KiB + 64", { { DSPSTRIDE_A, ABS, 32768 + 64 } },
      REFUSED, .error = true },
    { "stride 32 KiB", { { DSPSTRIDE_A, ABS, 32768 } }, SHOWN, W, H },

    /* DSPSURF, DSPOFFSET (DSPTILEOFF), DSPLINOFF */
    { "surface not page aligned (ignored)", { { DSPSURF_A, FB, 0x123 } },
      SHOWN, W, H, true },
    { "surface at 4 GiB - 4 KiB", { { DSPSURF_A, ABS, 0xfffff000 } },
      BLACK, W, H, .error = true },
    { "surface across the end of the partition",
      { { DSPSURF_A, MEND, PAGE } }, BLACK, W, H, .error = true },
    { "offset 8191,8191", { { DSPOFFSET_A, ABS, 0x1fff1fff } },
      REFUSED, .error = true },
    { "offset 8191 lines past the end of the partition",
      { { DSPSURF_A, MEND, 16 * PAGE }, { DSPOFFSET_A, ABS, 0x1fff0000 } },
      BLACK, W, H, .error = true },
    { "offset wrapping 32 bits",
      { { DSPSURF_A, ABS, 0xffffe000 }, { DSPSTRIDE_A, ABS, 32768 },
        { DSPOFFSET_A, ABS, 0x1fff0000 } }, BLACK, W, H, .error = true },
    { "x offset to the stride's end",
      { { DSPSTRIDE_A, ABS, 32768 }, { DSPOFFSET_A, ABS, 8192 - W } },
      SHOWN, W, H },
    { "DSPLINOFF all ones (unused)", { { DSPLINOFF_A, ABS, 0xffffffff } },
      SHOWN, W, H, true },

    /* X tiling */
    { "x-tiled, stride not whole tiles",
      { { DSPCNTR_A, ABS, CNTR(FMT_XRGB8888) | DSPCNTR_TILED } },
      REFUSED, .error = true },
    { "x-tiled", { { DSPCNTR_A, ABS, CNTR(FMT_XRGB8888) | DSPCNTR_TILED },
                   { DSPSTRIDE_A, ABS, 1024 } }, SHOWN, W, H },
    { "x-tiled, 1023 lines down",
      { { DSPCNTR_A, ABS, CNTR(FMT_XRGB8888) | DSPCNTR_TILED },
        { DSPSTRIDE_A, ABS, 1024 }, { DSPOFFSET_A, ABS, 0x03ff0000 } },
      SHOWN, W, H },

    /* the cursor: modes, position, base */
    { "cursor 64", { { CURCNTR_A, ABS, 0x27 } }, SHOWN, W, H },
    { "cursor 256 on a 1x1 plane",
      { { CURCNTR_A, ABS, 0x23 }, { PIPESRC_A, ABS, SRC(1, 1) } },
      SHOWN, 1, 1 },
    { "cursor 128 at -32767,-32767",
      { { CURCNTR_A, ABS, 0x22 }, { CURPOS_A, ABS, 0xffffffff } },
      SHOWN, W, H, true },
    { "cursor at 32767,32767",
      { { CURCNTR_A, ABS, 0x27 }, { CURPOS_A, ABS, 0x7fff7fff } },
      SHOWN, W, H, true },
    { "cursor one pixel in, top left",
      { { CURCNTR_A, ABS, 0x23 }, { CURPOS_A, ABS, 0x80ff80ff } },
      SHOWN, W, H },
    { "cursor one pixel in, bottom right",
      { { CURCNTR_A, ABS, 0x27 }, { CURPOS_A, ABS, (H - 1) << 16 | (W - 1) } },
      SHOWN, W, H },
    { "cursor at -0,-0", { { CURCNTR_A, ABS, 0x27 },
                           { CURPOS_A, ABS, 0x80008000 } }, SHOWN, W, H },
    { "cursor control all ones", { { CURCNTR_A, ABS, 0xffffffff } },
      SHOWN, W, H },
    { "cursor mode not ARGB", { { CURCNTR_A, ABS, 0x05 } }, SHOWN, W, H, true },
    { "cursor at 4 GiB - 4 KiB",
      { { CURCNTR_A, ABS, 0x27 }, { CURBASE_A, ABS, 0xfffff000 } },
      SHOWN, W, H, .error = true },
    { "cursor 256 across the end of the partition",
      { { CURCNTR_A, ABS, 0x23 }, { CURBASE_A, MEND, 4 * PAGE } },
      SHOWN, W, H, .error = true },
};

typedef struct Hostile {
    VgtQtest d;
    Fb fb;
    uint64_t cur_gm;
} Hostile;

static uint64_t guest_errors(VgtQtest *d)
{
    QDict *stats = vgt_qtest_qom_dict(d, "stats");
    uint64_t n = qdict_get_int(stats, "guest-errors");

    qobject_unref(stats);
    return n;
}

/* The good layout, on the test pattern, and a 64x64 cursor image (off). */
static void hostile_restore(Hostile *t)
{
    VgtQtest *d = &t->d;

    vgt_wr(d, CURCNTR_A, 0);
    vgt_wr(d, CURPOS_A, 0);
    vgt_wr(d, CURBASE_A, t->cur_gm);
    vgt_wr(d, DSPLINOFF_A, 0);
    vgt_qtest_modeset(d, t->fb.gm, t->fb.stride, FMT_XRGB8888, false, W, H);
    qtest_clock_step(d->qts, 20 * SCALE_MS);    /* a vblank latches DSPSURF */
}

/* The test pattern's bytes read as RGB565 from pixel @x0, expanded. */
static void check_raw565(Hostile *t, const char *what, const uint8_t *pix,
                         int w, int h, int x0)
{
    g_autofree uint8_t *fb = g_malloc(t->fb.pages * PAGE);
    int x, y;

    qtest_memread(t->d.qts, FB_GPA, fb, t->fb.pages * PAGE);
    for (y = 0; y < h; y++) {
        for (x = 0; x < w; x++) {
            const uint8_t *p = fb + y * t->fb.stride + (x0 + x) * 2;
            const uint8_t *got = pix + (y * w + x) * 3;
            uint16_t v = p[0] | p[1] << 8;
            uint8_t r = v >> 11, g = (v >> 5) & 0x3f, b = v & 0x1f;
            uint8_t want[3] = { r << 3 | r >> 2, g << 2 | g >> 4,
                                b << 3 | b >> 2 };

            if (memcmp(got, want, 3)) {
                g_error("%s: pixel %d,%d: %02x%02x%02x, expected "
                        "%02x%02x%02x", what, x, y, got[0], got[1], got[2],
                        want[0], want[1], want[2]);
            }
        }
    }
}

static void hostile_check(Hostile *t, const char *what,
                          HostileOutcome outcome, int cw, int ch,
                          bool pattern_shown, bool error,
                          const HostileCase *c)
{
    VgtQtest *d = &t->d;
    g_autofree char *console = NULL;
    uint64_t errors = guest_errors(d);
    int i, n, w, h;

    for (n = 0; n < 2; n++) {
        g_autofree uint8_t *pix = screendump(d, &w, &h);

        if (g_test_verbose()) {
            g_test_message("%s: %dx%d", what, w, h);
        }
        switch (outcome) {
        case REFUSED:
            g_assert_cmpint(w, ==, 1024);
            g_assert_cmpint(h, ==, 768);
            break;
        case BLACK:
            g_assert_cmpint(w, ==, cw);
            g_assert_cmpint(h, ==, ch);
            for (i = 0; i < w * h * 3; i++) {
                if (pix[i]) {
                    g_error("%s: byte %d of the frame is %02x, not black",
                            what, i, pix[i]);
                }
            }
            break;
        case SHOWN:
            g_assert_cmpint(w, ==, cw);
            g_assert_cmpint(h, ==, ch);
            if (c && c->raw565) {
                check_raw565(t, what, pix, w, h, c->x);
            }
            break;
        }
    }
    if (outcome == SHOWN && pattern_shown) {
        check_frame(d, FMT_XRGB8888);
    }
    console = vgt_qtest_display_console(d);
    if (outcome == REFUSED) {
        g_assert_cmpstr(console, ==, "no display");
    } else {
        g_assert_true(g_str_has_prefix(console, "pipe A: "));
    }
    /* one guest error for a layout, however often it is refreshed */
    if (guest_errors(d) != errors + error) {
        g_error("%s: %" PRIu64 " guest errors, expected %d", what,
                guest_errors(d) - errors, error);
    }
}

static void hostile_start(Hostile *t, const char *props)
{
    g_autofree uint32_t *cur = g_new(uint32_t, 64 * 64);
    VgtQtest *d = &t->d;
    int i;

    dev_start(d, props);
    fb_create(d, &t->fb, FMT_XRGB8888, false, false);
    /* a 64x64 half-transparent white cursor, its pages after the fb's */
    for (i = 0; i < 64 * 64; i++) {
        cur[i] = 0x80808080;
    }
    t->cur_gm = d->mbase + 256 * PAGE;
    for (i = 0; i < 4; i++) {
        uint64_t gpa = FB_GPA + 4 * MiB + i * PAGE;

        qtest_memwrite(d->qts, gpa, (uint8_t *)cur + i * PAGE, PAGE);
        vgt_gtt_wr(d, t->cur_gm / PAGE + i, vgt_pte(gpa));
    }
    hostile_restore(t);
    check_frame(d, FMT_XRGB8888);
}

static void test_hostile_layouts(const void *opaque)
{
    const char *props = opaque;
    Hostile t;
    VgtQtest *d = &t.d;
    unsigned i, j, fmt;

    hostile_start(&t, props);
    for (i = 0; i < ARRAY_SIZE(hostile_cases); i++) {
        const HostileCase *c = &hostile_cases[i];

        for (j = 0; j < ARRAY_SIZE(c->regs) && c->regs[j].reg; j++) {
            const HostileReg *r = &c->regs[j];
            uint64_t v = r->value;

            switch (r->base) {
            case ABS:
                break;
            case FB:
                v += t.fb.gm;
                break;
            case MEND:
                v = d->mbase + d->msize - v;
                break;
            }
            vgt_wr(d, r->reg, v);
        }
        qtest_clock_step(d->qts, 20 * SCALE_MS);
        hostile_check(&t, c->what, c->outcome, c->w, c->h, c->pattern,
                      c->error, c);
        hostile_restore(&t);
        check_frame(d, FMT_XRGB8888);
    }

    /*
     * Every DSPCNTR pixel format: the five vgt shows; 8-bit indexed,
     * which Haswell has, is not shown (unimplemented, not a guest error);
     * the reserved values are not shown and are guest errors.
     */
    for (fmt = 0; fmt < 16; fmt++) {
        bool shown = fmt == FMT_565 || fmt == FMT_XRGB8888 || fmt == 8 ||
                     fmt == FMT_XRGB2101010 || fmt == FMT_XBGR8888;
        g_autofree char *what = g_strdup_printf("pixel format %u", fmt);

        vgt_wr(d, DSPCNTR_A, CNTR(fmt));
        hostile_check(&t, what, shown ? SHOWN : REFUSED, W, H,
                      fmt == FMT_XRGB8888, !shown && fmt != 2, NULL);
        hostile_restore(&t);
    }
    check_frame(d, FMT_XRGB8888);
    vgt_qtest_stop(d);
}

/*
 * Legacy VGA with every CRTC, sequencer and graphics register at its
 * extremes: QEMU's VGA code draws something, and answers.
 */
static void test_hostile_vga(void)
{
    static const uint8_t vals[] = { 0x00, 0xff, 0x7f, 0x80, 0x01 };
    g_autofree uint8_t *pix = NULL;
    VgtQtest d;
    unsigned i, r;
    int w, h;

    dev_start(&d, "");
    vga_text_mode(&d);
    check_vga_text(&d);
    for (i = 0; i < ARRAY_SIZE(vals); i++) {
        qtest_outb(d.qts, 0x3c2, vals[i] | 1);
        vga_idx(&d, 0x3d4, 0x11, 0x00);         /* CRTC writable */
        for (r = 0; r < 0x19; r++) {
            if (r != 0x11) {
                vga_idx(&d, 0x3d4, r, vals[i]);
            }
        }
        for (r = 1; r < 5; r++) {
            vga_idx(&d, 0x3c4, r, vals[i]);
        }
        for (r = 0; r < 9; r++) {
            vga_idx(&d, 0x3ce, r, vals[i]);
        }
        qtest_inb(d.qts, 0x3da);
        for (r = 0x10; r < 0x15; r++) {
            qtest_outb(d.qts, 0x3c0, r);
            qtest_outb(d.qts, 0x3c0, vals[i]);
        }
        qtest_outb(d.qts, 0x3c0, 0x20);
        g_free(pix);
        pix = screendump(&d, &w, &h);
        g_assert_cmpint(w, >, 0);
        g_assert_cmpint(h, >, 0);
        g_free(pix);
        pix = screendump(&d, &w, &h);
        qtest_qmp_assert_success(d.qts, "{ 'execute': 'query-status' }");
    }
    /* back to text mode: shown as before */
    vga_text_mode(&d);
    check_vga_text(&d);
    vgt_qtest_stop(&d);
}

static const ScanoutCase cases[] = {
    { FMT_XRGB8888, false, false, "pipe A: 200x40 XRGB8888 linear, zero" },
    { FMT_XRGB8888, false, true, "pipe A: 200x40 XRGB8888 linear, copy" },
    { FMT_565, false, true, "pipe A: 200x40 RGB565 linear, copy" },
    { FMT_565, false, false, "pipe A: 200x40 RGB565 linear, zero" },
    { FMT_XRGB8888, true, true, "pipe A: 200x40 XRGB8888 x-tiled, copy" },
    { FMT_565, true, false, "pipe A: 200x40 RGB565 x-tiled, copy" },
    { FMT_XBGR8888, false, false, "pipe A: 200x40 XBGR8888 linear, zero" },
    { FMT_XRGB2101010, true, true,
      "pipe A: 200x40 XRGB2101010 x-tiled, copy" },
};

static const char *const case_names[] = {
    "linear-8888-contiguous", "linear-8888-scattered",
    "linear-565-scattered", "linear-565-contiguous",
    "xtiled-8888-scattered", "xtiled-565-contiguous",
    "linear-xbgr8888-contiguous", "xtiled-2101010-scattered",
};

int main(int argc, char **argv)
{
    unsigned i;

    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/vgt/display/edid-aux-gmbus", test_edid_aux);
    qtest_add_func("/vgt/display/link-training", test_link_training);
    qtest_add_func("/vgt/display/port-d", test_port_d);
    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        g_autofree char *name = g_strdup_printf("/vgt/display/scanout/%s",
                                                case_names[i]);

        qtest_add_data_func(name, &cases[i], test_scanout);
    }
    qtest_add_func("/vgt/display/update-and-flip", test_update_and_flip);
    qtest_add_func("/vgt/display/cursor", test_cursor);
    qtest_add_func("/vgt/display/hotplug", test_hotplug);
    qtest_add_func("/vgt/display/outside-partition", test_outside_partition);
    qtest_add_func("/vgt/display/gtt-not-ram", test_gtt_not_ram);
    qtest_add_func("/vgt/display/vga-text", test_vga_text);
    qtest_add_func("/vgt/display/vga-handover", test_vga_handover);
    qtest_add_func("/vgt/display/vga-rom", test_vga_rom);
    qtest_add_func("/vgt/display/vga-off", test_vga_off);
    qtest_add_data_func("/vgt/display/hostile-layouts/zero-copy", "",
                        test_hostile_layouts);
    qtest_add_data_func("/vgt/display/hostile-layouts/copy",
                        ",x-display-zero-copy=off", test_hostile_layouts);
    qtest_add_func("/vgt/display/hostile-vga", test_hostile_vga);
    return g_test_run();
}
