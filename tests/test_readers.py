"""Readers: files in, whole Article / ReadError / ReadNote records out."""
from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quotes.model import Article, ReadError
from quotes.readers import (
    FORMATS,
    ReadNote,
    decode_bytes,
    detect_format,
    iter_sources,
    read_source,
)
from quotes.readers.encoding import DecodeError
from quotes.readers.publishers import publisher_for_url
from quotes.readers.walk import Refused

EXAMPLES = Path(__file__).resolve().parent.parent / "quotes" / "examples"
SEED = EXAMPLES / "000_c404069c42368f88.txt"
SHARED_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
POLNEAR_DEV = SHARED_DATA / "polnear" / "polnear-dev.jsonl"
BBC = SHARED_DATA / "bbc" / "bbc_fulltext.jsonl"


def read_all(path: Path | str, fmt: str | None = None) -> list:
    return list(read_source(str(path), fmt))


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


# ---------------------------------------------------------------- the seed


def test_seed_article_metadata():
    [article] = read_all(SEED)
    assert isinstance(article, Article)
    assert {**vars(article), "body": None} == {
        "body": None,
        "source": str(SEED),
        "title": "Putin Envoy Dmitriev Says He Will Hold Talks With Musk About Mars Exploration",
        "url": "https://www.themoscowtimes.com/2025/03/18/putin-envoy-dmitriev-says-he-will-hold-talks-with-musk-about-mars-exploration-a88400",
        "publisher": "The Moscow Times",
        "published": "2025-03-18",
        "author": None,
        "section": None,
        "source_id": None,
        "canonical_url": None,
    }


def test_seed_article_body():
    [article] = read_all(SEED)
    body = article.body
    for junk in ("[announced](#)", "[said](#)", "Original url:", "Related article", "**", "## ", "themoscowtimes.com"):
        assert junk not in body
    assert "Putin Envoy Dmitriev Says" not in body  # the title is not prose
    assert "March 18, 2025" not in body  # nor is the date line
    assert "The White House" not in body  # section headings are dropped
    assert "[Russia's nuclear agency] Rosatom" in body  # editorial brackets stay
    paragraphs = body.split("\n\n")
    assert paragraphs[0] == (
        "The head of Russia's Direct Investment Fund announced Tuesday that he plans to meet "
        'with billionaire and SpaceX founder Elon Musk "soon."'
    )
    assert paragraphs[-1] == (
        '"We appreciate his constructive focus and view him as one of the greatest leaders of '
        'our time," Dmitriev said of Musk on Tuesday.'
    )
    assert len(paragraphs) == 9
    assert all(paragraph == paragraph.strip() and paragraph for paragraph in paragraphs)
    assert "\n\n\n" not in body


# ---------------------------------------------------------------- examples

EXAMPLE_META = {
    "001_riverside_flood_barrier.txt": ("2025-04-08", "riverside-gazette.com"),
    "002_riverside_flood_wall_costs.txt": ("2025-04-10", "northfield-ledger.com"),
    "003_harbor_line_ferries_ceo.md": ("2025-03-27", "coastal-business-review.com"),
    "004_lakeview_school_closures.txt": ("2025-02-19", "lakeview-courier.com"),
    "005_harrow_observatory_reopens.txt": ("2025-05-03", "harrow-county-herald.com"),
}


@pytest.mark.parametrize("name", sorted(EXAMPLE_META))
def test_example_articles(name):
    [article] = read_all(EXAMPLES / name)
    published, publisher = EXAMPLE_META[name]
    assert isinstance(article, Article)
    assert (article.published, article.publisher) == (published, publisher)
    assert article.url.startswith(f"https://www.{publisher}/")
    assert article.title and article.title not in article.body
    assert 150 <= len(article.body.split()) <= 400
    for junk in ("Original url", "](", "**", "![", "Related", "#", "<https"):
        assert junk not in article.body


