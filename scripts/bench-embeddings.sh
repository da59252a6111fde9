#!/usr/bin/env bash
# Embedding benchmark: the same 2,000 support texts through supportkit's all-MiniLM-L6-v2, sentence-transformers
# (PyTorch CPU) and ONNX Runtime (fp32 export), 2 threads each, in one run. Prints texts/s, tokens/s, CPU seconds,
# peak memory and the ratios. Numbers are only comparable when nothing else uses the cores: the script prints the
# load average before each engine.
#
# Needs: the model (scripts/fetch-model.sh), a release build (done here unless SKIP_BUILD=1), and for the
# references the venv .venv-ref (python3 -m venv .venv-ref && .venv-ref/bin/pip install sentence-transformers
# onnxruntime onnx); without it only supportkit runs.
#
# Environment: TEXTS=N (default 2000), THREADS (default 2), ENGINES (default "supportkit supportkit-autoblas torch
#              onnx"), SKIP_BUILD=1, VENV (default .venv-ref), SCRATCH (default .build-minilm).
#
# Kernels. ONNX Runtime (MLAS) and PyTorch pick their matrix kernels by CPU detection. OpenBLAS does too, unless
# OPENBLAS_CORETYPE pins a kernel set: this project's machines pin OPENBLAS_CORETYPE=Haswell (AVX2) and
# OPENBLAS_L2_SIZE for the sake of older OpenBLAS builds, while their CPU has AVX-512. So supportkit runs twice:
#   supportkit          in the environment as it is (pinned kernels, if any);
#   supportkit-autoblas with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE both removed for that one command, so OpenBLAS
#                       detects the CPU like the peers do (the machine notes' advice for benchmarking against a
#                       current BLAS). Tests and CI keep the environment as it is.
# Every engine's 2,000 vectors are compared with sentence-transformers' (or, without torch, ONNX Runtime's): the
# speed only counts at the required parity (worst cosine >= 0.9999), whichever kernels ran.
set -euo pipefail
cd "$(dirname "$0")/.."

COUNT="${TEXTS:-2000}"
THREADS="${THREADS:-2}"
ENGINES="${ENGINES:-supportkit supportkit-autoblas torch onnx}"
VENV="${VENV:-.venv-ref}"
SCRATCH="${SCRATCH:-.build-minilm}"
OUT="$SCRATCH/bench"
mkdir -p "$OUT"

scripts/fetch-model.sh >/dev/null
python3 scripts/minilm/gen_bench_texts.py "$OUT/texts.txt" "$COUNT"
echo "texts: $OUT/texts.txt ($(wc -l <"$OUT/texts.txt") lines, sha256 $(sha256sum "$OUT/texts.txt" | cut -c1-12))"

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  swift build -c release --scratch-path "$SCRATCH" --product supportkit 2>&1 | tail -n 1
fi
BIN="$SCRATCH/release/supportkit"

: >"$OUT/results.jsonl"
for engine in $ENGINES; do
  echo "== $engine (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
  case "$engine" in
    supportkit)
      "$BIN" embed --bench "$OUT/texts.txt" --workers "$THREADS" --save-vectors "$OUT/supportkit.f32" \
        | tee -a "$OUT/results.jsonl"
      ;;
    supportkit-autoblas)
      env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$BIN" embed --bench "$OUT/texts.txt" --workers "$THREADS" \
        --save-vectors "$OUT/supportkit-autoblas.f32" \
        | sed 's/"engine":"supportkit"/"engine":"supportkit-autoblas"/' | tee -a "$OUT/results.jsonl"
      ;;
    torch|onnx)
      if [[ ! -x "$VENV/bin/python" ]]; then
        echo "   skipped: no $VENV (see the header of this script)"
        continue
      fi
      HF_HUB_OFFLINE=1 OMP_NUM_THREADS="$THREADS" "$VENV/bin/python" scripts/minilm/bench_reference.py "$engine" \
        "$OUT/texts.txt" --threads "$THREADS" --save-vectors "$OUT/$engine.npy" 2>"$OUT/$engine.log" | tee -a "$OUT/results.jsonl" \
        || { echo "   failed, see $OUT/$engine.log"; tail -n 5 "$OUT/$engine.log"; }
      ;;
    *) echo "unknown engine $engine" >&2; exit 2 ;;
  esac
