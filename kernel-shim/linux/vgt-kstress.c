// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vgt-kstress.c - stress and abuse /dev/vgt (vgt.ko) from userspace.
 *
 *   vgt-kstress [--dev PATH] [--sysfs DIR] SUBCOMMAND
 *     open-storm N     open/close N times, with and without an instance,
 *                      also from 4 processes at once
 *     garbage          every ioctl number with short/huge sizes, bad and
 *                      truncated pointers, random contents; bad read/mmap
 *     kill-mid-submit  a child with memory, shadow and a long workload
 *                      loop is SIGKILLed; the counters return, the GPU
 *                      still runs work
 *     pin-limits       RLIMIT_MEMLOCK, alignment, overlap, NULL, holes,
 *                      read-only memory, beyond the address space
 *     exec-timeout     exec_timeout_ms=1 (root): long workloads may end as
 *                      HANG, each still completes, the engine runs on
 *     scale N          N instances at the device's default partition (64 +
 *                      448 MiB, 4 fences: more than GM holds, so they share
 *                      GM slots), each storing its own pattern into its own
 *                      memory on all four engines at once; every instance
 *                      sees its whole partition and only its own results
 *     unbind-while-open BDF   unbind the PCI GPU under an open file with an
 *                      instance, pinned memory, a mapped shadow and queued
 *                      work; ioctls/read/poll then fail; bind it again
 *
 * TAP on stdout; exit 0 only if every check passed.  The sysfs counters
 * are found in --sysfs, $VGT_SYSFS, /sys/bus/pci/drivers/vgt/<bdf>/vgt or
 * /sys/class/misc/vgt/vgt (soft_gpu=1).  libc and the ABI header only.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/capability.h>
#include "hw/vgt-helper-abi.h"
#include "hw/vgt.h"		/* the device's default partition */
#include "../hsw/hsw-regs.h"	/* MI_MODE of the render ring */

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static const char *dev_path = "/dev/vgt";
static const char *sysfs_dir;
static int tests, failures;

