"""Word lists the rules share: the cue-verb lexicon, titles, pronouns, function words.

All of them are versioned data in quotes/data/, read once through quotes.wordlists into
frozen sets here; nothing here changes at run time.
"""
from __future__ import annotations

import re
from functools import lru_cache

from nameparser.config import CONSTANTS

from quotes import wordlists


@lru_cache(maxsize=None)
def cue_forms() -> dict[str, tuple[str, bool]]:
    """Inflected cue form -> (lemma, strong). From quotes/data/cues.txt."""
    forms: dict[str, tuple[str, bool]] = {}
    for section, line in wordlists.sections("cues.txt"):
        lemma, _, rest = line.partition(":")
        for form in rest.split():
            forms[form.lower()] = (lemma.strip(), section in (None, "strong"))
    return forms


@lru_cache(maxsize=None)
def places() -> frozenset[str]:
    """Folded names of countries and seats of government (quotes/data/places.txt): an
    entity of one of these names speaks as a body."""
    return frozenset(line.casefold() for line in wordlists.lines("places.txt"))


def word_trie(words, gap: str = "_") -> str:
    """A regex matching exactly these words, with common prefixes shared; `gap` in a
    word stands for one or more spaces ("put_it" is "put it").

    It tries the words that match at a position in the order of a longest-first
    alternation (they are all prefixes of one another there, and the trie tries the
    longer ones first), so it can replace one without changing any match; but where an
    alternation of hundreds of words tries each of them at every position, the trie
    tries one character per branch (and case-blind literals get no fast path in
    alternations at all)."""
    root: dict = {}
    for w in words:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        alts = [("[ ]+" if ch == gap else re.escape(ch)) + build(child)
                for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(root)


@lru_cache(maxsize=None)
def strong_cue_pattern() -> str:
    """Regex of the strong cue forms, longest first (as a trie)."""
    return "(?i:" + word_trie(f for f, (_, s) in cue_forms().items() if s) + ")"


@lru_cache(maxsize=None)
def any_cue_pattern() -> str:
    """Regex of all cue forms, longest first (as a trie)."""
    return "(?i:" + word_trie(cue_forms()) + ")"


_FUNCTION = "function_words.txt"
PRONOUNS = ({w: "male" for w in wordlists.lines(_FUNCTION, "pronoun_male")}
            | {w: "female" for w in wordlists.lines(_FUNCTION, "pronoun_female")})
PLURAL_PRONOUNS = wordlists.words(_FUNCTION, "plural_pronoun")

HONORIFICS_MALE = wordlists.words("titles.txt", "honorific_male")
HONORIFICS_FEMALE = wordlists.words("titles.txt", "honorific_female")
# Words that precede names as titles: nameparser's list plus the news titles of ours.
TITLES = frozenset(CONSTANTS.titles) | wordlists.words("titles.txt", "title")
SURNAME_TITLES = wordlists.words("titles.txt", "surname_title")
NOT_PERSON_TITLES = wordlists.words("titles.txt", "not_person_title")

ROLE_NOUNS = wordlists.words("people.txt", "role")
RELATION_NOUNS = wordlists.words("people.txt", "relation")
EMPLOYEE_NOUNS = wordlists.words("people.txt", "employee")
ORG_KEYWORDS = wordlists.words("organisations.txt", "keyword")

LEADING_FUNCTION_WORDS = wordlists.words(_FUNCTION, "leading")
ALIAS_LEADING_WORDS = LEADING_FUNCTION_WORDS | wordlists.words(_FUNCTION, "alias_leading")
SUBORDINATORS = wordlists.words(_FUNCTION, "subordinator")
LEADING_PREPOSITIONS = wordlists.words(_FUNCTION, "leading_preposition")
LEADING_PARTICIPLES = wordlists.words(_FUNCTION, "leading_participle")
FINITE_SPEECH_VERBS = wordlists.words(_FUNCTION, "finite_speech_verb")
NUMBER_WORDS = wordlists.words(_FUNCTION, "number")
DETERMINERS = wordlists.words(_FUNCTION, "determiner")

SURNAME_PARTICLES = wordlists.words("names.txt", "surname_particle")
NOT_FIRST_NAMES = wordlists.words("names.txt", "not_first_name")

MONTHS = wordlists.words("calendar.txt", "month") | wordlists.words("calendar.txt", "month_abbr")
WEEKDAYS = wordlists.words("calendar.txt", "weekday")


_PLAIN = re.compile(r"[\w'’&.\- ]+\??")


@lru_cache(maxsize=None)
def alternation(name: str, section: str | None = None, space: str = r"\s+",
                case: str | None = None) -> str:
    """The entries of a list as a regex alternation in file order (an alternation takes
    the first entry that matches, so the order is kept), a space in an entry matching
    `space`, a "." a dot. Entries are plain words; a final "?" makes the letter before it
    optional ("days?"). case="capitalize" matches them capitalised, case="either" with
    the first letter in either case ("[Tt]he")."""
    words = wordlists.lines(name, section)
    if not words:
        raise ValueError(f"{name} [{section}]: no such list")  # an empty one matches anywhere
    bad = [w for w in words if not _PLAIN.fullmatch(w)]
    if bad:
        raise ValueError(f"{name} [{section}]: not plain words: {bad}")
    if case == "capitalize":
        words = [w.capitalize() for w in words]
    elif case == "either":
        words = [f"[{w[0].upper()}{w[0].lower()}]{w[1:]}" for w in words]
    return "|".join(w.replace(".", r"\.").replace(" ", space) for w in words)
