#!/usr/bin/env bash
# Ingest throughput over gRPC (VectorAI DB wire format, against the loopback development server backed by
# SQLite) compared with the embedded SQLite store, in the same run: chunks written per second of a full
# `ingest --rebuild` with the lexical embedder (so embedding does not dominate). Release build.
#   scripts/bench-vectorai.sh [DOCS]    (default 2000 generated Markdown documents)
set -euo pipefail
cd "$(dirname "$0")/.."
docs=${1:-2000}
work=${BENCH_DIR:-/tmp/supportkit-bench-vectorai}
rm -rf "$work" && mkdir -p "$work"
config=${CONFIG:-release}   # CONFIG=debug measures the debug build (no release build needed)
swift build -c "$config" --product supportkit >/dev/null
bin=$PWD/.build/$config/supportkit
python3 scripts/bench/gen_corpus.py "$work/corpus" --format md --docs "$docs" --seed 7 >/dev/null
extra=${VECTORAI_BATCH_SIZE:+ (VECTORAI_BATCH_SIZE=$VECTORAI_BATCH_SIZE)}

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
"$bin" vectorai-dev-server --port "$port" --store "sqlite:$work/server.sqlite" 2>"$work/server.log" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q listening "$work/server.log" && break; sleep 0.1; done

rate() {  # store-url state-dir -> "chunks seconds chunks/s"
  (cd "$2" && "$bin" ingest "$work/corpus" --store "$1" --embedder lexical --rebuild --json) \
    | python3 -c 'import json,sys; r=json.load(sys.stdin); w=r["written"]; s=r["seconds"]; print(w, "%.2f" % s, "%.0f" % (w / s))'
}
mkdir -p "$work/a" "$work/b"
rate "sqlite:$work/sqlite.sqlite" "$work/a" >/dev/null   # warm the embedding cache of each side once
rate "vectorai://127.0.0.1:$port" "$work/b" >/dev/null
read -r s_chunks s_secs s_rate < <(rate "sqlite:$work/sqlite.sqlite" "$work/a")
read -r v_chunks v_secs v_rate < <(rate "vectorai://127.0.0.1:$port" "$work/b")
echo "ingest --rebuild of $docs documents, lexical embedder (cached), $config build"
printf '%-44s %8s %8s %10s\n' "store" "chunks" "seconds" "chunks/s"
printf '%-44s %8s %8s %10s\n' "sqlite (embedded)" "$s_chunks" "$s_secs" "$s_rate"
printf '%-44s %8s %8s %10s\n' "vectorai:// gRPC -> dev server -> sqlite" "$v_chunks" "$v_secs" "$v_rate"
python3 -c "print(f'gRPC / embedded: {$v_rate/$s_rate:.2f}x')"
