"""Score quote extraction and speaker attribution against PolNeAR gold files.

`quotes eval GOLD.jsonl` runs the extractor over every gold article and prints the
figures that `../shared/tools/score_polnear.py` (the reference scorer) prints for the
same predictions with `--only-kind direct`, then the same figures for reported speech
(the reference's `--indirect`). The matching rules below follow the header of that
script, which is their specification; the figures must agree to the last digit, so
tie-breaking, normalisation and word lists are reproduced exactly.

A prediction is a dict: {"id", "text", "speaker", "kind"?, "start"?, "end"?} plus
anything else ("method", "confidence", "cue" are used for the reports).
"""
from __future__ import annotations

import json
import os
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

import click

from quotes import wordlists
from quotes.extract import extract_article
from quotes.model import Article

Span = tuple[int, int]

MIN_OVERLAP = 0.5  # of the shorter span
ANCHOR = 30  # characters at each end of a text searched by its anchors

# Quote marks trimmed from the ends of a predicted text before searching for it.
QUOTE_MARKS = "\"“”„‟«»'‘’`"
# What normalisation unifies: double quotes, single quotes, dashes.
UNIFY = str.maketrans({
    "“": '"', "”": '"', "„": '"', "‟": '"', "«": '"', "»": '"',
    "‘": "'", "’": "'", "`": "'",
    "—": "-", "–": "-", "―": "-",
})

# Words that never count as name tokens of a speaker.
STOPWORDS = wordlists.words("scoring.txt", "speaker_stop")
SUFFIXES = wordlists.words("scoring.txt", "suffix")
# A speaker made only of these words ("he", "the") never matches by whole-string equality.
PRONOUNS = wordlists.words("scoring.txt", "whole_pronoun")

TOKEN_RE = re.compile(r"[^\W_]+(?:['\-][^\W_]+)*")
BRACKETS_RE = re.compile(r"\([^)]*\)|\[[^\]]*\]")
# Where a speaker string may be cut once a name token precedes it.
CUT_RE = re.compile(
    r",|\s--\s|\s-\s|\s—|—\s|\s(?:" + "|".join(wordlists.lines("scoring.txt", "speaker_cut")) + r")\b", re.I
)


# ------------------------------------------------------------------ reading and predicting


def read_jsonl(path: str) -> Iterator[tuple[int, dict]]:
    """(line number, record) for each non-blank line of a JSON lines file ("-": stdin)."""
    with click.open_file(path, encoding="utf-8") as handle:
        for lineno, line in enumerate(handle, 1):
            if line.strip():
                try:
                    yield lineno, json.loads(line)
                except json.JSONDecodeError as e:
                    raise click.ClickException(f"{path} line {lineno}: {e}") from e


def read_gold(path: str, limit: int | None = None) -> list[dict]:
    """The first `limit` (default all) gold article records of a PolNeAR file."""
    records = [record for _, record in read_jsonl(path)]
    return records if limit is None else records[:limit]


def gold_article(record: dict, source: str) -> Article:
    """The Article our extractor sees for one gold record."""
    return Article(
        body=record["text"],
        source=source,
        title=record.get("title"),
        published=record.get("published"),
        publisher=record.get("publisher"),
        author=record.get("author"),
        source_id=record["id"],
    )


def _described_speaker(quote) -> str | None:
    if quote.speaker_text and (quote.method or "").endswith("_nominal"):
        return quote.speaker_text
    return None


def predict(gold_path: str, limit: int | None = None) -> Iterator[dict]:
    """Run the extractor over each gold article (the first `limit`) and yield one
    prediction dict per quote it found. The speaker is the canonical name; for an
    unresolved description ("the announcer", "a senior official") it is that phrase as
    written, which is who the article says spoke; an unresolved pronoun stays null."""
    for n, (lineno, record) in enumerate(read_jsonl(gold_path)):
        if limit is not None and n >= limit:
            return
        source = f"{gold_path}:{lineno}"
        try:
            extraction = extract_article(gold_article(record, source))
        except Exception as e:
            e.add_note(f"while extracting quotes from {source} ({record['id']})")
            raise
        for quote in extraction.quotes:
            yield {
                "id": record["id"],
                "text": quote.text,
                "speaker": quote.speaker or _described_speaker(quote),
                "kind": quote.kind,
                "start": quote.start,
                "end": quote.end,
                "method": quote.method,
                "confidence": quote.confidence,
                "cue": quote.cue,
            }


