"""Web archives (WARC and WARC.gz, also old ARC files) through warcio.

Each `response` record holding an HTML page with status 200 becomes an article
read by the HTML reader, with the record's target URI as its address (the page's
canonical link wins when it has one) and the capture date as the publication date
when the page gives none. warcio undoes chunked transfer and gzip content encoding.
Every other record (requests, warcinfo, metadata, redirects, images, scripts) is
skipped and counted, and so is a second capture of a URL already read: one
summary note per archive says how many and of which kinds.

Hostile archives: a gzipped archive is decompressed here, not by warcio, so that a
gzip bomb (a small file that expands a thousandfold) is stopped once its output
passes quotes.limits.MAX_GZIP_RATIO times its input, and truncated gzip data is
reported as such; header lines are read at most MAX_LINE_BYTES at a time (warcio would
gather a 50 MB "line" in memory, slowly); a record's content is read at most
`max_bytes`; warcio's warnings about wrong Content-Lengths are counted, not printed.
"""
from __future__ import annotations

import contextlib
import io
import zlib
from collections import Counter
from collections.abc import Iterator
from typing import BinaryIO
from urllib.parse import urldefrag

from quotes import limits
from quotes.model import Article, ReadError, ReadNote
from quotes.readers.encoding import encoding_note
from quotes.readers.html import html_to_article

MAX_RECORD_BYTES = 20 * 1024 * 1024  # a larger "page" is not an article
MAX_LINE_BYTES = 1024 * 1024  # a WARC or HTTP header line; longer is not an archive
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_GZIP_MAGIC = b"\x1f\x8b"


class GzipBomb(OSError):
    """The gzip data expands beyond quotes.limits.MAX_GZIP_RATIO."""


class TruncatedGzip(OSError):
    """The gzip data ends inside a member (warcio would take EOFError for a clean end)."""


class _Gunzip(io.RawIOBase):
    """Gzip members one after another, decompressed as read, with a bomb guard.

    After `after` bytes of output, output more than `ratio` times the input read
    so far raises GzipBomb; input that ends inside a member raises TruncatedGzip. Either
    error is raised again on every later read.
    """

    CHUNK = 64 * 1024
    OUT = 1024 * 1024

    def __init__(self, raw: BinaryIO, ratio: float, after: int):
        self.raw = raw
        self.ratio = ratio
        self.after = after
        self.decompressor = zlib.decompressobj(wbits=31)
        self.pending = b""  # input not yet decompressed
        self.buffer = b""  # output not yet read
        self.read_in = self.written = 0
        self.done = False
        self.failed: BaseException | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:
        if self.failed is not None:
            raise self.failed
        try:
            while not self.buffer and not self.done:
                self._more()
        except (zlib.error, OSError) as error:
            self.failed = error if not isinstance(error, zlib.error) else OSError(
                f"not valid gzip data after {self.read_in} bytes ({error})")
            raise self.failed from None
        size = min(len(target), len(self.buffer))
        target[:size] = self.buffer[:size]
        self.buffer = self.buffer[size:]
        return size

    def _more(self) -> None:
        if self.pending:
            data, self.pending = self.pending, b""
        else:
            data = self.raw.read(self.CHUNK)
            self.read_in += len(data)
            if not data:
                if self.decompressor.eof or not (self.written or self.read_in):
                    self.done = True
                    return
                raise TruncatedGzip(f"truncated gzip data: the file ends inside a compressed member "
                               f"(after {limits.size(self.read_in)})")
        if self.decompressor.eof:
            if not data.strip(b"\0"):  # zero padding after the last member
                return
            self.decompressor = zlib.decompressobj(wbits=31)
        out = self.decompressor.decompress(data, self.OUT)
        self.pending = self.decompressor.unused_data if self.decompressor.eof else self.decompressor.unconsumed_tail
        self.written += len(out)
        self.buffer = out
        if self.written > self.after and self.written > self.ratio * max(1, self.read_in):
            raise GzipBomb(
                f"gzip data expands more than {self.ratio:g} times (a gzip bomb?): stopped after "
                f"{limits.size(self.written)} from {limits.size(self.read_in)}")


def _limit_lines(iterator, max_line: int) -> None:
    """Make warcio read header lines at most `max_line` bytes at a time."""
    reader = iterator.reader
    readline = reader.readline

    def limited(length=0):
        return readline(max_line if not length or length > max_line else length)

    reader.readline = limited


