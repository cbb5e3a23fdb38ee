"""The desktop check: boot the desktop image (scripts/desktop/) on
-device vgt and judge what weston does there.  TAP on stdout, the details
on stderr and in OUT_DIR (serial.log, screen*.png, display-*.json ...).
Run through tests/desktop/run.sh (scripts/desktop/vgtdesk.py test).

Every step asserts something the guest or the device did:
  weston-up        the session's weston-ready marker arrives over ttyS0
  weston-on-vgt    weston's own log: DRM backend on i915 at 00:02.0, the
                   pixman renderer, output DP-1 enabled
  display-pipe     the device (QOM "display") scans pipe A out at its
                   monitor's mode, and its frame counter runs
  page-flips       DSPSURF (the pipe's "surface") alternates between
                   weston's buffers while the panel clock and the pointer
                   make it repaint: flips complete, again and again
  weston-pointer   weston (pixman) keeps the pointer off the cursor plane:
                   after usb-tablet moves (QMP input-send-event) i915's
                   cursor plane (guest debugfs) stays hidden and the device
                   agrees (cursor off)
  cursor-on-screen the device's picture (screendump) changed exactly around
                   the old and the new pointer positions (weston draws it)
  screendump       the picture is weston's desktop: its background and panel
                   colours (weston.ini), not VGA text or a placeholder
  network          systemd-networkd got 10.0.2.15 by DHCP on the virtio NIC
  xorg-up          after weston: vgt-xorg.service ends weston's session and
                   starts Xorg on vt1; its log shows the modesetting driver
                   on i915's card0, AccelMethod none, no glamor, no DRI
                   driver, libinput for the usb-tablet; pipe A scans it out
  cursor-plane     Xorg's modesetting driver (hardware cursor: a dumb
                   buffer moved with drmModeMoveCursor): for three tablet
                   positions the device reports its cursor on at the pointer
                   minus one constant hotspot (CURPOS), and i915's cursor
                   plane (guest debugfs) is visible at the same place
  cursor-plane-on-screen  the device composites that plane: between
                   consecutive screendumps only the two cursor rectangles
                   change, and the picture changes at both pointer positions
  kernel-clean     no kernel WARNING/BUG/Oops, no i915 *ERROR* or GPU hang
  shutdown         the guest powers off (guest agent), QEMU exits by itself
"""
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts", "desktop"))
import vgtdesk as vd  # noqa: E402

STEPS = ["weston-up", "weston-on-vgt", "display-pipe", "page-flips",
         "weston-pointer", "cursor-on-screen", "screendump", "network",
         "xorg-up", "cursor-plane", "cursor-plane-on-screen",
         "kernel-clean", "shutdown"]

# Xorg's pointer positions (screen fractions): all on the root window (the
# xterm sits in the bottom-right corner), so one cursor image, one hotspot
XORG_POSITIONS = [(0.25, 0.25), (0.5, 0.4), (0.3, 0.6)]
XORG_OVER_XTERM = (0.9, 0.93)      # (921,714): inside the 40x8 xterm at -0-0


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0
        print("1..%d" % len(STEPS), flush=True)

    def result(self, name, ok, why, details=(), todo=None):
        self.n += 1
        assert STEPS[self.n - 1] == name, (name, STEPS[self.n - 1])
        print("%s %d - %s: %s%s" % ("ok" if ok else "not ok", self.n, name, why,
                                    " # TODO " + todo if todo and not ok else ""), flush=True)
        for d in details:
            print("#   %s" % d, flush=True)
        vd.log("vgt-desktop check: %s %s: %s" % (
            "ok  " if ok else "TODO" if todo else "FAIL", name, why))
        if not ok and not todo:
            self.failed += 1

    def rest(self, why):
        while self.n < len(STEPS):
            self.result(STEPS[self.n], False, why)


def save(out, name, data):
    with open(os.path.join(out, name), "w") as f:
        json.dump(data, f, indent=1)


