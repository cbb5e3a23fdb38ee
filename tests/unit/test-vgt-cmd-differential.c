/*
 * The scanner and the engine decode alike: random, adversarial and
 * exhaustive command streams are scanned by the device's command scanner
 * (vgt-cmd.c), their copies are placed in a shadow area and executed by
 * the software Haswell's command streamer (kernel-shim/swhsw), and the
 * two traces must name the same command boundaries, batch levels,
 * privileges and operand address spaces, command by command.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "vgt-cmd-machine.h"

/* The machine: tests/unit/vgt-cmd-machine.h (shared with the fuzzer). */
#define RAM_SIZE        VCM_RAM_SIZE
#define VM_BASE         VCM_VM_BASE
#define VM_END          VCM_VM_END
#define VM_PAGES        VCM_VM_PAGES
#define PPGTT_BACKED    VCM_PPGTT_BACKED
#define PPGTT_RAM       VCM_PPGTT_RAM
#define SHADOW_BASE     VCM_SHADOW_BASE
#define SHADOW_SIZE     VCM_SHADOW_SIZE
#define RING_BYTES      VCM_RING_BYTES
#define NBATCH          VCM_NBATCH
#define BATCH_BYTES     VCM_BATCH_BYTES

static GRand *rand_state;

static uint32_t rnd(uint32_t n)
{
    return g_rand_int_range(rand_state, 0, n);
}

/* ---- stream generation ------------------------------------------------ */

#define MI(op, len)     (((op) << 23) | (len))

/* A GGTT address inside the VM, or (rarely) just outside it. */
static uint32_t some_ggtt(void)
{
    return rnd(64) ? VM_BASE + rnd(VM_PAGES * 4096 - 64) : VM_END + rnd(64);
}

static uint32_t some_ppgtt(void)
{
    return rnd(64) ? rnd(PPGTT_BACKED - 64) : PPGTT_BACKED + rnd(1 << 20);
}

static uint32_t some_reg(unsigned engine)
{
    static const uint32_t regs[] = {
        0x2600, 0x2604, 0x2400, 0x7000, 0xb010, 0x2214,
        0x22050, 0x12050, 0x44000, 0x100000, 0x2030, 0x0,
    };
    uint32_t base = hsw_engines[engine].mmio_base;

    switch (rnd(4)) {
    case 0:
        return RING_PP_DIR_BASE(base);
    case 1:
        return RING_INSTPM(base);
    case 2:
        return RING_TIMESTAMP(base);
    }
    return regs[rnd(ARRAY_SIZE(regs))];
}

/*
 * Append one command to @p: mostly well-formed commands of every kind the
 * decoder knows, with their address-space and privilege bits drawn at
 * random, and now and then a random header.  Returns dwords written.
 */
