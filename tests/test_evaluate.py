"""quotes eval: agreement with the reference PolNeAR scorer, the matching rules, the CLI."""
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from quotes import evaluate
from quotes.evaluate import (
    core,
    eligible,
    eval_command,
    gold_last_names,
    last_name,
    locate,
    match_spans,
    score,
    speaker_correct,
    speaker_lenient,
    summary,
)
from quotes.model import Extraction, Quote

SHARED = Path(__file__).resolve().parents[2] / "shared"
REFERENCE = SHARED / "tools" / "score_polnear.py"
DEV = SHARED / "data" / "polnear" / "polnear-dev.jsonl"

# A spread of dev articles: no direct quotes, names only, unclosed quotes and nominal
# sources, pronouns and scare quotes, NYT '' marks, many partial quotes, a quote with
# no source.
DEV_IDS = [
    "breitbart_2016-09-12_stealth-over-health-hillary-clin",
    "breitbart_2016-09-15_pat-caddell-democrat-voters-worr",
    "breitbart_2016-09-25_pence-gennifer-flowers-won-t-be-",
    "breitbart_2016-10-02_washington-post-hit-piece-exploi",
    "nyt_2016-09-16_clinton-plan-for-taxes-is-expans",
    "nyt_2016-09-25_obama-says-african-american-muse",
    "wash-post_2016-09-10_outrage-but-few-options-on-the-t",
    "west-journal_2016-09-23_clinton-breaks-with-obama-on-law",
]


def write_jsonl(path, records):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                    encoding="utf-8")
    return path


# ------------------------------------------------------------------ agreement with the reference


