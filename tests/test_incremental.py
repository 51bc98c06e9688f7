"""The incremental refresh (quotes.corpus.incremental, quotes.corpus.tracking.refresh)
gives what the full refresh gives.

On a few hundred BBC articles (those naming the corpus's most shared surnames, so that
namesakes, bare surnames and short names collide, plus others), loaded in several
seeded random splits with an incremental refresh after each:

- after every refresh, a full refresh (`refresh(full=True)`) of a copy of the database
  changes nothing: every derived table identical row for row, entity ids included;
- at the end, the database holds by content (test_tracking.snapshot: entity ids as
  names, since ids follow the order of first appearance) what one load of every article
  and a full refresh make.

Also: an article re-loaded with other content, and an article deleted, are refreshed
like the rest; and a refresh with nothing new returns at once and changes nothing.
"""
from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest

from conftest import store_articles
from quotes import store
from quotes.corpus import tracking
from quotes.extract import extract_article
from quotes.model import Article
from quotes.readers import read_source
from test_tracking import snapshot

BBC = Path("/work/shared/data/bbc/bbc_fulltext.jsonl")
if not BBC.exists():
    BBC = Path(__file__).resolve().parents[2] / "shared" / "data" / "bbc" / "bbc_fulltext.jsonl"
SHARED = ("Blair", "Brown", "Howard", "Kennedy", "Smith", "Jones", "Clarke", "Straw", "Johnson")

DERIVED = {  # table -> order (every column compared)
    "entities": "id", "aliases": "entity_id, alias", "article_entities": "id",
    "quotes": "id", "quote_mentions": "quote_id, entity_id", "claims": "id", "roles": "id",
    "quote_groups": "key", "quote_group_members": "quote_id", "claim_groups": "key",
    "claim_group_members": "claim_id", "claim_followups": "claim_id, quote_id",
    "quote_facet_counts": "facet, value", "quote_pair_counts": "facet, value, other, other_value",
    "_mention_classes": "class, entity_id, resolution", "_quote_group_state": "key",
    "_claim_group_state": "key", "_entity_lookup": "key, via, entity_id",
    "_text_starts": "text_hash",
}


@pytest.fixture(scope="module")
def bbc() -> list[tuple]:
    if not BBC.exists():
        pytest.skip("the BBC corpus is not here")
    articles = [r for r in read_source(str(BBC)) if isinstance(r, Article)]
    colliding = [a for a in articles if sum(name in a.body for name in SHARED) >= 2][:160]
    rest = [a for a in articles if a not in colliding]
    chosen = colliding + random.Random(7).sample(rest, 80)
    return [(a, extract_article(a)) for a in chosen]


def refreshed(path: Path, full: bool = False) -> tracking.RefreshSummary:
    db = store.connect(path)
    try:
        return tracking.refresh(db, full=full)
    finally:
        db.close()


def tables(path: Path) -> dict[str, list]:
    conn = sqlite3.connect(path)
    try:
        conn.execute("pragma wal_checkpoint")
        out = {}
        for table, order in DERIVED.items():
            try:
                out[table] = conn.execute(f"select * from [{table}] order by {order}").fetchall()
            except sqlite3.OperationalError:
                pass
        return out
    finally:
        conn.close()


def copy(path: Path, to: Path) -> Path:
    source, target = sqlite3.connect(path), sqlite3.connect(to)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    return to


def assert_as_full(path: Path, tmp_path: Path) -> None:
    """A full refresh of a copy changes no row of any derived table."""
    other = copy(path, tmp_path / f"full-{path.stem}.db")
    refreshed(other, full=True)
    mine, full = tables(path), tables(other)
    for table in DERIVED:
        assert mine.get(table) == full.get(table), table
    other.unlink()


@pytest.fixture(scope="module")
def one_load(bbc, tmp_path_factory) -> dict:
    path = tmp_path_factory.mktemp("one") / "one.db"
    store_articles(path, bbc)
    refreshed(path, full=True)
    return snapshot(path)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_loaded_in_random_splits_like_one_load(bbc, one_load, tmp_path, seed):
    rng = random.Random(seed)
    pairs = list(bbc)
    rng.shuffle(pairs)
    cuts = sorted(rng.sample(range(1, len(pairs)), 3))
    path = tmp_path / "split.db"
    scopes = []
    for part in (pairs[a:b] for a, b in zip([0, *cuts], [*cuts, len(pairs)])):
        store_articles(path, part)
        scopes.append(refreshed(path).scope)
        assert_as_full(path, tmp_path)
    assert scopes[0] == "full" and all(s.startswith("incremental") for s in scopes[1:]), scopes
    assert snapshot(path) == one_load


