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

The registry reads the entities an article's names can match (by folded key:
quotes.corpus.entity_lookup), keeps them in memory for the length of a load, and starts
again when another connection has written to the database (`PRAGMA data_version`) or
when a transaction of ours was rolled back.
"""
from __future__ import annotations

from collections.abc import Iterable

import sqlite_utils

from quotes import wordlists
from quotes.corpus import entity_lookup
from quotes.corpus.entity_lookup import SUFFIXES as _SUFFIXES, fold, surname
from quotes.model import Entity
from quotes.store import insert_rows, write_transaction
from quotes.store.schema import REFRESH_LOG

def _single(key: str) -> bool:
    return " " not in key


class Registry:
    """The corpus's entities, indexed for the resolution rules above: looked up by the
    keys an article's names need (quotes.corpus.entity_lookup) and kept in memory for
    the rest of the load."""

    def __init__(self, db: sqlite_utils.Database):
        self.db = db
        self.reload()

    def invalidate(self) -> None:
        """Forget what was read: the next `refresh` starts again from the database."""
        self._version = None

    def reload(self) -> None:
        self._name: dict[int, tuple[str, str]] = {}  # id -> (name, kind)
        self._by_name: dict[tuple[str, str], int] = {}  # (key, kind) -> id
        self._by_alias: dict[tuple[str, str], set[int]] = {}
        self._by_surname: dict[str, set[int]] = {}  # persons with multi-token names
        # What _update would change, so that an article naming a known entity again
        # writes nothing for it: first and last seen, whether gender and description are set.
        self._seen: dict[int, tuple[str | None, str | None, bool, bool]] = {}
        self._loaded: set[str] = set()  # the keys whose entities are in the dicts above
        if not entity_lookup.is_built(self.db):  # a database from before the lookup table
            with write_transaction(self.db):
                if not entity_lookup.is_built(self.db):
                    entity_lookup.sync(self.db)
        self._version = self._data_version()

    def _data_version(self) -> int:
        return self.db.execute("PRAGMA data_version").fetchone()[0]

    def refresh(self) -> None:
        """Start again if another connection has committed since we last looked."""
        if self._version is None or self._data_version() != self._version:
            self.reload()

    def _ensure(self, keys: Iterable[str]) -> None:
        """Read the entities these keys find, once per key. The first entity (lowest id)
        of a name key is the one it finds, as if every entity were read in id order."""
        missing = sorted({k for k in keys if k not in self._loaded})
        if not missing:
            return
        for key, via, id_, name, kind, first, last, gender, description in entity_lookup.find(self.db, missing):
            if id_ not in self._name:
                self._name[id_] = (name, kind)
                self._seen[id_] = (first, last, bool(gender), bool(description))
            kind = self._name[id_][1]
            if via == "name":
                self._by_name.setdefault((key, kind), id_)
            elif via == "alias":
                self._by_alias.setdefault((key, kind), set()).add(id_)
            elif via == "surname" and kind == "person":
                self._by_surname.setdefault(key, set()).add(id_)
        self._loaded.update(missing)

    def _keys(self, entity: Entity) -> list[str]:
        """The keys resolving this entity reads: its name's, and a person's surname."""
        key = fold(entity.name)
        last = surname(key) if entity.kind == "person" else None
        return [key, last] if last else [key]

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
        self._ensure(self._keys(entity))
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
        self._ensure(k for e in ordered if e.name and e.name.strip() for k in self._keys(e))
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
        self._seen[id_] = (None, None, entity.gender is not None, entity.description is not None)
        entity_lookup.add(self.db, entity_lookup.keys_of(id_, entity.name.strip(), entity.kind))
        return id_

    def _rename(self, id_: int, name: str) -> None:
        kind = self._name[id_][1]
        self._unindex(id_)
        entity_lookup.drop_name(self.db, id_)
        entity_lookup.add(self.db, entity_lookup.keys_of(id_, name, kind))
        self.db.execute("update entities set name = ? where id = ?", [name, id_])
        self.db.execute("update quotes set speaker_name = ? where speaker_id = ?", [name, id_])
        self.db.execute("update claims set subject_name = ? where subject_id = ?", [name, id_])
        # The next incremental refresh rereads what shows this entity's name (groups, follow-ups).
        self.db.execute(f"insert into [{REFRESH_LOG}] (kind, value) values ('renamed', ?)", [id_])
        self._index(id_, name, kind)

    def _update(self, id_: int, entity: Entity, published: str | None) -> None:
        first, last, has_gender, has_description = self._seen.get(id_, (None, None, False, False))
        if ((published is None or (first is not None and first <= published
                                   and last is not None and last >= published))
                and (has_gender or entity.gender is None)
                and (has_description or entity.description is None)):
            return  # nothing to change
        if published is not None:
            first = published if first is None or first > published else first
            last = published if last is None or last < published else last
        self._seen[id_] = (first, last, has_gender or entity.gender is not None,
                           has_description or entity.description is not None)
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
        entity_lookup.add(self.db, [(fold(alias), "alias", id_) for id_, alias in pairs])
        for id_, alias in pairs:
            self._by_alias.setdefault((fold(alias), self._name[id_][1]), set()).add(id_)


# --- the whole corpus at once (`quotes refresh`) ----------------------------------------
#
# The Registry above answers while an article is written, from what is known so far, so
# its answer depends on the order articles arrive in. `resolve_corpus` answers from every
# article's own entities at once (the article_entities rows) and is a pure function of
# that set: loading A then B, or B then A, gives the same entities. Rules, in order:
#
# 1. Names are compared by a corpus key: folded (case, accents), punctuation at the
#    edges of words and possessives dropped, and for people the titles before the name
#    dropped ("President Vladimir Putin", "Mr. Putin" -> "vladimir putin", "putin"; the
#    titles are kept as evidence for rule 5; "Tory MP" and other British offices count as
#    titles). Organisations drop a leading "the" and descriptors ("Paris-based").
# 2. The same key and kind is the same entity.
# 3. A full name (or an organisation name) that other articles list as an alias of
#    exactly one entity is that entity ("Russian Direct Investment Fund" / "RDIF").
# 4. A short form of a full name ("K. Dmitriev", "Kirill Dmitriev" for "Kirill A.
#    Dmitriev") is the only person whose name it abbreviates; an initial that fits
#    several people is left unresolved.
# 5. A bare surname ("Dmitriev", "President Putin") is the only person in the corpus
#    with that surname (unless an honorific contradicts that person's gender: "Ms.
#    Dmitriev" is not Kirill). When several people share it, the mention goes to the one whose
#    titles, description and roles share a word with the mention's ("head of the fund"),
#    else to the only one whose gender fits ("Ms. Dmitriev"), else it stays unresolved.
#    With nobody of that surname it is the organisation of that exact name if there is
#    one (extraction took "Euronext said" for a person), else an entity of its own.
# 6. The canonical name is the fullest form (most words, then longest), then the form
#    written most often, then the one with accents, then alphabetical order.

import re as _re
from collections import Counter as _Counter
from dataclasses import dataclass as _dataclass, field as _field
from functools import lru_cache as _lru_cache

from quotes.extract import lexicon as _lexicon

_EDGE_PUNCT = ".,;:!?\"'()[]{}“”‘’«»"
_HONORIFICS = {t.rstrip(".") for t in _lexicon.HONORIFICS_MALE | _lexicon.HONORIFICS_FEMALE} | {"dr", "sir"}
# Titles beyond extraction's list (British offices and parties: "Tory MP Michael Mates").
_MORE_TITLES = wordlists.words("resolve.txt", "more_title")
_STOP_WORDS = wordlists.words("resolve.txt", "stop")


def _clean_token(token: str, edges: str = _EDGE_PUNCT, possessive: bool = False) -> str:
    token = token.strip(edges)
    if possessive:
        for ending in ("'s", "’s"):
            if token.endswith(ending):
                token = token[: -len(ending)]
    return token.strip(edges)


def _token_pairs(name: str) -> list[tuple[str, str]]:
    """(folded, as written) per word, edge punctuation off, a possessive off the last word."""
    words = name.split()
    pairs = []
    for i, original in enumerate(words):
        last = i == len(words) - 1
        folded = _clean_token(fold(original), possessive=last)
        if folded:
            pairs.append((folded, _clean_token(original, _WRITTEN_EDGES, possessive=last)))
    return pairs


_WRITTEN_EDGES = ",;:!?\"()[]{}“”«»"  # a written form keeps its dots ("K.", "Jr.")
_SUFFIX_KEYS = {s.rstrip(".") for s in _SUFFIXES}


def last_name(tokens: list[str]) -> str:
    """The surname of folded name tokens, past any suffix: "martin luther king jr" -> king."""
    end = len(tokens)
    while end > 1 and tokens[end - 1].rstrip(".") in _SUFFIX_KEYS:
        end -= 1
    return tokens[end - 1]


_last_name = last_name


# Offices that may stand inside a longer name ("Putin Envoy Dmitriev", "York Attorney
# General Elliot Spitzer"); elsewhere only a run of titles from the start counts, since
# the wider title list holds words that are also surnames (Field, Major, King).
_OFFICES = wordlists.words("resolve.txt", "office") | _MORE_TITLES
_POST_NOMINALS = wordlists.words("resolve.txt", "post_nominal")


def _is_title(folded: str, original: str, leading: bool = True) -> bool:
    bare = folded.rstrip(".")
    if bare in _HONORIFICS or bare in _MORE_TITLES or bare.endswith("-based"):
        return True
    if not leading and bare not in _OFFICES:
        return False
    if folded not in _lexicon.TITLES and bare not in _lexicon.TITLES and bare + "." not in _lexicon.TITLES:
        return False
    from quotes.extract.names import first_name_gender

    return first_name_gender(original.strip(_EDGE_PUNCT)) is None  # "Dean Smith" keeps Dean


@_lru_cache(maxsize=65536)
def person_parts(name: str) -> tuple[list[str], list[str], list[str]]:
    """(name tokens folded, the same as written, title tokens folded) of a person's name.

    The titles are a run of titles from the start ("U.S. President"), or every token up
    to an office further in: "York Attorney General Elliot Spitzer" -> elliot spitzer;
    "Putin Envoy Dmitriev" -> dmitriev. Letters after the name ("MP", "QC") are dropped.
    """
    pairs = _token_pairs(name)
    while len(pairs) > 1 and pairs[-1][0].rstrip(".") in _POST_NOMINALS:
        pairs = pairs[:-1]
    end = len(pairs)
    while end > 1 and pairs[end - 1][0].rstrip(".") in _SUFFIX_KEYS:
        end -= 1
    cut = 0
    for i in range(end - 1):
        if _is_title(*pairs[i], leading=cut == i):
            cut = i + 1
    core = pairs[cut:]
    return [f for f, _ in core], [o for _, o in core], [f.rstrip(".") for f, _ in pairs[:cut]]  # read-only: cached


@_lru_cache(maxsize=65536)
def org_parts(name: str) -> tuple[list[str], list[str]]:
    """(tokens folded, as written) of an organisation's name, without a leading "the"."""
    pairs = _token_pairs(name)
    # "the", and descriptors before the name: "Paris-based Euronext" is Euronext
    while len(pairs) > 1 and (pairs[0][0] == "the" or pairs[0][0].endswith("-based")):
        pairs = pairs[1:]
    return [f for f, _ in pairs], [o for _, o in pairs]


