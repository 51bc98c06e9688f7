"""Claims around the statements (issue 14): roles, no-comment, dated events and plans,
each with its subject. Hand-written cases, one a rule."""
from __future__ import annotations

import pytest

from quotes.extract import extract_article
from quotes.model import Article

def claims(body: str, kind: str, published: str = "2024-08-08"):
    found = extract_article(Article(body=body, source="test", published=published)).claims
    return [c for c in found if c.kind == kind]


def roles(body: str) -> set[tuple[str, str]]:
    return {(c.subject, c.object) for c in claims(body, "role")}


# -- roles ---------------------------------------------------------------------------

def test_title_run_before_a_name_with_a_lower_case_modifier():
    body = "Northgate Rail signed the deal. Northgate Rail chief executive Priya Shah welcomed it."
    found = claims(body, "role")
    assert [(c.subject, c.object, c.organization) for c in found] == [
        ("Priya Shah", "Northgate Rail chief executive", "Northgate Rail")]


def test_title_run_stops_at_a_verb_or_preposition():
    assert roles("The fire was seen by freelance photographer Tomas Berg in Oslo.") == {
        ("Tomas Berg", "freelance photographer")}


def test_post_then_rank_before_a_name_are_two_roles():
    assert roles("The first witness was Hawks head Major-Gen Pieter Nkosi, who spoke.") >= {
        ("Pieter Nkosi", "Hawks head"), ("Pieter Nkosi", "Major-Gen")}


def test_post_of_a_capitalised_body_before_a_name():
    assert roles("The forecast by Chancellor of the Exchequer Gordon Brown was wrong.") == {
        ("Gordon Brown", "Chancellor of the Exchequer")}


def test_apposition_with_a_preposition_after_the_post():
    assert roles('"Prices will rise," said Christian Jasperneite, an economist with MM Warburg.') == {
        ("Christian Jasperneite", "an economist with MM Warburg")}


def test_title_set_off_by_a_comma_before_the_name():
    assert ("John Crowther", "LTA chief executive") in roles(
        'LTA chief executive, John Crowther, added: "We are pleased."')
    assert ("Daniel Hagari", "Israel's chief military spokesperson") in roles(
        "On Tuesday, Israel's chief military spokesperson, Rear Admiral Daniel Hagari, spoke.")


def test_who_heads_gives_the_post_head():
    assert roles("Damage was recorded, according to Mykola Kalashnyk, who heads the regional "
                 "administration.") == {("Mykola Kalashnyk", "head of the regional administration")}


def test_copula_gives_the_subject_a_post():
    body = "Maria Reyes spoke to reporters. Reyes is the head of the Riverside transit union."
    assert ("Maria Reyes", "the head of the Riverside transit union") in roles(body)


def test_definite_description_takes_up_the_person_named_before():
    body = ("Sir Keir Starmer has defended accepting gifts.\n\n"
            "The Prime Minister suggested he would continue to take them.")
    assert ("Keir Starmer", "Prime Minister") in roles(body)


def test_description_of_a_post_already_given_is_its_holder():
    body = ("Prime Minister Tony Blair met Charles Kennedy on Friday. Mr Kennedy said afterwards "
            "that the Prime Minister had offered some movement.")
    found = claims(body, "role")
    assert [(c.subject, c.object) for c in found] == [("Tony Blair", "Prime Minister")]


def test_role_once_per_person_and_title():
    body = ("David Lammy, the Foreign Secretary, was there. Later David Lammy, the Foreign "
            "Secretary, left. The British foreign secretary said nothing.")
    assert [(c.subject, c.object) for c in claims(body, "role")] == [
        ("David Lammy", "the Foreign Secretary")]


def test_and_after_a_name_is_no_apposition():
    body = "Mr Blair held talks with his counterpart, Ariel Sharon, and the Palestinian leader, Mahmoud Abbas."
    assert roles(body) == {("Mahmoud Abbas", "Palestinian leader")}


def test_who_also_serves_as_is_an_apposition():
    assert ("Elon Musk", "a senior advisor to U.S. President Donald Trump") in roles(
        "Elon Musk, who also serves as a senior advisor to U.S. President Donald Trump, left.")


# -- no comment ------------------------------------------------------------------------

def no_comment(body: str):
    return [c.subject for c in claims(body, "no_comment")]


def test_no_comment_after_a_title():
    assert no_comment("Health Minister Tom Ruiz had not publicly commented on the report.") == ["Tom Ruiz"]


def test_no_comment_in_a_relative_clause():
    assert no_comment("The report named Jeffrey Archer. Lord Archer, who was not available for "
                      "comment, left London.") == ["Jeffrey Archer"]


def test_no_comment_of_an_organisation_with_its_acronym():
    assert no_comment("The Israel Defense Forces (IDF) did not respond to requests for comment.") == [
        "Israel Defense Forces"]


