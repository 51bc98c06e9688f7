"""Schema facts, per-article writes and entity resolution, on real SQLite files."""
from __future__ import annotations

import yaml
from sqlite_utils.db import ForeignKey

from conftest import ROOT
from quotes import store
from quotes.model import Article, Claim, Entity, Extraction, Quote, short_hash
from quotes.corpus.resolve import Registry, fold

TABLES = {
    "_sqlite_migrations", "articles", "entities", "aliases", "quotes",
    "quote_mentions", "claims", "roles", "load_log",
    # 0003: following people, quotes and claims across articles
    "article_entities", "entity_refs", "quote_groups", "quote_group_members",
    "claim_groups", "claim_group_members", "claim_followups", "reviews",
    # 0005: materialised facet counts for serving a million quotes
    "quote_facet_counts", "quote_pair_counts", "quote_facet_log", "quote_facet_fold",
    # 0009: indexes a big load sets aside until its end
    "_deferred_indexes",
    # 0011: the incremental refresh's log and keys
    "_refresh_log", "_refresh_state", "_entity_keys", "_entity_alias_keys",
    # 0012: what an incremental refresh resumes from
    "_mention_classes", "_quote_group_state", "_claim_group_state",
    # 0013: the registry's look-up keys
    "_entity_lookup",
    # 0014: each text's first words, hashed
    "_text_starts",
}
FTS_TABLES = {"quotes_fts", "claims_fts", "articles_fts", "entities_fts"}
MIGRATIONS = ["0001_schema", "0002_published_parts_entity_search", "0003_fact_tracking",
              "0004_perf_serving_indexes", "0005_perf_facet_counts", "0006_perf_pair_counts",
              "0007_perf_drop_covered_indexes", "0008_perf_fts_update_of_columns",
              "0009_perf_deferred_indexes", "0010_article_canonical_url",
              "0011_incremental_refresh", "0012_refresh_summaries", "0013_entity_lookup",
              "0014_text_starts"]


def article(body="body", **kw) -> Article:
    kw.setdefault("source", "test.txt")
    kw.setdefault("url", "https://example.com/a")
    kw.setdefault("publisher", "The Paper")
    kw.setdefault("published", "2025-03-18")
    kw.setdefault("title", "A title")
    return Article(body=body, **kw)


def store_one(db, art: Article, extraction: Extraction, registry=None) -> Registry:
    registry = registry or Registry(db)
    with db.atomic():
        store.write_article(db, art, extraction, registry, "2025-03-18T12:00:00+00:00")
    return registry


# --- schema -----------------------------------------------------------------------


def test_tables_and_views(db):
    names = set(db.table_names())
    assert TABLES | FTS_TABLES <= names
    shadow = {n for n in names - TABLES - FTS_TABLES}
    assert all(any(n.startswith(f + "_") for f in FTS_TABLES) for n in shadow), shadow
    assert set(db.view_names()) == {"quotes_view", "role_timeline"}


def test_columns_are_the_public_contract(db):
    assert list(db["quotes"].columns_dict) == [
        "id", "article_id", "speaker_id", "speaker_text", "speaker_name", "text",
        "kind", "cue", "said_on", "date_text", "said_year", "said_month", "paragraph",
        "start", "end", "method", "confidence", "text_hash", "publisher", "published",
    ]
    assert db["quotes"].columns_dict["said_year"] is int
    assert db["entities"].pks == ["id"] and db["entities"].columns_dict["id"] is int
    assert db["articles"].pks == ["id"] and db["articles"].columns_dict["id"] is str
    assert db["aliases"].pks == ["entity_id", "alias"]
    assert db["quote_mentions"].pks == ["quote_id", "entity_id"]
    assert set(db["articles"].columns_dict) == {
        "id", "source_id", "url", "title", "publisher", "published", "author",
        "section", "source", "body", "word_count", "content_hash", "loaded_at",
        "published_year", "published_month", "canonical_url",
    }
    assert set(db["entities"].columns_dict) == {
        "id", "name", "kind", "gender", "description", "first_seen", "last_seen",
        "quote_count",
    }
    assert set(db["claims"].columns_dict) == {
        "id", "article_id", "subject_id", "subject_name", "kind", "text", "object",
        "organization_id", "by_id", "date", "as_of", "start", "end", "confidence",
    }
    assert set(db["roles"].columns_dict) == {
        "id", "entity_id", "title", "organization_id", "as_of", "article_id", "claim_id",
    }
    assert set(db["load_log"].columns_dict) == {
        "id", "source", "status", "error", "article_id", "loaded_at",
    }


