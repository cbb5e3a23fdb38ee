/*
 * vgt: the global GTT half of BAR0 (BAR0 + 2 MiB, 512 Ki 4-byte entries).
 *
 * The guest writes Haswell PTEs in the GM addresses PVINFO gave it (the
 * view), which are the helper's (the partition) until the VM migrates to
 * a helper that placed it elsewhere: the guest's index then names the
 * host entry at the same offset of the partition (vgt-gm-remap.c).  Every
 * write lands in the guest's view of the GTT, indexed as the guest
 * indexes it (reads return exactly what the guest wrote: i915 reads PDEs
 * of its aliasing PPGTT back from here; the aperture follows it too),
 * then is checked -- index inside this VM's GM ranges, guest frame inside
 * guest RAM -- and handed to the helper at the host index, which
 * validates it again and writes the host GTT.
 * A refused entry is logged, counted per reason and never reaches the
 * host GTT (an entry whose frame is refused is pointed at scratch there).
 *
 * Accepted entries are queued (with the guest's index, which the refusal
 * path needs for its messages and the aperture) and sent to the helper,
 * at host indices, in batches of up to
 * VGT_GTT_WRITE_MAX: a bottom half sends them, and so does any register
 * access (the GPU only runs what the guest starts through a register, so
 * it never sees a stale GTT).  The aperture (vgt-aperture.c) follows the
 * guest's entries immediately.  What a GM address reaches through the
 * guest's entries (GGTT and PPGTT) is vgt-gtt-walk.c's.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "qapi/error.h"
#include "exec/address-spaces.h"
#include "vgt-internal.h"
#include "trace.h"

/* Log this many refusals of each device, then one line per this many. */
#define VGT_GTT_LOG_FIRST       16
#define VGT_GTT_LOG_EVERY       4096

static const char *const vgt_gtt_refusal_names[VGT_GTT_REFUSED_COUNT] = {
    [VGT_GTT_REFUSED_RANGE] = "range",
    [VGT_GTT_REFUSED_GFN] = "gfn",
    [VGT_GTT_REFUSED_HELPER] = "helper",
    [VGT_GTT_REFUSED_ACCESS] = "access",
};

/*
 * Is the page at @gpa guest RAM -- the memory the device registers with
 * the helper (vgt-host.c), not a ROM, another device's memory or an
 * aperture (which could point back at itself)?  Safe without the BQL.
 */
bool vgt_gpa_is_ram(uint64_t gpa)
{
    MemoryRegionSection sec;
    bool ram;

    sec = memory_region_find(get_system_memory(), gpa, VGT_PAGE_SIZE);
    if (!sec.mr) {
        return false;
    }
    ram = memory_region_is_ram(sec.mr) && !memory_region_is_rom(sec.mr) &&
          !memory_region_is_ram_device(sec.mr) &&
          int128_get64(sec.size) == VGT_PAGE_SIZE;
    memory_region_unref(sec.mr);
    return ram;
}

bool vgt_gpa_read(VgtState *s, uint64_t gpa, void *buf, uint32_t len)
{
    /* only the VM's own RAM: never MMIO, never another device */
    return vgt_gpa_is_ram(gpa & ~(uint64_t)(VGT_PAGE_SIZE - 1)) &&
           pci_dma_read(PCI_DEVICE(s), gpa, buf, len) == MEMTX_OK;
}

static void vgt_gtt_refuse(VgtState *s, VgtGttRefusal why, uint32_t index,
                           uint32_t pte, const char *detail)
{
    uint64_t n;
    unsigned i;

    s->gtt.refused[why]++;
    trace_vgt_gtt_refused(vgt_gtt_refusal_names[why], index, pte);
    if (why == VGT_GTT_REFUSED_RANGE) {
        /*
         * i915 in vGPU mode writes its scratch entry over the ranges it
         * ballooned whenever it clears the GGTT (some 400000 entries per
         * boot): the stock driver's normal behaviour, so these are dropped
         * and counted (x-gtt-refused-range, the trace point), not logged.
         */
        return;
    }
    n = ++s->gtt.refused_total;
    if (n <= VGT_GTT_LOG_FIRST) {
        qemu_log_mask(LOG_GUEST_ERROR, "vgt: GTT entry %u (GM 0x%" PRIx64
                      ") = 0x%08x refused: %s%s\n", index,
                      (uint64_t)index << VGT_PAGE_SHIFT, pte, detail,
                      n == VGT_GTT_LOG_FIRST ?
                      " (further refusals are counted, one line per 4096)" :
                      "");
    } else if (n % VGT_GTT_LOG_EVERY == 0) {
        g_autoptr(GString) counts = g_string_new(NULL);

        for (i = 0; i < VGT_GTT_REFUSED_COUNT; i++) {
            g_string_append_printf(counts, " %s %" PRIu64,
                                   vgt_gtt_refusal_names[i],
                                   s->gtt.refused[i]);
        }
        qemu_log_mask(LOG_GUEST_ERROR, "vgt: %" PRIu64 " GTT writes refused "
                      "so far (last: entry %u = 0x%08x, %s); by reason:%s\n",
                      n, index, pte, detail, counts->str);
    }
}

