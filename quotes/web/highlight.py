"""An article body as HTML with its quotes highlighted and its claims underlined.

Pure functions of the body text and the quote and claim spans (`start`/`end` index the
body as Python and SQLite both count characters), so they can be tested without
Datasette. Every piece of article text goes through markupsafe's escape: a body, a
quote or a name full of tags comes out as text.

Spans may overlap: reported speech (`indirect`) contains the direct quote inside it, a
claim may cover the same sentence as a quote. The body is cut at every span boundary
and every paragraph break; each piece is one element whose colour is the innermost
quote covering it (its speaker's), underlined when a claim covers it, with every
covering quote and claim in its hover text.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

PALETTE_SIZE = 10  # CSS classes sp-0 .. sp-9; speakers past ten share colours
UNKNOWN = "sp-x"  # quotes without a speaker

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class Span:
    """A quote or claim as the highlighter needs it."""

    id: str
    start: int
    end: int
    tip: str  # the hover text: "Kirill Dmitriev: said (direct, 2025-03-18)"
    css: str = ""  # for quotes: the speaker's colour class and the kind ("sp-0 k-direct")


def paragraphs(body: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph: text between blank lines, blank ones dropped."""
    spans, pos = [], 0
    for m in _PARAGRAPH_BREAK.finditer(body):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(body)))
    return [(a, b) for a, b in spans if body[a:b].strip()]


def speaker_colours(speaker_ids: Iterable) -> dict:
    """A colour class per speaker, in order of first appearance; None is unknown."""
    colours: dict = {}
    for sid in speaker_ids:
        if sid is not None and sid not in colours:
            colours[sid] = f"sp-{len(colours) % PALETTE_SIZE}"
    return colours


def _clamp(span: Span, length: int) -> Span | None:
    start, end = max(0, span.start or 0), min(length, span.end or 0)
    if start >= end:
        return None
    return Span(span.id, start, end, span.tip, span.css)


def segments(body: str, quotes: Sequence[Span], claims: Sequence[Span] = ()):
    """Yield (paragraph index, start, end, covering quotes, covering claims) pieces.

    Pieces tile each paragraph exactly; covering lists are innermost first.
    """
    quotes = [s for s in (_clamp(q, len(body)) for q in quotes) if s]
    claims = [s for s in (_clamp(c, len(body)) for c in claims) if s]
    everything = quotes + claims
    for index, (p_start, p_end) in enumerate(paragraphs(body)):
        cuts = {p_start, p_end}
        for s in everything:
            if s.start < p_end and s.end > p_start:
                cuts.update(c for c in (s.start, s.end) if p_start < c < p_end)
        cuts = sorted(cuts)
        for a, b in zip(cuts, cuts[1:]):
            over_q = sorted((q for q in quotes if q.start <= a and q.end >= b),
                            key=lambda q: (q.end - q.start, q.start))
            over_c = sorted((c for c in claims if c.start <= a and c.end >= b),
                            key=lambda c: (c.end - c.start, c.start))
            yield index, a, b, over_q, over_c


def render(body: str, quotes: Sequence[Span], claims: Sequence[Span] = (),
           focus: str | None = None) -> Markup:
    """The body as <p> paragraphs of highlighted pieces.

    Each quote and claim gets an empty anchor at its start (`id="q-<id>"`,
    `id="c-<id>"`) so cells can link to its place; `focus` is a quote id whose pieces
    get the `focus` class. Single line breaks inside a paragraph become <br>.
    """
    paras = paragraphs(body)
    starts: dict[int, list[Markup]] = {}
    for prefix, spans in (("q", quotes), ("c", claims)):
        for s in spans:
            clamped = _clamp(s, len(body))
            if clamped:
                anchor = Markup('<span class="anchor" id="{}-{}"></span>').format(prefix, s.id)
                starts.setdefault(_piece_start(paras, clamped.start), []).append(anchor)
    out: list[Markup] = []
    current = None
    placed: set[int] = set()
    for index, a, b, over_q, over_c in segments(body, quotes, claims):
        if index != current:
            if current is not None:
                out.append(Markup("</p>\n"))
            out.append(Markup("<p>"))
            current = index
        if a in starts and a not in placed:
            out.extend(starts[a])
            placed.add(a)
        text = Markup("<br>").join(escape(line) for line in body[a:b].split("\n"))
        if not over_q and not over_c:
            out.append(text)
            continue
        classes = []
        if over_q:
            classes += ["q", *(over_q[0].css or UNKNOWN).split()]
            if focus and any(q.id == focus for q in over_q):
                classes.append("focus")
        if over_c:
            classes.append("claim")
        tip = "\n".join(s.tip for s in (*over_q, *over_c))
        if over_q:
            out.append(Markup('<mark class="{}" data-quotes="{}" data-tip="{}" title="{}">{}</mark>').format(
                " ".join(classes), " ".join(q.id for q in over_q), tip, tip, text))
        else:
            out.append(Markup('<span class="{}" data-tip="{}" title="{}">{}</span>').format(
                " ".join(classes), tip, tip, text))
    if current is not None:
        out.append(Markup("</p>"))
    for pos in sorted(set(starts) - placed):  # only when the body is blank
        out.extend(starts[pos])
    return Markup("").join(out)


def _piece_start(paras: list[tuple[int, int]], pos: int) -> int:
    """Where a span starting at `pos` shows: there, or at the next paragraph when
    `pos` falls in the blank lines between two."""
    for p_start, p_end in paras:
        if pos < p_end:
            return max(pos, p_start)
    return paras[-1][0] if paras else pos


def quote_tip(row: Mapping) -> str:
    """Hover text for a quote row: speaker, cue, kind and date."""
    who = row.get("speaker_name") or row.get("speaker_text") or "Unknown speaker"
    if row.get("speaker_name") and row.get("speaker_text") and row["speaker_text"] != row["speaker_name"]:
        who = f'{who} ("{row["speaker_text"]}")'
    cue = row.get("cue") or "no cue"
    details = ", ".join(str(v) for v in (row.get("kind"), row.get("said_on")) if v)
    return f"{who}: {cue}" + (f" ({details})" if details else "")


def claim_tip(row: Mapping) -> str:
    """Hover text for a claim row: its kind, subject and object."""
    kind = (row.get("kind") or "claim").replace("_", " ")
    about = row.get("subject_name")
    tip = f"Claim, {kind}" + (f", about {about}" if about else "")
    if row.get("object"):
        tip += f": {row['object']}"
    return tip


def context(body: str | None, start: int | None, end: int | None, chars: int = 80) -> str | None:
    """The quote with up to `chars` characters either side, cut at spaces: plain text for
    SQL (the plugin's prepare_connection, quotes/web/, registers it as `quote_context(body, start, end[, chars])`).

    The quote itself is wrapped in »« so it stands out in a CSV cell.
    """
    if body is None or start is None or end is None:
        return None
    start, end = max(0, int(start)), min(len(body), int(end))
    if start > end:
        return None
    chars = max(0, int(chars))
    before, after = body[max(0, start - chars):start], body[end:end + chars]
    if start - chars > 0 and " " in before:
        before = "…" + before[before.index(" ") + 1:]
    if end + chars < len(body) and " " in after:
        after = after[:after.rindex(" ")] + "…"
    flat = lambda text: " ".join(text.split())  # noqa: E731
    gap_before = " " if before[-1:].isspace() else ""
    gap_after = " " if after[:1].isspace() else ""
    return f"{flat(before)}{gap_before}»{body[start:end]}«{gap_after}{flat(after)}".strip()
