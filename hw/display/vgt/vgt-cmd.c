/*
 * vgt: the command scanner (pure logic, see vgt-cmd.h).
 *
 * Decoding (which command, how long, in which address space each operand
 * lives, which batches are privileged) is hsw-cmd.h's, shared with the
 * software Haswell's engines.  What this file adds is the audit: every
 * operand lies in the VM's graphics memory (GGTT) or its PPGTT, registers
 * loaded or stored are on the allow-list of the register rows
 * (hsw_reg_cmd_allowed), display events name pipes the VM has, blits stay
 * inside the VM's memory; a command the decoder does not know is refused.
 * The scan also records where each GGTT address of the copies is (its
 * fixups), so that vgt_cmd_remap can move them all when the VM's memory
 * is elsewhere on this host than where the guest thinks it is.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "vgt-cmd.h"

#define VGT_PAGE                4096u

/*
 * The stream being decoded: the ring (with wrap) or a batch.  Its bytes
 * are read a page run at a time straight into its segment's copy, and
 * decoded there: every byte is read from the VM once, and what is
 * audited is what runs.  The copy holds the stream up to the fetch
 * position; the commands before @off were decoded.
 */
typedef struct VgtCmdStream {
    struct hsw_cs_stream cs;
    VgtCmdSegment *seg;         /* its copy */
    GByteArray *copy;           /* seg->copy */
    uint64_t base;              /* ring: its GGTT address; batch: 0 */
    uint64_t size;              /* ring: its size (wraps); batch: 0 */
    uint64_t start;             /* its first byte: ring offset; address */
    uint64_t limit;             /* bytes this stream may still yield */
    uint32_t off;               /* next command in seg->copy, from @start */
    uint64_t fetch_pos;         /* next byte to read, as @start */
    uint64_t fetch_limit;       /* bytes still to read, as @limit */
} VgtCmdStream;

/* The state of one scan. */
typedef struct VgtCmdCtx {
    const VgtCmdEnv *env;
    VgtCmdScan *scan;
    VgtCmdSegment *seg;         /* the segment being scanned */
    /*
     * The current command: at @cmd_offset of @cmd_st's copy (the stream
     * that decodes it), or (no stream yet) at @cmd_gma.
     */
    const VgtCmdStream *cmd_st;
    uint32_t cmd_offset;
    uint64_t cmd_gma;
    struct hsw_blt_setup blt_setup;
    /*
     * The XY_SETUP_BLT of blt_setup: where its destination dword is
     * copied, and its fixup once a text blit drew there through the GGTT
     * (-1 before), which grows to cover every such blit.
     */
    unsigned setup_segment;
    uint32_t setup_offset;
    uint64_t setup_gma;
    int setup_fixup;
    bool setup_ppgtt_use;
    /* a batch buffer start seen in the current command */
    bool bb_start;
    bool bb_call;
    struct hsw_cs_stream bb_stream;
    uint64_t bb_gma;
    bool end;                   /* MI_BATCH_BUFFER_END */
    const uint64_t *rules;      /* vgt_cmd_rules_table(env->engine) */
    uint32_t max_dwords;        /* env->max_dwords or the default */
    bool trace;                 /* env->trace is set */
} VgtCmdCtx;

/* Where the byte at @off of the copy of @st is. */
static uint64_t vgt_cmd_stream_gma(const VgtCmdStream *st, uint32_t off)
{
    uint64_t pos = st->start + off;

    if (st->size && pos >= st->size) {
        pos -= st->size;    /* the ring wrapped (once: off < size) */
    }
    return st->base + pos;
}

/* Where the current command starts (for messages and fixups only). */
static uint64_t vgt_cmd_gma(const VgtCmdCtx *c)
{
    return c->cmd_st ? vgt_cmd_stream_gma(c->cmd_st, c->cmd_offset) :
           c->cmd_gma;
}

static VgtCmdResult G_GNUC_PRINTF(3, 4) vgt_cmd_fail(VgtCmdCtx *c,
                                                     VgtCmdResult r,
                                                     const char *fmt, ...)
{
    va_list ap;
    int n;

    n = snprintf(c->scan->why, sizeof(c->scan->why), "%s 0x%08" PRIx64 ": ",
                 c->seg && c->seg->ppgtt ? "ppgtt" : "ggtt", vgt_cmd_gma(c));
    va_start(ap, fmt);
    vsnprintf(c->scan->why + n, sizeof(c->scan->why) - n, fmt, ap);
    va_end(ap);
    c->scan->result = r;
    return r;
}

/* A decoder refusal, in the scanner's terms. */
static VgtCmdResult vgt_cmd_decode_fail(VgtCmdCtx *c,
                                        const struct hsw_cmd *cmd,
                                        enum hsw_cmd_error err,
                                        const char *why)
{
    const char *name = cmd->desc ? cmd->desc->name : "command";

    switch (err) {
    case HSW_CMD_E_UNKNOWN:
        return vgt_cmd_fail(c, VGT_CMD_BAD_COMMAND, "unknown command 0x%08x",
                            cmd->dw0);
    case HSW_CMD_E_ENGINE:
        return vgt_cmd_fail(c, VGT_CMD_BAD_COMMAND, "%s is not a command "
                            "of this engine", name);
    case HSW_CMD_E_LENGTH:
        if (cmd->desc && cmd->desc->kind == HSW_CMD_LOAD_REGISTER_IMM &&
            !(cmd->len & 1)) {
            why = "an even number of payload dwords, not register/value "
                  "pairs";
        }
        return vgt_cmd_fail(c, VGT_CMD_BAD_COMMAND, "%s length %u%s%s",
                            name, cmd->len, why ? ": " : "", why ? why : "");
    case HSW_CMD_E_PRIVILEGE:
    case HSW_CMD_E_RANGE:
        return vgt_cmd_fail(c, VGT_CMD_BAD_ADDRESS, "%s: %s", name,
                            why ? why : "privileged operand");
    default:
        return vgt_cmd_fail(c, VGT_CMD_BAD_COMMAND, "%s: %s", name,
                            why ? why : hsw_cmd_error_name(err));
    }
}

/* ---- address audit ------------------------------------------------ */

/*
 * [gma, gma + len) of an operand named "@what @what2" (@what2 may be ""):
 * the names are only formatted when the check fails.
 */
