/*
 * vgt: the command scanner (pure logic, see vgt-cmd.h).
 *
 * Formats (Haswell): DW0 bits 31:29 are the client: 0 MI (opcode 28:23),
 * 2 the 2D blitter (opcode 28:22, length 7:0), 3 GFXPIPE (pipeline 28:27,
 * opcode 26:24, sub-opcode 23:16, length 7:0).  The length field counts
 * dwords beyond the first two.  Every command that carries a graphics
 * address is audited; a command the auditor does not know is rejected.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "vgt-cmd.h"

#define VGT_PAGE                4096u
#define VGT_PPGTT_SIZE          (2ull << 30)    /* gen7 aliasing PPGTT */
#define VGT_HWSP_SIZE           4096u

#define VGT_ENG(e)              (1u << (e))
#define VGT_ENG_ALL             0xfu
#define VGT_ENG_RCS             VGT_ENG(VGT_CMD_RCS)
#define VGT_ENG_BCS             VGT_ENG(VGT_CMD_BCS)
#define VGT_ENG_XCS             (VGT_ENG(VGT_CMD_VCS) | VGT_ENG(VGT_CMD_BCS) | \
                                 VGT_ENG(VGT_CMD_VECS))

/* DW0 bits of MI commands that matter to the audit */
#define VGT_MI_USE_GGTT         (1u << 22)  /* SDI, SRM, LRM, COND_BB_END */
#define VGT_MI_BB_PPGTT         (1u << 8)   /* BB_START on Haswell */
#define VGT_MI_BB_SECOND_LEVEL  (1u << 22)
#define VGT_MI_FLUSH_STORE_INDEX (1u << 21)
#define VGT_MI_FLUSH_POST_OP    (3u << 14)
#define VGT_MI_FLUSH_USE_GTT    (1u << 2)   /* in DW1 */
#define VGT_PC_POST_OP          (3u << 14)  /* PIPE_CONTROL DW1 */
#define VGT_PC_GLOBAL_GTT       (1u << 24)
#define VGT_PC_STORE_INDEX      (1u << 21)

typedef struct VgtCmdCtx VgtCmdCtx;

typedef VgtCmdResult (*VgtCmdAudit)(VgtCmdCtx *c, uint32_t *cmd,
                                    uint32_t len);

typedef struct VgtCmdDesc {
    const char *name;
    uint8_t fixed_len;          /* dwords, or 0: from the length field */
    uint8_t len_mask;           /* DW0 bits holding (dwords - 2) */
    uint8_t engines;            /* VGT_ENG_* it is valid on */
    VgtCmdAudit audit;
} VgtCmdDesc;

/* The state of one scan. */
struct VgtCmdCtx {
    const VgtCmdEnv *env;
    VgtCmdScan *scan;
    VgtCmdSegment *seg;         /* the segment being scanned */
    uint64_t cmd_gma;           /* where the current command starts */
    /* the blitter's XY_SETUP_BLT destination, for text blits */
    bool blt_setup;
    uint64_t blt_base;
    uint32_t blt_pitch;
    bool blt_tiled;
    uint32_t blt_cpp;
    /* a batch buffer start seen in the current command */
    bool bb_start;
    bool bb_ppgtt;
    bool bb_second;
    uint64_t bb_gma;
    bool end;                   /* MI_BATCH_BUFFER_END */
    /* one page of the stream being read */
    uint64_t page_gma;
    bool page_ppgtt;
    bool page_valid;
    uint32_t page[VGT_PAGE / 4];
};

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
    /* The PPGTT maps only this VM's memory (validated when shadowed). */
    if (gma >= VGT_PPGTT_SIZE || len > VGT_PPGTT_SIZE - gma) {
        return vgt_cmd_fail(c, VGT_CMD_BAD_ADDRESS, "%s [0x%" PRIx64
                            ", +0x%" PRIx64 ") beyond the PPGTT", what, gma,
                            len);
    }
    return VGT_CMD_OK;
}

/*
 * Memory commands reach the GGTT only from privileged (GGTT) streams; in
 * a PPGTT batch the hardware ignores the bit, so the copy drops it.
 */
static bool vgt_cmd_ggtt(VgtCmdCtx *c, uint32_t *dw, uint32_t bit)
{
    if (c->seg->ppgtt) {
        *dw &= ~bit;
        return false;
    }
    return *dw & bit;
}

/* ---- register allow-list ------------------------------------------ */

static const uint32_t vgt_cmd_engine_base[VGT_CMD_NENGINES] = {
    [VGT_CMD_RCS] = 0x02000, [VGT_CMD_VCS] = 0x12000,
    [VGT_CMD_BCS] = 0x22000, [VGT_CMD_VECS] = 0x1a000,
};

/*
 * Registers a command stream may load or store: per-context and per-ring
 * state the software Haswell keeps per VM (and a real GPU saves in the
 * context image), never the GTT, fences, interrupts, display or power.
 */
