// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vgt-dev.c - /dev/vgt: one open file is one connection, with at most one
 * instance (one VM).  The ioctls are the contract at the end of
 * hw/vgt-helper-abi.h: each copies exactly its argument, checks the
 * wrapper's padding, calls the core (which validates again) and returns
 * 0, a positive VGT_E_* code, or -errno.
 */
#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include "vgt-kmod.h"

struct vgt_file {
	struct vgt_kdev *kd;		/* reference held */
	struct list_head link;		/* kd->files, under kd->files_lock */
	struct mutex lock;		/* everything below */
	bool dead;			/* the GPU was unbound */
	struct vgt_instance *inst;
	struct list_head mems;		/* struct vgt_kmem */
	unsigned long pinned;		/* pages */
	void *shadow;			/* vmalloc_user, freed on release */
	bool shadow_attached;		/* to the current instance */
	u64 shadow_gm;
	wait_queue_head_t wq;
	atomic_t ev_seq;		/* bumped by every notify */
	struct vgt_event evbuf[VGT_EVENT_READ_MAX];
};

/* Called by the core with its queue lock held: wake readers only. */
static void vgt_file_notify(void *opaque)
{
	struct vgt_file *f = opaque;

	atomic_inc(&f->ev_seq);
	wake_up_interruptible(&f->wq);
}

static void vgt_file_wake(struct vgt_file *f)
{
	atomic_inc(&f->ev_seq);
	wake_up_interruptible(&f->wq);
}

static void vgt_file_release_mem(struct vgt_file *f, struct vgt_kmem *m)
{
	list_del(&m->link);
	f->pinned -= m->npages;
	atomic64_sub(m->npages, &f->kd->pinned_pages);
	vgt_kmem_release(m);
}

/* f->lock held: the instance (which unmaps all DMA) and then the pins. */
static void vgt_file_destroy_inst(struct vgt_file *f)
{
	struct vgt_kmem *m, *tmp;

	if (f->inst) {
		vgt_inst_destroy(f->inst);	/* waits for a running workload */
		f->inst = NULL;
		f->shadow_attached = false;
		atomic_dec(&f->kd->instances);
	}
	list_for_each_entry_safe(m, tmp, &f->mems, link)
		vgt_file_release_mem(f, m);
	vgt_file_wake(f);
}

void vgt_dev_kill_files(struct vgt_kdev *kd)
{
	struct vgt_file *f;

	mutex_lock(&kd->files_lock);
	kd->dead = true;
	list_for_each_entry(f, &kd->files, link) {
		mutex_lock(&f->lock);
		vgt_file_destroy_inst(f);
		WRITE_ONCE(f->dead, true);
		mutex_unlock(&f->lock);
		vgt_file_wake(f);
	}
	mutex_unlock(&kd->files_lock);
}

static int vgt_open(struct inode *inode, struct file *filp)
{
	struct vgt_kdev *kd = vgt_kdev_get_current();
	struct vgt_file *f;

	if (!kd)
		return -ENODEV;
	f = kvzalloc(sizeof(*f), GFP_KERNEL);
	if (!f) {
		vgt_kdev_put(kd);
		return -ENOMEM;
	}
	f->kd = kd;
	mutex_init(&f->lock);
	INIT_LIST_HEAD(&f->mems);
	init_waitqueue_head(&f->wq);
	mutex_lock(&kd->files_lock);
	if (kd->dead) {
		/* Unbound between the lookup and here. */
		mutex_unlock(&kd->files_lock);
		mutex_destroy(&f->lock);
		kvfree(f);
		vgt_kdev_put(kd);
		return -ENODEV;
	}
	list_add_tail(&f->link, &kd->files);
	mutex_unlock(&kd->files_lock);
	filp->private_data = f;
	return stream_open(inode, filp);
}

static int vgt_release(struct inode *inode, struct file *filp)
{
	struct vgt_file *f = filp->private_data;
	struct vgt_kdev *kd = f->kd;

	/*
	 * Under files_lock, so that an unbind either sees this file (and
	 * destroys its instance) or finds it gone with nothing left.
	 */
	mutex_lock(&kd->files_lock);
	mutex_lock(&f->lock);
	if (!f->dead)
		vgt_file_destroy_inst(f);
	mutex_unlock(&f->lock);
	list_del(&f->link);
	mutex_unlock(&kd->files_lock);
	/* No mapping is left: the VMA holds the file until munmap. */
	vfree(f->shadow);
	mutex_destroy(&f->lock);
	kvfree(f);
	vgt_kdev_put(kd);
	return 0;
}

