"""Checks over a whole corpus that no gold covers: one statement, one row; no junk
speaker names; and the extraction time an article.

    python benchmarks/statement_checks.py [../shared/data/bbc/bbc_fulltext.jsonl]

Prints the number of reported-speech rows that hold a direct quote's span (should be
0), the speaker names that are a weekday, a number or start with a function word (each
with its count), and the mean extraction time an article (a figure to compare between
commits on the same machine, not a test).
"""
from __future__ import annotations

import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

from quotes.extract import extract_article
from quotes.extract import lexicon
from quotes.model import Article

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "bbc" / "bbc_fulltext.jsonl"
# The words the record-level scorer calls function words, less "the" (The Tories, The
# Guardian are names), plus numbers.
FUNCTION_WORDS = (lexicon.LEADING_FUNCTION_WORDS | lexicon.NUMBER_WORDS
                  | {"a", "an", "told", "meanwhile", "however", "even", "just", "then"})
NUMBER = re.compile(r"[\d,.]+")


def junk_name(name: str) -> bool:
    first = name.split()[0].lower()
    return (first in FUNCTION_WORDS or name.lower() in lexicon.WEEKDAYS
            or bool(NUMBER.fullmatch(first)))


def main(path: str) -> None:
    articles = [json.loads(line) for line in open(path, encoding="utf-8")]
    containing = indirect = 0
    junk: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    started = time.perf_counter()
    for d in articles:
        ex = extract_article(Article(body=d.get("text") or "", source=path, title=d.get("title")))
        direct = [q for q in ex.quotes if q.kind == "direct"]
        for q in ex.quotes:
            kinds[q.kind] += 1
            if q.kind == "indirect":
                indirect += 1
                containing += any(q.start <= x.start and x.end <= q.end for x in direct)
            if q.speaker and junk_name(q.speaker):
                junk[q.speaker] += 1
    elapsed = time.perf_counter() - started
    print(f"articles {len(articles)}: {elapsed * 1000 / len(articles):.2f} ms an article; "
          + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    print(f"reported-speech rows holding a direct quote: {containing} of {indirect}")
    print(f"speaker names that are a weekday, a number or start with a function word: "
          f"{sum(junk.values())}" + (f" {junk.most_common(10)}" if junk else ""))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else str(DEFAULT))
