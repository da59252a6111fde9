#!/usr/bin/env python3
"""Validity and speed of `supportkit groundedness` (scripts/measure-groundedness.sh runs this).

BEGIN (dev splits): responses labeled "Fully attributable" are positives, "Not fully attributable" negatives;
"Generic" responses are left out, as in the baseline figures of issue 22. Prints ROC AUC per split for the
checker's score and for lexical precision (share of response words found in the knowledge), then AUC and the
precision / recall of `supported: false` on the fact-swap fixture set, then pairs/s."""
import csv, json, re, subprocess, sys, time

binary, begin_dir, swaps, work = sys.argv[1:5]
csv.field_size_limit(1 << 24)

def auc(scores, labels):
    pairs = sorted(zip(scores, labels))
    pos = sum(labels); neg = len(labels) - pos
    # Mann-Whitney U with midranks for ties.
    rank_sum = 0.0; i = 0
    while i < len(pairs):
        j = i
        while j < len(pairs) and pairs[j][0] == pairs[i][0]: j += 1
        mid = (i + 1 + j) / 2
        rank_sum += mid * sum(1 for k in range(i, j) if pairs[k][1])
        i = j
    return (rank_sum - pos * (pos + 1) / 2) / (pos * neg)

WORD = re.compile(r"[a-z0-9]+")
def lexical_precision(response, knowledge):
    words = WORD.findall(response.lower()); known = set(WORD.findall(knowledge.lower()))
    return sum(w in known for w in words) / max(1, len(words))

def run(pairs_path):
    started = time.perf_counter()
    done = subprocess.run([binary, "groundedness", pairs_path], capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.stderr.write(done.stderr); sys.exit(done.returncode)
    return [json.loads(line) for line in done.stdout.splitlines()], elapsed

total_pairs = 0; total_seconds = 0.0
print("BEGIN dev, ROC AUC (attributable vs not; Generic left out)")
print(f"{'split':6} {'n':>5} {'checker':>8} {'lexical':>8}")
for split in ["wow", "cmu", "tc"]:
    rows = []
    with open(f"{begin_dir}/begin_dev_{split}.tsv", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            label = row["begin_label"].strip()
            if label == "Generic": continue
            rows.append((row, 1 if label == "Fully attributable" else 0))
    path = f"{work}/begin-{split}.jsonl"
    with open(path, "w") as out:
        for index, (row, _) in enumerate(rows):
            out.write(json.dumps({"id": f"{split}-{index}", "response": row["response"],
                                  "knowledge": row["knowledge"], "question": row["message"]}) + "\n")
    results, seconds = run(path)
    total_pairs += len(rows); total_seconds += seconds
    labels = [label for _, label in rows]
    ours = auc([r["score"] for r in results], labels)
    lexical = auc([lexical_precision(row["response"], row["knowledge"]) for row, _ in rows], labels)
    print(f"{split:6} {len(rows):5d} {ours:8.3f} {lexical:8.3f}")

lines = [json.loads(line) for line in open(swaps)]
results, seconds = run(swaps)
labels = [line["label"] for line in lines]
print(f"\nfact swaps ({len(lines)} answers, {labels.count(0)} swapped)")
print(f"checker AUC {auc([r['score'] for r in results], labels):.3f}, "
      f"lexical precision AUC {auc([lexical_precision(l['response'], l['knowledge']) for l in lines], labels):.3f}")
flagged = [not r["supported"] for r in results]
true_flags = sum(1 for f, l in zip(flagged, labels) if f and l == 0)
precision = true_flags / max(1, sum(flagged)); recall = true_flags / max(1, labels.count(0))
print(f"supported: false  precision {precision:.3f}  recall {recall:.3f}")
missed = [l["id"] for l, f in zip(lines, flagged) if l["label"] == 0 and not f]
wrong = [l["id"] for l, f in zip(lines, flagged) if l["label"] == 1 and f]
if missed: print("  swaps not caught:", ", ".join(missed))
if wrong: print("  faithful answers flagged:", ", ".join(wrong))
print(f"\nspeed: {total_pairs} BEGIN pairs in {total_seconds:.2f} s = {total_pairs / total_seconds:.0f} pairs/s "
      "(one process per split, start-up included)")
