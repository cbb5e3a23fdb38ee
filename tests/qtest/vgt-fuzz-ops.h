/*
 * The device fuzz targets' interpreter: an input is a sequence of guest
 * operations on the vgt device (BAR0 registers and GTT, the BAR2
 * aperture, the BAR4 index/data ports, PCI config space, VGA ports, guest
 * RAM, the virtual clock), each an opcode byte and fixed-size operands.
 * The same code runs an input inside QEMU's fuzzer (vgt-fuzz.c, where the
 * qtest calls are direct calls) and against a QEMU process through the
 * qtest protocol (vgt-fuzz-replay.c, the regression run of the corpora),
 * so a corpus input means the same thing in both.
 *
 * Header-only, as vgt-qtest.h: QEMU's qtest meson gives a qtest one
 * source file.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TESTS_QTEST_VGT_FUZZ_OPS_H
#define TESTS_QTEST_VGT_FUZZ_OPS_H

#include "libqtest.h"
#include "qemu/bswap.h"
#include "hw/pci/pci_regs.h"
#include "hw/vgt.h"

/* The machine every target runs on (the embedded helper). */
#define VGT_FUZZ_RAM_SIZE   (128ull << 20)
#define VGT_FUZZ_QEMU_ARGS  "-M pc -nodefaults -vga none -m 128M " \
                            "-device vgt,addr=2,id=gpu"

/* Where the interpreter places the BARs: as firmware might. */
#define VGT_FUZZ_DEVFN      0x10                /* 00:02.0 */
#define VGT_FUZZ_BAR0       0xe0000000ull
#define VGT_FUZZ_BAR2       (8ull << 30)        /* 64-bit, above RAM */
#define VGT_FUZZ_AP_SIZE    (512ull << 20)      /* the default aperture */
#define VGT_FUZZ_BAR4       0xc000u

enum VgtFuzzOp {
    VGT_FUZZ_MMIO_WRITE,    /* u32 offset, u32 value */
    VGT_FUZZ_MMIO_READ,     /* u32 offset */
    VGT_FUZZ_REG_WRITE,     /* u8 register (the target's list), u32 value */
    VGT_FUZZ_REG_READ,      /* u8 register */
    VGT_FUZZ_AP_WRITE,      /* u32 offset, u32 value */
    VGT_FUZZ_AP_READ,       /* u32 offset */
    VGT_FUZZ_IO_WRITE,      /* u8 port (index 0, data 4), u32 value */
    VGT_FUZZ_IO_READ,       /* u8 port */
    VGT_FUZZ_CFG_WRITE,     /* u8 offset, u8 size (1, 2, 4), u32 value */
    VGT_FUZZ_CFG_READ,      /* u8 offset, u8 size */
    VGT_FUZZ_RAM_WRITE,     /* u32 address, u8 length (mod 65), bytes */
    VGT_FUZZ_CLOCK,         /* u32 nanoseconds (mod 50 ms) */
    VGT_FUZZ_VGA_WRITE,     /* u8 port (0x3b0 + mod 0x30), u8 value */
    VGT_FUZZ_VGA_READ,      /* u8 port */
    VGT_FUZZ_GTT_RAM,       /* u32 GTT index, u32 RAM page: a valid PTE */
    VGT_FUZZ_NOPS
};

/*
 * Registers a guest driver programs, for REG_WRITE/REG_READ (offsets:
 * HASWELL.md, hsw-regs.h, hsw-display.h).
 */
