"""http(s) URLs: fetched with httpx, then read as the page, feed or file they are.

    with Fetcher(urls) as fetcher:            # starts downloading ahead, politely
        for url in urls:
            for record in read_url(url, fetcher=fetcher):
                ...

Politeness and safety: at most WORKERS downloads at once and PER_HOST to one host,
a connect/read timeout and one deadline per URL covering everything (connecting,
the headers, the body, every redirect), a size limit checked on the Content-Length
and again while streaming, at most MAX_REDIRECTS redirects, and a User-Agent that
says what is asking. Downloads run a few URLs ahead of the loader, in input order,
so memory stays bounded however long the list is.

No request, first or redirected, reaches a loopback, private, link-local, multicast,
reserved or unspecified address unless the Fetcher is told `allow_private` (`quotes
load --allow-private`): a page on the internet must not be able to send the loader
to the machine's own services or the cloud metadata address 169.254.169.254. The
check is made on the addresses a name resolves to, and the connection goes to the
address that was checked (see _Network).

Every failure is a ReadError with one line for load_log: "HTTP 404 Not Found",
"timed out after 20 s (connecting)", "larger than the 10 MB limit", "refused:
127.0.0.1 is a loopback address; pass --allow-private..."...
"""
from __future__ import annotations

import contextvars
import ipaddress
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from quotes import __version__, limits
from quotes.model import Article, ReadError, ReadNote
from quotes.readers.document import read_bytes
from quotes.readers.encoding import SNIFF_BYTES, DecodeError, binary_reason, decode_bytes
from quotes.readers.publishers import publisher_for_url
from quotes.readers.sniff import STDIN, STDIN_SOURCE, is_url, sniff_format

TIMEOUT = 20.0  # seconds to connect, and between bytes received
DEADLINE = 60.0  # seconds for one whole download: connecting, headers, body, redirects
MAX_BYTES = 10 * 1024 * 1024
MAX_REDIRECTS = 10
WORKERS = 8
PER_HOST = 2
# What decides that a download's deadline has passed, read at its start and before each
# wait on the network; tests set a clock they advance themselves (see _Download).
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
    """GET one URL with an httpx.Client; a ReadError (one line) for every way it fails.

    `deadline` seconds (on CLOCK) cover the whole download: each connection, the
    request, the headers and the body, over every redirect. A client from make_client
    enforces it at each wait on the network; a server that trickles its headers is cut
    off like one that trickles its body.
    """
    import httpx

    download = _Download(CLOCK, deadline)
    token = _DOWNLOAD.set(download)
    stage = "reading the headers"
    try:
        with client.stream("GET", url) as response:
            stage = "reading the body"
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
    except DeadlineExceeded as error:
        return ReadError(url, f"timed out: download took longer than {deadline:g} s ({error.stage or stage})")
    except AddressRefused as error:
        return ReadError(url, error.message(download.requests))
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
    finally:
        _DOWNLOAD.reset(token)


def _reason(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _charset_param(params: str) -> str | None:
    for part in params.split(";"):
        name, _, value = part.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


def make_client(timeout: float = TIMEOUT, workers: int = WORKERS, transport=None, allow_private: bool = False):
    """An httpx.Client for `fetch`: redirects followed, and every connection made by
    _Network (private addresses refused unless `allow_private`, the deadline enforced).
    A `transport` given (a test's httpx.MockTransport) is used as it is."""
    import httpcore
    import httpx

    if transport is None:
        transport = httpx.HTTPTransport()
        # httpx has no option for how connections are opened, so its pool is replaced by
        # the same httpcore pool on our network backend. Checking the address in a hook
        # and letting httpx connect by name would resolve the name twice: DNS rebinding
        # could answer a public address to the check and 127.0.0.1 to the connection.
        # tests/test_security.py fails if an httpx upgrade ever routes around this.
        transport._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=workers,
            max_keepalive_connections=workers,
            network_backend=_Network(allow_private),
        )
    # A transport of our own also means no proxy from the environment: a proxy resolves
    # names where they cannot be checked.
    return httpx.Client(
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        timeout=httpx.Timeout(timeout),
        headers={"User-Agent": USER_AGENT, "Accept": ACCEPT},
        transport=transport,
        event_hooks={"request": [_note_request]},
    )


# ------------------------------------------- where a download may connect, and until when


