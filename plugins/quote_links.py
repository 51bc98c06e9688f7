"""Quote rows link to their article (by title) and to their speaker's entity page."""
from datasette import hookimpl

from quotes.cells import quote_cell


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    return quote_cell(row, value, column, table, database, datasette.urls)