static const struct {
    uint32_t start, end;        /* [start, end) bytes */
    uint8_t engines;
} vgt_cmd_regs_global[] = {
    { 0x02214, 0x02218, VGT_ENG_RCS },  /* MI_PREDICATE_RESULT_2 */
    { 0x02290, 0x02298, VGT_ENG_RCS },  /* GPGPU_THREADS_DISPATCHED */
    { 0x02300, 0x02358, VGT_ENG_RCS },  /* 3D pipeline statistics */
    { 0x02400, 0x02410, VGT_ENG_RCS },  /* MI_PREDICATE_SRC0/1 */
    { 0x02430, 0x02448, VGT_ENG_RCS },  /* 3DPRIM_* */
    { 0x02500, 0x0250c, VGT_ENG_RCS },  /* GPGPU_DISPATCHDIM* */
    { 0x02600, 0x02680, VGT_ENG_RCS },  /* HSW CS_GPR 0..15 */
    { 0x05200, 0x052a0, VGT_ENG_RCS },  /* stream-out counters/offsets */
    { 0x07000, 0x07008, VGT_ENG_RCS },  /* CACHE_MODE_0/1 */
    { 0x0b010, 0x0b014, VGT_ENG_RCS },  /* L3SQCREG1 */
    { 0x0b020, 0x0b028, VGT_ENG_RCS },  /* L3CNTLREG2/3 */
    /* every engine's PSMI_CTL: i915 sets them around MI_SET_CONTEXT */
    { 0x02050, 0x02054, VGT_ENG_ALL },
    { 0x12050, 0x12054, VGT_ENG_ALL },
    { 0x1a050, 0x1a054, VGT_ENG_ALL },
    { 0x22050, 0x22054, VGT_ENG_ALL },
};

/* Offsets within the engine's own register block. */
static const struct {
    uint32_t start, end;
} vgt_cmd_regs_engine[] = {
    { 0x0c0, 0x0c4 },           /* INSTPM */
    { 0x220, 0x224 },           /* PP_DIR_DCLV */
    { 0x228, 0x22c },           /* PP_DIR_BASE */
    { 0x358, 0x360 },           /* RING_TIMESTAMP (64-bit) */
};

bool vgt_cmd_reg_allowed(unsigned engine, uint32_t reg)
{
    uint32_t base;
    size_t i;

    if (engine >= VGT_CMD_NENGINES || (reg & 3)) {
        return false;
    }
    for (i = 0; i < ARRAY_SIZE(vgt_cmd_regs_global); i++) {
        if (reg >= vgt_cmd_regs_global[i].start &&
            reg < vgt_cmd_regs_global[i].end &&
            (vgt_cmd_regs_global[i].engines & VGT_ENG(engine))) {
            return true;
        }
    }
    base = vgt_cmd_engine_base[engine];
    for (i = 0; i < ARRAY_SIZE(vgt_cmd_regs_engine); i++) {
        if (reg >= base + vgt_cmd_regs_engine[i].start &&
            reg < base + vgt_cmd_regs_engine[i].end) {
            return true;
        }
    }
    return false;
}

static VgtCmdResult vgt_cmd_check_reg(VgtCmdCtx *c, const char *cmd,
                                      uint32_t reg)
{
    if (!vgt_cmd_reg_allowed(c->env->engine, reg)) {
        return vgt_cmd_fail(c, VGT_CMD_BAD_REGISTER, "%s of register "
                            "0x%05x, which a VM may not load or store", cmd,
                            reg);
    }
    return VGT_CMD_OK;
}

/* ---- MI audits ------------------------------------------------------ */

static VgtCmdResult vgt_cmd_user_interrupt(VgtCmdCtx *c, uint32_t *cmd,
                                           uint32_t len)
{
    c->scan->user_interrupt = true;
    return VGT_CMD_OK;
}

static VgtCmdResult vgt_cmd_bb_end(VgtCmdCtx *c, uint32_t *cmd,
                                   uint32_t len)
{
    c->end = true;
    return VGT_CMD_OK;
}

