"""Where the databases live on the server's disk stays on the server.

Datasette's /-/databases page (HTML and .json) lists every database with the absolute
path of its file: on a public deployment that tells a visitor the server's directory
layout and user names. This ASGI middleware (the plugin's asgi_wrapper hook) rewrites
those responses only, putting each database's file name where its path was; every
other response passes through untouched and unbuffered. (pragma_database_list, the same
path through SQL, is hidden by quotes.web.guard.)
"""
from __future__ import annotations

import json
from pathlib import Path

PAGES = ("/-/databases", "/-/databases.json")


def path_replacements(paths: list[str]) -> list[tuple[bytes, bytes]]:
    """(as written in the page, file name) for each path, longest first, in the forms a
    page may carry it: as is, and as a JSON string holds it (backslashes doubled)."""
    pairs = set()
    for path in paths:
        name = Path(path).name
        for form in (path, json.dumps(path)[1:-1]):
            if form != name:
                pairs.add((form.encode(), name.encode()))
    return sorted(pairs, key=lambda pair: -len(pair[0]))


class HideDatabasePaths:
    """ASGI middleware: the /-/databases pages with file names instead of paths."""

    def __init__(self, app, datasette):
        self.app, self.datasette = app, datasette

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("path") not in PAGES:
            return await self.app(scope, receive, send)
        start: dict = {}
        body = bytearray()

        async def buffered(event):
            if event["type"] == "http.response.start":
                start.update(event)
                return
            if event["type"] == "http.response.body":
                body.extend(event.get("body", b""))
                if event.get("more_body"):
                    return
                await self._send(send, start, bytes(body))
                return
            await send(event)

        await self.app(scope, receive, buffered)

    async def _send(self, send, start: dict, body: bytes) -> None:
        paths = [db.path for db in self.datasette.databases.values() if db.path]
        for path, name in path_replacements(paths):
            body = body.replace(path, name)
        headers = [(k, v) for k, v in start.get("headers", []) if bytes(k).lower() != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": body})
