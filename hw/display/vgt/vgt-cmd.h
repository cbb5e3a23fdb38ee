/*
 * vgt: the command scanner: decodes and audits what a VM submits to a
 * Haswell engine before anything of it reaches the GPU (pure logic: the
 * guest's memory is reached through callbacks).
 *
 * A scan walks the ring from HEAD to TAIL (with wrap) and every batch
 * buffer reached through MI_BATCH_BUFFER_START (GGTT or PPGTT, chained or
 * second level) up to MI_BATCH_BUFFER_END, decodes each command with the
 * decoder the software Haswell's engines use (kernel-shim/hsw/hsw-cmd.h:
 * lengths, address spaces, operands), applies the audit rules and copies
 * every dword it read into the scan's segments.  The copies are what
 * runs: a guest that rewrites its batch after the scan changes nothing,
 * and the engine decodes the copies exactly as the scan did.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_DISPLAY_VGT_CMD_H
#define HW_DISPLAY_VGT_CMD_H

typedef enum VgtCmdResult {
    VGT_CMD_OK = 0,
    VGT_CMD_BAD_COMMAND,    /* unknown opcode, bad length, wrong engine */
    VGT_CMD_BAD_ADDRESS,    /* a graphics address outside the VM's GM */
    VGT_CMD_BAD_REGISTER,   /* LRI/LRM/SRM of a register not allowed */
    VGT_CMD_DENIED,         /* a command a VM may never use */
    VGT_CMD_FAULT,          /* the ring or a batch is not readable */
    VGT_CMD_LIMIT,          /* runaway: too many batches or commands */
} VgtCmdResult;

#include "kernel-shim/hsw/hsw-cmd.h"

/* Limits of one scan. */
#define VGT_CMD_MAX_SEGMENTS    64      /* ring pieces and batches */
#define VGT_CMD_MAX_DWORDS      (1u << 20)
#define VGT_CMD_MAX_BATCH_BYTES (16u << 20)

typedef struct VgtCmdEnv {
    void *opaque;
    /*
     * Read @len bytes (<= 4 KiB, not crossing a page) of graphics memory
     * at @gma through the GGTT (@ppgtt false) or the VM's PPGTT; false if
     * that memory is not the VM's or not mapped.
     */
    bool (*read)(void *opaque, bool ppgtt, uint64_t gma, void *buf,
                 uint32_t len);
    /* Is [gma, gma + len) inside the VM's own GGTT ranges? */
    bool (*gm_ok)(void *opaque, uint64_t gma, uint64_t len);
    /*
     * Optional: each register load (MI_LOAD_REGISTER_IMM pair) that passed
     * the audit, in stream order, e.g. to follow PP_DIR_BASE changes made
     * by the stream itself before it starts a PPGTT batch.
     */
    void (*lri)(void *opaque, uint32_t reg, uint32_t value);
    /*
     * Optional: each command the scan decoded, in stream order, with the
     * segment and byte offset of its copy (tests compare it with the
     * engine's own trace of the same copies).
     */
    void (*trace)(void *opaque, unsigned segment, uint32_t offset,
                  const struct hsw_cmd_trace *t);
    unsigned engine;            /* enum hsw_engine_id */
    unsigned npipes;            /* display pipes the VM has */
    /*
     * Record where the GGTT addresses are (VgtCmdScan.fixups), for
     * vgt_cmd_remap: only a VM whose memory moved needs it.
     */
    bool remap;
    /*
     * Dwords one submission may have (0: VGT_CMD_MAX_DWORDS).  The fuzz
     * harness lowers it so that a stream at the budget costs it less
     * time; the device always uses the default.
     */
    uint32_t max_dwords;
} VgtCmdEnv;

/* A piece of the command stream the scan copied. */
typedef struct VgtCmdSegment {
    uint64_t gma;               /* where it was in the VM's memory */
    bool ppgtt;                 /* address space of @gma */
    bool privileged;
    uint8_t level;              /* 0 ring, 1 batch, 2 second-level batch */
    /*
     * The MI_BATCH_BUFFER_START that reached this batch: in segment
     * @parent's copy at byte @parent_offset (unused for the ring).  To run
     * the copies, that command is pointed at where this copy is placed
     * (vgt_cmd_relocate).
     */
    unsigned parent;
    uint32_t parent_offset;
    GByteArray *copy;           /* the dwords as scanned */
} VgtCmdSegment;

