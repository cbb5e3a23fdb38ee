/*
 * Bench: the blit workload of bench-helper-cs (fill 256x256, copy it to
 * an X-tiled surface, a line of immediate text, seqno, user interrupt)
 * submitted through the whole device: ring in guest memory, TAIL write,
 * scan and audit, copy to the shadow area, the helper's scheduler and
 * the software Haswell's blitter, completion back to HEAD.  The guest is
 * this qtest program, so every workload also pays a few qtest round trips
 * (the memwrite of its commands, the TAIL write, the seqno polls): the
 * figure is a floor for the mediated path.  While 16 requests are in
 * flight it sleeps 20 us between seqno reads, as a guest waiting for its
 * interrupt would leave the CPU to others.  Prints workloads per second
 * with the embedded helper and, when VGT_HOSTD names vgt-hostd, with the
 * same VM on a vgt-hostd of its own; mk/bench.mk sets them next to
 * bench-helper-cs's direct figure.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "libqtest.h"
#include "vgt-qtest.h"
#include "vgt-blit-workload.h"

#define RAM_BASE        0x02000000ull   /* guest RAM the GM maps, 4 MiB */
#define RAM_PAGES       1024
#define HWSP_OFF        0x3ff000u
#define SEQNO_GPA       (RAM_BASE + HWSP_OFF + 0x100)
#define RING_OFF        0x000000u
#define RING_PAGES      16
#define BCS             0x22000
#define BCS_HWS_PGA     0x4280
#define SECONDS         1.5

/* Workloads per second through the device of @vm (started). */
static double run(VgtQtest *vm)
{
    uint32_t dw[128], gm, tail = 0, seq = 0, n, k, done = 0;
    uint32_t ring_size = RING_PAGES * PAGE;
    gint64 start;

    vgt_qtest_map(vm);
    vgt_qtest_read_partition(vm);
    gm = vm->mbase;
    for (k = 0; k < RAM_PAGES; k++) {
        vgt_gtt_wr(vm, gm / PAGE + k, vgt_pte(RAM_BASE + k * PAGE));
    }
    qtest_memset(vm->qts, RAM_BASE, 0, RAM_PAGES * PAGE);

    /* the blitter's ring, as i915 starts it */
    vgt_wr(vm, BCS + 0x3c, 0);
    vgt_wr(vm, BCS + 0x34, 0);
    vgt_wr(vm, BCS + 0x30, 0);
    vgt_wr(vm, BCS_HWS_PGA, gm + HWSP_OFF);
    vgt_wr(vm, BCS + 0x38, gm + RING_OFF);
    vgt_wr(vm, BCS + 0x3c, ((RING_PAGES - 1) << 12) | 1);
    vgt_wr(vm, BCS + 0x9c, 0x01000000);

    start = g_get_monotonic_time();
    do {
        /* one request: its commands, then TAIL, as i915 submits */
        n = vgt_blit_workload(dw, gm, ++seq);
        if (tail + n * 4 > ring_size) {
            /* wrap: pad to the end with MI_NOOP (zeros) */
            qtest_memset(vm->qts, RAM_BASE + RING_OFF + tail, 0,
                         ring_size - tail);
            tail = 0;
        }
        for (k = 0; k < n; k++) {
            dw[k] = cpu_to_le32(dw[k]);
        }
        qtest_memwrite(vm->qts, RAM_BASE + RING_OFF + tail, dw, n * 4);
        tail += n * 4;
        vgt_wr(vm, BCS + 0x30, tail % ring_size);
        tail %= ring_size;
        /* keep at most 16 requests in flight (bench-helper-cs's window) */
        while (seq - (done = le32_to_cpu(qtest_readl(vm->qts, SEQNO_GPA))) >=
               16) {
            g_usleep(20);
        }
    } while (g_get_monotonic_time() - start < SECONDS * G_USEC_PER_SEC);
    while ((done = le32_to_cpu(qtest_readl(vm->qts, SEQNO_GPA))) != seq) {
        g_usleep(20);
    }
    return seq / ((g_get_monotonic_time() - start) / (double)G_USEC_PER_SEC);
}

int main(int argc, char **argv)
{
    VgtQtestHostd h;
    VgtQtest vm;

    vgt_qtest_start(&vm, "-m 128M", NULL);
    printf("through the device %10.0f/s\n", run(&vm));
    vgt_qtest_stop(&vm);

    if (vgt_qtest_hostd_start(&h)) {
        vgt_qtest_start_on_hostd(&vm, h.socket, "-m 128M", NULL);
        printf("through the device and vgt-hostd %10.0f/s\n", run(&vm));
        vgt_qtest_stop(&vm);
        vgt_qtest_hostd_stop(&h);
    }
    return 0;
}
