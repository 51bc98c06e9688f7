"""http(s) URLs: fetched with httpx, then read as the page, feed or file they are.

    with Fetcher(urls) as fetcher:            # starts downloading ahead, politely
        for url in urls:
            for record in read_url(url, fetcher=fetcher):
                ...

Politeness and safety: at most WORKERS downloads at once and PER_HOST to one host,
a connect/read timeout and an overall deadline per URL, a size limit checked on
the Content-Length and again while streaming, at most MAX_REDIRECTS redirects, and
a User-Agent that says what is asking. Downloads run a few URLs ahead of the
loader, in input order, so memory stays bounded however long the list is.

Every failure is a ReadError with one line for load_log: "HTTP 404 Not Found",
"timed out after 20 s (connecting)", "larger than the 10 MB limit"...
"""
from __future__ import annotations

import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlsplit

from quotes import __version__, limits
from quotes.model import Article, ReadError, ReadNote
from quotes.readers.document import read_bytes
from quotes.readers.encoding import SNIFF_BYTES, DecodeError, binary_reason, decode_bytes
from quotes.readers.publishers import publisher_for_url
from quotes.readers.sniff import STDIN, STDIN_SOURCE, is_url, sniff_format

TIMEOUT = 20.0  # seconds to connect, and between bytes received
DEADLINE = 60.0  # seconds for one whole download
MAX_BYTES = 10 * 1024 * 1024
MAX_REDIRECTS = 10
WORKERS = 8
PER_HOST = 2
# What the overall deadline is measured on, read at each download; tests set a clock
# they advance themselves, so a slow machine cannot change which limit is hit.
CLOCK = time.monotonic
USER_AGENT = f"quotes/{__version__} (news quote attribution; one request per article)"
ACCEPT = (
    "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml;q=0.9,"
    "application/xml;q=0.8,text/plain;q=0.7,*/*;q=0.5"
)

_BY_TYPE = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/rss+xml": "feed",
    "application/atom+xml": "feed",
    "application/rdf+xml": "feed",
    "application/feed+xml": "feed",
    "application/warc": "warc",
    "application/x-ndjson": "jsonl",
    "application/jsonl": "jsonl",
    "application/json": "jsonl",
    "text/plain": "text",
    "text/markdown": "markdown",
    "text/x-markdown": "markdown",
}
_SNIFFED_TYPES = {"", "application/xml", "text/xml", "application/octet-stream", "binary/octet-stream"}


@dataclass
class Fetched:
    """A successful download."""

    url: str  # as asked for
    final_url: str  # after redirects
    content_type: str  # the MIME type alone, lower case ("" when not sent)
    charset: str | None
    data: bytes


def fetch(client, url: str, max_bytes: int = MAX_BYTES, deadline: float = DEADLINE) -> Fetched | ReadError:
    """GET one URL with an httpx.Client; a ReadError (one line) for every way it fails."""
    import httpx

    clock = CLOCK
    started = clock()
    try:
        with client.stream("GET", url) as response:
            if response.status_code >= 400:
                return ReadError(url, f"HTTP {response.status_code} {response.reason_phrase}".strip())
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                return ReadError(url, f"larger than the {limits.size(max_bytes)} limit ({limits.size(int(declared))})")
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    return ReadError(url, f"larger than the {limits.size(max_bytes)} limit; download stopped")
                if clock() - started > deadline:
                    return ReadError(url, f"timed out: download took longer than {deadline:g} s")
                chunks.append(chunk)
            content_type = response.headers.get("content-type", "")
            mime, _, params = content_type.partition(";")
            return Fetched(
                url=url,
                final_url=str(response.url),
                content_type=mime.strip().lower(),
                charset=_charset_param(params),
                data=b"".join(chunks),
            )
    except httpx.TimeoutException as error:
        stage = {"ConnectTimeout": "connecting", "ReadTimeout": "waiting for data",
                 "WriteTimeout": "sending", "PoolTimeout": "waiting for a connection"}.get(type(error).__name__, "")
        limit = client.timeout.connect if stage == "connecting" else client.timeout.read
        return ReadError(url, f"timed out after {limit:g} s" + (f" ({stage})" if stage else ""))
    except httpx.TooManyRedirects:
        return ReadError(url, f"too many redirects (more than {client.max_redirects})")
    except httpx.ConnectError as error:
        return ReadError(url, f"cannot connect: {_reason(error)}")
    except httpx.UnsupportedProtocol as error:
        return ReadError(url, f"unsupported address: {_reason(error)}")
    except httpx.HTTPError as error:
        return ReadError(url, f"download failed: {type(error).__name__}: {_reason(error)}")
    except (httpx.InvalidURL, ValueError) as error:
        return ReadError(url, f"invalid URL: {_reason(error)}")


