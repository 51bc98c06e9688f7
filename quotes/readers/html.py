"""HTML pages: the article's text and the richest metadata the page carries.

    data (bytes) -> decode (charset from the HTTP header, the page, else UTF-8, else a
    cp1252 guess) -> lxml tree -> metadata (JSON-LD NewsArticle, Open Graph, meta tags,
    canonical link) and body (trafilatura's main-text extraction, then our clean-up)

The body keeps one paragraph per block, joined with "\\n\\n", because the attribution
rules continue a speaker across quote-only paragraphs. Entities are decoded by the
parser, so `&ldquo;` arrives as the curly quote it encodes; quote characters are never
rewritten.

trafilatura was chosen by measurement on 60 real pages (benchmarks/html_quality.py,
README "Readers and HTML extraction quality"). Around it:

- leading headline, link-only paragraphs ("SEE ALSO: ..." teasers in capitals),
  newsletter, app and comment prompts are dropped; a pull quote that repeats a
  paragraph of the body is dropped, so a quote is not counted twice;
- embedded tweets are kept: they are quotations, and extractors discard their
  "social" wrappers;
- an article split over several sibling containers of the same class (ads between
  them) is gathered whole: trafilatura keeps only the best container;
- JSON-LD `articleBody` rescues a page whose extracted text is much shorter, or is
  the same text run together into one paragraph.
"""
from __future__ import annotations

import codecs
import html
import json
import logging
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from quotes import wordlists
from quotes.model import Article, ReadError, same_site
from quotes.readers.encoding import DecodeError, decode_bytes, encoding_note
from quotes.readers.header import date_line, iso_date, metadata_line
from quotes.readers.publishers import hosted_publisher, publisher_for_url
from quotes.readers.text import is_boilerplate

__all__ = ["decode_html", "html_fragment_paragraphs", "html_to_article", "iter_html"]

# trafilatura and htmldate log parse trouble at ERROR level; a reader reports
# problems through ReadError instead.
for _name in ("trafilatura", "htmldate", "courlan"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)

_PARSER = lxml.html.HTMLParser(
    collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True, remove_pis=True
)

# ------------------------------------------------------------------ decoding

_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.\-]+)""")
# WHATWG: these labels mean windows-1252 in a browser, whose extra characters
# (curly quotes, dashes) are exactly what news pages "in Latin-1" use.
_AS_CP1252 = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "ascii", "us-ascii", "iso-8859-15", "cp819"}


def declared_charset(data: bytes, header_charset: str | None = None) -> str | None:
    """The charset the HTTP header or the page itself declares, as a Python codec name."""
    candidates = [header_charset]
    head = data[:4096]
    if match := _XML_ENCODING.match(head):
        candidates.append(match.group(1).decode("ascii"))
    if match := _META_CHARSET.search(data[:64 * 1024]):
        candidates.append(match.group(1).decode("ascii"))
    for label in candidates:
        if not label:
            continue
        label = label.strip().strip("\"'").lower()
        if label in _AS_CP1252:
            return "cp1252"
        try:
            return codecs.lookup(label).name
        except LookupError:
            continue
    return None


def decode_html(data: bytes, header_charset: str | None = None) -> tuple[str, str | None]:
    """(text, guessed encoding or None): like decode_bytes, honouring a declared charset.

    Valid UTF-8 wins even over a declaration (pages that say "iso-8859-1" and are
    UTF-8 are common; the reverse accident almost never forms valid UTF-8). Bytes
    that are not UTF-8 are decoded with the declared charset when there is one,
    else guessed as cp1252, which is then reported.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode_bytes(data)
    body = data[3:] if data.startswith(codecs.BOM_UTF8) else data
    try:
        return body.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    charset = declared_charset(data, header_charset)
    if charset and charset not in ("utf-8", "utf-16", "utf-32"):
        try:
            return data.decode(charset), None
        except UnicodeDecodeError:
            pass
    return decode_bytes(data)


# ------------------------------------------------------------------ metadata

# JSON-LD @type -> weight: 2 and over an article, 1 the page around it.
_SCHEMA_TYPES = {kind.strip(): int(weight) for kind, _, weight in
                 (line.partition(":") for line in wordlists.lines("html_metadata.txt", "schema_type"))}
# field -> the <meta> names that give it, in order.
_META_NAMES = {name: wordlists.lines("html_metadata.txt", name)
               for name in ("title", "url", "site", "published", "author", "section", "description")}


@dataclass
class Meta:
    """What the page says about itself, each field from the best source that has it."""

    title: str | None = None
    url: str | None = None  # the address the page claims (see article_url)
    publisher: str | None = None
    published: str | None = None
    author: str | None = None
    section: str | None = None
    description: str | None = None
    article_body: str | None = None
    titles: list[str] = field(default_factory=list)  # every form, to drop a leading headline
    # The page's own later date (its dateline, else JSON-LD dateModified) when the JSON-LD
    # datePublished is a year or more older than both: see checked_published.
    restamped: str | None = None


