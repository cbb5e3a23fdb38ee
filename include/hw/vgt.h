/*
 * vgt: mediated pass-through virtual Haswell GPU — public face.
 *
 * This header is shared by three worlds: the QEMU device (hw/display/vgt/),
 * the host helper (kernel-shim/: Linux module, vgt-hostd daemon, or linked
 * into QEMU) and their tests.  It must therefore stay plain C: fixed-width
 * integer types only, no QEMU, GLib or libc-specific headers.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_VGT_H
#define HW_VGT_H

/* ---- QEMU device face ---------------------------------------------- */

#define TYPE_VGT                "vgt"

/* PCI identity of the emulated GPU: Haswell GT2 desktop, HD Graphics 4600. */
#define VGT_PCI_VENDOR_ID       0x8086
#define VGT_PCI_DEVICE_ID       0x0412
#define VGT_PCI_REVISION        0x06
#define VGT_PCI_CLASS_CODE      0x030000

/* BAR0: 2 MiB of registers followed by the 2 MiB global GTT. */
#define VGT_MMIO_SIZE           (2u * 1024 * 1024)
#define VGT_GTT_SIZE            (2u * 1024 * 1024)
#define VGT_BAR0_SIZE           (VGT_MMIO_SIZE + VGT_GTT_SIZE)
#define VGT_GTT_ENTRIES         (VGT_GTT_SIZE / 4)

/* Haswell graphics memory (GM): 2 GiB reached through the GGTT. */
#define VGT_GM_SIZE             (2ull * 1024 * 1024 * 1024)
#define VGT_APERTURE_SIZE       (512ull * 1024 * 1024) /* mappable GM */
#define VGT_FENCE_COUNT         32

/* ---- Helper ABI ------------------------------------------------------ */
/*
 * The helper is the single owner of the physical GPU (real or the software
 * Haswell).  QEMU reaches it through one ops table (struct vgt_host_ops,
 * below), implemented by three transports that share every structure in
 * this section:
 *   embedded  the helper core linked into QEMU (vgt_host_embedded_ops)
 *   socket    the vgt-hostd daemon over a UNIX SOCK_SEQPACKET socket
 *             (vgt_host_socket_ops; wire format at the end of this section)
 *   kernel    /dev/vgt (later issue): the same structs as ioctl arguments
 *
 * One connection carries at most one instance (one VM).  All structures are
 * naturally aligned with explicit padding so that their layout is the same
 * on every 64-bit and 32-bit ABI; the static sizes are checked by the
 * helper build.  Graphics-memory (GM) addresses are *host* GM addresses,
 * i.e. GGTT byte offsets on the physical GPU, as PVINFO advertises them.
 */

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdint.h>
#endif

/* Major version: bumped on any incompatible change of this section. */
#define VGT_ABI_VERSION         1

/*
 * Error codes.  Every call returns 0 (or a count, where documented) on
 * success and the negated code on failure, e.g. -VGT_E_GM_RANGE.  The
 * helper counts every refusal per code (struct vgt_stats).
 */
