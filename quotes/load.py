"""Inputs -> readers -> extraction -> one transaction per article -> SQLite.

Every input the readers report becomes a load_log row (ok, skipped or error), so
nothing fails silently; a failure inside one article rolls back that article only
and the load goes on.
"""
from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import ContextManager

import sqlite_utils

from quotes import store
from quotes.extract import extract_article
from quotes.limits import Limits, TimeLimitExceeded, time_limit
from quotes import parallel
from quotes.corpus.resolve import Registry
from quotes.corpus.tracking import refresh
from quotes.store.checkpoint import Checkpointer
from quotes.model import Article, Extraction, ReadError, ReadNote
from quotes.readers import EXTENSIONS, STDIN, is_url, iter_sources
from quotes.readers.url import Fetcher, url_list

# A progress display: given how many steps the load will take (None when that is not
# known without reading the inputs), a context manager yielding the function to call
# with each step done. A step is an article or an unreadable input, once written.
Progress = Callable[[int | None], ContextManager[Callable[[int], None]]]

# Formats read as one article (or one error) per input: a load of these alone knows its
# number of steps from its list of files.
ONE_ARTICLE_FORMATS = frozenset({"text", "markdown", "html"})


@dataclass
class LoadSummary:
    articles: int = 0
    quotes: int = 0
    claims: int = 0
    skipped: int = 0
    errors: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)  # (source, message)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (source, message)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (source or engine, message)
    without_quotes: list[str] = field(default_factory=list)  # sources, loaded all the same
    refreshed: object | None = None  # quotes.corpus.tracking.RefreshSummary, when the load ran one

    def line(self) -> str:
        return (
            f"Loaded {self.articles} article{'s' if self.articles != 1 else ''}: "
            f"{self.quotes} quotes, {self.claims} claims, "
            f"{self.skipped} skipped, {self.errors} error{'s' if self.errors != 1 else ''}"
        )


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def load_paths(
    db_path: str | Path,
    paths: Iterable[str],
    fmt: str | None = None,
    progress: Progress | None = None,
    url_file: str | None = None,
    workers: int = 1,
    scheduler: str | None = None,
    local_cluster: bool = False,
    batch_size: int | None = None,
    limits: Limits | None = None,
    refresh: bool = True,
    allow_private: bool = False,
    since: str | None = None,
) -> LoadSummary:
    """Load files, directories, "-" or URLs into the database at db_path (created if missing).

    `url_file` lists more URLs, one a line. URLs are downloaded a few ahead of the
    loader, concurrently and politely (quotes.readers.url.Fetcher); they may reach
    loopback, private and link-local addresses only with `allow_private`.

    Extraction runs in this process, on `workers` local processes, or on Dask
    (`local_cluster` of `workers` processes, or the cluster at `scheduler`); this
    process writes, committing every `batch_size` articles (quotes.parallel).

    `limits` (quotes.limits) bound the size of what is read whole and the time one
    record may take to read or one article to extract.

    `progress` (see Progress) is told of each article, and each unreadable input, as it
    is written.

    `since` (an ISO date) skips articles published before it, each with a load_log row
    (see published_since): a feed loaded every hour brings back entries already seen.

    `refresh` False leaves out the corpus-wide refresh that ends a load (quotes.corpus.tracking):
    for many loads in a row into a big database, refreshed once at the end (`quotes
    refresh`, or the next load that refreshes, which finishes what is pending).
    """

    db = store.connect(db_path)
    try:
        sources = list(iter_sources([str(p) for p in paths]))
        bad_lines: list[ReadError] = []
        for item in url_list(url_file) if url_file else ():
            (bad_lines if isinstance(item, ReadError) else sources).append(item)
        steps = progress(_steps(sources, fmt, len(bad_lines))) if progress else contextlib.nullcontext(None)
        loader = Loader(db, limits=limits)
        # One checkpointer for the writes and the refresh after them: the last batch is
        # copied back from the write-ahead log while the refresh works.
        with Checkpointer(db) as checkpointer:
            with Fetcher((s for s in sources if is_url(s)), allow_private=allow_private) as fetcher:
                records = itertools.chain(bad_lines, parallel.iter_records(sources, fmt, fetcher, limits))
                if since:
                    records = published_since(records, since)
                with steps as advance, parallel.engine_for(workers, scheduler, local_cluster) as engine:
                    parallel.load_records(loader, records, engine, batch_size=batch_size or parallel.BATCH_SIZE,
                                          advance=advance, checkpointer=checkpointer)
            if refresh and (loader.summary.articles or refresh_pending(db)):
                loader.refresh()
        return loader.summary
    finally:
        db.close()


