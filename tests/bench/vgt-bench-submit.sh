#!/bin/sh
# bench-submit (docs/bench.md): bench-helper-cs's blit workload directly on
# the software Haswell and through the whole device (vgt-submit-bench: a
# qtest guest; the embedded helper pipelined, then one workload in flight,
# then vgt-hostd), side by side in ROUNDS interleaved rounds; medians, the
# lowest and highest ratio, and what the last round saw of the blitter.
#   usage: vgt-bench-submit.sh BENCH_HELPER_CS VGT_SUBMIT_BENCH [ROUNDS]
# The environment gives QTEST_QEMU_BINARY, VGT_HOSTD and VGT_TEST_DIR.
set -eu
cs=${1:?usage: vgt-bench-submit.sh BENCH_HELPER_CS VGT_SUBMIT_BENCH [ROUNDS]}
qt=${2:?}; rounds=${3:-3}
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
r=0
while [ "$r" -lt "$rounds" ]; do
    d=$("$cs" direct 2>/dev/null | awk '/^direct/ { print $2 }')
    out=$("$qt" 2>/dev/null)
    m=$(echo "$out" | awk '/^through the device +[0-9]/ { print $4 }')
    o=$(echo "$out" | awk '/^through the device, one workload/ { print $8 }')
    h=$(echo "$out" | awk '/^through the device and vgt-hostd/ { print $6 }')
    echo "${d:-0} ${m%/s} ${o%/s} ${h%/s}" >> "$tmp"
    r=$((r + 1))
done
awk -v n="$rounds" '
function med(a,   i, j, t, b) {
    for (i = 1; i <= n; i++) b[i] = a[i]
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
        if (b[j] < b[i]) { t = b[i]; b[i] = b[j]; b[j] = t }
    return b[int(n / 2) + 1]
}
function lo(a,   i, m) {
    m = a[1]; for (i = 2; i <= n; i++) if (a[i] < m) m = a[i]; return m
}
function hi(a,   i, m) {
    m = a[1]; for (i = 2; i <= n; i++) if (a[i] > m) m = a[i]; return m
}
{ k++; d[k] = $1; m[k] = $2; o[k] = $3; h[k] = $4
  rm[k] = $1 > 0 ? $2 / $1 : 0; ro[k] = $1 > 0 ? $3 / $1 : 0
  rh[k] = $1 > 0 ? $4 / $1 : 0 }
END {
    print "vgt submission: bench-helper-cs'"'"'s blit workload," \
        " workloads per second"
    printf "  (medians of %d interleaved rounds of 1.5 s each)\n", n
    printf "  directly on the software Haswell   %.0f/s\n", med(d)
    printf "  through the device (qtest guest)   %.0f/s\n", med(m)
    printf "  ... one workload in flight         %.0f/s\n", med(o)
    printf "  ... and vgt-hostd (socket)         %.0f/s\n", med(h)
    printf "  device / direct                    %.2fx   (%.2f-%.2f)\n",
        med(rm), lo(rm), hi(rm)
    printf "  one in flight / direct             %.2fx   (%.2f-%.2f)\n",
        med(ro), lo(ro), hi(ro)
    printf "  device + vgt-hostd / direct        %.2fx   (%.2f-%.2f)\n",
        med(rh), lo(rh), hi(rh)
}' "$tmp"
echo "  the last round, in the order above:"
echo "$out" | grep '^  (' || true
