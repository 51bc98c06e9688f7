"""A generated corpus for the reliability tests: hundreds of distinct articles built from
the bundled examples (quotes/examples), written to a folder as text files, JSON lines
and HTML pages, so a load of it takes a few seconds and exercises three readers.

Each article is one or two example bodies plus a lead and a closing paragraph of its
own (a new speaker, a new quote), under its own title, date and URL: every article has
distinct content (no "already loaded" skips), and extraction finds quotes, claims and
entities in all of them. The same `n` and `seed` always give the same files.
"""
from __future__ import annotations

import html
import json
import random
from pathlib import Path

FIRST = ["Amara", "Bruno", "Chen", "Dalia", "Emeka", "Freya", "Goran", "Hana", "Ivan", "Jolene",
         "Kofi", "Lena", "Mateo", "Nadia", "Oskar", "Priya", "Quentin", "Rosa", "Sami", "Tove"]
LAST = ["Abernathy", "Bianchi", "Castellanos", "Dimitrov", "Eriksen", "Fairweather", "Gallo",
        "Haddad", "Ishikawa", "Jovanovic", "Kowalczyk", "Lindgren", "Moreau", "Novak", "Okafor",
        "Petrov", "Quinlan", "Rasmussen", "Szabo", "Tanaka"]
ROLES = ["the city's budget director", "a spokeswoman for the county", "the union's president",
         "the chief executive of Northfield Transit", "a professor of hydrology at Dell University"]
DAYS = ["on Monday", "on Tuesday", "on Wednesday", "last week", "on Friday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


def example_bodies() -> list[tuple[str, str]]:
    """(title, body) of each bundled example, as the text reader reads them."""
    from quotes.load import example_paths
    from quotes.model import Article
    from quotes.readers import read_source

    out = []
    for path in example_paths():
        for record in read_source(path):
            if isinstance(record, Article):
                out.append((record.title or "Untitled", record.body))
    return out


def articles(n: int, seed: int = 7) -> list[dict]:
    """n distinct article dicts: title, published, url, publisher, text."""
    rng = random.Random(seed)
    bodies = example_bodies()
    out = []
    for i in range(n):
        first, last = FIRST[i % len(FIRST)], LAST[(i * 7 + i // len(FIRST)) % len(LAST)]
        base_title, body = bodies[i % len(bodies)]
        parts = [body]
        if i % 3 == 0:
            parts.append(bodies[(i + 1 + rng.randrange(len(bodies) - 1)) % len(bodies)][1])
        lead = (f"{first} {last}, {rng.choice(ROLES)}, said {rng.choice(DAYS)} that item {i} "
                f"would be decided by the end of {rng.choice(MONTHS)}.")
        close = (f"“Number {i} is not a promise we can break,” {first} {last} said. "
                 f"“We will publish the figures for case {i} every month.”")
        year = 2015 + i % 11
        month = 1 + i % 12
        out.append({
            "id": f"gen-{i}",
            "title": f"{base_title} ({i})",
            "published": f"{year}-{month:02d}-{1 + i % 28:02d}",
            "url": f"https://news.example.org/{year}/{month:02d}/story-{i}",
            "publisher": ["The Riverside Ledger", "Gull Bay Courier", "Harrow Post"][i % 3],
            "text": "\n\n".join([lead, *parts, close]),
        })
    return out


def write_corpus(folder: Path, n: int, seed: int = 7, jsonl_share: int = 3, html_every: int = 10) -> list[dict]:
    """Write n articles under folder: most as .txt, every `html_every`th as .html, and a
    third (`jsonl_share`) gathered in JSON lines files of 25. Returns the article dicts
    in the order a load reads them (sorted file names)."""
    folder.mkdir(parents=True, exist_ok=True)
    items = articles(n, seed)
    jsonl: list[dict] = []
    for i, a in enumerate(items):
        if jsonl_share and i % jsonl_share == 1:
            jsonl.append(a)
        elif html_every and i % html_every == 0:
            (folder / f"a{i:05d}.html").write_text(_html(a), encoding="utf-8")
        else:
            (folder / f"a{i:05d}.txt").write_text(_text(a), encoding="utf-8")
    for k in range(0, len(jsonl), 25):
        with open(folder / f"b{k // 25:03d}.jsonl", "w", encoding="utf-8") as out:
            for a in jsonl[k : k + 25]:
                out.write(json.dumps(a, ensure_ascii=False) + "\n")
    return items


def _text(a: dict) -> str:
    year, month, day = a["published"].split("-")
    date = f"{MONTHS[int(month) - 1]} {int(day)}, {year}"
    return f"# {a['title']}\n\n{date}\n\n{a['text']}\n\nOriginal url:\n\n<{a['url']}>\n"


def _html(a: dict) -> str:
    paragraphs = "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in a["text"].split("\n\n"))
    return (
        "<!doctype html><html><head><meta charset=utf-8>"
        f"<title>{html.escape(a['title'])}</title>"
        f'<link rel="canonical" href="{html.escape(a["url"])}">'
        f'<meta property="article:published_time" content="{a["published"]}">'
        f'<meta property="og:site_name" content="{html.escape(a["publisher"])}">'
        f"</head><body><article><h1>{html.escape(a['title'])}</h1>\n{paragraphs}\n"
        "</article></body></html>"
    )
