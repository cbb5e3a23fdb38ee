/*
 * Bench: the blit workload of bench-helper-cs (fill 256x256, copy it to
 * an X-tiled surface, a line of immediate text, seqno, user interrupt)
 * submitted through the whole device: ring in guest memory, TAIL write,
 * scan and audit, copy to the shadow area, the helper's scheduler and
 * the software Haswell's blitter, completion back to HEAD.  The guest is
 * this qtest program, so every workload also pays a few qtest round trips
 * (the memwrite of its commands, the TAIL write, the seqno polls): the
 * figure is a floor for the mediated path.  It writes the commands of
 * GROUP requests at once (a guest's stores to its memory cost it no exit)
 * and then each request's TAIL, as i915 does; it keeps WINDOW requests in
 * flight and, while the window is full, sleeps 20 us between seqno reads,
 * as a guest waiting for its interrupt would leave the CPU to others.
 * Prints workloads per second with the embedded helper (the device's
 * default x-submit-depth, then one workload in flight at a time) and,
 * when VGT_HOSTD names vgt-hostd, with the same VM on a vgt-hostd of its
 * own; after each, how many requests went per workload, how busy the
 * blitter was and how often its queue ran dry.  mk/bench.mk sets them
 * next to bench-helper-cs's direct figure.
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
#define WINDOW          16      /* requests in flight, as bench-helper-cs */
#define GROUP           8       /* requests written to the ring at once */

/*
 * Wait until at most @limit requests are in flight; returns the last
 * completed seqno.  Polls as a guest waiting for its interrupt would,
 * leaving the CPU to others between reads.
 */
static uint32_t wait_window(VgtQtest *vm, uint32_t seq, uint32_t done,
                            uint32_t limit)
{
    while (seq - done > limit) {
        done = le32_to_cpu(qtest_readl(vm->qts, SEQNO_GPA));
        if (seq - done > limit) {
            g_usleep(20);
        }
    }
    return done;
}

/* Workloads per second through the device of @vm (started). */
static double run(VgtQtest *vm)
{
    uint32_t ring_size = RING_PAGES * PAGE;
    uint32_t dw[GROUP * VGT_BLIT_DWORDS_MAX], tails[GROUP];
    uint32_t gm, tail = 0, seq = 0, done = 0, n, k, i, len, at;
    gint64 start, elapsed;
    QDict *st, *sched;

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
        /*
         * GROUP requests: their commands in one write to the ring (a
         * guest's stores to memory cost it no exit), up to the wrap
         */
        done = wait_window(vm, seq + GROUP, done, WINDOW);
        len = 0;
        at = tail;
        for (i = 0; i < GROUP; i++) {
            n = vgt_blit_workload(dw + len / 4, gm, seq + i + 1);
            if (at + len + n * 4 > ring_size) {
                break;
            }
            len += n * 4;
            tails[i] = (at + len) % ring_size;
        }
        if (!i) {
            /* wrap: pad to the end with MI_NOOP (zeros), restart at 0 */
            qtest_memset(vm->qts, RAM_BASE + RING_OFF + tail, 0,
                         ring_size - tail);
            tail = 0;
            continue;
        }
        for (k = 0; k < len / 4; k++) {
            dw[k] = cpu_to_le32(dw[k]);
        }
        qtest_bufwrite(vm->qts, RAM_BASE + RING_OFF + at, dw, len);
        /* then each request's TAIL write, as i915 submits them */
        for (k = 0; k < i; k++) {
            vgt_wr(vm, BCS + 0x30, tails[k]);
        }
        seq += i;
        tail = tails[i - 1];
    } while (g_get_monotonic_time() - start < SECONDS * G_USEC_PER_SEC);
    wait_window(vm, seq, done, 0);
    elapsed = g_get_monotonic_time() - start;
    st = vgt_qtest_qom_dict(vm, "stats");
    sched = vgt_qtest_qom_dict(vm, "sched");
    printf("  (%.1f requests per workload, the blitter busy %.0f %% of the "
           "time, its queue ran dry %" PRId64 " times)\n",
           seq / (double)qdict_get_int(qdict_get_qdict(st, "submission"),
                                       "submitted"),
           qdict_get_int(qdict_get_qdict(sched, "busy-ns"), "bcs") / 10.0 /
           elapsed, qdict_get_int(sched, "underruns"));
    qobject_unref(st);
    qobject_unref(sched);
    return seq / (elapsed / (double)G_USEC_PER_SEC);
}

int main(int argc, char **argv)
{
    VgtQtestHostd h;
    VgtQtest vm;

    vgt_qtest_start(&vm, "-m 128M", NULL);
    printf("through the device %10.0f/s\n", run(&vm));
    vgt_qtest_stop(&vm);

    /* the same, pipelining off: what keeping workloads queued gives */
    vgt_qtest_start(&vm, "-m 128M", VGT_QTEST_PROPS ",x-submit-depth=1");
    printf("through the device, one workload in flight %10.0f/s\n",
           run(&vm));
    vgt_qtest_stop(&vm);

    if (vgt_qtest_hostd_start(&h)) {
        vgt_qtest_start_on_hostd(&vm, h.socket, "-m 128M", NULL);
        printf("through the device and vgt-hostd %10.0f/s\n", run(&vm));
        vgt_qtest_stop(&vm);
        vgt_qtest_hostd_stop(&h);
    }
    return 0;
}
