/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vgt-client-kernel.h - private to the kernel transport and its unit test:
 * the system calls vgt-client-kernel.c makes on /dev/vgt, as a table a
 * test may replace (there is no /dev/vgt where the helper is built).
 * Not part of libvgt-helper.a's API (not in vgt-helper.exports).
 */
#ifndef VGT_CLIENT_KERNEL_H
#define VGT_CLIENT_KERNEL_H

#include <sys/types.h>

struct vgt_kernel_sys {
	int (*open)(const char *path, int flags);
	int (*close)(int fd);
	/* returns what ioctl(2) returns, errno set on -1 */
	int (*ioctl)(int fd, unsigned long req, void *arg);
	ssize_t (*read)(int fd, void *buf, size_t len);
	void *(*mmap)(void *addr, size_t len, int prot, int flags, int fd,
		      off_t off);
	int (*munmap)(void *addr, size_t len);
};

/* The calls in use: the real system calls unless a test swapped them. */
extern const struct vgt_kernel_sys *vgt_kernel_sys;
extern const struct vgt_kernel_sys vgt_kernel_sys_libc;

/* A -1/errno result of a /dev/vgt call as a (negative) VGT_E_* code. */
int vgt_kernel_errno_to_code(int err);

#endif /* VGT_CLIENT_KERNEL_H */
