"""quotes eval-records: record-level scoring of a loaded database, on a hand-written gold.

tests/fixtures/records/ holds two short articles with gold in the format of
../shared/data/records/GUIDE.md (and one input without gold, which is not scored).
The loader is routed through `fixture_extract`, which returns exactly the rows listed
in EXTRACTIONS, so the figures below follow from the fixture by hand and do not move
when the real extraction rules change. How each figure arises is noted beside it.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import sqlite_utils
from click.testing import CliRunner

from conftest import FIXTURES, ROOT
from quotes import evaluate_records
from quotes.cli import cli
from quotes.evaluate_records import locate, match_statements, same_name
from quotes.model import Article, Claim, Entity, Extraction, Quote

RECORDS = FIXTURES / "records"
GOLD, INPUT = RECORDS / "gold", RECORDS / "input"
REFERENCE = ROOT.parent / "shared" / "tools" / "score_records.py"

# What the database holds for each article: (text, kind, speaker, said_on) per quote,
# (kind, subject, object, organization, sentence) per claim, (name, kind, aliases) per entity.
EXTRACTIONS = {
    "fix-mayor": {
        "quotes": [
            ("the bridge would reopen in May", "indirect", "Anne Kowalski", "2025-03-17"),  # all right
            ("We are ready to start,", "direct", "Tom Reed", "2025-03-18"),  # wrong speaker and date
            # "The works cost £2m" (gold indirect) is missed
            ("under control", "partial", "Tom Reed", "2025-03-18"),  # the publication date: not invented
            ("the budget was “under control”", "indirect", "Tom Reed", None),  # redundant
            ("Kowalski will visit the site next week.", "indirect", "Bridge Authority", None),  # spurious
        ],
        "claims": [
            ("role", "Anne Kowalski", "Mayor", None,
             "Mayor Anne Kowalski said on Monday that the bridge would reopen in May."),
            ("role", "Anne Kowalski", "spokesman", "Westford Council",  # found, wrong subject
             "Council spokesman Tom Reed said the budget was “under control”."),
            # Three readings of one sentence: the one with the right subject is taken
            # though it is neither the first nor the last; the other two are spurious.
            ("no_comment", "Anne Kowalski", None, None, "Reed declined to comment on the delay."),
            ("no_comment", "Tom Reed", None, None, "Reed declined to comment on the delay."),
            ("no_comment", "Westford Council", None, None, "Reed declined to comment on the delay."),
            ("plan", "Westford Council", None, None,  # misses the gold plan
             "The works cost £2m, according to Westford Council."),
        ],
        "entities": [
            ("Anne Kowalski", "person", ["Kowalski"]),
            ("Tom Reed", "person", ["Reed", "But Reed"]),  # "But Reed": a junk alias
            ("Westford Council", "person", []),  # gold says organization
            ("Bridge Authority", "organization", []),  # in no gold
        ],
    },
    "fix-coach": {
        "quotes": [
            ("his players are tired", "indirect", "Sam Ortiz", None),
            ("We need a rest,", "partial", "Sam Ortiz", None),  # gold direct
            ("the squad would travel on Friday", "indirect", None, None),  # anonymous, right
            ("the team looked exhausted", "indirect", "Sam Ortiz", "2024-11-02"),  # anonymous gold: wrong; invented
        ],
        "claims": [
            ("role", "Sam Ortiz", "manager", None,  # object lacks the gold title's head "coach"
             "Ortiz was appointed head coach of Riverside FC in 2021."),
            ("event", "Sam Ortiz", "appointed", None,
             "Ortiz was appointed head coach of Riverside FC in 2021."),
        ],
        "entities": [("Sam Ortiz", "person", ["Ortiz"])],  # Riverside FC never stored
    },
}


def fixture_extract(article: Article) -> Extraction:
    """The rows of EXTRACTIONS for the article (nothing for any other article)."""
    spec = EXTRACTIONS.get(article.source_id)
    if spec is None:
        return Extraction()
    body = article.body
    quotes = []
    for text, kind, speaker, said_on in spec["quotes"]:
        start = body.index(text)
        quotes.append(Quote(text=text, kind=kind, start=start, end=start + len(text),
                            paragraph=body.count("\n\n", 0, start), speaker=speaker,
                            speaker_text=speaker or "A club official", said_on=said_on,
                            method="fixture", confidence=1.0))
    claims = []
    for kind, subject, obj, organization, sentence in spec["claims"]:
        start = body.index(sentence)
        claims.append(Claim(kind=kind, subject=subject, text=sentence, start=start,
                            end=start + len(sentence), object=obj, organization=organization))
    entities = [Entity(name, kind, aliases=list(aliases)) for name, kind, aliases in spec["entities"]]
    return Extraction(entities=entities, quotes=quotes, claims=claims)


@pytest.fixture
def fixture_loader(monkeypatch):
    """Loads (in this process) store what EXTRACTIONS lists: the loader calls the
    extractor through quotes.parallel, and warms it up through quotes.load."""
    monkeypatch.setattr("quotes.load.extract_article", fixture_extract)
    monkeypatch.setattr("quotes.parallel.extract_article", fixture_extract)


@pytest.fixture
def runner():
    return CliRunner()


def run(runner, *args):
    result = runner.invoke(cli, ["eval-records", str(GOLD), str(INPUT), *args])
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def loaded_db(tmp_path, runner, fixture_loader):
    """The fixture articles loaded by `quotes load`, the way the reference scorer loads them."""
    source = tmp_path / "records.jsonl"
    source.write_text("".join(json.dumps(json.loads(p.read_text())) + "\n"
                              for p in (INPUT / "fix-mayor.json", INPUT / "fix-coach.json")))
    db_path = tmp_path / "records.db"
    result = runner.invoke(cli, ["load", str(source), "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    return db_path


# The table the command prints for the fixture, figure by figure:
#   gold statements 4 + 4 = 8; rows 5 + 4 = 9, one redundant (the indirect row holding
#   the partial "under control"); matched 3 + 4 = 7: P 7/8 = 0.875, R 7/8 = 0.875;
#   recall direct 2/2, partial 1/1, indirect 4/5 ("The works cost £2m" missed).
#   speaker right 5 of 7 (Tom Reed given "We are ready to start,", Sam Ortiz given
#   what the anonymous fans said), named 4/5; end to end P 5/8, R 5/8, F1 0.625.
#   said_on: 1 of 2 stated dates right (Monday right, Friday wrong); of the 5 unstated,
#   one got a date (2024-11-02), one the publication date (not invented).
#   claims: no_comment found once among 3 rows; role 2 of 3 found (the coach role's
#   object lacks "coach"), 1 with the right subject; the plan row misses the gold plan.
#   entities: 4 of 5 gold found (Riverside FC not stored), kind right 3/4 (Westford
#   Council stored as a person), spurious 1/5 (Bridge Authority), junk aliases 1 of
#   the 9 aliases stored for the article's entities (each name is stored as its own
#   alias too): 0.111.
EXPECTED_TABLE = """\
articles 2 (missing 0); gold statements 8, rows 9 (1 redundant)
statements  P 0.875  R 0.875  F1 0.875   recall direct 1.0 partial 1.0 indirect 0.8
speaker     accuracy 0.714 (named 0.8)   end-to-end F1 0.625
said_on     right 0.5 of 2 stated;  invented on 1 of 5 unstated
claims no_comment  gold   1 pred   3  P 0.333  R 1.0  with subject P 0.333 R 1.0
claims role        gold   3 pred   3  P 0.667  R 0.667  with subject P 0.333 R 0.333
claims event       gold   1 pred   1  P 1.0  R 1.0  with subject P 1.0 R 1.0
claims plan        gold   1 pred   1  P 0.0  R 0.0  with subject P 0.0 R 0.0
entities    found 0.8 kind right 0.75  spurious 0.2  junk aliases 0.111
kinds (gold->row): direct->direct 1, direct->partial 1, indirect->indirect 4, partial->partial 1
"""


# ------------------------------------------------------------------ the command


def test_table_figures_after_loading_in_process(runner, fixture_loader):
    result = run(runner)
    # The fixture extractor is patched into this process: a load run as a subprocess
    # would store the real extractor's rows and print other figures.
    assert result.stdout == EXPECTED_TABLE
    assert "Loaded 2 articles: 9 quotes, 8 claims" in result.stderr  # fix-extra has no gold


def test_json_figures(runner, fixture_loader):
    s = json.loads(run(runner, "--json").stdout)
    assert s["statements"] == {
        "gold": 8, "rows": 9, "redundant_rows": 1, "matched": 7,
        "precision": 0.875, "recall": 0.875, "f1": 0.875,
        "recall_direct": 1.0, "spurious_direct": 0, "recall_partial": 1.0, "spurious_partial": 0,
        "recall_indirect": 0.8, "spurious_indirect": 1}
    assert s["speaker"] == {"accuracy": 0.714, "accuracy_named": 0.8, "e2e_precision": 0.625,
                            "e2e_recall": 0.625, "e2e_f1": 0.625}
    assert s["said_on"] == {"stated": 2, "right": 0.5, "not_stated": 5, "invented": 1,
                            "invented_rate": 0.2}
    assert s["claims"]["role"] == {"gold": 3, "pred": 3, "recall": 0.667, "precision": 0.667,
                                   "with_subject_recall": 0.333, "with_subject_precision": 0.333}
    assert s["claims"]["no_comment"] == {"gold": 1, "pred": 3, "recall": 1.0, "precision": 0.333,
                                         "with_subject_recall": 1.0, "with_subject_precision": 0.333}
    assert s["claims"]["plan"]["recall"] == 0.0
    assert s["entities"] == {"gold": 5, "found": 0.8, "kind_right": 0.75, "spurious_rate": 0.2,
                             "junk_alias_rate": 0.111}
    assert s["kind_confusion"] == {"direct->direct": 1, "direct->partial": 1,
                                   "indirect->indirect": 4, "partial->partial": 1}
    assert (s["articles"], s["articles_missing"], s["gold_unlocated"]) == (2, [], 0)
    assert "examples" not in s


def test_errors_lists_examples_by_kind(runner, fixture_loader):
    out = run(runner, "--errors", "1").stdout
    assert out.startswith(EXPECTED_TABLE)
    # Articles come in the order of the gold file names: fix-coach first.
    assert ("\n== wrong_speaker (2)\n"
            "   fix-coach: 'the team looked exhausted': gold 'Fans', got 'Sam Ortiz'\n\n") in out
    assert "\n== invented_date (1)\n   fix-coach: 'the team looked exhausted': got 2024-11-02 (None)\n" in out
    assert "\n== wrong_date (1)\n   fix-mayor: 'We are ready to start,': gold 2025-03-14, got 2025-03-18\n" in out
    assert "\n== entity_kind (1)\n   fix-mayor: Westford Council: gold organization, got person\n" in out
    assert "\n== junk_alias (1)\n   fix-mayor: But Reed" in out
    # Two claims missed, one shown: the count is of all of them.
    assert "\n== claim_missed (2)\n   fix-coach: role Sam Ortiz: appointed head coach of Riverside FC\n\n" in out
    assert "will visit the site next week" not in out.split("== claim_missed")[1].split("==")[0]


def test_json_errors(runner, fixture_loader):
    s = json.loads(run(runner, "--json", "--errors", "2").stdout)
    assert s["examples"]["wrong_speaker"] == [
        "fix-coach: 'the team looked exhausted': gold 'Fans', got 'Sam Ortiz'",
        "fix-mayor: 'We are ready to start,': gold 'Anne Kowalski', got 'Tom Reed'"]
    assert s["examples"]["missed"] == ["fix-mayor: [indirect] Westford Council: The works cost £2m"]
    assert s["examples"]["claim_missed"] == [
        "fix-coach: role Sam Ortiz: appointed head coach of Riverside FC",
        "fix-mayor: plan Anne Kowalski: will visit the site next week"]


def test_db_is_scored_as_it_is(runner, loaded_db, monkeypatch):
    def no_load(*args, **kwargs):
        raise AssertionError("--db names a loaded database: nothing is to be loaded")

    monkeypatch.setattr(evaluate_records, "load_paths", no_load)
    assert run(runner, "--db", str(loaded_db)).stdout == EXPECTED_TABLE
    # Take fix-coach out: it is missing, not loaded again.
    db = sqlite_utils.Database(loaded_db)
    with db.conn:
        db.execute("update articles set source_id = 'elsewhere' where source_id = 'fix-coach'")
    db.close()
    s = json.loads(run(runner, "--db", str(loaded_db), "--json").stdout)
    assert (s["articles"], s["articles_missing"]) == (1, ["fix-coach"])
    assert (s["statements"]["gold"], s["statements"]["rows"], s["statements"]["matched"]) == (4, 5, 3)
    assert s["claims"]["role"]["recall"] == 1.0  # the coach's missed role is not counted


def test_missing_db_is_loaded_and_kept(runner, fixture_loader, tmp_path):
    db_path = tmp_path / "new.db"
    assert run(runner, "--db", str(db_path)).stdout == EXPECTED_TABLE
    db = sqlite_utils.Database(db_path)
    assert sorted(r[0] for r in db.execute("select source_id from articles")) == ["fix-coach", "fix-mayor"]
    db.close()


def test_real_extractor(runner):
    """With the real extractor the figures are its own; what the gold holds is fixed."""
    s = json.loads(run(runner, "--json").stdout)
    assert (s["articles"], s["articles_missing"], s["statements"]["gold"]) == (2, [], 8)
    assert s["statements"]["rows"] > 0 and s["entities"]["gold"] == 5


@pytest.mark.skipif(not REFERENCE.exists(), reason="the reference scorer is not on this machine")
def test_same_figures_as_the_reference(runner, loaded_db):
    reference = subprocess.run(
        [sys.executable, str(REFERENCE), str(GOLD), str(INPUT), "--db", str(loaded_db), "--json", "--show", "3"],
        capture_output=True, text=True, check=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    ours = run(runner, "--db", str(loaded_db), "--json", "--errors", "3").stdout
    assert json.loads(ours) == json.loads(reference.stdout)
    assert ours == reference.stdout  # byte for byte, key order included


# ------------------------------------------------------------------ the rules


def test_locate_prefers_a_free_occurrence_then_normalises():
    body = "He said “no”. She said “no”.\nThey  said   NO."
    first = locate(body, "no", set())
    assert locate(body, "no", {first}) == (body.index("no", first[1]), body.index("no", first[1]) + 2)
    # Not there exactly: found with white space runs and case normalised.
    assert locate(body, "They said no", set()) == (body.index("They"), len(body) - 1)
    assert locate(body, "nowhere", set()) is None


def test_redundant_rows_overlap_a_matched_gold():
    gold = [((10, 23), {"text": "under control"})]
    rows = [{"start": 0, "end": 24}, {"start": 10, "end": 23}, {"start": 40, "end": 50}]
    match, redundant = match_statements(rows, gold)
    assert match == {0: 1}  # the tighter row wins
    assert redundant == {0}  # the wider row holds the same words; row 2 is spurious


def test_same_name_uses_gold_aliases():
    aliases = {"Russian Direct Investment Fund": ["RDIF"]}
    assert same_name("RDIF", "Russian Direct Investment Fund", aliases)
    assert not same_name("RDIF", "Russian Direct Investment Fund")
    assert not same_name(None, "Tom Reed") and not same_name("Tom Reed", None)
