"""The Datasette pages in a real browser: Debian's chromium driven by Playwright.

Datasette runs as a subprocess on a free port, started the way `quotes serve` starts it,
on the example articles plus tests/fixtures/xss_article.json. Screenshots of each page
go to test-output/screenshots/. No browser is ever downloaded: chromium comes from
apt-get (.ci/run installs it); without it these tests fail under CI and skip elsewhere.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlite_utils

from conftest import ROOT, fixture_article, store_articles

CHROMIUM = os.environ.get("QUOTES_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run",
]
SCREENSHOTS = ROOT / "test-output" / "screenshots"


def _need_browser():
    """Playwright and chromium, or a failure in CI and a skip elsewhere."""
    problem = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problem = "the playwright package is not installed (pip install -e '.[test]')"
    if problem is None and not Path(CHROMIUM).exists():
        problem = f"no browser at {CHROMIUM} (apt-get install -y chromium)"
    if problem:
        if os.environ.get("CI"):
            pytest.fail(problem)
        pytest.skip(problem)


@pytest.fixture(scope="module")
def db_file(tmp_path_factory) -> Path:
    from quotes.load import example_paths, load_paths

    path = tmp_path_factory.mktemp("browser") / "quotes.db"
    summary = load_paths(path, example_paths())
    assert not summary.errors, summary.failures
    store_articles(path, [fixture_article(), *_long_talker()])
    return path


TALKER = "Lena Longwind"  # a speaker with more quotes than a page holds, and one post 15 times


def _long_talker():
    """Sixty articles quoting one speaker, each also calling her President (2017-2021),
    and two undated quotes: what the speaker page's roles, axis and pages are tested on."""
    from quotes.model import Article, Claim, Entity, Extraction, Quote

    out = []
    for n in range(62):
        dated = n < 60
        year = 2017 + n % 5
        words = f"Plan number {n} will be ready before the bridge opens next spring,"
        body = f'"{words}" {TALKER} said. {TALKER}, President, spoke in the capital.'
        published = f"{year}-0{1 + n % 9}-1{n % 10}" if dated else None
        quote = Quote(text=words, kind="direct", start=1, end=1 + len(words), paragraph=0,
                      speaker=TALKER, speaker_text=TALKER, cue="said", said_on=published)
        start = body.index(f"{TALKER},", 10)
        role = Claim(kind="role", subject=TALKER, text=body[start:], start=start, end=len(body),
                     object="President", as_of=published)
        out.append((Article(body=body, source=f"talker{n}.txt", title=f"Longwind speaks, part {n}",
                            url=f"https://talk.example/{n}", publisher="Talk Daily", published=published),
                    Extraction(entities=[Entity(TALKER, "person")], quotes=[quote],
                               claims=[role] if n < 15 else [])))
    return out


@pytest.fixture(scope="module")
def server(db_file, tmp_path_factory):
    """Base URL of a Datasette serving db_file with our metadata and plugins."""
    _need_browser()
    from live import datasette

    with datasette(db_file, tmp_path_factory.mktemp("server") / "datasette.log") as base:
        yield base


