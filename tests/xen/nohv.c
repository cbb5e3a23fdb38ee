/*
 * nohv.c: just enough of libxenctrl and libxenstore for xl and libxl to
 * start and apply their defaults on a machine without Xen.
 *
 * Loaded with LD_PRELOAD in front of the patched libxl for the tests in
 * tests/xen/.  It answers only the calls libxl makes while opening a
 * context and while defaulting a domain configuration:
 *
 *   xc_interface_open/close, xs_open/close   handles (see below)
 *   xc_physinfo                              a fixed x86 host: 4 CPUs,
 *                                            16 GiB, HVM+HAP+IOMMU
 *   xc_sharing_freed_pages/used_frames       0
 *   xc_version                               Xen 4.17, empty strings
 *
 * The handles it returns point at an inaccessible page, so any other
 * libxenctrl or xenstore call that touches its handle crashes the test
 * instead of running on invented data: a test that passes never relied
 * on more of the hypervisor than listed above.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include <xenctrl.h>
#include <xenstore.h>

static void *guard;

static void *guard_page(void)
{
    if (!guard) {
        guard = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
                     -1, 0);
        if (guard == MAP_FAILED) {
            guard = NULL;
        }
    }
    return guard;
}

xc_interface *xc_interface_open(xentoollog_logger *logger,
                                xentoollog_logger *dombuild_logger,
                                unsigned open_flags)
{
    (void)logger; (void)dombuild_logger; (void)open_flags;
    return guard_page();
}

int xc_interface_close(xc_interface *xch)
{
    (void)xch;
    return 0;
}

struct xs_handle *xs_open(unsigned long flags)
{
    (void)flags;
    return guard_page();
}

void xs_close(struct xs_handle *xsh)
{
    (void)xsh;
}

int xc_physinfo(xc_interface *xch, xc_physinfo_t *info)
{
    (void)xch;
    memset(info, 0, sizeof(*info));
    info->threads_per_core = 1;
    info->cores_per_socket = 4;
    info->nr_cpus = 4;
    info->max_cpu_id = 3;
    info->nr_nodes = 1;
    info->max_node_id = 0;
    info->cpu_khz = 3000000;
    info->total_pages = (16ull << 30) >> 12;
    info->free_pages = (12ull << 30) >> 12;
    info->max_mfn = info->total_pages - 1;
    info->capabilities = XEN_SYSCTL_PHYSCAP_hvm | XEN_SYSCTL_PHYSCAP_pv |
                         XEN_SYSCTL_PHYSCAP_hap | XEN_SYSCTL_PHYSCAP_shadow |
                         XEN_SYSCTL_PHYSCAP_directio |
                         XEN_SYSCTL_PHYSCAP_gnttab_v1 |
                         XEN_SYSCTL_PHYSCAP_gnttab_v2;
    return 0;
}

long xc_sharing_freed_pages(xc_interface *xch)
{
    (void)xch;
    return 0;
}

long xc_sharing_used_frames(xc_interface *xch)
{
    (void)xch;
    return 0;
}

int xc_version(xc_interface *xch, int cmd, void *arg)
{
    (void)xch;
    switch (cmd) {
    case XENVER_version:
        return (4 << 16) | 17;
    case XENVER_extraversion:
        strcpy(arg, ".5-nohv");
        return 0;
    case XENVER_compile_info:
        memset(arg, 0, sizeof(xen_compile_info_t));
        return 0;
    case XENVER_capabilities:
        strcpy(arg, "hvm-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p");
        return 0;
    case XENVER_changeset:
        memset(arg, 0, sizeof(xen_changeset_info_t));
        return 0;
    case XENVER_platform_parameters:
        memset(arg, 0, sizeof(xen_platform_parameters_t));
        return 0;
    case XENVER_pagesize:
        return 4096;
    case XENVER_commandline:
        memset(arg, 0, sizeof(xen_commandline_t));
        return 0;
    case XENVER_build_id:
        return -ENODATA;
    default:
        return -ENOSYS;
    }
}
