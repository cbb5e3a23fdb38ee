#!/usr/bin/env python3
"""Boot the vgt desktop image (weston on Debian's i915 on -device vgt) and
talk to it from the host: QEMU's QMP, the guest agent, the serial log.

  vgtdesk.py demo QEMU IMAGE_DIR OUT_DIR     (make demo-desktop)
      Boots with progress, waits for weston, leaves OUT_DIR/screen.png and
      OUT_DIR/serial.log, says how to watch over VNC, holds VGT_DEMO_HOLD
      seconds (30) and shuts the guest down cleanly.
  vgtdesk.py test QEMU IMAGE_DIR OUT_DIR     (tests/desktop/run.sh)
      Boots and checks the desktop; TAP on stdout, details in OUT_DIR.

Environment: VGT_VNC=N (VNC display, default 1: 127.0.0.1:5901),
VGT_DEMO_HOLD=S, VGT_ACCEL (default kvm:tcg; tcg forces TCG),
VGT_DESKTOP_TIMEOUT=S (boot to weston, default 420).
Only the Python standard library is used.  QEMU never outlives this
program: it is killed on every way out (exception, signal, time-out).
"""
import base64
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

# QMP and PPM/PNG: the project's shared modules (scripts/lib/).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import vgtqmp  # noqa: E402
import vgtppm  # noqa: E402

# weston.ini's colours (scripts/desktop/rootfs/etc/xdg/weston/weston.ini)
BACKGROUND = (0x1C, 0x5A, 0x7A)
PANEL = (0xE0, 0xA0, 0x00)
ABS_MAX = 0x7FFF        # QEMU's INPUT_EVENT_ABS_MAX (usb-tablet's range)


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- QMP, QGA

class Monitor:
    """One JSON line protocol client (QMP or the guest agent)."""

    def __init__(self, path, timeout=10.0):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self.buf = b""
        self.events = []

    def read(self, timeout=None):
        if timeout is not None:
            self.sock.settimeout(timeout)
        while b"\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("socket closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        line = line.strip(b"\xff \r")
        if not line:
            return self.read(timeout)
        return json.loads(line)

    def send(self, name, **args):
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.sock.sendall(json.dumps(msg).encode() + b"\n")

    def cmd(self, name, timeout=10.0, **args):
        self.send(name, **args)
        while True:
            r = self.read(timeout)
            if "event" in r:
                self.events.append(r)
                continue
            return r

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


class QMP(vgtqmp.QMP):
    """The project's QMP client, keeping QEMU's events for the report."""

    def __init__(self, path):
        self.seen = []
        super().__init__(path)

    def _event(self, r):
        self.seen.append(r)

    def ok(self, name, **args):
        return self.cmd(name, **args)

    def display(self, dev="gpu"):
        return self.cmd("qom-get", path="/machine/peripheral/" + dev,
                        property="display")

    def tablet(self, x, y):
        """Move the usb-tablet to (x, y) in [0, 1] screen fractions."""
        return self.cmd("input-send-event", events=[
            {"type": "abs", "data": {"axis": "x", "value": int(x * ABS_MAX)}},
            {"type": "abs", "data": {"axis": "y", "value": int(y * ABS_MAX)}}])


class Agent(Monitor):
    """QEMU's guest agent (qemu-guest-agent in the image, virtio-serial)."""

    def __init__(self, path, deadline):
        super().__init__(path)
        self.sync(deadline)

    def sync(self, deadline):
        n = 1000
        while time.time() < deadline:
            n += 1
            try:
                self.sock.sendall(b"\xff")
                self.send("guest-sync-delimited", id=n)
                end = time.time() + 3
                while time.time() < end:
                    r = self.read(3)
                    if r.get("return") == n:
                        return
            except (socket.timeout, ValueError):
                continue
        raise TimeoutError("the guest agent did not answer")

    def run(self, script, timeout=30):
        """sh -c SCRIPT in the guest: (exit code, output)."""
        r = self.cmd("guest-exec", path="/bin/sh", arg=["-c", script],
                     **{"capture-output": True})
        if "error" in r:
            raise RuntimeError("guest-exec: %s" % r["error"].get("desc"))
        pid = r["return"]["pid"]
        end = time.time() + timeout
        while time.time() < end:
            s = self.cmd("guest-exec-status", pid=pid)["return"]
            if s.get("exited"):
                out = base64.b64decode(s.get("out-data", "")).decode(errors="replace")
                err = base64.b64decode(s.get("err-data", "")).decode(errors="replace")
                return s.get("exitcode", -1), out + err
            time.sleep(0.3)
        raise TimeoutError("guest command did not finish in %ss: %s" % (timeout, script))


