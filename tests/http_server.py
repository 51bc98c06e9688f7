"""The local web server the URL tests fetch from, the clock that paces it, and a fake
network that makes it look like a site on the internet.

    with serving(MyHandler) as base:            # "http://127.0.0.1:PORT"
        ...

Nothing here touches the internet: the server listens on 127.0.0.1, and FakeNetwork's
names resolve only in the test that installs it.
"""
from __future__ import annotations

import contextlib
import http.server
import socket
import threading
from collections.abc import Callable, Iterator

# The addresses FakeNetwork hands out: public ones (documentation ranges such as
# 192.0.2.0/24 count as private), never connected to: FakeNetwork routes them to 127.0.0.1.
PUBLIC = "93.184.215.14"
PUBLIC_TOO = "151.101.1.69"


class Handler(http.server.BaseHTTPRequestHandler):
    """HTTP/1.1, quiet, with helpers to answer at once or piece by piece."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def send(self, status: int, headers: dict, body: bytes = b"") -> None:
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        if "Transfer-Encoding" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def paced(self, pieces: Iterator[bytes], clock: TickingClock) -> None:
        """Send each piece once the client has read the clock since the last one: the
        fetch reads it before every wait on the socket, so a piece goes out each time
        the client comes back for more, however slow the machine. Stops when the client
        hangs up (or, as a safety net, stops reading the clock)."""
        try:
            for piece in pieces:
                seen = clock.reads
                self.wfile.write(piece)
                self.wfile.flush()
                if not clock.wait_for_reads(seen + 1):
                    break
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True


@contextlib.contextmanager
def serving(handler: type[http.server.BaseHTTPRequestHandler]) -> Iterator[str]:
    """A threaded server for `handler` on a free port of 127.0.0.1; its base URL."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


class TickingClock:
    """A clock for quotes.readers.url.CLOCK that moves `step` seconds each time it is
    read, separately in each thread: one download runs in one thread, so its time is
    its own reads (the fetch reads the clock at its start and before every wait on the
    network), whatever other downloads do and however loaded the machine is."""

    def __init__(self, step: float):
        self.step = step
        self.reads = 0
        self.by_thread: dict[int, int] = {}
        self.changed = threading.Condition()

    def __call__(self) -> float:
        with self.changed:
            self.reads += 1
            thread = threading.get_ident()
            self.by_thread[thread] = self.by_thread.get(thread, 0) + 1
            self.changed.notify_all()
            return self.by_thread[thread] * self.step

    def wait_for_reads(self, reads: int) -> bool:
        """Block until the clock has been read `reads` times in all; False after 30 s
        (a safety net for a broken test, never the expected path)."""
        with self.changed:
            return self.changed.wait_for(lambda: self.reads >= reads, timeout=30)


class FakeNetwork:
    """Names for the local test server that resolve to public addresses, so a test can
    start from a URL that passes the address check and be redirected to a private one.

    `names` maps a host to its addresses, or to a function giving them (called at each
    lookup, so an answer can change: DNS rebinding). Connections to PUBLIC and
    PUBLIC_TOO are routed to 127.0.0.1, as a NAT would; `lookups` and `connections`
    record what the fetcher asked; any other connection than to this machine's
    loopback fails, so even a broken address check never reaches out of the test.
    Install with `install(monkeypatch)`.
    """

    def __init__(self, names: dict[str, list[str] | Callable[[], list[str]]]):
        self.names = names
        self.lookups: list[str] = []
        self.connections: list[tuple[str, int]] = []

    def install(self, monkeypatch) -> FakeNetwork:
        from quotes.readers import url

        real_resolve, real_connect = url.RESOLVE, url.CONNECT

        def resolve(host: str, port: int) -> list[tuple[int, tuple]]:
            self.lookups.append(host)
            if host not in self.names:
                if host.endswith(".test"):  # never ask a real resolver about a made-up name
                    raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
                return real_resolve(host, port)
            answer = self.names[host]
            addresses = answer() if callable(answer) else answer
            return [(socket.AF_INET6 if ":" in a else socket.AF_INET, (a, port)) for a in addresses]

        def connect(address: str, port: int, *args):
            import httpcore

            self.connections.append((address, port))
            target = "127.0.0.1" if address in (PUBLIC, PUBLIC_TOO) else address
            if target not in ("127.0.0.1", "::1"):
                raise httpcore.ConnectError(f"FakeNetwork: no route to {address}")
            return real_connect(target, port, *args)

        monkeypatch.setattr(url, "RESOLVE", resolve)
        monkeypatch.setattr(url, "CONNECT", connect)
        return self
