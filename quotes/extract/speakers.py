"""Speaker phrases next to cue verbs, and what they refer to.

A speaker phrase is a name ("Sen. Lindsey Graham (R-SC)"), a pronoun ("he") or a
role noun phrase ("the head of Russia's Direct Investment Fund", "a senior
official"). Resolution turns it into a canonical in-article name, or None when the
source is anonymous: better no speaker than a wrong one.
"""
from __future__ import annotations

import bisect
import itertools
import re
from functools import lru_cache

from quotes import wordlists
from quotes.extract import lexicon
from quotes.extract.lexicon import alternation
from quotes.extract.names import (
    ArticleNames, Mention, Person, first_name_gender, fold, honorific_gender, lowercase_words,
    org_name, split_person,
)

_LISTS = "speakers.txt"
_NAME_TOKEN = rf"(?:[A-Z][\w'’.\-]*|{alternation(_LISTS, 'name_particle')})"
# An online handle stands for a name: "acebush1 posted" (letters, then a digit).
_HANDLE = r"@?[a-z]+[0-9][a-z0-9_]*(?![\w'’])"
NAME = (
    rf"(?:{_HANDLE}|(?:[A-Z][\w'’.\-]*)(?:[ ]{_NAME_TOKEN}){{0,5}}(?:[ ]\([A-Z][\w.\-]*\))?"
    rf"(?:[ ](?:of|from)[ ](?:the[ ])?[A-Z][\w'’.\-]*(?:[ ][A-Z][\w'’.\-]*){{0,3}})?)"
)
# Lower-case role words before a name: "Tulsa police Chief Chuck Jordan".
_NOT_PREFIX = rf"(?!(?:{alternation(_LISTS, 'not_prefix')})\b)"
# Greedy: the name is the last capitalised run ("Florida-based Republican strategist Al
# Cardenas", not "Florida-based Republican").
PREFIXED_NAME = rf"(?:(?:{_NOT_PREFIX}[\w'’.\-/]+[ ]){{1,5}}{NAME})"
PRONOUN = f"(?:{alternation('function_words.txt', 'subject_pronoun', case='either')}|I)"
_DET = rf"(?:{alternation(_LISTS, 'determiner', case='either')}|[A-Z][\w.\-]*(?:[ ][A-Z][\w.\-]*)?['’]s)"
# A trie: the same matches as the longest-first alternation it replaced, tried far faster.
_ROLE = lexicon.word_trie(lexicon.ROLE_NOUNS - {"white house"})
NOMINAL = (
    rf"(?:{_DET}[ ](?:[\w'’.\-]+[ ]){{0,5}}?(?:{_ROLE})"
    rf"(?:[ ](?:{alternation(_LISTS, 'nominal_preposition')})[ ](?:the[ ])?(?:[A-Z][\w'’.\-]*|[a-z][\w'’\-]*)(?:[ ][A-Z][\w'’.\-]*|[ ]of|[ ]and|[ ]for){{0,6}})?"
    rf"|[Tt]he[ ]White[ ]House|[Tt]he[ ][A-Z][\w.\-]*[ ](?:campaign|administration))"
)
# Any determiner phrase ending in a common noun: "the ad’s narrator", "The piece".
GENERIC_NP = (rf"(?:{alternation(_LISTS, 'generic_determiner', case='either')})[ ]"
              rf"(?:[\w'’\-]+[ ]){{0,3}}?(?!(?:{alternation(_LISTS, 'not_generic_noun')})\b)"
              r"[\w][\w'’\-]*")
_NOT_DET = rf"(?!(?:{alternation(_LISTS, 'not_before_name', case='capitalize')})[ ][a-z])"  # "The piece": no name
SPEAKER = rf"(?:{NOMINAL}|{PRONOUN}|{_NOT_DET}{NAME}|[Tt]he[ ]{NAME}|{GENERIC_NP})"
# After an inverted cue ("said Democratic pollster Stan Greenberg") a title run may lead.
SPEAKER_AFTER_CUE = rf"(?:{NOMINAL}|{PRONOUN}|{_NOT_DET}{PREFIXED_NAME}|{_NOT_DET}{NAME}|[Tt]he[ ]{NAME}|{GENERIC_NP})"
# An apposition between a name and its cue: ", a doctor at X," / ", who replaced Y,".
# It never runs past a sentence end ("Mr. Trump, for that matter - are critical. As
# Andrew Tabler, an expert, noted"); NYT style gives the party: ", Democrat of Ohio,".
APPOSITION = (
    r",\s(?=[a-z]|\d|The\s|A\s|An\s|[RDI]-[A-Z]|(?:Democrat|Republican|Independent)\s+of\s"
    r"|(?:[A-Z][\w.\-]*\s)?[A-Z][\w.\-]*(?:['’]s|s['’])\s"
    r"|[A-Z][\w'’\-]+(?:\s[A-Z][\w'’\-]+){1,3},)"
    rf"(?:\b(?:{alternation(_LISTS, 'apposition_abbr')})\."
    r"|[^\"“”.!?]|(?<![a-z]{2})[.!?]|[.!?](?!\s+[A-Z])){1,160}?,"
)
# Adverbs and auxiliaries between a speaker and its cue: "Trump has often said".
ADVERB = rf"(?:(?:{alternation(_LISTS, 'adverb')}|\w+ly)[ ]){{0,3}}"


_PRONOUN_RE = re.compile(PRONOUN)
_NEXT_SENTENCE = object()  # a sentence that holds no antecedent: look at the one before
_DET_RE = re.compile(_DET)
_POSSESSIVE_END = re.compile(r"['’]s$")
_NOMINAL_FIRST = wordlists.words(_LISTS, "nominal_first")
_TRIM_PARTICLES = wordlists.words(_LISTS, "trim_particle")
_INDEFINITE = wordlists.words(_LISTS, "indefinite")
_HEADLINE_CUE = re.compile(rf"([A-Z][\w'’\-]+)\s+(?:{alternation(_LISTS, 'headline_cue')})\b")


