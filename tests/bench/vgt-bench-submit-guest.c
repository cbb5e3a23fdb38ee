/*
 * A tiny multiboot guest that submits bench-helper-cs's blit workload
 * through vgt from the inside, under TCG: the guest a real VM is, without
 * qtest's round trips.  Its stores to its ring cost it nothing, each
 * request's TAIL write is one MMIO exit handled on the vCPU's thread, and
 * it throttles as i915's execbuffer does (eb_throttle in 6.1's
 * i915_gem_execbuffer.c): on i915's 16 KiB legacy ring, once less than
 * a page is free, it waits for the oldest request whose completion
 * leaves more than half the ring free.  It waits halted for the
 * blitter's user interrupt (MSI to its local APIC), unmasked only while
 * it waits (GTIMR and the ring's IMR: i915's breadcrumbs), acking GTIIR
 * at each wake-up.  It runs for SECONDS by the ACPI PM timer, waits for
 * the last request, checks that every request ran (seqno, the last
 * fill's colour, HEAD at TAIL: bits 0-2 of bad) and prints one line of
 * results on COM1: requests, PM timer ticks, waits and interrupts.
 * tests/bench/vgt-bench-submit-guest.py runs it; docs/bench.md.
 *
 * Freestanding 32-bit code, paging off: the BARs are placed below 4 GiB.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "vgt-bench-guest.h"
#include "../qtest/vgt-blit-workload.h"
/* hsw-types.h wants the libc headers a -m32 build may lack: its types */
#define HSW_TYPES_H
#include <stdbool.h>
#include <stddef.h>
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
#include "../../kernel-shim/hsw/hsw-regs.h"

#define BAR0_ADDR       0xd0000000u     /* 4 MiB */
#define BAR2_ADDR       0xc0000000u     /* aperture_size=128M */
#define GTT_OFFSET      0x200000u
#define GM_RAM          0x04000000u     /* the 4 MiB of GM the bench uses */
#define GM_PAGES        1024
#define RING_OFF        0x000000u       /* in GM and GM_RAM */
#define RING_SIZE       (4u * 4096)     /* i915's legacy ring: SZ_16K */
#define HWSP_OFF        0x3ff000u
#define SEQNO_ADDR      (GM_RAM + HWSP_OFF + 0x100)
/* eb_throttle: below a page free, wait until half the ring is */
#define THROTTLE_BELOW  4096u
#define CACHELINE       64u             /* __intel_ring_space's gap */
/* more than a full ring of requests: their ends, by seqno */
#define MAX_INFLIGHT    256u
#define SECONDS         2               /* of PM timer */
#define PM_HZ           3579545u

/* the blitter's registers and its interrupt: the helper's Haswell facts */
#define BCS             BLT_RING_BASE
#define BCS_USER        GT_BLT_USER_INTERRUPT

#define LAPIC           0xfee00000u
#define IRQ_VECTOR      0x40

static io32 *const mmio = (io32 *)BAR0_ADDR;
static io32 *const lapic = (io32 *)LAPIC;

static inline uint32_t seqno(void)
{
    return *(io32 *)SEQNO_ADDR;
}

/* Every vector: end of interrupt, return (only the MSI is expected). */
static void __attribute__((naked, used)) irq_entry(void)
{
    __asm__ volatile("movl $0, 0xfee000b0\n"
                     "iret\n");
}

static uint64_t idt[256];

static void irq_setup(void)
{
    struct __attribute__((packed)) {
        uint16_t limit;
        uint32_t base;
    } idtr = { sizeof(idt) - 1, (uint32_t)idt };
    uint32_t handler = (uint32_t)irq_entry, cap, ctrl;
    uint16_t cs;
    int i;

    __asm__ volatile("mov %%cs, %0" : "=r"(cs));
    for (i = 0; i < 256; i++) {
        /* a 32-bit interrupt gate, present, ring 0 */
        idt[i] = (handler & 0xffff) | (uint64_t)cs << 16 |
                 (uint64_t)0x8e00 << 32 |
                 (uint64_t)(handler >> 16) << 48;
    }
    __asm__ volatile("lidt %0" : : "m"(idtr));
    /* the local APIC on, nothing below its priority masked */
    lapic[0x80 / 4] = 0;
    lapic[0xf0 / 4] = 0x100 | 0xff;

    /* the device's MSI capability: to this CPU, IRQ_VECTOR, edge */
    for (cap = pci_read(2, 0, 0x34) & 0xfc; cap;
         cap = (pci_read(2, 0, cap) >> 8) & 0xfc) {
        if ((pci_read(2, 0, cap) & 0xff) == 0x05) {
            break;
        }
    }
    if (!cap) {
        return;
    }
    ctrl = pci_read(2, 0, cap) >> 16;
    pci_write(2, 0, cap + 4, LAPIC);
    if (ctrl & 0x80) {
        pci_write(2, 0, cap + 8, 0);
        pci_write(2, 0, cap + 12, IRQ_VECTOR);
    } else {
        pci_write(2, 0, cap + 8, IRQ_VECTOR);
    }
    pci_write(2, 0, cap, (pci_read(2, 0, cap) & 0xffff) | (ctrl | 1) << 16);

    mmio[GTIER / 4] = BCS_USER;
    mmio[GTIMR / 4] = ~0u;
    mmio[RING_IMR(BCS) / 4] = ~0u;
    mmio[DEIER / 4] = DE_MASTER_IRQ_CONTROL;
}

