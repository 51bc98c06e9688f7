"""Datasette as users see it: the quotes plugin (quotes/web/, from plugins/ here) and its
metadata.yml on a real database, in-process."""
from __future__ import annotations

import csv
import io
import re
import shutil

import pytest
import sqlite_utils
import yaml

from conftest import datasette_on, PLUGIN_STATIC, ROOT
from quotes import store
from quotes.store import facet_counts
from quotes.model import Article, Claim, Entity, Extraction, Quote
from quotes.corpus.resolve import Registry

METADATA = yaml.safe_load((ROOT / "metadata.yml").read_text())

ARTICLES = [
    (
        Article(
            body='"Talks on Mars will come soon," Kirill Dmitriev said. Musk had not commented.',
            source="one.txt", title="Dmitriev on Mars", url="https://paper.example/1",
            publisher="The Paper", published="2025-03-18",
        ),
        Extraction(
            entities=[Entity("Kirill Dmitriev", "person", ["Dmitriev"]), Entity("Elon Musk", "person", ["Musk"])],
            quotes=[Quote(text="Talks on Mars will come soon,", kind="direct", start=1, end=30,
                          paragraph=0, speaker="Kirill Dmitriev", cue="said", said_on="2025-03-18",
                          mentions=["Elon Musk"])],
            claims=[Claim(kind="no_comment", subject="Elon Musk", text="Musk had not commented.",
                          start=54, end=77, as_of="2025-03-18")],
        ),
    ),
    (
        Article(
            body='"Energy first," Dmitriev said. "Rivers matter," Ann Lee said.',
            source="two.txt", title="Energy & rivers <b>", url="https://other.example/2",
            publisher="Other News", published="2025-04-02",
        ),
        Extraction(
            entities=[Entity("Dmitriev", "person"), Entity("Ann Lee", "person")],
            quotes=[
                Quote(text="Energy first,", kind="direct", start=1, end=14, paragraph=0,
                      speaker="Dmitriev", cue="said", said_on="2025-04-02"),
                Quote(text="Rivers matter,", kind="direct", start=32, end=46, paragraph=0,
                      speaker="Ann Lee", cue="said", said_on="2025-04"),
            ],
            claims=[Claim(kind="role", subject="Ann Lee", text='"Rivers matter," Ann Lee said.',
                          start=31, end=61, object="river warden", as_of="2025-04-02")],
        ),
    ),
]


def build(path) -> None:
    db = store.connect(path)
    registry = Registry(db)
    for article, extraction in ARTICLES:
        with db.atomic():
            store.write_article(db, article, extraction, registry, "2025-04-02T00:00:00+00:00")
        store.log(db, article.source, "ok", "2025-04-02T00:00:00+00:00", article_id=article.id)
    db.close()


@pytest.fixture
def db_file(tmp_path):
    path = tmp_path / "quotes.db"  # metadata under databases: quotes: applies to quotes.db
    build(path)
    return path



@pytest.mark.asyncio
async def test_facets_on_quotes(ds):
    """The quotes table's counted facets (metadata.yml, quotes/web/counted_facets.py),
    shown as column facets, and the m2m one."""
    response = await ds.client.get("/quotes/quotes.json?_shape=objects")
    assert response.status_code == 200, response.text
    data = response.json()
    facets = data["facet_results"]
    assert {name: [(r["label"], r["count"]) for r in f["results"]] for name, f in facets.items()} == {
        "speaker_name": [("Kirill Dmitriev", 2), ("Ann Lee", 1)],
        "kind": [("direct", 3)],
        "cue": [("said", 3)],
        "said_year": [(2025, 3)],
        "said_month": [("2025-04", 2), ("2025-03", 1)],
        "publisher": [("Other News", 2), ("The Paper", 1)],
        "mentioned": [("Elon Musk", 1)],
    }
    assert {f["type"] for name, f in facets.items() if name != "mentioned"} == {"column"}
    assert not any(f["hideable"] or f["truncated"] for f in facets.values())
    html = (await ds.client.get("/quotes/quotes")).text
    assert "timed out" not in html and html.count('<div class="facet-info ') == 7
    # the counts agree with a group by over the rows (asked for in the URL too, the
    # facet is the counted one: quotes/web/default_facets.py)
    plain = (await ds.client.get("/quotes/quotes.json?_facet=speaker_name")).json()["facet_results"]
    assert set(plain) == set(facets)
    counted = await ds.client.get("/quotes.json?_shape=array&sql=" + "select speaker_name, count(*) as n "
                                  "from quotes where speaker_name is not null group by 1 order by 2 desc, 1")
    assert [(r["speaker_name"], r["n"]) for r in counted.json()] == [
        (r["value"], r["count"]) for r in plain["speaker_name"]["results"]]


