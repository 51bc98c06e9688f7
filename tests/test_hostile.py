"""Hostile input: a generated corpus of bad files goes through `quotes load` (tests/hostile.py).

No exception escapes, every bad file gets a load_log row with a clear reason, the good
articles beside them load, and limits on size and time keep one file from stalling
the load: a 50 MB line is refused unread, a gzip bomb is stopped, and an article whose
extraction would take minutes is cut off at --time-limit.
"""
from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import CLI_WITH_CPU_CLOCK, ROOT, burn_cpu, simple_extract
from hostile import PARA, _gzip_bomb, write_hostile
from quotes import limits
from quotes.limits import Limits, TimeLimitExceeded, storable, time_limit
from quotes.model import Article, ReadError, ReadNote
from quotes.readers import read_bytes, read_within_limits


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    expect = write_hostile(root / "in", root / "outside")
    return root / "in", expect


def _log(db: Path) -> list[tuple[str, str, str | None]]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute("select source, status, error from load_log order by id").fetchall()
    finally:
        conn.close()


def _rows_for(log, path: str):
    path = storable(path)
    return [r for r in log if r[0] == path or r[0].startswith((path + ":", path + "#"))]


def test_every_bad_file_is_logged_with_its_reason_and_nothing_escapes(hostile, tmp_path):
    folder, expect = hostile
    db = tmp_path / "quotes.db"
    from quotes.load import example_paths

    # The time limit counts the load's own CPU time (CLI_WITH_CPU_CLOCK): on the wall
    # clock, a busy machine pushed the gzip bomb's read past it ("reading took longer
    # than the 3 s limit" instead of "a gzip bomb?"). No file but the one that needs
    # hours of extraction uses a second of CPU.
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", CLI_WITH_CPU_CLOCK, "load", str(folder), *example_paths(), "--db", str(db),
         "--time-limit", "5"],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    elapsed = time.monotonic() - started
    assert result.returncode == 1, result.stderr[-3000:]  # 1: some inputs failed, as they should
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert result.stderr.rstrip().splitlines()[-1].startswith("Loaded ")

    log = _log(db)
    for name, (outcome, reason) in expect.items():
        rows = _rows_for(log, str(folder / name))
        assert rows, f"{name}: no load_log row"
        statuses = {status for _, status, _ in rows}
        messages = " | ".join(error or "" for _, _, error in rows)
        if outcome == "error":
            assert "error" in statuses, (name, rows)
            assert reason in messages, (name, rows)
        elif outcome == "note":
            assert reason in messages, (name, rows)
        elif outcome == "slow":
            assert statuses == {"ok"} or reason in messages, (name, rows)
        else:
            assert "ok" in statuses or "skipped" in statuses, (name, rows)
    for path in example_paths():  # the good articles beside them all load
        assert [status for _, status, _ in _rows_for(log, path)] == ["ok"], path

    conn = sqlite3.connect(db)
    try:
        assert conn.execute("pragma integrity_check").fetchone() == ("ok",)
        everything = " ".join(str(v) for row in conn.execute(
            "select title, body, author, publisher, source from articles") for v in row)
        assert "hunter2" not in everything  # the file behind the symlink was not read
        assert "root:x:" not in everything  # the feed's external entity was not expanded
        assert "\x00" not in everything
    finally:
        conn.close()
    print(f"\n{len(expect)} hostile files and {len(example_paths())} good ones loaded in {elapsed:.1f} s")

    # Loading again what did load (odd names, guessed encodings, surrogates) skips it all.
    loaded = [str(folder / name) for name, (outcome, _) in expect.items() if outcome in ("ok", "note")
              and name not in ("billion_laughs.xml", "markdown_bomb.md", "nested_feed.xml", "not_a_warc.warc")]
    again = subprocess.run([sys.executable, "-m", "quotes", "load", *loaded, "--db", str(db), "-s"],
                           cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr[-3000:]
    assert again.stderr.strip().splitlines()[-1].startswith("Loaded 0 articles"), again.stderr


# --- the limits, one by one -------------------------------------------------------------


def _records(tmp_path: Path, name: str, data: bytes, limits: Limits) -> list:
    path = tmp_path / name
    path.write_bytes(data)
    return list(read_within_limits(str(path), limits=limits))


def test_size_limit_applies_to_files_lines_and_articles(tmp_path):
    limits = Limits(max_bytes=1000, max_chars=500)
    text = f"# T\n\n{PARA}\n".encode()
    (ok,) = _records(tmp_path, "ok.txt", text, limits)
    assert isinstance(ok, Article)
    (big,) = _records(tmp_path, "big.txt", text + b"x" * 1000, limits)
    assert isinstance(big, ReadError) and "larger than the 1000 bytes limit" in big.error
    line = b'{"text": "' + PARA.encode() + b'"}\n'
    records = _records(tmp_path, "lines.jsonl", line + b'{"text": "' + b"y" * 2000 + b'"}\n' + line, limits)
    assert [type(r).__name__ for r in records] == ["Article", "ReadError", "Article"]
    assert records[1].source.endswith(":2") and "line longer than" in records[1].error
    exact = b'{"text": "' + b"z" * (1000 - 12) + b'"}'  # exactly the limit, then a newline
    assert len(exact) == 1000
    (long_article,) = _records(tmp_path, "exact.jsonl", exact + b"\n", limits)
    assert isinstance(long_article, ReadError) and "longer than the 500-character limit" in long_article.error
    unlimited = Limits(max_bytes=None, max_chars=None)
    assert isinstance(_records(tmp_path, "big2.txt", text + b"x" * 1000, unlimited)[0], Article)


def test_a_gzip_bomb_is_stopped_where_its_output_passes_the_limit(monkeypatch):
    """Checked by how much came out (the limit injected small), not by how long it took."""
    monkeypatch.setattr(limits, "GZIP_RATIO_AFTER", 1024 * 1024)
    assert list(read_bytes(_gzip_bomb(8), "bomb.warc.gz", "warc")) == [
        ReadError("bomb.warc.gz", "not a readable WARC file (after 1 record): gzip data expands more than "
                                  "200 times (a gzip bomb?): stopped after 2 MB from 8 KB"),
        ReadNote("bomb.warc.gz", "0 HTML pages read; 1 record skipped: 1 application/octet-stream resource"),
    ]


@pytest.mark.parametrize("clock", ["WALL_CLOCK", "CPU_CLOCK"])
def test_time_limit_interrupts_work_and_restores_the_signal_handler(clock, monkeypatch):
    """A sleep of a minute (wall clock) or a minute of busy loop (CPU clock) ends at the
    limit; nothing here depends on how fast the machine is."""
    monkeypatch.setattr(limits, "CLOCK", getattr(limits, clock))
    timer, signum = limits.CLOCK
    before = signal.getsignal(signum)
    with pytest.raises(TimeLimitExceeded):
        with time_limit(0.2):
            if clock == "WALL_CLOCK":
                time.sleep(60)
            else:
                burn_cpu(60)
    assert signal.getsignal(signum) == before
    assert signal.getitimer(timer) == (0.0, 0.0)
    with time_limit(5):  # work that finishes leaves no alarm behind
        sum(range(1000))
    assert signal.getitimer(timer) == (0.0, 0.0)
    with time_limit(None):
        pass


def test_time_limit_is_a_no_op_off_the_main_thread():
    seen = []

    def work():
        with time_limit(0.01):
            seen.append(signal.getitimer(signal.ITIMER_REAL))  # no alarm was set

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert seen == [(0.0, 0.0)]


def test_a_reader_that_never_finishes_a_record_is_cut_off(tmp_path, cpu_clock):
    def stalling(source, fmt=None, fetcher=None, max_bytes=None):
        yield Article(body=PARA, source=source + ":1")
        burn_cpu(60)
        yield Article(body=PARA, source=source + ":2")

    records = list(read_within_limits(str(tmp_path / "slow.jsonl"), limits=Limits(seconds=0.3), read=stalling))
    assert [type(r).__name__ for r in records] == ["Article", "ReadError"]
    assert records[1].error == ("reading took longer than the 0.3 s limit; the rest of this input "
                                "was skipped (--time-limit)")


def test_a_reader_that_raises_becomes_an_error(tmp_path):
    def broken(source, fmt=None, fetcher=None, max_bytes=None):
        raise KeyError("boom")
        yield

    (record,) = read_within_limits(str(tmp_path / "x.txt"), read=broken)
    assert isinstance(record, ReadError) and record.error == "reader failed: KeyError: 'boom'"


def test_extraction_past_the_time_limit_is_an_error_and_the_load_goes_on(tmp_path, monkeypatch, cpu_clock):
    from quotes.load import load_paths

    def slow(article):
        if "slow" in article.body:
            burn_cpu(60)
        return simple_extract(article)

    monkeypatch.setattr("quotes.load.extract_article", slow)
    monkeypatch.setattr("quotes.parallel.extract_article", slow)
    (tmp_path / "a.txt").write_text(f"# A\n\nslow {PARA}\n")
    (tmp_path / "b.txt").write_text('# B\n\n"It works," Ann Lee said.\n')
    db = tmp_path / "quotes.db"
    summary = load_paths(db, [str(tmp_path / "a.txt"), str(tmp_path / "b.txt")], limits=Limits(seconds=0.5))
    assert (summary.articles, summary.errors) == (1, 1)
    assert [(source, error) for source, error in summary.failures] == [
        (str(tmp_path / "a.txt"), "extraction took longer than the 0.5 s limit; article skipped (--time-limit)")]


def test_storable_replaces_lone_surrogates_one_for_one():
    assert storable("ok “text”") == "ok “text”"
    assert storable("a\udcffb\ud800") == "a\ufffdb\ufffd"
    assert len(storable("x\udc80" * 5)) == 10


def test_a_page_nested_past_the_parsers_limit_says_why_it_has_no_text():
    """lxml (libxml2) stops reading 256 levels down: the page still gives no article, and
    the error says that the nesting is why (issue 16, 11c)."""
    deep = ("<html><body>" + "<div>" * 100_000 + f"<p>{PARA}</p>" + "</div>" * 100_000 + "</body></html>").encode()
    assert list(read_bytes(deep, "nested.html", "html")) == [ReadError(
        "nested.html", "no article text found in the HTML page: too deeply nested (elements more than "
                       "256 levels deep, the HTML parser's limit, were not read)")]
    shallow = ("<html><body>" + "<div>" * 200 + f"<p>{PARA}</p>" + "</div>" * 200 + "</body></html>").encode()
    assert isinstance(list(read_bytes(shallow, "shallow.html", "html"))[-1], Article)
    empty = b"<html><head><title>T</title></head><body><div></div></body></html>"
    assert list(read_bytes(empty, "empty.html", "html")) == [
        ReadError("empty.html", "no article text found in the HTML page")]  # no reason to give: none made up
