"""quote_facet_counts and quote_pair_counts stay equal to a group-by over quotes (and
quote_mentions) through loads, reloads, renames, edits and deletes, and the quotes
pages' counted facets (quotes/web/counted_facets.py) read them and show exactly what
Datasette's own column facets compute."""
from __future__ import annotations

import pytest
from datasette.app import Datasette

from conftest import MENTIONS, ROOT, assert_exact, counted, counted_pairs
from quotes import parallel
from quotes.store import facet_counts
from quotes.load import Loader
from quotes.model import Article

PLUGINS = str(ROOT / "plugins")


def article(n: int, body: str | None = None, publisher: str = "The Paper") -> Article:
    return Article(
        body=body or f'"Point {n} stands," Jane Roe said. "Item {n} too," John {"Doe" if n % 2 else "Poe"} said.',
        source=f"a{n}.txt", title=f"Title {n}", url=f"https://example.org/{n}",
        publisher=publisher, published=f"2025-0{1 + n % 3}-18",
    )


@pytest.fixture(params=[3, facet_counts.FOLD_EVERY], ids=["folded-often", "folded-rarely"])
def fold_every(request, monkeypatch):
    """The log folded into the counts every 3 rows, or (as served) every 2,048."""
    monkeypatch.setattr(facet_counts, "FOLD_EVERY", request.param)
    return request.param


@pytest.fixture
def db(fold_every, db_path):
    from quotes.store import connect

    database = connect(db_path)
    yield database
    database.close()


def test_counts_follow_loads_reloads_and_renames(db, fake_extract):
    loader = Loader(db, extract=fake_extract)
    parallel.load_records(loader, [article(n, publisher=["A", "B"][n % 2]) for n in range(6)], batch_size=4)
    assert_exact(db)
    assert ("publisher", "A", 6) in counted(db)
    assert ("cue", "said", "publisher", "A", 6) in counted_pairs(db)
    # the same URL with new text: its quotes are deleted and written again
    parallel.load_records(loader, [article(2, body='"All new," Ann Lee said.', publisher="C")])
    assert_exact(db)
    assert ("publisher", "C", 1) in counted(db)
    db.execute("update quotes set speaker_name = 'Jane Q. Roe' where speaker_name = 'Jane Roe'")
    db.execute("delete from quotes where article_id = (select id from articles where title = 'Title 0')")
    assert_exact(db)
    assert ("speaker_name", "Jane Roe", 5) not in counted(db)
    facet_counts.rebuild(db)
    assert_exact(db)


def test_pairs_follow_edits_of_any_counted_column_and_mentions(db, fake_extract):
    loader = Loader(db, extract=fake_extract)
    parallel.load_records(loader, [article(n, publisher=["A", "B", "C"][n % 3]) for n in range(9)])
    ids = [r[0] for r in db.execute("select id from quotes order by id")]
    people = [r[0] for r in db.execute("select id from entities order by id")]
    with db.atomic():
        db.execute(f"update quotes set kind = 'indirect', cue = 'told' where id in ('{ids[0]}', '{ids[1]}')")
        db.execute(f"update quotes set said_year = null, said_month = null where id = '{ids[2]}'")
        db.execute(f"update quotes set said_year = 2024 where id = '{ids[3]}'")
        db["quote_mentions"].insert_all(
            [{"quote_id": q, "entity_id": people[i % len(people)]} for i, q in enumerate(ids[:8])]
            + [{"quote_id": ids[0], "entity_id": people[-1]}], pk=("quote_id", "entity_id"), ignore=True)
    assert_exact(db)
    assert ("kind", "indirect", MENTIONS, people[0], 1) in counted_pairs(db)
    with db.atomic():  # a quote's counted columns change under its mentions
        db.execute(f"update quotes set publisher = 'Z', said_year = 1999 where id = '{ids[0]}'")
        db.execute(f"update quote_mentions set entity_id = {people[-1]} where quote_id = '{ids[1]}'")
        db.execute(f"delete from quote_mentions where quote_id = '{ids[2]}'")
    assert_exact(db)
    # foreign keys off: a quote deleted before its mentions, a mention before its quote
    db.execute("pragma foreign_keys = off")
    with db.atomic():
        db.execute(f"delete from quotes where id = '{ids[3]}'")
        db.execute(f"delete from quote_mentions where quote_id = '{ids[3]}'")
        db.execute("insert into quote_mentions (quote_id, entity_id) values ('later', ?)", [people[0]])
    assert_exact(db)
    with db.atomic():
        db.execute("insert into quotes (id, article_id, kind, cue, publisher, said_year) "
                   "select 'later', article_id, 'partial', 'says', 'A', 2025 from quotes limit 1")
    assert_exact(db)
    assert ("cue", "says", MENTIONS, people[0], 1) in counted_pairs(db)
    with db.atomic():
        db.execute("update quotes set id = 'renamed' where id = 'later'")
    assert_exact(db)
    db.execute("pragma foreign_keys = on")
    # reloading articles deletes and rewrites their quotes and mentions
    parallel.load_records(loader, [article(n, body=f'"Again {n}," Ann Lee said.', publisher="D")
                                   for n in range(4)])
    assert_exact(db)