def _reason(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _charset_param(params: str) -> str | None:
    for part in params.split(";"):
        name, _, value = part.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


def make_client(timeout: float = TIMEOUT, workers: int = WORKERS, transport=None):
    import httpx

    return httpx.Client(
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        timeout=httpx.Timeout(timeout),
        limits=httpx.Limits(max_connections=workers, max_keepalive_connections=workers),
        headers={"User-Agent": USER_AGENT, "Accept": ACCEPT},
        transport=transport,
    )


class Fetcher:
    """Downloads a list of URLs a few ahead of their use, with per-host limits.

    `get(url)` returns the download of a URL from the list (waiting for it if
    needed) or, for any other URL, fetches it there and then. Use as a context
    manager; nothing starts until a URL is asked for or listed.
    """

    def __init__(
        self,
        urls: Iterable[str] = (),
        *,
        timeout: float | None = None,
        deadline: float | None = None,
        max_bytes: int | None = None,
        workers: int | None = None,
        per_host: int | None = None,
        transport=None,
    ):
        # Defaults are read now, not at import, so they can be changed module-wide.
        self.timeout = TIMEOUT if timeout is None else timeout
        self.deadline = DEADLINE if deadline is None else deadline
        self.max_bytes = MAX_BYTES if max_bytes is None else max_bytes
        self.workers = WORKERS if workers is None else workers
        self.per_host = PER_HOST if per_host is None else per_host
        self.transport = transport
        self.ahead = self.workers * 2
        self._queue = deque(dict.fromkeys(u for u in urls if is_url(u)))
        self._futures: dict[str, Future] = {}
        self._hosts: dict[str, threading.Semaphore] = {}
        self._lock = threading.Lock()
        # Downloads held back by the per-host limit right now: the event a test waits
        # for (every download either at the server or held back) instead of timing them.
        self.held = 0
        self._changed = threading.Condition(self._lock)
        self._client = None
        self._pool: ThreadPoolExecutor | None = None

    def __enter__(self) -> Fetcher:
        self._fill()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._queue.clear()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        if self._client is not None:
            self._client.close()
            self._client = None

    def get(self, url: str) -> Fetched | ReadError:
        future = self._futures.pop(url, None)
        if future is None:
            if url in self._queue:
                self._queue.remove(url)
            future = self._submit(url)
        self._fill()
        return future.result()

    def _start(self) -> None:
        if self._pool is None:
            self._client = make_client(self.timeout, self.workers, self.transport)
            self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="quotes-fetch")

    def _submit(self, url: str) -> Future:
        self._start()
        assert self._pool is not None
        return self._pool.submit(self._fetch, url)

    def _fill(self) -> None:
        while self._queue and len(self._futures) < self.ahead:
            url = self._queue.popleft()
            self._futures[url] = self._submit(url)

    def _fetch(self, url: str) -> Fetched | ReadError:
        try:
            host = (urlsplit(url).hostname or "").lower()
        except ValueError:  # httpx reports the bad address
            host = ""
        with self._lock:
            slot = self._hosts.setdefault(host, threading.Semaphore(self.per_host))
        if not slot.acquire(blocking=False):
            self._count_held(+1)
            slot.acquire()
            self._count_held(-1)
        try:
            return fetch(self._client, url, self.max_bytes, self.deadline)
        finally:
            slot.release()

    def _count_held(self, change: int) -> None:
        with self._changed:
            self.held += change
            self._changed.notify_all()

    def wait_for(self, predicate, timeout: float = 60.0) -> bool:
        """Block until predicate(self) holds (re-checked whenever `held` changes); False
        if `timeout` seconds pass first."""
        with self._changed:
            return self._changed.wait_for(lambda: predicate(self), timeout)


def read_url(url: str, fmt: str | None = None, fetcher: Fetcher | None = None) -> Iterator[Article | ReadError | ReadNote]:
    """Fetch one URL and read it; articles without an address of their own get the URL."""
    if fetcher is None:
        with Fetcher() as own:
            result = own.get(url)
    else:
        result = fetcher.get(url)
    if isinstance(result, ReadError):
        yield result
        return
    if not result.data.strip():
        yield ReadError(url, "empty response")
        return
    fmt = fmt or format_for(result)
    if fmt is None:
        yield ReadError(url, f"not an article: content type {result.content_type}")
        return
    if fmt in ("text", "markdown", "jsonl") and (problem := _text_problem(result.data)):
        yield ReadError(url, problem)
        return
    for record in read_bytes(result.data, url, fmt, url=result.final_url, charset=result.charset):
        if isinstance(record, Article) and not record.url:
            record.url = result.final_url
            record.publisher = record.publisher or publisher_for_url(result.final_url)
        yield record


def format_for(result: Fetched) -> str | None:
    """The reader for a download: by Content-Type, sniffed when that is vague; None to refuse."""
    if result.content_type in _BY_TYPE:
        fmt = _BY_TYPE[result.content_type]
        if fmt == "text":  # servers label many things text/plain; trust markup when it shows
            return sniff_format(result.data[:SNIFF_BYTES]) if result.data.lstrip()[:1] == b"<" else "text"
        return fmt
    if result.content_type in _SNIFFED_TYPES or result.content_type.startswith("text/"):
        return sniff_format(result.data[:SNIFF_BYTES])
    return None


def _text_problem(data: bytes) -> str | None:
    return binary_reason(data[:SNIFF_BYTES])


# ---------------------------------------------------------------- URL lists


def url_list(path: str) -> Iterator[str | ReadError]:
    """The URLs in a file, one a line (blank lines and "# comments" ignored).

    A line that is not an http(s) URL is a ReadError named "file:line"; "-" reads
    stdin. Never raises for a bad file: that too is a ReadError.
    """
    source = STDIN_SOURCE if path == STDIN else path
    try:
        data = sys.stdin.buffer.read() if path == STDIN else open(path, "rb").read()
    except OSError as error:
        yield ReadError(source, f"cannot read the URL list: {error.strerror or error}")
        return
    try:
        text, _ = decode_bytes(data)
    except DecodeError as error:
        yield ReadError(source, f"URL list: {error}")
        return
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        candidate = line.split()[0]
        if is_url(candidate):
            yield candidate
        else:
            yield ReadError(f"{source}:{number}", f"not an http(s) URL: {line[:100]!r}")
