#!/bin/sh
# Run a libFuzzer harness once over a corpus directory (-runs=0: each
# input once, no mutation) and report it as TAP: one line for the corpus.
# A sanitizer report or a failed check aborts the harness: not ok.
#   usage: scripts/fuzz-tap.sh HARNESS CORPUS_DIR
set -u
harness=$1; corpus=$2
n=$(ls "$corpus" | wc -l)
echo "1..1"
if [ "$n" = 0 ]; then
    echo "not ok 1 - $(basename "$corpus"): no corpus inputs"
    exit 1
fi
# (a failing input is already in the corpus: artifacts go to a scratch
# directory, not the current one)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
if "$harness" -runs=0 -artifact_prefix="$scratch/" "$corpus" >&2; then
    echo "ok 1 - $(basename "$corpus"): $n inputs"
else
    echo "not ok 1 - $(basename "$corpus"): the harness failed (see the log)"
    exit 1
fi
