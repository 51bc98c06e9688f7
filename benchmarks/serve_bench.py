"""Serving a million quotes: Datasette page times, medians over repeated requests.

    python benchmarks/make_big_db.py          # once: /tmp/quotes-bench/big/quotes.db
    python benchmarks/serve_bench.py          # or: serve_bench.py path/to/quotes.db

Datasette runs in this process with the project's metadata.yml and plugins/ and the
settings `quotes serve` uses (suggest_facets off), at Datasette's default time limits
(sql_time_limit_ms 1000, facet_time_limit_ms 200). Each page is requested once to
warm the caches, then `--repeat` times through Datasette's own ASGI client (no
network); the table shows the median and the slowest. For table pages, the HTML says
which facets timed out and the JSON version how many were computed.

The baseline, in the same run: each quotes table page is also served by a second
Datasette over the same file whose quotes facets are Datasette's own column facets
(metadata.yml's `counted:` entries as plain column names), its requests interleaved
with the first's; `ratio` is its median over the counted facets' median.
"""
from __future__ import annotations

import argparse
import asyncio
import copy
import html
import re
import statistics
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = Path(tempfile.gettempdir()) / "quotes-bench" / "big" / "quotes.db"
TARGETS = {"table": 300, "facet": 300, "search": 100, "speaker": 300}


def column_facets(metadata: dict) -> dict:
    """metadata.yml with the quotes table's counted facets as Datasette's column facets."""
    out = copy.deepcopy(metadata)
    table = out["databases"]["quotes"]["tables"]["quotes"]
    table["facets"] = [f["counted"] if isinstance(f, dict) and "counted" in f else f for f in table["facets"]]
    return out


async def bench(db_path: Path, repeat: int) -> None:
    from datasette.app import Datasette

    from quotes.web.serve import SETTINGS

    settings = {k: (v not in ("off", "false", "0")) if v in ("on", "off", "true", "false") else v
                for k, v in SETTINGS.items()}
    metadata = yaml.safe_load((ROOT / "metadata.yml").read_text())
    ds, baseline = (Datasette([str(db_path)], metadata=m, plugins_dir=str(ROOT / "plugins"), settings=settings)
                    for m in (metadata, column_facets(metadata)))
    for instance in (ds, baseline):
        await instance.invoke_startup()
    name = db_path.stem
    db = ds.get_database(name)
    quotes = (await db.execute("select count(*) from quotes")).first()[0]
    top = (await db.execute(
        "select id, name, quote_count from entities order by quote_count desc limit 1")).first()
    year = (await db.execute(
        "select said_year from quotes where said_year is not null group by said_year "
        "order by count(*) desc limit 1")).first()[0]
    publisher = (await db.execute(
        "select publisher from quotes where publisher is not null group by publisher "
        "order by count(*) desc limit 1")).first()[0]
    word = "economy"
    matches = (await db.execute(
        "select count(*) from quotes_fts where quotes_fts match ?", [word])).first()[0]
    print(f"{db_path}: {quotes:,} quotes; most quoted: {top['name']} ({top['quote_count']:,} quotes); "
          f"'{word}' matches {matches:,} quotes")
    if await db.table_exists("quote_facet_log"):  # quotes/store/facet_counts.py
        pending = (await db.execute("select count(*) from quote_facet_log")).first()[0]
        print(f"facet counts: {pending:,} changes in the log not yet folded into the counts "
              "(pages add them as they read)")
    print(f"settings: {ds.settings_dict()['sql_time_limit_ms']} ms SQL limit, "
          f"{ds.settings_dict()['facet_time_limit_ms']} ms facet limit, "
          f"suggest_facets {ds.settings_dict()['suggest_facets']}")

    pages = [
        ("table", "quotes table, default facets", f"/{name}/quotes"),
        ("facet", "quotes, a speaker chosen (facet value)", f"/{name}/quotes?speaker_name={_q(top['name'])}"),
        ("facet", f"quotes, said_year = {year}", f"/{name}/quotes?said_year={year}"),
        ("facet", "quotes, kind = direct", f"/{name}/quotes?kind=direct"),
        ("facet", "quotes, cue = said", f"/{name}/quotes?cue=said"),
        ("facet", f"quotes, publisher = {publisher}", f"/{name}/quotes?publisher={_q(publisher)}"),
        ("facet", "quotes, mentioned (m2m facet) chosen",
         f"/{name}/quotes?_through=" + _q('{"table":"quote_mentions","column":"entity_id","value":"%s"}' % top["id"])),
        ("table", "articles table, default facets", f"/{name}/articles"),
        ("table", "entities table", f"/{name}/entities"),
        ("search", f"full-text search '{word}' (quotes table, facets)", f"/{name}/quotes?_search={word}"),
        ("search", f"full-text search '{word}', JSON, no facets",
         f"/{name}/quotes.json?_search={word}&_nofacet=1&_nocount=1"),
        ("search", "full-text search, a rare word", f"/{name}/quotes?_search=kangaroo"),
        ("speaker", f"speaker page: {top['name']}", f"/-/quotes/speaker/{top['id']}?database={name}"),
        ("speaker", f"speaker timeline: {top['name']}", f"/-/quotes/speaker/{top['id']}/timeline?database={name}"),
    ]
    print()
    print("| page | median ms | slowest ms | target ms | facets computed | facets timed out "
          "| column facets: median ms | their facets timed out | ratio |")
    print("|---|---|---|---|---|---|---|---|---|")
    for kind, label, path in pages:
        first = await ds.client.get(path)
        if first.status_code != 200:
            print(f"| {label} | HTTP {first.status_code} | | | | | | | |")
            continue
        compared = path.startswith(f"/{name}/quotes?") or path == f"/{name}/quotes"
        if compared:
            await baseline.client.get(path)
        times, base_times = [], []
        for _ in range(repeat):
            times.append(await _timed(ds, path))
            if compared:
                base_times.append(await _timed(baseline, path))
        computed, timed_out = "", ""
        if "/-/quotes/" not in path and ".json" not in path:
            timed_out = await _timed_out(ds, path)
            data = (await ds.client.get(_json(path, name))).json()
            computed = str(len(data.get("facet_results", {})))
        median = statistics.median(times)
        flag = "" if median < TARGETS[kind] else " (over)"
        base = ["", "", ""]
        if compared:
            base_median = statistics.median(base_times)
            base = [f"{base_median:.0f}", await _timed_out(baseline, path), f"{base_median / median:.1f}x"]
        print(f"| {label} | {median:.0f}{flag} | {max(times):.0f} | {TARGETS[kind]} | {computed} | {timed_out} | "
              + " | ".join(base) + " |")


async def _timed(ds, path: str) -> float:
    started = time.perf_counter()
    response = await ds.client.get(path)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, path
    return elapsed


async def _timed_out(ds, path: str) -> str:
    """Which facets the HTML page says timed out (only the HTML page says)."""
    said = re.search(r"These facets timed out: ([^<]*)<", (await ds.client.get(path)).text)
    return html.unescape(said.group(1)).strip() if said else "none"


def _json(path: str, name: str) -> str:
    for table in ("quotes", "articles", "entities"):
        if path.startswith(f"/{name}/{table}"):
            return path.replace(f"/{name}/{table}", f"/{name}/{table}.json", 1)
    return path


def _q(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("db", nargs="?", type=Path, default=DEFAULT_DB)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    if not args.db.exists():
        raise SystemExit(f"no database at {args.db}: run benchmarks/make_big_db.py first")
    asyncio.run(bench(args.db, args.repeat))


if __name__ == "__main__":
    main()
