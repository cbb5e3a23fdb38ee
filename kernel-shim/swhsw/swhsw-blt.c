// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * swhsw-blt.c - the software Haswell's blitter (BCS, command client 2).
 *
 * XY_COLOR_BLT, XY_SRC_COPY_BLT, XY_SETUP_BLT and XY_TEXT_IMMEDIATE_BLT on
 * linear and X-tiled surfaces, 8/16/32 bpp, any ternary ROP, the 32 bpp
 * alpha/RGB write enables (DW0 bits 21/20).  Field layout (gen4+ "XY"
 * commands): BR13 = DW1: bits 25:24 colour depth, 23:16 ROP, 15:0 pitch
 * (bytes; DWords for a tiled surface); rectangles as y << 16 | x with the
 * bottom-right corner exclusive.  X tiles are 512 bytes x 8 rows (4 KiB),
 * row-major, no bit-6 swizzle (the model reports none).  Text: a
 * monochrome source in the command, MSB first in each byte, bit-packed or
 * (DW0 bit 16) byte-packed per row; 1 = foreground, 0 = background or,
 * with BR13 bit 29 (transparency), untouched; clipped to the XY_SETUP_BLT
 * clip rectangle.  XY_SETUP_BLT state lasts for the workload.
 * Overlapping source and destination are copied chunk by chunk (front to
 * back), as a plain forward blit would.
 *
 * One XY_COLOR_BLT or XY_SRC_COPY_BLT may cover 65535 rows of up to
 * 256 KiB: it runs in bands of rows (SWHSW_BLT_BAND bytes), and between
 * two bands the engine may be preempted (swhsw_preempt_due): the decoded
 * blit and the next row are kept (r->blt) and the rows go on from there
 * when the workload resumes, front to back as if never stopped.  Text
 * blits are bounded by their command's length and are not cut.
 */
#include "swhsw-priv.h"
#include "hw/vgt-helper-abi.h"

/*
 * Field decoding (and its checks) is hsw_blt_decode's, shared with the
 * device's command scanner: what is drawn is what was audited.
 */

static inline u8 rop3(u8 rop, u8 p, u8 s, u8 d)
{
	u8 out = 0;
	u32 i;

	switch (rop) {
	case 0xf0: return p;
	case 0xcc: return s;
	case 0xaa: return d;
	case 0x00: return 0;
	case 0xff: return 0xff;
	case 0x5a: return p ^ d;
	case 0x66: return s ^ d;
	case 0x88: return s & d;
	case 0xee: return s | d;
	}
	for (i = 0; i < 8; i++)
		if (rop & (1u << i))
			out |= ((i & 4) ? p : (u8)~p) & ((i & 2) ? s : (u8)~s) &
			       ((i & 1) ? d : (u8)~d);
	return out;
}

/* Byte-enable mask of one pixel (32 bpp alpha/RGB write enables). */
static u32 pixel_mask(u32 dw0, u32 cpp)
{
	if (cpp != 4)
		return 0xffffffffu;
	return ((dw0 & XY_WRITE_RGB) ? 0x00ffffffu : 0) |
	       ((dw0 & XY_WRITE_ALPHA) ? 0xff000000u : 0);
}

/*
 * The rectangle loop shared by COLOR and SRC_COPY: dst (and src) row runs,
 * at most SWHSW_BLT_CHUNK bytes at a time, each inside one page, from row
 * r->blt_row on; between bands of rows it may stop (r->preempted).
 */
static int blt_rect(struct swhsw_run *r)
{
	const struct hsw_blt *b = &r->blt;
	const struct hsw_blt_surface *dst = &b->dst;
	const struct hsw_blt_surface *src =
		r->blt_kind == HSW_CMD_XY_SRC_COPY_BLT ? &b->src : NULL;
	u32 dx = b->x1, dy = b->y1, sx = b->sx, sy = b->sy;
	u32 w = b->x2 - b->x1, h = b->y2 - b->y1, color = b->color;
	u32 cpp = dst->cpp, mask = pixel_mask(b->dw0, cpp);
	u8 rop = (u8)(b->br13 >> 16), pat[4], msk[4];
	bool full = mask == 0xffffffffu;
	u32 y, i, band = 0;

	memcpy(pat, &color, 4);
	memcpy(msk, &mask, 4);
	for (y = r->blt_row; y < h; y++) {
		u32 done = 0, bytes = w * cpp;

		while (done < bytes) {
			u32 drun, srun = ~0u, n = bytes - done;
			u64 da = hsw_blt_addr(dst, dy + y, dx * cpp + done, &drun);
			u64 sa = 0;
			u8 *d, *s = NULL;

			if (src)
				sa = hsw_blt_addr(src, sy + y, sx * cpp + done,
						  &srun);
			if (n > drun)
				n = drun;
			if (n > srun)
				n = srun;
			if (n > SWHSW_BLT_CHUNK)
				n = SWHSW_BLT_CHUNK;
			if (src) {
				s = swhsw_xlate(r, src->ppgtt, sa, n, false);
				if (!s)
					return -1;
				memcpy(r->sw->eng[r->engine].blt_src, s, n);
				s = r->sw->eng[r->engine].blt_src;
			}
			d = swhsw_xlate(r, dst->ppgtt, da, n, true);
			if (!d)
				return -1;
			if (full && rop == 0xcc && s)
				memcpy(d, s, n);
			else if (full && rop == 0xf0 && cpp == 4 &&
				 !((dx * cpp + done) & 3))
				for (i = 0; i + 4 <= n; i += 4)
					memcpy(d + i, &color, 4);
			else
				for (i = 0; i < n; i++) {
					u32 k = (dx * cpp + done + i) % cpp;

					if (msk[k])
						d[i] = rop3(rop, pat[k],
							    s ? s[i] : 0, d[i]);
				}
			done += n;
			r->x->bytes += n;
			if (r->x->bytes > r->x->max_bytes)
				return 0;	/* the caller reports a hang */
		}
		band += bytes;
		if (band >= SWHSW_BLT_BAND && y + 1 < h) {
			band = 0;
			if (swhsw_preempt_due(r)) {
				r->blt_row = y + 1;
				r->blt_pending = true;
				r->preempted = true;
				return 0;
			}
		}
	}
	return 0;
}

