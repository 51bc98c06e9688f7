"""quote_facet_counts and quote_pair_counts stay equal to a group-by over quotes (and
quote_mentions) through loads, reloads, renames, edits and deletes, and Datasette's
quotes pages show the same facets from them as it computes."""
from __future__ import annotations

import pytest
from datasette.app import Datasette

from conftest import ROOT
from quotes import parallel
from quotes.store import facet_counts
from quotes.load import Loader
from quotes.model import Article

PLUGINS = str(ROOT / "plugins")
MENTIONS = facet_counts.through_name("quote_mentions", "entity_id")


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


def grouped(db) -> set[tuple]:
    rows = set()
    for table, columns in facet_counts.COUNTED.items():
        for column in columns:
            rows |= {(column, v, n) for v, n in db.execute(
                f"select [{column}], count(*) from [{table}] where [{column}] is not null group by 1")}
    return rows


def counted(db) -> set[tuple]:
    """The counts as readers see them: the table plus the log not yet folded into it."""
    return set(db.execute(f"""
        select facet, value, sum(n) from (
          select facet, value, count as n from quote_facet_counts
          {" ".join(f"union all select '{c}', [{c}], sign from quote_facet_log where mention is null"
                    for c in facet_counts.COUNTED["quotes"])})
        where value is not null group by 1, 2 having sum(n) > 0""").fetchall())


def grouped_pairs(db) -> set[tuple]:
    rows = set()
    for a, b in facet_counts.pairs("quotes"):
        rows |= {(a, va, b, vb, n) for va, vb, n in db.execute(
            f"select [{a}], [{b}], count(*) from quotes where [{a}] is not null "
            f"and [{b}] is not null group by 1, 2")}
    for f in facet_counts.FILTERS["quotes"]:
        rows |= {(f, v, MENTIONS, e, n) for v, e, n in db.execute(
            f"select q.[{f}], m.entity_id, count(*) from quote_mentions m join quotes q "
            f"on q.id = m.quote_id where q.[{f}] is not null group by 1, 2")}
    return rows


def counted_pairs(db) -> set[tuple]:
    logged = [f"select '{a}', [{a}], '{b}', [{b}], sign from quote_facet_log where mention is null"
              for a, b in facet_counts.pairs("quotes")]
    logged += [f"select '{f}', [{f}], '{MENTIONS}', mention, sign from quote_facet_log where mention is not null"
               for f in facet_counts.FILTERS["quotes"]]
    return set(db.execute(f"""
        select facet, value, other, other_value, sum(n) from (
          select facet, value, other, other_value, count as n from quote_pair_counts
          union all {" union all ".join(logged)})
        where value is not null and other_value is not null group by 1, 2, 3, 4 having sum(n) > 0""").fetchall())


def assert_exact(db) -> None:
    assert counted(db) == grouped(db)
    assert counted_pairs(db) == grouped_pairs(db)
    assert db.execute("select count(*) from quote_facet_log").fetchone()[0] < facet_counts.FOLD_EVERY
    facet_counts.fold(db)  # and the same once the log is added to the tables
    assert not db.execute("select count(*) from quote_facet_log").fetchone()[0]
    assert counted(db) == grouped(db)
    assert counted_pairs(db) == grouped_pairs(db)
    assert not db.execute("select * from quote_pair_counts where count < 0").fetchall()


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


# --- Datasette ------------------------------------------------------------------------


def facets(data: dict) -> dict:
    return {name: [(r["value"], r["count"], r["selected"]) for r in f["results"]]
            for name, f in data["facet_results"].items()}


@pytest.fixture
def served(fold_every, db_path, fake_extract):
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
    return Datasette([str(db_path)], plugins_dir=PLUGINS)


@pytest.mark.asyncio
async def test_the_unfiltered_quotes_page_reads_the_counts(served, db_path):
    await served.invoke_startup()
    ds = served
    from_counts = (await ds.client.get("/quotes/quotes.json")).json()
    computed = (await ds.client.get("/quotes/quotes.json?id__not=none")).json()  # a filter: computed
    assert facets(from_counts) == facets(computed)
    assert set(facet_counts.COUNTED["quotes"]) | {"mentioned"} == set(facets(from_counts))
    html = (await ds.client.get("/quotes/quotes")).text
    assert "timed out" not in html and 'data-column="publisher"' in html

    from quotes.store import connect

    db = connect(db_path)  # proof that the page reads the table: skew it
    facet_counts.fold(db)
    db.execute("update quote_facet_counts set count = 99 where facet = 'publisher' and value = 'A'")
    db.conn.commit()
    db.close()
    skewed = (await ds.client.get("/quotes/quotes.json")).json()
    assert ("A", 99, False) in facets(skewed)["publisher"]
    assert ("A", 8, False) in facets((await ds.client.get("/quotes/quotes.json?id__not=none")).json())["publisher"]


