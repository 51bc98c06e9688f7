"""A fact-checker's verdicts on quotes and claims (`quotes review`), and schema.org
ClaimReview JSON-LD for them (`quotes export reviews --format claimreview`).

A review names a quote or a claim by id. It is user data, kept apart from everything a
load derives: it stores the text it reviewed, its article and the quote's text_hash, so
it survives a reload of the article (the quote is found again by its words in the same
article, else anywhere), and its appearances come from the quote's group (every
article that printed those words, quotes.corpus.tracking) or the claim's group.

The JSON-LD follows https://schema.org/ClaimReview: the claim reviewed, the verdict
(`Rating`), the reviewer (`author`), and `itemReviewed`, a `Claim` with its claimant
(the speaker of a quote, the publisher of a claim an article made), its first
appearance and every appearance (`NewsArticle`s).
"""
from __future__ import annotations

import re
from datetime import date, datetime, timezone
from typing import TextIO

import sqlite_utils

from quotes.safe_json import html_safe_json
from quotes.store import insert_rows

REVIEWER_TYPES = {"organization": "Organization", "person": "Person"}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ReviewError(Exception):
    """A user mistake: unknown id, bad date, rating out of its scale."""


def find_target(db: sqlite_utils.Database, target: str) -> tuple[str, dict]:
    """("quote" | "claim", row) for an id; "quote:ID" and "claim:ID" say which table."""
    target = target.strip()
    kind, _, bare = target.partition(":") if ":" in target else ("", "", target)
    tables = [kind] if kind in ("quote", "claim") else ["quote", "claim"]
    if ":" in target and kind not in ("quote", "claim"):
        raise ReviewError(f"unknown kind {kind!r} in {target!r}: use quote:ID or claim:ID")
    found = []
    for table in tables:
        row = next(db.query(f"select * from {table}s where id = ?", [bare]), None)
        if row:
            found.append((table, row))
    if not found:
        raise ReviewError(f"no quote or claim with id {bare!r} (ids are in the quotes and claims tables)")
    if len(found) > 1:
        raise ReviewError(f"{bare!r} is both a quote and a claim: write quote:{bare} or claim:{bare}")
    return found[0]