/* __intel_ring_space: free bytes from @tail up to @head, less a cacheline */
static inline uint32_t ring_space(uint32_t head, uint32_t tail)
{
    return (head - tail - CACHELINE) & (RING_SIZE - 1);
}

/*
 * Wait until request @seq has completed: halted until the user interrupt,
 * unmasked only meanwhile; each wake-up acks it and counts in @irqs.
 */
static void wait_seqno(uint32_t seq, uint32_t *waits, uint32_t *irqs)
{
    if ((int32_t)(seqno() - seq) >= 0) {
        return;
    }
    (*waits)++;
    mmio[GTIMR / 4] = ~BCS_USER;
    mmio[RING_IMR(BCS) / 4] = ~BCS_USER;
    for (;;) {
        __asm__ volatile("cli");
        if ((int32_t)(seqno() - seq) >= 0) {
            break;
        }
        /* sti's shadow: an interrupt already pending wakes the hlt */
        __asm__ volatile("sti; hlt");
        mmio[GTIIR / 4] = BCS_USER;
        (*irqs)++;
    }
    mmio[GTIIR / 4] = BCS_USER;
    mmio[GTIMR / 4] = ~0u;
    mmio[RING_IMR(BCS) / 4] = ~0u;
}

/*
 * eb_throttle before request @seq + 1: nothing while a page is free after
 * @tail; else wait for the oldest request whose end (@postfix, by seqno)
 * leaves more than half the ring free.
 */
static void throttle(const uint32_t *postfix, uint32_t seq, uint32_t tail,
                     uint32_t *waits, uint32_t *irqs)
{
    uint32_t done = seqno(), r;

    if (done == seq ||
        ring_space(postfix[done % MAX_INFLIGHT], tail) >= THROTTLE_BELOW) {
        return;
    }
    for (r = done + 1; r != seq + 1; r++) {
        if (ring_space(postfix[r % MAX_INFLIGHT], tail) > RING_SIZE / 2) {
            wait_seqno(r, waits, irqs);
            return;
        }
    }
}

/* Called from _start (vgt-bench-guest.h). */
static void __attribute__((used)) bench_main(void)
{
    uint32_t gm, seq = 0, tail = 0, n, k, t, ticks = 0, waits = 0, bad = 0;
    uint32_t irqs = 0;
    uint32_t dw[VGT_BLIT_DWORDS_MAX];
    /* where each request's commands end: the ring's head once it is done */
    static uint32_t postfix[MAX_INFLIGHT];

    if (!vgt_guest_setup("vgt-submit", BAR0_ADDR, BAR2_ADDR)) {
        return;
    }
    gm = mmio[(PVINFO + 0x40) / 4];
    for (k = 0; k < GM_PAGES; k++) {
        mmio[(GTT_OFFSET >> 2) + gm / 4096 + k] = (GM_RAM + k * 4096) | 1;
    }
    for (k = 0; k < GM_PAGES * 1024; k++) {
        ((io32 *)GM_RAM)[k] = 0;
    }
    irq_setup();

    /* the blitter's ring, as i915 starts it */
    mmio[RING_CTL(BCS) / 4] = 0;
    mmio[RING_HEAD(BCS) / 4] = 0;
    mmio[RING_TAIL(BCS) / 4] = 0;
    mmio[HWS_PGA_BCS / 4] = gm + HWSP_OFF;
    mmio[RING_START(BCS) / 4] = gm + RING_OFF;
    mmio[RING_CTL(BCS) / 4] = ((RING_SIZE / 4096 - 1) << 12) | 1;
    mmio[RING_MI_MODE(BCS) / 4] = 0x01000000;

    t = now();
    while (ticks < SECONDS * PM_HZ) {
        throttle(postfix, seq, tail, &waits, &irqs);
        n = vgt_blit_workload(dw, gm, seq + 1);
        if (tail + n * 4 > RING_SIZE) {
            /* wrap: MI_NOOP (zeros) to the end */
            for (k = tail; k < RING_SIZE; k += 4) {
                *(io32 *)(GM_RAM + RING_OFF + k) = 0;
            }
            tail = 0;
        }
        for (k = 0; k < n; k++) {
            *(io32 *)(GM_RAM + RING_OFF + tail + k * 4) = dw[k];
        }
        tail += n * 4;
        mmio[RING_TAIL(BCS) / 4] = tail % RING_SIZE;
        tail %= RING_SIZE;
        seq++;
        postfix[seq % MAX_INFLIGHT] = tail;
        ticks += since(t);
        t = now();
    }
    wait_seqno(seq, &waits, &irqs);
    ticks += since(t);

    /*
     * Every request ran, the last one's fill is there, and HEAD reaches
     * TAIL (it moves when QEMU hears of the completion, after the seqno)
     */
    bad |= seqno() != seq;
    bad |= (*(io32 *)(GM_RAM + VGT_BLIT_LIN_OFF) != (0xff000000 | seq)) << 1;
    t = now();
    while ((mmio[RING_HEAD(BCS) / 4] & 0x1ffffc) != tail && since(t) < PM_HZ) {
        ;
    }
    bad |= ((mmio[RING_HEAD(BCS) / 4] & 0x1ffffc) != tail) << 2;

    puts_serial("vgt-submit: ");
    put_kv("pm_hz", PM_HZ);
    put_kv("requests", seq);
    put_kv("ticks", ticks);
    put_kv("waits", waits);
    put_kv("irqs", irqs);
    put_kv("bad", bad);
    puts_serial("\nDONE\n");
}
