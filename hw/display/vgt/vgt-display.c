/*
 * vgt: what the VM's virtual monitor shows, on the VM's QEMU graphic
 * console (screendump, VNC...): the primary plane of the pipe that drives
 * the monitor's DDI port, with its cursor on top; and the monitor's EDID,
 * from QEMU's generator at the "xres" x "yres" preferred mode.
 *
 * The pipe shown is the first enabled one whose transcoder sends to the
 * monitor's port (TRANS_DDI_FUNC_CTL) with its primary plane enabled
 * (DSPCNTR).  Its size is PIPESRC, its format DSPCNTR's (XRGB/XBGR 8888,
 * RGB 565, XRGB/XBGR 2101010), linear or X-tiled, DSPSTRIDE bytes per
 * line (per tile row), starting at the latched DSPSURF (DSPSURFLIVE) plus
 * DSPOFFSET's (x, y).  Surface addresses are graphics memory (GM)
 * addresses, translated page by page through the guest's GGTT entries to
 * guest RAM (vgt-gtt-walk.c); a surface that leaves this VM's GM
 * partition shows black and is reported once as a guest error, as is a
 * page that is not guest RAM.
 *
 * A linear surface on pages contiguous in guest RAM, in a format pixman
 * knows and with no cursor on it, is shown in place (zero-copy: the
 * console surface points into guest RAM, every refresh redraws it).
 * Otherwise each refresh gathers the lines through the GTT (and detiles
 * them), compares each with what the console has and redraws only the
 * lines that changed; the cursor (64/128/256 ARGB, CURCNTR/CURBASE/
 * CURPOS) is composited there.  Before the guest enables a display, or
 * while the monitor is unplugged, the console shows a placeholder saying
 * so.
 *
 * Whatever the guest writes, the console only ever gets surfaces QEMU and
 * pixman take: at most 4096 x 4096 (Haswell's pipes), lines of whole
 * 32-bit words, pixels in guest RAM 4-byte aligned (zero-copy) or in the
 * console's own buffer.  A plane that cannot be shown (reserved format,
 * PIPESRC beyond 4096, a stride that cannot hold a line) shows the
 * placeholder and is reported once, not at every frame.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/timer.h"
#include "qapi/error.h"
#include "qapi/visitor.h"
#include "exec/address-spaces.h"
#include "hw/display/edid.h"
#include "ui/console.h"
#include "vgt-internal.h"
#include "../vga_regs.h"
#include "trace.h"

static const struct VgtFormat {
    uint32_t field;             /* DSPCNTR & DISP_FORMAT_MASK */
    pixman_format_code_t pixman;
    unsigned cpp;
    const char *name;
} vgt_formats[] = {
    { DISP_FORMAT_BGRX565, PIXMAN_r5g6b5, 2, "RGB565" },
    { DISP_FORMAT_BGRX888, PIXMAN_x8r8g8b8, 4, "XRGB8888" },
    { DISP_FORMAT_RGBX101010, PIXMAN_x2b10g10r10, 4, "XBGR2101010" },
    { DISP_FORMAT_BGRX101010, PIXMAN_x2r10g10b10, 4, "XRGB2101010" },
    { DISP_FORMAT_RGBX888, PIXMAN_x8b8g8r8, 4, "XBGR8888" },
};

/* Haswell's pipes are at most 4096 x 4096 (PIPESRC's fields hold 8192) */
#define VGT_PIPE_MAX_SRC            4096u

/* The one primary plane format Haswell has that vgt does not show. */
#define VGT_DISP_FORMAT_C8          (2u << DISP_FORMAT_SHIFT)

static const struct VgtFormat *vgt_format(uint32_t field)
{
    unsigned i;

    for (i = 0; i < ARRAY_SIZE(vgt_formats); i++) {
        if (vgt_formats[i].field == field) {
            return &vgt_formats[i];
        }
    }
    return NULL;
}

/*
 * Why vgt_scanout_decode() found nothing to show, or (the last two) what
 * vgt_display_render() found wrong.  In bits 63:56 of the last bad layout
 * reported (VgtConsole.bad_surface): never 0 there.
 */
typedef enum VgtRefusal {
    VGT_SCANOUT_OK,
    VGT_SCANOUT_OFF,            /* the plane is disabled */
    VGT_SCANOUT_UNIMP,          /* 8-bit indexed (LOG_UNIMP) */
    VGT_SCANOUT_RESERVED,       /* reserved pixel format */
    VGT_SCANOUT_SIZE,           /* PIPESRC beyond Haswell's pipes */
    VGT_SCANOUT_STRIDE,         /* DSPSTRIDE cannot hold a line */
    VGT_SCANOUT_OUTSIDE,        /* surface outside the VM's GM: black */
    VGT_CURSOR_OUTSIDE,         /* cursor outside the VM's GM: not shown */
} VgtRefusal;

#define VGT_BAD_KEY(why, value)     ((uint64_t)(why) << 56 | (value))

