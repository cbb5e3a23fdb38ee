// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vgt-sysfs.c - counters and geometry of the bound GPU, read-only, in the
 * "vgt" group of its device: /sys/bus/pci/devices/<bdf>/vgt/ (or, with
 * soft_gpu=1, /sys/class/misc/vgt/vgt/).  docs/helper.md lists them.
 */
#include <linux/device.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/pci.h>
#include <linux/sysfs.h>
#include "vgt-kmod.h"
#include "../swhsw/swhsw.h"

static struct vgt_kdev *vgt_sysfs_kdev(struct device *dev)
{
	/*
	 * The group is removed before the GPU goes (sysfs drains readers),
	 * so the device's state is valid here.
	 */
	if (dev_is_pci(dev))
		return pci_get_drvdata(to_pci_dev(dev));
	return vgt_kdev_soft_of(dev);
}

/*
 * Called for every USER_IRQ event read(): the time since the hard IRQ of
 * the ring run that raised it.  When the scheduler saw the run complete
 * (by polling RING_HEAD) before the MSI arrived, the event reached its
 * reader without the interrupt: counted apart, not as a latency.
 */
void vgt_account_irq_latency(struct vgt_kdev *kd)
{
	u64 now, last, d;

	if (!kd->hw)
		return;
	last = vgt_hwgpu_last_irq_ns(kd->hw);
	if (!last) {
		spin_lock(&kd->lat_lock);
		kd->lat_before_irq++;
		spin_unlock(&kd->lat_lock);
		return;
	}
	now = ktime_get_ns();
	d = now > last ? now - last : 0;
	spin_lock(&kd->lat_lock);
	kd->lat_sum_ns += d;
	kd->lat_count++;
	if (d > kd->lat_max_ns)
		kd->lat_max_ns = d;
	spin_unlock(&kd->lat_lock);
}

static void vgt_sysfs_hw(struct vgt_kdev *kd, struct vgt_hwgpu_stats *st)
{
	vgt_hwgpu_get_stats(kd->hw, st);	/* zeros without hardware */
	if (kd->sw) {
		struct vgt_swhsw_stats sw;

		vgt_swhsw_get_stats(kd->sw, &sw);
		st->dma_ranges = sw.dma_regions;
		st->bad_mmio = sw.bad_mmio + sw.bad_gtt;
		st->exec_faults = sw.engine_faults;
	}
}

#define VGT_ATTR(_name, _fmt, _expr)					\
static ssize_t _name##_show(struct device *dev,				\
			    struct device_attribute *attr, char *buf)	\
{									\
	struct vgt_kdev *kd = vgt_sysfs_kdev(dev);			\
	struct vgt_hwgpu_stats st;					\
									\
	if (!kd || !kd->host)						\
		return -ENODEV;						\
	vgt_sysfs_hw(kd, &st);						\
	return sysfs_emit(buf, _fmt "\n", _expr);			\
}									\
static DEVICE_ATTR_RO(_name)

VGT_ATTR(instances, "%d", atomic_read(&kd->instances));
VGT_ATTR(pinned_pages, "%lld",
	 (long long)atomic64_read(&kd->pinned_pages));
VGT_ATTR(irqs, "%llu", (unsigned long long)st.irqs);
VGT_ATTR(irqs_shared_not_ours, "%llu", (unsigned long long)st.irq_none);
VGT_ATTR(irqs_serviced_inline, "%llu",
	 (unsigned long long)st.irq_inline);
VGT_ATTR(spurious_irqs, "%llu",
	 (unsigned long long)vgt_host_spurious_irqs(kd->host));
VGT_ATTR(refused, "%llu",
	 (unsigned long long)vgt_host_refused_total(kd->host));
VGT_ATTR(dma_ranges, "%u", st.dma_ranges);
VGT_ATTR(dma_pages, "%llu", (unsigned long long)st.dma_pages);
VGT_ATTR(bad_ptes, "%llu", (unsigned long long)st.bad_ptes);
VGT_ATTR(live_ptes_at_unmap, "%llu", (unsigned long long)st.live_ptes);
VGT_ATTR(bad_mmio, "%llu", (unsigned long long)st.bad_mmio);
VGT_ATTR(exec_faults, "%llu", (unsigned long long)st.exec_faults);
VGT_ATTR(exec_hangs, "%llu", (unsigned long long)st.exec_hangs);
VGT_ATTR(gtt_entries, "%u", kd->gpu.gtt_entries);
VGT_ATTR(gm_size, "%llu", (unsigned long long)kd->gpu.gm_size);
VGT_ATTR(aperture_size, "%llu",
	 (unsigned long long)kd->gpu.aperture_size);
