"""Following people and quotes in Datasette: the quote group page, a person's timeline,
the canned queries for conflicting attributions and broken silences, and the links
to them, on the multi-article corpus (tests/fixtures/tracking/corpus.json)."""
from __future__ import annotations

import csv
import io
import re

import pytest
import sqlite_utils
import yaml

from conftest import datasette_on, ROOT, refreshed_tracking_db, store_articles, tracking_corpus
from test_pages import HOSTILE, hrefs
from quotes.corpus.reviews import add_review

METADATA = yaml.safe_load((ROOT / "metadata.yml").read_text())
Q1 = "We will invite every serious carmaker to the Arctic wind talks, and we expect the first meeting within weeks"


@pytest.fixture(scope="module")
def db_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("tracking_pages") / "quotes.db"
    db = refreshed_tracking_db(path)
    quote_id = db.execute("select id from quotes where speaker_name = 'Anders Halvorsen' and text like 'We will%'").fetchone()[0]
    add_review(db, quote_id, "Misattributed", "Harbor Fact Check", url="https://factcheck.example/halvorsen",
               date_published="2025-04-20", rating_value=1)
    db.close()
    return path



def ids(db_file) -> dict:
    db = sqlite_utils.Database(db_file)
    one = lambda sql: db.execute(sql).fetchone()[0]  # noqa: E731
    try:
        return {
            "group": one("select key from quote_groups where quotes > 1"),
            "excerpt": one("select id from quotes where kind = 'partial' and text like 'will invite%'"),
            "excerpt_hash": one("select text_hash from quotes where kind = 'partial' and text like 'will invite%'"),
            "lindgren": one("select id from entities where name = 'Marcus Lindgren'"),
            "volkova": one("select id from entities where name = 'Irina Volkova'"),
            "mallory": one("select id from entities where name like 'Mallory%'"),
            "hostile_quote": one("select text_hash from quotes where text like 'Run <script>%'"),
        }
    finally:
        db.close()


# --- the quote group page ---------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_group_page(ds, db_file):
    i = ids(db_file)
    response = await ds.client.get(f"/-/quotes/group/{i['group']}")
    assert response.status_code == 200, response.text
    html = response.text
    assert "<h1>One quote, 3 articles</h1>" in html
    assert f"“{Q1},”" in html
    assert "3 printings · 3 publishers · first 2025-03-04 in The Harbor Ledger · last 2025-03-18" in html
    assert ('<a href="https://ledger.example/2025/03/04/arctic-wind-talks" rel="noopener noreferrer nofollow">'
            'first appearance</a>') in html
    assert "<strong>Conflicting attributions:</strong> the articles give these words to 2 different speakers" in html
    rows = re.findall(r"<tr( class=\"first-appearance\")?>\s*<td>([\d-]+)", html)
    assert rows == [(' class="first-appearance"', "2025-03-04"), ("", "2025-03-06"), ("", "2025-03-18")]
    assert [m for m in re.findall(r'<td class="match">(\w+)</td>', html)] == ["exact", "contained", "exact"]
    assert f'<a href="/-/quotes/speaker/{i["volkova"]}">Irina Volkova</a> <span class="note">2 printings in 2 articles</span>' in html
    assert "<strong>Misattributed</strong> (1 on 1–5) by Harbor Fact Check, 2025-04-20" in html


