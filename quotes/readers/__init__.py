"""Readers: inputs (files, directories, stdin) -> Article records.

    for path in iter_sources(["articles/", "extra.jsonl"]):
        for record in read_source(path):
            ...  # Article, ReadError (load_log "error") or ReadNote (load_log "ok")

A reader never raises for bad input and never touches the database: every input
gives at least one record, so the loader can log it and nothing fails silently.
The format comes from `fmt`, else the file extension, else the content.
"""
from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from quotes.model import Article, ReadError
from quotes.readers.encoding import SNIFF_BYTES, DecodeError, binary_reason, decode_bytes, has_utf16_bom

__all__ = [
    "EXTENSIONS",
    "FORMATS",
    "STDIN",
    "ReadNote",
    "decode_bytes",
    "detect_format",
    "iter_sources",
    "read_source",
]

FORMATS = ("text", "markdown", "jsonl")
EXTENSIONS = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",  # one object per line; an array or pretty-printed file is reported
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
    files with extensions no reader handles are skipped.
    """
    for path in paths:
        if path != STDIN and os.path.isdir(path):
            yield from _walk(path, set())
        else:
            yield path


def _walk(directory: str, seen: set[str]) -> Iterator[str]:
    """Depth-first, sorted by name; symlink loops are visited once."""
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
        if entry.is_dir():
            yield from _walk(entry.path, seen)
        elif _is_article_file(entry.name):
            yield entry.path


def _is_article_file(name: str) -> bool:
    """Readable by extension (or extensionless, so sniffed) and not project furniture."""
    lower = name.lower()
    stem, suffix = os.path.splitext(lower)
    if lower.endswith(_SKIP_SUFFIXES) or lower.endswith("~") or stem in _SKIP_STEMS:
        return False
    return suffix in EXTENSIONS or suffix == ""


# ------------------------------------------------------------------ reading


def detect_format(path: str, head: bytes) -> str:
    """Format by extension, else by content: a first non-blank `{` means JSON lines."""
    suffix = os.path.splitext(path.lower())[1]
    if path != STDIN and suffix in EXTENSIONS:
        return EXTENSIONS[suffix]
    text = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
    return "jsonl" if text.lstrip()[:1] == b"{" else "text"


def read_source(path: str, fmt: str | None = None) -> Iterator[Article | ReadError | ReadNote]:
    """Every record one input gives: Articles, a ReadError for each bad part, ReadNotes.

    `path` "-" reads stdin. `fmt` ("text", "markdown", "jsonl") overrides detection;
    an unknown `fmt` is a programming error and raises ValueError.
    """
    if fmt is not None and fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    source = STDIN_SOURCE if path == STDIN else path
    try:
        stream = _open(path)
    except OSError as error:
        yield ReadError(source, f"cannot read: {error.strerror or error}")
        return
    with stream as binary:
        try:
            yield from _read_stream(binary, path, source, fmt)
        except OSError as error:
            yield ReadError(source, f"read failed: {error.strerror or error}")


def _open(path: str) -> contextlib.AbstractContextManager[BinaryIO]:
    """A binary stream; stdin is wrapped so leaving the `with` does not close it."""
    if path == STDIN:
        return contextlib.nullcontext(sys.stdin.buffer)
    return open(path, "rb")


def _read_stream(
    stream: BinaryIO, path: str, source: str, fmt: str | None
) -> Iterator[Article | ReadError | ReadNote]:
    """Check the first bytes (empty? binary?), pick the format, hand over to a reader."""
    head = stream.read(SNIFF_BYTES)
    if problem := _head_problem(head):
        yield ReadError(source, problem)
        return
    fmt = fmt or detect_format(path, head)
    if fmt == "jsonl":
        yield from _read_jsonl(head, stream, source)
    else:
        yield from _read_text(head + stream.read(), source, markdown=fmt == "markdown")


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


def _read_jsonl(head: bytes, stream: BinaryIO, source: str) -> Iterator[Article | ReadError | ReadNote]:
    from quotes.readers.jsonl import read_jsonl

    if has_utf16_bom(head):
        yield ReadError(source, "UTF-16 JSON lines are not supported; convert the file to UTF-8")
        return
    yield from read_jsonl(_lines(head, stream), source)


def _lines(head: bytes, stream: BinaryIO) -> Iterator[bytes]:
    """The stream's lines, the already-read head first, without reading it all."""
    pieces = head.split(b"\n")
    tail = pieces.pop()
    for piece in pieces:
        yield piece + b"\n"
    if first := tail + stream.readline():
        yield first
    yield from stream
