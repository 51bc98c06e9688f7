"""Score a loaded database against record-level gold: statements, speakers, dates,
claims and entities, as a user browsing the database meets them.

`quotes eval-records GOLD_DIR INPUT_DIR` prints the figures of
`../shared/tools/score_records.py` (the reference scorer), whose docstring specifies
every matching rule; the gold format is its folder's GUIDE.md. The figures must agree
to the last digit, so the order rows are read in, the tie-breaking and the rounding
follow the reference exactly. The name rule (a shared name token, `speaker_lenient`)
is the one `quotes eval` already reproduces from score_polnear.py, which the
reference imports.

Inputs are loaded the way `quotes load` loads them, in this process, into a fresh
temporary database unless --db names one.
"""
from __future__ import annotations

import json
import re
import sqlite3
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import click

from quotes import wordlists
from quotes.evaluate import normalise_with_map, speaker_lenient
from quotes.load import LoadSummary, load_paths

Span = tuple[int, int]

MIN_OVERLAP = 0.5  # of the shorter span
STATEMENT_KINDS = ("direct", "partial", "indirect")
CLAIM_KINDS = ("no_comment", "role", "event", "plan")
# The input fields the reference writes to its JSON lines file for `quotes load`.
INPUT_FIELDS = ("id", "title", "text", "published", "publisher", "url")
# An alias starting with one of these is junk: "But Mr Blair", "On Wednesday Mr Blair".
FUNCTION_WORDS = wordlists.words("scoring.txt", "function_word")
WORD_RE = re.compile(r"\w+")


@dataclass
class Tally:
    """Counts and error examples, by kind, in the order the reference meets them."""

    counts: Counter = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def note(self, kind: str, example: str) -> None:
        """Keep one example of an error of this kind."""
        self.examples[kind].append(example)

    def add(self, other: Tally, prefix: str) -> None:
        """Fold one article's tally in, its examples labelled with the article id."""
        self.counts.update(other.counts)
        for kind, lines in other.examples.items():
            self.examples[kind].extend(f"{prefix}: {line}" for line in lines)


# ------------------------------------------------------------------ reading


def read_dir(folder: str | Path) -> dict[str, dict]:
    """The JSON records of a folder by their "id", read in file-name order (a later
    file with the same id replaces the earlier one but keeps its place)."""
    records: dict[str, dict] = {}
    for path in sorted(Path(folder).glob("*.json")):
        record = json.loads(path.read_text())
        records[record["id"]] = record
    return records


def write_inputs(path: Path, inputs: dict[str, dict], ids: list[str]) -> None:
    """The articles to load as one JSON lines file, with the fields the reference keeps."""
    with open(path, "w") as handle:
        for aid in ids:
            handle.write(json.dumps({k: inputs[aid].get(k) for k in INPUT_FIELDS}) + "\n")


def load_inputs(db_path: str | Path, inputs: dict[str, dict], ids: list[str], folder: Path) -> LoadSummary:
    """Load the scored articles into db_path as `quotes load FILE --db DB` would: same
    loader, same default limits, corpus refresh at the end. Returns its LoadSummary."""
    source = folder / "records.jsonl"
    write_inputs(source, inputs, ids)
    return load_paths(db_path, [str(source)])


# ------------------------------------------------------------------ spans and names


def locate(body: str, text: str, taken: set[Span]) -> Span | None:
    """Where a gold text sits in the body: the first exact occurrence not taken by an
    earlier gold statement, else the first whitespace/quote-normalised one."""
    i = body.find(text)
    while i >= 0 and (i, i + len(text)) in taken:
        i = body.find(text, i + 1)
    if i >= 0:
        return i, i + len(text)
    normal_body, origin = normalise_with_map(body)
    needle = normalise_with_map(text)[0].strip()
    j = normal_body.find(needle) if needle else -1
    if j < 0:
        return None
    return origin[j], origin[j + len(needle) - 1] + 1


def overlap(a: Span, b: Span) -> float:
    """Shared characters as a share of the shorter span (0.0 when disjoint)."""
    shared = min(a[1], b[1]) - max(a[0], b[0])
    if shared <= 0:
        return 0.0
    return shared / max(1, min(a[1] - a[0], b[1] - b[0]))


def same_name(pred: str | None, gold: str | None, aliases: dict[str, list[str]] | None = None) -> bool:
    """`pred` shares a name token with `gold` or one of its aliases (lenient rule)."""
    if not pred or not gold:
        return False
    return speaker_lenient(pred, [gold, *(aliases or {}).get(gold, [])])


