"""Paragraphs and sentences as offset spans into the article body.

Everything downstream works on offsets into the untouched body, so these helpers
never copy or normalise text; they only find boundaries.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from quotes import wordlists
from quotes.extract.lexicon import alternation

_LINE = re.compile(r"[^\n]+")
# A sentence ends at . ! ? (optionally followed by closing marks) before white space
# and an upper-case letter, digit or opening mark. Abbreviations are checked apart.
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])")
_CLOSED = ("\"", "”", "’", "'")
# A sentence does not start after a quote with a conjunction: '... money." And that's'.
_CONJUNCTION = re.compile(rf"(?:{alternation('function_words.txt', 'quote_conjunction', case='capitalize')})\b")
ABBREVIATIONS = wordlists.words("abbreviations.txt", "abbreviation")
_DOTTED = wordlists.words("abbreviations.txt", "dotted")


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def paragraphs(body: str) -> list[Span]:
    """Non-blank lines: news text puts one paragraph on a line (blank lines between)."""
    spans = []
    for m in _LINE.finditer(body):
        s, e = m.start(), m.end()
        while s < e and body[s].isspace():
            s += 1
        while e > s and body[e - 1].isspace():
            e -= 1
        if e > s:
            spans.append(Span(s, e))
    return spans


def is_abbreviation(text: str, dot: int) -> bool:
    """True when the '.' at index dot closes an abbreviation or an initial."""
    if text[dot] != ".":
        return False
    j = dot
    while j > 0 and (text[j - 1].isalpha() or text[j - 1] == "."):
        j -= 1
    word = text[j:dot].lower()
    if not word:
        return False
    if len(word) == 1 and text[j].isupper():
        return True  # an initial: "Donald J. Trump"
    return word in ABBREVIATIONS or word.replace(".", "") in _DOTTED


def sentences(body: str, para: Span, shield: list[tuple[int, int]] = ()) -> list[Span]:
    """Sentences of one paragraph; no boundary falls inside a shielded (quoted) span."""
    text = body[para.start : para.end]
    spans, start = [], 0
    # Only spans that overlap the paragraph can hold a boundary of it: the shield is
    # every quote of the article, and scanning it for every candidate was quadratic.
    shield = [(s, e) for s, e in shield if s < para.end and e > para.start]
    for m in _SENTENCE_END.finditer(text):
        if is_abbreviation(text, m.start()):
            continue
        pos = para.start + m.start()
        if shield and any(s <= pos < e and (pos < e - 1 or not m.group().startswith(_CLOSED, 1)
                                            or _CONJUNCTION.match(text, m.end()))
                          for s, e in shield):
            continue  # inside a quote, unless it ends its sentence there: '... minutes." Shaheed
        end = m.end()
        while end > start and text[end - 1].isspace():
            end -= 1
        spans.append(Span(para.start + start, para.start + end))
        start = m.end()
    if start < len(text):
        spans.append(Span(para.start + start, para.end))
    return spans
