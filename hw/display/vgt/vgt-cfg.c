/*
 * vgt: PCI configuration space of the virtual Haswell GPU.
 *
 * What a real Haswell GT2 shows and what its firmware and driver use:
 * GMCH graphics control (0x50, read-only: GTT and stolen sizes), BDSM
 * (0x5c, stolen memory base, written by firmware), ASLS (0xfc, where the
 * OpRegion lives) and an MSI capability at 0x90.  Every other byte of the
 * device-specific area is read-only; accesses to ones we do not model are
 * reported once each.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bitops.h"
#include "qemu/log.h"
#include "hw/pci/msi.h"
#include "vgt-internal.h"
#include "trace.h"

/* Bytes of the device-specific area the model knows about. */
static bool vgt_cfg_known(VgtState *s, uint32_t addr)
{
    PCIDevice *pdev = PCI_DEVICE(s);

    if (addr < PCI_CONFIG_HEADER_SIZE) {
        return true;
    }
    if (addr >= VGT_CFG_GMCH && addr < VGT_CFG_GMCH + 2) {
        return true;
    }
    if (addr >= VGT_CFG_BDSM && addr < VGT_CFG_BDSM + 4) {
        return true;
    }
    if (addr >= VGT_CFG_ASLS && addr < VGT_CFG_ASLS + 4) {
        return true;
    }
    return msi_present(pdev) && addr >= pdev->msi_cap &&
           addr < pdev->msi_cap + VGT_CFG_MSI_SIZE;
}

static void vgt_cfg_report_unknown(VgtState *s, uint32_t addr, int len,
                                   bool write, uint32_t val)
{
    int i;

    for (i = 0; i < len && addr + i < PCI_CONFIG_SPACE_SIZE; i++) {
        if (!vgt_cfg_known(s, addr + i)) {
            trace_vgt_cfg_unimp(addr, len, write, val);
            if (!test_and_set_bit(addr, s->cfg_unimp_reported)) {
                qemu_log_mask(LOG_UNIMP, "vgt: %s of unimplemented PCI "
                              "config offset 0x%02x (len %d): %s\n",
                              write ? "write" : "read", addr, len,
                              write ? "ignored" : "reads as 0");
            }
            return;
        }
    }
}

uint32_t vgt_cfg_read(PCIDevice *pdev, uint32_t addr, int len)
{
    VgtState *s = VGT(pdev);
    uint32_t val = pci_default_read_config(pdev, addr, len);

    vgt_cfg_report_unknown(s, addr, len, false, val);
    trace_vgt_cfg_read(addr, len, val);
    return val;
}

void vgt_cfg_write(PCIDevice *pdev, uint32_t addr, uint32_t val, int len)
{
    VgtState *s = VGT(pdev);
    uint32_t old_asls = pci_get_long(pdev->config + VGT_CFG_ASLS);
    uint32_t asls;

    trace_vgt_cfg_write(addr, len, val);
    vgt_cfg_report_unknown(s, addr, len, true, val);
    if (ranges_overlap(addr, len, VGT_CFG_GMCH, 2)) {
        s->stats.guest_errors++;
        qemu_log_mask(LOG_GUEST_ERROR, "vgt: write 0x%x to read-only GMCH "
                      "graphics control (0x50) ignored\n", val);
    }

    /* wmask keeps read-only bits (GMCH, BDSM low bits) as they are. */
    pci_default_write_config(pdev, addr, val, len);

    asls = pci_get_long(pdev->config + VGT_CFG_ASLS);
    if (asls != old_asls) {
        vgt_opregion_map(s, asls);
    }
}

bool vgt_cfg_init(VgtState *s, Error **errp)
{
    PCIDevice *pdev = PCI_DEVICE(s);
    uint8_t *c = pdev->config;
    uint16_t gmch;
    Error *err = NULL;
    int ret;

    if (!vgt_cfg_gmch_encode(s->conf.stolen_size, &gmch, errp)) {
        return false;
    }

    pci_config_set_vendor_id(c, VGT_PCI_VENDOR_ID);
    pci_config_set_device_id(c, VGT_PCI_DEVICE_ID);
    pci_config_set_revision(c, VGT_PCI_REVISION);
    pci_config_set_class(c, VGT_PCI_CLASS_CODE >> 8);
    pci_config_set_prog_interface(c, VGT_PCI_CLASS_CODE & 0xff);
    pci_set_word(c + PCI_SUBSYSTEM_VENDOR_ID, s->conf.subsys_vendor_id);
    pci_set_word(c + PCI_SUBSYSTEM_ID, s->conf.subsys_id);
    pci_config_set_interrupt_pin(c, 1);

    /*
     * QEMU leaves the device-specific area writable; on a GPU it is not.
     * Only BDSM (1 MiB aligned base) and ASLS are written by firmware.
     */
    memset(pdev->wmask + PCI_CONFIG_HEADER_SIZE, 0,
           PCI_CONFIG_SPACE_SIZE - PCI_CONFIG_HEADER_SIZE);
    pci_set_word(c + VGT_CFG_GMCH, gmch);
    pci_set_long(pdev->wmask + VGT_CFG_BDSM, VGT_BDSM_MASK);
    pci_set_long(pdev->wmask + VGT_CFG_ASLS, VGT_ASLS_MASK);

    /* One vector, 32-bit address, no per-vector masking, as on Haswell. */
    ret = msi_init(pdev, VGT_CFG_MSI, 1, false, false, &err);
    if (ret == -ENOTSUP) {
        /* The machine has no working MSI: the guest falls back to INTx. */
        warn_report_err(err);
    } else if (ret) {
        error_propagate(errp, err);
        return false;
    }
    return true;
}

void vgt_cfg_reset(VgtState *s)
{
    PCIDevice *pdev = PCI_DEVICE(s);

    /* Firmware programs BDSM and ASLS again on every boot. */
    pci_set_long(pdev->config + VGT_CFG_BDSM, 0);
    pci_set_long(pdev->config + VGT_CFG_ASLS, 0);
}
