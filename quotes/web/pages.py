"""What the Datasette pages show: an article with its quotes in context, a speaker,
the corpus at a glance. Each function returns plain data (dicts, lists, and Markup
built by quotes.web.highlight and quotes.web.timeline); the plugin (quotes/web/) renders it with
its templates (quotes/web/templates/) or as JSON.

Everything runs through Datasette's `Database.execute` with parameters, never string
formatting of values. The database is whichever one has the `quotes` table: the one
named `quotes` first, else the first attached; `?db=NAME` picks another.
"""
from __future__ import annotations

import math
import urllib.parse
from collections.abc import Mapping

from quotes.web import display, highlight, timeline

DEFAULT_DATABASE = "quotes"
QUOTE_LIMIT = 500  # quotes on a speaker's timeline page; the table has the rest
PAGE_SIZE = 50  # quotes a page of a speaker page; ?page=N for the others
LIST_LIMIT = 50  # roles and claims listed on a speaker page; the tables have the rest
REQUIRED_TABLES = ("quotes", "articles", "entities", "aliases", "quote_mentions", "claims", "roles")


# --- finding the database, building links ---------------------------------------------


async def quotes_database(datasette, name: str | None = None):
    """The Datasette Database holding our tables, or None.

    With `name`, only that database; otherwise `quotes` if it qualifies, else the first
    database (in the order they were attached) that does.
    """
    if name is not None:
        candidates = [name] if name in datasette.databases else []
    else:
        names = [n for n in datasette.databases if not n.startswith("_")]
        candidates = sorted(names, key=lambda n: n != DEFAULT_DATABASE)
    for candidate in candidates:
        db = datasette.get_database(candidate)
        tables = set(await db.table_names())
        if all(t in tables for t in REQUIRED_TABLES):
            return db
    return None


def _query(**params) -> str:
    params = {k: v for k, v in params.items() if v not in (None, "")}
    return ("?" + urllib.parse.urlencode(params)) if params else ""


def _db_param(database: str | None) -> str | None:
    return database if database and database != DEFAULT_DATABASE else None


def article_url(urls, article_id, database: str | None = None, quote: str | None = None,
                claim: str | None = None, fmt: str | None = None) -> str:
    """/-/quotes/article/ID[.json][?db=..&quote=..][#q-..]: the article in context."""
    path = "/-/quotes/article/" + urllib.parse.quote(str(article_id), safe="")
    if fmt:
        path += "." + fmt
    url = urls.path(path) + _query(db=_db_param(database), quote=quote)
    if quote:
        url += "#q-" + urllib.parse.quote(str(quote), safe="")
    elif claim:
        url += "#c-" + urllib.parse.quote(str(claim), safe="")
    return url


def speaker_url(urls, entity_id, database: str | None = None, fmt: str | None = None,
                page: int | None = None) -> str:
    """/-/quotes/speaker/ID[.json][?db=..&page=..]: a person's (or organisation's) page."""
    path = "/-/quotes/speaker/" + urllib.parse.quote(str(entity_id), safe="")
    if fmt:
        path += "." + fmt
    return urls.path(path) + _query(db=_db_param(database), page=page if page and page > 1 else None)


def group_url(urls, key, database: str | None = None, fmt: str | None = None) -> str:
    """/-/quotes/group/KEY[.json][?db=..]: one quote across every article that printed it."""
    path = "/-/quotes/group/" + urllib.parse.quote(str(key), safe="")
    if fmt:
        path += "." + fmt
    return urls.path(path) + _query(db=_db_param(database))


def timeline_url(urls, entity_id, database: str | None = None, fmt: str | None = None) -> str:
    """/-/quotes/speaker/ID/timeline[.json][?db=..]: quotes, claims and roles in date order."""
    path = "/-/quotes/speaker/" + urllib.parse.quote(str(entity_id), safe="") + "/timeline"
    if fmt:
        path += "." + fmt
    return urls.path(path) + _query(db=_db_param(database))


def table_url(urls, database: str, table: str, **args) -> str:
    """A Datasette table page with filters: table_url(urls, "quotes", "quotes", speaker_id=4)."""
    return urls.table(database, table) + _query(**args)


async def _rows(db, sql: str, params=None) -> list[dict]:
    result = await db.execute(sql, params or [])
    return [dict(r) for r in result.rows]


async def _row(db, sql: str, params=None) -> dict | None:
    rows = await _rows(db, sql, params)
    return rows[0] if rows else None


