#!/usr/bin/env python3
"""The report of `make bench` (docs/bench.md).

Reads what each benchmark printed (BENCH_DIR/<name>.txt, mk/bench.mk),
prints one table of every figure next to what it is measured against (the
direct path, memcpy, the in-process path) and the issue's goal, appends the
run to BENCH_DIR/history.tsv, and writes BENCH_DIR/report.md with the
machine, the method, the spread over the last runs and plots drawn by
gnuplot (ratios.png, guest-nop.png; scale.png is bench-scale's own).

usage: bench-report.py BENCH_DIR [--no-history] [--no-plots]
Exit status 0 whatever the figures say: a benchmark measures, it does not
judge (tests never assert timings); 2 on bad usage.
"""

import os
import platform
import re
import subprocess
import sys
import time

HISTORY_KEEP = 5        # runs shown in the spread column


class Figure:
    """One measured figure, against a reference and a goal."""

    def __init__(self, key, what, value, unit, ref_what=None, ref=None,
                 goal=None, goal_kind=">=", ratio=None, note="", rng=None):
        self.key = key
        self.what = what
        self.value = value
        self.unit = unit
        self.ref_what = ref_what
        self.ref = ref
        if ratio is None and ref:
            ratio = value / ref
        self.ratio = ratio
        self.goal = goal
        self.goal_kind = goal_kind
        self.note = note
        self.rng = rng          # (lowest, highest) ratio of the run's rounds

    def status(self):
        if self.goal is None or self.ratio is None:
            return "-"
        ok = (self.ratio >= self.goal if self.goal_kind == ">="
              else self.ratio <= self.goal)
        return "met" if ok else "NOT met"


def num(s):
    return float(s.replace(",", ""))


def read(bench_dir, name):
    try:
        with open(os.path.join(bench_dir, name + ".txt")) as f:
            return f.read()
    except OSError:
        return ""


def fmt(v, unit):
    if v is None:
        return "-"
    if unit in ("/s", "B/s") and v >= 1e9:
        return "%.2f G%s" % (v / 1e9, unit)
    if unit in ("/s", "B/s") and v >= 1e6:
        return "%.2f M%s" % (v / 1e6, unit)
    if unit in ("/s", "B/s") and v >= 1e4:
        return "%.1f k%s" % (v / 1e3, unit)
    if v >= 100:
        return "%.0f %s" % (v, unit)
    return "%.3g %s" % (v, unit)