def corpus_key(name: str, kind: str) -> str:
    """The key two mentions must share to be the same entity by name (rule 1)."""
    tokens = person_parts(name)[0] if kind == "person" else org_parts(name)[0]
    return " ".join(tokens) or fold(name)


def content_words(text: str | None) -> set[str]:
    """Words that carry meaning, folded, plural "s" dropped: for comparing roles and topics."""
    out = set()
    for word in _re.findall(r"[^\W_]+", fold(text or "")):
        if len(word) < 3 or word in _STOP_WORDS or word.isdigit():
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
            word = word[:-1]
        out.add(word)
    return out


@_dataclass
class CorpusMention:
    """One article's entity, as the resolution sees it (an article_entities row)."""

    id: str
    article_id: str
    name: str
    kind: str
    published: str | None = None
    aliases: tuple[str, ...] = ()
    description: str | None = None
    gender: str | None = None
    roles: tuple[str, ...] = ()  # objects of role claims about this mention
    # One mention can stand for `count` mentions alike in everything above but their
    # article: then id is the least of their ids, `first` the _order key of the
    # earliest of them, and published and last_published the earliest and latest dates.
    count: int = 1
    first: tuple | None = None
    last_published: str | None = None


@_dataclass
class CorpusEntity:
    """One entity of the corpus: a set of mentions and what they say about it."""

    key: str  # "<kind>:<corpus key of the canonical name>", the same whatever the order
    name: str
    kind: str
    mentions: list[str] = _field(default_factory=list)
    aliases: list[str] = _field(default_factory=list)
    description: str | None = None
    gender: str | None = None
    first_seen: str | None = None
    last_seen: str | None = None