static void ok(int cond, const char *fmt, ...)
{
	va_list ap;

	tests++;
	if (!cond)
		failures++;
	printf("%s %d - ", cond ? "ok" : "not ok", tests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static void diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static long page_size(void)
{
	return sysconf(_SC_PAGESIZE);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- sysfs counters ---------------------------------------------------- */

static const char *find_sysfs(void)
{
	static char path[512];
	glob_t g;

	if (sysfs_dir)
		return sysfs_dir;
	if (getenv("VGT_SYSFS"))
		return sysfs_dir = getenv("VGT_SYSFS");
	if (!glob("/sys/bus/pci/drivers/vgt/0*/vgt", 0, NULL, &g)) {
		snprintf(path, sizeof(path), "%s", g.gl_pathv[0]);
		globfree(&g);
		return sysfs_dir = path;
	}
	if (!access("/sys/class/misc/vgt/vgt/instances", R_OK))
		return sysfs_dir = "/sys/class/misc/vgt/vgt";
	return NULL;
}

/* A counter's value, or -1. */
static long long counter(const char *name)
{
	const char *dir = find_sysfs();
	char path[600];
	long long v = -1;
	FILE *f;

	if (!dir)
		return -1;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%lld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/* Wait up to @ms for instances/pinned_pages to equal the baseline. */
static int counters_back(long long inst0, long long pin0, int ms)
{
	uint64_t end = now_ms() + ms;

	do {
		if (counter("instances") == inst0 &&
		    counter("pinned_pages") == pin0)
			return 1;
		usleep(20000);
	} while (now_ms() < end);
	return 0;
}

/* ---- helpers ------------------------------------------------------------ */

static int open_dev(void)
{
	return open(dev_path, O_RDWR | O_CLOEXEC);
}

static const struct vgt_create_req small_req = {
	.mappable_size = 4 << 20,
	.nonmappable_size = 4 << 20,
	.fence_num = 1,
};

static int create(int fd, struct vgt_instance_info *info)
{
	struct vgt_ioc_create c;
	int r;

	memset(&c, 0, sizeof(c));
	c.req = small_req;
	r = ioctl(fd, VGT_IOC_CREATE, &c);
	if (!r && info)
		*info = c.info;
	return r;
}

static int mem_register(int fd, uint64_t gpa, uint64_t size, void *hva)
{
	struct vgt_mem_region r = {
		.gpa = gpa, .size = size, .hva = (uintptr_t)hva, .fd = -1,
	};

	return ioctl(fd, VGT_IOC_MEM_REGISTER, &r);
}

static void *anon(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* Shadow area mapped, or NULL. */
static void *shadow(int fd, struct vgt_shadow_info *si)
{
	void *p;

	if (ioctl(fd, VGT_IOC_SHADOW_MAP, si))
		return NULL;
	p = mmap(NULL, VGT_SHADOW_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		 fd, 0);
	return p == MAP_FAILED ? NULL : p;
}

/* ---- open-storm ------------------------------------------------------------ */

static int storm(int n, int with_create, int *bad)
{
	int i, fd, r;

	for (i = 0; i < n; i++) {
		fd = open_dev();
		if (fd < 0) {
			(*bad)++;
			continue;
		}
		if (with_create) {
			r = create(fd, NULL);
			if (r)
				(*bad)++;
			if (with_create > 1 && !r) {
				struct vgt_shadow_info si;
				void *mem = anon(64 << 10);
				void *sh;

				if (!mem || mem_register(fd, 0, 64 << 10, mem))
					(*bad)++;
				sh = shadow(fd, &si);
				if (!sh)
					(*bad)++;
				else
					memset(sh, 0, 4096);
				/* close with everything still up */
				close(fd);
				if (sh)
					munmap(sh, VGT_SHADOW_SIZE);
				if (mem)
					munmap(mem, 64 << 10);
				continue;
			}
		}
		close(fd);
	}
	return n;
}

static void cmd_open_storm(int n)
{
	long long inst0 = counter("instances"), pin0 = counter("pinned_pages");
	int bad = 0, i, status, kids_ok = 1;
	uint64_t t0 = now_ms();

	diag("baseline: instances %lld, pinned_pages %lld (sysfs %s)", inst0,
	     pin0, find_sysfs() ? find_sysfs() : "not found");
	storm(n, 0, &bad);
	ok(!bad, "open/close %d times (%d failed)", n, bad);
	bad = 0;
	storm(n, 1, &bad);
	ok(!bad, "open, create, close %d times (%d failed)", n, bad);
	bad = 0;
	storm(n / 4 + 1, 2, &bad);
	ok(!bad, "open, create, register, shadow mmap, close %d times (%d failed)",
	   n / 4 + 1, bad);
	for (i = 0; i < 4; i++) {
		if (fork() == 0) {
			int b = 0;

			storm(n / 4 + 1, 1 + (i & 1), &b);
			_exit(b ? 1 : 0);
		}
	}
	for (i = 0; i < 4; i++) {
		if (wait(&status) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status))
			kids_ok = 0;
	}
	ok(kids_ok, "4 processes at once, %d rounds each", n / 4 + 1);
	ok(inst0 >= 0 && pin0 >= 0 && counters_back(inst0, pin0, 5000),
	   "counters back: instances %lld (was %lld), pinned_pages %lld (was %lld)",
	   counter("instances"), inst0, counter("pinned_pages"), pin0);
	diag("open-storm took %llu ms", (unsigned long long)(now_ms() - t0));
}

/* ---- garbage ---------------------------------------------------------------- */

static const unsigned long known[] = {
	VGT_IOC_VERSION, VGT_IOC_CREATE, VGT_IOC_DESTROY, VGT_IOC_RESET,
	VGT_IOC_INFO, VGT_IOC_MEM_REGISTER, VGT_IOC_MEM_UNREGISTER,
	VGT_IOC_GTT_WRITE, VGT_IOC_GTT_READ, VGT_IOC_FENCE_WRITE,
	VGT_IOC_GM_READ, VGT_IOC_STATS, VGT_IOC_SHADOW_MAP, VGT_IOC_SUBMIT,
	VGT_IOC_SET_WEIGHT, VGT_IOC_SCHED_STATS, VGT_IOC_ENGINE_REGS_GET,
	VGT_IOC_ENGINE_REGS_SET, VGT_IOC_DIRTY_LOG, VGT_IOC_DIRTY_READ,
	VGT_IOC_PPGTT_SYNC, VGT_IOC_NOTIFY_POLICY,
};
#define NKNOWN	ARRAY_SIZE(known)

static int is_known(unsigned long cmd)
{
	size_t i;

	for (i = 0; i < NKNOWN; i++)
		if (known[i] == cmd)
			return 1;
	return 0;
}

/* An acceptable answer: done, a VGT_E_* code, or one of the errnos. */
static int sane(long r, int err)
{
	if (r >= 0)
		return r < VGT_E_COUNT || r == VGT_ABI_VERSION;
	return err == EFAULT || err == EINVAL || err == ENOMEM ||
	       err == ENOTTY || err == EINTR || err == ENODEV;
}

static uint64_t rnd_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

static void cmd_garbage(void)
{
	static const unsigned int sizes[] = { 0, 1, 4, 7, 8, 16, 23, 24, 40,
					      64, 88, 96, 288, 289, 4096,
					      16383 };
	long ps = page_size();
	long long inst0 = counter("instances"), pin0 = counter("pinned_pages");
	unsigned char *buf, *edge;
	unsigned int nr, dir, s, k;
	int fd, r, e, unknown_ok = 1, noinst_ok = 1, efault_ok = 1;
	int trunc_ok = 1, rand_ok = 1, calls = 0;
	struct vgt_shadow_info si;
	struct vgt_event ev[2];
	void *mem, *sh, *p;

	fd = open_dev();
	ok(fd >= 0, "open %s", dev_path);
	if (fd < 0)
		return;
	/* A page of random bytes followed by an unmapped page. */
	buf = mmap(NULL, 2 * ps, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		ok(0, "mmap");
		return;
	}
	munmap(buf + ps, ps);
	for (k = 0; k < (unsigned int)ps; k++)
		buf[k] = (unsigned char)rnd();
	edge = buf + ps;

	ok(ioctl(fd, VGT_IOC_VERSION) == VGT_ABI_VERSION,
	   "VGT_IOC_VERSION is %d", VGT_ABI_VERSION);

	/* Every number, direction and size: unknown ones are ENOTTY. */
	for (nr = 0; nr < 0x20; nr++)
		for (dir = 0; dir < 4; dir++)
			for (s = 0; s < ARRAY_SIZE(sizes); s++) {
				unsigned long cmd = _IOC(dir, VGT_IOCTL_TYPE,
							 nr, sizes[s]);

				if (is_known(cmd))
					continue;
				errno = 0;
				r = ioctl(fd, cmd, buf);
				calls++;
				if (r != -1 || errno != ENOTTY)
					unknown_ok = 0;
			}
	ok(unknown_ok, "%d unknown numbers/sizes of type 0x%x: ENOTTY", calls,
	   VGT_IOCTL_TYPE);
	errno = 0;
	r = ioctl(fd, _IOR('T', 1, int), buf);
	e = errno;
	errno = 0;
	ok(r == -1 && e == ENOTTY &&
	   ioctl(fd, 0x5401 /* TCGETS */, buf) == -1 && errno == ENOTTY,
	   "foreign ioctl types: ENOTTY");

	/* No instance yet: the known ones say VGT_E_NOINST. */
	for (k = 0; k < NKNOWN; k++) {
		if (known[k] == VGT_IOC_VERSION || known[k] == VGT_IOC_CREATE)
			continue;
		memset(buf, 0, 512);
		r = ioctl(fd, known[k], buf);
		if (r != VGT_E_NOINST)
			noinst_ok = 0;
	}
	ok(noinst_ok, "before CREATE every instance ioctl is VGT_E_NOINST");

	/* Bad pointers and truncated structures: EFAULT, nothing created. */
	{
		void *bad_ptrs[] = { NULL, (void *)1, (void *)-4096L,
				     (void *)0xffffffff81000000ul, edge };

		for (r = 0; r < 5; r++) {
			errno = 0;
			if (ioctl(fd, VGT_IOC_CREATE, bad_ptrs[r]) != -1 ||
			    errno != EFAULT)
				efault_ok = 0;
		}
		ok(efault_ok, "CREATE with NULL, 1, -4096, kernel and unmapped pointers: EFAULT");
		errno = 0;
		r = ioctl(fd, VGT_IOC_CREATE,
			  edge - sizeof(struct vgt_ioc_create) + 8);
		ok(r == -1 && errno == EFAULT,
		   "CREATE with its structure cut by an unmapped page: EFAULT");
		ok(ioctl(fd, VGT_IOC_INFO, buf) == VGT_E_NOINST,
		   "still no instance after the bad CREATEs");
	}

	r = create(fd, NULL);
	ok(r == 0, "CREATE (%d)", r);
	ok(create(fd, NULL) == VGT_E_EXISTS, "second CREATE: VGT_E_EXISTS");
	mem = anon(1 << 20);
	ok(mem && mem_register(fd, 0, 1 << 20, mem) == 0, "register 1 MiB");
	sh = shadow(fd, &si);
	ok(sh != NULL, "shadow map + mmap");

	/* Every known ioctl with each structure cut short by the edge. */
	for (k = 0; k < NKNOWN; k++) {
		unsigned int size = _IOC_SIZE(known[k]);

		if (!size || known[k] == VGT_IOC_DESTROY)
			continue;
		errno = 0;
		r = ioctl(fd, known[k], edge - size + 4);
		if (r != -1 || errno != EFAULT) {
			diag("cmd 0x%lx truncated: %d errno %d", known[k], r,
			     errno);
			trunc_ok = 0;
		}
		errno = 0;
		r = ioctl(fd, known[k], NULL);
		if (r != -1 || errno != EFAULT) {
			diag("cmd 0x%lx NULL: %d errno %d", known[k], r, errno);
			trunc_ok = 0;
		}
	}
	ok(trunc_ok, "every ioctl with a structure cut by an unmapped page, and NULL: EFAULT");

	/* Wrappers: padding, inner pointers. */
	{
		struct vgt_ioc_fence_write fw = { .fence = 0, .pad = 1 };
		struct vgt_ioc_gm_read gr = { .gm_addr = 0, .buf = 0,
					      .len = 16, .pad = 7 };
		struct vgt_ioc_gtt_write gw = { .entries = 1, .n = 1 };
		struct vgt_ioc_gtt_write gw0 = { .entries = 0, .n = 0 };
		struct vgt_ioc_gtt_write gwb = { .entries = 0, .n = 100000 };

		errno = 0;
		ok(ioctl(fd, VGT_IOC_FENCE_WRITE, &fw) == -1 && errno == EINVAL,
		   "FENCE_WRITE with pad != 0: EINVAL");
		errno = 0;
		ok(ioctl(fd, VGT_IOC_GM_READ, &gr) == -1 && errno == EINVAL,
		   "GM_READ with pad != 0: EINVAL");
		errno = 0;
		ok(ioctl(fd, VGT_IOC_GTT_WRITE, &gw) == -1 && errno == EFAULT,
		   "GTT_WRITE with entries = 1: EFAULT");
		ok(ioctl(fd, VGT_IOC_GTT_WRITE, &gw0) == VGT_E_INVAL,
		   "GTT_WRITE with n = 0: VGT_E_INVAL");
		ok(ioctl(fd, VGT_IOC_GTT_WRITE, &gwb) == VGT_E_INVAL,
		   "GTT_WRITE with n = 100000: VGT_E_INVAL");
		gr.pad = 0;
		gr.len = 1u << 31;
		ok(ioctl(fd, VGT_IOC_GM_READ, &gr) == VGT_E_INVAL,
		   "GM_READ of 2 GiB: VGT_E_INVAL");
	}
	/* Migration: counts, engines, the bitmap pointer. */
	{
		struct vgt_engine_regs er = { .engine = VGT_ENGINE_COUNT };
		struct vgt_dirty_req dr = { .gpa = 0, .npages = 1,
					    .bitmap = (uintptr_t)edge };
		unsigned int on = 2;

		ok(ioctl(fd, VGT_IOC_ENGINE_REGS_GET, &er) == VGT_E_ENGINE,
		   "ENGINE_REGS_GET of no engine: VGT_E_ENGINE");
		er.engine = VGT_ENGINE_RCS;
		er.nr_regs = VGT_ENGINE_REGS_MAX + 1;
		ok(ioctl(fd, VGT_IOC_ENGINE_REGS_SET, &er) == VGT_E_INVAL,
		   "ENGINE_REGS_SET of %u registers: VGT_E_INVAL",
		   er.nr_regs);
		ok(ioctl(fd, VGT_IOC_DIRTY_LOG, &on) == VGT_E_INVAL,
		   "DIRTY_LOG 2: VGT_E_INVAL");
		ok(ioctl(fd, VGT_IOC_DIRTY_READ, &dr) == VGT_E_INVAL,
		   "DIRTY_READ while not logging: VGT_E_INVAL");
		on = 1;
		ok(ioctl(fd, VGT_IOC_DIRTY_LOG, &on) == 0, "DIRTY_LOG 1");
		errno = 0;
		ok(ioctl(fd, VGT_IOC_DIRTY_READ, &dr) == -1 && errno == EFAULT,
		   "DIRTY_READ into an unmapped bitmap: EFAULT");
		dr.npages = VGT_DIRTY_READ_MAX_PAGES + 1;
		ok(ioctl(fd, VGT_IOC_DIRTY_READ, &dr) == VGT_E_INVAL,
		   "DIRTY_READ of too many pages: VGT_E_INVAL");
		dr.npages = 1;
		dr.gpa = 1 << 20;
		ok(ioctl(fd, VGT_IOC_DIRTY_READ, &dr) == VGT_E_NOENT,
		   "DIRTY_READ outside registered memory: VGT_E_NOENT");
		on = 0;
		ok(ioctl(fd, VGT_IOC_DIRTY_LOG, &on) == 0, "DIRTY_LOG 0");
	}

	/* Random contents for every known ioctl. */
	for (k = 0; k < 3000; k++) {
		unsigned long cmd = known[rnd() % NKNOWN];
		unsigned int i;

		if (cmd == VGT_IOC_DESTROY || cmd == VGT_IOC_RESET)
			continue;
		for (i = 0; i < 512; i++)
			buf[i] = (unsigned char)rnd();
		/* sometimes plausible pointers inside */
		if (rnd() & 1)
			memcpy(buf + 8, &(uint64_t){ (uintptr_t)mem }, 8);
		if (rnd() & 1)
			memcpy(buf + 24, &(uint64_t){ (uintptr_t)buf }, 8);
		errno = 0;
		r = ioctl(fd, cmd, buf);
		if (!sane(r, errno)) {
			diag("cmd 0x%lx random: %d errno %d", cmd, r, errno);
			rand_ok = 0;
		}
	}
	ok(rand_ok, "3000 ioctls with random contents: refused or done, never anything else");
	ok(ioctl(fd, VGT_IOC_VERSION) == VGT_ABI_VERSION &&
	   ioctl(fd, VGT_IOC_INFO, buf) == 0, "the file still answers");

	/* read, poll, mmap */
	errno = 0;
	ok(read(fd, ev, sizeof(ev[0]) - 1) == -1 && errno == EINVAL,
	   "read() smaller than one event: EINVAL");
	ok(fcntl(fd, F_SETFL, O_NONBLOCK) == 0, "O_NONBLOCK");
	while (read(fd, ev, sizeof(ev)) > 0)
		;
	errno = 0;
	ok(read(fd, ev, sizeof(ev)) == -1 && errno == EAGAIN,
	   "read() of an empty queue, O_NONBLOCK: EAGAIN");
	ok(ioctl(fd, VGT_IOC_RESET) == 0, "RESET queues a RESET event");
	errno = 0;
	ok(syscall(SYS_read, fd, (void *)8, sizeof(ev)) == -1 &&
	   errno == EFAULT, "read() into an unmapped address: EFAULT");
	p = mmap(NULL, VGT_SHADOW_SIZE, PROT_READ, MAP_PRIVATE, fd, 0);
	ok(p == MAP_FAILED, "mmap MAP_PRIVATE refused");
	p = mmap(NULL, VGT_SHADOW_SIZE, PROT_READ, MAP_SHARED, fd, 4096);
	ok(p == MAP_FAILED, "mmap at offset 4096 refused");
	p = mmap(NULL, 2 * VGT_SHADOW_SIZE, PROT_READ, MAP_SHARED, fd, 0);
	ok(p == MAP_FAILED, "mmap of 2 MiB refused");
	{
		int fd2 = open_dev();

		p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd2, 0);
		ok(fd2 >= 0 && p == MAP_FAILED,
		   "mmap before SHADOW_MAP refused");
		close(fd2);
	}
	{
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		ok(poll(&pfd, 1, 0) >= 0, "poll");
	}
	ok(ioctl(fd, VGT_IOC_DESTROY) == 0, "DESTROY");
	ok(ioctl(fd, VGT_IOC_DESTROY) == VGT_E_NOINST,
	   "DESTROY again: VGT_E_NOINST");
	ok(create(fd, NULL) == 0 && ioctl(fd, VGT_IOC_SHADOW_MAP, &si) == 0,
	   "CREATE and SHADOW_MAP again on the same file");
	memset(sh, 0x5a, 4096);	/* the old mapping still holds the area */
	close(fd);
	munmap(sh, VGT_SHADOW_SIZE);
	munmap(mem, 1 << 20);
	munmap(buf, ps);
	ok(counters_back(inst0, pin0, 5000),
	   "counters back: instances %lld (was %lld), pinned_pages %lld (was %lld)",
	   counter("instances"), inst0, counter("pinned_pages"), pin0);
}

/* ---- kill-mid-submit --------------------------------------------------------- */

/* A workload of MI_NOOPs in the shadow area (qword aligned tail). */
static void noop_workload(struct vgt_workload *wl, uint64_t gm, uint32_t len,
			  uint64_t id)
{
	memset(wl, 0, sizeof(*wl));
	wl->id = id;
	wl->start = gm;
	wl->length = len;
	wl->engine = VGT_ENGINE_RCS;
}

static void child_submit_loop(int ready_fd)
{
	struct vgt_shadow_info si;
	struct vgt_workload wl;
	struct vgt_event ev[VGT_EVENT_READ_MAX];
	uint64_t id = 1;
	void *mem, *sh;
	int fd, r;
	char c = 1;

	fd = open_dev();
	if (fd < 0 || create(fd, NULL))
		_exit(2);
	mem = anon(8 << 20);
	if (!mem || mem_register(fd, 0, 8 << 20, mem))
		_exit(3);
	sh = shadow(fd, &si);
	if (!sh)
		_exit(4);
	memset(sh, 0, VGT_SHADOW_SIZE);		/* MI_NOOP */
	for (;;) {
		noop_workload(&wl, si.gm_addr, 512 << 10, id);
		r = ioctl(fd, VGT_IOC_SUBMIT, &wl);
		if (r == 0) {
			id++;
			if (id == 8 && write(ready_fd, &c, 1) != 1)
				_exit(5);
			continue;
		}
		if (r != VGT_E_QUEUE_FULL)
			_exit(6);
		if (read(fd, ev, sizeof(ev)) < 0)
			_exit(7);
	}
}

static void cmd_kill_mid_submit(void)
{
	long long inst0 = counter("instances"), pin0 = counter("pinned_pages");
	long long wl0 = counter("workloads");
	int pfd[2], status, fd, r, done = 0;
	struct vgt_shadow_info si;
	struct vgt_workload wl;
	struct vgt_event ev;
	pid_t pid;
	char c;
	void *sh;

	diag("baseline: instances %lld, pinned_pages %lld, workloads %lld (sysfs %s)",
	     inst0, pin0, wl0, find_sysfs() ? find_sysfs() : "not found");
	ok(inst0 >= 0 && pin0 >= 0, "sysfs counters found");
	if (pipe(pfd)) {
		ok(0, "pipe");
		return;
	}
	pid = fork();
	if (pid == 0) {
		close(pfd[0]);
		child_submit_loop(pfd[1]);
	}
	close(pfd[1]);
	r = read(pfd[0], &c, 1);
	ok(r == 1, "child up: instance, 8 MiB pinned, shadow, submitting");
	if (r == 1) {
		ok(counter("instances") > inst0 && counter("pinned_pages") > pin0,
		   "counters count the child: instances %lld, pinned_pages %lld",
		   counter("instances"), counter("pinned_pages"));
		usleep(100000);
	}
	kill(pid, SIGKILL);
	ok(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) &&
	   WTERMSIG(status) == SIGKILL, "child SIGKILLed mid-submission");
	close(pfd[0]);
	diag("workloads run meanwhile: %lld", counter("workloads") - wl0);
	ok(counters_back(inst0, pin0, 10000),
	   "counters back: instances %lld (was %lld), pinned_pages %lld (was %lld)",
	   counter("instances"), inst0, counter("pinned_pages"), pin0);

	/* The GPU still works: a short workload completes. */
	fd = open_dev();
	sh = NULL;
	if (fd >= 0 && !create(fd, NULL))
		sh = shadow(fd, &si);
	ok(sh != NULL, "a new instance with its shadow area");
	if (sh) {
		uint64_t end = now_ms() + 10000;
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long long irqs0 = counter("irqs");
		int user_irq = 0;

		/* MI_USER_INTERRUPT, then MI_NOOPs to a qword-aligned end. */
		memset(sh, 0, 4096);
		((uint32_t *)sh)[0] = 0x02u << 23;
		noop_workload(&wl, si.gm_addr, 4096, 42);
		r = ioctl(fd, VGT_IOC_SUBMIT, &wl);
		ok(r == 0, "submit MI_USER_INTERRUPT + MI_NOOPs (%d)", r);
		while (!done && now_ms() < end) {
			if (poll(&p, 1, 500) <= 0)
				continue;
			while (!done &&
			       read(fd, &ev, sizeof(ev)) == sizeof(ev)) {
				if (ev.type == VGT_EVENT_USER_IRQ &&
				    ev.unit == VGT_ENGINE_RCS)
					user_irq = 1;
				done = ev.type == VGT_EVENT_COMPLETE &&
				       ev.data == 42;
			}
		}
		ok(done, "its COMPLETE event arrives");
		ok(user_irq, "its USER_IRQ event came before");
		diag("hard IRQs: %lld -> %lld, irq_latency_ns (avg max count): %s",
		     irqs0, counter("irqs"), "see sysfs");
		munmap(sh, VGT_SHADOW_SIZE);
	}
	if (fd >= 0)
		close(fd);
	ok(counters_back(inst0, pin0, 5000), "counters back again");
}

/* ---- pin-limits ---------------------------------------------------------------- */

static int drop_ipc_lock(void)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0,
	};
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -1;
	d[CAP_IPC_LOCK / 32].effective &= ~(1u << (CAP_IPC_LOCK % 32));
	d[CAP_IPC_LOCK / 32].permitted &= ~(1u << (CAP_IPC_LOCK % 32));
	d[CAP_IPC_LOCK / 32].inheritable &= ~(1u << (CAP_IPC_LOCK % 32));
	return syscall(SYS_capset, &h, d);
}

