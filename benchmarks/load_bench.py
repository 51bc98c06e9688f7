"""Load throughput: `quotes load` against a bare read-and-insert baseline, in the same run.

    python benchmarks/load_bench.py                       # the BBC corpus, 2,225 articles
    python benchmarks/load_bench.py --articles 100000     # BBC repeated to 100,125 articles
    python benchmarks/load_bench.py --workers 1 2 --dask  # also Dask LocalCluster runs

Every run is a fresh database and its own process (`python -m quotes load ...`), timed
from outside: wall time, CPU time of the whole process tree, and peak memory (resident
set) of the loading process and of the whole tree, and the CPU time of the loading
(writer) process alone (psutil, sampled every 50 ms).

- baseline: the same input read by the same reader (quotes.readers.read_source) and only
  the article rows inserted with sqlite-utils (insert_all, batches of 200): the floor
  any load pays.
- load: `quotes load` end to end: extraction, resolution, every table, full-text indexes,
  and the corpus-wide refresh at the end (quotes.corpus.tracking).
- writer: the single writer alone (extractions computed beforehand, not timed): what the
  writer can absorb, articles and rows per second, whatever the number of workers.
- phases: where one core's time goes (read, extract, write, commit + FTS, refresh).

The repeated corpus gives each copy of a BBC article its own URL, a publication date,
a publisher and a closing line "(Archive edition N.)", so no copy is skipped as already
loaded; the 133 duplicate pairs inside BBC stay duplicates within each copy, as in the
original. The corpus is written once to --work (default /tmp/quotes-bench).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BBC = ROOT.parent / "shared" / "data" / "bbc" / "bbc_fulltext.jsonl"
PUBLISHERS = ["BBC News", "BBC Sport", "BBC Business", "BBC Technology", "BBC Entertainment"]


# --- the corpus -----------------------------------------------------------------------


def make_corpus(n_articles: int, work: Path, source: Path = BBC) -> Path:
    """BBC as it is (n <= 2,225), or repeated with varied ids and dates to n articles."""
    lines = source.read_text(encoding="utf-8").splitlines()
    if n_articles <= len(lines):
        if n_articles == len(lines):
            return source
        path = work / f"bbc_{n_articles}.jsonl"
        if not path.exists():
            path.write_text("\n".join(lines[:n_articles]) + "\n", encoding="utf-8")
        return path
    path = work / f"bbc_x{n_articles}.jsonl"
    if path.exists():
        return path
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as out:
        written = 0
        copy = 0
        while written < n_articles:
            for i, line in enumerate(lines):
                if written >= n_articles:
                    break
                out.write(json.dumps(varied(json.loads(line), copy, i)) + "\n")
                written += 1
            copy += 1
    tmp.rename(path)
    return path


def varied(record: dict, copy: int, i: int) -> dict:
    """Copy `copy` of the i-th BBC record: its own id, URL, date, publisher and last line."""
    day = date(2004, 1, 1) + timedelta(days=(copy * 53 + i * 7) % 7300)
    return {
        **record,
        "id": f"{copy}/{record['id']}",
        "url": f"https://news.example.org/archive/{copy}/{record['id']}",
        "published": day.isoformat(),
        "publisher": PUBLISHERS[(copy + i) % len(PUBLISHERS)],
        "text": f"{record['text']}\n\n(Archive edition {copy}.)",
    }


def count_lines(path: Path) -> int:
    with path.open("rb") as f:
        return sum(1 for _ in f)


# --- running and measuring ------------------------------------------------------------


def run(argv: list[str], env: dict | None = None) -> dict:
    """Run a command; wall seconds, CPU seconds of the tree, peak RSS (MB) of the process
    and of the tree, and its stderr's last line."""
    try:
        import psutil
    except ImportError:  # pragma: no cover
        psutil = None
    before = os.times()
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})}, cwd=ROOT)
    peak = {"main": 0, "tree": 0, "tree_pss": 0, "main_cpu": 0.0}
    stop = threading.Event()

    def sample() -> None:
        if psutil is None:
            return
        try:
            parent = psutil.Process(proc.pid)
        except psutil.Error:
            return
        samples = 0
        while not stop.is_set():
            try:
                main = parent.memory_info().rss
                tree = main
                children = parent.children(recursive=True)
                for child in children:
                    try:
                        tree += child.memory_info().rss
                    except psutil.Error:
                        pass
                # Proportional set size every half second (reading smaps costs more):
                # RSS counts the pages forked workers share with the writer once in each.
                if children and samples % 10 == 0:
                    pss = 0
                    for process in (parent, *children):
                        try:
                            pss += process.memory_full_info().pss
                        except (psutil.Error, AttributeError):
                            pass
                    peak["tree_pss"] = max(peak["tree_pss"], pss)
                samples += 1
            except psutil.Error:
                break
            try:
                times = parent.cpu_times()
                peak["main_cpu"] = times.user + times.system
            except psutil.Error:
                pass
            peak["main"] = max(peak["main"], main)
            peak["tree"] = max(peak["tree"], tree)
            stop.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - started
    stop.set()
    sampler.join()
    after = os.times()
    if proc.returncode not in (0, 1):
        sys.stderr.write(err)
        raise SystemExit(f"failed: {' '.join(argv)}")
    lines = [line for line in err.splitlines() if line.strip()]
    return {
        "wall": wall,
        "cpu": (after.children_user - before.children_user) + (after.children_system - before.children_system),
        "cpu_main": peak["main_cpu"],
        "rss_main": peak["main"] / 2**20,
        "rss_tree": peak["tree"] / 2**20,
        "pss_tree": peak["tree_pss"] / 2**20,
        "stdout": out,
        "last": next((line for line in reversed(lines) if line.startswith("Loaded")), lines[-1] if lines else ""),
    }