enum vgt_error {
    VGT_OK = 0,
    VGT_E_INVAL = 1,    /* malformed argument (size, alignment, flag) */
    VGT_E_VERSION = 2,  /* ABI version mismatch */
    VGT_E_MSG = 3,              /* malformed message: size, type, trailer */
    VGT_E_BADFD = 4,    /* missing, extra or unusable descriptor */
    VGT_E_NOINST = 5,   /* no instance on this connection yet */
    VGT_E_EXISTS = 6,   /* instance already created here */
    VGT_E_NOSPC_MAPPABLE = 7,   /* mappable GM (aperture) exhausted */
    VGT_E_NOSPC_NONMAPPABLE = 8,        /* non-mappable GM exhausted */
    VGT_E_NOSPC_FENCE = 9,      /* fence registers exhausted */
    VGT_E_NOSPC_HOST = 10,      /* helper's share / instance slots */
    VGT_E_GTT_INDEX = 11,       /* GTT index beyond the GTT */
    VGT_E_GM_RANGE = 12,        /* outside this instance's GM ranges */
    VGT_E_GFN = 13,             /* guest frame outside registered memory */
    VGT_E_PTE_FLAGS = 14,       /* PTE bits the helper does not pass on */
    VGT_E_MEM_OVERLAP = 15,     /* region overlaps a registered one */
    VGT_E_MEM_FULL = 16,        /* too many memory regions */
    VGT_E_NOMEM = 17,   /* helper out of host memory */
    VGT_E_IO = 18,              /* transport failure (helper gone, short I/O) */
    VGT_E_FENCE = 19,   /* fence index or range not this VM's */
    VGT_E_NOENT = 20,   /* no such memory region */
    VGT_E_GM_UNMAPPED = 21,     /* GM page not backed (scratch/invalid) */
    VGT_E_QUEUE_FULL = 22,      /* engine queue of this instance is full */
    VGT_E_REG = 23,             /* register not on the flush allow-list */
    VGT_E_ENGINE = 24,  /* no such engine */
    VGT_E_COUNT = 32    /* size of per-code counter arrays */
};

/* XenGT's per-VM defaults (QEMU's property defaults). */
#define VGT_DEFAULT_MAPPABLE_SIZE    (64ull * 1024 * 1024)
#define VGT_DEFAULT_NONMAPPABLE_SIZE (448ull * 1024 * 1024)
#define VGT_DEFAULT_FENCE_NUM        4

#define VGT_PAGE_SHIFT          12
#define VGT_PAGE_SIZE           (1u << VGT_PAGE_SHIFT)
#define VGT_MAX_MEM_REGIONS     64   /* per instance (RAM sections) */
#define VGT_GTT_WRITE_MAX       128  /* entries per gtt_write call */
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
    uint64_t mappable_size;
    uint64_t nonmappable_size;
    uint32_t fence_num;
    uint32_t flags;
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
    uint32_t vgt_id;
    uint32_t fence_base;
    uint32_t fence_num;
    uint32_t flags;
    uint64_t mappable_base;
    uint64_t mappable_size;
    uint64_t nonmappable_base;
    uint64_t nonmappable_size;
    uint64_t aperture_size;
    uint64_t gm_size;
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
    uint64_t gpa;
    uint64_t size;
    uint64_t fd_offset;
    uint64_t hva;
    int32_t fd;
    uint32_t flags;
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
    uint32_t index;
    uint32_t flags;
    uint64_t gfn;
};

/*
 * Events from the helper to the VM (completion, user interrupt, vblank).
 * The helper signals the instance's event fd (an eventfd: readable while
 * events are queued; read it to reset) and QEMU drains the queue with
 * events_read.  A full queue drops new events and counts them
 * (vgt_stats.events_lost).
 *   type    VGT_EVENT_*
 *   unit    engine (VGT_ENGINE_*) or pipe (0..2), per type
 *   data    type-specific: seqno for COMPLETE, frame count for VBLANK
 *   seq     helper-wide monotonic sequence number of the event
 */
enum vgt_event_type {
    VGT_EVENT_USER_IRQ = 1,   /* engine raised MI_USER_INTERRUPT */
    VGT_EVENT_COMPLETE = 2,   /* a submitted workload finished */
    VGT_EVENT_VBLANK = 3,     /* vblank on a pipe */
    VGT_EVENT_RESET = 4,      /* the helper reset this instance's state */
    VGT_EVENT_FAULT = 5,      /* workload faulted (unit engine, data id) */
    VGT_EVENT_HANG = 6        /* workload exceeded its budget (ditto) */
};
enum vgt_engine {
    VGT_ENGINE_RCS = 0,
    VGT_ENGINE_VCS = 1,
    VGT_ENGINE_BCS = 2,
    VGT_ENGINE_VECS = 3,
    VGT_ENGINE_COUNT = 4
};
struct vgt_event {
    uint32_t type;
    uint32_t unit;
    uint64_t data;
    uint64_t seq;
};