/* In a child (it lowers its own limits): 0 when every check passed. */
static void child_rlimit(void)
{
	struct rlimit rl = { 64 << 10, 64 << 10 };
	long long pin0 = counter("pinned_pages");
	void *mem = anon(1 << 20);
	int fd = open_dev(), r, e;

	if (fd < 0 || create(fd, NULL) || !mem)
		_exit(10);
	if (drop_ipc_lock() || setrlimit(RLIMIT_MEMLOCK, &rl))
		_exit(11);
	errno = 0;
	r = mem_register(fd, 0, 1 << 20, mem);
	e = errno;
	printf("# 1 MiB with RLIMIT_MEMLOCK 64 KiB: %d errno %d\n", r, e);
	if (r != -1 || e != ENOMEM)
		_exit(12);
	if (counter("pinned_pages") != pin0)
		_exit(13);
	if (mem_register(fd, 0, 32 << 10, mem))
		_exit(14);
	errno = 0;
	r = mem_register(fd, 1 << 20, 64 << 10, (char *)mem + (64 << 10));
	if (r != -1 || errno != ENOMEM)
		_exit(15);
	if (mem_register(fd, 1 << 20, 32 << 10, (char *)mem + (64 << 10)))
		_exit(16);
	_exit(0);
}

static void cmd_pin_limits(void)
{
	long long inst0 = counter("instances"), pin0 = counter("pinned_pages");
	long ps = page_size();
	struct vgt_mem_region reg;
	char *mem, *hole, *ro;
	int fd, r, status, i, full = 0;
	uint64_t gpa;
	pid_t pid;

	pid = fork();
	if (pid == 0)
		child_rlimit();
	ok(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	   !WEXITSTATUS(status),
	   "RLIMIT_MEMLOCK 64 KiB without CAP_IPC_LOCK: 1 MiB is ENOMEM, 32 KiB + 32 KiB fit, 64 KiB more is ENOMEM (child status %d)",
	   WIFEXITED(status) ? WEXITSTATUS(status) : -1);

	fd = open_dev();
	ok(fd >= 0 && create(fd, NULL) == 0, "open and CREATE");
	mem = anon(1 << 20);
	if (!mem) {
		ok(0, "mmap");
		return;
	}
	ok(mem_register(fd, 0, ps, mem + 1) == VGT_E_INVAL,
	   "unaligned hva: VGT_E_INVAL");
	ok(mem_register(fd, 0, ps + 1, mem) == VGT_E_INVAL,
	   "unaligned size: VGT_E_INVAL");
	ok(mem_register(fd, 100, ps, mem) == VGT_E_INVAL,
	   "unaligned gpa: VGT_E_INVAL");
	ok(mem_register(fd, 0, 0, mem) == VGT_E_INVAL, "size 0: VGT_E_INVAL");
	memset(&reg, 0, sizeof(reg));
	reg.size = ps;
	reg.hva = (uintptr_t)mem;
	reg.fd = 3;
	ok(ioctl(fd, VGT_IOC_MEM_REGISTER, &reg) == VGT_E_BADFD,
	   "fd != -1: VGT_E_BADFD");
	reg.fd = -1;
	reg.flags = 1;
	ok(ioctl(fd, VGT_IOC_MEM_REGISTER, &reg) == VGT_E_INVAL,
	   "flags != 0: VGT_E_INVAL");
	errno = 0;
	ok(mem_register(fd, 0, ps, NULL) == -1 && errno == EFAULT,
	   "NULL hva: EFAULT");
	errno = 0;
	r = mem_register(fd, 0, 1 << 20, (void *)(0x800000000000ul - ps));
	ok(r == -1 && errno == EFAULT, "beyond the user address space: EFAULT");
	errno = 0;
	r = mem_register(fd, 0, ps, (void *)0xffff888000000000ul);
	ok(r == -1 && errno == EFAULT, "kernel address: EFAULT");
	errno = 0;
	r = mem_register(fd, 0, -(uint64_t)ps * 2, mem);
	ok(r == -1 && (errno == EFAULT || errno == ENOMEM),
	   "hva + size wraps: EFAULT/ENOMEM (%d)", errno);
	errno = 0;
	r = mem_register(fd, 0, 1ull << 62, mem);
	ok(r == -1 && errno == ENOMEM, "4 EiB: ENOMEM");
	hole = anon(3 * ps);
	munmap(hole + ps, ps);
	errno = 0;
	r = mem_register(fd, 0, 3 * ps, hole);
	ok(r == -1 && errno == EFAULT, "a hole in the range: EFAULT");
	ok(counter("pinned_pages") == pin0, "nothing left pinned by the failures");
	ro = mmap(NULL, ps, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	errno = 0;
	r = mem_register(fd, 0, ps, ro);
	ok(r == -1 && errno == EFAULT, "read-only memory: EFAULT (%d)", errno);

	ok(mem_register(fd, 0, 64 << 10, mem) == 0, "register [0, 64 KiB)");
	ok(counter("pinned_pages") == pin0 + (64 << 10) / ps,
	   "pinned_pages counts it");
	ok(mem_register(fd, 32 << 10, 64 << 10, mem + (64 << 10)) ==
	   VGT_E_MEM_OVERLAP, "overlapping [32 KiB, 96 KiB): VGT_E_MEM_OVERLAP");
	ok(mem_register(fd, 0, 64 << 10, mem) == VGT_E_MEM_OVERLAP,
	   "the same region again: VGT_E_MEM_OVERLAP");
	ok(counter("pinned_pages") == pin0 + (64 << 10) / ps,
	   "refused registrations left nothing pinned");
	gpa = 5;
	ok(ioctl(fd, VGT_IOC_MEM_UNREGISTER, &gpa) == VGT_E_NOENT,
	   "unregister an unknown gpa: VGT_E_NOENT");
	gpa = 0;
	ok(ioctl(fd, VGT_IOC_MEM_UNREGISTER, &gpa) == 0, "unregister");
	ok(counter("pinned_pages") == pin0, "pinned_pages back");
	ok(mem_register(fd, 0, 64 << 10, mem) == 0, "register it again");
	for (i = 1; i < VGT_MAX_MEM_REGIONS + 1; i++) {
		r = mem_register(fd, (uint64_t)i << 20, ps, mem + i * ps);
		if (r == VGT_E_MEM_FULL) {
			full = i;
			break;
		}
		if (r)
			break;
	}
	ok(full == VGT_MAX_MEM_REGIONS, "region %d is VGT_E_MEM_FULL", full);
	ok(ioctl(fd, VGT_IOC_DESTROY) == 0 &&
	   counter("pinned_pages") == pin0, "DESTROY unpins everything");
	ok(create(fd, NULL) == 0 && mem_register(fd, 0, 64 << 10, mem) == 0,
	   "CREATE and register again");
	close(fd);
	ok(counters_back(inst0, pin0, 5000),
	   "close: counters back: instances %lld (was %lld), pinned_pages %lld (was %lld)",
	   counter("instances"), inst0, counter("pinned_pages"), pin0);
	munmap(mem, 1 << 20);
}

static int sysfs_write(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY), r;

	if (fd < 0)
		return -1;
	r = write(fd, val, strlen(val)) == (ssize_t)strlen(val) ? 0 : -1;
	close(fd);
	return r;
}

