"""Loading at speed: extraction mapped over workers, one writer, articles committed in batches.

    records (readers, in this process)
       -> chunks of articles -> extraction on an engine: in this process, a local
          process pool (`--workers N`), or Dask distributed (`--local-cluster`,
          `--scheduler ADDRESS`), at most a few chunks in flight
       -> results in input order -> the single writer (quotes.load.Loader)

Extraction is pure (the Loader's `extract`: Article -> Extraction), so any engine that
can map a function over pickled values can run it; everything that touches the
database (the duplicate check, entity resolution, the writes) stays in one process, in
input order, so a load with workers gives the same database as one without.

A task that fails as a whole (its worker killed, a result that would not travel) leaves
its articles to the writer, which extracts them itself and says so: a warning for the
user and a note on each one's load_log row. An engine that stops taking work (a broken
process pool) leaves the rest of the load to the writer, with one warning.

The writer commits every `batch_size` articles (or every `batch_seconds`), and each
article is still atomic inside the batch: the Loader writes it under a savepoint, so a
failure rolls back that article alone and the batch goes on. A crash loses the batch in
progress as a unit (nothing half-written); loading again fills it in.

The full-text index and the facet counts of a batch's new rows are written once, at
the end of the batch, not by a trigger for each row (quotes.store.bulk.BatchIndexes). A load
that grows big sets the indexes that only serve readers aside and builds them once, at
its end (quotes.store.deferred).
"""
from __future__ import annotations

import contextlib

import functools
import hashlib
import threading
import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from quotes import store
from quotes.store.bulk import BatchIndexes
from quotes.store.checkpoint import Checkpointer
from quotes.store.deferred import IndexDeferral
from quotes.extract import extract_article
from quotes.extract.names import first_name_gender
from quotes.limits import TimeLimitExceeded, time_limit
from quotes.model import Article, Extraction, ReadError
from quotes.readers.limited import read_within_limits

BATCH_SIZE = 1000  # articles per transaction: into a big database, each commit writes every
# page its rows touched, and 1,000 articles share more pages than 200 (11% less writer time)
BATCH_SECONDS = 5.0  # ... or this long, so readers see progress and other writers get a turn
CHUNK_SIZE = 32  # articles per task sent to a worker
WINDOW_PER_WORKER = 3  # chunks in flight per worker: bounds memory, keeps workers busy


# --- the pure part: what a worker runs -------------------------------------------------

TIMED_OUT = "TimeLimitExceeded"


@dataclass
class Failed:
    """Extraction raised: the writer logs it as the single-process load would."""

    type_name: str
    message: str


class ExtractionError(Exception):
    """A worker's failure, raised again by the Loader; `failure()` names it after the
    original exception, so load_log reads `extraction failed: ValueError: ...` whichever
    engine ran the extraction."""

    _named: dict[str, type] = {}

    @classmethod
    def failure(cls, failed: Failed) -> "ExtractionError":
        named = cls._named.get(failed.type_name)
        if named is None:
            named = cls._named[failed.type_name] = type(failed.type_name, (cls,), {})
        return named(failed.message)


def extract_chunk(articles: list[Article], extract: Callable[[Article], Extraction],
                  seconds: float | None = None) -> list[Extraction | Failed]:
    """Extraction of each article; a failure is a value, so one bad article spoils nothing.

    `seconds` limits each article (quotes.limits.time_limit: where the task runs in a
    process's main thread, as in a process pool; Dask runs tasks in threads, unlimited).
    """
    results: list[Extraction | Failed] = []
    for article in articles:
        try:
            with time_limit(seconds):
                results.append(extract(article))
        except TimeLimitExceeded:
            results.append(Failed(TIMED_OUT, ""))
        except Exception as error:  # the writer reports it in load_log
            results.append(Failed(type(error).__name__, str(error)))
    return results


