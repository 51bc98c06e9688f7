"""Claims: facts the article states around its quotes, with subject and dates.

Kinds: no_comment ("had not publicly commented", "declined to comment"), role
(appositions, pre-nominal titles, appointments), event (dated happenings), plan
("plans to", "will meet"). The claimant is the publisher; quoted text is skipped.
"""
from __future__ import annotations

import bisect
import re
from functools import lru_cache

from quotes.extract.dates import DATE_EXPRESSION, DATEISH, find_date
from quotes.extract import lexicon
from quotes.extract.lexicon import word_trie
from quotes.extract.names import ArticleNames, Person, fold
from quotes.extract.speakers import SPEAKER, Resolver, classify
from quotes.extract.text import Span
from quotes.model import Claim
from quotes import wordlists
from quotes.extract.lexicon import alternation

_LISTS = "claims.txt"

_NO_COMMENT = re.compile(
    rf"\b(?:(?:{alternation(_LISTS, 'no_comment_aux')})\s+not\s+(?:yet\s+|immediately\s+|publicly\s+)*(?:{alternation(_LISTS, 'no_comment_verb')})"
    r"|declined\s+to\s+comment|declined\s+(?:a\s+)?requests?\s+for\s+comment|refused\s+to\s+comment"
    r"|could\s+not\s+(?:immediately\s+)?be\s+reached|did\s+not\s+(?:immediately\s+)?reply"
    r"|(?:was|were)\s+not\s+available\s+for\s+comment|no\s+comment"
    rf"|(?:{alternation(_LISTS, 'no_comment_aux')})\s+not\s+(?:yet\s+|publicly\s+)*(?:claimed|claim)\s+responsibility"
    rf"|(?:{alternation(_LISTS, 'dodge')})\s+(?:\w+\s+){{0,2}}?questions)\b",
    re.IGNORECASE,
)
_AS_OF = re.compile(r"^\s*(?:As\s+of|By)\s+([^,]{2,40}),\s*", re.IGNORECASE)
@lru_cache(maxsize=None)
def _words() -> dict[str, frozenset[str]]:
    """Section -> words, from quotes/data/claims.txt (word lists live in data files)."""
    out: dict[str, set[str]] = {}
    for section, line in wordlists.sections("claims.txt"):
        if section:
            out.setdefault(section, set()).update(line.split("#", 1)[0].split())
    return {k: frozenset(v) for k, v in out.items()}


_W = _words()
ROLE_HEADS = _W["role"] | _W["rank"]
RANKS = _W["rank"]
_HEAD_VERBS = dict(w.split(":") for w in _W["head_verb"])
_ROLE_TRIE = word_trie(sorted(ROLE_HEADS))
# Words a title run before a name never crosses: "led by chairman X" is "chairman",
# "told CBC freelance videographer X" is "CBC freelance videographer".
_RUN_STOP = frozenset(lexicon.LEADING_FUNCTION_WORDS | lexicon.LEADING_PREPOSITIONS
                      | lexicon.DETERMINERS | lexicon.SUBORDINATORS | set(lexicon.PRONOUNS)
                      | lexicon.PLURAL_PRONOUNS | lexicon.NUMBER_WORDS
                      | wordlists.words(_LISTS, "run_stop"))
_CONNECT = wordlists.words(_LISTS, "connector")
_ABBREV = re.compile(rf"(?:[A-Z]\.)+|(?i:{alternation(_LISTS, 'abbr')})\.")
_CLOSING = tuple(",;:!?\"“”()[]—–")
_DET = re.compile(rf"^(?:{alternation('function_words.txt', 'noun_determiner')})\s+", re.IGNORECASE)


def _head(tok: str) -> str:
    return re.sub(r"['’]s$", "", tok.lower()).strip("'’")


def _capital_before(tokens: list[str], i: int) -> bool:
    """A capitalised word before the connectors at tokens[i]: 'Chancellor of the'."""
    j = i - 1
    while j >= 0 and tokens[j].lower() in _CONNECT:
        j -= 1
    return j >= 0 and tokens[j][:1].isupper() and not tokens[j].endswith(_CLOSING + (".",))


def _title_run(before: str) -> list[str]:
    """The words of the title run that ends `before` ("... Hawks head Major-Gen"), up to
    a function word, a verb, a pronoun or punctuation: what stands right before a name."""
    tokens = before.split()
    if not before.endswith(" ") or not tokens:
        return []
    run: list[str] = []
    i = len(tokens) - 1
    while i >= 0 and len(run) < 7:
        tok = tokens[i]
        if tok.endswith(_CLOSING) or tok.startswith(_CLOSING) or any(c.isdigit() for c in tok):
            break
        if tok.endswith(".") and not _ABBREV.fullmatch(tok):
            break
        w = tok.lower()
        if w in _CONNECT and run and run[-1][:1].isupper() and _capital_before(tokens, i):
            run.insert(0, tok)  # "Chancellor of the Exchequer", "Party for the People"
            i -= 1
            continue
        if w in _RUN_STOP or w in lexicon.cue_forms():
            break
        if tok[:1].islower() and (w.endswith(("ed", "ly")) or w in _W["event"]
                                  or (w.endswith("ing") and w not in _W["title_ing"])):
            break  # "for accusing Manchester United striker X"; "managing director X" is a post
        run.insert(0, tok)
        i -= 1
    while run and run[0].lower() in _CONNECT:
        run.pop(0)
    return run


def _of_title(run: list[str]) -> bool:
    """'Chancellor of the Exchequer': a post, then 'of' and a capitalised name."""
    for h in range(len(run) - 2):
        if _head(run[h]) in ROLE_HEADS and run[h + 1].lower() in ("of", "for"):
            return all(w.lower() in _CONNECT or w[:1].isupper() for w in run[h + 1:])
    return False


def _titles_before(masked: str, at: int) -> list[tuple[str, float]]:
    """Titles written before a name: 'Spain coach Luis Aragones', 'Hawks head Major-Gen
    Gopaul Govender' (two posts), 'the Palestinian leader, Mahmoud Abbas'."""
    before = masked[max(0, at - 160):at]
    run = _title_run(before)
    out = []
    k = len(run)
    while k > 0 and _head(run[k - 1]) in RANKS:
        k -= 1
    if run and (_head(run[-1]) in ROLE_HEADS or _of_title(run)):
        if 0 < k < len(run) and _head(run[k - 1]) in ROLE_HEADS:
            out.append((" ".join(run[:k]), 0.7))  # "Hawks head" and "Major-Gen"
            out.append((" ".join(run[k:]), 0.7))
        else:
            out.append((" ".join(run), 0.7))
    if not run or k < len(run):
        # A title set off by a comma before the name: "LTA chief executive, John Crowther".
        rest = before.rstrip()[:len(before.rstrip()) - len(" ".join(run))].rstrip()
        if rest.endswith(","):
            lead = _title_run(rest[:-1] + " ")
            if lead and _head(lead[-1]) in _W["role"]:
                out.append((" ".join(lead), 0.65))
    return out