static uint32_t gen_cmd(uint32_t *p, uint32_t room, unsigned engine,
                        unsigned level)
{
    uint32_t n = 0, i, k;
    uint32_t ggtt = rnd(2) ? 1u << 22 : 0;
    unsigned pick;

    if (room < 12) {
        p[0] = 0;
        return 1;
    }
    /* one command in 32 is hostile: a random header or length field */
    pick = rnd(32) ? rnd(17) : 17 + rnd(2);
    /* mostly commands of this engine: they get executed */
    if (rnd(8) && ((pick == 6 && engine == HSW_RCS) ||
                   ((pick == 7 || pick == 8 || pick == 15) &&
                    engine != HSW_RCS) ||
                   (pick >= 9 && pick <= 11 && engine != HSW_BCS) ||
                   (pick == 16 && engine != HSW_RCS && engine != HSW_BCS))) {
        pick = 2;
    }
    switch (pick) {
    case 0:
        p[n++] = 0;
        break;
    case 1:
        p[n++] = MI(0x02, 0);
        break;
    case 2:             /* MI_STORE_DATA_IMM, dword or qword */
        k = rnd(2);
        p[n++] = MI(0x20, 2 + k) | ggtt;
        p[n++] = 0;
        p[n++] = ggtt ? some_ggtt() : some_ppgtt();
        p[n++] = g_rand_int(rand_state);
        if (k) {
            p[n++] = g_rand_int(rand_state);
        }
        break;
    case 3:             /* MI_STORE_DATA_INDEX */
        p[n++] = MI(0x21, 1);
        p[n++] = rnd(4096) & ~3u;
        p[n++] = g_rand_int(rand_state);
        break;
    case 4:             /* MI_LOAD_REGISTER_IMM */
        k = 1 + rnd(3);
        p[n++] = MI(0x22, 2 * k - 1);
        for (i = 0; i < k; i++) {
            uint32_t reg = some_reg(engine);
            bool pd = reg == RING_PP_DIR_BASE(hsw_engines[engine].mmio_base);

            /* a stream moves its own page directory now and then */
            p[n++] = reg;
            p[n++] = pd && rnd(4) ? VCM_PP_DIR_BASE : g_rand_int(rand_state);
        }
        break;
    case 5:             /* MI_STORE_REGISTER_MEM / LOAD_REGISTER_MEM */
        p[n++] = MI(rnd(2) ? 0x24 : 0x29, 1) | ggtt;
        p[n++] = some_reg(engine);
        p[n++] = ggtt ? some_ggtt() : some_ppgtt();
        break;
    case 6:             /* MI_FLUSH_DW, post-sync */
        k = rnd(2);
        p[n++] = MI(0x26, 1 + k) | (rnd(4) << 14) | (rnd(4) ? 0 : 1u << 21);
        p[n++] = ggtt ? some_ggtt() | 4 : some_ppgtt() & ~4u;
        p[n++] = g_rand_int(rand_state);
        if (k) {
            p[n++] = g_rand_int(rand_state);
        }
        break;
    case 7:             /* PIPE_CONTROL, post-sync */
        k = rnd(2);
        p[n++] = 0x7a000000 | (2 + k);
        p[n++] = (rnd(4) << 14) | (rnd(4) ? 0 : 1u << 21) | (ggtt << 2);
        p[n++] = ggtt ? some_ggtt() : some_ppgtt();
        p[n++] = g_rand_int(rand_state);
        if (k) {
            p[n++] = g_rand_int(rand_state);
        }
        break;
    case 8:             /* GFXPIPE state of random shape */
        k = rnd(8);
        p[n++] = (3u << 29) | (rnd(4) << 27) | (rnd(8) << 24) |
                 (rnd(256) << 16) | k;
        for (i = 0; i < k + 1; i++) {
            p[n++] = g_rand_int(rand_state);
        }
        break;
    case 9:             /* XY_COLOR_BLT */
        p[n++] = (2u << 29) | (0x50 << 22) | 4 | (rnd(2) << 11);
        p[n++] = (3u << 24) | (0xf0 << 16) | (rnd(2) ? 4096 : 512 + rnd(64));
        p[n++] = (rnd(8) << 16) | rnd(64);
        p[n++] = ((8 + rnd(8)) << 16) | (64 + rnd(64));
        p[n++] = rnd(2) ? some_ggtt() & ~0xfffu : some_ppgtt() & ~0xfffu;
        p[n++] = g_rand_int(rand_state);
        break;
    case 10:            /* XY_SRC_COPY_BLT */
        p[n++] = (2u << 29) | (0x53 << 22) | 6;
        p[n++] = (3u << 24) | (0xcc << 16) | 1024;
        p[n++] = (rnd(8) << 16) | rnd(64);
        p[n++] = ((8 + rnd(8)) << 16) | (64 + rnd(64));
        p[n++] = rnd(2) ? some_ggtt() : some_ppgtt();
        p[n++] = (rnd(8) << 16) | rnd(64);
        p[n++] = 1024;
        p[n++] = rnd(2) ? some_ggtt() : some_ppgtt();
        break;
    case 11:            /* XY_SETUP_BLT then XY_TEXT_IMMEDIATE_BLT */
        p[n++] = (2u << 29) | (0x01 << 22) | 6;
        p[n++] = (3u << 24) | (0xcc << 16) | 4096;
        p[n++] = 0;
        p[n++] = (64 << 16) | 256;
        p[n++] = rnd(2) ? some_ggtt() & ~0xfffu : some_ppgtt() & ~0xfffu;
        p[n++] = 0;
        p[n++] = ~0u;
        p[n++] = 0;
        p[n++] = (2u << 29) | (0x31 << 22) | (1 + rnd(3)) | (rnd(2) << 16);
        p[n++] = (rnd(8) << 16) | rnd(8);
        p[n++] = ((8 + rnd(8)) << 16) | (8 + rnd(8));
        for (i = 0; i < (p[n - 3] & 0xff) - 1; i++) {
            p[n++] = g_rand_int(rand_state);
        }
        break;
    case 12:            /* MI_BATCH_BUFFER_START, or the end of a batch */
        if (level && rnd(2)) {
            p[n++] = MI(0x0a, 0);
            break;
        }
        k = rnd(4);
        p[n++] = MI(0x31, 0) | (rnd(4) ? 0 : 1u << 22) |
                 (k & 1 ? MI_BATCH_PPGTT_HSW : 0) |
                 (k & 2 ? MI_BATCH_NON_SECURE_HSW : 0);
        p[n++] = (k & 1) ? vcm_ppgtt_batch_gma(rnd(NBATCH)) :
                           vcm_batch_gma(rnd(NBATCH));
        break;
    case 15:            /* MI_SET_CONTEXT: save the old image, load one */
        p[n++] = MI(0x18, 0);
        p[n++] = (VM_BASE + rnd(VM_PAGES - 17) * 4096) | (rnd(4) << 2) |
                 rnd(4) | (rnd(2) << 8);
        break;
    case 16:            /* display: a flip, a wait, scan lines */
        k = rnd(3);
        if (k == 0) {
            p[n++] = MI(0x14, 1) | (rnd(6) << 19);
            p[n++] = 4096;
            p[n++] = some_ggtt() & ~0xfffu;
        } else if (k == 1) {
            p[n++] = MI(0x03, 0) | (1u << rnd(22));
        } else {
            p[n++] = MI(0x12 + rnd(2), 0) | ((rnd(2) ? 0 : 4) << 19);
            p[n++] = g_rand_int(rand_state);
        }
        break;
    case 17:            /* a random header with a random length field */
        p[n++] = g_rand_int(rand_state);
        k = MIN(p[0] & 0xff, 16);
        for (i = 0; i < k; i++) {
            p[n++] = g_rand_int(rand_state);
        }
        break;
    case 18:            /* a known MI header with a random length field */
        p[n++] = MI(rnd(64), 0) | rnd(0x40) | (rnd(2) << 22);
        k = MIN(p[0] & 0x3f, 8);
        for (i = 0; i < k + 1; i++) {
            p[n++] = rnd(2) ? some_ggtt() : g_rand_int(rand_state);
        }
        break;
    case 13:            /* MI_LOAD_REGISTER_REG */
        p[n++] = MI(0x2a, 1);
        p[n++] = some_reg(engine);
        p[n++] = some_reg(engine);
        break;
    case 14:            /* MI_CONDITIONAL_BATCH_BUFFER_END */
        p[n++] = MI(0x36, 1) | ggtt;
        p[n++] = g_rand_int(rand_state);
        p[n++] = ggtt ? some_ggtt() : some_ppgtt();
        break;
    default:
        p[n++] = MI(0x00, 0);
        break;
    }
    return n;
}