/*
 * stats: counters of this instance.
 *   gtt_written    host GTT entries written on its behalf
 *   refused        refusals per error code (index = VGT_E_*)
 *   events_lost    events dropped because the queue was full
 */
struct vgt_stats {
    uint64_t gtt_written;
    uint64_t events_lost;
    uint64_t refused[VGT_E_COUNT];
};

/*
 * Command submission (issue 6).  QEMU scans a guest ring segment and the
 * batches it reaches, copies them into the instance's shadow area (a
 * helper-owned GM range the guest cannot reach; QEMU writes it through the
 * mapping shadow_map returns) and submits one workload per segment:
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
 * failed; user interrupts it raised arrive as VGT_EVENT_USER_IRQ, after the
 * memory writes that preceded them.  Workloads of one instance and engine
 * run in submission order; a reset/destroy drops the queued ones.
 */
#define VGT_WL_REGS_MAX         32
#define VGT_WL_LEN_MAX          (1u << 20)
#define VGT_WL_QUEUE_MAX        64   /* per instance and engine */
#define VGT_SHADOW_SIZE         (1u << 20)   /* per instance */
#define VGT_WEIGHT_MIN          1
#define VGT_WEIGHT_MAX          16
#define VGT_WEIGHT_DEFAULT      4

struct vgt_reg_write {
    uint32_t offset;
    uint32_t value;
};

struct vgt_workload {
    uint64_t id;
    uint64_t start;
    uint32_t length;
    uint32_t engine;
    uint32_t flags;
    uint32_t nr_regs;
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
    uint64_t gm_addr;
    uint64_t size;
    uint64_t hva;
};

/*
 * sched_stats: scheduler counters of this instance.
 *   weight      its share weight (VGT_WEIGHT_MIN..MAX)
 *   submitted / completed / faults / hangs   workloads
 *   queued      workloads waiting now (all engines)
 *   busy_ns     engine time used, per engine
 *   switches    context switches onto this instance (all engines)
 *   switch_ns   time spent in those switches (save + restore)
 *   underruns   times one of its engine queues ran empty (the instance
 *               then rejoins at the engine's current virtual time)
 */
struct vgt_sched_stats {
    uint32_t weight;
    uint32_t queued;
    uint64_t submitted;
    uint64_t completed;
    uint64_t faults;
    uint64_t hangs;
    uint64_t busy_ns[VGT_ENGINE_COUNT];
    uint64_t switches;
    uint64_t switch_ns;
    uint64_t underruns;
};

#ifndef __KERNEL__
/*
 * The ops table.  QEMU picks one (embedded unless helper= is given), calls
 * connect once per device, then create, mem_register for each RAM range,
 * and gtt_write for every guest GTT write it accepts.  Every call may fail
 * with -VGT_E_IO on the socket transport when vgt-hostd is gone.
 *   connect      path: the vgt-hostd socket (socket); ignored (embedded)
 *   disconnect   destroys the instance if any, releases everything
 *   create       one instance per connection; fills *info
 *   destroy      unmaps its GTT ranges to scratch, frees its partitions
 *   reset        VM reset: GTT ranges to scratch, fences cleared, queued
 *                events dropped; partitions and memory stay
 *   info         the partition again (for PVINFO after migration/reset)
 *   mem_register / mem_unregister (by gpa of a registered region; entries
 *                still pointing into it are moved to scratch first)
 *   gtt_write    n entries, validated all before any is written; on a
 *                refusal nothing is written and *bad (if not NULL) gets the
 *                position of the refused entry
 *   gtt_read     decodes the host entry back to the guest's view
 *   fence_write  guest fence index (< fence_num), Haswell fence value; a
 *                valid fence must cover only this instance's GM
 *   gm_read      reads GM through the GTT (the aperture path); only within
 *                the instance's ranges, at most VGT_GM_READ_MAX bytes
 *   event_fd     the eventfd to poll (owned by the connection)
 *   events_read  returns the number of events copied (0..max)
 *   stats        refusal counters of this instance
 *   shadow_map   the instance's shadow area (struct vgt_shadow_info)
 *   submit       queue a workload (validated; -VGT_E_QUEUE_FULL when
 *                VGT_WL_QUEUE_MAX are waiting on that engine)
 *   set_weight   the instance's scheduling weight (1..16, default 4)
 *   sched_stats  scheduler counters (struct vgt_sched_stats)
 */
