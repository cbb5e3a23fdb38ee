/*
 * vgt-hsw: the software Haswell as a bare PCI GPU.
 *
 * Not the vGPU (-device vgt): this device IS a whole Haswell GT2 for the
 * VM it sits in, as a host sees a real one, so that a kernel helper
 * (vgt.ko) running in a TCG VM binds and drives it through BAR0.  The
 * GPU is the helper's software Haswell (kernel-shim/swhsw) with its two
 * bare-GPU hooks: device addresses are this VM's bus addresses, reached
 * with QEMU's PCI DMA API, and the rings run from their registers.
 *
 *   BAR0 4 MiB, 64-bit: [0, 2 MiB) registers, [2 MiB, 4 MiB) the GTT
 *   BAR2 512 MiB, 64-bit prefetchable: the aperture (GM through the GTT)
 *   MSI (1 vector, 64-bit), INTx pin A when MSI is off
 *
 * Not modelled: display, VGA, migration (unmigratable).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bitops.h"
#include "qemu/bswap.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "qemu/module.h"
#include "qemu/rcu.h"
#include "qemu/units.h"
#include "qapi/error.h"
#include "exec/memory.h"
#include "hw/pci/msi.h"
#include "hw/pci/pci.h"
#include "hw/qdev-properties.h"
#include "migration/vmstate.h"
#include "qom/object.h"
#include "hw/vgt.h"
#include "hw/vgt-helper-abi.h"
#include "kernel-shim/swhsw/swhsw.h"
#include "trace.h"

#define TYPE_VGT_HSW            "vgt-hsw"
OBJECT_DECLARE_SIMPLE_TYPE(VgtHswState, VGT_HSW)

/* The PCI face of a Haswell GT2, shared with -device vgt (hw/vgt.h). */
#define VGT_HSW_BAR0_SIZE       VGT_BAR0_SIZE
#define VGT_HSW_GTT_OFFSET      VGT_MMIO_SIZE
#define VGT_HSW_PAGE            VGT_PAGE_SIZE
/* A kick's budget: a ring that needs more has hung. */
#define VGT_HSW_MAX_CMDS        (1ull << 20)
#define VGT_HSW_MAX_BYTES       (256 * MiB)
/* Pages the engines hold mapped at once (see vgt_hsw_dma_map). */
#define VGT_HSW_MAPS            16

typedef struct VgtHswMap {
    uint64_t page;              /* bus address */
    uint8_t *host;
    bool write;
} VgtHswMap;

struct VgtHswState {
    PCIDevice parent_obj;

    MemoryRegion bar0;
    MemoryRegion aperture;
    struct vgt_swhsw *sw;
    struct vgt_gpu gpu;
    QEMUBH *ring_bh;
    bool irq_level;             /* the interrupt line, last evaluated */

    VgtHswMap map[VGT_HSW_MAPS];
    unsigned nr_map;

    uint16_t subsys_vendor_id;
    uint16_t subsys_id;
};

static bool vgt_hsw_bus_master(VgtHswState *s)
{
    PCIDevice *pdev = PCI_DEVICE(s);

    return pci_get_word(pdev->config + PCI_COMMAND) & PCI_COMMAND_MASTER;
}

/* ---- interrupts ---------------------------------------------------- */

/*
 * The line is the software Haswell's "interrupt pending".  MSI: one
 * message when it rises, and one after an engine run that latched an
 * interrupt while it stayed high (so that nothing the driver has not
 * acknowledged yet is lost).  INTx: the level, while MSI is off.
 */
static void vgt_hsw_update_irq(VgtHswState *s, bool event)
{
    PCIDevice *pdev = PCI_DEVICE(s);
    bool level = vgt_swhsw_irq_pending(s->sw);

    if (msi_enabled(pdev)) {
        pci_set_irq(pdev, 0);
        if (level && (!s->irq_level || event)) {
            trace_vgt_hsw_msi();
            msi_notify(pdev, 0);
        }
    } else {
        if (level != s->irq_level) {
            trace_vgt_hsw_intx(level);
        }
        pci_set_irq(pdev, level);
    }
    s->irq_level = level;
}

/* ---- DMA: the software Haswell's bus addresses ---------------------- */

