"""The `quotes` command as a user runs it: CliRunner on real files, then reopen them."""
from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
import sqlite_utils
from click.testing import CliRunner

from conftest import ROOT, SEED, rows, write_article
from quotes import __version__
from quotes.web import serve
from quotes.cli import cli


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def loaded(tmp_path, runner, fake_extract):
    folder = tmp_path / "in"
    folder.mkdir()
    write_article(folder, "a.txt", '"We will meet Musk soon," Kirill Dmitriev said.')
    write_article(folder, "b.txt", '"It went well," Ann Lee said.')
    db_path = tmp_path / "quotes.db"
    result = runner.invoke(cli, ["load", str(folder), "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    return db_path


def test_version(runner):
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0, result.output
    assert __version__ in result.output


def test_every_command_has_help_and_unique_short_flags(runner):
    ctx = click.Context(cli)
    assert {"load", "extract", "export", "serve", "demo"} <= set(cli.list_commands(ctx))
    for name in cli.list_commands(ctx):
        command = cli.get_command(ctx, name)
        assert command.help, f"{name} has no help"
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0, result.output
        shorts = [o for p in command.params for o in [*p.opts, *p.secondary_opts]
                  if o.startswith("-") and not o.startswith("--")]
        assert len(shorts) == len(set(shorts)), f"{name}: {shorts}"


def test_python_dash_m(tmp_path):
    result = subprocess.run([sys.executable, "-m", "quotes", "--version"],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert __version__ in result.stdout


def test_load_prints_a_summary_and_writes_the_database(loaded, runner, tmp_path):
    db = sqlite_utils.Database(loaded)
    assert db["articles"].count == 2 and db["quotes"].count == 2
    assert {r["speaker_name"] for r in db["quotes"].rows} == {"Kirill Dmitriev", "Ann Lee"}
    db.close()
    result = runner.invoke(cli, ["load", str(tmp_path / "in"), "--db", str(loaded), "-s"])
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == "Loaded 0 articles: 0 quotes, 0 claims, 2 skipped, 0 errors"


def test_load_no_refresh_leaves_the_refresh_to_later(runner, tmp_path, fake_extract):
    """Several loads in a row into a big database, refreshed once: the groups wait, and
    `quotes refresh` (or any later load) completes them."""
    # six words: fewer would be grouped per article (one group each)
    first = write_article(tmp_path, "a.txt", '"We will meet Musk very soon," Kirill Dmitriev said.')
    second = write_article(tmp_path, "b.txt", '"We will meet Musk very soon," Dmitriev said again.')
    db_path = tmp_path / "quotes.db"
    for path in (first, second):
        result = runner.invoke(cli, ["load", str(path), "--db", str(db_path), "--no-refresh"])
        assert result.exit_code == 0, result.output
        assert "Refreshed" not in result.stderr
    assert rows(db_path, "select count(*) as n from quote_group_members") == [{"n": 0}]
    result = runner.invoke(cli, ["load", str(first), "--db", str(db_path)])  # nothing new: still refreshes
    assert "1 skipped" in result.stderr and "Refreshed" in result.stderr
    assert rows(db_path, "select quotes, articles from quote_groups") == [{"quotes": 2, "articles": 2}]


def test_load_defaults_to_db_quotes_db(runner, tmp_path, fake_extract):
    path = write_article(tmp_path, "a.txt", '"Hi," Ann Lee said.')
    with runner.isolated_filesystem(temp_dir=tmp_path) as cwd:
        result = runner.invoke(cli, ["load", str(path)])
        assert result.exit_code == 0, result.output
        assert "Loaded 1 article: 1 quotes, 0 claims, 0 skipped, 0 errors" in result.stderr
        assert rows(f"{cwd}/db/quotes.db", "select speaker_name from quotes") == [{"speaker_name": "Ann Lee"}]


def test_load_errors_give_exit_status_1_and_one_line_each(runner, tmp_path, fake_extract):
    good = write_article(tmp_path, "good.txt", '"Hi," Ann Lee said.')
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    missing = tmp_path / "missing.txt"
    db_path = tmp_path / "q.db"
    result = runner.invoke(cli, ["load", str(empty), str(good), str(missing), "--db", str(db_path)])
    assert result.exit_code == 1, result.output
    lines = result.stderr.splitlines()
    assert lines[-1] == "Loaded 1 article: 1 quotes, 0 claims, 0 skipped, 2 errors"
    errors = [line for line in lines if line.startswith("Error: ")]
    assert len(errors) == 2
    assert errors[0].startswith(f"Error: {empty}: ") and errors[1].startswith(f"Error: {missing}: ")
    assert rows(db_path, "select status from load_log order by id") == [
        {"status": "error"}, {"status": "ok"}, {"status": "error"}]


def test_extract_prints_json_lines_without_a_database(runner, tmp_path, fake_extract, monkeypatch):
    monkeypatch.setattr("quotes.load.extract_article", fake_extract)
    path = write_article(tmp_path, "a.txt", '"We will meet," Kirill Dmitriev said.')
    with runner.isolated_filesystem(temp_dir=tmp_path) as cwd:
        result = runner.invoke(cli, ["extract", str(path)])
        assert result.exit_code == 0, result.output
        assert not (tmp_path / cwd / "db").exists()
    (line,) = result.stdout.splitlines()
    record = json.loads(line)
    assert record == {
        "article": str(path), "text": "We will meet", "speaker": "Kirill Dmitriev",
        "speaker_text": "Kirill Dmitriev", "kind": "direct", "cue": "said",
        "said_on": "2025-03-18", "start": record["start"], "end": record["end"],
        "method": "test", "confidence": 1.0,
    }


def test_extract_uses_the_source_id_of_json_lines(runner, tmp_path, fake_extract):
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"id": "art-7", "title": "T", "text": '"Yes," Ann Lee said.'}) + "\n")
    result = runner.invoke(cli, ["extract", str(path), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    assert [json.loads(x)["article"] for x in result.stdout.splitlines()] == ["art-7"]


def test_extract_reports_bad_inputs(runner, tmp_path, fake_extract):
    result = runner.invoke(cli, ["extract", str(tmp_path / "nope.txt")])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {tmp_path / 'nope.txt'}: ")


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl"])
def test_export_formats(loaded, runner, fmt):
    result = runner.invoke(cli, ["export", "quotes", "--db", str(loaded), "--format", fmt,
                                 "--where", "speaker_name = 'Ann Lee'"])
    assert result.exit_code == 0, result.output
    if fmt == "csv":
        records = list(csv.DictReader(io.StringIO(result.stdout)))
    elif fmt == "json":
        records = json.loads(result.stdout)
    else:
        records = [json.loads(x) for x in result.stdout.splitlines()]
    assert [(r["speaker_name"], r["text"]) for r in records] == [("Ann Lee", "It went well")]


def test_export_to_a_file_and_views(loaded, runner, tmp_path):
    out = tmp_path / "out.json"
    result = runner.invoke(cli, ["export", "quotes_view", "--db", str(loaded), "--format", "json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert {r["article_title"] for r in data} == {"A", "B"}
    empty = runner.invoke(cli, ["export", "claims", "--db", str(loaded), "--format", "json"])
    assert json.loads(empty.stdout) == []


def test_export_user_errors(loaded, runner, tmp_path):
    result = runner.invoke(cli, ["export", "nope", "--db", str(loaded)])
    assert result.exit_code == 1
    assert "Error: no table 'nope'; tables: " in result.output
    assert "quotes" in result.output and "quotes_fts_data" not in result.output
    result = runner.invoke(cli, ["export", "quotes", "--db", str(loaded), "--where", "nonsense ="])
    assert result.exit_code == 1 and "Error: " in result.output
    result = runner.invoke(cli, ["export", "quotes", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1 and "no database at" in result.output
    assert not (tmp_path / "none.db").exists()


def test_serve_prints_and_runs_the_plain_datasette_command(loaded, runner, monkeypatch):
    ran = []
    monkeypatch.setattr(serve, "run", lambda args: ran.append(args) or 0)
    result = runner.invoke(cli, ["serve", "--db", str(loaded), "--port", "8123"])
    assert result.exit_code == 0, result.output
    (args,) = ran
    assert args[:2] == ["serve", str(loaded)]
    printed = result.stdout.strip()
    # No -m: the plugin configures any database quotes made. From this checkout (not
    # installed: no entry point) it is loaded from plugins/; installed, the command is
    # just `datasette serve DB ...` (tests/test_wheel.py).
    plugins = [] if serve.plugin_installed() else ["--plugins-dir", args[3]]
    assert printed == " ".join(["datasette", "serve", str(loaded), *plugins, "--host", "127.0.0.1",
                                "--port", "8123", "--setting", "suggest_facets", "off"])
    if plugins:
        assert Path(args[3]).resolve() == ROOT / "plugins"
    assert "-m" not in args and "Warning" not in result.output
    assert (ROOT / "plugins" / "quotes_web.py").is_file()


def test_serve_open_and_missing_db(runner, monkeypatch, tmp_path, loaded):
    ran = []
    monkeypatch.setattr(serve, "run", lambda args: ran.append(args) or 0)
    result = runner.invoke(cli, ["serve", "--db", str(loaded), "--open", "--host", "0.0.0.0"])
    assert result.exit_code == 0, result.output
    assert "--open" in ran[0] and "0.0.0.0" in ran[0]
    result = runner.invoke(cli, ["serve", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1 and "no database at" in result.output


def test_demo_builds_a_fresh_database(runner, tmp_path, monkeypatch, fake_extract):
    ran = []
    monkeypatch.setattr(serve, "run", lambda args: ran.append(args) or 0)
    db_path = tmp_path / "demo" / "quotes.db"
    from quotes.load import example_paths

    for _ in range(2):
        result = runner.invoke(cli, ["demo", "--db", str(db_path), "--no-serve"])
        assert result.exit_code == 0, result.output
        log = rows(db_path, "select source, status from load_log where article_id is not null")
        assert sorted(r["source"] for r in log) == example_paths(), "every example loaded"
        assert {r["status"] for r in log} == {"ok"}, "loaded fresh, nothing skipped"
    assert ran == []
    result = runner.invoke(cli, ["demo", "--db", str(db_path), "--port", "8124"])
    assert result.exit_code == 0, result.output
    assert "--port" in ran[0] and "8124" in ran[0]


def test_demo_will_not_delete_a_real_database(runner, loaded):
    result = runner.invoke(cli, ["demo", "--db", str(loaded), "--no-serve"])
    assert result.exit_code == 1
    assert "holds 2 articles loaded from elsewhere" in result.output
    assert rows(loaded, "select count(*) as n from articles") == [{"n": 2}]


def test_seed_ships_as_a_bundled_example():
    from quotes.load import example_paths

    names = [p.rsplit("/", 1)[-1] for p in example_paths()]
    assert SEED.name in names


def test_load_notes_articles_without_quotes(runner, tmp_path, fake_extract):
    one = write_article(tmp_path, "calm.txt", "Nobody said anything.")
    result = runner.invoke(cli, ["load", str(one), "--db", str(tmp_path / "a.db")])
    assert result.exit_code == 0, result.output
    assert f"Note: {one}: no quotes found" in result.stderr.splitlines()
    two = write_article(tmp_path, "quiet.txt", "Still nothing.")
    three = write_article(tmp_path, "still.txt", "Nothing again.")
    result = runner.invoke(cli, ["load", str(two), str(three), "--db", str(tmp_path / "b.db")])
    assert "Note: 2 articles without quotes (each is in load_log)" in result.stderr
    result = runner.invoke(cli, ["load", str(one), "--db", str(tmp_path / "c.db"), "--silent"])
    assert "Note" not in result.stderr


def on_a_terminal(args: list[str], cwd: Path) -> str:
    """What `quotes ARGS` writes to stderr when stderr is a terminal (a pseudo-terminal)."""
    import os
    import pty

    leader, follower = pty.openpty()
    try:
        process = subprocess.run([sys.executable, "-m", "quotes", *args], stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=follower, cwd=cwd, timeout=120)
        os.close(follower)
        out = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the terminal's other end is closed and everything read
                break
            if not chunk:
                break
            out += chunk
    finally:
        os.close(leader)
    assert process.returncode == 1, out  # the bad line
    return out.decode("utf-8")


def test_the_progress_bar_counts_the_articles_of_a_jsonl_file(tmp_path):
    """One file of four records: the bar counts 0, 1, 2, 3, 4 as they are written,
    with no total (the file would have to be read to know it), rather than 0/1."""
    path = tmp_path / "feed.jsonl"
    path.write_text("".join(json.dumps({"title": t, "text": f'"{t} stands," Ann Lee said.'}) + "\n"
                            for t in ("One", "Two")) + "{not json\n" +
                    json.dumps({"title": "Three", "text": "Nobody spoke."}) + "\n")
    stderr = on_a_terminal(["load", str(path), "--db", "q.db"], tmp_path)
    shown = re.findall(r"Loading  \[[-#]+\]  (\d+(?:/\d+)?)", stderr)
    assert shown == ["0", "1", "2", "3", "4"], stderr
    assert "Loaded 3 articles" in stderr


def test_the_progress_bar_has_a_total_for_one_article_files(tmp_path):
    for name in ("a", "b"):
        write_article(tmp_path, f"{name}.txt", f'"{name} stands," Ann Lee said.')
    stderr = on_a_terminal(["load", "a.txt", "b.txt", "missing.txt", "--db", "q.db"], tmp_path)
    shown = re.findall(r"Loading  \[[-#]+\]  (\d+(?:/\d+)?)", stderr)
    assert shown == ["0/3", "1/3", "2/3", "3/3"], stderr


# --- issue 17: README drift and extract's input and output formats ---------------------------

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_extract_says_format_is_the_input_and_prints_csv(runner, tmp_path):
    help_text = runner.invoke(cli, ["extract", "--help"]).output
    assert "Format of the input articles" in _flat(help_text)
    assert "--output-format [jsonl|csv]" in help_text
    path = write_article(tmp_path, "a.txt", '"The river will rise," Ann Lee said.')
    as_jsonl = runner.invoke(cli, ["extract", str(path)])
    as_csv = runner.invoke(cli, ["extract", "--output-format", "csv", str(path)])
    assert as_jsonl.exit_code == 0 and as_csv.exit_code == 0, as_csv.output
    records = [json.loads(line) for line in as_jsonl.output.splitlines()]
    rows_ = list(csv.DictReader(io.StringIO(as_csv.output)))
    assert records and len(rows_) == len(records)
    assert list(rows_[0]) == list(records[0])
    assert [(r["text"], r["speaker"], int(r["start"])) for r in rows_] == [
        (q["text"], q["speaker"], q["start"]) for q in records]


def test_readme_shows_the_summary_line_the_demo_prints(runner, tmp_path):
    db = tmp_path / "demo.db"
    result = runner.invoke(cli, ["demo", "--no-serve", "-s", "--db", str(db)])
    assert result.exit_code == 0, result.output
    line = next(l for l in result.output.splitlines() if l.startswith("Loaded "))
    assert _flat(line.replace(str(db), "db/quotes.db")) in _flat(README)


def test_readme_says_which_commands_take_db():
    """Not "every command takes --db": extract and eval do not, and the README says so."""
    text = _flat(README)
    listed = text[text.index("Those that read or write the database take `--db PATH`"):]
    listed = listed[:listed.index(";")]
    with_db = {name for name, command in cli.commands.items()
               if any(p.name == "db_path" for p in command.params)}
    assert set(re.findall(r"`([a-z-]+)`", listed)) == with_db - {"eval-records"}
    assert "`eval-records --db PATH` scores a database" in text
    without = set(cli.commands) - with_db
    assert without == {"extract", "eval"} and "`extract` and `eval` use none" in text
    assert "Every command takes `--db" not in README


def test_readme_says_where_the_shared_data_paths_are_relative_to():
    for line in README.splitlines():
        if re.match(r"\s+quotes eval \.\./shared/", line):
            assert "# path to where the data is" in line, line
    assert "relative to where you run the command" in _flat(README)
