"""The `quotes` command: click only, the work is done in the modules it calls."""
from __future__ import annotations

import contextlib
import csv
import itertools
import json
import sqlite3
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import click

from quotes import __version__
from quotes.evaluate import eval_command
from quotes.readers import FORMATS

DEFAULT_DB = "db/quotes.db"
INPUT_FORMAT = click.Choice(FORMATS)


def db_option(**kwargs):
    kwargs.setdefault("help", "SQLite database file")
    return click.option(
        "--db", "db_path", default=DEFAULT_DB, show_default=True,
        type=click.Path(dir_okay=False), **kwargs,
    )


def limit_options(command):
    """--max-size and --time-limit, the same on every command that reads input (quotes.limits)."""
    command = click.option("--time-limit", type=click.FloatRange(min=0), default=30, show_default=True,
                           metavar="SECONDS",
                           help="Longest time to read or extract one article (0: no limit)")(command)
    return click.option("--max-size", type=click.FloatRange(min=0), default=20, show_default=True, metavar="MB",
                        help="Largest file, JSON line or archive record read whole (0: no limit)")(command)


def allow_private_option(command):
    """--allow-private, on every command that fetches URLs (quotes.readers.url)."""
    return click.option("--allow-private", is_flag=True,
                        help="Let URLs and their redirects reach loopback, private and link-local "
                             "addresses (refused by default): for loading from your own network")(command)


def _iso_date(value: str | None) -> str | None:
    """--since as YYYY-MM-DD, from any form python-dateutil reads ("1 Dec 2026" too)."""
    if value is None:
        return None
    from dateutil import parser

    try:
        return parser.parse(value).date().isoformat()
    except (ValueError, OverflowError):
        raise click.BadParameter(f"{value!r} is not a date (e.g. 2026-12-01)", param_hint="--since")


def _limits(max_size: float, time_limit: float):
    from quotes.limits import Limits

    return Limits(max_bytes=int(max_size * 2**20) or None, seconds=time_limit or None)


def _progress(silent: bool):
    """A progress bar on a terminal's stderr (quotes.load.Progress), else nothing."""
    if silent or not sys.stderr.isatty():
        return None
    return _bar


@contextlib.contextmanager
def _bar(total: int | None) -> Iterator[Callable[[int], None]]:
    """Articles written, out of `total` when known; else a count alone (click takes an
    endless iterable for a bar of unknown length)."""
    with click.progressbar(itertools.count() if total is None else None, length=total, label="Loading",
                           show_pos=True, file=sys.stderr) as bar:
        yield bar.update


def _report(summary, silent: bool) -> None:
    if not silent:
        for source, message in summary.notes:
            click.echo(f"Note: {source}: {message}", err=True)
        if len(summary.without_quotes) == 1:
            click.echo(f"Note: {summary.without_quotes[0]}: no quotes found", err=True)
        elif summary.without_quotes:
            click.echo(f"Note: {len(summary.without_quotes)} articles without quotes (each is in load_log)", err=True)
    for source, message in summary.warnings:
        click.echo(f"Warning: {source}: {message}", err=True)
    for source, message in summary.failures:
        click.echo(f"Error: {source}: {message}", err=True)
    if not silent and summary.refreshed is not None:
        click.echo(summary.refreshed.line(), err=True)
    click.echo(summary.line(), err=True)
    if summary.errors:
        sys.exit(1)


@click.group()
@click.version_option(__version__, prog_name="quotes")
def cli():
    """News articles in; who said what, when, and which facts, out: SQLite for Datasette."""


@cli.command()
@click.argument("paths", nargs=-1)
@db_option()
@click.option("--format", "fmt", type=INPUT_FORMAT, help="Input format (default: by extension and content)")
@click.option("--urls", "url_file", type=click.Path(exists=True, dir_okay=False, allow_dash=True),
              help="File of URLs to fetch, one a line")
@click.option("-s", "--silent", is_flag=True, help="No progress bar and no notes")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Extraction processes (this process writes)")
@click.option("--local-cluster", is_flag=True,
              help="Run extraction on a Dask LocalCluster of --workers processes")