@_dataclass
class Resolution:
    entities: list[CorpusEntity]  # sorted by key
    entity_of: dict[str, str | None]  # mention id -> CorpusEntity.key, None when ambiguous
    reason: dict[str, str]  # mention id -> name, alias, short name, surname,
    # surname+role, surname+gender, organization, ambiguous


class _UnionFind:
    def __init__(self):
        self.parent: dict = {}

    def find(self, x):
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a, b) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        if rb < ra:
            ra, rb = rb, ra
        self.parent[rb] = ra  # the smaller node is the root: independent of call order
        return True


def _order(m: CorpusMention):
    return m.first or (m.published is None, m.published or "", m.article_id, m.id)


def resolve_corpus(mentions: Iterable[CorpusMention]) -> Resolution:
    """Corpus entities from every article's own entities; see the rules above."""
    return _CorpusResolver(mentions).run()


def _abbreviates(short: list[str], long: list[str]) -> bool:
    """"J. Smith" or "John Smith" for "John A. Smith": same surname, a first name that
    fits, fewer or shorter tokens."""
    if short == long or len(short) > len(long) or _last_name(short) != _last_name(long):
        return False
    first, other = short[0].rstrip("."), long[0].rstrip(".")
    fits = other.startswith(first) if len(first) == 1 else first == other
    return fits and (len(short) < len(long) or len(first) < len(other))


