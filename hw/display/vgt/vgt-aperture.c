/*
 * vgt: BAR2, the graphics aperture: the CPU's window onto the mappable
 * graphics memory, through the GTT.
 *
 * BAR2 is an IOMMU memory region whose translation is the guest's own GTT:
 * aperture page i (GM address i * 4 KiB as the guest sees it: its view,
 * which is not where the helper placed the VM after a migration to
 * another partition; the CPU never reaches the host's GM) translates to
 * the guest-physical page that GTT entry i points at, when that entry was
 * accepted (vgt-gtt.c) and the page is guest RAM.
 * Under TCG the CPU's TLB then maps the aperture page straight onto that
 * RAM page: framebuffer writes run at memory speed, with no flat-view
 * change and no KVM memory slot per page.  When an entry changes, an
 * IOMMU unmap notification makes TCG drop its TLB entries.  Elsewhere
 * (KVM, Xen, qtest) accesses trap and QEMU's memory core follows the same
 * translation to the RAM page -- the Xen map cache included, so no host
 * pointer to guest RAM is needed.
 *
 * Pages without such a mapping (outside this VM's mappable range, an
 * invalid or refused entry) translate to the "trap" region: reads 0,
 * writes dropped, logged as guest errors.  With x-aperture-trap=on every
 * page goes there, and the trap region performs the access itself: the
 * slow but simple design, kept as a reference for tests and the bench.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qemu/log.h"
#include "qemu/module.h"
#include "exec/address-spaces.h"
#include "vgt-internal.h"
#include "trace.h"

#define TYPE_VGT_APERTURE_IOMMU "vgt-aperture-iommu"

/* Log this many bad aperture accesses of each device, then count them. */
#define VGT_APERTURE_LOG_FIRST  16

static inline VgtState *vgt_aperture_state(IOMMUMemoryRegion *iommu)
{
    return container_of(iommu, VgtState, aperture.iommu);
}

/*
 * The guest-physical address of aperture page @page, or -1 when it has
 * none.  Runs without the BQL (TCG TLB fill, KVM MMIO exits).
 */
static uint64_t vgt_aperture_lookup(VgtState *s, uint64_t page)
{
    uint32_t gfn1;
    uint64_t gpa;

    if (page >= s->aperture.pages) {
        return -1;
    }
    gfn1 = qatomic_read(&s->aperture.gfn[page]);
    if (!gfn1) {
        return -1;
    }
    gpa = (uint64_t)(gfn1 - 1) << VGT_PAGE_SHIFT;
    /* Checked again: the memory map may have changed since the write. */
    return vgt_gpa_is_ram(gpa) ? gpa : -1;
}

static IOMMUTLBEntry vgt_aperture_translate(IOMMUMemoryRegion *iommu,
                                            hwaddr addr,
                                            IOMMUAccessFlags flag,
                                            int iommu_idx)
{
    VgtState *s = vgt_aperture_state(iommu);
    uint64_t page = addr >> VGT_PAGE_SHIFT;
    uint64_t gpa = s->conf.aperture_trap ? -1 : vgt_aperture_lookup(s, page);
    IOMMUTLBEntry entry = {
        .target_as = &s->aperture.trap_as,
        .iova = page << VGT_PAGE_SHIFT,
        .translated_addr = page << VGT_PAGE_SHIFT,
        .addr_mask = VGT_PAGE_SIZE - 1,
        .perm = IOMMU_RW,
    };

    if (gpa != -1) {
        entry.target_as = &address_space_memory;
        entry.translated_addr = gpa;
    } else if (flag == IOMMU_NONE) {
        /*
         * A TCG TLB fill (or a replay): TCG 7.2 resolves MMIO targets in
         * the CPU's own address space only, so the trap region cannot be
         * the target here.  No permission makes the page unassigned:
         * reads 0, writes dropped, each logged by the memory core (not
         * counted here: this runs outside the BQL).
         */
        entry.perm = IOMMU_NONE;
    }
    trace_vgt_aperture_translate(addr, gpa, flag);
    return entry;
}

static int vgt_aperture_attrs_to_index(IOMMUMemoryRegion *iommu,
                                       MemTxAttrs attrs)
{
    return 0;   /* one translation for every requester */
}

