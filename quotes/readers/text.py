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

from quotes import wordlists
from quotes.model import Article, ReadError
from quotes.readers.header import iso_date, metadata_line
from quotes.readers.publishers import publisher_for_url

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
_STRONG = re.compile(r"\*\*(?=\S)(.{1,500}?)(?<=\S)\*\*", re.DOTALL)
# Markdown only, and like CommonMark not inside a word ("snake__case__name"): in plain
# text "__init__" and "__main__" are what was written.
_STRONG_UNDERSCORES = re.compile(r"(?<![\w_])__(?=[^\s_])(.{1,500}?)(?<=[^\s_])__(?![\w_])", re.DOTALL)
_EMPHASIS = re.compile(r"(?<![\w*])\*(?=[^\s*])(.{1,500}?)(?<=[^\s*])\*(?![\w*])", re.DOTALL)
_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def clean_inline(text: str, markdown: bool = False) -> str:
    """Drop images, reduce links to their words, drop emphasis markers.

    Applied to .txt files too: scraped "text" articles (like the seed) carry
    Markdown links and **bold**. Underscores are emphasis in Markdown only: in plain
    text "__init__" stays as written. Lone brackets without "(url)" are editorial
    and stay.
    """
    text = _IMAGE.sub("", text)
    text = _LINK.sub(lambda match: match.group(1), text)
    text = _AUTOLINK.sub(lambda match: match.group(1), text)
    text = _STRONG.sub(lambda match: match.group(1), text)
    if markdown:
        text = _STRONG_UNDERSCORES.sub(lambda match: match.group(1), text)
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
_BOILERPLATE = re.compile("^(?:" + "|".join(wordlists.lines("boilerplate.txt", "line")) + ")$", re.IGNORECASE)


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
        if metadata_line(line) is not None:
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
        if _is_headline_case(line) or any(metadata_line(lines[i]) for i in following):
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
        found = metadata_line(lines[index])
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