static void vgt_hsw_dma_release(void *opaque)
{
    VgtHswState *s = opaque;
    PCIDevice *pdev = PCI_DEVICE(s);
    unsigned i;

    for (i = 0; i < s->nr_map; i++) {
        VgtHswMap *m = &s->map[i];

        /* written pages are unmapped as written: they become dirty */
        pci_dma_unmap(pdev, m->host, VGT_HSW_PAGE,
                      m->write ? DMA_DIRECTION_FROM_DEVICE :
                                 DMA_DIRECTION_TO_DEVICE,
                      m->write ? VGT_HSW_PAGE : 0);
    }
    if (s->nr_map) {
        trace_vgt_hsw_dma_release(s->nr_map);
    }
    s->nr_map = 0;
}

/* Does this VM's bus address @page lead to RAM the GPU may access? */
static bool vgt_hsw_dma_is_ram(VgtHswState *s, uint64_t page, bool write)
{
    AddressSpace *as = pci_get_address_space(PCI_DEVICE(s));
    hwaddr xlat, plen = VGT_HSW_PAGE;
    MemoryRegion *mr;

    RCU_READ_LOCK_GUARD();
    mr = address_space_translate(as, page, &xlat, &plen, write,
                                 MEMTXATTRS_UNSPECIFIED);
    return plen == VGT_HSW_PAGE && memory_access_is_direct(mr, write);
}

/*
 * Bus address -> host pointer, one page at a time, through pci_dma_map
 * of the whole page.  Only RAM (directly mapped, never a bounce buffer:
 * the engines DMA into the VM's memory, not into device registers).
 * Pages stay mapped until release (the end of the engine run); when the
 * table is full it is emptied first, which is safe because the software
 * Haswell never uses a pointer past its next map call (swhsw.h).  Bus
 * mastering off, or no RAM there: NULL, a fault of the engine.
 */
static void *vgt_hsw_dma_map(void *opaque, u64 addr, u32 len, bool write)
{
    VgtHswState *s = opaque;
    PCIDevice *pdev = PCI_DEVICE(s);
    uint64_t page = addr & ~(uint64_t)(VGT_HSW_PAGE - 1);
    unsigned off = addr & (VGT_HSW_PAGE - 1), i;
    DMADirection dir = write ? DMA_DIRECTION_FROM_DEVICE :
                               DMA_DIRECTION_TO_DEVICE;
    dma_addr_t plen = VGT_HSW_PAGE;
    uint8_t *host;

    if (!vgt_hsw_bus_master(s)) {
        trace_vgt_hsw_dma_fault(addr, len, write, "bus mastering is off");
        return NULL;
    }
    for (i = 0; i < s->nr_map; i++) {
        if (s->map[i].page == page && (s->map[i].write || !write)) {
            return s->map[i].host + off;
        }
    }
    if (!vgt_hsw_dma_is_ram(s, page, write)) {
        trace_vgt_hsw_dma_fault(addr, len, write, "not RAM");
        return NULL;
    }
    if (s->nr_map == VGT_HSW_MAPS) {
        vgt_hsw_dma_release(s);
    }
    host = pci_dma_map(pdev, page, &plen, dir);
    if (host && plen < VGT_HSW_PAGE) {
        pci_dma_unmap(pdev, host, plen, dir, 0);
        host = NULL;
    }
    if (!host) {
        trace_vgt_hsw_dma_fault(addr, len, write, "not mappable");
        return NULL;
    }
    s->map[s->nr_map++] = (VgtHswMap) {
        .page = page, .host = host, .write = write,
    };
    trace_vgt_hsw_dma_map(page, write);
    return host + off;
}

static const struct vgt_swhsw_dma_ops vgt_hsw_dma_ops = {
    .map = vgt_hsw_dma_map,
    .release = vgt_hsw_dma_release,
};

/* ---- the rings ------------------------------------------------------ */

/* From inside a register write: run the engines later, not in there. */
static void vgt_hsw_ring_kick(void *opaque)
{
    VgtHswState *s = opaque;

    trace_vgt_hsw_ring_kick(vgt_swhsw_rings_kicked(s->sw));
    qemu_bh_schedule(s->ring_bh);
}

static void vgt_hsw_cmd_trace(void *opaque, const struct hsw_cmd_trace *t)
{
    trace_vgt_hsw_cmd(GPOINTER_TO_UINT(opaque), t->gma, t->dw0, t->len);
}

