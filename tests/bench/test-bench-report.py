#!/usr/bin/env python3
"""TAP test of scripts/bench-report.py: it reads every benchmark's output.

The benchmarks' outputs in tests/bench/samples/ (as `make bench` printed
them) must give every figure of the report, with its value, reference,
ratio and goal: a benchmark whose output changes shape fails here instead
of silently dropping out of the report.
usage: test-bench-report.py TOP
"""

import os
import shutil
import subprocess
import sys
import tempfile

# key: (value, reference, goal) as the samples hold them
EXPECT = {
    "wl-embedded": (8835, 9679, 0.97),
    "wl-socket": (6942, 9679, 0.97),
    "wl-embedded-wakeall": (9679 * 0.86, 9679, None),
    "wl-socket-wakeall": (9679 * 0.67, 9679, None),
    "wl-large-embedded": (5605 * 0.81, 5605, None),
    "wl-large-socket": (5605 * 0.76, 5605, None),
    "wl-device": (7216, 9888, 0.97),
    "wl-device-depth1": (6012, 9888, None),
    "wl-device-hostd": (4165, 9888, 0.97),
    "wl-device-tcg": (8895, 9888, 0.97),
    "wl-device-tcg-hostd": (8706, 9888, 0.97),
    "scanner": (1716e6, 34926e6, 0.25),
    "gtt-guest-socket": (3843e3, 1e6, 1.0),
    "gtt-guest-embedded": (7352e3, 3843e3, None),
    "gtt-call-socket": (18.1e3, 53.93e6, None),
    "display-contiguous-zc": (225676.7, 1744.6, None),
    "display-contiguous": (1650.0, 1744.6, None),
    "display-scattered": (1381.1, 1744.6, None),
    "engines-2": (60158, 31941 * 2, 0.9),
    "engines-4": (58835, 31941 * 2, 0.9),
    "scale-16": (0.91, None, 0.9),
    "scale-share": (1.1, None, 5.0),
    "regs-write": (5.05, 2.45, None),
    "guest-nop-rcs0": (555.6, None, None),
    "guest-nop-vcs0": (552.0, 555.6, None),
    "guest-nop-bcs0": (600.6, 555.6, None),
    "guest-nop-vecs0": (526.7, 555.6, None),
}


def close(a, b):
    if a is None or b is None:
        return a is b
    return abs(a - b) <= 1e-6 * max(abs(a), abs(b), 1)


def main():
    top = sys.argv[1]
    sys.dont_write_bytecode = True      # nothing written into the tree
    sys.path.insert(0, os.path.join(top, "scripts"))
    import importlib
    report = importlib.import_module("bench-report")
    tests = []
    figs = dict((g.key, g) for g in report.parse(
        os.path.join(top, "tests/bench/samples")))
    for key, (value, ref, goal) in sorted(EXPECT.items()):
        g = figs.get(key)
        ok = (g is not None and close(g.value, value) and close(g.ref, ref)
              and close(g.goal, goal))
        tests.append((ok, "figure %s parsed (%s)" % (
            key, "missing" if g is None else "%r against %r, goal %r" %
            (g.value, g.ref, g.goal))))
    # ratios are the medians the benchmarks printed, with their ranges
    ranges = {"wl-embedded": (0.91, (0.76, 0.91)),
              "wl-socket": (0.72, (0.71, 0.72)),
              "wl-embedded-wakeall": (0.86, (0.84, 0.88)),
              "wl-socket-wakeall": (0.67, (0.66, 0.72)),
              "wl-large-embedded": (0.81, (0.79, 0.91)),
              "wl-large-socket": (0.76, (0.76, 0.86)),
              "wl-device": (0.73, (0.45, 0.87)),
              "wl-device-depth1": (0.61, (0.55, 0.66)),
              "wl-device-hostd": (0.43, (0.36, 0.56)),
              "wl-device-tcg": (0.90, (0.88, 0.91)),
              "wl-device-tcg-hostd": (0.88, (0.86, 0.90))}
    for key, (ratio, rng) in sorted(ranges.items()):
        g = figs.get(key)
        tests.append((g is not None and close(g.ratio, ratio) and
                      g.rng is not None and close(g.rng[0], rng[0]) and
                      close(g.rng[1], rng[1]),
                      "%s: median ratio and range of the rounds" % key))
    extra = sorted(set(figs) - set(EXPECT))
    tests.append((not extra, "no figure the test does not know %s" % extra))
    g = figs.get("wl-embedded")
    tests.append((g is not None and g.status() == "NOT met" and
                  figs["scale-16"].status() == "met" and
                  figs["scale-share"].status() == "met",
                  "goals judged: >= and <="))
    # the whole script on a copy: table, history and report.md
    d = tempfile.mkdtemp(prefix="vgt-bench-report-")
    try:
        for f in os.listdir(os.path.join(top, "tests/bench/samples")):
            shutil.copy(os.path.join(top, "tests/bench/samples", f), d)
        for run in (1, 2):
            r = subprocess.run([sys.executable,
                                os.path.join(top, "scripts/bench-report.py"),
                                d, "--no-plots"], capture_output=True,
                               text=True)
        md = open(os.path.join(d, "report.md")).read()
        tests.append((r.returncode == 0 and "NOT met" in r.stdout and
                      "command scanner" in r.stdout,
                      "bench-report.py prints the table"))
        tests.append(("| blit workload, helper embedded |" in md and
                      "0.91-0.91 (2)" in md and "### helper-cs" in md and
                      "0.91 (0.76-0.91)" in md,
                      "report.md: table, spread of two runs, outputs"))
    finally:
        shutil.rmtree(d)
    print("1..%d" % len(tests))
    for i, (ok, what) in enumerate(tests, 1):
        print("%s %d - %s" % ("ok" if ok else "not ok", i, what))
    return 0 if all(ok for ok, _ in tests) else 1


if __name__ == "__main__":
    sys.exit(main())