# ---------------------------------------------------------------- pictures

read_ppm = vgtppm.read_ppm
write_png = vgtppm.write_png


def colour_stats(w, h, pix, y0=0, y1=None):
    """{(r,g,b): count} over rows [y0, y1)."""
    y1 = h if y1 is None else y1
    counts = {}
    for y in range(y0, y1):
        row = pix[y * w * 3:(y + 1) * w * 3]
        for x in range(0, w * 3, 3):
            c = row[x:x + 3]
            counts[c] = counts.get(c, 0) + 1
    return {tuple(k): v for k, v in counts.items()}


def near(c, ref, tol=6):
    return all(abs(a - b) <= tol for a, b in zip(c, ref))


def diff_box(a, b, w, h):
    """Bounding box (x0, y0, x1, y1) of the pixels that differ, or None."""
    x0 = y0 = 1 << 30
    x1 = y1 = -1
    for y in range(h):
        ra = a[y * w * 3:(y + 1) * w * 3]
        rb = b[y * w * 3:(y + 1) * w * 3]
        if ra == rb:
            continue
        for x in range(w):
            if ra[x * 3:x * 3 + 3] != rb[x * 3:x * 3 + 3]:
                x0 = min(x0, x)
                x1 = max(x1, x)
                y0 = min(y0, y)
                y1 = max(y1, y)
    return None if x1 < 0 else (x0, y0, x1, y1)


# ---------------------------------------------------------------- the VM

FIRMWARE = ("/usr/share/qemu", "/usr/share/seabios", "/usr/lib/ipxe/qemu")


