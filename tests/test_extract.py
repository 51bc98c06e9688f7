"""Extraction rules, one short hand-written case per sieve and failure mode."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quotes.extract import extract_article
from quotes.model import Article


def extract(body: str, title: str | None = None, published: str | None = "2025-03-18"):
    return extract_article(Article(body=body, source="test", title=title, published=published))


def only(body: str, kind: str = "direct", **kw):
    found = [q for q in extract(body, **kw).quotes if q.kind == kind]
    return found


INTRO = "Jane Porter, the mayor of Riverside, spoke at City Hall on Monday.\n\n"

SIEVES = [
    # (body, quote text, speaker, method prefix, cue)
    ('"We will rebuild the bridge," Jane Porter said.', "We will rebuild the bridge",
     "Jane Porter", "quote_cue_speaker", "said"),
    ('"We will rebuild the bridge," said Jane Porter, the mayor.', "We will rebuild the bridge",
     "Jane Porter", "quote_cue_speaker", "said"),
    ("Jane Porter said: \u201cWe will rebuild the bridge.\u201d", "We will rebuild the bridge.",
     "Jane Porter", "speaker_cue_colon", "said"),
    ('Jane Porter told reporters that "we will rebuild the bridge."', "we will rebuild the bridge.",
     "Jane Porter", "speaker_cue_quote", "told"),
    (INTRO + '"We will rebuild the bridge," she said.', "We will rebuild the bridge",
     "Jane Porter", "quote_cue_speaker_pronoun", "said"),
    ('"We will rebuild the bridge," Hugh Hill, a doctor at Riverside General, said.',
     "We will rebuild the bridge", "Hugh Hill", "quote_cue_speaker", "said"),
    ('"We will rebuild the bridge," according to Jane Porter.', "We will rebuild the bridge",
     "Jane Porter", "quote_cue_speaker", "according to"),
    ("\u201cWe will rebuild the bridge.\u201d \u2015 Jane Porter", "We will rebuild the bridge.",
     "Jane Porter", "quote_cue_speaker", None),
    ('"PORTER: We will rebuild the bridge."', "PORTER: We will rebuild the bridge.",
     "PORTER", "transcript_label", None),
]


@pytest.mark.parametrize("body,text,speaker,method,cue", SIEVES)
def test_sieves(body, text, speaker, method, cue):
    quotes = only(body)
    assert [q.text for q in quotes] == [text]
    q = quotes[0]
    assert q.speaker == speaker
    assert q.method.startswith(method)
    assert q.cue == cue
    assert 0 < q.confidence <= 1


def test_second_quote_in_paragraph_keeps_speaker():
    body = '"We will rebuild," Jane Porter said. "It will take two years."'
    quotes = only(body)
    assert [(q.text, q.speaker, q.method) for q in quotes] == [
        ("We will rebuild", "Jane Porter", "quote_cue_speaker"),
        ("It will take two years.", "Jane Porter", "same_paragraph"),
    ]


def test_split_quote_both_halves():
    body = '"We will rebuild," Jane Porter said, "and we will pay for it."'
    quotes = only(body)
    assert [q.speaker for q in quotes] == ["Jane Porter", "Jane Porter"]


def test_multi_paragraph_quote_continues():
    body = ('Jane Porter said the plan was ready.\n\n'
            '"We will rebuild the bridge," she said. "We will start in May.\n\n'
            '"And we will finish before the winter."')
    quotes = only(body)
    assert quotes[-1].text == "And we will finish before the winter."
    assert quotes[-1].speaker == "Jane Porter"
    assert quotes[-1].method.startswith("continuation")


def test_pronoun_takes_compatible_gender():
    body = ("Tom Baker criticised Jane Porter on Monday.\n\n"
            '"He has no plan at all," she said.')
    assert only(body)[0].speaker == "Jane Porter"


def test_name_inside_quote_is_never_speaker():
    body = '"Tom Baker said nothing to us," the residents said.'
    assert [(q.text, q.speaker, q.speaker_text) for q in only(body)] == [
        ("Tom Baker said nothing to us", None, "the residents")]


def test_anonymous_source_keeps_text_without_speaker():
    body = '"The budget is gone," a senior official said.'
    q = only(body)[0]
    assert q.speaker is None
    assert q.speaker_text == "a senior official"


def test_partial_quote_attributed_to_sentence_subject():
    body = 'Jane Porter said the plan was "a total disaster" for the town.'
    quotes = extract(body).quotes
    partial = [q for q in quotes if q.kind == "partial"]
    assert [(q.text, q.speaker) for q in partial] == [("a total disaster", "Jane Porter")]


def test_scare_quotes_and_titles_are_not_direct():
    body = 'The so-called "deplorables" watched "Meet the Press" on Sunday.'
    assert only(body) == []


def test_apostrophes_are_not_quotes():
    body = "Porter's plan isn't the council's. Rock 'n' roll fans said it's fine."
    assert extract(body).quotes == [] or all(q.kind == "indirect" for q in extract(body).quotes)


def test_nyt_double_apostrophes():
    body = "''We will rebuild the bridge,'' Jane Porter said."
    assert [(q.text, q.speaker) for q in only(body)] == [("We will rebuild the bridge", "Jane Porter")]


def test_british_single_quotes():
    body = "\u2018We will rebuild the bridge,\u2019 Jane Porter said."
    assert [(q.text, q.speaker) for q in only(body)] == [("We will rebuild the bridge", "Jane Porter")]


def test_indirect_speech():
    body = "Jane Porter said the bridge would reopen in the spring after repairs."
    q = only(body, kind="indirect")[0]
    assert (q.speaker, q.cue) == ("Jane Porter", "said")


def test_said_on_resolves_weekday_against_publication():
    body = '"We will rebuild," Jane Porter said on Monday.'
    q = only(body)[0]
    assert (q.said_on, q.date_text) == ("2025-03-17", "on Monday")


def test_no_comment_claim_with_as_of():
    body = ("Jane Porter was asked about the bridge.\n\n"
            "As of Tuesday afternoon, Porter had not publicly commented on the plan.")
    claims = [c for c in extract(body).claims if c.kind == "no_comment"]
    assert [(c.subject, c.as_of) for c in claims] == [("Jane Porter", "2025-03-18")]


def test_role_from_apposition_and_appointment():
    body = ("Jane Porter, the mayor of Riverside, spoke on Monday.\n\n"
            "Governor Tom Baker later appointed Porter as his special adviser on flooding.")
    roles = {(c.subject, c.object, c.by) for c in extract(body).claims if c.kind == "role"}
    assert ("Jane Porter", "the mayor of Riverside", None) in roles
    assert ("Jane Porter", "special adviser on flooding", "Tom Baker") in roles


def test_canonical_name_is_fullest_form():
    body = ('Jane Porter spoke on Monday.\n\n"We will rebuild," Porter said.')
    ex = extract(body)
    people = {e.name: e for e in ex.entities if e.kind == "person"}
    assert set(people) == {"Jane Porter"}
    assert {"Jane Porter", "Porter"} <= set(people["Jane Porter"].aliases)
    assert only(body)[0].speaker == "Jane Porter"


def test_extraction_is_deterministic():
    body = INTRO + '"We will rebuild the bridge," she said. "Soon."'
    assert extract(body) == extract(body)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('ab AB."“”‘’\'\n,:—Said said he she Mr.')), max_size=300))
def test_never_raises_and_offsets_slice_body(body):
    ex = extract(body)
    for q in ex.quotes:
        assert body[q.start : q.end] == q.text
    for c in ex.claims:
        assert body[c.start : c.end] == c.text


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=400))
def test_never_raises_on_any_unicode(body):
    ex = extract(body, published=None)
    for q in ex.quotes:
        assert body[q.start : q.end] == q.text


MORE_SIEVES = [
    ('Jane Porter attacked the plan on Monday, saying, "It will never work."',
     "It will never work.", "Jane Porter", "subject_participle"),
    ('Jane Porter sent a message to the council: "It will never work."',
     "It will never work.", "Jane Porter", "subject_colon"),
    ("The critics included Jane Porter -- ''It will never work,'' she wrote.",
     "It will never work", "Jane Porter", "quote_cue_speaker_pronoun"),
    ('"It will never work," said Democratic pollster Tom Baker.',
     "It will never work", "Tom Baker", "quote_cue_speaker"),
    ('"It will never work," Tom Baker, the council\u2019s budget chief, said.',
     "It will never work", "Tom Baker", "quote_cue_speaker"),
    ('"It will never work," said the Rev. Tom Baker.',
     "It will never work", "Tom Baker", "quote_cue_speaker"),
    ("Said Jane Porter: \u201cIt will never work.\u201d",
     "It will never work.", "Jane Porter", "speaker_cue_colon"),
]


@pytest.mark.parametrize("body,text,speaker,method", MORE_SIEVES)
def test_more_sieves(body, text, speaker, method):
    quotes = only(body)
    assert [(q.text, q.speaker) for q in quotes] == [(text, speaker)]
    assert quotes[0].method == method


def test_headline_labels_are_not_speakers():
    body = '"VIDEO: Jane Porter speaks to the council about the bridge."'
    assert all(q.speaker is None for q in extract(body).quotes)


def test_continuation_after_long_attribution_clause():
    body = ('"We will rebuild," Jane Porter said, referring to the bridge that collapsed '
            'in the storm last winter and has been closed ever since.\n\n'
            '"And we will pay for it."')
    assert only(body)[-1].speaker == "Jane Porter"


def test_quote_followed_by_new_sentence_does_not_continue():
    body = ('"We will rebuild," Jane Porter said. Tom Baker disagreed with her.\n\n'
            '"There is no money."')
    assert [(q.text, q.speaker) for q in only(body)] == [
        ("We will rebuild", "Jane Porter"), ("There is no money.", None)]


# The cue lexicon's false positives: nouns and possessives that look like cues.
CUE_FALSE_POSITIVES = [
    "Jane Porter\u2019s claims about the bridge were false.",
    "His remarks came just hours before the vote.",
    "The notes from the meeting were lost.",
    "Tom Baker reports to the mayor every Monday.",
    "The council called a meeting for Tuesday.",
]


@pytest.mark.parametrize("body", CUE_FALSE_POSITIVES)
def test_cue_false_positives(body):
    assert extract(body).quotes == []  # no statement at all, so no speaker


def test_cue_lexicon_is_versioned_data():
    from importlib import resources

    text = resources.files("quotes").joinpath("data/cues.txt").read_text("utf-8")
    assert "version" in text.splitlines()[0]
    from quotes.extract.lexicon import cue_forms

    assert cue_forms()["said"] == ("say", True)
    assert "remarks" not in cue_forms() and "claims" not in cue_forms()


def test_accents_fold_when_matching_names():
    body = ("Jos\u00e9 Mart\u00ednez spoke on Monday.\n\n"
            '"We will rebuild," Martinez said.')
    assert only(body)[0].speaker == "Jos\u00e9 Mart\u00ednez"


def test_organisations_kept_apart_from_people():
    body = ("Sarah Ford, a spokeswoman for Ford Motor Company, spoke on Monday.\n\n"
            '"We will rebuild," Ford said.')
    ex = extract(body)
    kinds = {e.name: e.kind for e in ex.entities}
    assert kinds["Sarah Ford"] == "person" and kinds["Ford Motor Company"] == "organization"
    assert only(body)[0].speaker == "Sarah Ford"


# -- attribution accuracy work on PolNeAR (issue 3): one case per rule ----------------------

def test_pronoun_subject_chain_skips_names_after_the_pronoun():
    body = ("Tom Baker, a former party chairman, spoke on Monday.\n\n"
            "Nonetheless, he said, a fight could lead to lobbying by loyalists to Joe Biden.\n\n"
            '"This is a different time," he said.')
    assert [(q.text, q.speaker) for q in only(body)] == [("This is a different time", "Tom Baker")]


def test_pronoun_subject_chain_not_for_subordinate_clause():
    body = ("Mark Jones spoke on Monday.\n\n"
            "While he supports the plan, Tom Baker admits it has flaws.\n\n"
            '"Nobody is for war," he said.')
    assert [q.speaker for q in only(body)] == ["Tom Baker"]


def test_new_speaker_name_is_antecedent_for_later_pronoun():
    # A single first name names nobody until it speaks; then "she" can refer to it.
    body = ('"That is right," Melanie said to the crowd.\n\n'
            "The balloons dropped.\n\n"
            '"It is finished," she said.')
    assert [q.speaker for q in only(body)] == ["Melanie", "Melanie"]


@pytest.mark.parametrize("body,speaker", [
    ('During a national security speech earlier in the day, Jane Porter attacked the plan, '
     'saying, "It will never work."', "Jane Porter"),
    ('On July 6, 2015, Jane Porter made the following comment: "It will never work."',
     "Jane Porter"),
    ('As Jane Porter put it: "It will never work."', "Jane Porter"),
])
def test_introductory_phrase_is_not_the_subject(body, speaker):
    assert [q.speaker for q in only(body)] == [speaker]


def test_colon_after_described_subject():
    body = 'The piece used one of her lines as its headline: "Finally, someone who thinks like me."'
    quotes = only(body)
    assert [(q.speaker_text, q.method) for q in quotes] == [("The piece", "subject_colon_nominal")]



def test_subject_name_before_apposition_and_colon():
    body = ('Mr. Kim, who was traveling in Europe this week, said in a recent issue of the '
            'magazine: "In order to change, you have to take risks."')
    assert [(q.speaker, q.method) for q in only(body)] == [("Kim", "subject_colon")]


def test_description_then_name_apposition_names_the_subject():
    body = ("Clinton's campaign chairman, John Podesta, said in a statement: "
            '"Tonight, Donald Trump painted a dark picture."')
    assert [(q.speaker, q.method) for q in only(body)] == [("John Podesta", "speaker_cue_colon")]


def test_participle_takes_the_nearest_cue_subject():
    body = ("Ryan and Trump will meet next week, Sean Spicer said, adding, "
            '"They need to sit down and talk."')
    assert [q.speaker for q in only(body)] == ["Sean Spicer"]


@pytest.mark.parametrize("body,speaker", [
    # A whole attribution sentence right before the quote.
    ('Tom Baker agreed. "Mainstream voters are running out of time."', "Tom Baker"),
    # After a partial quote, "Name said." still introduces the next quote.
    ('She represents "a kind of social structure of the past" that is sexist, Tom Baker said. '
     '"There is no better foil for her."', "Tom Baker"),
    ('"It is a big deal," said Tom Baker, an economist at the institute. "It restores rights."',
     "Tom Baker"),
])
def test_attribution_sentence_before_quote(body, speaker):
    quotes = only(body)
    assert quotes[-1].speaker == speaker


def test_told_names_the_listener_not_the_speaker():
    body = ('"Positions will soften," the chief of staff, Joe Kasper, told Politico before the '
            'interview. "That is inevitable."')
    assert [q.speaker for q in only(body)] == ["Joe Kasper", "Joe Kasper"]


def test_naming_sentence_is_no_attribution():
    body = ('At a rally that night, Trump called Tom Baker onto the stage. '
            '"Donald Trump is not a racist, guys," Baker told the crowd.')
    assert [(q.speaker, q.kind) for q in only(body)] == [("Tom Baker", "direct")]


@pytest.mark.parametrize("body,speaker", [
    ('"How much worse could it get?" said Florida-based Republican strategist Al Cardenas.',
     "Al Cardenas"),
    ('"This is an extreme revision," said David French of the National Retail Federation.',
     "David French"),
])
def test_inverted_speaker_names(body, speaker):
    assert [q.speaker for q in only(body)] == [speaker]


def test_possessive_determiner_speaker_is_a_description():
    body = 'The paranoia remained. "We live in a dark kingdom," my father often said.'
    quotes = only(body)
    assert [(q.speaker, q.speaker_text, q.method) for q in quotes] == [
        (None, "my father", "quote_cue_speaker_nominal")]


def test_attribution_sentence_ending_the_paragraph_before_a_quote_paragraph():
    body = ("Tom Baker continued his remarks.\n\n"
            '"Eight years ago she was the favourite. Then she lost."')
    assert [(q.speaker, q.method) for q in only(body)] == [("Tom Baker", "clause_paragraph")]


def test_quote_paragraph_with_its_own_words_is_not_introduced_by_the_one_before():
    body = ("Tom Baker continued his remarks.\n\n"
            '"Call the roll," came shouts from the crowd.')
    assert [(q.text, q.speaker, q.method) for q in only(body)] == [("Call the roll", None, None)]


def test_signature_paragraph_after_quote():
    body = ('"Americans are worried about the future of their kids."\n\n- Bernie Sanders.\n\n'
            "The senator is relying on an outdated statistic.")
    assert [(q.speaker, q.method) for q in only(body)] == [("Bernie Sanders", "speaker_dash")]


def test_title_before_first_name_is_a_person_not_the_organisation():
    body = ('"He put a lot of people out of business," said State Senate President Steve Sweeney.')
    assert [q.speaker for q in only(body)] == ["Steve Sweeney"]


def test_speaker_mention_is_the_latest_antecedent():
    body = ('Circuit Court Judge David McKeague said the plan "is really quite generous."\n\n'
            "Judge Tom Baker dissented.\n\n"
            '"No infringement has been shown," McKeague wrote.\n\n'
            '"Proper deference is required," he wrote.')
    assert [q.speaker for q in only(body)][-1] == "David McKeague"


def test_signature_after_no_break_space():
    body = "\u201cHow did we get this low?\u201d\u00a0\u2015 Jacklyn Ashley\u00a0\n\u201cTrump must stop.\u201d \u2015 Carla Sanchez."
    assert [q.speaker for q in only(body)] == ["Jacklyn Ashley", "Carla Sanchez"]


def test_possessor_is_not_the_pronoun_antecedent():
    body = ("Jane Porter's position was supported Friday by Sen. Dianne Feinstein of California.\n\n"
            '"It has never made sense to me," she said.')
    assert [q.speaker for q in only(body)] == ["Dianne Feinstein"]


def test_a_speaker_never_starts_inside_a_word():
    """'Republican front-runner' is no 'an front-runner': the leading sieve starts a
    speaker at a word's first letter."""
    body = 'At a debate in September, Republican front-runner Donald Trump called the merger "a terrible deal" and moved on.'
    quotes = extract_article(Article(body=body, source="t")).quotes
    partial = [q for q in quotes if q.kind == "partial"]
    assert [(q.speaker, q.speaker_text) for q in partial] == [("Donald Trump", "Donald Trump")]


