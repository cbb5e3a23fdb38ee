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

/* The state of one scan. */
typedef struct VgtCmdCtx {
    const VgtCmdEnv *env;
    VgtCmdScan *scan;
    VgtCmdSegment *seg;         /* the segment being scanned */
    uint64_t cmd_gma;           /* where the current command starts */
    uint32_t cmd_offset;        /* where its copy starts in c->seg */
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
    /* one page of the stream being read */
    uint64_t page_gma;
    bool page_ppgtt;
    bool page_valid;
    uint32_t page[VGT_PAGE / 4];
} VgtCmdCtx;

/* The stream being decoded: the ring (with wrap) or a batch. */
typedef struct VgtCmdStream {
    struct hsw_cs_stream cs;
    uint64_t base;              /* ring: its GGTT address; batch: 0 */
    uint64_t size;              /* ring: its size (wraps); batch: 0 */
    uint64_t pos;               /* ring: offset; batch: address */
    uint64_t limit;             /* bytes this stream may still yield */
} VgtCmdStream;

static VgtCmdResult G_GNUC_PRINTF(3, 4) vgt_cmd_fail(VgtCmdCtx *c,
                                                     VgtCmdResult r,
                                                     const char *fmt, ...)
{
    va_list ap;
    int n;

    n = snprintf(c->scan->why, sizeof(c->scan->why), "%s 0x%08" PRIx64 ": ",
                 c->seg && c->seg->ppgtt ? "ppgtt" : "ggtt", c->cmd_gma);
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

static VgtCmdResult vgt_cmd_check_range(VgtCmdCtx *c, const char *what,
                                        bool ggtt, uint64_t gma,
                                        uint64_t len)
{
    if (!len) {
        return VGT_CMD_OK;
    }
    if (ggtt) {
        if (gma + len < gma || !c->env->gm_ok(c->env->opaque, gma, len)) {
            return vgt_cmd_fail(c, VGT_CMD_BAD_ADDRESS, "%s [0x%" PRIx64
                                ", +0x%" PRIx64 ") outside this VM's "
                                "graphics memory", what, gma, len);
        }
        return VGT_CMD_OK;
    }
    /*
     * The PPGTT maps only this VM's memory: the GPU walks the helper's
     * shadow of it, which the device syncs before the submission.
     */
    c->scan->ppgtt = true;
    if (gma >= HSW_PPGTT_SIZE || len > HSW_PPGTT_SIZE - gma) {
        return vgt_cmd_fail(c, VGT_CMD_BAD_ADDRESS, "%s [0x%" PRIx64
                            ", +0x%" PRIx64 ") beyond the PPGTT", what, gma,
                            len);
    }
    return VGT_CMD_OK;
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
    vgt_cmd_add_fixup(c, what, c->seg - c->scan->segment, c->cmd_gma,
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
                 c->cmd_gma);
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
    char what[64];
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
        c->setup_gma = c->cmd_gma;
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
    snprintf(what, sizeof(what), "%s destination", cmd->desc->name);
    r = vgt_cmd_check_range(c, what, !blt.dst.ppgtt, first, len);
    if (r) {
        return r;
    }
    if (blt.has_src) {
        hsw_blt_span(&blt.src, blt.sx, blt.sy, blt.sx + (blt.x2 - blt.x1),
                     blt.sy + (blt.y2 - blt.y1), &src_first, &src_len);
        snprintf(what, sizeof(what), "%s source", cmd->desc->name);
        r = vgt_cmd_check_range(c, what, !blt.src.ppgtt, src_first, src_len);
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
    struct hsw_cmd_operand op = { .what = NULL };
    const char *why = NULL;
    uint32_t pos = 0;
    char what[96];
    VgtCmdResult r;
    int n;

    while ((n = hsw_cmd_3d_operand(c3, cmd, dw, &st->cs, &pos, &op,
                                   &why)) > 0) {
        snprintf(what, sizeof(what), "%s %s", c3->name, op.what);
        r = vgt_cmd_check_range(c, what, op.space == HSW_SPACE_GGTT,
                                op.addr, op.len);
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

/*
 * Audit one decoded command (all its dwords in @dw, CPU order) of stream
 * @st; records a batch start or end for the walk.
 */
static VgtCmdResult vgt_cmd_audit(VgtCmdCtx *c, const struct hsw_cmd *cmd,
                                  const uint32_t *dw, VgtCmdStream *st,
                                  struct hsw_cmd_trace *t)
{
    const char *name = cmd->desc->name, *why = NULL;
    const struct hsw_cmd_3d *c3;
    VgtCmdResult r;
    int n;

    if (hsw_cmd_is_skipped(cmd)) {
        c3 = hsw_cmd_3d_lookup(dw[0]);
        return c3 ? vgt_cmd_audit_3d(c, c3, cmd, dw, st) : VGT_CMD_OK;
    }
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

/* ---- the walk -------------------------------------------------------- */

static bool vgt_cmd_fetch(VgtCmdCtx *c, bool ppgtt, uint64_t gma,
                          uint32_t *dw)
{
    uint64_t page = gma & ~(uint64_t)(VGT_PAGE - 1);

    if (!c->page_valid || c->page_gma != page || c->page_ppgtt != ppgtt) {
        if (!c->env->read(c->env->opaque, ppgtt, page, c->page, VGT_PAGE)) {
            c->page_valid = false;
            return false;
        }
        c->page_gma = page;
        c->page_ppgtt = ppgtt;
        c->page_valid = true;
    }
    *dw = le32_to_cpu(c->page[(gma & (VGT_PAGE - 1)) / 4]);
    return true;
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
    seg->copy = g_byte_array_new();
    if (parent) {
        /* reached by the 2-dword MI_BATCH_BUFFER_START just copied */
        seg->parent = parent - c->scan->segment;
        seg->parent_offset = parent->copy->len - 8;
    }
    return seg;
}

static uint64_t vgt_cmd_stream_gma(const VgtCmdStream *st)
{
    return st->size ? st->base + st->pos : st->pos;
}

static void vgt_cmd_stream_skip(VgtCmdStream *st, uint32_t bytes)
{
    st->pos += bytes;
    if (st->size && st->pos >= st->size) {
        st->pos -= st->size;
    }
    st->limit -= bytes;
}

static void vgt_cmd_stream_advance(VgtCmdStream *st)
{
    vgt_cmd_stream_skip(st, 4);
}

/*
 * Decode, audit and copy one command of stream @st into the current
 * segment.  Commands decoded by length only are copied as they are read;
 * the others are read whole first.
 */
static VgtCmdResult vgt_cmd_one(VgtCmdCtx *c, VgtCmdStream *st)
{
    uint32_t dw[HSW_CMD_MAX_BUFFERED];
    struct hsw_cmd_trace t;
    struct hsw_cmd cmd;
    enum hsw_cmd_error err;
    uint32_t offset = c->seg->copy->len;
    uint32_t max_dwords = c->env->max_dwords ?: VGT_CMD_MAX_DWORDS;
    VgtCmdResult r = VGT_CMD_OK;
    uint32_t i, v;

    c->cmd_gma = vgt_cmd_stream_gma(st);
    c->cmd_offset = offset;
    if (!st->limit) {
        return vgt_cmd_fail(c, VGT_CMD_LIMIT, "batch longer than %u MiB "
                            "without MI_BATCH_BUFFER_END",
                            VGT_CMD_MAX_BATCH_BYTES >> 20);
    }
    if (!vgt_cmd_fetch(c, st->cs.ppgtt, c->cmd_gma, &dw[0])) {
        return vgt_cmd_fail(c, VGT_CMD_FAULT, "command stream not readable");
    }
    err = hsw_cmd_decode(dw[0], c->env->engine, &cmd);
    if (err) {
        return vgt_cmd_decode_fail(c, &cmd, err, NULL);
    }
    if ((uint64_t)cmd.len * 4 > st->limit) {
        return vgt_cmd_fail(c, VGT_CMD_BAD_COMMAND, "%s runs past the end "
                            "of the submitted commands", cmd.desc->name);
    }
    if (c->scan->ndwords + cmd.len > max_dwords) {
        return vgt_cmd_fail(c, VGT_CMD_LIMIT, "more than %u dwords in one "
                            "submission", max_dwords);
    }
    t.gma = c->cmd_gma;
    t.dw0 = dw[0];
    t.len = cmd.len;
    t.st = st->cs;
    t.nops = 0;
    if (hsw_cmd_is_skipped(&cmd) && !hsw_cmd_3d_lookup(dw[0])) {
        /* nothing to audit: copy the dwords as they are, a page run a time */
        uint32_t left = cmd.len, run, off;
        uint64_t gma;

        while (left) {
            gma = vgt_cmd_stream_gma(st);
            if (!vgt_cmd_fetch(c, st->cs.ppgtt, gma, &v)) {
                return vgt_cmd_fail(c, VGT_CMD_FAULT, "%s not readable",
                                    cmd.desc->name);
            }
            off = (gma & (VGT_PAGE - 1)) / 4;
            run = MIN(left, VGT_PAGE / 4 - off);
            if (st->size) {
                /* the ring wraps: never past its end */
                run = MIN(run, (st->size - st->pos) / 4);
            }
            g_byte_array_append(c->seg->copy, (const guint8 *)&c->page[off],
                                run * 4);
            vgt_cmd_stream_skip(st, run * 4);
            left -= run;
        }
    } else {
        if (cmd.desc->kind == HSW_CMD_DENIED) {
            return vgt_cmd_audit(c, &cmd, dw, st, &t);
        }
        if (cmd.len > ARRAY_SIZE(dw)) {
            /* audited kinds and 3D state with addresses all fit */
            return vgt_cmd_fail(c, VGT_CMD_BAD_COMMAND, "%s of %u dwords, "
                                "longer than the scanner reads", cmd.desc->name,
                                cmd.len);
        }
        vgt_cmd_stream_advance(st);
        for (i = 1; i < cmd.len; i++) {
            if (!vgt_cmd_fetch(c, st->cs.ppgtt, vgt_cmd_stream_gma(st),
                               &dw[i])) {
                return vgt_cmd_fail(c, VGT_CMD_FAULT, "%s not readable",
                                    cmd.desc->name);
            }
            vgt_cmd_stream_advance(st);
        }
        r = vgt_cmd_audit(c, &cmd, dw, st, &t);
        for (i = 0; i < cmd.len; i++) {
            v = cpu_to_le32(dw[i]);
            g_byte_array_append(c->seg->copy, (const guint8 *)&v, 4);
        }
    }
    if (!r && c->env->trace) {
        c->env->trace(c->env->opaque, c->seg - c->scan->segment, offset, &t);
    }
    c->scan->ndwords += cmd.len;
    c->scan->ncommands++;
    return r;
}

static VgtCmdResult vgt_cmd_batch(VgtCmdCtx *c, uint64_t gma,
                                  const struct hsw_cs_stream *cs)
{
    VgtCmdSegment *outer = c->seg;
    VgtCmdStream st = { .cs = *cs, .pos = gma,
                        .limit = VGT_CMD_MAX_BATCH_BYTES };
    VgtCmdResult r = VGT_CMD_OK;
    struct hsw_cs_stream next;
    bool call;

    c->seg = vgt_cmd_new_segment(c, gma, cs);
    if (!c->seg) {
        c->seg = outer;
        return c->scan->result;
    }
    if (gma & 3) {
        c->cmd_gma = gma;
        r = vgt_cmd_fail(c, VGT_CMD_BAD_ADDRESS, "batch start not dword "
                         "aligned");
    }
    while (!r) {
        c->end = false;
        c->bb_start = false;
        r = vgt_cmd_one(c, &st);
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
    c->seg = outer;
    return r;
}

VgtCmdResult vgt_cmd_scan_ring(const VgtCmdEnv *env, uint64_t ring_gma,
                               uint32_t ring_size, uint32_t head,
                               uint32_t tail, VgtCmdScan *scan)
{
    g_autofree VgtCmdCtx *c = g_new0(VgtCmdCtx, 1);
    VgtCmdStream st = { .base = ring_gma, .size = ring_size, .pos = head };
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
    /* the ring itself must be the VM's */
    r = vgt_cmd_check_range(c, "ring", true, ring_gma, ring_size);
    if (r) {
        return r;
    }
    st.limit = tail >= head ? tail - head : ring_size - head + tail;
    c->seg = vgt_cmd_new_segment(c, ring_gma + head, &st.cs);
    while (!r && st.limit) {
        c->end = false;
        c->bb_start = false;
        r = vgt_cmd_one(c, &st);
        if (r) {
            break;
        }
        if (c->bb_start) {
            struct hsw_cs_stream next = c->bb_stream;

            r = vgt_cmd_batch(c, c->bb_gma, &next);
        }
    }
    scan->result = r;
    return r;
}

void vgt_cmd_scan_free(VgtCmdScan *scan)
{
    unsigned i;

    for (i = 0; i < scan->nsegments; i++) {
        g_byte_array_unref(scan->segment[i].copy);
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
