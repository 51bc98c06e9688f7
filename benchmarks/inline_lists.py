"""Inline vocabularies left in the code (issue 15: word lists live in quotes/data/).

    python benchmarks/inline_lists.py [PATH ...]

Reads each module with ast and prints every literal that is a list of more than three
words or phrases: a set, frozenset, list, tuple or dict-keys literal of strings, a
"a b c d".split(), or a regex alternation of plain words ("said|told|added|wrote").
Defaults to quotes/extract and quotes/corpus; ends with the count.
"""
from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = [ROOT / "quotes" / "extract", ROOT / "quotes" / "corpus"]
LIMIT = 3
WORD = re.compile(r"[A-Za-z][A-Za-z'.\-]*(?: [A-Za-z][A-Za-z'.\-]*)*")
# One alternative of a regex alternation that is a plain word or phrase ("news\s+conference").
ALT = r"[A-Za-z][A-Za-z'\-]*(?:(?:\\s[+*]|\[ \][+*]?| |_)[A-Za-z][A-Za-z'\-]*)*\??"
ALTERNATION = re.compile(rf"(?<![\w\\]){ALT}(?:\|{ALT}){{{LIMIT},}}(?![\w])")


def strings(node: ast.AST) -> list[str] | None:
    """The words of a literal collection of strings, or None if it is not one."""
    if isinstance(node, (ast.Set, ast.List, ast.Tuple)):
        elts = node.elts
    elif isinstance(node, ast.Dict):
        elts = node.keys
    else:
        return None
    if not elts or not all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in elts):
        return None
    vals = [e.value for e in elts]
    return vals if all(WORD.fullmatch(v) for v in vals) else None


def found(path: Path):
    tree = ast.parse(path.read_text("utf-8"))
    for node in ast.walk(tree):
        vals = strings(node)
        if vals is not None and len(vals) > LIMIT:
            yield node.lineno, f"{type(node).__name__.lower()} of {len(vals)}: {' '.join(vals[:6])}"
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr == "split" and isinstance(node.func.value, ast.Constant)
              and isinstance(node.func.value.value, str)):
            words = node.func.value.value.split()
            if len(words) > LIMIT:
                yield node.lineno, f"split of {len(words)}: {' '.join(words[:6])}"
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            for m in ALTERNATION.finditer(node.value):
                alts = m.group().split("|")
                yield node.lineno, f"alternation of {len(alts)}: {'|'.join(alts[:6])}"


def main(paths: list[Path]) -> None:
    files = sorted(f for p in paths for f in ([p] if p.is_file() else p.rglob("*.py")))
    total = 0
    for f in files:
        for line, what in sorted(found(f)):
            total += 1
            print(f"{f.relative_to(ROOT)}:{line}: {what}")
    print(f"{total} inline lists of more than {LIMIT} words")


if __name__ == "__main__":
    main([Path(p).resolve() for p in sys.argv[1:]] or DEFAULT)