# ------------------------------------------------------------------ where a prediction sits


@lru_cache(maxsize=8)
def normalise_with_map(text: str) -> tuple[str, tuple[int, ...]]:
    """Normalised text and, for each of its characters, the index in `text` it came from.
    Quotes and dashes unified, '' -> ", white space runs -> one space, lower case."""
    chars: list[str] = []
    origin: list[int] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            if chars and chars[-1] != " ":
                chars.append(" ")
                origin.append(i)
            while i < n and text[i].isspace():
                i += 1
            continue
        origin.append(i)
        if text.startswith("''", i):
            chars.append('"')
            i += 2
            continue
        unified = ch.translate(UNIFY)
        lower = unified.lower()
        chars.append(lower if len(lower) == 1 else unified)
        i += 1
    return "".join(chars), tuple(origin)


def norm(text: str) -> str:
    """The normalised form of `text`, without surrounding spaces."""
    return normalise_with_map(text)[0].strip()


def trim_marks(text: str) -> str:
    """`text` without quote marks or white space at its ends."""
    return text.strip().strip(QUOTE_MARKS + " ").strip()


def occurrences(haystack: str, needle: str) -> Iterator[int]:
    """Every index where `needle` starts in `haystack`, overlapping ones included."""
    i = haystack.find(needle)
    while i != -1:
        yield i
        i = haystack.find(needle, i + 1)


def first_free(candidates: Iterable[Span], taken: set[Span]) -> Span | None:
    """The first candidate not taken yet, else the first candidate, else None."""
    candidates = list(candidates)
    free = [span for span in candidates if span not in taken]
    return (free or candidates or [None])[0]


def article_span(article: str, origin: tuple[int, ...], start: int, end: int) -> Span:
    """The article span behind the normalised span [start, end)."""
    s, e = origin[start], origin[end - 1] + 1
    if article[e - 1:e + 1] == "''":  # the last character was a '' pair
        e += 1
    return s, e


def anchored_spans(article: str, needle: str) -> list[Span]:
    """Spans that begin with the first and end with the last ANCHOR characters of the
    normalised `needle`, at most 1.5 times its length."""
    if len(needle) <= 2 * ANCHOR:
        return []
    normalised, origin = normalise_with_map(article)
    head, tail = needle[:ANCHOR], needle[-ANCHOR:]
    spans = []
    for i in occurrences(normalised, head):
        j = normalised.find(tail, i + ANCHOR)
        if j != -1 and j + ANCHOR - i <= 1.5 * len(needle):
            spans.append(article_span(article, origin, i, j + ANCHOR))
    return spans


def locate(article: str, text: str, taken: set[Span]) -> tuple[Span | None, str]:
    """Where `text` sits in `article` and how it was found: exact, normalized, trimmed,
    anchors; (None, "empty" or "unlocated") otherwise. Prefers a span not in `taken`."""
    if not text.strip():
        return None, "empty"
    span = first_free(((i, i + len(text)) for i in occurrences(article, text)), taken)
    if span:
        return span, "exact"
    normalised, origin = normalise_with_map(article)
    trimmed = norm(trim_marks(text))
    for how, needle in (("normalized", norm(text)), ("trimmed", trimmed)):
        if needle:
            spans = (article_span(article, origin, i, i + len(needle))
                     for i in occurrences(normalised, needle))
            span = first_free(spans, taken)
            if span:
                return span, how
    span = first_free(anchored_spans(article, trimmed), taken)
    if span:
        return span, "anchors"
    return None, "unlocated"