/*
 * The queued entries (guest indices) as the helper indexes them: @host[i]
 * is @e[i] at its host index.  An entry the view no longer covers (it
 * changed since the entry was queued: a reset or an incoming migration,
 * which then writes every entry again) is dropped.  Returns how many are
 * left, at the start of @e.
 */
static uint32_t vgt_gtt_to_host(VgtState *s, struct vgt_gtt_entry *e,
                                uint32_t n, struct vgt_gtt_entry *host)
{
    uint32_t i, m = 0;
    uint64_t hma;

    for (i = 0; i < n; i++) {
        if (!vgt_gm_to_host(s, (uint64_t)e[i].index << VGT_PAGE_SHIFT,
                            VGT_PAGE_SIZE, &hma)) {
            trace_vgt_gtt_remap_dropped(e[i].index);
            continue;
        }
        e[m] = e[i];
        host[m] = e[i];
        host[m].index = hma >> VGT_PAGE_SHIFT;
        m++;
    }
    return m;
}

/* Nothing the guest does may reach the helper ahead of queued entries. */
void vgt_gtt_flush(VgtState *s)
{
    struct vgt_gtt_entry *e = s->gtt.pending;
    struct vgt_gtt_entry host[VGT_GTT_WRITE_MAX];
    uint32_t n = s->gtt.npending;
    uint32_t done = 0, bad;
    int ret;

    if (!n) {
        return;
    }
    s->gtt.npending = 0;
    trace_vgt_gtt_flush(n);
    n = vgt_gtt_to_host(s, e, n, host);
    while (done < n) {
        ret = s->host.ops->gtt_write(s->host.conn, &host[done], n - done,
                                     &bad);
        if (ret >= 0) {
            s->gtt.written += n - done;
            return;
        }
        if (ret != -VGT_E_GTT_INDEX && ret != -VGT_E_GM_RANGE &&
            ret != -VGT_E_GFN && ret != -VGT_E_PTE_FLAGS) {
            /* Not about one entry (helper gone): the batch is lost. */
            for (; done < n; done++) {
                vgt_gtt_refuse(s, VGT_GTT_REFUSED_HELPER, e[done].index,
                               s->gtt.guest[e[done].index],
                               vgt_strerror(ret));
            }
            return;
        }
        if (bad >= n - done) {
            bad = 0;
        }
        /* All or nothing: resend what preceded the refused entry. */
        if (bad && s->host.ops->gtt_write(s->host.conn, &host[done], bad,
                                          NULL) >= 0) {
            s->gtt.written += bad;
        }
        done += bad;
        vgt_gtt_refuse(s, VGT_GTT_REFUSED_HELPER, e[done].index,
                       s->gtt.guest[e[done].index], vgt_strerror(ret));
        /* The CPU must not reach what the GPU may not. */
        vgt_aperture_unmap_refused(s, e[done].index, e[done].gfn);
        if (e[done].flags & VGT_PTE_VALID) {
            struct vgt_gtt_entry scratch = { .index = host[done].index };

            s->host.ops->gtt_write(s->host.conn, &scratch, 1, NULL);
        }
        done++;
    }
}

static void vgt_gtt_flush_bh(void *opaque)
{
    vgt_gtt_flush(opaque);
}

static void vgt_gtt_queue(VgtState *s, const struct vgt_gtt_entry *e)
{
    if (!s->host.conn) {
        return;
    }
    if (!s->gtt.npending) {
        qemu_bh_schedule(s->gtt.flush_bh);
    }
    s->gtt.pending[s->gtt.npending++] = *e;
    if (s->gtt.npending == VGT_GTT_WRITE_MAX) {
        vgt_gtt_flush(s);
    }
}

