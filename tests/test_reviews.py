"""Fact-checkers' verdicts: `quotes review`, the reviews table, and ClaimReview JSON-LD
checked against a hand-written subset of the schema.org vocabulary
(tests/fixtures/schemaorg/vocabulary.json)."""
from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from conftest import FIXTURES, rows, store_articles, tracking_corpus
from quotes import store
from quotes.corpus import tracking
from quotes.cli import cli
from quotes.model import Article, Entity, Extraction, Quote

VOCABULARY = json.loads((FIXTURES / "schemaorg" / "vocabulary.json").read_text(encoding="utf-8"))
Q1 = "We will invite every serious carmaker to the Arctic wind talks, and we expect the first meeting within weeks"


@pytest.fixture
def db_path(tmp_path):
    path = tmp_path / "quotes.db"
    store_articles(path, tracking_corpus())
    db = store.connect(path)
    tracking.refresh(db)
    db.close()
    return path


@pytest.fixture
def runner():
    return CliRunner()


def one(db_path, sql, params=None):
    return rows(db_path, sql, params)[0]


def halvorsen_quote(db_path) -> str:
    return one(db_path, "select id from quotes where speaker_name = 'Anders Halvorsen' and text like 'We will%'")["id"]


def lindgren_claim(db_path) -> str:
    return one(db_path, "select id from claims where text like 'Lindgren has not commented%'")["id"]


# --- validating JSON-LD against the vocabulary -------------------------------------------------


def _ancestors(name: str, table: dict) -> list[str]:
    out = []
    while name is not None:
        out.append(name)
        name = table[name]
    return out


def _literal_fits(value, datatype: str) -> bool:
    if datatype in ("Text",):
        return isinstance(value, str)
    if datatype == "URL":
        return isinstance(value, str) and re.match(r"^https?://\S+$", value) is not None
    if datatype == "Date":
        return isinstance(value, str) and re.match(r"^\d{4}(-\d{2}(-\d{2})?)?$", value) is not None
    if datatype == "DateTime":
        return isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}T", value) is not None
    if datatype in ("Number", "Integer"):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if datatype == "Boolean":
        return isinstance(value, bool)
    return False


def schema_errors(node, path="$", top=True) -> list[str]:
    """Every @type and property must be a schema.org term, each property used on a type
    in its domain, each value of a type (or data type) in its range."""
    errors = []
    if top and node.get("@context") != "https://schema.org":
        errors.append(f"{path}: @context is {node.get('@context')!r}")
    kind = node.get("@type")
    if kind not in VOCABULARY["types"]:
        return errors + [f"{path}: unknown @type {kind!r}"]
    lineage = _ancestors(kind, VOCABULARY["types"])
    for prop, value in node.items():
        if prop in ("@context", "@type"):
            continue
        spec = VOCABULARY["properties"].get(prop)
        where = f"{path}.{prop}"
        if spec is None:
            errors.append(f"{where}: not a schema.org property")
            continue
        if not set(spec["domain"]) & set(lineage):
            errors.append(f"{where}: not a property of {kind}")
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict):
                item_kind = item.get("@type")
                if item_kind in VOCABULARY["types"] and not set(spec["range"]) & set(
                        _ancestors(item_kind, VOCABULARY["types"])):
                    errors.append(f"{where}: a {item_kind} where {spec['range']} is expected")
                errors += schema_errors(item, where, top=False)
            elif not any(_literal_fits(item, t) for t in spec["range"]
                         if t in VOCABULARY["datatypes"]):
                errors.append(f"{where}: {item!r} is not one of {spec['range']}")
    return errors


def test_the_validator_catches_mistakes():
    bad = {
        "@context": "https://schema.org", "@type": "ClaimReview",
        "claimReviewed": "x", "rating": "False",  # not a property
        "reviewRating": {"@type": "Rating", "ratingValue": 1, "headline": "no"},  # headline is not on Rating
        "itemReviewed": {"@type": "Claim", "appearance": [{"@type": "Person", "name": "X"}]},  # Person is no CreativeWork
        "author": {"@type": "Organisation", "name": "X"},  # the British spelling is no schema.org type
        "datePublished": "20 April 2025",
    }
    assert schema_errors(bad) == [
        "$.rating: not a schema.org property",
        "$.reviewRating.headline: not a property of Rating",
        "$.itemReviewed.appearance: a Person where ['CreativeWork'] is expected",
        "$.author: unknown @type 'Organisation'",
        "$.datePublished: '20 April 2025' is not one of ['Date', 'DateTime']",
    ]


