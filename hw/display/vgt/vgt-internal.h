/*
 * vgt: device state shared by the files of the QEMU device model.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_DISPLAY_VGT_INTERNAL_H
#define HW_DISPLAY_VGT_INTERNAL_H

#include "hw/pci/pci.h"
#include "qemu/bitmap.h"
#include "exec/memory.h"
#include "hw/vgt.h"
#include "qom/object.h"
#include "vgt-cfg-layout.h"
#include "vgt-opregion-layout.h"
#include "vgt-regs.h"

OBJECT_DECLARE_SIMPLE_TYPE(VgtState, VGT)


#define VGT_IO_BAR_SIZE     64
#define VGT_IO_INDEX        0x0     /* BAR4: MMIO offset to reach */
#define VGT_IO_DATA         0x4     /* BAR4: 32-bit data at that offset */

#define VGT_MMIO_DWORDS     (VGT_MMIO_SIZE / 4)
#define VGT_PVINFO_BASE     0x78000

struct VgtState {
    PCIDevice parent_obj;

    /* BAR0: registers then GTT; BAR2: aperture; BAR4: index/data I/O. */
    MemoryRegion bar0;
    MemoryRegion mmio;
    MemoryRegion gtt;
    MemoryRegion aperture;
    MemoryRegion io;

    /* Register file: one 32-bit virtual value per register dword. */
    uint32_t *vregs;
    /* Offsets already reported as unimplemented (one bit per dword). */
    unsigned long *unimp_reported;
    DECLARE_BITMAP(cfg_unimp_reported, PCI_CONFIG_SPACE_SIZE);
    bool gtt_unimp_reported;
    bool aperture_unimp_reported;
    uint64_t guest_errors;
    uint32_t *reg_guest_errors;     /* per register table row */

    uint32_t io_index;

    /* OpRegion: live contents, mapped where the guest put ASLS. */
    uint8_t *opregion;
    MemoryRegion opregion_mr;
    bool opregion_mapped;
    hwaddr opregion_addr;
    /* Pristine copy, offered to firmware as fw_cfg "etc/igd-opregion". */
    uint8_t *opregion_template;

    /* Interrupt line as the (future) interrupt chain computes it. */
    bool irq_level;

    /* The host helper (vgt-host.c) and this VM's partition. */
    const struct vgt_host_ops *host_ops;
    struct vgt_conn *host;
    struct vgt_instance_info part;
    MemoryListener mem_listener;
    bool mem_listener_registered;
    bool host_realized;
    Error *host_err;            /* first guest-RAM registration error */
    int host_event_fd;

    /* Properties */
    uint16_t subsys_vendor_id;
    uint16_t subsys_id;
    uint64_t aperture_size;
    uint64_t stolen_size;
    char *helper;               /* vgt-hostd socket; NULL: embedded */
    uint32_t low_gm_sz;         /* MiB of mappable GM */
    uint32_t high_gm_sz;        /* MiB of non-mappable GM */
    uint32_t fence_sz;          /* fence registers */
    uint32_t xres;              /* virtual monitor, pixels */
    uint32_t yres;
};

/* vgt-cfg.c */
bool vgt_cfg_init(VgtState *s, Error **errp);
void vgt_cfg_reset(VgtState *s);
uint32_t vgt_cfg_read(PCIDevice *pdev, uint32_t addr, int len);
void vgt_cfg_write(PCIDevice *pdev, uint32_t addr, uint32_t val, int len);

/* vgt-opregion.c */
void vgt_opregion_init(VgtState *s);
void vgt_opregion_map(VgtState *s, uint32_t asls);
void vgt_opregion_reset(VgtState *s);
void vgt_opregion_exit(VgtState *s);

/* vgt-regs.c: the register file (tables: vgt-regs.h) */
bool vgt_regs_init(VgtState *s, Error **errp);
void vgt_regs_reset(VgtState *s);
void vgt_regs_exit(VgtState *s);
uint32_t vgt_reg_read(VgtState *s, uint32_t offset);
void vgt_reg_write(VgtState *s, uint32_t offset, uint32_t value);

/* vgt-mmio.c: BAR0 (registers + GTT), BAR2, BAR4 */
void vgt_mmio_init(VgtState *s);

/* vgt-host.c: the host helper */
bool vgt_host_connect(VgtState *s, Error **errp);
void vgt_host_reset(VgtState *s);
void vgt_host_disconnect(VgtState *s);

/* vgt-irq.c */
void vgt_irq_set_level(VgtState *s, bool level);

#endif