_POSSESSED_DESCRIPTION = re.compile(r"['’]s?[ ]+(?:[a-z][\w\-]*[ ]+)*[a-z][\w\-]*$")


@lru_cache(maxsize=8192)
def classify(text: str) -> str:
    """'pronoun', 'nominal' or 'name' for a speaker phrase (a pure function of the
    phrase, asked about the same phrases many times: cached)."""
    t = text.strip()
    if _PRONOUN_RE.fullmatch(t):
        return "pronoun"
    first = t.split()[0] if t.split() else ""
    rest = t.split()[1:]
    if first in ("The", "the") and rest and all(w[:1].isupper() for w in rest) and not any(
        w.lower() in lexicon.ROLE_NOUNS for w in rest
    ):
        return "name"  # "The New York Times"
    if _DET_RE.fullmatch(first) or first.lower() in _NOMINAL_FIRST or t.lower().startswith("the white house"):
        if not _POSSESSIVE_END.search(first) or t.split()[-1].lower() in lexicon.ROLE_NOUNS:
            return "nominal"
    if _POSSESSED_DESCRIPTION.search(t):
        return "nominal"  # "Mr Blair's official spokesman"
    return "name"


def _kind_and_name(tokens: list[str], core: list[str], first_name_known: bool) -> tuple[str, str]:
    """(kind, name) of a speaker name the article did not register: a first name then a
    surname is a person ("State Senate President Steve Sweeney"); an organisation's name,
    an acronym or a state ("Israel said", "the Kremlin said") is an organisation."""
    org = None if first_name_known and len(core) >= 2 else org_name(" ".join(tokens))
    kind = "organization" if org else "person"
    name = org or " ".join(core)
    if kind == "person" and len(core) == 1 and core[0].isupper() and len(core[0]) > 1:
        kind = "organization"
    if kind == "person" and name.casefold().removeprefix("the ") in lexicon.places():
        kind = "organization"
        name = name[4:] if name[:4].lower() == "the " else name
    return kind, name


def plausible_speaker(body: str, text: str, offset: int) -> bool:
    """Reject possessives ("Trump's claims") and names cut out of a longer name."""
    if _POSSESSIVE_END.search(text.strip()):
        return False
    if classify(text) == "name":
        j = offset - 1
        while j >= 0 and body[j] == " ":
            j -= 1
        if j >= 0 and j < offset - 1 and (body[j].isalpha() or body[j] == "'"):
            k = j
            while k > 0 and (body[k - 1].isalnum() or body[k - 1] in "'’.-"):
                k -= 1
            if body[k].isupper() and k > 0 and body[k - 1] != "\n" and not _sentence_start(body, k):
                return False
    return True


def _sentence_start(body: str, k: int) -> bool:
    j = k - 1
    while j >= 0 and body[j] in " \t\"“":
        j -= 1
    return j < 0 or body[j] in ".!?\n:"


_PARENTHESIS_END = re.compile(r"\s*\([^)]*\)$")
_POSSESSIVE_BEFORE_NAME = re.compile(r"['’]s\s+(?=[A-Z])")
_SENTENCE_BREAK = re.compile(r"(?<=[a-z]{2})\.\s+")
_OF_NAME_END = re.compile(r"\s+(?:of|from)\s+(?:the\s+)?[A-Z][\w'’.\-]*(?:\s+[A-Z][\w'’.\-]*)*$")


@lru_cache(maxsize=8192)
def trim_name(text: str) -> str:
    """The name core of a speaker phrase: 'Tulsa police Chief Chuck Jordan (D)' ->
    'Chief Chuck Jordan'; 'Mr. Morgan of the Sierra Club' -> 'Mr. Morgan'. A pure
    function of the phrase (cached: resolution trims the same phrase several times)."""
    text = _PARENTHESIS_END.sub("", text.strip())
    text = _POSSESSIVE_BEFORE_NAME.split(text)[-1]  # "Breitbart’s Joel Pollak"
    text = _SENTENCE_BREAK.split(text)[-1]  # "Monday. He"
    of = _OF_NAME_END.search(text)
    if of:
        head, rest = text[: of.start()].split(), text[of.start() :].split()
        if head and all(w.lower().rstrip(".") in lexicon.TITLES or w.lower() in lexicon.TITLES
                        for w in head):
            # "Secretary of State Madeleine Albright": the name follows the office

            k = next((j for j in range(2, len(rest) - 1) if first_name_gender(rest[j])), None)
            if k is not None:
                return " ".join(rest[k:])
        text = text[: of.start()]
    tokens = text.split()
    i = len(tokens)
    while i > 0 and (tokens[i - 1][:1].isupper() or tokens[i - 1] in _TRIM_PARTICLES):
        i -= 1
    while i < len(tokens) - 1 and tokens[i].lower() in lexicon.LEADING_FUNCTION_WORDS:
        i += 1  # "But Ferguson", "And Wenger": a sentence opens with the conjunction
    return " ".join(tokens[i:]) if i < len(tokens) else text


_APPOS_AFTER = re.compile(r",\s+(?:the\s+|a\s+|an\s+)?(?:[\w\-]+\s+){0,4}?(?:%s)\b" % "|".join(
    sorted(lexicon.ROLE_NOUNS | wordlists.words(_LISTS, "appos_head"), key=len, reverse=True)))


