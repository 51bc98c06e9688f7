"""Concurrency: Datasette answers while loads write; two loads at once both finish.

The database is in WAL mode (readers never wait for the writer) and every write
transaction takes the write lock first (BEGIN IMMEDIATE, quotes.store.write_transaction)
with a generous busy timeout, so a second writer queues instead of failing with
"database is locked". These tests drive the real processes over loopback.
"""
from __future__ import annotations

import itertools
import os
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import sqlite_utils

from conftest import ROOT, assert_exact, table_counts
from corpus import write_corpus
from live import datasette

REQUESTS = 1000  # at least this many, all while a load holds the write lock
PAUSE_EVERY = 400  # statements of the load between two rounds of requests

# `quotes load` that stops inside its write transactions, every PAUSE_EVERY statements
# of its main thread, tells the test (a byte on TELL_FD) and goes on when the test says
# so (a byte on GO_FD): the test's requests are answered while the load holds the write
# lock with rows not yet committed, by construction rather than by timing.
PAUSER = r"""
import os, sqlite3, sys, threading
every = int(os.environ["PAUSE_EVERY"])
tell, go = int(os.environ["TELL_FD"]), int(os.environ["GO_FD"])
main = threading.main_thread()
state = {"count": 0}
def trace(conn, sql):
    if threading.current_thread() is not main or not conn.in_transaction:
        return
    state["count"] += 1
    if state["count"] % every == 0:
        os.write(tell, b"p")
        if not os.read(go, 1):
            raise SystemExit("the test went away")
connect = sqlite3.connect
def traced(*args, **kwargs):
    conn = connect(*args, **kwargs)
    conn.set_trace_callback(lambda sql: trace(conn, sql))
    return conn
sqlite3.connect = traced
from quotes.cli import cli
cli(sys.argv[1:], prog_name="quotes")
"""


def _load(paths, db: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "quotes", "load", *map(str, paths), "--db", str(db), "-s", *extra],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _paused_load(paths, db: Path, *extra: str):
    """A load under PAUSER: (process, the pipe it tells on, the pipe to tell it to go on)."""
    tell_r, tell_w = os.pipe()
    go_r, go_w = os.pipe()
    proc = subprocess.Popen(
        [sys.executable, "-c", PAUSER, "load", *map(str, paths), "--db", str(db), "-s", *extra],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, pass_fds=(tell_w, go_r),
        env={**os.environ, "PAUSE_EVERY": str(PAUSE_EVERY), "TELL_FD": str(tell_w), "GO_FD": str(go_r)})
    os.close(tell_w)
    os.close(go_r)
    return proc, tell_r, go_w


def _finish(proc: subprocess.Popen, timeout: float = 120) -> tuple[int, str]:
    _, err = proc.communicate(timeout=timeout)
    return proc.returncode, err


def _one(db: Path, sql: str, params=()):
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute(sql, params).fetchone()
    finally:
        conn.close()


def _articles_in(folder: Path) -> int:
    return sum(len(f.read_text().splitlines()) if f.suffix == ".jsonl" else 1 for f in folder.iterdir())


def urls(db: Path) -> list[str]:
    """Pages a reader would open: tables with facets, search, JSON, our pages, queries;
    the JSON ones (a few milliseconds each) more often than the HTML pages (tens)."""
    article = _one(db, "select id from articles order by id limit 1")[0]
    speaker = _one(db, "select speaker_id from quotes where speaker_id is not null "
                       "group by speaker_id order by count(*) desc limit 1")[0]
    name = _one(db, "select name from entities where id = ?", [speaker])[0]
    pages = [
        "/quotes/quotes?_size=10",
        "/quotes/quotes?_facet=speaker_name&_size=5",
        "/quotes/articles?_search=barrier&_size=5",
        f"/-/quotes/article/{article}",
        f"/-/quotes/speaker/{speaker}",
        "/",
    ]
    json = [
        "/quotes/quotes.json?_size=5&_shape=array",
        "/quotes/quotes.json?_search=figures&_size=5",
        "/quotes/quotes.json?kind=direct&_size=5&_facet=publisher",
        f"/quotes/quotes.json?_size=5&speaker_id={speaker}",
        "/quotes/articles.json?_size=3&_col=title",
        "/quotes/entities.json?_size=5&_sort_desc=quote_count",
        "/quotes/claims.json?_size=5&kind=no_comment",
        "/quotes.json?sql=select+count(*)+from+quotes",
        "/quotes/quotes_by_person.json?name=" + urllib.parse.quote_plus(name),
        f"/-/quotes/article/{article}.json",
        "/-/quotes/summary.json",
    ]
    return pages + json * 3


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> list[Path]:
    """A first part to serve from the start, then parts for the loads to write: more
    than the test needs: it stops loading once enough was served."""
    root = tmp_path_factory.mktemp("concurrency")
    write_corpus(root / "all", 1200, seed=5)
    files = sorted((root / "all").iterdir())
    parts = []
    for n in range(20):
        part = root / f"part{n}"
        part.mkdir()
        for f in files[n::20]:
            f.rename(part / f.name)
        parts.append(part)
    return parts


