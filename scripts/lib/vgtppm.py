"""Pictures as QEMU's screendump writes them (binary PPM, P6, 8-bit), and
PNG for people to look at.  Standard library only; shared by the host-side
scripts and tests (see vgtqmp.py for how to import)."""
import struct
import zlib


def read_ppm(path):
    """(width, height, RGB bytes) of a P6 PPM; ValueError if it is not one
    or is truncated."""
    with open(path, "rb") as f:
        data = f.read()
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos) + 1
            continue
        end = pos
        while end < len(data) and not data[end:end + 1].isspace():
            end += 1
        if end == pos:
            raise ValueError("%s: truncated PPM header" % path)
        fields.append(data[pos:end])
        pos = end
    pos += 1
    if fields[0] != b"P6" or fields[3] != b"255":
        raise ValueError("%s: not a binary 8-bit PPM (%r)" % (path, fields))
    w, h = int(fields[1]), int(fields[2])
    rgb = data[pos:pos + w * h * 3]
    if len(rgb) != w * h * 3:
        raise ValueError("%s: truncated (%d of %d bytes)"
                         % (path, len(rgb), w * h * 3))
    return w, h, bytes(rgb)


def write_ppm(path, w, h, rgb):
    with open(path, "wb") as f:
        f.write(b"P6\n%d %d\n255\n" % (w, h))
        f.write(rgb)


def write_png(path, w, h, rgb):
    """RGB bytes (w * h * 3) as an 8-bit truecolour PNG."""
    rows = b"".join(b"\x00" + rgb[y * w * 3:(y + 1) * w * 3]
                    for y in range(h))

    def chunk(kind, body):
        c = struct.pack(">I", len(body)) + kind + body
        return c + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(rows, 6)))
        f.write(chunk(b"IEND", b""))


def ppm_to_png(ppm, png):
    write_png(png, *read_ppm(ppm))


def read_png(path):
    """(width, height, RGB bytes) of an 8-bit RGB or RGBA, non-interlaced
    PNG (what QEMU's screendump and libvirt's screenshot write);
    ValueError for anything else."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("%s: not a PNG" % path)
    pos, idat, w = 8, [], None
    while pos + 8 <= len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB",
                                                                body)
            if depth != 8 or ctype not in (2, 6) or interlace:
                raise ValueError("%s: PNG depth %d type %d interlace %d"
                                 % (path, depth, ctype, interlace))
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        pos += 12 + n
    if w is None:
        raise ValueError("%s: no IHDR" % path)
    raw = zlib.decompress(b"".join(idat))
    stride = w * bpp
    out, prev = bytearray(), bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 0xff
            elif f == 2:
                line[i] = (line[i] + b) & 0xff
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xff
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 0xff
        prev = line
        if bpp == 4:
            line = bytearray(b for i, b in enumerate(line) if i % 4 != 3)
        out += line
    return w, h, bytes(out)


def xrgb_md5(w, h, rgb):
    """MD5 of the picture as XRGB8888, the layout of the guest's fb0 (what
    /init prints as screen-ready md5=)."""
    import hashlib
    xrgb = bytearray(w * h * 4)
    xrgb[0::4] = rgb[2::3]
    xrgb[1::4] = rgb[1::3]
    xrgb[2::4] = rgb[0::3]
    return hashlib.md5(bytes(xrgb)).hexdigest()