_PERSON_NOUNS = sorted(
    (lexicon.TITLES | lexicon.ROLE_NOUNS | wordlists.words(_LISTS, "person_noun"))
    - wordlists.words(_LISTS, "not_person_noun")
    - lexicon.NOT_PERSON_TITLES,
    key=len, reverse=True)
_PERSON_NOMINAL = re.compile(
    r"(?:[A-Z][^,]{0,40},\s+)?(?:" + alternation(_LISTS, "article", case="capitalize") + "|"
    + alternation(_LISTS, "article") + r")\s+(?:[\w'’\-]+\s+){0,3}?(?:%s)\b(?!['’])"
    % "|".join(re.escape(n) for n in _PERSON_NOUNS if n.isalpha()))

# A person described, anywhere in a sentence: "A spokeswoman for Human Rights Watch".
_PERSON_DESCRIBED = re.compile(
    r"\b(?:[Aa]n?|[Tt]he)\s+(?:[\w'’\-]+\s+){0,3}?(?:%s)\b(?!['’])"
    % "|".join(re.escape(n) for n in _PERSON_NOUNS if n.isalpha()))

# "(?<![\w.])(?:Mrs|Mr|Ms|Dr)\." with the look-behind moved past the first letter: a
# pattern that opens with literals lets the engine skip to the next M or D.
_HONORIFIC_NAME = re.compile(
    r"(?:M(?<![\w.]M)(?:rs|r|s)|D(?<![\w.]D)r)\.[ ][A-Z][\w'’\-]+"
    rf"(?:[ ](?:[A-Z][\w'’\-]+|{alternation(_LISTS, 'honorific_particle')}))*")
# A name the finder may miss, described as a person: "Christyn Gionfriddo, 29,", "Garcia,
# the grocery store worker", "Ihtisham Hibatullah, Al Jazeera's manager": the
# description, then the name right before it.
_PERSON_OF_ORG = re.compile(
    r"(?P<person>([A-Z][\w'’\-]+)(?:[ ][A-Z]\.)?[ ](?P<last>[A-Z][\w'’\-]+))[ ](?:of|from)[ ]")
_DESCRIBED_TAIL = re.compile(
    r",[ ](?:\d{1,3},|(?:(?:a|an|the)[ ]|(?:[A-Z][\w\-]+[ ]){0,2}[A-Z][\w\-]+['’]s[ ])"
    r"(?:[\w\-]+[ ]){0,4}?(?:%s)\b)"
    % "|".join(sorted(wordlists.lines(_LISTS, "described_person"), key=len,
                      reverse=True)))
_NAME_BEFORE = re.compile(
    r"(?<![\w'’.])" + "".join(f"(?<!{w} )" for w in wordlists.lines(_LISTS, "not_after_preposition"))
    + r"(?P<sp>[A-Z][a-z][\w'’\-]*(?:[ ][A-Z][a-z][\w'’\-]*){0,2})$")
_DOCUMENTS = wordlists.words(_LISTS, "document")
# A person described by whom they work for: "Tony Blair's official spokesman".
_OWNED_PERSON = re.compile(
    r"['’]s\s+(?:[\w\-]+\s+){0,2}?(?:%s)\b(?!['’])" % "|".join(sorted(
        lexicon.ROLE_NOUNS - _DOCUMENTS - wordlists.words(_LISTS, "not_owner_noun")
        | lexicon.RELATION_NOUNS,
        key=len, reverse=True)))

_RELATIVE = re.compile(rf"(?:{alternation(_LISTS, 'relative')})\b")
# A single abbreviated word ("Md.", "Calif.") is a place, not a person to refer back to.
_NOT_A_PERSON = re.compile(r"[A-Z][a-z]{1,4}\.")
_SUBJECT_PRONOUN = re.compile(r"\b([Hh]e|[Ss]he)\b")
# A pronoun inside a relative or subordinate clause is not the sentence's subject.
_CLAUSE_WORD_BEFORE = re.compile(rf"\b(?:{alternation(_LISTS, 'clause_word_before')})\s+$", re.I)
_SUBORDINATE_START = re.compile(
    rf"[\"“‘'(]?(?:{alternation(_LISTS, 'subordinate_start', case='capitalize')})\b")
_APPOSITION_AFTER = re.compile(r",\s+((?:the |a |an )?[^,\"“”;:.]{3,120})(?:,|\.|;)")
# Up to six words, each followed by one space, read backwards from the end of a text.
_WORDS_REVERSED = re.compile(r"(?: [\w'’.\-]+){1,6}")


def _words_at_end(text: str) -> str | None:
    r"""What re.search(r"((?:[\w'’.\-]+ ){1,6})$", text) captures, without trying the
    pattern at every position: the match is the longest run of such words that ends
    the text (the tokens are delimited, so reading them backwards finds the same run).
    Like $, it may end before a final newline."""
    end = len(text) - 1 if text.endswith("\n") else len(text)
    m = _WORDS_REVERSED.match(text[end - 1 :: -1] if end else "")
    return m.group()[::-1] if m else None


# The first word of a sentence, after quote marks and a conjunction: "But when asked ...".
_LEAD_WORD = re.compile(rf"[\s\"“‘'(]*(?:(?:{alternation(_LISTS, 'lead_conjunction', case='either')})\s+)?([A-Za-z][\w'’\-]*)")
# An opening phrase holds no speech cue: "Smith said that, if ..." opens with its subject.
_CUE_IN_PHRASE = re.compile(r"\b(?:%s)\b" % "|".join(sorted(lexicon.FINITE_SPEECH_VERBS)))
# Words that put a name after them out of subject position ("talks with X", "said X").
_NOT_BEFORE_SUBJECT = (lexicon.LEADING_PREPOSITIONS | lexicon.SUBORDINATORS
                       | wordlists.words(_LISTS, "not_before_subject"))