/* Aperture page @index no longer translates as TCG may have cached it. */
static void vgt_aperture_invalidate(VgtState *s, uint64_t addr,
                                    uint64_t mask)
{
    if (s->conf.aperture_trap) {
        return;     /* no translation to forget */
    }
    IOMMUTLBEvent event = {
        .type = IOMMU_NOTIFIER_UNMAP,
        .entry = {
            .target_as = &address_space_memory,
            .iova = addr,
            .addr_mask = mask,
            .perm = IOMMU_NONE,
        },
    };

    memory_region_notify_iommu(&s->aperture.iommu, 0, event);
}

void vgt_aperture_update(VgtState *s, uint32_t index, bool mapped,
                         uint64_t gfn)
{
    uint32_t gfn1 = mapped ? gfn + 1 : 0;

    if (index >= s->aperture.pages || gfn >= UINT32_MAX ||
        s->aperture.gfn[index] == gfn1) {
        return;
    }
    trace_vgt_aperture_update(index, mapped, gfn);
    qatomic_set(&s->aperture.gfn[index], gfn1);
    vgt_aperture_invalidate(s, (uint64_t)index << VGT_PAGE_SHIFT,
                            VGT_PAGE_SIZE - 1);
}

void vgt_aperture_unmap_refused(VgtState *s, uint32_t index, uint64_t gfn)
{
    if (index < s->aperture.pages && s->aperture.gfn[index] == gfn + 1) {
        vgt_aperture_update(s, index, false, 0);
    }
}

static void vgt_aperture_bad_access(VgtState *s, hwaddr addr, unsigned size,
                                    bool write)
{
    uint64_t gm = s->host.view.mappable_base;

    s->aperture.errors++;
    trace_vgt_aperture_unmapped(addr, size, write);
    if (s->aperture.errors > VGT_APERTURE_LOG_FIRST) {
        return;
    }
    qemu_log_mask(LOG_GUEST_ERROR, "vgt: aperture %s of %u bytes at 0x%"
                  HWADDR_PRIx " %s: %s%s\n", write ? "write" : "read", size,
                  addr, write ? "dropped" : "reads 0",
                  addr >= gm && addr - gm < s->host.view.mappable_size ?
                  (vgt_gtt_guest_pte(s, addr) & VGT_PTE_VALID ?
                   "its GTT entry was refused" :
                   "its GTT entry is not valid") :
                  "outside this VM's mappable graphics memory",
                  s->aperture.errors == VGT_APERTURE_LOG_FIRST ?
                  " (further bad aperture accesses are only counted)" : "");
}

/*
 * The trap region: pages that have no mapping, and every page with
 * x-aperture-trap=on.  @addr is the aperture offset.  QEMU hands an
 * unaligned access that crosses a page over whole, so each page's part
 * goes through that page's own translation (neighbouring aperture pages
 * need not be neighbours in guest memory).
 */
static void vgt_aperture_trap_page(VgtState *s, hwaddr addr, uint8_t *buf,
                                   unsigned len, bool write, MemTxAttrs attrs)
{
    uint64_t gpa = vgt_aperture_lookup(s, addr >> VGT_PAGE_SHIFT);

    if (gpa == -1) {
        vgt_aperture_bad_access(s, addr, len, write);
        if (!write) {
            memset(buf, 0, len);
        }
        return;
    }
    gpa += addr & (VGT_PAGE_SIZE - 1);
    if (write) {
        address_space_write(&address_space_memory, gpa, attrs, buf, len);
    } else {
        address_space_read(&address_space_memory, gpa, attrs, buf, len);
    }
    trace_vgt_aperture_trap(addr, len, write, gpa);
}

static void vgt_aperture_trap_access(VgtState *s, hwaddr addr, uint8_t *buf,
                                     unsigned size, bool write,
                                     MemTxAttrs attrs)
{
    unsigned first = MIN(size, VGT_PAGE_SIZE - (addr & (VGT_PAGE_SIZE - 1)));

    vgt_aperture_trap_page(s, addr, buf, first, write, attrs);
    if (first < size) {
        vgt_aperture_trap_page(s, addr + first, buf + first, size - first,
                               write, attrs);
    }
}

