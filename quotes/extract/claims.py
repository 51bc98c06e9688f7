"""Claims: facts the article states around its quotes, with subject and dates.

Kinds: no_comment ("had not publicly commented", "declined to comment"), role
(appositions, pre-nominal titles, appointments), event (dated happenings), plan
("plans to", "will meet"). The claimant is the publisher; quoted text is skipped.
"""
from __future__ import annotations

import bisect
import re

from quotes.extract.dates import find_date
from quotes.extract.lexicon import word_trie
from quotes.extract.names import ArticleNames, Person, fold
from quotes.extract.speakers import SPEAKER, Resolver, classify
from quotes.extract.text import Span
from quotes.model import Claim

_NO_COMMENT = re.compile(
    r"\b(?:(?:had|has|have|did)\s+not\s+(?:yet\s+|immediately\s+|publicly\s+)*(?:commented|comment|responded|respond|returned|return)"
    r"|declined\s+to\s+comment|declined\s+(?:a\s+)?requests?\s+for\s+comment|refused\s+to\s+comment"
    r"|could\s+not\s+(?:immediately\s+)?be\s+reached|did\s+not\s+(?:immediately\s+)?reply"
    r"|(?:was|were)\s+not\s+available\s+for\s+comment|no\s+comment)\b",
    re.IGNORECASE,
)
_AS_OF = re.compile(r"^\s*(?:As\s+of|By)\s+([^,]{2,40}),\s*", re.IGNORECASE)
_ROLE_WORDS = (
    "founder|co-founder|chief executive|ceo|president|chairman|chairwoman|chair|head|director|"
    "envoy|ambassador|minister|secretary|spokesman|spokeswoman|spokesperson|adviser|advisor|"
    "governor|senator|mayor|leader|manager|editor|professor|economist|analyst|officer|"
    "commissioner|member|executive|counsel|deputy|nominee|candidate|strategist|aide|correspondent"
)
_APPOS_ROLE = re.compile(
    rf",\s+(?:who\s+(?:also\s+)?(?:serves|served|is|was|works|worked)\s+as\s+)?"
    rf"(?P<role>(?:the\s+|a\s+|an\s+|his\s+|her\s+)?(?:[\w'’.\-]+\s+){{0,5}}?(?i:{_ROLE_WORDS})\b"
    rf"(?:\s+(?:of|at|for|to|in)\s+(?:[^,;.]|(?<=[A-Z])\.){{2,80}})?)(?=[,;.]|\s+(?:said|says|had|has|who|and)\b)",
)
_PRENOMINAL = re.compile(
    rf"(?P<role>(?:(?:[A-Z][\w'’.\-]*|and|of)\s+){{0,4}}?(?:[A-Z][\w'’.\-]*\s+)?(?:(?i:{_ROLE_WORDS})|Sen\.|Gov\.))\s+$",
)
_APPOINT = re.compile(
    rf"(?P<by>{SPEAKER})\s+(?:\w+\s+)?(?:appointed|named|nominated|tapped|picked|chose)\s+"
    rf"(?P<who>[A-Z][\w'’\-]+(?:\s+[A-Z][\w'’\-]+)*)\s+(?:as\s+)?(?P<role>(?:his|her|their|the|a|an)\s+[^.;]{{3,120}}?)"
    rf"(?=,\s+(?:giving|making|which|who)|[.;]|$)"
)
_APPOINT_WORD = re.compile(r"\b(?:appointed|named|nominated|tapped|picked|chose|elected|promoted)\b")
_APPOINTED = re.compile(
    r"(?P<who>[A-Z][\w'’\-]+(?:\s+[A-Z][\w'’\-]+)*)\s+(?:was|has\s+been|had\s+been|is)\s+"
    r"(?:\w+\s+)?(?:appointed|named|nominated|elected|promoted\s+to)\s+(?:as\s+)?(?P<role>[^.;,]{3,120})"
)
_EVENT_WORDS = """talks meeting meetings summit call visit conference hearing trial vote election
speech rally debate deal agreement ceasefire negotiations interview attack strike invasion
announcement signing ceremony launch""".split()
_EVENT = re.compile(rf"\b(?:{'|'.join(_EVENT_WORDS)})\b", re.IGNORECASE)
_PLAN = re.compile(
    r"\b(?:plans?|planned|intends?|intended|is\s+expected|are\s+expected|is\s+scheduled|"
    r"are\s+scheduled|is\s+set|are\s+set|will|aims?|hopes?|vowed|pledged)\s+to\s+\w+|\bwill\s+(?!be\s+able)\w+",
)
_BETWEEN = re.compile(r"between\s+([A-Z][\w'’\-]+(?:\s+[A-Z][\w'’\-]+)*)\s+and\s+([A-Z][\w'’\-]+(?:\s+[A-Z][\w'’\-]+)*)")
_SAME_DAY = re.compile(r"\b(?:hours?\s+(?:before|after|earlier|later)|later\s+(?:that\s+|the\s+same\s+)?day|earlier\s+(?:that\s+)?day)\b", re.IGNORECASE)


