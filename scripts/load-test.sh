#!/usr/bin/env bash
# Bounded load test of `supportkit serve` on loopback (about 1.5 minutes, stops by itself):
#   1. wrk against POST /v1/chat: requests/s, p50 and p99 latency;
#   2. >= 1,000 concurrent idle WebSockets on GET /v1/chat/ws: server memory per connection;
#   3. SIGTERM: how long the drain takes.
# Usage: scripts/load-test.sh [--echo] [-- extra serve flags]
#   --echo           run on the deterministic echo assistant (no store or model needed)
#   LOAD_DURATION    wrk seconds (default 20); LOAD_CONNECTIONS wrk connections (default 32)
#   WS_CONNECTIONS   idle WebSockets (default 1000); SUPPORTKIT_BIN a prebuilt binary (default: release build)
# Needs: wrk (apt-get install -y wrk), python3 (a venv with `websockets` is made in .venv-load).
set -euo pipefail
cd "$(dirname "$0")/.."

ECHO=""
EXTRA=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --echo) ECHO="--echo-assistant"; shift ;;
    --) shift; EXTRA=("$@"); break ;;
    *) echo "unknown argument $1; use --echo or -- SERVE_FLAGS" >&2; exit 2 ;;
  esac
done

DURATION="${LOAD_DURATION:-20}"
CONNECTIONS="${LOAD_CONNECTIONS:-32}"
WS_CONNECTIONS="${WS_CONNECTIONS:-1000}"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }

if [[ -z "${SUPPORTKIT_BIN:-}" ]]; then
  nice -n 10 swift build -c release --product supportkit >&2
  SUPPORTKIT_BIN="$(swift build -c release --show-bin-path)/supportkit"
fi
if [[ ! -x .venv-load/bin/python ]] || ! .venv-load/bin/python -c 'import websockets' 2>/dev/null; then
  python3 -m venv .venv-load && .venv-load/bin/pip install -q websockets >&2
fi

WORK="$(mktemp -d)"
KEY="load-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
printf '# load-test key\n%s\n' "$KEY" > "$WORK/keys"
PORT="${LOAD_PORT:-$((20000 + RANDOM % 20000))}"
ulimit -n 8192 2>/dev/null || true

# Rate limiting is set out of the way: this measures the server, not the limiter.
"$SUPPORTKIT_BIN" serve $ECHO --host 127.0.0.1 --port "$PORT" --keys-file "$WORK/keys" \
  --rate 1000000 --burst 1000000 --grace-period 10 "${EXTRA[@]}" 2>"$WORK/server.log" &
SERVER=$!
cleanup() { kill "$SERVER" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  kill -0 "$SERVER" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 3; }
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null || { echo "server not ready:" >&2; curl -sS "http://127.0.0.1:$PORT/readyz" >&2; exit 3; }

echo "== POST /v1/chat: wrk -t2 -c$CONNECTIONS -d${DURATION}s" >&2
SUPPORTKIT_LOAD_KEY="$KEY" timeout $((DURATION + 30)) wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency \
  -s scripts/load-test/chat.lua "http://127.0.0.1:$PORT/v1/chat" > "$WORK/wrk.txt"
cat "$WORK/wrk.txt" >&2
RPS=$(awk '/^Requests\/sec:/ {print $2}' "$WORK/wrk.txt")
P50=$(awk '$1 == "50%" {print $2}' "$WORK/wrk.txt")
P99=$(awk '$1 == "99%" {print $2}' "$WORK/wrk.txt")
NON2XX=$(awk '/Non-2xx or 3xx responses:/ {print $5}' "$WORK/wrk.txt")

echo "== $WS_CONNECTIONS idle WebSockets" >&2
WS_JSON=$(timeout 120 .venv-load/bin/python scripts/load-test/idle_sockets.py --port "$PORT" --key-file "$WORK/keys" \
  --pid "$SERVER" --connections "$WS_CONNECTIONS" --hold 10)
echo "$WS_JSON" >&2

echo "== SIGTERM" >&2
ASSISTANT=$([[ -n "$ECHO" ]] && echo echo || echo configured)
START=$(date +%s.%N)
kill -TERM "$SERVER"
wait "$SERVER" && STATUS=0 || STATUS=$?
STOP=$(date +%s.%N)
SHUTDOWN=$(printf "%.3f" "$(echo "$STOP - $START" | bc)")

cat <<REPORT
{"chat": {"requests_per_second": ${RPS:-null}, "p50": "${P50:-}", "p99": "${P99:-}", "non_2xx": ${NON2XX:-0}, "connections": $CONNECTIONS, "seconds": $DURATION},
 "websockets": $WS_JSON,
 "shutdown": {"exit_status": $STATUS, "seconds": $SHUTDOWN},
 "assistant": "$ASSISTANT"}
REPORT
