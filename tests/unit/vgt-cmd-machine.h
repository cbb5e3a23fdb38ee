/*
 * The machine on which the command scanner and the software Haswell's
 * engines run the same streams: guest RAM reached through the VM's GGTT
 * range and an aliasing-style PPGTT, a ring, batch areas in both address
 * spaces and the shadow area the scanned copies run from.  Shared by the
 * differential unit test and the scanner's fuzz harness, so that a
 * stream the fuzzer finds is judged exactly as the test judges its own.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VGT_CMD_MACHINE_H
#define VGT_CMD_MACHINE_H

#include "vgt-cmd.h"
#include "kernel-shim/swhsw/swhsw.h"

/* Guest RAM: 8 MiB, reached through the GGTT and the PPGTT. */
#define VCM_RAM_SIZE        (8u << 20)
/* The VM's GGTT range maps RAM [0, 4 MiB) one to one. */
#define VCM_VM_BASE         (16u << 20)
#define VCM_VM_PAGES        1024u
#define VCM_VM_END          (VCM_VM_BASE + VCM_VM_PAGES * 4096u)
/* The page directory: 512 GGTT entries right after the VM's range. */
#define VCM_PD_INDEX        (VCM_VM_END >> 12)
#define VCM_PD_END          (VCM_VM_END + 512 * 4096u)
/* The PPGTT maps [0, 2 MiB) to RAM [4 MiB, 6 MiB). */
#define VCM_PPGTT_BACKED    (2u << 20)
#define VCM_PPGTT_RAM       (4u << 20)
/* Page tables live in RAM at 6 MiB. */
#define VCM_PT_RAM          (6u << 20)
/* The shadow area: the copies the engine runs. */
#define VCM_SHADOW_BASE     (64u << 20)
#define VCM_SHADOW_SIZE     (16u << 20)

#define VCM_PP_DIR_BASE     (((VCM_PD_INDEX * 4) / 64) << 16)
#define VCM_RING            (VCM_VM_BASE + 0x10000)
#define VCM_RING_BYTES      0x4000
#define VCM_HWSP            (VCM_VM_BASE + 0x8000)
#define VCM_NBATCH          6
#define VCM_BATCH_BYTES     0x2000

typedef struct VcmTrace {
    unsigned n;
    struct hsw_cmd_trace t[4096];
    unsigned segment[4096];
    uint32_t offset[4096];
} VcmTrace;

typedef struct VcmMachine {
    struct vgt_swhsw *sw;
    struct vgt_gpu gpu;
    uint8_t *ram;
    uint8_t *shadow;
    uint64_t ram_dma;
    uint64_t shadow_dma;
    /* the helper's shadow of the guest's page table: what the GPU walks */
    uint8_t *shadow_pt;
    uint64_t shadow_pt_dma;
    VcmTrace scan_trace;
    VcmTrace exec_trace;
    unsigned runs, executed, faulted, hung, refused;
    uint32_t max_dwords;        /* the scanner's budget (0: the device's) */
} VcmMachine;

/* The one machine of a test or harness process. */
extern VcmMachine vcm;

void vcm_init(void);
void vcm_fini(void);
/* Host pointer of a GM address in the GGTT / PPGTT, or NULL. */
uint8_t *vcm_ggtt_host(uint64_t gma);
uint8_t *vcm_ppgtt_host(uint64_t gma);
/* GM address of batch area @i in the GGTT / the PPGTT. */
uint32_t vcm_batch_gma(unsigned i);
uint32_t vcm_ppgtt_batch_gma(unsigned i);
/* Put @n dwords at the ring's start; the tail (padded to a QWord). */
uint32_t vcm_put_ring(const uint32_t *dw, uint32_t n);
/*
 * Scan the ring [0, tail) on @engine; when the scan passes, run its
 * copies and assert that the engine executed the scanned commands, in
 * order, with the same boundaries, levels, privileges and operands.
 */
VgtCmdResult vcm_run(unsigned engine, uint32_t tail);

#endif /* VGT_CMD_MACHINE_H */
