/*
 * vgt: the workloads one engine has with the helper (vgt-inflight.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "vgt-inflight.h"

VgtInflight *vgt_inflight_at(VgtEngineState *es, uint32_t i)
{
    return &es->inflight[(es->first + i) % VGT_SUBMIT_DEPTH_MAX];
}

bool vgt_inflight_shadow_alloc(VgtEngineState *es, uint64_t slice,
                               uint64_t len, uint32_t *off)
{
    VgtInflight *oldest, *newest;
    uint64_t end;

    if (!es->ninflight) {
        *off = 0;
        return len <= slice;
    }
    oldest = vgt_inflight_at(es, 0);
    newest = vgt_inflight_at(es, es->ninflight - 1);
    end = (uint64_t)newest->shadow_off + newest->shadow_len;
    if (newest->shadow_off >= oldest->shadow_off) {
        /* in use: [oldest, end); free: [end, slice) and [0, oldest) */
        if (end + len <= slice) {
            *off = end;
            return true;
        }
        if (len <= oldest->shadow_off) {
            *off = 0;
            return true;
        }
        return false;
    }
    /* wrapped, in use: [oldest, slice) and [0, end); free: [end, oldest) */
    if (end + len <= oldest->shadow_off) {
        *off = end;
        return true;
    }
    return false;
}

void vgt_inflight_push(VgtEngineState *es, uint64_t id, uint32_t tail,
                       uint32_t shadow_off, uint32_t shadow_len)
{
    *vgt_inflight_at(es, es->ninflight++) = (VgtInflight) {
        .id = id,
        .tail = tail,
        .moves_head = true,
        .shadow_off = shadow_off,
        .shadow_len = shadow_len,
    };
}

int vgt_inflight_find(VgtEngineState *es, uint64_t id)
{
    uint32_t i;

    for (i = 0; i < es->ninflight; i++) {
        if (vgt_inflight_at(es, i)->id == id) {
            return i;
        }
    }
    return -1;
}

void vgt_inflight_retire(VgtEngineState *es, uint32_t n)
{
    n = MIN(n, es->ninflight);
    es->first = (es->first + n) % VGT_SUBMIT_DEPTH_MAX;
    es->ninflight -= n;
}

void vgt_inflight_stop_head(VgtEngineState *es, uint32_t from)
{
    uint32_t i;

    for (i = from; i < es->ninflight; i++) {
        vgt_inflight_at(es, i)->moves_head = false;
    }
}

void vgt_inflight_clear(VgtEngineState *es)
{
    es->first = 0;
    es->ninflight = 0;
}