/*
 * A GGTT address in the copies, for vgt_cmd_remap: bits @mask of the
 * little-endian dword at byte @offset of segment @segment's copy.  The
 * memory it reaches is [gma, gma + len) (a blit's span, which may start
 * past the base the field holds): the field moves as far as that memory.
 */
typedef struct VgtCmdFixup {
    uint64_t gma;
    uint64_t len;
    uint64_t cmd_gma;           /* the command, for messages */
    const char *what;           /* a static string */
    uint32_t offset;
    uint32_t mask;
    uint8_t segment;
    /*
     * PP_DIR_BASE loads: a value outside the VM's memory is left as it
     * is (nothing the VM can reach goes through it: the helper refuses
     * page directory entries that are not the instance's), as the device
     * does with the register itself.
     */
    bool optional;
} VgtCmdFixup;

typedef struct VgtCmdScan {
    VgtCmdResult result;
    char why[160];              /* the rule that was broken, and where */
    unsigned nsegments;
    VgtCmdSegment segment[VGT_CMD_MAX_SEGMENTS];
    GArray *fixups;             /* VgtCmdFixup, in stream order */
    /*
     * Why the copies cannot be remapped ("" if they can): a GGTT address
     * the commands take from memory or registers, where the device
     * cannot rewrite it.  Only a remap refuses the submission for it.
     */
    char remap_refused[160];
    uint32_t ndwords;           /* dwords scanned */
    uint32_t ncommands;
    bool user_interrupt;        /* an MI_USER_INTERRUPT was seen */
    bool ppgtt;                 /* a batch or an operand in the PPGTT */
} VgtCmdScan;

/*
 * Scan the ring at GGTT address @ring_gma, @ring_size bytes, from @head to
 * @tail (byte offsets, qword aligned; tail < head wraps).  @scan is
 * filled; free it with vgt_cmd_scan_free().  Returns scan->result.
 */
VgtCmdResult vgt_cmd_scan_ring(const VgtCmdEnv *env, uint64_t ring_gma,
                               uint32_t ring_size, uint32_t head,
                               uint32_t tail, VgtCmdScan *scan);
void vgt_cmd_scan_free(VgtCmdScan *scan);

/*
 * Point the MI_BATCH_BUFFER_START commands of the copies at the copies of
 * their batches, placed at the GGTT addresses @placed[i] (segment i), so
 * that what runs is exactly what was scanned.  Only the address changes:
 * the engine fetches a batch that starts in the shadow area from the
 * GGTT, and the other bits keep saying what they said of the batch (its
 * privilege, and the address space of its implicit operands).
 */
void vgt_cmd_relocate(VgtCmdScan *scan, const uint64_t *placed);

/*
 * Where the VM's graphics memory is on this host: true, with *hma, when
 * [gma, gma + len) lies inside one of the VM's ranges.
 */
typedef bool VgtCmdToHost(void *opaque, uint64_t gma, uint64_t len,
                          uint64_t *hma);

/*
 * Move the address in bits @mask of *@field as far as @gma moved to @hma;
 * false (and *@field unchanged) when the result does not fit those bits.
 */
bool vgt_cmd_move_field(uint32_t *field, uint32_t mask, uint64_t gma,
                        uint64_t hma);

/*
 * Rewrite every GGTT address of the copies of a successful scan (its
 * fixups) to where @to_host says that memory is (gMig's dynamic address
 * remapping).  PPGTT and status-page operands are not GM addresses and
 * batch starts are vgt_cmd_relocate's: neither is touched.  A fixup that
 * cannot be moved sets scan->why and makes the result
 * VGT_CMD_BAD_ADDRESS; the copies are then partly rewritten and must not
 * run.  Returns scan->result.
 */
VgtCmdResult vgt_cmd_remap(VgtCmdScan *scan, VgtCmdToHost *to_host,
                           void *opaque);

const char *vgt_cmd_result_name(VgtCmdResult r);

#endif