static const uint32_t vgt_fuzz_regs_all[] = {
    /*
     * rings RCS, VCS, BCS, VECS: TAIL, HEAD, START, CTL, HWSTAM, MI_MODE,
     * IMR, PP_DIR_BASE, PP_DIR_DCLV, GFX_MODE, INSTPM, HWS_PGA, PSMI_CTL
     */
    0x02030, 0x02034, 0x02038, 0x0203c, 0x02098, 0x0209c, 0x020a8, 0x02228,
    0x02220, 0x0229c, 0x020c0, 0x02080, 0x02050, 0x12030, 0x12034, 0x12038,
    0x1203c, 0x12098, 0x1209c, 0x120a8, 0x12228, 0x12220, 0x1229c, 0x120c0,
    0x12080, 0x12050, 0x22030, 0x22034, 0x22038, 0x2203c, 0x22098, 0x2209c,
    0x220a8, 0x22228, 0x22220, 0x2229c, 0x220c0, 0x22080, 0x22050, 0x1a030,
    0x1a034, 0x1a038, 0x1a03c, 0x1a098, 0x1a09c, 0x1a0a8, 0x1a228, 0x1a220,
    0x1a29c, 0x1a0c0, 0x1a080, 0x1a050,
    0x04080, 0x04180, 0x04280, 0x04380,         /* HWS_PGA */
    0x02054, 0x02058, 0x0941c, 0x0a188, 0x130090, /* ECOSKPD, GDRST, wakes */
    0x44000, 0x44004, 0x44008, 0x4400c,         /* DE interrupts */
    0x44010, 0x44014, 0x44018, 0x4401c,         /* GT interrupts */
    0x44020, 0x44024, 0x44028, 0x4402c,         /* PM interrupts */
    0x44200, 0xc4000, 0xc4004, 0xc4008, 0xc400c, /* master, SDE */
    /*
     * pipes A..C: H/VTOTAL, H/VBLANK, H/VSYNC, PIPESRC, DDI_FUNC_CTL,
     * PIPECONF, PIPESTAT, DSPCNTR, DSPSTRIDE, DSPSURF, DSPOFFSET, CURCNTR,
     * CURBASE, CURPOS
     */
    0x60000, 0x60004, 0x60008, 0x6000c, 0x60010, 0x60014, 0x6001c, 0x60400,
    0x70008, 0x70024, 0x70180, 0x70188, 0x7019c, 0x701a4, 0x70080, 0x70084,
    0x70088, 0x61000, 0x61004, 0x61008, 0x6100c, 0x61010, 0x61014, 0x6101c,
    0x60500, 0x71008, 0x71024, 0x71180, 0x71188, 0x7119c, 0x711a4, 0x71080,
    0x71084, 0x71088, 0x62000, 0x62004, 0x62008, 0x6200c, 0x62010, 0x62014,
    0x6201c, 0x60600, 0x72008, 0x72024, 0x72180, 0x72188, 0x7219c, 0x721a4,
    0x72080, 0x72084, 0x72088,
    0x6f400, 0x46020, 0x45400, 0x41000,         /* eDP, PWR_WELL, VGA */
    0x64000, 0x64100, 0x64200, 0x64300,         /* DDI_BUF_CTL */
    0x64010, 0xe4110, 0xe4210,                  /* DP AUX A, B, C */
    0xc5100, 0xc5104, 0xc5108, 0xc510c, 0xc5110, 0xc5120, /* GMBUS0-5 */
    0x100000, 0x100004, 0x100008, 0x10000c,     /* fences 0, 1 */
    0x78010, 0x78014, 0x78800, 0x78808,         /* PVINFO */
};

/*
 * DP AUX control and data 1..5 of ports A..D, GMBUS0..5, and the
 * interrupts they raise (SDE, DE, master).
 */
static const uint32_t vgt_fuzz_regs_dp_gmbus[] = {
    0x64010, 0x64014, 0x64018, 0x6401c, 0x64020, 0x64024, 0xe4110, 0xe4114,
    0xe4118, 0xe411c, 0xe4120, 0xe4124, 0xe4210, 0xe4214, 0xe4218, 0xe421c,
    0xe4220, 0xe4224, 0xe4310, 0xe4314, 0xe4318, 0xe431c, 0xe4320, 0xe4324,
    0xc5100, 0xc5104, 0xc5108, 0xc510c, 0xc5110, 0xc5120,
    0xc4000, 0xc4004, 0xc4008, 0xc400c, 0x44008, 0x44200,
};

typedef struct VgtFuzzTarget {
    const char *name;
    const char *description;
    uint32_t ops;               /* bit per enum VgtFuzzOp */
    const uint32_t *regs;
    size_t nregs;
} VgtFuzzTarget;

#define VGT_FUZZ_OP(o)      (1u << VGT_FUZZ_##o)

