/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hsw-pvinfo.h - PVINFO, the MMIO page through which a guest's i915 learns
 * it runs on a vGPU and which part of the GPU is its own (struct vgt_if of
 * Linux i915_pvinfo.h).  Names are i915_pvinfo.h's; the fields are given
 * as byte offsets in the page (VGTIF_*, i915's vgtif_offset() of them), so
 * that no C struct layout has to match the guest's.
 */
#ifndef HSW_PVINFO_H
#define HSW_PVINFO_H

#define VGT_PVINFO_PAGE			0x78000u
#define VGT_PVINFO_SIZE			0x1000u

#define VGT_MAGIC			0x4776544776544776ull	/* "vGTvGTvG" */
#define VGT_VERSION_MAJOR		1u
#define VGT_VERSION_MINOR		0u

/* Notifications from the guest, written to g2v_notify (enum vgt_g2v_type). */
#define VGT_G2V_PPGTT_L3_PAGE_TABLE_CREATE	2u
#define VGT_G2V_PPGTT_L3_PAGE_TABLE_DESTROY	3u
#define VGT_G2V_PPGTT_L4_PAGE_TABLE_CREATE	4u
#define VGT_G2V_PPGTT_L4_PAGE_TABLE_DESTROY	5u
#define VGT_G2V_EXECLIST_CONTEXT_CREATE		6u
#define VGT_G2V_EXECLIST_CONTEXT_DESTROY	7u

/* vgt_caps */
#define VGT_CAPS_FULL_PPGTT		(1u << 2)
#define VGT_CAPS_HWSP_EMULATION		(1u << 3)
#define VGT_CAPS_HUGE_GTT		(1u << 4)

/* The host's half of the page: what the guest reads. */
#define VGTIF_MAGIC			0x000u	/* u64 */
#define VGTIF_VERSION_MAJOR		0x008u	/* u16 */
#define VGTIF_VERSION_MINOR		0x00au	/* u16 */
#define VGTIF_VGT_ID			0x00cu
#define VGTIF_VGT_CAPS			0x010u
/* avail_rs: the guest's graphics memory and fences, in host addresses */
#define VGTIF_MAPPABLE_BASE		0x040u
#define VGTIF_MAPPABLE_SIZE		0x044u
#define VGTIF_NONMAPPABLE_BASE		0x048u
#define VGTIF_NONMAPPABLE_SIZE		0x04cu
#define VGTIF_FENCE_NUM			0x050u

/* The guest's half: what it writes. */
#define VGTIF_DISPLAY_READY		0x804u
#define VGTIF_G2V_NOTIFY		0x818u
#define VGTIF_CURSOR_X_HOT		0x830u
#define VGTIF_CURSOR_Y_HOT		0x834u
#define VGTIF_PDP(i)			(0x838u + (i) * 8)	/* lo, hi */
#define  VGTIF_PDP_COUNT		4u
#define VGTIF_EXECLIST_CTX_DESC_LO	0x858u
#define VGTIF_EXECLIST_CTX_DESC_HI	0x85cu

#endif /* HSW_PVINFO_H */