_APPOS = re.compile(
    rf",\s+(?:who\s+(?:also\s+)?(?:{alternation(_LISTS, 'appos_copula')})\s+(?:also\s+|now\s+|currently\s+)?)?"
    rf"(?P<role>(?!(?:{alternation(_LISTS, 'not_role_start')})\b)"
    rf"(?:(?:{alternation('function_words.txt', 'noun_determiner')})\s+|[A-Z][\w.&\-]*(?:\s+[A-Z][\w.&\-]*){{0,3}}['’]s\s+)?"
    rf"(?:[\w'’\-]+(?:\.[\w'’\-]+)*\.?\s+){{0,5}}?(?i:{_ROLE_TRIE})\b"
    rf"(?:\s+(?:{alternation(_LISTS, 'role_preposition')})\s+(?:[^,;.]|(?<=\b[A-Z])\.){{2,80}})?)"
    rf"(?=[,;.]|\s+(?:{alternation(_LISTS, 'after_appos')})\b|$)")
_HEADS_VERB = re.compile(
    rf",\s+who\s+(?:also\s+|now\s+|currently\s+)?(?P<verb>{'|'.join(sorted(_HEAD_VERBS))})\s+"
    rf"(?P<obj>(?:the\s+)?(?:[^,;.]|(?<=\b[A-Z])\.){{2,80}})")


def _titles_after(masked: str, end: int) -> list[tuple[str, float]]:
    """Titles after a name: 'Kirill Dmitriev, the head of the Russian Direct Investment
    Fund', 'Christian Jasperneite, an economist with MM Warburg', ', who heads X'."""
    m = _APPOS.match(masked, end)
    if m:
        return [(m.group("role").strip(), 0.75)]
    m = _HEADS_VERB.match(masked, end)
    if m:
        return [(f"{_HEAD_VERBS[m.group('verb')]} of {m.group('obj').strip()}", 0.7)]
    return []


_APPOINT = re.compile(
    rf"(?P<by>{SPEAKER})\s+(?:\w+\s+)?(?:{alternation(_LISTS, 'appoint_verb')})\s+"
    rf"(?P<who>[A-Z][\w'’\-]+(?:\s+[A-Z][\w'’\-]+)*)\s+(?:as\s+)?(?P<role>(?:{alternation(_LISTS, 'appoint_determiner')})\s+[^.;]{{3,120}}?)"
    rf"(?=,\s+(?:{alternation(_LISTS, 'after_appointment')})|[.;]|$)"
)
_APPOINT_WORD = re.compile(rf"\b(?:{alternation(_LISTS, 'appoint_word')})\b")
_APPOINTED = re.compile(
    rf"(?P<who>[A-Z][\w'’\-]+(?:\s+[A-Z][\w'’\-]+)*)\s+(?:{alternation(_LISTS, 'appointed_aux')})\s+"
    rf"(?:\w+\s+)?(?:{alternation(_LISTS, 'appointed_verb')})\s+(?:as\s+)?(?P<role>[^.;,]{{3,120}})"
)
_EVENT_WORDS = wordlists.lines(_LISTS, "event_word")
_EVENT = re.compile(rf"\b(?:{'|'.join(_EVENT_WORDS)})\b", re.IGNORECASE)
_PLAN = re.compile(
    rf"\b(?:{alternation(_LISTS, 'plan')})\s+to\s+\w+|\bwill\s+(?!be\s+able)\w+",
)
_BETWEEN = re.compile(r"between\s+([A-Z][\w'’\-]+(?:\s+[A-Z][\w'’\-]+)*)\s+and\s+([A-Z][\w'’\-]+(?:\s+[A-Z][\w'’\-]+)*)")
_SAME_DAY = re.compile(rf"\b(?:hours?\s+(?:{alternation(_LISTS, 'hours_relative')})|later\s+(?:that\s+|the\s+same\s+)?day|earlier\s+(?:that\s+)?day)\b", re.IGNORECASE)


# Cheap checks on the case-folded sentence, before the case-blind patterns (several
# times slower) run on the sentence itself: every match of _NO_COMMENT holds one of
# these words, and _EVENT's words match the folded text wherever they match the text.
_NO_COMMENT_WORDS = wordlists.lines(_LISTS, "no_comment_word")
# The words of _EVENT as a trie: it matches where the alternation does (only whether it
# matches is asked), trying one letter per branch instead of every word.
_EVENT_FOLDED = re.compile(rf"\b(?:{word_trie(_EVENT_WORDS)})\b")
# Every match of _APPOINT_WORD and of _PLAN holds one of these words: cheap substring
# tests before the patterns, which try each of their words at every position.
_APPOINT_WORDS = wordlists.lines(_LISTS, "appoint_word")
_PLAN_WORDS = wordlists.lines(_LISTS, "plan_word")


def _may_be_no_comment(folded: str) -> bool:
    return any(w in folded for w in _NO_COMMENT_WORDS)


_HYPOTHETICAL = re.compile(rf"\b(?:{alternation(_LISTS, 'hypothetical')})\b")


_INTRO_PHRASE = re.compile(r"^(?:[A-Z][^,]{0,40}),\s")
_TWO_CAPITALS = re.compile(r"^\s*[A-Z][\w'’\-]+\s+[A-Z]")
# Compiled once: an f-string pattern is rebuilt (and its cache key hashed) at every call.
_SUBJECT = re.compile(rf"\s*(?P<sp>{SPEAKER})")
_POSSESSIVE_REST = re.compile(r"['’]s\b.*$")


def _may_name(word: str) -> bool:
    """Whether one capitalised word can name a body: not a word that opens a sentence
    ("Also released this year", "Since then", "While aimed at")."""
    low = word.strip().lower()
    return low not in lexicon.ALIAS_LEADING_WORDS and low not in lexicon.NUMBER_WORDS \
        and low not in lexicon.DETERMINERS


