"""A quote group's row resumed from its row and kept state, as the incremental refresh
does when new articles reprint a quote, equals the row made from all its members."""
import random

from quotes.corpus.quote_group_rows import QUOTE_FIELDS, Tally, quote_group_of_rows

OWN = "aa11"  # the group's own text hash; "bb22" is a shorter text inside it
TEXTS = {OWN: ["They will not pass, he said to them all", "they will not pass he said to them all"],
         "bb22": ["will not pass he said to them"]}


def members(rng: random.Random, articles: list[str]) -> list[tuple]:
    rows = []
    for article in articles:
        published = rng.choice([None, "2024-01-02", "2024-01-03", "2025-06-01"])
        publisher = rng.choice([None, "BBC", "AP", "Reuters"])
        for n in range(rng.randint(1, 3)):
            h = rng.choice([OWN, OWN, "bb22"])
            speaker = rng.choice([None, 1, 2, 3])
            rows.append({
                "id": f"{article}-q{n}", "text": rng.choice(TEXTS[h]), "text_hash": h, "article_id": article,
                "start": rng.choice([None, 10, 200]), "published": published, "publisher": publisher,
                "url": f"https://example.com/{article}", "speaker_id": speaker,
                "speaker_name": None if speaker is None else f"Speaker {speaker}",
            })
    if not any(r["text_hash"] == OWN for r in rows):
        rows[0] = {**rows[0], "text_hash": OWN, "text": TEXTS[OWN][0]}
    return [tuple(r[f] for f in QUOTE_FIELDS) for r in rows]


def test_resuming_from_the_row_and_state_equals_reading_every_member():
    rng = random.Random(17)
    resumed_groups = 0
    for _ in range(400):
        articles = [f"a{i}" for i in range(rng.randint(2, 9))]
        rows = members(rng, articles)
        whole = Tally(OWN).add(rows).row()
        cut = rng.randint(1, len(articles) - 1)  # the articles already in the corpus, then the new ones
        old = [r for r in rows if r[3] in articles[:cut]]
        new = [r for r in rows if r[3] not in articles[:cut]]
        if not any(r[2] == OWN for r in old):
            continue
        before = Tally(OWN).add(old)
        state = before.state()
        if state is None:  # a group of one quote is read again whole
            continue
        resumed = Tally.resume(before.row(), state).add(new).row()
        assert resumed == whole
        resumed_groups += 1
    assert resumed_groups > 200


def test_the_row_does_not_depend_on_the_order_members_come_in():
    rng = random.Random(3)
    for _ in range(200):
        rows = members(rng, [f"a{i}" for i in range(rng.randint(1, 6))])
        shuffled = rows[:]
        rng.shuffle(shuffled)
        assert quote_group_of_rows(OWN, shuffled) == quote_group_of_rows(OWN, rows)


def test_a_group_of_one_quote_keeps_no_state_and_disagreement_is_resumed():
    one = members(random.Random(1), ["a0"])[:1]
    assert Tally(OWN).add(one).state() is None

    def said(article: str, speaker: int) -> tuple:
        return (f"{article}-q", TEXTS[OWN][0], OWN, article, 0, "2024-01-02", "BBC", "u", speaker, f"S{speaker}")

    before = Tally(OWN).add([said("a1", 1), said("a2", 1)])
    assert before.row()["conflicting"] == 0
    after = Tally.resume(before.row(), before.state()).add([said("a3", 2)]).row()
    assert after["conflicting"] == 1 and after["speakers"] == 2 and after["articles"] == 3
