/*
 * The fixture every vgt qtest and qtest bench uses: a QEMU with vgt at
 * 00:02.0, its BARs, register and GTT accessors, the partition PVINFO
 * advertises, QEMU's log (-D), QOM properties of the device, and a
 * vgt-hostd of a test's own.  Static inline: QEMU's meson builds each
 * qtest from its one .c file.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef TESTS_QTEST_VGT_QTEST_H
#define TESTS_QTEST_VGT_QTEST_H

#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "libqtest.h"
#include "libqos/pci.h"
#include "libqos/pci-pc.h"
#include "qapi/qmp/qdict.h"
#include "hw/pci/pci_regs.h"
#include "qemu/host-utils.h"
#include "hw/vgt.h"
#include "hw/vgt-helper-abi.h"

/*
 * The device's properties when a test names none: a 128 MiB aperture,
 * so that libqos' 512 MiB PCI window holds BAR2 and BAR0 together (the
 * embedded helper puts the default 64 MiB mappable slice below 128 MiB).
 */
#define VGT_QTEST_PROPS         "aperture_size=128M"

/* Guest RAM in a shared memfd: what vgt-hostd needs to map it. */
#define VGT_QTEST_MEMFD_RAM     "-m 128M -object memory-backend-memfd," \
                                "id=mem,size=128M,share=on " \
                                "-machine memory-backend=mem"

#define VGT_QTEST_PVINFO        0x78000
#define VGT_QTEST_PVINFO_MAGIC  0x4776544776544776ull

/* BAR0 offset of GTT entry @i. */
#define VGT_QTEST_GTT(i)        (VGT_MMIO_SIZE + 4 * (uint64_t)(i))

/* Registers and commands the tests use as i915 does. */
#define PAGE                4096u

#define GTIMR               0x44014
#define GTIIR               0x44018
#define GTIER               0x4401c
#define DEIER               0x4400c
#define GDRST               0x941c
#define MASTER              (1u << 31)
#define FENCE_LO(i)         (0x100000 + 8 * (i))
#define FENCE_HI(i)         (0x100004 + 8 * (i))
#define PIPECONF_A          0x70008
#define PIPECONF_B          0x71008
#define FRMCOUNT_A          0x70040
#define FRMCOUNT_B          0x71040
#define DSPSTRIDE_A         0x70188
#define HTOTAL_A            0x60000
#define VTOTAL_A            0x6000c
#define PIPESRC_A           0x6001c
#define DDI_FUNC_CTL_A      0x60400
#define DSPCNTR_A           0x70180
#define DSPSURF_A           0x7019c
#define DSPOFFSET_A         0x701a4
#define FMT_XRGB8888        6

#define MI(op, len)         (((op) << 23) | (len))
#define MI_NOOP             0
#define MI_USER_INT         MI(0x02, 0)
#define MI_BB_END           MI(0x0a, 0)
#define MI_BB_START         MI(0x31, 0)
#define MI_STORE_INDEX      MI(0x21, 1)
#define MI_SDI_GGTT         (MI(0x20, 2) | (1u << 22))
#define MI_LRI1             MI(0x22, 1)
#define MI_UPDATE_GTT       MI(0x23, 1)
#define MI_BB_NON_SECURE    (1u << 13)
#define XY_COLOR_BLT        ((2u << 29) | (0x50 << 22) | 4)
#define BLT_WRITE_ARGB      (3u << 20)  /* 32 bpp: write alpha and RGB */
#define BLT_32BPP           (3u << 24)
#define BLT_ROP_PATCOPY     (0xf0u << 16)

typedef struct VgtQtest {
    QTestState *qts;
    QPCIBus *bus;
    QPCIDevice *dev;
    const char *id;             /* QOM: /machine/peripheral/<id> */
    QPCIBar bar0;               /* registers, then the GTT */
    QPCIBar bar2;               /* the aperture */
    /* the VM's graphics memory and fences, from PVINFO */
    uint32_t vgt_id;
    uint64_t mbase, msize;      /* mappable GM */
    uint64_t nbase, nsize;      /* non-mappable GM */
    uint32_t fences;
    char *log_path;             /* QEMU's -D log */
    bool shares_qemu;           /* a second device: stop frees it only */
} VgtQtest;

