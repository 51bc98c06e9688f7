"""Coverage-guided fuzzing of the readers and extraction with atheris (libFuzzer).

Optional, not a test dependency: `pip install atheris`, then

    python benchmarks/fuzz_atheris.py -max_total_time=300          # five minutes
    python benchmarks/fuzz_atheris.py corpus_dir/ -max_total_time=600   # keep what it finds

The first byte of each input picks the target: read_bytes in one of the six formats,
read_source on a file (format sniffed), or extract_article on the rest decoded as text.
A finding is any exception escaping a reader or extraction, a reader saying nothing about
an input, or a quote or claim whose offsets do not give its text; atheris stops at the
first and writes the input to crash-<hash>. tests/test_fuzz.py checks the same properties
with Hypothesis in every test run.
"""
from __future__ import annotations

import os
import sys
import tempfile

import atheris

with atheris.instrument_imports(include=["quotes"]):
    import quotes.extract.pipeline  # noqa: F401  (every module the targets reach, so
    import quotes.limits  # noqa: F401             that coverage guides the search)
    import quotes.readers.feed  # noqa: F401
    import quotes.readers.html  # noqa: F401
    import quotes.readers.jsonl  # noqa: F401
    import quotes.readers.text  # noqa: F401
    import quotes.readers.warc  # noqa: F401
    from quotes.extract import extract_article
    from quotes.model import Article, ReadError
    from quotes.readers import FORMATS, ReadNote, read_bytes, read_source

TMP = tempfile.mkdtemp(prefix="quotes-fuzz-")
NAMES = ["a.txt", "a.md", "a.jsonl", "a.html", "a.xml", "a.warc", "a.warc.gz", "noext"]


def check(records: list, what: str) -> None:
    if not records:
        raise AssertionError(f"{what}: no record for an input")
    for record in records:
        if not isinstance(record, (Article, ReadError, ReadNote)):
            raise AssertionError(f"{what}: unexpected record {record!r}")
        if isinstance(record, Article) and not record.body.strip():
            raise AssertionError(f"{what}: empty article")


def one(data: bytes) -> None:
    if not data:
        return
    choice, rest = data[0] % 8, data[1:]
    if choice < len(FORMATS):
        check(list(read_bytes(rest, "fuzz", FORMATS[choice])), FORMATS[choice])
    elif choice == 6:
        path = os.path.join(TMP, NAMES[rest[0] % len(NAMES)] if rest else "empty")
        with open(path, "wb") as out:
            out.write(rest[1:])
        check(list(read_source(path)), path)
    else:
        body = rest.decode("utf-8", "replace")
        extraction = extract_article(Article(body=body, source="fuzz", published="2025-04-08"))
        for item in [*extraction.quotes, *extraction.claims]:
            if body[item.start:item.end] != item.text:
                raise AssertionError(f"offsets {item.start}:{item.end} do not give {item.text!r}")


def seeds() -> str:
    """A starting corpus: one valid document per target (tests/test_fuzz.py's seeds)."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
    from test_fuzz import GZIPPED_WARC, SEEDS

    folder = os.path.join(TMP, "seeds")
    os.makedirs(folder, exist_ok=True)
    for n, fmt in enumerate(FORMATS):
        with open(os.path.join(folder, fmt), "wb") as out:
            out.write(bytes([n]) + SEEDS[fmt])
    with open(os.path.join(folder, "warc.gz"), "wb") as out:
        out.write(bytes([6, NAMES.index("a.warc.gz")]) + GZIPPED_WARC)
    with open(os.path.join(folder, "extract"), "wb") as out:
        out.write(bytes([7]) + SEEDS["text"])
    return folder


if __name__ == "__main__":
    argv = [*sys.argv, seeds()]  # libFuzzer writes new finds to the first folder given
    atheris.Setup(argv, one)
    atheris.Fuzz()
