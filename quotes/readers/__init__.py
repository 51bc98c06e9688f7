"""Readers: inputs (files, directories, stdin, URLs) -> Article records.

    for path in iter_sources(["articles/", "extra.jsonl", "https://example.com/a"]):
        for record in read_source(path):
            ...  # Article, ReadError (load_log "error") or ReadNote (load_log "ok")

A reader never raises for bad input and never touches the database: every input
gives at least one record, so the loader can log it and nothing fails silently.
The format comes from `fmt`, else the file extension (or a URL's Content-Type),
else the content. Formats: text, markdown, jsonl (text.py, jsonl.py), html (html.py),
feed (RSS/Atom, feed.py), warc (WARC and WARC.gz, warc.py); http(s) URLs are
fetched by url.py and then read as whatever they turn out to be.
"""
from __future__ import annotations

import contextlib
import io
import os
import re
import sys
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO

from quotes.model import Article, ReadError
from quotes.readers.encoding import SNIFF_BYTES, DecodeError, binary_reason, decode_bytes, has_utf16_bom

if TYPE_CHECKING:
    from quotes.readers.url import Fetcher

__all__ = [
    "EXTENSIONS",
    "FORMATS",
    "STDIN",
    "ReadNote",
    "decode_bytes",
    "detect_format",
    "is_url",
    "iter_sources",
    "read_bytes",
    "read_source",
]

FORMATS = ("text", "markdown", "jsonl", "html", "feed", "warc")
EXTENSIONS = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",  # one object per line; an array or pretty-printed file is reported
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".shtml": "html",
    ".rss": "feed",
    ".atom": "feed",
    ".xml": "feed",  # in a news folder, an .xml file is a feed; an XHTML page is sniffed
    ".warc": "warc",
    ".warc.gz": "warc",
    ".arc": "warc",
    ".arc.gz": "warc",
}
STDIN = "-"
STDIN_SOURCE = "<stdin>"  # how stdin is named in articles.source and load_log

# Names in a directory that are not articles even though their extension is readable.
_SKIP_SUFFIXES = (".expected.json",)
_SKIP_STEMS = ("readme", "license", "licence", "changelog", "contributing", "notice", "authors")


@dataclass
class ReadNote:
    """Something worth logging about an input that was read anyway (load_log status "ok")."""

    source: str
    message: str


def encoding_note(source: str, encoding: str) -> ReadNote:
    """The note that goes before an article whose encoding had to be guessed."""
    return ReadNote(source, f"not valid UTF-8; decoded as {encoding} (encoding guessed)")


# ------------------------------------------------------------------ sources


def iter_sources(paths: Iterable[str]) -> Iterator[str]:
    """Paths to read: files as given, directories recursed in sorted name order.

    A path that does not exist is yielded anyway so read_source reports it;
    inside directories, hidden entries, expected-output files, READMEs and
    files with extensions no reader handles are skipped. Nothing outside the paths
    given is read: inside a directory, a symbolic link that leads out of it, and
    anything that is not a regular file (a FIFO would block the load), is yielded
    as a refused path, which read_source reports without opening it.
    """
    for path in paths:
        if path != STDIN and os.path.isdir(path):
            yield from _walk(path, set(), os.path.realpath(path))
        else:
            yield path


class Refused(str):
    """A path found in a directory walk that must not be opened; `reason` says why."""

    reason = ""

    def __new__(cls, path: str, reason: str):
        self = super().__new__(cls, path)
        self.reason = reason
        return self


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _walk(directory: str, seen: set[str], root: str) -> Iterator[str]:
    """Depth-first, sorted by name; symlink loops are visited once; never leaves root."""
    real = os.path.realpath(directory)
    if real in seen:
        return
    seen.add(real)
    try:
        entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
    except OSError:
        yield directory  # read_source turns it into a ReadError
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_symlink() and not _inside(os.path.realpath(entry.path), root):
            if entry.is_dir() or _is_article_file(entry.name):
                yield Refused(entry.path, "symbolic link to outside the directory given; not followed")
            continue
        if entry.is_dir():
            yield from _walk(entry.path, seen, root)
        elif _is_article_file(entry.name):
            if entry.is_file():
                yield entry.path
            else:
                yield Refused(entry.path, "not a regular file (a FIFO, socket or device); not read")


def _is_article_file(name: str) -> bool:
    """Readable by extension (or extensionless, so sniffed) and not project furniture."""
    lower = name.lower()
    stem, suffix = os.path.splitext(lower)
    if lower.endswith(_SKIP_SUFFIXES) or lower.endswith("~") or stem in _SKIP_STEMS:
        return False
    return _extension_format(lower) is not None or suffix == ""


