/*
 * vgt: device state shared by the files of the QEMU device model.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_DISPLAY_VGT_INTERNAL_H
#define HW_DISPLAY_VGT_INTERNAL_H

#include "hw/pci/pci.h"
#include "qemu/bitmap.h"
#include "exec/memory.h"
#include "qemu/timer.h"
#include "hw/vgt.h"
#include "hw/vgt-host-ops.h"
#include "qom/object.h"
#include "vgt-cfg-layout.h"
#include "vgt-opregion-layout.h"
#include "vgt-regs.h"
#include "vgt-irq-chain.h"
#include "vgt-inflight.h"
/* QEMU's VGA common code, for the boot screen (vgt-vga.c) */
#include "ui/console.h"
#include "../vga_int.h"
#include "kernel-shim/hsw/hsw-display.h"

OBJECT_DECLARE_SIMPLE_TYPE(VgtState, VGT)


#define VGT_IO_BAR_SIZE     64
#define VGT_IO_INDEX        0x0     /* BAR4: MMIO offset to reach */
#define VGT_IO_DATA         0x4     /* BAR4: 32-bit data at that offset */

#define VGT_MMIO_DWORDS     (VGT_MMIO_SIZE / 4)

/* Why a guest GTT write did not reach the host GTT (vgt-gtt.c). */
typedef enum VgtGttRefusal {
    VGT_GTT_REFUSED_RANGE,      /* index outside this VM's GM ranges */
    VGT_GTT_REFUSED_GFN,        /* valid entry, frame not guest RAM */
    VGT_GTT_REFUSED_HELPER,     /* the helper refused it */
    VGT_GTT_REFUSED_ACCESS,     /* unaligned access */
    VGT_GTT_REFUSED_COUNT
} VgtGttRefusal;

#define VGT_NPIPES          HSW_NUM_PIPES

/* One display pipe's timing state (vgt-pipe.c). */
typedef struct VgtPipe {
    VgtState *s;
    QEMUTimer *vblank_timer;
    bool enabled;
    bool flip_pending;          /* DSPSURF written, latches at vblank */
    int64_t start_ns;           /* virtual time of the enable */
    int64_t frame_ns;           /* frame length of the mode */
    uint64_t frames;            /* frames since the enable */
    uint32_t frame_count;       /* PIPE_FRMCOUNT */
    uint32_t flip_count;        /* PIPE_FLIPCOUNT */
    uint32_t surf_live;         /* DSPSURFLIVE */
} VgtPipe;

/* The virtual DP monitor's EDID: base block and up to two extensions. */
#define VGT_EDID_MAX        384

/* DisplayPort sink state behind the monitor's AUX channel (vgt-dp.c). */
typedef struct VgtDp {
    uint8_t link[0x10];         /* DPCD 0x100..0x10f, as written */
    uint8_t power;              /* DPCD 0x600 SET_POWER */
    uint8_t edid_segment;       /* I2C 0x30: E-DDC segment pointer */
    uint8_t edid_offset;        /* I2C 0x50: byte within the segment */
    uint64_t aux_transactions;
    uint64_t hotplug_events;
    /* Sideband (SBI) registers the guest touched: a small sparse store. */
    struct {
        uint32_t addr;          /* reg << 16 | dest, 0: unused slot */
        uint32_t value;
    } sbi[8];
} VgtDp;

/* GMBUS controller (vgt-gmbus.c): one I2C cycle in flight at most. */
typedef struct VgtGmbus {
    bool active;                /* a cycle is on the bus (until STOP) */
    bool nak;                   /* slave did not answer: SATOER */
    bool read;
    uint8_t slave;              /* 7-bit address of the cycle */
    uint8_t segment;            /* the monitor's E-DDC segment pointer */
    uint8_t offset;             /* and its EDID byte offset */
    uint32_t remaining;         /* bytes left in the cycle */
    uint64_t cycles;
} VgtGmbus;

