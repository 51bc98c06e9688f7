"""Which files a list of paths means: files as given, directories walked.

Nothing outside the paths given is read: inside a directory, a symbolic link that
leads out of it, and anything that is not a regular file (a FIFO would block the
load), is yielded as a Refused path, which read_source reports without opening it.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

from quotes.readers.sniff import STDIN, extension_format
from quotes.wordlists import lines, words

# Names in a directory that are not articles even though their extension is readable.
_SKIP_STEMS = words("not_articles.txt", "stem")
_SKIP_SUFFIXES = lines("not_articles.txt", "suffix")


def iter_sources(paths: Iterable[str]) -> Iterator[str]:
    """Paths to read: files as given, directories recursed in sorted name order.

    A path that does not exist is yielded anyway so read_source reports it;
    inside directories, hidden entries, expected-output files, READMEs and
    files with extensions no reader handles are skipped.
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
    if lower.endswith(_SKIP_SUFFIXES) or stem in _SKIP_STEMS:
        return False
    return extension_format(lower) is not None or suffix == ""