def _raised(result: Extraction | Failed, seconds: float | None) -> Extraction | BaseException:
    """A worker's result for the Loader: the extraction, or the exception it raised."""
    if not isinstance(result, Failed):
        return result
    if result.type_name == TIMED_OUT:
        return TimeLimitExceeded(seconds)
    return ExtractionError.failure(result)


# --- engines ---------------------------------------------------------------------------

CONNECT_TIMEOUT = "20s"


class EngineError(RuntimeError):
    """The engine cannot be had: Dask missing, or its scheduler unreachable."""


class Engine:
    """Where extraction runs: submit(fn, arg) returns a future with .result()."""

    name = "in-process"
    workers = 1

    def submit(self, fn, arg):
        return _Done(fn(arg))

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class _Done:
    def __init__(self, value):
        self.value = value

    def result(self):
        return self.value


class PoolEngine(Engine):
    """Local worker processes (concurrent.futures): `quotes load --workers N`."""

    def __init__(self, workers: int):
        import quotes.extract.pipeline  # noqa: F401 - compiled once here; forked workers inherit it

        self.name = f"{workers} local processes"
        self.workers = workers
        self.pool = ProcessPoolExecutor(max_workers=workers, initializer=_warm_up)
        # The first task starts every worker: they are forked now, from a process that
        # runs no thread of its own yet (the load's checkpointer and warm-up come later).
        self.pool.submit(int).result()

    def submit(self, fn, arg):
        return self.pool.submit(fn, arg)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


class DaskEngine(Engine):
    """Dask distributed: a scheduler's workers (`--scheduler`), or a LocalCluster.

    The workers need the quotes package installed (the same version): tasks name
    quotes.parallel.extract_chunk, and articles and extractions travel pickled.
    """

    def __init__(self, scheduler: str | None = None, workers: int = 2):
        try:
            from distributed import Client, LocalCluster
        except ImportError as error:  # pragma: no cover - depends on the install
            raise EngineError(
                "Dask distributed is not installed: pip install 'quotes[distributed]'"
            ) from error
        import logging

        self.cluster = None
        try:
            if scheduler:
                self.client = Client(scheduler, timeout=CONNECT_TIMEOUT)
                self.name = f"Dask scheduler {scheduler}"
            else:
                self.cluster = LocalCluster(
                    n_workers=workers, threads_per_worker=1, processes=True,
                    dashboard_address=None, silence_logs=logging.ERROR,
                )
                self.client = Client(self.cluster)
                self.name = f"Dask LocalCluster of {workers} workers"
        except (OSError, TimeoutError) as error:
            if self.cluster is not None:
                self.cluster.close()
            raise EngineError(f"cannot reach the Dask cluster ({scheduler or 'local'}): {error}") from error
        threads = self.client.nthreads()
        self.workers = max(1, sum(threads.values()))

    def submit(self, fn, arg):
        return self.client.submit(fn, arg, pure=False)

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def _warm_up() -> None:
    """Import the extraction modules (and their data) once per worker process."""
    extract_article(Article(body='"Yes," she said.', source="warm-up"))


def _warm_for_refresh() -> None:
    """Read the first-name list (gender_guesser's, 0.2 to 0.4 s) that the refresh at the
    end of the load consults, in a thread, while the writer waits for the workers'
    first results instead of after the last one."""
    threading.Thread(target=first_name_gender, args=("Mary",), name="warm-first-names", daemon=True).start()


def engine_for(workers: int = 1, scheduler: str | None = None,
               local_cluster: bool = False) -> Engine:
    if scheduler or local_cluster:
        return DaskEngine(scheduler=scheduler, workers=max(1, workers))
    if workers > 1:
        return PoolEngine(workers)
    return Engine()


# --- reading and chunking --------------------------------------------------------------