/* What one pipe scans out, decoded from its registers. */
typedef struct VgtScanout {
    int pipe;
    VgtRefusal refusal;
    uint32_t src, cntr, off;    /* PIPESRC, DSPCNTR, DSPOFFSET as written */
    uint32_t width, height, stride;
    const struct VgtFormat *fmt;
    uint32_t format_field;
    uint64_t surf;              /* GM address of the surface */
    uint32_t x, y;              /* DSPOFFSET */
    bool tiled;
    uint64_t start, len;        /* GM range the scan-out reads */
} VgtScanout;

static bool vgt_pipe_drives_monitor(VgtState *s, unsigned p)
{
    uint32_t func = vgt_vreg(s, TRANS_DDI_FUNC_CTL(p));

    return s->display.pipe[p].enabled && (func & TRANS_DDI_FUNC_ENABLE) &&
           (func & TRANS_DDI_PORT_MASK) >> TRANS_DDI_PORT_SHIFT ==
           s->display.port;
}

/* Decode pipe @p's primary plane; false (and @why) if nothing to show. */
static bool vgt_scanout_decode(VgtState *s, unsigned p, VgtScanout *so,
                               const char **why)
{
    uint32_t cntr = vgt_vreg(s, DSPCNTR(p));
    uint32_t src = vgt_vreg(s, PIPESRC(p));
    uint32_t off = vgt_vreg(s, DSPOFFSET(p));
    uint64_t line;

    memset(so, 0, sizeof(*so));
    so->pipe = p;
    so->src = src;
    so->cntr = cntr;
    so->off = off;
    if (!(cntr & DISP_ENABLE)) {
        so->refusal = VGT_SCANOUT_OFF;
        *why = "the primary plane is disabled";
        return false;
    }
    so->width = PIPESRC_WIDTH(src);
    so->height = PIPESRC_HEIGHT(src);
    so->stride = vgt_vreg(s, DSPSTRIDE(p)) & DSPSTRIDE_MASK;
    so->format_field = cntr & DISP_FORMAT_MASK;
    so->fmt = vgt_format(so->format_field);
    so->surf = s->display.pipe[p].surf_live & ~0xfffu;
    so->x = DSPOFFSET_X(off);
    so->y = DSPOFFSET_Y(off);
    so->tiled = cntr & DISP_TILED;
    if (!so->fmt) {
        if (so->format_field == VGT_DISP_FORMAT_C8) {
            so->refusal = VGT_SCANOUT_UNIMP;
            *why = "8-bit indexed pixels are not shown";
        } else {
            so->refusal = VGT_SCANOUT_RESERVED;
            *why = "reserved pixel format";
        }
        return false;
    }
    if (so->width > VGT_PIPE_MAX_SRC || so->height > VGT_PIPE_MAX_SRC) {
        so->refusal = VGT_SCANOUT_SIZE;
        *why = "the pipe source is larger than 4096x4096";
        return false;
    }
    line = (uint64_t)(so->x + so->width) * so->fmt->cpp;
    if (!so->stride || so->stride > HSW_MAX_STRIDE || line > so->stride ||
        (so->tiled && so->stride % HSW_TILE_X_WIDTH)) {
        so->refusal = VGT_SCANOUT_STRIDE;
        *why = "stride does not fit the plane";
        return false;
    }
    if (so->tiled) {
        so->start = so->surf;
        so->len = (uint64_t)ROUND_UP(so->y + so->height, HSW_TILE_X_ROWS) *
                  so->stride;
    } else {
        so->start = so->surf + (uint64_t)so->y * so->stride +
                    so->x * so->fmt->cpp;
        so->len = (uint64_t)(so->height - 1) * so->stride +
                  so->width * so->fmt->cpp;
    }
    so->refusal = VGT_SCANOUT_OK;
    return true;
}

/*
 * Bytes per line of the console's own copy of the plane: pixman takes
 * whole 32-bit words only (an odd number of RGB565 pixels is not).
 */
static size_t vgt_scanout_pitch(const VgtScanout *so)
{
    return ROUND_UP((size_t)so->width * so->fmt->cpp, 4);
}

/*
 * Report a plane vgt_scanout_decode() refused: once for a layout, not at
 * every frame; a guest error, but for the format Haswell has and vgt does
 * not show.
 */