/* What the console shows when it is not a pipe (VgtConsole.pipe) */
#define VGT_CONSOLE_PLACEHOLDER     (-1)
#define VGT_CONSOLE_NOTHING         (-2)    /* nothing shown yet */
#define VGT_CONSOLE_VGA             (-3)    /* legacy VGA (vgt-vga.c) */

/* The scan-out presented on the VM's QEMU console (vgt-display.c). */
typedef struct VgtConsole {
    QemuConsole *con;
    int pipe;                   /* pipe shown, or one of VGT_CONSOLE_* */
    uint32_t width, height;
    uint32_t format;            /* DSPCNTR & DISP_FORMAT_MASK */
    uint32_t stride;
    uint64_t base;              /* GM address of pixel (0, 0) */
    bool tiled;
    bool zero_copy;
    bool invalidate;            /* redraw everything at the next update */
    bool zero_copy_allowed;     /* x-display-zero-copy */
    const char *shown_why;      /* the placeholder's reason */
    MemoryRegion *mr;           /* guest RAM the zero-copy surface shows */
    uint8_t *buf;               /* copy path: the surface's pixels */
    uint8_t *line;              /* copy path: one line being gathered */
    /* the last bad layout reported (vgt-display.c): once, not per frame */
    uint64_t bad_surface;
    uint64_t updates;
    uint64_t copied_lines;
    uint64_t errors;
    /* x-display-bench: frames to render, then the time it took */
    uint64_t bench_ns;
    uint32_t bench_frames;
} VgtConsole;

/*
 * An engine's submission state as it migrates ("vgt/engine"): work in
 * flight never does (vgt-migration.c), so busy is always false in the
 * stream; the two in-flight fields keep the stream's format.
 */
typedef struct VgtEngineMig {
    bool busy;
    bool hung;
    uint64_t next_id;
    uint64_t inflight_id;
    uint32_t inflight_tail;
} VgtEngineMig;

/* The qdev properties (vgt.c, docs/device.md), as the user set them. */
typedef struct VgtConf {
    uint16_t subsys_vendor_id;
    uint16_t subsys_id;
    uint64_t aperture_size;
    uint64_t stolen_size;
    char *helper;               /* vgt-hostd socket; NULL: embedded */
    uint32_t low_gm_sz;         /* MiB of mappable GM */
    uint32_t high_gm_sz;        /* MiB of non-mappable GM */
    uint32_t fence_sz;          /* fence registers */
    uint8_t submit_depth;       /* workloads in flight per engine */
    uint32_t weight;            /* scheduling weight (run time: qom-set) */
    uint32_t xres;              /* virtual monitor, pixels */
    uint32_t yres;
    char *port_name;            /* "port": DDI B, C or D */
    bool aperture_trap;         /* x-aperture-trap: trap every access */
    bool vga;                   /* decode legacy VGA (the boot screen) */
} VgtConf;

/* The register file behind BAR0's lower half and BAR4 (vgt-regs.c). */
typedef struct VgtRegFile {
    uint32_t *vals;             /* one 32-bit virtual value per dword */
    unsigned long *unimp_reported;  /* offsets reported, one bit a dword */
    uint32_t *guest_errors;     /* per register table row */
    uint32_t io_index;          /* BAR4: the offset the data dword reaches */
} VgtRegFile;

/* OpRegion (vgt-opregion.c): live contents, mapped where ASLS points. */
typedef struct VgtOpRegion {
    uint8_t *live;
    MemoryRegion mr;
    bool mapped;
    hwaddr addr;
    /* Pristine copy, offered to firmware as fw_cfg "etc/igd-opregion". */
    uint8_t *template;
} VgtOpRegion;