def _subject_of(sentence: str, offset: int, names: ArticleNames, resolver: Resolver) -> Person | None:
    """The person or organisation a sentence is about: its grammatical subject."""
    text = _AS_OF.sub(lambda m: " " * len(m.group(0)), sentence)
    first = text.split(None, 1)[0].lower() if text.strip() else ""
    if not _TWO_CAPITALS.match(text) or first in lexicon.LEADING_PREPOSITIONS \
            or first in lexicon.SUBORDINATORS:
        # "On Monday, Sir Keir ...": the opening phrase is no subject ("Kirill Dmitriev,
        # the head of ..." is).
        text = _INTRO_PHRASE.sub(lambda m: " " * len(m.group(0)), text)
    m = _SUBJECT.match(text)
    if not m:
        return None
    sp = m.group("sp")
    at = offset + m.start("sp")
    kind = classify(sp)
    if kind == "pronoun":
        return resolver.resolve_pronoun(sp, at, at, max(0, at - 1500))
    if kind == "nominal":
        return resolver.resolve_nominal(sp)
    sp = _POSSESSIVE_REST.sub("", sp)
    return names.lookup(sp, at)


def find_claims(body: str, paras: list[Span], sents_by_para: list[list[Span]],
                quoted: list[tuple[int, int]], names: ArticleNames, resolver: Resolver,
                published: str | None, qspans, attributions) -> list[Claim]:
    out: list[Claim] = []
    pub = published[:10] if published else None

    # The resolver knows mentions the name finder missed ("Sontaya Kunplome" after a
    # title, a name before ", 58,"): roles are read around all of them.
    mentions = sorted({(m.start, m.end): m for m in
                       list(names.mentions) + list(resolver.mentions_outside_quotes)}.values(),
                      key=lambda m: (m.start, m.end))
    starts = [m.start for m in mentions]
    known: dict[str, Person] = {}  # title -> the person the article gave it, so far
    for pi, sents in enumerate(sents_by_para):
        # The quotes that may touch a sentence of this paragraph (in order), not all of
        # the article's for every sentence.
        para = paras[pi] if pi < len(paras) else None
        near = quoted if para is None else [
            (qs, qe) for qs, qe in quoted if qs <= para.end and qe >= para.start]
        for s in sents:
            text = body[s.start : s.end]
            masked = _mask_quotes(text, s.start, near)
            folded = masked.casefold()
            no_comment = _NO_COMMENT.search(masked) if _may_be_no_comment(folded) else None
            lo = bisect.bisect_left(starts, s.start)
            hi = bisect.bisect_left(starts, s.end)
            out.extend(_no_comment(text, masked, no_comment, s, names, resolver, pub, mentions[lo:hi]))
            out.extend(_roles(text, masked, s, names, resolver, pub, mentions[lo:hi], known))
            if no_comment is None:
                out.extend(_events(text, masked, s, names, resolver, published, mentions[lo:hi], known))
            out.extend(_plans(text, masked, s, names, resolver, pub, mentions[lo:hi], known))
    out.extend(_roles_from_nominal_speakers(body, qspans, attributions, names, resolver, pub))
    # One claim per (kind, subject, span, object); a role once per person, title and
    # organisation, where the article first gives it (the speaker page lists it once).
    seen, uniq = set(), []
    for c in sorted(out, key=lambda c: c.start):
        if c.kind == "role":
            key = ("role", c.subject, _title_key(c.object), c.organization)
            words = key[2].split()
            if any(("role", c.subject, " ".join(words[i:]), c.organization) in seen
                   for i in range(1, len(words))):
                continue  # 'British prime minister' after 'Prime Minister'
        else:
            key = (c.kind, c.subject, c.start, c.end, (c.object or "").lower())
        if key not in seen:
            seen.add(key)
            uniq.append(c)
    return uniq


def _title_key(title: str | None) -> str:
    """'the Foreign Secretary' and 'Foreign Secretary' are one title."""
    return " ".join(_DET.sub("", (title or "").lower()).split())


def _mask_quotes(text: str, offset: int, quoted: list[tuple[int, int]]) -> str:
    """The sentence with quoted text (and its marks) replaced by underscores."""
    inside = [(qs, qe) for qs, qe in quoted if qs <= offset + len(text) and qe >= offset]
    if not inside:
        return text
    chars = list(text)
    for qs, qe in inside:
        a, b = max(qs - 1, offset) - offset, min(qe + 1, offset + len(text)) - offset
        if b > a:
            chars[a:b] = "_" * (b - a)
    return "".join(chars)


# What may stand between a subject and its 'did not respond': '(IDF)', ', who', 'also'.
_SUBJECT_GAP = re.compile(rf"(?:\s*\([^()]{{1,40}}\))?(?:\s*,\s*who)?(?:\s+(?:{alternation(_LISTS, 'subject_gap')}))*\s*$")
_PRONOUN_END = re.compile(rf"\b(?P<p>{alternation(_LISTS, 'subject_pronoun', case='either')})\s*$")


# "..., Israel has not claimed responsibility" (a body) but not "... of Israel".
_OBJECT_WORD_END = re.compile(rf"\b(?:{alternation(_LISTS, 'before_one_word_name')})\s*$", re.IGNORECASE)
_NAME_END = re.compile(rf"(?<![\w'’\-])(?!(?:{alternation(_LISTS, 'not_name_end', case='capitalize')})\b)"
                       r"[A-Z][\w'’\-]+(?:\s+[A-Z][\w'’\-]+){0,3}\s*$")


def _titled_subject(masked: str, offset: int, names, mentions) -> Person | None:
    """A sentence that opens with a title run and a name: 'Prime Minister Shigeru Ishiba
    demonstrated ...' has Ishiba as its subject."""
    for mention in mentions:
        rel = mention.start - offset
        if 0 <= rel < 80:
            head = masked[:rel]
            if not head.strip() or _title_run(head) and " ".join(_title_run(head)) == head.strip():
                return names.people.get(mention.key)
            return None
    return None


def _no_comment(text, masked, m, s, names, resolver, pub, mentions=()) -> list[Claim]:
    """The subject is who stands right before the verb: 'Health Minister Tom Ruiz had
    not publicly commented', 'Lord Archer, who was not available', 'The IDF did not
    respond', also after an opening clause; else the sentence's subject."""
    if not m:
        return []
    before = masked[:m.start()]
    gap = _SUBJECT_GAP.search(before)
    end = gap.start() if gap else len(before)
    subject = None
    for mention in mentions:
        if mention.end - s.start == end:
            subject = names.people.get(mention.key)
    if subject is None and (pm := _PRONOUN_END.search(before, 0, end)):
        at = s.start + pm.start("p")
        subject = resolver.resolve_pronoun(pm.group("p"), at, at, max(0, at - 1500))
    if subject is None and (nm := _NAME_END.search(before, 0, end)):
        subject = names.lookup(nm.group(0), s.start + nm.start())
        if subject is None and " " not in nm.group(0) and nm.start() > 0 and _may_name(nm.group(0)) \
                and not _OBJECT_WORD_END.search(before[:nm.start()]):
            # "..., Israel has not claimed responsibility": a one-word name that is no
            # person's is a country or a body.
            subject = names.add(fold(nm.group(0)), nm.group(0), "organization", nm.group(0),
                                 s.start + nm.start())
    if subject is None:
        subject = _subject_of(masked, s.start, names, resolver) or _titled_subject(
            masked, s.start, names, mentions)
    as_of = pub
    am = _AS_OF.match(text)
    if am:
        iso, _ = find_date(am.group(1), pub)
        as_of = iso or pub
    return [Claim(kind="no_comment", subject=subject.name if subject else None, text=text,
                  start=s.start, end=s.end, object=m.group(0), as_of=as_of, confidence=0.8)]


