"""The write transaction every writer takes: in a module of its own, so that the store
and the deferred indexes (which the store opens) both use it without importing each
other."""
from __future__ import annotations

import contextlib

import sqlite_utils


@contextlib.contextmanager
def write_transaction(db: sqlite_utils.Database):
    """A transaction that writes: the write lock is taken first (BEGIN IMMEDIATE).

    A plain (deferred) transaction that reads before it writes cannot wait for another
    writer: if that one commits in between, SQLite refuses the upgrade at once with
    "database is locked", busy timeout or not. Taking the lock first makes concurrent
    loads queue for it instead, and what the transaction reads is current. Nested
    inside another transaction it is a savepoint.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    try:
        db.execute("COMMIT")
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
