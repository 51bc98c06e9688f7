"""Following people, quotes and claims across articles (quotes.corpus.tracking, quotes.corpus.resolve).

The corpus is tests/fixtures/tracking/corpus.json: seven articles over six weeks from
three publishers, with extractions given by hand so that these assertions do not move
when the extraction rules improve. The order test loads it in several orders and
compares the databases by content (see `snapshot`).
"""
from __future__ import annotations

import random
from pathlib import Path

import pytest
import sqlite_utils

from conftest import rows, store_articles, tracking_corpus
from quotes import store
from quotes.corpus import tracking
from quotes.model import Article, Extraction, Quote
from quotes.corpus.resolve import CorpusMention, person_parts, resolve_corpus

URL = {
    "a1": "https://ledger.example/2025/03/04/arctic-wind-talks",
    "a2": "https://wire.example/news/fund-courts-carmakers",
    "a4": "https://courier.example/politics/halvorsen-arctic-pledge",
}
Q1 = "We will invite every serious carmaker to the Arctic wind talks, and we expect the first meeting within weeks"


def load(path: Path, pairs, refresh: bool = True) -> tracking.RefreshSummary | None:
    store_articles(path, pairs)
    if not refresh:
        return None
    db = store.connect(path)
    try:
        return tracking.refresh(db)
    finally:
        db.close()


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("tracking") / "quotes.db"
    load(path, tracking_corpus())
    return path


def article_key(db_file, url_part: str) -> str:
    return rows(db_file, "select id from articles where url like ?", [f"%{url_part}%"])[0]["id"]


def snapshot(path: Path) -> dict[str, list]:
    """The database's content with every entity id replaced by "kind:name".

    Entity ids are integers given out in order of first appearance, so two loads in
    different orders may number the same entity differently; everything else (quote,
    claim, article and group keys) is derived from content. Compared: entities (name,
    kind, gender, description, first and last seen, quote count, how many article
    entities resolve to it), aliases, quotes (every column but the speaker's id, given
    as a name), quote mentions, claims, roles, the article entities' resolutions,
    quote groups and their members, claim groups and their members, follow-ups.
    Left out: articles.loaded_at, load_log (when things were loaded).
    """
    db = sqlite_utils.Database(path)
    name = {r[0]: f"{r[2]}:{r[1]}" for r in db.execute("select id, name, kind from entities")}

    def n(entity_id):
        return name.get(entity_id) if entity_id is not None else None

    def table(sql, entity_columns=()):
        out = []
        for row in db.execute(sql):
            out.append(tuple(n(v) if i in entity_columns else v for i, v in enumerate(row)))
        return sorted(out, key=repr)

    try:
        return {
            "entities": table("""select id, gender, description, first_seen, last_seen, quote_count,
                (select count(*) from article_entities where entity_id = entities.id) from entities""", {0}),
            "aliases": table("select entity_id, alias from aliases", {0}),
            "quotes": table("""select id, article_id, speaker_id, speaker_text, speaker_name, text, kind, cue,
                said_on, said_year, said_month, paragraph, start, [end], method, confidence, text_hash,
                publisher, published from quotes""", {2}),
            "quote_mentions": table("select quote_id, entity_id from quote_mentions", {1}),
            "claims": table("""select id, article_id, subject_id, subject_name, kind, text, object,
                organization_id, by_id, date, as_of, start, [end] from claims""", {2, 7, 8}),
            "roles": table("select id, entity_id, title, organization_id, as_of, article_id, claim_id from roles",
                           {1, 3}),
            "article_entities": table("""select id, article_id, name, kind, aliases, description, gender,
                entity_id, resolution from article_entities""", {7}),
            "entity_refs": table("select row_id, role, article_entity_id, article_id from entity_refs"),
            "quote_groups": table("""select key, text, words, quotes, articles, publishers, speakers,
                speaker_names, conflicting, first_quote_id, first_article_id, first_published,
                first_publisher, first_url, first_speaker_id, first_speaker_name, last_published
                from quote_groups""", {14}),
            "quote_group_members": table("select quote_id, group_key, match from quote_group_members"),
            "claim_groups": table("""select key, kind, subject_id, subject_name, object, text, claims,
                articles, publishers, first_reported, last_reported, first_claim_id, first_article_id,
                first_publisher, first_url from claim_groups""", {2}),
            "claim_group_members": table("select claim_id, group_key, reported from claim_group_members"),
            "claim_followups": table("""select claim_id, quote_id, subject_id, rank, claim_reported,
                quote_published, days_later, shared, reason from claim_followups""", {2}),
            "role_timeline": table("select * from role_timeline", {0, 3}),
        }
    finally:
        db.close()


# --- 1. one registry for the corpus -------------------------------------------------------------


