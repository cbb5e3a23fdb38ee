"""QEMU's QMP, as the project's host-side scripts and tests speak it.

One client for all of them (scripts/guest/qmp-watch.py, tests/vmline,
tests/deb, scripts/desktop): import it with
    sys.path.insert(0, os.path.join(TOP, "scripts", "lib"))
    import vgtqmp
Standard library only.
"""
import json
import os
import socket
import time


class QMPError(Exception):
    """QEMU answered a command with an error (the exception's text says
    which command and QEMU's description)."""


class QMP:
    """One QMP connection on a UNIX socket, capabilities negotiated."""

    events = None   # a file to append QEMU's events to, when set

    def __init__(self, path, timeout=10.0):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self.buf = b""
        self._read()                      # greeting
        self.cmd("qmp_capabilities")

    def _read(self):
        while b"\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("QMP socket closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def _event(self, r):
        if self.events:
            self.events.write(json.dumps(r) + "\n")
            self.events.flush()

    def execute(self, name, **args):
        """The whole answer: {"return": ...} or {"error": ...}."""
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.sock.sendall(json.dumps(msg).encode() + b"\n")
        while True:
            r = self._read()
            if "event" in r:
                self._event(r)
                continue
            return r

    def cmd(self, name, **args):
        """The command's return value; QMPError when QEMU refuses it."""
        r = self.execute(name, **args)
        if "error" in r:
            raise QMPError("QMP %s %s: %s" % (
                name, json.dumps(args), r["error"].get("desc", r["error"])))
        return r.get("return")

    def hmp(self, line):
        """A human monitor command's output."""
        return self.cmd("human-monitor-command", **{"command-line": line})

    def poll_events(self):
        """Record the events QEMU has sent meanwhile (SHUTDOWN and its
        reason tell a guest power-off from a reset or a signal);
        ConnectionError once QEMU has gone."""
        closed = False
        self.sock.setblocking(False)
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    closed = True
                    break
                self.buf += chunk
        except BlockingIOError:
            pass
        except OSError:
            closed = True
        finally:
            self.sock.setblocking(True)
        while b"\n" in self.buf:
            line, self.buf = self.buf.split(b"\n", 1)
            r = json.loads(line)
            if "event" in r:
                self._event(r)
        if closed:
            raise ConnectionError("QMP socket closed")

    def close(self):
        self.sock.close()


def alive(pid):
    """Whether process @pid still runs (True when no pid is given)."""
    if not pid:
        return True
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    # A child that exited but was not reaped yet is a zombie: gone too.
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def connect(path, timeout, pid=None, qmp_timeout=10.0):
    """Connect once QEMU listens: retry until @timeout seconds have passed
    or QEMU (@pid, if given) has exited; ConnectionError then."""
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        if not alive(pid):
            raise ConnectionError("QEMU (pid %s) exited before QMP answered"
                                  % pid)
        try:
            return QMP(path, qmp_timeout)
        except (OSError, ConnectionError, ValueError) as e:
            last = e
            time.sleep(0.1)
    raise ConnectionError("QMP %s did not answer within %ss (%s)"
                          % (path, timeout, last))