def weston_lines(vm):
    return [ln.split("WESTON: ", 1)[1] for ln in vm.serial_text().splitlines()
            if "WESTON: " in ln]


def cursor_planes(text):
    """i915_display_info: the cursor planes of enabled CRTCs as
    (visible, dst x, dst y, plane name), from each plane's "uapi:" line."""
    res = []
    plane = None
    active = False
    for ln in text.splitlines():
        m = re.match(r"\[CRTC:\d+:(pipe \w)\]", ln)
        if m:
            active = None
            continue
        if active is None and "uapi: enable=" in ln:
            active = "active=yes" in ln
            continue
        m = re.search(r"\[PLANE:\d+:(cursor \w)\]: type=CUR", ln)
        if m:
            plane = m.group(1)
            continue
        if plane and "uapi:" in ln:
            m = re.search(r"dst=(\d+)x(\d+)([+-]\d+)([+-]\d+)", ln)
            if m and active:
                res.append(("visible=visible" in ln, int(m.group(3)), int(m.group(4)), plane))
            plane = None
    return res


def xorg_log_facts(text):
    """What Xorg.0.log says about the driver, its acceleration, GL and input."""
    lines = text.splitlines()

    def first(rx):
        r = re.compile(rx)
        return next((ln.strip() for ln in lines if r.search(ln)), None)
    want = {
        "modesetting driver": first(r'LoadModule: "modesetting"'),
        "on /dev/dri/card0": first(r"modeset\(0\): using drv /dev/dri/card0"),
        "of 0000:00:02.0": first(r"Platform probe for /sys/devices/pci0000:00/0000:00:02\.0/drm/card0"),
        "AccelMethod none": first(r'modeset\(0\): Option "AccelMethod" "none"'),
        "mode 1024x768": first(r"modeset\(0\): .*(Output \S+ using initial mode 1024x768|"
                               r"Virtual size is 1024x768)"),
        "libinput for the usb-tablet": first(r"Using input driver 'libinput' for '.*QEMU USB Tablet'"),
    }
    bad = [ln.strip() for ln in lines if re.search(
        r'LoadModule: "glamoregl"|glamor initialized|_dri\.so|AIGLX|DRI driver|'
        r'Option "SWcursor" "(on|true|1|yes)"|^\[ *[0-9.]+\] \(EE\)', ln)]
    return want, bad


