"""Serving-only indexes set aside during a big load (quotes.store.deferred): the database at the
end is the one a load that kept them gives, and no crash or rollback loses an index."""
from __future__ import annotations

import sqlite3

import pytest
import sqlite_utils

from corpus import write_corpus
from conftest import assert_exact
from quotes import store
from quotes.store import deferred
from quotes.load import load_paths

N_ARTICLES = 60


def indexes(db) -> set[tuple[str, str]]:
    return set(db.execute("select name, sql from sqlite_master where type = 'index' and sql is not null").fetchall())


def contents(db) -> dict[str, list[tuple]]:
    tables = ("articles", "quotes", "claims", "roles", "entities", "aliases", "quote_mentions",
              "article_entities", "entity_refs", "quote_groups", "quote_group_members", "claim_groups")
    out = {}
    for table in tables:
        columns = ", ".join(f"[{c}]" for c in db[table].columns_dict if c != "loaded_at")  # when, not what
        out[table] = sorted(db.execute(f"select {columns} from [{table}]").fetchall(), key=repr)
    return out


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("deferred") / "in"
    write_corpus(folder, N_ARTICLES, seed=5)
    return folder


@pytest.fixture(scope="module")
def kept(corpus, tmp_path_factory):
    """The reference: the same corpus loaded with every index kept up to date."""
    path = tmp_path_factory.mktemp("kept") / "kept.db"
    original = deferred.MIN_NEW_QUOTES
    deferred.MIN_NEW_QUOTES = -1
    try:
        load_paths(path, [str(corpus)], batch_size=5)
    finally:
        deferred.MIN_NEW_QUOTES = original
    db = store.connect(path)
    yield db
    db.close()


def spy_on_set_aside(monkeypatch) -> list[int]:
    counts: list[int] = []
    real = deferred.set_aside

    def recording(db):
        counts.append(real(db))
        assert not db.execute("select 1 from sqlite_master where name = 'idx_quotes_kind'").fetchone()
        return counts[-1]

    monkeypatch.setattr(deferred, "set_aside", recording)
    return counts


def test_a_big_load_ends_with_the_database_a_load_keeping_them_gives(corpus, kept, tmp_path, monkeypatch):
    monkeypatch.setattr(deferred, "MIN_NEW_QUOTES", 1)  # this small corpus counts as big
    counts = spy_on_set_aside(monkeypatch)
    path = tmp_path / "deferred.db"
    summary = load_paths(path, [str(corpus)], batch_size=5)
    assert summary.articles == N_ARTICLES and not summary.errors
    assert counts == [19]  # set aside once, mid-load
    db = sqlite_utils.Database(path)  # as the load left it (store.connect would build what is missing)
    assert indexes(db) == indexes(kept)
    assert not deferred.pending(db)
    assert contents(db) == contents(kept)
    assert db.execute("pragma integrity_check").fetchall() == [("ok",)]
    assert db.execute("pragma foreign_key_check").fetchall() == []
    assert_exact(db)


def segments(db, table: str) -> int:
    """The segments of a full-text index (its _idx table has rows for each)."""
    return db.execute(f"select count(distinct segid) from [{table}_fts_idx]").fetchone()[0]


def test_a_big_load_ends_with_each_full_text_index_in_one_segment(corpus, kept, tmp_path, monkeypatch):
    """Twelve batches leave several segments and merges midway (the load that keeps its
    indexes shows it); a load big enough to set indexes aside merges each full-text
    index into one segment as it ends, and searches find the same rows."""
    assert segments(kept, "quotes") > 1 and segments(kept, "articles") > 1
    monkeypatch.setattr(deferred, "MIN_NEW_QUOTES", 1)
    path = tmp_path / "deferred.db"
    load_paths(path, [str(corpus)], batch_size=5)
    db = sqlite_utils.Database(path)
    # (the refresh after the load writes entities again: a segment of its own)
    assert {t: segments(db, t) for t in ("quotes", "claims", "articles")} == {"quotes": 1, "claims": 1, "articles": 1}
    for table in ("quotes", "claims", "articles"):
        for word in ("said", "minister", "the"):
            sql = f"select rowid from [{table}_fts] where [{table}_fts] match ? order by rowid"
            assert db.execute(sql, [word]).fetchall() == kept.execute(sql, [word]).fetchall()
    assert db.execute("insert into quotes_fts (quotes_fts, rank) values ('integrity-check', 1)")


