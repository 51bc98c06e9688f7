"""Following people, quotes and claims across the corpus: what `quotes refresh` derives.

A single article is a snapshot; these tables follow people and facts across articles:

- entities: `quotes.corpus.resolve.resolve_corpus` over every article's own entities
  (article_entities), then quotes, claims, roles, mentions and aliases re-pointed at
  the result and the denormalised names (quotes.speaker_name, claims.subject_name)
  brought in line;
- quote_groups / quote_group_members: the same quote across articles, by Quotebank's
  rule (text_hash: the same words after lower-casing and dropping punctuation) plus
  containment (a quote of at least 6 words inside a longer one joins its group);
- claim_groups / claim_group_members: the same claim (subject, kind, normalised object);
- claim_followups: a no-comment claim followed by its subject's later quotes on the
  same topic.

Each is recomputed from the base rows (articles, quotes, claims, article_entities,
entity_refs) as a whole and written as a difference, so the result is the same whatever
order the articles were loaded in and a refresh with nothing new changes nothing.
Entity ids are the exception: integers given out as entities first appear, so two
databases loaded in different orders can number the same entity differently; when
mentions merge, the surviving id is the lowest of the ids they held (the oldest
page URL keeps working). Compare databases by names, not ids.
"""
from __future__ import annotations

import itertools
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import sqlite_utils

from quotes import wordlists
from quotes.model import short_hash
from quotes.corpus import entity_lookup, incremental, mention_classes
from quotes.corpus.claim_group_rows import CLAIM_GROUP_COLUMNS, ClaimTally
from quotes.corpus.quote_group_rows import (MIN_CONTAINED_WORDS, QUOTE_FIELDS, QUOTE_GROUP_COLUMNS, Tally,
                                           appearance, quote_group_of_rows, quote_words)
from quotes.corpus.resolve import content_words, corpus_key, fold, person_parts, resolve_corpus
from quotes.store import insert_rows, write_transaction



@dataclass
class RefreshSummary:
    entities: int = 0  # corpus entities resolved from the articles' own
    created: int = 0
    merged: int = 0  # entity rows folded into another (or left with no mention)
    renamed: int = 0
    unresolved: int = 0  # mentions left ambiguous
    quote_groups: int = 0
    multi_article_groups: int = 0
    multi_publisher_groups: int = 0
    conflicting_groups: int = 0
    claim_groups: int = 0
    multi_article_claims: int = 0
    followups: int = 0
    changes: dict[str, int] = field(default_factory=dict)  # table -> rows written or deleted
    scope: str = "full"  # full, incremental (what it covered) or nothing new

    def line(self) -> str:
        if self.scope == "nothing new":
            return "Refreshed: nothing new since the last refresh"
        if self.scope != "full":
            written = sum(self.changes.values())
            return (f"Refreshed ({self.scope}): {self.entities} entities resolved ({self.created} new, "
                    f"{self.merged} merged, {self.renamed} renamed), {self.quote_groups} quote groups and "
                    f"{self.claim_groups} claim groups recomputed, {written} rows written or deleted, "
                    f"{self.followups} no-comment follow-ups")
        return (
            f"Refreshed: {self.entities} entities ({self.created} new, {self.merged} merged, "
            f"{self.renamed} renamed, {self.unresolved} mentions ambiguous), "
            f"{self.quote_groups} quote groups ({self.multi_article_groups} in several articles, "
            f"{self.multi_publisher_groups} from several publishers, {self.conflicting_groups} "
            f"with conflicting speakers), {self.claim_groups} claim groups "
            f"({self.multi_article_claims} in several articles), {self.followups} no-comment follow-ups"
        )


def refresh(db: sqlite_utils.Database, full: bool = False) -> RefreshSummary:
    """Recompute everything derived across articles, in one transaction.

    Incremental unless `full` (or the database has no log of what changed since its
    last refresh, see quotes.corpus.incremental): only what the articles stored or
    deleted since then touch is recomputed, with the same result as the full
    computation. Nothing logged: nothing to do.
    """
    summary = RefreshSummary()
    with write_transaction(db):  # the write lock first: it reads, then writes (see store)
        tracked = incremental.is_tracked(db)
        if not full and tracked and incremental.log_is_empty(db):
            summary.scope = "nothing new"
            return summary
        if full or not tracked:
            summary.scope = "full"
            gone = refresh_entities(db, summary)
            incremental.rebuild_keys(db)
            refresh_quote_groups(db, summary)
            refresh_claim_groups(db, summary)
        else:
            touched = incremental.Touched.gather(db)
            block = incremental.entity_block(db, touched)
            summary.scope = (f"incremental: {len(touched.stored)} articles stored, {len(touched.deleted)} "
                             f"deleted, {len(block.names)} names in scope")
            gone = refresh_entities(db, summary, block)
            refresh_quote_groups_touched(db, summary, touched)
            refresh_claim_groups_touched(db, summary, touched)
        refresh_followups(db, summary, incremental=not (full or not tracked))
        _delete_entities(db, gone, summary)
        # The registry's look-up keys of the entities renamed, merged, created or deleted.
        entity_lookup.sync(db, None if full or not tracked else "(select id from temp.refresh_touched_entities)")
        incremental.mark_refreshed(db)
        # The staging tables go with the transaction's end, not the connection's: a big
        # corpus stages hundreds of megabytes in them.
        for (name,) in db.execute("select name from temp.sqlite_master where type = 'table' "
                                  "and (name like 'refresh\\_%' escape '\\' or name like 'stage\\_%' escape '\\')").fetchall():
            db.execute(f"drop table temp.[{name}]")
    return summary


# --- writing a derived table as a difference ---------------------------------------------


class Stage:
    """The rows a derived table should hold, gathered in a temporary table.

    Rows are added one at a time (flushed in batches), so a table of any size is
    compared with what it should be without either side held in memory; `sync`
    then writes only the difference.
    """

    BATCH = 2000

    def __init__(self, db: sqlite_utils.Database, table: str, key: tuple[str, ...],
                 columns: Iterable[str]):
        self.db, self.table, self.key, self.columns = db, table, key, list(columns)
        self.name = f"stage_{table}"
        self.buffer: list[list] = []
        self.count = 0
        names = ", ".join(f"[{c}]" for c in self.columns)
        db.execute(f"drop table if exists temp.[{self.name}]")
        db.execute(f"create temp table [{self.name}] as select {names} from main.[{table}] where 0")
        db.execute(f"create unique index temp.[{self.name}_key] on [{self.name}] "
                   f"({', '.join(f'[{k}]' for k in key)})")
        self.insert = f"insert into temp.[{self.name}] ({names}) values ({', '.join('?' for _ in self.columns)})"

    def add(self, row: dict) -> None:
        self.buffer.append([row[c] for c in self.columns])
        if len(self.buffer) >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        if self.buffer:
            self.db.conn.executemany(self.insert, self.buffer)
            self.count += len(self.buffer)
            self.buffer = []

    def sync(self, delete: bool = True, summary: RefreshSummary | None = None,
             scope: str | None = None) -> set:
        """Insert, update and delete the difference; returns the stale keys when `delete`
        is False (the caller deletes them later, for foreign keys' sake)."""
        self.flush()
        table, stage = f"main.[{self.table}]", f"temp.[{self.name}]"
        same_key = " and ".join(f"s.[{k}] = t.[{k}]" for k in self.key)
        others = [c for c in self.columns if c not in self.key]
        conn = self.db.conn
        changes = 0
        if others:
            changes += self._update(others)
        names = ", ".join(f"[{c}]" for c in self.columns)
        changes += conn.execute(
            f"insert into {table} ({names}) select {names} from {stage} as s "
            f"where not exists (select 1 from {table} as t where {same_key}) order by s.rowid").rowcount
        missing = f"not exists (select 1 from {stage} as s where {same_key})"
        if scope:  # only rows of the table within scope may go (an SQL condition on t)
            missing = f"({scope}) and {missing}"
        stale: set = set()
        if delete:
            changes += conn.execute(f"delete from {table} as t where {missing}").rowcount
        else:
            keys = ", ".join(f"t.[{k}]" for k in self.key)
            stale = {tuple(r) for r in conn.execute(f"select {keys} from {table} as t where {missing}")}
            changes += len(stale)
        if summary is not None:
            summary.changes[self.table] = summary.changes.get(self.table, 0) + changes
        self.db.execute(f"drop table temp.[{self.name}]")
        return stale

    def _update(self, others: list[str]) -> int:
        """Update the rows that differ, each setting only the columns that differ: SQLite
        rewrites the index entries of every column set, changed or not (a reprint
        changes a group's counts, not its text or first article)."""
        table, stage = f"main.[{self.table}]", f"temp.[{self.name}]"
        same_key = " and ".join(f"s.[{k}] = t.[{k}]" for k in self.key)
        mask = " | ".join(f"((s.[{c}] is not t.[{c}]) << {i})" for i, c in enumerate(others))
        by_mask: dict[int, list[int]] = defaultdict(list)
        for bits, rowid in self.db.conn.execute(
                f"select {mask} as bits, s.rowid from {stage} as s cross join {table} as t on {same_key} "
                "where bits != 0 order by s.rowid"):  # cross join: the few staged rows lead
            by_mask[bits].append(rowid)
        key_match = " and ".join(f"s.[{k}] = [{self.table}].[{k}]" for k in self.key)
        # The keys as an IN list too: else SQLite walks the whole table for a few staged rows.
        key_row = ", ".join(f"[{self.table}].[{k}]" for k in self.key)
        key_list = ", ".join(f"[{k}]" for k in self.key)
        changes = 0
        for bits, rowids in sorted(by_mask.items()):
            sets = ", ".join(f"[{c}] = s.[{c}]" for i, c in enumerate(others) if bits >> i & 1)
            staged = "(select value from json_each(?))"
            changes += self.db.conn.execute(
                f"update {table} set {sets} from {stage} as s where {key_match} and s.rowid in {staged}"
                f" and ({key_row}) in (select {key_list} from {stage} where rowid in {staged})",
                [json.dumps(rowids), json.dumps(rowids)]).rowcount
        return changes