def xorg_steps(vm, agent, out, tap):
    """xorg-up, cursor-plane and cursor-plane-on-screen: weston's session
    ends, Xorg with the modesetting driver takes seat0/vt1, and the usb-tablet
    moves its hardware cursor, i.e. i915's cursor plane."""
    if agent is None:
        for name in ("xorg-up", "cursor-plane", "cursor-plane-on-screen"):
            tap.result(name, False, "the guest agent did not answer")
        return
    t0 = time.time()
    xlog = ""
    try:
        rc, said = agent.run("systemctl start vgt-xorg.service")
        m = vm.wait_serial(r"VGT-DESKTOP: (xorg-ready|xorg did not come up.*)", 180)
        rc, xlog = agent.run("cat /var/log/Xorg.0.log")
        with open(os.path.join(out, "Xorg.0.log"), "w") as f:
            f.write(xlog)
        up = m is not None and m.group(1) == "xorg-ready"
    except Exception as e:
        up = False
        m = None
        vd.log("vgt-desktop check: starting Xorg: %s" % e)
    t_up = time.time() - t0
    want, bad = xorg_log_facts(xlog)
    missing = [k for k, v in want.items() if v is None]
    # the device scans X's frame buffer out (the screendump refreshes the console)
    disp = {}
    end = time.time() + 30
    while up and time.time() < end:
        vm.screendump("xorg")
        disp = vm.qmp.display()
        if disp.get("console", "").startswith("pipe A") and vd.pipe_a(disp).get("enabled"):
            break
        time.sleep(1)
    a = vd.pipe_a(disp)
    ok = up and not missing and not bad and a.get("mode") == "1024x768"
    tap.result("xorg-up", ok,
               "%s after %.0fs; Xorg.0.log shows %s%s%s; the device: console '%s', pipe A %s %s"
               % ("xorg-ready" if up else "no xorg-ready (%s)" % (m.group(1) if m else "time-out"),
                  t_up, ", ".join(k for k in want if want[k]),
                  "; missing: " + ", ".join(missing) if missing else "",
                  "; but: " + bad[0][:100] if bad else "",
                  disp.get("console"), a.get("mode"), a.get("format")),
               [v[:160] for v in want.values() if v] + ["unwanted: " + b[:150] for b in bad[:5]])
    if not up:
        tap.result("cursor-plane", False, "Xorg did not come up")
        tap.result("cursor-plane-on-screen", False, "Xorg did not come up")
        return

    w, h = disp.get("xres", 1024), disp.get("yres", 768)
    # The X server shows no cursor until a cursor is first defined after
    # start-up (xfixes' CursorVisible: the root window's initial cursor is
    # set before clients connect, and is kept hidden): the pointer goes over
    # the xterm (its I-beam) first, then back to the root window (the X).
    vm.qmp.tablet(*XORG_OVER_XTERM)
    time.sleep(1.5)
    rows = []       # (pointer x, y, device cursor dict, i915 planes, shot)
    prev = None
    for k, (fx, fy) in enumerate(XORG_POSITIONS):
        vm.qmp.tablet(fx, fy)
        # where libinput + the X server put the pointer: the tablet's value
        # scaled to the screen (its range is 0..ABS_MAX)
        ex = int(fx * vd.ABS_MAX) * w / (vd.ABS_MAX + 1)
        ey = int(fy * vd.ABS_MAX) * h / (vd.ABS_MAX + 1)
        end = time.time() + 10
        while True:
            shot = vm.screendump("xorg-cursor-%d" % k)
            cur = vd.pipe_a(vm.qmp.display())
            pos = (cur.get("cursor-x"), cur.get("cursor-y"))
            if (cur.get("cursor") and pos != prev) or time.time() > end:
                break
            time.sleep(0.5)
        time.sleep(0.5)        # let the X server settle, then look again
        shot = vm.screendump("xorg-cursor-%d" % k)
        cur = vd.pipe_a(vm.qmp.display())
        prev = (cur.get("cursor-x"), cur.get("cursor-y"))
        rc, info = agent.run("cat /sys/kernel/debug/dri/0/i915_display_info")
        with open(os.path.join(out, "i915_display_info-xorg-%d.txt" % k), "w") as f:
            f.write(info)
        rows.append((ex, ey, cur, cursor_planes(info), shot, info))

    # (a) the device: cursor on at pointer - hotspot, the same hotspot each time
    details = []
    hots = []
    ok = True
    size = None
    for ex, ey, cur, cp, shot, info in rows:
        on = bool(cur.get("cursor"))
        cx, cy = cur.get("cursor-x"), cur.get("cursor-y")
        vis = [c for c in cp if c[0]]
        m = re.search(r"\[PLANE:\d+:cursor A\]: type=CUR.*\n\s*uapi: .*dst=(\d+)x(\d+)", info)
        if m:
            size = (int(m.group(1)), int(m.group(2)))
        details.append("tablet -> pointer (%.1f,%.1f): device cursor %s at CURPOS (%s,%s); "
                       "i915 (debugfs): %s" % (
                           ex, ey, "on" if on else "off", cx, cy,
                           "; ".join("%s %s dst +%d+%d" % (c[3], "visible" if c[0] else "hidden", c[1], c[2])
                                     for c in cp) or "no cursor plane read"))
        if not on or cx is None or cy is None:
            ok = False
            continue
        hots.append((ex - cx, ey - cy))
        # (b) i915's own view: its cursor plane visible exactly there
        if not any(x == cx and y == cy for _, x, y, _ in vis):
            ok = False
            details.append("  i915's visible cursor plane is not at the device's CURPOS")
    sz = size or (64, 64)
    if len(hots) == len(rows):
        hx = [x for x, _ in hots]
        hy = [y for _, y in hots]
        # the pointer moved by as much as the plane: one constant hotspot
        # (+-2 pixels: libinput and the X server round the scaled value)
        same = max(hx) - min(hx) <= 2 and max(hy) - min(hy) <= 2
        inside = all(-1 <= x <= sz[0] and -1 <= y <= sz[1] for x, y in hots)
        details.append("hotspot (pointer - CURPOS): %s; cursor image %dx%d" % (
            ", ".join("(%.1f,%.1f)" % xy for xy in hots), sz[0], sz[1]))
        ok = ok and same and inside
    else:
        ok = False
    tap.result("cursor-plane", ok,
               ("Xorg's modesetting driver (after weston) put the pointer on i915's cursor plane:"
                " the device's CURPOS followed the tablet to %d positions (pointer - hotspot),"
                " i915's debugfs agrees" % len(rows)) if ok else
               "Xorg's modesetting driver (after weston): the device's cursor and i915's cursor"
               " plane did not follow the tablet", details)

    # (c) the device composites the plane into its picture: between two
    # screendumps only the two cursor rectangles changed, and the picture
    # changed right at both pointer positions
    details = []
    ok = True
    for k in range(len(rows) - 1):
        (ax, ay, ca, _, (w0, h0, p0), _), (bx, by, cb, _, (w1, h1, p1), _) = rows[k], rows[k + 1]
        if (w0, h0) != (w1, h1) or ca.get("cursor-x") is None or cb.get("cursor-x") is None:
            ok = False
            details.append("shots %d/%d: no cursor position or sizes differ" % (k, k + 1))
            continue
        box = vd.diff_box(p0, p1, w0, h0)
        rects = [(c.get("cursor-x"), c.get("cursor-y")) for c in (ca, cb)]
        ux0 = min(x for x, _ in rects)
        uy0 = min(y for _, y in rects)
        ux1 = max(x for x, _ in rects) + sz[0] - 1
        uy1 = max(y for _, y in rects) + sz[1] - 1

        def changed_near(px, py, r=12):
            x0, y0 = max(0, int(px) - r), max(0, int(py) - r)
            x1, y1 = min(w0, int(px) + r + 1), min(h0, int(py) + r + 1)
            return any(p0[(y * w0 + x0) * 3:(y * w0 + x1) * 3] != p1[(y * w0 + x0) * 3:(y * w0 + x1) * 3]
                       for y in range(y0, y1))
        good = (box is not None and ux0 <= box[0] and uy0 <= box[1] and box[2] <= ux1 and box[3] <= uy1
                and changed_near(ax, ay) and changed_near(bx, by))
        ok = ok and good
        details.append("shots %d->%d: changed region %s within the cursor rectangles (%d,%d)-(%d,%d): %s;"
                       " changed at the pointer (%.0f,%.0f) and (%.0f,%.0f): %s" % (
                           k, k + 1, "(%d,%d)-(%d,%d)" % box if box else "none", ux0, uy0, ux1, uy1,
                           "yes" if box and ux0 <= box[0] and uy0 <= box[1] and box[2] <= ux1 and box[3] <= uy1 else "no",
                           ax, ay, bx, by,
                           "yes" if changed_near(ax, ay) and changed_near(bx, by) else "no"))
    try:            # the X server's log as it is now, for the record
        rc, xlog = agent.run("cat /var/log/Xorg.0.log")
        with open(os.path.join(out, "Xorg.0.log"), "w") as f:
            f.write(xlog)
    except Exception as e:
        vd.log("vgt-desktop check: Xorg.0.log: %s" % e)
    vd.log("vgt-desktop check: the Xorg part took %.0fs" % (time.time() - t0))
    tap.result("cursor-plane-on-screen", ok,
               "the device's screendumps show Xorg's hardware cursor at each position and change"
               " nowhere else" if ok else "the screendumps do not show the cursor plane where it is",
               details + ["pictures: %s" % os.path.join(out, "xorg-cursor-*.png")])


