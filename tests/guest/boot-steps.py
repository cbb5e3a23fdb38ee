#!/usr/bin/env python3
"""Judge one guest boot (the output directory of scripts/guest/boot.sh).

  boot-steps.py RUN_DIR [--expected FILE] [--tap FILE] [--quiet]

Every step of the bring-up (docs/guest.md) is checked from the guest's
own log (serial.log: the kernel log and the "VGT-GUEST:" report of /init)
and from the host side (QEMU's exit, its unimp/guest-error log, the QMP
screendump).  Each check is real; what depends on the current state is
only how a failing step is reported:
  * a step listed in the expected-steps file is required: failing it is a
    plain "not ok" (a regression);
  * any other step that fails is "not ok ... # TODO <the guest log line where
    i915 stops now>"; when it starts passing it is a plain "ok" and the output
    asks for it to be added to the expected-steps file.
Also writes RUN_DIR/steps.txt ("ID pass|fail evidence") and
RUN_DIR/unimp-summary.txt.  Exit status: 1 when a required step failed.
"""
import os
import re
import sys

STEPS = [
    ("userspace", "the guest kernel boots and /init runs (VGT-GUEST: init started)"),
    ("pci-device", "the vgt device is 00:02.0, 8086:0412, class 030000"),
    ("vga-boot-screen", "before i915, the console shows legacy VGA text (SeaBIOS, the kernel's VGA console)"),
    ("i915-loaded", "i915 and its dependencies load (insmod ok, /sys/module/i915)"),
    ("i915-probe", "i915's probe runs on 0000:00:02.0"),
    ("vgpu-detected", "i915 reports 'Virtual GPU for Intel GVT-g detected'"),
    ("ballooned", "i915 balloons to our partitions ('VGT balloon successfully')"),
    ("ggtt", "the GGTT comes up (probed, ballooned, no GGTT error)"),
    ("i915-initialized", "i915's probe completes ('Initialized i915 ... for 0000:00:02.0', bound)"),
    ("rings", "the render and blitter rings initialise (rcs0, bcs0; no ring start error)"),
    ("first-requests", "the first requests complete: GT not wedged (i915_wedged=0)"),
    ("no-hang", "no GPU hang, engine reset, wedged GT or failed idle"),
    ("dp-edid", "the display probes the DP monitor through AUX and reads its EDID"),
    ("modeset", "the mode is set: DP connector enabled, fb0 at the preferred mode"),
    ("fbcon", "fbcon takes over i915drmfb (fb0)"),
    ("screendump", "a QMP screendump of the vgt console equals the guest's framebuffer text"),
    ("no-kernel-warnings", "i915 comes up with no kernel WARNING/BUG/oops"),
    ("unimp-clean", "no LOG_UNIMP/guest-error lines from QEMU for the boot path"),
]

TS = re.compile(r"^\[\s*\d+\.\d+\] ")
HEX = re.compile(r"0x[0-9a-fA-F]+")