def test_foreign_keys(db):
    def fks(table):
        return {(fk.column, fk.other_table, fk.other_column) for fk in db[table].foreign_keys}

    assert fks("quotes") == {("article_id", "articles", "id"), ("speaker_id", "entities", "id")}
    assert fks("aliases") == {("entity_id", "entities", "id")}
    assert fks("quote_mentions") == {("quote_id", "quotes", "id"), ("entity_id", "entities", "id")}
    assert fks("claims") == {
        ("article_id", "articles", "id"), ("subject_id", "entities", "id"),
        ("organization_id", "entities", "id"), ("by_id", "entities", "id"),
    }
    assert fks("roles") == {
        ("entity_id", "entities", "id"), ("organization_id", "entities", "id"),
        ("article_id", "articles", "id"), ("claim_id", "claims", "id"),
    }
    assert isinstance(db["quotes"].foreign_keys[0], ForeignKey)


def _leading_index_columns(db, table) -> set[str]:
    lead = {ix.columns[0] for ix in db[table].indexes}
    pks = db[table].pks
    return lead | {pks[0]}


def test_every_foreign_key_and_facet_column_is_indexed(db):
    for table in store.TABLES:
        indexed = _leading_index_columns(db, table)
        for fk in db[table].foreign_keys:
            assert fk.column in indexed, f"{table}.{fk.column} has no index"
    metadata = yaml.safe_load((ROOT / "metadata.yml").read_text())
    for table, conf in metadata["databases"]["quotes"]["tables"].items():
        for facet in conf.get("facets", []):
            if isinstance(facet, dict):
                (kind, spec), = facet.items()
                assert kind in ("m2m", "counted"), facet
                if kind == "counted":  # {counted: column}: the column itself is indexed
                    facet = spec
                else:  # {m2m: {table: ...}}: both keys of that table indexed
                    through = spec["table"]
                    for fk in db[through].foreign_keys:
                        assert fk.column in _leading_index_columns(db, through), f"{through}.{fk.column}"
                    continue
            assert facet in _leading_index_columns(db, table), f"facet {table}.{facet} unindexed"


def test_ensure_schema_is_idempotent(db):
    before = {t.name: t.schema for t in db.tables}
    store.ensure_schema(db)
    store.ensure_schema(db)
    assert {t.name: t.schema for t in db.tables} == before
    assert [r["name"] for r in db["_sqlite_migrations"].rows] == MIGRATIONS
    assert store.schema_version(db) == MIGRATIONS[-1]


