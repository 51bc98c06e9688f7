"""A crowd of readers: page times with N concurrent clients, against one client, in one run.

    python benchmarks/crowd.py                         # 50 clients, BBC database
    python benchmarks/crowd.py --during-load           # ...while `quotes load` writes
    python benchmarks/crowd.py --clients 10 --requests 2 --db path/to/quotes.db

The database (--db, default: BBC loaded once into /tmp/quotes-bench/crowd/bbc.db) is
copied to a temporary quotes.db and served by a real `datasette serve` subprocess on a
free 127.0.0.1 port, with the arguments `quotes serve` uses (quotes.web.serve). Clients
are httpx connections on asyncio, each asking for every page in turn, --requests times:
the front page, the quotes table, an article page and a speaker page (ids taken from
the database, a different one per request). One client runs first, then --clients at
once; each prints p50 and p95 per page (every request counts, failed ones at the time
they took), the errors (a status other than 200, or no response within --timeout), and
the load average. The crowd's p50 is also given as a multiple of the single client's.

--during-load keeps `quotes load` running into the served copy while the crowd reads:
a fresh copy of BBC each time (its own ids and last line, so that nothing is skipped as
already loaded), started again as soon as one finishes.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's quotes, as for the subprocesses (env)
BBC = ROOT.parent / "shared" / "data" / "bbc" / "bbc_fulltext.jsonl"
DEFAULT_DB = Path(tempfile.gettempdir()) / "quotes-bench" / "crowd" / "bbc.db"
PAGES = ("front page", "quotes table", "article page", "speaker page")


@dataclass
class Tally:
    """Times (ms) and errors of one page in one phase."""

    times: list[float] = field(default_factory=list)
    errors: int = 0
    first_error: str | None = None

    def add(self, ms: float, error: str | None) -> None:
        self.times.append(ms)
        if error:
            self.errors += 1
            self.first_error = self.first_error or error


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile: the value q of the way up the sorted list."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)] if ordered else float("nan")


def env() -> dict[str, str]:
    """This checkout first on the path, for `python -m quotes` and the plugin."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def quotes_load(corpus: Path, db: Path, log) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "quotes", "load", str(corpus), "--db", str(db), "-s"],
                            env=env(), stdout=log, stderr=log)


def ensure_db(db: Path, corpus: Path) -> None:
    """The default database: `corpus` loaded once, kept for later runs."""
    if db.exists():
        return
    db.parent.mkdir(parents=True, exist_ok=True)
    print(f"loading {corpus} into {db} (once)...", file=sys.stderr)
    partial = db.with_name(db.stem + ".partial.db")
    result = subprocess.run([sys.executable, "-m", "quotes", "load", str(corpus), "--db", str(partial), "-s"],
                            env=env(), capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"loading {corpus} failed:\n{result.stderr[-2000:]}")
    partial.rename(db)