/* Fill a batch: commands, then MI_BATCH_BUFFER_END. */
static void gen_batch(uint8_t *host, unsigned engine, unsigned level)
{
    uint32_t dw[BATCH_BYTES / 4];
    uint32_t n = 0, want = 2 + rnd(24), i;

    while (want-- && n + 40 < ARRAY_SIZE(dw)) {
        n += gen_cmd(dw + n, ARRAY_SIZE(dw) - n - 1, engine, level);
    }
    dw[n++] = MI(0x0a, 0);
    for (i = 0; i < n; i++) {
        stl_le_p(host + 4 * i, dw[i]);
    }
}


static void test_random_streams(void)
{
    unsigned iter, iters = g_test_slow() ? 200000 : 20000;

    vcm.runs = vcm.executed = vcm.faulted = vcm.refused = 0;
    for (iter = 0; iter < iters; iter++) {
        unsigned engine = rnd(HSW_NUM_ENGINES), i;
        uint32_t dw[RING_BYTES / 4 - 64];
        uint32_t n = 0, want = 1 + rnd(12);

        for (i = 0; i < NBATCH; i++) {
            gen_batch(vcm_ggtt_host(vcm_batch_gma(i)), engine, 1 + rnd(2));
            gen_batch(vcm_ppgtt_host(vcm_ppgtt_batch_gma(i)), engine,
                      1 + rnd(2));
        }
        while (want-- && n + 64 < ARRAY_SIZE(dw)) {
            n += gen_cmd(dw + n, ARRAY_SIZE(dw) - n, engine, 0);
        }
        vcm_run(engine, vcm_put_ring(dw, n));
    }
    if (g_test_verbose()) {
        g_printerr("random: %u streams, %u executed (%u stopped by memory), "
                   "%u refused\n", vcm.runs, vcm.executed, vcm.faulted,
                   vcm.refused);
    }
    /* both outcomes were exercised */
    g_assert_cmpuint(vcm.executed, >, iters / 20);
    g_assert_cmpuint(vcm.refused, >, iters / 20);
}