def parse(bench_dir):
    """Every figure the benchmarks' outputs hold, in report order."""
    figs = []

    t = read(bench_dir, "helper-cs")
    m = re.search(r"^\s+workloads\s+([\d.]+)/s\s+([\d.]+)/s\s+([\d.]+)/s",
                  t, re.M)
    r = re.search(r"^\s+ratio\s+1\.00x\s+([\d.]+)x\s+([\d.]+)x", t, re.M)
    g = re.search(r"^\s+range\s+([\d.]+)-([\d.]+)x\s+([\d.]+)-([\d.]+)x",
                  t, re.M)
    if m:
        d, e, s = (num(x) for x in m.groups())
        figs.append(Figure("wl-embedded", "blit workload, helper embedded",
                           e, "/s", "direct", d, 0.97,
                           ratio=num(r.group(1)) if r else None,
                           rng=(num(g.group(1)), num(g.group(2))) if g
                           else None))
        figs.append(Figure("wl-socket", "blit workload, helper vgt-hostd",
                           s, "/s", "direct", d, 0.97,
                           ratio=num(r.group(2)) if r else None,
                           rng=(num(g.group(3)), num(g.group(4))) if g
                           else None))

    w = re.search(r"^\s+wake-all\s+1\.00x\s+([\d.]+)x\s+([\d.]+)x.*\n"
                  r"\s+range\s+([\d.]+)-([\d.]+)x\s+([\d.]+)-([\d.]+)x",
                  t, re.M)
    if m and w:
        d = num(m.group(1))
        v = [num(x) for x in w.groups()]
        figs.append(Figure("wl-embedded-wakeall",
                           "... embedded, every event waking the client",
                           d * v[0], "/s", "direct", d, ratio=v[0],
                           rng=(v[2], v[3])))
        figs.append(Figure("wl-socket-wakeall",
                           "... vgt-hostd, every event waking the client",
                           d * v[1], "/s", "direct", d, ratio=v[1],
                           rng=(v[4], v[5])))

    m = re.search(r"large workload .*, ([\d.]+)/s direct:\n\s+large\s+1\.00x"
                  r"\s+([\d.]+)x\s+([\d.]+)x\s*.*\n\s+range\s+([\d.]+)-"
                  r"([\d.]+)x\s+([\d.]+)-([\d.]+)x", t)
    if m:
        v = [num(x) for x in m.groups()]
        figs.append(Figure("wl-large-embedded",
                           "large workload (12x), helper embedded",
                           v[0] * v[1], "/s", "direct", v[0], ratio=v[1],
                           rng=(v[3], v[4])))
        figs.append(Figure("wl-large-socket",
                           "large workload (12x), helper vgt-hostd",
                           v[0] * v[2], "/s", "direct", v[0], ratio=v[2],
                           rng=(v[5], v[6])))

    t = read(bench_dir, "submit")
    d = re.search(r"directly on the software Haswell\s+([\d.]+)/s", t)
    for key, what, label, rlabel, goal in (
            ("wl-device", "blit workload through the device",
             r"through the device \(qtest guest\)",
             r"device / direct", 0.97),
            ("wl-device-depth1", "... one workload in flight at a time",
             r"one workload in flight", r"one in flight / direct", None),
            ("wl-device-hostd", "... through the device and vgt-hostd",
             r"and vgt-hostd \(socket\)", r"device \+ vgt-hostd / direct",
             0.97),
            ("wl-device-tcg", "blit workload, a TCG guest through the device",
             r"through the device \(TCG guest\)", r"TCG guest / direct",
             0.97),
            ("wl-device-tcg-hostd", "... a TCG guest, device and vgt-hostd",
             r"TCG guest and vgt-hostd", r"TCG guest \+ vgt-hostd / direct",
             0.97)):
        m = re.search(label + r"\s+([\d.]+)/s", t)
        r = re.search(rlabel + r"\s+([\d.]+)x(?:\s+\(([\d.]+)-([\d.]+)\))?",
                      t)
        if d and m:
            figs.append(Figure(key, what, num(m.group(1)), "/s", "direct",
                               num(d.group(1)), goal,
                               ratio=num(r.group(1)) if r else None,
                               rng=(num(r.group(2)), num(r.group(3)))
                               if r and r.group(2) else None))

    t = read(bench_dir, "cmd")
    sc = re.search(r"scan \(decode \+ audit \+ copy\)\s+([\d.]+) MB/s", t)
    mc = re.search(r"memcpy of the same bytes\s+([\d.]+) MB/s", t)
    if sc and mc:
        figs.append(Figure("scanner", "command scanner, i915 render stream",
                           num(sc.group(1)) * 1e6, "B/s", "memcpy",
                           num(mc.group(1)) * 1e6, 0.25))

    t = read(bench_dir, "gtt")
    emb = re.search(r"embedded helper\s+([\d.]+) k/s", t)
    sock = re.search(r"vgt-hostd \(socket\)\s+([\d.]+) k/s", t)
    if sock:
        figs.append(Figure("gtt-guest-socket",
                           "guest GTT writes one by one, vgt-hostd",
                           num(sock.group(1)) * 1e3, "/s", "floor", 1e6, 1.0))
    if emb and sock:
        figs.append(Figure("gtt-guest-embedded",
                           "guest GTT writes one by one, embedded",
                           num(emb.group(1)) * 1e3, "/s", "vgt-hostd",
                           num(sock.group(1)) * 1e3))

    t = read(bench_dir, "helper-gtt")
    m = re.search(r"1 entry per call\s+([\d.]+) M/s\s+([\d.]+) k/s", t)
    if m:
        figs.append(Figure("gtt-call-socket",
                           "one library call per GTT entry, socket",
                           num(m.group(2)) * 1e3, "/s", "embedded",
                           num(m.group(1)) * 1e6,
                           note="a round trip each; the device batches"))

    t = read(bench_dir, "display")
    lim = re.search(r"memcpy \(limit\)\s+([\d.]+) frames/s", t)
    for key, label in (("contiguous, zero-copy", "display 1080p, zero-copy"),
                       ("contiguous, copied", "display 1080p, copied"),
                       ("scattered pages, copied",
                        "display 1080p, scattered pages")):
        m = re.search(re.escape(key) + r"\s+([\d.]+) frames/s", t)
        if m and lim:
            figs.append(Figure("display-" + key.split(",")[0].split()[0] +
                               ("-zc" if "zero" in key else ""), label,
                               num(m.group(1)), "frames/s", "memcpy",
                               num(lim.group(1))))

    t = read(bench_dir, "engines")
    rows = dict((int(m.group(1)), (num(m.group(2)), num(m.group(3)),
                                   int(m.group(4))))
                for m in re.finditer(r"^\s+(\d)\s+([\d.]+)/s\s+([\d.]+)/s"
                                     r"\s+[\d.]+x\s+(\d+)x", t, re.M))
    if 1 in rows:
        one = rows[1][1]
        for k in sorted(rows):
            if k == 1:
                continue
            serial, par, ideal = rows[k]
            figs.append(Figure("engines-%d" % k,
                               "%d VMs on %d engines, a thread each" % (k, k),
                               par, "/s", "1 VM x min(VMs, CPUs)",
                               one * ideal, 0.9,
                               note="one thread: %.0f/s" % serial))

    t = read(bench_dir, "scale")
    m = re.search(r"vgt-hostd: aggregate at N=16 / N=1: ([\d.]+)", t)
    if m:
        figs.append(Figure("scale-16", "16 VMs on one GPU, vgt-hostd",
                           num(m.group(1)), "x", "N = 1", None, 0.9,
                           ratio=num(m.group(1))))
    m = re.search(r"vgt-hostd: worst share deviation at N=16: ([\d.]+)%", t)
    if m:
        figs.append(Figure("scale-share", "worst share deviation at N = 16",
                           num(m.group(1)), "%", "weights", None, 5.0, "<=",
                           ratio=num(m.group(1))))

    t = read(bench_dir, "regs")
    pa = re.search(r"plain array write \(the limit\)\s+([\d.]+) ns", t)
    tw = re.search(r"table write, stored \(VIRT/SHADOW\)\s+([\d.]+) ns", t)
    if pa and tw:
        figs.append(Figure("regs-write", "register write through the table",
                           num(tw.group(1)), "ns", "plain array",
                           num(pa.group(1)),
                           ratio=num(pa.group(1)) / num(tw.group(1))))

    t = read(bench_dir, "guest")
    nop = dict((e, num(v)) for e, v in re.findall(
        r"^\s+(rcs0|vcs0|bcs0|vecs0)\s+([\d.]+)\s+\d+", t, re.M))
    for e in ("rcs0", "vcs0", "bcs0", "vecs0"):
        if e in nop:
            rcs = nop.get("rcs0") if e != "rcs0" else None
            figs.append(Figure("guest-nop-" + e,
                               "guest gem_exec_nop (sync), " + e, nop[e],
                               "us", "rcs0" if rcs else None, rcs,
                               ratio=rcs / nop[e] if rcs else None))
    return figs


