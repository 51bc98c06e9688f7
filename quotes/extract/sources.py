"""Who a description or a pronoun speaking for someone stands for, read across the
article's statements.

The sieves resolve a speaker phrase where it stands; what they leave open is mostly
one of three things a reader resolves without effort: a body named by description
("the ministry", "the German Federal Labour Agency", "a Treasury spokesperson",
"TNO's report"), a pronoun whose antecedent is the source of an earlier statement
("It said ...", "she added"), or a document that speaks for its author. Anonymous
sources ("a senior official", "critics") stay anonymous: no rule here names a
description that names no body.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import replace
from functools import lru_cache

from quotes.extract import lexicon
from quotes.extract.lexicon import alternation
from quotes.extract.names import ArticleNames, Mention, Person, fold
from quotes.extract.quotemarks import is_headline
from quotes.extract.text import Span
from quotes.model import Quote
from quotes import wordlists

# How far back (in paragraphs) a pronoun or a bare description looks for its referent.
_PRONOUN_REACH = 3
# A sentence "opens with" a name that starts within this many characters ("Mr Kennedy",
# "Lawmakers on the House Select Committee").
_OPENING_REACH = 24
_DESCRIPTION_REACH = 12
_LISTS = "sources.txt"
_DETERMINER = re.compile(rf"^(?:{alternation(_LISTS, 'determiner')})\s+", re.IGNORECASE)
_POSSESSIVES = wordlists.lines("function_words.txt", "possessive")
_POSSESSOR = re.compile(rf"^(?P<owner>[A-Z][\w.&\-]*(?:\s+[A-Z][\w.&\-]*)*|{alternation('function_words.txt', 'possessive', case='either')})"
                        r"(?:['’]s?)?\s+(?:own\s+)?(?P<rest>.+)$")
_FOR_BODY = re.compile(r"\b(?:for|of|at)\s+(?:the\s+)?(?P<body>[A-Z][\w.&\-]*(?:\s+(?:[A-Z][\w.&\-]*|of|for|and|&))*)")
_CONNECTORS = wordlists.words(_LISTS, "connector")
_SENTENCE_BREAK = re.compile(r"(?<=[a-z]{2})[.!?]\s+")
_NOT_A_BODY = wordlists.words(_LISTS, "not_a_body")
# A short introductory phrase before a sentence's subject: "Following the arrests, ".
_INTRO = re.compile(rf"(?:{alternation(_LISTS, 'intro', case='capitalize')})\b[^,.;:\"“”]{{0,40}},\s+")
# What follows a description's head: "analysis of the fire", "a report into the incident".
_AFTER_HEAD = re.compile(rf"\s(?:{alternation(_LISTS, 'after_head')})\s")
# A body named as a plural of its members: "the Conservatives", "the Democrats".
_PLURAL_BODY = re.compile(rf"[A-Z][a-z]+(?:{alternation(_LISTS, 'plural_body_suffix')})")
_BY_BODY = re.compile(r"\bby\s+(?:the\s+)?(?P<body>(?:The\s+)?[A-Z][\w.&\-]*(?:\s+[A-Z][\w.&\-]*)*)")
# A sentence opening with "The <noun>" and a verb: "The opposition also made ...".
_DESCRIBED_SUBJECT = re.compile(r"The[ ]([a-z]+)[ ](?:also[ ]|later[ ]|then[ ])?(?:[a-z]+ed|[a-z]+s|" + alternation(_LISTS, "subject_verb") + r")\b")
_ACRONYM = re.compile(r"[A-Z]{2,5}")
_GENDER = ({w: "male" for w in wordlists.lines(_LISTS, "gender_male")}
           | {w: "female" for w in wordlists.lines(_LISTS, "gender_female")})


@lru_cache(maxsize=None)
def nouns() -> dict[str, frozenset[str]]:
    """Section -> words, from quotes/data/sources.txt."""
    out: dict[str, set[str]] = {}
    for section, line in wordlists.sections(_LISTS):
        out.setdefault(section or "", set()).add(line.lower())
    return {k: frozenset(v) for k, v in out.items()}


class _Article:
    """What the rules consult: the registry, paragraph starts, earlier sources."""

    def __init__(self, body: str, names: ArticleNames, paras: list[Span], sentences: list[Span],
                 quoted: list[tuple[int, int]] = ()):
        self.body = body
        self.quoted = sorted(quoted)
        self.quoted_starts = [a for a, _ in self.quoted]
        self.sources: list[tuple[int, Person | None]] = []  # every statement's source
        self.unnamed_it: list[int] = []  # where an "It" statement stayed unresolved
        self.documents: list[tuple[int, str, Person]] = []  # (where, head word, whose)
        self.names = names
        self.para_starts = [p.start for p in paras]
        self.by_name = {p.name: p for p in names.people.values()}
        orgs = sorted((m.start, m.key) for m in names.mentions
                      if (p := names.people.get(m.key)) is not None and p.kind == "organization")
        self.org_starts = [s for s, _ in orgs]
        self.org_keys = [k for _, k in orgs]
        self.history: list[tuple[int, Person]] = []  # resolved sources, in text order
        self.sentence_starts = [s.start for s in sentences]
        self.mention_starts = [m.start for m in names.mentions]

    def paragraph(self, pos: int) -> int:
        return bisect.bisect_right(self.para_starts, pos) - 1

    # -- organisations ---------------------------------------------------------------
    def organisation(self, name: str, at: int) -> Person:
        """The registry's organisation of that name, added when the article names it
        only here ("the German Federal Labour Agency said")."""
        p = self.names.lookup(name, at)
        if p is not None and p.kind == "organization":
            return p
        key = fold(name)
        p = self.names.people.get(key)
        if p is None or p.kind != "organization":
            p = self.names.add(key if p is None else key + " (organization)", name, "organization", name, at)
            # The mention list stays in text order: claims bisect it.
            k = bisect.bisect_left(self.mention_starts, at)
            self.names.mentions.insert(k, Mention(at, at + len(name), name, p.key))
            self.mention_starts.insert(k, at)
            self.by_name[p.name] = p
        return p

    def named_or_organisation(self, name: str, at: int) -> Person | None:
        """Whom "a spokesman for X" speaks as: the organisation X names; no one when X is
        a person ("a spokesman for Mr Blair" is not Mr Blair)."""
        p = self.names.lookup(name, at)
        return None if p is not None and p.kind == "person" else self.organisation(name, at)

    def organisation_with(self, word: str, at: int) -> Person | None:
        """The organisation most recently named before `at` whose name holds `word`
        ("the ministry" -> "Russia's Defense Ministry"), within reach."""
        k = bisect.bisect_left(self.org_starts, at)
        floor = self.para_starts[max(0, self.paragraph(at) - _DESCRIPTION_REACH)] if self.para_starts else 0
        for i in range(k - 1, -1, -1):
            if self.org_starts[i] < floor:
                break
            p = self.names.people[self.org_keys[i]]
            if word in fold(p.name).split() or word in p.name.lower().split():
                return p
        # "the bureau" for the FBI: one acronym within reach holds the word's initial.
        found = {self.org_keys[i] for i in range(k - 1, -1, -1) if self.org_starts[i] >= floor
                 and _ACRONYM.fullmatch(self.names.people[self.org_keys[i]].name)
                 and word[:1].upper() in self.names.people[self.org_keys[i]].name[1:]}
        return self.names.people[found.pop()] if len(found) == 1 else None

    def subject_organisation(self, at: int) -> tuple[int, Person] | None:
        """The first organisation named in the nearest earlier sentence naming one, when
        it comes before any person there: the subject a following "It said" continues."""
        k = bisect.bisect_right(self.sentence_starts, at) - 1
        for sidx in range(k - 1, max(-1, k - 3), -1):
            lo = self.sentence_starts[sidx]
            hi = self.sentence_starts[sidx + 1]
            first = next((m for m in self.names.mentions[bisect.bisect_left(self.mention_starts, lo):]
                          if m.start < hi and not self.in_quote(m.start)), None)
            if first is None or first.start >= hi:
                continue
            p = self.names.people.get(first.key)
            return (first.start, p) if p is not None and p.kind == "organization" else None
        return None

    def opening_mention(self, pos: int) -> Mention | None:
        """The person or body a sentence opens with, when `pos` (a partial quote with no
        cue of its own) lies later in it: 'Mr Kennedy will also highlight the anger of
        "all races"', 'Lawmakers on the X Committee requested "more information"'."""
        k = bisect.bisect_right(self.sentence_starts, pos) - 1
        if k < 0:
            return None
        lo = self.sentence_starts[k]
        intro = _INTRO.match(self.body, lo, pos)
        if intro:
            lo = intro.end()  # "Following the arrests, lawmakers on ..."
        member = _members_of().match(self.body, lo, pos)
        if member:
            lo = member.end()  # "Lawmakers on the X Committee requested": the committee
        i = bisect.bisect_left(self.mention_starts, lo)
        if i >= len(self.names.mentions):
            return None
        m = self.names.mentions[i]
        if m.start >= pos or m.start - lo > _OPENING_REACH or self.body[m.end : m.end + 2] in ("'s", "’s"):
            return None
        return m if m.key in self.names.people else None

    def described_subject_before(self, at: int) -> bool:
        """Whether the sentence before `at` opens with a description of a body that
        names none ("The opposition also made political capital"), which a following
        "It" continues."""
        k = bisect.bisect_right(self.sentence_starts, at) - 1
        if k < 1:
            return False
        lo, hi = self.sentence_starts[k - 1], self.sentence_starts[k]
        m = _DESCRIBED_SUBJECT.match(self.body, lo, hi)
        if not m or m.group(1) in nouns()["document"]:
            return False
        i = bisect.bisect_left(self.mention_starts, lo)
        named = i < len(self.mention_starts) and self.mention_starts[i] < m.end()
        return not named and self.organisation_with(m.group(1), at) is None

    def document_owner(self, head: str) -> Person | None:
        """The one organisation the article names as the author of a `head` ("the NIESR
        report", "TNO's report", "the report by TNO", "a poll conducted by X")."""
        found = set()
        for m in self.names.mentions:
            p = self.names.people.get(m.key)
            if p is None or p.kind != "organization" or self.in_quote(m.start):
                continue
            after = self.body[m.end : m.end + 40]
            before = self.body[max(0, m.start - 60) : m.start]
            if _doc_after(head).match(after) or _doc_before(head).search(before):
                found.add(p.key)
        return self.names.people[found.pop()] if len(found) == 1 else None

    def in_headline(self, pos: int) -> bool:
        """Whether `pos` lies in a headline-like paragraph (short, no final stop)."""
        k = self.paragraph(pos)
        if k < 0:
            return False
        end = self.para_starts[k + 1] if k + 1 < len(self.para_starts) else len(self.body)
        return is_headline(self.body[self.para_starts[k] : end])

    def in_quote(self, pos: int) -> bool:
        k = bisect.bisect_right(self.quoted_starts, pos) - 1
        return k >= 0 and pos < self.quoted[k][1]

    def member_body(self, at: int) -> Person | None:
        """The body that members named on their own ("the lawmakers") were introduced as
        sitting on: "lawmakers on the House Select Committee ..."."""
        for m in reversed(list(_members_of().finditer(self.body, 0, at))):
            k = bisect.bisect_left(self.mention_starts, m.end())
            if k < len(self.mention_starts) and self.mention_starts[k] - m.end() <= 4:
                p = self.names.people.get(self.names.mentions[k].key)
                if p is not None and p.kind == "organization":
                    return p
        return None

    def sender(self, head: str, at: int) -> Person | None:
        """The body the article says sent or wrote a document named with no owner ("the
        letter"): "The new House committee on China sent a letter ...". The body named
        in the sender's phrase, or the organisation its description points to; a
        person's report is not the person speaking."""
        found = None
        for m in _sent(head).finditer(self.body, 0, at):
            found = m
        if found is None:
            return None
        k = bisect.bisect_right(self.sentence_starts, found.start()) - 1
        lo = max(self.sentence_starts[k] if k >= 0 else 0, found.start() - 120)
        subject = self.body[lo : found.start()]
        i = bisect.bisect_left(self.mention_starts, lo)
        for mention in self.names.mentions[i:]:
            if mention.start >= found.start():
                break
            p = self.names.people.get(mention.key)
            if p is not None and not self.in_quote(mention.start):
                return p if p.kind == "organization" else None
        org_nouns = nouns()["organisation"]
        for w in reversed(re.findall(r"[a-z]+", subject)):
            if w in org_nouns:
                return self.organisation_with(w, at)
        return None

    # -- earlier sources ---------------------------------------------------------------
    def last_statement(self, at: int) -> tuple[int, Person | None] | None:
        """(where, source) of the statement just before `at` in its paragraph or the one before."""
        floor = self.paragraph(at) - 1
        for pos, p in reversed(self.sources):
            if pos < at:
                return (pos, p) if self.paragraph(pos) >= floor else None
        return None

    def previous_sentence_source(self, at: int) -> Person | None:
        """The source of a statement in the sentence before `at`, same paragraph."""
        last = self.last_statement(at)
        if last is None or last[1] is None or self.paragraph(last[0]) != self.paragraph(at):
            return None
        k = bisect.bisect_right(self.sentence_starts, at) - 1
        return last[1] if k >= 1 and last[0] >= self.sentence_starts[k - 1] else None

    def last_source(self, at: int, reach: int) -> Person | None:
        """The source of the statement just before `at`, when within reach (None when it
        was anonymous)."""
        floor = self.paragraph(at) - reach
        for pos, p in reversed(self.sources):
            if pos < at:
                return p if self.paragraph(pos) >= floor else None
        return None

    def earlier(self, at: int, reach: int, fits) -> Person | None:
        floor = self.paragraph(at) - reach
        for pos, p in reversed(self.history):
            if pos > at:
                continue
            if self.paragraph(pos) < floor:
                return None
            if fits(p):
                return p
        return None


