"""Word lists the rules share: the cue-verb lexicon (versioned data), titles, pronouns.

Loaded once from package data into frozen sets; nothing here changes at run time.
"""
from __future__ import annotations

import re
from functools import lru_cache

from nameparser.config import CONSTANTS

from quotes.wordlists import sections as data_lines


@lru_cache(maxsize=None)
def cue_forms() -> dict[str, tuple[str, bool]]:
    """Inflected cue form -> (lemma, strong). From quotes/data/cues.txt."""
    forms: dict[str, tuple[str, bool]] = {}
    for section, line in data_lines("cues.txt"):
        lemma, _, rest = line.partition(":")
        for form in rest.split():
            forms[form.lower()] = (lemma.strip(), section in (None, "strong"))
    return forms


@lru_cache(maxsize=None)
def places() -> frozenset[str]:
    """Folded names of countries and seats of government (quotes/data/places.txt): an
    entity of one of these names speaks as a body."""
    return frozenset(line.casefold() for _, line in data_lines("places.txt"))


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


PRONOUNS = {"he": "male", "she": "female", "him": "male", "her": "female"}
PLURAL_PRONOUNS = frozenset({"they", "we", "it", "i", "you"})

HONORIFICS_MALE = frozenset({"mr", "mr.", "sir", "lord", "king", "prince", "father", "brother"})
HONORIFICS_FEMALE = frozenset(
    {"mrs", "mrs.", "ms", "ms.", "miss", "madam", "lady", "queen", "princess", "sister", "dame"}
)

# Words that precede names as titles ("President", "Sen.", "U.S."), from nameparser's
# list of titles plus news abbreviations and modifiers that stack with them.
_EXTRA_TITLES = """sen sen. senator rep rep. representative gov gov. governor gen gen. lt lt.
col col. sgt sgt. capt capt. adm adm. dr dr. prof prof. rev rev. pres pres. atty attorney
president vice former secretary minister premier chancellor chairman chairwoman chair
ceo cfo founder co-founder cofounder spokesman spokeswoman spokesperson envoy ambassador
billionaire businessman businesswoman candidate nominee host anchor commentator
correspondent reporter columnist economist analyst strategist pollster lawyer judge
justice sheriff mayor council councilman councilwoman congressman congresswoman speaker
leader majority minority house senate state deputy acting chief executive director
manager coach officer official aide adviser advisor general special counsel mr mr. mrs
mrs. ms ms. miss u.s. us american russian british french german chinese democratic
republican democrat gop independent presidential hopeful rival frontrunner front-runner
senior junior first lady king queen prince princess pope cardinal bishop rabbi imam
actor actress singer rapper star author writer professor doctor detective agent""".split()
TITLES = frozenset(CONSTANTS.titles) | frozenset(_EXTRA_TITLES)
# Title words that are also surnames: "David French", "Kathleen Parker", "Jack King".
SURNAME_TITLES = frozenset("""french german english british american king prince bishop
cardinal judge justice marshal major sheriff parker baker mayor chancellor speaker""".split())

# Nouns that head an anonymous or role speaker ("a senior official", "the head of X").
ROLE_NOUNS = frozenset(
    """official officials spokesman spokeswoman spokesperson aide aides adviser advisers
    advisor advisors source sources head chief director president chairman chairwoman
    secretary minister leader leaders lawyer lawyers attorney attorneys analyst analysts
    expert experts officer officers campaign statement report letter ad memo agency
    ministry department committee company group police prosecutors prosecutor judge
    governor senator congressman congresswoman candidate nominee manager strategist
    pollster representative representatives member members executive founder envoy
    ambassador economist professor researcher researchers scientist scientists
    spokespeople staffer staffers team administration government
    newspaper paper network station website magazine survey poll study""".split()
)