def sync_rows(db: sqlite_utils.Database, table: str, rows: Iterable[dict], key: tuple[str, ...],
              delete: bool = True, summary: RefreshSummary | None = None) -> set:
    """Make `table` hold exactly `rows` (by `key`): insert, update and delete the difference."""
    rows = iter(rows)
    first = next(rows, None)
    columns = list(first) if first is not None else list(db[table].columns_dict)
    stage = Stage(db, table, key, columns)
    if first is not None:
        stage.add(first)
        for row in rows:
            stage.add(row)
    return stage.sync(delete=delete, summary=summary)


def delete_keys(db: sqlite_utils.Database, table: str, key: tuple[str, ...], keys: Iterable) -> None:
    where = " and ".join(f"[{k}] = ?" for k in key)
    db.conn.executemany(f"delete from [{table}] where {where}", [list(k) for k in keys])


def _temp_ids(db: sqlite_utils.Database, name: str, ids: Iterable) -> str:
    """A temporary one-column table of ids, for `where x in (select id from temp.NAME)`."""
    db.execute(f"create temp table if not exists [{name}] (id primary key)")
    db.execute(f"delete from temp.[{name}]")
    db.conn.executemany(f"insert or ignore into temp.[{name}] (id) values (?)", [[i] for i in ids])
    return f"(select id from temp.[{name}])"


# --- entities ----------------------------------------------------------------------------------

ENTITY_COLUMNS = ("name", "kind", "gender", "description", "first_seen", "last_seen")


def refresh_entities(db: sqlite_utils.Database, summary: RefreshSummary,
                     block: "incremental.Block | None" = None) -> set[int]:
    """Resolve the corpus (or an incremental refresh's block of it) and re-point
    everything at it; returns entity ids no longer used. Leaves in temp.refresh_touched_entities
    the entity ids whose rows or quotes may have changed, and in temp.refresh_rows the
    quotes and claims re-pointed (the groups' refresh reads both)."""
    if block is None:
        found = mention_classes.all_classes(db)
    else:
        found = mention_classes.block_classes(db, block.names, block.dirty)
    classes = found.items
    resolution = resolve_corpus([c for _, c, _ in classes])
    if block is None:
        in_play = {r[0] for r in db.execute(
            "select distinct entity_id from article_entities where entity_id is not null")}
    else:
        in_play = {eid for _, _, held in classes for eid, _ in held}
    existing = {}
    scope = _temp_ids(db, "refresh_in_play", in_play)
    for row in db.execute(f"select id, {', '.join(ENTITY_COLUMNS)} from entities where id in {scope}"):
        existing[row[0]] = dict(zip(ENTITY_COLUMNS, row[1:]))
    _temp_ids(db, "refresh_rows", [])
    id_of = _entity_ids(db, resolution, classes, existing, summary)
    _update_entities(db, resolution, id_of, existing, summary)
    _temp_ids(db, "refresh_renamed", [*_renamed(resolution, id_of, existing),
                                       *(block.renamed if block is not None else ())])
    _repoint_answers(db, resolution, found, id_of, summary, full=block is None)
    del classes, found
    keep = set(id_of.values())
    _refresh_aliases(db, resolution, id_of, keep | in_play)
    touched = keep | in_play | (block.gone_ids if block is not None else set())
    _temp_ids(db, "refresh_gone", block.gone_ids if block is not None else ())
    _temp_ids(db, "refresh_touched_entities", touched)
    _refresh_denormalised(db, None if block is None else touched)
    return in_play - keep


def _entity_ids(db, resolution, classes, existing: dict, summary: RefreshSummary) -> dict[str, int]:
    """Which existing id each corpus entity keeps: an id goes to the entity holding most
    of its mentions (then the one of the same name); an entity keeps the lowest id it got;
    a new entity gets a new row."""
    class_of = {c.id: key for key, c, _ in classes}
    held_by_class = {key: held for key, _, held in classes}
    votes: dict[int, list[tuple]] = defaultdict(list)
    for entity in resolution.entities:
        held: Counter = Counter()
        for rep in entity.mentions:
            for eid, n in held_by_class.get(class_of[rep], ()):
                held[eid] += n
        for eid, n in held.items():
            votes[eid].append((n, fold(existing[eid]["name"] or "") == fold(entity.name), entity.key))
    owned: dict[str, list[int]] = defaultdict(list)
    for eid, candidates in votes.items():
        owned[max(candidates)[2]].append(eid)
    id_of: dict[str, int] = {}
    for entity in resolution.entities:
        if owned.get(entity.key):
            id_of[entity.key] = min(owned[entity.key])
        else:
            id_of[entity.key] = insert_rows(db, "entities", [{
                **{c: getattr(entity, c) for c in ENTITY_COLUMNS}, "quote_count": 0,
            }])
            summary.created += 1
    return id_of


def _renamed(resolution, id_of: dict[str, int], existing: dict) -> list[int]:
    """Entity ids new, or whose name or kind changed (what groups and follow-ups read of
    an entity). The writer's registry may have renamed some already (the log's
    'renamed' rows, Block.renamed)."""
    return [eid for entity in resolution.entities
            if (eid := id_of[entity.key]) not in existing
            or (existing[eid]["name"], existing[eid]["kind"]) != (entity.name, entity.kind)]


def _update_entities(db, resolution, id_of: dict[str, int], existing: dict,
                     summary: RefreshSummary) -> None:
    """Entity rows whose resolved name, kind or description changed."""
    updates = []
    for entity in resolution.entities:
        eid = id_of[entity.key]
        row = {c: getattr(entity, c) for c in ENTITY_COLUMNS}
        if eid in existing and existing[eid] != row:
            if existing[eid]["name"] != row["name"]:
                summary.renamed += 1
            updates.append([*row.values(), eid])
    db.conn.executemany(
        f"update entities set {', '.join(f'{c} = ?' for c in ENTITY_COLUMNS)} where id = ?", updates)
    summary.entities = len(resolution.entities)


def _repoint_answers(db, resolution, classes: "mention_classes.Classes", id_of: dict[str, int],
                     summary: RefreshSummary, full: bool) -> None:
    """The answers, by class, and the rows that refer to mentions whose answer changed."""
    db.execute("drop table if exists temp.refresh_answers")
    db.execute("create temp table refresh_answers (class text primary key, entity_id integer, resolution text)")
    answer_of = {}
    for class_, c, _ in classes.items:
        key = resolution.entity_of.get(c.id)
        answer_of[class_] = (id_of[key] if key else None, resolution.reason.get(c.id, "ambiguous"))
        if not key:
            summary.unresolved += c.count
    db.conn.executemany("insert into temp.refresh_answers values (?, ?, ?)",
                        [(class_, *answer) for class_, answer in answer_of.items()])
    mention_classes.settle(db, classes, answer_of, full)  # temp.refresh_mc: the mentions to look at
    del answer_of
    moved = _temp_ids(db, "refresh_mentions", (r[0] for r in db.execute("""
        select refresh_mc.mention_id from temp.refresh_mc join temp.refresh_answers
          on refresh_answers.class = refresh_mc.class
        where refresh_mc.entity_id is not refresh_answers.entity_id""")))
    # A mention that keeps its entity and changes only its resolution (a stored one: the
    # writer gave it the entity) has that column set alone: SQLite rewrites the index
    # entries of every column set, and entity_id leads two indexes.
    answered = """from temp.refresh_mc as mc join temp.refresh_answers as answer on answer.class = mc.class
        where mc.mention_id = article_entities.id"""
    summary.changes["article_entities"] = db.conn.execute(f"""
        update article_entities set entity_id = answer.entity_id, resolution = answer.resolution
        {answered} and mc.entity_id is not answer.entity_id""").rowcount + db.conn.execute(f"""
        update article_entities set resolution = answer.resolution
        {answered} and mc.entity_id is answer.entity_id and mc.resolution is not answer.resolution""").rowcount
    if db.execute(f"select exists(select 1 from {moved})").fetchone()[0]:
        _repoint(db, moved)


