"""The quotes Datasette plugin: pages, links, facets and configuration for any database
`quotes` made, whatever its file name.

Installed with the package, it is registered through the `datasette` entry point in
pyproject.toml, so `datasette serve news.db` is all it takes. Datasette itself puts
templates/ on its template path (after any --template-dir) and serves static/ at
/-/static-plugins/quotes/; metadata.yml here is the configuration (quotes.web.config)
it gives each database it recognises by its schema (quotes.web.recognise). From a
checkout that is not installed, plugins/quotes_web.py registers this same module
(`--plugins-dir plugins`).

Each hook is a few lines calling the quotes package: the pages are quotes.web.routes and
quotes.web.pages, the cells quotes.web.cells, the facet types quotes.web.counted_facets
(column facets from quotes.store.facet_counts) and quotes.web.facets (many-to-many). A
database that is not ours gets nothing: no metadata, links, stylesheet or front-page
figures (the pages answer 404).
"""
from __future__ import annotations

import functools
import hashlib
from importlib.resources import files

from datasette import hookimpl

from quotes.web.cells import quote_cell
from quotes.web.columns import secondary_columns
from quotes.web.display import quoted
from quotes.web.counted_facets import CountedFacet
from quotes.web.facets import ManyToManyFacet
from quotes.web import default_facets, headers, hide_paths, summary
from quotes.web.guard import protect
from quotes.web.highlight import context
from quotes.web.routes import front_page_vars, routes
from quotes.web.config import for_databases
from quotes.web.recognise import is_quotes_database, quotes_databases

STYLESHEET = "quotes.css"


@hookimpl
def get_metadata(datasette, key, database, table):
    """metadata.yml's configuration for every database `quotes` made (any name)."""
    return for_databases(quotes_databases(datasette))


@hookimpl
def register_routes(datasette):
    """/-/quotes/article/ID, /-/quotes/speaker/ID[/timeline], /-/quotes/group/KEY, .json."""
    return routes()


@hookimpl
def register_facet_classes():
    """The counted facet type (column facets read from materialised counts, configured in
    metadata.yml) and the m2m type (on quotes, the people each quote is about)."""
    return [CountedFacet, ManyToManyFacet]


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    """Quotes link to their place in the article, people to their speaker page."""
    db = datasette.databases.get(database)
    if db is None or not is_quotes_database(db):
        return None
    return quote_cell(row, value, column, table, database, datasette.urls)


@hookimpl
def extra_template_vars(view_name, request, datasette, database, table, columns):
    """`quotes_corpus` on the front page: the corpus at a glance (templates/index.html);
    `quotes_secondary_columns` on our tables: those shown one click away (templates/table.html)."""
    if view_name == "table":
        db = datasette.databases.get(database) if database else None
        if db is None or not is_quotes_database(db):
            return {}
        return {"quotes_secondary_columns": secondary_columns(table, columns, request.args if request else {})}
    if view_name != "index":
        return {}
    async def inner():
        return await front_page_vars(datasette, request)

    return inner


@hookimpl
def prepare_connection(conn):
    """quote_context(body, start, end[, chars]) for queries (quotes/web/highlight.py), and
    limits on what a visitor's SQL may cost or show (quotes/web/guard.py)."""
    conn.create_function("quote_context", 3, context, deterministic=True)
    conn.create_function("quote_context", 4, context, deterministic=True)
    protect(conn)


@hookimpl
def asgi_wrapper(datasette):
    """Content-Security-Policy, X-Content-Type-Options and X-Frame-Options on every
    response, stricter on the project's pages (quotes/web/headers.py); the front page
    kept until the data changes (quotes/web/summary.py); no database file's path on
    /-/databases (quotes/web/hide_paths.py); a default facet asked for again in a
    table's URL computed once (quotes/web/default_facets.py)."""
    return lambda app: headers.SecurityHeaders(
        hide_paths.HideDatabasePaths(summary.FrontPageCache(
            default_facets.OneFacetPerColumn(app, datasette), datasette), datasette), datasette)


@hookimpl
def prepare_jinja2_environment(env, datasette):
    """The `quoted` filter: a quote's words in quote marks, or marked as paraphrase."""
    env.filters["quoted"] = quoted


@hookimpl
def extra_css_urls(database, datasette):
    """static/quotes.css on the pages of our databases, our own pages and the front page."""
    if database is not None:
        db = datasette.databases.get(database)
        if db is None or not is_quotes_database(db):
            return []
    elif not quotes_databases(datasette):
        return []
    return [datasette.urls.static_plugins(_plugin_name(), STYLESHEET) + "?" + _version()]


@functools.cache
def _version() -> str:
    """A content hash of the stylesheet, so a new version is fetched at once."""
    return hashlib.sha1((files(__name__) / "static" / STYLESHEET).read_bytes()).hexdigest()[:8]


@functools.cache
def _plugin_name() -> str:
    """The name Datasette serves static/ under: the distribution's (`quotes`) when
    installed, the module's (`quotes.web`) when registered from plugins/."""
    # Not at the top: the entry point is loaded while datasette.plugins is being
    # imported, before it defines get_plugins.
    from datasette.plugins import get_plugins

    static = str(files(__name__) / "static")
    for plugin in get_plugins():
        if plugin["static_path"] == static:
            return plugin["name"]
    return "quotes"
