#!/usr/bin/env bash
# Embedding benchmark: the same 2,000 support texts through supportkit's all-MiniLM-L6-v2 (fp32, and the
# reduced-precision minilm:bf16 and minilm:int8), sentence-transformers (PyTorch CPU) and ONNX Runtime (fp32 export,
# and its dynamic int8 quantization), 2 threads each, in one run. Prints texts/s, tokens/s, CPU seconds, peak memory,
# each engine's worst and mean cosine to the reference and to supportkit's fp32 vectors, and the ratios. Numbers are only comparable when nothing else uses the cores: the script prints the
# load average before each engine.
#
# Needs: the model (scripts/fetch-model.sh), a release build (done here unless SKIP_BUILD=1), and for the
# references the venv .venv-ref (python3 -m venv .venv-ref && .venv-ref/bin/pip install sentence-transformers
# onnxruntime onnx); without it only supportkit runs.
#
# Environment: TEXTS=N (default 2000), THREADS (default 2), ENGINES (default "supportkit supportkit-autoblas
#              supportkit-bf16 supportkit-int8 torch onnx onnx-int8"), ROUNDS=N (default 1: run the engines N times,
#              alternating, and report medians), SKIP_BUILD=1, VENV (default .venv-ref), SCRATCH (default
#              .build-minilm), REPORT_ONLY=1 (run nothing: report the results and vectors already in
#              $SCRATCH/bench, e.g. after adding rounds of some engines with APPEND=1), APPEND=1 (keep the results of
#              earlier runs and add to them).
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
ENGINES="${ENGINES:-supportkit supportkit-autoblas supportkit-bf16 supportkit-int8 torch onnx onnx-int8}"
ROUNDS="${ROUNDS:-1}"
VENV="${VENV:-.venv-ref}"
SCRATCH="${SCRATCH:-.build-minilm}"
OUT="$SCRATCH/bench"
mkdir -p "$OUT"

scripts/fetch-model.sh >/dev/null
python3 scripts/minilm/gen_bench_texts.py "$OUT/texts.txt" "$COUNT"
echo "texts: $OUT/texts.txt ($(wc -l <"$OUT/texts.txt") lines, sha256 $(sha256sum "$OUT/texts.txt" | cut -c1-12))"

if [[ "${SKIP_BUILD:-0}" != 1 && "${REPORT_ONLY:-0}" != 1 ]]; then
  swift build -c release --scratch-path "$SCRATCH" --product supportkit 2>&1 | tail -n 1
fi
BIN="$SCRATCH/release/supportkit"

[[ "${APPEND:-0}" == 1 || "${REPORT_ONLY:-0}" == 1 ]] || : >"$OUT/results.jsonl"
[[ "${REPORT_ONLY:-0}" == 1 ]] && ROUNDS=0
# supportkit's reduced-precision runs, named after their embedder (same environment as the `supportkit` row).
reduced() {
  "$BIN" embed --bench "$OUT/texts.txt" --workers "$THREADS" --embedder "minilm:$1" \
    --save-vectors "$OUT/supportkit-$1.f32" \
    | sed "s/\"engine\":\"supportkit\"/\"engine\":\"supportkit-$1\"/" | tee -a "$OUT/results.jsonl"
}
for round in $(seq 1 "$ROUNDS"); do
for engine in $ENGINES; do
  echo "== $engine, round $round of $ROUNDS (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
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
    supportkit-bf16) reduced bf16 ;;
    supportkit-int8) reduced int8 ;;
    torch|onnx|onnx-int8)
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
done

rm -f "$OUT/parity.json"
if [[ -x "$VENV/bin/python" ]] || python3 -c "import numpy" 2>/dev/null; then
  python="$VENV/bin/python"
  [[ -x "$python" ]] || python=python3
  "$python" - "$OUT" <<'PY' || echo "   parity check failed"
import json, os, sys
import numpy as np
out = sys.argv[1]
engines = list(dict.fromkeys(json.loads(line)["engine"] for line in open(os.path.join(out, "results.jsonl")) if line.strip()))
def load(engine):
    path = os.path.join(out, engine + (".f32" if engine.startswith("supportkit") else ".npy"))
    if not os.path.exists(path):
        return None
    vectors = np.load(path) if path.endswith(".npy") else np.fromfile(path, "<f4").reshape(-1, 384)
    vectors = vectors.astype(np.float64)
    return vectors / np.clip(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12, None)
