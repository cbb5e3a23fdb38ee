/*
 * Fuzz harness: the command scanner against the engine.
 *
 * An input is a ring and the contents of the batch areas: the device's
 * scanner (vgt-cmd.c) scans the ring as it would a guest's, and whatever
 * it accepts is relocated into the shadow area and executed by the
 * software Haswell's command streamer.  vcm_run asserts that both walked
 * the same command boundaries, batch levels, privileges and operand
 * address spaces: a stream on which they disagree is a command the
 * scanner never audited, and the harness aborts on it.  AddressSanitizer
 * and UBSan watch both walkers.
 *
 * Input layout (little endian; a short input stops early):
 *   byte 0       engine (mod 4)
 *   bytes 1-2    ring length in dwords (mod 1024)
 *   ring dwords
 *   then for each batch area, GGTT areas first, then PPGTT areas:
 *     2 bytes    length in bytes (mod the area's size)
 *     its bytes
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "vgt-cmd-machine.h"
#include "fuzz-harness.h"

typedef struct Input {
    const uint8_t *p;
    size_t left;
} Input;

static size_t take(Input *in, void *buf, size_t len)
{
    len = MIN(len, in->left);
    memcpy(buf, in->p, len);
    in->p += len;
    in->left -= len;
    return len;
}

static uint32_t take16(Input *in)
{
    uint8_t b[2] = { 0, 0 };

    take(in, b, 2);
    return lduw_le_p(b);
}

/* Fill one batch area from the input; the rest of it stays MI_NOOP. */
static void fill_batch(Input *in, uint8_t *area)
{
    size_t len = take16(in) % (VCM_BATCH_BYTES + 1);

    memset(area, 0, VCM_BATCH_BYTES);
    take(in, area, len);
}

/*
 * The scanner's budget per submission, lowered from the device's 1 Mi
 * dwords: a stream that loops through its batches up to the budget then
 * costs milliseconds, not a tenth of a second, and the same budget code
 * still runs (the unit tests check the device's).
 */
#define FUZZ_MAX_DWORDS     (1u << 14)

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    vcm_init();
    vcm.max_dwords = FUZZ_MAX_DWORDS;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Input in = { data, size };
    uint32_t ring[1024];
    uint8_t engine = 0;
    uint32_t n, i;

    take(&in, &engine, 1);
    n = take16(&in) % ARRAY_SIZE(ring);
    memset(ring, 0, sizeof(ring));
    n = MIN(n, take(&in, ring, n * 4) / 4);
    for (i = 0; i < n; i++) {
        ring[i] = le32_to_cpu(ring[i]);
    }
    for (i = 0; i < VCM_NBATCH; i++) {
        fill_batch(&in, vcm_ggtt_host(vcm_batch_gma(i)));
    }
    for (i = 0; i < VCM_NBATCH; i++) {
        fill_batch(&in, vcm_ppgtt_host(vcm_ppgtt_batch_gma(i)));
    }
    vcm_run(engine % HSW_NUM_ENGINES, vcm_put_ring(ring, n));
    return 0;
}