_HONORIFIC_BEFORE = re.compile(rf"\b(?:{alternation(_LISTS, 'honorific_before')})\.?\s+$")
# A subject pronoun a few words after a name, no punctuation or clause word between:
# "Mpofu said he", "Smith told reporters that she"; not "Donald Trump, who talked of
# things she believed", "why Clinton has struggled where he succeeded".
_PRONOUN_CLOSE_AFTER = re.compile(
    r"[ ]+(?:(?!(?:%s|%s)\b)[a-z][\w'’\-]*[ ]+){1,4}?([Hh]e|[Ss]he)\b"
    % ("|".join(sorted(lexicon.SUBORDINATORS)), alternation(_LISTS, "pronoun_close_stop")))
_SENTENCE_OPENS_PRONOUN = re.compile(r"[\"“‘]?\s*([Hh]e|[Ss]he)\b")

_TITLE_RUN = re.compile(r"(?:\s+(?:[A-Z][\w'’.\-]*|the|former))*\s+")
# A comma right after a clause word: "the prime minister who, he claims, is".
_CLAUSE_WORD_END = re.compile(rf"\b(?:{alternation(_LISTS, 'clause_word_end')})$", re.I)
# The end of a sentence a quotation holds together with the next ('... it." However,').
_CLAUSE_END = re.compile(r"[.!?:][\"”’]?\s|\n")
_APPOSITION_NEXT = re.compile(r",\s+(?:the|a|an)\s+[^,.;:\"“”]{1,80},")
_TITLE_WORDS_BETWEEN = re.compile(r"(?:['’]s)?(?:\s+(?:%s))+\s+" % "|".join(
    re.escape(t) for t in sorted(lexicon.ROLE_NOUNS | {t for t in lexicon.TITLES if t.isalpha()}
                                 - lexicon.NOT_PERSON_TITLES, key=len, reverse=True)))
_COORDINATION_AFTER = re.compile(r",\s+(?:and|or|but)\b")

_MALE = re.compile(r"\b(?:he|his|himself)\b")
_FEMALE = re.compile(r"\b(?:she|hers|herself)\b")