def test_entities_across_the_corpus(corpus_db):
    assert rows(corpus_db, """select name, kind, gender, description, first_seen, last_seen, quote_count
                              from entities order by name""") == [
        {"name": "Anders Halvorsen", "kind": "person", "gender": "male", "description": "President",
         "first_seen": "2025-03-18", "last_seen": "2025-03-25", "quote_count": 2},
        {"name": "Aurora Motors", "kind": "organization", "gender": None, "description": None,
         "first_seen": "2025-03-04", "last_seen": "2025-04-08", "quote_count": 0},
        {"name": "Daniel Hartley", "kind": "person", "gender": "male",
         "description": "the chief executive of Harbor Line", "first_seen": "2025-03-04",
         "last_seen": "2025-03-06", "quote_count": 2},
        {"name": "Grace Hartley", "kind": "person", "gender": "female", "description": "a city council member",
         "first_seen": "2025-03-12", "last_seen": "2025-03-25", "quote_count": 3},
        {"name": "Harbor Line", "kind": "organization", "gender": None, "description": None,
         "first_seen": "2025-03-04", "last_seen": "2025-03-06", "quote_count": 0},
        {"name": "Irina Volkova", "kind": "person", "gender": "female",
         "description": "head of the Northern Energy Fund", "first_seen": "2025-03-04",
         "last_seen": "2025-04-15", "quote_count": 4},
        {"name": "José Álvarez", "kind": "person", "gender": "male", "description": "leader of the dock workers' union",
         "first_seen": "2025-03-06", "last_seen": "2025-04-15", "quote_count": 3},
        {"name": "Marcus Lindgren", "kind": "person", "gender": "male", "description": "the founder of Aurora Motors",
         "first_seen": "2025-03-04", "last_seen": "2025-04-15", "quote_count": 3},
        {"name": "Northern Energy Fund", "kind": "organization", "gender": None, "description": None,
         "first_seen": "2025-03-04", "last_seen": "2025-03-06", "quote_count": 0},
    ]


def test_each_mention_resolved_and_why(corpus_db):
    resolved = rows(corpus_db, """
        select substr(articles.url, 9, instr(substr(articles.url, 9), '/') - 1) || ' ' || articles.published as article,
          article_entities.name, entities.name as entity, article_entities.resolution
        from article_entities join articles on articles.id = article_entities.article_id
          left join entities on entities.id = article_entities.entity_id
        where article_entities.kind = 'person'
        order by articles.published, article_entities.name""")
    assert [(r["article"][-10:], r["name"], r["entity"], r["resolution"]) for r in resolved] == [
        ("2025-03-04", "Daniel Hartley", "Daniel Hartley", "name"),
        ("2025-03-04", "Irina Volkova", "Irina Volkova", "name"),
        ("2025-03-04", "Marcus Lindgren", "Marcus Lindgren", "name"),
        # the only Volkova; the Hartley whose role agrees; the only Álvarez, named in full later
        ("2025-03-06", "Hartley", "Daniel Hartley", "surname+role"),
        ("2025-03-06", "Volkova", "Irina Volkova", "surname"),
        ("2025-03-06", "Álvarez", "José Álvarez", "surname"),
        ("2025-03-12", "Grace Hartley", "Grace Hartley", "name"),
        ("2025-03-18", "Anders Halvorsen", "Anders Halvorsen", "name"),
        # two Hartleys and nothing to tell them apart: unresolved, not guessed
        ("2025-03-18", "Hartley", None, "ambiguous"),
        ("2025-03-18", "Lindgren", "Marcus Lindgren", "surname"),
        ("2025-03-25", "Halvorsen", "Anders Halvorsen", "surname"),  # "Mr. Halvorsen"
        ("2025-03-25", "Hartley", "Grace Hartley", "surname+gender"),  # "Ms. Hartley"
        ("2025-03-25", "Marcus Lindgren", "Marcus Lindgren", "name"),
        ("2025-04-08", "Irina Volkova", "Irina Volkova", "name"),
        ("2025-04-08", "José Álvarez", "José Álvarez", "name"),
        ("2025-04-08", "Lindgren", "Marcus Lindgren", "surname"),
        ("2025-04-15", "Irina Volkova", "Irina Volkova", "name"),
        ("2025-04-15", "Jose Alvarez", "José Álvarez", "name"),  # accents folded
        ("2025-04-15", "Marcus Lindgren", "Marcus Lindgren", "name"),
    ]
    ambiguous = rows(corpus_db, """select speaker_id, speaker_name, speaker_text from quotes
                                   where text = 'The terminal is not decided,'""")
    assert ambiguous == [{"speaker_id": None, "speaker_name": None, "speaker_text": "Hartley"}]