def _roles(text, masked, s, names, resolver, pub, mentions, known) -> list[Claim]:
    out = []
    for mention in mentions:
        if masked[mention.start - s.start] == "_":
            continue
        p = names.people.get(mention.key)
        if not p or p.kind != "person":
            continue
        at, end = mention.start - s.start, mention.end - s.start
        # A mention may carry its title ("tourism minister Sontaya Kunplome"): the name
        # starts at its own first word.
        first = mention.text.find(p.name.split()[0]) if " " in mention.text else -1
        if first > 0:
            at += first
        for role, conf in _titles_before(masked, at) + _titles_after(masked, end):
            out.append(_role_claim(text, s, p, role, names, pub, conf, resolver))
    out.extend(_copular_roles(text, masked, s, names, resolver, pub))
    for c in out:
        known.setdefault(_title_key(c.object), names.people.get(fold(c.subject)) or names.lookup(c.subject))
    out.extend(_described_roles(text, masked, s, names, resolver, pub, mentions, known))
    if not any(w in masked for w in _APPOINT_WORDS) or not _APPOINT_WORD.search(masked):
        return out
    for m in _APPOINT.finditer(masked):
        who = names.lookup(m.group("who"), s.start + m.start("who"))
        by = _resolve_any(m.group("by"), s.start + m.start("by"), names, resolver)
        if who:
            role = re.sub(r"^(?:his|her|their)\s+", "", m.group("role").strip())
            c = _role_claim(text, s, who, role, names, pub, 0.8, resolver)
            c.by = by.name if by else None
            out.append(c)
    for m in _APPOINTED.finditer(masked):
        who = names.lookup(m.group("who"), s.start + m.start("who"))
        if who and who.kind == "person":
            out.append(_role_claim(text, s, who, m.group("role").strip(), names, pub, 0.75, resolver))
    return out


_COPULA = re.compile(
    rf"\s+(?:{alternation(_LISTS, 'copula')})\s+(?:also\s+|now\s+|still\s+)?"
    rf"(?P<role>(?:the|a|an)\s+(?:[\w'’\-]+\s+){{0,4}}?(?i:{_ROLE_TRIE})\b"
    rf"(?:\s+(?:{alternation(_LISTS, 'role_preposition')})\s+(?:[^,;.]|(?<=\b[A-Z])\.){{2,80}})?)(?=[,;.]|\s+(?:and|who|which)\b|$)")


def _copular_roles(text, masked, s, names, resolver, pub) -> list[Claim]:
    """'Abu Amer is the head of the Palestinian Dialogue Group', 'She was a secretary for
    X': a post given by the verb 'be' to the sentence's subject."""
    m = _SUBJECT.match(masked)
    if not m:
        return []
    cm = _COPULA.match(masked, m.end())
    if not cm:
        return []
    p = _subject_of(masked, s.start, names, resolver)
    if not p or p.kind != "person":
        return []
    return [_role_claim(text, s, p, cm.group("role"), names, pub, 0.7, resolver)]


# "The Prime Minister suggested ...", "provided the Labour leader with ...": a post held
# by a person the article has named, written as a definite description.
_DESCRIPTION = re.compile(
    rf"\b[Tt]he\s+(?P<d>(?:[A-Z][\w'’\-]*\s+){{0,3}}(?:[a-z]+\s+)?(?i:{_ROLE_TRIE}))\b"
    rf"(?!\s+(?:[A-Z]|(?:{alternation(_LISTS, 'description_preposition')})\b|(?i:{_ROLE_TRIE})\b))(?![’']s)")


def _known_holder(desc: str, known: dict) -> Person | None:
    """Whom the article already gave this title ('Prime Minister Tony Blair' before 'the
    Prime Minister'; 'the British prime minister' is the same post)."""
    key = _title_key(desc)
    if key in known:
        return known[key]
    holders = {p.key: p for k, p in known.items() if p and key.endswith(" " + k) and " " in k}
    return next(iter(holders.values())) if len(holders) == 1 else None


def _described_roles(text, masked, s, names, resolver, pub, mentions, known) -> list[Claim]:
    out = []
    for m in _DESCRIPTION.finditer(masked):
        desc = m.group("d")
        if not any(w[:1].isupper() for w in desc.split()):
            continue  # "the leader" alone says too little to tie it to a name
        if masked[m.end():].lstrip().startswith(",") and _NAME_AFTER.match(masked, m.end()):
            continue  # "the Palestinian leader, Mahmoud Abbas": the apposition's
        p = _known_holder(desc, known) or resolver.resolve_nominal("the " + desc) or _last_person(
            names, resolver, s.start, {x.key for x in mentions})
        if p and p.kind == "person":
            out.append(_role_claim(text, s, p, desc, names, pub, 0.55, resolver))
            known.setdefault(_title_key(desc), p)
    return out


_NAME_AFTER = re.compile(r",\s+(?:[A-Z][\w'’\-]+\s+)*[A-Z][\w'’\-]+")


def _last_person(names, resolver, before: int, exclude: set[str]) -> Person | None:
    """The person named last before a sentence (not one it names itself): whom a
    definite description like 'the Labour peer' takes up."""
    outside = resolver.mentions_outside_quotes
    for m in reversed(outside):
        if m.start >= before:
            continue
        if before - m.start > 600:
            break
        p = names.people.get(m.key)
        if p and p.kind == "person":
            return None if p.key in exclude else p
    return None


def _resolve_any(sp: str, at: int, names: ArticleNames, resolver: Resolver) -> Person | None:
    kind = classify(sp)
    if kind == "pronoun":
        return resolver.resolve_pronoun(sp, at, at, max(0, at - 1500))
    if kind == "nominal":
        return resolver.resolve_nominal(sp)
    return names.lookup(sp, at)


def _role_claim(text: str, s: Span, p: Person, role: str, names: ArticleNames,
                pub: str | None, conf: float, resolver: Resolver | None = None) -> Claim:
    org = None
    for m in names.mentions:
        q = names.people.get(m.key)
        if q and q.kind == "organization" and m.text in role:
            org = q.name
            break
    if org is None and resolver is not None:
        at = s.start + max(0, text.find(role))
        org = _employer(role, at, names, resolver) or _body_after_post(role, at, names, resolver)
    return Claim(kind="role", subject=p.name, text=text, start=s.start, end=s.end,
                 object=role, organization=org, as_of=pub, confidence=conf)


