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
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True      # nothing written into the tree
import vgtguest  # noqa: E402

tap, qemu, guest, hostd, work = vgtguest.parse_args(sys.argv[1:])


def run(name, props, extra=()):
    """Boot the guest; its results, or a string saying what went wrong."""
    r = vgtguest.run(qemu, guest, work, name, 'vgt-bench', props, extra)
    if isinstance(r, dict) and r['bad']:
        return '%d aperture checks failed' % r['bad']
    return r


def run_socket():
    return vgtguest.run_on_hostd(
        hostd, lambda props, extra: run('socket', props, extra))


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
