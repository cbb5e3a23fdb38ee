#!/bin/bash
# Fuzz one harness until it has used CPU_SECONDS of CPU (what issue 18
# asks before a harness counts as fuzzed: an hour each), in chunks of at
# most 15 minutes of wall time, at nice 19 so that builds and tests on
# the same machine go first.  Progress and the CPU used so far survive an
# interruption: run it again and it goes on from build/fuzz/cpu/NAME.cpu.
#   usage: scripts/fuzz-cpu.sh BUILD_DIR TREE_CORPUS NAME CPU_SECONDS \
#              HARNESS [ARG...]
# Logs: BUILD_DIR/fuzz/cpu/NAME.N.log (libFuzzer's), NAME.N.time (user,
# system and wall seconds), BUILD_DIR/fuzz/cpu/progress (one line a
# chunk).  Inputs go to BUILD_DIR/fuzz/corpus/NAME (make fuzz-merge takes
# them into the tree), crashes to BUILD_DIR/fuzz/crashes/NAME/.
# Exit status: 0 when the CPU time is reached, 1 when the harness stopped
# (a crash, a sanitizer report, a timeout: its log says which).
set -u
build=$1 tree=$2 name=$3 target=$4
shift 4
dir=$build/fuzz/cpu
mkdir -p "$dir" "$build/fuzz/corpus/$name" "$build/fuzz/crashes/$name"
done_cpu=$(cat "$dir/$name.cpu" 2>/dev/null || echo 0)
n=$(ls "$dir" | grep -c "^$name\.[0-9]*\.log$")
while [ "$done_cpu" -lt "$target" ]; do
    n=$((n + 1))
    left=$((target - done_cpu))
    chunk=$((left < 900 ? left + 30 : 900))
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 nice -n 19 \
        /usr/bin/time -o "$dir/$name.$n.time" -f '%U %S %e' \
        "$@" -max_total_time=$chunk -timeout=60 -print_final_stats=1 \
        -artifact_prefix="$build/fuzz/crashes/$name/" \
        "$build/fuzz/corpus/$name" "$tree/$name" > "$dir/$name.$n.log" 2>&1
    rc=$?
    cpu=$(awk '{ printf "%d", $1 + $2 }' "$dir/$name.$n.time")
    done_cpu=$((done_cpu + cpu))
    echo "$done_cpu" > "$dir/$name.cpu"
    echo "$(date +%T) $name chunk $n: rc $rc, $cpu CPU s, $done_cpu in all" |
        tee -a "$dir/progress"
    if [ "$rc" != 0 ]; then
        echo "vgt: $name: the fuzzer stopped with $rc ($dir/$name.$n.log)"
        exit 1
    fi
done
echo "vgt: $name: $done_cpu CPU seconds (goal $target)"
