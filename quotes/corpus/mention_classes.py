"""The classes of mentions the corpus resolution reads, kept in the database.

A class is the mentions alike in everything the resolution reads of one (kind, name,
aliases, description, gender, the roles its article's claims give it); it is resolved
as one CorpusMention with a count, its first and last appearance and the least mention
id. A full refresh computes the classes from every mention. The table `_mention_classes`
keeps them between refreshes, with the entity id and resolution their mentions hold,
so that an incremental refresh reads the classes of its block of names (a few hundred)
instead of every mention of those names (tens of thousands in a million-quote corpus):

- the stored articles' mentions are added to it (a class's count, first and last
  appearance and least id combine by sum, min and max);
- the names whose mentions were deleted are counted again from their mentions (a
  minimum cannot be taken back);
- once resolved, every mention of a class holds the class's answer, so the class
  becomes one row; only classes whose mentions held another answer have their
  mentions re-pointed, and only their names' mentions are read (temp.refresh_mc).

tests/test_incremental.py compares the table, after every incremental refresh, with
the one a full refresh builds.
"""
from __future__ import annotations

import itertools
import json
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

import sqlite_utils

from quotes.corpus.resolve import CorpusMention

TABLE = "_mention_classes"
COLUMNS = ("class", "kind", "name", "entity_id", "resolution", "mentions", "first_key", "least_id",
           "last_published")
SEP = "\x1f"  # joins the parts of an order key in SQL; sorts before any character in them

# One row per class and answer held: (class, kind, name, entity_id, resolution, mentions,
# first_key, least_id, last_published).
Row = tuple
# Classes.pending: by class, each row key (class, entity id, resolution) -> (rowid and
# row in the table, or None, None; the row it should hold).
Pending = dict[str, dict[tuple, tuple[int | None, Row | None, Row]]]


@lru_cache(maxsize=65536)
def _aliases(stored: str | None) -> tuple[str, ...]:
    return tuple(json.loads(stored or "[]"))


@dataclass
class Classes:
    """The classes of a refresh: (class key, CorpusMention, [(entity id, mentions of the
    class it holds)]) each, and each class's rows (one per answer its mentions hold)."""

    items: list[tuple[str, CorpusMention, list]] = field(default_factory=list)
    rows: dict[str, list[Row]] = field(default_factory=dict)
    # (entity id, resolution) pairs held by mentions outside the articles stored since
    # the last refresh, by class (an incremental refresh's): a class whose answer is
    # among them, alone, needs only its stored mentions re-pointed.
    before: dict[str, set[tuple]] = field(default_factory=dict)
    # The classes the stored articles' mentions were added to, not yet written (settle).
    pending: Pending = field(default_factory=dict)


def stage_mentions(db: sqlite_utils.Database, table: str, mentions: str | None = None) -> None:
    """temp.TABLE: one row per mention (of `mentions`, a temporary table of (id, rid)
    article_entities ids and rowids; every mention when None) with its class, the
    answer it holds and its order key."""
    scoped_mentions = scoped_refs = ""
    if mentions is not None:
        scoped_mentions = f" where article_entities.rowid in (select rid from {mentions})"
        scoped_refs = f" and entity_refs.article_entity_id in (select id from {mentions})"
    db.execute("drop table if exists temp.refresh_roles")
    db.execute(f"""create temp table refresh_roles as
        select article_entity_id, json_group_array(object) as roles from (
          select entity_refs.article_entity_id as article_entity_id, claims.object as object
          from entity_refs join claims on claims.id = entity_refs.row_id
          where entity_refs.role = 'subject' and claims.kind = 'role' and claims.object is not null{scoped_refs}
          order by 1, 2)
        group by article_entity_id""")
    db.execute("create unique index temp.refresh_roles_id on refresh_roles (article_entity_id)")
    db.execute(f"drop table if exists temp.[{table}]")
    db.execute(f"""create temp table [{table}] as
        select article_entities.id as mention_id, article_entities.entity_id as entity_id,
          article_entities.resolution as resolution, articles.published as published,
          article_entities.kind as kind, article_entities.name as name,
          json_array(article_entities.kind, article_entities.name, article_entities.aliases,
            article_entities.description, article_entities.gender,
            json(coalesce(refresh_roles.roles, '[]'))) as class,
          (articles.published is null) || '{SEP}' || coalesce(articles.published, '') || '{SEP}'
            || article_entities.article_id || '{SEP}' || article_entities.id as sort_key,
          article_entities.article_id as article_id
        from article_entities join articles on articles.id = article_entities.article_id
          left join temp.refresh_roles on refresh_roles.article_entity_id = article_entities.id{scoped_mentions}""")
    db.execute("drop table temp.refresh_roles")


def _grouped(db: sqlite_utils.Database, table: str) -> list[Row]:
    """The staged mentions of temp.TABLE as class rows, in class order."""
    return db.execute(f"""select class, kind, name, entity_id, resolution, count(*), min(sort_key),
          min(mention_id), max(published)
        from temp.[{table}] group by class, entity_id, resolution order by class""").fetchall()


