"""The vgt test guest under QEMU, as the host-side tests drive it
(tests/migration/migrate-test.py, tests/scale/multi-guest-test.py):
start QEMU with QMP and a serial console the test can type into, wait for
the guest's lines, take screendumps, start vgt-hostd, end every process
the test started, and read the guest's "step N" report (vgtguest.migrate=1
of scripts/guest/init.sh).  Import it as vgtqmp.py says:
    sys.path.insert(0, os.path.join(TOP, "scripts", "lib"))
    import vgtvm
Standard library only.

A VM takes its settings from a context object with these attributes:
qemu, kernel, initrd (paths), machine ("q35"/"pc"), mem ("1G"), no_vgt,
gdb (bools), append (the kernel command line), sockdir (a private
directory for the sockets), out (the output directory), and a method
check_deadline() that raises Fail when the test's time is up.
"""
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time

import vgtppm
import vgtqmp

DEVICE = "vgt0"
QOM = "/machine/peripheral/" + DEVICE
ENGINES = ("rcs0", "vcs0", "bcs0", "vecs0")
# What a kernel line must not say (the boot judge's patterns, boot-steps.py).
BAD_KERNEL = re.compile(
    r"GPU HANG|Resetting (chip|rcs|bcs|vcs|vecs)|stopped heartbeat|"
    r"no heartbeat|failed to wait for idle|not idle before sync flush|"
    r"Failed to reset chip|declaring it wedged|CI tainted|[Ww]edged|"
    r"\*ERROR\*|WARNING: CPU:|BUG:|Oops|general protection fault|"
    r"Call Trace:|Kernel panic|blocked for more than")

KCRASH = re.compile(r"BUG:|Oops|Kernel panic|general protection fault")
KLINE = re.compile(r"^\[\s*\d+\.\d+\] ")     # a kernel line on the console

PROCS = []          # every process we started: ended at exit


def cleanup():
    """End every process the test started (SIGTERM, then SIGKILL after 5 s)."""
    for p in PROCS:
        if p.poll() is None:
            try:
                p.terminate()
            except OSError:
                pass
    t = time.time() + 5
    for p in PROCS:
        try:
            p.wait(max(0.1, t - time.time()))
        except subprocess.TimeoutExpired:
            p.kill()


def on_signal(sig, frame):
    cleanup()
    sys.exit(128 + sig)


def install_cleanup():
    """cleanup() at exit, on SIGTERM and on SIGINT."""
    import atexit
    atexit.register(cleanup)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)


class Fail(Exception):
    """A check failed; the text says why."""


def tap_write(results, path, summary=()):
    """Write TAP for results, tuples (ok, name, why, diag[, skip]), to path
    (if any) and stdout, summary lines as comments; returns how many
    failed."""
    out = ["1..%d" % len(results)]
    failed = 0
    for n, r in enumerate(results, 1):
        ok, name, why, diag = r[:4]
        skip = r[4] if len(r) > 4 else None
        if skip:
            out.append("ok %d - %s # SKIP %s" % (n, name, skip))
        else:
            out.append("%s %d - %s" % ("ok" if ok else "not ok", n, name))
            failed += not ok
        if why:
            out.append("#   " + why.replace("\n", " "))
        out += ["#     " + d.replace("\n", " ") for d in diag]
    out += ["# " + s for s in summary]
    text = "\n".join(out) + "\n"
    if path:
        with open(path, "w") as f:
            f.write(text)
    sys.stdout.write(text)
    return failed


def run_and_clean(ctx, body, what):
    """body(); a failure ends it as ctx's result "the WHAT stopped".  Then
    every process the test started ends and ctx.sockdir goes.  Returns
    body's value, or None when it failed."""
    try:
        return body()
    except Fail as e:
        ctx.result(False, "the %s stopped" % what, str(e))
    except (vgtqmp.QMPError, OSError, ConnectionError) as e:
        ctx.result(False, "the %s stopped" % what,
                   "%s: %s" % (type(e).__name__, e))
    finally:
        cleanup()
        try:
            for f in os.listdir(ctx.sockdir):
                os.unlink(os.path.join(ctx.sockdir, f))
            os.rmdir(ctx.sockdir)
        except OSError:
            pass
    return None


def start_hostd(hostd, sock, log):
    """Start vgt-hostd --verbose on @sock, its stderr to @log; returns the
    process (in PROCS) once the socket exists, or None with the process
    left in PROCS when it did not come up within 5 s."""
    p = subprocess.Popen([hostd, "--socket", sock, "--verbose"],
                         stdout=subprocess.DEVNULL, stderr=open(log, "w"),
                         stdin=subprocess.DEVNULL)
    PROCS.append(p)
    for _ in range(500):
        if os.path.exists(sock) or p.poll() is not None:
            break
        time.sleep(0.01)
    return p if os.path.exists(sock) else None