@pytest.mark.parametrize("body,text,speaker", [
    # The reported content is (nearly) all quoted: a direct quote mid-sentence.
    ('Jane Porter says Riverside "has rebuilt every bridge the flood took, and it will '
     'rebuild this one as well before the first snow of the winter."',
     'has rebuilt every bridge the flood took, and it will rebuild this one as well before '
     'the first snow of the winter.', "Jane Porter"),
    ('Jane Porter told reporters outside City Hall on Monday that "we will rebuild the '
     'bridge before the winter."', "we will rebuild the bridge before the winter.",
     "Jane Porter"),
    ('Riverside "will rebuild every bridge the flood took, and it will rebuild all of them '
     'before the first snow of the winter," Jane Porter said.',
     "will rebuild every bridge the flood took, and it will rebuild all of them before the "
     "first snow of the winter", "Jane Porter"),
    ('Tom Baker opened the meeting with an hour on the budget, but Jane Porter said '
     'only that "the bridge comes first."', "the bridge comes first.", "Jane Porter"),
    # A phrase between the verb and the quote is no content; a relative clause names whom.
    ("Celebrities like Tom Baker and Jane Porter, who joked of the museum, ''I haven't seen "
     "it yet, but I'm going to.''", "I haven't seen it yet, but I'm going to.", "Jane Porter"),
    # A naming verb with a short object before a long quote: the content is nearly all quoted.
    ('Jane Porter called the bridge "a celebration of the ways a town can come together and '
     'rebuild what the flood took from all of us."', "a celebration of the ways a town can "
     "come together and rebuild what the flood took from all of us.", "Jane Porter"),
])
def test_quoted_content_makes_a_direct_quote(body, text, speaker):
    quotes = only(body)
    assert [(q.text, q.speaker) for q in quotes] == [(text, speaker)]


