/*
 * vgt: the virtual register file: dispatch of the register tables.
 *
 * A dense index over the 2 MiB register space maps every dword to its row
 * (one array load per access); the row's policy decides what a read or a
 * write does (vgt-regs.h).  Offsets without a row are "not known yet":
 * they read 0, drop writes and are reported once each with LOG_UNIMP.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bitmap.h"
#include "qemu/error-report.h"
#include "qemu/log.h"
#include "qapi/visitor.h"
#include "vgt-internal.h"
#include "kernel-shim/hsw/hsw-regs.h"
#include "trace.h"

/*
 * The engine state a switch between VMs carries (the HSW_REG_CTX rows of
 * kernel-shim/hsw/hsw-regs.c) that no concern's table has: per-VM values
 * the device flushes with the engine's workloads (vgt-submit.c).  Masked
 * registers store what they read, as every MASKED row does.
 */
static const VgtRegInfo vgt_switch_regs[] = {
    { "RCS_SYNC_0/1/2", RING_SYNC_0(RENDER_RING_BASE), 12, VGT_REG_SHADOW,
      0, 0 },
    { "RCS_UHPTR", RING_UHPTR(RENDER_RING_BASE), 4, VGT_REG_SHADOW, 0, 0 },
    { "VCS_SYNC_0/1/2", RING_SYNC_0(BSD_RING_BASE), 12, VGT_REG_SHADOW,
      0, 0 },
    { "VCS_UHPTR", RING_UHPTR(BSD_RING_BASE), 4, VGT_REG_SHADOW, 0, 0 },
    { "BCS_SYNC_0/1/2", RING_SYNC_0(BLT_RING_BASE), 12, VGT_REG_SHADOW,
      0, 0 },
    { "BCS_UHPTR", RING_UHPTR(BLT_RING_BASE), 4, VGT_REG_SHADOW, 0, 0 },
    { "VECS_SYNC_0/1/2", RING_SYNC_0(VEBOX_RING_BASE), 12, VGT_REG_SHADOW,
      0, 0 },
    { "VECS_UHPTR", RING_UHPTR(VEBOX_RING_BASE), 4, VGT_REG_SHADOW, 0, 0 },
    { "VCS_EXCC", RING_EXCC(BSD_RING_BASE), 4, VGT_REG_SHADOW, 0, 0 },
    { "BCS_EXCC", RING_EXCC(BLT_RING_BASE), 4, VGT_REG_SHADOW, 0, 0 },
    { "VECS_EXCC", RING_EXCC(VEBOX_RING_BASE), 4, VGT_REG_SHADOW, 0, 0 },
    { "RCS_BB_PREEMPT_ADDR", RING_BB_PREEMPT_ADDR(RENDER_RING_BASE), 4,
      VGT_REG_SHADOW, 0, 0 },
    { "3D_CHICKEN3", _3D_CHICKEN3, 4, VGT_REG_MASKED, 0, 0 },
    { "COMMON_SLICE_CHICKEN1", GEN7_COMMON_SLICE_CHICKEN1, 4,
      VGT_REG_MASKED, 0, 0 },
    { "L3CNTLREG1", GEN7_L3CNTLREG1, 4, VGT_REG_SHADOW, 0, 0 },
    { "L3_CHICKEN_MODE", GEN7_L3_CHICKEN_MODE_REGISTER, 4, VGT_REG_SHADOW,
      0, 0 },
};
static const VgtRegTable vgt_switch_reg_table = VGT_REG_TABLE(vgt_switch_regs);

/* Every concern's rows. */
static const VgtRegTable *const vgt_reg_tables[] = {
    &vgt_switch_reg_table,
    &vgt_pvinfo_reg_table,
    &vgt_fence_reg_table,
    &vgt_irq_reg_table,
    &vgt_pipe_reg_table,
    &vgt_gt_reg_table,
    &vgt_ring_reg_table,
    &vgt_display_reg_table,
    &vgt_dp_reg_table,
    &vgt_gmbus_reg_table,
};
#define vgt_reg_ntables ARRAY_SIZE(vgt_reg_tables)