def fresh(path: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return path


BASELINE = """
import sys, sqlite_utils
from quotes.readers import read_source
from quotes.model import Article
from quotes.store import article_row
db = sqlite_utils.Database(sys.argv[2])
db.enable_wal()
def rows():
    for record in read_source(sys.argv[1]):
        if isinstance(record, Article):
            yield article_row(record, "now")
db["articles"].insert_all(rows(), pk="id", batch_size=200, ignore=True)
print(db["articles"].count)
"""

WRITER = """
import sys, time, json
from quotes import parallel, store
from quotes.load import Loader
from quotes.model import Article
from quotes.readers import read_source
from quotes.extract import extract_article
records = list(read_source(sys.argv[1]))
results = {id(r): extract_article(r) for r in records if isinstance(r, Article)}
db = store.connect(sys.argv[2])
loader = Loader(db, extract=lambda a: results[id(a)])
started = time.perf_counter(); cpu = time.process_time()
parallel.load_records(loader, records)
wall = time.perf_counter() - started; cpu = time.process_time() - cpu
tables = ["articles", "quotes", "quote_mentions", "claims", "roles", "entities", "aliases",
          "load_log", "article_entities", "entity_refs"]
rows = sum(db[t].count for t in tables if db[t].exists())
fts = sum(db[t + "_fts"].count for t in ("quotes", "claims", "articles", "entities"))
print(json.dumps({"wall": wall, "cpu": cpu, "articles": loader.summary.articles, "rows": rows, "fts": fts}))
"""

PHASES = """
import sys, time, json, collections
from quotes import parallel, store, load
import quotes.limits
spent = collections.Counter()
def timed(name, fn):
    def wrapper(*args, **kwargs):
        t = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[name] += time.perf_counter() - t
    return wrapper
import quotes.extract
load.extract_article = timed("extract", quotes.extract.extract_article)  # what load_paths's Loader calls
store.write_article = timed("write (resolve, rows)", store.write_article)
import quotes.store.bulk
quotes.store.bulk.BatchIndexes.end = timed("full-text index and facet counts (batched)", quotes.store.bulk.BatchIndexes.end)
load.Loader.refresh = timed("refresh (quotes.corpus.tracking)", load.Loader.refresh)
import quotes.store.deferred
quotes.store.deferred.restore = timed("serving indexes built at the end (quotes.store.deferred)", quotes.store.deferred.restore)
real_read = quotes.readers.limited.read_within_limits
def read(*args, **kwargs):
    it = real_read(*args, **kwargs)
    while True:
        t = time.perf_counter()
        try:
            record = next(it)
        except StopIteration:
            spent["read"] += time.perf_counter() - t
            return
        spent["read"] += time.perf_counter() - t
        yield record
quotes.readers.limited.read_within_limits = read
started = time.perf_counter()
summary = load.load_paths(sys.argv[2], [sys.argv[1]])
total = time.perf_counter() - started
spent["other (log, checks, commit)"] = total - sum(spent.values())
print(json.dumps({"total": total, "articles": summary.articles, "spent": spent}))
"""


NO_REFRESH = """
import sys
from quotes import load
load.Loader.refresh = lambda self: None
from quotes.cli import cli
sys.argv[0] = "quotes"
cli()
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=2225, help="corpus size (BBC repeated past 2,225)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts to run")
    parser.add_argument("--dask", action="store_true", help="also run --local-cluster with each worker count > 1")
    parser.add_argument("--no-writer", action="store_true", help="skip the writer-only and phase runs")
    parser.add_argument("--no-refresh", action="store_true",
                        help="leave out the corpus-wide refresh that ends `quotes load` (quotes.corpus.tracking)")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "quotes-bench")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)

    corpus = make_corpus(args.articles, args.work)
    n = count_lines(corpus)
    db = args.work / "bench.db"
    print(f"corpus: {corpus} ({n:,} articles, {corpus.stat().st_size / 2**20:.0f} MB); "
          f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f}")

    rows = []
    base = run([sys.executable, "-c", BASELINE, str(corpus), str(fresh(db))])
    rows.append(("baseline: read + insert article rows (sqlite-utils)", base))
    loads = {}
    for workers in args.workers:
        quotes = ["-m", "quotes"] if not args.no_refresh else ["-c", NO_REFRESH]
        argv = [sys.executable, *quotes, "load", "-s", str(corpus), "--db", str(db)]
        if workers > 1:
            argv += ["--workers", str(workers)]
        fresh(db)
        loads[workers] = run(argv)
        label = f"quotes load --workers {workers}" + (" (no refresh)" if args.no_refresh else "")
        rows.append((label, loads[workers]))
        if args.dask and workers > 1:
            fresh(db)
            r = run(argv + ["--local-cluster"])
            rows.append((label.replace("load --workers", "load --local-cluster --workers"), r))

    print()
    print("| run | seconds | articles/s | CPU s (all) | CPU s (writer process) | vs baseline | vs 1 worker "
          "| peak MB (writer) | peak MB (all processes, RSS) | peak MB (all processes, PSS) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    one = loads.get(1)
    for name, r in rows:
        rate = n / r["wall"]
        vs_base = f"{base['wall'] / r['wall']:.3f}x" if r is not base else "1x"
        vs_one = f"{one['wall'] / r['wall']:.2f}x" if one and name.startswith("quotes") else ""
        print(f"| {name} | {r['wall']:.1f} | {rate:,.0f} | {r['cpu']:.1f} | {r['cpu_main']:.1f} | {vs_base} | {vs_one} | "
              f"{r['rss_main']:.0f} | {r['rss_tree']:.0f} | {r['pss_tree'] or r['rss_tree']:.0f} |")
    for name, r in rows[1:]:
        print(f"  {name}: {r['last']}")

    if args.no_writer:
        return
    w = json.loads(run([sys.executable, "-c", WRITER, str(corpus), str(fresh(db))])["stdout"])
    print()
    print("single writer alone (extractions made beforehand): "
          f"{w['articles'] / w['wall']:,.0f} articles/s, {w['rows'] / w['wall']:,.0f} rows/s "
          f"(+ {w['fts'] / w['wall']:,.0f} FTS rows/s), {w['cpu'] / w['articles'] * 1000:.2f} ms CPU an article")
    p = json.loads(run([sys.executable, "-c", PHASES, str(corpus), str(fresh(db))])["stdout"])
    print()
    print(f"where one core's time goes ({p['articles']:,} articles stored, {p['total']:.1f} s):")
    print("| phase | seconds | share | ms an article |")
    print("|---|---|---|---|")
    for phase, seconds in sorted(p["spent"].items(), key=lambda kv: -kv[1]):
        print(f"| {phase} | {seconds:.2f} | {seconds / p['total']:.0%} | {seconds / n * 1000:.2f} |")


if __name__ == "__main__":
    main()
