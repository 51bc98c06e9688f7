"""Crashes: `quotes load` killed with SIGKILL at many points, then run again.

A generated corpus (tests/corpus.py: text files, JSON lines and HTML pages) is loaded
once cleanly in this process as the reference. Another database is then loaded by
`quotes load` subprocesses that are killed with SIGKILL, again and again, each time at
another point: while the schema is created, in the middle of an article, between an
article and the batch commit, while the batch's FTS triggers are being put back, during
the corpus refresh at the end, while a rerun skips what is already there, and at random
wall-clock moments. After every kill the database must be sound (integrity_check,
foreign keys, full-text indexes) and every article must have all of its quotes and
claims or none; after a last uninterrupted run it must equal the reference.

Most kill points are placed by a tiny wrapper (KILLER) that counts the SQL statements
the load's main thread runs (sqlite3's trace callback) and kills its own process with
SIGKILL just before the Nth statement after a marker, so the points are exact and
repeatable; the others are plain SIGKILLs from this test, sent when the wrapper tells
it that the load reached a random statement (the load runs on meanwhile, so where the
kill lands is up to the machine; that it lands is not: a load that was told about
waits at its end for the kill). Every kill lands, and the test counts them exactly.
"""
from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlite_utils

from conftest import assert_exact, index_sql, rows, table_counts
from corpus import write_corpus

N_ARTICLES = 150
CORE_TABLES = ("articles", "quotes", "claims", "quote_mentions", "roles")

KILLER = r"""
import os, signal, sqlite3, sys, threading
marker = os.environ.get("KILL_AFTER", "")
at = int(os.environ["KILL_AT"])
tell = os.environ.get("TELL_FD")  # tell the test there instead of killing: it kills from outside
state = {"armed": not marker, "count": 0, "told": False}
main = threading.main_thread()
def trace(sql):
    if threading.current_thread() is not main:  # the checkpoint thread runs on its own time
        return
    if not state["armed"]:
        state["armed"] = marker in sql
        return
    state["count"] += 1
    if state["count"] >= at and not state["told"]:
        if tell is None:
            os.kill(os.getpid(), signal.SIGKILL)
        os.write(int(tell), b"now")
        state["told"] = True
connect = sqlite3.connect
def traced(*args, **kwargs):
    conn = connect(*args, **kwargs)
    conn.set_trace_callback(trace)
    return conn
sqlite3.connect = traced
if os.environ.get("MIN_NEW_QUOTES"):  # set the serving indexes aside early (quotes.store.deferred)
    import quotes.store.deferred
    quotes.store.deferred.MIN_NEW_QUOTES = int(os.environ["MIN_NEW_QUOTES"])
from quotes.cli import cli
try:
    cli(sys.argv[1:], prog_name="quotes")
finally:
    if state["told"]:  # the test's SIGKILL is on its way: never finish before it lands
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        while True:
            signal.pause()
"""


def _connect(path: Path) -> sqlite3.Connection:
    """Read-write only because FTS5's integrity-check is an INSERT command; nothing is written."""
    return sqlite3.connect(path, timeout=30)


def per_article(path: Path) -> dict[str, tuple[frozenset, frozenset]]:
    """article id -> (its quote ids, its claim ids)."""
    conn = _connect(path)
    try:
        out = {a: (set(), set()) for (a,) in conn.execute("select id from articles")}
        for article_id, quote_id in conn.execute("select article_id, id from quotes"):
            out.setdefault(article_id, (set(), set()))[0].add(quote_id)
        for article_id, claim_id in conn.execute("select article_id, id from claims"):
            out.setdefault(article_id, (set(), set()))[1].add(claim_id)
        return {a: (frozenset(q), frozenset(c)) for a, (q, c) in out.items()}
    finally:
        conn.close()


def entity_names(path: Path) -> list[str]:
    conn = _connect(path)
    try:
        return sorted(r[0] for r in conn.execute("select name from entities"))
    finally:
        conn.close()


