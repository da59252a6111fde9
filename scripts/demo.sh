#!/usr/bin/env bash
# The main job on the embedded defaults: install what is missing, build, then ingest corpora/, train the
# classifier when needed, evaluate evals/ and write reports/ (HTML report, results database).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "building supportkit (release) ..."
log="$(mktemp)"
if ! swift build -c release --product supportkit >"$log" 2>&1; then
  grep -E "error" "$log" | head -40 >&2 || tail -40 "$log" >&2
  echo "error: the build failed (full log: $log)" >&2
  exit 1
fi
exec .build/release/supportkit demo "$@"
