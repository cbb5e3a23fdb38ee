#!/usr/bin/env python3
"""vgt under libvirt (docs/libvirt.md): Debian's libvirt 9.0 runs the
domain of scripts/libvirt/vgt-domain.xml with our QEMU, and the checks are
made from libvirt's side.

  libvirt-test.py QEMU GUEST_DIR INITRD OUT_DIR --hostd VGT_HOSTD [--tap F]

Two libvirt daemons run on this machine, each in the foreground as an
unprivileged system user of its own (vgt-libvirt-a, vgt-libvirt-b, made
if missing) in session mode, every path private under OUT_DIR (XDG
directories): no systemd, no system-wide libvirt state.  Root drives both
with virsh over their sockets (two URIs).  The guest is the guest-boot
test's kernel with the migration test's initramfs (vgtguest.migrate=1:
/init takes "step N" on its serial console, draws a new line and runs
i915 requests on all four engines with vgt-gem-exec).  Checks, in order:

  boot          the domain starts; i915 draws its console (screen-ready)
  screenshot    `virsh screenshot` is that console: its MD5 as XRGB8888
                equals the guest's fb0 MD5
  monitor       `virsh qemu-monitor-command` reaches the vgt device's stats
  step          the guest draws a new line and runs GPU work (no wedge)
  save-restore  `virsh save`, `virsh restore`: the same screen, and the
                guest draws and submits again
  migrate       `virsh migrate --live` to the other daemon (another user,
                another QEMU): the same screen there, and the guest again
  shutdown      `virsh shutdown` (the initramfs guest powers off on the
                host's "done": it has no ACPI daemon), the domain shuts
                off, no QEMU of either user is left
  hostd         a domain with helper=<vgt-hostd socket> and shared memfd
                RAM (memoryBacking): libvirt's defaults do not keep QEMU
                from the socket; it boots, shows its console; `virsh
                destroy` leaves no process behind
  daemons       both libvirt daemons stop; nothing of ours is left
"""
import argparse
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

TOP = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                   "..", ".."))
sys.path.insert(0, os.path.join(TOP, "scripts", "lib"))
import vgtppm  # noqa: E402

USERS = ("vgt-libvirt-a", "vgt-libvirt-b")
CMDLINE = "console=ttyS0,115200 loglevel=4 panic=1 vgtguest.migrate=1"
TEMPLATE = os.path.join(TOP, "scripts", "libvirt", "vgt-domain.xml")


class Fail(Exception):
    pass


class Tap:
    def __init__(self, path):
        self.n, self.lines, self.path = 0, [], path

    def result(self, ok, name, why=""):
        self.n += 1
        line = "%s %d - %s" % ("ok" if ok else "not ok", self.n, name)
        self.lines.append(line)
        print(line, flush=True)
        for w in why.splitlines():
            self.lines.append("#   " + w)
            print("#   " + w, flush=True)

    def close(self):
        self.lines.append("1..%d" % self.n)
        print("1..%d" % self.n)
        if self.path:
            with open(self.path, "w") as f:
                f.write("\n".join(self.lines) + "\n")


def run(args, user=None, env=None, check=True, timeout=120):
    if user:
        args = ["runuser", "-u", user, "--", "env"] + \
            ["%s=%s" % kv for kv in (env or {}).items()] + args
    p = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    if check and p.returncode:
        raise Fail("%s: %s" % (" ".join(args[-4:]),
                               (p.stderr or p.stdout).strip()[-400:]))
    return p


