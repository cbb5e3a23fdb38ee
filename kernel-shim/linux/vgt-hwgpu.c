// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vgt-hwgpu.c - struct vgt_gpu_ops over a Haswell's BAR0.
 *
 * Registers are BAR0 [0, 2 MiB), the GGTT BAR0 [2 MiB, 4 MiB).  The core
 * asks dma_map for one contiguous device range per buffer; without an
 * IOMMU the pages of a vmalloc'ed buffer are scattered in bus space, so
 * dma_map hands out a *cookie* range (a private address space from 4 GiB
 * up to the 39-bit PTE limit, as the software Haswell does) and keeps the
 * real bus address of each of its pages.  gtt_write translates the cookie
 * in a PTE to the page's bus address; gtt_read answers from a shadow of
 * what the core wrote, so the core only ever sees cookies.
 */
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/pci.h>
#include <linux/sched.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>
#include "vgt-kmod.h"
#include "../hsw/hsw-regs.h"

#define VGT_HW_GTT_OFFSET	HSW_MMIO_SIZE		/* 2 MiB */
#define VGT_HW_BAR0_SIZE	(2 * HSW_MMIO_SIZE)	/* 4 MiB */
#define VGT_HW_COOKIE_BASE	BIT_ULL(32)
#define VGT_HW_COOKIE_END	HSW_PTE_DMA_LIMIT
#define VGT_HW_MAX_RANGES	1024u
#define VGT_HW_PTE_FLAGS	(HSW_PTE_VALID | HSW_PTE_CACHE_MASK)
#define VGT_HW_RING_MAX_PAGES	512u

struct vgt_hw_range {
	u64 base;			/* cookie address */
	u64 size;
	unsigned long npages;
	u64 refs;			/* GTT entries pointing into it */
	dma_addr_t *bus;		/* per page */
};

struct vgt_hwgpu {
	struct pci_dev *pdev;
	struct device *dev;
	void __iomem *regs;
	void __iomem *gtt;
	u32 *gtt_shadow;		/* cookie PTEs as the core wrote them */

	struct mutex dma_lock;		/* ranges and the GTT shadow */
	struct vgt_hw_range **ranges;	/* sorted by base */
	u32 nr_ranges;
	u64 dma_pages;

	struct page *scratch;
	dma_addr_t scratch_bus;
	u32 scratch_pte;

	spinlock_t irq_lock;		/* irq_fn, irq_opaque */
	vgt_irq_handler_t irq_fn;
	void *irq_opaque;
	int irq;
	bool msi;
	wait_queue_head_t exec_wq;

	atomic64_t irqs;
	atomic64_t irq_none;
	atomic64_t irq_inline;
	atomic64_t last_irq_ns;
	atomic64_t last_kick_ns;	/* when the last ring was started */
	u64 bad_ptes;
	u64 live_ptes;
	atomic64_t bad_mmio;
	u64 exec_faults;
	u64 exec_hangs;
};

/* ---- registers ------------------------------------------------------- */

static u32 vgt_hw_read32(void *opaque, u32 offset)
{
	struct vgt_hwgpu *hw = opaque;

	if (offset >= HSW_MMIO_SIZE || (offset & 3)) {
		atomic64_inc(&hw->bad_mmio);
		return 0;
	}
	return ioread32(hw->regs + offset);
}

static void vgt_hw_write32(void *opaque, u32 offset, u32 value)
{
	struct vgt_hwgpu *hw = opaque;

	if (offset >= HSW_MMIO_SIZE || (offset & 3)) {
		atomic64_inc(&hw->bad_mmio);
		return;
	}
	iowrite32(value, hw->regs + offset);
}

/* ---- cookie ranges ---------------------------------------------------- */

/* The range holding cookie address @addr, or NULL (dma_lock held). */
static struct vgt_hw_range *vgt_hw_find(struct vgt_hwgpu *hw, u64 addr)
{
	u32 lo = 0, hi = hw->nr_ranges;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;
		struct vgt_hw_range *r = hw->ranges[mid];

		if (addr < r->base)
			hi = mid;
		else if (addr - r->base >= r->size)
			lo = mid + 1;
		else
			return r;
	}
	return NULL;
}

