// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Links against libvgt-helper.a, whose only global symbols are the API of
 * include/hw/vgt-host-ops.h, as a program reaching the helper does, and
 * drives the embedded ops table end to end.
 */
#include <glib.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include "hw/vgt.h"
#include "hw/vgt-host-ops.h"

static const struct vgt_host_ops *ops = &vgt_host_embedded_ops;

static int lines;
static void count_lines(int level, const char *msg)
{
    lines++;
}

static void test_embedded_roundtrip(void)
{
    struct vgt_create_req req = {
        VGT_DEFAULT_MAPPABLE_SIZE, VGT_DEFAULT_NONMAPPABLE_SIZE,
        VGT_DEFAULT_FENCE_NUM, 0,
    };
    struct vgt_instance_info info, info2;
    struct vgt_mem_region r = { .gpa = 1 << 20, .size = 1 << 20, .fd = -1 };
    struct vgt_gtt_entry e;
    struct vgt_conn *c, *c2;
    struct vgt_event ev;
    struct vgt_stats st;
    char buf[8];
    guint8 *ram = g_aligned_alloc0(1, 1 << 20, 4096);

    g_assert_cmpuint(ops->abi_version, ==, VGT_ABI_VERSION);
    g_assert_cmpstr(ops->name, ==, "embedded");
    g_assert_cmpint(ops->connect(NULL, &c), ==, 0);
    g_assert_cmpint(ops->info(c, &info), ==, -VGT_E_NOINST);
    g_assert_cmpint(ops->create(c, &req, &info), ==, 0);
    g_assert_cmpuint(info.mappable_size, ==, VGT_DEFAULT_MAPPABLE_SIZE);
    g_assert_cmpuint(info.aperture_size, ==, VGT_APERTURE_SIZE);
    g_assert_cmpuint(info.gm_size, ==, VGT_GM_SIZE);
    /* A second VM in the same process shares the GPU, not the ranges. */
    g_assert_cmpint(ops->connect(NULL, &c2), ==, 0);
    g_assert_cmpint(ops->create(c2, &req, &info2), ==, 0);
    g_assert_cmpuint(info2.mappable_base, !=, info.mappable_base);

    r.hva = (guintptr)ram;
    g_assert_cmpint(ops->mem_register(c, &r), ==, 0);
    memcpy(ram + 5 * 4096, "page5", 5);
    e = (struct vgt_gtt_entry){ info.mappable_base >> 12, VGT_PTE_VALID,
                    (1 << 8) + 5 };
    g_assert_cmpint(ops->gtt_write(c, &e, 1, NULL), ==, 0);
    g_assert_cmpint(ops->gm_read(c, info.mappable_base, buf, 5), ==, 0);
    g_assert_cmpmem(buf, 5, "page5", 5);
    /* The other VM cannot map this VM's frames or GM. */
    g_assert_cmpint(ops->gtt_write(c2, &e, 1, NULL), ==, -VGT_E_GM_RANGE);
    e.index = info2.mappable_base >> 12;
    g_assert_cmpint(ops->gtt_write(c2, &e, 1, NULL), ==, -VGT_E_GFN);
    g_assert_cmpint(ops->stats(c2, &st), ==, 0);
    g_assert_cmpuint(st.refused[VGT_E_GFN], ==, 1);

    /* Events arrive on the eventfd. */
    {
        struct pollfd p = { .fd = ops->event_fd(c), .events = POLLIN };

        g_assert_cmpint(ops->reset(c), ==, 0);
        g_assert_cmpint(poll(&p, 1, 1000), ==, 1);
        g_assert_cmpint(ops->events_read(c, &ev, 1), ==, 1);
        g_assert_cmpuint(ev.type, ==, VGT_EVENT_RESET);
        g_assert_cmpint(poll(&p, 1, 0), ==, 0);
    }
    g_assert_cmpint(ops->destroy(c), ==, 0);
    g_assert_cmpint(ops->destroy(c), ==, -VGT_E_NOINST);
    ops->disconnect(c);
    ops->disconnect(c2);
    g_aligned_free(ram);
    g_assert_cmpint(lines, >, 0);       /* the refusals reached our sink */
}

/*
 * Command submission through the library alone: the scheduler thread runs
 * the workload, the completion and the user interrupt come on the eventfd.
 */
