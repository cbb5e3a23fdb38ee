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
#include "vgt-qtest.h"

#define W                   1920
#define H                   1080
#define STRIDE              (W * 4)
#define FRAME               (STRIDE * H)
#define NPAGES              DIV_ROUND_UP(FRAME, PAGE)
#define FB_GPA              (64 * MiB)

/* Map the frame's GM pages in order or scattered over guest RAM. */
static void map_frame(VgtQtest *vm, bool scattered)
{
    uint32_t i;

    for (i = 0; i < NPAGES; i++) {
        /* scattered: a stride of 7 pages through twice the frame's RAM */
        uint64_t page = scattered ? (i * 7) % (2 * NPAGES + 1) : i;

        vgt_gtt_wr(vm, vm->mbase / PAGE + i, vgt_pte(FB_GPA + page * PAGE));
    }
}

static void modeset(VgtQtest *vm)
{
    vgt_qtest_vga_off(vm);
    vgt_wr(vm, 0x60000, (W - 1) | (2199u << 16));           /* HTOTAL */
    vgt_wr(vm, 0x6000c, (H - 1) | (1124u << 16));           /* VTOTAL */
    vgt_wr(vm, 0x6001c, (W - 1) << 16 | (H - 1));           /* PIPESRC */
    vgt_wr(vm, 0x60400, 0x92000002);                        /* DDI B, DP */
    vgt_wr(vm, 0x70188, STRIDE);                            /* DSPSTRIDE */
    vgt_wr(vm, 0x70180, (1u << 31) | (6u << 26));           /* XRGB8888 */
    vgt_wr(vm, 0x7019c, vm->mbase);                         /* DSPSURF */
    vgt_wr(vm, 0x70008, 1u << 31);                          /* PIPECONF */
}

/* Frames per second of @frames full redraws inside QEMU. */
static double run(VgtQtest *vm, const char *what, unsigned frames)
{
    g_autofree char *con = NULL;
    uint64_t ns;
    double fps;

    vgt_qtest_qom_set_int(vm, "x-display-bench", frames);
    ns = vgt_qtest_qom_u64(vm, "x-display-bench-ns");
    con = vgt_qtest_display_console(vm);
    fps = frames * 1e9 / MAX(ns, 1);
    printf("%-28s %10.1f frames/s  %8.3f ms/frame  (%s)\n", what, fps,
           ns / 1e6 / frames, con);
    return fps;
}

int main(int argc, char **argv)
{
    g_autofree uint8_t *src = g_malloc(FRAME);
    g_autofree uint8_t *dst = g_malloc(FRAME);
    VgtQtest vm;
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

    vgt_qtest_start(&vm, "-m 256M", NULL);
    vgt_qtest_map(&vm);
    vgt_qtest_read_partition(&vm);
    qtest_memset(vm.qts, FB_GPA, 0x5a, (2 * NPAGES + 1) * PAGE);

    map_frame(&vm, false);
    modeset(&vm);
    run(&vm, "contiguous, zero-copy", 20000);
    vgt_qtest_qom_set_bool(&vm, "x-display-zero-copy", false);
    run(&vm, "contiguous, copied", n);
    map_frame(&vm, true);
    run(&vm, "scattered pages, copied", n);

    vgt_qtest_stop(&vm);
    return 0;
}
