#!/usr/bin/env bash
# Context in retrieval: evaluates the single-turn-style suites of evals/ and the context suite
# (evals/context-followups.yaml: logged agent messages, follow-ups that point back) with the conversation
# context on (assistant.context.weight, default 0.5) and off (weight 0), on the MiniLM embedder.
#
#   scripts/measure-context.sh                # weights "0 0.5"
#   WEIGHTS="0 0.3 0.5 0.8" scripts/measure-context.sh
# Environment: SUPPORTKIT (binary; default .build/release/supportkit), WORK (scratch folder with the store,
# classifier and results; default .build/measure-context).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
bin=${SUPPORTKIT:-$root/.build/release/supportkit}
work=${WORK:-$root/.build/measure-context}
[[ -x $bin ]] || { echo "error: no binary at $bin; run: swift build -c release --product supportkit" >&2; exit 2; }
mkdir -p "$work"
cd "$work"
store="sqlite:$work/store.sqlite"
settings() { printf 'assistant:\n  classifier:\n    path: %s/classifier.json\n  context:\n    weight: %s\n' "$work" "$1" > supportkit.yaml; }
settings 0.5
"$bin" ingest "$root/corpora" --store "$store" > /dev/null
[[ -f classifier.json ]] || "$bin" train "$root/corpora/intents.yaml" --store "$store" --output classifier.json > /dev/null
single=$(ls "$root"/evals/*.yaml "$root"/evals/*.jsonl | grep -v context-followups)
for weight in ${WEIGHTS:-0 0.5}; do
  settings "$weight"
  for suite in single context; do
    if [[ $suite == single ]]; then paths=$single; else paths="$root/evals/context-followups.yaml"; fi
    # shellcheck disable=SC2086
    "$bin" eval $paths --store "$store" --results "$work/results.sqlite" --report-dir "$work/report-$suite-$weight" --json > "eval-$suite-$weight.json" || true
    run=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["run"])' "eval-$suite-$weight.json")
    "$bin" runs show "$run" --results "$work/results.sqlite" --json > "turns-$suite-$weight.json"
    python3 - "eval-$suite-$weight.json" "turns-$suite-$weight.json" "$suite" "$weight" <<'PY'
import json, sys
metrics = json.load(open(sys.argv[1]))["metrics"]
turns = json.load(open(sys.argv[2]))["turns"]
def show(name):
    v = metrics.get(name)
    return f"{v['value']:.3f} [{v['ci_low']:.3f}, {v['ci_high']:.3f}]" if v else "-"
# A conversation passes when every labeled expectation of every turn is met (docs: one of them in the top 5, as
# the report counts a turn's pass or fail).
failed = {}
for t in turns:
    e, p = t.get("expected") or {}, t.get("predicted") or {}
    ok = not t.get("error")
    for key in ("intent", "category", "escalate"):
        if e.get(key) is not None and e.get(key) != p.get(key):
            ok = False
    if e.get("docs") and not set(e["docs"]) & set((p.get("docs") or [])[:5]):
        ok = False
    failed[t["conversation"]] = failed.get(t["conversation"], False) or not ok
passing = sum(1 for f in failed.values() if not f)
print(f"{sys.argv[3]:<7} weight {sys.argv[4]:<4} intent {show('intent_accuracy')}  category {show('category_accuracy')}  recall@5 {show('recall@5')}  "
      f"escalation F1 {show('escalation_f1')}  conversations passing {passing}/{len(failed)} ({passing / max(1, len(failed)):.3f})")
PY
  done
done