static int gpu_is_haswell(void)
{
	const char *dir = find_sysfs();
	char path[600], buf[16] = "";
	FILE *f;

	if (!dir)
		return 0;
	snprintf(path, sizeof(path), "%s/gpu", dir);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	return !strncmp(buf, "haswell", 7);
}

/* ---- scale ------------------------------------------------------------------ */

#define SCALE_MAX	64
#define SCALE_RAM	(1u << 20)
#define SCALE_DATA	0x1000u		/* frame 1: one dword per engine */

struct scale_vm {
	int fd;
	struct vgt_instance_info info;
	struct vgt_shadow_info si;
	uint8_t *ram;
	uint32_t *sh;
	uint32_t done;
};

static uint32_t scale_value(int k, uint32_t e)
{
	return 0x5c000000u | (uint32_t)k << 8 | e;
}

static int scale_up(struct scale_vm *v)
{
	struct vgt_ioc_create c;
	struct vgt_gtt_entry ent[4];
	struct vgt_ioc_gtt_write gw = { .entries = (uintptr_t)ent, .n = 4 };
	uint32_t i;

	v->fd = open_dev();
	if (v->fd < 0)
		return -1;
	memset(&c, 0, sizeof(c));
	c.req.mappable_size = VGT_DEFAULT_MAPPABLE_SIZE;
	c.req.nonmappable_size = VGT_DEFAULT_NONMAPPABLE_SIZE;
	c.req.fence_num = VGT_DEFAULT_FENCE_NUM;
	if (ioctl(v->fd, VGT_IOC_CREATE, &c))
		return -1;
	v->info = c.info;
	v->ram = anon(SCALE_RAM);
	if (!v->ram || mem_register(v->fd, 0, SCALE_RAM, v->ram))
		return -1;
	for (i = 0; i < 4; i++) {	/* GM pages 0..3 = frames 0..3 */
		ent[i].index = (uint32_t)(v->info.mappable_base >> 12) + i;
		ent[i].flags = VGT_PTE_VALID;
		ent[i].gfn = i;
	}
	if (ioctl(v->fd, VGT_IOC_GTT_WRITE, &gw))
		return -1;
	v->sh = shadow(v->fd, &v->si);
	return v->sh ? 0 : -1;
}

