"""A batch's full-text index and facet counts, written at its end (quotes.store.bulk), match
what the per-row triggers would have written, however rows are deleted and re-added
inside the batch: a search finds every stored quote, and the counts equal a group-by."""
from __future__ import annotations

import sqlite3

import pytest

from conftest import FTS_TABLES, assert_exact
from quotes import parallel, store
from quotes.load import Loader
from quotes.model import Article



def article(url: str, words: str) -> Article:
    return Article(
        body=(f'"We will {words} the bridge," said Mayor Jane Smith on Monday.\n\n'
              f'"It is far too {words} for the town," said John Brown, the treasurer.'),
        source=url, url=url, publisher="The Paper", published="2025-03-18",
    )


def load(db, records, batch_size=200) -> None:
    parallel.load_records(Loader(db), records, batch_size=batch_size)


def searched(db, word: str) -> set[str]:
    return {r[0] for r in db.execute(
        "select text from quotes where rowid in (select rowid from quotes_fts where quotes_fts match ?)",
        [word])}


def assert_indexes_whole(db) -> None:
    for name in FTS_TABLES:
        db.execute(f"insert into [{name}_fts]([{name}_fts]) values ('integrity-check')")
    for text, in db.execute("select text from quotes"):
        word = text.split()[-1].strip(",.")
        assert text in searched(db, f'"{word}"'), text
    assert_exact(db)
    names = {r[0] for r in db.execute("select name from sqlite_master")}
    assert not [n for n in names if n.endswith("_batch") or n == "_batch_deleted"]


@pytest.fixture
def db(tmp_path):
    database = store.connect(tmp_path / "bulk.db")
    yield database
    database.close()


def test_an_article_loaded_again_is_searchable(db):
    """Its new quotes take the rowids its old ones had (the table's last rows)."""
    load(db, [article("https://example.org/1", "build")])
    load(db, [article("https://example.org/1", "mend")])
    assert searched(db, "mend") == {"We will mend the bridge", "It is far too mend for the town"}
    assert not searched(db, "build")
    assert_indexes_whole(db)


def test_loaded_again_and_again_inside_one_batch(db):
    """Old rows deleted, their rowids taken by new rows, those deleted in turn."""
    load(db, [article("https://example.org/1", "build"), article("https://example.org/2", "paint")])
    load(db, [article("https://example.org/2", "mend"), article("https://example.org/2", "close"),
              article("https://example.org/3", "open"), article("https://example.org/2", "sell"),
              article("https://example.org/3", "shut")], batch_size=50)
    assert searched(db, "sell") == {"We will sell the bridge", "It is far too sell for the town"}
    assert not searched(db, "mend") | searched(db, "close") | searched(db, "open") | searched(db, "paint")
    assert len(searched(db, "build")) == 2 and len(searched(db, "shut")) == 2
    assert_indexes_whole(db)


@pytest.mark.parametrize("batch_size", [1, 2, 200])
def test_same_database_whatever_the_batches(tmp_path, batch_size):
    records = [article(f"https://example.org/{n % 4}", w)
               for n, w in enumerate(["build", "mend", "paint", "open", "shut", "sell", "close"])]
    db = store.connect(tmp_path / f"b{batch_size}.db")
    load(db, records[:3])
    load(db, records[3:], batch_size=batch_size)
    assert_indexes_whole(db)
    rows = sorted(db.execute("select id, text, speaker_name from quotes").fetchall())
    reference = store.connect(tmp_path / "reference.db")
    for record in records:
        load(reference, [record], batch_size=1)
    assert rows == sorted(reference.execute("select id, text, speaker_name from quotes").fetchall())


def test_a_failed_batch_leaves_the_triggers(db):
    """A rollback brings the per-row triggers back with everything else."""
    load(db, [article("https://example.org/1", "build")])
    before = sorted(db.execute("select name, sql from sqlite_master where type = 'trigger'").fetchall())

    class Boom(Exception):
        pass

    def records():
        yield article("https://example.org/2", "mend")
        raise Boom

    with pytest.raises(Boom):
        load(db, records())
    assert sorted(db.execute("select name, sql from sqlite_master where type = 'trigger'").fetchall()) == before
    db.execute("insert into quotes (id, article_id, text, kind) values ('x', ?, 'a plain trigger test', 'direct')",
               [db.execute("select id from articles").fetchone()[0]])
    assert "a plain trigger test" in searched(db, "plain")
    assert_indexes_whole(db)
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("insert into quotes (id, article_id, text) values ('y', 'no such article', 'z')")