def machine():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = "?"
    try:
        with open("/proc/meminfo") as f:
            mem = "%.1f GiB" % (int(f.readline().split()[1]) / 2**20)
    except (OSError, ValueError, IndexError):
        pass
    debian = "?"
    try:
        with open("/etc/debian_version") as f:
            debian = f.read().strip()
    except OSError:
        pass
    virt = "?"
    try:
        virt = subprocess.run(["systemd-detect-virt"], capture_output=True,
                              text=True).stdout.strip() or "none"
    except OSError:
        pass
    return ("%s, %d CPUs, %s RAM, Debian %s, Linux %s, virtualization: %s, "
            "load average %s" % (cpu, os.cpu_count() or 0, mem, debian,
                                 platform.release(), virt,
                                 " ".join("%.2f" % x for x in os.getloadavg())))


def git_rev(top):
    try:
        return subprocess.run(["git", "-C", top, "describe", "--always",
                               "--dirty"], capture_output=True,
                              text=True).stdout.strip() or "?"
    except OSError:
        return "?"


def history(bench_dir, figs, stamp, rev, write):
    """Append this run; return {key: [ratios of the last runs]}."""
    path = os.path.join(bench_dir, "history.tsv")
    if write:
        with open(path, "a") as f:
            for g in figs:
                f.write("%s\t%s\t%s\t%r\t%r\n" % (stamp, rev, g.key, g.value,
                                                  g.ratio))
    runs = {}
    try:
        with open(path) as f:
            for line in f:
                p = line.rstrip("\n").split("\t")
                if len(p) == 5:
                    runs.setdefault(p[2], []).append(
                        float(p[4]) if p[4] != "None" else float(p[3]))
    except OSError:
        pass
    return dict((k, v[-HISTORY_KEEP:]) for k, v in runs.items())