# --- the article in context -------------------------------------------------------------

ARTICLE_COLUMNS = ("id", "title", "url", "publisher", "published", "author", "section",
                   "source", "word_count")


def safe_href(url: str | None) -> str | None:
    """The URL when it is http(s), else None: a `javascript:` URL is shown, never linked."""
    try:
        if url and urllib.parse.urlsplit(url.strip()).scheme.lower() in ("http", "https"):
            return url.strip()
    except ValueError:  # "http://[x": urlsplit refuses it; an article page must not fail on it
        pass
    return None


async def article(db, urls, article_id: str, focus: str | None = None) -> dict | None:
    """An article with its quotes highlighted; None when there is no such article."""
    row = await _row(db, "select {} , body from articles where id = :id".format(
        ", ".join(f"[{c}]" for c in ARTICLE_COLUMNS)), {"id": article_id})
    if row is None:
        return None
    body = row.pop("body") or ""
    quotes = await _rows(db, """
        select quotes.id, quotes.text, quotes.kind, quotes.cue, quotes.said_on,
          quotes.date_text, quotes.speaker_id, quotes.speaker_text,
          coalesce(entities.name, quotes.speaker_name) as speaker_name,
          quotes.start, quotes.[end], quotes.paragraph, quotes.method, quotes.confidence
        from quotes left join entities on entities.id = quotes.speaker_id
        where quotes.article_id = :id
        order by quotes.start, quotes.[end] desc, quotes.id""", {"id": article_id})
    claims = await _rows(db, """
        select claims.id, claims.kind, claims.text, claims.object, claims.date,
          claims.as_of, claims.subject_id,
          coalesce(entities.name, claims.subject_name) as subject_name,
          claims.start, claims.[end], claims.confidence
        from claims left join entities on entities.id = claims.subject_id
        where claims.article_id = :id
        order by claims.start, claims.[end] desc, claims.id""", {"id": article_id})
    mentions = await _rows(db, """
        select quote_mentions.quote_id, entities.id, entities.name
        from quote_mentions join entities on entities.id = quote_mentions.entity_id
        where quote_mentions.quote_id in (select id from quotes where article_id = :id)
        order by entities.name""", {"id": article_id})
    about: dict[str, list[dict]] = {}
    for m in mentions:
        about.setdefault(m["quote_id"], []).append({"id": m["id"], "name": m["name"]})

    colours = highlight.speaker_colours(q["speaker_id"] for q in quotes)
    database = db.name
    speakers: dict = {}
    for q in quotes:
        q["colour"] = colours.get(q["speaker_id"], highlight.UNKNOWN)
        q["about"] = about.get(q["id"], [])
        q["url"] = article_url(urls, article_id, database, quote=q["id"])
        q["speaker_url"] = speaker_url(urls, q["speaker_id"], database) if q["speaker_id"] is not None else None
        key = q["speaker_id"]
        entry = speakers.setdefault(key, {
            "id": q["speaker_id"], "name": q["speaker_name"] if key is not None else "Unknown speaker",
            "colour": q["colour"], "quotes": 0, "url": q["speaker_url"],
        })
        entry["quotes"] += 1
    first_seen = {key: n for n, key in enumerate(speakers)}
    for c in claims:
        c["url"] = article_url(urls, article_id, database, claim=c["id"])
        c["subject_url"] = speaker_url(urls, c["subject_id"], database) if c["subject_id"] is not None else None

    quote_spans = [highlight.Span(q["id"], q["start"], q["end"], highlight.quote_tip(q),
                                  f'{q["colour"]} k-{_css_word(q["kind"])}') for q in quotes]
    claim_spans = [highlight.Span(c["id"], c["start"], c["end"], highlight.claim_tip(c)) for c in claims]
    # Most quoted first, then in order of appearance (the order colours were given).
    ordered = [speakers[k] for k in sorted(speakers, key=lambda k: (k is None, -speakers[k]["quotes"], first_seen[k]))]
    return {
        "database": database,
        "article": row,
        "href": safe_href(row.get("url")),
        "body": body,
        "body_html": highlight.render(body, quote_spans, claim_spans, focus=focus),
        "quotes": quotes,
        "claims": claims,
        "speakers": ordered,
        "focus": focus,
        "links": {
            "json": article_url(urls, article_id, database, fmt="json"),
            "row": urls.row(database, "articles", _tilde(article_id)),
            "quotes": table_url(urls, database, "quotes", article_id=article_id, _sort="start"),
            "claims": table_url(urls, database, "claims", article_id=article_id),
        },
    }


