#!/usr/bin/env python3
"""Generates a synthetic support corpus for ingest benchmarks (deterministic for a given seed).

usage: gen_corpus.py OUT_DIR --format md|html|both --docs N [--seed S] [--small] [--jekyll]
Each document is a realistic help-center article of ~3-8 KB: front matter or <head> metadata, several
sections with paragraphs, step lists, a table and FAQ pairs; HTML pages carry header, nav, aside and footer.
With --jekyll, Markdown articles are written as a Jekyll help center writes them: `categories: [x]` front
matter, Liquid tags and variables and kramdown attributes on most lines, and in every third article a
parameter table with one row longer than the chunk budget (a cell holding a whole list of 40-120 values).
"""
import argparse
import os
import random

WORDS = ("order refund card account password shipping return label delivery invoice charge payment store credit "
         "gift membership plus tracking carrier package warehouse address email verification code security device "
         "subscription renewal cancel exchange size color discount coupon promo price tax receipt business days "
         "customer support chat phone window policy eligible item damaged missing late express standard free").split()
CATEGORIES = ["account", "orders", "billing"]


def sentence(rng):
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 22))]
    words[0] = words[0].capitalize()
    return " ".join(words) + rng.choice([".", ".", ".", "?"])


def paragraph(rng):
    return " ".join(sentence(rng) for _ in range(rng.randint(2, 5)))


SECTIONS = (3, 6)


def markdown(rng, index, category):
    lines = ["---", f"title: Synthetic article {index}", f"category: {category}",
             f"tags: [{rng.choice(WORDS)}, {rng.choice(WORDS)}]", f"url: https://help.example/{category}/a{index}", "---", "",
             paragraph(rng), ""]
    for section in range(rng.randint(*SECTIONS)):
        lines += [f"## Section {section} about {rng.choice(WORDS)}", "", paragraph(rng), ""]
        lines += [f"{step}. {sentence(rng)} See [details](https://help.example/x{step})." for step in range(1, rng.randint(3, 7))]
        lines += ["", "| Option | Time | Cost |", "| --- | --- | --- |"]
        lines += [f"| {rng.choice(WORDS)} | {rng.randint(1, 9)} days | ${rng.randint(1, 99)}.99 |" for _ in range(rng.randint(2, 5))]
        lines += ["", f"### FAQ {section}", "", f"**{sentence(rng)}** {paragraph(rng)}", ""]
        if section == 1:
            lines += ["```json", '{"order": 1001, "status": "shipped"}', "```", ""]
    return "\n".join(lines)


def jekyll(rng, index, category):
    lines = ["---", f"title: Synthetic article {index}", f"categories: [{category}]", "layout: article",
             f"tags: [{rng.choice(WORDS)}, {rng.choice(WORDS)}]", "---",
             "{% comment %}", f"Editor note: {sentence(rng)}", "{% endcomment %}", "{% include toc.html %}", "",
             paragraph(rng) + " {% icon fa-info %}", "{: .lead }", ""]
    for section in range(rng.randint(*SECTIONS)):
        lines += [f"## Section {section} about {rng.choice(WORDS)}", "{: #section-%d }" % section, "",
                  "{% callout info %}", paragraph(rng), "{% endcallout %}", ""]
        lines += [f"{step}. {sentence(rng)} See [details]({{{{ site.baseurl }}}}/x{step}){{:target=\"_blank\"}}."
                  for step in range(1, rng.randint(3, 7))]
        lines += ["", "| Parameter | Values | Default |", "| --- | --- | --- |"]
        lines += [f"| {rng.choice(WORDS)} | {rng.randint(1, 9)} {{{{ page.unit }}}} | ${rng.randint(1, 99)}.99 |" for _ in range(rng.randint(2, 5))]
        if index % 3 == 0 and section == 0:
            values = "".join(f"<li><code>{rng.choice(WORDS)}_{value}</code> {sentence(rng)}</li>" for value in range(rng.randint(40, 120)))
            lines.append(f"| mode | <ul>{values}</ul> | none |")
        lines += ["", f"{{% include note.html content=\"{sentence(rng)}\" %}}", ""]
    return "\n".join(lines)


def html(rng, index, category):
    parts = [f"<!DOCTYPE html><html><head><title>Synthetic page {index} | Help Center</title>",
             f'<meta name="category" content="{category}"><meta name="keywords" content="{rng.choice(WORDS)}, {rng.choice(WORDS)}">',
             f'<meta name="doc-id" content="{category}/p{index}"><link rel="canonical" href="https://help.example/{category}/p{index}">',
             "<style>body{font-family:sans-serif}.nav a{color:#333}</style><script>window.dataLayer=[];</script></head><body>",
             '<header><a href="/">Help</a><form action="/search"><input name="q"></form></header>',
             '<nav class="nav"><a href="/account">Account</a> &rsaquo; <a href="/orders">Orders</a></nav><main><article>',
             f"<h1>Synthetic page {index}</h1><p>{paragraph(rng)}</p>"]
    for section in range(rng.randint(*SECTIONS)):
        parts.append(f"<h2>Section {section} &amp; {rng.choice(WORDS)}</h2><p>{paragraph(rng)}</p><ol>")
        parts += [f"<li>{sentence(rng)} <a href='/x'>more</a></li>" for _ in range(rng.randint(2, 6))]
        parts.append("</ol><table><thead><tr><th>Option</th><th>Time</th><th>Cost</th></tr></thead><tbody>")
        parts += [f"<tr><td>{rng.choice(WORDS)}</td><td>{rng.randint(1, 9)} days</td><td>&euro;{rng.randint(1, 99)}</td></tr>" for _ in range(rng.randint(2, 5))]
        parts.append(f"</tbody></table><details><summary>{sentence(rng)}</summary><p>{paragraph(rng)}</p></details>")
    parts.append("<aside><h3>Related</h3><ul><li><a href='/r'>Related</a></li></ul></aside></article></main>")
    parts.append("<footer>&copy; 2026 Example &middot; <a href='/privacy'>Privacy</a></footer></body></html>")
    return "\n".join(parts)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--format", choices=["md", "html", "both"], default="md")
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--small", action="store_true", help="short articles (about 1.5 KB) for sync benchmarks")
    parser.add_argument("--jekyll", action="store_true", help="Markdown as a Jekyll help center writes it (Liquid, kramdown, long-row tables)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    global SECTIONS
    if args.small:
        SECTIONS = (1, 1)
    total = 0
    for index in range(args.docs):
        category = CATEGORIES[index % 3]
        folder = os.path.join(args.out, category)
        os.makedirs(folder, exist_ok=True)
        kind = args.format if args.format != "both" else ("md" if index % 2 == 0 else "html")
        if kind == "md":
            text = jekyll(rng, index, category) if args.jekyll else markdown(rng, index, category)
        else:
            text = html(rng, index, category)
        path = os.path.join(folder, f"a{index}.{kind}")
        with open(path, "w") as handle:
            handle.write(text)
        total += len(text.encode())
    print(f"{args.docs} documents, {total / 1048576:.1f} MB in {args.out}")


if __name__ == "__main__":
    main()
