/*
 * Unit tests of the command scanner: Haswell command streams as i915
 * builds them pass and are copied exactly; each audit rule has a stream
 * that breaks it; after a migration to another partition, every GGTT
 * address of the copies moves by exactly the partition's offset and
 * nothing else changes (vgt_cmd_remap).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "vgt-cmd.h"

/* A fake VM: 64 MiB of GGTT space, its own range [16, 48) MiB. */
#define GM_SIZE         (64u << 20)
#define VM_BASE         (16u << 20)
#define VM_END          (48u << 20)
#define PPGTT_SIZE      (8u << 20)      /* backed part of its PPGTT */

#define RING            (VM_BASE + 0x10000)
#define RING_SIZE       0x4000
#define BATCH           (VM_BASE + 0x20000)
#define BATCH2          (VM_BASE + 0x30000)
#define PPGTT_BATCH     0x100000
#define SCRATCH         (VM_BASE + 0x40000)
#define FOREIGN         (VM_END + 0x1000)   /* another VM's memory */

#define MI(op, len)     (((op) << 23) | (len))
#define MI_NOOP         0
#define MI_USER_INT     MI(0x02, 0)
#define MI_BB_END       MI(0x0a, 0)
#define MI_BB_START     MI(0x31, 0)
#define MI_BB_PPGTT     (1u << 8)
#define MI_BB_SECOND    (1u << 22)
#define MI_SDI          MI(0x20, 2)
#define MI_SDI_GGTT     (1u << 22)
#define MI_STORE_INDEX  MI(0x21, 1)
#define MI_LRI(n)       MI(0x22, 2 * (n) - 1)
#define MI_UPDATE_GTT   MI(0x23, 1)
#define MI_SRM          MI(0x24, 1)
#define MI_FLUSH_DW     MI(0x26, 1)
#define MI_SET_CONTEXT  MI(0x18, 0)
#define MI_WAIT_EVENT   MI(0x03, 0)
#define MI_FLIP         MI(0x14, 1)
#define MI_LRM          MI(0x29, 1)
#define MI_LRR          MI(0x2a, 1)
#define MI_RPC          MI(0x28, 1)
#define MI_COND_BB_END  MI(0x36, 1)
#define RCS_TIMESTAMP   0x2358
#define RCS_PP_DIR_BASE 0x2228
#define PIPE_CONTROL4   0x7a000002
#define XY_COLOR_BLT    ((2u << 29) | (0x50 << 22) | 4)
#define XY_SRC_COPY_BLT ((2u << 29) | (0x53 << 22) | 6)
#define XY_SETUP_BLT    ((2u << 29) | (0x01 << 22) | 6)
#define XY_TEXT_IMM     ((2u << 29) | (0x31 << 22) | 1)
#define BLT_32BPP       (3u << 24)

static uint8_t *gm;
static uint8_t *ppgtt;

static bool fake_read(void *opaque, bool pp, uint64_t gma, void *buf,
                      uint32_t len)
{
    if (pp) {
        if (gma + len > PPGTT_SIZE) {
            return false;
        }
        memcpy(buf, ppgtt + gma, len);
        return true;
    }
    if (gma < VM_BASE || gma + len > VM_END) {
        return false;
    }
    memcpy(buf, gm + gma, len);
    return true;
}

static bool fake_gm_ok(void *opaque, uint64_t gma, uint64_t len)
{
    return gma >= VM_BASE && gma + len <= VM_END;
}

static VgtCmdEnv env_for(unsigned engine)
{
    VgtCmdEnv env = {
        .read = fake_read, .gm_ok = fake_gm_ok, .engine = engine,
        .npipes = 3, .remap = true,
    };
    return env;
}

/* Write dwords at a GGTT (or PPGTT) address. */
static uint32_t put(bool pp, uint32_t gma, const uint32_t *dw, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        stl_le_p((pp ? ppgtt : gm) + gma + 4 * i, dw[i]);
    }
    return gma + 4 * n;
}

/*
 * The number of dwords given.  Not ARRAY_SIZE: its array check is a
 * constant expression, and clang refuses a compound literal of variables
 * there.
 */
#define NWORDS(...) \
    (sizeof((const uint32_t[]){ __VA_ARGS__ }) / sizeof(uint32_t))

#define PUT(pp, gma, ...) \
    put(pp, gma, (const uint32_t[]){ __VA_ARGS__ }, NWORDS(__VA_ARGS__))

/* Put @n dwords in the ring at offset 0 and scan [0, tail). */
static VgtCmdResult scan_ring(unsigned engine, const uint32_t *dw, size_t n,
                              VgtCmdScan *scan)
{
    VgtCmdEnv env = env_for(engine);
    uint32_t tail = put(false, RING, dw, n) - RING;

    /* i915 pads to a qword with MI_NOOP: so do we */
    if (tail & 7) {
        tail = put(false, RING + tail, (const uint32_t[]){ MI_NOOP }, 1) -
               RING;
    }
    return vgt_cmd_scan_ring(&env, RING, RING_SIZE, 0, tail, scan);
}

#define SCAN(engine, scan, ...) \
    scan_ring(engine, (const uint32_t[]){ __VA_ARGS__ }, \
              NWORDS(__VA_ARGS__), scan)

static void expect(VgtCmdResult got, VgtCmdScan *scan, VgtCmdResult want,
                   const char *why)
{
    if (got != want) {
        g_printerr("scan: %s (%s)\n", vgt_cmd_result_name(got), scan->why);
    }
    g_assert_cmpint(got, ==, want);
    if (why) {
        g_assert_nonnull(strstr(scan->why, why));
    }
    vgt_cmd_scan_free(scan);
}

static void setup(void)
{
    memset(gm, 0, GM_SIZE);
    memset(ppgtt, 0, PPGTT_SIZE);
}

/* ---- streams i915 submits (gt/intel_ring_submission.c) -------------- */

static void test_i915_rcs_breadcrumb(void)
{
    VgtCmdScan s;

    setup();
    expect(SCAN(HSW_RCS, &s,
                PIPE_CONTROL4, 0x011050a1, SCRATCH + 0x100, 42,
                MI_USER_INT, MI_NOOP), &s, VGT_CMD_OK, NULL);
    SCAN(HSW_RCS, &s, PIPE_CONTROL4, 0x011050a1, SCRATCH + 0x100, 42,
         MI_USER_INT, MI_NOOP);
    g_assert_true(s.user_interrupt);
    g_assert_cmpuint(s.ncommands, ==, 3);
    g_assert_cmpuint(s.nsegments, ==, 1);
    g_assert_cmpuint(s.segment[0].copy->len, ==, 6 * 4);
    g_assert_cmpmem(s.segment[0].copy->data, 24, gm + RING, 24);
    vgt_cmd_scan_free(&s);
}

static void test_i915_xcs_breadcrumb(void)
{
    VgtCmdScan s;
    uint32_t ring[3 + 32 * 3 + 3 + 2];
    size_t n = 0;
    int i;

    setup();
    ring[n++] = 0x13244001;     /* MI_FLUSH_DW store index + tlb inv */
    ring[n++] = 0x104;
    ring[n++] = 7;
    for (i = 0; i < 32; i++) {
        ring[n++] = 0x10800001;
        ring[n++] = 0x100;
        ring[n++] = 7;
    }
    ring[n++] = 0x13000001;
    ring[n++] = 0;
    ring[n++] = 0;
    ring[n++] = MI_USER_INT;
    ring[n++] = MI_NOOP;
    expect(scan_ring(HSW_BCS, ring, n, &s), &s, VGT_CMD_OK, NULL);
    expect(scan_ring(HSW_VECS, ring, n, &s), &s, VGT_CMD_OK, NULL);
}

static void test_i915_switch_mm_and_context(void)
{
    VgtCmdScan s;

    setup();
    expect(SCAN(HSW_RCS, &s,
                MI_LRI(1), 0x2220, 0xffffffff,          /* PP_DIR_DCLV */
                MI_LRI(1), 0x2228, 0x7fe00000,          /* PP_DIR_BASE */
                MI_SRM | MI_SDI_GGTT, 0x2228, SCRATCH,
                MI_LRI(1), 0x20c0, 0x02000200,          /* INSTPM */
                MI(0x08, 0),                            /* ARB off */
                MI_LRI(3), 0x22050, 0x10001, 0x12050, 0x10001,
                0x1a050, 0x10001,
                MI_NOOP,
                MI_SET_CONTEXT, SCRATCH | 0x100 | 0x8 | 0x1,
                MI_NOOP,
                MI_SRM | MI_SDI_GGTT, 0x1a050, SCRATCH,
                MI(0x08, 1)), &s, VGT_CMD_OK, NULL);
    /* the same on the video ring with its own registers */
    expect(SCAN(HSW_VCS, &s,
                MI_LRI(1), 0x12220, 0xffffffff,
                MI_LRI(1), 0x12228, 0x7fe00000,
                MI_LRI(1), 0x120c0, 0x02000200), &s, VGT_CMD_OK, NULL);
}

static void test_ppgtt_batch_with_media(void)
{
    VgtCmdScan s;
    uint32_t pos;
    int i;

    setup();
    /* the clear-residuals batch lives only in the PPGTT */
    pos = PUT(true, PPGTT_BATCH, PIPE_CONTROL4, 0x00100002, 0, 0,
              MI_LRI(2), 0x7000, 0xffff0000, 0x7004, 0xffff0040,
              0x69040001, MI_NOOP,
              0x61010008, 1, 1, 1, 1, 1, 1, 1, 1, 1,    /* SBA */
              0x70000006, 0, 0, 0, 0, 0, 0, 0,          /* VFE_STATE */
              0x70020002, 0, 0x40, 0);                  /* IDL */
    for (i = 0; i < 140; i++) {
        pos = PUT(true, pos, 0x71000007, 0, 0, 0, 0, 0, 0, 0, 0);
    }
    PUT(true, pos, MI_BB_END);
    expect(SCAN(HSW_RCS, &s, MI_BB_START | MI_BB_PPGTT | (1u << 13),
                PPGTT_BATCH, PIPE_CONTROL4, 0x011050a1, SCRATCH, 1,
                MI_USER_INT, MI_NOOP), &s, VGT_CMD_OK, NULL);
    SCAN(HSW_RCS, &s, MI_BB_START | MI_BB_PPGTT, PPGTT_BATCH);
    g_assert_cmpuint(s.nsegments, ==, 2);
    g_assert_true(s.segment[1].ppgtt);
    g_assert_cmpuint(s.segment[1].level, ==, 1);
    g_assert_cmpuint(s.segment[1].copy->len, ==, pos + 4 - PPGTT_BATCH);
    g_assert_cmpmem(s.segment[1].copy->data, s.segment[1].copy->len,
                    ppgtt + PPGTT_BATCH, pos + 4 - PPGTT_BATCH);
    vgt_cmd_scan_free(&s);
}