# The reference: sentence-transformers, else ONNX Runtime's fp32 export; and supportkit's own fp32 vectors.
reference = next((e for e in ("torch", "onnx") if e in engines and load(e) is not None), None)
fp32 = next((e for e in ("supportkit-autoblas", "supportkit") if e in engines and load(e) is not None), None)
parity = {"reference": reference, "fp32": fp32, "engines": {}}
for name, base in (("reference", reference), ("fp32", fp32)):
    if not base:
        continue
    ref = load(base)
    for engine in engines:
        vectors = load(engine)
        if vectors is not None and vectors.shape == ref.shape:
            cosines = (vectors * ref).sum(axis=1)
            parity["engines"].setdefault(engine, {})[name] = {"worst": float(cosines.min()), "mean": float(cosines.mean())}
json.dump(parity, open(os.path.join(out, "parity.json"), "w"))
PY
fi

python3 - "$OUT/results.jsonl" <<'PY'
import json, os, statistics, sys
runs = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
parity_path = os.path.join(os.path.dirname(sys.argv[1]), "parity.json")
parity = json.load(open(parity_path)) if os.path.exists(parity_path) else {"engines": {}}
if not runs:
    sys.exit("no results")
# One row per engine: the median of its rounds.
rows = []
for engine in dict.fromkeys(r["engine"] for r in runs):
    mine = [r for r in runs if r["engine"] == engine]
    row = dict(mine[0])
    for key in ("textsPerSecond", "tokensPerSecond", "seconds", "cpuSeconds", "peakRSSMegabytes"):
        row[key] = statistics.median(r.get(key, 0) for r in mine)
    row["rounds"] = len(mine)
    rows.append(row)
names = {"supportkit": "supportkit fp32, environment's OpenBLAS kernels", "supportkit-autoblas": "supportkit fp32, OpenBLAS kernels by CPU detection",
         "supportkit-bf16": "supportkit minilm:bf16 (oneDNN)", "supportkit-int8": "supportkit minilm:int8 (oneDNN)",
         "torch": "sentence-transformers (PyTorch CPU)", "onnx": "ONNX Runtime (fp32)", "onnx-int8": "ONNX Runtime (dynamic int8)"}
def cosine(engine, base):
    if parity.get(base) == engine:
        return "reference"
    value = parity["engines"].get(engine, {}).get(base)
    return f"{value['worst']:.5f}/{value['mean']:.5f}" if value else "-"
fp32 = next((r for r in rows if r["engine"] == "supportkit-autoblas"), None) or next((r for r in rows if r["engine"] == "supportkit"), None)
peers = [r for r in rows if not r["engine"].startswith("supportkit")]
fastest = max(peers, key=lambda r: r["textsPerSecond"], default=None)
print()
print(f"{'engine':58} {'runs':>4} {'texts/s':>8} {'tokens/s':>9} {'seconds':>8} {'CPU s':>7} {'peak RSS':>9} "
      f"{'cos to ' + str(parity.get('reference')) + ' worst/mean':>26} {'cos to fp32 worst/mean':>24} {'vs fp32':>8} {'vs fastest peer':>15}")
for r in rows:
    vs_fp32 = f"{r['textsPerSecond'] / fp32['textsPerSecond']:.2f}x" if fp32 and r is not fp32 else ""
    vs_peer = f"{r['textsPerSecond'] / fastest['textsPerSecond']:.2f}x" if fastest and r is not fastest else ""
    core = f" [{r['blasCore']}]" if "blasCore" in r else ""
    print(f"{names.get(r['engine'], r['engine']) + core:58} {r['rounds']:4} {r['textsPerSecond']:8.1f} {r['tokensPerSecond']:9.0f} "
          f"{r['seconds']:8.1f} {r.get('cpuSeconds', 0):7.1f} {r['peakRSSMegabytes']:7.0f}MB "
          f"{cosine(r['engine'], 'reference'):>26} {cosine(r['engine'], 'fp32'):>24} {vs_fp32:>8} {vs_peer:>15}")
print(f"\n{rows[0]['texts']} texts, {rows[0]['tokens']} real tokens ([CLS]/[SEP] included, truncated at 256); medians of "
      f"the rounds; cos = cosine to the reference's (or supportkit fp32's) vector of the same text, worst and mean over all texts")
for r in rows:
    if r["engine"] in ("supportkit-bf16", "supportkit-int8"):
        value = parity["engines"].get(r["engine"], {}).get("fp32")
        at_parity = ("at parity" if value["worst"] >= 0.999 else "PARITY NOT MET") if value else "parity unchecked"
        print(f"{r['engine']} / {fp32['engine'] if fp32 else '?'}: "
              f"{r['textsPerSecond'] / fp32['textsPerSecond']:.2f}x (target >= 2.0x; worst cosine to fp32 >= 0.999: {at_parity})" if fp32 else "")
PY
