#!/usr/bin/env bash
# The main job on the embedded defaults: install what is missing, build, then ingest corpora/, train the
# classifier when needed, evaluate evals/ and write reports/ (HTML report, results database).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ -x .build/release/supportkit ]; then
  echo "building supportkit (release; an incremental build takes seconds to a minute) ..."
else
  # Measured on 2 cores (BUILD-NOTES.md): a clean release build of the whole package, gRPC and the server included.
  echo "building supportkit (release) for the first time: about 1,500 files, about 18 minutes on 2 cores ..."
fi
log="$(mktemp)"
started=$SECONDS
status=0
if [ -t 2 ]; then
  # On a terminal: SwiftPM's own progress lines ("[412/1530] Compiling NIOCore ByteBuffer.swift"), condensed to
  # one line that rewrites itself, with the step, the module and the time so far. The full output goes to $log.
  width=$(( $(tput cols 2>/dev/null || echo 100) - 1 ))
  set +e
  swift build -c release --product supportkit 2>&1 | tee "$log" | while IFS= read -r line; do
    case "$line" in
      \[*/*\]*)
        elapsed=$(( SECONDS - started ))
        read -r step verb module _ <<<"$line"
        text=$(printf '  %d:%02d  %s %s %s' $(( elapsed / 60 )) $(( elapsed % 60 )) "$step" "${verb:-}" "${module:-}")
        printf '\r\033[K%s' "${text:0:$width}" >&2
        ;;
    esac
  done
  status=${PIPESTATUS[0]}
  set -e
  printf '\r\033[K' >&2
else
  swift build -c release --product supportkit >"$log" 2>&1 || status=$?
fi
if [ "$status" -ne 0 ]; then
  grep -E "error" "$log" | head -40 >&2 || tail -40 "$log" >&2
  echo "error: the build failed (full log: $log)" >&2
  exit 1
fi
elapsed=$(( SECONDS - started ))
printf 'built in %d:%02d (log: %s)\n' $(( elapsed / 60 )) $(( elapsed % 60 )) "$log"
exec .build/release/supportkit demo "$@"
