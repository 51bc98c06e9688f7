"""What kind of input a source is: a URL or a path, and which reader's format.

The format comes from the file extension, else from the first bytes. A URL's
Content-Type is mapped in url.py, which falls back to sniff_format here.
"""
from __future__ import annotations

import os
import re
import zlib

FORMATS = ("text", "markdown", "jsonl", "html", "feed", "warc")
EXTENSIONS = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",  # one object per line; an array or pretty-printed file is reported
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".shtml": "html",
    ".rss": "feed",
    ".atom": "feed",
    ".xml": "feed",  # in a news folder, an .xml file is a feed; an XHTML page is sniffed
    ".warc": "warc",
    ".warc.gz": "warc",
    ".arc": "warc",
    ".arc.gz": "warc",
}
STDIN = "-"
STDIN_SOURCE = "<stdin>"  # how stdin is named in articles.source and load_log

_URL = re.compile(r"^https?://[^\s/]+", re.IGNORECASE)
_FEED_ROOT = re.compile(rb"<(?:[\w-]+:)?(?:rss|feed|RDF)\b")
_HTML_ROOT = re.compile(rb"<(?:!doctype\s+html|html|head|body)\b", re.IGNORECASE)


def is_url(source: str) -> bool:
    """An http(s) address to fetch rather than a path to open."""
    return bool(_URL.match(source))


def extension_format(path: str) -> str | None:
    """The format an extension names; two-part ones (".warc.gz") first."""
    lower = path.lower()
    for suffix, fmt in EXTENSIONS.items():
        if suffix.count(".") > 1 and lower.endswith(suffix):
            return fmt
    return EXTENSIONS.get(os.path.splitext(lower)[1])


def detect_format(path: str, head: bytes) -> str:
    """Format by extension, else by content (see sniff_format)."""
    if path != STDIN and (fmt := extension_format(path)):
        return fmt
    return sniff_format(head)


def sniff_format(head: bytes) -> str:
    """The format the first bytes show.

    "WARC/" (or a gzip member holding it) is a web archive; markup whose first
    element is <rss>, <feed> or <rdf:RDF> is a feed; a doctype or <html> is a page;
    a first non-blank `{` means JSON lines; anything else is text.
    """
    if head.startswith((b"WARC/", b"filedesc://")) or (head.startswith(b"\x1f\x8b") and _gzipped_warc(head)):
        return "warc"
    text = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
    start = text.lstrip()[:1]
    if start == b"{":
        return "jsonl"
    if start == b"<":
        prolog = re.sub(rb"<\?.*?\?>|<!--.*?-->|<!DOCTYPE\s+(?!html)[^>]*>", b"", text[:4096], flags=re.S)
        first = prolog.lstrip()[:200]
        if _FEED_ROOT.match(first):
            return "feed"
        if _HTML_ROOT.match(first) or _HTML_ROOT.search(text[:4096]):
            return "html"
    return "text"


def _gzipped_warc(head: bytes) -> bool:
    try:
        return zlib.decompressobj(wbits=31).decompress(head, 16).startswith((b"WARC/", b"filedesc://"))
    except zlib.error:
        return False