def _refresh_aliases(db, resolution, id_of: dict[str, int], scope: set[int]) -> None:
    """Aliases: every surface form of an entity's mentions (rows of entities in `scope`)."""
    desired = [{"entity_id": id_of[e.key], "alias": a} for e in resolution.entities for a in e.aliases]
    ids = _temp_ids(db, "refresh_alias_scope", scope)
    current_aliases = {(r[0], r[1]) for r in db.execute(
        f"select entity_id, alias from aliases where entity_id in {ids}")}
    wanted = {(r["entity_id"], r["alias"]) for r in desired}
    insert_rows(db, "aliases", [{"entity_id": i, "alias": a} for i, a in sorted(wanted - current_aliases)],
                "on conflict do nothing")
    delete_keys(db, "aliases", ("entity_id", "alias"), current_aliases - wanted)


def _refresh_denormalised(db, ids: set[int] | None = None) -> None:
    """Denormalised names and counts, wherever they drifted (of the entities `ids`, when
    given: only theirs can have)."""
    if ids is None:
        wheres = [("", "")]
    else:  # a name shown changes with the entity's name or with the entity shown
        scope = _temp_ids(db, "refresh_denormalised", ids)
        wheres = [(" and speaker_id in (select id from temp.refresh_renamed)",
                   " and subject_id in (select id from temp.refresh_renamed)"),
                  (" and id in (select id from temp.refresh_rows)", " and id in (select id from temp.refresh_rows)"),
                  (" and article_id in (select id from temp.refresh_stored)",
                   " and article_id in (select id from temp.refresh_stored)")]
    for quotes, claims in wheres:
        db.execute(f"""update quotes set speaker_name = (select name from entities where id = quotes.speaker_id)
                      where speaker_name is not (select name from entities where id = quotes.speaker_id){quotes}""")
        db.execute(f"""update claims set subject_name = (select name from entities where id = claims.subject_id)
                      where subject_name is not (select name from entities where id = claims.subject_id){claims}""")
    entities = ""
    if ids is not None:
        entities = f" and id in {scope}"
    db.execute(f"""update entities set quote_count = (select count(*) from quotes where speaker_id = entities.id)
                  where quote_count is not (select count(*) from quotes where speaker_id = entities.id){entities}""")


def _repoint(db: sqlite_utils.Database, mentions: str) -> None:
    """Quotes, claims, roles and mentions that refer to mentions now resolved elsewhere
    (`mentions`: a subquery of their ids)."""
    rows = _temp_ids(db, "refresh_rows", [r[0] for r in db.execute(
        f"select distinct row_id from entity_refs where article_entity_id in {mentions}")])

    def target(role: str, table: str) -> str:
        return (f"(select article_entities.entity_id from entity_refs join article_entities "
                f"on article_entities.id = entity_refs.article_entity_id where entity_refs.row_id = "
                f"{table}.id and entity_refs.role = '{role}' order by article_entities.id limit 1)")

    db.execute(f"""update quotes set speaker_id = {target('speaker', 'quotes')}
                   where id in {rows} and exists (select 1 from entity_refs
                     where entity_refs.row_id = quotes.id and entity_refs.role = 'speaker')""")
    db.execute(f"""update claims set subject_id = {target('subject', 'claims')},
                     organization_id = {target('organization', 'claims')}, by_id = {target('by', 'claims')}
                   where id in {rows}""")
    db.execute(f"delete from quote_mentions where quote_id in {rows}")
    db.execute(f"""insert or ignore into quote_mentions (quote_id, entity_id)
                   select entity_refs.row_id, article_entities.entity_id
                   from entity_refs join article_entities on article_entities.id = entity_refs.article_entity_id
                   where entity_refs.role = 'mention' and article_entities.entity_id is not null
                     and entity_refs.row_id in {rows}
                   order by entity_refs.row_id, article_entities.entity_id""")
    db.execute(f"delete from roles where claim_id in {rows}")
    db.execute(f"""insert into roles (id, entity_id, title, organization_id, as_of, article_id, claim_id)
                   select claims.id, claims.subject_id, claims.object, claims.organization_id,
                     coalesce(claims.as_of, articles.published), claims.article_id, claims.id
                   from claims join articles on articles.id = claims.article_id
                   where claims.kind = 'role' and claims.subject_id is not null and claims.id in {rows}""")


def _delete_entities(db: sqlite_utils.Database, ids: set[int], summary: RefreshSummary) -> None:
    """Entities left with no mention, once nothing refers to them any more."""
    for eid in sorted(ids):
        used = db.execute("""select
            exists(select 1 from quotes where speaker_id = :id)
            or exists(select 1 from claims where subject_id = :id or organization_id = :id or by_id = :id)
            or exists(select 1 from roles where entity_id = :id or organization_id = :id)
            or exists(select 1 from quote_mentions where entity_id = :id)
            or exists(select 1 from article_entities where entity_id = :id)
            or exists(select 1 from quote_groups where first_speaker_id = :id)
            or exists(select 1 from claim_groups where subject_id = :id)
            or exists(select 1 from claim_followups where subject_id = :id)""", {"id": eid}).fetchone()[0]
        if not used:
            db.execute("delete from aliases where entity_id = ?", [eid])
            db.execute("delete from entities where id = ?", [eid])
            summary.merged += 1


# --- the same quote across articles -----------------------------------------------------------


def short_group_key(text_hash: str, article_id: str) -> str:
    """The group of a text shorter than MIN_CONTAINED_WORDS words in one article: "No"
    printed by two articles is two people's own words, not one quote. (The same in SQL:
    _GROUP_KEY; text hashes are hex, so the text hash is the part before the "-".)"""
    return f"{text_hash}-{article_id}"


def quote_roots(texts: Iterable[tuple[str, str]]) -> dict[str, str]:
    """The group each text joins, for (text_hash, text) pairs (one text per hash):
    {hash: root} for the texts that join another's group; any other heads its own."""
    return quote_roots_and_short(texts)[0]


def text_start(words: tuple[str, ...] | list[str]) -> str:
    """The hash of a text's first MIN_CONTAINED_WORDS words (as text_hash joins words):
    a text inside another starts with one of the other's runs of that many words."""
    import hashlib

    return hashlib.sha1("".join(words[:MIN_CONTAINED_WORDS]).encode("utf-8")).hexdigest()


def quote_roots_and_short(texts: Iterable[tuple[str, str]],
                          starts: dict[str, str] | None = None) -> tuple[dict[str, str], set[str]]:
    """quote_roots, and the hashes of the texts shorter than MIN_CONTAINED_WORDS words
    (grouped per article: short_group_key); `starts`, when given, gets each longer
    text's text_start.

    A text of at least MIN_CONTAINED_WORDS words that lies word for word inside longer
    ones joins the longest of the longest texts containing it (ties: the smaller hash).
    Only texts that long are kept in memory, as tuples of interned words.
    """
    n = MIN_CONTAINED_WORDS
    words: dict[str, tuple[str, ...]] = {}
    by_start: dict[tuple, list[str]] = defaultdict(list)
    short: set[str] = set()
    for h, text in texts:
        w = quote_words(text)
        if len(w) >= n:
            words[h] = w = tuple(map(sys.intern, w))
            by_start[w[:n]].append(h)
            if starts is not None:
                starts[h] = text_start(w)
        else:
            short.add(h)
    containers: dict[str, set[str]] = defaultdict(set)
    for long_hash, w in words.items():
        if len(w) <= n:
            continue
        for i in range(len(w) - n + 1):
            for short_hash_ in by_start.get(w[i:i + n], ()):
                s = words[short_hash_]
                if short_hash_ != long_hash and len(s) < len(w) and w[i:i + len(s)] == s:
                    containers[short_hash_].add(long_hash)
    root: dict[str, str] = {}
    for h, holders in containers.items():
        outer = [c for c in holders if not containers.get(c)]
        if outer:
            root[h] = min(outer, key=lambda c: (-len(words[c]), c))
    return root, short


def quote_group(key: str, members: list[dict]) -> dict:
    """The quote_groups row of one group, from its members (dicts with QUOTE_FIELDS)
    in order of appearance."""
    return quote_group_of_rows(key, [tuple(q[f] for f in QUOTE_FIELDS) for q in members])


def group_quotes(quotes: list[dict]) -> tuple[list[dict], list[dict]]:
    """(quote_groups rows, quote_group_members rows) for quotes given as dicts (see
    quote_group): the whole grouping in memory, for small sets; refresh streams it."""
    text_of: dict[str, str] = {}  # one text per hash (the least, so any order gives it)
    for q in quotes:
        h = q["text_hash"]
        if h not in text_of or q["text"] < text_of[h]:
            text_of[h] = q["text"]
    root, short = quote_roots_and_short(text_of.items())
    members_of: dict[str, list[dict]] = defaultdict(list)
    for q in quotes:
        h = q["text_hash"]
        members_of[short_group_key(h, q["article_id"]) if h in short else root.get(h, h)].append(q)
    groups, members = [], []
    for key in sorted(members_of):
        ordered = sorted(members_of[key], key=lambda q: appearance(tuple(q[f] for f in QUOTE_FIELDS)))
        groups.append(quote_group(key, ordered))
        members.extend({"quote_id": q["id"], "group_key": key,
                        "match": "contained" if q["text_hash"] in root else "exact"} for q in ordered)
    return groups, members


