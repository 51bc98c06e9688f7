"""Checks over a loaded corpus that no gold covers (issue 14): no alias that starts with
a function word, no said_on after the article's publication date.

    python benchmarks/corpus_checks.py [INPUT ...]

Loads the inputs (by default the BBC corpus and the HTML pages of ../shared/data) into a
fresh temporary database with `quotes load`, then prints each count with its worst cases.
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import sqlite_utils

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
DEFAULT = [DATA / "bbc" / "bbc_fulltext.jsonl", DATA / "html" / "pages"]
# The words the record-level scorer calls function words (score_records.py).
FUNCTION_WORDS = """but and or so yet on in at by for from of to with as if when while after
before since then also still even just vote a an asked said says told meanwhile however
although though because during despite under over according""".split()


def main(inputs: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "corpus.db"
        subprocess.run(["quotes", "load", *inputs, "--db", str(path), "-s"], check=True,
                       stdout=subprocess.DEVNULL)
        db = sqlite_utils.Database(path)
        marks = ",".join("?" * len(FUNCTION_WORDS))
        junk = list(db.query(
            "select alias, count(*) as n from aliases where lower(substr(alias, 1, "
            f"instr(alias || ' ', ' ') - 1)) in ({marks}) group by alias order by n desc",
            FUNCTION_WORDS))
        late = list(db.query(
            "select a.published, q.said_on, q.date_text, substr(q.text, 1, 60) as text "
            "from quotes q join articles a on a.id = q.article_id "
            "where a.published is not null and q.said_on > substr(a.published, 1, 10)"))
        articles = db.execute("select count(*) from articles").fetchone()[0]
    print(f"articles {articles}")
    print(f"aliases starting with a function word: {sum(r['n'] for r in junk)}"
          + (f" {[(r['alias'], r['n']) for r in junk[:10]]}" if junk else ""))
    print(f"quotes said after their article was published: {len(late)}")
    for r in late[:10]:
        print(f"  published {r['published']}, said_on {r['said_on']} ({r['date_text']!r}): {r['text']!r}")


if __name__ == "__main__":
    main(sys.argv[1:] or [str(p) for p in DEFAULT])