class Daemon:
    """One libvirtd in session mode, as @user, private under @home."""

    def __init__(self, user, home):
        self.user, self.home = user, home
        self.env = {"HOME": home}
        for k in ("RUNTIME", "CONFIG", "CACHE", "DATA"):
            self.env["XDG_%s_HOME" % k if k != "RUNTIME" else
                     "XDG_RUNTIME_DIR"] = os.path.join(home, k.lower())
        self.sock = os.path.join(self.env["XDG_RUNTIME_DIR"], "libvirt",
                                 "libvirt-sock")
        self.uri = "qemu+unix:///session?socket=" + self.sock
        self.proc = None

    def start(self):
        uid = pwd.getpwnam(self.user).pw_uid
        for d in [self.home] + [self.env[k] for k in self.env if k != "HOME"]:
            os.makedirs(d, exist_ok=True)
            os.chown(d, uid, -1)
        os.chmod(self.env["XDG_RUNTIME_DIR"], 0o700)
        log = open(os.path.join(self.home, "libvirtd.log"), "w")
        self.proc = subprocess.Popen(
            ["runuser", "-u", self.user, "--", "env"] +
            ["%s=%s" % kv for kv in self.env.items()] +
            ["/usr/sbin/libvirtd", "--timeout", "0"],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        for _ in range(200):
            if os.path.exists(self.sock):
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        raise Fail("libvirtd as %s did not come up (%s/libvirtd.log)"
                   % (self.user, self.home))

    def virsh(self, *args, check=True, timeout=120):
        return run(["virsh", "-c", self.uri] + list(args), check=check,
                   timeout=timeout)

    def stop(self):
        """SIGTERM to libvirtd itself (runuser does not pass it on)."""
        pidfile = os.path.join(self.env["XDG_RUNTIME_DIR"], "libvirt",
                               "libvirtd.pid")
        try:
            with open(pidfile) as f:
                os.kill(int(f.read().strip()), signal.SIGTERM)
        except (OSError, ValueError):
            pass
        if self.proc and self.proc.poll() is None:
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                run(["pkill", "-KILL", "-u", self.user], check=False)
                self.proc.wait()


def qemus_of(user):
    p = run(["pgrep", "-u", user, "-f", "qemu-system"], check=False)
    return [l for l in p.stdout.split() if l]


class Guest:
    """One domain: its XML, its console (UNIX socket + log file)."""

    def __init__(self, a, daemon, name, vgt_props="", memfd=False):
        self.a, self.d, self.name = a, daemon, name
        self.vgt_props, self.memfd = vgt_props, memfd
        self.sock = None
        self.place(daemon)

    def place(self, daemon):
        """Paths of the console and VNC under @daemon's directory."""
        self.d = daemon
        base = os.path.join(daemon.home, self.name)
        os.makedirs(base, exist_ok=True)
        os.chown(base, pwd.getpwnam(daemon.user).pw_uid, -1)
        self.serial = os.path.join(base, "serial.sock")
        self.log = os.path.join(base, "serial.log")
        self.vnc = os.path.join(base, "vnc.sock")
        self.seen = 0

    def xml(self):
        with open(TEMPLATE) as f:
            t = f.read()
        t = re.sub(r"<!--.*?-->\n", "", t, flags=re.S)
        mb = ("<memoryBacking><source type='memfd'/>"
              "<access mode='shared'/></memoryBacking>" if self.memfd else "")
        for k, v in {"NAME": self.name, "EMULATOR": self.a.qemu,
                     "KERNEL": os.path.join(self.a.guest, "kernel",
                                            "vmlinuz"),
                     "INITRD": self.a.initrd, "CMDLINE": CMDLINE,
                     "SERIAL": self.serial, "SERIAL_LOG": self.log,
                     "VNC": self.vnc, "VGT_PROPS": self.vgt_props,
                     "MEMORY_BACKING": mb}.items():
            t = t.replace("@%s@" % k, v)
        path = os.path.join(os.path.dirname(self.log), "domain.xml")
        with open(path, "w") as f:
            f.write(t)
        return path

    def connect(self):
        """Type into the console; what the guest prints is read all the
        time (a full socket would stall the guest's serial port), and kept
        by the chardev's log file."""
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        for _ in range(100):
            try:
                sock.connect(self.serial)
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise Fail("%s: no console at %s" % (self.name, self.serial))
        self.sock = sock
        threading.Thread(target=self._drain, args=(sock,),
                         daemon=True).start()

    @staticmethod
    def _drain(sock):
        try:
            while sock.recv(65536):
                pass
        except OSError:
            pass

    def type(self, line):
        self.sock.sendall((line + "\n").encode())

    def wait(self, pattern, timeout=180):
        """The first line of the console log from now matching @pattern."""
        end = time.time() + timeout
        while time.time() < end:
            try:
                with open(self.log, errors="replace") as f:
                    text = f.read()
            except FileNotFoundError:
                text = ""
            for l in text[self.seen:].splitlines():
                if re.search(r"BUG:|Oops|Kernel panic", l):
                    raise Fail("%s: the guest kernel crashed: %s"
                               % (self.name, l.strip()))
                m = re.search(pattern, l)
                if m:
                    self.seen = text.index(l, self.seen) + len(l)
                    return m
            time.sleep(0.5)
        raise Fail("%s: no '%s' within %ds (console: %s)"
                   % (self.name, pattern, timeout, self.log))

    def screenshot(self, label):
        png = os.path.join(self.a.out, "%s-%s.png" % (self.name, label))
        self.d.virsh("screenshot", self.name, png)
        w, h, rgb = vgtppm.read_png(png)
        return w, h, vgtppm.xrgb_md5(w, h, rgb)

    def step(self, n):
        """The guest draws a line and submits work; (fb0 md5, report)."""
        self.type("step %d" % n)
        lines = []
        end = time.time() + 180
        while True:
            m = self.wait(r"VGT-GUEST: (gem result .*|step-done %d .*)" % n,
                          max(1, end - time.time()))
            lines.append(m[1])
            if m[1].startswith("step-done"):
                break
        done = re.search(r"md5=(\S+) wedged=(\S+)", lines[-1])
        gem = [l for l in lines if l.startswith("gem result")]
        if not done or done[2] != "0":
            raise Fail("step %d: %s" % (n, lines[-1]))
        if not gem or not re.search(r"ok=4 failed=0", gem[0]):
            raise Fail("step %d: GPU work: %s" % (n, gem or "no report"))
        return done[1], "%s; %s" % (gem[0], lines[-1])


def ensure_users():
    for u in USERS:
        try:
            pwd.getpwnam(u)
        except KeyError:
            run(["useradd", "--system", "--no-create-home", "--home-dir",
                 "/nonexistent", "--shell", "/usr/sbin/nologin", u])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("qemu")
    ap.add_argument("guest")
    ap.add_argument("initrd")
    ap.add_argument("out")
    ap.add_argument("--hostd", required=True)
    ap.add_argument("--tap")
    a = ap.parse_args()
    a.qemu, a.out = os.path.abspath(a.qemu), os.path.abspath(a.out)
    a.guest, a.initrd = os.path.abspath(a.guest), os.path.abspath(a.initrd)
    tap = Tap(a.tap)
    if os.geteuid() != 0:
        print("1..0 # SKIP the daemons run as users of their own: needs root")
        return 0
    shutil.rmtree(a.out, ignore_errors=True)
    os.makedirs(a.out)
    os.chmod(a.out, 0o755)
    ensure_users()
    da = Daemon(USERS[0], os.path.join(a.out, "a"))
    db = Daemon(USERS[1], os.path.join(a.out, "b"))
    hostd = None
    steps = ["boot", "screenshot", "monitor", "step", "save-restore",
             "migrate", "shutdown", "hostd", "daemons"]
    done = set()

    def result(name, ok, why=""):
        done.add(name)
        tap.result(ok, name, why)

    try:
        da.start()
        db.start()
        g = Guest(a, da, "vgt-guest")
        da.virsh("define", g.xml())
        da.virsh("start", g.name)
        g.connect()
        m = g.wait(r"screen-ready w=(\d+) h=(\d+) .*md5=(\S+)")
        result("boot", True, "i915 on 00:02.0 drew its console "
               "(%sx%s, fb0 md5 %s)" % (m[1], m[2], m[3]))
        fb = m[3]
        w, h, md5 = g.screenshot("boot")
        result("screenshot", md5 == fb, "virsh screenshot %dx%d md5 %s, "
               "guest fb0 md5 %s" % (w, h, md5, fb))
        g.wait(r"migrate-ready")
        st = da.virsh("qemu-monitor-command", g.name,
                      '{"execute": "qom-get", "arguments": {"path": '
                      '"/machine/peripheral/vgt0", "property": "stats"}}')
        result("monitor", '"submission"' in st.stdout and
               '"guest-errors":0' in st.stdout.replace(" ", ""),
               st.stdout.strip()[:300])
        fb, why = g.step(1)
        md5 = g.screenshot("step1")[2]
        result("step", md5 == fb, "%s; screenshot md5 %s" % (why, md5))

        # virsh save / restore, then the guest goes on
        img = os.path.join(da.home, "saved.img")
        da.virsh("save", g.name, img)
        da.virsh("restore", img)
        g.connect()
        same = g.screenshot("restored")[2] == fb
        fb2, why = g.step(2)
        result("save-restore", same and g.screenshot("step2")[2] == fb2,
               "the restored screen is the saved one: %s; then %s"
               % (same, why))

        # live to the other daemon: its paths in the migration XML
        src_xml = da.virsh("dumpxml", "--migratable", g.name).stdout
        old = (g.serial, g.log, g.vnc)
        g.place(db)
        dst_xml = src_xml
        for o, n in zip(old, (g.serial, g.log, g.vnc)):
            dst_xml = dst_xml.replace(o, n)
        path = os.path.join(db.home, "migrate.xml")
        with open(path, "w") as f:
            f.write(dst_xml)
        da.virsh("migrate", "--live", "--xml", path, g.name, db.uri,
                 "--migrateuri", "tcp://127.0.0.1:49152", timeout=300)
        g.connect()
        state_a = da.virsh("domstate", g.name, check=False).stdout.strip()
        same = g.screenshot("migrated")[2] == fb2
        fb3, why = g.step(3)
        result("migrate", same and g.screenshot("step3")[2] == fb3 and
               state_a == "shut off",
               "source domain: %s; the destination's screen is the "
               "source's: %s; then %s" % (state_a, same, why))

        # shutdown: requested through libvirt, the guest powers off
        db.virsh("shutdown", g.name)
        g.type("done")
        for _ in range(120):
            if g.name not in db.virsh("list", "--name").stdout.split():
                break
            time.sleep(0.5)
        # a migrated domain is transient there: shut off, it is gone
        running = db.virsh("list", "--name").stdout.split()
        left = qemus_of(USERS[0]) + qemus_of(USERS[1])
        result("shutdown", g.name not in running and not left,
               "running domains: %s; QEMU processes left: %s"
               % (running or "none", left or "none"))

        # vgt-hostd's socket, from a libvirt-started QEMU
        hsock = os.path.join(da.home, "vgt-hostd.sock")
        hostd = subprocess.Popen(
            ["runuser", "-u", USERS[0], "--", a.hostd, "--socket", hsock],
            stdout=open(os.path.join(da.home, "vgt-hostd.log"), "w"),
            stderr=subprocess.STDOUT)
        for _ in range(100):
            if os.path.exists(hsock):
                break
            time.sleep(0.1)
        h = Guest(a, da, "vgt-hostd-guest", ",helper=" + hsock, memfd=True)
        da.virsh("define", h.xml())
        da.virsh("start", h.name)
        h.connect()
        m = h.wait(r"screen-ready w=(\d+) h=(\d+) .*md5=(\S+)")
        md5 = h.screenshot("boot")[2]
        da.virsh("destroy", h.name)
        time.sleep(1)
        left = qemus_of(USERS[0])
        result("hostd", md5 == m[3] and not left,
               "helper=vgt-hostd: console md5 %s (guest fb0 %s); after "
               "virsh destroy, QEMU processes left: %s"
               % (md5, m[3], left or "none"))
    except (Fail, subprocess.TimeoutExpired, OSError) as e:
        why = str(e)
        for s in steps[:-1]:
            if s not in done:
                tap.result(False, s, why)
                done.add(s)
                why = "not run: an earlier step failed"
    finally:
        for d in (da, db):
            for dom in ("vgt-guest", "vgt-hostd-guest"):
                d.virsh("destroy", dom, check=False)
                d.virsh("undefine", dom, check=False)
        if hostd:
            # SIGTERM to the daemon itself (runuser does not pass it on)
            run(["pkill", "-u", USERS[0], "-x", "vgt-hostd"], check=False)
            hostd.wait(20)
        da.stop()
        db.stop()
        # libvirtd's log helper lingers on its idle timeout: ours goes now
        for u in USERS:
            run(["pkill", "-u", u, "-x", "virtlogd"], check=False)
        for _ in range(100):
            left = [p for u in USERS for p in
                    run(["pgrep", "-a", "-u", u], check=False)
                    .stdout.splitlines()]
            if not left:
                break
            time.sleep(0.2)
        for u in USERS:
            run(["pkill", "-KILL", "-u", u], check=False)
        tap.result(not left, "daemons", "processes of %s left 20 s after "
                   "SIGTERM: %s" % (" and ".join(USERS), left or "none"))
        tap.close()
    return 0 if all(l.startswith("ok") for l in tap.lines
                    if re.match(r"(not )?ok ", l)) else 1


if __name__ == "__main__":
    sys.exit(main())
