/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vgt-kmod.h - vgt.ko's private state: the bound GPU, its files, the
 * hardware accessors and the pinned guest memory.  Nothing here is ABI;
 * userspace sees only hw/vgt-helper-abi.h (/dev/vgt) and sysfs.
 */
#ifndef VGT_KMOD_H
#define VGT_KMOD_H

#include <linux/atomic.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include "../core/vgt-core.h"

struct pci_dev;
struct device;
struct task_struct;
struct mm_struct;
struct page;
struct vgt_swhsw;
struct vgt_hwgpu;

/* Module parameters (vgt-main.c). */
extern unsigned int vgt_exec_timeout_ms;
extern unsigned int vgt_exec_poll_us;
extern unsigned long vgt_max_pinned_pages;
extern bool vgt_soft_gpu;
extern bool vgt_forcewake;

/*
 * The one GPU the helper owns (a Haswell on the PCI bus, or the software
 * Haswell with soft_gpu=1).  Open files hold a reference: the structure
 * outlives an unbind until the last of them is closed, but everything
 * behind it (host, BAR, IRQ) is gone once @dead is set.
 */
struct vgt_kdev {
	struct kref ref;
	struct device *dev;		/* where the sysfs group lives */
	struct pci_dev *pdev;		/* NULL: software Haswell */
	struct vgt_hwgpu *hw;
	void __iomem *bar0;
	struct vgt_swhsw *sw;
	struct vgt_gpu gpu;
	struct vgt_host *host;
	struct task_struct *sched;
	atomic_t kicked;
	unsigned int gt;		/* GT level 1..3, 0 software */

	struct mutex files_lock;	/* before any vgt_file.lock */
	struct list_head files;
	bool dead;			/* under files_lock */
	bool sysfs;

	atomic_t instances;
	atomic64_t pinned_pages;
	spinlock_t lat_lock;		/* the four below */
	u64 lat_sum_ns;
	u64 lat_count;
	u64 lat_max_ns;
	u64 lat_before_irq;
};

/* vgt-main.c: the bound GPU (single owner) and its lifetime. */
extern struct mutex vgt_bind_lock;
struct vgt_kdev *vgt_kdev_alloc(struct device *dev);
/* Host up, scheduler started, sysfs and /dev/vgt published. */
int vgt_kdev_publish(struct vgt_kdev *kd);
/* Unpublish, tear every file's instance down, stop the scheduler, host. */
void vgt_kdev_unbind(struct vgt_kdev *kd);
void vgt_kdev_put(struct vgt_kdev *kd);
struct vgt_kdev *vgt_kdev_get_current(void);
bool vgt_kdev_busy(void);
/* The software Haswell's state when @dev is its device (sysfs). */
struct vgt_kdev *vgt_kdev_soft_of(struct device *dev);

/* vgt-pci.c */
int vgt_pci_register(void);
void vgt_pci_unregister(void);

/* vgt-hwgpu.c: struct vgt_gpu_ops over a Haswell's BAR0. */
struct vgt_hwgpu *vgt_hwgpu_create(struct pci_dev *pdev, void __iomem *bar0,
				   u64 aperture_size, struct vgt_gpu *gpu);
/* After vgt_host_destroy: GTT on scratch, no DMA left. */
void vgt_hwgpu_destroy(struct vgt_hwgpu *hw);
int vgt_hwgpu_request_irq(struct vgt_hwgpu *hw, int irq, bool msi);
void vgt_hwgpu_free_irq(struct vgt_hwgpu *hw);
struct vgt_hwgpu_stats {
	u64 irqs;		/* hard interrupts claimed */
	u64 irq_none;		/* shared line, not ours */
	u64 irq_inline;		/* already serviced after a workload */
	u64 last_irq_ns;
	u64 bad_ptes;		/* PTE address in no mapped range */
	u64 live_ptes;		/* entries still pointing at an unmapped range */
	u64 bad_mmio;
	u64 exec_faults;
	u64 exec_hangs;
	u32 dma_ranges;
	u64 dma_pages;
};

void vgt_hwgpu_get_stats(struct vgt_hwgpu *hw, struct vgt_hwgpu_stats *st);
u64 vgt_hwgpu_last_irq_ns(struct vgt_hwgpu *hw);

/* vgt-sched.c: the "vgt-sched" kthread around vgt_host_sched_run. */
int vgt_sched_start(struct vgt_kdev *kd);
void vgt_sched_stop(struct vgt_kdev *kd);

/* vgt-sysfs.c: <dev>/vgt/ */
int vgt_sysfs_add(struct vgt_kdev *kd);
void vgt_sysfs_remove(struct vgt_kdev *kd);
void vgt_account_irq_latency(struct vgt_kdev *kd);

/* vgt-dev.c: /dev/vgt */
int vgt_dev_register(void);
void vgt_dev_unregister(void);
struct device *vgt_dev_device(void);
/* Unbind: destroy every open file's instance and memory (files_lock). */
void vgt_dev_kill_files(struct vgt_kdev *kd);

/*
 * vgt-pin.c: guest memory the GPU may reach, as one kernel mapping.
 * Backends: pinned pages of the caller's process (QEMU's RAM, KVM and
 * TCG); foreign frames of a Xen domain (not implemented: see vgt-pin.c).
 */
enum vgt_kmem_kind {
	VGT_KMEM_USER = 1,
	VGT_KMEM_XEN_FOREIGN = 2,
};

struct vgt_kmem {
	struct list_head link;
	enum vgt_kmem_kind kind;
	u64 gpa;
	u64 size;
	unsigned long npages;
	struct page **pages;
	void *va;			/* vmap of pages: what the core gets */
	struct mm_struct *mm;		/* accounted to (user backend) */
};

int vgt_kmem_pin_user(u64 hva, u64 size, struct vgt_kmem **out);
int vgt_kmem_map_foreign(u16 domid, u64 gfn, u64 nr, struct vgt_kmem **out);
void vgt_kmem_release(struct vgt_kmem *m);

#endif /* VGT_KMOD_H */
