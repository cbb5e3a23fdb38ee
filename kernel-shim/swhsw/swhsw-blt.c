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
 */
#include "swhsw-priv.h"
#include "hw/vgt.h"

#define BLT_OP(dw)		(((dw) >> 22) & 0x7f)
#define XY_SETUP_BLT_OP		0x01
#define XY_TEXT_IMM_OP		0x31
#define XY_COLOR_BLT_OP		0x50
#define XY_SRC_COPY_BLT_OP	0x53
#define XY_WRITE_ALPHA		(1u << 21)
#define XY_WRITE_RGB		(1u << 20)
#define XY_SRC_TILED		(1u << 15)
#define XY_DST_TILED		(1u << 11)
#define XY_TEXT_BYTE_PACKED	(1u << 16)
#define BR13_MONO_TRANSPARENT	(1u << 29)

struct surf {
	u64 base;
	u32 pitch;	/* bytes */
	bool tiled;
	bool ppgtt;
};

static u32 blt_cpp(u32 br13)
{
	static const u32 cpp[4] = { 1, 2, 2, 4 };

	return cpp[(br13 >> 24) & 3];
}

/* GM address of byte xb of row y and how many bytes follow contiguously. */
static u64 surf_addr(const struct surf *s, u32 y, u32 xb, u32 *run)
{
	u64 a;

	if (!s->tiled) {
		a = s->base + (u64)y * s->pitch + xb;
		*run = VGT_PAGE_SIZE - (u32)(a & (VGT_PAGE_SIZE - 1));
		return a;
	}
	a = s->base + (u64)(y / 8) * s->pitch * 8 + (u64)(xb / 512) * 4096 +
	    (y % 8) * 512 + (xb % 512);
	*run = 512 - (xb % 512);
	return a;
}

static int surf_init(struct swhsw_run *r, struct surf *s, u32 base,
		     u32 pitch, bool tiled, bool ppgtt)
{
	s->base = base;
	s->tiled = tiled;
	s->ppgtt = ppgtt;
	s->pitch = tiled ? pitch * 4 : pitch;
	if (!s->pitch || (tiled && ((s->pitch % 512) || (base & 0xfff))))
		return -1;
	return 0;
}

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
 * at most SWHSW_BLT_CHUNK bytes at a time, each inside one page.
 */
