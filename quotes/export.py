"""Rows out of the database (CSV, JSON, JSON lines) and quotes out of extraction.

Streams row by row, so exporting a million quotes needs no more memory than one.
CSV text cells are escaped against formula injection (`csv_cell`): quote text is
written by whoever the article quotes, and spreadsheets run cells that look like formulas.
JSON is written by `html_safe_json` (quotes.safe_json), with `<`, `>` and `&` as \u003c, \u003e, \u0026, so
that it can go inside an HTML <script> (JSON-LD) as it is: a quote holding `</script>`
cannot end the element.
"""
from __future__ import annotations

import csv
import sqlite3
from collections.abc import Iterator
from typing import TextIO

import sqlite_utils

from quotes.model import Article, Quote
from quotes.safe_json import html_safe_json

FORMATS = ("csv", "json", "jsonl")

# What makes a spreadsheet read a cell as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ExportError(Exception):
    """A user mistake: unknown table, bad WHERE clause."""


def names(db: sqlite_utils.Database) -> list[str]:
    """Tables and views a user may export (FTS shadow tables left out)."""
    hidden = set(db.table_names(fts4=True)) | set(db.table_names(fts5=True))
    shadow = {t for t in db.table_names() for f in hidden if t.startswith(f + "_")}
    internal = {t for t in db.table_names() if t.startswith("_")}  # migrations, index ledger
    return sorted(set(db.table_names()) - hidden - shadow - internal) + sorted(db.view_names())


def rows(db: sqlite_utils.Database, table: str, where: str | None = None) -> tuple[list[str], Iterator[tuple]]:
    """(columns, row tuples) of one table or view, optionally filtered by SQL."""
    if table not in names(db):
        raise ExportError(f"no table {table!r}; tables: {', '.join(names(db))}")
    sql = f"select * from [{table}]" + (f" where {where}" if where else "")
    try:
        cursor = db.execute(sql)
    except sqlite3.Error as error:
        raise ExportError(f"{error} in: {sql}") from None
    return [d[0] for d in cursor.description], iter(cursor)


def write(db: sqlite_utils.Database, table: str, fmt: str, out: TextIO, where: str | None = None) -> int:
    """Write a table as csv, json (one array) or jsonl; returns the number of rows."""
    columns, it = rows(db, table, where)
    n = 0
    if fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(columns)
        for n, row in enumerate(it, 1):
            writer.writerow([csv_cell(v) for v in row])
    elif fmt == "jsonl":
        for n, row in enumerate(it, 1):
            out.write(html_safe_json(dict(zip(columns, row))) + "\n")
    elif fmt == "json":
        out.write("[")
        for n, row in enumerate(it, 1):
            out.write(("\n  " if n == 1 else ",\n  ") + html_safe_json(dict(zip(columns, row))))
        out.write("\n]\n" if n else "]\n")
    else:
        raise ExportError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return n


def csv_cell(value: object) -> object:
    """A value as a CSV cell: text that a spreadsheet would run as a formula gets a leading
    `'`, as OWASP advises; numbers are left alone, so -5 stays a number; NULL is empty."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


QUOTE_FIELDS = ("article", "text", "speaker", "speaker_text", "kind", "cue", "said_on", "start",
                "end", "method", "confidence")  # quote_record's keys, in order


def quote_record(article: Article, quote: Quote) -> dict:
    """One extracted quote as `quotes extract` prints it (no database involved)."""
    return {
        "article": article.source_id or article.source,
        "text": quote.text,
        "speaker": quote.speaker,
        "speaker_text": quote.speaker_text,
        "kind": quote.kind,
        "cue": quote.cue,
        "said_on": quote.said_on,
        "start": quote.start,
        "end": quote.end,
        "method": quote.method,
        "confidence": quote.confidence,
    }
