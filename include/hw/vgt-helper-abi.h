/*
 * vgt: the helper ABI -- what crosses between the device model and the
 * host helper, whatever the transport.
 *
 * The helper is the single owner of the physical GPU (real or the software
 * Haswell).  The device model reaches it through one of three transports
 * that share every structure and number in this header:
 *   embedded  the helper linked into QEMU (hw/vgt-host-ops.h)
 *   socket    the vgt-hostd daemon over a UNIX SOCK_SEQPACKET socket
 *             (hw/vgt-host-ops.h; its packets are private to the helper)
 *   kernel    /dev/vgt: these structures as ioctl arguments
 *
 * The header is written to become a Linux uapi header: it includes nothing
 * but the fixed-width types (the block below, the only place that differs
 * between the kernel and userspace) and, for the ioctl numbers at its end,
 * <linux/ioctl.h>, uses no function declarations, and
 * every structure is naturally aligned with explicit padding so that its
 * layout is the same on every 64-bit and 32-bit ABI.  The helper build
 * checks the sizes (kernel-shim/core/host.c).
 *
 * One connection carries at most one instance (one VM).  Graphics-memory
 * (GM) addresses are *host* GM addresses, i.e. GGTT byte offsets on the
 * physical GPU, as PVINFO advertises them.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_VGT_HELPER_ABI_H
#define HW_VGT_HELPER_ABI_H

#ifdef __KERNEL__
#include <linux/types.h>
typedef __u32 vgt_u32;
typedef __s32 vgt_s32;
typedef __u64 vgt_u64;
#else
#include <stdint.h>
typedef uint32_t vgt_u32;
typedef int32_t vgt_s32;
typedef uint64_t vgt_u64;
#endif

/*
 * Major version: bumped on any incompatible change of this header.
 * 2: migration (engine registers, dirty log), GTT writes of up to 480
 * entries a call (a migration replays the whole GTT).
 * 3: shared GM slots (16+ instances): GTT swap counters in sched_stats.
 * 4: notify_policy (when completions and user interrupts wake the client).
 * 5: a workload that faults or hangs cancels the work its instance queued
 * behind it on that engine (VGT_EVENT_CANCELLED, sched_stats.cancelled).
 * 6: posted submits on vgt-hostd's socket: a refusal arrives in order as
 * VGT_EVENT_REFUSED, stopping the ring as a FAULT does; the event ring
 * (struct vgt_event_ring) vgt-hostd's clients read events from.
 */
#define VGT_ABI_VERSION         6

/*
 * Error codes.  Every call returns 0 (or a count, where documented) on
 * success and the negated code on failure, e.g. -VGT_E_GM_RANGE.  The
 * helper counts every refusal per code (struct vgt_stats).
 */
enum vgt_error {
    VGT_OK = 0,
    VGT_E_INVAL = 1,            /* malformed argument (size, alignment, flag) */
    VGT_E_VERSION = 2,          /* ABI version mismatch */
    VGT_E_MSG = 3,              /* malformed message: size, type, trailer */
    VGT_E_BADFD = 4,            /* missing, extra or unusable descriptor */
    VGT_E_NOINST = 5,           /* no instance on this connection yet */
    VGT_E_EXISTS = 6,           /* instance already created here */
    VGT_E_NOSPC_MAPPABLE = 7,   /* mappable GM (aperture) exhausted */
    VGT_E_NOSPC_NONMAPPABLE = 8, /* non-mappable GM exhausted */
    VGT_E_NOSPC_FENCE = 9,      /* fence registers exhausted */
    VGT_E_NOSPC_HOST = 10,      /* helper's share / instance slots */
    VGT_E_GTT_INDEX = 11,       /* GTT index beyond the GTT */
    VGT_E_GM_RANGE = 12,        /* outside this instance's GM ranges */
    VGT_E_GFN = 13,             /* guest frame outside registered memory */
    VGT_E_PTE_FLAGS = 14,       /* PTE bits the helper does not pass on */
    VGT_E_MEM_OVERLAP = 15,     /* region overlaps a registered one */
    VGT_E_MEM_FULL = 16,        /* too many memory regions */
    VGT_E_NOMEM = 17,           /* helper out of host memory */
    VGT_E_IO = 18,              /* transport failure (helper gone, short I/O) */
    VGT_E_FENCE = 19,           /* fence index or range not this VM's */
    VGT_E_NOENT = 20,           /* no such memory region */
    VGT_E_GM_UNMAPPED = 21,     /* GM page not backed (scratch/invalid) */
    VGT_E_QUEUE_FULL = 22,      /* engine queue of this instance is full */
    VGT_E_REG = 23,             /* register not allowed (flush / state list) */
    VGT_E_ENGINE = 24,          /* no such engine */
    VGT_E_BUSY = 25,            /* engine has work queued or running */
    VGT_E_QUOTA = 26,           /* over this client's quota (vgt-hostd) */
    VGT_E_NOTSUP = 27,          /* the GPU cannot do it (appended, ABI 3) */
    VGT_E_COUNT = 32            /* size of per-code counter arrays */
};

