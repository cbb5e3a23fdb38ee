/*
 * vgt: mediated pass-through virtual Intel Haswell GPU (gen 7.5).
 *
 * The guest sees a Haswell GT2 (8086:0412) and runs the stock i915 driver
 * in vGPU mode.  This file holds the QOM type, its properties and its
 * life cycle; each concern has its own file (configuration space, register
 * file, BARs, OpRegion, interrupts).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/module.h"
#include "qemu/units.h"
#include "qapi/error.h"
#include "qapi/visitor.h"
#include "hw/pci/msi.h"
#include "hw/pci/pci_bus.h"
#include "hw/qdev-properties.h"
#include "migration/vmstate.h"
#include "vgt-internal.h"
#include "kernel-shim/hsw/hsw-regs.h"
#include "trace.h"

static void vgt_exit(PCIDevice *pdev)
{
    VgtState *s = VGT(pdev);

    vgt_migration_exit(s);
    vgt_display_exit(s);
    vgt_vga_exit(s);
    vgt_pipes_exit(s);
    vgt_opregion_exit(s);
    vgt_aperture_exit(s);
    vgt_gtt_exit(s);
    vgt_regs_exit(s);
    msi_uninit(pdev);
    vgt_host_disconnect(s);
}

static void vgt_realize(PCIDevice *pdev, Error **errp)
{
    VgtState *s = VGT(pdev);

    if (!vgt_cfg_check_aperture(s->conf.aperture_size, errp)) {
        return;
    }
    if (!vgt_cfg_check_monitor(s->conf.xres, s->conf.yres, errp)) {
        return;
    }
    if (!vgt_dp_check_port(s, errp)) {
        return;
    }
    if (s->conf.submit_depth < 1 ||
        s->conf.submit_depth > VGT_SUBMIT_DEPTH_MAX) {
        error_setg(errp, "vgt: x-submit-depth=%u: the device keeps 1 to %u "
                   "workloads per engine with the helper",
                   s->conf.submit_depth, VGT_SUBMIT_DEPTH_MAX);
        return;
    }
    if (!vgt_host_connect(s, errp)) {
        return;
    }
    if (!vgt_submit_init(s, errp)) {
        vgt_host_disconnect(s);
        return;
    }
    if (!vgt_cfg_init(s, errp)) {
        vgt_host_disconnect(s);
        return;
    }

    if (!vgt_regs_init(s, errp)) {
        vgt_host_disconnect(s);
        return;
    }
    if (s->conf.vga && !vgt_vga_init(s, errp)) {
        vgt_regs_exit(s);
        vgt_host_disconnect(s);
        return;
    }
    if (!s->conf.vga && !pdev->romfile) {
        /*
         * No VGA, no VGA BIOS: an empty name stops PCI realize from
         * loading the class's default (a romfile the user names stays).
         */
        pdev->romfile = g_strdup("");
    }
    vgt_pvinfo_reset(s);
    vgt_mmio_init(s);
    vgt_gtt_init(s);
    vgt_aperture_init(s);
    vgt_fence_init(s);
    vgt_opregion_init(s);
    vgt_pipes_init(s);
    vgt_display_init(s);
    if (!vgt_migration_init(s, errp)) {
        vgt_exit(pdev);
        return;
    }

    pci_register_bar(pdev, 0, PCI_BASE_ADDRESS_SPACE_MEMORY |
                     PCI_BASE_ADDRESS_MEM_TYPE_64, &s->bar0);
    pci_register_bar(pdev, 2, PCI_BASE_ADDRESS_SPACE_MEMORY |
                     PCI_BASE_ADDRESS_MEM_TYPE_64 |
                     PCI_BASE_ADDRESS_MEM_PREFETCH, &s->aperture.mr);
    pci_register_bar(pdev, 4, PCI_BASE_ADDRESS_SPACE_IO, &s->io);

    trace_vgt_realize(s->conf.aperture_size, s->conf.stolen_size);
}

/* PCI realize, which vgt_qdev_realize runs after claiming slot 2 */
static DeviceRealize vgt_pci_qdev_realize;

