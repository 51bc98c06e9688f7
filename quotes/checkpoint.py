"""WAL checkpoints on a thread of their own while a load writes.

In WAL mode each commit appends the pages it changed to the write-ahead log, and every
1,000 pages SQLite copies the log back into the database file (a checkpoint, with an
fsync) inside the commit that crossed the mark: the writer waits for the disk. Into a
big database a batch of 200 articles changes thousands of pages spread over the
indexes, so at 94,000 articles those checkpoints were half of the writer's commits and
a third of its wall time (benchmarks/load_bench.py). During a load the writer's own
automatic checkpoints are off and a thread with its own connection runs a passive
checkpoint (it never blocks the writer or a reader) every `interval` seconds, while
the writer goes on: SQLite leaves Python's lock while it works, so the disk waits and
the writer's work overlap. The log is copied back as often as before; only who waits
for it changes. When the load ends, automatic checkpoints are back.
"""
from __future__ import annotations

import sqlite3
import threading

import sqlite_utils

INTERVAL = 0.5  # seconds between checkpoints
AUTOCHECKPOINT = 1000  # SQLite's default, restored at the end


class Checkpointer:
    """`with Checkpointer(db):` around a load's writes."""

    def __init__(self, db: sqlite_utils.Database, interval: float = INTERVAL):
        self.db = db
        self.interval = interval
        self.stop = threading.Event()
        self.thread: threading.Thread | None = None
        row = db.execute("pragma database_list").fetchone()
        mode = db.execute("pragma journal_mode").fetchone()[0]
        self.path = row[2] if row and row[2] and mode == "wal" else None  # "" for :memory:

    def __enter__(self) -> "Checkpointer":
        if self.path:
            self.db.execute("pragma wal_autocheckpoint = 0")
            self.thread = threading.Thread(target=self._run, name="quotes-checkpoint", daemon=True)
            self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        if self.thread is not None:
            self.stop.set()
            self.thread.join()
            self.db.execute(f"pragma wal_autocheckpoint = {AUTOCHECKPOINT}")

    def _run(self) -> None:
        conn = sqlite3.connect(self.path, timeout=0, check_same_thread=False)
        try:
            while not self.stop.wait(self.interval):
                try:
                    conn.execute("pragma wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.Error:
                    pass  # busy or locked: the next turn tries again
        finally:
            conn.close()