def _extension_format(path: str) -> str | None:
    """The format an extension names; two-part ones (".warc.gz") first."""
    lower = path.lower()
    for suffix, fmt in EXTENSIONS.items():
        if suffix.count(".") > 1 and lower.endswith(suffix):
            return fmt
    return EXTENSIONS.get(os.path.splitext(lower)[1])


def is_url(source: str) -> bool:
    """An http(s) address to fetch rather than a path to open."""
    return bool(_URL.match(source))


_URL = re.compile(r"^https?://[^\s/]+", re.IGNORECASE)


# ------------------------------------------------------------------ reading


def detect_format(path: str, head: bytes) -> str:
    """Format by extension, else by content (see sniff_format)."""
    if path != STDIN and (fmt := _extension_format(path)):
        return fmt
    return sniff_format(head)


_FEED_ROOT = re.compile(rb"<(?:[\w-]+:)?(?:rss|feed|RDF)\b")
_HTML_ROOT = re.compile(rb"<(?:!doctype\s+html|html|head|body)\b", re.IGNORECASE)


def sniff_format(head: bytes) -> str:
    """The format the first bytes show.

    "WARC/" (or a gzip member holding it) is a web archive; markup whose first
    element is <rss>, <feed> or <rdf:RDF> is a feed; a doctype or <html> is a page;
    a first non-blank `{` means JSON lines; anything else is text.
    """
    if head.startswith((b"WARC/", b"filedesc://")) or (head.startswith(b"\x1f\x8b") and _gzipped_warc(head)):
        return "warc"
    text = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
    start = text.lstrip()[:1]
    if start == b"{":
        return "jsonl"
    if start == b"<":
        prolog = re.sub(rb"<\?.*?\?>|<!--.*?-->|<!DOCTYPE\s+(?!html)[^>]*>", b"", text[:4096], flags=re.S)
        first = prolog.lstrip()[:200]
        if _FEED_ROOT.match(first):
            return "feed"
        if _HTML_ROOT.match(first) or _HTML_ROOT.search(text[:4096]):
            return "html"
    return "text"


def _gzipped_warc(head: bytes) -> bool:
    try:
        return zlib.decompressobj(wbits=31).decompress(head, 16).startswith((b"WARC/", b"filedesc://"))
    except zlib.error:
        return False


def read_source(
    path: str, fmt: str | None = None, fetcher: Fetcher | None = None,
    max_bytes: int | None = None,
) -> Iterator[Article | ReadError | ReadNote]:
    """Every record one input gives: Articles, a ReadError for each bad part, ReadNotes.

    `path` "-" reads stdin; an http(s) URL is fetched (through `fetcher` when the
    loader started one, so many URLs download concurrently). `fmt` (one of FORMATS)
    overrides detection; an unknown `fmt` is a programming error and raises ValueError.
    `max_bytes` (default quotes.limits.MAX_DOCUMENT_BYTES) bounds what is read whole:
    a file, a JSON line, an archive record; a larger one is a ReadError, unread.
    """
    if fmt is not None and fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if isinstance(path, Refused):
        yield ReadError(str(path), path.reason)
        return
    if is_url(path):
        from quotes.readers.url import read_url

        yield from read_url(path, fmt, fetcher)
        return
    source = STDIN_SOURCE if path == STDIN else path
    try:
        stream = _open(path)
    except OSError as error:
        yield ReadError(source, f"cannot read: {error.strerror or error}")
        return
    if max_bytes is None:
        from quotes.limits import MAX_DOCUMENT_BYTES

        max_bytes = MAX_DOCUMENT_BYTES
    with stream as binary:
        try:
            yield from _read_stream(binary, path, source, fmt, max_bytes)
        except OSError as error:
            yield ReadError(source, f"read failed: {error.strerror or error}")


def _open(path: str) -> contextlib.AbstractContextManager[BinaryIO]:
    """A binary stream; stdin is wrapped so leaving the `with` does not close it."""
    if path == STDIN:
        return contextlib.nullcontext(sys.stdin.buffer)
    return open(path, "rb")


