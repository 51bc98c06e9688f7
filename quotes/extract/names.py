"""People and organisations named in one article, without statistical models.

Capitalised spans are classified with a first-name list (gender-guesser's data),
titles and honorifics (nameparser's list plus news titles) and organisation
keywords. Mentions of one person ("Kirill Dmitriev", "Dmitriev", "Mr. Dmitriev")
are merged under the earliest fullest form, which is the canonical name.
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from collections import Counter
from collections.abc import Container
from dataclasses import dataclass, field
from functools import lru_cache

from quotes import wordlists
from quotes.extract import lexicon

_CAP = r"(?:[A-Z]\.(?:[A-Z]\.)+|[A-Z]\.|(?:Mc|Mac|O['’]|D['’])?[A-Z][\w'’\-]*[\w]|[A-Z])"
_PARTICLE = f"(?:{lexicon.alternation('names.txt', 'particle')})"
_CONNECT = f"(?:{lexicon.alternation('names.txt', 'connector')})"
# The first capital of a span is matched apart: a pattern that opens with a character
# class lets the regex engine skip to the next capital in C, where a look-ahead or a
# look-behind at the start is tried at every character. After that capital, _CAP_REST
# is what each alternative of _CAP matches after its own first capital, tried in the
# same order ("Mc"/"Mac"/"O'"/"D'" checked behind), and the look-behind that a span does
# not continue a word is checked one character back. Same matches as
# (?<![\w.’'-]){_CAP}... (tests/test_extract_speed.py compares them).
_FIRST_CAP = r"[A-Z](?<![\w.’'-].)"
_CAP_REST = (r"(?:\.(?:[A-Z]\.)+|\.|(?:(?<=M)c[A-Z]|(?<=M)ac[A-Z]|(?<=O)['’][A-Z]|(?<=D)['’][A-Z])?"
             r"[\w'’\-]*[\w]|)")
_SEQ = re.compile(
    rf"{_FIRST_CAP}{_CAP_REST}(?:(?: | {_PARTICLE} |-){_CAP})*(?![\w])"
)
_ORG_SEQ = re.compile(
    rf"{_FIRST_CAP}(?:{_CAP_REST}['’]s +{_CAP}|{_CAP_REST})(?: +(?:{_CONNECT} +)*{_CAP})*(?![\w])"
)
_STOP = wordlists.words("names.txt", "not_a_name")
_SUFFIXES = wordlists.words("names.txt", "suffix")
_DATE_WORDS = frozenset(lexicon.WEEKDAYS | lexicon.MONTHS)
# One capitalised word that names nobody ("The", "But", "March"): most spans are these.
_NOT_A_NAME = _STOP | _DATE_WORDS
_ORG_NOUNS = wordlists.lines("organisations.txt", "apposition")
# "the agency ", "the company, ": such a noun, an optional comma or bracket, then spaces
# ending the text. Only whether it matches is asked, so it is matched once on the
# reversed text rather than searched from every position: the text ends with it iff the
# reversed text starts with it reversed (a trailing newline is one of the spaces).
_ORG_APPOSITION_REVERSED = re.compile(
    rf"\s+(?:\]\s*|,)?(?:{lexicon.word_trie(n[::-1] for n in _ORG_NOUNS)})")
_ORG_ROLE_AFTER = re.compile(r"^\s+(?:founder|co-founder|chief|ceo|spokes\w+|executive|boss)\b")


@lru_cache(maxsize=65536)
def fold(s: str) -> str:
    """Case- and accent-folded form used to compare names."""
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    return s.replace("’", "'").casefold()


@lru_cache(maxsize=1)
def _detector():
    import gender_guesser.detector as gd

    return gd.Detector(case_sensitive=False)


@lru_cache(maxsize=65536)
def first_name_gender(token: str) -> str | None:
    """'male', 'female', 'andy' (either) for a known first name, else None."""
    low = token.lower().rstrip(".")
    if low in _STOP or low in lexicon.NOT_FIRST_NAMES or len(low) < 2:
        return None
    if token.isupper() and len(token) > 1:
        return None
    g = _detector().get_gender(token)
    if g == "unknown":
        return None
    return {"male": "male", "female": "female", "mostly_male": "andy",
            "mostly_female": "andy"}.get(g, "andy")


@dataclass
class Mention:
    start: int
    end: int
    text: str
    key: str  # canonical key of the entity (folded full name)


@dataclass
class Person:
    key: str
    name: str
    kind: str
    gender: str | None = None
    aliases: list[str] = field(default_factory=list)

    @property
    def last(self) -> str:
        return _last_word(self.name)

    @property
    def first(self) -> str:
        return _first_word(self.name)


@lru_cache(maxsize=65536)
def _last_word(name: str) -> str:
    return fold(name.split()[-1])


@lru_cache(maxsize=65536)
def _first_word(name: str) -> str:
    return fold(name.split()[0])


@lru_cache(maxsize=65536)
def _is_title(token: str) -> bool:
    return token.lower() in lexicon.TITLES or token.lower().rstrip(".") in lexicon.TITLES


def split_person(tokens: list[str]) -> tuple[list[str], list[str]]:
    """(title tokens, name tokens) of a capitalised span."""
    i = 0
    while i < len(tokens) - 1 and (_is_title(tokens[i]) or tokens[i] in ("U.S.", "U.K.")):
        i += 1
    name = tokens[i:]
    while name and name[-1].lower() in _DATE_WORDS:
        name = name[:-1]
    return tokens[:i], name


_CONNECTORS = wordlists.words("names.txt", "connector")


_LOWER_WORD = re.compile(r"\b[a-z][a-z]+\b")


@lru_cache(maxsize=2)
def lowercase_words(body: str) -> frozenset[str]:
    """Words the text writes in lower case (two letters or more): never names on their
    own. Cached for the article at hand, which the name finder and the resolver share."""
    return frozenset(_LOWER_WORD.findall(body))


class _LowercaseWords:
    """lowercase_words(body) as a container, read only when a span asks (few do)."""

    __slots__ = ("body",)

    def __init__(self, body: str) -> None:
        self.body = body

    def __contains__(self, word: object) -> bool:
        return word in lowercase_words(self.body)


def org_name(span: str, common: Container[str] = frozenset()) -> str | None:
    """The organisation named by a capitalised span, or None.

    'Washington Post Trump' -> 'Washington Post' (a name glued on after the keyword);
    'Support for NATO' -> 'NATO' when 'support' is an ordinary word in the article."""
    if "'s" not in span and "’s" not in span and lexicon.ORG_KEYWORDS.isdisjoint(
            span.lower().split()):
        return None  # no keyword (most spans): what `lowered` below would find out
    words = _without_lead(span.split())
    if not words:
        return None
    lowered = [w.lower().strip("'’s") if w.endswith(("'s", "’s")) else w.lower() for w in words]
    if lexicon.ORG_KEYWORDS.isdisjoint(lowered):
        return None  # no keyword, none left after the loop below either
    while (len(words) > 2 and lowered[1] in _CONNECTORS and lowered[0] not in lexicon.ORG_KEYWORDS
           and lowered[0] in common):
        words, lowered = words[2:], lowered[2:]
    keyed = [i for i, w in enumerate(lowered) if w in lexicon.ORG_KEYWORDS]
    if not keyed or not _keyword_names(words, lowered, keyed):
        return None
    last = keyed[-1]
    if last + 1 < len(words) and (lowered[last + 1] not in _CONNECTORS or lowered[last + 1] == "and"
                                  and last == 0):
        words = words[: last + 1]  # a name glued on after the keyword
    if first_name_gender(words[0]) and len(words) == 2 and lowered[1] not in lexicon.ORG_KEYWORDS:
        return None
    return " ".join(words)


def _without_lead(words: list[str]) -> list[str]:
    """The words without what a sentence put before a name: "Although Diageo", "But the
    Big Lottery Fund"."""
    while len(words) > 1 and (words[0].lower() in lexicon.ALIAS_LEADING_WORDS
                              or words[0] in ("A", "An")):
        words = words[1:]
    if words and words[0].lower() == "the":
        words = words[1:]
    return words