/* A whole 4-byte entry written by the guest. */
static void vgt_gtt_set_entry(VgtState *s, uint32_t index, uint32_t pte)
{
    uint64_t addr = vgt_pte_addr(pte);
    struct vgt_gtt_entry e = {
        .index = index,
        .flags = pte & (VGT_PTE_VALID | VGT_PTE_CACHE_MASK),
        .gfn = addr >> VGT_PAGE_SHIFT,
    };
    g_autofree char *why = NULL;

    s->gtt.guest[index] = pte;
    trace_vgt_gtt_write(index, pte);
    if (!vgt_gm_is_ours(s, (uint64_t)index << VGT_PAGE_SHIFT,
                        VGT_PAGE_SIZE)) {
        /* Ballooned by the guest: another VM's or the helper's. */
        vgt_gtt_refuse(s, VGT_GTT_REFUSED_RANGE, index, pte,
                       "outside this VM's graphics memory");
        return;
    }
    if (!(pte & VGT_PTE_VALID)) {
        e.flags = 0;
        e.gfn = 0;
    } else if (!vgt_gpa_is_ram(addr)) {
        why = g_strdup_printf("guest address 0x%" PRIx64 " is not guest "
                              "RAM; points at scratch instead", addr);
        vgt_gtt_refuse(s, VGT_GTT_REFUSED_GFN, index, pte, why);
        e.flags = 0;
        e.gfn = 0;
    }
    vgt_aperture_update(s, index, e.flags & VGT_PTE_VALID, e.gfn);
    vgt_gtt_queue(s, &e);
}

static bool vgt_gtt_access_ok(VgtState *s, hwaddr addr, unsigned size,
                              bool write, uint64_t value)
{
    /*
     * Natural alignment, as for registers, except that a 64-bit access
     * need only be dword aligned: it is two whole entries.
     */
    if (!(addr & (MIN(size, 4) - 1)) && addr + size <= VGT_GTT_SIZE) {
        return true;
    }
    s->stats.guest_errors++;
    trace_vgt_gtt_bad_access(addr, size, write);
    vgt_gtt_refuse(s, VGT_GTT_REFUSED_ACCESS, addr / 4, value,
                   write ? "unaligned write ignored" :
                   "unaligned read returns 0");
    return false;
}

static uint32_t vgt_gtt_get_entry(VgtState *s, uint32_t index)
{
    return s->gtt.guest[index];
}

static uint64_t vgt_gtt_read(void *opaque, hwaddr addr, unsigned size)
{
    VgtState *s = opaque;
    uint64_t value;

    if (!vgt_gtt_access_ok(s, addr, size, false, 0)) {
        return 0;
    }
    value = vgt_dwords_read(s, addr, size, vgt_gtt_get_entry);
    trace_vgt_gtt_read(addr, size, value);
    return value;
}

static void vgt_gtt_write(void *opaque, hwaddr addr, uint64_t value,
                          unsigned size)
{
    VgtState *s = opaque;

    if (!vgt_gtt_access_ok(s, addr, size, true, value)) {
        return;
    }
    vgt_dwords_write(s, addr, size, value, vgt_gtt_get_entry,
                     vgt_gtt_set_entry);
}

static const MemoryRegionOps vgt_gtt_ops = {
    .read = vgt_gtt_read,
    .write = vgt_gtt_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {
        .min_access_size = 1,
        .max_access_size = 8,
        .unaligned = true,  /* rejected with a guest error, see above */
    },
    .impl = {
        .min_access_size = 1,
        .max_access_size = 8,
        .unaligned = true,
    },
};

void vgt_gtt_init(VgtState *s)
{
    Object *obj = OBJECT(s);
    unsigned i;

    s->gtt.guest = g_new0(uint32_t, VGT_GTT_ENTRIES);
    s->gtt.pending = g_new0(struct vgt_gtt_entry, VGT_GTT_WRITE_MAX);
    s->gtt.flush_bh = qemu_bh_new_guarded(vgt_gtt_flush_bh, s,
                                          &DEVICE(s)->mem_reentrancy_guard);
    memory_region_init_io(&s->gtt.mr, obj, &vgt_gtt_ops, s, "vgt-gtt",
                          VGT_GTT_SIZE);
    memory_region_add_subregion(&s->bar0, VGT_MMIO_SIZE, &s->gtt.mr);

    /* Counters for tests and debugging: x-gtt-refused-<reason>. */
    for (i = 0; i < VGT_GTT_REFUSED_COUNT; i++) {
        g_autofree char *name = g_strdup_printf("x-gtt-refused-%s",
                                                vgt_gtt_refusal_names[i]);

        object_property_add_uint64_ptr(obj, name, &s->gtt.refused[i],
                                       OBJ_PROP_FLAG_READ);
    }
    object_property_add_uint64_ptr(obj, "x-gtt-written", &s->gtt.written,
                                   OBJ_PROP_FLAG_READ);
}

void vgt_gtt_reset(VgtState *s)
{
    /* The helper's reset points the whole partition at scratch. */
    s->gtt.npending = 0;
    memset(s->gtt.guest, 0, VGT_GTT_SIZE);
}

void vgt_gtt_exit(VgtState *s)
{
    s->gtt.npending = 0;
    if (s->gtt.flush_bh) {
        qemu_bh_delete(s->gtt.flush_bh);
        s->gtt.flush_bh = NULL;
    }
    g_clear_pointer(&s->gtt.guest, g_free);
    g_clear_pointer(&s->gtt.pending, g_free);
}
