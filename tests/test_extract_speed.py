"""The faster forms of extraction patterns match exactly what the plain forms matched.

Each speed-up in quotes/extract replaced a pattern or a search by an equivalent that
tries fewer positions; these tests compare both on random strings built from the
characters that matter to them.
"""
from __future__ import annotations

import random
import re

from quotes.extract import attribution, dates, indirect, lexicon, names, quotemarks, speakers


def _strings(alphabet: list[str], n: int = 20000, longest: int = 14, seed: int = 7):
    rnd = random.Random(seed)
    for _ in range(n):
        yield "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, longest)))


def test_word_trie_tries_words_longest_first():
    words = ["say", "says", "said", "put_it", "put", "puts_it", "shot_back", "s"]
    plain = re.compile("(?i:" + "|".join(
        r"[ ]+".join(map(re.escape, w.split("_"))) for w in sorted(words, key=len, reverse=True)) + ")")
    trie = re.compile("(?i:" + lexicon.word_trie(words) + ")")
    for text in _strings(["s", "a", "y", "id", "put", " ", "  ", "it", "S", "shot", "back", "x"]):
        for pos in range(len(text) + 1):
            a, b = plain.match(text, pos), trie.match(text, pos)
            assert (a and a.group()) == (b and b.group()), (text, pos)


def test_name_spans_same_as_look_behind_forms():
    cap, particle, connect = names._CAP, names._PARTICLE, names._CONNECT
    seq = re.compile(rf"(?=[A-Z])(?<![\w.’'-]){cap}(?:(?: | {particle} |-){cap})*(?![\w])")
    org = re.compile(
        rf"(?=[A-Z])(?<![\w.’'-])(?:{cap}['’]s +)?{cap}(?: +(?:{connect} +)*{cap})*(?![\w])")
    alphabet = ["M", "Mc", "Mac", "O", "D", "'", "’", ".", " ", "  ", "-", "A", "B", "x", "s",
                "de", "of", "and", "&", "1", "_", "é", "\n", "Ab", "c", "ac"]
    for text in _strings(alphabet, n=40000):
        assert [m.span() for m in seq.finditer(text)] == [m.span() for m in names._SEQ.finditer(text)]
        assert [m.span() for m in org.finditer(text)] == [m.span() for m in names._ORG_SEQ.finditer(text)]


def test_words_at_end_same_as_end_anchored_search():
    pattern = re.compile(r"((?:[\w'’.\-]+ ){1,6})$")
    alphabet = ["a", "b", " ", " ", "\n", ".", "'", "’", ",", "-", "é", "_", "1", "  "]
    for text in _strings(alphabet, n=40000, longest=30):
        m = pattern.search(text)
        assert speakers._words_at_end(text) == (m.group(1) if m else None), text


def test_honorific_names_same_as_look_behind_form():
    plain = re.compile(r"(?<![\w.])(?:Mrs|Mr|Ms|Dr)\.[ ][A-Z][\w'’\-]+"
                       r"(?:[ ](?:[A-Z][\w'’\-]+|de|la|del|van|von))*")
    alphabet = ["M", "Mr", "Mrs", "Ms", "Dr", "D", ".", " ", "x", "A", "Bo", "de", "\n", "'", "s",
                "r", "-"]
    for text in _strings(alphabet, n=40000):
        assert ([m.span() for m in plain.finditer(text)]
                == [m.span() for m in speakers._HONORIFIC_NAME.finditer(text)]), text


def test_dateish_holds_wherever_a_date_expression_matches():
    alphabet = ["Mon", "day", "to", "night", "last", " ", "week", "3", "Jan", "uary", "ago",
                "two", "days", "in", "May", "2015", "x", "ſep", "K", "morning", "this"]
    for text in _strings(alphabet, n=20000, longest=8):
        if dates.DATE_EXPRESSION.search(text):
            assert dates.DATEISH.search(text), text


def test_double_marks_same_as_plain_alternation():
    plain = re.compile(r"''|[\"“”„«»‟]")
    alphabet = ["'", "''", '"', "“", "”", "„", "«", "»", "‟", "a", " ", "’", "\n"]
    for text in _strings(alphabet, n=40000):
        assert ([(m.span(), m.group()) for m in plain.finditer(text)]
                == [(m.span(), m.group()) for m in quotemarks._DOUBLE.finditer(text)]), text


def test_may_lead_holds_wherever_leading_matches():
    alphabet = ["said ", "says ", "told ", "put it ", "put  it", "Put It ", "according to ",
                "According to ", "Trump ", "He ", "he ", "the spokesman ", " ", "  ", "\t", "\n",
                ", ", ":", "—", "–", "--", "-", "that ", "That", "thats", ".", "!", "x", "Mr. ",
                "(", ")", "’s", "'", '"', "“", "also ", "quickly ", "SAID", "sayS", "shot back "]
    matched = 0
    for text in _strings(alphabet, n=60000, longest=9):
        if attribution._LEADING.search(text):
            matched += 1
            assert attribution._may_lead(text), text
    assert matched > 1000


def test_org_apposition_reversed_same_as_end_anchored_search():
    plain = re.compile(
        r"(?:agency|company|firm|group|fund|network|bank|party|ministry|corporation|giant|"
        r"startup|maker|operator|broadcaster|newspaper|organi[sz]ation|union|regulator)"
        r"(?:\s*\]|,)?\s+$")
    alphabet = ["agency", "firm", "organisation", "organization", "union", "party", " ", "  ",
                "\n", "]", ",", "x", "the ", "s"]
    for text in _strings(alphabet, n=40000, longest=6):
        assert (bool(plain.search(text))
                == bool(names._ORG_APPOSITION_REVERSED.match(text[::-1]))), text


def test_in_quote_same_as_scan_of_every_span():
    from quotes.extract.names import ArticleNames

    rnd = random.Random(11)
    for _ in range(3000):
        quoted = sorted((a, a + rnd.randint(0, 8)) for a in rnd.sample(range(60), rnd.randint(0, 6)))
        r = speakers.Resolver("x" * 80, ArticleNames(), quoted, None, [])
        for pos in range(-1, 82):
            assert r._in_quote(pos) == any(s <= pos < e for s, e in quoted), (quoted, pos)


def test_solid_counts_non_space_characters():
    alphabet = ["a", " ", "\t", "\n", "\xa0", "\u2003", "\u200b", "\x1c", "é", "."]
    for text in _strings(alphabet, n=20000, longest=20):
        assert attribution._solid(text) == len(text) - sum(1 for ch in text if ch.isspace()), text


def test_capital_word_same_as_look_behind_form():
    plain = re.compile(r"(?<![\w'’])[A-Z]")
    alphabet = ["A", "b", "'", "’", " ", "\n", "_", "1", "é", "Éa", "-"]
    for text in _strings(alphabet, n=20000):
        assert ([m.span() for m in plain.finditer(text)]
                == [m.span() for m in indirect._CAPITAL_WORD.finditer(text)]), text
