"""HTML for table cells in Datasette: quotes link to their place in the article, people
to their speaker page, articles to the article with its quotes highlighted.

Called by the plugin's render_cell (quotes/web/). Works for any database name (links carry `?db=NAME`
unless it is `quotes`) and returns None (let Datasette render) for every table and
column it does not know. Canned queries (table None) get the same links when their
rows carry the ids: `quote_id` (or `claim_id`) and `article_id` beside `text`, `speaker_id` beside
`speaker_name`, `article_id` beside `article`, `subject_id` beside `subject_name`,
`group_key` beside `text` (the quote group page), `quote_id` and `quote_article_id`
beside `quote`.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup, escape

from quotes.web.pages import article_url, group_url, speaker_url

QUOTE_TABLES = {"quotes", "quotes_view"}
# (table, column) -> the column holding the entity id the cell's value names.
PERSON_CELLS = {
    ("quotes", "speaker_id"): "speaker_id",
    ("quotes", "speaker_name"): "speaker_id",
    ("quotes_view", "speaker_id"): "speaker_id",
    ("quotes_view", "speaker_name"): "speaker_id",
    ("entities", "name"): "id",
    ("aliases", "entity_id"): "entity_id",
    ("claims", "subject_id"): "subject_id",
    ("claims", "subject_name"): "subject_id",
    ("roles", "entity_id"): "entity_id",
    ("quote_mentions", "entity_id"): "entity_id",
    (None, "speaker_name"): "speaker_id",
    (None, "subject_name"): "subject_id",
    (None, "name"): "entity_id",
    ("article_entities", "entity_id"): "entity_id",
    ("quote_groups", "first_speaker_id"): "first_speaker_id",
    ("quote_groups", "first_speaker_name"): "first_speaker_id",
    ("claim_groups", "subject_id"): "subject_id",
    ("claim_groups", "subject_name"): "subject_id",
    ("claim_followups", "subject_id"): "subject_id",
    ("role_timeline", "entity_id"): "entity_id",
    ("role_timeline", "name"): "entity_id",
    ("role_timeline", "organization_id"): "organization_id",
    ("role_timeline", "organization"): "organization_id",
}
# (table, column) -> the column holding the article id.
ARTICLE_CELLS = {
    ("quotes", "article_id"): "article_id",
    ("quotes_view", "article_id"): "article_id",
    ("quotes_view", "article_title"): "article_id",
    ("articles", "id"): "id",
    ("articles", "title"): "id",
    ("claims", "article_id"): "article_id",
    ("roles", "article_id"): "article_id",
    (None, "article"): "article_id",
    ("article_entities", "article_id"): "article_id",
    ("entity_refs", "article_id"): "article_id",
    ("quote_groups", "first_article_id"): "first_article_id",
    ("claim_groups", "first_article_id"): "first_article_id",
}
# (table, column) -> the column holding a quote group's key: linked to its group page.
GROUP_CELLS = {
    ("quote_groups", "key"): "key",
    ("quote_groups", "text"): "key",
    ("quote_group_members", "group_key"): "group_key",
    (None, "group_key"): "group_key",
}


def _raw(value):
    """A foreign-key cell arrives expanded as {"value": ..., "label": ...}."""
    return value.get("value") if isinstance(value, dict) else value


def _label(value):
    return value.get("label") if isinstance(value, dict) else None


def _link(href: str, text, css: str | None = None) -> Markup:
    if css:
        return Markup('<a class="{}" href="{}">{}</a>').format(css, href, text)
    return Markup('<a href="{}">{}</a>').format(href, text)


def _getter(row):
    if hasattr(row, "keys"):
        keys = set(row.keys())
        return lambda k: _raw(row[k]) if k in keys else None
    return lambda k: None


def _blank(value) -> bool:
    return value in (None, "")


@dataclass(frozen=True)
class _Cell:
    """One cell as the rules see it: `get` reads another column of its row (None when
    the row lacks it), `text` is what the link shows (the label of an expanded key)."""
    value: object
    column: str
    table: str | None
    database: str
    urls: object
    get: Callable[[str], object]

    @property
    def text(self):
        return _label(self.value) or _raw(self.value)

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.table, self.column)


def _is_quote_text(cell: _Cell) -> bool:
    return cell.column == "text" and (cell.table in QUOTE_TABLES or (cell.table is None and bool(cell.get("quote_id"))))


def _quote_text(cell: _Cell) -> Markup | None:
    """A quote's words: to the quote highlighted in its article (a table row's own id,
    a query row's quote_id)."""
    quote_id = cell.get("id") if cell.table else cell.get("quote_id")
    article_id = cell.get("article_id")
    if not (quote_id and article_id):
        return None
    return _link(article_url(cell.urls, article_id, cell.database, quote=quote_id),
                 escape(cell.text), "quote-in-context")