def test_aliases_keep_every_form_and_titles(corpus_db):
    aliases = rows(corpus_db, """select entities.name, group_concat(alias, ' | ') as aliases from (
        select * from aliases order by alias) a join entities on entities.id = a.entity_id
        where entities.kind = 'person' group by entities.id order by entities.name""")
    assert {r["name"]: r["aliases"].split(" | ") for r in aliases} == {
        "Anders Halvorsen": ["Anders Halvorsen", "Halvorsen", "Mr. Halvorsen", "President Anders Halvorsen"],
        "Daniel Hartley": ["Daniel Hartley", "Hartley"],
        "Grace Hartley": ["Grace Hartley", "Hartley", "Ms. Hartley"],
        "Irina Volkova": ["Irina Volkova", "Volkova"],
        "José Álvarez": ["Jose Alvarez", "José Álvarez", "Union leader Álvarez", "Álvarez"],
        "Marcus Lindgren": ["Lindgren", "Marcus Lindgren"],
    }


def test_denormalised_names_follow_merges(corpus_db):
    """Every copy of a name agrees with entities, whatever the registry first guessed."""
    assert rows(corpus_db, """select count(*) as n from quotes left join entities on entities.id = quotes.speaker_id
                              where quotes.speaker_name is not entities.name""") == [{"n": 0}]
    assert rows(corpus_db, """select count(*) as n from claims left join entities on entities.id = claims.subject_id
                              where claims.subject_name is not entities.name""") == [{"n": 0}]
    assert rows(corpus_db, """select count(*) as n from entities
                              where quote_count != (select count(*) from quotes where speaker_id = entities.id)""") == [{"n": 0}]
    assert rows(corpus_db, """select count(*) as n from roles join claims on claims.id = roles.claim_id
                              where roles.entity_id is not claims.subject_id""") == [{"n": 0}]
    by = rows(corpus_db, """select quotes.text, entities.name from quote_mentions
                            join quotes on quotes.id = quote_mentions.quote_id
                            join entities on entities.id = quote_mentions.entity_id""")
    assert by == [{"text": "Aurora Motors would join the Arctic wind talks", "name": "Aurora Motors"}]


def test_bare_surnames_first_then_full_names(tmp_path):
    """Loaded newest-first, the registry meets "Volkova", "Álvarez" and "Hartley" before
    their full names and makes entities of them; the refresh folds them in."""
    path = tmp_path / "quotes.db"
    pairs = tracking_corpus()
    load(path, [pairs[1]], refresh=False)
    assert {r["name"] for r in rows(path, "select name from entities where kind = 'person'")} == {
        "Volkova", "Álvarez", "Hartley"}
    load(path, pairs[2:] + pairs[:1])
    names = [r["name"] for r in rows(path, "select name from entities where kind = 'person' order by name")]
    assert names == ["Anders Halvorsen", "Daniel Hartley", "Grace Hartley", "Irina Volkova", "José Álvarez",
                     "Marcus Lindgren"]
    a2 = rows(path, """select quotes.text, quotes.speaker_name from quotes join articles on articles.id = quotes.article_id
                       where articles.url = ? order by quotes.start""", [URL["a2"]])
    assert [r["speaker_name"] for r in a2] == ["Irina Volkova", "José Álvarez", "Daniel Hartley"]
    assert rows(path, """select entities.name, count(*) as n from aliases join entities on entities.id = aliases.entity_id
                         where alias = 'Volkova' group by entities.id""") == [{"name": "Irina Volkova", "n": 1}]


# --- order independence -----------------------------------------------------------------------


def orders(n: int) -> list[list[int]]:
    forward = list(range(n))
    shuffled = []
    for seed in (1, 2, 3):
        order = forward[:]
        random.Random(seed).shuffle(order)
        shuffled.append(order)
    return [forward, forward[::-1], *shuffled]


def test_loading_in_any_order_gives_the_same_database(tmp_path, corpus_db):
    pairs = tracking_corpus()
    expected = snapshot(corpus_db)
    for i, order in enumerate(orders(len(pairs))[1:]):
        path = tmp_path / f"order{i}.db"
        load(path, [pairs[j] for j in order])
        got = snapshot(path)
        for table in expected:
            assert got[table] == expected[table], (order, table)


def test_loading_in_batches_with_a_refresh_between(tmp_path, corpus_db):
    """Two loads (each ending in a refresh), newest articles first."""
    pairs = tracking_corpus()
    path = tmp_path / "batches.db"
    load(path, pairs[4:])
    load(path, pairs[:4])
    assert snapshot(path) == snapshot(corpus_db)


def test_a_second_refresh_changes_nothing(corpus_db, tmp_path):
    path = tmp_path / "again.db"
    path.write_bytes(corpus_db.read_bytes())
    db = store.connect(path)
    assert tracking.refresh(db).scope == "nothing new"  # the log says so, at once
    summary = tracking.refresh(db, full=True)
    db.close()
    assert set(summary.changes.values()) == {0}
    assert (summary.created, summary.merged, summary.renamed) == (0, 0, 0)
    assert snapshot(path) == snapshot(corpus_db)


