"""The Datasette views behind the project's pages, registered by the plugin (quotes/web/).

    /-/quotes/article/<id>        the article, quotes highlighted by speaker, claims underlined
    /-/quotes/article/<id>.json   the same as JSON (body, quotes with offsets, claims)
    /-/quotes/speaker/<id>        a person or organisation: aliases, roles, timeline, quotes
    /-/quotes/speaker/<id>.json   the same as JSON
    /-/quotes/speaker/<id>/timeline[.json]  quotes, claims and roles in date order
    /-/quotes/group/<key>[.json]  one quote across every article that printed it
    /-/quotes/summary.json        the corpus at a glance (the front page's figures)

`?db=NAME` picks the database when several are served; by default it is the one
named `quotes`, else the first with a `quotes` table. The pages check Datasette's
view permissions on the tables they read, like Datasette's own pages. An id that
names nothing is a 404, whatever it holds (too big for SQLite, negative, NUL, not
UTF-8): tests/test_web_security.py fuzzes every route of `routes()`.
"""
from __future__ import annotations

import urllib.parse

from datasette.utils.asgi import NotFound, Response

from quotes.web import pages, summary

# SQLite's INTEGER is 64-bit signed: a bigger id cannot name a row (and would not bind).
_SQLITE_INT = range(-2**63, 2**63)


async def _database(datasette, request, tables: tuple[str, ...]):
    name = request.args.get("db") or None
    db = await pages.quotes_database(datasette, name)
    if db is None:
        what = f"database {name!r} with" if name else "database with"
        raise NotFound(f"No {what} a quotes table (load articles with `quotes load`)")
    await datasette.ensure_permissions(request.actor, [
        *(("view-table", (db.name, t)) for t in tables),
        ("view-database", db.name),
        "view-instance",
    ])
    return db


def _id(request) -> str:
    return urllib.parse.unquote(request.url_vars["id"])


async def article_view(datasette, request):
    db = await _database(datasette, request, ("articles", "quotes", "claims"))
    focus = request.args.get("quote") or None
    page = await pages.article(db, datasette.urls, _id(request), focus=focus)
    if page is None:
        raise NotFound("No such article")
    if request.url_vars.get("format") == "json":
        return Response.json(pages.article_json(page))
    return Response.html(await datasette.render_template(
        "quotes_article.html", dict(page, title=page["article"]["title"] or page["article"]["id"]),
        request=request, view_name="quotes_article"))


def _entity_id(request) -> int:
    """The speaker id as an integer SQLite can hold; 404 for anything else."""
    try:
        value = int(_id(request))
    except ValueError:
        raise NotFound("No such speaker") from None
    if value not in _SQLITE_INT:
        raise NotFound("No such speaker")
    return value


def _page_number(request) -> int:
    """?page=N of a paged list: 1 when absent or not a small positive number."""
    value = request.args.get("page") or ""
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else 1


async def _page(datasette, request, page: dict | None, view: str, as_json=lambda page: page):
    """The page as JSON (a .json URL) or through its template (quotes_VIEW.html); 404 if none."""
    if page is None:
        raise NotFound("No such speaker")
    if request.url_vars.get("format") == "json":
        return Response.json(as_json(page))
    return Response.html(await datasette.render_template(
        f"quotes_{view}.html", page, request=request, view_name=f"quotes_{view}"))


async def speaker_view(datasette, request):
    db = await _database(datasette, request, ("entities", "quotes", "claims", "roles"))
    page = await pages.speaker(db, datasette.urls, _entity_id(request), page=_page_number(request))
    return await _page(datasette, request, page, "speaker", pages.speaker_json)


async def _tracked(db, tables: tuple[str, ...]) -> None:
    """404 on a database made before quote groups existed (`quotes refresh` adds them)."""
    have = set(await db.table_names())
    if not all(t in have for t in tables):
        raise NotFound("This database has no quote groups yet: run `quotes refresh --db FILE`")


async def timeline_view(datasette, request):
    tables = ("entities", "quotes", "claims", "roles", "quote_groups", "claim_groups", "claim_followups")
    db = await _database(datasette, request, tables)
    await _tracked(db, tables)
    page = await pages.speaker_timeline(db, datasette.urls, _entity_id(request))
    return await _page(datasette, request, page, "timeline")


async def group_view(datasette, request):
    tables = ("quotes", "articles", "quote_groups", "quote_group_members", "reviews")
    db = await _database(datasette, request, tables)
    await _tracked(db, tables)
    key = _id(request)
    found = await pages.group_key_for(db, key)
    if found is None:
        raise NotFound("No such quote group")
    fmt = request.url_vars.get("format")
    if found != key:
        return Response.redirect(pages.group_url(datasette.urls, found, db.name, fmt=fmt))
    page = await pages.quote_group(db, datasette.urls, key)
    if fmt == "json":
        return Response.json(pages.quote_group_json(page))
    return Response.html(await datasette.render_template(
        "quotes_group.html", page, request=request, view_name="quotes_group"))


async def summary_view(datasette, request):
    db = await _database(datasette, request, ("articles", "quotes", "entities", "claims"))
    return Response.json(await summary.corpus(datasette, db))


def routes():
    return [
        (r"^/-/quotes/article/(?P<id>[^/]+?)(\.(?P<format>json))?$", article_view),
        (r"^/-/quotes/speaker/(?P<id>[^/]+?)(\.(?P<format>json))?$", speaker_view),
        (r"^/-/quotes/speaker/(?P<id>[^/]+?)/timeline(\.(?P<format>json))?$", timeline_view),
        (r"^/-/quotes/group/(?P<id>[^/]+?)(\.(?P<format>json))?$", group_view),
        (r"^/-/quotes/summary\.json$", summary_view),
    ]


async def front_page_vars(datasette, request) -> dict:
    """Template variables for Datasette's index page: `quotes_corpus`, or nothing when
    no database has our tables or the visitor may not see them."""
    db = await pages.quotes_database(datasette)
    if db is None:
        return {}
    actor = request.actor if request else None
    for table in ("quotes", "articles", "entities"):
        if not await datasette.permission_allowed(actor, "view-table", (db.name, table), default=True):
            return {}
    if not await datasette.permission_allowed(actor, "view-database", db.name, default=True):
        return {}
    corpus = await summary.corpus(datasette, db)
    queries = await datasette.get_canned_queries(db.name, actor)
    corpus["queries"] = [
        {"name": name, "title": q.get("title") or name, "url": datasette.urls.query(db.name, name)}
        for name, q in queries.items()
    ]
    return {"quotes_corpus": corpus}
