#!/usr/bin/env python3
"""Host-side companion of a guest boot (scripts/guest/boot.sh).

  qmp-watch.py watch QMP_SOCKET SERIAL_LOG OUT_DIR [--device ID] [--timeout S]
                     [--pid QEMU_PID]
      Connects to QEMU's QMP socket, records `info pci` (HMP through QMP
      human-monitor-command) and the device's partition and monitor
      properties (qom-get; OUT_DIR/vgt-props.txt) once the guest reached
      userspace, and when the
      guest prints "VGT-GUEST: screen-ready ..." it pauses the VM, takes a QMP
      screendump of the device's console (PPM, converted to PNG) and resumes.
      Writes OUT_DIR/info-pci.txt, OUT_DIR/screen.ppm, OUT_DIR/screen.png and
      OUT_DIR/screendump.txt (one line: "ok ..." or "error: <QEMU's answer>").
      When the guest never had a console to show, the device's console is
      still dumped once at the guest's "VGT-GUEST: done" (screen-final.ppm,
      .png; status "final ..." or "final-error: <QEMU's answer>").  QEMU's
      events (SHUTDOWN with its reason, STOP, RESUME, ...) go to
      OUT_DIR/qmp-events.txt, one JSON object a line, until QEMU exits.
      When the guest starts its debugfs diagnostics ("VGT-GUEST: diagnostics
      begin"), the number of lines in OUT_DIR/unimp.log is noted in
      OUT_DIR/unimp-cut.txt: the lines after it are not the boot path.
  qmp-watch.py hmp QMP_SOCKET COMMAND...
      Runs one HMP command and prints its output.
  qmp-watch.py ppm-info FILE.ppm
      Prints "width height md5 colours" where md5 is taken over the picture
      laid out as little-endian XRGB8888 rows with X=0 (the layout of the
      guest's fb0), so it can be compared with the guest's own checksum.

Only the Python standard library is used.
"""
import hashlib
import json
import os
import sys
import time

# QMP and PPM/PNG: the project's shared modules (scripts/lib/).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import vgtqmp  # noqa: E402
import vgtppm  # noqa: E402


# Properties of -device vgt that the guest's view is checked against.
VGT_PROPS = ("low_gm_sz", "high_gm_sz", "fence_sz", "xres", "yres")


def hmp(q, line):
    """A monitor command's output, or "error: ..." (never raises)."""
    r = q.execute("human-monitor-command", **{"command-line": line})
    if "error" in r:
        return "error: " + r["error"].get("desc", str(r["error"]))
    return r.get("return", "")


def connect(path, deadline, pid=None):
    try:
        q = vgtqmp.connect(path, deadline - time.time(), pid)
    except ConnectionError as e:
        raise ConnectionError(f"qmp-watch: cannot connect to {path}: {e}")
    return q


def ppm_info(path):
    w, h, rgb = vgtppm.read_ppm(path)
    xrgb = bytearray(w * h * 4)
    xrgb[0::4] = rgb[2::3]   # B
    xrgb[1::4] = rgb[1::3]   # G
    xrgb[2::4] = rgb[0::3]   # R
    colours = len(set(bytes(xrgb[i:i + 4]) for i in range(0, len(xrgb), 4 * 7)))
    return w, h, hashlib.md5(bytes(xrgb)).hexdigest(), colours


def screendump(q, device, out, name, label, status_path):
    """Dump the device's screen to <name>.png with the VM stopped, so the
    picture is one frame, and write one status line: "<label> w= h= md5=
    colours=" ("ok" when there is no label) or "<label>-error: why"."""
    ppm = os.path.join(out, name + ".ppm")
    q.execute("stop")
    args = {"filename": ppm}
    if device:
        args["device"] = device
    r = q.execute("screendump", **args)
    q.execute("cont")
    with open(status_path, "w") as f:
        if "error" in r:
            f.write("%serror: %s\n" % (label + "-" if label else "",
                                        r["error"].get("desc", r["error"])))
        else:
            vgtppm.ppm_to_png(ppm, os.path.join(out, name + ".png"))
            w, h, md5, colours = ppm_info(ppm)
            f.write(f"{label or 'ok'} w={w} h={h} md5={md5} colours={colours}\n")