static const VgtFuzzTarget vgt_fuzz_targets[] = {
    {
        .name = "vgt-device",
        .description = "vgt: the whole device: BAR0, BAR2, BAR4, config "
                       "space, VGA ports, guest RAM and the clock",
        .ops = (1u << VGT_FUZZ_NOPS) - 1,
        .regs = vgt_fuzz_regs_all, .nregs = ARRAY_SIZE(vgt_fuzz_regs_all),
    }, {
        .name = "vgt-regs",
        .description = "vgt: the register table's read and write paths",
        .ops = VGT_FUZZ_OP(MMIO_WRITE) | VGT_FUZZ_OP(MMIO_READ) |
               VGT_FUZZ_OP(REG_WRITE) | VGT_FUZZ_OP(REG_READ) |
               VGT_FUZZ_OP(CLOCK),
        .regs = vgt_fuzz_regs_all, .nregs = ARRAY_SIZE(vgt_fuzz_regs_all),
    }, {
        .name = "vgt-dp-gmbus",
        .description = "vgt: DP AUX channels and GMBUS (EDID, DPCD)",
        .ops = VGT_FUZZ_OP(REG_WRITE) | VGT_FUZZ_OP(REG_READ) |
               VGT_FUZZ_OP(CLOCK),
        .regs = vgt_fuzz_regs_dp_gmbus,
        .nregs = ARRAY_SIZE(vgt_fuzz_regs_dp_gmbus),
    },
};

static inline const VgtFuzzTarget *vgt_fuzz_target(const char *name)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(vgt_fuzz_targets); i++) {
        if (!strcmp(vgt_fuzz_targets[i].name, name)) {
            return &vgt_fuzz_targets[i];
        }
    }
    return NULL;
}

typedef struct VgtFuzzInput {
    const uint8_t *p;
    size_t left;
} VgtFuzzInput;

/* Bytes missing at the end of an input read as zero. */
static inline void vgt_fuzz_take(VgtFuzzInput *in, void *buf, size_t len)
{
    size_t n = MIN(len, in->left);

    memcpy(buf, in->p, n);
    memset((uint8_t *)buf + n, 0, len - n);
    in->p += n;
    in->left -= n;
}

static inline uint8_t vgt_fuzz_u8(VgtFuzzInput *in)
{
    uint8_t v;

    vgt_fuzz_take(in, &v, 1);
    return v;
}

static inline uint32_t vgt_fuzz_u32(VgtFuzzInput *in)
{
    uint8_t b[4];

    vgt_fuzz_take(in, b, 4);
    return ldl_le_p(b);
}

/* Config space of 00:02.0 through the 0xcf8/0xcfc mechanism. */
static inline uint32_t vgt_fuzz_cfg_addr(uint8_t offset)
{
    return 0x80000000u | (VGT_FUZZ_DEVFN << 8) | (offset & 0xfc);
}

static inline void vgt_fuzz_cfg_write(QTestState *qts, uint8_t offset,
                                      unsigned size, uint32_t value)
{
    qtest_outl(qts, 0xcf8, vgt_fuzz_cfg_addr(offset));
    switch (size) {
    case 1:
        qtest_outb(qts, 0xcfc + (offset & 3), value);
        break;
    case 2:
        qtest_outw(qts, 0xcfc + (offset & 2), value);
        break;
    default:
        qtest_outl(qts, 0xcfc, value);
    }
}

static inline uint32_t vgt_fuzz_cfg_read(QTestState *qts, uint8_t offset,
                                         unsigned size)
{
    qtest_outl(qts, 0xcf8, vgt_fuzz_cfg_addr(offset));
    switch (size) {
    case 1:
        return qtest_inb(qts, 0xcfc + (offset & 3));
    case 2:
        return qtest_inw(qts, 0xcfc + (offset & 2));
    }
    return qtest_inl(qts, 0xcfc);
}