/* The host helper (vgt-host.c) and the share of the GPU it gave us. */
typedef struct VgtHost {
    /* the transport's, or vgt_host_gone_ops once the helper went away */
    const struct vgt_host_ops *ops;
    const struct vgt_host_ops *transport;   /* embedded, socket or kernel */
    struct vgt_conn *conn;      /* NULL: not connected */
    struct vgt_instance_info part;  /* GM ranges and fences */
    /*
     * The partition as the guest knows it (PVINFO): equal to part, except
     * after a migration to a helper that placed the VM elsewhere; then
     * every GM address on its way to the helper is remapped from view to
     * part (vgt-gm-remap.c).  A device reset makes it part again.
     */
    struct vgt_instance_info view;
    MemoryListener mem_listener;
    bool mem_listener_registered;
    bool realized;
    Error *err;                 /* first guest-RAM registration error */
    int event_fd;
    /*
     * The helper went away (vgt-hostd died, vgt.ko lost the GPU): said
     * once, the engines stopped as hung, nothing more goes to it (ops),
     * migration refused (gone_blocker, gone_notifier).  For good: conn is
     * kept only for its disconnect.
     */
    bool gone;
    bool gone_blocker_added;
    Error *gone_blocker;
    Notifier gone_notifier;
} VgtHost;

/* GGTT (vgt-gtt.c): the guest's view, and entries queued for the helper */
typedef struct VgtGtt {
    MemoryRegion mr;                /* BAR0's upper half */
    uint32_t *guest;                /* VGT_GTT_ENTRIES, as written */
    struct vgt_gtt_entry *pending;  /* VGT_GTT_WRITE_MAX */
    uint32_t npending;
    QEMUBH *flush_bh;
    uint64_t written;               /* entries the helper accepted */
    uint64_t refused[VGT_GTT_REFUSED_COUNT];
    uint64_t refused_total;
} VgtGtt;

/* Aperture (vgt-aperture.c): BAR2 translated through the GTT */
typedef struct VgtAperture {
    MemoryRegion mr;                /* BAR2 */
    IOMMUMemoryRegion iommu;
    MemoryRegion trap;              /* unmapped pages, x-aperture-trap */
    AddressSpace trap_as;
    uint32_t *gfn;                  /* per aperture page: gfn + 1, 0: none */
    uint32_t pages;
    uint64_t errors;
} VgtAperture;

/* Fences (vgt-fence.c): bit i for guest fence i */
typedef struct VgtFences {
    uint32_t hi_fresh;          /* HI written since last programmed */
    uint32_t lo_pending;        /* valid LO waiting for its HI */
    uint32_t live;              /* programmed valid in the helper */
    uint64_t errors;
} VgtFences;

/* The interrupt line (vgt-irq.c); the chain's registers are vregs. */
typedef struct VgtIrq {
    bool level;                 /* as delivered */
    bool debug_level;           /* x-debug-irq */
} VgtIrq;

/* Command submission (vgt-submit.c) */
typedef struct VgtSubmit {
    VgtEngineState engine[VGT_ENGINE_COUNT];
    struct vgt_shadow_info shadow;  /* the helper's area for our copies */
    /* Engine state last flushed with a workload (vgt_submit_flush_regs) */
    bool flush_valid[VGT_ENGINE_COUNT];
    uint32_t flush_sent[VGT_ENGINE_COUNT][VGT_ENGINE_REGS_MAX];
    /* What the helper was told wakes QEMU (vgt_submit_notify_update) */
    bool notify_valid[VGT_ENGINE_COUNT];
    bool notify_irq[VGT_ENGINE_COUNT];
} VgtSubmit;

/* The virtual monitor and what the pipes show (vgt-pipe.c to -display.c) */
typedef struct VgtDisplay {
    VgtPipe pipe[VGT_NPIPES];
    VgtDdiPort port;            /* the monitor's DDI port */
    bool monitor_connected;     /* "monitor-connected" (runtime hotplug) */
    uint8_t edid[VGT_EDID_MAX];
    size_t edid_size;
    VgtDp dp;
    VgtGmbus gmbus;
    VgtConsole console;
} VgtDisplay;

