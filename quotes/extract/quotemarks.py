"""Find quoted stretches: pair quote marks within paragraphs, never raising.

Rules (news style): straight, curly and low-9 double marks and the NYT's doubled
apostrophes ('') all quote; curly single marks quote only in articles that use no
double marks (British style) and never when they are apostrophes; a quote still
open at the end of a paragraph ends there (the next paragraph reopens it); a new
opening mark after sentence punctuation while a quote is open starts a new quote
(paragraphs joined onto one line); feet-and-inches marks (6'3") are not quotes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from quotes.extract.text import Span

# ''|["“”„«»‟] written to open with a character class, which lets the engine skip to
# the next mark in C: an apostrophe counts only when a second one follows.
_DOUBLE = re.compile(r"[\"“”„«»‟'](?:(?<=')'|(?<!'))")
_INCHES = re.compile(r"\d+'\d+\"")
_OPENERS = "“„«‟"
_CLOSERS = "”»"
_OPEN_CONTEXT = " \t([{—–-/\u00a0"
_CLOSE_FOLLOW = " \t.,;:!?)]}—–-\u00a0…"


@dataclass(frozen=True)
class QuotedSpan:
    """Text between a pair of marks: [start, end) excludes the marks and outer spaces."""

    mark_start: int  # offset of the opening mark
    start: int
    end: int
    mark_end: int  # offset just past the closing mark (== end when unclosed)
    paragraph: int  # index into the article's paragraph list
    closed: bool


def _role(text: str, i: int, mark: str) -> str | None:
    """'open', 'close', 'either' or None (not usable) for the mark at text[i]."""
    prev = text[i - 1] if i > 0 else " "
    nxt_i = i + len(mark)
    nxt = text[nxt_i] if nxt_i < len(text) else " "
    if mark in _OPENERS:
        if not prev.isspace() and i > 0 and (nxt in _CLOSE_FOLLOW or nxt_i >= len(text)):
            return "either"  # '“It's unusual,“ said ...': an opening mark used to close
        return "open"
    if mark in _CLOSERS:
        # A closing curly mark used as an opener: at a paragraph start, or '”Word'.
        if i == 0 or (prev in _OPEN_CONTEXT and nxt.isalnum()):
            return "open"
        return "close"
    if prev.isspace() and i > 0 and (nxt.isspace() or nxt_i >= len(text)):
        return "close"  # '... outreach,' " he told': a closing mark after a space
    opens = prev in _OPEN_CONTEXT or i == 0
    closes = not prev.isspace() and i > 0
    if opens and not nxt.isspace() and nxt_i < len(text):
        return "open"
    if closes:
        return "close" if nxt in _CLOSE_FOLLOW or nxt_i >= len(text) or nxt in "\"'”’" else "either"
    return None


def _trim(body: str, start: int, end: int) -> tuple[int, int]:
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    return start, end


def _double_marks(text: str) -> list[tuple[int, str]]:
    # Only text with both marks can hold feet and inches (most paragraphs do not).
    inches = {m.end() - 1 for m in _INCHES.finditer(text)} if '"' in text and "'" in text else ()
    out = []
    for m in _DOUBLE.finditer(text):
        i = m.start()
        if i in inches:
            continue
        if (m.group() == "''" and text[i + 2 : i + 3] == "'" and i > 0
                and not text[i - 1].isspace() and not text[i + 3 : i + 4].isalnum()):
            i += 1  # three apostrophes closing: a nested single quote ends, then the double
        out.append((i, m.group()))
    return out


def _pair(text: str, marks: list[tuple[int, str]]) -> list[tuple[int, int, int, int, bool]]:
    """Pair marks of one paragraph: (mark_start, start, end, mark_end, closed)."""
    out = []
    open_at: tuple[int, str] | None = None
    for i, mark in marks:
        role = _role(text, i, mark)
        if role is None:
            continue
        if open_at is None:
            if role in ("open", "either"):
                open_at = (i, mark)
            continue
        o, omark = open_at
        inner_start = o + len(omark)
        if role in ("close", "either"):
            out.append((o, inner_start, i, i + len(mark), True))
            open_at = None
        elif role == "open":
            # An opening mark while open: the earlier quote was never closed.
            before = text[inner_start:i].rstrip()
            if before and before[-1] in ".!?…":
                out.append((o, inner_start, len(text[:i].rstrip()), len(text[:i].rstrip()), False))
                open_at = (i, mark)
            # else: a nested or stray mark inside the quote; keep it inside.
    if open_at is not None:
        o, omark = open_at
        out.append((o, o + len(omark), len(text), len(text), False))
    return out


_SINGLE_OPEN = re.compile(r"(?:(?<=^)|(?<=[\s(\[—–]))‘(?=\w)")


def _single_marks(text: str) -> list[tuple[int, int, int, int, bool]]:
    """British-style ‘quotes’: an opening ‘ before a word, closed by a ’ not inside a word."""
    out = []
    pos = 0
    while True:
        m = _SINGLE_OPEN.search(text, pos)
        if not m:
            break
        o = m.start()
        close = None
        for j in range(o + 1, len(text)):
            ch = text[j]
            if ch == "‘":
                break
            if ch == "’":
                nxt = text[j + 1] if j + 1 < len(text) else " "
                if not nxt.isalnum():
                    close = j
                    break
        if close is None:
            pos = o + 1
            continue
        out.append((o, o + 1, close, close + 1, True))
        pos = close + 1
    return out


_STRAIGHT_SINGLE = re.compile(r"(?:(?<=^)|(?<=[\s(\[—–]))'(?=[A-Za-z])(?P<inner>[^'\n]{1,80}?[\w.!?…])'(?=[\s.,;:!?)\]—–]|$)")


def _straight_singles(text: str) -> list[tuple[int, int, int, int, bool]]:
    """'turned and hissed' in a line with no double marks (a British-style headline):
    straight single marks around a few words; no apostrophe (It's, Okafor's) opens or
    closes one."""
    out = []
    for m in _STRAIGHT_SINGLE.finditer(text):
        inner = m.group("inner")
        if len(inner.split()) > 12 or re.search(r"\w'\w", inner) and inner.count("'") % 2:
            continue
        out.append((m.start(), m.start() + 1, m.end() - 1, m.end(), True))
    return out


def is_headline(text: str) -> bool:
    """A short line that ends with no sentence punctuation."""
    stripped = text.rstrip()
    return bool(stripped) and stripped.rstrip("'’")[-1:] not in ".!?:;,\"”)" and len(stripped.split()) <= 25


def find_quotes(body: str, paras: list[Span]) -> list[QuotedSpan]:
    """Every quoted stretch of the body, in order."""
    uses_double = bool(_DOUBLE.search(body))
    found = []
    for pi, para in enumerate(paras):
        text = body[para.start : para.end]
        if uses_double and not _DOUBLE.search(text) and is_headline(text):
            # A headline with single marks: British style, whatever the body uses.
            pairs = sorted(_single_marks(text) + _straight_singles(text))
        else:
            pairs = _pair(text, _double_marks(text)) if uses_double else _single_marks(text)
        for mark_start, s, e, mark_end, closed in pairs:
            s, e = _trim(body, para.start + s, para.start + e)
            if e <= s:
                continue
            found.append(
                QuotedSpan(para.start + mark_start, s, e, para.start + mark_end, pi, closed)
            )
    return found
