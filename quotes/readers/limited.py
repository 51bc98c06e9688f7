"""read_source for the loader: within quotes.limits, never raising, storable."""
from __future__ import annotations

from collections.abc import Iterator

from quotes.limits import Limits, TimeLimitExceeded, article_problem, storable, time_limit
from quotes.model import Article, ReadError, ReadNote
from quotes.readers.sniff import is_url
from quotes.readers.source import read_source
from quotes.readers.url import Fetcher


def read_within_limits(source: str, fmt: str | None = None, fetcher: Fetcher | None = None,
                       limits: Limits | None = None, read=read_source) -> Iterator[Article | ReadError | ReadNote]:
    """read_source(source) for the loader: never raises, never stalls, never oversized.

    Reading one record may take `limits.seconds` (downloads have their own limits in
    quotes.readers.url, so URLs are not timed here); past it, the rest of the input is
    skipped with an error. A reader that raises ends its input with an error. Articles
    over `limits.max_chars`, or whose text holds NUL characters, become errors here, so
    neither a worker nor the writer spends time on them. `read` is the reader (a test
    passes one that stalls or raises).
    """
    limits = limits or Limits()
    records = read(source, fmt=fmt, fetcher=fetcher, max_bytes=limits.max_bytes or 0)
    seconds = None if is_url(source) else limits.seconds
    done = object()
    while True:
        try:
            with time_limit(seconds):
                record = next(records, done)
        except TimeLimitExceeded:
            records.close()
            yield ReadError(source, f"reading took longer than the {seconds:g} s limit; "
                                    "the rest of this input was skipped (--time-limit)")
            return
        except Exception as error:  # a reader bug must not stop the whole load
            yield ReadError(source, f"reader failed: {type(error).__name__}: {error}")
            return
        if record is done:
            return
        yield _storable(record, limits)


def _storable(record: Article | ReadError | ReadNote, limits: Limits) -> Article | ReadError | ReadNote:
    """The record with text SQLite can store; an article past the limits, an error."""
    record.source = storable(record.source)
    if isinstance(record, Article):
        record.body = storable(record.body)
        for name in ("title", "url", "publisher", "published", "author", "section", "source_id"):
            value = getattr(record, name)
            if isinstance(value, str):
                setattr(record, name, storable(value).replace("\x00", "") or None)
        if problem := article_problem(record, limits):
            record = ReadError(record.source, problem)
    elif isinstance(record, ReadError):
        record.error = storable(record.error)
    else:
        record.message = storable(record.message)
    return record