/*
 * Every MI and blitter opcode with every value of its length field, and
 * GFXPIPE headers of every subtype/opcode with sampled sub-opcodes and
 * lengths, each alone in the ring (its dwords pointing into the VM), on
 * every engine: where the scanner accepts, the engine agrees.
 */
static void test_every_header(void)
{
    unsigned engine, op, len, accepted = 0;
    uint32_t dw[0x110];
    unsigned i;

    for (engine = 0; engine < HSW_NUM_ENGINES; engine++) {
        for (op = 0; op < 64 + 128; op++) {
            for (len = 0; len < 256; len++) {
                dw[0] = op < 64 ? MI(op, len) :
                        (2u << 29) | ((op - 64) << 22) | len;
                for (i = 1; i < len + 2; i++) {
                    dw[i] = VM_BASE + 0x1000 * i;
                }
                if (vcm_run(engine, vcm_put_ring(dw, len + 2)) == VGT_CMD_OK) {
                    accepted++;
                }
            }
        }
        for (op = 0; op < 32; op++) {
            for (len = 0; len < 256; len += 1 + rnd(40)) {
                dw[0] = (3u << 29) | (op << 24) | (rnd(256) << 16) | len;
                for (i = 1; i < len + 2; i++) {
                    dw[i] = 0;
                }
                if (vcm_run(engine, vcm_put_ring(dw, len + 2)) == VGT_CMD_OK) {
                    accepted++;
                }
            }
        }
    }
    g_assert_cmpuint(accepted, >, 1000);
}

/*
 * The address-space rules, one by one (hsw-cmd.h): a GGTT operand in a
 * non-privileged batch is refused; an operand without its GGTT bit is a
 * PPGTT address even in the ring; a PPGTT batch cannot start a GGTT one;
 * a chained batch keeps its level; a second-level batch needs a
 * first-level one.
 */
