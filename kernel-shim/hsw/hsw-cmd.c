// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hsw-cmd.c - Haswell command descriptors and stream rules (hsw-cmd.h).
 *
 * Lengths follow the PRM's DWord Length fields as Linux i915's gen7
 * command parser encodes them (MI 5:0 by default and 7:0 where the
 * command says so; blitter 7:0; GFXPIPE 7:0, media 15:0 except the GPGPU
 * commands; 3DSTATE_SO_DECL_LIST 8:0; single-dword GFXPIPE subtype 1).
 */
#include "hsw-cmd.h"

#define RCS		HSW_ENGINE_BIT(HSW_RCS)
#define BCS		HSW_ENGINE_BIT(HSW_BCS)
#define XCS		(HSW_ENGINE_BIT(HSW_VCS) | BCS | HSW_ENGINE_BIT(HSW_VECS))
#define ALL		HSW_ENGINES_ALL

/* Single-dword MI command (opcodes 0x00-0x0f). */
#define MI1(op, n, k, eng) \
	[op] = { n, HSW_CMD_##k, eng, 1, 0, 1, 1 }
/* MI command with a length field under mask m, min..max dwords. */
#define MIL(op, n, k, eng, m, lo, hi) \
	[op] = { n, HSW_CMD_##k, eng, 0, m, lo, hi }

static const struct hsw_cmd_desc hsw_mi_cmds[64] = {
	MI1(0x00, "MI_NOOP", SKIP, ALL),
	MI1(0x02, "MI_USER_INTERRUPT", USER_INTERRUPT, ALL),
	MI1(0x03, "MI_WAIT_FOR_EVENT", WAIT_FOR_EVENT, RCS | BCS),
	MI1(0x04, "MI_FLUSH", SKIP, ALL),
	MI1(0x05, "MI_ARB_CHECK", SKIP, ALL),
	MI1(0x06, "MI_RS_CONTROL", SKIP, RCS),
	MI1(0x07, "MI_REPORT_HEAD", SKIP, ALL),
	MI1(0x08, "MI_ARB_ON_OFF", SKIP, ALL),
	MI1(0x09, "MI_URB_ATOMIC_ALLOC", SKIP, RCS),
	MI1(0x0a, "MI_BATCH_BUFFER_END", BB_END, ALL),
	MI1(0x0b, "MI_SUSPEND_FLUSH", SKIP, ALL),
	MI1(0x0c, "MI_PREDICATE", SKIP, RCS),
	MI1(0x0d, "MI_TOPOLOGY_FILTER", SKIP, RCS),
	MI1(0x0e, "MI_SET_APPID", SKIP, ALL),
	MI1(0x0f, "MI_RS_CONTEXT", SKIP, RCS),
	MIL(0x12, "MI_LOAD_SCAN_LINES_INCL", LOAD_SCAN_LINES, RCS | BCS,
	    0x3f, 2, 0x41),
	MIL(0x13, "MI_LOAD_SCAN_LINES_EXCL", LOAD_SCAN_LINES, RCS | BCS,
	    0x3f, 2, 0x41),
	MIL(0x14, "MI_DISPLAY_FLIP", DISPLAY_FLIP, RCS | BCS, 0xff, 3, 0x101),
	MIL(0x16, "MI_SEMAPHORE_MBOX", DENIED, ALL, 0xff, 2, 0x101),
	MIL(0x18, "MI_SET_CONTEXT", SET_CONTEXT, RCS, 0xff, 2, 2),
	MIL(0x19, "MI_URB_CLEAR", SKIP, RCS, 0xff, 2, 2),
	MIL(0x1a, "MI_MATH", SKIP, RCS, 0x3f, 2, 0x41),
	MIL(0x20, "MI_STORE_DATA_IMM", STORE_DATA_IMM, ALL, 0x3f, 4, 5),
	MIL(0x21, "MI_STORE_DATA_INDEX", STORE_DATA_INDEX, ALL, 0xff, 3, 4),
	MIL(0x22, "MI_LOAD_REGISTER_IMM", LOAD_REGISTER_IMM, ALL, 0xff, 3,
	    0x101),
	MIL(0x23, "MI_UPDATE_GTT", DENIED, ALL, 0xff, 2, 0x101),
	MIL(0x24, "MI_STORE_REGISTER_MEM", STORE_REGISTER_MEM, ALL, 0xff, 3,
	    3),
	MIL(0x26, "MI_FLUSH_DW", FLUSH_DW, XCS, 0x3f, 3, 4),
	/* its flush range is not audited: refused until it is */
	MIL(0x27, "MI_CLFLUSH", DENIED, RCS, 0x3ff, 2, 0x401),
	MIL(0x28, "MI_REPORT_PERF_COUNT", REPORT_PERF_COUNT, RCS, 0x3f, 3, 3),
	MIL(0x29, "MI_LOAD_REGISTER_MEM", LOAD_REGISTER_MEM, ALL, 0xff, 3, 3),
	MIL(0x2a, "MI_LOAD_REGISTER_REG", LOAD_REGISTER_REG, ALL, 0xff, 3, 3),
	MIL(0x31, "MI_BATCH_BUFFER_START", BB_START, ALL, 0xff, 2, 2),
	MIL(0x36, "MI_CONDITIONAL_BATCH_BUFFER_END", COND_BB_END, ALL, 0xff,
	    3, 3),
};

/* The blitter commands whose operands vgt understands (client 2). */
#define BLT(op, n, k, lo, hi) \
	[op] = { n, HSW_CMD_##k, BCS, 0, 0xff, lo, hi }

static const struct hsw_cmd_desc hsw_blt_cmds[128] = {
	BLT(0x01, "XY_SETUP_BLT", XY_SETUP_BLT, 8, 8),
	BLT(0x03, "XY_SETUP_CLIP_BLT", XY_SETUP_CLIP_BLT, 3, 3),
	BLT(0x31, "XY_TEXT_IMMEDIATE_BLT", XY_TEXT_IMMEDIATE_BLT, 3, 0x101),
	BLT(0x50, "XY_COLOR_BLT", XY_COLOR_BLT, 6, 6),
	BLT(0x53, "XY_SRC_COPY_BLT", XY_SRC_COPY_BLT, 8, 8),
};

/* GFXPIPE (client 3): 3D and media, render engine only. */
static const struct hsw_cmd_desc hsw_pipe_control = {
	"PIPE_CONTROL", HSW_CMD_PIPE_CONTROL, RCS, 0, 0xff, 4, 6,
};
static const struct hsw_cmd_desc hsw_gfx_single = {
	"GFXPIPE single dword (PIPELINE_SELECT, 3DSTATE_VF_STATISTICS)",
	HSW_CMD_GFX_STATE, RCS, 1, 0, 1, 1,
};
static const struct hsw_cmd_desc hsw_gfx_state = {
	"GFXPIPE 3D state", HSW_CMD_GFX_STATE, RCS, 0, 0xff, 2, 0x101,
};
static const struct hsw_cmd_desc hsw_gfx_so_decl_list = {
	"3DSTATE_SO_DECL_LIST", HSW_CMD_GFX_STATE, RCS, 0, 0x1ff, 2, 0x201,
};
static const struct hsw_cmd_desc hsw_gfx_media = {
	"GFXPIPE media state", HSW_CMD_GFX_STATE, RCS, 0, 0xffff, 2, 0x10001,
};
static const struct hsw_cmd_desc hsw_gfx_gpgpu = {
	"GPGPU_OBJECT/GPGPU_WALKER", HSW_CMD_GFX_STATE, RCS, 0, 0xff, 2, 0x101,
};

/*
 * GFXPIPE on the video engines: MFX (VCS) and VEBOX (VECS) state and
 * objects carry graphics addresses whose layouts vgt does not audit yet:
 * refused unread, by name (lengths: DWord Length 11:0 as MFX has it).
 */
static const struct hsw_cmd_desc hsw_mfx_vebox = {
	"MFX/VEBOX command (MFX/VEBOX: not audited)", HSW_CMD_DENIED,
	HSW_ENGINE_BIT(HSW_VCS) | HSW_ENGINE_BIT(HSW_VECS), 0, 0xfff, 2,
	0x1001,
};

static const struct hsw_cmd_desc *hsw_gfx_lookup(u32 dw0)
{
	u32 subtype = (dw0 >> 27) & 3, opcode = (dw0 >> 24) & 7;
	u32 subop = (dw0 >> 16) & 0xff;

	switch (subtype) {
	case 1:
		return &hsw_gfx_single;
	case 2:
		if (opcode == 1 && (subop == 4 || subop == 5))
			return &hsw_gfx_gpgpu;
		return &hsw_gfx_media;
	case 3:
		if (opcode == 2 && subop == 0)
			return &hsw_pipe_control;
		if (opcode == 1 && subop == 0x17)
			return &hsw_gfx_so_decl_list;
		return &hsw_gfx_state;
	}
	return &hsw_gfx_state;		/* subtype 0: common state */
}

const struct hsw_cmd_desc *hsw_cmd_desc_of(u32 dw0, u32 engine)
{
	const struct hsw_cmd_desc *d = NULL;

	switch (dw0 >> 29) {
	case 0:
		d = &hsw_mi_cmds[(dw0 >> 23) & 0x3f];
		break;
	case 2:
		d = &hsw_blt_cmds[(dw0 >> 22) & 0x7f];
		break;
	case 3:
		if (engine == HSW_VCS || engine == HSW_VECS)
			d = &hsw_mfx_vebox;
		else
			d = hsw_gfx_lookup(dw0);
		break;
	}
	return d && d->name ? d : NULL;
}

enum hsw_cmd_error hsw_cmd_decode(u32 dw0, u32 engine, struct hsw_cmd *cmd)
{
	const struct hsw_cmd_desc *d = hsw_cmd_desc_of(dw0, engine);

	cmd->desc = d;
	cmd->dw0 = dw0;
	cmd->len = 0;
	if (!d)
		return HSW_CMD_E_UNKNOWN;
	if (engine >= HSW_NUM_ENGINES || !(d->engines & HSW_ENGINE_BIT(engine)))
		return HSW_CMD_E_ENGINE;
	cmd->len = hsw_cmd_desc_len(d, dw0);
	if (!hsw_cmd_desc_len_ok(d, cmd->len))
		return HSW_CMD_E_LENGTH;
	return HSW_CMD_OK;
}

enum hsw_cmd_error hsw_cs_batch_start(const struct hsw_cs_stream *cur,
				      u32 dw0, struct hsw_cs_stream *next,
				      bool *call, const char **why)
{
	bool second = dw0 & MI_BATCH_SECOND_LEVEL;

	next->ppgtt = dw0 & MI_BATCH_PPGTT_HSW;
	next->privileged = cur->privileged && !next->ppgtt &&
			   !(dw0 & MI_BATCH_NON_SECURE_HSW);
	if (cur->ppgtt && !next->ppgtt) {
		*why = "a PPGTT batch may only start PPGTT batches";
		return HSW_CMD_E_BATCH;
	}
	if (cur->level == 0) {
		if (second) {
			*why = "second-level batch started from the ring";
			return HSW_CMD_E_BATCH;
		}
		next->level = 1;
		*call = true;
		return HSW_CMD_OK;
	}
	if (second) {
		if (cur->level != 1) {
			*why = "second-level batch started from a second-level batch";
			return HSW_CMD_E_BATCH;
		}
		next->level = 2;
		*call = true;
		return HSW_CMD_OK;
	}
	next->level = cur->level;
	*call = false;
	return HSW_CMD_OK;
}

enum hsw_cmd_error hsw_cs_batch_end(const struct hsw_cs_stream *cur,
				    const char **why)
{
	if (cur->level == 0) {
		*why = "MI_BATCH_BUFFER_END in the ring";
		return HSW_CMD_E_BATCH;
	}
	return HSW_CMD_OK;
}

/* Post-sync operations of MI_FLUSH_DW (DW0) and PIPE_CONTROL (DW1). */
#define POST_SYNC_IMM		1
#define POST_SYNC_DEPTH		2
#define POST_SYNC_TIMESTAMP	3
#define MI_USE_GGTT		(1u << 22)	/* SDI, SRM, LRM, COND_BB_END */
#define MI_FLUSH_DW_STORE_INDEX	(1u << 21)
#define MI_FLUSH_DW_USE_GTT	(1u << 2)	/* DW1 */
#define PIPE_CONTROL_STORE_DATA_INDEX	(1u << 21)
#define PIPE_CONTROL_GLOBAL_GTT_IVB	(1u << 24)
#define MI_REPORT_PERF_GGTT	(1u << 0)	/* DW1 */

/* The operand whose address is dw[at] & mask. */
static int hsw_operand(struct hsw_cmd_operand *op, const char *what,
		       u8 space, const u32 *dw, u8 at, u32 mask, u32 len,
		       bool write, u8 source, u8 data)
{
	op->what = what;
	op->space = space;
	op->addr = dw[at] & mask;
	op->addr_dw = at;
	op->addr_mask = mask;
	op->len = len;
	op->write = write;
	op->source = source;
	op->data = data;
	op->unbounded = false;
	op->bound_dw = 0;
	op->bound_mask = 0;
	return 1;
}

/* A post-sync write of MI_FLUSH_DW or PIPE_CONTROL, its address at dw[at]. */
static int hsw_post_sync(struct hsw_cmd_operand *op, const char *what,
			 const u32 *dw, u32 flags, u8 at, u32 len, bool ggtt,
			 bool store_index, u8 data)
{
	u32 psop = HSW_POST_SYNC(flags);
	u32 bytes = 8;
	u8 source = HSW_SRC_IMM;

	if (psop == POST_SYNC_IMM)
		bytes = (len - data) * 4 > 8 ? 8 : (len - data) * 4;
	else if (psop == POST_SYNC_TIMESTAMP)
		source = HSW_SRC_TIMESTAMP;
	else
		source = HSW_SRC_DEPTH_COUNT;
	if (store_index)
		return hsw_operand(op, what, HSW_SPACE_HWSP, dw, at,
				   HSW_HWSP_SIZE - 8, bytes, true, source,
				   data);
	return hsw_operand(op, what, ggtt ? HSW_SPACE_GGTT : HSW_SPACE_PPGTT,
			   dw, at, bytes == 8 ? ~7u : ~3u, bytes, true,
			   source, data);
}

static int hsw_cmd_operands_of(const struct hsw_cmd *cmd, const u32 *dw,
			       struct hsw_cmd_operand *op, const char **why)
{
	const char *name = cmd->desc->name;
	u32 len = cmd->len;
	u8 bit22 = (dw[0] & MI_USE_GGTT) ? HSW_SPACE_GGTT : HSW_SPACE_PPGTT;

	switch (cmd->desc->kind) {
	case HSW_CMD_STORE_DATA_IMM:	/* DW1 reserved, DW2 address */
		return hsw_operand(op, name, bit22, dw, 2, ~3u, (len - 3) * 4,
				   true, HSW_SRC_IMM, 3);
	case HSW_CMD_STORE_DATA_INDEX:	/* DW1 offset in the status page */
		return hsw_operand(op, name, HSW_SPACE_HWSP, dw, 1, 0xffc,
				   (len - 2) * 4, true, HSW_SRC_IMM, 2);
	case HSW_CMD_STORE_REGISTER_MEM:
		return hsw_operand(op, name, bit22, dw, 2, ~3u, 4, true,
				   HSW_SRC_REG, 1);
	case HSW_CMD_LOAD_REGISTER_MEM:
		return hsw_operand(op, name, bit22, dw, 2, ~3u, 4, false,
				   HSW_SRC_NONE, 0);
	case HSW_CMD_COND_BB_END:	/* DW1 compare data, DW2 address */
		return hsw_operand(op, name, bit22, dw, 2, ~7u, 8, false,
				   HSW_SRC_NONE, 0);
	case HSW_CMD_REPORT_PERF_COUNT:	/* DW1 address, 64-byte report */
		return hsw_operand(op, name, (dw[1] & MI_REPORT_PERF_GGTT) ?
				   HSW_SPACE_GGTT : HSW_SPACE_PPGTT, dw, 1,
				   ~0x3fu, 64, true, HSW_SRC_NONE, 0);
	case HSW_CMD_SET_CONTEXT:	/* DW1 the 17-page context image */
		return hsw_operand(op, "MI_SET_CONTEXT image", HSW_SPACE_GGTT,
				   dw, 1, ~0xfffu, HSW_CXT_SIZE, true,
				   HSW_SRC_NONE, 0);
	case HSW_CMD_DISPLAY_FLIP:	/* DW2 the new surface */
		return hsw_operand(op, "MI_DISPLAY_FLIP surface",
				   HSW_SPACE_GGTT, dw, 2, ~0xfffu, 4096, false,
				   HSW_SRC_NONE, 0);
	case HSW_CMD_FLUSH_DW:		/* DW1 address, DW2.. data */
		if (hsw_cmd_no_operand(cmd->desc->kind, dw))
			return 0;
		if (HSW_POST_SYNC(dw[0]) == POST_SYNC_DEPTH) {
			*why = "MI_FLUSH_DW with the reserved post-sync operation 2";
			return -HSW_CMD_E_FIELD;
		}
		return hsw_post_sync(op, "MI_FLUSH_DW post-sync write", dw,
				     dw[0], 1, len, dw[1] & MI_FLUSH_DW_USE_GTT,
				     dw[0] & MI_FLUSH_DW_STORE_INDEX, 2);
	case HSW_CMD_PIPE_CONTROL:	/* DW1 flags, DW2 address, DW3.. */
		if (hsw_cmd_no_operand(cmd->desc->kind, dw))
			return 0;
		return hsw_post_sync(op, "PIPE_CONTROL post-sync write", dw,
				     dw[1], 2, len,
				     dw[1] & PIPE_CONTROL_GLOBAL_GTT_IVB,
				     dw[1] & PIPE_CONTROL_STORE_DATA_INDEX, 3);
	}
	return 0;
}

int hsw_cmd_operands(const struct hsw_cmd *cmd, const u32 *dw,
		     const struct hsw_cs_stream *st,
		     struct hsw_cmd_operand *op, const char **why)
{
	int n = hsw_cmd_operands_of(cmd, dw, op, why);

	if (n > 0 && op->space != HSW_SPACE_PPGTT && !st->privileged) {
		*why = op->space == HSW_SPACE_HWSP ?
		       "a status-page write in a non-privileged batch" :
		       "a GGTT operand in a non-privileged batch";
		return -HSW_CMD_E_PRIVILEGE;
	}
	if (n > 0 && op->space == HSW_SPACE_HWSP &&
	    op->addr + op->len > HSW_HWSP_SIZE) {
		*why = "beyond the status page";
		return -HSW_CMD_E_RANGE;
	}
	return n;
}

/* ---- 3D and media state with graphics addresses ----------------------- */

#define A4K		0xfffff000u
#define MODIFY		(1u << 0)	/* STATE_BASE_ADDRESS modify enables */

/* A STATE_BASE_ADDRESS base at DW @b with its upper bound at DW @ub. */
#define SBA_BASE(n, b, ub) {						\
	.name = n, .dw = b, .mask = A4K, .extent = HSW_EXT_BOUND,	\
	.end_dw = ub, .end_mask = A4K, .end_enable = MODIFY,		\
	.write = true, .state_base = true,				\
	.skip = { { b, MODIFY, 0 } },					\
}

static const struct hsw_addr_field hsw_sba_fields[] = {
	SBA_BASE("General State Base Address", 1, 6),
	{
		/* no upper bound on Haswell */
		.name = "Surface State Base Address", .dw = 2, .mask = A4K,
		.extent = HSW_EXT_UNBOUNDED, .write = true,
		.state_base = true, .skip = { { 2, MODIFY, 0 } },
	},
	SBA_BASE("Dynamic State Base Address", 3, 7),
	SBA_BASE("Indirect Object Base Address", 4, 8),
	SBA_BASE("Instruction Base Address", 5, 9),
};

/* VERTEX_BUFFER_STATE: DW0 flags, DW1 start, DW2 end (inclusive). */
#define VB_NULL			(1u << 13)
#define VB_ADDRESS_MODIFY	(1u << 14)
static const struct hsw_addr_field hsw_vb_fields[] = {
	{
		.name = "Buffer Starting Address", .dw = 1, .mask = ~0u,
		.extent = HSW_EXT_END_INCL, .end_dw = 2, .end_mask = ~0u,
		.skip = { { 0, VB_NULL, VB_NULL },
			  { 0, VB_ADDRESS_MODIFY, 0 } },
	},
};

static const struct hsw_addr_field hsw_ib_fields[] = {
	{
		.name = "Buffer Starting Address", .dw = 1, .mask = ~0u,
		.extent = HSW_EXT_END_INCL, .end_dw = 2, .end_mask = ~0u,
	},
};

static const struct hsw_addr_field hsw_so_buffer_fields[] = {
	{
		.name = "Surface Base Address", .dw = 2, .mask = ~3u,
		.extent = HSW_EXT_END_EXCL, .end_dw = 3, .end_mask = ~3u,
		.write = true,
	},
};

/*
 * 3DSTATE_CONSTANT_BODY: read lengths (256-bit units) in DW1 15:0, 31:16
 * and DW2 15:0, 31:16; buffers 0-3 in DW3-DW6 31:5.  A length of 0: the
 * buffer is not read.
 */
#define CONST_BUF(n, i) {						\
	.name = n, .dw = 3 + (i), .mask = ~0x1fu,			\
	.extent = HSW_EXT_CONST_READ, .end_dw = 1 + (i) / 2,		\
	.end_mask = 0xffffu << (16 * ((i) % 2)),			\
	.end_shift = 16 * ((i) % 2),					\
	.skip = { { 1 + (i) / 2, 0xffffu << (16 * ((i) % 2)), 0 } },	\
}
static const struct hsw_addr_field hsw_constant_fields[] = {
	CONST_BUF("Constant Buffer 0", 0),
	CONST_BUF("Constant Buffer 1", 1),
	CONST_BUF("Constant Buffer 2", 2),
	CONST_BUF("Constant Buffer 3", 3),
};

/* Depth: surface type NULL (DW1 31:29 = 7) reads nothing. */
static const struct hsw_addr_field hsw_depth_fields[] = {
	{
		.name = "Surface Base Address", .dw = 2, .mask = ~0u,
		.extent = HSW_EXT_UNBOUNDED, .write = true,
		.skip = { { 1, 0xe0000000u, 0xe0000000u } },
	},
};

static const struct hsw_addr_field hsw_stencil_fields[] = {
	{
		.name = "Surface Base Address", .dw = 2, .mask = ~0u,
		.extent = HSW_EXT_UNBOUNDED, .write = true,
		.skip = { { 1, 1u << 31, 0 } },	/* Stencil Buffer Enable */
	},
};

static const struct hsw_addr_field hsw_hiz_fields[] = {
	{
		.name = "Surface Base Address", .dw = 2, .mask = ~0u,
		.extent = HSW_EXT_UNBOUNDED, .write = true,
	},
};

/* The resource streamer's pools: DW1 base 31:12, enable 11; DW2 bound. */
static const struct hsw_addr_field hsw_pool_fields[] = {
	{
		.name = "Pool Base Address", .dw = 1, .mask = A4K,
		.extent = HSW_EXT_BOUND, .end_dw = 2, .end_mask = A4K,
		.write = true, .skip = { { 1, 1u << 11, 0 } },
	},
};

static const struct hsw_addr_field hsw_base_page_fields[] = {
	{
		.name = "Base Address", .dw = 1, .mask = A4K,
		.extent = HSW_EXT_UNBOUNDED, .write = true,
	},
};

/* STATE_PREFETCH: DW1 31:6 the pointer, 2:0 cachelines - 1 (at most 8). */
static const struct hsw_addr_field hsw_prefetch_fields[] = {
	{
		.name = "Prefetch Pointer", .dw = 1, .mask = ~0x3fu,
		.extent = HSW_EXT_FIXED, .size = 8 * 64,
	},
};

#define C3D(op, n, l, f) \
	{ n, op, l, 0, 0, ARRAY_SIZE(f), f }

/* DW0 31:16 (type 3, subtype, opcode, sub-opcode), in gen75.xml's terms. */
static const struct hsw_cmd_3d hsw_cmds_3d[] = {
	C3D(0x6003, "STATE_PREFETCH", 2, hsw_prefetch_fields),
	C3D(0x6101, "STATE_BASE_ADDRESS", 10, hsw_sba_fields),
	C3D(0x6103, "SWTESS_BASE_ADDRESS", 2, hsw_base_page_fields),
	C3D(0x6104, "GPGPU_CSR_BASE_ADDRESS", 2, hsw_base_page_fields),
	C3D(0x7805, "3DSTATE_DEPTH_BUFFER", 7, hsw_depth_fields),
	C3D(0x7806, "3DSTATE_STENCIL_BUFFER", 3, hsw_stencil_fields),
	C3D(0x7807, "3DSTATE_HIER_DEPTH_BUFFER", 3, hsw_hiz_fields),
	{ "3DSTATE_VERTEX_BUFFERS", 0x7808, 0, 1, 4,
	  ARRAY_SIZE(hsw_vb_fields), hsw_vb_fields },
	C3D(0x780a, "3DSTATE_INDEX_BUFFER", 3, hsw_ib_fields),
	C3D(0x7815, "3DSTATE_CONSTANT_VS", 7, hsw_constant_fields),
	C3D(0x7816, "3DSTATE_CONSTANT_GS", 7, hsw_constant_fields),
	C3D(0x7817, "3DSTATE_CONSTANT_PS", 7, hsw_constant_fields),
	C3D(0x7819, "3DSTATE_CONSTANT_HS", 7, hsw_constant_fields),
	C3D(0x781a, "3DSTATE_CONSTANT_DS", 7, hsw_constant_fields),
	C3D(0x7918, "3DSTATE_SO_BUFFER", 4, hsw_so_buffer_fields),
	C3D(0x7919, "3DSTATE_BINDING_TABLE_POOL_ALLOC", 3, hsw_pool_fields),
	C3D(0x791a, "3DSTATE_GATHER_POOL_ALLOC", 3, hsw_pool_fields),
};

const struct hsw_cmd_3d *hsw_cmd_3d_lookup(u32 dw0)
{
	u32 op = dw0 >> 16, lo = 0, hi = ARRAY_SIZE(hsw_cmds_3d), mid;

	if ((dw0 >> 29) != 3)
		return NULL;
	/* hsw_cmds_3d is sorted by opcode (test-vgt-cmd checks it) */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (hsw_cmds_3d[mid].opcode == op)
			return &hsw_cmds_3d[mid];
		if (hsw_cmds_3d[mid].opcode < op)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct hsw_cmd_3d *hsw_cmd_3d_table(u32 *n)
{
	*n = ARRAY_SIZE(hsw_cmds_3d);
	return hsw_cmds_3d;
}

static bool hsw_field_skipped(const struct hsw_addr_field *f, const u32 *e)
{
	u32 i;

	for (i = 0; i < ARRAY_SIZE(f->skip); i++)
		if (f->skip[i].mask &&
		    (e[f->skip[i].dw] & f->skip[i].mask) == f->skip[i].value)
			return true;
	return false;
}

/*
 * The extent of field @f of element @e at @addr: bytes (up to 2^32), or
 * false when nothing in the command bounds it.  *bound_dw: the dword of
 * the end address or upper bound, relative to the element (0: none).
 */
static bool hsw_field_extent(const struct hsw_addr_field *f, const u32 *e,
			     u64 addr, u64 *len, u8 *bound_dw)
{
	u64 end;

	*bound_dw = 0;
	switch (f->extent) {
	case HSW_EXT_FIXED:
		*len = f->size;
		return true;
	case HSW_EXT_END_INCL:
		/* an end below the start: the hardware fetches nothing */
		end = (u64)(e[f->end_dw] & f->end_mask) + 1;
		*len = end > addr ? end - addr : 0;
		*bound_dw = f->end_dw;
		return true;
	case HSW_EXT_END_EXCL:
		end = e[f->end_dw] & f->end_mask;
		*len = end > addr ? end - addr : 0;
		*bound_dw = f->end_dw;
		return true;
	case HSW_EXT_BOUND:
		if (f->end_enable && !(e[f->end_dw] & f->end_enable))
			return false;	/* the bound of an earlier command */
		end = e[f->end_dw] & f->end_mask;
		if (!end)
			return false;	/* 0 disables the bound check */
		*bound_dw = f->end_dw;
		*len = end > addr ? end - addr : 0;
		return true;
	case HSW_EXT_CONST_READ:
		*len = (u64)((e[f->end_dw] & f->end_mask) >> f->end_shift) * 32;
		return true;
	}
	return false;
}

/*
 * Field @f of element @e of the command at @dw, in stream @st: 1 with @op
 * filled, 0 when the command does not use it, or the negated error with
 * @why (the policy of hsw_cmd_3d_operand).
 */
static int hsw_field_operand(const struct hsw_addr_field *f, const u32 *e,
			     const u32 *dw, const struct hsw_cs_stream *st,
			     struct hsw_cmd_operand *op, const char **why)
{
	u64 addr, len;
	u8 bound_dw;
	bool known;

	op->what = f->name;
	if (hsw_field_skipped(f, e)) {
		/* a new bound for a base set earlier: unknown base */
		if (f->state_base && f->extent == HSW_EXT_BOUND &&
		    (e[f->end_dw] & f->end_enable) && !st->ppgtt) {
			*why = "an upper bound without its base in the GGTT";
			return -HSW_CMD_E_RANGE;
		}
		return 0;
	}
	addr = e[f->dw] & f->mask;
	known = hsw_field_extent(f, e, addr, &len, &bound_dw);
	op->addr = addr;
	op->space = st->ppgtt ? HSW_SPACE_PPGTT : HSW_SPACE_GGTT;
	op->source = HSW_SRC_NONE;
	op->data = 0;
	op->write = f->write;
	op->addr_dw = (u8)(e - dw) + f->dw;
	op->addr_mask = f->mask;
	op->unbounded = !known;
	op->bound_dw = bound_dw ? (u8)(e - dw) + bound_dw : 0;
	op->bound_mask = bound_dw ? f->end_mask : 0;
	if (st->ppgtt) {
		if (addr >= HSW_PPGTT_SIZE) {
			*why = "an address beyond the PPGTT's 2 GiB";
			return -HSW_CMD_E_RANGE;
		}
		/* a bound past the PPGTT bounds nothing more */
		if (!known)
			len = 4096;
		if ((!known || f->extent == HSW_EXT_BOUND) &&
		    len > HSW_PPGTT_SIZE - addr)
			len = HSW_PPGTT_SIZE - addr;
		if (len > HSW_PPGTT_SIZE - addr) {
			*why = "an extent beyond the PPGTT's 2 GiB";
			return -HSW_CMD_E_RANGE;
		}
	} else if (!known) {
		if (!f->state_base) {
			*why = "an extent nothing bounds, in the GGTT";
			return -HSW_CMD_E_RANGE;
		}
		if (!st->privileged) {
			*why = "an unbounded base in a non-privileged GGTT batch";
			return -HSW_CMD_E_RANGE;
		}
		len = 4096;	/* the page at the base: see hsw-cmd.h */
	} else if (len > 0xffffffffull) {
		*why = "an extent of 4 GiB";
		return -HSW_CMD_E_RANGE;
	}
	op->len = (u32)len;
	return 1;
}

int hsw_cmd_3d_operand(const struct hsw_cmd_3d *c3, const struct hsw_cmd *cmd,
		       const u32 *dw, const struct hsw_cs_stream *st, u32 *pos,
		       struct hsw_cmd_operand *op, const char **why)
{
	u32 nelem = 1, elem, field, first = 0, rest;
	const u32 *e;
	int r;

	if (c3->elem_len) {
		/* whole elements, counted: a few, cheaper than a division */
		nelem = 0;
		rest = cmd->len > c3->elem_dw ? cmd->len - c3->elem_dw : 0;
		for (; rest >= c3->elem_len; rest -= c3->elem_len)
			nelem++;
		if (!nelem || rest) {
			*why = "a length that is not whole elements";
			return -HSW_CMD_E_LENGTH;
		}
		first = c3->elem_dw;
	} else if (cmd->len != c3->len) {
		*why = "a length other than the command's";
		return -HSW_CMD_E_LENGTH;
	}
	/* the cursor: the element in bits 31:8, its next field in 7:0 */
	for (elem = *pos >> 8, field = *pos & 0xff; elem < nelem;
	     elem++, field = 0) {
		e = dw + first + elem * c3->elem_len;
		for (; field < c3->nfields; field++) {
			r = hsw_field_operand(&c3->fields[field], e, dw, st, op,
					      why);
			if (r > 0)
				*pos = elem << 8 | (field + 1);
			if (r)
				return r;
		}
	}
	return 0;
}

/* ---- the blitter ------------------------------------------------------ */

static const u32 hsw_blt_cpp[4] = { 1, 2, 2, 4 };	/* BR13 25:24 */

/* A surface whose base is the whole dword at dw[at] (0: see hsw-cmd.h). */
static int hsw_blt_surface_init(struct hsw_blt_surface *s, u32 base, u8 at,
				u32 br13, bool tiled, bool ppgtt,
				const char **why)
{
	u32 pitch = br13 & 0xffff;

	s->base = base;
	s->addr_dw = at;
	s->addr_mask = XY_BASE_MASK;
	s->tiled = tiled;
	s->ppgtt = ppgtt;
	s->cpp = hsw_blt_cpp[(br13 >> 24) & 3];
	s->pitch = tiled ? pitch * 4 : pitch;
	if (!s->pitch) {
		*why = "a surface pitch of 0";
		return -HSW_CMD_E_FIELD;
	}
	if (tiled && ((s->pitch % 512) || (base & 0xfff))) {
		*why = "an X-tiled surface that is not whole tiles (pitch a multiple of 512 bytes, base 4 KiB aligned)";
		return -HSW_CMD_E_FIELD;
	}
	return 0;
}

u64 hsw_blt_addr(const struct hsw_blt_surface *s, u32 y, u32 xb, u32 *run)
{
	u64 a;

	if (!s->tiled) {
		a = s->base + (u64)y * s->pitch + xb;
		*run = 4096 - (u32)(a & 4095);
		return a;
	}
	a = s->base + (u64)(y / 8) * s->pitch * 8 + (u64)(xb / 512) * 4096 +
	    (y % 8) * 512 + (xb % 512);
	*run = 512 - (xb % 512);
	return a;
}

void hsw_blt_span(const struct hsw_blt_surface *s, u32 x1, u32 y1, u32 x2,
		  u32 y2, u64 *first, u64 *len)
{
	u32 run;
	u64 last;

	*first = hsw_blt_addr(s, y1, x1 * s->cpp, &run);
	last = hsw_blt_addr(s, y2 - 1, x2 * s->cpp - 1, &run);
	*len = last + 1 - *first;
}

/* A rectangle from its top-left and bottom-right (exclusive) dwords. */
static void hsw_blt_rect(struct hsw_blt *blt, u32 br13, u32 tl, u32 br)
{
	blt->br13 = br13;
	blt->x1 = tl & 0xffff;
	blt->y1 = tl >> 16;
	blt->x2 = br & 0xffff;
	blt->y2 = br >> 16;
}

int hsw_blt_decode(const struct hsw_cmd *cmd, const u32 *dw,
		   const struct hsw_cs_stream *st, struct hsw_blt_setup *setup,
		   struct hsw_blt *blt, const char **why)
{
	u32 w, h, stride;
	int r;

	memset(blt, 0, sizeof(*blt));
	blt->dw0 = dw[0];
	switch (cmd->desc->kind) {
	case HSW_CMD_XY_SETUP_BLT:
		/* DW1 BR13, DW2/3 clip, DW4 destination, DW5/6 colours */
		r = hsw_blt_surface_init(&blt->dst, dw[XY_SETUP_BLT_DST_DW],
					 XY_SETUP_BLT_DST_DW, dw[1],
					 dw[0] & XY_DST_TILED, st->ppgtt, why);
		if (r)
			return r;
		setup->valid = true;
		setup->tiled = dw[0] & XY_DST_TILED;
		setup->br13 = dw[1];
		setup->clip_tl = dw[2];
		setup->clip_br = dw[3];
		setup->dst = dw[XY_SETUP_BLT_DST_DW];
		setup->bg = dw[5];
		setup->fg = dw[6];
		return 0;
	case HSW_CMD_XY_COLOR_BLT:
		/* DW1 BR13, DW2/3 rectangle, DW4 base, DW5 colour */
		hsw_blt_rect(blt, dw[1], dw[2], dw[3]);
		blt->color = dw[5];
		return hsw_blt_surface_init(&blt->dst, dw[4], 4, dw[1],
					    dw[0] & XY_DST_TILED, st->ppgtt,
					    why);
	case HSW_CMD_XY_SRC_COPY_BLT:
		/* ... DW5 source top-left, DW6 source pitch, DW7 source */
		hsw_blt_rect(blt, dw[1], dw[2], dw[3]);
		blt->sx = dw[5] & 0xffff;
		blt->sy = dw[5] >> 16;
		blt->has_src = true;

		r = hsw_blt_surface_init(&blt->dst, dw[4], 4, dw[1],
					 dw[0] & XY_DST_TILED, st->ppgtt, why);
		if (r)
			return r;
		/* the source has the destination's depth and its own pitch */
		return hsw_blt_surface_init(&blt->src, dw[7], 7,
					    (dw[1] & 0xffff0000u) |
					    (dw[6] & 0xffff),
					    dw[0] & XY_SRC_TILED, st->ppgtt,
					    why);
	case HSW_CMD_XY_TEXT_IMMEDIATE_BLT:
		/* DW1/2 rectangle, DW3.. the monochrome source */
		if (!setup->valid) {
			*why = "XY_TEXT_IMMEDIATE_BLT without an XY_SETUP_BLT before it in the workload";
			return -HSW_CMD_E_FIELD;
		}
		hsw_blt_rect(blt, setup->br13, dw[1], dw[2]);
		r = hsw_blt_surface_init(&blt->dst, setup->dst, 0, setup->br13,
					 setup->tiled, st->ppgtt, why);
		if (r || blt->x2 <= blt->x1 || blt->y2 <= blt->y1)
			return r;
		w = blt->x2 - blt->x1;
		h = blt->y2 - blt->y1;
		stride = (dw[0] & XY_TEXT_BYTE_PACKED) ? ((w + 7) / 8) * 8 : w;
		if ((u64)stride * h > (u64)(cmd->len - 3) * 32) {
			*why = "XY_TEXT_IMMEDIATE_BLT with less immediate data than its rectangle needs";
			return -HSW_CMD_E_LENGTH;
		}
		return 0;
	}
	return 0;	/* XY_SETUP_CLIP_BLT: no operand */
}

static u32 hsw_blt_pitch_field(const struct hsw_blt_surface *s)
{
	return s->tiled ? s->pitch / 4 : s->pitch;
}

int hsw_blt_audit(const struct hsw_blt *blt, const char **why)
{
	/*
	 * The pitch is a signed 16-bit field (Mesa flips blits with negative
	 * pitches and keeps positive ones below 32768): a "negative" one
	 * walks down from the base, where hsw_blt_span does not reach.
	 */
	if ((hsw_blt_pitch_field(&blt->dst) & 0x8000) ||
	    (blt->has_src && (hsw_blt_pitch_field(&blt->src) & 0x8000))) {
		*why = "a negative surface pitch (the pitch field is signed)";
		return -HSW_CMD_E_FIELD;
	}
	/*
	 * The source corner moves with 16-bit coordinates: a source
	 * rectangle past 65535 would wrap to column or row 0, outside the
	 * span audited.
	 */
	if (blt->has_src && blt->x2 > blt->x1 && blt->y2 > blt->y1 &&
	    (blt->sx + (blt->x2 - blt->x1) > 0x10000 ||
	     blt->sy + (blt->y2 - blt->y1) > 0x10000)) {
		*why = "a source rectangle beyond coordinate 65535";
		return -HSW_CMD_E_FIELD;
	}
	return 0;
}

bool hsw_reg_gm_field(u32 engine, u32 offset, u32 *mask, u64 *span)
{
	u32 base;

	if (engine >= HSW_NUM_ENGINES)
		return false;
	base = hsw_engines[engine].mmio_base;
	if (offset == hsw_engines[engine].hws_pga) {
		*mask = HSW_HWS_PGA_ADDR_MASK;
		*span = HSW_HWSP_SIZE;
	} else if (offset == RING_PP_DIR_BASE(base)) {
		*mask = HSW_PP_DIR_BASE_ADDR_MASK;
		*span = HSW_PPGTT_PD_GM_SIZE;
	} else if (engine == HSW_RCS && offset == CCID) {
		*mask = HSW_CCID_ADDR_MASK;
		*span = HSW_CXT_SIZE;
	} else {
		return false;
	}
	return true;
}

const char *hsw_cmd_error_name(enum hsw_cmd_error err)
{
	static const char *const names[] = {
		[HSW_CMD_OK] = "ok",
		[HSW_CMD_E_UNKNOWN] = "unknown command",
		[HSW_CMD_E_ENGINE] = "not a command of this engine",
		[HSW_CMD_E_LENGTH] = "invalid length",
		[HSW_CMD_E_FIELD] = "invalid field",
		[HSW_CMD_E_PRIVILEGE] = "privileged operand",
		[HSW_CMD_E_BATCH] = "batch start or end not allowed here",
		[HSW_CMD_E_RANGE] = "operand out of range",
	};

	if ((unsigned int)err < ARRAY_SIZE(names) && names[err])
		return names[err];
	return "?";
}
