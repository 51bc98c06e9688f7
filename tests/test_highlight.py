"""quotes.web.highlight: the article body as HTML, quotes marked by speaker, claims underlined."""
from __future__ import annotations

import re
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from quotes.web.highlight import Span, claim_tip, paragraphs, quote_tip, render, segments, speaker_colours

BODY = '"Talks soon," Ann <b>Lee</b> said.\n\nShe said "more" later & then.'


def test_paragraphs_drop_blank_lines():
    assert paragraphs("a\n\nb\n \n\nc") == [(0, 1), (3, 4), (8, 9)]
    assert paragraphs("") == [] and paragraphs("\n\n") == []
    assert paragraphs("one\ntwo") == [(0, 7)]


def test_speaker_colours_in_order_of_first_appearance():
    assert speaker_colours([4, None, 2, 4, 7]) == {4: "sp-0", 2: "sp-1", 7: "sp-2"}
    assert speaker_colours(range(12))[11] == "sp-1"  # ten colours, then round again


def test_quotes_are_marked_and_everything_is_escaped():
    out = render(BODY, [Span("q1", 1, 12, "Ann Lee: said", "sp-0 k-direct")])
    assert isinstance(out, Markup)
    assert '<span class="anchor" id="q-q1"></span><mark class="q sp-0 k-direct" data-quotes="q1"' in out
    assert 'title="Ann Lee: said">Talks soon,</mark>' in out
    assert "Ann &lt;b&gt;Lee&lt;/b&gt; said." in out and "&amp; then." in out
    assert out.count("<p>") == 2 and "<b>" not in out


def test_nested_quotes_take_the_innermost_colour_and_list_every_tip():
    outer = Span("out", 0, 33, "Ann Lee: said (indirect)", "sp-1 k-indirect")
    inner = Span("in", 1, 12, "Ann Lee: said (direct)", "sp-0 k-direct")
    pieces = [(a, b, [q.id for q in qs]) for _, a, b, qs, _ in segments(BODY, [outer, inner])]
    assert pieces[:3] == [(0, 1, ["out"]), (1, 12, ["in", "out"]), (12, 33, ["out"])]
    out = render(BODY, [outer, inner], focus="out")
    assert 'class="q sp-0 k-direct focus" data-quotes="in out"' in out
    assert 'data-tip="Ann Lee: said (direct)\nAnn Lee: said (indirect)"' in out
    assert 'class="q sp-1 k-indirect focus" data-quotes="out"' in out


def test_claims_are_underlined_spans_or_marks():
    claim = Span("c1", 35, 63, "Claim, statement")
    quote = Span("q2", 44, 50, "She: said", "sp-0 k-direct")
    out = render(BODY, [quote], [claim])
    assert '<span class="anchor" id="c-c1"></span><span class="claim" data-tip="Claim, statement"' in out
    assert 'class="q sp-0 k-direct claim" data-quotes="q2"' in out


def test_unknown_speakers_are_grey_and_offsets_are_clamped():
    out = render("abc", [Span("q", -5, 99, "Unknown speaker: said")])
    assert '<mark class="q sp-x"' in out and ">abc</mark>" in out
    assert render("abc", [Span("q", 2, 2, "empty")]) == Markup("<p>abc</p>")


def test_a_span_starting_between_paragraphs_anchors_at_the_next_one():
    body = "one\n\ntwo"
    out = render(body, [Span("q", 3, 8, "tip", "sp-0")])
    assert out.index('id="q-q"') > out.index("</p>")


def test_line_breaks_inside_a_paragraph():
    assert "one<br>two" in render("one\ntwo", [])


def test_tips():
    row = {"speaker_name": "Kirill Dmitriev", "speaker_text": "he", "cue": "said", "kind": "direct",
           "said_on": "2025-03-18"}
    assert quote_tip(row) == 'Kirill Dmitriev ("he"): said (direct, 2025-03-18)'
    assert quote_tip({"speaker_text": "an official", "kind": "indirect"}) == "an official: no cue (indirect)"
    assert quote_tip({}) == "Unknown speaker: no cue"
    assert claim_tip({"kind": "no_comment", "subject_name": "Musk", "object": "declined"}) == \
        "Claim, no comment, about Musk: declined"


class _Check(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.text, self.ok = [], [], True

    def handle_starttag(self, tag, attrs):
        if tag != "br":
            self.stack.append(tag)

    def handle_endtag(self, tag):
        self.ok = self.ok and bool(self.stack) and self.stack.pop() == tag

    def handle_data(self, data):
        self.text.append(data)


_TEXT = st.lists(st.sampled_from(list('ab <>&"\'\n') + ["\n\n", "<script>"]), max_size=30).map("".join)


@settings(max_examples=150, deadline=None)
@given(body=_TEXT, spans=st.lists(st.tuples(st.integers(-3, 70), st.integers(-3, 70), st.booleans()), max_size=6))
def test_any_spans_give_balanced_html_whose_text_is_the_body(body, spans):
    quotes = [Span(f"q{i}", a, b, f"tip <{i}>", f"sp-{i % 3}") for i, (a, b, claim) in enumerate(spans) if not claim]
    claims = [Span(f"c{i}", a, b, f"claim & {i}") for i, (a, b, claim) in enumerate(spans) if claim]
    out = render(body, quotes, claims)
    check = _Check()
    check.feed(str(out))
    check.close()
    assert check.ok and not check.stack
    expected = "".join(body[a:b] for a, b in paragraphs(body)).replace("\n", "")
    assert "".join(check.text).replace("\n", "") == expected
    assert not re.search(r"<(?!/?(p|mark|span|br)\b)", str(out)), "only our own tags"


def test_context_for_sql():
    from quotes.web.highlight import context

    body = 'The head of the fund said on Tuesday that "talks will come soon," adding that he was pleased.'
    assert context(body, 43, 64, 20) == '…on Tuesday that "»talks will come soon,«" adding that he…'
    assert context(body, 0, 8, 10) == "»The head« of the…"
    assert context(body, 43, 64, 0) == "»talks will come soon,«"
    assert context(None, 1, 2) is None and context(body, 5, 2) is None
    assert context("a\n\nb c", 3, 4) == "a »b« c"