def test_real_extraction_is_order_independent_too(tmp_path):
    """The corpus's bodies through the real extractor, forward and backward: whatever
    extraction finds, the database is the same."""
    from quotes.load import Loader

    articles = [a for a, _ in tracking_corpus()]
    snaps = []
    for i, order in enumerate(orders(len(articles))[:3]):
        path = tmp_path / f"real{i}.db"
        db = store.connect(path)
        loader = Loader(db)
        for j in order:
            loader.load_article(articles[j])
        loader.refresh()
        db.close()
        assert loader.summary.articles == len(articles) and not loader.summary.errors
        snaps.append(snapshot(path))
    assert snaps[1] == snaps[0] and snaps[2] == snaps[0]


# --- 2. the same quote across articles --------------------------------------------------------------


def test_the_quote_group(corpus_db):
    (group,) = rows(corpus_db, "select * from quote_groups where quotes > 1")
    assert group == {
        "key": store.text_hash(Q1), "text": Q1 + ",", "words": 19, "quotes": 3, "articles": 3,
        "publishers": 3, "speakers": 2, "speaker_names": "Anders Halvorsen, Irina Volkova",
        "conflicting": 1, "first_quote_id": group["first_quote_id"],
        "first_article_id": article_key(corpus_db, "arctic-wind-talks"), "first_published": "2025-03-04",
        "first_publisher": "The Harbor Ledger", "first_url": URL["a1"],
        "first_speaker_id": group["first_speaker_id"], "first_speaker_name": "Irina Volkova",
        "last_published": "2025-03-18",
    }
    members = rows(corpus_db, """
        select articles.published, articles.publisher, quotes.text, quotes.kind, quotes.speaker_name,
          quote_group_members.match, quotes.id = quote_groups.first_quote_id as first
        from quote_group_members join quotes on quotes.id = quote_group_members.quote_id
          join articles on articles.id = quotes.article_id
          join quote_groups on quote_groups.key = quote_group_members.group_key
        where quote_group_members.group_key = ? order by articles.published""", [group["key"]])
    assert [tuple(m.values()) for m in members] == [
        ("2025-03-04", "The Harbor Ledger", Q1 + ",", "direct", "Irina Volkova", "exact", 1),
        ("2025-03-06", "Northern Wire", "will invite every serious carmaker to the Arctic wind talks.",
         "partial", "Irina Volkova", "contained", 0),
        ("2025-03-18", "The Daily Courier", Q1 + ".", "direct", "Anders Halvorsen", "exact", 0),
    ]


def test_every_quote_is_in_exactly_one_group(corpus_db):
    assert rows(corpus_db, """select (select count(*) from quotes) as quotes,
        (select count(*) from quote_group_members) as members,
        (select count(*) from quote_groups) as groups,
        (select sum(quotes) from quote_groups) as counted""") == [
        {"quotes": 18, "members": 18, "groups": 16, "counted": 18}]
    # "watch the talks closely." and "watch the repairs closely." are different words
    assert rows(corpus_db, "select count(*) as n from quote_groups where text like 'watch the%'") == [{"n": 2}]


def quote(id_, text, article, published="2025-03-01", publisher="P", speaker=None, start=0):
    return {"id": id_, "text": text, "text_hash": store.text_hash(text), "article_id": article,
            "start": start, "published": published, "publisher": publisher, "url": None,
            "speaker_id": speaker, "speaker_name": f"S{speaker}" if speaker else None}


def test_grouping_rules():
    long_one = "one two three four five six seven eight nine ten"
    longer_other = "zero one two three four five six seven eight nine ten eleven twelve"
    groups, members = tracking.group_quotes([
        quote("a", long_one + ".", "A1", speaker=1),
        quote("b", "ONE two, three four five six seven!", "A2", "2025-02-01", speaker=1),  # 7 words, inside both
        quote("c", "three four five", "A3", speaker=2),  # too short to join by containment
        quote("d", "One two three four five six seven eight nine ten", "A4", "2025-04-01", "Q", speaker=2),
        quote("e", longer_other, "A5", "2025-05-01", "Q"),
        # the same words in another article, but too few to be one statement: a group per article
        quote("f", "three four five", "A6", "2025-06-01", speaker=3),
    ])
    short = store.text_hash("three four five")
    by_quote = {m["quote_id"]: (m["group_key"], m["match"]) for m in members}
    assert by_quote == {
        # "one .. ten" lies inside the longer text, so it and its excerpt join that group
        "a": (store.text_hash(longer_other), "contained"),
        "b": (store.text_hash(longer_other), "contained"),
        "d": (store.text_hash(longer_other), "contained"),
        "e": (store.text_hash(longer_other), "exact"),
        "c": (tracking.short_group_key(short, "A3"), "exact"),
        "f": (tracking.short_group_key(short, "A6"), "exact"),
    }
    summary = {g["key"]: (g["quotes"], g["articles"], g["publishers"], g["speakers"], g["conflicting"],
                          g["first_quote_id"], g["first_published"]) for g in groups}
    assert summary == {
        store.text_hash(longer_other): (4, 4, 2, 2, 1, "b", "2025-02-01"),
        # 3 words: two groups, not one across A3 and A6 (and so no conflict)
        tracking.short_group_key(short, "A3"): (1, 1, 1, 1, 0, "c", "2025-03-01"),
        tracking.short_group_key(short, "A6"): (1, 1, 1, 1, 0, "f", "2025-06-01"),
    }


