"""Web archives (WARC and WARC.gz, also old ARC files) through warcio.

Each `response` record holding an HTML page with status 200 becomes an article
read by the HTML reader, with the record's target URI as its address (the page's
canonical link wins when it has one) and the capture date as the publication date
when the page gives none. warcio undoes chunked transfer and gzip content encoding.
Every other record (requests, warcinfo, metadata, redirects, images, scripts) is
skipped and counted, and so is a second capture of a URL already read: one
summary note per archive says how many and of which kinds.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import BinaryIO
from urllib.parse import urldefrag

from quotes.model import Article, ReadError
from quotes.readers import ReadNote, encoding_note

MAX_RECORD_BYTES = 20 * 1024 * 1024  # a larger "page" is not an article
_HTML_TYPES = ("text/html", "application/xhtml+xml")


def read_warc(stream: BinaryIO, source: str) -> Iterator[Article | ReadError | ReadNote]:
    """Articles from an archive's HTML responses, then one note of what was skipped."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    seen: set[str] = set()
    skipped: Counter[str] = Counter()
    pages = records = 0
    records_iter = iter(ArchiveIterator(stream, arc2warc=True))
    while True:
        try:
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
        key = urldefrag(uri)[0] if uri else None
        if key and key in seen:
            skipped["duplicate capture"] += 1
            continue
        record_source = f"{source}#{uri or record.rec_headers.get_header('WARC-Record-ID')}"
        try:
            data = record.content_stream().read(MAX_RECORD_BYTES + 1)
        except Exception as error:  # a broken chunked body or gzip stream
            yield ReadError(record_source, f"cannot read the record's content: {_reason(error)}")
            continue
        if len(data) > MAX_RECORD_BYTES:
            yield ReadError(record_source, f"record larger than {MAX_RECORD_BYTES // 2**20} MB; skipped")
            continue
        if key:
            seen.add(key)
        pages += 1
        yield from _page(record, data, record_source, uri)
    if not records:
        yield ReadError(source, "WARC file holds no records")
        return
    yield ReadNote(source, _summary(pages, skipped))


def _where(records: int) -> str:
    return f"after {records} record{'s' if records != 1 else ''}" if records else "at the start"


def _reason(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


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
    from quotes.readers.html import html_to_article

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
