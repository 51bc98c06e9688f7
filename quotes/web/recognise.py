"""Which of the databases Datasette serves `quotes` made: recognised by their schema.

A database made by `quotes load` (or any other command that opens one: quotes.store's
`connect`) records its migrations in `_sqlite_migrations` under the set `quotes`. That
record, not the file's name, is what the plugin looks for: `news.db`, `quotes.db` and
`2025-archive.db` are all ours if they have it, and any other database is left alone.

Datasette asks for metadata many times a page and its `get_metadata` hook is not async,
so the answer is kept per Database object. A database that is ours stays ours; one that
is not is looked at again when its file changes (an empty file being loaded into while
it is served), which a stat of the file and its WAL tells.
"""
from __future__ import annotations

import os
import sqlite3
import weakref

MIGRATION_SET = "quotes"  # quotes.store.MIGRATIONS = Migrations("quotes")
FIRST_MIGRATION = "0001_schema"

_SQL = "select 1 from _sqlite_migrations where migration_set = ? and name = ?"

# Database -> (is ours, the file's signature when it was looked at)
_seen: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _signature(db) -> tuple | None:
    """What changes when the file is written: mtime and size of the file and its WAL."""
    if not db.path or db.is_memory:
        return None
    out = []
    for path in (db.path, db.path + "-wal"):
        try:
            stat = os.stat(path)
            out.append((stat.st_mtime_ns, stat.st_size))
        except OSError:
            out.append(None)
    return tuple(out)


def _look(db) -> bool:
    try:
        conn = db.connect()
    except sqlite3.Error:
        return False
    try:
        return conn.execute(_SQL, [MIGRATION_SET, FIRST_MIGRATION]).fetchone() is not None
    except sqlite3.Error:  # no _sqlite_migrations table, or not a database at all
        return False
    finally:
        conn.close()


def is_quotes_database(db) -> bool:
    """True when `quotes` made this Datasette Database (whatever its name)."""
    known = _seen.get(db)
    if known is not None and known[0]:
        return True
    signature = _signature(db)
    if known is not None and (signature is None or known[1] == signature):
        return False
    ours = _look(db)
    _seen[db] = (ours, signature)
    return ours


def quotes_databases(datasette) -> list[str]:
    """Names of the served databases `quotes` made, in the order they were attached."""
    return [name for name, db in list(datasette.databases.items())
            if name != "_internal" and is_quotes_database(db)]