def test_a_short_quote_is_grouped_per_article():
    """"No" in two unrelated articles is two people's own words: two groups of one
    article each; twice in one article, one group. Six words group across articles."""
    groups, members = tracking.group_quotes([
        quote("a", "No.", "A1", speaker=1), quote("b", "no", "A1", speaker=1, start=9),
        quote("c", "No!", "A2", "2025-04-01", speaker=2)])
    no = store.text_hash("no")
    assert {m["quote_id"]: (m["group_key"], m["match"]) for m in members} == {
        "a": (tracking.short_group_key(no, "A1"), "exact"), "b": (tracking.short_group_key(no, "A1"), "exact"),
        "c": (tracking.short_group_key(no, "A2"), "exact")}
    assert [(g["quotes"], g["articles"], g["conflicting"]) for g in groups] == [(2, 1, 0), (1, 1, 0)]
    six = "we will not raise the tax"
    groups, members = tracking.group_quotes([quote("a", six, "A1", speaker=1),
                                             quote("b", six.upper(), "A2", "2025-04-01", speaker=1)])
    assert [(g["key"], g["quotes"], g["articles"]) for g in groups] == [(store.text_hash(six), 2, 2)]
    assert {m["match"] for m in members} == {"exact"}


def test_an_excerpt_of_two_quotes_joins_the_longest():
    a = "alpha beta gamma delta epsilon zeta eta theta"
    b = "omega psi alpha beta gamma delta epsilon zeta eta theta iota kappa"
    c = "alpha beta gamma delta epsilon zeta eta theta rho sigma"  # contains a, shorter than b
    groups, members = tracking.group_quotes([quote("a", a, "1"), quote("b", b, "2"), quote("c", c, "3")])
    assert {m["quote_id"]: m["group_key"] for m in members} == {
        "a": store.text_hash(b), "b": store.text_hash(b), "c": store.text_hash(c)}


# --- 3. claims over time ---------------------------------------------------------------------------


def test_claim_groups(corpus_db):
    groups = rows(corpus_db, """select kind, subject_name, object, claims, articles, publishers,
        first_reported, last_reported, first_publisher from claim_groups where claims > 1 order by first_reported, object""")
    assert [tuple(g.values()) for g in groups] == [
        ("role", "Daniel Hartley", "chief executive of harbor line", 2, 2, 2, "2025-03-04", "2025-03-06", "The Harbor Ledger"),
        ("role", "Irina Volkova", "head of the northern energy fund", 2, 2, 2, "2025-03-04", "2025-03-06", "The Harbor Ledger"),
        ("no_comment", "Marcus Lindgren", "no comment", 3, 3, 2, "2025-03-04", "2025-04-08", "The Harbor Ledger"),
        ("role", "Irina Volkova", "special envoy for arctic energy", 2, 2, 2, "2025-04-07", "2025-04-15", "The Daily Courier"),
    ]
    appearances = rows(corpus_db, """select claim_group_members.reported, claims.text from claim_group_members
        join claims on claims.id = claim_group_members.claim_id join claim_groups on claim_groups.key = claim_group_members.group_key
        where claim_groups.kind = 'no_comment' order by claim_group_members.reported""")
    assert [(a["reported"], a["text"]) for a in appearances] == [
        ("2025-03-04", "Marcus Lindgren, the founder of Aurora Motors, had not publicly commented on the talks."),
        ("2025-03-18", "Lindgren has not commented on the talks."),
        ("2025-04-08", "Lindgren did not respond to a request for comment about the recall."),
    ]