static void vgt_hw_unmap_pages(struct vgt_hwgpu *hw, struct vgt_hw_range *r,
			       unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++)
		dma_unmap_page(hw->dev, r->bus[i], PAGE_SIZE,
			       DMA_BIDIRECTIONAL);
}

static void vgt_hw_range_free(struct vgt_hwgpu *hw, struct vgt_hw_range *r)
{
	vgt_hw_unmap_pages(hw, r, r->npages);
	kvfree(r->bus);
	kfree(r);
}

/* First fit in the cookie space, one guard page between ranges. */
static int vgt_hw_insert(struct vgt_hwgpu *hw, struct vgt_hw_range *r)
{
	u64 start = VGT_HW_COOKIE_BASE;
	u32 i;

	if (hw->nr_ranges == VGT_HW_MAX_RANGES)
		return -ENOSPC;
	for (i = 0; i <= hw->nr_ranges; i++) {
		u64 gap_end = i < hw->nr_ranges ? hw->ranges[i]->base :
			      VGT_HW_COOKIE_END;

		if (start <= gap_end && gap_end - start >= r->size + PAGE_SIZE) {
			memmove(&hw->ranges[i + 1], &hw->ranges[i],
				(hw->nr_ranges - i) * sizeof(hw->ranges[0]));
			r->base = start;
			hw->ranges[i] = r;
			hw->nr_ranges++;
			hw->dma_pages += r->npages;
			return 0;
		}
		if (i < hw->nr_ranges)
			start = hw->ranges[i]->base + hw->ranges[i]->size +
				PAGE_SIZE;
	}
	return -ENOSPC;
}

static int vgt_hw_dma_map(void *opaque, void *va, u64 size, u64 *dma_addr)
{
	struct vgt_hwgpu *hw = opaque;
	struct vgt_hw_range *r;
	unsigned long i;
	int ret;

	if (!size || !PAGE_ALIGNED(size) || !PAGE_ALIGNED(va) ||
	    !is_vmalloc_addr(va) ||
	    size > VGT_HW_COOKIE_END - VGT_HW_COOKIE_BASE)
		return -VGT_E_INVAL;
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -VGT_E_NOMEM;
	r->size = size;
	r->npages = size >> PAGE_SHIFT;
	r->bus = kvmalloc_array(r->npages, sizeof(*r->bus), GFP_KERNEL);
	if (!r->bus) {
		kfree(r);
		return -VGT_E_NOMEM;
	}
	for (i = 0; i < r->npages; i++) {
		struct page *page = vmalloc_to_page((u8 *)va +
						    i * PAGE_SIZE);
		dma_addr_t bus;

		if (!page)
			goto fail;
		bus = dma_map_page(hw->dev, page, 0, PAGE_SIZE,
				   DMA_BIDIRECTIONAL);
		if (dma_mapping_error(hw->dev, bus))
			goto fail;
		if (bus >= HSW_PTE_DMA_LIMIT) {
			/* A Haswell PTE holds 39 address bits. */
			dma_unmap_page(hw->dev, bus, PAGE_SIZE,
				       DMA_BIDIRECTIONAL);
			dev_err_ratelimited(hw->dev, "bus address %pad beyond the 39-bit PTE range\n",
					    &bus);
			goto fail;
		}
		r->bus[i] = bus;
		if (!(i & 1023))
			cond_resched();
	}
	mutex_lock(&hw->dma_lock);
	ret = vgt_hw_insert(hw, r);
	mutex_unlock(&hw->dma_lock);
	if (ret) {
		dev_err_ratelimited(hw->dev, "no device address space left for %llu KiB\n",
				    (unsigned long long)(size >> 10));
		vgt_hw_range_free(hw, r);
		return -VGT_E_NOMEM;
	}
	*dma_addr = r->base;
	return 0;

fail:
	vgt_hw_unmap_pages(hw, r, i);
	kvfree(r->bus);
	kfree(r);
	return -VGT_E_NOMEM;
}

static void vgt_hw_gtt_raw(struct vgt_hwgpu *hw, u32 index, u32 pte)
{
	iowrite32(pte, hw->gtt + (size_t)index * 4);
}