def _keyword_names(words: list[str], lowered: list[str], keyed: list[int]) -> bool:
    """Whether the keyword is part of a name: not a lone lower-case word, not a keyword
    opening a run of words with no connector after it ("Bank Holiday")."""
    if len(words) == 1 and not words[0].isupper():
        return False
    return not (keyed == [0] and len(words) > 1 and lowered[1] not in _CONNECTORS)


def clean_alias(surface: str) -> str:
    """A written form without the words a sentence put before it ("But Mr Blair", "Even
    Mr Prescott", "A Jones" in a team list): what a reader would call the name."""
    words = surface.split()
    while len(words) > 1 and words[0].lower() in lexicon.ALIAS_LEADING_WORDS:
        words = words[1:]
    return " ".join(words)


def _index_person(index: dict[tuple[str, str], list[Person]], p: Person) -> None:
    index.setdefault(("last", p.last), []).append(p)
    if len(p.name.split()) > 1:
        index.setdefault(("first", p.first), []).append(p)


class ArticleNames:
    """In-article registry of people and organisations, with every mention."""

    def __init__(self) -> None:
        self.people: dict[str, Person] = {}
        self.mentions: list[Mention] = []
        self.handles: dict[str, Person] = {}  # folded online handle -> the person using it
        self._by_part: dict[tuple[str, str], list[Person]] | None = None  # see _people_by

    # -- building --------------------------------------------------------------
    def add(self, key: str, name: str, kind: str, surface: str, at: int, gender=None) -> Person:
        p = self.people.get(key)
        if p is None:
            p = self.people[key] = Person(key, name, kind, gender, [])
            if self._by_part is not None and kind == "person":
                _index_person(self._by_part, p)  # a new entry goes last, as in registry order
        surface = clean_alias(surface)
        if surface not in p.aliases:
            p.aliases.append(surface)
        if gender and not p.gender:
            p.gender = gender
        return p

    def _rename(self, p: Person, name: str) -> None:
        p.name = name
        self._by_part = None

    def _people_by(self, part: str, token: str) -> list[Person]:
        """People by folded last name ("last") or, among multi-word names, first name
        ("first"), in registry order: an index, where a scan of every person for every
        surname was quadratic. _add appends a new person to it; a rename rebuilds it."""
        if self._by_part is None:
            index: dict[tuple[str, str], list[Person]] = {}
            for p in self.people.values():
                if p.kind == "person":
                    _index_person(index, p)
            self._by_part = index
        return self._by_part.get((part, token), [])

    def people_by_last_name(self, last: str) -> list[Person]:
        """People whose folded last name is `last`, in registry order."""
        return self._people_by("last", last)

    def person_by_surname(self, token: str, before: int | None = None) -> Person | None:
        """The person a bare surname (or known first name) refers to, if unambiguous."""
        t = fold(token)
        cands = self._people_by("last", t) or self._people_by("first", t)
        if len(cands) == 1:
            return cands[0]
        if len(cands) > 1 and before is not None:
            # The most recently mentioned of them wins ("Clinton" after "Bill Clinton").
            keys = {c.key for c in cands}
            for m in reversed(self.mentions):
                if m.start < before and m.key in keys:
                    return self.people[m.key]
        return None

    def lookup(self, surface: str, at: int | None = None) -> Person | None:
        """Resolve a written name ("Sen. Graham", "Kirill Dmitriev") to a registry entry."""
        if self.handles and (p := self.handles.get(fold(surface.strip().lstrip("@")))) is not None:
            return p
        whole = self.people.get(fold(surface.strip())) if ("'s " in surface or "’s " in surface) else None
        if whole is not None and whole.kind == "organization":
            return whole  # "Ukraine's Air Force" as written, before any part of it
        tokens = surface.replace("’s", "").replace("'s", "").split()
        _, name = split_person(tokens) if tokens else ([], [])
        if not name:
            return None
        key = fold(" ".join(name))
        if key in self.people:
            return self.people[key]
        org = org_name(surface)
        if org and fold(org) in self.people:
            return self.people[fold(org)]
        if len(name) == 1 or (len(name) == 2 and name[-1].lower() in _SUFFIXES):
            return self.person_by_surname(name[0], at)
        p = self.person_by_surname(name[-1], at)
        if p and fold(name[0]) in (p.first, fold(p.first[:1] + ".")):
            return p
        if p and fold(p.name).endswith(" " + key):
            return p  # "Ten Cate" for "Henk Ten Cate": a surname of two words
        return p if p and len(name) == 2 and name[0].endswith(".") else None