def test_counts_are_made_for_a_database_that_had_none(db, fake_extract):
    """The migration fills the counts of a database loaded before it (or in bulk)."""
    parallel.load_records(Loader(db, extract=fake_extract), [article(n) for n in range(3)])
    for name in facet_counts.trigger_names("quotes"):
        db.execute(f"drop trigger [{name}]")
    db.execute("drop table quote_pair_counts")
    db.execute("insert into quotes (id, article_id, kind, cue) select id || 'x', article_id, kind, 'adds' from quotes")
    facet_counts.ensure(db)
    assert_exact(db)
    assert ("cue", "adds", 6) in counted(db)


# --- Datasette: the counted facet type (quotes/web/counted_facets.py) ------------------

COLUMNS = list(facet_counts.COUNTED["quotes"])
# Datasette's own column facets on the same columns, for comparison: -m metadata
# replaces the plugin's list of facets.
PLAIN = {"databases": {"quotes": {"tables": {"quotes": {"facets": COLUMNS}}}}}


def facets(data: dict) -> dict:
    return {name: [(r["value"], r["count"], r["selected"]) for r in f["results"]]
            for name, f in data["facet_results"].items()}


@pytest.fixture
def served_db(fold_every, db_path, fake_extract):
    """14 quotes from 7 articles (publishers A and B), two told indirectly, one said in
    2024; the first six mention Jane Roe or John Poe."""
    from quotes.store import connect

    db = connect(db_path)
    parallel.load_records(Loader(db, extract=fake_extract),
                          [article(n, publisher=["A", "B"][n % 2]) for n in range(7)])
    ids = [r[0] for r in db.execute("select id from quotes order by id")]
    people = [r[0] for r in db.execute("select id from entities order by id")]
    with db.atomic():
        db.execute(f"update quotes set kind = 'indirect', cue = 'told' where id in ('{ids[0]}', '{ids[5]}')")
        db.execute(f"update quotes set said_year = 2024 where id = '{ids[3]}'")
        db["quote_mentions"].insert_all(
            [{"quote_id": q, "entity_id": people[i % 2]} for i, q in enumerate(ids[:6])],
            pk=("quote_id", "entity_id"))
    db.close()
    return db_path


@pytest.fixture
def served(served_db):
    return Datasette([str(served_db)], plugins_dir=PLUGINS)


@pytest.fixture
def plain(served_db):
    return Datasette([str(served_db)], plugins_dir=PLUGINS, metadata=PLAIN)


def skew(db_path, sql: str) -> None:
    """Change the stored counts (after folding the log in), so that a page showing the
    change proves it read them."""
    from quotes.store import connect

    db = connect(db_path)
    facet_counts.fold(db)
    db.execute(sql)
    db.conn.commit()
    db.close()