# Cheap checks on the case-folded sentence, before the case-blind patterns (several
# times slower) run on the sentence itself: every match of _NO_COMMENT holds one of
# these words, and _EVENT's words match the folded text wherever they match the text.
_NO_COMMENT_WORDS = ("comment", "respond", "return", "reach", "reply")
# The words of _EVENT as a trie: it matches where the alternation does (only whether it
# matches is asked), trying one letter per branch instead of every word.
_EVENT_FOLDED = re.compile(rf"\b(?:{word_trie(_EVENT_WORDS)})\b")
# Every match of _APPOINT_WORD and of _PLAN holds one of these words: cheap substring
# tests before the patterns, which try each of their words at every position.
_APPOINT_WORDS = ("appointed", "named", "nominated", "tapped", "picked", "chose", "elected",
                  "promoted")
_PLAN_WORDS = ("plan", "intend", "expected", "scheduled", "set", "will", "aim", "hope",
               "vowed", "pledged")


def _may_be_no_comment(folded: str) -> bool:
    return any(w in folded for w in _NO_COMMENT_WORDS)


_ROLE_SUFFIXES = tuple(w.split()[-1] for w in _ROLE_WORDS.split("|"))


def _ends_with_role(before: str) -> bool:
    """What _PRENOMINAL needs at the end: a role word (or "Sen.", "Gov.") then spaces;
    checked on the last word before the regex tries every position of the window."""
    stripped = before.rstrip()
    if len(stripped) == len(before) or not stripped:
        return False
    word = stripped.rsplit(None, 1)[-1]
    return word.lower().endswith(_ROLE_SUFFIXES) or word.endswith(("Sen.", "Gov."))


_HYPOTHETICAL = re.compile(r"\b(?:potential|possible|would|could|might|may|if|plans?|will)\b")


_INTRO_PHRASE = re.compile(r"^(?:[A-Z][^,]{0,40}),\s")
_TWO_CAPITALS = re.compile(r"^\s*[A-Z][\w'’\-]+\s+[A-Z]")
# Compiled once: an f-string pattern is rebuilt (and its cache key hashed) at every call.
_SUBJECT = re.compile(rf"\s*(?P<sp>{SPEAKER})")
_POSSESSIVE_REST = re.compile(r"['’]s\b.*$")


def _subject_of(sentence: str, offset: int, names: ArticleNames, resolver: Resolver) -> Person | None:
    """The person or organisation a sentence is about: its grammatical subject."""
    text = _AS_OF.sub(lambda m: " " * len(m.group(0)), sentence)
    text = _INTRO_PHRASE.sub(lambda m: " " * len(m.group(0)), text) if not _TWO_CAPITALS.match(text) else text
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

    starts = [m.start for m in names.mentions]
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
            out.extend(_no_comment(text, masked, no_comment, s, names, resolver, pub))
            lo = bisect.bisect_left(starts, s.start)
            hi = bisect.bisect_left(starts, s.end)
            out.extend(_roles(text, masked, s, names, resolver, pub, names.mentions[lo:hi]))
            if no_comment is None and _EVENT_FOLDED.search(folded):
                out.extend(_events(text, masked, s, names, resolver, published))
            out.extend(_plans(text, masked, s, names, resolver, pub))
    out.extend(_roles_from_nominal_speakers(body, qspans, attributions, names, resolver, pub))
    # One claim per (kind, subject, span, object).
    seen, uniq = set(), []
    for c in out:
        key = (c.kind, c.subject, c.start, c.end, (c.object or "").lower())
        if key not in seen:
            seen.add(key)
            uniq.append(c)
    return uniq


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


def _no_comment(text, masked, m, s, names, resolver, pub) -> list[Claim]:
    if not m:
        return []
    subject = _subject_of(masked, s.start, names, resolver)
    as_of = pub
    am = _AS_OF.match(text)
    if am:
        iso, _ = find_date(am.group(1), pub)
        as_of = iso or pub
    return [Claim(kind="no_comment", subject=subject.name if subject else None, text=text,
                  start=s.start, end=s.end, object=m.group(0), as_of=as_of, confidence=0.8)]


