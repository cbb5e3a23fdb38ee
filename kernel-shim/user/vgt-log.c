// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vgt-log.c - userspace log sink of the helper core (the kernel build uses
 * printk through vgt-compat.h and does not compile this file).
 */
#include <stdarg.h>
#include <stdio.h>
#include "core/vgt-compat.h"
#include "hw/vgt-host-ops.h"

int vgt_log_level = VGT_LOG_WARN;
static void (*vgt_log_sink)(int level, const char *msg);

void vgt_set_log_sink(void (*sink)(int level, const char *msg))
{
	vgt_log_sink = sink;
}

void vgt_log(int level, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (!vgt_log_sink && level > vgt_log_level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (vgt_log_sink)
		vgt_log_sink(level, msg);
	else
		fprintf(stderr, "vgt: %s\n", msg);
}