/* All rows, and for every register dword its row number + 1 (0: none). */
static const VgtRegInfo **vgt_reg_rows;
static size_t vgt_reg_nrows;
static uint16_t *vgt_reg_index;
static char *vgt_reg_table_error;

static gpointer vgt_regs_build_index(gpointer unused)
{
    size_t i, j;
    uint32_t d;

    /* A bad table is a bug of ours: the device refuses to realize. */
    if (!vgt_reg_tables_check(vgt_reg_tables, vgt_reg_ntables,
                              VGT_MMIO_SIZE, &vgt_reg_table_error)) {
        return NULL;
    }
    for (i = 0; i < vgt_reg_ntables; i++) {
        vgt_reg_nrows += vgt_reg_tables[i]->count;
    }
    if (vgt_reg_nrows >= UINT16_MAX) {
        vgt_reg_table_error = g_strdup("more rows than the index can hold");
        return NULL;
    }
    vgt_reg_rows = g_new(const VgtRegInfo *, vgt_reg_nrows);
    vgt_reg_index = g_new0(uint16_t, VGT_MMIO_DWORDS);
    vgt_reg_nrows = 0;
    for (i = 0; i < vgt_reg_ntables; i++) {
        for (j = 0; j < vgt_reg_tables[i]->count; j++) {
            const VgtRegInfo *r = &vgt_reg_tables[i]->rows[j];

            vgt_reg_rows[vgt_reg_nrows++] = r;
            for (d = r->offset / 4; d < (r->offset + r->size) / 4; d++) {
                vgt_reg_index[d] = vgt_reg_nrows;
            }
        }
    }
    return NULL;
}

static inline uint16_t vgt_reg_row(uint32_t offset)
{
    return vgt_reg_index[offset / 4];
}

static void vgt_reg_report_unimp(VgtState *s, uint32_t offset, bool write,
                                 uint32_t value)
{
    trace_vgt_reg_unimp(offset, write, value);
    if (!test_and_set_bit(offset / 4, s->regs.unimp_reported)) {
        qemu_log_mask(LOG_UNIMP, "vgt: %s of unimplemented register "
                      "0x%05x (value 0x%08x): %s\n",
                      write ? "write" : "read", offset, value,
                      write ? "dropped" : "reads as 0");
    }
}

static void G_GNUC_PRINTF(4, 5) vgt_reg_guest_error(VgtState *s,
                                                    uint16_t row,
                                                    uint32_t offset,
                                                    const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    s->stats.guest_errors++;
    s->regs.guest_errors[row - 1]++;
    qemu_log_mask(LOG_GUEST_ERROR, "vgt: %s (0x%05x): %s\n",
                  vgt_reg_rows[row - 1]->name, offset, msg);
}

static inline uint32_t vgt_reg_value(VgtState *s, const VgtRegInfo *r,
                                     uint32_t offset)
{
    return r->read ? r->read(s, r, offset) : vgt_vreg(s, offset);
}

uint32_t vgt_reg_store(VgtState *s, const VgtRegInfo *r, uint32_t offset,
                       uint32_t value)
{
    uint16_t row = vgt_reg_row(offset);
    uint32_t old = vgt_vreg(s, offset);
    uint32_t new = old;
    uint32_t mask;

    switch (r->policy) {
    case VGT_REG_VIRT:
    case VGT_REG_SHADOW:
    case VGT_REG_MEDIATED:
        new = (old & r->ro_mask) | (value & ~r->ro_mask);
        if ((value ^ old) & r->ro_mask) {
            trace_vgt_reg_ro_bits(offset, value, r->ro_mask);
        }
        break;
    case VGT_REG_W1C:
        new = old & ~(value & ~r->ro_mask);
        break;
    case VGT_REG_MASKED:
        mask = (value >> 16) & ~r->ro_mask;
        new = (old & ~mask) | (value & mask & 0xffff);
        break;
    case VGT_REG_RO:
        if (value != vgt_reg_value(s, r, offset)) {
            vgt_reg_guest_error(s, row, offset, "write 0x%08x to a read-only "
                                "register ignored", value);
        }
        return old;
    case VGT_REG_DENIED:
        vgt_reg_guest_error(s, row, offset, "write 0x%08x denied: this "
                            "register belongs to the host", value);
        return old;
    }
    vgt_vreg(s, offset) = new;
    return new;
}

