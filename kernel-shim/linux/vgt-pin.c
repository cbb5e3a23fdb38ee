// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vgt-pin.c - guest memory as the core wants it: one kernel mapping of
 * a guest-physical range, whose pages stay put while the GPU may reach
 * them.
 *
 * User backend (QEMU's RAM, KVM or TCG): the caller's pages are pinned
 * long-term (FOLL_LONGTERM, as VFIO type1 and RDMA do), counted in the
 * caller's locked memory (RLIMIT_MEMLOCK unless CAP_IPC_LOCK) and mapped
 * into the kernel with vmap; the core's dma_map then maps each page for
 * the device.
 *
 * Xen backend: see vgt_kmem_map_foreign() below.
 */
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include "vgt-kmod.h"

/* Pages per pin_user_pages_fast call (the array of one page, as RDMA). */
#define VGT_PIN_CHUNK	(PAGE_SIZE / sizeof(struct page *))

static void vgt_kmem_unpin(struct page **pages, unsigned long n)
{
	unsigned long done = 0;

	/* unpin_user_pages_dirty_lock takes an unsigned long count. */
	while (done < n) {
		unsigned long k = min(n - done, (unsigned long)VGT_PIN_CHUNK);

		unpin_user_pages_dirty_lock(pages + done, k, true);
		done += k;
		cond_resched();
	}
}

int vgt_kmem_pin_user(u64 hva, u64 size, struct vgt_kmem **out)
{
	struct mm_struct *mm = current->mm;
	struct vgt_kmem *m;
	unsigned long n, done = 0;
	int ret;

	*out = NULL;
	if (!mm)
		return -EINVAL;
	if (!size || !PAGE_ALIGNED(size) || !PAGE_ALIGNED(hva))
		return -EINVAL;
	/* Inside the user address space, no wrap; vmap counts in uint. */
	if (hva + size < hva || !access_ok(u64_to_user_ptr(hva), size))
		return -EFAULT;
	if ((size >> PAGE_SHIFT) > UINT_MAX || (size >> PAGE_SHIFT) > INT_MAX)
		return -ENOMEM;
	n = (unsigned long)(size >> PAGE_SHIFT);

	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return -ENOMEM;
	m->kind = VGT_KMEM_USER;
	m->size = size;
	m->npages = n;
	m->pages = kvmalloc_array(n, sizeof(*m->pages), GFP_KERNEL);
	if (!m->pages) {
		kfree(m);
		return -ENOMEM;
	}

	ret = account_locked_vm(mm, n, true);
	if (ret) {
		pr_warn_ratelimited("vgt: %s[%d]: pinning %lu KiB of guest memory exceeds RLIMIT_MEMLOCK (%lu KiB): raise it (ulimit -l, LimitMEMLOCK=, libvirt <memtune><hard_limit>) or grant CAP_IPC_LOCK\n",
				    current->comm, task_pid_nr(current),
				    n << (PAGE_SHIFT - 10),
				    rlimit(RLIMIT_MEMLOCK) >> 10);
		kvfree(m->pages);
		kfree(m);
		return -ENOMEM;
	}

	while (done < n) {
		unsigned long k = min(n - done, (unsigned long)VGT_PIN_CHUNK);
		int got;

		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			goto fail;
		}
		got = pin_user_pages_fast((unsigned long)hva + done * PAGE_SIZE,
					  (int)k, FOLL_WRITE | FOLL_LONGTERM,
					  m->pages + done);
		if (got <= 0) {
			ret = got ? got : -EFAULT;
			goto fail;
		}
		done += got;
	}

	m->va = vmap(m->pages, (unsigned int)n, VM_MAP, PAGE_KERNEL);
	if (!m->va) {
		ret = -ENOMEM;
		goto fail;
	}
	mmgrab(mm);
	m->mm = mm;
	*out = m;
	return 0;

fail:
	vgt_kmem_unpin(m->pages, done);
	account_locked_vm(mm, n, false);
	kvfree(m->pages);
	kfree(m);
	return ret;
}

/*
 * Xen: the guest's frames are foreign to dom0, and QEMU (the device
 * model in a stubdom or dom0) has no RAM of its own to pin.  What is left:
 *   1. pages to map them into: xen_alloc_unpopulated_pages(nr, pages);
 *   2. map the domain's frames there: xen_xlate_map_ballooned_pages() /
 *      the privcmd path (IOCTL_PRIVCMD_MMAPBATCH_V2 semantics in-kernel:
 *      HYPERVISOR_memory_op XENMEM_add_to_physmap_batch with
 *      XENMAPSPACE_gmfn_foreign on PVH/HVM dom0, or
 *      xen_remap_domain_gfn_array() on PV dom0) for @domid, @gfn..+@nr;
 *      or grant references if the guest shares them (gnttab_map_refs);
 *   3. vmap those pages (as the user backend does) for the core, and let
 *      dma_map do the rest: dma_map_page of a foreign page goes through
 *      xen-swiotlb, which translates pfn -> mfn (the machine frame the
 *      GPU needs) and bounces if the frame is out of the device's reach;
 *   4. release: vunmap, xen_unmap_domain_gfn_range /
 *      xen_free_unpopulated_pages.
 * No locked-memory accounting applies (the memory is the domain's).
 * It needs a hypervisor to test; until then the foreign backend refuses.
 */
int vgt_kmem_map_foreign(u16 domid, u64 gfn, u64 nr, struct vgt_kmem **out)
{
	*out = NULL;
	return -EOPNOTSUPP;
}

void vgt_kmem_release(struct vgt_kmem *m)
{
	if (!m)
		return;
	if (m->kind == VGT_KMEM_USER) {
		vunmap(m->va);
		vgt_kmem_unpin(m->pages, m->npages);
		account_locked_vm(m->mm, m->npages, false);
		mmdrop(m->mm);
	}
	kvfree(m->pages);
	kfree(m);
}
