"""A page's claimed address (its canonical URL) against where it was read from (issue 16, 2).

An article is stored under an id made from its URL. Before: a page served from
anywhere that declared another site's canonical URL took that URL, and so replaced the
article stored under it, quotes and all. Now a fetched or archived page keeps the
address it came from unless its canonical URL is on the same site; the claim is kept in
articles.canonical_url; and a saved file that claims the URL of an article read from
elsewhere is stored as an article of its own.
"""
from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import sqlite_utils

from conftest import counts, rows
from quotes import store
from quotes.load import load_paths
from quotes.model import Article, Extraction, same_site, site_of
from quotes.readers.html import html_to_article
from quotes.store.writer import claimed_elsewhere

REAL_URL = "https://www.riverside-gazette.com/2025/04/08/council-votes-flood-barrier"
REAL_TEXT = [
    "The Riverside council voted on Tuesday to build a flood barrier along Water Street.",
    "\u201cWe will build it,\u201d Mayor Elena Marsh said after the vote. "
    "\u201cIt is the least this city owes the families who sandbag every spring.\u201d",
    "Councillor Tom Reyes said the barrier would be finished before the 2027 floods.",
]
FORGED_TEXT = [
    "The Riverside council voted on Tuesday to abandon the flood barrier along Water Street.",
    "\u201cWe will never build it,\u201d Mayor Elena Marsh said after the vote. "
    "\u201cThe families on Water Street can move.\u201d",
    "Councillor Tom Reyes said the money would go to a stadium instead.",
]


def page(paragraphs: list[str], canonical: str | None, site: str = "Riverside Gazette") -> bytes:
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f'<!doctype html><html><head><meta charset="utf-8"><title>Council votes on flood barrier</title>{link}'
            f'<meta property="og:site_name" content="{site}">'
            f'<meta property="article:published_time" content="2025-04-08T10:00:00Z"></head>'
            f"<body><article><h1>Council votes on flood barrier</h1>{body}</article></body></html>").encode()


def warc(path: Path, target: str, html: bytes) -> Path:
    """A web archive of one capture: `html` as served from `target`."""
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html
    head = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {target}\r\n"
            f"WARC-Date: 2025-04-08T12:00:00Z\r\nWARC-Record-ID: <urn:uuid:{uuid.uuid4()}>\r\n"
            f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(http)}\r\n\r\n").encode()
    path.write_bytes(head + http + b"\r\n\r\n")
    return path


def snapshot(db_path: Path) -> dict[str, list[dict]]:
    return {table: rows(db_path, f"select * from {table} order by 1")
            for table in ("articles", "quotes", "claims", "entities", "aliases", "quote_mentions", "roles")}


def real_article(db_path: Path, tmp_path: Path) -> dict:
    """The real article, captured from its own site, loaded."""
    summary = load_paths(db_path, [warc(tmp_path / "real.warc", REAL_URL, page(REAL_TEXT, REAL_URL))])
    assert (summary.articles, summary.errors) == (1, 0)
    (article,) = rows(db_path, "select * from articles")
    assert (article["url"], article["canonical_url"]) == (REAL_URL, REAL_URL)
    return article


def quotes_of(db_path: Path, article_id: str) -> list[dict]:
    return rows(db_path, "select * from quotes where article_id = ? order by start", [article_id])


# --- a forged page served from another site ------------------------------------------------


def test_a_page_from_another_site_claiming_the_url_does_not_replace_the_article(db_path, tmp_path):
    real = real_article(db_path, tmp_path)
    real_quotes = quotes_of(db_path, real["id"])
    assert any("We will build it" in q["text"] for q in real_quotes)

    forged_at = "https://riverside-gazette.example.net/council-vote"
    forged = warc(tmp_path / "forged.warc", forged_at, page(FORGED_TEXT, REAL_URL))
    summary = load_paths(db_path, [forged])
    assert (summary.articles, summary.errors) == (1, 0)

    # The real article and its quotes are untouched.
    (still,) = rows(db_path, "select * from articles where url = ?", [REAL_URL])
    assert still == real
    assert quotes_of(db_path, real["id"]) == real_quotes
    # The forgery is an article of its own: the address it was served from, its claim kept apart.
    (other,) = rows(db_path, "select * from articles where id != ?", [real["id"]])
    assert (other["url"], other["canonical_url"]) == (forged_at, REAL_URL)
    assert "never build it" in other["body"] and other["source"].endswith(f"forged.warc#{forged_at}")
    assert any("never build it" in q["text"] for q in quotes_of(db_path, other["id"]))

    # Loading the forgery again changes nothing.
    before = snapshot(db_path)
    again = load_paths(db_path, [forged])
    assert (again.articles, again.skipped, again.errors) == (0, 1, 0)
    assert snapshot(db_path) == before