# --- quotes review -----------------------------------------------------------------------------------


def test_review_a_quote(runner, db_path):
    quote_id = halvorsen_quote(db_path)
    result = runner.invoke(cli, [
        "review", quote_id, "--db", str(db_path), "--rating", "Misattributed", "--value", "1",
        "--reviewer", "Harbor Fact Check", "--url", "https://factcheck.example/halvorsen-arctic",
        "--date", "2025-04-20"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Review 1: Misattributed by Harbor Fact Check on quote {quote_id}: We will invite")
    review = one(db_path, "select * from reviews")
    assert {k: v for k, v in review.items() if k != "created_at"} == {
        "id": 1, "quote_id": quote_id, "claim_id": None,
        "article_id": one(db_path, "select id from articles where url like '%halvorsen-arctic-pledge'")["id"],
        "text_hash": store.text_hash(Q1),
        "claim_reviewed": Q1 + ".", "rating": "Misattributed", "rating_value": 1.0, "best_rating": 5.0,
        "worst_rating": 1.0, "reviewer": "Harbor Fact Check", "reviewer_type": "Organization",
        "url": "https://factcheck.example/halvorsen-arctic", "date_published": "2025-04-20",
    }


@pytest.mark.parametrize("args, message", [
    (["nope"], "no quote or claim with id 'nope'"),
    (["claim:{quote}"], "no quote or claim with id"),
    (["thing:{quote}"], "unknown kind 'thing'"),
    (["{quote}", "--date", "20/04/2025"], "the date must be YYYY-MM-DD, not '20/04/2025'"),
    (["{quote}", "--date", "2025-02-30"], "no such date: '2025-02-30'"),
    (["{quote}", "--value", "7"], "rating value 7 is outside the scale 1 (worst) to 5 (best)"),
    (["{quote}", "--best", "3"], "a best or worst rating needs a rating value"),
    (["{quote}", "--url", "javascript:alert(1)"], "not an http(s) URL"),
])
def test_review_user_errors(runner, db_path, args, message):
    quote_id = halvorsen_quote(db_path)
    args = [a.format(quote=quote_id) for a in args]
    result = runner.invoke(cli, ["review", *args, "--db", str(db_path), "--rating", "False",
                                 "--reviewer", "Harbor Fact Check"])
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Error: ") and message in result.output
    assert rows(db_path, "select count(*) as n from reviews") == [{"n": 0}]


def test_review_needs_a_database_rating_and_reviewer(runner, tmp_path, db_path):
    missing = runner.invoke(cli, ["review", "x", "--db", str(tmp_path / "none.db"), "--rating", "False",
                                  "--reviewer", "R"])
    assert missing.exit_code == 1 and "no database at" in missing.output
    no_rating = runner.invoke(cli, ["review", "x", "--db", str(db_path), "--reviewer", "R"])
    assert no_rating.exit_code == 2 and "--rating" in no_rating.output


# --- ClaimReview ---------------------------------------------------------------------------------------


def export(runner, db_path, *more) -> list[dict]:
    result = runner.invoke(cli, ["export", "reviews", "--db", str(db_path), "--format", "claimreview", *more])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


LEDGER = {"@type": "NewsArticle", "url": "https://ledger.example/2025/03/04/arctic-wind-talks",
          "headline": "Energy fund will invite carmakers to Arctic wind talks",
          "publisher": {"@type": "Organization", "name": "The Harbor Ledger"}, "datePublished": "2025-03-04"}
WIRE = {"@type": "NewsArticle", "url": "https://wire.example/news/fund-courts-carmakers",
        "headline": "Carmakers courted for Arctic wind project",
        "publisher": {"@type": "Organization", "name": "Northern Wire"}, "datePublished": "2025-03-06"}
COURIER = {"@type": "NewsArticle", "url": "https://courier.example/politics/halvorsen-arctic-pledge",
           "headline": "President Halvorsen backs Arctic wind pledge",
           "publisher": {"@type": "Organization", "name": "The Daily Courier"}, "datePublished": "2025-03-18"}


def test_claimreview_of_a_quote(runner, db_path):
    runner.invoke(cli, ["review", halvorsen_quote(db_path), "--db", str(db_path), "--rating", "Misattributed",
                        "--value", "1", "--reviewer", "Harbor Fact Check", "--date", "2025-04-20",
                        "--url", "https://factcheck.example/halvorsen-arctic"])
    (review,) = export(runner, db_path)
    assert review == {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "claimReviewed": Q1 + ".",
        "reviewRating": {"@type": "Rating", "alternateName": "Misattributed", "ratingValue": 1,
                         "bestRating": 5, "worstRating": 1},
        "author": {"@type": "Organization", "name": "Harbor Fact Check"},
        "datePublished": "2025-04-20",
        "itemReviewed": {
            "@type": "Claim",
            "author": {"@type": "Person", "name": "Anders Halvorsen"},  # the speaker of the quote reviewed
            "datePublished": "2025-03-04",  # its first appearance, under another speaker
            "firstAppearance": LEDGER,
            "appearance": [LEDGER, WIRE, COURIER],
        },
        "url": "https://factcheck.example/halvorsen-arctic",
    }
    assert schema_errors(review) == []


def test_claimreview_of_a_claim(runner, db_path):
    result = runner.invoke(cli, ["review", f"claim:{lindgren_claim(db_path)}", "--db", str(db_path),
                                 "--rating", "Outdated", "--reviewer", "Ann Checker", "--reviewer-type", "person",
                                 "--date", "2025-04-01"])
    assert result.exit_code == 0, result.output
    (review,) = export(runner, db_path)
    courier_recall = {"@type": "NewsArticle", "url": "https://courier.example/business/aurora-van-recall",
                      "headline": "Aurora Motors recalls delivery vans",
                      "publisher": {"@type": "Organization", "name": "The Daily Courier"},
                      "datePublished": "2025-04-08"}
    assert review["claimReviewed"] == "Lindgren has not commented on the talks."
    assert review["reviewRating"] == {"@type": "Rating", "alternateName": "Outdated"}
    assert review["author"] == {"@type": "Person", "name": "Ann Checker"}
    # the claimant of a claim an article makes is its publisher
    assert review["itemReviewed"]["author"] == {"@type": "Organization", "name": "The Daily Courier"}
    assert review["itemReviewed"]["datePublished"] == "2025-03-04"
    assert review["itemReviewed"]["firstAppearance"] == LEDGER
    assert [a["url"] for a in review["itemReviewed"]["appearance"]] == [
        LEDGER["url"], COURIER["url"], courier_recall["url"]]
    assert review["itemReviewed"]["appearance"][-1] == courier_recall
    assert "url" not in review
    assert schema_errors(review) == []


def test_every_review_exports_valid_claimreview(runner, db_path, tmp_path):
    for quote in rows(db_path, "select id from quotes order by id"):
        runner.invoke(cli, ["review", quote["id"], "--db", str(db_path), "--rating", "True", "--reviewer", "R",
                            "--date", "2025-05-01"])
    for claim in rows(db_path, "select id from claims order by id"):
        runner.invoke(cli, ["review", claim["id"], "--db", str(db_path), "--rating", "Unproven", "--value", "2.5",
                            "--best", "4", "--worst", "0", "--reviewer", "R"])
    out = tmp_path / "reviews.json"
    result = runner.invoke(cli, ["export", "reviews", "--db", str(db_path), "--format", "claimreview", "-o", str(out)])
    assert result.exit_code == 0, result.output
    reviews = json.loads(out.read_text())
    assert len(reviews) == rows(db_path, "select count(*) as n from reviews")[0]["n"] == 18 + 12
    for review in reviews:
        assert schema_errors(review) == [], review
    assert reviews[-1]["reviewRating"] == {"@type": "Rating", "alternateName": "Unproven", "ratingValue": 2.5,
                                           "bestRating": 4, "worstRating": 0}
    # --where narrows, as for the other formats
    assert len(export(runner, db_path, "--where", "claim_id is not null")) == 12


def test_a_review_outlives_a_reload_of_its_article(runner, db_path):
    """The Courier corrects its article: the quotes come back under new ids (new
    offsets); the review finds its quote again by its words in the same article."""
    from quotes.model import Article, Extraction, Quote

    quote_id = halvorsen_quote(db_path)
    runner.invoke(cli, ["review", quote_id, "--db", str(db_path), "--rating", "False", "--reviewer", "R",
                        "--date", "2025-04-20"])
    article, extraction = tracking_corpus()[3]
    body = "Corrected. " + article.body
    moved = Extraction(
        entities=extraction.entities,
        quotes=[Quote(**{**q.__dict__, "start": q.start + 11, "end": q.end + 11}) for q in extraction.quotes],
        claims=[type(c)(**{**c.__dict__, "start": c.start + 11, "end": c.end + 11}) for c in extraction.claims])
    store_articles(db_path, [(Article(**{**article.__dict__, "body": body}), moved)])
    db = store.connect(db_path)
    tracking.refresh(db)
    db.close()
    assert rows(db_path, "select count(*) as n from quotes where id = ?", [quote_id]) == [{"n": 0}]
    (review,) = export(runner, db_path)
    assert review["claimReviewed"] == Q1 + "."
    assert [a["url"] for a in review["itemReviewed"]["appearance"]] == [LEDGER["url"], WIRE["url"], COURIER["url"]]
    assert review["itemReviewed"]["author"] == {"@type": "Person", "name": "Anders Halvorsen"}


SCRIPT = "</script><script>alert(1)</script> & <!-- more"


def test_claimreview_cannot_end_a_script_element(runner, tmp_path):
    """ClaimReview goes into <script type="application/ld+json"> on a fact-checker's page:
    a quote holding `</script>` comes out with `<`, `>` and `&` as \\u escapes, and
    reads back as exactly the words quoted."""
    path = tmp_path / "quotes.db"
    body = f'"{SCRIPT}," Ann Lee said.'
    article = Article(body=body, source="script.txt", title="</script><b>", url="https://paper.example/s",
                      publisher="<Paper> & Co", published="2025-03-18")
    quote = Quote(text=SCRIPT + ",", kind="direct", start=1, end=len(SCRIPT) + 2, paragraph=0,
                  speaker="Ann Lee", cue="said", said_on="2025-03-18")
    store_articles(path, [(article, Extraction(entities=[Entity("Ann Lee", "person")], quotes=[quote]))])
    quote_id = one(path, "select id from quotes")["id"]
    result = runner.invoke(cli, ["review", quote_id, "--db", str(path), "--rating", "False",
                                 "--reviewer", "<Checkers> & Co", "--date", "2025-04-20"])
    assert result.exit_code == 0, result.output
    out = runner.invoke(cli, ["export", "reviews", "--db", str(path), "--format", "claimreview"])
    assert out.exit_code == 0, out.output
    assert not set(out.output) & set("<>&"), out.output
    assert "\\u003c/script\\u003e" in out.output
    (review,) = json.loads(out.output)
    assert review["claimReviewed"] == SCRIPT + ","  # the quote as printed
    assert review["author"]["name"] == "<Checkers> & Co"
    assert review["itemReviewed"]["firstAppearance"]["headline"] == "</script><b>"
    assert review["itemReviewed"]["firstAppearance"]["publisher"]["name"] == "<Paper> & Co"


def test_claimreview_is_only_for_the_reviews_table(runner, db_path):
    result = runner.invoke(cli, ["export", "quotes", "--db", str(db_path), "--format", "claimreview"])
    assert result.exit_code == 1 and "--format claimreview exports the reviews table" in result.output
    bad = runner.invoke(cli, ["export", "reviews", "--db", str(db_path), "--format", "claimreview",
                              "--where", "nonsense ="])
    assert bad.exit_code == 1 and bad.output.startswith("Error: ")
    assert export(runner, db_path) == []