# Each quote's group key in SQL, with temp.refresh_roots joined: its text's root, else
# per article for a short text (short_group_key), else its own text's hash.
_GROUP_KEY = """case when refresh_roots.short then quotes.text_hash || '-' || quotes.article_id
          else coalesce(refresh_roots.root, quotes.text_hash) end"""


def _stage_roots(db: sqlite_utils.Database, root: dict[str, str], short: Iterable[str]) -> None:
    """temp.refresh_roots: hash -> root of the texts that join another's group, and the
    short texts (short = 1, no root), grouped per article."""
    db.execute("drop table if exists temp.refresh_roots")
    db.execute("create temp table refresh_roots (hash text primary key, root text, short integer)")
    db.conn.executemany("insert into temp.refresh_roots (hash, root, short) values (?, ?, 0)",
                        sorted(root.items()))
    db.conn.executemany("insert into temp.refresh_roots (hash, root, short) values (?, null, 1)",
                        [(h,) for h in sorted(short)])


# A quote group's members as Tally reads them (QUOTE_FIELDS), and their order of appearance.
_GROUP_QUOTE_COLUMNS = """quotes.id, quotes.text, quotes.text_hash, quotes.article_id, quotes.start,
          articles.published, articles.publisher, articles.url, quotes.speaker_id, entities.name"""
_APPEARANCE = """articles.published is null, coalesce(articles.published, ''), quotes.article_id,
          coalesce(quotes.start, 0), quotes.id"""


class _QuoteGroupStages:
    """The quote_groups and _quote_group_state rows a refresh writes."""

    def __init__(self, db: sqlite_utils.Database, summary: RefreshSummary):
        self.summary = summary
        self.groups = Stage(db, "quote_groups", ("key",), QUOTE_GROUP_COLUMNS)
        self.states = Stage(db, "_quote_group_state", ("key",), ("key", "state"))

    def add(self, tally: Tally) -> dict:
        group = tally.row()
        self.groups.add(group)
        if (state := tally.state()) is not None:
            self.states.add({"key": tally.key, "state": state})
        self.summary.quote_groups += 1
        return group

    def sync(self, scope: str | None = None) -> set:
        """Returns the groups gone, deleted by the caller once no member points at them."""
        stale = self.groups.sync(delete=False, summary=self.summary, scope=scope)
        self.states.sync(scope=scope)
        return stale


def refresh_quote_groups(db: sqlite_utils.Database, summary: RefreshSummary) -> None:
    """Group the corpus's quotes, one group in memory at a time: the roots come from the
    distinct texts, then every quote is read once, in group and appearance order."""
    # One pass over the table and a sort: walking the text_hash index instead reads each
    # quote's text at random (3x slower on a million quotes).
    starts: dict[str, str] = {}
    root, short = quote_roots_and_short(
        db.execute("select text_hash, min(text) from quotes not indexed group by text_hash"), starts)
    _stage_roots(db, root, short)
    del root, short
    sync_rows(db, "_text_starts", ({"text_hash": h, "start": st} for h, st in sorted(starts.items())),
              ("text_hash",))
    del starts
    stages = _QuoteGroupStages(db, summary)
    cursor = db.execute(f"""
        select {_GROUP_KEY}, {_GROUP_QUOTE_COLUMNS}
        from quotes not indexed join articles on articles.id = quotes.article_id
          left join entities on entities.id = quotes.speaker_id
          left join temp.refresh_roots on refresh_roots.hash = quotes.text_hash
        order by 1, {_APPEARANCE}""")
    for key, rows in itertools.groupby(cursor, key=lambda r: r[0]):
        group = stages.add(Tally(key).add(r[1:] for r in rows))
        summary.multi_article_groups += group["articles"] > 1
        summary.multi_publisher_groups += group["publishers"] > 1
        summary.conflicting_groups += bool(group["conflicting"])
    stale = stages.sync()
    # Members in SQL alone: each quote's group is its text's root, else its own text
    # (a short text's: per article).
    changed = db.conn.execute(f"""
        insert into quote_group_members (quote_id, group_key, match)
        select quotes.id, {_GROUP_KEY},
          case when refresh_roots.root is null then 'exact' else 'contained' end
        from quotes left join temp.refresh_roots on refresh_roots.hash = quotes.text_hash
        where true order by quotes.rowid
        on conflict (quote_id) do update set group_key = excluded.group_key, match = excluded.match
          where group_key is not excluded.group_key or match is not excluded.match""").rowcount
    # Members of quotes gone: found by walking both key indexes in the same order (the
    # plain anti-join probes quotes at random, six times slower on a million quotes).
    changed += db.conn.execute("""delete from quote_group_members where quote_id in (
        select m.quote_id from quote_group_members m
        where not exists (select 1 from quotes where quotes.id = m.quote_id) order by m.quote_id)""").rowcount
    summary.changes["quote_group_members"] = summary.changes.get("quote_group_members", 0) + changed
    delete_keys(db, "quote_groups", ("key",), stale)  # once no member points at them


def _contains(long: tuple[str, ...], short: tuple[str, ...]) -> bool:
    """quote_roots' containment: `short` word for word inside the longer `long`."""
    n = len(short)
    if n >= len(long):
        return False
    first = short[0]
    return any(long[i] == first and long[i:i + n] == short for i in range(len(long) - n + 1))


FTS_WORDS = 3  # words of a text looked up in the full-text index for its containers


def _rare_words_query(words: tuple[str, ...]) -> str:
    """A full-text query for the texts holding the FTS_WORDS longest words of a text
    (long words are rare: short doclists to read; a phrase of six words read the
    doclists of common words too, five times slower on a million quotes): every text
    containing the text holds them. The candidates are checked word for word."""
    rare = sorted(set(words), key=lambda w: (-len(w), w))[:FTS_WORDS]
    return " AND ".join(f'"{w}"' for w in rare)


_AFFECTED = "(select id from temp.refresh_affected)"  # the hashes whose root may move
# Of those, the texts long enough to be grouped by containment (a short text's groups are
# per article: only the stored articles' can change), and the stored quotes of short texts.
_LONG_AFFECTED = "(select id from temp.refresh_long_affected)"
_SHORT_QUOTES = "temp.refresh_short_quotes"


def refresh_quote_groups_touched(db: sqlite_utils.Database, summary: RefreshSummary,
                                 touched: "incremental.Touched") -> None:
    """The quote groups an incremental refresh can change, recomputed as the full
    refresh would: the texts stored or deleted, the texts inside them (their groups'
    roots may move: containment is transitive, so no other text's can), each one's
    root from the texts containing it (found through the full-text index, checked word
    for word), and every group holding one of them or a quote whose speaker changed."""
    texts, changed, least_now, least_before, heads = _touched_texts(db, touched)
    # A text that was in the corpus before and still is contains what it contained: only
    # the texts new to the corpus, or gone from it, can change another's containers.
    searched = {h: ts for h, ts in texts.items() if h not in least_before}
    finder = _RootFinder(db, changed, _affected_hashes(db, searched, changed), touched.quotes,
                         least_now, least_before, heads)
    root = finder.roots()
    _stage_roots(db, root, finder.short)
    _stage_short_quotes(db, finder.short)
    plan = _plan_quote_groups(db, touched, root, finder)
    _stage_group_quotes(db, plan)
    _write_quote_groups(db, summary, plan)
    _update_starts(db, changed, finder.current)


def _touched_texts(db: sqlite_utils.Database, touched: "incremental.Touched"
                   ) -> tuple[dict[str, set[str]], set[str], dict[str, str], dict[str, str], set[str]]:
    """The texts stored or deleted by hash, each hash with its least text now as well
    (the text its quotes are grouped by): the texts whose sub-texts to look for, the
    hashes touched, and each touched hash's least text now and among the quotes there
    before the stored ones (a hash without one is new to the corpus, or gone; a short
    text's "least" text now is one of its stored ones, which has the same words); and
    the touched hashes that head a group of their own (its state is kept)."""
    stored = "(select id from temp.refresh_stored)"
    texts: dict[str, set[str]] = defaultdict(set)
    for h, text in db.execute(f"select text_hash, text from quotes where article_id in {stored}"):
        texts[h].add(text)
    present = set(texts)  # hashes with a stored quote: in the corpus now
    for h, text, _ in touched.quotes:
        texts[h].add(text)
    changed = set(texts)
    _temp_ids(db, 'refresh_hashes', sorted(changed))
    least_now, least_before = {}, {}
    # A text heading a group of several quotes had its least text kept in the group's
    # state: every quote of it was in the group then, and none was deleted since.
    deleted = {h for h, _, _ in touched.quotes}
    heads = set()
    for h, state in db.execute(f"""select s.key, s.state from _quote_group_state s
            where s.key in {_temp_ids(db, 'refresh_kept_state', sorted(changed - deleted))}"""):
        heads.add(h)
        least_before[h] = json.loads(state)["least"]
        least_now[h] = min(least_before[h], *texts[h])
    # A short text present now needs no least text: its words (the same in every text of
    # its hash) say it is short, and short texts are grouped per article, never by
    # containment; "No" may have thousands of quotes to read.
    for h in sorted(present - set(least_now)):
        text = min(texts[h])
        if len(quote_words(text)) < MIN_CONTAINED_WORDS:
            least_now[h] = text
    unread = _temp_ids(db, 'refresh_unread_hashes', sorted(changed - set(least_now)))
    for h, now, before in db.execute(f"""select text_hash, min(text),
              min(case when article_id not in {stored} then text end) from quotes
            where text_hash in {unread} group by text_hash"""):
        texts[h].add(now)
        least_now[h] = now
        if before is not None:
            least_before[h] = before
    return texts, changed, least_now, least_before, heads


