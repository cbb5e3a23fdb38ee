/*
 * The two entry points of an in-process fuzz harness: libFuzzer calls
 * them when the harness is linked with -fsanitize=fuzzer, and the replay
 * main (fuzz-replay-main.c) when it is linked for `make check`.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VGT_FUZZ_HARNESS_H
#define VGT_FUZZ_HARNESS_H

#include <stddef.h>
#include <stdint.h>

/* Once, before the first input (optional in a harness). */
int LLVMFuzzerInitialize(int *argc, char ***argv);
/* One input; a bug aborts (a failed check, a sanitizer report). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif /* VGT_FUZZ_HARNESS_H */