static void vgt_scanout_refused(VgtState *s, const VgtScanout *so,
                                const char *why)
{
    VgtConsole *d = &s->display.console;
    char pipe = 'A' + so->pipe;
    uint64_t key;

    switch (so->refusal) {
    case VGT_SCANOUT_UNIMP:
    case VGT_SCANOUT_RESERVED:
        key = so->format_field;
        break;
    case VGT_SCANOUT_SIZE:
        key = so->src;
        break;
    case VGT_SCANOUT_STRIDE:
        /* 18 + 13 + 12 + 3 + 1 bits */
        key = so->stride | (uint64_t)so->x << 18 |
              (uint64_t)(so->width - 1) << 31 |
              (uint64_t)so->fmt->cpp << 44 | (uint64_t)so->tiled << 47;
        break;
    default:
        return;
    }
    key = VGT_BAD_KEY(so->refusal, key);
    if (d->bad_surface == key) {
        return;
    }
    d->bad_surface = key;
    trace_vgt_display_refused(so->pipe, why, so->src, so->cntr, so->stride,
                              so->off, so->surf);
    switch (so->refusal) {
    case VGT_SCANOUT_UNIMP:
        qemu_log_mask(LOG_UNIMP, "vgt: display: pipe %c pixel format %u "
                      "(8-bit indexed) not shown\n", pipe,
                      so->format_field >> DISP_FORMAT_SHIFT);
        return;
    case VGT_SCANOUT_RESERVED:
        qemu_log_mask(LOG_GUEST_ERROR, "vgt: display: pipe %c pixel format "
                      "%u is reserved: not shown\n", pipe,
                      so->format_field >> DISP_FORMAT_SHIFT);
        break;
    case VGT_SCANOUT_SIZE:
        qemu_log_mask(LOG_GUEST_ERROR, "vgt: display: pipe %c source %ux%u "
                      "is larger than Haswell's %ux%u: not shown\n", pipe,
                      so->width, so->height, VGT_PIPE_MAX_SRC,
                      VGT_PIPE_MAX_SRC);
        break;
    default:
        /* enabled, known format, but the stride cannot hold a line */
        qemu_log_mask(LOG_GUEST_ERROR, "vgt: display: pipe %c stride %u "
                      "for %u pixels of %s at x %u%s: not shown\n",
                      pipe, so->stride, so->width, so->fmt->name, so->x,
                      so->tiled ? " (X-tiled: a multiple of 512)" : "");
        break;
    }
    s->stats.guest_errors++;
}

/*
 * Host pointers of the guest RAM pages [gpa, gpa + n pages) into @pages;
 * false if they are not one run of guest RAM.  On success *mr, if @mr is
 * not NULL, is the RAM region holding them (referenced).
 */
static bool vgt_ram_run(uint64_t gpa, uint64_t n, uint8_t **pages,
                        MemoryRegion **mr)
{
    uint64_t len = n * VGT_PAGE_SIZE, k;
    MemoryRegionSection sec;
    uint8_t *host;
    bool ram;

    sec = memory_region_find(get_system_memory(), gpa, len);
    ram = sec.mr && memory_region_is_ram(sec.mr) &&
          !memory_region_is_rom(sec.mr) &&
          !memory_region_is_ram_device(sec.mr) &&
          int128_get64(sec.size) == len;
    if (!ram) {
        if (sec.mr) {
            memory_region_unref(sec.mr);
        }
        return false;
    }
    host = (uint8_t *)memory_region_get_ram_ptr(sec.mr) +
           sec.offset_within_region;
    for (k = 0; k < n; k++) {
        pages[k] = host + k * VGT_PAGE_SIZE;
    }
    if (mr) {
        *mr = sec.mr;
    } else {
        memory_region_unref(sec.mr);
    }
    return true;
}

/*
 * Host pointers of the guest RAM pages behind GM pages [first, first + n),
 * NULL where there is none.  Returns true if they are one contiguous run
 * of guest RAM; then *mr (referenced) is the RAM region holding it.
 */
static bool vgt_gm_pages(VgtState *s, uint64_t first, uint64_t n,
                         uint8_t **pages, MemoryRegion **mr)
{
    uint64_t i = 0, k, run, gpa;
    VgtGmPages it;

    *mr = NULL;
    vgt_gm_pages_begin(&it, s, first, n);
    while (vgt_gm_pages_next(&it, &gpa, &run)) {
        if (gpa == VGT_GM_UNMAPPED) {
            pages[i++] = NULL;
            continue;
        }
        if (run == n && vgt_ram_run(gpa, run, pages, mr)) {
            return true;    /* the whole range: keep the reference */
        }
        if (run < n && vgt_ram_run(gpa, run, pages + i, NULL)) {
            i += run;
            continue;
        }
        /* the run crosses regions: look at its pages one by one */
        for (k = 0; k < run; k++, i++) {
            if (run > 1 && vgt_ram_run(gpa + k * VGT_PAGE_SIZE, 1,
                                       pages + i, NULL)) {
                continue;
            }
            /* not RAM: nothing the display may read */
            pages[i] = NULL;
            if (!s->display.console.errors++) {
                s->stats.guest_errors++;
                qemu_log_mask(LOG_GUEST_ERROR, "vgt: display: GM page "
                              "0x%" PRIx64 " maps guest address 0x%" PRIx64
                              ", not guest RAM: shown black\n",
                              (first + i) << VGT_PAGE_SHIFT,
                              gpa + k * VGT_PAGE_SIZE);
            }
        }
    }
    return false;
}