uint32_t vgt_reg_read(VgtState *s, uint32_t offset)
{
    uint16_t row;
    uint32_t value;

    offset &= ~3u;
    if (offset >= VGT_MMIO_SIZE) {
        return 0;
    }
    row = vgt_reg_row(offset);
    if (!row) {
        vgt_reg_report_unimp(s, offset, false, 0);
        return 0;
    }
    value = vgt_reg_value(s, vgt_reg_rows[row - 1], offset);
    trace_vgt_reg_read(offset, vgt_reg_rows[row - 1]->name, value);
    return value;
}

void vgt_reg_write(VgtState *s, uint32_t offset, uint32_t value)
{
    const VgtRegInfo *r;
    uint16_t row;

    offset &= ~3u;
    if (offset >= VGT_MMIO_SIZE) {
        return;
    }
    row = vgt_reg_row(offset);
    if (!row) {
        vgt_reg_report_unimp(s, offset, true, value);
        return;
    }
    r = vgt_reg_rows[row - 1];
    trace_vgt_reg_write(offset, r->name, value);
    if (r->write) {
        r->write(s, r, offset, value);
    } else {
        vgt_reg_store(s, r, offset, value);
    }
}

void vgt_regs_reset(VgtState *s)
{
    size_t i;
    uint32_t d;

    memset(s->regs.vals, 0, VGT_MMIO_SIZE);
    for (i = 0; i < vgt_reg_nrows; i++) {
        const VgtRegInfo *r = vgt_reg_rows[i];

        for (d = r->offset / 4; d < (r->offset + r->size) / 4; d++) {
            s->regs.vals[d] = r->reset;
        }
    }
}

bool vgt_regs_init(VgtState *s, Error **errp)
{
    static GOnce index_once = G_ONCE_INIT;

    g_once(&index_once, vgt_regs_build_index, NULL);
    if (vgt_reg_table_error) {
        error_setg(errp, "vgt: internal register table error: %s",
                   vgt_reg_table_error);
        return false;
    }
    s->regs.vals = g_malloc0(VGT_MMIO_SIZE);
    s->regs.unimp_reported = bitmap_new(VGT_MMIO_DWORDS);
    s->regs.guest_errors = g_new0(uint32_t, vgt_reg_nrows);
    vgt_regs_reset(s);
    return true;
}

void vgt_regs_exit(VgtState *s)
{
    g_clear_pointer(&s->regs.vals, g_free);
    g_clear_pointer(&s->regs.unimp_reported, g_free);
    g_clear_pointer(&s->regs.guest_errors, g_free);
}

bool vgt_regs_visit_errors(VgtState *s, Visitor *v, const char *name,
                           Error **errp)
{
    size_t i;
    bool ok;

    /* only the registers with errors, by name */
    if (!visit_start_struct(v, name, NULL, 0, errp)) {
        return false;
    }
    ok = true;
    for (i = 0; ok && i < vgt_reg_nrows; i++) {
        uint64_t n = s->regs.guest_errors[i];

        if (n) {
            ok = visit_type_uint64(v, vgt_reg_rows[i]->name, &n, errp);
        }
    }
    ok = ok && visit_check_struct(v, errp);
    visit_end_struct(v, NULL);
    return ok;
}

size_t vgt_regs_count(void)
{
    return vgt_reg_nrows;
}

char *vgt_regs_table_status(void)
{
    g_autofree char *why = NULL;
    size_t i, n = 0;

    if (!vgt_reg_tables_check(vgt_reg_tables, vgt_reg_ntables,
                              VGT_MMIO_SIZE, &why)) {
        return g_strdup(why);
    }
    for (i = 0; i < vgt_reg_ntables; i++) {
        n += vgt_reg_tables[i]->count;
    }
    if (n >= UINT16_MAX) {
        return g_strdup("more rows than the index can hold");
    }
    return g_strdup_printf("ok, %zu rows", n);
}
