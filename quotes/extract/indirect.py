"""Reported (indirect) speech: 'Dmitriev said he had discussed ...', 'according to X, ...'.

A sentence that attributes something to a source without quoting it word for word
becomes a quote of kind indirect. The stored text is the whole sentence (body[start:end]
== text); the speaker is resolved like a direct quote's. Rules, each recorded in
`method` (with a `_pronoun` or `_nominal` suffix for the kind of speaker phrase):

- indirect_subject: a clause opens with the source and a reporting verb, and the
  reported content follows ("Dmitriev said he had ...", "but polls show ...").
- indirect_inverted: the attribution comes after (or inside) the content
  ("Clinton leads in Ohio, the poll found.", "..., said Jane Porter.").
- indirect_according_to: "according to X" anywhere in the sentence.
- indirect_partial_quote: any of the above in a sentence that also quotes words
  ("Clinton called half of Trump's supporters "deplorables.""); a sentence whose
  content is (nearly) all inside quote marks is a direct quote and is left alone.

The verbs come from quotes/data/reporting_verbs.txt, where each section says what has
to follow the verb. Speech that is quoted word for word belongs to the direct sieves.
"""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from quotes.extract.dates import find_date
from quotes.extract.speakers import NAME, NOMINAL, PRONOUN, Resolver, trim_name
from quotes.extract.text import Span
from quotes.model import Quote


@lru_cache(maxsize=None)
def reporting_verbs() -> dict[str, tuple[str, str]]:
    """Verb form -> (lemma, frame), from quotes/data/reporting_verbs.txt."""
    forms: dict[str, tuple[str, str]] = {}
    frame = "speech"
    text = resources.files("quotes").joinpath("data/reporting_verbs.txt").read_text("utf-8")
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            frame = line.strip("[]")
            continue
        lemma, _, rest = line.partition(":")
        for form in rest.split():
            forms.setdefault(form.lower(), (lemma.strip(), frame))
    return forms


_VERBS = reporting_verbs()
_CUE = "|".join(sorted(_VERBS, key=len, reverse=True))

# Words that open a sentence but never a speaker phrase ("In Iowa, ...", "But Trump").
_NOT_SUBJECT = (
    r"(?!(?:In|On|At|But|And|Or|As|After|Before|When|While|If|So|Yet|For|With|By|From|Since|"
    r"Although|Though|Because|Still|Now|Then|Last|This|That|These|Those|There|Here|What|Why|"
    r"How|Who|Where|Asked|According|Meanwhile|However|Also|Even|Just|Only|Like|Unlike|During|"
    r"Over|Under|Despite|Instead|Indeed|Later|Earlier|Speaking|Writing|Today|Yesterday|"
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Mr|Mrs|Ms|Dr|Sen|Rep|Gov|"
    r"Many|Most|Some|Few|Several|Both|All|Each|Every|No|Not|Other|Others|Such|Until|Once|"
    r"Whether|Unless|Whatever|Whoever|Among|Against|Through|Throughout|Without|Within|"
    r"Perhaps|Maybe|Of|To|Into|Onto|Upon|About|Above|Below|Between|Beyond|Toward|Towards)\b(?![.]))"
)
# Bare and plural descriptions that are sources: "officials", "critics", "polls",
# "six in 10 voters", "the Clinton campaign", "a new Quinnipiac poll".
_HEADS = (
    r"officials|critics|supporters|opponents|voters|people|Americans|observers|insiders|"
    r"polls?|surveys?|data|stud(?:y|ies)|reports?|documents|records|emails|filings?|allies|"
    r"backers|donors|activists|advocates|lawmakers|legislators|economists|historians|"
    r"scholars|pundits|commentators|conservatives|liberals|progressives|delegates|residents|"
    r"students|respondents|participants|majority|plurality|percent|investigators|"
    r"authorities|prosecutors|regulators|diplomats|operatives|strategists|consultants|"
    r"analysts|experts|advisers|advisors|aides|sources|staff(?:ers)?|leaders|members|"
    r"spokes(?:man|woman|person|people)|analysis|review|investigation|audit|memo|letter|"
    r"statement|complaint|lawsuit|indictment|ruling|article|story|editorial|column|ad|"
    r"video|book|website|release|campaign|committee|agency|department|office|company|firm|"
    r"network|newspaper|paper|outlet|magazine|publication|organization|group|court|"
    r"researchers|scientists|official|aide|adviser|advisor|source|expert|analyst|"
    r"lawyers?|attorneys?|president|director|chairman|chairwoman|secretary|governor|"
    r"senator|candidate|nominee|manager|strategist|pollster|team|administration|"
    r"government|judge|police|prosecutor|presidents|Republicans|Democrats|GOP"
)
_DET = (r"(?:[Tt]he|[Aa]n?|[Oo]ne|[Aa]nother|[Tt]wo|[Tt]hree|[Ss]everal|[Ss]ome|[Mm]any|"
        r"[Mm]ost|[Oo]ther|[Tt]hese|[Tt]hose|[Bb]oth|[Hh]is|[Hh]er|[Tt]heir|[Ii]ts|[Oo]ur|"
        r"[A-Z][\w.\-]*(?:[ ][A-Z][\w.\-]*)?['’]s|\d[\d,.]*|[Ss]ix[ ]in[ ]10|[A-Z][a-z]+[ ]in[ ]\d+)")