static void test_chained_and_second_level(void)
{
    VgtCmdScan s;

    setup();
    /* level 1 calls a second-level batch, then chains to another batch */
    PUT(false, BATCH, MI_NOOP, MI_BB_START | MI_BB_SECOND, BATCH2,
        MI_STORE_INDEX, 0x100, 1, MI_BB_START, BATCH + 0x800);
    PUT(false, BATCH2, MI_NOOP, MI_BB_END);
    PUT(false, BATCH + 0x800, MI_USER_INT, MI_BB_END);
    expect(SCAN(HSW_RCS, &s, MI_BB_START, BATCH, MI_NOOP), &s,
           VGT_CMD_OK, NULL);
    SCAN(HSW_RCS, &s, MI_BB_START, BATCH, MI_NOOP);
    g_assert_cmpuint(s.nsegments, ==, 4);
    g_assert_cmpuint(s.segment[2].level, ==, 2);
    g_assert_cmpuint(s.segment[3].level, ==, 1);
    g_assert_true(s.user_interrupt);
    vgt_cmd_scan_free(&s);

    /* a second level cannot start from the ring or from level 2 */
    expect(SCAN(HSW_RCS, &s, MI_BB_START | MI_BB_SECOND, BATCH2), &s,
           VGT_CMD_BAD_COMMAND, "second-level");
    PUT(false, BATCH2, MI_BB_START | MI_BB_SECOND, BATCH2 + 0x100);
    PUT(false, BATCH, MI_BB_START | MI_BB_SECOND, BATCH2, MI_BB_END);
    expect(SCAN(HSW_RCS, &s, MI_BB_START, BATCH), &s,
           VGT_CMD_BAD_COMMAND, "from a second-level batch");
}

static void test_ring_wrap(void)
{
    VgtCmdEnv env = env_for(HSW_RCS);
    VgtCmdScan s;

    setup();
    /* a 4-dword command straddles the end of the ring */
    PUT(false, RING + RING_SIZE - 8, PIPE_CONTROL4, 0x011050a1);
    PUT(false, RING, SCRATCH, 5, MI_USER_INT, MI_NOOP);
    expect(vgt_cmd_scan_ring(&env, RING, RING_SIZE, RING_SIZE - 8, 16, &s),
           &s, VGT_CMD_OK, NULL);
    /* a command running past TAIL is malformed */
    expect(vgt_cmd_scan_ring(&env, RING, RING_SIZE, RING_SIZE - 8, 0, &s),
           &s, VGT_CMD_BAD_COMMAND, "past the end");
    /* head == tail: nothing to do */
    expect(vgt_cmd_scan_ring(&env, RING, RING_SIZE, 0x100, 0x100, &s), &s,
           VGT_CMD_OK, NULL);
    /* bad ring geometry */
    expect(vgt_cmd_scan_ring(&env, RING, RING_SIZE, 4, 0, &s), &s,
           VGT_CMD_BAD_COMMAND, "not a valid ring");
    expect(vgt_cmd_scan_ring(&env, RING, RING_SIZE, 0, RING_SIZE, &s), &s,
           VGT_CMD_BAD_COMMAND, "not a valid ring");
    expect(vgt_cmd_scan_ring(&env, VM_END - 0x1000, RING_SIZE, 0, 8, &s),
           &s, VGT_CMD_BAD_ADDRESS, "ring");
}

/* ---- one stream per audit rule --------------------------------------- */

static void test_rule_lri_registers(void)
{
    VgtCmdScan s;

    setup();
    /* the GTT, a fence, an interrupt mask, a display plane, GDRST */
    expect(SCAN(HSW_RCS, &s, MI_LRI(1), 0x100000, 0), &s,
           VGT_CMD_BAD_REGISTER, "0x100000");
    expect(SCAN(HSW_RCS, &s, MI_LRI(1), 0x44004, 0), &s,
           VGT_CMD_BAD_REGISTER, "0x44004");
    expect(SCAN(HSW_RCS, &s, MI_LRI(1), 0x7019c, 0), &s,
           VGT_CMD_BAD_REGISTER, NULL);
    expect(SCAN(HSW_RCS, &s, MI_LRI(1), 0x941c, 1), &s,
           VGT_CMD_BAD_REGISTER, NULL);
    /* the second pair of an LRI is checked too */
    expect(SCAN(HSW_RCS, &s, MI_LRI(2), 0x7000, 0, 0x78000, 0), &s,
           VGT_CMD_BAD_REGISTER, "0x78000");
    /* another engine's ring registers */
    expect(SCAN(HSW_BCS, &s, MI_LRI(1), 0x2228, 0), &s,
           VGT_CMD_BAD_REGISTER, NULL);
    /* SRM/LRM/LRR as well */
    expect(SCAN(HSW_RCS, &s, MI_SRM | MI_SDI_GGTT, 0x100000, SCRATCH),
           &s, VGT_CMD_BAD_REGISTER, NULL);
    expect(SCAN(HSW_RCS, &s, MI(0x29, 1) | MI_SDI_GGTT, 0x44008,
                SCRATCH), &s, VGT_CMD_BAD_REGISTER, NULL);
    expect(SCAN(HSW_RCS, &s, MI(0x2a, 1), 0x2600, 0x941c), &s,
           VGT_CMD_BAD_REGISTER, NULL);
    /* a malformed LRI (even number of payload dwords) */
    expect(SCAN(HSW_RCS, &s, MI(0x22, 2), 0x7000, 0, 0), &s,
           VGT_CMD_BAD_COMMAND, "register/value");
}

static void test_rule_update_gtt(void)
{
    VgtCmdScan s;

    setup();
    expect(SCAN(HSW_RCS, &s, MI_UPDATE_GTT, 0, 0x12345001), &s,
           VGT_CMD_DENIED, "never allowed");
    expect(SCAN(HSW_BCS, &s, MI(0x16, 1), 0, 0), &s, VGT_CMD_DENIED,
           NULL);
}

static void test_rule_addresses(void)
{
    VgtCmdScan s;

    setup();
    /* store-data, SRM, flush and PIPE_CONTROL writes into another VM */
    expect(SCAN(HSW_RCS, &s, MI_SDI | MI_SDI_GGTT, 0, FOREIGN, 1), &s,
           VGT_CMD_BAD_ADDRESS, "MI_STORE_DATA_IMM");
    expect(SCAN(HSW_RCS, &s, MI_SRM | MI_SDI_GGTT, 0x2358, FOREIGN), &s,
           VGT_CMD_BAD_ADDRESS, NULL);
    expect(SCAN(HSW_BCS, &s, MI_FLUSH_DW | (1u << 14),
                FOREIGN | 4, 0), &s, VGT_CMD_BAD_ADDRESS, "post-sync");
    expect(SCAN(HSW_RCS, &s, PIPE_CONTROL4, 0x01004000, FOREIGN, 0),
           &s, VGT_CMD_BAD_ADDRESS, "PIPE_CONTROL");
    /* the last bytes of a write may not cross out of the VM either */
    expect(SCAN(HSW_RCS, &s, MI(0x20, 3) | MI_SDI_GGTT, 0, VM_END - 4,
                1, 2), &s, VGT_CMD_BAD_ADDRESS, NULL);
    /* the status page index must stay inside the page */
    expect(SCAN(HSW_RCS, &s, MI_STORE_INDEX, 0xffc, 1), &s, VGT_CMD_OK,
           NULL);
    expect(SCAN(HSW_RCS, &s, MI(0x21, 2), 0xffc, 1, 2), &s,
           VGT_CMD_BAD_ADDRESS, "status page");
    /* flush's index is a qword in the page by construction (11:3) */
    expect(SCAN(HSW_BCS, &s, MI_FLUSH_DW | (1u << 21) | (1u << 14),
                0xffc, 0), &s, VGT_CMD_OK, NULL);
    /* batch starts into another VM: not readable, never copied */
    expect(SCAN(HSW_RCS, &s, MI_BB_START, FOREIGN), &s, VGT_CMD_FAULT,
           NULL);
    /* a context image that ends outside the VM */
    expect(SCAN(HSW_RCS, &s, MI_SET_CONTEXT, (VM_END - 0x1000) | 0x100),
           &s, VGT_CMD_BAD_ADDRESS, "MI_SET_CONTEXT");
    /* a PPGTT (non-privileged) batch may not ask for the GGTT at all */
    PUT(true, PPGTT_BATCH, MI_SDI | MI_SDI_GGTT, 0, SCRATCH, 1, MI_BB_END);
    expect(SCAN(HSW_RCS, &s, MI_BB_START | MI_BB_PPGTT, PPGTT_BATCH),
           &s, VGT_CMD_BAD_ADDRESS, "non-privileged");
    /* nor may a GGTT batch started non-secure (DW0 bit 13) */
    PUT(false, BATCH, MI_STORE_INDEX, 0x100, 1, MI_NOOP, MI_BB_END);
    expect(SCAN(HSW_RCS, &s, MI_BB_START | (1u << 13), BATCH), &s,
           VGT_CMD_BAD_ADDRESS, "status-page");
    /* without the bit, a store is a PPGTT address, even in the ring */
    expect(SCAN(HSW_RCS, &s, MI_SDI, 0, 0x90000000, 1), &s,
           VGT_CMD_BAD_ADDRESS, "PPGTT");
    PUT(true, PPGTT_BATCH, MI_SDI, 0, 0x90000000, 1, MI_BB_END);
    expect(SCAN(HSW_RCS, &s, MI_BB_START | MI_BB_PPGTT, PPGTT_BATCH),
           &s, VGT_CMD_BAD_ADDRESS, "PPGTT");
}