def article_json(page: Mapping) -> dict:
    """The article page as JSON: the same data, no HTML."""
    return {
        "database": page["database"],
        "article": dict(page["article"], body=page["body"]),
        "speakers": page["speakers"],
        "quotes": page["quotes"],
        "claims": page["claims"],
        "links": page["links"],
    }


# --- a speaker ------------------------------------------------------------------------------


async def speaker(db, urls, entity_id: int, page: int = 1) -> dict | None:
    """A person or organisation: aliases, roles, quotes over time (PAGE_SIZE a page,
    dated ones first), claims, company."""
    entity = await _row(db, """
        select id, name, kind, description, first_seen, last_seen, quote_count
        from entities where id = :id""", {"id": entity_id})
    if entity is None:
        return None
    database = db.name
    params = {"id": entity_id}
    aliases = [r["alias"] for r in await _rows(
        db, "select alias from aliases where entity_id = :id and alias != :name order by alias",
        {"id": entity_id, "name": entity["name"]})]
    # Each post once (case aside), with the dates it was reported and how often; the
    # first LIST_LIMIT on the page, the table has the rest (the most written-about person
    # of a million quotes has thousands of role claims).
    role_total = (await _row(db, """
        select count(*) as n from (select 1 from roles where entity_id = :id
          group by lower(title), organization_id)""", params))["n"]
    roles = await _rows(db, """
        select title, organization_id, organization, first_reported, last_reported, reports,
          article_id, claim_id, publisher
        from (
          select min(roles.title) over post as title, roles.organization_id,
            org.name as organization, min(roles.as_of) over post as first_reported,
            max(roles.as_of) over post as last_reported, count(*) over post as reports,
            roles.article_id, roles.claim_id, articles.publisher,
            row_number() over (partition by lower(roles.title), roles.organization_id
              order by roles.as_of is null, roles.as_of, roles.id) as n
          from roles left join entities org on org.id = roles.organization_id
            left join articles on articles.id = roles.article_id
          where roles.entity_id = :id
          window post as (partition by lower(roles.title), roles.organization_id)
        )
        where n = 1
        order by first_reported is null, first_reported, reports desc, title limit :limit""",
                         {"id": entity_id, "limit": LIST_LIMIT})
    for r in roles:
        r["years"] = _years(r["first_reported"], r["last_reported"])
    total = (await _row(db, "select count(*) as n from quotes where speaker_id = :id", params))["n"]
    pages_total = max(1, math.ceil(total / PAGE_SIZE))
    page = min(max(1, page), pages_total)
    quotes = await _speaker_quotes(db, entity_id, total, (page - 1) * PAGE_SIZE, PAGE_SIZE)
    # By date in the order of idx_quotes_speaker_order, then by month here: grouping on
    # the month in SQL sorts every quote again (57 ms against 17 for 18,000 quotes).
    per_month: dict = {}
    for r in await _rows(db, """
            select coalesce(said_on, published) as d, count(*) as n
            from quotes where speaker_id = :id group by d""", params):
        period = r["d"][:7] if r["d"] is not None else None
        per_month[period] = per_month.get(period, 0) + r["n"]
    claim_total = (await _row(db, "select count(*) as n from claims where subject_id = :id", params))["n"]
    claims = await _rows(db, """
        select claims.id, claims.kind, claims.text, claims.object, claims.date, claims.as_of,
          claims.article_id, articles.title as article_title, articles.publisher
        from claims join articles on articles.id = claims.article_id
        where claims.subject_id = :id
        order by coalesce(claims.date, claims.as_of) is null, coalesce(claims.date, claims.as_of),
          claims.start limit :limit""", {"id": entity_id, "limit": LIST_LIMIT})
    quoted_with = await _rows(db, """
        select entities.id, entities.name, count(distinct quotes.article_id) as articles,
          count(*) as quotes
        from quotes join entities on entities.id = quotes.speaker_id
        where quotes.article_id in (select article_id from quotes where speaker_id = :id)
          and quotes.speaker_id != :id
        group by entities.id order by articles desc, quotes desc, entities.name limit 20""", params)
    speaks_about = await _rows(db, """
        select entities.id, entities.name, count(*) as quotes
        from quote_mentions
          join quotes on quotes.id = quote_mentions.quote_id
          join entities on entities.id = quote_mentions.entity_id
        where quotes.speaker_id = :id and quote_mentions.entity_id != :id
        group by entities.id order by quotes desc, entities.name limit 20""", params)
    spoken_about_by = await _rows(db, """
        select quotes.id, quotes.text, quotes.kind, quotes.said_on, quotes.article_id,
          quotes.speaker_id, coalesce(entities.name, quotes.speaker_name, quotes.speaker_text) as speaker_name,
          quotes.publisher
        from quote_mentions
          join quotes on quotes.id = quote_mentions.quote_id
          left join entities on entities.id = quotes.speaker_id
        where quote_mentions.entity_id = :id and coalesce(quotes.speaker_id, -1) != :id
        order by coalesce(quotes.said_on, quotes.published) is null, coalesce(quotes.said_on, quotes.published),
          quotes.start limit :limit""", {"id": entity_id, "limit": LIST_LIMIT})

    for q in quotes:
        q["url"] = article_url(urls, q["article_id"], database, quote=q["id"])
    for c in claims:
        c["url"] = article_url(urls, c["article_id"], database, claim=c["id"])
    for r in roles:
        r["organization_url"] = speaker_url(urls, r["organization_id"], database) if r["organization_id"] is not None else None
        r["url"] = article_url(urls, r["article_id"], database, claim=r["claim_id"]) if r["article_id"] else None
    for p in quoted_with + speaks_about:
        p["url"] = speaker_url(urls, p["id"], database)
    for q in spoken_about_by:
        q["url"] = article_url(urls, q["article_id"], database, quote=q["id"])
        q["speaker_url"] = speaker_url(urls, q["speaker_id"], database) if q["speaker_id"] is not None else None

    # The axis spans this person's own quotes, not the corpus's.
    line = timeline.build(per_month)
    month = line.unit == "month"

    def bar_href(period: str) -> str:
        column = "said_month" if month else "said_year"
        return table_url(urls, database, "quotes", speaker_id=entity_id, **{column: period}, _sort="said_on")

    return {
        "database": database,
        "entity": entity,
        "aliases": aliases,
        "roles": roles,
        "role_total": role_total,
        "roles_truncated": role_total > len(roles),
        "quote_total": total,
        "quotes": quotes,
        "quotes_truncated": total > len(quotes),
        "page": page,
        "pages": pages_total,
        "first_shown": (page - 1) * PAGE_SIZE + 1 if quotes else 0,
        "last_shown": (page - 1) * PAGE_SIZE + len(quotes),
        "timeline": line,
        "chart": timeline.svg(line, href=bar_href),
        "claims": claims,
        "claim_total": claim_total,
        "claims_truncated": claim_total > len(claims),
        "quoted_with": quoted_with,
        "speaks_about": speaks_about,
        "spoken_about_by": spoken_about_by,
        "links": {
            "json": speaker_url(urls, entity_id, database, fmt="json", page=page),
            "previous": speaker_url(urls, entity_id, database, page=page - 1) if page > 1 else None,
            "next": speaker_url(urls, entity_id, database, page=page + 1) if page < pages_total else None,
            "timeline": timeline_url(urls, entity_id, database),
            "row": urls.row(database, "entities", str(entity_id)),
            "quotes": table_url(urls, database, "quotes", speaker_id=entity_id, _sort="said_on"),
            "roles": table_url(urls, database, "roles", entity_id=entity_id, _sort="as_of"),
            "claims": table_url(urls, database, "claims", subject_id=entity_id),
            # Unsorted: Datasette 0.65 streams a sorted table incompletely (metadata.yml).
            "csv": urls.table(database, "quotes", format="csv") + _query(
                speaker_id=entity_id, _stream="on", _size="max", _dl="1"),
        },
    }