static void vgt_hw_dma_unmap(void *opaque, u64 dma_addr, u64 size)
{
	struct vgt_hwgpu *hw = opaque;
	struct vgt_hw_range *r;
	u32 i, k;

	mutex_lock(&hw->dma_lock);
	r = vgt_hw_find(hw, dma_addr);
	if (!r || r->base != dma_addr || r->size != size) {
		mutex_unlock(&hw->dma_lock);
		dev_err_ratelimited(hw->dev, "dma_unmap of unknown range 0x%llx+0x%llx\n",
				    (unsigned long long)dma_addr,
				    (unsigned long long)size);
		return;
	}
	if (r->refs) {
		/*
		 * Entries still point into the range (the core's scratch page
		 * at teardown): they must not reach its pages once unmapped.
		 */
		for (i = 0; i < HSW_GTT_ENTRIES && r->refs; i++) {
			u64 a = hsw_pte_decode(hw->gtt_shadow[i]);

			if (a >= r->base && a - r->base < r->size) {
				vgt_hw_gtt_raw(hw, i, hw->scratch_pte);
				hw->gtt_shadow[i] = 0;
				r->refs--;
				hw->live_ptes++;
			}
		}
		ioread32(hw->gtt);	/* posting read */
	}
	for (k = 0; k < hw->nr_ranges && hw->ranges[k] != r; k++)
		;
	memmove(&hw->ranges[k], &hw->ranges[k + 1],
		(hw->nr_ranges - k - 1) * sizeof(hw->ranges[0]));
	hw->nr_ranges--;
	hw->dma_pages -= r->npages;
	mutex_unlock(&hw->dma_lock);
	vgt_hw_range_free(hw, r);
}

/* ---- GTT ---------------------------------------------------------------- */

static u32 vgt_hw_gtt_read(void *opaque, u32 index)
{
	struct vgt_hwgpu *hw = opaque;
	u32 pte;

	if (index >= HSW_GTT_ENTRIES) {
		atomic64_inc(&hw->bad_mmio);
		return 0;
	}
	mutex_lock(&hw->dma_lock);
	pte = hw->gtt_shadow[index];
	mutex_unlock(&hw->dma_lock);
	return pte;
}

static void vgt_hw_gtt_write(void *opaque, u32 index, u32 pte)
{
	struct vgt_hwgpu *hw = opaque;
	struct vgt_hw_range *r, *old;
	u64 addr = hsw_pte_decode(pte);
	u32 hwpte;

	if (index >= HSW_GTT_ENTRIES) {
		atomic64_inc(&hw->bad_mmio);
		return;
	}
	mutex_lock(&hw->dma_lock);
	old = vgt_hw_find(hw, hsw_pte_decode(hw->gtt_shadow[index]));
	r = vgt_hw_find(hw, addr);
	if (r) {
		hwpte = hsw_pte_encode(r->bus[(addr - r->base) >> PAGE_SHIFT],
				       pte & VGT_HW_PTE_FLAGS);
		r->refs++;
	} else {
		/*
		 * A bug of the caller: the GPU gets the scratch page, and the
		 * shadow says "nothing mapped" (0), so that no later range at
		 * that address is taken to be referenced.
		 */
		hwpte = hw->scratch_pte;
		hw->bad_ptes++;
		dev_warn_ratelimited(hw->dev, "GTT entry %u: PTE 0x%08x outside every mapped range: scratch\n",
				     index, pte);
		pte = 0;
	}
	if (old && old->refs)
		old->refs--;
	hw->gtt_shadow[index] = pte;
	vgt_hw_gtt_raw(hw, index, hwpte);
	mutex_unlock(&hw->dma_lock);
}

/* ---- interrupts --------------------------------------------------------- */

static void vgt_hw_set_irq_handler(void *opaque, vgt_irq_handler_t fn,
				   void *irq_opaque)
{
	struct vgt_hwgpu *hw = opaque;

	spin_lock_irq(&hw->irq_lock);
	hw->irq_fn = fn;
	hw->irq_opaque = irq_opaque;
	spin_unlock_irq(&hw->irq_lock);
	/* A handler already running may still use the old opaque. */
	if (!fn && hw->irq > 0)
		synchronize_irq(hw->irq);
}

