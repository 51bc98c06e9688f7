"""During a load the WAL is copied back into the database by a thread of its own, not
inside the writer's commits; afterwards SQLite's automatic checkpoints are back."""
from __future__ import annotations

import os

import sqlite_utils

from quotes import store
from quotes.store import checkpoint


def write(db, transactions: int = 12, cp: checkpoint.Checkpointer | None = None) -> None:
    for i in range(transactions):
        with store.write_transaction(db):
            db.conn.executemany("insert into t values (?)", [(f"{i}-{j}-" * 40,) for j in range(300)])
        if cp is not None:
            # Two more checkpoints: the second began after this commit, so every frame
            # of it was copied back before the next transaction starts the log again.
            assert cp.wait_for(cp.done + 2)


def wal_size(path) -> int:
    return os.path.getsize(f"{path}-wal")


def test_the_log_is_copied_back_while_the_writer_goes_on(tmp_path):
    # Without checkpoints the log holds every transaction ...
    alone = tmp_path / "alone.db"
    db = store.connect(alone)
    db.execute("create table t (x)")
    db.execute("pragma wal_autocheckpoint = 0")
    write(db)
    unchecked = wal_size(alone)
    db.close()
    # ... with the thread it is copied back and reused: it stays a few transactions long,
    # though the writer's own checkpoints are off meanwhile.
    path = tmp_path / "c.db"
    db = store.connect(path)
    db.execute("create table t (x)")
    with checkpoint.Checkpointer(db, interval=0.02) as cp:
        assert db.execute("pragma wal_autocheckpoint").fetchone()[0] == 0
        write(db, cp=cp)
        checked = wal_size(path)
    assert checked < unchecked / 2
    assert not cp.thread.is_alive()
    assert db.execute("pragma wal_autocheckpoint").fetchone()[0] == checkpoint.AUTOCHECKPOINT
    assert db.execute("select count(*) from t").fetchone()[0] == 3600
    db.close()


def test_an_in_memory_database_needs_none():
    db = sqlite_utils.Database(memory=True)
    with checkpoint.Checkpointer(db) as cp:
        assert cp.thread is None


def test_a_writer_that_never_pauses_keeps_the_log_short(tmp_path):
    """The thread is always a batch behind a busy writer: past the limit, the writer
    catches up between two batches so that the log starts again. Here the thread never
    gets a turn (an hour's interval), so the log is what the writer alone makes of it,
    the same on any machine: a thread's turn landing between two batches would race it."""
    sizes = {}
    for name, limit in (("unbounded", 2**40), ("bounded", 256 * 1024)):
        path = tmp_path / f"{name}.db"
        db = store.connect(path)
        db.execute("create table t (x)")
        with checkpoint.Checkpointer(db, interval=3600, limit=limit) as cp:
            for i in range(40):
                with store.write_transaction(db):
                    db.conn.executemany("insert into t values (?)", [(f"{i}-{j}-" * 40,) for j in range(300)])
                cp.between_batches()
            sizes[name] = wal_size(path)
        assert db.execute("select count(*) from t").fetchone()[0] == 12000
        db.close()
    assert sizes["bounded"] < sizes["unbounded"] / 3


def test_a_commit_is_copied_back_at_once_not_at_the_next_turn(tmp_path):
    """kick(), which the writer calls after each commit, runs a checkpoint now: with an
    hour between turns, the only way one runs here."""
    path = tmp_path / "k.db"
    db = store.connect(path)
    db.execute("create table t (x)")
    with checkpoint.Checkpointer(db, interval=3600) as cp:
        with store.write_transaction(db):
            db.conn.executemany("insert into t values (?)", [(f"{j}-" * 40,) for j in range(300)])
        assert cp.done == 0
        cp.kick()
        assert cp.wait_for(1)
    assert not cp.thread.is_alive()
    db.close()