def test_example_pair_reprints_a_quote_word_for_word():
    quote = "We cannot keep asking families on Water Street to sandbag their homes every spring"
    [first] = read_all(EXAMPLES / "001_riverside_flood_barrier.txt")
    [second] = read_all(EXAMPLES / "002_riverside_flood_wall_costs.txt")
    assert quote in first.body and quote in second.body
    assert first.publisher != second.publisher and first.published < second.published


def test_markdown_example_links_reduced_to_words():
    [article] = read_all(EXAMPLES / "003_harbor_line_ferries_ceo.md")
    assert "who stepped down in December after a year of cancelled sailings and a state audit that" in article.body
    assert "hired Naomi Achebe, the former director" in article.body
    assert "A promise of monthly numbers" not in article.body
    assert "Osprey" not in article.body  # the image is dropped, alt text and all


# ---------------------------------------------------------------- text layout


def test_text_byline_date_and_footer_on_one_line(tmp_path):
    path = write(
        tmp_path,
        "a.txt",
        "# Mayor Opens Bridge\n\nBy Jane Doe | Published: Tuesday, March 18, 2025 10:32 a.m. ET\n\n"
        "The bridge opened.  It was late.   \nVery late.\n\n\n\nRead more: other stories\n\n"
        "Advertisement\n\nSign up for our morning newsletter\n\n"
        "Original URL: <https://edition.cnn.com/2025/03/18/bridge>\n",
    )
    assert read_all(path) == [
        Article(
            body="The bridge opened.  It was late.\nVery late.",
            source=str(path),
            title="Mayor Opens Bridge",
            url="https://edition.cnn.com/2025/03/18/bridge",
            publisher="CNN",
            published="2025-03-18",
            author="Jane Doe",
        )
    ]


def test_plain_text_title_needs_a_headline_shape(tmp_path):
    headline = write(tmp_path, "h.txt", "Council Approves Flood Barrier\n\nThe council voted.\n")
    lead = write(tmp_path, "l.txt", "The council approved a barrier\n\nIt voted 7-2.\n")
    dated = write(tmp_path, "d.txt", "Council approves barrier\n\n18 March 2025\n\nIt voted.\n")
    assert [(a.title, a.body) for a in read_all(headline)] == [("Council Approves Flood Barrier", "The council voted.")]
    assert [(a.title, a.body) for a in read_all(lead)] == [(None, "The council approved a barrier\n\nIt voted 7-2.")]
    assert [(a.title, a.published, a.body) for a in read_all(dated)] == [("Council approves barrier", "2025-03-18", "It voted.")]


def test_date_only_accepted_when_the_line_is_wholly_a_date(tmp_path):
    path = write(tmp_path, "a.txt", "# Title\n\nThe council met on March 18, 2025 and voted.\n")
    [article] = read_all(path)
    assert (article.published, article.body) == (None, "The council met on March 18, 2025 and voted.")


def test_markdown_front_matter_escapes_and_blockquotes(tmp_path):
    path = write(
        tmp_path,
        "a.md",
        "---\ntitle: \"Front Matter Title\"\ndate: 2025-04-09\nauthor: Ann Lee\n"
        "url: https://www.theguardian.com/x\ncategory: politics\n---\n\n"
        "She said it cost 5\\*3 dollars.\n\n> \"We will win,\" she said.\n",
    )
    assert read_all(path) == [
        Article(
            body='She said it cost 5*3 dollars.\n\n"We will win," she said.',
            source=str(path),
            title="Front Matter Title",
            url="https://www.theguardian.com/x",
            publisher="The Guardian",
            published="2025-04-09",
            author="Ann Lee",
            section="politics",
        )
    ]


def test_text_with_nothing_but_metadata_is_an_error(tmp_path):
    path = write(tmp_path, "a.txt", "# Title Only\n\nMarch 18, 2025\n\nAdvertisement\n")
    assert read_all(path) == [ReadError(str(path), "no article text: only a title, metadata or boilerplate")]