def test_no_comment_after_an_opening_clause_names_the_one_before_the_verb():
    assert no_comment("While Hamas and Iran have blamed Israel for the strike, Israel has not "
                      "claimed responsibility for it.") == ["Israel"]


def test_dodging_questions_is_no_comment():
    assert no_comment("Prime Minister Shigeru Ishiba spoke at a debate but also dodged numerous "
                      "questions.") == ["Shigeru Ishiba"]


# -- plans -----------------------------------------------------------------------------

def plans(body: str):
    return [c.subject for c in claims(body, "plan")]


def test_plan_by_the_subject_right_before_the_cue():
    assert plans("Charles Kennedy is set to address 2,000 people. He will visit the temple.") == [
        "Charles Kennedy", "Charles Kennedy"]


def test_speech_preview_and_forecast_are_no_plans():
    assert plans("Charles Kennedy spoke. He will say Labour has lost its way.") == []
    assert plans("Prince Harry will struggle to recover from the claims.") == []


def test_question_put_is_no_plan():
    assert plans("Asked whether he would continue to accept gifts, Keir Starmer smiled.") == []


def test_noun_plans_of_another_subject_are_no_plan_of_the_sentence_subject():
    assert plans("Charles Kennedy held talks over government plans to hold suspects.") == []


def test_participle_clause_plan_is_the_sentence_subjects():
    assert plans("On Monday, Sir Keir Starmer dodged questions, pledging only to comply.") == [
        "Keir Starmer"]


def test_one_word_body_before_a_plan_cue():
    assert plans("The tsunami hit the coast. Thailand intends to spend a similar sum.") == ["Thailand"]


# -- events ----------------------------------------------------------------------------

def events(body: str, published: str = "2024-08-08"):
    return [(c.subject, c.date) for c in claims(body, "event", published)]


def test_dated_past_happening_with_its_subject_and_date():
    assert events("Elon Musk met Vladimir Putin on Tuesday in Moscow.") == [("Elon Musk", "2024-08-06")]


def test_coordinated_subjects_both_take_the_event():
    assert set(events("Kevin Spacey and Kate Bosworth attended the premiere on Tuesday.")) == {
        ("Kevin Spacey", "2024-08-06"), ("Kate Bosworth", "2024-08-06")}


def test_undated_article_keeps_the_event_with_no_date():
    assert events("Charles Kennedy held talks with Tony Blair on Friday.", None) == [
        ("Charles Kennedy", None)]


def test_statement_question_and_future_are_no_events():
    assert events('In June 2023, Aaron Bushnell wrote, "I am sticking it out."') == []
    assert events("Asked on Monday what he made of the comments, Keir Starmer smiled.") == []
    assert events("Elon Musk will meet Vladimir Putin on Tuesday.") == []
    assert events("Israel has characterized Sinwar as the mastermind of the Oct. 7 attacks.") == []


def test_when_clause_is_no_question():
    assert events("When Jane Roberts gave birth in November, she stopped working.") == [
        ("Jane Roberts", "2023-11")]


# -- role organisations (the body a post is held at becomes an entity) -----------------

def role_orgs(body: str) -> set[tuple[str, str | None]]:
    return {(c.subject, c.organization) for c in claims(body, "role")}


def test_body_named_after_the_post_is_the_roles_organisation():
    assert role_orgs('"Prices will rise," said Christian Jasperneite, an economist with '
                     'MM Warburg.') == {("Christian Jasperneite", "MM Warburg")}
    assert role_orgs('"It will take time," said Naris Chaiyasoot, director general at the '
                     "ministry's fiscal policy office.") == {
        ("Naris Chaiyasoot", "ministry's fiscal policy office")}


def test_bare_description_seat_or_formal_title_names_no_body():
    assert role_orgs("Damage was recorded, according to Mykola Kalashnyk, who heads the "
                     "regional administration.") == {("Mykola Kalashnyk", None)}
    assert role_orgs("Mr Lammy spoke. David Lammy, the MP for Tottenham, posted a photo.") == {
        ("David Lammy", None)}
    assert role_orgs("The forecast by Chancellor of the Exchequer Gordon Brown was wrong.") == {
        ("Gordon Brown", None)}


def test_title_run_stops_at_a_gerund():
    assert ("Ruud van Nistelrooy", "Manchester United striker") in roles(
        "Arsene Wenger was fined for accusing Manchester United striker Ruud van Nistelrooy "
        "of cheating.")
    assert ("Ann Lee", "managing director") in roles("The deal was signed by managing director Ann Lee.")


