// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vgt-kcheck-main.c - module shell for the kbuild compile check: proves the
 * helper core and the software Haswell build as kernel code.  Never loaded.
 */
#include <linux/module.h>
#include "core/vgt-core.h"
#include "swhsw/swhsw.h"

static int __init vgt_kcheck_init(void)
{
	struct vgt_swhsw *sw = vgt_swhsw_create();
	struct vgt_host *host;
	struct vgt_gpu gpu;
	int err;

	if (!sw)
		return -ENOMEM;
	vgt_swhsw_get_gpu(sw, &gpu);
	host = vgt_host_create(&gpu, &err);
	vgt_host_destroy(host);
	vgt_swhsw_destroy(sw);
	return host ? 0 : -EINVAL;
}

static void __exit vgt_kcheck_exit(void)
{
}

module_init(vgt_kcheck_init);
module_exit(vgt_kcheck_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vgt helper core compile check (not for loading)");
