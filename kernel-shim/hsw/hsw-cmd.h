/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hsw-cmd.h - Haswell's command formats: the one decoder that the device's
 * command scanner and the software Haswell's command streamers both use.
 *
 * A command's first dword names its client (bits 31:29: 0 MI, 2 the 2D
 * blitter, 3 GFXPIPE) and opcode; its length is either fixed or a length
 * field (dwords beyond the first two) under a per-command mask.  Each
 * descriptor says what the command is (its kind: how it is audited and
 * executed), on which engines it exists and which lengths are valid.  The
 * stream rules (which batches are privileged and in which address space
 * they and each memory operand live) are functions here too, so that the
 * scanner audits exactly the command boundaries and address spaces the
 * engine executes, by construction.
 *
 * The rules, from the Haswell PRM (vol. 2a, MI commands) as Linux i915
 * programs them (i915_cmd_parser.c gen7 tables, gt/gen7_renderclear.c):
 *  - The ring is privileged and in the GGTT.
 *  - MI_BATCH_BUFFER_START: DW0 bit 8 (Address Space Indicator) puts the
 *    batch in the PPGTT, bit 13 makes it non-privileged; a PPGTT batch is
 *    never privileged; privilege is never gained.  From the ring it calls a
 *    first-level batch; bit 22 in a first-level batch calls a second-level
 *    one, which MI_BATCH_BUFFER_END returns from; otherwise a batch start
 *    in a batch chains (replaces the batch at the same level).  A batch in
 *    the PPGTT may only start batches in the PPGTT.
 *  - A memory operand with a "use global GTT" bit (MI_STORE_DATA_IMM,
 *    MI_STORE/LOAD_REGISTER_MEM, MI_CONDITIONAL_BATCH_BUFFER_END DW0 bit
 *    22; PIPE_CONTROL DW1 bit 24; MI_FLUSH_DW DW1 bit 2;
 *    MI_REPORT_PERF_COUNT DW1 bit 0) is in the GGTT when the bit is set
 *    and in the PPGTT when it is clear, whatever batch it is in.  Operands
 *    without such a bit (blitter surfaces, 3D state) are in the batch's
 *    address space.  GGTT and status-page operands need a privileged
 *    batch: hardware drops them elsewhere; vgt refuses them.
 */
#ifndef HSW_CMD_H
#define HSW_CMD_H

#include "hsw-regs.h"

enum hsw_cmd_kind {
	HSW_CMD_SKIP = 0,	/* no operand, no effect on the stream */
	HSW_CMD_DENIED,		/* never from a VM (GTT, semaphores, ...) */
	HSW_CMD_USER_INTERRUPT,
	HSW_CMD_WAIT_FOR_EVENT,
	HSW_CMD_LOAD_SCAN_LINES,
	HSW_CMD_DISPLAY_FLIP,
	HSW_CMD_SET_CONTEXT,
	HSW_CMD_STORE_DATA_IMM,
	HSW_CMD_STORE_DATA_INDEX,
	HSW_CMD_LOAD_REGISTER_IMM,
	HSW_CMD_STORE_REGISTER_MEM,
	HSW_CMD_LOAD_REGISTER_MEM,
	HSW_CMD_LOAD_REGISTER_REG,
	HSW_CMD_FLUSH_DW,
	HSW_CMD_REPORT_PERF_COUNT,
	HSW_CMD_COND_BB_END,
	HSW_CMD_BB_START,
	HSW_CMD_BB_END,
	HSW_CMD_PIPE_CONTROL,
	HSW_CMD_GFX_STATE,	/* 3D/media state: decoded by length only */
	HSW_CMD_XY_SETUP_BLT,
	HSW_CMD_XY_SETUP_CLIP_BLT,
	HSW_CMD_XY_TEXT_IMMEDIATE_BLT,
	HSW_CMD_XY_COLOR_BLT,
	HSW_CMD_XY_SRC_COPY_BLT,
};

struct hsw_cmd_desc {
	const char *name;
	u8 kind;		/* enum hsw_cmd_kind */
	u8 engines;		/* HSW_ENGINE_BIT() mask */
	u8 fixed_len;		/* dwords, or 0: from the length field */
	u32 len_mask;		/* DW0 bits holding (dwords - 2) */
	u32 min_len;		/* valid total lengths, dwords */
	u32 max_len;
};