# ------------------------------------------------------------------ statements


def located_gold(body: str, quotes: list[dict], tally: Tally) -> list[tuple[Span, dict]]:
    """Each gold statement with its span; one the body does not hold is counted apart."""
    located, taken = [], set()
    for g in quotes:
        span = locate(body, g["text"], taken)
        if span is None:
            tally.counts["gold_unlocated"] += 1
            tally.note("gold_unlocated", g["text"][:80])
            continue
        taken.add(span)
        located.append((span, g))
    return located


def candidate_pairs(rows: list[dict], golds: list[tuple[Span, dict]]) -> list[tuple[int, int]]:
    """(row, gold) index pairs overlapping by half the shorter span, best first: by
    overlap, then by the tightest fit (overlap over union), then row and gold order."""
    scored = []
    for pi, r in enumerate(rows):
        for gi, (span, _) in enumerate(golds):
            ov = overlap((r["start"], r["end"]), span)
            if ov >= MIN_OVERLAP:
                shorter = min(r["end"] - r["start"], span[1] - span[0])
                union = max(r["end"], span[1]) - min(r["start"], span[0])
                scored.append((-ov, -(ov * shorter / max(1, union)), pi, gi))
    scored.sort(key=lambda t: t[:2])  # stable: equals stay in row, then gold, order
    return [(pi, gi) for _, _, pi, gi in scored]


def match_statements(rows: list[dict], golds: list[tuple[Span, dict]]) -> tuple[dict[int, int], set[int]]:
    """One-to-one matching ({gold index: row index}) and the redundant rows: unmatched
    rows overlapping a matched gold statement (the same words stored twice)."""
    pairs = candidate_pairs(rows, golds)
    match: dict[int, int] = {}
    used_rows: set[int] = set()
    for pi, gi in pairs:
        if pi not in used_rows and gi not in match:
            used_rows.add(pi)
            match[gi] = pi
    redundant = {pi for pi, gi in pairs if pi not in used_rows and gi in match}
    return match, redundant


def check_speaker(g: dict, r: dict, aliases: dict[str, list[str]], tally: Tally) -> None:
    """Anonymous gold wants no speaker entity; a named one a name token in common."""
    gs = g.get("speaker")
    ok = not r["speaker_id"] if not gs else same_name(r["speaker_name"], gs, aliases)
    tally.counts["speaker_right"] += ok
    if gs:
        tally.counts["speaker_named_gold"] += 1
        tally.counts["speaker_named_right"] += ok
    if not ok:
        tally.note("wrong_speaker", f"{g['text'][:70]!r}: gold {gs or g.get('speaker_text')!r}, "
                                    f"got {r['speaker_name'] or r['speaker_text']!r}")


def check_date(g: dict, r: dict, published: str | None, tally: Tally) -> None:
    """A stated gold date must prefix said_on; where none is stated, said_on may only be
    empty or the publication date (anything else is invented)."""
    gold_date, said_on = g.get("said_on"), r.get("said_on") or ""
    if gold_date:
        tally.counts["date_gold"] += 1
        if said_on.startswith(str(gold_date)):
            tally.counts["date_right"] += 1
        else:
            tally.note("wrong_date", f"{g['text'][:60]!r}: gold {gold_date}, got {said_on or None}")
        return
    tally.counts["date_none"] += 1
    if said_on and said_on != (published or ""):
        tally.counts["date_invented"] += 1
        tally.note("invented_date", f"{g['text'][:60]!r}: got {said_on} ({r.get('date_text')!r})")


def score_statements(db: sqlite3.Connection, article: dict, gold: dict, published: str | None,
                     aliases: dict[str, list[str]], tally: Tally) -> None:
    """Match the article's quote rows to its gold statements; check speaker and date."""
    rows = [dict(r) for r in db.execute(
        "select q.*, e.kind as speaker_kind from quotes q left join entities e on e.id = q.speaker_id "
        "where article_id = ? order by start", (article["id"],))]
    golds = located_gold(article["body"] or "", gold.get("quotes", []), tally)
    match, redundant = match_statements(rows, golds)
    counts = tally.counts
    counts.update(gold=len(golds), pred=len(rows), redundant=len(redundant), matched=len(match))
    for gi, (_, g) in enumerate(golds):
        kind = g["kind"]
        counts[f"gold_{kind}"] += 1
        if gi not in match:
            counts[f"missed_{kind}"] += 1
            tally.note("missed", f"[{kind}] {g.get('speaker') or g.get('speaker_text')}: {g['text'][:90]}")
            continue
        r = rows[match[gi]]
        counts[f"kind {kind}->{r['kind']}"] += 1
        check_speaker(g, r, aliases, tally)
        check_date(g, r, published, tally)
    matched_rows = set(match.values())
    for pi, r in enumerate(rows):
        if pi not in matched_rows and pi not in redundant:
            counts[f"spurious_{r['kind']}"] += 1
            tally.note("spurious", f"[{r['kind']}] {r['speaker_name'] or r['speaker_text']}: {r['text'][:90]}")


