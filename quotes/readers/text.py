"""Plain-text and Markdown articles laid out like the seed example.

    # Title
    March 18, 2025            <- a line that is wholly a date (optionally "By X |")
    paragraphs...             <- [links](url) reduced to their words, **emphasis** dropped
    Original url:
    <https://www.example.com/...>

The body is what downstream offsets index, so it is cleaned here once and never
again: headings, boilerplate ("Related article: ...", "Advertisement"), the footer
and the metadata lines are dropped; prose is kept exactly as written, including
editorial brackets such as "[Russia's nuclear agency] Rosatom".
"""
from __future__ import annotations

import re
import warnings
from datetime import datetime, timezone
from urllib.parse import urlsplit

from dateutil import parser as date_parser

from quotes.model import Article, ReadError

# ---------------------------------------------------------------- publishers

PUBLISHERS: dict[str, str] = {
    "themoscowtimes.com": "The Moscow Times",
    "nytimes.com": "The New York Times",
    "washingtonpost.com": "The Washington Post",
    "bbc.co.uk": "BBC News",
    "bbc.com": "BBC News",
    "theguardian.com": "The Guardian",
    "guardian.co.uk": "The Guardian",
    "reuters.com": "Reuters",
    "apnews.com": "AP News",
    "politico.com": "Politico",
    "politico.eu": "Politico Europe",
    "usatoday.com": "USA Today",
    "breitbart.com": "Breitbart",
    "huffingtonpost.com": "HuffPost",
    "huffpost.com": "HuffPost",
    "cnn.com": "CNN",
    "foxnews.com": "Fox News",
    "westernjournal.com": "Western Journal",
    "wsj.com": "The Wall Street Journal",
    "ft.com": "Financial Times",
    "bloomberg.com": "Bloomberg",
    "economist.com": "The Economist",
    "npr.org": "NPR",
    "nbcnews.com": "NBC News",
    "cbsnews.com": "CBS News",
    "abcnews.go.com": "ABC News",
    "cnbc.com": "CNBC",
    "latimes.com": "Los Angeles Times",
    "nypost.com": "New York Post",
    "axios.com": "Axios",
    "thehill.com": "The Hill",
    "theatlantic.com": "The Atlantic",
    "newyorker.com": "The New Yorker",
    "newsweek.com": "Newsweek",
    "time.com": "Time",
    "vox.com": "Vox",
    "theverge.com": "The Verge",
    "wired.com": "Wired",
    "propublica.org": "ProPublica",
    "talkingpointsmemo.com": "Talking Points Memo",
    "aljazeera.com": "Al Jazeera",
    "dw.com": "DW",
    "france24.com": "France 24",
    "euronews.com": "Euronews",
    "afp.com": "AFP",
    "independent.co.uk": "The Independent",
    "telegraph.co.uk": "The Telegraph",
    "thetimes.co.uk": "The Times",
    "dailymail.co.uk": "Daily Mail",
    "news.sky.com": "Sky News",
    "cbc.ca": "CBC News",
    "abc.net.au": "ABC News (Australia)",
    "smh.com.au": "The Sydney Morning Herald",
    "kyivindependent.com": "The Kyiv Independent",
    "meduza.io": "Meduza",
    "tass.com": "TASS",
}

_HOST_PREFIXES = ("www.", "www2.", "m.", "mobile.", "amp.")


def publisher_for_url(url: str | None) -> str | None:
    """A readable publisher name for an article URL: known name, else the bare domain."""
    if not url:
        return None
    try:
        host = (urlsplit(url.strip()).hostname or "").rstrip(".").lower()
    except ValueError:  # "https://e.com[a": an invalid IPv6 host, or a bad port
        return None
    if not host:
        return None
    for domain, name in PUBLISHERS.items():
        if host == domain or host.endswith("." + domain):
            return name
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") > 1:
            return host[len(prefix):]
    return host