def valid_offsets(pred: dict, article: str) -> bool:
    """Whether the prediction's start/end are integers delimiting a non-empty span."""
    s, e = pred.get("start"), pred.get("end")
    return isinstance(s, int) and isinstance(e, int) and 0 <= s < e <= len(article)


def place(article: str, pred: dict, taken: set[Span], counts: Counter) -> Span | None:
    """The span of prediction `pred` in `article`: its offsets when the text there agrees,
    else where its text is found, else its offsets anyway; None when unlocated.
    Counts how each prediction was placed into `counts`."""
    text = pred.get("text") or ""
    has_offsets = valid_offsets(pred, article)
    if not has_offsets and (pred.get("start") is not None or pred.get("end") is not None):
        counts["pred_bad_offsets"] += 1
    if has_offsets:
        span = (pred["start"], pred["end"])
        if not text or trim_marks(norm(article[span[0]:span[1]])) == trim_marks(norm(text)):
            counts["located_by_offsets"] += 1
            return span
        counts["pred_offsets_disagree_with_text"] += 1
    found, how = locate(article, text, taken)
    if found:
        counts["located_" + how] += 1
        return found
    if has_offsets:
        counts["located_by_offsets_despite_text"] += 1
        return span
    counts["unlocated"] += 1
    return None


# ------------------------------------------------------------------ matching spans


def overlap(a: Span, b: Span) -> int:
    """Characters two spans share."""
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def eligible(p: Span, g: Span) -> tuple[bool, float, int]:
    """(may match, overlap / shorter length, overlap): spans may match when they share
    at least MIN_OVERLAP of the shorter one."""
    shared = overlap(p, g)
    shorter = min(p[1] - p[0], g[1] - g[0])
    if shorter <= 0:
        return False, 0.0, shared
    return shared >= MIN_OVERLAP * shorter, shared / shorter, shared


def match_spans(pred_spans: list[Span | None], gold_spans: list[Span]) -> dict[int, int]:
    """Greedy one-to-one matching, best pair first (by overlap ratio, then overlap size,
    then gold position, then prediction position). Returns {pred index: gold index}."""
    pairs = []
    for pi, p in enumerate(pred_spans):
        if p is None:
            continue
        for gi, g in enumerate(gold_spans):
            ok, ratio, shared = eligible(p, g)
            if ok:
                pairs.append((-ratio, -shared, gi, pi))
    matches: dict[int, int] = {}
    used_gold: set[int] = set()
    for _, _, gi, pi in sorted(pairs):
        if pi not in matches and gi not in used_gold:
            matches[pi] = gi
            used_gold.add(gi)
    return matches


# ------------------------------------------------------------------ speakers


def tokens(text: str | None) -> list[str]:
    """Case-folded words; apostrophes and hyphens stay inside a word."""
    text = unicodedata.normalize("NFKC", text or "").replace("’", "'").replace("‘", "'")
    return TOKEN_RE.findall(text.casefold())


def name_tokens(text: str | None) -> list[str]:
    """The words of `text` that can be part of a name (no stopwords, no single letters)."""
    return [t for t in tokens(text) if t not in STOPWORDS and len(t) > 1]


def core(speaker: str | None) -> str:
    """`speaker` without bracketed text, cut at the first comma, dash, relative pronoun
    or preposition that follows a name token ("Sen. Tammy Baldwin of Wisconsin")."""
    if not speaker:
        return ""
    speaker = BRACKETS_RE.sub(" ", speaker)
    for m in CUT_RE.finditer(speaker):
        if name_tokens(speaker[:m.start()]):
            return speaker[:m.start()]
    return speaker


def strip_possessive(token: str) -> str:
    return token[:-2] if token.endswith("'s") else token


def last_name(speaker: str | None) -> str | None:
    """The last name token of the core of `speaker` ("Sen. Tammy Baldwin" -> baldwin)."""
    names = [strip_possessive(t) for t in name_tokens(core(speaker)) if t not in SUFFIXES]
    return names[-1] if names else None


