/*
 * vgt: the emulated IGD OpRegion.
 *
 * The guest driver finds the OpRegion at the guest-physical address in
 * ASLS (PCI config 0xfc) and maps 8 KiB there.  Whoever writes ASLS --
 * SeaBIOS, which also copies our fw_cfg "etc/igd-opregion" into memory it
 * reserves, or Xen's hvmloader, which only reserves pages -- the device
 * overlays its own OpRegion at that address, so the guest always sees the
 * same contents.  It is an MMIO overlay rather than RAM because it can sit
 * at any address and works the same under TCG and Xen's ioreq servers.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "exec/address-spaces.h"
#include "hw/nvram/fw_cfg.h"
#include "vgt-internal.h"
#include "trace.h"

/*
 * QEMU 7.2's memory core passes an unaligned access that starts in the
 * region whole, even when it runs past the region's end (found by the
 * vgt-device fuzz target: an 8-byte write 2 bytes before the end wrote
 * 6 bytes past the OpRegion's buffer).  The OpRegion is memory to the
 * guest, so such an access takes its bytes inside from the OpRegion and
 * the rest from guest memory after it, as a CPU access would.
 */
static unsigned vgt_opregion_bytes_inside(hwaddr addr, unsigned size)
{
    return addr >= VGT_OPREGION_SIZE ? 0 :
           MIN(size, VGT_OPREGION_SIZE - (unsigned)addr);
}

static uint64_t vgt_opregion_read(void *opaque, hwaddr addr, unsigned size)
{
    VgtState *s = opaque;
    unsigned inside = vgt_opregion_bytes_inside(addr, size);
    uint8_t bytes[8] = { 0 };
    uint64_t value;

    memcpy(bytes, s->opregion.live + addr, inside);
    if (inside < size) {
        address_space_read(&address_space_memory,
                           s->opregion.addr + addr + inside,
                           MEMTXATTRS_UNSPECIFIED, bytes + inside,
                           size - inside);
    }
    value = ldn_le_p(bytes, size);
    trace_vgt_opregion_read(addr, size, value);
    return value;
}

static void vgt_opregion_write(void *opaque, hwaddr addr, uint64_t value,
                               unsigned size)
{
    VgtState *s = opaque;
    unsigned inside = vgt_opregion_bytes_inside(addr, size);
    uint8_t bytes[8];

    /* The driver writes its mailbox fields (drdy, csts, chpd, didl). */
    trace_vgt_opregion_write(addr, size, value);
    stn_le_p(bytes, size, value);
    memcpy(s->opregion.live + addr, bytes, inside);
    if (inside < size) {
        address_space_write(&address_space_memory,
                            s->opregion.addr + addr + inside,
                            MEMTXATTRS_UNSPECIFIED, bytes + inside,
                            size - inside);
    }
}

static const MemoryRegionOps vgt_opregion_ops = {
    .read = vgt_opregion_read,
    .write = vgt_opregion_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {
        .min_access_size = 1,
        .max_access_size = 8,
        .unaligned = true,
    },
    .impl = {
        .min_access_size = 1,
        .max_access_size = 8,
        .unaligned = true,
    },
};

void vgt_opregion_init(VgtState *s)
{
    FWCfgState *fw_cfg = fw_cfg_find();
    bool ok;

    s->opregion.template = g_malloc(VGT_OPREGION_SIZE);
    /* The VBT names the monitor's port ("port", checked at realize). */
    ok = vgt_opregion_build(s->opregion.template, s->display.port);
    g_assert(ok);   /* fixed layout: cannot fail for ports B..D */
    s->opregion.live = g_memdup2(s->opregion.template, VGT_OPREGION_SIZE);
    memory_region_init_io(&s->opregion.mr, OBJECT(s), &vgt_opregion_ops, s,
                          "vgt-opregion", VGT_OPREGION_SIZE);

    /*
     * Firmware that knows IGD (SeaBIOS) allocates reserved memory for this
     * file and writes its address to ASLS.  Under Xen there is no fw_cfg;
     * hvmloader writes ASLS by itself.
     */
    if (fw_cfg) {
        fw_cfg_modify_file(fw_cfg, "etc/igd-opregion", s->opregion.template,
                           VGT_OPREGION_SIZE);
    }
}

void vgt_opregion_map(VgtState *s, uint32_t asls)
{
    /* a page address (VGT_ASLS_MASK), also when a migration stream says */
    asls &= VGT_ASLS_MASK;
    if (s->opregion.mapped) {
        memory_region_del_subregion(get_system_memory(), &s->opregion.mr);
        s->opregion.mapped = false;
    }
    trace_vgt_opregion_map(asls);
    if (!asls) {
        return;
    }
    s->opregion.addr = asls;
    memory_region_add_subregion_overlap(get_system_memory(), asls,
                                        &s->opregion.mr, 1);
    s->opregion.mapped = true;
}

void vgt_opregion_reset(VgtState *s)
{
    vgt_opregion_map(s, 0);
    memcpy(s->opregion.live, s->opregion.template, VGT_OPREGION_SIZE);
}

void vgt_opregion_exit(VgtState *s)
{
    vgt_opregion_map(s, 0);
    g_free(s->opregion.live);
    s->opregion.live = NULL;
    /* The template stays: fw_cfg may still point at it. */
}
