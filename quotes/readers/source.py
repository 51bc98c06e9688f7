"""One input (a file, stdin or an http(s) URL) to every record it gives.

The first bytes decide: empty or binary inputs are errors, the format comes from
`fmt`, else the extension, else the content (sniff.py). Archives and JSON lines are
streamed; anything else is read whole, within a size limit, and handed to the
format's reader (document.py). URLs are fetched by url.py.
"""
from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Iterator
from typing import BinaryIO

from quotes.limits import MAX_DOCUMENT_BYTES, size
from quotes.model import Article, ReadError, ReadNote
from quotes.readers.document import read_bytes
from quotes.readers.encoding import SNIFF_BYTES, binary_reason, has_utf16_bom
from quotes.readers.jsonl import read_jsonl_stream
from quotes.readers.sniff import FORMATS, STDIN, STDIN_SOURCE, detect_format, is_url
from quotes.readers.url import Fetcher, read_url
from quotes.readers.walk import Refused
from quotes.readers.warc import read_warc


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
    if isinstance(path, Refused):  # from a directory walk: reported, never opened
        yield path.record()
        return
    if is_url(path):
        yield from read_url(path, fmt, fetcher)
        return
    source = STDIN_SOURCE if path == STDIN else path
    try:
        stream = _open(path)
    except OSError as error:
        yield ReadError(source, f"cannot read: {error.strerror or error}")
        return
    if max_bytes is None:
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
        yield from read_warc(_Rejoined(head, stream), source, max_bytes=max_bytes or None)
        return
    if problem := _head_problem(head):
        yield ReadError(source, problem)
        return
    if fmt == "jsonl":
        yield from read_jsonl_stream(head, stream, source, max_bytes)
        return
    data = head + (stream.read(max(0, max_bytes + 1 - len(head))) if max_bytes else stream.read())
    if max_bytes and len(data) > max_bytes:
        yield ReadError(source, f"larger than the {size(max_bytes)} limit for one file; not read (--max-size)")
        return
    if fmt != "html" and (nul := data.find(b"\x00")) >= 0 and not has_utf16_bom(data):
        # Only the head was checked so far; NUL is never in text (and cuts SQLite strings).
        yield ReadError(source, f"binary file (contains NUL bytes, the first at offset {nul})")
        return
    yield from read_bytes(data, source, fmt)


class _Rejoined(io.RawIOBase):
    """The already-read head, then the rest of the stream: a file-like for warcio."""

    def __init__(self, head: bytes, stream: BinaryIO):
        self._head = memoryview(head)
        self._stream = stream

    def readable(self) -> bool:
        return True

    def peek(self, count: int = 1) -> bytes:
        """Up to `count` bytes of the head not yet read, without consuming them."""
        return bytes(self._head[:count])

    def readinto(self, buffer) -> int:
        if self._head:
            count = min(len(buffer), len(self._head))
            buffer[:count] = self._head[:count]
            self._head = self._head[count:]
            return count
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