static void test_rule_blits(void)
{
    VgtCmdScan s;
    uint32_t pitch = 1024 * 4;

    setup();
    /* a 1024x768 fill inside the VM, then one that runs out of it */
    expect(SCAN(HSW_BCS, &s, XY_COLOR_BLT, BLT_32BPP | pitch, 0,
                (768 << 16) | 1024, VM_BASE, 0xff00ff), &s, VGT_CMD_OK,
           NULL);
    expect(SCAN(HSW_BCS, &s, XY_COLOR_BLT, BLT_32BPP | pitch, 0,
                (768 << 16) | 1024, VM_END - pitch * 100, 0), &s,
           VGT_CMD_BAD_ADDRESS, "XY_COLOR_BLT");
    /* X-tiled: rows 0-39 are five tile rows of 8 x 4 KiB */
    expect(SCAN(HSW_BCS, &s, XY_COLOR_BLT | (1u << 11),
                BLT_32BPP | (pitch / 4), 0, (8 << 16) | 1,
                VM_END - pitch * 8, 0), &s, VGT_CMD_OK, NULL);
    expect(SCAN(HSW_BCS, &s, XY_COLOR_BLT | (1u << 11),
                BLT_32BPP | (pitch / 4), 0, (40 << 16) | 1,
                VM_END - pitch * 8 * 4, 0), &s, VGT_CMD_BAD_ADDRESS, NULL);
    /* a rectangle wider than the pitch reaches the next tile row */
    expect(SCAN(HSW_BCS, &s, XY_COLOR_BLT | (1u << 11),
                BLT_32BPP | (pitch / 4), (7 << 16), (8 << 16) | 2048,
                VM_END - pitch * 8, 0), &s, VGT_CMD_BAD_ADDRESS, NULL);
    expect(SCAN(HSW_BCS, &s, XY_COLOR_BLT | (1u << 11),
                BLT_32BPP | 100, 0, (8 << 16) | 8, VM_BASE, 0), &s,
           VGT_CMD_BAD_COMMAND, "tiles");
    /* a copy whose source is another VM's */
    expect(SCAN(HSW_BCS, &s, XY_SRC_COPY_BLT, BLT_32BPP | pitch, 0,
                (16 << 16) | 16, VM_BASE, 0, pitch, FOREIGN), &s,
           VGT_CMD_BAD_ADDRESS, "source");
    expect(SCAN(HSW_BCS, &s, XY_SRC_COPY_BLT, BLT_32BPP | pitch, 0,
                (16 << 16) | 16, VM_BASE, 0, pitch, VM_BASE + (1 << 20)),
           &s, VGT_CMD_OK, NULL);
    /* text goes where XY_SETUP_BLT said */
    expect(SCAN(HSW_BCS, &s, XY_SETUP_BLT, BLT_32BPP | pitch, 0,
                (768 << 16) | 1024, VM_BASE, 0, 0xffffff, 0,
                XY_TEXT_IMM + 4, (8 << 16) | 0, (24 << 16) | 8, 0, 0, 0, 0),
           &s, VGT_CMD_OK, NULL);
    /* 8 x 16 pixels need 128 bits of immediate data, not 32 */
    expect(SCAN(HSW_BCS, &s, XY_SETUP_BLT, BLT_32BPP | pitch, 0,
                (768 << 16) | 1024, VM_BASE, 0, 0xffffff, 0,
                XY_TEXT_IMM, (8 << 16) | 0, (24 << 16) | 8, 0), &s,
           VGT_CMD_BAD_COMMAND, "immediate data");
    expect(SCAN(HSW_BCS, &s, XY_SETUP_BLT, BLT_32BPP | pitch, 0,
                (768 << 16) | 1024, VM_END - pitch, 0, 0xffffff, 0,
                XY_TEXT_IMM + 4, (8 << 16) | 0, (24 << 16) | 8, 0, 0, 0, 0),
           &s, VGT_CMD_BAD_ADDRESS, "TEXT");
    expect(SCAN(HSW_BCS, &s, XY_TEXT_IMM, 0, (8 << 16) | 8, 0, 0), &s,
           VGT_CMD_BAD_COMMAND, "XY_SETUP_BLT");
    /* blitter commands belong to the blitter */
    expect(SCAN(HSW_RCS, &s, XY_COLOR_BLT, BLT_32BPP | pitch, 0,
                (1 << 16) | 1, VM_BASE, 0), &s, VGT_CMD_BAD_COMMAND,
           "engine");
}

/* Blits at the edges of the blitter's 16-bit fields. */
static void test_rule_blit_boundaries(void)
{
    VgtCmdScan s;

    setup();
    /* the pitch is signed: 0x7fff is the largest, 0x8000 walks down */
    expect(SCAN(HSW_BCS, &s, XY_COLOR_BLT, BLT_32BPP | 0x7fff, 0,
                (1 << 16) | 1, VM_BASE, 0), &s, VGT_CMD_OK, NULL);
    expect(SCAN(HSW_BCS, &s, XY_COLOR_BLT, BLT_32BPP | 0x8000, 0,
                (1 << 16) | 1, VM_BASE + 0x100000, 0), &s,
           VGT_CMD_BAD_COMMAND, "negative");
    expect(SCAN(HSW_BCS, &s, XY_COLOR_BLT, BLT_32BPP | 0xffff, 0,
                (2 << 16) | 1, VM_BASE + 0x100000, 0), &s,
           VGT_CMD_BAD_COMMAND, "negative");
    expect(SCAN(HSW_BCS, &s, XY_COLOR_BLT, BLT_32BPP | 0, 0,
                (1 << 16) | 1, VM_BASE, 0), &s, VGT_CMD_BAD_COMMAND,
           "pitch of 0");
    /* empty rectangles (x2 <= x1) reach nothing, wherever they are */
    expect(SCAN(HSW_BCS, &s, XY_COLOR_BLT, BLT_32BPP | 64, 0xffffffff,
                0xffffffff, FOREIGN, 0), &s, VGT_CMD_OK, NULL);
    /* source corners: up to 65535 inclusive, then they would wrap */
    expect(SCAN(HSW_BCS, &s, XY_SRC_COPY_BLT, BLT_32BPP | 4, 0,
                (1 << 16) | 16, VM_BASE, 0xfff0, 4, VM_BASE), &s,
           VGT_CMD_OK, NULL);
    expect(SCAN(HSW_BCS, &s, XY_SRC_COPY_BLT, BLT_32BPP | 4, 0,
                (1 << 16) | 17, VM_BASE, 0xfff0, 4, VM_BASE), &s,
           VGT_CMD_BAD_COMMAND, "65535");
    expect(SCAN(HSW_BCS, &s, XY_SRC_COPY_BLT, BLT_32BPP | 4, 0,
                (2 << 16) | 1, VM_BASE, 0xffffu << 16, 4, VM_BASE), &s,
           VGT_CMD_BAD_COMMAND, "65535");
    /* the largest rectangle, 32 bpp: its span, in 64 bits */
    expect(SCAN(HSW_BCS, &s, XY_COLOR_BLT, BLT_32BPP | 0x7fff, 0,
                0xffffffff, VM_BASE, 0), &s, VGT_CMD_BAD_ADDRESS,
           "XY_COLOR_BLT");
}

/* ---- 3D and media state (hsw_cmd_3d_operand) ------------------------ */

#define SBA             0x61010008u
#define SBA_MODIFY      1u
#define VB(n)           (0x78080000u | (4 * (n) - 1))
#define VB_NULL         (1u << 13)
#define VB_MODIFY       (1u << 14)
#define IB              0x780a0001u
#define CONSTANT_VS     0x78150005u
#define DEPTH_BUFFER    0x78050005u
#define SO_BUFFER       0x79180002u
#define GATHER_POOL     0x791a0001u
#define STATE_PREFETCH  0x60030000u
#define GTT_4G          0xffffffffu

/* Scan @n dwords as a GGTT batch started from the ring (privileged or not). */
static VgtCmdResult scan_batch(bool privileged, bool pp, const uint32_t *dw,
                               size_t n, VgtCmdScan *s)
{
    uint32_t at = pp ? PPGTT_BATCH : BATCH;

    put(pp, put(pp, at, dw, n), (const uint32_t[]){ MI_BB_END }, 1);
    return SCAN(HSW_RCS, s, MI_BB_START | (pp ? MI_BB_PPGTT : 0) |
                (privileged ? 0 : (1u << 13)), at);
}

#define BATCH_SCAN(priv, pp, s, ...) \
    scan_batch(priv, pp, (const uint32_t[]){ __VA_ARGS__ }, \
               NWORDS(__VA_ARGS__), s)

static void test_rule_3d_ggtt(void)
{
    VgtCmdScan s;

    setup();
    /*
     * i915's null-state batch (gt/gen7_renderstate.c): surface, dynamic
     * and instruction bases at the batch, bounds "modify to 0" (none),
     * a null vertex buffer whose end is 0xffffffff: a privileged GGTT
     * batch may do that, the bases' pages being the VM's.
     */
    expect(BATCH_SCAN(true, false, &s, 0x69040000, SBA, 0, BATCH | 1,
                      BATCH | 1, 0, BATCH | 1, 0, 1, 0, 1,
                      0x78080003, 0x6008 | VB_MODIFY, BATCH + 0x340,
                      GTT_4G, 0, 0x7b000005, 0xf, 3, 0, 1, 0, 0),
           &s, VGT_CMD_OK, NULL);
    expect(BATCH_SCAN(false, false, &s, SBA, 0, BATCH | 1, 0, 0, 0, 0, 0,
                      0, 0), &s, VGT_CMD_BAD_ADDRESS, "non-privileged");
    expect(BATCH_SCAN(true, false, &s, SBA, 0, FOREIGN | 1, 0, 0, 0, 0, 0,
                      0, 0), &s, VGT_CMD_BAD_ADDRESS,
           "STATE_BASE_ADDRESS Surface State Base Address");
    /* bounded bases: [base, bound) wholly the VM's */
    expect(SCAN(HSW_RCS, &s, SBA, 0, 0, VM_BASE | 1, 0, 0, 0, VM_END | 1,
                0, 0), &s, VGT_CMD_OK, NULL);
    expect(SCAN(HSW_RCS, &s, SBA, 0, 0, VM_BASE | 1, 0, 0, 0,
                (VM_END + 0x1000) | 1, 0, 0), &s, VGT_CMD_BAD_ADDRESS,
           "Dynamic State Base Address");
    expect(SCAN(HSW_RCS, &s, SBA, 0, 0, 0, 0, (VM_BASE - 0x1000) | 1, 0, 0,
                0, (VM_BASE + 0x1000) | 1), &s, VGT_CMD_BAD_ADDRESS,
           "Instruction Base Address");
    /* a bound at or below its base: nothing is reachable */
    expect(SCAN(HSW_RCS, &s, SBA, FOREIGN | 1, 0, 0, 0, 0, FOREIGN | 1, 0,
                0, 0), &s, VGT_CMD_OK, NULL);
    /* a new bound for an old base: the base is not known here */
    expect(SCAN(HSW_RCS, &s, SBA, 0, 0, 0, 0, 0, 0, VM_END | 1, 0, 0), &s,
           VGT_CMD_BAD_ADDRESS, "without its base");
    /*
     * an unbounded base: STATE_BASE_ADDRESS's in a privileged batch (the
     * page at the base), anything else refused
     */
    expect(SCAN(HSW_RCS, &s, SBA, 0, 0, 0, VM_BASE | 1, 0, 0, 0, 0, 0), &s,
           VGT_CMD_OK, NULL);
    expect(SCAN(HSW_RCS, &s, SBA, 0, 0, 0, (VM_END - 0x1000) | 1, 0, 0, 0, 0,
                0), &s, VGT_CMD_OK, NULL);
    expect(SCAN(HSW_RCS, &s, SBA, 0, 0, 0, VM_END | 1, 0, 0, 0, 0, 0), &s,
           VGT_CMD_BAD_ADDRESS, "Indirect Object Base Address");
    expect(SCAN(HSW_RCS, &s, DEPTH_BUFFER, 1u << 29, VM_BASE, 0, 0, 0, 0),
           &s, VGT_CMD_BAD_ADDRESS, "nothing bounds");
    expect(SCAN(HSW_RCS, &s, DEPTH_BUFFER, 7u << 29, FOREIGN, 0, 0, 0, 0),
           &s, VGT_CMD_OK, NULL);
    expect(SCAN(HSW_RCS, &s, GATHER_POOL, VM_BASE | (1 << 11), 0), &s,
           VGT_CMD_BAD_ADDRESS, "nothing bounds");
    expect(SCAN(HSW_RCS, &s, GATHER_POOL, VM_BASE | (1 << 11), VM_END), &s,
           VGT_CMD_OK, NULL);
    /* lengths other than the command's: refused before any field */
    expect(SCAN(HSW_RCS, &s, 0x61010000, 0), &s, VGT_CMD_BAD_COMMAND,
           "STATE_BASE_ADDRESS length 2");
    expect(SCAN(HSW_RCS, &s, 0x610100ff), &s, VGT_CMD_BAD_COMMAND, NULL);
}