def table(figs, spread):
    rows = [("figure", "measured", "against", "ratio", "spread", "goal",
             "")]
    for g in figs:
        ref = ("%s %s" % (g.ref_what, fmt(g.ref, g.unit)) if g.ref is not None
               else (g.ref_what or "-"))
        s = spread.get(g.key, [])
        sp = ("%.2f-%.2f (%d)" % (min(s), max(s), len(s)) if len(s) > 1
              else "-")
        ratio = "%.3g" % g.ratio if g.ratio is not None else "-"
        if g.rng:
            ratio += " (%.2f-%.2f)" % g.rng
        rows.append((g.what, fmt(g.value, g.unit), ref, ratio, sp,
                     "%s %g" % (g.goal_kind, g.goal) if g.goal is not None
                     else "-", g.status()))
    return rows


def text_table(rows):
    w = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for n, r in enumerate(rows):
        out.append("  " + "  ".join(c.ljust(w[i]) for i, c in
                                    enumerate(r)).rstrip())
        if n == 0:
            out.append("  " + "  ".join("-" * x for x in w))
    return "\n".join(out)


def md_table(rows):
    out = ["| " + " | ".join(rows[0]) + " |",
           "|" + "|".join("---" for _ in rows[0]) + "|"]
    for r in rows[1:]:
        out.append("| " + " | ".join(c.replace("|", "/") for c in r) + " |")
    return "\n".join(out)


def bar_chart(out, size, title, ylabel, xtics, plot):
    """A gnuplot script for one bar chart (PNG at @out) ending in @plot."""
    return """
set terminal pngcairo size %s font ",10"
set output "%s"
set title "%s"
set style fill solid 0.6
set boxwidth 0.6
set yrange [0:*]
set xtics %s
set ylabel "%s"
unset key
unset arrow
%s
""" % (size, out, title, xtics, ylabel, plot)