@pytest.fixture
def page(server):
    """A fresh browser page; `page.dialogs` and `page.errors` collect what happened."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.set_default_timeout(10_000)
            page.dialogs, page.errors = [], []
            page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
            page.on("pageerror", lambda error: page.errors.append(str(error)))
            yield page
        finally:
            browser.close()


DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def sized(server):
    """sized(viewport) -> a fresh page of that size (1366x900, or a phone's 390x844)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            def new(viewport):
                page = browser.new_context(viewport=viewport).new_page()
                page.set_default_timeout(10_000)
                page.errors = []
                page.on("pageerror", lambda error: page.errors.append(str(error)))
                return page
            yield new
        finally:
            browser.close()


def above_fold(page, selector: str) -> bool:
    """Whether the first `selector` starts within the first screen (and is shown)."""
    box = page.locator(selector).first.bounding_box()
    return box is not None and box["y"] < page.viewport_size["height"]


def shot(page, name: str, at: str | None = None, full: bool = False) -> Path:
    """Save what the page shows, scrolled to the element `at` when given."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    if at:
        page.locator(at).first.evaluate("e => e.scrollIntoView({block: 'start'})")
    page.screenshot(path=str(path), full_page=full)
    return path


def one(db_file: Path, sql: str, params=()):
    db = sqlite_utils.Database(db_file)
    try:
        return db.execute(sql, params).fetchone()[0]
    finally:
        db.close()


# --- Datasette's own pages, with our metadata and cells ----------------------------------


def test_speaker_facet_shows_only_that_speakers_quotes(page, server, db_file):
    page.goto(server + "/quotes/quotes")
    shot(page, "01-quotes-table", at=".facet-results")
    facet = page.locator('.facet-info[data-column="speaker_name"] li a').first
    speaker = facet.inner_text().strip()
    expected = one(db_file, "select count(*) from quotes where speaker_name = ?", [speaker])
    assert expected > 1
    facet.click()
    page.wait_for_url("**speaker_name=*")
    names = page.locator("table.rows-and-columns tbody td.col-speaker_name").all_inner_texts()
    assert names and {n.strip() for n in names} == {speaker}
    assert len(names) == min(expected, 50)  # 50 rows a page (metadata.yml)
    assert page.locator("h3").first.inner_text().startswith(f"{expected} rows")
    assert page.locator('.facet-info[data-column="mentioned"]').count() == 1
    shot(page, "02-quotes-one-speaker", at=".facet-results")
    assert not page.errors


def test_full_text_search(page, server):
    page.goto(server + "/quotes/quotes")
    page.fill("input#_search", "barrier")
    page.press("input#_search", "Enter")
    page.wait_for_url("**_search=barrier*")
    texts = page.locator("table.rows-and-columns tbody td.col-text").all_inner_texts()
    assert texts and all("barrier" in t.lower() for t in texts)
    shot(page, "03-quotes-search", at="h3")


def test_quote_cell_opens_its_place_in_the_article(page, server):
    page.goto(server + "/quotes/quotes?_search=Musk&_sort=start")
    link = page.locator("table.rows-and-columns tbody td.col-text a.quote-in-context").first
    text = link.inner_text()
    link.click()
    page.wait_for_url("**/-/quotes/article/**")
    focus = page.locator("article.article-body mark.focus")
    assert focus.count() >= 1
    assert text.strip()[:20] in " ".join(focus.all_inner_texts())
    assert focus.first.is_visible()


# --- our pages --------------------------------------------------------------------------


def test_article_page_highlights_quotes_by_speaker(page, server, db_file):
    article_id = one(db_file, "select id from articles where title like 'Putin Envoy%'")
    page.goto(f"{server}/-/quotes/article/{article_id}")
    marks = page.locator("article.article-body mark.q")
    assert marks.count() >= 5
    assert page.locator(".legend a.chip", has_text="Kirill Dmitriev").count() == 1
    first = page.locator("article.article-body mark.q.k-direct").first
    assert "Kirill Dmitriev" in first.get_attribute("title")
    assert "said" in first.get_attribute("title") or ": " in first.get_attribute("title")
    background = first.evaluate("e => getComputedStyle(e).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    claim = page.locator("article.article-body .claim").first
    assert "underline" in claim.evaluate("e => getComputedStyle(e).textDecorationLine")
    first.hover()
    tip = first.evaluate("e => getComputedStyle(e, '::after').content")
    assert "Kirill Dmitriev" in tip
    shot(page, "04-article-in-context")
    assert not page.errors


def test_speaker_page_has_timeline_chart(page, server, db_file):
    entity_id = one(db_file, "select id from entities where name = 'Kirill Dmitriev'")
    page.goto(f"{server}/-/quotes/speaker/{entity_id}")
    chart = page.locator("svg.timeline")
    assert chart.is_visible()
    box = chart.bounding_box()
    assert box["width"] > 300 and box["height"] > 80
    bars = chart.locator("rect.bar")
    assert bars.count() >= 1
    assert max(b.bounding_box()["height"] for b in bars.all()) > 20
    assert page.locator("h1").inner_text() == "Kirill Dmitriev"
    assert page.locator("table.quotes-list tbody tr").count() >= 5
    shot(page, "05-speaker")
    assert not page.errors


def test_reported_speech_reads_as_paraphrase(page, server, db_file):
    """On the speaker page a journalist sees at a glance which words are a quotation:
    reported speech has a "paraphrase" label, in italics, and no quote marks."""
    entity_id = one(db_file, "select id from entities where name = 'Kirill Dmitriev'")
    indirect = one(db_file, "select count(*) from quotes where speaker_id = ? and kind = 'indirect'", [entity_id])
    direct = one(db_file, "select count(*) from quotes where speaker_id = ? and kind = 'direct'", [entity_id])
    assert indirect and direct
    page.goto(f"{server}/-/quotes/speaker/{entity_id}")
    paraphrases = page.locator("table.quotes-list td.text .paraphrase")
    assert paraphrases.count() == indirect
    for cell in paraphrases.all():
        label = cell.locator(".paraphrase-label")
        assert label.is_visible() and label.inner_text().strip().lower() == "paraphrase"
        assert cell.evaluate("e => getComputedStyle(e).fontStyle") == "italic"
        words = cell.inner_text().strip()
        assert not words.startswith("\u201c") and not words.endswith("\u201d"), words
    quoted = page.locator("table.quotes-list td.text .quoted.k-direct")
    assert quoted.count() == direct
    for cell in quoted.all():
        words = cell.inner_text().strip()
        assert words.startswith("\u201c") and words.endswith("\u201d"), words
        assert cell.evaluate("e => getComputedStyle(e).fontStyle") == "normal"
    shot(page, "05b-speaker-paraphrase", at="table.quotes-list")
    assert not page.errors


def test_front_page_shows_the_corpus(page, server):
    page.goto(server + "/")
    counts = page.locator(".corpus .counts li")
    assert counts.count() == 5
    assert page.locator(".corpus .bar-row a", has_text="Kirill Dmitriev").count() == 1
    # People and organisations in two lists side by side, each under its own heading.
    people, organisations = page.locator(".corpus .most-quoted.people"), page.locator(".corpus .most-quoted.organizations")
    assert people.locator("h2").inner_text() == "Most quoted people"
    assert organisations.locator("h2").inner_text() == "Most quoted organisations"
    assert people.locator(".bar-row a", has_text="Kirill Dmitriev").count() == 1
    assert organisations.locator(".bar-row a", has_text="Lakeview Teachers Association").count() == 1
    assert people.locator(".bar-row a", has_text="Lakeview Teachers Association").count() == 0
    assert organisations.locator(".bar-row a", has_text="Kirill Dmitriev").count() == 0
    assert people.bounding_box()["x"] != organisations.bounding_box()["x"]
    assert page.locator(".corpus .latest li").count() >= 5
    page.fill(".corpus-search input[type=search]", "flood")
    page.press(".corpus-search input[type=search]", "Enter")
    page.wait_for_url("**/quotes/quotes?_search=flood*")
    page.goto(server + "/")
    shot(page, "06-front-page")


def test_pages_work_under_the_content_security_policy(page, server, db_file):
    """The headers (quotes/web/headers.py) block nothing Datasette's pages or ours use:
    no CSP violation in the console, and the scripts that build Datasette's column menus,
    the SQL editor and the menu closer in base.html all ran."""
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    speaker = one(db_file, "select id from entities where name = 'Kirill Dmitriev'")
    response = page.goto(server + "/quotes/quotes")
    assert "'unsafe-inline'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    page.locator(".rows-and-columns th svg.dropdown-menu-icon").first.wait_for()  # table.js added the column menus
    page.goto(server + "/quotes?sql=select+1")
    page.locator(".CodeMirror").first.wait_for()  # the SQL editor (inline script) started
    for path in ("/", f"/-/quotes/speaker/{speaker}", f"/-/quotes/speaker/{speaker}/timeline"):
        response = page.goto(server + path)
        assert response.headers["x-frame-options"] == "DENY", path
    assert "'unsafe-inline'" not in response.headers["content-security-policy"].split("script-src")[1].split(";")[0]
    # base.html's menu closer runs on our pages: it is allowed by its hash
    page.evaluate("document.body.insertAdjacentHTML('afterbegin', '<details id=probe open><summary>x</summary></details>')")
    page.locator("h1").first.click()
    assert page.evaluate("document.getElementById('probe').open") is False
    assert violations == [] and not page.errors


# --- issue 17: what a reader sees on the first screen, at 1366x900 and on a phone ---------


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_quotes_table_opens_on_search_facets_and_rows(sized, server, viewport):
    """The table page opens on the search box, the facets and (on a desktop) the first
    rows; the column descriptions and the internal columns are one click away."""
    page = sized(viewport)
    page.goto(server + "/quotes/quotes")
    assert above_fold(page, "input#_search")
    assert above_fold(page, ".facet-info")
    assert not page.locator("dl.column-descriptions").is_visible()
    for column in ("start", "end", "text_hash", "method", "confidence", "paragraph"):
        assert not page.locator(f"table.rows-and-columns td.col-{column}").first.is_visible(), column
    assert page.locator("table.rows-and-columns td.col-text").first.is_visible()
    if viewport is DESKTOP:
        assert above_fold(page, "table.rows-and-columns tbody tr")
    tag = "desktop" if viewport is DESKTOP else "phone"
    shot(page, f"17-quotes-table-{tag}")
    page.locator("details.column-help summary").click()
    assert page.locator("dl.column-descriptions").is_visible()
    page.locator("details.more-columns summary").click()
    assert page.locator("table.rows-and-columns td.col-text_hash").first.is_visible()
    page.goto(server + "/quotes/quotes?_search=flood")
    assert above_fold(page, "input#_search") and above_fold(page, ".facet-info")
    if viewport is DESKTOP:
        assert above_fold(page, "table.rows-and-columns tbody td.col-text")
    shot(page, f"17-quotes-search-{tag}")
    assert not page.errors


def test_front_page_publishers_tile_shows_publishers_once(sized, server):
    page = sized(DESKTOP)
    page.goto(server + "/")
    page.locator(".corpus .counts a", has_text="publishers").click()
    page.wait_for_url("**/quotes/articles**")
    assert page.locator('.facet-info[data-column="publisher"]').count() == 1
    assert page.locator('.facet-info[data-column="publisher"]').is_visible()
    shot(page, "17-articles-publishers")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_speaker_page_roles_once_own_axis_and_pages(sized, server, db_file, viewport):
    talker = one(db_file, "select id from entities where name = ?", [TALKER])
    page = sized(viewport)
    page.goto(f"{server}/-/quotes/speaker/{talker}")
    assert page.locator("h1").inner_text() == TALKER
    roles = page.locator("ul.roles li")
    assert roles.count() == 1
    assert roles.first.inner_text().startswith("President, 2017-2021 ")
    assert " ," not in page.locator("ul.roles").inner_text()
    chart = page.locator("svg.timeline")
    if viewport is DESKTOP:
        assert above_fold(page, "svg.timeline") and above_fold(page, "ul.roles")
    ticks = chart.locator("text.tick").all_text_contents()
    assert ticks[2] == "2017" and ticks[-1] == "2021"  # after the two counts: her years, not the corpus's
    assert page.locator("table.quotes-list").first.locator("tbody tr").count() == 50
    assert "(1–50 of 62)" in page.locator("h2#quotes").inner_text()
    tag = "desktop" if viewport is DESKTOP else "phone"
    shot(page, f"17-speaker-{tag}")
    page.locator("nav.pager a[rel=next]").first.click()
    page.wait_for_url("**page=2*")
    rows = page.locator("table.quotes-list").first.locator("tbody tr")
    assert rows.count() == 12
    assert rows.last.locator("td").first.inner_text().strip() == ""  # undated, last
    assert not page.errors


# --- safety: the hostile fixture shows as text and runs nothing -----------------------------


def test_script_fixture_runs_no_script(page, server, db_file):
    article_id = one(db_file, "select id from articles where source = 'xss_article.json'")
    name_id = one(db_file, "select id from entities where name like '<script>%'")
    mallory = one(db_file, "select id from entities where name like 'Mallory%'")
    pages = {
        "07-xss-article": f"/-/quotes/article/{article_id}",
        "08-xss-speaker": f"/-/quotes/speaker/{name_id}",
        "09-xss-speaker-mallory": f"/-/quotes/speaker/{mallory}",
        "10-xss-quotes-table": f"/quotes/quotes?article_id={article_id}",
        "11-xss-front-page": "/",
        None: [
            f"/quotes/articles/{article_id}", "/quotes/articles", "/quotes/entities",
            "/quotes/claims", "/quotes/quotes_view", "/quotes/aliases", "/quotes/no_comment",
            "/quotes/quotes?_search=Click", f"/-/quotes/article/{article_id}?quote=x",
        ],
    }
    visits = [(name, path) for name, path in pages.items() if name] + [(None, p) for p in pages[None]]
    for name, path in visits:
        page.goto(server + path)
        page.wait_for_load_state("load")
        for mark in page.locator("mark.q, span.claim").all()[:6]:
            mark.hover()
        page.wait_for_timeout(50)
        assert page.evaluate("typeof window.__xss") == "undefined", path
        assert page.dialogs == [], path
        assert page.locator('a[href^="javascript:" i], iframe, img[src="x"], svg[onload]').count() == 0, path
        if name:
            shot(page, name, at="table.rows-and-columns" if "table" in name else None)
    page.goto(f"{server}/-/quotes/article/{article_id}")
    body = page.locator("article.article-body").inner_text()
    assert "<script>window.__xss='quote';alert('quote')</script>" in body
    assert "<img src=x onerror=\"window.__xss='img';alert('img')\">" in body
    assert "javascript:window.__xss='url'" in page.locator(".page-meta").inner_text()
    legend = page.locator(".legend").inner_text()
    assert "<script>window.__xss='name'</script>" in legend
    assert "Hostile <script>" in page.locator("h1").inner_text()
    assert not page.errors