/* MI_STORE_DATA_IMM (GGTT) of the VM's value for engine e, then irq. */
static int scale_submit(struct scale_vm *v, int k, uint32_t e)
{
	uint32_t *c = v->sh + e * 16;
	struct vgt_workload wl;

	c[0] = 0x10000002u | (1u << 22);
	c[1] = 0;
	c[2] = (uint32_t)v->info.mappable_base + SCALE_DATA + 4 * e;
	c[3] = scale_value(k, e);
	c[4] = 0x01000000u;		/* MI_USER_INTERRUPT */
	c[5] = 0;
	memset(&wl, 0, sizeof(wl));
	wl.id = e + 1;
	wl.start = v->si.gm_addr + e * 64;
	wl.length = 24;
	wl.engine = e;
	return ioctl(v->fd, VGT_IOC_SUBMIT, &wl);
}

static void cmd_scale(int n)
{
	static struct scale_vm vm[SCALE_MAX];
	uint64_t end = now_ms() + 60000;
	int k, up = 0, sizes = 1, own = 1, ids = 1, sub = 1, pending;
	struct vgt_event ev[VGT_EVENT_READ_MAX];
	uint32_t e;

	if (n > SCALE_MAX)
		n = SCALE_MAX;
	for (k = 0; k < n; k++)
		vm[k].fd = -1;
	for (k = 0; k < n && !scale_up(&vm[k]); k++)
		up++;
	ok(up == n, "scale: %d instances at the default partition created (%d asked)",
	   up, n);
	for (k = 0; k < up; k++) {
		sizes &= vm[k].info.mappable_size == VGT_DEFAULT_MAPPABLE_SIZE &&
			 vm[k].info.nonmappable_size ==
			 VGT_DEFAULT_NONMAPPABLE_SIZE &&
			 vm[k].info.fence_num == VGT_DEFAULT_FENCE_NUM;
		for (int j = 0; j < k; j++)
			ids &= vm[j].info.vgt_id != vm[k].info.vgt_id;
	}
	ok(sizes, "scale: every instance has the whole 64 + 448 MiB and 4 fences");
	ok(ids, "scale: every instance has its own id");
	/* All of them on all four engines before any completion is read. */
	for (e = 0; e < VGT_ENGINE_COUNT; e++)
		for (k = 0; k < up; k++)
			sub &= scale_submit(&vm[k], k, e) == 0;
	ok(sub, "scale: %d workloads submitted", up * VGT_ENGINE_COUNT);
	do {
		pending = 0;
		for (k = 0; k < up; k++) {
			struct pollfd p = { .fd = vm[k].fd, .events = POLLIN };
			ssize_t r;

			/* read() waits for an event: only when one is there */
			while (poll(&p, 1, 0) > 0 &&
			       (r = read(vm[k].fd, ev, sizeof(ev))) > 0)
				for (size_t i = 0; i < r / sizeof(ev[0]); i++)
					vm[k].done += ev[i].type ==
						      VGT_EVENT_COMPLETE;
			pending += vm[k].done < VGT_ENGINE_COUNT;
		}
		if (pending)
			usleep(2000);
	} while (pending && now_ms() < end);
	ok(!pending, "scale: every workload completed (%d instances waiting)",
	   pending);
	for (k = 0; k < up; k++)
		for (e = 0; e < VGT_ENGINE_COUNT; e++) {
			uint32_t got;

			memcpy(&got, vm[k].ram + SCALE_DATA + 4 * e, 4);
			if (got != scale_value(k, e)) {
				own = 0;
				diag("instance %d engine %u: 0x%08x, not 0x%08x",
				     k, e, got, scale_value(k, e));
			}
		}
	ok(own, "scale: each instance's memory holds exactly its own results");
	for (k = 0; k < n; k++)
		if (vm[k].fd >= 0)
			close(vm[k].fd);
}

