"""The records that flow between readers, extraction, resolution and storage.

Plain dataclasses, no behaviour beyond small derived values: every stage can be
tested (and distributed) by passing these around.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit

from tld import get_fld


def short_hash(*parts: str, length: int = 16) -> str:
    """A stable hex id from text parts; used for article and quote ids."""
    h = hashlib.sha1("\x1f".join(parts).encode("utf-8"))
    return h.hexdigest()[:length]


@dataclass
class Article:
    """One news article as a reader produced it; body is what offsets index."""

    body: str
    source: str  # path or URL it was read from ("file.jsonl:12" for a line)
    title: str | None = None
    url: str | None = None
    publisher: str | None = None
    published: str | None = None  # ISO date: 2025-03-18
    author: str | None = None
    section: str | None = None
    source_id: str | None = None  # the input's own id (JSON lines "id")
    # The address the page declares as its own (canonical link, og:url, JSON-LD url),
    # kept whether or not it became `url`: a page fetched from one site that claims
    # another site's address keeps the address it was fetched from (see same_site).
    canonical_url: str | None = None

    @property
    def content_hash(self) -> str:
        return _content_hash(self.body)

    @property
    def id(self) -> str:
        """Stable id: from the URL when there is one, else from the body."""
        return _article_id(self.url, self.body)


# Asked for many times per article while it is stored: hashed once (a str caches its
# own hash, so the lookup does not re-read the body).
@lru_cache(maxsize=1024)
def _content_hash(body: str) -> str:
    return hashlib.sha1(body.encode("utf-8")).hexdigest()


@lru_cache(maxsize=1024)
def _article_id(url: str | None, body: str) -> str:
    if url:
        return short_hash("url", url.strip())
    return short_hash("body", body)


def site_of(address: str | None) -> str | None:
    """The site an http(s) address belongs to: its registrable domain
    ("https://news.bbc.co.uk/x" -> "bbc.co.uk", "https://ann.github.io/" ->
    "ann.github.io"), else its host; None when it is not an http(s) address.

    The registrable domain comes from the Public Suffix List as the `tld` package
    ships it (installed with trafilatura, through courlan), read from its bundled
    copy, never fetched. Its limits: the list is as recent as the installed package
    (a suffix added since is treated as an ordinary domain, so two of its sites look
    like one); hosts it knows no suffix for (localhost, IP addresses, intranet names,
    reserved names like .example or .test) are compared as whole hosts, so
    "a.intranet" and "b.intranet" are two sites. A site is the owner of a domain,
    not a publisher: two newspapers on one blogging host that is not on the list
    share a site.
    """
    if not address:
        return None
    try:
        parts = urlsplit(address.strip())
        host = parts.hostname
    except ValueError:  # an invalid IPv6 host: not an address
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    host = host.rstrip(".")
    return get_fld(host, fix_protocol=True, fail_silently=True) or host


def same_site(a: str | None, b: str | None) -> bool:
    """Whether two http(s) addresses belong to the same site (see site_of)."""
    site = site_of(a)
    return site is not None and site == site_of(b)


@dataclass
class ReadError:
    """An input a reader could not turn into an article (goes to load_log)."""

    source: str
    error: str


@dataclass
class ReadNote:
    """Something worth logging about an input: read anyway (load_log status "ok"), or
    deliberately not read (status "skipped": a file of a format no reader handles)."""

    source: str
    message: str
    status: str = "ok"


@dataclass
class Entity:
    """A person or organisation named in one article."""

    name: str  # canonical in-article form: the earliest fullest one
    kind: str  # "person" or "organization"
    aliases: list[str] = field(default_factory=list)  # every surface form seen
    description: str | None = None  # first apposition: "head of Russia's ..."
    gender: str | None = None  # "male", "female" or None, for pronouns


@dataclass
class Quote:
    """A quote (direct, partial) or reported statement (indirect)."""

    text: str
    kind: str  # direct, partial, indirect
    start: int  # offsets into Article.body: body[start:end] == text
    end: int
    paragraph: int
    speaker: str | None = None  # canonical Entity.name, None when unknown
    speaker_text: str | None = None  # the mention as written: "he", "Dmitriev"
    cue: str | None = None
    said_on: str | None = None  # ISO date or partial date "2025-02"
    date_text: str | None = None
    method: str | None = None  # which sieve attributed it
    confidence: float = 0.0
    mentions: list[str] = field(default_factory=list)  # entity names it is about


@dataclass
class Claim:
    """A fact the article states (the claimant is the publisher)."""

    kind: str  # no_comment, role, event, plan, statement
    subject: str | None  # canonical Entity.name
    text: str  # the sentence
    start: int
    end: int
    object: str | None = None  # role title, event description
    organization: str | None = None  # for roles: the organisation of the post
    date: str | None = None  # when it happened
    as_of: str | None = None  # when it was reported true
    by: str | None = None  # who appointed / announced it (Entity.name)
    confidence: float = 0.0


@dataclass
class Extraction:
    """Everything extraction found in one article."""

    entities: list[Entity] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
