/*
 * vgt: the virtual register file.
 *
 * The register space is described as data: one row per register or range
 * (offset, size, policy, reset value, read-only mask, optional handlers).
 * A dense index over the 2 MiB space maps every dword to its row, so a
 * lookup is one array load.  Offsets without a row are "not known yet":
 * they read 0, drop writes and are reported once each with LOG_UNIMP, which
 * makes the guest driver's own accesses the to-do list.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bitmap.h"
#include "qemu/log.h"
#include "vgt-internal.h"
#include "trace.h"

typedef enum VgtRegPolicy {
    VGT_REG_VIRT,       /* per-VM value; ro_mask bits keep their value */
    VGT_REG_RO,         /* constant; a write that changes it is an error */
} VgtRegPolicy;

typedef struct VgtRegInfo VgtRegInfo;

struct VgtRegInfo {
    const char *name;
    uint32_t offset;        /* bytes, dword aligned */
    uint32_t size;          /* bytes, a non-zero multiple of 4 */
    VgtRegPolicy policy;
    uint32_t reset;         /* reset value of every dword of the row */
    uint32_t ro_mask;       /* bits a guest write never changes */
    uint32_t (*read)(VgtState *s, const VgtRegInfo *r, uint32_t offset);
    void (*write)(VgtState *s, const VgtRegInfo *r, uint32_t offset,
                  uint32_t value);
};

/*
 * PVINFO (struct vgt_if in i915_pvinfo.h) at 0x78000: the guest driver
 * reads the magic and version to enter vGPU mode.  The capabilities stay 0
 * until the partitions behind them exist, so the guest refuses the vGPU
 * with its own clear message instead of running on a half-made one.
 */
#define VGT_PVINFO_BASE         0x78000
#define VGT_PVINFO_MAGIC        0x4776544776544776ull   /* "vGTvGTvG" */

/* PVINFO fields that carry this VM's partition, from the helper. */
static uint32_t vgt_pvinfo_partition_read(VgtState *s, const VgtRegInfo *r,
                                          uint32_t offset)
{
    switch (offset - VGT_PVINFO_BASE) {
    case 0x00c:
        return s->part.vgt_id;
    case 0x040:
        return s->part.mappable_base;
    case 0x044:
        return s->part.mappable_size;
    case 0x048:
        return s->part.nonmappable_base;
    case 0x04c:
        return s->part.nonmappable_size;
    case 0x050:
        return s->part.fence_num;
    }
    return 0;
}

static const VgtRegInfo vgt_reg_table[] = {
    { "PVINFO_MAGIC_LO", VGT_PVINFO_BASE + 0x000, 4, VGT_REG_RO,
      (uint32_t)VGT_PVINFO_MAGIC, ~0u },
    { "PVINFO_MAGIC_HI", VGT_PVINFO_BASE + 0x004, 4, VGT_REG_RO,
      (uint32_t)(VGT_PVINFO_MAGIC >> 32), ~0u },
    /* version_major (u16) = 1, version_minor (u16) = 0 */
    { "PVINFO_VERSION", VGT_PVINFO_BASE + 0x008, 4, VGT_REG_RO, 1, ~0u },
    { "PVINFO_VGT_ID", VGT_PVINFO_BASE + 0x00c, 4, VGT_REG_RO, 0, ~0u,
      vgt_pvinfo_partition_read },
    { "PVINFO_CAPS", VGT_PVINFO_BASE + 0x010, 4, VGT_REG_RO, 0, ~0u },
    /* avail_rs: the GM ranges and fences the helper gave this VM */
    { "PVINFO_MAPPABLE_BASE", VGT_PVINFO_BASE + 0x040, 4, VGT_REG_RO, 0, ~0u,
      vgt_pvinfo_partition_read },
    { "PVINFO_MAPPABLE_SIZE", VGT_PVINFO_BASE + 0x044, 4, VGT_REG_RO, 0, ~0u,
      vgt_pvinfo_partition_read },
    { "PVINFO_NONMAPPABLE_BASE", VGT_PVINFO_BASE + 0x048, 4, VGT_REG_RO, 0,
      ~0u, vgt_pvinfo_partition_read },
    { "PVINFO_NONMAPPABLE_SIZE", VGT_PVINFO_BASE + 0x04c, 4, VGT_REG_RO, 0,
      ~0u, vgt_pvinfo_partition_read },
    { "PVINFO_FENCE_NUM", VGT_PVINFO_BASE + 0x050, 4, VGT_REG_RO, 0, ~0u,
      vgt_pvinfo_partition_read },
    /* written by the guest driver when its display is ready */
    { "PVINFO_DISPLAY_READY", VGT_PVINFO_BASE + 0x804, 4, VGT_REG_VIRT,
      0, 0 },
};