def test_no_comment_claims_are_followed_by_the_subjects_later_quotes(corpus_db):
    links = rows(corpus_db, """
        select claims.text as claim, quotes.text as quote, claim_followups.rank, claim_followups.days_later,
          claim_followups.reason
        from claim_followups join claims on claims.id = claim_followups.claim_id
          join quotes on quotes.id = claim_followups.quote_id
        order by claim_followups.claim_reported, claim_followups.rank""")
    assert [tuple(r.values()) for r in links] == [
        ("Marcus Lindgren, the founder of Aurora Motors, had not publicly commented on the talks.",
         "Aurora Motors would join the Arctic wind talks", 1, 21,
         "Marcus Lindgren quoted 21 days later; same people: Aurora Motors; same words: arctic, aurora, motor, talk, wind"),
        ("Marcus Lindgren, the founder of Aurora Motors, had not publicly commented on the talks.",
         "We are ready to build the turbines these Arctic talks need,", 2, 21,
         "Marcus Lindgren quoted 21 days later; same words: arctic, talk"),
        ("Lindgren has not commented on the talks.", "Aurora Motors would join the Arctic wind talks", 1, 7,
         "Marcus Lindgren quoted 7 days later; same words: arctic, talk, wind"),
        ("Lindgren has not commented on the talks.", "We are ready to build the turbines these Arctic talks need,",
         2, 7, "Marcus Lindgren quoted 7 days later; same words: arctic, talk"),
        # the recall: only the quote about the recall, and only the later one
        ("Lindgren did not respond to a request for comment about the recall.",
         "The recall will be finished by May, and every van will be back on the road,", 1, 7,
         "Marcus Lindgren quoted 7 days later; same words: recall, van"),
    ]


def test_roles_form_a_timeline(corpus_db):
    posts = rows(corpus_db, """select name, title, organization, first_reported, last_reported, reports, articles
                               from role_timeline where name = 'Irina Volkova' order by first_reported""")
    assert [tuple(p.values()) for p in posts] == [
        ("Irina Volkova", "head of the Northern Energy Fund", "Northern Energy Fund", "2025-03-04", "2025-03-06", 2, 2),
        ("Irina Volkova", "special envoy for Arctic energy", None, "2025-04-07", "2025-04-15", 2, 2),
    ]
    hartleys = rows(corpus_db, "select name, title from role_timeline where name like '%Hartley' order by name")
    assert [tuple(h.values()) for h in hartleys] == [
        ("Daniel Hartley", "the chief executive of Harbor Line"), ("Grace Hartley", "a city council member")]


# --- the resolution rules on their own --------------------------------------------------------------


def mention(id_, name, kind="person", aliases=(), description=None, gender=None, roles=(), published=None):
    return CorpusMention(id=id_, article_id=f"art-{id_}", name=name, kind=kind, aliases=tuple(aliases),
                         description=description, gender=gender, roles=tuple(roles), published=published)


def resolved(mentions) -> dict[str, tuple[str | None, str]]:
    r = resolve_corpus(mentions)
    names = {e.key: e.name for e in r.entities}
    return {m.id: (names.get(r.entity_of[m.id]), r.reason[m.id]) for m in mentions}


def test_titles_are_not_part_of_the_name():
    assert person_parts("President Vladimir Putin") == (["vladimir", "putin"], ["Vladimir", "Putin"], ["president"])
    assert person_parts("Mr. Putin")[0] == ["putin"]
    assert person_parts("Putin Envoy Dmitriev")[0] == ["dmitriev"]
    assert person_parts("Martin Luther King Jr.")[0] == ["martin", "luther", "king", "jr"]
    assert person_parts("Dean Smith")[0] == ["dean", "smith"]  # a first name, not the title
    assert resolved([
        mention("1", "President Vladimir Putin"), mention("2", "Mr. Putin"), mention("3", "President Putin"),
        mention("4", "Vladimir Putin"),
    ]) == {"1": ("Vladimir Putin", "name"), "2": ("Vladimir Putin", "surname"),
           "3": ("Vladimir Putin", "surname"), "4": ("Vladimir Putin", "name")}


def test_shared_surnames_stay_apart_and_ambiguity_stays_unresolved():
    assert resolved([
        mention("1", "John Smith", roles=["senator from Ohio"], gender="male"), mention("2", "Jane Smith", gender="female"),
        mention("3", "Smith"), mention("4", "Senator Smith"), mention("5", "Mrs. Smith"),
        mention("6", "J. Smith"), mention("7", "Smith", description="the Ohio senator"),
    ]) == {
        "1": ("John Smith", "name"), "2": ("Jane Smith", "name"), "3": (None, "ambiguous"),
        "4": ("John Smith", "surname+role"), "5": ("Jane Smith", "surname+gender"),
        "6": (None, "ambiguous"), "7": ("John Smith", "surname+role"),
    }