@pytest.mark.asyncio
async def test_csv_export_streams_every_row(ds):
    response = await ds.client.get("/quotes/quotes.csv?_stream=on&_size=max")
    assert response.status_code == 200, response.text
    records = list(csv.DictReader(io.StringIO(response.text)))
    assert sorted(r["text"] for r in records) == ["Energy first,", "Rivers matter,", "Talks on Mars will come soon,"]
    assert {r["speaker_name"] for r in records} == {"Kirill Dmitriev", "Ann Lee"}


@pytest.mark.asyncio
@pytest.mark.parametrize("table, search, column, expected", [
    ("quotes", "mars", "text", ["Talks on Mars will come soon,"]),
    ("quotes_view", "rivers", "text", ["Rivers matter,"]),
    ("claims", "commented", "text", ["Musk had not commented."]),
    ("articles", "energy", "title", ["Energy & rivers <b>"]),
])
async def test_full_text_search(ds, table, search, column, expected):
    response = await ds.client.get(f"/quotes/{table}.json?_search={search}&_shape=objects")
    assert response.status_code == 200, response.text
    assert [r[column] for r in response.json()["rows"]] == expected


@pytest.mark.asyncio
@pytest.mark.parametrize("query, params, column, expected", [
    ("quotes_by_person", "name=Dmitriev", "text", ["Talks on Mars will come soon,", "Energy first,"]),
    ("quotes_by_person", "name=kirill+dmitriev", "text", ["Talks on Mars will come soon,", "Energy first,"]),
    ("quotes_by_person", "name=", "text", []),
    ("no_comment", "", "subject_name", ["Elon Musk"]),
    ("no_comment", "who=Musk", "subject_name", ["Elon Musk"]),
    ("no_comment", "who=Ann+Lee", "subject_name", []),
    ("most_quoted_by_publisher", "", "speaker_name", ["Ann Lee", "Kirill Dmitriev", "Kirill Dmitriev"]),
    ("most_quoted_by_publisher", "publisher=The+Paper", "speaker_name", ["Kirill Dmitriev"]),
    ("who_commented_on", "topic=Mars", "speaker_name", ["Kirill Dmitriev"]),
    ("who_commented_on", "topic=%22unbalanced", "speaker_name", []),
    ("topic_across_publishers", "topic=first", "publisher", ["Other News"]),
    ("topic_across_publishers", "topic=", "publisher", []),
    ("reprinted", "", "text", []),
    ("reprinted", "min_publishers=1&min_words=1", "publishers", [1, 1, 1]),
    ("reprinted", "min_publishers=1", "text", ["Talks on Mars will come soon,"]),
])
async def test_canned_queries(ds, query, params, column, expected):
    response = await ds.client.get(f"/quotes/{query}.json?_shape=objects&{params}")
    assert response.status_code == 200, response.text
    data = response.json()
    assert data.get("ok", True), data
    assert [r[column] for r in data["rows"]] == expected


