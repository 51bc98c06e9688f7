"""load_paths: idempotency, one transaction per article, every input logged."""
from __future__ import annotations

import contextlib
import json

import pytest

from conftest import counts, rows, write_article
from quotes import store
from quotes.load import load_paths


@pytest.fixture
def corpus(tmp_path, fake_extract):
    folder = tmp_path / "in"
    folder.mkdir()
    write_article(folder, "a.txt", '"We will meet Musk soon," Kirill Dmitriev said.\n\n"Mars is next," Dmitriev said.')
    write_article(folder, "b.txt", '"It went well," Ann Lee said.', date="March 19, 2025")
    return folder


def log(db_path) -> list[tuple]:
    return [(r["source"].rsplit("/", 1)[-1], r["status"], r["error"])
            for r in rows(db_path, "select * from load_log order by id")]


def test_load_writes_articles_and_log(db_path, corpus):
    summary = load_paths(db_path, [corpus])
    assert (summary.articles, summary.quotes, summary.claims, summary.skipped, summary.errors) == (2, 3, 0, 0, 0)
    assert summary.line() == "Loaded 2 articles: 3 quotes, 0 claims, 0 skipped, 0 errors"
    assert log(db_path) == [("a.txt", "ok", None), ("b.txt", "ok", None)]
    people = rows(db_path, "select name, quote_count, first_seen from entities order by id")
    assert people == [
        {"name": "Kirill Dmitriev", "quote_count": 2, "first_seen": "2025-03-18"},
        {"name": "Ann Lee", "quote_count": 1, "first_seen": "2025-03-19"},
    ]
    (a,) = rows(db_path, "select * from articles where source like '%a.txt'")
    assert a["title"] == "A" and a["published"] == "2025-03-18"
    assert a["loaded_at"].endswith("+00:00") and a["word_count"] == len(a["body"].split())
    assert rows(db_path, "select distinct publisher, published from quotes where article_id = ?", [a["id"]]) == [
        {"publisher": a["publisher"], "published": "2025-03-18"}
    ]


def test_loading_twice_changes_nothing_but_the_log(db_path, corpus):
    load_paths(db_path, [corpus])
    before = counts(db_path)
    table_rows = rows(db_path, "select * from quotes order by id")
    summary = load_paths(db_path, [corpus])
    assert (summary.articles, summary.skipped, summary.errors) == (0, 2, 0)
    assert counts(db_path) == before
    assert rows(db_path, "select * from quotes order by id") == table_rows
    assert [s for _, s, _ in log(db_path)] == ["ok", "ok", "skipped", "skipped"]


def test_same_content_from_another_path_is_skipped(db_path, corpus, tmp_path):
    load_paths(db_path, [corpus])
    before = counts(db_path)
    copy = tmp_path / "copy.txt"
    copy.write_bytes((corpus / "a.txt").read_bytes())
    summary = load_paths(db_path, [copy])
    assert (summary.articles, summary.skipped) == (0, 1)
    assert counts(db_path) == before
    (last,) = rows(db_path, "select * from load_log order by id desc limit 1")
    (original,) = rows(db_path, "select id from articles where source like '%a.txt'")
    assert (last["status"], last["article_id"]) == ("skipped", original["id"])


def test_changed_content_under_the_same_url_replaces_the_article(db_path, tmp_path, fake_extract):
    def jsonl(text):
        path = tmp_path / "feed.jsonl"
        path.write_text(json.dumps({"url": "https://example.com/x", "title": "X",
                                    "published": "2025-03-18", "text": text}) + "\n")
        return path

    load_paths(db_path, [jsonl('"One," Ann Lee said. "Two," Ann Lee said.')])
    assert counts(db_path)["quotes"] == 2
    summary = load_paths(db_path, [jsonl('"Three," Ann Lee said.')])
    assert (summary.articles, summary.quotes, summary.skipped) == (1, 1, 0)
    assert counts(db_path)["articles"] == 1
    assert [r["text"] for r in rows(db_path, "select text from quotes")] == ["Three"]
    assert rows(db_path, "select quote_count from entities") == [{"quote_count": 1}]