def check_sound(path: Path, reference: dict) -> int:
    """The database after a crash: sound, and each article whole or absent. Returns how
    many articles it holds."""
    if not path.exists():
        return 0
    conn = _connect(path)
    try:
        assert conn.execute("pragma integrity_check").fetchall() == [("ok",)]
        assert conn.execute("pragma foreign_key_check").fetchall() == []
        tables = {r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")}
        for fts in sorted(t for t in tables if t.endswith("_fts")):
            conn.execute(f"insert into [{fts}]([{fts}]) values ('integrity-check')")  # raises if broken
        if "articles" not in tables:
            return 0
        assert conn.execute(
            "select content_hash, count(*) from articles group by content_hash having count(*) > 1").fetchall() == []
        assert conn.execute(
            "select article_id, start, [end], kind, count(*) from quotes "
            "group by 1, 2, 3, 4 having count(*) > 1").fetchall() == []
    finally:
        conn.close()
    stored = per_article(path)
    for article_id, article_rows in stored.items():
        assert article_id in reference, f"article {article_id} is not in the corpus"
        assert article_rows == reference[article_id], f"article {article_id} is half-loaded"
    return len(stored)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("crash") / "in"
    write_corpus(folder, N_ARTICLES, seed=11)
    return folder


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory) -> Path:
    from quotes.load import load_paths

    path = tmp_path_factory.mktemp("reference") / "quotes.db"
    summary = load_paths(path, [str(corpus)])
    assert summary.articles == N_ARTICLES and not summary.errors, summary.failures
    return path


def _run(paths: list[Path], db: Path, env: dict | None = None, extra: tuple = (), timeout: float = 120):
    args = ["load", *map(str, paths), "--db", str(db), "-s", *extra]
    if env is None:
        argv = [sys.executable, "-m", "quotes", *args]
    else:
        argv = [sys.executable, "-c", KILLER, *args]
    return subprocess.run(argv, env={**os.environ, **(env or {})}, capture_output=True,
                          text=True, timeout=timeout)


def kill_plan(rng: random.Random, corpus: Path) -> list[tuple[str, list[Path], dict, tuple]]:
    """(what, paths, environment for KILLER, extra load options), in the order they run.

    The trace callback sees statements with their parameters filled in, hence markers
    such as "where content_hash =".
    """
    every = [corpus]
    some = sorted(corpus.glob("b*.jsonl"))  # the JSON lines only: new work for a refresh
    plan: list[tuple[str, list[Path], dict, tuple]] = []
    for at in (1, 3, 8, 20, 45, 90):  # a fresh file: pragmas, migrations, the first batch
        plan.append(("creating the schema", every, {"KILL_AT": str(at)}, ()))
    for batch in ("1", "7", "25"):  # in the middle of articles, batches of several sizes
        for _ in range(3):
            plan.append((f"mid-load, batches of {batch}", every,
                         {"KILL_AFTER": "insert into [articles]", "KILL_AT": str(rng.randint(1, 6000))},
                         ("--batch-size", batch)))
    for at in (1, 2, 3, 6):  # putting the FTS triggers back, just before a batch commits
        plan.append(("finishing a batch", every, {"KILL_AFTER": "CREATE TRIGGER", "KILL_AT": str(at)},
                     ("--batch-size", "13")))
    for _ in range(2):  # a rerun that is still skipping what it loaded before
        plan.append(("rerun, skipping", every,
                     {"KILL_AFTER": "from articles where content_hash =", "KILL_AT": str(rng.randint(2, 40))}, ()))
    # The corpus refresh at the end of a load: first after loading part, then the rest.
    plan.append(("refreshing", some, {"KILL_AFTER": "quote_groups", "KILL_AT": "40"}, ()))
    plan.append(("refreshing", every, {"KILL_AFTER": "quote_groups", "KILL_AT": "3"}, ()))
    return plan