static VgtCmdResult vgt_cmd_denied(VgtCmdCtx *c, uint32_t *cmd,
                                   uint32_t len)
{
    return vgt_cmd_fail(c, VGT_CMD_DENIED, "command 0x%08x is never allowed "
                        "to a VM (it would change the host's GTT or another "
                        "engine's state)", cmd[0]);
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

static VgtCmdResult vgt_cmd_wait_for_event(VgtCmdCtx *c, uint32_t *cmd,
                                           uint32_t len)
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

static VgtCmdResult vgt_cmd_scan_lines(VgtCmdCtx *c, uint32_t *cmd,
                                       uint32_t len)
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

static VgtCmdResult vgt_cmd_display_flip(VgtCmdCtx *c, uint32_t *cmd,
                                         uint32_t len)
{
    /* plane select 21:19: plane A 0, sprite A 1, plane B 2, ... C 4/5 */
    unsigned plane = (cmd[0] >> 19) & 7;
    VgtCmdResult r;

    if (plane > 5) {
        return vgt_cmd_fail(c, VGT_CMD_BAD_COMMAND, "MI_DISPLAY_FLIP plane "
                            "select %u", plane);
    }
    r = vgt_cmd_check_pipe(c, "MI_DISPLAY_FLIP", plane / 2);
    if (r || len < 3) {
        return r ? r : vgt_cmd_fail(c, VGT_CMD_BAD_COMMAND,
                                    "MI_DISPLAY_FLIP too short");
    }
    /* the new surface is a GGTT address of the VM's */
    return vgt_cmd_check_range(c, "MI_DISPLAY_FLIP surface", true,
                               cmd[2] & ~0xfffu, VGT_PAGE);
}

static VgtCmdResult vgt_cmd_set_context(VgtCmdCtx *c, uint32_t *cmd,
                                        uint32_t len)
{
    /* Haswell's render context image: 17 pages, GGTT, page aligned */
    if (len < 2) {
        return vgt_cmd_fail(c, VGT_CMD_BAD_COMMAND, "MI_SET_CONTEXT too "
                            "short");
    }
    return vgt_cmd_check_range(c, "MI_SET_CONTEXT image", true,
                               cmd[1] & ~0xfffu, 17 * VGT_PAGE);
}

static VgtCmdResult vgt_cmd_store_data_imm(VgtCmdCtx *c, uint32_t *cmd,
                                           uint32_t len)
{
    /* DW1 reserved, DW2 address, DW3.. data (1 or 2 dwords) */
    if (len < 4 || len > 5) {
        return vgt_cmd_fail(c, VGT_CMD_BAD_COMMAND, "MI_STORE_DATA_IMM "
                            "length %u", len);
    }
    return vgt_cmd_check_range(c, "MI_STORE_DATA_IMM",
                               vgt_cmd_ggtt(c, &cmd[0], VGT_MI_USE_GGTT),
                               cmd[2] & ~3u, (len - 3) * 4);
}

static VgtCmdResult vgt_cmd_check_hwsp(VgtCmdCtx *c, const char *cmd,
                                       uint32_t offset, uint32_t bytes)
{
    if (offset + bytes > VGT_HWSP_SIZE) {
        return vgt_cmd_fail(c, VGT_CMD_BAD_ADDRESS, "%s at offset 0x%x "
                            "beyond the status page", cmd, offset);
    }
    return VGT_CMD_OK;
}

static VgtCmdResult vgt_cmd_store_data_index(VgtCmdCtx *c, uint32_t *cmd,
                                             uint32_t len)
{
    if (len < 3 || len > 4) {
        return vgt_cmd_fail(c, VGT_CMD_BAD_COMMAND, "MI_STORE_DATA_INDEX "
                            "length %u", len);
    }
    return vgt_cmd_check_hwsp(c, "MI_STORE_DATA_INDEX", cmd[1] & 0xffc,
                              (len - 2) * 4);
}

static VgtCmdResult vgt_cmd_lri(VgtCmdCtx *c, uint32_t *cmd,
                                uint32_t len)
{
    VgtCmdResult r = VGT_CMD_OK;
    uint32_t i;

    if (!(len & 1)) {
        return vgt_cmd_fail(c, VGT_CMD_BAD_COMMAND, "MI_LOAD_REGISTER_IMM "
                            "with an odd number of register/value dwords");
    }
    for (i = 1; i < len && !r; i += 2) {
        r = vgt_cmd_check_reg(c, "MI_LOAD_REGISTER_IMM", cmd[i] & 0x7ffffc);
        if (!r && c->env->lri) {
            c->env->lri(c->env->opaque, cmd[i] & 0x7ffffc, cmd[i + 1]);
        }
    }
    return r;
}

static VgtCmdResult vgt_cmd_reg_mem(VgtCmdCtx *c, uint32_t *cmd,
                                    uint32_t len)
{
    /* SRM and LRM: DW1 register, DW2 address */
    bool store = ((cmd[0] >> 23) & 0x3f) == 0x24;
    const char *name = store ? "MI_STORE_REGISTER_MEM" :
                               "MI_LOAD_REGISTER_MEM";
    VgtCmdResult r;

    if (len != 3) {
        return vgt_cmd_fail(c, VGT_CMD_BAD_COMMAND, "%s length %u", name,
                            len);
    }
    r = vgt_cmd_check_reg(c, name, cmd[1] & 0x7ffffc);
    if (r) {
        return r;
    }
    return vgt_cmd_check_range(c, name,
                               vgt_cmd_ggtt(c, &cmd[0], VGT_MI_USE_GGTT),
                               cmd[2] & ~3u, 4);
}

static VgtCmdResult vgt_cmd_lrr(VgtCmdCtx *c, uint32_t *cmd,
                                uint32_t len)
{
    VgtCmdResult r;

    if (len != 3) {
        return vgt_cmd_fail(c, VGT_CMD_BAD_COMMAND, "MI_LOAD_REGISTER_REG "
                            "length %u", len);
    }
    r = vgt_cmd_check_reg(c, "MI_LOAD_REGISTER_REG", cmd[1] & 0x7ffffc);
    return r ? r : vgt_cmd_check_reg(c, "MI_LOAD_REGISTER_REG",
                                     cmd[2] & 0x7ffffc);
}

static VgtCmdResult vgt_cmd_flush_dw(VgtCmdCtx *c, uint32_t *cmd,
                                     uint32_t len)
{
    uint32_t bytes = len >= 4 ? 8 : 4;

    if (len < 3 || len > 5) {
        return vgt_cmd_fail(c, VGT_CMD_BAD_COMMAND, "MI_FLUSH_DW length %u",
                            len);
    }
    if (!(cmd[0] & VGT_MI_FLUSH_POST_OP)) {
        return VGT_CMD_OK;
    }
    if (cmd[0] & VGT_MI_FLUSH_STORE_INDEX) {
        return vgt_cmd_check_hwsp(c, "MI_FLUSH_DW", cmd[1] & 0xff8, bytes);
    }
    return vgt_cmd_check_range(c, "MI_FLUSH_DW post-sync write",
                               vgt_cmd_ggtt(c, &cmd[1], VGT_MI_FLUSH_USE_GTT),
                               cmd[1] & ~7u, bytes);
}

static VgtCmdResult vgt_cmd_report_perf(VgtCmdCtx *c, uint32_t *cmd,
                                        uint32_t len)
{
    if (len != 3) {
        return vgt_cmd_fail(c, VGT_CMD_BAD_COMMAND, "MI_REPORT_PERF_COUNT "
                            "length %u", len);
    }
    return vgt_cmd_check_range(c, "MI_REPORT_PERF_COUNT",
                               vgt_cmd_ggtt(c, &cmd[1], 1), cmd[1] & ~0x3fu,
                               64);
}

static VgtCmdResult vgt_cmd_cond_bb_end(VgtCmdCtx *c, uint32_t *cmd,
                                        uint32_t len)
{
    if (len < 3) {
        return vgt_cmd_fail(c, VGT_CMD_BAD_COMMAND,
                            "MI_CONDITIONAL_BATCH_BUFFER_END too short");
    }
    return vgt_cmd_check_range(c, "MI_CONDITIONAL_BATCH_BUFFER_END",
                               vgt_cmd_ggtt(c, &cmd[0], VGT_MI_USE_GGTT),
                               cmd[2] & ~7u, 8);
}

static VgtCmdResult vgt_cmd_bb_start(VgtCmdCtx *c, uint32_t *cmd,
                                     uint32_t len)
{
    if (len != 2) {
        return vgt_cmd_fail(c, VGT_CMD_BAD_COMMAND, "MI_BATCH_BUFFER_START "
                            "length %u", len);
    }
    c->bb_start = true;
    /* a batch started from a PPGTT batch stays in the PPGTT */
    c->bb_ppgtt = (cmd[0] & VGT_MI_BB_PPGTT) || c->seg->ppgtt;
    c->bb_second = cmd[0] & VGT_MI_BB_SECOND_LEVEL;
    c->bb_gma = cmd[1] & ~3u;
    return VGT_CMD_OK;
}

/* ---- blitter audits ------------------------------------------------- */

static const uint32_t vgt_blt_cpp[4] = { 1, 2, 2, 4 };  /* BR13 25:24 */

/*
 * Bytes a rectangle touches: linear rows of @pitch, or X-tiled (4 KiB
 * tiles of 512 bytes x 8 rows, pitch in dwords): whole tile rows.
 */
static VgtCmdResult vgt_blt_check_rect(VgtCmdCtx *c, const char *what,
                                       uint64_t base, uint32_t pitch,
                                       bool tiled, uint32_t cpp,
                                       uint32_t y1x1, uint32_t y2x2)
{
    uint32_t x1 = y1x1 & 0xffff, y1 = y1x1 >> 16;
    uint32_t x2 = y2x2 & 0xffff, y2 = y2x2 >> 16;
    uint64_t first, end;

    if (x2 <= x1 || y2 <= y1) {
        return VGT_CMD_OK;          /* empty: the blitter draws nothing */
    }
    if (tiled) {
        uint64_t row_bytes = (uint64_t)pitch * 4 * 8;

        if (!pitch || (pitch * 4) % 512) {
            return vgt_cmd_fail(c, VGT_CMD_BAD_COMMAND, "%s X-tiled pitch "
                                "%u dwords is not a whole number of tiles",
                                what, pitch);
        }
        first = base + (y1 / 8) * row_bytes;
        end = base + ((uint64_t)(y2 + 7) / 8) * row_bytes;
    } else {
        first = base + (uint64_t)y1 * pitch + (uint64_t)x1 * cpp;
        end = base + (uint64_t)(y2 - 1) * pitch + (uint64_t)x2 * cpp;
    }
    return vgt_cmd_check_range(c, what, !c->seg->ppgtt, first, end - first);
}

static VgtCmdResult vgt_blt_color(VgtCmdCtx *c, uint32_t *cmd,
                                  uint32_t len)
{
    /* DW1 BR13 (pitch 15:0, bpp 25:24), DW2/3 rect, DW4 base, DW5 color */
    if (len != 6) {
        return vgt_cmd_fail(c, VGT_CMD_BAD_COMMAND, "XY_COLOR_BLT length %u",
                            len);
    }
    return vgt_blt_check_rect(c, "XY_COLOR_BLT destination", cmd[4],
                              cmd[1] & 0xffff, cmd[0] & (1u << 11),
                              vgt_blt_cpp[(cmd[1] >> 24) & 3], cmd[2],
                              cmd[3]);
}

static VgtCmdResult vgt_blt_src_copy(VgtCmdCtx *c, uint32_t *cmd,
                                     uint32_t len)
{
    /*
     * DW1 BR13, DW2/3 destination rect, DW4 destination, DW5 source
     * top-left, DW6 source pitch, DW7 source base; tiling: 11 dst, 15 src
     */
    uint32_t cpp = vgt_blt_cpp[(cmd[1] >> 24) & 3];
    uint32_t w, h, sx, sy;
    VgtCmdResult r;

    if (len != 8) {
        return vgt_cmd_fail(c, VGT_CMD_BAD_COMMAND, "XY_SRC_COPY_BLT length "
                            "%u", len);
    }
    r = vgt_blt_check_rect(c, "XY_SRC_COPY_BLT destination", cmd[4],
                           cmd[1] & 0xffff, cmd[0] & (1u << 11), cpp, cmd[2],
                           cmd[3]);
    if (r) {
        return r;
    }
    w = (cmd[3] & 0xffff) - (cmd[2] & 0xffff);
    h = (cmd[3] >> 16) - (cmd[2] >> 16);
    sx = cmd[5] & 0xffff;
    sy = cmd[5] >> 16;
    if ((cmd[3] & 0xffff) <= (cmd[2] & 0xffff) ||
        (cmd[3] >> 16) <= (cmd[2] >> 16)) {
        return VGT_CMD_OK;
    }
    return vgt_blt_check_rect(c, "XY_SRC_COPY_BLT source", cmd[7],
                              cmd[6] & 0xffff, cmd[0] & (1u << 15), cpp,
                              (sy << 16) | sx,
                              ((sy + h) << 16) | (sx + w));
}

static VgtCmdResult vgt_blt_setup(VgtCmdCtx *c, uint32_t *cmd,
                                  uint32_t len)
{
    /* DW1 BR13, DW2/3 clip rect, DW4 destination base, DW5-6 colors */
    if (len < 8) {
        return vgt_cmd_fail(c, VGT_CMD_BAD_COMMAND, "XY_SETUP_BLT length %u",
                            len);
    }
    c->blt_setup = true;
    c->blt_base = cmd[4];
    c->blt_pitch = cmd[1] & 0xffff;
    c->blt_tiled = cmd[0] & (1u << 11);
    c->blt_cpp = vgt_blt_cpp[(cmd[1] >> 24) & 3];
    return VGT_CMD_OK;
}

static VgtCmdResult vgt_blt_text_immediate(VgtCmdCtx *c, uint32_t *cmd,
                                           uint32_t len)
{
    /* DW1/2 destination rect; draws into XY_SETUP_BLT's surface */
    if (len < 3) {
        return vgt_cmd_fail(c, VGT_CMD_BAD_COMMAND, "XY_TEXT_IMMEDIATE_BLT "
                            "too short");
    }
    if (!c->blt_setup) {
        return vgt_cmd_fail(c, VGT_CMD_BAD_COMMAND, "XY_TEXT_IMMEDIATE_BLT "
                            "without an XY_SETUP_BLT in the same submission "
                            "(its destination cannot be audited)");
    }
    return vgt_blt_check_rect(c, "XY_TEXT_IMMEDIATE_BLT destination",
                              c->blt_base, c->blt_pitch, c->blt_tiled,
                              c->blt_cpp, cmd[1], cmd[2]);
}

/* ---- GFXPIPE -------------------------------------------------------- */

static VgtCmdResult vgt_cmd_pipe_control(VgtCmdCtx *c, uint32_t *cmd,
                                         uint32_t len)
{
    uint32_t bytes;

    if (len < 4 || len > 6) {
        return vgt_cmd_fail(c, VGT_CMD_BAD_COMMAND, "PIPE_CONTROL length %u",
                            len);
    }
    if (!(cmd[1] & VGT_PC_POST_OP)) {
        return VGT_CMD_OK;
    }
    /* 1 write immediate (a dword, or a qword with 5+ dwords), 2/3 stats */
    bytes = ((cmd[1] & VGT_PC_POST_OP) >> 14) == 1 && len == 4 ? 4 : 8;
    if (cmd[1] & VGT_PC_STORE_INDEX) {
        return vgt_cmd_check_hwsp(c, "PIPE_CONTROL", cmd[2] & 0xff8, bytes);
    }
    return vgt_cmd_check_range(c, "PIPE_CONTROL post-sync write",
                               vgt_cmd_ggtt(c, &cmd[1], VGT_PC_GLOBAL_GTT),
                               cmd[2] & ~3u, bytes);
}

/* ---- tables --------------------------------------------------------- */

#define MI1(op, n, eng, fn)  [op] = { n, 1, 0, eng, fn }
#define MIL(op, n, m, eng, fn) [op] = { n, 0, m, eng, fn }

static const VgtCmdDesc vgt_cmd_mi[64] = {
    MI1(0x00, "MI_NOOP", VGT_ENG_ALL, NULL),
    MI1(0x02, "MI_USER_INTERRUPT", VGT_ENG_ALL, vgt_cmd_user_interrupt),
    MI1(0x03, "MI_WAIT_FOR_EVENT", VGT_ENG_RCS | VGT_ENG_BCS,
        vgt_cmd_wait_for_event),
    MI1(0x04, "MI_FLUSH", VGT_ENG_ALL, NULL),
    MI1(0x05, "MI_ARB_CHECK", VGT_ENG_ALL, NULL),
    MI1(0x06, "MI_RS_CONTROL", VGT_ENG_RCS, NULL),
    MI1(0x07, "MI_REPORT_HEAD", VGT_ENG_ALL, NULL),
    MI1(0x08, "MI_ARB_ON_OFF", VGT_ENG_ALL, NULL),
    MI1(0x09, "MI_URB_ATOMIC_ALLOC", VGT_ENG_RCS, NULL),
    MI1(0x0a, "MI_BATCH_BUFFER_END", VGT_ENG_ALL, vgt_cmd_bb_end),
    MI1(0x0b, "MI_SUSPEND_FLUSH", VGT_ENG_ALL, NULL),
    MI1(0x0c, "MI_PREDICATE", VGT_ENG_RCS, NULL),
    MI1(0x0d, "MI_TOPOLOGY_FILTER", VGT_ENG_RCS, NULL),
    MI1(0x0e, "MI_SET_APPID", VGT_ENG_ALL, NULL),
    MI1(0x0f, "MI_RS_CONTEXT", VGT_ENG_RCS, NULL),
    MIL(0x12, "MI_LOAD_SCAN_LINES_INCL", 0x3f, VGT_ENG_RCS | VGT_ENG_BCS,
        vgt_cmd_scan_lines),
    MIL(0x13, "MI_LOAD_SCAN_LINES_EXCL", 0x3f, VGT_ENG_RCS | VGT_ENG_BCS,
        vgt_cmd_scan_lines),
    MIL(0x14, "MI_DISPLAY_FLIP", 0x3f, VGT_ENG_RCS | VGT_ENG_BCS,
        vgt_cmd_display_flip),
    MIL(0x16, "MI_SEMAPHORE_MBOX", 0xff, VGT_ENG_ALL, vgt_cmd_denied),
    MIL(0x18, "MI_SET_CONTEXT", 0xff, VGT_ENG_RCS, vgt_cmd_set_context),
    MIL(0x1a, "MI_MATH", 0x3f, VGT_ENG_RCS, NULL),
    MIL(0x20, "MI_STORE_DATA_IMM", 0x3f, VGT_ENG_ALL, vgt_cmd_store_data_imm),
    MIL(0x21, "MI_STORE_DATA_INDEX", 0x3f, VGT_ENG_ALL,
        vgt_cmd_store_data_index),
    MIL(0x22, "MI_LOAD_REGISTER_IMM", 0xff, VGT_ENG_ALL, vgt_cmd_lri),
    MIL(0x23, "MI_UPDATE_GTT", 0xff, VGT_ENG_ALL, vgt_cmd_denied),
    MIL(0x24, "MI_STORE_REGISTER_MEM", 0xff, VGT_ENG_ALL, vgt_cmd_reg_mem),
    MIL(0x26, "MI_FLUSH_DW", 0x3f, VGT_ENG_XCS, vgt_cmd_flush_dw),
    MIL(0x28, "MI_REPORT_PERF_COUNT", 0x3f, VGT_ENG_RCS, vgt_cmd_report_perf),
    MIL(0x29, "MI_LOAD_REGISTER_MEM", 0xff, VGT_ENG_ALL, vgt_cmd_reg_mem),
    MIL(0x2a, "MI_LOAD_REGISTER_REG", 0xff, VGT_ENG_ALL, vgt_cmd_lrr),
    MIL(0x31, "MI_BATCH_BUFFER_START", 0xff, VGT_ENG_ALL, vgt_cmd_bb_start),
    MIL(0x36, "MI_CONDITIONAL_BATCH_BUFFER_END", 0xff, VGT_ENG_ALL,
        vgt_cmd_cond_bb_end),
};

/* The blitter commands whose addresses the auditor understands. */
static const VgtCmdDesc vgt_cmd_2d[128] = {
    MIL(0x01, "XY_SETUP_BLT", 0xff, VGT_ENG_BCS, vgt_blt_setup),
    MIL(0x03, "XY_SETUP_CLIP_BLT", 0xff, VGT_ENG_BCS, NULL),
    MIL(0x31, "XY_TEXT_IMMEDIATE_BLT", 0xff, VGT_ENG_BCS,
        vgt_blt_text_immediate),
    MIL(0x50, "XY_COLOR_BLT", 0xff, VGT_ENG_BCS, vgt_blt_color),
    MIL(0x53, "XY_SRC_COPY_BLT", 0xff, VGT_ENG_BCS, vgt_blt_src_copy),
};

static const VgtCmdDesc vgt_cmd_pipe_control_desc = {
    "PIPE_CONTROL", 0, 0xff, VGT_ENG_RCS, vgt_cmd_pipe_control,
};
static const VgtCmdDesc vgt_cmd_gfx_single = {
    "GFXPIPE (single dword)", 1, 0, VGT_ENG_RCS, NULL,
};
static const VgtCmdDesc vgt_cmd_gfx_state = {
    "GFXPIPE state (not rendered)", 0, 0xff, VGT_ENG_RCS, NULL,
};

static const VgtCmdDesc *vgt_cmd_lookup(uint32_t dw0)
{
    const VgtCmdDesc *d = NULL;
    unsigned pipeline, opcode, subop;

    switch (dw0 >> 29) {
    case 0:
        d = &vgt_cmd_mi[(dw0 >> 23) & 0x3f];
        break;
    case 2:
        d = &vgt_cmd_2d[(dw0 >> 22) & 0x7f];
        break;
    case 3:
        pipeline = (dw0 >> 27) & 3;
        opcode = (dw0 >> 24) & 7;
        subop = (dw0 >> 16) & 0xff;
        if (pipeline == 3 && opcode == 2 && subop == 0) {
            return &vgt_cmd_pipe_control_desc;
        }
        if (pipeline == 1 && opcode == 1) {
            return &vgt_cmd_gfx_single;     /* PIPELINE_SELECT & co */
        }
        /*
         * 3D and media state and primitives: length-decoded, accepted,
         * not rendered by the software Haswell.
         */
        return &vgt_cmd_gfx_state;
    }
    return d && d->name ? d : NULL;
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
                                          bool ppgtt, unsigned level)
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
    seg->ppgtt = ppgtt;
    seg->level = level;
    seg->copy = g_byte_array_new();
    if (parent) {
        /* reached by the 2-dword MI_BATCH_BUFFER_START just copied */
        seg->parent = parent - c->scan->segment;
        seg->parent_offset = parent->copy->len - 8;
    }
    return seg;
}

