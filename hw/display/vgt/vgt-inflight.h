/*
 * vgt: the workloads one engine has with the helper, the pure logic of
 * pipelined submission (vgt-submit.c): a FIFO in submission order, and
 * the engine's slice of the shadow area as a ring their copies occupy
 * until they complete.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_DISPLAY_VGT_INFLIGHT_H
#define HW_DISPLAY_VGT_INFLIGHT_H

/*
 * Up to x-submit-depth workloads per engine (VGT_SUBMIT_DEPTH_*, hw/vgt.h)
 * are with the helper: with more than one, the engine starts the next as
 * soon as one ends, without waiting for QEMU to hear of the completion
 * and scan again.
 */
#include "hw/vgt.h"

/* A workload with the helper, not completed yet. */
typedef struct VgtInflight {
    uint64_t id;
    uint32_t tail;              /* HEAD moves here on completion, */
    bool moves_head;            /* unless a hang or GDRST came after it */
    uint32_t shadow_off;        /* its copies: this much of the slice */
    uint32_t shadow_len;
} VgtInflight;

/* One engine's submission state. */
typedef struct VgtEngineState {
    bool hung;                  /* rejected or faulted: until GDRST */
    uint64_t next_id;
    uint32_t first;             /* the oldest in inflight[] */
    uint32_t ninflight;         /* in submission order from first */
    VgtInflight inflight[VGT_SUBMIT_DEPTH_MAX];
} VgtEngineState;

/* The @i-th oldest workload in flight (@i < ninflight). */
VgtInflight *vgt_inflight_at(VgtEngineState *es, uint32_t i);

/*
 * Where @len bytes of copies go in a slice of @slice bytes, behind the
 * workloads in flight, without touching theirs; false: not before some
 * of them complete (or never, for @len > @slice).
 */
bool vgt_inflight_shadow_alloc(VgtEngineState *es, uint64_t slice,
                               uint64_t len, uint32_t *off);

/* Append a workload (ninflight < VGT_SUBMIT_DEPTH_MAX). */
void vgt_inflight_push(VgtEngineState *es, uint64_t id, uint32_t tail,
                       uint32_t shadow_off, uint32_t shadow_len);

/* The position of workload @id, or -1: not (any more) in flight. */
int vgt_inflight_find(VgtEngineState *es, uint64_t id);

/* The @n oldest completed: they leave, with their copies. */
void vgt_inflight_retire(VgtEngineState *es, uint32_t n);

/* From position @from on, their completions leave HEAD where it is. */
void vgt_inflight_stop_head(VgtEngineState *es, uint32_t from);

/* Nothing is in flight any more (reset, the helper gone). */
void vgt_inflight_clear(VgtEngineState *es);

#endif