#define VGT_PAGE_SHIFT          12
#define VGT_PAGE_SIZE           (1u << VGT_PAGE_SHIFT)
#define VGT_MAX_MEM_REGIONS     64   /* per instance (RAM sections) */
#define VGT_GTT_WRITE_MAX       480  /* entries per gtt_write call */
#define VGT_GM_READ_MAX         4096 /* bytes per gm_read call */
#define VGT_EVENT_READ_MAX      64   /* events per events_read call */

/*
 * create: the partition a VM asks for.
 *   mappable_size     bytes of GM behind the aperture; > 0, multiple of 4 KiB
 *   nonmappable_size  bytes of GM above the aperture; multiple of 4 KiB, may
 *                     be 0 (the base is then still the aperture end, as
 *                     i915's ballooning requires)
 *   fence_num         fence registers, 0..32
 *   flags             must be 0
 */
struct vgt_create_req {
    vgt_u64 mappable_size;
    vgt_u64 nonmappable_size;
    vgt_u32 fence_num;
    vgt_u32 flags;
};

/*
 * info: what the instance got; QEMU copies it into PVINFO (0x78040..0x78050).
 *   vgt_id            helper-wide id of the instance (1..), PVINFO vgt_id
 *   fence_base        first physical fence: guest fence i is fence_base + i
 *   fence_num         number of fences (PVINFO fence_num)
 *   flags             0
 *   mappable_base     host GM address of the aperture slice (PVINFO)
 *   mappable_size     its size in bytes
 *   nonmappable_base  host GM address of the non-mappable slice; always
 *                     >= aperture_size
 *   nonmappable_size  its size in bytes
 *   aperture_size     the GPU's mappable GM: the guest's BAR2 size, i915's
 *                     "mappable end"
 *   gm_size           the GPU's whole GM (2 GiB on Haswell)
 */
struct vgt_instance_info {
    vgt_u32 vgt_id;
    vgt_u32 fence_base;
    vgt_u32 fence_num;
    vgt_u32 flags;
    vgt_u64 mappable_base;
    vgt_u64 mappable_size;
    vgt_u64 nonmappable_base;
    vgt_u64 nonmappable_size;
    vgt_u64 aperture_size;
    vgt_u64 gm_size;
};

/*
 * mem_register: one contiguous guest-physical RAM range.
 *   gpa        guest-physical base, 4 KiB aligned
 *   size       bytes, > 0, multiple of 4 KiB, gpa + size must not wrap
 *   fd_offset  socket: offset into fd where gpa starts (4 KiB aligned)
 *   hva        embedded: address of gpa in the caller's process (the RAM
 *              block's host pointer); ignored by the socket transport
 *   fd         socket: a memfd sealed against shrinking (F_SEAL_SHRINK,
 *              QEMU's memory-backend-memfd seal=on), sent with SCM_RIGHTS;
 *              -1 for embedded
 *   flags      must be 0
 * Regions of one instance must not overlap.  Frames outside every region
 * can never reach the host GTT.
 */