def add_review(db: sqlite_utils.Database, target: str, rating: str, reviewer: str,
               url: str | None = None, date_published: str | None = None,
               rating_value: float | None = None, best_rating: float | None = None,
               worst_rating: float | None = None, reviewer_type: str = "organization",
               today: str | None = None) -> dict:
    """Store one review; returns its row."""
    kind, row = find_target(db, target)
    if not rating or not rating.strip():
        raise ReviewError("the rating is empty: say what the verdict is (False, Misleading, True...)")
    if not reviewer or not reviewer.strip():
        raise ReviewError("the reviewer is empty: name the person or organisation reviewing")
    if url and not re.match(r"^https?://\S+$", url.strip()):
        raise ReviewError(f"not an http(s) URL: {url!r}")
    date_published = (date_published or today or date.today().isoformat()).strip()
    if not _DATE.match(date_published):
        raise ReviewError(f"the date must be YYYY-MM-DD, not {date_published!r}")
    try:
        date.fromisoformat(date_published)
    except ValueError:
        raise ReviewError(f"no such date: {date_published!r}") from None
    if reviewer_type.lower() not in REVIEWER_TYPES:
        raise ReviewError(f"reviewer type must be organization or person, not {reviewer_type!r}")
    if rating_value is None and (best_rating is not None or worst_rating is not None):
        raise ReviewError("a best or worst rating needs a rating value")
    if rating_value is not None:
        best_rating = 5.0 if best_rating is None else best_rating
        worst_rating = 1.0 if worst_rating is None else worst_rating
        if not worst_rating <= rating_value <= best_rating:
            raise ReviewError(f"rating value {rating_value:g} is outside the scale "
                              f"{worst_rating:g} (worst) to {best_rating:g} (best)")
    record = {
        "quote_id": row["id"] if kind == "quote" else None,
        "claim_id": row["id"] if kind == "claim" else None,
        "article_id": row["article_id"],
        "text_hash": row.get("text_hash") if kind == "quote" else None,
        "claim_reviewed": row["text"],
        "rating": rating.strip(),
        "rating_value": rating_value,
        "best_rating": best_rating,
        "worst_rating": worst_rating,
        "reviewer": reviewer.strip(),
        "reviewer_type": REVIEWER_TYPES[reviewer_type.lower()],
        "url": url.strip() if url else None,
        "date_published": date_published,
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    with db.atomic():
        record["id"] = insert_rows(db, "reviews", [record])
    return record


# --- ClaimReview JSON-LD ---------------------------------------------------------------------


def _number(value):
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def _party(name: str | None, kind: str | None) -> dict | None:
    if not name:
        return None
    return {"@type": "Organization" if kind == "organization" else "Person", "name": name}


def _appearance(row: dict) -> dict:
    work = {"@type": "NewsArticle"}
    if row.get("url") and re.match(r"^https?://", row["url"]):
        work["url"] = row["url"]
    if row.get("title"):
        work["headline"] = row["title"]
    if row.get("publisher"):
        work["publisher"] = {"@type": "Organization", "name": row["publisher"]}
    if row.get("published"):
        work["datePublished"] = row["published"]
    return work


def _articles(db, sql: str, params) -> list[dict]:
    """Distinct articles in order of first appearance."""
    seen, out = set(), []
    for row in db.query(sql, params):
        if row["id"] not in seen:
            seen.add(row["id"])
            out.append(row)
    return out


_ARTICLE_ORDER = "articles.published is null, articles.published, articles.id"


def _quote_claim(db, review: dict) -> dict | None:
    quote = next(db.query("""
        select quotes.*, entities.name as speaker, entities.kind as speaker_kind
        from quotes left join entities on entities.id = quotes.speaker_id
        where quotes.id = :id or (quotes.text_hash = :hash and :hash is not null)
        order by quotes.id = :id desc, quotes.article_id is :article desc, quotes.published, quotes.id
        limit 1""", {"id": review["quote_id"], "hash": review["text_hash"], "article": review["article_id"]}), None)
    if quote is None:
        return None
    group = next(db.query("""
        select quote_groups.* from quote_groups
        join quote_group_members on quote_group_members.group_key = quote_groups.key
        where quote_group_members.quote_id = ?""", [quote["id"]]), None)
    if group:
        articles = _articles(db, f"""
            select articles.id, articles.url, articles.title, articles.publisher, articles.published
            from quote_group_members join quotes on quotes.id = quote_group_members.quote_id
              join articles on articles.id = quotes.article_id
            where quote_group_members.group_key = ? order by {_ARTICLE_ORDER}""", [group["key"]])
    else:
        articles = _articles(db, f"""
            select articles.id, articles.url, articles.title, articles.publisher, articles.published
            from quotes join articles on articles.id = quotes.article_id
            where quotes.text_hash = ? order by {_ARTICLE_ORDER}""", [quote["text_hash"]])
    claimant = _party(quote["speaker"], quote["speaker_kind"])
    if claimant is None and group and group["first_speaker_id"] is not None:
        first = next(db.query("select name, kind from entities where id = ?", [group["first_speaker_id"]]), None)
        claimant = _party(first and first["name"], first and first["kind"])
    return {"claimant": claimant, "articles": articles}


def _claim_claim(db, review: dict) -> dict | None:
    claim = next(db.query("""
        select claims.*, articles.publisher from claims join articles on articles.id = claims.article_id
        where claims.id = ?""", [review["claim_id"]]), None)
    if claim is None:
        return None
    articles = _articles(db, """
        select articles.id, articles.url, articles.title, articles.publisher, articles.published
        from claim_group_members join claims on claims.id = claim_group_members.claim_id
          join articles on articles.id = claims.article_id
        where claim_group_members.group_key = (
          select group_key from claim_group_members where claim_id = ?)
        order by claim_group_members.reported is null, claim_group_members.reported, articles.id""",
        [claim["id"]])
    if not articles:
        articles = _articles(db, """select id, url, title, publisher, published from articles
                                    where id = ?""", [claim["article_id"]])
    return {"claimant": _party(claim["publisher"], "organization"), "articles": articles}


def claim_review(db: sqlite_utils.Database, review: dict) -> dict:
    """One review as a schema.org ClaimReview (a dict ready for json.dumps)."""
    found = (_quote_claim if review["quote_id"] else _claim_claim)(db, review) or {
        "claimant": None, "articles": []}
    rating = {"@type": "Rating", "alternateName": review["rating"]}
    if review["rating_value"] is not None:
        rating.update(ratingValue=_number(review["rating_value"]),
                      bestRating=_number(review["best_rating"]),
                      worstRating=_number(review["worst_rating"]))
    claim: dict = {"@type": "Claim"}
    if found["claimant"]:
        claim["author"] = found["claimant"]
    appearances = [_appearance(a) for a in found["articles"]]
    if appearances:
        first = found["articles"][0]
        if first.get("published"):
            claim["datePublished"] = first["published"]
        claim["firstAppearance"] = appearances[0]
        claim["appearance"] = appearances
    out = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "claimReviewed": review["claim_reviewed"],
        "reviewRating": rating,
        "author": {"@type": review["reviewer_type"] or "Organization", "name": review["reviewer"]},
        "datePublished": review["date_published"],
        "itemReviewed": claim,
    }
    if review["url"]:
        out["url"] = review["url"]
    return out


def claim_reviews(db: sqlite_utils.Database, where: str | None = None) -> list[dict]:
    """Every review (or those matching a SQL condition on reviews), oldest first."""
    sql = "select * from reviews" + (f" where {where}" if where else "") + " order by id"
    return [claim_review(db, r) for r in db.query(sql)]


def write_claimreview(db: sqlite_utils.Database, out: TextIO, where: str | None = None) -> int:
    """A JSON array of ClaimReview objects, ready to paste into a
    <script type="application/ld+json"> (no `<`, `>` or `&`); returns how many."""
    reviews = claim_reviews(db, where)
    out.write(html_safe_json(reviews, indent=2) + "\n")
    return len(reviews)
