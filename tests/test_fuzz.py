"""Fuzzing every reader, the loader and extraction with Hypothesis.

Inputs are random bytes, random text from an alphabet heavy in quote marks, speech
verbs and markup, and valid documents of each format with random bytes flipped,
inserted, deleted or the document cut short. What must hold whatever the input:

- a reader never raises; it yields Articles, ReadErrors and ReadNotes only, and an
  Article has non-empty text;
- the loader never raises, and every input leaves a row in load_log;
- extraction never raises, and every quote and claim it finds is the slice of the body
  its offsets say.

Each test runs FUZZ_EXAMPLES examples (60 by default, so the suite stays quick); for a
long session: QUOTES_FUZZ_EXAMPLES=5000 python -m pytest tests/test_fuzz.py
(benchmarks/fuzz_atheris.py drives the same checks with coverage guidance).
"""
from __future__ import annotations

import gzip
import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quotes.model import Article, ReadError
from quotes.readers import FORMATS, ReadNote, read_bytes, read_source

FUZZ_EXAMPLES = int(os.environ.get("QUOTES_FUZZ_EXAMPLES", "60"))
fuzz = settings(max_examples=FUZZ_EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                       HealthCheck.data_too_large])

PARA = "“We will build it,” Mayor Elena Marsh said on Tuesday. “It is the least we owe.”"

SEEDS: dict[str, bytes] = {
    "text": f"# Riverside Votes\n\nApril 8, 2025\n\n{PARA}\n\nOriginal url: <https://e.com/a>\n".encode(),
    "markdown": f"# Title **bold**\n\nBy Ann Lee | March 3, 2024\n\n[{PARA}](https://e.com) ![x](y)\n".encode(),
    "jsonl": (json.dumps({"text": PARA, "title": "T", "url": "https://e.com/a", "published": "2025-04-08"})
              + "\n" + json.dumps({"body": PARA + " Again.", "date": 1700000000}) + "\n").encode(),
    "html": (f'<!doctype html><html><head><meta charset="utf-8"><title>T</title>'
             f'<script type="application/ld+json">{{"@type":"NewsArticle","headline":"H",'
             f'"datePublished":"2025-04-08","articleBody":"{PARA}"}}</script></head>'
             f"<body><article><h1>H</h1><p>{PARA}</p><p>More &ldquo;text&rdquo; here.</p></article>"
             "</body></html>").encode(),
    "feed": (f'<?xml version="1.0"?><rss version="2.0"><channel><title>F</title><link>https://e.com/</link>'
             f"<item><title>A</title><link>/a</link><pubDate>Tue, 08 Apr 2025 10:00:00 GMT</pubDate>"
             f"<description><![CDATA[<p>{PARA}</p>]]></description></item></channel></rss>").encode(),
}


def _warc() -> bytes:
    page = f"<html><body><p>{PARA}</p></body></html>".encode()
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + page
    head = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://e.com/a\r\n"
            f"WARC-Date: 2025-04-08T10:00:00Z\r\nWARC-Record-ID: <urn:uuid:1>\r\n"
            f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(http)}\r\n\r\n").encode()
    return head + http + b"\r\n\r\n"


SEEDS["warc"] = _warc()
GZIPPED_WARC = gzip.compress(SEEDS["warc"])