struct vgt_mem_region {
    vgt_u64 gpa;
    vgt_u64 size;
    vgt_u64 fd_offset;
    vgt_u64 hva;
    vgt_s32 fd;
    vgt_u32 flags;
};

/*
 * A host GTT entry as the device model asks for it.
 *   index  GGTT entry index (host GM address >> 12); must lie inside the
 *          instance's mappable or non-mappable range
 *   flags  PTE control bits: VGT_PTE_VALID and the Haswell cacheability
 *          bits (VGT_PTE_CACHE_MASK); any other bit is refused.  Without
 *          VGT_PTE_VALID the entry is pointed at the scratch page.
 *   gfn    guest frame number (guest-physical address >> 12); must lie in
 *          registered memory when VGT_PTE_VALID is set
 * gtt_read returns the same form: flags 0 when the entry is unmapped.
 */
#define VGT_PTE_VALID           0x001u
#define VGT_PTE_CACHE_MASK      0x80eu   /* HSW cacheability: bits 3:1, 11 */
struct vgt_gtt_entry {
    vgt_u32 index;
    vgt_u32 flags;
    vgt_u64 gfn;
};

/*
 * Events from the helper to the VM (completion, user interrupt, vblank).
 * The helper signals the instance's event fd (an eventfd: readable while
 * events are queued; read it to reset) and QEMU drains the queue with
 * events_read.  A full queue drops new events and counts them
 * (vgt_stats.events_lost).
 *   type    VGT_EVENT_*
 *   unit    engine (VGT_ENGINE_*) or pipe (0..2), per type
 *   data    type-specific: the workload id for COMPLETE, FAULT, HANG and
 *           CANCELLED, the frame count for VBLANK
 *   seq     helper-wide monotonic sequence number of the event
 * CANCELLED (ABI 5; unit engine, data id): the workload was queued behind
 * a FAULT or HANG of its instance on that engine and never ran (see
 * "Every accepted workload" below).
 * REFUSED (ABI 6; unit engine, data id): a submit whose reply the client
 * did not wait for (the socket transport's posted SUBMIT) was refused; it
 * took its place in the queue and fails there without running, as a FAULT
 * (the refusal is counted per code in vgt_stats.refused).
 */
enum vgt_event_type {
    VGT_EVENT_USER_IRQ = 1,   /* engine raised MI_USER_INTERRUPT */
    VGT_EVENT_COMPLETE = 2,   /* a submitted workload finished */
    VGT_EVENT_VBLANK = 3,     /* vblank on a pipe */
    VGT_EVENT_RESET = 4,      /* the helper reset this instance's state */
    VGT_EVENT_FAULT = 5,      /* workload faulted (unit engine, data id) */
    VGT_EVENT_HANG = 6,       /* workload exceeded its budget (ditto) */
    VGT_EVENT_CANCELLED = 7,  /* never ran: queued behind a FAULT/HANG */
    VGT_EVENT_REFUSED = 8     /* a posted submit refused (ditto) */
};
enum vgt_engine {
    VGT_ENGINE_RCS = 0,
    VGT_ENGINE_VCS = 1,
    VGT_ENGINE_BCS = 2,
    VGT_ENGINE_VECS = 3,
    VGT_ENGINE_COUNT = 4
};
struct vgt_event {
    vgt_u32 type;
    vgt_u32 unit;
    vgt_u64 data;
    vgt_u64 seq;
};

