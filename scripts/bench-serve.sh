#!/usr/bin/env bash
# Does the served assistant hold its speed as conversations and customers accumulate history?
#
# On one scratch store (ingest corpora/, train corpora/intents.yaml), in one run:
#   1. in-process: `supportkit eval evals/` on that store, turns per second (the reference);
#   2. `supportkit serve` on loopback with that store, then ROUNDS (3) back-to-back rounds of ROUND_SECONDS (15)
#      of wrk with 16 connections sending POST /v1/chat turns spread over 200 conversations
#      (scripts/load-test/chat.lua): the conversations and the customers' memory grow from round to round.
# Prints requests/s and latency percentiles per round, round N / round 1, and round 1 / in-process turns/s,
# with the load average before and after. Bounded: about 2 minutes, loopback only, stops by itself.
#
# Usage: scripts/bench-serve.sh [--embedder NAME]
#   SUPPORTKIT_BIN a prebuilt binary (default: release build); ROUNDS, ROUND_SECONDS, BENCH_CONNECTIONS.
# Needs: wrk (apt-get install -y wrk), python3.
set -euo pipefail
cd "$(dirname "$0")/.."

EMBEDDER=minilm
while [[ $# -gt 0 ]]; do
  case "$1" in
    --embedder) EMBEDDER="$2"; shift 2 ;;
    *) echo "unknown argument $1; use --embedder NAME" >&2; exit 2 ;;
  esac
done
ROUNDS="${ROUNDS:-3}"
ROUND_SECONDS="${ROUND_SECONDS:-15}"
CONNECTIONS="${BENCH_CONNECTIONS:-16}"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }

if [[ -z "${SUPPORTKIT_BIN:-}" ]]; then
  nice -n 10 swift build -c release --product supportkit >&2
  SUPPORTKIT_BIN="$(swift build -c release --show-bin-path)/supportkit"
fi
BIN="$SUPPORTKIT_BIN"

WORK="$(mktemp -d)"
SERVER=""
cleanup() { [[ -n "$SERVER" ]] && kill "$SERVER" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
STORE="sqlite:$WORK/store.sqlite"
COMMON=(--store "$STORE" --embedder "$EMBEDDER")

echo "== scratch store: ingest corpora/, train ($EMBEDDER)" >&2
"$BIN" ingest corpora "${COMMON[@]}" >/dev/null 2>&1
"$BIN" train corpora/intents.yaml "${COMMON[@]}" >/dev/null 2>&1
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

echo "== in-process: eval evals/" >&2
START=$(date +%s.%N)
"$BIN" eval evals "${COMMON[@]}" --results "$WORK/results.sqlite" --report-dir "$WORK/reports" --json \
  > "$WORK/eval.json" 2>"$WORK/eval.log" || true
STOP=$(date +%s.%N)
EVAL_TURNS=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["turns"])' "$WORK/eval.json" 2>/dev/null || echo 0)
[[ "$EVAL_TURNS" -gt 0 ]] || { echo "eval failed:" >&2; cat "$WORK/eval.log" >&2; exit 3; }
EVAL_SECONDS=$(python3 -c "print(f'{$STOP - $START:.2f}')")
EVAL_TPS=$(python3 -c "print(f'{$EVAL_TURNS / ($STOP - $START):.1f}')")

KEY="bench-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
printf '# bench key\n%s\n' "$KEY" > "$WORK/keys"
PORT="${BENCH_PORT:-$((20000 + RANDOM % 20000))}"
# Rate limiting is set out of the way: this measures the assistant, not the limiter.
"$BIN" serve "${COMMON[@]}" --host 127.0.0.1 --port "$PORT" --keys-file "$WORK/keys" \
  --rate 1000000 --burst 1000000 --grace-period 5 2>"$WORK/server.log" &
SERVER=$!
for _ in $(seq 1 300); do
  curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  kill -0 "$SERVER" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 3; }
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null || { echo "server not ready" >&2; cat "$WORK/server.log" >&2; exit 3; }

declare -a RPS P50 P90 P99 NON2XX
for round in $(seq 1 "$ROUNDS"); do
  echo "== round $round: wrk -t2 -c$CONNECTIONS -d${ROUND_SECONDS}s" >&2
  SUPPORTKIT_LOAD_KEY="$KEY" timeout $((ROUND_SECONDS + 30)) wrk -t2 -c"$CONNECTIONS" -d"${ROUND_SECONDS}s" --latency \
    -s scripts/load-test/chat.lua "http://127.0.0.1:$PORT/v1/chat" > "$WORK/wrk-$round.txt"
  RPS[$round]=$(awk '/^Requests\/sec:/ {print $2}' "$WORK/wrk-$round.txt")
  P50[$round]=$(awk '$1 == "50%" {print $2}' "$WORK/wrk-$round.txt")
  P90[$round]=$(awk '$1 == "90%" {print $2}' "$WORK/wrk-$round.txt")
  P99[$round]=$(awk '$1 == "99%" {print $2}' "$WORK/wrk-$round.txt")
  NON2XX[$round]=$(awk '/Non-2xx or 3xx responses:/ {print $5}' "$WORK/wrk-$round.txt")
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
kill -TERM "$SERVER" 2>/dev/null || true
wait "$SERVER" 2>/dev/null || true
SERVER=""

printf 'in-process eval: %s turns in %s s = %s turns/s (embedder %s)\n' "$EVAL_TURNS" "$EVAL_SECONDS" "$EVAL_TPS" "$EMBEDDER"
printf '%-6s %10s %9s %9s %9s %8s %12s\n' round "req/s" p50 p90 p99 non-2xx "vs round 1"
for round in $(seq 1 "$ROUNDS"); do
  RATIO=$(python3 -c "print(f'{${RPS[$round]} / ${RPS[1]}:.2f}x')")
  printf '%-6s %10s %9s %9s %9s %8s %12s\n' "$round" "${RPS[$round]}" "${P50[$round]}" "${P90[$round]}" "${P99[$round]}" "${NON2XX[$round]:-0}" "$RATIO"
done
printf 'round 1 / in-process: %s\n' "$(python3 -c "print(f'{${RPS[1]} / $EVAL_TPS:.2f}x')")"
printf 'round %s / round 1: %s\n' "$ROUNDS" "$(python3 -c "print(f'{${RPS[$ROUNDS]} / ${RPS[1]}:.2f}x')")"
printf 'load average before: %s, after: %s\n' "$LOAD_BEFORE" "$LOAD_AFTER"