static VgtCmdResult vgt_cmd_check_range2(VgtCmdCtx *c, const char *what,
                                         const char *what2, bool ggtt,
                                         uint64_t gma, uint64_t len)
{
    const char *sep = what2[0] ? " " : "";

    if (!len) {
        return VGT_CMD_OK;
    }
    if (ggtt) {
        if (gma + len < gma || !c->env->gm_ok(c->env->opaque, gma, len)) {
            return vgt_cmd_fail(c, VGT_CMD_BAD_ADDRESS, "%s%s%s [0x%" PRIx64
                                ", +0x%" PRIx64 ") outside this VM's "
                                "graphics memory", what, sep, what2, gma,
                                len);
        }
        return VGT_CMD_OK;
    }
    /*
     * The PPGTT maps only this VM's memory: the GPU walks the helper's
     * shadow of it, which the device syncs before the submission.
     */
    c->scan->ppgtt = true;
    if (gma >= HSW_PPGTT_SIZE || len > HSW_PPGTT_SIZE - gma) {
        return vgt_cmd_fail(c, VGT_CMD_BAD_ADDRESS, "%s%s%s [0x%" PRIx64
                            ", +0x%" PRIx64 ") beyond the PPGTT", what, sep,
                            what2, gma, len);
    }
    return VGT_CMD_OK;
}

static VgtCmdResult vgt_cmd_check_range(VgtCmdCtx *c, const char *what,
                                        bool ggtt, uint64_t gma,
                                        uint64_t len)
{
    return vgt_cmd_check_range2(c, what, "", ggtt, gma, len);
}

static VgtCmdResult vgt_cmd_check_operand(VgtCmdCtx *c,
                                          const struct hsw_cmd_operand *op)
{
    if (op->space == HSW_SPACE_HWSP) {
        return VGT_CMD_OK;      /* bounded to the status page by decode */
    }
    return vgt_cmd_check_range(c, op->what, op->space == HSW_SPACE_GGTT,
                               op->addr, op->len);
}

/* A register a command loads (LRI, LRM, the destination of LRR). */
static VgtCmdResult vgt_cmd_check_reg(VgtCmdCtx *c, const char *cmd,
                                      uint32_t reg)
{
    if (!hsw_reg_cmd_allowed(c->env->engine, reg)) {
        return vgt_cmd_fail(c, VGT_CMD_BAD_REGISTER, "%s of register "
                            "0x%05x, which a VM may not load", cmd, reg);
    }
    return VGT_CMD_OK;
}

/*
 * A register a command reads (SRM, the source of LRR): also the engine's
 * switched state, which only the VM's own values are in.
 */
static VgtCmdResult vgt_cmd_check_store(VgtCmdCtx *c, const char *cmd,
                                        uint32_t reg)
{
    if (!hsw_reg_store_allowed(c->env->engine, reg)) {
        return vgt_cmd_fail(c, VGT_CMD_BAD_REGISTER, "%s of register "
                            "0x%05x, which a VM may not read", cmd, reg);
    }
    return VGT_CMD_OK;
}

/* Pipes of the VM's display: events and flips name them. */
static VgtCmdResult vgt_cmd_check_pipe(VgtCmdCtx *c, const char *cmd,
                                       unsigned pipe)
{
    if (pipe >= c->env->npipes) {
        return vgt_cmd_fail(c, VGT_CMD_BAD_COMMAND, "%s names pipe %c, "
                            "which this VM does not have", cmd, 'A' + pipe);
    }
    return VGT_CMD_OK;
}

/* ---- where the GGTT addresses are (for vgt_cmd_remap) -------------- */

static void vgt_cmd_add_fixup(VgtCmdCtx *c, const char *what, unsigned seg,
                              uint64_t cmd_gma, uint32_t offset, uint32_t mask,
                              uint64_t gma, uint64_t len, bool optional)
{
    VgtCmdFixup f = {
        .gma = gma, .len = len, .cmd_gma = cmd_gma, .what = what,
        .offset = offset, .mask = mask, .segment = seg,
        .optional = optional,
    };

    if (c->scan->fixups) {
        g_array_append_val(c->scan->fixups, f);
    }
}

/* Bits @mask of dword @at of the current command. */
static void vgt_cmd_fixup_here(VgtCmdCtx *c, const char *what, unsigned at,
                               uint32_t mask, uint64_t gma, uint64_t len,
                               bool optional)
{
    vgt_cmd_add_fixup(c, what, c->seg - c->scan->segment, vgt_cmd_gma(c),
                      c->cmd_offset + 4 * at, mask, gma, len, optional);
}

static void G_GNUC_PRINTF(2, 3) vgt_cmd_no_remap(VgtCmdCtx *c,
                                                 const char *fmt, ...)
{
    VgtCmdScan *scan = c->scan;
    va_list ap;
    int n;

    if (scan->remap_refused[0]) {
        return;     /* the first reason is enough */
    }
    n = snprintf(scan->remap_refused, sizeof(scan->remap_refused),
                 "%s 0x%08" PRIx64 ": ", c->seg->ppgtt ? "ppgtt" : "ggtt",
                 vgt_cmd_gma(c));
    va_start(ap, fmt);
    vsnprintf(scan->remap_refused + n, sizeof(scan->remap_refused) - n, fmt,
              ap);
    va_end(ap);
}

static uint32_t vgt_cmd_pp_dir_base(VgtCmdCtx *c)
{
    return RING_PP_DIR_BASE(hsw_engines[c->env->engine].mmio_base);
}

/*
 * A register load from memory or another register: the device cannot
 * rewrite a GGTT address it does not see (i915 loads PP_DIR_BASE with
 * MI_LOAD_REGISTER_IMM only).
 */
static void vgt_cmd_opaque_load(VgtCmdCtx *c, const char *cmd, uint32_t reg)
{
    if (reg == vgt_cmd_pp_dir_base(c)) {
        vgt_cmd_no_remap(c, "%s of PP_DIR_BASE loads a graphics address "
                         "the device cannot move to where this VM's memory "
                         "is on this host", cmd);
    }
}

/* The GGTT base of a blit surface, whose rectangle spans [first, +len). */
static void vgt_cmd_blt_fixup(VgtCmdCtx *c, const char *what,
                              const struct hsw_blt_surface *sf,
                              uint64_t first, uint64_t len)
{
    VgtCmdFixup *f;
    uint64_t end;

    if (!c->scan->fixups) {
        return;     /* not remapping: nothing to record */
    }
    if (sf->addr_dw) {
        if (!sf->ppgtt) {
            vgt_cmd_fixup_here(c, what, sf->addr_dw, sf->addr_mask, first,
                               len, false);
        }
        return;
    }
    /* a text blit: the base is the XY_SETUP_BLT's, in its copy */
    if (sf->ppgtt) {
        c->setup_ppgtt_use = true;
    } else if (c->setup_fixup < 0) {
        c->setup_fixup = c->scan->fixups->len;
        vgt_cmd_add_fixup(c, "XY_SETUP_BLT destination", c->setup_segment,
                          c->setup_gma, c->setup_offset, sf->addr_mask,
                          first, len, false);
    } else {
        /* one base for every blit: one move, which must suit them all */
        f = &g_array_index(c->scan->fixups, VgtCmdFixup, c->setup_fixup);
        end = MAX(f->gma + f->len, first + len);
        f->gma = MIN(f->gma, first);
        f->len = end - f->gma;
    }
    if (c->setup_ppgtt_use && c->setup_fixup >= 0) {
        vgt_cmd_no_remap(c, "the destination of the XY_SETUP_BLT at 0x%08"
                         PRIx64 " is used both as a GGTT and as a PPGTT "
                         "address", c->setup_gma);
    }
}

