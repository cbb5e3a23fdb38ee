#!/bin/sh
# Run one test suite that prints TAP, keep its output in TAP_DIR/NAME.tap
# (stderr in NAME.log), and make sure a suite that dies is counted: a
# non-zero exit without a reported failure adds a "not ok" line.  Always
# exits 0 so the other suites still run; scripts/tap-summary.sh decides.
#   usage: scripts/run-tap.sh TAP_DIR NAME COMMAND [ARG...]
set -u
dir=$1; name=$2; shift 2
mkdir -p "$dir"
tap="$dir/$name.tap"
"$@" > "$tap" 2> "$dir/$name.log"
rc=$?
if [ "$rc" != 0 ] && ! grep -qE '^not ok' "$tap"; then
    n=$(grep -cE '^(not )?ok' "$tap")
    echo "not ok $((n + 1)) - $name exited with status $rc (see $dir/$name.log)" >> "$tap"
fi
fails=$(grep -E '^not ok' "$tap" | grep -vE '# *TODO' || true)
if [ -n "$fails" ]; then
    echo "vgt: $name: failures:"
    echo "$fails" | sed 's/^/    /'
    tail -n 15 "$dir/$name.log" | sed 's/^/    | /'
fi
exit 0