def test_short_forms_aliases_and_lone_surnames():
    assert resolved([
        mention("1", "Kirill A. Dmitriev"), mention("2", "K. Dmitriev"), mention("3", "Kirill Dmitriev"),
        mention("4", "Russian Direct Investment Fund", "organization", aliases=["RDIF"]),
        mention("5", "RDIF", "organization"), mention("6", "The RDIF", "organization"),
        mention("7", "Okafor"), mention("8", "Mr Okafor"),
    ]) == {
        "1": ("Kirill A. Dmitriev", "name"), "2": ("Kirill A. Dmitriev", "short name"),
        "3": ("Kirill A. Dmitriev", "short name"),
        "4": ("Russian Direct Investment Fund", "name"), "5": ("Russian Direct Investment Fund", "alias"),
        "6": ("Russian Direct Investment Fund", "alias"),
        "7": ("Okafor", "name"), "8": ("Okafor", "name"),  # nobody else is called Okafor
    }
    assert resolved([
        mention("1", "Euronext", "organization"), mention("2", "Paris-based Euronext"), mention("3", "Euronext"),
        mention("4", "Tory MP Michael Mates"), mention("5", "Michael Mates"), mention("6", "Mates"),
        mention("7", "Kirill Dmitriev", gender="male"), mention("8", "Ms. Dmitriev"), mention("9", "Mr Dmitriev"),
    ]) == {
        "1": ("Euronext", "name"), "2": ("Euronext", "organization"), "3": ("Euronext", "organization"),
        "4": ("Michael Mates", "name"), "5": ("Michael Mates", "name"), "6": ("Michael Mates", "surname"),
        "7": ("Kirill Dmitriev", "name"), "8": (None, "ambiguous"), "9": ("Kirill Dmitriev", "surname"),
    }


def test_resolution_does_not_depend_on_the_order_of_its_input():
    ms = [mention(str(i), n) for i, n in enumerate(
        ["Dmitriev", "Kirill Dmitriev", "Anna Dmitriev", "Mr. Dmitriev", "K. Dmitriev", "Dmitriev"])]
    ms[0].gender, ms[1].gender, ms[2].gender = None, "male", "female"
    first = resolve_corpus(ms)
    again = resolve_corpus(list(reversed(ms)))
    assert first == again
    assert {m: first.entity_of[m] for m in first.entity_of} == {
        "0": None, "1": "person:kirill dmitriev", "2": "person:anna dmitriev",
        "3": "person:kirill dmitriev", "4": "person:kirill dmitriev", "5": None}


# --- loading, reloading, older databases ----------------------------------------------------------------


def test_quotes_load_ends_with_a_refresh(tmp_path, fake_extract):
    from conftest import write_article
    from quotes.load import load_paths

    folder = tmp_path / "in"
    folder.mkdir()
    write_article(folder, "a.txt", '"We will hold the talks next week in the capital," Kirill Dmitriev said.')
    write_article(folder, "b.txt", '"We will hold the talks next week in the capital," Dmitriev said.',
                  date="March 20, 2025")
    summary = load_paths(tmp_path / "q.db", [folder])
    assert summary.refreshed is not None and summary.refreshed.multi_article_groups == 1
    assert rows(tmp_path / "q.db", "select articles, speakers, speaker_names from quote_groups") == [
        {"articles": 2, "speakers": 1, "speaker_names": "Kirill Dmitriev"}]


def test_reloading_a_changed_article_replaces_its_derived_rows(tmp_path):
    path = tmp_path / "quotes.db"
    pairs = tracking_corpus()
    load(path, pairs)
    article, extraction = pairs[3]  # the Courier's reprint with another speaker
    changed = Article(**{**article.__dict__, "body": article.body.replace("Tuesday", "Wednesday")})
    shift = len("Wednesday") - len("Tuesday")
    moved = Extraction(
        entities=extraction.entities,
        quotes=[Quote(**{**q.__dict__, "start": q.start + shift * (q.start > 40), "end": q.end + shift * (q.start > 40)})
                for q in extraction.quotes],
        claims=[type(c)(**{**c.__dict__, "start": c.start + (shift if c.start else 0),
                           "end": c.end + shift}) for c in extraction.claims],
    )
    assert changed.id == article.id
    load(path, [(changed, moved)])
    (group,) = rows(path, "select articles, conflicting from quote_groups where quotes > 1")
    assert group == {"articles": 3, "conflicting": 1}
    assert rows(path, "select count(*) as n from quote_group_members") == rows(path, "select count(*) as n from quotes")
    assert rows(path, "select count(*) as n from article_entities where article_id = ?", [article.id]) == [{"n": 3}]


