#!/usr/bin/env python3
"""Write the hand-made seed inputs of the fuzz harnesses (tests/fuzz).

The seeds spell, in each harness's input format, what a guest does in
the ordinary case (i915's ring and batches, its GGTT and PPGTT set-up,
its register sequences, a client's conversation with vgt-hostd), so that
fuzzing starts from inputs that reach deep into the code.  `make fuzz`
grows a corpus from them and `make fuzz-merge` keeps what adds coverage;
the seeds stay as they are (seed-* names).

    usage: tests/fuzz/make-seeds.py CORPUS_DIR   (tests/fuzz/corpus)
"""
import os
import struct
import sys

out = sys.argv[1]


def write(harness, name, data):
    d = os.path.join(out, harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, 'seed-' + name), 'wb') as f:
        f.write(data)


def u16(v):
    return struct.pack('<H', v & 0xffff)


def u32(v):
    return struct.pack('<I', v & 0xffffffff)


def u64(v):
    return struct.pack('<Q', v & 0xffffffffffffffff)


def dws(*v):
    return b''.join(u32(x) for x in v)


# ---- vgt-cmd: engine, ring, batch areas (fuzz-vgt-cmd.c) -----------------
VM_BASE = 16 << 20
BATCH0 = VM_BASE + 0x20000          # vcm_batch_gma(0)
PPGTT_BATCH0 = 0x40000              # vcm_ppgtt_batch_gma(0)


def mi(op, length=0):
    return (op << 23) | length


def cmd_input(engine, ring, ggtt_batches=(), ppgtt_batches=()):
    data = bytes([engine]) + u16(len(ring)) + dws(*ring)
    for i in range(6):
        b = ggtt_batches[i] if i < len(ggtt_batches) else b''
        data += u16(len(b)) + b
    for i in range(6):
        b = ppgtt_batches[i] if i < len(ppgtt_batches) else b''
        data += u16(len(b)) + b
    return data


BB_END = dws(mi(0x0a))
# i915's request on the render ring: a PPGTT batch, PIPE_CONTROL, SDI
write('vgt-cmd', 'rcs-request', cmd_input(0, [
    mi(0x31) | (1 << 8), PPGTT_BATCH0,
    (3 << 29) | (3 << 27) | (2 << 24) | 3, (1 << 14) | (1 << 24),
    VM_BASE + 0x8000, 1, 0,
    mi(0x20, 2) | (1 << 22), 0, VM_BASE + 0x8100, 7,
    mi(0x02), 0], ppgtt_batches=[
    # PIPELINE_SELECT, STATE_BASE_ADDRESS (10 dw), MEDIA_VFE_STATE,
    # MEDIA_INTERFACE_DESCRIPTOR_LOAD, MEDIA_OBJECT as the clear-residuals
    # batch has them, then the end
    dws(0x69040002, 0x61010008, 1, 0x1001, 0x2001, 0x3001, 0x4001,
        0xfffff001, 0xfffff001, 0xfffff001, 0xfffff001,
        0x70000006, 0, 0, 0, 0, 0, 0, 0,
        0x70020002, 0, 32, 0,
        0x71000007, 0, 0, 0, 0, 0, 0, 0, 0) + BB_END]))
# the blitter: setup, colour fill, copy, text
write('vgt-cmd', 'bcs-blits', cmd_input(1, [
    mi(0x31), BATCH0], ggtt_batches=[
    dws((2 << 29) | (0x50 << 22) | 4, (3 << 24) | (0xf0 << 16) | 256,
        0, (8 << 16) | 64, VM_BASE + 0x40000, 0x00ff00ff,
        (2 << 29) | (0x53 << 22) | 6, (3 << 24) | (0xcc << 16) | 256,
        0, (8 << 16) | 64, VM_BASE + 0x48000, 0, 256, VM_BASE + 0x40000,
        (2 << 29) | (0x01 << 22) | 6, (3 << 24) | (0xf0 << 16) | 256,
        0, (16 << 16) | 64, VM_BASE + 0x50000, 0, 0xffffffff, 0,
        (2 << 29) | (0x31 << 22) | 3, 0, (8 << 16) | 8, 0xf0f0f0f0,
        0x0f0f0f0f) + BB_END]))
# video and video-enhancement rings: MI_FLUSH_DW, LRI, SRM, chained batch
write('vgt-cmd', 'vcs-flush', cmd_input(2, [
    mi(0x26, 2) | (1 << 14), (VM_BASE + 0x8200) | 4, 0,
    mi(0x22, 1), 0x12034, 0,
    mi(0x24, 1) | (1 << 22), 0x12034, VM_BASE + 0x8300,
    mi(0x31) | (1 << 8), PPGTT_BATCH0], ppgtt_batches=[
    dws(mi(0x31) | (1 << 8), PPGTT_BATCH0 + 0x2000),
    dws(mi(0x20, 2), 0, 0x1000, 5) + BB_END]))