_EXTRA_NOMINAL = (
    rf"(?:{_DET}[ ])?(?:[\w'’/\-]+[ ]){{0,4}}?(?:{_HEADS})\b"
    rf"(?:[ ](?:of|for|at|in|from|with|on|by)[ ](?:[\w'’.\-/]+[ ]){{0,4}}?[\w'’.\-/]+(?=[ ,]))?"
)
_SUBJECT = (
    rf"{_NOT_SUBJECT}(?:(?P<nom>{NOMINAL}|{_EXTRA_NOMINAL})|(?P<pro>{PRONOUN})"
    rf"|(?P<name>(?:[Tt]he[ ])?{NAME}))"
)
# Between the source and its verb: "has long", "also", "did not", "is now".
_AUX = (r"(?:(?:has|have|had|also|since|later|previously|repeatedly|again|publicly|privately|"
        r"recently|often|long|still|even|would|will|could|can|may|might|should|must|did|does|"
        r"do|not|never|now|then|first|once|already|n't|\w+ly)[ ]){0,4}")
# A clause starts at the sentence start, after a comma, colon or dash, or after a
# conjunction; a source phrase is looked for only there.
_BOUNDARY = re.compile(
    r"(?:[,;:(]|[ ][—–-]{1,2})[ ]+|[ ](?:but|and|or|while|as|because|though|although|when|"
    r"whereas|where|after|before|since|if|so|yet|until|once|that|even[ ]as|even[ ]though|"
    r"even[ ]if)[ ]+"
)
_SUBJECT_CUE = re.compile(
    rf"(?P<sp>{_SUBJECT})(?P<appos>,[ ][^,]{{2,140}}?,)?[ ]+(?P<aux>{_AUX})(?P<cue>{_CUE})\b"
)
# ", said Jane Porter." / ", says the report, ..."
_CUE_SUBJECT = re.compile(
    rf"(?P<cue>said|says|added|wrote|writes|noted|notes|argued|argues|explained|reported|reports|"
    rf"warned|countered|replied|responded|insisted|claimed|concluded|acknowledged|recalled|"
    rf"continued|tweeted|asked|according[ ]to)[ ]+(?P<sp>{_SUBJECT})"
    rf"(?P<appos>,[ ][^,]{{2,140}}?(?=[,.;]|$))?"
)
_ACCORDING = re.compile(rf"\b[Aa]ccording[ ]to[ ]+(?P<sp>{_SUBJECT}|[^,;.]{{2,80}}?(?=[,;.]|$))")

# After the verb: an object of "told" before the reported clause.
_TOLD_OBJECT = re.compile(
    r"[ ]+(?:reporters|him|her|them|us|me|supporters|voters|the[ ][\w.\-]+(?:[ ][A-Z][\w.\-]+)*"
    r"|an?[ ][\w\-]+(?:[ ][\w\-]+)?|[A-Z][\w.\-]+(?:[ ][A-Z][\w.\-]+)*)"
)
# Time, place and channel of the saying, which are not the content: "on Tuesday",
# "in a statement", "in an interview with CNN", "last week".
_ADVERBIAL = re.compile(
    r"(?:[ ]+(?:on|in|at|during|last|this|late|early|earlier|later|over|via|through|to|"
    r"before|after|from|with)[ ](?:[\w'’.\-]+[ ]){0,5}?(?:Monday|Tuesday|Wednesday|Thursday|"
    r"Friday|Saturday|Sunday|week|month|year|night|morning|afternoon|evening|weekend|"
    r"statement|interview|speech|letter|email|release|tweet|post|appearance|rally|debate|"
    r"conference|call|hearing|briefing|event|meeting|op-ed|[A-Z][\w.\-]+)\b)+"
)
_THAT = re.compile(r"[ ]*(?:[,:—–][ ]*)?(?:that[ ]+)?")
_WORD = re.compile(r"[\w'’]+")
_BAD_CONTENT = re.compile(
    r"(?:nothing|so|yes|no|otherwise|little|much|more|anything|it|this|that|them|him|her|"
    r"by|for|of|goodbye|hello|thanks|sorry)\W*$", re.IGNORECASE)
