#!/usr/bin/env bash
# Build and test times of two commits, back to back on this machine (issue 24's before/after figures):
#   bash scripts/measure-build-times.sh BEFORE [AFTER]      (AFTER defaults to HEAD)
# For each commit, in a fresh clone under ${WORK:-/tmp}: a clean release build of the supportkit product
# (dependencies included), a clean `swift build --build-tests`, and `swift test --skip-build`; then ROUNDS (default 2)
# alternating rounds of the same after touching every source file (the project's own code only, dependencies
# built). Prints a tab-separated line per measurement (label, seconds, exit code). Takes about an hour on 2 cores.
set -u
BEFORE=${1:?usage: measure-build-times.sh BEFORE [AFTER]}
REPO=$(cd "$(dirname "$0")/.." && pwd)
AFTER=$(git -C "$REPO" rev-parse "${2:-HEAD}")
BEFORE=$(git -C "$REPO" rev-parse "$BEFORE")
WORK=${WORK:-/tmp}
ROUNDS=${ROUNDS:-2}
LOG=$(mktemp)
measure() {
  local label=$1; shift
  local start end rc
  start=$(date +%s.%N)
  "$@" > "$LOG" 2>&1; rc=$?
  end=$(date +%s.%N)
  printf "%s\t%.1f\trc=%d\n" "$label" "$(echo "$end - $start" | bc)" "$rc"
}
for name in before after; do
  rev=$([ $name = before ] && echo "$BEFORE" || echo "$AFTER")
  rm -rf "$WORK/measure-$name"
  git clone -q "$REPO" "$WORK/measure-$name" && git -C "$WORK/measure-$name" checkout -q "$rev"
  cd "$WORK/measure-$name" || exit 1
  measure "$name clean-release" swift build -c release --product supportkit
  measure "$name clean-debug-build-tests" swift build --build-tests
  measure "$name test-run" swift test --skip-build
  grep -a "Test run with" "$LOG" | tail -1
done
for round in $(seq 1 "$ROUNDS"); do
  for name in before after; do
    cd "$WORK/measure-$name" || exit 1
    find Sources -name '*.swift' -exec touch {} +
    measure "$name touch-all-release r$round" swift build -c release --product supportkit
    find Sources Tests -name '*.swift' -exec touch {} +
    measure "$name touch-all-debug-build-tests r$round" swift build --build-tests
    measure "$name test-run r$round" swift test --skip-build
  done
done
rm -f "$LOG"