_DATED = "coalesce(quotes.said_on, quotes.published)"


async def _speaker_quotes(db, entity_id: int, total: int, offset: int, limit: int) -> list[dict]:
    """`limit` of a speaker's quotes from `offset`, by date, the undated ones last.

    Two queries, dated then undated, each in the order of idx_quotes_speaker_order:
    putting NULLs last in one ORDER BY would sort all of the speaker's quotes."""
    columns = """
        select quotes.id, quotes.text, quotes.kind, quotes.cue, quotes.said_on, quotes.date_text,
          quotes.speaker_text, quotes.article_id, articles.title as article_title,
          quotes.publisher, quotes.published
        from quotes join articles on articles.id = quotes.article_id
        where quotes.speaker_id = :id and {dated}
        order by {order}, quotes.published, quotes.article_id, quotes.start
        limit :limit offset :offset"""
    undated = (await _row(db, f"select count(*) as n from quotes where speaker_id = :id and {_DATED} is null",
                          {"id": entity_id}))["n"]
    dated = total - undated
    rows = []
    if offset < dated:
        rows = await _rows(db, columns.format(dated=f"{_DATED} is not null", order=_DATED),
                           {"id": entity_id, "limit": limit, "offset": offset})
    if len(rows) < limit and undated:
        rows += await _rows(db, columns.format(dated=f"{_DATED} is null", order=_DATED),
                            {"id": entity_id, "limit": limit - len(rows), "offset": max(0, offset - dated)})
    return rows


