"""The project's stylesheet (plugins/static/quotes.css) on every page, at /-/quotes/quotes.css."""
from pathlib import Path

from datasette import hookimpl

from quotes.routes import StaticFile

CSS = StaticFile(Path(__file__).resolve().parent / "static" / "quotes.css", "text/css; charset=utf-8")


@hookimpl
def register_routes(datasette):
    return [(r"^/-/quotes/quotes\.css$", CSS.view)]


@hookimpl
def extra_css_urls(datasette):
    return [datasette.urls.path("/-/quotes/quotes.css") + "?" + CSS.version]
