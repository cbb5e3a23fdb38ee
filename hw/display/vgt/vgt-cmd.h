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

typedef struct VgtCmdScan {
    VgtCmdResult result;
    char why[160];              /* the rule that was broken, and where */
    unsigned nsegments;
    VgtCmdSegment segment[VGT_CMD_MAX_SEGMENTS];
    uint32_t ndwords;           /* dwords scanned */
    uint32_t ncommands;
    bool user_interrupt;        /* an MI_USER_INTERRUPT was seen */
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

const char *vgt_cmd_result_name(VgtCmdResult r);

#endif