def test_0002_upgrades_a_database_made_by_0001(tmp_path):
    """A database from before 0002 gains the published parts, filled, and entity search."""
    import sqlite_utils

    path = tmp_path / "old.db"
    old = sqlite_utils.Database(path)
    store.MIGRATIONS.apply(old, stop_before="0002_published_parts_entity_search")
    # 0001 reads today's schema dicts; remove what the released 0001 did not make.
    for column in ("published_year", "published_month"):
        old.execute(f"drop index idx_articles_{column}")
    old["articles"].transform(drop={"published_year", "published_month"})
    old["entities"].disable_fts()
    assert "entities_fts" not in old.table_names()
    old["articles"].insert_all([
        {"id": "a", "published": "2025-03-18", "body": "x"},
        {"id": "b", "published": "2024", "body": "y"},
        {"id": "c", "published": None, "body": "z"},
    ])
    old["entities"].insert({"id": 1, "name": "Kirill Dmitriev", "kind": "person"})
    old.close()
    db = store.connect(path)
    assert [r["name"] for r in db["_sqlite_migrations"].rows] == MIGRATIONS
    assert db.execute("select id, published_year, published_month from articles order by id").fetchall() == [
        ("a", 2025, "2025-03"), ("b", 2024, None), ("c", None, None),
    ]
    assert {"published_year", "published_month"} <= _leading_index_columns(db, "articles")
    assert db.execute("select rowid from entities_fts where entities_fts match 'dmitriev'").fetchall() == [(1,)]
    fresh = store.connect(tmp_path / "fresh.db")
    assert set(db["articles"].columns_dict) == set(fresh["articles"].columns_dict)
    assert {i.name for i in db["articles"].indexes} == {i.name for i in fresh["articles"].indexes}
    db.close()
    fresh.close()


def test_wal_and_busy_timeout(db):
    assert db.journal_mode == "wal"
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_connect_creates_the_folder(tmp_path):
    db = store.connect(tmp_path / "new" / "deeper" / "q.db")
    assert "quotes" in db.table_names()
    db.close()


# --- derived values ----------------------------------------------------------------


def test_text_hash_ignores_case_punctuation_and_spacing():
    a = store.text_hash("There will certainly be discussions with Musk soon,")
    assert a == store.text_hash("there will  certainly be\ndiscussions with MUSK soon")
    assert a == store.text_hash("“There will certainly be discussions — with Musk soon.”")
    assert a != store.text_hash("There will certainly be discussions with Musk later")
    assert len(a) == 40


def test_said_parts():
    assert store.said_parts("2025-03-18") == (2025, "2025-03")
    assert store.said_parts("2025-02") == (2025, "2025-02")
    assert store.said_parts("2025") == (2025, None)
    assert store.said_parts(None) == (None, None)
    assert store.said_parts("Tuesday") == (None, None)


# --- writes ------------------------------------------------------------------------

BODY = '"We will meet soon," Kirill Dmitriev said. Musk had not commented.'


def dmitriev_extraction() -> Extraction:
    return Extraction(
        entities=[
            Entity("Kirill Dmitriev", "person", ["Dmitriev"], description="head of RDIF", gender="male"),
            Entity("Elon Musk", "person", ["Musk"]),
            Entity("Russia's Direct Investment Fund", "organization"),
        ],
        quotes=[Quote(
            text="We will meet soon,", kind="direct", start=1, end=19, paragraph=0,
            speaker="Kirill Dmitriev", speaker_text="Kirill Dmitriev", cue="said",
            said_on="2025-03-18", date_text="Tuesday", method="name_said",
            confidence=0.9, mentions=["Elon Musk"],
        )],
        claims=[
            Claim(kind="no_comment", subject="Elon Musk", text="Musk had not commented.",
                  start=43, end=66, as_of="2025-03-18"),
            Claim(kind="role", subject="Kirill Dmitriev", text=BODY, start=0, end=66,
                  object="head", organization="Russia's Direct Investment Fund"),
            Claim(kind="role", subject="Elon Musk", text=BODY, start=0, end=66,
                  object="SpaceX founder"),
        ],
    )