/* ---- exec-timeout ------------------------------------------------------------ */

/* CANCELLED events wait_complete() has read */
static int cancelled_seen;

/* Wait for the COMPLETE of @id; counts HANG/FAULT events of it. */
static int wait_complete(int fd, uint64_t id, int *hangs, int *faults)
{
	uint64_t end = now_ms() + 20000;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	struct vgt_event ev;

	while (now_ms() < end) {
		if (poll(&p, 1, 500) <= 0)
			continue;
		while (read(fd, &ev, sizeof(ev)) == sizeof(ev)) {
			if (ev.type == VGT_EVENT_HANG)
				(*hangs)++;
			if (ev.type == VGT_EVENT_FAULT)
				(*faults)++;
			if (ev.type == VGT_EVENT_CANCELLED)
				cancelled_seen++;
			if (ev.type == VGT_EVENT_COMPLETE && ev.data == id)
				return 1;
		}
	}
	return 0;
}

/* A page of MI_NOOP on RCS that first sets or clears STOP_RING (masked) */
static void mi_mode_workload(struct vgt_workload *wl, uint64_t gm, uint64_t id,
			     bool stop)
{
	noop_workload(wl, gm, 4096, id);
	wl->nr_regs = 1;
	wl->regs[0].offset = RING_MI_MODE(RENDER_RING_BASE);
	wl->regs[0].value = STOP_RING << 16 | (stop ? STOP_RING : 0);
}