@pytest.mark.asyncio
async def test_reprinted_finds_the_same_words_from_two_publishers(tmp_path):
    path = tmp_path / "quotes.db"
    build(path)
    reprint = Article(
        body='"Talks on MARS will come soon!" said Kirill Dmitriev.', source="three.txt",
        title="Reprint", url="https://third.example/3", publisher="Third Daily", published="2025-03-19",
    )
    from conftest import store_articles

    store_articles(path, [(reprint, Extraction(
        entities=[Entity("Kirill Dmitriev", "person")],
        quotes=[Quote(text="Talks on MARS will come soon!", kind="direct", start=1, end=30, paragraph=0,
                      speaker="Kirill Dmitriev", cue="said", said_on="2025-03-18")],
    ))])
    ds = datasette_on(path)
    rows = (await ds.client.get("/quotes/reprinted.json?_shape=objects")).json()["rows"]
    assert [(r["publishers"], r["printings"], r["speakers"], r["first_published"], r["last_published"]) for r in rows] == [
        (2, 2, "Kirill Dmitriev", "2025-03-18", "2025-03-19"),
    ]
    assert sorted(rows[0]["publisher_names"].split(",")) == ["The Paper", "Third Daily"]
    assert (await ds.client.get("/quotes/reprinted.json?_shape=objects&min_publishers=3")).json()["rows"] == []


def _count(db_file, table: str) -> int:
    db = sqlite_utils.Database(db_file)
    try:
        return db[table].count
    finally:
        db.close()


@pytest.fixture
def full_db_file(db_file):
    """The test database plus the multi-article corpus, refreshed and reviewed, so that
    every table, the derived ones included, has rows."""
    from conftest import store_articles, tracking_corpus
    from quotes.corpus.reviews import add_review
    from quotes.corpus.tracking import refresh

    store_articles(db_file, tracking_corpus())
    db = store.connect(db_file)
    refresh(db)
    quote_id = db.execute("select id from quotes where text like 'We will invite%' limit 1").fetchone()[0]
    add_review(db, quote_id, "Misattributed", "Harbor Fact Check", date_published="2025-04-20")
    db.close()
    return db_file


@pytest.mark.asyncio
async def test_every_table_downloads_whole_as_csv_and_json(full_db_file):
    db_file = full_db_file
    ds = datasette_on(db_file)
    for table, conf in METADATA["databases"]["quotes"]["tables"].items():
        if conf.get("hidden"):
            continue
        expected = _count(db_file, table)
        assert expected, f"the test database has no {table} rows"
        # _size=1 makes the stream page through every row, as it does past 1,000 rows.
        response = await ds.client.get(f"/quotes/{table}.csv?_stream=on&_size=1&_dl=1")
        assert response.status_code == 200, (table, response.text[:300])
        assert "attachment" in response.headers.get("content-disposition", "")
        records = list(csv.DictReader(io.StringIO(response.text)))
        assert len(records) == expected, table
        keys = [tuple(r[c] for c in (list(records[0])[:2])) for r in records]
        assert len(set(keys)) == expected, f"{table}: rows repeated in the stream"
        response = await ds.client.get(f"/quotes/{table}.json?_shape=array&_size=max")
        assert response.status_code == 200, table
        assert len(response.json()) == expected, table


@pytest.mark.asyncio
@pytest.mark.parametrize("query, params", [
    ("quotes_by_person", "name=Dmitriev"), ("who_commented_on", "topic=Mars"),
    ("topic_across_publishers", "topic=Mars"), ("no_comment", "who="),
    ("most_quoted_by_publisher", "publisher="), ("reprinted", "min_publishers=1"),
])
async def test_every_canned_query_downloads_as_csv_and_json(ds, query, params):
    assert set(METADATA["databases"]["quotes"]["queries"]) >= {query}
    as_json = await ds.client.get(f"/quotes/{query}.json?_shape=array&{params}")
    assert as_json.status_code == 200, as_json.text
    as_csv = await ds.client.get(f"/quotes/{query}.csv?{params}&_dl=1")
    assert as_csv.status_code == 200, as_csv.text
    records = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert records and len(records) == len(as_json.json())
    assert list(records[0]) == list(as_json.json()[0])