class VM:
    """One QEMU: QMP, a serial console we can type into, its own logs.

    Its files are OUT/serial-NAME.log, unimp-NAME.log, qemu-NAME.log,
    events-NAME.txt, command-NAME.txt and the screendumps OUT/<name>.ppm
    (.png); with @logdir they are LOGDIR/serial.log, unimp.log, qemu.log,
    events.txt, command.txt and LOGDIR/<name>.ppm instead.  @props: more
    properties of the vgt device ("low_gm_sz=64,..."); @append: the kernel
    command line (default ctx.append).

    @console: how the test reaches the serial console.  "socket": a UNIX
    socket chardev (QEMU listens, the test connects and a thread drains
    it).  "pipe": a pipe chardev on two FIFOs (NAME.ser.in/.out, the
    output one enlarged to 1 MiB).  Both keep the guest's output in the
    chardev's logfile.  QEMU 7.2 logs a byte the backend refused with
    EAGAIN and then logs it again when the serial port retries it
    (chardev/char.c, qemu_chr_write_buffer): a socket whose reader falls
    a few hundred one-byte writes behind (several TCG guests on 2 cores)
    doubles characters in the log ("VVGT-GUEST: ...", "switching  to").
    A 1 MiB pipe does not fall behind."""

    def __init__(self, ctx, name, helper=None, incoming=False, append=None,
                 props="", logdir=None, console="socket"):
        self.ctx, self.name, self.helper = ctx, name, helper
        self.console = console
        self.append = append if append is not None else ctx.append
        self.props = props
        out, sd = ctx.out, ctx.sockdir
        self.qmp_path = os.path.join(sd, name + ".qmp")
        self.ser_path = os.path.join(sd, name + ".ser")
        self.mig_path = os.path.join(sd, name + ".mig")
        if logdir:
            os.makedirs(logdir, exist_ok=True)
            self.dir = logdir
            f = lambda base, ext: os.path.join(logdir, base + ext)  # noqa: E731
        else:
            self.dir = out
            f = lambda base, ext: os.path.join(out, "%s-%s%s" % (base, name, ext))  # noqa: E731
        self.serial = f("serial", ".log")
        self.unimp = f("unimp", ".log")
        self.qemu_log = f("qemu", ".log")
        self.events = f("events", ".txt")
        self.command_file = f("command", ".txt")
        for p in (self.serial, self.unimp, self.qemu_log, self.events):
            if os.path.exists(p):
                os.unlink(p)
        self.pos = 0
        self.pending = b""
        self.incoming = incoming
        self.proc = self.qmp = self.ser = None
        self.unimp_seen = 0     # lines of unimp.log already judged

    def command(self):
        c = self.ctx
        dev = "vgt,addr=2,id=%s" % DEVICE
        if self.helper:
            dev += ",helper=" + self.helper
        if self.props:
            dev += "," + self.props
        args = [c.qemu, "-machine", c.machine + ",memory-backend=mem",
                "-accel", "tcg", "-m", c.mem,
                "-object", "memory-backend-memfd,id=mem,size=%s,share=on" % c.mem,
                "-nodefaults", "-no-user-config", "-vga", "none", "-no-reboot",
                "-kernel", c.kernel, "-initrd", c.initrd, "-append", self.append,
                "-L", "/usr/share/seabios", "-L", "/usr/share/qemu",
                "-chardev", (("pipe,id=ser0,path=%s," if self.console == "pipe" else
                              "socket,id=ser0,path=%s,server=on,wait=off,") +
                             "logfile=%s,logappend=on") % (self.ser_path, self.serial),
                "-serial", "chardev:ser0",
                "-qmp", "unix:%s,server=on,wait=off" % self.qmp_path,
                "-d", "unimp,guest_errors", "-D", self.unimp,
                "-display", "none"]
        if not c.no_vgt:
            args += ["-device", dev]
        args += ["-incoming", "defer"] if self.incoming else ["-S"]
        if self.incoming and c.gdb:
            args = ["gdb", "-q", "-batch", "-ex", "handle SIGUSR1 SIGPIPE nostop noprint",
                    "-ex", "run", "-ex", "bt 30", "-ex", "thread apply all bt 8",
                    "--args"] + args
        return args

    def start(self):
        args = self.command()
        with open(self.command_file, "w") as f:
            f.write(" ".join(args) + "\n")
        if self.console == "pipe":
            # Both ends open read-write: neither open blocks, QEMU's nor ours.
            for end in (".in", ".out"):
                if not os.path.exists(self.ser_path + end):
                    os.mkfifo(self.ser_path + end)
            self.ser_out = os.open(self.ser_path + ".out", os.O_RDWR)
            self.ser_in = os.open(self.ser_path + ".in", os.O_RDWR)
            try:
                import fcntl
                fcntl.fcntl(self.ser_out, 1031, 1 << 20)    # F_SETPIPE_SZ
            except OSError:
                pass
        self.started = time.time()
        self.proc = subprocess.Popen(args, stdout=open(self.qemu_log, "w"),
                                     stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        PROCS.append(self.proc)
        try:
            self.qmp = vgtqmp.connect(self.qmp_path, 30, self.proc.pid, 30.0)
        except ConnectionError as e:
            raise Fail("%s: %s; QEMU said: %s" % (self.name, e, self.said()))
        self.qmp.events = open(self.events, "a")
        # The console: we type commands into it, and drain what the guest
        # prints (the chardev's logfile keeps all of it).
        if self.console == "pipe":
            threading.Thread(target=self._drain_pipe, daemon=True).start()
            return
        self.ser = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.ser.connect(self.ser_path)
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self):
        try:
            while self.ser.recv(65536):
                pass
        except OSError:
            pass

    def _drain_pipe(self):
        try:
            while self.alive() and os.read(self.ser_out, 1 << 20):
                pass
        except OSError:
            pass

    def said(self):
        """QEMU's last words; under gdb, the crash and its first frames
        in the device."""
        try:
            with open(self.qemu_log, errors="replace") as f:
                lines = [l.strip() for l in f.read().splitlines() if l.strip()]
        except FileNotFoundError:
            return "nothing"
        if self.ctx.gdb and self.incoming:
            msg = [l for l in lines if not l.startswith(("[", "#", "Using host", "Thread ", "__"))
                   and "No such file" not in l and not re.match(r"\d+\s", l)]
            frames = [re.sub(r" \(.*\) at ", " at ", l) for l in lines
                      if l.startswith("#") and re.search(r" in (vgt|qemu_loadvm|vmstate)", l)]
            got = msg[:2] + frames[:4]
            if got:
                return " | ".join(got)
        return " | ".join(lines[-4:]) or "nothing"

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def cmd(self, name, **args):
        return self.qmp.cmd(name, **args)

    def execute(self, name, **args):
        return self.qmp.execute(name, **args)

    def status(self):
        try:
            return self.cmd("query-status")["status"]
        except (vgtqmp.QMPError, OSError, ConnectionError) as e:
            return "gone (%s)" % e

    def qom(self, prop):
        r = self.execute("qom-get", path=QOM, property=prop)
        return r.get("return", {"error": r.get("error", {}).get("desc", r)})

    def type(self, line):
        if self.console == "pipe":
            os.write(self.ser_in, line.encode() + b"\n")
        else:
            self.ser.sendall(line.encode() + b"\n")

    def new_lines(self):
        try:
            with open(self.serial, "rb") as f:
                f.seek(self.pos)
                data = f.read()
        except FileNotFoundError:
            data = b""
        self.pos += len(data)
        self.pending += data
        lines = self.pending.split(b"\n")
        self.pending = lines.pop()
        return [l.decode("utf-8", "replace").replace("\r", "") for l in lines]

    def tail(self, n=8):
        """The guest's last @n console lines (from the log file)."""
        try:
            with open(self.serial, "rb") as f:
                f.seek(max(0, os.path.getsize(self.serial) - 16384))
                text = f.read().decode("utf-8", "replace").replace("\r", "")
        except OSError:
            return []
        return [l for l in text.split("\n") if l.strip()][-n:]

    def wait_line(self, pattern, timeout, silence=None):
        """The guest's lines up to the first matching @pattern, the match
        last; Fail when QEMU ends, @timeout passes or the guest says
        nothing for @silence seconds."""
        rx = re.compile(pattern)
        got = []
        t0 = last = time.time()
        while True:
            self.ctx.check_deadline()
            new = self.new_lines()
            if new:
                last = time.time()
            for i, l in enumerate(new):
                got.append(l)
                if KLINE.match(l) and KCRASH.search(l):
                    # The guest kernel crashed: no point waiting for more.
                    time.sleep(2)
                    got += self.new_lines()
                    crash = [x for x in got if KLINE.match(x) and KCRASH.search(x)]
                    raise Fail("%s: the guest kernel crashed waiting for '%s': %s"
                               % (self.name, pattern, " / ".join(crash[:4])))
                if rx.search(l):
                    # keep the rest for the next wait
                    rest = "\n".join(new[i + 1:])
                    if rest or new[i + 1:]:
                        self.pending = (rest + "\n").encode() + self.pending
                    return got
            if not self.alive():
                got += self.new_lines()
                # A guest that crashed: its first kernel BUG/Oops/panic line.
                crash = [l for l in got if KLINE.match(l) and KCRASH.search(l)]
                raise Fail("%s: QEMU exited (%s) waiting for '%s'; %slast guest line: %s; QEMU said: %s"
                           % (self.name, self.proc.returncode, pattern,
                              "the guest crashed: %s; " % " / ".join(crash[:3]) if crash else "",
                              got[-1] if got else "-", self.said()))
            if time.time() - t0 > timeout:
                raise Fail("%s: no '%s' within %ss; last guest line: %s"
                           % (self.name, pattern, timeout, got[-1] if got else "-"))
            if silence and time.time() - last > silence:
                raise Fail("%s: the guest said nothing for %ss waiting for '%s'; last line: %s"
                           % (self.name, silence, pattern, got[-1] if got else "-"))
            try:
                self.qmp.poll_events()
            except ConnectionError:
                pass
            time.sleep(0.1)

    def screendump(self, name):
        """(w, h, rgb, md5 over XRGB8888 as the guest's fb0) of the vgt
        console, kept as <dir>/name.ppm and .png."""
        ppm = os.path.join(self.dir, name + ".ppm")
        if os.path.exists(ppm):
            os.unlink(ppm)
        args = {"filename": ppm}
        if not self.ctx.no_vgt:
            args["device"] = DEVICE
        self.cmd("screendump", **args)
        w, h, rgb = vgtppm.read_ppm(ppm)
        vgtppm.write_png(os.path.join(self.dir, name + ".png"), w, h, rgb)
        return w, h, rgb, vgtppm.xrgb_md5(w, h, rgb)

    def unimp_lines(self):
        try:
            with open(self.unimp, errors="replace") as f:
                return [l.rstrip("\n") for l in f if l.strip()]
        except FileNotFoundError:
            return []

    def quit(self):
        if self.alive():
            try:
                self.qmp.execute("quit")
            except (OSError, ConnectionError, ValueError):
                pass
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# ---- the guest's step report (vgtguest.migrate=1, "step N") -----------------