@pytest.mark.parametrize(
    "url, publisher",
    [
        ("https://www.nytimes.com/2025/01/01/x.html", "The New York Times"),
        ("https://news.bbc.co.uk/1/hi/x.stm", "BBC News"),
        ("https://www.huffpost.com/entry/x", "HuffPost"),
        ("https://www.example-news.com/a", "example-news.com"),
        ("https://example.org/a", "example.org"),
        ("not a url", None),
        (None, None),
    ],
)
def test_publisher_for_url(url, publisher):
    assert publisher_for_url(url) == publisher


# ---------------------------------------------------------------- JSON lines


def test_jsonl_fields_ids_and_exact_text(tmp_path):
    body = "  Leading space.\r\n\n\"Quoted,\" she said.  \n"
    lines = [
        json.dumps({"id": 7, "text": body, "title": " T ", "published": "Tue, 18 Mar 2025 10:00:00 GMT",
                    "publisher": "nyt", "author": ["A B", "C D"], "url": "https://x.test/1"}),
        "",
        json.dumps({"id": "bbc/1", "body": "Plain.", "topic": "sport"}),
    ]
    path = write(tmp_path, "a.jsonl", "\n".join(lines) + "\n")
    assert read_all(path) == [
        Article(body=body, source=f"{path}:1", title="T", url="https://x.test/1",
                publisher="The New York Times", published="2025-03-18", author="A B, C D", source_id="7"),
        Article(body="Plain.", source=f"{path}:3", section="sport", source_id="bbc/1"),
    ]


def test_jsonl_bad_lines_do_not_stop_good_ones(tmp_path):
    lines = [
        '{"id": "a", "text": "First."}',
        '{"id": "b", "text": "broken"',
        "[1, 2]",
        '{"id": "c", "title": "no text"}',
        '{"id": "d", "text": "   "}',
        '{"id": "e", "text": "Last."}',
    ]
    path = write(tmp_path, "a.jsonl", "\n".join(lines))
    no_text = 'no article text: needs a non-empty "text" or "body" string'
    assert read_all(path) == [
        Article(body="First.", source=f"{path}:1", source_id="a"),
        ReadError(f"{path}:2", "not valid JSON: Expecting ',' delimiter at column 29"),
        ReadError(f"{path}:3", "not a JSON object (got list)"),
        ReadError(f"{path}:4", no_text),
        ReadError(f"{path}:5", no_text),
        Article(body="Last.", source=f"{path}:6", source_id="e"),
    ]


def test_json_array_is_reported_once(tmp_path):
    path = write(tmp_path, "a.json", '[\n  {"text": "x"}\n]\n')
    assert read_all(path) == [
        ReadError(str(path), "not JSON lines: a JSON array or multi-line object; expected one object per line")
    ]


def test_jsonl_cp1252_line_gets_a_note(tmp_path):
    path = write(tmp_path, "a.jsonl", b'{"text": "ok"}\n{"text": "caf\xe9 \x93quoted\x94"}\n')
    assert read_all(path) == [
        Article(body="ok", source=f"{path}:1"),
        ReadNote(f"{path}:2", "not valid UTF-8; decoded as cp1252 (encoding guessed)"),
        Article(body="café “quoted”", source=f"{path}:2"),
    ]


@pytest.mark.skipif(not POLNEAR_DEV.exists(), reason="shared PolNeAR data not present")
def test_polnear_dev_text_and_offsets_preserved():
    with POLNEAR_DEV.open(encoding="utf-8") as handle:
        gold = json.loads(handle.readline())
    records = read_all(POLNEAR_DEV)
    assert all(isinstance(record, Article) for record in records) and len(records) == 84
    first = records[0]
    assert first.body == gold["text"]
    assert (first.source_id, first.source, first.title, first.published, first.publisher) == (
        gold["id"], f"{POLNEAR_DEV}:1", gold["title"], gold["published"], "Breitbart",
    )
    for quote in gold["direct_quotes"]:
        assert first.body[quote["start"]:quote["end"]] == quote["text"]
    assert {record.publisher for record in records} == {
        "Breitbart", "HuffPost", "The New York Times", "Politico", "USA Today",
        "The Washington Post", "Western Journal",
    }