def test_a_failure_while_storing_rolls_back_that_article_only(db_path, corpus, monkeypatch):
    real = store.write_article

    def flaky(db, article, extraction, registry, loaded_at):
        result = real(db, article, extraction, registry, loaded_at)  # rows are written...
        if "Ann Lee" in article.body:
            raise RuntimeError("disk on fire")  # ...then the article fails
        return result

    monkeypatch.setattr(store, "write_article", flaky)
    summary = load_paths(db_path, [corpus])
    assert (summary.articles, summary.quotes, summary.errors) == (1, 2, 1)
    assert summary.failures[0][1] == "storing failed: RuntimeError: disk on fire"
    assert counts(db_path)["articles"] == 1
    assert rows(db_path, "select name from entities") == [{"name": "Kirill Dmitriev"}]
    assert rows(db_path, "select count(*) as n from aliases where alias like 'Ann%' or alias = 'Lee'") == [{"n": 0}]
    assert log(db_path)[-1] == ("b.txt", "error", "storing failed: RuntimeError: disk on fire")
    # Loading again without the fault finishes the job: nothing half-written was left.
    monkeypatch.setattr(store, "write_article", real)
    summary = load_paths(db_path, [corpus])
    assert (summary.articles, summary.skipped, summary.errors) == (1, 1, 0)
    assert rows(db_path, "select name, quote_count from entities order by id") == [
        {"name": "Kirill Dmitriev", "quote_count": 2}, {"name": "Ann Lee", "quote_count": 1},
    ]


def test_a_failure_in_extraction_is_logged_and_the_load_goes_on(db_path, corpus, monkeypatch, fake_extract):
    def extract(article):
        if "Ann Lee" in article.body:
            raise ValueError("no idea")
        return fake_extract(article)

    monkeypatch.setattr("quotes.load.extract_article", extract)
    summary = load_paths(db_path, [corpus])
    assert (summary.articles, summary.errors) == (1, 1)
    assert log(db_path)[-1] == ("b.txt", "error", "extraction failed: ValueError: no idea")
    (bad,) = rows(db_path, "select article_id from load_log where status = 'error'")
    assert bad["article_id"] is not None and counts(db_path)["articles"] == 1


def test_each_bad_input_is_logged_and_the_rest_loads(db_path, tmp_path, fake_extract):
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "latin1.txt").write_bytes(
        '# Café\n\nMarch 18, 2025\n\n"Le café est bon," Jean Dupont said.\n'.encode("cp1252"))
    write_article(folder, "noquotes.txt", "The weather was fine and nobody spoke.")
    write_article(folder, "good.txt", '"We will go," Ann Lee said.')
    missing = str(tmp_path / "missing.txt")

    summary = load_paths(db_path, [folder, missing])

    assert (summary.articles, summary.quotes, summary.errors) == (3, 2, 3)
    entries = log(db_path)
    by_file: dict[str, list[tuple]] = {}
    for name, status, error in entries:
        by_file.setdefault(name, []).append((status, error))
    assert set(by_file) == {"empty.txt", "binary.txt", "latin1.txt", "noquotes.txt", "good.txt", "missing.txt"}
    for name in ("empty.txt", "binary.txt", "missing.txt"):
        [(status, error)] = by_file[name]
        assert status == "error" and error, name
    assert "empty" in by_file["empty.txt"][0][1]
    assert "binary" in by_file["binary.txt"][0][1]
    assert by_file["noquotes.txt"] == [("ok", "no quotes found")]
    assert by_file["good.txt"] == [("ok", None)]
    assert ("ok", None) in by_file["latin1.txt"]  # loaded, with a note about the guess
    assert any(status == "ok" and error for status, error in by_file["latin1.txt"])
    assert {s for s, _ in summary.failures} == {str(folder / "empty.txt"), str(folder / "binary.txt"), missing}
    assert rows(db_path, "select text from quotes where speaker_name = 'Jean Dupont'") == [{"text": "Le café est bon"}]


def test_an_empty_body_is_an_error(db_path, tmp_path, fake_extract):
    path = tmp_path / "blank.jsonl"
    path.write_text(json.dumps({"title": "Nothing", "text": "   "}) + "\n" +
                    json.dumps({"title": "Something", "text": '"Yes," Ann Lee said.'}) + "\n")
    summary = load_paths(db_path, [path])
    assert summary.articles == 1 and summary.errors >= 1


class Steps:
    """A progress display (quotes.load.Progress) that records what it is told, with the
    articles extraction saw in between: the order shows steps come as records are written."""

    def __init__(self, events: list):
        self.events = events

    @contextlib.contextmanager
    def __call__(self, total):
        self.events.append(("total", total))
        yield lambda n: self.events.append(("step", n))
        self.events.append(("end",))


def recording(events: list, extract):
    def extract_and_record(article):
        events.append(("extract", article.source.rsplit("/", 1)[-1]))
        return extract(article)

    return extract_and_record