@pytest.mark.asyncio
async def test_the_quotes_page_shows_exact_counted_facets(served):
    data = (await served.client.get("/quotes/quotes.json")).json()
    assert facets(data) == {
        "speaker_name": [("Jane Roe", 7, False), ("John Poe", 4, False), ("John Doe", 3, False)],
        "kind": [("direct", 12, False), ("indirect", 2, False)],
        "cue": [("said", 12, False), ("told", 2, False)],
        "said_year": [(2025, 13, False), (2024, 1, False)],
        "said_month": [("2025-01", 6, False), ("2025-02", 4, False), ("2025-03", 4, False)],
        "publisher": [("A", 8, False), ("B", 6, False)],
        "mentioned": [(1, 3, False), (2, 3, False)],
    }
    cue = data["facet_results"]["cue"]
    assert (cue["type"], cue["hideable"], cue["truncated"]) == ("column", False, False)
    assert cue["results"][1] == {"value": "told", "label": "told", "count": 2, "selected": False,
                                 "toggle_url": "http://localhost/quotes/quotes.json?cue=told"}
    told = (await served.client.get("/quotes/quotes.json?cue=told")).json()
    assert facets(told) == {
        "speaker_name": [("Jane Roe", 1, False), ("John Doe", 1, False)],
        "kind": [("indirect", 2, False)],
        "cue": [("told", 2, True)],
        "said_year": [(2025, 2, False)],
        "said_month": [("2025-01", 1, False), ("2025-03", 1, False)],
        "publisher": [("B", 2, False)],
        "mentioned": [(1, 1, False), (2, 1, False)],
    }
    assert told["facet_results"]["cue"]["results"][0]["toggle_url"] == "http://localhost/quotes/quotes.json"
    html = (await served.client.get("/quotes/quotes?cue=told")).text
    assert "timed out" not in html
    assert "<strong>cue\n" in html and "(counted)" not in html  # headed as a column facet


def _first_ids(db_path, n: int) -> list[str]:
    import sqlite3

    conn = sqlite3.connect(db_path)
    try:
        return [r[0] for r in conn.execute("select id from quotes order by id limit ?", [n])]
    finally:
        conn.close()


@pytest.mark.parametrize("query", [
    "", "cue=said", "cue__exact=told", "kind=indirect", "publisher=B", "said_year=2024",
    "said_year=2025", "speaker_name=Jane+Roe", "said_month=2025-02", "cue=nothing",
    "_facet_size=2", "cue=said&_facet_size=1", "_facet_size=max", "cue=said&kind=direct",
    "cue__not=said", "_search=point", "_search=point&publisher=A", "_search=nothing",
    "id__not=none", "_size=5&_next={next}", "cue=said&_size=5&_next={next}", "_sort=said_month",
])
@pytest.mark.asyncio
async def test_counted_facets_are_what_datasettes_column_facets_compute(served, plain, served_db, query):
    """The same URL on the plugin's counted facets and on Datasette's own column
    facets: the same values, labels, counts, toggle URLs, selection and truncation."""
    path = "/quotes/quotes.json?" + query.format(next=_first_ids(served_db, 5)[-1])
    counted = (await served.client.get(path)).json()
    computed = (await plain.client.get(path)).json()
    assert counted["filtered_table_rows_count"] == computed["filtered_table_rows_count"]
    assert list(computed["facet_results"]) == COLUMNS
    assert {k: counted["facet_results"][k] for k in COLUMNS} == computed["facet_results"]


@pytest.mark.asyncio
async def test_the_unfiltered_quotes_page_reads_the_counts(served, served_db):
    skew(served_db, "update quote_facet_counts set count = 99 where facet = 'publisher' and value = 'A'")
    assert facets((await served.client.get("/quotes/quotes.json")).json())["publisher"] == [
        ("A", 99, False), ("B", 6, False)]
    # any other filter: computed from the rows
    assert facets((await served.client.get("/quotes/quotes.json?id__not=none")).json())["publisher"] == [
        ("A", 8, False), ("B", 6, False)]