static irqreturn_t vgt_hw_irq(int irq, void *data)
{
	struct vgt_hwgpu *hw = data;

	if (!hw->msi) {
		/* A shared line: claim it only if this GPU asserted it. */
		u32 de = ioread32(hw->regs + DEIER);

		if (!(de & DE_MASTER_IRQ_CONTROL) ||
		    !(ioread32(hw->regs + GTIIR) |
		      ioread32(hw->regs + DEIIR) |
		      ioread32(hw->regs + GEN6_PMIIR))) {
			atomic64_inc(&hw->irq_none);
			return IRQ_NONE;
		}
		/* Quiet the line until the thread has acked (as i915 does). */
		iowrite32(de & ~DE_MASTER_IRQ_CONTROL, hw->regs + DEIER);
	}
	atomic64_set(&hw->last_irq_ns, ktime_get_ns());
	atomic64_inc(&hw->irqs);
	wake_up(&hw->exec_wq);
	return IRQ_WAKE_THREAD;
}

static irqreturn_t vgt_hw_irq_thread(int irq, void *data)
{
	struct vgt_hwgpu *hw = data;
	vgt_irq_handler_t fn;
	void *opaque;

	spin_lock_irq(&hw->irq_lock);
	fn = hw->irq_fn;
	opaque = hw->irq_opaque;
	spin_unlock_irq(&hw->irq_lock);
	if (!fn)
		return IRQ_HANDLED;
	/*
	 * With MSI the master was left on: when the scheduler already
	 * serviced IIR after the workload, there is nothing left to route.
	 * With INTx the core's handler must run to turn the master back on.
	 */
	if (hw->msi && !(ioread32(hw->regs + GTIIR) |
			 ioread32(hw->regs + GEN6_PMIIR))) {
		atomic64_inc(&hw->irq_inline);
		return IRQ_HANDLED;
	}
	fn(opaque);		/* takes the core's lock, acks IIR */
	return IRQ_HANDLED;
}

int vgt_hwgpu_request_irq(struct vgt_hwgpu *hw, int irq, bool msi)
{
	int ret;

	hw->msi = msi;
	ret = request_threaded_irq(irq, vgt_hw_irq, vgt_hw_irq_thread,
				   msi ? 0 : IRQF_SHARED, "vgt", hw);
	if (!ret)
		hw->irq = irq;
	return ret;
}

void vgt_hwgpu_free_irq(struct vgt_hwgpu *hw)
{
	if (hw->irq > 0)
		free_irq(hw->irq, hw);
	hw->irq = 0;
}

/* ---- engines -------------------------------------------------------------- */

static bool vgt_hw_ring_idle(struct vgt_hwgpu *hw, u32 base, u32 tail)
{
	return (ioread32(hw->regs + RING_HEAD(base)) & HEAD_ADDR) == tail;
}

/*
 * Legacy ring submission of one command segment: the ring is pointed at
 * the segment's page(s), HEAD at its first command and TAIL after its
 * last; done when HEAD reaches TAIL.  Runs in the scheduler thread
 * without the core's lock (the interrupt thread may take it meanwhile
 * and route this engine's user interrupt): nothing here calls back into
 * the core.
 *
 * A workload runs to its end (or to exec_timeout_ms): this path never
 * preempts it and never returns VGT_EXEC_PREEMPTED, whatever x->preempt
 * says (the core gives none to an audited GPU anyway).  Stopping a ring
 * at a command boundary and going on later would need the engine's own
 * preemption (MI_ARB_CHECK with UHPTR on Haswell) and a save of the
 * batch state it does not expose; until then exec_timeout_ms bounds how
 * long another VM waits for the engine.
 */
static void vgt_hw_engine_exec(void *opaque, u32 engine,
			       struct vgt_gpu_exec *x)
{
	struct vgt_hwgpu *hw = opaque;
	u32 base, off, tail, pages, fault_reg, fault;
	u64 deadline, poll_ns;

	x->status = VGT_EXEC_FAULT;
	x->fault_cmd = 0;
	x->fault_addr = x->start;
	if (engine >= HSW_NUM_ENGINES || !x->len || (x->len & 3) ||
	    x->len > VGT_WL_LEN_MAX || (x->start & 3)) {
		hw->exec_faults++;
		return;
	}
	base = hsw_engines[engine].mmio_base;
	off = (u32)(x->start & 0xfff);
	tail = off + x->len;
	pages = DIV_ROUND_UP(tail, PAGE_SIZE);
	/* Real hardware reads TAIL == ring size as 0 (an empty ring). */
	if (tail == pages * PAGE_SIZE)
		pages++;
	if (tail & 7) {
		dev_warn_ratelimited(hw->dev, "%s: segment 0x%llx+0x%x ends off a qword: refused\n",
				     hsw_engines[engine].name,
				     (unsigned long long)x->start, x->len);
		hw->exec_faults++;
		return;
	}
	if (pages > VGT_HW_RING_MAX_PAGES) {
		hw->exec_faults++;
		return;
	}