def _stage_names(db: sqlite_utils.Database, names: list[tuple[str, str]], table: str) -> str:
    """temp.TABLE: the ids and rowids of every mention of these (kind, name)s."""
    db.execute("drop table if exists temp.refresh_names")
    db.execute("create temp table refresh_names (kind text, name text, primary key (name, kind))")
    db.conn.executemany("insert or ignore into temp.refresh_names values (?, ?)", names)
    db.execute(f"drop table if exists temp.[{table}]")
    # The names first (cross join): a temporary table has no statistics, and SQLite would
    # rather scan every mention. Rowids too, to read the mentions without the id index.
    db.execute(f"""create temp table [{table}] as
        select article_entities.id as id, article_entities.rowid as rid
        from temp.refresh_names b cross join article_entities on article_entities.name = b.name
          and article_entities.kind = b.kind""")
    db.execute(f"create unique index temp.[{table}_id] on [{table}] (id)")
    return f"temp.[{table}]"


def classes_of(rows: list[Row]) -> Classes:
    """Classes from class rows in class order."""
    out = Classes()
    for class_, parts in itertools.groupby(rows, key=lambda r: r[0]):
        parts = list(parts)
        held: dict[int, int] = defaultdict(int)
        for p in parts:
            if p[3] is not None:
                held[p[3]] += p[5]
        first = min(p[6] for p in parts)
        last = max((p[8] for p in parts if p[8] is not None), default=None)
        kind, name, aliases, description, gender, roles = json.loads(class_)
        null_date, published, article_id, first_id = first.split(SEP)
        mention = CorpusMention(
            id=min(p[7] for p in parts), article_id=article_id, name=name or "", kind=kind or "person",
            published=published or None, aliases=_aliases(aliases), description=description,
            gender=gender, roles=tuple(roles), count=sum(p[5] for p in parts),
            first=(null_date == "1", published, article_id, first_id), last_published=last,
        )
        out.items.append((class_, mention, sorted(held.items())))
        out.rows[class_] = parts
    return out


def all_classes(db: sqlite_utils.Database) -> Classes:
    """Every class of the corpus, from every mention (the full refresh); the mentions
    stay staged in temp.refresh_mc for the answers to be written back."""
    stage_mentions(db, "refresh_mc")
    return classes_of(_grouped(db, "refresh_mc"))


def _merged(a: Row, b: Row) -> Row:
    """Two rows of one class and answer as one."""
    lasts = [x for x in (a[8], b[8]) if x is not None]
    return (*a[:5], a[5] + b[5], min(a[6], b[6]), min(a[7], b[7]), max(lasts) if lasts else None)


def _write(db: sqlite_utils.Database, classes: list[str], rows: list[Row]) -> None:
    """Replace the rows of these classes."""
    db.conn.executemany(f"delete from [{TABLE}] where class = ?", [(c,) for c in classes])
    db.conn.executemany(f"insert into [{TABLE}] values ({', '.join('?' * len(COLUMNS))})", rows)


def _write_pending(db: sqlite_utils.Database, pending: Pending, settled: dict[str, Row]) -> None:
    """The classes mentions were added to: each one's rows as added up, or its one row
    when its answer was settled. A row the table holds under the same class and answer
    (the common case: the stored mentions join the answer their class had) has its
    counts updated in place, so the indexes on class, name and entity are not touched."""
    updates, inserts, deletes = [], [], []
    for class_, rows in sorted(pending.items()):
        target = [settled[class_]] if class_ in settled else [now for _, _, now in rows.values()]
        keys = set()
        for row in sorted(target, key=lambda r: (_sql_order(r[3]), _sql_order(r[4]))):
            key = (row[0], row[3], row[4])
            keys.add(key)
            rowid, stored, _ = rows.get(key, (None, None, None))
            if rowid is None:
                inserts.append(row)
            elif row != stored:
                updates.append((*row[5:], rowid))
        deletes += [(rowid,) for key, (rowid, _, _) in rows.items() if rowid is not None and key not in keys]
    db.conn.executemany(f"delete from [{TABLE}] where rowid = ?", deletes)
    counts = ", ".join(f"[{c}] = ?" for c in COLUMNS[5:])
    db.conn.executemany(f"update [{TABLE}] set {counts} where rowid = ?", updates)
    db.conn.executemany(f"insert into [{TABLE}] values ({', '.join('?' * len(COLUMNS))})", inserts)


