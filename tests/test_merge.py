"""`quotes merge`: databases loaded apart combine into the database one load makes.

Compared by content with test_tracking.snapshot (entity ids replaced by names, since
ids are numbered in order of first appearance), full-text indexes included.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import index_sql, rows, store_articles, tracking_corpus
from quotes import store
from quotes.corpus import tracking
from quotes.cli import cli
from quotes.store.merge import MergeError, merge_databases
from test_tracking import snapshot


def _loaded(path: Path, pairs) -> Path:
    store_articles(path, pairs)
    db = store.connect(path)
    try:
        tracking.refresh(db)
    finally:
        db.close()
    return path


def _content(path: Path) -> dict:
    """Snapshot plus the searchable text (FTS rows are keyed by rowid, which differs
    between databases: compare the text indexed, not where)."""
    conn = sqlite3.connect(path)
    try:
        indexed = {t: sorted(r[0] for r in conn.execute(f"select text from {t}_fts"))
                   for t in ("quotes", "claims")}
        found = conn.execute("select count(*) from quotes_fts where quotes_fts match 'talks'").fetchone()
    finally:
        conn.close()
    return {**snapshot(path), "fts": indexed, "found": found}


@pytest.fixture(scope="module")
def corpus():
    return tracking_corpus()


@pytest.fixture(scope="module")
def single(corpus, tmp_path_factory) -> Path:
    return _loaded(tmp_path_factory.mktemp("single") / "quotes.db", corpus)


@pytest.mark.parametrize("big", [False, True], ids=["indexes kept", "indexes set aside"])
def test_two_shards_merge_into_the_database_one_load_makes(corpus, single, tmp_path, monkeypatch, big):
    """Big shards (here: any) are merged with the serving indexes set aside, built at the end."""
    from quotes.store import deferred

    a = _loaded(tmp_path / "a.db", corpus[:3])
    b = _loaded(tmp_path / "b.db", corpus[3:])
    target = tmp_path / "merged.db"
    set_aside = []
    monkeypatch.setattr(deferred, "MIN_NEW_QUOTES", 1 if big else -1)
    real = deferred.set_aside

    def recording(db) -> int:
        set_aside.append(real(db))
        return set_aside[-1]

    monkeypatch.setattr(deferred, "set_aside", recording)
    summary = merge_databases(target, [a, b])
    assert set_aside == ([18] if big else [])
    assert index_sql(target) == index_sql(single)
    assert (summary.shards, summary.articles, summary.skipped) == (2, len(corpus), 0)
    assert summary.quotes == rows(single, "select count(*) as n from quotes")[0]["n"]
    assert _content(target) == _content(single)
    assert rows(target, "pragma integrity_check") == [{"integrity_check": "ok"}]
    assert rows(target, "pragma foreign_key_check") == []


def test_merging_again_changes_nothing(corpus, single, tmp_path):
    a = _loaded(tmp_path / "a.db", corpus[:4])
    target = tmp_path / "merged.db"
    merge_databases(target, [a])
    before = _content(target)
    again = merge_databases(target, [a])
    assert (again.articles, again.skipped, again.refreshed) == (0, 4, None)
    assert _content(target) == before


def test_overlapping_shards_and_a_target_with_articles_already(corpus, single, tmp_path):
    """Articles in two shards, or already in the target, are stored once (by id, or by
    the same text under another id as `quotes load` decides)."""
    target = _loaded(tmp_path / "merged.db", corpus[:2])
    a = _loaded(tmp_path / "a.db", corpus[1:5])
    b = _loaded(tmp_path / "b.db", corpus[4:])
    summary = merge_databases(target, [a, b])
    assert (summary.articles, summary.skipped) == (len(corpus) - 2, 2)
    assert _content(target) == _content(single)


def test_real_extraction_merges_like_one_load(tmp_path):
    from quotes.load import example_paths, load_paths

    paths = example_paths()
    half = len(paths) // 2
    single, a, b = tmp_path / "single.db", tmp_path / "a.db", tmp_path / "b.db"
    load_paths(single, paths)
    load_paths(a, paths[:half])
    load_paths(b, paths[half:])
    target = tmp_path / "merged.db"
    result = CliRunner().invoke(cli, ["merge", str(a), str(b), "--db", str(target)])
    assert result.exit_code == 0, result.output
    assert "articles added" in result.stderr and "Refreshed:" in result.stderr
    assert _content(target) == _content(single)
    log = rows(target, "select source, status, error from load_log where error like 'merged from%'")
    assert [r["source"] for r in log] == [str(a), str(b)]


def test_bad_shards_are_refused_and_nothing_is_lost(corpus, tmp_path):
    target = _loaded(tmp_path / "merged.db", corpus[:2])
    before = _content(target)
    not_sqlite = tmp_path / "notes.db"
    not_sqlite.write_text("these are my notes, not a database\n" * 100)
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("create table things (id)").connection.commit()
    good = _loaded(tmp_path / "good.db", corpus[2:])
    for shard, message in ((tmp_path / "missing.db", "no database at"),
                           (not_sqlite, "is not an SQLite database"),
                           (other, "is not a quotes database"),
                           (target, "is the target database itself")):
        with pytest.raises(MergeError, match=message):
            merge_databases(target, [good, shard])
        result = CliRunner().invoke(cli, ["merge", str(shard), "--db", str(target)])
        assert result.exit_code == 1 and message in result.output
    assert _content(target) == before  # a bad shard anywhere in the list: nothing merged
    refused = rows(target, "select source, status, error from load_log where error like 'merge:%'")
    assert {r["source"] for r in refused} >= {str(not_sqlite), str(other)}
    assert all(r["status"] == "error" for r in refused)


def test_a_shard_damaged_past_its_first_pages_is_rolled_back(corpus, tmp_path):
    """Readable enough to pass the checks, unreadable in the middle: that shard's
    transaction rolls back, with a message and a load_log row."""
    target = _loaded(tmp_path / "merged.db", corpus[:2])
    before = _content(target)
    shard = _loaded(tmp_path / "damaged.db", corpus[2:])
    conn = sqlite3.connect(shard)
    conn.execute("pragma journal_mode = delete")
    size = conn.execute("pragma page_size").fetchone()[0]
    root = conn.execute("select rootpage from sqlite_master where name = 'quotes'").fetchone()[0]
    conn.close()
    data = bytearray(shard.read_bytes())
    start = (root - 1) * size  # the quotes table's first page: its rows are read after the checks
    data[start:start + size] = b"\xff" * size
    shard.write_bytes(bytes(data))
    with pytest.raises(MergeError, match="nothing of it was merged"):
        merge_databases(target, [shard])
    assert _content(target) == before
    assert rows(target, "select status from load_log where error like 'merge: cannot read%'") == [{"status": "error"}]


def test_a_shard_of_another_schema_is_refused(corpus, tmp_path):
    old = tmp_path / "old.db"
    import sqlite_utils

    db = sqlite_utils.Database(old)
    store.MIGRATIONS.apply(db, stop_before="0003_fact_tracking")
    db.close()
    target = tmp_path / "merged.db"
    with pytest.raises(MergeError, match="has schema 0002"):
        merge_databases(target, [old])
