#!/bin/sh
# The table of `make bench-kernel`: bench-helper-transport's lines from the
# kernel-chain VM (tests/kernel/inside.sh bench writes them to bench.txt),
# one row per metric, the transports side by side and kernel / socket.
#   usage: bench-table.sh BENCH_TXT
# bench.txt lines: "transport=T metric=M value=V unit=U",
# "irq_latency_ns=...", "counter NAME=VALUE".
set -eu
f=${1:?usage: bench-table.sh BENCH_TXT}
echo "vgt kernel transport: bench-helper-transport inside a TCG VM (Debian 6.1, vgt.ko on -device vgt-hsw)"
if [ ! -s "$f" ]; then
    echo "  no figures ($f is missing or empty: the VM's log is next to it, ../serial.log)"
    exit 1
fi
awk '
    /^transport=/ {
        t = m = v = u = ""
        for (i = 1; i <= NF; i++) {
            split($i, kv, "=")
            if (kv[1] == "transport") t = kv[2]
            else if (kv[1] == "metric") m = kv[2]
            else if (kv[1] == "value") v = kv[2]
            else if (kv[1] == "unit") u = kv[2]
        }
        if (!(m in unit)) { order[++n] = m; unit[m] = u }
        val[m, t] = v
        next
    }
    /^irq_latency_ns=/ { irq = substr($0, 16); next }
    /^counter (irqs|spurious_irqs|irqs_serviced_inline|workloads|user_irqs_before_msi)=/ {
        split($2, kv, "="); cnt = cnt " " kv[1] "=" kv[2]; next }
    END {
        printf "  %-22s %-12s %14s %14s %14s %14s\n", "metric", "unit", "kernel", "socket", "embedded", "kernel/socket"
        for (i = 1; i <= n; i++) {
            m = order[i]
            k = ((m, "kernel") in val) ? val[m, "kernel"] : "-"
            s = ((m, "socket") in val) ? val[m, "socket"] : "-"
            e = ((m, "embedded") in val) ? val[m, "embedded"] : "-"
            r = (k != "-" && s != "-" && s + 0 > 0) ? sprintf("%.2fx", k / s) : "-"
            printf "  %-22s %-12s %14s %14s %14s %14s\n", m, unit[m], k, s, e, r
        }
        # irq_latency_ns is "avg max count": hard IRQ to read() of USER_IRQ.
        split(irq, l, " ")
        if (irq == "" || irq == "missing")
            printf "  vgt.ko interrupt latency (sysfs irq_latency_ns): not reported\n"
        else
            printf "  vgt.ko interrupt latency, the MSI of the bare GPU (hard IRQ) to the read() that hands its USER_IRQ event to the client (sysfs irq_latency_ns): avg %.1f us, max %.1f us over %d interrupts; events read before their MSI arrived: counter user_irqs_before_msi\n", l[1] / 1000, l[2] / 1000, l[3]
        if (cnt != "") printf "  vgt.ko counters after the runs:%s\n", cnt
        printf "  (kernel/socket: above 1 is the kernel ahead for entries/s, behind for us; all under TCG)\n"
        if (n == 0) exit 1
    }' "$f"