def _is_claim_text(cell: _Cell) -> bool:
    return cell.column == "text" and (cell.table == "claims" or (cell.table is None and bool(cell.get("claim_id"))))


def _claim_text(cell: _Cell) -> Markup | None:
    claim_id = cell.get("id") if cell.table else cell.get("claim_id")
    if not (claim_id and cell.get("article_id")):
        return None
    return _link(article_url(cell.urls, cell.get("article_id"), cell.database, claim=claim_id),
                 escape(cell.text), "claim-in-context")


def _is_query_quote(cell: _Cell) -> bool:
    return (cell.table is None and cell.column == "quote"
            and bool(cell.get("quote_id")) and bool(cell.get("quote_article_id")))


def _query_quote(cell: _Cell) -> Markup:
    return _link(article_url(cell.urls, cell.get("quote_article_id"), cell.database, quote=cell.get("quote_id")),
                 escape(cell.text), "quote-in-context")


def _is_query_group_text(cell: _Cell) -> bool:
    return cell.table is None and cell.column == "text" and bool(cell.get("group_key"))


def _query_group_text(cell: _Cell) -> Markup:
    return _link(group_url(cell.urls, cell.get("group_key"), cell.database), escape(cell.text), "quote-group")


def _group_cell(cell: _Cell) -> Markup | None:
    group_key = cell.get(GROUP_CELLS[cell.key])
    if _blank(group_key):
        return None
    return _link(group_url(cell.urls, group_key, cell.database), escape(cell.text), "quote-group")


def _person_cell(cell: _Cell) -> Markup | None:
    """An id cell names the entity itself; a name cell links through its row's id column.
    A bare speaker_id shows the row's speaker_name."""
    column = cell.column
    entity_id = _raw(cell.value) if column.endswith("_id") or column == "id" else cell.get(PERSON_CELLS[cell.key])
    if _blank(entity_id):
        return None
    text = cell.text
    if column == "speaker_id" and not _label(cell.value) and cell.get("speaker_name"):
        text = cell.get("speaker_name")
    return _link(speaker_url(cell.urls, entity_id, cell.database), escape(text), "speaker")


def _article_cell(cell: _Cell) -> Markup | None:
    """A bare article_id shows the row's article_title when it has one."""
    article_id = _raw(cell.value) if cell.column.endswith("id") else cell.get(ARTICLE_CELLS[cell.key])
    if _blank(article_id):
        return None
    text = cell.text
    if cell.column == "article_id" and not _label(cell.value):
        text = cell.get("article_title") or text
    return _link(article_url(cell.urls, article_id, cell.database), escape(text), "article")


# The first rule that applies decides the cell, even when it renders nothing: a quote's
# text without its ids is Datasette's plain text, not a group link.
RULES: list[tuple[Callable[[_Cell], bool], Callable[[_Cell], Markup | None]]] = [
    (_is_quote_text, _quote_text),
    (_is_claim_text, _claim_text),
    (_is_query_quote, _query_quote),
    (_is_query_group_text, _query_group_text),
    (lambda cell: cell.key in GROUP_CELLS, _group_cell),
    (lambda cell: cell.key in PERSON_CELLS, _person_cell),
    (lambda cell: cell.key in ARTICLE_CELLS, _article_cell),
]


def quote_cell(row, value, column: str, table: str | None, database: str, urls) -> Markup | None:
    """The cell's HTML, or None for Datasette's own rendering.

    `urls` is `datasette.urls`; `row` is the row as Datasette passes it (keys may be
    missing, foreign keys may arrive expanded).
    """
    if _blank(value) or _blank(_raw(value)):
        return None
    cell = _Cell(value, column, table, database, urls, _getter(row))
    for applies, render in RULES:
        if applies(cell):
            return render(cell)
    return None
