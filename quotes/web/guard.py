"""Limits on what a query may cost or show, set on every connection Datasette opens
(the plugin's prepare_connection hook): Datasette runs whatever SELECT a visitor writes,
and its sql_time_limit_ms (kept) bounds the time, not the memory.

- SQLITE_LIMIT_LENGTH: no string, blob or row longer than MAX_LENGTH bytes, so
  `select length(randomblob(900000000))` is an error at once ("string or blob too big")
  instead of 5 s and 925 MB. The corpus never comes near it: the loader stores at most
  quotes.limits.MAX_ARTICLE_CHARS (1,000,000) characters of body, 4 MB of UTF-8 at worst
  (BBC's longest article is 25 kB). The limit is per connection.
- The heap limits (PRAGMA soft_heap_limit, hard_heap_limit) are SQLite's for the whole
  PROCESS, every connection of every database in it, not for one connection; a pragma can
  lower the hard limit but never raise it. Past HARD_HEAP_LIMIT an allocation fails
  (Python's MemoryError for the query that asked for it, and possibly for one running
  beside it); past SOFT_HEAP_LIMIT SQLite first gives back cache memory. Both are far
  above what Datasette's few connections use (2 MB of page cache each).
- An authorizer reads `file` of pragma_database_list (the absolute path of the database
  on the server's disk) as NULL. The function is one of the pragmas Datasette's SQL
  validator allows on purpose; its other columns, and the PRAGMA statement Datasette
  runs itself, are untouched.
"""
from __future__ import annotations

import sqlite3

MAX_LENGTH = 32 * 1024 * 1024
SOFT_HEAP_LIMIT = 256 * 1024 * 1024
HARD_HEAP_LIMIT = 512 * 1024 * 1024
HIDDEN_COLUMNS = {("pragma_database_list", "file")}


def protect(conn: sqlite3.Connection) -> None:
    """The length limit, the process's heap limits and the authorizer, on `conn`."""
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_LENGTH)
    _lower_heap_limit(conn, "soft_heap_limit", SOFT_HEAP_LIMIT)
    _lower_heap_limit(conn, "hard_heap_limit", HARD_HEAP_LIMIT)
    conn.set_authorizer(authorize)


def authorize(action: int, arg1, arg2, database, trigger) -> int:
    """NULL for the hidden columns (SQLITE_IGNORE on a read), everything else allowed."""
    if action == sqlite3.SQLITE_READ and (arg1, arg2) in HIDDEN_COLUMNS:
        return sqlite3.SQLITE_IGNORE
    return sqlite3.SQLITE_OK


def _lower_heap_limit(conn: sqlite3.Connection, pragma: str, limit: int) -> None:
    """Set a process-wide heap limit to `limit` unless one at most that low is already set
    (by us on another connection, or by whoever embeds us)."""
    current = conn.execute(f"pragma {pragma}").fetchone()[0]
    if current == 0 or current > limit:
        conn.execute(f"pragma {pragma}={int(limit)}")