static void test_rule_3d_boundaries(void)
{
    VgtCmdScan s;

    setup();
    /* vertex buffers: end inclusive; 0, 1, the last byte, one past */
    expect(SCAN(HSW_RCS, &s, VB(1), VB_MODIFY, VM_END - 1, VM_END - 1, 0),
           &s, VGT_CMD_OK, NULL);
    expect(SCAN(HSW_RCS, &s, VB(1), VB_MODIFY, VM_END - 16, VM_END, 0), &s,
           VGT_CMD_BAD_ADDRESS, "3DSTATE_VERTEX_BUFFERS");
    expect(SCAN(HSW_RCS, &s, VB(2), VB_MODIFY, VM_BASE, VM_BASE + 15, 0,
                VB_MODIFY | (1u << 26), FOREIGN, FOREIGN + 15, 0), &s,
           VGT_CMD_BAD_ADDRESS, "Buffer Starting Address");
    /* an end below the start: the hardware fetches nothing */
    expect(SCAN(HSW_RCS, &s, VB(1), VB_MODIFY, FOREIGN, FOREIGN - 1, 0), &s,
           VGT_CMD_OK, NULL);
    /* [0, 0xffffffff]: 4 GiB, which a 32-bit length would call 0 */
    expect(SCAN(HSW_RCS, &s, VB(1), VB_MODIFY, 0, GTT_4G, 0), &s,
           VGT_CMD_BAD_ADDRESS, "4 GiB");
    /* not modified, or null: not read */
    expect(SCAN(HSW_RCS, &s, VB(1), 0, FOREIGN, FOREIGN + 15, 0), &s,
           VGT_CMD_OK, NULL);
    expect(SCAN(HSW_RCS, &s, VB(1), VB_MODIFY | VB_NULL, 0, GTT_4G, 0), &s,
           VGT_CMD_OK, NULL);
    /* not whole VERTEX_BUFFER_STATEs */
    expect(SCAN(HSW_RCS, &s, 0x78080001, VB_MODIFY, VM_BASE), &s,
           VGT_CMD_BAD_COMMAND, "whole elements");
    expect(SCAN(HSW_RCS, &s, 0x78080004, VB_MODIFY, VM_BASE, VM_BASE, 0, 0),
           &s, VGT_CMD_BAD_COMMAND, "whole elements");
    /* index buffers the same way */
    expect(SCAN(HSW_RCS, &s, IB, VM_BASE, VM_END - 1), &s, VGT_CMD_OK,
           NULL);
    expect(SCAN(HSW_RCS, &s, IB, VM_BASE, VM_END), &s, VGT_CMD_BAD_ADDRESS,
           "3DSTATE_INDEX_BUFFER");
    /* stream-out: an exclusive end, written */
    expect(SCAN(HSW_RCS, &s, SO_BUFFER, 0, VM_END - 4, VM_END), &s,
           VGT_CMD_OK, NULL);
    expect(SCAN(HSW_RCS, &s, SO_BUFFER, 0, VM_END - 4, VM_END + 4), &s,
           VGT_CMD_BAD_ADDRESS, "3DSTATE_SO_BUFFER");
    /* push constants: read length x 32 bytes; length 0 is unused */
    expect(SCAN(HSW_RCS, &s, CONSTANT_VS, 1, 0, VM_END - 32, 0, 0, 0), &s,
           VGT_CMD_OK, NULL);
    expect(SCAN(HSW_RCS, &s, CONSTANT_VS, 2, 0, VM_END - 32, 0, 0, 0), &s,
           VGT_CMD_BAD_ADDRESS, "Constant Buffer 0");
    expect(SCAN(HSW_RCS, &s, CONSTANT_VS, 0xffffu << 16, 0, 0,
                VM_END - 32, 0, 0), &s, VGT_CMD_BAD_ADDRESS,
           "Constant Buffer 1");
    expect(SCAN(HSW_RCS, &s, CONSTANT_VS, 0, 0, FOREIGN, FOREIGN, FOREIGN,
                FOREIGN), &s, VGT_CMD_OK, NULL);
    /* a prefetch reads up to 8 cachelines */
    expect(SCAN(HSW_RCS, &s, STATE_PREFETCH, VM_END - 512), &s, VGT_CMD_OK,
           NULL);
    expect(SCAN(HSW_RCS, &s, STATE_PREFETCH, VM_END - 64), &s,
           VGT_CMD_BAD_ADDRESS, "Prefetch Pointer");
}

static void test_rule_3d_ppgtt(void)
{
    VgtCmdScan s;

    setup();
    /* Mesa's bounds (0xfffff000) and unbounded state: the PPGTT's pages */
    expect(BATCH_SCAN(false, true, &s, SBA, 1, 1, 1, 1, 1, 0xfffff001,
                      0xfffff001, 0xfffff001, 0xfffff001), &s, VGT_CMD_OK,
           NULL);
    expect(BATCH_SCAN(false, true, &s, DEPTH_BUFFER, 1u << 29, 0x7ffff000,
                      0, 0, 0, 0), &s, VGT_CMD_OK, NULL);
    expect(BATCH_SCAN(false, true, &s, SBA, 0, 0x80000001, 0, 0, 0, 0, 0,
                      0, 0), &s, VGT_CMD_BAD_ADDRESS, "2 GiB");
    /* known extents end inside the PPGTT, without wrapping */
    expect(BATCH_SCAN(false, true, &s, VB(1), VB_MODIFY, 0, 0x7fffffff, 0),
           &s, VGT_CMD_OK, NULL);
    expect(BATCH_SCAN(false, true, &s, VB(1), VB_MODIFY, 0x7ffff000,
                      0x80000fff, 0), &s, VGT_CMD_BAD_ADDRESS, "2 GiB");
    expect(BATCH_SCAN(false, true, &s, VB(1), VB_MODIFY, 0x80000000,
                      0x80000000, 0), &s, VGT_CMD_BAD_ADDRESS, "2 GiB");
    expect(BATCH_SCAN(false, true, &s, VB(1), VB_MODIFY, 0, GTT_4G, 0), &s,
           VGT_CMD_BAD_ADDRESS, "2 GiB");
    /* i915's clear-residuals batch: PPGTT bases, media offsets */
    expect(BATCH_SCAN(false, true, &s, 0x69040001, SBA, 1, 1, 1, 1, 1, 1,
                      1, 1, 1, 0x70000006, 0, 0, 0, 0, 0, 0, 0,
                      0x70020002, 0, 0x40, 0, 0x71000007, 0, 0, 0, 0, 0, 0,
                      0, 0), &s, VGT_CMD_OK, NULL);
}

static void test_rule_display(void)
{
    VgtCmdEnv env = env_for(HSW_RCS);
    VgtCmdScan s;

    setup();
    /* flips and waits name the VM's pipes; surface inside its memory */
    expect(SCAN(HSW_RCS, &s, MI_FLIP | (2u << 19), 4096 * 4, VM_BASE),
           &s, VGT_CMD_OK, NULL);
    expect(SCAN(HSW_RCS, &s, MI_FLIP | (2u << 19), 4096 * 4, FOREIGN),
           &s, VGT_CMD_BAD_ADDRESS, "surface");
    expect(SCAN(HSW_RCS, &s, MI_FLIP | (7u << 19), 0, VM_BASE), &s,
           VGT_CMD_BAD_COMMAND, "plane");
    expect(SCAN(HSW_RCS, &s, MI_WAIT_EVENT | (1u << 21)), &s,
           VGT_CMD_OK, NULL);
    env.npipes = 1;
    put(false, RING, (const uint32_t[]){ MI_WAIT_EVENT | (1u << 11) }, 1);
    expect(vgt_cmd_scan_ring(&env, RING, RING_SIZE, 0, 8, &s), &s,
           VGT_CMD_BAD_COMMAND, "pipe B");
    expect(SCAN(HSW_RCS, &s, MI_WAIT_EVENT | (1u << 22)), &s,
           VGT_CMD_BAD_COMMAND, "reserved");
}

static void test_rule_unknown(void)
{
    VgtCmdScan s;

    setup();
    expect(SCAN(HSW_RCS, &s, MI(0x3f, 0)), &s, VGT_CMD_BAD_COMMAND,
           "unknown");
    expect(SCAN(HSW_RCS, &s, 0x20000000), &s, VGT_CMD_BAD_COMMAND,
           "unknown");
    expect(SCAN(HSW_RCS, &s, 0xe0000000), &s, VGT_CMD_BAD_COMMAND,
           "unknown");
    /* an unaudited blitter command */
    expect(SCAN(HSW_BCS, &s, (2u << 29) | (0x54 << 22) | 6, 0, 0, 0, 0,
                0, 0, 0), &s, VGT_CMD_BAD_COMMAND, "unknown");
    /* 3D commands on the video ring: MFX/VEBOX, refused by name */
    expect(SCAN(HSW_VCS, &s, PIPE_CONTROL4, 0, 0, 0), &s,
           VGT_CMD_DENIED, "MFX/VEBOX: not audited");
    expect(SCAN(HSW_VECS, &s, 0x74000002, 0, 0, 0), &s,
           VGT_CMD_DENIED, "not audited");
    expect(SCAN(HSW_BCS, &s, PIPE_CONTROL4, 0, 0, 0), &s,
           VGT_CMD_BAD_COMMAND, "engine");
    /* MI_BATCH_BUFFER_END directly in the ring */
    expect(SCAN(HSW_RCS, &s, MI_BB_END, MI_NOOP), &s,
           VGT_CMD_BAD_COMMAND, "in the ring");
}

static void test_runaway(void)
{
    VgtCmdScan s;

    setup();
    /* a batch that chains to itself forever */
    PUT(false, BATCH, MI_NOOP, MI_BB_START, BATCH);
    expect(SCAN(HSW_RCS, &s, MI_BB_START, BATCH), &s, VGT_CMD_LIMIT,
           "batch buffers");
    /* a batch without an end runs out of readable memory or the limit */
    memset(gm + BATCH, 0, 0x1000);
    expect(SCAN(HSW_RCS, &s, MI_BB_START, VM_END - 0x1000), &s,
           VGT_CMD_FAULT, NULL);
}

/* ---- runs the scanner only measures (MI_NOOP, 3D/media state) -------- */

#define MEDIA_STATE9    0x71000007      /* media state, 9 dwords, no address */
#define VB_ELEM0_MODIFY (1u << 14)      /* VERTEX_BUFFER_STATE address modify */

/*
 * Long runs of commands that need no audit, across pages, with audited
 * commands after them: the copy is the stream, every command is counted,
 * and the audit still sees what follows a run.
 */