def _roles(text, masked, s, names, resolver, pub, mentions) -> list[Claim]:
    out = []
    for mention in mentions:
        if masked[mention.start - s.start] == "_":
            continue
        p = names.people.get(mention.key)
        if not p or p.kind != "person":
            continue
        rel_end = mention.end - s.start
        am = _APPOS_ROLE.match(masked, rel_end)
        if am:
            role = am.group("role").strip()
            out.append(_role_claim(text, s, p, role, names, pub, 0.75))
        before = masked[max(0, mention.start - s.start - 80) : mention.start - s.start]
        bm = _PRENOMINAL.search(before) if _ends_with_role(before) else None
        if bm and not before.rstrip().endswith((",", ".")):
            role = bm.group("role").strip()
            role = re.sub(r"^(?:and|of)\s+", "", role, flags=re.IGNORECASE)
            # "billionaire and SpaceX founder" -> "SpaceX founder"
            role = role.split(" and ")[-1].strip()
            if role and not role.lower() in {"the", "a"}:
                out.append(_role_claim(text, s, p, role, names, pub, 0.7))
    if not any(w in masked for w in _APPOINT_WORDS) or not _APPOINT_WORD.search(masked):
        return out
    for m in _APPOINT.finditer(masked):
        who = names.lookup(m.group("who"), s.start + m.start("who"))
        by = _resolve_any(m.group("by"), s.start + m.start("by"), names, resolver)
        if who:
            role = re.sub(r"^(?:his|her|their)\s+", "", m.group("role").strip())
            c = _role_claim(text, s, who, role, names, pub, 0.8)
            c.by = by.name if by else None
            out.append(c)
    for m in _APPOINTED.finditer(masked):
        who = names.lookup(m.group("who"), s.start + m.start("who"))
        if who and who.kind == "person":
            out.append(_role_claim(text, s, who, m.group("role").strip(), names, pub, 0.75))
    return out


def _resolve_any(sp: str, at: int, names: ArticleNames, resolver: Resolver) -> Person | None:
    kind = classify(sp)
    if kind == "pronoun":
        return resolver.resolve_pronoun(sp, at, at, max(0, at - 1500))
    if kind == "nominal":
        return resolver.resolve_nominal(sp)
    return names.lookup(sp, at)


def _role_claim(text: str, s: Span, p: Person, role: str, names: ArticleNames,
                pub: str | None, conf: float) -> Claim:
    org = None
    for m in names.mentions:
        q = names.people.get(m.key)
        if q and q.kind == "organization" and m.text in role:
            org = q.name
            break
    return Claim(kind="role", subject=p.name, text=text, start=s.start, end=s.end,
                 object=role, organization=org, as_of=pub, confidence=conf)


def _events(text, masked, s, names, resolver, published) -> list[Claim]:
    """For a sentence that states no no-comment."""
    em = _EVENT.search(masked)
    if not em or _HYPOTHETICAL.search(masked):
        return []
    date, date_text = find_date(masked, published)
    if not date and _SAME_DAY.search(masked) and published:
        date = published[:10]
    if not date:
        return []
    subjects: list[Person] = []
    bm = _BETWEEN.search(masked)
    if bm:
        for g in (1, 2):
            p = names.lookup(bm.group(g), s.start + bm.start(g))
            if p:
                subjects.append(p)
    subj = _subject_of(masked, s.start, names, resolver)
    if subj and subj.kind == "person" and not bm:
        subjects.insert(0, subj)
    obj = masked[em.start():].strip(" .")
    return [Claim(kind="event", subject=p.name, text=text, start=s.start, end=s.end,
                  object=obj[:200], date=date, as_of=published[:10] if published else None,
                  confidence=0.6) for p in subjects]


def _plans(text, masked, s, names, resolver, pub) -> list[Claim]:
    pm = _PLAN.search(masked) if any(w in masked for w in _PLAN_WORDS) else None
    if not pm:
        return []
    subj = _subject_of(masked, s.start, names, resolver)
    if not subj:
        return []
    return [Claim(kind="plan", subject=subj.name, text=text, start=s.start, end=s.end,
                  object=masked[pm.start():].strip(" ._")[:200], as_of=pub, confidence=0.55)]


def _roles_from_nominal_speakers(body, qspans, attributions, names, resolver, pub) -> list[Claim]:
    """'The head of X announced ...' resolved to a person says that person heads X."""
    out = []
    for q, a in zip(qspans, attributions):
        if not a or not a.speaker or not a.speaker_text or classify(a.speaker_text) != "nominal":
            continue
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
