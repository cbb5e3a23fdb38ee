#!/usr/bin/env python3
"""A small QMP client for the package install test (runs on the host, talks
to a QEMU inside the chroot through its socket).

  qmp.py SOCK pci          the vgt device in query-pci: vendor=, device=,
                           bus=, slot=, function=, bar0= (-1 if unmapped)
  qmp.py SOCK pvinfo [T]   wait up to T s (default 60) for the firmware to map
                           BAR0, then read the PVINFO page through it:
                           magic=, vgt_id=, mappable_base=, mappable_size=,
                           nonmappable_base=, nonmappable_size=, fences=
  qmp.py SOCK quit         quit QEMU
Prints key=value lines; exits 1 on any error (message on stderr).
"""
import os
import re
import sys
import time

# The project's QMP client (scripts/lib/vgtqmp.py).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts", "lib"))
import vgtqmp  # noqa: E402

PVINFO = 0x78000


def vgt_device(q):
    for bus in q.cmd("query-pci"):
        for dev in bus["devices"]:
            if dev["id"]["vendor"] == 0x8086 and dev["id"]["device"] == 0x0412:
                return bus["bus"], dev
    return None, None


def bar0(dev):
    for r in dev.get("regions", []):
        if r.get("bar") == 0:
            a = r["address"]
            return -1 if a in (-1, 0xffffffffffffffff) else a
    return -1


def read32(q, addr):
    out = q.hmp("xp /1wx 0x%x" % addr)
    m = re.search(r":\s*(0x[0-9a-fA-F]+)", out)
    if not m:
        raise RuntimeError("cannot parse xp output: %r" % out)
    return int(m.group(1), 16)


def main():
    path, what = sys.argv[1], sys.argv[2]
    q = vgtqmp.connect(path, 20)
    if what == "quit":
        try:
            q.cmd("quit")
        except (vgtqmp.QMPError, OSError):
            pass
        return 0
    if what == "pci":
        busno, dev = vgt_device(q)
        if not dev:
            print("vgt device 8086:0412 not in query-pci", file=sys.stderr)
            return 1
        print("vendor=0x%04x" % dev["id"]["vendor"])
        print("device=0x%04x" % dev["id"]["device"])
        print("bus=%d" % busno)
        print("slot=%d" % dev["slot"])
        print("function=%d" % dev["function"])
        print("class=0x%04x" % dev["class_info"]["class"])
        print("bar0=%d" % bar0(dev))
        return 0
    if what == "pvinfo":
        timeout = float(sys.argv[3]) if len(sys.argv) > 3 else 60
        deadline = time.time() + timeout
        while True:
            _, dev = vgt_device(q)
            base = bar0(dev) if dev else -1
            if base != -1:
                break
            if time.time() > deadline:
                print("BAR0 still unmapped after %d s" % timeout, file=sys.stderr)
                return 1
            time.sleep(0.5)
        lo, hi = read32(q, base + PVINFO), read32(q, base + PVINFO + 4)
        print("bar0=0x%x" % base)
        print("magic=0x%016x" % (hi << 32 | lo))
        for name, off in (("vgt_id", 0x0c), ("mappable_base", 0x40),
                          ("mappable_size", 0x44), ("nonmappable_base", 0x48),
                          ("nonmappable_size", 0x4c), ("fences", 0x50)):
            print("%s=0x%x" % (name, read32(q, base + PVINFO + off)))
        return 0
    print("unknown request " + what, file=sys.stderr)
    return 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as e:  # noqa: BLE001  (any failure is a test failure)
        print("qmp.py: %s" % e, file=sys.stderr)
        sys.exit(1)
