"""Pages for an article in context and for a speaker, with .json versions (quotes.routes)."""
from datasette import hookimpl

from quotes.routes import routes


@hookimpl
def register_routes(datasette):
    return routes()