static void vgt_hsw_ring_bh(void *opaque)
{
    VgtHswState *s = opaque;
    u32 kicked = vgt_swhsw_rings_kicked(s->sw);
    bool event = false;
    u32 e;

    for (e = 0; e < HSW_NUM_ENGINES; e++) {
        const struct hsw_engine *he = &hsw_engines[e];
        struct vgt_gpu_exec x = {
            .max_cmds = VGT_HSW_MAX_CMDS,
            .max_bytes = VGT_HSW_MAX_BYTES,
        };

        if (!(kicked & HSW_ENGINE_BIT(e))) {
            continue;
        }
        if (trace_event_get_state_backends(TRACE_VGT_HSW_CMD)) {
            x.trace = vgt_hsw_cmd_trace;
            x.trace_opaque = GUINT_TO_POINTER(e);
        }
        vgt_swhsw_ring_run(s->sw, e, &x);
        trace_vgt_hsw_ring_run(he->name, x.status, x.cmds, x.bytes,
                               x.user_irqs,
                               s->gpu.ops->read32(s->sw,
                                                  RING_HEAD(he->mmio_base)));
        if (x.status == VGT_EXEC_FAULT) {
            qemu_log_mask(LOG_GUEST_ERROR, "vgt-hsw: %s: engine fault at "
                          "GM 0x%" PRIx64 " (command 0x%08x)\n", he->name,
                          x.fault_addr, x.fault_cmd);
            trace_vgt_hsw_ring_fault(he->name, x.fault_addr, x.fault_cmd);
        } else if (x.status == VGT_EXEC_HANG) {
            qemu_log_mask(LOG_GUEST_ERROR, "vgt-hsw: %s: ring hung after "
                          "%" PRIu64 " commands, %" PRIu64 " bytes\n",
                          he->name, x.cmds, x.bytes);
            trace_vgt_hsw_ring_hang(he->name, x.cmds, x.bytes);
        }
        event |= x.user_irqs != 0;
    }
    vgt_hsw_update_irq(s, event);
}

/* ---- BAR0: registers and GTT ---------------------------------------- */

static uint32_t vgt_hsw_dword_read(VgtHswState *s, hwaddr addr)
{
    uint32_t v;

    if (addr < VGT_HSW_GTT_OFFSET) {
        v = s->gpu.ops->read32(s->sw, addr);
        trace_vgt_hsw_reg_read(addr, v);
    } else {
        v = s->gpu.ops->gtt_read(s->sw, (addr - VGT_HSW_GTT_OFFSET) / 4);
        trace_vgt_hsw_gtt_read((addr - VGT_HSW_GTT_OFFSET) / 4, v);
    }
    return v;
}

static void vgt_hsw_dword_write(VgtHswState *s, hwaddr addr, uint32_t v)
{
    if (addr < VGT_HSW_GTT_OFFSET) {
        trace_vgt_hsw_reg_write(addr, v);
        s->gpu.ops->write32(s->sw, addr, v);
        /* IER, IMR, IIR writes move the line */
        vgt_hsw_update_irq(s, false);
    } else {
        trace_vgt_hsw_gtt_write((addr - VGT_HSW_GTT_OFFSET) / 4, v);
        s->gpu.ops->gtt_write(s->sw, (addr - VGT_HSW_GTT_OFFSET) / 4, v);
    }
}

/*
 * 4-byte accesses are the GPU's; an aligned 8-byte one is two of them
 * (low dword first); an aligned 1- or 2-byte read is cut from its dword.
 * Anything else is a guest error: reads all-ones, writes dropped.
 */
static uint64_t vgt_hsw_bar0_read(void *opaque, hwaddr addr, unsigned size)
{
    VgtHswState *s = opaque;
    uint32_t v;

    if (addr & (size - 1)) {
        qemu_log_mask(LOG_GUEST_ERROR, "vgt-hsw: unaligned BAR0 read of "
                      "%u bytes at 0x%" HWADDR_PRIx "\n", size, addr);
        trace_vgt_hsw_bar0_bad(addr, size, false);
        return MAKE_64BIT_MASK(0, size * 8);
    }
    if (size == 8) {
        return vgt_hsw_dword_read(s, addr) |
               (uint64_t)vgt_hsw_dword_read(s, addr + 4) << 32;
    }
    v = vgt_hsw_dword_read(s, addr & ~3ull);
    if (size < 4) {
        v = extract32(v, (addr & 3) * 8, size * 8);
        trace_vgt_hsw_bar0_narrow(addr, size, false, v);
    }
    return v;
}