def iter_records(sources: Iterable[str], fmt: str | None = None, fetcher=None,
                 limits=None) -> Iterator[Any]:
    """Every record of every source, in order, as Loader.load_source reads them: within
    `limits` (quotes.limits), and a reader that raises becomes a ReadError."""
    for source in sources:
        yield from read_within_limits(source, fmt, fetcher, limits)


class _Chunk:
    """Consecutive records, and which of them go to a worker for extraction."""

    __slots__ = ("records", "to_extract", "future")

    def __init__(self):
        self.records: list[Any] = []
        self.to_extract: list[Article] = []
        self.future = None

    def outcomes(self, seconds: float | None) -> dict[int, tuple[Extraction | BaseException | None, str | None]]:
        """id(article) -> (what its worker made of it, None), or (None, why the writer
        extracts it instead) when the task failed as a whole."""
        future, self.future = self.future, None
        if future is None:
            return {}
        try:
            results = future.result()
        except Exception as error:  # a worker lost, a result that would not travel
            warning = (f"its worker failed ({type(error).__name__}: {error}); "
                       "extracted in the main process instead")
            return {id(a): (None, warning) for a in self.to_extract}
        return {id(a): (_raised(r, seconds), None) for a, r in zip(self.to_extract, results)}


def _chunks(records: Iterable[Any], size: int, known: Callable[[Article], bool]) -> Iterator[_Chunk]:
    """Records grouped so that each chunk holds at most `size` articles to extract.

    Articles the writer will skip anyway (empty, or the same content as one stored or
    met earlier in this load) are not sent: `known` says which.
    """
    chunk = _Chunk()
    for record in records:
        chunk.records.append(record)
        if isinstance(record, Article) and record.body.strip() and not known(record):
            chunk.to_extract.append(record)
            if len(chunk.to_extract) >= size:
                yield chunk
                chunk = _Chunk()
    if chunk.records:
        yield chunk


# --- the single writer -----------------------------------------------------------------


class Writer:
    """Feeds records to a Loader in order, committing every batch of articles.

    `advance` (a progress display's) is called with 1 for each article or unreadable
    input once it is written.
    """

    def __init__(self, loader, batch_size: int = BATCH_SIZE, batch_seconds: float = BATCH_SECONDS,
                 advance: Callable[[int], None] | None = None):
        self.loader = loader
        self.db = loader.db
        self.batch_size = max(1, batch_size)
        self.batch_seconds = batch_seconds
        self.advance = advance
        self.indexes = BatchIndexes(self.db)
        self._in_batch = 0
        self._started = 0.0
        self._transaction = None
        self.checkpointer = None  # a quotes.store.checkpoint.Checkpointer while load_records runs
        self.deferral = None  # a quotes.store.deferred.IndexDeferral while load_records runs

    def write(self, record, extracted: Extraction | BaseException | None = None,
              warning: str | None = None) -> None:
        """One record through the Loader (see Loader.load_record), inside the batch."""
        if self._transaction is None:
            self._begin()
        self.loader.load_record(record, extracted, warning)
        if self.advance is not None and isinstance(record, (Article, ReadError)):
            self.advance(1)
        self._in_batch += isinstance(record, Article)
        if self._in_batch >= self.batch_size or time.monotonic() - self._started >= self.batch_seconds:
            self.commit()

    def _begin(self) -> None:
        self._transaction = store.write_transaction(self.db)  # the write lock first (see store)
        self._transaction.__enter__()
        if self.deferral is not None:
            self.deferral.maybe_set_aside()
        self.indexes.begin()
        self._in_batch = 0
        self._started = time.monotonic()

    def commit(self) -> None:
        if self._transaction is None:
            return
        transaction, self._transaction = self._transaction, None
        try:
            self.indexes.end()
        except BaseException as error:
            transaction.__exit__(type(error), error, error.__traceback__)
            self.loader.rolled_back()
            raise
        transaction.__exit__(None, None, None)
        if self.checkpointer is not None:
            self.checkpointer.between_batches()
            self.checkpointer.kick()

    def abort(self, error: BaseException) -> None:
        """Roll the batch in progress back (triggers included) after an unexpected error."""
        if self._transaction is not None:
            transaction, self._transaction = self._transaction, None
            self.indexes.active = False
            try:
                transaction.__exit__(type(error), error, error.__traceback__)
            except BaseException:
                pass
            self.loader.rolled_back()