_EMPLOYER_PREFIX = re.compile(rf"^(?:(?:the|a|an)\s+(?:(?!(?:{alternation(_LISTS, 'employer_preposition')})\s)[a-z][\w\-]*\s+){{0,2}})?(?P<org>[A-Z][\w&\-.]*(?:\s+(?:[A-Z][\w&\-]*|{alternation(_LISTS, 'connector')}))*?)(?:['’]s)?\s+(?=[a-z])")
_DEMONYM = re.compile(rf"(?:{alternation(_LISTS, 'demonym_suffix')})$")


def _employer(role: str, at: int, names: ArticleNames, resolver: Resolver) -> str | None:
    """'Northgate Rail chief executive': the capitalised words before a lower-case post
    name the body the post is held at, an organisation even where the name finder did
    not register it. Not a demonym ('Ukrainian'), nor words the article also writes in
    lower case ('Royal commentator')."""
    m = _EMPLOYER_PREFIX.match(role)
    if not m:
        return None
    name = m.group("org")
    words = name.split()
    rest = role[m.end():].split()
    unit = next((i for i, w in enumerate(rest[:-1]) if w.lower() in lexicon.ORG_KEYWORDS), None)
    if unit is not None and not re.search(r"['’]s$", name) and all(w.islower() for w in rest[:unit + 1]):
        # "Durban high court judge": the body's name goes on in lower case to its noun.
        name = " ".join(words + rest[:unit + 1])
        words = name.split()
    elif len(words) == 1 and not name.isupper() and _DEMONYM.search(name.lower()):
        return None
    common = resolver.common_words()
    if all(w.lower() in common or w.lower() in _CONNECT for w in words):
        return None
    known = names.people.get(fold(name))
    if known is not None:
        return known.name if known.kind == "organization" else None
    if names.lookup(name) is not None or _head(words[-1]) in ROLE_HEADS:
        return None
    return names.add(fold(name), name, "organization", name, at).name


_POST_PREP = re.compile(rf"(?i:{_ROLE_TRIE})\s+(?:{alternation('names.txt', 'post_preposition')})\s+(?:the\s+)?(?P<obj>\S.*)$")
_ORG_STOP = frozenset(lexicon.LEADING_PREPOSITIONS | lexicon.SUBORDINATORS | lexicon.DETERMINERS
                      | wordlists.words(_LISTS, "org_stop"))


def _body_after_post(role: str, at: int, names: ArticleNames, resolver: Resolver) -> str | None:
    """'an economist with MM Warburg', 'president of the Spanish FA's disciplinary
    committee', 'director general at the ministry's fiscal policy office': the body named
    after the post. Capitalised words, or an owner's lower-case unit ('X's disciplinary
    committee') that ends in a word of an organisation; a bare lower-case description
    ('head of the regional administration') names no body of its own, nor a person."""
    m = _POST_PREP.search(role)
    if not m or _head(role[m.start():].split()[0]) in _W["seat_post"] or all(
            w[:1].isupper() or w.lower() in _CONNECT for w in role.split()):
        return None  # 'the MP for Tottenham' (a seat); 'Chancellor of the Exchequer' (a title)
    words, owned = _body_words(m.group("obj"))
    if owned or words and words[0][:1].islower():
        while words and words[-1].lower() not in lexicon.ORG_KEYWORDS:
            words.pop()  # the unit ends in 'committee', 'office', 'department'
        if len(words) < 2:
            return None
    if not words:
        return None
    name = " ".join(words)
    p = names.people.get(fold(name)) or (None if owned else names.lookup(name, at)) \
        or _acronym_of(name, names)
    if p is not None:
        return p.name if p.kind == "organization" else None
    if all(w.lower() in resolver.common_words() or w.lower() in _CONNECT for w in words
           if w[:1].isupper()) and not owned:
        return None
    return names.add(fold(name), name, "organization", name, at).name


def _body_words(obj: str) -> tuple[list[str], bool]:
    """(the words of the body's name that open `obj`, whether they are an owner's
    lower-case unit): capitalised words and their connectors, or "X's" and the
    lower-case words after it."""
    words: list[str] = []
    owned = False
    for tok in re.split(r"\s+", obj.split("(")[0].strip()):
        bare = tok.rstrip(",;:.") if not _ABBREV.fullmatch(tok) else tok
        lower = bare.lower()
        if any(c.isdigit() for c in bare) or not bare:
            break
        if bare[:1].isupper() and not owned:
            words.append(bare)
        elif lower in _CONNECT - {"the"} and words and not owned and words[-1][:1].isupper():
            words.append(bare)
        elif (owned or re.search(r"['’]s$", words[-1] if words else "")) and bare[:1].islower() \
                and lower not in _ORG_STOP:
            owned = True
            words.append(bare)
        elif not words and re.search(r"['’]s$", bare):
            words.append(bare)  # "the ministry's fiscal policy office"
        else:
            break
        if bare != tok:
            break
    while words and words[-1].lower() in _CONNECT:
        words.pop()
    return words, owned


def _acronym_of(name: str, names: ArticleNames) -> Person | None:
    """'the LDP' for the Liberal Democratic Party the article named: an acronym made of
    the initials of one registered organisation's capitalised words."""
    if not (name.isupper() and name.isalpha() and 2 <= len(name) <= 6):
        return None
    hits = [p for p in names.people.values() if p.kind == "organization"
            and "".join(w[0] for w in p.name.split() if w[:1].isupper()) == name]
    return hits[0] if len(hits) == 1 else None


_PAST_VERB = re.compile(r"(?<![\w'’\-])(?P<v>[a-z]+ed|[a-z]+)\b")
_NOT_EVENT_VERBS = wordlists.words(_LISTS, "not_event_verb")
_FUTURE = re.compile(rf"\b(?:{alternation(_LISTS, 'future')}|won['’]t|going\s+to)\b")
# "Asked what he made of ...": a question put; "When Jane Roberts gave birth" is no question.
_EVENT_QUESTION = re.compile(rf"\b(?:{alternation(_LISTS, 'event_question')})\s+(?:\S+\s+){{1,3}}$", re.IGNORECASE)
_SPEECH_AFTER = re.compile(r"\s*[,:]?\s*[_“\"]")
_PERFECT = re.compile(r"\b(?:has|have)\s+(?:also\s+|long\s+|repeatedly\s+)?$")
_AND_SUBJECT = re.compile(r"\s+and\s+(?:[\w'’\-]+\s+){1,3}$")