def test_apposition_with_an_abbreviated_body_before_the_post():
    assert role_orgs("Aaron Bushnell was a quiet man. Aaron Bushnell, the active-duty U.S. Air "
                     "Force airman who set himself on fire Sunday, died.") == {
        ("Aaron Bushnell", "U.S. Air Force")}


def test_acronym_of_a_body_the_article_named():
    body = ("The Liberal Democratic Party met. Shigeru Ishiba, who is also the president of "
            "the LDP, spoke.")
    assert role_orgs(body) == {("Shigeru Ishiba", "Liberal Democratic Party")}


def test_body_name_going_on_in_lower_case_before_the_post():
    assert role_orgs("The case was heard by Durban high court judge Ann Mathers on Monday.") == {
        ("Ann Mathers", "Durban high court")}


def test_plan_asked_of_someone_is_no_plan():
    assert plans("Tamaki urged the prime minister to pledge that the Liberal Democratic Party "
                 "will not use the funds.") == []


# -- events: more shapes ---------------------------------------------------------------

def test_relative_clause_of_an_apposition_is_the_names_event():
    assert events("Aaron Bushnell, the active-duty airman who set himself on fire Sunday, died.",
                  "2024-02-27") == [("Aaron Bushnell", "2024-02-25")]


def test_names_a_subject_includes_take_its_event():
    assert set(events("Kyiv's allies, including France's Emmanuel Macron and Germany's Friedrich "
                      "Merz, condemned the strikes in statements published on Sunday.",
                      "2026-05-24")) == {("Emmanuel Macron", "2026-05-24"),
                                         ("Friedrich Merz", "2026-05-24")}


def test_name_before_a_noun_of_a_happening_is_its_subject():
    assert events("Reuters reported it. A Reuters investigation in December covered the "
                  "finding.", "2024-03-07") == [("Reuters", "2023-12")]


def test_person_pictured_with_the_subject_takes_part():
    assert set(events("Sir Keir Starmer won. He was pictured with David Lammy at Sunday's "
                      "derby.", "2024-09-17")) == {("Keir Starmer", "2024-09-15"),
                                                   ("David Lammy", "2024-09-15")}


def test_victim_named_after_the_verb_when_no_subject_is_named():
    assert events("Issam Abdallah was a journalist. The evidence came from the Oct. 13 attack "
                  "that killed visuals journalist Issam Abdallah.", "2024-03-07") == [
        ("Issam Abdallah", "2023-10-13")]


def test_used_with_an_object_is_an_event():
    assert events("Russia used the Oreshnik missile during an attack on Kyiv on Sunday.",
                  "2026-05-24") == [("Russia", "2026-05-24")]
    assert events("Russia used to fire missiles on Sunday.", "2026-05-24") == []


def test_date_of_another_clause_is_not_the_events():
    assert events("Sir Keir accepted free tickets in the last Parliament, according to figures "
                  "released in July.", "2024-09-17") == []
    assert events("Jane Roberts had been on the radar long before the July 2021 riots, which her "
                  "lawyer Dali Mpofu referred to as spying.", "2025-11-10") == []


def test_coordinated_clause_gives_the_subject_its_date():
    assert events("Yahya Sinwar served 20 years in jail, and was released early in 2011 as part "
                  "of a swap.") == [("Yahya Sinwar", "2011")]


def test_dated_gerund_clause_is_an_event_of_the_subject():
    assert events("Nicole Slemp expected to return to work after having her son in August.",
                  "2024-04-28") == [("Nicole Slemp", "2023-08")]
    found = claims("Luis Aragones was handed the fine on Tuesday after making remarks in "
                   "October.", "event", "2024-09-17")
    assert [(c.subject, c.date) for c in found] == [("Luis Aragones", "2024-09-17"),
                                                   ("Luis Aragones", "2023-10")]


def test_negation_until_is_the_happening_at_that_time():
    assert events("The FBI said so. The FBI didn't search the station until October.",
                  "2023-04-28") == [("FBI", "2022-10")]


def test_unregistered_body_before_an_event_verb():
    assert events("India's Bombay Stock Exchange inched above its record close on Wednesday.",
                  "2024-12-30") == [("India's Bombay Stock Exchange", "2024-12-25")]
    assert events("In September, the human rights organization Safeguard Defenders identified "
                  "dozens of stations.", "2023-04-28") == [("Safeguard Defenders", "2022-09")]


@pytest.mark.parametrize("body,names", [
    ("Also released this year was the Mosquito game, in November 2004.", []),
    ("Since that inquiry was launched in October, Marsh has replaced its chief executive.", []),
    ("While aimed at a casual audience, Apple stepped into gaming in September 2019.", ["Apple"]),
])
def test_a_word_opening_a_sentence_is_never_a_body(body, names):
    ex = extract_article(Article(body=body, source="t", published="2019-11-19"))
    assert sorted(e.name for e in ex.entities) == names