ORG_KEYWORDS = frozenset(
    """fund union agency company corporation corp corp. inc inc. co. ltd llc bank
    university college institute institution association commission committee council
    ministry department administration party court congress senate house parliament
    assembly times post journal news network group foundation service office bureau
    board authority organization organisation federation league club team airlines
    airways press tribune herald gazette telegraph guardian review magazine daily
    broadcasting television radio channel studios records industries holdings partners
    capital ventures labs laboratories motors systems technologies energy oil pharma
    hospital clinic school academy church army navy force forces police guard
    campaign pac fbi cia nsa nasa nato un eu who imf coalition alliance caucus
    movement center centre initiative commission""".split()
)

# Capitalised at a sentence start, never the first word of a name ("But Ferguson said",
# "Although Diageo ...").
LEADING_FUNCTION_WORDS = frozenset("""and but or so yet then also meanwhile however now still
    while when after before if as on in at for with by from since although though because
    during despite under over according asked said says vote""".split())

# Words that open a sentence before a name and are never part of it, in an alias.
ALIAS_LEADING_WORDS = LEADING_FUNCTION_WORDS | frozenset("a an even just told of to".split())

# What opens a phrase or clause before the subject of a sentence: "Asked whether he would
# accept gifts from Lord Alli, he said", "At a news conference with Mr Blair, Mr Abbas
# said", "When Obama arrived, he". A name inside such a phrase is an object, not the
# subject a later "he" refers to (unless it is the subject right after a subordinator).
SUBORDINATORS = frozenset("""while when whenever although though if as after before since
    because once until unless whether where""".split())
LEADING_PREPOSITIONS = frozenset("""according at in on during following despite under with without for
    from regarding about amid among against like unlike besides by through within over upon
    into to towards toward beyond behind across throughout outside inside near""".split())
LEADING_PARTICIPLES = frozenset("""asked pressed questioned quizzed told challenged
    interviewed speaking writing responding referring commenting addressing talking
    answering describing reacting appearing testifying arriving explaining defending noting
    citing given""".split())
# Finite speech verbs: an opening phrase never holds one ("Smith said that, if ...").
FINITE_SPEECH_VERBS = frozenset("""said says told tells added adds stated insisted argued warned
    announced""".split())
# People described by whom they belong to: "Kenteris's lawyer", "Tony Blair's spokesman".
RELATION_NOUNS = frozenset("lawyer wife husband son daughter mother father friend".split())
# Particles that continue a surname after a first name: "Henk Ten Cate", "Robin van Persie".
SURNAME_PARTICLES = frozenset("""ten ter van von de der den da di du le la dos das del della
    st""".split())
# Nouns for a job held at an organisation: "Al Jazeera's manager of ...", "Apple's chief
# executive". A name whose only mentions own such a job names an organisation.
EMPLOYEE_NOUNS = frozenset("""manager spokesman spokeswoman spokesperson executive director
    editor correspondent reporter head chief chairman chairwoman president ceo founder
    employee employees staff official officials representative""".split())
# Words of nameparser's title list that are no person nouns ("The 66-year-old criticised
# his ..." names nobody as "his").
NOT_PERSON_TITLES = frozenset("""his her me most high law tax risk film flag air rock wing rear
    army navy met pro us uk u.s. gop vice""".split())

NUMBER_WORDS = frozenset("""one two three four five six seven eight nine ten eleven twelve
    twenty thirty forty fifty hundred thousand million dozen dozens""".split())
DETERMINERS = frozenset("a an the this that these those another".split())

MONTHS = frozenset(
    """january february march april may june july august september october november
    december jan feb mar apr jun jul aug sep sept oct nov dec""".split()
)
WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())

# Capitalised words gender-guesser knows as first names but that are far more often
# something else at the start of a news sentence or name span.
NOT_FIRST_NAMES = frozenset(
    """will may march june april august rich page major story early long
    young king price sterling rush christian
    justice summer winter autumn spring royal west north south east
    general president senator judge sunday monday tuesday wednesday thursday friday
    saturday january february july september october november december
    new old san los las santa saint st fort mount lake union liberty
    god lord jesus allah christ muslim jewish black white green brown gray grey
    republican democrat democratic american""".split()
)