static void test_rules(void)
{
    uint32_t ring[4] = { MI(0x31, 0), vcm_batch_gma(0), 0, 0 };
    uint8_t *b = vcm_ggtt_host(vcm_batch_gma(0));
    uint8_t *pb = vcm_ppgtt_host(vcm_ppgtt_batch_gma(0));
    VgtCmdResult r;

    /* SDI without the GGTT bit in the ring: a PPGTT store */
    r = vcm_run(HSW_BCS, vcm_put_ring((const uint32_t[]){
        MI(0x20, 2), 0, 0x1000, 7, 0, 0 }, 6));
    g_assert_cmpint(r, ==, VGT_CMD_OK);
    g_assert_cmpuint(vcm.exec_trace.t[0].op.space, ==, HSW_SPACE_PPGTT);
    g_assert_cmpuint(ldl_le_p(vcm.ram + PPGTT_RAM + 0x1000), ==, 7);

    /* with it, into the VM's GGTT */
    r = vcm_run(HSW_BCS, vcm_put_ring((const uint32_t[]){
        MI(0x20, 2) | (1u << 22), 0, VM_BASE + 0x3000, 9, 0, 0 }, 6));
    g_assert_cmpint(r, ==, VGT_CMD_OK);
    g_assert_cmpuint(vcm.exec_trace.t[0].op.space, ==, HSW_SPACE_GGTT);
    g_assert_cmpuint(ldl_le_p(vcm.ram + 0x3000), ==, 9);

    /* a non-secure GGTT batch: GGTT operands refused, PPGTT ones fine */
    stl_le_p(b, MI(0x20, 2) | (1u << 22));
    stl_le_p(b + 8, VM_BASE + 0x3000);
    stl_le_p(b + 16, MI(0x0a, 0));
    ring[0] = MI(0x31, 0) | MI_BATCH_NON_SECURE_HSW;
    g_assert_cmpint(vcm_run(HSW_BCS, vcm_put_ring(ring, 4)), ==,
                    VGT_CMD_BAD_ADDRESS);
    stl_le_p(b, MI(0x20, 2));
    stl_le_p(b + 8, 0x2000);
    g_assert_cmpint(vcm_run(HSW_BCS, vcm_put_ring(ring, 4)), ==, VGT_CMD_OK);
    g_assert_false(vcm.exec_trace.t[1].st.privileged);

    /* a PPGTT batch starting a GGTT batch */
    stl_le_p(pb, MI(0x31, 0));
    stl_le_p(pb + 4, vcm_batch_gma(1));
    ring[0] = MI(0x31, 0) | MI_BATCH_PPGTT_HSW;
    ring[1] = vcm_ppgtt_batch_gma(0);
    g_assert_cmpint(vcm_run(HSW_BCS, vcm_put_ring(ring, 4)), ==,
                    VGT_CMD_BAD_COMMAND);

    /* PPGTT batch chaining to a PPGTT batch calling a second level */
    stl_le_p(pb, MI(0x31, 0) | MI_BATCH_PPGTT_HSW);
    stl_le_p(pb + 4, vcm_ppgtt_batch_gma(1));
    pb = vcm_ppgtt_host(vcm_ppgtt_batch_gma(1));
    stl_le_p(pb, MI(0x31, 0) | MI_BATCH_PPGTT_HSW | MI_BATCH_SECOND_LEVEL);
    stl_le_p(pb + 4, vcm_ppgtt_batch_gma(2));
    stl_le_p(pb + 8, MI(0x0a, 0));
    stl_le_p(vcm_ppgtt_host(vcm_ppgtt_batch_gma(2)), MI(0x0a, 0));
    g_assert_cmpint(vcm_run(HSW_BCS, vcm_put_ring(ring, 4)), ==, VGT_CMD_OK);
    g_assert_cmpuint(vcm.exec_trace.n, ==, 7);
    g_assert_cmpuint(vcm.exec_trace.t[2].st.level, ==, 1);    /* chained */
    g_assert_cmpuint(vcm.exec_trace.t[3].st.level, ==, 2);    /* called */
    g_assert_cmpuint(vcm.exec_trace.t[4].st.level, ==, 1);    /* returned */

    /* second level from the ring; BB_END in the ring */
    ring[0] = MI(0x31, 0) | MI_BATCH_SECOND_LEVEL;
    ring[1] = vcm_batch_gma(0);
    g_assert_cmpint(vcm_run(HSW_RCS, vcm_put_ring(ring, 4)), ==,
                    VGT_CMD_BAD_COMMAND);
    g_assert_cmpint(vcm_run(HSW_RCS, vcm_put_ring((const uint32_t[]){
        MI(0x0a, 0), 0 }, 2)), ==, VGT_CMD_BAD_COMMAND);
}

