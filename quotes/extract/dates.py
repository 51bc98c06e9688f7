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

from quotes.extract.lexicon import word_trie

_WEEKDAYS = {"monday": MO, "tuesday": TU, "wednesday": WE, "thursday": TH, "friday": FR,
             "saturday": SA, "sunday": SU}
_MONTHS = ("january february march april may june july august september october "
           "november december").split()
_MONTH_ABBR = r"(?:jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\.?"
_MONTH = rf"(?:{'|'.join(_MONTHS)}|{_MONTH_ABBR})"
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10, "a": 1, "an": 1, "several": None}

DATE_EXPRESSION = re.compile(
    rf"""\b(?:
      (?P<full>{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}
              |\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}
              |\d{{4}}-\d{{2}}-\d{{2}})
     |(?P<monthday>{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?!\d)
              |\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH})
     |(?P<monthyear>{_MONTH}\s+(?:of\s+)?\d{{4}})
     |(?:last|this|past)\s+(?P<relunit>week|month|year)
     |(?:earlier|later)\s+this\s+(?P<thisunit>week|month|year)
     |(?P<ago>(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|a|an)\s+
              (?P<agounit>day|week|month|year)s?\s+ago)
     |(?P<day>today|yesterday|tonight|this\s+(?:morning|afternoon|evening))
     |(?:(?:last|this|on|next)\s+)?(?P<weekday>monday|tuesday|wednesday|thursday|friday|saturday|sunday)
       (?:\s+(?:morning|afternoon|evening|night))?
     |(?:in|since|until|by|during|from)\s+(?P<month>{'|'.join(_MONTHS)})(?!\s+\d)
     |(?:in|since|during)\s+(?P<year>(?:19|20)\d{{2}})
    )\b""",
    re.IGNORECASE | re.VERBOSE,
)


# Every match of DATE_EXPRESSION holds a digit or one of these words (a month name holds
# its abbreviation, a weekday "day", "tonight" "night"); most texts hold none, and this
# test is several times cheaper than the expression. A trie behind a look-ahead at the
# first letters: the same matches as the plain alternation, fewer tries per position.
_DATE_WORDS = ("day night morning afternoon evening week month year ago jan feb mar apr "
               "may jun jul aug sep oct nov dec").split()
DATEISH = re.compile(
    rf"(?i:(?=[\d{''.join(sorted({w[0] for w in _DATE_WORDS}))}])"
    rf"(?:\d|{word_trie(_DATE_WORDS)}))")


def parse_date(text: str | None) -> str | None:
    """An ISO date from a publication-date string in any common format, else None."""
    if not text or not str(text).strip():
        return None
    text = str(text).strip()
    if re.fullmatch(r"\d{4}", text):
        return text
    if re.fullmatch(r"\d{4}-\d{2}", text):
        return text
    try:
        d = dateparser.parse(text, fuzzy=False, default=None)
    except (ValueError, OverflowError, TypeError):
        try:
            d = dateparser.parse(text, fuzzy=True)
        except (ValueError, OverflowError, TypeError):
            return None
    if d is None or not (1000 <= d.year <= 9999):
        return None
    return d.date().isoformat()


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


def resolve(match: re.Match, published: str | None) -> str | None:
    """The ISO (possibly partial) date a DATE_EXPRESSION match denotes."""
    ref = _published(published)
    g = match.groupdict()
    text = match.group(0)
    try:
        if g["full"]:
            return dateparser.parse(g["full"].replace(".", "")).date().isoformat()
        if g["monthyear"]:
            d = dateparser.parse(g["monthyear"].replace(".", "").replace(" of ", " "))
            return f"{d.year:04d}-{d.month:02d}"
        if ref is None:
            return None
        if g["monthday"]:
            d = dateparser.parse(g["monthday"].replace(".", ""), default=_as_dt(ref)).date()
            if d > ref + relativedelta(days=7):
                d = d - relativedelta(years=1)
            return d.isoformat()
        if g["relunit"]:
            word = text.split()[0].lower()
            unit = g["relunit"].lower()
            if unit == "month":
                d = ref if word == "this" else ref - relativedelta(months=1)
                return f"{d.year:04d}-{d.month:02d}"
            if unit == "year":
                return f"{ref.year if word == 'this' else ref.year - 1:04d}"
            return None  # weeks have no ISO partial form worth storing
        if g["thisunit"]:
            unit = g["thisunit"].lower()
            if unit == "month":
                return f"{ref.year:04d}-{ref.month:02d}"
            if unit == "year":
                return f"{ref.year:04d}"
            return None
        if g["ago"]:
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
        if g["day"]:
            word = g["day"].lower()
            return (ref - relativedelta(days=1) if word == "yesterday" else ref).isoformat()
        if g["weekday"]:
            wd = _WEEKDAYS[g["weekday"].lower()]
            first = text.split()[0].lower()
            if first == "next":
                return (ref + relativedelta(days=1, weekday=wd(+1))).isoformat()
            if first == "last":
                return (ref - relativedelta(days=1) + relativedelta(weekday=wd(-1))).isoformat()
            return (ref + relativedelta(weekday=wd(-1))).isoformat()
        if g["month"]:
            return _month_back(ref, _MONTHS.index(g["month"].lower()) + 1)
        if g["year"]:
            return g["year"]
    except (ValueError, OverflowError):
        return None
    return None


def _as_dt(d: date):
    from datetime import datetime

    return datetime(d.year, d.month, d.day)


def find_date(text: str, published: str | None) -> tuple[str | None, str | None]:
    """(ISO date, the words it came from) for the first resolvable expression in text."""
    if not DATEISH.search(text):
        return None, None
    for m in DATE_EXPRESSION.finditer(text):
        iso = resolve(m, published)
        if iso:
            return iso, m.group(0)
    return None, None
