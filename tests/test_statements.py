"""One statement, one row (issue 13): a paraphrase carrying quoted words is one statement
whose quoted words take its speaker; an indirect row never holds a direct quote; a partial
quote with no cue of its own shares its sentence's source."""
from __future__ import annotations

from quotes.extract import extract_article
from quotes.model import Article

INTRO = "Maria Reyes is the head of the Riverside transit union.\n\n"


def rows(body: str) -> list[tuple[str, str, str | None]]:
    quotes = extract_article(Article(body=body, source="test", published="2025-03-18")).quotes
    for q in quotes:
        assert body[q.start : q.end] == q.text
    start = body.rindex("\n") + 1
    return [(q.kind, q.text, q.speaker) for q in quotes if q.start >= start]


def test_paraphrase_framing_quoted_words_is_one_partial_row_with_the_speaker():
    body = INTRO + 'Ms Reyes warned that the cuts would "gut the service".'
    assert rows(body) == [("partial", "gut the service", "Maria Reyes")]


def test_paraphrase_with_its_own_content_keeps_both_and_the_partial_gets_its_speaker():
    body = INTRO + ('Ms Reyes said the council had ignored the drivers for years and that the '
                    'new budget would "gut the service" within months.')
    found = rows(body)
    assert ("partial", "gut the service", "Maria Reyes") in found
    assert [k for k, _, _ in found].count("indirect") == 1
    assert all(speaker == "Maria Reyes" for _, _, speaker in found)


def test_partial_quote_takes_the_date_of_its_paraphrase():
    body = INTRO + 'Ms Reyes warned on Monday that the cuts would "gut the service".'
    q = [q for q in extract_article(Article(body=body, source="t", published="2025-03-20")).quotes
         if q.kind == "partial"][0]
    assert (q.speaker, q.said_on) == ("Maria Reyes", "2025-03-17")


def test_indirect_row_never_holds_a_direct_quote():
    body = INTRO + ('Tom Hill, the mayor, said the bridge would close in May for repairs, and '
                    'then he added: "We have no choice but to do it now, before the floods."')
    found = rows(body)
    direct = [t for k, t, _ in found if k == "direct"]
    assert direct == ["We have no choice but to do it now, before the floods."]
    assert found == [
        ("indirect", "Tom Hill, the mayor, said the bridge would close in May for repairs, and then he added",
         "Tom Hill"),
        ("direct", "We have no choice but to do it now, before the floods.", "Tom Hill"),
    ]


def test_partial_without_cue_shares_the_sentence_source():
    body = INTRO + 'Ms Reyes said the union stood for "all races" and a "balanced approach".'
    found = rows(body)
    partials = {t: s for k, t, s in found if k == "partial"}
    assert partials == {"all races": "Maria Reyes", "balanced approach": "Maria Reyes"}


def test_unattributed_partial_stays_without_speaker():
    body = INTRO + 'The so-called "smart" meters went on sale in May.'
    assert [(k, s) for k, _, s in rows(body)] in ([], [("partial", None)])


def test_quote_reopened_on_one_line_is_one_row_with_its_speaker():
    # Paragraph breaks lost: each paragraph of the quotation reopens without closing.
    body = INTRO + ('"The drivers have waited long enough," said Ms Reyes. "We asked the council '
                    'twice. "Nobody answered. "We will strike on Monday." The council said nothing.')
    assert rows(body) == [
        ("direct", "The drivers have waited long enough", "Maria Reyes"),
        ("direct", 'We asked the council twice. "Nobody answered. "We will strike on Monday.',
         "Maria Reyes"),
    ]


def test_headline_single_quotes_are_quotes_apostrophes_are_not():
    body = ("Riverside mayor 'turned and hissed' at a staffer in Okafor's office\n\n"
            'Maria Reyes said the mayor "turned and hissed" at her staff. It\'s the third time.')
    found = [(q.kind, q.text) for q in extract_article(Article(body=body, source="t")).quotes
             if q.kind != "indirect"]
    assert found == [("partial", "turned and hissed")] * 2  # the headline's and the body's


def test_headline_quote_takes_the_speaker_of_the_same_words_in_the_body():
    body = ("Union chief says cuts will 'gut the service'\n\n"
            'Maria Reyes warned that the cuts would "gut the service".')
    quotes = extract_article(Article(body=body, source="t")).quotes
    assert [q.speaker for q in quotes if q.text == "gut the service"] == ["Maria Reyes", "Maria Reyes"]


def test_a_word_or_two_in_quotes_that_no_one_said_is_a_term_not_a_statement():
    body = INTRO + 'The so-called "smart" meters went on sale in May, shown on "breakfast TV".'
    assert rows(body) == []


def test_partial_quote_after_a_belief_verb_inside_a_paraphrase_is_the_sayer_s():
    body = INTRO + ('Tom Hill, chair of the council committee, said no-one in the committee felt '
                    'Ms Reyes had "acted in bad faith."')
    assert [(k, s) for k, _, s in rows(body) if k == "partial"] == [("partial", "Tom Hill")]