def watch(sock_path, serial, out, device, timeout, pid):
    deadline = time.time() + timeout
    q = connect(sock_path, deadline, pid)
    q.events = open(os.path.join(out, "qmp-events.txt"), "w")
    status_path = os.path.join(out, "screendump.txt")
    did_pci = did_screen = False
    pos = 0
    pending = b""
    while time.time() < deadline:
        q.poll_events()     # ends with ConnectionError once QEMU has gone
        try:
            with open(serial, "rb") as f:
                f.seek(pos)
                new = f.read()
        except FileNotFoundError:
            new = b""
        pos += len(new)
        pending += new
        lines = pending.split(b"\n")
        pending = lines.pop()
        for raw in lines:
            line = raw.decode("utf-8", "replace")
            if not did_pci and "VGT-GUEST: init started" in line:
                did_pci = True
                with open(os.path.join(out, "info-pci.txt"), "w") as f:
                    f.write(hmp(q, "info pci"))
                if device:
                    # Before i915: the boot screen, legacy VGA (what
                    # SeaBIOS and the kernel's VGA console left on it).
                    vga_status = os.path.join(out, "vga-screen.txt")
                    screendump(q, device, out, "screen-vga", "vga", vga_status)
                    r = q.execute("qom-get", path="/machine/peripheral/" + device,
                              property="display")
                    with open(vga_status, "a") as f:
                        f.write("console=%s\n" % r.get("return", {}).get(
                            "console", r.get("error")))
                    # The host's side of what the guest should find: its
                    # graphics memory partition and the virtual monitor.
                    with open(os.path.join(out, "vgt-props.txt"), "w") as f:
                        for prop in VGT_PROPS:
                            r = q.execute("qom-get", path="/machine/peripheral/" + device,
                                      property=prop)
                            if "return" in r:
                                f.write("%s=%s\n" % (prop, r["return"]))
            if not did_screen and "VGT-GUEST: screen-ready" in line:
                did_screen = True
                screendump(q, device, out, "screen", "", status_path)
            if "VGT-GUEST: diagnostics begin" in line:
                # Everything QEMU logged so far is the boot path; what the
                # guest's debugfs dumps touch from here on is not.
                try:
                    with open(os.path.join(out, "unimp.log"), "rb") as f:
                        n = f.read().count(b"\n")
                except FileNotFoundError:
                    n = 0
                with open(os.path.join(out, "unimp-cut.txt"), "w") as f:
                    f.write("%d\n" % n)
            if "VGT-GUEST: done" in line:
                if not did_screen:
                    # The guest never drew a console: find out whether the
                    # device shows anything at all, without claiming more.
                    did_screen = True
                    screendump(q, device, out, "screen-final", "final",
                               status_path)
        time.sleep(0.1)


def main(argv):
    if len(argv) < 2:
        raise SystemExit(__doc__)
    if argv[1] == "watch":
        device, timeout, pid, rest = None, 600.0, None, argv[2:]
        if "--pid" in rest:
            i = rest.index("--pid")
            pid = int(rest[i + 1])
            del rest[i:i + 2]
        if "--device" in rest:
            i = rest.index("--device")
            device = rest[i + 1]
            del rest[i:i + 2]
        if "--timeout" in rest:
            i = rest.index("--timeout")
            timeout = float(rest[i + 1])
            del rest[i:i + 2]
        try:
            watch(rest[0], rest[1], rest[2], device, timeout, pid)
        except (ConnectionError, OSError):
            pass    # QEMU went away: the boot is over
        status = os.path.join(rest[2], "screendump.txt")
        if not os.path.exists(status):
            with open(status, "w") as f:
                f.write("none: the guest never showed a framebuffer console\n")
    elif argv[1] == "hmp":
        q = connect(argv[2], time.time() + 10)
        print(hmp(q, " ".join(argv[3:])), end="")
    elif argv[1] == "ppm-info":
        print(*ppm_info(argv[2]))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
