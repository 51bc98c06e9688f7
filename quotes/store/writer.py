"""The per-article write: an article's rows, replacing what an earlier load of it made.

Plain parametrised SQL on the hot path (store.schema.insert_rows); the corpus-wide
refresh that follows a load lives in quotes.corpus.
"""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections import Counter

import sqlite_utils

from quotes.model import Article, Claim, Entity, Extraction, Quote, same_site, short_hash
from quotes.store.schema import REFRESH_LOG, article_entity_id, insert_rows


# --- derived values ------------------------------------------------------------------

_NOT_WORD = re.compile(r"[\W_]+")


def text_hash(text: str) -> str:
    """Quotebank's rule: sha1 of the text lower-cased, punctuation and spaces removed,
    so the same quote printed with other quote marks or line breaks hashes alike."""
    key = _NOT_WORD.sub("", unicodedata.normalize("NFKC", text).lower())
    return hashlib.sha1(key.encode("utf-8")).hexdigest()


def said_parts(said_on: str | None) -> tuple[int | None, str | None]:
    """(year, "YYYY-MM") from an ISO date or partial date, for cheap facets."""
    if not said_on or not re.match(r"\d{4}", said_on):
        return None, None
    month = said_on[:7] if re.match(r"\d{4}-\d{2}", said_on) else None
    return int(said_on[:4]), month


def article_row(article: Article, loaded_at: str) -> dict:
    year, month = said_parts(article.published)
    return {
        "id": article.id,
        "source_id": article.source_id,
        "url": article.url,
        "title": article.title,
        "publisher": article.publisher,
        "published": article.published,
        "author": article.author,
        "section": article.section,
        "source": article.source,
        "body": article.body,
        "word_count": len(article.body.split()),
        "content_hash": article.content_hash,
        "loaded_at": loaded_at,
        "published_year": year,
        "published_month": month,
        "canonical_url": article.canonical_url,
    }



def find_loaded(db: sqlite_utils.Database, article: Article) -> str | None:
    """The id of an article already stored with the same content, if any.

    The same body under another id (read once from a file, once from a feed with a URL)
    is the same article: loading it again would only duplicate quotes.
    """
    row = db.execute(
        "select id from articles where content_hash = ? order by id limit 1",
        [article.content_hash],
    ).fetchone()
    return row[0] if row else None


def claimed_elsewhere(db: sqlite_utils.Database, article: Article) -> str | None:
    """The source of the stored article whose URL this one claims without the right to
    replace it, or None when it may be stored under its URL.

    An article is stored under an id made from its URL, so a second input with that URL
    replaces the first: a new version of the same article. It may do so when it was read
    from the same source (the same file or address, loaded again), or when it was
    fetched from the URL's own site (an http(s) source on the same registrable domain:
    that site says what its address holds). Anything else (a saved file, a JSON line, a
    feed or an archive from elsewhere) only claims the address, and a claim must not
    take the place of an article read from elsewhere: a forged page claiming a real
    article's canonical URL would replace its text and its quotes.
    """
    if not article.url:
        return None
    row = db.execute("select source from articles where id = ?", [article.id]).fetchone()
    if row is None or row[0] == article.source or same_site(article.source, article.url):
        return None
    return row[0]


def delete_article_rows(db: sqlite_utils.Database, article_id: str) -> Counter[int]:
    """Remove what an earlier load derived from this article; returns its speakers and
    how many of its quotes each had."""
    speakers = Counter(dict(db.execute(
        "select speaker_id, count(*) from quotes where article_id = ? and speaker_id is not null "
        "group by speaker_id", [article_id]).fetchall()))
    quotes_of = "(select id from quotes where article_id = ?)"
    claims_of = "(select id from claims where article_id = ?)"
    log_deleted(db, article_id)
    # What `quotes refresh` derived from these rows goes with them (it is rebuilt at
    # the end of the load); reviews stay, they are user data.
    db.execute(f"delete from claim_followups where quote_id in {quotes_of} or claim_id in {claims_of}",
               [article_id, article_id])
    db.execute(f"delete from quote_group_members where quote_id in {quotes_of}", [article_id])
    db.execute(f"delete from claim_group_members where claim_id in {claims_of}", [article_id])
    db.execute("delete from entity_refs where article_id = ?", [article_id])
    db.execute("delete from article_entities where article_id = ?", [article_id])
    db.execute(f"delete from quote_mentions where quote_id in {quotes_of}", [article_id])
    db.execute("delete from roles where article_id = ?", [article_id])
    db.execute("delete from quotes where article_id = ?", [article_id])
    db.execute("delete from claims where article_id = ?", [article_id])
    return speakers