class Resolver:
    """Resolves speaker phrases in one article to canonical names."""

    def __init__(self, body: str, names: ArticleNames, quoted: list[tuple[int, int]],
                 title: str | None, sentence_starts: list[int]):
        self.body = body
        self.names = names
        self.quoted = quoted
        self.title = title or ""
        self.sentence_starts = sentence_starts
        spans = sorted(quoted)
        self._quote_starts = [s for s, _ in spans]
        self._quote_reach = list(itertools.accumulate((e for _, e in spans), max))
        self._org_mentions = [m for m in names.mentions
                              if (p := names.people.get(m.key)) is not None and p.kind == "organization"]
        self._org_starts = [m.start for m in self._org_mentions]
        self._outside = [m for m in names.mentions if not self._in_quote(m.start)]
        self._outside_starts = [m.start for m in self._outside]
        self._add_honorific_mentions()
        self._infer_genders()
        self._appositions = self._find_appositions()

    def _add_honorific_mentions(self) -> None:
        """'Mr. Guajardo Villarreal' is a person mention even where the name finder missed
        it (a double surname after 'Ildefonso Guajardo'): a later 'he' can refer to it."""
        found = [(m.start(), m.group()) for m in _HONORIFIC_NAME.finditer(self.body)]
        for t in _DESCRIBED_TAIL.finditer(self.body):  # ", 29," / ", a grocery store worker"
            m = _NAME_BEFORE.search(self.body, max(0, t.start() - 60), t.start())
            if m is None:
                continue
            sp = m.group("sp")
            if sp.split()[0].lower() in self.common_words():
                continue  # "Yesterday, a ..."
            found.append((m.start("sp"), sp))
        # "David Woodard of Clemson University" taken for an organisation: the person is
        # "David Woodard" (the mention is replaced in this resolver's list only).

        for idx in range(len(self._outside) - 1, -1, -1):
            o = self._outside[idx]
            p = self.names.people.get(o.key)
            m = _PERSON_OF_ORG.match(o.text)
            if (p is None or p.kind != "organization" or m is None
                    or not first_name_gender(m.group(2))
                    or m.group("last").lower() in lexicon.ORG_KEYWORDS):
                continue
            del self._outside[idx]
            del self._outside_starts[idx]
            found.append((o.start, m.group("person")))
        quote_starts = [a for a, _ in self.quoted]
        for start, text in sorted(found):
            end = start + len(text)
            q = bisect.bisect_right(quote_starts, start) - 1
            if q >= 0 and start < self.quoted[q][1]:
                continue  # inside a quote
            k = bisect.bisect_left(self._outside_starts, start)
            near = self._outside[max(0, k - 1) : k + 1]
            if any(o.start < end and start < o.end for o in near):
                continue
            self.resolve_name(text, start)

    def _infer_genders(self) -> None:
        """Gender of people whose first name does not tell (Bernie, Leslie, surnames
        only) from the pronouns that follow their mentions in the same sentence; and a
        first-name guess overridden where the article's subject pronouns clearly say
        otherwise ("Dali" is a woman's name to the list, but "Mpofu ... said ... He said
        he himself followed his client")."""
        votes: dict[str, list[int]] = {}
        for m in self._outside:
            p = self.names.people.get(m.key)
            if not p or p.kind != "person" or p.gender is not None:
                continue
            k = bisect.bisect_right(self.sentence_starts, m.start)
            end = self.sentence_starts[k] if k < len(self.sentence_starts) else len(self.body)
            seg = self.body[m.end : min(end, m.end + 200)]
            male = len(_MALE.findall(seg))
            female = len(_FEMALE.findall(seg))
            v = votes.setdefault(p.key, [0, 0])
            v[0] += male
            v[1] += female
        strong = self._subject_pronoun_votes()
        for key, (male, female) in votes.items():
            if not (male and female) and (male or female):
                self.names.people[key].gender = "male" if male else "female"
            elif (sm := strong.get(key)) and bool(sm[0] + sm[2]) != bool(sm[1] + sm[3]):
                self.names.people[key].gender = "male" if sm[0] + sm[2] else "female"
        for key, (male, female, opens_male, opens_female) in strong.items():
            p = self.names.people[key]
            if p.gender not in ("male", "female") or key in votes:
                continue
            # "Smith said she ..." is as often someone else: only a sentence of the
            # person's own opening with the other pronoun, and no pronoun of the guessed
            # gender anywhere, overrides the guess.
            same = male + opens_male if p.gender == "male" else female + opens_female
            other = opens_female if p.gender == "male" else opens_male
            if other and not same and not self._honorific_for(key):
                p.gender = "female" if p.gender == "male" else "male"

    def _honorific_for(self, key: str) -> bool:
        """Whether the article writes the person with an honorific ("Mr Mpofu"): a gender
        the article states, never overridden."""
        return any(m.key == key and _HONORIFIC_BEFORE.search(self.body, max(0, m.start - 8), m.start)
                   for m in self._outside)

    def _ambiguous(self, m) -> bool:
        """Whether mention m is a bare surname that several people share ("Clinton" with
        Bill and Hillary Clinton in the article): its pronouns may be the other's."""
        words = m.text.split()
        return len(words) == 1 and len(self.names.people_by_last_name(fold(words[0]))) > 1

    def _subject_pronoun_votes(self) -> dict[str, list[int]]:
        """[he, she, he opening, she opening] counts for people, from subject pronouns
        outside quotes a few words after a mention, no punctuation between ("Mpofu said
        he"), or opening the next sentence when the person is its subject and the only one
        it names ("Mpofu adopted a 'so what' attitude. He said"). Names inside an opening phrase
        ("under cross-examination by Mpofu, he said") and possessors ("Mpofu's client")
        do not count: the pronoun is someone else."""
        by_sentence: dict[int, list] = {}
        for m in self._outside:
            p = self.names.people.get(m.key)
            if p is not None and p.kind == "person":
                by_sentence.setdefault(self._sentence_of(m.start), []).append(m)
        votes: dict[str, list[int]] = {}

        def vote(key: str, word: str, opening: int = 0) -> None:
            votes.setdefault(key, [0, 0, 0, 0])[opening + (0 if word.lower() == "he" else 1)] += 1

        for sidx, ms in by_sentence.items():
            s0 = self.sentence_starts[sidx - 1] if sidx > 0 else 0
            end = self.sentence_starts[sidx] if sidx < len(self.sentence_starts) else len(self.body)
            main, subs = self._opening(s0, end)
            ms = [m for m in ms if not self._in_opening(m, main, subs)
                  and not self.body.startswith(("'s", "’s"), m.end)]
            for m in ms:
                pm = _PRONOUN_CLOSE_AFTER.match(self.body, m.end, end)
                if pm and not self._in_quote(pm.start(1)) and not self._ambiguous(m):
                    vote(m.key, pm.group(1))
            if (ms and len({m.key for m in by_sentence[sidx]}) == 1 and end < len(self.body)
                    and self._at_subject(ms[0], main) and not self._ambiguous(ms[0])):
                pm = _SENTENCE_OPENS_PRONOUN.match(self.body, end)
                described = (d for d in _PERSON_DESCRIBED.finditer(self.body, ms[0].end, end)
                             if not self._in_quote(d.start()))
                if pm and not self._in_quote(pm.start(1)) and next(described, None) is None:
                    # ('... months." A spokeswoman said ... She added' is the spokeswoman)
                    vote(ms[0].key, pm.group(1), 2)
        return votes

    @property
    def mentions_outside_quotes(self) -> list:
        """Every mention outside quotes, in text order (what claims read subjects from)."""
        return self._outside

    def common_words(self) -> frozenset[str]:
        """Words the article writes in lower case: never names on their own."""
        return lowercase_words(self.body)

    def _in_quote(self, pos: int) -> bool:
        """Whether pos is inside a quoted span: among the spans starting at or before pos,
        whether the one reaching furthest reaches past it (a bisection, where testing
        every span for every mention was quadratic)."""
        k = bisect.bisect_right(self._quote_starts, pos)
        return k > 0 and self._quote_reach[k - 1] > pos

    def resolve_name(self, text: str, at: int) -> Person | None:
        """The entity a written name stands for: one the article named already, else a
        new one registered from the name next to the cue; None for what names no one."""
        whole = self.names.people.get(fold(text.strip())) if ("'s " in text or "’s " in text) else None
        if whole is not None and whole.kind == "organization":
            self._note_mention(whole, at, text)
            return whole  # "Ukraine's Air Force": the owner is part of the name
        surface = trim_name(text)
        if surface.lower() in lexicon.LEADING_FUNCTION_WORDS | lexicon.NUMBER_WORDS:
            return None  # "Despite the peg, officials insist": no name
        if _POSSESSED_DESCRIPTION.search(surface):
            return None  # "Mr Blair's official spokesman": a description, resolved as one
        org = self._organisation_around(at, len(text))
        if org is not None:
            return org  # "Social Research (NIESR)" inside "The National Institute of ..."
        p = self._known(surface, at)
        if p is not None:
            self._note_mention(p, at, text)
            return p
        return self._register(text, surface, at)

    def _known(self, surface: str, at: int) -> Person | None:
        """The registry's entry for a name, the person's name looked up past an office
        ("State Senate President Steve Sweeney")."""
        toks = surface.split()
        k = next((j for j in range(1, len(toks) - 1)
                  if toks[j + 1][:1].isupper() and first_name_gender(toks[j])), None)
        if k is not None and (toks[-1].lower() in lexicon.ORG_KEYWORDS
                              or org_name(" ".join(toks[k:]))):
            k = None  # "New York Times" is no "York Times"
        p = self.names.lookup(" ".join(toks[k:]) if k is not None else surface, at)
        return p if p is not None and (k is None or p.kind == "person") else None

    def _register(self, text: str, surface: str, at: int) -> Person | None:
        """An unknown name next to a cue verb is still a speaker: register it, as a person
        or, when the name says so, an organisation; None for what names no one."""
        if _PRONOUN_RE.fullmatch(trim_name(text)):
            return None
        first = surface.split()[0].lower() if surface.split() else ""
        if first in lexicon.NUMBER_WORDS or first in ("a", "an") or surface.lower() in lexicon.WEEKDAYS:
            return None  # "One DDoS attack was used ...", "Monday": no one to register
        tokens = trim_name(text).replace("’s", "").split()
        titles, core = split_person(tokens)
        if not core or (core[-1].lower() in lexicon.TITLES - lexicon.SURNAME_TITLES
                        or len(core) == 1 and core[-1].lower() in lexicon.TITLES) and not titles:
            return None
        if (len(core) == 1 and not titles and core[0].lower() in self.common_words()
                and core[0].lower() not in lexicon.ORG_KEYWORDS):
            return None  # "Now said ..." : an ordinary word at a sentence start
        k = next((j for j in range(len(core) - 1) if first_name_gender(core[j])), None)
        if k:
            titles, core = titles + core[:k], core[k:]  # "Finance Minister Antonio Palocci"
        if any(t.lower() in ("said", "says") for t in core):
            return None
        kind, name = _kind_and_name(tokens, core, first_name_known=k is not None)
        p = self.names.add(fold(name), name, kind, name, at, honorific_gender(titles))
        self._note_mention(p, at, text)
        return p

    def _organisation_around(self, at: int, length: int) -> Person | None:
        """The organisation whose mention holds the phrase at `at` and starts before it."""
        k = bisect.bisect_right(self._org_starts, at) - 1
        if k < 0:
            return None
        m = self._org_mentions[k]
        return self.names.people[m.key] if m.start < at and at + length <= m.end + 8 and at < m.end else None

    def _note_mention(self, p: Person, at: int, text: str) -> None:
        """A speaker is a mention: a later "she said" can refer back to it ("Melanie said")."""

        if p.kind != "person":
            return
        k = bisect.bisect_left(self._outside_starts, at)
        if k < len(self._outside_starts) and self._outside_starts[k] == at:
            return
        self._outside.insert(k, Mention(at, at + len(text), text, p.key))
        self._outside_starts.insert(k, at)

    # -- pronouns ----------------------------------------------------------------
    def resolve_pronoun(self, pronoun: str, at: int, para_start: int,
                        window_start: int) -> Person | None:
        """Most recent compatible person outside quotes, preferring sentence subjects."""
        gender = lexicon.PRONOUNS.get(pronoun.lower())
        if gender is None:
            return None
        # _outside is kept in order of start (its starts in _outside_starts): the mentions
        # in the window are one slice of it.
        cands = self._outside[bisect.bisect_left(self._outside_starts, window_start)
                              : bisect.bisect_left(self._outside_starts, at)]
        if not cands:
            return None
        # Group mentions by sentence, newest sentence first; in each, the first wins.
        by_sentence: dict[int, list] = {}
        for m in cands:
            by_sentence.setdefault(self._sentence_of(m.start), []).append(m)
        current = self._sentence_of(at)
        for sidx in range(current, min(by_sentence) - 1, -1):
            if sidx not in by_sentence:
                if sidx != current and self._nominal_subject(sidx):
                    return None  # "The Afro-Colombian journalist said ..." is the antecedent
                continue
            ok = [m for m in by_sentence[sidx]
                  if (p := self.names.people.get(m.key)) and p.kind == "person"
                  and p.gender in (gender, None) and not _NOT_A_PERSON.fullmatch(p.name)]
            if ok:
                found = self._antecedent_in(sidx, current, at, pronoun, ok)
                if found is not _NEXT_SENTENCE:
                    return found
        return None

    def _antecedent_in(self, sidx: int, current: int, at: int, pronoun: str, ok: list):
        """The antecedent among the compatible mentions `ok` of sentence sidx: a Person,
        None (the pronoun names no one), or _NEXT_SENTENCE (look further back)."""
        s0 = self.sentence_starts[sidx - 1] if sidx > 0 else 0
        end = (at if sidx == current else self.sentence_starts[sidx]
               if sidx < len(self.sentence_starts) else len(self.body))
        main, subs = self._opening(s0, end)
        ok, inner = self._candidates(sidx, current, at, pronoun, ok, main, subs)
        if not ok:
            return _NEXT_SENTENCE
        if sidx != current and self._pronoun_subject(sidx, ok[0].start, pronoun):
            return _NEXT_SENTENCE  # "he said, ... loyalists to Joe Biden": he is still the earlier man
        return self._choose(ok, inner, main)

    def _candidates(self, sidx: int, current: int, at: int, pronoun: str, ok: list,
                    main: int, subs: list[int]) -> tuple[list, list]:
        """(the mentions that may be the antecedent, those inside an opening phrase)."""
        # A name inside an opening phrase ("Asked about gifts from Lord Alli, he said",
        # "At a news conference with Mr Blair, Mr Abbas said") is an object: never
        # the pronoun of its own sentence, a last resort in an earlier one.
        inner = [m for m in ok if self._in_opening(m, main, subs)]
        ok = [m for m in ok if m not in inner]
        if sidx == current and (words_from := self._parenthetical(at, main)) is not None:
            # "Mr Bush's first task was to rebuild, he said": he is not Bush; in "Michael
            # Howard has no doubt it is the PM who, he claims, is" the subject may be.
            comma = self._comma_before(at)
            inside = _CLAUSE_WORD_END.search(self.body, max(main, comma - 12), comma)
            ok = [m for m in ok if m.start < words_from
                  or inside and self._at_subject(m, main)]
        if sidx != current and not (
                not ok and (pm := _SENTENCE_OPENS_PRONOUN.match(self.body, main))
                and pm.group(1).lower() == pronoun.lower()):
            ok += inner  # "Asked about Lord Alli, he said: ...": he is still the earlier man
        return ok, inner

    def _choose(self, ok: list, inner: list, main: int) -> Person | None:
        """The sentence's subject wins; else a person introduced with an apposition
        ("... concerns Henry Crespo, president of ...") is the new source; else the first
        person. A name that is itself an apposition ("his counterpart, Ariel Sharon, and
        ...") introduces no one; a possessor ("Clinton's position was supported by
        Feinstein", "Al Jazeera's manager") is not the subject when someone else can be."""
        owners = {m.key for m in ok if self.body.startswith(("'s", "’s"), m.end)}
        others = [m for m in ok if m.key not in owners]
        subject = next((m for m in others if m not in inner and self._at_subject(m, main)), None)
        if not others and any(
                self._at_subject(m, main) and _OWNED_PERSON.match(self.body, m.end) for m in ok):
            return None  # "Tony Blair's official spokesman said ... He added": unnamed
        introduced = [m for m in others if m not in inner and self._introduced(m, main)]
        return self.names.people[(subject or (introduced or others or ok)[0]).key]

    def _opening(self, start: int, limit: int) -> tuple[int, list[int]]:
        """(where the main clause of the sentence opening at `start` begins, where each
        opening subordinate clause's own subject stands). Opening phrases end at a comma:
        'Asked again whether he would accept gifts from Lord Alli, ', 'In his evidence,
        and under cross-examination by Mpofu, ', 'Earlier, '. A sentence that opens with
        a name or a quotation has none."""
        pos, subs = start, []
        common = self.common_words()
        for _ in range(4):
            m = _LEAD_WORD.match(self.body, pos, limit)
            if m is None or self._in_quote(m.start(1)) or self._mention_at(m.start(1)):
                break
            comma = self._comma(m.end(1), min(limit, m.start(1) + 200))
            if comma is None:
                break
            seg = self.body[m.start(1) : comma]
            word, low = m.group(1), m.group(1).lower()
            if _CUE_IN_PHRASE.search(seg) or (
                    self._mention_ending_at(comma) and _APPOSITION_NEXT.match(self.body, comma)):
                break  # "At the time Lord Woolf, the Lord Chief Justice, had said": the subject
            if low in lexicon.SUBORDINATORS:
                subs.append(m.end(1))
            elif not (low in lexicon.LEADING_PREPOSITIONS or low in lexicon.LEADING_PARTICIPLES
                      or (len(low) > 4 and low.endswith(("ing", "ed")) and low in common
                          and not first_name_gender(word))
                      or (len(seg.split()) <= 3 and low in common
                          and all(not w[:1].isupper() for w in seg.split()[1:]))):
                break
            pos = comma + 1
        return pos, subs

    def _comma(self, start: int, limit: int) -> int | None:
        """The first comma outside quotes in [start, limit)."""
        i = self.body.find(",", start, limit)
        while i >= 0 and self._in_quote(i):
            i = self.body.find(",", i + 1, limit)
        return i if i >= 0 else None

    def _parenthetical(self, at: int, main: int) -> int | None:
        """Where the reported words start when the pronoun at `at` follows them after a
        comma ("Mr Bush's first task was to rebuild, he said"): a name in those words is
        not the pronoun (it would have been written as the name). None when the comma
        ends an opening clause ("When Obama arrived, he said") or there is none."""
        comma = self._comma_before(at)
        if not (comma >= main and self.body[comma] == ","):
            return None
        last = None
        for last in _CLAUSE_END.finditer(self.body, main, comma):
            pass
        return last.end() if last else main

    def _comma_before(self, at: int) -> int:
        """The position of the character before `at`, spaces skipped."""
        j = at
        while j > 0 and self.body[j - 1] in " \t":
            j -= 1
        return j - 1

    def _mention_ending_at(self, pos: int) -> bool:
        k = bisect.bisect_left(self._outside_starts, pos)
        return any(m.end == pos for m in self._outside[max(0, k - 3) : k])

    def _mention_at(self, pos: int) -> bool:
        k = bisect.bisect_left(self._outside_starts, pos)
        return k < len(self._outside_starts) and self._outside_starts[k] == pos

    def _in_opening(self, m, main: int, subs: list[int]) -> bool:
        """Whether mention m stands in an opening phrase and is not the subject of an
        opening subordinate clause ("When Obama arrived, he ..." keeps Obama)."""
        if m.start >= main:
            return False
        return not any(sp <= m.start and _TITLE_RUN.fullmatch(self.body, sp, m.start)
                       for sp in subs)

    def _at_subject(self, m, main: int) -> bool:
        """Whether mention m opens the main clause, after at most a few title or
        description words ("Mr Blair held talks", "Hawks head Major-Gen Gopaul
        Govender"), with no comma, preposition or clause word between."""
        prefix = self.body[main : m.start]
        if m.start < main or any(c in prefix for c in ",;:\"“”()") or len(prefix) > 80:
            return False
        words = prefix.split()
        if len(words) > 5 or any(w.lower() in _NOT_BEFORE_SUBJECT for w in words):
            return False
        # "Former Manfred Mann singer Paul Jones": a name before a title names no subject.
        k = bisect.bisect_right(self._outside_starts, m.start)
        nxt = self._outside[k] if k < len(self._outside) else None
        return not (nxt is not None and _TITLE_WORDS_BETWEEN.fullmatch(self.body, m.end, nxt.start))

    def _introduced(self, m, main: int) -> bool:
        """Whether mention m is followed by an apposition of its own (", president of
        ...", not ", and the Palestinian leader") and is not itself one (a comma right
        before it, other than the one ending an opening phrase)."""
        if not _APPOS_AFTER.match(self.body, m.end) or _COORDINATION_AFTER.match(self.body, m.end):
            return False
        j = m.start
        while j > 0 and self.body[j - 1] in " \t":
            j -= 1
        return not (j > 0 and self.body[j - 1] == "," and j != main)

    def _pronoun_subject(self, sidx: int, first_mention: int, pronoun: str) -> bool:
        """True when sentence sidx has the same pronoun, outside quotes, before its first
        compatible name: the names come after its subject, which is that pronoun."""
        start = self.sentence_starts[sidx - 1] if sidx > 0 else 0
        if first_mention - start > 200:
            start = first_mention - 200
        word = pronoun.lower()
        if _SUBORDINATE_START.match(self.body, start):
            # "While he supports Clinton, Groberg admits": the name is the subject; but in
            # "Though it was seamless, he said, ... Joe Biden" the pronoun after the
            # subordinate clause is.
            comma = self.body.find(",", start, first_mention)
            if comma < 0:
                return False
            start = comma + 1
        for m in _SUBJECT_PRONOUN.finditer(self.body, start, first_mention):
            if (m.group(1).lower() == word and not self._in_quote(m.start())
                    and not _CLAUSE_WORD_BEFORE.search(self.body, max(start, m.start() - 12), m.start())):
                return True
        return False

    def _nominal_subject(self, sidx: int) -> bool:
        """True when sentence sidx opens with a person described, not named."""
        if sidx == 0 or sidx > len(self.sentence_starts):
            return False
        start = self.sentence_starts[sidx - 1]
        head = self.body[start : start + 80]
        m = _PERSON_NOMINAL.match(head)
        return bool(m)

    def _sentence_of(self, pos: int) -> int:
        return bisect.bisect_right(self.sentence_starts, pos)

    # -- role noun phrases --------------------------------------------------------
    def _find_appositions(self) -> list[tuple[str, Person, str]]:
        """(description, person, where its role word may stand) from 'Name, the role of
        X,' and 'role Name'."""
        out = []
        for m in self._outside:
            p = self.names.people.get(m.key)
            if not p or p.kind != "person":
                continue
            after = self.body[m.end : m.end + 160]
            am = _APPOSITION_AFTER.match(after)
            if am:
                # The role heads the apposition: ", the chief executive of Twitter," names
                # an executive; ", who interviewed the president," names no president.
                desc = am.group(1)
                if not _RELATIVE.match(desc):
                    out.append((desc, p, " ".join(desc.split()[:5])))
            before = self.body[max(0, m.start - 80) : m.start]
            run = _words_at_end(before)
            if run:
                # Only a title run right before the name: "White House spokesman Josh
                # Earnest", not "... said the president of the group, Tom Baker".
                words = run.split()
                k = len(words)
                while k > 0 and (words[k - 1].lower() in lexicon.ROLE_NOUNS
                                 or words[k - 1].lower().rstrip(".") in lexicon.TITLES
                                 or words[k - 1][:1].isupper()):
                    k -= 1
                desc = " ".join(words[max(0, k - 2):])
                out.append((desc, p, desc))
        return out

    def resolve_nominal(self, text: str) -> Person | None:
        """'the head of X' -> the person an apposition or the headline gives that role."""
        words = [w.lower().strip(",.") for w in text.split()]
        heads = [w for w in words if w in lexicon.ROLE_NOUNS]
        if not heads or words[0] in _INDEFINITE:
            return None
        head = heads[0]
        tail = text.split(head, 1)[-1] if head in text else ""
        tail_names = set(re.findall(r"[A-Z][\w'’\-]+", tail))
        matches = []
        for desc, p, zone in self._appositions:
            if head in _DOCUMENTS:
                break  # a report or a statement is no person
            dw = desc.lower()
            if re.search(rf"\b{re.escape(head)}\b", zone.lower()) and (
                not tail_names or all(n.lower() in dw for n in tail_names)
            ):
                matches.append(p)
        uniq = {p.key: p for p in matches}
        if not uniq:
            orgs = {p.key: p for p in self.names.people.values()
                    if p.kind == "organization" and head in fold(p.name).split()}
            if len(orgs) == 1 and head not in ("campaign", "administration", "house"):
                return next(iter(orgs.values()))
        if len(uniq) == 1:
            return next(iter(uniq.values()))
        if not uniq and text.lower().startswith("the ") and tail_names:
            return self.headline_speaker()
        return None

    def headline_speaker(self) -> Person | None:
        """The person a headline has speaking: 'Putin Envoy Dmitriev Says ...'."""
        m = _HEADLINE_CUE.search(self.title)
        if not m:
            return None
        p = self.names.person_by_surname(m.group(1))
        return p if p and p.kind == "person" else None