def _bare(node) -> bool:
    return node[0] == "person" and " " not in node[1]


class _CorpusResolver:
    """The rules of resolve_corpus as named steps over one set of mentions: group the
    mentions alike, link by alias (rule 3) and short name (rule 4), form the components,
    then place the bare surnames (rule 5)."""

    def __init__(self, mentions: Iterable[CorpusMention]) -> None:
        # Mentions alike in everything the rules read are decided once (a name is written
        # the same way in many articles); dates and counts still come from every mention.
        alike: dict[tuple, list[CorpusMention]] = {}
        for m in sorted(mentions, key=lambda m: m.id):
            alike.setdefault((m.kind, m.name, m.aliases, m.description, m.gender, m.roles), []).append(m)
        self.mentions = [group[0] for group in alike.values()]  # one representative each
        self.same = {group[0].id: group for group in alike.values()}
        self.node_of: dict[str, tuple[str, str]] = {}
        self.core: dict[str, tuple[list[str], list[str], list[str]]] = {}
        self.uf = _UnionFind()
        self.node_reason: dict[tuple[str, str], str] = {}
        self.components: dict[tuple[str, str], list[CorpusMention]] = {}
        self.reason: dict[str, str] = {}
        self.entity_of_mention: dict[str, tuple[str, str] | None] = {}
        self.profiles: dict = {}

    def run(self) -> Resolution:
        self.nodes()
        self.link_aliases()
        self.link_short_names()
        self.form_components()
        self.place_bare_surnames()
        return self.resolution()

    def nodes(self) -> None:
        for m in self.mentions:
            if m.kind == "person":
                tokens, written, titles = person_parts(m.name)
            else:
                (tokens, written), titles = org_parts(m.name), []
            if not tokens:
                tokens, written = [fold(m.name)], [m.name.strip()]
            for each in self.same[m.id]:
                self.core[each.id] = (tokens, written, titles)
            self.node_of[m.id] = (m.kind, " ".join(tokens))
        self.linkable = {n for n in set(self.node_of.values()) if not _bare(n)}
        for n in sorted(self.linkable):
            self.uf.find(n)

    def link_aliases(self) -> None:
        """Rule 3: names that other mentions list as their alias, until nothing changes."""
        alias_sources: dict[tuple[str, str], set] = {}
        for m in self.mentions:
            source = self.node_of[m.id]
            if source not in self.linkable:
                continue
            for alias in m.aliases:
                target = (m.kind, corpus_key(alias, m.kind))
                if target != source and target in self.linkable:
                    alias_sources.setdefault(target, set()).add(source)
        changed = True
        while changed:
            changed = False
            for target in sorted(alias_sources):
                roots = {self.uf.find(s) for s in alias_sources[target]}
                if len(roots) == 1 and self.uf.union(target, next(iter(roots))):
                    self.node_reason.setdefault(target, "alias")
                    changed = True

    def link_short_names(self) -> None:
        """Rule 4: short forms of a longer full name, decided against the same components."""
        self.people = [n for n in sorted(self.linkable) if n[0] == "person"]
        self.by_last: dict[str, list[tuple[str, str]]] = {}
        for n in self.people:
            self.by_last.setdefault(_last_name(n[1].split()), []).append(n)
        changed = True
        while changed:  # each pass decides against the same components, then merges
            changed = False
            decided = [(n, next(iter(c))) for n in self.people if len(c := self.fuller(n)) == 1]
            for n, other in decided:
                if self.uf.union(n, other):
                    self.node_reason.setdefault(n, "short name")
                    changed = True
        # "J. Smith" with John and Jane Smith known: unresolved rather than guessed
        self.unresolved_nodes = {n for n in self.people
                                 if len(n[1].split()[0]) == 1 and len(self.fuller(n)) > 1}

    def fuller(self, n) -> set:
        tokens = n[1].split()
        find = self.uf.find
        return {find(o) for o in self.by_last[_last_name(tokens)]
                if find(o) != find(n) and _abbreviates(tokens, o[1].split())}

    def assign(self, rep: CorpusMention, root, why: str) -> None:
        """The decision for a representative holds for every mention alike."""
        if root is not None:
            self.components.setdefault(root, []).extend(self.same[rep.id])
        for each in self.same[rep.id]:
            self.entity_of_mention[each.id], self.reason[each.id] = root, why

    def form_components(self) -> None:
        """Components so far, and who in them has which surname."""
        for m in self.mentions:
            node = self.node_of[m.id]
            if node in self.linkable and node not in self.unresolved_nodes:
                self.assign(m, self.uf.find(node), self.node_reason.get(node, "name"))
        self.surname_of: dict[str, set] = {}
        for root, ms in self.components.items():
            if root[0] != "person":
                continue
            for m in ms:
                tokens = self.core[m.id][0]
                if len(tokens) >= 2:
                    self.surname_of.setdefault(_last_name(tokens), set()).add(root)

    def profile(self, root):
        """(role and title words, gender) of a component, for telling namesakes apart."""
        if root not in self.profiles:
            words, genders = set(), _Counter()
            for m in self.components[root]:
                words |= content_words(m.description)
                for role in m.roles:
                    words |= content_words(role)
                for form in (m.name, *m.aliases):
                    words |= {t for t in person_parts(form)[2] if t not in _HONORIFICS}
                if m.gender in ("male", "female"):
                    genders[m.gender] += m.count
            top = genders.most_common(2)
            gender = top[0][0] if top and (len(top) == 1 or top[0][1] > top[1][1]) else None
            self.profiles[root] = (words, gender)
        return self.profiles[root]

    def place_bare_surnames(self) -> None:
        """Rule 5: bare surnames."""
        for m in self.mentions:
            node = self.node_of[m.id]
            if node in self.unresolved_nodes:
                self.assign(m, None, "ambiguous")
                continue
            if not _bare(node):
                continue
            candidates = sorted(self.surname_of.get(node[1], ()))
            if not candidates and ("organization", node[1]) in self.linkable:
                # nobody has that surname, an organisation has that name: extraction
                # took the organisation for a person ("Euronext said")
                self.assign(m, self.uf.find(("organization", node[1])), "organization")
                continue
            if not candidates:
                self.assign(m, node, "name")
                continue
            if len(candidates) == 1:
                # the only one with that surname, unless the honorific says otherwise
                # ("Ms. Dmitriev" is not Kirill): then someone not known by full name
                chosen, why = candidates[0], "surname"
                gender = _mention_gender(m)
                if gender and self.profile(chosen)[1] and gender != self.profile(chosen)[1]:
                    chosen, why = None, "ambiguous"
            else:
                chosen, why = _disambiguate(m, self.core[m.id][2], candidates, self.profile)
            self.assign(m, chosen, why if chosen is not None else "ambiguous")

    def resolution(self) -> Resolution:
        entities, key_of_root = [], {}
        for root, ms in self.components.items():
            entity = _describe(root, ms, self.core)
            key_of_root[root] = entity.key
            entities.append(entity)
        entities.sort(key=lambda e: e.key)
        return Resolution(
            entities=entities,
            entity_of={m: (key_of_root[r] if r is not None else None)
                       for m, r in self.entity_of_mention.items()},
            reason=self.reason,
        )