def log_deleted(db: sqlite_utils.Database, article_id: str) -> None:
    """What the refresh derived from an article about to be deleted, for the next
    (incremental) refresh to find what it touched: its mentions (kind, name, aliases,
    entity id), its quotes (text hash, text, group) and its claims' groups."""
    log = f"insert into [{REFRESH_LOG}] (kind, article_id, value)"
    db.execute(f"""{log} select 'mention', ?, json_array(kind, name, aliases, entity_id)
                   from article_entities where article_id = ?""", [article_id, article_id])
    db.execute(f"""{log} select 'quote', ?, json_array(quotes.text_hash, quotes.text, m.group_key)
                   from quotes left join quote_group_members m on m.quote_id = quotes.id
                   where quotes.article_id = ?""", [article_id, article_id])
    db.execute(f"""{log} select 'claim', ?, json_array(claims.id, m.group_key)
                   from claims left join claim_group_members m on m.claim_id = claims.id
                   where claims.article_id = ?""", [article_id, article_id])
    db.execute(f"{log} values ('deleted', ?, null)", [article_id])


def log_stored(db: sqlite_utils.Database, article_id: str) -> None:
    db.execute(f"insert into [{REFRESH_LOG}] (kind, article_id) values ('stored', ?)", [article_id])


def update_quote_counts(db: sqlite_utils.Database, changes: Counter[int]) -> None:
    """Add each entity's change in quotes spoken (a recount would read every quote of a
    much-quoted speaker for each article; `quotes refresh` recounts them all)."""
    db.conn.executemany("update entities set quote_count = coalesce(quote_count, 0) + ? where id = ?",
                        [(n, i) for i, n in sorted(changes.items()) if n and i is not None])


def referenced_entities(extraction: Extraction) -> list[Entity]:
    """The extraction's entities plus any name a quote or claim uses without one.

    Extraction should declare every name it uses; when it does not, the name still
    deserves an entity rather than a silently dropped speaker.
    """
    entities = list(extraction.entities)
    known = {e.name for e in entities}

    def need(name: str | None, kind: str) -> None:
        if name and name not in known:
            known.add(name)
            entities.append(Entity(name=name, kind=kind))

    for q in extraction.quotes:
        need(q.speaker, "person")
        for m in q.mentions:
            need(m, "person")
    for c in extraction.claims:
        need(c.subject, "person")
        need(c.by, "person")
        need(c.organization, "organization")
    return entities


def _unique_id(seen: set[str], base: str, *more: str) -> str:
    """The span id, or a longer one when two records share a span and kind."""
    id_ = base if base not in seen else short_hash(base, *more)
    n = 0
    while id_ in seen:
        n += 1
        id_ = short_hash(base, *more, str(n))
    seen.add(id_)
    return id_


def quote_row(article: Article, q: Quote, id_: str, speaker_id: int | None,
              speaker_name: str | None) -> dict:
    year, month = said_parts(q.said_on)
    return {
        "id": id_,
        "article_id": article.id,
        "speaker_id": speaker_id,
        "speaker_text": q.speaker_text,
        "speaker_name": speaker_name,
        "text": q.text,
        "kind": q.kind,
        "cue": q.cue,
        "said_on": q.said_on,
        "date_text": q.date_text,
        "said_year": year,
        "said_month": month,
        "paragraph": q.paragraph,
        "start": q.start,
        "end": q.end,
        "method": q.method,
        "confidence": q.confidence,
        "text_hash": text_hash(q.text),
        "publisher": article.publisher,
        "published": article.published,
    }


def claim_row(article: Article, c: Claim, id_: str, ids: dict[str, int | None],
              names: dict[int, str]) -> dict:
    subject_id = ids.get(c.subject) if c.subject else None
    return {
        "id": id_,
        "article_id": article.id,
        "subject_id": subject_id,
        "subject_name": names.get(subject_id) if subject_id is not None else None,
        "kind": c.kind,
        "text": c.text,
        "object": c.object,
        "organization_id": ids.get(c.organization) if c.organization else None,
        "by_id": ids.get(c.by) if c.by else None,
        "date": c.date,
        "as_of": c.as_of,
        "start": c.start,
        "end": c.end,
        "confidence": c.confidence,
    }