def test_a_changed_article_and_a_deleted_one(bbc, tmp_path):
    path = tmp_path / "changes.db"
    # With URLs, so that the changed article keeps its id (without, the id is the body's).
    bbc = [(Article(**{**a.__dict__, "url": f"https://bbc.example/{i}"}), e) for i, (a, e) in enumerate(bbc)]
    store_articles(path, bbc)
    refreshed(path)
    # An article loaded again with other words: one quote gone, another added.
    article, extraction = next((a, e) for a, e in bbc if len(e.quotes) >= 2 and any(
        q.speaker for q in e.quotes))
    body = article.body.replace(extraction.quotes[0].text, "nothing to add here at all today")
    body += '\n\n"We will not comment on the Blair government plans today," said Michael Howard.'
    changed = Article(**{**article.__dict__, "body": body})
    store_articles(path, [(changed, extract_article(changed))])
    assert refreshed(path).scope.startswith("incremental")
    assert_as_full(path, tmp_path)
    # An article deleted: its rows, a refresh (groups may name it first), then the article.
    gone = next(a for a, e in bbc if len(e.quotes) >= 3 and a.id != article.id)
    db = store.connect(path)
    try:
        with db.atomic():
            store.delete_article_rows(db, gone.id)
    finally:
        db.close()
    assert refreshed(path).scope.startswith("incremental")
    assert_as_full(path, tmp_path)
    db = store.connect(path)
    try:
        with db.atomic():
            db.execute("update load_log set article_id = null where article_id = ?", [gone.id])
            db.execute("delete from articles where id = ?", [gone.id])
    finally:
        db.close()
    # By content, as one load of the articles left.
    other = tmp_path / "other.db"
    store_articles(other, [(changed, extract_article(changed)) if a.id == article.id else (a, e)
                           for a, e in bbc if a.id != gone.id])
    refreshed(other, full=True)
    assert referenced(snapshot(path)) == referenced(snapshot(other))


def referenced(snap: dict) -> dict:
    """A snapshot without the entities nothing refers to any more (a deleted article's
    own: the refresh, full or not, leaves unreferenced entity rows alone)."""
    entities = [e for e in snap["entities"] if e[-1] or e[-2]]
    names = {e[0] for e in entities}
    return {**snap, "entities": entities, "aliases": [a for a in snap["aliases"] if a[0] in names]}


def test_nothing_new_returns_at_once(bbc, tmp_path):
    path = tmp_path / "same.db"
    store_articles(path, bbc[:30])
    refreshed(path)
    before = tables(path)
    summary = refreshed(path)
    assert summary.scope == "nothing new" and not summary.changes
    assert tables(path) == before


def test_a_database_refreshed_under_older_rules_is_refreshed_in_full_once(bbc, tmp_path):
    """Grouping rules change (v1 grouped short texts across articles): the incremental
    refresh would keep the old groups of texts nothing new touches."""
    from quotes.corpus import incremental

    path = tmp_path / "old.db"
    store_articles(path, bbc[:30])
    refreshed(path)
    db = store.connect(path)
    db.execute(f"update [{incremental.REFRESH_STATE}] set value = 'v1'")
    db.conn.commit()
    db.close()
    assert refreshed(path).scope == "full"
    assert refreshed(path).scope == "nothing new"


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_followups_refreshed_with_the_rest(tmp_path, seed):
    """The tracking corpus (no-comment claims followed by their subjects' later quotes,
    which BBC lacks): one article at a time in a seeded order, each refresh incremental
    and equal to a full one, follow-ups included; at the end as one load."""
    from conftest import tracking_corpus

    pairs = tracking_corpus()
    random.Random(seed).shuffle(pairs)
    path = tmp_path / "followups.db"
    for i, pair in enumerate(pairs):
        store_articles(path, [pair])
        assert refreshed(path).scope.startswith("incremental" if i else "full")
        assert_as_full(path, tmp_path)
    one = tmp_path / "one.db"
    store_articles(one, tracking_corpus())
    refreshed(one, full=True)
    assert snapshot(path) == snapshot(one)
    assert tables(path)["claim_followups"]  # the corpus has some


def test_short_quotes_grouped_per_article(tmp_path):
    """A text of fewer than 6 words is grouped per article, incrementally as in full:
    "No" in two articles is two groups (one article each), twice in one article one
    group; six words in two articles one group. Also after an article is deleted."""
    bodies = {
        "a": '"No," said Michael Howard.\n\n"We will not raise the tax," said Michael Howard.',
        "b": '"No," said Gordon Brown. Later he added: "No."\n\n"We will not raise the tax," said Gordon Brown.',
        "c": '"No," said Charles Kennedy.',
    }
    articles = [Article(body=body, source=f"{name}.txt", url=f"https://example.org/{name}",
                        published=f"2025-03-0{i + 1}") for i, (name, body) in enumerate(bodies.items())]
    pairs = [(a, extract_article(a)) for a in articles]
    path = tmp_path / "short.db"
    for pair in pairs:
        store_articles(path, [pair])
        refreshed(path)
        assert_as_full(path, tmp_path)
    conn = sqlite3.connect(path)
    no, six = store.text_hash("No"), store.text_hash("We will not raise the tax")
    try:
        groups = conn.execute("""select quote_groups.key, quote_groups.quotes, quote_groups.articles,
            quote_groups.conflicting from quote_groups join quotes on quotes.id = quote_groups.first_quote_id
            where quotes.text_hash in (?, ?) order by quote_groups.first_published""", [no, six]).fetchall()
        matches = {r[0] for r in conn.execute("""select distinct match from quote_group_members
            join quotes on quotes.id = quote_id where quotes.text_hash = ?""", [no])}
    finally:
        conn.close()
    ids = [a.id for a in articles]
    assert [g for g in groups if g[0].startswith(no)] == [
        (tracking.short_group_key(no, ids[0]), 1, 1, 0), (tracking.short_group_key(no, ids[1]), 2, 1, 0),
        (tracking.short_group_key(no, ids[2]), 1, 1, 0)]
    assert [g[1:] for g in groups if g[0] == six] == [(2, 2, 1)]  # two speakers: a statement in conflict
    assert matches == {"exact"}
    db = store.connect(path)
    try:
        with db.atomic():
            store.delete_article_rows(db, ids[1])
    finally:
        db.close()
    assert refreshed(path).scope.startswith("incremental")
    assert_as_full(path, tmp_path)
