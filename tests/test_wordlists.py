"""Word lists live in quotes/data/ (issue 15): every list the code names exists, no list
holds an entry twice, each file says what it is for, and the rules hold no inline word
list of more than three words (benchmarks/inline_lists.py finds them)."""
from __future__ import annotations

import ast
import importlib.util
import re
from collections import Counter

import pytest

from conftest import ROOT
from quotes import wordlists

DATA = ROOT / "quotes" / "data"
FILES = sorted(p.name for p in DATA.glob("*.txt"))
# Calls that name a list: (file, section) as their first two arguments.
LIST_CALLS = {"lines", "words", "sections", "alternation"}


def named_lists():
    """(module, file, section) for each call in quotes/ that names a list with constants
    (or with a module constant such as _LISTS = "claims.txt"); indirect.py's _alt(section)
    names a section of its _LISTS."""
    for path in sorted((ROOT / "quotes").rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        consts = {t.id: n.value.value for n in tree.body if isinstance(n, ast.Assign)
                  for t in n.targets if isinstance(t, ast.Name)
                  and isinstance(n.value, ast.Constant) and isinstance(n.value.value, str)}

        def value(node):
            if isinstance(node, ast.Constant):
                return node.value
            if isinstance(node, ast.Name):
                return consts.get(node.id, ...)
            return ...

        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            args = [value(a) for a in node.args]
            if func in LIST_CALLS and args and isinstance(args[0], str) and args[0].endswith(".txt"):
                yield path.name, args[0], args[1] if len(args) > 1 else None
            elif func == "_alt" and args and isinstance(args[0], str):
                yield path.name, consts["_LISTS"], args[0]


NAMED = sorted(set(named_lists()), key=str)


def test_the_code_names_lists():
    assert len(NAMED) > 200


@pytest.mark.parametrize("module,name,section", NAMED)
def test_every_named_list_exists(module, name, section):
    assert name in FILES, f"{module}: no quotes/data/{name}"
    if isinstance(section, str):
        assert wordlists.lines(name, section), f"{module}: {name} has no [{section}]"


@pytest.mark.parametrize("name", FILES)
def test_a_file_says_what_it_is_for_and_holds_each_entry_once(name):
    text = (DATA / name).read_text("utf-8")
    assert text.startswith("#"), f"{name} opens with no comment saying what it is for"
    headers = Counter(re.findall(r"^\[([^\]]+)\]$", text, re.M))
    assert not [h for h, n in headers.items() if n > 1], f"{name}: a section opened twice"
    twice = [(s, line) for (s, line), n in Counter(wordlists.sections(name)).items() if n > 1]
    assert not twice, f"{name}: entries listed twice: {twice}"


# Literals the counter finds that are no word lists, or regex pieces that mix words with
# syntax: field names of a query, the frames of reporting_verbs.txt, noun endings.
NOT_LISTS = {
    ("quotes/corpus/resolve.py", "dict of 4: p g d id"),
    ("quotes/extract/indirect.py", "dict of 6: speech announcement clause belief object evidence"),
    ("quotes/extract/indirect.py", "alternation of 6: ors|ers|ists|ants|ents|ians"),
    ("quotes/extract/indirect.py", "alternation of 4: is|ese|ees|nds"),
    ("quotes/extract/indirect.py", "alternation of 4: s|people|staff|police"),
    ("quotes/extract/names.py", "alternation of 5: founder|co-founder|chief|ceo|spokes"),
    ("quotes/extract/dates.py", "alternation of 4: today|yesterday|tonight|this"),
}


def test_no_inline_word_lists():
    spec = importlib.util.spec_from_file_location("inline_lists", ROOT / "benchmarks" / "inline_lists.py")
    counter = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(counter)
    found = {(str(f.relative_to(ROOT)), what) for p in counter.DEFAULT for f in sorted(p.rglob("*.py"))
             for _, what in counter.found(f)}
    assert found - NOT_LISTS == set()
