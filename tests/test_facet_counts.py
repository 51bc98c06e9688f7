"""quote_facet_counts stays equal to a group-by over quotes through loads, reloads and
renames, and Datasette's unfiltered quotes page shows the same facets from it."""
from __future__ import annotations

import pytest
import yaml
from datasette.app import Datasette

from conftest import ROOT
from quotes import facet_counts, parallel
from quotes.load import Loader
from quotes.model import Article

METADATA = yaml.safe_load((ROOT / "metadata.yml").read_text())
PLUGINS = str(ROOT / "plugins")


def article(n: int, body: str | None = None, publisher: str = "The Paper") -> Article:
    return Article(
        body=body or f'"Point {n} stands," Jane Roe said. "Item {n} too," John {"Doe" if n % 2 else "Poe"} said.',
        source=f"a{n}.txt", title=f"Title {n}", url=f"https://example.org/{n}",
        publisher=publisher, published=f"2025-0{1 + n % 3}-18",
    )


def grouped(db) -> set[tuple]:
    rows = set()
    for table, columns in facet_counts.COUNTED.items():
        for column in columns:
            rows |= {(column, v, n) for v, n in db.execute(
                f"select [{column}], count(*) from [{table}] where [{column}] is not null group by 1")}
    return rows


def counted(db) -> set[tuple]:
    return set(db.execute("select facet, value, count from quote_facet_counts where count > 0").fetchall())


def test_counts_follow_loads_reloads_and_renames(db, fake_extract):
    loader = Loader(db, extract=fake_extract)
    parallel.load_records(loader, [article(n, publisher=["A", "B"][n % 2]) for n in range(6)], batch_size=4)
    assert counted(db) == grouped(db) and ("publisher", "A", 6) in counted(db), counted(db)
    # the same URL with new text: its quotes are deleted and written again
    parallel.load_records(loader, [article(2, body='"All new," Ann Lee said.', publisher="C")])
    assert counted(db) == grouped(db) and ("publisher", "C", 1) in counted(db)
    db.execute("update quotes set speaker_name = 'Jane Q. Roe' where speaker_name = 'Jane Roe'")
    db.execute("delete from quotes where article_id = (select id from articles where title = 'Title 0')")
    assert counted(db) == grouped(db)
    assert ("speaker_name", "Jane Roe", 5) not in counted(db)
    facet_counts.rebuild(db)
    assert counted(db) == grouped(db)


@pytest.mark.asyncio
async def test_the_unfiltered_quotes_page_reads_the_counts(db_path, fake_extract):
    from quotes.store import connect

    db = connect(db_path)
    parallel.load_records(Loader(db, extract=fake_extract),
                          [article(n, publisher=["A", "B"][n % 2]) for n in range(5)])
    db.close()
    ds = Datasette([str(db_path)], metadata=METADATA, plugins_dir=PLUGINS)
    await ds.invoke_startup()

    def facets(data: dict) -> dict:
        return {name: [(r["value"], r["count"], r["selected"]) for r in f["results"]]
                for name, f in data["facet_results"].items() if name in facet_counts.COUNTED["quotes"]}

    from_counts = (await ds.client.get("/quotes/quotes.json")).json()
    computed = (await ds.client.get("/quotes/quotes.json?id__not=none")).json()  # a filter: computed
    assert facets(from_counts) == facets(computed)
    assert set(facets(from_counts)) == set(facet_counts.COUNTED["quotes"])
    html = (await ds.client.get("/quotes/quotes")).text
    assert "timed out" not in html and 'data-column="publisher"' in html

    db = connect(db_path)  # proof that the page reads the table: skew it
    db.execute("update quote_facet_counts set count = 99 where facet = 'publisher' and value = 'A'")
    db.conn.commit()
    db.close()
    skewed = (await ds.client.get("/quotes/quotes.json")).json()
    assert ("A", 99, False) in facets(skewed)["publisher"]
    assert ("A", 6, False) in facets((await ds.client.get("/quotes/quotes.json?id__not=none")).json())["publisher"]
