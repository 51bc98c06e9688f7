"""A database of a million quotes (or more), as a real load of that many articles leaves it.

    python benchmarks/make_big_db.py                          # /tmp/quotes-bench/big/quotes.db
    python benchmarks/make_big_db.py --quotes 2000000 --out big.db
    python benchmarks/make_big_db.py --fast                   # base rows only, no refresh (serving)

The quotes are real extractions: the BBC corpus (2,225 articles, each with its own
URL, date and publisher, as in load_bench.py) is loaded once with `quotes load` into a
seed database (about 20,000 quotes). The big database is that seed copied, then every
row the writer stores for an article (quotes/store/writer.py: articles, quotes,
mentions, claims, roles, the article's own entities and what refers to them, and its
load_log row) inserted again with SQL as many times as needed, each copy under new ids
and with its dates moved on by a few weeks: the same people are quoted again and again,
as in a real archive, so the most quoted person has tens of thousands of quotes and a
common surname's mentions number in the tens of thousands. Full-text indexes are built
once at the end (`rebuild`) and the triggers kept as `quotes load` leaves them, then the
speakers' quote counts, the facet and pair counts (quotes/store/facet_counts.py), and
each full-text index merged into one segment, as a big load ends.

Then one full `quotes refresh` (quotes.corpus.tracking.refresh(db, full=True)): entities
resolved over every copy's mentions, quote and claim groups, follow-ups, and the
incremental refresh's state (_entity_keys, _entity_alias_keys, _refresh_state, an empty
_refresh_log), as a real load of the whole archive would leave them; then ANALYZE.

--fast skips the copies of article_entities, entity_refs and load_log and the refresh
(the old build, for benchmarks/serve_bench.py, which reads only the base tables): the
derived tables of quotes.corpus.tracking then hold the seed's rows only, and the
incremental refresh's state describes the seed alone.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import sqlite_utils

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from load_bench import BBC, fresh, varied  # noqa: E402

FTS_TABLES = {"quotes": ["text"], "claims": ["text"], "articles": ["title", "body"]}


def seed(work: Path) -> Path:
    """BBC with dates and publishers, loaded by the real pipeline (cached in `work`)."""
    path = work / "seed.db"
    if path.exists():
        return path
    from quotes.load import load_paths

    corpus = work / "seed.jsonl"
    with corpus.open("w", encoding="utf-8") as out:
        for i, line in enumerate(BBC.read_text(encoding="utf-8").splitlines()):
            out.write(json.dumps(varied(json.loads(line), 0, i)) + "\n")
    tmp = work / "seed.tmp.db"
    fresh(tmp)
    summary = load_paths(tmp, [str(corpus)], workers=2)
    print(f"seed: {summary.line()}", flush=True)
    conn = sqlite3.connect(tmp)
    conn.execute("pragma wal_checkpoint(truncate)")
    conn.execute("pragma journal_mode = delete")
    conn.close()
    tmp.rename(path)
    return path


def columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f"pragma table_info([{table}])")]


def copy_sql(conn: sqlite3.Connection, table: str, changes: dict[str, str]) -> str:
    """insert ... select from the seed rows of `table`, with some columns rewritten."""
    cols = columns(conn, table)
    select = ", ".join(changes.get(c, f"[{c}]") for c in cols)
    names = ", ".join(f"[{c}]" for c in cols)
    return f"insert into [{table}] ({names}) select {select} from [{table}] where rowid <= :top_{table}"


def shifted(column: str) -> str:
    """A full ISO date moved on by :days; a partial date (2005-03, 2005) as it was."""
    return (f"case when length([{column}]) = 10 then date([{column}], '+' || :days || ' days') "
            f"else [{column}] end")


def build(out: Path, seed_path: Path, target: int, realistic: bool = True) -> dict:
    out.parent.mkdir(parents=True, exist_ok=True)
    fresh(out)
    shutil.copyfile(seed_path, out)
    from quotes import store  # the schema is brought up to date (migrations) first

    db = store.connect(out)
    db.close()
    conn = sqlite3.connect(out, isolation_level=None)
    conn.execute("pragma journal_mode = wal")
    conn.execute("pragma synchronous = off")
    conn.execute("pragma cache_size = -500000")
    seed_quotes = conn.execute("select count(*) from quotes").fetchone()[0]
    copies = -(-target // seed_quotes)
    tops = {f"top_{t}": conn.execute(f"select max(rowid) from [{t}]").fetchone()[0] or 0
            for t in ("articles", "quotes", "quote_mentions", "claims", "roles",
                      "article_entities", "entity_refs", "load_log")}
    suffix = "|| '-' || :copy"
    statements = [
        copy_sql(conn, "articles", {
            "id": f"id {suffix}", "url": f"url {suffix}", "source_id": f"source_id {suffix}",
            "published": shifted("published"),
            "published_year": f"cast(substr({shifted('published')}, 1, 4) as integer)",
            "published_month": f"substr({shifted('published')}, 1, 7)",
            "content_hash": f"content_hash {suffix}",
        }),
        copy_sql(conn, "quotes", {
            "id": f"id {suffix}", "article_id": f"article_id {suffix}",
            "said_on": shifted("said_on"),
            "said_year": f"cast(substr({shifted('said_on')}, 1, 4) as integer)",
            "said_month": f"case when length(said_on) >= 7 then substr({shifted('said_on')}, 1, 7) end",
            "published": shifted("published"),
        }),
        copy_sql(conn, "quote_mentions", {"quote_id": f"quote_id {suffix}"}),
        copy_sql(conn, "claims", {
            "id": f"id {suffix}", "article_id": f"article_id {suffix}",
            "date": shifted("date"), "as_of": shifted("as_of"),
        }),
        copy_sql(conn, "roles", {
            "id": f"id {suffix}", "article_id": f"article_id {suffix}",
            "claim_id": f"claim_id {suffix}", "as_of": shifted("as_of"),
        }),
    ]
    if realistic:  # the base rows `quotes refresh` resolves and groups from
        statements += [
            copy_sql(conn, "article_entities", {"id": f"id {suffix}", "article_id": f"article_id {suffix}"}),
            copy_sql(conn, "entity_refs", {
                "row_id": f"row_id {suffix}", "article_entity_id": f"article_entity_id {suffix}",
                "article_id": f"article_id {suffix}",
            }),
            copy_sql(conn, "load_log", {"id": "null", "article_id": f"article_id {suffix}"}),
        ]
    started = time.perf_counter()
    conn.execute("begin")
    triggers = conn.execute(
        "select name, sql from sqlite_master where type = 'trigger' and tbl_name in "
        f"({', '.join(repr(t) for t in FTS_TABLES)})").fetchall()
    for name, _ in triggers:
        conn.execute(f"drop trigger [{name}]")
    # Other triggers (the facet counts' change log, on quotes and quote_mentions) would
    # fire a million times: set them aside too, and recompute what they keep at the end.
    others = conn.execute("select name, sql from sqlite_master where type = 'trigger' "
                          "and tbl_name in ('quotes', 'quote_mentions')").fetchall()
    for name, _ in others:
        conn.execute(f"drop trigger [{name}]")
    # Indexes no foreign key uses (quotes/store/deferred.py) built once at the end, as a
    # big load does: far cheaper than keeping them up to date row by row.
    from quotes.store import deferred

    indexes = deferred.serving_only_indexes(sqlite_utils.Database(conn)) if realistic else []
    for name, _ in indexes:
        conn.execute(f"drop index [{name}]")
    for copy in range(1, copies):
        params = {**tops, "copy": copy, "days": copy * 29}
        for sql in statements:
            conn.execute(sql, params)
        if copy % 10 == 0:
            print(f"  copy {copy}/{copies - 1} ({time.perf_counter() - started:.0f} s)", flush=True)
    print(f"rows copied in {time.perf_counter() - started:.0f} s", flush=True)
    for table, cols in FTS_TABLES.items():
        conn.execute(f"insert into [{table}_fts]([{table}_fts]) values ('rebuild')")
    for _, sql in triggers + others:
        conn.execute(sql)
    for _, sql in indexes:
        conn.execute(sql)
    conn.execute("update entities set quote_count = "
                 "(select count(*) from quotes where quotes.speaker_id = entities.id)")
    conn.execute("commit")
    print(f"full-text indexes rebuilt ({time.perf_counter() - started:.0f} s)", flush=True)
    conn.close()
    db = store.connect(out)
    from quotes.store import facet_counts

    with db.atomic():
        facet_counts.rebuild(db)  # its triggers were set aside with the others
    print(f"facet counts ({time.perf_counter() - started:.0f} s)", flush=True)
    if realistic:
        deferred.merge_full_text(db)  # as a big load ends (quotes/store/deferred.py)
        print(f"full-text indexes merged ({time.perf_counter() - started:.0f} s)", flush=True)
    if realistic:
        from quotes.corpus import tracking

        db.execute("analyze")  # the refresh's queries plan on real statistics
        summary = tracking.refresh(db, full=True)
        print(f"full refresh ({time.perf_counter() - started:.0f} s): {summary.line()}", flush=True)
    db.execute("analyze")
    stats = {t: db[t].count for t in ("articles", "quotes", "quote_mentions", "claims", "entities",
                                      "article_entities", "entity_refs", "quote_groups")}
    db.close()
    print(f"done in {time.perf_counter() - started:.0f} s: " +
          ", ".join(f"{n:,} {t}" for t, n in stats.items()), flush=True)
    return stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quotes", type=int, default=1_000_000, help="at least this many quotes")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "quotes-bench")
    parser.add_argument("--fast", action="store_true",
                        help="copy the base tables of quotes and claims only, no refresh (enough for serve_bench.py)")
    parser.add_argument("--out", type=Path, help="default: WORK/big/quotes.db (Datasette applies metadata.yml to a file named quotes.db)")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    build(args.out or args.work / "big" / "quotes.db", seed(args.work), args.quotes, realistic=not args.fast)


if __name__ == "__main__":
    main()
