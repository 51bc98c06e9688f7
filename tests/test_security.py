"""Security: URL loading stays on http(s) within its limits (one deadline for the whole
download), reads no local file and reaches no loopback, private or link-local address
unless allowed, however it is redirected or what the name resolves to; Datasette listens on 127.0.0.1 unless asked; the plugins' SQL takes parameters only;
nothing from an article runs in a reader's browser.

The browser test loads articles whose every field carries attribute-breaking,
event-handler, `javascript:`/`data:` URL and template payloads (beside the script
payloads of tests/fixtures/xss_article.json, which test_browser.py covers), plus a real
HTML page with escaped markup read by the HTML reader and the real extractor, and
visits every page that shows them in Debian's chromium.
"""
from __future__ import annotations

import gzip
import itertools
import json
import re
import threading
import urllib.parse
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import rows
from http_server import PUBLIC, FakeNetwork, Handler, TickingClock, serving
from quotes.cli import cli
from quotes.model import Article, Claim, Entity, Extraction, Quote, ReadError
from quotes.readers import url as url_module
from quotes.readers.url import Fetcher, read_url, url_list

PAGE = b"<html><body><article><p>\xe2\x80\x9cWe will build it,\xe2\x80\x9d Mayor Elena Marsh said.</p></article></body></html>"
PAGES = {  # articles of their own, for the test of one slow URL among others
    "/one.html": PAGE.replace(b"build it", b"build the bridge"),
    "/two.html": PAGE.replace(b"build it", b"build the school"),
}
ALLOW = "; pass --allow-private to load from your own network"


# --- URL loading ----------------------------------------------------------------------


class _Handler(Handler):
    clock = None  # the TickingClock a test gives the download, pacing /trickle and /slow-headers
    served: Counter = Counter()  # path -> requests answered
    changed = threading.Condition()
    meanwhile: list[bool] = []  # /slow-headers-until-served: whether the others were answered first

    def do_GET(self):
        path = self.path.split("?")[0]
        try:
            if path.startswith("/to/"):  # /to/<quoted target>: a redirect there
                self.send(302, {"Location": urllib.parse.unquote(path[4:])})
            elif path == "/loop":
                self.send(302, {"Location": "/loop"})
            elif path == "/page.html" or path in PAGES:
                self.send(200, {"Content-Type": "text/html; charset=utf-8"}, PAGES.get(path, PAGE))
                with self.changed:
                    self.served[path] += 1
                    self.changed.notify_all()
            elif path == "/declared-huge":
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(10**9))
                self.end_headers()
                self.wfile.write(PAGE)
            elif path == "/endless":  # chunked, never ends by itself
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                chunk = b"<p>" + b"x" * 65536 + b"</p>"
                for _ in range(2000):
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            elif path == "/gzip-bomb":  # 64 KB on the wire, 64 MB decoded
                body = gzip.compress(bytes(64 * 1024 * 1024), 9)
                self.send(200, {"Content-Type": "text/html", "Content-Encoding": "gzip"}, body)
            elif path == "/trickle":  # the headers, then a body byte each time the client asks
                head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1000\r\n\r\n"
                self.paced(itertools.chain([head], itertools.repeat(b"x", 1000)), self.clock)
            elif path == "/slow-headers":  # a header line each time the client asks, forever
                self.paced(_slow_headers(), self.clock)
            elif path == "/slow-headers-until-served":  # the status line, then nothing until
                self.wfile.write(b"HTTP/1.1 200 OK\r\n")  # /one.html and /two.html are answered
                with self.changed:
                    self.meanwhile.append(self.changed.wait_for(lambda: all(self.served[p] for p in PAGES), 30))
                self.paced(_slow_headers(), self.clock)
            else:
                self.send(404, {"Content-Type": "text/plain"}, b"not found")
        except (BrokenPipeError, ConnectionResetError):
            pass


def _slow_headers():
    yield b"HTTP/1.1 200 OK\r\n"
    for n in itertools.count():
        yield b"X-Slow-%d: still coming\r\n" % n


@pytest.fixture(scope="module")
def web():
    with serving(_Handler) as base:
        yield base