/* A temporary file for QEMU's -D log; unlink and g_free it afterwards. */
static inline char *vgt_qtest_log_file(const char *name)
{
    g_autofree char *tmpl = g_strdup_printf("%s-XXXXXX.log", name);
    char *path = NULL;
    int fd = g_file_open_tmp(tmpl, &path, NULL);

    g_assert_cmpint(fd, >=, 0);
    close(fd);
    return path;
}

/*
 * Start a pc machine without default devices, vgt at 00:02.0 with id
 * "gpu", and find the device.  It is not enabled yet: a test sees it as
 * firmware does until vgt_qtest_map().  @props: the device's properties
 * after addr and id (NULL: VGT_QTEST_PROPS, "": the device's defaults).
 * @args: more QEMU options, or NULL; they follow the machine's (a later
 * -M or -machine wins) and the device (so that more -device vgt are
 * created after it); "-d" chooses what QEMU logs to t->log_path.
 */
static inline void vgt_qtest_start(VgtQtest *t, const char *args,
                                   const char *props)
{
    if (!props) {
        props = VGT_QTEST_PROPS;
    }
    memset(t, 0, sizeof(*t));
    t->id = "gpu";
    t->log_path = vgt_qtest_log_file("vgt-qtest");
    t->qts = qtest_initf("-M pc -nodefaults -vga none -D %s "
                         "-device vgt,addr=2,id=gpu%s%s %s",
                         t->log_path, *props ? "," : "", props,
                         args ? args : "");
    t->bus = qpci_new_pc(t->qts, NULL);
    t->dev = qpci_device_find(t->bus, QPCI_DEVFN(2, 0));
    g_assert_nonnull(t->dev);
}

/*
 * The same VM on vgt-hostd's @socket instead of the embedded helper:
 * guest RAM the daemon can map.  @props: more properties, or NULL (the
 * GPU's whole aperture then).
 */
static inline void vgt_qtest_start_on_hostd(VgtQtest *t, const char *socket,
                                            const char *args,
                                            const char *props)
{
    g_autofree char *all_args = g_strdup_printf("%s %s", VGT_QTEST_MEMFD_RAM,
                                                args ? args : "");
    g_autofree char *all_props = g_strdup_printf("helper=%s%s%s", socket,
                                                 props ? "," : "",
                                                 props ? props : "");

    vgt_qtest_start(t, all_args, all_props);
}

/*
 * The kernel transport: vgt.ko's /dev/vgt, named by $VGT_QTEST_KERNEL
 * (e.g. VGT_QTEST_KERNEL=/dev/vgt, inside the guest that loads the
 * module).  NULL unless that is an existing character device.
 */
static inline const char *vgt_qtest_kernel(void)
{
    const char *dev = g_getenv("VGT_QTEST_KERNEL");
    struct stat st;

    if (!dev || !*dev || stat(dev, &st) || !S_ISCHR(st.st_mode)) {
        return NULL;
    }
    return dev;
}

/*
 * Whether to register the test cases over the kernel transport.  When
 * not, they do not exist at all: a TAP comment says so (not a pass, and
 * not a skip of a case that was never meant to run here).
 */
static inline bool vgt_qtest_kernel_wanted(void)
{
    const char *dev = g_getenv("VGT_QTEST_KERNEL");

    if (vgt_qtest_kernel()) {
        return true;
    }
    if (!dev || !*dev) {
        printf("# kernel transport: VGT_QTEST_KERNEL unset, skipped\n");
    } else {
        printf("# kernel transport: VGT_QTEST_KERNEL=%s is not a character "
               "device, skipped\n", dev);
    }
    fflush(stdout);
    return false;
}

