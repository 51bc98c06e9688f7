"""The flow readers -> extract -> corpus -> store -> web, checked on the imports: every
`import` and `from ... import` of every module, at any depth (a function-level import
counts too), read with ast. The layers are named here by module, so a move into
packages updates one table."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGE = ROOT / "quotes"
LAYERS = {
    "model": {"quotes.model", "quotes.wordlists", "quotes.safe_json"},  # what every layer shares
    "extract": {"quotes.extract"},
    "readers": {"quotes.readers"},
    "corpus": {"quotes.corpus"},
    "store": {"quotes.store"},
    "web": {"quotes.web"},
}


def layer_of(module: str) -> str | None:
    for layer, prefixes in LAYERS.items():
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return layer
    return None


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Every quotes module the file imports ("from quotes import store" is quotes.store)."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("quotes")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("quotes"):
            out.add(node.module)
            out |= {f"{node.module}.{a.name}" for a in node.names
                    if (PACKAGE.parent / f"{node.module}.{a.name}".replace(".", "/")).with_suffix(".py").exists()
                    or (PACKAGE.parent / f"{node.module}.{a.name}".replace(".", "/")).is_dir()}
    return out


MODULES = {module_name(p): imports(p) for p in sorted(PACKAGE.rglob("*.py"))}

# layer -> the layers it may import (besides itself)
ALLOWED = {
    "model": set(),
    "extract": {"model"},
    "readers": {"model"},
}
FORBIDDEN = {
    "store": {"web", "extract", "corpus"},  # corpus builds on store, not the other way
    "corpus": {"web"},
}


@pytest.mark.parametrize("module", sorted(m for m in MODULES if layer_of(m) in ALLOWED))
def test_lower_layers_import_only_what_they_may(module):
    layer = layer_of(module)
    bad = {i for i in MODULES[module] if layer_of(i) not in ALLOWED[layer] | {layer}
           and i not in ("quotes", "quotes.limits", "quotes.__version__")}
    assert not bad, f"{module} ({layer}) imports {sorted(bad)}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if layer_of(m) in FORBIDDEN))
def test_store_and_corpus_never_import_the_web_or_extraction(module):
    layer = layer_of(module)
    bad = {i for i in MODULES[module] if layer_of(i) in FORBIDDEN[layer]}
    assert not bad, f"{module} ({layer}) imports {sorted(bad)}"


ORCHESTRATION = {"quotes.cli", "quotes.load", "quotes.parallel", "quotes.merge", "quotes.evaluate",
                 "quotes.evaluate_records", "quotes.export"}


@pytest.mark.parametrize("module", sorted(m for m in MODULES if layer_of(m) is not None))
def test_no_layer_imports_the_orchestration_above_it(module):
    """What a layer shares with the CLI lives in the layer (or the model), not in load.py
    or export.py: the layers are what the orchestration is made of."""
    assert not MODULES[module] & ORCHESTRATION, f"{module} imports {sorted(MODULES[module] & ORCHESTRATION)}"


def test_every_module_belongs_to_a_layer_or_orchestrates():
    """The CLI and orchestration (load, merge, parallel, evaluate, export, limits) sit above the
    layers; every other module is in one."""
    above = {"quotes", "quotes.__main__", "quotes.cli", "quotes.load", "quotes.parallel",
             "quotes.evaluate", "quotes.evaluate_records", "quotes.export", "quotes.limits", "quotes.merge"}
    assert {m for m in MODULES if layer_of(m) is None} <= above


# --- no import cycles, no private names across modules -------------------------------


def _is_module(name: str) -> bool:
    base = PACKAGE.parent / name.replace(".", "/")
    return base.with_suffix(".py").exists() or (base / "__init__.py").exists()


def _from_module(node: ast.ImportFrom, path: Path) -> str:
    """The module a `from ... import` names, relative ones resolved against `path`."""
    if not node.level:
        return node.module or ""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    base = package[: len(package) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def imported_modules(path: Path) -> set[str]:
    """The quotes modules a file imports, at any depth: an import inside a function is
    still an edge of the graph, and hiding one there does not break a cycle.
    `from quotes.readers import url` is quotes.readers.url alone: a package may gather
    its submodules as long as none of them imports the package back."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.split(".")[0] == "quotes"}
        elif isinstance(node, ast.ImportFrom) and (module := _from_module(node, path)).split(".")[0] == "quotes":
            out |= {f"{module}.{a.name}" if _is_module(f"{module}.{a.name}") else module for a in node.names}
    return out


GRAPH = {module_name(p): imported_modules(p) for p in sorted(PACKAGE.rglob("*.py"))}

def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import one another, directly or not."""
    reach = {}
    for start in graph:
        seen, todo = set(), list(graph[start])
        while todo:
            module = todo.pop()
            if module not in seen:
                seen.add(module)
                todo.extend(graph.get(module, ()))
        reach[start] = seen
    groups = {frozenset(m for m in reach[start] if start in reach[m]) for start in graph if start in reach[start]}
    return sorted(sorted(group) for group in groups)


def test_no_import_cycles():
    graph = GRAPH
    cycles = import_cycles(graph)
    edges = [f"{a} -> {b}" for group in cycles for a in group for b in sorted(graph[a]) if b in group]
    assert not cycles, "modules that import one another:\n" + "\n".join(edges)


def test_the_cycle_finder_finds_a_cycle():
    """Through a third module too: a finder that saw none would pass the test above."""
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert import_cycles(graph) == [["a", "b", "c"]]


def private_imports(path: Path) -> list[str]:
    """`from quotes... import _name` in a file: a module's private names are its own."""
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and (module := _from_module(node, path)).split(".")[0] == "quotes":
            found += [f"{path.relative_to(ROOT)}:{node.lineno}: from {module} import {a.name}"
                      for a in node.names if a.name.startswith("_") and not a.name.startswith("__")]
    return found


def test_no_module_imports_another_modules_private_names():
    files = [p for folder in ("quotes", "plugins", "tests", "benchmarks") for p in sorted((ROOT / folder).rglob("*.py"))]
    assert [line for path in files for line in private_imports(path)] == []
