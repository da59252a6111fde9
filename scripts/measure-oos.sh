#!/usr/bin/env bash
# Out-of-scope detection on CLINC150, trained on in-scope examples only.
#
# Trains the local classifier on CLINC150 `train` (150 intents, no out-of-scope example) and tests it on
# `val` + `oos_val`: `supportkit train --test` treats test labels it never trained on (`oos`) as out of scope
# and reports, per detector method, OOS precision / recall / F1 and in-scope accuracy (a rejected in-scope
# message counts as wrong) next to the classification accuracy before rejection.
#
#   scripts/measure-oos.sh                 # rejection rate 0.01 (the default)
#   RATES="0.01 0.03 0.05" scripts/measure-oos.sh
# Environment: CLINC150 (train_val.json), SUPPORTKIT (binary; default .build/release/supportkit), FOLDS (5),
# WORK (scratch folder, keeps the embedding cache between runs; default .build/measure-oos).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
data=${CLINC150:-$root/../shared/data/clinc150/train_val.json}
bin=${SUPPORTKIT:-$root/.build/release/supportkit}
work=${WORK:-$root/.build/measure-oos}
[[ -f $data ]] || { echo "error: no CLINC150 at $data; set CLINC150=path/to/train_val.json" >&2; exit 2; }
[[ -x $bin ]] || { echo "error: no binary at $bin; run: swift build -c release --product supportkit" >&2; exit 2; }
mkdir -p "$work"
python3 - "$data" "$work" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
with open(sys.argv[2] + "/train.jsonl", "w") as out:
    for text, intent in data["train"]:
        out.write(json.dumps({"text": text, "intent": intent}) + "\n")
with open(sys.argv[2] + "/test.jsonl", "w") as out:
    for text, intent in data["val"] + data["oos_val"]:
        out.write(json.dumps({"text": text, "intent": intent}) + "\n")
PY
cd "$work"
for rate in ${RATES:-0.01}; do
  printf 'assistant:\n  out_of_scope:\n    rejection_rate: %s\n' "$rate" > supportkit.yaml
  "$bin" train train.jsonl --test test.jsonl --folds "${FOLDS:-5}" --output classifier.json --json > "train-$rate.json"
  python3 - "train-$rate.json" "$rate" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
oos = report["out_of_scope"]
print(f"rejection rate {sys.argv[2]}: intents CV accuracy {report['intents']['cv_accuracy']:.3f}, method in use {oos['method']}")
print("  method      threshold  held-out reject  in-scope acc  (before reject)  OOS precision  recall  F1")
for m in oos["methods"]:
    t = m.get("test") or {}
    print(f"  {m['method']:<11} {m['threshold']:.4f}     {m['heldOutRejection']:.3f}            {t.get('inScopeAccuracy', 0):.3f}         ({t.get('inScopeClassificationAccuracy', 0):.3f})          {t.get('precision', 0):.3f}          {t.get('recall', 0):.3f}   {t.get('f1', 0):.3f}")
PY
done
