#!/usr/bin/env python3
"""Several Debian i915 guests at once on one vgt-hostd (docs/guest.md,
"Several guests on one vgt-hostd").

  multi-guest-test.py [options] QEMU GUEST_DIR INITRD OUT_DIR --hostd PATH
    --guests N     how many guests boot at once (default 4)
    --props P      more vgt device properties for every guest, e.g.
                   "high_gm_sz=256" (experiments only; the default is none:
                   every guest at the device's default partition)
    --tap FILE     write the TAP result there (also printed)
    --machine M    q35 (default) or pc
    --timeout S    hard limit for the whole test (default 900)
    --no-gem       do not run vgt-gem-exec in the guests

One vgt-hostd; N QEMUs (TCG, 1 GiB memfd RAM, -device vgt,helper=<its
socket>, no display) started together, each booting the guest of the boot
test (Debian's 6.1 kernel and its own i915; the initramfs of
mk/migration.mk, which has /bin/vgt-gem-exec) with its own identity on the
kernel command line: vgtguest.name=vmK vgtguest.color=RRGGBB.  /init
(scripts/guest/init.sh) writes "VGT-GUEST NAME: this is guest vmK" on
fbcon and fills rows [h*3/4, h*3/4 + h/8) of fb0 with the guest's colour;
with vgtguest.migrate=1 it then waits for commands on its console.

Checked per guest: the boot judge's steps (tests/guest/boot-steps.py on the
guest's own log: i915 bound in vGPU mode, ballooned to the device's
partition, rings, not wedged, DP monitor, modeset, fbcon on i915drmfb,
screendump == the guest's framebuffer, no kernel warning, no unimp line);
its screendump shows its own band and name and no other guest's colour;
then "step 1" is typed into every guest at once: vgt-gem-exec runs on all
four engines in all guests at the same time, each checked; then every
guest powers off, and vgt-hostd, which served every instance, shuts down
cleanly.  Across guests: every screen is non-blank and all are distinct,
and each guest has its own vGPU instance (vgt_id).  Timings are printed,
never asserted.
"""
import importlib.util
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time

TOP = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                   "..", ".."))
sys.path.insert(0, os.path.join(TOP, "scripts", "lib"))
import vgtqmp  # noqa: E402
from vgtvm import (VM, Fail, BAD_KERNEL, install_cleanup,  # noqa: E402
                   run_and_clean, tap_write,
                   start_hostd, parse_step, gem_problems, gem_summary,
                   pvinfo_view)


def load_judge():
    """tests/guest/boot-steps.py, the boot test's judge, as a module."""
    path = os.path.join(TOP, "tests", "guest", "boot-steps.py")
    spec = importlib.util.spec_from_file_location("boot_steps", path)
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    return m


JUDGE = load_judge()
# Every step of the boot judge but the VGA boot screen (a screendump the
# moment /init starts: the boot test's, not repeated here).
BOOT_STEPS = [s for s, _ in JUDGE.STEPS if s != "vga-boot-screen"]

CMDLINE = ("console=ttyS0,115200 loglevel=8 drm.debug=0x0e log_buf_len=8M "
           "panic=1 vgtguest.migrate=1")
VGT_PROPS = ("low_gm_sz", "high_gm_sz", "fence_sz", "xres", "yres")
# The guests' colours: none is in fbcon's palette.
COLOURS = ("d02040", "20b050", "3050e0", "e0a010", "a040c0", "10b0b0",
           "806020", "f06090")


def colour(k):
    """The colour of guest k (1-based), RRGGBB; distinct for any k."""
    if k <= len(COLOURS):
        return COLOURS[k - 1]
    return "%02x%02x%02x" % (40 + (k * 37) % 200, 30 + (k * 71) % 200, 20 + (k * 113) % 200)


def band(h):
    """The rows init.sh fills with the guest's colour: (first, count)."""
    return h * 3 // 4, h // 8