# --------------------------------------------------------------------- dates

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
_NAME_WORD = re.compile(r"^(?:[A-Z][\w.'’\-]*,?|and|&|de|del|der|da|di|van|von|la|le|al|bin)$")


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
    if not words[0][:1].isupper() or not all(_NAME_WORD.match(word) for word in words):
        return None
    return name


def _metadata_line(line: str) -> tuple[tuple[str, bool] | None, str | None] | None:
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


# ------------------------------------------------------------ inline markup

# Each pattern stops at the next opening character or after a bounded span, so that
# hostile text ("**a " or "<http://" repeated 20,000 times) costs linear time, not the
# quadratic time of a lazy match that scans to the end from every opener.
_IMAGE = re.compile(r"!\[[^\[\]]*\]\([^()\n]*\)")
_LINK = re.compile(
    r"\[((?:[^\[\]]|\[[^\[\]]*\])*)\]"  # link text, one level of nested brackets
    r"(?:\((?:[^()\s]|\([^()]*\))*(?:\s+\"[^\"]*\")?\)"  # (url "title")
    r"|\[[^\[\]]*\])"  # or [reference]
)
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^<>\s]+)>")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.{1,500}?)(?<=\S)\1", re.DOTALL)
_EMPHASIS = re.compile(r"(?<![\w*])\*(?=[^\s*])(.{1,500}?)(?<=[^\s*])\*(?![\w*])", re.DOTALL)
_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def clean_inline(text: str, markdown: bool = False) -> str:
    """Drop images, reduce links to their words, drop emphasis markers.

    Applied to .txt files too: scraped "text" articles (like the seed) carry
    Markdown links and bold. Lone brackets without "(url)" are editorial and stay.
    """
    text = _IMAGE.sub("", text)
    text = _LINK.sub(lambda match: match.group(1), text)
    text = _AUTOLINK.sub(lambda match: match.group(1), text)
    text = _STRONG.sub(lambda match: match.group(2), text)
    text = _EMPHASIS.sub(lambda match: match.group(1), text)
    if markdown:
        text = _MD_ESCAPE.sub(lambda match: match.group(1), text)
    return text


# -------------------------------------------------------------- line kinds