static void test_fast_runs(void)
{
    VgtCmdEnv env = env_for(HSW_RCS);
    uint32_t bb = BATCH + 0x1000 - 16, p = bb, end;
    VgtCmdScan s;
    unsigned i, j;

    setup();
    for (i = 0; i < 3000; i++) {        /* 12 KB of MI_NOOP */
        p = PUT(false, p, MI_NOOP);
    }
    for (i = 0; i < 500; i++) {         /* 18 KB of media state */
        p = PUT(false, p, MEDIA_STATE9);
        for (j = 0; j < 8; j++) {
            p = PUT(false, p, i * 8 + j);
        }
    }
    end = PUT(false, p, PIPE_CONTROL4, 0x011050a1, SCRATCH, 1, MI_BB_END);
    SCAN(HSW_RCS, &s, MI_BB_START, bb);
    g_assert_cmpint(s.result, ==, VGT_CMD_OK);
    g_assert_cmpuint(s.nsegments, ==, 2);
    g_assert_cmpuint(s.segment[1].copy->len, ==, end - bb);
    g_assert_cmpmem(s.segment[1].copy->data, s.segment[1].copy->len,
                    gm + bb, end - bb);
    /* ring: MI_BB_START; batch: 3000 + 500 + 2 */
    g_assert_cmpuint(s.ncommands, ==, 1 + 3000 + 500 + 2);
    vgt_cmd_scan_free(&s);

    /* the same runs, then a post-sync write into another VM */
    PUT(false, p, PIPE_CONTROL4, 0x011050a1, FOREIGN, 1, MI_BB_END);
    expect(SCAN(HSW_RCS, &s, MI_BB_START, bb), &s, VGT_CMD_BAD_ADDRESS,
           "PIPE_CONTROL");
    /* ... or a vertex buffer there */
    PUT(false, p, 0x78080003, VB_ELEM0_MODIFY, FOREIGN, FOREIGN + 64, 0,
        MI_BB_END);
    expect(SCAN(HSW_RCS, &s, MI_BB_START, bb), &s, VGT_CMD_BAD_ADDRESS,
           "3DSTATE_VERTEX_BUFFERS");

    /* the dword budget ends inside a run of MI_NOOP */
    env.max_dwords = 1000;
    PUT(false, RING, MI_BB_START, bb);
    expect(vgt_cmd_scan_ring(&env, RING, RING_SIZE, 0, 8, &s), &s,
           VGT_CMD_LIMIT, "more than 1000 dwords");
    env.max_dwords = 0;

    /* a media command whose tail is on a page the VM does not have */
    memset(gm + VM_END - 0x1000, 0, 0x1000);
    PUT(false, VM_END - 8, MEDIA_STATE9, 0);
    expect(SCAN(HSW_RCS, &s, MI_BB_START, VM_END - 0x1000), &s,
           VGT_CMD_FAULT, "not readable");

    /* media state straddling the end of the ring */
    PUT(false, RING + RING_SIZE - 16, MEDIA_STATE9, 1, 2, 3);
    PUT(false, RING, 4, 5, 6, 7, 8, MI_NOOP);
    expect(vgt_cmd_scan_ring(&env, RING, RING_SIZE, RING_SIZE - 16, 24, &s),
           &s, VGT_CMD_OK, NULL);
    /* ... and past TAIL */
    expect(vgt_cmd_scan_ring(&env, RING, RING_SIZE, RING_SIZE - 16, 16, &s),
           &s, VGT_CMD_BAD_COMMAND, "past the end");
}

/*
 * The short cuts of an untraced scan (runs measured without a decode
 * each, PIPE_CONTROLs without a post-sync write audited without a call)
 * against the same scan traced, which decodes every command in full:
 * the same result and message, the same copies, counts and fixups.
 */
static void trace_nothing(void *opaque, unsigned segment, uint32_t offset,
                          const struct hsw_cmd_trace *t)
{
}

static VgtCmdResult scan_both_ways(VgtCmdEnv *env, uint32_t head,
                                   uint32_t tail)
{
    VgtCmdScan fast, slow;
    VgtCmdResult r;
    unsigned i;

    env->trace = NULL;
    r = vgt_cmd_scan_ring(env, RING, RING_SIZE, head, tail, &fast);
    env->trace = trace_nothing;
    g_assert_cmpint(vgt_cmd_scan_ring(env, RING, RING_SIZE, head, tail,
                                      &slow), ==, r);
    env->trace = NULL;
    g_assert_cmpstr(fast.why, ==, slow.why);
    g_assert_cmpstr(fast.remap_refused, ==, slow.remap_refused);
    g_assert_cmpuint(fast.ndwords, ==, slow.ndwords);
    g_assert_cmpuint(fast.ncommands, ==, slow.ncommands);
    g_assert_cmpuint(fast.user_interrupt, ==, slow.user_interrupt);
    g_assert_cmpuint(fast.ppgtt, ==, slow.ppgtt);
    g_assert_cmpuint(fast.nsegments, ==, slow.nsegments);
    for (i = 0; i < fast.nsegments; i++) {
        const VgtCmdSegment *a = &fast.segment[i], *b = &slow.segment[i];

        g_assert_cmphex(a->gma, ==, b->gma);
        g_assert_cmpuint(a->ppgtt, ==, b->ppgtt);
        g_assert_cmpuint(a->privileged, ==, b->privileged);
        g_assert_cmpuint(a->level, ==, b->level);
        if (i) {
            g_assert_cmpuint(a->parent, ==, b->parent);
            g_assert_cmpuint(a->parent_offset, ==, b->parent_offset);
        }
        g_assert_cmpmem(a->copy->data, a->copy->len, b->copy->data,
                        b->copy->len);
    }
    g_assert_cmpuint(!fast.fixups, ==, !slow.fixups);
    if (fast.fixups) {
        g_assert_cmpuint(fast.fixups->len, ==, slow.fixups->len);
        for (i = 0; i < fast.fixups->len; i++) {
            const VgtCmdFixup *a = &g_array_index(fast.fixups, VgtCmdFixup, i);
            const VgtCmdFixup *b = &g_array_index(slow.fixups, VgtCmdFixup, i);

            g_assert_cmphex(a->gma, ==, b->gma);
            g_assert_cmphex(a->len, ==, b->len);
            g_assert_cmphex(a->cmd_gma, ==, b->cmd_gma);
            g_assert_cmpstr(a->what, ==, b->what);
            g_assert_cmpuint(a->offset, ==, b->offset);
            g_assert_cmphex(a->mask, ==, b->mask);
            g_assert_cmpuint(a->segment, ==, b->segment);
            g_assert_cmpuint(a->optional, ==, b->optional);
        }
    }
    vgt_cmd_scan_free(&fast);
    vgt_cmd_scan_free(&slow);
    return r;
}

/* Scan the batch at @bb both ways (a privileged GGTT batch). */
static VgtCmdResult scan_batch_both_ways(VgtCmdEnv *env, uint32_t bb)
{
    PUT(false, RING, MI_BB_START, bb);
    return scan_both_ways(env, 0, 8);
}

/* PIPE_CONTROL DW1: a post-sync write of a qword through the GGTT */
#define PIPE_CONTROL_GGTT_QW    ((1u << 24) | (1u << 14))

static void test_fast_path_boundaries(void)
{
    VgtCmdEnv env = env_for(HSW_RCS);
    uint32_t page = BATCH + 0x2000, bb, p, i, j;

    setup();
    /* a run whose last command ends where a page does, or past it */
    for (i = 0; i < 3; i++) {
        bb = page - 9 * 4 * 20 + 4 * i;
        for (p = bb, j = 0; j < 20; j++) {
            p = PUT(false, p, MEDIA_STATE9, 0, 0, 0, 0, 0, 0, 0, 0);
        }
        PUT(false, p, PIPE_CONTROL4, 0, 0, 0, MI_BB_END);
        g_assert_cmpint(scan_batch_both_ways(&env, bb), ==, VGT_CMD_OK);
    }
    /* audited commands straddling a page, with and without an operand */
    for (i = 0; i < 4; i++) {
        p = page - 4 * (i + 1);
        PUT(false, p, PIPE_CONTROL4, i & 1 ? PIPE_CONTROL_GGTT_QW : 0,
            i & 2 ? FOREIGN : SCRATCH, 0, MI_BB_END);
        g_assert_cmpint(scan_batch_both_ways(&env, p), ==,
                        (i & 3) == 3 ? VGT_CMD_BAD_ADDRESS : VGT_CMD_OK);
        PUT(false, p, VB(1), VB_MODIFY, i & 2 ? FOREIGN : SCRATCH,
            (i & 2 ? FOREIGN : SCRATCH) + 15, 0, MI_BB_END);
        g_assert_cmpint(scan_batch_both_ways(&env, p), ==,
                        i & 2 ? VGT_CMD_BAD_ADDRESS : VGT_CMD_OK);
    }
    /* malformed lengths after a run: the decoder's refusal, both ways */
    for (i = 0; i < 4; i++) {
        static const uint32_t bad[] = {
            0x7a000001, 0x7a000005, MI_LRI(1) + 1, 0x78080004,
        };

        p = PUT(false, BATCH, MI_NOOP, MI_NOOP, MEDIA_STATE9, 0, 0, 0, 0, 0,
                0, 0, 0);
        PUT(false, p, bad[i], 0, 0, 0, 0, 0, 0, MI_BB_END);
        g_assert_cmpint(scan_batch_both_ways(&env, BATCH), ==,
                        VGT_CMD_BAD_COMMAND);
    }
    /* the dword budget ends inside a run, at its end, past it */
    for (i = 0; i < 3; i++) {
        p = PUT(false, BATCH, MEDIA_STATE9, 0, 0, 0, 0, 0, 0, 0, 0,
                MEDIA_STATE9, 0, 0, 0, 0, 0, 0, 0, 0);
        PUT(false, p, MI_BB_END);
        env.max_dwords = 2 + 9 + 8 + i;
        g_assert_cmpint(scan_batch_both_ways(&env, BATCH), ==,
                        i < 2 ? VGT_CMD_LIMIT : VGT_CMD_OK);
    }
    env.max_dwords = 0;
    /* a run in the ring up to TAIL, across its wrap, and past TAIL */
    memset(gm + RING, 0, RING_SIZE);
    PUT(false, RING + RING_SIZE - 40, MEDIA_STATE9, 1, 2, 3, 4, 5, 6, 7, 8,
        MI_NOOP);
    PUT(false, RING, MEDIA_STATE9, 1, 2, 3, 4, 5, 6, 7, 8, MI_NOOP,
        PIPE_CONTROL4, PIPE_CONTROL_GGTT_QW, SCRATCH, 0, MI_USER_INT,
        MI_NOOP);
    g_assert_cmpint(scan_both_ways(&env, RING_SIZE - 40, 64), ==,
                    VGT_CMD_OK);
    g_assert_cmpint(scan_both_ways(&env, RING_SIZE - 40, 40), ==,
                    VGT_CMD_OK);
    g_assert_cmpint(scan_both_ways(&env, RING_SIZE - 40, 16), ==,
                    VGT_CMD_BAD_COMMAND);
}

