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
    "model": {"quotes.model", "quotes.wordlists"},  # the records and the word lists every layer shares
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
    "store": {"web", "extract"},
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


def test_every_module_belongs_to_a_layer_or_orchestrates():
    """The CLI and orchestration (load, parallel, evaluate, export, limits) sit above the
    layers; every other module is in one."""
    above = {"quotes", "quotes.__main__", "quotes.cli", "quotes.load", "quotes.parallel",
             "quotes.evaluate", "quotes.evaluate_records", "quotes.export", "quotes.limits"}
    assert {m for m in MODULES if layer_of(m) is None} <= above
