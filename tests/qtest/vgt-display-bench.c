/*
 * Benchmark (`make bench`, mk/bench.mk): frames per second the
 * vgt display turns a 1920x1080 XRGB8888 scan-out into the console
 * surface, through its gfx_update path (x-display-bench redraws the whole
 * frame N times inside QEMU), for a framebuffer on contiguous guest pages
 * (shown in place: zero-copy), the same pages copied, and scattered pages
 * (gathered through the GTT page by page), next to a plain memcpy of one
 * frame in this process as the limit of any copy.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "qemu/timer.h"
#include "libqtest.h"
#include "libqos/pci.h"
#include "libqos/pci-pc.h"
#include "qapi/qmp/qdict.h"

#define PVINFO_BASE         0x78000
#define GTT(i)              (2 * MiB + 4 * (i))
#define PAGE                4096u
#define W                   1920
#define H                   1080
#define STRIDE              (W * 4)
#define FRAME               (STRIDE * H)
#define NPAGES              DIV_ROUND_UP(FRAME, PAGE)
#define FB_GPA              (64 * MiB)

typedef struct Bench {
    QTestState *qts;
    QPCIBus *bus;
    QPCIDevice *dev;
    QPCIBar bar0;
    uint64_t mbase;
} Bench;

static void wr(Bench *b, uint32_t reg, uint32_t val)
{
    qpci_io_writel(b->dev, b->bar0, reg, val);
}

static uint32_t pte(uint64_t gpa)
{
    return (gpa & 0xfffff000u) | ((gpa >> 28) & 0x7f0) | 1;
}

/* Map the frame's GM pages in order or scattered over guest RAM. */
static void map_frame(Bench *b, bool scattered)
{
    uint32_t i;

    for (i = 0; i < NPAGES; i++) {
        /* scattered: a stride of 7 pages through twice the frame's RAM */
        uint64_t page = scattered ? (i * 7) % (2 * NPAGES + 1) : i;

        wr(b, GTT(b->mbase / PAGE + i), pte(FB_GPA + page * PAGE));
    }
}

static void modeset(Bench *b)
{
    wr(b, 0x60000, (W - 1) | (2199u << 16));            /* HTOTAL */
    wr(b, 0x6000c, (H - 1) | (1124u << 16));            /* VTOTAL */
    wr(b, 0x6001c, (W - 1) << 16 | (H - 1));            /* PIPESRC */
    wr(b, 0x60400, 0x92000002);                         /* DDI B, DP */
    wr(b, 0x70188, STRIDE);                             /* DSPSTRIDE */
    wr(b, 0x70180, (1u << 31) | (6u << 26));            /* XRGB8888 */
    wr(b, 0x7019c, b->mbase);                           /* DSPSURF */
    wr(b, 0x70008, 1u << 31);                           /* PIPECONF */
}

static void qom_set_int(Bench *b, const char *prop, int value)
{
    qtest_qmp_assert_success(b->qts, "{ 'execute': 'qom-set', 'arguments': "
                             "{ 'path': '/machine/peripheral/gpu', "
                             "'property': %s, 'value': %d } }", prop, value);
}

static void qom_set_bool(Bench *b, const char *prop, bool value)
{
    qtest_qmp_assert_success(b->qts, "{ 'execute': 'qom-set', 'arguments': "
                             "{ 'path': '/machine/peripheral/gpu', "
                             "'property': %s, 'value': %i } }", prop, value);
}

static uint64_t qom_get_u64(Bench *b, const char *prop)
{
    QDict *rsp = qtest_qmp(b->qts, "{ 'execute': 'qom-get', 'arguments': "
                           "{ 'path': '/machine/peripheral/gpu', "
                           "'property': %s } }", prop);
    uint64_t v = qdict_get_int(rsp, "return");

    qobject_unref(rsp);
    return v;
}

static char *console(Bench *b)
{
    QDict *rsp = qtest_qmp(b->qts, "{ 'execute': 'qom-get', 'arguments': "
                           "{ 'path': '/machine/peripheral/gpu', "
                           "'property': 'display' } }");
    char *s = g_strdup(qdict_get_str(qdict_get_qdict(rsp, "return"),
                                     "console"));

    qobject_unref(rsp);
    return s;
}

/* Frames per second of @frames full redraws inside QEMU. */
static double run(Bench *b, const char *what, unsigned frames)
{
    g_autofree char *con = NULL;
    uint64_t ns;
    double fps;

    qom_set_int(b, "x-display-bench", frames);
    ns = qom_get_u64(b, "x-display-bench-ns");
    con = console(b);
    fps = frames * 1e9 / MAX(ns, 1);
    printf("%-28s %10.1f frames/s  %8.3f ms/frame  (%s)\n", what, fps,
           ns / 1e6 / frames, con);
    return fps;
}

int main(int argc, char **argv)
{
    g_autofree uint8_t *src = g_malloc(FRAME);
    g_autofree uint8_t *dst = g_malloc(FRAME);
    Bench b;
    int64_t t0;
    double ns;
    unsigned i, n = 200;

    /* the limit: one frame copied by memcpy, caches cold and warm alike */
    memset(src, 0x5a, FRAME);
    memset(dst, 0, FRAME);
    t0 = get_clock();
    for (i = 0; i < n; i++) {
        src[i] = i;
        memcpy(dst, src, FRAME);
    }
    ns = get_clock() - t0;
    printf("vgt display bench: %ux%u XRGB8888 (%u KiB, %u pages)\n",
           W, H, FRAME / KiB, NPAGES);
    printf("%-28s %10.1f frames/s  %8.3f ms/frame\n", "memcpy (limit)",
           n * 1e9 / ns, ns / 1e6 / n);

    b.qts = qtest_init("-M pc -m 256M -nodefaults -vga none "
                       "-device vgt,addr=2,id=gpu,aperture_size=128M");
    b.bus = qpci_new_pc(b.qts, NULL);
    b.dev = qpci_device_find(b.bus, QPCI_DEVFN(2, 0));
    g_assert_nonnull(b.dev);
    qpci_device_enable(b.dev);
    b.bar0 = qpci_iomap(b.dev, 0, NULL);
    b.mbase = qpci_io_readl(b.dev, b.bar0, PVINFO_BASE + 0x40);
    qtest_memset(b.qts, FB_GPA, 0x5a, (2 * NPAGES + 1) * PAGE);

    map_frame(&b, false);
    modeset(&b);
    run(&b, "contiguous, zero-copy", 20000);
    qom_set_bool(&b, "x-display-zero-copy", false);
    run(&b, "contiguous, copied", n);
    map_frame(&b, true);
    run(&b, "scattered pages, copied", n);

    g_free(b.dev);
    qpci_free_pc(b.bus);
    qtest_quit(b.qts);
    return 0;
}