/*
 * The same VM on the kernel transport ($VGT_QTEST_KERNEL, which must be
 * there): plain guest RAM (128 MiB), which the module pins.  @props: more
 * properties, or NULL (the GPU's whole aperture then).
 */
static inline void vgt_qtest_start_on_kernel(VgtQtest *t, const char *args,
                                             const char *props)
{
    const char *dev = vgt_qtest_kernel();
    g_autofree char *all_args = NULL;
    g_autofree char *all_props = NULL;

    g_assert_nonnull(dev);
    all_args = g_strdup_printf("-m 128M %s", args ? args : "");
    all_props = g_strdup_printf("helper=%s%s%s", dev, props ? "," : "",
                                props ? props : "");
    vgt_qtest_start(t, all_args, all_props);
}

/* Another vgt of @first's QEMU (a -device in its @args), at 00:@slot.0. */
static inline void vgt_qtest_attach(VgtQtest *t, VgtQtest *first, int slot,
                                    const char *id)
{
    memset(t, 0, sizeof(*t));
    t->qts = first->qts;
    t->bus = first->bus;
    t->id = id;
    t->shares_qemu = true;
    t->dev = qpci_device_find(t->bus, QPCI_DEVFN(slot, 0));
    g_assert_nonnull(t->dev);
}

/* Stop QEMU (or, for an attached device, forget the device). */
static inline void vgt_qtest_stop(VgtQtest *t)
{
    g_free(t->dev);
    if (t->shares_qemu) {
        return;
    }
    qpci_free_pc(t->bus);
    qtest_quit(t->qts);
    unlink(t->log_path);
    g_free(t->log_path);
}

/*
 * Enable the device and map BAR0, as a driver does first; again after a
 * reset, which clears the BARs.
 */
static inline void vgt_qtest_map(VgtQtest *t)
{
    uint64_t size;

    qpci_device_enable(t->dev);
    t->bar0 = qpci_iomap(t->dev, 0, &size);
    g_assert_cmpuint(size, ==, VGT_BAR0_SIZE);
}

/*
 * Map the aperture (BAR2), after BAR0.  libqos places BARs in the 512 MiB
 * below 4 GiB and writes only their low dword: the GPU's whole aperture
 * (512 MiB, the default) does not fit there after BAR0, so it goes at
 * 8 GiB (BAR2 is a 64-bit BAR), both dwords written here.  libqos's pc
 * bus cuts memory addresses to 32 bits: reach the aperture with
 * vgt_ap_rd()/vgt_ap_wr(), which do not.
 */
static inline void vgt_qtest_map_aperture(VgtQtest *t)
{
    uint64_t high = 8ull << 30, size;
    uint32_t lo;

    qpci_config_writel(t->dev, PCI_BASE_ADDRESS_2, 0xffffffff);
    lo = qpci_config_readl(t->dev, PCI_BASE_ADDRESS_2) &
         PCI_BASE_ADDRESS_MEM_MASK;
    size = 1ull << ctz32(lo);
    if (QEMU_ALIGN_UP(t->bus->mmio_alloc_ptr, size) + size <=
        t->bus->mmio_limit) {
        t->bar2 = qpci_iomap(t->dev, 2, NULL);
        return;
    }
    qpci_config_writel(t->dev, PCI_BASE_ADDRESS_2, (uint32_t)high);
    qpci_config_writel(t->dev, PCI_BASE_ADDRESS_3, high >> 32);
    t->bar2.addr = high;
    t->bar2.is_io = false;
}

/* The aperture at GM offset @off (BAR2 anywhere in the address space). */
static inline uint32_t vgt_ap_rd(VgtQtest *t, uint64_t off)
{
    return qtest_readl(t->qts, t->bar2.addr + off);
}

static inline void vgt_ap_wr(VgtQtest *t, uint64_t off, uint32_t value)
{
    qtest_writel(t->qts, t->bar2.addr + off, value);
}

static inline uint32_t vgt_rd(VgtQtest *t, uint32_t reg)
{
    return qpci_io_readl(t->dev, t->bar0, reg);
}