def test_foreign_key_indexes_stay_for_the_writer_look_ups(kept):
    names = {name for name, _ in deferred.serving_only_indexes(kept)}
    assert {"idx_quotes_kind", "idx_quotes_speaker_name", "idx_quotes_cue_id", "idx_quotes_text_hash",
            "idx_claims_kind", "idx_roles_title"} <= names
    assert not names & {"idx_quotes_article_speaker", "idx_quotes_speaker_order", "idx_claims_article_id",
                        "idx_entity_refs_article_id", "idx_article_entities_article_id", "idx_roles_entity_id"}
    class Undo(Exception):
        pass

    with pytest.raises(Undo), store.write_transaction(kept):
        deferred.set_aside(kept)
        # what the writer asks while they are aside still finds its rows by index
        for sql in ("select id from quotes where article_id = 'a'", "select id from quotes where speaker_id = 1",
                    "select id from claims where article_id = 'a'", "select id from roles where article_id = 'a'",
                    "select row_id from entity_refs where article_id = 'a'"):
            plan = " ".join(str(row[-1]) for row in kept.execute(f"explain query plan {sql}"))
            assert "USING" in plan and "INDEX" in plan, (sql, plan)
        raise Undo
    assert not deferred.pending(kept)


def test_a_rollback_keeps_every_index(kept):
    before = indexes(kept)
    with pytest.raises(RuntimeError):
        with store.write_transaction(kept):
            assert deferred.set_aside(kept) == 19
            raise RuntimeError("the batch fails")
    assert indexes(kept) == before
    assert not deferred.pending(kept)


def test_a_crash_while_they_are_aside_loses_none(corpus, kept, tmp_path):
    """The process dies with the indexes dropped: the ledger has them, and the next
    opening of the database builds them before anything else."""
    path = tmp_path / "crashed.db"
    load_paths(path, [str(corpus)])
    db = store.connect(path)
    with store.write_transaction(db):
        deferred.set_aside(db)
    db.close()  # no restore: as after a SIGKILL

    raw = sqlite3.connect(path)
    assert raw.execute(f"select count(*) from [{deferred.LEDGER}]").fetchone()[0] == 19
    assert not raw.execute("select 1 from sqlite_master where name = 'idx_quotes_kind'").fetchone()
    raw.close()

    db = store.connect(path)
    assert indexes(db) == indexes(kept)
    assert not deferred.pending(db)


def test_a_small_load_into_a_big_database_keeps_them(corpus, tmp_path, monkeypatch):
    """Building an index reads the whole table: worth it only when the load adds about
    as many quotes as the table holds."""
    path = tmp_path / "big.db"
    load_paths(path, [str(corpus)])
    db = store.connect(path)
    stored = db.execute("select count(*) from quotes").fetchone()[0]
    db.close()
    monkeypatch.setattr(deferred, "MIN_NEW_QUOTES", 1)
    counts = spy_on_set_aside(monkeypatch)
    more = tmp_path / "more"
    write_corpus(more, 5, seed=99)
    load_paths(path, [str(more)], batch_size=1)
    added = store.connect(path).execute("select count(*) from quotes").fetchone()[0] - stored
    assert 0 < added < stored  # the premise: a small load into a bigger table
    assert counts == []

    deferral = deferred.IndexDeferral(store.connect(path))
    with store.write_transaction(deferral.db):
        deferral.maybe_set_aside(coming=deferral.start - 1)  # a shard a little smaller
        assert not deferral.deferred
        deferral.maybe_set_aside(coming=deferral.start)
        assert deferral.deferred == 19
    deferral.__exit__(None, None, None)
    assert not deferred.pending(deferral.db)