# ------------------------------------------------------------------ claims


def role_head_missing(gold_claim: dict, claim: dict) -> bool:
    """A role claim must hold the head word (last word) of the gold title in its object."""
    if gold_claim["kind"] != "role" or not gold_claim.get("title"):
        return False
    head = WORD_RE.findall(gold_claim["title"].lower())[-1:]
    return bool(head) and head[0] not in WORD_RE.findall((claim.get("object") or "").lower())


def find_claim(gold_claim: dict, claims: list[dict], used: set[int],
               aliases: dict[str, list[str]]) -> int | None:
    """The unused claim of the same kind whose text holds the gold snippet (or lies in
    it): the first with the right subject, else the last such candidate."""
    snippet = gold_claim.get("text_contains") or ""
    best = None
    for ci, c in enumerate(claims):
        if ci in used or c["kind"] != gold_claim["kind"]:
            continue
        text = c["text"] or ""
        if not snippet or (snippet not in text and text not in snippet):
            continue
        if role_head_missing(gold_claim, c):
            continue
        best = ci
        if subject_right(gold_claim, c, aliases):
            break
    return best


def subject_right(gold_claim: dict, claim: dict, aliases: dict[str, list[str]]) -> bool:
    """Any subject will do when the gold has none."""
    return not gold_claim.get("subject") or same_name(claim.get("subject_name"), gold_claim["subject"], aliases)


def score_claims(db: sqlite3.Connection, article_id: str, gold: dict,
                 aliases: dict[str, list[str]], tally: Tally) -> None:
    """Find each gold claim among the article's claims, one to one, and its subject."""
    claims = [dict(r) for r in db.execute("select * from claims where article_id = ?", (article_id,))]
    counts, used = tally.counts, set()
    for gc in gold.get("claims", []):
        kind = gc["kind"]
        counts[f"claim_gold_{kind}"] += 1
        ci = find_claim(gc, claims, used, aliases)
        if ci is None:
            tally.note("claim_missed", f"{kind} {gc.get('subject')}: {gc.get('text_contains') or ''}")
            continue
        used.add(ci)
        counts[f"claim_found_{kind}"] += 1
        if subject_right(gc, claims[ci], aliases):
            counts[f"claim_right_{kind}"] += 1
        else:
            tally.note("claim_wrong_subject", f"{kind} gold {gc.get('subject')!r}, "
                                              f"got {claims[ci].get('subject_name')!r}: "
                                              f"{gc.get('text_contains') or ''}")
    for ci, c in enumerate(claims):
        counts[f"claim_pred_{c['kind']}"] += 1
        if ci not in used:
            tally.note("claim_spurious", f"{c['kind']} {c.get('subject_name')}: {(c['text'] or '')[:90]}")


# ------------------------------------------------------------------ entities


def article_entities(db: sqlite3.Connection, article_id: str) -> dict[int, dict]:
    """The entities a user meets on the article: speakers, claim subjects, role
    organisations."""
    return {r["id"]: dict(r) for r in db.execute(
        "select e.id, e.name, e.kind from entities e where e.id in ("
        " select speaker_id from quotes where article_id = :a union select subject_id from claims where article_id = :a"
        " union select organization_id from claims where article_id = :a)", {"a": article_id})}


def names_entity(name: str, gold_entity: dict) -> bool:
    """A database name matches a gold entity by its name or any one of its aliases."""
    return same_name(name, gold_entity["name"]) or any(
        same_name(name, alias) for alias in gold_entity.get("aliases", []))