@click.option("--scheduler", metavar="ADDRESS",
              help="Run extraction on a Dask cluster, e.g. tcp://10.0.0.5:8786")
@click.option("--batch-size", type=click.IntRange(min=1), metavar="N",
              help="Articles per transaction (default 1000, or 5 seconds)")
@limit_options
@click.option("--no-refresh", is_flag=True,
              help="Leave the corpus-wide refresh for later (`quotes refresh`): for many loads in a row")
@click.option("--since", metavar="DATE", callback=lambda ctx, param, value: _iso_date(value),
              help="Skip articles (feed entries) published before DATE, e.g. 2026-12-01; undated ones are kept")
@allow_private_option
def load(paths, db_path, fmt, url_file, silent, workers, local_cluster, scheduler, batch_size,
         max_size, time_limit, no_refresh, since, allow_private):
    """Load articles (files, directories, URLs, "-" for stdin) into the database.

    Files may be text, Markdown, JSON lines, HTML pages, RSS/Atom feeds or WARC
    archives; http(s) URLs are fetched. Loading is idempotent: an article already
    stored with the same content is skipped. Every input gets a row in load_log;
    the exit status is 1 if any failed.

    Extraction can run on --workers local processes, or on Dask distributed
    (--local-cluster, or --scheduler for a running cluster whose workers have this
    package installed); one process writes, with the same result as without workers.
    """
    from quotes.load import load_paths
    from quotes.parallel import EngineError

    if not paths and not url_file:
        raise click.UsageError("give at least one PATH or URL, or --urls FILE")
    if local_cluster and scheduler:
        raise click.UsageError("--local-cluster and --scheduler exclude each other")
    try:
        summary = load_paths(db_path, paths, fmt=fmt, progress=_progress(silent), url_file=url_file,
                             workers=workers, scheduler=scheduler, local_cluster=local_cluster,
                             batch_size=batch_size, refresh=not no_refresh,
                             limits=_limits(max_size, time_limit), allow_private=allow_private,
                             since=since)
    except EngineError as error:  # Dask missing, or its scheduler unreachable
        raise click.ClickException(str(error))
    except sqlite3.OperationalError as error:  # another writer held the database past the busy timeout
        if "locked" not in str(error) and "busy" not in str(error):
            raise
        raise click.ClickException(f"{db_path} is locked by another process writing to it "
                                   f"({error}); nothing more was loaded, try again when it has finished")
    _report(summary, silent)


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=INPUT_FORMAT,
              help="Format of the input articles (default: by extension and content)")
@click.option("--output-format", "output_format", type=click.Choice(["jsonl", "csv"]), default="jsonl",
              show_default=True, help="What to print: JSON lines, or CSV with a header row")
@limit_options
@allow_private_option
def extract(paths, fmt, output_format, max_size, time_limit, allow_private):
    """Print the quotes found in articles as JSON lines (or CSV), without a database.

    --format is the format of the INPUT, as for `quotes load`; --output-format chooses
    what is printed. Inputs are read within the limits of `quotes load`; one that fails
    gets a line on stderr, the others are still extracted, and the exit status is 1.
    """
    from quotes.export import QUOTE_FIELDS, csv_cell, quote_record
    from quotes.load import iter_extractions

    writer = None
    if output_format == "csv":
        writer = csv.writer(click.get_text_stream("stdout"), lineterminator="\n")
        writer.writerow(QUOTE_FIELDS)
    failed = False
    for record, extraction in iter_extractions(paths, fmt, _limits(max_size, time_limit), allow_private):
        if extraction is None:
            click.echo(f"Error: {record.source}: {record.error}", err=True)
            failed = True
            continue
        for quote in extraction.quotes:
            row = quote_record(record, quote)
            if writer is None:
                click.echo(json.dumps(row, ensure_ascii=False))
            else:
                writer.writerow([csv_cell(row[f]) for f in QUOTE_FIELDS])
    if failed:
        sys.exit(1)


@cli.command()
@click.argument("table")
@db_option()
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "jsonl", "claimreview"]), default="csv",
              show_default=True, help="claimreview: schema.org ClaimReview JSON-LD, for the reviews table")
