"""said_on: the date of the speech act, from the statement's own clause or the passage it
belongs to; never from inside the quote or a clause about something else, never after
publication; the publication date (with no date_text) when the article gives no time."""
import pytest

from quotes.extract.dates import find_date
from quotes.extract.pipeline import run
from quotes.model import Article


def dated(body: str, published: str | None = "2024-10-13") -> dict[str, tuple]:
    """Quote text -> (said_on, date_text) for an article published on a Sunday."""
    ex = run(Article(body=body, source="t", title="t", published=published))
    return {q.text: (q.said_on, q.date_text) for q in ex.quotes}


def test_month_last_year():
    assert find_date("At the end of June last year, a statement", "2024-07-18")[0] == "2023-06"


def test_following_month_counts_from_the_date_before():
    assert find_date("The following month they posted", "2024-02-28", "2020-03-19")[0] == "2020-04"


def test_bare_month_in_a_passage_about_an_earlier_year():
    d = dated("On March 19, 2020, Sam Reed asked about jobs. In May, Sam Reed posted a photo "
              "with the caption “Off to training camp today”.", "2024-02-28")
    assert d["Off to training camp today"][0] == "2020-05"


def test_relative_clause_date_is_not_the_statement_date():
    d = dated("Sinwar is seen as a “hard-liner” even within Hamas, said Matt Levitt, senior "
              "fellow at the Institute, which was founded in 1985 with support from donors.")
    assert d["hard-liner"] == ("2024-10-13", None)


def test_date_of_an_earlier_happening_after_the_cue_is_not_used():
    d = dated("Under cross-examination, he said after the court had ruled, on June 29 2021, "
              "that Zuma must go to jail, there had been “intelligence gathering” in the country.")
    assert sorted(d.values()) == [("2024-10-13", None)] * 2  # the publication date, not 2021


def test_sentence_opening_date_dates_the_indirect_statement():
    d = dated("On Tuesday, the army spokesman, Daniel Hagari, said the appointment would not "
              "stop Israel.", "2024-08-08")
    assert [v[0] for v in d.values()] == ["2024-08-06"]


def test_remarks_continue_in_the_next_paragraph():
    d = dated("On Tuesday, the army spokesman, Daniel Hagari, said the appointment would not "
              "stop Israel.\n\n“There is only one place for him,” Hagari said.", "2024-08-08")
    assert d["There is only one place for him"][0] == "2024-08-06"


def test_sentence_dating_the_speakers_act():
    d = dated("Russian President Vladimir Putin on Friday denounced a drone strike on a "
              "college. Putin said he ordered the military to retaliate.", "2026-05-24")
    assert d["Putin said he ordered the military to retaliate."][0] == "2026-05-22"


def test_dated_speech_occasion_in_the_lede():
    d = dated("The party leaders met for the debate on Saturday ahead of the election.\n\n"
              "“We will discuss it within the party,” Shigeru Ishiba said.")
    assert d["We will discuss it within the party"][0] == "2024-10-12"


def test_own_frame_keeps_the_passage_date_away():
    d = dated("The party leaders met for the debate on Saturday ahead of the election.\n\n"
              "During the campaign, Shigeru Ishiba said the treaty was “an option.”")
    assert all(v[0] == "2024-10-13" for v in d.values())


def test_perfect_tense_is_no_occasion():
    d = dated("The party leaders met for the debate on Saturday ahead of the election.\n\n"
              "The ruling party has vowed to “abolish in the future” the funds.")
    assert all(v[0] == "2024-10-13" for v in d.values())


def test_date_inside_the_quote_is_not_when_it_was_said():
    d = dated("“The bridge closed on Tuesday and will stay shut,” Jane Porter said.")
    assert d["The bridge closed on Tuesday and will stay shut"] == ("2024-10-13", None)


def test_never_after_publication():
    d = dated("“We will win,” Jane Porter said ahead of the Oct. 27 election.")
    assert d["We will win"] == ("2024-10-13", None)


def test_frame_of_the_quoted_words_is_not_the_date():
    d = dated("He said timing was important. Specifically on July 9 and 10, “the country was in "
              "chaos”, he said.", "2025-11-10")
    assert d == {"He said timing was important.": ("2025-11-10", None),
                 "the country was in chaos": ("2025-11-10", None)}


@pytest.mark.parametrize("published", [None])
def test_weekday_unresolved_without_publication_date(published):
    d = dated("“We will win,” Jane Porter said on Tuesday.", published)
    assert d["We will win"] == (None, None)


def test_narrative_date_of_the_sentence_before_is_not_when_it_was_said():
    d = dated("In June 1984, Tanner Fischer joined the army. “It was hard,” Fischer said.\n\n"
              "Her son moved five years ago. “I was working three jobs,” Ann Fischer said. "
              "“He knew I needed benefits.”", "2023-05-15")
    assert all(v == ("2023-05-15", None) for v in d.values())