def _events(text, masked, s, names, resolver, published, mentions=(), known=None) -> list[Claim]:
    """A dated happening stated as fact: 'Musk met Putin on Tuesday', 'was arrested on
    3 May', 'which was founded in 1985'. The sentence holds a date the article lets us
    resolve, a past-tense verb of its own (not one of saying: that is a statement), and
    a named subject right before that verb; futures and conditionals are no events.
    The date is the one of the verb's own clause, or of a clause that has no verb of its
    own ('In May, X posted'; 'had ruled, on June 29 2021, that'), never one of another
    clause ('..., according to figures released in July')."""
    if not DATEISH.search(masked):
        return []  # no time stated (the cheap test first: most sentences state none)
    subjects: list[Person] = []
    bm = _BETWEEN.search(masked)
    if bm and _EVENT.search(masked):
        for g in (1, 2):
            p = names.lookup(bm.group(g), s.start + bm.start(g))
            if p:
                subjects.append(p)
    verb = _event_verb(masked, s, names, resolver, mentions, known, published, subjects)
    if verb is False:
        return []
    out: list[Claim] = []
    obj = masked.strip(" ._")
    if subjects:
        date = _event_date(masked, verb.start() if verb else 0, published)
        if date is not False:
            out = [Claim(kind="event", subject=p.name, text=text, start=s.start, end=s.end,
                         object=obj[:200], date=date, as_of=published[:10] if published else None,
                         confidence=0.6) for p in subjects]
    out.extend(_gerund_events(text, masked, s, names, resolver, published, subjects, out))
    out.extend(_until_events(text, masked, s, names, resolver, published, mentions, known, out))
    return out


def _event_verb(masked, s, names, resolver, mentions, known, published, subjects: list[Person]):
    """The first past-tense verb of the sentence with a subject (adding its subjects to
    `subjects`); None when there is none; False when the sentence states no event at
    all (a future, a question put, a statement, an ongoing state)."""
    first = True
    for vm in _PAST_VERB.finditer(masked):
        v = vm.group("v")
        if not (v in _W["event"] or v.endswith("ed")) or (
                v in _NOT_EVENT_VERBS and not (v == "used" and _USED_OBJECT.match(masked, vm.end()))):
            continue
        if v in lexicon.cue_forms() and v not in _W["event"]:
            continue
        if _FUTURE.search(masked, 0, vm.start()):
            return False  # "would have met on Friday", "will be tried after it was filed"
        if _EVENT_QUESTION.search(masked, max(0, vm.start() - 40), vm.start()) \
                or _SPEECH_AFTER.match(masked, vm.end()) \
                or _PERFECT.search(masked, max(0, vm.start() - 30), vm.start()):
            return False  # a question put, a statement ('wrote, "..."'), an ongoing state
        if not first and not _own_clause_date(masked, vm.start(), published):
            continue  # a later verb counts with a date of its own clause only
        found = _event_subjects(masked, vm, s, names, resolver, mentions, known)
        first = False
        for p in found:
            if p not in subjects:
                subjects.append(p)
        if found:
            # "Kevin Spacey and Kate Bosworth attended": both did.
            for m in mentions:
                q = names.people.get(m.key)
                if q and q not in subjects and _AND_SUBJECT.match(masked, m.end - s.start, vm.start()):
                    subjects.append(q)
            return vm  # the first past verb with a subject is the clause's own
    return None


_USED_OBJECT = re.compile(rf"\s+(?!to\b|as\b|by\b)(?:{alternation('function_words.txt', 'noun_determiner')}|[a-z]+)\b")
# Clause bounds within a sentence: punctuation, a dash set off by spaces.
_CLAUSE_BOUND = re.compile(r"[,;:()]|\s[–—-]\s")
_OTHER_SOURCE = re.compile(r"\baccording\s+to\b", re.IGNORECASE)


def _clauses(masked: str) -> list[tuple[int, int]]:
    out, at = [], 0
    for m in _CLAUSE_BOUND.finditer(masked):
        out.append((at, m.start()))
        at = m.end()
    out.append((at, len(masked)))
    return out


_FINITE_BE = re.compile(rf"\b(?:{alternation(_LISTS, 'finite_be')})\b")


def _has_verb(seg: str) -> bool:
    return bool(_FINITE_BE.search(seg)) or any((m.group("v").endswith("ed") or m.group("v") in _W["event"])
               for m in _PAST_VERB.finditer(seg)) or bool(_OTHER_SOURCE.search(seg))


def _own_clause_date(masked: str, at: int, published) -> str | None:
    for a, b in _clauses(masked):
        if a <= at <= b:
            return find_date(masked[a:b], published)[0]
    return None


def _event_date(masked: str, at: int, published):
    """The date of the verb at `at`: its clause's, else the first of a clause without a
    verb of its own. None where an undated article states an unresolvable one ('on
    Friday'); False where no date belongs to the verb."""
    clauses = _clauses(masked)
    own = next(((a, b) for a, b in clauses if a <= at <= b), (0, len(masked)))
    order = [own] + [c for c in clauses if c != own and (
        not _has_verb(masked[c[0]:c[1]]) or (c[0] > own[0] and _SAME_SUBJECT.match(masked, c[0])))]
    for a, b in order:
        seg = masked[a:b]
        if not DATEISH.search(seg):
            continue
        date, _ = find_date(seg, published)
        if date:
            return date
        if published is None and DATE_EXPRESSION.search(seg):
            return None  # an undated article keeps 'on Friday' unresolved
    if _SAME_DAY.search(masked) and published:
        return published[:10]
    return False


# ", and was released early in 2011": a clause of the same subject's, with no subject of
# its own.
_SAME_SUBJECT = re.compile(rf"\s*(?:and|but|then)\s+(?:(?:{alternation(_LISTS, 'same_subject_gap')}|\w+ly)\s+)*"
                           r"(?:[a-z]+ed|" + "|".join(sorted(_W["event"])) + r")\b")
_APPOSITIVE_WHO = re.compile(r",\s+(?:the|a|an)\s+[^,;()_]{1,80}?\s+who\s+(?:\w+\s+)?$")
_INCLUDING = re.compile(r",\s+(?:including|such\s+as)\s+(?P<list>[^,;()_]{3,120}?)\s*,\s*$")
_NOUN_SUBJECT = re.compile(
    r"(?:^|\b(?:[Tt]he|[Aa]n?)\s+)(?!(?:The|An?)\s)(?P<n>[A-Z][\w\-.]*(?:\s+[A-Z][\w\-.]*){0,3}?)(?:['’]s)?"
    r"\s+(?:[a-z][\w\-]*\s+){0,2}?(?P<e>[a-z]+)\s*$")
_WITH_AFTER = re.compile(r"\s+with\s+")