def _read_stream(
    stream: BinaryIO, path: str, source: str, fmt: str | None, max_bytes: int = 0
) -> Iterator[Article | ReadError | ReadNote]:
    """Check the first bytes (empty? binary?), pick the format, hand over to a reader.

    Archives and JSON lines are streamed (the limit is per record, per line); other
    formats are read whole, at most `max_bytes` of them (0: no limit).
    """
    head = stream.read(SNIFF_BYTES)
    fmt = fmt or detect_format(path, head)
    if fmt == "warc" and head:  # binary by nature: streamed, never read whole
        from quotes.readers.warc import read_warc

        yield from read_warc(_Rejoined(head, stream), source, max_bytes=max_bytes or None)
        return
    if problem := _head_problem(head):
        yield ReadError(source, problem)
        return
    if fmt == "jsonl":
        yield from _read_jsonl(head, stream, source, max_bytes)
        return
    data = head + (stream.read(max(0, max_bytes + 1 - len(head))) if max_bytes else stream.read())
    if max_bytes and len(data) > max_bytes:
        from quotes.limits import size

        yield ReadError(source, f"larger than the {size(max_bytes)} limit for one file; not read (--max-size)")
        return
    if fmt != "html" and (nul := data.find(b"\x00")) >= 0 and not has_utf16_bom(data):
        # Only the head was checked so far; NUL is never in text (and cuts SQLite strings).
        yield ReadError(source, f"binary file (contains NUL bytes, the first at offset {nul})")
        return
    yield from read_bytes(data, source, fmt)


def read_bytes(
    data: bytes, source: str, fmt: str, url: str | None = None, charset: str | None = None
) -> Iterator[Article | ReadError | ReadNote]:
    """A whole document already in memory (a file, a fetched URL) in a known format.

    `url` is where it came from (relative links resolve against it; an article
    without a URL of its own gets it) and `charset` what an HTTP header declared.
    """
    if fmt == "html":
        from quotes.readers.html import iter_html

        yield from iter_html(data, source, url=url, charset=charset)
    elif fmt == "feed":
        from quotes.readers.feed import read_feed

        yield from read_feed(data, source, base_url=url, charset=charset)
    elif fmt == "warc":
        from quotes.readers.warc import read_warc

        yield from read_warc(io.BytesIO(data), source)
    elif fmt == "jsonl":
        yield from _read_jsonl(data, io.BytesIO(b""), source)
    else:
        yield from _read_text(data, source, markdown=fmt == "markdown")


class _Rejoined(io.RawIOBase):
    """The already-read head, then the rest of the stream: a file-like for warcio."""

    def __init__(self, head: bytes, stream: BinaryIO):
        self._head = memoryview(head)
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._head:
            size = min(len(buffer), len(self._head))
            buffer[:size] = self._head[:size]
            self._head = self._head[size:]
            return size
        data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _head_problem(head: bytes) -> str | None:
    """Why the input cannot be an article judging by its first bytes, or None."""
    if not head:
        return "empty file"
    if len(head) < SNIFF_BYTES and not head.removeprefix(b"\xef\xbb\xbf").strip():
        return "empty file (only whitespace)"
    return binary_reason(head)


def _read_text(data: bytes, source: str, markdown: bool) -> Iterator[Article | ReadError | ReadNote]:
    from quotes.readers.text import read_text

    try:
        text, guessed = decode_bytes(data)
    except DecodeError as error:
        yield ReadError(source, str(error))
        return
    record = read_text(text, source, markdown=markdown)
    if guessed and isinstance(record, Article):
        yield encoding_note(source, guessed)
    yield record


def _read_jsonl(head: bytes, stream: BinaryIO, source: str, max_bytes: int = 0) -> Iterator[Article | ReadError | ReadNote]:
    from quotes.readers.jsonl import read_jsonl

    if has_utf16_bom(head):
        yield ReadError(source, "UTF-16 JSON lines are not supported; convert the file to UTF-8")
        return
    yield from read_jsonl(_lines(head, stream, max_bytes), source, max_bytes=max_bytes or None)


def _lines(head: bytes, stream: BinaryIO, max_bytes: int = 0) -> Iterator[bytes]:
    """The stream's lines, the already-read head first, without reading it all.

    With `max_bytes`, a longer line comes out cut to max_bytes + 1 bytes (so the
    reader can tell it was too long) and the rest of it is skipped unread into memory.
    """
    limit = max_bytes + 1 if max_bytes else -1
    pieces = head.split(b"\n")
    tail = pieces.pop()
    for piece in pieces:
        yield piece[:limit] + b"\n" if max_bytes and len(piece) >= limit else piece + b"\n"
    line = tail + stream.readline(max(0, limit - len(tail)) if max_bytes else -1)
    while line:
        if max_bytes and len(line) >= limit and not line.endswith(b"\n"):
            while (rest := stream.readline(1 << 20)) and not rest.endswith(b"\n"):
                pass
            yield line[:limit]
        else:
            yield line
        line = stream.readline(limit)