@pytest.mark.parametrize("query, facet, expected", [
    ("cue=said", "publisher", [("A", 77, False), ("B", 4, False)]),
    ("cue__exact=said", "publisher", [("A", 77, False), ("B", 4, False)]),
    ("publisher=A", "cue", [("said", 77, False)]),  # the pair read from its other side
    ("said_year=2025", "said_year", [(2025, 55, True)]),
    ("cue=told", "mentioned", [(1, 33, False), (2, 33, False)]),
])
@pytest.mark.asyncio
async def test_one_value_chosen_reads_the_pair_counts(served, served_db, query, facet, expected):
    skew(served_db, "update quote_pair_counts set count = 77 where facet = 'cue' and value = 'said' "
                    "and other = 'publisher' and other_value = 'A'")
    skew(served_db, f"update quote_pair_counts set count = 33 where facet = 'cue' and value = 'told' "
                    f"and other = '{MENTIONS}'")
    skew(served_db, "update quote_facet_counts set count = 55 where facet = 'said_year' and value = 2025")
    assert facets((await served.client.get(f"/quotes/quotes.json?{query}")).json())[facet] == expected


@pytest.mark.asyncio
async def test_search_facets_are_computed_in_one_pass(served, monkeypatch):
    from quotes.web import counted_facets

    calls = []
    combined = counted_facets.combined

    async def spy(*args):
        calls.append(args)
        return await combined(*args)

    monkeypatch.setattr(counted_facets, "combined", spy)
    together = (await served.client.get("/quotes/quotes.json?_search=point")).json()
    assert [args[1] for args in calls] == [COLUMNS]
    monkeypatch.setattr(counted_facets, "COMBINE_MAX_ROWS", 0)
    alone = (await served.client.get("/quotes/quotes.json?_search=point")).json()
    assert len(calls) == 1
    assert together["filtered_table_rows_count"] == 7
    assert together["facet_results"] == alone["facet_results"]
    assert facets(together)["speaker_name"] == [("Jane Roe", 7, False)]


@pytest.mark.asyncio
async def test_a_counted_facet_asked_for_in_the_url(served_db):
    """?_facet_counted=COLUMN: counted, and hideable like any facet the URL asks for."""
    skew(served_db, "update quote_facet_counts set count = 99 where facet = 'publisher' and value = 'A'")
    ds = Datasette([str(served_db)], plugins_dir=PLUGINS,
                   metadata={"databases": {"quotes": {"tables": {"quotes": {"facets": ["cue"]}}}}})
    data = (await ds.client.get("/quotes/quotes.json?_facet_counted=publisher&id__not=none")).json()
    assert list(data["facet_results"]) == ["cue", "publisher"]
    publisher = data["facet_results"]["publisher"]
    assert (publisher["type"], publisher["hideable"]) == ("column", True)
    assert publisher["toggle_url"] == "/quotes/quotes.json?id__not=none"
    assert facets(data)["publisher"] == [("A", 8, False), ("B", 6, False)]  # a filter the counts lack: computed
    data = (await ds.client.get("/quotes/quotes.json?_facet_counted=publisher")).json()
    assert facets(data)["publisher"] == [("A", 99, False), ("B", 6, False)]