/*
 * The event ring (ABI 6; vgt-hostd's EVENTS_MAP): the instance's events
 * written by the helper into memory the client maps, so that reading
 * them is no round trip.  Counters run free (index = counter %
 * VGT_EVENT_RING_LEN):
 *   prod    the helper's: events written; ev[] up to it is valid once
 *           prod is read (acquire)
 *   drop    the helper's: a reset dropped the events before it (the
 *           client skips to it)
 *   cons    the client's: events it has read (it stores it, release)
 * The helper trusts nothing of the client's: a cons more than
 * VGT_EVENT_RING_LEN behind prod, or ahead of it, counts as a full ring
 * (new events are lost and counted, vgt_stats.events_lost).  A FAULT,
 * HANG or REFUSED counts as read once cons has passed it.
 */
#define VGT_EVENT_RING_LEN      256
struct vgt_event_ring {
    vgt_u32 prod;
    vgt_u32 drop;
    vgt_u32 pad0[14];
    vgt_u32 cons;                     /* its own cache line */
    vgt_u32 pad1[15];
    struct vgt_event ev[VGT_EVENT_RING_LEN];
};
#define VGT_EVENT_RING_SIZE     8192  /* bytes: the memfd, page multiple */

/*
 * stats: counters of this instance.
 *   gtt_written    host GTT entries written on its behalf
 *   refused        refusals per error code (index = VGT_E_*)
 *   events_lost    events dropped because the queue was full
 */
struct vgt_stats {
    vgt_u64 gtt_written;
    vgt_u64 events_lost;
    vgt_u64 refused[VGT_E_COUNT];
};

/*
 * Command submission.  QEMU scans a guest ring segment and the batches it
 * reaches, copies them into the instance's shadow area (a helper-owned GM
 * range the guest cannot reach; QEMU writes it through the mapping
 * shadow_map returns) and submits one workload per segment:
 *   id       chosen by QEMU, echoed in COMPLETE / FAULT / HANG events
 *   start    host GM address of the first command: inside the shadow area
 *            or the instance's own GM ranges; 4-byte aligned
 *   length   bytes, 4..VGT_WL_LEN_MAX, multiple of 4; the engine executes
 *            [start, start + length) like a ring segment (no BB_END needed)
 *            and follows MI_BATCH_BUFFER_START into batches (GGTT, or the
 *            gen7 PPGTT when DW0 bit 8 is set).  A batch that starts in the
 *            shadow area is fetched from the GGTT whatever bit 8 says; the
 *            bit then only makes the batch's memory operands PPGTT
 *            addresses, so copies of PPGTT batches must keep it.
 *   engine   VGT_ENGINE_*
 *   flags    must be 0
 *   nr_regs  entries used in regs: the instance's shadowed engine registers
 *            (absolute MMIO offsets, e.g. HWS_PGA, PP_DIR_BASE, PP_DIR_DCLV,
 *            RING_MODE_GEN7), written to the engine before this workload
 *            runs and kept as the instance's engine state from then on
 *            (saved and restored by the helper on every context switch).
 *            Offsets must be on the engine's allow-list (docs/helper.md).
 * Every accepted workload ends with exactly one VGT_EVENT_COMPLETE (unit =
 * engine, data = id), preceded by VGT_EVENT_FAULT or VGT_EVENT_HANG when it
 * failed and by VGT_EVENT_CANCELLED when it never ran; user interrupts it
 * raised arrive as VGT_EVENT_USER_IRQ, after the memory writes that
 * preceded them.  Workloads of one instance and engine run in submission
 * order; a reset/destroy drops the queued ones (no COMPLETE for them).
 * A workload that faults or hangs stops its instance's ring on that engine,
 * as a hung request stops a real one until the driver resets the engine
 * (ABI 5): every workload the instance had queued behind it on that engine
 * when it ended is cancelled, without running: after the failed one's
 * FAULT/HANG and COMPLETE, each gets VGT_EVENT_CANCELLED then its
 * COMPLETE, in submission order.  Other instances and the instance's other
 * engines are not affected.  The ring stays stopped until the client has
 * read the FAULT/HANG (events_read): a workload it submits on that engine
 * meanwhile is accepted and cancelled at once, the same way, so that
 * nothing it queued before it knew of the failure runs.  After that,
 * workloads run on the engine state the failure left (power-on, as after
 * a reset).  A reset, or a FAULT/HANG the full event queue dropped,
 * leaves no ring stopped.  A refused posted submit (ABI 6, the socket
 * transport) is a workload that fails this way when its turn comes, with
 * VGT_EVENT_REFUSED in place of the FAULT.
 */