def test_a_saved_file_claiming_the_url_does_not_replace_the_article_read_from_elsewhere(db_path, tmp_path):
    """A saved page has no address but the one it claims, and keeps it as its url... unless an
    article read from elsewhere is already stored under it: then it is stored on its own."""
    real = real_article(db_path, tmp_path)
    real_quotes = quotes_of(db_path, real["id"])
    forged = tmp_path / "saved.html"
    forged.write_bytes(page(FORGED_TEXT, REAL_URL))

    summary = load_paths(db_path, [forged])
    assert (summary.articles, summary.errors) == (1, 0)
    assert rows(db_path, "select * from articles where id = ?", [real["id"]]) == [real]
    assert quotes_of(db_path, real["id"]) == real_quotes
    (other,) = rows(db_path, "select * from articles where id != ?", [real["id"]])
    assert (other["url"], other["canonical_url"], other["source"]) == (None, REAL_URL, str(forged))
    assert other["id"] == Article(body=other["body"], source="").id  # keyed by its body
    assert any("never build it" in q["text"] for q in quotes_of(db_path, other["id"]))
    log = rows(db_path, "select status, error, article_id from load_log where source = ? order by id", [str(forged)])
    assert log == [
        {"status": "ok", "article_id": other["id"], "error": (
            f"claims the URL {REAL_URL} of an article read from {real['source']}; "
            "stored as an article of its own, the claim kept in canonical_url")},
        {"status": "ok", "article_id": other["id"], "error": None},
    ]

    before = snapshot(db_path)
    again = load_paths(db_path, [forged])
    assert (again.articles, again.skipped, again.errors) == (0, 1, 0)
    assert snapshot(db_path) == before


def test_a_saved_file_alone_keeps_the_url_it_claims(db_path, tmp_path):
    """What saved pages rely on: with nothing else under that URL, the claim is the url."""
    saved = tmp_path / "saved.html"
    saved.write_bytes(page(REAL_TEXT, REAL_URL))
    load_paths(db_path, [saved])
    (article,) = rows(db_path, "select url, canonical_url, publisher from articles")
    assert article == {"url": REAL_URL, "canonical_url": REAL_URL, "publisher": "Riverside Gazette"}


def test_the_same_source_loaded_again_still_replaces_its_article(db_path, tmp_path):
    """A new version of a file (or a capture of the article's own site) is the article."""
    saved = tmp_path / "saved.html"
    saved.write_bytes(page(REAL_TEXT, REAL_URL))
    load_paths(db_path, [saved])
    saved.write_bytes(page(REAL_TEXT[:2], REAL_URL))
    summary = load_paths(db_path, [saved])
    assert (summary.articles, summary.skipped) == (1, 0)
    (article,) = rows(db_path, "select url, body from articles")
    assert article["url"] == REAL_URL and "2027" not in article["body"]


def test_the_articles_own_site_may_replace_a_file_that_claimed_its_url(db, tmp_path):
    """A fetch from the URL's own site is that site's word on what the address holds; a
    saved file that got there first is replaced, as a new version would be."""
    from quotes.corpus.resolve import Registry

    registry = Registry(db)
    squatter = Article(body="Forged text.", source=str(tmp_path / "saved.html"), url=REAL_URL)
    store.write_article(db, squatter, Extraction(), registry, "2025-04-08T12:00:00+00:00")
    fetched = Article(body="Real text.", source=REAL_URL.replace("www.", "m."), url=REAL_URL)
    assert claimed_elsewhere(db, fetched) is None
    store.write_article(db, fetched, Extraction(), registry, "2025-04-08T12:01:00+00:00")
    assert fetched.url == REAL_URL
    assert [(r["url"], r["body"]) for r in db["articles"].rows] == [(REAL_URL, "Real text.")]
    # ...and a file after that only claims it.
    late = Article(body="Forged again.", source=str(tmp_path / "other.html"), url=REAL_URL)
    assert claimed_elsewhere(db, late) == REAL_URL.replace("www.", "m.")


