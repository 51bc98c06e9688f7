"""A facet the table shows by default, asked for again in the URL, is one facet.

`?_facet=publisher` on a table whose metadata already facets by publisher (as a counted
facet, quotes/web/counted_facets.py) makes Datasette 0.65 compute the column a second
time, with Datasette's own column facet, and return it as "publisher_2": drawn twice on
the page, listed twice in the JSON, counted twice. The front page's tiles link to such
URLs. This ASGI middleware (the plugin's asgi_wrapper hook) drops, from a table's URL,
every `_facet` that names one of the table's default facets, before Datasette reads it;
any other request passes through untouched.
"""
from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from datasette.utils import tilde_decode

EXTENSIONS = (".json", ".csv")


def default_facet_columns(facets) -> set[str]:
    """The columns of a table's metadata facets: "kind", {"counted": "publisher"}, ..."""
    columns = set()
    for facet in facets or ():
        if isinstance(facet, str):
            columns.add(facet)
        elif isinstance(facet, dict):
            columns.update(v for v in facet.values() if isinstance(v, str))
    return columns


class OneFacetPerColumn:
    """ASGI middleware: `_facet=COLUMN` left out of a table's URL when the table already
    facets by COLUMN."""

    def __init__(self, app, datasette):
        self.app, self.datasette = app, datasette

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and b"_facet=" in scope.get("query_string", b""):
            scope = self._without_repeats(scope)
        return await self.app(scope, receive, send)

    def _without_repeats(self, scope: dict) -> dict:
        parts = scope.get("path", "").strip("/").split("/")
        if len(parts) != 2:
            return scope
        database, table = (tilde_decode(p) for p in parts)
        for extension in EXTENSIONS:
            if table.endswith(extension):
                table = table[: -len(extension)]
        if database not in self.datasette.databases:
            return scope
        defaults = default_facet_columns(self.datasette.metadata("facets", database=database, table=table))
        try:
            query = scope["query_string"].decode("ascii")  # percent-encoded, as browsers send it
        except UnicodeDecodeError:
            return scope
        pairs = parse_qsl(query, keep_blank_values=True)
        kept = [(k, v) for k, v in pairs if not (k == "_facet" and v in defaults)]
        if len(kept) == len(pairs):
            return scope
        return {**scope, "query_string": urlencode(kept).encode("ascii")}