class Ctx:
    def __init__(self, a):
        self.qemu, self.out = os.path.abspath(a.qemu), os.path.abspath(a.out)
        self.kernel = os.path.abspath(os.path.join(a.guest, "kernel", "vmlinuz"))
        self.initrd = os.path.abspath(a.initrd)
        self.machine, self.mem, self.no_vgt, self.gdb = a.machine, "1G", False, False
        self.append = CMDLINE
        self.hostd = os.path.abspath(a.hostd)
        self.deadline = time.time() + a.timeout
        self.sockdir = tempfile.mkdtemp(prefix="vgt-multi.")
        self.results = []

    def check_deadline(self):
        if time.time() > self.deadline:
            raise Fail("the whole test's time limit was reached")

    def result(self, ok, name, why, diag=()):
        self.results.append((ok, name, why, list(diag)))
        print("  %s - %s: %s" % ("ok" if ok else "not ok", name, why),
              file=sys.stderr, flush=True)


class Guest:
    """One guest: its VM, what it reported, what was checked."""

    def __init__(self, ctx, k, sock, props):
        self.k, self.name, self.colour = k, "vm%d" % k, colour(k)
        self.dir = os.path.join(ctx.out, self.name)
        self.vm = VM(ctx, self.name, helper=sock, props=props, logdir=self.dir,
                     console="pipe",
                     append=CMDLINE + " vgtguest.name=%s vgtguest.color=%s"
                     % (self.name, self.colour))
        self.error = None       # why this guest is out of the test
        self.error_told = False
        self.up_s = None        # seconds from cont to migrate-ready
        self.rgb = self.size = None
        self.step = None        # its "step 1" report

    def tail(self):
        return ["serial| " + l for l in self.vm.tail(8)]

    def out(self, why):
        """Take the guest out of the test; later checks say why."""
        if not self.error:
            self.error = why

    def gone(self):
        """Why a check of this guest failed without running: the whole
        reason the first time, then a reminder."""
        if self.error_told:
            return "not run: %s is out of the test since: %s" % (
                self.name, self.error[:160] + ("..." if len(self.error) > 160 else ""))
        self.error_told = True
        return self.error

    def fail(self, ctx, label):
        """The check @label fails because the guest is out of the test."""
        diag = [] if self.error_told else self.tail()
        ctx.result(False, label, self.gone(), diag)


def wait_all(guests, pattern, timeout, silence):
    """Wait for @pattern on every running guest at once (one thread each);
    returns {guest: lines}; a guest that fails is taken out (Guest.out)."""
    got, t0 = {}, time.time()

    def one(g):
        try:
            got[g] = g.vm.wait_line(pattern, timeout, silence)
            g.t_done = time.time() - t0
        except Fail as e:
            g.out(str(e))
    threads = [threading.Thread(target=one, args=(g,), daemon=True)
               for g in guests if not g.error]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return got


def write_host_side(g):
    """What the boot judge reads from the host: the device's properties
    (vgt-props.txt) and the screendump (screendump.txt)."""
    with open(os.path.join(g.dir, "vgt-props.txt"), "w") as f:
        for p in VGT_PROPS:
            v = g.vm.qom(p)
            if not isinstance(v, dict):
                f.write("%s=%s\n" % (p, v))
    try:
        w, h, rgb, md5 = g.vm.screendump("screen")
        g.rgb, g.size = rgb, (w, h)
        colours = len(set(rgb[i:i + 3] for i in range(0, len(rgb), 3 * 7)))
        line = "ok w=%d h=%d md5=%s colours=%d" % (w, h, md5, colours)
    except (vgtqmp.QMPError, ValueError, OSError, ConnectionError) as e:
        line = "error: %s" % e
    with open(os.path.join(g.dir, "screendump.txt"), "w") as f:
        f.write(line + "\n")


def judge_boot(ctx, g):
    """The boot judge of the boot test on this guest's log and screendump."""
    label = "%s: i915 up in vGPU mode, fbcon on i915drmfb" % g.name
    res, bad = None, []
    if os.path.exists(g.vm.serial) and os.path.getsize(g.vm.serial):
        res = JUDGE.evaluate(JUDGE.Run(g.dir))
        with open(os.path.join(g.dir, "steps.txt"), "w") as f:
            for s in BOOT_STEPS:
                f.write("%s %s %s\n" % (s, "pass" if res[s][0] else "fail", res[s][1]))
        bad = [s for s in BOOT_STEPS if not res[s][0]]
    judged = ["%s: %s" % (s, res[s][1]) for s in bad]
    if g.error:
        # Out of the test (QEMU did not start, died, or the guest never
        # reached its console loop): why, and where its bring-up stopped.
        diag = [] if g.error_told else g.tail()
        why = g.gone()
        if bad:
            why += "; boot judge: %s failed" % ", ".join(bad)
        ctx.result(False, label, why, judged + diag)
    elif bad:
        ctx.result(False, label, "boot judge: %s failed: %s" % (
            ", ".join(bad), "; ".join(judged[:3])), judged + g.tail())
    else:
        ctx.result(True, label, "all %d boot-judge steps pass (%s; %s; up in %.0fs)" % (
            len(BOOT_STEPS), res["ballooned"][1], res["fbcon"][1], g.up_s or 0))


