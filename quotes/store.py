"""The database schema as data, one idempotent `ensure_schema`, and the per-article write.

Tables are created explicitly before the first insert so that types, foreign keys and
full-text search never depend on which record happened to come first. Schema changes
are sqlite-utils Migrations, recorded in `_sqlite_migrations`; each migration is itself
idempotent ("create what is missing"), so it is safe on a database made by other means.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import sqlite_utils
from sqlite_utils import Migrations

from quotes.model import Article, Claim, Entity, Extraction, Quote, short_hash

# --- the schema, declaratively -------------------------------------------------------

TABLES: dict[str, dict] = {
    "articles": {
        "columns": {
            "id": str, "source_id": str, "url": str, "title": str, "publisher": str,
            "published": str, "author": str, "section": str, "source": str, "body": str,
            "word_count": int, "content_hash": str, "loaded_at": str,
            "published_year": int, "published_month": str,  # 0002: for facets
        },
        "pk": "id",
    },
    "entities": {
        "columns": {
            "id": int, "name": str, "kind": str, "gender": str, "description": str,
            "first_seen": str, "last_seen": str, "quote_count": int,
        },
        "pk": "id",
        "defaults": {"quote_count": 0},
    },
    "aliases": {
        "columns": {"entity_id": int, "alias": str},
        "pk": ("entity_id", "alias"),
        "foreign_keys": [("entity_id", "entities", "id")],
    },
    "quotes": {
        "columns": {
            "id": str, "article_id": str, "speaker_id": int, "speaker_text": str,
            "speaker_name": str, "text": str, "kind": str, "cue": str, "said_on": str,
            "date_text": str, "said_year": int, "said_month": str, "paragraph": int,
            "start": int, "end": int, "method": str, "confidence": float,
            "text_hash": str, "publisher": str, "published": str,
        },
        "pk": "id",
        "foreign_keys": [
            ("article_id", "articles", "id"),
            ("speaker_id", "entities", "id"),
        ],
    },
    "quote_mentions": {
        "columns": {"quote_id": str, "entity_id": int},
        "pk": ("quote_id", "entity_id"),
        "foreign_keys": [("quote_id", "quotes", "id"), ("entity_id", "entities", "id")],
    },
    "claims": {
        "columns": {
            "id": str, "article_id": str, "subject_id": int, "subject_name": str,
            "kind": str, "text": str, "object": str, "organization_id": int,
            "by_id": int, "date": str, "as_of": str, "start": int, "end": int,
            "confidence": float,
        },
        "pk": "id",
        "foreign_keys": [
            ("article_id", "articles", "id"),
            ("subject_id", "entities", "id"),
            ("organization_id", "entities", "id"),
            ("by_id", "entities", "id"),
        ],
    },
    "roles": {
        "columns": {
            "id": str, "entity_id": int, "title": str, "organization_id": int,
            "as_of": str, "article_id": str, "claim_id": str,
        },
        "pk": "id",
        "foreign_keys": [
            ("entity_id", "entities", "id"),
            ("organization_id", "entities", "id"),
            ("article_id", "articles", "id"),
            ("claim_id", "claims", "id"),
        ],
    },
    # No foreign key on article_id: the log also records articles that failed to load.
    "load_log": {
        "columns": {
            "id": int, "source": str, "status": str, "error": str,
            "article_id": str, "loaded_at": str,
        },
        "pk": "id",
    },
}

# Every facet column and every foreign key gets an index (facets on unindexed columns
# time out at a million rows, see STYLE.md).
INDEXES: dict[str, list[list[str]]] = {
    "articles": [
        ["url"], ["content_hash"], ["source_id"], ["publisher"], ["published"],
        ["published_year"], ["published_month"],
    ],
    "entities": [["name"], ["kind"], ["quote_count"]],
    "aliases": [["alias"]],
    "quotes": [
        ["article_id"], ["speaker_id"], ["speaker_name"], ["kind"], ["cue"],
        ["said_on"], ["said_year"], ["said_month"], ["publisher"], ["published"],
        ["text_hash"],
    ],
    "quote_mentions": [["entity_id"]],
    "claims": [
        ["article_id"], ["subject_id"], ["subject_name"], ["kind"],
        ["organization_id"], ["by_id"], ["date"], ["as_of"],
    ],
    "roles": [
        ["entity_id"], ["organization_id"], ["article_id"], ["claim_id"], ["title"],
        ["as_of"],
    ],
    "load_log": [["status"], ["source"], ["article_id"]],
}

FTS: dict[str, list[str]] = {
    "quotes": ["text"],
    "claims": ["text"],
    "articles": ["title", "body"],
    "entities": ["name", "description"],  # 0002
}

# quotes.rowid as rowid lets Datasette search the view through quotes_fts.
VIEWS: dict[str, str] = {
    "quotes_view": """
select
  quotes.rowid as rowid,
  quotes.id,
  quotes.said_on,
  entities.name as speaker_name,
  quotes.text,
  quotes.kind,
  quotes.cue,
  quotes.speaker_text,
  articles.title as article_title,
  articles.url as article_url,
  quotes.publisher,
  quotes.published,
  quotes.article_id,
  quotes.speaker_id
from quotes
  join articles on articles.id = quotes.article_id
  left join entities on entities.id = quotes.speaker_id
