#!/usr/bin/env python3
"""Helpers of tests/vmline/run.sh (Python standard library only).

Every check prints what it saw; it exits 0 when the check holds, 1 when it
does not (run.sh shows the output as TAP comments), 2 on a usage error.

  vmline.py wait-qmp SOCK PID TIMEOUT     wait until QMP answers
  vmline.py qmp SOCK COMMAND [ARGS-JSON]  run one command, print its answer
  vmline.py quit SOCK                     ask QEMU to quit
  vmline.py pci-display SOCK              exactly one display device:
                                          8086:0412 at 00:02.0, no 1234:1111
  vmline.py pci-has SOCK VEN:DEV:CLASS... each device is on bus 0
  vmline.py block SOCK IMAGE              a virtio disk backed by IMAGE
  vmline.py tablet SOCK                   a USB tablet among the mice
  vmline.py kvm SOCK ENABLED              query-kvm: present, enabled=ENABLED
  vmline.py vga-text SOCK PATTERN TIMEOUT OUT.txt
                                          the VGA text buffer at 0xB8000
                                          shows PATTERN (polls until TIMEOUT)
  vmline.py console SOCK QOM-PATH PREFIX  qom-get PATH display: console
                                          starts with PREFIX
  vmline.py screendump SOCK OUT.ppm       QMP screendump, then ppm-check
  vmline.py ppm-check FILE                not blank: >= 2 colours and many
                                          pixels off the background colour
  vmline.py vnc SOCK OUT.ppm REF.ppm      fetch the framebuffer over RFB 3.8
                                          (port from query-vnc), compare it
                                          with REF (a screendump)
  vmline.py x-shows XWD REF.ppm           an X screenshot (xwd -root) shows
                                          REF, unscaled, somewhere on it
  vmline.py boot-disk IMAGE SIZE-MB       a raw disk whose boot sector prints
                                          through int 10h, then halts
  vmline.py boot-message                  what that boot sector prints
  vmline.py kvm-usable                    prints yes or no
  vmline.py free-port                     prints a free TCP port on 127.0.0.1
  vmline.py png IN.ppm|IN.xwd OUT.png     a picture to look at
"""
import fcntl
import json
import os
import socket
import struct
import sys
import time


class Fail(Exception):
    pass


# ---------------------------------------------------------------- QMP

# QMP and PPM/PNG: the project's shared modules (scripts/lib/).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts", "lib"))
import vgtqmp  # noqa: E402
from vgtqmp import QMP, QMPError  # noqa: E402
import vgtppm  # noqa: E402


def pci_devices(q):
    out = []
    for bus in q.cmd("query-pci"):
        for d in bus["devices"]:
            out.append((bus["bus"], d))
            br = d.get("pci_bridge", {})
            for sub in br.get("devices", []):
                out.append((br.get("bus", {}).get("secondary", -1), sub))
    return out


def fmt_dev(bus, d):
    return "%02x:%02x.%x %04x:%04x class %04x %s" % (
        bus, d["slot"], d["function"], d["id"]["vendor"], d["id"]["device"],
        d["class_info"]["class"], d["class_info"].get("desc", ""))


# ---------------------------------------------------------------- pictures

def read_ppm(path):
    try:
        return vgtppm.read_ppm(path)
    except ValueError as e:
        raise Fail(str(e))


write_ppm = vgtppm.write_ppm
write_png = vgtppm.write_png


def cmd_png(src, dst):
    """PPM or XWD to PNG, to look at"""
    w, h, rgb = read_xwd(src) if src.endswith(".xwd") else read_ppm(src)
    write_png(dst, w, h, rgb)


def colour_stats(w, h, rgb):
    """(colours, background colour, pixels off the background)"""
    counts = {}
    for i in range(0, len(rgb), 3):
        px = rgb[i:i + 3]
        counts[px] = counts.get(px, 0) + 1
    bg = max(counts, key=counts.get)
    return counts, bg, w * h - counts[bg]


def ppm_check(path, min_off=500):
    w, h, rgb = read_ppm(path)
    counts, bg, off = colour_stats(w, h, rgb)
    top = sorted(counts.items(), key=lambda kv: -kv[1])[:4]
    desc = "%s: %dx%d, %d colours (%s), %d pixels off the background #%s" % (
        os.path.basename(path), w, h, len(counts),
        " ".join("#%s:%d" % (c.hex(), n) for c, n in top), off, bg.hex())
    print(desc)
    if w < 320 or h < 200:
        raise Fail("picture too small")
    if len(counts) < 2:
        raise Fail("blank: one colour only")
    if off < min_off:
        raise Fail("blank: fewer than %d pixels off the background" % min_off)
    return w, h, rgb