/*
 * Every command whose dwords are read whole (all but length-only state)
 * fits the scanner's and the engine's buffer at its longest length, or is
 * denied unread.
 */
static void test_buffered_lengths(void)
{
    unsigned engine, client, op, n = 0;

    for (engine = 0; engine < HSW_NUM_ENGINES; engine++) {
        for (client = 0; client < 8; client++) {
            for (op = 0; op < (1u << 13); op++) {
                /* the opcode bits under the client, every length bit set */
                uint32_t dw0 = (client << 29) | (op << 16) | 0xffff;
                struct hsw_cmd cmd;

                hsw_cmd_decode(dw0, engine, &cmd);
                if (!cmd.desc || hsw_cmd_is_skipped(&cmd) ||
                    cmd.desc->kind == HSW_CMD_DENIED) {
                    continue;
                }
                g_assert_cmpuint(cmd.desc->max_len, <=, HSW_CMD_MAX_BUFFERED);
                n++;
            }
        }
    }
    g_assert_cmpuint(n, >, 0);
}

/*
 * The engine does not trust its workload to have been scanned: a denied
 * command as long as its length field allows (MI_CLFLUSH, 1025 dwords,
 * longer than any buffer) is refused unread.  It sits in the last bytes
 * of the engine's view, so reading it whole would fault elsewhere.
 */
static void test_engine_refuses_unscanned(void)
{
    uint64_t last = SHADOW_BASE + SHADOW_SIZE - 8;
    struct vgt_gpu_exec x = { 0 };

    stl_le_p(vcm.shadow, MI(0x31, 0));            /* the "ring": a batch */
    stl_le_p(vcm.shadow + 4, last);
    stl_le_p(vcm.shadow + (last - SHADOW_BASE), MI(0x27, 0x3ff));
    stl_le_p(vcm.shadow + (last - SHADOW_BASE) + 4, 0);
    x.start = SHADOW_BASE;
    x.len = 8;
    x.nr_ranges = 1;
    x.range[0].base = SHADOW_BASE;
    x.range[0].size = SHADOW_SIZE;
    x.shadow_base = SHADOW_BASE;
    x.shadow_size = SHADOW_SIZE;
    x.max_cmds = 16;
    x.max_bytes = 1 << 20;
    vcm.gpu.ops->engine_exec(vcm.gpu.priv, HSW_RCS, &x);
    g_assert_cmpint(x.status, ==, VGT_EXEC_FAULT);
    g_assert_cmphex(x.fault_cmd, ==, MI(0x27, 0x3ff));
    g_assert_cmphex(x.fault_addr, ==, last);
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    rand_state = g_rand_new_with_seed(0x76677444);
    vcm_init();
    g_test_add_func("/vgt/cmd-differential/rules", test_rules);
    g_test_add_func("/vgt/cmd-differential/every-header", test_every_header);
    g_test_add_func("/vgt/cmd-differential/buffered-lengths",
                    test_buffered_lengths);
    g_test_add_func("/vgt/cmd-differential/engine-refuses-unscanned",
                    test_engine_refuses_unscanned);
    g_test_add_func("/vgt/cmd-differential/random-streams",
                    test_random_streams);
    ret = g_test_run();
    vcm_fini();
    g_rand_free(rand_state);
    return ret;
}