static inline void vgt_wr(VgtQtest *t, uint32_t reg, uint32_t value)
{
    qpci_io_writel(t->dev, t->bar0, reg, value);
}

/*
 * Turn legacy VGA off as i915's intel_vga_disable does on Haswell: CPU_VGACNTRL
 * (0x41000) bit 31, VGA_DISP_DISABLE; the console then shows the pipes.
 */
#define VGT_QTEST_VGACNTRL          0x41000
#define VGT_QTEST_VGA_DISP_DISABLE  (1u << 31)

static inline void vgt_qtest_vga_off(VgtQtest *t)
{
    vgt_wr(t, VGT_QTEST_VGACNTRL, VGT_QTEST_VGA_DISP_DISABLE);
}

/*
 * i915's modeset of pipe A / transcoder A on DDI B at @w x @h, its primary
 * plane scanning out @surf (GM address) with @stride bytes a line.
 */
static inline void vgt_qtest_modeset(VgtQtest *d, uint64_t surf,
                                     uint32_t stride, int fmt, bool tiled,
                                     int w, int h)
{
    vgt_qtest_vga_off(d);
    vgt_wr(d, HTOTAL_A, (w - 1) | (w + 99) << 16);
    vgt_wr(d, VTOTAL_A, (h - 1) | (h + 9) << 16);
    vgt_wr(d, PIPESRC_A, (w - 1) << 16 | (h - 1));
    vgt_wr(d, DDI_FUNC_CTL_A, 0x92000002);          /* on, DDI B, DP SST */
    vgt_wr(d, DSPSTRIDE_A, stride);
    vgt_wr(d, DSPOFFSET_A, 0);
    vgt_wr(d, DSPCNTR_A, (1u << 31) | fmt << 26 | (tiled ? 1u << 10 : 0));
    vgt_wr(d, DSPSURF_A, surf);
    vgt_wr(d, PIPECONF_A, 1u << 31);
}

/*
 * The VM's console as QMP's screendump writes it: RGB, g_free it.  QEMU
 * 7.2's PPM writer pads each line to 4 bytes (pixman's stride): a frame
 * whose width * 3 is not a multiple of 4 comes back without the padding.
 */
static inline uint8_t *vgt_qtest_screendump(VgtQtest *d, int *w, int *h)
{
    g_autofree char *path = NULL;
    g_autofree char *data = NULL;
    int fd = g_file_open_tmp("vgt-qtest-XXXXXX.ppm", &path, NULL);
    size_t len, line, pitch;
    int max, n = 0, y;
    uint8_t *pix;

    g_assert_cmpint(fd, >=, 0);
    close(fd);
    qtest_qmp_assert_success(d->qts, "{ 'execute': 'screendump', "
                             "'arguments': { 'filename': %s, "
                             "'device': %s } }", path, d->id);
    g_assert_true(g_file_get_contents(path, &data, &len, NULL));
    unlink(path);
    g_assert_cmpint(sscanf(data, "P6 %d %d %d%n", w, h, &max, &n), ==, 3);
    g_assert_cmpint(max, ==, 255);
    line = (size_t)*w * 3;
    pitch = len == n + 1 + line * *h ? line : ROUND_UP(line, 4);
    g_assert_cmpuint(len, ==, n + 1 + pitch * *h);
    pix = g_malloc(line * *h);
    for (y = 0; y < *h; y++) {
        memcpy(pix + y * line, data + n + 1 + y * pitch, line);
    }
    return pix;
}

/*
 * MSI into guest RAM: the message becomes a write of @data at @gpa, which
 * the tests read back (32- or 64-bit capability, whichever the device has).
 */
