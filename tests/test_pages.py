"""The project's own Datasette pages, in-process: the article in context, the speaker, the
front page, their JSON, their links, their permissions, and the hostile fixture."""
from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser

import pytest
import sqlite_utils
import yaml

from conftest import datasette_on, PLUGIN_STATIC, ROOT, fixture_article, store_articles
from quotes.model import Article, Claim, Entity, Extraction, Quote

METADATA = yaml.safe_load((ROOT / "metadata.yml").read_text())
STYLESHEET = PLUGIN_STATIC + "quotes.css?"  # the plugin's static/

MARS = '"Talks on Mars will come soon," Kirill Dmitriev said. Musk had not commented.\n\nDmitriev said he would meet Musk.'
RIVERS = '"Energy first," Dmitriev said. "Rivers matter," Ann Lee said. "Nobody knows," an official said.'
OLD = '"Back then," Dmitriev said.'

CORPUS = [
    (
        Article(body=MARS, source="mars.txt", title="Dmitriev on Mars", url="https://paper.example/1",
                publisher="The Paper", published="2025-03-18", author="A. Writer"),
        Extraction(
            entities=[Entity("Kirill Dmitriev", "person", ["Dmitriev"], description="head of RDIF"),
                      Entity("Elon Musk", "person", ["Musk"]), Entity("RDIF", "organization")],
            quotes=[
                Quote(text="Talks on Mars will come soon,", kind="direct", start=1, end=30, paragraph=0,
                      speaker="Kirill Dmitriev", speaker_text="Kirill Dmitriev", cue="said",
                      said_on="2025-03-18", mentions=["Elon Musk"]),
                Quote(text="Dmitriev said he would meet Musk.", kind="indirect", start=79, end=112,
                      paragraph=1, speaker="Kirill Dmitriev", speaker_text="Dmitriev", cue="said",
                      said_on="2025-03-18", mentions=["Elon Musk"]),
            ],
            claims=[
                Claim(kind="no_comment", subject="Elon Musk", text="Musk had not commented.",
                      start=54, end=77, as_of="2025-03-18", object="had not commented"),
                Claim(kind="role", subject="Kirill Dmitriev", text=MARS[:53], start=0, end=53,
                      object="head of RDIF", organization="RDIF", as_of="2025-03-18"),
            ],
        ),
    ),
    (
        Article(body=RIVERS, source="rivers.txt", title="Energy & rivers", url="https://other.example/2",
                publisher="Other News", published="2025-05-02"),
        Extraction(
            entities=[Entity("Dmitriev", "person"), Entity("Ann Lee", "person")],
            quotes=[
                Quote(text="Energy first,", kind="direct", start=1, end=14, paragraph=0,
                      speaker="Dmitriev", cue="said", said_on="2025-05-02"),
                Quote(text="Rivers matter,", kind="direct", start=32, end=46, paragraph=0,
                      speaker="Ann Lee", cue="said", said_on="2025-05"),
                Quote(text="Nobody knows,", kind="direct", start=64, end=77, paragraph=0,
                      speaker=None, speaker_text="an official", cue="said", said_on="2025-05-02"),
            ],
        ),
    ),
    (
        Article(body=OLD, source="old.txt", title="Old", publisher="Archive", published="2019"),
        Extraction(entities=[Entity("Dmitriev", "person")],
                   quotes=[Quote(text="Back then,", kind="direct", start=1, end=11, paragraph=0,
                                 speaker="Dmitriev", cue="said", said_on="2019")]),
    ),
]


@pytest.fixture
def db_file(tmp_path):
    path = tmp_path / "quotes.db"
    store_articles(path, [*CORPUS, fixture_article()])
    return path



def ids(db_file) -> dict:
    db = sqlite_utils.Database(db_file)
    try:
        one = lambda sql: db.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "mars": one("select id from articles where title = 'Dmitriev on Mars'"),
            "rivers": one("select id from articles where title like 'Energy%'"),
            "hostile": one("select id from articles where source = 'xss_article.json'"),
            "talks": one("select id from quotes where text like 'Talks%'"),
            "indirect": one("select id from quotes where kind = 'indirect'"),
            "dmitriev": one("select id from entities where name = 'Kirill Dmitriev'"),
            "musk": one("select id from entities where name = 'Elon Musk'"),
            "ann": one("select id from entities where name = 'Ann Lee'"),
            "script": one("select id from entities where name like '<script>%'"),
            "mallory": one("select id from entities where name like 'Mallory%'"),
        }
    finally:
        db.close()


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "action") and value:
                self.hrefs.append(value)