_ATX_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$|^ {0,3}(#{1,6})[ \t]*$")
_SETEXT_RULE = re.compile(r"^ {0,3}(=+|-{2,})[ \t]*$")
_THEMATIC_BREAK = re.compile(r"^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")
_REFERENCE_DEF = re.compile(r"^ {0,3}\[[^\]]+\]:\s*\S+")
_FOOTER_LABEL = re.compile(  # "Original url:", "**Source URL:** <https://...>", "Original link"
    r"^\s*(?:\*\*|__)?\s*(?:original|source|canonical)\s+(?:url|link)\s*"
    r"(?::\s*(?:\*\*|__)?\s*(.*)|(?:\*\*|__)?\s*)$",
    re.IGNORECASE,
)
_URL = re.compile(r"https?://[^\s<>\"'\[\]()]+")
_BOILERPLATE = re.compile(
    r"""^(?:
        related(?:\s+(?:articles?|stories|story|coverage|content|reading|links?))?\s*:.*
      | related(?:\s+(?:articles?|stories|coverage))?
      | (?:read|see)\s+(?:more|also|next)\b.*
      | more\s+on\s+this\s+story\b.*
      | share(?:\s+(?:this|on)\b.*)?
      | (?:advertisement|advert|sponsored(?:\s+content)?|ad)
      | sign\s+up\b.*\bnewsletters?\b.*
      | subscribe\b.*\b(?:newsletters?|today|now|here)\b.*
      | follow\s+us\s+on\b.*
      | click\s+here\b.*
      | continue\s+reading\b.*
      | story\s+continues\s+below\b.*
    )$""",
    re.IGNORECASE | re.VERBOSE,
)


def is_boilerplate(line: str) -> bool:
    """Site furniture that is not article prose ("Read more", "Advertisement"...)."""
    text = line.strip().strip("*_:").strip()
    return len(text) <= 200 and bool(_BOILERPLATE.match(text))


def _headings(lines: list[str], start: int) -> tuple[dict[int, tuple[int, str]], set[int]]:
    """{line index: (level, text)} for ATX and setext headings, plus setext underline lines."""
    found: dict[int, tuple[int, str]] = {}
    underlines: set[int] = set()
    for index in range(start, len(lines)):
        line = lines[index]
        if match := _ATX_HEADING.match(line):
            level = len(match.group(1) or match.group(3))
            found[index] = (level, (match.group(2) or "").strip())
        elif (
            index + 1 < len(lines)
            and (rule := _SETEXT_RULE.match(lines[index + 1]))
            and line.strip()
            and len(line.strip()) < 120
            and (index == start or not lines[index - 1].strip())
            and not _THEMATIC_BREAK.match(line)
        ):
            found[index] = (1 if rule.group(1)[0] == "=" else 2, line.strip())
            underlines.add(index + 1)
    return found, underlines


# ------------------------------------------------------------ front matter

_FRONT_KEYS = {
    "title": "title", "headline": "title",
    "date": "published", "published": "published", "published_at": "published",
    "pubdate": "published", "publish_date": "published",
    "author": "author", "authors": "author", "byline": "author",
    "url": "url", "link": "url", "canonical_url": "url", "source_url": "url",
    "publisher": "publisher", "site_name": "publisher", "site": "publisher",
    "section": "section", "category": "section",
}


def _front_matter(lines: list[str]) -> tuple[int, dict[str, str]]:
    """(first body line index, fields) of a leading "---" YAML-ish block, if any."""
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None or lines[first].strip() != "---":
        return 0, {}
    fields: dict[str, str] = {}
    for index in range(first + 1, min(len(lines), first + 60)):
        line = lines[index]
        if line.strip() in ("---", "..."):
            return (index + 1, fields) if fields else (0, {})
        match = re.match(r"^([A-Za-z_][\w-]*)\s*:\s*(.*)$", line)
        if match:
            key = _FRONT_KEYS.get(match.group(1).lower().replace("-", "_"))
            value = match.group(2).strip().strip("\"'").strip()
            if key and value and key not in fields:
                fields[key] = value
        elif line.strip() and not line.startswith((" ", "\t", "-")):
            return 0, {}
    return 0, {}


# ------------------------------------------------------------------ reader


def _footer_url(lines: list[str], start: int, drop: set[int]) -> str | None:
    """The URL of the last "Original url:" footer; its lines are added to `drop`."""
    for index in range(len(lines) - 1, start - 1, -1):
        match = _FOOTER_LABEL.match(lines[index])
        if not match:
            continue
        drop.add(index)
        if url := _URL.search(match.group(1) or ""):
            return url.group(0).rstrip(".,;")
        for after in range(index + 1, min(len(lines), index + 4)):
            if not lines[after].strip():
                continue
            if url := _URL.search(lines[after]):
                drop.add(after)
                return url.group(0).rstrip(".,;")
            break
        return None
    return None


def _plain_title(lines: list[str], start: int, drop: set[int]) -> int | None:
    """Index of a plain first line that is a headline, not a short lead paragraph.

    Short, followed by a blank line, not opening with a quote mark, not ending like
    a sentence, and backed by structure: a date/byline right after it, or headline
    capitalisation. Real bodies often open with a short standfirst; losing it to
    the title would lose prose, which is worse than a missing title.
    """
    candidates = [i for i in range(start, len(lines)) if lines[i].strip() and i not in drop][:4]
    for position, index in enumerate(candidates):
        line = lines[index].strip()
        if _metadata_line(line) is not None:
            continue
        followed_by_blank = index + 1 >= len(lines) or not lines[index + 1].strip()
        if (
            len(line) >= 200
            or not followed_by_blank
            or position == len(candidates) - 1
            or line[0] in _QUOTE_MARKS
            or line[-1] in ".,:;!" + _QUOTE_MARKS
        ):
            return None
        following = candidates[position + 1 : position + 3]
        if _is_headline_case(line) or any(_metadata_line(lines[i]) for i in following):
            return index
        return None
    return None


_QUOTE_MARKS = "\"'“”‘’«»„"


def _is_headline_case(line: str) -> bool:
    """Every word of four letters or more starts with a capital ("Envoy Says He Will...")."""
    words = [word.strip("\"'“”‘’(),;:!?—–-") for word in line.split()]
    long_words = [word for word in words if len(word) >= 4 and word[:1].isalpha()]
    return bool(long_words) and all(word[0].isupper() for word in long_words)


def _title(
    lines: list[str], start: int, headings: dict[int, tuple[int, str]], drop: set[int]
) -> tuple[int | None, str | None]:
    """The first level-1 heading; else a leading heading; else a headline-like first line."""
    for index, (level, text) in headings.items():
        if level == 1 and text and index not in drop:
            return index, text
    first = next((i for i in range(start, len(lines)) if lines[i].strip() and i not in drop), None)
    if first is not None and first in headings and headings[first][1]:
        return first, headings[first][1]
    index = _plain_title(lines, start, drop)
    return (index, lines[index].strip()) if index is not None else (None, None)


def _header(
    lines: list[str], start: int, skip: set[int], drop: set[int]
) -> tuple[str | None, str | None]:
    """(published, author) from metadata lines among the first few non-blank lines."""
    published: tuple[str, bool] | None = None
    author: str | None = None
    seen = 0
    for index in range(start, len(lines)):
        if index in skip or index in drop or not lines[index].strip():
            continue
        seen += 1
        if seen > 6:
            break
        found = _metadata_line(lines[index])
        if found is None:
            continue
        drop.add(index)
        line_date, line_author = found
        if line_date and (published is None or (published[1] and not line_date[1])):
            published = line_date
        author = author or line_author
    return (published[0] if published else None), author


def _paragraphs(lines: list[str], start: int, skip: set[int]) -> list[list[str]]:
    """Raw line groups separated by blank or skipped lines."""
    groups: list[list[str]] = []
    current: list[str] = []
    for index in range(start, len(lines)):
        line = lines[index]
        if index in skip or not line.strip():
            if current:
                groups.append(current)
            current = []
        else:
            current.append(line)
    if current:
        groups.append(current)
    return groups


def _clean_paragraph(raw: list[str], markdown: bool) -> str:
    """One paragraph of prose: inline markup cleaned, furniture lines dropped."""
    if markdown:
        raw = [re.sub(r"^ {0,3}>[ ]?", "", line) for line in raw]
    text = clean_inline("\n".join(raw), markdown)
    kept = [
        line.rstrip()
        for line in text.split("\n")
        if line.strip()
        and not is_boilerplate(line)
        and not _THEMATIC_BREAK.match(line)
        and not _REFERENCE_DEF.match(line)
    ]
    return "\n".join(kept).strip()


def read_text(text: str, source: str, markdown: bool = False) -> Article | ReadError:
    """Parse one text/Markdown article; a ReadError when no prose is left."""
    text = text.removeprefix("\ufeff")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    start, front = _front_matter(lines)
    drop: set[int] = set()
    url = _footer_url(lines, start, drop) or front.get("url")
    headings, underlines = _headings(lines, start)
    drop |= underlines
    title_index, title = _title(lines, start, headings, drop)
    skip = set(headings) | ({title_index} if title_index is not None else set())
    published, author = _header(lines, start, skip, drop)
    paragraphs = (_clean_paragraph(raw, markdown) for raw in _paragraphs(lines, start, skip | drop))
    body = "\n\n".join(paragraph for paragraph in paragraphs if paragraph)
    if not body:
        return ReadError(source, "no article text: only a title, metadata or boilerplate")
    title = clean_inline(title, markdown).strip() if title else front.get("title")
    return Article(
        body=body,
        source=source,
        title=title or None,
        url=url,
        publisher=front.get("publisher") or publisher_for_url(url),
        published=published or iso_date(front.get("published")),
        author=author or front.get("author"),
        section=front.get("section"),
    )
