"""What an incremental `quotes refresh` works on: the part of the corpus the articles
stored or deleted since the last refresh can change (see docs/incremental.md).

The writer logs each article it stores and what each article it deletes had (the
store's `_refresh_log`). From that log:

- `Touched.gather` reads the articles stored and the rows deleted;
- `entity_block` finds every way of writing a name whose resolution can change: the
  closure of the touched names under every relation the corpus resolution
  (quotes.corpus.resolve._CorpusResolver) decides on: the same node (kind and corpus
  key), the same surname (short names, bare surnames, profiles of namesakes), a bare
  surname and the organisation of that name, an alias naming another node, and an
  entity id held by mentions of both (which entity keeps which id). Resolving that block
  alone gives what resolving the whole corpus gives for it: every decision of the
  resolver reads only mentions linked by these relations.
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field

import sqlite_utils

from quotes.corpus.resolve import corpus_key, last_name as _last_name, fold, org_parts, person_parts
from quotes.store.schema import REFRESH_LOG, REFRESH_STATE

STATE_KEY = "logged"  # REFRESH_STATE row: every change since the last refresh is in the log
# The rules the derived tables were last made by, kept in that row: a database refreshed
# under other rules (v1: short texts grouped across articles; v2: no _mention_classes;
# v3: no _quote_group_state; v4: no _claim_group_state; v5: no _text_starts) is
# refreshed in full once, which fills what it lacks.
RULES = "v6"


def is_tracked(db: sqlite_utils.Database) -> bool:
    """Whether the log holds every change since a refresh made by these rules."""
    return db.execute(f"select exists(select 1 from [{REFRESH_STATE}] where key = ? and value = ?)",
                      [STATE_KEY, RULES]).fetchone()[0]


def log_is_empty(db: sqlite_utils.Database) -> bool:
    return not db.execute(f"select exists(select 1 from [{REFRESH_LOG}])").fetchone()[0]


def mark_refreshed(db: sqlite_utils.Database) -> None:
    db.execute(f"delete from [{REFRESH_LOG}]")
    db.execute(f"insert or replace into [{REFRESH_STATE}] (key, value) values (?, ?)", [STATE_KEY, RULES])


# --- the keys the resolution links names by --------------------------------------------------


def name_keys(kind: str | None, name: str | None, aliases: str | None) -> tuple[str, str | None, list[str]]:
    """(node, surname or None, alias target nodes) of one way of writing a name, as
    _CorpusResolver.nodes and link_aliases compute them."""
    kind, name = kind or "person", name or ""
    tokens = person_parts(name)[0] if kind == "person" else org_parts(name)[0]
    if not tokens:
        tokens = [fold(name)]
    key = " ".join(tokens)
    node = f"{kind}:{key}"
    last = _last_name(key.split()) if kind == "person" and key.split() else None
    targets = []
    for alias in json.loads(aliases or "[]"):
        target = f"{kind}:{corpus_key(alias, kind)}"
        if target != node and target not in targets:
            targets.append(target)
    return node, last, targets


def store_keys(db: sqlite_utils.Database, triples) -> None:
    """_entity_keys rows for (kind, name, aliases) triples that lack them."""
    rows, alias_rows = [], []
    for kind, name, aliases in triples:
        node, last, targets = name_keys(kind, name, aliases)
        rows.append((kind, name, aliases, node, last, json.dumps(targets, ensure_ascii=False)))
        alias_rows.extend((t, kind, name, aliases) for t in targets)
    db.conn.executemany("insert or ignore into _entity_keys values (?, ?, ?, ?, ?, ?)", rows)
    db.conn.executemany("insert or ignore into _entity_alias_keys values (?, ?, ?, ?)", alias_rows)


def rebuild_keys(db: sqlite_utils.Database) -> None:
    """Every way of writing a name in the corpus, keyed afresh (the full refresh)."""
    db.execute("delete from _entity_keys")
    db.execute("delete from _entity_alias_keys")
    store_keys(db, db.execute("select distinct kind, name, aliases from article_entities").fetchall())


# --- what the log says was touched ----------------------------------------------------------------


@dataclass
class Touched:
    stored: list[str] = field(default_factory=list)  # articles stored (and still there)
    deleted: list[str] = field(default_factory=list)
    mentions: list[tuple] = field(default_factory=list)  # (kind, name, aliases, entity id) deleted
    quotes: list[tuple] = field(default_factory=list)  # (text hash, text, group key) deleted
    claims: list[tuple] = field(default_factory=list)  # (claim id, group key) deleted
    renamed: set[int] = field(default_factory=set)  # entity ids the writer's registry renamed

    @classmethod
    def gather(cls, db: sqlite_utils.Database) -> "Touched":
        t = cls()
        stored = set()
        for kind, article_id, value in db.execute(f"select kind, article_id, value from [{REFRESH_LOG}] order by id"):
            if kind == "stored":
                stored.add(article_id)
            elif kind == "deleted":
                t.deleted.append(article_id)
            elif kind == "mention":
                t.mentions.append(tuple(json.loads(value)))
            elif kind == "quote":
                t.quotes.append(tuple(json.loads(value)))
            elif kind == "claim":
                t.claims.append(tuple(json.loads(value)))
            elif kind == "renamed":
                t.renamed.add(int(value))
        t.stored = sorted(a for a in stored if db.execute(
            "select 1 from articles where id = ?", [a]).fetchone())
        return t


def temp_table(db: sqlite_utils.Database, name: str, columns: str, rows, width: int = 1) -> str:
    db.execute(f"drop table if exists temp.[{name}]")
    db.execute(f"create temp table [{name}] ({columns})")
    db.conn.executemany(f"insert or ignore into temp.[{name}] values ({', '.join('?' * width)})",
                        [r if isinstance(r, (tuple, list)) else (r,) for r in rows])
    return f"temp.[{name}]"


@dataclass
class Block:
    names: set[tuple[str, str]]  # (kind, name) of every mention in the block
    held: set[int]  # entity ids its mentions hold now
    gone_ids: set[int]  # entity ids deleted mentions held
    renamed: set[int] = field(default_factory=set)  # entity ids renamed by the writer's registry
    dirty: set[tuple[str, str]] = field(default_factory=set)  # (kind, name) of deleted mentions


# Bare one-word keys link across kinds: a bare surname and the organisation of that key.
_BARE_KEY_TWIN = {"person": "organization", "organization": "person"}


class _BlockSearch:
    """The breadth-first search behind entity_block: the nodes reached, the ways of
    writing a name found on them, the entity ids their mentions hold, and what is yet
    to visit (nodes, and entity ids whose holders' names join the block)."""

    def __init__(self, db: sqlite_utils.Database, frontier: set[str], ids_frontier: set[int],
                 stored_holders: dict[int, set[tuple[str, str]]]):
        self.db = db
        self.stored_holders = stored_holders  # entity id -> (kind, name) of the stored mentions holding it
        self.frontier = frontier
        self.ids_frontier = ids_frontier
        self.nodes: set[str] = set()
        self.names: set[tuple[str, str]] = set()
        self.held: set[int] = set()
        self.seen_last: set[str] = set()

    def run(self) -> None:
        """Until nothing new is reached: ids first (their holders' nodes join this
        round's frontier), then each node not visited yet."""
        while self.frontier or self.ids_frontier:
            self._take_ids()
            new = self.frontier - self.nodes
            self.frontier = set()
            self.nodes |= new
            for node in sorted(new):
                self._visit(node)

    def _take_ids(self) -> None:
        """An entity id held by mentions of two names links them (which entity keeps
        which id is a vote among its holders): every name holding it joins. The mentions
        there before the stored ones are read by class (every mention of a class holds
        its answer since the last refresh; a deleted one's class only adds names)."""
        for eid in sorted(self.ids_frontier - self.held):
            self.held.add(eid)
            holders = set(self.stored_holders.get(eid, ()))
            holders.update(self.db.execute(
                "select distinct kind, name from _mention_classes where entity_id = ?", [eid]).fetchall())
            for kind, name in sorted(holders):
                self.frontier.add(name_keys(kind, name, None)[0])
        self.ids_frontier = set()

    def _visit(self, node: str) -> None:
        """Every relation the resolver decides on, from one node."""
        kind, key = node.split(":", 1)
        self._bare_key_twin(kind, key)
        for k, name, aliases, last, targets in self.db.execute(
                "select kind, name, aliases, last, targets from _entity_keys where node = ?", [node]):
            self._name_found(k, name)
            self.frontier.update(json.loads(targets or "[]"))
            self._surname(last)
        self._alias_sources(node)
        if kind == "person":
            self._surname(_last_name(key.split()) if key.split() else None)

    def _bare_key_twin(self, kind: str, key: str) -> None:
        """A one-word person key is a bare surname, which the resolver may take for the
        organisation of that key, and the other way round."""
        twin = _BARE_KEY_TWIN.get(kind)
        if twin is not None and " " not in key:
            self.frontier.add(f"{twin}:{key}")

    def _name_found(self, kind: str, name: str) -> None:
        """A way of writing a name joins the block; the entity ids its mentions hold are
        to be followed."""
        if (kind, name) in self.names:
            return
        self.names.add((kind, name))
        ids = {eid for eid, names in self.stored_holders.items() if (kind, name) in names}
        ids.update(r[0] for r in self.db.execute("select distinct entity_id from _mention_classes "
                                                 "where name = ? and kind = ? and entity_id is not null", [name, kind]))
        self.ids_frontier.update(ids - self.held)

    def _surname(self, last: str | None) -> None:
        """Namesakes (short names, bare surnames, profiles) are decided together: every
        node of the same surname joins, once per surname."""
        if last is None or last in self.seen_last:
            return
        self.seen_last.add(last)
        self.frontier.update(r[0] for r in self.db.execute(
            "select distinct node from _entity_keys where last = ?", [last]))

    def _alias_sources(self, node: str) -> None:
        """An alias links its source to the node it names: the sources naming this one."""
        for (source,) in self.db.execute("""select distinct k.node from _entity_alias_keys a join _entity_keys k
                on k.kind = a.kind and k.name = a.name and k.aliases is a.aliases where a.target = ?""", [node]):
            self.frontier.add(source)


def _block_seeds(db: sqlite_utils.Database, touched: Touched
                 ) -> tuple[set[str], dict[int, set[tuple[str, str]]], set[int]]:
    """Where the search starts: the nodes of the names stored and deleted (keyed first,
    so the search finds them), the entity ids the stored articles' mentions hold (with
    the names holding each) and those the deleted ones held. (nodes, stored ids and
    their holders, ids deleted mentions held)."""
    stored = temp_table(db, "refresh_stored", "id text primary key", touched.stored)
    new_triples, holders = set(), defaultdict(set)
    for kind, name, aliases, eid in db.execute(f"""select distinct kind, name, aliases, entity_id
            from article_entities where article_id in (select id from {stored})"""):
        new_triples.add((kind, name, aliases))
        if eid is not None:
            holders[eid].add((kind, name))
    new_triples = sorted(new_triples, key=repr)
    store_keys(db, new_triples + [m[:3] for m in touched.mentions])
    frontier = {name_keys(*t)[0] for t in new_triples} | {name_keys(*m[:3])[0] for m in touched.mentions}
    gone_ids = {m[3] for m in touched.mentions if m[3] is not None}
    return frontier, dict(holders), gone_ids


def _drop_unused_keys(db: sqlite_utils.Database, names: set[tuple[str, str]]) -> None:
    """Ways of writing a name that no mention uses any more leave the keys (else they
    would keep linking names that no longer share anything)."""
    for kind, name in sorted(names):
        if not db.execute("select exists(select 1 from article_entities where name = ? and kind = ?)",
                          [name, kind]).fetchone()[0]:
            db.execute("delete from _entity_alias_keys where kind = ? and name = ?", [kind, name])
            db.execute("delete from _entity_keys where kind = ? and name = ?", [kind, name])


def entity_block(db: sqlite_utils.Database, touched: Touched) -> Block:
    """The closure described in the module docstring, by breadth-first search over the
    _entity_keys indexes and _mention_classes (with the stored mentions, not in it yet)."""
    frontier, stored_holders, gone_ids = _block_seeds(db, touched)
    search = _BlockSearch(db, frontier, set(stored_holders) | gone_ids, stored_holders)
    search.run()
    _drop_unused_keys(db, search.names)
    return Block(names=search.names, held=search.held, gone_ids=gone_ids, renamed=touched.renamed,
                 dirty={(m[0], m[1]) for m in touched.mentions})
