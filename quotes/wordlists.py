"""The one reader of the word lists in quotes/data/: versioned text files, one entry a
line, that every layer's rules share (extraction, readers, the corpus).

A file may open sections with "[name]" lines; blank lines and lines starting with "#"
are comments. Files are read once and cached; nothing here changes at run time.
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=None)
def sections(name: str) -> tuple[tuple[str | None, str], ...]:
    """(section, line) for each entry of quotes/data/NAME in file order (section None
    before the first "[section]" line)."""
    out = []
    section = None
    for line in resources.files("quotes").joinpath(f"data/{name}").read_text("utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        out.append((section, line))
    return tuple(out)


def lines(name: str, section: str | None = None) -> tuple[str, ...]:
    """The entries of quotes/data/NAME (of one section, when given), in file order."""
    return tuple(line for s, line in sections(name) if section is None or s == section)


def words(name: str, section: str | None = None) -> frozenset[str]:
    """The entries of quotes/data/NAME (or one section) as a set, for membership tests."""
    return frozenset(lines(name, section))
