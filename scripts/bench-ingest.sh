#!/usr/bin/env bash
# Ingest benchmark: parse+chunk throughput (MB/s) for Markdown and HTML on generated corpora of >= 50 MB,
# compared in the same run with the raw C parsers (cmark for Markdown, libxml2's xmllint for HTML), and the
# time of a no-change re-ingest of 10,000 documents. Uses a release build; runs in a few minutes.
#
# The parse+chunk figures come from Benchmarks/IngestBenchmark: files are read into memory first, then the
# parser and chunker the pipeline uses run on one thread, timed by that thread's CPU clock (best of
# BENCH_REPETITIONS, median beside it). The `ingest --dry-run` line is the whole command for comparison:
# process start, directory walk, file reads, SHA-256 file and content hashes and planning included.
set -euo pipefail
cd "$(dirname "$0")/.."
work=${BENCH_DIR:-/tmp/supportkit-bench-ingest}
rm -rf "$work" && mkdir -p "$work"
command -v cmark >/dev/null || { echo "installing cmark and libxml2-utils for the reference parsers"; apt-get install -y -qq cmark libxml2-utils >/dev/null; }
swift build -c release --product supportkit >/dev/null
swift build -c release --product IngestBenchmark >/dev/null
bin=.build/release/supportkit
bench=.build/release/IngestBenchmark
repetitions=${BENCH_REPETITIONS:-5}
load_before=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")

python3 scripts/bench/gen_corpus.py "$work/md" --format md --docs 7000 --seed 1
python3 scripts/bench/gen_corpus.py "$work/html" --format html --docs 7000 --seed 2
python3 scripts/bench/gen_corpus.py "$work/sync" --format both --docs 10000 --seed 3 --small
# A Jekyll help center: Liquid and kramdown on most lines, and in every third article a table row longer than
# the chunk budget (a cell holding a list of 40-120 values). Before the linear chunker this corpus never finished.
python3 scripts/bench/gen_corpus.py "$work/jekyll" --format md --docs 3000 --seed 4 --jekyll

throughput() {  # folder format -> CPU MB/s best and median, wall MB/s best, MB, documents, chunks (parse+chunk only)
  "$bench" "$1" --format "$2" --repetitions "$repetitions" --json \
    | python3 -c 'import json,sys; r=json.load(sys.stdin); print("%.1f %.1f %.1f %.1f %d %d" % (r["cpu_mb_per_s_best"], r["cpu_mb_per_s_median"], r["wall_mb_per_s_best"], r["megabytes"], r["documents"], r["chunks"]))'
}
end_to_end() {  # folder -> MB/s of `ingest --dry-run` (walk, read, hash, parse, chunk, plan; no embedding), seconds
  "$bin" ingest "$1" --dry-run --json --embedder lexical --store "sqlite:$work/$(basename "$1").sqlite" \
    | python3 -c 'import json,sys; r=json.load(sys.stdin); mb=r["bytes_parsed"]/1048576; print("%.1f %.2f" % (mb/r["seconds"], r["seconds"]))'
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

read -r md_rate md_median md_wall md_mb md_docs md_chunks < <(throughput "$work/md" md)
read -r html_rate html_median html_wall html_mb html_docs html_chunks < <(throughput "$work/html" html)
read -r jk_rate jk_median jk_wall jk_mb jk_docs jk_chunks < <(throughput "$work/jekyll" md)
read -r jk_e2e jk_e2e_s < <(end_to_end "$work/jekyll")
jk_markup=$("$bin" ingest "$work/jekyll" --dry-run --json --embedder lexical --store "sqlite:$work/jekyll-markup.sqlite" \
  | python3 -c 'import json,sys; m=json.load(sys.stdin)["markup"]; print(", ".join("%s %s" % (v, k) for k, v in m.items() if v))')
read -r md_e2e md_e2e_s < <(end_to_end "$work/md")
read -r html_e2e html_e2e_s < <(end_to_end "$work/html")
cmark_rate=$(reference "$work/md" cmark --to html)
xmllint_rate=$(reference "$work/html" xmllint --html --noout --nowarning --recover)

"$bin" ingest "$work/sync" --embedder lexical --store "sqlite:$work/sync.sqlite" --json >/dev/null
start=$(date +%s.%N)
"$bin" ingest "$work/sync" --embedder lexical --store "sqlite:$work/sync.sqlite" --json > "$work/noop.json"
end=$(date +%s.%N)
noop=$(python3 -c "print(f'{$end-$start:.2f}')")
written=$(python3 -c "import json; r=json.load(open('$work/noop.json')); print(r['written'], r['embedded'], r['documents']['unchanged'])")

load_after=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")

echo
echo "supportkit ingest benchmark (release build; parse+chunk on one thread, CPU time, best of $repetitions)"
echo "load average before/after: $load_before / $load_after"
printf '%-44s %9s %9s %9s %8s\n' "" "MB/s" "median" "wall" "MB"
printf '%-44s %9s %9s %9s %8s   (%s docs, %s chunks; target >= 50 MB/s)\n' \
  "Markdown parse+chunk" "$md_rate" "$md_median" "$md_wall" "$md_mb" "$md_docs" "$md_chunks"
printf '%-44s %9s\n' "  reference: cmark --to html (wall)" "$cmark_rate"
printf '%-44s %9s   (%s s wall clock)\n' "  ingest --dry-run, walk/read/hash/plan incl." "$md_e2e" "$md_e2e_s"
printf '%-44s %9s %9s %9s %8s   (%s docs, %s chunks; target >= 20 MB/s)\n' \
  "HTML parse+chunk" "$html_rate" "$html_median" "$html_wall" "$html_mb" "$html_docs" "$html_chunks"
printf '%-44s %9s\n' "  reference: xmllint --html (wall)" "$xmllint_rate"
printf '%-44s %9s   (%s s wall clock)\n' "  ingest --dry-run, walk/read/hash/plan incl." "$html_e2e" "$html_e2e_s"
printf '%-44s %9s %9s %9s %8s   (%s docs, %s chunks)\n' \
  "Jekyll Markdown (Liquid, long-row tables)" "$jk_rate" "$jk_median" "$jk_wall" "$jk_mb" "$jk_docs" "$jk_chunks"
printf '%-44s %9s   (%s s wall clock)\n' "  ingest --dry-run, walk/read/hash/plan incl." "$jk_e2e" "$jk_e2e_s"
echo "  markup removed: $jk_markup"
echo "no-change re-ingest of 10,000 documents: ${noop} s wall clock, process included (target < 2 s); written/embedded/unchanged: $written"
