#!/usr/bin/env bash
# Does serve's memory stay bounded as customers accumulate? Ingests corpora/ into a scratch store, starts
# `supportkit serve` on loopback, and sends chat turns from CUSTOMERS distinct customers (TURNS each, 8 client
# threads) for at most DURATION seconds, sampling the server's resident memory (VmRSS) every 10 s.
# Prints the samples (resident memory split into anonymous memory and file pages, the store's memory map) and the
# growth over the second half of the run.
#
# Usage: scripts/measure-serve-memory.sh  (SUPPORTKIT_BIN, EMBEDDER=lexical, CUSTOMERS=50000, TURNS=1, DURATION=600)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${SUPPORTKIT_BIN:-$(swift build -c release --show-bin-path)/supportkit}"
EMBEDDER="${EMBEDDER:-lexical}"
CUSTOMERS="${CUSTOMERS:-50000}"
TURNS="${TURNS:-1}"
DURATION="${DURATION:-600}"
WORK="$(mktemp -d)"
SERVER=""
cleanup() { [[ -n "$SERVER" ]] && kill "$SERVER" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
STORE="sqlite:$WORK/store.sqlite"
"$BIN" ingest corpora --store "$STORE" --embedder "$EMBEDDER" >/dev/null
"$BIN" train corpora/intents.yaml --store "$STORE" --embedder "$EMBEDDER" >/dev/null
KEY="memory-bench-key-0123456789abcdef"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
SUPPORTKIT_API_KEYS="$KEY" "$BIN" serve --store "$STORE" --embedder "$EMBEDDER" --port "$PORT" --rate 100000 --burst 100000 \
  > "$WORK/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.3; done
python3 - "$PORT" "$KEY" "$CUSTOMERS" "$TURNS" "$DURATION" "$SERVER" <<'PY'
import http.client, json, sys, threading, time
port, key, customers, turns, duration, pid = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), sys.argv[6]
messages = ["I was charged twice for my order", "How do I change my email address?", "Where is my package?",
            "Can I get a refund for a damaged item?", "I cannot log in to my account", "thanks, that helped"]
lock = threading.Lock(); next_customer = [0]; done = [0]; errors = [0]; start = time.time()
def rss():  # (resident, anonymous, file-backed) MB: file pages are the store's memory map, reclaimable by the kernel
    fields = {}
    for line in open(f"/proc/{pid}/status"):
        key, _, value = line.partition(":")
        if key in ("VmRSS", "RssAnon", "RssFile"): fields[key] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields.get("RssAnon", 0.0), fields.get("RssFile", 0.0)
def worker():
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    while time.time() - start < duration:
        with lock:
            if next_customer[0] >= customers: return
            c = next_customer[0]; next_customer[0] += 1
        for t in range(turns):
            body = json.dumps({"customer_id": f"load-{c}", "message": messages[(c + t) % len(messages)], "conversation_id": f"conv-{c}"})
            try:
                conn.request("POST", "/v1/chat", body, {"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
                r = conn.getresponse(); r.read()
                with lock:
                    done[0] += 1
                    if r.status != 200: errors[0] += 1
            except Exception:
                with lock: errors[0] += 1
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
threads = [threading.Thread(target=worker, daemon=True) for _ in range(8)]
for th in threads: th.start()
samples = []
while any(th.is_alive() for th in threads):
    time.sleep(10)
    total, anon, mapped = rss()
    samples.append((time.time() - start, next_customer[0], done[0], total, anon, mapped))
    print(f"{samples[-1][0]:6.0f} s  customers {samples[-1][1]:6d}  turns {samples[-1][2]:6d}  rss {total:7.1f} MB"
          f"  (anon {anon:6.1f}, file {mapped:6.1f})", flush=True)
half = [s for s in samples if s[0] >= samples[-1][0] / 2]
print(f"customers {next_customer[0]}, turns {done[0]}, errors {errors[0]}, peak rss {max(s[3] for s in samples):.1f} MB, "
      f"growth over the second half {half[-1][3] - half[0][3]:+.1f} MB (anon {half[-1][4] - half[0][4]:+.1f}, "
      f"file {half[-1][5] - half[0][5]:+.1f}; {half[0][1]} -> {half[-1][1]} customers)")
PY