def run(qemu, image, out):
    timeout = int(os.environ.get("VGT_DESKTOP_TIMEOUT", "420"))
    tap = Tap()
    d1 = {}
    vm = vd.VM(qemu, image, out)
    t0 = time.time()
    try:
        vd.log("vgt-desktop check: booting %s (%s) on %s" % (image, vm.accel, qemu))
        vm.launch()
        t = vd.boot_to_weston(vm, timeout)
        if t is None:
            tail = [ln for ln in vm.serial_text().splitlines() if ln.strip()][-5:]
            tap.result("weston-up", False, "no weston-ready marker within %ss" % timeout, tail)
            tap.rest("weston did not come up")
            return 1
        tap.result("weston-up", True, "weston-ready after %.1fs (%s)" % (t, vm.accel))

        # -- weston's own log says where it runs
        disp = vd.wait_desktop(vm, 90)
        wl = weston_lines(vm)
        want = {
            "i915 at 00:02.0": lambda ln: "drm device" in ln and "0000:00:02.0" in ln and ln.rstrip().endswith("i915"),
            "DRM backend": lambda ln: ln.split("] ", 1)[-1].startswith("Loading module") and "drm-backend.so" in ln,
            "pixman renderer": lambda ln: ln.split("] ", 1)[-1].startswith("Command line:") and "--use-pixman" in ln,
            "output DP-1 enabled": lambda ln: re.search(r"Output '?DP-1'? enabled", ln) is not None,
        }
        found = {k: next((ln for ln in wl if f(ln)), None) for k, f in want.items()}
        missing = [k for k, v in found.items() if v is None]
        gl = [ln for ln in wl if re.search(r"EGL|GL renderer|gbm", ln)]
        if gl:
            missing.append("no GL (but: %s)" % gl[0].strip()[:80])
        tap.result("weston-on-vgt", not missing,
                   "weston log shows " + ", ".join(k for k in want if found[k])
                   + ("; missing: " + ", ".join(missing) if missing else ""),
                   [v.strip()[:160] for v in found.values() if v])

        # -- the device scans weston's buffers out
        try:
            d1 = vm.qmp.display()
            time.sleep(2)
            d2 = vm.qmp.display()
            save(out, "display-1.json", d1)
            a1, a2 = vd.pipe_a(d1), vd.pipe_a(d2)
            mode = "%sx%s" % (d1.get("xres"), d1.get("yres"))
            ok = (d1.get("console", "").startswith("pipe A") and a1.get("enabled")
                  and a1.get("plane") and a1.get("mode") == mode
                  and a2.get("frames", 0) > a1.get("frames", 0))
            tap.result("display-pipe", bool(ok),
                       "console '%s', pipe A %s %s %s, frames %s -> %s in 2s"
                       % (d1.get("console"), a1.get("mode"), a1.get("format"),
                          a1.get("tiling"), a1.get("frames"), a2.get("frames")))
        except Exception as e:
            tap.result("display-pipe", False, "qom-get display: %s" % e)

        # -- page flips: the scanout surface changes as weston repaints
        surfaces = []
        changes = 0
        end = time.time() + 12
        i = 0
        while time.time() < end:
            vm.qmp.tablet(0.3 + 0.02 * (i % 10), 0.5)   # repaints (and the clock ticks)
            i += 1
            s = vd.pipe_a(vm.qmp.display()).get("surface")
            if surfaces and s != surfaces[-1]:
                changes += 1
            surfaces.append(s)
            if changes >= 6 and len(set(surfaces)) >= 2:
                break
            time.sleep(0.25)
        distinct = sorted(set(x for x in surfaces if x is not None))
        tap.result("page-flips", changes >= 4 and len(distinct) >= 2,
                   "DSPSURF took %d values (%s) and changed %d times in %d samples"
                   % (len(distinct), ", ".join("0x%x" % x for x in distinct[:4]),
                      changes, len(surfaces)))

        # -- the pointer: tablet -> weston -> i915 cursor plane -> device
        agent = None
        try:
            agent = vm.connect_agent(60)
        except Exception as e:
            vd.log("vgt-desktop check: guest agent: %s" % e)
        positions = [(0.25, 0.25), (0.75, 0.625)]
        w = d1.get("xres", 1024) if disp else 1024
        h = d1.get("yres", 768) if disp else 768
        shots, planes, qcur = [], [], []
        for k, (fx, fy) in enumerate(positions):
            vm.qmp.tablet(fx, fy)
            time.sleep(1.5)
            ex, ey = round(fx * vd.ABS_MAX * w / (vd.ABS_MAX + 1)), round(fy * vd.ABS_MAX * h / (vd.ABS_MAX + 1))
            info = ""
            if agent:
                try:
                    rc, info = agent.run("cat /sys/kernel/debug/dri/0/i915_display_info")
                    with open(os.path.join(out, "i915_display_info-%d.txt" % k), "w") as f:
                        f.write(info)
                except Exception as e:
                    info = ""
                    vd.log("vgt-desktop check: guest-exec: %s" % e)
            planes.append(((ex, ey), cursor_planes(info)))
            qcur.append(vd.pipe_a(vm.qmp.display()).get("cursor"))
            shots.append(vm.screendump("cursor-%d" % k))
        details = []
        ok = agent is not None
        hidden = agent is not None
        for (ex, ey), cp in planes:
            vis = [c for c in cp if c[0]]
            details.append("tablet at (%d,%d): i915's cursor plane (guest debugfs): %s" % (
                ex, ey, "; ".join("%s %s dst +%d+%d" % (c[3], "visible" if c[0] else "hidden", c[1], c[2])
                                  for c in cp) or "none read"))
            # dst = pointer - hotspot: the hotspot lies inside the 64x64 image
            if not any(0 <= ex - x < 64 and 0 <= ey - y < 64 for _, x, y, _ in vis):
                ok = False
            if vis or not cp:
                hidden = False
        details.append("the device's pipe A cursor (QOM display, CURCNTR): %s"
                       % ", ".join("visible" if c else "off" for c in qcur))
        # weston 10 imports cursor buffers through GBM only
        # (drm_output_prepare_cursor_paint_node: b->gbm == NULL with
        # --use-pixman), so it draws the pointer into its own frame: i915's
        # cursor plane stays hidden and the device shows no cursor.  (Xorg's
        # modesetting driver, below, does use the plane: cursor-plane.)
        if hidden and not any(qcur):
            tap.result("weston-pointer", True,
                       "weston (pixman) drew the pointer into its frame: i915's cursor plane"
                       " stayed hidden and the device agrees (cursor off)", details)
        elif ok and all(qcur):
            tap.result("weston-pointer", True,
                       "weston put the pointer on i915's cursor plane and the device shows it", details)
        else:
            tap.result("weston-pointer", False,
                       "the guest's cursor plane and the device disagree, or the plane did"
                       " not follow the tablet", details)

        (w0, h0, p0), (w1, h1, p1) = shots
        ok = False
        why = "no difference between the two screendumps"
        if (w0, h0) == (w1, h1):
            box = vd.diff_box(p0, p1, w0, h0)
            if box:
                (ax, ay), (bx, by) = planes[0][0], planes[1][0]
                # both pointer positions lie in the changed region, and the
                # change is no bigger than the two cursor images (+ the
                # panel clock, which may tick in between: rows < 40 ignored)
                box2 = vd.diff_box(p0[40 * w0 * 3:], p1[40 * w0 * 3:], w0, h0 - 40)
                x0, y0, x1, y1 = box2[0], box2[1] + 40, box2[2], box2[3] + 40
                ok = (x0 - 64 <= ax <= x1 and y0 - 64 <= ay <= y1 and
                      x0 <= bx <= x1 + 64 and y0 <= by <= y1 + 64 and
                      x1 - x0 < (bx - ax) + 128 and y1 - y0 < (by - ay) + 128)
                why = "changed region (%d,%d)-(%d,%d) spans the pointer at (%d,%d) and (%d,%d)" % (
                    x0, y0, x1, y1, ax, ay, bx, by)
        tap.result("cursor-on-screen", ok, why)

        # -- the picture is weston's desktop
        wd, hd, pix = vm.screendump("screen")
        st = vd.colour_stats(wd, hd, pix)
        total = wd * hd
        bg = sum(v for c, v in st.items() if vd.near(c, vd.BACKGROUND))
        panel_rows = vd.colour_stats(wd, hd, pix, 2, 12)
        pn = sum(v for c, v in panel_rows.items() if vd.near(c, vd.PANEL))
        top = sorted(st.items(), key=lambda kv: -kv[1])[:3]
        console = vm.qmp.display().get("console", "")
        ok = bg > total * 0.4 and pn > wd * 10 * 0.5 and console.startswith("pipe")
        tap.result("screendump", ok,
                   "%dx%d, %.0f%% background #%02x%02x%02x, %.0f%% of the top rows panel #%02x%02x%02x, console '%s'"
                   % ((wd, hd, 100.0 * bg / total) + vd.BACKGROUND + (100.0 * pn / (wd * 10),) + vd.PANEL + (console,)),
                   ["most frequent colours: " + ", ".join("#%02x%02x%02x x%d" % (c + (v,)) for c, v in top),
                    "picture: %s" % os.path.join(out, "screen.png")])

        # -- network (systemd-networkd, DHCP from QEMU's user networking)
        if agent:
            try:
                rc, addr = "", ""
                end = time.time() + 30
                while time.time() < end:
                    rc, addr = agent.run("ip -4 -o addr show scope global")
                    if "10.0.2.15" in addr:
                        break
                    time.sleep(2)
                tap.result("network", "10.0.2.15" in addr,
                           "guest addresses: %s" % " | ".join(
                               " ".join(ln.split()[1:4]) for ln in addr.splitlines()) or "none")
            except Exception as e:
                tap.result("network", False, "guest-exec: %s" % e)
        else:
            tap.result("network", False, "the guest agent did not answer")

        # -- after weston: Xorg (modesetting) and the cursor plane
        xorg_steps(vm, agent, out, tap)

        # -- the kernel log
        bad = re.compile(r"WARNING: CPU:|BUG:|Oops|Kernel panic|GPU HANG|\*ERROR\*|wedged|Call Trace:")
        hits = [ln.strip() for ln in vm.serial_text().splitlines() if bad.search(ln)]
        tap.result("kernel-clean", not hits,
                   "no kernel warning, i915 error or hang" if not hits else
                   "%d bad lines, first: %s" % (len(hits), hits[0][:150]), hits[:5])

        # -- clean shutdown (the device's counters first, for the record)
        for ln in vm.device_report():
            print("# " + ln, flush=True)
        how, reason = vm.shutdown(90)
        tap.result("shutdown", reason == "guest-shutdown",
                   "%s; QEMU's SHUTDOWN reason: %s; exit status %s"
                   % (how, reason, vm.proc.returncode))
    except Exception as e:
        tap.rest("the check broke: %s: %s" % (type(e).__name__, e))
        vd.log("vgt-desktop check: %r" % e)
    except BaseException as e:          # a signal, ^C: the rest did not run
        tap.rest("interrupted: %s" % e)
        raise
    finally:
        vm.kill()
        vd.log("vgt-desktop check: %d of %d steps failed; %.0fs; files in %s"
               % (tap.failed, len(STEPS), time.time() - t0, out))
    return 1 if tap.failed else 0