struct vgt_conn;
struct vgt_host_ops {
    uint32_t abi_version;
    const char *name;
    int (*connect)(const char *path, struct vgt_conn **out);
    void (*disconnect)(struct vgt_conn *c);
    int (*create)(struct vgt_conn *c, const struct vgt_create_req *req,
              struct vgt_instance_info *info);
    int (*destroy)(struct vgt_conn *c);
    int (*reset)(struct vgt_conn *c);
    int (*info)(struct vgt_conn *c, struct vgt_instance_info *info);
    int (*mem_register)(struct vgt_conn *c,
                const struct vgt_mem_region *region);
    int (*mem_unregister)(struct vgt_conn *c, uint64_t gpa);
    int (*gtt_write)(struct vgt_conn *c, const struct vgt_gtt_entry *e,
             uint32_t n, uint32_t *bad);
    int (*gtt_read)(struct vgt_conn *c, uint32_t index,
            struct vgt_gtt_entry *out);
    int (*fence_write)(struct vgt_conn *c, uint32_t fence, uint64_t value);
    int (*gm_read)(struct vgt_conn *c, uint64_t gm_addr, void *buf,
               uint32_t len);
    int (*event_fd)(struct vgt_conn *c);
    int (*events_read)(struct vgt_conn *c, struct vgt_event *ev,
               uint32_t max);
    int (*stats)(struct vgt_conn *c, struct vgt_stats *st);
    /* Command submission (added at the end: older callers unaffected). */
    int (*shadow_map)(struct vgt_conn *c, struct vgt_shadow_info *out);
    int (*submit)(struct vgt_conn *c, const struct vgt_workload *wl);
    int (*set_weight)(struct vgt_conn *c, uint32_t weight);
    int (*sched_stats)(struct vgt_conn *c, struct vgt_sched_stats *st);
};

extern const struct vgt_host_ops vgt_host_embedded_ops;
extern const struct vgt_host_ops vgt_host_socket_ops;

/* A short English name of a (positive or negative) VGT_E_* code. */
const char *vgt_strerror(int err);

/*
 * Where the in-process helper (embedded transport) logs: by default stderr,
 * levels up to vgt_log_level (0 errors, 1 refusals, 2 info; default 1).
 * QEMU may route the lines to its trace/log instead; a sink gets all
 * levels and filters itself.
 */
void vgt_set_log_sink(void (*sink)(int level, const char *msg));
extern int vgt_log_level;
#endif /* !__KERNEL__ */