def plots(bench_dir, figs):
    """ratios.png and guest-nop.png with gnuplot; the files written."""
    done = []
    ratios = [g for g in figs if g.goal is not None and g.goal_kind == ">="
              and g.ratio is not None]
    data = os.path.join(bench_dir, "ratios.dat")
    with open(data, "w") as f:
        for i, g in enumerate(ratios):
            f.write('%d "%s" %g %g\n' % (i, g.what.replace('"', "'"),
                                         g.ratio, g.goal))
    nop = [g for g in figs if g.key.startswith("guest-nop-")]
    ndata = os.path.join(bench_dir, "guest-nop.dat")
    with open(ndata, "w") as f:
        for i, g in enumerate(nop):
            f.write('%d "%s" %g\n' % (i, g.key[len("guest-nop-"):], g.value))
    script = []
    if ratios:
        script.append(bar_chart(
            "%s/ratios.png" % bench_dir, "1000,520",
            "vgt: each ratio (measured / reference) as a fraction of its goal",
            "ratio / goal (1: the goal)", "rotate by -30 left",
            "set arrow from graph 0, first 1 to graph 1, first 1 nohead "
            "dt 2 lw 2\n"
            'plot "%s" using 1:($3 / $4):xtic(2) with boxes, \\\n'
            '     "" using 1:($3 / $4):(sprintf("%%.2f", $3)) with labels '
            "offset 0,0.7" % data))
        done.append("ratios.png")
    if nop:
        script.append(bar_chart(
            "%s/guest-nop.png" % bench_dir, "640,400",
            "Debian guest: gem_exec_nop (sync), us per request", "us",
            "norotate", 'plot "%s" using 1:3:xtic(2) with boxes' % ndata))
        done.append("guest-nop.png")
    if not script:
        return []
    try:
        r = subprocess.run(["gnuplot"], input="\n".join(script), text=True,
                           capture_output=True)
    except OSError:
        print("bench-report: gnuplot not found: no plots", file=sys.stderr)
        return []
    if r.returncode:
        print("bench-report: gnuplot failed: %s" % r.stderr.strip(),
              file=sys.stderr)
        return []
    return done


def main(argv):
    if len(argv) < 2 or argv[1].startswith("-"):
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    bench_dir = argv[1]
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    figs = parse(bench_dir)
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S")
    rev = git_rev(top)
    spread = history(bench_dir, figs, stamp, rev, "--no-history" not in argv)
    rows = table(figs, spread)
    mach = machine()
    print("vgt bench report: %d figures, %s, %s" % (len(figs), rev, stamp))
    print("  machine: %s" % mach)
    print(text_table(rows))
    pngs = [] if "--no-plots" in argv else plots(bench_dir, figs)
    with open(os.path.join(bench_dir, "report.md"), "w") as f:
        f.write("# vgt benchmark report\n\n")
        f.write("- commit: %s, %s\n- machine: %s\n\n" % (rev, stamp, mach))
        f.write("Each figure is measured side by side with its reference "
                "in the same run (docs/bench.md says how); *ratio* is "
                "measured / reference (for times: reference / measured; "
                "in brackets the lowest and highest of the run's rounds), "
                "*spread* the lowest and highest ratio of the last %d runs "
                "of `make bench` on this machine "
                "(build/bench/history.tsv).\n\n" % HISTORY_KEEP)
        f.write(md_table(rows) + "\n\n")
        for p in pngs + (["scale.png"] if os.path.exists(
                os.path.join(bench_dir, "scale.png")) else []):
            f.write("![%s](%s)\n\n" % (p, p))
        f.write("## What each benchmark printed\n\n")
        for name in ("helper-cs", "submit", "cmd", "gtt", "helper-gtt",
                     "helper-transport", "display", "regs", "scale",
                     "engines", "guest"):
            t = read(bench_dir, name).strip()
            if t:
                t = "\n".join(l for l in t.splitlines()
                              if not l.startswith("# starting QEMU"))
                f.write("### %s\n\n```\n%s\n```\n\n" % (name, t))
    print("  report: %s/report.md%s" % (bench_dir, "".join(
        ", %s/%s" % (bench_dir, p) for p in pngs)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
