"""The database schema as data, its migrations and one idempotent `ensure_schema`.

Tables are created explicitly before the first insert so that types, foreign keys and
full-text search never depend on which record happened to come first. Schema changes
are sqlite-utils Migrations, recorded in `_sqlite_migrations`; each migration is itself
idempotent ("create what is missing"), so it is safe on a database made by other means.
"""
from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import sqlite_utils
from sqlite_utils import Migrations

from quotes.model import short_hash
from quotes.store import deferred, facet_counts
from quotes.store.transaction import write_transaction

# --- the schema, declaratively -------------------------------------------------------

TABLES: dict[str, dict] = {
    "articles": {
        "columns": {
            "id": str, "source_id": str, "url": str, "title": str, "publisher": str,
            "published": str, "author": str, "section": str, "source": str, "body": str,
            "word_count": int, "content_hash": str, "loaded_at": str,
            "published_year": int, "published_month": str,  # 0002: for facets
            "canonical_url": str,  # 0010: the address the page claims, url or not
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
    # --- 0003: following people, quotes and claims across articles ---
    # Base rows: each article's own entities as extraction named them, and which of them
    # each quote and claim refers to. `quotes refresh` (quotes/corpus/tracking.py) resolves them
    # into corpus entities from these rows alone, so the result never depends on the
    # order articles arrived in. entity_id and resolution are that derived answer.
    "article_entities": {
        "columns": {
            "id": str, "article_id": str, "name": str, "kind": str, "aliases": str,
            "description": str, "gender": str, "entity_id": int, "resolution": str,
        },
        "pk": "id",
        "foreign_keys": [("article_id", "articles", "id"), ("entity_id", "entities", "id")],
    },
    # row_id is a quotes.id (role speaker, mention) or a claims.id (role subject,
    # organization, by): two tables, so no foreign key on it.
    "entity_refs": {
        "columns": {"row_id": str, "role": str, "article_entity_id": str, "article_id": str},
        "pk": ("row_id", "role", "article_entity_id"),
        "foreign_keys": [
            ("article_entity_id", "article_entities", "id"),
            ("article_id", "articles", "id"),
        ],
    },
    # Derived by `quotes refresh`: the same quote across articles (text_hash, plus a
    # shorter excerpt contained in a longer quote), keyed by the longest text's hash.
    "quote_groups": {
        "columns": {
            "key": str, "text": str, "words": int, "quotes": int, "articles": int,
            "publishers": int, "speakers": int, "speaker_names": str, "conflicting": int,
            "first_quote_id": str, "first_article_id": str, "first_published": str,
            "first_publisher": str, "first_url": str, "first_speaker_id": int,
            "first_speaker_name": str, "last_published": str,
        },
        "pk": "key",
        "foreign_keys": [
            ("first_article_id", "articles", "id"),
            ("first_speaker_id", "entities", "id"),
        ],
    },
    "quote_group_members": {
        "columns": {"quote_id": str, "group_key": str, "match": str},
        "pk": "quote_id",
        "foreign_keys": [("quote_id", "quotes", "id"), ("group_key", "quote_groups", "key")],
    },
    # Derived: the same claim (subject, kind, normalised object) across articles.
    "claim_groups": {
        "columns": {
            "key": str, "kind": str, "subject_id": int, "subject_name": str, "object": str,
            "text": str, "claims": int, "articles": int, "publishers": int,
            "first_reported": str, "last_reported": str, "first_claim_id": str,
            "first_article_id": str, "first_publisher": str, "first_url": str,
        },
        "pk": "key",
        "foreign_keys": [
            ("subject_id", "entities", "id"),
            ("first_article_id", "articles", "id"),
        ],
    },
    "claim_group_members": {
        "columns": {"claim_id": str, "group_key": str, "reported": str},
        "pk": "claim_id",
        "foreign_keys": [("claim_id", "claims", "id"), ("group_key", "claim_groups", "key")],
    },
    # Derived: a no-comment claim followed by its subject's later quotes on the topic.
    "claim_followups": {
        "columns": {
            "claim_id": str, "quote_id": str, "subject_id": int, "rank": int,
            "claim_reported": str, "quote_published": str, "days_later": int,
            "shared": str, "reason": str,
        },
        "pk": ("claim_id", "quote_id"),
        "foreign_keys": [
            ("claim_id", "claims", "id"),
            ("quote_id", "quotes", "id"),
            ("subject_id", "entities", "id"),
        ],
    },
    # A fact-checker's verdicts (`quotes review`). User data, not derived: no foreign
    # keys, so a review outlives a reload of its article; text_hash and the text
    # reviewed find the quote again.
    "reviews": {
        "columns": {
            "id": int, "quote_id": str, "claim_id": str, "article_id": str, "text_hash": str,
            "claim_reviewed": str, "rating": str, "rating_value": float,
            "best_rating": float, "worst_rating": float, "reviewer": str,
            "reviewer_type": str, "url": str, "date_published": str, "created_at": str,
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
    "article_entities": [["article_id"], ["entity_id"], ["kind"], ["resolution"]],
    "entity_refs": [["article_entity_id"], ["article_id"], ["role"]],
    "quote_groups": [
        ["articles"], ["publishers"], ["speakers"], ["conflicting"], ["first_published"],
        ["first_article_id"], ["first_speaker_id"], ["first_publisher"], ["words"],
    ],
    "quote_group_members": [["group_key"], ["match"]],
    "claim_groups": [
        ["kind"], ["subject_id"], ["subject_name"], ["articles"], ["publishers"],
        ["first_reported"], ["last_reported"], ["first_article_id"],
    ],
    "claim_group_members": [["group_key"], ["reported"]],
    "claim_followups": [["quote_id"], ["subject_id"], ["rank"]],
    "reviews": [["quote_id"], ["claim_id"], ["article_id"], ["text_hash"], ["reviewer"], ["rating"]],
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
    # 0003: who held which post as of when, one row per person and post: the reports of
    # one post are a claim group (quotes refresh), titled as first reported; before a
    # refresh, roles of the same title (case aside).
    "role_timeline": """
select
  grouped.entity_id,
  grouped.title,
  entities.name,
  grouped.organization_id,
  org.name as organization,
  grouped.first_reported,
  grouped.last_reported,
  grouped.reports,
  grouped.articles
from (
  select
    roles.entity_id,
    coalesce((select object from claims where claims.id = claim_groups.first_claim_id), min(roles.title)) as title,
    max(roles.organization_id) as organization_id,
    min(roles.as_of) as first_reported,
    max(roles.as_of) as last_reported,
    count(*) as reports,
    count(distinct roles.article_id) as articles
  from roles
    left join claim_group_members on claim_group_members.claim_id = roles.claim_id
    left join claim_groups on claim_groups.key = claim_group_members.group_key
  group by roles.entity_id, coalesce(claim_groups.key, lower(roles.title))
) grouped
  join entities on entities.id = grouped.entity_id
  left join entities org on org.id = grouped.organization_id
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


@MIGRATIONS(name="0003_fact_tracking")
def _fact_tracking(db: sqlite_utils.Database) -> None:
    """Tables for following people, quotes and claims across articles (article_entities,
    entity_refs, quote and claim groups, follow-ups, reviews) and the role_timeline view.

    A database loaded before this has no article_entities: they are rebuilt from the
    references it does have (one per article and entity its quotes and claims name,
    under the entity's current name and aliases), so `quotes refresh` can work on it.
    Entities that nothing references keep their rows and are left alone by refresh.
    """
    for name, spec in TABLES.items():  # columns missing from tables that exist, then the rest
        if db[name].exists():
            have = db[name].columns_dict
            for column, type_ in spec["columns"].items():
                if column not in have:
                    db[name].add_column(column, type_)
    _create_schema(db)
    if db.execute("select count(*) from article_entities").fetchone()[0]:
        return
    backfill_article_entities(db)


def backfill_article_entities(db: sqlite_utils.Database) -> int:
    """article_entities and entity_refs from the entity ids already stored; returns rows made."""
    refs = db.execute("""
        select article_id, id, 'speaker', speaker_id from quotes where speaker_id is not null
        union all
        select quotes.article_id, quote_mentions.quote_id, 'mention', quote_mentions.entity_id
          from quote_mentions join quotes on quotes.id = quote_mentions.quote_id
        union all
        select article_id, id, 'subject', subject_id from claims where subject_id is not null
        union all
        select article_id, id, 'organization', organization_id from claims where organization_id is not null
        union all
        select article_id, id, 'by', by_id from claims where by_id is not null
    """).fetchall()
    if not refs:
        return 0
    entities = {r[0]: r[1:] for r in db.execute(
        "select id, name, kind, description, gender from entities")}
    aliases: dict[int, list[str]] = {}
    for entity_id, alias in db.execute("select entity_id, alias from aliases order by entity_id, alias"):
        aliases.setdefault(entity_id, []).append(alias)
    made: dict[str, dict] = {}
    ref_rows = []
    for article_id, row_id, role, entity_id in refs:
        if entity_id not in entities:
            continue
        name, kind, description, gender = entities[entity_id]
        ae_id = article_entity_id(article_id, name or str(entity_id))
        made.setdefault(ae_id, {
            "id": ae_id, "article_id": article_id, "name": name, "kind": kind,
            "aliases": json.dumps(aliases.get(entity_id, []), ensure_ascii=False),
            "description": description, "gender": gender, "entity_id": entity_id,
            "resolution": "backfill",
        })
        ref_rows.append({"row_id": row_id, "role": role, "article_entity_id": ae_id,
                         "article_id": article_id})
    with db.atomic():
        insert_rows(db, "article_entities", list(made.values()), "on conflict do nothing")
        insert_rows(db, "entity_refs", ref_rows, "on conflict do nothing")
    return len(made)


# Indexes for Datasette pages at a million quotes (benchmarks/serve_bench.py): a
# speaker's quotes in page order read 200 index entries instead of sorting 18,000
# rows; the people quoted beside a speaker are counted from an index alone. 0004 also
# made (kind, column) indexes for the pages with a kind chosen; 0006 replaced them
# with pair counts that answer kind, cue, publisher and year alike (BROAD_FACETS).
FACET_COLUMNS = ("kind", "speaker_name", "cue", "said_year", "said_month", "publisher")
BROAD_FACETS: tuple[str, ...] = ()  # 0006: pair counts instead (kind was here)
SERVING_INDEXES: dict[str, str] = {
    "idx_quotes_speaker_order": "quotes (speaker_id, coalesce(said_on, published), published, article_id, start)",
    "idx_quotes_article_speaker": "quotes (article_id, speaker_id)",
    **{f"idx_quotes_{lead}_{column}": f"quotes ({lead}, {column})"
       for lead in BROAD_FACETS for column in FACET_COLUMNS if column != lead},
}


@MIGRATIONS(name="0004_perf_serving_indexes")
def _serving_indexes(db: sqlite_utils.Database) -> None:
    """SERVING_INDEXES, where missing."""
    for name, target in SERVING_INDEXES.items():
        db.execute(f"create index if not exists [{name}] on {target}")


@MIGRATIONS(name="0005_perf_facet_counts")
def _facet_counts(db: sqlite_utils.Database) -> None:
    """quote_facet_counts and the triggers that keep it exact (quotes/store/facet_counts.py)."""

    facet_counts.ensure(db)


# 0006: pages filtered on one broad value (cue = said keeps a third of the table) read
# their other facets from quote_pair_counts (quotes/store/facet_counts.py), so the
# (kind, column) indexes that served kind alone are dropped: 14 counter updates a quote
# instead of 5 index entries placed at random. Datasette shows a filtered page in
# primary-key order; without statistics that know `said` is common, the planner reads
# every `cue = said` row through the cue index and sorts 350,000 ids (250 ms), so the
# cue index carries the key: (cue, id) gives the first page in 100 look-ups.
DROPPED_SERVING_INDEXES = [f"idx_quotes_kind_{column}" for column in FACET_COLUMNS if column != "kind"]
KEYED_INDEXES: dict[str, str] = {"idx_quotes_cue": "idx_quotes_cue_id"}


@MIGRATIONS(name="0006_perf_pair_counts")
def _pair_counts(db: sqlite_utils.Database) -> None:
    """quote_pair_counts and its triggers (quotes/store/facet_counts.py); (cue, id) for cue."""

    for name in DROPPED_SERVING_INDEXES:
        db.execute(f"drop index if exists [{name}]")
    for plain, keyed in KEYED_INDEXES.items():
        column = plain.removeprefix("idx_quotes_")
        db.execute(f"create index if not exists [{keyed}] on quotes ([{column}], id)")
        db.execute(f"drop index if exists [{plain}]")
    facet_counts.ensure(db)


# 0007: single-column indexes whose column leads a serving index: every look-up by
# article or by speaker (foreign-key checks included) uses (article_id, speaker_id) or
# idx_quotes_speaker_order, and the writer keeps two index entries a quote fewer (5%).
COVERED_INDEXES = {"idx_quotes_article_id": "idx_quotes_article_speaker",
                   "idx_quotes_speaker_id": "idx_quotes_speaker_order"}


@MIGRATIONS(name="0007_perf_drop_covered_indexes")
def _drop_covered_indexes(db: sqlite_utils.Database) -> None:
    """The indexes of COVERED_INDEXES, once the index that covers each exists."""
    for name, covering in COVERED_INDEXES.items():
        if db.execute("select 1 from sqlite_master where type = 'index' and name = ?", [covering]).fetchone():
            db.execute(f"drop index if exists [{name}]")


# 0008: the full-text update triggers fire for an update of an indexed column only. They
# fired for every update: each quote_count, first_seen or last_seen change of an entity
# (every article that quotes it) and each speaker renamed on a quote re-indexed the row.
def fts_update_trigger(table: str, columns: list[str]) -> str:
    fts = f"[{table}_fts]"
    names = ", ".join(f"[{c}]" for c in columns)
    old = ", ".join(f"old.[{c}]" for c in columns)
    new = ", ".join(f"new.[{c}]" for c in columns)
    return (f"create trigger [{table}_au] after update of {names} on [{table}] begin "
            f"insert into {fts} ({fts}, rowid, {names}) values ('delete', old.rowid, {old}); "
            f"insert into {fts} (rowid, {names}) values (new.rowid, {new}); end")


@MIGRATIONS(name="0008_perf_fts_update_of_columns")
def _fts_update_of_columns(db: sqlite_utils.Database) -> None:
    for table, columns in FTS.items():
        if db.execute("select 1 from sqlite_master where type = 'trigger' and name = ?",
                      [f"{table}_au"]).fetchone():
            db.execute(f"drop trigger [{table}_au]")
            db.execute(fts_update_trigger(table, columns))


@MIGRATIONS(name="0009_perf_deferred_indexes")
def _deferred_indexes(db: sqlite_utils.Database) -> None:
    """The ledger of indexes a big load sets aside until its end (quotes/store/deferred.py)."""

    deferred.create_ledger(db)


# 0010: a page's claimed address kept apart from the article's own. A page fetched from
# one site that declares another site's canonical URL no longer takes that URL (and with
# it the id, and the place, of the article stored under it): url is where it was read
# from, canonical_url what it claims (quotes/readers/html.py, article_url; the writer's
# claimed_elsewhere for saved files).
@MIGRATIONS(name="0010_article_canonical_url")
def _canonical_url(db: sqlite_utils.Database) -> None:
    """articles.canonical_url, where missing. Articles loaded before it keep NULL there:
    what their pages claimed was not kept, and their url is left as it was."""
    if "canonical_url" not in db["articles"].columns_dict:
        db["articles"].add_column("canonical_url", str)


# 0011: what the incremental refresh (quotes/corpus/tracking.py) needs to know. The
# writer logs each article it stores, and what an article it deletes had derived (its
# mentions' names and entity ids, its quotes' words and groups, its claims' groups), in
# REFRESH_LOG, in the same transaction; a refresh reads the log, works on what it
# touches, and empties it. REFRESH_STATE holds one row once a refresh has run with the
# log in place: without it (a database from before the log) the next refresh is full.
# article_entities (name, kind, entity_id) finds a name's mentions and the entities
# they hold without reading the table.
REFRESH_LOG = "_refresh_log"
REFRESH_STATE = "_refresh_state"


@MIGRATIONS(name="0011_incremental_refresh")
def _incremental_refresh(db: sqlite_utils.Database) -> None:
    db.execute(f"create table if not exists [{REFRESH_LOG}] (id integer primary key, kind text not null, "
               "article_id text, value text)")
    db.execute(f"create table if not exists [{REFRESH_STATE}] (key text primary key, value text)")
    db.execute("create index if not exists idx_article_entities_name_kind_entity "
               "on article_entities (name, kind, entity_id)")
    # The resolution's keys of each way a name is written (quotes.corpus.incremental):
    # its node ("kind:key"), a person's surname, the nodes its aliases name.
    db.execute("create table if not exists _entity_keys (kind text, name text, aliases text, node text, "
               "last text, targets text, primary key (kind, name, aliases))")
    db.execute("create index if not exists idx_entity_keys_node on _entity_keys (node)")
    db.execute("create index if not exists idx_entity_keys_last on _entity_keys (last)")
    db.execute("create table if not exists _entity_alias_keys (target text, kind text, name text, "
               "aliases text, primary key (target, kind, name, aliases))")


# 0012: what an incremental refresh resumes from instead of reading every row again
# (quotes/corpus/incremental.py and the modules it names), filled by the next refresh,
# which is a full one (incremental.RULES):
# - _mention_classes: the classes of mentions the corpus resolution reads, with the answer
#   their mentions hold and their counts (quotes/corpus/mention_classes.py), so that a
#   refresh reads a few hundred classes instead of every mention of its names;
# - _quote_group_state, _claim_group_state: what a group's row does not say but adding to
#   it needs (publishers and speakers seen, each article's speakers, where the first
#   member appears; quotes/corpus/quote_group_rows.py, claim_group_rows.py), for groups
#   of more than one member: a group reprinted hundreds of times gains new articles'
#   quotes without its members being read.
@MIGRATIONS(name="0012_refresh_summaries")
def _refresh_summaries(db: sqlite_utils.Database) -> None:
    db.execute("""create table if not exists _mention_classes (class text not null, kind text, name text,
        entity_id integer, resolution text, mentions integer not null, first_key text not null,
        least_id text not null, last_published text)""")
    db.execute("create index if not exists idx_mention_classes_name_kind on _mention_classes (name, kind)")
    db.execute("create index if not exists idx_mention_classes_class on _mention_classes (class)")
    db.execute("create index if not exists idx_mention_classes_entity on _mention_classes (entity_id)")
    db.execute("create table if not exists _quote_group_state (key text primary key, state text not null)")
    db.execute("create table if not exists _claim_group_state (key text primary key, state text not null)")


# 0013: the keys the entity registry looks names up by (quotes/corpus/entity_lookup.py):
# one row per entity name, person's surname and alias, by folded key, so that a load
# reads the entities its articles' names can match instead of every entity. Filled by
# the registry, the first time it opens a database without it.
@MIGRATIONS(name="0013_entity_lookup")
def _entity_lookup(db: sqlite_utils.Database) -> None:
    db.execute("""create table if not exists _entity_lookup (key text not null, via text not null,
        entity_id integer not null, primary key (key, via, entity_id)) without rowid""")
    db.execute("create index if not exists idx_entity_lookup_entity on _entity_lookup (entity_id)")


# 0014: each text's first six words, hashed (quotes/corpus/tracking.py, text_start): a text
# inside a new quote starts with one of the new quote's runs of six words, so an
# incremental refresh finds the texts inside a new quote by a look-up for each of its
# runs, not for each of its sub-texts (quadratic in its length). Filled by the next
# (full) refresh.
@MIGRATIONS(name="0014_text_starts")
def _text_starts(db: sqlite_utils.Database) -> None:
    db.execute("create table if not exists _text_starts (text_hash text primary key, start text not null)")
    db.execute("create index if not exists idx_text_starts_start on _text_starts (start)")


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
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    db.execute("PRAGMA foreign_keys = ON")
    if not db.memory:
        _enable_wal(db)
        db.execute("PRAGMA synchronous = NORMAL")
    if MIGRATIONS.pending(db):
        # Under the write lock, so two loads starting on a new file do not both create
        # the schema; apply() looks again inside and finds nothing left for the second.
        with write_transaction(db):
            MIGRATIONS.apply(db)

    deferred.restore(db)  # indexes a load set aside and did not get to build (a crash)
    return db


BUSY_TIMEOUT_MS = 60_000  # how long a writer waits for another's transaction to end


def _enable_wal(db: sqlite_utils.Database) -> None:
    """Switch to WAL, waiting out another process that is switching or writing.

    Changing the journal mode of a new file while a second load opens it can fail at
    once with "database is locked": SQLite does not call the busy handler for it. So
    retry until the busy timeout; once the other process has switched, the mode read
    back is already WAL and there is nothing left to do.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    pause = 0.01
    while True:
        try:
            db.enable_wal()
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() >= deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.5)


# --- rows keyed by the schema -------------------------------------------------------
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


def article_entity_id(article_id: str, name: str) -> str:
    """Stable id of one article's entity: the article and the name extraction gave it."""
    return short_hash(article_id, "entity", name)