def speaker_lenient(pred: str, gold_strings: Iterable[str | None]) -> bool:
    """`pred` shares a name token with the core of one of `gold_strings`; when one side
    has no name token, their whole token lists must be equal and not bare pronouns."""
    pred_names = set(name_tokens(core(pred)))
    pred_words = tokens(pred)
    for gold in gold_strings:
        if not gold:
            continue
        gold_names = set(name_tokens(core(gold)))
        if pred_names and gold_names:
            if pred_names & gold_names:
                return True
        elif pred_words == tokens(gold) and set(pred_words) - PRONOUNS:
            return True
    return False


def gold_last_names(quote: dict) -> set[str]:
    """The gold "last names" a strict speaker must end with: the head words of
    source_resolved and source (none when a head is a title, pronoun or generic noun),
    plus the last names of their cores when the gold resolved to a proper name or
    gives no usable head."""
    names: set[str] = set()
    heads = [h for h in (quote.get("source_resolved_head"), quote.get("source_head")) if h]
    fallback = not heads or bool(quote.get("source_resolved_is_name"))
    for head in heads:
        words = tokens(head)
        word = strip_possessive(words[-1] if words else "")
        if word in SUFFIXES:
            fallback = True
        elif word not in STOPWORDS and len(word) > 1:
            names.add(word)
    if fallback:
        for gold in (quote.get("source_resolved"), quote.get("source")):
            name = last_name(gold)
            if name:
                names.add(name)
    return names


def speaker_correct(pred_speaker: str | None, quote: dict) -> tuple[bool, bool]:
    """(lenient, strict) correctness of a predicted speaker for a gold quote. A quote
    without a gold source wants no speaker."""
    pred_speaker = (pred_speaker or "").strip()
    if not quote.get("source"):
        return not pred_speaker, not pred_speaker
    if not pred_speaker:
        return False, False
    lenient = speaker_lenient(pred_speaker, (quote.get("source_resolved"), quote.get("source")))
    name = last_name(pred_speaker)
    return lenient, name is not None and name in gold_last_names(quote)


# ------------------------------------------------------------------ scoring


@dataclass
class ArticleScore:
    """How the predictions for one gold article fared."""

    gold: dict  # the gold record; its direct_quotes are what is scored
    predictions: list[dict]
    spans: list[Span | None]  # where each prediction sits
    matches: dict[int, int]  # prediction index -> gold quote index
    speakers: dict[int, tuple[bool, bool]]  # matched prediction -> (lenient, strict)
    off_target: dict[int, str]  # located unmatched prediction -> partial/unattributed/""

    @property
    def quotes(self) -> list[dict]:
        return self.gold.get("direct_quotes", [])


@dataclass
class Scored:
    """Every article's outcome plus the counts of how predictions were read and placed."""

    articles: list[ArticleScore]
    counts: Counter = field(default_factory=Counter)