#define VGT_WL_REGS_MAX         32
#define VGT_WL_LEN_MAX          (1u << 20)
#define VGT_WL_QUEUE_MAX        64   /* per instance and engine */
#define VGT_SHADOW_SIZE         (1u << 20)   /* per instance */
#define VGT_WEIGHT_MIN          1
#define VGT_WEIGHT_MAX          16
#define VGT_WEIGHT_DEFAULT      4

struct vgt_reg_write {
    vgt_u32 offset;
    vgt_u32 value;
};

struct vgt_workload {
    vgt_u64 id;
    vgt_u64 start;
    vgt_u32 length;
    vgt_u32 engine;
    vgt_u32 flags;
    vgt_u32 nr_regs;
    struct vgt_reg_write regs[VGT_WL_REGS_MAX];
};

/*
 * shadow_map: the instance's shadow area (one per instance, created on the
 * first call, the same one afterwards).
 *   gm_addr  host GM address of the area (VGT_SHADOW_SIZE bytes)
 *   size     VGT_SHADOW_SIZE
 *   hva      where the caller writes it: a pointer in the caller's process
 *            (embedded: helper memory; socket: a shared mapping of a memfd
 *            the daemon created, mapped by the client library).  Valid
 *            until disconnect/destroy.
 * QEMU sub-allocates the area itself and must not rewrite bytes a queued
 * workload still uses (until its COMPLETE event).
 */
struct vgt_shadow_info {
    vgt_u64 gm_addr;
    vgt_u64 size;
    vgt_u64 hva;
};

/*
 * sched_stats: scheduler counters of this instance.
 *   weight      its share weight (VGT_WEIGHT_MIN..MAX)
 *   submitted / completed / faults / hangs   workloads (completed: every
 *               one that ended with its COMPLETE, failed or cancelled too)
 *   queued      workloads waiting now (all engines)
 *   busy_ns     engine time used, per engine
 *   switches    context switches onto this instance (all engines)
 *   switch_ns   time spent in those switches (save + restore)
 *   underruns   times one of its engine queues ran empty (the instance
 *               then rejoins at the engine's current virtual time)
 *   gtt_swaps   times its GTT entries were loaded into a shared GM slot
 *               (instances sharing a slot take turns; docs/scale.md)
 *   gtt_swap_ns time spent in those loads (evicting the other instance's
 *               entries and engine state included)
 *   gtt_swap_entries  host GTT entries written by those loads
 *   cancelled   workloads cancelled unrun behind a fault or hang (ABI 5;
 *               counted in completed too)
 */
struct vgt_sched_stats {
    vgt_u32 weight;
    vgt_u32 queued;
    vgt_u64 submitted;
    vgt_u64 completed;
    vgt_u64 faults;
    vgt_u64 hangs;
    vgt_u64 busy_ns[VGT_ENGINE_COUNT];
    vgt_u64 switches;
    vgt_u64 switch_ns;
    vgt_u64 underruns;
    vgt_u64 gtt_swaps;
    vgt_u64 gtt_swap_ns;
    vgt_u64 gtt_swap_entries;
    vgt_u64 cancelled;
};