@st.composite
def mutated(draw, seed: bytes) -> bytes:
    """A valid document with a few random edits, or cut short."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(0, 6))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["flip", "insert", "delete", "repeat"]))
        if action == "flip":
            data[at] = draw(st.integers(0, 255))
        elif action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=12) | st.sampled_from(
                [b"<", b">", b"\x00", b"\"", b"\xe2\x80\x9c", b"]]>", b"&", b"<div>", b"\r\n", b"\xff\xfe",
                 b"[", b"]", b":99999999", b"\\ud800", b"://["]))
        elif action == "delete":
            del data[at:at + draw(st.integers(1, 20))]
        else:
            end = min(len(data), at + draw(st.integers(1, 30)))
            data[at:at] = data[at:end] * draw(st.integers(2, 50))
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return bytes(data)


def check_records(records: list, source: str) -> None:
    assert records, f"{source}: a reader must say something about every input"
    for record in records:
        assert isinstance(record, (Article, ReadError, ReadNote)), record
        if isinstance(record, Article):
            assert isinstance(record.body, str) and record.body.strip()
            assert record.source.startswith(source)
        elif isinstance(record, ReadError):
            assert isinstance(record.error, str) and record.error.strip()


# --- readers -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@fuzz
@given(data=st.data())
def test_read_bytes_never_raises(fmt, data):
    seed = SEEDS["markdown" if fmt == "markdown" else fmt]
    blob = data.draw(st.one_of(st.binary(max_size=3000), mutated(seed)), label="input")
    check_records(list(read_bytes(blob, "fuzz", fmt)), "fuzz")


@fuzz
@given(blob=st.one_of(mutated(GZIPPED_WARC), mutated(SEEDS["warc"]), st.binary(max_size=2000)))
def test_warc_reader_never_raises(blob):
    check_records(list(read_bytes(blob, "fuzz.warc", "warc")), "fuzz.warc")


@fuzz
@given(blob=st.one_of(*(mutated(seed) for seed in SEEDS.values()), mutated(GZIPPED_WARC),
                      st.binary(max_size=3000)),
       name=st.sampled_from(["a.txt", "a.md", "a.jsonl", "a.html", "a.xml", "a.warc", "a.warc.gz", "noext"]))
def test_read_source_sniffs_and_never_raises(tmp_path_factory, blob, name):
    path = tmp_path_factory.mktemp("fuzz") / name
    path.write_bytes(blob)
    check_records(list(read_source(str(path))), str(path))


# --- extraction ----------------------------------------------------------------------

WORDS = ["said", "says", "told", "added", "according to", "he", "she", "they", "Mr.", "Dr.",
         "Elena Marsh", "Marsh", "Tomas Reyes", "the mayor", "a spokeswoman", "on Tuesday",
         "last month", "in March", "declined to comment", "was appointed chief executive of",
         "Acme Corp", "“", "”", "\"", "'", "‘", "’", "«", "»", ",", ".", ":", "—", "(", ")",
         "\n\n", "\n", " ", "said:", "that", "would", "next year", "2025", "9999", "0001"]
text = st.lists(st.sampled_from(WORDS) | st.text(max_size=8), max_size=120).map(" ".join)
dates = st.none() | st.sampled_from(
    ["2025-04-08", "0001-01-01", "9999-12-31", "2024-02-29", "2025-04", "2025", "1900-01-01"])


@fuzz
@given(body=text | st.text(max_size=600), published=dates)
def test_extraction_never_raises_and_offsets_hold(body, published):
    from quotes.extract import extract_article

    article = Article(body=body, source="fuzz", published=published)
    extraction = extract_article(article)
    for quote in extraction.quotes:
        assert 0 <= quote.start <= quote.end <= len(body)
        assert body[quote.start:quote.end] == quote.text
    for claim in extraction.claims:
        assert 0 <= claim.start <= claim.end <= len(body)
        assert body[claim.start:claim.end] == claim.text


@fuzz
@given(value=st.one_of(st.text(max_size=40), st.integers(), st.floats(allow_nan=True), st.none(),
                       st.sampled_from(["99999-01-01", "0000-00-00", "-5000", "1e308", "2025-13-45",
                                        "31/02/2025", "Feb 30 2025", "year 10000", "1 January 0001"])))
def test_dates_never_raise(value):
    import re

    from quotes.readers.text import iso_date

    result = iso_date(value)
    assert result is None or re.fullmatch(r"\d{4}(-\d\d(-\d\d)?)?", result), result


# --- the loader ------------------------------------------------------------------------


@fuzz
@given(blobs=st.lists(st.one_of(*(mutated(seed) for seed in SEEDS.values()), st.binary(max_size=500)),
                      min_size=1, max_size=4),
       names=st.lists(st.sampled_from(["a.txt", "b.jsonl", "c.html", "d.xml", "e.warc", "f"]), min_size=4,
                      max_size=4, unique=True),
       batch_size=st.sampled_from([1, 3, 500]))
def test_loader_logs_every_input_and_never_raises(tmp_path_factory, blobs, names, batch_size):
    """Through the path `quotes load` takes: load_paths, its batch writer
    (quotes.parallel.Writer) committing every `batch_size` articles, then the refresh."""
    import sqlite3

    from quotes.limits import Limits
    from quotes.load import load_paths

    folder = tmp_path_factory.mktemp("load")
    paths = []
    for blob, name in zip(blobs, names):
        (folder / name).write_bytes(blob)
        paths.append(str(folder / name))
    db_path = folder / "quotes.db"
    summary = load_paths(db_path, paths, batch_size=batch_size, limits=Limits(seconds=20))
    db = sqlite3.connect(db_path)
    try:
        logged = {r[0] for r in db.execute("select source from load_log")}
        for path in paths:
            assert any(s == path or s.startswith(path + ":") or s.startswith(path + "#") for s in logged), path
        assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
        assert db.execute("select count(*) from articles").fetchone()[0] == summary.articles
    finally:
        db.close()


def test_seeds_are_valid_documents():
    """The fuzzers start from documents that do load, so mutations probe real paths."""
    for fmt, seed in SEEDS.items():
        records = list(read_bytes(seed, "seed", fmt))
        assert any(isinstance(r, Article) for r in records), (fmt, records)
    assert any(isinstance(r, Article) for r in read_bytes(GZIPPED_WARC, "seed", "warc"))
