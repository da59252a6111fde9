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
# Environment: TEXTS=N (default 2000), THREADS (default 2), ENGINES="supportkit torch onnx", SKIP_BUILD=1,
#              VENV (default .venv-ref), SCRATCH (default .build-minilm).
# Engine "supportkit-autoblas" runs supportkit with OPENBLAS_CORETYPE removed from its environment, so that
# OpenBLAS picks its kernels for the CPU (AVX-512 on AVX-512 machines) instead of a pinned set such as the
# OPENBLAS_CORETYPE=Haswell of this project's machines (ONNX Runtime and PyTorch pick theirs by CPU detection).
set -euo pipefail
cd "$(dirname "$0")/.."

COUNT="${TEXTS:-2000}"
THREADS="${THREADS:-2}"
ENGINES="${ENGINES:-supportkit torch onnx}"
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
      "$BIN" embed --bench "$OUT/texts.txt" --workers "$THREADS" | tee -a "$OUT/results.jsonl"
      ;;
    supportkit-autoblas)
      env -u OPENBLAS_CORETYPE "$BIN" embed --bench "$OUT/texts.txt" --workers "$THREADS" \
        | sed 's/"engine":"supportkit"/"engine":"supportkit-autoblas"/' | tee -a "$OUT/results.jsonl"
      ;;
    torch|onnx)
      if [[ ! -x "$VENV/bin/python" ]]; then
        echo "   skipped: no $VENV (see the header of this script)"
        continue
      fi
      HF_HUB_OFFLINE=1 OMP_NUM_THREADS="$THREADS" "$VENV/bin/python" scripts/minilm/bench_reference.py "$engine" \
        "$OUT/texts.txt" --threads "$THREADS" 2>"$OUT/$engine.log" | tee -a "$OUT/results.jsonl" \
        || { echo "   failed, see $OUT/$engine.log"; tail -n 5 "$OUT/$engine.log"; }
      ;;
    *) echo "unknown engine $engine" >&2; exit 2 ;;
  esac
done

python3 - "$OUT/results.jsonl" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
if not rows:
    sys.exit("no results")
names = {"supportkit": "supportkit (Swift, OpenBLAS)", "supportkit-autoblas": "supportkit, OpenBLAS auto kernels",
         "torch": "sentence-transformers (PyTorch)", "onnx": "ONNX Runtime (fp32)"}
best_peer = max((r["textsPerSecond"] for r in rows if not r["engine"].startswith("supportkit")), default=None)
print()
print(f"{'engine':44} {'texts/s':>8} {'tokens/s':>9} {'seconds':>8} {'CPU s':>7} {'peak RSS':>9}  ratio")
sk = next((r for r in rows if r["engine"] == "supportkit"), None)
for r in rows:
    ratio = f"{sk['textsPerSecond'] / r['textsPerSecond']:.2f}x" if sk and r is not sk else ""
    core = f" [{r['blasCore']}]" if "blasCore" in r else ""
    print(f"{names.get(r['engine'], r['engine']) + core:44} {r['textsPerSecond']:8.1f} {r['tokensPerSecond']:9.0f} "
          f"{r['seconds']:8.1f} {r.get('cpuSeconds', 0):7.1f} {r['peakRSSMegabytes']:7.0f}MB  {ratio}")
print(f"\n{rows[0]['texts']} texts, {rows[0]['tokens']} real tokens ([CLS]/[SEP] included, truncated at 256)")
if best_peer:
    for r in rows:
        if r["engine"].startswith("supportkit"):
            print(f"{r['engine']} / fastest peer: {r['textsPerSecond'] / best_peer:.2f}x (target >= 1.2x)")
PY
