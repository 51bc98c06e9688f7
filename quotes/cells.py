"""HTML for table cells in Datasette: quote rows link to their article and speaker.

Called by plugins/quote_links.py. Works for any database name and returns None (let
Datasette render) for every table and column it does not know.
"""
from __future__ import annotations

from markupsafe import Markup, escape

QUOTE_TABLES = {"quotes", "quotes_view"}


def _raw(value):
    """A foreign-key cell arrives expanded as {"value": ..., "label": ...}."""
    return value.get("value") if isinstance(value, dict) else value


def _label(value):
    return value.get("label") if isinstance(value, dict) else None


def _link(href: str, text) -> Markup:
    return Markup('<a href="{}">{}</a>').format(href, text)


def quote_cell(row, value, column: str, table: str | None, database: str, urls) -> Markup | None:
    """Article cells show the article's title, speaker cells link to the person.

    `urls` is `datasette.urls`; `row` is the row as Datasette passes it (keys may be
    missing or expanded foreign keys).
    """
    if table not in QUOTE_TABLES or value in (None, ""):
        return None
    get = row.get if hasattr(row, "get") else (lambda k: row[k] if k in row.keys() else None)
    if column == "article_id":
        article_id = _raw(value)
        title = _label(value) or get("article_title") or article_id
        return _link(urls.row(database, "articles", _tilde(article_id)), escape(title))
    if column == "speaker_id":
        entity_id = _raw(value)
        name = _label(value) or get("speaker_name") or entity_id
        return _link(urls.row(database, "entities", _tilde(entity_id)), escape(name))
    if column == "speaker_name":
        entity_id = _raw(get("speaker_id"))
        if entity_id in (None, ""):
            return None
        return _link(urls.row(database, "entities", _tilde(entity_id)), escape(value))
    return None


def _tilde(value) -> str:
    from datasette.utils import tilde_encode

    return tilde_encode(str(value))
