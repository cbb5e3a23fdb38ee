#!/usr/bin/env python3
"""Live migration of the vgt test guest (docs/migration.md).

  migrate-test.py [options] QEMU GUEST_DIR INITRD OUT_DIR
    --hostd PATH     vgt-hostd (build/helper/vgt-hostd); without it the hops
                     to vgt-hostd are not run
    --tap FILE       write the TAP result there (also printed)
    --bench FILE     write the figures table there (also printed)
    --machine M      q35 (default) or pc
    --timeout S      hard limit for the whole chain (default 540)
    --gdb            run the destinations under gdb: when one crashes, its
                     backtrace is in OUT/qemu-NAME.log
    --busy           keep every engine busy with vgt-gem-exec --loop across
                     each migration, and report whether every batch completed
                     with the value it stored.  Not the default: QEMU 7.2's
                     TCG corrupts a guest that keeps its CPU busy across a
                     live migration (the kernel oopses on the destination in
                     about one run in four, reproduced with --no-vgt and a
                     shell loop; docs/migration.md).  The device's side of
                     GPU work across a migration is vgt-migration-test's
                     (GPU writes during pre-copy, a workload at the stop).
    --idle           (the default) the guest waits on its console while it
                     migrates; GPU work runs at every step, before the first
                     hop and on each destination
    --no-vgt         mechanics only: no vgt device (QEMU's own migration of
                     the guest, with the same commands; screen and GPU
                     checks are skipped)

One boot of Debian's i915 guest (the boot test's kernel; the initramfs of
mk/migration.mk: /init with vgtguest.migrate=1 and /bin/vgt-gem-exec),
then a chain of live migrations over UNIX sockets, each to a new QEMU with
the same command line plus `-incoming defer`:

  S  (embedded helper)  -> D1 (embedded: the same partition)
  D1                    -> D2 (helper=vgt-hostd: embedded to vgt-hostd)
  D2                    -> D3 (the same vgt-hostd, which still holds D2's
                               instance: a different partition)

Guest RAM is one memfd RAM block (memory-backend-memfd, share=on) on every
QEMU, as vgt-hostd needs.  Before the first hop and after each, the host
tells the guest (on its serial console) "step N": the guest writes a new
line to fbcon, runs vgt-gem-exec (MI_STORE_DWORD_IMM batches on rcs0,
vcs0, bcs0, vecs0, checked by reading the value back) and reports
i915_wedged, new i915 error lines of dmesg, the PVINFO it reads and the MD5
of its framebuffer.  Checked per hop: the migration completed (source
postmigrate, destination running), the destination's screendump equals
the source's last frame, the guest's step passed (new text on the screen
== the guest's framebuffer, GPU work on all four engines, no wedge, no
error), the partition (same / different) while the guest keeps the PVINFO
it booted with, and no guest-error/unimp lines from either QEMU.
Timings are reported, never asserted.  When a hop fails the chain goes on
from the VM that still runs, so every hop says what it can.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import time

TOP = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                   "..", ".."))
sys.path.insert(0, os.path.join(TOP, "scripts", "lib"))
import vgtqmp  # noqa: E402
import vgtppm  # noqa: E402
# The QEMU/guest plumbing, shared with tests/scale/multi-guest-test.py.
from vgtvm import (VM, Fail, BAD_KERNEL, KLINE,  # noqa: E402
                   install_cleanup, start_hostd, parse_step, gem_problems,
                   gem_summary, pvinfo_view, run_and_clean, tap_write)

CMDLINE = ("console=ttyS0,115200 loglevel=8 drm.debug=0x0e log_buf_len=8M "
           "panic=1 vgtguest.migrate=1")


class Ctx:
    def __init__(self, a):
        self.qemu, self.out = os.path.abspath(a.qemu), os.path.abspath(a.out)
        self.kernel = os.path.abspath(os.path.join(a.guest, "kernel", "vmlinuz"))
        self.initrd = os.path.abspath(a.initrd)
        self.machine, self.mem, self.no_vgt = a.machine, "1G", a.no_vgt
        self.append = CMDLINE
        self.hostd = a.hostd and os.path.abspath(a.hostd)
        self.gdb = a.gdb
        self.busy = a.busy and not a.idle and not a.no_vgt
        self.deadline = time.time() + a.timeout
        self.sockdir = tempfile.mkdtemp(prefix="vgt-mig.")
        self.results = []       # (ok, name, why, diag lines) / skip / todo
        self.figures = []       # per hop: dict for the bench table

    def check_deadline(self):
        if time.time() > self.deadline:
            raise Fail("the whole chain's time limit was reached")

    def result(self, ok, name, why, diag=(), skip=None):
        self.results.append((ok, name, why, list(diag), skip))
        mark = "ok" if ok else "not ok"
        print("  %s - %s: %s%s" % (mark, name, why, " # SKIP " + skip if skip else ""),
              file=sys.stderr, flush=True)


# ---- the guest's step report ---------------------------------------------

def do_step(ctx, vm, n, before, label, boot_pvinfo, busy=False, emit=True):
    """Tell the guest "step N" and judge it; returns the step's report.
    @busy: the guest ran vgt-gem-exec --loop across the migration."""
    vm.type("step %d" % n)
    lines = vm.wait_line(r"VGT-GUEST: step-done %d " % n, 240, silence=120)
    with open(os.path.join(ctx.out, "step-%d.txt" % n), "w") as f:
        f.write("\n".join(lines) + "\n")
    r = parse_step(lines, n)
    why, diag = [], []
    if ctx.no_vgt:
        if emit:
            ctx.result(True, label, "the guest obeyed 'step %d' (%s)" % (n, vm.name),
                       skip="--no-vgt: no screen or GPU to check")
        r["ok"], r["why"] = True, "the guest obeyed 'step %d' on %s" % (n, vm.name)
        return r
    # GPU work on every engine.
    why += gem_problems(r)
    lp = r["loop"]
    if busy and not lp:
        why.append("no report of the GPU work that ran across the migration")
    elif busy:
        if int(lp.get("failed", 1)) or not int(lp.get("batches", 0)):
            why.append("work across the migration: " + r["loop_line"])
    if r["wedged"] != "0":
        why.append("i915_wedged=%s" % r["wedged"])
    bad = [l for l in r["mig"] if BAD_KERNEL.search(l)]
    if bad:
        why.append("kernel: " + bad[0] + (" (+%d more)" % (len(bad) - 1) if len(bad) > 1 else ""))
    diag += ["guest dmesg: " + l for l in r["mig"][:10]]
    # The new text is on the screen: the guest's framebuffer is what the
    # device shows, and differs from the screen before the step.
    try:
        w, h, rgb, md5 = vm.screendump("screen-step-%d" % n)
        if r["md5"] != md5:
            why.append("screendump md5 %s != guest fb0 md5 %s" % (md5, r["md5"]))
        if before is not None and rgb == before:
            why.append("the screen did not change (no new text drawn)")
    except (vgtqmp.QMPError, ValueError, OSError) as e:
        why.append("screendump: %s" % e)
    want = "VGT-GUEST MIGRATION STEP %d:" % n
    if not any(want in l for l in r["vcs"]):
        # The console's text comes over the guest's serial line, which
        # has been seen to repeat a character once in a while (CI on
        # 2026-12-07: "VGT--GUEST" in one hop's dump, the same line whole
        # in the next hop's): a repeat is the line's, not the console's.
        # (The screen itself is checked exactly above.)
        def squeeze(t):
            return re.sub(r"(.)\1+", r"\1", t)
        if any(squeeze(want) in squeeze(l) for l in r["vcs"]):
            diag.append("console text has '%s' with a character repeated "
                        "(serial line)" % want)
        else:
            why.append("console text lacks '%s'" % want)
    # The guest keeps the PVINFO (partition view) it booted with.
    if boot_pvinfo and pvinfo_view(r["pvinfo"]) != pvinfo_view(boot_pvinfo):
        why.append("PVINFO changed: %s (booted with %s)" % (r["pvinfo"], boot_pvinfo))
    gem = gem_summary(r)
    across = ""
    if busy and lp:
        across = "%s batches across the migration all done and checked (longest %s us); " % (
            lp.get("batches"), lp.get("max_us"))
    r["ok"] = not why
    r["why"] = "; ".join(why) if why else \
        "%snew text drawn (fb0 md5 %s == screendump), GPU work ok on %s; " \
        "i915_wedged=0, no i915 error" % (across, r["md5"], gem)
    if emit:
        ctx.result(r["ok"], label, r["why"], diag + (["guest: " + (r["pvinfo"] or "no pvinfo")]))
    return r


# ---- one hop -------------------------------------------------------------

def migration_props(vm):
    if vm.ctx.no_vgt or not vm.alive():
        return None
    try:
        return vm.qom("migration")
    except (OSError, ConnectionError, ValueError) as e:
        return {"error": str(e)}


def hop(ctx, k, src, name, helper, kind, before_rgb, boot_pvinfo, hostd_log):
    """Migrate @src to a new QEMU @name; returns (running VM, screen)."""
    fig = {"hop": k, "from": src.name, "to": name, "kind": kind}
    ctx.figures.append(fig)
    label = "hop %d %s->%s (%s)" % (k, src.name, name, kind)
    dst = VM(ctx, name, helper=helper, incoming=True)
    try:
        dst.start()
        caps = [{"capability": c, "state": True} for c in ("events", "return-path")]
        for v in (src, dst):
            v.cmd("migrate-set-capabilities", capabilities=caps)
        # A local socket: no reason to throttle (QEMU 7.2's default is
        # 128 MiB/s); the downtime limit stays QEMU's default (300 ms).
        src.cmd("migrate-set-parameters", **{"max-bandwidth": 8 << 30})
        dst.cmd("migrate-incoming", uri="unix:" + dst.mig_path)
        if ctx.busy:
            # GPU work runs across the migration (drain, dirty pages).
            src.type("busy %d" % k)
            src.wait_line(r"VGT-GUEST: busy-started %d " % k, 60)
            time.sleep(1)
        t0 = time.time()
        src.cmd("migrate", uri="unix:" + dst.mig_path)
        info = {}
        while time.time() - t0 < 180:
            ctx.check_deadline()
            info = src.cmd("query-migrate")
            if info.get("status") in ("completed", "failed", "cancelled"):
                break
            time.sleep(0.05)
        fig["wall_ms"] = int((time.time() - t0) * 1000)
        with open(os.path.join(ctx.out, "query-migrate-%d.json" % k), "w") as f:
            json.dump(info, f, indent=1)
        st = info.get("status")
        if st != "completed":
            err = info.get("error-desc", "")
            time.sleep(0.5)
            raise Fail("migration %s%s; destination: %s" % (
                st or "did not end within 180s", (": " + err) if err else "",
                dst.said() if not dst.alive() else dst.status()))
        for key in ("downtime", "total-time", "setup-time"):
            fig[key] = info.get(key)
        ram = info.get("ram", {})
        fig["ram_mb"] = round(ram.get("transferred", 0) / 2 ** 20, 1)
        # The source stops for good, the destination runs.
        t1 = time.time()
        while time.time() - t1 < 30 and (src.status() != "postmigrate" or
                                         dst.status() != "running"):
            time.sleep(0.1)
        ss, ds = src.status(), dst.status()
        if ss != "postmigrate" or ds != "running":
            raise Fail("source %s, destination %s (want postmigrate, running)" % (ss, ds))
    except (Fail, vgtqmp.QMPError, OSError, ConnectionError) as e:
        ctx.result(False, label + ": migrate", "%s" % e)
        fig["error"] = str(e)
        dst.quit()
        ctx.result(False, label + ": screen", "not run: the migration failed")
        # The source still runs the guest (a failed migration resumes it):
        # whether it really goes on is worth knowing.
        why = "the migration failed"
        if src.alive() and src.status() != "running":
            src.execute("cont")
        try:
            r = do_step(ctx, src, k, before_rgb, "", boot_pvinfo, busy=ctx.busy, emit=False)
            why += "; on the source after it: %s%s" % (
                "" if r["ok"] else "FAILED: ", r["why"])
            before_rgb = screen_after(ctx, src, k) or before_rgb
        except Fail as e2:
            why += "; the source does not go on either: %s" % e2
        ctx.result(False, label + ": guest continues", why)
        for what in ("partition", "clean"):
            ctx.result(False, "%s: %s" % (label, what), "not run: the migration failed")
        return src, before_rgb
    ctx.result(True, label + ": migrate",
               "completed in %s ms, downtime %s ms (QEMU), %s MiB; source postmigrate, "
               "destination running" % (fig["total-time"], fig["downtime"], fig["ram_mb"]))

    # The source's last frame is what the destination shows.
    screen_ok, why = True, ""
    if ctx.no_vgt:
        ctx.result(True, label + ": screen", "", skip="--no-vgt")
    else:
        try:
            sw, sh, srgb, smd5 = src.screendump("screen-hop%d-src-last" % k)
            dw, dh, drgb, dmd5 = dst.screendump("screen-hop%d-dst-first" % k)
            if (sw, sh) != (dw, dh):
                screen_ok, why = False, "source %dx%d, destination %dx%d" % (sw, sh, dw, dh)
            elif srgb != drgb:
                diff = sum(1 for i in range(0, len(srgb), 3) if srgb[i:i + 3] != drgb[i:i + 3])
                screen_ok, why = False, "%d of %d pixels differ (md5 %s vs %s)" % (
                    diff, sw * sh, smd5, dmd5)
            else:
                why = "destination's first screendump == source's last frame (%dx%d, md5 %s)" % (
                    dw, dh, dmd5)
            before_rgb = drgb
        except (vgtqmp.QMPError, ValueError, OSError) as e:
            screen_ok, why = False, "screendump: %s" % e
        ctx.result(screen_ok, label + ": screen", why)

    # The device's own account of the migration.
    ps, pd = migration_props(src), migration_props(dst)
    fig["src_migration"], fig["dst_migration"] = ps, pd
    # The guest goes on on the destination.
    r = do_step(ctx, dst, k, before_rgb, label + ": guest continues", boot_pvinfo,
                busy=ctx.busy)

    # Partition: same (embedded -> embedded), any (-> vgt-hostd), different
    # (a second instance of the same vgt-hostd, which still holds the
    # source's); in every case the guest keeps the view it booted with: the
    # device's "view" and the PVINFO the guest reads are S's partition.
    if ctx.no_vgt:
        ctx.result(True, label + ": partition", "", skip="--no-vgt")
    else:
        part_ok, why = partition_check(ctx, kind, ps, pd, r, helper and hostd_log)
        ctx.result(part_ok, label + ": partition", why)

    # The source is done; neither QEMU logged a guest error or unimp line.
    src.quit()
    # (the source's lines until this hop were judged by the hop before)
    bad = [(v.name, l) for v in (src, dst) for l in v.unimp_lines()[v.unimp_seen:]]
    dst.unimp_seen = len(dst.unimp_lines())
    ctx.result(not bad, label + ": clean",
               "%d guest-error/unimp line(s), first: %s: %s" % (len(bad), bad[0][0], bad[0][1])
               if bad else "no guest-error/unimp line from %s or %s" % (src.name, dst.name),
               ["%s: %s" % b for b in bad[:10]])
    return dst, screen_after(ctx, dst, k) or before_rgb


def screen_after(ctx, vm, n):
    p = os.path.join(ctx.out, "screen-step-%d.ppm" % n)
    try:
        return vgtppm.read_ppm(p)[2]
    except (OSError, ValueError):
        return None


def fmt_part(p):
    return "mappable 0x%x, non-mappable 0x%x" % p if p else "unknown"


def partition_check(ctx, kind, ps, pd, r, hostd_log):
    """The hop's partition check: (ok, why)."""
    boot = ctx.s_part                       # S's partition: the guest's view
    sp, dp, dv = part_of(ps), part_of(pd), part_of(pd, "view")
    src = "device property"
    if dp is None and hostd_log:
        # No "migration" property: vgt-hostd's log of its last instance.
        parts = hostd_parts(hostd_log)
        dp, src = (parts[-1] if parts else None), "vgt-hostd's log"
    why, bad = [], []
    if dp is None:
        bad.append("the destination's partition is unknown ('migration' property: %s)"
                   % json.dumps(pd)[:160])
    elif kind == "same partition":
        if sp is not None and dp != sp:
            bad.append("destination partition (%s) != source's (%s)" % (fmt_part(dp), fmt_part(sp)))
        else:
            why.append("destination partition == source's (%s)" % fmt_part(dp))
    elif kind == "different partition":
        if dp == boot:
            bad.append("destination partition (%s, %s) == S's: the hop did not test a "
                       "different partition" % (fmt_part(dp), src))
        else:
            why.append("destination partition %s (%s) != S's %s" % (fmt_part(dp), src, fmt_part(boot)))
        if isinstance(pd, dict) and "remapped" in pd and pd["remapped"] is not True:
            bad.append("the device does not say remapped (remapped=%s)" % pd["remapped"])
    else:
        why.append("destination partition %s (%s)" % (fmt_part(dp), src))
    if dv is not None and boot is not None and dv != boot:
        bad.append("the device's view (%s) is not S's partition (%s)" % (fmt_part(dv), fmt_part(boot)))
    pv = pvinfo_view(r.get("pvinfo"))
    if pv is None or pv != ctx.boot_view:
        bad.append("the guest reads PVINFO %s, booted with %s" % (
            r.get("pvinfo"), " ".join(ctx.boot_view or ("?",))))
    else:
        why.append("the guest still reads its boot PVINFO (%s)" % " ".join(pv))
    return not bad, "; ".join(bad + why)


