// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Links against libvgt-helper.a exactly as QEMU will (only include/hw/vgt.h,
 * only the exported ABI) and drives the embedded ops table end to end.
 */
#include <glib.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include "hw/vgt.h"

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
	g_assert_cmpint(lines, >, 0);	/* the refusals reached our sink */
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

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	vgt_set_log_sink(count_lines);
	g_test_add_func("/helper-lib/embedded-roundtrip",
			test_embedded_roundtrip);
	g_test_add_func("/helper-lib/socket-without-daemon",
			test_socket_without_daemon);
	return g_test_run();
}