static inline void vgt_qtest_msi_enable(VgtQtest *t, uint32_t gpa,
                                        uint16_t data)
{
    uint8_t cap = qpci_find_capability(t->dev, PCI_CAP_ID_MSI, 0);
    uint16_t flags = qpci_config_readw(t->dev, cap + PCI_MSI_FLAGS);

    qpci_config_writel(t->dev, cap + PCI_MSI_ADDRESS_LO, gpa);
    if (flags & PCI_MSI_FLAGS_64BIT) {
        qpci_config_writel(t->dev, cap + PCI_MSI_ADDRESS_HI, 0);
        qpci_config_writew(t->dev, cap + PCI_MSI_DATA_64, data);
    } else {
        qpci_config_writew(t->dev, cap + PCI_MSI_DATA_32, data);
    }
    qpci_config_writew(t->dev, cap + PCI_MSI_FLAGS,
                       flags | PCI_MSI_FLAGS_ENABLE);
    qtest_writel(t->qts, gpa, 0);
}

/* Did an MSI (@data at @gpa) arrive since the last call? */
static inline bool vgt_qtest_msi_seen(VgtQtest *t, uint32_t gpa,
                                      uint16_t data)
{
    bool seen = qtest_readl(t->qts, gpa) == data;

    qtest_writel(t->qts, gpa, 0);
    return seen;
}

static inline uint32_t vgt_gtt_rd(VgtQtest *t, uint32_t index)
{
    return qpci_io_readl(t->dev, t->bar0, VGT_QTEST_GTT(index));
}

static inline void vgt_gtt_wr(VgtQtest *t, uint32_t index, uint32_t pte)
{
    qpci_io_writel(t->dev, t->bar0, VGT_QTEST_GTT(index), pte);
}

/* A valid Haswell GTT entry for guest-physical @gpa. */
static inline uint32_t vgt_pte(uint64_t gpa)
{
    return (gpa & 0xfffff000u) | ((gpa >> 28) & 0x7f0) | VGT_PTE_VALID;
}

/* Read the partition the VM got from PVINFO, as i915's vGPU probe does. */
static inline void vgt_qtest_read_partition(VgtQtest *t)
{
    g_assert_cmphex(qpci_io_readq(t->dev, t->bar0, VGT_QTEST_PVINFO), ==,
                    VGT_QTEST_PVINFO_MAGIC);
    t->vgt_id = vgt_rd(t, VGT_QTEST_PVINFO + 0x0c);
    t->mbase = vgt_rd(t, VGT_QTEST_PVINFO + 0x40);
    t->msize = vgt_rd(t, VGT_QTEST_PVINFO + 0x44);
    t->nbase = vgt_rd(t, VGT_QTEST_PVINFO + 0x48);
    t->nsize = vgt_rd(t, VGT_QTEST_PVINFO + 0x4c);
    t->fences = vgt_rd(t, VGT_QTEST_PVINFO + 0x50);
}

/*
 * How many lines of the VM's log contain @needle.  A QMP round trip
 * first, so that everything QEMU did before is in the file.
 */
static inline int vgt_qtest_log_count(VgtQtest *t, const char *needle)
{
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    int i, n = 0;

    qtest_qmp_assert_success(t->qts, "{ 'execute': 'query-status' }");
    g_assert_true(g_file_get_contents(t->log_path, &text, NULL, NULL));
    lines = g_strsplit(text, "\n", -1);
    for (i = 0; lines[i]; i++) {
        n += strstr(lines[i], needle) != NULL;
    }
    return n;
}

/* An integer QOM property of the device. */
static inline uint64_t vgt_qtest_qom_u64(VgtQtest *t, const char *prop)
{
    g_autofree char *path = g_strdup_printf("/machine/peripheral/%s", t->id);
    QDict *rsp;
    uint64_t v;

    rsp = qtest_qmp(t->qts, "{ 'execute': 'qom-get', 'arguments': "
                    "{ 'path': %s, 'property': %s } }", path, prop);
    g_assert_true(qdict_haskey(rsp, "return"));
    v = qdict_get_int(rsp, "return");
    qobject_unref(rsp);
    return v;
}

