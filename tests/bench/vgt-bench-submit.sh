#!/bin/sh
# bench-submit (docs/bench.md): bench-helper-cs's blit workload directly on
# the software Haswell and through the whole device, side by side in
# ROUNDS interleaved rounds: by a qtest guest (vgt-submit-bench; the
# embedded helper pipelined, then one workload in flight, then vgt-hostd)
# and, when TCG_GUEST (a command: vgt-bench-submit-guest.py and its
# arguments) is given, by a TCG guest (embedded, vgt-hostd).  Prints the
# medians, the lowest and highest ratio, and what the last round saw.
#   usage: vgt-bench-submit.sh BENCH_HELPER_CS VGT_SUBMIT_BENCH [TCG_GUEST]
#          [ROUNDS]
# The environment gives QTEST_QEMU_BINARY, VGT_HOSTD and VGT_TEST_DIR.
set -eu
usage="vgt-bench-submit.sh BENCH_HELPER_CS VGT_SUBMIT_BENCH"
usage="$usage [TCG_GUEST] [ROUNDS]"
cs=${1:?usage: $usage}
qt=${2:?}; tcg=${3:-}; rounds=${4:-3}
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
r=0
while [ "$r" -lt "$rounds" ]; do
    d=$("$cs" direct 2>/dev/null | awk '/^direct/ { print $2 }')
    out=$("$qt" 2>/dev/null)
    m=$(echo "$out" | awk '/^through the device +[0-9]/ { print $4 }')
    o=$(echo "$out" | awk '/^through the device, one workload/ { print $8 }')
    h=$(echo "$out" | awk '/^through the device and vgt-hostd/ { print $6 }')
    t=0; u=0
    if [ -n "$tcg" ]; then
        tout=$($tcg)
        t=$(echo "$tout" | awk '/^TCG guest, embedded/ { print $5 }')
        u=$(echo "$tout" | awk '/^TCG guest, vgt-hostd/ { print $4 }')
    fi
    echo "${d:-0} ${m%/s} ${o%/s} ${h%/s} ${t%/s} ${u%/s}" >> "$tmp"
    r=$((r + 1))
done
awk -v n="$rounds" -v tcg="$tcg" '
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
function ratio(what, a) {
    printf "  %-34s %.2fx   (%.2f-%.2f)\n", what, med(a), lo(a), hi(a)
}
{ k++; d[k] = $1; m[k] = $2; o[k] = $3; h[k] = $4; t[k] = $5; u[k] = $6
  rm[k] = $1 > 0 ? $2 / $1 : 0; ro[k] = $1 > 0 ? $3 / $1 : 0
  rh[k] = $1 > 0 ? $4 / $1 : 0; rt[k] = $1 > 0 ? $5 / $1 : 0
  ru[k] = $1 > 0 ? $6 / $1 : 0 }
END {
    print "vgt submission: bench-helper-cs'"'"'s blit workload," \
        " workloads per second"
    printf "  (medians of %d interleaved rounds of 1.5 s each, 2 s in the " \
        "TCG guest)\n", n
    printf "  directly on the software Haswell   %.0f/s\n", med(d)
    printf "  through the device (qtest guest)   %.0f/s\n", med(m)
    printf "  ... one workload in flight         %.0f/s\n", med(o)
    printf "  ... and vgt-hostd (socket)         %.0f/s\n", med(h)
    if (tcg != "") {
        printf "  through the device (TCG guest)     %.0f/s\n", med(t)
        printf "  ... TCG guest and vgt-hostd        %.0f/s\n", med(u)
    }
    ratio("device / direct", rm)
    ratio("one in flight / direct", ro)
    ratio("device + vgt-hostd / direct", rh)
    if (tcg != "") {
        ratio("TCG guest / direct", rt)
        ratio("TCG guest + vgt-hostd / direct", ru)
    }
}' "$tmp"
echo "  the qtest guest's last round, in the order above:"
echo "$out" | grep '^  (' || true
if [ -n "$tcg" ]; then
    echo "  the TCG guest's last round:"
    echo "$tout" | sed 's/^/  /'
fi
