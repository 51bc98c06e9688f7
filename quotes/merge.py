"""`quotes merge`: databases loaded apart (one per partition of a corpus, on as many
machines) combined into one, as if everything had been loaded there.

A shard is an ordinary `quotes load` database. Its base rows (articles, quotes, claims,
roles, quote mentions, article entities and entity references, the load log, reviews)
are copied into the target with SQL, the entity ids they hold mapped onto the target's
entities (same name and kind, or new rows); then one `quotes refresh` resolves the
whole corpus and rebuilds what is derived across articles (quote and claim groups,
follow-ups, aliases, counts). Nothing is extracted again: a merge costs a copy and a
refresh, not a load.

The result is the database a single load of the shards' inputs, in shard order, makes:
an article already in the target (same id, or the same text under another id) is
skipped, as `quotes load` skips it, and the refresh's answers depend only on the base
rows. Entity ids may be numbered differently (they are given out as entities first
appear); compare databases by names, as the tests do.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import sqlite_utils

from quotes.corpus import entity_lookup
from quotes.corpus.tracking import RefreshSummary, refresh
from quotes.store import schema, writer
from quotes.store.bulk import BatchIndexes
from quotes.store.deferred import IndexDeferral
from quotes.store.transaction import write_transaction

# Base tables in the order their foreign keys need, with the columns holding entity ids.
COPIED: list[tuple[str, tuple[str, ...]]] = [
    ("articles", ()),
    ("article_entities", ("entity_id",)),
    ("quotes", ("speaker_id",)),
    ("quote_mentions", ("entity_id",)),
    ("claims", ("subject_id", "organization_id", "by_id")),
    ("roles", ("entity_id", "organization_id")),
    ("entity_refs", ()),
]
# Which rows of a copied table belong to the articles being added.
_BELONGS = {
    "articles": "id in (select id from temp.merge_new)",
    "quote_mentions": "quote_id in (select id from shard.quotes where article_id in (select id from temp.merge_new))",
}
_ENTITY_COLUMNS = ("name", "kind", "gender", "description", "first_seen", "last_seen")


class MergeError(Exception):
    """A shard that cannot be merged: missing, not a quotes database, another schema."""


@dataclass
class MergeSummary:
    shards: int = 0
    articles: int = 0  # added
    skipped: int = 0  # already in the target, or in an earlier shard
    quotes: int = 0
    claims: int = 0
    entities: int = 0  # entity rows created in the target
    refreshed: RefreshSummary | None = None
    per_shard: list[tuple[str, int, int]] = field(default_factory=list)  # (path, added, skipped)

    def line(self) -> str:
        return (f"Merged {self.shards} shard{'s' if self.shards != 1 else ''}: {self.articles} articles added "
                f"({self.quotes} quotes, {self.claims} claims), {self.skipped} already there")


def merge_databases(target: str | Path, shards: Iterable[str | Path],
                    progress: Callable[[str, int, int], None] | None = None) -> MergeSummary:
    """Copy each shard's articles into `target` (created if need be), then refresh once."""
    shards = [Path(s) for s in shards]
    target = Path(target)
    for shard in shards:  # every shard checked before anything is written
        if not shard.is_file():
            raise MergeError(f"no database at {shard}")
        if target.exists() and shard.resolve() == target.resolve():
            raise MergeError(f"{shard} is the target database itself")
    db = schema.connect(target)
    summary = MergeSummary()
    try:
        wanted = schema.schema_version(db)
        for shard in shards:
            try:
                _check_shard(shard, wanted)
            except MergeError as error:
                _log_refusal(db, shard, error)
                raise
        with IndexDeferral(db) as deferral:  # big shards: serving indexes built once, at the end
            for shard in shards:  # each shard in one transaction: all of its articles or none
                try:
                    added, skipped = _merge_one(db, shard, summary, deferral)
                except sqlite3.DatabaseError as error:  # damaged past its first pages
                    error = MergeError(f"cannot read {shard}: {error}; nothing of it was merged")
                    _log_refusal(db, shard, error)
                    raise error from None
                summary.shards += 1
                summary.per_shard.append((str(shard), added, skipped))
                if progress:
                    progress(str(shard), added, skipped)
        if summary.articles:
            summary.refreshed = refresh(db)
    finally:
        db.close()
    return summary


def _log_refusal(db: sqlite_utils.Database, shard: Path, error: MergeError) -> None:
    writer.log(db, str(shard), "error", datetime.now(timezone.utc).isoformat(timespec="seconds"),
              error=f"merge: {error}")


