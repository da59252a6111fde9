#!/usr/bin/env bash
# Evaluation benchmark: a generated suite of 1,000 conversations / 5,000 turns.
#
#   scripts/bench-eval.sh           the runner, SQLite writes, metrics (1,000-resample bootstrap) and the HTML
#                                   report, with a simulated assistant that answers instantly: the cost of the
#                                   evaluation machinery itself (release build of the EvalBenchmark target).
#   scripts/bench-eval.sh --real    end to end through the real CLI on the embedded defaults: ingest corpora/
#                                   into a scratch store, generate the suite over its document ids, time
#                                   `supportkit eval` (turns/s) and `supportkit runs report` (render time), and
#                                   the answer review's cost: the eval alternately with and without it.
#                                   Targets on a 2-core machine: the whole eval under 45 s, the render under 1 s,
#                                   the answer review under +25%.
#
# Environment: BENCH_DIR (default /tmp/supportkit-bench-eval), CONVERSATIONS (1000), TURNS (5),
# CONCURRENCY (2), SCRATCH (SwiftPM scratch path, default .build).
set -euo pipefail
cd "$(dirname "$0")/.."
work=${BENCH_DIR:-/tmp/supportkit-bench-eval}
conversations=${CONVERSATIONS:-1000}
turns=${TURNS:-5}
concurrency=${CONCURRENCY:-2}
scratch=${SCRATCH:-.build}

if [[ "${1:-}" != "--real" ]]; then
  swift build -c release --scratch-path "$scratch" --product EvalBenchmark >/dev/null
  "$scratch/release/EvalBenchmark" --conversations "$conversations" --turns "$turns" --concurrency "$concurrency" --out "$work" 2>/dev/null
  exit 0
fi

# One product per invocation: `swift build` honours only the last --product.
swift build -c release --scratch-path "$scratch" --product EvalBenchmark >/dev/null
swift build -c release --scratch-path "$scratch" --product supportkit >/dev/null
bin="$scratch/release/supportkit"
rm -rf "$work" && mkdir -p "$work"
store="sqlite:$work/store.sqlite"

start=$(date +%s.%N)
"$bin" ingest corpora/ --store "$store" --json >"$work/ingest.json"
echo "ingest corpora/: $(python3 -c "print(f'{$(date +%s.%N) - $start:.1f}')") s"
"$bin" train --store "$store" >/dev/null 2>&1 || true   # a no-op when the classifier is already trained

# Label the generated turns with real document ids, so retrieval metrics are computed against the store.
"$bin" search "account orders billing help" -k 1000 --store "$store" --json \
  | python3 -c 'import json,sys; print("\n".join(sorted({r["doc_id"] for r in json.load(sys.stdin)["results"]})))' >"$work/doc-ids.txt"
"$scratch/release/EvalBenchmark" --conversations "$conversations" --turns "$turns" --out "$work/gen" \
  --doc-ids "$work/doc-ids.txt" --write-suite-only

# The eval four times, alternating: without the answer review (SUPPORTKIT_BENCH_NO_ANSWER_REVIEW=1, the reference)
# and with it (what users run), so the review's cost is measured against a reference in the same run. The first
# run also fills the embedding cache; each mode's best run counts.
eval_once() {  # mode results-file -> seconds
  local start status
  start=$(date +%s.%N)
  set +e
  if [[ "$1" == reference ]]; then
    SUPPORTKIT_BENCH_NO_ANSWER_REVIEW=1 "$bin" eval "$work/gen/evals" --store "$store" --results "$2" --report-dir "$work/reports-ref" \
      --concurrency "$concurrency" --json >"$work/eval-ref.json"
  else
    "$bin" eval "$work/gen/evals" --store "$store" --results "$2" --report-dir "$work/reports" \
      --concurrency "$concurrency" --json >"$work/eval.json"
  fi
  status=$?
  set -e
  [[ $status -le 1 ]] || { echo "eval failed with exit code $status" >&2; exit "$status"; }
  python3 -c "print($(date +%s.%N) - $start)"
}
reference_times=() review_times=()
for _ in 1 2; do
  reference_times+=("$(eval_once reference "$work/results-ref.sqlite")")
  review_times+=("$(eval_once review "$work/results.sqlite")")
done
seconds=$(printf '%s\n' "${review_times[@]}" | sort -n | head -n1)
reference=$(printf '%s\n' "${reference_times[@]}" | sort -n | head -n1)
echo "eval without the answer review (reference): ${reference_times[*]} s; with it: ${review_times[*]} s"
python3 -c "print(f'answer review overhead (best with / best without): {($seconds / $reference - 1) * 100:+.1f}% (target: under +25%)')"

# The render three times: the first right after the eval (the disk still busy with its writes), then twice more.
renders=()
for _ in 1 2 3; do
  start=$(date +%s.%N)
  "$bin" runs report latest --results "$work/results.sqlite" --report-dir "$work/reports" >/dev/null 2>&1
  renders+=("$(python3 -c "print($(date +%s.%N) - $start)")")
done

python3 - "$work/eval.json" "$seconds" "${renders[@]}" <<'PY'
import json, statistics, sys
result = json.load(open(sys.argv[1]))
seconds, renders = float(sys.argv[2]), [float(value) for value in sys.argv[3:]]
turns = result["turns"]
print(f"eval: {turns} turns in {seconds:.1f} s = {turns / seconds:.1f} turns/s end to end (target: under 45 s)")
print(f"report render (runs report, incl. loading the run): {renders[0]:.2f} s right after the eval, then "
      f"{renders[1]:.2f} and {renders[2]:.2f} s; worst {max(renders):.2f} s (target: under 1 s)")
for name in ("intent_accuracy", "recall@5", "escalation_f1", "latency_p50_ms", "latency_p95_ms"):
    m = result["metrics"].get(name) or {}
    print(f"  {name:16} {m.get('value')}  [{m.get('ci_low')}, {m.get('ci_high')}]  n={m.get('n')}")
print(f"report: {result['report']}")
PY