def _affected_hashes(db: sqlite_utils.Database, texts: dict[str, set[str]], changed: set[str]) -> set[str]:
    """The hashes touched and those of the stored texts inside a touched text (found by
    their first words among the touched text's runs, _text_starts, and checked word for
    word): the texts whose root may move."""
    affected = set(changed)
    outer_texts = [w for ts in texts.values() for t in ts
                   if len(w := tuple(quote_words(t))) > MIN_CONTAINED_WORDS]
    runs = sorted({text_start(w[i:]) for w in outer_texts for i in range(len(w) - MIN_CONTAINED_WORDS + 1)})
    if not runs:
        return affected
    for h, text in db.execute("""select s.text_hash, (select min(text) from quotes where text_hash = s.text_hash)
            from _text_starts s where s.start in (select value from json_each(?))""", [json.dumps(runs)]):
        w = tuple(quote_words(text))
        if len(w) >= MIN_CONTAINED_WORDS and any(_contains(o, w) for o in outer_texts):
            affected.add(h)
    return affected


def _update_starts(db: sqlite_utils.Database, changed: set[str], current: dict[str, str]) -> None:
    """_text_starts of the touched texts: from their least text now, none once gone or short."""
    now = {h: text_start(w) for h in sorted(changed) if h in current
           and len(w := quote_words(current[h])) >= MIN_CONTAINED_WORDS}
    before = dict(db.execute(f"select text_hash, start from _text_starts where text_hash in "
                             f"{_temp_ids(db, 'refresh_start_hashes', sorted(changed))}"))
    # Only the difference is written: the quotes of a text already there (a reprint) keep its start.
    db.conn.executemany("delete from _text_starts where text_hash = ?",
                        [(h,) for h in sorted(before) if now.get(h) != before[h]])
    db.conn.executemany("insert into _text_starts (text_hash, start) values (?, ?)",
                        [(h, start) for h, start in now.items() if before.get(h) != start])


class _RootFinder:
    """Each affected text's root: the longest of the texts containing it, ties to the
    smaller hash (quote_roots' "longest of the outermost": a longest container has
    none, since one containing it would contain the text and be longer).

    A text of the corpus that is not itself touched, inside a touched one: its
    containers are the old ones, less those gone, plus the touched texts holding it.
    Its old root (its quotes' group, or itself: no container) is the best of the old
    ones, so it stays the best of those left unless it is touched itself; then only
    the touched texts need comparing. The same holds for a touched text that was there
    before, grouped, with the same least text (so the same words): quotes of a text
    already in the corpus, the common case. A touched root, or a touched text (new
    words, or its least text changed), is looked up in the full-text index."""

    def __init__(self, db: sqlite_utils.Database, changed: set[str], affected: set[str],
                 deleted: Iterable[tuple], least_now: dict[str, str], least_before: dict[str, str],
                 heads: set[str] = frozenset()):
        self.db = db
        self.changed = changed
        inside = _temp_ids(db, 'refresh_inside', sorted(affected - changed))
        self.current = {h: t for h, t in least_now.items() if h in affected}
        self.current.update(db.execute(f"""select text_hash, min(text) from quotes
            where text_hash in {inside} group by text_hash"""))
        _temp_ids(db, 'refresh_affected', sorted(affected))
        self.words_of: dict[str, tuple[str, ...]] = {}
        self.short: set[str] = set()  # the affected texts too short to join by containment (roots)
        # The group each affected text's quotes are in: one for a text long enough to be
        # grouped by containment (its root's), so one member tells (those stored since
        # the last refresh are in none yet). Short texts' groups are per article: unused.
        # A text heading a group is in its own (a group is named after its root, and a
        # root is in no other text).
        self.old_root: dict[str, str] = {h: h for h in sorted(affected & heads)}
        _temp_ids(db, 'refresh_unknown_roots', sorted(affected - heads))
        self.old_root.update((h, key) for h, key in db.execute("""select a.id, (
                select m.group_key from quotes join quote_group_members m on m.quote_id = quotes.id
                where quotes.text_hash = a.id limit 1) from temp.refresh_unknown_roots a""") if key is not None)
        self.touched_now = [c for c in sorted(changed) if c in self.current]
        self._touched_by_word: dict[str, list[str]] | None = None
        # The least text of each touched hash before: its quotes not stored now, and those deleted.
        self.old_least = dict(least_before)
        for h, text, _ in deleted:
            self.old_least[h] = min(self.old_least.get(h, text), text)

    def same_words(self, h: str, r: str | None) -> bool:
        """Were h's containers, and r its old root, found among texts whose words did
        not change? (h untouched, or touched with its least text as before; r h itself
        or untouched.)"""
        if r is None or (r != h and r in self.changed):
            return False
        return h not in self.changed or self.old_least.get(h) == self.current[h]

    def words(self, h: str, text: str) -> tuple[str, ...]:
        """A hash's words, computed once (from the first text seen for it)."""
        if h not in self.words_of:
            self.words_of[h] = tuple(quote_words(text))
        return self.words_of[h]

    def best(self, holders: Iterable[str]) -> str | None:
        """The root among containers: the longest, ties to the smaller hash."""
        return min(holders, key=lambda c: (-len(self.words_of[c]), c), default=None)

    def roots(self) -> dict[str, str]:
        """hash -> root of each affected text long enough to be contained that has a
        container (a text with none is its own root: no entry)."""
        root: dict[str, str] = {}
        for h in sorted(self.current):
            w = self.words(h, self.current[h])
            if len(w) < MIN_CONTAINED_WORDS:
                self.short.add(h)
                continue
            r = self._old_root(h)
            if self.same_words(h, r):
                holders = self._holders_from_old_root(h, r, w)
            else:
                holders = self._holders_from_index(h, w)
            if holders:
                root[h] = self.best(holders)
        return root

    def _old_root(self, h: str) -> str | None:
        """The text's old root with its words read, or None when it had none (several
        groups) or its text is gone (not expected: a root gone is a touched one, so
        the caller looks it up in the index)."""
        r = self.old_root.get(h)
        if r is not None and r != h and r not in self.words_of:
            text = self.db.execute("select min(text) from quotes where text_hash = ?", [r]).fetchone()[0]
            if text is None:
                return None
            self.words(r, text)
        return r

    def _holders_from_old_root(self, h: str, r: str, w: tuple[str, ...]) -> list[str]:
        """A text whose words did not change, with an untouched old root (same_words):
        that root and the touched texts containing it are all the containers that can
        be best."""
        if self._touched_by_word is None:  # the touched texts by word: those that can contain w
            self._touched_by_word = defaultdict(list)
            for c in self.touched_now:
                for word in set(self.words(c, self.current[c])):
                    self._touched_by_word[word].append(c)
        holders = [c for c in self._touched_by_word.get(w[0], ()) if _contains(self.words_of[c], w)]
        if r != h:
            holders.append(r)
        return holders

    def _holders_from_index(self, h: str, w: tuple[str, ...]) -> list[str]:
        """Every text containing the text: candidates from the full-text index (a
        phrase of its rarest run), checked word for word."""
        candidates = {r[0] for r in self.db.execute(
            """select distinct quotes.text_hash from quotes_fts join quotes on quotes.rowid = quotes_fts.rowid
               where quotes_fts match ?""", [_rare_words_query(w)])}
        candidates.discard(h)  # its own copies, the most common match
        unread = sorted(c for c in candidates if c not in self.words_of)
        if unread:  # each text read once, as the hash's least text
            for c, text in self.db.execute(f"""select text_hash, min(text) from quotes where text_hash in
                    {_temp_ids(self.db, 'refresh_candidates', unread)} group by text_hash"""):
                self.words(c, text)
        return [c for c in sorted(candidates) if c in self.words_of and _contains(self.words_of[c], w)]


def _stage_short_quotes(db: sqlite_utils.Database, short: set[str]) -> None:
    """temp.refresh_long_affected (the affected texts but the short ones) and
    temp.refresh_short_quotes: the stored articles' quotes of the short texts, under
    their groups. A short text neither contains nor lies inside another (containment
    needs MIN_CONTAINED_WORDS words), so its groups in other articles keep their rows."""
    _temp_ids(db, "refresh_short", sorted(short))
    db.execute("drop table if exists temp.refresh_long_affected")
    db.execute("""create temp table refresh_long_affected as select id from temp.refresh_affected
        where id not in (select id from temp.refresh_short)""")
    db.execute("drop table if exists temp.refresh_short_quotes")
    db.execute("""create temp table refresh_short_quotes as
        select quotes.id as quote_id, quotes.text_hash || '-' || quotes.article_id as key from quotes
        where quotes.article_id in (select id from temp.refresh_stored)
          and quotes.text_hash in (select id from temp.refresh_short)""")


