/*
 * A tiny multiboot guest that measures vgt from the inside under TCG:
 * GTT entries per second (MMIO writes to BAR0 + 2 MiB), and 32-bit
 * stores and loads through the aperture (BAR2) against the same through
 * plain RAM.  It checks that aperture pages land in the RAM pages their
 * GTT entries name, also after an entry changes (TLB invalidation), and
 * prints one line of results on COM1.  tests/bench/vgt-bench-gtt.py runs
 * it; see docs/device.md ("GTT and aperture").
 *
 * Freestanding 32-bit code, paging off: the BARs are placed below 4 GiB.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "vgt-bench-guest.h"

#define BAR0_ADDR       0xd0000000u     /* 4 MiB */
#define BAR2_ADDR       0xc0000000u     /* aperture_size=128M */
#define GTT_OFFSET      0x200000u
#define AP_RAM          0x04000000u     /* aperture pages map here */
#define REF_RAM         0x08000000u     /* the RAM reference */
#define BENCH_BYTES     (8u << 20)
#define CHUNK           (1u << 20)      /* < PM timer wrap per chunk */
#define GTT_ROUNDS      8

static inline uint32_t pte(uint32_t gpa)
{
    return gpa | 1;
}

static io32 *const mmio = (io32 *)BAR0_ADDR;

static void gtt_write(uint32_t index, uint32_t v)
{
    mmio[(GTT_OFFSET >> 2) + index] = v;
}

static uint32_t store_ticks(uint32_t base, uint32_t seed)
{
    uint32_t total = 0, off, i, t0;

    for (off = 0; off < BENCH_BYTES; off += CHUNK) {
        io32 *p = (io32 *)(base + off);

        t0 = now();
        for (i = 0; i < CHUNK / 4; i++) {
            p[i] = seed + off + i * 4;
        }
        total += since(t0);
    }
    return total;
}

static uint32_t load_ticks(uint32_t base, uint32_t *sum)
{
    uint32_t total = 0, off, i, t0, s = 0;

    for (off = 0; off < BENCH_BYTES; off += CHUNK) {
        io32 *p = (io32 *)(base + off);

        t0 = now();
        for (i = 0; i < CHUNK / 4; i++) {
            s += p[i];
        }
        total += since(t0);
    }
    *sum = s;
    return total;
}

/* Called from _start (vgt-bench-guest.h). */
static void __attribute__((used)) bench_main(void)
{
    uint32_t mbase, first, pages = BENCH_BYTES / 4096, i, r, t0;
    uint32_t gtt, ram_w, ap_w, ram_r, ap_r, sum_ram, sum_ap;
    uint32_t bad = 0;
    io32 *ap;

    if (!vgt_guest_setup("vgt-bench", BAR0_ADDR, BAR2_ADDR)) {
        return;
    }
    mbase = mmio[(PVINFO + 0x40) / 4];
    first = mbase / 4096;
    ap = (io32 *)(BAR2_ADDR + mbase);

    /* GTT: the same entries rewritten GTT_ROUNDS times */
    t0 = now();
    for (r = 0; r < GTT_ROUNDS; r++) {
        for (i = 0; i < pages; i++) {
            gtt_write(first + i, pte(AP_RAM + i * 4096));
        }
    }
    gtt = since(t0);
    (void)mmio[PVINFO / 4];     /* a register access sends the last batch */

    /* first touches fault host pages in: not what is measured */
    store_ticks(REF_RAM, 0);
    store_ticks(AP_RAM, 0);

    ram_w = store_ticks(REF_RAM, 0x1000);
    ap_w = store_ticks(BAR2_ADDR + mbase, 0x1000);
    ram_r = load_ticks(REF_RAM, &sum_ram);
    ap_r = load_ticks(BAR2_ADDR + mbase, &sum_ap);

    /* every aperture page landed in its RAM page */
    for (i = 0; i < pages; i++) {
        io32 *p = (io32 *)(AP_RAM + i * 4096);

        bad += p[5] != 0x1000 + i * 4096 + 20;
    }
    bad += sum_ram != sum_ap;
    /* a changed entry is followed at once (TCG TLB invalidated) */
    *(io32 *)(REF_RAM + 8) = 0xfeedf00d;
    gtt_write(first, pte(REF_RAM));
    (void)mmio[PVINFO / 4];
    bad += ap[2] != 0xfeedf00d;
    ap[3] = 0xabcdef01;
    bad += *(io32 *)(REF_RAM + 12) != 0xabcdef01;
    gtt_write(first, 0);
    bad += ap[2] != 0;

    puts_serial("vgt-bench: ");
    put_kv("pm_hz", 3579545);
    put_kv("gtt_entries", GTT_ROUNDS * pages);
    put_kv("gtt_ticks", gtt);
    put_kv("bytes", BENCH_BYTES);
    put_kv("ram_w", ram_w);
    put_kv("ap_w", ap_w);
    put_kv("ram_r", ram_r);
    put_kv("ap_r", ap_r);
    put_kv("bad", bad);
    puts_serial("\nDONE\n");
}
