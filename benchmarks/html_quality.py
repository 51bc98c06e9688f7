"""Article-body quality of the HTML reader on 60 real pages, against other extractors.

    python benchmarks/html_quality.py                 # all extractors that are installed
    python benchmarks/html_quality.py --only quotes   # just the project's reader
    python benchmarks/html_quality.py --data ../shared/data/html --pages 10

The pages and their ground-truth text are `../shared/data/html/` (40 from the
Scrapinghub/Zyte article-extraction-benchmark, 20 from the fundus test suite; see its
README). The score is token-level F1: lower-cased `\\w+` tokens of the extracted body
against the ground truth, counted as multisets. "para" is the share of ground-truth
paragraphs found as a whole paragraph of the body (paragraph breaks matter to the
attribution rules). Dates are checked where the ground truth gives one (fundus pages),
title and author too.

Speed is pages per second on one core, and as a ratio to the bare cost of parsing the
same pages with lxml, measured in the same run.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "html"

_TOKEN = re.compile(r"\w+")


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def scores(predicted: str, truth: str) -> tuple[float, float, float]:
    """(precision, recall, F1) of bag-of-tokens overlap."""
    p, g = Counter(tokens(predicted)), Counter(tokens(truth))
    overlap = sum((p & g).values())
    if not overlap:
        return 0.0, 0.0, 0.0
    precision, recall = overlap / sum(p.values()), overlap / sum(g.values())
    return precision, recall, 2 * precision * recall / (precision + recall)


def paragraph_share(predicted: str, truth: str) -> float:
    """Share of ground-truth paragraphs that are a whole paragraph of the output
    (paragraphs split at blank lines, or at line ends when an extractor uses those)."""
    pieces = re.split(r"\n\s*\n", predicted) if "\n\n" in predicted else predicted.split("\n")
    ours = {" ".join(tokens(p)) for p in pieces}
    gold = [" ".join(tokens(p)) for p in re.split(r"\n\s*\n", truth) if tokens(p)]
    return sum(p in ours for p in gold) / len(gold) if gold else 1.0


# ------------------------------------------------------------------ extractors


def quotes_reader() -> Callable[[bytes, str], str]:
    from quotes.readers.html import html_to_article

    def run(html: bytes, url: str) -> str:
        article, _ = html_to_article(html, "bench")
        return getattr(article, "body", "")

    return run


def trafilatura_default() -> Callable[[bytes, str], str]:
    import trafilatura

    return lambda html, url: trafilatura.extract(html, url=url) or ""


def trafilatura_tuned() -> Callable[[bytes, str], str]:
    """What the reader asks trafilatura for, before its own clean-up."""
    import trafilatura

    return lambda html, url: trafilatura.extract(html, url=url, include_comments=False) or ""


def trafilatura_fast() -> Callable[[bytes, str], str]:
    import trafilatura

    return lambda html, url: trafilatura.extract(html, url=url, include_comments=False, fast=True) or ""


def readability_lxml() -> Callable[[bytes, str], str]:
    import lxml.html
    from readability import Document

    def run(html: bytes, url: str) -> str:
        summary = Document(html.decode("utf-8", "replace")).summary(html_partial=True)
        tree = lxml.html.fromstring(summary)
        return "\n\n".join(e.text_content().strip() for e in tree.iter("p", "h2", "h3", "li", "blockquote"))

    return run


def justext_() -> Callable[[bytes, str], str]:
    import justext

    stop = justext.get_stoplist("English")
    return lambda html, url: "\n\n".join(p.text for p in justext.justext(html, stop) if not p.is_boilerplate)


def goose3_() -> Callable[[bytes, str], str]:
    import logging

    from goose3 import Goose

    logging.getLogger("goose3").setLevel(logging.CRITICAL)
    goose = Goose()
    return lambda html, url: goose.extract(raw_html=html.decode("utf-8", "replace")).cleaned_text or ""


def boilerpy3_() -> Callable[[bytes, str], str]:
    from boilerpy3 import extractors

    extractor = extractors.ArticleExtractor()
    return lambda html, url: extractor.get_content(html.decode("utf-8", "replace")) or ""


EXTRACTORS: dict[str, Callable[[], Callable[[bytes, str], str]]] = {
    "quotes": quotes_reader,
    "trafilatura": trafilatura_default,
    "trafilatura-nocomments": trafilatura_tuned,
    "trafilatura-fast": trafilatura_fast,
    "readability-lxml": readability_lxml,
    "goose3": goose3_,
    "justext": justext_,
    "boilerpy3": boilerpy3_,
}


# ------------------------------------------------------------------------ run


def load_pages(data: Path, limit: int | None) -> list[dict]:
    pages = []
    fundus = json.loads((data / "fundus_ground_truth.json").read_text(encoding="utf-8"))
    for line in (data / "manifest.jsonl").read_text(encoding="utf-8").splitlines()[:limit]:
        row = json.loads(line)
        row["html"] = (data / row["html_file"]).read_bytes()
        row["truth"] = (data / row["text_file"]).read_text(encoding="utf-8")
        row["gold"] = fundus.get(row["id"]) if row["set"] == "fundus" else None
        pages.append(row)
    return pages


def parse_baseline(pages: list[dict]) -> float:
    import lxml.html

    started = time.perf_counter()
    for page in pages:
        lxml.html.document_fromstring(page["html"])
    return time.perf_counter() - started


def run_extractor(make, pages: list[dict]) -> tuple[list[str], float]:
    run = make()
    run(pages[0]["html"], pages[0]["url"])  # warm-up: imports, compiled patterns
    started = time.perf_counter()
    texts = []
    for page in pages:
        try:
            texts.append(run(page["html"], page["url"]))
        except Exception:  # an extractor that crashes scores 0 on that page
            texts.append("")
    return texts, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--only", action="append", choices=list(EXTRACTORS), help="extractor(s) to run")
    parser.add_argument("--pages", type=int, help="only the first N pages")
    args = parser.parse_args(argv)
    if not (args.data / "manifest.jsonl").exists():
        print(f"no benchmark pages at {args.data}", file=sys.stderr)
        return 2
    pages = load_pages(args.data, args.pages)
    baseline = parse_baseline(pages)
    print(f"{len(pages)} pages; bare lxml parse: {len(pages) / baseline:.0f} pages/s\n")

    results: dict[str, list[tuple[float, float, float]]] = {}
    bodies: dict[str, list[str]] = {}
    print("| extractor | mean F1 | min F1 | pages < 0.9 | pages < 0.8 | para | pages/s | time vs parse |")
    print("|---|---|---|---|---|---|---|---|")
    for name in args.only or list(EXTRACTORS):
        try:
            texts, seconds = run_extractor(EXTRACTORS[name], pages)
        except ImportError as error:
            print(f"| {name} | not installed ({error.name}) | | | | | | |")
            continue
        rows = [scores(text, page["truth"]) for text, page in zip(texts, pages)]
        f1s = [row[2] for row in rows]
        para = sum(paragraph_share(t, p["truth"]) for t, p in zip(texts, pages)) / len(pages)
        results[name], bodies[name] = rows, texts
        print(
            f"| {name} | {sum(f1s) / len(f1s):.3f} | {min(f1s):.3f} | {sum(f < 0.9 for f in f1s)} "
            f"| {sum(f < 0.8 for f in f1s)} | {para:.3f} | {len(pages) / seconds:.0f} | {seconds / baseline:.1f}x |"
        )
    if "quotes" in results:
        per_page(pages, results, bodies)
    return 0


def per_page(pages: list[dict], results: dict, bodies: dict) -> None:
    from quotes.readers.html import html_to_article

    preferred = [n for n in ("trafilatura", "readability-lxml") if n in results]
    others = preferred or [name for name in results if name != "quotes"][:2]
    print("\nPer page (the project's reader; P/R/F1 of body tokens, para = ground-truth paragraphs found whole):\n")
    print("| set | page | P | R | F1 | para | " + " | ".join(f"{o} F1" for o in others) + " | published | ground truth |")
    print("|---|---|---|---|---|---|" + "---|" * len(others) + "---|---|")
    dates = titles = authors = with_gold = 0
    for index, page in enumerate(pages):
        precision, recall, f1 = results["quotes"][index]
        article, _ = html_to_article(page["html"], "bench")
        gold = page["gold"] or {}
        gold_date = (gold.get("publishing_date") or "")[:10] or None
        published = getattr(article, "published", None)
        if gold:
            with_gold += 1
            dates += published == gold_date
            titles += _same(getattr(article, "title", None), gold.get("title"))
            authors += _authors_match(getattr(article, "author", None), gold.get("authors") or [])
        name = page["id"] if page["set"] == "fundus" else f"{page['domain']} {page['id'][:8]}"
        other = " | ".join(f"{results[o][index][2]:.3f}" for o in others)
        mark = "" if not gold_date else (" ok" if published == gold_date else " WRONG")
        print(
            f"| {page['set']} | {name} | {precision:.3f} | {recall:.3f} | {f1:.3f} "
            f"| {paragraph_share(bodies['quotes'][index], page['truth']):.2f} | {other} "
            f"| {published or ''}{mark} | {gold_date or ''} |"
        )
    f1s = [row[2] for row in results["quotes"]]
    print(f"\nmean F1 {sum(f1s) / len(f1s):.4f}, min {min(f1s):.3f}; "
          f"pages under 0.9: {', '.join(p['id'][:20] for p, f in zip(pages, f1s) if f < 0.9) or 'none'}")
    if with_gold:
        print(f"published date right on {dates}/{with_gold} pages with a ground-truth date; "
              f"title {titles}/{with_gold}; author {authors}/{with_gold}")


def _same(a: str | None, b: str | None) -> bool:
    return bool(a and b) and " ".join(tokens(a)) == " ".join(tokens(b))


def _authors_match(found: str | None, gold: list[str]) -> bool:
    if not found or not gold:
        return not found and not gold
    return all(name.lower() in found.lower() for name in gold)


if __name__ == "__main__":
    sys.exit(main())