_GROUPS = frozenset("""republicans democrats americans conservatives liberals progressives
evangelicals latinos hispanics gop voters independents""".split())
_NOT_NAME = frozenset("""it this that there these those he she they we i you who which
what here today yesterday""".split())
_QUOTE_CHAR = re.compile(r"[\"“”„‟«»]|''")
_MIN_WORDS = {"speech": 3, "clause": 2, "object": 1, "evidence": 2}


def _mask_quotes(text: str, offset: int, quoted: list[tuple[int, int]]) -> tuple[str, int, int]:
    """The sentence with the letters of quoted words replaced by 'q' (offsets kept, so no
    rule reads a name or verb inside a quote), the number of non-space characters inside
    quotes (marks included) and outside."""
    chars = list(text)
    inside = 0
    for qs, qe in quoted:
        s, e = max(qs, offset) - offset, min(qe, offset + len(text)) - offset
        # Count the marks too: widen to the neighbouring quote characters.
        while s > 0 and text[s - 1] in "\"“”„‟«»' ":
            s -= 1
        while e < len(text) and text[e] in "\"“”„‟«»' ":
            e += 1
        for i in range(s, e):
            if not chars[i].isspace():
                if chars[i].isalnum():
                    chars[i] = "q"
    return "".join(chars), inside, 0


def _quoted_share(text: str, start: int, end: int, offset: int,
                  quoted: list[tuple[int, int]]) -> float:
    """Share of the non-space characters of text[start:end] that lie inside quote marks
    (the marks included); a leading 'that' is not counted."""
    m = re.match(r"\W*that\b", text[start:end])
    if m:
        start += m.end()
    seg = text[start:end]
    total = sum(1 for c in seg if not c.isspace())
    if not total:
        return 0.0
    inside = 0
    a, b = offset + start, offset + end
    for qs, qe in quoted:
        s, e = max(qs, a), min(qe, b)
        # widen to the marks
        while s > a and text[s - 1 - offset] in "\"“”„‟«»' ":
            s -= 1
        while e < b and text[e - offset] in "\"“”„‟«»' ":
            e += 1
        if e > s:
            inside += sum(1 for c in text[s - offset : e - offset] if not c.isspace())
    return inside / total