""".strip(),
}

MIGRATIONS = Migrations("quotes")


@MIGRATIONS(name="0001_schema")
def _create_schema(db: sqlite_utils.Database) -> None:
    """Tables, indexes, full-text search and views from the dicts above, where missing."""
    for name, spec in TABLES.items():
        db.create_table(
            name,
            spec["columns"],
            pk=spec["pk"],
            foreign_keys=spec.get("foreign_keys"),
            defaults=spec.get("defaults"),
            ignore=True,
        )
    for name, index_list in INDEXES.items():
        for columns in index_list:
            db[name].create_index(columns, if_not_exists=True)
    for name, columns in FTS.items():
        if not db[f"{name}_fts"].exists():
            db[name].enable_fts(columns, create_triggers=True)
    for name, sql in VIEWS.items():
        db.create_view(name, sql, replace=True)


@MIGRATIONS(name="0002_published_parts_entity_search")
def _published_parts(db: sqlite_utils.Database) -> None:
    """articles.published_year and published_month (plain indexed columns for facets,
    like quotes.said_year and said_month) filled from published; entity names searchable.

    Adds what 0001 did not create on an older database, then runs 0001 again, which
    creates only the indexes and full-text tables that are missing.
    """
    for name, spec in TABLES.items():
        have = db[name].columns_dict
        for column, type_ in spec["columns"].items():
            if column not in have:
                db[name].add_column(column, type_)
    db.execute(
        "update articles set published_year = case when published glob '[0-9][0-9][0-9][0-9]*' "
        "then cast(substr(published, 1, 4) as integer) end, "
        "published_month = case when published glob '[0-9][0-9][0-9][0-9]-[0-9][0-9]*' "
        "then substr(published, 1, 7) end "
        "where published_year is null and published is not null"
    )
    _create_schema(db)


def schema_version(db: sqlite_utils.Database) -> str | None:
    """The name of the last migration applied, or None for a database never ensured."""
    applied = MIGRATIONS.applied(db)
    return applied[-1].name if applied else None


def connect(db_path: str | Path) -> sqlite_utils.Database:
    """Open (creating the folder if needed) and ensure the schema: the one way in."""
    path = Path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite_utils.Database(path)
    ensure_schema(db)
    return db


def ensure_schema(db: sqlite_utils.Database) -> sqlite_utils.Database:
    """Make the database ready to load into; safe to run every time.

    WAL lets Datasette read while a load writes; the busy timeout makes a second
    writer wait rather than fail; foreign keys are enforced for our own writes.
    synchronous=NORMAL is safe in WAL mode (a power cut may lose the last commits,
    never corrupt the file) and spares an fsync per article.
    """
    db.execute("PRAGMA busy_timeout = 10000")
    db.execute("PRAGMA foreign_keys = ON")
    if not db.memory:
        db.enable_wal()
        db.execute("PRAGMA synchronous = NORMAL")
    MIGRATIONS.apply(db)
    return db


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
    }


# --- writes ---------------------------------------------------------------------------
# Plain parametrised SQL on the hot path: sqlite-utils' insert_all re-inspects the
# table on every call, which cost more than the inserts themselves (2 ms an article).


def insert_rows(db: sqlite_utils.Database, table: str, records: list[dict],
                conflict: str = "") -> int | None:
    """INSERT records that share their keys, inside the caller's transaction; the last rowid.

    `conflict` is appended verbatim: "on conflict do nothing", or "upsert" for an
    update of every non-key column when the primary key already exists.
    """
    if not records:
        return None
    columns = list(records[0])
    names = ", ".join(f"[{c}]" for c in columns)
    marks = ", ".join("?" for _ in columns)
    if conflict == "upsert":
        pks = TABLES[table]["pk"]
        pks = [pks] if isinstance(pks, str) else list(pks)
        updates = ", ".join(f"[{c}] = excluded.[{c}]" for c in columns if c not in pks)
        conflict = f"on conflict ({', '.join(pks)}) do update set {updates}"
    sql = f"insert into [{table}] ({names}) values ({marks}) {conflict}"
    if len(records) == 1:
        return db.conn.execute(sql, list(records[0].values())).lastrowid
    db.conn.executemany(sql, [[r[c] for c in columns] for r in records])
    return None


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


def delete_article_rows(db: sqlite_utils.Database, article_id: str) -> set[int]:
    """Remove what an earlier load derived from this article; returns its speakers."""
    speakers = {
        r[0]
        for r in db.execute(
            "select distinct speaker_id from quotes where article_id = ? and speaker_id is not null",
            [article_id],
        )
    }
    db.execute(
        "delete from quote_mentions where quote_id in (select id from quotes where article_id = ?)",
        [article_id],
    )
    db.execute("delete from roles where article_id = ?", [article_id])
    db.execute("delete from quotes where article_id = ?", [article_id])
    db.execute("delete from claims where article_id = ?", [article_id])
    return speakers


def update_quote_counts(db: sqlite_utils.Database, entity_ids: Iterable[int]) -> None:
    ids = sorted({i for i in entity_ids if i is not None})
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        marks = ", ".join("?" for _ in chunk)
        db.execute(
            f"update entities set quote_count = "
            f"(select count(*) from quotes where quotes.speaker_id = entities.id) "
            f"where id in ({marks})",
            chunk,
        )


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
    `registry` is a `quotes.resolve.Registry` bound to the same database.
    """
    old_speakers = delete_article_rows(db, article.id)
    insert_rows(db, "articles", [article_row(article, loaded_at)], "upsert")
    ids = registry.resolve(referenced_entities(extraction), article.published)
    names = registry.names(i for i in ids.values() if i is not None)

    seen: set[str] = set()
    quotes, mentions = [], []
    for q in extraction.quotes:
        base = short_hash(article.id, str(q.start), str(q.end), q.kind)
        if base in seen:  # the same quote twice: keep the first
            continue
        id_ = _unique_id(seen, base)
        speaker_id = ids.get(q.speaker) if q.speaker else None
        quotes.append(quote_row(article, q, id_, speaker_id, names.get(speaker_id)))
        for m in dict.fromkeys(q.mentions):
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
    speakers = {r["speaker_id"] for r in quotes}
    update_quote_counts(db, old_speakers | speakers)
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
