"""One digest of everything extraction returns over a corpus: run it before and after a
refactoring that must not change the output (issue 15: "byte-identical").

    python benchmarks/extraction_digest.py [FILE.jsonl ...]

Defaults to the BBC corpus and PolNeAR dev and train. Prints one SHA-256 a file and one
over all of them.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import sys
from pathlib import Path

from quotes.extract import extract_article
from quotes.model import Article

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
DEFAULT = [DATA / "bbc" / "bbc_fulltext.jsonl", DATA / "polnear" / "polnear-dev.jsonl",
           DATA / "polnear" / "polnear-train.jsonl"]


def digest(path: Path) -> str:
    h = hashlib.sha256()
    for line in open(path, encoding="utf-8"):
        d = json.loads(line)
        article = Article(body=d.get("text") or d.get("body") or "", source=str(path),
                          title=d.get("title"), published=d.get("published"))
        ex = extract_article(article)
        h.update(json.dumps(dataclasses.asdict(ex), sort_keys=True, default=str).encode())
    return h.hexdigest()


def main(paths: list[str]) -> None:
    total = hashlib.sha256()
    for p in paths:
        d = digest(Path(p))
        total.update(d.encode())
        print(f"{d}  {Path(p).name}")
    print(f"{total.hexdigest()}  all")


if __name__ == "__main__":
    main(sys.argv[1:] or [str(p) for p in DEFAULT])
