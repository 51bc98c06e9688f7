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


def quote_cell(row, value, column: str, table: str | None, database: str, urls) -> Markup | None:
    """The cell's HTML, or None for Datasette's own rendering.

    `urls` is `datasette.urls`; `row` is the row as Datasette passes it (keys may be
    missing, foreign keys may arrive expanded).
    """
    if value in (None, "") or _raw(value) in (None, ""):
        return None
    get = _getter(row)
    text = _label(value) or _raw(value)

    if column == "text" and (table in QUOTE_TABLES or (table is None and get("quote_id"))):
        quote_id = get("id") if table else get("quote_id")
        article_id = get("article_id")
        if quote_id and article_id:
            return _link(article_url(urls, article_id, database, quote=quote_id), escape(text), "quote-in-context")
        return None
    if column == "text" and (table == "claims" or (table is None and get("claim_id"))):
        claim_id = get("id") if table else get("claim_id")
        if claim_id and get("article_id"):
            return _link(article_url(urls, get("article_id"), database, claim=claim_id), escape(text), "claim-in-context")
        return None

    if table is None and column == "quote" and get("quote_id") and get("quote_article_id"):
        return _link(article_url(urls, get("quote_article_id"), database, quote=get("quote_id")),
                     escape(text), "quote-in-context")
    if table is None and column == "text" and get("group_key"):
        return _link(group_url(urls, get("group_key"), database), escape(text), "quote-group")

    key = (table if table is not None else None, column)
    if key in GROUP_CELLS:
        group_key = get(GROUP_CELLS[key])
        if group_key in (None, ""):
            return None
        return _link(group_url(urls, group_key, database), escape(text), "quote-group")
    if key in PERSON_CELLS:
        entity_id = _raw(value) if column.endswith("_id") or column == "id" else get(PERSON_CELLS[key])
        if entity_id in (None, ""):
            return None
        if column.endswith("_id") and not _label(value):
            text = get("speaker_name") if column == "speaker_id" and get("speaker_name") else text
        return _link(speaker_url(urls, entity_id, database), escape(text), "speaker")
    if key in ARTICLE_CELLS:
        article_id = _raw(value) if column.endswith("id") else get(ARTICLE_CELLS[key])
        if article_id in (None, ""):
            return None
        if column == "article_id" and not _label(value):
            text = get("article_title") or text
        return _link(article_url(urls, article_id, database), escape(text), "article")
    return None
