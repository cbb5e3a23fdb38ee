/*
 * The blit workload both submission benches run (bench-helper-cs directly
 * on the software Haswell, vgt-submit-bench through the device): fill
 * 256x256, copy it to an X-tiled surface, a line of immediate text, the
 * seqno into the status page, a user interrupt.  Plain C: the helper's
 * bench includes it too.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef TESTS_QTEST_VGT_BLIT_WORKLOAD_H
#define TESTS_QTEST_VGT_BLIT_WORKLOAD_H

#include <stdint.h>

/* Surfaces, as offsets in the GM the workload is built for. */
#define VGT_BLIT_LIN_OFF        0x100000u   /* 256 x 256, 32 bpp, linear */
#define VGT_BLIT_TILED_OFF      0x200000u   /* the same, X-tiled */
#define VGT_BLIT_TEXT_OFF       0x300000u
#define VGT_BLIT_DWORDS_MAX     64

/*
 * Write the workload for GM base @gm and seqno @seq; returns its dwords
 * (an even number: i915 pads to a qword).
 */
static inline uint32_t vgt_blit_workload(uint32_t *dw, uint32_t gm,
                                         uint32_t seq)
{
    uint32_t n = 0, i;

    dw[n++] = 0x54300004;                           /* XY_COLOR_BLT */
    dw[n++] = (3u << 24) | (0xf0u << 16) | 1024;
    dw[n++] = 0;
    dw[n++] = (256u << 16) | 256;
    dw[n++] = gm + VGT_BLIT_LIN_OFF;
    dw[n++] = 0xff000000 | seq;
    dw[n++] = 0x54f00006 | (1u << 11);              /* XY_SRC_COPY, dst X */
    dw[n++] = (3u << 24) | (0xccu << 16) | (1024 / 4);
    dw[n++] = 0;
    dw[n++] = (256u << 16) | 256;
    dw[n++] = gm + VGT_BLIT_TILED_OFF;
    dw[n++] = 0;
    dw[n++] = 1024;
    dw[n++] = gm + VGT_BLIT_LIN_OFF;
    dw[n++] = 0x40700006;                           /* XY_SETUP_BLT */
    dw[n++] = (3u << 24) | (0xccu << 16) | 1024;
    dw[n++] = 0;
    dw[n++] = (16u << 16) | 256;
    dw[n++] = gm + VGT_BLIT_TEXT_OFF;
    dw[n++] = 0xff000000;
    dw[n++] = 0xffffffff;
    dw[n++] = 0;
    /* 8 glyphs of 8x16, byte packed: 64 x 16 bits = 32 dwords */
    dw[n++] = 0x4c700000 | (1u << 16) | (1 + 32);   /* XY_TEXT_IMMEDIATE */
    dw[n++] = 0;
    dw[n++] = (16u << 16) | 64;
    for (i = 0; i < 32; i++) {
        dw[n++] = 0x3c66c381u ^ (i * 0x01010101u) ^ seq;
    }
    dw[n++] = 0x10800001;                           /* MI_STORE_DATA_INDEX */
    dw[n++] = 0x100;
    dw[n++] = seq;
    dw[n++] = 0x01000000;                           /* MI_USER_INTERRUPT */
    dw[n++] = 0;                                    /* MI_NOOP: a qword */
    return n;
}

#endif
