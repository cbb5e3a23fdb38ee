/*
 * vgt: the register table: how each MMIO register of the virtual Haswell
 * behaves, as data.
 *
 * Every concern (PVINFO, GT core, rings, fences, ...) contributes its own
 * array of rows, in its own file (vgt-<concern>.c); this header,
 * vgt-regs.c and vgt-regs-check.c are the machinery.  vgt-regs.c indexes
 * all the rows densely over the 2 MiB register space (one array load per
 * access) and applies the policies.
 * Offsets without a row read 0, drop writes and are reported once each
 * with LOG_UNIMP: the guest driver's accesses are the to-do list.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_DISPLAY_VGT_REGS_H
#define HW_DISPLAY_VGT_REGS_H

typedef struct VgtState VgtState;
typedef struct VgtRegInfo VgtRegInfo;

typedef enum VgtRegPolicy {
    /* per-VM value; bits in ro_mask keep their value */
    VGT_REG_VIRT = 1,
    /*
     * per-VM value that the helper flushes to the GPU when it switches to
     * this VM (ring and context registers); otherwise as VIRT
     */
    VGT_REG_SHADOW,
    /* behaviour given by the row's handlers (both or either) */
    VGT_REG_MEDIATED,
    /* constant (reset value or read handler); a changing write is an error */
    VGT_REG_RO,
    /* writing 1 clears a bit; bits in ro_mask are not clearable */
    VGT_REG_W1C,
    /*
     * upper 16 bits select which of the lower 16 change (MI_MODE, INSTPM,
     * GFX_MODE, CACHE_MODE_0/1...); bits in ro_mask never change; the
     * upper half reads as 0
     */
    VGT_REG_MASKED,
    /* the VM may not touch it: writes are guest errors and dropped */
    VGT_REG_DENIED,
} VgtRegPolicy;

struct VgtRegInfo {
    const char *name;
    uint32_t offset;        /* bytes, dword aligned */
    uint32_t size;          /* bytes, a non-zero multiple of 4 */
    VgtRegPolicy policy;
    uint32_t reset;         /* value of every dword of the row at reset */
    uint32_t ro_mask;       /* bits a guest write never changes */
    /*
     * Optional handlers.  read: the value the guest sees (default: the
     * stored value).  write: replaces the policy's store; call
     * vgt_reg_store() from it to apply the policy, then add side effects.
     */
    uint32_t (*read)(VgtState *s, const VgtRegInfo *r, uint32_t offset);
    void (*write)(VgtState *s, const VgtRegInfo *r, uint32_t offset,
                  uint32_t value);
};

/* One concern's rows. */
typedef struct VgtRegTable {
    const VgtRegInfo *rows;
    size_t count;
} VgtRegTable;

#define VGT_REG_TABLE(rows) { (rows), ARRAY_SIZE(rows) }

/* The per-VM value of a register dword (offset in bytes, aligned). */
#define vgt_vreg(s, offset) ((s)->regs.vals[(offset) / 4])

/*
 * Apply the row's policy to a guest write of @value (the default write).
 * Returns the new stored value.
 */
uint32_t vgt_reg_store(VgtState *s, const VgtRegInfo *r, uint32_t offset,
                       uint32_t value);

/*
 * Check a set of tables: every row's size and alignment, no overlaps, a
 * policy that exists, masks consistent with it (MEDIATED rows have a
 * handler, MASKED registers only use the lower 16 bits, RO rows ignore
 * ro_mask...).  Pure: used at start-up and by the unit tests.
 */
bool vgt_reg_tables_check(const VgtRegTable *const *tables, size_t ntables,
                          uint32_t space, char **why);

/* Number of rows of all tables (after vgt_regs_init). */
size_t vgt_regs_count(void);

/* "ok, N rows" or what is wrong with the tables (x-reg-table). */
char *vgt_regs_table_status(void);

/* Rows contributed by each concern, each in the concern's own file. */
extern const VgtRegTable vgt_pvinfo_reg_table;      /* vgt-pvinfo.c */
extern const VgtRegTable vgt_fence_reg_table;       /* vgt-fence.c */
extern const VgtRegTable vgt_irq_reg_table;         /* vgt-irq.c */
extern const VgtRegTable vgt_pipe_reg_table;        /* vgt-pipe.c */
extern const VgtRegTable vgt_gt_reg_table;          /* vgt-gt.c */
extern const VgtRegTable vgt_ring_reg_table;        /* vgt-ring.c */
extern const VgtRegTable vgt_display_reg_table;     /* vgt-display-core.c */
extern const VgtRegTable vgt_dp_reg_table;          /* vgt-dp.c */
extern const VgtRegTable vgt_gmbus_reg_table;       /* vgt-gmbus.c */

/*
 * vgt-ring.c: a GDRST request (bits: 0 full, 1 render, 2 media,
 * 3 blitter, 4 VECS) resets those engines' ring registers, nothing else.
 */
void vgt_ring_gdrst(VgtState *s, uint32_t domains);

#endif