/* ---- audits by kind ------------------------------------------------ */

static VgtCmdResult vgt_cmd_wait_for_event(VgtCmdCtx *c, const uint32_t *cmd)
{
    /* IVB+ layout: pipe A events bits 0-7, B 8-13, C 14-21 */
    uint32_t events = cmd[0] & 0x3fffff;
    VgtCmdResult r = VGT_CMD_OK;

    if (cmd[0] & (1u << 22)) {
        return vgt_cmd_fail(c, VGT_CMD_BAD_COMMAND, "MI_WAIT_FOR_EVENT "
                            "with reserved bits 0x%08x", cmd[0]);
    }
    if (events & 0x0000ff) {
        r = vgt_cmd_check_pipe(c, "MI_WAIT_FOR_EVENT", 0);
    }
    if (!r && (events & 0x003f00)) {
        r = vgt_cmd_check_pipe(c, "MI_WAIT_FOR_EVENT", 1);
    }
    if (!r && (events & 0x3fc000)) {
        r = vgt_cmd_check_pipe(c, "MI_WAIT_FOR_EVENT", 2);
    }
    return r;
}

static VgtCmdResult vgt_cmd_scan_lines(VgtCmdCtx *c, const uint32_t *cmd)
{
    /* display plane select 21:19: 0 A, 1 B, 4 C (as for flips) */
    static const int8_t pipe_of[8] = { 0, 1, -1, -1, 2, -1, -1, -1 };
    int pipe = pipe_of[(cmd[0] >> 19) & 7];

    if (pipe < 0) {
        return vgt_cmd_fail(c, VGT_CMD_BAD_COMMAND, "MI_LOAD_SCAN_LINES "
                            "plane select %u", (cmd[0] >> 19) & 7);
    }
    return vgt_cmd_check_pipe(c, "MI_LOAD_SCAN_LINES", pipe);
}

static VgtCmdResult vgt_cmd_display_flip(VgtCmdCtx *c, const uint32_t *cmd)
{
    /* plane select 21:19: plane A 0, sprite A 1, plane B 2, ... C 4/5 */
    unsigned plane = (cmd[0] >> 19) & 7;

    if (plane > 5) {
        return vgt_cmd_fail(c, VGT_CMD_BAD_COMMAND, "MI_DISPLAY_FLIP plane "
                            "select %u", plane);
    }
    return vgt_cmd_check_pipe(c, "MI_DISPLAY_FLIP", plane / 2);
}

static VgtCmdResult vgt_cmd_lri(VgtCmdCtx *c, const uint32_t *cmd,
                                uint32_t len)
{
    VgtCmdResult r = VGT_CMD_OK;
    uint32_t i;

    for (i = 1; i + 1 < len && !r; i += 2) {
        r = vgt_cmd_check_reg(c, "MI_LOAD_REGISTER_IMM", cmd[i] & MI_REG_MASK);
        if (r) {
            break;
        }
        if (c->env->lri) {
            c->env->lri(c->env->opaque, cmd[i] & MI_REG_MASK, cmd[i + 1]);
        }
        if ((cmd[i] & MI_REG_MASK) == vgt_cmd_pp_dir_base(c)) {
            /* the page directory's GGTT address (gen7 switch_mm) */
            vgt_cmd_fixup_here(c, "MI_LOAD_REGISTER_IMM of PP_DIR_BASE",
                               i + 1, HSW_PP_DIR_BASE_ADDR_MASK,
                               cmd[i + 1] & HSW_PP_DIR_BASE_ADDR_MASK,
                               HSW_PPGTT_PD_GM_SIZE, true);
        }
    }
    return r;
}

static VgtCmdResult vgt_cmd_blt(VgtCmdCtx *c, const struct hsw_cmd *cmd,
                                const uint32_t *dw, const VgtCmdStream *st)
{
    const char *why = NULL;
    struct hsw_blt blt;
    uint64_t first, len, src_first, src_len;
    VgtCmdResult r;
    int err;

    err = hsw_blt_decode(cmd, dw, &st->cs, &c->blt_setup, &blt, &why);
    if (err) {
        return vgt_cmd_decode_fail(c, cmd, -err, why);
    }
    if (cmd->desc->kind == HSW_CMD_XY_SETUP_BLT) {
        /* text blits that follow draw at its destination */
        c->setup_segment = c->seg - c->scan->segment;
        c->setup_offset = c->cmd_offset + 4 * blt.dst.addr_dw;
        c->setup_gma = vgt_cmd_gma(c);
        c->setup_fixup = -1;
        c->setup_ppgtt_use = false;
    }
    if (blt.x2 <= blt.x1 || blt.y2 <= blt.y1) {
        return VGT_CMD_OK;          /* empty: the blitter draws nothing */
    }
    err = hsw_blt_audit(&blt, &why);
    if (err) {
        return vgt_cmd_decode_fail(c, cmd, -err, why);
    }
    hsw_blt_span(&blt.dst, blt.x1, blt.y1, blt.x2, blt.y2, &first, &len);
    r = vgt_cmd_check_range2(c, cmd->desc->name, "destination",
                             !blt.dst.ppgtt, first, len);
    if (r) {
        return r;
    }
    if (blt.has_src) {
        hsw_blt_span(&blt.src, blt.sx, blt.sy, blt.sx + (blt.x2 - blt.x1),
                     blt.sy + (blt.y2 - blt.y1), &src_first, &src_len);
        r = vgt_cmd_check_range2(c, cmd->desc->name, "source",
                                 !blt.src.ppgtt, src_first, src_len);
        if (r) {
            return r;
        }
        vgt_cmd_blt_fixup(c, "blit source", &blt.src, src_first, src_len);
    }
    vgt_cmd_blt_fixup(c, cmd->desc->name, &blt.dst, first, len);
    return VGT_CMD_OK;
}

/*
 * 3D/media state that names graphics memory (hsw_cmd_3d_operand): the
 * decoder refuses what no view makes safe (PPGTT bounds, unbounded GGTT
 * extents); every GGTT operand must lie in the VM's memory, and its
 * address (and upper bound) moves with it on a remap.
 */
