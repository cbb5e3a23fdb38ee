/*
 * The regression run of a fuzz harness: every file of the corpus
 * directories (or files) named on the command line is given once to the
 * harness's LLVMFuzzerTestOneInput, in name order, as libFuzzer would.
 * Built with gcc next to the harness for `make check`; `make fuzz` links
 * the same harness with libFuzzer instead.  Prints TAP, one line per
 * input: a harness that finds a bug aborts, and the run is not ok.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz-harness.h"

/* A harness need not have it. */
#pragma weak LLVMFuzzerInitialize

/* Inputs larger than this are not corpus entries (libFuzzer's -max_len). */
#define REPLAY_MAX_INPUT    (1u << 20)

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static unsigned replay_file(const char *path, unsigned n)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf;
    size_t len;

    if (!f) {
        printf("not ok %u - %s: cannot open\n", n, path);
        exit(1);
    }
    buf = malloc(REPLAY_MAX_INPUT);
    if (!buf) {
        printf("not ok %u - out of memory\n", n);
        exit(1);
    }
    len = fread(buf, 1, REPLAY_MAX_INPUT, f);
    fclose(f);
    /* exactly the input's bytes: ASan sees reads beyond it */
    buf = realloc(buf, len ? len : 1);
    printf("# %s (%zu bytes)\n", path, len);
    fflush(stdout);
    LLVMFuzzerTestOneInput(buf, len);
    free(buf);
    printf("ok %u - %s\n", n, path);
    fflush(stdout);
    return n + 1;
}

static unsigned replay_dir(const char *dir, unsigned n)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    size_t count = 0, i;

    if (!d) {
        return replay_file(dir, n);
    }
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') {
            continue;
        }
        names = realloc(names, (count + 1) * sizeof(*names));
        if (!names || asprintf(&names[count], "%s/%s", dir, e->d_name) < 0) {
            printf("not ok %u - out of memory\n", n);
            exit(1);
        }
        count++;
    }
    closedir(d);
    qsort(names, count, sizeof(*names), cmp_names);
    for (i = 0; i < count; i++) {
        n = replay_file(names[i], n);
        free(names[i]);
    }
    free(names);
    return n;
}

static unsigned count_inputs(int argc, char **argv)
{
    unsigned total = 0;
    int i;

    for (i = 1; i < argc; i++) {
        DIR *d = opendir(argv[i]);
        struct dirent *e;

        if (!d) {
            total++;
            continue;
        }
        while ((e = readdir(d))) {
            total += e->d_name[0] != '.';
        }
        closedir(d);
    }
    return total;
}

int main(int argc, char **argv)
{
    unsigned n = 1, total;
    int i;

    if (argc < 2) {
        fprintf(stderr, "usage: %s CORPUS_DIR_OR_FILE...\n", argv[0]);
        return 2;
    }
    if (LLVMFuzzerInitialize) {
        LLVMFuzzerInitialize(&argc, &argv);
    }
    total = count_inputs(argc, argv);
    if (!total) {
        /* an empty corpus replays nothing: that is a broken tree */
        printf("1..1\nnot ok 1 - no corpus inputs\n");
        return 1;
    }
    printf("1..%u\n", total);
    for (i = 1; i < argc; i++) {
        n = replay_dir(argv[i], n);
    }
    return 0;
}
