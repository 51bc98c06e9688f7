"""Loading with workers (a process pool, Dask distributed) and in batches gives the same
database as a plain single-process load; batches keep each article atomic and the
full-text indexes whole.
"""
from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner
from test_facet_counts import assert_exact

from quotes import parallel, store
from quotes.cli import cli
from quotes.load import Loader, example_paths, load_paths
from quotes.model import Article
from quotes.readers import read_source

FTS_TABLES = ("quotes", "claims", "articles", "entities")
VOLATILE = {"loaded_at", "applied_at", "created_at"}  # wall-clock times differ between two loads
CACHES = ("quote_facet_counts", "quote_pair_counts", "quote_facet_log", "quote_facet_fold")


def corpus(folder: Path, copies: int = 8) -> Path:
    """The bundled examples repeated with their own URL, date and a closing line each, as
    JSON lines: every copy is a distinct article (no "already loaded" skips)."""
    examples = [r for p in example_paths() for r in read_source(p) if isinstance(r, Article)]
    path = folder / "corpus.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for copy in range(copies):
            for n, article in enumerate(examples):
                out.write(json.dumps({
                    "id": f"{copy}/{n}",
                    "title": article.title,
                    "url": f"https://news.example.org/{copy}/{n}",
                    "published": f"20{10 + copy:02d}-0{1 + n % 9}-1{n % 10}",
                    "publisher": ["The Riverside Courier", "Harbor Daily"][copy % 2],
                    "text": f"{article.body}\n\n(Edition {copy}.)",
                }) + "\n")
        out.write("{not json\n")  # a bad line: logged the same way by every engine
    return path


def contents(db_path: Path) -> dict[str, list[tuple]]:
    """Every row of every table and view but the FTS shadow tables, wall-clock times aside.

    The facet-count caches are checked against the rows instead: how the counts are
    split between the tables and the log depends on the batches."""
    assert_exact(sqlite_utils.Database(db_path))
    conn = sqlite3.connect(db_path)
    try:
        names = [r[0] for r in conn.execute(
            "select name from sqlite_master where type in ('table', 'view') "
            "and name not like '%_fts%' and name not like 'sqlite_%' order by name")
            if r[0] not in CACHES]
        tables = {}
        for name in names:
            columns = [r[1] for r in conn.execute(f"pragma table_info([{name}])")]
            keep = [c for c in columns if c not in VOLATILE]
            rows = conn.execute(f"select {', '.join(f'[{c}]' for c in keep)} from [{name}]").fetchall()
            tables[name] = sorted(rows, key=repr)
        for name in FTS_TABLES:
            tables[f"{name}_fts"] = sorted(conn.execute(f"select rowid, * from [{name}_fts]").fetchall(), key=repr)
        return tables
    finally:
        conn.close()


def assert_fts_whole(db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    try:
        for name in FTS_TABLES:
            conn.execute(f"insert into [{name}_fts]([{name}_fts]) values ('integrity-check')")
        triggers = {r[0] for r in conn.execute("select name from sqlite_master where type = 'trigger'")}
        assert {f"{t}_{s}" for t in FTS_TABLES for s in ("ai", "ad", "au")} <= triggers
    finally:
        conn.close()


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory) -> Path:
    return corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="module")
def reference(small_corpus, tmp_path_factory) -> dict:
    """A single-process load, one article per transaction (batch_size=1)."""
    path = tmp_path_factory.mktemp("reference") / "quotes.db"
    summary = load_paths(path, [str(small_corpus)], batch_size=1)
    assert summary.articles == 48 and summary.errors == 1, summary.line()
    assert_fts_whole(path)
    return contents(path)


def test_batches_give_the_same_database(small_corpus, reference, tmp_path):
    path = tmp_path / "quotes.db"
    load_paths(path, [str(small_corpus)], batch_size=500)
    assert_fts_whole(path)
    assert contents(path) == reference


def test_process_pool_gives_the_same_database(small_corpus, reference, tmp_path):
    path = tmp_path / "quotes.db"
    result = CliRunner().invoke(cli, ["load", str(small_corpus), "--db", str(path), "--workers", "2", "-s"])
    assert result.exit_code == 1, result.output  # the bad line
    assert "Loaded 48 articles" in result.output
    assert_fts_whole(path)
    assert contents(path) == reference


def _distributed():
    """Dask distributed: part of the [test] extra, so in CI its absence fails, not skips."""
    if os.environ.get("CI"):
        import distributed

        return distributed
    return pytest.importorskip("distributed")


