"""Materialised facet counts: the quotes table's facets at a million rows, filtered or not.

Datasette computes a column facet with a `group by` over every row shown. On the whole
quotes table that is a full scan of the column's index, 100-250 ms a facet at a million
quotes, against a 200 ms facet time limit. With one broad value chosen (`cue = said`
keeps a third of the table, a publisher a fifth) each other facet looks up hundreds of
thousands of rows: 250-1,000 ms a facet, so they timed out.

Three tables, kept exact by triggers (insert, delete, and an update of a counted column,
such as a speaker renamed by `quotes refresh`), so they are right after every load,
reload, refresh or any other write:

- `quote_facet_counts` (facet, value, count): each value of each counted column, for
  the unfiltered table.
- `quote_pair_counts` (facet, value, other, other_value, count): the quotes that have
  both values, for every pair of a FILTERS column (one whose values keep a large share
  of the table) and another counted column, each unordered pair stored once; and for
  each FILTERS column, the entities the quotes mention (quote_mentions, the m2m facet
  "mentioned").
- `quote_facet_log`: the changes not yet added to those two. A trigger on quotes (and on
  quote_mentions) appends one row per quote written (-1 for the old values, +1 for the
  new); every FOLD_EVERY rows a trigger on the log adds it to the counts, one
  `group by` per count, and empties it. Counting each quote into 20 counters as it is
  written cost the writer 0.9 ms an article (a third more: the counters are spread
  over a table bigger than SQLite's page cache); a batch of 2,048 quotes touches each
  counter once, in key order. Readers add the log's few rows to what they read.

The `counted` facet type of the Datasette plugin (quotes/web/counted_facets.py) reads them
with counts_sql when the table is shown unfiltered, or with exactly one
`column = value` filter and nothing else: each facet is then one index range of the
counts, not a scan of the rows. It imports nothing of Datasette (store never imports web).
"""
from __future__ import annotations

import re
from collections.abc import Callable

import sqlite_utils

TABLE = "quote_facet_counts"
PAIRS = "quote_pair_counts"
LOG = "quote_facet_log"
FOLD = "quote_facet_fold"  # a row written here adds the log to the counts
FOLD_EVERY = 2048  # log rows added to the counts at once
COUNTED: dict[str, tuple[str, ...]] = {
    "quotes": ("speaker_name", "kind", "cue", "said_year", "said_month", "publisher"),
}
# Columns whose one value can keep a large share of the table: a page filtered on one of
# them reads every other facet from the pair counts. A filter on any other counted column
# (a speaker, a month) keeps few rows, and its facets on these columns come from the
# same pairs.
FILTERS: dict[str, tuple[str, ...]] = {
    "quotes": ("kind", "cue", "publisher", "said_year"),
}
# The many-to-many facet counted against FILTERS: (through table, its column pointing at
# the browsed table's primary key, the column counted). At most one a table: the log
# keeps its value in `mention`.
THROUGH: dict[str, tuple[str, str, str]] = {
    "quotes": ("quote_mentions", "quote_id", "entity_id"),
}
PK = "id"  # the counted tables' primary key, which THROUGH points at


def pairs(table: str = "quotes") -> list[tuple[str, str]]:
    """(facet, other) column pairs stored, each unordered pair once, FILTERS columns first."""
    filters = FILTERS[table]
    out = []
    for i, a in enumerate(filters):
        for b in COUNTED[table]:
            if b != a and not (b in filters and filters.index(b) < i):
                out.append((a, b))
    return out


def through_names(table: str = "quotes") -> list[str]:
    return [through_name(THROUGH[table][0], THROUGH[table][2])] if table in THROUGH else []


def through_name(through: str, column: str) -> str:
    """How a many-to-many facet is named in quote_pair_counts.other."""
    return f"{through}.{column}"


# --- the triggers --------------------------------------------------------------------


def _cols(columns, prefix: str = "") -> str:
    return ", ".join(f"{prefix}[{c}]" for c in columns)


def _changed(row_columns, guard: bool = True) -> str:
    return " or ".join(f"old.[{c}] is not new.[{c}]" for c in row_columns)


def _log_quote(table: str, sign: int, row: str) -> str:
    """Log one row's counted values (`row` is new or old)."""
    columns = COUNTED[table]
    return f"insert into [{LOG}] (sign, {_cols(columns)}) values ({sign}, {_cols(columns, row + '.')});"


