"""The incremental refresh (issue 17), measured in one run and printed as ratios:

- 10 articles loaded into an empty database vs. into a big one (target: at most 2x);
- `quotes refresh` on the big database with nothing new (target: under 1 s), and a
  full refresh (`--full`) of it for comparison;
- the throughput of the full load that builds the big database (articles/s).

    PYTHONPATH=. python benchmarks/incremental.py [--big-db PATH] [--corpus JSONL]

Without --big-db the big database is built from the corpus (BBC by default, all but
the 10 articles loaded last). With --big-db it is copied first (never written).
"""
from __future__ import annotations

import argparse
import json
import sqlite3
import tempfile
import time
from pathlib import Path

from quotes import store
from quotes.corpus import tracking
from quotes.load import load_paths

BBC = Path(__file__).resolve().parents[2] / "shared" / "data" / "bbc" / "bbc_fulltext.jsonl"


def copy(source: Path, target: Path) -> None:
    a, b = sqlite3.connect(source), sqlite3.connect(target)
    try:
        a.backup(b)
    finally:
        a.close()
        b.close()


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def refresh(path: Path, full: bool = False):
    db = store.connect(path)
    try:
        return tracking.refresh(db, full=full)
    finally:
        db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--big-db", type=Path)
    parser.add_argument("--corpus", type=Path, default=BBC)
    args = parser.parse_args()
    lines = args.corpus.read_text(encoding="utf-8").splitlines()
    work = Path(tempfile.mkdtemp(prefix="incremental-"))
    ten = work / "ten.jsonl"
    # Ten articles the big database lacks: edited so that neither copy holds them.
    ten.write_text("\n".join(json.dumps({**json.loads(line), "text": json.loads(line)["text"] + "\n\nUpdated."})
                             for line in lines[-10:]) + "\n", encoding="utf-8")
    big = work / "big.db"
    if args.big_db:
        copy(args.big_db, big)
        refresh(big)  # a database from before the log gets its one full refresh here
        print(f"big database: copy of {args.big_db}")
    else:
        rest = work / "rest.jsonl"
        rest.write_text("\n".join(lines[:-10]) + "\n", encoding="utf-8")
        seconds, summary = timed(lambda: load_paths(big, [str(rest)]))
        print(f"full load of {summary.articles} articles: {seconds:.1f} s, "
              f"{summary.articles / seconds:.0f} articles/s")
    db = sqlite3.connect(big)
    counts = [db.execute(f"select count(*) from {t}").fetchone()[0] for t in ("articles", "quotes", "article_entities")]
    db.close()
    print(f"big database: {counts[0]} articles, {counts[1]} quotes, {counts[2]} article entities")

    empty = work / "empty.db"
    t_empty, _ = timed(lambda: load_paths(empty, [str(ten)]))
    t_big, summary = timed(lambda: load_paths(big, [str(ten)]))
    print(f"10 articles into an empty database: {t_empty:.2f} s; into the big one: {t_big:.2f} s "
          f"(ratio {t_big / t_empty:.2f}; target <= 2)")
    print(f"  {summary.refreshed.line() if summary.refreshed else ''}")
    t_same, s = timed(lambda: refresh(big))
    print(f"refresh with nothing new: {t_same * 1000:.0f} ms ({s.scope}; target < 1 s)")
    t_full, _ = timed(lambda: refresh(big, full=True))
    print(f"full refresh of the big database: {t_full:.2f} s (nothing-new refresh {t_full / t_same:.0f}x faster; "
          f"the 10-article load's refresh part vs. full: see the line above)")


if __name__ == "__main__":
    main()