def test_every_canned_query_is_exported_by_a_test():
    tested = {"quotes_by_person", "who_commented_on", "topic_across_publishers", "no_comment",
              "most_quoted_by_publisher", "reprinted",
              # on the multi-article corpus, in tests/test_tracking_pages.py
              "conflicting_attributions", "superseded_no_comment",
              # on the people-and-organisations corpus, in tests/test_pages.py
              "most_quoted_organizations_by_publisher"}
    assert set(METADATA["databases"]["quotes"]["queries"]) == tested


@pytest.mark.asyncio
async def test_every_table_page_renders(ds):
    for table in METADATA["databases"]["quotes"]["tables"]:
        if METADATA["databases"]["quotes"]["tables"][table].get("hidden"):
            continue
        for path in (f"/quotes/{table}", f"/quotes/{table}.json"):
            response = await ds.client.get(path)
            assert response.status_code == 200, (path, response.text[:300])


@pytest.mark.asyncio
async def test_every_table_form_submits_its_own_defaults(ds):
    """The table form sends the sort it shows selected (the primary key when unsorted):
    Datasette answers 500 unless that column is in sortable_columns."""
    for table, conf in METADATA["databases"]["quotes"]["tables"].items():
        if conf.get("hidden"):
            continue
        html = (await ds.client.get(f"/quotes/{table}")).text
        select = re.search(r'<select name="_sort" id="sort_by">(.*?)</select>', html, re.S)
        chosen = re.findall(r'<option value="([^"]+)" selected>', select.group(1)) if select else []
        for column in chosen:
            response = await ds.client.get(f"/quotes/{table}?_search=x&_sort={column}")
            assert response.status_code in (200, 400), (table, column, response.status_code)
            response = await ds.client.get(f"/quotes/{table}?_sort={column}")
            assert response.status_code == 200, (table, column)


@pytest.mark.asyncio
async def test_every_canned_query_page_renders(ds):
    for name in METADATA["databases"]["quotes"]["queries"]:
        response = await ds.client.get(f"/quotes/{name}")
        assert response.status_code == 200, name


@pytest.mark.asyncio
async def test_quote_cells_link_to_article_and_speaker(ds, db_file):
    db = sqlite_utils.Database(db_file)
    quote_id, article_id = db.execute(
        "select id, article_id from quotes where text like 'Talks%'").fetchone()
    other_article = db.execute("select id from articles where title like 'Energy%'").fetchone()[0]
    db.close()
    in_context = f"/-/quotes/article/{article_id}?quote={quote_id}#q-{quote_id}"
    html = (await ds.client.get("/quotes/quotes")).text
    assert '<a class="speaker" href="/-/quotes/speaker/1">Kirill Dmitriev</a>' in html
    assert f'<a class="article" href="/-/quotes/article/{article_id}">Dmitriev on Mars</a>' in html
    assert f'<a class="quote-in-context" href="{in_context}">Talks on Mars will come soon,</a>' in html
    assert f'<a class="article" href="/-/quotes/article/{other_article}">Energy &amp; rivers &lt;b&gt;</a>' in html
    view = (await ds.client.get("/quotes/quotes_view")).text
    assert "Energy &amp; rivers &lt;b&gt;</a>" in view
    assert '<a class="speaker" href="/-/quotes/speaker/1">Kirill Dmitriev</a>' in view
    assert f'href="{in_context}"' in view
    entities = (await ds.client.get("/quotes/entities")).text
    assert '<a class="speaker" href="/-/quotes/speaker/1">Kirill Dmitriev</a>' in entities
    claims = (await ds.client.get("/quotes/claims")).text
    assert '<a class="speaker" href="/-/quotes/speaker/2">Elon Musk</a>' in claims
    assert 'class="claim-in-context" href="/-/quotes/article/' in claims
    query = (await ds.client.get("/quotes/quotes_by_person?name=Dmitriev")).text
    assert f'href="{in_context}"' in query and 'href="/-/quotes/speaker/1"' in query
    plugins = {p["name"]: p for p in (await ds.client.get("/-/plugins.json")).json()}
    # Installed (the entry point): "quotes"; from a checkout's plugins/quotes_web.py: "quotes.web".
    plugin = plugins.get("quotes") or plugins["quotes.web"]
    assert plugin["static"] and plugin["templates"]
    assert {"get_metadata", "register_routes", "render_cell", "register_facet_classes",
            "extra_template_vars", "extra_css_urls", "prepare_connection",
            "prepare_jinja2_environment"} <= set(plugin["hooks"])


