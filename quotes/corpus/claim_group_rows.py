"""One claim group's row, from its claims, or from its last row and what it kept.

The same idea as quote_group_rows: `ClaimTally` counts a group's claims in any order,
and keeps what the row does not say (the publishers seen, where the first claim
appears) as a small state in `_claim_group_state`, for groups of more than one claim,
so that an incremental refresh that only adds new articles' claims to a group resumes
from the row instead of reading every claim of the group again.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

CLAIM_GROUP_COLUMNS = ("key", "kind", "subject_id", "subject_name", "object", "text", "claims",
                       "articles", "publishers", "first_reported", "last_reported", "first_claim_id",
                       "first_article_id", "first_publisher", "first_url")
# The group row's columns taken from its first claim: (column, the claim's field).
_FIRST = (("kind", "kind"), ("subject_id", "subject_id"), ("subject_name", "subject_name"),
          ("object", "norm"), ("text", "text"), ("first_claim_id", "id"), ("first_article_id", "article_id"),
          ("first_publisher", "publisher"), ("first_url", "url"))


def report_order(c: dict) -> tuple:
    """A claim's place in order of report: dated first, then by date, article,
    position, id (the order the refresh reads a group's claims in)."""
    return (c["reported"] is None, c["reported"] or "", c["article_id"], c["start"] or 0, c["id"])


@dataclass
class ClaimTally:
    """A claim group's row in the making. `add` takes whole articles' claims, of
    articles not added before; claims are dicts with the claim fields, norm and reported."""

    key: str
    claims: int = 0
    articles: int = 0
    first: tuple | None = None  # report_order() of the first claim
    first_row: dict = field(default_factory=dict)
    publishers: set = field(default_factory=set)
    first_reported: str | None = None
    last_reported: str | None = None

    def add(self, cs: Iterable[dict]) -> "ClaimTally":
        articles = set()
        for c in cs:
            self.claims += 1
            articles.add(c["article_id"])
            at = report_order(c)
            if self.first is None or at < self.first:
                self.first = at
                self.first_row = {column: c[f] for column, f in _FIRST}
            if c["publisher"]:
                self.publishers.add(c["publisher"])
            if reported := c["reported"]:
                if self.first_reported is None or reported < self.first_reported:
                    self.first_reported = reported
                if self.last_reported is None or reported > self.last_reported:
                    self.last_reported = reported
        self.articles += len(articles)
        return self

    def row(self) -> dict:
        """The claim_groups row."""
        return {"key": self.key, **self.first_row, "claims": self.claims, "articles": self.articles,
                "publishers": len(self.publishers), "first_reported": self.first_reported,
                "last_reported": self.last_reported}

    def state(self) -> str | None:
        """What resuming needs beyond the row (None for a group of one claim)."""
        if self.claims < 2:
            return None
        return json.dumps({"first": list(self.first), "publishers": sorted(self.publishers)}, ensure_ascii=False)

    @classmethod
    def resume(cls, row: dict, state: str) -> "ClaimTally":
        s = json.loads(state)
        return cls(key=row["key"], claims=row["claims"], articles=row["articles"], first=tuple(s["first"]),
                   first_row={column: row[column] for column, _ in _FIRST}, publishers=set(s["publishers"]),
                   first_reported=row["first_reported"], last_reported=row["last_reported"])