def test_dask_local_cluster_gives_the_same_database(small_corpus, reference, tmp_path):
    """Two worker processes of a Dask LocalCluster, reached by its scheduler's address."""
    distributed = _distributed()
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        path = tmp_path / "quotes.db"
        result = CliRunner().invoke(cli, [
            "load", str(small_corpus), "--db", str(path), "-s",
            "--scheduler", cluster.scheduler_address,
        ])
        assert "Loaded 48 articles" in result.output, result.output
        with distributed.Client(cluster) as client:
            ran = client.run(lambda dask_worker: dask_worker.state.executed_count)
    assert len(ran) == 2 and sum(ran.values()) >= 2  # the extraction ran on the workers
    assert_fts_whole(path)
    assert contents(path) == reference


def test_the_local_cluster_option(small_corpus, reference, tmp_path):
    _distributed()
    path = tmp_path / "quotes.db"
    result = CliRunner().invoke(cli, [
        "load", str(small_corpus), "--db", str(path), "-s", "--local-cluster", "--workers", "2",
    ])
    assert "Loaded 48 articles" in result.output, result.output
    assert contents(path) == reference


def test_scheduler_and_local_cluster_exclude_each_other(tmp_path):
    result = CliRunner().invoke(cli, ["load", "x.txt", "--db", str(tmp_path / "q.db"),
                                      "--local-cluster", "--scheduler", "tcp://127.0.0.1:1"])
    assert result.exit_code == 2
    assert "exclude each other" in result.output


# --- the writer: batches, per-article atomicity, FTS --------------------------------


def article(n: int, body: str | None = None, url: str | None = None) -> Article:
    return Article(
        body=body or f'"Point {n} stands," Jane Roe said. "Item {n} too," John Doe said.',
        source=f"a{n}.txt", title=f"Title {n}", url=url or f"https://example.org/{n}",
        published="2025-03-18",
    )


def test_a_failed_article_rolls_back_alone_inside_its_batch(db, fake_extract, monkeypatch):
    real = store.write_article

    def failing(db_, art, *args, **kwargs):
        if art.title == "Title 2":
            real(db_, art, *args, **kwargs)  # rows written, then the failure
            raise RuntimeError("disk on fire")
        return real(db_, art, *args, **kwargs)

    monkeypatch.setattr("quotes.store.write_article", failing)
    loader = Loader(db, extract=fake_extract)
    parallel.load_records(loader, [article(n) for n in range(5)], batch_size=100)
    assert loader.summary.articles == 4 and loader.summary.errors == 1
    assert [r[0] for r in db.execute("select title from articles order by title")] == [
        "Title 0", "Title 1", "Title 3", "Title 4"]
    assert db.execute("select count(*) from quotes").fetchone()[0] == 8
    assert db.execute("select count(*) from quotes_fts where quotes_fts match 'item'").fetchone()[0] == 4
    assert db.execute("select status, error from load_log where source = 'a2.txt'").fetchall() == [
        ("error", "storing failed: RuntimeError: disk on fire")]
    assert_fts_whole(Path(db.conn.execute("pragma database_list").fetchone()[2]))


def test_an_article_replaced_within_its_batch_leaves_the_index_whole(db, fake_extract):
    """Same URL, new text, same transaction: its first rows are deleted before any index."""
    first = article(1, url="https://example.org/same")
    second = article(1, body='"Changed entirely," Jane Roe said.', url="https://example.org/same")
    loader = Loader(db, extract=fake_extract)
    parallel.load_records(loader, [article(0), first, second, article(2)], batch_size=100)
    path = Path(db.conn.execute("pragma database_list").fetchone()[2])
    assert_fts_whole(path)
    assert db.execute("select count(*) from quotes_fts where quotes_fts match 'changed'").fetchone()[0] == 1
    assert db.execute("select count(*) from articles_fts where articles_fts match 'item'").fetchone()[0] == 2


def test_a_failing_batch_restores_the_triggers(db, fake_extract):
    loader = Loader(db, extract=fake_extract)

    def records():
        yield article(0)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        parallel.load_records(loader, records(), batch_size=100)
    assert db.execute("select count(*) from articles").fetchone()[0] == 0
    assert_fts_whole(Path(db.conn.execute("pragma database_list").fetchone()[2]))


class InProcess(parallel.Engine):
    """An engine that takes the workers' path (chunks, futures) without processes."""

    workers = 2

    def __init__(self):
        self.tasks = 0

    def submit(self, fn, arg):
        self.tasks += 1
        return parallel._Done(fn(arg))


def test_extraction_failures_on_workers_are_logged_like_local_ones(db, fake_extract, monkeypatch):
    def extract(art):
        if art.title == "Title 1":
            raise ValueError("no sentences")
        return fake_extract(art)

    monkeypatch.setattr("quotes.parallel.extract_article", extract)
    engine = InProcess()
    loader = Loader(db)
    parallel.load_records(loader, [article(n) for n in range(3)], engine, chunk_size=2)
    assert engine.tasks == 2
    assert loader.summary.articles == 2
    assert db.execute("select status, error from load_log where source = 'a1.txt'").fetchall() == [
        ("error", "extraction failed: ValueError: no sentences")]