class VM:
    def __init__(self, qemu, image, out, vnc=None):
        self.qemu, self.image, self.out = qemu, image, out
        os.makedirs(out, exist_ok=True)
        for f in ("serial.log", "qemu.log", "screen.ppm", "screen.png",
                  "command.txt", "qmp-events.txt", "result.txt", "unimp.log",
                  "stats.json"):
            try:
                os.unlink(os.path.join(out, f))
            except FileNotFoundError:
                pass
        self.sockdir = tempfile.mkdtemp(prefix="vgt-desk.")
        self.qmp_path = os.path.join(self.sockdir, "qmp.sock")
        self.qga_path = os.path.join(self.sockdir, "qga.sock")
        self.serial = os.path.join(out, "serial.log")
        open(self.serial, "w").close()
        with open(os.path.join(image, "cmdline")) as f:
            cmdline = f.read().strip()
        accel = os.environ.get("VGT_ACCEL", "kvm:tcg")
        if accel == "kvm:tcg" and not os.access("/dev/kvm", os.R_OK | os.W_OK):
            accel = "tcg"
        self.accel = accel
        self.cmdline = cmdline
        self.vnc = vnc
        self.proc = None
        self.qmp = None
        self.agent = None
        self.start = None
        self.seen = 0

    def make_args(self):
        image = self.image
        args = [self.qemu, "-M", "q35"]
        for a in self.accel.split(":"):
            args += ["-accel", a]
        args += ["-m", "1024", "-device", "vgt,id=gpu",
                 "-drive", "if=virtio,file=%s,format=raw,snapshot=on"
                 % os.path.join(image, "disk.raw"),
                 "-nic", "user,model=virtio-net-pci",
                 "-usb", "-device", "usb-tablet,id=tablet",
                 "-kernel", os.path.join(image, "vmlinuz"),
                 "-initrd", os.path.join(image, "initrd.img"),
                 "-append", self.cmdline,
                 "-serial", "file:" + self.serial,
                 "-qmp", "unix:%s,server=on,wait=off" % self.qmp_path,
                 "-chardev", "socket,id=qga0,path=%s,server=on,wait=off" % self.qga_path,
                 "-device", "virtio-serial-pci",
                 "-device", "virtserialport,chardev=qga0,name=org.qemu.guest_agent.0",
                 "-no-reboot",
                 # what the device does not model, for the record
                 "-d", "unimp,guest_errors", "-D", os.path.join(self.out, "unimp.log")]
        for d in FIRMWARE:
            if os.path.isdir(d):
                args += ["-L", d]
        if self.vnc is not None:
            args += ["-vnc", "127.0.0.1:%d" % self.vnc]
        else:
            args += ["-display", "none"]
        self.args = args
        with open(os.path.join(self.out, "command.txt"), "w") as f:
            f.write(" ".join(args) + "\n")

    def launch(self, silence=15):
        """Start QEMU.  With kvm:tcg, a KVM that runs no guest (seen on
        hosts with nested virtualisation: not one byte on the serial
        port) is given SILENCE seconds; then QEMU restarts under TCG."""
        self._launch()
        if not self.accel.startswith("kvm:"):
            return
        end = time.time() + silence
        while time.time() < end and self.proc.poll() is None:
            if os.path.getsize(self.serial) > 0:
                return
            time.sleep(0.5)
        if os.path.getsize(self.serial) > 0:
            return
        log("vgt-desktop: KVM gave no guest output in %ds: starting again under TCG" % silence)
        self.kill()
        self.sockdir = tempfile.mkdtemp(prefix="vgt-desk.")
        self.qmp_path = os.path.join(self.sockdir, "qmp.sock")
        self.qga_path = os.path.join(self.sockdir, "qga.sock")
        self.qmp = self.agent = None
        self.seen = 0
        open(self.serial, "w").close()
        self.accel = "tcg"
        self._launch()

    def _launch(self):
        self.make_args()
        self.start = time.time()
        self.qemu_log = open(os.path.join(self.out, "qemu.log"), "w")
        self.proc = subprocess.Popen(self.args, stdout=self.qemu_log,
                                     stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        end = time.time() + 20
        while time.time() < end:
            if self.proc.poll() is not None:
                raise RuntimeError("QEMU exited at once (%s): %s" % (
                    self.proc.returncode, self.qemu_said()))
            try:
                self.qmp = QMP(self.qmp_path)
                return
            except (FileNotFoundError, ConnectionRefusedError):
                time.sleep(0.2)
        raise RuntimeError("no QMP socket after 20s")

    def qemu_said(self):
        try:
            with open(os.path.join(self.out, "qemu.log")) as f:
                return f.read().strip()[-2000:]
        except OSError:
            return ""

    def elapsed(self):
        return time.time() - self.start

    def serial_text(self):
        with open(self.serial, errors="replace") as f:
            return f.read()

    def new_lines(self):
        """Complete serial lines not returned before."""
        with open(self.serial, "rb") as f:
            f.seek(self.seen)
            data = f.read()
        cut = data.rfind(b"\n")
        if cut < 0:
            return []
        self.seen += cut + 1
        return data[:cut].decode(errors="replace").replace("\r", "").split("\n")

    def wait_serial(self, pattern, timeout, on_line=None):
        """Wait for a serial line matching pattern; returns the match or None."""
        rx = re.compile(pattern)

        def scan():
            for line in self.new_lines():
                if on_line:
                    on_line(line)
                m = rx.search(line)
                if m:
                    return m
            return None

        end = time.time() + timeout
        while time.time() < end:
            if self.seen == 0 and self.elapsed() > 90 and os.path.getsize(self.serial) == 0:
                log("vgt-desktop: the guest printed nothing in 90s")
                return None
            exited = self.proc.poll() is not None
            m = scan()      # after an exit: what it printed last
            if m or exited:
                return m
            time.sleep(0.25)
        return None

    def connect_agent(self, timeout=60):
        self.agent = Agent(self.qga_path, time.time() + timeout)
        return self.agent

    def screendump(self, name="screen"):
        """QMP screendump of the vgt console: OUT/NAME.ppm and .png."""
        ppm = os.path.join(self.out, name + ".ppm")
        self.qmp.ok("screendump", filename=ppm, device="gpu")
        w, h, pix = read_ppm(ppm)
        write_png(os.path.join(self.out, name + ".png"), w, h, pix)
        return w, h, pix

    def shutdown(self, timeout=60):
        """guest-shutdown through the agent (systemd powers off); if the
        guest is still up after TIMEOUT, the ACPI power button (QMP
        system_powerdown, logind); 30 s later QMP quit.  Returns how it
        ended and QEMU's SHUTDOWN reason."""
        how = None
        steps = []
        if self.proc.poll() is None:
            try:
                if self.agent is None:
                    self.connect_agent(20)
                self.agent.send("guest-shutdown", mode="powerdown")
                steps.append(("guest-shutdown (agent)", timeout))
            except Exception as e:
                log("vgt-desktop: guest agent: %s" % e)
            steps.append(("system_powerdown (ACPI)", 30))
            steps.append(("quit (the guest did not power off)", 10))
        for i, (what, wait) in enumerate(steps):
            if self.proc.poll() is not None:
                break
            if i > 0:
                log("vgt-desktop: still running: %s" % what)
                try:
                    self.qmp.ok(what.split()[0])
                except Exception:
                    pass
            how = what
            try:
                self.proc.wait(wait)
            except subprocess.TimeoutExpired:
                pass
        reason = None
        if self.qmp:
            # QEMU's last words (SHUTDOWN and its reason) are still in the socket
            try:
                end = time.time() + 0.5
                while time.time() < end:
                    self.qmp.poll_events()
                    time.sleep(0.05)
            except Exception:
                pass
            with open(os.path.join(self.out, "qmp-events.txt"), "w") as f:
                for e in self.qmp.seen:
                    f.write(json.dumps(e) + "\n")
                    if e.get("event") == "SHUTDOWN":
                        reason = e.get("data", {}).get("reason")
        self.kill()
        return how, reason

    def device_report(self):
        """The device's own counters (QOM "stats") and QEMU's unimp log,
        as comment lines; stats also in OUT/stats.json."""
        lines = []
        try:
            st = self.qmp.ok("qom-get", path="/machine/peripheral/gpu", property="stats")
            with open(os.path.join(self.out, "stats.json"), "w") as f:
                json.dump(st, f, indent=1)
            lines.append("device stats: irq %s, submission %s/%s rejected, guest-errors %s, register-errors %s" % (
                st.get("irq"), st.get("submission", {}).get("submitted"),
                st.get("submission", {}).get("rejected"), st.get("guest-errors"),
                st.get("register-errors")))
        except Exception as e:
            lines.append("device stats: %s" % e)
        try:
            with open(os.path.join(self.out, "unimp.log"), errors="replace") as f:
                un = [ln.rstrip() for ln in f if ln.strip()]
        except OSError:
            un = []
        # (q35's AHCI logs its IRQ changes there too: not ours)
        ours = [ln for ln in un if "vgt" in ln or "ILLOPC" in ln]
        lines.append("unimp/guest-error log: %d vgt lines%s (%d lines from other devices)" % (
            len(ours), (", first: " + ours[0][:120]) if ours else "", len(un) - len(ours)))
        return lines

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for m in (self.qmp, self.agent):
            if m:
                m.close()
        shutil.rmtree(self.sockdir, ignore_errors=True)


def on_signal(signum, frame):
    raise SystemExit("vgt-desktop: interrupted (signal %d)" % signum)


# ---------------------------------------------------------------- boot

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")

# The serial lines worth showing while it boots.
PROGRESS = re.compile(
    r"Linux version|Run /init|EXT4-fs \(vda\): mounted|systemd\[1\]: systemd \d|"
    r"i915 0000:00:02\.0: \[drm\] [A-Z]|\[drm\] Initialized|Console: switching|"
    r"Reached target .*(Multi-User|Graphical)|Started .*(getty@tty1|seatd|Guest Agent)|"
    r"WESTON: (VGT-DESKTOP|.*(Output '|DRM: head|Using |launching|Loading module .*shell|"
    r"error|failed|Error))|\*ERROR\*|WARNING:|Kernel panic|BUG:")


def boot_to_weston(vm, timeout, show=True):
    """Boot and wait for the session's weston-ready marker.  Returns the
    seconds it took, or None (then why is printed)."""
    def line(ln):
        if show and PROGRESS.search(ln):
            ln = ANSI.sub("", ln).replace("root@vgt-desktop:~# ", "")
            log("  guest %5.1fs: %s" % (vm.elapsed(), ln.strip()[:150]))
    m = vm.wait_serial(r"VGT-DESKTOP: (weston-ready|giving up|no /dev/dri)", timeout, line)
    if m and m.group(1) == "weston-ready":
        return vm.elapsed()
    if vm.proc.poll() is not None:
        log("vgt-desktop: QEMU exited (%s) before weston came up: %s"
            % (vm.proc.returncode, vm.qemu_said()))
    elif m:
        log("vgt-desktop: the guest session said: %s" % m.group(0))
    else:
        log("vgt-desktop: no weston after %ss" % timeout)
    return None


def pipe_a(disp):
    for p in disp.get("pipes", []):
        if p.get("pipe") == "A":
            return p
    return {}


def wait_desktop(vm, timeout=60):
    """After weston-ready: wait until the shell has drawn (the console
    shows pipe A and the screen holds weston's background colour).  The
    screendump itself refreshes the console (QEMU's graphic_hw_update):
    with no display and no VNC client nothing else does."""
    end = time.time() + timeout
    last = None
    while time.time() < end:
        try:
            w, h, pix = vm.screendump("screen")
            disp = vm.qmp.display()
        except Exception as e:
            last = str(e)
            time.sleep(1)
            continue
        last = disp.get("console")
        if last.startswith("pipe"):
            st = colour_stats(w, h, pix, h // 2, h // 2 + 8)
            if any(near(c, BACKGROUND) for c in st):
                return disp
        time.sleep(1)
    log("vgt-desktop: the desktop did not appear within %ss (console: %s)" % (timeout, last))
    return None


# ---------------------------------------------------------------- demo

def demo(qemu, image, out):
    vnc = int(os.environ.get("VGT_VNC", "1"))
    hold = int(os.environ.get("VGT_DEMO_HOLD", "30"))
    timeout = int(os.environ.get("VGT_DESKTOP_TIMEOUT", "420"))
    vm = VM(qemu, image, out, vnc=vnc)
    port = 5900 + vnc
    rc = 1
    try:
        with open(os.path.join(image, "kernel.id")) as f:
            kid = f.read().strip()
        log("vgt desktop demo: guest = Debian bookworm + weston 10 (DRM backend, pixman) on %s" % kid)
        log("vgt desktop demo: QEMU  = %s (-M q35, %s, -device vgt)" % (qemu, vm.accel))
        log("vgt desktop demo: watch and use it live with a VNC viewer on 127.0.0.1:%d (display :%d,"
            " loopback only;" % (port, vnc))
        log("          from another machine: ssh -L %d:127.0.0.1:%d <this host>, then a viewer on"
            " localhost:%d)" % (port, port, port))
        vm.launch()
        log("vgt desktop demo: booting; the guest's progress follows (full log: %s)" % vm.serial)
        t = boot_to_weston(vm, timeout)
        if t is None:
            return 1
        log("vgt desktop demo: weston is up after %.1fs" % t)
        disp = wait_desktop(vm)
        if disp:
            # the pointer into view, and the terminal's window (black) drawn
            vm.qmp.tablet(0.12, 0.2)
            end = time.time() + 20
            while time.time() < end:
                w, h, pix = vm.screendump("screen")
                if sum(v for c, v in colour_stats(w, h, pix, h // 2, h // 2 + 4).items()
                       if c == (0, 0, 0)) > w:
                    break
                time.sleep(1)
            disp = vm.qmp.display()
            a = pipe_a(disp)
            log("vgt desktop demo: the device shows %s (pipe A: %s %s, %s frames)"
                % (disp.get("console"), a.get("mode"), a.get("format"), a.get("frames")))
            log("vgt desktop demo: screenshot %s" % os.path.join(out, "screen.png"))
            rc = 0
        log("vgt desktop demo: the desktop stays up for %ds (VGT_DEMO_HOLD): VNC 127.0.0.1:%d;"
            " the mouse is a usb-tablet, the panel's icon starts a weston-terminal" % (hold, port))
        end = time.time() + hold
        while time.time() < end and vm.proc.poll() is None:
            time.sleep(1)
        if vm.proc.poll() is None and disp:
            vm.screendump("screen-end")
        if vm.proc.poll() is None:
            for ln in vm.device_report():
                log("vgt desktop demo: " + ln)
        log("vgt desktop demo: shutting down")
    finally:
        how, reason = vm.shutdown()
        result = "%s, SHUTDOWN reason %s, after %.0fs" % (how, reason, vm.elapsed() if vm.start else 0)
        with open(os.path.join(out, "result.txt"), "w") as f:
            f.write(result + "\n")
        log("vgt desktop demo: ended: %s" % result)
        log("vgt desktop demo: files: serial log %s, screenshot %s, QEMU command %s"
            % (vm.serial, os.path.join(out, "screen.png"), os.path.join(out, "command.txt")))
    return rc


def main():
    sys.dont_write_bytecode = True      # no __pycache__ in the source tree
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    if len(sys.argv) != 5 or sys.argv[1] not in ("demo", "test"):
        sys.exit(__doc__)
    mode, qemu, image, out = sys.argv[1:]
    if mode == "demo":
        sys.exit(demo(qemu, image, out))
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                    "..", "..", "tests", "desktop"))
    import check
    sys.exit(check.run(qemu, image, out))


if __name__ == "__main__":
    main()