def _types(obj: dict) -> list[str]:
    value = obj.get("@type")
    values = value if isinstance(value, list) else [value]
    return [str(v).lower().rsplit("/", 1)[-1] for v in values if v]


def _jsonld_candidates(tree) -> list[dict]:
    """Top-level JSON-LD objects (and @graph members, a WebPage's mainEntity)."""
    found: list[dict] = []
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        text = script.text.strip()
        if text.startswith("<!--"):
            text = text.removeprefix("<!--").removesuffix("-->")
        try:
            data = json.loads(text, strict=False)
        except ValueError:
            continue
        stack = data if isinstance(data, list) else [data]
        for item in stack:
            if not isinstance(item, dict):
                continue
            graph = item.get("@graph")
            members = graph if isinstance(graph, list) else [item]
            for member in members:
                if isinstance(member, dict):
                    found.append(member)
                    main = member.get("mainEntity")
                    if isinstance(main, dict):
                        found.append(main)
    return found


def _name(value: Any) -> str | None:
    """A person's or organisation's name from JSON-LD: a string, {name}, or a list."""
    if isinstance(value, list):
        names = [n for n in (_name(v) for v in value) if n]
        unique = list(dict.fromkeys(names))
        return ", ".join(unique) if unique else None
    if isinstance(value, dict):
        value = value.get("name")
        if isinstance(value, list):
            return _name(value)
    if isinstance(value, str):
        text = _clean_author(value)
        return text or None
    return None


def _clean_author(text: str) -> str | None:
    text = re.sub(r"\s+", " ", _unescape(text)).strip()
    text = re.sub(r"^by\s+", "", text, flags=re.IGNORECASE).strip(" ,;|")
    if not text or text.lower().startswith(("http://", "https://", "www.")) or len(text) > 200:
        return None
    return text


def _string(value: Any) -> str | None:
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    if isinstance(value, dict):
        value = value.get("name") or value.get("@id") or value.get("url")
    if isinstance(value, str):
        text = re.sub(r"\s+", " ", _unescape(value)).strip()
        return text or None
    return None


_ENTITY = re.compile(r"&(?:#\d{2,6}|#x[0-9a-fA-F]{2,5}|[A-Za-z]{2,8});")


def _unescape(text: str) -> str:
    """Metadata escaped twice by the publisher's CMS ("&#8216;family&#8217;" in JSON-LD)."""
    return html.unescape(text) if _ENTITY.search(text) else text


def _meta_tags(tree) -> dict[str, list[str]]:
    tags: dict[str, list[str]] = {}
    for meta in tree.iter("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop") or ""
        value = meta.get("content")
        if key and value and value.strip():
            tags.setdefault(key.strip().lower(), []).append(_unescape(value.strip()))
    return tags


def _first(tags: dict[str, list[str]], *keys: str) -> str | None:
    return next((tags[key][0] for key in keys if key in tags), None)


def _from_ld(objects: list[dict], key: str, convert=_string):
    """`key` of the first object whose value there converts to something."""
    return next((value for obj in objects if (value := convert(obj.get(key)))), None)