static VgtCmdResult vgt_cmd_audit_3d(VgtCmdCtx *c, const struct hsw_cmd_3d *c3,
                                     const struct hsw_cmd *cmd,
                                     const uint32_t *dw, const VgtCmdStream *st)
{
    struct hsw_cmd_operand op;
    const char *why = NULL;
    uint32_t pos = 0;
    VgtCmdResult r;
    int n;

    op.what = NULL;     /* the field a refusal names, if any */
    while ((n = hsw_cmd_3d_operand(c3, cmd, dw, &st->cs, &pos, &op,
                                   &why)) > 0) {
        r = vgt_cmd_check_range2(c, c3->name, op.what,
                                 op.space == HSW_SPACE_GGTT, op.addr, op.len);
        if (r) {
            return r;
        }
        if (op.space != HSW_SPACE_GGTT || !op.len) {
            continue;
        }
        vgt_cmd_fixup_here(c, op.what, op.addr_dw, op.addr_mask, op.addr,
                           op.len, false);
        if (op.bound_dw) {
            /* the end address or upper bound moves as far as its start */
            vgt_cmd_fixup_here(c, op.what, op.bound_dw, op.bound_mask,
                               op.addr, op.len, false);
        }
    }
    if (n < 0) {
        return vgt_cmd_fail(c, n == -HSW_CMD_E_LENGTH ? VGT_CMD_BAD_COMMAND :
                            VGT_CMD_BAD_ADDRESS, "%s%s%s length %u: %s",
                            c3->name, op.what ? " " : "",
                            op.what ? op.what : "", cmd->len,
                            why ? why : hsw_cmd_error_name(-n));
    }
    return VGT_CMD_OK;
}

/* The memory operand of a command (@dw) of stream @st, if it has one. */
static VgtCmdResult vgt_cmd_audit_operand(VgtCmdCtx *c,
                                          const struct hsw_cmd *cmd,
                                          const uint32_t *dw,
                                          const VgtCmdStream *st,
                                          struct hsw_cmd_trace *t)
{
    const char *why = NULL;
    VgtCmdResult r;
    int n;

    n = hsw_cmd_operands(cmd, dw, &st->cs, &t->op, &why);
    if (n < 0) {
        return vgt_cmd_decode_fail(c, cmd, -n, why);
    }
    t->nops = n;
    if (n) {
        r = vgt_cmd_check_operand(c, &t->op);
        if (r) {
            return r;
        }
        if (t->op.space == HSW_SPACE_GGTT) {
            vgt_cmd_fixup_here(c, t->op.what, t->op.addr_dw,
                               t->op.addr_mask, t->op.addr, t->op.len, false);
        }
    }
    return VGT_CMD_OK;
}

/*
 * The rules of a command's kind beyond its operand (@dw, CPU order, in
 * stream @st); records a batch start or end for the walk.
 */
static VgtCmdResult vgt_cmd_audit_kind(VgtCmdCtx *c, const struct hsw_cmd *cmd,
                                       const uint32_t *dw, VgtCmdStream *st)
{
    const char *name = cmd->desc->name, *why = NULL;
    VgtCmdResult r;

    switch (cmd->desc->kind) {
    case HSW_CMD_DENIED:
        if (dw[0] >> 29 == 3) {
            /* GFXPIPE on the video engines (hsw-cmd.c) */
            return vgt_cmd_fail(c, VGT_CMD_DENIED, "%s (0x%08x) is refused: "
                                "its graphics addresses are not audited",
                                name, dw[0]);
        }
        return vgt_cmd_fail(c, VGT_CMD_DENIED, "%s (0x%08x) is never allowed "
                            "to a VM (it would change the host's GTT or "
                            "another engine's state)", name, dw[0]);
    case HSW_CMD_USER_INTERRUPT:
        c->scan->user_interrupt = true;
        return VGT_CMD_OK;
    case HSW_CMD_WAIT_FOR_EVENT:
        return vgt_cmd_wait_for_event(c, dw);
    case HSW_CMD_LOAD_SCAN_LINES:
        return vgt_cmd_scan_lines(c, dw);
    case HSW_CMD_DISPLAY_FLIP:
        return vgt_cmd_display_flip(c, dw);
    case HSW_CMD_LOAD_REGISTER_IMM:
        return vgt_cmd_lri(c, dw, cmd->len);
    case HSW_CMD_STORE_REGISTER_MEM:
        return vgt_cmd_check_store(c, name, dw[1] & MI_REG_MASK);
    case HSW_CMD_LOAD_REGISTER_MEM:
        vgt_cmd_opaque_load(c, name, dw[1] & MI_REG_MASK);
        return vgt_cmd_check_reg(c, name, dw[1] & MI_REG_MASK);
    case HSW_CMD_LOAD_REGISTER_REG:     /* DW1 source, DW2 destination */
        vgt_cmd_opaque_load(c, name, dw[2] & MI_REG_MASK);
        r = vgt_cmd_check_store(c, name, dw[1] & MI_REG_MASK);
        return r ? r : vgt_cmd_check_reg(c, name, dw[2] & MI_REG_MASK);
    case HSW_CMD_BB_START:
        if (hsw_cs_batch_start(&st->cs, dw[0], &c->bb_stream, &c->bb_call,
                               &why)) {
            return vgt_cmd_fail(c, VGT_CMD_BAD_COMMAND, "%s", why);
        }
        c->bb_start = true;
        c->bb_gma = dw[1] & MI_BATCH_ADDR_MASK;
        return VGT_CMD_OK;
    case HSW_CMD_BB_END:
        if (hsw_cs_batch_end(&st->cs, &why)) {
            return vgt_cmd_fail(c, VGT_CMD_BAD_COMMAND, "%s", why);
        }
        c->end = true;
        return VGT_CMD_OK;
    case HSW_CMD_XY_SETUP_BLT:
    case HSW_CMD_XY_SETUP_CLIP_BLT:
    case HSW_CMD_XY_TEXT_IMMEDIATE_BLT:
    case HSW_CMD_XY_COLOR_BLT:
    case HSW_CMD_XY_SRC_COPY_BLT:
        return vgt_cmd_blt(c, cmd, dw, st);
    }
    return VGT_CMD_OK;
}

/*
 * Audit one decoded command that an engine executes, of kind @kind (all
 * its dwords in @dw, CPU order), of stream @st.  3D/media state is
 * vgt_cmd_audit_3d's.
 */
static inline VgtCmdResult vgt_cmd_audit(VgtCmdCtx *c,
                                         const struct hsw_cmd *cmd,
                                         uint8_t kind, const uint32_t *dw,
                                         VgtCmdStream *st,
                                         struct hsw_cmd_trace *t)
{
    VgtCmdResult r;

    /* most PIPE_CONTROLs and flushes name no memory: not a call for them */
    if (!hsw_cmd_no_operand(kind, dw)) {
        r = vgt_cmd_audit_operand(c, cmd, dw, st, t);
        if (r) {
            return r;
        }
    }
    return vgt_cmd_audit_kind(c, cmd, dw, st);
}

/* ---- the walk -------------------------------------------------------- */