_CAPITAL_WORD = re.compile(r"(?<![\w'’\-])[A-Z][\w'’\-]*\w")
_NAME_WORD = re.compile(r"[A-Z][a-z]+(?:[\-'’][A-Z]?[a-z]+)*")


def _unknown_first_name(name: list[str], common: Container[str]) -> bool:
    """Two name-shaped words ending a span ("Gopaul Govender"), none an ordinary word
    of the article, a date, a place word or an organisation keyword."""
    if len(name) < 2:
        return False
    pair = name[-2:]
    if pair[0].lower() in lexicon.LEADING_FUNCTION_WORDS | lexicon.NUMBER_WORDS | lexicon.DETERMINERS:
        return False  # "Although Diageo", "Five Live"
    return all(_NAME_WORD.fullmatch(w) and w.lower() not in common
               and w.lower() not in _NOT_A_NAME and w.lower() not in lexicon.NOT_FIRST_NAMES
               and w.lower() not in lexicon.ORG_KEYWORDS and not _is_title(w) for w in pair)


# What introduces a person by a name the first-name list does not know: a job before it
# ("photographer Thaier Al-Sudani", "judge Mbuzeni Mathenjwa") or an age or a post after
# it ("Thaier Al-Sudani, 47", "Sarah-Jane Trent, executive director of ...").
_JOB_BEFORE = re.compile(r"\b([a-z]+)[ ]+$")
_PERSON_AFTER = re.compile(r",[ ]+(?:\d{1,3}\b|(?:a[ ]+|an[ ]+|the[ ]+)?(?:[a-z\-]+[ ]+){0,2}?([a-z]+)[ ]+(?:" + lexicon.alternation("names.txt", "post_preposition") + r")\b)")