	iowrite32(0, hw->regs + RING_CTL(base));
	iowrite32((u32)(x->start & ~0xfffull), hw->regs + RING_START(base));
	iowrite32(off, hw->regs + RING_HEAD(base));
	iowrite32(tail, hw->regs + RING_TAIL(base));
	atomic64_set(&hw->last_kick_ns, ktime_get_ns());
	iowrite32(((pages - 1) << 12) | RING_VALID, hw->regs + RING_CTL(base));

	poll_ns = (u64)clamp(vgt_exec_poll_us, 10u, 100000u) * NSEC_PER_USEC;
	deadline = ktime_get_ns() +
		   (u64)max(vgt_exec_timeout_ms, 1u) * NSEC_PER_MSEC;
	while (!vgt_hw_ring_idle(hw, base, tail)) {
		if (ktime_get_ns() >= deadline) {
			iowrite32(0, hw->regs + RING_CTL(base));
			x->status = VGT_EXEC_HANG;
			x->fault_addr = x->start;
			hw->exec_hangs++;
			dev_warn_ratelimited(hw->dev, "%s: workload at GM 0x%llx did not finish in %u ms: ring stopped\n",
					     hsw_engines[engine].name,
					     (unsigned long long)x->start,
					     vgt_exec_timeout_ms);
			return;
		}
		/* Woken by the interrupt, or polled: not every one raises. */
		wait_event_hrtimeout(hw->exec_wq,
				     vgt_hw_ring_idle(hw, base, tail),
				     ns_to_ktime(poll_ns));
	}

	fault_reg = RING_FAULT_REG(hsw_engines[engine].hws_pga);
	fault = ioread32(hw->regs + fault_reg);
	if (fault & 1) {
		iowrite32(0, hw->regs + fault_reg);
		x->status = VGT_EXEC_FAULT;
		x->fault_addr = fault & ~0xfffull;
		hw->exec_faults++;
		return;
	}
	x->status = VGT_EXEC_DONE;
	x->fault_addr = 0;
}

static const struct vgt_gpu_ops vgt_hw_ops = {
	.read32 = vgt_hw_read32,
	.write32 = vgt_hw_write32,
	.gtt_read = vgt_hw_gtt_read,
	.gtt_write = vgt_hw_gtt_write,
	.dma_map = vgt_hw_dma_map,
	.dma_unmap = vgt_hw_dma_unmap,
	.set_irq_handler = vgt_hw_set_irq_handler,
	.engine_exec = vgt_hw_engine_exec,
};

/* ---- lifetime ------------------------------------------------------------- */

/* Keep the GT awake while bound (no RC6: registers always reachable). */
static void vgt_hw_forcewake(struct vgt_hwgpu *hw, bool on)
{
	int i;

	if (!vgt_forcewake)
		return;
	iowrite32(on ? 0x00010001 : 0x00010000, hw->regs + FORCEWAKE_MT);
	if (!on)
		return;
	for (i = 0; i < 50; i++) {
		if (ioread32(hw->regs + FORCEWAKE_ACK_HSW) & 1)
			return;
		usleep_range(1000, 2000);
	}
	dev_warn(hw->dev, "forcewake not acknowledged: continuing\n");
}

