"""A corpus of bad inputs, generated: what each file is and what load_log must say.

`write_hostile(folder, outside)` writes them and returns {file name: expectation}, where
an expectation is ("error", reason) for an input refused with that reason in load_log,
("note", reason) for one read with a warning, ("ok", None) for a hostile input that
is a fine article all the same (its hostility is elsewhere: quote marks, markup,
dates), or ("slow", reason): loaded, or refused with that reason at the time limit.
`outside` is a folder beside it, for the symbolic link that leads out.
"""
from __future__ import annotations

import gzip
import json
import os
import zlib
from pathlib import Path

PARA = "“We will build it,” Mayor Elena Marsh said on Tuesday. “It is the least this city owes.”"
GOOD_TEXT = f"# Riverside Votes\n\nApril 8, 2025\n\n{PARA}\n"
MB = 1024 * 1024


def _warc_record(uri: str, page: bytes) -> bytes:
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + page
    head = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\n"
            f"WARC-Date: 2025-04-08T10:00:00Z\r\nWARC-Record-ID: <urn:uuid:{abs(hash(uri))}>\r\n"
            f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(http)}\r\n\r\n").encode()
    return head + http + b"\r\n\r\n"


def _gzip_bomb(megabytes: int) -> bytes:
    """A WARC record claiming 10 GB of content, then `megabytes` of zeros, gzipped: about
    a thousandth of that on disk."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    header = (b"WARC/1.0\r\nWARC-Type: resource\r\nWARC-Target-URI: https://bomb.example/\r\n"
              b"Content-Type: application/octet-stream\r\nContent-Length: 10000000000\r\n\r\n")
    out = [compressor.compress(header)]
    zeros = bytes(MB)
    for _ in range(megabytes):
        out.append(compressor.compress(zeros))
    out.append(compressor.flush())
    return b"".join(out)


def write_hostile(folder: Path, outside: Path) -> dict[str, tuple[str, str | None]]:
    folder.mkdir(parents=True, exist_ok=True)
    outside.mkdir(parents=True, exist_ok=True)
    expect: dict[str, tuple[str, str | None]] = {}

    def put(name: str, data: bytes | str, outcome: str, reason: str | None = None) -> None:
        (folder / name).write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        expect[name] = (outcome, reason)

    # Empty and binary
    put("empty.txt", b"", "error", "empty file")
    put("blank.md", b"  \n\t\n   \n", "error", "empty file (only whitespace)")
    put("bom_only.txt", b"\xef\xbb\xbf", "error", "empty file")
    put("random_bytes", os.urandom(4096), "error", "binary file")
    put("image.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(2000), "error", "binary file")
    put("controls.txt", bytes(range(1, 9)) * 500, "error", "binary file")
    # NUL bytes: at the start, after the first 64 KB, in a feed, escaped in JSON
    put("nul_early.txt", "# T\n\nA\x00B " + PARA, "error", "binary file (contains NUL bytes)")
    put("nul_late.txt", GOOD_TEXT + "Filler sentence here. " * 4000 + "\x00" + PARA, "error",
        "contains NUL bytes, the first at offset")
    put("nul_feed.xml", f'<?xml version="1.0"?><rss version="2.0"><channel><title>F</title><item><title>x</title>'
        f'<description>{"Filler text. " * 6000}\x00{PARA}</description></item></channel></rss>', "error",
        "contains NUL bytes")
    put("nul_escaped.jsonl", json.dumps({"text": PARA + "\u0000", "url": "https://e.com/nul"}) + "\n", "error",
        "article text contains NUL characters")
    # Encodings
    put("shift_jis.txt", ("# 見出し\n\n" + "「建設します」と市長は火曜日に述べた。" * 20).encode("shift_jis"), "error",
        "not valid UTF-8")
    put("koi8.txt", ("# Заголовок\n\n" + "Мы построим, сказал мэр во вторник. " * 20).encode("koi8_r"),
        "error", "not valid UTF-8")
    put("overlong_utf8.txt", b"# T\n\n\xc0\xaf\xed\xa0\x80 " + PARA.encode(), "error", "not valid UTF-8")
    put("utf16_no_bom.txt", GOOD_TEXT.encode("utf-16-le"), "error", "binary file")
    put("mixed_encoding.txt", GOOD_TEXT.encode() + "Caf\u00e9 costs \u00a35.\n".encode("cp1252"), "note",
        "UTF-8 with some cp1252 bytes")
    put("cp1252.txt", "# Caf\u00e9 Votes\n\nApril 8, 2025\n\n\u201cWe will,\u201d Mayor Marsh said. "
        "It costs \u00a35.\n".encode("cp1252"), "note", "decoded as cp1252")
    put("surrogates.jsonl", '{"text": "\\ud800 ' + PARA.replace('"', '\\"') + '", "title": "\\udfff"}\n', "ok")
    # Size: a 50 MB single line, as text and as a JSON line between two good ones
    put("huge_line.txt", b"x" * (50 * MB), "error", "larger than the 20 MB limit")
    line = json.dumps({"text": PARA, "url": "https://e.com/before"}) + "\n"
    put("huge_line.jsonl", line.encode() + b'{"text": "' + b"y" * (50 * MB) + b'"}\n'
        + json.dumps({"text": PARA + " After.", "url": "https://e.com/after"}).encode() + b"\n",
        "error", "line longer than the 20 MB limit")
    put("huge_article.jsonl", json.dumps({"text": (PARA + " ") * 14000, "url": "https://e.com/huge"}) + "\n",
        "error", "longer than the 1,000,000-character limit")
    # Broken markup and feeds
    put("truncated.html", f"<html><head><title>T</title></head><body><article><p>{PARA}</p><p>Then <a hr",
        "ok")
    put("truncated_head.html", "<!doctype html><html><head><title>Cut here", "error", "no article text")
    put("nested.html", "<html><body>" + "<div>" * 100_000 + f"<p>{PARA}</p>" + "</div>" * 100_000
        + "</body></html>", "error", "no article text")
    put("nested_inline.html", "<html><body><p>" + "<b><i>" * 30_000 + PARA + "</i></b>" * 30_000
        + "</p></body></html>", "error", "no article text")
    put("malformed_feed.xml", '<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>'
        '<item><title>x</ti', "error", "feed entry has no text")
    put("not_a_feed.xml", '<?xml version="1.0"?><catalog><book id="1"/></catalog>', "error",
        "not an RSS or Atom feed")
    put("empty_feed.rss", '<?xml version="1.0"?><rss version="2.0"><channel><title>F</title></channel></rss>',
        "error", "feed has no entries")
    put("xxe_feed.xml", '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        '<rss version="2.0"><channel><title>F</title><item><title>x &xxe;</title><link>https://e.com/x</link>'
        f"<description>{PARA} &xxe;</description></item></channel></rss>", "ok")
    lol = '<!ENTITY l0 "lol">' + "".join(f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    put("billion_laughs.xml", f'<?xml version="1.0"?><!DOCTYPE rss [{lol}]><rss version="2.0"><channel>'
        f"<title>&l9;</title><item><title>&l9;</title><link>https://e.com/lol</link>"
        f"<description>{PARA}</description></item></channel></rss>", "ok")
    put("nested_feed.xml", '<?xml version="1.0"?><rss version="2.0"><channel><title>F</title><item>'
        "<title>x</title><description><![CDATA[" + "<div>" * 20_000 + PARA + "</div>" * 20_000
        + "]]></description></item></channel></rss>", "note", "skipped: no text")
    # Archives
    good = gzip.compress(_warc_record("https://e.com/w", f"<html><body><p>{PARA}</p></body></html>".encode()))
    put("truncated.warc.gz", good + good[: len(good) // 2], "error", "truncated gzip data")
    put("gzip_bomb.warc.gz", _gzip_bomb(200), "error", "a gzip bomb?")
    put("long_header.warc", b"WARC/1.0\r\nWARC-Type: response\r\nX-Long: " + b"A" * (30 * MB) + b"\r\n\r\n",
        "error", "not a readable WARC file")
    put("not_a_warc.warc", b"this is not an archive\n" * 10, "note", "0 HTML pages read")
    # Quote marks, JSON and dates
    put("quote_marks.txt", "# Quotes\n\n" + "“" * 10_000 + '"' * 10_000 + f"\n\n{PARA}\n", "ok")
    # Minutes of extraction today (quadratic in quotes per paragraph); should that be fixed,
    # it simply loads: "slow" accepts either, the time limit itself has its own test.
    put("ten_thousand_quotes.txt", "# Q\n\n" + " ".join(['"Yes," he said'] * 10_000) + "\n", "slow",
        "extraction took longer than")
    put("deep.jsonl", '{"text": "x", "a": ' + "[" * 100_000 + "]" * 100_000 + "}\n"
        + json.dumps({"text": PARA, "url": "https://e.com/deep-ok"}) + "\n", "error", "nested too deeply")
    put("array.json", json.dumps([{"text": PARA}], indent=2), "error", "not JSON lines")
    put("not_objects.jsonl", "[1, 2]\n42\nnull\n\"text\"\n", "error", "not a JSON object")
    put("no_text.jsonl", json.dumps({"text": 42, "title": "T"}) + "\n" + json.dumps({"body": ["a"]}) + "\n",
        "error", "no article text")
    absurd = ["99999-01-01", "0000-00-00", "-5000", "1e308", "2025-13-45", "0001-01-01", "9999-12-31",
              1e308, -1e20, 253402300800000, "Feb 30 2025", "year 10000"]
    put("absurd_dates.jsonl", "".join(
        json.dumps({"text": f"{PARA} Next year, “again,” she said last month, on Tuesday. ({i})",
                    "published": d, "url": f"https://e.com/date{i}"}) + "\n" for i, d in enumerate(absurd)), "ok")
    bad_urls = ["https://e.com[a", "http://[::1", "http://[x/y", "http://e.com:99999999/", "javascript:alert(1)",
                "//no-scheme", "http://" + "a" * 5000]
    put("bad_urls.jsonl", "".join(json.dumps({"text": f"{PARA} ({i})", "url": u}) + "\n"
                                  for i, u in enumerate(bad_urls)), "ok")
    put("bad_urls.html", '<html><head><link rel="canonical" href="http://[x/a">'
        f'<meta property="og:url" content="https://e.com[b"></head><body><p>{PARA}</p></body></html>', "ok")
    put("markdown_bomb.md", "# T\n\n" + "**a " * 20_000 + "<http://" * 20_000 + "![x](" * 20_000 + f"\n\n{PARA}\n",
        "ok")
    # What a directory may hold that must not be read
    secret = outside / "secret.txt"
    secret.write_text(f"# Secret\n\n{PARA} The password is hunter2.\n")
    (folder / "link_out.txt").symlink_to(secret)
    expect["link_out.txt"] = ("error", "symbolic link to outside the directory given")
    os.mkfifo(folder / "pipe.txt")
    expect["pipe.txt"] = ("error", "not a regular file")
    # A name that is not UTF-8 (the file itself is fine)
    name = os.fsdecode(b"bad\xffname.txt")
    (folder / name).write_text(GOOD_TEXT.replace("Tuesday", "Wednesday"))
    expect[name] = ("ok", None)
    return expect