def hrefs(html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    return parser.hrefs


# --- the article in context -----------------------------------------------------------------


@pytest.mark.asyncio
async def test_article_page_highlights_quotes_and_underlines_claims(ds, db_file):
    i = ids(db_file)
    response = await ds.client.get(f"/-/quotes/article/{i['mars']}")
    assert response.status_code == 200, response.text
    html = response.text
    assert "<h1>Dmitriev on Mars</h1>" in html
    assert "The Paper · 2025-03-18 · A. Writer" in html
    assert '<a href="https://paper.example/1" rel="noopener noreferrer nofollow">original article</a>' in html
    # The direct quote, coloured by its speaker, inside the role claim's underline.
    assert (f'<span class="anchor" id="q-{i["talks"]}"></span><mark class="q sp-0 k-direct claim" '
            f'data-quotes="{i["talks"]}" data-tip="Kirill Dmitriev: said (direct, 2025-03-18)\n'
            'Claim, role, about Kirill Dmitriev: head of RDIF"') in html
    assert ">Talks on Mars will come soon,</mark>" in html
    assert '<span class="claim" data-tip="Claim, no comment, about Elon Musk: had not commented"' in html
    assert f'class="q sp-0 k-indirect" data-quotes="{i["indirect"]}"' in html
    assert html.count("<p>") >= 2
    assert f'<a class="chip sp-0" href="/-/quotes/speaker/{i["dmitriev"]}">Kirill Dmitriev<span class="n">2</span></a>' in html
    assert f'<link rel="alternate" type="application/json+datasette" href="/-/quotes/article/{i["mars"]}.json">' in html
    assert STYLESHEET in html
    focused = (await ds.client.get(f"/-/quotes/article/{i['mars']}?quote={i['talks']}")).text
    assert 'class="q sp-0 k-direct focus claim"' in focused and html.count("focus") < focused.count("focus")


@pytest.mark.asyncio
async def test_unknown_speakers_are_grey_and_listed(ds, db_file):
    i = ids(db_file)
    html = (await ds.client.get(f"/-/quotes/article/{i['rivers']}")).text
    assert '<mark class="q sp-x k-direct"' in html
    assert '<span class="chip sp-x">Unknown speaker<span class="n">1</span></span>' in html
    assert "Energy &amp; rivers" in html
    legend = re.findall(r'class="chip (sp-\w)"[^>]*>([^<]+)<', html)
    assert legend == [("sp-0", "Kirill Dmitriev"), ("sp-1", "Ann Lee"), ("sp-x", "Unknown speaker")]


@pytest.mark.asyncio
async def test_article_json(ds, db_file):
    i = ids(db_file)
    response = await ds.client.get(f"/-/quotes/article/{i['mars']}.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    data = response.json()
    assert set(data) == {"database", "article", "speakers", "quotes", "claims", "links"}
    assert data["database"] == "quotes"
    assert {k: data["article"][k] for k in ("id", "title", "url", "publisher", "published", "author")} == {
        "id": i["mars"], "title": "Dmitriev on Mars", "url": "https://paper.example/1",
        "publisher": "The Paper", "published": "2025-03-18", "author": "A. Writer",
    }
    body = data["article"]["body"]
    assert body == MARS
    assert [(q["text"], q["kind"], q["speaker_name"], q["colour"]) for q in data["quotes"]] == [
        ("Talks on Mars will come soon,", "direct", "Kirill Dmitriev", "sp-0"),
        ("Dmitriev said he would meet Musk.", "indirect", "Kirill Dmitriev", "sp-0"),
    ]
    for q in data["quotes"]:
        assert body[q["start"]:q["end"]] == q["text"]
        assert set(q) >= {"id", "speaker_id", "speaker_text", "cue", "said_on", "paragraph", "method",
                          "confidence", "about", "url", "speaker_url"}
        assert q["about"] == [{"id": i["musk"], "name": "Elon Musk"}]
    assert [(c["kind"], c["subject_name"]) for c in data["claims"]] == [("role", "Kirill Dmitriev"), ("no_comment", "Elon Musk")]
    for c in data["claims"]:
        assert body[c["start"]:c["end"]] == c["text"]
    assert data["speakers"] == [{"id": i["dmitriev"], "name": "Kirill Dmitriev", "colour": "sp-0", "quotes": 2,
                                 "url": f"/-/quotes/speaker/{i['dmitriev']}"}]
    assert data["links"]["json"] == f"/-/quotes/article/{i['mars']}.json"


# --- the speaker -------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_speaker_page(ds, db_file):
    i = ids(db_file)
    response = await ds.client.get(f"/-/quotes/speaker/{i['dmitriev']}")
    assert response.status_code == 200, response.text
    html = response.text
    assert "<h1>Kirill Dmitriev</h1>" in html
    assert "person · head of RDIF · quoted 4 times" in html
    assert '<span class="chip">Dmitriev</span>' in html
    assert '<svg class="timeline"' in html and html.count('<rect class="bar"') == 3  # 2025-03 to 2025-05
    assert "<title>2025-03: 2 quotes</title>" in html and "<title>2025-04: 0 quotes</title>" in html
    assert f'<a href="/quotes/quotes?speaker_id={i["dmitriev"]}&amp;said_month=2025-03&amp;_sort=said_on">' in html
    assert "1 dated only to 2019." in html
    assert "<li>head of RDIF, 2025 <span class=\"note\">1 report, first in <a " in html
    assert f'<a href="/-/quotes/speaker/{i["ann"]}">Ann Lee</a>' in html  # quoted in the same article
    assert f'<a href="/-/quotes/speaker/{i["musk"]}">Elon Musk</a> <span class="note">2 quotes</span>' in html
    quotes_section = html[html.index("Quotes by date"):html.index("Claims about")]
    texts = re.findall(r'<td class="text"><a href="[^"]+"><span class="(\w+) k-\w+">(?:<span [^>]+>paraphrase</span> )?'
                       r'([^<]+)</span></a>', quotes_section)
    assert texts == [("quoted", "“Back then,”"), ("quoted", "“Talks on Mars will come soon,”"),
                     ("paraphrase", "Dmitriev said he would meet Musk."), ("quoted", "“Energy first,”")]
    musk = (await ds.client.get(f"/-/quotes/speaker/{i['musk']}")).text
    assert "Quoted about Elon Musk" in musk and "No quotes attributed to Elon Musk." in musk
    assert "had not commented" in musk and "No dated quotes" in musk


@pytest.mark.asyncio
async def test_speaker_json(ds, db_file):
    i = ids(db_file)
    data = (await ds.client.get(f"/-/quotes/speaker/{i['dmitriev']}.json")).json()
    assert set(data) == {"database", "entity", "aliases", "roles", "role_total", "roles_truncated",
                         "quote_total", "quotes", "quotes_truncated", "page", "pages", "first_shown",
                         "last_shown", "timeline", "claims", "claim_total", "claims_truncated",
                         "quoted_with", "speaks_about", "spoken_about_by", "links"}
    assert (data["role_total"], data["roles_truncated"], data["claim_total"], data["claims_truncated"]) == (
        1, False, 1, False)
    assert data["entity"]["name"] == "Kirill Dmitriev" and data["entity"]["quote_count"] == 4
    assert data["aliases"] == ["Dmitriev"]
    assert [(r["title"], r["organization"], r["first_reported"], r["last_reported"], r["reports"], r["years"])
            for r in data["roles"]] == [("head of RDIF", "RDIF", "2025-03-18", "2025-03-18", 1, "2025")]
    assert [q["said_on"] for q in data["quotes"]] == ["2019", "2025-03-18", "2025-03-18", "2025-05-02"]
    assert data["quote_total"] == 4 and data["quotes_truncated"] is False
    assert data["timeline"] == {
        "unit": "month",
        "periods": [{"period": "2025-03", "count": 2}, {"period": "2025-04", "count": 0},
                    {"period": "2025-05", "count": 1}],
        "year_only": [{"period": "2019", "count": 1}], "undated": 0,
    }
    assert [c["kind"] for c in data["claims"]] == ["role"]
    assert [(p["name"], p["articles"], p["quotes"]) for p in data["quoted_with"]] == [("Ann Lee", 1, 1)]
    assert [(p["name"], p["quotes"]) for p in data["speaks_about"]] == [("Elon Musk", 2)]
    musk = (await ds.client.get(f"/-/quotes/speaker/{i['musk']}.json")).json()
    assert [q["text"] for q in musk["spoken_about_by"]] == ["Talks on Mars will come soon,", "Dmitriev said he would meet Musk."]
    assert [c["kind"] for c in musk["claims"]] == ["no_comment"]
    assert musk["timeline"]["periods"] == [] and musk["quotes"] == []


@pytest.mark.asyncio
async def test_speaker_page_lists_are_bounded_with_links_to_the_rest(db_file, tmp_path, monkeypatch):
    """The most quoted person of a big corpus has thousands of quotes, roles and claims:
    the page shows a page of quotes at a time (?page=N), each post once, and the first
    roles and claims, with links to the tables for the rest."""
    import shutil

    from quotes.web import pages

    copy = tmp_path / "copy.db"
    shutil.copy(db_file, copy)
    i = ids(copy)
    db = sqlite_utils.Database(copy)
    role = db.execute("select * from roles where entity_id = ?", [i["dmitriev"]]).fetchone()
    claim = db.execute("select * from claims where subject_id = ?", [i["dmitriev"]]).fetchone()
    for n in range(3):
        db["roles"].insert(dict(zip([c.name for c in db["roles"].columns], role), id=f"r{n}",
                                title=f"post {n}", as_of=f"2026-0{n + 1}-01"))
        db["claims"].insert(dict(zip([c.name for c in db["claims"].columns], claim), id=f"c{n}"))
    db.close()
    monkeypatch.setattr(pages, "PAGE_SIZE", 2)
    monkeypatch.setattr(pages, "LIST_LIMIT", 2)
    ds = datasette_on(copy)
    data = (await ds.client.get(f"/-/quotes/speaker/{i['dmitriev']}.json")).json()
    assert (len(data["quotes"]), data["quote_total"], data["quotes_truncated"], data["page"], data["pages"]) == (
        2, 4, True, 1, 2)
    assert (len(data["roles"]), data["role_total"], data["roles_truncated"]) == (2, 4, True)
    assert (len(data["claims"]), data["claim_total"], data["claims_truncated"]) == (2, 4, True)
    assert data["links"]["previous"] is None
    second = (await ds.client.get(data["links"]["next"].replace("?", ".json?", 1))).json()
    assert (second["page"], second["first_shown"], second["last_shown"], second["links"]["next"]) == (2, 3, 4, None)
    assert [q["said_on"] for q in data["quotes"] + second["quotes"]] == ["2019", "2025-03-18", "2025-03-18", "2025-05-02"]
    html = (await ds.client.get(f"/-/quotes/speaker/{i['dmitriev']}")).text
    assert "All 4 posts in the table" in html and "All 4 claims in the table" in html
    assert "Quotes by date (1–2 of 4)" in html and "page 1 of 2" in html
    assert f'<a rel="next" href="/-/quotes/speaker/{i["dmitriev"]}?db=copy&amp;page=2#quotes">' in html
    for odd in ("0", "-1", "x", "99", "²"):  # out of range or not a number: the nearest page
        response = await ds.client.get(f"/-/quotes/speaker/{i['dmitriev']}.json?page={odd}")
        assert response.status_code == 200 and response.json()["page"] in (1, 2), odd
    for link in (data["links"]["roles"], data["links"]["claims"]):
        table = (await ds.client.get(link.replace("?", ".json?", 1) + "&_shape=array")).json()
        assert len(table) == 4


@pytest.mark.asyncio
async def test_speaker_timeline_by_month_spans_the_persons_own_months(tmp_path):
    """The axis spans the person's own quotes, not the corpus: Ann Lee, quoted in May
    only, gets May, though the corpus runs from March (issue 17)."""
    path = tmp_path / "quotes.db"
    store_articles(path, CORPUS[:2])
    ds = datasette_on(path)
    ann = sqlite_utils.Database(path).execute("select id from entities where name = 'Ann Lee'").fetchone()[0]
    data = (await ds.client.get(f"/-/quotes/speaker/{ann}.json")).json()
    assert data["timeline"]["unit"] == "month"
    assert data["timeline"]["periods"] == [{"period": "2025-05", "count": 1}]


# --- the front page ------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_front_page_and_summary(ds, db_file):
    i = ids(db_file)
    summary = (await ds.client.get("/-/quotes/summary.json")).json()
    assert summary["counts"] == {"articles": 4, "quotes": 8, "speakers": 4, "claims": 3, "publishers": 4}
    assert summary["dates"] == {"first_published": "2019", "last_published": "2025-05-02",
                                "first_said": "2019", "last_said": "2025-05-02"}
    most = [(p["name"], p["quote_count"]) for p in summary["most_quoted_people"]]
    assert most[0] == ("Kirill Dmitriev", 4) and ("Ann Lee", 1) in most and len(most) == 4
    assert [q["text"] for q in summary["latest_quotes"]][:2] == ["Energy first,", "Nobody knows,"]
    html = (await ds.client.get("/")).text
    assert '<section class="corpus">' in html
    assert '<form class="corpus-search" action="/quotes/quotes" method="get">' in html
    assert f'<a class="name" href="/-/quotes/speaker/{i["dmitriev"]}">Kirill Dmitriev</a>' in html
    assert '<a href="/quotes/reprinted">Quotes reprinted by several publishers</a>' in html
    assert '<a href="/quotes">quotes</a>' in html  # Datasette's own list of databases is still there
    assert STYLESHEET in html


# --- links, errors, other databases, permissions --------------------------------------------------


@pytest.mark.asyncio
async def test_every_link_on_our_pages_resolves(ds, db_file):
    i = ids(db_file)
    pages = ["/", f"/-/quotes/article/{i['mars']}", f"/-/quotes/article/{i['rivers']}",
             f"/-/quotes/speaker/{i['dmitriev']}", f"/-/quotes/speaker/{i['musk']}",
             f"/-/quotes/article/{i['hostile']}", f"/-/quotes/speaker/{i['mallory']}"]
    seen = set()
    for page in pages:
        for href in hrefs((await ds.client.get(page)).text):
            if not href.startswith("/") or href in seen:
                continue
            seen.add(href)
            response = await ds.client.get(href.split("#")[0])
            assert response.status_code == 200, (page, href, response.text[:200])
    assert len(seen) > 30


@pytest.mark.asyncio
@pytest.mark.parametrize("path, status", [
    ("/-/quotes/article/nope", 404), ("/-/quotes/article/nope.json", 404),
    ("/-/quotes/speaker/999", 404), ("/-/quotes/speaker/abc", 404), ("/-/quotes/speaker/999.json", 404),
    ("/-/quotes/speaker/1?db=missing", 404), ("/-/quotes/summary.json?db=missing", 404),
])
async def test_missing_things_are_404(ds, path, status):
    assert (await ds.client.get(path)).status_code == status


@pytest.mark.asyncio
async def test_pages_without_a_quotes_database(tmp_path):
    empty = tmp_path / "empty.db"
    sqlite_utils.Database(empty)["quotes"].insert({"text": "not ours"})  # a quotes table, not our schema
    ds = datasette_on(empty)
    response = await ds.client.get("/-/quotes/speaker/1")
    assert response.status_code == 404 and "No database with a quotes table" in response.text
    assert (await ds.client.get("/-/quotes/summary.json")).status_code == 404
    front = await ds.client.get("/")
    assert front.status_code == 200 and "corpus" not in front.text
    assert (await ds.client.get("/empty/quotes")).status_code == 200


@pytest.mark.asyncio
async def test_any_database_name_and_db_parameter(db_file, tmp_path):
    i = ids(db_file)
    news = tmp_path / "news.db"
    shutil.copy(db_file, news)
    other = tmp_path / "other.db"
    sqlite_utils.Database(other)["things"].insert({"a": 1})
    ds = datasette_on(other, news)
    page = await ds.client.get(f"/-/quotes/article/{i['mars']}")
    assert page.status_code == 200
    assert f'href="/-/quotes/speaker/{i["dmitriev"]}?db=news"' in page.text
    assert '<a href="/news/articles">articles</a>' in page.text
    data = (await ds.client.get(f"/-/quotes/speaker/{i['dmitriev']}.json?db=news")).json()
    assert data["database"] == "news" and data["quotes"][0]["url"].startswith("/-/quotes/article/")
    assert "db=news" in data["quotes"][0]["url"]
    assert (await ds.client.get(f"/-/quotes/article/{i['mars']}?db=other")).status_code == 404
    front = (await ds.client.get("/")).text
    assert "/-/quotes/summary.json?db=news" not in front and f"/-/quotes/speaker/{i['dmitriev']}?db=news" in front


@pytest.mark.asyncio
async def test_pages_respect_datasette_permissions(db_file):
    i = ids(db_file)
    metadata = {**METADATA, "databases": {"quotes": {**METADATA["databases"]["quotes"], "allow": {"id": "editor"}}}}
    ds = datasette_on(db_file, metadata=metadata)
    assert (await ds.client.get(f"/-/quotes/article/{i['mars']}")).status_code == 403
    assert (await ds.client.get(f"/-/quotes/speaker/{i['dmitriev']}.json")).status_code == 403
    assert "corpus" not in (await ds.client.get("/")).text
    cookies = {"ds_actor": ds.sign({"a": {"id": "editor"}}, "actor")}
    assert (await ds.client.get(f"/-/quotes/article/{i['mars']}", cookies=cookies)).status_code == 200
    assert "corpus" in (await ds.client.get("/", cookies=cookies)).text


@pytest.mark.asyncio
async def test_a_template_dir_overrides_our_templates(db_file, tmp_path):
    i = ids(db_file)
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "quotes_speaker.html").write_text("custom {{ entity.name }}")
    ds = datasette_on(db_file, template_dir=str(templates))
    assert (await ds.client.get(f"/-/quotes/speaker/{i['dmitriev']}")).text == "custom Kirill Dmitriev"
    assert "<mark" in (await ds.client.get(f"/-/quotes/article/{i['mars']}")).text


@pytest.mark.asyncio
async def test_quote_context_sql_function(ds):
    sql = ("select quote_context(articles.body, quotes.start, quotes.[end], 12) as context "
           "from quotes join articles on articles.id = quotes.article_id where quotes.text like 'Rivers%'")
    response = await ds.client.get("/quotes.json", params={"sql": sql, "_shape": "array"})
    assert response.json() == [{"context": '…said. "»Rivers matter,«" Ann Lee…'}]


@pytest.mark.asyncio
async def test_stylesheet(ds):
    """Datasette serves the plugin's static/ itself: /-/static-plugins/NAME/quotes.css,
    NAME being quotes.web here (plugins/quotes_web.py) and quotes when installed."""
    html = (await ds.client.get("/quotes/quotes")).text
    (href,) = re.findall(r'<link rel="stylesheet" href="([^"]*/quotes\.css\?[0-9a-f]{8})">', html)
    assert href.startswith(STYLESHEET)
    response = await ds.client.get(href)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/css")
    assert "mark.q" in response.text and ".claim" in response.text


# --- quotes and paraphrase, people and organisations ---------------------------------------------
# One person quoted directly, in part and in reported speech, and an organisation quoted
# more often than the person: reported speech must never appear inside quote marks, and
# the organisation must not crowd the people out of "Most quoted people".

BRIDGE = ('"The bridge will open in May," Maria Ortiz said. Ortiz called the delay "a scandal." '
          "Ortiz said the council had ignored the engineers.\n\n"
          '"We are reviewing the schedule," the Harbor Authority said. "No date is final," the authority '
          'added. "Crews are on site," the authority said.')
DIRECT, PARTIAL, INDIRECT = "The bridge will open in May,", "a scandal.", "the council had ignored the engineers"
ORG_QUOTES = ("We are reviewing the schedule,", "No date is final,", "Crews are on site,")
# The paraphrase marker exactly as quotes/web/display.py writes it.
PARAPHRASE = ('<span class="paraphrase k-indirect"><span class="paraphrase-label" '
              'title="Reported speech: the reporter&#39;s wording, not a direct quote">paraphrase</span> {}</span>')


def _bridge_quote(text, kind, speaker, speaker_text):
    start = BRIDGE.index(text)
    return Quote(text=text, kind=kind, start=start, end=start + len(text), paragraph=BRIDGE.count("\n\n", 0, start),
                 speaker=speaker, speaker_text=speaker_text, cue="said", said_on="2025-06-03")


BRIDGE_ARTICLE = (
    Article(body=BRIDGE, source="bridge.txt", title="Bridge delayed", url="https://ledger.example/bridge",
            publisher="The Ledger", published="2025-06-03"),
    Extraction(
        entities=[Entity("Maria Ortiz", "person", ["Ortiz"]),
                  Entity("Harbor Authority", "organization", ["the authority"])],
        quotes=[_bridge_quote(DIRECT, "direct", "Maria Ortiz", "Maria Ortiz"),
                _bridge_quote(PARTIAL, "partial", "Maria Ortiz", "Ortiz"),
                _bridge_quote(INDIRECT, "indirect", "Maria Ortiz", "Ortiz"),
                *(_bridge_quote(t, "direct", "Harbor Authority", "the authority") for t in ORG_QUOTES)],
    ),
)


@pytest.fixture
def bridge(tmp_path):
    """A Datasette on the bridge article alone, and the ids of its article and speakers."""
    path = tmp_path / "quotes.db"
    store_articles(path, [BRIDGE_ARTICLE])
    db = sqlite_utils.Database(path)
    found = {name: db.execute("select id from entities where name = ?", [name]).fetchone()[0]
             for name in ("Maria Ortiz", "Harbor Authority")}
    found["article"] = db.execute("select id from articles").fetchone()[0]
    db.close()
    return datasette_on(path), found


def assert_quotes_and_paraphrase(html: str, direct=(DIRECT,)) -> None:
    """The indirect words carry the paraphrase marker and never follow an opening quote
    mark; the direct and partial ones stand inside quote marks."""
    assert html.count(INDIRECT) >= 1
    assert PARAPHRASE.format(INDIRECT) in html
    assert "\u201c" + INDIRECT not in html and "&ldquo;" + INDIRECT not in html
    assert all(html[at - 1] not in "\u201c\"" for at in (m.start() for m in re.finditer(re.escape(INDIRECT), html)))
    for text in direct:
        assert f'<span class="quoted k-direct">\u201c{text}\u201d</span>' in html


def names_under(html: str, css: str) -> list[str]:
    """The entity names listed in the front page's `<div class="most-quoted CSS">`."""
    start = html.find(f'<div class="most-quoted {css}">')
    assert start >= 0, f"no most-quoted {css} list"
    end = html.index("<h2>", html.index("<h2>", start) + 1)  # the next list's heading
    return re.findall(r'<a class="name" href="[^"]+">([^<]+)</a>', html[start:end])


@pytest.mark.asyncio
async def test_front_page_shows_reported_speech_as_paraphrase(bridge):
    ds, _ = bridge
    html = (await ds.client.get("/")).text
    latest = html[html.index("<h2>Latest quotes</h2>"):]
    latest = latest[:latest.index("</ul>")]
    assert_quotes_and_paraphrase(latest, direct=(DIRECT, *ORG_QUOTES))
    assert f'<span class="quoted k-partial">\u201c{PARTIAL}\u201d</span>' in latest
    summary = (await ds.client.get("/-/quotes/summary.json")).json()
    assert {q["text"]: q["kind"] for q in summary["latest_quotes"]}[INDIRECT] == "indirect"


@pytest.mark.asyncio
async def test_front_page_counts_people_and_organisations_apart(bridge):
    ds, found = bridge
    html = (await ds.client.get("/")).text
    assert "<h2>Most quoted people</h2>" in html and "<h2>Most quoted organisations</h2>" in html
    assert names_under(html, "people") == ["Maria Ortiz"]
    assert names_under(html, "organizations") == ["Harbor Authority"]
    summary = (await ds.client.get("/-/quotes/summary.json")).json()
    assert [(p["name"], p["kind"], p["quote_count"]) for p in summary["most_quoted_people"]] == [
        ("Maria Ortiz", "person", 3)]
    assert [(p["name"], p["kind"], p["quote_count"]) for p in summary["most_quoted_organizations"]] == [
        ("Harbor Authority", "organization", 3)]
    assert "most_quoted" not in summary


@pytest.mark.asyncio
async def test_speaker_page_shows_reported_speech_as_paraphrase(bridge):
    ds, found = bridge
    html = (await ds.client.get(f"/-/quotes/speaker/{found['Maria Ortiz']}")).text
    section = html[html.index("Quotes by date"):html.index("Claims about")]
    assert_quotes_and_paraphrase(section)
    cells = re.findall(r'<td class="text"><a href="[^"]+">(.*?)</a>', section)
    assert cells == [f'<span class="quoted k-direct">\u201c{DIRECT}\u201d</span>',
                     f'<span class="quoted k-partial">\u201c{PARTIAL}\u201d</span>',
                     PARAPHRASE.format(INDIRECT)]
    assert_quotes_and_paraphrase(html)  # and nowhere else on the page in quote marks
    organisation = (await ds.client.get(f"/-/quotes/speaker/{found['Harbor Authority']}")).text
    for text in ORG_QUOTES:
        assert f'<span class="quoted k-direct">\u201c{text}\u201d</span>' in organisation


@pytest.mark.asyncio
async def test_article_page_shows_reported_speech_as_paraphrase(bridge):
    ds, found = bridge
    html = (await ds.client.get(f"/-/quotes/article/{found['article']}")).text
    assert_quotes_and_paraphrase(html, direct=(DIRECT, *ORG_QUOTES))
    table = html[html.index('<table class="rows-and-columns quotes-list">'):]
    rows = re.findall(r'<td class="text"><a href="[^"]+">(.*?)</a></td>\s*<td>(\w+)</td>', table)
    assert rows[:3] == [(f'<span class="quoted k-direct">\u201c{DIRECT}\u201d</span>', "direct"),
                        (f'<span class="quoted k-partial">\u201c{PARTIAL}\u201d</span>', "partial"),
                        (PARAPHRASE.format(INDIRECT), "indirect")]
    assert '<span class="chip indirect-key">dotted: reported speech (paraphrase)</span>' in html


@pytest.mark.asyncio
async def test_most_quoted_canned_queries_count_people_and_organisations_apart(bridge):
    ds, _ = bridge
    for query, expected in (("most_quoted_by_publisher", [("Maria Ortiz", 3)]),
                            ("most_quoted_organizations_by_publisher", [("Harbor Authority", 3)])):
        as_json = (await ds.client.get(f"/quotes/{query}.json?_shape=array&publisher=")).json()
        assert [(r["speaker_name"], r["quotes"]) for r in as_json] == expected, query
        as_csv = (await ds.client.get(f"/quotes/{query}.csv?publisher=The+Ledger&_dl=1")).text
        assert as_csv.splitlines()[1].split(",")[:3] == ["The Ledger", expected[0][0], "3"], query


def test_quoted_marks_quotes_and_labels_paraphrase():
    from quotes.web.display import group_kind, quoted

    assert quoted('He said "no" <b>', "direct") == (
        '<span class="quoted k-direct">\u201cHe said &#34;no&#34; &lt;b&gt;\u201d</span>')
    assert quoted("soon.", "partial") == '<span class="quoted k-partial">\u201csoon.\u201d</span>'
    assert quoted("he would <go>", "indirect") == PARAPHRASE.format("he would &lt;go&gt;")
    assert quoted("who knows", None) == '<span class="unmarked">who knows</span>'
    assert quoted(None, "direct") == '<span class="quoted k-direct">\u201c\u201d</span>'
    assert [group_kind(k) for k in (["indirect", "direct"], ["indirect", "partial"], ["indirect", "indirect"],
                                    ["indirect", None], [])] == ["direct", "partial", "indirect", None, None]


# --- safety ------------------------------------------------------------------------------------------

# The fixture's payloads as they would appear if any escaped unescaped.
HOSTILE = re.compile("|".join(re.escape(s) for s in (
    "<script>window.__xss", "<script>alert", "<img src=x", "<svg onload", "<iframe", "<b onmouseover",
    'href="javascript:', "href='javascript:",
)), re.I)


@pytest.mark.asyncio
async def test_hostile_fixture_is_text_on_every_page(ds, db_file):
    i = ids(db_file)
    pages = [
        "/", f"/-/quotes/article/{i['hostile']}", f"/-/quotes/article/{i['hostile']}?quote=x",
        f"/-/quotes/speaker/{i['script']}", f"/-/quotes/speaker/{i['mallory']}",
        f"/quotes/articles/{i['hostile']}", "/quotes/articles", "/quotes/quotes", "/quotes/quotes_view",
        "/quotes/entities", "/quotes/aliases", "/quotes/claims", "/quotes/roles", "/quotes/quote_mentions",
        "/quotes/quotes?_search=Click", "/quotes/quotes_by_person?name=Mallory", "/quotes/no_comment",
        "/quotes/who_commented_on?topic=click", "/quotes/reprinted?min_publishers=1",
        "/quotes/topic_across_publishers?topic=run",
    ]
    for path in pages:
        response = await ds.client.get(path)
        assert response.status_code == 200, path
        page = response.text
        found = HOSTILE.search(page)
        assert not found, (path, page[max(0, found.start() - 200):found.end() + 200])
    html = (await ds.client.get(f"/-/quotes/article/{i['hostile']}")).text
    assert "Run &lt;script&gt;window.__xss=&#39;quote&#39;;alert(&#39;quote&#39;)&lt;/script&gt; now," in html
    assert '<span class="unlinked-url">javascript:window.__xss=&#39;url&#39;;alert(&#39;url&#39;)</span>' in html
    data = (await ds.client.get(f"/-/quotes/article/{i['hostile']}.json")).json()
    assert data["quotes"][0]["text"].startswith("Run <script>")  # JSON carries the data as it is