/* Place and enable the BARs, as firmware does, at the start of an input. */
static inline void vgt_fuzz_setup(QTestState *qts)
{
    vgt_fuzz_cfg_write(qts, PCI_BASE_ADDRESS_0, 4, (uint32_t)VGT_FUZZ_BAR0);
    vgt_fuzz_cfg_write(qts, PCI_BASE_ADDRESS_1, 4, VGT_FUZZ_BAR0 >> 32);
    vgt_fuzz_cfg_write(qts, PCI_BASE_ADDRESS_2, 4, (uint32_t)VGT_FUZZ_BAR2);
    vgt_fuzz_cfg_write(qts, PCI_BASE_ADDRESS_3, 4, VGT_FUZZ_BAR2 >> 32);
    vgt_fuzz_cfg_write(qts, PCI_BASE_ADDRESS_4, 4, VGT_FUZZ_BAR4);
    vgt_fuzz_cfg_write(qts, PCI_COMMAND, 2, PCI_COMMAND_IO |
                       PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
}

/* Run one input of target @t on the machine behind @qts. */
static inline void vgt_fuzz_run(QTestState *qts, const VgtFuzzTarget *t,
                                const uint8_t *data, size_t size)
{
    VgtFuzzInput in = { data, size };
    uint8_t allowed[VGT_FUZZ_NOPS];
    unsigned nallowed = 0, i;

    for (i = 0; i < VGT_FUZZ_NOPS; i++) {
        if (t->ops & (1u << i)) {
            allowed[nallowed++] = i;
        }
    }
    vgt_fuzz_setup(qts);
    while (in.left) {
        uint8_t op = allowed[vgt_fuzz_u8(&in) % nallowed];
        uint32_t a, v;
        uint8_t b[64];

        switch (op) {
        case VGT_FUZZ_MMIO_WRITE:
            a = vgt_fuzz_u32(&in) % VGT_BAR0_SIZE & ~3u;
            qtest_writel(qts, VGT_FUZZ_BAR0 + a, vgt_fuzz_u32(&in));
            break;
        case VGT_FUZZ_MMIO_READ:
            a = vgt_fuzz_u32(&in) % VGT_BAR0_SIZE & ~3u;
            qtest_readl(qts, VGT_FUZZ_BAR0 + a);
            break;
        case VGT_FUZZ_REG_WRITE:
            a = t->regs[vgt_fuzz_u8(&in) % t->nregs];
            qtest_writel(qts, VGT_FUZZ_BAR0 + a, vgt_fuzz_u32(&in));
            break;
        case VGT_FUZZ_REG_READ:
            a = t->regs[vgt_fuzz_u8(&in) % t->nregs];
            qtest_readl(qts, VGT_FUZZ_BAR0 + a);
            break;
        case VGT_FUZZ_AP_WRITE:
            a = vgt_fuzz_u32(&in) % VGT_FUZZ_AP_SIZE & ~3u;
            qtest_writel(qts, VGT_FUZZ_BAR2 + a, vgt_fuzz_u32(&in));
            break;
        case VGT_FUZZ_AP_READ:
            a = vgt_fuzz_u32(&in) % VGT_FUZZ_AP_SIZE & ~3u;
            qtest_readl(qts, VGT_FUZZ_BAR2 + a);
            break;
        case VGT_FUZZ_IO_WRITE:
            a = vgt_fuzz_u8(&in) & 4;
            qtest_outl(qts, VGT_FUZZ_BAR4 + a, vgt_fuzz_u32(&in));
            break;
        case VGT_FUZZ_IO_READ:
            qtest_inl(qts, VGT_FUZZ_BAR4 + (vgt_fuzz_u8(&in) & 4));
            break;
        case VGT_FUZZ_CFG_WRITE:
            a = vgt_fuzz_u8(&in);
            v = vgt_fuzz_u8(&in);
            vgt_fuzz_cfg_write(qts, a, 1u << (v % 3), vgt_fuzz_u32(&in));
            break;
        case VGT_FUZZ_CFG_READ:
            a = vgt_fuzz_u8(&in);
            vgt_fuzz_cfg_read(qts, a, 1u << (vgt_fuzz_u8(&in) % 3));
            break;
        case VGT_FUZZ_RAM_WRITE:
            a = vgt_fuzz_u32(&in) % (VGT_FUZZ_RAM_SIZE - sizeof(b));
            v = vgt_fuzz_u8(&in) % (sizeof(b) + 1);
            vgt_fuzz_take(&in, b, v);
            qtest_memwrite(qts, a, b, v);
            break;
        case VGT_FUZZ_CLOCK:
            qtest_clock_step(qts, vgt_fuzz_u32(&in) % (50 * 1000 * 1000));
            break;
        case VGT_FUZZ_VGA_WRITE:
            a = 0x3b0 + vgt_fuzz_u8(&in) % 0x30;
            qtest_outb(qts, a, vgt_fuzz_u8(&in));
            break;
        case VGT_FUZZ_VGA_READ:
            qtest_inb(qts, 0x3b0 + vgt_fuzz_u8(&in) % 0x30);
            break;
        case VGT_FUZZ_GTT_RAM:
            a = vgt_fuzz_u32(&in) % VGT_GTT_ENTRIES;
            v = vgt_fuzz_u32(&in) % (VGT_FUZZ_RAM_SIZE >> 12);
            qtest_writel(qts, VGT_FUZZ_BAR0 + VGT_MMIO_SIZE + 4ull * a,
                         (v << 12) | 1);
            break;
        }
    }
}

#endif /* TESTS_QTEST_VGT_FUZZ_OPS_H */
