/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hsw-types.h - the only environment the Haswell facts assume: fixed-width
 * types, from the kernel or from <stdint.h>.  The facts are shared by the
 * QEMU device, the helper (vgt-hostd, embedded in QEMU) and kernel code.
 */
#ifndef HSW_TYPES_H
#define HSW_TYPES_H

#ifdef __KERNEL__
#include <linux/kernel.h>
#include <linux/types.h>
#include <linux/string.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
/* Identical redefinitions are valid C11 (vgt-compat.h has the same). */
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif
#endif

#endif /* HSW_TYPES_H */