@pytest.mark.asyncio
async def test_group_json(ds, db_file):
    i = ids(db_file)
    data = (await ds.client.get(f"/-/quotes/group/{i['group']}.json")).json()
    assert set(data) == {"database", "group", "first_href", "appearances", "speakers", "reviews", "links"}
    assert {k: data["group"][k] for k in ("articles", "publishers", "speakers", "conflicting", "first_published",
                                          "first_publisher", "speaker_names")} == {
        "articles": 3, "publishers": 3, "speakers": 2, "conflicting": 1, "first_published": "2025-03-04",
        "first_publisher": "The Harbor Ledger", "speaker_names": "Anders Halvorsen, Irina Volkova"}
    assert [(a["publisher"], a["speaker_name"], a["match"], a["first"]) for a in data["appearances"]] == [
        ("The Harbor Ledger", "Irina Volkova", "exact", True),
        ("Northern Wire", "Irina Volkova", "contained", False),
        ("The Daily Courier", "Anders Halvorsen", "exact", False),
    ]
    assert [(s["name"], s["quotes"], s["articles"]) for s in data["speakers"]] == [
        ("Irina Volkova", 2, 2), ("Anders Halvorsen", 1, 1)]
    assert [(r["rating"], r["reviewer"]) for r in data["reviews"]] == [("Misattributed", "Harbor Fact Check")]


@pytest.mark.asyncio
async def test_a_members_hash_or_id_leads_to_its_group(ds, db_file):
    i = ids(db_file)
    for key in (i["excerpt_hash"], i["excerpt"]):
        response = await ds.client.get(f"/-/quotes/group/{key}")
        assert response.status_code == 302
        assert response.headers["location"] == f"/-/quotes/group/{i['group']}"
    response = await ds.client.get(f"/-/quotes/group/{i['excerpt']}.json")
    assert response.headers["location"] == f"/-/quotes/group/{i['group']}.json"
    assert (await ds.client.get("/-/quotes/group/nope")).status_code == 404
    assert (await ds.client.get(f"/-/quotes/group/{i['group']}?db=missing")).status_code == 404


@pytest.mark.asyncio
async def test_a_short_quotes_group_is_its_article_s(ds, db_file):
    """A text of fewer than 6 words is grouped per article (key TEXTHASH-ARTICLEID): its
    page shows that article's printings as exact; its text_hash leads there."""
    db = sqlite_utils.Database(db_file)
    try:
        key, text_hash, article_id = db.execute("""select quote_groups.key, quotes.text_hash, quotes.article_id
            from quote_groups join quotes on quotes.id = quote_groups.first_quote_id
            where quote_groups.text = 'watch the talks closely.'""").fetchone()
    finally:
        db.close()
    assert key == f"{text_hash}-{article_id}"
    data = (await ds.client.get(f"/-/quotes/group/{key}.json")).json()
    assert data["group"]["articles"] == 1 and data["group"]["words"] == 4
    assert {(a["article_id"], a["match"]) for a in data["appearances"]} == {(article_id, "exact")}
    response = await ds.client.get(f"/-/quotes/group/{text_hash}")
    assert response.status_code == 302 and response.headers["location"] == f"/-/quotes/group/{key}"


# --- a person's timeline --------------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_timeline_page(ds, db_file):
    i = ids(db_file)
    response = await ds.client.get(f"/-/quotes/speaker/{i['lindgren']}/timeline")
    assert response.status_code == 200, response.text
    html = response.text
    assert "<h1>Marcus Lindgren over time</h1>" in html
    assert "3 quotes · 3 claims about Marcus Lindgren · 1 role report · 5 quotes after a no-comment" in html
    assert re.findall(r'<tr class="item-(\w+)">\s*<td>([^<]*)</td>', html) == [
        ("role", "2025-03-04"), ("claim", "2025-03-04"), ("claim", "2025-03-18"), ("quote", "2025-03-25"),
        ("quote", "2025-03-25"), ("claim", "2025-04-08"), ("quote", "2025-04-15")]
    assert html.count("Broken by:") == 3
    assert "2025-04-15: Marcus Lindgren quoted 7 days later; same words: recall, van" in html
    speaker = (await ds.client.get(f"/-/quotes/speaker/{i['lindgren']}")).text
    assert f'<a href="/-/quotes/speaker/{i["lindgren"]}/timeline">Timeline of quotes, claims and roles</a>' in speaker