/* ---- ioctls (f->lock held, f not dead) ----------------------------------- */

static int vgt_ioc_create(struct vgt_file *f, void __user *argp)
{
	struct vgt_ioc_create c;
	struct vgt_instance *inst;
	int ret;

	if (copy_from_user(&c, argp, sizeof(c)))
		return -EFAULT;
	if (f->inst)
		return VGT_E_EXISTS;
	ret = vgt_inst_create(f->kd->host, &c.req, &inst);
	if (ret)
		return -ret;
	vgt_inst_get_info(inst, &c.info);
	if (copy_to_user(argp, &c, sizeof(c))) {
		vgt_inst_destroy(inst);
		return -EFAULT;
	}
	f->inst = inst;
	atomic_inc(&f->kd->instances);
	vgt_inst_set_notify(inst, vgt_file_notify, f);
	return 0;
}

static int vgt_ioc_mem_register(struct vgt_file *f, void __user *argp)
{
	unsigned long limit = vgt_max_pinned_pages ? vgt_max_pinned_pages :
			      totalram_pages();
	struct vgt_mem_region r;
	struct vgt_kmem *m;
	u64 n;
	int ret;

	if (copy_from_user(&r, argp, sizeof(r)))
		return -EFAULT;
	if (r.fd != -1)
		return VGT_E_BADFD;	/* memfds: the socket transport */
	if (r.flags || !r.size || !PAGE_ALIGNED(r.size) ||
	    !PAGE_ALIGNED(r.hva) || !PAGE_ALIGNED(r.gpa))
		return VGT_E_INVAL;
	n = r.size >> PAGE_SHIFT;
	if (n > limit || f->pinned > limit - n) {
		pr_warn_ratelimited("vgt: %s[%d]: pinning %llu more pages exceeds max_pinned_pages=%lu per file\n",
				    current->comm, task_pid_nr(current),
				    (unsigned long long)n, limit);
		return -ENOMEM;
	}
	ret = vgt_kmem_pin_user(r.hva, r.size, &m);
	if (ret)
		return ret;
	m->gpa = r.gpa;
	ret = vgt_inst_mem_register(f->inst, r.gpa, r.size, m->va);
	if (ret) {
		vgt_kmem_release(m);
		return -ret;
	}
	list_add_tail(&m->link, &f->mems);
	f->pinned += m->npages;
	atomic64_add(m->npages, &f->kd->pinned_pages);
	return 0;
}

static int vgt_ioc_mem_unregister(struct vgt_file *f, void __user *argp)
{
	struct vgt_kmem *m;
	u64 gpa;
	int ret;

	if (copy_from_user(&gpa, argp, sizeof(gpa)))
		return -EFAULT;
	list_for_each_entry(m, &f->mems, link) {
		if (m->gpa != gpa)
			continue;
		/* The core first: it points the GTT away and unmaps DMA. */
		ret = vgt_inst_mem_unregister(f->inst, gpa);
		if (ret)
			return -ret;
		vgt_file_release_mem(f, m);
		return 0;
	}
	return VGT_E_NOENT;
}