static void test_embedded_submit(void)
{
    struct vgt_create_req req = { 16 << 20, 0, 0, 0 };
    struct vgt_mem_region r = { .gpa = 0, .size = 1 << 20, .fd = -1 };
    struct vgt_instance_info info;
    struct vgt_shadow_info sh, sh2;
    struct vgt_sched_stats ss;
    struct vgt_gtt_entry e[VGT_GTT_WRITE_MAX];
    struct vgt_workload wl = { 0 };
    struct vgt_conn *c;
    guint8 *ram = g_aligned_alloc0(1, 1 << 20, 4096);
    guint32 *dw, seq;
    int got_irq = 0, got_complete = 0;

    g_assert_cmpint(ops->connect(NULL, &c), ==, 0);
    g_assert_cmpint(ops->shadow_map(c, &sh), ==, -VGT_E_NOINST);
    g_assert_cmpint(ops->create(c, &req, &info), ==, 0);
    r.hva = (guintptr)ram;
    g_assert_cmpint(ops->mem_register(c, &r), ==, 0);
    for (guint32 i = 0; i < VGT_GTT_WRITE_MAX; i++) {
        e[i] = (struct vgt_gtt_entry){ (info.mappable_base >> 12) + i,
                           VGT_PTE_VALID, i % 256 };   /* 1 MiB of RAM */
    }
    g_assert_cmpint(ops->gtt_write(c, e, VGT_GTT_WRITE_MAX, NULL), ==, 0);
    g_assert_cmpint(ops->shadow_map(c, &sh), ==, 0);
    g_assert_cmpint(ops->shadow_map(c, &sh2), ==, 0);
    g_assert_cmpuint(sh.gm_addr, ==, sh2.gm_addr);
    g_assert_cmpuint(sh.hva, ==, sh2.hva);
    g_assert_cmpuint(sh.size, ==, VGT_SHADOW_SIZE);
    g_assert_cmpuint(sh.gm_addr, <, info.mappable_base);

    dw = (guint32 *)(guintptr)sh.hva;
    dw[0] = 0x10800001;         /* MI_STORE_DATA_INDEX 0x100 */
    dw[1] = 0x100;
    dw[2] = 0xc0ffee;
    dw[3] = 0x01000000;         /* MI_USER_INTERRUPT */
    wl.id = 42;
    wl.start = sh.gm_addr;
    wl.length = 16;
    wl.engine = VGT_ENGINE_RCS;
    wl.nr_regs = 1;
    wl.regs[0] = (struct vgt_reg_write){ 0x4080, info.mappable_base };
    g_assert_cmpint(ops->set_weight(c, 0), ==, -VGT_E_INVAL);
    g_assert_cmpint(ops->set_weight(c, 8), ==, 0);
    g_assert_cmpint(ops->submit(c, &wl), ==, 0);
    while (!got_complete) {
        struct pollfd p = { .fd = ops->event_fd(c), .events = POLLIN };
        struct vgt_event ev[8];
        int n;

        g_assert_cmpint(poll(&p, 1, 5000), ==, 1);
        n = ops->events_read(c, ev, 8);
        for (int i = 0; i < n; i++) {
            if (ev[i].type == VGT_EVENT_USER_IRQ) {
                g_assert_false(got_complete);
                got_irq++;
            } else {
                g_assert_cmpuint(ev[i].type, ==,
                         VGT_EVENT_COMPLETE);
                g_assert_cmpuint(ev[i].data, ==, 42);
                got_complete++;
            }
        }
    }
    g_assert_cmpint(got_irq, ==, 1);
    memcpy(&seq, ram + 0x100, 4);
    g_assert_cmphex(seq, ==, 0xc0ffee);
    g_assert_cmpint(ops->sched_stats(c, &ss), ==, 0);
    g_assert_cmpuint(ss.weight, ==, 8);
    g_assert_cmpuint(ss.submitted, ==, 1);
    g_assert_cmpuint(ss.completed, ==, 1);
    g_assert_cmpuint(ss.faults, ==, 0);
    /* The helper refuses what QEMU should never send. */
    wl.regs[0].offset = 0x44004;        /* DEIMR */
    g_assert_cmpint(ops->submit(c, &wl), ==, -VGT_E_REG);
    wl.nr_regs = 0;
    wl.start = info.mappable_base + info.mappable_size;
    g_assert_cmpint(ops->submit(c, &wl), ==, -VGT_E_GM_RANGE);
    g_assert_cmpint(ops->destroy(c), ==, 0);
    g_assert_cmpint(ops->submit(c, &wl), ==, -VGT_E_NOINST);
    ops->disconnect(c);
    g_aligned_free(ram);
}

static void test_socket_without_daemon(void)
{
    struct vgt_conn *c;

    g_assert_cmpint(vgt_host_socket_ops.connect("/nonexistent/vgt.sock",
                            &c), ==, -VGT_E_IO);
    g_assert_null(c);
    g_assert_cmpstr(vgt_strerror(-VGT_E_GM_RANGE), ==,
            "outside the instance's GM");
}

/* The kernel transport is in the library too; here there is no vgt.ko. */
static void test_kernel_without_device(void)
{
    struct vgt_conn *c;

    g_assert_cmpstr(vgt_host_kernel_ops.name, ==, "kernel");
    errno = 0;
    g_assert_cmpint(vgt_host_kernel_ops.connect("/nonexistent/vgt", &c), ==,
                    -VGT_E_IO);
    g_assert_cmpint(errno, ==, ENOENT);
    g_assert_null(c);
    /* a character device that is not vgt's: ENOTTY */
    g_assert_cmpint(vgt_host_kernel_ops.connect("/dev/null", &c), ==,
                    -VGT_E_VERSION);
    g_assert_null(c);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    vgt_set_log_sink(count_lines);
    g_test_add_func("/helper-lib/embedded-roundtrip",
            test_embedded_roundtrip);
    g_test_add_func("/helper-lib/embedded-submit", test_embedded_submit);
    g_test_add_func("/helper-lib/socket-without-daemon",
            test_socket_without_daemon);
    g_test_add_func("/helper-lib/kernel-without-device",
                    test_kernel_without_device);
    return g_test_run();
}