def resolve_sources(body: str, quotes: list[Quote], names: ArticleNames,
                    paras: list[Span], sentences: list[Span]) -> list[Quote]:
    """The quotes, in text order, with the sources the sieves left open resolved where
    the article makes them clear."""
    quoted = [(q.start, q.end) for q in quotes if q.kind in ("direct", "partial")]
    art = _Article(body, names, paras, sentences, quoted)
    out = []
    for q in sorted(quotes, key=lambda q: (q.start, q.end)):
        if q.speaker is None and q.speaker_text:
            at = _phrase_at(body, q)
            p = _resolve(art, q.speaker_text.strip(), at)
            if p is not None:
                q = replace(q, speaker=p.name, method=(q.method or "source") + "_resolved")
        elif q.speaker is None and q.kind == "partial" and art.in_headline(q.start):
            # A headline's quoted words are the body's: who says them there says them here.
            same = next((o for o in quotes if o is not q and o.text.casefold() == q.text.casefold()
                         and not art.in_headline(o.start)), None)
            if same is not None and same.speaker_text:
                q = replace(q, speaker=same.speaker, speaker_text=same.speaker_text,
                            method="same_words", confidence=0.5)
        elif q.speaker is None and q.kind == "partial":
            m = art.opening_mention(q.start)
            if m is not None:
                q = replace(q, speaker=art.names.people[m.key].name, speaker_text=m.text,
                            method="sentence_opening", confidence=0.6)
            elif (p := art.previous_sentence_source(q.start)) is not None:
                # 'According to NIESR, ... Should the cycle end earlier, the chances
                # improve to "50/50".': the same source goes on.
                q = replace(q, speaker=p.name, method="previous_sentence", confidence=0.5)
        p = art.by_name.get(q.speaker) if q.speaker is not None else None
        if p is not None:
            art.history.append((q.start, p))
            if q.speaker_text:
                art.documents.extend((q.start, w.lower(), p) for w in q.speaker_text.split()
                                     if w.lower() in nouns()["document"])
        art.sources.append((q.start, p))
        if p is None and (q.speaker_text or "").lower() == "it":
            art.unnamed_it.append(q.start)
        out.append(q)
    return out