def score_entities(db: sqlite3.Connection, article_id: str, gold: dict, tally: Tally) -> None:
    """Gold entities found (and of the right kind), database entities matching none,
    and aliases that begin with a function word."""
    ents = article_entities(db, article_id)
    counts, matched = tally.counts, set()
    for ge in gold.get("entities", []):
        hits = [e for e in ents.values() if names_entity(e["name"], ge)]
        counts["ent_gold"] += 1
        if not hits:
            continue
        counts["ent_found"] += 1
        matched.update(e["id"] for e in hits)
        if any(e["kind"] == ge["kind"] for e in hits):
            counts["ent_kind_right"] += 1
        else:
            tally.note("entity_kind", f"{ge['name']}: gold {ge['kind']}, got {hits[0]['kind']}")
    for e in ents.values():
        counts["ent_pred"] += 1
        if e["id"] not in matched:
            counts["ent_spurious"] += 1
            tally.note("entity_spurious", f"{e['name']} ({e['kind']})")
    if not ents:
        return
    marks = ",".join("?" * len(ents))
    for (alias,) in db.execute(f"select alias from aliases where entity_id in ({marks})", list(ents)):
        counts["aliases"] += 1
        words = alias.split()
        if words and words[0].lower() in FUNCTION_WORDS:
            counts["aliases_junk"] += 1
            tally.note("junk_alias", alias)


# ------------------------------------------------------------------ articles and totals


def score_article(db: sqlite3.Connection, article: dict, gold: dict, published: str | None) -> Tally:
    """Statements, claims and entities of one database article against its gold."""
    tally = Tally()
    aliases = {e["name"]: e.get("aliases", []) for e in gold.get("entities", [])}
    score_statements(db, article, gold, published, aliases, tally)
    score_claims(db, article["id"], gold, aliases, tally)
    score_entities(db, article["id"], gold, tally)
    return tally


def score_database(db_path: str | Path, gold: dict[str, dict], inputs: dict[str, dict],
                   ids: list[str]) -> tuple[Tally, list[str]]:
    """The tally over every gold article found in the database (by its source_id), and
    the ids of those it does not hold."""
    total, missing = Tally(), []
    db = sqlite3.connect(db_path)
    db.row_factory = sqlite3.Row
    try:
        for aid in ids:
            row = db.execute("select * from articles where source_id = ?", (aid,)).fetchone()
            if row is None:
                missing.append(aid)
                continue
            total.add(score_article(db, dict(row), gold[aid], inputs[aid].get("published")), aid)
    finally:
        db.close()
    return total, missing


def ratio(a: int, b: int) -> float | None:
    """a / b to three places; None when b is 0 (nothing to measure)."""
    return round(a / b, 3) if b else None


def f1(p: float | None, r: float | None) -> float:
    """Harmonic mean of two rounded figures (0.0 when either is missing or zero)."""
    p, r = p or 0, r or 0
    return round(2 * p * r / (p + r), 3) if p and r else 0.0


def summarise(t: Counter) -> dict:
    """Every figure, under the reference scorer's JSON keys and in its key order."""
    rows = t["pred"] - t["redundant"]
    p, r = ratio(t["matched"], rows), ratio(t["matched"], t["gold"])
    statements = {"gold": t["gold"], "rows": t["pred"], "redundant_rows": t["redundant"],
                  "matched": t["matched"], "precision": p, "recall": r, "f1": f1(p, r)}
    for kind in STATEMENT_KINDS:
        statements[f"recall_{kind}"] = ratio(t[f"gold_{kind}"] - t[f"missed_{kind}"], t[f"gold_{kind}"])
        statements[f"spurious_{kind}"] = t[f"spurious_{kind}"]
    speaker = {"accuracy": ratio(t["speaker_right"], t["matched"]),
               "accuracy_named": ratio(t["speaker_named_right"], t["speaker_named_gold"]),
               "e2e_precision": ratio(t["speaker_right"], rows),
               "e2e_recall": ratio(t["speaker_right"], t["gold"])}
    speaker["e2e_f1"] = f1(speaker["e2e_precision"], speaker["e2e_recall"])
    return {
        "statements": statements,
        "kind_confusion": {k[len("kind "):]: v for k, v in sorted(t.items()) if k.startswith("kind ")},
        "speaker": speaker,
        "said_on": {"stated": t["date_gold"], "right": ratio(t["date_right"], t["date_gold"]),
                    "not_stated": t["date_none"], "invented": t["date_invented"],
                    "invented_rate": ratio(t["date_invented"], t["date_none"])},
        "claims": {kind: claim_figures(t, kind) for kind in CLAIM_KINDS},
        "entities": {"gold": t["ent_gold"], "found": ratio(t["ent_found"], t["ent_gold"]),
                     "kind_right": ratio(t["ent_kind_right"], t["ent_found"]),
                     "spurious_rate": ratio(t["ent_spurious"], t["ent_pred"]),
                     "junk_alias_rate": ratio(t["aliases_junk"], t["aliases"])},
        "gold_unlocated": t["gold_unlocated"],
    }