def _check_shard(shard: Path, wanted: str | None) -> None:
    """A quotes database of the target's schema, read without writing to it."""
    try:
        conn = sqlite3.connect(f"{shard.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise MergeError(f"cannot open {shard}: {error}") from None
    try:
        try:
            tables = {r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")}
        except sqlite3.DatabaseError as error:
            raise MergeError(f"{shard} is not an SQLite database ({error})") from None
        if "articles" not in tables or "_sqlite_migrations" not in tables:
            raise MergeError(f"{shard} is not a quotes database (no articles table or migrations)")
        row = conn.execute("select name from _sqlite_migrations where migration_set = 'quotes' "
                           "order by rowid desc limit 1").fetchone()
    finally:
        conn.close()
    version = row[0] if row else None
    if version != wanted:
        raise MergeError(
            f"{shard} has schema {version or 'none'}, this version of quotes {wanted}: open it "
            f"once with this version (`quotes refresh --db {shard}`) to bring it up to date")


def _merge_one(db: sqlite_utils.Database, shard: Path, summary: MergeSummary,
               deferral: IndexDeferral) -> tuple[int, int]:
    """One shard, in one transaction: all of its new articles or none."""
    conn = db.conn
    conn.execute("attach database ? as shard", [str(shard)])
    try:
        indexes = BatchIndexes(db)
        with write_transaction(db):
            deferral.maybe_set_aside(coming=conn.execute("select count(*) from shard.quotes").fetchone()[0])
            indexes.begin()
            added, skipped = _copy(db, shard, summary)
            indexes.end()
        return added, skipped
    finally:
        conn.execute("detach database shard")


def _copy(db: sqlite_utils.Database, shard: Path, summary: MergeSummary) -> tuple[int, int]:
    conn = db.conn
    # The shard's articles the target lacks: not the same id, not the same text (the
    # duplicate check of `quotes load`).
    conn.execute("drop table if exists temp.merge_new")
    conn.execute("""create temp table merge_new as
        select s.id from shard.articles s
        where not exists (select 1 from main.articles a where a.id = s.id)
          and not exists (select 1 from main.articles a where a.content_hash = s.content_hash)
        order by s.rowid""")
    added = conn.execute("select count(*) from temp.merge_new").fetchone()[0]
    conn.execute(f"insert into main.[{schema.REFRESH_LOG}] (kind, article_id) "
                 "select 'stored', id from temp.merge_new order by rowid")
    total = conn.execute("select count(*) from shard.articles").fetchone()[0]
    skipped = total - added
    _map_entities(db, summary)
    for table, entity_columns in COPIED:
        columns = list(schema.TABLES[table]["columns"])
        select = ", ".join(
            f"(select id from temp.merge_entities where shard_id = s.[{c}])" if c in entity_columns
            else f"s.[{c}]" for c in columns)
        where = _BELONGS.get(table, "article_id in (select id from temp.merge_new)")
        # Two shard entities can map to one target entity: a quote mentioning both keeps one row.
        verb = "insert or ignore" if table == "quote_mentions" else "insert"
        conn.execute(f"{verb} into main.[{table}] ({', '.join(f'[{c}]' for c in columns)}) "
                     f"select {select} from shard.[{table}] as s where s.{where} order by s.rowid")
    summary.quotes += conn.execute(
        "select count(*) from shard.quotes where article_id in (select id from temp.merge_new)").fetchone()[0]
    summary.claims += conn.execute(
        "select count(*) from shard.claims where article_id in (select id from temp.merge_new)").fetchone()[0]
    _copy_log(db, shard, skipped)
    _copy_reviews(db)
    summary.articles += added
    summary.skipped += skipped
    return added, skipped


def _map_entities(db: sqlite_utils.Database, summary: MergeSummary) -> None:
    """temp.merge_entities: each shard entity the new rows refer to -> a target entity of
    the same name and kind, created when there is none (the refresh then resolves them)."""
    conn = db.conn
    conn.execute("drop table if exists temp.merge_entities")
    conn.execute("create temp table merge_entities (shard_id integer primary key, id integer)")
    new = "(select id from temp.merge_new)"
    used = f"""
        select entity_id from shard.article_entities where article_id in {new}
        union select speaker_id from shard.quotes where article_id in {new}
        union select entity_id from shard.quote_mentions
          where quote_id in (select id from shard.quotes where article_id in {new})
        union select subject_id from shard.claims where article_id in {new}
        union select organization_id from shard.claims where article_id in {new}
        union select by_id from shard.claims where article_id in {new}
        union select entity_id from shard.roles where article_id in {new}
        union select organization_id from shard.roles where article_id in {new}"""
    rows = conn.execute(f"""select id, {', '.join(_ENTITY_COLUMNS)} from shard.entities
                            where id in ({used}) order by id""").fetchall()
    pairs = []
    for shard_id, *values in rows:
        entity = dict(zip(_ENTITY_COLUMNS, values))
        found = conn.execute("select id from main.entities where name = ? and kind is ? order by id limit 1",
                             [entity["name"], entity["kind"]]).fetchone()
        if found:
            pairs.append((shard_id, found[0]))
        else:
            new_id = schema.insert_rows(db, "entities", [{**entity, "quote_count": 0}])
            entity_lookup.add(db, entity_lookup.keys_of(new_id, entity["name"], entity["kind"]))
            pairs.append((shard_id, new_id))
            summary.entities += 1
    conn.executemany("insert into temp.merge_entities (shard_id, id) values (?, ?)", pairs)


def _copy_log(db: sqlite_utils.Database, shard: Path, skipped: int) -> None:
    """The shard's log for what it adds (and its errors: inputs it could not read), and
    one line for the merge itself."""
    columns = [c for c in schema.TABLES["load_log"]["columns"] if c != "id"]
    names = ", ".join(f"[{c}]" for c in columns)
    db.conn.execute(f"""insert into main.load_log ({names}) select {names} from shard.load_log
        where article_id in (select id from temp.merge_new) or (article_id is null and status = 'error')
        order by id""")
    added = db.execute("select count(*) from temp.merge_new").fetchone()[0]
    note = f"merged from {shard}: {added} articles added, {skipped} already there"
    writer.log(db, str(shard), "ok", datetime.now(timezone.utc).isoformat(timespec="seconds"), error=note)


def _copy_reviews(db: sqlite_utils.Database) -> None:
    """Reviews are user data: every one the target does not hold yet comes along."""
    columns = [c for c in schema.TABLES["reviews"]["columns"] if c != "id"]
    names = ", ".join(f"[{c}]" for c in columns)
    same = " and ".join(f"r.[{c}] is s.[{c}]" for c in ("quote_id", "claim_id", "reviewer", "rating", "created_at"))
    db.conn.execute(f"""insert into main.reviews ({names}) select {names} from shard.reviews as s
        where not exists (select 1 from main.reviews as r where {same}) order by s.id""")