/*
 * Decode one command whose first dword is at @next(@gma); the ring passes
 * a wrap-aware position.  Copies the command into the current segment.
 */
typedef struct VgtCmdStream {
    bool ppgtt;
    uint64_t base;              /* ring: its GGTT address; batch: 0 */
    uint64_t size;              /* ring: its size (wraps); batch: 0 */
    uint64_t pos;               /* ring: offset; batch: address */
    uint64_t limit;             /* bytes this stream may still yield */
} VgtCmdStream;

static uint64_t vgt_cmd_stream_gma(const VgtCmdStream *st)
{
    return st->size ? st->base + st->pos : st->pos;
}

static void vgt_cmd_stream_advance(VgtCmdStream *st)
{
    st->pos += 4;
    if (st->size && st->pos >= st->size) {
        st->pos = 0;
    }
    st->limit -= 4;
}

static VgtCmdResult vgt_cmd_one(VgtCmdCtx *c, VgtCmdStream *st)
{
    uint32_t cmd[0xff + 2];
    const VgtCmdDesc *d;
    VgtCmdResult r;
    uint32_t len, i;

    c->cmd_gma = vgt_cmd_stream_gma(st);
    if (!st->limit) {
        return vgt_cmd_fail(c, VGT_CMD_LIMIT, "batch longer than %u MiB "
                            "without MI_BATCH_BUFFER_END",
                            VGT_CMD_MAX_BATCH_BYTES >> 20);
    }
    if (!vgt_cmd_fetch(c, st->ppgtt, c->cmd_gma, &cmd[0])) {
        return vgt_cmd_fail(c, VGT_CMD_FAULT, "command stream not readable");
    }
    d = vgt_cmd_lookup(cmd[0]);
    if (!d) {
        return vgt_cmd_fail(c, VGT_CMD_BAD_COMMAND, "unknown command "
                            "0x%08x", cmd[0]);
    }
    if (!(d->engines & VGT_ENG(c->env->engine))) {
        return vgt_cmd_fail(c, VGT_CMD_BAD_COMMAND, "%s is not a command "
                            "of this engine", d->name);
    }
    len = d->fixed_len ? d->fixed_len : (cmd[0] & d->len_mask) + 2;
    if ((uint64_t)len * 4 > st->limit) {
        return vgt_cmd_fail(c, VGT_CMD_BAD_COMMAND, "%s runs past the end "
                            "of the submitted commands", d->name);
    }
    if (c->scan->ndwords + len > VGT_CMD_MAX_DWORDS) {
        return vgt_cmd_fail(c, VGT_CMD_LIMIT, "more than %u dwords in one "
                            "submission", VGT_CMD_MAX_DWORDS);
    }
    vgt_cmd_stream_advance(st);
    for (i = 1; i < len; i++) {
        if (!vgt_cmd_fetch(c, st->ppgtt, vgt_cmd_stream_gma(st), &cmd[i])) {
            return vgt_cmd_fail(c, VGT_CMD_FAULT, "%s not readable",
                                d->name);
        }
        vgt_cmd_stream_advance(st);
    }
    /* the audit may normalize the command: copy it afterwards */
    r = d->audit ? d->audit(c, cmd, len) : VGT_CMD_OK;
    for (i = 0; i < len; i++) {
        cmd[i] = cpu_to_le32(cmd[i]);
    }
    g_byte_array_append(c->seg->copy, (const guint8 *)cmd, len * 4);
    c->scan->ndwords += len;
    c->scan->ncommands++;
    return r;
}