@pytest.mark.skipif(not BBC.exists(), reason="shared BBC data not present")
def test_bbc_corpus_loads_with_sections():
    records = read_all(BBC)
    assert len(records) == 2225 and all(isinstance(record, Article) for record in records)
    assert {record.section for record in records} == {"business", "entertainment", "politics", "sport", "tech"}
    assert (records[0].source_id, records[0].title, records[0].publisher) == (
        "business/001", "Ad sales boost Time Warner profit", None,
    )


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty file"),
        (b" \n\t\n", "empty file (only whitespace)"),
        (b"\xef\xbb\xbf\n", "empty file (only whitespace)"),
        (b"PK\x03\x04\x00\x00binary", "binary file (contains NUL bytes)"),
        (b"\x01\x02\x03\x04\x05 text", "binary file (5 control bytes in the first 10)"),
        (b"# T\n\n\x81\x8d\x8f\x90", "not valid UTF-8 (byte 0x81 at offset 5) and not plausible cp1252 text"),
    ],
)
def test_bad_files_give_clear_errors(tmp_path, content, message):
    path = write(tmp_path, "bad.txt", content)
    assert read_all(path) == [ReadError(str(path), message)]


def test_missing_path_and_directory(tmp_path):
    missing = tmp_path / "nope.txt"
    assert read_all(missing) == [ReadError(str(missing), "cannot read: No such file or directory")]
    assert read_all(tmp_path) == [ReadError(str(tmp_path), "cannot read: Is a directory")]


def test_cp1252_text_file_decoded_with_a_note(tmp_path):
    text = "# Caf\u00e9 Owner Speaks\n\nMarch 18, 2025\n\n\u201cWe stay open,\u201d she said. It costs \u00a35.\n"
    path = write(tmp_path, "a.txt", text.encode("cp1252"))
    assert read_all(path) == [
        ReadNote(str(path), "not valid UTF-8; decoded as cp1252 (encoding guessed)"),
        Article(body="\u201cWe stay open,\u201d she said. It costs \u00a35.", source=str(path),
                title="Caf\u00e9 Owner Speaks", published="2025-03-18"),
    ]


def test_decode_bytes():
    assert decode_bytes("“ok” é".encode()) == ("“ok” é", None)
    assert decode_bytes(b"\xef\xbb\xbfbom") == ("bom", None)
    assert decode_bytes("utf16 text".encode("utf-16")) == ("utf16 text", None)
    assert decode_bytes("caf\u00e9".encode("cp1252")) == ("caf\u00e9", "cp1252")
    # real UTF-8 with one stray Windows byte: no mojibake for the UTF-8 part
    assert decode_bytes("“x” ".encode() + b"\xa3") == ("“x” £", "UTF-8 with some cp1252 bytes")
    with pytest.raises(DecodeError, match="not plausible cp1252"):
        decode_bytes("Привет, это обычный русский текст".encode("koi8-r"))


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=300))
def test_read_source_never_raises(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "input"
    path.write_bytes(data)
    records = list(read_source(str(path)))
    assert records and all(isinstance(record, (Article, ReadError, ReadNote)) for record in records)
    assert all(record.source.startswith(str(path)) for record in records)


# ---------------------------------------------------------------- formats


@pytest.mark.parametrize(
    "name, head, fmt",
    [
        ("a.txt", b"{}", "text"),
        ("a.TXT", b"x", "text"),
        ("a.md", b"x", "markdown"),
        ("a.markdown", b"x", "markdown"),
        ("a.jsonl", b"x", "jsonl"),
        ("a.ndjson", b"x", "jsonl"),
        ("a.json", b"x", "jsonl"),
        ("article", b'\n  {"text": "x"}', "jsonl"),
        ("article", b'\xef\xbb\xbf{"text": "x"}', "jsonl"),
        ("article.dat", b"# Title", "text"),
        ("-", b'{"text": "x"}', "jsonl"),
    ],
)
def test_detect_format(name, head, fmt):
    assert detect_format(name, head) == fmt


def test_sniffed_and_forced_formats(tmp_path):
    sniffed = write(tmp_path, "export", '{"text": "From JSON."}\n')
    assert read_all(sniffed) == [Article(body="From JSON.", source=f"{sniffed}:1")]
    forced = write(tmp_path, "export.txt", '{"text": "Forced."}\n')
    assert read_all(forced, "jsonl") == [Article(body="Forced.", source=f"{forced}:1")]
    assert read_all(forced, "text")[0].body == '{"text": "Forced."}'
    assert FORMATS == ("text", "markdown", "jsonl", "html", "feed", "warc")
    with pytest.raises(ValueError, match="unknown format"):
        read_all(forced, "pdf")


def test_stdin(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b'{"text": "a"}\n\n{"text": "b"}')))
    assert read_all("-") == [
        Article(body="a", source="<stdin>:1"),
        Article(body="b", source="<stdin>:3"),
    ]


