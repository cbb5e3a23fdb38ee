#!/bin/sh
# The guest-level figure of `make bench` (docs/bench.md): Debian's i915 in
# the test guest submits one batch of only MI_BATCH_BUFFER_END at a time on
# each engine and waits for it (vgt-gem-exec --nop-bench: IGT's
# gem_exec_nop "sync"), for SECONDS per engine; the round trip of one
# request through i915, the device, the helper and the software Haswell.
#   usage: vgt-bench-guest-nop.sh QEMU GUEST_DIR INITRD OUT_DIR [SECONDS]
# The accelerator is TCG, as everywhere in the tests (CI has no KVM, and a
# nested /dev/kvm may not run the guest at all): the figure then includes
# TCG's cost of i915's own code, the same on every engine, so the engines
# compare.  VGT_BENCH_ACCEL=kvm where KVM works.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
qemu=${1:?usage: vgt-bench-guest-nop.sh QEMU GUEST_DIR INITRD OUT_DIR [SECONDS]}
guest=${2:?}; initrd=${3:?}; out=${4:?}; secs=${5:-2}

accel=${VGT_BENCH_ACCEL:-tcg}
mkdir -p "$out"
"$here/../../scripts/guest/boot.sh" --qemu "$qemu" --guest "$guest" \
    --initrd "$initrd" --out "$out" --accel "$accel" --timeout 900 \
    --append "vgtguest.nopbench=$secs" > "$out/boot.out" 2>&1 || true

echo "vgt guest: gem_exec_nop (sync) in the Debian guest," \
    "one request at a time,"
echo "  ${secs} s per engine (q35, -accel $accel, $(nproc) host CPUs;" \
    "boot log: $out)"
# (the serial console's lines end in CR LF)
tr -d '\r' < "$out/serial.log" > "$out/serial.txt" 2>/dev/null || true
if ! grep -q 'VGT-GUEST: gem nop-result' "$out/serial.txt"; then
    why=$(cat "$out/result.txt" 2>/dev/null || echo 'no result.txt')
    echo "  no result: the guest did not run the benchmark ($why)"
    grep 'VGT-GUEST: gem nop' "$out/serial.txt" | sed 's/^/  /' || true
    exit 1
fi
printf '  %-8s %12s %10s\n' engine "us per exec" execs
grep 'VGT-GUEST: gem nop engine=' "$out/serial.txt" | while read -r line; do
    eng=$(echo "$line" | sed -n 's/.* engine=\([a-z0-9]*\).*/\1/p')
    n=$(echo "$line" | sed -n 's/.* execs=\([0-9]*\).*/\1/p')
    us=$(echo "$line" | sed -n 's/.* us_per_exec=\([0-9.]*\).*/\1/p')
    err=$(echo "$line" | sed -n 's/.* \(error=.*\)$/\1/p')
    printf '  %-8s %12s %10s%s\n' "$eng" "$us" "$n" "${err:+  $err}"
done
