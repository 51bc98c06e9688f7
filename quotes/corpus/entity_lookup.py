"""The folded keys the entity registry looks names up by, kept in the database.

The registry (quotes.corpus.resolve.Registry) matches an article's names by their folded
form (case, accents, spacing), by the surname of the people known, and by the aliases
seen. Reading every entity and alias into memory at the start of each load costs a load
of ten articles into a big corpus more than the ten articles: `_entity_lookup` keeps one
row per way of looking an entity up (key, via: name, alias or surname), so the registry
reads only the keys an article's names need.

Kept by whoever changes entities or aliases: the registry as it writes, the corpus
refresh for the entities it touches (`sync`), a merge for the entities it creates.
Built whole by a full refresh, or by the registry when the marker in _refresh_state is
missing (a database from before the table).
"""
from __future__ import annotations

from collections.abc import Iterable

import sqlite_utils

from quotes import wordlists
from quotes.extract.names import fold as fold_name
from quotes.store.schema import REFRESH_STATE

SUFFIXES = wordlists.words("names.txt", "suffix")


def fold(name: str) -> str:
    """Case-, accent- and spacing-insensitive key for a name: the same folding that
    extraction uses to merge names within an article, so both levels agree."""
    if name.isascii():  # what fold_name gives ASCII (no accents, casefold = lower), faster
        return " ".join(name.lower().split())
    return " ".join(fold_name(name).split())


def surname(key: str) -> str | None:
    """Last name of a folded multi-token person name ("kirill dmitriev" -> "dmitriev")."""
    tokens = key.split()
    while len(tokens) > 2 and tokens[-1] in SUFFIXES:
        tokens.pop()
    return tokens[-1] if len(tokens) >= 2 else None


TABLE = "_entity_lookup"
MARKER = "entity_lookup"  # its REFRESH_STATE key: the table holds every entity's keys
VERSION = "v1"


def keys_of(entity_id: int, name: str | None, kind: str | None, aliases: Iterable[str] = ()) -> list[tuple]:
    """(key, via, entity id) rows of one entity: its name, a person's surname, its aliases."""
    key = fold(name or "")
    rows = [(key, "name", entity_id)]
    if kind == "person" and (last := surname(key)):
        rows.append((last, "surname", entity_id))
    rows.extend((fold(alias), "alias", entity_id) for alias in aliases)
    return rows


def add(db: sqlite_utils.Database, rows: Iterable[tuple]) -> None:
    db.conn.executemany(f"insert or ignore into [{TABLE}] (key, via, entity_id) values (?, ?, ?)", list(rows))


def drop_name(db: sqlite_utils.Database, entity_id: int) -> None:
    """An entity's name and surname rows (before it is renamed)."""
    db.execute(f"delete from [{TABLE}] where entity_id = ? and via in ('name', 'surname')", [entity_id])


def _rows_for(db: sqlite_utils.Database, ids: str | None = None) -> list[tuple]:
    """The rows of the entities `ids` (a subquery), or of every entity."""
    aliases: dict[int, list[str]] = {}
    where = f" where entity_id in {ids}" if ids else ""
    for entity_id, alias in db.execute(f"select entity_id, alias from aliases{where} order by entity_id, alias"):
        aliases.setdefault(entity_id, []).append(alias)
    rows = []
    where = f" where id in {ids}" if ids else ""
    for entity_id, name, kind in db.execute(f"select id, name, kind from entities{where}"):
        rows.extend(keys_of(entity_id, name, kind, aliases.get(entity_id, ())))
    return rows


def sync(db: sqlite_utils.Database, ids: str | None = None) -> None:
    """The rows of the entities `ids` (a subquery of entity ids) made afresh from their
    entities and aliases rows; of every entity when None (then marked built)."""
    if ids is None:
        db.execute(f"delete from [{TABLE}]")
        add(db, _rows_for(db))
        db.execute(f"insert or replace into [{REFRESH_STATE}] (key, value) values (?, ?)", [MARKER, VERSION])
        return
    now = set(_rows_for(db, ids))
    before = set(db.execute(f"select key, via, entity_id from [{TABLE}] where entity_id in {ids}"))
    # Only the difference is written: most entities a load touches keep every key.
    db.conn.executemany(f"delete from [{TABLE}] where key = ? and via = ? and entity_id = ?",
                        sorted(before - now))
    add(db, sorted(now - before))


def is_built(db: sqlite_utils.Database) -> bool:
    return bool(db.execute(f"select exists(select 1 from [{REFRESH_STATE}] where key = ? and value = ?)",
                           [MARKER, VERSION]).fetchone()[0])


def find(db: sqlite_utils.Database, keys: list[str]) -> list[tuple]:
    """(key, via, id, name, kind, first_seen, last_seen, has gender, has description) for
    every lookup row of these keys, in entity id order."""
    out = []
    for start in range(0, len(keys), 500):
        part = keys[start:start + 500]
        out.extend(db.execute(f"""select l.key, l.via, e.id, e.name, e.kind, e.first_seen, e.last_seen,
                e.gender is not null, e.description is not null
            from [{TABLE}] l join entities e on e.id = l.entity_id
            where l.key in ({', '.join('?' * len(part))})""", part).fetchall())
    return sorted(out, key=lambda r: r[2])
