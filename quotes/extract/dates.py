"""Dates: publication dates parsed, relative expressions resolved against them.

News writes "Tuesday", "last month", "on March 3" and means the most recent such day
before publication; python-dateutil does the parsing and the calendar arithmetic.
Results are ISO strings, partial when the text is: "2025-03-18", "2025-02", "2024".
"""
from __future__ import annotations

import re
from datetime import date

from dateutil import parser as dateparser
from dateutil.relativedelta import FR, MO, SA, SU, TH, TU, WE, relativedelta

from quotes import wordlists
from quotes.extract.lexicon import alternation, word_trie

_WEEKDAYS = dict(zip(wordlists.lines("calendar.txt", "weekday"), (MO, TU, WE, TH, FR, SA, SU)))
_MONTHS = wordlists.lines("calendar.txt", "month")
_MONTH_ABBR = rf"(?:{alternation('calendar.txt', 'month_abbr')})\.?"
_MONTH = rf"(?:{'|'.join(_MONTHS)}|{_MONTH_ABBR})"
_NUMBERS = {w: int(n[0]) if n else None
            for w, *n in (line.split() for line in wordlists.lines("dates.txt", "count"))}
_NUMBER = "|".join(w for w, n in _NUMBERS.items() if n)
_TH = f"(?:{alternation('dates.txt', 'ordinal_suffix')})"
_UNIT = alternation("dates.txt", "unit")
_DAY_PARTS = wordlists.lines("dates.txt", "day_part")
_WEEKDAY = alternation("calendar.txt", "weekday")

DATE_EXPRESSION = re.compile(
    rf"""\b(?:
      (?P<full>{_MONTH}\s+\d{{1,2}}{_TH}?,?\s+\d{{4}}
              |\d{{1,2}}{_TH}?\s+{_MONTH},?\s+\d{{4}}
              |\d{{4}}-\d{{2}}-\d{{2}})
     |(?P<monthday>{_MONTH}\s+\d{{1,2}}{_TH}?(?!\d)
              |\d{{1,2}}{_TH}?\s+{_MONTH})
     |(?P<monthyear>{_MONTH}\s+(?:of\s+)?\d{{4}})
     |(?:last|this|past)\s+(?P<relunit>week|month|year)
     |(?:earlier|later)\s+this\s+(?P<thisunit>week|month|year)
     |(?P<ago>(?:\d+|{_NUMBER})\s+
              (?P<agounit>{alternation('dates.txt', 'ago_unit')})s?\s+ago)
     |(?P<day>today|yesterday|tonight|this\s+(?:morning|afternoon|evening))
     |(?:(?:{alternation('dates.txt', 'before_weekday')})\s+)?(?P<weekday>{_WEEKDAY})
       (?:\s+(?:{'|'.join(_DAY_PARTS)}))?
     |(?P<monthrel>{'|'.join(_MONTHS)})\s+(?P<relword>last|this)\s+year
     |(?P<anaph>the\s+(?:{alternation('dates.txt', 'sequence')})\s+(?:{_UNIT})
              |the\s+day\s+(?:before|after)|a\s+day\s+(?:later|earlier))
     |(?:{alternation('dates.txt', 'before_month')})\s+(?P<month>{'|'.join(_MONTHS)})(?!\s+\d|\s+(?:last|this)\s+year)
     |(?:in|since|during)\s+(?P<year>(?:19|20)\d{{2}})
    )\b""",
    re.IGNORECASE | re.VERBOSE,
)


# Every match of DATE_EXPRESSION holds a digit or one of these words (a month name holds
# its abbreviation, a weekday "day", "tonight" "night"); most texts hold none, and this
# test is several times cheaper than the expression. A trie behind a look-ahead at the
# first letters: the same matches as the plain alternation, fewer tries per position.
_DATE_WORDS = wordlists.lines("dates.txt", "trigger")
DATEISH = re.compile(
    rf"(?i:(?=[\d{''.join(sorted({w[0] for w in _DATE_WORDS}))}])"
    rf"(?:\d|{word_trie(_DATE_WORDS)}))")


def _published(published: str | None) -> date | None:
    if not published or len(published) < 10:
        return None
    try:
        return date.fromisoformat(published[:10])
    except ValueError:
        return None


def _month_back(ref: date, month: int) -> str:
    """The most recent named month at or before the reference date."""
    year = ref.year if month <= ref.month else ref.year - 1
    return f"{year:04d}-{month:02d}"


