"""JSON lines: one article object per line (PolNeAR, the BBC corpus, exports).

The body is the "text" value exactly as given: annotated corpora such as PolNeAR
index their gold spans into it, so stripping or normalising would shift every
offset. Lines are read one at a time; a bad line is a ReadError for that line
("file.jsonl:7") and never stops the lines after it.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

from quotes.limits import size
from quotes.model import Article, ReadError, ReadNote
from quotes.readers.encoding import DecodeError, decode_bytes, encoding_note, has_utf16_bom
from quotes.readers.header import iso_date
from quotes.readers.publishers import publisher_for_code, publisher_for_url

_FIELDS = {
    "title": ("title", "headline"),
    "url": ("url", "link"),
    "published": ("published", "date", "published_at", "publish_date"),
    "publisher": ("publisher", "source_name"),
    "author": ("author", "authors", "byline"),
    "section": ("section", "topic", "category"),
}


def read_jsonl_stream(
    head: bytes, stream: BinaryIO, source: str, max_bytes: int = 0
) -> Iterator[Article | ReadError | ReadNote]:
    """read_jsonl over a stream whose first bytes (`head`) were already read; lines
    longer than `max_bytes` (0: no limit) are refused without being read whole."""
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


def read_jsonl(lines: Iterable[bytes], source: str, max_bytes: int | None = None) -> Iterator[Article | ReadError | ReadNote]:
    """Articles from byte lines, a ReadError per bad line, a ReadNote per guessed encoding.

    A line longer than `max_bytes` is a ReadError without being parsed (the caller
    may hand it over cut short, as read_jsonl_stream does).
    """
    first = True
    blank = True
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        blank = False
        line_source = f"{source}:{number}"
        if max_bytes and len(raw.rstrip(b"\r\n")) > max_bytes:
            yield ReadError(line_source, f"line longer than the {size(max_bytes)} limit; not read (--max-size)")
            first = False
            continue
        try:
            text, guessed = decode_bytes(raw.rstrip(b"\r\n"))
        except DecodeError as error:
            yield ReadError(line_source, str(error))
            continue
        record = parse_line(text, line_source)
        if isinstance(record, ReadError) and first and text.strip() in ("[", "{"):
            yield ReadError(source, "not JSON lines: a JSON array or multi-line object; expected one object per line")
            return
        if guessed and isinstance(record, Article):
            yield encoding_note(line_source, guessed)
        yield record
        first = False
    if blank:  # every input gets its line in load_log
        yield ReadError(source, "empty file (only blank lines)")


def parse_line(text: str, source: str) -> Article | ReadError:
    """One JSON line -> Article, or a ReadError saying what is wrong with it."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        return ReadError(source, f"not valid JSON: {error.msg} at column {error.colno}")
    except RecursionError:  # '[[[[...' thousands deep
        return ReadError(source, "not valid JSON: nested too deeply")
    if not isinstance(data, dict):
        return ReadError(source, f"not a JSON object (got {type(data).__name__})")
    return article_from_dict(data, source)


def article_from_dict(data: dict[str, Any], source: str) -> Article | ReadError:
    """Map a decoded object's fields onto an Article; the text is kept verbatim."""
    body = next(
        (data[key] for key in ("text", "body") if isinstance(data.get(key), str) and data[key].strip()),
        None,
    )
    if body is None:
        return ReadError(source, 'no article text: needs a non-empty "text" or "body" string')
    fields = {name: _first(data, keys) for name, keys in _FIELDS.items()}
    url = _string(fields["url"])
    return Article(
        body=body,
        source=source,
        title=_string(fields["title"]),
        url=url,
        publisher=publisher_for_code(_string(fields["publisher"])) or publisher_for_url(url),
        published=iso_date(fields["published"]),
        author=_string(fields["author"]),
        section=_string(fields["section"]),
        source_id=_string(data.get("id")),
    )


def _first(data: dict[str, Any], keys: tuple[str, ...]) -> Any:
    return next((data[key] for key in keys if data.get(key) not in (None, "", [])), None)


def _string(value: Any) -> str | None:
    """A trimmed string for a metadata field; lists (several authors) are joined."""
    if value is None or isinstance(value, (dict, bool)):
        return None
    if isinstance(value, list):
        value = ", ".join(str(item).strip() for item in value if item not in (None, ""))
    text = str(value).strip()
    return text or None