/* What the "stats" property reports (vgt.c). */
typedef struct VgtStats {
    uint64_t guest_errors;
    uint64_t irq_raised;        /* events from any source */
    uint64_t irq_masked;        /* of those, dropped by an IMR */
    uint64_t irq_delivered;     /* MSI messages / INTx assertions */
    uint64_t submitted;
    uint64_t submit_rejected;
    uint64_t host_events;       /* events received from the helper */
} VgtStats;

/* Legacy VGA, the boot screen (vgt-vga.c) */
typedef struct VgtVga {
    VGACommonState common;
    MemoryRegion *lowmem;       /* the 0xA0000 window (QEMU's VGA code) */
    MemoryRegion vbe_absent;    /* Bochs VBE ports: not there */
} VgtVga;

/* Migration and snapshots (vgt-migration.c) */
typedef struct VgtMigration {
    VMChangeStateEntry *vmstate_change;
    Notifier state_notifier;        /* refuses postcopy */
    MemoryListener dirty_listener;  /* GPU writes into the dirty bitmap */
    bool dirty_listener_registered;
    bool dirty_logging;             /* the helper's log is on */
    Error *blocker;                 /* why this VM cannot migrate */
    uint32_t drain_ms;              /* x-migration-drain-ms */
    /* The stream's fixed sizes and checksum (checked on load) */
    uint32_t magic;
    uint32_t mmio_dwords;
    uint32_t gtt_entries;
    uint32_t opregion_size;
    uint32_t crc;
    /* The helper's engine state, read at save, written at load */
    struct vgt_engine_regs engine[VGT_ENGINE_COUNT];
    /* Submission state as saved: an engine not drained is a hang */
    VgtEngineMig submit[VGT_ENGINE_COUNT];
    uint64_t warned_id[VGT_ENGINE_COUNT];  /* undrained, reported once */
    /* Where the OpRegion is mapped (ASLS), 0: not; the live map follows */
    uint32_t opregion_asls;
    /* What the last save, load and drain cost, for users and benches */
    int64_t save_start_ns;
    int64_t load_start_ns;
    uint64_t drain_ns;
    uint64_t save_ns;
    uint64_t load_ns;
    uint64_t gtt_replayed;
    uint64_t dirty_pages;           /* reported by the helper */
    uint64_t drain_timeouts;
    uint64_t saves;
    uint64_t loads;
} VgtMigration;

struct VgtState {
    PCIDevice parent_obj;

    VgtConf conf;

    /* BAR0: registers then GTT; BAR4: index/data I/O onto the registers */
    MemoryRegion bar0;
    MemoryRegion mmio;
    MemoryRegion io;
    VgtRegFile regs;
    /* PCI configuration space (vgt-cfg.c): offsets reported once */
    DECLARE_BITMAP(cfg_unimp_reported, PCI_CONFIG_SPACE_SIZE);
    VgtOpRegion opregion;

    VgtHost host;
    VgtGtt gtt;
    VgtAperture aperture;
    VgtFences fence;
    VgtIrq irq;
    VgtSubmit submit;
    VgtDisplay display;
    VgtVga vga;
    VgtStats stats;
    VgtMigration mig;
};

/* vgt-cfg.c */
bool vgt_cfg_init(VgtState *s, Error **errp);
void vgt_cfg_reset(VgtState *s);
uint32_t vgt_cfg_read(PCIDevice *pdev, uint32_t addr, int len);
void vgt_cfg_write(PCIDevice *pdev, uint32_t addr, uint32_t val, int len);

/* vgt-opregion.c */
void vgt_opregion_init(VgtState *s);
void vgt_opregion_map(VgtState *s, uint32_t asls);
void vgt_opregion_reset(VgtState *s);
void vgt_opregion_exit(VgtState *s);

/* vgt-regs.c: the register file (tables: vgt-regs.h) */
bool vgt_regs_init(VgtState *s, Error **errp);
/* the per-register guest-error counts, as a struct of name: count */
bool vgt_regs_visit_errors(VgtState *s, Visitor *v, const char *name,
                           Error **errp);
