"""Pure extraction: Article -> Extraction. No I/O, no database, no global state."""
from __future__ import annotations

from quotes.model import Article, Extraction


def extract_article(article: Article) -> Extraction:
    """Quotes, speakers, entities and claims found in one article."""
    from quotes.extract.pipeline import run

    return run(article)