/* Random mixes of what the short cuts take and what they do not. */
static void test_fast_paths_random(void)
{
    GRand *rand = g_rand_new_with_seed(0x66617374);
    VgtCmdEnv env = env_for(HSW_RCS);
    uint32_t start, p, end, dw, i, j, n;
    int round;

    setup();
    for (round = 0; round < 3000; round++) {
        start = BATCH + 4 * g_rand_int_range(rand, 0, 3 * 1024);
        end = start + 4 * g_rand_int_range(rand, 16, 2048);
        for (p = start; p < end;) {
            switch (g_rand_int_range(rand, 0, 9)) {
            case 0:     /* a run of MI_NOOP or of one media state */
            case 1:
                dw = g_rand_boolean(rand) ? MI_NOOP :
                     0x71000000 | g_rand_int_range(rand, 0, 12);
                n = g_rand_int_range(rand, 1, 40);
                for (i = 0; i < n && p < end; i++) {
                    p = PUT(false, p, dw);
                    for (j = 0; j < (dw ? (dw & 0xffff) + 1 : 0); j++) {
                        p = PUT(false, p, g_rand_int(rand));
                    }
                }
                break;
            case 2:     /* PIPE_CONTROL, most often without a post-sync */
            case 3:
                p = PUT(false, p, PIPE_CONTROL4 + g_rand_int_range(rand, 0, 3),
                        g_rand_int_range(rand, 0, 8) ? 0x00100002 :
                        g_rand_int(rand), g_rand_boolean(rand) ? SCRATCH :
                        g_rand_int(rand), 0, 0, 0);
                p -= 4 * 2;
                break;
            case 4:     /* a vertex buffer */
                dw = g_rand_int(rand) & (VB_MODIFY | VB_NULL);
                p = PUT(false, p, VB(1), dw, SCRATCH,
                        SCRATCH + g_rand_int_range(rand, -8, 64), 0);
                break;
            case 5:
                p = PUT(false, p, MI_USER_INT);
                break;
            case 6:     /* a header of any kind */
                p = PUT(false, p, g_rand_int(rand));
                break;
            default:    /* 3D state without addresses */
                p = PUT(false, p, 0x78090000 | g_rand_int_range(rand, 0, 4),
                        0, 0, 0, 0, 0);
                p -= 4 * (4 - (g_rand_int_range(rand, 0, 4)));
                break;
            }
        }
        PUT(false, p, MI_BB_END);
        env.max_dwords = g_rand_int_range(rand, 0, 4) ? 0 :
                         g_rand_int_range(rand, 1, 2200);
        scan_batch_both_ways(&env, start);
    }
    g_rand_free(rand);
}

/* The 3D/media table is sorted (hsw_cmd_3d_lookup searches it). */
static void test_3d_table(void)
{
    const struct hsw_cmd_3d *t, *next;
    uint32_t n, i;

    t = hsw_cmd_3d_table(&n);
    g_assert_cmpuint(n, >, 10);
    for (i = 0; i < n; i++) {
        if (i) {
            g_assert_cmphex(t[i - 1].opcode, <, t[i].opcode);
        }
        g_assert_true(hsw_cmd_3d_lookup(t[i].opcode << 16 | 1) == &t[i]);
        /* a neighbour is found only if it is listed */
        next = hsw_cmd_3d_lookup((t[i].opcode + 1) << 16);
        g_assert_true(!next || next->opcode == t[i].opcode + 1);
    }
    /* not GFXPIPE, or GFXPIPE without address fields */
    g_assert_null(hsw_cmd_3d_lookup(0x18800000));
    g_assert_null(hsw_cmd_3d_lookup(MEDIA_STATE9));
    g_assert_null(hsw_cmd_3d_lookup(0x78090000));
}

static void test_copy_is_what_runs(void)
{
    VgtCmdScan s;

    setup();
    PUT(false, BATCH, MI_SDI | MI_SDI_GGTT, 0, SCRATCH, 1, MI_BB_END);
    SCAN(HSW_RCS, &s, MI_BB_START, BATCH);
    g_assert_cmpint(s.result, ==, VGT_CMD_OK);
    /* the guest rewrites its batch after the scan: the copy is unchanged */
    PUT(false, BATCH, MI_SDI | MI_SDI_GGTT, 0, FOREIGN, 1, MI_BB_END);
    g_assert_cmphex(ldl_le_p(s.segment[1].copy->data + 8), ==, SCRATCH);
    vgt_cmd_scan_free(&s);
}

static void test_relocate(void)
{
    VgtCmdScan s;
    uint64_t placed[3] = { 0, 0x7000000, 0x7100000 };

    setup();
    /* ring -> PPGTT batch -> second level */
    PUT(true, PPGTT_BATCH, MI_SDI, 0, 0x2000, 1,
        MI_BB_START | MI_BB_PPGTT | MI_BB_SECOND, PPGTT_BATCH + 0x100,
        MI_BB_END);
    PUT(true, PPGTT_BATCH + 0x100, MI_NOOP, MI_BB_END);
    SCAN(HSW_RCS, &s, MI_NOOP, MI_BB_START | MI_BB_PPGTT, PPGTT_BATCH);
    g_assert_cmpint(s.result, ==, VGT_CMD_OK);
    g_assert_cmpuint(s.nsegments, ==, 3);
    g_assert_cmpuint(s.segment[1].parent, ==, 0);
    g_assert_cmpuint(s.segment[1].parent_offset, ==, 4);
    g_assert_cmpuint(s.segment[2].parent, ==, 1);
    g_assert_cmpuint(s.segment[2].parent_offset, ==, 16);
    g_assert_false(s.segment[1].privileged);
    /* the copy is the batch, byte for byte */
    g_assert_cmpmem(s.segment[1].copy->data, s.segment[1].copy->len,
                    ppgtt + PPGTT_BATCH, 28);
    vgt_cmd_relocate(&s, placed);
    /* only the addresses change: the bits keep their meaning */
    g_assert_cmphex(ldl_le_p(s.segment[0].copy->data + 4), ==,
                    MI_BB_START | MI_BB_PPGTT);
    g_assert_cmphex(ldl_le_p(s.segment[0].copy->data + 8), ==, 0x7000000);
    g_assert_cmphex(ldl_le_p(s.segment[1].copy->data + 16), ==,
                    MI_BB_START | MI_BB_PPGTT | MI_BB_SECOND);
    g_assert_cmphex(ldl_le_p(s.segment[1].copy->data + 20), ==, 0x7100000);
    vgt_cmd_scan_free(&s);
}

static void test_garbage_streams(void)
{
    GRand *rand = g_rand_new_with_seed(0x76677421);
    VgtCmdEnv env = env_for(HSW_RCS);
    VgtCmdScan s;
    int round, i;

    /* random rings: every scan ends with a defined result */
    for (round = 0; round < 2000; round++) {
        uint32_t tail = 8 * g_rand_int_range(rand, 1, 64);

        for (i = 0; i < RING_SIZE / 4; i++) {
            uint32_t v = g_rand_int(rand);

            /* bias towards valid headers and in-VM addresses */
            if (g_rand_boolean(rand)) {
                v = (v & 0xe3ffffff) & ~(0x7fu << 22);
                v |= g_rand_int_range(rand, 0, 64) << 23;
            }
            stl_le_p(gm + RING + 4 * i, v);
        }
        env.engine = g_rand_int_range(rand, 0, HSW_NUM_ENGINES);
        vgt_cmd_scan_ring(&env, RING, RING_SIZE, 0, tail, &s);
        g_assert_cmpint(s.result, >=, VGT_CMD_OK);
        g_assert_cmpint(s.result, <=, VGT_CMD_LIMIT);
        vgt_cmd_scan_free(&s);
    }
    g_rand_free(rand);
}

/* ---- remapping to another partition (vgt_cmd_remap) ----------------- */

/*
 * The helper's partition: the VM's range [VM_BASE, view_end) moved by
 * @delta.  view_end below VM_END plays an audit that let through more
 * than the remap can move.
 */
typedef struct FakePart {
    int64_t delta;
    uint64_t view_end;
} FakePart;

static bool fake_to_host(void *opaque, uint64_t gma, uint64_t len,
                         uint64_t *hma)
{
    FakePart *p = opaque;

    if (gma < VM_BASE || gma > p->view_end || len > p->view_end - gma) {
        return false;
    }
    *hma = gma + p->delta;
    return true;
}

#define DELTA   0x10000000ll        /* 256 MiB up */

static VgtCmdResult scan_remap(unsigned engine, const uint32_t *dw, size_t n,
                               int64_t delta, VgtCmdScan *scan)
{
    FakePart part = { .delta = delta, .view_end = VM_END };

    if (scan_ring(engine, dw, n, scan) != VGT_CMD_OK) {
        return scan->result;
    }
    return vgt_cmd_remap(scan, fake_to_host, &part);
}

/*
 * The copy of segment @seg is @orig (@n dwords) with dwords @moved[] (and
 * only those) moved by @delta.
 */
static void check_moved(VgtCmdScan *scan, unsigned seg, const uint32_t *orig,
                        size_t n, const unsigned *moved, size_t nmoved,
                        int64_t delta)
{
    size_t i, j;

    g_assert_cmpuint(scan->segment[seg].copy->len, >=, n * 4);
    for (i = 0; i < n; i++) {
        uint32_t want = orig[i];
        uint32_t got = ldl_le_p(scan->segment[seg].copy->data + 4 * i);

        for (j = 0; j < nmoved; j++) {
            if (moved[j] == i) {
                want = orig[i] + (uint32_t)delta;
            }
        }
        if (got != want) {
            g_printerr("segment %u dword %zu\n", seg, i);
        }
        g_assert_cmphex(got, ==, want);
    }
}

/* 3D state in the GGTT moves with the VM's memory: base and bound. */
static void test_remap_3d(void)
{
    const uint32_t ring[] = {
        /* 0 */ SBA, 0, 0, SCRATCH | 1, 0, 0, 0, (SCRATCH + 0x10000) | 1,
                0, 0,
        /* 10 */ VB(1), VB_MODIFY, SCRATCH + 0x100, SCRATCH + 0x1ff, 0,
        /* 15 */ MI_NOOP,
    };
    static const unsigned moved[] = { 3, 7, 12, 13 };
    VgtCmdScan s;

    setup();
    g_assert_cmpint(scan_remap(HSW_RCS, ring, ARRAY_SIZE(ring), DELTA, &s),
                    ==, VGT_CMD_OK);
    check_moved(&s, 0, ring, ARRAY_SIZE(ring), moved, ARRAY_SIZE(moved),
                DELTA);
    vgt_cmd_scan_free(&s);
}

static void test_remap_move_field(void)
{
    uint32_t v = 0x12345678;

    /* address bits move, flag bits stay */
    g_assert_true(vgt_cmd_move_field(&v, 0xfffff000, 0x12345000,
                                     0x22345000));
    g_assert_cmphex(v, ==, 0x22345678);
    g_assert_true(vgt_cmd_move_field(&v, 0xfffff000, 0x22345000,
                                     0x02345000));
    g_assert_cmphex(v, ==, 0x02345678);
    /* below 0, beyond 32 bits, onto flag bits: refused, unchanged */
    g_assert_false(vgt_cmd_move_field(&v, 0xfffff000, 0x10000000, 0));
    g_assert_false(vgt_cmd_move_field(&v, 0xfffff000, 0, 0xfe000000));
    g_assert_false(vgt_cmd_move_field(&v, 0xfffff000, 0, 0x800));
    g_assert_cmphex(v, ==, 0x02345678);
    /* a whole dword (blit bases) up to its last byte */
    v = 0xfffffff0;
    g_assert_true(vgt_cmd_move_field(&v, 0xffffffff, 0, 0xf));
    g_assert_cmphex(v, ==, 0xffffffff);
    g_assert_false(vgt_cmd_move_field(&v, 0xffffffff, 0, 1));
    /* PP_DIR_BASE: 64 KiB units */
    v = 0x7fe00000;
    g_assert_true(vgt_cmd_move_field(&v, HSW_PP_DIR_BASE_ADDR_MASK, 0,
                                     0x10000));
    g_assert_cmphex(v, ==, 0x7fe10000);
    g_assert_false(vgt_cmd_move_field(&v, HSW_PP_DIR_BASE_ADDR_MASK, 0,
                                      0x1000));
}

