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
  cursor-plane     after a usb-tablet move (QMP input-send-event), i915's
                   cursor plane (guest debugfs) sits at the tablet's
                   position and the device shows a cursor
  cursor-on-screen the device's picture (screendump) changed exactly around
                   the old and the new pointer positions
  screendump       the picture is weston's desktop: its background and panel
                   colours (weston.ini), not VGA text or a placeholder
  network          systemd-networkd got 10.0.2.15 by DHCP on the virtio NIC
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
         "cursor-plane", "cursor-on-screen", "screendump", "network",
         "kernel-clean", "shutdown"]


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
        if ok and all(qcur):
            tap.result("cursor-plane", True,
                       "i915's cursor plane followed the tablet and the device shows it", details)
        elif hidden and not any(qcur):
            # weston 10 imports cursor buffers through GBM only
            # (drm_output_prepare_cursor_paint_node: b->gbm == NULL with
            # --use-pixman), so it draws the pointer into its own frame
            tap.result("cursor-plane", False,
                       "weston kept the pointer off the cursor plane; i915's plane stayed hidden"
                       " and the device agrees (no cursor)", details,
                       todo="weston 10's pixman renderer has no cursor plane (GBM only);"
                       " the pointer is drawn into the primary plane (cursor-on-screen)")
        else:
            tap.result("cursor-plane", False,
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