def read_warc(stream: BinaryIO, source: str, max_bytes: int | None = None) -> Iterator[Article | ReadError | ReadNote]:
    """Articles from an archive's HTML responses, then one note of what was skipped.

    `max_bytes` (default MAX_RECORD_BYTES) bounds the content read from one record.
    """
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    max_record = max_bytes or MAX_RECORD_BYTES
    seen: set[str] = set()
    skipped: Counter[str] = Counter()
    pages = records = 0
    if _peek(stream).startswith(_GZIP_MAGIC):
        stream = _Gunzip(stream, limits.MAX_GZIP_RATIO, limits.GZIP_RATIO_AFTER)
    iterator = ArchiveIterator(stream, arc2warc=True)
    _limit_lines(iterator, MAX_LINE_BYTES)
    records_iter = iter(iterator)
    warnings = io.StringIO()
    while True:
        try:
            with contextlib.redirect_stderr(warnings):
                record = next(records_iter, None)
            if record is not None and not record.rec_type:
                raise ArchiveLoadFailed("a record has no WARC-Type")
        except Exception as error:  # warcio raises all sorts on malformed input
            reason = _reason(error) if isinstance(error, (ArchiveLoadFailed, OSError, EOFError)) else (
                f"malformed record ({type(error).__name__} in warcio)")
            yield ReadError(source, f"not a readable WARC file ({_where(records)}): {reason}")
            if records:
                yield ReadNote(source, _summary(pages, skipped))
            return
        if record is None:
            break
        records += 1
        kind = _page_kind(record)
        if kind is not None:
            skipped[kind] += 1
            continue
        uri = _target(record)
        try:
            key = urldefrag(uri)[0] if uri else None
        except ValueError:  # an invalid IPv6 host
            key = uri
        if key and key in seen:
            skipped["duplicate capture"] += 1
            continue
        record_source = f"{source}#{uri or record.rec_headers.get_header('WARC-Record-ID')}"
        try:
            with contextlib.redirect_stderr(warnings):
                data = record.content_stream().read(max_record + 1)
        except Exception as error:  # a broken chunked body or gzip stream
            yield ReadError(record_source, f"cannot read the record's content: {_reason(error)}")
            continue
        if len(data) > max_record:
            yield ReadError(record_source, f"record larger than {limits.size(max_record)}; skipped (--max-size)")
            continue
        if key:
            seen.add(key)
        pages += 1
        yield from _page(record, data, record_source, uri)
    if not records:
        yield ReadError(source, "WARC file holds no records")
        return
    if bad := warnings.getvalue().count("WARNING: Record not followed by newline"):
        skipped["bad Content-Length header"] += bad
    yield ReadNote(source, _summary(pages, skipped))


def _peek(stream: BinaryIO) -> bytes:
    """The first bytes without consuming them (read_source's streams can peek; others
    are seekable)."""
    peek = getattr(stream, "peek", None)
    if peek is not None:
        return peek(2)[:2]
    try:
        position = stream.tell()
        first = stream.read(2)
        stream.seek(position)
        return first
    except (OSError, AttributeError, ValueError):
        return b""


def _where(records: int) -> str:
    return f"after {records} record{'s' if records != 1 else ''}" if records else "at the start"


def _reason(error: Exception) -> str:
    text = str(error).strip()
    line = text.splitlines()[0] if text else type(error).__name__
    return line if len(line) <= 200 else line[:200] + "..."


def _page_kind(record) -> str | None:
    """None for an HTML page to read, else what to count the record as."""
    if record.rec_type not in ("response", "resource"):
        return f"{record.rec_type} record"
    if record.rec_type == "response":
        http = record.http_headers
        if http is None:
            return "headerless response"
        status = http.get_statuscode() or "?"
        if status != "200":
            return f"HTTP {status} response"
        content_type = http.get_header("Content-Type") or ""
    else:
        content_type = record.rec_headers.get_header("Content-Type") or ""
    mime = content_type.split(";")[0].strip().lower()
    if mime in _HTML_TYPES or (not mime and record.rec_type == "response"):
        return None
    return f"{mime or 'untyped'} {record.rec_type}"


def _target(record) -> str | None:
    uri = record.rec_headers.get_header("WARC-Target-URI")
    return uri.strip().strip("<>") if uri else None  # wget writes <https://...>


def _charset(record) -> str | None:
    headers = record.http_headers if record.rec_type == "response" else record.rec_headers
    content_type = (headers.get_header("Content-Type") if headers else None) or ""
    for part in content_type.split(";")[1:]:
        name, _, value = part.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


def _page(record, data: bytes, source: str, uri: str | None) -> Iterator[Article | ReadError | ReadNote]:
    url = uri if uri and uri.lower().startswith(("http://", "https://")) else None
    date = record.rec_headers.get_header("WARC-Date")
    article, guessed = html_to_article(data, source, url=url, charset=_charset(record), fallback_date=date)
    if isinstance(article, Article):
        article.source_id = record.rec_headers.get_header("WARC-Record-ID")
        if guessed:
            yield encoding_note(source, guessed)
    yield article


def _summary(pages: int, skipped: Counter[str]) -> str:
    text = f"{pages} HTML page{'s' if pages != 1 else ''} read"
    if not skipped:
        return text
    total = sum(skipped.values())
    kinds = ", ".join(f"{count} {kind}{'s' if count != 1 else ''}" for kind, count in sorted(skipped.items(), key=lambda kv: (-kv[1], kv[0])))
    return f"{text}; {total} record{'s' if total != 1 else ''} skipped: {kinds}"