def test_datasette_answers_every_request_during_loads(corpus, tmp_path):
    db = tmp_path / "quotes.db"
    code, err = _finish(_load([corpus[0]], db))
    assert code == 0, err
    paths = urls(db)
    served = 0
    failures: list[str] = []
    lock = threading.Lock()
    loads = iter(corpus[1:])
    finished_loads = rounds = 0
    started = time.monotonic()

    with datasette(db, tmp_path / "datasette.log") as base, httpx.Client(base_url=base, timeout=30) as client:
        for path in paths:  # every page works before the loads start
            response = client.get(path)
            assert response.status_code == 200, (path, response.text[:500])

        def get(path: str) -> None:
            nonlocal served
            response = client.get(path)
            text = response.text
            with lock:
                served += 1
                if response.status_code != 200 or "database is locked" in text.lower():
                    failures.append(f"{path}: {response.status_code} {text[:300]}")

        with ThreadPoolExecutor(max_workers=6) as pool:
            cycle = itertools.cycle(paths)
            while served < REQUESTS:
                part = next(loads, None)
                assert part is not None, f"loads ran out after {served} requests"
                loading, told, go = _paused_load([part], db, "--batch-size", "10")
                try:
                    while os.read(told, 1):  # paused inside a write transaction
                        # A round of requests, all answered while the load holds the lock.
                        futures = [pool.submit(get, next(cycle)) for _ in range(12)]
                        for future in futures:
                            future.result()
                        rounds += 1
                        os.write(go, b"g")
                finally:
                    os.close(told)
                    os.close(go)
                code, err = _finish(loading)
                assert code == 0, err
                finished_loads += 1

    assert failures == [], failures[:5]
    assert served == 12 * rounds >= REQUESTS
    loaded = sum(_articles_in(part) for part in corpus[: 1 + finished_loads])
    assert _one(db, "select count(*) from articles")[0] == loaded
    print(f"\n{served} requests answered in {rounds} pauses of {finished_loads} loads in "
          f"{time.monotonic() - started:.0f} s, none failed")


def test_two_loads_at_once_both_finish_with_the_database_one_load_makes(corpus, tmp_path):
    """Started together on a new file: the schema is made once and the articles are
    written by whichever load gets there first (the other skips them), or each load
    writes its own; either way the result is the database one load of it all makes."""
    parts = corpus[:2]
    clean = tmp_path / "clean.db"
    code, err = _finish(_load(parts, clean))
    assert code == 0, err
    for name, first, second in (("same", parts, parts), ("different", parts[:1], parts[1:])):
        db = tmp_path / f"{name}.db"
        a, b = _load(first, db, "--batch-size", "7"), _load(second, db)
        (code1, err1), (code2, err2) = _finish(a), _finish(b)
        assert (code1, code2) == (0, 0), err1 + "\n----\n" + err2
        assert "locked" not in err1 + err2
        assert table_counts(db) == table_counts(clean), name
        assert _one(db, "pragma integrity_check") == ("ok",)
        database = sqlite_utils.Database(db)
        try:
            assert_exact(database)  # the facet counts are those of the rows
        finally:
            database.close()


def test_a_load_that_cannot_get_the_lock_fails_with_a_message(corpus, tmp_path, monkeypatch):
    """Another process holding the write lock past the busy timeout: a clean error, no
    traceback, and nothing half-written."""
    from click.testing import CliRunner

    from quotes.store import schema
    from quotes.cli import cli

    db = tmp_path / "quotes.db"
    code, err = _finish(_load([corpus[0]], db))
    assert code == 0, err
    before = table_counts(db)
    monkeypatch.setattr(schema, "BUSY_TIMEOUT_MS", 300)
    holder = sqlite3.connect(db)
    holder.execute("begin immediate")
    try:
        result = CliRunner().invoke(cli, ["load", str(corpus[1]), "--db", str(db), "-s"])
    finally:
        holder.rollback()
        holder.close()
    assert result.exit_code == 1
    assert "is locked by another process" in result.output and "Traceback" not in result.output
    assert table_counts(db) == before
    assert os.path.exists(db)