class _Finder:
    def __init__(self, body: str, paras: list[Span], quoted: list[tuple[int, int]],
                 resolver: Resolver, published: str | None):
        self.body = body
        self.paras = paras
        self.quoted = quoted
        self.r = resolver
        self.published = published

    def sentence(self, pi: int, s: Span) -> list[Quote]:
        text = self.body[s.start : s.end]
        quoted = [(qs, qe) for qs, qe in self.quoted if qs < s.end and qe > s.start]
        masked = _mask_quotes(text, s.start, quoted)[0] if quoted else text
        hit = self._match(masked)
        if hit is None:
            return []
        method, sp, sp_at, cue, content = hit
        if quoted:
            if _quoted_share(text, content[0], content[1], s.start, quoted) >= 0.9:
                return []
            method = "indirect_partial_quote"
        who = self._speaker(sp, s.start + sp_at, pi)
        if who is None:
            return []
        name, kind, conf = who
        if kind != "name":
            method += "_" + kind
        head = text[: content[0]] if content[0] > sp_at else text[sp_at:]
        said_on, date_text = find_date(head, self.published)
        if not said_on:
            said_on = self.published[:10] if self.published else None
        return [Quote(
            text=text, kind="indirect", start=s.start, end=s.end, paragraph=pi,
            speaker=name, speaker_text=sp, cue=cue, said_on=said_on, date_text=date_text,
            method=method, confidence=conf,
        )]

    # -- rules -----------------------------------------------------------------------
    def _match(self, masked: str):
        """(method, speaker phrase, its offset, cue, content span) of the first
        attribution in the sentence, or None."""
        title = _is_title(masked)
        starts = [0] + [m.end() for m in _BOUNDARY.finditer(masked)]
        n = len(masked.rstrip(" .!?"))
        for b in starts:
            m = _SUBJECT_CUE.match(masked, b)
            if m and (title or m.group("cue").islower()):
                got = self._subject_rule(masked, m, b, n)
                if got:
                    return got
            if b:
                m = _CUE_SUBJECT.match(masked, b)
                if m and _words(masked[:b]) >= 3 and masked[b - 2 : b].strip() in (",", "—", "–"):
                    rest = masked[m.end() :].strip(" .")
                    if not rest or masked[m.end() :].startswith(","):
                        cue = m.group("cue")
                        return ("indirect_inverted", m.group("sp"), m.start("sp"), cue,
                                (0, b))
        m = _ACCORDING.search(masked)
        if m:
            sp = m.group("sp").strip()
            before, after = masked[: m.start()], masked[m.end() :]
            if _words(before) + _words(after) >= 3:
                if _words(before) >= 3:
                    content = (0, m.start())
                else:
                    content = (m.end(), len(masked))
                return ("indirect_according_to", sp, m.start("sp"), "according to", content)
        return None

    def _subject_rule(self, masked: str, m: re.Match, b: int, n: int):
        cue = m.group("cue").lower()
        lemma, frame = _VERBS[cue]
        sp = m.group("sp")
        if re.search(r"['’]s$", sp) or (m.group("name") and sp.split()[0].lower() in _NOT_NAME):
            return None
        aux = m.group("aux")
        if re.search(r"\b(?:is|are|was|were|been|be|being)\b", aux):
            return None
        pos = m.end()
        if lemma == "tell":
            o = _TOLD_OBJECT.match(masked, pos)
            if not o:
                return None
            pos = o.end()
        a = _ADVERBIAL.match(masked, pos)
        if a:
            pos = a.end()
        t = _THAT.match(masked, pos)
        cstart = t.end() if t else pos
        content = masked[cstart:n]
        words = _words(content)
        if words >= _MIN_WORDS[frame] and not _BAD_CONTENT.match(content):
            if frame == "clause" and lemma in ("want", "plan", "intend", "threaten", "refuse",
                                               "decline", "seem", "appear", "hope", "expect",
                                               "agree") and not re.match(r"(?:to|that)\b", content) \
                    and lemma not in ("hope", "expect", "agree"):
                return None
            if frame == "evidence" and not (m.group("nom") or t and "that" in masked[pos:cstart]):
                return None
            return ("indirect_subject", sp, m.start("sp"), cue, (cstart, len(masked)))
        # "..., Trump said." / "..., the poll found Tuesday."
        if frame in ("speech", "evidence") and b and _words(masked[:b]) >= 3 and \
                masked[:b].rstrip()[-1:] in ",—–" and words <= 6:
            return ("indirect_inverted", sp, m.start("sp"), cue, (0, b))
        return None

    # -- speakers --------------------------------------------------------------------
    def _speaker(self, sp: str, at: int, pi: int):
        """(canonical name or None, kind, confidence) for a speaker phrase, or None when
        the phrase cannot be a source."""
        t = sp.strip()
        words = t.split()
        if not words:
            return None
        low = words[0].lower()
        if re.fullmatch(PRONOUN, t):
            if low in ("he", "she"):
                window = self.paras[max(0, pi - 4)].start
                p = self.r.resolve_pronoun(t, at, self.paras[pi].start, window)
                return (p.name if p else None), "pronoun", 0.6
            return None, "pronoun", 0.4
        if _is_nominal(t):
            p = self.r.resolve_nominal(t)
            return (p.name if p else None), "nominal", 0.55
        if low in _NOT_NAME:
            return None
        p = self.r.resolve_name(t, at)
        if p is None:
            return None
        return p.name, "name", 0.75


def _is_nominal(t: str) -> bool:
    words = t.split()
    first = words[0]
    if first.lower() in ("the", "a", "an") and len(words) > 1 and all(
            w[:1].isupper() for w in words[1:]) and words[-1].lower() not in _GROUPS:
        return False  # "The New York Times"
    if words[-1].lower() in _GROUPS or any(w.lower() in _GROUPS for w in words[:1]):
        return True
    if not first[:1].isupper() or first.lower() in ("the", "a", "an", "one", "another", "two",
                                                      "three", "several", "some", "many",
                                                      "most", "other", "these", "those",
                                                      "both", "his", "her", "their", "its",
                                                      "our"):
        return True
    if first[:1].isdigit() or re.search(r"['’]s$", first):
        return True
    return bool(re.search(rf"\b(?:{_HEADS})$", t)) and not t[-1:].isupper() and \
        words[-1][:1].islower()


def _is_title(text: str) -> bool:
    words = _WORD.findall(text)
    caps = sum(1 for w in words if w[:1].isupper())
    return len(words) >= 4 and caps >= 0.7 * len(words)


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def find_indirect(body: str, paras: list[Span], sents_by_para: list[list[Span]],
                  quoted: list[tuple[int, int]], resolver: Resolver,
                  published: str | None) -> list[Quote]:
    """Reported speech in every sentence of the article."""
    f = _Finder(body, paras, quoted, resolver, published)
    out: list[Quote] = []
    for pi, sents in enumerate(sents_by_para):
        for s in sents:
            out.extend(f.sentence(pi, s))
    return out
