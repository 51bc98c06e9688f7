"""WAL checkpoints on a thread of their own while a load writes.

In WAL mode each commit appends the pages it changed to the write-ahead log, and every
1,000 pages SQLite copies the log back into the database file (a checkpoint, with an
fsync) inside the commit that crossed the mark: the writer waits for the disk. Into a
big database a batch of 1,000 articles changes thousands of pages spread over the
indexes, so at 94,000 articles those checkpoints were half of the writer's commits and
a third of its wall time (benchmarks/load_bench.py). During a load the writer's own
automatic checkpoints are off and a thread with its own connection runs a passive
checkpoint (it never blocks the writer or a reader) after each commit and at least
every `interval` seconds, while the writer goes on (the refresh that ends a load too): SQLite leaves Python's lock while it works, so the disk waits and
the writer's work overlap. When the load ends, automatic checkpoints are back.

The log is reused from its start only when a write transaction begins after every frame
was copied back, and the thread is always a batch behind the writer: left alone, the
log would grow for the whole load (every page the writer reads is looked up in it, so
the writer slows down as it grows). So once the log passes `limit` bytes, the writer
copies back what is left itself between two batches (`between_batches`), and the next
batch starts the log again: the writer waits for one batch's pages in several.
"""
from __future__ import annotations

import os
import sqlite3
import threading

import sqlite_utils

INTERVAL = 0.5  # seconds between checkpoints
AUTOCHECKPOINT = 1000  # SQLite's default, restored at the end
LIMIT = 256 * 2**20  # log bytes past which the writer catches up between batches


class Checkpointer:
    """`with Checkpointer(db):` around a load's writes."""

    def __init__(self, db: sqlite_utils.Database, interval: float = INTERVAL, limit: int = LIMIT):
        self.db = db
        self.interval = interval
        self.limit = limit
        self.stop = threading.Event()
        self._kicked = threading.Event()  # a commit just happened: checkpoint now
        self.thread: threading.Thread | None = None
        self.done = 0  # checkpoints run so far (tests wait on it instead of sleeping)
        self._ran = threading.Condition()
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
            self._kicked.set()
            self.thread.join()
            self.db.execute(f"pragma wal_autocheckpoint = {AUTOCHECKPOINT}")

    def kick(self) -> None:
        """After a commit: the thread copies the batch back now, while the writer goes on
        (the next batch, or the refresh that ends a load), rather than at its next turn."""
        self._kicked.set()

    def between_batches(self) -> None:
        """After a commit: copy back the rest of a log grown past the limit, so that the
        next transaction starts it again."""
        if self.thread is None:
            return
        try:
            size = os.path.getsize(f"{self.path}-wal")
        except OSError:
            return
        if size > self.limit:
            try:
                self.db.execute("pragma wal_checkpoint(PASSIVE)").fetchall()
            except sqlite3.Error:
                pass  # the thread holds the checkpoint: the next batch tries again

    def _run(self) -> None:
        conn = sqlite3.connect(self.path, timeout=0, check_same_thread=False)
        try:
            while True:
                self._kicked.wait(self.interval)
                self._kicked.clear()
                if self.stop.is_set():
                    break
                try:
                    conn.execute("pragma wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.Error:
                    continue  # busy or locked: the next turn tries again
                with self._ran:
                    self.done += 1
                    self._ran.notify_all()
        finally:
            conn.close()

    def wait_for(self, count: int, timeout: float = 60.0) -> bool:
        """Block until `count` checkpoints have run: the event a test waits for, where
        sleeping would race a busy machine."""
        with self._ran:
            return self._ran.wait_for(lambda: self.done >= count, timeout)