@click.option("--where", help="SQL condition, e.g. \"speaker_name = 'Kirill Dmitriev'\"")
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-", help="File to write (default: stdout)")
def export(table, db_path, fmt, where, output):
    """Write a table or view as CSV, JSON or JSON lines.

    `quotes export reviews --format claimreview` writes the fact-checkers' verdicts
    (`quotes review`) as a JSON array of schema.org ClaimReview objects.
    """
    from quotes.export import ExportError, write
    from quotes.store import connect

    _require_db(db_path)
    db = connect(db_path)
    try:
        if fmt == "claimreview":
            _export_claimreview(db, table, output, where)
        else:
            write(db, table, fmt, output, where)
    except ExportError as error:
        raise click.ClickException(str(error))
    finally:
        db.close()


def _export_claimreview(db, table, output, where) -> None:
    import sqlite3

    from quotes.export import ExportError
    from quotes.corpus.reviews import write_claimreview

    if table != "reviews":
        raise ExportError(f"--format claimreview exports the reviews table, not {table!r}")
    try:
        write_claimreview(db, output, where)
    except sqlite3.Error as error:
        raise ExportError(f"{error} in --where {where!r}") from None


@cli.command()
@db_option()
@click.option("--full", is_flag=True,
              help="Recompute the whole corpus, not only what changed since the last refresh")
def refresh(db_path, full):
    """Recompute what follows people, quotes and claims across articles.

    Resolves entities over the whole corpus (a bare surname is the only known person
    with it; ambiguous ones stay unresolved), groups the same quote across articles
    (same words, or an excerpt of a longer quote) and the same claim, and links
    no-comment claims to the subject's later quotes. `quotes load` runs it at the end;
    the result does not depend on the order articles were loaded in. Only what the
    articles stored or deleted since the last refresh touch is recomputed (the same
    result as --full, which recomputes everything).
    """
    from quotes.store import connect
    from quotes.corpus.tracking import refresh as run

    _require_db(db_path)
    db = connect(db_path)
    try:
        click.echo(run(db, full=full).line(), err=True)
    finally:
        db.close()


@cli.command()
@click.argument("shards", nargs=-1, required=True, type=click.Path(dir_okay=False))
@db_option(help="Database to merge into (created if missing)")
@click.option("-s", "--silent", is_flag=True, help="No line per shard")
def merge(shards, db_path, silent):
    """Combine databases loaded apart (one per part of a corpus) into one.

    Each SHARD is a database made by `quotes load`, on this machine or another. Its
    articles, quotes, claims and the entities they name are copied into --db (nothing
    is extracted again), articles already there are skipped, then the corpus is
    refreshed once: the result is what loading every part into one database makes.

    \b
        quotes load part1/ --db shard1.db      # on one machine
        quotes load part2/ --db shard2.db      # on another
        quotes merge shard1.db shard2.db --db db/quotes.db
    """
    from quotes.merge import MergeError, merge_databases

    def progress(path: str, added: int, skipped: int) -> None:
        if not silent:
            click.echo(f"{path}: {added} articles added, {skipped} already there", err=True)

    try:
        summary = merge_databases(db_path, shards, progress=progress)
    except MergeError as error:
        raise click.ClickException(str(error))
    except sqlite3.OperationalError as error:
        if "locked" not in str(error) and "busy" not in str(error):
            raise
        raise click.ClickException(f"{db_path} is locked by another process writing to it ({error}); "
                                   "nothing was merged, try again when it has finished")
    click.echo(summary.line(), err=True)
    if summary.refreshed is not None and not silent:
        click.echo(summary.refreshed.line(), err=True)


@cli.command()
@click.argument("target", metavar="QUOTE_OR_CLAIM_ID")
@db_option()
@click.option("--rating", required=True, help="The verdict in words: False, Misleading, Mostly true...")
@click.option("--value", "rating_value", type=float, help="The verdict as a number on the reviewer's scale")
@click.option("--best", "best_rating", type=float, help="Best value of that scale (5 when --value is given)")
@click.option("--worst", "worst_rating", type=float, help="Worst value of that scale (1 when --value is given)")
@click.option("--reviewer", required=True, help="Who reviewed it: a fact-checking organisation or person")
@click.option("--reviewer-type", type=click.Choice(["organization", "person"]), default="organization",
              show_default=True)