@pytest.mark.parametrize("body", [
    # Much of the content is the writer's: partial quotes.
    'Jane Porter said the long-delayed plan for the bridge was "a disaster."',
    'The bridge, Jane Porter said, is "falling apart."',
    'Jane Porter called the plan "a disaster for every family in the town."',
    'Tom Baker sat next to Jane Porter, whom he called a "con artist who lies about bridges."',
    "The Riverside Post called them in an article last week ''bridge vandals.''",
    'Jane Porter said her mental state is "fine."',
    'Jane Porter said she hopes the council sends a message that "bridges matter."',
])
def test_mostly_unquoted_content_stays_partial(body):
    assert only(body) == []


@pytest.mark.parametrize("body", [
    # The sentence has words of its own before the quote: the content is mixed.
    'An economic downturn for the town, Jane Porter said, "could be a good time."',
    'When it comes to the budget of the new bridge, "it is fine," Jane Porter said.',
])
def test_sentence_words_before_the_attribution_make_a_partial_quote(body):
    assert only(body) == []


@pytest.mark.parametrize("body,text", [
    # ... but not the attribution's own words, a sentence end the splitter missed or a dash.
    ("Jane Porter spoke first. ''It is fine,'' she said.", "It is fine"),
    ("Jane Porter praised the plan - ''It is fine,'' she said - and sat down.", "It is fine"),
    ('Asked about the budget, Jane Porter warned, "It is not fine," and left.', "It is not fine"),
    # A quote in capitals after a parenthetical attribution is a sentence of its own.
    ('As for the budget of the new bridge, Jane Porter said, "It is fine."', "It is fine."),
])
def test_attribution_words_before_the_quote_keep_it_direct(body, text):
    assert [(q.text, q.speaker) for q in only(body)] == [(text, "Jane Porter")]