/* @n bytes at byte @o of the page list into @dst (black where unmapped) */
static void vgt_gather(uint8_t **pages, uint64_t o, uint8_t *dst, size_t n)
{
    while (n) {
        size_t off = o & (VGT_PAGE_SIZE - 1);
        size_t chunk = MIN(n, VGT_PAGE_SIZE - off);
        uint8_t *page = pages[o >> VGT_PAGE_SHIFT];

        if (page) {
            memcpy(dst, page + off, chunk);
        } else {
            memset(dst, 0, chunk);
        }
        dst += chunk;
        o += chunk;
        n -= chunk;
    }
}

/* Line @y of the plane into @dst: linear, or through X tiles. */
static void vgt_gather_line(const VgtScanout *so, uint8_t **pages,
                            uint32_t y, uint8_t *dst)
{
    uint64_t row = so->y + y;
    uint64_t xb = (uint64_t)so->x * so->fmt->cpp;
    size_t n = (size_t)so->width * so->fmt->cpp;

    if (!so->tiled) {
        vgt_gather(pages, (so->start & (VGT_PAGE_SIZE - 1)) +
                   (uint64_t)y * so->stride, dst, n);
        return;
    }
    while (n) {
        size_t within = xb % HSW_TILE_X_WIDTH;
        size_t chunk = MIN(n, HSW_TILE_X_WIDTH - within);
        uint64_t o = (row / HSW_TILE_X_ROWS) * HSW_TILE_X_ROWS * so->stride +
                     (xb / HSW_TILE_X_WIDTH) * VGT_PAGE_SIZE +
                     (row % HSW_TILE_X_ROWS) * HSW_TILE_X_WIDTH + within;

        vgt_gather(pages, o, dst, chunk);
        dst += chunk;
        xb += chunk;
        n -= chunk;
    }
}

static void vgt_display_free_backing(MemoryRegion *mr, uint8_t *buf,
                                     uint8_t *line)
{
    if (mr) {
        memory_region_unref(mr);
    }
    g_free(buf);
    g_free(line);
}

/* Put @surface on the console; what the old one showed is then freed. */
static void vgt_display_replace(VgtState *s, DisplaySurface *surface,
                                MemoryRegion *mr, uint8_t *buf)
{
    VgtConsole *d = &s->display.console;
    MemoryRegion *old_mr = d->mr;
    uint8_t *old_buf = d->buf, *old_line = d->line;

    d->mr = mr;
    d->buf = buf;
    d->line = NULL;
    dpy_gfx_replace_surface(d->con, surface);
    vgt_display_free_backing(old_mr, old_buf, old_line);
}

static void vgt_display_placeholder(VgtState *s, const char *why)
{
    VgtConsole *d = &s->display.console;
    g_autofree char *msg = NULL;

    if (d->pipe == VGT_CONSOLE_PLACEHOLDER && !d->invalidate &&
        d->shown_why == why) {
        return;
    }
    msg = g_strdup_printf("vgt: %s", why);
    trace_vgt_display_placeholder(why);
    d->pipe = VGT_CONSOLE_PLACEHOLDER;
    d->shown_why = why;
    d->invalidate = false;
    vgt_display_replace(s, qemu_create_placeholder_surface(s->conf.xres,
                                                           s->conf.yres, msg),
                        NULL, NULL);
}

/* CURPOS of pipe @p: sign-magnitude x and y of the cursor's top left. */
static void vgt_cursor_pos(VgtState *s, unsigned p, int *x, int *y)
{
    uint32_t pos = vgt_vreg(s, CURPOS(p));

    *x = pos & CURSOR_POS_X_MASK;
    *y = (pos & CURSOR_POS_Y_MASK) >> CURSOR_POS_Y_SHIFT;
    if (pos & CURSOR_POS_X_SIGN) {
        *x = -*x;
    }
    if (pos & CURSOR_POS_Y_SIGN) {
        *y = -*y;
    }
}