def _event_subjects(masked, vm, s, names, resolver, mentions, known) -> list[Person]:
    """Who did what the verb says: the name right before it (_subject_before); a name
    the apposition's relative clause belongs to ('X, the airman who set'); the names a
    subject includes ('allies, including A and B, condemned'); a body whose happening
    is the subject ('A Reuters investigation in December covered'); a person seen with
    the subject ('was pictured with X'); a victim ('the attack that killed X')."""
    at = vm.start()
    p = _subject_before(masked, at, s, names, resolver, mentions, known, event=True)
    before = masked[:at]
    out: list[Person] = [p] if p else []
    if not out and (am := _APPOSITIVE_WHO.search(before)):
        out += [q for m in mentions if m.end - s.start == am.start()
                and (q := names.people.get(m.key))]
    if not out and (im := _INCLUDING.search(before)):
        out += _included(masked, im, s, names, mentions)
    if not out and (q := _happening_owner(before, s, names, resolver)) is not None:
        out.append(q)
    v = vm.group("v")
    if out and v in _W["with_verb"] and (wm := _WITH_AFTER.match(masked, vm.end())):
        out += [q for m in mentions if m.start - s.start == wm.end()
                and (q := names.people.get(m.key)) and q not in out]
    if not out and v in _W["victim_verb"]:
        out += _victim(masked, vm, s, names, mentions)
    return out


def _included(masked, im, s, names, mentions) -> list[Person]:
    """The names a subject includes: 'allies, including A and B, condemned'."""
    out: list[Person] = []
    lo, hi = s.start + im.start("list"), s.start + im.end("list")
    for m in mentions:
        q = names.people.get(m.key)
        if q and lo <= m.start and m.end <= hi and not re.match(r"['’]s\b", masked[m.end - s.start:]) \
                and q not in out:
            out.append(q)
    return out


def _happening_owner(before, s, names, resolver) -> Person | None:
    """The body whose happening is the subject: 'A Reuters investigation in December'."""
    gap = _EVENT_GAP.search(before)
    nm = _NOUN_SUBJECT.search(before, 0, gap.start() if gap else len(before))
    if not (nm and nm.group("e") in _W["event_noun"]):
        return None
    q = names.lookup(nm.group("n"), s.start + nm.start("n")) or _acronym_of(nm.group("n"), names)
    if q is None and _may_name(nm.group("n").split()[0]) and _body_name(nm.group("n"), resolver):
        q = names.add(fold(nm.group("n")), nm.group("n"), "organization", nm.group("n"),
                      s.start + nm.start("n"))
    return q


def _victim(masked, vm, s, names, mentions) -> list[Person]:
    """The person a victim verb names right after it: 'the attack that killed X'."""
    after = vm.end() + 1
    for m in mentions:
        rel = m.start - s.start
        if rel >= after and (rel == after or " ".join(_title_run(masked[after:rel])) == masked[after:rel].strip()):
            q = names.people.get(m.key)
            return [q] if q and q.kind == "person" else []
    return []


def _body_name(name: str, resolver: Resolver) -> bool:
    """A capitalised name no person holds may be a body: not a demonym ('Russian'), nor
    words the article also writes in lower case."""
    words = name.split()
    if len(words) == 1 and not name.isupper() and _DEMONYM.search(name.lower()):
        return False
    return not all(w.lower() in resolver.common_words() for w in words)


_GERUND = re.compile(rf"\b(?:{alternation(_LISTS, 'gerund_before')})\s+(?P<g>[a-z]+ing)\b")


def _gerund_events(text, masked, s, names, resolver, published, subjects, done) -> list[Claim]:
    """'X was handed the fine on Tuesday after making racist remarks last October',
    'Slemp expected to return to work after having her son in August': a dated gerund
    clause is a happening of the sentence's subject, with the clause's own date."""
    out: list[Claim] = []
    for gm in _GERUND.finditer(masked):
        if gm.group("g") in _W["not_gerund"]:
            continue
        end = next((b for a, b in _clauses(masked) if a <= gm.start() <= b), len(masked))
        clause = masked[gm.start():end]
        if not DATEISH.search(clause):
            continue
        date, _ = find_date(clause, published)
        if not date and not (published is None and DATE_EXPRESSION.search(clause)):
            continue
        if _FUTURE.search(masked, 0, gm.start()):
            continue
        subj = subjects or [p for p in [_subject_of(masked, s.start, names, resolver)] if p]
        for p in subj:
            if date and any(c.subject == p.name and c.date == date for c in done + out):
                continue
            out.append(Claim(kind="event", subject=p.name, text=text, start=s.start, end=s.end,
                             object=clause.strip(" ._")[:200], date=date,
                             as_of=published[:10] if published else None, confidence=0.55))
    return out


_UNTIL = re.compile(r"\b(?:did\s+not|didn['’]t|did\s+n['’]t)\s+(?P<v>[a-z]+)\b[^,;:_]{0,80}?\buntil\b")


def _until_events(text, masked, s, names, resolver, published, mentions, known, done) -> list[Claim]:
    """'the FBI didn't search the station until October': it did, in October."""
    if "until" not in masked:
        return []
    out: list[Claim] = []
    for um in _UNTIL.finditer(masked):
        date, _ = find_date(masked[um.end() - 5:], published)
        if not date:
            continue
        p = _subject_before(masked, um.start(), s, names, resolver, mentions, known, event=True)
        if p is None or any(c.subject == p.name and c.date == date for c in done + out):
            continue
        out.append(Claim(kind="event", subject=p.name, text=text, start=s.start, end=s.end,
                         object=masked[um.start():].strip(" ._")[:200], date=date,
                         as_of=published[:10] if published else None, confidence=0.55))
    return out


_POSSESSIVE_PRONOUN = dict(line.split() for line in wordlists.lines(_LISTS, "possessive"))
_PLAN_CUE = re.compile(
    r"\b(?:(?:will|won['’]t|shall)\s+(?:also\s+|now\s+|then\s+|still\s+|not\s+|soon\s+)?(?P<v1>[a-z]+)"
    rf"|(?:{alternation(_LISTS, 'be')})\s+(?:also\s+)?(?:{alternation(_LISTS, 'plan_adjective')})\s+to\s+(?P<v2>[a-z]+)"
    rf"|(?:{alternation(_LISTS, 'plan_cue')})\s+(?:only\s+)?to\s+(?P<v3>[a-z]+|_)"
    r"|(?:is|are)\s+planning\s+(?P<v4>a|an|to)\b"
    rf"|\b(?P<poss>{alternation('function_words.txt', 'possessive', case='either')})\s+intention\s+to\s+(?P<v5>[a-z]+))")