def read_xwd(path):
    """An xwd(1) dump of a 24-bit TrueColor or DirectColor window, pixels
    of 24 or 32 bits: (w, h, rgb)."""
    with open(path, "rb") as f:
        data = f.read()
    hdr = struct.unpack(">25I", data[:100])
    (header_size, version, fmt, depth, w, h, _xoff, byte_order, _unit,
     _bit_order, _pad, bpp, bpl, vclass, rmask, gmask, bmask, _bits_rgb,
     _cmap_entries, ncolors) = hdr[:20]
    bypp = bpp // 8
    if (version != 7 or fmt != 2 or bpp not in (24, 32) or bpl < w * bypp or
            vclass not in (4, 5)):
        raise Fail("%s: unsupported XWD (version %d, format %d, %d bpp, "
                   "%d bytes a line, visual class %d)" %
                   (path, version, fmt, bpp, bpl, vclass))
    pos = header_size + ncolors * 12
    img = data[pos:pos + bpl * h]
    if len(img) != bpl * h:
        raise Fail("%s: truncated" % path)
    shifts = []
    for m in (rmask, gmask, bmask):
        s = (m & -m).bit_length() - 1
        if m >> s != 0xff or s % 8 or s // 8 >= bypp:
            raise Fail("%s: unsupported masks %x %x %x" % (path, rmask, gmask, bmask))
        shifts.append(s // 8)
    # byte index of each channel inside a pixel's bytes
    idx = [s if byte_order == 0 else bypp - 1 - s for s in shifts]
    # DirectColor: each channel goes through the colormap xwd saved
    maps = [None, None, None]
    if vclass == 5:
        cmap = [struct.unpack(">IHHHBx", data[header_size + i * 12:
                                              header_size + i * 12 + 12])
                for i in range(ncolors)]
        maps = []
        for c, s in enumerate(shifts):
            t = bytearray(range(256))
            for e in cmap:
                t[(e[0] >> (8 * s)) & 0xff] = e[1 + c] >> 8
            maps.append(bytes(t) if len(cmap) >= 256 else None)
    rgb = bytearray(w * h * 3)
    for y in range(h):
        row = img[y * bpl:y * bpl + w * bypp]
        o = y * w * 3
        for c in range(3):
            ch = row[idx[c]::bypp]
            rgb[o + c:o + w * 3:3] = ch.translate(maps[c]) if maps[c] else ch
    return w, h, bytes(rgb)


def find_picture(w, h, rgb, rw, rh, ref):
    """Where the picture ref (rw x rh) sits unscaled inside rgb (w x h):
    (x, y, fraction of all pixels identical, fraction of ref's pixels off
    its background identical) of the best candidate, or None."""
    if rw > w or rh > h:
        return None
    _, bg, nfg = colour_stats(rw, rh, ref)
    # the busiest row of the reference is the anchor
    best_row, best_n = 0, -1
    for y in range(rh):
        row = ref[y * rw * 3:(y + 1) * rw * 3]
        n = len(set(row[i:i + 3] for i in range(0, len(row), 3)))
        if n > best_n:
            best_row, best_n = y, n
    anchor = ref[best_row * rw * 3:(best_row + 1) * rw * 3]
    best = None
    for y in range(best_row, h - (rh - best_row) + 1):
        line = rgb[y * w * 3:(y + 1) * w * 3]
        start = 0
        while True:
            i = line.find(anchor, start)
            if i < 0:
                break
            start = i + 1
            if i % 3 or i // 3 + rw > w:
                continue
            x, top = i // 3, y - best_row
            same = same_fg = 0
            for ry in range(rh):
                a = rgb[((top + ry) * w + x) * 3:((top + ry) * w + x + rw) * 3]
                b = ref[ry * rw * 3:(ry + 1) * rw * 3]
                for k in range(0, rw * 3, 3):
                    if b[k:k + 3] == bg:
                        same += a[k:k + 3] == bg
                    elif a[k:k + 3] == b[k:k + 3]:
                        same += 1
                        same_fg += 1
            cand = (x, top, same / (rw * rh), same_fg / max(nfg, 1))
            if best is None or cand[2:] > best[2:]:
                best = cand
            if cand[2] == 1.0:
                return best
    return best


# ---------------------------------------------------------------- VNC

def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise Fail("VNC: connection closed after %d of %d bytes" % (len(buf), n))
        buf += chunk
    return buf


def vnc_grab(host, port, timeout=15.0):
    """RFB 3.8, security None, one full raw framebuffer: (w, h, rgb, name)."""
    s = socket.create_connection((host, port), timeout=timeout)
    try:
        ver = recv_exact(s, 12)
        if not ver.startswith(b"RFB 003."):
            raise Fail("VNC: not an RFB server: %r" % ver)
        s.sendall(b"RFB 003.008\n")
        n = recv_exact(s, 1)[0]
        if n == 0:
            ln = struct.unpack(">I", recv_exact(s, 4))[0]
            raise Fail("VNC: refused: %r" % recv_exact(s, ln))
        types = recv_exact(s, n)
        if 1 not in types:
            raise Fail("VNC: security None not offered (%s)" % list(types))
        s.sendall(b"\x01")
        res = struct.unpack(">I", recv_exact(s, 4))[0]
        if res != 0:
            raise Fail("VNC: security result %d" % res)
        s.sendall(b"\x01")                                # ClientInit, shared
        w, h = struct.unpack(">HH", recv_exact(s, 4))
        recv_exact(s, 16)                                 # server pixel format
        ln = struct.unpack(">I", recv_exact(s, 4))[0]
        name = recv_exact(s, ln).decode(errors="replace")
        # SetPixelFormat: 32 bpp, depth 24, little endian, true colour
        s.sendall(struct.pack(">B3xBBBBHHHBBB3x", 0, 32, 24, 0, 1,
                              255, 255, 255, 16, 8, 0))
        s.sendall(struct.pack(">BxHi", 2, 1, 0))          # SetEncodings: raw
        s.sendall(struct.pack(">BBHHHH", 3, 0, 0, 0, w, h))
        fb = bytearray(w * h * 3)
        covered = 0
        deadline = time.time() + timeout
        while covered < w * h:
            if time.time() > deadline:
                raise Fail("VNC: only %d of %d pixels received" % (covered, w * h))
            mtype = recv_exact(s, 1)[0]
            if mtype == 0:                                # FramebufferUpdate
                nrects = struct.unpack(">xH", recv_exact(s, 3))[0]
                for _ in range(nrects):
                    x, y, rw, rh, enc = struct.unpack(">HHHHi", recv_exact(s, 12))
                    if enc != 0:
                        raise Fail("VNC: unexpected encoding %d" % enc)
                    px = recv_exact(s, rw * rh * 4)
                    for ry in range(rh):
                        row = px[ry * rw * 4:(ry + 1) * rw * 4]
                        o = ((y + ry) * w + x) * 3
                        fb[o + 0:o + rw * 3:3] = row[2::4]
                        fb[o + 1:o + rw * 3:3] = row[1::4]
                        fb[o + 2:o + rw * 3:3] = row[0::4]
                    covered += rw * rh
            elif mtype == 1:                              # colour map
                _, _, ncol = struct.unpack(">xHH", recv_exact(s, 5))
                recv_exact(s, ncol * 6)
            elif mtype == 2:                              # bell
                pass
            elif mtype == 3:                              # cut text
                ln = struct.unpack(">3xI", recv_exact(s, 7))[0]
                recv_exact(s, ln)
            else:
                raise Fail("VNC: unexpected message type %d" % mtype)
        return w, h, bytes(fb), name
    finally:
        s.close()


# ---------------------------------------------------------------- commands

def cmd_wait_qmp(sock, pid, timeout):
    try:
        vgtqmp.connect(sock, float(timeout), int(pid), 5).cmd("query-status")
    except ConnectionError as e:
        raise Fail(str(e))


def cmd_qmp(sock, name, args="{}"):
    print(json.dumps(QMP(sock).cmd(name, **json.loads(args)), indent=1))


def cmd_quit(sock):
    try:
        QMP(sock).cmd("quit")
    except ConnectionError:
        pass


def cmd_pci_display(sock):
    devs = pci_devices(QMP(sock))
    for bus, d in devs:
        print(fmt_dev(bus, d))
    disp = [(b, d) for b, d in devs if d["class_info"]["class"] >> 8 == 0x03]
    std = [(b, d) for b, d in devs
           if (d["id"]["vendor"], d["id"]["device"]) == (0x1234, 0x1111)]
    if std:
        raise Fail("a std VGA (1234:1111) is on the bus: %s" % fmt_dev(*std[0]))
    if len(disp) != 1:
        raise Fail("%d display devices, expected exactly one" % len(disp))
    b, d = disp[0]
    if (d["id"]["vendor"], d["id"]["device"]) != (0x8086, 0x0412):
        raise Fail("the display device is not vgt (8086:0412)")
    if (b, d["slot"], d["function"]) != (0, 2, 0):
        raise Fail("vgt is at %02x:%02x.%x, not 00:02.0" % (b, d["slot"], d["function"]))
    print("=> exactly one display device: vgt 8086:0412 at 00:02.0")


def cmd_pci_has(sock, *want):
    devs = pci_devices(QMP(sock))
    for bus, d in devs:
        print(fmt_dev(bus, d))
    missing = []
    for w in want:
        ven, dev, cls = (int(x, 16) for x in w.split(":"))
        if not any(b == 0 and d["id"]["vendor"] == ven and d["id"]["device"] == dev
                   and d["class_info"]["class"] == cls for b, d in devs):
            missing.append(w)
    if missing:
        raise Fail("missing on bus 0: %s" % " ".join(missing))


def cmd_block(sock, image):
    blk = QMP(sock).cmd("query-block")
    print(json.dumps([{k: b.get(k) for k in ("device", "qdev", "type")} |
                      {"file": b.get("inserted", {}).get("file"),
                       "drv": b.get("inserted", {}).get("drv")} for b in blk]))
    for b in blk:
        ins = b.get("inserted")
        if (ins and ins.get("file") == image and ins.get("drv") == "raw" and
                "virtio" in b.get("qdev", "") + b.get("device", "")):
            print("=> %s (%s) is the virtio disk on %s" % (b.get("device"),
                                                            b.get("qdev"), image))
            return
    raise Fail("no virtio disk backed by %s" % image)


def cmd_tablet(sock):
    mice = QMP(sock).cmd("query-mice")
    print(json.dumps(mice))
    if not any("tablet" in m["name"].lower() and m["absolute"] for m in mice):
        raise Fail("no absolute USB tablet among the mice")


def cmd_kvm(sock, enabled):
    k = QMP(sock).cmd("query-kvm")
    print("query-kvm: %s" % json.dumps(k))
    want = enabled == "true"
    if not k.get("present"):
        raise Fail("KVM is not built into this QEMU (present false)")
    if k.get("enabled") != want:
        raise Fail("enabled is %s, expected %s" % (k.get("enabled"), want))


def vga_text(q, path):
    q.cmd("pmemsave", val=0xB8000, size=4000, filename=path)
    with open(path, "rb") as f:
        raw = f.read()
    chars = raw[0::2].decode("cp437", errors="replace")
    return [chars[i:i + 80].rstrip() for i in range(0, 2000, 80)]


def cmd_vga_text(sock, pattern, timeout, out):
    q = QMP(sock)
    deadline = time.time() + float(timeout)
    while True:
        lines = vga_text(q, out + ".bin")
        with open(out, "w") as f:
            f.write("\n".join(lines) + "\n")
        hit = [l for l in lines if pattern in l]
        if hit or time.time() > deadline:
            break
        time.sleep(0.5)
    shown = [l for l in lines if l.strip()]
    for l in shown:
        print("| " + l)
    if not shown:
        with open(out + ".bin", "rb") as f:
            print("(no text; the first bytes at 0xB8000: %s)" % f.read(16).hex(" "))
    if not hit:
        raise Fail("%r not in the VGA text buffer after %ss" % (pattern, timeout))


def cmd_console(sock, path, prefix):
    d = QMP(sock).cmd("qom-get", path=path, property="display")
    if isinstance(d, dict):
        print("console: %r" % d.get("console"))
    print("qom-get %s display: %s" % (path, json.dumps(d)))
    if not isinstance(d, dict) or not str(d.get("console", "")).startswith(prefix):
        raise Fail("console does not start with %r" % prefix)


def cmd_screendump(sock, out):
    QMP(sock).cmd("screendump", filename=out)
    ppm_check(out)


def cmd_vnc(sock, out, ref):
    info = QMP(sock).cmd("query-vnc")
    print("query-vnc: %s" % json.dumps({k: info.get(k) for k in
                                         ("enabled", "host", "service", "auth")}))
    if not info.get("enabled"):
        raise Fail("VNC is not enabled")
    w, h, rgb, name = vnc_grab(info["host"], int(info["service"]))
    write_ppm(out, w, h, rgb)
    print("VNC desktop %r: %dx%d" % (name, w, h))
    ppm_check(out)
    rw, rh, rref = read_ppm(ref)
    if (w, h) != (rw, rh):
        raise Fail("VNC framebuffer %dx%d, the screendump %dx%d" % (w, h, rw, rh))
    diff = sum(1 for i in range(0, len(rgb), 3) if rgb[i:i + 3] != rref[i:i + 3])
    print("pixels differing from the screendump: %d" % diff)
    if diff:
        raise Fail("the VNC framebuffer is not the console's picture")


def cmd_x_shows(xwd, ref):
    w, h, rgb = read_xwd(xwd)
    write_ppm(os.path.splitext(xwd)[0] + ".screen.ppm", w, h, rgb)
    counts, bg, off = colour_stats(w, h, rgb)
    print("X screen %dx%d: %d colours, %d pixels off the background #%s" %
          (w, h, len(counts), off, bg.hex()))
    rw, rh, rref = read_ppm(ref)
    pos = find_picture(w, h, rgb, rw, rh, rref)
    if pos is None:
        raise Fail("the console's picture (%dx%d) is nowhere on the X screen" % (rw, rh))
    x, y, frac, frac_fg = pos
    print("the console's picture at +%d+%d: %.2f%% of its pixels identical, "
          "%.2f%% of those off its background" % (x, y, 100 * frac, 100 * frac_fg))
    if frac < 0.99 or frac_fg < 0.99:
        raise Fail("the window does not show the console's picture")


BOOT_MESSAGE = "vmline: boot sector running, text through int 10h"


def cmd_boot_disk(path, size_mb):
    """A raw disk whose boot sector prints BOOT_MESSAGE through the BIOS
    (int 10h teletype, i.e. the VGA BIOS) and halts: the boot screen then
    holds still for as long as the test looks at it."""
    code = bytes([
        0x31, 0xC0,              # xor ax, ax
        0x8E, 0xD8,              # mov ds, ax
        0xBE, 0x1A, 0x7C,        # mov si, 0x7c00 + 26 (the message)
        0xFC,                    # cld
        0xAC,                    # 8: lodsb
        0x84, 0xC0,              # test al, al
        0x74, 0x09,              # jz 22
        0xB4, 0x0E,              # mov ah, 0x0e (teletype)
        0xBB, 0x07, 0x00,        # mov bx, 0x0007 (page 0, grey)
        0xCD, 0x10,              # int 0x10
        0xEB, 0xF2,              # jmp 8
        0xFA,                    # 22: cli
        0xF4,                    # hlt
        0xEB, 0xFC,              # jmp 22
    ])
    assert len(code) == 26
    sector = code + b"\r\n" + BOOT_MESSAGE.encode() + b"\r\n\0"
    sector = sector.ljust(510, b"\0") + b"\x55\xaa"
    with open(path, "wb") as f:
        f.write(sector)
        f.truncate(int(size_mb) << 20)


def cmd_boot_message():
    print(BOOT_MESSAGE)


def cmd_kvm_usable():
    try:
        fd = os.open("/dev/kvm", os.O_RDWR)
        try:
            ok = fcntl.ioctl(fd, 0xAE00) == 12        # KVM_GET_API_VERSION
        finally:
            os.close(fd)
    except OSError:
        ok = False
    print("yes" if ok else "no")


def cmd_free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])
    s.close()


COMMANDS = {
    "wait-qmp": cmd_wait_qmp, "qmp": cmd_qmp, "quit": cmd_quit,
    "pci-display": cmd_pci_display, "pci-has": cmd_pci_has,
    "block": cmd_block, "tablet": cmd_tablet, "kvm": cmd_kvm,
    "vga-text": cmd_vga_text, "console": cmd_console,
    "screendump": cmd_screendump, "ppm-check": lambda f: ppm_check(f) and None,
    "vnc": cmd_vnc, "x-shows": cmd_x_shows, "kvm-usable": cmd_kvm_usable,
    "free-port": cmd_free_port, "png": cmd_png,
    "boot-disk": cmd_boot_disk, "boot-message": cmd_boot_message,
}


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(__doc__)
        return 2
    try:
        COMMANDS[sys.argv[1]](*sys.argv[2:])
    except TypeError as e:
        print("usage error: %s" % e)
        return 2
    except (Fail, QMPError) as e:
        print("FAIL: %s" % e)
        return 1
    except (OSError, ConnectionError, ValueError, KeyError) as e:
        print("FAIL: %s: %s" % (type(e).__name__, e))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