def test_jsonl_streams_past_the_sniffed_head(tmp_path):
    """Lines that straddle the first read (64 KiB) are joined, and numbering holds."""
    lines = [json.dumps({"id": n, "text": f"Article {n}. " + "x" * 997}) for n in range(200)]
    path = write(tmp_path, "big.jsonl", "\n".join(lines) + "\n")
    records = read_all(path)
    assert [record.source_id for record in records] == [str(n) for n in range(200)]
    assert records[150].source == f"{path}:151"
    assert records[150].body == "Article 150. " + "x" * 997


def test_plain_text_keeps_double_underscores_only_markdown_drops_them(tmp_path):
    """In a .txt file "__init__" is what was written; in Markdown "__x__" is emphasis
    (issue 16, 11a). **bold** goes in both: scraped text articles carry it."""
    text = "# Why __init__ Runs Twice\n\nMarch 18, 2025\n\nThe __main__ module has **bold** and snake__case__names.\n"
    [plain] = read_all(write(tmp_path, "a.txt", text))
    assert plain.title == "Why __init__ Runs Twice"
    assert plain.body == "The __main__ module has bold and snake__case__names."
    [markdown] = read_all(write(tmp_path, "a.md", text))
    assert markdown.title == "Why init Runs Twice"
    assert markdown.body == "The main module has bold and snake__case__names."


# ---------------------------------------------------------------- sources


def test_iter_sources_recurses_in_sorted_order(tmp_path):
    for name in [
        "b/2.txt", "b/1.md", "b/.hidden.txt", ".git/config.txt", "a.txt", "c.jsonl", "noext",
        "x.expected.json", "README.md", "photo.png", "b/sub/z.txt", "d.json", "notes.txt~",
    ]:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    root = str(tmp_path)
    sources = list(iter_sources([root, str(tmp_path / "missing.txt"), "-"]))
    assert [s for s in sources if not isinstance(s, Refused)] == [
        f"{root}/a.txt",
        f"{root}/b/1.md",
        f"{root}/b/2.txt",
        f"{root}/b/sub/z.txt",
        f"{root}/c.jsonl",
        f"{root}/d.json",
        f"{root}/noext",
        f"{root}/missing.txt",
        "-",
    ]
    # Furniture and unknown formats are reported as skipped (never opened); hidden entries are not seen.
    assert [(s, s.status) for s in sources if isinstance(s, Refused)] == [
        (f"{root}/{name}", "skipped") for name in ("README.md", "notes.txt~", "photo.png", "x.expected.json")
    ]