def _introduced_as_person(body: str, start: int, end: int) -> bool:
    before = _JOB_BEFORE.search(body, max(0, start - 30), start)
    if before and (before.group(1) in lexicon.ROLE_NOUNS or before.group(1) in lexicon.TITLES):
        return True
    after = _PERSON_AFTER.match(body, end)
    return bool(after) and (after.group(1) is None or after.group(1) in lexicon.ROLE_NOUNS
                            or after.group(1) in lexicon.TITLES)


def find_names(body: str, title: str | None = None) -> ArticleNames:
    """Find every person and organisation mention in the body."""
    return _NameFinder(body).run()


# (start, end, text, tokens, split_person(tokens)) of a capitalised span left for later
_Span = tuple[int, int, str, list[str], tuple[list[str], list[str]]]


class _NameFinder:
    """The steps of find_names over one body, in order: organisations with a keyword,
    their acronyms, full person names, names with an unknown first name, then titled and
    bare surnames; each step sees what the earlier ones took."""

    def __init__(self, body: str) -> None:
        self.body = body
        self.reg = ArticleNames()
        self.common = _LowercaseWords(body)
        self.taken: list[tuple[int, int]] = []  # disjoint spans, kept sorted
        self.pending_single: list[_Span] = []
        self.unknown: list[_Span] = []

    def run(self) -> ArticleNames:
        self.organisations()
        self.acronyms()
        self.full_names()
        self.unknown_first_names()
        self.reg.mentions.sort(key=lambda m: m.start)
        self.surnames()
        self.reg.mentions.sort(key=lambda m: m.start)
        _employers_to_organisations(self.body, self.reg)
        _link_handles(self.body, self.reg)
        return self.reg

    def free(self, s: int, e: int) -> bool:
        i = bisect.bisect_left(self.taken, (e,))  # the taken spans starting before e end in order
        return i == 0 or self.taken[i - 1][1] <= s

    def organisations(self) -> None:
        """1. Organisations with a keyword: "Russian Union of Industrialists and Entrepreneurs"."""
        for m in _ORG_SEQ.finditer(self.body):
            s, text = m.start(), m.group()
            org = org_name(text, self.common)
            if org:
                off = s + text.index(org.split()[0])
                self.reg.add(fold(org), org, "organization", org, off)
                self.reg.mentions.append(Mention(off, off + len(org), org, fold(org)))
                self.taken.append((off, off + len(org)))  # in order: the organisation spans do not overlap

    def acronyms(self) -> None:
        """1b. An acronym an organisation is introduced with ("... Research (NIESR)")
        names it wherever it stands alone: "the NIESR report", "NIESR said"."""
        for short, p in _acronyms(self.body, self.reg):
            for m in re.finditer(rf"(?<![\w\-]){re.escape(short)}(?![\w\-])", self.body):
                if self.free(m.start(), m.end()):
                    self.reg.mentions.append(Mention(m.start(), m.end(), short, p.key))
                    bisect.insort(self.taken, (m.start(), m.end()))
            if short not in p.aliases:
                p.aliases.append(short)

    def full_names(self) -> None:
        """2. Full person names: optional titles, a first name, one or more name tokens."""
        spans = [part for m in _SEQ.finditer(self.body) for part in _split_possessive(m.start(), m.group())]
        for s, e, text in spans:
            if text.lower() in _NOT_A_NAME:
                continue  # step 3 would drop it too
            if not self.free(s, e):
                # "Ohio Democratic Party Chairman David Pepper": the words after the
                # organisation can still name a person.
                i = bisect.bisect_left(self.taken, (e,))
                cut = self.taken[i - 1][1] if i else e
                tail = text[cut - s :].lstrip() if s < cut < e else ""
                if not tail or not self.free(e - len(tail), e):
                    continue
                s, text = e - len(tail), tail
            tokens = text.split()
            if len(tokens) > 1 and (tokens[0].lower() in lexicon.NUMBER_WORDS or (
                    tokens[0].lower() in lexicon.LEADING_FUNCTION_WORDS and _opens_sentence(self.body, s))):
                # "Said Wales assistant coach Scott Johnson:", "Five Live": "Said" and "Five"
                # are first names to the list, but a sentence's first word "said" is the verb
                # and a number word opens no person's name.
                s += text.index(tokens[1], len(tokens[0]))
                text, tokens = text[text.index(tokens[1], len(tokens[0])) :], tokens[1:]
            if len(tokens) == 1:
                # One word (most spans): split_person finds no title and drops a date word;
                # the rest of this step only handles names of two words or more.
                if tokens[0].lower() not in _DATE_WORDS:
                    self.pending_single.append((s, e, text, tokens, ([], tokens)))
                continue
            split = titles, name = split_person(tokens)
            if not name:
                continue
            if len(name) > 2 and not first_name_gender(name[0]):
                # "PolitiFact Executive Director Aaron Sharockman": the name starts later.
                k = next((j for j in range(1, len(name) - 1) if first_name_gender(name[j])
                          and name[j + 1][:1].isupper()), None)
                if k is not None and not org_name(" ".join(name[: k + 2])):
                    titles, name = titles + name[:k], name[k:]
            if len(name) >= 2 and first_name_gender(name[0]) and not (
                    name[1].isupper() and not _INITIAL.fullmatch(name[1])):  # "Donald J. Trump"
                self._person(s, e, text, titles, name)
            elif _unknown_first_name(name, self.common):
                self.unknown.append((s, e, text, tokens, split))
            else:
                self.pending_single.append((s, e, text, tokens, split))

    def _person(self, s: int, e: int, text: str, titles: list[str], name: list[str]) -> None:
        joined = " ".join(name)
        name_off = s + len(text) - len(joined) - (len(text) - len(text.rstrip()))
        name_off = s + text.rindex(joined) if joined in text else name_off
        name = _name_core(name)
        full = " ".join(name)
        gender = first_name_gender(name[0])
        g = gender if gender in ("male", "female") else None
        g = honorific_gender(titles) or g
        p = self.reg.add(_person_key(self.reg, name), full, "person", full, name_off, g)
        if len(full.split()) > len(p.name.split()):
            self.reg._rename(p, full)
        self.reg.mentions.append(Mention(name_off, name_off + len(full), full, p.key))
        bisect.insort(self.taken, (s, e))

    def unknown_first_names(self) -> None:
        """2b. A name whose first name the detector does not know ("Duduzile
        Zuma-Sambudla", "Gopaul Govender") is a person when the article goes on to use
        its surname alone, or introduces it as one."""
        if not self.unknown:
            return
        body = self.body
        counts = Counter(_CAPITAL_WORD.findall(body))
        for s, e, text, tokens, split in self.unknown:
            name = split[1][-2:]
            full = " ".join(name)
            if (counts[name[-1]] <= body.count(full) and not _introduced_as_person(body, s, e)
                    or org_name(full, self.common)):
                self.pending_single.append((s, e, text, tokens, split))
                continue
            name_off = s + text.rindex(full) if full in text else s
            p = self.reg.add(_person_key(self.reg, name), full, "person", full, name_off,
                             honorific_gender(split[0]))
            self.reg.mentions.append(Mention(name_off, name_off + len(full), full, p.key))
            bisect.insort(self.taken, (s, e))

    def surnames(self) -> None:
        """3. Titled surnames ("Mr. Putin", "Sen. Graham") and bare surnames of known people."""
        reg, body = self.reg, self.body
        for s, e, text, tokens, (titles, name) in self.pending_single:
            last = name[-1]
            off = s + text.rindex(last)
            if last.lower() in _STOP or last.lower() in _DATE_WORDS:
                continue
            p = reg.person_by_surname(last, s)
            if p is None and titles and len(name) == 1 and (
                honorific_gender(titles) or any(t.lower().rstrip(".") in _PERSON_TITLES for t in titles)
            ):
                p = reg.add(fold(last), last, "person", last, off, honorific_gender(titles))
            if p is None and len(name) == 1:
                before = body[max(0, s - 40) : s].lower()
                after = body[e : e + 30].lower()
                if _ORG_APPOSITION_REVERSED.match(before[::-1]) or _ORG_ROLE_AFTER.match(after):
                    p = reg.add(fold(last), last, "organization", last, off)
            if p is None:
                continue
            surface = clean_alias(" ".join(tokens[-len(name):]) if len(name) > 1 else last)
            if surface not in p.aliases:
                p.aliases.append(surface)
            reg.mentions.append(Mention(off, off + len(last), last, p.key))


