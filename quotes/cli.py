"""The `quotes` command: click only, the work is done in the modules it calls."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from quotes import __version__

DEFAULT_DB = "db/quotes.db"


def _formats() -> list[str] | None:
    try:
        from quotes.readers import FORMATS
    except ImportError:
        return None
    return list(FORMATS)


_FORMATS = _formats()
INPUT_FORMAT = click.Choice(_FORMATS) if _FORMATS else click.STRING


def db_option(**kwargs):
    return click.option(
        "--db", "db_path", default=DEFAULT_DB, show_default=True,
        type=click.Path(dir_okay=False), help="SQLite database file", **kwargs,
    )


def _progress(silent: bool):
    """click.progressbar on a terminal's stderr, else nothing."""
    if silent or not sys.stderr.isatty():
        return None
    return lambda items: click.progressbar(items, label="Loading", file=sys.stderr)


def _report(summary, silent: bool) -> None:
    if not silent:
        for source, message in summary.notes:
            click.echo(f"Note: {source}: {message}", err=True)
        if len(summary.without_quotes) == 1:
            click.echo(f"Note: {summary.without_quotes[0]}: no quotes found", err=True)
        elif summary.without_quotes:
            click.echo(f"Note: {len(summary.without_quotes)} articles without quotes (each is in load_log)", err=True)
    for source, message in summary.failures:
        click.echo(f"Error: {source}: {message}", err=True)
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
def load(paths, db_path, fmt, url_file, silent):
    """Load articles (files, directories, URLs, "-" for stdin) into the database.

    Files may be text, Markdown, JSON lines, HTML pages, RSS/Atom feeds or WARC
    archives; http(s) URLs are fetched. Loading is idempotent: an article already
    stored with the same content is skipped. Every input gets a row in load_log;
    the exit status is 1 if any failed.
    """
    from quotes.load import load_paths

    if not paths and not url_file:
        raise click.UsageError("give at least one PATH or URL, or --urls FILE")
    summary = load_paths(db_path, paths, fmt=fmt, progress=_progress(silent), url_file=url_file)
    _report(summary, silent)


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=INPUT_FORMAT, help="Input format (default: by extension and content)")
def extract(paths, fmt):
    """Print the quotes found in articles as JSON lines, without a database."""
    from quotes.export import quote_record
    from quotes.load import iter_extractions

    failed = False
    for record, extraction in iter_extractions(paths, fmt):
        if extraction is None:
            click.echo(f"Error: {record.source}: {record.error}", err=True)
            failed = True
            continue
        for quote in extraction.quotes:
            click.echo(json.dumps(quote_record(record, quote), ensure_ascii=False))
    if failed:
        sys.exit(1)


@cli.command()
@click.argument("table")
@db_option()
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "jsonl"]), default="csv", show_default=True)
@click.option("--where", help="SQL condition, e.g. \"speaker_name = 'Kirill Dmitriev'\"")
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-", help="File to write (default: stdout)")
def export(table, db_path, fmt, where, output):
    """Write a table or view as CSV, JSON or JSON lines."""
    from quotes.export import ExportError, write
    from quotes.store import connect

    _require_db(db_path)
    db = connect(db_path)
    try:
        write(db, table, fmt, output, where)
    except ExportError as error:
        raise click.ClickException(str(error))
    finally:
        db.close()


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


def _require_db(db_path: str) -> None:
    if not Path(db_path).exists():
        raise click.ClickException(f"no database at {db_path}: run 'quotes load PATH... --db {db_path}' first")


def _serve(db_path: str, host: str, port: int, open_browser: bool) -> None:
    from quotes import serve as serving

    args = serving.datasette_args(db_path, host=host, port=port, open_browser=open_browser)
    click.echo(serving.command_line(args))
    sys.exit(serving.run(args))


def _add_eval() -> None:
    """`quotes eval` lives in quotes.evaluate, owned elsewhere; absent until written."""
    try:
        from quotes.evaluate import eval_command
    except ModuleNotFoundError as error:
        if error.name != "quotes.evaluate":
            raise
        return
    cli.add_command(eval_command, name="eval")


_add_eval()
