#!/usr/bin/env python3
# bench-submit's TCG guest (tests/bench/vgt-bench-submit-guest.c): the blit
# workload submitted through the device by a guest that waits for its
# interrupts halted, with the embedded helper and with a vgt-hostd of its
# own; prints the requests per second of each.  With --tap it only
# reports, as TAP, whether the guest's checks passed in each (every
# request ran, HEAD reached TAIL: the MSI wait and the notify policy work
# end to end, which qtests cannot show, having no CPU).
#   usage: vgt-bench-submit-guest.py [--tap] QEMU GUEST_ELF VGT_HOSTD WORKDIR
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True      # nothing written into the tree
import vgtguest  # noqa: E402

tap, qemu, guest, hostd, work = vgtguest.parse_args(sys.argv[1:])
CHECKS = ('the last seqno', 'the last fill', 'HEAD at TAIL')


def run(name, props='', extra=()):
    r = vgtguest.run(qemu, guest, work, name, 'vgt-submit', props, extra)
    if isinstance(r, dict) and r['bad']:
        return 'wrong: ' + ', '.join(c for i, c in enumerate(CHECKS)
                                     if r['bad'] & 1 << i)
    return r


runs = [('embedded helper', lambda: run('embedded')),
        ('vgt-hostd', lambda: vgtguest.run_on_hostd(
            hostd, lambda props, extra: run('socket', props, extra)))]
if tap:
    print('1..%d' % len(runs))
for i, (what, fn) in enumerate(runs, 1):
    r = fn()
    if tap:
        ok = isinstance(r, dict)
        print('%s %d - TCG guest submitting through the device, %s%s'
              % ('ok' if ok else 'not ok', i, what,
                 ' (%d requests, %d waits, %d interrupts)'
                 % (r['requests'], r['waits'], r['irqs']) if ok
                 else ' (%s)' % r))
        continue
    if not isinstance(r, dict):
        sys.exit('bench-submit: TCG guest, %s: %s' % (what, r))
    rate = r['requests'] / (r['ticks'] / r['pm_hz'])
    print('TCG guest, %-16s %10.0f/s  (%d requests, %.3f waits and %.2f '
          'interrupts each)' % (what, rate, r['requests'],
                                r['waits'] / r['requests'],
                                r['irqs'] / r['requests']))
