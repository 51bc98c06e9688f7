"""Loading with workers (a process pool, Dask distributed) and in batches gives the same
database as a plain single-process load; batches keep each article atomic and the
full-text indexes whole.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import re
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

from conftest import CACHES, FTS_TABLES, assert_exact
from quotes import parallel, store
from quotes.cli import cli
from quotes.load import Loader, example_paths, load_paths
from quotes.model import Article
from quotes.readers import read_source

VOLATILE = {"loaded_at", "applied_at", "created_at"}  # wall-clock times differ between two loads


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


class Done:
    def __init__(self, value):
        self.value = value

    def result(self):
        return self.value


class Lost:
    """The future of a task whose worker died."""

    def result(self):
        raise ConnectionResetError("worker 2 went away")


class InProcess(parallel.Engine):
    """An engine that takes the workers' path (chunks, futures) without processes; the
    tasks numbered in `lost` fail as a whole, from the task numbered `refuse` on it
    takes no more work."""

    name = "the test engine"
    workers = 2

    def __init__(self, lost=(), refuse=None):
        self.tasks = 0
        self.lost = set(lost)
        self.refuse = refuse
        self.running = False  # a task, as opposed to the writer

    def submit(self, fn, arg):
        self.tasks += 1
        if self.tasks == self.refuse:
            raise RuntimeError("pool is broken")
        if self.tasks in self.lost:
            return Lost()
        self.running = True
        try:
            return Done(fn(arg))
        finally:
            self.running = False


def test_extraction_failures_on_workers_are_logged_like_local_ones(db, fake_extract):
    def extract(art):
        if art.title == "Title 1":
            raise ValueError("no sentences")
        return fake_extract(art)

    engine = InProcess()
    loader = Loader(db, extract=extract)
    parallel.load_records(loader, [article(n) for n in range(3)], engine, chunk_size=2)
    assert engine.tasks == 2
    assert loader.summary.articles == 2 and not loader.summary.warnings
    assert db.execute("select status, error from load_log where source = 'a1.txt'").fetchall() == [
        ("error", "extraction failed: ValueError: no sentences")]


def log_rows(db) -> list[tuple]:
    return db.execute("select source, status, error from load_log order by id").fetchall()


LOST = "its worker failed (ConnectionResetError: worker 2 went away); extracted in the main process instead"


def test_a_lost_task_is_extracted_by_the_writer_and_said_so(db, fake_extract):
    """The second task (articles 2 and 3) fails as a whole: they are still loaded, each
    with a warning and a note on its load_log row; the other tasks' articles are not."""
    extracted_by_writer = []

    def extract(art):
        if not engine.running:
            extracted_by_writer.append(art.source)
        return fake_extract(art)

    engine = InProcess(lost={2})
    loader = Loader(db, extract=extract)
    parallel.load_records(loader, [article(n) for n in range(5)], engine, chunk_size=2)
    assert engine.tasks == 3
    assert extracted_by_writer == ["warm-up", "a2.txt", "a3.txt"]
    assert loader.summary.warnings == [("a2.txt", LOST), ("a3.txt", LOST)]
    assert (loader.summary.articles, loader.summary.errors) == (5, 0)
    assert log_rows(db) == [("a0.txt", "ok", None), ("a1.txt", "ok", None), ("a2.txt", "ok", LOST),
                            ("a3.txt", "ok", LOST), ("a4.txt", "ok", None)]
    assert db.execute("select count(*) from articles").fetchone()[0] == 5


def test_a_lost_article_that_then_fails_is_an_error_noted_with_the_loss(db, fake_extract):
    def extract(art):
        if art.title == "Title 1":
            raise ValueError("no sentences")
        return fake_extract(art)

    loader = Loader(db, extract=extract)
    parallel.load_records(loader, [article(n) for n in range(2)], InProcess(lost={1}), chunk_size=2)
    assert loader.summary.failures == [("a1.txt", "extraction failed: ValueError: no sentences")]
    assert loader.summary.warnings == [("a0.txt", LOST), ("a1.txt", LOST)]
    assert log_rows(db) == [("a0.txt", "ok", LOST),
                            ("a1.txt", "error", f"{LOST}; extraction failed: ValueError: no sentences")]