def parse_step(lines, n):
    """What the guest reported for "step N" (its VGT-GUEST lines)."""
    g = [l.split("VGT-GUEST: ", 1)[1] for l in lines if "VGT-GUEST: " in l]
    r = {"loop": None, "loop_line": None, "gem": {}, "gem_result": None, "pvinfo": None, "mig": [], "vcs": [],
         "md5": None, "wedged": None, "errors": []}
    for l in g:
        m = re.match(r"gem engine=(\S+) (.*)", l)
        if m:
            r["gem"][m[1]] = dict(re.findall(r"(\w+)=(\S+)", m[2]))
        elif l.startswith("gem loop "):
            r["loop"] = dict(re.findall(r"([\w-]+)=(\S+)", l))
            r["loop_line"] = l
        elif l.startswith("gem result"):
            r["gem_result"] = l
        elif l.startswith("gem error="):
            r["errors"].append(l)
        elif l.startswith("pvinfo "):
            r["pvinfo"] = l
        elif l.startswith("mig! "):
            r["mig"].append(l[5:])
        elif l.startswith("vcs| "):
            r["vcs"].append(l[5:])
        elif l.startswith("step-done %d " % n):
            m = re.search(r"md5=(\S+) wedged=(\S+)", l)
            if m:
                r["md5"], r["wedged"] = m[1], m[2]
    return r


def gem_problems(r):
    """What went wrong with the step's GPU work (vgt-gem-exec on every
    engine: exec, the stored value read back, a nop batch); [] when all
    of it passed."""
    why = []
    for e in ENGINES:
        x = r["gem"].get(e)
        if not x:
            why.append("%s: no result" % e)
        elif not (x.get("exec") == "ok" and x.get("store") == "ok" and x.get("nop") == "ok"):
            why.append("%s: exec=%s store=%s nop=%s%s" % (
                e, x.get("exec"), x.get("store"), x.get("nop"),
                " value=%s expected=%s" % (x.get("value"), x.get("expected"))
                if x.get("store") == "bad" else
                (" error=" + x["error"] if "error" in x else "")))
    return why + r["errors"]


def gem_summary(r):
    """Per engine, how long its batches took ("rcs0:123us ...")."""
    return " ".join("%s:%sus" % (e, r["gem"].get(e, {}).get("us", "?")) for e in ENGINES)


def pvinfo_view(line):
    """The partition in a "pvinfo ..." line: (mappable, nonmappable, fences)."""
    if not line:
        return None
    m = re.search(r"mappable=(\S+) nonmappable=(\S+) fences=(\d+)", line)
    return m.groups() if m else None
