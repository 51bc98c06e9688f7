"""A whole document already in memory, in a known format, to records: the one place
that maps a format to its reader, for files and fetched URLs alike."""
from __future__ import annotations

import io
from collections.abc import Iterator

from quotes.model import Article, ReadError, ReadNote
from quotes.readers.encoding import DecodeError, decode_bytes, encoding_note
from quotes.readers.feed import read_feed
from quotes.readers.html import iter_html
from quotes.readers.jsonl import read_jsonl_stream
from quotes.readers.text import read_text
from quotes.readers.warc import read_warc


def read_bytes(
    data: bytes, source: str, fmt: str, url: str | None = None, charset: str | None = None
) -> Iterator[Article | ReadError | ReadNote]:
    """A whole document (a file, a fetched URL) in a known format.

    `url` is where it came from (relative links resolve against it; an article
    without a URL of its own gets it) and `charset` what an HTTP header declared.
    """
    if fmt == "html":
        yield from iter_html(data, source, url=url, charset=charset)
    elif fmt == "feed":
        yield from read_feed(data, source, base_url=url, charset=charset)
    elif fmt == "warc":
        yield from read_warc(io.BytesIO(data), source)
    elif fmt == "jsonl":
        yield from read_jsonl_stream(data, io.BytesIO(b""), source)
    else:
        yield from _read_text(data, source, markdown=fmt == "markdown")


def _read_text(data: bytes, source: str, markdown: bool) -> Iterator[Article | ReadError | ReadNote]:
    try:
        text, guessed = decode_bytes(data)
    except DecodeError as error:
        yield ReadError(source, str(error))
        return
    record = read_text(text, source, markdown=markdown)
    if guessed and isinstance(record, Article):
        yield encoding_note(source, guessed)
    yield record