def _phrase_at(body: str, q: Quote) -> int:
    """Where the speaker phrase stands: its occurrence nearest the quote."""
    lo, hi = max(0, q.start - 400), min(len(body), q.end + 300)
    best, i = None, body.find(q.speaker_text, lo, hi)
    while i >= 0:
        if best is None or abs(i - q.start) < abs(best - q.start):
            best = i
        i = body.find(q.speaker_text, i + 1, hi)
    return q.start if best is None else best


def _resolve(art: _Article, phrase: str, at: int) -> Person | None:
    low = phrase.lower()
    if low == "it":
        # A body speaking again ("The institute said ... It added ..."): the organisation
        # that opens the nearest sentence before naming one, or the last body quoted.
        # Whichever comes nearer: 'The letter stated "..." It described ...' continues
        # the letter's author, 'A spokesperson said ... The NIESR report was ... It said'
        # the report's.
        last = art.last_statement(at)
        if art.described_subject_before(at) or (
                last is not None and last[1] is None and last[0] in art.unnamed_it):
            return None  # "The opposition also made capital ... It said ... It added ..."
        subject = art.subject_organisation(at)
        last = art.last_statement(at)
        if last is not None and last[1] is not None and last[1].kind == "organization" and (
                subject is None or last[0] > subject[0]):
            return last[1]
        return subject[1] if subject else art.earlier(
            at, _PRONOUN_REACH, lambda p: p.kind == "organization")
    if low in ("he", "she"):
        g = _GENDER[low]
        return art.earlier(at, _PRONOUN_REACH, lambda p: p.kind == "person" and p.gender in (g, None))
    if low == "they":
        # A body speaking again ("the committee said ... they wrote"); never a person, and
        # not after an anonymous group ("critics said ... they added").
        p = art.last_source(at, _PRONOUN_REACH)
        return p if p is not None and p.kind == "organization" else None
    return _described(art, phrase, at)