# --- the whole load --------------------------------------------------------------------


def load_records(loader, records: Iterable[Any], engine: Engine | None = None,
                 batch_size: int = BATCH_SIZE, chunk_size: int = CHUNK_SIZE,
                 batch_seconds: float = BATCH_SECONDS, advance: Callable[[int], None] | None = None,
                 checkpointer: Checkpointer | None = None) -> None:
    """Load records (Articles, ReadErrors, ReadNotes) through `loader`, in order.

    With an engine of workers, the loader's `extract` runs there, a few chunks ahead of
    the writer; without one, in this process. Either way the database is the same.
    `advance` is a progress display's (see Writer). `checkpointer`: one the caller has
    running (quotes.load keeps it for the refresh that ends a load), else its own.
    """
    writer = Writer(loader, batch_size=batch_size, batch_seconds=batch_seconds, advance=advance)
    running = contextlib.nullcontext(checkpointer) if checkpointer is not None else Checkpointer(loader.db)
    with (running as writer.checkpointer,  # the disk waits, not the writer
          IndexDeferral(loader.db) as writer.deferral):  # serving indexes built once, at the end
        _write_all(writer, loader, records, engine, chunk_size)


def _write_all(writer: "Writer", loader, records: Iterable[Any], engine: Engine | None,
               chunk_size: int) -> None:
    try:
        if engine is None or type(engine) is Engine:
            for record in records:
                writer.write(record)
        else:
            _warm_for_refresh()
            seconds = loader.limits.seconds
            task = functools.partial(extract_chunk, extract=loader.extract, seconds=seconds)

            def lost(error: Exception) -> None:
                loader.warn(engine.name, f"stopped taking work ({type(error).__name__}: {error}); "
                                         "the main process extracts the rest")

            for chunk in _ordered(engine, task, _chunks(records, chunk_size, _Seen(loader.db)),
                                  window=max(2, WINDOW_PER_WORKER * engine.workers), lost=lost):
                outcomes = chunk.outcomes(seconds)
                for record in chunk.records:
                    writer.write(record, *outcomes.get(id(record), (None, None)))
        writer.commit()
    except BaseException as error:
        writer.abort(error)
        raise


class _Seen:
    """Content already stored, or dispatched earlier in this load: not worth extracting."""

    def __init__(self, db: sqlite_utils.Database):
        self.db = db
        self.hashes: set[bytes] = set()

    def __call__(self, article: Article) -> bool:
        digest = hashlib.sha1(article.body.encode("utf-8")).digest()
        if digest in self.hashes:
            return True
        self.hashes.add(digest)
        return self.db.execute(
            "select 1 from articles where content_hash = ? limit 1", [digest.hex()]
        ).fetchone() is not None


def _ordered(engine: Engine, task, chunks: Iterable[_Chunk], window: int,
             lost: Callable[[Exception], None]) -> Iterator[_Chunk]:
    """Chunks with their extraction submitted, yielded in input order, `window` in flight.

    Once the engine refuses a task, `lost` is told and nothing more is submitted: the
    writer extracts the chunks left.
    """
    pending: deque[_Chunk] = deque()
    taking = True
    for chunk in chunks:
        if chunk.to_extract and taking:
            try:
                chunk.future = engine.submit(task, chunk.to_extract)
            except Exception as error:  # a broken process pool, a scheduler gone
                taking = False
                lost(error)
        pending.append(chunk)
        while len(pending) >= window:
            yield pending.popleft()
    while pending:
        yield pending.popleft()