@pytest.mark.parametrize("body,speaker", [
    # An apposition never runs past a sentence end; abbreviations inside it are no end.
    ("The plans of Tom Baker, for that matter, are late. As Jane Porter, an engineer at "
     "Riverside, noted, ''We will rebuild.''", "Jane Porter"),
    ("''We will rebuild,'' Jane Porter, Mrs. Baker's chief of staff, said.", "Jane Porter"),
    # NYT style: the party and state as apposition.
    ("''We will rebuild,'' Representative Jane Porter, Democrat of Ohio, told reporters.",
     "Jane Porter"),
    # A possessive noun phrase ending in "and" is no speaker.
    ("Asked about the bridge, Jane Porter shook her head and said, ''No.''", "Jane Porter"),
])
def test_apposition_and_generic_speaker_bounds(body, speaker):
    assert only(body)[-1].speaker == speaker


def test_nested_single_quote_before_the_closing_double():
    body = "''I would use the word 'old-school,''' said Jane Porter. ''It fits.''"
    assert [(q.text, q.speaker) for q in only(body)] == [
        ("I would use the word 'old-school,'", "Jane Porter"), ("It fits.", "Jane Porter")]


def test_inverted_speaker_stops_at_the_sentence_end():
    body = ("Jane Porter works at the Riverside Center.\n\n"
            "''We will rebuild,'' said Ms. Porter of the Riverside Center. Others agreed.")
    assert only(body)[0].speaker == "Jane Porter"


