"""The extraction pipeline for one article: segment, name, attribute, date, claim.

`run(article)` is pure: it reads only the article and package data, and returns
new records. Offsets in every record index article.body.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import replace

from quotes.extract import claims as claims_mod
from quotes.extract import lexicon
from quotes.extract.attribution import Attribution, Attributor, starts_new_sentence
from quotes.extract.dates import DATEISH, anchor_before, find_date, not_after, without_other_clauses
from quotes.extract.indirect import find_indirect
from quotes.extract.names import ArticleNames, find_names
from quotes.extract.quotemarks import QuotedSpan, find_quotes
from quotes.extract.speakers import Resolver
from quotes.extract.sources import resolve_sources
from quotes.extract.statements import reconcile, without_terms
from quotes.extract.text import Span, paragraphs, sentences
from quotes.model import Article, Entity, Extraction, Quote
from quotes import wordlists

_LISTS = "pipeline.txt"

_CUE_WORDS = set(lexicon.cue_forms())
_NAMING_CUES = wordlists.words("attribution.txt", "naming_cue")
# The last word of a text, read on the reversed text: searching for "([\w'’]+)[ \t]*$"
# tries every position of the text; this match tries one.
_LAST_WORD_REVERSED = re.compile(r"[ \t]*([\w'’]+)")
# A question put to someone ("was asked, "...?""): not that person's statement.
_PUT_TO = re.compile(rf"\b(?:{lexicon.alternation(_LISTS, 'put_to')})\s+(?:\w+ly\s+)?asked"
                     r"(?:\s+[\w'’]+){0,5}?\s*[,:]?\s*$")
_SAID_OF = re.compile(r"\b(?:of|about)\s+([A-Z][\w'’\-]+(?:\s+[A-Z][\w'’\-]+)*)")


def _is_embedded(body: str, para: Span, q: QuotedSpan) -> bool:
    """True when the quote continues a sentence: preceded by a word that is no cue."""
    before = body[max(para.start, q.mark_start - 100) : q.mark_start]  # linear in quotes
    m = _LAST_WORD_REVERSED.match(before[::-1])
    if not m:
        return False
    word = m.group(1)[::-1].lower()
    return word not in _CUE_WORDS and word != "that"


def _starts_sentence(body: str, para: Span, q: QuotedSpan) -> bool:
    before = body[para.start : q.mark_start].rstrip()
    return not before or before[-1] in ".!?\"”'’…)"


def _continues_quote(body: str, qspans: list[QuotedSpan], i: int) -> bool:
    """A split quote: an earlier quote of the same sentence, only an attribution between."""
    if i == 0 or qspans[i - 1].paragraph != qspans[i].paragraph:
        return False
    between = body[qspans[i - 1].mark_end : qspans[i].mark_start]
    return not re.search(r"[.!?]\s", between)


_LOWER_AFTER = re.compile(r"\s+[a-z]")
_CUE_AFTER = re.compile(rf"\s+(?:{lexicon.any_cue_pattern()})\b")


def _runs_on(body: str, para: Span, q: QuotedSpan) -> bool:
    """True for a quote at a sentence start that the sentence carries on past
    without punctuation: a title or a scare-quoted phrase, not an utterance."""
    inner = body[q.start : q.end]
    if inner[-1:] in ".,!?…—–-:;" or not q.closed:
        return False
    after = body[q.mark_end : para.end]
    return bool(_LOWER_AFTER.match(after)) and not _CUE_AFTER.match(after)


def _clip(body: str, start: int, end: int) -> tuple[int, int]:
    """Drop a trailing comma from the stored quote (the seed's rule)."""
    while end > start and body[end - 1] in ", \t":
        end -= 1
    return start, end


def run(article: Article) -> Extraction:
    body = article.body or ""
    paras = paragraphs(body)
    qspans = find_quotes(body, paras)
    quoted = [(q.start, q.end) for q in qspans]
    names = find_names(body, article.title)
    sent_starts: list[int] = []
    sents_by_para: list[list[Span]] = []
    for p in paras:
        ss = sentences(body, p, quoted)
        sents_by_para.append(ss)
        sent_starts.extend(s.start for s in ss)
    resolver = Resolver(body, names, quoted, article.title, sent_starts)
    att = Attributor(body, paras, qspans, resolver)

    kinds, results = _attribute(body, paras, qspans, att)
    qspans, kinds, results = _join_flattened(body, qspans, kinds, results)
    _fill_same_paragraph(qspans, kinds, results)
    _fill_continuations(body, paras, qspans, kinds, results)
    quotes = _quote_rows(body, paras, sents_by_para, qspans, kinds, results, names, article.published)

    quotes.extend(find_indirect(body, paras, sents_by_para, quoted, resolver, article.published))
    all_sentences = [s for ss in sents_by_para for s in ss]
    quotes = reconcile(body, quotes, all_sentences)
    quotes = without_terms(resolve_sources(body, quotes, names, paras, all_sentences))
    quotes = _dates_from_context(body, paras, all_sentences, quotes, article.published)

    found_claims = claims_mod.find_claims(body, paras, sents_by_para, quoted, names, resolver,
                                          article.published, qspans, results)
    entities = _entities(names, quotes, found_claims)
    return Extraction(entities=entities, quotes=quotes, claims=found_claims)


def _attribute(body: str, paras: list[Span], qspans: list[QuotedSpan],
               att: Attributor) -> tuple[list[str], list[Attribution | None]]:
    """(kind, attribution) of each quoted span: the sieves in order, then whether the
    span is the whole statement (direct) or words inside the writer's sentence (partial)."""
    results: list[Attribution | None] = [None] * len(qspans)
    kinds: list[str] = []
    for i, q in enumerate(qspans):
        a = (att.transcript_label(i) or att.trailing(i) or att.leading(i)
             or att.participle(i) or att.colon_subject(i) or att.previous_paragraph_colon(i))
        kind = _kind(body, paras[q.paragraph], qspans, kinds, i, a)
        if (kind == "direct" and a is not None
                and a.method.startswith(("quote_cue", "speaker_cue"))
                and att.opening_share(i, leading=a.method.startswith("speaker_cue")) < 0.9):
            kind = "partial"  # 'Sooner or later, "we will ...," he said': not all quoted
        elif kind == "partial" and att.quoted_share(
                i, trailing=bool(a and a.method.startswith("quote_cue"))) >= 0.9:
            kind = "direct"  # 'He says Obama "knows full well ..."': the content is quoted
            a = a or att.reporting_subject(i)
        if kind == "partial" and a is None:
            a = att.sentence_subject(i)
        results[i] = a
        kinds.append(kind)
    return kinds, results


def _kind(body: str, para: Span, qspans: list[QuotedSpan], kinds: list[str], i: int,
          a: Attribution | None) -> str:
    """Direct or partial, from where the quote stands and what attributes it."""
    q = qspans[i]
    if _is_embedded(body, para, q) and not (a and a.method.startswith("speaker_cue") and a.adjacent):
        return "partial"
    if _runs_on(body, para, q) and not (a and a.method.startswith("quote_cue")):
        return "partial"  # the writer's sentence goes on: a title or a phrase
    if a and a.cue in _NAMING_CUES and a.method.startswith("speaker_cue"):
        return "partial"  # 'called it "a disaster"' names, it does not quote
    if len(body[q.start : q.end].split()) <= 2 and not a and not (
            i and qspans[i - 1].paragraph == q.paragraph and _starts_sentence(body, para, q)):
        return "partial"
    if not a and not _starts_sentence(body, para, q) and not (
            _continues_quote(body, qspans, i) and kinds[i - 1] == "direct"):
        return "partial"  # mid-sentence and no cue: part of the writer's sentence
    return "direct"


def _quote_rows(body: str, paras: list[Span], sents_by_para: list[list[Span]],
                qspans: list[QuotedSpan], kinds: list[str], results: list[Attribution | None],
                names, published: str | None) -> list[Quote]:
    """The Quote records of the quoted spans, with their dates and mentions."""
    quotes: list[Quote] = []
    for i, q in enumerate(qspans):
        a = results[i]
        start, end = _clip(body, q.start, q.end)
        if end <= start:
            continue
        if _PUT_TO.search(body, max(paras[q.paragraph].start, q.mark_start - 80), q.mark_start):
            continue  # 'Ishiba was asked, "Do you feel any guilt?"': a question put to him
        said_on, date_text = _quote_date(body, paras, sents_by_para[q.paragraph], q, a, published)
        mentions = _mentions(body, names, q, a, qspans, i, paras)
        quotes.append(Quote(
            text=body[start:end], kind=kinds[i], start=start, end=end,
            paragraph=q.paragraph, speaker=a.speaker if a else None,
            speaker_text=a.speaker_text if a else None, cue=a.cue if a else None,
            said_on=said_on, date_text=date_text, method=a.method if a else None,
            confidence=a.confidence if a else 0.0,
            mentions=[m for m in mentions if not a or m != a.speaker],
        ))
    return quotes


def _join_flattened(body: str, qspans: list[QuotedSpan], kinds: list[str],
                    results: list[Attribution | None]):
    """One statement, one row: a quote left open and reopened at once ('... the better.
    "A short-term ...') is one quotation whose paragraph breaks were lost; its pieces
    join into one row, attributed as its first piece is (or the first attributed one).
    Across real paragraph breaks each paragraph stays a row, as PolNeAR counts them."""
    out_q: list[QuotedSpan] = []
    out_k: list[str] = []
    out_r: list[Attribution | None] = []
    for q, kind, a in zip(qspans, kinds, results):
        prev = out_q[-1] if out_q else None
        if (prev is not None and not prev.closed and prev.paragraph == q.paragraph
                and out_k[-1] == "direct" and kind == "direct"
                and not body[prev.end : q.mark_start].strip()):
            out_q[-1] = QuotedSpan(prev.mark_start, prev.start, q.end, q.mark_end, q.paragraph, q.closed)
            out_r[-1] = out_r[-1] or a
            continue
        out_q.append(q)
        out_k.append(kind)
        out_r.append(a)
    return out_q, out_k, out_r


def _suffix(a: Attribution) -> str:
    """Carry the kind of speaker phrase (pronoun, description) over to a filled quote."""
    for kind in ("_pronoun", "_nominal"):
        if a.method.endswith(kind):
            return kind
    return ""


def _fill_same_paragraph(qspans: list[QuotedSpan], kinds: list[str],
                         results: list[Attribution | None]) -> None:
    """A second quote in a paragraph with no cue of its own keeps the paragraph's speaker."""
    for i, q in enumerate(qspans):
        if results[i] is not None or kinds[i] != "direct":
            continue
        prev = next((j for j in range(i - 1, -1, -1) if qspans[j].paragraph == q.paragraph
                     and results[j] and kinds[j] == "direct"), None)
        nxt = next((j for j in range(i + 1, len(qspans)) if qspans[j].paragraph == q.paragraph
                    and results[j] and kinds[j] == "direct"), None)
        src = prev if prev is not None else nxt
        if src is not None:
            a = results[src]
            results[i] = Attribution(a.speaker_text, a.speaker, None, "same_paragraph" + _suffix(a),
                                     round(a.confidence * 0.95, 3))


def _fill_continuations(body: str, paras: list[Span], qspans: list[QuotedSpan],
                        kinds: list[str], results: list[Attribution | None]) -> None:
    """A paragraph that opens with a quote and names nobody continues the last speaker."""
    for i, q in enumerate(qspans):
        if results[i] is not None or kinds[i] != "direct" or i == 0:
            continue
        para = paras[q.paragraph]
        if q.mark_start != para.start:
            continue
        prev = qspans[i - 1]
        if prev.paragraph != q.paragraph - 1 or results[i - 1] is None:
            continue
        if kinds[i - 1] != "direct" and not results[i - 1].method.startswith("quote_cue"):
            continue  # '... calling him "a buffoon," Susan said.' also hands on its speaker
        prev_para = paras[prev.paragraph]
        tail = body[prev.mark_end : prev_para.end].strip()
        # The previous paragraph must end in that quote or its attribution clause.
        if not prev.closed or not starts_new_sentence(tail):
            a = results[i - 1]
            results[i] = Attribution(a.speaker_text, a.speaker, None, "continuation" + _suffix(a),
                                     round(a.confidence * 0.9, 3))


# Speakers taken from another sentence: the quote's own sentence is content, its dates too.
_BORROWED = ("previous", "continuation", "same_paragraph", "transcript")
_QUOTED_PART = re.compile(r"“[^”]*”?|\"[^\"]*\"?")
_CLAUSE_END_AFTER_CUE = re.compile(r"[,;:(\u2013\u2014\"“”]|\s-\s|[.!?](?:\s|$)")


def _blank_quotes(text: str) -> str:
    """Quoted words blanked, offsets kept: a date inside a quote is not when it was said."""
    return _QUOTED_PART.sub(lambda m: " " * len(m.group(0)), text)


def _last_stop(text: str) -> int:
    m = None
    for m in re.finditer(r"[.!?]\s", text):
        pass
    return m.end() if m else 0


def _this_sentence(text: str) -> str:
    """The part of a window after its last full stop (quoted words already blanked): a
    sentence span can run over an earlier sentence ('... five years ago. "...," she said.')."""
    return text[_last_stop(text):]


def _sentence_at(sents: list[Span], para: Span, pos: int) -> Span:
    return next((s for s in sents if s.start <= pos < s.end), para)


def _quote_date(body: str, paras: list[Span], sents: list[Span], q: QuotedSpan,
                a: Attribution | None, published: str | None) -> tuple[str | None, str | None]:
    """The date the statement's own clause gives ('he said Tuesday', 'On Tuesday, X said:',
    'In November 2023, X made a post describing "..."'), else the publication date with no
    date_text. Never from inside a quote, nor from a clause about something else ('which was
    founded in 1985', 'after the court had ruled on June 29'); never after publication."""
    para = paras[q.paragraph]
    lo = paras[q.paragraph - 1].start if q.paragraph else para.start
    iso = text = None
    if a is not None and a.cue_end is not None and a.cue_end > q.mark_end:  # "...," he said Tuesday.
        window = body[q.mark_end : para.end]
        cue = a.cue_end - q.mark_end
        cut = _CLAUSE_END_AFTER_CUE.search(window, cue)
        head = window[:cue]
        head = head[: m.start()] if (m := re.search(r"[\"“”]|[.!?]\s", head)) else head
        window = head + window[cue : cut.start() if cut else len(window)]
        if DATEISH.search(window):
            anchor = lambda: anchor_before(body[lo : q.mark_start], published)
            iso, text = find_date(without_other_clauses(window), published, anchor)
    elif a is not None and a.cue_end is not None:  # On Tuesday, he said: "..."
        sent = _sentence_at(sents, para, max(para.start, min(a.cue_end, q.mark_start) - 1))
        start = min(sent.start, q.mark_start)
        window = body[start : q.mark_start]
        if DATEISH.search(window):
            anchor = lambda: anchor_before(body[lo:start], published)
            window = _this_sentence(without_other_clauses(_blank_quotes(window)))
            iso, text = find_date(window, published, anchor, last=True)
    elif a is None or not a.method.startswith(_BORROWED):
        # no clause of its own: the sentence around the quote, the quote left out
        sent = _sentence_at(sents, para, q.mark_start)
        before = _this_sentence(_blank_quotes(body[sent.start : q.mark_start]))
        window = before + " " * (q.mark_end - q.mark_start) + body[q.mark_end : sent.end]
        if DATEISH.search(window):
            anchor = lambda: anchor_before(body[lo : sent.start], published)
            iso, text = find_date(without_other_clauses(_blank_quotes(window)), published, anchor)
        if iso and sum(len(w) > 3 and w.isalpha() for w in before.replace(text, " ").split()) <= 1:
            iso = None  # 'Specifically on July 9 and 10, "..."': a frame of the quoted words
    iso = not_after(iso, published)
    if iso:
        return iso, text
    return (published[:10] if published else None), None


_PRONOUNS = wordlists.words("function_words.txt", "subject_pronoun")
# A statement the article sets in another time than the passage around it: 'In an earlier
# post', 'During the campaign', 'has long said', 'says'.
_OWN_FRAME = re.compile(rf"\b(?:{lexicon.alternation(_LISTS, 'own_frame', space=' ')})\b", re.IGNORECASE)
# A paragraph that opens in a time of its own ('In the last few months, ...') does not
# continue the date of the paragraph before.
_TIME_WORD = re.compile(rf"\b(?:{lexicon.alternation(_LISTS, 'time_word')})\b", re.IGNORECASE)
_PERFECT_BEFORE = re.compile(r"\b(?:has|have)\s+(?:\w+ly\s+)?$", re.IGNORECASE)
_EVENT_NOUNS = list(wordlists.lines("speech_events.txt"))
_EVENT = rf"(?:{'|'.join(re.escape(w) for w in _EVENT_NOUNS)})s?"


def _own_time(body: str, sent: Span, q: Quote) -> bool:
    """True when the statement's sentence puts it in a time of its own (a frame, a present
    or perfect tense), so the passage's date does not carry over to it. 'During the debate'
    names a speech occasion, the one the passage is about, not another time."""
    text = _blank_quotes(body[sent.start : sent.end])
    for m in _OWN_FRAME.finditer(text):
        if not (m.group(0).lower() == "during"
                and re.match(rf"\s+(?:the|a|an)\s+(?:[\w-]+\s+){{0,3}}?{_EVENT}\b",
                             text[m.end():], re.IGNORECASE)):
            return True
    cue = (q.cue or "").lower()
    if cue.endswith("s") and not cue.endswith("ss") and cue not in ("was", "has"):
        return True  # 'says', 'tells': the present of the story, not a past occasion
    if cue:
        at = text.lower().rfind(cue, 0, max(0, q.start - sent.start) if q.kind == "indirect" else len(text))
        if at > 0 and _PERFECT_BEFORE.search(text, 0, at):
            return True
    return False


# Verbs of saying beyond the attribution cues that date a speaker's act in a sentence of
# its own ('Putin on Friday denounced a drone strike').
_ACT_VERBS = _CUE_WORDS | wordlists.words(_LISTS, "act_verb")


def _dated_act(body: str, sent: Span, name: str, published: str | None, anchor: str | None):
    """The date of a sentence whose subject is the speaker and whose verb is one of saying,
    dated before the verb: 'Vladimir Putin on Friday denounced ...', 'On Friday, Putin
    denounced ...'. Not 'In June 1984, Smith joined the army': no act of saying.
    (iso, words) or None."""
    token = name.split()[-1]
    text = without_other_clauses(_blank_quotes(body[sent.start : sent.end]))
    m = re.search(rf"\b{re.escape(token)}\s+(?:(?:on|late|early)\s+)?", text)
    if m:
        iso, words = find_date(text[m.end() : m.end() + 30], published, anchor)
        rest = text[m.end():]
        if iso and rest.lower().startswith(words.lower()):
            verb = rest[len(words):].split()[:1]
            if verb and verb[0].lower() in _ACT_VERBS:
                return iso, words
    opening = re.match(r"\s*(?:(?:late|early)\s+)?(?:on\s+)?([^,]{3,30}),\s", text)
    if opening:
        v = re.match(rf"(?:[\w'’.-]+\s+){{0,4}}?{re.escape(token)}\s+(\w+)", text[opening.end():])
        if v and v.group(1).lower() in _ACT_VERBS:
            iso, words = find_date(opening.group(1), published, anchor)
            if iso:
                return iso, words
    return None


def _lede_event(body: str, paras: list[Span], published: str | None):
    """A speech occasion the article opens on, with its date: 'met for the debate on
    Saturday', 'the Saturday debate'. (iso, words, where it is stated) or None."""
    for p in paras[:2]:
        text = _blank_quotes(body[p.start : p.end])
        for m in re.finditer(rf"\b{_EVENT}\b", text, re.IGNORECASE):
            near = text[max(0, m.start() - 12) : m.end() + 15]
            iso, words = find_date(near, published)
            iso = not_after(iso, published)
            if iso and words and not words.lower().startswith(("in ", "since ")):
                return iso, words, p.start
    return None


def _dates_from_context(body: str, paras: list[Span], sents: list[Span], quotes: list[Quote],
                        published: str | None) -> list[Quote]:
    """A statement whose own clause gives no date takes the date of the passage it belongs
    to: the same speaker's dated statement just before it (same or previous paragraph: the
    rest of the same remarks), a sentence of the paragraph dating that speaker's act ('Putin
    on Friday denounced ... He said ...'), or the dated speech occasion the article opens
    on ('met for the debate on Saturday'). Not when its sentence sets its own time."""
    if not published:
        return quotes  # weekdays stay unresolved without a publication date
    order = sorted(range(len(quotes)), key=lambda i: quotes[i].start)
    event = _lede_event(body, paras, published)
    out = list(quotes)
    starts = [s.start for s in sents]
    for k, i in enumerate(order):
        q = out[i]
        if q.date_text is not None:
            continue
        si = max(0, bisect.bisect_right(starts, q.start) - 1)
        sent = sents[si] if sents else paras[q.paragraph]
        if _own_time(body, sent, q):
            continue
        found = None
        for j in reversed(order[:k]):
            p = out[j]
            if p.paragraph < q.paragraph - 1:
                break
            same = (q.speaker and p.speaker == q.speaker) or (
                not q.speaker and not p.speaker and p.paragraph == q.paragraph
                and (q.speaker_text or "").lower() in _PRONOUNS)
            if same:
                if p.paragraph < q.paragraph and _TIME_WORD.search(
                        _blank_quotes(body[paras[q.paragraph].start : q.start])):
                    break
                if p.date_text is not None and p.said_on:
                    found = (p.said_on, p.date_text)
                break
        if found is None and q.speaker:
            para = paras[q.paragraph]
            for t in range(si - 1, -1, -1):
                if sents[t].start < para.start:
                    break
                found = _dated_act(body, sents[t], q.speaker, published, None)
                if found:
                    break
        if found is None and event:
            found = event[:2]
        if found:
            out[i] = replace(q, said_on=found[0], date_text=found[1])
    return out


def _mentions(body: str, names: ArticleNames, q: QuotedSpan, a: Attribution | None,
              qspans: list[QuotedSpan], i: int, paras: list[Span]) -> list[str]:
    """Entities a quote is about: named inside it, or 'said of Musk' in its clause."""
    out: list[str] = []
    for m in names.mentions:
        if q.start <= m.start < q.end:
            p = names.people.get(m.key)
            if p and p.kind == "person" and p.name not in out:
                out.append(p.name)
    if a is not None and a.cue_end is not None:
        para = paras[q.paragraph]
        clause = body[a.cue_end : min(para.end, a.cue_end + 40)]
        sm = _SAID_OF.match(clause.lstrip()) if clause.lstrip().startswith(("of ", "about ")) else None
        if sm:
            p = names.lookup(sm.group(1), a.cue_end)
            if p and p.name not in out:
                out.append(p.name)
    return out


def _entities(names: ArticleNames, quotes: list[Quote], found_claims) -> list[Entity]:
    used = {q.speaker for q in quotes} | {m for q in quotes for m in q.mentions}
    used |= {c.subject for c in found_claims} | {c.organization for c in found_claims}
    used |= {c.by for c in found_claims}
    mentioned = {m.key for m in names.mentions}
    described: dict[str, str] = {}
    for c in sorted(found_claims, key=lambda c: c.start):
        if c.kind == "role" and c.subject and c.object:
            described.setdefault(c.subject, re.sub(r"^(?:the|a|an)\s+", "", c.object))
    out = []
    for p in names.people.values():
        if p.key in mentioned or p.name in used:
            out.append(Entity(name=p.name, kind=p.kind, aliases=list(p.aliases),
                              description=described.get(p.name), gender=p.gender))
    return out