class DeadlineExceeded(Exception):
    """The download's deadline passed; `stage` says where, when the network layer knows."""

    def __init__(self, stage: str | None = None):
        super().__init__(stage)
        self.stage = stage


class AddressRefused(Exception):
    """A request would reach a private address (loopback, link-local...) without allow_private."""

    def __init__(self, host: str, address: str, kind: str):
        super().__init__(host, address, kind)
        self.host, self.address, self.kind = host, address, kind

    def message(self, requests: list[str]) -> str:
        """The load_log line: which address, what kind, how to allow it; the redirect's
        target when the refused request was a redirect."""
        article = "an" if self.kind[0] in "aeiou" else "a"
        if _same_address(self.host, self.address):
            what = f"{self.host} is {article} {self.kind} address"
        else:
            what = f"{self.host} is {self.address}, {article} {self.kind} address"
        hop = f"redirected to {requests[-1]}; " if len(requests) > 1 else ""
        return f"refused: {hop}{what}; pass --allow-private to load from your own network"


# Property of ipaddress addresses -> what the refusal calls it, most specific first
# (127.0.0.1 is private too, but "loopback" says more).
_PRIVATE_KINDS = (
    ("is_unspecified", "unspecified"),
    ("is_loopback", "loopback"),
    ("is_link_local", "link-local"),
    ("is_multicast", "multicast"),
    ("is_reserved", "reserved"),
    ("is_private", "private"),
)


def private_kind(address: str) -> str | None:
    """Why a download may not connect to the IP `address` ("loopback", "link-local"...),
    or None for a public address. An IPv4-mapped IPv6 address (::ffff:127.0.0.1) is
    judged as the IPv4 address it reaches; any other address that is not globally
    routable (shared address space 100.64.0.0/10...) is "non-public"."""
    ip = ipaddress.ip_address(address)
    if ip.version == 6 and ip.ipv4_mapped is not None:  # Python < 3.13 does not look through it
        ip = ip.ipv4_mapped
    for prop, kind in _PRIVATE_KINDS:
        if getattr(ip, prop):
            return kind
    return None if ip.is_global else "non-public"


def _same_address(host: str, address: str) -> bool:
    """Whether `host` is written as the IP address `address` (not a name, not 127.1)."""
    try:
        return ipaddress.ip_address(host) == ipaddress.ip_address(address)
    except ValueError:
        return False


