"""Reported (indirect) speech: 'Dmitriev said he had discussed ...', 'according to X, ...'.

A sentence with no quote marks whose subject is a speaker phrase followed by a
reporting verb and a clause becomes a quote of kind indirect. The stored text is
the whole sentence; the speaker is resolved like a direct quote's.
"""
from __future__ import annotations

import re

from quotes.extract import lexicon
from quotes.extract.dates import find_date
from quotes.extract.speakers import SPEAKER, Resolver, classify
from quotes.extract.text import Span
from quotes.model import Quote

# Reporting verbs that take a clause; 'asked', 'called', 'described' do not.
_REPORTING = sorted(
    (f for f, (lemma, strong) in lexicon.cue_forms().items()
     if strong and lemma not in {"ask", "call", "describe", "continue", "go", "point", "chime",
                                 "write", "post", "tweet", "add"}
     and not f.endswith("ing")),
    key=len, reverse=True,
)
_AUX = r"(?:(?:has|had|have|also|since|later|previously|repeatedly|again|publicly|privately|recently|often|has\s+long|would|will|could|\w+ly)\s+){0,3}"
_INDIRECT = re.compile(
    rf"""^(?P<intro>(?:[A-Z][^,]{{0,60}},\s+)?)
         (?P<sp>{SPEAKER})
         (?P<appos>,\s[^,]{{2,140}},)?\s+
         {_AUX}
         (?P<cue>{'|'.join(_REPORTING)})\b
         (?P<obj>\s+(?:(?:reporters|the\s+\w+|a\s+\w+|an?\s+\w+\s+\w+|[A-Z][\w.]+(?:\s+[A-Z][\w.]+)*|him|her|them|us|me|CNN|NBC)\s*)?)?
         (?P<prep>(?:\s*(?:at|on|in|to)\s+)?)
         (?P<that>,?\s*(?:that\s+)?)
         (?P<clause>[^\s].{{15,}})$""",
    re.VERBOSE | re.DOTALL,
)
_ACCORDING = re.compile(rf"^[Aa]ccording\s+to\s+(?P<sp>{SPEAKER}),\s+(?P<clause>.{{15,}})$", re.DOTALL)
_ACCORDING_END = re.compile(rf",\s+according\s+to\s+(?P<sp>{SPEAKER})[.!?]?$")


def _content_ok(clause: str) -> bool:
    """A reported clause has a verb-like shape, not a bare object ('said nothing')."""
    words = clause.split()
    if len(words) < 4:
        return False
    return not re.match(r"(?:nothing|so|yes|no)\b", clause, re.IGNORECASE)


def find_indirect(body: str, paras: list[Span], sents_by_para: list[list[Span]],
                  quoted: list[tuple[int, int]], resolver: Resolver,
                  published: str | None) -> list[Quote]:
    out: list[Quote] = []
    for pi, sents in enumerate(sents_by_para):
        for s in sents:
            text = body[s.start : s.end]
            if any(s.start <= qs < s.end for qs, _ in quoted) or re.search(r"[\"“”]", text):
                continue
            rec = _match_sentence(body, s, text, pi, resolver, published)
            if rec:
                out.append(rec)
    return out


def _match_sentence(body: str, s: Span, text: str, pi: int, resolver: Resolver,
                    published: str | None) -> Quote | None:
    m = _INDIRECT.match(text)
    method = "indirect_subject"
    cue = None
    if m and _content_ok(m.group("clause")):
        sp, sp_at = m.group("sp"), s.start + m.start("sp")
        cue = m.group("cue").lower()
        if m.group("cue").lower() in ("told", "tells", "tell") and not m.group("obj"):
            return None
    else:
        m = _ACCORDING.match(text) or _ACCORDING_END.search(text)
        if not m:
            return None
        sp, sp_at = m.group("sp"), s.start + m.start("sp")
        cue, method = "according to", "indirect_according_to"
    kind = classify(sp)
    if kind == "pronoun":
        window = resolver.body.rfind("\n", 0, max(0, s.start - 2000))
        p = resolver.resolve_pronoun(sp, sp_at, s.start, max(0, window))
        method += "_pronoun"
        conf = 0.6
    elif kind == "nominal":
        p = resolver.resolve_nominal(sp)
        method += "_nominal"
        conf = 0.55
    else:
        if sp.split()[0].lower() in {"it", "this", "that", "there"}:
            return None
        p = resolver.resolve_name(sp, sp_at)
        conf = 0.75
    # The date of the saying is in the attribution, never in the reported content.
    head = text[: m.start("clause")] if m.re is _INDIRECT else ""
    said_on, date_text = find_date(head, published)
    if not said_on:
        said_on = published[:10] if published else None
    return Quote(
        text=text, kind="indirect", start=s.start, end=s.end, paragraph=pi,
        speaker=p.name if p else None, speaker_text=sp, cue=cue, said_on=said_on,
        date_text=date_text, method=method, confidence=conf,
    )
