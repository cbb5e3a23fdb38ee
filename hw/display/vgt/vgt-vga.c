/*
 * vgt: the boot screen.  An Intel GPU at 00:02.0 decodes legacy VGA (the
 * VGA I/O ports and the 0xA0000 window) from power-on until its driver
 * turns VGA off, so firmware, boot loaders and early kernel consoles show
 * on it.  vgt does the same with QEMU's VGA common code (hw/display/vga.c).
 *
 * The option ROM is SeaBIOS's "stdvga" VGA BIOS from Debian's seabios
 * package (the class's romfile; QEMU patches our vendor and device IDs into
 * its PCI header, so SeaBIOS runs it).  The Bochs VBE ports (0x1ce/0x1cf)
 * are deliberately not decoded: that BIOS would put VBE's linear
 * framebuffer at BAR0, which here is the GPU's MMIO and GTT.  Without them
 * it falls back to plain VGA: text modes and the planar and 256-colour
 * graphics modes.  The ports answer as nothing there would on a PC (reads
 * all ones, writes dropped), quietly: the BIOS probes them on every boot,
 * with 16-bit accesses at an odd port that QEMU's unassigned-I/O path would
 * report as guest errors.
 *
 * CPU_VGACNTRL bit 31 (VGA_DISP_DISABLE) says what the monitor shows, as on
 * Haswell: clear (its reset value) the VGA plane; set (i915's
 * intel_vga_disable) the pipes (vgt-display.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "vgt-internal.h"
#include "trace.h"

/* Legacy VGA needs 256 KiB; QEMU's VGA code rounds up to 1 MiB anyway. */
#define VGT_VGA_VRAM_MB     1

/* Bochs VBE DISPI index and data ports: absent (see the top of the file). */
#define VGT_VBE_PORT        0x1ce
#define VGT_VBE_PORTS       3

static uint64_t vgt_vbe_absent_read(void *opaque, hwaddr addr, unsigned size)
{
    trace_vgt_vga_vbe_probe(VGT_VBE_PORT + addr, size, false, 0);
    return MAKE_64BIT_MASK(0, size * 8);
}

static void vgt_vbe_absent_write(void *opaque, hwaddr addr, uint64_t value,
                                 unsigned size)
{
    trace_vgt_vga_vbe_probe(VGT_VBE_PORT + addr, size, true, value);
}

static const MemoryRegionOps vgt_vbe_absent_ops = {
    .read = vgt_vbe_absent_read,
    .write = vgt_vbe_absent_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {
        .min_access_size = 1,
        .max_access_size = 2,
        .unaligned = true,
    },
    .impl = {
        .min_access_size = 1,
        .max_access_size = 2,
        .unaligned = true,
    },
};

bool vgt_vga_init(VgtState *s, Error **errp)
{
    PCIDevice *pdev = PCI_DEVICE(s);
    VGACommonState *vga = &s->vga.common;
    const MemoryRegionPortio *vga_ports, *vbe_ports;

    vga->vram_size_mb = VGT_VGA_VRAM_MB;
    if (!vga_common_init(vga, OBJECT(s), errp)) {
        return false;
    }
    /* where the chain-4 alias goes when the guest picks 256-colour modes */
    vga->legacy_address_space = pci_address_space(pdev);
    s->vga.lowmem = vga_init_io(vga, OBJECT(s), &vga_ports, &vbe_ports);
    memory_region_add_subregion_overlap(pci_address_space(pdev), 0xa0000,
                                        s->vga.lowmem, 1);
    memory_region_set_coalescing(s->vga.lowmem);
    portio_list_init(&vga->vga_port_list, OBJECT(s), vga_ports, vga, "vga");
    portio_list_set_flush_coalesced(&vga->vga_port_list);
    portio_list_add(&vga->vga_port_list, pci_address_space_io(pdev), 0x3b0);
    /*
     * vbe_ports stay unregistered: see the top of this file.  Below a real
     * VGA's priority, so that a -device VGA next to vgt keeps its VBE.
     */
    memory_region_init_io(&s->vga.vbe_absent, OBJECT(s), &vgt_vbe_absent_ops,
                          s, "vgt-vbe-absent", VGT_VBE_PORTS);
    memory_region_add_subregion_overlap(pci_address_space_io(pdev),
                                        VGT_VBE_PORT, &s->vga.vbe_absent, -1);
    trace_vgt_vga_init(vga->vram_size);
    return true;
}

void vgt_vga_exit(VgtState *s)
{
    if (!s->vga.lowmem) {
        return;
    }
    portio_list_del(&s->vga.common.vga_port_list);
    portio_list_destroy(&s->vga.common.vga_port_list);
    memory_region_del_subregion(pci_address_space(PCI_DEVICE(s)),
                                s->vga.lowmem);
    memory_region_del_subregion(pci_address_space_io(PCI_DEVICE(s)),
                                &s->vga.vbe_absent);
    s->vga.lowmem = NULL;
}

void vgt_vga_reset(VgtState *s)
{
    if (!s->conf.vga) {
        return;
    }
    vga_common_reset(&s->vga.common);
    trace_vgt_vga_reset();
}

bool vgt_vga_enabled(VgtState *s)
{
    return s->conf.vga && !(vgt_vreg(s, CPU_VGACNTRL) & VGA_DISP_DISABLE);
}

void vgt_vga_invalidate(VgtState *s)
{
    s->vga.common.hw_ops->invalidate(&s->vga.common);
}

void vgt_vga_update(VgtState *s)
{
    s->vga.common.hw_ops->gfx_update(&s->vga.common);
}

void vgt_vga_text_update(VgtState *s, console_ch_t *chardata)
{
    s->vga.common.hw_ops->text_update(&s->vga.common, chardata);
}