def _years(first: str | None, last: str | None) -> str:
    """"2017-2021", "2019", or "" for a post reported without dates."""
    first, last = (first or last or "")[:4], (last or first or "")[:4]
    return first if first == last else f"{first}-{last}"


def speaker_json(page: Mapping) -> dict:
    """The speaker page as JSON: the same data, the chart as numbers."""
    out = {k: v for k, v in page.items() if k not in ("chart", "timeline")}
    out["timeline"] = timeline.as_json(page["timeline"])
    return out


# --- one quote across articles ---------------------------------------------------------------


async def group_key_for(db, key: str) -> str | None:
    """The quote group a key names: a group key, else the group of a quote's text_hash or id
    (group keys change when a longer printing of the quote arrives; old links follow). A
    text of fewer than 6 words is grouped per article (key TEXTHASH-ARTICLEID): its
    text_hash names the group of the first such key."""
    if await _row(db, "select key from quote_groups where key = :k", {"k": key}):
        return key
    row = await _row(db, """
        select quote_group_members.group_key from quote_group_members
          join quotes on quotes.id = quote_group_members.quote_id
        where quotes.text_hash = :k or quotes.id = :k
        order by quote_group_members.group_key limit 1""", {"k": key})
    return row["group_key"] if row else None


async def quote_group(db, urls, key: str) -> dict | None:
    """A quote group: the words, where and by whom they were printed, first to last."""
    group = await _row(db, "select * from quote_groups where key = :k", {"k": key})
    if group is None:
        return None
    database = db.name
    appearances = await _rows(db, """
        select quotes.id, quotes.text, quotes.kind, quotes.cue, quotes.said_on, quote_group_members.match,
          quotes.speaker_id, coalesce(entities.name, quotes.speaker_name) as speaker_name,
          quotes.speaker_text, quotes.article_id, articles.title as article_title,
          articles.publisher, articles.published, articles.url as article_url, quotes.start
        from quote_group_members
          join quotes on quotes.id = quote_group_members.quote_id
          join articles on articles.id = quotes.article_id
          left join entities on entities.id = quotes.speaker_id
        where quote_group_members.group_key = :k
        order by articles.published is null, articles.published, quotes.article_id, quotes.start, quotes.id""",
        {"k": key})
    speakers: dict = {}
    for q in appearances:
        q["url"] = article_url(urls, q["article_id"], database, quote=q["id"])
        q["href"] = safe_href(q["article_url"])
        q["speaker_url"] = speaker_url(urls, q["speaker_id"], database) if q["speaker_id"] is not None else None
        q["first"] = q["id"] == group["first_quote_id"]
        who = speakers.setdefault(q["speaker_id"], {
            "id": q["speaker_id"], "name": q["speaker_name"] or q["speaker_text"] or "Unknown speaker",
            "url": q["speaker_url"], "quotes": 0, "articles": set()})
        who["quotes"] += 1
        who["articles"].add(q["article_id"])
    ids = [q["id"] for q in appearances]
    marks = ", ".join(f":q{i}" for i in range(len(ids)))
    reviews = await _rows(db, f"""
        select id, quote_id, claim_reviewed, rating, rating_value, best_rating, worst_rating,
          reviewer, reviewer_type, url, date_published
        from reviews where quote_id in ({marks or "''"})
          or text_hash in (select text_hash from quotes where id in ({marks or "''"}))
        order by date_published, id""", {f"q{i}": v for i, v in enumerate(ids)})
    for r in reviews:
        r["href"] = safe_href(r["url"])
    # Shown in quote marks when some article quotes these words, as paraphrase when all report them.
    group["kind"] = display.group_kind(q["kind"] for q in appearances)
    people = [dict(p, articles=len(p["articles"])) for p in speakers.values()]
    people.sort(key=lambda p: (p["id"] is None, -p["articles"], p["name"]))
    return {
        "database": database,
        "group": group,
        "first_href": safe_href(group["first_url"]),
        "appearances": appearances,
        "speakers": people,
        "reviews": reviews,
        "links": {
            "json": group_url(urls, key, database, fmt="json"),
            "row": urls.row(database, "quote_groups", _tilde(key)),
            "members": table_url(urls, database, "quote_group_members", group_key=key),
            "conflicting": urls.query(database, "conflicting_attributions"),
        },
    }