def count(rgb, px):
    n, i = 0, rgb.find(px)
    while i >= 0:
        if i % 3 == 0:
            n += 1
        i = rgb.find(px, i + 1)
    return n


def check_own_screen(ctx, guests, g, lines):
    """Its screendump shows its band and its name, and nothing of another
    guest."""
    label = "%s: its screen shows its own mark (band %s, name), no other guest's" % (
        g.name, g.colour)
    if g.error:
        g.fail(ctx, label)
        return
    if g.rgb is None:
        ctx.result(False, label, "no screendump", g.tail())
        return
    why = []
    w, h = g.size
    rgb = g.rgb
    y0, n = band(h)
    own = bytes.fromhex(g.colour)
    mark = [l for l in lines if "VGT-GUEST: mark " in l]
    want = "mark name=%s color=%s rows=%d+%d" % (g.name, g.colour, y0, n)
    if not mark or want not in mark[-1]:
        why.append("the guest did not report '%s' (got: %s)" % (want, mark[-1] if mark else "none"))
    seg = rgb[y0 * w * 3:(y0 + n) * w * 3]
    off = len(seg) // 3 - count(seg, own)
    if off:
        why.append("%d of %d pixels of rows %d..%d are not %s" % (off, w * n, y0, y0 + n - 1, g.colour))
    others = []
    for o in guests:
        if o is not g:
            c = count(rgb, bytes.fromhex(o.colour))
            if c:
                others.append("%d pixel(s) of %s's colour %s" % (c, o.name, o.colour))
    why += others
    vcs = " ".join(l.split("vcs| ", 1)[1] for l in lines if "VGT-GUEST: vcs| " in l)
    if "VGT-GUEST NAME: this is guest %s" % g.name not in vcs:
        why.append("its console text (/dev/vcs1) lacks 'VGT-GUEST NAME: this is guest %s'" % g.name)
    for o in guests:
        if o is not g and re.search(r"this is guest %s\b" % o.name, vcs):
            why.append("its console text names %s" % o.name)
    ready = [l for l in lines if "VGT-GUEST: screen-ready" in l]
    m = re.search(r"md5=([0-9a-f]+)", ready[-1]) if ready else None
    sd = open(os.path.join(g.dir, "screendump.txt")).read()
    if not m or ("md5=%s " % m[1]) not in sd:
        why.append("screendump (%s) != the guest's fb0 (%s)" % (
            sd.strip(), m[1] if m else "no screen-ready"))
    ctx.result(not why, label, "; ".join(why) if why else
               "rows %d..%d all %s, 'this is guest %s' on the console, no other guest's "
               "colour, screendump == its fb0 (md5 %s)" % (y0, y0 + n - 1, g.colour, g.name, m[1]),
               g.tail() if why else [])


def check_distinct(ctx, guests):
    label = "all %d screens non-blank and distinct" % len(guests)
    shot = [g for g in guests if g.rgb is not None]
    why = ["%s: no screendump" % g.name for g in guests if g.rgb is None]
    for g in shot:
        if len(set(g.rgb[i:i + 3] for i in range(0, len(g.rgb), 3 * 7))) < 2:
            why.append("%s's screen is one colour" % g.name)
    for i, a in enumerate(shot):
        for b in shot[i + 1:]:
            if a.rgb == b.rgb:
                why.append("%s and %s show the same picture" % (a.name, b.name))
    ctx.result(not why, label, "; ".join(why) if why else
               "%d screendumps, each of several colours, no two alike" % len(shot))


