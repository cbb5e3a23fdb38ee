#!/usr/bin/env python3
# bench-gtt: the vgt device measured from inside a TCG guest
# (tests/bench/vgt-bench-guest.c): GTT entries per second through the
# device with the embedded helper and with vgt-hostd, and 32-bit stores
# and loads through the aperture -- GTT-mapped (the default) and with
# x-aperture-trap=on (every access trapped) -- next to plain RAM.
# With --tap it only reports, as TAP, whether the guest's checks passed
# in each configuration (every aperture page lands in the RAM page its
# GTT entry names, also right after the entry changes).
#   usage: vgt-bench-gtt.py [--tap] QEMU GUEST_ELF VGT_HOSTD WORKDIR
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

args = sys.argv[1:]
tap = args[:1] == ['--tap']
if tap:
    args = args[1:]
qemu, guest, hostd, work = args[:4]
os.makedirs(work, exist_ok=True)


def run(name, props, extra=()):
    """Boot the guest; its results, or a string saying what went wrong."""
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
    deadline = time.time() + 180
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
    m = re.search(r'vgt-bench: (.*)', text)
    if not m or 'bad=' not in m.group(1):
        return 'no result: ' + (err.strip() or text.strip() or 'timeout')
    r = {k: int(v) for k, v in re.findall(r'(\w+)=(\d+)', m.group(1))}
    if r['bad']:
        return '%d aperture checks failed' % r['bad']
    return r


def run_socket():
    tmp = tempfile.mkdtemp(prefix='vgt-bench-gtt-')
    sock = os.path.join(tmp, 'vgt.sock')
    daemon = subprocess.Popen([hostd, '--socket', sock],
                              stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        for _ in range(500):
            if os.path.exists(sock):
                break
            time.sleep(0.01)
        return run('socket', ',helper=' + sock,
                   ('-object',
                    'memory-backend-memfd,id=mem,size=256M,share=on'))
    finally:
        daemon.terminate()
        daemon.wait()
        if os.path.exists(sock):
            os.unlink(sock)
        os.rmdir(tmp)


runs = [('GTT-mapped aperture, embedded helper', lambda: run('embedded', '')),
        ('trap-all aperture (x-aperture-trap=on)',
         lambda: run('trap', ',x-aperture-trap=on')),
        ('GTT-mapped aperture, vgt-hostd', run_socket)]
results = []
if tap:
    print('1..%d' % len(runs))
for i, (what, fn) in enumerate(runs, 1):
    r = fn()
    results.append(r)
    if tap:
        ok = isinstance(r, dict)
        print('%s %d - TCG guest: %s%s' % ('ok' if ok else 'not ok', i, what,
                                         '' if ok else ' (%s)' % r))
    elif not isinstance(r, dict):
        sys.exit('bench-gtt: %s: %s' % (what, r))
if tap:
    sys.exit(0)

fast, trap, sockr = results


def mib_s(r, key):
    return r['bytes'] / (1 << 20) / (r[key] / r['pm_hz'])


def kent_s(r):
    return r['gtt_entries'] / (r['gtt_ticks'] / r['pm_hz']) / 1000


print('vgt bench-gtt: measured inside a TCG guest (-M pc, 1 vCPU, '
      'ACPI PM timer)')
print('GTT entries/s through the device (guest MMIO writes to BAR0+2MiB, '
      '%d entries):' % fast['gtt_entries'])
e, s = kent_s(fast), kent_s(sockr)
print('  %-28s %10.0f k/s' % ('embedded helper', e))
print('  %-28s %10.0f k/s   %.2fx embedded' % ('vgt-hostd (socket)', s, s / e))
print('Aperture, %d MiB of 32-bit accesses (MiB/s, ratio to RAM):'
      % (fast['bytes'] >> 20))
print('  %-8s %10s %22s %22s' % ('', 'RAM', 'aperture (GTT-mapped)',
                                 'aperture (trap all)'))
for op, key in (('store', 'w'), ('load', 'r')):
    ram = mib_s(fast, 'ram_' + key)
    ap = mib_s(fast, 'ap_' + key)
    tr = mib_s(trap, 'ap_' + key)
    print('  %-8s %10.0f %13.0f (%5.2fx) %13.1f (%5.3fx)'
          % (op, ram, ap, ap / ram, tr, tr / mib_s(trap, 'ram_' + key)))
print('GTT-mapped vs trap-all aperture stores: %.0fx faster'
      % (mib_s(fast, 'ap_w') / mib_s(trap, 'ap_w')))