# An online handle the article introduces ("a user named acebush1", "the handle
# acebush1"): letters with a digit or an underscore, which no ordinary word has.
_HANDLE = r"@?(?P<h>[A-Za-z][A-Za-z]*[0-9_][A-Za-z0-9_]*)"
_HANDLE_INTRO = re.compile(rf"\b(?:{lexicon.alternation('names.txt', 'handle_noun')})[ ]+(?:named[ ]+|called[ ]+)?{_HANDLE}\b")
# ... and ties to a person: "linked the acebush1 Reddit account to Bushnell".
_HANDLE_LINK = r"\b(?:" + lexicon.alternation("names.txt", "handle_link") + r")[ ]+(?:the[ ]+)?@?(?i:{h})[ ]+(?:[\w\-]+[ ]+){{0,3}}?to[ ]+(?P<n>[A-Z][\w'’\-]+(?:[ ][A-Z][\w'’\-]+)*)"


def _link_handles(body: str, reg: ArticleNames) -> None:
    """Make a handle an alias of the person the article ties it to, with a mention
    wherever it stands ("acebush1 posted", "Acebush1 answered")."""
    for h in {m.group("h") for m in _HANDLE_INTRO.finditer(body)}:
        link = re.search(_HANDLE_LINK.format(h=re.escape(h)), body)
        p = reg.lookup(link.group("n")) if link else None
        if p is None or p.kind != "person":
            continue
        reg.handles[fold(h)] = p
        if h not in p.aliases:
            p.aliases.append(h)
        taken = [(m.start, m.end) for m in reg.mentions]
        for m in re.finditer(rf"(?<![\w@])@?{re.escape(h)}(?!\w)", body, re.IGNORECASE):
            if not any(a < m.end() and m.start() < b for a, b in taken):
                reg.mentions.append(Mention(m.start(), m.end(), m.group(), p.key))
        reg.mentions.sort(key=lambda m: m.start)