@dataclass
class _GroupPlan:
    """Which quote groups an incremental refresh recomputes, and how.

    `full`: read again from all their members: groups that lose a quote (deleted, or
    whose text's root moved), gain a quote of the corpus (a root moved), or hold a quote
    whose speaker was re-pointed or renamed. `appended`: groups that only gain the
    stored articles' quotes and kept a state (quote_group_rows.Tally): resumed from
    their row. `full_hashes`: the affected long texts whose quotes all go to a full
    group; `moved`: those whose quotes change group."""

    full: set[str]
    appended: set[str]
    full_hashes: set[str]
    moved: set[str]

    @property
    def in_play(self) -> set[str]:
        return self.full | self.appended


def _plan_quote_groups(db: sqlite_utils.Database, touched: "incremental.Touched",
                       root: dict[str, str], finder: "_RootFinder") -> _GroupPlan:
    """The groups whose rows can change (see _GroupPlan): those of deleted quotes, of
    quotes re-pointed (temp.refresh_rows) or whose speaker was renamed
    (temp.refresh_renamed), old and new of the texts whose root moved, and those the
    stored quotes join."""
    full = {g for _, _, g in touched.quotes if g}
    full |= {r[0] for r in db.execute("""select distinct m.group_key from quotes
        join quote_group_members m on m.quote_id = quotes.id
        where quotes.speaker_id in (select id from temp.refresh_renamed)
           or quotes.id in (select id from temp.refresh_rows)""")}
    new_key = {h: root.get(h, h) for h in finder.current if h not in finder.short}
    moved = {h for h, key in new_key.items() if finder.old_root.get(h, key) != key}
    for h in moved:
        full |= {finder.old_root[h], new_key[h]}
    joined = {r[0] for r in db.execute(f"""select distinct {_GROUP_KEY} from quotes
        left join temp.refresh_roots on refresh_roots.hash = quotes.text_hash
        where quotes.article_id in (select id from temp.refresh_stored)""")}
    candidates = _temp_ids(db, "refresh_append_candidates", sorted(joined - full))
    appended = {r[0] for r in db.execute(f"""select s.key from _quote_group_state s
        join quote_groups g on g.key = s.key where s.key in {candidates}""")}
    full |= joined - appended
    return _GroupPlan(full=full, appended=appended, moved=moved,
                      full_hashes={h for h, key in new_key.items() if key in full})


def _stage_group_quotes(db: sqlite_utils.Database, plan: _GroupPlan) -> None:
    """temp.refresh_group_quotes: each quote of the groups read in full under its group:
    a text's whose group is read in full by its root, a short one's per article, the
    others' by the group they are in (which cannot have moved)."""
    full = _temp_ids(db, "refresh_group_keys", sorted(plan.full))
    hashes = _temp_ids(db, "refresh_full_hashes", sorted(plan.full_hashes))
    db.execute("drop table if exists temp.refresh_group_quotes")
    db.execute(f"""create temp table refresh_group_quotes as
        select quotes.id as quote_id, {_GROUP_KEY} as key
        from quotes left join temp.refresh_roots on refresh_roots.hash = quotes.text_hash
        where quotes.text_hash in {hashes}
        union
        select quote_id, key from {_SHORT_QUOTES} where key in {full}
        union
        select m.quote_id, m.group_key from quote_group_members m join quotes on quotes.id = m.quote_id
        where m.group_key in {full} and quotes.text_hash not in {_LONG_AFFECTED}""")


def _write_quote_groups(db: sqlite_utils.Database, summary: RefreshSummary, plan: _GroupPlan) -> None:
    """The groups in play written as a difference, one group in memory at a time (a
    group read in full from its members, one appended to from its row, its state and
    the stored quotes); the quotes stored or moved given their groups; groups left
    empty deleted last (once no member points at them)."""
    stages = _QuoteGroupStages(db, summary)
    cursor = db.execute(f"""select g.key, {_GROUP_QUOTE_COLUMNS}
        from temp.refresh_group_quotes as g
          join quotes on quotes.id = g.quote_id join articles on articles.id = quotes.article_id
          left join entities on entities.id = quotes.speaker_id
        order by 1, {_APPEARANCE}""")
    for key, rows in itertools.groupby(cursor, key=lambda r: r[0]):
        stages.add(Tally(key).add(r[1:] for r in rows))
    appended = _temp_ids(db, "refresh_appended_keys", sorted(plan.appended))
    resumed = {}
    for row in db.execute(f"""select {', '.join(f'g.[{c}]' for c in QUOTE_GROUP_COLUMNS)}, s.state
            from quote_groups g join _quote_group_state s on s.key = g.key where g.key in {appended}"""):
        resumed[row[0]] = Tally.resume(dict(zip(QUOTE_GROUP_COLUMNS, row)), row[-1])
    cursor = db.execute(f"""select * from (select {_GROUP_KEY} as key, {_GROUP_QUOTE_COLUMNS}
        from quotes join articles on articles.id = quotes.article_id
          left join entities on entities.id = quotes.speaker_id
          left join temp.refresh_roots on refresh_roots.hash = quotes.text_hash
        where quotes.article_id in (select id from temp.refresh_stored)) where key in {appended} order by key""")
    for key, rows in itertools.groupby(cursor, key=lambda r: r[0]):
        stages.add(resumed[key].add(r[1:] for r in rows))
    in_play = _temp_ids(db, "refresh_in_play_groups", sorted(plan.in_play))
    stale = stages.sync(scope=f"t.key in {in_play}")
    moved = _temp_ids(db, "refresh_moved_hashes", sorted(plan.moved))
    changed_rows = db.conn.execute(f"""
        insert into quote_group_members (quote_id, group_key, match)
        select quotes.id, {_GROUP_KEY},
          case when refresh_roots.root is null then 'exact' else 'contained' end
        from quotes left join temp.refresh_roots on refresh_roots.hash = quotes.text_hash
        where quotes.text_hash in {moved} or quotes.article_id in (select id from temp.refresh_stored)
        order by quotes.rowid
        on conflict (quote_id) do update set group_key = excluded.group_key, match = excluded.match
          where group_key is not excluded.group_key or match is not excluded.match""").rowcount
    summary.changes["quote_group_members"] = summary.changes.get("quote_group_members", 0) + changed_rows
    delete_keys(db, "quote_groups", ("key",), stale)


# --- the same claim across articles -------------------------------------------------------------

_LEADING = wordlists.words("tracking.txt", "leading")


def claim_object(kind: str, obj: str | None, text: str | None = None) -> str:
    """The normalised object that makes two claims "the same": folded words without
    punctuation or a leading article; every no-comment wording is one claim (the
    subject has not commented); a claim with no object is known by its sentence."""
    if kind == "no_comment":
        return "no comment"
    words = re.findall(r"[^\W_]+", fold(obj or text or ""))
    while words and words[0] in _LEADING:
        words = words[1:]
    return " ".join(words)


def claim_group_key(kind: str, subject_kind: str | None, subject_name: str | None,
                    obj: str, claim_id: str) -> str:
    """Stable key: from the subject's canonical name, never its id; a claim without a
    subject is a group of its own."""
    if not subject_name:
        return short_hash("claim", claim_id)
    return short_hash(kind, f"{subject_kind}:{corpus_key(subject_name, subject_kind or 'person')}", obj)


def _claim_key(c: dict) -> tuple[str, str, str | None]:
    """(group key, normalised object, reported) of a claim."""
    norm = claim_object(c["kind"], c["object"], c["text"])
    return (claim_group_key(c["kind"], c["subject_kind"], c["subject_name"], norm, c["id"]), norm,
            c["as_of"] or c["published"])


CLAIM_FIELDS = ("id", "article_id", "kind", "subject_id", "subject_name", "subject_kind", "object",
                "text", "as_of", "published", "publisher", "url", "start")
_CLAIMS_SQL = """
    select claims.id, claims.article_id, claims.kind, claims.subject_id, entities.name,
      entities.kind, claims.object, claims.text, claims.as_of, articles.published,
      articles.publisher, articles.url, claims.start{extra}
    from claims join articles on articles.id = claims.article_id
      left join entities on entities.id = claims.subject_id{join}"""

def _reset_claim_keys(db: sqlite_utils.Database) -> None:
    """temp.refresh_claim_keys, empty: each claim's group key, normalised object and
    date of report, for reading the claims in group order."""
    db.execute("""create temp table if not exists refresh_claim_keys
                  (claim_id text primary key, key text, norm text, reported text)""")
    db.execute("delete from temp.refresh_claim_keys")


