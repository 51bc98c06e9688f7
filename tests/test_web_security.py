"""The served site under hostile use (issue 16): every route of the plugin fuzzed (404
or 400, never 500), public SQL that cannot eat the server or show where the database
lives, security headers on every page, and the front page computed once per change of
the data. (JSON that cannot break out of a <script>: test_reviews.)"""
from __future__ import annotations

import base64
import hashlib
import re
import sqlite3

import pytest
import sqlite_utils

from conftest import datasette_on, refreshed_tracking_db
from quotes.web import summary
from quotes.web.routes import routes


@pytest.fixture(scope="module")
def db_file(tmp_path_factory):
    """The tracking corpus and the hostile article, refreshed (quote groups, timelines)."""
    path = tmp_path_factory.mktemp("web_security") / "quotes.db"
    refreshed_tracking_db(path).close()
    return path


# --- every route, fuzzed ----------------------------------------------------------------------

FUZZ = [
    "9223372036854775808", "9223372036854775807", "-9223372036854775809", "-1", "0",
    "1" * 400, "1e999", "0x10", "1.5", "NaN", "abc", "x" * 5000, "%00", "1%00", "%00x",
    "..%2F..%2Fetc%2Fpasswd", "..", "%2e%2e", "..%5C..%5Cwin.ini", "%C3%A9l%C3%A8ve", "%F0%9F%92%A9",
    "%ED%A0%80", "%FF%FE", "%25", "%2F", "'%20or%201=1--", "%22%3E%3Cscript%3E", "١٢٣",
    "%E2%80%AE", "%0A", "%20", "~", "-", "_",
]


def _fill(pattern: str, value: str, fmt: str) -> str | None:
    """A path that `pattern` (a route's regex) matches, with `value` as its id and `fmt`
    as its format ("" or "json"); None when the route takes no such part."""
    path = pattern.removeprefix("^").removesuffix("$")
    if "(?P<id>" not in path and value:
        return None
    path = re.sub(r"\(\?P<id>[^)]*\)", lambda _: value, path)
    if "(?P<format>" not in path and fmt:
        return None
    path = re.sub(r"\(\\\.\(\?P<format>json\)\)\?", lambda _: "." + fmt if fmt else "", path)
    path = path.replace("\\.", ".")
    assert not set(path) & set("()?[]^$\\+*"), f"the fuzz cannot fill {pattern}"
    return path


def route_paths() -> list[str]:
    """Every route of the plugin, with every fuzz value as its id, as HTML and JSON."""
    out = []
    for pattern, _view in routes():
        for value in FUZZ + [""]:
            for fmt in ("", "json"):
                path = _fill(pattern, value, fmt)
                if path is not None and (value or "(?P<id>" not in pattern):
                    out.append(path)
    return sorted(set(out))


def test_the_fuzz_covers_every_route():
    covered = {p for p in route_paths()}
    for pattern, _view in routes():
        assert any(re.match(pattern, p) for p in covered), pattern


@pytest.mark.asyncio
async def test_every_route_answers_404_or_400_to_anything(ds):
    failures = []
    for path in route_paths():
        for suffix in ("", "?db=nope", "?quote=%00"):
            response = await ds.client.get(path + suffix)
            if response.status_code not in (200, 302, 400, 404):
                failures.append((path + suffix, response.status_code))
    assert failures == []


@pytest.mark.asyncio
async def test_a_speaker_id_past_sqlite_integers_is_404(ds):
    for path in ("/-/quotes/speaker/9223372036854775808", "/-/quotes/speaker/9223372036854775808.json",
                 "/-/quotes/speaker/9223372036854775808/timeline",
                 "/-/quotes/speaker/-9223372036854775809/timeline.json"):
        assert (await ds.client.get(path)).status_code == 404, path


# --- public SQL: bounded memory, no server paths (quotes/web/guard.py) ------------------------


@pytest.mark.asyncio
async def test_a_900_mb_blob_is_an_sql_error_not_a_crash(ds):
    sql = "select length(randomblob(900000000))"
    response = await ds.client.get("/quotes.json", params={"sql": sql})
    assert response.status_code == 400
    assert response.json()["error"] == "string or blob too big"
    page = await ds.client.get("/quotes", params={"sql": sql})
    assert page.status_code == 400 and "string or blob too big" in page.text
    # what the corpus holds still reads: the longest article body, whole
    longest = await ds.client.get("/quotes.json", params={"sql": "select max(length(body)) as n from articles",
                                                          "_shape": "array"})
    assert longest.status_code == 200 and longest.json()[0]["n"] > 0