def claim_figures(t: Counter, kind: str) -> dict:
    """Precision and recall of one claim kind, found at all and with the right subject."""
    gold, found, right, pred = (t[f"claim_{what}_{kind}"] for what in ("gold", "found", "right", "pred"))
    return {"gold": gold, "pred": pred, "recall": ratio(found, gold), "precision": ratio(found, pred),
            "with_subject_recall": ratio(right, gold), "with_subject_precision": ratio(right, pred)}


def evaluate_records(gold_dir: str | Path, input_dir: str | Path, db_path: str | Path | None = None,
                     on_load: Callable[[LoadSummary], None] | None = None,
                     ) -> tuple[dict, dict[str, list[str]]]:
    """The reference's JSON summary for the gold articles that have an input, and every
    error example by kind. The inputs are loaded first into db_path when it is missing
    (and kept there), or into a temporary database when none is given; an existing
    db_path is only read, so a database already loaded is scored as it is. `on_load`
    is given the load's summary (failed articles are scored as missing, not fatal)."""
    gold, inputs = read_dir(gold_dir), read_dir(input_dir)
    ids = [aid for aid in gold if aid in inputs]
    with tempfile.TemporaryDirectory(prefix="quotes-eval-records-") as tmp:
        if not db_path or not Path(db_path).exists():
            db_path = db_path or Path(tmp) / "records.db"
            loaded = load_inputs(db_path, inputs, ids, Path(tmp))
            if on_load:
                on_load(loaded)
        tally, missing = score_database(db_path, gold, inputs, ids)
    result = summarise(tally.counts)
    result["articles"] = len(ids) - len(missing)
    result["articles_missing"] = missing
    return result, tally.examples


# ------------------------------------------------------------------ report


def format_summary(s: dict) -> list[str]:
    """The reference's table, line for line."""
    st, sp, d, e = s["statements"], s["speaker"], s["said_on"], s["entities"]
    lines = [
        f"articles {s['articles']} (missing {len(s['articles_missing'])}); gold statements {st['gold']}, "
        f"rows {st['rows']} ({st['redundant_rows']} redundant)",
        f"statements  P {st['precision']}  R {st['recall']}  F1 {st['f1']}   recall direct "
        f"{st['recall_direct']} partial {st['recall_partial']} indirect {st['recall_indirect']}",
        f"speaker     accuracy {sp['accuracy']} (named {sp['accuracy_named']})   end-to-end F1 {sp['e2e_f1']}",
        f"said_on     right {d['right']} of {d['stated']} stated;  invented on {d['invented']} of "
        f"{d['not_stated']} unstated",
    ]
    lines += [f"claims {kind:<11} gold {c['gold']:>3} pred {c['pred']:>3}  P {c['precision']}  R {c['recall']}  "
              f"with subject P {c['with_subject_precision']} R {c['with_subject_recall']}"
              for kind, c in s["claims"].items()]
    lines.append(f"entities    found {e['found']} kind right {e['kind_right']}  spurious {e['spurious_rate']}  "
                 f"junk aliases {e['junk_alias_rate']}")
    lines.append("kinds (gold->row): " + ", ".join(f"{k} {v}" for k, v in s["kind_confusion"].items()))
    return lines


def format_examples(examples: dict[str, list[str]], n: int) -> list[str]:
    """Each kind of error with how many there were in all, then its first `n`
    examples, as the reference's --show prints them."""
    lines = []
    for kind, rows in examples.items():
        lines += ["", f"== {kind} ({len(rows)})"] + [f"   {row}" for row in rows[:n]]
    return lines


def echo_load(summary: LoadSummary) -> None:
    """What the load did, on stderr as `quotes load` says it, so stdout stays the report."""
    for source, message in summary.failures:
        click.echo(f"Error: {source}: {message}", err=True)
    click.echo(summary.line(), err=True)


def report(gold_dir: str | Path, input_dir: str | Path, db_path: str | Path | None = None,
           errors: int = 0, as_json: bool = False) -> str:
    """What `quotes eval-records` prints: the reference's JSON (with "examples" when
    `errors`), or its table followed by `errors` examples of each kind of error."""
    result, examples = evaluate_records(gold_dir, input_dir, db_path, on_load=echo_load)
    if as_json:
        if errors:
            result["examples"] = {kind: rows[:errors] for kind, rows in examples.items()}
        return json.dumps(result, indent=1)
    lines = format_summary(result)
    if errors:
        lines += format_examples(examples, errors)
    return "\n".join(lines)