/*
 * With -device vgt on the command line, the pc and q35 boards keep slot 2
 * of their root bus reserved (hw/i386/pc.c, pc_nic_init), so that their
 * NICs do not take it: it is where i915 and firmware expect the Intel GPU.
 * The first vgt on that bus ends the reservation, and takes the slot
 * unless it was given another address.
 */
static void vgt_qdev_realize(DeviceState *dev, Error **errp)
{
    PCIDevice *pdev = PCI_DEVICE(dev);
    PCIBus *bus = pci_get_bus(pdev);
    uint32_t slot = 1u << VGT_PCI_SLOT;

    if (bus && (bus->slot_reserved_mask & slot)) {
        bus->slot_reserved_mask &= ~slot;
        if (pdev->devfn < 0) {
            pdev->devfn = PCI_DEVFN(VGT_PCI_SLOT, 0);
        }
        trace_vgt_claim_slot(PCI_SLOT(pdev->devfn));
    }
    vgt_pci_qdev_realize(dev, errp);
}

static void vgt_reset(DeviceState *dev)
{
    VgtState *s = VGT(dev);

    trace_vgt_reset();
    vgt_irq_reset(s);
    vgt_cfg_reset(s);
    vgt_opregion_reset(s);
    vgt_pipes_reset(s);
    vgt_regs_reset(s);
    vgt_pvinfo_reset(s);
    vgt_dp_reset(s);
    vgt_gmbus_reset(s);
    vgt_display_reset(s);
    vgt_vga_reset(s);
    vgt_gtt_reset(s);
    vgt_aperture_reset(s);
    vgt_fence_reset(s);
    vgt_host_reset(s);
    /* the helper dropped what was queued: no completion will come */
    vgt_submit_device_reset(s);
    s->regs.io_index = 0;
}

/*
 * "x-debug-irq": raises or lowers the device's interrupt line through the
 * same path the interrupt chain will use, so tests can check MSI and INTx
 * delivery on their own.  Not a stable interface.
 */
static bool vgt_get_debug_irq(Object *obj, Error **errp)
{
    return VGT(obj)->irq.debug_level;
}

static void vgt_set_debug_irq(Object *obj, bool value, Error **errp)
{
    vgt_irq_set_level(VGT(obj), value);
}

/*
 * "x-reg-table" (read-only): "ok, N rows", or what is wrong with the
 * register tables, so tests check the real tables (a device with a bad
 * table does not realize).  Not a stable interface.
 */
static char *vgt_get_reg_table(Object *obj, Error **errp)
{
    return vgt_regs_table_status();
}

/*
 * "stats" (read-only, qom-get): what this vGPU counted, for users
 * (HMP: qom-get /machine/peripheral/<id> stats).
 */
static bool vgt_visit_u64(Visitor *v, const char *name, uint64_t value,
                          Error **errp)
{
    return visit_type_uint64(v, name, &value, errp);
}

static void vgt_get_stats(Object *obj, Visitor *v, const char *name,
                          void *opaque, Error **errp)
{
    VgtState *s = VGT(obj);
    bool ok;

    if (!visit_start_struct(v, name, NULL, 0, errp)) {
        return;
    }
    ok = visit_start_struct(v, "irq", NULL, 0, errp);
    if (ok) {
        ok = vgt_visit_u64(v, "raised", s->stats.irq_raised, errp) &&
             vgt_visit_u64(v, "masked", s->stats.irq_masked, errp) &&
             vgt_visit_u64(v, "delivered", s->stats.irq_delivered, errp) &&
             visit_check_struct(v, errp);
        visit_end_struct(v, NULL);
    }
    ok = ok && visit_start_struct(v, "submission", NULL, 0, errp);
    if (ok) {
        /* what the engines do with 3D and media work, said plainly */
        char *rendering = (char *)"3D/media state is parsed and audited, "
                          "not rendered; MI and blitter commands execute";

        ok = vgt_visit_u64(v, "submitted", s->stats.submitted, errp) &&
             vgt_visit_u64(v, "rejected", s->stats.submit_rejected, errp) &&
             visit_type_str(v, "rendering", &rendering, errp) &&
             visit_check_struct(v, errp);
        visit_end_struct(v, NULL);
    }
    ok = ok && vgt_visit_u64(v, "helper-events", s->stats.host_events, errp) &&
         vgt_visit_u64(v, "guest-errors", s->stats.guest_errors, errp) &&
         vgt_regs_visit_errors(s, v, "register-errors", errp) &&
         visit_check_struct(v, errp);
    visit_end_struct(v, NULL);
}