def test_description_then_name_after_the_quote():
    body = "''We will rebuild,'' the city's chief engineer, Jane Porter, told reporters."
    assert [(q.speaker, q.method) for q in only(body)] == [("Jane Porter", "quote_cue_speaker")]


@pytest.mark.parametrize("body,speaker", [
    # "Mr." ends no sentence: the participle's subject is the sentence's, not a possessor.
    ("Back in 1999, Jane Porter praised Mr. Baker's skills, telling CNN: ''I wish I could "
     "be like that.''", "Jane Porter"),
    # "When asked ..." is no speaker and no cue, and an intro phrase may hold "Mr.".
    ("When asked whom she supported, Ms. Porter smiled and said, ''Mr. Baker, of course.''",
     "Porter"),
    ("Asked whether Mr. Baker would stay, Jane Porter shook her head and said, ''No.''",
     "Jane Porter"),
])
def test_sentence_subject_across_abbreviations(body, speaker):
    assert speaker in (only(body)[-1].speaker or "")


@pytest.mark.parametrize("body,speaker", [
    # After a subordinate clause, the pronoun that speaks is the subject, not a name later.
    ("Tom Baker spoke on Monday.\n\nThough the vote was close, he said, the loyalists of "
     "Bob Lee and Jim Hart will fight.\n\n''This is a different time,'' he said.", "Tom Baker"),
    # A courtesy title and a name the name finder missed is still a mention.
    ("Ildefonso Guajardo Villarreal spoke first. Then Ann Lee spoke.\n\nThe minister, "
     "Mr. Guajardo Villarreal, argues there is little point in answering Mr. Baker's threats. "
     "''We must not overreact,'' he said.", "Guajardo Villarreal"),
])
def test_pronoun_antecedents(body, speaker):
    assert speaker in (only(body)[-1].speaker or "")