_EMPLOYER = re.compile(r"['’]s\s+(?:[\w\-]+\s+){0,2}?(?:%s)\b(?P<dept>\s+(?:of|for)\s+[a-z])?"
                       % lexicon.word_trie(lexicon.EMPLOYEE_NOUNS))
# "an Al Jazeera video camera": a name used as a modifier after an article.
_ARTICLE_BEFORE = re.compile(r"(?:^|\s)(?:[Aa]n?|[Tt]he)\s+$")
_LOWER_WORD_AFTER = re.compile(r"\s+[a-z]")
_WORD_BEFORE = re.compile(r"([\w.]+)\s+$")


def _employers_to_organisations(body: str, reg: ArticleNames) -> None:
    """A first name and a word ("Al Jazeera") that owns a job and is never written by its
    last word alone or after a title, as people are ("Jazeera said", "Prime Minister Tony
    Blair's spokesman"), names an organisation when the job is a department's ("Al
    Jazeera's manager of international communications") or the name also modifies a
    noun ("an Al Jazeera video camera")."""
    forms: dict[str, set[str]] = {}
    owns_job: set[str] = set()
    org_like: set[str] = set()
    titled: set[str] = set()
    for m in reg.mentions:
        forms.setdefault(m.key, set()).add(m.text)
        job = _EMPLOYER.match(body, m.end)
        if job:
            owns_job.add(m.key)
            if job.group("dept"):
                org_like.add(m.key)
        before = body[max(0, m.start - 30) : m.start]
        if _ARTICLE_BEFORE.search(before) and _LOWER_WORD_AFTER.match(body, m.end):
            org_like.add(m.key)
        w = _WORD_BEFORE.search(before)
        if w and _is_title(w.group(1)):
            titled.add(m.key)
    for key in owns_job & org_like - titled:
        p = reg.people[key]
        if (p.kind == "person" and len(p.name.split()) == 2 and forms[key] == {p.name}
                and p.aliases == [p.name]):
            p.kind, p.gender = "organization", None
            reg._by_part = None