/* Row number + 1 for every register dword; 0 = no row. */
static uint16_t *vgt_reg_index;

static gpointer vgt_regs_build_index(gpointer unused)
{
    size_t i;
    uint32_t d;

    vgt_reg_index = g_new0(uint16_t, VGT_MMIO_DWORDS);
    for (i = 0; i < ARRAY_SIZE(vgt_reg_table); i++) {
        const VgtRegInfo *r = &vgt_reg_table[i];

        /* The table is ours, not the guest's: a bad row is a build bug. */
        g_assert(r->size && !(r->size & 3) && !(r->offset & 3));
        g_assert((uint64_t)r->offset + r->size <= VGT_MMIO_SIZE);
        for (d = r->offset / 4; d < (r->offset + r->size) / 4; d++) {
            g_assert(!vgt_reg_index[d]);
            vgt_reg_index[d] = i + 1;
        }
    }
    return NULL;
}

static inline const VgtRegInfo *vgt_reg_lookup(uint32_t offset)
{
    uint16_t row = vgt_reg_index[offset / 4];

    return row ? &vgt_reg_table[row - 1] : NULL;
}

static void vgt_reg_report_unimp(VgtState *s, uint32_t offset, bool write,
                                 uint32_t value)
{
    trace_vgt_reg_unimp(offset, write, value);
    if (!test_and_set_bit(offset / 4, s->unimp_reported)) {
        qemu_log_mask(LOG_UNIMP, "vgt: %s of unimplemented register "
                      "0x%05x (value 0x%08x): %s\n",
                      write ? "write" : "read", offset, value,
                      write ? "dropped" : "reads as 0");
    }
}

static inline uint32_t vgt_reg_value(VgtState *s, const VgtRegInfo *r,
                                     uint32_t offset)
{
    return r->read ? r->read(s, r, offset) : s->vregs[offset / 4];
}

uint32_t vgt_reg_read(VgtState *s, uint32_t offset)
{
    const VgtRegInfo *r;
    uint32_t value;

    offset &= ~3u;
    if (offset >= VGT_MMIO_SIZE) {
        return 0;
    }
    r = vgt_reg_lookup(offset);
    if (!r) {
        vgt_reg_report_unimp(s, offset, false, 0);
        return 0;
    }
    value = vgt_reg_value(s, r, offset);
    trace_vgt_reg_read(offset, r->name, value);
    return value;
}

void vgt_reg_write(VgtState *s, uint32_t offset, uint32_t value)
{
    const VgtRegInfo *r;
    uint32_t old;

    offset &= ~3u;
    if (offset >= VGT_MMIO_SIZE) {
        return;
    }
    r = vgt_reg_lookup(offset);
    if (!r) {
        vgt_reg_report_unimp(s, offset, true, value);
        return;
    }
    trace_vgt_reg_write(offset, r->name, value);
    if (r->write) {
        r->write(s, r, offset, value);
        return;
    }
    old = vgt_reg_value(s, r, offset);
    if ((value ^ old) & r->ro_mask) {
        s->guest_errors++;
        qemu_log_mask(LOG_GUEST_ERROR, "vgt: write 0x%08x to read-only "
                      "bits 0x%08x of %s (0x%05x) ignored\n", value,
                      r->ro_mask, r->name, offset);
    }
    if (r->policy == VGT_REG_VIRT) {
        s->vregs[offset / 4] = (old & r->ro_mask) | (value & ~r->ro_mask);
    }
}

void vgt_regs_reset(VgtState *s)
{
    size_t i;
    uint32_t d;

    memset(s->vregs, 0, VGT_MMIO_SIZE);
    for (i = 0; i < ARRAY_SIZE(vgt_reg_table); i++) {
        const VgtRegInfo *r = &vgt_reg_table[i];

        for (d = r->offset / 4; d < (r->offset + r->size) / 4; d++) {
            s->vregs[d] = r->reset;
        }
    }
}

void vgt_regs_init(VgtState *s)
{
    static GOnce index_once = G_ONCE_INIT;

    g_once(&index_once, vgt_regs_build_index, NULL);
    s->vregs = g_malloc0(VGT_MMIO_SIZE);
    s->unimp_reported = bitmap_new(VGT_MMIO_DWORDS);
    vgt_regs_reset(s);
}

void vgt_regs_exit(VgtState *s)
{
    g_free(s->vregs);
    s->vregs = NULL;
    g_free(s->unimp_reported);
    s->unimp_reported = NULL;
}