/* Why a command or a stream is refused (0 = fine). */
enum hsw_cmd_error {
	HSW_CMD_OK = 0,
	HSW_CMD_E_UNKNOWN,	/* not a Haswell command vgt knows */
	HSW_CMD_E_ENGINE,	/* not a command of this engine */
	HSW_CMD_E_LENGTH,	/* a length the command does not have */
	HSW_CMD_E_FIELD,	/* a reserved or invalid field value */
	HSW_CMD_E_PRIVILEGE,	/* GGTT/status page from a non-privileged batch */
	HSW_CMD_E_BATCH,	/* a batch start or end not allowed there */
	HSW_CMD_E_RANGE,	/* an operand beyond what it may reach */
};

/* One decoded command header. */
struct hsw_cmd {
	const struct hsw_cmd_desc *desc;
	u32 dw0;
	u32 len;		/* dwords */
};

/*
 * The descriptor of header @dw0 as @engine's command streamer would read
 * it (it names the command; whether the engine has it is d->engines), or
 * NULL for a command vgt does not know.  It depends on DW0 31:16 only.
 */
const struct hsw_cmd_desc *hsw_cmd_desc_of(u32 dw0, u32 engine);

/* The length in dwords that header @dw0 of command @d says. */
static inline u32 hsw_cmd_desc_len(const struct hsw_cmd_desc *d, u32 dw0)
{
	return d->fixed_len ? d->fixed_len : (dw0 & d->len_mask) + 2;
}

/* Is @len (dwords) a length command @d has? */
static inline bool hsw_cmd_desc_len_ok(const struct hsw_cmd_desc *d, u32 len)
{
	if (len < d->min_len || len > d->max_len)
		return false;
	/* register/value pairs */
	return d->kind != HSW_CMD_LOAD_REGISTER_IMM || (len & 1);
}

/*
 * Decode the header @dw0 for @engine.  On success @cmd holds the
 * descriptor and the length; on failure @cmd->desc may still name the
 * command (for messages) and the error says what is wrong.
 */
enum hsw_cmd_error hsw_cmd_decode(u32 dw0, u32 engine, struct hsw_cmd *cmd);

/* The longest command whose dwords an audit or an execution needs. */
#define HSW_CMD_MAX_BUFFERED	(0xffu + 2)

/*
 * Does an engine only skip the command (3D/media state: never executed)?
 * An audit still reads those with address fields (hsw_cmd_3d_lookup).
 */
static inline bool hsw_cmd_kind_is_skipped(u8 kind)
{
	return kind == HSW_CMD_GFX_STATE;
}

static inline bool hsw_cmd_is_skipped(const struct hsw_cmd *cmd)
{
	return hsw_cmd_kind_is_skipped(cmd->desc->kind);
}

/* DW0 bits of MI_BATCH_BUFFER_START on Haswell. */
#define MI_BATCH_PPGTT_HSW	(1u << 8)
#define MI_BATCH_NON_SECURE_HSW	(1u << 13)
#define MI_BATCH_SECOND_LEVEL	(1u << 22)
#define MI_BATCH_ADDR_MASK	0xfffffffcu	/* DW1 */

/* Register fields of LRI/SRM/LRM/LRR. */
#define MI_REG_MASK		0x007ffffcu

/* Whole commands the helper itself emits (ctx-switch.c), as i915 does. */
#define MI_ARB_ON_OFF_DISABLE	0x04000000u
#define MI_ARB_ON_OFF_ENABLE	0x04000001u
#define MI_SET_CONTEXT_DW0	0x0c000000u	/* then the context dword */
#define MI_LRI_DW0(n)		(0x11000000u | (2 * (n) - 1))	/* n regs */

/* MI_SET_CONTEXT DW1 below the context address (XenGT's, i915's). */
#define MI_SC_RESTORE_INHIBIT	(1u << 0)
#define MI_SC_FORCE_RESTORE	(1u << 1)
/* GTT space, extended state save and restore: kept as CCID has them */
#define MI_SC_KEEP		((1u << 8) | (1u << 3) | (1u << 2))

/* The stream a command is fetched from. */
struct hsw_cs_stream {
	u8 level;		/* 0 ring, 1 first-level, 2 second-level */
	bool ppgtt;		/* batch in the PPGTT (fetch, implicit operands) */
	bool privileged;
};

static inline void hsw_cs_stream_ring(struct hsw_cs_stream *st)
{
	st->level = 0;
	st->ppgtt = false;
	st->privileged = true;
}

/*
 * MI_BATCH_BUFFER_START (header @dw0) in stream @cur: the stream it
 * starts, and whether it is a call (MI_BATCH_BUFFER_END comes back to
 * @cur) or a chain (it replaces @cur).  @why says what is wrong on error.
 */