def imperfect_predictions(record):
    """Predictions for one gold article that go wrong in every way the scorer handles."""
    aid, text = record["id"], record["text"]
    preds = []
    for i, q in enumerate(record["direct_quotes"]):
        s, e, quote = q["start"], q["end"], q["text"]
        base = {"id": aid, "text": quote, "speaker": q["source_resolved"], "kind": "direct",
                "method": "sieve%d" % (i % 3), "confidence": 0.5 + i % 5 / 10}
        variant = i % 10
        if variant == 0:  # perfect
            preds.append({**base, "start": s, "end": e})
        elif variant == 1:  # offsets shifted: found again by its text
            preds.append({**base, "start": s + 4, "end": e + 4, "speaker": q["source"]})
        elif variant == 2:  # no offsets, wrong speaker
            preds.append({**base, "speaker": "Vladimir Putin"})
        elif variant == 3:  # null speaker, then the same quote again
            preds.append({**base, "speaker": None, "start": s, "end": e})
            preds.append({**base, "start": s, "end": e})
        elif variant == 4:  # marks around it: '' in NYT style, or single quotes (trimmed)
            marked = "''%s''" % quote if "''" in text else "‘%s’" % quote
            preds.append({**base, "text": marked, "speaker": q["source_head"]})
        elif variant == 5:  # a shorter piece of the quote, anonymous speaker
            piece = quote[:max(1, len(quote) // 2 + 1)]
            preds.append({**base, "text": piece, "start": s, "end": s + len(piece),
                          "speaker": "a senior official"})
        elif variant == 6:  # case and spaces changed: found normalised
            preds.append({**base, "text": " ".join(quote.upper().split()).replace(" ", "  ")})
        elif variant == 7:  # middle garbled: found by its anchors when long enough
            mid = len(quote) // 2
            preds.append({**base, "text": quote[:mid] + "#####" + quote[mid + 5:]})
        elif variant == 8:  # text that is nowhere, with and without usable offsets
            preds.append({**base, "text": "words that are not there", "start": s, "end": e})
            preds.append({**base, "text": "words that are not there either"})
        else:  # bad offsets, and the quote with its marks and a little more
            preds.append({**base, "start": -1, "end": len(text) + 5})
            preds.append({**base, "text": text[max(0, s - 2):e + 2], "kind": None})
    for o in record["other_quotes"]:  # partial and scare quotes predicted as direct
        preds.append({"id": aid, "text": o["text"], "speaker": "Hillary Clinton",
                      "kind": "direct", "start": o["start"], "end": o["end"], "method": "sieve9"})
    for i, a in enumerate(record["attributions"]):
        if not a["direct"] and i % 3 == 0:  # reported speech
            pred = {"id": aid, "text": a["content"], "speaker": a["source"], "kind": "indirect",
                    "method": "said_that"}
            if i % 2:
                pred.update(start=a["content_start"], end=a["content_end"])
            preds.append(pred)
    preds.append({"id": aid, "text": text[:20], "speaker": None, "kind": "partial"})
    return preds


def reference_figures(gold_path, pred_path, *args):
    done = subprocess.run([sys.executable, str(REFERENCE), str(gold_path), str(pred_path),
                           "--json", *args], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def dev_subset():
    if not REFERENCE.exists() or not DEV.exists():
        pytest.skip("the reference scorer or PolNeAR dev is not in ../shared")
    wanted = set(DEV_IDS)
    with DEV.open(encoding="utf-8") as f:
        records = [r for r in map(json.loads, f) if r["id"] in wanted]
    assert len(records) == len(DEV_IDS)
    return records


@pytest.fixture
def dev_files(tmp_path, dev_subset):
    preds = [p for r in dev_subset for p in imperfect_predictions(r)]
    preds.append({"id": "not-in-gold", "text": "anything", "speaker": None, "kind": "direct"})
    gold = write_jsonl(tmp_path / "gold.jsonl", dev_subset)
    pred = write_jsonl(tmp_path / "pred.jsonl", preds)
    return gold, pred, dev_subset, preds


def test_direct_figures_equal_the_reference(dev_files):
    gold_path, pred_path, gold, preds = dev_files
    expected = reference_figures(gold_path, pred_path, "--only-kind", "direct")
    ours = summary(score(gold, preds, only_kind="direct"))
    assert ours == expected
    # The predictions exercise every way of placing a prediction and every error.
    assert set(expected["diagnostics"]) >= {
        "located_by_offsets", "located_exact", "located_normalized", "located_trimmed",
        "located_anchors", "located_by_offsets_despite_text", "unlocated",
        "pred_offsets_disagree_with_text", "pred_bad_offsets", "pred_skipped_kind",
        "pred_unknown_id"}
    assert expected["unmatched_on_partial"] and expected["unmatched_on_unattributed"]
    assert 0 < expected["speaker_accuracy_strict"] < expected["speaker_accuracy"] < 1
    assert {"source_kind=none", "source_kind=pronoun", "gold_speaker=no_source"} \
        <= set(expected["speaker_by_gold"])


def test_indirect_figures_equal_the_reference(dev_files):
    gold_path, pred_path, gold, preds = dev_files
    expected = reference_figures(gold_path, pred_path, "--indirect")
    ours = summary(score([evaluate.indirect_gold(r) for r in gold], preds, "indirect"))
    assert ours == expected
    assert expected["matched"] > 0


def test_eval_command_json_equals_the_reference(dev_files):
    gold_path, pred_path, _, _ = dev_files
    result = CliRunner().invoke(eval_command, [str(gold_path), "--predictions", str(pred_path),
                                               "--json", "--errors", "3"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["direct"] == reference_figures(gold_path, pred_path, "--only-kind", "direct")
    assert out["indirect"] == reference_figures(gold_path, pred_path, "--indirect")
    assert set(out["methods"]["direct"]) == {"sieve0", "sieve1", "sieve2", "sieve9"}
    assert [len(rows) for rows in out["errors"].values()] == [3, 3, 3]


def test_eval_command_prints_the_reference_table_and_headline_last(dev_files):
    gold_path, pred_path, _, _ = dev_files
    result = CliRunner().invoke(eval_command, [str(gold_path), "--predictions", str(pred_path),
                                               "--errors", "2"])
    assert result.exit_code == 0, result.output
    reference = subprocess.run(
        [sys.executable, str(REFERENCE), str(gold_path), str(pred_path), "--only-kind", "direct"],
        capture_output=True, text=True, timeout=60).stdout
    ours = result.output.splitlines()
    # Every line of the reference table below its title appears as is.
    ref_lines = reference.splitlines()[1:]
    start = ours.index(ref_lines[0])
    assert ours[start:start + len(ref_lines)] == ref_lines
    assert "Direct predictions by method" in ours
    assert "Errors: missed gold quotes (longest first)" in ours
    headline = ours[-8:]
    assert headline[0].startswith("== gold.jsonl: 8 articles")
    assert headline[1].startswith("quotes (direct)")
    assert headline[-2].startswith("indirect") and headline[-1].startswith("indirect speaker")


# ------------------------------------------------------------------ matching rules


def test_spans_match_from_half_the_shorter_span():
    assert eligible((5, 15), (0, 10)) == (True, 0.5, 5)
    assert not eligible((6, 16), (0, 10))[0]
    assert eligible((90, 110), (0, 100))[0]  # 10 of the shorter 20
    assert not eligible((91, 111), (0, 100))[0]
    assert not eligible((0, 0), (0, 10))[0]


def test_matching_is_one_to_one_best_overlap_first():
    # One prediction over two gold quotes: both fit wholly; the earlier gold quote wins.
    assert match_spans([(0, 20)], [(0, 10), (10, 20)]) == {0: 0}
    # Two predictions on one gold quote: the larger overlap wins, the other stays unmatched.
    assert match_spans([(2, 10), (0, 12)], [(0, 10)]) == {1: 0}
    # Greedy, not optimal: the best pair is taken even when it leaves another unmatched.
    assert match_spans([(0, 10), (4, 12)], [(4, 12), (0, 8)]) == {1: 0, 0: 1}
    assert match_spans([(0, 10)], [(0, 10), (3, 10)]) == {0: 0}
    assert match_spans([None, (30, 40)], [(0, 10)]) == {}


def tiny_gold(text, quotes, others=()):
    return {"id": "a", "text": text, "other_quotes": list(others),
            "direct_quotes": [{"start": text.index(q), "end": text.index(q) + len(q),
                               "text": q, "source": "Jane Roe", "source_resolved": "Jane Roe",
                               "source_kind": "name", "source_head": "Roe",
                               "source_resolved_head": "Roe", "source_resolved_is_name": True}
                              for q in quotes]}


def test_duplicates_and_partial_quotes_count_against_precision():
    text = 'Jane Roe said "we will win this one." She called it "a disaster" twice.'
    gold = tiny_gold(text, ["we will win this one."],
                     [{"start": 53, "end": 63, "kind": "partial", "text": "a disaster"}])
    preds = [{"id": "a", "text": "we will win this one.", "speaker": "Roe"},
             {"id": "a", "text": "we will win this one.", "speaker": "Roe"},
             {"id": "a", "text": "a disaster", "speaker": "Roe"}]
    res = summary(score([gold], preds))
    assert (res["matched"], res["precision"], res["recall"]) == (1, 1 / 3, 1.0)
    assert (res["unmatched_on_partial"], res["precision_excl_partial"]) == (1, 0.5)
    assert res["diagnostics"]["located_exact"] == 3
    assert (res["speaker_accuracy"], res["e2e_f1"]) == (1.0, 0.5)


def test_locate_takes_the_first_occurrence_not_taken():
    article = 'He said "yes" and then "yes" again.'
    assert locate(article, "yes", set()) == ((9, 12), "exact")
    assert locate(article, "yes", {(9, 12)}) == ((24, 27), "exact")
    assert locate(article, "yes", {(9, 12), (24, 27)}) == ((9, 12), "exact")
    assert locate(article, "  ", set()) == (None, "empty")
    assert locate(article, "no", set()) == (None, "unlocated")


def test_locate_normalises_quotes_case_and_space():
    article = "''Go  home,'' he said.\n\nThen ‘maybe’ not."
    # '' counts as one double quote; the span ends after both apostrophes.
    assert locate(article, '"go home,"', set()) == ((0, 13), "normalized")
    assert locate(article, "“Maybe”", set()) == ((30, 35), "trimmed")
    long_quote = ("We are going to build the wall, and we will make Mexico pay for it, "
                  "believe me, every single dollar of it.")
    garbled = long_quote[:40] + "####" + long_quote[44:]
    assert locate("Intro. " + long_quote + " End.", garbled, set()) == \
        ((7, 7 + len(long_quote)), "anchors")


def test_offsets_are_used_when_the_text_agrees():
    gold = tiny_gold('Jane Roe said "we will win this one." Then left.', ["we will win this one."])
    preds = [{"id": "a", "text": '"we will win this one."', "start": 14, "end": 37},
             {"id": "a", "text": "nowhere", "start": 38, "end": 48}]
    res = summary(score([gold], preds))
    assert res["diagnostics"] == {"located_by_offsets": 1, "located_by_offsets_despite_text": 1,
                                  "pred_lines": 2, "pred_offsets_disagree_with_text": 1}
    assert res["matched"] == 1


# ------------------------------------------------------------------ speakers


def test_speaker_core_examples_from_the_reference_header():
    assert core("Chad Bown, an expert at the Peterson Institute") == "Chad Bown"
    assert core("Sen. Tammy Baldwin of Wisconsin") == "Sen. Tammy Baldwin"
    assert core("Secretary of State John Kerry") == "Secretary of State John Kerry"
    assert core("Sen. Lindsey Graham (R-SC)").split() == ["Sen.", "Lindsey", "Graham"]
    assert last_name("Sen. Tammy Baldwin of Wisconsin") == "baldwin"
    assert last_name("Martin Luther King Jr.") == "king"
    assert last_name("Trump’s") == "trump"
    assert last_name("he") is None


def gold_quote(source, resolved=None, head=None, resolved_head=None, is_name=True):
    return {"source": source, "source_resolved": resolved or source, "source_head": head,
            "source_resolved_head": resolved_head or head, "source_resolved_is_name": is_name}


def test_speaker_lenient_and_strict():
    baldwin = gold_quote("Sen. Tammy Baldwin of Wisconsin", head="Baldwin")
    assert speaker_correct("Baldwin", baldwin) == (True, True)
    assert speaker_correct("Tammy Smith", baldwin) == (True, False)  # shares a first name
    assert speaker_correct("Wisconsin", baldwin) == (False, False)  # cut off the core
    assert speaker_correct(None, baldwin) == (False, False)
    pronoun = gold_quote("he", "Donald Trump", head="he", resolved_head="Trump")
    assert speaker_correct("Donald J. Trump", pronoun) == (True, True)
    # A spokesman has no last name: lenient can match the name after "for", strict cannot.
    spokesman = gold_quote("a spokesman for Trump", head="spokesman", is_name=False)
    assert gold_last_names(spokesman) == set()
    assert speaker_correct("Donald Trump", spokesman) == (True, False)


def test_speaker_without_names_needs_the_same_words_and_not_a_pronoun():
    assert speaker_lenient("The campaign", ["the campaign"])
    assert not speaker_lenient("the campaign", ["the Clinton campaign"])
    assert not speaker_lenient("he", ["he"])
    assert speaker_correct("he", gold_quote("he", head="he", is_name=False)) == (False, False)


def test_quotes_without_a_gold_source_want_no_speaker():
    no_source = gold_quote(None, head=None)
    assert speaker_correct(None, no_source) == (True, True)
    assert speaker_correct("  ", no_source) == (True, True)
    assert speaker_correct("Trump", no_source) == (False, False)


# ------------------------------------------------------------------ running the extractor


@pytest.fixture
def small_gold(tmp_path):
    text = 'Jane Roe said "we will win this one." An official said "nothing is decided."'
    first = tiny_gold(text, ["we will win this one.", "nothing is decided."])
    second = {**tiny_gold("No quotes here.", []), "id": "b", "title": "B", "publisher": "nyt"}
    return write_jsonl(tmp_path / "gold.jsonl", [first, second])


seen = []  # the articles fake_extract was given


def fake_extract(article):
    """Stands in for the extractor: every double-quoted stretch, Jane Roe for the first."""
    quotes, pos = [], 0
    while (s := article.body.find('"', pos)) != -1:
        e = article.body.index('"', s + 1)
        named = not quotes
        quotes.append(Quote(text=article.body[s + 1:e], kind="direct", start=s + 1, end=e,
                            paragraph=0, speaker="Jane Roe" if named else None,
                            speaker_text="Roe" if named else "An official",
                            cue="said", method="cue_after" if named else "anonymous",
                            confidence=0.9 if named else 0.4))
        pos = e + 1
    seen.append(article)
    return Extraction(quotes=quotes)


def test_predict_runs_the_extractor_on_each_gold_article(monkeypatch, small_gold):
    seen.clear()
    monkeypatch.setattr(evaluate, "extract_article", fake_extract)
    preds = list(evaluate.predict(str(small_gold)))
    assert preds == [
        {"id": "a", "text": "we will win this one.", "speaker": "Jane Roe", "kind": "direct",
         "start": 15, "end": 36, "method": "cue_after", "confidence": 0.9, "cue": "said"},
        {"id": "a", "text": "nothing is decided.", "speaker": None, "kind": "direct",
         "start": 56, "end": 75, "method": "anonymous", "confidence": 0.4, "cue": "said"},
    ]
    assert [(a.source, a.source_id, a.title, a.publisher) for a in seen] == [
        (f"{small_gold}:1", "a", None, None), (f"{small_gold}:2", "b", "B", "nyt")]
    assert len(list(evaluate.predict(str(small_gold), limit=1))) == 2


def test_eval_command_saves_and_rescores_the_extractor_predictions(monkeypatch, tmp_path,
                                                                    small_gold):
    monkeypatch.setattr(evaluate, "extract_article", fake_extract)
    saved = tmp_path / "pred.jsonl"
    runner = CliRunner()
    result = runner.invoke(eval_command, [str(small_gold), "--save-predictions", str(saved),
                                          "--json"])
    assert result.exit_code == 0, result.output
    direct = json.loads(result.output)["direct"]
    assert (direct["matched"], direct["speaker_correct"], direct["e2e_f1"]) == (2, 1, 0.5)
    assert json.loads(result.output)["methods"]["direct"]["anonymous"] == {
        "count": 1, "matched": 1, "precision": 1.0, "speaker_accuracy": 0.0,
        "speaker_accuracy_strict": 0.0}
    assert len(saved.read_text().splitlines()) == 2
    rescored = runner.invoke(eval_command, [str(small_gold), "--predictions", str(saved),
                                            "--json"])
    assert json.loads(rescored.output)["direct"] == direct
    from_stdin = runner.invoke(eval_command, [str(small_gold), "--predictions", "-", "--json"],
                               input=saved.read_text())
    assert json.loads(from_stdin.output)["direct"] == direct
    if REFERENCE.exists():
        assert reference_figures(small_gold, saved, "--only-kind", "direct") == direct


def test_eval_command_errors_show_context_and_speakers(monkeypatch, small_gold):
    monkeypatch.setattr(evaluate, "extract_article", fake_extract)
    result = CliRunner().invoke(eval_command, [str(small_gold), "--errors", "5", "--limit", "1"])
    assert result.exit_code == 0, result.output
    assert ("Errors: wrong speakers, lenient (most confident first)\n"
            "  a: e will win this one.\" An official said \"[[nothing is decided.]]\"\n"
            "      gold 'Jane Roe', predicted None (anonymous, confidence 0.40)\n") in result.output
    assert "Errors: missed gold quotes (longest first)\n  (none)\n" in result.output
    assert "== gold.jsonl: 1 articles, 2 gold direct quotes ==" in result.output


def test_eval_command_user_errors(tmp_path, small_gold):
    runner = CliRunner()
    both = runner.invoke(eval_command, [str(small_gold), "--predictions", str(small_gold),
                                        "--save-predictions", str(tmp_path / "x")])
    assert both.exit_code == 2
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a"}\nnot json\n')
    result = runner.invoke(eval_command, [str(small_gold), "--predictions", str(bad)])
    assert result.exit_code == 1
    assert "bad.jsonl line 2" in result.output