def _described(art: _Article, phrase: str, at: int) -> Person | None:
    """'the ministry', 'a Treasury spokesperson', 'TNO's report', 'the Labor Department':
    by the kind of its head noun (a member, a body, a spokesperson, a document), and by
    who owns it ('TNO's report') or what leads it ('the Labor Department')."""
    w = nouns()
    phrase = _SENTENCE_BREAK.split(phrase)[-1]  # "... guidelines. A spokesperson"
    core = _DETERMINER.sub("", phrase)
    words = core.split()
    if not words:
        return None
    head = words[-1].lower().strip(".,")
    cut = _AFTER_HEAD.split(core, 1)[0]
    heads = w["organisation"] | w["spokesperson"] | w["document"] | w["member"]
    if cut != core and cut.split() and cut.split()[-1].lower() in heads:
        # "TNO's analysis of the machine gun fire", "The Conservatives' letter to Mr Greenberg"
        core, words = cut, cut.split()
        head = words[-1].lower()
    if head in w["member"]:
        return _members(art, phrase, words, at)
    if head not in w["organisation"] | w["spokesperson"] | w["document"]:
        m = _FOR_BODY.search(core)  # "a spokeswoman for Acme Hotels"
        if m and any(x.lower() in w["spokesperson"] for x in core[: m.start()].split()):
            return art.named_or_organisation(_strip_connectors(m.group("body")), at)
        return None
    owner = _POSSESSOR.match(core)
    if owner and core[owner.end("owner") : owner.end("owner") + 1] in ("'", "’") \
            and owner.group("owner").split()[0].lower() not in lexicon.NUMBER_WORDS \
            or owner and owner.group("owner").lower() in _POSSESSIVES:
        return _owned(art, owner.group("owner"), head, core, at)
    lead = _capital_run(words[:-1])
    if head in w["organisation"]:
        capitals = [x for x in words[:-1] if x[:1].isupper() or x.lower() in _CONNECTORS]
        if lead and words[-1][:1].isupper():
            return art.organisation(" ".join(lead + [words[-1]]), at)  # "the Labor Department"
        if lead or capitals:
            return None
        return art.organisation_with(head, at)  # "the ministry", "the ruling party"
    # A spokesperson or a document: the body named before it, else none.
    if lead:
        return art.organisation(" ".join(lead), at)
    m = _FOR_BODY.search(core)
    if m:
        return art.named_or_organisation(_strip_connectors(m.group("body")), at)
    if head in w["spokesperson"]:
        if len(words) >= 2 and words[-2].islower():
            return art.organisation_with(words[-2].lower(), at)  # "a bureau spokesperson"
        return None
    return _document_author(art, phrase, head, words, at)


