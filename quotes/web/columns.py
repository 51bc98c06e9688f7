"""Which columns Datasette's table pages show first, for a reader.

A table page opens on the columns a reader needs (who said what, when, where); the
columns that serve the machinery (character offsets, hashes, the rule that decided,
derived facet columns) are one click away, behind "Show N more columns" on the page
(templates/table.html). They stay in the HTML, the JSON and the CSV: only the view
hides them, and not when the visitor chose columns (?_col=, ?_nocol=) or sorts by one.
"""
from __future__ import annotations

SECONDARY = {
    "quotes": ("speaker_id", "said_year", "said_month", "paragraph", "start", "end",
               "method", "confidence", "text_hash"),
    "quotes_view": ("rowid", "speaker_id"),
    "articles": ("url", "source_id", "canonical_url", "body", "source", "content_hash", "loaded_at",
                 "published_year", "published_month"),
    "claims": ("organization_id", "by_id", "start", "end", "confidence"),
}


def secondary_columns(table: str | None, columns, args) -> list[str]:
    """The columns of `table` a page hides at first, given the request's `args`."""
    if not table or "_col" in args or "_nocol" in args:
        return []
    sorted_by = {args.get("_sort"), args.get("_sort_desc")}
    shown = set(columns or ())
    return [c for c in SECONDARY.get(table, ()) if c in shown and c not in sorted_by]
