/*
 * Bench: the command scanner's throughput (decode, audit and copy) on the
 * streams i915 submits, next to a plain memcpy of the same bytes as the
 * limit.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "vgt-cmd.h"

#define GM_BASE         (16u << 20)
#define GM_SIZE         (8u << 20)
#define RING            (GM_BASE + 0x10000)
#define RING_SIZE       (16u << 10)
#define BATCH           (GM_BASE + 0x100000)

static uint8_t *gm;

static bool bench_read(void *opaque, bool ppgtt, uint64_t gma, void *buf,
                       uint32_t len)
{
    if (gma < GM_BASE || gma + len > GM_BASE + GM_SIZE) {
        return false;
    }
    memcpy(buf, gm + (gma - GM_BASE), len);
    return true;
}

static bool bench_gm_ok(void *opaque, uint64_t gma, uint64_t len)
{
    return gma >= GM_BASE && gma + len <= GM_BASE + GM_SIZE;
}

static uint32_t put(uint32_t gma, uint32_t v)
{
    stl_le_p(gm + (gma - GM_BASE), v);
    return gma + 4;
}

/*
 * i915's render-ring preamble and breadcrumb around a batch of 3D state
 * and media objects (the shape of the clear-residuals and null-state
 * batches of gt/gen7_renderclear.c and gt/intel_renderstate.c in
 * Linux i915), repeated to fill the batch.
 */
static uint32_t build_streams(uint32_t *ring_tail)
{
    uint32_t p = BATCH, r = RING;
    int i, j;

    while (p < BATCH + (1u << 20) - 64) {
        p = put(p, 0x7a000002);                 /* PIPE_CONTROL */
        p = put(p, 0x00100002);
        p = put(p, 0);
        p = put(p, 0);
        p = put(p, 0x78080003);                 /* a 3DSTATE, 5 dwords */
        for (j = 0; j < 4; j++) {
            p = put(p, j);
        }
        for (i = 0; i < 8; i++) {
            p = put(p, 0x71000007);             /* MEDIA_OBJECT */
            for (j = 0; j < 8; j++) {
                p = put(p, 0);
            }
        }
    }
    p = put(p, 0x05000000);                     /* MI_BATCH_BUFFER_END */

    r = put(r, 0x18800000);                     /* MI_BATCH_BUFFER_START */
    r = put(r, BATCH);
    r = put(r, 0x7a000002);                     /* breadcrumb */
    r = put(r, 0x011050a1);
    r = put(r, GM_BASE + 0x100);
    r = put(r, 1);
    r = put(r, 0x01000000);                     /* MI_USER_INTERRUPT */
    r = put(r, 0);
    *ring_tail = r - RING;
    return (p - BATCH) + (r - RING);
}

int main(int argc, char **argv)
{
    VgtCmdEnv env = { .read = bench_read, .gm_ok = bench_gm_ok,
                      .engine = HSW_RCS, .npipes = 3 };
    g_autofree uint8_t *dst = NULL;
    uint32_t tail, bytes;
    double best_scan = 0, best_copy = 0;
    int round, i, iters = 200;

    gm = g_malloc0(GM_SIZE);
    bytes = build_streams(&tail);
    dst = g_malloc(bytes);
    for (round = 0; round < 3; round++) {
        VgtCmdScan scan;
        gint64 t0 = g_get_monotonic_time();
        double mbs;

        for (i = 0; i < iters; i++) {
            if (vgt_cmd_scan_ring(&env, RING, RING_SIZE, 0, tail, &scan)) {
                g_printerr("scan failed: %s\n", scan.why);
                return 1;
            }
            vgt_cmd_scan_free(&scan);
        }
        mbs = (double)bytes * iters / (g_get_monotonic_time() - t0);
        best_scan = MAX(best_scan, mbs);

        t0 = g_get_monotonic_time();
        for (i = 0; i < iters; i++) {
            memcpy(dst, gm + (BATCH - GM_BASE), bytes);
            /* keep the copy from being optimized away */
            dst[i % bytes] ^= 1;
        }
        mbs = (double)bytes * iters / (g_get_monotonic_time() - t0);
        best_copy = MAX(best_copy, mbs);
    }
    printf("vgt scanner: i915-shaped render stream, %u KiB per submission "
           "(best of 3 x %d)\n", bytes / 1024, iters);
    printf("  scan (decode + audit + copy)   %8.0f MB/s\n", best_scan);
    printf("  memcpy of the same bytes       %8.0f MB/s\n", best_copy);
    printf("  scan / memcpy                  %8.3fx\n", best_scan / best_copy);
    g_free(gm);
    return 0;
}