/* The next @bytes of @st were decoded. */
static void vgt_cmd_stream_skip(VgtCmdStream *st, uint32_t bytes)
{
    st->limit -= bytes;
    st->off += bytes;
}

/*
 * What the scan knows of each header, per engine: for every DW0 31:16 (all
 * that names a command, hsw_cmd_desc_of), so that no command costs a
 * search, and those that need no audit not even a call:
 *  - bits 39:32: which command it is, as an index in vgt_cmd_descs (0:
 *    none the engine has, or more than fit: decoded in full, and
 *    hsw_cmd_decode says what is wrong);
 *  - bits 47:40: its hsw_cmd_3d_lookup if it is 3D/media state, as 1 + an
 *    index in vgt_cmd_3d (0: none);
 *  - bits 55:48: its kind;
 *  - its length: the length field's bits (15:0; none for a fixed length)
 *    plus the length when they are 0 (bits 23:16);
 *  - VGT_CMD_ANY_LEN: every length the header can say is valid;
 *  - VGT_CMD_FAST: and the scan only measures it: it is of kind
 *    HSW_CMD_SKIP (no operand, no effect on the stream) or 3D/media state
 *    without address fields.
 * Built from the decoder at first use, so the decoder stays the one
 * source of what a command is.
 */
#define VGT_CMD_HEADERS         (1u << 16)
#define VGT_CMD_LEN0_SHIFT      16
#define VGT_CMD_ANY_LEN         (1u << 24)
#define VGT_CMD_FAST            (1u << 25)
#define VGT_CMD_DESC_SHIFT      32
#define VGT_CMD_3D_SHIFT        40
#define VGT_CMD_KIND_SHIFT      48
#define VGT_CMD_DESCS_MAX       255

static uint64_t vgt_cmd_rules[HSW_NUM_ENGINES][VGT_CMD_HEADERS];
static const struct hsw_cmd_desc *vgt_cmd_descs[VGT_CMD_DESCS_MAX + 1];
static const struct hsw_cmd_3d *vgt_cmd_3d;     /* hsw_cmd_3d_table */

/* Of each of vgt_cmd_descs: its length rule, and what it says. */
typedef struct VgtCmdLenRule {
    uint32_t mask;              /* the length field */
    uint32_t len0;              /* the length when it is 0 */
    bool fits;                  /* in the bits of vgt_cmd_rules */
    bool any_len;               /* every length it says is valid */
} VgtCmdLenRule;

static VgtCmdLenRule vgt_cmd_len_rules[VGT_CMD_DESCS_MAX + 1];

/* The length in dwords of header @dw0 whose rule is @rule. */
static inline uint32_t vgt_cmd_rule_len(uint64_t rule, uint32_t dw0)
{
    return (dw0 & rule & 0xffff) + (rule >> VGT_CMD_LEN0_SHIFT & 0xff);
}

/*
 * The length of a header of @d as the rules have it: its length field
 * plus the length when that is 0, checked against hsw_cmd_desc_len for
 * every value of the field.
 */
static VgtCmdLenRule vgt_cmd_len_rule(const struct hsw_cmd_desc *d)
{
    VgtCmdLenRule lr = {
        .mask = d->fixed_len ? 0 : d->len_mask,
        .len0 = hsw_cmd_desc_len(d, 0),
        .any_len = true,
    };
    uint32_t field;

    if (lr.mask > 0xffff || lr.len0 > 0xff) {
        return lr;
    }
    for (field = 0; field <= lr.mask; field++) {
        if ((field & lr.mask) != field) {
            continue;
        }
        if (hsw_cmd_desc_len(d, field) != lr.len0 + field) {
            return lr;
        }
        lr.any_len &= hsw_cmd_desc_len_ok(d, lr.len0 + field);
    }
    lr.fits = true;
    return lr;
}

static uint64_t vgt_cmd_rule_of(const struct hsw_cmd_desc *d, uint32_t dw0,
                                unsigned engine, unsigned *ndescs)
{
    const struct hsw_cmd_3d *c3;
    const VgtCmdLenRule *lr;
    uint64_t rule;
    unsigned i;

    if (!d || !(d->engines & HSW_ENGINE_BIT(engine))) {
        return 0;
    }
    for (i = 1; i <= *ndescs && vgt_cmd_descs[i] != d; i++) {
        continue;
    }
    if (i > *ndescs) {
        if (*ndescs == VGT_CMD_DESCS_MAX) {
            return 0;           /* more than fit: decoded in full */
        }
        vgt_cmd_descs[++*ndescs] = d;
        vgt_cmd_len_rules[i] = vgt_cmd_len_rule(d);
    }
    lr = &vgt_cmd_len_rules[i];
    if (!lr->fits) {
        return 0;
    }
    c3 = hsw_cmd_kind_is_skipped(d->kind) ? hsw_cmd_3d_lookup(dw0) : NULL;
    if (c3 && c3 - vgt_cmd_3d >= 255) {
        return 0;
    }
    rule = (uint64_t)d->kind << VGT_CMD_KIND_SHIFT |
           (uint64_t)i << VGT_CMD_DESC_SHIFT |
           (c3 ? (uint64_t)(c3 - vgt_cmd_3d + 1) << VGT_CMD_3D_SHIFT : 0) |
           (uint64_t)lr->len0 << VGT_CMD_LEN0_SHIFT | lr->mask;
    if (lr->any_len) {
        rule |= VGT_CMD_ANY_LEN;
        if (d->kind == HSW_CMD_SKIP ||
            (hsw_cmd_kind_is_skipped(d->kind) && !c3)) {
            rule |= VGT_CMD_FAST;
        }
    }
    return rule;
}

static gpointer vgt_cmd_rules_build(gpointer unused)
{
    unsigned engine, key, ndescs = 0;
    uint32_t n3;

    vgt_cmd_3d = hsw_cmd_3d_table(&n3);
    for (engine = 0; engine < HSW_NUM_ENGINES; engine++) {
        for (key = 0; key < VGT_CMD_HEADERS; key++) {
            uint32_t dw0 = key << 16;

            vgt_cmd_rules[engine][key] =
                vgt_cmd_rule_of(hsw_cmd_desc_of(dw0, engine), dw0, engine,
                                &ndescs);
        }
    }
    return NULL;
}

static const uint64_t *vgt_cmd_rules_table(unsigned engine)
{
    static GOnce once = G_ONCE_INIT;

    g_once(&once, vgt_cmd_rules_build, NULL);
    return vgt_cmd_rules[engine];
}

/*
 * From the next command of @st, the commands that need no audit already
 * in the copy, within what the stream and the submission may still have:
 * accounted without a call each (none is traced: only without env->trace).
 * It stops before anything else, which vgt_cmd_one decodes in full: true
 * with that command's header in *@hdr and its rule in *@hdr_rule when it
 * read them, so that the decode does not wait for them a second time.
 */