/*
 * exec_timeout_ms=1 (root): long workloads may now end as HANG (the ring
 * stopped); each still COMPLETEs, and with the timeout back the engine
 * runs the next one.  On the PCI GPU, a ring that never runs hangs, and
 * the workload queued behind it is cancelled (sysfs cancelled).
 */
static void cmd_exec_timeout(void)
{
	static const char *param = "/sys/module/vgt/parameters/exec_timeout_ms";
	long long hangs0 = counter("exec_hangs");
	long long cancelled0 = counter("cancelled");
	struct vgt_shadow_info si;
	struct vgt_workload wl;
	int fd, i, all = 1, hangs = 0, faults = 0, h2 = 0, f2 = 0;
	char old[32] = "2000";
	FILE *f;
	void *sh;

	f = fopen(param, "r");
	if (f) {
		if (!fgets(old, sizeof(old), f))
			strcpy(old, "2000");
		fclose(f);
	}
	fd = open_dev();
	sh = NULL;
	if (fd >= 0 && !create(fd, NULL))
		sh = shadow(fd, &si);
	ok(sh != NULL, "instance and shadow area");
	if (!sh)
		return;
	ok(fcntl(fd, F_SETFL, O_NONBLOCK) == 0, "O_NONBLOCK");
	memset(sh, 0, VGT_SHADOW_SIZE);
	ok(sysfs_write(param, "1") == 0, "exec_timeout_ms=1");
	for (i = 0; i < 8; i++) {
		noop_workload(&wl, si.gm_addr, VGT_SHADOW_SIZE, 100 + i);
		if (ioctl(fd, VGT_IOC_SUBMIT, &wl) ||
		    !wait_complete(fd, 100 + i, &hangs, &faults))
			all = 0;
	}
	sysfs_write(param, old);
	ok(all, "8 workloads of 1 MiB of MI_NOOP each COMPLETE (%d HANG, %d FAULT before them)",
	   hangs, faults);
	ok(counter("exec_hangs") < 0 || counter("exec_hangs") - hangs0 == hangs,
	   "sysfs exec_hangs counts them (%lld)", counter("exec_hangs"));
	noop_workload(&wl, si.gm_addr, 64 << 10, 200);
	ok(ioctl(fd, VGT_IOC_SUBMIT, &wl) == 0 &&
	   wait_complete(fd, 200, &h2, &f2) && !h2 && !f2,
	   "timeout restored (%s): the next workload completes cleanly",
	   strtok(old, "\n"));

	/*
	 * A ring that never runs: the workload flushes RCS MI_MODE with
	 * STOP_RING set (masked bit 8), so the bare GPU leaves HEAD alone
	 * until exec_timeout_ms: HANG.  The software Haswell runs it anyway.
	 */
	if (gpu_is_haswell()) {
		hangs0 = counter("exec_hangs");
		cancelled0 = counter("cancelled");
		cancelled_seen = 0;
		h2 = f2 = 0;
		sysfs_write(param, "300");
		mi_mode_workload(&wl, si.gm_addr, 300, true);
		i = ioctl(fd, VGT_IOC_SUBMIT, &wl) == 0;
		/* queued behind it: the hang cancels it (ABI 5) */
		noop_workload(&wl, si.gm_addr, 4096, 399);
		i = i && ioctl(fd, VGT_IOC_SUBMIT, &wl) == 0 &&
		    wait_complete(fd, 300, &h2, &f2);
		ok(i && h2 == 1,
		   "STOP_RING: HANG after exec_timeout_ms=300, then COMPLETE (%d HANG)",
		   h2);
		ok(counter("exec_hangs") == hangs0 + 1, "exec_hangs %lld",
		   counter("exec_hangs"));
		ok(wait_complete(fd, 399, &h2, &f2) && cancelled_seen == 1 &&
		   counter("cancelled") == cancelled0 + 1,
		   "the workload queued behind it: CANCELLED, then COMPLETE; sysfs cancelled %lld",
		   counter("cancelled"));
		h2 = f2 = 0;
		mi_mode_workload(&wl, si.gm_addr, 301, false);
		ok(ioctl(fd, VGT_IOC_SUBMIT, &wl) == 0 &&
		   wait_complete(fd, 301, &h2, &f2) && !h2 && !f2,
		   "the next workload clears STOP_RING and completes");
		sysfs_write(param, old);
	}
	close(fd);
	munmap(sh, VGT_SHADOW_SIZE);
}