/* A QOM property of the device that is a dictionary; qobject_unref it. */
static inline QDict *vgt_qtest_qom_dict(VgtQtest *t, const char *prop)
{
    g_autofree char *path = g_strdup_printf("/machine/peripheral/%s", t->id);
    QDict *rsp, *ret;

    rsp = qtest_qmp(t->qts, "{ 'execute': 'qom-get', 'arguments': "
                    "{ 'path': %s, 'property': %s } }", path, prop);
    ret = qdict_get_qdict(rsp, "return");
    g_assert_nonnull(ret);
    qobject_ref(ret);
    qobject_unref(rsp);
    return ret;
}

/* What the device's console shows ("display" property); g_free it. */
static inline char *vgt_qtest_display_console(VgtQtest *t)
{
    QDict *info = vgt_qtest_qom_dict(t, "display");
    char *console = g_strdup(qdict_get_str(info, "console"));

    qobject_unref(info);
    return console;
}

static inline void vgt_qtest_qom_set_int(VgtQtest *t, const char *prop,
                                         int64_t value)
{
    g_autofree char *path = g_strdup_printf("/machine/peripheral/%s", t->id);

    qtest_qmp_assert_success(t->qts, "{ 'execute': 'qom-set', 'arguments': "
                             "{ 'path': %s, 'property': %s, "
                             "'value': %" PRId64 " } }", path, prop, value);
}

static inline void vgt_qtest_qom_set_bool(VgtQtest *t, const char *prop,
                                          bool value)
{
    g_autofree char *path = g_strdup_printf("/machine/peripheral/%s", t->id);

    qtest_qmp_assert_success(t->qts, "{ 'execute': 'qom-set', 'arguments': "
                             "{ 'path': %s, 'property': %s, "
                             "'value': %i } }", path, prop, value);
}

/* DP AUX on port B, the monitor's: registers and transactions. */
#define AUX_CTL_B           0xe4110
#define AUX_CTL_D           0xe4310
#define AUX_BUSY            (1u << 31)
#define AUX_DONE            (1u << 30)
#define AUX_TIMEOUT         (1u << 28)
#define AUX_RECV_ERR        (1u << 25)

/*
 * One AUX transaction as i915 does it (request packed big-endian, CTL
 * with BUSY, wait, ack): the reply length, or -1 for a timeout.
 */
static inline int vgt_qtest_aux(VgtQtest *d, uint32_t ctl,
                                const uint8_t *req, int nreq,
                                uint8_t *reply)
{
    uint32_t status, v;
    int i, n;

    for (i = 0; i < nreq; i += 4) {
        v = 0;
        for (n = 0; n < 4; n++) {
            v |= (i + n < nreq ? req[i + n] : 0) << (24 - n * 8);
        }
        vgt_wr(d, ctl + 4 + i, v);
    }
    vgt_wr(d, ctl, AUX_BUSY | AUX_DONE | AUX_TIMEOUT | AUX_RECV_ERR |
           (nreq << 20) | (3 << 16) | 63);
    status = vgt_rd(d, ctl);
    g_assert_false(status & AUX_BUSY);
    g_assert_true(status & AUX_DONE);
    vgt_wr(d, ctl, status | AUX_DONE | AUX_TIMEOUT | AUX_RECV_ERR);
    /* the ack starts nothing and clears the status */
    g_assert_cmphex(vgt_rd(d, ctl) & (AUX_BUSY | AUX_DONE | AUX_TIMEOUT), ==,
                    0);
    if (status & AUX_TIMEOUT) {
        return -1;
    }
    n = (status >> 20) & 0x1f;
    g_assert_cmpint(n, >=, 1);
    g_assert_cmpint(n, <=, 20);
    for (i = 0; i < n; i++) {
        reply[i] = vgt_rd(d, ctl + 4 + (i & ~3)) >> (24 - (i & 3) * 8);
    }
    return n;
}

static inline void vgt_qtest_dpcd_read(VgtQtest *d, uint32_t addr,
                                       uint8_t *buf, int len)
{
    uint8_t req[4] = { 0x90 | (addr >> 16), addr >> 8, addr, len - 1 };
    uint8_t reply[20];

    g_assert_cmpint(vgt_qtest_aux(d, AUX_CTL_B, req, 4, reply), ==,
                    1 + len);
    g_assert_cmphex(reply[0], ==, 0);       /* ACK */
    memcpy(buf, reply + 1, len);
}