enum hsw_cmd_error hsw_cs_batch_start(const struct hsw_cs_stream *cur,
				      u32 dw0, struct hsw_cs_stream *next,
				      bool *call, const char **why);

/* MI_BATCH_BUFFER_END in stream @cur: only batches end. */
enum hsw_cmd_error hsw_cs_batch_end(const struct hsw_cs_stream *cur,
				    const char **why);

/* Address spaces of memory operands. */
enum hsw_space {
	HSW_SPACE_GGTT = 0,
	HSW_SPACE_PPGTT = 1,
	HSW_SPACE_HWSP = 2,	/* offset in the engine's status page (GGTT) */
};

/* What an operand's bytes are, for an engine that executes it. */
enum hsw_operand_source {
	HSW_SRC_NONE = 0,	/* read by the command (or only named) */
	HSW_SRC_IMM,		/* immediate data at dw[data] */
	HSW_SRC_REG,		/* the register named at dw[data] */
	HSW_SRC_TIMESTAMP,	/* post-sync timestamp */
	HSW_SRC_DEPTH_COUNT,	/* post-sync depth count */
};

/*
 * An operand's address is dw[addr_dw] & addr_mask: where it is, so that
 * the device can move a GGTT address to where the VM's memory is on
 * another host (vgt-cmd.c's remap) without knowing each command's format.
 */
struct hsw_cmd_operand {
	const char *what;	/* for messages: "MI_STORE_DATA_IMM", ... */
	u64 addr;		/* GM address, or offset in the status page */
	u32 len;		/* bytes */
	u8 space;		/* enum hsw_space */
	u8 source;		/* enum hsw_operand_source */
	u8 data;		/* dword index for IMM / REG */
	bool write;
	u8 addr_dw;		/* the dword holding the address */
	u32 addr_mask;		/* its address bits (the rest are flags) */
	/*
	 * 3D/media state only (hsw_cmd_3d_operand): the extent is not
	 * known from the command (len is then 4096: the page at addr), and
	 * the dword of an end address or upper bound that moves with the
	 * address (0: none), with its address bits.
	 */
	bool unbounded;
	u8 bound_dw;
	u32 bound_mask;
};
#define HSW_CMD_MAX_OPERANDS	1

/* The post-sync operation of MI_FLUSH_DW (DW0) and PIPE_CONTROL (DW1). */
#define HSW_POST_SYNC(dw)	(((dw) >> 14) & 3)

/*
 * A quick answer for the commands that name memory only with some of
 * their bits: true when a command of kind @kind (its dwords at @dw) names
 * none (hsw_cmd_operands finds no operand: a flush or PIPE_CONTROL
 * without a post-sync write), false when it may.
 */
static inline bool hsw_cmd_no_operand(u8 kind, const u32 *dw)
{
	switch (kind) {
	case HSW_CMD_FLUSH_DW:
		return !HSW_POST_SYNC(dw[0]);
	case HSW_CMD_PIPE_CONTROL:
		return !HSW_POST_SYNC(dw[1]);
	}
	return false;
}

/*
 * The memory operands of a decoded command (all @cmd->len dwords at @dw,
 * in CPU order) in stream @st: returns how many were stored in @op (at
 * most HSW_CMD_MAX_OPERANDS), or the negated error with @why.  Blitter
 * surfaces are described by hsw_blt_decode instead.
 */
int hsw_cmd_operands(const struct hsw_cmd *cmd, const u32 *dw,
		     const struct hsw_cs_stream *st,
		     struct hsw_cmd_operand *op, const char **why);

/*
 * 3D and media state (GFXPIPE, render engine) that names graphics memory:
 * the address fields of every such Haswell command, from the field
 * layouts of Mesa's genxml gen75.xml (fields of type "address") and the
 * PRM.  They stay length-only commands for an engine (hsw_cmd_is_skipped:
 * the software Haswell never executes them); an audit reads them whole
 * and walks their operands with hsw_cmd_3d_operand.
 *
 * Not listed, because they are offsets from a STATE_BASE_ADDRESS base and
 * hardware keeps them below that base's upper bound: kernel start
 * pointers, scratch space pointers (general state), binding table,
 * sampler, viewport, blend, depth-stencil and CC state pointers,
 * MEDIA_CURBE_LOAD, MEDIA_INTERFACE_DESCRIPTOR_LOAD and the indirect data
 * of MEDIA_OBJECT / GPGPU_OBJECT / GPGPU_WALKER / MEDIA_OBJECT_WALKER.
 */