def _resolve(host: str, port: int) -> list[tuple[int, tuple]]:
    """(family, socket address) for every address of `host`, in the resolver's order."""
    return [(family, sockaddr) for family, _, _, _, sockaddr
            in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


def _connect(address: str, port: int, timeout: float | None, local_address: str | None, socket_options):
    """httpcore's own connection to the IP `address` (a numeric address: no lookup)."""
    import httpcore

    return httpcore.SyncBackend().connect_tcp(address, port, timeout, local_address, socket_options)


# How names are resolved and connections opened; tests replace them with a fake network
# (a name that resolves to a public address, routed to their local server).
RESOLVE: Callable[[str, int], list[tuple[int, tuple]]] = _resolve
CONNECT: Callable[..., object] = _connect


@dataclass
class _Download:
    """The download under way in this thread: its deadline, and the URL of each request
    it made (more than one after a redirect).

    `clock` (CLOCK) decides when the deadline has passed: tests advance it themselves.
    A wait on a socket is real time, so it is cut at the real remainder, measured on
    time.monotonic; in use the two clocks are one, in a test the real cut never comes
    first, so a slow machine cannot change which limit is hit."""

    clock: Callable[[], float]
    seconds: float
    ends: float = 0.0
    real_ends: float = 0.0
    requests: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.ends = self.clock() + self.seconds
        self.real_ends = time.monotonic() + self.seconds

    def wait(self, timeout: float | None, stage: str | None) -> tuple[float | None, bool]:
        """How long the next wait on the network may last: `timeout`, or what is left
        of the deadline when that is less (True then, so a timeout is the deadline's)."""
        left = self.real_ends - time.monotonic()
        if self.clock() >= self.ends or left <= 0:
            raise DeadlineExceeded(stage)
        return (left, True) if timeout is None or left < timeout else (timeout, False)


# Each download runs in one thread (a Fetcher worker), and httpx's sync client does all
# its network waits in the calling thread, so the network layer finds the download here.
_DOWNLOAD: contextvars.ContextVar[_Download | None] = contextvars.ContextVar("quotes_download", default=None)


def _wait(timeout: float | None, stage: str | None) -> tuple[float | None, bool]:
    download = _DOWNLOAD.get()
    return (timeout, False) if download is None else download.wait(timeout, stage)


def _note_request(request) -> None:
    """httpx request hook: remember each URL asked for, so a refusal can name the redirect."""
    if (download := _DOWNLOAD.get()) is not None:
        download.requests.append(str(request.url))


class _Network:
    """httpcore network backend: resolves each name once, refuses private addresses
    unless allowed, connects to the address it checked, and cuts every wait short at
    the download's deadline."""

    def __init__(self, allow_private: bool = False):
        self.allow_private = allow_private

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None, socket_options=None) -> _Stream:
        import httpcore

        try:
            addresses = RESOLVE(host, port)
        except OSError as error:  # socket.gaierror: no such name
            raise httpcore.ConnectError(str(error)) from error
        if not self.allow_private:  # every address, not only the one tried first
            for _, sockaddr in addresses:
                if kind := private_kind(sockaddr[0]):
                    raise AddressRefused(host, sockaddr[0], kind)
        failure: Exception = httpcore.ConnectError(f"no address for {host}")
        for _, sockaddr in addresses:  # as socket.create_connection: the first that answers
            limit, by_deadline = _wait(timeout, "connecting")
            try:
                return _Stream(CONNECT(sockaddr[0], port, limit, local_address, socket_options))
            except httpcore.ConnectTimeout as error:
                if by_deadline:
                    raise DeadlineExceeded("connecting") from None
                failure = error
            except httpcore.ConnectError as error:
                failure = error
        raise failure

    def connect_unix_socket(self, path: str, timeout: float | None = None, socket_options=None):
        raise NotImplementedError("downloads go over TCP only")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class _Stream:
    """A connection (httpcore's own sync stream inside) whose every wait ends by the
    download's deadline: a server sending a header line a second is cut off like one
    sending a body byte a second."""

    def __init__(self, inner):
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        import httpcore

        limit, by_deadline = _wait(timeout, None)
        try:
            return self._inner.read(max_bytes, limit)
        except httpcore.ReadTimeout:
            if by_deadline:
                raise DeadlineExceeded(None) from None
            raise

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        import httpcore

        if not buffer:
            return
        limit, by_deadline = _wait(timeout, "sending the request")
        try:
            self._inner.write(buffer, limit)
        except httpcore.WriteTimeout:
            if by_deadline:
                raise DeadlineExceeded("sending the request") from None
            raise

    def start_tls(self, ssl_context, server_hostname: str | None = None, timeout: float | None = None) -> _Stream:
        import httpcore

        limit, by_deadline = _wait(timeout, "connecting")
        try:
            return _Stream(self._inner.start_tls(ssl_context, server_hostname, limit))
        except httpcore.ConnectTimeout:
            if by_deadline:
                raise DeadlineExceeded("connecting") from None
            raise

    def close(self) -> None:
        self._inner.close()

    def get_extra_info(self, info: str):
        return self._inner.get_extra_info(info)


class Fetcher:
    """Downloads a list of URLs a few ahead of their use, with per-host limits.

    `get(url)` returns the download of a URL from the list (waiting for it if
    needed) or, for any other URL, fetches it there and then. Use as a context
    manager; nothing starts until a URL is asked for or listed.

    Each download has its own deadline and runs in its own worker, so a slow server
    holds up its URL (until the deadline) and nothing else. `allow_private` lets
    requests reach loopback, private and link-local addresses: for a user loading
    from their own network, and tests serving pages on 127.0.0.1.
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
        allow_private: bool = False,
    ):
        # Defaults are read now, not at import, so they can be changed module-wide.
        self.timeout = TIMEOUT if timeout is None else timeout
        self.deadline = DEADLINE if deadline is None else deadline
        self.max_bytes = MAX_BYTES if max_bytes is None else max_bytes
        self.workers = WORKERS if workers is None else workers
        self.per_host = PER_HOST if per_host is None else per_host
        self.transport = transport
        self.allow_private = allow_private
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
            self._client = make_client(self.timeout, self.workers, self.transport, self.allow_private)
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