@pytest.fixture
def network(web, monkeypatch):
    """news.test is a public address (routed to the local server); intranet.test a private one."""
    return FakeNetwork({"news.test": [PUBLIC], "intranet.test": ["10.0.0.7"]}).install(monkeypatch)


def _port(base: str) -> int:
    return urllib.parse.urlsplit(base).port


def _read(url: str, *, allow_private: bool, **limits) -> list:
    with Fetcher(allow_private=allow_private, **limits) as fetcher:
        return list(read_url(url, fetcher=fetcher))


def _to(base: str, target: str) -> str:
    return f"{base}/to/{urllib.parse.quote(target, safe='')}"


@pytest.mark.parametrize("target", [
    "file:///etc/passwd", "file://localhost/etc/hostname", "ftp://127.0.0.1/x", "data:text/html,<p>hi</p>",
    "javascript:alert(1)", "gopher://127.0.0.1:70/", "FILE:///etc/passwd",
])
def test_redirects_to_other_schemes_are_refused(web, target):
    (record,) = _read(_to(web, target), allow_private=True)
    assert isinstance(record, ReadError), record
    assert record.error.startswith(("unsupported address", "download failed", "invalid URL")), record.error


def test_redirect_limits_and_sizes(web):
    (loop,) = _read(f"{web}/loop", allow_private=True)
    assert loop.error == "too many redirects (more than 10)"
    (ok,) = _read(_to(web, "/page.html"), allow_private=True)
    assert isinstance(ok, Article) and ok.url == f"{web}/page.html"
    (declared,) = _read(f"{web}/declared-huge", allow_private=True, max_bytes=1024 * 1024)
    assert declared.error.startswith("larger than the 1 MB limit")
    (endless,) = _read(f"{web}/endless", allow_private=True, max_bytes=1024 * 1024)
    assert endless.error == "larger than the 1 MB limit; download stopped"
    (bomb,) = _read(f"{web}/gzip-bomb", allow_private=True, max_bytes=1024 * 1024)  # counted decoded
    assert bomb.error == "larger than the 1 MB limit; download stopped"


# --- server-side request forgery: no request reaches the machine or its network ---------