def test_state_abbreviation_is_no_pronoun_antecedent():
    from quotes.extract.names import Mention, find_names
    from quotes.extract.speakers import Resolver

    body = "Jane Porter, 59, of Ashton, Md., who watched, spoke. She left."
    names = find_names(body)
    md = names.add("md.", "Md.", "person", "Md.", body.index("Md."), "female")
    names.mentions.append(Mention(body.index("Md."), body.index("Md.") + 3, "Md.", md.key))
    names.mentions.sort(key=lambda m: m.start)
    r = Resolver(body, names, [], None, [0, body.index("She")])
    p = r.resolve_pronoun("She", body.index("She"), 0, 0)
    assert p is not None and p.name == "Jane Porter"


@pytest.mark.parametrize("body", [
    # An abbreviation in the attribution clause starts no new sentence.
    ("\u201cWe like the candidates,\u201d Jane Porter said at the opening of the St. Regis "
     "hotel.\n\n\u201cIt is changing every day.\u201d"),
    # A partial quote's attribution clause ends the paragraph: its speaker goes on.
    ("Her friends called Tom Baker \u201ca buffoon,\u201d Jane Porter said as she turned "
     "around.\n\n\u201cBut he is our buffoon, and we love him!\u201d"),
])
def test_quote_paragraph_continues_the_clause_before(body):
    assert [(q.speaker, q.method) for q in only(body)][-1] == ("Jane Porter", "continuation")