def test_write_article_rows(db):
    art = article(BODY)
    store_one(db, art, dmitriev_extraction())
    quote_id = short_hash(art.id, "1", "19", "direct")
    assert list(db["quotes"].rows) == [{
        "id": quote_id, "article_id": art.id, "speaker_id": 1,
        "speaker_text": "Kirill Dmitriev", "speaker_name": "Kirill Dmitriev",
        "text": "We will meet soon,", "kind": "direct", "cue": "said",
        "said_on": "2025-03-18", "date_text": "Tuesday", "said_year": 2025,
        "said_month": "2025-03", "paragraph": 0, "start": 1, "end": 19,
        "method": "name_said", "confidence": 0.9,
        "text_hash": store.text_hash("We will meet soon,"),
        "publisher": "The Paper", "published": "2025-03-18",
    }]
    assert BODY[1:19] == "We will meet soon,"
    assert list(db["entities"].rows) == [
        {"id": 1, "name": "Kirill Dmitriev", "kind": "person", "gender": "male",
         "description": "head of RDIF", "first_seen": "2025-03-18",
         "last_seen": "2025-03-18", "quote_count": 1},
        {"id": 2, "name": "Elon Musk", "kind": "person", "gender": None,
         "description": None, "first_seen": "2025-03-18", "last_seen": "2025-03-18",
         "quote_count": 0},
        {"id": 3, "name": "Russia's Direct Investment Fund", "kind": "organization",
         "gender": None, "description": None, "first_seen": "2025-03-18",
         "last_seen": "2025-03-18", "quote_count": 0},
    ]
    assert {(r["entity_id"], r["alias"]) for r in db["aliases"].rows} == {
        (1, "Kirill Dmitriev"), (1, "Dmitriev"), (2, "Elon Musk"), (2, "Musk"),
        (3, "Russia's Direct Investment Fund"),
    }
    assert list(db["quote_mentions"].rows) == [{"quote_id": quote_id, "entity_id": 2}]
    claims = list(db["claims"].rows_where(order_by="kind, subject_id"))
    assert [(c["kind"], c["subject_name"], c["organization_id"]) for c in claims] == [
        ("no_comment", "Elon Musk", None), ("role", "Kirill Dmitriev", 3),
        ("role", "Elon Musk", None),
    ]
    assert len({c["id"] for c in claims}) == 3, "two role claims share a span: ids differ"
    assert claims[0]["id"] == short_hash(art.id, "43", "66", "no_comment")
    roles = list(db["roles"].rows_where(order_by="entity_id"))
    assert [(r["entity_id"], r["title"], r["organization_id"], r["as_of"]) for r in roles] == [
        (1, "head", 3, "2025-03-18"), (2, "SpaceX founder", None, "2025-03-18"),
    ]
    assert all(r["id"] == r["claim_id"] for r in roles)
    row = db["articles"].get(art.id)
    assert row["word_count"] == len(BODY.split()) and row["content_hash"] == art.content_hash
    assert (row["published_year"], row["published_month"]) == (2025, "2025-03")


def test_rewriting_an_article_replaces_its_rows(db):
    registry = store_one(db, article(BODY), dmitriev_extraction())
    before = {t: db[t].count for t in store.TABLES if t != "load_log"}
    store_one(db, article(BODY), dmitriev_extraction(), registry)
    assert {t: db[t].count for t in store.TABLES if t != "load_log"} == before
    # A new version without quotes: the old quotes go, the speaker's count follows.
    store_one(db, article(BODY + " More."), Extraction(entities=[Entity("Kirill Dmitriev", "person")]), registry)
    assert db["quotes"].count == 0 and db["claims"].count == 0 and db["roles"].count == 0
    assert db["entities"].get(1)["quote_count"] == 0


def test_fts_stays_consistent_through_rewrites(db):
    registry = store_one(db, article(BODY), dmitriev_extraction())
    store_one(db, article(BODY), dmitriev_extraction(), registry)
    for fts in FTS_TABLES:
        db.execute(f"insert into {fts}({fts}) values('integrity-check')")
    hits = db.execute(
        "select quotes.text from quotes_fts join quotes on quotes.rowid = quotes_fts.rowid "
        "where quotes_fts match 'meet'"
    ).fetchall()
    assert hits == [("We will meet soon,",)]
    assert db.execute("select count(*) from articles_fts where articles_fts match 'Musk'").fetchone()[0] == 1
    assert db.execute("select rowid from entities_fts where entities_fts match 'RDIF'").fetchall() == [(1,)]
    (quote,) = db["quotes"].rows
    assert db.execute(
        "select rowid, id, speaker_name, article_title, article_url from quotes_view"
    ).fetchall() == [(1, quote["id"], "Kirill Dmitriev", "A title", "https://example.com/a")]


