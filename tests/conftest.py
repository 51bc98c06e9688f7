"""Shared fixtures: real SQLite files in tmp_path, a tiny deterministic extractor.

Storage and loading are tested against `simple_extract` so that their assertions do
not move when the real extraction rules improve; test_seed.py holds the real thing.
"""
from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import sqlite_utils

from quotes.model import Article, Entity, Extraction, Quote
from quotes.store import facet_counts

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED = FIXTURES / "000_c404069c42368f88.txt"
SEED_EXPECTED = FIXTURES / "000_c404069c42368f88.expected.json"

# "Text," First Last said.
_SAID = re.compile(r'"([^"]+)," ((?:[A-Z][\w-]+ )*[A-Z][\w-]+) said')


def simple_extract(article: Article) -> Extraction:
    """Every `"...," Name said` is a direct quote by Name; nothing else is found."""
    quotes, entities = [], {}
    for m in _SAID.finditer(article.body):
        name = m.group(2)
        last = name.split()[-1]
        entities.setdefault(name, Entity(name, "person", aliases=[last] if last != name else []))
        paragraph = article.body.count("\n\n", 0, m.start())
        quotes.append(Quote(
            text=m.group(1), kind="direct", start=m.start(1), end=m.end(1),
            paragraph=paragraph, speaker=name, speaker_text=name, cue="said",
            said_on=article.published, method="test", confidence=1.0,
        ))
    return Extraction(entities=list(entities.values()), quotes=quotes)


@pytest.fixture
def fake_extract(monkeypatch):
    """Route the loader (and `quotes load`) through simple_extract."""
    monkeypatch.setattr("quotes.load.extract_article", simple_extract)
    return simple_extract


@pytest.fixture
def cpu_clock(monkeypatch):
    """Time limits count this process's CPU time (quotes.limits.CPU_CLOCK), not the wall
    clock: work that needs no CPU to speak of never reaches a limit, however busy the
    machine, and a busy loop always does."""
    from quotes import limits

    monkeypatch.setattr(limits, "CLOCK", limits.CPU_CLOCK)
    return limits.CPU_CLOCK


def burn_cpu(seconds: float = 60.0) -> None:
    """Work that only a time limit stops: a busy loop for `seconds` of this process's
    CPU time (bounded, so that a broken limit fails the test instead of hanging it)."""
    started = time.process_time()
    while time.process_time() - started < seconds:
        pass


# `python -c CLI_WITH_CPU_CLOCK load ...`: `quotes` as the CLI runs it, with its time
# limits on this process's CPU time (see cpu_clock), for subprocess tests.
CLI_WITH_CPU_CLOCK = """
import sys
from quotes import limits
limits.CLOCK = limits.CPU_CLOCK
from quotes.cli import cli
cli(sys.argv[1:], prog_name="quotes")
"""


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "quotes.db"


@pytest.fixture
def db(db_path):
    from quotes.store import connect

    database = connect(db_path)
    yield database
    database.close()


def write_article(folder: Path, name: str, body: str, title: str | None = None,
                  date: str = "March 18, 2025") -> Path:
    """An article file in the seed's plain-text layout: heading, date line, paragraphs."""
    path = folder / name
    title = title or name.rsplit(".", 1)[0].replace("_", " ").title()
    path.write_text(f"# {title}\n\n{date}\n\n{body}\n", encoding="utf-8")
    return path


def counts(db_file: Path) -> dict[str, int]:
    db = sqlite_utils.Database(db_file)
    try:
        return {t: db[t].count for t in (
            "articles", "entities", "aliases", "quotes", "quote_mentions",
            "claims", "roles",
        )}
    finally:
        db.close()


# Facet-count caches: their rows depend on when the change log was last folded (and
# zero counts may stay), so tests check them for exactness (assert_exact, below)
# instead of counting them.
CACHES = ("quote_facet_counts", "quote_pair_counts", "quote_facet_log", "quote_facet_fold")


def table_counts(db_file: Path) -> dict[str, int]:
    """Rows per table, leaving out full-text indexes, load_log, migrations and CACHES:
    what two databases holding the same articles agree on however they were loaded."""
    import sqlite3

    conn = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
    try:
        names = [r[0] for r in conn.execute(
            "select name from sqlite_master where type = 'table' and name not like '%fts%' "
            "and name not in ('load_log', '_sqlite_migrations', 'sqlite_sequence')") if r[0] not in CACHES]
        return {n: conn.execute(f"select count(*) from [{n}]").fetchone()[0] for n in names}
    finally:
        conn.close()


FTS_TABLES = ("quotes", "claims", "articles", "entities")  # each has a <name>_fts index


def index_sql(path: Path) -> set[tuple[str, str]]:
    """(name, sql) of every index: two databases built alike have the same."""
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        return set(conn.execute("select name, sql from sqlite_master where type = 'index' and sql is not null"))
    finally:
        conn.close()


# --- the facet counts, checked against a plain group by ----------------------------

MENTIONS = facet_counts.through_name("quote_mentions", "entity_id")


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



def rows(db_file: Path, sql: str, params=None) -> list[dict]:
    db = sqlite_utils.Database(db_file)
    try:
        return list(db.query(sql, params or []))
    finally:
        db.close()