@pytest.mark.asyncio
async def test_mentioned_facet_counts_and_filters_through_quote_mentions(ds):
    data = (await ds.client.get("/quotes/quotes.json?_shape=objects")).json()
    facet = data["facet_results"]["mentioned"]
    assert facet["type"] == "m2m"
    assert [(r["label"], r["count"], r["selected"]) for r in facet["results"]] == [("Elon Musk", 1, False)]
    toggle = facet["results"][0]["toggle_url"].replace("http://localhost", "")
    filtered = (await ds.client.get(toggle)).json()
    assert [r["text"] for r in filtered["rows"]] == ["Talks on Mars will come soon,"]
    chosen = filtered["facet_results"]["mentioned"]["results"][0]
    assert chosen["selected"] and "_through" not in chosen["toggle_url"]
    # Narrowed by another facet, the counts follow the rows shown.
    other = (await ds.client.get("/quotes/quotes.json?_shape=objects&publisher=Other+News")).json()
    assert other["facet_results"]["mentioned"]["results"] == []
    # Asked for by URL on a table without such a link, it is quietly absent.
    articles = (await ds.client.get("/quotes/articles.json?_facet_m2m=quote_mentions")).json()
    assert "quote_mentions" not in articles["facet_results"]
    html = (await ds.client.get("/quotes/quotes")).text
    assert 'data-column="mentioned"' in html


@pytest.mark.asyncio
async def test_plugin_copes_with_other_names_and_missing_tables(db_file, tmp_path):
    other = tmp_path / "news.db"
    shutil.copy(db_file, other)
    empty = tmp_path / "empty.db"
    sqlite_utils.Database(empty)["things"].insert({"article_id": "x", "speaker_name": "y"})
    ds = datasette_on(other, empty)
    html = (await ds.client.get("/news/quotes")).text
    assert '<a class="speaker" href="/-/quotes/speaker/1?db=news">Kirill Dmitriev</a>' in html
    for path in ("/", "/empty", "/empty/things", "/news/entities", "/news/claims"):
        response = await ds.client.get(path)
        assert response.status_code == 200, path