def write_article(db: sqlite_utils.Database, article: Article, extraction: Extraction,
                  registry, loaded_at: str) -> tuple[int, int]:
    """Replace everything stored for one article; returns (quotes, claims) written.

    Call inside a transaction: the caller decides what one unit of work is.
    `registry` is a `quotes.corpus.resolve.Registry` bound to the same database.

    An article whose URL is another source's (claimed_elsewhere) is stored as an
    article of its own instead: `article` is changed in place to have no url (so its
    id comes from its body) and its claimed URL in canonical_url, and a load_log row
    (status "ok", before the caller's own) says so.
    """
    if (owner := claimed_elsewhere(db, article)) is not None:
        claimed = article.url
        article.canonical_url, article.url = article.canonical_url or claimed, None
        log(db, article.source, "ok", loaded_at, article_id=article.id, error=(
            f"claims the URL {claimed} of an article read from {owner}; "
            "stored as an article of its own, the claim kept in canonical_url"))
    stored = db.execute("select 1 from articles where id = ?", [article.id]).fetchone()
    old_speakers = delete_article_rows(db, article.id) if stored else Counter()  # a new article has none
    insert_rows(db, "articles", [article_row(article, loaded_at)], "upsert")
    log_stored(db, article.id)
    entities = referenced_entities(extraction)
    ids = registry.resolve(entities, article.published)
    names = registry.names(i for i in ids.values() if i is not None)
    # The article's own entities and what refers to them: the base rows from which
    # `quotes refresh` resolves the corpus (the registry's answer is provisional).
    refs: dict[str, str] = {}
    article_entities = []
    for e in entities:
        if not e.name or not e.name.strip() or e.name in refs:
            continue
        refs[e.name] = article_entity_id(article.id, e.name)
        article_entities.append({
            "id": refs[e.name], "article_id": article.id, "name": e.name, "kind": e.kind,
            "aliases": json.dumps(list(dict.fromkeys(a for a in e.aliases if a and a.strip())),
                                  ensure_ascii=False),
            "description": e.description, "gender": e.gender, "entity_id": ids.get(e.name),
            "resolution": "load" if ids.get(e.name) is not None else "ambiguous",
        })
    entity_refs: dict[tuple[str, str, str], None] = {}

    def ref(row_id: str, role: str, name: str | None) -> None:
        if name and name in refs:
            entity_refs[(row_id, role, refs[name])] = None

    seen: set[str] = set()
    quotes, mentions = [], []
    for q in extraction.quotes:
        base = short_hash(article.id, str(q.start), str(q.end), q.kind)
        if base in seen:  # the same quote twice: keep the first
            continue
        id_ = _unique_id(seen, base)
        speaker_id = ids.get(q.speaker) if q.speaker else None
        quotes.append(quote_row(article, q, id_, speaker_id, names.get(speaker_id)))
        ref(id_, "speaker", q.speaker)
        for m in dict.fromkeys(q.mentions):
            ref(id_, "mention", m)
            entity_id = ids.get(m)
            if entity_id is not None:
                mentions.append({"quote_id": id_, "entity_id": entity_id})

    seen = set()
    claims, roles = [], []
    for c in extraction.claims:
        base = short_hash(article.id, str(c.start), str(c.end), c.kind)
        id_ = _unique_id(seen, base, c.subject or "", c.object or "", c.text)
        row = claim_row(article, c, id_, ids, names)
        claims.append(row)
        ref(id_, "subject", c.subject)
        ref(id_, "organization", c.organization)
        ref(id_, "by", c.by)
        if c.kind == "role" and row["subject_id"] is not None:
            roles.append({
                "id": id_,
                "entity_id": row["subject_id"],
                "title": c.object,
                "organization_id": row["organization_id"],
                "as_of": c.as_of or article.published,
                "article_id": article.id,
                "claim_id": id_,
            })

    insert_rows(db, "quotes", quotes)
    insert_rows(db, "quote_mentions", mentions, "on conflict do nothing")
    insert_rows(db, "claims", claims)
    insert_rows(db, "roles", roles)
    insert_rows(db, "article_entities", article_entities)
    insert_rows(db, "entity_refs", [
        {"row_id": r, "role": role, "article_entity_id": ae, "article_id": article.id}
        for r, role, ae in entity_refs
    ])
    speakers = Counter(r["speaker_id"] for r in quotes if r["speaker_id"] is not None)
    speakers.subtract(old_speakers)
    update_quote_counts(db, speakers)
    return len(quotes), len(claims)


def log(db: sqlite_utils.Database, source: str, status: str, loaded_at: str,
        error: str | None = None, article_id: str | None = None) -> None:
    """One load_log row: every input the loader saw, so nothing fails silently."""
    with db.atomic():
        insert_rows(db, "load_log", [{
            "source": source,
            "status": status,
            "error": error,
            "article_id": article_id,
            "loaded_at": loaded_at,
        }])