def test_an_engine_that_stops_taking_work_leaves_the_rest_to_the_writer(db, fake_extract):
    extracted_by_writer = []

    def extract(art):
        if not engine.running:
            extracted_by_writer.append(art.source)
        return fake_extract(art)

    engine = InProcess(refuse=2)
    loader = Loader(db, extract=extract)
    parallel.load_records(loader, [article(n) for n in range(5)], engine, chunk_size=2)
    assert engine.tasks == 2  # no more tasks once one was refused
    assert extracted_by_writer == ["warm-up", "a2.txt", "a3.txt", "a4.txt"]
    assert loader.summary.warnings == [("the test engine", "stopped taking work (RuntimeError: pool is broken); "
                                                           "the main process extracts the rest")]
    assert (loader.summary.articles, loader.summary.errors) == (5, 0)
    assert {r[1:] for r in log_rows(db)} == {("ok", None)}


def dies_on_a_worker(art: Article):
    """Extraction that kills the process running it if a worker (started by
    multiprocessing, as pool and Dask workers are), not the test's own: a worker lost
    mid-task."""
    if multiprocessing.parent_process() is not None:
        os._exit(3)
    from conftest import simple_extract

    return simple_extract(art)


def lines_jsonl(path: Path, n: int) -> Path:
    path.write_text("".join(json.dumps({"title": f"T{i}", "url": f"https://example.org/{i}",
                                        "text": f'"Point {i}," Ann Lee said.'}) + "\n" for i in range(n)))
    return path


def test_a_worker_killed_in_a_process_pool_is_reported_and_its_articles_loaded(tmp_path, monkeypatch):
    """What the user sees: a warning line per article of the task, the note on each
    load_log row, every article stored, exit status 0."""
    monkeypatch.setattr("quotes.load.extract_article", dies_on_a_worker)
    source = lines_jsonl(tmp_path / "feed.jsonl", 3)  # one task: fewer articles than a chunk
    path = tmp_path / "quotes.db"
    result = CliRunner().invoke(cli, ["load", str(source), "--db", str(path), "--workers", "2", "-s"])
    assert result.exit_code == 0, result.output
    lost = r"its worker failed \(BrokenProcessPool: .+\); extracted in the main process instead"
    lines = result.stderr.splitlines()
    assert len(lines) == 4 and lines[3] == "Loaded 3 articles: 3 quotes, 0 claims, 0 skipped, 0 errors"
    for n, line in enumerate(lines[:3], 1):
        assert re.fullmatch(f"Warning: {re.escape(str(source))}:{n}: {lost}", line), line
    db = sqlite_utils.Database(path)
    logged = log_rows(db)
    assert [(s, status) for s, status, _ in logged] == [(f"{source}:{n}", "ok") for n in (1, 2, 3)]
    assert all(re.fullmatch(lost, error) for _, _, error in logged)
    assert [r[0] for r in db.execute("select title from articles order by title")] == ["T0", "T1", "T2"]


def test_a_dask_worker_killed_is_reported_and_its_articles_loaded(db):
    """KilledWorker at once (no retries on other workers): the writer extracts the task's
    articles itself, and says so."""
    _distributed()
    import dask

    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        with parallel.DaskEngine(workers=1) as engine:
            loader = Loader(db, extract=dies_on_a_worker)
            parallel.load_records(loader, [article(n) for n in range(3)], engine)
    lost = r"its worker failed \(KilledWorker: .+\); extracted in the main process instead"
    assert [source for source, _ in loader.summary.warnings] == ["a0.txt", "a1.txt", "a2.txt"]
    assert all(re.fullmatch(lost, message) for _, message in loader.summary.warnings)
    assert [(s, status) for s, status, _ in log_rows(db)] == [("a0.txt", "ok"), ("a1.txt", "ok"), ("a2.txt", "ok")]
    assert all(re.fullmatch(lost, error) for _, _, error in log_rows(db))
    assert (loader.summary.articles, loader.summary.errors) == (3, 0)