def prop(d, name):
    """A field of a QOM struct, spelled with - or _."""
    if not isinstance(d, dict):
        return None
    for k in (name, name.replace("-", "_"), name.replace("_", "-")):
        if k in d:
            return d[k]
    return None


def part_of(props, which="part"):
    """(mappable base, non-mappable base) of the device's 'migration'
    property: the helper's partition ("part") or the guest's ("view")."""
    if not isinstance(props, dict) or "error" in props:
        return None
    p = props.get(which)
    a, b = prop(p, "mappable-base"), prop(p, "nonmappable-base")
    if a is None or b is None:
        return None
    return (int(a), int(b))


def hostd_parts(log):
    """The partitions vgt-hostd --verbose logged at instance creation."""
    try:
        with open(log, errors="replace") as f:
            text = f.read()
    except FileNotFoundError:
        return []
    return [(int(a, 16), int(b, 16)) for a, b in
            re.findall(r"created: mappable (0x[0-9a-f]+)\+\d+ MiB, non-mappable (0x[0-9a-f]+)", text)]


# ---- the chain -------------------------------------------------------------

def chain(ctx):
    hostd_sock = hostd_log = None
    if ctx.hostd and not ctx.no_vgt:
        hostd_sock = os.path.join(ctx.sockdir, "hostd.sock")
        hostd_log = os.path.join(ctx.out, "vgt-hostd.log")
        if not start_hostd(ctx.hostd, hostd_sock, hostd_log):
            hostd_sock = None

    # Boot S and judge the boot as far as this test needs it.
    s = VM(ctx, "S")
    t0 = time.time()
    s.start()
    s.cmd("cont")
    lines = s.wait_line(r"VGT-GUEST: (migrate-ready|done|poweroff)", 300, silence=60)
    with open(os.path.join(ctx.out, "boot.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    boot_s = time.time() - t0
    ready = [l for l in lines if "VGT-GUEST: screen-ready" in l]
    if not any("migrate-ready" in l for l in lines):
        raise Fail("the guest did not reach migrate-ready: %s" % lines[-1])
    before = None
    if ctx.no_vgt:
        ctx.result(True, "boot S", "guest up in %.0fs" % boot_s, skip="--no-vgt")
    else:
        why, ok = "", False
        m = re.search(r"md5=([0-9a-f]+)", ready[0]) if ready else None
        kern = [l for l in lines if KLINE.match(l) and BAD_KERNEL.search(l)]
        wedged = [l for l in lines if "VGT-GUEST: i915_wedged=" in l]
        try:
            w, h, before, md5 = s.screendump("screen-boot")
            if not m:
                why = "no screen-ready (fb0 not up): %s" % (
                    [l for l in lines if "fb0" in l][-1:] or ["?"])[0]
            elif md5 != m[1]:
                why = "screendump md5 %s != guest fb0 md5 %s" % (md5, m[1])
            elif kern:
                why = "kernel: %s" % kern[0]
            elif wedged != ["VGT-GUEST: i915_wedged=0"]:
                why = "%s" % (wedged or ["no i915_wedged"])[0]
            else:
                ok, why = True, "i915 up, fbcon drawn, screendump == guest fb0 (md5 %s, %dx%d), " \
                    "guest up in %.0fs" % (md5, w, h, boot_s)
        except (vgtqmp.QMPError, ValueError, OSError) as e:
            why = "screendump: %s" % e
        ctx.result(ok, "boot S (embedded helper): i915 and fbcon up", why)
    r0 = do_step(ctx, s, 0, before, "step 0 on S, before any migration", None)
    boot_pvinfo = r0["pvinfo"] if pvinfo_view(r0["pvinfo"]) else None
    pv = ctx.boot_view = pvinfo_view(boot_pvinfo)
    ctx.s_part = (int(pv[0].split("+")[0], 16), int(pv[1].split("+")[0], 16)) if pv else None
    if not ctx.no_vgt:
        ps = migration_props(s)
        if part_of(ps) is not None:
            ctx.s_part = part_of(ps)
    before = screen_after(ctx, s, 0) or before

    cur = s
    hops = [("D1", None, "same partition"),
            ("D2", hostd_sock, "embedded to vgt-hostd"),
            ("D3", hostd_sock, "different partition")]
    for k, (name, helper, kind) in enumerate(hops, 1):
        if helper is None and name != "D1" and not ctx.no_vgt:
            for what in ("migrate", "screen", "guest continues", "partition", "clean"):
                ctx.result(False, "hop %d %s->%s (%s): %s" % (k, cur.name, name, kind, what),
                           "not run", skip="no vgt-hostd" if ctx.no_vgt or not ctx.hostd else None)
            continue
        cur, before = hop(ctx, k, cur, name, helper, kind, before, boot_pvinfo, hostd_log)

    # The end: the guest powers off on "done".
    cur.type("done")
    ok, why = True, ""
    try:
        cur.wait_line(r"VGT-GUEST: poweroff", 60)
        cur.proc.wait(30)
        why = "the guest powered off on %s" % cur.name
    except (Fail, subprocess.TimeoutExpired) as e:
        ok, why = False, "%s" % e
    bad = cur.unimp_lines()[cur.unimp_seen:]
    if bad:
        ok, why = False, "%d guest-error/unimp line(s) on %s, first: %s" % (len(bad), cur.name, bad[0])
    ctx.result(ok, "end: poweroff, no guest error", why)


HOP_TESTS = ("migrate", "screen", "guest continues", "partition", "clean")


def complete_plan(ctx):
    """Every test of the chain is reported, also when the chain stopped
    early: the ones it did not reach are "not ok ... not run"."""
    names = [r[1] for r in ctx.results]
    want = [("boot S", "boot S (embedded helper): i915 and fbcon up"),
            ("step 0 on S", "step 0 on S, before any migration")]
    for k, (name, kind) in enumerate((("D1", "same partition"),
                                      ("D2", "embedded to vgt-hostd"),
                                      ("D3", "different partition")), 1):
        for what in HOP_TESTS:
            want.append(("hop %d " % k, "hop %d ->%s (%s): %s" % (k, name, kind, what), what))
    want.append(("end:", "end: poweroff, no guest error"))
    for w in want:
        prefix, label = w[0], w[1]
        if any(n.startswith(prefix) and (len(w) < 3 or n.endswith(": " + w[2])) for n in names):
            continue
        ctx.results.append((False, label, "not run: the chain stopped before it", [], None))


def write_tap(ctx, path):
    complete_plan(ctx)
    return tap_write(ctx.results, path)


def fmt_ns(v):
    return "%.1f" % (v / 1e6) if isinstance(v, (int, float)) else "-"


def write_bench(ctx, path):
    rows = ["vgt live migration of the i915 guest (1 GiB RAM, TCG, UNIX socket):",
            "%-34s %9s %9s %8s %8s %8s %8s %8s %6s" % (
                "hop", "total ms", "down ms", "drain", "save", "load", "vGPU ms", "RAM MiB",
                "remap")]
    worst = None
    for f in ctx.figures:
        ps = f.get("src_migration") or {}
        pd = f.get("dst_migration") or {}
        drain, save, load = prop(ps, "drain-ns"), prop(ps, "save-ns"), prop(pd, "load-ns")
        vgpu = None
        if all(isinstance(x, (int, float)) for x in (drain, save, load)):
            vgpu = (drain + save + load) / 1e6
            worst = max(worst or 0, vgpu)
        name = "%d %s->%s (%s)" % (f["hop"], f["from"], f["to"], f["kind"])
        if "error" in f:
            rows.append("%-34s failed: %s" % (name, f["error"][:120]))
            continue
        remap = prop(pd, "remapped")
        rows.append("%-34s %9s %9s %8s %8s %8s %8s %8s %6s" % (
            name, f.get("total-time", "-"), f.get("downtime", "-"), fmt_ns(drain),
            fmt_ns(save), fmt_ns(load), "%.1f" % vgpu if vgpu is not None else "-",
            f.get("ram_mb", "-"), "-" if remap is None else ("yes" if remap else "no")))
    rows.append("(total/down: QEMU's query-migrate total-time and downtime; drain, save "
                "(source) and load (destination): the device's 'migration' property, ms)")
    if worst is None:
        rows.append("vGPU downtime: not reported (no 'migration' property on the device)")
    else:
        rows.append("vGPU downtime, worst hop: %.1f ms (goal <= 50 ms: %s)"
                    % (worst, "met" if worst <= 50 else "NOT met"))
    text = "\n".join(rows) + "\n"
    if path:
        with open(path, "w") as f:
            f.write(text)
    sys.stdout.write(text)


def main(argv):
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("qemu")
    ap.add_argument("guest")
    ap.add_argument("initrd")
    ap.add_argument("out")
    ap.add_argument("--hostd")
    ap.add_argument("--tap")
    ap.add_argument("--bench")
    ap.add_argument("--machine", default="q35")
    ap.add_argument("--timeout", type=float, default=540)
    ap.add_argument("--no-vgt", action="store_true")
    ap.add_argument("--gdb", action="store_true")
    ap.add_argument("--idle", action="store_true")
    ap.add_argument("--busy", action="store_true")
    a = ap.parse_args(argv[1:])
    os.makedirs(a.out, exist_ok=True)
    for f in os.listdir(a.out):
        if re.match(r"(serial|unimp|qemu|events|command)-|screen-|step-|query-migrate-|boot\.txt|vgt-hostd\.log", f):
            os.unlink(os.path.join(a.out, f))
    install_cleanup()
    ctx = Ctx(a)
    ctx.s_part = ctx.boot_view = None
    t0 = time.time()
    run_and_clean(ctx, lambda: chain(ctx), "chain")
    with open(os.path.join(a.out, "figures.json"), "w") as f:
        json.dump(ctx.figures, f, indent=1, default=str)
    print("# chain took %.0fs; files in %s" % (time.time() - t0, a.out))
    failed = write_tap(ctx, a.tap)
    if a.bench:
        write_bench(ctx, a.bench)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
