"""Indexes that only serve readers, set aside while a big load writes and rebuilt once.

Every quote a load writes lands in a dozen B-trees at random places: its own key, and
the indexes that Datasette's facets, filters and sorts use (speaker_name, kind, cue,
said_on, publisher, text_hash, ...). Once the tables outgrow the page cache, those
scattered writes are most of the writer's time (benchmarks/load_bench.py). Building an
index afterwards is one sort of the whole table, far cheaper than keeping it up to date
row by row, as soon as the load adds about as many rows as the table already held.

Which indexes: those of the loaded tables whose first column is not a foreign key.
Indexes led by a foreign key (article_id, speaker_id, entity_id, ...) stay: foreign-key
checks use them, and so do the writer's own look-ups (an article loaded again deletes
its rows by article; renaming an entity updates its quotes by speaker).

A crash cannot lose an index: each one set aside is recorded in `_deferred_indexes`, in
the same transaction that drops it, and `restore` (run at the end of the load, and by
`quotes.store.ensure_schema` whenever a database is opened) builds whatever is recorded
there. The database is correct throughout; only readers' queries are slower while a
load holds indexes aside.
"""
from __future__ import annotations

import sqlite_utils

from quotes.store.transaction import write_transaction

LEDGER = "_deferred_indexes"
DEFERRED_TABLES = ("quotes", "claims", "roles", "entity_refs", "article_entities")
# Set indexes aside once a load has added this many quotes and at least as many as the
# table held when it began; below that, keeping them costs less than building them.
# A negative value never sets them aside.
MIN_NEW_QUOTES = 5_000


def serving_only_indexes(db: sqlite_utils.Database,
                         tables: tuple[str, ...] = DEFERRED_TABLES) -> list[tuple[str, str]]:
    """(name, SQL) of each index of `tables` that no foreign key and no writer look-up uses."""
    found = []
    for table in tables:
        foreign = {row[3] for row in db.execute(f"pragma foreign_key_list([{table}])").fetchall()}
        for name, sql in db.execute(
            "select name, sql from sqlite_master where type = 'index' and tbl_name = ?"
            " and sql is not null order by name", [table]
        ).fetchall():
            leading = db.execute(f"pragma index_info([{name}])").fetchone()
            if leading is not None and leading[2] not in foreign:
                found.append((name, sql))
    return found


def create_ledger(db: sqlite_utils.Database) -> None:
    """The table of indexes set aside: name and the SQL that builds it again."""
    db.execute(f"create table if not exists [{LEDGER}] (name text primary key, sql text not null)")


def set_aside(db: sqlite_utils.Database) -> int:
    """Drop the serving-only indexes, recording each first; call inside a write
    transaction, so the record and the drop commit (or roll back) together."""
    indexes = serving_only_indexes(db)
    for name, sql in indexes:
        db.execute(f"insert or replace into [{LEDGER}] (name, sql) values (?, ?)", [name, sql])
        db.execute(f"drop index [{name}]")
    return len(indexes)


def pending(db: sqlite_utils.Database) -> bool:
    """Whether indexes set aside by a load (finished or not) are still to be built."""
    return bool(db[LEDGER].exists() and db.execute(f"select exists(select 1 from [{LEDGER}])").fetchone()[0])


def restore(db: sqlite_utils.Database) -> int:
    """Build every index recorded as set aside, then forget it: one transaction."""
    if not pending(db):
        return 0
    with write_transaction(db):
        rows = db.execute(f"select name, sql from [{LEDGER}] order by name").fetchall()
        for name, sql in rows:
            if not db.execute("select 1 from sqlite_master where type = 'index' and name = ?", [name]).fetchone():
                db.execute(sql)
        db.execute(f"delete from [{LEDGER}]")
    return len(rows)


class IndexDeferral:
    """One load's decision: set the serving-only indexes aside when it has grown big
    enough, and build them again when it ends (`with` restores even after an error)."""

    def __init__(self, db: sqlite_utils.Database, min_new_quotes: int | None = None):
        self.db = db
        self.min_new_quotes = MIN_NEW_QUOTES if min_new_quotes is None else min_new_quotes
        self.start = self._last_quote()
        self.deferred = 0  # indexes this load has set aside

    def _last_quote(self) -> int:
        return self.db.execute("select coalesce(max(rowid), 0) from quotes").fetchone()[0]

    def maybe_set_aside(self, coming: int = 0) -> None:
        """At the start of a batch, inside its transaction: set aside once worth it.
        `coming`: quotes about to be added, when known (a shard being merged)."""
        if self.deferred or self.min_new_quotes < 0:
            return
        added = self._last_quote() - self.start + coming
        if added >= max(self.min_new_quotes, self.start):
            self.deferred = set_aside(self.db)

    def __enter__(self) -> "IndexDeferral":
        return self

    def __exit__(self, *exc) -> None:
        if self.deferred:
            restore(self.db)
            if exc[0] is None:
                merge_full_text(self.db)


def merge_full_text(db: sqlite_utils.Database) -> None:
    """Each full-text index merged into one segment (FTS5's 'optimize'), one transaction
    a table: at the end of a big load, as its indexes are built then.

    Batch after batch, a big load leaves each index in many segments, some of them
    midway through a merge that FTS5 carries on a slice at a time inside later writes:
    the hourly load of ten articles into a million-quote database that follows paid
    for 270 pages of one (20 claims written; benchmarks/incremental.py), and every search
    reads all the segments. Merged at once: 4 s at a million quotes, next to the load's
    quarter of an hour."""
    names = [row[0] for row in db.execute(
        "select name from sqlite_master where type = 'table' and sql like 'create virtual table%using fts5%'"
        " order by name")]
    for name in names:
        with write_transaction(db):
            db.execute(f"insert into [{name}] ([{name}]) values ('optimize')")
