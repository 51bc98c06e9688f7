"""Merge one article's entities into the corpus registry (the entities table).

Rules, most certain first, all deterministic:
1. the same canonical name (case and accents folded) and kind is the same entity;
2. a bare surname ("Dmitriev") is the unique known person with that last name; when
   two people share it, it is left unresolved (None) rather than guessed, and only
   when nobody has it does it become an entity of its own;
3. a longer name equal to a known alias of exactly one entity of that kind is it;
4. a full name ("Kirill Dmitriev") arriving after a bare-surname entity takes that
   entity over: it is renamed to the fuller form and keeps its aliases, provided no
   other known person has that surname.

The registry is held in memory for the length of a load (one query at the start, dict
look-ups per article) and reloaded when another connection has written to the database
(`PRAGMA data_version`) or when a transaction of ours was rolled back.
"""
from __future__ import annotations

from collections.abc import Iterable

import sqlite_utils

from quotes.extract.names import fold as fold_name
from quotes.model import Entity
from quotes.store import insert_rows

_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}


def fold(name: str) -> str:
    """Case-, accent- and spacing-insensitive key for a name: the same folding that
    extraction uses to merge names within an article, so both levels agree."""
    return " ".join(fold_name(name).split())


def surname(key: str) -> str | None:
    """Last name of a folded multi-token person name ("kirill dmitriev" -> "dmitriev")."""
    tokens = key.split()
    while len(tokens) > 2 and tokens[-1] in _SUFFIXES:
        tokens.pop()
    return tokens[-1] if len(tokens) >= 2 else None


def _single(key: str) -> bool:
    return " " not in key


class Registry:
    """The corpus's entities, indexed for the resolution rules above."""

    def __init__(self, db: sqlite_utils.Database):
        self.db = db
        self.reload()

    def reload(self) -> None:
        self._name: dict[int, tuple[str, str]] = {}  # id -> (name, kind)
        self._by_name: dict[tuple[str, str], int] = {}  # (key, kind) -> id
        self._by_alias: dict[tuple[str, str], set[int]] = {}
        self._by_surname: dict[str, set[int]] = {}  # persons with multi-token names
        for id_, name, kind in self.db.execute(
            "select id, name, kind from entities order by id"
        ):
            self._index(id_, name, kind)
        for id_, alias in self.db.execute(
            "select entity_id, alias from aliases order by entity_id, alias"
        ):
            if id_ in self._name:
                self._by_alias.setdefault((fold(alias), self._name[id_][1]), set()).add(id_)
        self._version = self._data_version()

    def _data_version(self) -> int:
        return self.db.execute("PRAGMA data_version").fetchone()[0]

    def refresh(self) -> None:
        """Reload if another connection has committed since we last looked."""
        if self._data_version() != self._version:
            self.reload()

    def _index(self, id_: int, name: str, kind: str) -> None:
        key = fold(name)
        self._name[id_] = (name, kind)
        self._by_name.setdefault((key, kind), id_)
        if kind == "person" and (last := surname(key)):
            self._by_surname.setdefault(last, set()).add(id_)

    def _unindex(self, id_: int) -> None:
        name, kind = self._name.pop(id_)
        key = fold(name)
        if self._by_name.get((key, kind)) == id_:
            del self._by_name[(key, kind)]
        if kind == "person" and (last := surname(key)):
            self._by_surname.get(last, set()).discard(id_)

    def names(self, ids: Iterable[int]) -> dict[int, str]:
        return {i: self._name[i][0] for i in ids if i in self._name}

    # --- the rules ---

    def match(self, entity: Entity) -> tuple[int | None, bool]:
        """(id, ambiguous) for an entity without writing anything; (None, False) = new."""
        key, kind = fold(entity.name), entity.kind
        if (key, kind) in self._by_name:
            return self._by_name[(key, kind)], False
        if kind == "person" and _single(key):
            people = self._by_surname.get(key, set())
            if len(people) == 1:
                return next(iter(people)), False
            return None, len(people) > 1
        aliased = self._by_alias.get((key, kind), set())
        if len(aliased) == 1:
            return next(iter(aliased)), False
        return None, False

    def _takeover(self, entity: Entity) -> int | None:
        """The bare-surname entity this fuller person name should absorb, if any."""
        if entity.kind != "person":
            return None
        last = surname(fold(entity.name))
        if last is None or self._by_surname.get(last):
            return None
        return self._by_name.get((last, "person"))

    def resolve(self, entities: Iterable[Entity], published: str | None) -> dict[str, int | None]:
        """Entity ids for one article's entities: canonical in-article name -> id.

        None marks a name left unresolved because it was ambiguous. Writes new
        entities, renames, aliases and first/last seen; call inside the article's
        transaction.
        """
        ordered = sorted(entities, key=lambda e: _single(fold(e.name)))  # full names first
        ids: dict[str, int | None] = {}
        aliases: dict[tuple[int, str], None] = {}
        for entity in ordered:
            if not entity.name or not entity.name.strip():
                continue
            id_, ambiguous = self.match(entity)
            if ambiguous:
                ids[entity.name] = None
                continue
            if id_ is None and (id_ := self._takeover(entity)) is not None:
                self._rename(id_, entity.name)
            if id_ is None:
                id_ = self._create(entity)
            self._update(id_, entity, published)
            for alias in [entity.name, *entity.aliases]:
                if alias and alias.strip():
                    aliases[(id_, alias.strip())] = None
            ids[entity.name] = id_
        self._add_aliases(list(aliases))
        return ids

    # --- writes ---

    def _create(self, entity: Entity) -> int:
        id_ = insert_rows(self.db, "entities", [{
            "name": entity.name.strip(),
            "kind": entity.kind,
            "gender": entity.gender,
            "description": entity.description,
            "quote_count": 0,
        }])
        self._index(id_, entity.name.strip(), entity.kind)
        return id_

    def _rename(self, id_: int, name: str) -> None:
        kind = self._name[id_][1]
        self._unindex(id_)
        self.db.execute("update entities set name = ? where id = ?", [name, id_])
        self.db.execute("update quotes set speaker_name = ? where speaker_id = ?", [name, id_])
        self.db.execute("update claims set subject_name = ? where subject_id = ?", [name, id_])
        self._index(id_, name, kind)

    def _update(self, id_: int, entity: Entity, published: str | None) -> None:
        self.db.execute(
            """update entities set
                 first_seen = case when first_seen is null or first_seen > :p then :p else first_seen end,
                 last_seen = case when last_seen is null or last_seen < :p then :p else last_seen end,
                 gender = coalesce(gender, :g),
                 description = coalesce(description, :d)
               where id = :id""",
            {"p": published, "g": entity.gender, "d": entity.description, "id": id_},
        )

    def _add_aliases(self, pairs: list[tuple[int, str]]) -> None:
        """Every surface form seen, one statement per article (this is the hot path)."""
        insert_rows(self.db, "aliases", [{"entity_id": i, "alias": a} for i, a in pairs],
                    "on conflict do nothing")
        for id_, alias in pairs:
            self._by_alias.setdefault((fold(alias), self._name[id_][1]), set()).add(id_)
