"""The pages people browse, in-process (the browser side is in
tests/test_browser.py): table pages that open on what a reader needs, each facet drawn
once, the speaker page's roles, axis and pages, the canned queries' order and reprints,
the article header."""
from __future__ import annotations

import re

import pytest
import sqlite_utils

from conftest import store_articles
from quotes.model import Article, Claim, Entity, Extraction, Quote


def _said(text: str, name: str, said_on: str | None, kind: str = "direct") -> Quote:
    return Quote(text=text, kind=kind, start=1, end=1 + len(text), paragraph=0, speaker=name,
                 speaker_text=name, cue="said", said_on=said_on)


def _article(n: int, body: str, publisher: str | None, published: str | None, source: str | None = None,
             quotes=(), entities=(), claims=()) -> tuple[Article, Extraction]:
    return (Article(body=body, source=source or f"a{n}.txt", title=f"Article {n}", url=None,
                    publisher=publisher, published=published),
            Extraction(entities=list(entities), quotes=list(quotes), claims=list(claims)))


LONG = "We will rebuild the bridge before the winter comes,"  # nine words
PRESIDENT = [Entity("Ada President", "person", ["President"])]


def _role(year: str, title: str = "President") -> Claim:
    return Claim(kind="role", subject="Ada President", text=f"Ada President, {title}.", start=0, end=10,
                 object=title, as_of=f"{year}-01-15")


CORPUS = [
    # the same nine words printed by a publisher and by two lines of one JSON lines file
    # without a publisher, which count once, as their source
    _article(1, f'"{LONG}" Ada President said on Monday.', "The Paper", "2017-01-15",
             quotes=[_said(LONG, "Ada President", "2017-01-15")], entities=PRESIDENT,
             claims=[_role("2017")]),
    _article(2, f'"{LONG}" Ada President said.', None, "2018-02-01", source="/data/feed.jsonl:2",
             quotes=[_said(LONG, "Ada President", "2018-02-01")], entities=PRESIDENT,
             claims=[_role("2019"), _role("2019", "president")]),
    _article(3, f'"{LONG}" Ada President said. "No," she said.', None, "2018-02-02", source="/data/feed.jsonl:3",
             quotes=[_said(LONG, "Ada President", "2018-02-02"), _said("No", "Ada President", "2018-02-02", "partial")],
             entities=PRESIDENT, claims=[_role("2021")]),
    # a one-word partial quote in an unrelated article of another publisher
    _article(4, '"No," Bo Other said.', "Other News", None,
             quotes=[_said("No", "Bo Other", None, "partial")], entities=[Entity("Bo Other", "person")]),
    # an undated quote by Ada
    _article(5, '"Later words here," Ada President said.', "Third", None,
             quotes=[_said("Later words here", "Ada President", None)], entities=PRESIDENT),
]


@pytest.fixture
def db_file(tmp_path):
    path = tmp_path / "quotes.db"
    store_articles(path, CORPUS)
    return path


def _one(db_file, sql, params=()):
    db = sqlite_utils.Database(db_file)
    try:
        return db.execute(sql, params).fetchone()[0]
    finally:
        db.close()


# --- the table pages -------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_table_page_folds_column_descriptions_and_internal_columns(ds):
    """Datasette lists twenty column descriptions above the search box; here they are
    behind "About this table", and the columns that serve the machinery behind "Show N
    more columns", in the HTML (not the JSON, which keeps every column)."""
    html = (await ds.client.get("/quotes/quotes")).text
    search = html.index('id="_search"')
    about = html.index('<details class="column-help">')
    more = html.index('<details class="more-columns">')
    descriptions = html.index('<dl class="column-descriptions">')
    assert about < more < descriptions < search
    assert "<summary>Show 9 more columns</summary>" in html
    hidden = re.search(r"details\.more-columns:not\(\[open\]\) ~ \.table-wrapper :is\(([^)]*)\)", html).group(1)
    for column in ("start", "end", "text_hash", "method", "confidence", "paragraph"):
        assert f"td.col-{column}" in hidden, column
    for column in ("text", "speaker_name", "said_on", "publisher"):
        assert f"td.col-{column}," not in hidden + ",", column
    # Datasette's licence line moved into "About this table"
    assert html.index("Data license:") > about
    # the visitor's own choice of columns, or a sort on one, shows it
    chosen = (await ds.client.get("/quotes/quotes?_nocol=text_hash")).text
    assert '<details class="more-columns">' not in chosen
    by_start = (await ds.client.get("/quotes/quotes?_sort=start")).text
    assert "td.col-start" not in re.search(r":is\(([^)]*)\)", by_start).group(1)
    data = (await ds.client.get("/quotes/quotes.json")).json()
    assert {"start", "end", "text_hash", "method"} <= set(data["columns"])
    assert '<details class="more-columns">' in (await ds.client.get("/quotes/articles")).text