def test_an_older_database_is_backfilled_and_refreshed(tmp_path):
    """A database written before 0003 gets article entities from its references."""
    path = tmp_path / "old.db"
    db = sqlite_utils.Database(path)
    store.MIGRATIONS.apply(db, stop_before="0003_fact_tracking")
    from quotes.corpus.resolve import Registry

    # Today's writer logs what it writes for the incremental refresh (0011), and today's
    # registry looks names up by key (0013).
    db.execute("create table _refresh_log (id integer primary key, kind text not null, article_id text, value text)")
    db.execute("create table _refresh_state (key text primary key, value text)")
    db.execute("create table _entity_lookup (key text, via text, entity_id integer, primary key (key, via, entity_id))")
    registry = Registry(db)
    for article, extraction in tracking_corpus()[:2]:
        with db.atomic():
            store.write_article(db, article, extraction, registry, "2025-04-02T00:00:00+00:00")
    db.execute("delete from entity_refs")
    db.execute("delete from article_entities")
    db.execute("delete from _sqlite_migrations where name = '0003_fact_tracking'")
    db.conn.commit()
    db.close()
    db = store.connect(path)
    assert "0003_fact_tracking" in [m.name for m in store.MIGRATIONS.applied(db)]
    assert db.execute("select count(distinct resolution) from article_entities").fetchall() == [(1,)]
    summary = tracking.refresh(db)
    db.close()
    assert summary.multi_article_groups == 1
    assert rows(path, "select distinct speaker_name from quotes order by 1") == [
        {"speaker_name": "Daniel Hartley"}, {"speaker_name": "Irina Volkova"}, {"speaker_name": "Álvarez"}]


def test_refresh_command(tmp_path):
    from click.testing import CliRunner

    from quotes.cli import cli

    path = tmp_path / "quotes.db"
    load(path, tracking_corpus(), refresh=False)
    result = CliRunner().invoke(cli, ["refresh", "--db", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == (
        "Refreshed: 9 entities (0 new, 0 merged, 0 renamed, 1 mentions ambiguous), 16 quote groups "
        "(1 in several articles, 1 from several publishers, 1 with conflicting speakers), 7 claim groups "
        "(4 in several articles), 5 no-comment follow-ups")
    missing = CliRunner().invoke(cli, ["refresh", "--db", str(tmp_path / "nope.db")])
    assert missing.exit_code == 1 and "no database at" in missing.output


def test_conflicts_are_between_articles():
    """A reported-speech span wrapping another speaker's direct quote in one article is
    an overlap, not a misattribution; two articles naming no speaker in common conflict."""
    wrapper = "the minister said that we will build the new bridge next spring"
    direct = "we will build the new bridge next spring"

    def conflicting(*quotes):
        (group,), _ = tracking.group_quotes(list(quotes))
        return group["conflicting"]

    assert conflicting(quote("a", wrapper, "X", speaker=1), quote("b", direct, "X", speaker=2)) == 0
    assert conflicting(quote("a", wrapper, "X", speaker=1), quote("b", direct, "X", speaker=2),
                       quote("c", direct, "Y", speaker=2)) == 0
    assert conflicting(quote("a", direct, "X", speaker=2), quote("c", direct, "Y", speaker=3)) == 1
    assert conflicting(quote("a", direct, "X", speaker=2), quote("c", direct, "Y")) == 0  # unknown is no conflict
    # a quote reprinted by many articles: same speakers, or no speaker every one gives
    assert conflicting(*[quote(f"r{n}", direct, f"R{n}", speaker=2) for n in range(300)]) == 0
    assert conflicting(*[q for n, (a, b) in enumerate([(1, 2), (2, 3), (3, 1)] * 50)
                         for q in (quote(f"p{n}", direct, f"P{n}", speaker=a),
                                   quote(f"q{n}", wrapper, f"P{n}", speaker=b))]) == 0
    assert conflicting(*[quote(f"r{n}", direct, f"R{n}", speaker=2) for n in range(300)],
                       quote("s", direct, "S", speaker=1), quote("t", wrapper, "S", speaker=3)) == 1
    # a few words in two articles are two people's own words, not one statement misattributed:
    # not even one group (a group per article), let alone a conflicting one
    for short in ("No", "a total disaster", "we will build it now"):
        groups, _ = tracking.group_quotes([quote("a", short, "X", speaker=2), quote("c", short, "Y", speaker=3)])
        assert [(g["articles"], g["conflicting"]) for g in groups] == [(1, 0), (1, 0)]
    # ...which quote_group_of_rows holds to as well, given such a group
    rows = [tuple(q[f] for f in tracking.QUOTE_FIELDS) for q in (quote("a", "No", "X", speaker=2),
                                                                 quote("c", "No", "Y", speaker=3))]
    assert tracking.quote_group_of_rows(store.text_hash("No"), rows)["conflicting"] == 0


def test_refresh_leaves_no_staging_tables(tmp_path):
    """The refresh stages rows in temporary tables (memory stays small); they are gone
    when it ends, not when the connection closes."""
    path = tmp_path / "quotes.db"
    load(path, tracking_corpus(), refresh=False)
    db = store.connect(path)
    try:
        tracking.refresh(db)
        assert db.execute("select name from temp.sqlite_master").fetchall() == []
        assert tracking.refresh(db, full=True).changes == {
            "article_entities": 0, "quote_groups": 0, "quote_group_members": 0,
            "claim_groups": 0, "claim_group_members": 0, "claim_followups": 0}
    finally:
        db.close()