@pytest.mark.parametrize("body,speaker", [
    # A byline after a dash, before the colon: not the headline in capitals, not 'Pollsters'.
    ("BRIDGE PLANS STALL IN RIVERSIDE - Jane Porter: \u201cThe council has not voted.\u201d",
     "Jane Porter"),
    ("Engineers agree - Jane Porter: \u201cThe council has not voted.\u201d", "Jane Porter"),
    # A participle opening the sentence is no subject.
    ("Appearing before cheering supporters Monday morning at the headquarters, Jane Porter, "
     "70, said it was too early to congratulate winners but added, \u201cI think you all have "
     "an idea of the results.\u201d", "Jane Porter"),
    # The office before 'of' is no name: "Secretary of State Jane Porter".
    ("Former Secretary of State Jane Porter urged voters to come, saying, \u201cEvery vote "
     "counts.\u201d", "Jane Porter"),
    # Lower-case words before a known name: the name is the subject.
    ("Jane Porter spoke first.\n\nRiverside mayoral candidate Jane Porter then took to "
     "Twitter, writing: \u201cAnother attack on our town.\u201d", "Jane Porter"),
])
def test_subjects_and_bylines(body, speaker):
    assert only(body)[-1].speaker == speaker


def test_multiword_cue_put_it():
    body = ("As Jane Porter, an engineer at the Riverside Center, recently put it, "
            "''Did the council fix the bridge or not?''")
    assert [(q.speaker, q.cue) for q in only(body)] == [("Jane Porter", "put it")]


