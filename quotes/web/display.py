"""How a quote's words are shown on the project's pages: a speaker's own words in quote
marks, reported speech marked as paraphrase.

`quotes.kind` says which: `direct` and `partial` quotes are the words as spoken and get
curly quote marks; an `indirect` quote is the reporter's wording ("Dmitriev said he would
meet Musk") and must never look like a quotation, so it gets no marks, a visible
"paraphrase" label (a word, not a colour alone) and the `paraphrase` class (italic in
quotes/web/static/quotes.css). Any other kind (a row from an older database, a kind this
version does not know) gets neither: no marks it may not deserve, no label it may not need.

Pure and escaping: the text goes through markupsafe, whatever it holds. The templates use
it as the `quoted` filter (prepare_jinja2_environment in quotes/web/): `{{ q.text|quoted(q.kind) }}`.
"""
from __future__ import annotations

from markupsafe import Markup, escape

QUOTED_KINDS = ("direct", "partial")
PARAPHRASE_KINDS = ("indirect",)
PARAPHRASE_LABEL = "paraphrase"
PARAPHRASE_TITLE = "Reported speech: the reporter's wording, not a direct quote"


def quoted(text, kind: str | None) -> Markup:
    """The words as HTML: “in quote marks” for direct and partial quotes, labelled
    paraphrase for reported speech, plain for anything else."""
    words = escape("" if text is None else text)
    if kind in QUOTED_KINDS:
        return Markup('<span class="quoted k-{}">\u201c{}\u201d</span>').format(kind, words)
    if kind in PARAPHRASE_KINDS:
        return Markup('<span class="paraphrase k-{}"><span class="paraphrase-label" title="{}">{}</span> '
                      '{}</span>').format(kind, PARAPHRASE_TITLE, PARAPHRASE_LABEL, words)
    return Markup('<span class="unmarked">{}</span>').format(words)


def group_kind(kinds) -> str | None:
    """The kind a quote group's words are shown as: quoted when any printing quotes them
    (then they are someone's words verbatim), paraphrase when every printing is reported
    speech, else unknown (None)."""
    kinds = list(kinds)
    for kind in QUOTED_KINDS:
        if kind in kinds:
            return kind
    if kinds and all(k in PARAPHRASE_KINDS for k in kinds):
        return PARAPHRASE_KINDS[0]
    return None