static inline bool vgt_cmd_fast_run(VgtCmdCtx *c, VgtCmdStream *st,
                                    uint32_t max_dwords, uint32_t *hdr,
                                    uint64_t *hdr_rule)
{
    const uint8_t *data = st->copy->data;
    const uint64_t *rules = c->rules;
    uint32_t off = st->off;
    uint32_t end = st->copy->len;
    uint32_t ncommands = 0, dw0, bytes;
    uint64_t rule;

    /* most often an audited command follows one: nothing to set up */
    if (end - off < 4) {
        return false;
    }
    dw0 = ldl_le_p(data + off);
    rule = rules[dw0 >> 16];
    if (!(rule & VGT_CMD_FAST)) {
        goto stopped;
    }
    /* one bound for the copy, the stream and the submission's dwords */
    if (end - off > st->limit) {
        end = off + st->limit;
    }
    if ((end - off) / 4 > max_dwords - c->scan->ndwords) {
        end = off + (max_dwords - c->scan->ndwords) * 4;
    }
    for (;;) {
        bytes = 4 * vgt_cmd_rule_len(rule, dw0);
        if (bytes > end - off) {
            break;
        }
        off += bytes;
        ncommands++;
        /*
         * The same header again (runs of MI_NOOP, MEDIA_OBJECT...) needs
         * no look-up: room for the command is room for its header.
         */
        while (end - off >= bytes && ldl_le_p(data + off) == dw0) {
            off += bytes;
            ncommands++;
        }
        if (end - off < 4) {
            break;
        }
        dw0 = ldl_le_p(data + off);
        rule = rules[dw0 >> 16];
        if (!(rule & VGT_CMD_FAST)) {
            break;
        }
    }
    if (ncommands) {
        c->scan->ndwords += (off - st->off) / 4;
        c->scan->ncommands += ncommands;
        vgt_cmd_stream_skip(st, off - st->off);
    }
    if (end - off < 4) {
        return false;
    }
stopped:
    *hdr = dw0;
    *hdr_rule = rule;
    return true;
}

/*
 * Read the next page run of @st (up to the end of its page, of the ring
 * and of what the stream may yield) onto the end of its copy.
 */
static bool vgt_cmd_fetch_run(VgtCmdCtx *c, VgtCmdStream *st)
{
    GByteArray *copy = st->copy;
    uint64_t gma = st->size ? st->base + st->fetch_pos : st->fetch_pos;
    uint64_t run = VGT_PAGE - (gma & (VGT_PAGE - 1));
    uint32_t have = copy->len;

    run = MIN(run, st->fetch_limit);
    if (st->size) {
        run = MIN(run, st->size - st->fetch_pos);   /* the ring wraps */
    }
    if (!run) {
        return false;
    }
    g_byte_array_set_size(copy, have + run);
    if (!c->env->read(c->env->opaque, st->cs.ppgtt, gma, copy->data + have,
                      run)) {
        g_byte_array_set_size(copy, have);
        return false;
    }
    st->fetch_pos += run;
    if (st->size && st->fetch_pos == st->size) {
        st->fetch_pos = 0;
    }
    st->fetch_limit -= run;
    return true;
}

/* Make @bytes of @st from its next command available in its copy. */
static inline bool vgt_cmd_have(VgtCmdCtx *c, VgtCmdStream *st,
                                uint32_t bytes)
{
    while (unlikely(st->copy->len - st->off < bytes)) {
        if (!vgt_cmd_fetch_run(c, st)) {
            return false;
        }
    }
    return true;
}

/*
 * Copies are reused: a thread keeps a few that its scans freed, so that a
 * large batch is not copied again each time its copy grows (a copy that
 * grew past VGT_CMD_KEEP_BYTES is freed: a hostile batch does not pin
 * memory).
 */
#define VGT_CMD_KEEP_COPIES     8
#define VGT_CMD_KEEP_BYTES      (4u << 20)

static __thread GByteArray *vgt_cmd_kept[VGT_CMD_KEEP_COPIES];
static __thread unsigned vgt_cmd_nkept;

static GByteArray *vgt_cmd_copy_new(void)
{
    GByteArray *copy;

    if (!vgt_cmd_nkept) {
        return g_byte_array_new();
    }
    copy = vgt_cmd_kept[--vgt_cmd_nkept];
    g_byte_array_set_size(copy, 0);
    return copy;
}

static void vgt_cmd_copy_free(GByteArray *copy)
{
    if (copy->len <= VGT_CMD_KEEP_BYTES &&
        vgt_cmd_nkept < VGT_CMD_KEEP_COPIES) {
        vgt_cmd_kept[vgt_cmd_nkept++] = copy;
        return;
    }
    g_byte_array_unref(copy);
}

static VgtCmdSegment *vgt_cmd_new_segment(VgtCmdCtx *c, uint64_t gma,
                                          const struct hsw_cs_stream *cs)
{
    VgtCmdSegment *parent = c->seg;
    VgtCmdSegment *seg;

    if (c->scan->nsegments >= VGT_CMD_MAX_SEGMENTS) {
        vgt_cmd_fail(c, VGT_CMD_LIMIT, "more than %d batch buffers in one "
                     "submission", VGT_CMD_MAX_SEGMENTS - 1);
        return NULL;
    }
    seg = &c->scan->segment[c->scan->nsegments++];
    seg->gma = gma;
    seg->ppgtt = cs->ppgtt;
    c->scan->ppgtt |= cs->ppgtt;
    seg->privileged = cs->privileged;
    seg->level = cs->level;
    seg->copy = vgt_cmd_copy_new();
    if (parent) {
        /* reached by the MI_BATCH_BUFFER_START just decoded */
        seg->parent = parent - c->scan->segment;
        seg->parent_offset = c->cmd_offset;
    }
    return seg;
}

/* The copy of @st ends at its last decoded command. */
static void vgt_cmd_stream_close(VgtCmdStream *st)
{
    g_byte_array_set_size(st->copy, st->off);
}

/*
 * The command just decoded (@cmd; @t its operand) is in the copy: trace
 * and account it.
 */
static inline void vgt_cmd_done(VgtCmdCtx *c, VgtCmdStream *st,
                                const struct hsw_cmd *cmd,
                                struct hsw_cmd_trace *t)
{
    if (unlikely(c->trace)) {
        t->gma = vgt_cmd_gma(c);
        t->dw0 = cmd->dw0;
        t->len = cmd->len;
        t->st = st->cs;
        c->env->trace(c->env->opaque, c->seg - c->scan->segment, st->off, t);
    }
    vgt_cmd_stream_skip(st, cmd->len * 4);
    c->scan->ndwords += cmd->len;
    c->scan->ncommands++;
}