/* The cursor of pipe @p on the copy-path surface; returns its lines. */
static bool vgt_cursor_draw(VgtState *s, const VgtScanout *so,
                            int *cy, int *ch)
{
    VgtConsole *d = &s->display.console;
    uint32_t cntr = vgt_vreg(s, CURCNTR(so->pipe));
    uint32_t base = vgt_vreg(s, CURBASE(so->pipe)) & ~0xfffu;
    g_autofree uint8_t **pages = NULL;
    g_autofree uint8_t *pixels = NULL;
    pixman_image_t *src, *dst;
    MemoryRegion *mr;
    unsigned size;
    int x, y;

    switch (cntr & MCURSOR_MODE_MASK) {
    case MCURSOR_MODE_64_ARGB_AX:
        size = 64;
        break;
    case MCURSOR_MODE_128_ARGB_AX:
        size = 128;
        break;
    case MCURSOR_MODE_256_ARGB_AX:
        size = 256;
        break;
    default:
        return false;
    }
    vgt_cursor_pos(s, so->pipe, &x, &y);
    if (x >= (int)so->width || y >= (int)so->height ||
        x + (int)size <= 0 || y + (int)size <= 0) {
        return false;
    }
    if (!vgt_gm_is_ours(s, base, size * size * 4)) {
        if (d->bad_surface != VGT_BAD_KEY(VGT_CURSOR_OUTSIDE, base)) {
            d->bad_surface = VGT_BAD_KEY(VGT_CURSOR_OUTSIDE, base);
            trace_vgt_display_cursor_refused(so->pipe, base, size);
            s->stats.guest_errors++;
            qemu_log_mask(LOG_GUEST_ERROR, "vgt: display: pipe %c cursor at "
                          "GM 0x%08x is outside this VM's graphics memory: "
                          "not shown\n", 'A' + so->pipe, base);
        }
        return false;
    }
    pages = g_new(uint8_t *, size * size * 4 / VGT_PAGE_SIZE);
    pixels = g_malloc(size * size * 4);
    vgt_gm_pages(s, base >> VGT_PAGE_SHIFT, size * size * 4 / VGT_PAGE_SIZE,
                 pages, &mr);
    if (mr) {
        memory_region_unref(mr);
    }
    vgt_gather(pages, 0, pixels, size * size * 4);

    /* ARGB, premultiplied, over the plane */
    src = pixman_image_create_bits(PIXMAN_a8r8g8b8, size, size,
                                   (uint32_t *)pixels, size * 4);
    dst = pixman_image_create_bits(so->fmt->pixman, so->width, so->height,
                                   (uint32_t *)d->buf, vgt_scanout_pitch(so));
    if (!src || !dst) {
        /* not for any layout vgt_scanout_decode() lets through */
        if (src) {
            pixman_image_unref(src);
        }
        if (dst) {
            pixman_image_unref(dst);
        }
        return false;
    }
    pixman_image_composite(PIXMAN_OP_OVER, src, NULL, dst, 0, 0, 0, 0,
                           x, y, size, size);
    pixman_image_unref(src);
    pixman_image_unref(dst);
    trace_vgt_display_cursor(so->pipe, x, y, size);
    *cy = MAX(y, 0);
    *ch = MIN(y + (int)size, (int)so->height) - *cy;
    return true;
}

static bool vgt_cursor_visible(VgtState *s, unsigned p)
{
    uint32_t cntr = vgt_vreg(s, CURCNTR(p));

    return (cntr & MCURSOR_MODE_MASK) != 0;
}

/* Redraw the console from pipe @so (copy path or zero-copy). */
/*
 * What the console now shows, for the "display" property and the next
 * frame's geometry check.
 */
static void vgt_display_shown(VgtConsole *d, const VgtScanout *so,
                              bool zero_copy)
{
    d->pipe = so->pipe;
    d->width = so->width;
    d->height = so->height;
    d->format = so->format_field;
    d->stride = so->stride;
    d->base = so->start;
    d->tiled = so->tiled;
    d->zero_copy = zero_copy;
    d->updates++;
}