enum hsw_extent {
	HSW_EXT_FIXED = 0,	/* size bytes */
	HSW_EXT_END_INCL,	/* dw[end_dw] & end_mask is the last byte */
	HSW_EXT_END_EXCL,	/* dw[end_dw] & end_mask is one past the end */
	/*
	 * dw[end_dw] & end_mask is an exclusive upper bound when bit
	 * end_enable of that dword is set (a modify-enable or enable bit);
	 * a bound of 0 disables the bound check: unbounded.
	 */
	HSW_EXT_BOUND,
	HSW_EXT_CONST_READ,	/* 3DSTATE_CONSTANT_*: read length x 32 bytes */
	HSW_EXT_UNBOUNDED,	/* nothing in the command bounds it */
};

/* When a field is not used: (dw[skip_dw] & skip_mask) == skip_value. */
struct hsw_field_skip {
	u8 dw;			/* relative to the element, 0: no rule */
	u32 mask;
	u32 value;
};

struct hsw_addr_field {
	const char *name;	/* "Surface State Base Address", ... */
	u8 dw;			/* of the address, relative to the element */
	u32 mask;
	u8 extent;		/* enum hsw_extent */
	u8 end_dw;		/* END_*, BOUND, CONST_READ: relative dword */
	u32 end_mask;		/* CONST_READ: the read length's bits */
	u8 end_shift;		/* CONST_READ: and their shift */
	u32 end_enable;		/* BOUND: its modify/enable bit */
	u32 size;		/* FIXED */
	bool write;
	bool state_base;	/* a STATE_BASE_ADDRESS base */
	struct hsw_field_skip skip[2];
};

struct hsw_cmd_3d {
	const char *name;
	u32 opcode;		/* DW0 bits 31:16 */
	u16 len;		/* the only valid length; 0: elements */
	u8 elem_dw;		/* first element (VERTEX_BUFFER_STATE: DW1) */
	u8 elem_len;		/* dwords per element, 0: no elements */
	u8 nfields;
	const struct hsw_addr_field *fields;
};

/* The 3D/media descriptor of @dw0 (render engine), or NULL. */
const struct hsw_cmd_3d *hsw_cmd_3d_lookup(u32 dw0);

/* All of them, sorted by opcode (*@n of them): for tests. */
const struct hsw_cmd_3d *hsw_cmd_3d_table(u32 *n);

/* The longest 3D/media command with address fields (fits the buffer). */
#define HSW_CMD_3D_MAX_LEN	(0xffu + 2)

/*
 * The next memory operand of 3D/media command @c3 (all @cmd->len dwords
 * at @dw) in stream @st, from position *@pos (start at 0): returns 1 with
 * @op filled and *@pos advanced, 0 when there are no more, or the negated
 * error with @why.  The decoder applies the policy that needs no view:
 *  - a PPGTT operand (batch in the PPGTT) starts below the PPGTT's 2 GiB
 *    and its known extent ends there without wrapping (an upper bound
 *    beyond 2 GiB is cut to 2 GiB: the PPGTT maps nothing above);
 *  - a GGTT operand with an unbounded extent is refused, except a
 *    STATE_BASE_ADDRESS base in a privileged GGTT batch (i915's
 *    null-state batch, gt/gen7_renderstate.c), whose page at the base
 *    the caller checks (op->unbounded): see docs/device.md.
 * The caller checks GGTT operands against the VM's view.
 */
int hsw_cmd_3d_operand(const struct hsw_cmd_3d *c3, const struct hsw_cmd *cmd,
		       const u32 *dw, const struct hsw_cs_stream *st, u32 *pos,
		       struct hsw_cmd_operand *op, const char **why);

/*
 * One command as a walker (scanner or engine) decoded it: for trace
 * points and for the test that runs both on the same streams.
 */
struct hsw_cmd_trace {
	u64 gma;		/* where its first dword was fetched */
	u32 dw0;
	u32 len;		/* dwords */
	struct hsw_cs_stream st;
	int nops;		/* memory operands (0 or 1) */
	struct hsw_cmd_operand op;
};

/*
 * The blitter ("XY" commands, BR13 = DW1: bits 25:24 colour depth, 23:16
 * ROP, 15:0 pitch: bytes, or DWords on a tiled surface; rectangles as
 * y << 16 | x, bottom-right exclusive; X tiles of 512 bytes x 8 rows).
 */