class _ClaimStages:
    """The claim_groups, _claim_group_state and claim_group_members rows a refresh writes."""

    def __init__(self, db: sqlite_utils.Database, summary: RefreshSummary):
        self.summary = summary
        self.groups = Stage(db, "claim_groups", ("key",), CLAIM_GROUP_COLUMNS)
        self.states = Stage(db, "_claim_group_state", ("key",), ("key", "state"))
        self.members = Stage(db, "claim_group_members", ("claim_id",), ("claim_id", "group_key", "reported"))
        self.multi_article = 0  # groups that span several articles

    def add(self, tally: ClaimTally, cs: Iterable[dict]) -> None:
        """A group's tally and the claims whose member rows to write."""
        group = tally.row()
        self.groups.add(group)
        if (state := tally.state()) is not None:
            self.states.add({"key": tally.key, "state": state})
        for c in cs:
            self.members.add({"claim_id": c["id"], "group_key": tally.key, "reported": c["reported"]})
        self.summary.claim_groups += 1
        self.multi_article += group["articles"] > 1

    def sync(self, scope: str | None = None, members_scope: str | None = None) -> None:
        stale = self.groups.sync(delete=False, summary=self.summary, scope=scope)
        self.states.sync(scope=scope)
        self.members.sync(summary=self.summary, scope=members_scope)
        delete_keys(self.groups.db, "claim_groups", ("key",), stale)  # once no member points at them


def _stage_claim_groups(db: sqlite_utils.Database, summary: RefreshSummary,
                        where: str = "") -> _ClaimStages:
    """The claims keyed in temp.refresh_claim_keys (those `where` keeps) read in group
    and report order, one group in memory at a time, into the stages, shared by the
    full and the incremental refresh."""
    stages = _ClaimStages(db, summary)
    cursor = db.execute(_CLAIMS_SQL.format(
        extra=", refresh_claim_keys.key, refresh_claim_keys.norm, refresh_claim_keys.reported",
        join=" join temp.refresh_claim_keys on refresh_claim_keys.claim_id = claims.id")
        + f"""{where} order by refresh_claim_keys.key, refresh_claim_keys.reported is null,
          coalesce(refresh_claim_keys.reported, ''), claims.article_id, coalesce(claims.start, 0), claims.id""")
    n = len(CLAIM_FIELDS)
    for key, rows in itertools.groupby(cursor, key=lambda r: r[n]):
        cs = [dict(zip(CLAIM_FIELDS, r), norm=r[n + 1], reported=r[n + 2]) for r in rows]
        stages.add(ClaimTally(key).add(cs), cs)
    return stages


def refresh_claim_groups(db: sqlite_utils.Database, summary: RefreshSummary) -> None:
    """Two passes over the claims, one row in memory at a time: each claim's group key
    into a temporary table, then the claims in group and report order."""
    _reset_claim_keys(db)
    batch = []
    for row in db.execute(_CLAIMS_SQL.format(extra="", join="")):
        c = dict(zip(CLAIM_FIELDS, row))
        batch.append((c["id"], *_claim_key(c)))
        if len(batch) >= Stage.BATCH:
            db.conn.executemany("insert into temp.refresh_claim_keys values (?, ?, ?, ?)", batch)
            batch = []
    db.conn.executemany("insert into temp.refresh_claim_keys values (?, ?, ?, ?)", batch)
    stages = _stage_claim_groups(db, summary)
    summary.multi_article_claims += stages.multi_article
    stages.sync()


def refresh_claim_groups_touched(db: sqlite_utils.Database, summary: RefreshSummary,
                                 touched: "incremental.Touched") -> None:
    """The claim groups an incremental refresh can change: a claim's key moves only
    when its article is stored or its subject (or the subject's name or kind) changes.
    A claim whose subject changed was re-pointed (temp.refresh_rows); one whose subject
    was renamed has it in temp.refresh_renamed (other entities of the entity block kept
    their id, name and kind). Read in full: the groups of deleted claims, old and new
    of the changed claims. The groups the stored claims join are resumed from their
    row and state (claim_group_rows) when they had one, else read in full too."""
    stored = {r[0] for r in db.execute(
        "select id from claims where article_id in (select id from temp.refresh_stored)")}
    changed = {r[0] for r in db.execute("""
        select id from claims where subject_id in (select id from temp.refresh_renamed)
        union select r.id from temp.refresh_rows r cross join claims on claims.id = r.id""")} - stored
    moved = _temp_ids(db, "refresh_claims", sorted(stored | changed))
    new_keys: dict[str, tuple] = {}
    stored_claims: dict[str, list[dict]] = defaultdict(list)  # group key -> the stored claims joining it
    for row in db.execute(_CLAIMS_SQL.format(extra="", join="") + f" where claims.id in {moved}"):
        c = dict(zip(CLAIM_FIELDS, row))
        new_keys[c["id"]] = key, norm, reported = _claim_key(c)
        if c["id"] in stored:
            stored_claims[key].append({**c, "norm": norm, "reported": reported})
    full = {g for _, g in touched.claims if g}
    full |= {r[0] for r in db.execute("select group_key from claim_group_members where claim_id in "
                                      + _temp_ids(db, "refresh_claims_changed", sorted(changed)))}
    full |= {new_keys[i][0] for i in changed}
    candidates = _temp_ids(db, "refresh_claim_candidates", sorted(set(stored_claims) - full))
    resumed = [ClaimTally.resume(dict(zip(CLAIM_GROUP_COLUMNS, row)), row[-1]) for row in db.execute(
        f"""select {', '.join(f'g.[{c}]' for c in CLAIM_GROUP_COLUMNS)}, s.state from claim_groups g
            join _claim_group_state s on s.key = g.key where g.key in {candidates} order by g.key""")]
    full |= set(stored_claims) - {t.key for t in resumed}
    in_play = _temp_ids(db, "refresh_claim_group_keys", sorted(full))
    # Every claim of the groups read in full: the moved ones by their new key, the others
    # by the one they hold.
    _reset_claim_keys(db)
    db.conn.executemany("insert into temp.refresh_claim_keys values (?, ?, ?, ?)",
                        [(i, *k) for i, k in sorted(new_keys.items())])
    others = [r[0] for r in db.execute(f"""select claim_id from claim_group_members
        where group_key in {in_play} and claim_id not in {moved}""")]
    keyed = []
    for row in db.execute(_CLAIMS_SQL.format(extra="", join="")
                          + f" where claims.id in {_temp_ids(db, 'refresh_claim_others', others)}"):
        c = dict(zip(CLAIM_FIELDS, row))
        keyed.append((c["id"], *_claim_key(c)))
    db.conn.executemany("insert into temp.refresh_claim_keys values (?, ?, ?, ?)", keyed)
    # The incremental summary has never counted multi-article claim groups (it sees only
    # the groups in play); kept as it was.
    # The claims looked up by id from the keys (else SQLite scans every claim for them).
    stages = _stage_claim_groups(db, summary, f""" where claims.id in (select claim_id
        from temp.refresh_claim_keys where key in {in_play}) and refresh_claim_keys.key in {in_play}""")
    for tally in resumed:
        cs = stored_claims[tally.key]
        stages.add(tally.add(cs), cs)
    scope = _temp_ids(db, "refresh_claim_in_play", sorted(full | {t.key for t in resumed}))
    stages.sync(scope=f"t.key in {scope}",
                members_scope="t.claim_id in (select claim_id from temp.refresh_claim_keys)")


# --- a no-comment claim followed by the subject's own words --------------------------------------

# Words of the no-comment phrasing itself, which say nothing about the topic, and words
# that tell nothing of a statement's topic.
_NO_COMMENT_WORDS = wordlists.words("tracking.txt", "no_comment")
_TOPIC_STOP = wordlists.words("tracking.txt", "topic_stop")

def later(a: str | None, b: str | None) -> bool:
    """Is date a after date b? ISO dates, partial ones compared on what both give."""
    if not a or not b:
        return False
    n = min(len(a), len(b), 10)
    return a[:n] > b[:n]


def days_between(a: str | None, b: str | None) -> int | None:
    try:
        return (date.fromisoformat(a[:10]) - date.fromisoformat(b[:10])).days
    except (TypeError, ValueError):
        return None


def topic_words(text: str | None) -> set[str]:
    return {w for w in content_words(text) if w not in _NO_COMMENT_WORDS and w not in _TOPIC_STOP}


def _name_words(name: str, kind: str) -> set[str]:
    """The words that name an entity in running text: a person's surname, an
    organisation's whole key (matched as a set of words)."""
    if kind == "person":
        tokens = person_parts(name)[0]
        return {tokens[-1]} if tokens else set()
    return set(corpus_key(name, kind).split())