_MALE = {h.rstrip(".") for h in _lexicon.HONORIFICS_MALE}
_FEMALE = {h.rstrip(".") for h in _lexicon.HONORIFICS_FEMALE}


def _mention_gender(m: CorpusMention) -> str | None:
    """From an honorific ("Mr.", "Ms.", "Lord"), else as extraction guessed it."""
    for form in (m.name, *m.aliases):
        titles = set(person_parts(form)[2])
        if titles & _MALE:
            return "male"
        if titles & _FEMALE:
            return "female"
    return m.gender if m.gender in ("male", "female") else None


def _disambiguate(m: CorpusMention, titles: list[str], candidates: list, profile):
    """A bare surname shared by several people: the one the titles and roles agree with."""
    words = content_words(m.description) | {t for t in titles if t not in _HONORIFICS}
    for role in m.roles:
        words |= content_words(role)
    gender = _mention_gender(m)

    def fits(c) -> bool:
        other = profile(c)[1]
        return not (gender and other and gender != other)

    def distinctive(c) -> set[str]:  # "head" in every candidate's roles tells nothing
        others = set().union(*(profile(o)[0] for o in candidates if o != c))
        return profile(c)[0] - others

    agreeing = [c for c in candidates if fits(c) and words & distinctive(c)]
    if len(agreeing) == 1:
        return agreeing[0], "surname+role"
    if not agreeing and gender:
        fitting = [c for c in candidates if fits(c)]
        if len(fitting) == 1:
            return fitting[0], "surname+gender"
    return None, "ambiguous"


