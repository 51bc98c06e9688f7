"""Reported (indirect) speech: one short hand-written case per rule and per false-positive
guard. Each record is checked for its text (the whole sentence, or the part of it an
attribution governs), speaker, cue, kind and method."""
from __future__ import annotations

import pytest

from quotes.extract import extract_article
from quotes.model import Article

INTRO = "Jane Porter, the mayor of Riverside, spoke at City Hall on Monday.\n\n"


def indirect(body: str):
    quotes = extract_article(Article(body=body, source="test", published="2025-03-18")).quotes
    found = [q for q in quotes if q.kind == "indirect"]
    for q in found:
        assert body[q.start : q.end] == q.text
    return found


def last_paragraph(body: str) -> int:
    return body.rindex("\n") + 1 if "\n" in body else 0


RULES = [
    # (id, body, [(text, speaker, speaker_text, cue, method)])
    ("subject",
     "Jane Porter said the bridge would reopen in the spring.",
     [("Jane Porter said the bridge would reopen in the spring.", "Jane Porter", "Jane Porter",
       "said", "indirect_subject")]),
    ("subject_told_object",
     "Jane Porter told reporters on Monday that the bridge would reopen in May.",
     [("Jane Porter told reporters on Monday that the bridge would reopen in May.",
       "Jane Porter", "Jane Porter", "told", "indirect_subject")]),
    ("subject_after_intro",
     "In a statement on Tuesday, Jane Porter argued that the repairs were overdue.",
     [("In a statement on Tuesday, Jane Porter argued that the repairs were overdue.",
       "Jane Porter", "Jane Porter", "argued", "indirect_subject")]),
    ("subject_after_conjunction",
     "The council voted against the plan, but Jane Porter insisted the bridge would reopen.",
     [("The council voted against the plan, but Jane Porter insisted the bridge would reopen.",
       "Jane Porter", "Jane Porter", "insisted", "indirect_subject")]),
    ("subject_pronoun",
     INTRO + "She said the bridge would reopen in May.",
     [("She said the bridge would reopen in May.", "Jane Porter", "She", "said",
       "indirect_subject_pronoun")]),
    ("subject_nominal_plural",
     "Officials said the bridge would reopen in May.",
     [("Officials said the bridge would reopen in May.", None, "Officials", "said",
       "indirect_subject_nominal")]),
    ("subject_nominal_poll",
     "A new Quinnipiac poll shows Porter leading Hill by ten points.",
     [("A new Quinnipiac poll shows Porter leading Hill by ten points.", None,
       "A new Quinnipiac poll", "shows", "indirect_subject_nominal")]),
    ("subject_report_noun",
     "A report said the bridge would cost twice as much as planned.",
     [("A report said the bridge would cost twice as much as planned.", None, "A report",
       "said", "indirect_subject_nominal")]),
    ("subject_infinitive",
     "Jane Porter threatened to close the bridge before the winter.",
     [("Jane Porter threatened to close the bridge before the winter.", "Jane Porter",
       "Jane Porter", "threatened", "indirect_subject")]),
    ("belief_with_that",
     "Jane Porter believes that the bridge will reopen in May.",
     [("Jane Porter believes that the bridge will reopen in May.", "Jane Porter",
       "Jane Porter", "believes", "indirect_subject")]),
    ("subject_object_verb",
     "Jane Porter criticized that the council's budget was late.",
     [("Jane Porter criticized that the council's budget was late.", "Jane Porter", "Jane Porter",
       "criticized", "indirect_subject")]),
    ("object_verb_with_a_clause_of_its_own",
     "Jane Porter described the budget as a disgrace.",
     [("Jane Porter described the budget as a disgrace.", "Jane Porter", "Jane Porter",
       "described", "indirect_subject")]),
    ("subject_apposition_name",
     "A city spokesman, Tom Hill, said the bridge would reopen in May.",
     [("A city spokesman, Tom Hill, said the bridge would reopen in May.", "Tom Hill",
       "Tom Hill", "said", "indirect_subject")]),
    ("mid_sentence",
     "The bridge, Jane Porter said, will reopen in May.",
     [("The bridge, Jane Porter said, will reopen in May.", "Jane Porter", "Jane Porter",
       "said", "indirect_subject")]),
    ("inverted",
     "The bridge will reopen in May, Jane Porter said on Monday.",
     [("The bridge will reopen in May, Jane Porter said on Monday.", "Jane Porter",
       "Jane Porter", "said", "indirect_inverted")]),
    ("inverted_verb_first",
     "The bridge will reopen in May, said Jane Porter, the mayor.",
     [("The bridge will reopen in May, said Jane Porter, the mayor.", "Jane Porter",
       "Jane Porter", "said", "indirect_inverted")]),
    ("inverted_nominal",
     "The bridge will reopen in May, the city's engineers said.",
     [("The bridge will reopen in May, the city's engineers said.", None,
       "the city's engineers", "said", "indirect_inverted_nominal")]),
    ("according_to_end",
     "The bridge will reopen in May, according to Jane Porter.",
     [("The bridge will reopen in May, according to Jane Porter.", "Jane Porter",
       "Jane Porter", "according to", "indirect_according_to")]),
    ("according_to_start",
     "According to a city report, the bridge will reopen in May.",
     [("According to a city report, the bridge will reopen in May.", None, "a city report",
       "according to", "indirect_according_to_nominal")]),
    ("relative",
     "Jane Porter, who said the bridge would reopen in May, left the meeting early.",
     [("Jane Porter, who said the bridge would reopen in May, left the meeting early.",
       "Jane Porter", "Jane Porter", "said", "indirect_relative")]),
    ("passive_by",
     "The delay was first reported by the Riverside Gazette.",
     [("The delay was first reported by the Riverside Gazette.", "Riverside Gazette",
       "the Riverside Gazette", "reported", "indirect_passive")]),
    ("partial_quote",
     "Jane Porter said the delay was \u201ca total disaster\u201d for the whole town.",
     [("Jane Porter said the delay was \u201ca total disaster\u201d for the whole town.",
       "Jane Porter", "Jane Porter", "said", "indirect_partial_quote")]),
    ("colon_headline",
     "Jane Porter: The bridge will reopen in May.",
     [("Jane Porter: The bridge will reopen in May.", "Jane Porter", "Jane Porter", ":",
       "indirect_colon")]),
    # Several attributions in one sentence: one record each, over the part it governs.
    ("split_participle",
     "Jane Porter defended that the budget was fair, saying the repairs would pay for themselves.",
     [("Jane Porter defended that the budget was fair", "Jane Porter", "Jane Porter", "defended",
       "indirect_subject"),
      ("saying the repairs would pay for themselves.", "Jane Porter", "Jane Porter", "saying",
       "indirect_participle")]),
    ("split_two_speakers",
     "Jane Porter said the bridge would reopen in May, and Tom Hill said the ferry would stop.",
     [("Jane Porter said the bridge would reopen in May", "Jane Porter", "Jane Porter", "said",
       "indirect_subject"),
      ("Tom Hill said the ferry would stop.", "Tom Hill", "Tom Hill", "said",
       "indirect_subject")]),
    # Verbs that also take a noun phrase report speech with a clause of their own.
    ("announcement_clause",
     "The council announced the bridge would reopen in May.",
     [("The council announced the bridge would reopen in May.", None, "The council",
       "announced", "indirect_subject_nominal")]),
    ("announcement_past_tense_clause",
     "The council confirmed the inspector declined to reopen the case.",
     [("The council confirmed the inspector declined to reopen the case.", None, "The council",
       "confirmed", "indirect_subject_nominal")]),
    ("bare_weekday_before_that",
     "Jane Porter indicated Monday that the bridge would reopen in May.",
     [("Jane Porter indicated Monday that the bridge would reopen in May.", "Jane Porter",
       "Jane Porter", "indicated", "indirect_subject")]),
    ("forecast_inverted",
     "Growth in Riverside is set to accelerate next year, the council forecast.",
     [("Growth in Riverside is set to accelerate next year, the council forecast.", None, "the council",
       "forecast", "indirect_inverted_nominal")]),
    ("late_that_after_particle",
     "Jane Porter pointed out that the ferry would stop in June.",
     [("Jane Porter pointed out that the ferry would stop in June.", "Jane Porter",
       "Jane Porter", "pointed", "indirect_subject")]),
    ("first_verb_of_saying_in_a_long_subject",
     "Jane Porter acknowledged some people believed the bridge was unsafe, but said the repairs were done.",
     [("Jane Porter acknowledged some people believed the bridge was unsafe", "Jane Porter",
       "Jane Porter", "acknowledged", "indirect_subject"),
      ("said the repairs were done.", "Jane Porter", "Jane Porter", "said", "indirect_coordinate")]),
    ("split_coordinate",
     "Jane Porter praised the engineers as heroes and warned that the ferry would stop in June.",
     [("Jane Porter praised the engineers as heroes", "Jane Porter", "Jane Porter", "praised",
       "indirect_subject"),
      ("warned that the ferry would stop in June.", "Jane Porter", "Jane Porter", "warned",
       "indirect_coordinate")]),
]