static void vgt_display_render(VgtState *s, const VgtScanout *so, bool force)
{
    VgtConsole *d = &s->display.console;
    uint64_t first = so->start >> VGT_PAGE_SHIFT;
    uint64_t npages = ((so->start + so->len + VGT_PAGE_SIZE - 1) >>
                       VGT_PAGE_SHIFT) - first;
    g_autofree uint8_t **pages = g_new(uint8_t *, npages);
    size_t linelen = (size_t)so->width * so->fmt->cpp;
    size_t pitch = vgt_scanout_pitch(so);
    bool zero_copy, geometry, outside;
    int dirty_from = -1, cy = 0, ch = 0;
    MemoryRegion *mr = NULL;
    uint8_t *host = NULL;
    uint32_t y;

    outside = !vgt_gm_is_ours(s, so->start, so->len);
    if (outside) {
        if (d->bad_surface != VGT_BAD_KEY(VGT_SCANOUT_OUTSIDE, so->surf)) {
            d->bad_surface = VGT_BAD_KEY(VGT_SCANOUT_OUTSIDE, so->surf);
            trace_vgt_display_refused(so->pipe, "outside the VM's GM: black",
                                      so->src, so->cntr, so->stride, so->off,
                                      so->surf);
            s->stats.guest_errors++;
            qemu_log_mask(LOG_GUEST_ERROR, "vgt: display: pipe %c surface at "
                          "GM 0x%" PRIx64 " (+0x%" PRIx64 " bytes) is outside "
                          "this VM's graphics memory: shows nothing\n",
                          'A' + so->pipe, so->start, so->len);
        }
        memset(pages, 0, npages * sizeof(*pages));
    } else if (vgt_gm_pages(s, first, npages, pages, &mr)) {
        host = pages[0] + (so->start & (VGT_PAGE_SIZE - 1));
    }
    /*
     * pixman's pixels are uint32_t *: in place only from a 4-byte aligned
     * start (DSPSTRIDE is a multiple of 64), so not RGB565 from an odd x
     */
    zero_copy = mr && !so->tiled && d->zero_copy_allowed &&
                !((uintptr_t)host & 3) && !vgt_cursor_visible(s, so->pipe);

    geometry = d->pipe != so->pipe || d->width != so->width ||
               d->height != so->height || d->format != so->format_field ||
               d->zero_copy != zero_copy;
    if (zero_copy) {
        if (geometry || d->stride != so->stride ||
            d->base != so->start || surface_data(qemu_console_surface(
                d->con)) != host) {
            DisplaySurface *ds = qemu_create_displaysurface_from(
                so->width, so->height, so->fmt->pixman, so->stride, host);

            vgt_display_replace(s, ds, mr, NULL);
            mr = NULL;
            trace_vgt_display_surface(so->pipe, so->width, so->height,
                                      so->fmt->name, so->stride, so->start,
                                      so->tiled, true);
        }
        if (mr) {
            memory_region_unref(mr);
        }
        vgt_display_shown(d, so, true);
        /* where the guest wrote cannot be known without dirty logging */
        dpy_gfx_update_full(d->con);
        return;
    }
    if (mr) {
        memory_region_unref(mr);
    }

    if (geometry || !d->buf) {
        /* up to 4096 lines of 16 KiB: refuse rather than abort */
        uint8_t *buf = g_try_malloc0(pitch * so->height);

        if (!buf) {
            trace_vgt_display_no_memory(so->pipe, pitch * so->height);
            vgt_display_placeholder(s, "no host memory for the plane");
            return;
        }
        vgt_display_replace(s, qemu_create_displaysurface_from(
                                so->width, so->height, so->fmt->pixman,
                                pitch, buf), NULL, buf);
        trace_vgt_display_surface(so->pipe, so->width, so->height,
                                  so->fmt->name, so->stride, so->start,
                                  so->tiled, false);
        force = true;
    }
    if (!d->line) {
        d->line = g_malloc(linelen);
    }
    vgt_display_shown(d, so, false);

    /* Gather each line; redraw the runs of lines that changed. */
    for (y = 0; y <= so->height; y++) {
        bool changed = false;

        if (y < so->height) {
            uint8_t *out = d->buf + (size_t)y * pitch;

            if (outside) {
                memset(d->line, 0, linelen);
            } else {
                vgt_gather_line(so, pages, y, d->line);
            }
            changed = force || memcmp(d->line, out, linelen);
            if (changed) {
                memcpy(out, d->line, linelen);
                d->copied_lines++;
            }
        }
        if (changed && dirty_from < 0) {
            dirty_from = y;
        } else if (!changed && dirty_from >= 0) {
            dpy_gfx_update(d->con, 0, dirty_from, so->width, y - dirty_from);
            dirty_from = -1;
        }
    }
    if (!outside && vgt_cursor_draw(s, so, &cy, &ch) && ch > 0) {
        dpy_gfx_update(d->con, 0, cy, so->width, ch);
    }
}

/*
 * Legacy VGA on the console.  Coming from a pipe, the surface may show
 * guest RAM in place (zero copy): it is replaced by one of the console's
 * own first, so that the VGA code never draws into guest memory.
 */
static void vgt_display_show_vga(VgtState *s)
{
    VgtConsole *d = &s->display.console;

    if (d->pipe != VGT_CONSOLE_VGA) {
        trace_vgt_display_vga(true);
        vgt_display_replace(s, qemu_create_placeholder_surface(
                                s->conf.xres, s->conf.yres, "vgt: VGA"),
                            NULL, NULL);
        d->pipe = VGT_CONSOLE_VGA;
        d->shown_why = NULL;
        d->invalidate = true;
    }
    if (d->invalidate) {
        d->invalidate = false;
        vgt_vga_invalidate(s);
    }
    vgt_vga_update(s);
}

static void vgt_display_update(void *opaque)
{
    VgtState *s = opaque;
    VgtConsole *d = &s->display.console;
    const char *why = "the guest has not enabled a display";
    VgtScanout so;
    unsigned p;
    bool force = d->invalidate;

    if (!s->display.monitor_connected) {
        vgt_display_placeholder(s, "monitor disconnected");
        return;
    }
    if (vgt_vga_enabled(s)) {
        vgt_display_show_vga(s);
        return;
    }
    if (d->pipe == VGT_CONSOLE_VGA) {
        trace_vgt_display_vga(false);
    }
    for (p = 0; p < VGT_NPIPES; p++) {
        if (!vgt_pipe_drives_monitor(s, p)) {
            continue;
        }
        if (vgt_scanout_decode(s, p, &so, &why)) {
            d->invalidate = false;
            vgt_display_render(s, &so, force);
            return;
        }
        vgt_scanout_refused(s, &so, why);
        break;
    }
    vgt_display_placeholder(s, why);
}

static void vgt_display_invalidate(void *opaque)
{
    VgtState *s = opaque;

    s->display.console.invalidate = true;
}

/* Text consoles (-display curses) see VGA text modes only. */
static void vgt_display_text_update(void *opaque, console_ch_t *chardata)
{
    VgtState *s = opaque;

    if (s->display.monitor_connected && vgt_vga_enabled(s)) {
        vgt_vga_text_update(s, chardata);
    }
}