/*
 * Migration (appended).
 *
 * engine_regs_get / engine_regs_set: an instance's engine state is the
 * helper's copy of the registers it switches between instances (the
 * core's context register list, hsw_engine_ctx_regs: HWS_PGA, MI_MODE,
 * INSTPM, PP_DIR_*, RING_MODE, on RCS CCID and the cache modes), as the
 * instance last left them; read live from the GPU while the instance
 * owns the engine.  get returns the whole list (nr_regs entries, in the
 * helper's order; VGT_E_ENGINE for no such engine).  set stores
 * nr_regs (0..VGT_ENGINE_REGS_MAX, else VGT_E_INVAL) of them, all or
 * nothing: only registers on that engine's list (VGT_E_REG), only while
 * the instance has nothing queued or running on that engine
 * (VGT_E_BUSY, not counted as a refusal); the others keep their value.
 * Values are plain register values: for the masked registers (MI_MODE,
 * INSTPM, ...) what get read, not a mask/value write.
 *
 * dirty_log(enable): start logging (clearing any previous log) or stop
 * it (0 also when it was off).  While it is on, the helper remembers
 * every guest page an engine wrote; on a GPU whose writes it cannot see
 * (vgt.ko on hardware), every page the instance's GTT entries map counts
 * as dirty at every dirty_read instead.  The log survives reset and
 * covers regions registered while it is on; it ends with dirty_log(0)
 * or destroy.
 *
 * dirty_read(gpa, npages, bitmap): fetch and clear the bits of npages
 * pages from gpa into bitmap: bit i % 64 of 64-bit word i / 64 is page
 * gpa + i * 4 KiB ((npages + 63) / 64 words are written, unused bits 0).
 * gpa 4 KiB aligned and npages 1..VGT_DIRTY_READ_MAX_PAGES, else
 * VGT_E_INVAL; VGT_E_INVAL also when logging is off (a read then could
 * only lie); VGT_E_NOENT when the range is not inside one registered
 * region.
 */
/*
 * ppgtt_sync(pd_gm) (appended, ABI 3; docs/helper.md "Shadow PPGTT"): the
 * GPU walks the gen7 PPGTT through shadow page tables the helper builds
 * from the guest's, never through the guest's own.  pd_gm is the GM
 * address of the page directory the instance's workloads name in
 * PP_DIR_BASE (bits 31:16 of the register: 64 KiB aligned), whose 512
 * PDEs are the GGTT entries of [pd_gm, pd_gm + 2 MiB), all inside one of
 * the instance's GM ranges (else VGT_E_GM_RANGE; VGT_E_INVAL when not
 * aligned); VGT_PPGTT_NO_PD drops the shadow.  Every call re-reads every
 * page table the PDEs name from the instance's registered memory and
 * re-validates the entries that changed since the last call: the caller
 * calls it before each submission that uses the PPGTT.  Returns the
 * number of shadow PTEs rewritten (>= 0).  VGT_E_NOTSUP on a GPU that
 * cannot walk helper-built page tables (it then runs no PPGTT work).
 * Reset and destroy drop the shadow.
 */
#define VGT_PPGTT_NO_PD             (~(vgt_u64)0)

/*
 * notify_policy(policy) (appended, ABI 4): when this instance's events of
 * one engine wake the client (signal its event fd / make /dev/vgt
 * readable).  Waking a sleeping client costs the helper a cross-CPU
 * wake-up per event; a client that keeps many workloads queued needs to
 * hear of completions only when its queue runs low, and of user
 * interrupts only when its VM has them unmasked.  Events that do not wake
 * are still queued, in order, and arrive with the next events_read (which
 * the next wake-up prompts):
 *   engine        VGT_ENGINE_*
 *   complete_low  a COMPLETE wakes the client only when at most this many
 *                 of the instance's workloads remain queued on the engine
 *                 (0: when the queue has drained, which always wakes;
 *                 VGT_WL_QUEUE_MAX, the default: every COMPLETE)
 *   user_irq      1 (default): every USER_IRQ wakes; 0: none does
 *   pad           0
 * FAULT, HANG, RESET and VBLANK events always wake; CANCELLED never does
 * by itself (its COMPLETE follows at once).  A queue that drains always
 * wakes, so no event waits longer than the instance's own queued work on
 * that engine.  The policy survives reset; VGT_E_INVAL for an
 * engine >= VGT_ENGINE_COUNT, complete_low > VGT_WL_QUEUE_MAX, user_irq
 * > 1 or pad != 0.
 */