#define XY_DST_TILED		(1u << 11)
#define XY_SRC_TILED		(1u << 15)
#define XY_TEXT_BYTE_PACKED	(1u << 16)
#define XY_WRITE_RGB		(1u << 20)
#define XY_WRITE_ALPHA		(1u << 21)
#define BR13_MONO_TRANSPARENT	(1u << 29)

struct hsw_blt_surface {
	u64 base;
	u32 pitch;		/* bytes */
	u32 cpp;		/* bytes per pixel */
	bool tiled;		/* X-tiled */
	bool ppgtt;		/* address space */
	/*
	 * base is dw[addr_dw] & addr_mask of the command, or, when addr_dw
	 * is 0 (XY_TEXT_IMMEDIATE_BLT), dw[XY_SETUP_BLT_DST_DW] of the
	 * XY_SETUP_BLT before it.
	 */
	u8 addr_dw;
	u32 addr_mask;
};

#define XY_SETUP_BLT_DST_DW	4
#define XY_BASE_MASK		0xffffffffu	/* a whole dword */

/* XY_SETUP_BLT state: it lasts for the rest of the workload. */
struct hsw_blt_setup {
	bool valid;
	bool tiled;
	u32 br13;
	u32 clip_tl;
	u32 clip_br;
	u32 dst;
	u32 bg;
	u32 fg;
};

/* One blit: the destination rectangle and, for copies, the source. */
struct hsw_blt {
	struct hsw_blt_surface dst;
	struct hsw_blt_surface src;
	bool has_src;
	u32 x1, y1, x2, y2;	/* destination, x2/y2 exclusive; may be empty */
	u32 sx, sy;		/* source top-left */
	u32 dw0, br13;
	u32 color;		/* XY_COLOR_BLT */
};

/*
 * Decode a blitter command in stream @st.  XY_SETUP_BLT updates @setup
 * (and describes nothing: returns 0 with blt->x2 <= blt->x1);
 * XY_TEXT_IMMEDIATE_BLT draws into @setup's surface.  Returns 0 or the
 * negated error with @why.
 */
int hsw_blt_decode(const struct hsw_cmd *cmd, const u32 *dw,
		   const struct hsw_cs_stream *st, struct hsw_blt_setup *setup,
		   struct hsw_blt *blt, const char **why);

/*
 * What an audit refuses of a decoded non-empty blit although an engine
 * could run it: a negative (signed) pitch, a source rectangle past
 * coordinate 65535.  Returns 0 or the negated error with @why.
 */
int hsw_blt_audit(const struct hsw_blt *blt, const char **why);

/* GM address of byte @xb of row @y, and how many bytes follow in it. */
u64 hsw_blt_addr(const struct hsw_blt_surface *s, u32 y, u32 xb, u32 *run);

/*
 * The bytes a non-empty rectangle touches lie in [*first, *first + *len):
 * addresses grow with the row and the byte, linear or X-tiled, so the
 * corners bound them.  No overflow: all in 64 bits from 16-bit inputs.
 */
void hsw_blt_span(const struct hsw_blt_surface *s, u32 x1, u32 y1, u32 x2,
		  u32 y2, u64 *first, u64 *len);

/*
 * Engine registers that hold GGTT addresses (the device moves them too
 * when the VM's memory is elsewhere on this host): the status page, 4 KiB
 * aligned, and the PPGTT page directory, whose GM address (what
 * hsw_ppgtt_pde_index reads: its first PDE is GGTT entry (PP_DIR_BASE >>
 * 16) * 16) is PP_DIR_BASE bits 31:16 times 64 KiB; its 512 PDEs are GGTT
 * entries, 2 MiB of GM.  i915 loads PP_DIR_BASE from the ring with
 * MI_LOAD_REGISTER_IMM (gen7 switch_mm).
 */
#define HSW_HWS_PGA_ADDR_MASK		0xfffff000u
#define HSW_PP_DIR_BASE_ADDR_MASK	0xffff0000u
#define HSW_PPGTT_PD_GM_SIZE		((u64)HSW_PPGTT_PDES << 12)
#define HSW_CCID_ADDR_MASK		0xfffff000u

/*
 * Whether register @offset of @engine holds a GGTT address: HWS_PGA,
 * PP_DIR_BASE and (render) CCID, the current context image.  *mask: its
 * address bits; *span: the bytes of GM it names.
 */
bool hsw_reg_gm_field(u32 engine, u32 offset, u32 *mask, u64 *span);

const char *hsw_cmd_error_name(enum hsw_cmd_error err);

#endif /* HSW_CMD_H */