/* The @len dwords of the command at @p in the copy, in CPU order. */
static inline const uint32_t *vgt_cmd_dwords(const uint8_t *p, uint32_t len,
                                             uint32_t *buf)
{
#if HOST_BIG_ENDIAN
    uint32_t i;

    for (i = 0; i < len; i++) {
        buf[i] = ldl_le_p(p + 4 * i);
    }
    return buf;
#else
    /* the copy is in CPU order and dword aligned: audited where it is */
    return (const uint32_t *)p;
#endif
}

/*
 * Decode, audit and copy one command of stream @st (or a run of commands
 * that need no audit and are not traced, then the command after it);
 * @dw is room for the dwords of an audited command.
 */
static inline VgtCmdResult vgt_cmd_one(VgtCmdCtx *c, VgtCmdStream *st,
                                       uint32_t *dw)
{
    struct hsw_cmd_trace t;
    struct hsw_cmd cmd;
    const struct hsw_cmd_3d *c3;
    enum hsw_cmd_error err;
    const uint32_t *cdw;
    uint64_t rule;
    uint8_t kind;
    unsigned i3;
    uint32_t max_dwords = c->max_dwords;
    bool looked_up = false;
    VgtCmdResult r;

    c->cmd_st = st;
    if (!st->limit) {
        c->cmd_offset = st->off;
        return vgt_cmd_fail(c, VGT_CMD_LIMIT, "batch longer than %u MiB "
                            "without MI_BATCH_BUFFER_END",
                            VGT_CMD_MAX_BATCH_BYTES >> 20);
    }
    if (likely(!c->trace)) {
        /*
         * What needs no audit, as far as the copy goes (the rest of a
         * run past it is read below and measured here next time).
         */
        looked_up = vgt_cmd_fast_run(c, st, max_dwords, &dw[0], &rule);
        if (!st->limit) {
            return VGT_CMD_OK;
        }
    }
    c->cmd_offset = st->off;
    if (!looked_up) {
        /* traced, or at the end of the copy: read (and fetch) it here */
        if (!vgt_cmd_have(c, st, 4)) {
            return vgt_cmd_fail(c, VGT_CMD_FAULT,
                                "command stream not readable");
        }
        dw[0] = ldl_le_p(st->copy->data + st->off);
        rule = c->rules[dw[0] >> 16];
    }
    cmd.desc = vgt_cmd_descs[rule >> VGT_CMD_DESC_SHIFT & 0xff];
    cmd.dw0 = dw[0];
    cmd.len = vgt_cmd_rule_len(rule, dw[0]);
    kind = rule >> VGT_CMD_KIND_SHIFT;
    i3 = rule >> VGT_CMD_3D_SHIFT & 0xff;
    c3 = i3 ? vgt_cmd_3d + i3 - 1 : NULL;
    if (unlikely(!cmd.desc || (!(rule & VGT_CMD_ANY_LEN) &&
                               !hsw_cmd_desc_len_ok(cmd.desc, cmd.len)))) {
        /* what is wrong, as the decoder says it */
        err = hsw_cmd_decode(dw[0], c->env->engine, &cmd);
        if (err) {
            return vgt_cmd_decode_fail(c, &cmd, err, NULL);
        }
        /* not in the table: its 3D descriptor searched */
        kind = cmd.desc->kind;
        c3 = hsw_cmd_is_skipped(&cmd) ? hsw_cmd_3d_lookup(dw[0]) : NULL;
    }
    if ((uint64_t)cmd.len * 4 > st->limit) {
        return vgt_cmd_fail(c, VGT_CMD_BAD_COMMAND, "%s runs past the end "
                            "of the submitted commands", cmd.desc->name);
    }
    if (c->scan->ndwords + cmd.len > max_dwords) {
        return vgt_cmd_fail(c, VGT_CMD_LIMIT, "more than %u dwords in one "
                            "submission", max_dwords);
    }
    t.nops = 0;
    if (kind == HSW_CMD_SKIP || (hsw_cmd_kind_is_skipped(kind) && !c3)) {
        /* nothing to audit: only its dwords must be there */
        if (!vgt_cmd_have(c, st, cmd.len * 4)) {
            return vgt_cmd_fail(c, VGT_CMD_FAULT, "%s not readable",
                                cmd.desc->name);
        }
        vgt_cmd_done(c, st, &cmd, &t);
        return VGT_CMD_OK;
    }
    if (kind == HSW_CMD_DENIED) {
        return vgt_cmd_audit(c, &cmd, kind, dw, st, &t);
    }
    if (cmd.len > HSW_CMD_MAX_BUFFERED) {
        /* audited kinds and 3D state with addresses all fit */
        return vgt_cmd_fail(c, VGT_CMD_BAD_COMMAND, "%s of %u dwords, "
                            "longer than the scanner reads", cmd.desc->name,
                            cmd.len);
    }
    if (!vgt_cmd_have(c, st, cmd.len * 4)) {
        return vgt_cmd_fail(c, VGT_CMD_FAULT, "%s not readable",
                            cmd.desc->name);
    }
    cdw = vgt_cmd_dwords(st->copy->data + st->off, cmd.len, dw);
    if (c3) {
        r = vgt_cmd_audit_3d(c, c3, &cmd, cdw, st);
    } else {
        r = vgt_cmd_audit(c, &cmd, kind, cdw, st, &t);
    }
    if (!r) {
        vgt_cmd_done(c, st, &cmd, &t);
    }
    return r;
}

/*
 * Decode, audit and copy the commands of stream @st from its next one, up
 * to a batch start or end, the end of what @st may yield, or a refusal.
 */
static VgtCmdResult vgt_cmd_run(VgtCmdCtx *c, VgtCmdStream *st)
{
    uint32_t dw[HSW_CMD_MAX_BUFFERED];
    VgtCmdResult r;

    do {
        r = vgt_cmd_one(c, st, dw);
    } while (likely(!r && !c->end && !c->bb_start && st->limit));
    return r;
}

static VgtCmdResult vgt_cmd_batch(VgtCmdCtx *c, uint64_t gma,
                                  const struct hsw_cs_stream *cs)
{
    VgtCmdSegment *outer = c->seg;
    VgtCmdStream st = { .cs = *cs, .start = gma, .fetch_pos = gma,
                        .limit = VGT_CMD_MAX_BATCH_BYTES,
                        .fetch_limit = VGT_CMD_MAX_BATCH_BYTES };
    VgtCmdResult r = VGT_CMD_OK;
    struct hsw_cs_stream next;
    bool call;

    c->seg = vgt_cmd_new_segment(c, gma, cs);
    if (!c->seg) {
        c->seg = outer;
        return c->scan->result;
    }
    st.seg = c->seg;
    st.copy = c->seg->copy;
    if (gma & 3) {
        c->cmd_st = NULL;
        c->cmd_gma = gma;
        r = vgt_cmd_fail(c, VGT_CMD_BAD_ADDRESS, "batch start not dword "
                         "aligned");
    }
    while (!r) {
        c->end = false;
        c->bb_start = false;
        r = vgt_cmd_run(c, &st);
        if (r || c->end) {
            break;
        }
        if (!c->bb_start) {
            continue;
        }
        next = c->bb_stream;
        call = c->bb_call;
        r = vgt_cmd_batch(c, c->bb_gma, &next);
        if (!call) {
            break;  /* chained: the next batch took this one's place */
        }
        /* called: back here after its MI_BATCH_BUFFER_END */
    }
    vgt_cmd_stream_close(&st);
    c->seg = outer;
    return r;
}