def _anchor_parts(anchor: str | None) -> tuple[int | None, int | None, int | None]:
    """(year, month, day) of an ISO date or partial date, None where absent."""
    m = re.match(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$", anchor or "")
    if not m:
        return None, None, None
    return tuple(int(x) if x else None for x in m.groups())


def _from_anchor(phrase: str, anchor: str | None) -> str | None:
    """'the following month', 'the previous day': a date counted from the date the text
    just gave (the anchor), at the anchor's own precision or coarser; None without one."""
    y, mo, d = _anchor_parts(anchor)
    if y is None:
        return None
    words = phrase.lower().split()
    unit = next((w for w in _UNIT.split("|") if w in words), "day")
    unit = "day" if unit in _DAY_PARTS else unit
    step = 0 if "same" in words else -1 if ({"previous", "before", "earlier"} & set(words)) else 1
    if unit in ("day", "week"):
        if d is None:  # a day after something in December is still December
            return f"{y:04d}-{mo:02d}" if mo else f"{y:04d}"
        base = date(y, mo, d) + relativedelta(days=step * (7 if unit == "week" else 1))
        return base.isoformat()
    if unit == "month":
        if mo is None:
            return f"{y:04d}"
        base = date(y, mo, 1) + relativedelta(months=step)
        return f"{base.year:04d}-{base.month:02d}"
    return f"{y + step:04d}"


def _in_anchor_year(month: int, anchor: str | None, ref: date) -> int | None:
    """The year a bare month ('In May', 'on June 30') means in a passage about an earlier
    year ('On March 19, 2020, ... In May, ...'): the anchor's year, or the next one when
    the month comes before the anchor's. None when the anchor is no earlier year."""
    y, mo, _ = _anchor_parts(anchor)
    if y is None or y >= ref.year:
        return None
    return y + 1 if mo and month < mo else y


def resolve(match: re.Match, published: str | None, anchor=None) -> str | None:
    """The ISO (possibly partial) date a DATE_EXPRESSION match denotes. The anchor is the
    last date the text gave before the match, for dates counted from it: a string, or a
    function giving it, called only when a match needs it (finding it costs a scan)."""
    ref = _published(published)
    if callable(anchor) and (match.group("anaph") or match.group("month") or match.group("monthday")):
        anchor = anchor()
    elif callable(anchor):
        anchor = None
    g = match.groupdict()
    try:
        for group, needs_ref, how in _RESOLVERS:
            if g[group]:
                if needs_ref and ref is None:
                    return None
                return how(g, match.group(0), ref, anchor)
    except (ValueError, OverflowError):
        return None
    return None


def _monthday(g, text, ref, anchor):
    d = dateparser.parse(g["monthday"].replace(".", ""), default=_as_dt(ref)).date()
    year = _in_anchor_year(d.month, anchor, ref)
    if year is not None:
        return d.replace(year=year).isoformat()
    if d > ref + relativedelta(days=7):
        d = d - relativedelta(years=1)
    return d.isoformat()


def _monthrel(g, text, ref, anchor):
    month = _MONTHS.index(g["monthrel"].lower()) + 1
    year = ref.year - (1 if g["relword"].lower() == "last" else 0)
    return f"{year:04d}-{month:02d}"


def _relunit(g, text, ref, anchor):
    word = text.split()[0].lower()
    unit = g["relunit"].lower()
    if unit == "month":
        d = ref if word == "this" else ref - relativedelta(months=1)
        return f"{d.year:04d}-{d.month:02d}"
    if unit == "year":
        return f"{ref.year if word == 'this' else ref.year - 1:04d}"
    return None  # weeks have no ISO partial form worth storing


def _thisunit(g, text, ref, anchor):
    unit = g["thisunit"].lower()
    if unit == "month":
        return f"{ref.year:04d}-{ref.month:02d}"
    if unit == "year":
        return f"{ref.year:04d}"
    return None


def _ago(g, text, ref, anchor):
    n_word = g["ago"].split()[0].lower()
    n = int(n_word) if n_word.isdigit() else _NUMBERS.get(n_word)
    if not n:
        return None
    unit = g["agounit"].lower()
    d = ref - relativedelta(**{unit + "s": n})
    if unit == "day" or unit == "week":
        return d.isoformat()
    if unit == "month":
        return f"{d.year:04d}-{d.month:02d}"
    return f"{d.year:04d}"


def _weekday(g, text, ref, anchor):
    wd = _WEEKDAYS[g["weekday"].lower()]
    first = text.split()[0].lower()
    if first == "next":
        return (ref + relativedelta(days=1, weekday=wd(+1))).isoformat()
    if first == "last":
        return (ref - relativedelta(days=1) + relativedelta(weekday=wd(-1))).isoformat()
    return (ref + relativedelta(weekday=wd(-1))).isoformat()


def _month(g, text, ref, anchor):
    month = _MONTHS.index(g["month"].lower()) + 1
    year = _in_anchor_year(month, anchor, ref)
    return f"{year:04d}-{month:02d}" if year is not None else _month_back(ref, month)


# (group of DATE_EXPRESSION, whether it needs the publication date, how to resolve it),
# in the order the groups are tried.
_RESOLVERS = (
    ("anaph", False, lambda g, text, ref, anchor: _from_anchor(g["anaph"], anchor)),
    ("full", False, lambda g, text, ref, anchor:
        dateparser.parse(g["full"].replace(".", "")).date().isoformat()),
    ("monthyear", False, lambda g, text, ref, anchor: (
        lambda d: f"{d.year:04d}-{d.month:02d}")(
            dateparser.parse(g["monthyear"].replace(".", "").replace(" of ", " ")))),
    ("monthday", True, _monthday),
    ("monthrel", True, _monthrel),
    ("relunit", True, _relunit),
    ("thisunit", True, _thisunit),
    ("ago", True, _ago),
    ("day", True, lambda g, text, ref, anchor:
        (ref - relativedelta(days=1) if g["day"].lower() == "yesterday" else ref).isoformat()),
    ("weekday", True, _weekday),
    ("month", True, _month),
    ("year", True, lambda g, text, ref, anchor: g["year"]),
)


def _as_dt(d: date):
    from datetime import datetime

    return datetime(d.year, d.month, d.day)


def find_date(text: str, published: str | None, anchor=None, last: bool = False) -> tuple[str | None, str | None]:
    """(ISO date, the words it came from) for the first (or last) resolvable expression
    in text; the anchor is the date the text gave just before, for 'the following month'."""
    if not DATEISH.search(text):
        return None, None
    found = (None, None)
    for m in DATE_EXPRESSION.finditer(text):
        iso = resolve(m, published, anchor)
        if iso:
            if not last:
                return iso, m.group(0)
            found = (iso, m.group(0))
    return found


def anchor_before(text: str, published: str | None, anchor: str | None = None) -> str | None:
    """The date a passage has reached by its end: each expression resolved against the
    one before it ('On March 19, 2020, ... The following month ...' ends in 2020-04)."""
    if not DATEISH.search(text):
        return anchor
    for m in DATE_EXPRESSION.finditer(text):
        anchor = resolve(m, published, anchor) or anchor
    return anchor


# Words whose clause dates something other than the statement: a relative clause about a
# noun ('the institute, which was founded in 1985'), an earlier or later happening ('after
# the court had ruled, on June 29, that'). The clause runs to the next comma or stop, a
# date set off by commas right after it included.
_OTHER_CLAUSE = re.compile(
    rf"\b(?<!\bday\s)(?:{alternation('dates.txt', 'other_clause')})\b"
    r"(?P<clause>[^,;:.!?]*)(?P<date>,\s*(?:on|in|at)\s[^,;:.!?]*(?=,))?", re.IGNORECASE)
# A clause with a verb of its own ('after the court had ruled') owns the date after it.
_FINITE = re.compile(rf"\b(?:{alternation('dates.txt', 'auxiliary')})\s+(?:\w+ly\s+)?\w+ed\b"
                     rf"|\b\w+ed\s+(?:{alternation('dates.txt', 'after_participle')})\b")


def without_other_clauses(text: str) -> str:
    """Text with the clauses that date something else blanked (same length, same offsets)."""
    if not DATEISH.search(text):
        return text
    def blank(m: re.Match) -> str:
        keep = m.group("date") if m.group("date") and not _FINITE.search(m.group("clause")) else ""
        return " " * (len(m.group(0)) - len(keep)) + keep
    return _OTHER_CLAUSE.sub(blank, text)


def not_after(iso: str | None, published: str | None) -> str | None:
    """A said_on is never after publication: 'ahead of the Oct. 27 election' is no
    statement date."""
    if iso and published and iso > published[: len(iso)]:
        return None
    return iso