def test_names_used_without_an_entity_get_one(db):
    ex = Extraction(quotes=[Quote(text="x", kind="direct", start=0, end=1, paragraph=0,
                                  speaker="Ann Lee", mentions=["Bo Chan"])])
    store_one(db, article("x"), ex)
    assert [(e["name"], e["kind"]) for e in db["entities"].rows] == [("Ann Lee", "person"), ("Bo Chan", "person")]
    assert list(db["quotes"].rows)[0]["speaker_id"] == 1


# --- resolution across articles ------------------------------------------------------


def quote_by(name: str) -> Quote:
    return Quote(text="words", kind="direct", start=0, end=5, paragraph=0, speaker=name)


def load_people(db, registry, n, *people: tuple[str, list[str]], published="2025-03-18"):
    ex = Extraction(entities=[Entity(name, "person", aliases) for name, aliases in people],
                    quotes=[quote_by(people[0][0])] if people else [])
    store_one(db, article(f"words {n}", url=f"https://example.com/{n}", published=published), ex, registry)


def entity_names(db) -> list[str]:
    return [r["name"] for r in db["entities"].rows_where(order_by="id")]


def test_surname_resolves_to_the_unique_known_person(db):
    registry = Registry(db)
    load_people(db, registry, 1, ("Kirill Dmitriev", ["Dmitriev"]), published="2025-03-01")
    load_people(db, registry, 2, ("Dmitriev", []), published="2025-03-20")
    assert entity_names(db) == ["Kirill Dmitriev"]
    e = db["entities"].get(1)
    assert (e["first_seen"], e["last_seen"], e["quote_count"]) == ("2025-03-01", "2025-03-20", 2)
    assert {q["speaker_name"] for q in db["quotes"].rows} == {"Kirill Dmitriev"}


def test_ambiguous_surname_is_left_unresolved(db):
    registry = Registry(db)
    load_people(db, registry, 1, ("John Smith", []))
    load_people(db, registry, 2, ("Jane Smith", []))
    load_people(db, registry, 3, ("Smith", []))
    assert entity_names(db) == ["John Smith", "Jane Smith"]
    q = db.execute("select speaker_id, speaker_name from quotes where article_id = ?",
                   [article(url="https://example.com/3").id]).fetchall()
    assert q == [(None, None)]


def test_fuller_name_takes_over_a_surname_entity(db):
    registry = Registry(db)
    load_people(db, registry, 1, ("Dmitriev", []))
    assert entity_names(db) == ["Dmitriev"]
    load_people(db, registry, 2, ("Kirill Dmitriev", []))
    assert entity_names(db) == ["Kirill Dmitriev"]
    assert {r["alias"] for r in db["aliases"].rows_where("entity_id = 1")} == {"Dmitriev", "Kirill Dmitriev"}
    assert {q["speaker_name"] for q in db["quotes"].rows} == {"Kirill Dmitriev"}
    assert db["entities"].get(1)["quote_count"] == 2
    # and a fresh registry (next load) sees the same thing
    load_people(db, Registry(db), 3, ("Dmitriev", []))
    assert entity_names(db) == ["Kirill Dmitriev"]


def test_no_takeover_when_the_surname_is_shared(db):
    registry = Registry(db)
    load_people(db, registry, 1, ("Dmitriev", []))
    load_people(db, registry, 2, ("Kirill Dmitriev", []))
    load_people(db, registry, 3, ("Anna Dmitriev", []))
    assert entity_names(db) == ["Kirill Dmitriev", "Anna Dmitriev"]