/*
 * "weight" (uint32, 1..16, default 4): this VM's share of each engine
 * against the other VMs' on the same GPU (the helper's weighted fair
 * scheduler).  A -device option and, at run time, qom-set.
 */
static void vgt_get_weight(Object *obj, Visitor *v, const char *name,
                           void *opaque, Error **errp)
{
    uint32_t value = VGT(obj)->conf.weight;

    visit_type_uint32(v, name, &value, errp);
}

static void vgt_set_weight(Object *obj, Visitor *v, const char *name,
                           void *opaque, Error **errp)
{
    VgtState *s = VGT(obj);
    uint32_t value;

    if (!visit_type_uint32(v, name, &value, errp)) {
        return;
    }
    if (value < VGT_WEIGHT_MIN || value > VGT_WEIGHT_MAX) {
        error_setg(errp, "vgt: weight must be %d..%d (this VM's share of "
                   "each engine against the other VMs' weights), got %u",
                   VGT_WEIGHT_MIN, VGT_WEIGHT_MAX, value);
        return;
    }
    /* before realize, vgt_host_connect passes it on */
    if (DEVICE(obj)->realized && !vgt_host_set_weight(s, value, errp)) {
        return;
    }
    s->conf.weight = value;
}

/*
 * "sched" (read-only, qom-get): the helper's scheduler counters of this
 * VM (struct vgt_sched_stats), e.g. how the weight works out.
 */
static void vgt_get_sched(Object *obj, Visitor *v, const char *name,
                          void *opaque, Error **errp)
{
    struct vgt_sched_stats st;
    unsigned e;
    bool ok;

    if (!vgt_host_sched_stats(VGT(obj), &st, errp) ||
        !visit_start_struct(v, name, NULL, 0, errp)) {
        return;
    }
    ok = vgt_visit_u64(v, "weight", st.weight, errp) &&
         vgt_visit_u64(v, "submitted", st.submitted, errp) &&
         vgt_visit_u64(v, "completed", st.completed, errp) &&
         vgt_visit_u64(v, "faults", st.faults, errp) &&
         vgt_visit_u64(v, "hangs", st.hangs, errp) &&
         vgt_visit_u64(v, "cancelled", st.cancelled, errp) &&
         vgt_visit_u64(v, "queued", st.queued, errp) &&
         visit_start_struct(v, "busy-ns", NULL, 0, errp);
    if (ok) {
        for (e = 0; ok && e < VGT_ENGINE_COUNT; e++) {
            ok = vgt_visit_u64(v, hsw_engines[e].name, st.busy_ns[e], errp);
        }
        ok = ok && visit_check_struct(v, errp);
        visit_end_struct(v, NULL);
    }
    ok = ok && vgt_visit_u64(v, "switches", st.switches, errp) &&
         vgt_visit_u64(v, "switch-ns", st.switch_ns, errp) &&
         vgt_visit_u64(v, "underruns", st.underruns, errp) &&
         vgt_visit_u64(v, "gtt-swaps", st.gtt_swaps, errp) &&
         vgt_visit_u64(v, "gtt-swap-ns", st.gtt_swap_ns, errp) &&
         vgt_visit_u64(v, "gtt-swap-entries", st.gtt_swap_entries, errp) &&
         visit_check_struct(v, errp);
    visit_end_struct(v, NULL);
}

static void vgt_instance_init(Object *obj)
{
    VGT(obj)->host.event_fd = -1;
    VGT(obj)->conf.weight = VGT_WEIGHT_DEFAULT;
    object_property_add_bool(obj, "x-debug-irq", vgt_get_debug_irq,
                             vgt_set_debug_irq);
    object_property_add_str(obj, "x-reg-table", vgt_get_reg_table, NULL);
    object_property_add(obj, "stats", "VgtStats", vgt_get_stats, NULL, NULL,
                        NULL);
    object_property_add(obj, "weight", "uint32", vgt_get_weight,
                        vgt_set_weight, NULL, NULL);
    object_property_add(obj, "sched", "VgtSched", vgt_get_sched, NULL, NULL,
                        NULL);
    vgt_display_add_properties(obj);
    vgt_migration_add_properties(obj);
}