@pytest.mark.parametrize("body", [
    # A quote with no attribution that carries on a sentence after a partial quote is part
    # of the writer's sentence too.
    'Jane Porter said there were still "some people" who feel that way, "but not many."',
    '<tweet tweet-author="@porter" tweet-date="March 10, 2016">The bridge is open.</tweet>',
])
def test_quote_continuing_a_partial_quote_is_partial(body):
    assert only(body) == []


@pytest.mark.parametrize("body,speaker", [
    # Only a role that heads an apposition or stands right before the name resolves it.
    ("Tom Baker, who interviewed the president, wrote a book.\n\n"
     "''We will rebuild,'' the president said.", None),
    ("Jane Porter, the president of the council, spoke.\n\n"
     "''We will rebuild,'' the president said.", "Jane Porter"),
    # A report is no person.
    ("Tom Baker, who wrote the report on the flood, spoke.\n\n"
     "''The bridge failed,'' the report said.", None),
])
def test_role_descriptions_resolve_only_from_their_head(body, speaker):
    assert only(body)[-1].speaker == speaker


def test_described_name_is_a_pronoun_antecedent():
    body = ("Bernie Sanders spoke in Ohio.\n\nChristyn Gionfriddo, a Neptune native and 2009 "
            "graduate of Centenary College of Ohio, still lives at home at 29.\n\n"
            "\"Who wants to live at home at 29?\" she said.")
    assert "Gionfriddo" in (only(body)[-1].speaker or "")


def test_place_after_of_is_no_described_person():
    body = ("Rep. Debbie Wasserman Schultz of Florida, the chairwoman of the committee, spoke.\n\n"
            "\"We will win,\" she said.")
    # The full name is right; "Debbie Wasserman" (the surname's second word lost) is
    # what extraction gives today. Either way a person, never the place, never no one.
    assert only(body)[-1].speaker in ("Debbie Wasserman Schultz", "Debbie Wasserman")


def test_person_of_an_organisation_is_a_person_mention():
    body = ("Donald Trump led the poll.\n\nAnother pollster, David Woodard of Clemson University, "
            "said his survey showed Mr. Trump's support holding steady. ''Even after the debate, "
            "the numbers held,'' he said in an email.")
    assert only(body)[-1].speaker == "David Woodard"


@pytest.mark.parametrize("body,speaker", [
    ("\u201cGo back to the council,\u201d Jane Porter barked.", "Jane Porter"),
    ("\u201cThe bridge is a tough guy tonight,\u201d Jane Porter shot back.", "Jane Porter"),
    ("\u201cThe market has not failed the town,\u201d Jane Porter mocks.", "Jane Porter"),
])
def test_more_speech_verbs(body, speaker):
    assert only(body)[0].speaker == speaker


def test_description_then_name_in_apposition_before_the_cue():
    body = ('Jimmy Connors spent three days at the camp. "It went well," said Connors. '
            'LTA chief executive, John Crowther, added: "We want him back next year."')
    assert [(q.speaker, q.speaker_text) for q in only(body)][-1] == ("John Crowther", "John Crowther")


def test_question_put_to_someone_is_not_their_statement():
    body = ('Jane Porter took questions on Monday. During the session, Porter was asked, '
            '"Do you feel any guilt?" She said she did.')
    assert [q.text for q in extract(body).quotes if q.kind in ("direct", "partial")] == []


def test_a_name_going_on_to_do_something_after_a_closed_quote_is_no_cue():
    body = ('"I knew nothing about him before this film," said Kate Bosworth.\n\n'
            '"It was a dream for me to land this part." Actress Sandra Dee continues to live '
            'in Los Angeles.')
    assert [q.speaker for q in only(body)] == ["Kate Bosworth", "Kate Bosworth"]


def test_a_name_opening_a_new_sentence_after_a_closed_quote_is_not_its_speaker():
    body = ('Tom Hill spoke first. "We can rebuild in a few minutes," he said. "Now we see this '
            'can disappear in a few days." Jane Porter noted that the repairs could cost $40m.')
    assert [q.speaker for q in only(body)] == ["Tom Hill", "Tom Hill"]