XSS_FIXTURE = FIXTURES / "xss_article.json"


def fixture_article(path: Path = XSS_FIXTURE):
    """(Article, Extraction) from a JSON fixture; offsets are found by searching the body."""
    import json

    from quotes.model import Claim

    data = json.loads(path.read_text(encoding="utf-8"))
    article = Article(**data["article"])
    body = article.body

    def span(text):
        start = body.index(text)
        return start, start + len(text)

    quotes = []
    for q in data["quotes"]:
        start, end = span(q["text"])
        quotes.append(Quote(start=start, end=end, method="fixture", confidence=1.0, **q))
    claims = []
    for c in data["claims"]:
        start, end = span(c["text"])
        claims.append(Claim(start=start, end=end, confidence=1.0, **c))
    entities = [Entity(**e) for e in data["entities"]]
    return article, Extraction(entities=entities, quotes=quotes, claims=claims)


def store_articles(db_file: Path, pairs) -> None:
    """Write (Article, Extraction) pairs the way `quotes load` does, one transaction each."""
    from quotes import store
    from quotes.corpus.resolve import Registry

    db = store.connect(db_file)
    try:
        registry = Registry(db)
        for article, extraction in pairs:
            with db.atomic():
                store.write_article(db, article, extraction, registry, "2025-04-02T00:00:00+00:00")
            store.log(db, article.source, "ok", "2025-04-02T00:00:00+00:00", article_id=article.id)
    finally:
        db.close()


TRACKING_CORPUS = FIXTURES / "tracking" / "corpus.json"


def tracking_corpus(path: Path = TRACKING_CORPUS) -> list[tuple]:
    """The multi-article corpus of tests/fixtures/tracking/corpus.json as (Article,
    Extraction) pairs in file order (oldest first); offsets found by searching bodies."""
    import json

    from quotes.model import Claim

    out = []
    for item in json.loads(path.read_text(encoding="utf-8"))["articles"]:
        article = Article(**item["article"])
        body = article.body

        def span(text):
            start = body.index(text)
            return start, start + len(text)

        quotes = [Quote(start=span(q["text"])[0], end=span(q["text"])[1], method="fixture",
                        confidence=1.0, **q) for q in item["quotes"]]
        claims = [Claim(start=span(c["text"])[0], end=span(c["text"])[1], confidence=1.0, **c)
                  for c in item["claims"]]
        entities = [Entity(**e) for e in item["entities"]]
        out.append((article, Extraction(entities=entities, quotes=quotes, claims=claims)))
    return out



def refreshed_tracking_db(db_file: Path):
    """The tracking corpus and the hostile article stored, then the corpus refreshed
    (quote groups, timelines): what the web's pages are tested on. An open Database."""
    from quotes import store
    from quotes.corpus import tracking

    store_articles(db_file, [*tracking_corpus(), fixture_article()])
    db = store.connect(db_file)
    tracking.refresh(db)
    return db


def _plugin_static() -> str:
    """Where Datasette serves the plugin's static files: under its entry-point name when
    the package is installed, under its module name from a checkout's plugins/."""
    from importlib.metadata import entry_points

    installed = any(e.value == "quotes.web" for e in entry_points(group="datasette"))
    return "/-/static-plugins/quotes/" if installed else "/-/static-plugins/quotes.web/"


PLUGIN_STATIC = _plugin_static()
# --- the run says loudly when the browser tests did not run ----------------------------

_BROWSER_WORDS = ("chromium", "playwright", "browser")


def _skip_reason(report) -> str:
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr)
    return reason.removeprefix("Skipped: ")


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """A red banner in the summary when tests were skipped for want of chromium or
    Playwright (test_browser.py, the browser part of test_security.py): a green run
    without them has not checked the pages in a browser."""
    skipped = [(report.nodeid, _skip_reason(report)) for report in terminalreporter.stats.get("skipped", [])]
    browser = [(nodeid, reason) for nodeid, reason in skipped
               if any(word in reason.lower() for word in _BROWSER_WORDS)]
    if not browser:
        return
    terminalreporter.write_sep("!", f"{len(browser)} BROWSER TEST{'S' * (len(browser) != 1)} SKIPPED: "
                                    "the pages were not checked in a browser", red=True, bold=True)
    for reason in sorted({reason for _, reason in browser}):
        terminalreporter.write_line(f"  because {reason}", red=True, bold=True)
    terminalreporter.write_line("  (README, 'On a fresh machine': apt-get install -y chromium; "
                                "pip install -e '.[test]')", red=True)


# --- Datasette in-process, as the web tests use it --------------------------------------

PLUGINS = str(ROOT / "plugins")  # the plugin's development shim (quotes/web/ via plugins/quotes_web.py)


def datasette_on(*paths, **kwargs):
    """Datasette in-process on the database files, with the plugin from plugins/ and its
    own metadata (no -m): what `datasette serve FILE` gives."""
    from datasette.app import Datasette

    return Datasette([str(p) for p in paths], plugins_dir=PLUGINS, **kwargs)


@pytest.fixture
def ds(db_file):
    """Datasette on the module's `db_file` fixture (each web test module builds its own)."""
    return datasette_on(db_file)