/* PP_DIR_BASE's mask says what hsw_ppgtt_pde_index reads. */
static void test_remap_pp_dir_base_encoding(void)
{
    uint32_t pp = 0x7fe00000 | 0x1234;

    g_assert_cmphex(hsw_ppgtt_pde_index(pp, 0) << 12, ==,
                    pp & HSW_PP_DIR_BASE_ADDR_MASK);
    g_assert_cmphex((hsw_ppgtt_pde_index(pp, HSW_PPGTT_SIZE - 1) + 1) << 12,
                    ==, (pp & HSW_PP_DIR_BASE_ADDR_MASK) +
                    HSW_PPGTT_PD_GM_SIZE);
}

/* Every GGTT operand kind of the render ring, as i915 writes them. */
static void test_remap_rcs_operands(void)
{
    const uint32_t ring[] = {
        /* 0 */ MI_SDI | MI_SDI_GGTT, 0, SCRATCH + 0x10, 42,
        /* 4 */ MI_SDI, 0, 0x2000, 1,                   /* PPGTT */
        /* 8 */ MI_STORE_INDEX, 0x104, 7,               /* status page */
        /* 11 */ MI_SRM | MI_SDI_GGTT, RCS_TIMESTAMP, SCRATCH + 0x20,
        /* 14 */ MI_LRM | MI_SDI_GGTT, RCS_TIMESTAMP, SCRATCH + 0x24,
        /* 17 */ MI_COND_BB_END | MI_SDI_GGTT, 5, SCRATCH + 0x28,
        /* 20 */ MI_RPC, (SCRATCH + 0x40) | 1, 3,         /* GGTT bit 0 */
        /* 23 */ MI_RPC, 0x3000, 3,                     /* PPGTT */
        /* 26 */ MI_SET_CONTEXT, SCRATCH | 0x100 | 0x8 | 0x1,
        /* 28 */ MI_FLIP | (2u << 19), 4096 * 4, (SCRATCH + 0x100000) | 1,
        /* 31 */ PIPE_CONTROL4, 0x011050a1, SCRATCH + 0x104, 42,
        /* 35 */ PIPE_CONTROL4, 0x001050a1, 0x5004, 42, /* PPGTT */
        /* 39 */ PIPE_CONTROL4, 0x01204000, 0x108, 1,   /* status page */
        /* 43 */ PIPE_CONTROL4 + 1, 0x0100c000, SCRATCH + 0x208, 0, 0,
        /* 48 */ MI_LRI(2), 0x2220, 0xffffffff,         /* PP_DIR_DCLV */
                 RCS_PP_DIR_BASE, VM_BASE + 0x100000 + 0x10,
        /* 53 */ MI_LRI(1), RCS_PP_DIR_BASE, 0x7fe00000, /* not the VM's */
        /* 56 */ MI_USER_INT, MI_NOOP,
    };
    static const unsigned moved[] = { 2, 13, 16, 19, 21, 27, 30, 33, 45, 52 };
    VgtCmdScan s;

    setup();
    g_assert_cmpint(scan_remap(HSW_RCS, ring, ARRAY_SIZE(ring), DELTA, &s),
                    ==, VGT_CMD_OK);
    g_assert_cmpuint(s.fixups->len, ==, ARRAY_SIZE(moved) + 1);
    check_moved(&s, 0, ring, ARRAY_SIZE(ring), moved, ARRAY_SIZE(moved),
                DELTA);
    vgt_cmd_scan_free(&s);

    /* downwards too */
    setup();
    g_assert_cmpint(scan_remap(HSW_RCS, ring, ARRAY_SIZE(ring),
                               -(int64_t)(VM_BASE - 0x100000), &s),
                    ==, VGT_CMD_OK);
    check_moved(&s, 0, ring, ARRAY_SIZE(ring), moved, ARRAY_SIZE(moved),
                -(int64_t)(VM_BASE - 0x100000));
    vgt_cmd_scan_free(&s);

    /* without a remap the copy is the ring, byte for byte */
    setup();
    g_assert_cmpint(scan_ring(HSW_RCS, ring, ARRAY_SIZE(ring), &s), ==,
                    VGT_CMD_OK);
    check_moved(&s, 0, ring, ARRAY_SIZE(ring), NULL, 0, 0);
    vgt_cmd_scan_free(&s);
}

/* MI_FLUSH_DW on the other engines: bit 2 of its address dword is a flag. */
static void test_remap_xcs_flush_dw(void)
{
    const uint32_t ring[] = {
        /* 0 */ MI_FLUSH_DW | (1u << 14), (SCRATCH + 0x200) | 4, 7,
        /* 3 */ (MI_FLUSH_DW + 1) | (3u << 14), (SCRATCH + 0x208) | 4, 0, 0,
        /* 7 */ MI_FLUSH_DW | (1u << 14), 0x4000, 7,           /* PPGTT */
        /* 10 */ MI_FLUSH_DW | (1u << 14) | (1u << 21), 0x104, 7, /* HWSP */
        /* 13 */ MI_FLUSH_DW, 0, 0,                    /* no post-sync */
        /* 16 */ MI_USER_INT, MI_NOOP,
    };
    static const unsigned moved[] = { 1, 4 };
    unsigned engines[] = { HSW_VCS, HSW_BCS, HSW_VECS }, i;
    VgtCmdScan s;

    for (i = 0; i < ARRAY_SIZE(engines); i++) {
        setup();
        g_assert_cmpint(scan_remap(engines[i], ring, ARRAY_SIZE(ring), DELTA,
                                   &s), ==, VGT_CMD_OK);
        check_moved(&s, 0, ring, ARRAY_SIZE(ring), moved, ARRAY_SIZE(moved),
                    DELTA);
        vgt_cmd_scan_free(&s);
    }
}

/* Blit bases: destination and source, and the setup a text blit uses. */
static void test_remap_blits(void)
{
    uint32_t pitch = 4096;
    const uint32_t ring[] = {
        /* 0 */ XY_COLOR_BLT, BLT_32BPP | pitch, (1 << 16) | 2,
                (3 << 16) | 8, SCRATCH, 0xff00ff,
        /* 6 */ XY_SRC_COPY_BLT, BLT_32BPP | pitch, 0, (2 << 16) | 4,
                SCRATCH + 0x10000, 0, pitch, SCRATCH + 0x20000,
        /* 14 */ XY_SETUP_BLT, BLT_32BPP | pitch, 0, (768 << 16) | 1024,
                 SCRATCH + 0x30000, 0, 0xffffff, 0xdead000,
        /* 22 */ XY_TEXT_IMM + 4, (8 << 16) | 0, (24 << 16) | 8, 0, 0, 0, 0,
        /* 29 */ XY_TEXT_IMM + 4, (40 << 16) | 8, (56 << 16) | 16, 0, 0, 0, 0,
        /* 36 */ XY_COLOR_BLT, BLT_32BPP | pitch, 0, 0, 0x5000, 0, /* empty */
        /* 42 */ MI_USER_INT, MI_NOOP,
    };
    /* pattern base (21) and the empty fill's base (40) are not used */
    static const unsigned moved[] = { 4, 10, 13, 18 };
    VgtCmdScan s;

    setup();
    g_assert_cmpint(scan_remap(HSW_BCS, ring, ARRAY_SIZE(ring), DELTA, &s),
                    ==, VGT_CMD_OK);
    /* the two text blits share the setup's one fixup */
    g_assert_cmpuint(s.fixups->len, ==, 4);
    check_moved(&s, 0, ring, ARRAY_SIZE(ring), moved, ARRAY_SIZE(moved),
                DELTA);
    vgt_cmd_scan_free(&s);
}

/* Batches: GGTT operands move in every privileged batch, PPGTT ones not. */
static void test_remap_batches(void)
{
    const uint32_t batch[] = {
        /* 0 */ MI_SDI | MI_SDI_GGTT, 0, SCRATCH + 0x300, 1,
        /* 4 */ MI_BB_START | MI_BB_PPGTT | MI_BB_SECOND, PPGTT_BATCH,
        /* 6 */ MI_BB_END,
    };
    const uint32_t ppgtt_batch[] = {
        MI_SDI, 0, 0x2000, 1,
        XY_COLOR_BLT, BLT_32BPP | 4096, 0, (1 << 16) | 1, 0x8000, 0,
        MI_BB_END,
    };
    const uint32_t ring[] = { MI_BB_START, BATCH, MI_SDI | MI_SDI_GGTT, 0,
                              SCRATCH + 0x310, 1 };
    static const unsigned ring_moved[] = { 4 };
    static const unsigned batch_moved[] = { 2 };
    VgtCmdScan s;

    setup();
    put(false, BATCH, batch, ARRAY_SIZE(batch));
    put(true, PPGTT_BATCH, ppgtt_batch, ARRAY_SIZE(ppgtt_batch));
    g_assert_cmpint(scan_remap(HSW_BCS, ring, ARRAY_SIZE(ring), DELTA, &s),
                    ==, VGT_CMD_OK);
    g_assert_cmpuint(s.nsegments, ==, 3);
    /* batch starts are vgt_cmd_relocate's: not moved here */
    check_moved(&s, 0, ring, ARRAY_SIZE(ring), ring_moved,
                ARRAY_SIZE(ring_moved), DELTA);
    check_moved(&s, 1, batch, ARRAY_SIZE(batch), batch_moved,
                ARRAY_SIZE(batch_moved), DELTA);
    check_moved(&s, 2, ppgtt_batch, ARRAY_SIZE(ppgtt_batch), NULL, 0, DELTA);
    vgt_cmd_scan_free(&s);
}