static void vgt_hsw_bar0_write(void *opaque, hwaddr addr, uint64_t val,
                               unsigned size)
{
    VgtHswState *s = opaque;

    if (size < 4 || (addr & (size - 1))) {
        qemu_log_mask(LOG_GUEST_ERROR, "vgt-hsw: BAR0 write of %u bytes at "
                      "0x%" HWADDR_PRIx " dropped: the GPU takes aligned "
                      "dwords\n", size, addr);
        trace_vgt_hsw_bar0_bad(addr, size, true);
        return;
    }
    vgt_hsw_dword_write(s, addr, val);
    if (size == 8) {
        vgt_hsw_dword_write(s, addr + 4, val >> 32);
    }
}

static const MemoryRegionOps vgt_hsw_bar0_ops = {
    .read = vgt_hsw_bar0_read,
    .write = vgt_hsw_bar0_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 8,
               .unaligned = true },
    .impl = { .min_access_size = 1, .max_access_size = 8,
              .unaligned = true },
};

/* ---- BAR2: the aperture --------------------------------------------- */

/*
 * CPU access to GM [0, 512 MiB) through the GTT, one page piece at a
 * time: an invalid entry, bus mastering off or a failed DMA reads
 * all-ones and drops writes.
 */
static void vgt_hsw_aperture_rw(VgtHswState *s, hwaddr addr, uint8_t *buf,
                                unsigned size, bool write)
{
    PCIDevice *pdev = PCI_DEVICE(s);

    while (size) {
        unsigned off = addr & (VGT_HSW_PAGE - 1);
        unsigned n = MIN(size, VGT_HSW_PAGE - off);
        uint32_t pte = s->gpu.ops->gtt_read(s->sw, addr / VGT_HSW_PAGE);
        uint64_t bus = hsw_pte_decode(pte) + off;
        const char *why = NULL;
        MemTxResult r;

        if (!(pte & HSW_PTE_VALID)) {
            why = "invalid GTT entry";
        } else if (!vgt_hsw_bus_master(s)) {
            why = "bus mastering is off";
        } else {
            r = write ? pci_dma_write(pdev, bus, buf, n) :
                        pci_dma_read(pdev, bus, buf, n);
            if (r != MEMTX_OK) {
                why = "DMA failed";
            }
        }
        if (why) {
            qemu_log_mask(LOG_GUEST_ERROR, "vgt-hsw: aperture %s at GM "
                          "0x%" HWADDR_PRIx ": %s\n", write ? "write" : "read",
                          addr, why);
            trace_vgt_hsw_aperture_bad(addr, n, write, pte, why);
            if (!write) {
                memset(buf, 0xff, n);
            }
        } else {
            trace_vgt_hsw_aperture(addr, n, write, bus);
        }
        addr += n;
        buf += n;
        size -= n;
    }
}

static uint64_t vgt_hsw_aperture_read(void *opaque, hwaddr addr,
                                      unsigned size)
{
    uint8_t buf[8];

    vgt_hsw_aperture_rw(opaque, addr, buf, size, false);
    return ldn_le_p(buf, size);
}

static void vgt_hsw_aperture_write(void *opaque, hwaddr addr, uint64_t val,
                                   unsigned size)
{
    uint8_t buf[8];

    stn_le_p(buf, size, val);
    vgt_hsw_aperture_rw(opaque, addr, buf, size, true);
}

static const MemoryRegionOps vgt_hsw_aperture_ops = {
    .read = vgt_hsw_aperture_read,
    .write = vgt_hsw_aperture_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 8,
               .unaligned = true },
    .impl = { .min_access_size = 1, .max_access_size = 8,
              .unaligned = true },
};

/* ---- life cycle ----------------------------------------------------- */