@pytest.mark.parametrize("query", [
    "cue=said", "cue__exact=told", "kind=indirect", "publisher=B", "said_year=2024", "said_year=2025",
    "speaker_name=Jane+Roe", "said_month=2025-02", "cue=nothing",
])
@pytest.mark.asyncio
async def test_one_value_chosen_shows_the_true_counts_of_every_facet(served, query):
    await served.invoke_startup()
    ds = served
    page = (await ds.client.get(f"/quotes/quotes.json?{query}")).json()
    # another filter that keeps every row: Datasette computes every facet
    computed = (await ds.client.get(f"/quotes/quotes.json?{query}&id__not=none")).json()
    assert page["filtered_table_rows_count"] == computed["filtered_table_rows_count"]
    assert set(facets(page)) == set(facet_counts.COUNTED["quotes"]) | {"mentioned"}
    shown, truth = facets(page), facets(computed)
    for name in shown:  # toggle URLs differ by the extra filter; values, counts, selection agree
        assert shown[name] == truth[name], name
    assert "timed out" not in (await ds.client.get(f"/quotes/quotes?{query}")).text
    chosen = query.split("=")[0]
    if page["filtered_table_rows_count"] and "__" not in chosen:
        assert [r[2] for r in shown[chosen]] == [True]


@pytest.mark.asyncio
async def test_filtered_pages_read_the_pair_counts(served, db_path):
    await served.invoke_startup()
    from quotes.store import connect

    db = connect(db_path)
    facet_counts.fold(db)
    db.execute("update quote_pair_counts set count = 77 where facet = 'cue' and value = 'said' "
               "and other = 'publisher' and other_value = 'A'")
    db.execute("update quote_pair_counts set count = 55 where facet = 'cue' and value = 'told' "
               f"and other = '{MENTIONS}'")
    db.conn.commit()
    db.close()
    skewed = facets((await served.client.get("/quotes/quotes.json?cue=said")).json())
    assert ("A", 77, False) in skewed["publisher"]
    # read from the other side of the pair: cue under a publisher chosen
    assert ("said", 77, False) in facets((await served.client.get("/quotes/quotes.json?publisher=A")).json())["cue"]
    assert {c for _, c, _ in facets((await served.client.get("/quotes/quotes.json?cue=told")).json())["mentioned"]} == {55}


@pytest.mark.asyncio
async def test_search_facets_computed_in_one_pass_match_each_computed_alone(served, monkeypatch):
    await served.invoke_startup()
    calls = []
    combined = facet_counts._combined

    async def spy(*args):
        calls.append(args)
        return await combined(*args)

    monkeypatch.setattr(facet_counts, "_combined", spy)
    together = (await served.client.get("/quotes/quotes.json?_search=point")).json()
    assert len(calls) == 1
    monkeypatch.setattr(facet_counts, "COMBINE_MAX_ROWS", 0)
    alone = (await served.client.get("/quotes/quotes.json?_search=point")).json()
    assert together["filtered_table_rows_count"] == 7
    assert facets(together) == facets(alone)
    assert list(together["facet_results"]) == list(alone["facet_results"])
    assert ("Jane Roe", 7, False) in facets(together)["speaker_name"]


# Datasette 0.65.5's ColumnFacet.facet_results, which facet_counts.install() wraps: the
# counted results must keep the shape it gives (facet_counts.facet_info copies it), and
# the SQL it facets over is what facet_counts.shape() and _SEARCH recognise by regex.
UPSTREAM_FACET_RESULTS_SHA1 = "8b0e36d26e8ae8ef53c0c658d50c706e0cd43813"


@pytest.mark.asyncio
async def test_the_wrapped_datasette_code_is_the_code_it_was_written_against(served):
    """The counted facets replace a method of Datasette's (no hook reaches it). If this
    fails, Datasette's column facet changed: compare its facet_results with
    quotes.store.facet_counts.facet_info and column_facet_results, fix them, then update the pin."""
    import hashlib
    import inspect

    from datasette.facets import ColumnFacet

    await served.invoke_startup()
    assert ColumnFacet.facet_results._quotes_counted
    original = ColumnFacet.facet_results.__wrapped__
    source = inspect.getsource(original)
    assert hashlib.sha1(source.encode()).hexdigest() == UPSTREAM_FACET_RESULTS_SHA1, source