/*
 * Socket wire format (vgt-hostd).  SOCK_SEQPACKET: one message per packet,
 * file descriptors (SCM_RIGHTS) ride on the packet that needs them and
 * nowhere else.  Every request gets exactly one reply, in order.
 *
 * Header:
 *   type   VGT_MSG_* (the same value in the reply)
 *   flags  bits 7:0 VGT_ABI_VERSION; VGT_MSG_FLAG_REPLY in replies
 *   size   payload bytes after the header (must match the packet)
 *   seq    chosen by the client, echoed in the reply
 * Reply payload: struct vgt_msg_reply, then the type's reply body.
 *   result 0 or -VGT_E_*; count: see the type.  On error the body is absent.
 *
 * Request payloads and reply bodies (exact sizes; anything else is refused
 * with -VGT_E_MSG):
 *   HELLO          req: vgt_msg_hello            body: vgt_msg_hello
 *   CREATE         req: vgt_create_req           body: vgt_instance_info
 *   DESTROY        req: -                        body: -
 *   RESET          req: -                        body: -
 *   INFO           req: -                        body: vgt_instance_info
 *   MEM_REGISTER   req: vgt_mem_region + 1 fd    body: -
 *   MEM_UNREGISTER req: vgt_msg_u64 (gpa)        body: -
 *   GTT_WRITE      req: vgt_msg_gtt_write + n entries
 *                  (n = count, 1..VGT_GTT_WRITE_MAX)
 *                  body: -; count = index of the refused entry on error
 *   GTT_READ       req: vgt_msg_u64 (index)      body: vgt_gtt_entry
 *   FENCE_WRITE    req: vgt_msg_fence            body: -
 *   GM_READ        req: vgt_msg_gm_read          body: len bytes (count)
 *   SET_EVENT_FD   req: - + 1 eventfd            body: -
 *   EVENTS_READ    req: vgt_msg_u64 (max)        body: count vgt_event
 *   STATS          req: -                        body: vgt_stats
 *   SHADOW_MAP     req: -          body: vgt_shadow_info (hva 0) + 1 fd:
 *                  a sealed memfd of VGT_SHADOW_SIZE bytes to mmap shared
 *   SUBMIT         req: vgt_workload             body: -
 *   SET_WEIGHT     req: vgt_msg_u64 (weight)     body: -
 *   SCHED_STATS    req: -                        body: vgt_sched_stats
 * Only the SHADOW_MAP reply carries a descriptor.
 */
enum vgt_msg_type {
    VGT_MSG_HELLO = 1,
    VGT_MSG_CREATE = 2,
    VGT_MSG_DESTROY = 3,
    VGT_MSG_RESET = 4,
    VGT_MSG_INFO = 5,
    VGT_MSG_MEM_REGISTER = 6,
    VGT_MSG_MEM_UNREGISTER = 7,
    VGT_MSG_GTT_WRITE = 8,
    VGT_MSG_GTT_READ = 9,
    VGT_MSG_FENCE_WRITE = 10,
    VGT_MSG_GM_READ = 11,
    VGT_MSG_SET_EVENT_FD = 12,
    VGT_MSG_EVENTS_READ = 13,
    VGT_MSG_STATS = 14,
    VGT_MSG_SHADOW_MAP = 15,
    VGT_MSG_SUBMIT = 16,
    VGT_MSG_SET_WEIGHT = 17,
    VGT_MSG_SCHED_STATS = 18,
    VGT_MSG_TYPE_MAX = 18
};

#define VGT_MSG_FLAG_VERSION_MASK 0xffu
#define VGT_MSG_FLAG_REPLY        0x100u
#define VGT_MSG_MAX_SIZE          8192   /* whole packet, header included */

struct vgt_msg_hdr {
    uint32_t type;
    uint32_t flags;
    uint32_t size;
    uint32_t seq;
};

struct vgt_msg_reply {
    int32_t result;
    uint32_t count;
};

/* version: VGT_ABI_VERSION; features: 0 (reserved for negotiation). */
struct vgt_msg_hello {
    uint32_t version;
    uint32_t features;
};

struct vgt_msg_u64 {
    uint64_t value;
};

struct vgt_msg_gtt_write {
    uint32_t count;
    uint32_t pad;           /* must be 0 */
    /* followed by count struct vgt_gtt_entry */
};

struct vgt_msg_fence {
    uint32_t fence;         /* guest fence index */
    uint32_t pad;           /* must be 0 */
    uint64_t value;         /* Haswell fence register value */
};

struct vgt_msg_gm_read {
    uint64_t gm_addr;
    uint32_t len;           /* 1..VGT_GM_READ_MAX */
    uint32_t pad;           /* must be 0 */
};

#endif /* HW_VGT_H */