@pytest.mark.asyncio
async def test_any_database_quotes_made_gets_the_configuration_whatever_its_name(db_file, tmp_path):
    """No -m metadata.yml: the plugin recognises news.db by its schema (the `quotes`
    migrations) and gives it metadata.yml's facets, queries, titles and descriptions.
    A database quotes did not make gets nothing, even one named quotes.db."""
    news = tmp_path / "news.db"
    shutil.copy(db_file, news)
    impostor = tmp_path / "impostor" / "quotes.db"
    impostor.parent.mkdir()
    sqlite_utils.Database(impostor)["quotes"].insert({"id": 1, "speaker_name": "y", "article_id": "x"})
    ds = datasette_on(news, impostor)
    config = METADATA["databases"]["quotes"]

    data = (await ds.client.get("/news/quotes.json?_shape=objects")).json()
    assert set(data["facet_results"]) == {"speaker_name", "kind", "cue", "said_year", "said_month",
                                          "publisher", "mentioned"}
    html = (await ds.client.get("/news/quotes")).text
    assert f"<h1>{config['tables']['quotes']['title']}</h1>" in html
    assert config["tables"]["quotes"]["columns"]["cue"].split("(")[0].strip() in html
    assert PLUGIN_STATIC + "quotes.css?" in html
    queries = (await ds.client.get("/news.json")).json()
    assert [q["name"] for q in queries["queries"]] == list(config["queries"])
    rows = (await ds.client.get("/news/quotes_by_person.json?_shape=objects&name=Dmitriev")).json()["rows"]
    assert [r["text"] for r in rows] == ["Talks on Mars will come soon,", "Energy first,"]
    assert (await ds.client.get("/-/metadata.json")).json()["title"] == METADATA["title"]
    assert "<h1>Quotes</h1>" in (await ds.client.get("/")).text

    plain = (await ds.client.get("/quotes/quotes.json?_shape=objects")).json()
    assert plain["facet_results"] == {}
    assert "quotes_by_person" not in {q["name"] for q in (await ds.client.get("/quotes.json")).json()["queries"]}
    html = (await ds.client.get("/quotes/quotes")).text
    assert "quotes.css" not in html and 'class="speaker"' not in html
    assert (await ds.client.get("/-/quotes/speaker/1?db=quotes")).status_code == 404

    alone = datasette_on(impostor)
    assert (await alone.client.get("/-/metadata.json")).json() == {}
    front = (await alone.client.get("/")).text
    assert '<section class="corpus">' not in front and "quotes.css" not in front


@pytest.mark.asyncio
async def test_metadata_given_with_m_still_wins_and_leaves_the_plugins_alone(db_file):
    """Datasette merges -m metadata over what get_metadata returns, in place: the
    plugin must hand out copies, or one instance's overrides would leak into the next."""
    mine = {"title": "My desk", "databases": {"quotes": {"tables": {"quotes": {"facets": ["cue"]}}}}}
    ds = datasette_on(db_file, metadata=mine)
    data = (await ds.client.get("/quotes/quotes.json?_shape=objects")).json()
    assert list(data["facet_results"]) == ["cue"]
    assert (await ds.client.get("/-/metadata.json")).json()["title"] == "My desk"
    again = datasette_on(db_file)
    data = (await again.client.get("/quotes/quotes.json?_shape=objects")).json()
    assert "speaker_name" in data["facet_results"]
    assert (await again.client.get("/-/metadata.json")).json()["title"] == METADATA["title"]


@pytest.mark.asyncio
async def test_a_database_loaded_while_served_is_recognised(tmp_path):
    """An empty file served first and loaded into afterwards becomes ours."""
    path = tmp_path / "later.db"
    sqlite_utils.Database(path).vacuum()
    ds = datasette_on(path)
    assert (await ds.client.get("/-/metadata.json")).json() == {}
    build(path)
    assert (await ds.client.get("/-/metadata.json")).json()["title"] == METADATA["title"]
    assert "speaker_name" in (await ds.client.get("/later/quotes.json")).json()["facet_results"]


def test_the_checkout_metadata_yml_is_the_packaged_one():
    """metadata.yml at the top is what users read; quotes/web/metadata.yml is what the
    installed plugin reads. One file (a link), never two that drift."""
    assert (ROOT / "metadata.yml").read_bytes() == (ROOT / "quotes" / "web" / "metadata.yml").read_bytes()