void vgt_regs_reset(VgtState *s);
void vgt_regs_exit(VgtState *s);
uint32_t vgt_reg_read(VgtState *s, uint32_t offset);
void vgt_reg_write(VgtState *s, uint32_t offset, uint32_t value);

/*
 * A 1- or 2-byte write into a dword: the bytes it names take @value, the
 * others keep @old (byte enables, as the hardware applies them).
 */
static inline uint32_t vgt_merge_bytes(uint32_t old, hwaddr addr,
                                       unsigned size, uint64_t value)
{
    unsigned shift = (addr & 3) * 8;
    uint32_t mask = MAKE_64BIT_MASK(shift, size * 8);

    return (old & ~mask) | ((value << shift) & mask);
}

/*
 * Both halves of BAR0 are arrays of dwords: a 64-bit access is two
 * dwords, low one first; a 1- or 2-byte read takes its bytes out of one
 * dword, a 1- or 2-byte write merges into it.  Callers check alignment.
 */
typedef uint32_t VgtDwordGet(VgtState *s, uint32_t index);
typedef void VgtDwordSet(VgtState *s, uint32_t index, uint32_t value);

static inline uint64_t vgt_dwords_read(VgtState *s, hwaddr addr,
                                       unsigned size, VgtDwordGet *get)
{
    uint32_t index = addr / 4;

    if (size == 8) {
        return get(s, index) | ((uint64_t)get(s, index + 1) << 32);
    }
    return (get(s, index) >> ((addr & 3) * 8)) & MAKE_64BIT_MASK(0, size * 8);
}

static inline void vgt_dwords_write(VgtState *s, hwaddr addr, unsigned size,
                                    uint64_t value, VgtDwordGet *get,
                                    VgtDwordSet *set)
{
    uint32_t index = addr / 4;

    if (size == 8) {
        set(s, index, value);
        set(s, index + 1, value >> 32);
    } else if (size == 4) {
        set(s, index, value);
    } else {
        set(s, index, vgt_merge_bytes(get(s, index), addr, size, value));
    }
}

/* vgt-mmio.c: BAR0's registers, BAR4 */
void vgt_mmio_init(VgtState *s);

/* vgt-gtt.c: the GTT half of BAR0 */
void vgt_gtt_init(VgtState *s);
void vgt_gtt_reset(VgtState *s);
void vgt_gtt_exit(VgtState *s);
/* Send queued GTT entries to the helper (before it may use the GTT). */
void vgt_gtt_flush(VgtState *s);
/* Is the page at @gpa guest RAM (not ROM, MMIO, an aperture)? */
bool vgt_gpa_is_ram(uint64_t gpa);
/* Read guest RAM at @gpa (only if its first page is guest RAM). */
bool vgt_gpa_read(VgtState *s, uint64_t gpa, void *buf, uint32_t len);

/*
 * vgt-gtt-walk.c: graphics memory addresses.  A GM address means a page
 * of guest memory through the GGTT, or through a gen7 PPGTT whose page
 * directory PP_DIR_BASE names (its PDEs are GGTT entries).
 */
typedef struct VgtGmSpace {
    bool ppgtt;
    uint32_t pp_dir_base;       /* PP_DIR_BASE, for a PPGTT */
} VgtGmSpace;

extern const VgtGmSpace vgt_ggtt;

/* The guest address a Haswell PTE or PDE points at. */
uint64_t vgt_pte_addr(uint32_t pte);
/* Is [gm_addr, gm_addr + len) inside this VM's GM ranges (its view)? */
bool vgt_gm_is_ours(VgtState *s, uint64_t gm_addr, uint64_t len);
/* The guest's GGTT entry for @gma, 0 (not valid) if it is not this VM's. */
uint32_t vgt_gtt_guest_pte(VgtState *s, uint64_t gma);
/*
 * The guest-physical address @gma reaches in @space: false unless every
 * entry on the way is this VM's and valid.  Through the GGTT the page
 * must be guest RAM too; PPGTT page tables are read from guest RAM only.
 */
