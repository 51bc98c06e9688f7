"""Limits that keep one bad input from stalling or swamping a load.

    MAX_DOCUMENT_BYTES   a file, JSON line or archive record read whole (20 MB)
    MAX_ARTICLE_CHARS    an article body handed to extraction (1,000,000 characters)
    TIME_LIMIT           seconds to read one record or extract one article (30 s)
    MAX_GZIP_RATIO       how much a gzip stream may expand before it is called a bomb

Sizes are checked before anything is read whole, so a 50 MB single-line file costs
20 MB of reading, not 50 MB of parsing. Extraction time grows faster than linearly with
the length of a paragraph full of quotes (10,000 `"...," he said` in one paragraph take
minutes), so time is limited as well: `time_limit()` raises TimeLimitExceeded
in the middle of the work (regular expressions included) via SIGALRM. Signals reach only
the main thread, so elsewhere (a load run from a worker thread) there is no time limit.

The limit counts wall-clock time (CLOCK = WALL_CLOCK), so that a read stalled on a pipe
is cut off too. Tests that must not race a busy machine set CLOCK = CPU_CLOCK: the
limit then counts this process's own CPU time, which other processes cannot use up, so
it falls at the same point of the work however loaded the machine is.

`quotes load --max-size MB --time-limit SECONDS` changes the first and third for one load.
The readers apply them (quotes.readers.limited); this module imports nothing of the
package, so that every layer can import it.
"""
from __future__ import annotations

import contextlib
import re
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
MAX_ARTICLE_CHARS = 1_000_000
TIME_LIMIT = 30.0
MAX_GZIP_RATIO = 200  # HTML compresses 5-10 times; a run of zeros a thousand times
GZIP_RATIO_AFTER = 64 * 1024 * 1024  # ...checked once this much has come out

# The clock time_limit() counts, as (interval timer, the signal it sends); None where
# there are no interval timers (Windows).
WALL_CLOCK = (signal.ITIMER_REAL, signal.SIGALRM) if hasattr(signal, "setitimer") else None
CPU_CLOCK = (signal.ITIMER_VIRTUAL, signal.SIGVTALRM) if hasattr(signal, "setitimer") else None
CLOCK = WALL_CLOCK


@dataclass(frozen=True)
class Limits:
    """The limits of one load; None or 0 switches a limit off."""

    max_bytes: int | None = MAX_DOCUMENT_BYTES
    max_chars: int | None = MAX_ARTICLE_CHARS
    seconds: float | None = TIME_LIMIT


class TimeLimitExceeded(BaseException):
    """Raised inside work that ran past its time limit.

    A BaseException, like KeyboardInterrupt, so that the readers' and extraction's
    broad `except Exception` clauses let it through to the loader.
    """


def size(n: int) -> str:
    """20 MB, 512 KB, 100 bytes: for messages."""
    if n >= 2**20:
        return f"{n / 2**20:.0f} MB"
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n} bytes"


def _can_alarm() -> bool:
    return CLOCK is not None and threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise TimeLimitExceeded in this block after `seconds` (wall clock, or CLOCK).

    A no-op when `seconds` is falsy, outside the main thread, or where there is no
    SIGALRM; an alarm already set by someone else is left alone (no limit then).
    """
    if not seconds or not _can_alarm():
        yield
        return
    timer, signum = CLOCK
    if signal.getitimer(timer)[0]:
        yield
        return

    def expired(signum, frame):
        raise TimeLimitExceeded(seconds)

    previous = signal.signal(signum, expired)
    signal.setitimer(timer, seconds)
    try:
        yield
    finally:
        signal.setitimer(timer, 0)
        signal.signal(signum, previous)


def article_problem(article, limits: Limits) -> str | None:
    """Why an article must not reach extraction, or None."""
    body = article.body
    if limits.max_chars and len(body) > limits.max_chars:
        return (f"article text longer than the {limits.max_chars:,}-character limit "
                f"({len(body):,} characters); not extracted")
    if "\x00" in body:  # SQLite's text functions stop at NUL: offsets would be wrong
        return "article text contains NUL characters (binary data?)"
    return None


_SURROGATE = re.compile("[\ud800-\udfff]")


def storable(text: str) -> str:
    """Text SQLite can store: a lone surrogate (a JSON "\\ud800" escape, or an undecodable
    byte in a file name, which Python carries as U+DC80..U+DCFF) becomes U+FFFD, one
    character for one so that offsets stay put. Anything else is left as it is."""
    if not isinstance(text, str):
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", text)
    return text
