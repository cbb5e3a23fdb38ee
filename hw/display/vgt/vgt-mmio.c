/*
 * vgt: the device's memory and I/O BARs.
 *
 * BAR0 is 4 MiB: registers in the first 2 MiB, the global GTT in the
 * second (vgt-gtt.c; BAR2, the aperture, is vgt-aperture.c).  Register
 * accesses of any size and alignment are reduced to 32-bit accesses of
 * the register file, as the hardware decodes them
 * (i915 uses 8-, 16-, 32- and 64-bit accesses).  BAR4 is the legacy
 * index/data window onto the same register file.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "vgt-internal.h"
#include "trace.h"

static bool vgt_mmio_access_ok(VgtState *s, hwaddr addr, unsigned size,
                               bool write)
{
    /* Natural alignment only; the hardware does not split a register. */
    if (addr & (size - 1)) {
        s->stats.guest_errors++;
        qemu_log_mask(LOG_GUEST_ERROR, "vgt: unaligned %u-byte MMIO %s at "
                      "0x%" HWADDR_PRIx " ignored\n", size,
                      write ? "write" : "read", addr);
        trace_vgt_mmio_bad_access(addr, size, write);
        return false;
    }
    return true;
}

static uint32_t vgt_mmio_get(VgtState *s, uint32_t index)
{
    return vgt_reg_read(s, index * 4);
}

static void vgt_mmio_set(VgtState *s, uint32_t index, uint32_t value)
{
    vgt_reg_write(s, index * 4, value);
}

static uint64_t vgt_mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    VgtState *s = opaque;
    uint64_t value;

    vgt_gtt_flush(s);   /* the GPU must see the guest's GTT first */
    if (!vgt_mmio_access_ok(s, addr, size, false)) {
        return 0;
    }
    value = vgt_dwords_read(s, addr, size, vgt_mmio_get);
    trace_vgt_mmio_read(addr, size, value);
    return value;
}

static void vgt_mmio_write(void *opaque, hwaddr addr, uint64_t value,
                           unsigned size)
{
    VgtState *s = opaque;

    trace_vgt_mmio_write(addr, size, value);
    vgt_gtt_flush(s);   /* the GPU must see the guest's GTT first */
    if (!vgt_mmio_access_ok(s, addr, size, true)) {
        return;
    }
    vgt_dwords_write(s, addr, size, value, vgt_mmio_get, vgt_mmio_set);
}

static const MemoryRegionOps vgt_mmio_ops = {
    .read = vgt_mmio_read,
    .write = vgt_mmio_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {
        .min_access_size = 1,
        .max_access_size = 8,
        .unaligned = true,  /* rejected with a guest error, see above */
    },
    .impl = {
        .min_access_size = 1,
        .max_access_size = 8,
        .unaligned = true,
    },
};

/* BAR4: dword index at +0, dword data at +4 (other offsets: reserved). */
static uint64_t vgt_io_read(void *opaque, hwaddr addr, unsigned size)
{
    VgtState *s = opaque;
    uint64_t value = 0;

    if (size == 4 && addr == VGT_IO_INDEX) {
        value = s->regs.io_index;
    } else if (size == 4 && addr == VGT_IO_DATA) {
        vgt_gtt_flush(s);
        value = vgt_reg_read(s, s->regs.io_index);
    } else {
        s->stats.guest_errors++;
        qemu_log_mask(LOG_GUEST_ERROR, "vgt: %u-byte I/O BAR read at 0x%"
                      HWADDR_PRIx " outside its index/data dwords\n",
                      size, addr);
    }
    trace_vgt_io_read(addr, size, s->regs.io_index, value);
    return value;
}

static void vgt_io_write(void *opaque, hwaddr addr, uint64_t value,
                         unsigned size)
{
    VgtState *s = opaque;

    trace_vgt_io_write(addr, size, s->regs.io_index, value);
    if (size == 4 && addr == VGT_IO_INDEX) {
        if (value >= VGT_MMIO_SIZE || (value & 3)) {
            s->stats.guest_errors++;
            qemu_log_mask(LOG_GUEST_ERROR, "vgt: I/O BAR index 0x%" PRIx64
                          " is not a register dword; ignored\n", value);
            return;
        }
        s->regs.io_index = value;
    } else if (size == 4 && addr == VGT_IO_DATA) {
        vgt_gtt_flush(s);
        vgt_reg_write(s, s->regs.io_index, value);
    } else {
        s->stats.guest_errors++;
        qemu_log_mask(LOG_GUEST_ERROR, "vgt: %u-byte I/O BAR write at 0x%"
                      HWADDR_PRIx " outside its index/data dwords ignored\n",
                      size, addr);
    }
}

static const MemoryRegionOps vgt_io_ops = {
    .read = vgt_io_read,
    .write = vgt_io_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {
        .min_access_size = 1,
        .max_access_size = 4,
        .unaligned = true,
    },
    .impl = {
        .min_access_size = 1,
        .max_access_size = 4,
        .unaligned = true,
    },
};

void vgt_mmio_init(VgtState *s)
{
    Object *owner = OBJECT(s);

    memory_region_init(&s->bar0, owner, "vgt-bar0", VGT_BAR0_SIZE);
    memory_region_init_io(&s->mmio, owner, &vgt_mmio_ops, s, "vgt-mmio",
                          VGT_MMIO_SIZE);
    memory_region_add_subregion(&s->bar0, 0, &s->mmio);
    /* The GTT half: vgt_gtt_init(); BAR2: vgt_aperture_init(). */
    memory_region_init_io(&s->io, owner, &vgt_io_ops, s, "vgt-io",
                          VGT_IO_BAR_SIZE);
}
