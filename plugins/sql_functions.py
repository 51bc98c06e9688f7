"""SQL functions for queries on the quotes database: quote_context(body, start, end[, chars])."""
from datasette import hookimpl

from quotes.highlight import context


@hookimpl
def prepare_connection(conn):
    conn.create_function("quote_context", 3, context, deterministic=True)
    conn.create_function("quote_context", 4, context, deterministic=True)