def published_since(records: Iterable[Article | ReadError | ReadNote], since: str,
                    ) -> Iterator[Article | ReadError | ReadNote]:
    """The records, with each article published before `since` (ISO date) replaced by a
    "skipped" note. Dates compare on what both give ("2025-06" is not before
    "2025-06-15"); an article with no date is kept, as nothing says it is old."""
    for record in records:
        published = record.published if isinstance(record, Article) else None
        known = min(len(published or ""), len(since), 10)
        if published and published[:known] < since[:known]:
            yield ReadNote(record.source, f"published {published[:10]}, before --since {since}", status="skipped")
        else:
            yield record


def _steps(sources: list[str], fmt: str | None, extra: int) -> int | None:
    """The load's number of steps when the list of inputs tells it: every input a local
    file in a one-article format (a JSON lines file, a feed or a URL may hold any number)."""

    def one_article(source: str) -> bool:
        if is_url(source) or source == STDIN:
            return False
        return (fmt or EXTENSIONS.get(Path(source).suffix.lower())) in ONE_ARTICLE_FORMATS

    return len(sources) + extra if all(one_article(s) for s in sources) else None


def refresh_pending(db: sqlite_utils.Database) -> bool:
    """Whether stored quotes or claims await the corpus refresh: every one belongs to a
    group once it has run, so a load killed during its refresh (or before) is finished
    by the next load, even one that finds nothing new to store."""
    return bool(db.execute(
        "select exists(select 1 from quotes where not exists"
        " (select 1 from quote_group_members m where m.quote_id = quotes.id))"
        " or exists(select 1 from claims where not exists"
        " (select 1 from claim_group_members m where m.claim_id = claims.id))"
    ).fetchone()[0])


class TimedExtract:
    """`extract(article)` within `seconds` (quotes.limits.time_limit), for the loader and
    `quotes extract` alike. The first call runs once outside the limit on a tiny article:
    it loads the extractor's data (word lists, patterns), which is no article's fault."""

    def __init__(self, extract: Callable[[Article], Extraction], seconds: float | None):
        self.extract = extract
        self.seconds = seconds
        self._warmed = False

    def __call__(self, article: Article) -> Extraction:
        if self.seconds and not self._warmed:
            self._warmed = True
            self.extract(Article(body='"Yes," she said.', source="warm-up"))
        with time_limit(self.seconds):
            return self.extract(article)


def extraction_failure(error: BaseException, limits: Limits) -> str:
    """The one-line reason an article's extraction failed, as load_log and stderr give it."""
    if isinstance(error, TimeLimitExceeded):
        return f"extraction took longer than the {limits.seconds:g} s limit; article skipped (--time-limit)"
    return f"extraction failed: {type(error).__name__}: {error}"


class Loader:
    """Holds the database, the entity registry and the running summary for one load.

    `extract` (quotes.extract.extract_article unless given) is what this process calls
    for the articles it extracts itself, and what a parallel load sends to its workers.
    """

    def __init__(self, db: sqlite_utils.Database, *,
                 extract: Callable[[Article], Extraction] | None = None, limits: Limits | None = None):
        self.db = db
        self.extract = extract or extract_article
        self.limits = limits or Limits()
        self.registry = Registry(db)
        self.summary = LoadSummary()
        self._extract_here = TimedExtract(self.extract, self.limits.seconds)

    def refresh(self) -> None:
        """Entities, quote and claim groups, follow-ups recomputed across the corpus
        (quotes.corpus.tracking): the end of a load that stored anything."""

        try:
            self.summary.refreshed = refresh(self.db)
        except Exception as error:  # the articles are stored; `quotes refresh` can redo this
            self.error("refresh", f"refresh failed: {type(error).__name__}: {error}")
        self.registry.invalidate()  # read again if another article comes (load_article refreshes it)

    def rolled_back(self) -> None:
        """The transaction holding the latest articles was rolled back: forget what the
        registry learnt from them."""
        self.registry.invalidate()

    def load_record(self, record: Article | ReadError | ReadNote,
                    extracted: Extraction | BaseException | None = None, warning: str | None = None) -> None:
        """One record as a reader gave it; `extracted` and `warning` as for load_article."""
        if isinstance(record, Article):
            self.load_article(record, extracted, warning)
        elif isinstance(record, ReadError):
            self.error(record.source, record.error)
        else:  # ReadNote: about an input read anyway ("ok"), or one not read ("skipped")
            store.log(self.db, record.source, record.status, now(), error=record.message)
            self.summary.notes.append((record.source, record.message))
            self.summary.skipped += record.status == "skipped"

    def warn(self, source: str, message: str) -> None:
        """Something went wrong that the load worked around: the user is told."""
        self.summary.warnings.append((source, message))

    def error(self, source: str, message: str, article_id: str | None = None, note: str | None = None) -> None:
        logged = f"{note}; {message}" if note else message
        store.log(self.db, source, "error", now(), error=logged, article_id=article_id)
        self.summary.errors += 1
        self.summary.failures.append((source, message))

    def load_article(self, article: Article, extracted: Extraction | BaseException | None = None,
                     warning: str | None = None) -> None:
        """Skip what is already stored; else extract, then store in one transaction.

        `extracted` is the extraction made elsewhere (a worker), or the exception it
        raised there; None extracts here. `warning` says why an article meant for a
        worker is extracted here: the user is told, and it is noted on its load_log row.
        """
        if not article.body.strip():
            self.error(article.source, "empty article body", article.id)
            return
        self.registry.refresh()
        existing = store.find_loaded(self.db, article)
        if existing is not None:
            store.log(self.db, article.source, "skipped", now(),
                      error="already loaded (same content)", article_id=existing)
            self.summary.skipped += 1
            return
        if warning:
            self.warn(article.source, warning)
        extraction = self._extraction(article, extracted, warning)
        if extraction is not None:
            self._store(article, extraction, warning)

    def _extraction(self, article: Article, extracted: Extraction | BaseException | None,
                    note: str | None) -> Extraction | None:
        """The article's extraction, or None once its failure is logged."""
        try:
            if extracted is None:
                extracted = self._extract_here(article)
            if isinstance(extracted, BaseException):
                raise extracted
            return extracted
        except (Exception, TimeLimitExceeded) as error:
            message = extraction_failure(error, self.limits)
        self.error(article.source, message, article.id, note=note)
        return None

    def _store(self, article: Article, extraction: Extraction, note: str | None) -> None:
        loaded_at = now()
        try:
            with self.db.atomic():
                n_quotes, n_claims = store.write_article(
                    self.db, article, extraction, self.registry, loaded_at
                )
                notes = "; ".join(n for n in (note, None if n_quotes else "no quotes found") if n)
                store.log(self.db, article.source, "ok", loaded_at, error=notes or None, article_id=article.id)
        except Exception as error:
            self.rolled_back()  # the registry's in-memory additions went with the rows
            self.error(article.source, f"storing failed: {type(error).__name__}: {error}", article.id, note=note)
            return
        if not n_quotes:
            self.summary.without_quotes.append(article.source)
        self.summary.articles += 1
        self.summary.quotes += n_quotes
        self.summary.claims += n_claims


