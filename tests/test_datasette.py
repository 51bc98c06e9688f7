"""Datasette as users see it: metadata.yml and plugins/ on a real database, in-process."""
from __future__ import annotations

import csv
import io
import shutil

import pytest
import sqlite_utils
import yaml
from datasette.app import Datasette

from conftest import ROOT
from quotes import store
from quotes.model import Article, Claim, Entity, Extraction, Quote
from quotes.resolve import Registry

METADATA = yaml.safe_load((ROOT / "metadata.yml").read_text())
PLUGINS = str(ROOT / "plugins")

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


@pytest.fixture
def ds(db_file):
    return Datasette([str(db_file)], metadata=METADATA, plugins_dir=PLUGINS)


@pytest.mark.asyncio
async def test_facets_on_quotes(ds):
    response = await ds.client.get("/quotes/quotes.json?_facet=speaker_name&_shape=objects")
    assert response.status_code == 200, response.text
    data = response.json()
    facets = data["facet_results"]
    assert {"speaker_name", "kind", "cue", "said_year", "said_month", "publisher"} <= set(facets)
    speakers = {r["value"]: r["count"] for r in facets["speaker_name"]["results"]}
    assert speakers == {"Kirill Dmitriev": 2, "Ann Lee": 1}
    months = {r["value"]: r["count"] for r in facets["said_month"]["results"]}
    assert months == {"2025-03": 1, "2025-04": 2}
    assert not facets["speaker_name"].get("timed_out") and not data.get("facets_timed_out")


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
    ("no_comment", "", "subject_name", ["Elon Musk"]),
    ("most_quoted_by_publisher", "", "speaker_name", ["Ann Lee", "Kirill Dmitriev", "Kirill Dmitriev"]),
    ("who_commented_on", "topic=Mars", "speaker_name", ["Kirill Dmitriev"]),
    ("who_commented_on", "topic=%22unbalanced", "speaker_name", []),
])
async def test_canned_queries(ds, query, params, column, expected):
    response = await ds.client.get(f"/quotes/{query}.json?_shape=objects&{params}")
    assert response.status_code == 200, response.text
    data = response.json()
    assert data.get("ok", True), data
    assert [r[column] for r in data["rows"]] == expected


@pytest.mark.asyncio
async def test_every_table_page_renders(ds):
    for table in METADATA["databases"]["quotes"]["tables"]:
        if METADATA["databases"]["quotes"]["tables"][table].get("hidden"):
            continue
        for path in (f"/quotes/{table}", f"/quotes/{table}.json"):
            response = await ds.client.get(path)
            assert response.status_code == 200, (path, response.text[:300])


@pytest.mark.asyncio
async def test_every_canned_query_page_renders(ds):
    for name in METADATA["databases"]["quotes"]["queries"]:
        response = await ds.client.get(f"/quotes/{name}")
        assert response.status_code == 200, name


@pytest.mark.asyncio
async def test_quote_cells_link_to_article_and_speaker(ds):
    html = (await ds.client.get("/quotes/quotes")).text
    assert '<a href="/quotes/entities/1">Kirill Dmitriev</a>' in html
    assert '>Dmitriev on Mars</a>' in html
    assert "Energy &amp; rivers &lt;b&gt;</a>" in html  # escaped, never raw HTML
    view = (await ds.client.get("/quotes/quotes_view")).text
    assert "Energy &amp; rivers &lt;b&gt;</a>" in view
    assert '<a href="/quotes/entities/1">Kirill Dmitriev</a>' in view
    plugins = (await ds.client.get("/-/plugins.json")).json()
    assert "quote_links.py" in {p["name"] for p in plugins}


@pytest.mark.asyncio
async def test_plugin_copes_with_other_names_and_missing_tables(db_file, tmp_path):
    other = tmp_path / "news.db"
    shutil.copy(db_file, other)
    empty = tmp_path / "empty.db"
    sqlite_utils.Database(empty)["things"].insert({"article_id": "x", "speaker_name": "y"})
    ds = Datasette([str(other), str(empty)], metadata=METADATA, plugins_dir=PLUGINS)
    html = (await ds.client.get("/news/quotes")).text
    assert '<a href="/news/entities/1">Kirill Dmitriev</a>' in html
    for path in ("/", "/empty", "/empty/things", "/news/entities", "/news/claims"):
        response = await ds.client.get(path)
        assert response.status_code == 200, path


def test_metadata_names_only_real_tables_and_columns(db_file):
    """Datasette silently ignores typos in metadata.yml; this does not."""
    db = sqlite_utils.Database(db_file)
    quotes_db = METADATA["databases"]["quotes"]
    known = set(db.table_names()) | set(db.view_names())
    assert set(store.TABLES) | set(store.VIEWS) <= set(quotes_db["tables"]), "every table documented"
    for table, conf in quotes_db["tables"].items():
        assert table in known, f"metadata names missing table {table}"
        columns = set(db[table].columns_dict)
        named = set(conf.get("columns", {})) | set(conf.get("facets", [])) | set(conf.get("sortable_columns", []))
        for key in ("label_column", "sort", "sort_desc"):
            if key in conf:
                named.add(conf[key])
        for key in ("sort", "sort_desc"):
            if key in conf and "sortable_columns" in conf:
                assert conf[key] in conf["sortable_columns"], f"{table}: {key} must be sortable"
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