VGT_ATTR(fences, "%u", kd->gpu.fence_count);
VGT_ATTR(gpu, "%s", kd->pdev ? "haswell" : "software");

/* File @_name: the scheduler's counter @_field (vgt_host_sched_stats) */
#define VGT_SCHED_ATTR(_name, _field)					\
static ssize_t _name##_show(struct device *dev,				\
			    struct device_attribute *attr, char *buf)	\
{									\
	struct vgt_kdev *kd = vgt_sysfs_kdev(dev);			\
	struct vgt_host_sched_stats st;					\
									\
	if (!kd || !kd->host)						\
		return -ENODEV;						\
	vgt_host_get_sched_stats(kd->host, &st);			\
	return sysfs_emit(buf, "%llu\n", (unsigned long long)st._field);	\
}									\
static DEVICE_ATTR_RO(_name)

VGT_SCHED_ATTR(workloads, workloads);
VGT_SCHED_ATTR(cancelled, cancelled);

/* "avg max count", nanoseconds from the hard IRQ to read() of USER_IRQ */
static ssize_t irq_latency_ns_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	struct vgt_kdev *kd = vgt_sysfs_kdev(dev);
	u64 sum, count, max;

	if (!kd || !kd->host)
		return -ENODEV;
	spin_lock(&kd->lat_lock);
	sum = kd->lat_sum_ns;
	count = kd->lat_count;
	max = kd->lat_max_ns;
	spin_unlock(&kd->lat_lock);
	return sysfs_emit(buf, "%llu %llu %llu\n",
			  (unsigned long long)(count ? div64_u64(sum, count) : 0),
			  (unsigned long long)max, (unsigned long long)count);
}
static DEVICE_ATTR_RO(irq_latency_ns);

/* USER_IRQ events read before their run's interrupt arrived */
static ssize_t user_irqs_before_msi_show(struct device *dev,
					 struct device_attribute *attr,
					 char *buf)
{
	struct vgt_kdev *kd = vgt_sysfs_kdev(dev);
	u64 n;

	if (!kd || !kd->host)
		return -ENODEV;
	spin_lock(&kd->lat_lock);
	n = kd->lat_before_irq;
	spin_unlock(&kd->lat_lock);
	return sysfs_emit(buf, "%llu\n", (unsigned long long)n);
}
static DEVICE_ATTR_RO(user_irqs_before_msi);

static struct attribute *vgt_attrs[] = {
	&dev_attr_gpu.attr,
	&dev_attr_instances.attr,
	&dev_attr_pinned_pages.attr,
	&dev_attr_workloads.attr,
	&dev_attr_cancelled.attr,
	&dev_attr_irqs.attr,
	&dev_attr_irqs_shared_not_ours.attr,
	&dev_attr_irqs_serviced_inline.attr,
	&dev_attr_irq_latency_ns.attr,
	&dev_attr_user_irqs_before_msi.attr,
	&dev_attr_spurious_irqs.attr,
	&dev_attr_refused.attr,
	&dev_attr_dma_ranges.attr,
	&dev_attr_dma_pages.attr,
	&dev_attr_bad_ptes.attr,
	&dev_attr_live_ptes_at_unmap.attr,
	&dev_attr_bad_mmio.attr,
	&dev_attr_exec_faults.attr,
	&dev_attr_exec_hangs.attr,
	&dev_attr_gtt_entries.attr,
	&dev_attr_gm_size.attr,
	&dev_attr_aperture_size.attr,
	&dev_attr_fences.attr,
	NULL
};

static const struct attribute_group vgt_attr_group = {
	.name = "vgt",
	.attrs = vgt_attrs,
};

int vgt_sysfs_add(struct vgt_kdev *kd)
{
	return sysfs_create_group(&kd->dev->kobj, &vgt_attr_group);
}

void vgt_sysfs_remove(struct vgt_kdev *kd)
{
	sysfs_remove_group(&kd->dev->kobj, &vgt_attr_group);
}