@pytest.mark.parametrize("body,expected", [(b, e) for _, b, e in RULES],
                         ids=[i for i, _, _ in RULES])
def test_rules(body, expected):
    start = last_paragraph(body)
    found = [q for q in indirect(body) if q.start >= start]
    assert [(q.text, q.speaker, q.speaker_text, q.cue, q.method) for q in found] == expected
    for q in found:
        assert 0 < q.confidence <= 1
        assert q.said_on in ("2025-03-17", "2025-03-18")


GUARDS = [
    # (id, body): no reported speech in the last paragraph.
    ("said_nothing", "Jane Porter said nothing about the bridge."),
    ("said_so", "Jane Porter said so."),
    ("question", "Did Jane Porter say the bridge would reopen in May?"),
    ("told_to_leave", "Jane Porter was told to leave the meeting before the vote."),
    ("reported_as_adjective", "The reported cost of the bridge rose again this year."),
    ("claim_as_noun", "His recent claim that the bridge was safe drew criticism."),
    ("possessive_subject", "Porter's claims about the bridge were checked by the council."),
    ("attack_as_noun", "The Porter attack hit the council harder than expected."),
    ("declined_to_comment", "The company declined to comment on the bridge."),
    ("did_not_respond", "Jane Porter did not respond to requests for comment."),
    ("had_not_commented", "Tom Hill had not publicly commented on the talks."),
    ("spoke_from", "Tom Hill spoke from the steps of City Hall for an hour."),
    ("direct_quote_colon", "Jane Porter said: \u201cThe bridge will reopen in May.\u201d"),
    ("direct_quote_trailing", "\u201cWe will rebuild the bridge,\u201d Jane Porter said at a town hall."),
    ("direct_quote_split",
     "\u201cWe will rebuild the bridge,\u201d Jane Porter said, \u201cand we will pay for it.\u201d"),
    ("name_inside_quote", "\u201cTom Hill said the bridge is safe\u201d was the headline."),
    ("no_cue", "The bridge over the Riverside canal reopened in May after repairs."),
    ("preposition_after_name", "A letter to Jane Porter said nothing new."),
    # What someone wants, plans or expects, unsaid, is no statement.
    ("wants_to", "Jane Porter wants to rebuild the bridge before the winter."),
    ("intends_to", "The city intends to spend a similar sum on the rebuilding work."),
    ("expects_no_that", "In the affected provinces, Tom Hill expects the loss of revenue to be offset."),
    ("thought_no_that", "Jane Porter thought she was doing well."),
    # A stance toward a thing, not words reported: "criticized the plan".
    ("object_noun_phrase", "Jane Porter criticized the council's budget."),
    # An announcement, a work written, a call repeated: acts, not words reported.
    ("announced_noun_phrase", "The council announced two days of mourning for the victims."),
    ("wrote_a_film", "Tom Hill, 45, wrote, directed and starred in the film about the bridge."),
    ("reiterated_call", "Jane Porter reiterated her call for a thorough investigation by the council."),
    ("declared_gifts", "However, Tom Hill declared the gifts to his wife, received before the vote."),
    ("object_clause_inside_noun", "Tom Hill commented on the fact that the council is expected to spend more."),
    ("announced_adjective_noun", "The council announced the planned closure of the bridge."),
    ("object_then_other_clause", "While Tom Hill has blamed the council for the delay, the council has not replied."),
    ("coordinate_adjective", "The committee sent a letter to the mayor and alleged secret payments to the builder."),
    ("relative_finding", "For families who do find child care, the expense can become overwhelming."),
    # A denial that never happened, a claim not made.
    ("did_not_deny", "At her bail hearing, Jane Porter did not deny sending the messages."),
    ("has_not_claimed", "Tom Hill has not claimed responsibility for the delay."),
]