def test_metadata_names_only_real_tables_and_columns(db_file):
    """Datasette silently ignores typos in metadata.yml; this does not."""
    db = sqlite_utils.Database(db_file)
    quotes_db = METADATA["databases"]["quotes"]
    known = set(db.table_names()) | set(db.view_names())
    assert set(store.TABLES) | set(store.VIEWS) <= set(quotes_db["tables"]), "every table documented"
    for table, conf in quotes_db["tables"].items():
        assert table in known, f"metadata names missing table {table}"
        columns = set(db[table].columns_dict)
        facets = {f for f in conf.get("facets", []) if isinstance(f, str)}
        for facet in conf.get("facets", []):
            if isinstance(facet, dict):  # the plugin's facet types
                assert list(facet) in (["m2m"], ["counted"]), facet
                if "m2m" in facet:
                    assert facet["m2m"]["table"] in known, facet
                else:  # a counted facet on a column without counts would count every row
                    assert facet["counted"] in facet_counts.COUNTED.get(table, ()), (table, facet)
                    facets.add(facet["counted"])
        named = set(conf.get("columns", {})) | facets | set(conf.get("sortable_columns", []))
        for key in ("label_column", "sort", "sort_desc"):
            if key in conf:
                named.add(conf[key])
        for key in ("sort", "sort_desc"):
            if key in conf and "sortable_columns" in conf:
                assert conf[key] in conf["sortable_columns"], f"{table}: {key} must be sortable"
            if key in conf:  # see metadata.yml: a default sort must never tie
                unique = {tuple(db[table].pks)} | {tuple(i.columns) for i in db[table].indexes if i.unique}
                assert (conf[key],) in unique, f"{table}: default {key} on {conf[key]}, which can tie"
        assert named <= columns, f"{table}: unknown columns {named - columns}"
        if "fts_table" in conf:
            assert conf["fts_table"] in known and conf["fts_pk"] == "rowid"
        if table in store.TABLES:
            assert set(conf["columns"]) == columns, f"{table}: undocumented {columns - set(conf['columns'])}"
        if not conf.get("hidden"):
            for key in ("title", "description", "source", "license"):
                assert conf.get(key), f"{table} has no {key}"
    for name, query in quotes_db["queries"].items():
        assert query.get("title") and query.get("description"), name
    assert ":name" in quotes_db["queries"]["quotes_by_person"]["sql"]
    assert ":topic" in quotes_db["queries"]["who_commented_on"]["sql"]
    assert quotes_db["tables"]["entities"]["label_column"] == "name"
    assert quotes_db["tables"]["articles"]["label_column"] == "title"
    assert {"title", "description", "license", "source"} <= set(quotes_db)
    db.close()


def test_metadata_marks_the_keys_that_move_in_1_0():
    text = (ROOT / "metadata.yml").read_text()
    before_queries = text.split("\n    queries:")[0].rsplit("\n", 1)[-1]
    assert "datasette.yaml in 1.0" in before_queries


@pytest.mark.asyncio
async def test_quotes_by_a_shared_surname_name_each_person_and_say_how_many(tmp_path):
    path = tmp_path / "quotes.db"
    db = store.connect(path)
    registry = Registry(db)
    body = '"We will win," Tony Blair said. "We will see," Cherie Blair said.'
    article = Article(body=body, source="blair.txt", title="Blairs", published="2005-04-02")
    extraction = Extraction(
        entities=[Entity("Tony Blair", "person", ["Blair"]), Entity("Cherie Blair", "person", ["Blair"])],
        quotes=[Quote(text="We will win,", kind="direct", start=1, end=13, paragraph=0,
                      speaker="Tony Blair", cue="said", said_on="2005-04-01"),
                Quote(text="We will see,", kind="direct", start=33, end=45, paragraph=0,
                      speaker="Cherie Blair", cue="said", said_on="2005-04-02")])
    with db.atomic():
        store.write_article(db, article, extraction, registry, "2005-04-02T00:00:00+00:00")
    db.close()
    ds = datasette_on(path)
    by_surname = (await ds.client.get("/quotes/quotes_by_person.json?_shape=objects&name=Blair")).json()
    assert [(r["speaker_name"], r["people_with_this_name"]) for r in by_surname["rows"]] == [
        ("Tony Blair", 2), ("Cherie Blair", 2)]
    by_name = (await ds.client.get("/quotes/quotes_by_person.json?_shape=objects&name=Cherie+Blair")).json()
    assert [(r["speaker_name"], r["people_with_this_name"]) for r in by_name["rows"]] == [("Cherie Blair", 1)]
