/*
 * vgt: consistency check of the register tables (pure logic).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "vgt-regs.h"

static bool vgt_reg_row_check(const VgtRegInfo *r, uint32_t space, char **why)
{
    const char *name = r->name ? r->name : "(unnamed)";

    if (!r->name) {
        *why = g_strdup_printf("row at 0x%05x has no name", r->offset);
        return false;
    }
    if (!r->size || (r->size & 3) || (r->offset & 3)) {
        *why = g_strdup_printf("%s: offset 0x%x / size 0x%x not dword "
                               "aligned", name, r->offset, r->size);
        return false;
    }
    if ((uint64_t)r->offset + r->size > space) {
        *why = g_strdup_printf("%s: [0x%x, +0x%x) beyond the register "
                               "space", name, r->offset, r->size);
        return false;
    }
    switch (r->policy) {
    case VGT_REG_VIRT:
    case VGT_REG_SHADOW:
    case VGT_REG_W1C:
        break;
    case VGT_REG_MEDIATED:
        if (!r->read && !r->write) {
            *why = g_strdup_printf("%s: mediated without a handler", name);
            return false;
        }
        break;
    case VGT_REG_RO:
    case VGT_REG_DENIED:
        if (r->write) {
            *why = g_strdup_printf("%s: %s with a write handler", name,
                                   r->policy == VGT_REG_RO ? "read-only"
                                                           : "denied");
            return false;
        }
        if (r->ro_mask != ~0u) {
            *why = g_strdup_printf("%s: %s but ro_mask 0x%08x is not all "
                                   "ones", name, r->policy == VGT_REG_RO ?
                                   "read-only" : "denied", r->ro_mask);
            return false;
        }
        break;
    case VGT_REG_MASKED:
        if ((r->reset | r->ro_mask) & 0xffff0000u) {
            *why = g_strdup_printf("%s: masked register with reset 0x%08x / "
                                   "ro_mask 0x%08x above bit 15", name,
                                   r->reset, r->ro_mask);
            return false;
        }
        break;
    default:
        *why = g_strdup_printf("%s: unknown policy %d", name, r->policy);
        return false;
    }
    return true;
}

static int vgt_reg_row_cmp(const void *a, const void *b)
{
    const VgtRegInfo *ra = *(const VgtRegInfo * const *)a;
    const VgtRegInfo *rb = *(const VgtRegInfo * const *)b;

    return ra->offset < rb->offset ? -1 : ra->offset > rb->offset;
}

bool vgt_reg_tables_check(const VgtRegTable *const *tables, size_t ntables,
                          uint32_t space, char **why)
{
    g_autofree const VgtRegInfo **rows = NULL;
    size_t i, j, n = 0;

    *why = NULL;
    for (i = 0; i < ntables; i++) {
        n += tables[i]->count;
    }
    rows = g_new(const VgtRegInfo *, n ? n : 1);
    n = 0;
    for (i = 0; i < ntables; i++) {
        for (j = 0; j < tables[i]->count; j++) {
            if (!vgt_reg_row_check(&tables[i]->rows[j], space, why)) {
                return false;
            }
            rows[n++] = &tables[i]->rows[j];
        }
    }
    qsort(rows, n, sizeof(*rows), vgt_reg_row_cmp);
    for (i = 1; i < n; i++) {
        if (rows[i - 1]->offset + rows[i - 1]->size > rows[i]->offset) {
            *why = g_strdup_printf("%s [0x%x, +0x%x) overlaps %s at 0x%x",
                                   rows[i - 1]->name, rows[i - 1]->offset,
                                   rows[i - 1]->size, rows[i]->name,
                                   rows[i]->offset);
            return false;
        }
    }
    return true;
}