def check_step(ctx, g, lines):
    """The guest's GPU work, run while every other guest ran its own."""
    label = "%s: GPU work on rcs0, vcs0, bcs0, vecs0 while the others work" % g.name
    if g.error:
        g.fail(ctx, label)
        return
    r = g.step = parse_step(lines, 1)
    with open(os.path.join(g.dir, "step-1.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    why = gem_problems(r)
    if r["wedged"] != "0":
        why.append("i915_wedged=%s" % r["wedged"])
    bad = [l for l in r["mig"] if BAD_KERNEL.search(l)]
    if bad:
        why.append("kernel: %s%s" % (bad[0], " (+%d more)" % (len(bad) - 1) if len(bad) > 1 else ""))
    try:
        w, h, rgb, md5 = g.vm.screendump("screen-step-1")
        if md5 != r["md5"]:
            why.append("screendump md5 %s != the guest's fb0 md5 %s" % (md5, r["md5"]))
        y0, n = band(h)
        seg = rgb[y0 * w * 3:(y0 + n) * w * 3]
        if count(seg, bytes.fromhex(g.colour)) != w * n:
            why.append("its band (rows %d..%d, %s) is no longer whole" % (y0, y0 + n - 1, g.colour))
    except (vgtqmp.QMPError, ValueError, OSError, ConnectionError) as e:
        why.append("screendump: %s" % e)
    if not pvinfo_view(r["pvinfo"]):
        why.append("no PVINFO report (%s)" % r["pvinfo"])
    ctx.result(not why, label, "; ".join(why) if why else
               "%s; i915_wedged=0, no i915 error, screendump == its fb0; %s" % (
                   gem_summary(r), r["pvinfo"]),
               ["guest dmesg: " + l for l in r["mig"][:10]] + (g.tail() if why else []))


def check_instances(ctx, guests, hostd_log, gem):
    """Each guest is its own vGPU instance of the one vgt-hostd."""
    label = "%d guests, %d vGPU instances of one vgt-hostd" % (len(guests), len(guests))
    text = read(hostd_log)
    created = re.findall(r"client (\d+) \(pid (\d+)\): instance (\S+) created", text)
    pids = {str(g.vm.proc.pid) for g in guests if g.vm.proc}
    why = []
    mine = [c for c in created if c[1] in pids]
    if len(mine) != len(guests):
        why.append("vgt-hostd created %d instance(s) for our %d QEMUs%s" % (
            len(mine), len(guests), "".join(
                "; it said: " + l for l in text.splitlines()
                if re.search(r"cannot|refus|error|fail", l, re.I))[:300]))
    ids = {}
    if gem:
        for g in guests:
            m = re.search(r"vgt_id=(\d+)", (g.step or {}).get("pvinfo") or "")
            if not m:
                why.append("%s: no vgt_id in its PVINFO" % g.name)
            else:
                ids.setdefault(m[1], []).append(g.name)
        for i, names in ids.items():
            if len(names) > 1:
                why.append("%s read the same vgt_id %s" % (" and ".join(names), i))
    ctx.result(not why, label, "; ".join(why) if why else
               "vgt-hostd created %s%s" % (", ".join(c[2] for c in mine),
                                           "; the guests read vgt_id %s" % ", ".join(sorted(ids))
                                           if ids else ""))


def read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return ""


def check_poweroff(ctx, g):
    label = "%s: powers off, QEMU exits 0, no guest-error/unimp line" % g.name
    why = []
    if g.error or g.vm.proc is None:
        g.fail(ctx, label)
        return
    try:
        rc = g.vm.proc.wait(60)
    except subprocess.TimeoutExpired:
        rc = None
        why.append("QEMU still runs 60s after 'done'")
    if rc not in (0, None):
        why.append("QEMU exited %s: %s" % (rc, g.vm.said()))
    try:
        g.vm.qmp.poll_events()      # QEMU's last events (SHUTDOWN) to the file
    except (ConnectionError, OSError, ValueError, AttributeError):
        pass
    shut = [json.loads(l) for l in read(g.vm.events).splitlines()
            if '"SHUTDOWN"' in l]
    reason = shut[-1].get("data", {}).get("reason") if shut else None
    if reason != "guest-shutdown":
        why.append("QEMU's SHUTDOWN reason: %s" % (reason or "no SHUTDOWN event"))
    un = g.vm.unimp_lines()
    if un:
        why.append("%d guest-error/unimp line(s), first: %s" % (len(un), un[0]))
    if not why and not re.search(r"VGT-GUEST: poweroff", "\n".join(g.vm.tail(4))):
        why.append("the guest did not say poweroff")
    ctx.result(not why, label, "; ".join(why) if why else
               "the guest powered off (SHUTDOWN guest-shutdown), QEMU exited 0, empty unimp log",
               g.tail() if why else [])


def stop_hostd(ctx, hostd, log, guests):
    label = "vgt-hostd: every instance destroyed, SIGTERM, exits 0"
    if hostd is None:
        ctx.result(False, label, "vgt-hostd did not start: %s" % read(log).strip()[-300:])
        return
    why = []
    # Every QEMU is gone by now (the test ended them if the guest did not).
    for g in guests:
        if g.vm.alive():
            g.vm.quit()
    time.sleep(0.5)
    if hostd.poll() is not None:
        why.append("vgt-hostd died before the end (status %s)" % hostd.returncode)
    else:
        hostd.send_signal(signal.SIGTERM)
        try:
            hostd.wait(20)
        except subprocess.TimeoutExpired:
            why.append("vgt-hostd still runs 20s after SIGTERM")
            hostd.kill()
            hostd.wait()
    text = read(log)
    created = len(re.findall(r"instance \S+ created", text))
    destroyed = len(re.findall(r"gone: .*instance destroyed", text))
    if hostd.returncode != 0:
        why.append("exit status %s" % hostd.returncode)
    if destroyed != created:
        why.append("%d instance(s) created, %d destroyed" % (created, destroyed))
    if "vgt-hostd: stopped" not in text:
        why.append("no 'vgt-hostd: stopped' in its log")
    ctx.result(not why, label, "; ".join(why) if why else
               "%d instance(s) created and destroyed, stopped on SIGTERM with status 0" % created,
               text.strip().splitlines()[-6:] if why else [])


def run(ctx, a):
    n = a.guests
    sock = os.path.join(ctx.sockdir, "hostd.sock")
    hostd_log = os.path.join(ctx.out, "vgt-hostd.log")
    hostd = start_hostd(ctx.hostd, sock, hostd_log)
    guests = [Guest(ctx, k, sock, a.props) for k in range(1, n + 1)]
    if hostd is None:
        for g in guests:
            g.out("vgt-hostd did not start: %s" % read(hostd_log).strip()[-300:])
        return guests, None, hostd_log
    # Start every QEMU (stopped), then let them all run at once.
    for g in guests:
        try:
            g.vm.start()
        except Fail as e:
            g.out("QEMU did not start: %s" % e)
    t0 = time.time()
    for g in guests:
        if not g.error:
            try:
                g.vm.cmd("cont")
            except (vgtqmp.QMPError, OSError, ConnectionError) as e:
                g.out("cont: %s" % e)
    print("# %d guests started on one vgt-hostd" % sum(1 for g in guests if not g.error),
          file=sys.stderr, flush=True)
    boot = wait_all(guests, r"VGT-GUEST: (migrate-ready|done|poweroff)", 600, 120)
    ctx.boot_s = time.time() - t0
    for g in guests:
        lines = boot.get(g, [])
        with open(os.path.join(g.dir, "boot.txt"), "w") as f:
            f.write("\n".join(lines) + "\n")
        if not g.error:
            g.up_s = g.t_done
            if not any("migrate-ready" in l for l in lines):
                g.out("%s: the guest did not reach migrate-ready: %s" % (
                    g.name, lines[-1] if lines else "-"))
        if g.vm.alive():
            write_host_side(g)
    for g in guests:
        judge_boot(ctx, g)
    for g in guests:
        check_own_screen(ctx, guests, g, boot.get(g, []))
    check_distinct(ctx, guests)

    # GPU work in every guest at the same time.
    ctx.gem_s = None
    if not a.no_gem:
        t1 = time.time()
        for g in guests:
            if not g.error:
                g.vm.type("step 1")
        steps = wait_all(guests, r"VGT-GUEST: step-done 1 ", 300, 150)
        ctx.gem_s = time.time() - t1
        for g in guests:
            check_step(ctx, g, steps.get(g, []))
    check_instances(ctx, guests, hostd_log, not a.no_gem)
    # For the record (CI's memory): each QEMU's peak resident set so far.
    for g in guests:
        m = re.search(r"VmHWM:\s+(\d+) kB", read("/proc/%d/status" % g.vm.proc.pid)
                      if g.vm.alive() else "")
        g.hwm_mb = int(m[1]) // 1024 if m else None
        # and what the helper's scheduler counted for it (docs/scale.md)
        g.sched = g.vm.qom("sched") if g.vm.alive() else {}

    # Every guest powers off; then vgt-hostd.
    for g in guests:
        if g.vm.alive():
            try:
                g.vm.type("done")
            except OSError as e:
                g.out("typing 'done': %s" % e)
    for g in guests:
        check_poweroff(ctx, g)
    stop_hostd(ctx, hostd, hostd_log, guests)
    return guests, hostd, hostd_log


def plan(n, gem):
    """Every test's name, in order (those not reached are 'not run')."""
    names = []
    for k in range(1, n + 1):
        names.append("vm%d: i915 up in vGPU mode" % k)
    for k in range(1, n + 1):
        names.append("vm%d: its screen shows its own mark" % k)
    names.append("all %d screens" % n)
    if gem:
        for k in range(1, n + 1):
            names.append("vm%d: GPU work" % k)
    names.append("%d guests, %d vGPU instances" % (n, n))
    for k in range(1, n + 1):
        names.append("vm%d: powers off" % k)
    names.append("vgt-hostd: every instance destroyed")
    return names


def write_tap(ctx, path, n, gem, summary):
    for p in plan(n, gem):
        if not any(r[1].startswith(p) for r in ctx.results):
            ctx.results.append((False, p, "not run: the test stopped before it", []))
    return tap_write(ctx.results, path, summary)


def main(argv):
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("qemu")
    ap.add_argument("guest")
    ap.add_argument("initrd")
    ap.add_argument("out")
    ap.add_argument("--hostd", required=True)
    ap.add_argument("--guests", type=int, default=4)
    ap.add_argument("--props", default="")
    ap.add_argument("--tap")
    ap.add_argument("--machine", default="q35")
    ap.add_argument("--timeout", type=float, default=900)
    ap.add_argument("--no-gem", action="store_true")
    a = ap.parse_args(argv[1:])
    os.makedirs(a.out, exist_ok=True)
    for f in os.listdir(a.out):
        p = os.path.join(a.out, f)
        if re.match(r"vm\d+$", f) and os.path.isdir(p):
            for x in os.listdir(p):
                os.unlink(os.path.join(p, x))
        elif f == "vgt-hostd.log":
            os.unlink(p)
    install_cleanup()
    ctx = Ctx(a)
    ctx.boot_s = ctx.gem_s = None
    t0 = time.time()
    done = run_and_clean(ctx, lambda: run(ctx, a), "test")
    guests = done[0] if done else []
    wall = time.time() - t0
    ups = ["%s %.0fs" % (g.name, g.up_s) for g in guests if g.up_s is not None]
    hwm = [g.hwm_mb for g in guests if getattr(g, "hwm_mb", None)]
    summary = ["%d guests at once on one vgt-hostd (%s): wall time %.0fs; "
               "%d of them up (migrate-ready) after %s; GPU work in all at once %s"
               % (a.guests, "partition: " + a.props if a.props else "default partition",
                  wall, len(ups), "%.0fs" % ctx.boot_s if ups else "-",
                  "%.0fs" % ctx.gem_s if ctx.gem_s and ups else "-"),
               "up per guest: %s; QEMU peak RSS %s MiB (sum %d MiB); load average at the end: %s"
               % (", ".join(ups) or "-", "/".join(map(str, hwm)) or "-", sum(hwm),
                  " ".join(read("/proc/loadavg").split()[:3])),
               "helper per guest: %s" % ("; ".join(
                   "%s %s workloads, %s context switches, %s GTT swaps of %s "
                   "entries each, %.0f us each"
                   % (g.name, st.get("completed", "-"), st.get("switches", "-"),
                      st.get("gtt-swaps", "-"),
                      st["gtt-swap-entries"] // max(1, st["gtt-swaps"])
                      if "gtt-swap-entries" in st else "-",
                      st.get("gtt-swap-ns", 0) / 1e3 / max(1, st.get("gtt-swaps", 0)))
                   for g in guests for st in [getattr(g, "sched", None) or {}]) or "-"),
               "files in %s" % a.out]
    failed = write_tap(ctx, a.tap, a.guests, not a.no_gem, summary)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
