// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fake-dev-vgt.so - a stand-in for vgt.ko's /dev/vgt where there is none,
 * for trying the kernel transport (QEMU's helper=, bench-helper-transport
 * kernel) on the build machine: LD_PRELOAD it, and the character device
 * named by $FAKE_VGT_DEV (default /dev/vgt; e.g. one made by `mknod
 * /tmp/fake-vgt c 1 3`, which then is never really opened) behaves as
 * the ioctl contract at the end of hw/vgt-helper-abi.h says, on top of an
 * embedded helper in the same process.
 *
 * Behind it: an embedded helper (one GPU per process: two QEMUs get two
 * GPUs), or, with $FAKE_VGT_HOSTD naming a vgt-hostd socket, that daemon
 * (one GPU for every process, as with the module).  The daemon needs
 * guest RAM in a memfd, which a caller of /dev/vgt does not have: then
 * large anonymous MAP_FIXED mappings (QEMU's guest RAM) are made from
 * sealed memfds instead, and mem_register's hva is found in them.
 *
 * Only a development aid: no pinning, no locking (QEMU calls it under its
 * big lock).  vgt.ko is the real thing (kernel-shim/linux/).
 *
 *   LD_PRELOAD=build/helper/fake-dev-vgt.so FAKE_VGT_DEV=/tmp/fake-vgt \
 *       [FAKE_VGT_HOSTD=/tmp/vgt.sock] \
 *       qemu-system-x86_64 ... -device vgt,helper=/tmp/fake-vgt
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include "hw/vgt-host-ops.h"

#define FAKE_FILES 8
#define FAKE_RAM_MIN (32ul << 20)
#define FAKE_RAMS 16

static const struct vgt_host_ops *emb;

/* The helper behind the fake device, and what connect gets. */
static const char *backend(void)
{
	const char *sock = getenv("FAKE_VGT_HOSTD");

	emb = sock && *sock ? &vgt_host_socket_ops : &vgt_host_embedded_ops;
	return sock && *sock ? sock : NULL;
}

/* Anonymous guest RAM made from memfds (with FAKE_VGT_HOSTD). */
static struct fake_ram {
	uintptr_t start;
	size_t len;
	int fd;
} rams[FAKE_RAMS];

static struct fake_file {
	int fd;			/* a dup of the embedded connection's eventfd */
	struct vgt_conn *conn;
	void *shadow;
} files[FAKE_FILES];

static struct fake_file *fake_of(int fd)
{
	for (int i = 0; i < FAKE_FILES; i++)
		if (files[i].conn && files[i].fd == fd)
			return &files[i];
	return NULL;
}

static int is_fake_path(const char *path)
{
	const char *dev = getenv("FAKE_VGT_DEV");

	return path && !strcmp(path, dev && *dev ? dev : "/dev/vgt");
}

static int fake_open(void)
{
	for (int i = 0; i < FAKE_FILES; i++) {
		if (files[i].conn)
			continue;
		const char *sock = backend();	/* sets emb */

		if (emb->connect(sock, &files[i].conn)) {
			files[i].conn = NULL;
			errno = ENOMEM;
			return -1;
		}
		/* a dup: the helper's own reads of its eventfd stay real */
		files[i].fd = fcntl(emb->event_fd(files[i].conn),
				    F_DUPFD_CLOEXEC, 0);
		files[i].shadow = NULL;
		if (files[i].fd < 0) {
			emb->disconnect(files[i].conn);
			files[i].conn = NULL;
			return -1;
		}
		return files[i].fd;
	}
	errno = EMFILE;
	return -1;
}

#define REAL(name) \
	static __typeof__(name) *real_##name; \
	if (!real_##name) \
		real_##name = (__typeof__(name) *)dlsym(RTLD_NEXT, #name)

static int open_mode(int flags, va_list ap)
{
	return (flags & (O_CREAT | O_TMPFILE)) ? va_arg(ap, int) : 0;
}

int open(const char *path, int flags, ...)
{
	va_list ap;
	int mode;

	REAL(open);
	if (is_fake_path(path))
		return fake_open();
	va_start(ap, flags);
	mode = open_mode(flags, ap);
	va_end(ap);
	return real_open(path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
	va_list ap;
	int mode;

	REAL(open64);
	if (is_fake_path(path))
		return fake_open();
	va_start(ap, flags);
	mode = open_mode(flags, ap);
	va_end(ap);
	return real_open64(path, flags, mode);
}

int __open_2(const char *path, int flags);
int __open_2(const char *path, int flags)
{
	REAL(__open_2);
	return is_fake_path(path) ? fake_open() : real___open_2(path, flags);
}

int __open64_2(const char *path, int flags);
int __open64_2(const char *path, int flags)
{
	REAL(__open64_2);
	return is_fake_path(path) ? fake_open() : real___open64_2(path, flags);
}

int close(int fd)
{
	struct fake_file *f = fake_of(fd);

	REAL(close);
	if (!f)
		return real_close(fd);
	emb->disconnect(f->conn);	/* closes the eventfd */
	f->conn = NULL;
	f->shadow = NULL;
	return real_close(fd);
}

ssize_t read(int fd, void *buf, size_t len)
{
	struct fake_file *f = fake_of(fd);
	int n;

	REAL(read);
	if (!f)
		return real_read(fd, buf, len);
	if (len < sizeof(struct vgt_event)) {
		errno = EINVAL;
		return -1;
	}
	if (len / sizeof(struct vgt_event) > VGT_EVENT_READ_MAX)
		len = VGT_EVENT_READ_MAX * sizeof(struct vgt_event);
	n = emb->events_read(f->conn, buf, len / sizeof(struct vgt_event));
	if (n < 0) {
		errno = ENXIO;
		return -1;
	}
	if (!n) {
		errno = EAGAIN;
		return -1;
	}
	return n * sizeof(struct vgt_event);
}

static void *fake_mmap(struct fake_file *f, size_t len, off_t off)
{
	if (len != VGT_SHADOW_SIZE || off || !f->shadow) {
		errno = EINVAL;
		return MAP_FAILED;
	}
	return f->shadow;
}

/* Guest RAM (QEMU: a reservation, then MAP_FIXED over it) as a memfd. */
static void *fake_ram_mmap(void *addr, size_t len, int prot, int flags)
{
	const char *sock = getenv("FAKE_VGT_HOSTD");
	void *p;
	int fd, i;

	REAL(mmap);
	if (!sock || !*sock || !(flags & MAP_ANONYMOUS) ||
	    !(flags & MAP_FIXED) || prot == PROT_NONE || len < FAKE_RAM_MIN)
		return NULL;
	for (i = 0; i < FAKE_RAMS && rams[i].len; i++)
		;
	if (i == FAKE_RAMS)
		return NULL;
	fd = memfd_create("fake-vgt-ram", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0 || ftruncate(fd, len) ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW))
		abort();
	p = real_mmap(addr, len, prot, (flags & ~(MAP_ANONYMOUS | MAP_PRIVATE |
			MAP_NORESERVE)) | MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		abort();
	rams[i].start = (uintptr_t)p;
	rams[i].len = len;
	rams[i].fd = fd;
	return p;
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	struct fake_file *f = fd >= 0 ? fake_of(fd) : NULL;
	void *p = fd < 0 ? fake_ram_mmap(addr, len, prot, flags) : NULL;

	REAL(mmap);
	if (p)
		return p;
	return f ? fake_mmap(f, len, off) :
		   real_mmap(addr, len, prot, flags, fd, off);
}

void *mmap64(void *addr, size_t len, int prot, int flags, int fd,
	     off64_t off)
{
	return mmap(addr, len, prot, flags, fd, off);
}

int munmap(void *addr, size_t len)
{
	REAL(munmap);
	for (int i = 0; i < FAKE_FILES; i++)
		if (files[i].conn && files[i].shadow == addr)
			return 0;	/* the embedded helper's memory */
	return real_munmap(addr, len);
}

static int kret(int ret)
{
	return ret < 0 ? -ret : 0;
}

static int fake_ioctl(struct fake_file *f, unsigned long req, void *arg)
{
	struct vgt_conn *c = f->conn;

	if (req != VGT_IOC_VERSION && req != VGT_IOC_DESTROY &&
	    req != VGT_IOC_RESET && !arg) {
		errno = EFAULT;
		return -1;
	}
	switch (req) {
	case VGT_IOC_VERSION:
		return VGT_ABI_VERSION;
	case VGT_IOC_CREATE: {
		struct vgt_ioc_create *io = arg;

		return kret(emb->create(c, &io->req, &io->info));
	}
	case VGT_IOC_DESTROY:
		f->shadow = NULL;
		return kret(emb->destroy(c));
	case VGT_IOC_RESET:
		return kret(emb->reset(c));
	case VGT_IOC_INFO:
		return kret(emb->info(c, arg));
	case VGT_IOC_MEM_REGISTER: {
		struct vgt_mem_region *r = arg;

		struct vgt_mem_region m = *r;

		if (r->fd != -1) {
			errno = EINVAL;
			return -1;
		}
		for (int i = 0; i < FAKE_RAMS; i++) {
			if (rams[i].len && r->hva >= rams[i].start &&
			    r->hva + r->size <= rams[i].start + rams[i].len) {
				m.fd = rams[i].fd;
				m.fd_offset = r->hva - rams[i].start;
			}
		}
		if (emb == &vgt_host_socket_ops && m.fd < 0) {
			errno = EFAULT;
			return -1;
		}
		return kret(emb->mem_register(c, &m));
	}
	case VGT_IOC_MEM_UNREGISTER:
		return kret(emb->mem_unregister(c, *(vgt_u64 *)arg));
	case VGT_IOC_GTT_WRITE: {
		struct vgt_ioc_gtt_write *io = arg;

		if (io->n > VGT_GTT_WRITE_MAX) {
			errno = EINVAL;
			return -1;
		}
		io->bad = 0;
		return kret(emb->gtt_write(c,
			(const void *)(uintptr_t)io->entries, io->n, &io->bad));
	}
	case VGT_IOC_GTT_READ: {
		struct vgt_gtt_entry *e = arg;

		return kret(emb->gtt_read(c, e->index, e));
	}
	case VGT_IOC_FENCE_WRITE: {
		struct vgt_ioc_fence_write *io = arg;

		return kret(emb->fence_write(c, io->fence, io->value));
	}
	case VGT_IOC_GM_READ: {
		struct vgt_ioc_gm_read *io = arg;

		return kret(emb->gm_read(c, io->gm_addr,
					 (void *)(uintptr_t)io->buf, io->len));
	}
	case VGT_IOC_STATS:
		return kret(emb->stats(c, arg));
	case VGT_IOC_SHADOW_MAP: {
		struct vgt_shadow_info *sh = arg;
		int r = emb->shadow_map(c, sh);

		if (!r) {
			f->shadow = (void *)(uintptr_t)sh->hva;
			sh->hva = 0;
		}
		return kret(r);
	}
	case VGT_IOC_SUBMIT:
		return kret(emb->submit(c, arg));
	case VGT_IOC_SET_WEIGHT:
		return kret(emb->set_weight(c, *(vgt_u32 *)arg));
	case VGT_IOC_SCHED_STATS:
		return kret(emb->sched_stats(c, arg));
	}
	errno = ENOTTY;
	return -1;
}

int ioctl(int fd, unsigned long req, ...)
{
	struct fake_file *f = fake_of(fd);
	va_list ap;
	void *arg;

	REAL(ioctl);
	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	return f ? fake_ioctl(f, req, arg) : real_ioctl(fd, req, arg);
}