@pytest.mark.asyncio
async def test_reported_speech_is_paraphrase_on_the_group_and_timeline_pages(ds, db_file):
    """Reported speech shows with its paraphrase label and without quote marks; quotes keep them."""
    i = ids(db_file)
    reported = "Aurora Motors would join the Arctic wind talks"
    label = '<span class="paraphrase k-indirect"><span class="paraphrase-label" title="[^"]+">paraphrase</span> '
    db = sqlite_utils.Database(db_file)
    key = db.execute("""select group_key from quote_group_members join quotes on quotes.id = quote_id
                        where quotes.text like ?""", [reported + "%"]).fetchone()[0]
    db.close()
    group = (await ds.client.get(f"/-/quotes/group/{key}")).text
    assert re.search(f'<blockquote class="group-text">{label}{reported}', group)
    assert "\u201c" + reported not in group
    assert (await ds.client.get(f"/-/quotes/group/{key}.json")).json()["group"]["kind"] == "indirect"
    quoted = (await ds.client.get(f"/-/quotes/group/{i['group']}")).text
    assert f'<blockquote class="group-text"><span class="quoted k-direct">\u201c{Q1},\u201d</span></blockquote>' in quoted
    timeline = (await ds.client.get(f"/-/quotes/speaker/{i['lindgren']}/timeline")).text
    # As a timeline item and under each no-comment claim it broke.
    assert len(re.findall(f"{label}{reported}", timeline)) == 3
    assert "\u201c" + reported not in timeline
    assert '<span class="quoted k-direct">\u201cWe are ready to build the turbines' in timeline


@pytest.mark.asyncio
async def test_timeline_json_shows_posts_and_reprints(ds, db_file):
    i = ids(db_file)
    data = (await ds.client.get(f"/-/quotes/speaker/{i['volkova']}/timeline.json")).json()
    assert set(data) == {"database", "entity", "posts", "items", "counts", "links"}
    assert [(p["title"], p["first_reported"], p["last_reported"]) for p in data["posts"]] == [
        ("head of the Northern Energy Fund", "2025-03-04", "2025-03-06"),
        ("special envoy for Arctic energy", "2025-04-07", "2025-04-15")]
    quotes = [(q["date"], q["group_articles"], q["first_printing"], q["conflicting"])
              for q in data["items"] if q["type"] == "quote"]
    assert quotes == [("2025-03-04", 1, True, 0), ("2025-03-04", 3, True, 1), ("2025-03-06", 3, False, 1),
                      ("2025-04-15", 1, True, 0)]
    assert [(r["type"], r["date"]) for r in data["items"] if r["type"] == "role"] == [
        ("role", "2025-03-04"), ("role", "2025-03-06"), ("role", "2025-04-07"), ("role", "2025-04-15")]
    assert (await ds.client.get("/-/quotes/speaker/999/timeline")).status_code == 404
    assert (await ds.client.get("/-/quotes/speaker/abc/timeline.json")).status_code == 404


# --- canned queries and cells ----------------------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize("query, params, expected", [
    ("conflicting_attributions", "min_words=", [(Q1 + ",", "Anders Halvorsen, Irina Volkova", 3)]),
    ("conflicting_attributions", "min_words=20", []),
    ("superseded_no_comment", "who=", [
        ("2025-04-08", "Lindgren did not respond to a request for comment about the recall.", "2025-04-15"),
        ("2025-03-18", "Lindgren has not commented on the talks.", "2025-03-25"),
        ("2025-03-04", "Marcus Lindgren, the founder of Aurora Motors, had not publicly commented on the talks.",
         "2025-03-25")]),
    ("superseded_no_comment", "who=Lindgren", 3),
    ("superseded_no_comment", "who=Irina+Volkova", []),
])
async def test_tracking_canned_queries(ds, query, params, expected):
    response = await ds.client.get(f"/quotes/{query}.json?_shape=array&{params}")
    assert response.status_code == 200, response.text
    data = response.json()
    if isinstance(expected, int):
        assert len(data) == expected
    elif query == "conflicting_attributions":
        assert [(r["text"], r["speaker_names"], r["articles"]) for r in data] == expected
    else:
        assert [(r["claimed_on"], r["text"], r["quoted_on"]) for r in data] == expected
    as_csv = await ds.client.get(f"/quotes/{query}.csv?{params}&_dl=1")
    assert as_csv.status_code == 200
    assert len(list(csv.DictReader(io.StringIO(as_csv.text)))) == len(data)