def _log_mentions_of(table: str, sign: int, row: str, when: str = "") -> str:
    """Log a quote's mentions (with foreign keys on there are none yet on insert, none
    left on delete: mention rows are written after and deleted before)."""
    through, key, counted = THROUGH[table]
    filters = FILTERS[table]
    return (f"insert into [{LOG}] (sign, mention, {_cols(filters)}) "
            f"select {sign}, m.[{counted}], {_cols(filters, row + '.')} from [{through}] m "
            f"where m.[{key}] = {row}.[{PK}] and m.[{counted}] is not null{when};")


def _log_quote_of(table: str, sign: int, row: str, quote_is: str = "") -> str:
    """Log a mention row's quote, if it exists (and, in a batch, is `quote_is`)."""
    through, key, counted = THROUGH[table]
    filters = FILTERS[table]
    return (f"insert into [{LOG}] (sign, mention, {_cols(filters)}) "
            f"select {sign}, {row}.[{counted}], {_cols(filters, 'q.')} from [{table}] q "
            f"where q.[{PK}] = {row}.[{key}] and {row}.[{counted}] is not null{quote_is};")


def _has_mentions(table: str) -> bool:
    return bool(FILTERS.get(table)) and table in THROUGH


def _delete_body(table: str) -> str:
    body = _log_quote(table, -1, "old")
    return body + (" " + _log_mentions_of(table, -1, "old") if _has_mentions(table) else "")


def _update_trigger(table: str, name: str, when: str = "") -> str:
    """After an update of a counted column: -1 for the old values, +1 for the new."""
    columns = COUNTED[table]
    watched = [*columns, PK] if _has_mentions(table) else list(columns)
    body = f"{_log_quote(table, -1, 'old')} {_log_quote(table, 1, 'new')}"
    if _has_mentions(table):
        moved = f" and ({_changed([*FILTERS[table], PK])})"
        body += f" {_log_mentions_of(table, -1, 'old', moved)} {_log_mentions_of(table, 1, 'new', moved)}"
    return (f"create trigger if not exists [{name}] after update of {_cols(watched)} on [{table}] "
            f"when {f'{when} and ({_changed(watched)})' if when else _changed(watched)} begin {body} end")


def _mention_triggers(table: str, suffix: str = "", quote_is: str = "") -> list[str]:
    through, key, counted = THROUGH[table]
    watched = [key, counted]
    return [
        f"create trigger if not exists [{through}_facet_counts_ai{suffix}] after insert on [{through}] "
        f"begin {_log_quote_of(table, 1, 'new', quote_is)} end",
        f"create trigger if not exists [{through}_facet_counts_ad{suffix}] after delete on [{through}] "
        f"begin {_log_quote_of(table, -1, 'old', quote_is)} end",
        f"create trigger if not exists [{through}_facet_counts_au{suffix}] after update of {_cols(watched)} "
        f"on [{through}] when {_changed(watched)} begin "
        f"{_log_quote_of(table, -1, 'old', quote_is)} {_log_quote_of(table, 1, 'new', quote_is)} end",
    ]


def trigger_sql(table: str = "quotes") -> list[str]:
    """The triggers that keep the counts of `table` (and of its many-to-many table) exact:
    they append to the log, and the log's own trigger folds it into the counts."""
    insert = _log_quote(table, 1, "new")
    if _has_mentions(table):
        insert += " " + _log_mentions_of(table, 1, "new")
    return [
        f"create trigger if not exists [{table}_facet_counts_ai] after insert on [{table}] "
        f"begin {insert} end",
        f"create trigger if not exists [{table}_facet_counts_ad] after delete on [{table}] "
        f"begin {_delete_body(table)} end",
        _update_trigger(table, f"{table}_facet_counts_au"),
        *(_mention_triggers(table) if _has_mentions(table) else []),
        # A trigger's whole program is set up each time it fires, WHEN clause or not:
        # the log's own trigger stays one statement, and the fold fires only when due.
        f"create trigger if not exists [{LOG}_full] after insert on [{LOG}] "
        f"when new.rowid >= {FOLD_EVERY} begin insert into [{FOLD}] (rows) values (new.rowid); end",
        f"create trigger if not exists [{FOLD}_run] after insert on [{FOLD}] "
        f"begin {' '.join(fold_sql())} delete from [{FOLD}]; end",
    ]


# --- a batch of writes: counted once at its end (quotes.store.bulk) ----------------------------

BATCH_SUFFIX = "_batch"


def replaced_in_batch(table: str) -> list[str]:
    """The count triggers a batch replaces: all but the log's own."""
    return trigger_names(table)[:-2]