@pytest.mark.asyncio
async def test_a_default_facet_asked_for_in_the_url_is_the_counted_one(served, served_db):
    """?_facet=speaker_name, where metadata.yml already facets by speaker_name (counted):
    one facet, the counted one (Datasette would add its own column facet beside it as
    "speaker_name_2", computing the column again: quotes/web/default_facets.py). A column
    facet the table does not show by default is still Datasette's, computed."""
    skew(served_db, "update quote_facet_counts set count = 99 where facet = 'speaker_name' and value = 'Jane Roe'")
    data = (await served.client.get("/quotes/quotes.json?_facet=speaker_name")).json()
    assert list(data["facet_results"]) == [*COLUMNS, "mentioned"]
    assert facets(data)["speaker_name"] == [("Jane Roe", 99, False), ("John Poe", 4, False), ("John Doe", 3, False)]
    assert not data["facet_results"]["speaker_name"]["hideable"]
    data = (await served.client.get("/quotes/quotes.json?_facet=speaker_text")).json()
    assert list(data["facet_results"]) == ["speaker_text", *COLUMNS, "mentioned"]
    assert data["facet_results"]["speaker_text"]["hideable"]


@pytest.mark.asyncio
async def test_the_page_suggests_no_facet_it_already_shows(served):
    """Datasette's suggestions do not know the counted facets are column facets: the
    page leaves those out (templates/_suggested_facets.html); its JSON lists them."""
    import re

    html = (await served.client.get("/quotes/quotes")).text
    suggested = re.search(r'<p class="suggested-facets">(.*?)</p>', html, re.S).group(1)
    names = re.findall(r'#facet-[^"]*">([^<]+)</a>', suggested)
    # (article_id, with 7 values, is past the page's facet_size of 5: not suggested)
    assert names == ["speaker_id", "speaker_text", "said_on", "start", "end", "published", "said_on", "published"]
    assert '<a href="http://localhost/quotes/quotes?_facet=said_on#facet-said_on">said_on</a>, ' in suggested
    json_names = [s["name"] for s in (await served.client.get("/quotes/quotes.json")).json()["suggested_facets"]]
    assert set(COLUMNS) <= set(json_names)


def test_metadata_configures_the_counted_facets():
    """Without these entries (or with plain column names) the quotes page would count
    every facet with a `group by` over the rows."""
    import yaml

    config = yaml.safe_load((ROOT / "metadata.yml").read_text())
    assert config["databases"]["quotes"]["tables"]["quotes"]["facets"] == [
        *({"counted": c} for c in COLUMNS), {"m2m": {"table": "quote_mentions", "name": "mentioned"}}]


def test_the_store_knows_nothing_of_datasette():
    source = (ROOT / "quotes" / "store" / "facet_counts.py").read_text()
    assert "import datasette" not in source and "from datasette" not in source


# The Datasette 0.65.5 code the counted facet type relies on: the Facet base class it
# extends (its constructor's attributes and the methods it calls), how facet configs
# are parsed from metadata ({type: config}) and the URL (?_facet_<type>=), and the
# column facet whose query and results it reproduces. The SQL shape it recognises
# (quotes.web.counted_facets.scope) is pinned by the tests above that read skewed counts.
UPSTREAM_SHA1 = {
    "load_facet_configs": "ede7caf951c54616e36251b7942b69b0751275b9",
    "Facet.__init__": "a261bd54893529d89a7ed52f590613295d7cd357",
    "Facet.get_configs": "3acf804435d605c86d694a7b74f0913a27a49615",
    "Facet.get_facet_size": "78b818c35999f2a6c76095c11d189b6a4aca1e47",
    "Facet.get_querystring_pairs": "9573655688dfe423011c17887993b9acc2593f1e",
    "ColumnFacet.facet_results": "8b0e36d26e8ae8ef53c0c658d50c706e0cd43813",
}


def test_the_datasette_code_relied_on_is_the_code_it_was_written_against():
    """If this fails, Datasette changed: compare quotes/web/counted_facets.py (and
    quotes/web/facets.py) with the new code, fix them, then update the pins."""
    import hashlib
    import inspect

    from datasette import facets as upstream

    for name, expected in UPSTREAM_SHA1.items():
        obj = upstream
        for part in name.split("."):
            obj = getattr(obj, part)
        assert hashlib.sha1(inspect.getsource(obj).encode()).hexdigest() == expected, name