@pytest.mark.asyncio
async def test_cells_link_groups_quotes_and_people(ds, db_file):
    i = ids(db_file)
    conflicting = (await ds.client.get("/quotes/conflicting_attributions?min_words=")).text
    assert f'<a class="quote-group" href="/-/quotes/group/{i["group"]}">{Q1},</a>' in conflicting
    groups = (await ds.client.get("/quotes/quote_groups?conflicting=1")).text
    assert f'href="/-/quotes/group/{i["group"]}"' in groups
    members = (await ds.client.get(f"/quotes/quote_group_members?group_key={i['group']}")).text
    assert members.count(f'class="quote-group" href="/-/quotes/group/{i["group"]}"') == 3
    broken = (await ds.client.get("/quotes/superseded_no_comment?who=")).text
    assert 'class="quote-in-context" href="/-/quotes/article/' in broken
    assert f'<a class="speaker" href="/-/quotes/speaker/{i["lindgren"]}">Marcus Lindgren</a>' in broken
    roles = (await ds.client.get("/quotes/role_timeline")).text
    assert f'<a class="speaker" href="/-/quotes/speaker/{i["volkova"]}">Irina Volkova</a>' in roles
    resolved = (await ds.client.get("/quotes/article_entities?resolution=surname%2Brole")).text
    assert ">surname+role<" in resolved and 'class="speaker"' in resolved


@pytest.mark.asyncio
async def test_every_link_on_the_new_pages_resolves(ds, db_file):
    i = ids(db_file)
    seen = set()
    for page in (f"/-/quotes/group/{i['group']}", f"/-/quotes/speaker/{i['lindgren']}/timeline",
                 f"/-/quotes/speaker/{i['volkova']}/timeline", "/quotes/conflicting_attributions?min_words=",
                 "/quotes/superseded_no_comment?who="):
        for href in hrefs((await ds.client.get(page)).text):
            if not href.startswith("/") or href in seen:
                continue
            seen.add(href)
            response = await ds.client.get(href.split("#")[0])
            assert response.status_code in (200, 302), (page, href, response.status_code)
    assert len(seen) > 25


@pytest.mark.asyncio
async def test_hostile_fixture_is_text_on_the_new_pages(ds, db_file):
    i = ids(db_file)
    for path in (f"/-/quotes/group/{i['hostile_quote']}", f"/-/quotes/speaker/{i['mallory']}/timeline",
                 "/quotes/quote_groups", "/quotes/article_entities", "/quotes/claim_groups",
                 "/quotes/role_timeline", "/quotes/entity_refs"):
        response = await ds.client.get(path)
        if response.status_code == 302:
            response = await ds.client.get(response.headers["location"])
        assert response.status_code == 200, path
        found = HOSTILE.search(response.text)
        assert not found, (path, response.text[max(0, found.start() - 200):found.end() + 200])


@pytest.mark.asyncio
async def test_new_pages_on_a_database_without_the_new_tables(tmp_path):
    path = tmp_path / "quotes.db"
    store_articles(path, tracking_corpus()[:1])
    db = sqlite_utils.Database(path)
    for table in ("claim_followups", "quote_group_members", "quote_groups"):
        db[table].drop()
    db.close()
    ds = datasette_on(path, metadata=METADATA)
    response = await ds.client.get("/-/quotes/group/abc")
    assert response.status_code == 404 and "quotes refresh" in response.text
    assert (await ds.client.get("/-/quotes/speaker/1/timeline")).status_code == 404
    assert (await ds.client.get("/-/quotes/speaker/1")).status_code == 200
