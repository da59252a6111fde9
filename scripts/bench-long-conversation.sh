#!/usr/bin/env bash
# Does one long conversation evaluate in time linear in its length? Generates a single conversation of
# 1,000, 5,000 and 10,000 turns (LENGTHS) over the bundled corpus's document ids and times
# `supportkit eval` on each (through scripts/bench-eval.sh --real: scratch store, real assistant, MiniLM).
# Prints turns/s per length and each length's time relative to linear from the shortest.
set -euo pipefail
cd "$(dirname "$0")/.."
lengths=(${LENGTHS:-1000 5000 10000})
printf '%8s %10s %10s %14s\n' turns seconds "turns/s" "vs linear"
first=""
for turns in "${lengths[@]}"; do
  out=$(CONVERSATIONS=1 TURNS="$turns" BENCH_DIR="/tmp/supportkit-bench-long-$turns" bash scripts/bench-eval.sh --real)
  seconds=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["eval_seconds"])' "/tmp/supportkit-bench-long-$turns/bench.json" 2>/dev/null \
    || echo "$out" | awk '/eval:/ {for (i = 1; i <= NF; i++) if ($i == "s") print $(i-1)}' | head -1)
  [[ -n "$first" ]] || first="$turns:$seconds"
  python3 - "$turns" "$seconds" "$first" <<'PY'
import sys
turns, seconds = int(sys.argv[1]), float(sys.argv[2])
base_turns, base_seconds = sys.argv[3].split(":")
linear = float(base_seconds) * turns / int(base_turns)
print(f"{turns:8d} {seconds:10.1f} {turns / seconds:10.1f} {seconds / linear:13.2f}x")
PY
done