static int blt_rect(struct swhsw_run *r, u32 dw0, u32 br13,
		    const struct surf *dst, u32 dx, u32 dy,
		    const struct surf *src, u32 sx, u32 sy,
		    u32 w, u32 h, u32 color)
{
	u32 cpp = blt_cpp(br13), mask = pixel_mask(dw0, cpp);
	u8 rop = (u8)(br13 >> 16), pat[4], msk[4];
	bool full = mask == 0xffffffffu;
	u32 y, i;

	memcpy(pat, &color, 4);
	memcpy(msk, &mask, 4);
	for (y = 0; y < h; y++) {
		u32 done = 0, bytes = w * cpp;

		while (done < bytes) {
			u32 drun, srun = ~0u, n = bytes - done;
			u64 da = surf_addr(dst, dy + y, dx * cpp + done, &drun);
			u64 sa = 0;
			u8 *d, *s = NULL;

			if (src)
				sa = surf_addr(src, sy + y, sx * cpp + done,
					       &srun);
			if (n > drun)
				n = drun;
			if (n > srun)
				n = srun;
			if (n > SWHSW_BLT_CHUNK)
				n = SWHSW_BLT_CHUNK;
			if (src) {
				s = swhsw_xlate(r, src->ppgtt, sa, n);
				if (!s)
					return -1;
				memcpy(r->sw->blt_src, s, n);
				s = r->sw->blt_src;
			}
			d = swhsw_xlate(r, dst->ppgtt, da, n);
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
	}
	return 0;
}

static int blt_color(struct swhsw_run *r, const u32 *c, u32 len, bool ppgtt)
{
	struct surf dst;
	u32 x1 = c[2] & 0xffff, y1 = c[2] >> 16;
	u32 x2 = c[3] & 0xffff, y2 = c[3] >> 16;

	if (len < 6 || surf_init(r, &dst, c[4], c[1] & 0xffff,
				 c[0] & XY_DST_TILED, ppgtt))
		return -1;
	if (x2 <= x1 || y2 <= y1)
		return 0;
	return blt_rect(r, c[0], c[1], &dst, x1, y1, NULL, 0, 0, x2 - x1,
			y2 - y1, c[5]);
}

static int blt_copy(struct swhsw_run *r, const u32 *c, u32 len, bool ppgtt)
{
	struct surf dst, src;
	u32 x1 = c[2] & 0xffff, y1 = c[2] >> 16;
	u32 x2 = c[3] & 0xffff, y2 = c[3] >> 16;

	if (len < 8 ||
	    surf_init(r, &dst, c[4], c[1] & 0xffff, c[0] & XY_DST_TILED,
		      ppgtt) ||
	    surf_init(r, &src, c[7], c[6] & 0xffff, c[0] & XY_SRC_TILED,
		      ppgtt))
		return -1;
	if (x2 <= x1 || y2 <= y1)
		return 0;
	return blt_rect(r, c[0], c[1], &dst, x1, y1, &src, c[5] & 0xffff,
			c[5] >> 16, x2 - x1, y2 - y1, 0);
}

static int blt_setup(struct swhsw_run *r, const u32 *c, u32 len)
{
	if (len < 8)
		return -1;
	r->setup_valid = true;
	r->setup_tiled = c[0] & XY_DST_TILED;
	r->setup_br13 = c[1];
	r->setup_clip_tl = c[2];
	r->setup_clip_br = c[3];
	r->setup_dst = c[4];
	r->setup_bg = c[5];
	r->setup_fg = c[6];
	return 0;
}

static int blt_text(struct swhsw_run *r, const u32 *c, u32 len, bool ppgtt)
{
	const u8 *bits = (const u8 *)&c[3];
	u32 x1 = c[1] & 0xffff, y1 = c[1] >> 16;
	u32 x2 = c[2] & 0xffff, y2 = c[2] >> 16;
	u32 cx1 = r->setup_clip_tl & 0xffff, cy1 = r->setup_clip_tl >> 16;
	u32 cx2 = r->setup_clip_br & 0xffff, cy2 = r->setup_clip_br >> 16;
	u32 br13 = r->setup_br13, cpp = blt_cpp(br13);
	u32 mask = pixel_mask(c[0], cpp), w, h, stride, x, y, k;
	u8 rop = (u8)(br13 >> 16);
	struct surf dst;

	if (!r->setup_valid || len < 3 ||
	    surf_init(r, &dst, r->setup_dst, br13 & 0xffff, r->setup_tiled,
		      ppgtt))
		return -1;
	if (x2 <= x1 || y2 <= y1)
		return 0;
	w = x2 - x1;
	h = y2 - y1;
	stride = (c[0] & XY_TEXT_BYTE_PACKED) ? ((w + 7) / 8) * 8 : w;
	if ((u64)stride * h > (u64)(len - 3) * 32)
		return -1;	/* not enough immediate data */
	for (y = 0; y < h; y++) {
		for (x = 0; x < w; x++) {
			u32 bit = y * stride + x, run;
			bool on = bits[bit / 8] & (0x80 >> (bit % 8));
			u32 src = on ? r->setup_fg : r->setup_bg, px;
			u32 X = x1 + x, Y = y1 + y;
			u64 a;
			u8 *d;

			if (!on && (br13 & BR13_MONO_TRANSPARENT))
				continue;
			if (X < cx1 || X >= cx2 || Y < cy1 || Y >= cy2)
				continue;
			a = surf_addr(&dst, Y, X * cpp, &run);
			d = swhsw_xlate(r, ppgtt, a, cpp);
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

int swhsw_blt_exec(struct swhsw_run *r, const u32 *c, u32 len, bool ppgtt)
{
	switch (BLT_OP(c[0])) {
	case XY_COLOR_BLT_OP:
		return blt_color(r, c, len, ppgtt);
	case XY_SRC_COPY_BLT_OP:
		return blt_copy(r, c, len, ppgtt);
	case XY_SETUP_BLT_OP:
		return blt_setup(r, c, len);
	case XY_TEXT_IMM_OP:
		return blt_text(r, c, len, ppgtt);
	}
	return 0;	/* other 2D commands: accepted, not executed */
}
