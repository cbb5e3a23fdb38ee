/*
 * What the freestanding multiboot guests of the benches share (32-bit,
 * paging off, under TCG): port and PCI configuration access, COM1 output,
 * the ACPI PM timer, and the multiboot header and entry point, which call
 * the guest's bench_main() on a stack of its own.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef TESTS_BENCH_VGT_BENCH_GUEST_H
#define TESTS_BENCH_VGT_BENCH_GUEST_H

#include <stdint.h>

#define PVINFO          0x78000u        /* in BAR0: vgt's PVINFO page */

/* Device memory and RAM under test: every access must happen. */
typedef volatile uint32_t io32; /* volatile: MMIO and timed RAM accesses */

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;

    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline void outl(uint16_t port, uint32_t v)
{
    __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint32_t inl(uint16_t port)
{
    uint32_t v;

    __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static void putc_serial(char c)
{
    while (!(inb(0x3fd) & 0x20)) {
        ;
    }
    outb(0x3f8, c);
}

static void puts_serial(const char *s)
{
    while (*s) {
        putc_serial(*s++);
    }
}

static void putu(uint32_t v)
{
    char buf[11];
    int i = 10;

    buf[i] = 0;
    do {
        buf[--i] = '0' + v % 10;
        v /= 10;
    } while (v);
    puts_serial(&buf[i]);
}

static void put_kv(const char *k, uint32_t v)
{
    puts_serial(k);
    putc_serial('=');
    putu(v);
    putc_serial(' ');
}

static uint32_t pci_read(int dev, int fn, int reg)
{
    outl(0xcf8, 0x80000000u | dev << 11 | fn << 8 | reg);
    return inl(0xcfc);
}

static void pci_write(int dev, int fn, int reg, uint32_t v)
{
    outl(0xcf8, 0x80000000u | dev << 11 | fn << 8 | reg);
    outl(0xcfc, v);
}

/* ACPI PM timer of the PIIX4 (00:01.3): 3.579545 MHz, 24 bits. */
static uint16_t pm_timer;   /* bench_main sets it */

static uint32_t now(void)
{
    return inl(pm_timer);
}

static uint32_t since(uint32_t t0)
{
    return (now() - t0) & 0xffffff;
}

/*
 * The PM timer found, vgt's BARs placed below 4 GiB (paging is off: BAR0
 * at @bar0, BAR2 at @bar2), memory decoding and bus mastering on.  false
 * (and "<@tag>: no PVINFO magic" printed) when BAR0 is no vgt's.
 */
static int vgt_guest_setup(const char *tag, uint32_t bar0, uint32_t bar2)
{
    /* 00:01.3 PIIX4 PM: I/O base (SeaBIOS set it), timer at +8 */
    pm_timer = (pci_read(1, 3, 0x40) & 0xffc0) + 8;
    pci_write(2, 0, 0x04, 0);
    pci_write(2, 0, 0x10, bar0);
    pci_write(2, 0, 0x14, 0);
    pci_write(2, 0, 0x18, bar2);
    pci_write(2, 0, 0x1c, 0);
    pci_write(2, 0, 0x04, 0x6);
    if (((io32 *)bar0)[PVINFO / 4] != 0x76544776u) {
        puts_serial(tag);
        puts_serial(": no PVINFO magic\nDONE\n");
        return 0;
    }
    return 1;
}

static void bench_main(void);

/* Multiboot v1 header (ELF image: no address fields) and entry point. */
__asm__(
    ".pushsection .text\n"
    ".align 4\n"
    "multiboot_header:\n"
    ".long 0x1badb002\n"
    ".long 0x00000000\n"
    ".long -(0x1badb002)\n"
    ".globl _start\n"
    "_start:\n"
    "    cli\n"
    "    mov $stack_top, %esp\n"
    "    call bench_main\n"
    "1:  cli\n"
    "    hlt\n"
    "    jmp 1b\n"
    ".popsection\n"
    ".pushsection .bss\n"
    ".align 16\n"
    "    .space 16384\n"
    "stack_top:\n"
    ".popsection\n"
);

#endif