_PERSON_TITLES = wordlists.words("titles.txt", "person_title")


_INITIAL = re.compile(r"[A-Z]\.")
_POSSESSIVE = re.compile(r"['’]s\b\s*")


_PAREN_ACRONYM = re.compile(r"\s\((?P<a>[A-Z][A-Z0-9&]{1,7}s?)\)")


def _acronyms(body: str, reg: ArticleNames) -> list[tuple[str, Person]]:
    """(acronym, organisation) for each organisation the body names and follows with its
    acronym in parentheses, the acronym's letters starting its words' initials."""
    out = []
    ends = {m.end: m for m in reg.mentions}
    for a in _PAREN_ACRONYM.finditer(body):
        m = ends.get(a.start())
        if m is None:
            continue
        p = reg.people.get(m.key)
        short = a.group("a")
        initials = "".join(w[0] for w in re.findall(r"[\w'’\-]+", m.text) if w[0].isupper())
        if p is not None and p.kind == "organization" and initials.startswith(short.rstrip("s")[:2]):
            out.append((short, p))
    return out


def _split_possessive(start: int, text: str) -> list[tuple[int, int, str]]:
    """'NBC’s Dante Chinni' is two spans: 'NBC' and 'Dante Chinni'."""
    if "'" not in text and "’" not in text:
        return [(start, start + len(text), text)]
    out = []
    pos = 0
    for m in _POSSESSIVE.finditer(text):
        if m.start() > pos:
            out.append((start + pos, start + m.start(), text[pos : m.start()]))
        pos = m.end()
    if pos < len(text):
        out.append((start + pos, start + len(text), text[pos:]))
    return out


def _opens_sentence(body: str, pos: int) -> bool:
    """Whether pos starts a sentence: only spaces or quote marks after a sentence end,
    a line break or the start of the text."""
    j = pos - 1
    while j >= 0 and body[j] in " \t\"“‘'(":
        j -= 1
    return j < 0 or body[j] in ".!?\n:"


def _name_core(tokens: list[str]) -> list[str]:
    """First name, middle initials or given names, surname, suffix: 'Elon Musk Has' -> 'Elon Musk'."""
    out = [tokens[0]]
    i = 1
    while i < len(tokens) - 1 and (
        re.fullmatch(r"[A-Z]\.", tokens[i]) or first_name_gender(tokens[i])
    ):
        out.append(tokens[i])
        i += 1
    while (i < len(tokens) - 1 and tokens[i].lower() in lexicon.SURNAME_PARTICLES
           and tokens[i + 1][:1].isupper()):
        out.append(tokens[i])  # "Henk Ten Cate", "Dick Van Dyke"
        i += 1
    out.append(tokens[i])
    if i + 1 < len(tokens) and tokens[i + 1].lower() in _SUFFIXES:
        out.append(tokens[i + 1])
    return out


def honorific_gender(titles: list[str]) -> str | None:
    for t in titles:
        low = t.lower()
        if low in lexicon.HONORIFICS_MALE or low.rstrip(".") in lexicon.HONORIFICS_MALE:
            return "male"
        if low in lexicon.HONORIFICS_FEMALE or low.rstrip(".") in lexicon.HONORIFICS_FEMALE:
            return "female"
    return None


def _person_key(reg: ArticleNames, name: list[str]) -> str:
    """Key for a full name: an existing entry with the same first and last name, else new."""
    first, last = fold(name[0]), fold(name[-1])
    for p in reg.people_by_last_name(last):  # the people with that last name, in order
        if p.first == first or len(p.name.split()) == 1:
            return p.key
    return fold(" ".join(name))
