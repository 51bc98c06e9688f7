"""Materialised facet counts: the quotes table's default facets at a million rows.

Datasette computes a column facet with a `group by` over every row shown. On the whole
quotes table that is a full scan of the column's index, 100-250 ms a facet at a million
quotes, against a 200 ms facet time limit: the page with its six column facets took
half a second and more, and facets dropped out as "timed out" on a busy machine.

`quote_facet_counts` (facet, value, count) holds the answer for the unfiltered table,
kept exact by triggers on quotes (insert, delete, and an update of a counted column,
such as a speaker renamed), so it is right after every load, a `quotes refresh`, or
any other write. Datasette's column facet reads it when the table is shown without
filters or search (plugins/facet_counts.py); with any filter it computes as usual.
"""
from __future__ import annotations

import re

import sqlite_utils

TABLE = "quote_facet_counts"
COUNTED: dict[str, tuple[str, ...]] = {
    "quotes": ("speaker_name", "kind", "cue", "said_year", "said_month", "publisher"),
}


def trigger_sql(table: str = "quotes") -> list[str]:
    """The three triggers that keep the counts of `table` exact."""
    columns = COUNTED[table]
    bump = (
        "insert into [{t}] (facet, value, count) select '{c}', new.[{c}], 1 "
        "where new.[{c}] is not null{extra} "
        "on conflict (facet, value) do update set count = count + 1;"
    )
    drop = ("update [{t}] set count = count - 1 "
            "where facet = '{c}' and value = old.[{c}]{extra};")
    insert = " ".join(bump.format(t=TABLE, c=c, extra="") for c in columns)
    delete = " ".join(drop.format(t=TABLE, c=c, extra="") for c in columns)
    changed = " and old.[{c}] is not new.[{c}]"
    update = " ".join(
        drop.format(t=TABLE, c=c, extra=changed.format(c=c)) + " "
        + bump.format(t=TABLE, c=c, extra=changed.format(c=c))
        for c in columns
    )
    names = ", ".join(f"[{c}]" for c in columns)
    return [
        f"create trigger if not exists [{table}_facet_counts_ai] after insert on [{table}] begin {insert} end",
        f"create trigger if not exists [{table}_facet_counts_ad] after delete on [{table}] begin {delete} end",
        f"create trigger if not exists [{table}_facet_counts_au] after update of {names} on [{table}] "
        f"begin {update} end",
    ]


def ensure(db: sqlite_utils.Database) -> None:
    """The counts table and its triggers, where missing; counts filled if they were."""
    created = not db[TABLE].exists()
    db.execute(
        f"create table if not exists [{TABLE}] (facet text not null, value, "
        "count integer not null, primary key (facet, value)) without rowid"
    )
    for table in COUNTED:
        if db[table].exists():
            for sql in trigger_sql(table):
                db.execute(sql)
    if created:
        rebuild(db)


def rebuild(db: sqlite_utils.Database) -> None:
    """Recount everything from the rows (after a bulk write that bypassed the triggers)."""
    db.execute(f"delete from [{TABLE}]")
    for table, columns in COUNTED.items():
        for column in columns:
            db.execute(
                f"insert into [{TABLE}] (facet, value, count) "
                f"select '{column}', [{column}], count(*) from [{table}] "
                f"where [{column}] is not null group by [{column}]"
            )


# --- Datasette: the column facet reads the counts for an unfiltered table -----------

_WHERE = re.compile(r"\bwhere\b", re.I)


async def counted_facet_results(facet) -> tuple[list, list] | None:
    """Datasette ColumnFacet.facet_results from quote_facet_counts, or None to compute.

    Only for a table listed in COUNTED, shown without any filter or search (its SQL has
    no where clause), and when every requested column facet is a counted column.
    """
    from datasette.utils import path_with_added_args, path_with_removed_args

    columns = COUNTED.get(facet.table or "")
    if not columns or _WHERE.search(facet.sql) or facet.request.args.get("_search"):
        return None
    configs = facet.get_configs()
    wanted = [(s["config"].get("column") or s["config"].get("simple"), s["source"]) for s in configs]
    if not wanted or any(column not in columns for column, _ in wanted):
        return None
    db = facet.ds.get_database(facet.database)
    if not await db.table_exists(TABLE):
        return None
    size = facet.get_facet_size()
    qs_pairs = facet.get_querystring_pairs()
    results = []
    for column, source in wanted:
        rows = (await facet.ds.execute(
            facet.database,
            f"select value, count from [{TABLE}] where facet = :facet and count > 0 "
            "order by count desc, value limit :limit",
            {"facet": column, "limit": size + 1},
        )).rows
        expanded = await facet.ds.expand_foreign_keys(
            facet.database, facet.table, column, [r["value"] for r in rows[:size]])
        values = []
        for row in rows[:size]:
            selected = (column, str(row["value"])) in qs_pairs
            path = (path_with_removed_args(facet.request, {column: str(row["value"])}) if selected
                    else path_with_added_args(facet.request, {column: row["value"]}))
            values.append({
                "value": row["value"],
                "label": expanded.get((column, row["value"]), row["value"]),
                "count": row["count"],
                "toggle_url": facet.ds.absolute_url(facet.request, facet.ds.urls.path(path)),
                "selected": selected,
            })
        results.append({
            "name": column,
            "type": facet.type,
            "hideable": source != "metadata",
            "toggle_url": facet.ds.urls.path(path_with_removed_args(facet.request, {"_facet": column})),
            "results": values,
            "truncated": len(rows) > size,
        })
    return results, []


def install() -> None:
    """Make Datasette's column facet try the counts first (idempotent)."""
    from datasette.facets import ColumnFacet

    if getattr(ColumnFacet.facet_results, "_quotes_counted", False):
        return
    computed = ColumnFacet.facet_results

    async def facet_results(self):
        counted = await counted_facet_results(self)
        return counted if counted is not None else await computed(self)

    facet_results._quotes_counted = True
    ColumnFacet.facet_results = facet_results