def test_loading_the_real_article_twice_changes_nothing(db_path, tmp_path):
    real_article(db_path, tmp_path)
    before = snapshot(db_path)
    summary = load_paths(db_path, [tmp_path / "real.warc"])
    assert (summary.articles, summary.skipped, summary.errors) == (0, 1, 0)
    assert snapshot(db_path) == before
    assert counts(db_path)["articles"] == 1


# --- which canonical URL is taken -----------------------------------------------------


@pytest.mark.parametrize("fetched, claimed, taken", [
    # the same site: the publisher's own name for the page
    ("https://m.riverside-gazette.com/amp/123", REAL_URL, REAL_URL),
    ("https://techcrunch.com/?p=1", "/2024/05/16/strava/", "https://techcrunch.com/2024/05/16/strava/"),
    ("https://news.bbc.co.uk/1/hi/x.stm", "https://www.bbc.co.uk/news/x", "https://www.bbc.co.uk/news/x"),
    # another site: the fetched address stays
    ("https://evil.co.uk/copy", "https://www.bbc.co.uk/news/x", "https://evil.co.uk/copy"),
    ("https://ann.github.io/post", "https://bob.github.io/post", "https://ann.github.io/post"),
    ("http://127.0.0.1:8000/copy", REAL_URL, "http://127.0.0.1:8000/copy"),
    ("https://riverside-gazette.com.evil.net/x", REAL_URL, "https://riverside-gazette.com.evil.net/x"),
    # nothing claimed
    ("https://m.riverside-gazette.com/amp/123", None, "https://m.riverside-gazette.com/amp/123"),
])
def test_a_canonical_url_is_taken_only_on_the_same_site(fetched, claimed, taken):
    article, _ = html_to_article(page(REAL_TEXT, claimed), "page.html", url=fetched)
    assert article.url == taken
    expected_claim = None if claimed is None else (taken if claimed.startswith("/") else claimed)
    assert article.canonical_url == expected_claim


def test_site_of():
    assert site_of("https://news.bbc.co.uk/a") == "bbc.co.uk"
    assert site_of("HTTPS://WWW.Example.COM./a") == "example.com"
    assert site_of("https://ann.github.io/") == "ann.github.io"  # a private suffix: each user a site
    assert site_of("http://localhost:8000/x") == "localhost"
    assert site_of("http://127.0.0.1/x") == "127.0.0.1"
    assert site_of("/home/me/page.html") is None and site_of("file:///a") is None and site_of(None) is None
    assert site_of("http://[x/y") is None
    assert same_site("https://www.bbc.co.uk/a", "https://news.bbc.co.uk/b")
    assert not same_site("https://bbc.co.uk/a", "https://evil.co.uk/b")
    assert not same_site(None, None) and not same_site("/a", "/a")


# --- the schema -----------------------------------------------------------------------


def test_0010_upgrades_a_database_made_by_0009(tmp_path):
    """A database from before 0010 gains articles.canonical_url, NULL for what it holds."""
    path = tmp_path / "old.db"
    old = sqlite_utils.Database(path)
    store.MIGRATIONS.apply(old, stop_before="0010_article_canonical_url")
    old["articles"].transform(drop={"canonical_url"})  # 0001 reads today's schema dicts
    old["articles"].insert({"id": "a", "url": REAL_URL, "body": "x", "source": "a.html"})
    old.close()
    db = store.connect(path)
    assert "0010_article_canonical_url" in [m.name for m in store.MIGRATIONS.applied(db)]
    assert db.execute("select id, url, canonical_url from articles").fetchall() == [("a", REAL_URL, None)]
    fresh = store.connect(tmp_path / "fresh.db")
    assert list(db["articles"].columns_dict) == list(fresh["articles"].columns_dict)
    db.close()
    fresh.close()