def test_exact_names_fold_case_and_accents_within_a_kind(db):
    registry = Registry(db)
    load_people(db, registry, 1, ("José Álvarez", []))
    load_people(db, registry, 2, ("JOSE ALVAREZ", []))
    assert entity_names(db) == ["José Álvarez"]
    assert fold("  José   Álvarez ") == "jose alvarez"
    ex = Extraction(entities=[Entity("Jose Alvarez", "organization")])
    store_one(db, article("org", url="https://example.com/org"), ex, registry)
    assert [(r["name"], r["kind"]) for r in db["entities"].rows_where(order_by="id")] == [
        ("José Álvarez", "person"), ("Jose Alvarez", "organization"),
    ]


def test_resolution_is_deterministic(tmp_path):
    def run(path):
        db = store.connect(path)
        registry = Registry(db)
        load_people(db, registry, 1, ("Dmitriev", []))
        load_people(db, registry, 2, ("Kirill Dmitriev", ["Putin Envoy Dmitriev"]), ("Elon Musk", ["Musk"]))
        load_people(db, registry, 3, ("Musk", []), ("Putin Envoy Dmitriev", []))
        out = (list(db["entities"].rows), list(db["aliases"].rows), list(db["quotes"].rows))
        db.close()
        return out

    first, second = run(tmp_path / "a.db"), run(tmp_path / "b.db")
    assert first == second
    assert [e["name"] for e in first[0]] == ["Kirill Dmitriev", "Elon Musk"]


def test_registry_sees_writes_from_another_connection(db_path):
    db1, db2 = store.connect(db_path), store.connect(db_path)
    registry = Registry(db1)
    load_people(db2, Registry(db2), 1, ("Kirill Dmitriev", []))
    registry.refresh()
    load_people(db1, registry, 2, ("Dmitriev", []))
    assert entity_names(db1) == ["Kirill Dmitriev"]
    db1.close()
    db2.close()


def test_the_registry_reads_only_the_entities_an_articles_names_can_match(db):
    registry = Registry(db)
    load_people(db, registry, 1, ("Kirill Dmitriev", ["Dmitriev"]), ("Elon Musk", ["Musk"]))
    load_people(db, registry, 2, ("Anna Lee", []))
    fresh = Registry(db)
    load_people(db, fresh, 3, ("Dmitriev", []))
    assert sorted(name for name, _ in fresh._name.values()) == ["Kirill Dmitriev"]  # not Musk, not Lee
    assert {q["speaker_name"] for q in db["quotes"].rows_where("article_id = ?",
                                                               [article(url="https://example.com/3").id])} == {
        "Kirill Dmitriev"}


def test_a_database_without_the_lookup_keys_gets_them_from_the_registry(db):
    """A database from before 0013 has entities but no _entity_lookup rows: the first
    registry to open it writes them, and names resolve as before."""
    registry = Registry(db)
    load_people(db, registry, 1, ("Kirill Dmitriev", ["Dmitriev", "K. Dmitriev"]), ("Elon Musk", []))
    before = db.execute("select key, via, entity_id from _entity_lookup order by 1, 2, 3").fetchall()
    assert ("dmitriev", "surname", 1) in before and ("k. dmitriev", "alias", 1) in before
    db.execute("delete from _entity_lookup")
    db.execute("delete from _refresh_state where key = 'entity_lookup'")
    db.conn.commit()
    fresh = Registry(db)
    assert db.execute("select key, via, entity_id from _entity_lookup order by 1, 2, 3").fetchall() == before
    load_people(db, fresh, 2, ("Dmitriev", []), ("Musk", []))
    assert entity_names(db) == ["Kirill Dmitriev", "Elon Musk"]
    assert {q["speaker_name"] for q in db["quotes"].rows} == {"Kirill Dmitriev"}