def _text_value(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


class _Sources:
    """Where a page states its metadata: JSON-LD objects (the article's, heaviest type
    first, and the page's), <meta> tags, and the tree itself."""

    def __init__(self, tree):
        scored = [(max((_SCHEMA_TYPES.get(t, 0) for t in _types(obj)), default=0), obj)
                  for obj in _jsonld_candidates(tree)]
        self.articles = [obj for score, obj in sorted(scored, key=lambda pair: -pair[0]) if score >= 2]
        self.pages = [obj for score, obj in scored if score == 1]
        self.tags = _meta_tags(tree)
        self.tree = tree

    def article(self, key: str, convert=_string):
        return _from_ld(self.articles, key, convert)

    def page(self, key: str, convert=_string):
        return _from_ld(self.pages, key, convert)

    def tag(self, field: str) -> str | None:
        """The first <meta> value under the first name listed for `field`."""
        return _first(self.tags, *_META_NAMES[field])

    def any_tag(self, field: str, convert):
        """The first <meta> value, under any name listed for `field`, that converts."""
        return next((found for key in _META_NAMES[field] for value in self.tags.get(key, [])
                     if (found := convert(value))), None)


# Meta field -> where to look, in order; the first value found wins.
_STEPS = {
    "publisher": (
        lambda s: s.article("publisher", _name),
        lambda s: s.tag("site"),
        lambda s: s.page("publisher", _name),
    ),
    "published": (
        lambda s: _date(s.article("datePublished")),
        lambda s: _date(s.article("dateCreated")),
        lambda s: s.any_tag("published", _date),
        lambda s: _generic_meta_date(s.tags),
        lambda s: _time_element_date(s.tree),
        lambda s: _date(s.page("datePublished")),
        lambda s: _dom_date(s.tree),
    ),
    "author": (lambda s: s.article("author", _name), lambda s: s.any_tag("author", _clean_author)),
    "section": (lambda s: s.article("articleSection"), lambda s: s.tag("section")),
    "description": (lambda s: s.tag("description"),),
    "article_body": (lambda s: s.article("articleBody", _text_value),),
}


def _first_found(steps, sources: _Sources):
    """The first truthy value of the steps in order; else the last one's (as `a or b`)."""
    value = None
    for step in steps:
        value = step(sources)
        if value:
            break
    return value


def page_metadata(tree, base_url: str | None = None) -> Meta:
    """JSON-LD article fields first, then Open Graph and meta tags, then the DOM."""
    sources = _Sources(tree)
    meta = Meta(**{name: _first_found(steps, sources) for name, steps in _STEPS.items()})
    meta.title, meta.titles = _title(sources)
    meta.url = _page_url(sources, base_url)
    meta.restamped = _restamped(sources, meta.published)
    return meta


_STALE_DAYS = 365  # a datePublished this much older than dateModified is checked


def _days(a: str, b: str) -> int:
    from datetime import date

    return (date.fromisoformat(b) - date.fromisoformat(a)).days


def _restamped(sources: _Sources, published: str | None) -> str | None:
    """A later date for a page whose JSON-LD datePublished is a year or more before its
    dateModified (an explainer kept at an old address and rewritten, BBC's "What is
    Nato?" of 2012 rewritten in 2026): the page's own dateline (a <time datetime> as
    late), else dateModified. None when the dates agree or published came from elsewhere."""
    if not published or _date(sources.article("datePublished")) != published:
        return None
    modified = _date(sources.article("dateModified"))
    if not modified or _days(published, modified) < _STALE_DAYS:
        return None
    for element in sources.tree.iter("time"):
        shown = _date(element.get("datetime"))
        if shown and _days(published, shown) >= _STALE_DAYS:
            return shown
    return modified


_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


def checked_published(published: str | None, restamped: str | None, body: str) -> str | None:
    """The publication date once checked against the text: a stale datePublished (see
    _restamped) stands only if the text names no year after it, up to the later date's."""
    if not published or not restamped:
        return published
    later = {int(y) for y in _YEAR.findall(body) if int(published[:4]) < int(y) <= int(restamped[:4])}
    return restamped if later else published


def _title(sources: _Sources) -> tuple[str | None, list[str]]:
    """The headline, and every form of it the page shows (to drop it atop the body)."""
    headline = sources.article("headline") or sources.article("name")
    og_title = sources.tag("title")
    page_title = _element_text(sources.tree, ".//title")
    h1_text = _element_text(sources.tree, ".//h1")
    titles = [t for t in (headline, og_title, h1_text, page_title, _trim_site(page_title)) if t]
    if not (headline or og_title) and h1_text and page_title and h1_text in page_title:
        page_title = h1_text  # "The Space Review: Seeking a bigger role..." -> the <h1>
    return headline or og_title or _trim_site(page_title) or h1_text, titles


def _element_text(tree, path: str) -> str | None:
    element = tree.find(path)
    return re.sub(r"\s+", " ", element.text_content()).strip() if element is not None else None


def _page_url(sources: _Sources, base_url: str | None) -> str | None:
    """The address the page claims: the canonical link, og:url, then JSON-LD's (see
    _pick_url); None when it claims none. Whether it becomes the article's URL is
    article_url's decision."""
    canonical = next(
        (link.get("href") for link in sources.tree.iter("link")
         if "canonical" in (link.get("rel") or "").lower().split() and link.get("href")),
        None,
    )
    ld_url = sources.article("url") or sources.article("mainEntityOfPage")
    return _pick_url([canonical, sources.tag("url"), ld_url], base_url)


def _trim_site(title: str | None) -> str | None:
    """"Headline | Site" -> "Headline"."""
    if not title:
        return None
    parts = re.split(r"\s+[|–—-]\s+", title)
    return parts[0].strip() if len(parts) > 1 and len(parts[0]) >= 15 else title


def _pick_url(candidates: list[str | None], base_url: str | None) -> str | None:
    """The first absolute http(s) article URL among the candidates (relative ones
    resolved against base_url), else None.

    A canonical that points at the site's home page while the page has a deeper
    address of its own is a publisher's template error, and would merge every page
    of the site into one article id.
    """
    try:
        base_path = urlsplit(base_url).path if base_url else ""
    except ValueError:
        base_path = ""
    for candidate in candidates:
        if not candidate or not isinstance(candidate, str):
            continue
        try:
            url = urljoin(base_url or "", candidate.strip())
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                continue
        except ValueError:  # an invalid IPv6 host or port: not an address
            continue
        if parts.path in ("", "/") and base_path not in ("", "/"):
            continue
        return url
    return None


def _date(value: Any) -> str | None:
    """A full ISO date from a metadata value, or None (placeholders such as 0001-01-01 too)."""
    if not isinstance(value, str):
        value = _string(value)
    if not value:
        return None
    value = value.strip()
    # ISO timestamps: the date as written (the publisher's own day), not moved to UTC.
    if match := re.match(r"^(\d{4})-(\d\d)-(\d\d)(?:$|[T ])", value):
        iso = "-".join(match.groups())
    elif re.fullmatch(r"\d{10}(?:\d{3})?", value):
        iso = iso_date(int(value))
    else:
        iso = iso_date(value)
    if not iso or len(iso) != 10 or not "1900" <= iso[:4] <= "2100":
        return None
    return iso


_PUBLISH_KEY = re.compile(r"publish|pub[-_.]?date|post[-_.]?date|date[-_.]?posted|created")


def _generic_meta_date(tags: dict[str, list[str]]) -> str | None:
    """Publishers' own meta names: "sn-post-date", "article.created", "publish-timestamp"..."""
    for key, values in tags.items():
        if _PUBLISH_KEY.search(key) and not re.search(r"modif|updat|publisher", key):
            if found := _date(values[0]):
                return found
    return None


def _time_element_date(tree) -> str | None:
    for element in tree.iter("time"):
        marks = f"{element.get('itemprop') or ''} {element.get('class') or ''}".lower()
        if "datepublished" in marks or "publish" in marks:
            if found := _date(element.get("datetime") or element.text_content()):
                return found
    return None


_DATE_CLASS = re.compile(r"publish|pubdate|dateline|timestamp|article[-_]?date|post[-_]?date|byline[-_]?date")
_CLOCK = re.compile(r"\b\d\d?[:.]\d\d(?:\s*[ap]\.?m\.?)?(?:\s+[A-Z]{2,4}\b)?", re.IGNORECASE)


def _dom_date(tree) -> str | None:
    """A short element whose class says "publish-date": "Published 7:07 PM EST Nov 19, 2019"."""
    for element in tree.iter("div", "span", "p", "time", "li"):
        marks = f"{element.get('class') or ''} {element.get('id') or ''}".lower()
        if not _DATE_CLASS.search(marks) or re.search(r"updat|modif", marks):
            continue
        text = re.sub(r"\s+", " ", element.text_content()).strip()
        if not text or len(text) > 80:
            continue
        text = _CLOCK.sub("", text)
        text = re.sub(r"^(?:first\s+)?(?:published|posted)(?:\s+on)?\s*:?", "", text, flags=re.I).strip(" ,|")
        if (found := date_line(text)) and len(found[0]) == 10:
            return found[0]
        if found := _date(element.get("datetime") or text):
            return found
    return None


def _htmldate(tree) -> str | None:
    """The last resort: htmldate's heuristics (URL, text, markup) for the original date."""
    try:
        from htmldate import find_date

        found = find_date(tree, original_date=True, extensive_search=False, outputformat="%Y-%m-%d")
    except Exception:
        return None
    return _date(found) if found else None


# ---------------------------------------------------------------- body text

# Lines that are page furniture, on top of the text reader's list.
_FURNITURE = re.compile("^(?:" + "|".join(wordlists.lines("boilerplate.txt", "page")) + ")$", re.IGNORECASE)
_WORD = re.compile(r"\w+")


def _is_furniture(text: str) -> bool:
    line = text.strip()
    return len(line) <= 250 and (is_boilerplate(line) or bool(_FURNITURE.match(line)))


def _norm(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


@dataclass
class _Block:
    text: str
    kind: str  # p, head, item, quote, cell
    link_chars: int = 0
    position: float = 0.0  # order in the document, for merging


def _inline_text(element, parts: list[str], links: list[int], in_link: bool = False) -> None:
    """Text of a trafilatura body element: <lb/> -> newline, <ref> text counted as link."""
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag == "lb":
        parts.append("\n")
    elif tag != "graphic" and element.text:
        parts.append(element.text)
        if in_link or tag == "ref":
            links[0] += len(element.text.strip())
    for child in element:
        if child.tag in ("p", "head", "item", "list", "quote", "row"):
            parts.append("\n")
        _inline_text(child, parts, links, in_link or tag == "ref")
        if child.tail:
            parts.append(child.tail)


def _clean_text(text: str) -> str:
    text = text.replace("\xa0", " ").replace("\u200b", "")
    lines = [re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def _element_block(element, kind: str) -> _Block | None:
    parts: list[str] = []
    links = [0]
    _inline_text(element, parts, links)
    text = _clean_text("".join(parts))
    return _Block(text, kind, links[0]) if text else None


_BLOCK_CHILDREN = ("p", "head", "list", "quote", "table", "code")


def _blocks(body) -> list[_Block]:
    """trafilatura's XML body -> paragraphs in order (list items and table rows each one)."""
    blocks: list[_Block] = []
    for element in body:
        tag = element.tag
        if tag in ("p", "head", "code"):
            if _has_blocks(element):  # a <p> or <head> that wraps real paragraphs
                blocks.extend(_mixed_blocks(element, "p"))
            elif block := _element_block(element, "head" if tag == "head" else "p"):
                blocks.append(block)
        elif tag == "list":
            for item in element.iter("item"):
                if item.find("list") is None and (block := _element_block(item, "item")):
                    blocks.append(block)
        elif tag == "quote":
            blocks.extend(_mixed_blocks(element, "quote"))
        elif tag == "table":
            blocks.extend(_table_blocks(element))
        elif tag != "graphic":
            blocks.extend(_mixed_blocks(element, "p"))
    return blocks


def _has_blocks(element) -> bool:
    return any(child.tag in _BLOCK_CHILDREN for child in element)


def _table_blocks(table) -> list[_Block]:
    """A data table gives a paragraph per row; a layout table (old sites put the whole
    article in one cell) gives the paragraphs of its cells."""
    blocks: list[_Block] = []
    for row in table.iter("row"):
        cells = [cell for cell in row if cell.tag == "cell"]
        if any(_has_blocks(cell) for cell in cells):
            for cell in cells:
                blocks.extend(_mixed_blocks(cell, "p"))
            continue
        parts = [b for b in (_element_block(cell, "cell") for cell in cells) if b]
        text = " | ".join(b.text.replace("\n", " ") for b in parts)
        if text:
            blocks.append(_Block(text, "cell", sum(b.link_chars for b in parts)))
    return blocks


def _mixed_blocks(element, kind: str) -> list[_Block]:
    """An element holding paragraphs and loose text between them (a blockquote's
    "— Name (@handle)" after the tweet, a table cell): each run is a paragraph."""
    if not _has_blocks(element):
        block = _element_block(element, kind)
        return [block] if block else []
    blocks: list[_Block] = []
    parts: list[str] = [element.text or ""]
    links = [0]

    def flush() -> None:
        # trafilatura trims the tail before a link: "(@handle)<ref>November 18</ref>"
        text = re.sub(r"(?<=[)\]])(?=[^\W_])", " ", _clean_text("".join(parts)))
        if text:
            blocks.append(_Block(text, kind, links[0]))
        parts.clear()
        links[0] = 0

    for child in element:
        if child.tag in _BLOCK_CHILDREN:
            flush()
            for block in _blocks([child]):
                if kind == "quote":
                    block.kind = "quote"
                blocks.append(block)
        else:
            _inline_text(child, parts, links)
        if child.tail:
            parts.append(child.tail)
    flush()
    return blocks


def _is_link_only(block: _Block) -> bool:
    """Every letter of the paragraph is link text: a teaser, a tag list, navigation."""
    letters = len(re.sub(r"[\W_]+", "", block.text))
    return letters > 0 and block.link_chars >= letters * 0.95 and len(block.text) < 400


def _keep(blocks: list[_Block], meta: Meta) -> list[_Block]:
    """Drop the headline at the top, byline and date lines under it, link-only
    paragraphs, furniture and repeated pull quotes. A byline or date found there
    fills `meta` where the page's metadata said nothing."""
    title_keys = {_norm(t) for t in meta.titles if t}
    # The headline near the top goes, with a kicker or label printed above it.
    top = next((i for i, b in enumerate(blocks[:4]) if _norm(b.text) in title_keys), None)
    if top is not None and all(len(b.text.split()) <= 6 for b in blocks[:top]):
        blocks = blocks[top + 1:]
    while blocks and (found := _header_block(blocks[0].text)) is not None:
        date, author = found
        meta.published = meta.published or date
        meta.author = meta.author or author
        blocks = blocks[1:]
    kept: list[_Block] = []
    for block in blocks:
        if _is_link_only(block) or _is_furniture(block.text):
            continue
        kept.append(block)
    # A pull quote (or a quote box) repeats words printed elsewhere in the article.
    seen = [_norm(b.text) for b in kept]
    result = []
    for index, block in enumerate(kept):
        key = seen[index]
        if block.kind == "quote" and len(key.split()) >= 6 and any(
            key in other for j, other in enumerate(seen) if j != index and len(other) > len(key)
        ):
            continue
        if key and key in seen[:index] and len(key.split()) >= 6:
            continue  # the same paragraph twice (sticky teaser, mobile/desktop copy)
        result.append(block)
    return result


def _header_block(text: str) -> tuple[str | None, str | None] | None:
    """(date, author) when every line is a byline or a date line ("by Jeff Foust",
    "Monday, November 18, 2019"), else None."""
    date = author = None
    for line in text.split("\n"):
        found = metadata_line(line)
        if found is None:
            return None
        line_date, line_author = found
        if line_date and len(line_date[0]) == 10:
            date = date or line_date[0]
        author = author or line_author
    return date, author


# ---------------------------------------------------- the parts trafilatura misses


def _unwrap_embeds(tree) -> None:
    """Let embedded tweets through: move each out of its "social" embed wrapper.

    `<blockquote class="twitter-tweet">` holds the tweet's words and its author;
    extractors throw such wrappers away with share buttons.
    """
    for quote in list(tree.iter("blockquote")):
        classes = (quote.get("class") or "").lower()
        if "twitter-tweet" not in classes and "twitter-video" not in classes:
            continue
        wrapper, parent = quote, quote.getparent()
        while parent is not None and parent.tag in ("div", "figure", "aside", "section", "span") and len(
            _norm(parent.text_content())
        ) <= len(_norm(quote.text_content())) + 40:
            wrapper, parent = parent, parent.getparent()
        if wrapper is not quote and parent is not None:
            quote.tail = wrapper.tail
            parent.replace(wrapper, quote)
        quote.set("class", "embedded-post")


def _dom_paragraphs(tree) -> tuple[dict[str, Any], dict[Any, int]]:
    """{normalised text: <p> element} for the page's paragraphs, and document order."""
    order = {element: index for index, element in enumerate(tree.iter())}
    by_text: dict[str, Any] = {}
    for p in tree.iter("p"):
        key = _norm(p.text_content())
        if len(key) >= 20:
            by_text.setdefault(key, p)
    return by_text, order


def _split_containers(blocks: list[_Block], tree) -> list[_Block]:
    """Add the paragraphs of sibling containers that share the body's class.

    Pages such as Wired cut the article into several `<div class="article__body">`
    with advertisements between them; trafilatura keeps the best one. When the
    extracted paragraphs sit in one container and the page has further elements of
    the same tag and class outside it, their paragraphs are article text too.
    """
    by_text, order = _dom_paragraphs(tree)
    parents: dict[Any, int] = {}
    for block in blocks:
        p = by_text.get(_norm(block.text))
        if p is not None and (parent := p.getparent()) is not None:
            parents[parent] = parents.get(parent, 0) + 1
    if not parents:
        return blocks
    container, count = max(parents.items(), key=lambda pair: pair[1])
    classes = (container.get("class") or "").strip()
    if count < 2 or not classes:
        return blocks
    siblings = [
        element for element in tree.iter(container.tag)
        if element is not container and (element.get("class") or "").strip() == classes
        and _cousins(element, container)
    ]
    if not siblings:
        return blocks
    known = {_norm(b.text) for b in blocks}
    extra: list[_Block] = []
    for sibling in siblings:
        for p in sibling.iter("p"):
            text = _clean_text(_itertext(p))
            key = _norm(text)
            if not key or key in known or _is_furniture(text):
                continue
            links = sum(len(a.text_content().strip()) for a in p.iter("a"))
            block = _Block(text, "p", links, float(order[p]))
            if not _is_link_only(block):
                extra.append(block)
                known.add(key)
    if sum(len(b.text.split()) for b in extra) < 30:
        return blocks
    # Place extracted paragraphs by their element's position; unplaced ones follow
    # the paragraph before them.
    position = -1.0
    for block in blocks:
        p = by_text.get(_norm(block.text))
        position = float(order[p]) if p is not None else position + 1e-3
        block.position = position
    return sorted(blocks + extra, key=lambda b: b.position)


def _cousins(a, b, levels: int = 3) -> bool:
    """Neither contains the other, and they share an ancestor at most `levels` up.

    Wired's body chunks meet two levels up; a same-class box elsewhere on the
    page (a fact-check's claim, a sidebar) meets only near the page's root.
    """
    up_a = list(a.iterancestors())[:levels]
    up_b = list(b.iterancestors())[:levels]
    if any(x is b for x in up_a) or any(x is a for x in up_b) or _inside(a, b) or _inside(b, a):
        return False
    return any(x is y for x in up_a for y in up_b)


def _inside(a, b) -> bool:
    return any(ancestor is b for ancestor in a.iterancestors())


def _itertext(element) -> str:
    """An element's text as a browser lays it out: whitespace collapsed, <br> a newline."""
    parts: list[str] = []

    def walk(node):
        if node.tag == "br":
            parts.append("\n")
        elif node.tag not in ("script", "style") and node.text:
            parts.append(_SPACES.sub(" ", node.text))
        for child in node:
            if isinstance(child.tag, str):
                walk(child)
            if child.tail:
                parts.append(_SPACES.sub(" ", child.tail))

    walk(element)
    return "".join(parts)


def _json_ld_body(article_body: str, tree) -> list[_Block]:
    """JSON-LD articleBody as paragraphs: its own line breaks, else the page's <p> starts."""
    text = article_body.replace("\r\n", "\n")
    if "\n" not in text.strip():
        starts = set()
        for p in tree.iter("p"):
            snippet = _clean_text(_itertext(p))[:60]
            if len(snippet) >= 20 and (index := text.find(snippet)) > 0:
                starts.add(index)
        pieces, last = [], 0
        for index in sorted(starts):
            pieces.append(text[last:index])
            last = index
        pieces.append(text[last:])
        text = "\n\n".join(pieces)
    paragraphs = [_clean_text(p) for p in re.split(r"\n\s*\n|\n", text)]
    return [_Block(p, "p") for p in paragraphs if p and not _is_furniture(p)]


def _tokens(blocks: list[_Block]) -> int:
    return sum(len(_WORD.findall(b.text)) for b in blocks)


def extract_blocks(tree, url: str | None, meta: Meta) -> list[_Block]:
    """The article's paragraphs: trafilatura, cleaned, completed, or JSON-LD's body."""
    import trafilatura

    _unwrap_embeds(tree)
    try:
        document = trafilatura.bare_extraction(
            tree, url=url, include_comments=False, include_links=True, include_tables=True,
            include_formatting=False, include_images=False, with_metadata=False,
        )
    except Exception:  # trafilatura gives up on odd trees by raising; fall back below
        document = None
    body = getattr(document, "body", None)
    blocks = _keep(_blocks(body), meta) if body is not None else []
    if blocks:
        blocks = _split_containers(blocks, tree)
    if meta.article_body:
        ld_blocks = _json_ld_body(meta.article_body, tree)
        if _tokens(ld_blocks) >= 50 and (
            _tokens(blocks) < 0.5 * _tokens(ld_blocks)
            # trafilatura's own JSON-LD fallback, with the paragraph breaks lost
            or (len(blocks) <= 2 < len(ld_blocks) and _overlap(blocks, ld_blocks) >= 0.9)
        ):
            blocks = ld_blocks
    return blocks


def _overlap(a: list[_Block], b: list[_Block]) -> float:
    """Token F1 between two texts."""
    ta = Counter(_WORD.findall(" ".join(x.text for x in a).lower()))
    tb = Counter(_WORD.findall(" ".join(x.text for x in b).lower()))
    common = sum((ta & tb).values())
    return 2 * common / (sum(ta.values()) + sum(tb.values())) if common else 0.0


# ------------------------------------------------------------------ the reader

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)


def parse_tree(text: str):
    """An lxml tree for a decoded page, or None when there is nothing to parse."""
    text = _XML_DECLARATION.sub("", text, count=1)
    if not text.strip():
        return None
    try:
        return lxml.html.document_fromstring(text.encode("utf-8", "surrogatepass"), parser=_PARSER)
    except (etree.ParserError, ValueError):
        return None


def html_to_article(
    data: bytes,
    source: str,
    url: str | None = None,
    charset: str | None = None,
    fallback_date: str | None = None,
) -> tuple[Article | ReadError, str | None]:
    """One page -> (Article or ReadError, guessed encoding or None).

    `url` is where the page came from (a fetched or archived address): relative
    canonical links resolve against it and it is the URL when the page declares
    none. `charset` is the HTTP header's. `fallback_date` (an archive's capture
    date) is used when the page gives no publication date.
    """
    try:
        text, guessed = decode_html(data, charset)
    except DecodeError as error:
        return ReadError(source, str(error)), None
    tree = parse_tree(text)
    if tree is None:
        return ReadError(source, "not an HTML page: nothing to parse"), guessed
    meta = page_metadata(tree, url)
    blocks = extract_blocks(tree, meta.url or url, meta)
    body = "\n\n".join(block.text for block in blocks)
    if not body.strip():
        return ReadError(source, "no article text found in the HTML page" + _too_deep()), guessed
    own_url = article_url(meta.url, url)
    return Article(
        body=body,
        source=source,
        title=meta.title,
        url=own_url,
        publisher=hosted_publisher(own_url) or meta.publisher or publisher_for_url(own_url),
        published=checked_published(meta.published, meta.restamped, body) or _htmldate(tree) or _date(fallback_date),
        author=meta.author,
        section=meta.section,
        canonical_url=meta.url,
    ), guessed


def article_url(claimed: str | None, fetched: str | None) -> str | None:
    """The article's URL: the address it was fetched from (or archived under), unless
    the page claims another address on the same site (same_site: the same registrable
    domain), which is the publisher's own name for it ("?p=1" -> "/2024/05/16/strava/",
    an AMP copy -> the article).

    A page served from one site that claims another site's address is not that
    article: taking the claim would let any page replace the article stored under it.
    A saved file (no fetched address) keeps its claim, which is how a saved page
    remembers where it was published; the store keeps such a claim from replacing an
    article read from elsewhere (quotes.store.writer.claimed_elsewhere).
    """
    if fetched is None or (claimed is not None and same_site(claimed, fetched)):
        return claimed
    return fetched


# libxml2 stops reading a page nested deeper than this (lxml's huge_tree lifts the
# limit; it stays on, as a guard against hostile pages) and reports it this way.
_DEPTH_ERROR = re.compile(r"Excessive depth in document: (\d+)")


def _too_deep() -> str:
    """Why a page gave no text when the parser stopped at its depth limit, else ""."""
    for entry in _PARSER.error_log:  # the last parse in this thread: the page just read
        if entry.type_name == "ERR_RESOURCE_LIMIT" and (match := _DEPTH_ERROR.search(entry.message)):
            return (f": too deeply nested (elements more than {match.group(1)} levels deep, "
                    f"the HTML parser's limit, were not read)")
    return ""


# ------------------------------------------------------ fragments (feed entries)

_BLOCK_TAGS = {
    "p", "div", "section", "article", "blockquote", "li", "h1", "h2", "h3", "h4", "h5", "h6",
    "pre", "table", "tr", "ul", "ol", "dl", "dt", "dd", "figure", "figcaption", "header", "footer",
    "aside", "hr", "main", "address",
}
_BR = "\x00"
_SPACES = re.compile(r"\s+")
_SKIP_TAGS = {"script", "style", "noscript", "iframe", "object", "embed", "svg", "form", "button", "figcaption"}


def html_fragment_paragraphs(fragment: str) -> list[str]:
    """An HTML snippet (a feed entry's content) -> its paragraphs, furniture dropped.

    Block elements and double <br> end paragraphs; a paragraph made only of links
    ("Read full article >>", share buttons) and lines such as "Continue reading..."
    are dropped.
    """
    if not fragment or not fragment.strip():
        return []
    if "<" not in fragment:
        text = fragment.replace("\r\n", "\n")
        return [p for p in (_clean_text(x) for x in re.split(r"\n\s*\n", text)) if p and not _is_furniture(p)]
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div", parser=_PARSER)
    except (etree.ParserError, ValueError):
        return []
    paragraphs: list[_Block] = []
    parts: list[str] = []  # text with whitespace collapsed, and _BR for each <br>
    links = [0]

    def flush():
        text = _clean_text("".join(parts).replace(_BR, "\n"))
        if text:
            paragraphs.append(_Block(text, "p", links[0]))
        parts.clear()
        links[0] = 0

    def line_break():
        """A <br>; the second of two in a row (blank space between) ends the paragraph."""
        index = len(parts) - 1
        while index >= 0 and parts[index] != _BR and not parts[index].strip():
            index -= 1
        if index >= 0 and parts[index] == _BR:
            del parts[index:]
            flush()
        else:
            parts.append(_BR)

    def walk(node, in_link: bool):
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in _SKIP_TAGS:
            return
        block = tag in _BLOCK_TAGS
        if block:
            flush()
        if tag == "br":
            line_break()
        elif node.text:
            parts.append(_SPACES.sub(" ", node.text))
            if in_link or tag == "a":
                links[0] += len(node.text.strip())
        for child in node:
            walk(child, in_link or tag == "a")
            if child.tail:
                parts.append(_SPACES.sub(" ", child.tail))
        if block:
            flush()

    walk(root, False)
    flush()
    return [b.text for b in paragraphs if not _is_link_only(b) and not _is_furniture(b.text)]


def iter_html(data: bytes, source: str, url: str | None = None, charset: str | None = None,
              fallback_date: str | None = None) -> Iterator:
    """read_source's view: a ReadNote before an article whose encoding was guessed."""
    record, guessed = html_to_article(data, source, url, charset, fallback_date)
    if guessed and isinstance(record, Article):
        yield encoding_note(source, guessed)
    yield record