def _members(art: _Article, phrase: str, words: list[str], at: int) -> Person | None:
    """"committee members": the committee; "the lawmakers": the body they sit on."""
    body_word = next((x.lower() for x in words[:-1] if x.lower() in nouns()["organisation"]), None)
    if body_word is not None:
        return art.organisation_with(body_word, at)
    if len(words) == 1 and phrase.lower().startswith("the "):
        return art.member_body(at)
    return None


def _owned(art: _Article, who: str, head: str, core: str, at: int) -> Person | None:
    """A description with an owner: "his spokesman", "its report", "TNO's report",
    "Ukraine's emergency service"."""
    w = nouns()
    if who.lower() in ("his", "her"):
        g = _GENDER[who.lower()]
        return art.earlier(at, _PRONOUN_REACH, lambda p: p.kind == "person" and p.gender in (g, None))
    if who.lower() in ("its", "their"):
        return art.earlier(at, _PRONOUN_REACH, lambda p: p.kind == "organization")
    if head in w["document"] or head in w["spokesperson"]:
        p = art.names.lookup(who, at)
        if p is None and (who.isupper() and len(who) > 1 or _PLURAL_BODY.fullmatch(who)):
            p = art.organisation(who, at)  # "TNO's report", "The Conservatives' letter"
        if p is not None and p.kind == "person" and head in w["spokesperson"]:
            return None  # "Mr Blair's official spokesman": not Mr Blair himself
        return p
    if head in w["organisation"] and who[:1].isupper():
        return art.organisation(core, at)  # "Ukraine's emergency service", "Israel's military"
    return None