def quote_group_json(page: Mapping) -> dict:
    return dict(page)


# --- a person over time ---------------------------------------------------------------------------

_KIND_ORDER = {"role": 0, "claim": 1, "quote": 2}


async def speaker_timeline(db, urls, entity_id: int, limit: int = QUOTE_LIMIT) -> dict | None:
    """A person's (or organisation's) quotes, the claims about them and their roles, in
    date order; each quote with its group (first printed here? reprinted where?), each
    no-comment claim with the quotes that later broke the silence."""
    entity = await _row(db, """
        select id, name, kind, description, first_seen, last_seen, quote_count
        from entities where id = :id""", {"id": entity_id})
    if entity is None:
        return None
    database = db.name
    params = {"id": entity_id, "limit": limit}
    quotes = await _rows(db, """
        select quotes.id, quotes.text, quotes.kind, quotes.cue, quotes.said_on, quotes.published,
          quotes.publisher, quotes.article_id, articles.title as article_title, quotes.start,
          quote_groups.key as group_key, quote_groups.articles as group_articles,
          quote_groups.publishers as group_publishers, quote_groups.conflicting,
          quote_groups.first_quote_id = quotes.id as first_printing,
          quote_groups.first_published, quote_groups.first_publisher
        from quotes join articles on articles.id = quotes.article_id
          left join quote_group_members on quote_group_members.quote_id = quotes.id
          left join quote_groups on quote_groups.key = quote_group_members.group_key
        where quotes.speaker_id = :id
        order by coalesce(quotes.said_on, quotes.published) is null, coalesce(quotes.said_on, quotes.published),
          quotes.published, quotes.article_id, quotes.start
        limit :limit""", params)
    claims = await _rows(db, """
        select claims.id, claims.kind, claims.text, claims.object, claims.date, claims.as_of,
          coalesce(claims.as_of, articles.published) as reported, claims.article_id,
          articles.title as article_title, articles.publisher, articles.published, claims.start,
          claim_groups.key as group_key, claim_groups.articles as group_articles,
          claim_groups.first_reported, claim_groups.last_reported,
          org.id as organization_id, org.name as organization
        from claims join articles on articles.id = claims.article_id
          left join claim_group_members on claim_group_members.claim_id = claims.id
          left join claim_groups on claim_groups.key = claim_group_members.group_key
          left join entities org on org.id = claims.organization_id
        where claims.subject_id = :id
        order by reported, claims.article_id, claims.start
        limit :limit""", params)
    followups = await _rows(db, """
        select claim_followups.claim_id, claim_followups.rank, claim_followups.days_later,
          claim_followups.reason, quotes.id as quote_id, quotes.text, quotes.kind, quotes.article_id,
          quotes.published
        from claim_followups join quotes on quotes.id = claim_followups.quote_id
        where claim_followups.subject_id = :id
        order by claim_followups.claim_id, claim_followups.rank""", params)
    posts = await _rows(db, """
        select title, organization_id, organization, first_reported, last_reported, reports, articles
        from role_timeline where entity_id = :id
        order by first_reported is null, first_reported, title""", params)

    followed: dict[str, list[dict]] = {}
    for f in followups:
        f["url"] = article_url(urls, f["article_id"], database, quote=f["quote_id"])
        followed.setdefault(f["claim_id"], []).append(f)
    items = []
    for q in quotes:
        q["url"] = article_url(urls, q["article_id"], database, quote=q["id"])
        q["group_url"] = group_url(urls, q["group_key"], database) if q["group_key"] else None
        q["first_printing"] = bool(q["first_printing"])
        items.append({**q, "type": "quote", "date": q["said_on"] or q["published"]})
    for c in claims:
        c["url"] = article_url(urls, c["article_id"], database, claim=c["id"])
        c["organization_url"] = speaker_url(urls, c["organization_id"], database) if c["organization_id"] else None
        c["followed_by"] = followed.get(c["id"], [])
        # An event is placed when it happened; everything else when it was reported.
        items.append({**c, "happened": c["date"], "type": "role" if c["kind"] == "role" else "claim",
                      "date": c["date"] if c["kind"] == "event" and c["date"] else c["reported"]})
    items.sort(key=lambda i: (i["date"] is None, i["date"] or "", i.get("published") or "",
                              i["article_id"], _KIND_ORDER[i["type"]], i["start"] or 0, i["id"]))
    for p in posts:
        p["organization_url"] = speaker_url(urls, p["organization_id"], database) if p["organization_id"] else None
    return {
        "database": database,
        "entity": entity,
        "posts": posts,
        "items": items,
        "counts": {"quotes": len(quotes), "claims": sum(1 for c in claims if c["kind"] != "role"),
                   "roles": sum(1 for c in claims if c["kind"] == "role"),
                   "followups": len(followups)},
        "links": {
            "json": timeline_url(urls, entity_id, database, fmt="json"),
            "speaker": speaker_url(urls, entity_id, database),
            "roles": table_url(urls, database, "role_timeline", entity_id=entity_id),
        },
    }