struct vgt_notify_policy {
    vgt_u32 engine;
    vgt_u32 complete_low;
    vgt_u32 user_irq;
    vgt_u32 pad;
};

#define VGT_ENGINE_REGS_MAX         32
struct vgt_engine_regs {
    vgt_u32 engine;             /* enum vgt_engine */
    vgt_u32 nr_regs;            /* valid entries of regs[] */
    struct vgt_reg_write regs[VGT_ENGINE_REGS_MAX];
};

#define VGT_DIRTY_READ_MAX_PAGES    (1u << 15)  /* pages per dirty_read */
/* The VGT_IOC_DIRTY_READ argument (the other transports pass the three). */
struct vgt_dirty_req {
    vgt_u64 gpa;
    vgt_u64 npages;             /* 1..VGT_DIRTY_READ_MAX_PAGES */
    vgt_u64 bitmap;             /* user address of (npages + 63) / 64 u64 */
};

/* The VGT_IOC_PPGTT_SYNC argument. */
struct vgt_ioc_ppgtt_sync {
    vgt_u64 pd_gm;              /* in */
    vgt_u32 changed;            /* out: shadow PTEs rewritten */
    vgt_u32 pad;                /* 0 */
};

/*
 * The kernel transport: /dev/vgt (the vgt.ko module, kernel-shim/linux/).
 * One open file is one connection: at most one instance, destroyed when
 * the file is closed (also when its process dies).  The structures above
 * are the ioctl arguments; the few below wrap the calls that take more
 * than one of them.  Return value of every ioctl:
 *   0     done
 *   > 0   refused by the helper: the VGT_E_* code (e.g. VGT_E_GM_RANGE)
 *   -1    the call itself failed; errno: ENOTTY (unknown ioctl), EFAULT
 *         (bad user pointer), EINVAL (non-zero padding or flags in the
 *         wrapper), EINTR, ENOMEM, ENODEV (no GPU bound)
 * Other file operations:
 *   read()   whole struct vgt_event records, oldest first (at most
 *            VGT_EVENT_READ_MAX per call; a buffer smaller than one record
 *            is EINVAL); blocks while the queue is empty unless O_NONBLOCK
 *            (EAGAIN)
 *   poll()   POLLIN while events are queued
 *   mmap()   offset 0, VGT_SHADOW_SIZE bytes, MAP_SHARED: the shadow area,
 *            after VGT_IOC_SHADOW_MAP
 * VGT_IOC_MEM_REGISTER takes vgt_mem_region with hva = the caller's
 * address of gpa (page aligned) and fd = -1: the module pins those pages
 * (counted in the caller's locked memory, RLIMIT_MEMLOCK unless
 * CAP_IPC_LOCK) until VGT_IOC_MEM_UNREGISTER, VGT_IOC_DESTROY or close.
 */
#include <linux/ioctl.h>      /* Linux's uapi: the kernel and userspace */

/*
 * Free in Linux 6.1's Documentation/userspace-api/ioctl/ioctl-number.rst
 * (0xB6 there is fpga-dfl); to be registered with the uapi header.
 */
#define VGT_IOCTL_TYPE          0xBC

struct vgt_ioc_create {
    struct vgt_create_req req;          /* in */
    struct vgt_instance_info info;      /* out */
};

struct vgt_ioc_gtt_write {
    vgt_u64 entries;    /* in: user address of struct vgt_gtt_entry[n] */
    vgt_u32 n;          /* in: 1..VGT_GTT_WRITE_MAX */
    vgt_u32 bad;        /* out: index into entries of the refused one */
};

struct vgt_ioc_fence_write {
    vgt_u32 fence;      /* guest fence number */
    vgt_u32 pad;        /* 0 */
    vgt_u64 value;
};