def _describe(root, ms: list[CorpusMention], core) -> CorpusEntity:
    kind = root[0]
    written = _Counter()
    for m in ms:
        tokens, forms, titles = core[m.id]
        written[(" ".join(tokens), " ".join(forms), bool(titles))] += m.count

    def accents(s: str) -> int:
        return sum(1 for ch in s if ord(ch) > 127)

    def rank(item):
        (key, form, titled), count = item
        return (-len(key.split()), -len(key), titled, -count, -accents(form), form.isupper(), form)

    (key, name, _), _ = min(written.items(), key=rank)
    ordered = sorted(ms, key=_order)
    description = next((m.description for m in ordered if m.description), None)
    genders = _Counter()
    for m in ordered:
        if m.gender:
            genders[m.gender] += m.count
    gender = None
    if genders and kind == "person":
        best = max(genders.values())
        gender = next(m.gender for m in ordered if m.gender and genders[m.gender] == best)
    dates = sorted(d for m in ms for d in (m.published, m.last_published) if d)
    aliases = sorted({a.strip() for m in ms for a in (m.name, *m.aliases) if a and a.strip()})
    return CorpusEntity(
        key=f"{kind}:{key}", name=name, kind=kind, mentions=sorted(m.id for m in ms),
        aliases=aliases, description=description, gender=gender,
        first_seen=dates[0] if dates else None, last_seen=dates[-1] if dates else None,
    )