static Property vgt_properties[] = {
    /* QEMU's own subsystem IDs, as on every emulated device, by default */
    DEFINE_PROP_UINT16("subsys_vendor_id", VgtState, conf.subsys_vendor_id,
                       PCI_SUBVENDOR_ID_REDHAT_QUMRANET),
    DEFINE_PROP_UINT16("subsys_id", VgtState, conf.subsys_id,
                       PCI_SUBDEVICE_ID_QEMU),
    DEFINE_PROP_SIZE("aperture_size", VgtState, conf.aperture_size,
                     VGT_APERTURE_SIZE),
    DEFINE_PROP_SIZE("stolen_size", VgtState, conf.stolen_size, 0),
    /* This VM's share of the GPU (XenGT's names and defaults) */
    DEFINE_PROP_UINT32("low_gm_sz", VgtState, conf.low_gm_sz,
                       VGT_DEFAULT_MAPPABLE_SIZE >> 20),
    DEFINE_PROP_UINT32("high_gm_sz", VgtState, conf.high_gm_sz,
                       VGT_DEFAULT_NONMAPPABLE_SIZE >> 20),
    DEFINE_PROP_UINT32("fence_sz", VgtState, conf.fence_sz,
                       VGT_DEFAULT_FENCE_NUM),
    /* vgt-hostd's socket; without it the helper runs in this process */
    DEFINE_PROP_STRING("helper", VgtState, conf.helper),
    /* The virtual monitor: its preferred mode (EDID) and DDI port */
    DEFINE_PROP_UINT32("xres", VgtState, conf.xres, 1024),
    DEFINE_PROP_UINT32("yres", VgtState, conf.yres, 768),
    DEFINE_PROP_STRING("port", VgtState, conf.port_name),
    /* Legacy VGA and its BIOS, the boot screen (vgt-vga.c) */
    DEFINE_PROP_BOOL("vga", VgtState, conf.vga, true),
    /* BAR2 traps every access instead of mapping RAM (tests, bench) */
    DEFINE_PROP_BOOL("x-aperture-trap", VgtState, conf.aperture_trap,
                     false),
    /* Workloads per engine with the helper at once (1: one at a time) */
    DEFINE_PROP_UINT8("x-submit-depth", VgtState, conf.submit_depth,
                      VGT_SUBMIT_DEPTH_DEFAULT),
    DEFINE_PROP_END_OF_LIST(),
};

static void vgt_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);

    k->realize = vgt_realize;
    k->exit = vgt_exit;
    k->config_read = vgt_cfg_read;
    k->config_write = vgt_cfg_write;
    k->vendor_id = VGT_PCI_VENDOR_ID;
    k->device_id = VGT_PCI_DEVICE_ID;
    k->revision = VGT_PCI_REVISION;
    k->class_id = PCI_CLASS_DISPLAY_VGA;
    /* the boot screen's VGA BIOS (vgt-vga.c), from Debian's seabios */
    k->romfile = "vgabios-stdvga.bin";
    dc->desc = "vgt mediated pass-through Intel Haswell GT2 vGPU";
    device_class_set_parent_realize(dc, vgt_qdev_realize,
                                    &vgt_pci_qdev_realize);
    dc->reset = vgt_reset;
    dc->vmsd = &vmstate_vgt;
    dc->hotpluggable = false;
    device_class_set_props(dc, vgt_properties);
    set_bit(DEVICE_CATEGORY_DISPLAY, dc->categories);
}

static const TypeInfo vgt_info = {
    .name = TYPE_VGT,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(VgtState),
    .instance_init = vgt_instance_init,
    .class_init = vgt_class_init,
    .interfaces = (InterfaceInfo[]) {
        { INTERFACE_CONVENTIONAL_PCI_DEVICE },
        { },
    },
};

static void vgt_register_types(void)
{
    type_register_static(&vgt_info);
}

type_init(vgt_register_types)