def _document_author(art: _Article, phrase: str, head: str, words: list[str], at: int) -> Person | None:
    """Whose document speaks, when its phrase names no owner and no body before it."""
    by = _BY_BODY.search(phrase)
    if by:  # "an analysis of Census data by The Associated Press"
        return art.organisation(_strip_connectors(by.group("body")), at)
    if len(words) == 1 and phrase.lower().startswith("the "):
        # "the letter": who sent it, or whose letter spoke last ("The Conservatives' letter")
        p = art.sender(head, at) or next(
            (p for pos, x, p in reversed(art.documents) if x == head and pos < at), None)
        if p is not None:
            return p
    # "a report suggests" in the opening, "the NIESR report" or "the report by TNO"
    # further on: the one body the article names as the document's author.
    return art.document_owner(head)


@lru_cache(maxsize=None)
def _members_of() -> re.Pattern:
    words = "|".join(sorted(nouns()["member"]))
    return re.compile(rf"\b(?i:{words})\s+(?:{alternation(_LISTS, 'member_preposition')})\s+")


@lru_cache(maxsize=None)
def _sent(head: str) -> re.Pattern:
    return re.compile(rf"\s(?:{alternation(_LISTS, 'sent_verb')})\s+"
                      rf"(?:{alternation('function_words.txt', 'noun_determiner')})\s+(?:[\w\-]+\s+){{0,2}}?{re.escape(head)}\b")


@lru_cache(maxsize=None)
def _doc_after(head: str) -> re.Pattern:
    """'NIESR report', 'TNO's final report' after an organisation's name."""
    return re.compile(rf"(?:['’]s)?[ ](?:[a-z\-]+[ ]){{0,2}}?{re.escape(head)}\b")


@lru_cache(maxsize=None)
def _doc_before(head: str) -> re.Pattern:
    """'report by the', 'poll conducted by' before an organisation's name."""
    return re.compile(rf"\b{re.escape(head)}[ ](?:[\w,\-]+[ ]){{0,6}}?(?:by|from)[ ](?:the[ ])?$")


def _capital_run(words: list[str]) -> list[str]:
    """The capitalised words that end a modifier list: 'German Federal Labour'."""
    run: list[str] = []
    for w in reversed(words):
        if w.lower() in _NOT_A_BODY:
            break
        if w[:1].isupper() or (run and w.lower() in _CONNECTORS):
            run.insert(0, w)
        else:
            break
    while run and (run[0].lower() in _CONNECTORS or run[0].lower() in lexicon.NUMBER_WORDS
                   or run[0].lower() in lexicon.LEADING_FUNCTION_WORDS):
        run.pop(0)  # "Five Bank of America subsidiaries": a count, not a name
    return run


def _strip_connectors(name: str) -> str:
    words = name.split()
    while words and words[-1].lower() in _CONNECTORS:
        words.pop()
    return " ".join(words)