def read(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode("utf-8", "replace")
    except FileNotFoundError:
        return ""


class Run:
    def __init__(self, d):
        self.dir = d
        raw = read(os.path.join(d, "serial.log")).replace("\r", "")
        self.lines = [l for l in raw.split("\n") if l.strip()]
        self.kernel = [l for l in self.lines if TS.match(l)]
        self.guest = [l.split("VGT-GUEST: ", 1)[1] for l in self.lines if "VGT-GUEST: " in l]
        self.qemu_err = read(os.path.join(d, "qemu.log")).strip()
        self.result = read(os.path.join(d, "result.txt")).strip()
        unimp = read(os.path.join(d, "unimp.log")).split("\n")
        # Lines after the cut come from /init's debugfs dumps, not the boot.
        cut = read(os.path.join(d, "unimp-cut.txt")).strip()
        if cut.isdigit():
            self.unimp_diag = [l for l in unimp[int(cut):] if l.strip()]
            unimp = unimp[:int(cut)]
        else:
            self.unimp_diag = []
        self.unimp = [l for l in unimp if l.strip()]
        self.screendump = read(os.path.join(d, "screendump.txt")).strip()
        self.vga_screen = read(os.path.join(d, "vga-screen.txt")).strip()
        # What the host configured (qom-get of the device's properties).
        self.props = {}
        for l in read(os.path.join(d, "vgt-props.txt")).split("\n"):
            if "=" in l:
                k, v = l.split("=", 1)
                self.props[k.strip()] = v.strip()
        # Kernel lines from the moment i915 is loaded.
        self.after_i915 = []
        seen = False
        for l in self.lines:
            if "VGT-GUEST: loading i915" in l:
                seen = True
            elif seen and TS.match(l):
                self.after_i915.append(l)

    def g(self, prefix):
        return [l for l in self.guest if l.startswith(prefix)]

    def k(self, pattern, lines=None):
        rx = re.compile(pattern)
        return [l for l in (self.kernel if lines is None else lines) if rx.search(l)]


# Kernel messages that mean the step failed (exact texts from i915/drm 6.1).
GGTT_ERRORS = r"Failed to map the ggtt page table|Unknown GMADR size|mappable aperture extends past end of GGTT|Invalid ballooning configuration|VGT balloon fail"
RING_ERRORS = r"initialization failed; ctl|Failed to restart"
WEDGE = r"declaring it wedged|CI tainted|[Ww]edged"
HANG = r"GPU HANG|Resetting (chip|rcs|bcs|vcs|vecs)|stopped heartbeat|no heartbeat|failed to wait for idle|not idle before sync flush|Failed to reset chip"
KWARN = r"WARNING: CPU:|BUG:|Oops|general protection fault|Call Trace:|Kernel panic"
SERIOUS = re.compile(r"\*ERROR\*|WARNING|GPU HANG|CI tainted|[Ww]edged|incompatible|BUG:|Oops|Kernel panic")
KWARN_RX = re.compile(r"WARNING: CPU:|BUG:|Oops|Kernel panic")
FATAL = re.compile(r"Device initialization failed|probe of 0000:00:02\.0 failed")
BOILERPLATE = re.compile(r"Please file a bug|How-to-file|drm/i915 developers can then reassign")
ERRORISH = re.compile(r"\*ERROR\*|[Ff]ailed|incompatible|[Ii]nvalid|Unknown|WARNING|HANG|[Ww]edged|tainted|timed out|BUG:|Oops|Call Trace")


def evaluate(r):
    res = {}

    def put(step, ok, why):
        res[step] = (bool(ok), why)

    up = r.g("init started")
    q = "; ".join(l.strip() for l in r.qemu_err.splitlines()[:4])
    put("userspace", up, up[0] if up else
        "no VGT-GUEST: init started; boot ended: %s%s" % (r.result or "?", ("; QEMU: " + q) if q else ""))

    pci = [l for l in r.g("pci 0000:00:02.0 ")]
    pci_ok = any("vendor=0x8086 device=0x0412 class=0x030000" in l for l in pci)
    put("pci-device", pci_ok, pci[0] if pci else "no 0000:00:02.0 in the guest's PCI list")

    # 80x25 text in 9x16 cells, with something written on it.
    vm = re.search(r"^vga w=(\d+) h=(\d+) md5=[0-9a-f]+ colours=(\d+)$", r.vga_screen, re.M)
    vcon = re.search(r"^console=(.*)$", r.vga_screen, re.M)
    vga_ok = bool(vm and vcon and vcon[1] == "VGA text" and
                  (vm[1], vm[2]) == ("720", "400") and int(vm[3]) >= 2)
    put("vga-boot-screen", vga_ok,
        ("%s (console: %s)" % (vm[0], vcon[1]) if vm and vcon else
         r.vga_screen.replace("\n", "; ") or "no screendump before i915 (vga-screen.txt)"))

    loaded = r.g("module i915 loaded") and r.g("i915 present in /sys/module")
    put("i915-loaded", loaded, (r.g("module i915") or ["i915 not loaded"])[0])

    probe = r.k(r"\] i915 0000:00:02\.0: ")
    put("i915-probe", probe, probe[0] if probe else "no kernel line from i915 for 0000:00:02.0")

    v = r.k(r"Virtual GPU for Intel GVT-g detected")
    put("vgpu-detected", v, v[0] if v else "no 'Virtual GPU for Intel GVT-g detected' line")

    b = r.k(r"VGT balloon successfully")
    berr = r.k(r"Invalid ballooning configuration|VGT balloon fail")
    # "to our partitions": the sizes i915 reads from PVINFO must be the ones
    # the host gave the device (low_gm_sz/high_gm_sz, MiB), when it says.
    for kind, prop in (("Mappable", "low_gm_sz"), ("Unmappable", "high_gm_sz")):
        got = r.k(r"\] i915 .*\b%s graphic memory: base 0x[0-9a-f]+ size (\d+)KiB" % kind)
        if b and prop in r.props:
            size = re.search(r"size (\d+)KiB", got[0]).group(1) if got else None
            if size is None or int(size) != int(r.props[prop]) * 1024:
                berr.append("%s graphic memory %s KiB, but the device has %s=%s MiB"
                            % (kind, size or "not reported", prop, r.props[prop]))
    put("ballooned", b and not berr, (berr or b or ["no 'VGT balloon successfully' line"])[0])

    gsize = r.k(r"GGTT size = ")
    gerr = r.k(GGTT_ERRORS)
    put("ggtt", gsize and b and not gerr,
        (gerr or ([gsize[0]] if gsize and b else []) or ["no 'GGTT size' / balloon line"])[0])

    init = r.k(r"Initialized i915 .* for 0000:00:02\.0")
    bound = r.g("i915 bound: yes")
    put("i915-initialized", init and bound, (init or ["no 'Initialized i915 ... for 0000:00:02.0' line"])[0])

    # The engines i915 registered (sysfs card0/engine), else its debugfs dump.
    engines = " ".join(r.g("engines: ")) + " " + " ".join(l[2:] for l in r.guest if l.startswith("| "))
    rcs = re.search(r"\brcs0\b", engines)
    bcs = re.search(r"\bbcs0\b", engines)
    rerr = r.k(RING_ERRORS)
    put("rings", init and bound and rcs and bcs and not rerr,
        (rerr or ([(r.g("engines: ") or ["i915_engine_info lists rcs0 and bcs0"])[0]] if rcs and bcs else
                  ["rcs0 and bcs0 are not both registered (or i915 is not up)"]))[0])

    wedged = r.g("i915_wedged=")
    werr = r.k(WEDGE)
    put("first-requests", res["rings"][0] and wedged == ["i915_wedged=0"] and not werr,
        (werr or wedged or ["no i915_wedged in debugfs"])[0])

    herr = r.k(HANG) + r.k(WEDGE)
    if wedged and wedged != ["i915_wedged=0"]:
        herr.append(wedged[0])
    put("no-hang", init and bound and not herr,
        (herr or (["no hang/reset/wedge line"] if init else ["i915 never came up"]))[0])

    conns = r.g("connector ")
    dp = [c for c in conns if re.search(r"-DP-\d", c.split()[1])]
    dp_ok = [c for c in dp if "status=connected" in c and
             int((re.search(r"edid_bytes=(\d+)", c) or [0, "0"])[1]) >= 128]
    put("dp-edid", dp_ok, (dp_ok or dp or ["no DP connector in /sys/class/drm"])[0])

    fb = r.g("fb0 name=")
    fbsize = re.search(r"virtual_size=(\d+),(\d+)", fb[0]).groups() if fb else None
    ms_ok, ms_why = False, "no enabled DP connector"
    for c in dp_ok:
        m = re.search(r"modes=(\d+)x(\d+)", c)
        if "enabled=enabled" in c and m and fbsize and m.groups() == fbsize:
            ms_ok, ms_why = True, c + " / " + fb[0]
    # The preferred mode is the virtual monitor's (xres x yres on the host).
    if ms_ok and "xres" in r.props and "yres" in r.props and \
            fbsize != (r.props["xres"], r.props["yres"]):
        ms_ok, ms_why = False, "fb0 is %sx%s, the device's monitor is %sx%s" % (
            fbsize[0], fbsize[1], r.props["xres"], r.props["yres"])
    merr = r.k(r"flip_done timed out|vblank wait timed out|\[CRTC.*timed out|commit wait timed out")
    put("modeset", ms_ok and not merr, (merr or [ms_why])[0])

    fbc = r.k(r"Console: switching to colour frame buffer device")
    fbname = fb and "name=i915drmfb" in fb[0]
    put("fbcon", fbc and fbname, (fbc if fbc and fbname else (fb or ["fb0 absent"]))[0])

    ready = r.g("screen-ready ")
    vcs = " ".join(l for l in r.guest if l.startswith("vcs| "))
    sd = r.screendump
    sd_ok, sd_why = False, sd or "no screendump"
    if ready:
        gm = re.search(r"w=(\d+) h=(\d+) stride=(\d+) bpp=(\d+) md5=([0-9a-f]+)", ready[0])
        hm = re.search(r"^ok w=(\d+) h=(\d+) md5=([0-9a-f]+) colours=(\d+)", sd)
        if gm and hm:
            w, h, stride, bpp, gsum = gm.groups()
            if int(stride) != int(w) * 4 or bpp != "32":
                sd_why = "guest fb layout %sx%s stride %s bpp %s: not comparable" % (w, h, stride, bpp)
            elif (w, h) != hm.groups()[:2]:
                sd_why = "screendump %sx%s, guest fb %sx%s" % (hm[1], hm[2], w, h)
            elif gsum != hm[3]:
                sd_why = "screendump md5 %s != guest fb0 md5 %s" % (hm[3], gsum)
            elif not fbname:
                sd_why = "fb0 is not i915's (%s)" % (fb[0] if fb else "absent")
            elif int(hm[4]) < 2 or "VGT-GUEST SCREEN TEST" not in vcs:
                sd_why = "screen has %s colour(s); console text present: %s" % (hm[4], "VGT-GUEST SCREEN TEST" in vcs)
            else:
                sd_ok, sd_why = True, "screendump == guest fb0 (md5 %s, %sx%s), console text shown" % (gsum, w, h)
    put("screendump", sd_ok, sd_why)

    kw = r.k(KWARN)
    # Only meaningful once i915 came up (an early abort is trivially quiet).
    put("no-kernel-warnings", up and init and bound and not kw,
        (kw or (["none"] if init and bound else ["none so far, but i915 did not come up: nothing to judge yet"]))[0])

    put("unimp-clean", up and pci_ok and not r.unimp,
        ("%d line(s) in unimp.log, first: %s" % (len(r.unimp), r.unimp[0]) if r.unimp else
         ("empty unimp.log" if up and pci_ok else "no vgt device in the guest")))
    return res


def stop_line(r):
    """The guest log line where the bring-up stops now."""
    if not r.g("init started"):
        q = "; ".join(l.strip() for l in r.qemu_err.splitlines()[:4])
        if not r.lines:
            return "no guest output (%s)%s" % (r.result or "?", ("; QEMU: " + q) if q else "")
        return r.lines[-1]
    # QEMU died or was killed while the guest ran: that is the news.
    if r.result and not r.result.startswith("poweroff") and not r.g("done"):
        q = "; ".join(l.strip() for l in r.qemu_err.splitlines()[-3:])
        return "QEMU ended the boot (%s)%s; last guest line: %s" % (
            r.result, ("; QEMU: " + q) if q else "", r.lines[-1] if r.lines else "-")
    if not r.g("pci 0000:00:02.0 "):
        return "VGT-GUEST: no PCI device at 0000:00:02.0"
    i915 = [l for l in r.after_i915 if "i915" in l or "[drm" in l or "drm:" in l]
    # A failed probe: its cause is the last plain (non-debug) i915 message
    # before "Device initialization failed", minus the bug-report boilerplate.
    for n, l in enumerate(i915):
        if FATAL.search(l):
            for c in reversed(i915[:n]):
                if "[drm:" in c or BOILERPLATE.search(c):
                    continue
                return "%s (then: %s)" % (c, TS.sub("", l).strip())
            return l
    stuck = " (i915's probe never returned: see the VGT-GUEST: stack| lines)" \
        if r.g("insmod i915 did not return") else ""
    # The first serious error (ERROR, WARNING, hang, wedge), else the first
    # line that merely looks like trouble (e.g. a debug "failed").
    relevant = [l for l in r.after_i915 if l in i915 or KWARN_RX.search(l)]
    for rx in (SERIOUS, ERRORISH):
        for l in relevant:
            if rx.search(l):
                return l + stuck
    if i915:
        return i915[-1] + stuck
    return (r.g("module i915") or ["i915 never printed anything"])[0]


def unimp_summary(r):
    """Group QEMU's unimp/guest-error lines.  Offsets are counted from the
    device's "register 0x..." lines only; TCG's ILLOPC lines (a guest ud2:
    every kernel WARN() leaves one) and the device's GTT lines are kept apart.
    Messages are grouped with their values masked (all numbers, except the
    register offset of register lines)."""
    offsets, kinds, cats = {}, {}, {"register": 0, "GTT": 0, "ILLOPC": 0, "other": 0}
    for l in r.unimp:
        m = re.search(r"register\W{0,3}(0x[0-9a-fA-F]+)", l, re.I)
        if l.startswith("ILLOPC"):
            cats["ILLOPC"] += 1
            key = "ILLOPC (guest executed ud2: a kernel WARN/BUG site)"
        elif m:
            cats["register"] += 1
            off = "0x%05x" % int(m.group(1), 16)
            offsets[off] = offsets.get(off, 0) + 1
            key = re.sub(r"((?:val(?:ue)?|data)\W{0,3})0x[0-9a-fA-F]+", r"\1...", l, flags=re.I)
        else:
            cats["GTT" if "GTT" in l else "other"] += 1
            key = re.sub(r"\b(0x[0-9a-fA-F]+|\d+)\b", "N", l)
        kinds[key] = kinds.get(key, 0) + 1
    return offsets, kinds, cats


def main(argv):
    args = argv[1:]
    expected_file = tap_file = None
    quiet = False
    if "--expected" in args:
        i = args.index("--expected"); expected_file = args[i + 1]; del args[i:i + 2]
    if "--tap" in args:
        i = args.index("--tap"); tap_file = args[i + 1]; del args[i:i + 2]
    if "--quiet" in args:
        args.remove("--quiet"); quiet = True
    if len(args) != 1:
        raise SystemExit(__doc__)
    r = Run(args[0])
    required = []
    if expected_file:
        for l in read(expected_file).split("\n"):
            l = l.split("#", 1)[0].strip()
            if l:
                required.append(l)
    known = {s for s, _ in STEPS}
    bad = [s for s in required if s not in known]
    if bad:
        raise SystemExit("boot-steps: unknown step(s) in %s: %s" % (expected_file, " ".join(bad)))

    res = evaluate(r)
    failing = [st for st, (ok, _) in res.items() if not ok]
    if not failing:
        stop = "nowhere: every step passes"
    elif failing == ["unimp-clean"]:
        stop = "nowhere: i915 is fully up; %d LOG_UNIMP/guest-error line(s) remain" % len(r.unimp)
    else:
        stop = stop_line(r).replace("#", "No.")
    out = ["1..%d" % len(STEPS)]
    failed_required = 0
    newly = []
    for n, (step, desc) in enumerate(STEPS, 1):
        ok, why = res[step]
        why = why.replace("\n", " ")
        if ok:
            out.append("ok %d - %s: %s" % (n, step, desc))
            out.append("#   %s" % why)
            if step not in required:
                newly.append(step)
        elif step in required:
            failed_required += 1
            out.append("not ok %d - %s: %s" % (n, step, desc))
            out.append("#   REGRESSION (required by expected-steps): %s" % why)
        else:
            # The step's own failing kernel line when it has one, else the
            # first place where the bring-up goes wrong.
            if step == "unimp-clean":
                todo = "still " + why.replace("#", "No.")
            else:
                todo = "i915 stops at: " + (why.replace("#", "No.") if TS.match(why) else stop)
            out.append("not ok %d - %s: %s # TODO %s" % (n, step, desc, todo))
            out.append("#   %s" % why)
    offsets, kinds, cats = unimp_summary(r)
    census = "%d line(s): %d unimplemented-register line(s) at %d offset(s), %d GTT, " \
        "%d ILLOPC (guest WARN), %d other; %d distinct message(s)" % (
            len(r.unimp), cats["register"], len(offsets), cats["GTT"], cats["ILLOPC"],
            cats["other"], len(kinds))
    out.append("# boot: %s" % (r.result or "?"))
    out.append("# where i915 stops now: %s" % stop)
    out.append("# LOG_UNIMP/guest-error: " + census)
    if r.unimp_diag:
        out.append("#   (and %d line(s) while /init dumped i915's debugfs after the boot: not counted)"
                   % len(r.unimp_diag))
    for key, cnt in sorted(kinds.items(), key=lambda kv: -kv[1])[:25]:
        out.append("#   %5dx %s" % (cnt, key))
    if len(kinds) > 25:
        out.append("#   ... %d more in %s" % (len(kinds) - 25, os.path.join(r.dir, "unimp-summary.txt")))
    for s in newly:
        out.append("# step '%s' passes now: add it to tests/guest/expected-steps so it cannot regress" % s)
    text = "\n".join(out) + "\n"

    with open(os.path.join(r.dir, "steps.txt"), "w") as f:
        for step, _ in STEPS:
            f.write("%s %s %s\n" % (step, "pass" if res[step][0] else "fail", res[step][1]))
        f.write("stop %s\n" % stop)
    with open(os.path.join(r.dir, "unimp-summary.txt"), "w") as f:
        f.write("# %s\n# unimplemented registers, by offset:\n" % census)
        for off, cnt in sorted(offsets.items()):
            f.write("%s %d\n" % (off, cnt))
        f.write("# by message:\n")
        for key, cnt in sorted(kinds.items(), key=lambda kv: -kv[1]):
            f.write("%6d %s\n" % (cnt, key))
        if r.unimp_diag:
            f.write("# not the boot path: %d line(s) logged while /init dumped i915's debugfs:\n"
                    % len(r.unimp_diag))
            for l in r.unimp_diag:
                f.write("       %s\n" % l)
    if tap_file:
        with open(tap_file, "w") as f:
            f.write(text)
    if not quiet:
        sys.stdout.write(text)
    return 1 if failed_required else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
