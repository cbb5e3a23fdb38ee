// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vgt-main.c - vgt.ko: the vgt helper as a dom0/host kernel module.
 *
 * The helper core (kernel-shim/core) owns one Haswell GPU (vgt-pci.c,
 * vgt-hwgpu.c) - or, with soft_gpu=1, the software Haswell - and serves
 * VMs through /dev/vgt (vgt-dev.c).  This file holds the module
 * parameters and the lifetime of the one bound GPU.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include "vgt-kmod.h"
#include "../swhsw/swhsw.h"

unsigned int vgt_exec_timeout_ms = 2000;
module_param_named(exec_timeout_ms, vgt_exec_timeout_ms, uint, 0644);
MODULE_PARM_DESC(exec_timeout_ms,
		 "A workload running longer is a hang: its ring is stopped (default 2000)");

unsigned int vgt_exec_poll_us = 200;
module_param_named(exec_poll_us, vgt_exec_poll_us, uint, 0644);
MODULE_PARM_DESC(exec_poll_us,
		 "Completion poll interval besides the interrupt, 10..100000 us (default 200)");

unsigned long vgt_max_pinned_pages;
module_param_named(max_pinned_pages, vgt_max_pinned_pages, ulong, 0644);
MODULE_PARM_DESC(max_pinned_pages,
		 "Guest pages one open /dev/vgt may pin; 0 = all RAM (default 0)");

bool vgt_soft_gpu;
module_param_named(soft_gpu, vgt_soft_gpu, bool, 0444);
MODULE_PARM_DESC(soft_gpu,
		 "Serve /dev/vgt from the software Haswell instead of a PCI GPU (testing)");

bool vgt_forcewake = true;
module_param_named(forcewake, vgt_forcewake, bool, 0444);
MODULE_PARM_DESC(forcewake, "Hold GT forcewake while bound (default on)");

/* The one GPU /dev/vgt serves; probe, remove and open take the lock. */
DEFINE_MUTEX(vgt_bind_lock);
static struct vgt_kdev *vgt_kdev_current;
static struct vgt_kdev *vgt_kdev_soft;

struct vgt_kdev *vgt_kdev_alloc(struct device *dev)
{
	struct vgt_kdev *kd = kzalloc(sizeof(*kd), GFP_KERNEL);

	if (!kd)
		return NULL;
	kref_init(&kd->ref);
	kd->dev = dev;
	mutex_init(&kd->files_lock);
	INIT_LIST_HEAD(&kd->files);
	spin_lock_init(&kd->lat_lock);
	return kd;
}

static void vgt_kdev_release(struct kref *ref)
{
	struct vgt_kdev *kd = container_of(ref, struct vgt_kdev, ref);

	mutex_destroy(&kd->files_lock);
	kfree(kd);
}

void vgt_kdev_put(struct vgt_kdev *kd)
{
	kref_put(&kd->ref, vgt_kdev_release);
}

bool vgt_kdev_busy(void)
{
	lockdep_assert_held(&vgt_bind_lock);
	return vgt_kdev_current;
}

struct vgt_kdev *vgt_kdev_soft_of(struct device *dev)
{
	struct vgt_kdev *kd = READ_ONCE(vgt_kdev_soft);

	return kd && kd->dev == dev ? kd : NULL;
}

/* vgt_bind_lock held; kd->host created.  On error nothing is published. */
int vgt_kdev_publish(struct vgt_kdev *kd)
{
	int ret;

	lockdep_assert_held(&vgt_bind_lock);
	ret = vgt_sched_start(kd);
	if (ret)
		return ret;
	ret = vgt_sysfs_add(kd);
	if (ret) {
		vgt_sched_stop(kd);
		return ret;
	}
	kd->sysfs = true;
	vgt_kdev_current = kd;
	return 0;
}

/* A reference for an opening file, or NULL when no GPU is bound. */
struct vgt_kdev *vgt_kdev_get_current(void)
{
	struct vgt_kdev *kd;

	mutex_lock(&vgt_bind_lock);
	kd = vgt_kdev_current;
	if (kd)
		kref_get(&kd->ref);
	mutex_unlock(&vgt_bind_lock);
	return kd;
}

/*
 * vgt_bind_lock held.  After this no file reaches the host: open files
 * keep only their reference (their ioctls get -ENODEV), and the host,
 * its instances and every pinned page are gone.
 */
void vgt_kdev_unbind(struct vgt_kdev *kd)
{
	lockdep_assert_held(&vgt_bind_lock);
	if (vgt_kdev_current == kd)
		vgt_kdev_current = NULL;
	if (kd->sysfs)
		vgt_sysfs_remove(kd);
	kd->sysfs = false;
	vgt_dev_kill_files(kd);
	if (kd->host) {
		vgt_sched_stop(kd);
		vgt_host_destroy(kd->host);
		kd->host = NULL;
	}
}

/* soft_gpu=1: the software Haswell behind /dev/vgt (tests, no GPU). */
static int vgt_soft_bind(void)
{
	struct vgt_kdev *kd;
	int err, ret = -ENOMEM;

	kd = vgt_kdev_alloc(vgt_dev_device());
	if (!kd)
		return -ENOMEM;
	kd->sw = vgt_swhsw_create();
	if (!kd->sw)
		goto fail;
	vgt_swhsw_get_gpu(kd->sw, &kd->gpu);
	kd->host = vgt_host_create(&kd->gpu, &err);
	if (!kd->host) {
		pr_err("vgt: software Haswell: helper core refused: %s\n",
		       vgt_strerror(err));
		ret = -ENODEV;
		goto fail;
	}
	mutex_lock(&vgt_bind_lock);
	WRITE_ONCE(vgt_kdev_soft, kd);
	ret = vgt_kdev_publish(kd);
	if (ret)
		WRITE_ONCE(vgt_kdev_soft, NULL);
	mutex_unlock(&vgt_bind_lock);
	if (ret)
		goto fail;
	pr_info("vgt: software Haswell bound (soft_gpu=1): /dev/vgt\n");
	return 0;

fail:
	vgt_host_destroy(kd->host);
	vgt_swhsw_destroy(kd->sw);
	vgt_kdev_put(kd);
	return ret;
}

static void vgt_soft_unbind(void)
{
	struct vgt_kdev *kd = vgt_kdev_soft;

	if (!kd)
		return;
	mutex_lock(&vgt_bind_lock);
	vgt_kdev_unbind(kd);
	mutex_unlock(&vgt_bind_lock);
	WRITE_ONCE(vgt_kdev_soft, NULL);
	vgt_swhsw_destroy(kd->sw);
	kd->sw = NULL;
	pr_info("vgt: software Haswell unbound\n");
	vgt_kdev_put(kd);
}

static int __init vgt_init(void)
{
	int ret;

	ret = vgt_dev_register();
	if (ret)
		return ret;
	if (vgt_soft_gpu) {
		ret = vgt_soft_bind();
		if (ret)
			goto fail_dev;
	}
	ret = vgt_pci_register();
	if (ret)
		goto fail_soft;
	return 0;

fail_soft:
	vgt_soft_unbind();
fail_dev:
	vgt_dev_unregister();
	return ret;
}

static void __exit vgt_exit(void)
{
	vgt_pci_unregister();
	vgt_soft_unbind();
	vgt_dev_unregister();
}

module_init(vgt_init);
module_exit(vgt_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vgt: mediated pass-through of an Intel Haswell GPU (/dev/vgt)");
MODULE_AUTHOR("vgt");