@pytest.mark.asyncio
async def test_the_heap_limits_are_set_for_the_process(ds):
    from quotes.web import guard

    response = await ds.client.get("/quotes.json", params={
        "sql": "select * from pragma_table_info('articles')", "_shape": "array"})
    assert response.status_code == 200  # a connection has been prepared
    probe = sqlite3.connect(":memory:")  # any connection of the process sees them
    try:
        assert 0 < probe.execute("pragma hard_heap_limit").fetchone()[0] <= guard.HARD_HEAP_LIMIT
        assert 0 < probe.execute("pragma soft_heap_limit").fetchone()[0] <= guard.SOFT_HEAP_LIMIT
    finally:
        probe.close()


@pytest.mark.asyncio
@pytest.mark.parametrize("sql", ["select * from pragma_database_list", "select file from pragma_database_list()",
                                 "with d as (select * from pragma_database_list) select * from d",
                                 "select (select group_concat(file) from pragma_database_list) as f"])
async def test_pragma_database_list_does_not_show_the_path(ds, db_file, sql):
    response = await ds.client.get("/quotes.json", params={"sql": sql, "_shape": "array"})
    assert response.status_code == 200, response.text
    assert str(db_file) not in response.text and db_file.name not in response.text
    assert all(v is None for row in response.json() for k, v in row.items() if k in ("file", "f"))


@pytest.mark.asyncio
async def test_datasette_still_lists_its_databases(ds):
    """Datasette runs PRAGMA database_list itself (attached databases): untouched."""
    assert await ds.get_database("quotes").attached_databases() == []
    assert (await ds.client.get("/quotes")).status_code == 200


@pytest.mark.asyncio
@pytest.mark.parametrize("page", ["/-/databases.json", "/-/databases"])
async def test_the_databases_page_names_the_file_not_its_path(ds, db_file, page):
    """Datasette's introspection page would print the absolute path of the file."""
    response = await ds.client.get(page)
    assert response.status_code == 200
    assert str(db_file.parent) not in response.text
    assert db_file.name in response.text
    assert int(response.headers["content-length"]) == len(response.content)
    if page.endswith(".json"):
        (entry,) = [d for d in response.json() if d["name"] == "quotes"]
        assert entry["path"] == db_file.name


@pytest.mark.asyncio
@pytest.mark.parametrize("page", ["/-/settings.json", "/-/metadata.json", "/-/versions.json", "/-/plugins.json",
                                  "/quotes.json", "/.json", "/-/quotes/summary.json"])
async def test_no_other_introspection_page_shows_the_path(ds, db_file, page):
    response = await ds.client.get(page)
    assert response.status_code == 200
    assert str(db_file.parent) not in response.text


def test_a_path_is_replaced_in_both_its_forms():
    """As written, and as a JSON string holds it (here the quotes get backslashes)."""
    from quotes.web.hide_paths import path_replacements

    assert path_replacements(['/srv/my "news"/q.db', "/tmp/q.db"]) == [
        (b'/srv/my \\"news\\"/q.db', b"q.db"), (b'/srv/my "news"/q.db', b"q.db"), (b"/tmp/q.db", b"q.db")]


# --- security headers (quotes/web/headers.py) --------------------------------------------------------


def _policy(response) -> dict[str, str]:
    return {d.strip().split(" ", 1)[0]: d.strip().partition(" ")[2]
            for d in response.headers["content-security-policy"].split(";")}