static VgtCmdResult vgt_cmd_batch(VgtCmdCtx *c, uint64_t gma, bool ppgtt,
                                  unsigned level)
{
    VgtCmdSegment *outer = c->seg;
    VgtCmdStream st = { .ppgtt = ppgtt, .pos = gma,
                        .limit = VGT_CMD_MAX_BATCH_BYTES };
    VgtCmdResult r = VGT_CMD_OK;

    c->seg = vgt_cmd_new_segment(c, gma, ppgtt, level);
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
        if (c->bb_second) {
            if (level != 1) {
                r = vgt_cmd_fail(c, VGT_CMD_BAD_COMMAND, "second-level "
                                 "batch started from level %u", level);
                break;
            }
            r = vgt_cmd_batch(c, c->bb_gma, c->bb_ppgtt, 2);
            continue;       /* back here after its MI_BATCH_BUFFER_END */
        }
        /* chained: this batch ends, the next one takes its place */
        r = vgt_cmd_batch(c, c->bb_gma, c->bb_ppgtt, level);
        break;
    }
    c->seg = outer;
    return r;
}

VgtCmdResult vgt_cmd_scan_ring(const VgtCmdEnv *env, uint64_t ring_gma,
                               uint32_t ring_size, uint32_t head,
                               uint32_t tail, VgtCmdScan *scan)
{
    g_autofree VgtCmdCtx *c = g_new0(VgtCmdCtx, 1);
    VgtCmdStream st = { .ppgtt = false, .base = ring_gma,
                        .size = ring_size, .pos = head };
    VgtCmdResult r = VGT_CMD_OK;

    memset(scan, 0, sizeof(*scan));
    c->env = env;
    c->scan = scan;
    c->cmd_gma = ring_gma + head;
    if (env->engine >= VGT_CMD_NENGINES || !ring_size ||
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
    c->seg = vgt_cmd_new_segment(c, ring_gma + head, false, 0);
    while (!r && st.limit) {
        c->end = false;
        c->bb_start = false;
        r = vgt_cmd_one(c, &st);
        if (r) {
            break;
        }
        if (c->end) {
            r = vgt_cmd_fail(c, VGT_CMD_BAD_COMMAND, "MI_BATCH_BUFFER_END "
                             "in the ring");
            break;
        }
        if (c->bb_start) {
            if (c->bb_second) {
                r = vgt_cmd_fail(c, VGT_CMD_BAD_COMMAND, "second-level "
                                 "batch started from the ring");
                break;
            }
            r = vgt_cmd_batch(c, c->bb_gma, c->bb_ppgtt, 1);
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
}

void vgt_cmd_relocate(VgtCmdScan *scan, const uint64_t *placed)
{
    unsigned i;

    for (i = 1; i < scan->nsegments; i++) {
        VgtCmdSegment *seg = &scan->segment[i];
        uint8_t *bb = scan->segment[seg->parent].copy->data +
                      seg->parent_offset;

        /*
         * The copy is in the shadow area, which the engine fetches from
         * the GGTT; the PPGTT bit stays, as it also says that the batch's
         * memory operands are PPGTT addresses.  The level is kept.
         */
        stl_le_p(bb + 4, placed[i]);
    }
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
