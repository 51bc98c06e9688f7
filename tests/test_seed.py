"""The seed article through the whole pipeline: `quotes load`, then every expectation.

Reads the tables exactly as ../shared/tools/check_expected.py does (same normalisation,
same 0.8 overlap rule), one test per expected item so a failure names what is wrong.
"""
from __future__ import annotations

import json
import re
import sqlite3
import unicodedata

import pytest
from click.testing import CliRunner

from conftest import SEED, SEED_EXPECTED
from quotes.cli import cli

EXPECTED = json.loads(SEED_EXPECTED.read_text())


def norm(s) -> str:
    s = unicodedata.normalize("NFKC", s or "")
    s = s.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    s = re.sub(r"\s+", " ", s).strip().strip('",').strip()
    return s.lower()


def overlap(a, b) -> float:
    a, b = norm(a), norm(b)
    if not a or not b:
        return 0.0
    if a in b or b in a:
        return min(len(a), len(b)) / max(len(a), len(b))
    ta, tb = set(a.split()), set(b.split())
    return len(ta & tb) / max(len(ta), len(tb))


class Loaded:
    def __init__(self, path):
        db = sqlite3.connect(path)
        db.row_factory = sqlite3.Row
        self.names = {r["id"]: r["name"] for r in db.execute("select id, name from entities")}
        self.kinds = {r["id"]: r["kind"] for r in db.execute("select id, kind from entities")}
        self.articles = [dict(r) for r in db.execute("select * from articles")]
        self.quotes = [dict(r) for r in db.execute("select * from quotes")]
        for q in self.quotes:
            q["speaker"] = self.names.get(q.get("speaker_id"))
        self.claims = [dict(r) for r in db.execute("select * from claims order by start, id")]
        for c in self.claims:
            c["subject"] = self.names.get(c.get("subject_id"))
        self.roles = [dict(r) for r in db.execute("select * from roles")]
        self.aliases: dict[int, set[str]] = {}
        for entity_id, alias in db.execute("select entity_id, alias from aliases"):
            self.aliases.setdefault(entity_id, set()).add(norm(alias))
        db.close()


@pytest.fixture(scope="module")
def seed(tmp_path_factory) -> Loaded:
    path = tmp_path_factory.mktemp("seed") / "quotes.db"
    result = CliRunner().invoke(cli, ["load", str(SEED), "--db", str(path), "-s"])
    assert result.exit_code == 0, result.output
    return Loaded(path)


def label(item: dict) -> str:
    return (item.get("text") or item.get("name") or item.get("text_contains") or item.get("speaker_must_not_be"))[:40]


def test_article(seed):
    art = EXPECTED["article"]
    matches = [a for a in seed.articles if norm(a["title"]) == norm(art["title"])]
    assert matches, f"no article titled {art['title']!r}"
    a = matches[-1]
    for key in ("published", "url", "publisher"):
        assert norm(str(a.get(key))) == norm(art[key]), key
    for bad in art["body_must_not_contain"]:
        assert bad not in a["body"]


@pytest.mark.parametrize("want", EXPECTED["quotes"], ids=label)
def test_quote(seed, want):
    best = max(seed.quotes, key=lambda q: overlap(q.get("text"), want["text"]), default=None)
    assert best is not None and overlap(best["text"], want["text"]) >= 0.8, "quote not found"
    speakers = want["speaker_any"] if "speaker_any" in want else [want.get("speaker")]
    assert norm(best["speaker"]) in {norm(s) for s in speakers}, f"speaker {best['speaker']!r}"
    if "kind" in want:
        assert best["kind"] == want["kind"]
    if want.get("cue"):
        assert norm(best["cue"]) == norm(want["cue"])
    if "said_on" in want:
        assert str(best["said_on"]) == want["said_on"]


@pytest.mark.parametrize("rule", EXPECTED["not_quotes"], ids=label)
def test_not_quote(seed, rule):
    hits = [q for q in seed.quotes if norm(q["speaker"]) == norm(rule["speaker_must_not_be"])
            and ("text" not in rule or overlap(q.get("text"), rule["text"]) >= 0.8)]
    assert not hits


@pytest.mark.parametrize("want", EXPECTED["claims"], ids=lambda c: f"{c['kind']}-{label(c)}")
def test_claim(seed, want):
    def match(c):
        blob = " ".join(str(c.get(k) or "") for k in ("text", "object"))
        return (c.get("kind") == want["kind"] and norm(c["subject"]) == norm(want["subject"])
                and norm(want["text_contains"]) in norm(blob))

    hits = [c for c in seed.claims if match(c)]
    if not hits and want["kind"] == "role":
        hits = [r for r in seed.roles if norm(seed.names.get(r.get("entity_id"))) == norm(want["subject"])
                and norm(want["text_contains"]) in norm(r.get("title"))]
    assert hits, "claim not found"
    for key in ("as_of", "date"):
        if key in want:
            assert any(str(h.get(key)) == want[key] for h in hits), key
    if "appointed_by" in want:  # beyond check_expected.py: claims.by_id is ours to show
        assert any(norm(seed.names.get(h.get("by_id"))) == norm(want["appointed_by"]) for h in hits)


@pytest.mark.parametrize("want", EXPECTED["entities"], ids=label)
def test_entity(seed, want):
    by_name = {norm(n): i for i, n in seed.names.items()}
    entity_id = by_name.get(norm(want["name"]))
    assert entity_id is not None, "entity missing"
    assert seed.kinds[entity_id] == want["kind"]
    for alias in want.get("aliases", []):
        assert norm(alias) in seed.aliases.get(entity_id, set()), alias
    dup = [n for n in seed.names.values() if norm(n) != norm(want["name"])
           and norm(n) in {norm(x) for x in want.get("aliases", [])}]
    assert not dup


def test_every_expectation_is_covered():
    """A new key in the expected file must get a test here, not be silently ignored."""
    assert set(EXPECTED) <= {"about", "article", "quotes", "not_quotes", "claims", "entities"}