@pytest.mark.asyncio
async def test_security_headers_on_our_pages_and_datasettes(ds, db_file):
    speaker = sqlite_utils.Database(db_file).execute("select id from entities limit 1").fetchone()[0]
    for path in ("/", f"/-/quotes/speaker/{speaker}", f"/-/quotes/speaker/{speaker}.json", "/quotes/quotes",
                 "/quotes", "/quotes/quotes.json", "/-/quotes/speaker/nope"):
        response = await ds.client.get(path)
        assert response.status_code in (200, 404), path
        assert response.headers["x-content-type-options"] == "nosniff", path
        assert response.headers["x-frame-options"] == "DENY", path
        policy = _policy(response)
        assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'", path
        assert policy["default-src"] == "'self'", path
    # Datasette's pages run inline scripts; ours only base.html's menu closer, by hash
    table = _policy(await ds.client.get("/quotes/quotes"))
    assert table["script-src"] == "'self' 'unsafe-inline'"
    ours = _policy(await ds.client.get(f"/-/quotes/speaker/{speaker}"))
    assert "'unsafe-inline'" not in ours["script-src"] and "'sha256-" in ours["script-src"]


def test_the_hash_is_of_the_inline_script_datasette_renders():
    from quotes.web import headers

    html = '<p>x</p>\n<script>\nalert(1);\n</script>'
    digest = base64.b64encode(hashlib.sha256(b"\nalert(1);\n").digest()).decode()
    assert headers.script_hashes([html]) == [f"'sha256-{digest}'"]


@pytest.mark.asyncio
async def test_datasette_pages_still_work_with_the_headers(ds):
    for path in ("/quotes/quotes?_facet=kind", "/quotes?sql=select+1", "/-/versions", "/-/static/app.css"):
        response = await ds.client.get(path)
        assert response.status_code == 200, path
        assert "content-security-policy" in response.headers


# --- the front page, once per change of the data (quotes/web/summary.py) -------------------------


@pytest.fixture
def own_ds(db_file, tmp_path):
    """A Datasette on a copy of the database, which the test may write to."""
    copy = tmp_path / "quotes.db"
    copy.write_bytes(db_file.read_bytes())
    return datasette_on(copy), copy


def _write(path) -> None:
    db = sqlite_utils.Database(path)
    db.execute("update entities set quote_count = quote_count + 1000 where id = (select min(id) from entities)")
    db.conn.commit()
    db.close()


@pytest.mark.asyncio
async def test_the_summary_is_computed_once_until_the_data_changes(own_ds, monkeypatch):
    ds, path = own_ds
    calls = []
    original = summary.pages.corpus

    async def counting(db, urls, *args, **kwargs):
        calls.append(db.name)
        return await original(db, urls, *args, **kwargs)

    monkeypatch.setattr(summary.pages, "corpus", counting)
    first = await ds.client.get("/-/quotes/summary.json")
    second = await ds.client.get("/-/quotes/summary.json")
    assert first.status_code == second.status_code == 200 and first.json() == second.json()
    assert len(calls) == 1
    _write(path)  # as `quotes load` would, from another connection
    third = await ds.client.get("/-/quotes/summary.json")
    assert len(calls) == 2
    top = third.json()["most_quoted_people"] + third.json()["most_quoted_organizations"]
    assert max(p["quote_count"] for p in top) >= 1000


@pytest.mark.asyncio
async def test_the_front_page_is_kept_until_the_data_changes(own_ds):
    ds, path = own_ds
    page = summary.state(ds).page
    first = await ds.client.get("/")
    second = await ds.client.get("/")
    assert first.status_code == second.status_code == 200 and first.text == second.text
    assert page.computations == 1
    assert second.headers["content-security-policy"] == first.headers["content-security-policy"]
    # a visitor with credentials, messages or a query string gets Datasette's own answer
    await ds.client.get("/", cookies={"ds_actor": "x"})
    await ds.client.get("/?_sort=relationships")
    assert page.computations == 1
    _write(path)
    third = await ds.client.get("/")
    assert third.status_code == 200 and page.computations == 2
    assert third.text != first.text  # the most quoted person's count moved


@pytest.mark.asyncio
@pytest.mark.parametrize("how", [{"settings": {"default_allow_sql": False}}, {"metadata": {"allow_sql": False}}])
async def test_arbitrary_sql_can_be_turned_off_as_docs_web_md_says(db_file, how):
    ds = datasette_on(db_file, **how)
    assert (await ds.client.get("/quotes.json", params={"sql": "select 1"})).status_code == 403
    assert (await ds.client.get("/quotes/quotes.json")).status_code == 200  # tables still browse
    assert (await ds.client.get("/")).status_code == 200