@pytest.mark.parametrize("body", [b for _, b in GUARDS], ids=[i for i, _ in GUARDS])
def test_guards(body):
    start = last_paragraph(body)
    assert [q.text for q in indirect(body) if q.start >= start] == []


def test_said_on_from_the_attribution_clause():
    q = indirect("Jane Porter said on Monday that the bridge would reopen in May.")[0]
    assert (q.said_on, q.date_text) == ("2025-03-17", "on Monday")


def test_unresolved_pronoun_keeps_no_speaker():
    q = indirect("They said the bridge would reopen in May.")[0]
    assert (q.speaker, q.speaker_text, q.method) == (None, "They", "indirect_subject_pronoun")


def test_deterministic():
    body = INTRO + "She said the bridge would reopen in May, and Tom Hill said it would not."
    assert indirect(body) == indirect(body)


@pytest.mark.parametrize("clause", [
    "the plan failed, saying it was bad, ",
    "and said the plan was bad ",
    'Porter said that "the plan" was bad and ',
    "Officials said the plan, which critics said, ",
])
def test_one_very_long_sentence_stays_fast(clause):
    """Every look-back and look-ahead is bounded: a sentence of hundreds of clauses costs
    about what as many sentences do, not hundreds of times more."""
    import time

    body = clause * 300 + "end."
    started = time.process_time()
    found = indirect(body)
    assert time.process_time() - started < 10
    assert all(body[q.start : q.end] == q.text for q in found)


def test_reported_speech_after_a_quote_that_ends_its_sentence():
    body = ('Jane Porter spoke at City Hall. "The bridge can fall in a few days." Porter noted '
            'that repairs to a single span could cost $40m.')
    found = indirect(body)
    assert [(q.text, q.speaker) for q in found] == [
        ("Porter noted that repairs to a single span could cost $40m.", "Jane Porter")]
