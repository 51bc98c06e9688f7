"""The front page, computed once per change of the data: the corpus at a glance
(quotes.web.pages.corpus, also /-/quotes/summary.json) and the whole page as an
anonymous visitor gets it.

Under a crowd the front page was the slowest page (fifty readers at once waited
seconds, benchmarks/crowd.py): besides our dozen summary queries, Datasette's index
view asks each database for every table's count, columns, primary keys and FTS table,
about 170 queries in turn. The data behind it changes only when something writes to
the file, mostly `quotes load` in another process, so both are kept and recomputed
when a write has happened since.

How a write is noticed: SQLite's `PRAGMA data_version` changes on a connection whenever
ANOTHER connection, of any process, has committed to the file since that connection
last asked. Its value means nothing across connections, and Datasette reads through
several (one per thread), so the plugin keeps one read-only connection of its own per
database file (`DataVersions`) and asks only it: microseconds, in the event loop, no
wait behind the crowd's queries in Datasette's threads. A result is kept with the
version seen before it was computed; a commit during the computation shows as a new
version at the next request. A request that finds a computation already running waits
for it instead of starting its own (so a result may predate a commit by at most one
computation). Immutable databases never change; in-memory ones, or a failed check
(a writer holding the file in rollback-journal mode), are not cached.
"""
from __future__ import annotations

import asyncio
import sqlite3
import threading
import urllib.parse
import weakref
from collections.abc import Awaitable, Callable

from quotes.web import pages


class DataVersions:
    """`PRAGMA data_version` of each database file, on a read-only connection of ours."""

    def __init__(self):
        self._conns: dict[str, sqlite3.Connection] = {}
        self._lock = threading.Lock()

    def version(self, db) -> int | None:
        """A value that changes whenever the data does; None when it cannot be told."""
        if db.is_memory or not db.path:
            return None
        if not db.is_mutable:
            return 0
        with self._lock:
            try:
                conn = self._conns.get(db.path)
                if conn is None:
                    uri = "file:" + urllib.parse.quote(str(db.path)) + "?mode=ro"
                    conn = sqlite3.connect(uri, uri=True, timeout=0, check_same_thread=False,
                                           isolation_level=None)
                    self._conns[db.path] = conn
                return conn.execute("pragma data_version").fetchone()[0]
            except sqlite3.Error:
                return None


class Cached:
    """One value, kept with the version it was computed for; one computation at a time."""

    def __init__(self):
        self.key = self.value = None
        self.computations = 0
        self._running: asyncio.Future | None = None

    async def get(self, key, compute: Callable[[], Awaitable], keep=lambda value: True):
        if key is not None and self.key == key and self.value is not None:
            return self.value
        if self._running is None or self._running.done():
            self._running = asyncio.ensure_future(self._compute(key, compute, keep))
        return await asyncio.shield(self._running)

    async def _compute(self, key, compute, keep):
        self.computations += 1
        value = await compute()
        if key is not None and keep(value):
            self.key, self.value = key, value
        return value


class FrontPage:
    """What one Datasette keeps: data versions, the summary per database, the page."""

    def __init__(self):
        self.versions = DataVersions()
        self.summaries: dict[str, Cached] = {}
        self.page = Cached()


_STATE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def state(datasette) -> FrontPage:
    found = _STATE.get(datasette)
    if found is None:
        found = _STATE[datasette] = FrontPage()
    return found


async def corpus(datasette, db) -> dict:
    """The summary of `db` (pages.corpus), computed again only after a write; a fresh
    dict each time, so a caller may add to it."""
    front = state(datasette)
    cached = front.summaries.setdefault(db.name, Cached())
    return dict(await cached.get(front.versions.version(db), lambda: pages.corpus(db, datasette.urls)))


# --- the whole front page, for anonymous visitors (through the plugin's asgi_wrapper) -----

SAFE_COOKIES = {"ds_csrftoken"}  # shown on the front page only to a signed-in actor


def _anonymous(scope) -> bool:
    """A request whose front page is everyone's: no credentials, no messages."""
    for name, value in scope.get("headers") or []:
        name = bytes(name).lower()
        if name == b"authorization":
            return False
        if name == b"cookie":
            cookies = {c.split("=", 1)[0].strip() for c in bytes(value).decode("latin-1").split(";") if c.strip()}
            if cookies - SAFE_COOKIES:
                return False
    return True


def _actors_from_plugins() -> bool:
    """Whether an installed plugin may find an actor in a request (its own header...);
    Datasette's own (datasette.actor_auth_cookie) reads the ds_actor cookie, which
    `_anonymous` already turns away."""
    from datasette.plugins import get_plugins  # not at the top: see quotes.web._plugin_name

    return any("actor_from_request" in p.get("hooks", []) for p in get_plugins()
               if not p["name"].startswith("datasette."))


class FrontPageCache:
    """ASGI middleware: GET / (no query string) for an anonymous visitor, answered from
    the last 200 response while no database has changed (DataVersions); everything else
    passes through."""

    def __init__(self, app, datasette):
        self.app, self.datasette = app, datasette
        self._plugins_may_sign_in: bool | None = None

    def key(self) -> tuple | None:
        versions = state(self.datasette).versions
        key = []
        for name, db in self.datasette.databases.items():
            if name.startswith("_"):  # Datasette's own (_internal, _memory): not on the page
                continue
            version = versions.version(db)
            if version is None:
                return None
            key.append((name, version))
        return tuple(key)

    def cacheable(self, scope) -> bool:
        if scope["type"] != "http" or scope.get("method") != "GET" or scope.get("query_string"):
            return False
        if scope.get("path") != self.datasette.urls.path("/") or not _anonymous(scope):
            return False
        if self._plugins_may_sign_in is None:
            self._plugins_may_sign_in = _actors_from_plugins()
        return not self._plugins_may_sign_in

    async def __call__(self, scope, receive, send):
        if not self.cacheable(scope):
            return await self.app(scope, receive, send)
        key = self.key()
        if key is None:
            return await self.app(scope, receive, send)

        async def render() -> tuple[dict, list[bytes]]:
            start, body = {}, []

            async def capture(event):
                if event["type"] == "http.response.start":
                    start.update(event)
                elif event["type"] == "http.response.body":
                    body.append(event.get("body", b""))

            await self.app(scope, receive, capture)
            return start, body

        def keep(response) -> bool:
            start, _ = response
            return start.get("status") == 200 and not any(
                bytes(k).lower() == b"set-cookie" for k, _ in start.get("headers", []))

        start, body = await state(self.datasette).page.get(key, render, keep)
        await send(dict(start))
        await send({"type": "http.response.body", "body": b"".join(body)})