def refresh_followups(db: sqlite_utils.Database, summary: RefreshSummary, incremental: bool = False) -> None:
    """Link each dated no-comment claim about a known subject to that subject's quotes in
    later articles on the same topic: sharing a person or organisation (mentioned by the
    quote, or named in its words) with the claim's sentence and headline, or two content
    words. The reason says which.

    `incremental`: only the claims whose follow-ups can have changed (after
    refresh_entities and the groups' refresh of an incremental refresh), see
    _stage_followup_claims."""
    where = "claims.kind = 'no_comment' and claims.subject_id is not null"
    scope = None
    if incremental:
        _stage_followup_claims(db)
        _add_claims_new_quotes_follow(db)
        where += " and claims.id in (select id from temp.refresh_followup_claims)"
        scope = "t.claim_id in (select id from temp.refresh_followup_claims)"
    claims = db.execute(_FOLLOWUP_CLAIMS_SQL + f" where {where}").fetchall()
    finder = _FollowupFinder(db, claims)
    stage = Stage(db, "claim_followups", ("claim_id", "quote_id"), FOLLOWUP_COLUMNS)
    for claim in sorted(claims):
        for row in finder.followups(*claim):
            stage.add(row)
            summary.followups += 1
    stage.sync(summary=summary, scope=scope)


_FOLLOWUP_CLAIMS_SQL = """
    select claims.id, claims.article_id, claims.subject_id, claims.text,
      coalesce(claims.as_of, articles.published), articles.title
    from claims join articles on articles.id = claims.article_id"""


def _add_claims_new_quotes_follow(db: sqlite_utils.Database) -> None:
    """A subject that only gained quotes (the stored articles'): its no-comment claims'
    follow-ups change only where one of the new quotes follows the claim (a match is
    decided by the claim and the quote alone; the ranks then move), so only those
    claims join temp.refresh_followup_claims, found by matching the new quotes alone
    instead of recomputing every claim of the subject against all its quotes."""
    gained = db.execute(_FOLLOWUP_CLAIMS_SQL + """ where claims.kind = 'no_comment'
        and claims.subject_id in (select speaker_id from quotes where article_id in (select id from temp.refresh_stored))
        and claims.subject_id not in (select id from temp.refresh_followup_subjects where id is not null)
        and claims.id not in (select id from temp.refresh_followup_claims)""").fetchall()
    if not gained:
        return
    finder = _FollowupFinder(db, gained, new_quotes_only=True)
    db.conn.executemany("insert into temp.refresh_followup_claims (id) values (?)",
                        [(claim[0],) for claim in sorted(gained) if finder.followups(*claim)])


def _stage_followup_claims(db: sqlite_utils.Database) -> None:
    """temp.refresh_followup_claims: the no-comment claims whose follow-ups can have
    changed in an incremental refresh.

    A claim's follow-ups read its own row and article, its subject's name and kind and
    quotes (with their articles and mentions), and the people of its article with their
    names and kinds. Those move only for
    - a claim of an article stored, or a claim re-pointed (temp.refresh_rows: it may have
      a new subject or none);
    - a subject that lost a quote or whose quotes' mentions changed: the speakers of
      the quotes re-pointed (after), the entities the moved mentions held before and
      hold now (a quote re-pointed moves from the one to the other), the entities
      deleted mentions held (a deleted quote's speaker is one of its article's mentions);
      a subject that only gained the stored articles' quotes, for the claims one of them
      follows (_add_claims_new_quotes_follow);
    - a subject renamed (or new): temp.refresh_renamed;
    - an article whose people changed: a mention of it moved (temp.refresh_mentions), or
      one of its mentions holds an entity renamed.
    Every other entity of the entity block resolved to the same id, name and kind with
    the same quotes, so its claims' follow-ups are what they were. Quotes and claims
    deleted took their follow-ups with them (the writer)."""
    db.execute("drop table if exists temp.refresh_followup_subjects")
    db.execute("""create temp table refresh_followup_subjects as
        select speaker_id as id from quotes where id in (select id from temp.refresh_rows)
        union select mc.entity_id from temp.refresh_mentions m join temp.refresh_mc mc on mc.mention_id = m.id
        union select entity_id from article_entities where id in (select id from temp.refresh_mentions)
        union select id from temp.refresh_gone
        union select id from temp.refresh_renamed""")
    db.execute("drop table if exists temp.refresh_followup_claims")
    db.execute("""create temp table refresh_followup_claims as
        select id from claims where kind = 'no_comment' and (
          article_id in (select id from temp.refresh_stored)
          or subject_id in (select id from temp.refresh_followup_subjects)
          or article_id in (select article_id from article_entities where id in (select id from temp.refresh_mentions))
          or article_id in (select article_id from article_entities
                            where entity_id in (select id from temp.refresh_renamed)))
        union select id from temp.refresh_rows""")


FOLLOWUP_COLUMNS = ("claim_id", "quote_id", "subject_id", "rank", "claim_reported", "quote_published",
                    "days_later", "shared", "reason")


class _FollowupFinder:
    """What refresh_followups compares, read once: the entities, the later quotes of each
    no-comment subject with the entities they mention, and the people of each article."""

    def __init__(self, db: sqlite_utils.Database, claims: list[tuple], new_quotes_only: bool = False) -> None:
        self.quotes_by: dict[int, list[tuple]] = defaultdict(list)
        self.mentions: dict[str, set[int]] = defaultdict(set)
        self.article_people: dict[str, set[int]] = defaultdict(set)
        self.quote_words_of: dict[str, tuple[set[str], set[str]]] = {}
        self.entities: dict[int, tuple[str, str]] = {}
        if not claims:
            return
        subjects = sorted({c[2] for c in claims})
        if subjects:
            speakers = _temp_ids(db, "refresh_subjects", subjects)
            # new_quotes_only: the stored articles' quotes (does one of them follow a claim?)
            only = " and quotes.article_id in (select id from temp.refresh_stored)" if new_quotes_only else ""
            for row in db.execute(f"""
                select quotes.id, quotes.speaker_id, quotes.text, articles.published, quotes.article_id,
                  quotes.start
                from quotes join articles on articles.id = quotes.article_id
                where quotes.speaker_id in {speakers} and articles.published is not null{only}"""):
                self.quotes_by[row[1]].append(row)
            for quote_id, entity_id in db.execute(f"""
                select quote_mentions.quote_id, quote_mentions.entity_id from quote_mentions
                join quotes on quotes.id = quote_mentions.quote_id where quotes.speaker_id in {speakers}{only}"""):
                self.mentions[quote_id].add(entity_id)
        articles = _temp_ids(db, "refresh_followup_articles", sorted({c[1] for c in claims}))
        for article_id, entity_id in db.execute(f"""
                select distinct article_id, entity_id from article_entities
                where entity_id is not null and article_id in {articles}"""):
            self.article_people[article_id].add(entity_id)
        # The entities it names: the subjects and their articles' people.
        wanted = set(subjects).union(*self.article_people.values())
        self.entities = {r[0]: (r[1], r[2]) for r in db.execute(
            f"select id, name, kind from entities where id in {_temp_ids(db, 'refresh_followup_entities', sorted(wanted))}")}

    def followups(self, claim_id, article_id, subject, sentence, reported, title) -> list[dict]:
        """The claim_followups rows of one claim, ranked by date."""
        if not reported:
            return []
        entities = self.entities
        subject_name, subject_kind = entities.get(subject, ("", "person"))
        own = topic_words(subject_name)
        for form in person_parts(subject_name)[0] if subject_kind == "person" else ():
            own.add(form)
        words = (topic_words(sentence) | topic_words(title)) - own
        context = set(re.findall(r"[^\W_]+", fold(f"{sentence} {title or ''}")))
        people = {e for e in self.article_people.get(article_id, ()) if e != subject and e in entities
                  and _name_words(*entities[e]) and _name_words(*entities[e]) <= context}
        matches = [m for q in self.quotes_by.get(subject, ())
                   if (m := self._match(q, reported, people, words)) is not None]
        rows = []
        for rank, (published, _, _, quote_id, shared_people, shared_words) in enumerate(sorted(matches), 1):
            days = days_between(published, reported)
            parts = [f"{subject_name} quoted " + (f"{days} days later" if days is not None else "later")]
            if shared_people:
                parts.append("same people: " + ", ".join(shared_people))
            if shared_words:
                parts.append("same words: " + ", ".join(shared_words))
            rows.append({
                "claim_id": claim_id, "quote_id": quote_id, "subject_id": subject, "rank": rank,
                "claim_reported": reported, "quote_published": published, "days_later": days,
                "shared": ", ".join(shared_people + shared_words), "reason": "; ".join(parts),
            })
        return rows

    def _match(self, quote: tuple, reported: str, people: set[int], words: set[str]):
        """(published, article, start, quote id, shared people, shared words) when the
        quote is later and on the same topic, else None."""
        quote_id, _, text, published, q_article, start = quote
        if not later(published, reported):
            return None
        if quote_id not in self.quote_words_of:  # each quote's words once, not once a claim
            self.quote_words_of[quote_id] = (set(re.findall(r"[^\W_]+", fold(text or ""))),
                                             topic_words(text))
        said, topics = self.quote_words_of[quote_id]
        shared_people = sorted(
            self.entities[e][0] for e in people
            if e in self.mentions.get(quote_id, ()) or _name_words(*self.entities[e]) <= said)
        shared_words = sorted(words & topics)
        if not shared_people and len(shared_words) < 2:
            return None
        return (published, q_article, start or 0, quote_id, shared_people, shared_words)
