"""One statement, one row: reconcile the quotes and the reported speech of an article.

The quote sieves and the reported-speech finder read the same sentences apart, so the
same words can come out twice: a paraphrase carrying quoted words ('Reyes warned that
the cuts would "gut the service"') as an indirect row and a partial quote, or a
sentence that reports speech and then quotes someone as an indirect row around a
direct quote. A reader browsing a speaker's page should meet each statement once, and
a partial quote is the paraphrase's: it takes the speaker, cue and date of the
paraphrase around it.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import replace

from quotes import wordlists
from quotes.extract.indirect import reporting_verbs
from quotes.extract.text import Span
from quotes.model import Quote

# Fewer words than this left of an indirect row once the quotes in it are cut out: the
# quotes were all it reported.
_MIN_CONTENT_WORDS = 3
# A paraphrase with no more words than this outside its quoted words only frames them
# ('said the plan was "a disaster"'): the partial quote is the statement.
_MAX_FRAME_WORDS = 4
# Quote marks and spacing around a quote cut out of a row.
_EDGE = " \t,;:—–-\"“”‘’'("


def reconcile(body: str, quotes: list[Quote], sentences: list[Span]) -> list[Quote]:
    """The article's statements with each one stored once (a pure function)."""
    indirect = [q for q in quotes if q.kind == "indirect"]
    quoted = [q for q in quotes if q.kind != "indirect"]
    if not indirect or not quoted:
        return _share_sentence_speakers(quoted, sentences) + indirect
    kept_indirect: list[Quote] = []
    claimed: dict[int, Quote] = {}  # id(quoted row) -> the indirect row it sits in
    for row in indirect:
        inside = [q for q in quoted if row.start <= q.start and q.end <= row.end]
        if not inside:
            kept_indirect.append(row)
            continue
        partials = [q for q in inside if q.kind == "partial"]
        for q in partials:
            claimed.setdefault(id(q), row)
        trimmed = _without_direct(body, row, [q for q in inside if q.kind == "direct"])
        if partials and _unquoted_words(body, row, partials) <= _MAX_FRAME_WORDS:
            continue  # the paraphrase is its quoted words: one statement, the partial
        if trimmed is not None:
            kept_indirect.append(trimmed)
    out = []
    for q in quoted:
        row = claimed.get(id(q))
        out.append(_inherit(q, row) if row is not None else q)
    return _share_sentence_speakers(out, sentences) + kept_indirect


_BELIEF_CUES = (frozenset(f for f, (_, frame) in reporting_verbs().items() if frame == "belief")
                | wordlists.words("statements.txt", "belief_cue"))


def _inherit(q: Quote, row: Quote) -> Quote:
    """A partial quote takes the source of the paraphrase around it, unless its own
    attribution came from a cue next to it."""
    if q.speaker and q.method and not q.method.startswith(("sentence_subject", "reporting_subject")) \
            and (q.cue or "").lower() not in _BELIEF_CUES:
        return q  # a cue of its own; but 'said no-one in the committee felt he had "..."'
        #           reports what the committee felt in the sayer's words
    if row.speaker is None and row.speaker_text is None:
        return q
    return replace(q, speaker=row.speaker, speaker_text=row.speaker_text, cue=row.cue,
                   said_on=row.said_on, date_text=row.date_text,
                   method="paraphrase" + _suffix(row.method), confidence=row.confidence)


def _suffix(method: str | None) -> str:
    for kind in ("_pronoun", "_nominal"):
        if method and method.endswith(kind):
            return kind
    return ""


def _without_direct(body: str, row: Quote, direct: list[Quote]) -> Quote | None:
    """The indirect row without the direct quotes inside it: cut at the first one (what
    follows a quote in the same sentence is the quote's frame); None when too little is
    left to be a statement of its own."""
    if not direct:
        return row
    first = min(direct, key=lambda q: q.start)
    end = first.start
    while end > row.start and body[end - 1] in _EDGE:
        end -= 1
    trimmed = replace(row, text=body[row.start:end], end=end)
    if len(body[_content_start(body, trimmed):end].split()) < _MIN_CONTENT_WORDS:
        return None  # "the IDF said": only the frame of the quote was left
    return trimmed


def _unquoted_words(body: str, row: Quote, partials: list[Quote]) -> int:
    """Words of what the row reports (after its cue verb and "that") outside the partial
    quotes in it."""
    text, last = [], _content_start(body, row)
    for q in sorted(partials, key=lambda q: q.start):
        text.append(body[last : max(last, q.start)])
        last = max(last, q.end)
    text.append(body[last : row.end])
    return sum(1 for w in " ".join(text).split() if any(c.isalnum() for c in w))


def _content_start(body: str, row: Quote) -> int:
    """Where the reported content of an indirect row starts: past its cue and "that"
    when the cue comes first (a row holds its whole sentence), else the row's start."""
    if not row.cue:
        return row.start
    m = re.compile(rf"\b{re.escape(row.cue)}\b(?:\s+that\b)?", re.IGNORECASE).search(body, row.start, row.end)
    return m.end() if m else row.start


def _share_sentence_speakers(quoted: list[Quote], sentences: list[Span]) -> list[Quote]:
    """A partial quote with no source of its own, in a sentence where another quote has
    one, is that source's: 'Kennedy said the party was for "all races" and a "balanced
    approach"'."""
    starts = [s.start for s in sentences]
    by_sentence: dict[int, list[int]] = {}
    for i, q in enumerate(quoted):
        by_sentence.setdefault(bisect.bisect_right(starts, q.start) - 1, []).append(i)
    out = list(quoted)
    for members in by_sentence.values():
        sources = [quoted[i] for i in members if quoted[i].speaker or quoted[i].speaker_text]
        if not sources:
            continue
        for i in members:
            q = quoted[i]
            if q.kind != "partial" or q.speaker or q.speaker_text:
                continue
            src = min(sources, key=lambda s: abs(s.start - q.start))
            out[i] = replace(q, speaker=src.speaker, speaker_text=src.speaker_text, cue=src.cue,
                             said_on=src.said_on, date_text=src.date_text,
                             method="same_sentence" + _suffix(src.method),
                             confidence=round(src.confidence * 0.9, 3))
    return out


# Quoted words this short that no one is found to have said are a term, a title or a
# scare quote ('"TV"', '"likely"', '"Hartz IV"'), not a statement.
_MAX_TERM_WORDS = 2


def without_terms(quotes: list[Quote]) -> list[Quote]:
    """The statements, without partial quotes of a word or two that have no source."""
    return [q for q in quotes if not (q.kind == "partial" and q.speaker is None and not q.speaker_text
                                      and len(q.text.split()) <= _MAX_TERM_WORDS)]