static inline void vgt_qtest_dpcd_write(VgtQtest *d, uint32_t addr,
                                        const uint8_t *buf, int len)
{
    uint8_t req[20] = { 0x80 | (addr >> 16), addr >> 8, addr, len - 1 };
    uint8_t reply[20];

    memcpy(req + 4, buf, len);
    g_assert_cmpint(vgt_qtest_aux(d, AUX_CTL_B, req, 4 + len, reply), ==,
                    1);
    g_assert_cmphex(reply[0], ==, 0);
}

/* A vgt-hostd of a test's own (the binary from make: VGT_HOSTD). */
typedef struct VgtQtestHostd {
    GPid pid;
    char *dir;
    char *socket;
} VgtQtestHostd;

/*
 * The daemon goes when the test goes, even if an assertion kills it.  Its
 * stderr goes to @log (a path), or nowhere.
 */
static inline void vgt_qtest_hostd_child_setup(gpointer log)
{
    int fd = open(log ? log : "/dev/null", O_WRONLY | O_CREAT | O_APPEND,
                  0600);

    if (fd >= 0) {
        dup2(fd, 2);
        close(fd);
    }
    prctl(PR_SET_PDEATHSIG, SIGTERM);
}

/*
 * Start one; false (nothing started) when VGT_HOSTD is not set.  With
 * @log, it runs --verbose and *log names the file its messages go to
 * (g_free it; it lives in h->dir).
 */
static inline bool vgt_qtest_hostd_start_logged(VgtQtestHostd *h,
                                                char **log)
{
    const char *bin = g_getenv("VGT_HOSTD");
    const char *argv[5];
    int i;

    if (!bin) {
        return false;
    }
    h->dir = g_dir_make_tmp("vgt-hostd-XXXXXX", NULL);
    g_assert_nonnull(h->dir);
    h->socket = g_build_filename(h->dir, "vgt.sock", NULL);
    argv[0] = bin;
    argv[1] = "--socket";
    argv[2] = h->socket;
    argv[3] = log ? "--verbose" : NULL;
    argv[4] = NULL;
    if (log) {
        *log = g_build_filename(h->dir, "hostd.log", NULL);
    }
    g_assert_true(g_spawn_async(NULL, (char **)argv, NULL,
                                G_SPAWN_DO_NOT_REAP_CHILD |
                                G_SPAWN_STDOUT_TO_DEV_NULL,
                                vgt_qtest_hostd_child_setup,
                                log ? *log : NULL, &h->pid, NULL));
    for (i = 0; i < 500 && !g_file_test(h->socket, G_FILE_TEST_EXISTS);
         i++) {
        g_usleep(10 * 1000);
    }
    g_assert_true(g_file_test(h->socket, G_FILE_TEST_EXISTS));
    return true;
}

static inline bool vgt_qtest_hostd_start(VgtQtestHostd *h)
{
    return vgt_qtest_hostd_start_logged(h, NULL);
}

static inline bool vgt_qtest_hostd_alive(VgtQtestHostd *h)
{
    return waitpid(h->pid, NULL, WNOHANG) == 0;
}

/* SIGTERM: the daemon must shut down cleanly (exit status 0). */
static inline void vgt_qtest_hostd_stop(VgtQtestHostd *h)
{
    g_autofree char *log = g_build_filename(h->dir, "hostd.log", NULL);
    int status;

    kill(h->pid, SIGTERM);
    g_assert_cmpint(waitpid(h->pid, &status, 0), ==, h->pid);
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 0);
    g_spawn_close_pid(h->pid);
    unlink(h->socket);
    unlink(log);                /* vgt_qtest_hostd_start_logged's */
    rmdir(h->dir);
    g_free(h->socket);
    g_free(h->dir);
}

#endif
