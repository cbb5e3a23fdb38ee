/*
 * A tiny multiboot guest that submits bench-helper-cs's blit workload
 * through vgt from the inside, under TCG: the guest a real VM is, without
 * qtest's round trips.  Its stores to its ring cost it nothing, each
 * request's TAIL write is one MMIO exit handled on the vCPU's thread, and
 * while WINDOW requests are in flight it waits for the blitter's user
 * interrupt (MSI to its local APIC) halted, as i915 does: it unmasks the
 * interrupt only while it waits (GTIMR and the ring's IMR), and acks
 * GTIIR when it wakes.  It runs for SECONDS by the ACPI PM timer, waits
 * for the last request, checks that every request ran (seqno, the last
 * fill's colour, HEAD at TAIL: bits 0-2 of bad) and prints one line of
 * results on COM1.
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
#define RING_SIZE       (16u * 4096)
#define HWSP_OFF        0x3ff000u
#define SEQNO_ADDR      (GM_RAM + HWSP_OFF + 0x100)
#define WINDOW          16              /* requests in flight */
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

/*
 * Wait until at most @limit of the requests up to @seq are in flight:
 * halted until the user interrupt, unmasked only meanwhile.
 */
static void wait_window(uint32_t seq, uint32_t limit, uint32_t *waits)
{
    if (seq - seqno() <= limit) {
        return;
    }
    (*waits)++;
    mmio[GTIMR / 4] = ~BCS_USER;
    mmio[RING_IMR(BCS) / 4] = ~BCS_USER;
    for (;;) {
        __asm__ volatile("cli");
        if (seq - seqno() <= limit) {
            break;
        }
        /* sti's shadow: an interrupt already pending wakes the hlt */
        __asm__ volatile("sti; hlt");
        mmio[GTIIR / 4] = BCS_USER;
    }
    mmio[GTIIR / 4] = BCS_USER;
    mmio[GTIMR / 4] = ~0u;
    mmio[RING_IMR(BCS) / 4] = ~0u;
}

/* Called from _start (vgt-bench-guest.h). */
static void __attribute__((used)) bench_main(void)
{
    uint32_t gm, seq = 0, tail = 0, n, k, t, ticks = 0, waits = 0, bad = 0;
    uint32_t dw[VGT_BLIT_DWORDS_MAX];

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
        wait_window(seq, WINDOW, &waits);
        ticks += since(t);
        t = now();
    }
    wait_window(seq, 0, &waits);
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
    put_kv("bad", bad);
    puts_serial("\nDONE\n");
}