static int vgt_ioc_gtt_write(struct vgt_file *f, void __user *argp)
{
	struct vgt_ioc_gtt_write w;
	struct vgt_gtt_entry *e;
	u32 bad = 0;
	int ret;

	if (copy_from_user(&w, argp, sizeof(w)))
		return -EFAULT;
	e = kmalloc_array(VGT_GTT_WRITE_MAX, sizeof(*e), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	/* A count out of range is the core's refusal (and counted). */
	if (w.n && w.n <= VGT_GTT_WRITE_MAX &&
	    copy_from_user(e, u64_to_user_ptr(w.entries),
			   (size_t)w.n * sizeof(*e))) {
		ret = -EFAULT;
		goto out;
	}
	ret = vgt_inst_gtt_write(f->inst, e, w.n, &bad);
	if (ret) {
		w.bad = bad;
		if (copy_to_user(argp, &w, sizeof(w))) {
			ret = -EFAULT;
			goto out;
		}
		ret = -ret;
	}
out:
	kfree(e);
	return ret;
}

static int vgt_ioc_gtt_read(struct vgt_file *f, void __user *argp)
{
	struct vgt_gtt_entry e;
	int ret;

	if (copy_from_user(&e, argp, sizeof(e)))
		return -EFAULT;
	ret = vgt_inst_gtt_read(f->inst, e.index, &e);
	if (ret)
		return -ret;
	return copy_to_user(argp, &e, sizeof(e)) ? -EFAULT : 0;
}

static int vgt_ioc_fence_write(struct vgt_file *f, void __user *argp)
{
	struct vgt_ioc_fence_write w;

	if (copy_from_user(&w, argp, sizeof(w)))
		return -EFAULT;
	if (w.pad)
		return -EINVAL;
	return -vgt_inst_fence_write(f->inst, w.fence, w.value);
}

static int vgt_ioc_gm_read(struct vgt_file *f, void __user *argp)
{
	struct vgt_ioc_gm_read r;
	u8 *buf;
	int ret;

	if (copy_from_user(&r, argp, sizeof(r)))
		return -EFAULT;
	if (r.pad)
		return -EINVAL;
	buf = kmalloc(VGT_GM_READ_MAX, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	/* The core refuses a length beyond VGT_GM_READ_MAX before copying. */
	ret = vgt_inst_gm_read(f->inst, r.gm_addr, buf, r.len);
	if (ret)
		ret = -ret;
	else if (copy_to_user(u64_to_user_ptr(r.buf), buf, r.len))
		ret = -EFAULT;
	kfree(buf);
	return ret;
}

static int vgt_ioc_shadow_map(struct vgt_file *f, void __user *argp)
{
	struct vgt_shadow_info si = { .size = VGT_SHADOW_SIZE };
	int ret;

	if (!f->shadow_attached) {
		/* One area per file, kept for a later instance of it. */
		if (!f->shadow) {
			void *area = vmalloc_user(VGT_SHADOW_SIZE);

			if (!area)
				return -ENOMEM;
			/* Pairs with vgt_mmap's acquire (no f->lock there). */
			smp_store_release(&f->shadow, area);
		}
		ret = vgt_inst_shadow_attach(f->inst, f->shadow, &f->shadow_gm);
		if (ret)
			return -ret;
		f->shadow_attached = true;
	}
	si.gm_addr = f->shadow_gm;
	return copy_to_user(argp, &si, sizeof(si)) ? -EFAULT : 0;
}

static int vgt_ioc_submit(struct vgt_file *f, void __user *argp)
{
	struct vgt_workload *wl = memdup_user(argp, sizeof(*wl));
	int ret;

	if (IS_ERR(wl))
		return PTR_ERR(wl);
	ret = -vgt_inst_submit(f->inst, wl);
	kfree(wl);
	return ret;
}

static int vgt_ioc_engine_regs_get(struct vgt_file *f, void __user *argp)
{
	struct vgt_engine_regs *st = memdup_user(argp, sizeof(*st));
	int ret;

	if (IS_ERR(st))
		return PTR_ERR(st);
	ret = -vgt_inst_engine_regs_get(f->inst, st->engine, st);
	if (!ret && copy_to_user(argp, st, sizeof(*st)))
		ret = -EFAULT;
	kfree(st);
	return ret;
}

static int vgt_ioc_engine_regs_set(struct vgt_file *f, void __user *argp)
{
	struct vgt_engine_regs *st = memdup_user(argp, sizeof(*st));
	int ret;

	if (IS_ERR(st))
		return PTR_ERR(st);
	ret = -vgt_inst_engine_regs_set(f->inst, st);
	kfree(st);
	return ret;
}

static int vgt_ioc_dirty_log(struct vgt_file *f, void __user *argp)
{
	u32 enable;

	if (copy_from_user(&enable, argp, sizeof(enable)))
		return -EFAULT;
	if (enable > 1)
		return VGT_E_INVAL;
	return -vgt_inst_dirty_log(f->inst, enable);
}

/* The shadow PPGTT: the count of rewritten shadow PTEs goes back. */
static int vgt_ioc_ppgtt_sync(struct vgt_file *f, void __user *argp)
{
	struct vgt_ioc_ppgtt_sync s;
	int ret;

	if (copy_from_user(&s, argp, sizeof(s)))
		return -EFAULT;
	if (s.pad)
		return -EINVAL;
	ret = vgt_inst_ppgtt_sync(f->inst, s.pd_gm);
	if (ret < 0)
		return -ret;
	s.changed = ret;
	return copy_to_user(argp, &s, sizeof(s)) ? -EFAULT : 0;
}

static int vgt_ioc_dirty_read(struct vgt_file *f, void __user *argp)
{
	struct vgt_dirty_req r;
	u64 *bitmap;
	int ret;

	if (copy_from_user(&r, argp, sizeof(r)))
		return -EFAULT;
	bitmap = kmalloc(VGT_DIRTY_READ_MAX_PAGES / 8, GFP_KERNEL);
	if (!bitmap)
		return -ENOMEM;
	/* The core refuses npages beyond the buffer before writing it. */
	ret = vgt_inst_dirty_read(f->inst, r.gpa, r.npages, bitmap);
	if (ret)
		ret = -ret;
	else if (copy_to_user(u64_to_user_ptr(r.bitmap), bitmap,
			      DIV_ROUND_UP(r.npages, 64) * sizeof(u64)))
		ret = -EFAULT;	/* the bits are gone: the caller's fault */
	kfree(bitmap);
	return ret;
}

static int vgt_ioc_inst(struct vgt_file *f, unsigned int cmd,
			void __user *argp)
{
	union {
		struct vgt_instance_info info;
		struct vgt_stats st;
		struct vgt_sched_stats sst;
		struct vgt_notify_policy np;
		u32 weight;
	} u;

	switch (cmd) {
	case VGT_IOC_DESTROY:
		vgt_file_destroy_inst(f);
		return 0;
	case VGT_IOC_RESET:
		return -vgt_inst_reset(f->inst);
	case VGT_IOC_INFO:
		vgt_inst_get_info(f->inst, &u.info);
		return copy_to_user(argp, &u.info, sizeof(u.info)) ?
		       -EFAULT : 0;
	case VGT_IOC_MEM_REGISTER:
		return vgt_ioc_mem_register(f, argp);
	case VGT_IOC_MEM_UNREGISTER:
		return vgt_ioc_mem_unregister(f, argp);
	case VGT_IOC_GTT_WRITE:
		return vgt_ioc_gtt_write(f, argp);
	case VGT_IOC_GTT_READ:
		return vgt_ioc_gtt_read(f, argp);
	case VGT_IOC_FENCE_WRITE:
		return vgt_ioc_fence_write(f, argp);
	case VGT_IOC_GM_READ:
		return vgt_ioc_gm_read(f, argp);
	case VGT_IOC_STATS:
		vgt_inst_get_stats(f->inst, &u.st);
		return copy_to_user(argp, &u.st, sizeof(u.st)) ? -EFAULT : 0;
	case VGT_IOC_SHADOW_MAP:
		return vgt_ioc_shadow_map(f, argp);
	case VGT_IOC_SUBMIT:
		return vgt_ioc_submit(f, argp);
	case VGT_IOC_SET_WEIGHT:
		if (copy_from_user(&u.weight, argp, sizeof(u.weight)))
			return -EFAULT;
		return -vgt_inst_set_weight(f->inst, u.weight);
	case VGT_IOC_SCHED_STATS:
		vgt_inst_get_sched_stats(f->inst, &u.sst);
		return copy_to_user(argp, &u.sst, sizeof(u.sst)) ?
		       -EFAULT : 0;
	case VGT_IOC_ENGINE_REGS_GET:
		return vgt_ioc_engine_regs_get(f, argp);
	case VGT_IOC_ENGINE_REGS_SET:
		return vgt_ioc_engine_regs_set(f, argp);
	case VGT_IOC_DIRTY_LOG:
		return vgt_ioc_dirty_log(f, argp);
	case VGT_IOC_DIRTY_READ:
		return vgt_ioc_dirty_read(f, argp);
	case VGT_IOC_PPGTT_SYNC:
		return vgt_ioc_ppgtt_sync(f, argp);
	case VGT_IOC_NOTIFY_POLICY:
		if (copy_from_user(&u.np, argp, sizeof(u.np)))
			return -EFAULT;
		return -vgt_inst_notify_policy(f->inst, &u.np);
	}
	return -ENOTTY;
}

static bool vgt_ioctl_known(unsigned int cmd)
{
	switch (cmd) {
	case VGT_IOC_CREATE:
	case VGT_IOC_DESTROY:
	case VGT_IOC_RESET:
	case VGT_IOC_INFO:
	case VGT_IOC_MEM_REGISTER:
	case VGT_IOC_MEM_UNREGISTER:
	case VGT_IOC_GTT_WRITE:
	case VGT_IOC_GTT_READ:
	case VGT_IOC_FENCE_WRITE:
	case VGT_IOC_GM_READ:
	case VGT_IOC_STATS:
	case VGT_IOC_SHADOW_MAP:
	case VGT_IOC_SUBMIT:
	case VGT_IOC_SET_WEIGHT:
	case VGT_IOC_SCHED_STATS:
	case VGT_IOC_ENGINE_REGS_GET:
	case VGT_IOC_ENGINE_REGS_SET:
	case VGT_IOC_DIRTY_LOG:
	case VGT_IOC_DIRTY_READ:
	case VGT_IOC_PPGTT_SYNC:
	case VGT_IOC_NOTIFY_POLICY:
		return true;
	}
	return false;
}

static long vgt_ioctl(struct file *filp, unsigned int cmd, unsigned long arg)
{
	struct vgt_file *f = filp->private_data;
	void __user *argp = (void __user *)arg;
	long ret;

	/* The full number (size and direction included) must match. */
	if (cmd == VGT_IOC_VERSION)
		return VGT_ABI_VERSION;
	if (!vgt_ioctl_known(cmd))
		return -ENOTTY;
	if (mutex_lock_interruptible(&f->lock))
		return -EINTR;
	if (f->dead)
		ret = -ENODEV;
	else if (cmd == VGT_IOC_CREATE)
		ret = vgt_ioc_create(f, argp);
	else if (!f->inst)
		ret = VGT_E_NOINST;
	else
		ret = vgt_ioc_inst(f, cmd, argp);
	mutex_unlock(&f->lock);
	return ret;
}

/* ---- events ---------------------------------------------------------------- */

static ssize_t vgt_read(struct file *filp, char __user *buf, size_t len,
			loff_t *ppos)
{
	struct vgt_file *f = filp->private_data;
	size_t max = min_t(size_t, len / sizeof(struct vgt_event),
			   VGT_EVENT_READ_MAX);
	ssize_t ret;
	int seq, n, i;

	if (!max)
		return -EINVAL;
	for (;;) {
		if (mutex_lock_interruptible(&f->lock))
			return -EINTR;
		if (f->dead) {
			mutex_unlock(&f->lock);
			return -ENODEV;
		}
		if (!f->inst) {
			mutex_unlock(&f->lock);
			return -EINVAL;
		}
		seq = atomic_read(&f->ev_seq);
		n = vgt_inst_events_read(f->inst, f->evbuf, (u32)max);
		if (n > 0) {
			for (i = 0; i < n; i++)
				if (f->evbuf[i].type == VGT_EVENT_USER_IRQ)
					vgt_account_irq_latency(f->kd);
			ret = copy_to_user(buf, f->evbuf,
					   n * sizeof(struct vgt_event)) ?
			      -EFAULT : n * sizeof(struct vgt_event);
			mutex_unlock(&f->lock);
			return ret;
		}
		mutex_unlock(&f->lock);
		if (filp->f_flags & O_NONBLOCK)
			return -EAGAIN;
		if (wait_event_interruptible(f->wq,
					     atomic_read(&f->ev_seq) != seq))
			return -ERESTARTSYS;
	}
}

static __poll_t vgt_poll(struct file *filp, poll_table *wait)
{
	struct vgt_file *f = filp->private_data;
	__poll_t mask = 0;

	poll_wait(filp, &f->wq, wait);
	mutex_lock(&f->lock);
	if (f->dead)
		mask = EPOLLERR | EPOLLHUP;
	else if (f->inst && vgt_inst_events_pending(f->inst))
		mask = EPOLLIN | EPOLLRDNORM;
	mutex_unlock(&f->lock);
	return mask;
}

/* ---- the shadow area ------------------------------------------------------- */

static int vgt_mmap(struct file *filp, struct vm_area_struct *vma)
{
	struct vgt_file *f = filp->private_data;
	unsigned long size = vma->vm_end - vma->vm_start;

	void *area;

	/*
	 * Called with the mmap lock held, which the ioctls take inside
	 * f->lock (pinning, copy_*_user): no f->lock here.  The area is set
	 * once and lives until release, which cannot run while we are here.
	 */
	if (vma->vm_pgoff || size > VGT_SHADOW_SIZE ||
	    !(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (READ_ONCE(f->dead))
		return -ENODEV;
	/* Pairs with the release in vgt_ioc_shadow_map: zeroed pages. */
	area = smp_load_acquire(&f->shadow);
	if (!area)
		return -EINVAL;	/* VGT_IOC_SHADOW_MAP first */
	return remap_vmalloc_range(vma, area, 0);
}

static const struct file_operations vgt_fops = {
	.owner = THIS_MODULE,
	.open = vgt_open,
	.release = vgt_release,
	.unlocked_ioctl = vgt_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.read = vgt_read,
	.poll = vgt_poll,
	.mmap = vgt_mmap,
	.llseek = no_llseek,
};

static struct miscdevice vgt_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "vgt",
	.fops = &vgt_fops,
	.mode = 0660,
};

int vgt_dev_register(void)
{
	return misc_register(&vgt_misc);
}

void vgt_dev_unregister(void)
{
	misc_deregister(&vgt_misc);
}

struct device *vgt_dev_device(void)
{
	return vgt_misc.this_device;
}
