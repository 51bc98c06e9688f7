"""One quote group's row, from its members, or from its last row and what it kept.

A group's row (quote_groups) is a tally of its members: how many quotes, articles,
publishers and speakers, its first appearance, its text, whether articles disagree on
who said it. `Tally` makes that tally in any order of the members. It also writes what
the row alone does not say (the publishers and speakers seen, each article's speakers,
the first appearance's full order key) as a small state, kept in `_quote_group_state`
for groups of more than one quote: an incremental refresh that only adds new articles'
quotes to a group resumes the tally from the row and the state instead of reading every
member again (a quote reprinted by hundreds of articles).
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

MIN_CONTAINED_WORDS = 6  # a shorter excerpt joins a longer quote's group from this length

QUOTE_FIELDS = ("id", "text", "text_hash", "article_id", "start", "published", "publisher", "url",
                "speaker_id", "speaker_name")
_ID, _TEXT, _HASH, _ARTICLE, _START, _PUBLISHED, _PUBLISHER, _URL, _SPEAKER, _NAME = range(len(QUOTE_FIELDS))

QUOTE_GROUP_COLUMNS = ("key", "text", "words", "quotes", "articles", "publishers", "speakers",
                       "speaker_names", "conflicting", "first_quote_id", "first_article_id",
                       "first_published", "first_publisher", "first_url", "first_speaker_id",
                       "first_speaker_name", "last_published")
# The group row's columns that hold its first member's fields.
_FIRST = (("first_quote_id", _ID), ("first_article_id", _ARTICLE), ("first_published", _PUBLISHED),
          ("first_publisher", _PUBLISHER), ("first_url", _URL), ("first_speaker_id", _SPEAKER),
          ("first_speaker_name", _NAME))


def quote_words(text: str) -> list[str]:
    """The words text_hash is made of (NFKC, lower case, no punctuation), in order."""
    return re.findall(r"[^\W_]+", unicodedata.normalize("NFKC", text or "").lower())


def own_hash(key: str) -> str:
    """The text_hash a group key is named after (its own text's: a short text's key is
    `text_hash-article_id`, and text hashes are hex)."""
    return key.partition("-")[0]


def appearance(row: tuple) -> tuple:
    """A member's place in order of appearance: dated first, then by date, article,
    position, id (the order the refresh reads members in)."""
    return (row[_PUBLISHED] is None, row[_PUBLISHED] or "", row[_ARTICLE], row[_START] or 0, row[_ID])


def sets_disagree(distinct: Iterable[frozenset]) -> bool:
    """Do two articles give the words to different speakers, given the distinct sets of
    speakers the articles name (articles naming none left out)? Articles giving the same
    speakers cannot disagree with each other, and a speaker every article gives settles
    it: a quote reprinted by hundreds of articles is then one set, not hundreds squared
    pairs."""
    distinct = list(distinct)
    if len(distinct) < 2 or frozenset.intersection(*distinct):
        return False
    return any(not a & b for i, a in enumerate(distinct) for b in distinct[i + 1:])


@dataclass
class Tally:
    """A quote group's row in the making. `add` takes whole articles' members, of
    articles not added before (the refresh's reads and stored articles are both)."""

    key: str
    quotes: int = 0
    articles: int = 0
    first: tuple | None = None  # appearance() of the first member
    first_row: dict = field(default_factory=dict)  # its fields, as the row's first_* columns
    text_at: tuple | None = None  # appearance() of the first member with the group's own text
    text: str | None = None
    least: str | None = None  # the least of the own text's spellings (its words count)
    publishers: set = field(default_factory=set)
    speakers: dict = field(default_factory=dict)  # id -> name
    speaker_sets: set = field(default_factory=set)  # each article's speakers, distinct sets
    last: str | None = None

    def add(self, rows: Iterable[tuple]) -> "Tally":
        """Members as tuples in QUOTE_FIELDS order."""
        own = own_hash(self.key)
        by_article: dict[str, set] = defaultdict(set)
        for row in rows:
            self.quotes += 1
            speakers_here = by_article[row[_ARTICLE]]  # an article counts with or without speakers
            at = appearance(row)
            if self.first is None or at < self.first:
                self.first = at
                self.first_row = {column: row[i] for column, i in _FIRST}
            if row[_HASH] == own:
                if self.text_at is None or at < self.text_at:
                    self.text_at, self.text = at, row[_TEXT]
                if self.least is None or row[_TEXT] < self.least:
                    self.least = row[_TEXT]
            if row[_PUBLISHER]:
                self.publishers.add(row[_PUBLISHER])
            if row[_SPEAKER] is not None:
                self.speakers[row[_SPEAKER]] = row[_NAME]
                speakers_here.add(row[_SPEAKER])
            if row[_PUBLISHED] and (self.last is None or row[_PUBLISHED] > self.last):
                self.last = row[_PUBLISHED]
        self.articles += len(by_article)
        self.speaker_sets.update(frozenset(s) for s in by_article.values() if s)
        return self

    def row(self) -> dict:
        """The quote_groups row."""
        if self.text is None:
            raise ValueError(f"quote group {self.key} has no member with its own text")
        # Disagreement needs two articles and two speakers, and words enough to be one
        # statement: "No" or "a disaster" in two articles is two people's own words.
        words = len(quote_words(self.least))
        conflicting = (words >= MIN_CONTAINED_WORDS and self.articles > 1 and len(self.speakers) > 1
                       and sets_disagree(self.speaker_sets))
        return {
            "key": self.key, "text": self.text, "words": words, "quotes": self.quotes,
            "articles": self.articles, "publishers": len(self.publishers), "speakers": len(self.speakers),
            "speaker_names": ", ".join(sorted({n for n in self.speakers.values() if n})) or None,
            "conflicting": int(conflicting), **self.first_row, "last_published": self.last,
        }

    def state(self) -> str | None:
        """What resuming needs beyond the row (None for a group of one quote, which is
        read again whole)."""
        if self.quotes < 2:
            return None
        return json.dumps({
            "first": list(self.first), "text_at": list(self.text_at), "least": self.least,
            "publishers": sorted(self.publishers), "speakers": sorted(self.speakers.items()),
            "speaker_sets": sorted(sorted(s) for s in self.speaker_sets),
        }, ensure_ascii=False)

    @classmethod
    def resume(cls, row: dict, state: str) -> "Tally":
        """The tally a group's row and kept state were made from."""
        s = json.loads(state)
        return cls(
            key=row["key"], quotes=row["quotes"], articles=row["articles"], first=tuple(s["first"]),
            first_row={column: row[column] for column, _ in _FIRST}, text_at=tuple(s["text_at"]),
            text=row["text"], least=s["least"], publishers=set(s["publishers"]),
            speakers={i: n for i, n in s["speakers"]}, speaker_sets={frozenset(x) for x in s["speaker_sets"]},
            last=row["last_published"],
        )


def quote_group_of_rows(key: str, rows: list[tuple]) -> dict:
    """The quote_groups row of one group from all its members (tuples in QUOTE_FIELDS order)."""
    return Tally(key).add(rows).row()