bool vgt_gtt_translate(VgtState *s, const VgtGmSpace *space, uint64_t gma,
                       uint64_t *gpa);
/* Read @len bytes of GM at @gma through @space, page by page. */
bool vgt_gtt_read_gm(VgtState *s, const VgtGmSpace *space, uint64_t gma,
                     void *buf, uint32_t len);

/*
 * The GGTT pages of a display plane, as runs: consecutive GM pages whose
 * entries are valid and point at consecutive guest frames, or one page
 * without such an entry (VGT_GM_UNMAPPED).
 */
typedef struct VgtGmPages {
    VgtState *s;
    uint64_t page;              /* next GM page */
    uint64_t end;
} VgtGmPages;

#define VGT_GM_UNMAPPED     UINT64_MAX

void vgt_gm_pages_begin(VgtGmPages *it, VgtState *s, uint64_t first,
                        uint64_t n);
/* The next run: its first page's @gpa and @npages; false at the end. */
bool vgt_gm_pages_next(VgtGmPages *it, uint64_t *gpa, uint64_t *npages);

/* vgt-aperture.c: BAR2 */
void vgt_aperture_init(VgtState *s);
void vgt_aperture_reset(VgtState *s);
void vgt_aperture_exit(VgtState *s);
void vgt_aperture_update(VgtState *s, uint32_t index, bool mapped,
                         uint64_t gfn);
void vgt_aperture_unmap_refused(VgtState *s, uint32_t index, uint64_t gfn);

/*
 * vgt-gm-remap.c: the guest's GM addresses (the view) to the helper's
 * (part).  True when [gma, gma + len) lies in one of the view's ranges:
 * *hma is where it is in the helper's partition.
 */
bool vgt_gm_remapped(VgtState *s);
bool vgt_gm_to_host(VgtState *s, uint64_t gma, uint64_t len, uint64_t *hma);
/* The inverse, for what the helper holds in its addresses. */
bool vgt_gm_to_guest(VgtState *s, uint64_t hma, uint64_t len, uint64_t *gma);
/*
 * @value of @engine's register @reg with its GGTT address moved (if it
 * holds one, hsw_reg_gm_field): to the helper's partition, or back.
 */
uint32_t vgt_gm_reg_to_host(VgtState *s, unsigned engine, uint32_t reg,
                            uint32_t value);
uint32_t vgt_gm_reg_to_guest(VgtState *s, unsigned engine, uint32_t reg,
                             uint32_t value);

/* vgt-fence.c: fence registers (rows: vgt_fence_reg_table) */
void vgt_fence_init(VgtState *s);
void vgt_fence_reset(VgtState *s);

/* vgt-pvinfo.c: the partition fields, after every register reset */
void vgt_pvinfo_reset(VgtState *s);

/* vgt-host.c: the host helper */
bool vgt_host_connect(VgtState *s, Error **errp);
void vgt_host_reset(VgtState *s);
void vgt_host_disconnect(VgtState *s);
/* Handle what the helper has posted for this VM (events), now. */
void vgt_host_poll_events(VgtState *s);
/* Whether the helper went away (see VgtHost.gone). */
static inline bool vgt_host_gone(VgtState *s)
{
    return s->host.gone;
}
/* The VM's scheduling weight (VGT_WEIGHT_MIN..MAX) in the helper. */
bool vgt_host_set_weight(VgtState *s, uint32_t weight, Error **errp);
/* The helper's scheduler counters of this VM. */
bool vgt_host_sched_stats(VgtState *s, struct vgt_sched_stats *st,
                          Error **errp);

/* vgt-migration.c: vmstate, drain at stop, dirty pages the GPU wrote */
extern const VMStateDescription vmstate_vgt;
bool vgt_migration_init(VgtState *s, Error **errp);
void vgt_migration_exit(VgtState *s);
void vgt_migration_add_properties(Object *obj);