static void vgt_hsw_realize(PCIDevice *pdev, Error **errp)
{
    VgtHswState *s = VGT_HSW(pdev);
    int ret;

    s->sw = vgt_swhsw_create();
    if (!s->sw) {
        error_setg(errp, "vgt-hsw: cannot allocate the software Haswell");
        return;
    }
    vgt_swhsw_get_gpu(s->sw, &s->gpu);
    vgt_swhsw_set_dma_ops(s->sw, &vgt_hsw_dma_ops, s);
    vgt_swhsw_set_ring_kick(s->sw, vgt_hsw_ring_kick, s);
    s->ring_bh = qemu_bh_new_guarded(vgt_hsw_ring_bh, s,
                                     &DEVICE(pdev)->mem_reentrancy_guard);

    pci_set_word(pdev->config + PCI_SUBSYSTEM_VENDOR_ID, s->subsys_vendor_id);
    pci_set_word(pdev->config + PCI_SUBSYSTEM_ID, s->subsys_id);
    pci_config_set_interrupt_pin(pdev->config, 1);

    ret = msi_init(pdev, 0, 1, true, false, errp);
    if (ret && ret != -ENOTSUP) {
        qemu_bh_delete(s->ring_bh);
        vgt_swhsw_destroy(s->sw);
        s->sw = NULL;
        return;
    }

    memory_region_init_io(&s->bar0, OBJECT(s), &vgt_hsw_bar0_ops, s,
                          "vgt-hsw.bar0", VGT_HSW_BAR0_SIZE);
    memory_region_init_io(&s->aperture, OBJECT(s), &vgt_hsw_aperture_ops, s,
                          "vgt-hsw.aperture", HSW_APERTURE_SIZE);
    pci_register_bar(pdev, 0, PCI_BASE_ADDRESS_SPACE_MEMORY |
                     PCI_BASE_ADDRESS_MEM_TYPE_64, &s->bar0);
    pci_register_bar(pdev, 2, PCI_BASE_ADDRESS_SPACE_MEMORY |
                     PCI_BASE_ADDRESS_MEM_TYPE_64 |
                     PCI_BASE_ADDRESS_MEM_PREFETCH, &s->aperture);
    trace_vgt_hsw_realize(ret == 0);
}

static void vgt_hsw_exit(PCIDevice *pdev)
{
    VgtHswState *s = VGT_HSW(pdev);

    qemu_bh_delete(s->ring_bh);
    vgt_hsw_dma_release(s);
    msi_uninit(pdev);
    vgt_swhsw_destroy(s->sw);
    s->sw = NULL;
}

/* The PCI reset and the system reset: power-on GPU, rings stopped. */
static void vgt_hsw_reset(DeviceState *dev)
{
    VgtHswState *s = VGT_HSW(dev);

    trace_vgt_hsw_reset();
    qemu_bh_cancel(s->ring_bh);
    vgt_hsw_dma_release(s);
    vgt_swhsw_reset(s->sw);
    s->irq_level = false;
    pci_set_irq(PCI_DEVICE(s), 0);
}

static Property vgt_hsw_properties[] = {
    /* QEMU's own subsystem IDs, as on every emulated device, by default */
    DEFINE_PROP_UINT16("subsys_vendor_id", VgtHswState, subsys_vendor_id,
                       PCI_SUBVENDOR_ID_REDHAT_QUMRANET),
    DEFINE_PROP_UINT16("subsys_id", VgtHswState, subsys_id,
                       PCI_SUBDEVICE_ID_QEMU),
    DEFINE_PROP_END_OF_LIST(),
};

static const VMStateDescription vmstate_vgt_hsw = {
    .name = TYPE_VGT_HSW,
    .unmigratable = 1,  /* the software Haswell's state is not migrated */
};

static void vgt_hsw_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);

    k->realize = vgt_hsw_realize;
    k->exit = vgt_hsw_exit;
    k->vendor_id = VGT_PCI_VENDOR_ID;
    k->device_id = VGT_PCI_DEVICE_ID;   /* Haswell GT2 desktop */
    k->revision = VGT_PCI_REVISION;
    k->class_id = PCI_CLASS_DISPLAY_VGA;
    dc->desc = "software Intel Haswell GT2 as a bare PCI GPU (vgt tests)";
    dc->reset = vgt_hsw_reset;
    dc->vmsd = &vmstate_vgt_hsw;
    device_class_set_props(dc, vgt_hsw_properties);
    set_bit(DEVICE_CATEGORY_DISPLAY, dc->categories);
}

static const TypeInfo vgt_hsw_info = {
    .name = TYPE_VGT_HSW,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(VgtHswState),
    .class_init = vgt_hsw_class_init,
    .interfaces = (InterfaceInfo[]) {
        { INTERFACE_CONVENTIONAL_PCI_DEVICE },
        { },
    },
};

static void vgt_hsw_register_types(void)
{
    type_register_static(&vgt_hsw_info);
}

type_init(vgt_hsw_register_types)