/* ---- unbind-while-open ----------------------------------------------------- */

static void cmd_unbind_while_open(const char *bdf)
{
	struct vgt_shadow_info si;
	struct vgt_workload wl;
	struct vgt_event ev;
	struct pollfd p;
	int fd, fd2, r;
	void *mem, *sh;
	char *s;

	fd = open_dev();
	ok(fd >= 0 && create(fd, NULL) == 0, "open and CREATE");
	mem = anon(4 << 20);
	ok(mem && mem_register(fd, 0, 4 << 20, mem) == 0, "register 4 MiB");
	sh = shadow(fd, &si);
	ok(sh != NULL, "shadow area mapped");
	if (fd < 0 || !sh)
		return;
	memset(sh, 0, VGT_SHADOW_SIZE);
	noop_workload(&wl, si.gm_addr, 256 << 10, 1);
	for (r = 0; r < 8; r++) {
		wl.id = r;
		ioctl(fd, VGT_IOC_SUBMIT, &wl);
	}
	ok(sysfs_write("/sys/bus/pci/drivers/vgt/unbind", bdf) == 0,
	   "unbind %s with the file open, work queued", bdf);
	errno = 0;
	r = ioctl(fd, VGT_IOC_INFO, &si);
	ok(r == -1 && errno == ENODEV, "INFO after unbind: ENODEV (%d/%d)", r,
	   errno);
	errno = 0;
	ok(ioctl(fd, VGT_IOC_SUBMIT, &wl) == -1 && errno == ENODEV,
	   "SUBMIT after unbind: ENODEV");
	errno = 0;
	ok(read(fd, &ev, sizeof(ev)) == -1 && errno == ENODEV,
	   "read() after unbind: ENODEV");
	p.fd = fd;
	p.events = POLLIN;
	p.revents = 0;
	ok(poll(&p, 1, 1000) == 1 && (p.revents & (POLLERR | POLLHUP)),
	   "poll() after unbind: POLLERR|POLLHUP");
	s = sh;
	s[100] = 1;
	ok(s[100] == 1, "the shadow mapping is still memory");
	errno = 0;
	fd2 = open_dev();
	ok(fd2 < 0 && errno == ENODEV, "open without a GPU: ENODEV");
	if (fd2 >= 0)
		close(fd2);
	close(fd);
	munmap(sh, VGT_SHADOW_SIZE);
	munmap(mem, 4 << 20);
	ok(sysfs_write("/sys/bus/pci/drivers/vgt/bind", bdf) == 0,
	   "bind %s again", bdf);
	sysfs_dir = NULL;
	fd = open_dev();
	ok(fd >= 0 && create(fd, NULL) == 0, "open and CREATE on the new binding");
	if (fd >= 0)
		close(fd);
	ok(counters_back(0, 0, 5000), "counters of the new binding at 0");
}

static int print_usage(void)
{
	fprintf(stderr, "usage: vgt-kstress [--dev PATH] [--sysfs DIR] open-storm N | garbage | kill-mid-submit | pin-limits | exec-timeout | scale N | unbind-while-open BDF\n");
	return 2;
}

int main(int argc, char **argv)
{
	int i = 1;
	const char *cmd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while (i + 1 < argc && argv[i][0] == '-') {
		if (!strcmp(argv[i], "--dev"))
			dev_path = argv[i + 1];
		else if (!strcmp(argv[i], "--sysfs"))
			sysfs_dir = argv[i + 1];
		else
			return print_usage();
		i += 2;
	}
	if (getenv("VGT_DEV") && dev_path == (const char *)"/dev/vgt")
		dev_path = getenv("VGT_DEV");
	if (i >= argc)
		return print_usage();
	cmd = argv[i];
	signal(SIGPIPE, SIG_IGN);
	if (!strcmp(cmd, "open-storm") && i + 1 < argc)
		cmd_open_storm(atoi(argv[i + 1]) > 0 ? atoi(argv[i + 1]) : 1);
	else if (!strcmp(cmd, "garbage"))
		cmd_garbage();
	else if (!strcmp(cmd, "kill-mid-submit"))
		cmd_kill_mid_submit();
	else if (!strcmp(cmd, "pin-limits"))
		cmd_pin_limits();
	else if (!strcmp(cmd, "exec-timeout"))
		cmd_exec_timeout();
	else if (!strcmp(cmd, "scale") && i + 1 < argc)
		cmd_scale(atoi(argv[i + 1]) > 0 ? atoi(argv[i + 1]) : 1);
	else if (!strcmp(cmd, "unbind-while-open") && i + 1 < argc)
		cmd_unbind_while_open(argv[i + 1]);
	else
		return print_usage();
	printf("1..%d\n", tests);
	return failures ? 1 : 0;
}