VgtCmdResult vgt_cmd_scan_ring(const VgtCmdEnv *env, uint64_t ring_gma,
                               uint32_t ring_size, uint32_t head,
                               uint32_t tail, VgtCmdScan *scan)
{
    g_autofree VgtCmdCtx *c = g_new0(VgtCmdCtx, 1);
    VgtCmdStream st = { .base = ring_gma, .size = ring_size, .start = head,
                        .fetch_pos = head };
    VgtCmdResult r = VGT_CMD_OK;

    memset(scan, 0, sizeof(*scan));
    scan->fixups = env->remap ?
                   g_array_new(false, false, sizeof(VgtCmdFixup)) : NULL;
    c->env = env;
    c->scan = scan;
    c->setup_fixup = -1;
    c->cmd_gma = ring_gma + head;
    hsw_cs_stream_ring(&st.cs);
    if (env->engine >= HSW_NUM_ENGINES || !ring_size ||
        (ring_size & (VGT_PAGE - 1)) || head >= ring_size ||
        tail >= ring_size || (head | tail) & 7) {
        return vgt_cmd_fail(c, VGT_CMD_BAD_COMMAND, "ring size 0x%x, head "
                            "0x%x, tail 0x%x are not a valid ring",
                            ring_size, head, tail);
    }
    c->rules = vgt_cmd_rules_table(env->engine);
    c->max_dwords = env->max_dwords ?: VGT_CMD_MAX_DWORDS;
    c->trace = env->trace != NULL;
    /* the ring itself must be the VM's */
    r = vgt_cmd_check_range(c, "ring", true, ring_gma, ring_size);
    if (r) {
        return r;
    }
    st.limit = tail >= head ? tail - head : ring_size - head + tail;
    st.fetch_limit = st.limit;
    c->seg = vgt_cmd_new_segment(c, ring_gma + head, &st.cs);
    st.seg = c->seg;
    st.copy = c->seg->copy;
    while (!r && st.limit) {
        c->end = false;
        c->bb_start = false;
        r = vgt_cmd_run(c, &st);
        if (r) {
            break;
        }
        if (c->bb_start) {
            struct hsw_cs_stream next = c->bb_stream;

            r = vgt_cmd_batch(c, c->bb_gma, &next);
        }
    }
    vgt_cmd_stream_close(&st);
    scan->result = r;
    return r;
}

void vgt_cmd_scan_free(VgtCmdScan *scan)
{
    unsigned i;

    for (i = 0; i < scan->nsegments; i++) {
        vgt_cmd_copy_free(scan->segment[i].copy);
        scan->segment[i].copy = NULL;
    }
    scan->nsegments = 0;
    if (scan->fixups) {
        g_array_unref(scan->fixups);
        scan->fixups = NULL;
    }
}

void vgt_cmd_relocate(VgtCmdScan *scan, const uint64_t *placed)
{
    unsigned i;

    for (i = 1; i < scan->nsegments; i++) {
        VgtCmdSegment *seg = &scan->segment[i];
        uint8_t *bb = scan->segment[seg->parent].copy->data +
                      seg->parent_offset;

        /* only the address: privilege and address space bits stay */
        stl_le_p(bb + 4, placed[i]);
    }
}

bool vgt_cmd_move_field(uint32_t *field, uint32_t mask, uint64_t gma,
                        uint64_t hma)
{
    /* GM addresses are below 4 GiB: no overflow in 64 bits */
    int64_t moved = (int64_t)(*field & mask) + (int64_t)(hma - gma);

    if (moved < 0 || ((uint64_t)moved & ~(uint64_t)mask)) {
        return false;   /* wraps, or lands on bits that are not address */
    }
    *field = (*field & ~mask) | (uint32_t)moved;
    return true;
}

VgtCmdResult vgt_cmd_remap(VgtCmdScan *scan, VgtCmdToHost *to_host,
                           void *opaque)
{
    unsigned i;

    if (scan->result != VGT_CMD_OK) {
        return scan->result;
    }
    if (!scan->fixups) {
        snprintf(scan->why, sizeof(scan->why), "the scan did not record "
                 "where its graphics addresses are (VgtCmdEnv.remap)");
        scan->result = VGT_CMD_BAD_ADDRESS;
        return scan->result;
    }
    if (scan->remap_refused[0]) {
        snprintf(scan->why, sizeof(scan->why), "%s", scan->remap_refused);
        scan->result = VGT_CMD_BAD_ADDRESS;
        return scan->result;
    }
    for (i = 0; scan->fixups && i < scan->fixups->len; i++) {
        const VgtCmdFixup *f = &g_array_index(scan->fixups, VgtCmdFixup, i);
        const VgtCmdSegment *seg = &scan->segment[f->segment];
        uint8_t *p = seg->copy->data + f->offset;
        uint32_t v = ldl_le_p(p);
        uint64_t hma;

        if (to_host(opaque, f->gma, f->len, &hma) &&
            vgt_cmd_move_field(&v, f->mask, f->gma, hma)) {
            stl_le_p(p, v);
        } else if (!f->optional) {
            /* the audit let it through: it lies in one of the VM's ranges */
            snprintf(scan->why, sizeof(scan->why), "%s 0x%08" PRIx64 ": %s "
                     "[0x%" PRIx64 ", +0x%" PRIx64 ") cannot be moved to "
                     "where this VM's graphics memory is on this host",
                     seg->ppgtt ? "ppgtt" : "ggtt", f->cmd_gma, f->what,
                     f->gma, f->len);
            scan->result = VGT_CMD_BAD_ADDRESS;
            return scan->result;
        }
    }
    return VGT_CMD_OK;
}

const char *vgt_cmd_result_name(VgtCmdResult r)
{
    static const char *const names[] = {
        [VGT_CMD_OK] = "ok",
        [VGT_CMD_BAD_COMMAND] = "bad command",
        [VGT_CMD_BAD_ADDRESS] = "address outside the VM",
        [VGT_CMD_BAD_REGISTER] = "register not allowed",
        [VGT_CMD_DENIED] = "command denied",
        [VGT_CMD_FAULT] = "commands not readable",
        [VGT_CMD_LIMIT] = "runaway submission",
    };

    return r < ARRAY_SIZE(names) && names[r] ? names[r] : "?";
}