write('vgt-cmd', 'vecs-second-level', cmd_input(3, [
    mi(0x31), BATCH0], ggtt_batches=[
    dws(mi(0x31) | (1 << 22), BATCH0 + 0x2000, mi(0x0a)),
    dws(mi(0x36, 1) | (1 << 22), 0, VM_BASE + 0x8000) + BB_END]))

# ---- vgt-gtt-walk: operations (fuzz-vgt-gtt-walk.c) ----------------------
MAP = 0x04000000                    # the default partition's mappable base
PD_INDEX = (MAP >> 12) + 0x100
PP_DIR_BASE = (PD_INDEX // 16) << 16


def near_map(off):
    return u64(off & 0xffffffff)    # spec 0: mappable base + signed offset


def ram_pte(page, valid=True):
    return u32((page % 256) | (0 if valid else 1 << 12))


walk = b''
for i in range(8):                  # GGTT entries for 8 pages, two runs
    walk += b'\x01' + u32((MAP >> 12) + i) + ram_pte(10 + i + (i >= 4))
walk += b'\x01' + u32(PD_INDEX) + ram_pte(40)          # a PDE
for i in range(4):                  # its page table's first PTEs
    walk += b'\x02' + u32(40 * 1024 + i) + ram_pte(60 + i)
walk += b'\x03' + u32(PP_DIR_BASE)
walk += b'\x04' + near_map(0x1234) + b'\x05' + u64(0x2345)
walk += b'\x06' + near_map(0xff8) + u32(16) + b'\x07' + u64(0xffc) + u32(8)
walk += b'\x08' + near_map(0) + u32(10)
write('vgt-gtt-walk', 'ggtt-and-ppgtt', walk)
write('vgt-gtt-walk', 'partition-edges',
      b'\x00' + u32(0x4000) + u32(0x10) + u32(0xfffff) + u32(1) +
      b'\x01' + u32(0x400f) + ram_pte(3) + b'\x04' + near_map(-4) +
      b'\x08' + near_map(-0x1000) + u32(40))

# ---- hostd-wire: one client's packets (fuzz-hostd-wire.c) ----------------
ABI = 6
HOW_MEMFD, HOW_EVENTFD, HOW_PIPE, HOW_ENVELOPE = 1, 2, 4, 16
HOW_POSTED = 32     # without HOW_MEMFD: a posted SUBMIT (ABI 6)
MSG = dict(HELLO=1, CREATE=2, DESTROY=3, RESET=4, INFO=5, MEM_REGISTER=6,
           MEM_UNREGISTER=7, GTT_WRITE=8, GTT_READ=9, FENCE_WRITE=10,
           GM_READ=11, SET_EVENT_FD=12, EVENTS_READ=13, STATS=14,
           SHADOW_MAP=15, SUBMIT=16, SET_WEIGHT=17, SCHED_STATS=18,
           DIRTY_LOG=21, DIRTY_READ=22, PPGTT_SYNC=23, NOTIFY_POLICY=24,
           EVENTS_MAP=25)


def packet(how, kind, body, seq):
    pkt = u32(MSG[kind]) + u32(ABI) + u32(len(body)) + u32(seq) + body
    return bytes([how | HOW_ENVELOPE]) + u16(len(pkt)) + pkt


def conversation(*msgs):
    return b''.join(packet(how, kind, body, seq + 1)
                    for seq, (how, kind, body) in enumerate(msgs))


hello = (0, 'HELLO', u32(ABI) + u32(0))
create = (0, 'CREATE', u64(64 << 20) + u64(448 << 20) + u32(4) + u32(0))
# 2 MiB of guest memory at gpa 0 (the memfd's size code 5: 64 KiB << 5)
mem = (HOW_MEMFD | (5 << 5), 'MEM_REGISTER',
       u64(0) + u64(2 << 20) + u64(0) + u64(0) + u32(0) + u32(0))
write('hostd-wire', 'guest-start', conversation(
    hello, create, (0, 'INFO', b''), mem,
    (HOW_EVENTFD, 'SET_EVENT_FD', b''),
    (0, 'GTT_WRITE', u32(2) + u32(0) +
     u32(0x8000) + u32(1) + u64(3) + u32(0x8001) + u32(1) + u64(4)),
    (0, 'GTT_READ', u32(0x8000) + u32(0)),
    (0, 'FENCE_WRITE', u32(0) + u32(0) + u64((0x8fff << 44) | 0x8000001)),
    (0, 'GM_READ', u64(0x8000000) + u32(64) + u32(0)),
    (0, 'SHADOW_MAP', b''), (0, 'STATS', b''), (0, 'SCHED_STATS', b''),
    (0, 'EVENTS_READ', u32(64) + u32(0)), (0, 'SET_WEIGHT', u32(3) + u32(0)),
    (0, 'DIRTY_LOG', u32(1) + u32(0)), (0, 'DIRTY_READ', u64(0) + u64(16)),
    (0, 'RESET', b''), (0, 'MEM_UNREGISTER', u64(0)),
    (0, 'DESTROY', b'')))
# which events wake the client: a policy per engine, then bad ones
write('hostd-wire', 'notify-policy', conversation(
    hello, create, (HOW_EVENTFD, 'SET_EVENT_FD', b''),
    (0, 'NOTIFY_POLICY', u32(2) + u32(8) + u32(0) + u32(0)),
    (0, 'NOTIFY_POLICY', u32(0) + u32(0) + u32(1) + u32(0)),
    (0, 'NOTIFY_POLICY', u32(4) + u32(8) + u32(0) + u32(0)),
    (0, 'NOTIFY_POLICY', u32(0) + u32(65) + u32(2) + u32(1)),
    (0, 'EVENTS_READ', u32(64) + u32(0)), (0, 'DESTROY', b'')))
# the shadow PPGTT: directory entries in the GTT, then syncs (a page
# directory in the VM's first mappable MiB, none, one outside)
pd = 0x400000
write('hostd-wire', 'ppgtt-sync', conversation(
    hello, create, mem,
    (0, 'GTT_WRITE', u32(2) + u32(0) +
     u32(pd >> 12) + u32(1) + u64(5) + u32((pd >> 12) + 1) + u32(1) + u64(6)),
    (0, 'PPGTT_SYNC', u64(pd)), (0, 'PPGTT_SYNC', u64(pd)),
    (0, 'PPGTT_SYNC', u64(0xffffffffffffffff)),
    (0, 'PPGTT_SYNC', u64(0x7ffff000)), (0, 'RESET', b'')))
# ABI 6: the event ring, then posted submits of the shadow area's first
# commands (zeros: MI_NOOP), one in GM not the VM's (refused: queued as a
# REFUSED), one synchronous, the ring busy for EVENTS_READ, a reset; then
# a posted submit on no engine, which ends the conversation
SHADOW_GM = 0x1000000


def workload(wid, start, engine, length=64):
    return (u64(wid) + u64(start) + u32(length) + u32(engine) + u32(0) +
            u32(0) + bytes(8 * 32))


write('hostd-wire', 'posted-and-ring', conversation(
    hello, create, (HOW_EVENTFD, 'SET_EVENT_FD', b''),
    (0, 'EVENTS_MAP', b''), (0, 'EVENTS_MAP', b''), (0, 'SHADOW_MAP', b''),
    (HOW_POSTED, 'SUBMIT', workload(1, SHADOW_GM, 2)),
    (HOW_POSTED, 'SUBMIT', workload(2, 0x1000, 2)),
    (HOW_POSTED, 'SUBMIT', workload(3, SHADOW_GM, 0)),
    (0, 'SUBMIT', workload(4, 0x1000, 1)),
    (0, 'EVENTS_READ', u32(64) + u32(0)), (0, 'STATS', b''),
    (0, 'RESET', b''), (HOW_POSTED, 'STATS', b''),
    (HOW_POSTED, 'SUBMIT', workload(5, SHADOW_GM, 9)),
    (0, 'INFO', b'')))
write('hostd-wire', 'bad-descriptors', conversation(
    hello, create,
    (HOW_PIPE, 'MEM_REGISTER', u64(0) + u64(4096) + u64(0) + u64(0) +
     u32(0) + u32(0)),
    (HOW_MEMFD, 'SET_EVENT_FD', b''),
    (HOW_MEMFD, 'MEM_REGISTER', u64(1 << 40) + u64(1 << 20) + u64(4096) +
     u64(0) + u32(0) + u32(0))))

# ---- vgt-device, vgt-regs, vgt-dp-gmbus (tests/qtest/vgt-fuzz-ops.h) ------
# The embedded helper's first VM: mappable GM at 32 MiB (PVINFO).
GM = 0x2000000


def dev_ops(ops):
    """ops: (opcode byte, operand bytes) pairs."""
    return b''.join(bytes([op]) + args for op, args in ops)


MMIO_W, MMIO_R, REG_W, REG_R, AP_W, AP_R, IO_W, IO_R, CFG_W, CFG_R, \
    RAM_W, CLOCK, VGA_W, VGA_R, GTT_RAM = range(15)
ring = dws(mi(0x21, 1), 0x100, 0x1234, mi(0x02), mi(0x20, 2) | (1 << 22),
           0, GM + 0x10200, 0x5678)
render = [(GTT_RAM, u32((GM >> 12) + i) + u32(0x100 + i)) for i in range(32)]
render += [(RAM_W, u32(0x100000) + bytes([len(ring)]) + ring),
           (MMIO_W, u32(0x4080) + u32(GM + 0x10000)),      # HWS_PGA
           (MMIO_W, u32(0x20a8) + u32(0)),                  # RING_IMR
           (MMIO_W, u32(0x44014) + u32(0)),                 # GTIMR
           (MMIO_W, u32(0x4401c) + u32(1)),                 # GTIER
           (MMIO_W, u32(0x44200) + u32(1 << 31)),           # master
           (MMIO_W, u32(0x2038) + u32(GM)),                 # RING_START
           (MMIO_W, u32(0x203c) + u32(1)),                  # RING_CTL
           (MMIO_W, u32(0x2030) + u32(len(ring))),          # RING_TAIL
           (CLOCK, u32(10 * 1000 * 1000)),
           (AP_R, u32(GM + 0x10400)), (MMIO_R, u32(0x2034)),
           (MMIO_R, u32(0x44018))]
write('vgt-device', 'render-request', dev_ops(render))
display = [(GTT_RAM, u32((GM >> 12) + i) + u32(0x200 + i)) for i in range(64)]
display += [(MMIO_W, u32(0x6001c) + u32((255 << 16) | 127)),  # PIPESRC
            (MMIO_W, u32(0x70188) + u32(1024)),               # stride
            (MMIO_W, u32(0x70180) + u32((1 << 31) | (6 << 26))),
            (MMIO_W, u32(0x7019c) + u32(GM)),                 # DSPSURF
            (MMIO_W, u32(0x70008) + u32(1 << 31)),            # PIPECONF
            (MMIO_W, u32(0x70080) + u32(0x27)),               # cursor
            (MMIO_W, u32(0x70084) + u32(GM + 0x20000)),
            (AP_W, u32(GM + 64) + u32(0xff00ff00)),
            (CLOCK, u32(20 * 1000 * 1000)), (MMIO_R, u32(0x70040))]
write('vgt-device', 'display-plane', dev_ops(display))
write('vgt-device', 'legacy', dev_ops([
    (CFG_R, b'\x00\x02'), (CFG_R, b'\x50\x01'), (CFG_W, b'\xfc\x02' + u32(0)),
    (VGA_W, b'\x14\x01'), (VGA_W, b'\x15\x03'), (VGA_R, b'\x15'),
    (VGA_W, b'\x24\x11'), (VGA_R, b'\x2a'),
    (IO_W, b'\x00' + u32(0x78000)), (IO_R, b'\x04'),
    (IO_W, b'\x00' + u32(0x41000)), (IO_W, b'\x04' + u32(0)),
    (CLOCK, u32(20 * 1000 * 1000))]))
# vgt-regs: opcodes mod 5 (MMIO_W, MMIO_R, REG_W, REG_R, CLOCK)
write('vgt-regs', 'rings-and-interrupts', dev_ops([
    (0, u32(0xa188) + u32(0x00010001)), (1, u32(0x130044)),
    (0, u32(0x229c) + u32(0x02000200)), (1, u32(0x229c)),
    (0, u32(0x44014) + u32(0xfffffffe)), (0, u32(0x4401c) + u32(1)),
    (0, u32(0x941c) + u32(1)), (4, u32(1000000)), (1, u32(0x941c)),
    (0, u32(0x100000) + u32(0x2000001)), (0, u32(0x100004) + u32(0x2100000)),
    (2, b'\x03' + u32(0xffffffff)), (3, b'\x03')]))
# vgt-dp-gmbus: opcodes mod 3 (REG_W, REG_R, CLOCK); registers by index:
# AUX A 0-5, B 6-11, C 12-17, D 18-23, GMBUS0-5 24-29
write('vgt-dp-gmbus', 'edid-over-gmbus', dev_ops(
    [(0, b'\x18' + u32(5)),                                   # GMBUS0 pin
     (0, b'\x19' + u32((1 << 30) | (1 << 25) | (128 << 16) |
                        (0x50 << 1) | 1))] +
    [(1, b'\x1a'), (1, b'\x1b')] * 34 + [(2, u32(1000000))]))
write('vgt-dp-gmbus', 'dpcd-over-aux', dev_ops(
    [(0, b'\x07' + u32(0x9000000f)),                          # native read
     (0, b'\x06' + u32((1 << 31) | (4 << 20) | 0x3f)),        # send
     (2, u32(100000)), (1, b'\x06'), (1, b'\x07'), (1, b'\x08'),
     (0, b'\x01' + u32(0x40005000)),                          # i2c EDID
     (0, b'\x00' + u32((1 << 31) | (3 << 20))), (1, b'\x00'), (1, b'\x01')]))
