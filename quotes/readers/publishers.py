"""Publishers' names for articles that do not give one: from the address's domain, or
from a corpus's short code. The names are data (quotes/data/publishers.txt)."""
from __future__ import annotations

from urllib.parse import urlsplit

from quotes.wordlists import lines


def _pairs(section: str) -> dict[str, str]:
    """"key: Name" lines of one section, in file order."""
    return {key.strip(): name.strip() for key, _, name in
            (line.partition(":") for line in lines("publishers.txt", section))}


PUBLISHERS = _pairs("domain")  # domain -> name; the first match in this order wins
PUBLISHER_CODES = _pairs("code")  # "nyt" -> "The New York Times"
HOSTED = _pairs("hosted")  # domain -> name, before any name the page gives itself
_HOST_PREFIXES = lines("publishers.txt", "host_prefix")


def _host(url: str | None) -> str | None:
    if not url:
        return None
    try:
        return (urlsplit(url.strip()).hostname or "").rstrip(".").lower() or None
    except ValueError:  # "https://e.com[a": an invalid IPv6 host, or a bad port
        return None


def _on(host: str, names: dict[str, str]) -> str | None:
    for domain, name in names.items():
        if host == domain or host.endswith("." + domain):
            return name
    return None


def hosted_publisher(url: str | None) -> str | None:
    """The publisher of a page on a platform that names itself generically ("Hosted" on
    hosted.ap.org is the Associated Press): it wins over the page's own site name."""
    host = _host(url)
    return _on(host, HOSTED) if host else None


def publisher_for_url(url: str | None) -> str | None:
    """A readable publisher name for an article URL: known name, else the bare domain."""
    host = _host(url)
    if not host:
        return None
    if name := _on(host, HOSTED) or _on(host, PUBLISHERS):
        return name
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") > 1:
            return host[len(prefix):]
    return host


def publisher_for_code(value: str | None) -> str | None:
    """A corpus's publisher field: its code's name when it is a known code, else as given."""
    if value is None:
        return None
    return PUBLISHER_CODES.get(value.lower(), value)