/* The first and last bytes of the VM's memory; what cannot move. */
static void test_remap_boundaries(void)
{
    FakePart part = { .delta = DELTA, .view_end = VM_END };
    VgtCmdScan s;

    /* operands ending at the last byte of the range move */
    setup();
    SCAN(HSW_RCS, &s, MI_SDI | MI_SDI_GGTT, 0, VM_END - 4, 1,
         MI_COND_BB_END | MI_SDI_GGTT, 0, VM_END - 8,
         MI_SDI | MI_SDI_GGTT, 0, VM_BASE, 1);
    g_assert_cmpint(vgt_cmd_remap(&s, fake_to_host, &part), ==, VGT_CMD_OK);
    g_assert_cmphex((uint32_t)ldl_le_p(s.segment[0].copy->data + 8), ==,
                    VM_END - 4 + DELTA);
    g_assert_cmphex((uint32_t)ldl_le_p(s.segment[0].copy->data + 24), ==,
                    VM_END - 8 + DELTA);
    g_assert_cmphex(ldl_le_p(s.segment[0].copy->data + 36), ==,
                    VM_BASE + DELTA);
    vgt_cmd_scan_free(&s);

    /* the remap's view ends earlier than the audit's: refused, not left */
    part.view_end = VM_END - 4;
    SCAN(HSW_RCS, &s, MI_SDI | MI_SDI_GGTT, 0, VM_END - 8, 1,
         MI_SDI | MI_SDI_GGTT, 0, VM_END - 4, 1);
    g_assert_cmpint(s.result, ==, VGT_CMD_OK);
    expect(vgt_cmd_remap(&s, fake_to_host, &part), &s, VGT_CMD_BAD_ADDRESS,
           "MI_STORE_DATA_IMM [0x2fffffc, +0x4) cannot be moved");
    /* a blit whose span crosses that end */
    SCAN(HSW_BCS, &s, XY_COLOR_BLT, BLT_32BPP | 4096, 0, (1 << 16) | 2,
         VM_END - 8, 0);
    g_assert_cmpint(s.result, ==, VGT_CMD_OK);
    expect(vgt_cmd_remap(&s, fake_to_host, &part), &s, VGT_CMD_BAD_ADDRESS,
           "XY_COLOR_BLT");
    part.view_end = VM_END;

    /* a move that would wrap below 0 or past 4 GiB */
    part.delta = -(int64_t)VM_END;
    SCAN(HSW_RCS, &s, MI_SDI | MI_SDI_GGTT, 0, VM_BASE, 1);
    expect(vgt_cmd_remap(&s, fake_to_host, &part), &s, VGT_CMD_BAD_ADDRESS,
           "cannot be moved");
    part.delta = 0x100000000ll - VM_BASE;
    SCAN(HSW_RCS, &s, MI_SDI | MI_SDI_GGTT, 0, VM_BASE, 1);
    expect(vgt_cmd_remap(&s, fake_to_host, &part), &s, VGT_CMD_BAD_ADDRESS,
           "cannot be moved");
    /* a partition offset the field cannot express (a context image) */
    part.delta = 0x800;
    SCAN(HSW_RCS, &s, MI_SET_CONTEXT, SCRATCH | 1);
    expect(vgt_cmd_remap(&s, fake_to_host, &part), &s, VGT_CMD_BAD_ADDRESS,
           "MI_SET_CONTEXT image");
    part.delta = DELTA;

    /* a failed scan is not remapped */
    SCAN(HSW_RCS, &s, MI_SDI | MI_SDI_GGTT, 0, FOREIGN, 1);
    expect(vgt_cmd_remap(&s, fake_to_host, &part), &s, VGT_CMD_BAD_ADDRESS,
           "outside");
}

/* GGTT addresses the device cannot see to rewrite: refused only on remap. */
static void test_remap_refused(void)
{
    FakePart part = { .delta = DELTA, .view_end = VM_END };
    VgtCmdScan s;

    setup();
    expect(SCAN(HSW_RCS, &s, MI_LRM | MI_SDI_GGTT, RCS_PP_DIR_BASE, SCRATCH),
           &s, VGT_CMD_OK, NULL);
    SCAN(HSW_RCS, &s, MI_LRM | MI_SDI_GGTT, RCS_PP_DIR_BASE, SCRATCH);
    expect(vgt_cmd_remap(&s, fake_to_host, &part), &s, VGT_CMD_BAD_ADDRESS,
           "MI_LOAD_REGISTER_MEM of PP_DIR_BASE");
    SCAN(HSW_RCS, &s, MI_LRR, RCS_TIMESTAMP, RCS_PP_DIR_BASE);
    expect(vgt_cmd_remap(&s, fake_to_host, &part), &s, VGT_CMD_BAD_ADDRESS,
           "MI_LOAD_REGISTER_REG of PP_DIR_BASE");
    /* reading it back is fine */
    SCAN(HSW_RCS, &s, MI_SRM | MI_SDI_GGTT, RCS_PP_DIR_BASE, SCRATCH);
    g_assert_cmpint(vgt_cmd_remap(&s, fake_to_host, &part), ==, VGT_CMD_OK);
    vgt_cmd_scan_free(&s);

    /* one setup drawn through both address spaces cannot have one base */
    PUT(true, PPGTT_BATCH, XY_TEXT_IMM + 4, 0, (1 << 16) | 8, 0, 0, 0, 0,
        MI_BB_END);
    SCAN(HSW_BCS, &s, XY_SETUP_BLT, BLT_32BPP | 4096, 0, (768 << 16) | 1024,
         SCRATCH, 0, 0xffffff, 0,
         XY_TEXT_IMM + 4, 0, (1 << 16) | 8, 0, 0, 0, 0,
         MI_BB_START | MI_BB_PPGTT, PPGTT_BATCH);
    g_assert_cmpint(s.result, ==, VGT_CMD_OK);
    expect(vgt_cmd_remap(&s, fake_to_host, &part), &s, VGT_CMD_BAD_ADDRESS,
           "both as a GGTT and as a PPGTT");
    /* through the PPGTT only: nothing to move */
    SCAN(HSW_BCS, &s, XY_SETUP_BLT, BLT_32BPP | 4096, 0, (768 << 16) | 1024,
         0x1000, 0, 0xffffff, 0, MI_BB_START | MI_BB_PPGTT, PPGTT_BATCH);
    g_assert_cmpint(vgt_cmd_remap(&s, fake_to_host, &part), ==, VGT_CMD_OK);
    g_assert_cmpuint(s.fixups->len, ==, 0);
    g_assert_cmphex(ldl_le_p(s.segment[0].copy->data + 16), ==, 0x1000);
    vgt_cmd_scan_free(&s);
}

/* Random streams: the remap changes only the bits its fixups name. */
static void test_remap_random(void)
{
    GRand *rand = g_rand_new_with_seed(19);
    static const uint32_t templates[][8] = {
        { 4, MI_SDI | MI_SDI_GGTT, 0, 0, 1 },
        { 3, MI_SRM | MI_SDI_GGTT, RCS_TIMESTAMP, 0 },
        { 3, MI_COND_BB_END | MI_SDI_GGTT, 0, 0 },
        { 2, MI_SET_CONTEXT, 0 },
        { 4, PIPE_CONTROL4, 0x011050a1, 0, 0 },
        { 3, MI_LRI(1), RCS_PP_DIR_BASE, 0 },
        { 4, MI_SDI, 0, 0, 1 },
    };
    static const unsigned at[] = { 2, 2, 2, 1, 2, 2, 2 };
    static const uint32_t lo_mask[] = { 3, 3, 7, 0xfff, 3, 0xffff, 3 };
    uint32_t ring[256];
    unsigned moved[256];
    unsigned iter;

    for (iter = 0; iter < 200; iter++) {
        size_t n = 0, nmoved = 0;
        int64_t delta = (int64_t)g_rand_int_range(rand, -15, 16) << 20;
        VgtCmdScan s;

        while (n < 200) {
            unsigned k = g_rand_int_range(rand, 0, ARRAY_SIZE(templates));
            unsigned len = templates[k][0];
            uint32_t addr = g_rand_int_range(rand, VM_BASE + 0x100000,
                                             VM_END - 0x300000);
            size_t j;

            for (j = 0; j < len; j++) {
                ring[n + j] = templates[k][1 + j];
            }
            /* keep the low bits random where they are flags */
            addr = (addr & ~lo_mask[k]) |
                   (g_rand_int(rand) & lo_mask[k] & (k == 3 ? 0x1ff : 0));
            ring[n + at[k]] = k == 6 ? addr & 0x7ffffffc : addr;
            if (k != 6) {
                moved[nmoved++] = n + at[k];
            }
            n += len;
        }
        setup();
        g_assert_cmpint(scan_remap(HSW_RCS, ring, n, delta, &s), ==,
                        VGT_CMD_OK);
        check_moved(&s, 0, ring, n, moved, nmoved, delta);
        vgt_cmd_scan_free(&s);
    }
    g_rand_free(rand);
}

int main(int argc, char **argv)
{
    int ret;

    gm = g_malloc0(GM_SIZE);
    ppgtt = g_malloc0(PPGTT_SIZE);
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/vgt/cmd/i915-rcs-breadcrumb", test_i915_rcs_breadcrumb);
    g_test_add_func("/vgt/cmd/i915-xcs-breadcrumb", test_i915_xcs_breadcrumb);
    g_test_add_func("/vgt/cmd/i915-switch-mm-and-context",
                    test_i915_switch_mm_and_context);
    g_test_add_func("/vgt/cmd/ppgtt-batch-with-media",
                    test_ppgtt_batch_with_media);
    g_test_add_func("/vgt/cmd/chained-and-second-level",
                    test_chained_and_second_level);
    g_test_add_func("/vgt/cmd/ring-wrap", test_ring_wrap);
    g_test_add_func("/vgt/cmd/rule-lri-registers", test_rule_lri_registers);
    g_test_add_func("/vgt/cmd/rule-update-gtt", test_rule_update_gtt);
    g_test_add_func("/vgt/cmd/rule-addresses", test_rule_addresses);
    g_test_add_func("/vgt/cmd/rule-blits", test_rule_blits);
    g_test_add_func("/vgt/cmd/rule-blit-boundaries",
                    test_rule_blit_boundaries);
    g_test_add_func("/vgt/cmd/rule-3d-ggtt", test_rule_3d_ggtt);
    g_test_add_func("/vgt/cmd/rule-3d-boundaries", test_rule_3d_boundaries);
    g_test_add_func("/vgt/cmd/rule-3d-ppgtt", test_rule_3d_ppgtt);
    g_test_add_func("/vgt/cmd/remap/3d", test_remap_3d);
    g_test_add_func("/vgt/cmd/rule-display", test_rule_display);
    g_test_add_func("/vgt/cmd/rule-unknown", test_rule_unknown);
    g_test_add_func("/vgt/cmd/runaway", test_runaway);
    g_test_add_func("/vgt/cmd/fast-runs", test_fast_runs);
    g_test_add_func("/vgt/cmd/fast-path-boundaries",
                    test_fast_path_boundaries);
    g_test_add_func("/vgt/cmd/fast-paths-random", test_fast_paths_random);
    g_test_add_func("/vgt/cmd/3d-table", test_3d_table);
    g_test_add_func("/vgt/cmd/copy-is-what-runs", test_copy_is_what_runs);
    g_test_add_func("/vgt/cmd/relocate", test_relocate);
    g_test_add_func("/vgt/cmd/garbage-streams", test_garbage_streams);
    g_test_add_func("/vgt/cmd/remap/move-field", test_remap_move_field);
    g_test_add_func("/vgt/cmd/remap/pp-dir-base-encoding",
                    test_remap_pp_dir_base_encoding);
    g_test_add_func("/vgt/cmd/remap/rcs-operands", test_remap_rcs_operands);
    g_test_add_func("/vgt/cmd/remap/xcs-flush-dw", test_remap_xcs_flush_dw);
    g_test_add_func("/vgt/cmd/remap/blits", test_remap_blits);
    g_test_add_func("/vgt/cmd/remap/batches", test_remap_batches);
    g_test_add_func("/vgt/cmd/remap/boundaries", test_remap_boundaries);
    g_test_add_func("/vgt/cmd/remap/refused", test_remap_refused);
    g_test_add_func("/vgt/cmd/remap/random", test_remap_random);
    ret = g_test_run();
    g_free(gm);
    g_free(ppgtt);
    return ret;
}
