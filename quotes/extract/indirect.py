"""Reported (indirect) speech: 'Dmitriev said he had discussed ...', 'according to X, ...'.

A sentence that attributes something to a source without quoting it word for word
becomes a quote of kind indirect. The stored text is the whole sentence (body[start:end]
== text), or, when one sentence holds several attributions ("X said A, and Y said B";
"X defended A, saying B"), the part of the sentence each one governs. The speaker is
resolved like a direct quote's: a name to the article's canonical name, "he"/"she" to
the most recent compatible person, a description ("the senator") through the article's
appositions; a group ("officials", "a new poll", "the White House") keeps its words as
speaker_text and has no speaker. Rules, each recorded in `method` (with a `_pronoun` or
`_nominal` suffix for the kind of speaker phrase):

- indirect_subject: a clause opens with the source and a reporting verb, and the
  reported content follows ("Dmitriev said he had ...", "but polls show ...",
  "The bridge, Porter said, will reopen").
- indirect_inverted: the attribution comes after the content ("Clinton leads in Ohio,
  the poll found.", "..., said Jane Porter.").
- indirect_relative: "Jane Porter, who said ...", "Republicans who say ...".
- indirect_participle / indirect_coordinate: "..., saying ...", "... and warned that ...",
  the speaker being the source of the attribution before, or the subject of the clause.
- indirect_according_to: "according to X" anywhere in the sentence.
- indirect_passive: "first reported by X", "as reported by X".
- indirect_colon: a headline-style "Name: content" for a person the article names.
- indirect_partial_quote: any of the above whose content also quotes words
  ("Clinton called half of Trump's supporters "deplorables.""); content that is (nearly)
  all inside quote marks is a direct quote and is left to the direct sieves.

Guards keep out what only looks like reported speech: "said nothing", questions ("Did
Porter say ...?"), passives ("was told to leave"), verbs read as nouns ("his claim that",
"the reported cost", "The Romney attack"), refusals to comment (claims, not quotes) and
"spoke from the steps".

The verbs come from quotes/data/reporting_verbs.txt, where each section says what has
to follow the verb. Regexes are compiled once; word lists become prefix-sharing
alternations so that trying them at every clause start stays cheap.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

from quotes.extract.dates import DATEISH, anchor_before, find_date, not_after, without_other_clauses
from quotes.extract.lexicon import alternation, word_trie
from quotes.extract.speakers import NAME, NOMINAL, PRONOUN, Resolver
from quotes.extract.text import Span
from quotes.model import Quote
from quotes import wordlists


@lru_cache(maxsize=None)
def reporting_verbs() -> dict[str, tuple[str, str]]:
    """Verb form -> (lemma, frame), from quotes/data/reporting_verbs.txt."""
    forms: dict[str, tuple[str, str]] = {}
    for frame, line in wordlists.sections("reporting_verbs.txt"):
        frame = frame or "speech"
        if frame == "intention":
            break  # what someone wants or means to do, unsaid, is no statement
        lemma, _, rest = line.partition(":")
        for form in rest.split():
            forms.setdefault(form.lower(), (lemma.strip(), frame))
    return forms


_LISTS = "indirect.txt"


def _alt(section: str, case: str | None = None) -> str:
    """A list of indirect.txt as a regex alternation, a space matching one space."""
    return alternation(_LISTS, section, space="[ ]", case=case)


_WEEKDAYS = alternation("calendar.txt", "weekday", case="capitalize")
_VERBS = reporting_verbs()
_CUE = word_trie(_VERBS)
_PARTICIPLES = word_trie(f for f, (_, frame) in _VERBS.items()
                     if f.endswith("ing") and frame in ("speech", "announcement", "object"))

# Words that open a sentence or clause but never a name ("In Iowa, ...", "But Trump").
_FUNCTION = word_trie(wordlists.lines(_LISTS, "function"))
_NOT_NAME = rf"(?!(?:{_FUNCTION})\b(?![.'’]))"
_NOT_NP = rf"(?!(?i:{_alt('not_np')})\b)"
# Bare and plural descriptions that are sources: "officials", "critics", "polls".
_HEAD_WORDS = wordlists.lines(_LISTS, "head")
# Bare and plural descriptions that are sources: "officials", "critics", "polls", and
# agent nouns in the plural ("forecasters", "economists").
_HEADS = (word_trie(_HEAD_WORDS)
          + rf"|[a-z][\w\-]*s(?<={_alt('agent_suffix')})(?=[ ,])")
_NUMBER = (rf"(?:(?:{_alt('number_modifier', 'either')})[ ])?"
           rf"(?:\d(?:[\d,.]*\d)?%?|{_alt('number', 'either')}|[a-z]+-(?:{_alt('fraction')}))"
           rf"(?:[ ]in[ ](?:{_alt('in_n')}|\d+)|[ ]percent|[ ]out[ ]of[ ](?:10|ten|\d+))?")
_DET = (rf"(?:{_alt('determiner', 'either')}|"
        rf"(?!(?:{_alt('not_possessor', 'capitalize')})['’]s)[A-Z][\w.\-]*(?:[ ][A-Z][\w.\-]*)?['’]s|" + _NUMBER + r")(?:[ ]of(?:"
        + "|".join("[ ]" + w for w in wordlists.lines(_LISTS, "of_determiner")) + r")?)?")
# A word inside a description: no verbs of being, relatives, conjunctions or prepositions.
_NOT_NP_WORD = "(?!(?:%s)\\b)" % word_trie(wordlists.lines(_LISTS, "not_np_word"))
_NP_MOD = _NOT_NP_WORD + r"(?![\w'’]+ing\b)[\w'’/\-.]+"
_NP_WORD = _NOT_NP_WORD + r"(?!(?:a|an|the|[\w'’]+(?:ed|ing))\b)[\w'’/\-.]+"
_QUANT = (rf"(?:{_alt('quantifier', 'either')}|" + _NUMBER + r")(?:[ ]of[ ](?:{m}[ ]){{0,4}}?{w})?"
          ).format(m=_NP_MOD, w=_NP_WORD)
_POST = (rf"(?:[ ](?:{_alt('post_preposition')}|{_alt('post_phrase')})"
         rf"[ ](?:{_NP_MOD}[ ]){{0,5}}?{_NP_WORD}(?=[ ,])){{0,2}}")
_EXTRA_NOMINAL = (
    rf"(?:{_DET}[ ])?(?:{_NP_MOD}[ ]){{0,4}}?"
    rf"(?:(?:{_alt('document_head')})[ ](?:{_alt('released')})[ ](?:{_NP_MOD}[ ]){{0,4}}?{_NP_WORD}"
    rf"|(?:{_HEADS})\b{_POST}(?:[ ]who[ ](?:[\w'’.\-]+[ ]){{1,8}}?[\w'’.\-]+(?=[ ]))?)"
    rf"|[Tt]hose[ ](?:{_alt('surveyed')})"
)
_GENERIC_NOMINAL = rf"{_DET}[ ](?:{_NP_MOD}[ ]){{0,3}}?(?=[a-z]){_NP_WORD}{_POST}"
_SUBJECT = (
    rf"(?:(?P<pro>{PRONOUN})\b(?!['’])"
    rf"|{_NOT_NP}(?P<nom>{NOMINAL}|{_EXTRA_NOMINAL}|{_QUANT}|(?P<generic>{_GENERIC_NOMINAL}))"
    rf"|(?P<name>(?:[Tt]he[ ])?{_NOT_NAME}{NAME})"
    rf"|(?P<pname>(?:(?:{alternation('function_words.txt', 'possessive', case='either')})[ ])?(?:[\w'’.\-]+[ ]){{1,5}}?{NAME}))"
)
# Between the source and its verb: "has long", "also", "did not", "on Tuesday".
_AUX_WORD = (rf"(?:{_alt('aux')}|"
             rf"n['’]t|\w+ly|(?:{_alt('time_before')})[ ](?:{_WEEKDAYS}|{_alt('time_noun')}))")
_AUX = rf"(?:{_AUX_WORD}[ ]){{0,4}}"
_APPOS = (r"(?P<appos>(?:,[ ][^,;]{2,140}?){1,3}?,['’”\"]*|[ ][—–-]{1,2}[ ][^—–;]{2,200}?[ ][—–-]{1,2}"
          r"|[ ]\([^)]{1,60}\))?")
# A clause starts at the sentence start, after a comma, colon or dash, after a
# conjunction or relative, or after a time ("last week"); a source is looked for there.
_BOUNDARY = re.compile(
    rf"(?:[,;:(]|[ ][—–-]{{1,2}})['’”\"]*[ ]+|(?<=[ ])(?:{_alt('boundary')})[ ]+"
    rf"|\b(?:{_WEEKDAYS}|{_alt('boundary_time')}|[12]\d{{3}})[ ]+"
    rf"|^(?i:{_alt('boundary_start')})[ ]+"
)
_SUBJECT_CUE = re.compile(rf"(?P<sp>{_SUBJECT}){_APPOS}[ ]+(?P<aux>{_AUX})(?P<cue>{_CUE})\b")
_SUBJECT_CUE_I = re.compile(rf"(?P<sp>{_SUBJECT}){_APPOS}[ ]+(?P<aux>{_AUX})(?P<cue>{_CUE})\b",
                            re.IGNORECASE)
# ", said Jane Porter." / ", says the report, ..."
_CUE_SUBJECT = re.compile(
    rf"(?P<cue>{_alt('inverted_cue')})"
    rf"[ ]+(?P<sp>{_SUBJECT})(?:[ ]and[ ](?:others|[^,.;]{{2,40}}?))?"
    rf"(?P<appos>(?:,[ ][^,]{{2,140}}?|[ ]who[ ][^,]{{2,140}}?)?)"
    rf"(?:[ ](?:{_alt('inverted_preposition')})[ ][^,.;]{{2,60}}?)?(?=[,.;]|$)"
)
_WHO = re.compile(rf"who[ ]+(?P<aux>{_AUX})(?P<cue>{_CUE})\b")
_PARTICIPLE = re.compile(rf"(?:(?:{_alt('before_participle')})[ ])?(?P<cue>{_PARTICIPLES})\b")
_COORDINATE = re.compile(rf"(?P<aux>{_AUX})(?P<cue>{_CUE})\b")
_ACCORDING = re.compile(rf"\b[Aa]ccording[ ]to[ ]+(?P<sp>(?P<sub>{_SUBJECT})|[^,;.]{{2,140}}?)(?=[,;.]|$)")
_COLON = re.compile(rf"(?P<sp>{_NOT_NAME}{NAME}|{_NOT_NP}(?:{NOMINAL}|{_EXTRA_NOMINAL})):[ ]+(?=\S)")
# Whoever does something in a clause: "Trump lashed out ...", the source of a later
# "..., saying ..." or "... and warned ...".
# A word that is a verb in the past or present tense: "voted", "says", "went".
_VERB_SHAPE = rf"[a-z]+(?:ed|s)|{_alt('irregular_verb')}"
_CLAUSE_SUBJECT = re.compile(
    rf"(?P<sp>{_SUBJECT})[ ]+(?:(?P<aux>(?:{_AUX_WORD}[ ]){{1,4}})[a-z]+|{_VERB_SHAPE})\b")

# After the verb: an object of "told" before the reported clause.
_TOLD_OBJECT = re.compile(
    r"[ ]+(?:[\w'’.\-]+[ ]){1,8}?(?=that[ ])"
    rf"|[ ]+(?:{_alt('told_object')}|the[ ][\w.\-]+(?:[ ][A-Z][\w.\-]+)*"
    r"|an?[ ][\w\-]+(?:[ ][\w\-]+)?|[A-Z][\w.\-]+(?:[ ][A-Z][\w.\-]+)*(?:['’][ ]?[A-Z][\w.\-]+)*)"
)
# Time, place and channel of the saying, which are not the content: "on Tuesday",
# "in a statement", "in an interview with CNN", "last week".
_ADVERBIAL = re.compile(
    rf"(?:[ ]+(?:{_alt('adverbial_preposition')})[ ](?:[\w'’.\-]+[ ]){{0,5}}?(?:{_WEEKDAYS}|"
    rf"{_alt('adverbial_noun')}|[A-Z][\w.\-]+)\b"
    rf"|[ ]+(?:{_WEEKDAYS}|{_alt('adverbial_day')})\b)+"
)
# A quote (or any clause) closed by a comma right before the attribution clause.
_AFTER_QUOTE = re.compile(r"[,?!—–][\"'”’]+[ ]*$|[\"'”’][ ]*[,—–][ ]*$")
_PREPOSITION = re.compile(rf"(?:{_alt('preposition')})\b")
# Verbs of plain saying: a prepositional phrase after them is the circumstance of the
# saying ("said at a town hall"), not what was said.
_PLAIN_SPEECH = wordlists.words(_LISTS, "plain_speech")
_LATE_THAT = re.compile(r"[^.;:]{0,80}?[ ,]that[ ]+")
_THAT = re.compile(r"[ ]*(?:[,:—–][ ]*)?(?:that[ ]+)?")
# Words before a mid-sentence attribution that are content, not a short introduction.
_MID_CONTENT = re.compile(
    rf"(?!(?:{_alt('mid_intro', 'capitalize')})\b)(?:[^,]*\s){{5}}")
# Where a sentence may be cut between two attributions: ", and", "; ", ", but", " — ".
_SPLIT = re.compile(rf"(?:[,;][\"'”’]*[ ]+(?:{_alt('split_conjunction')}|yet)?|[ ](?:{_alt('split_conjunction')})|[ ][—–-]{{1,2}})[ ]*$")
_QUESTION = re.compile(rf"(?:{_alt('question_start', 'capitalize')})\b")
# The look-ahead at the verbs' first letters changes no match; it fails fast elsewhere.
_CUE_WORD = re.compile(
    rf"(?<![\w'’])(?=[{''.join(sorted({v[0] for v in _VERBS}))}])(?:{_CUE})(?![\w'’])")
_CUE_WORD_I = re.compile(rf"(?<![\w'’])(?:{_CUE})(?![\w'’])", re.IGNORECASE)
# (?=[A-Z]) changes no match (every verb here starts with a capital); it fails fast at
# the lower-case letters that make up most of a sentence (a third of the time).
_CAPITAL_CUE = re.compile(rf"(?=[A-Z])\b(?:{word_trie(w[:1].upper() + w[1:] for w in _VERBS)})\b")
# (?<![\w'’])[A-Z] with the look-behind after the capital: the engine skips to the next
# capital in C (same matches).
_CAPITAL_WORD = re.compile(r"[A-Z](?<![\w'’].)")
_LEADING_THAT = re.compile(r"[\s,:—–-]*that\b")
_REST = re.compile(r"[ ]*(?:,|$)")
_APPOS_MARK = re.compile(r"[,—–(]")
_ALNUM = re.compile(r"[^\W_]")
_WORD = re.compile(r"[\w'’]+")
_BAD_CONTENT = re.compile(
    rf"(?:nothing|anything)\b|(?:{_alt('bad_content_end')})\W*$", re.IGNORECASE)
_GROUPS = wordlists.words(_LISTS, "group")
# A capitalised plural that names no one in the article is a group of people, not an
# entity: "Mediators said", "Ex-friends claimed", "The Israelis described".
_PLURAL_GROUP = re.compile(r"(?:The[ ])?[A-Z][a-z\-]{3,}(?:ors|ers|ists|ants|ents|ians|[a-z]is|ese|ees|nds)")
# Headline shorthand for a title: "PM says ...".
_TITLE_SHORT = {"PM": "the Prime Minister"}
# Verbs whose past tense is their base form: "it forecast" is past, not a noun.
_PAST_IS_BASE = frozenset({"forecast", "broadcast"})
_NOT_SPEAKER = wordlists.words(_LISTS, "not_speaker")
_BE = re.compile(rf"\b(?:{_alt('be')})\b")
_POSSESSIVE_END = re.compile(r"['’]s$")
_AND_BUT_END = re.compile(r"\b(?:and|but)$")
_PLURAL_END = re.compile(rf"(?:s|people|staff|police)\b(?:[ ](?:{_alt('post_preposition')})\b.*)?$")
# Frames whose verbs report a statement only with a "that" clause: "criticized the plan"
# and "believes the plan failed" name a stance, "criticized that ..." reports words.
_THAT_FRAMES = frozenset({"belief", "object", "announcement"})
_MIN_WORDS = {"speech": 2, "announcement": 2, "clause": 2, "belief": 2, "object": 1, "evidence": 2}
_TO_VERBS = wordlists.words(_LISTS, "to_verb")
_QUOTE_MARKS = "\"“”„‟«»'‘’"
_SUFFIX = {"name": "", "pronoun": "_pronoun", "nominal": "_nominal"}
# How much a rule's own shape adds to the speaker's confidence.
_RULE_CONFIDENCE = {"subject": 1.0, "inverted": 1.0, "according_to": 1.0, "relative": 0.9,
                    "participle": 0.9, "coordinate": 0.9, "passive": 0.85, "colon": 0.8}


@dataclass
class _Hit:
    rule: str
    sp: str | None  # the speaker phrase; None: inherited from the hit before
    sp_at: int  # offset in the sentence
    kind: str  # name, pronoun, nominal
    cue: str
    clause: int  # where the attribution's clause starts
    content: tuple[int, int]  # what is reported, in sentence offsets
    end: int = 0  # where the attribution (source and verb) ends


def _mask(text: str, offset: int, quoted: list[tuple[int, int]]) -> str:
    """The sentence with the letters and digits of quoted words replaced by 'q', offsets
    kept, so that no rule reads a name or a verb inside a quote."""
    parts, pos = [], 0
    for qs, qe in quoted:
        a, b = max(qs - offset, pos), min(qe, offset + len(text)) - offset
        if b > a:
            parts += [text[pos:a], _ALNUM.sub("q", text[a:b])]
            pos = b
    return "".join(parts) + text[pos:]


def _quoted_share(text: str, start: int, end: int, offset: int,
                  quoted: list[tuple[int, int]], skip: tuple[int, int] = (0, 0)) -> float:
    """Share of the non-space characters of text[start:end] (less the skip span) inside
    quote marks (the marks included); a leading 'that' is not counted."""
    m = _LEADING_THAT.match(text, start, end)
    if m:
        start = m.end()
    total = _solid(text[start:end]) - _solid(text[skip[0] : skip[1]])
    if not total:
        return 0.0
    inside = 0
    a, b = offset + start, offset + end
    first = max(0, bisect.bisect_left(quoted, (a,)) - 1)
    for qs, qe in quoted[first:]:
        if qs >= b:
            break
        s, e = max(qs, a), min(qe, b)
        if e <= s:
            continue
        while s > a and text[s - 1 - offset] in _QUOTE_MARKS + " ":
            s -= 1
        while e < b and text[e - offset] in _QUOTE_MARKS + " ":
            e += 1
        inside += _solid(text[s - offset : e - offset])
    return inside / total


def _solid(text: str) -> int:
    """The number of non-space characters."""
    return len("".join(text.split()))


def _ahead(masked: str, start: int, end: int) -> str:
    """The first words of the content: enough for every test on it, and bounded, so that
    a sentence of a thousand clauses costs no more than a thousand sentences."""
    return masked[start : min(end, start + 300)]


@lru_cache(maxsize=1024)
def _words(text: str) -> int:
    """The number of words (cached: the rules count the same content several times)."""
    return len(_WORD.findall(text))


def _is_title(text: str) -> bool:
    """A headline: most words capitalised."""
    words = text.count(" ") + 1
    return words >= 4 and len(_CAPITAL_WORD.findall(text)) >= 0.7 * words


# Verb forms that are as often nouns ("his claims", "the attack"): after a description
# that is no source noun they are read as nouns.
_NOUNISH = wordlists.words(_LISTS, "nounish")
# A cue form that is a noun in a subject ("TNO's report said"): not the subject's verb.
_NOUN_CUE_AT = re.compile(rf"(?:{'|'.join(sorted(_NOUNISH, key=len, reverse=True))})\b")
# Lower-case words that cannot stand before a name in a speaker phrase ("Cruz
# spokeswoman Catherine Frazier" but not "referencing a super PAC"): verbs, relatives,
# prepositions.
_BAD_PREFIX = re.compile(
    rf"(?!(?:{_alt('title_modifier')})$)(?:[\w'’]+(?:ed|ing)|{_alt('bad_prefix')})")


# No comment is a claim (claims.py), not reported speech: "declined to comment", "did not
# respond to requests for comment", "had not commented".
_NEGATION = re.compile(r"\b(?:not|never|n['’]t)\b")
_NO_COMMENT_VERBS = wordlists.words(_LISTS, "no_comment_verb")
_NO_COMMENT = re.compile(
    rf"(?:to[ ]|on[ ]|for[ ])?(?:{_alt('no_comment_object')}|to[ ](?:{_alt('no_comment_to')}))")
# Institutions speak as themselves; resolving them through an apposition ("White House
# spokesman Josh Earnest") would put words in a person's mouth.
_INSTITUTION = re.compile(rf"(?i:\b{_alt('institution')})$")
_POSSESSIVE = re.compile(rf"(?:{alternation('function_words.txt', 'possessive', case='either')}|{_alt('possessive_more', 'either')}|[\w.\-]+['’]s?)[ ]")
_NOUN_AFTER = re.compile(rf"[ ]*(?:$|[,.;:)]|(?:{_alt('noun_after')})\b)")
_NAMING = wordlists.words(_LISTS, "naming")
_NOT_A_VERB = re.compile(r"(?<=compared)[ ]+(?:with|to)\b|(?<=pledged)[ ]+(?:super)?delegates\b")
# What polls, reports and studies are: subjects that "show" or "find" without "that".
_DOCUMENT = re.compile(
    rf"(?i:{_alt('document')})\b")
# Before a base form ("say", "attack") a singular subject needs one of these.
_MODAL = re.compile(rf"\b(?:{_alt('modal')}|n['’]t|to)\b")
_PLURAL_NOUNS = wordlists.words(_LISTS, "plural_noun")
_NOMINAL_RE = re.compile(rf"(?:{_EXTRA_NOMINAL}|{_QUANT}|{_GENERIC_NOMINAL})")
# A final period that belongs to the name: "Donald J.", "Jr.".
_ABBREVIATION = re.compile(rf"(?:\b[A-Z]|\b(?:{_alt('abbr')}))\.$")
_FUNCTION_RE = re.compile(rf"(?:{_FUNCTION})")
# An apposition holding a quote or a finite verb is a clause, unless it is a relative.
_BAD_APPOS = re.compile(
    r"^(?![ ,—–-]*(?:who|whose|which)\b)(?:.*(?:[\"“”]|'')"
    rf"|(?!.*\b(?:{_alt('relative')})\b).*\b(?:{_alt('finite')})\b)")
_APPOS_NAME = re.compile(
    rf",[ ](?:[\w'’.\-]+[ ]){{0,5}}?(?P<n>{_NOT_NAME}[A-Z][\w'’.\-]+(?:[ ][A-Z][\w'’.\-]+)+),['’”\"]*")
_PASSIVE_BY = re.compile(
    r"\b(?:" + "|".join(w + "[ ]" for w in wordlists.lines(_LISTS, "passive_adverb")) + ")?"
    rf"(?P<cue>{_alt('passive_cue')})[ ]by[ ]"
    rf"(?P<sp>{_SUBJECT})(?=[ ,.;:)]|$)")
_ANTECEDENT = re.compile(
    rf"(?:^|[,;:]\s|\s)(?P<sp>{NAME}|{NOMINAL}|{_DET}[ ](?:{_NP_MOD}[ ]){{0,3}}?(?:{_HEADS})"
    rf"|(?:[A-Z][\w'’\-]+[ ])?(?:{_HEADS}))$")


class _Finder:
    def __init__(self, body: str, paras: list[Span], quoted: list[tuple[int, int]],
                 resolver: Resolver, published: str | None):
        self.body = body
        self.paras = paras
        self.quoted = sorted(quoted)
        self.quote_starts = [qs for qs, _ in self.quoted]
        self.r = resolver
        self.published = published

    # -- one sentence ------------------------------------------------------------------
    def sentence(self, pi: int, s: Span) -> list[Quote]:
        text = self.body[s.start : s.end]
        i = max(0, bisect.bisect_left(self.quote_starts, s.start) - 1)
        j = bisect.bisect_left(self.quote_starts, s.end)
        quoted = [(qs, qe) for qs, qe in self.quoted[i:j] if qe > s.start]
        masked = _mask(text, s.start, quoted) if quoted else text
        masked = masked.replace("\xa0", " ")
        kept: list[tuple[_Hit, str, tuple]] = []
        last: tuple | None = None  # (speaker phrase, resolved speaker) of the hit before
        hits = self._hits(masked)
        for k, h in enumerate(hits):
            who = self._source(h, last, masked, s.start, pi)
            if who is None:
                continue
            last = (h.sp, who)
            share = 0.0
            if quoted:
                # The content, as far as the attributions before and after it.
                lo = hits[k - 1].clause if k else 0
                hi = hits[k + 1].clause if k + 1 < len(hits) else len(text)
                a, b = max(h.content[0], lo), min(h.content[1], hi)
                share = _quoted_share(text, a, b, s.start, quoted) if b > a else 0.0
                if share >= 0.9 and h.clause > 0 and h.content[0] > h.clause \
                        and _MID_CONTENT.match(masked, lo, min(h.clause, lo + 300)):
                    # "While ..., he said, ''...''": the content runs on both sides.
                    share = min(share, _quoted_share(text, lo, b, s.start, quoted,
                                                     skip=(max(lo, h.clause), h.content[0])))
            if share >= 0.9:
                continue  # a direct quote: the direct sieves have it
            if kept and h.content[1] <= h.clause:
                # "Americans oppose X, a new poll finds": a parenthetical attribution
                # governs what comes before it, an earlier clause included.
                if h.rule not in ("inverted", "according_to") or any(
                        earlier.rule not in ("subject", "coordinate") for earlier, _, _ in kept):
                    continue
                kept = []
            if kept and h.rule not in ("participle", "coordinate") \
                    and not _SPLIT.search(masked, max(0, h.clause - 16), h.clause):
                continue  # inside the content of the one before ("said that X argued ...")
            kept.append((h, "partial_quote" if share > 0 else h.rule, who))
        # One record per attribution, each over the part of the sentence it governs.
        cuts = [0] + [h.clause for h, _, _ in kept[1:]] + [len(text)]
        out: list[Quote] = []
        for i, (h, rule, (name, kind, conf)) in enumerate(kept):
            a, b = _trim(text, cuts[i], cuts[i + 1])
            if b <= a:
                continue
            said_on, date_text = self._said_on(masked, h, s.start, pi, cuts[i])

            out.append(Quote(
                text=text[a:b], kind="indirect", start=s.start + a, end=s.start + b,
                paragraph=pi, speaker=name, speaker_text=h.sp, cue=h.cue, said_on=said_on,
                date_text=date_text, method=f"indirect_{rule}{_SUFFIX[kind]}",
                confidence=round(conf * _RULE_CONFIDENCE[h.rule], 3),
            ))
        return out

    def _said_on(self, masked: str, h: _Hit, offset: int, pi: int,
                 lo: int) -> tuple[str | None, str | None]:
        """The date of the attribution: in the clause from the speaker to the content ('he
        indicated Saturday that'), else in what opens the sentence before the speaker ('On
        Tuesday, X said', 'In its final report on Thursday, the institute revealed'); never
        in the content, in quoted words, or in a clause about something else ('which was
        founded in 1985'), never after publication. Else the publication date, no date_text."""
        head = masked[h.sp_at : h.content[0] if h.content[0] > h.sp_at else h.sp_at + 200]
        opening = masked[lo : h.sp_at] if h.content[0] > h.sp_at else ""  # this clause's only
        pub = self.published
        if DATEISH.search(head) or DATEISH.search(opening):
            before = self.paras[pi - 1].start if pi else self.paras[pi].start
            anchor = lambda: anchor_before(self.body[before:offset], pub)
            for part, last in ((head, False), (opening, True)):
                iso, text = find_date(without_other_clauses(part), pub, anchor, last=last)
                iso = not_after(iso, pub)
                if iso:
                    return iso, text
        return (pub[:10] if pub else None), None

    def _source(self, h: _Hit, last: tuple | None, masked: str, offset: int, pi: int):
        """(canonical name or None, kind, confidence) of the hit's source, or None when
        there is none; "..., saying ..." takes the source of the attribution before it,
        or else the subject of the clause it hangs on."""
        if h.sp and h.sp.endswith(".") and not _ABBREVIATION.search(h.sp):
            h.sp = h.sp[:-1]  # "according to Jane Porter."
        if h.sp is None:
            if last is not None:
                h.sp, h.kind = last[0], last[1][1]
                return last[1]
            m = _clause_subject(masked, h.clause)
            if m is None:
                return None
            h.sp, h.sp_at, h.kind = m.group("sp"), m.start("sp"), _kind_of(m)
        if h.rule == "colon":
            # "Sanders: Win in a walk." only for a person the article names.
            p = self.r.names.lookup(h.sp, offset)
            return (p.name, "name", 0.75) if p and p.kind == "person" else None
        return self._speaker(h.sp, h.kind, offset + h.sp_at, pi)

    # -- rules -------------------------------------------------------------------------
    def _hits(self, masked: str) -> list[_Hit]:
        if _QUESTION.match(masked) and masked.rstrip(" \"'”’").endswith("?"):
            return []  # "Did Porter say the bridge would reopen?" reports nothing
        # Where the reporting verbs are: no rule applies far from one. A headline ("Trump
        # Says ...") has them capitalised.
        title = _is_title(masked) and bool(_CAPITAL_CUE.search(masked))  # the cheaper test first
        cues = [m.start() for m in (_CUE_WORD_I if title else _CUE_WORD).finditer(masked)]
        hits: list[_Hit] = []
        if cues:
            self._clause_hits(masked, cues, title, hits)
        if "ccording" in masked:
            self._according(masked, hits)
        if " by " in masked:
            self._passive(masked, hits)
        if not hits and ":" in masked:
            m = _COLON.match(masked)
            if m and _words(masked[m.end() :]) >= 3:
                sp = m.group("sp")
                hits.append(_Hit("colon", sp, 0, "nominal" if _is_nominal(sp) else "name", ":",
                                 0, (m.end(), len(masked))))
        return hits

    def _clause_hits(self, masked: str, cues: list[int], title: bool, hits: list[_Hit]) -> None:
        """The attributions that open a clause, in order."""
        n = len(masked.rstrip(" .!?\"'”’"))
        # The matches do not overlap and are never empty: their ends come in order, after 0.
        starts = [0, *(m.end() for m in _BOUNDARY.finditer(masked, 0, cues[-1]))]
        busy = -1  # the end of the last attribution clause: no new one starts before it
        for b in starts:
            if b < busy or b >= n:
                continue
            i = bisect.bisect_left(cues, b)
            if i == len(cues):
                continue
            h = self._subject_hit(masked, cues, i, b, n, title)
            if h is None and b and cues[i] - b <= 40:  # the verb opens the clause
                h = self._verb_first_hit(masked, b, n)
            if h is not None:
                hits.append(h)
                busy = max(h.content[0], h.end)

    def _subject_hit(self, masked: str, cues: list[int], i: int, b: int, n: int,
                     title: bool) -> _Hit | None:
        """A clause at b that opens with its subject, the verb of saying not far after."""
        nxt = cues[i]
        # The source's own verb is after its first word ("estimates show" has two) and
        # not far, unless an apposition stretches the phrase.
        verb = cues[i + 1] if nxt == b and i + 1 < len(cues) else nxt
        if not (verb > b and (verb - b <= 90 or verb - b <= 160 and _APPOS_MARK.search(masked, b, verb))):
            return None
        subj_re = _SUBJECT_CUE_I if title else _SUBJECT_CUE
        m = subj_re.match(masked, b)
        if m:
            # "Mr Blair acknowledged some people believed ...": the first verb of
            # saying in the subject is the clause's own.
            inner = [c for c in cues[i:] if m.start("sp") < c < m.start("cue")
                     and masked[c].islower() and not _NOUN_CUE_AT.match(masked, c)]
            if inner:
                end = _CUE_WORD.match(masked, inner[0])
                m2 = subj_re.match(masked, b, end.end()) if end else None
                m = m2 or m
        if m and (m.group("cue").islower() or title and m.group("cue").lower() not in _NOUNISH):
            return self._subject_rule(masked, m, b, n)
        return None

    def _verb_first_hit(self, masked: str, b: int, n: int) -> _Hit | None:
        """A clause at b that opens with its verb: ', said Jane Porter', ', who said',
        ', saying', 'and argued that'."""
        before = masked[max(0, b - 40) : b].rstrip()
        h = None
        if before.rstrip("'’”\" ")[-1:] in ",—–":
            h = self._cue_subject_rule(masked, b, n)
        if h is None and before.endswith(","):
            h = self._who_rule(masked, b, n) or self._verb_rule(masked, b, n, _PARTICIPLE)
        if h is None and before.endswith(" who"):
            h = self._who_rule(masked, b, n, restrictive=True)
        if h is None and before.endswith(("and", "but")) and _AND_BUT_END.search(before):
            h = self._verb_rule(masked, b, n, _COORDINATE)
        return h

    def _according(self, masked: str, hits: list[_Hit]) -> None:
        m = _ACCORDING.search(masked)
        if m and not any(h.clause <= m.start() < max(h.content[0], h.clause + 1) for h in hits):
            before, after = masked[: m.start()], masked[m.end() :]
            if _words(before) + _words(after) >= 3:
                content = (0, m.start()) if _words(before) >= 3 else (m.end(), len(masked))
                sp = m.group("sp").strip()
                kind = _kind_of(m) if m.group("sub") else ("nominal" if _is_nominal(sp) else "name")
                hits.append(_Hit("according_to", sp, m.start("sp"), kind, "according to",
                                 m.start(), content))
                hits.sort(key=lambda h: h.clause)

    def _passive(self, masked: str, hits: list[_Hit]) -> None:
        """'a fact first reported by Christopher Heath', 'As reported by X, ...'."""
        m = _PASSIVE_BY.search(masked)
        if m and _valid_subject(m) and not any(
                h.clause <= m.start() < max(h.content[0], h.clause + 1) for h in hits):
            if _words(masked) - _words(m.group(0)) >= 3:
                hits.append(_Hit("passive", m.group("sp"), m.start("sp"), _kind_of(m),
                                 m.group("cue").lower(), m.start(), (0, len(masked))))
                hits.sort(key=lambda h: h.clause)

    def _subject_rule(self, masked: str, m: re.Match, b: int, n: int) -> _Hit | None:
        """'Jane Porter said the bridge would reopen', or after the content '..., Trump
        said.': a subject and its verb of saying, when the verb is one."""
        cue = m.group("cue").lower()
        lemma, frame = _VERBS[cue]
        if not _is_saying(masked, m, b, cue, lemma):
            return None
        cstart = self._complement(masked, m.end(), lemma)
        if cstart is None:
            return None
        content = _ahead(masked, cstart, n)
        sp = m.group("sp")
        after_quote = bool(b and _AFTER_QUOTE.search(masked, max(0, b - 8), b))
        prep = lemma in _PLAIN_SPEECH and bool(_PREPOSITION.match(content))
        if prep and not after_quote:
            # "said in an interview with CNN on Tuesday that ...": the content is after "that".
            t = _LATE_THAT.match(masked, cstart)
            if t:
                cstart, content = t.end(), _ahead(masked, t.end(), n)
                prep = False
        if not after_quote and not prep and _content_ok(lemma, frame, m.group("aux"), content):
            if frame == "evidence" and not (_DOCUMENT.search(sp) or "that" in masked[m.end():cstart]):
                return None
            if frame in _THAT_FRAMES and not _reports_clause(masked, m.end(), cstart, frame):
                return None  # "he expects the loss to be offset": a state of mind
            return self._named(m, _Hit("subject", sp, m.start("sp"), _kind_of(m), cue, b,
                                       (cstart, len(masked)), m.end()))
        if _inverted(masked, m, b, frame, after_quote or prep or _words(content) <= 8):
            # "..., Trump said." / "..., the poll found Tuesday."
            return self._named(m, _Hit("inverted", sp, m.start("sp"), _kind_of(m), cue, b, (0, b),
                                       m.end()))
        return None

    @staticmethod
    def _named(m: re.Match, h: _Hit) -> _Hit:
        """'One superdelegate, Alabama party chairwoman Nancy Worley, pledged ...': the
        name in the apposition is the source."""
        appos = m.group("appos")
        if h.kind == "nominal" and appos:
            a = _APPOS_NAME.fullmatch(appos)
            if a and not any(w[:1].islower() and _BAD_PREFIX.fullmatch(w) for w in a.group(0).split()):
                h.sp, h.sp_at, h.kind = a.group("n"), m.start("appos") + a.start("n"), "name"
        return h

    @staticmethod
    def _complement(masked: str, pos: int, lemma: str) -> int | None:
        """Where the reported content starts after the verb ending at pos: past the
        object of "told", the time and channel ("on Tuesday", "in a statement"), "that"."""
        if lemma == "tell":
            o = _TOLD_OBJECT.match(masked, pos)
            if not o:
                return None
            pos = o.end()
        a = _ADVERBIAL.match(masked, pos)
        if a:
            pos = a.end()
        return _THAT.match(masked, pos).end()

    def _cue_subject_rule(self, masked: str, b: int, n: int) -> _Hit | None:
        """', said Jane Porter.' and ', says the report, ...' after the content."""
        m = _CUE_SUBJECT.match(masked, b)
        if not m or _words(masked[max(0, b - 60) : b]) < 3 or not _valid_subject(m):
            return None
        if not _REST.match(masked, m.end(), n):
            return None  # the sentence ends, or goes on after a comma
        return _Hit("inverted", m.group("sp"), m.start("sp"), _kind_of(m),
                    m.group("cue").lower(), b, (0, b), m.end())

    def _who_rule(self, masked: str, b: int, n: int, restrictive: bool = False) -> _Hit | None:
        """'Labor Secretary Thomas Perez, who said he expects ...', 'Republicans who say
        ...': the source is the phrase before the relative."""
        m = (_COORDINATE if restrictive else _WHO).match(masked, b)
        if not m or _BE.search(m.group("aux")):
            return None
        cue = m.group("cue").lower()
        lemma, frame = _VERBS[cue]
        cstart = self._complement(masked, m.end(), lemma)
        if cstart is None or not _content_ok(lemma, frame, m.group("aux"), _ahead(masked, cstart, n)):
            return None
        if frame in _THAT_FRAMES and not _reports_clause(masked, m.end(), cstart, frame):
            return None
        lo = max(0, b - 120)
        head = masked[lo:b]
        head = head[: -4] if restrictive else head
        sm = _ANTECEDENT.search(head.rstrip(" ,"))
        if not sm:
            return None
        sp = sm.group("sp")
        if frame == "evidence" and not (_DOCUMENT.search(sp) or "that" in masked[m.end():cstart]):
            return None  # "women who do find child care": finding, not reporting
        return _Hit("relative", sp, lo + sm.start("sp"),
                    "nominal" if _is_nominal(sp) else "name", cue, b, (cstart, len(masked)))

    def _verb_rule(self, masked: str, b: int, n: int, pattern: re.Pattern) -> _Hit | None:
        """'..., saying she ...', '... and argued that ...': the speaker is inherited."""
        m = pattern.match(masked, b)
        if not m or _BE.search(m.group(0)):
            return None
        cue = m.group("cue").lower()
        lemma, frame = _VERBS[cue]
        cstart = self._complement(masked, m.end(), lemma)
        if cstart is None:
            return None
        if not _content_ok(lemma, frame, m.group(0), _ahead(masked, cstart, n)):
            return None
        rule = "participle" if pattern is _PARTICIPLE else "coordinate"
        if (frame in _THAT_FRAMES or rule == "coordinate" and lemma not in _PLAIN_SPEECH) and \
                not _reports_clause(masked, m.end(), cstart, frame if frame in _THAT_FRAMES else "object"):
            return None  # "... and alleged secret police stations": an adjective, no clause
        return _Hit(rule, None, b, "name", cue, b, (cstart, len(masked)))

    # -- speakers ----------------------------------------------------------------------
    def _speaker(self, sp: str, kind: str, at: int, pi: int):
        """(canonical name or None, kind, confidence) for a speaker phrase, or None when
        the phrase cannot be a source."""
        t = sp.strip()
        words = t.split()
        if not words:
            return None
        low = words[0].lower()
        if kind == "pronoun":
            if low in ("he", "she"):
                window = self.paras[max(0, pi - 4)].start
                p = self.r.resolve_pronoun(t, at, self.paras[pi].start, window)
                return (p.name if p else None), "pronoun", 0.6
            return None, "pronoun", 0.4
        if low in _NOT_SPEAKER:
            return None
        if len(words) <= 2 and words[-1] in _TITLE_SHORT:  # "PM suggests ...": the Prime Minister
            p = self.r.resolve_nominal(_TITLE_SHORT[words[-1]])
            return (p.name if p else None), "nominal", 0.55
        if _INSTITUTION.search(t):
            return None, "nominal", 0.55  # "the White House", "the Clinton campaign"
        if kind == "nominal" or words[-1].lower() in _GROUPS or (
                _PLURAL_GROUP.fullmatch(t) and self.r.names.lookup(t, at) is None):
            # A plural ("experts", "Clinton aides") is a group, never one person.
            plural = _PLURAL_END.search(t)
            p = None if plural else self.r.resolve_nominal(t)
            return (p.name if p else None), "nominal", 0.55
        p = self.r.resolve_name(t, at)
        if p is None:
            if low == "the" and len(words) > 1:
                # "The Prime Minister suggested ...": a title, resolved as a description
                p = self.r.resolve_nominal(t)
                return (p.name if p else None), "nominal", 0.55
            return None
        return p.name, "name", 0.75


# A finite verb near the start of the content: "criticized that the plan was ..." or
# "described the fine as unfair"; not inside a relative clause ("a donor who was").
# How many words after the verb its own clause must show a finite verb within.
_CLAUSE_REACH = 10
_FINITE = re.compile(rf"(?<!who )(?<!which )(?<!that )\b(?:{_alt('finite_verb')})\b|\bas[ ](?!well\b|part\b)\w")
# A clause opened inside the object ("expressed views about whether it was", "commented
# on the fact that the LDP is"): a finite verb after it is not the reported clause's.
# "pointed out that": a particle or an adverb before the "that" clause.
_LATE_THAT_CLAUSE = re.compile(rf"(?:(?:{_alt('particle')}|[a-z]+ly)[ ]){{1,2}}that[ ]")
_NOT_A_SUBJECT_END = wordlists.words(_LISTS, "not_subject_end")
_QUANTITY = re.compile(rf"\d|\b(?i:{_alt('quantity')})\b")
_POSSESSIVES = frozenset(w.capitalize() for w in wordlists.lines("function_words.txt", "possessive"))
_INDEFINITE_FIRST = wordlists.words(_LISTS, "indefinite_first")
_EMBEDDED = re.compile(rf"\b(?:{_alt('embedded')})\b")
_TALK_ABOUT = re.compile(rf"(?:{_alt('talk_about')}|to[ ]\w+[ ]about)\b")


def _reports_clause(masked: str, verb_end: int, cstart: int, frame: str) -> bool:
    """Whether a belief or object verb reports words: a "that" clause, or for object
    verbs a clause of its own within its first words ("described the fine as unfair",
    "criticised the plan, which was ..." is no clause)."""
    if "that" in masked[verb_end:cstart]:
        return True
    if frame == "belief":
        return False
    head = " ".join(masked[cstart : cstart + 100].split(",")[0].split()[:_CLAUSE_REACH])
    if _LATE_THAT_CLAUSE.match(head):
        return True
    f = _FINITE.search(head)
    if f:
        return not _EMBEDDED.search(head, 0, f.start())
    # A past-tense verb after its subject: "confirmed the commissioner declined to ...",
    # not an adjective after a determiner ("announced the planned closure").
    words = head.split()
    if not words or _EMBEDDED.fullmatch(words[0]) or words[0].endswith("ed"):
        return False  # "how attitudes have changed", "directed and starred in"
    for k in range(1, len(words)):
        w = words[k]
        if _EMBEDDED.fullmatch(w):
            return False
        if w.endswith("ed") and len(w) > 4 and w.islower() and words[k - 1].lower() not in _NOT_A_SUBJECT_END:
            return True
    return False


def _is_saying(masked: str, m: re.Match, b: int, cue: str, lemma: str) -> bool:
    """Whether the cue after a subject is a verb of saying here, not a noun or a passive."""
    if not _valid_subject(m) or _BE.search(m.group("aux")) and not cue.endswith("ing"):
        return False  # "was told to leave" is no saying; "is saying" is
    if m.group("generic") and (cue in _NOUNISH or cue.endswith("ing")) and (
            _POSSESSIVE.match(m.group("sp")) or _NOUN_AFTER.match(masked, m.end())):
        return False  # "his recent claim that ...", "the mere mention of": nouns
    if cue in _NAMING and re.search(r"\b(?:a|an)(?:[ ][\w'’\-]+){0,2}$", m.group("sp")):
        return False  # "a new group called Black Votes Matter"
    if _NOT_A_VERB.match(masked, m.end()):
        return False  # "tame compared with", "20 pledged delegates"
    if cue == lemma and cue not in _PAST_IS_BASE and _singular(m) and not _MODAL.search(m.group("aux")) \
            and not masked.endswith(("and ", "or ", "nor "), 0, b):
        return False  # "The Romney attack hit Trump": a noun, not a verb
    return True


def _inverted(masked: str, m: re.Match, b: int, frame: str, short_or_framed: bool) -> bool:
    """Whether a subject and verb after the content attribute it ('..., Trump said.'):
    a verb of speech or evidence, not negated, after a clause ending in a comma, dash or
    quote, when what follows the verb is short or only frames it."""
    return (frame in ("speech", "announcement", "evidence") and bool(b)
            and not _NEGATION.search(m.group("aux"))
            and _words(masked[max(0, b - 60) : b]) >= 3
            and masked[max(0, b - 8) : b].rstrip()[-1:] in ",—–\"'”’"
            and short_or_framed)


def _content_ok(lemma: str, frame: str, aux: str, content: str) -> bool:
    """Whether what follows the verb is reported content: long enough for the verb's
    frame, not "nothing" or "so", "to" after "wants", and no refusal to comment
    ("declined to comment", "did not respond to requests"), which is a claim."""
    if _words(content) < _MIN_WORDS[frame] or _BAD_CONTENT.match(content):
        return False
    if lemma in _TO_VERBS and not re.match(r"(?:to|that)\b", content):
        return False
    if lemma in ("talk", "speak") and (
            not _TALK_ABOUT.match(content)
            or re.match(r"on[ ](?:the[ ])?(?:condition|background)\b", content)):
        return False
    if lemma == "compare" and re.match(r"(?:with|to)\b", content):
        return False
    if _NEGATION.search(aux):
        return False  # "did not deny", "has not claimed": nothing was said
    if lemma in _NO_COMMENT_VERBS and _NO_COMMENT.match(content):
        return False
    if lemma in ("decline", "refuse") and _NO_COMMENT.match(content):
        return False
    return True


def _singular(m: re.Match) -> bool:
    """Whether a subject takes "says", not "say": "he", "Trump", "the report"."""
    sp = m.group("sp")
    if m.group("pro"):
        return sp.lower() in ("he", "she", "it")
    words = sp.split()
    if " and " in sp or words[-1].lower().endswith("s") or words[-1].lower() in _PLURAL_NOUNS:
        return False
    return not (m.group("nom") and _QUANTITY.search(sp))


def _clause_subject(masked: str, end: int) -> re.Match | None:
    """The subject of the last clause that starts before `end` and has one (of the last
    dozen clauses: the look-back is bounded)."""
    lo = max(0, end - 600)
    starts = ([0] if lo == 0 else []) + [m.end() for m in _BOUNDARY.finditer(masked, lo, end)]
    for b in reversed(starts[-12:]):
        m = _CLAUSE_SUBJECT.match(masked, b, end)
        if m and _valid_subject(m) and not m.group("generic") \
                and not _BE.search(m.group("aux") or ""):
            return m
    return None


def _kind_of(m: re.Match) -> str:
    if m.group("pro"):
        return "pronoun"
    sp = m.group("sp")
    if m.group("nom") or sp[:1].isupper() and _NOMINAL_RE.fullmatch(sp[:1].lower() + sp[1:]):
        return "nominal"  # "Officials said": a description, capitalised at a sentence start
    return "name"


_ENDS_COORDINATED = re.compile(r"[ ](?:and|or|but)$")


def _valid_subject(m: re.Match) -> bool:
    """No possessive ("Trump's"); before a name only title and role words ("Cruz
    spokeswoman Catherine Frazier", not "referencing a super PAC" or "But Democrats"); an
    apposition that is no clause ("Trump, the nominee, said", not "The party, ..., "allows
    us ...," said Coleman")."""
    sp = m.group("sp")
    if _POSSESSIVE_END.search(sp) or _ENDS_COORDINATED.search(sp):
        return False  # "The committee sent a letter to the mayor and": a clause, no subject
    if m.group("pname"):
        words = sp.split()
        if _FUNCTION_RE.fullmatch(words[0]) and words[0] not in _POSSESSIVES:
            return False
        if any(w[:1].islower() and _BAD_PREFIX.fullmatch(w) for w in words):
            return False
    appos = m.group("appos") if "appos" in m.re.groupindex else None  # no groupdict() built
    if appos and _BAD_APPOS.search(appos):
        return False
    return True


def _is_nominal(t: str) -> bool:
    words = t.split()
    first = words[0]
    if first.lower() in ("the", "a", "an") and len(words) > 1 and all(
            w[:1].isupper() for w in words[1:]) and words[-1].lower() not in _GROUPS:
        return False  # "The New York Times"
    if words[-1].lower() in _GROUPS:
        return True
    if not first[:1].isupper() or first.lower() in _INDEFINITE_FIRST:
        return True
    if first[:1].isdigit() or _POSSESSIVE_END.search(first):
        return True
    return words[-1][:1].islower()


_DANGLING = re.compile(rf"(?:\s|^)(?:{_alt('dangling')})$")
_DANGLING_ENDS = (*wordlists.lines(_LISTS, "dangling"), "\n")


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    """Drop white space, joining punctuation and a dangling conjunction at the ends."""
    while True:
        a0, b0 = a, b
        while a < b and text[a] in " ,;:—–-":
            a += 1
        while b > a and text[b - 1] in " ,;:—–-(":
            b -= 1
        # The pattern ends with one of these words ($ may also stand before a final
        # newline): a cheap test first.
        m = _DANGLING.search(text[a:b]) if text.endswith(_DANGLING_ENDS, a, b) else None
        if m and text[a : a + m.start()].strip():
            b = a + m.start()
        if (a, b) == (a0, b0):
            return a, b


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