def test_progress_steps_through_the_lines_of_a_jsonl_file(db_path, tmp_path, fake_extract, monkeypatch):
    """One file of many articles: a step per article (and per bad line) as each is
    written, with no total, since only reading the file would tell it."""
    events: list = []
    monkeypatch.setattr("quotes.load.extract_article", recording(events, fake_extract))
    path = tmp_path / "feed.jsonl"
    path.write_text("".join(json.dumps({"title": t, "text": f'"{t} stands," Ann Lee said.'}) + "\n"
                            for t in ("One", "Two")) + "{not json\n" +
                    json.dumps({"title": "Three", "text": '"Three," Ann Lee said.'}) + "\n")
    summary = load_paths(db_path, [path], progress=Steps(events))
    assert (summary.articles, summary.errors) == (3, 1)
    assert events == [
        ("total", None),
        ("extract", "warm-up"),  # the extractor's first call, outside the time limit
        ("extract", "feed.jsonl:1"), ("step", 1),
        ("extract", "feed.jsonl:2"), ("step", 1),
        ("step", 1),  # the bad line, logged
        ("extract", "feed.jsonl:4"), ("step", 1),
        ("end",),
    ]


def test_progress_of_one_article_files_has_a_total(db_path, corpus, tmp_path, fake_extract):
    events: list = []
    summary = load_paths(db_path, [corpus, tmp_path / "missing.txt"], progress=Steps(events))
    assert (summary.articles, summary.errors) == (2, 1)
    assert events == [("total", 3), ("step", 1), ("step", 1), ("step", 1), ("end",)]


def test_progress_total_is_unknown_when_any_input_may_hold_many(db_path, corpus, tmp_path, fake_extract):
    events: list = []
    (tmp_path / "empty.jsonl").write_text("")
    load_paths(db_path, [corpus, tmp_path / "empty.jsonl"], progress=Steps(events))
    assert events[0] == ("total", None)
    assert events[1:] == [("step", 1)] * 3 + [("end",)]  # two articles, and the empty file's error


FEED = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>Wire</title><link>https://wire.example/</link>
<item><title>Old</title><link>https://wire.example/old</link><pubDate>Sat, 01 Nov 2026 09:00:00 GMT</pubDate>
<description>"We said it in November," Ann Lee said.</description></item>
<item><title>New</title><link>https://wire.example/new</link><pubDate>Sat, 05 Dec 2026 09:00:00 GMT</pubDate>
<description>"We say it in December," Ann Lee said.</description></item>
<item><title>Undated</title><link>https://wire.example/undated</link>
<description>"Nobody knows when," Ann Lee said.</description></item>
</channel></rss>"""


def test_since_skips_entries_published_before_it_and_logs_them(db_path, tmp_path, fake_extract):
    feed = tmp_path / "wire.xml"
    feed.write_text(FEED)
    summary = load_paths(db_path, [feed], since="2026-12-01")
    assert sorted(r["title"] for r in rows(db_path, "select title from articles")) == ["New", "Undated"]
    assert summary.skipped == 1
    assert [(r["source"].split("#", 1)[1], r["status"], r["error"]) for r in rows(
        db_path, "select * from load_log where status = 'skipped'")] == [
        ("https://wire.example/old", "skipped", "published 2026-11-01, before --since 2026-12-01")]
    # an hour later, the same feed: nothing new (two already stored, one too old)
    again = load_paths(db_path, [feed], since="2026-12-01")
    assert (again.articles, again.skipped) == (0, 3)


def test_since_compares_partial_dates_on_what_both_give():
    from quotes.load import published_since
    from quotes.model import Article, ReadNote

    def kept(published):
        (record,) = published_since([Article(body="x", source="s", published=published)], "2025-06-15")
        return not isinstance(record, ReadNote)

    assert [kept(p) for p in ("2025-06-14", "2025-06-15", "2025-06", "2025", "2025-05", "2024", None)] == [
        False, True, True, True, False, False, True]


def test_since_on_the_command_line(tmp_path):
    from click.testing import CliRunner

    from quotes.cli import cli

    feed = tmp_path / "wire.xml"
    feed.write_text(FEED)
    db = tmp_path / "q.db"
    result = CliRunner().invoke(cli, ["load", str(feed), "--db", str(db), "--since", "1 Dec 2026", "-s"])
    assert result.exit_code == 0, result.output
    assert sorted(r["title"] for r in rows(db, "select title from articles")) == ["New", "Undated"]
    bad = CliRunner().invoke(cli, ["load", str(feed), "--db", str(db), "--since", "last tuesday-ish"])
    assert bad.exit_code == 2 and "--since" in bad.output and "is not a date" in bad.output
