"""Dates and bylines: the header lines of an article ("By Jane Doe | March 18, 2025")
and the date values its metadata carries, for every reader.

A header line is made only of dates, bylines and times, so that a sentence that
merely mentions a date is never taken for one.
"""
from __future__ import annotations

import re
import warnings
from datetime import datetime, timezone

from dateutil import parser as date_parser

from quotes import wordlists

_EPOCH_A = datetime(2000, 1, 1)
_EPOCH_B = datetime(2001, 2, 2)


def iso_date(value: str | int | float | None) -> str | None:
    """Any date text (or Unix timestamp) -> ISO date; "2025-03" / "2025" when partial.

    dateutil fills missing parts from a default; parsing twice with different
    defaults shows which parts were really there, so "March 2025" is not
    silently turned into the 1st (or today's day) of March.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return _timestamp_date(value)
    text = str(value).strip()
    if not text or len(text) > 100:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            first = date_parser.parse(text, default=_EPOCH_A)
            second = date_parser.parse(text, default=_EPOCH_B)
        except (ValueError, OverflowError):
            return None
    if first.year != second.year:
        return None
    if first.month != second.month:
        return f"{first.year:04d}"
    if first.day != second.day:
        return f"{first.year:04d}-{first.month:02d}"
    return first.date().isoformat()


def _timestamp_date(value: int | float) -> str | None:
    """Unix seconds (or milliseconds, when implausibly large) -> ISO date in UTC."""
    seconds = value / 1000 if abs(value) > 1e11 else value
    try:
        return datetime.fromtimestamp(seconds, tz=timezone.utc).date().isoformat()
    except (OverflowError, OSError, ValueError):
        return None


_MONTH = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november"
    r"|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?"
)
_YEAR = r"(?:19|20)\d\d"
_DATE_SHAPE = re.compile(
    rf"\b{_MONTH}(?![a-z]).*\b{_YEAR}\b"  # March 18, 2025 / Tuesday, March 18, 2025
    rf"|\b{_YEAR}\b.*\b{_MONTH}(?![a-z])"  # 2025 March 18
    rf"|\b\d\d?\s+{_MONTH}(?![a-z])"  # 18 March 2025 (year checked by the first branch)
    rf"|^{_YEAR}-\d\d?-\d\d?(?:[T ][\d:.+\-Z]*)?$"  # 2025-03-18
    rf"|^\d\d?[/.]\d\d?[/.]{_YEAR}$",  # 03/18/2025
    re.IGNORECASE,
)
_DATE_PREFIX = re.compile(
    r"^(?:(?:first\s+|last\s+)?(?:published|updated|posted|modified)|date|dated)\b\s*(?:on|at)?\s*:?\s*",
    re.IGNORECASE,
)
_TIME_SUFFIX = re.compile(
    r"[,\s]+(?:at\s+)?\d\d?[:.]\d\d(?:[:.]\d\d)?(?:\s*[ap]\.?\s?m\.?)?(?:\s+[A-Z]{2,5})?$",
    re.IGNORECASE,
)
_TIME_ONLY = re.compile(r"^\d\d?[:.]\d\d(?:\s*[ap]\.?\s?m\.?)?(?:\s+[A-Z]{2,5})?$", re.IGNORECASE)
_SEGMENT_SPLIT = re.compile(r"\s+[|·•—–]\s+")
_NOT_NAME = re.compile(rf"^(?:{_MONTH}|(?:mon|tues|wednes|thurs|fri|satur|sun)day)\W*$", re.IGNORECASE)
_CAPITALISED = re.compile(r"^[A-Z][\w.'’\-]*,?$")
_NAME_PARTICLES = wordlists.words("bylines.txt")  # "de", "von", "and"


def date_line(segment: str) -> tuple[str, bool] | None:
    """(ISO date, was_updated) when `segment` is wholly a date, else None.

    "Published March 18, 2025", "Tuesday, March 18, 2025", "18 March 2025",
    "2025-03-18" qualify; a sentence that merely mentions a date does not.
    """
    text = segment.strip().strip("*_").strip()
    prefix = _DATE_PREFIX.match(text)
    updated = bool(prefix and re.search(r"updated|modified", prefix.group(0), re.I))
    text = _TIME_SUFFIX.sub("", text[prefix.end():] if prefix else text).strip(" ,")
    if not text or len(text) > 60 or not _DATE_SHAPE.search(text):
        return None
    if not re.search(_YEAR, text):
        return None
    iso = iso_date(text)
    return (iso, updated) if iso else None


def byline(segment: str) -> str | None:
    """The author in "By Jane Doe" / "By Jane Doe and John Roe", else None."""
    match = re.match(r"^\s*by\s+(.+?)\s*$", segment.strip().strip("*_"), re.IGNORECASE)
    if not match:
        return None
    name = match.group(1).rstrip(",;")
    words = name.split()
    if not words or len(words) > 10 or len(name) > 100 or _NOT_NAME.match(words[0]):
        return None
    if not words[0][:1].isupper() or not all(
            _CAPITALISED.match(word) or word in _NAME_PARTICLES for word in words):
        return None
    return name


def metadata_line(line: str) -> tuple[tuple[str, bool] | None, str | None] | None:
    """(date, author) found on a header line made only of dates, bylines and times."""
    found_date: tuple[str, bool] | None = None
    found_author: str | None = None
    for segment in _SEGMENT_SPLIT.split(line.strip()):
        if (parsed := date_line(segment)) is not None:
            found_date = found_date or parsed
        elif (name := byline(segment)) is not None:
            found_author = found_author or name
        elif not _TIME_ONLY.match(segment.strip()):
            return None
    if found_date is None and found_author is None:
        return None
    return found_date, found_author
