"""Boot one of the benches' multiboot guests on vgt and read its result.

The guests (tests/bench/vgt-bench-guest.h) print one line "<tag>: k=v ..."
on COM1 and then DONE.  Used by vgt-bench-gtt.py and
vgt-bench-submit-guest.py.
"""

import os
import re
import signal
import subprocess
import tempfile
import time

MEMFD = ('-object', 'memory-backend-memfd,id=mem,size=256M,share=on')


def parse_args(argv):
    """[--tap] QEMU GUEST_ELF VGT_HOSTD WORKDIR: (tap, qemu, guest, hostd,
    work), WORKDIR made."""
    tap = argv[:1] == ['--tap']
    if tap:
        argv = argv[1:]
    qemu, guest, hostd, work = argv[:4]
    os.makedirs(work, exist_ok=True)
    return tap, qemu, guest, hostd, work


def run(qemu, guest, work, name, tag, props, extra=(), timeout=180):
    """The guest's k=v results as a dict, or a string saying what went
    wrong.  props: more -device vgt properties (",k=v..."); extra: more
    QEMU arguments (MEMFD makes guest RAM vgt-hostd can map)."""
    serial = os.path.join(work, name + '.serial')
    log = os.path.join(work, name + '.log')
    if os.path.exists(serial):
        os.unlink(serial)
    cmd = [qemu, '-M', 'pc' + (',memory-backend=mem' if extra else ''),
           '-accel', 'tcg', '-m', '256M', '-nodefaults', '-vga', 'none',
           '-display', 'none', '-no-reboot', '-d', 'guest_errors', '-D', log,
           *extra, '-device', 'vgt,addr=2,aperture_size=128M' + props,
           '-kernel', guest, '-serial', 'file:' + serial]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    text = ''
    deadline = time.time() + timeout
    while time.time() < deadline and proc.poll() is None:
        if os.path.exists(serial):
            with open(serial) as f:
                text = f.read()
            if 'DONE' in text:
                break
        time.sleep(0.2)
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    err = proc.communicate(timeout=30)[1].decode(errors='replace')
    m = re.search(tag + r': (.*)', text)
    if not m or 'bad=' not in m.group(1):
        return 'no result: ' + (err.strip() or text.strip() or 'timeout')
    return {k: int(v) for k, v in re.findall(r'(\w+)=(\d+)', m.group(1))}


def run_on_hostd(hostd, fn):
    """fn(props, extra) with a vgt-hostd of its own running: the VM's
    helper= property and memory backend."""
    tmp = tempfile.mkdtemp(prefix='vgt-bench-')
    sock = os.path.join(tmp, 'vgt.sock')
    daemon = subprocess.Popen([hostd, '--socket', sock],
                              stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        for _ in range(500):
            if os.path.exists(sock):
                break
            time.sleep(0.01)
        return fn(',helper=' + sock, MEMFD)
    finally:
        daemon.terminate()
        daemon.wait()
        if os.path.exists(sock):
            os.unlink(sock)
        os.rmdir(tmp)
