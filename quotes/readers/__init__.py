"""Readers: inputs (files, directories, stdin, URLs) -> Article records.

    for path in iter_sources(["articles/", "extra.jsonl", "https://example.com/a"]):
        for record in read_source(path):
            ...  # Article, ReadError (load_log "error") or ReadNote (load_log "ok")

A reader never raises for bad input and never touches the database: every input
gives at least one record, so the loader can log it and nothing fails silently.
The format comes from `fmt`, else the file extension (or a URL's Content-Type),
else the content (sniff.py). Formats: text, markdown, jsonl (text.py, jsonl.py), html
(html.py), feed (RSS/Atom, feed.py), warc (WARC and WARC.gz, warc.py); http(s) URLs
are fetched by url.py and then read as whatever they turn out to be.

The modules import one another downwards only: source.py (one input) uses url.py and
document.py (bytes in a known format), which use the format readers. This package
only gathers their public names; no module in it imports it back.
"""
from __future__ import annotations

from quotes.model import ReadNote
from quotes.readers.document import read_bytes
from quotes.readers.encoding import decode_bytes, encoding_note
from quotes.readers.limited import read_within_limits
from quotes.readers.sniff import EXTENSIONS, FORMATS, STDIN, detect_format, is_url, sniff_format
from quotes.readers.source import read_source
from quotes.readers.walk import iter_sources

__all__ = [
    "EXTENSIONS",
    "FORMATS",
    "STDIN",
    "ReadNote",
    "decode_bytes",
    "detect_format",
    "encoding_note",
    "is_url",
    "iter_sources",
    "read_bytes",
    "read_source",
    "read_within_limits",
    "sniff_format",
]