# --- the bundled demo ----------------------------------------------------------------


def example_paths() -> list[str]:
    """The articles shipped in quotes/examples/ (package data)."""
    folder = resources.files("quotes") / "examples"
    return sorted(str(p) for p in Path(str(folder)).iterdir() if p.is_file())


def build_demo(db_path: str | Path, progress: Progress | None = None) -> LoadSummary:
    """A fresh database of the bundled examples.

    Refuses to delete a database that holds articles from elsewhere, since the demo's
    default is the home database db/quotes.db.
    """
    path = Path(db_path)
    if path.exists():
        foreign = _foreign_articles(path)
        if foreign:
            raise ValueError(
                f"{path} holds {foreign} article{'s' if foreign != 1 else ''} loaded from "
                f"elsewhere; pass --db to build the demo in another file"
            )
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    return load_paths(path, example_paths(), progress=progress)


def _foreign_articles(path: Path) -> int:
    examples = {str(Path(p).resolve()) for p in example_paths()}
    db = sqlite_utils.Database(path)
    try:
        if not db["articles"].exists():
            return 0
        sources = [r[0] for r in db.execute("select source from articles")]
    finally:
        db.close()
    return sum(1 for s in sources if not s or str(Path(s).resolve()) not in examples)


def iter_extractions(paths: Iterable[str], fmt: str | None = None, limits: Limits | None = None,
                     allow_private: bool = False) -> Iterator[tuple[Article | ReadError, Extraction | None]]:
    """(article, extraction) per article without a database; (ReadError, None) per bad input.

    Inputs are read and extracted within the limits `quotes load` applies, and a failure
    has the message it gets there, so no command reads input unbounded; URLs are fetched
    as `quotes load` fetches them (private addresses only with `allow_private`).
    """
    limits = limits or Limits()
    extract = TimedExtract(extract_article, limits.seconds)
    sources = iter_sources([str(p) for p in paths])
    with Fetcher(allow_private=allow_private) as fetcher:
        yield from _extractions(parallel.iter_records(sources, fmt, fetcher, limits), extract, limits)


def _extractions(records: Iterable[Article | ReadError | ReadNote], extract: TimedExtract, limits: Limits,
                 ) -> Iterator[tuple[Article | ReadError, Extraction | None]]:
    for record in records:
        if isinstance(record, ReadError):
            yield record, None
        elif isinstance(record, Article):
            if not record.body.strip():
                yield ReadError(record.source, "empty article body"), None
                continue
            try:
                extraction = extract(record)
            except (Exception, TimeLimitExceeded) as error:
                yield ReadError(record.source, extraction_failure(error, limits)), None
                continue
            yield record, extraction
