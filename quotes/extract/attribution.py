"""Attribution sieves: who said each quoted stretch, most precise rule first.

Each sieve looks only at text outside quotes (a name inside a quote is never its
speaker) and records its name in `method` with a confidence. Later sieves only see
quotes the earlier ones left open.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from quotes import wordlists
from quotes.extract import lexicon
from quotes.extract.indirect import reporting_verbs
from quotes.extract.quotemarks import QuotedSpan
from quotes.extract.speakers import (
    ADVERB, APPOSITION, GENERIC_NP, NAME, NOMINAL, PREFIXED_NAME, SPEAKER, SPEAKER_AFTER_CUE,
    Resolver, classify,
    plausible_speaker, trim_name,
)
from quotes.extract.lexicon import alternation
from quotes.extract.text import Span, is_abbreviation

_LISTS = "attribution.txt"

_CUE = lexicon.strong_cue_pattern()
_ANY_CUE = lexicon.any_cue_pattern()

# "...," Name said / "...," said Name / "...," Name, a doctor at X, said / "...," the
# White House spokesman, Josh Earnest, said (the name the description introduces)
_TRAILING = re.compile(
    rf"""^[ \t\u00a0]*[,.!?—–-]*[ \t\u00a0]*(?:
        (?P<cue1>{_CUE})\s+(?P<sp1>{SPEAKER_AFTER_CUE})
       |(?P<sp2>{SPEAKER}|{PREFIXED_NAME})(?P<appos>{APPOSITION})?\s+{ADVERB}?(?P<cue2>{_ANY_CUE})
       |according\s+to\s+(?P<sp3>{SPEAKER})
       |[―—–]+\s*(?P<sp4>{NAME})\s*[.,]?\s*$
       |(?:{NOMINAL}|{GENERIC_NP}),\s(?P<sp5>{NAME}),\s+{ADVERB}?(?P<cue3>{_ANY_CUE})
    )(?:\b|$)""",
    re.VERBOSE,
)
# Name said: "..." / Name told reporters Tuesday that "..." / According to Name, "..."
_LEADING = re.compile(
    rf"""(?<![\w'’\-])(?:
        (?P<sp1>{SPEAKER})(?P<appos>{APPOSITION})?\s+{ADVERB}?(?P<cue1>{_ANY_CUE})
        (?P<tail>(?:\s+(?!that\b)[^"“”.!?:;,\s]+){{0,6}})
        \s*(?:that\b)?\s*[:,—–]?\s*(?:that\s*)?
       |[Aa]ccording\s+to\s+(?P<sp2>{SPEAKER}),?\s*
       |(?P<cue2>{_CUE})\s+(?P<sp3>{SPEAKER}):\s*
       |(?P<sp4>{NAME})\s*(?:--|—|–)\s*
    )$""",
    re.VERBOSE,
)
# What the end of a text needs for _LEADING's first alternative, read on the reversed
# text: a cue after white space, then at most six words and "that", a colon, comma or
# dash (the look-aheads on "that" left out, so that it matches wherever _LEADING does).
_LEADING_CUE_AT_END_REVERSED = re.compile(
    r"\s*(?:\s*taht)?\s*[:,—–]?\s*(?:taht)?\s*(?:[^\"“”.!?:;,\s]+\s+){0,6}"
    rf"(?i:{lexicon.word_trie(form[::-1] for form in lexicon.cue_forms())})(?=\s)")


_FINAL_STOP = re.compile(r"(?<=[a-z]{2})[.,]$")


def _may_lead(before: str) -> bool:
    """False when _LEADING cannot match: none of its alternatives finds what it needs at
    the end of the text (a cue, 'according', a colon, a dash). _LEADING is searched from
    every position of up to 300 characters, each trying every speaker phrase; most texts
    before a quote with a cue word somewhere fail it, and this test rules them out with
    one anchored match."""
    end = before.rstrip()
    return (end.endswith((":", "--", "—", "–")) or "ccording" in before
            or _LEADING_CUE_AT_END_REVERSED.match(before[::-1]) is not None)


# The sentence just before a quote is a whole attribution clause: 'Bystrom agreed. "..."',
# '"...," Wilcox said. "..."' (after a partial quote), 'said Jon Favreau, an aide. "..."'.
_CLAUSE_BEFORE = re.compile(
    rf"""(?:^[\s,.!?—–-]*|[,;]\s+|[.!?]\s+)(?:
        (?P<sp1>{SPEAKER})(?P<appos>{APPOSITION})?\s+{ADVERB}?(?P<cue1>{_CUE}|agreed|agrees)
       |(?!(?:{alternation(_LISTS, "object_cue")})\b)(?P<cue2>{_CUE})\s+(?P<sp2>{SPEAKER_AFTER_CUE})
    )\b(?P<tail>[^"“”.!?;:]{{0,120}})[.!?]\s*$""",
    re.VERBOSE,
)
# A paragraph that only signs the quote before it: "- Bernie Sanders." / "-President Obama,
# tweeting after the speech."
_DASH_SIGNATURE = re.compile(rf"[-—–―]+[ ]?(?P<sp>{NAME})(?:\.?$|,[ ][a-z][^\"“”]*$)")
_SENTENCE_IN_NAME = re.compile(r"(?<=\w{4})\.\s+(?=[A-Z])")  # not "Del. Stacey Plaskett"
_INITIALS = re.compile(r"(?<![\w.])(?:[A-Z]\.)+$")  # "G.K." in "G.K. Butterfield"
_NAMING_CUES = wordlists.words(_LISTS, "naming_cue")
_ENDS_SENTENCE = re.compile(r"[a-z]{2}[.!?]\s*$|[)\]][.!?]\s*$")
_LEADING_HINT = re.compile(rf"\b(?:{_ANY_CUE}|[Aa]ccording)\b|(?:--|—|–)\s*$")
_PARTICIPLE = re.compile(
    rf"(?:,\s+|\s+(?=and\s))(?P<cue>{alternation(_LISTS, 'participle')}|"
    r"telling\s+\w+|adding\s+that|saying\s+that|"
    rf"and\s+(?:then\s+|later\s+)?(?:{alternation(_LISTS, 'and_cue')}|told\s+\w+))\s*[:,]?\s*$"
)
# An introductory adverbial phrase is not the subject: "During a speech earlier in the
# day, Trump attacked ...", "On July 6, 2015, Sanders made the following comment:".
_INTRO_WORDS = f"(?:{alternation(_LISTS, 'intro', case='capitalize')})"
# Weekdays and months (May is a verb too) are no subject either.
_NOT_SUBJECT_WORDS = "|".join(w.capitalize() for w in (
    *wordlists.lines("calendar.txt", "weekday"),
    *(m for m in wordlists.lines("calendar.txt", "month") if m != "may"),
    *wordlists.lines(_LISTS, "not_subject")))
_NOT_SUBJECT = (rf"(?![A-Z][a-z]{{3,}}ing\s+(?!(?:{alternation(_LISTS, 'cue_after_ing')})\b)[a-z])"
                rf"(?!(?:{_INTRO_WORDS}|{_NOT_SUBJECT_WORDS})\b)")
_SUBJECT_PLAIN = re.compile(
    rf"(?:(?:{_INTRO_WORDS}|[A-Z][a-z]{{3,}}ing)\b"
    rf"(?:\b(?:{alternation(_LISTS, 'subject_abbr')})\.|[^.!?:;\"“”]){{0,120}}?,\s+)?"
    rf"(?:(?:{alternation(_LISTS, 'subject_opener', case='capitalize')})\s+)?{_NOT_SUBJECT}"
    rf"(?P<sp>{SPEAKER})(?=\s|,)")
_SUBJECT_PREFIXED = re.compile(rf"(?P<sp>{PREFIXED_NAME})(?=\s|,)")
_SUBJECT_AFTER_PHRASE = re.compile(rf"[A-Z][^,]{{0,50}},\s+{_NOT_SUBJECT}(?P<sp>{SPEAKER})(?=\s|,)")


_NAME_APPOSITION = re.compile(rf"(?:[ ][\w'’\-]+){{0,3}},\s+(?P<sp>{PREFIXED_NAME}|{NAME}),")


_SUBJECT_CUE = re.compile(
    rf"(?:^|[.!?;]\s+|,\s+){_NOT_SUBJECT}(?P<sp>{SPEAKER})(?:,\s[^,\"“”]{{2,140}},)?\s+{ADVERB}?"
    rf"(?P<cue>{_ANY_CUE})\b"
)


# The speaker phrase just before a reporting verb: "Hoover estimated", "Gore, the former
# vice president, insisted", "She has also said".
_SPEAKER_BEFORE_VERB = re.compile(
    rf"(?:^|(?<=[\s,;(—–-]))(?P<sp>{SPEAKER})(?:{APPOSITION})?\s+{ADVERB}$")


# A byline after a dash, then a colon: 'Pollsters agree - Carl Bialik: '.
_DASH_NAME_COLON = re.compile(rf"(?:^|\s)[-–—]+\s*(?P<sp>{NAME})\s*:\s*$")
_ANY_CUE_WORD = re.compile(rf"\b(?:{_ANY_CUE})\b")


_WHO_BEFORE_VERB = re.compile(rf"(?<![\w'’])(?P<sp>{NAME}),\s+who\s+{ADVERB}$")


_LABEL = re.compile(r"([A-Z][A-Z'’.\-]+(?: [A-Z][A-Z'’.\-]+){0,2}):\s")


_NOT_LABELS = wordlists.words(_LISTS, "not_label")


# Verbs that report speech or thought and take a clause: the cue lexicon and the
# speech and thought verbs of the reporting lexicon. Naming verbs are left out: what
# they govern is a name for something ('called the plan "a disaster"'), not words said.
_NAMING_VERBS = wordlists.words(_LISTS, "naming_verb")
_SPEECH_VERBS = (frozenset(f for f, (_, strong) in lexicon.cue_forms().items() if strong)
                 | frozenset(f for f, (_, frame) in reporting_verbs().items()
                             if frame in ("speech", "announcement"))) - _NAMING_VERBS
# Verbs of thought ("thinks", "hopes", "wants") report content only when no verb of
# speech does: in 'said she hopes the day sends a message that "..."' the content is
# what "said" governs.
_THOUGHT_VERBS = (frozenset(f for f, (_, strong) in lexicon.cue_forms().items() if not strong)
                  | frozenset(f for f, (_, frame) in reporting_verbs().items()
                              if frame == "clause")) - _SPEECH_VERBS - _NAMING_VERBS
# Verb forms that are more often nouns ("her mental state", "the report's claims"): a
# verb only after a pronoun or a name.
_NOUNISH_VERBS = wordlists.words(_LISTS, "nounish_verb")
# A verb of going on followed by "to" after a closed sentence: 'continues to live'.
_GOES_ON_TO = re.compile(r"[ ]+to[ ]")
_GOING_ON = wordlists.words(_LISTS, "going_on")
_CLAUSE_AFTER_CUE = re.compile(r"[ ]+that[ ]+\S+[ ]+\S+")
_FINITE_IN_TAIL = re.compile(rf"\b(?:{alternation(_LISTS, 'finite_in_tail')})\b")
_VERB_SUBJECT = re.compile(
    rf"(?:\b(?:{alternation('function_words.txt', 'subject_pronoun', case='either')}|I|{alternation(_LISTS, 'clause_relative')})"
    r"|[A-Z][\w'’.\-]*)(?:[ ]\w+ly)?[ ]$")
_WORD = re.compile(r"[\w'’]+")
# Words after a naming verb that are no object: 'whom he called a "con artist"',
# 'which he described as "an evil act"', 'calls for "a ban"'.
_NAMING_FILLERS = wordlists.words(_LISTS, "naming_filler")
# After the verb, the content starts past an object or an adverbial and a complementiser
# ("told reporters outside a polling place that", "said on Twitter Monday that"), but not
# past a clause ("said Nunberg was bound by an agreement that ...").
_OBJECT_THAT = re.compile(
    rf"[ \t,]*(?:(?!(?:{alternation(_LISTS, 'clause_word')})\b)[^\s\"“”.;:!?]+[ \t,]+){{0,7}}?that\b")
# Between a verb and its quote, a phrase that is no content: "told reporters on Monday,",
# "joked of the museum,", "said in a statement:".
_ADVERBIAL_LEAD = re.compile(r"(?:[ \t]+[^\s\"“”.;:!?,]+){1,8}?[ \t]*[,:][ \t]*")
_CLAUSE_WORDS = (frozenset(w.lower() for w in wordlists.lines(_LISTS, "clause_word"))
                 | wordlists.words(_LISTS, "clause_relative"))
# A parenthetical attribution: ', she said, is "..."' (the content is on both sides).
_PARENTHETICAL = re.compile(
    r"(?:[ \t]+[^\s,\"“”.;:!?]+){0,4}?[ \t]*,[ \t]*(?=[^\s\"“”'‘])")
_CONTENT_END_PUNCT = " \t.,;:!?—–-"


# What may stand between a verb of speech and the quote it introduces.
_LEADS_IN = re.compile(r"(?:[ \t]+[^\s\"“”.;:!?]+){0,8}?[ \t]*(?:[,:]|[ \t]that)?[ \t]*")
_COMMA_LEADS_IN = re.compile(r"(?:[ \t]+[^\s\"“”.;:!?,]+){0,5}?[ \t]*,[ \t]*")
_NEW_SENTENCE = re.compile(r"[.!?]\s+[\"“A-Z]")
_BREAK = re.compile(r"[.!?][\"'”’)\]]*(?:\s+|(?=[\"“'‘]))|[:;(][ \t]*")
_DASH_BREAK = re.compile(rf"{_BREAK.pattern}|[—–][ \t]*|[ \t]--?[ \t]+")


def starts_new_sentence(text: str) -> bool:
    """True when text holds a sentence end followed by a new sentence ('... he said. The
    vote ...'); an abbreviation or initials ('St. Regis', 'G.K. Butterfield') is none."""
    for m in _NEW_SENTENCE.finditer(text):
        if not is_abbreviation(text, m.start()) and not _INITIALS.search(text, 0, m.start() + 1):
            return True
    return False


def _last_sentence_end(text: str) -> int:
    """Index of the last '. ', '? ' or '! ' in text that ends a sentence ("Mr. Clinton"
    does not), or -1."""
    cut = max(text.rfind("? "), text.rfind("! "))
    dot = text.rfind(". ")
    while dot > cut and (is_abbreviation(text, dot) or _INITIALS.search(text, 0, dot + 1)):
        dot = text.rfind(". ", 0, dot)
    return max(cut, dot)


def _solid(text: str) -> int:
    """The number of non-space characters (str.split drops exactly the characters
    str.isspace() accepts; a count in C, not a loop over the characters)."""
    return len("".join(text.split()))


@dataclass
class Attribution:
    speaker_text: str | None
    speaker: str | None  # canonical in-article name
    cue: str | None
    method: str
    confidence: float
    cue_end: int | None = None  # where the attribution clause ends, for dates
    adjacent: bool = False  # the cue verb (and "that") stands right before the quote


_APPOSITIVE_NAME = re.compile(r",\s(?P<n>[A-Z][\w'’\-]+(?:\s[A-Z][\w'’\-]+){1,3}),")


_DESCRIBED_THEN_NAMED = re.compile(
    rf"[^\"“”,.!?]{{2,60}},\s(?P<n>[A-Z][\w'’\-]+(?:\s[A-Z][\w'’\-]+){{1,3}}),\s+{ADVERB}?(?P<cue>{_ANY_CUE})\b")


def _speaker_from(match: re.Match, groups: tuple[str, ...]) -> tuple[str, int, int] | None:
    """The speaker phrase a sieve matched; after a description, the name in apposition
    ("LTA chief executive, John Crowther, added")."""
    for g in groups:
        if match.group(g):
            appos = match.groupdict().get("appos")
            if appos and classify(match.group(g)) == "nominal":
                a = _APPOSITIVE_NAME.fullmatch(appos)
                if a:
                    at = match.start("appos") + a.start("n")
                    return a.group("n"), at, at + len(a.group("n"))
            return match.group(g), match.start(g), match.end(g)
    return None


def _cue_from(match: re.Match, groups: tuple[str, ...]) -> str | None:
    for g in groups:
        if g in match.groupdict() and match.group(g):
            return match.group(g).lower()
    return None


class Attributor:
    """Runs the sieves over the quotes of one article."""

    def __init__(self, body: str, paras: list[Span], quotes: list[QuotedSpan], resolver: Resolver):
        self.body = body
        self.paras = paras
        self.quotes = quotes
        self.r = resolver

    # -- windows -------------------------------------------------------------------
    def _after(self, i: int) -> tuple[str, int]:
        q = self.quotes[i]
        para = self.paras[q.paragraph]
        end = para.end
        if i + 1 < len(self.quotes) and self.quotes[i + 1].paragraph == q.paragraph:
            end = self.quotes[i + 1].mark_start
        return self.body[q.mark_end : end], q.mark_end

    def _before(self, i: int) -> tuple[str, int]:
        q = self.quotes[i]
        para = self.paras[q.paragraph]
        start = para.start
        if i > 0 and self.quotes[i - 1].paragraph == q.paragraph:
            start = self.quotes[i - 1].mark_end
        return self.body[start : q.mark_start], start

    # -- how much of the reported content is quoted -----------------------------------
    def quoted_share(self, i: int, trailing: bool = False) -> float:
        return self._content(i, trailing)[0]

    def _content(self, i: int, trailing: bool = False) -> tuple[float, re.Match | None, int]:
        """Share of the non-space characters of the content the quote belongs to that lie
        inside quote marks (marks included). The content runs from the last reporting verb
        before the quote in its sentence (past an object and "that") to the sentence end;
        with no verb before it and `trailing` (the attribution follows the quote), from the
        sentence start to the quote. 0.0 when no content can be delimited. Also returns
        the reporting verb (a match, or None) and the sentence start.

        'He says Obama "knows full well that ..."' is a direct quote by this measure (the
        content is nearly all quoted); 'called the plan "a disaster"' is not."""
        q = self.quotes[i]
        s0, s1, spans = self._sentence_of_quote(i)
        cue = self._reporting_verb(s0, q.mark_start, spans)
        # The sentence ends with the first quote from this one on that ends one.
        for a, b in spans:
            if a >= q.mark_start and b <= s1 and b > a:
                inner = self.body[a:b].rstrip("\"'”’ \t")
                if inner[-1:] in ".!?…":
                    s1 = b
                    break
        skip = (0, 0)
        if cue is None:
            if not trailing:
                return 0.0, None, s0
            cs, ce = s0, q.mark_end
        else:
            cs, ce = cue.end(), s1
            pm = _PARENTHETICAL.match(self.body, cs, q.mark_start)
            comma = self.body.rfind(",", s0, cue.start())
            if pm and comma >= 0 and not any(a <= comma < b for a, b in spans):
                skip, cs = (comma, pm.end()), s0  # 'The industry, she said, is "..."'
            elif cue.group() not in _NAMING_VERBS and _ADVERBIAL_LEAD.fullmatch(
                    self.body, cs, q.mark_start) and not any(
                    w in _SPEECH_VERBS or w in _THOUGHT_VERBS or w.lower() in _CLAUSE_WORDS
                    for w in _WORD.findall(self.body, cs, q.mark_start)):
                cs = q.mark_start  # 'joked of the museum, "..."': a phrase, then the quote
            else:
                om = _OBJECT_THAT.match(self.body, cs, q.mark_start)
                if om and not any(w in _SPEECH_VERBS or w in _THOUGHT_VERBS
                                  for w in _WORD.findall(om.group())):
                    cs = om.end()
        return self._share(cs, ce, spans, skip), cue, s0

    def opening_share(self, i: int, leading: bool = False) -> float:
        """The quoted share of a content that also holds the sentence's words before the
        attribution. Trailing ('Sooner or later, "I think we will ...," he said'): the
        words before the quote. Leading ('An economic downturn, he said, "could be a good
        time ..."'): the words before a parenthetical speaker, when the quote starts in lower
        case and so carries on the sentence they began. 1.0 when the sentence has nothing
        of its own there, or only words that introduce the quote ('he warned, "..." ...')."""
        q = self.quotes[i]
        s0, _, spans = self._sentence_of_quote(i, dashes=True)
        if leading:
            first = self.body[q.start : q.start + 1]
            cue = self._reporting_verb(s0, q.mark_start, spans)
            if not first.islower() or cue is None or not _COMMA_LEADS_IN.fullmatch(
                    self.body, cue.end(), q.mark_start):
                return 1.0
            m = _SPEAKER_BEFORE_VERB.search(self.body, s0, cue.start())
            if m is None or not self.body[s0 : m.start("sp")].rstrip().endswith(","):
                return 1.0
            return self._share(s0, q.mark_end, spans, (m.start("sp"), q.mark_start))
        if not self.body[s0 : q.mark_start].strip(" \t\"“”'‘’"):
            return 1.0
        cue = self._reporting_verb(s0, q.mark_start, spans)
        if cue is not None and _LEADS_IN.fullmatch(self.body, cue.end(), q.mark_start):
            return 1.0  # 'he warned, "..." ...': the words before introduce the quote
        return self._share(s0, q.mark_end, spans)

    def _sentence_of_quote(self, i: int,
                           dashes: bool = False) -> tuple[int, int, list[tuple[int, int]]]:
        """Start and end of the quote's sentence (with `dashes`, of its stretch between
        dashes), and the quoted spans of its paragraph (marks included)."""
        q = self.quotes[i]
        para = self.paras[q.paragraph]
        starts = self.r.sentence_starts
        k = bisect.bisect_right(starts, q.mark_start) - 1
        s0 = max(starts[k], para.start) if k >= 0 else para.start
        s1 = starts[k + 1] if k + 1 < len(starts) else para.end
        s1 = min(max(s1, q.mark_end), para.end)
        spans = []
        j = i
        while j > 0 and self.quotes[j - 1].paragraph == q.paragraph:
            j -= 1
        while j < len(self.quotes) and self.quotes[j].paragraph == q.paragraph:
            spans.append((self.quotes[j].mark_start, self.quotes[j].mark_end))
            j += 1
        # Sentence ends the splitter leaves out ('view. \'\'We're', 'born.”“Your') and
        # clause breaks that open a quotation ('declared the need: "...').
        for m in (_DASH_BREAK if dashes else _BREAK).finditer(self.body, s0, q.mark_start):
            if m.group()[0] == "." and is_abbreviation(self.body, m.start()):
                continue
            if not any(a <= m.start() < b for a, b in spans):
                s0 = m.end()
        return s0, s1, spans

    def _share(self, cs: int, ce: int, spans: list[tuple[int, int]],
               skip: tuple[int, int] = (0, 0)) -> float:
        while ce > cs and self.body[ce - 1] in _CONTENT_END_PUNCT:
            ce -= 1
        total = _solid(self.body[cs:ce]) - _solid(self.body[skip[0] : skip[1]])
        if total <= 0:
            return 0.0
        inside = sum(_solid(self.body[max(a, cs) : min(b, ce)]) for a, b in spans
                     if b > cs and a < ce)
        return inside / total

    def _reporting_verb(self, start: int, end: int,
                        spans: list[tuple[int, int]]) -> re.Match | None:
        """The last verb of speech outside quotes in body[start:end], else the last verb of
        thought."""
        cue = thought = None
        for m in _WORD.finditer(self.body, start, end):
            word = m.group()
            if word in _NAMING_VERBS and any(w.lower() not in _NAMING_FILLERS
                                             for w in _WORD.findall(self.body, m.end(), end)):
                word = "said"  # 'called the holiday "...": the object is content too; not
                #                'what she calls "..."', whose content is the phrase alone
            if word in _SPEECH_VERBS or word in _THOUGHT_VERBS:
                if any(a <= m.start() < b for a, b in spans):
                    continue
                if word in _NOUNISH_VERBS and not _VERB_SUBJECT.search(
                        self.body, max(start, m.start() - 40), m.start()):
                    continue
                if word in _SPEECH_VERBS:
                    cue = m
                else:
                    thought = m
        return cue or thought

    def reporting_subject(self, i: int) -> Attribution | None:
        """The source of a quote whose content follows a reporting verb in its sentence
        ('Hoover estimated that there are "..."', 'Carson shared a syllabus ..., writing
        "..."'): the speaker phrase right before the verb, else the sentence subject."""
        _, cue, s0 = self._content(i)
        if cue is None:
            return None
        seg = self.body[s0 : cue.start()]
        verb = cue.group().lower()
        wm = _WHO_BEFORE_VERB.search(seg)
        if wm:  # 'Stevie Wonder, who joked of the museum, "..."'
            return self._attribute(wm.group("sp"), s0 + wm.start("sp"), verb,
                                   "reporting_subject", 0.8, i)
        if not verb.endswith("ing"):
            m = _SPEAKER_BEFORE_VERB.search(seg)
            if m:
                return self._attribute(m.group("sp"), s0 + m.start("sp"), verb,
                                       "reporting_subject", 0.8, i)
        sm = self._subject(seg.lstrip())
        if sm is None:
            return None
        off = s0 + len(seg) - len(seg.lstrip())
        return self._attribute(sm[0], off + sm[1], verb, "reporting_subject", 0.75, i)

    # -- resolution ------------------------------------------------------------------
    def _resolve(self, text: str, at: int, quote_index: int) -> tuple[str | None, float]:
        """Canonical name for a speaker phrase, and a confidence factor."""
        kind = classify(text)
        q = self.quotes[quote_index]
        if kind == "pronoun":
            window = self.paras[max(0, q.paragraph - 4)].start
            p = self.r.resolve_pronoun(text, at, self.paras[q.paragraph].start, window)
            return (p.name if p else None), 0.8
        if kind == "nominal":
            p = self.r.resolve_nominal(text)
            return (p.name if p else None), 0.7
        p = self.r.resolve_name(text, at)
        return (p.name if p else None), 0.95

    def _attribute(self, text: str, offset: int, cue: str | None, method: str,
                   base: float, quote_index: int, cue_end: int | None = None) -> Attribution | None:
        text = _FINAL_STOP.sub("", text.strip())  # sentence end, not "Jr."
        if not plausible_speaker(self.body, text, offset):
            return None
        speaker, factor = self._resolve(text, offset, quote_index)
        kind = classify(text)
        method = f"{method}_{kind}" if kind != "name" else method
        return Attribution(text, speaker, cue, method, round(base * factor, 3), cue_end)

    # -- sieves ----------------------------------------------------------------------
    def trailing(self, i: int) -> Attribution | None:
        q = self.quotes[i]
        after, off = self._after(i)
        inner = self.body[q.start : q.end]
        m = _TRAILING.match(after)
        if not m:
            return self._dash_paragraph(i, after)
        inner = inner.rstrip("'’\"”")
        ends_open = inner[-1:] in ",?!—–-…" or after.lstrip()[:1] in (",", "—", "–", "―")
        if not ends_open and not (m.group("sp3") or m.group("sp1")):
            # '"... niches" Grubbs said': no comma, but a known name and a cue follow.
            if not (m.group("sp2") and len(inner.split()) >= 5 and classify(m.group("sp2")) == "name"
                    and self.r.names.lookup(m.group("sp2"), q.start) is not None):
                return None
        sp = _speaker_from(m, ("sp1", "sp2", "sp3", "sp4", "sp5"))
        for cut in _SENTENCE_IN_NAME.finditer(sp[0]):
            if not is_abbreviation(sp[0], cut.start()) and not _INITIALS.search(
                    sp[0], 0, cut.start() + 1):
                # 'said Mr. Burman of the Tax Policy Center. Proposals ...'
                sp = (sp[0][: cut.start() + 1], sp[1], sp[2])
                break
        cue = _cue_from(m, ("cue1", "cue2", "cue3")) or ("according to" if m.group("sp3") else None)
        if not ends_open and cue in _GOING_ON and _GOES_ON_TO.match(after, m.end()):
            return None  # '"... part." Actress Sandra Dee continues to live ...': no saying
        if not ends_open and _CLAUSE_AFTER_CUE.match(after, m.end()):
            return None  # '"... minutes." Shaheed noted that investment ...': a new statement
        return self._attribute(sp[0], off + sp[1], cue, "quote_cue_speaker", 0.97, i, off + m.end())

    def _dash_paragraph(self, i: int, after: str) -> Attribution | None:
        """A quote that ends its paragraph, signed in the next one: '- Bernie Sanders.'"""
        q = self.quotes[i]
        if after.strip(" \t.,") or q.paragraph + 1 >= len(self.paras):
            return None
        nxt = self.paras[q.paragraph + 1]
        m = _DASH_SIGNATURE.match(self.body, nxt.start, min(nxt.end, nxt.start + 160))
        if not m:
            return None
        return self._attribute(m.group("sp"), m.start("sp"), None, "speaker_dash", 0.85, i)

    def leading(self, i: int) -> Attribution | None:
        before, off = self._before(i)
        if len(before) > 300:  # an attribution clause is never longer
            off, before = off + len(before) - 300, before[-300:]
        dm = _DASH_NAME_COLON.search(before)
        if dm and not dm.group("sp").isupper() and _ANY_CUE_WORD.search(before, 0, dm.start()):
            return None  # 'Pollsters agree - Carl Bialik: "..."': the byline, not 'Pollsters'

        if not _LEADING_HINT.search(before[-120:]):
            return None  # no cue word, 'according to' or dash: nothing to match
        m = _LEADING.search(before) if _may_lead(before) else None
        if not m:
            return self._clause_before(i, before, off)
        sp = _speaker_from(m, ("sp1", "sp2", "sp3", "sp4"))
        cue = _cue_from(m, ("cue1", "cue2")) or ("according to" if m.group("sp2") else None)
        if m.group("cue2") and lexicon.cue_forms().get(cue, ("",))[0] in ("tell", "ask"):
            return None  # 'telling CNBC: "..."': who is told is not who speaks
        if cue in _NOUNISH_VERBS and _FINITE_IN_TAIL.search(m.group("tail") or ""):
            return None  # 'diplomats from EU states will meet to "..."': a noun
        method = "speaker_cue_colon" if before.rstrip().endswith(":") else "speaker_cue_quote"
        if m.group("sp4"):
            method = "speaker_dash"
        a = self._attribute(sp[0], off + sp[1], cue, method, 0.95, i, off + m.end())
        if a is not None:
            a.adjacent = not (m.group("tail") or "").strip()
        return a

    def _clause_before(self, i: int, before: str, off: int) -> Attribution | None:
        """'Iowa State's Dianne Bystrom agreed. "..."': the sentence before the quote is an
        attribution clause, its speaker the quote's."""
        if not _ENDS_SENTENCE.search(before[-8:]):
            return None
        tail = before[-200:]
        m = _CLAUSE_BEFORE.search(tail)
        if not m:
            return None
        base = off + len(before) - len(tail)
        sp = _speaker_from(m, ("sp1", "sp2"))
        cue = _cue_from(m, ("cue1", "cue2"))
        if cue in _NAMING_CUES:
            return None  # 'Trump called LeVell onto the stage.' names, it does not quote
        method = "speaker_cue_sentence"
        if (i > 0 and self.quotes[i - 1].paragraph == self.quotes[i].paragraph
                and not before[: len(before) - len(tail) + m.start()].strip(" \t,.!?—–-")):
            method = "same_paragraph"  # '"...," Name said. "..."': the clause between two quotes
        return self._attribute(sp[0], base + sp[1], cue, method, 0.9, i, base + m.end())

    def _sentence_before(self, i: int) -> tuple[str, int]:
        """The sentence (outside quotes) that runs up to the quote's opening mark."""
        before, off = self._before(i)
        cut = _last_sentence_end(before)
        if cut >= 0:
            return before[cut + 2 :], off + cut + 2
        return before, off

    def _subject(self, seg: str) -> tuple[str, int] | None:
        """The subject of a sentence (text, offset in seg): its first speaker phrase, after
        an introductory phrase ("Hours later, Trump returned"); in "Trump, the nominee,
        said" it is Trump, and in "Clinton's campaign chairman, John Podesta, said" the
        name the description introduces."""
        m = _SUBJECT_PLAIN.match(seg)
        if m and classify(m.group("sp")) == "name" and not seg[m.end("sp"):].startswith(","):
            if self.r.names.lookup(trim_name(m.group("sp"))) is None:
                alt = _SUBJECT_AFTER_PHRASE.match(seg)  # "Hours later, Trump ..."
                if alt and classify(alt.group("sp")) == "name":
                    m = alt
                else:
                    # "Republican presidential candidate Donald Trump quickly took ..."
                    pm = _SUBJECT_PREFIXED.match(seg, m.start("sp"))
                    if pm and self.r.names.lookup(trim_name(pm.group("sp"))) is not None:
                        name = trim_name(pm.group("sp"))
                        return name, pm.end("sp") - len(name)
        m = m or _SUBJECT_AFTER_PHRASE.match(seg)
        if not m:
            return None
        if classify(m.group("sp")) != "name":
            am = _NAME_APPOSITION.match(seg, m.end("sp"))
            if am:
                return am.group("sp"), am.start("sp")
        return m.group("sp"), m.start("sp")

    def participle(self, i: int) -> Attribution | None:
        """'Trump attacked Clinton ..., saying, "..."': the sentence subject speaks."""
        seg, off = self._sentence_before(i)
        stripped = seg.lstrip()
        off, seg = off + len(seg) - len(stripped), stripped
        pm = _PARTICIPLE.search(seg)
        if not pm:
            return None
        sm = self._subject(seg)
        last_cue = None
        for last_cue in _SUBJECT_CUE.finditer(seg, 0, pm.start() + 1):
            pass
        if last_cue is not None and classify(last_cue.group("sp")) == "name":
            sm = last_cue.group("sp"), last_cue.start("sp")  # "..., Spicer said, adding"
        if not sm or sm[1] >= pm.start():
            return None
        cue = [w for w in pm.group("cue").split() if w not in ("and", "then", "later")][0].lower()
        return self._attribute(sm[0], off + sm[1], cue,
                               "subject_participle", 0.85, i)

    def colon_subject(self, i: int) -> Attribution | None:
        """'President Obama is rolling out a new message: "It's about me."'"""
        seg, off = self._sentence_before(i)
        if not seg.rstrip().endswith(":") or len(seg) > 200:
            return None
        dm = _DASH_NAME_COLON.search(seg)
        if dm and not dm.group("sp").isupper():
            # 'HEADLINE IN CAPITALS - Michael P. McDonald: "..."': a byline
            return self._attribute(dm.group("sp"), off + dm.start("sp"), None, "subject_colon",
                                   0.8, i)
        am = _DESCRIBED_THEN_NAMED.match(seg)
        if am:  # 'LTA chief executive, John Crowther, added:'
            a = self._attribute(am.group("n"), off + am.start("n"), am.group("cue").lower(),
                                "speaker_cue_colon", 0.9, i)
            if a is not None:
                return a
        sm = self._subject(seg)
        if sm and sm[0].isupper():
            return None  # a headline in capitals is no subject
        if sm:
            a = self._attribute(sm[0], off + sm[1], None, "subject_colon", 0.75, i)
            if a is not None and (a.speaker or classify(sm[0]) != "name"):
                return a
        return None

    def transcript_label(self, i: int) -> Attribution | None:
        """Transcripts quoted line by line: '"PENCE: Well, look, ...'."""
        q = self.quotes[i]
        m = _LABEL.match(self.body, q.start)
        if not m or m.group(1).strip(".") in _NOT_LABELS:
            return None
        return self._attribute(m.group(1), q.start, None, "transcript_label", 0.9, i)

    def previous_paragraph_colon(self, i: int) -> Attribution | None:
        """A paragraph that opens with a quote after 'Name said:' ending the one before."""
        q = self.quotes[i]
        if q.paragraph == 0 or self.body[self.paras[q.paragraph].start] not in "\"“'‘„":
            return None
        prev = self.paras[q.paragraph - 1]
        text = self.body[prev.start : prev.end]
        cut = max(text.rfind("”"), text.rfind('"'))
        seg = text[cut + 1 :] if cut >= 0 else text
        base = prev.start + (cut + 1 if cut >= 0 else 0)
        if not text.rstrip().endswith(":"):
            return self._clause_paragraph(i, seg, base, cut >= 0)
        m = re.search(rf"(?P<sp>{SPEAKER})(?:,\s[^,\"“”]{{2,140}},)?\s+{ADVERB}?(?P<cue>{_ANY_CUE})\b[^\"“”]*:$", seg.rstrip())
        if m:
            return self._attribute(m.group("sp"), base + m.start("sp"), m.group("cue").lower(),
                                   "colon_paragraph", 0.9, i)
        last = re.split(r"(?<=[.!?])\s+", seg.strip())[-1]
        sm = self._subject(last)
        if sm and len(last) < 200 and classify(sm[0]) == "name":
            at = base + seg.index(last) + sm[1]
            return self._attribute(sm[0], at, None, "colon_paragraph_subject", 0.75, i)
        return None

    def _clause_paragraph(self, i: int, seg: str, base: int, after_quote: bool) -> Attribution | None:
        """'Howard continued his scathing remarks.' ending the paragraph before a paragraph
        that is only a quote: that sentence introduces it. Not after a quote's own clause
        ('...," he said.'), which is a continuation."""
        if i > 0 and self.quotes[i - 1].paragraph == self.quotes[i].paragraph:
            return None
        para = self.paras[self.quotes[i].paragraph]
        j, pos = i, para.start
        while j < len(self.quotes) and self.quotes[j].paragraph == self.quotes[i].paragraph:
            if self.body[pos : self.quotes[j].mark_start].strip(" \t\"“”'’‘.,"):
                return None
            pos, j = self.quotes[j].mark_end, j + 1
        if self.body[pos : para.end].strip(" \t\"“”'’‘.,"):
            return None  # the paragraph has words of its own outside its quotes
        seg = seg.rstrip()
        if not _ENDS_SENTENCE.search(seg[-8:]):
            return None
        tail = seg[-200:]
        m = _CLAUSE_BEFORE.search(tail)
        if not m or not m.group("sp1"):
            return None
        start = len(seg) - len(tail) + m.start()
        if after_quote and not re.search(r"[.!?]\s", seg[:start + 2]):
            return None
        cue = m.group("cue1").lower()
        if cue in _NAMING_CUES:
            return None
        at = base + len(seg) - len(tail) + m.start("sp1")
        return self._attribute(m.group("sp1"), at, cue, "clause_paragraph", 0.8, i)

    def sentence_subject(self, i: int) -> Attribution | None:
        """For partial quotes: the subject of the sentence's cue verb before the quote."""
        before, off = self._before(i)
        # Only the current sentence: cut at the last sentence end before the quote.
        cut = _last_sentence_end(before)
        seg_off = off + (cut + 2 if cut >= 0 else 0)
        seg = before[cut + 2 :] if cut >= 0 else before
        best = None
        for m in _SUBJECT_CUE.finditer(seg):
            best = m
        if not best:
            return None
        return self._attribute(best.group("sp"), seg_off + best.start("sp"),
                               best.group("cue").lower(), "sentence_subject", 0.85, i,
                               seg_off + best.end("cue"))
