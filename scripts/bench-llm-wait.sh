#!/usr/bin/env bash
# What waiting for a slow model costs: one `supportkit ask` with the LLM classifier against a loopback
# chat-completions server that takes DELAY seconds (default 8) to answer, timed with /usr/bin/time and, when strace
# is installed, counted in system calls. A wait on an event loop costs next to no CPU; a polling wait costs most of
# a core (URLSession on Linux: 6.7 s of CPU, 5.6 s of it system time, for an 8 s wait).
#
#   scripts/bench-llm-wait.sh            # DELAY=8
# Environment: SUPPORTKIT (binary; default .build/release/supportkit), DELAY (seconds), WORK (scratch folder).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
bin=${SUPPORTKIT:-$root/.build/release/supportkit}
delay=${DELAY:-8}
work=${WORK:-$(mktemp -d)}
[[ -x $bin ]] || { echo "error: no binary at $bin; run: swift build -c release --product supportkit" >&2; exit 2; }
mkdir -p "$work"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 - "$port" "$delay" <<'PY' &
import http.server, json, sys, time
class Slow(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        time.sleep(float(sys.argv[2]))
        content = json.dumps({"intent": "problem", "confidence": 0.9, "category": "billing", "category_confidence": 0.9})
        body = json.dumps({"choices": [{"message": {"role": "assistant", "content": content}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Slow).serve_forever()
PY
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
cd "$work"
printf 'assistant:\n  classifier: {kind: llm, model: slow}\n  llm: {base_url: "http://127.0.0.1:%s/v1", timeout_seconds: 60}\n' "$port" > supportkit.yaml
"$bin" ingest "$root/corpora" --embedder lexical > /dev/null
"$bin" train "$root/corpora/intents.yaml" --embedder lexical > /dev/null
sleep 0.5
echo "one turn, the model answering after ${delay} s:"
OPENAI_API_KEY=local /usr/bin/time -o time.txt -f "  wall %e s, user %U s, system %S s" "$bin" ask --customer bench "I was charged twice" --embedder lexical > /dev/null
cat time.txt
if command -v strace > /dev/null; then
  OPENAI_API_KEY=local strace -f -c -o strace.txt "$bin" ask --customer bench2 "I was charged twice" --embedder lexical > /dev/null
  count() { awk -v name="$1" '$NF == name {n = $4} END {print n + 0}' strace.txt; }
  echo "  system calls: $(count total) in all; $(count futex) futex, $(count poll) poll, $(count epoll_wait) epoll_wait, $(count read) read"
fi