static const GraphicHwOps vgt_display_ops = {
    .invalidate = vgt_display_invalidate,
    .gfx_update = vgt_display_update,
    .text_update = vgt_display_text_update,
};

void vgt_display_init(VgtState *s)
{
    qemu_edid_info info = {
        .prefx = s->conf.xres,
        .prefy = s->conf.yres,
        .maxx = MAX(s->conf.xres, 1920),
        .maxy = MAX(s->conf.yres, 1080),
        .refresh_rate = 60000,
    };

    qemu_edid_generate(s->display.edid, sizeof(s->display.edid), &info);
    s->display.edid_size = qemu_edid_size(s->display.edid);
    s->display.console.pipe = VGT_CONSOLE_NOTHING;
    s->display.console.con = graphic_console_init(DEVICE(s), 0,
                                                  &vgt_display_ops, s);
    /* the VGA code draws on the same console while VGA is on */
    s->vga.common.con = s->display.console.con;
}

void vgt_display_reset(VgtState *s)
{
    s->display.console.invalidate = true;
    s->display.console.bad_surface = 0;
}

void vgt_display_exit(VgtState *s)
{
    VgtConsole *d = &s->display.console;

    if (d->con) {
        graphic_console_close(d->con);
        d->con = NULL;
    }
    vgt_display_free_backing(d->mr, d->buf, d->line);
    d->mr = NULL;
    d->buf = NULL;
    d->line = NULL;
}

/* ---- QOM: monitor-connected, display, x-display-bench ---- */

static bool vgt_get_monitor_connected(Object *obj, Error **errp)
{
    return VGT(obj)->display.monitor_connected;
}

static void vgt_set_monitor_connected(Object *obj, bool value, Error **errp)
{
    VgtState *s = VGT(obj);

    if (!DEVICE(obj)->realized) {
        s->display.monitor_connected = value;
        return;
    }
    vgt_dp_set_connected(s, value);
}

static bool vgt_visit_str(Visitor *v, const char *name, const char *value,
                          Error **errp)
{
    char *str = (char *)value;

    return visit_type_str(v, name, &str, errp);
}

static bool vgt_visit_u64(Visitor *v, const char *name, uint64_t value,
                          Error **errp)
{
    return visit_type_uint64(v, name, &value, errp);
}

static bool vgt_visit_bool(Visitor *v, const char *name, bool value,
                           Error **errp)
{
    return visit_type_bool(v, name, &value, errp);
}

static bool vgt_visit_pipe(VgtState *s, Visitor *v, unsigned p, Error **errp)
{
    VgtScanout so;
    const char *why = "";
    uint32_t htotal = vgt_vreg(s, HTOTAL(p));
    uint32_t vtotal = vgt_vreg(s, VTOTAL(p));
    g_autofree char *mode = NULL;
    g_autofree char *name = g_strdup_printf("%c", 'A' + p);
    bool plane = vgt_scanout_decode(s, p, &so, &why);
    bool ok;

    mode = g_strdup_printf("%ux%u", so.width, so.height);
    if (!visit_start_struct(v, NULL, NULL, 0, errp)) {
        return false;
    }
    ok = vgt_visit_str(v, "pipe", name, errp) &&
         vgt_visit_bool(v, "enabled", s->display.pipe[p].enabled, errp) &&
         vgt_visit_bool(v, "drives-monitor", vgt_pipe_drives_monitor(s, p),
                        errp) &&
         vgt_visit_u64(v, "htotal", (htotal >> 16) + 1, errp) &&
         vgt_visit_u64(v, "vtotal", (vtotal >> 16) + 1, errp) &&
         vgt_visit_u64(v, "refresh-mhz", s->display.pipe[p].frame_ns ?
                       1000000000000ull / s->display.pipe[p].frame_ns : 0,
                       errp) &&
         vgt_visit_u64(v, "frames", s->display.pipe[p].frame_count, errp) &&
         vgt_visit_bool(v, "plane", plane, errp);
    if (ok && plane) {
        ok = vgt_visit_str(v, "mode", mode, errp) &&
             vgt_visit_str(v, "format", so.fmt->name, errp) &&
             vgt_visit_str(v, "tiling", so.tiled ? "x" : "linear", errp) &&
             vgt_visit_u64(v, "surface", so.surf, errp) &&
             vgt_visit_u64(v, "stride", so.stride, errp) &&
             vgt_visit_u64(v, "size", so.len, errp) &&
             vgt_visit_bool(v, "cursor", vgt_cursor_visible(s, p), errp);
        if (ok && vgt_cursor_visible(s, p)) {
            int64_t cx, cy;
            int x, y;

            vgt_cursor_pos(s, p, &x, &y);
            cx = x;
            cy = y;
            ok = visit_type_int(v, "cursor-x", &cx, errp) &&
                 visit_type_int(v, "cursor-y", &cy, errp);
        }
    } else if (ok) {
        ok = vgt_visit_str(v, "why", why, errp);
    }
    ok = ok && visit_check_struct(v, errp);
    visit_end_struct(v, NULL);
    return ok;
}

