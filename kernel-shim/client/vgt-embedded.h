/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vgt-embedded.h - extras of the embedded transport beyond the ops table.
 */
#ifndef VGT_EMBEDDED_H
#define VGT_EMBEDDED_H

#include "hw/vgt.h"

struct vgt_swhsw;
struct vgt_host;

/*
 * The in-process software Haswell and helper while any embedded connection
 * is open (NULL otherwise): for the engines of later issues and for tests.
 */
struct vgt_swhsw *vgt_embedded_swhsw(void);
struct vgt_host *vgt_embedded_host(void);

#endif /* VGT_EMBEDDED_H */