def _add_stored(db: sqlite_utils.Database, dirty: set[tuple[str, str]]
                ) -> tuple[dict[str, set[tuple]], Pending]:
    """The stored articles' mentions (those of names counted again anyway left out)
    added to their classes, in memory: returns the answers each class's rows held
    before, and the classes added to (Classes.pending), for settle to write once their
    answers are known."""
    db.execute("drop table if exists temp.refresh_new_mentions")
    db.execute("""create temp table refresh_new_mentions as
        select id, rowid as rid, kind, name from article_entities
        where article_id in (select id from temp.refresh_stored)""")
    if dirty:
        db.conn.executemany("delete from temp.refresh_new_mentions where kind = ? and name = ?", sorted(dirty))
    stage_mentions(db, "refresh_mc_new", "temp.refresh_new_mentions")
    added = _grouped(db, "refresh_mc_new")
    db.execute("drop table temp.refresh_mc_new")
    db.execute("drop table temp.refresh_new_mentions")
    if not added:
        return {}, {}
    touched = sorted({r[0] for r in added})
    pending: Pending = {c: {} for c in touched}
    for chunk in range(0, len(touched), 500):
        part = touched[chunk:chunk + 500]
        for rowid, *row in db.execute(f"select rowid, {', '.join(COLUMNS)} from [{TABLE}] where class in "
                                      f"({', '.join('?' * len(part))})", part):
            pending[row[0]][(row[0], row[3], row[4])] = (rowid, tuple(row), tuple(row))
    before = {c: {(key[1], key[2]) for key in rows} for c, rows in pending.items()}
    for row in added:
        key = (row[0], row[3], row[4])
        rowid, stored, now = pending[row[0]].get(key, (None, None, None))
        pending[row[0]][key] = (rowid, stored, _merged(now, row) if now else row)
    return before, pending


def _recount(db: sqlite_utils.Database, dirty: set[tuple[str, str]]) -> None:
    """The classes of names whose mentions were deleted, counted again from the
    mentions left."""
    if not dirty:
        return
    db.conn.executemany(f"delete from [{TABLE}] where kind = ? and name = ?", sorted(dirty))
    stage_mentions(db, "refresh_mc_dirty", _stage_names(db, sorted(dirty), "refresh_dirty_mentions"))
    db.conn.executemany(f"insert into [{TABLE}] values ({', '.join('?' * len(COLUMNS))})",
                        _grouped(db, "refresh_mc_dirty"))
    db.execute("drop table temp.refresh_mc_dirty")


def block_classes(db: sqlite_utils.Database, names: set[tuple[str, str]],
                  dirty: set[tuple[str, str]]) -> Classes:
    """The classes of a block of names (an incremental refresh's), after adding the
    stored articles' mentions to the table and counting the `dirty` names again."""
    before, pending = _add_stored(db, dirty)
    _recount(db, dirty)
    db.execute("drop table if exists temp.refresh_block")
    db.execute("create temp table refresh_block (kind text, name text, primary key (name, kind))")
    db.conn.executemany("insert or ignore into temp.refresh_block values (?, ?)", sorted(names))
    rows = [r for r in db.execute(f"""select {', '.join(f'c.[{c}]' for c in COLUMNS)}
        from temp.refresh_block b cross join [{TABLE}] c on c.name = b.name and c.kind = b.kind
        order by c.class, c.entity_id, c.resolution""") if r[0] not in pending]
    rows += [now for class_rows in pending.values() for _, _, now in class_rows.values() if (now[1], now[2]) in names]
    found = classes_of(sorted(rows, key=lambda r: (r[0], *_sql_order(r[3]), *_sql_order(r[4]))))
    for class_, class_rows in found.rows.items():
        found.before[class_] = before.get(class_, {(r[3], r[4]) for r in class_rows})
    found.pending = pending
    return found


def _sql_order(value) -> tuple:
    """SQLite's order of a value in a column of integers or texts: null first."""
    return (value is not None, value if value is not None else 0)


def settle(db: sqlite_utils.Database, classes: Classes, answer_of: dict[str, tuple[int | None, str]],
           full: bool) -> None:
    """Each class as one row holding its answer (entity id, resolution). Leaves in
    temp.refresh_mc the mentions that may hold another answer, to be re-pointed: after
    a full refresh, all of them; else the stored articles' mentions, and every mention
    of the names of the classes whose other mentions held another answer."""
    def one(class_: str) -> Row:
        parts = classes.rows[class_]
        merged = parts[0]
        for p in parts[1:]:
            merged = _merged(merged, p)
        return (*merged[:3], *answer_of[class_], *merged[5:])

    if full:
        db.execute(f"delete from [{TABLE}]")
        db.conn.executemany(f"insert into [{TABLE}] values ({', '.join('?' * len(COLUMNS))})",
                            (one(c) for c, _, _ in classes.items))
        return
    changed = [c for c, _, _ in classes.items
               if any((p[3], p[4]) != answer_of[c] for p in classes.rows[c])]
    _write(db, [c for c in changed if c not in classes.pending],
           [one(c) for c in changed if c not in classes.pending])
    _write_pending(db, classes.pending, {c: one(c) for c in changed if c in classes.pending})
    names = sorted({(p[1], p[2]) for c in changed if classes.before[c] - {answer_of[c]}
                    for p in classes.rows[c][:1]})
    mentions = _stage_names(db, names, "refresh_moved_names")
    if changed:
        db.execute(f"""insert or ignore into {mentions} (id, rid) select id, rowid from article_entities
            where article_id in (select id from temp.refresh_stored)""")
    stage_mentions(db, "refresh_mc", mentions)