/*
 * "display" (read-only, qom-get): the monitor, what the console shows and
 * each pipe's mode, format, surface and size.
 */
static void vgt_get_display(Object *obj, Visitor *v, const char *name,
                            void *opaque, Error **errp)
{
    VgtState *s = VGT(obj);
    VgtConsole *d = &s->display.console;
    g_autofree char *console = NULL;
    g_autofree char *port = g_strdup_printf("%c", 'A' + s->display.port);
    bool ok;
    unsigned p;

    if (d->pipe >= 0) {
        const struct VgtFormat *f = vgt_format(d->format);

        console = g_strdup_printf("pipe %c: %ux%u %s %s, %s", 'A' + d->pipe,
                                  d->width, d->height, f ? f->name : "?",
                                  d->tiled ? "x-tiled" : "linear",
                                  d->zero_copy ? "zero-copy" : "copy");
    } else if (d->pipe == VGT_CONSOLE_VGA) {
        VGACommonState *vga = &s->vga.common;

        /* graphic mode: GR06 bit 0 (as the VGA code decides) */
        console = g_strdup_printf("VGA %s", vga->gr[VGA_GFX_MISC] & 1 ?
                                  "graphics" : "text");
    } else {
        console = g_strdup("no display");
    }
    if (!visit_start_struct(v, name, NULL, 0, errp)) {
        return;
    }
    ok = vgt_visit_str(v, "port", port, errp) &&
         vgt_visit_bool(v, "monitor-connected", s->display.monitor_connected,
                        errp) &&
         vgt_visit_u64(v, "xres", s->conf.xres, errp) &&
         vgt_visit_u64(v, "yres", s->conf.yres, errp) &&
         vgt_visit_str(v, "console", console, errp) &&
         vgt_visit_u64(v, "updates", d->updates, errp) &&
         vgt_visit_u64(v, "copied-lines", d->copied_lines, errp) &&
         vgt_visit_u64(v, "aux-transactions", s->display.dp.aux_transactions,
                       errp) &&
         vgt_visit_u64(v, "hotplug-events", s->display.dp.hotplug_events,
                       errp) &&
         vgt_visit_u64(v, "gmbus-cycles", s->display.gmbus.cycles, errp);
    if (ok && visit_start_list(v, "pipes", NULL, 0, errp)) {
        for (p = 0; ok && p < VGT_NPIPES; p++) {
            ok = vgt_visit_pipe(s, v, p, errp);
        }
        visit_end_list(v, NULL);
    }
    ok = ok && visit_check_struct(v, errp);
    visit_end_struct(v, NULL);
}

/*
 * "x-display-bench" (uint32, qom-set N): redraw the console N times from
 * scratch, as gfx_update does when everything changed; the time it took is
 * then in "x-display-bench-ns".  For `make bench`; not a stable interface.
 */
static void vgt_get_display_bench(Object *obj, Visitor *v, const char *name,
                                  void *opaque, Error **errp)
{
    uint32_t n = VGT(obj)->display.console.bench_frames;

    visit_type_uint32(v, name, &n, errp);
}

static void vgt_set_display_bench(Object *obj, Visitor *v, const char *name,
                                  void *opaque, Error **errp)
{
    VgtState *s = VGT(obj);
    uint32_t n, i;
    int64_t t0;

    if (!visit_type_uint32(v, name, &n, errp)) {
        return;
    }
    s->display.console.bench_frames = n;
    t0 = get_clock();
    for (i = 0; i < n; i++) {
        s->display.console.invalidate = true;
        vgt_display_update(s);
    }
    s->display.console.bench_ns = get_clock() - t0;
}

/* "x-display-zero-copy": off forces the copy path (bench, tests) */
static bool vgt_get_zero_copy(Object *obj, Error **errp)
{
    return VGT(obj)->display.console.zero_copy_allowed;
}

static void vgt_set_zero_copy(Object *obj, bool value, Error **errp)
{
    VGT(obj)->display.console.zero_copy_allowed = value;
    VGT(obj)->display.console.invalidate = true;
}

void vgt_display_add_properties(Object *obj)
{
    VgtState *s = VGT(obj);

    s->display.monitor_connected = true;
    s->display.console.zero_copy_allowed = true;
    object_property_add_bool(obj, "monitor-connected",
                             vgt_get_monitor_connected,
                             vgt_set_monitor_connected);
    object_property_add(obj, "display", "VgtDisplay", vgt_get_display, NULL,
                        NULL, NULL);
    object_property_add(obj, "x-display-bench", "uint32",
                        vgt_get_display_bench, vgt_set_display_bench, NULL,
                        NULL);
    object_property_add_uint64_ptr(obj, "x-display-bench-ns",
                                   &s->display.console.bench_ns,
                                   OBJ_PROP_FLAG_READ);
    object_property_add_bool(obj, "x-display-zero-copy",
                             vgt_get_zero_copy, vgt_set_zero_copy);
}