# --- the corpus at a glance -------------------------------------------------------------------


async def corpus(db, urls, top: int = 10, latest: int = 10) -> dict:
    """Counts, date ranges, the most quoted people, the most quoted organisations (apart)
    and the latest quotes.

    Every query is an indexed lookup or a count, so the front page stays fast on a
    million quotes.
    """
    database = db.name
    counts = await _row(db, """
        select
          (select count(*) from articles) as articles,
          (select count(*) from quotes) as quotes,
          (select count(*) from entities where quote_count > 0) as speakers,
          (select count(*) from claims) as claims,
          (select count(distinct publisher) from articles) as publishers""")
    dates = await _row(db, """
        select
          (select min(published) from articles) as first_published,
          (select max(published) from articles) as last_published,
          (select min(said_on) from quotes) as first_said,
          (select max(said_on) from quotes) as last_said""")
    # People and organisations apart: a ministry's statements are not a person's words.
    # `+kind` keeps SQLite on the quote_count index, read from the top until ten match
    # (on the kind index it sorts every person: 28 ms against 0.1 for 200,000 entities).
    most_quoted = {kind: await _rows(db, """
        select id, name, kind, quote_count from entities where +kind = :kind and quote_count > 0
        order by quote_count desc, name limit :top""", {"kind": kind, "top": top})
        for kind in ("person", "organization")}
    recent = await _rows(db, """
        select quotes.id, quotes.text, quotes.kind, quotes.said_on, quotes.article_id,
          quotes.speaker_id, coalesce(quotes.speaker_name, quotes.speaker_text) as speaker_name,
          quotes.publisher
        from quotes
        where quotes.said_on is not null
        order by quotes.said_on desc, quotes.published desc, quotes.article_id, quotes.start
        limit :latest""", {"latest": latest})
    for p in most_quoted["person"] + most_quoted["organization"]:
        p["url"] = speaker_url(urls, p["id"], database)
    for q in recent:
        q["url"] = article_url(urls, q["article_id"], database, quote=q["id"])
        q["speaker_url"] = speaker_url(urls, q["speaker_id"], database) if q["speaker_id"] is not None else None
    return {
        "database": database,
        "counts": counts,
        "dates": dates,
        "most_quoted_people": most_quoted["person"],
        "most_quoted_organizations": most_quoted["organization"],
        "latest_quotes": recent,
        "links": {
            "quotes": urls.table(database, "quotes"),
            "articles": urls.table(database, "articles"),
            "entities": urls.table(database, "entities"),
            "claims": urls.table(database, "claims"),
            "json": urls.path("/-/quotes/summary.json") + _query(db=_db_param(database)),
        },
    }


def _css_word(value) -> str:
    """A quote kind as a CSS class word: "indirect", or "other" for anything odd."""
    return value if value in ("direct", "partial", "indirect") else "other"


def _tilde(value) -> str:
    from datasette.utils import tilde_encode

    return tilde_encode(str(value))
