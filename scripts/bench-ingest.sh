#!/usr/bin/env bash
# Ingest benchmark: parse+chunk throughput (MB/s) for Markdown and HTML on generated corpora of >= 50 MB,
# compared in the same run with the raw C parsers (cmark for Markdown, libxml2's xmllint for HTML), and the
# time of a no-change re-ingest of 10,000 documents. Uses a release build; runs in a few minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
work=${BENCH_DIR:-/tmp/supportkit-bench-ingest}
rm -rf "$work" && mkdir -p "$work"
command -v cmark >/dev/null || { echo "installing cmark and libxml2-utils for the reference parsers"; apt-get install -y -qq cmark libxml2-utils >/dev/null; }
swift build -c release --product supportkit >/dev/null
bin=.build/release/supportkit

python3 scripts/bench/gen_corpus.py "$work/md" --format md --docs 7000 --seed 1
python3 scripts/bench/gen_corpus.py "$work/html" --format html --docs 7000 --seed 2
python3 scripts/bench/gen_corpus.py "$work/sync" --format both --docs 10000 --seed 3 --small

throughput() {  # folder -> MB/s of `ingest --dry-run` (walk, read, hash, parse, chunk, plan; no embedding)
  "$bin" ingest "$1" --dry-run --json --embedder lexical --store "sqlite:$work/$(basename "$1").sqlite" \
    | python3 -c 'import json,sys; r=json.load(sys.stdin); mb=r["bytes_parsed"]/1048576; print("%.1f %.1f %.2f %d" % (mb/r["seconds"], mb, r["seconds"], r["documents"]["added"]))'
}
reference() {  # command over every file -> MB/s
  local folder=$1; shift
  local bytes; bytes=$(du -sb "$folder" | cut -f1)
  local start end
  start=$(date +%s.%N)
  find "$folder" -type f -print0 | xargs -0 -n 500 "$@" >/dev/null 2>&1 || true
  end=$(date +%s.%N)
  python3 -c "print(f'{$bytes/1048576/($end-$start):.1f}')"
}

read -r md_rate md_mb md_s md_docs < <(throughput "$work/md")
read -r html_rate html_mb html_s html_docs < <(throughput "$work/html")
cmark_rate=$(reference "$work/md" cmark --to html)
xmllint_rate=$(reference "$work/html" xmllint --html --noout --nowarning --recover)

"$bin" ingest "$work/sync" --embedder lexical --store "sqlite:$work/sync.sqlite" --json >/dev/null
start=$(date +%s.%N)
"$bin" ingest "$work/sync" --embedder lexical --store "sqlite:$work/sync.sqlite" --json > "$work/noop.json"
end=$(date +%s.%N)
noop=$(python3 -c "print(f'{$end-$start:.2f}')")
written=$(python3 -c "import json; r=json.load(open('$work/noop.json')); print(r['written'], r['embedded'], r['documents']['unchanged'])")

echo
echo "supportkit ingest benchmark (release build, one core for parsing)"
printf '%-34s %10s %10s %10s\n' "" "MB/s" "MB" "seconds"
printf '%-34s %10s %10s %10s   (%s docs; target >= 50 MB/s)\n' "Markdown parse+chunk" "$md_rate" "$md_mb" "$md_s" "$md_docs"
printf '%-34s %10s\n' "  reference: cmark --to html" "$cmark_rate"
printf '%-34s %10s %10s %10s   (%s docs; target >= 20 MB/s)\n' "HTML parse+chunk" "$html_rate" "$html_mb" "$html_s" "$html_docs"
printf '%-34s %10s\n' "  reference: xmllint --html" "$xmllint_rate"
echo "no-change re-ingest of 10,000 documents: ${noop} s wall clock, process included (target < 2 s); written/embedded/unchanged: $written"
