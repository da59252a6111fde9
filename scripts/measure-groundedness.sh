#!/usr/bin/env bash
# Validity and speed of the offline groundedness check (`supportkit groundedness`).
#
# Converts the BEGIN development splits to pairs files, scores them, and prints ROC AUC per split next to
# lexical precision (the baseline to beat); then AUC and the precision / recall of `supported: false` on the
# committed fact-swap set (Tests/SupportKitGroundingTests/Fixtures/fact-swaps.jsonl); then pairs/s.
#
#   scripts/measure-groundedness.sh
# Environment: BEGIN (folder of begin_dev_*.tsv; default ../shared/data/begin), SUPPORTKIT (binary; default
# .build/release/supportkit, else .build/debug/supportkit), WORK (scratch folder; default .build/measure-groundedness).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
begin=${BEGIN:-$root/../shared/data/begin}
bin=${SUPPORTKIT:-$root/.build/release/supportkit}
[[ -x $bin ]] || bin=$root/.build/debug/supportkit
work=${WORK:-$root/.build/measure-groundedness}
[[ -f $begin/begin_dev_wow.tsv ]] || { echo "error: no BEGIN splits in $begin; set BEGIN=folder" >&2; exit 2; }
[[ -x $bin ]] || { echo "error: no binary at $bin; run: swift build -c release --product supportkit" >&2; exit 2; }
mkdir -p "$work"
python3 scripts/groundedness/measure.py "$bin" "$begin" Tests/SupportKitGroundingTests/Fixtures/fact-swaps.jsonl "$work"