@pytest.mark.asyncio
async def test_facet_asked_for_in_the_url_is_drawn_once(ds):
    """?_facet=publisher where publisher is a default facet: Datasette would compute it a
    second time ("publisher_2"), beside the counted one on quotes; the page draws one and
    the JSON lists one (quotes/web/default_facets.py)."""
    for table in ("quotes", "articles"):
        html = (await ds.client.get(f"/quotes/{table}?_facet=publisher")).text
        assert html.count('<div class="facet-info ') == len(re.findall(r'class="facet-info [^"]*" id="facet-', html))
        assert len(re.findall(r'<div class="facet-info [^"]*" id="facet-publisher"', html)) == 1, table
        data = (await ds.client.get(f"/quotes/{table}.json?_facet=publisher&_extra=facet_results")).json()
        results = data["facet_results"]
        names = list(results.get("results", results))
        assert "publisher" in names and "publisher_2" not in names, (table, names)
    # a facet that is not a default one is still added
    html = (await ds.client.get("/quotes/quotes?_facet=speaker_text")).text
    assert 'data-column="speaker_text"' in html.split("facet-results", 1)[1].split("table-wrapper", 1)[0]


@pytest.mark.asyncio
async def test_front_page_publishers_tile_opens_the_publisher_facet(ds):
    html = (await ds.client.get("/")).text
    link = re.search(r'<li><a href="([^"]+)"><strong>\d+</strong>publishers</a>', html).group(1)
    assert "_facet=" not in link and link.endswith("#facet-publisher")
    page = (await ds.client.get(link.split("#")[0])).text
    assert len(re.findall(r'id="facet-publisher"', page)) == 1


# --- the speaker page --------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_speaker_roles_appear_once_with_their_years(ds, db_file):
    ada = _one(db_file, "select id from entities where name = 'Ada President'")
    html = (await ds.client.get(f"/-/quotes/speaker/{ada}")).text
    roles = html[html.index('<ul class="roles">'):html.index("</ul>", html.index('<ul class="roles">'))]
    assert roles.count("<li>") == 1, roles  # "President" four times, case aside
    assert "<li>President, 2017-2021 <span class=\"note\">4 reports, first in <a " in roles
    assert not re.search(r"\s,", re.sub(r"<[^>]+>", "", roles)), roles  # no space before a comma
    data = (await ds.client.get(f"/-/quotes/speaker/{ada}.json")).json()
    assert [(r["title"], r["years"], r["reports"]) for r in data["roles"]] == [("President", "2017-2021", 4)]
    assert data["role_total"] == 1


@pytest.mark.asyncio
async def test_speaker_quotes_put_the_undated_last(ds, db_file):
    ada = _one(db_file, "select id from entities where name = 'Ada President'")
    data = (await ds.client.get(f"/-/quotes/speaker/{ada}.json")).json()
    assert [q["said_on"] for q in data["quotes"]] == ["2017-01-15", "2018-02-01", "2018-02-02", "2018-02-02", None]
    assert data["timeline"]["periods"][0]["period"] == "2017-01"  # the axis starts with her


# --- canned queries ----------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_quotes_by_person_puts_undated_quotes_last(ds):
    rows = (await ds.client.get("/quotes/quotes_by_person.json?_shape=objects&name=Ada+President")).json()["rows"]
    assert [r["said_on"] for r in rows] == ["2017-01-15", "2018-02-01", "2018-02-02", "2018-02-02", None]


@pytest.mark.asyncio
async def test_reprinted_lists_what_a_reader_calls_reprints(ds):
    """Nine words printed by The Paper and by a JSON lines file with no publisher (two of
    its lines: one source) are a reprint by two publishers; "No", printed by Other News
    and by the file, is too short to be one."""
    rows = (await ds.client.get("/quotes/reprinted.json?_shape=objects")).json()["rows"]
    assert [(r["text"], r["publishers"], r["printings"]) for r in rows] == [(LONG, 2, 3)]
    assert sorted(rows[0]["publisher_names"].split(",")) == ["/data/feed.jsonl", "The Paper"]
    short = (await ds.client.get("/quotes/reprinted.json?_shape=objects&min_words=1")).json()["rows"]
    assert [(r["text"], r["publishers"]) for r in short] == [(LONG, 2), ("No", 2)]


# --- the article header ------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_article_header_has_no_stray_separator(ds, db_file):
    for title, expected in (("Article 4", "Other News · 4 words"), ("Article 2", "2018-02-01 · 12 words")):
        article = _one(db_file, "select id from articles where title = ?", [title])
        html = (await ds.client.get(f"/-/quotes/article/{article}")).text
        meta = re.search(r'<p class="page-meta">(.*?)</p>', html, re.S).group(1)
        assert meta == expected, meta