struct vgt_ioc_gm_read {
    vgt_u64 gm_addr;
    vgt_u64 buf;        /* user address, len bytes */
    vgt_u32 len;        /* 1..VGT_GM_READ_MAX */
    vgt_u32 pad;        /* 0 */
};

/* ioctl returns VGT_ABI_VERSION. */
#define VGT_IOC_VERSION         _IO(VGT_IOCTL_TYPE, 0x00)
#define VGT_IOC_CREATE \
    _IOWR(VGT_IOCTL_TYPE, 0x01, struct vgt_ioc_create)
#define VGT_IOC_DESTROY         _IO(VGT_IOCTL_TYPE, 0x02)
#define VGT_IOC_RESET           _IO(VGT_IOCTL_TYPE, 0x03)
#define VGT_IOC_INFO \
    _IOR(VGT_IOCTL_TYPE, 0x04, struct vgt_instance_info)
#define VGT_IOC_MEM_REGISTER \
    _IOW(VGT_IOCTL_TYPE, 0x05, struct vgt_mem_region)
/* argument: the region's gpa */
#define VGT_IOC_MEM_UNREGISTER  _IOW(VGT_IOCTL_TYPE, 0x06, vgt_u64)
#define VGT_IOC_GTT_WRITE \
    _IOWR(VGT_IOCTL_TYPE, 0x07, struct vgt_ioc_gtt_write)
/* in: index; out: the whole entry */
#define VGT_IOC_GTT_READ \
    _IOWR(VGT_IOCTL_TYPE, 0x08, struct vgt_gtt_entry)
#define VGT_IOC_FENCE_WRITE \
    _IOW(VGT_IOCTL_TYPE, 0x09, struct vgt_ioc_fence_write)
#define VGT_IOC_GM_READ \
    _IOW(VGT_IOCTL_TYPE, 0x0a, struct vgt_ioc_gm_read)
#define VGT_IOC_STATS           _IOR(VGT_IOCTL_TYPE, 0x0b, struct vgt_stats)
/* out: gm_addr, size; hva 0 (mmap the file to reach the area) */
#define VGT_IOC_SHADOW_MAP \
    _IOR(VGT_IOCTL_TYPE, 0x0c, struct vgt_shadow_info)
#define VGT_IOC_SUBMIT          _IOW(VGT_IOCTL_TYPE, 0x0d, struct vgt_workload)
/* argument: VGT_WEIGHT_MIN..VGT_WEIGHT_MAX */
#define VGT_IOC_SET_WEIGHT      _IOW(VGT_IOCTL_TYPE, 0x0e, vgt_u32)
#define VGT_IOC_SCHED_STATS \
    _IOR(VGT_IOCTL_TYPE, 0x0f, struct vgt_sched_stats)
/* in: engine; out: the whole structure */
#define VGT_IOC_ENGINE_REGS_GET \
    _IOWR(VGT_IOCTL_TYPE, 0x10, struct vgt_engine_regs)
#define VGT_IOC_ENGINE_REGS_SET \
    _IOW(VGT_IOCTL_TYPE, 0x11, struct vgt_engine_regs)
/* argument: 1 start, 0 stop (anything else: VGT_E_INVAL) */
#define VGT_IOC_DIRTY_LOG       _IOW(VGT_IOCTL_TYPE, 0x12, vgt_u32)
/* the bitmap is written through dirty_req.bitmap */
#define VGT_IOC_DIRTY_READ \
    _IOW(VGT_IOCTL_TYPE, 0x13, struct vgt_dirty_req)
/* appended (ABI 3): the shadow PPGTT (ppgtt_sync above) */
#define VGT_IOC_PPGTT_SYNC \
    _IOWR(VGT_IOCTL_TYPE, 0x14, struct vgt_ioc_ppgtt_sync)
/* appended (ABI 4): notify_policy above */
#define VGT_IOC_NOTIFY_POLICY \
    _IOW(VGT_IOCTL_TYPE, 0x15, struct vgt_notify_policy)

#endif /* HW_VGT_HELPER_ABI_H */