def copy_db(source: Path, target: Path) -> None:
    """A consistent copy (SQLite's backup), whatever journal mode the source is in."""
    src, dst = sqlite3.connect(f"file:{source}?mode=ro", uri=True), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def page_paths(db: Path, name: str, n: int = 50) -> dict[str, list[str]]:
    """The paths asked for, per page: articles and speakers with the most quotes."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        articles = [r[0] for r in conn.execute(
            "select article_id from quotes group by article_id order by count(*) desc, article_id limit ?", [n])]
        speakers = [r[0] for r in conn.execute(
            "select id from entities where quote_count > 0 order by quote_count desc, id limit ?", [n])]
    finally:
        conn.close()
    if not articles or not speakers:
        raise SystemExit(f"{db} holds no quotes to ask for")
    return {
        "front page": ["/"],
        "quotes table": [f"/{name}/quotes"],
        "article page": [f"/-/quotes/article/{a}" for a in articles],
        "speaker page": [f"/-/quotes/speaker/{s}" for s in speakers],
    }


class Server:
    """`datasette serve` as `quotes serve` runs it, on a free port; stopped on exit."""

    def __init__(self, db: Path, log: Path):
        from quotes.web.serve import datasette_args

        self.port = free_port()
        self.args = datasette_args(db, host="127.0.0.1", port=self.port)
        self.log_path = log
        self.base = f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Server:
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen([sys.executable, "-m", "datasette", *self.args], env=env(),
                                     stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + 60
        while True:
            if self.proc.poll() is not None:
                raise SystemExit(f"datasette exited with {self.proc.returncode}:\n{self.log_path.read_text()}")
            try:
                if httpx.get(self.base + "/-/versions.json", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"datasette did not answer on {self.base}:\n{self.log_path.read_text()}")
            time.sleep(0.2)

    def __exit__(self, *exc) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


class LoadLoop:
    """`quotes load` of a fresh copy of the corpus into the served database, over and
    over, until stopped: the writer a crowd of readers meets in production."""

    def __init__(self, corpus: Path, db: Path, work: Path):
        self.corpus, self.db, self.work = corpus, db, work
        self.started = self.finished = self.failed = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._proc: subprocess.Popen | None = None

    def _copy(self, n: int) -> Path:
        path = self.work / f"load-{n}.jsonl"
        with self.corpus.open(encoding="utf-8") as lines, path.open("w", encoding="utf-8") as out:
            for line in lines:
                record = json.loads(line)
                record["id"] = f"crowd{n}/{record.get('id')}"
                record["text"] = f"{record['text']}\n\n(Reader crowd copy {n}.)"
                out.write(json.dumps(record) + "\n")
        return path

    def _run(self) -> None:
        with open(self.work / "load.log", "a") as log:
            while not self._stop.is_set():
                corpus = self._copy(self.started)
                self.started += 1
                self._proc = quotes_load(corpus, self.db, log)
                code = self._proc.wait()
                if self._stop.is_set():
                    return
                self.finished += 1
                self.failed += code != 0
                corpus.unlink()

    def __enter__(self) -> LoadLoop:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
        self._thread.join(30)


async def client(number: int, base: str, paths: dict[str, list[str]], requests: int, timeout: float,
                 tallies: dict[str, Tally]) -> None:
    """One reader on its own connection: every page in turn, `requests` times."""
    async with httpx.AsyncClient(base_url=base, timeout=timeout) as http:
        for r in range(requests):
            for page in PAGES:
                options = paths[page]
                path = options[(number * requests + r) % len(options)]
                started = time.perf_counter()
                try:
                    response = await http.get(path)
                    error = None if response.status_code == 200 else f"HTTP {response.status_code} {path}"
                except httpx.HTTPError as e:
                    error = f"{type(e).__name__} {path}"
                tallies[page].add((time.perf_counter() - started) * 1000, error)


def crowd(base: str, paths: dict[str, list[str]], clients: int, requests: int,
          timeout: float) -> tuple[dict[str, Tally], float]:
    """Run `clients` readers at once; their tallies per page and the wall time."""
    tallies = {page: Tally() for page in PAGES}

    async def everyone() -> None:
        await asyncio.gather(*(client(n, base, paths, requests, timeout, tallies) for n in range(clients)))

    started = time.perf_counter()
    asyncio.run(everyone())
    return tallies, time.perf_counter() - started


def report(title: str, tallies: dict[str, Tally], seconds: float, baseline: dict[str, Tally] | None) -> None:
    n = sum(len(t.times) for t in tallies.values())
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"\n{title}: {n} requests in {seconds:.1f} s ({n / seconds:.1f}/s); "
          f"load average {load} ({os.cpu_count()} CPUs)")
    ratio = " | p50 vs 1 client" if baseline else ""
    print(f"| page | requests | p50 ms | p95 ms | errors{ratio} |")
    print("|---|---|---|---|---|" + ("---|" if baseline else ""))
    for page, tally in tallies.items():
        p50 = percentile(tally.times, 0.5)
        row = f"| {page} | {len(tally.times)} | {p50:.0f} | {percentile(tally.times, 0.95):.0f} | {tally.errors} |"
        if baseline:
            row += f" {p50 / percentile(baseline[page].times, 0.5):.1f}x |"
        print(row)
    for page, tally in tallies.items():
        if tally.first_error:
            print(f"first error on the {page}: {tally.first_error}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, help=f"database to serve (a copy is served; default {DEFAULT_DB})")
    parser.add_argument("--corpus", type=Path, default=BBC, help="JSON lines loaded by --during-load (default BBC)")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=3, help="requests for each page per crowd client")
    parser.add_argument("--baseline-requests", type=int, default=10, help="requests for each page by the lone client")
    parser.add_argument("--during-load", action="store_true", help="keep `quotes load` writing while the crowd reads")
    parser.add_argument("--timeout", type=float, default=120, help="seconds before a request counts as an error")
    args = parser.parse_args()

    if args.db is None:
        ensure_db(DEFAULT_DB, BBC)
    source = args.db or DEFAULT_DB
    if not source.exists():
        raise SystemExit(f"no database at {source}")
    with tempfile.TemporaryDirectory(prefix="quotes-crowd-") as tmp:
        work = Path(tmp)
        served = work / "quotes.db"
        copy_db(source, served)
        paths = page_paths(served, served.stem)
        with Server(served, work / "datasette.log") as server:
            print(f"serving a copy of {source} at {server.base}: datasette {' '.join(server.args)}")
            for page in PAGES:  # warm-up, not counted: templates, plugin start-up, page cache
                httpx.get(server.base + paths[page][0], timeout=args.timeout)
            lone, seconds = crowd(server.base, paths, 1, args.baseline_requests, args.timeout)
            report("1 client", lone, seconds, None)
            if args.clients > 1 or args.during_load:
                title = f"{args.clients} clients"
                if args.during_load:
                    with LoadLoop(args.corpus, served, work) as loads:
                        tallies, seconds = crowd(server.base, paths, args.clients, args.requests, args.timeout)
                    title += (f", during `quotes load` ({loads.started} started, {loads.finished} finished, "
                              f"{loads.failed} failed)")
                else:
                    tallies, seconds = crowd(server.base, paths, args.clients, args.requests, args.timeout)
                report(title, tallies, seconds, lone)


if __name__ == "__main__":
    main()