def test_sigkill_at_many_points_loses_nothing(corpus, reference, tmp_path):
    rng = random.Random(20250401)
    expected = per_article(reference)
    assert sum(len(q) for q, _ in expected.values()) > 1000
    db = tmp_path / "killed.db"
    kills: list[str] = []
    log: list[str] = []
    started = time.monotonic()

    for what, paths, env, extra in kill_plan(rng, corpus):
        result = _run(paths, db, env, extra)
        held = check_sound(db, expected)
        log.append(f"{what} {env} {extra}: {'killed' if result.returncode < 0 else 'finished'}, {held} articles")
        # Statements are counted on the load's main thread only, so the point is exact:
        # a load that finishes instead means the plan no longer reaches inside the work.
        assert result.returncode == -signal.SIGKILL, (what, env, extra, result.stderr[-2000:])
        kills.append(what)

    # Plain SIGKILL from outside at random moments, on a database now partly loaded
    # (the rerun reads everything again, skips what is there, loads the rest): sent
    # when the load says it reached a random statement after its first article.
    fresh = tmp_path / "killed-outside.db"
    for at in [rng.randint(1, 4000) for _ in range(6)]:
        told, tell = os.pipe()
        proc = subprocess.Popen([sys.executable, "-c", KILLER, "load", str(corpus), "--db", str(fresh),
                                 "-s", "--batch-size", "5"],
                                env={**os.environ, "KILL_AFTER": "insert into [articles]", "KILL_AT": str(at),
                                     "TELL_FD": str(tell)},
                                pass_fds=(tell,), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        os.close(tell)
        try:
            heard = os.read(told, 3)  # b"" if the load ended without reaching the statement
        finally:
            os.close(told)
        if heard:
            os.kill(proc.pid, signal.SIGKILL)
        _, err = proc.communicate(timeout=120)
        assert (heard, proc.returncode) == (b"now", -signal.SIGKILL), err.decode()[-2000:]
        kills.append(f"outside, after statement {at}")
        log.append(f"outside {at}: {check_sound(fresh, expected)} articles")

    # A load that sets the serving indexes aside (quotes.store.deferred), each on a new file,
    # killed while they are aside or while it builds them again at its end.
    aside: list[Path] = []
    for what, marker, at in [("indexes set aside", "drop index", rng.randint(1, 3000)),
                             ("indexes set aside", "drop index", rng.randint(1, 3000)),
                             ("building set-aside indexes", "from [_deferred_indexes] order by name", 1),
                             ("building set-aside indexes", "from [_deferred_indexes] order by name", 4)]:
        aside.append(tmp_path / f"aside-{len(aside)}.db")
        result = _run([corpus], aside[-1], {"MIN_NEW_QUOTES": "1", "KILL_AFTER": marker, "KILL_AT": str(at)},
                      ("--batch-size", "7"))
        assert result.returncode == -signal.SIGKILL, (what, at, result.stderr[-2000:])
        kills.append(what)
        log.append(f"{what} at {at}: {check_sound(aside[-1], expected)} articles")

    assert len(kills) == len(kill_plan(random.Random(20250401), corpus)) + 6 + 4, "\n".join(log)
    want = table_counts(reference)
    for path in (db, fresh, *aside):
        result = _run([corpus], path)
        assert result.returncode == 0, result.stderr[-2000:]
        assert check_sound(path, expected) == N_ARTICLES
        assert per_article(path) == expected  # every quote and claim, no more, no less
        got = table_counts(path)
        lost = sum(max(0, n - got.get(table, 0)) for table, n in want.items())
        assert lost == 0 and got == want, "\n".join(log)
        assert entity_names(path) == entity_names(reference)
        assert rows(path, "select count(*) as n from _deferred_indexes") == [{"n": 0}]
        assert index_sql(path) == index_sql(reference)  # none left aside (quotes.store.deferred)
        database = sqlite_utils.Database(path)
        try:
            assert_exact(database)  # the facet counts are those of the rows
        finally:
            database.close()
    print(f"\n{len(kills)} kill points survived in {time.monotonic() - started:.0f} s; "
          f"rows lost: 0 of {sum(want.values())}")
