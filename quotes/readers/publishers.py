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
_HOST_PREFIXES = lines("publishers.txt", "host_prefix")


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


def publisher_for_code(value: str | None) -> str | None:
    """A corpus's publisher field: its code's name when it is a known code, else as given."""
    if value is None:
        return None
    return PUBLISHER_CODES.get(value.lower(), value)