def batch_triggers(table: str, is_old: Callable[[str], str]) -> tuple[str, list[str]]:
    """What stands for the count triggers of `table` while a batch is written.

    `is_old(alias)` is SQL true for a row of `table` that was there before the batch: only
    those are counted as they change; the rows the batch adds are counted at its end
    (batch_log_sql). Returns the statements to run when an old row is deleted (the
    caller composes them into its one delete trigger, see quotes.store.bulk) and the triggers
    for updates and for the mentions, named with BATCH_SUFFIX.
    """
    update = _update_trigger(table, f"{table}_facet_counts_au{BATCH_SUFFIX}", when=is_old("old"))
    triggers = [update]
    if _has_mentions(table):
        triggers += _mention_triggers(table, BATCH_SUFFIX, quote_is=f" and {is_old('q')}")
    return _delete_body(table), triggers


def batch_log_sql(table: str, is_new: str) -> list[str]:
    """Log the rows a batch added (`is_new`: SQL true for them, with {alias} for the table's
    name), grouped: one log row for each set of values, its sign the number of rows.
    The new rows are found first (a rowid range), then grouped: a `group by` over the
    table would scan a whole index. The cross join keeps them first for the mentions
    too (SQLite otherwise scans every mention and looks its quote up)."""
    columns = COUNTED[table]
    out = [f"with new as materialized (select {_cols(columns)} from [{table}] "
           f"where {is_new.format(alias=table)}) "
           f"insert into [{LOG}] (sign, {_cols(columns)}) select count(*), {_cols(columns)} "
           f"from new group by {_cols(columns)}"]
    if _has_mentions(table):
        through, key, counted = THROUGH[table]
        filters = FILTERS[table]
        out.append(
            f"with new as materialized (select m.[{counted}] as mention, {_cols(filters, 'q.')} "
            f"from [{table}] q cross join [{through}] m on m.[{key}] = q.[{PK}] "  # the new rows first
            f"where {is_new.format(alias='q')} and m.[{counted}] is not null) "
            f"insert into [{LOG}] (sign, mention, {_cols(filters)}) "
            f"select count(*), mention, {_cols(filters)} from new group by mention, {_cols(filters)}")
    return out


def fold_sql() -> list[str]:
    """Add the log to the counts, one `group by` a count, and empty it."""
    add = " having sum(sign) != 0 on conflict ({key}) do update set count = count + excluded.count;"
    out = []
    for table, columns in COUNTED.items():
        for c in columns:
            out.append(f"insert into [{TABLE}] (facet, value, count) select '{c}', [{c}], sum(sign) "
                       f"from [{LOG}] where mention is null and [{c}] is not null group by [{c}]"
                       + add.format(key="facet, value"))
        for a, b in pairs(table) if table in FILTERS else ():
            out.append(f"insert into [{PAIRS}] (facet, value, other, other_value, count) "
                       f"select '{a}', [{a}], '{b}', [{b}], sum(sign) from [{LOG}] where mention is null "
                       f"and [{a}] is not null and [{b}] is not null group by [{a}], [{b}]"
                       + add.format(key="facet, value, other, other_value"))
        for name in through_names(table) if table in FILTERS else ():
            for f in FILTERS[table]:
                out.append(f"insert into [{PAIRS}] (facet, value, other, other_value, count) "
                           f"select '{f}', [{f}], '{name}', mention, sum(sign) from [{LOG}] "
                           f"where mention is not null and [{f}] is not null group by [{f}], mention"
                           + add.format(key="facet, value, other, other_value"))
    out.append(f"delete from [{LOG}];")
    return out


def trigger_names(table: str = "quotes") -> list[str]:
    return [re.match(r"create trigger if not exists \[([^\]]+)\]", sql).group(1) for sql in trigger_sql(table)]