def prf(right: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    """Precision, recall and F1 (0.0 where undefined)."""
    p = right / n_pred if n_pred else 0.0
    r = right / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def off_target_kind(span: Span, others: list[dict]) -> str:
    """"partial" or "unattributed" when `span` matches such a gold other quote, else ""."""
    kinds = {o["kind"] for o in others if eligible(span, (o["start"], o["end"]))[0]}
    return next((kind for kind in ("partial", "unattributed") if kind in kinds), "")


def score_article(gold: dict, predictions: list[dict], counts: Counter) -> ArticleScore:
    """Place, match and check the speakers of one article's predictions."""
    article = gold["text"]
    taken: set[Span] = set()
    spans: list[Span | None] = []
    for pred in predictions:
        span = place(article, pred, taken, counts)
        if span:
            taken.add(span)
        spans.append(span)
    quotes = gold.get("direct_quotes", [])
    matches = match_spans(spans, [(q["start"], q["end"]) for q in quotes])
    speakers = {pi: speaker_correct(predictions[pi].get("speaker"), quotes[gi])
                for pi, gi in matches.items()}
    others = gold.get("other_quotes", [])
    off_target = {pi: off_target_kind(span, others) for pi, span in enumerate(spans)
                  if span is not None and pi not in matches}
    return ArticleScore(gold, predictions, spans, matches, speakers, off_target)


def score(gold_records: Iterable[dict], predictions: Iterable[dict],
          only_kind: str | None = None) -> Scored:
    """Score predictions against gold articles. With `only_kind`, predictions whose
    "kind" is neither missing nor `only_kind` are skipped; so are unknown ids."""
    gold = {record["id"]: record for record in gold_records}
    by_id: dict[str, list[dict]] = defaultdict(list)
    counts: Counter = Counter()
    for pred in predictions:
        counts["pred_lines"] += 1
        if only_kind and pred.get("kind") not in (None, only_kind):
            counts["pred_skipped_kind"] += 1
        elif pred.get("id") not in gold:
            counts["pred_unknown_id"] += 1
        else:
            by_id[pred["id"]].append(pred)
    articles = [score_article(gold[aid], by_id.get(aid, []), counts) for aid in sorted(gold)]
    return Scored(articles, counts)


def indirect_gold(record: dict) -> dict:
    """The article with its non-direct attributions (whole content spans) standing in
    for its direct quotes, and no other quotes."""
    keep = ("source", "source_resolved", "source_kind", "source_head",
            "source_resolved_head", "source_resolved_is_name")
    quotes = [{"start": a["content_start"], "end": a["content_end"], "text": a["content"],
               **{k: a.get(k) for k in keep}}
              for a in record.get("attributions", []) if not a.get("direct") and a.get("content")]
    return {**record, "direct_quotes": quotes, "other_quotes": []}


def gold_bucket_names(quote: dict) -> tuple[str, str]:
    """The two speaker breakdowns a gold quote counts in."""
    if not quote.get("source"):
        named = "no_source"
    elif quote.get("source_resolved_is_name"):
        named = "resolved_to_name"
    else:
        named = "not_resolved_to_name"
    return "source_kind=" + (quote.get("source_kind") or "none"), "gold_speaker=" + named


def accuracy(correct: int, total: int) -> float:
    return correct / total if total else 0.0


def summary(scored: Scored) -> dict:
    """All figures, under the reference scorer's JSON keys."""
    n_gold = sum(len(a.quotes) for a in scored.articles)
    n_pred = sum(len(a.predictions) for a in scored.articles)
    matched = sum(len(a.matches) for a in scored.articles)
    lenient = sum(ok for a in scored.articles for ok, _ in a.speakers.values())
    strict = sum(ok for a in scored.articles for _, ok in a.speakers.values())
    off = Counter(kind for a in scored.articles for kind in a.off_target.values())
    buckets: dict[str, Counter] = defaultdict(Counter)
    for a in scored.articles:
        for pi, gi in a.matches.items():
            ok, ok_strict = a.speakers[pi]
            for name in gold_bucket_names(a.quotes[gi]):
                buckets[name].update(matched=1, correct=ok, correct_strict=ok_strict)
    p, r, f = prf(matched, n_pred, n_gold)
    ep, er, ef = prf(lenient, n_pred, n_gold)
    sp, sr, sf = prf(strict, n_pred, n_gold)
    return {
        "articles": len(scored.articles),
        "articles_with_predictions": sum(1 for a in scored.articles if a.predictions),
        "gold_quotes": n_gold,
        "predicted_quotes": n_pred,
        "matched": matched,
        "precision": p, "recall": r, "f1": f,
        "precision_excl_partial": accuracy(matched, n_pred - off["partial"]),
        "unmatched_on_partial": off["partial"],
        "unmatched_on_unattributed": off["unattributed"],
        "speaker_correct": lenient,
        "speaker_accuracy": accuracy(lenient, matched),
        "speaker_correct_strict": strict,
        "speaker_accuracy_strict": accuracy(strict, matched),
        "e2e_precision": ep, "e2e_recall": er, "e2e_f1": ef,
        "e2e_precision_strict": sp, "e2e_recall_strict": sr, "e2e_f1_strict": sf,
        "speaker_by_gold": {
            name: {"matched": c["matched"],
                   "accuracy": accuracy(c["correct"], c["matched"]),
                   "accuracy_strict": accuracy(c["correct_strict"], c["matched"])}
            for name, c in sorted(buckets.items())
        },
        "diagnostics": dict(sorted(scored.counts.items())),
    }


def by_method(scored: Scored) -> dict[str, dict]:
    """For each prediction "method": count, matched, quote precision, and speaker
    accuracy (lenient, strict) over its matched predictions."""
    tally: dict[str, Counter] = defaultdict(Counter)
    for a in scored.articles:
        for pi, pred in enumerate(a.predictions):
            c = tally[pred.get("method") or "(none)"]
            c["count"] += 1
            if pi in a.matches:
                ok, ok_strict = a.speakers[pi]
                c.update(matched=1, correct=ok, correct_strict=ok_strict)
    return {
        method: {"count": c["count"], "matched": c["matched"],
                 "precision": accuracy(c["matched"], c["count"]),
                 "speaker_accuracy": accuracy(c["correct"], c["matched"]),
                 "speaker_accuracy_strict": accuracy(c["correct_strict"], c["matched"])}
        for method, c in sorted(tally.items(), key=lambda kv: (-kv[1]["count"], kv[0]))
    }


# ------------------------------------------------------------------ error examples


def context(article: str, span: Span, width: int = 40, longest: int = 160) -> str:
    """The span in [[ ]] with `width` characters either side, on one line."""
    s, e = span
    inner = article[s:e]
    if len(inner) > longest:
        inner = inner[:longest - 40] + " ... " + inner[-35:]
    text = f"{article[max(0, s - width):s]}[[{inner}]]{article[e:e + width]}"
    return " ".join(text.split())


def gold_speaker(quote: dict) -> str:
    """The gold source, with what it resolved to when that differs."""
    source, resolved = quote.get("source"), quote.get("source_resolved")
    if source and resolved and resolved != source:
        return f"{source!r} -> {resolved!r}"
    return repr(source)


def predicted(pred: dict) -> str:
    return (f"predicted {pred.get('speaker')!r} ({pred.get('method') or 'no method'}, "
            f"confidence {float(pred.get('confidence') or 0):.2f})")


def error_examples(scored: Scored, n: int) -> dict[str, list[str]]:
    """The `n` worst cases of each kind: the longest missed gold quotes, the most
    confident spurious predictions and the most confident wrong speakers (lenient)."""
    missed, spurious, wrong = [], [], []
    for a in scored.articles:
        aid, article = a.gold["id"], a.gold["text"]
        matched_gold = set(a.matches.values())
        for gi, q in enumerate(a.quotes):
            if gi not in matched_gold:
                span = (q["start"], q["end"])
                line = f"{aid}: {context(article, span)}\n      gold {gold_speaker(q)}"
                missed.append((-(q["end"] - q["start"]), line))
        for pi, pred in enumerate(a.predictions):
            confidence = -float(pred.get("confidence") or 0)
            span = a.spans[pi]
            if span is None:
                line = f"{aid}: unlocated {pred.get('text')!r}\n      {predicted(pred)}"
                spurious.append((confidence, line))
            elif pi not in a.matches:
                note = f" [on {a.off_target[pi]} quote]" if a.off_target[pi] else ""
                line = f"{aid}: {context(article, span)}{note}\n      {predicted(pred)}"
                spurious.append((confidence, line))
            elif not a.speakers[pi][0]:
                q = a.quotes[a.matches[pi]]
                line = (f"{aid}: {context(article, span)}\n"
                        f"      gold {gold_speaker(q)}, {predicted(pred)}")
                wrong.append((confidence, line))
    return {"missed": worst(missed, n), "spurious": worst(spurious, n),
            "wrong_speaker": worst(wrong, n)}


def worst(rows: list[tuple[float, str]], n: int) -> list[str]:
    """The lines of the `n` rows with the lowest keys, in article order among equals."""
    return [line for _, line in sorted(rows, key=lambda row: row[0])[:n]]


# ------------------------------------------------------------------ reports


def format_block(title: str, res: dict) -> list[str]:
    """The reference scorer's table for one set of figures."""
    row = "  %-34s %9s %9s %9s"
    lines = [
        "%s: %d articles (%d with predictions)"
        % (title, res["articles"], res["articles_with_predictions"]),
        "  gold quotes %d   predicted %d   matched %d"
        % (res["gold_quotes"], res["predicted_quotes"], res["matched"]),
        "",
        row % ("", "precision", "recall", "F1"),
    ]
    for label, keys in (
        ("quote extraction", ("precision", "recall", "f1")),
        ("end to end (speaker lenient)", ("e2e_precision", "e2e_recall", "e2e_f1")),
        ("end to end (speaker strict)",
         ("e2e_precision_strict", "e2e_recall_strict", "e2e_f1_strict")),
    ):
        lines.append(row % (label, *("%.3f" % res[key] for key in keys)))
    lines += [
        "",
        "  precision leaving out %d predictions on partial quotes: %.3f"
        % (res["unmatched_on_partial"], res["precision_excl_partial"]),
        "  unmatched predictions on unattributed quoted text: %d"
        % res["unmatched_on_unattributed"],
        "",
        "  speaker accuracy over matched quotes: lenient %.3f (%d/%d)   strict %.3f (%d/%d)"
        % (res["speaker_accuracy"], res["speaker_correct"], res["matched"],
           res["speaker_accuracy_strict"], res["speaker_correct_strict"], res["matched"]),
    ]
    lines += ["    %-34s matched %5d   lenient %.3f   strict %.3f"
              % (name, v["matched"], v["accuracy"], v["accuracy_strict"])
              for name, v in res["speaker_by_gold"].items()]
    lines += ["", "  diagnostics: " + ", ".join("%s=%d" % kv for kv in res["diagnostics"].items())]
    return lines


def format_methods(methods: dict[str, dict], title: str = "Direct predictions by method") -> list[str]:
    """The per-method table of predictions: count, precision, speaker accuracy."""
    row = "  %-28s %6s %8s %10s %16s %8s"
    lines = [title,
             row % ("method", "count", "matched", "precision", "speaker lenient", "strict")]
    lines += [row % (method[:28], m["count"], m["matched"], "%.3f" % m["precision"],
                     "%.3f" % m["speaker_accuracy"], "%.3f" % m["speaker_accuracy_strict"])
              for method, m in methods.items()]
    return lines


def format_errors(errors: dict[str, list[str]]) -> list[str]:
    titles = {"missed": "missed gold quotes (longest first)",
              "spurious": "spurious predictions (most confident first)",
              "wrong_speaker": "wrong speakers, lenient (most confident first)"}
    lines = []
    for kind, rows in errors.items():
        lines += ["", f"Errors: {titles[kind]}"] + [f"  {row}" for row in rows or ["(none)"]]
    return lines


def format_headline(name: str, direct: dict, indirect: dict) -> list[str]:
    """The few figures to compare runs by; printed last."""
    def by(key: str) -> str:
        v = direct["speaker_by_gold"].get(key, {"matched": 0, "accuracy": 0.0,
                                                "accuracy_strict": 0.0})
        return "lenient %.3f  strict %.3f  (%d matched)" % (
            v["accuracy"], v["accuracy_strict"], v["matched"])

    return [
        f"== {name}: {direct['articles']} articles, {direct['gold_quotes']} gold direct quotes ==",
        "quotes (direct)              P %.3f  R %.3f  F1 %.3f   (P excl. partial %.3f)"
        % (direct["precision"], direct["recall"], direct["f1"], direct["precision_excl_partial"]),
        "speaker source_kind=name     " + by("source_kind=name"),
        "speaker resolved_to_name     " + by("gold_speaker=resolved_to_name"),
        "speaker overall              lenient %.3f  strict %.3f  (%d matched)"
        % (direct["speaker_accuracy"], direct["speaker_accuracy_strict"], direct["matched"]),
        "end to end F1 (direct)       lenient %.3f  strict %.3f"
        % (direct["e2e_f1"], direct["e2e_f1_strict"]),
        "indirect                     P %.3f  R %.3f  F1 %.3f   end to end F1 %.3f / %.3f"
        % (indirect["precision"], indirect["recall"], indirect["f1"],
           indirect["e2e_f1"], indirect["e2e_f1_strict"]),
        "indirect speaker (name)      lenient %.3f  (%d matched)"
        % (indirect["speaker_by_gold"].get("source_kind=name", {}).get("accuracy", 0.0),
           indirect["speaker_by_gold"].get("source_kind=name", {}).get("matched", 0)),
    ]


def evaluate(gold_records: list[dict], predictions: list[dict]) -> dict[str, Scored]:
    """Direct quotes scored as the reference's `--only-kind direct`, reported speech as
    its `--indirect`."""
    return {
        "direct": score(gold_records, predictions, only_kind="direct"),
        "indirect": score([indirect_gold(r) for r in gold_records], predictions,
                          only_kind="indirect"),
    }


@click.command(name="eval")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@click.option("--predictions", type=click.Path(exists=True, dir_okay=False, allow_dash=True),
              help="Score this prediction file (JSON lines) instead of running the extractor")
@click.option("--save-predictions", type=click.Path(dir_okay=False, writable=True),
              help="Write the extractor's predictions to this file (JSON lines)")
@click.option("--errors", type=click.IntRange(min=0), default=0, metavar="N",
              help="Show the N worst missed quotes, spurious quotes and wrong speakers")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with all figures")
@click.option("--limit", type=click.IntRange(min=1), metavar="N",
              help="Only the first N gold articles")
def eval_command(gold, predictions, save_predictions, errors, as_json, limit):
    """Score quote extraction and attribution against a PolNeAR gold file.

    Runs the extractor over every article of GOLD (or reads --predictions) and prints
    the figures of ../shared/tools/score_polnear.py: direct quotes as with
    --only-kind direct, reported speech as with --indirect. The headline figures come
    last.

        quotes eval ../shared/data/polnear/polnear-dev.jsonl --errors 10
    """
    if predictions and save_predictions:
        raise click.UsageError("--save-predictions saves the extractor's predictions; "
                               "it cannot be used with --predictions")
    gold_records = read_gold(gold, limit)
    if predictions:
        preds = [record for _, record in read_jsonl(predictions)]
    else:
        preds = list(predict(gold, limit))
    if save_predictions:
        with open(save_predictions, "w", encoding="utf-8") as f:
            f.writelines(json.dumps(p, ensure_ascii=False) + "\n" for p in preds)
    scored = evaluate(gold_records, preds)
    direct, indirect = summary(scored["direct"]), summary(scored["indirect"])
    methods = by_method(scored["direct"])
    if as_json:
        out = {"gold": gold, "predictions": predictions or "extractor",
               "direct": direct, "indirect": indirect,
               "methods": {"direct": methods, "indirect": by_method(scored["indirect"])}}
        if errors:
            out["errors"] = error_examples(scored["direct"], errors)
        click.echo(json.dumps(out, indent=2, ensure_ascii=False))
        return
    lines = format_block("PolNeAR direct-quote scoring (--only-kind direct)", direct)
    lines += [""] + format_block("PolNeAR reported speech (--indirect)", indirect)
    lines += [""] + format_methods(methods)
    lines += [""] + format_methods(by_method(scored["indirect"]), "Indirect predictions by method")
    if errors:
        lines += format_errors(error_examples(scored["direct"], errors))
    lines += [""] + format_headline(os.path.basename(gold), direct, indirect)
    click.echo("\n".join(lines))