done

rm -f "$OUT/parity.json"
if [[ -x "$VENV/bin/python" ]]; then
  "$VENV/bin/python" - "$OUT" <<'PY' || echo "   parity check failed"
import json, os, sys
import numpy as np
out = sys.argv[1]
engines = [json.loads(line)["engine"] for line in open(os.path.join(out, "results.jsonl")) if line.strip()]
def load(engine):
    path = os.path.join(out, engine + (".npy" if engine in ("torch", "onnx") else ".f32"))
    if not os.path.exists(path):
        return None
    vectors = np.load(path) if path.endswith(".npy") else np.fromfile(path, "<f4").reshape(-1, 384)
    vectors = vectors.astype(np.float64)
    return vectors / np.clip(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12, None)
reference = next((e for e in ("torch", "onnx") if e in engines and load(e) is not None), None)
parity = {"reference": reference}
if reference:
    ref = load(reference)
    for engine in engines:
        vectors = load(engine)
        if vectors is not None and vectors.shape == ref.shape:
            parity[engine] = float((vectors * ref).sum(axis=1).min())
json.dump(parity, open(os.path.join(out, "parity.json"), "w"))
PY
fi

python3 - "$OUT/results.jsonl" <<'PY'
import json, os, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
parity_path = os.path.join(os.path.dirname(sys.argv[1]), "parity.json")
parity = json.load(open(parity_path)) if os.path.exists(parity_path) else {}
if not rows:
    sys.exit("no results")
names = {"supportkit": "supportkit, environment's OpenBLAS kernels", "supportkit-autoblas": "supportkit, OpenBLAS kernels by CPU detection",
         "torch": "sentence-transformers (PyTorch CPU)", "onnx": "ONNX Runtime (fp32)"}
peers = [r for r in rows if not r["engine"].startswith("supportkit")]
fastest = max(peers, key=lambda r: r["textsPerSecond"], default=None)
print()
print(f"{'engine':58} {'texts/s':>8} {'tokens/s':>9} {'seconds':>8} {'CPU s':>7} {'peak RSS':>9} {'worst cos':>13}  vs fastest peer")
for r in rows:
    ratio = f"{r['textsPerSecond'] / fastest['textsPerSecond']:.2f}x" if fastest and r is not fastest else ""
    core = f" [{r['blasCore']}]" if "blasCore" in r else ""
    cos = parity.get(r["engine"])
    cos_text = "reference" if parity.get("reference") == r["engine"] else (f"1 - {max(1 - cos, 0):.0e}" if cos is not None else "-")
    print(f"{names.get(r['engine'], r['engine']) + core:58} {r['textsPerSecond']:8.1f} {r['tokensPerSecond']:9.0f} "
          f"{r['seconds']:8.1f} {r.get('cpuSeconds', 0):7.1f} {r['peakRSSMegabytes']:7.0f}MB {cos_text:>13}  {ratio}")
print(f"\n{rows[0]['texts']} texts, {rows[0]['tokens']} real tokens ([CLS]/[SEP] included, truncated at 256); "
      f"worst cos = lowest cosine to {parity.get('reference') or 'no reference'}'s vector over all texts")
if fastest:
    for r in rows:
        if r["engine"].startswith("supportkit"):
            cos = parity.get(r["engine"])
            at_parity = "at parity" if cos is not None and cos >= 0.9999 else ("PARITY NOT MET" if cos is not None else "parity unchecked")
            print(f"{r['engine']} [{r.get('blasCore', '?')}] / {fastest['engine']}: "
                  f"{r['textsPerSecond'] / fastest['textsPerSecond']:.2f}x (target >= 1.2x, {at_parity})")
PY