@click.option("--url", help="Where the review is published")
@click.option("--date", "review_date", help="When the review was published, YYYY-MM-DD (default: today)")
def review(target, db_path, rating, rating_value, best_rating, worst_rating, reviewer, reviewer_type,
           url, review_date):
    """Record a fact-checker's verdict on a quote or a claim.

    QUOTE_OR_CLAIM_ID is a quotes.id or claims.id (write quote:ID or claim:ID to say
    which). Reviews are kept in the reviews table and exported as schema.org
    ClaimReview with `quotes export reviews --format claimreview`.
    """
    from quotes.corpus.reviews import ReviewError, add_review
    from quotes.store import connect

    _require_db(db_path)
    db = connect(db_path)
    try:
        row = add_review(db, target, rating, reviewer, url=url, date_published=review_date,
                         rating_value=rating_value, best_rating=best_rating,
                         worst_rating=worst_rating, reviewer_type=reviewer_type)
    except ReviewError as error:
        raise click.ClickException(str(error))
    finally:
        db.close()
    what = f"quote {row['quote_id']}" if row["quote_id"] else f"claim {row['claim_id']}"
    text = row["claim_reviewed"] if len(row["claim_reviewed"]) <= 80 else row["claim_reviewed"][:79] + "…"
    click.echo(f"Review {row['id']}: {row['rating']} by {row['reviewer']} on {what}: {text}")


@cli.command()
@db_option()
@click.option("--port", default=8001, show_default=True, type=int)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--open", "open_browser", is_flag=True, help="Open a browser")
def serve(db_path, port, host, open_browser):
    """Browse the database in Datasette (prints the plain datasette command it runs)."""
    _require_db(db_path)
    _serve(db_path, host, port, open_browser)


@cli.command()
@db_option()
@click.option("--port", default=8001, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Build the database only")
@click.option("-s", "--silent", is_flag=True, help="No progress bar and no notes")
def demo(db_path, port, no_serve, silent):
    """Build a fresh database from the bundled example articles and serve it."""
    from quotes.load import build_demo

    try:
        summary = build_demo(db_path, progress=_progress(silent))
    except ValueError as error:
        raise click.ClickException(str(error))
    click.echo(f"{summary.line()} into {db_path}", err=True)
    for source, message in summary.failures:
        click.echo(f"Error: {source}: {message}", err=True)
    if summary.errors:
        sys.exit(1)
    if not no_serve:
        _serve(db_path, "127.0.0.1", port, False)


@cli.command(name="eval-records")
@click.argument("gold_dir", type=click.Path(exists=True, file_okay=False))
@click.argument("input_dir", type=click.Path(exists=True, file_okay=False))
@click.option("--db", "db_path", type=click.Path(dir_okay=False),
              help="Score this database as it is (loaded with the inputs first if missing; "
                   "default: a fresh temporary one)")
@click.option("--errors", type=click.IntRange(min=0), default=0, metavar="N",
              help="Show N examples of each kind of error")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON summary")
def eval_records(gold_dir, input_dir, db_path, errors, as_json):
    """Score statements, speakers, dates, claims and entities against record gold.

    GOLD_DIR and INPUT_DIR hold one JSON file per article (see
    ../shared/data/records/GUIDE.md); the figures are those of
    ../shared/tools/score_records.py, line by line.

        cd ../shared/data/records && quotes eval-records gold input --errors 10
    """
    from quotes.evaluate_records import report

    click.echo(report(gold_dir, input_dir, db_path, errors=errors, as_json=as_json))


def _require_db(db_path: str) -> None:
    if not Path(db_path).exists():
        raise click.ClickException(f"no database at {db_path}: run 'quotes load PATH... --db {db_path}' first")


def _serve(db_path: str, host: str, port: int, open_browser: bool) -> None:
    from quotes.web import serve as serving

    args = serving.datasette_args(db_path, host=host, port=port, open_browser=open_browser)
    problem = serving.plugin_problem()
    if problem:
        click.echo(f"Warning: {problem}", err=True)
    click.echo(serving.command_line(args))
    sys.exit(serving.run(args))


cli.add_command(eval_command, name="eval")
