#!/usr/bin/env bash
# Context in retrieval: recall@5 of each way of bringing the conversation into the knowledge query, on every
# multi-turn suite, as a method x suite table with 95% bootstrap intervals (MiniLM embedder).
#
# Suites: `context` (evals/context-followups.yaml on corpora/), the four domains of fixtures/multiturn/
# (hotels, restaurants, travel, telecom: each its own small knowledge base, where several places or products
# share the same topics so a follow-up that does not name one can only be answered from the conversation), and
# `single` (the other suites of evals/, only with SUITES=... including it: it is the slowest).
# Methods:
#   message      baseline: plain cosine of the message alone (no BM25, no category boost)
#   prepend-1    baseline: plain cosine of the previous customer and agent messages followed by the message
#   blend        the assistant before issue 23: unit(message + 0.5 * context vector), hybrid, category boost
#   prepend      the previous two exchanges' text followed by the message, one embedding, hybrid, category boost
#   prepend-one  the same with the previous exchange only
#
#   scripts/measure-context.sh
#   METHODS="message blend" SUITES="context hotels single" scripts/measure-context.sh
# Environment: SUPPORTKIT (binary; default .build/release/supportkit), WORK (scratch folder with the stores,
# classifier and results; default .build/measure-context).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
bin=${SUPPORTKIT:-$root/.build/release/supportkit}
work=${WORK:-$root/.build/measure-context}
[[ -x $bin ]] || { echo "error: no binary at $bin; run: swift build -c release --product supportkit" >&2; exit 2; }
mkdir -p "$work"
cd "$work"

method_settings() {
  case $1 in
    message) printf '  context: {method: message}\n  retrieval: {hybrid: false, facet_weight: 0}\n' ;;
    prepend-1) printf '  context: {method: prepend, turns: 1}\n  retrieval: {hybrid: false, facet_weight: 0}\n' ;;
    blend) printf '  context: {method: blend}\n' ;;
    prepend) printf '  context: {method: prepend, turns: 2}\n' ;;
    prepend-one) printf '  context: {method: prepend, turns: 1}\n' ;;
    *) echo "error: unknown method $1" >&2; exit 2 ;;
  esac
}
# settings SUITE METHOD: supportkit.yaml for the suite's knowledge base and the method.
settings() {
  local categories="[account, orders, billing]"
  [[ $1 == context || $1 == single ]] || categories="[$1]"
  { printf 'categories: %s\nassistant:\n  classifier:\n    path: %s/classifier.json\n' "$categories" "$work"; method_settings "$2"; } > supportkit.yaml
}
corpus_of() { if [[ $1 == context || $1 == single ]]; then echo "$root/corpora"; else echo "$root/fixtures/multiturn/$1/corpus"; fi; }
store_of() { if [[ $1 == context || $1 == single ]]; then echo "sqlite:$work/store.sqlite"; else echo "sqlite:$work/store-$1.sqlite"; fi; }
paths_of() {
  case $1 in
    context) echo "$root/evals/context-followups.yaml" ;;
    single) ls "$root"/evals/*.yaml "$root"/evals/*.jsonl | grep -v context-followups ;;
    *) echo "$root/fixtures/multiturn/$1/suite.yaml" ;;
  esac
}

suites=${SUITES:-context hotels restaurants travel telecom}
methods=${METHODS:-message prepend-1 blend prepend prepend-one}
settings context blend
"$bin" ingest "$root/corpora" --store "sqlite:$work/store.sqlite" > /dev/null
[[ -f classifier.json ]] || "$bin" train "$root/corpora/intents.yaml" --store "sqlite:$work/store.sqlite" --output classifier.json > /dev/null
: > table.tsv
for suite in $suites; do
  settings "$suite" blend
  "$bin" ingest "$(corpus_of "$suite")" --store "$(store_of "$suite")" > /dev/null
  for method in $methods; do
    settings "$suite" "$method"
    # shellcheck disable=SC2046
    "$bin" eval $(paths_of "$suite") --store "$(store_of "$suite")" --results "$work/results.sqlite" --json > "eval-$suite-$method.json" 2> "eval-$suite-$method.err" || true
    python3 - "eval-$suite-$method.json" "$suite" "$method" >> table.tsv <<'PY'
import json, sys
try:
    v = json.load(open(sys.argv[1]))["metrics"]["recall@5"]
    cell = f"{v['value']:.3f} [{v['ci_low']:.3f}, {v['ci_high']:.3f}]"
except Exception as error:
    cell = f"error ({error.__class__.__name__}; see {sys.argv[1].replace('.json', '.err')})"
print(f"{sys.argv[3]}\t{sys.argv[2]}\t{cell}")
PY
    tail -1 table.tsv >&2
  done
done
python3 - table.tsv "$suites" "$methods" <<'PY'
import sys
cells = {}
for line in open(sys.argv[1]):
    method, suite, cell = line.rstrip("\n").split("\t")
    cells[(method, suite)] = cell
suites, methods = sys.argv[2].split(), sys.argv[3].split()
print("| method | " + " | ".join(suites) + " |")
print("|---|" + "---|" * len(suites))
for method in methods:
    print(f"| {method} | " + " | ".join(cells.get((method, s), "-") for s in suites) + " |")
PY
