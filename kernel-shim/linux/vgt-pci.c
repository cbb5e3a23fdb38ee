// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vgt-pci.c - the PCI driver: binds one Haswell GT (single owner).
 *
 * i915 claims the same IDs: keep it off the device (driver_override,
 * blacklist or unbind; docs/helper.md "vgt.ko").  The PCI core never
 * probes a device another driver is bound to; a firmware framebuffer
 * (efifb, vesafb, simplefb) may still hold the BARs, and then
 * pci_request_regions fails: the probe says so and refuses.
 */
#include <linux/dma-mapping.h>
#include <linux/pci.h>
#include <drm/i915_pciids.h>
#include "vgt-kmod.h"
#include "../hsw/hsw-regs.h"

#define VGT_BAR0_SIZE		(2 * HSW_MMIO_SIZE)	/* regs + GTT */
#define VGT_DMA_BITS		40

/* driver_data: the GT level, for the log line. */
static const struct pci_device_id vgt_pci_ids[] = {
	INTEL_HSW_GT1_IDS(1),
	INTEL_HSW_GT2_IDS(2),
	INTEL_HSW_GT3_IDS(3),
	{ }
};
MODULE_DEVICE_TABLE(pci, vgt_pci_ids);

static int vgt_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct vgt_kdev *kd = NULL;
	void __iomem *bar0 = NULL;
	u64 aperture;
	bool msi;
	int ret, err, irq;

	mutex_lock(&vgt_bind_lock);
	if (vgt_kdev_busy()) {
		dev_info(&pdev->dev, "vgt already owns a GPU: not this one\n");
		ret = -EBUSY;
		goto out_unlock;
	}
	ret = pci_enable_device(pdev);
	if (ret)
		goto out_unlock;
	ret = pci_request_regions(pdev, "vgt");
	if (ret) {
		dev_info(&pdev->dev, "BARs in use by another driver (a firmware framebuffer such as efifb/vesafb/simplefb, or i915): refusing\n");
		ret = -EBUSY;
		goto out_disable;
	}
	aperture = pci_resource_len(pdev, 2);
	if (!(pci_resource_flags(pdev, 0) & IORESOURCE_MEM) ||
	    pci_resource_len(pdev, 0) < VGT_BAR0_SIZE ||
	    !(pci_resource_flags(pdev, 2) & IORESOURCE_MEM) ||
	    aperture <= VGT_HOST_SHARE_SIZE) {
		dev_err(&pdev->dev, "unexpected BARs: BAR0 %pR, BAR2 %pR\n",
			&pdev->resource[0], &pdev->resource[2]);
		ret = -ENODEV;
		goto out_regions;
	}
	aperture = min_t(u64, aperture, HSW_APERTURE_SIZE);
	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(VGT_DMA_BITS));
	if (ret) {
		dev_err(&pdev->dev, "no %d-bit DMA\n", VGT_DMA_BITS);
		goto out_regions;
	}
	if (dma_addressing_limited(&pdev->dev))
		dev_warn(&pdev->dev, "RAM beyond the GPU's %d-bit reach: such pages bounce (swiotlb)\n",
			 VGT_DMA_BITS);
	bar0 = pci_iomap(pdev, 0, VGT_BAR0_SIZE);
	if (!bar0) {
		ret = -ENOMEM;
		goto out_regions;
	}
	pci_set_master(pdev);
	ret = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSI | PCI_IRQ_LEGACY);
	if (ret < 0) {
		dev_err(&pdev->dev, "no interrupt: %d\n", ret);
		goto out_iounmap;
	}
	msi = pdev->msi_enabled;
	irq = pci_irq_vector(pdev, 0);

	ret = -ENOMEM;
	kd = vgt_kdev_alloc(&pdev->dev);
	if (!kd)
		goto out_vectors;
	kd->pdev = pdev;
	kd->gt = (unsigned int)id->driver_data;
	kd->bar0 = bar0;
	kd->hw = vgt_hwgpu_create(pdev, bar0, aperture, &kd->gpu);
	if (!kd->hw)
		goto out_kdev;
	ret = vgt_hwgpu_request_irq(kd->hw, irq, msi);
	if (ret) {
		dev_err(&pdev->dev, "cannot request IRQ %d: %d\n", irq, ret);
		goto out_hw;
	}
	kd->host = vgt_host_create(&kd->gpu, &err);
	if (!kd->host) {
		dev_err(&pdev->dev, "helper core refused the GPU: %s\n",
			vgt_strerror(err));
		ret = -ENODEV;
		goto out_irq;
	}
	pci_set_drvdata(pdev, kd);
	ret = vgt_kdev_publish(kd);
	if (ret)
		goto out_host;
	mutex_unlock(&vgt_bind_lock);
	dev_info(&pdev->dev, "Haswell GT%u bound: BAR0 %pR, aperture %llu MiB, %s (IRQ %d), /dev/vgt\n",
		 kd->gt, &pdev->resource[0],
		 (unsigned long long)(aperture >> 20),
		 msi ? "MSI" : "INTx", irq);
	return 0;

out_host:
	pci_set_drvdata(pdev, NULL);
	vgt_host_destroy(kd->host);
out_irq:
	vgt_hwgpu_free_irq(kd->hw);
out_hw:
	vgt_hwgpu_destroy(kd->hw);
out_kdev:
	vgt_kdev_put(kd);
out_vectors:
	pci_free_irq_vectors(pdev);
out_iounmap:
	pci_clear_master(pdev);
	pci_iounmap(pdev, bar0);
out_regions:
	pci_release_regions(pdev);
out_disable:
	pci_disable_device(pdev);
out_unlock:
	mutex_unlock(&vgt_bind_lock);
	return ret;
}

static void vgt_pci_remove(struct pci_dev *pdev)
{
	struct vgt_kdev *kd = pci_get_drvdata(pdev);

	if (!kd)
		return;
	mutex_lock(&vgt_bind_lock);
	vgt_kdev_unbind(kd);
	mutex_unlock(&vgt_bind_lock);
	/* The host is gone: the GPU raises nothing we route any more. */
	vgt_hwgpu_free_irq(kd->hw);
	pci_free_irq_vectors(pdev);
	vgt_hwgpu_destroy(kd->hw);
	kd->hw = NULL;
	pci_set_drvdata(pdev, NULL);
	pci_iounmap(pdev, kd->bar0);
	kd->bar0 = NULL;
	pci_release_regions(pdev);
	pci_disable_device(pdev);
	dev_info(&pdev->dev, "unbound: /dev/vgt has no GPU\n");
	vgt_kdev_put(kd);
}

static struct pci_driver vgt_pci_driver = {
	.name = "vgt",
	.id_table = vgt_pci_ids,
	.probe = vgt_pci_probe,
	.remove = vgt_pci_remove,
};

int vgt_pci_register(void)
{
	return pci_register_driver(&vgt_pci_driver);
}

void vgt_pci_unregister(void)
{
	pci_unregister_driver(&vgt_pci_driver);
}
