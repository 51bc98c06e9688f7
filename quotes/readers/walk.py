"""Which files a list of paths means: files as given, directories walked.

Nothing outside the paths given is read: inside a directory, a symbolic link that
leads out of it, and anything that is not a regular file (a FIFO would block the
load), is yielded as a Refused path, which read_source reports without opening it.

Nothing in a directory is passed over silently either, with one exception. A file no
reader handles (photo.png, report.pdf) and project furniture (README.md, LICENSE, a
test's *.expected.json, an editor's backup~) are yielded as Refused paths of status
"skipped": a load_log row each, saying why, and the file is not opened. Hidden
entries (a name starting with "."; .DS_Store, .git/, .gitignore) are the exception:
they are invisible by convention, and a .git folder alone would add thousands of rows
that say nothing about the articles.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

from quotes.model import ReadError, ReadNote
from quotes.readers.sniff import EXTENSIONS, STDIN, extension_format
from quotes.wordlists import lines, words

# Names in a directory that are not articles even though their extension is readable.
_SKIP_STEMS = words("not_articles.txt", "stem")
_SKIP_SUFFIXES = lines("not_articles.txt", "suffix")


def iter_sources(paths: Iterable[str]) -> Iterator[str]:
    """Paths to read: files as given, directories recursed in sorted name order.

    A path that does not exist is yielded anyway so read_source reports it;
    inside directories, hidden entries are left out, and expected-output files,
    READMEs and files with extensions no reader handles come as Refused paths of
    status "skipped" (logged, never opened).
    """
    for path in paths:
        if path != STDIN and os.path.isdir(path):
            yield from _walk(path, set(), os.path.realpath(path))
        else:
            yield path


class Refused(str):
    """A path found in a directory walk that must not be opened; `reason` says why and
    `status` is its load_log status: "error" (refused for safety) or "skipped" (not an
    article)."""

    reason = ""
    status = "error"

    def __new__(cls, path: str, reason: str, status: str = "error"):
        self = super().__new__(cls, path)
        self.reason = reason
        self.status = status
        return self

    def record(self) -> ReadError | ReadNote:
        """What read_source reports for it instead of reading it."""
        if self.status == "error":
            return ReadError(str(self), self.reason)
        return ReadNote(str(self), self.reason, status=self.status)


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
        leaves = entry.is_symlink() and not _inside(os.path.realpath(entry.path), root)
        if leaves and entry.is_dir():
            yield Refused(entry.path, "symbolic link to outside the directory given; not followed")
        elif entry.is_dir():
            yield from _walk(entry.path, seen, root)
        elif reason := _not_an_article(entry.name):
            yield Refused(entry.path, reason, "skipped")
        elif leaves:
            yield Refused(entry.path, "symbolic link to outside the directory given; not followed")
        elif entry.is_file():
            yield entry.path
        else:
            yield Refused(entry.path, "not a regular file (a FIFO, socket or device); not read")


def _not_an_article(name: str) -> str | None:
    """Why a file in a directory is not read, or None: readable by extension (or
    extensionless, so sniffed) and not project furniture."""
    lower = name.lower()
    stem, suffix = os.path.splitext(lower)
    if lower.endswith(_SKIP_SUFFIXES) or stem in _SKIP_STEMS:
        return "not read: a project file (README, LICENSE...), expected output or backup, not an article"
    if extension_format(lower) is not None or suffix == "":
        return None
    return (f"not read: {suffix} is not a format quotes reads (known: {', '.join(sorted(EXTENSIONS))}); "
            "name the file itself to have its content sniffed")