_PLAN_GAP = re.compile(rf"(?:['’](?:{alternation(_LISTS, 'contraction')}))?(?:\s*\([^()]{{1,40}}\))?(?:\s*,)?(?:\s*,\s*who)?"
                       rf"(?:\s+(?:{alternation(_LISTS, 'plan_gap')}))*\s*$")
_OPEN_QUESTION = re.compile(rf"\b(?:{alternation(_LISTS, 'open_question')})\s+(?:\S+\s+){{1,3}}$", re.IGNORECASE)
_EVENT_GAP = re.compile(r"(?:\s*\([^()]{1,40}\))?(?:\s*,\s*(?:who|which))?"
                        rf"(?:\s+(?:{alternation(_LISTS, 'event_gap')}|(?:on|last|this)\s+\w+day|"
                        r"on\s+\w+|in\s+\w+(?:\s+\d{4})?))*\s*$")
_DEMAND = re.compile(rf"\b(?:{alternation(_LISTS, 'demand')})"
                     r"\s+(?:\S+\s+){1,4}?to\s+\w+\s+that\b")



def _plans(text, masked, s, names, resolver, pub, mentions=(), known=None) -> list[Claim]:
    """A stated future action of a named entity: 'will visit Moscow', 'plans to close
    the mine', 'is set to address', 'has agreed to commentate'. Its subject stands right
    before the cue. A forecast ('will struggle', 'will be') and a speech preview ('will
    say', 'is to tell') are no plans."""
    if not any(w in masked for w in _PLAN_WORDS):
        return []
    out: list[Claim] = []
    for pm in _PLAN_CUE.finditer(masked):
        if _OPEN_QUESTION.search(masked, max(0, pm.start() - 40), pm.start()) \
                or _DEMAND.search(masked, 0, pm.start()):
            continue  # "asked whether he would continue to ...", "how he will manage",
            # "urged him to pledge that the party will ...": asked of it, not its plan
        verb = next((pm.group(g) for g in ("v1", "v2", "v3", "v4", "v5") if pm.group(g)), "")
        if verb in _W["no_plan"] or verb in _W["speech"]:
            continue
        if pm.group("poss"):
            at = s.start + pm.start("poss")
            subj = resolver.resolve_pronoun(_POSSESSIVE_PRONOUN[pm.group("poss").lower()], at, at,
                                            max(0, at - 1500))
        elif pm.group(0).split()[0].endswith("ing") and masked[:pm.start()].rstrip().endswith(","):
            # ", pledging only to ...": a participle clause of the sentence's subject
            subj = _subject_of(masked, s.start, names, resolver) or _titled_subject(
                masked, s.start, names, mentions)
        else:
            subj = _subject_before(masked, pm.start(), s, names, resolver, mentions, known)
        if subj is None or any(c.subject == subj.name for c in out):
            continue
        out.append(Claim(kind="plan", subject=subj.name, text=text, start=s.start, end=s.end,
                         object=masked[pm.start():].strip(" ._")[:200], as_of=pub, confidence=0.55))
    return out


def _subject_before(masked, at, s, names, resolver, mentions, known, event=False) -> Person | None:
    """Who stands right before a verb phrase: a name, a pronoun, or the sentence's
    subject when nothing else stands between it and the verb."""
    before = masked[:at]
    gap = (_EVENT_GAP if event else _PLAN_GAP).search(before)
    end = gap.start() if gap else len(before)
    for mention in mentions:
        if mention.end - s.start == end:
            return names.people.get(mention.key)
    if pm := _PRONOUN_END.search(before, 0, end):
        p_at = s.start + pm.start("p")
        return resolver.resolve_pronoun(pm.group("p"), p_at, p_at, max(0, p_at - 1500))
    if known and (dm := _DESCRIPTION_END.search(before, 0, end)):
        holder = _known_holder(dm.group("d"), known)
        if holder:
            return holder
    sm = _SUBJECT.match(masked)
    if sm and sm.end() == end and (p := _subject_of(masked, s.start, names, resolver)):
        return p
    if (nm := _NAME_END.search(before, 0, end)) and nm.start() == len(before[:nm.start()]):
        p = names.lookup(nm.group(0), s.start + nm.start())
        if p is None and " " not in nm.group(0) and _may_name(nm.group(0)) and (
                nm.start() == 0 or before[:nm.start()].rstrip().endswith((".", ","))):
            # "Thailand intends to spend": a one-word name no person holds is a body.
            p = names.add(fold(nm.group(0)), nm.group(0), "organization", nm.group(0),
                           s.start + nm.start())
        if p is None and " " in nm.group(0).strip() and _new_body(nm.group(0).strip(), before[:nm.start()]):
            # "India's Bombay Stock Exchange inched", "the human rights organization
            # Safeguard Defenders identified": a body the name finder did not register.
            name = nm.group(0).strip()
            p = names.add(fold(name), name, "organization", name, s.start + nm.start())
        return p
    return None


_BODY_BEFORE = re.compile(r"\b[Tt]he\s+(?:[a-z][\w\-]*\s+){0,3}(?P<k>[a-z]+)\s*$")


def _new_body(name: str, before: str) -> bool:
    """A capitalised name of two words or more no person holds names a body when its
    last word is one of a body ('Stock Exchange', 'Party') or a description of a body
    stands right before it ('the human rights organization Safeguard Defenders')."""
    last = name.split()[-1].lower()
    if last in lexicon.ORG_KEYWORDS or last in _W["org_head"]:
        return True
    bm = _BODY_BEFORE.search(before)
    return bool(bm) and (bm.group("k") in lexicon.ORG_KEYWORDS or bm.group("k") in _W["org_head"])


_DESCRIPTION_END = re.compile(
    rf"\b[Tt]he\s+(?P<d>(?:[A-Z][\w'’\-]*\s+){{0,3}}(?:[a-z]+\s+)?(?i:{_ROLE_TRIE}))\s*$")


def _roles_from_nominal_speakers(body, qspans, attributions, names, resolver, pub) -> list[Claim]:
    """'The head of X announced ...' resolved to a person says that person heads X."""
    out = []
    for q, a in zip(qspans, attributions):
        if not a or not a.speaker or not a.speaker_text or classify(a.speaker_text) != "nominal":
            continue
        if not any(_head(w) in _W["role"] for w in a.speaker_text.split()):
            continue  # "the committee said": a body, no post of a person
        p = names.people.get(fold(a.speaker))
        if not p:
            continue
        role = re.sub(r"^(?:the|a|an)\s+", "", a.speaker_text, flags=re.IGNORECASE)
        start = body.rfind("\n", 0, q.mark_start) + 1
        end = body.find("\n", q.mark_end)
        end = len(body) if end < 0 else end
        c = _role_claim(body[start:end], Span(start, end), p, role, names, pub, 0.6)
        out.append(c)
    return out