/* XY_TEXT_IMMEDIATE_BLT: a monochrome source, clipped to the setup. */
static int blt_text(struct swhsw_run *r, const struct hsw_blt *b,
		    const u32 *c)
{
	const u8 *bits = (const u8 *)&c[3];
	const struct hsw_blt_setup *setup = &r->blt_setup;
	u32 cx1 = setup->clip_tl & 0xffff, cy1 = setup->clip_tl >> 16;
	u32 cx2 = setup->clip_br & 0xffff, cy2 = setup->clip_br >> 16;
	u32 br13 = b->br13, cpp = b->dst.cpp;
	u32 mask = pixel_mask(c[0], cpp), w, h, stride, x, y, k;
	u8 rop = (u8)(br13 >> 16);

	w = b->x2 - b->x1;
	h = b->y2 - b->y1;
	stride = (c[0] & XY_TEXT_BYTE_PACKED) ? ((w + 7) / 8) * 8 : w;
	for (y = 0; y < h; y++) {
		for (x = 0; x < w; x++) {
			u32 bit = y * stride + x, run;
			bool on = bits[bit / 8] & (0x80 >> (bit % 8));
			u32 src = on ? setup->fg : setup->bg, px;
			u32 X = b->x1 + x, Y = b->y1 + y;
			u64 a;
			u8 *d;

			if (!on && (br13 & BR13_MONO_TRANSPARENT))
				continue;
			if (X < cx1 || X >= cx2 || Y < cy1 || Y >= cy2)
				continue;
			a = hsw_blt_addr(&b->dst, Y, X * cpp, &run);
			d = swhsw_xlate(r, b->dst.ppgtt, a, cpp, true);
			if (!d)
				return -1;
			px = 0;
			memcpy(&px, d, cpp);
			for (k = 0; k < cpp; k++) {
				u8 db = (u8)(px >> (8 * k));

				if ((mask >> (8 * k)) & 0xff)
					db = rop3(rop, 0, (u8)(src >> (8 * k)),
						  db);
				d[k] = db;
			}
			r->x->bytes += cpp;
		}
	}
	return 0;
}

int swhsw_blt_exec(struct swhsw_run *r, const struct hsw_cmd *cmd,
		   const u32 *c, const struct hsw_cs_stream *st)
{
	const char *why;
	struct hsw_blt b;

	if (hsw_blt_decode(cmd, c, st, &r->blt_setup, &b, &why))
		return -1;
	if (b.x2 <= b.x1 || b.y2 <= b.y1)
		return 0;	/* setup, clip, or an empty rectangle */
	switch (cmd->desc->kind) {
	case HSW_CMD_XY_COLOR_BLT:
	case HSW_CMD_XY_SRC_COPY_BLT:
		if (cmd->desc->kind == HSW_CMD_XY_COLOR_BLT) {
			b.sx = 0;
			b.sy = 0;
		} else {
			b.color = 0;
		}
		r->blt = b;
		r->blt_kind = cmd->desc->kind;
		r->blt_row = 0;
		return blt_rect(r);
	case HSW_CMD_XY_TEXT_IMMEDIATE_BLT:
		return blt_text(r, &b, c);
	}
	return 0;
}

/* A preempted rectangle blit goes on at the row where it stopped. */
int swhsw_blt_resume(struct swhsw_run *r)
{
	r->blt_pending = false;
	if ((r->blt_kind != HSW_CMD_XY_COLOR_BLT &&
	     r->blt_kind != HSW_CMD_XY_SRC_COPY_BLT) ||
	    r->blt.x2 <= r->blt.x1 || r->blt.y2 <= r->blt.y1 ||
	    r->blt_row >= r->blt.y2 - r->blt.y1)
		return -1;	/* not a state this file saved */
	return blt_rect(r);
}