@pytest.mark.parametrize("address, refusal", [
    ("127.0.0.1:{port}/page.html", "127.0.0.1 is a loopback address"),
    ("[::1]:{port}/page.html", "::1 is a loopback address"),
    ("[::ffff:127.0.0.1]:{port}/page.html", "::ffff:127.0.0.1 is a loopback address"),  # IPv4-mapped IPv6
    ("127.1:{port}/page.html", "127.1 is 127.0.0.1, a loopback address"),  # short and decimal forms
    ("2130706433:{port}/page.html", "2130706433 is 127.0.0.1, a loopback address"),
    ("0.0.0.0:{port}/page.html", "0.0.0.0 is an unspecified address"),  # reaches this machine on Linux
    ("169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),  # cloud metadata
    ("[fe80::1]/", "fe80::1 is a link-local address"),
    ("10.1.2.3/admin", "10.1.2.3 is a private address"),
    ("[fd00::1]/", "fd00::1 is a private address"),
    ("224.0.0.1/", "224.0.0.1 is a multicast address"),
    ("240.0.0.1/", "240.0.0.1 is a reserved address"),
    ("100.64.0.1/", "100.64.0.1 is a non-public address"),  # carrier-grade NAT space
    ("intranet.test/", "intranet.test is 10.0.0.7, a private address"),
])
def test_a_private_address_is_refused_before_connecting(web, network, address, refusal):
    url = "http://" + address.format(port=_port(web))
    assert _read(url, allow_private=False) == [ReadError(url, f"refused: {refusal}{ALLOW}")]
    assert network.connections == []


def test_a_name_resolving_to_loopback_is_refused(web, network):
    """localhost, as the machine's own resolver answers it (127.0.0.1 or ::1 first)."""
    url = f"http://localhost:{_port(web)}/page.html"
    (record,) = _read(url, allow_private=False)
    assert re.fullmatch(r"refused: localhost is (127\.0\.0\.1|::1), a loopback address" + re.escape(ALLOW),
                        record.error), record.error
    assert network.connections == []


@pytest.mark.parametrize("target, refusal", [
    ("http://127.0.0.1:{port}/page.html", "127.0.0.1 is a loopback address"),
    ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
    ("http://[::1]:{port}/page.html", "::1 is a loopback address"),
    ("http://[::ffff:127.0.0.1]:{port}/page.html", "::ffff:127.0.0.1 is a loopback address"),
    ("http://intranet.test/wiki", "intranet.test is 10.0.0.7, a private address"),
])
def test_a_redirect_to_a_private_address_is_refused(web, network, target, refusal):
    """The first request goes to a public address (the local server, behind FakeNetwork);
    its redirect is refused before a second connection is made."""
    port = _port(web)
    target = target.format(port=port)
    url = _to(f"http://news.test:{port}", target)
    assert _read(url, allow_private=False) == [ReadError(url, f"refused: redirected to {target}; {refusal}{ALLOW}")]
    assert network.connections == [(PUBLIC, port)]


def test_a_public_address_is_fetched(web, network):
    """The control for the tests above: through FakeNetwork, news.test is a site like any."""
    url = f"http://news.test:{_port(web)}/page.html"
    (article,) = _read(url, allow_private=False)
    assert isinstance(article, Article) and article.url == url
    assert network.connections == [(PUBLIC, _port(web))]


def test_every_address_of_a_name_is_checked(web, monkeypatch):
    """A name with a public and a loopback address is refused, whichever comes first."""
    network = FakeNetwork({"mixed.test": [PUBLIC, "127.0.0.1"]}).install(monkeypatch)
    url = f"http://mixed.test:{_port(web)}/page.html"
    assert _read(url, allow_private=False) == [
        ReadError(url, f"refused: mixed.test is 127.0.0.1, a loopback address{ALLOW}")]
    assert network.connections == []


def test_the_connection_goes_to_the_address_that_was_checked(web, monkeypatch):
    """DNS rebinding: the name answers a public address once, then 127.0.0.1. The fetch
    resolves it once, checks that answer and connects to it: nothing asks the resolver
    a second time (FakeNetwork's made-up names are unknown to the real one)."""
    answers = iter([[PUBLIC]])
    network = FakeNetwork({"rebind.test": lambda: next(answers, ["127.0.0.1"])}).install(monkeypatch)
    url = f"http://rebind.test:{_port(web)}/page.html"
    (article,) = _read(url, allow_private=False)
    assert isinstance(article, Article)
    assert (network.lookups, network.connections) == (["rebind.test"], [(PUBLIC, _port(web))])
    assert _read(url, allow_private=False) == [  # asked again, it answers 127.0.0.1: refused
        ReadError(url, f"refused: rebind.test is 127.0.0.1, a loopback address{ALLOW}")]


def test_allow_private_lets_the_load_through_and_load_log_keeps_the_refusal(web, network, tmp_path):
    port = _port(web)
    target = f"http://127.0.0.1:{port}/page.html"
    url = _to(f"http://news.test:{port}", target)
    refused = f"refused: redirected to {target}; 127.0.0.1 is a loopback address{ALLOW}"
    db = tmp_path / "quotes.db"
    result = CliRunner().invoke(cli, ["load", url, "--db", str(db)])
    assert result.exit_code == 1, result.output
    assert f"Error: {url}: {refused}" in result.output
    assert rows(db, "select source, status, error, article_id from load_log") == [
        {"source": url, "status": "error", "error": refused, "article_id": None}]
    assert rows(db, "select count(*) as n from articles") == [{"n": 0}]

    result = CliRunner().invoke(cli, ["load", url, "--db", str(db), "--allow-private"])
    assert result.exit_code == 0, result.output
    assert rows(db, "select source, url from articles") == [{"source": url, "url": target}]
    assert [r["status"] for r in rows(db, "select status from load_log order by rowid")] == ["error", "ok"]


def test_quotes_extract_refuses_private_addresses_too(web):
    url = f"{web}/page.html"
    result = CliRunner().invoke(cli, ["extract", url])
    assert result.exit_code == 1
    assert f"Error: {url}: refused: 127.0.0.1 is a loopback address{ALLOW}" in result.output
    result = CliRunner().invoke(cli, ["extract", url, "--allow-private"])
    assert result.exit_code == 0, result.output
    assert [(q["article"], q["text"], q["speaker"]) for q in map(json.loads, result.output.splitlines())] == [
        (url, "We will build it", "Elena Marsh")]


# --- one deadline for the whole download ---------------------------------------------
#
# The download reads url.CLOCK at its start and before every wait on the network
# (connecting, sending the request, each read); a TickingClock moves 13 s a read, and
# the paced routes send their next piece only once the client came back for it. With
# the 60 s deadline: 13 (start), 26 connect, 39 request, 52 and 65 two reads, and at 78
# (65 s after the start) the deadline has passed: six reads.


@pytest.fixture
def clock(monkeypatch) -> TickingClock:
    clock = TickingClock(13)
    monkeypatch.setattr(url_module, "CLOCK", clock)
    monkeypatch.setattr(_Handler, "clock", clock)
    return clock


def test_a_trickling_body_is_cut_off_at_the_deadline(web, clock):
    """Bytes keep coming, so no read timeout ends the download; the deadline does."""
    (slow,) = _read(f"{web}/trickle", allow_private=True)
    assert slow == ReadError(f"{web}/trickle", "timed out: download took longer than 60 s (reading the body)")
    assert clock.reads == 6


def test_slow_headers_are_cut_off_at_the_deadline(web, clock, tmp_path):
    """A header line now and then used to keep `quotes load` busy for minutes (only the
    body was under the deadline) and end in a message naming the 20 s read timeout."""
    url = f"{web}/slow-headers"
    db = tmp_path / "quotes.db"
    result = CliRunner().invoke(cli, ["load", url, "--db", str(db), "--allow-private"])
    assert result.exit_code == 1, result.output
    assert rows(db, "select source, status, error from load_log") == [
        {"source": url, "status": "error", "error": "timed out: download took longer than 60 s (reading the headers)"}]
    assert clock.reads == 6


def test_the_deadline_covers_connecting_and_redirects(web, clock):
    """A 10 s deadline has passed at the first wait (connecting: 13 s by this clock);
    a redirect does not restart it: 13 start, 26 connect, 39 request, 52 the redirect,
    65 its request (the same connection), 78 past the deadline."""
    url = f"{web}/page.html"
    assert _read(url, allow_private=True, deadline=10) == [
        ReadError(url, "timed out: download took longer than 10 s (connecting)")]
    assert clock.reads == 2
    url = _to(web, "/slow-headers")
    assert _read(url, allow_private=True) == [
        ReadError(url, "timed out: download took longer than 60 s (reading the headers)")]
    assert clock.reads == 2 + 6


def test_one_slow_url_does_not_hold_up_the_others(web, clock, tmp_path):
    """The first URL of the list sends its status line, then nothing until the two after
    it have been answered (which only concurrent downloads can do), then a header line
    each time it is asked: the others load, the slow one ends at its own deadline."""
    urls = [f"{web}/slow-headers-until-served", f"{web}/one.html", f"{web}/two.html"]
    listing = tmp_path / "urls.txt"
    listing.write_text("\n".join(urls) + "\n")
    db = tmp_path / "quotes.db"
    _Handler.meanwhile.clear()
    result = CliRunner().invoke(cli, ["load", "--urls", str(listing), "--db", str(db), "--allow-private"])
    assert result.exit_code == 1, result.output
    assert _Handler.meanwhile == [True]
    assert rows(db, "select source, status, error from load_log order by rowid") == [
        {"source": urls[0], "status": "error", "error": "timed out: download took longer than 60 s (reading the headers)"},
        {"source": urls[1], "status": "ok", "error": None},
        {"source": urls[2], "status": "ok", "error": None},
    ]
    # The clock's time is per thread, so the others' reads did not bring the slow one's
    # deadline closer (how many each read depends on which worker took which URL).


def test_only_http_urls_are_fetched(tmp_path):
    from quotes.readers import is_url

    listing = tmp_path / "urls.txt"
    listing.write_text("file:///etc/passwd\nftp://example.com/a\njavascript:alert(1)\n"
                       "//example.com/a\nhttps://example.com/ok\n")
    items = list(url_list(str(listing)))
    assert items[-1] == "https://example.com/ok"
    assert [type(i).__name__ for i in items[:-1]] == ["ReadError"] * 4
    assert all("not an http(s) URL" in i.error for i in items[:-1])
    for value in ("file:///etc/passwd", "FILE:///etc/passwd", "data:,x", "javascript:x", "ftp://a/b"):
        assert not is_url(value)


def test_a_file_url_on_the_command_line_is_not_opened(tmp_path):
    """`quotes load file:///etc/passwd` is a path that does not exist, not a URL to follow."""
    from quotes.load import load_paths

    summary = load_paths(tmp_path / "quotes.db", ["file:///etc/passwd"])
    assert summary.articles == 0
    assert summary.failures == [("file:///etc/passwd", "cannot read: No such file or directory")]


def test_a_directory_walk_does_not_leave_the_directory(tmp_path):
    from quotes.readers import iter_sources, read_source

    inside, outside = tmp_path / "in", tmp_path / "out"
    (inside / "sub").mkdir(parents=True)
    outside.mkdir()
    (outside / "secret.txt").write_text("# Secret\n\nThe password is hunter2.\n")
    (inside / "a.txt").write_text("# A\n\n“Yes,” Ann Lee said.\n")
    (inside / "leak.txt").symlink_to(outside / "secret.txt")
    (inside / "leakdir").symlink_to(outside, target_is_directory=True)
    (inside / "sub" / "b.txt").write_text("# B\n\n“No,” Ann Lee said.\n")
    (inside / "same.txt").symlink_to(inside / "sub" / "b.txt")  # inside: followed
    sources = list(iter_sources([str(inside)]))
    records = [r for s in sources for r in read_source(s)]
    read = [r.source for r in records if isinstance(r, Article)]
    refused = {r.source: r.error for r in records if isinstance(r, ReadError)}
    assert sorted(Path(s).name for s in read) == ["a.txt", "b.txt", "same.txt"]
    assert refused == {
        str(inside / "leak.txt"): "symbolic link to outside the directory given; not followed",
        str(inside / "leakdir"): "symbolic link to outside the directory given; not followed",
    }
    assert not any("hunter2" in r.body for r in records if isinstance(r, Article))


def test_feeds_do_not_expand_external_entities(tmp_path):
    from quotes.readers import read_source

    secret = tmp_path / "secret.txt"
    secret.write_text("hunter2")
    feed = tmp_path / "feed.xml"
    feed.write_text(f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file://{secret}">]>'
                    '<rss version="2.0"><channel><title>F &x;</title><item><title>T &x;</title>'
                    "<link>https://e.com/a</link><description>“Yes,” Ann Lee said. &x;</description>"
                    "</item></channel></rss>")
    records = list(read_source(str(feed)))
    assert records and all("hunter2" not in repr(r) for r in records)


# --- serving ----------------------------------------------------------------------------


def test_datasette_listens_on_loopback_unless_asked(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from quotes.web import serve
    from quotes.cli import cli
    from quotes.load import example_paths, load_paths

    assert serve.datasette_args("x.db")[serve.datasette_args("x.db").index("--host") + 1] == "127.0.0.1"
    db = tmp_path / "quotes.db"
    load_paths(db, example_paths()[:1])
    ran = []
    monkeypatch.setattr(serve, "run", lambda args: ran.append(args) or 0)
    for extra, host in (([], "127.0.0.1"), (["--host", "0.0.0.0"], "0.0.0.0")):
        result = CliRunner().invoke(cli, ["serve", "--db", str(db), *extra])
        assert result.exit_code == 0, result.output
        assert ran[-1][ran[-1].index("--host") + 1] == host
        assert f"--host {host}" in result.output
    result = CliRunner().invoke(cli, ["demo", "--db", str(tmp_path / "demo.db"), "-s"])
    assert result.exit_code == 0, result.output
    assert ran[-1][ran[-1].index("--host") + 1] == "127.0.0.1"
    assert "default: 127.0.0.1" in CliRunner().invoke(cli, ["serve", "--help"]).output


# --- the plugins' SQL -------------------------------------------------------------------

MARKER = "zq'\"]);--injected"


@pytest.mark.asyncio
async def test_plugin_sql_takes_values_only_as_parameters(tmp_path, monkeypatch):
    """Every value a visitor controls reaches SQL as a parameter: with a marker in every
    id, query argument and facet option of our pages, no SQL text the plugins run
    contains it, and no page fails."""
    import yaml
    from datasette.app import Datasette
    from datasette.database import Database

    from conftest import ROOT, fixture_article, store_articles
    from quotes.web.routes import routes

    db_file = tmp_path / "quotes.db"
    store_articles(db_file, [fixture_article()])
    seen: list[tuple[str, object]] = []
    execute = Database.execute

    async def recording(self, sql, params=None, *args, **kwargs):
        seen.append((sql, params))
        return await execute(self, sql, params, *args, **kwargs)

    monkeypatch.setattr(Database, "execute", recording)
    ds = Datasette([str(db_file)], metadata=yaml.safe_load((ROOT / "metadata.yml").read_text()),
                   plugins_dir=str(ROOT / "plugins"))
    quoted = urllib.parse.quote(MARKER, safe="")
    paths = []
    for pattern, _ in routes():
        path = pattern.strip("^$").replace("\\.", ".").replace("\\", "")
        path = re.sub(r"\(\.\(\?P<format>json\)\)\?", "", path)
        path = re.sub(r"\(\?P<id>[^)]*\)", quoted, path)
        paths += [path, path + ".json" if "summary" not in path else path]
    paths = [p + q for p in paths for q in ("", f"?quote={quoted}", f"?db={quoted}")]
    paths += [
        f"/quotes/quotes?_facet_m2m={quoted}", f"/quotes/quotes?_facet_m2m=quote_mentions&_search={quoted}",
        f"/quotes/quotes.json?_facet_m2m=quote_mentions&speaker_name={quoted}",
        "/quotes/quotes?_through=" + urllib.parse.quote('{"table":"quote_mentions","column":"entity_id","value":"'
                                                      + MARKER.replace('"', '\\"') + '"}', safe=""),
        f"/?db={quoted}",
    ]
    for path in paths:
        response = await ds.client.get(path, follow_redirects=True)
        assert response.status_code in (200, 400, 404), (path, response.status_code, response.text[:300])
    assert len(seen) > 50
    leaked = [sql for sql, _ in seen if "injected" in sql]
    assert leaked == [], leaked[:3]
    values = [v for _, params in seen if params
              for v in (params.values() if isinstance(params, dict) else params)]
    assert MARKER in values  # the marker did reach SQL, as a parameter


# --- the browser ----------------------------------------------------------------------

PAYLOADS = {
    "attr": '"><svg onload="window.__xss=\'attr\';alert(1)">',
    "single": "' onmouseover='window.__xss=\"single\"' autofocus onfocus='window.__xss=\"focus\"' x='",
    "title": "</title><script>window.__xss='title'</script>",
    "link": "<a href=\"javascript:window.__xss='link'\">click</a>",
    "img": "<img src=x onerror=\"window.__xss='img'\">",
    "mark": "</mark></span></article><script>window.__xss='mark'</script>",
    "template": "{{ 7*7 }}{% raw %}${7*7}<%= 7*7 %>",
    "style": "<style>*{background:url(\"javascript:window.__xss='css'\")}</style>",
}
URLS = [
    " JaVaScRiPt:window.__xss='url1'", "java\tscript:window.__xss='url2'",
    "data:text/html,<script>window.__xss='url3'</script>", "vbscript:window.__xss='url4'",
    "https://e.com[a\"><script>window.__xss='url5'</script>",  # urlsplit raises on it
]


def hostile_pairs() -> list[tuple[Article, Extraction]]:
    """Articles whose titles, URLs, publishers, authors, quotes, speakers, cues, dates,
    claims, entity names, descriptions and aliases carry the payloads."""
    p = PAYLOADS
    pairs = []
    for n, url in enumerate(URLS):
        speaker = f"Mallory {n} {p['single']}"
        other = f"Trent {n} {p['attr']}"
        quote1 = f"Quote {n} {p['attr']} {p['link']} and {p['mark']}"
        quote2 = f"Second {n} {p['img']} {p['template']}"
        claim = f"{other} declined to comment on {p['style']} ({n})."
        body = (f'"{quote1}," {speaker} said on Tuesday.\n\n"{quote2}," {other} {p["title"]} said.\n\n{claim}')
        start1 = body.index(quote1)
        start2 = body.index(quote2)
        start3 = body.index(claim)
        pairs.append((
            Article(body=body, source=f"hostile-{n}.json", url=url, title=f"Hostile {n} {p['attr']} {p['title']}",
                    publisher=f"Press {n} {p['single']}", author=p["img"], published="2025-03-20",
                    section=p["template"]),
            Extraction(
                entities=[Entity(speaker, "person", aliases=[p["link"], f"Mallory {n}"], description=p["mark"]),
                          Entity(other, "person", aliases=[p["img"]], description=p["template"])],
                quotes=[
                    Quote(text=quote1, kind="direct", start=start1, end=start1 + len(quote1), paragraph=0,
                          speaker=speaker, speaker_text=speaker, cue=f"said{p['single']}", said_on="2025-03-18",
                          date_text=p["attr"], method=p["link"], confidence=1.0, mentions=[other]),
                    Quote(text=quote2, kind=p["attr"], start=start2, end=start2 + len(quote2), paragraph=1,
                          speaker=other, speaker_text=p["title"], cue="said", said_on="2025-03",
                          method="fixture", confidence=0.5),
                ],
                claims=[Claim(kind="no_comment", subject=other, text=claim, start=start3,
                              end=start3 + len(claim), object=p["single"], as_of="2025-03-20", confidence=1.0)],
            ),
        ))
    return pairs


REAL_PAGE = """<!doctype html><html><head><meta charset="utf-8">
<title>Council &lt;script&gt;window.__xss='page-title'&lt;/script&gt; votes</title>
<meta property="og:url" content="javascript:window.__xss='og'">
<meta property="article:published_time" content="2025-04-08">
</head><body><article><h1>Council votes</h1>
<p>&ldquo;We will build it &lt;img src=x onerror=&quot;window.__xss='real'&quot;&gt; now,&rdquo;
Mayor Elena Marsh said on Tuesday.</p>
<p>&ldquo;Click &lt;a href=&quot;javascript:window.__xss='real-link'&quot;&gt;here&lt;/a&gt;,&rdquo;
said Tomas Reyes, the city's chief engineer.</p>
<p>Reyes was appointed chief engineer of the &quot;&gt;&lt;svg onload=window.__xss=1&gt; Department in January.</p>
</article></body></html>"""


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory) -> Path:
    from conftest import store_articles
    from quotes.load import example_paths, load_paths

    folder = tmp_path_factory.mktemp("xss")
    (folder / "page.html").write_text(REAL_PAGE)
    path = folder / "quotes.db"
    summary = load_paths(path, [str(folder / "page.html"), *example_paths()[:2]])
    assert summary.articles == 3 and summary.quotes >= 2, summary.failures
    store_articles(path, hostile_pairs())
    return path


def _visits(db_file: Path) -> list[str]:
    import sqlite3

    conn = sqlite3.connect(db_file)
    try:
        articles = [r[0] for r in conn.execute("select id from articles order by source like 'hostile%' desc, source")]
        speakers = [r[0] for r in conn.execute(
            "select id from entities where name like 'Mallory%' or name like 'Trent%' "
            "or name like '%Marsh%' or name like '%Reyes%'")]
        groups = [r[0] for r in conn.execute("select key from quote_groups limit 3")] if conn.execute(
            "select 1 from sqlite_master where name = 'quote_groups'").fetchone() else []
    finally:
        conn.close()
    q = urllib.parse.quote
    paths = [f"/-/quotes/article/{q(a, safe='')}" for a in articles]
    paths += [f"/-/quotes/article/{q(articles[-1], safe='')}?quote=x"]
    paths += [f"/-/quotes/speaker/{s}" for s in speakers]
    paths += [f"/-/quotes/group/{q(g, safe='')}" for g in groups]
    payload = q(PAYLOADS["attr"], safe="")
    paths += [
        "/", "/quotes", "/quotes/quotes", "/quotes/articles", "/quotes/entities", "/quotes/aliases",
        "/quotes/claims", "/quotes/quotes_view", "/quotes/roles",
        f"/quotes/quotes?_search={payload}", f"/quotes/quotes?speaker_name={payload}",
        "/quotes/quotes?_facet=method&_facet=date_text&_facet=cue",
        f"/quotes/articles?_facet=publisher&_facet=author&_facet=section&publisher={payload}",
        f"/quotes/quotes_by_person?name={payload}", f"/quotes/who_commented_on?topic={payload}",
        "/quotes/no_comment?who=", f"/quotes/articles/{q(articles[-1], safe='')}",
    ]
    return paths


CHECK = """() => {
  const bad = [];
  for (const e of document.querySelectorAll('*')) {
    for (const a of e.attributes) {
      if (a.name.startsWith('on') && a.value.includes('__xss')) bad.push(e.tagName + ' ' + a.name);
    }
    if (e.tagName === 'SCRIPT' && e.textContent.includes('__xss')) bad.push('script element');
    if (e.tagName === 'STYLE' && e.textContent.includes('__xss')) bad.push('style element');
  }
  for (const a of document.querySelectorAll('a[href], area[href], iframe[src], form[action]')) {
    const url = a.href || a.src || a.action || '';
    if (/^(javascript|data|vbscript):/i.test(url)) bad.push('link to ' + url.slice(0, 40));
  }
  return bad;
}"""


def test_no_payload_runs_in_the_browser(hostile_db, tmp_path):
    from test_browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, _need_browser

    _need_browser()
    from playwright.sync_api import sync_playwright

    from live import datasette

    visits = _visits(hostile_db)
    with datasette(hostile_db, tmp_path / "datasette.log") as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(10_000)
            dialogs, errors = [], []
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.on("pageerror", lambda e: errors.append(str(e)))
            for path in visits:
                response = page.goto(base + path)
                assert response.status == 200, (path, response.status)
                for element in page.locator("mark.q, span.claim, .legend a, a.speaker, td a").all()[:6]:
                    if element.is_visible():
                        element.hover()
                page.keyboard.press("Tab")  # an autofocus/onfocus payload would fire now
                page.wait_for_timeout(30)
                assert page.evaluate("typeof window.__xss") == "undefined", path
                assert page.evaluate(CHECK) == [], path
                assert dialogs == [], path
            # The payloads are there, as text.
            page.goto(base + visits[0])
            shown = page.locator("article.article-body").inner_text()
            assert PAYLOADS["attr"] in shown and PAYLOADS["mark"] in shown and PAYLOADS["img"] in shown
            assert PAYLOADS["title"] in page.locator("h1").inner_text()
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / "12-security-article.png"))
            assert errors == []
        finally:
            browser.close()


def test_the_payloads_are_shown_as_text(hostile_db):
    """The same pages in-process: every payload arrives escaped, once (no double escaping)."""
    import asyncio

    import yaml
    from datasette.app import Datasette

    from conftest import ROOT

    ds = Datasette([str(hostile_db)], metadata=yaml.safe_load((ROOT / "metadata.yml").read_text()),
                   plugins_dir=str(ROOT / "plugins"))

    async def get(path):
        return (await ds.client.get(path)).text

    for path in _visits(hostile_db):
        html = asyncio.run(get(path))
        assert "<script>window.__xss" not in html, path
        assert "onerror=\"window.__xss" not in html and "onload=\"window.__xss" not in html, path
        assert "' onmouseover='window.__xss" not in html, path
        assert 'href="javascript:' not in html.lower() and 'href=" javascript:' not in html.lower(), path
        assert "&amp;lt;" not in html, path  # escaped once, not twice