/* vgt-submit.c: ring submission through the scanner to the helper */
bool vgt_submit_init(VgtState *s, Error **errp);
void vgt_submit_tail_written(VgtState *s, uint32_t ring_base);
void vgt_submit_event(VgtState *s, const struct vgt_event *ev);
void vgt_submit_reset(VgtState *s, uint32_t engines);
void vgt_submit_device_reset(VgtState *s);
/* Has @engine work with the helper?  The oldest's id (0: none) */
bool vgt_submit_busy(VgtState *s, unsigned engine);
uint64_t vgt_submit_oldest_id(VgtState *s, unsigned engine);
/* @engine's state for the migration stream, and back from it */
void vgt_submit_save(VgtState *s, unsigned engine, VgtEngineMig *m);
void vgt_submit_load(VgtState *s, unsigned engine, const VgtEngineMig *m);
/* The helper went away: what was in flight will never complete. */
void vgt_submit_helper_gone(VgtState *s);
/*
 * Which of the helper's events must wake QEMU, after a change of the
 * interrupt masks; _flush handles first what it held under the old ones.
 */
void vgt_submit_notify_update(VgtState *s);
void vgt_submit_notify_flush(VgtState *s);

/* vgt-pipe.c: pipe timing, vblank */
void vgt_pipes_init(VgtState *s);
void vgt_pipes_reset(VgtState *s);
void vgt_pipes_exit(VgtState *s);

/* vgt-dp.c: DDI ports, DP AUX and DPCD, hot-plug, DDI clocks and PLLs */
bool vgt_dp_check_port(VgtState *s, Error **errp);
void vgt_dp_reset(VgtState *s);
void vgt_dp_set_connected(VgtState *s, bool connected);
/* EDID byte @n (segment * 256 + offset) of the monitor, 0 past its end */
uint8_t vgt_edid_byte(VgtState *s, uint32_t n);

/* vgt-gmbus.c: GMBUS and GPIO (DDC pins) */
void vgt_gmbus_reset(VgtState *s);

/* vgt-display.c: EDID, planes, cursor, the QEMU console */
void vgt_display_init(VgtState *s);
void vgt_display_reset(VgtState *s);
void vgt_display_exit(VgtState *s);
void vgt_display_add_properties(Object *obj);

/* vgt-vga.c */
bool vgt_vga_init(VgtState *s, Error **errp);
void vgt_vga_exit(VgtState *s);
void vgt_vga_reset(VgtState *s);
bool vgt_vga_enabled(VgtState *s);
void vgt_vga_invalidate(VgtState *s);
void vgt_vga_update(VgtState *s);
void vgt_vga_text_update(VgtState *s, console_ch_t *chardata);

/* vgt-irq.c: the interrupt chain (vgt-irq-chain.h) */
typedef enum VgtIrqDomain {
    VGT_IRQ_DE,         /* display engine: DEISR/DEIMR/DEIIR/DEIER */
    VGT_IRQ_GT,         /* render, video, blitter */
    VGT_IRQ_PM,         /* power management and the video enhancement ring */
    VGT_IRQ_SDE,        /* south display (PCH): hot-plug, AUX, GMBUS */
    VGT_IRQ_NDOMAINS
} VgtIrqDomain;

void vgt_irq_pulse(VgtState *s, VgtIrqDomain d, uint32_t bits);
void vgt_irq_set_source(VgtState *s, VgtIrqDomain d, uint32_t bits,
                        bool level);
/* Only the live status (ISR) of @bits: no event, nothing latches. */
void vgt_irq_set_live(VgtState *s, VgtIrqDomain d, uint32_t bits,
                      bool level);
void vgt_irq_engine_user(VgtState *s, unsigned engine);
bool vgt_irq_engine_user_unmasked(VgtState *s, unsigned engine);
void vgt_irq_imr_write(VgtState *s, const VgtRegInfo *r, uint32_t offset,
                       uint32_t value);
void vgt_irq_update(VgtState *s);
void vgt_irq_reset(VgtState *s);
void vgt_irq_set_level(VgtState *s, bool level);

#endif