def ensure(db: sqlite_utils.Database) -> None:
    """The counts tables and their triggers, where missing; counts filled if they were.

    Triggers made by an earlier version (single counts only, or counting without
    the log) are replaced.
    """
    created = not all(db[t].exists() for t in (TABLE, PAIRS, LOG, FOLD))
    db.execute(
        f"create table if not exists [{TABLE}] (facet text not null, value, "
        "count integer not null, primary key (facet, value)) without rowid"
    )
    db.execute(
        f"create table if not exists [{PAIRS}] (facet text not null, value not null, "
        "other text not null, other_value not null, count integer not null, "
        "primary key (facet, value, other, other_value)) without rowid"
    )
    # the pairs read from the other side: (other, other_value) first
    db.execute(f"create index if not exists [{PAIRS}_other] on [{PAIRS}] (other, other_value, facet, value)")
    columns = list(dict.fromkeys(c for cols in COUNTED.values() for c in cols))
    db.execute(f"create table if not exists [{LOG}] (sign integer not null, mention, {_cols(columns)})")
    db.execute(f"create table if not exists [{FOLD}] (rows integer)")
    for table in COUNTED:
        if not db[table].exists():
            continue
        wanted = trigger_sql(table)
        names = trigger_names(table)
        for name, sql in zip(names, wanted):
            have = db.execute("select sql from sqlite_master where type = 'trigger' and name = ?",
                              [name]).fetchone()
            if have and have[0] != "CREATE TRIGGER" + sql.removeprefix("create trigger if not exists"):
                db.execute(f"drop trigger [{name}]")
                created = True
            db.execute(sql)
    if created:
        rebuild(db)


def rebuild(db: sqlite_utils.Database) -> None:
    """Recount everything from the rows (after a bulk write that bypassed the triggers)."""
    db.execute(f"delete from [{TABLE}]")
    db.execute(f"delete from [{PAIRS}]")
    db.execute(f"delete from [{LOG}]")
    for table, columns in COUNTED.items():
        for column in columns:
            db.execute(
                f"insert into [{TABLE}] (facet, value, count) "
                f"select '{column}', [{column}], count(*) from [{table}] "
                f"where [{column}] is not null group by [{column}]"
            )
        if table not in FILTERS:
            continue
        for a, b in pairs(table):
            db.execute(
                f"insert into [{PAIRS}] (facet, value, other, other_value, count) "
                f"select '{a}', [{a}], '{b}', [{b}], count(*) from [{table}] "
                f"where [{a}] is not null and [{b}] is not null group by [{a}], [{b}]"
            )
        if table in THROUGH and db[THROUGH[table][0]].exists():
            through, key, counted = THROUGH[table]
            for f in FILTERS[table]:
                db.execute(
                    f"insert into [{PAIRS}] (facet, value, other, other_value, count) "
                    f"select '{f}', q.[{f}], '{through_name(through, counted)}', m.[{counted}], count(*) "
                    f"from [{through}] m join [{table}] q on q.[{PK}] = m.[{key}] "
                    f"where q.[{f}] is not null and m.[{counted}] is not null group by q.[{f}], m.[{counted}]"
                )


def fold(db: sqlite_utils.Database) -> None:
    """Add the log to the counts now (the log's trigger does it every FOLD_EVERY rows)."""
    for sql in fold_sql():
        db.execute(sql)


# --- reading them ----------------------------------------------------------------------


def counts_sql(table: str, filter_column: str | None, facet: str) -> str | None:
    """SQL for (value, count) of `facet` over the rows where filter_column = :value (all
    rows for None), largest first, :limit rows: the counts plus the log's rows not yet
    added to them. None when the counts do not hold the answer. Its parameters:
    :facet and :column (the two column names), :value (as stored), :limit."""
    if filter_column is None or filter_column == facet:
        if facet not in COUNTED.get(table, ()):
            return None
        chosen = "" if filter_column is None else "and value = :value"
        counted = f"select value as v, count as n from [{TABLE}] where facet = :facet {chosen}"
        logged = (f"select [{facet}], sign from [{LOG}] where mention is null and [{facet}] is not null "
                  + ("" if filter_column is None else f"and [{facet}] = :value"))
    elif (filter_column, facet) in pairs(table) or (facet, filter_column) in pairs(table):
        if (filter_column, facet) in pairs(table):
            counted = (f"select other_value as v, count as n from [{PAIRS}] where facet = :column "
                       "and value = :value and other = :facet")
        else:  # stored the other way round
            counted = (f"select value as v, count as n from [{PAIRS}] indexed by [{PAIRS}_other] "
                       "where other = :column and other_value = :value and facet = :facet")
        logged = (f"select [{facet}], sign from [{LOG}] where mention is null "
                  f"and [{filter_column}] = :value and [{facet}] is not null")
    elif filter_column in FILTERS.get(table, ()) and facet in through_names(table):
        counted = (f"select other_value as v, count as n from [{PAIRS}] where facet = :column "
                   "and value = :value and other = :facet")
        logged = (f"select mention, sign from [{LOG}] where mention is not null "
                  f"and [{filter_column}] = :value")
    else:
        return None
    return (f"select v as value, sum(n) as count from ({counted} union all {logged}) "
            "group by v having sum(n) > 0 order by count desc, value limit :limit")