struct vgt_hwgpu *vgt_hwgpu_create(struct pci_dev *pdev, void __iomem *bar0,
				   u64 aperture_size, struct vgt_gpu *gpu)
{
	struct vgt_hwgpu *hw;

	hw = kzalloc(sizeof(*hw), GFP_KERNEL);
	if (!hw)
		return NULL;
	hw->pdev = pdev;
	hw->dev = &pdev->dev;
	hw->regs = bar0;
	hw->gtt = bar0 + VGT_HW_GTT_OFFSET;
	mutex_init(&hw->dma_lock);
	spin_lock_init(&hw->irq_lock);
	init_waitqueue_head(&hw->exec_wq);
	hw->gtt_shadow = vzalloc(array_size(HSW_GTT_ENTRIES, sizeof(u32)));
	hw->ranges = kcalloc(VGT_HW_MAX_RANGES, sizeof(*hw->ranges),
			     GFP_KERNEL);
	hw->scratch = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!hw->gtt_shadow || !hw->ranges || !hw->scratch)
		goto fail;
	hw->scratch_bus = dma_map_page(hw->dev, hw->scratch, 0, PAGE_SIZE,
				       DMA_BIDIRECTIONAL);
	if (dma_mapping_error(hw->dev, hw->scratch_bus))
		goto fail;
	if (hw->scratch_bus >= HSW_PTE_DMA_LIMIT) {
		dma_unmap_page(hw->dev, hw->scratch_bus, PAGE_SIZE,
			       DMA_BIDIRECTIONAL);
		goto fail;
	}
	hw->scratch_pte = hsw_pte_encode(hw->scratch_bus, HSW_PTE_VALID);
	vgt_hw_forcewake(hw, true);

	memset(gpu, 0, sizeof(*gpu));
	gpu->ops = &vgt_hw_ops;
	gpu->priv = hw;
	gpu->mmio_size = HSW_MMIO_SIZE;
	gpu->gtt_entries = HSW_GTT_ENTRIES;
	gpu->aperture_size = aperture_size;
	gpu->gm_size = HSW_GM_SIZE;
	gpu->fence_count = HSW_FENCE_COUNT;
	gpu->dma_limit = VGT_HW_COOKIE_END;
	gpu->view_enforced = false;	/* the core audits every workload */
	return hw;

fail:
	if (hw->scratch)
		__free_page(hw->scratch);
	kfree(hw->ranges);
	vfree(hw->gtt_shadow);
	kfree(hw);
	return NULL;
}

void vgt_hwgpu_destroy(struct vgt_hwgpu *hw)
{
	u32 i;

	if (!hw)
		return;
	/* The core has unmapped everything; the GPU keeps only scratch. */
	for (i = 0; i < HSW_GTT_ENTRIES; i++)
		vgt_hw_gtt_raw(hw, i, hw->scratch_pte);
	ioread32(hw->gtt);
	vgt_hw_forcewake(hw, false);
	pci_clear_master(hw->pdev);
	mutex_lock(&hw->dma_lock);
	while (hw->nr_ranges) {
		struct vgt_hw_range *r = hw->ranges[--hw->nr_ranges];

		dev_err(hw->dev, "range 0x%llx+0x%llx still mapped at unbind: unmapped\n",
			(unsigned long long)r->base,
			(unsigned long long)r->size);
		vgt_hw_range_free(hw, r);
	}
	mutex_unlock(&hw->dma_lock);
	dma_unmap_page(hw->dev, hw->scratch_bus, PAGE_SIZE, DMA_BIDIRECTIONAL);
	__free_page(hw->scratch);
	kfree(hw->ranges);
	vfree(hw->gtt_shadow);
	mutex_destroy(&hw->dma_lock);
	kfree(hw);
}

void vgt_hwgpu_get_stats(struct vgt_hwgpu *hw, struct vgt_hwgpu_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (!hw)
		return;
	st->irqs = atomic64_read(&hw->irqs);
	st->irq_none = atomic64_read(&hw->irq_none);
	st->irq_inline = atomic64_read(&hw->irq_inline);
	st->last_irq_ns = atomic64_read(&hw->last_irq_ns);
	st->bad_mmio = atomic64_read(&hw->bad_mmio);
	mutex_lock(&hw->dma_lock);
	st->bad_ptes = hw->bad_ptes;
	st->live_ptes = hw->live_ptes;
	st->dma_ranges = hw->nr_ranges;
	st->dma_pages = hw->dma_pages;
	mutex_unlock(&hw->dma_lock);
	/* Written by the scheduler thread only; a torn read is harmless. */
	st->exec_faults = READ_ONCE(hw->exec_faults);
	st->exec_hangs = READ_ONCE(hw->exec_hangs);
}

/*
 * The hard interrupt of the most recent ring run, or 0 when none came
 * after it was started (its completion was seen by polling first).
 */
u64 vgt_hwgpu_last_irq_ns(struct vgt_hwgpu *hw)
{
	u64 irq = atomic64_read(&hw->last_irq_ns);

	return irq >= atomic64_read(&hw->last_kick_ns) ? irq : 0;
}
