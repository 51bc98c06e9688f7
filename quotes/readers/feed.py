"""RSS and Atom feeds (feedparser): each entry is an article.

The body is the entry's full content when the feed carries it (`<content>`,
`<content:encoded>`), else its summary (`<description>`), reduced from HTML to
paragraphs: entities decoded (TPM escapes its quotes twice: `&amp;#8220;`),
"Continue reading..." and link-only lines ("Read full article >>") dropped.
Relative entry links resolve against the feed's own link (or the address the feed
was fetched from). Each entry's source is `feed.xml#<entry link>`.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin

from quotes.model import Article, ReadError, ReadNote
from quotes.readers.header import iso_date
from quotes.readers.html import html_fragment_paragraphs, iter_html
from quotes.readers.publishers import publisher_for_url
from quotes.readers.sniff import sniff_format

_HTML_TYPES = ("text/html", "application/xhtml+xml", "html", "xhtml")


def read_feed(
    data: bytes, source: str, base_url: str | None = None, charset: str | None = None
) -> Iterator[Article | ReadError | ReadNote]:
    """One Article per entry; a ReadError for an entry without text or a non-feed.

    An entry that is only a linked image (feeds interleave advertisements) gets a
    ReadNote, so every entry has its line in load_log without failing the load.
    """
    import feedparser

    headers = {"content-type": f"application/xml; charset={charset}"} if charset else {}
    if base_url:
        headers["content-location"] = base_url
    try:
        parsed = feedparser.parse(data, response_headers=headers, sanitize_html=True)
    except Exception as error:  # feedparser is lenient; anything raised is a broken input
        yield ReadError(source, f"not a readable feed: {type(error).__name__}: {error}")
        return
    entries = parsed.get("entries") or []
    if not entries:
        yield from _not_a_feed(data, source, base_url, charset, parsed)
        return
    feed = parsed.get("feed") or {}
    feed_link = _absolute(feed.get("link"), base_url) or base_url
    for number, entry in enumerate(entries, start=1):
        yield _entry_article(entry, number, source, feed, feed_link)


def _not_a_feed(data, source, base_url, charset, parsed) -> Iterator:
    if sniff_format(data[:4096]) == "html":  # an XHTML page saved as .xml
        yield from iter_html(data, source, url=base_url, charset=charset)
        return
    if parsed.get("version"):
        yield ReadError(source, "feed has no entries")
    elif parsed.get("bozo"):
        reason = str(parsed.get("bozo_exception") or "not well-formed").splitlines()[0]
        yield ReadError(source, f"not an RSS or Atom feed: {reason}")
    else:
        yield ReadError(source, "not an RSS or Atom feed")


def _absolute(link: Any, base: str | None) -> str | None:
    if not isinstance(link, str) or not link.strip():
        return None
    link = link.strip()
    try:
        return urljoin(base, link) if base else link
    except ValueError:  # an invalid IPv6 host: not an address
        return None


def _entry_article(entry: dict, number: int, source: str, feed: dict, feed_link: str | None) -> Article | ReadError | ReadNote:
    link = _link(entry, feed_link)
    entry_source = f"{source}#{link or entry.get('id') or f'entry-{number}'}"
    paragraphs = _body(entry)
    if not paragraphs:
        if _has_markup(entry):  # "Featured Advertiser": an image in a link
            title = _plain(entry.get("title"))
            named = f' "{title}"' if title else ""
            return ReadNote(entry_source, f"entry{named} skipped: no text, only links or images (an advertisement?)")
        return ReadError(entry_source, "feed entry has no text (no content or summary)")
    return Article(
        body="\n\n".join(paragraphs),
        source=entry_source,
        title=_plain(entry.get("title")),
        url=link,
        publisher=publisher_for_url(link) or _plain(feed.get("title")),
        published=_entry_date(entry),
        author=_author(entry),
        section=_section(entry),
        source_id=_plain(entry.get("id")),
    )


def _link(entry: dict, feed_link: str | None) -> str | None:
    """The article's address: the original behind a tracking redirect, resolved, http(s)."""
    original = next((v for k, v in entry.items() if k.endswith("_origlink") and isinstance(v, str)), None)
    for candidate in (original, entry.get("link"), entry.get("id") if entry.get("guidislink") else None):
        link = _absolute(candidate, feed_link)
        if link and re.match(r"^https?://", link, re.IGNORECASE):
            return link
    return None


def _has_markup(entry: dict) -> bool:
    values = [d.get("value") or "" for d in entry.get("content") or []] + [entry.get("summary") or ""]
    return any("<" in value for value in values)


def _body(entry: dict) -> list[str]:
    """Paragraphs of the fullest text the entry has: content first, summary else."""
    candidates: list[dict] = list(entry.get("content") or [])
    if entry.get("summary_detail"):
        candidates.append(entry["summary_detail"])
    elif entry.get("summary"):
        candidates.append({"type": "text/html", "value": entry["summary"]})
    best: list[str] = []
    for index, detail in enumerate(candidates):
        value = detail.get("value") or ""
        kind = (detail.get("type") or "text/html").lower()
        if kind in _HTML_TYPES or "<" in value:
            paragraphs = html_fragment_paragraphs(value)
        else:
            paragraphs = html_fragment_paragraphs(value.replace("<", "&lt;"))
        # Content wins over the summary unless it is no longer (an image, a teaser).
        if sum(map(len, paragraphs)) > sum(map(len, best)):
            best = paragraphs
    return best


def _plain(value: Any) -> str | None:
    """Feed text fields can carry markup (Atom type="html" titles)."""
    if not isinstance(value, str) or not value.strip():
        return None
    if "<" in value:
        value = " ".join(html_fragment_paragraphs(value)) or re.sub(r"<[^>]+>", "", value)
    text = re.sub(r"\s+", " ", value).strip()
    return text or None


def _entry_date(entry: dict) -> str | None:
    """The date as the feed writes it (the publisher's day), not feedparser's UTC tuple."""
    for key in ("published", "created", "updated"):
        value = entry.get(key)
        if isinstance(value, str) and (found := iso_date(value)):
            return found
    return None


_EMAIL_NAME = re.compile(r"^\S+@\S+\s+\((.+)\)$")


def _author(entry: dict) -> str | None:
    names = [a.get("name") for a in entry.get("authors") or [] if isinstance(a, dict) and a.get("name")]
    if not names and isinstance(entry.get("author"), str):
        names = [entry["author"]]
    cleaned = []
    for name in names:
        name = name.strip()
        if match := _EMAIL_NAME.match(name):  # RSS: "desk@example.com (Jane Doe)"
            name = match.group(1)
        name = re.sub(r"^by\s+", "", name, flags=re.IGNORECASE).strip()
        if name and "@" not in name and name not in cleaned:
            cleaned.append(name)
    return ", ".join(cleaned) or None


def _section(entry: dict) -> str | None:
    for tag in entry.get("tags") or []:
        term = (tag.get("label") or tag.get("term") or "").strip()
        if term and not term.startswith(("http://", "https://")):
            return term
    return None