def test_unreadable_files_in_a_directory_are_logged_as_skipped(tmp_path, fake_extract):
    """Nothing in a directory is passed over silently: a file no reader handles gets a
    load_log row "skipped" naming its extension and the formats known (issue 16, 11b);
    hidden entries (.DS_Store, .git) are the one exception."""
    from conftest import rows
    from quotes.load import load_paths

    folder = tmp_path / "in"
    write(folder.mkdir() or folder, "a.txt", '# A\n\nMarch 18, 2025\n\n"Yes," Ann Lee said.\n')
    write(folder, "report.pdf", b"%PDF-1.4 not an article")
    write(folder, "README.md", "# About this folder\n\nSome notes.\n")
    write(folder, ".DS_Store", b"\x00\x00\x00\x01Bud1")
    db_path = tmp_path / "q.db"
    summary = load_paths(db_path, [folder])
    assert (summary.articles, summary.skipped, summary.errors) == (1, 2, 0)
    log = {r["source"]: (r["status"], r["error"]) for r in rows(db_path, "select * from load_log")}
    assert set(log) == {str(folder / name) for name in ("a.txt", "report.pdf", "README.md")}
    status, note = log[str(folder / "report.pdf")]
    assert status == "skipped" and note.startswith("not read: .pdf is not a format quotes reads (known: ")
    assert all(extension in note for extension in (".txt", ".md", ".html", ".jsonl", ".warc.gz", ".rss"))
    assert log[str(folder / "README.md")][0] == "skipped"
    assert log[str(folder / "a.txt")] == ("ok", None)


def test_explicit_files_are_yielded_whatever_their_name(tmp_path):
    readme = write(tmp_path, "README.md", "x")
    assert list(iter_sources([str(readme)])) == [str(readme)]


def test_examples_directory_reads_cleanly():
    records = [record for path in iter_sources([str(EXAMPLES)]) for record in read_source(path)]
    assert [Path(record.source).name for record in records] == sorted(
        path.name for path in EXAMPLES.iterdir() if path.suffix in (".txt", ".md")
    )
    assert all(isinstance(record, Article) for record in records)


# --- issue 17: publisher and date of HTML pages ---------------------------------------------

_PARAGRAPHS = "".join(f"<p>{p}</p>" for p in (
    "The alliance met on Tuesday to discuss the members' spending on defence and the war.",
    '"We will pay our share," the minister told reporters after the meeting in Brussels.',
    "Officials said a decision on the proposals would come later in the year, {year}.",
))


def _page(head: str, body_year: str, dateline: str = "") -> bytes:
    return (f"<html><head>{head}</head><body><article><h1>What is the alliance?</h1>{dateline}"
            f"{_PARAGRAPHS.format(year=body_year)}</article></body></html>").encode()


def test_a_page_on_hosted_ap_org_is_the_associated_press():
    """AP's pages for member papers call their site "Hosted": the address names the publisher."""
    from quotes.readers.html import html_to_article

    url = "https://hosted.ap.org/berkshireeagle/article/6486944b/unpredictable-sondland"
    head = ('<meta property="og:site_name" content="Hosted">'
            f'<meta property="og:url" content="{url}"><title>Sondland</title>')
    article, _ = html_to_article(_page(head, "2019"), "ap.html", url=url)
    assert article.publisher == "Associated Press"
    assert publisher_for_url(url) == "Associated Press"
    assert publisher_for_url("https://apnews.com/article/x") == "AP News"  # unchanged


def test_a_stale_json_ld_date_published_is_checked_against_the_text():
    """BBC's "What is Nato?" keeps its 2012 address and datePublished, rewritten in 2026
    (dateModified and the page's dateline): when the text names a later year, the page's
    own date is the publication date; when it names none, datePublished stands."""
    from quotes.readers.html import html_to_article

    ld = ('<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle", '
          '"headline": "What is the alliance?", "datePublished": "2012-05-10T14:29:05.000Z", '
          '"dateModified": "2026-04-24T11:16:53.545Z"}</script>')
    dateline = '<time datetime="2026-04-24T11:16:53.545Z">1 day ago</time>'
    rewritten, _ = html_to_article(_page(ld, "2025", dateline), "nato.html")
    assert rewritten.published == "2026-04-24"
    old_text, _ = html_to_article(_page(ld, "2012", dateline), "nato.html")
    assert old_text.published == "2012-05-10"
    fresh = ld.replace("2026-04-24", "2012-06-01")  # modified within the year: trusted as it is
    assert html_to_article(_page(fresh, "2025", ""), "nato.html")[0].published == "2012-05-10"