static MemTxResult vgt_aperture_trap_read(void *opaque, hwaddr addr,
                                          uint64_t *data, unsigned size,
                                          MemTxAttrs attrs)
{
    uint8_t buf[8] = { 0 };

    vgt_aperture_trap_access(opaque, addr, buf, size, false, attrs);
    *data = ldn_le_p(buf, size);
    return MEMTX_OK;
}

static MemTxResult vgt_aperture_trap_write(void *opaque, hwaddr addr,
                                           uint64_t data, unsigned size,
                                           MemTxAttrs attrs)
{
    uint8_t buf[8];

    stn_le_p(buf, size, data);
    vgt_aperture_trap_access(opaque, addr, buf, size, true, attrs);
    return MEMTX_OK;
}

static const MemoryRegionOps vgt_aperture_trap_ops = {
    .read_with_attrs = vgt_aperture_trap_read,
    .write_with_attrs = vgt_aperture_trap_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {
        .min_access_size = 1,
        .max_access_size = 8,
        .unaligned = true,  /* a CPU may do that to memory */
    },
    .impl = {
        .min_access_size = 1,
        .max_access_size = 8,
        .unaligned = true,
    },
};

void vgt_aperture_init(VgtState *s)
{
    Object *owner = OBJECT(s);

    /*
     * Every page of BAR2, not only up to the end of the VM's mappable
     * range: an incoming migration may bring a view whose range lies
     * elsewhere in the aperture (pages outside the view have no entry).
     */
    s->aperture.pages = s->conf.aperture_size >> VGT_PAGE_SHIFT;
    s->aperture.gfn = g_new0(uint32_t, s->aperture.pages);

    memory_region_init_io(&s->aperture.trap, owner, &vgt_aperture_trap_ops,
                          s, "vgt-aperture-trap", s->conf.aperture_size);
    memory_region_init(&s->aperture.mr, owner, "vgt-aperture",
                       s->conf.aperture_size);
    if (s->conf.aperture_trap) {
        /* Plain MMIO: every access through the trap handlers. */
        memory_region_add_subregion(&s->aperture.mr, 0, &s->aperture.trap);
    } else {
        address_space_init(&s->aperture.trap_as, &s->aperture.trap,
                           "vgt-aperture-trap");
        memory_region_init_iommu(&s->aperture.iommu,
                                 sizeof(s->aperture.iommu),
                                 TYPE_VGT_APERTURE_IOMMU, owner,
                                 "vgt-aperture-gtt", s->conf.aperture_size);
        memory_region_add_subregion(&s->aperture.mr, 0,
                                    MEMORY_REGION(&s->aperture.iommu));
    }
    object_property_add_uint64_ptr(owner, "x-aperture-errors",
                                   &s->aperture.errors, OBJ_PROP_FLAG_READ);
}

void vgt_aperture_reset(VgtState *s)
{
    memset(s->aperture.gfn, 0, s->aperture.pages * sizeof(uint32_t));
    /* aperture_size is a power of two (vgt_cfg_check_aperture) */
    vgt_aperture_invalidate(s, 0, s->conf.aperture_size - 1);
}

void vgt_aperture_exit(VgtState *s)
{
    if (!s->conf.aperture_trap) {
        address_space_destroy(&s->aperture.trap_as);
    }
    g_free(s->aperture.gfn);
    s->aperture.gfn = NULL;
    s->aperture.pages = 0;
}

static void vgt_aperture_iommu_class_init(ObjectClass *klass, void *data)
{
    IOMMUMemoryRegionClass *imrc = IOMMU_MEMORY_REGION_CLASS(klass);

    imrc->translate = vgt_aperture_translate;
    imrc->attrs_to_index = vgt_aperture_attrs_to_index;
}

static const TypeInfo vgt_aperture_iommu_info = {
    .name = TYPE_VGT_APERTURE_IOMMU,
    .parent = TYPE_IOMMU_MEMORY_REGION,
    .class_init = vgt_aperture_iommu_class_init,
};

static void vgt_aperture_register_types(void)
{
    type_register_static(&vgt_aperture_iommu_info);
}

type_init(vgt_aperture_register_types)
