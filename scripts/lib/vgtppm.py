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
