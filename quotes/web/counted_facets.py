"""The `counted` facet type: a column facet that reads the materialised counts
(quotes/store/facet_counts.py) where they hold the answer, instead of a `group by` over
the rows shown.

In metadata.yml, on the quotes table (or in a URL, `?_facet_counted=speaker_name`):

    facets:
      - counted: speaker_name

The counts hold the answer when the table is shown unfiltered, or with one
`column = value` filter on a counted column (`?cue=said`, `?cue__exact=said`) and
nothing else: each facet is then one index range of the counts. Over a full-text search
the facets are computed in one pass over the matches; on any other page each is
computed as Datasette's column facet computes it, under the same time limit. Any column
of any table can be a counted facet: without counts it is simply computed.

The results are shaped as Datasette's column facet shapes them (type "column", so the
page reads "speaker_name", not "speaker_name (counted)"): the same values, counts,
labels, toggle URLs and selection. A type of its own because Datasette runs every
registered facet class: a second class of type "column" would compute each column facet
twice. A plain `?_facet=speaker_name` for a column the table already shows as a counted
facet is dropped from the URL (quotes/web/default_facets.py); for any other column it
is Datasette's own (computed) column facet. The pages never link to one for a column
shown as a counted facet (see templates/_suggested_facets.html).

Which rows a facet counts is read from the SQL Datasette hands to facets (`Facet.sql`,
`Facet.params`), not from the request: filters come from the query string, from
`filters_from_request` plugins and from `?_next=`, and only the SQL has them all.
tests/test_facet_counts.py pins the Datasette code this relies on.
"""
from __future__ import annotations

from datasette.database import QueryInterrupted
from datasette.facets import Facet
from datasette.utils import escape_sqlite, path_with_added_args, path_with_removed_args

from quotes.store import facet_counts

# Facets over at most this many search results are computed in one pass (a temporary
# table of their facet columns); more, and each is computed on its own, so that one
# slow facet times out alone.
COMBINE_MAX_ROWS = 50_000


class CountedFacet(Facet):
    type = "counted"
    shown_as = "column"  # the type its results report

    async def facet_results(self) -> tuple[list[dict], list[str]]:
        configs = [(c, _column(c)) for c in self.get_configs()]
        size = self.get_facet_size()
        answers = await self._from_counts(configs, size)
        answers.update(await self._in_one_pass([c for _, c in configs if c not in answers], size))
        results, timed_out = [], []
        for source_and_config, column in configs:
            rows = answers[column] if column in answers else await self._computed(column, size)
            if rows is None:
                timed_out.append(column)
            else:
                results.append(await self._info(source_and_config, column, rows, size))
        return results, timed_out

    async def _from_counts(self, configs, size: int) -> dict[str, list[tuple]]:
        """{column: rows} for the facets the counts answer."""
        found = scope(self)
        if found is None:
            return {}
        answers = {}
        for _, column in configs:
            rows = await read_counts(self, found[0], found[1], column, size + 1)
            if rows is not None:
                answers[column] = [(r["value"], r["count"]) for r in rows]
        return answers

    async def _in_one_pass(self, columns: list[str], size: int) -> dict[str, list[tuple]]:
        """{column: rows} for several facets over a search's matches, computed together;
        empty when that does not apply or took too long (each is then computed alone)."""
        if len(columns) < 2 or not self._is_search() or (self.row_count or 0) > COMBINE_MAX_ROWS:
            return {}
        try:
            return await combined(self, columns, size)
        except QueryInterrupted:
            return {}

    def _is_search(self) -> bool:
        args = self.request.args
        return any(key.startswith("_search") and args.get(key) for key in args)

    async def _computed(self, column: str, size: int) -> list[tuple] | None:
        """Datasette's column facet query for one column; None when it timed out."""
        col = escape_sqlite(column)
        sql = (f"select {col} as value, count(*) as count from ({self.sql}) "
               f"where {col} is not null group by {col} order by count desc, value limit {size + 1}")
        try:
            rows = (await self.ds.execute(
                self.database, sql, self.params, truncate=False,
                custom_time_limit=self.ds.setting("facet_time_limit_ms"),
            )).rows
        except QueryInterrupted:
            return None
        return [(r["value"], r["count"]) for r in rows]

    async def _info(self, source_and_config: dict, column: str, rows: list[tuple], size: int) -> dict:
        """One facet's results, as Datasette's column facet gives them."""
        qs_pairs = self.get_querystring_pairs()
        shown = rows[:size]
        expanded = {}
        if self.table:
            expanded = await self.ds.expand_foreign_keys(
                self.database, self.table, column, [value for value, _ in shown])
        column_qs = f"{column}__exact" if column.startswith("_") else column
        values = []
        for value, count in shown:
            selected = (column_qs, str(value)) in qs_pairs
            path = (path_with_removed_args(self.request, {column_qs: str(value)}) if selected
                    else path_with_added_args(self.request, {column_qs: value}))
            values.append({
                "value": value,
                "label": expanded.get((column, value), value),
                "count": count,
                "toggle_url": self.ds.absolute_url(self.request, self.ds.urls.path(path)),
                "selected": selected,
            })
        return {
            "name": column,
            "type": self.shown_as,
            "hideable": source_and_config["source"] != "metadata",
            "toggle_url": self.ds.urls.path(
                path_with_removed_args(self.request, {f"_facet_{self.type}": column})),
            "results": values,
            "truncated": len(rows) > size,
        }


def _column(source_and_config: dict) -> str:
    config = source_and_config["config"]
    return config.get("column") or config["simple"]


def scope(facet: Facet) -> tuple[str | None, object] | None:
    """Which rows `facet` counts, when the counts can say: (None, None) for the whole
    table, (column, value) for the rows where a counted column has one value; None for
    anything else.

    Recognised by the SQL's exact ending, as Datasette's table view writes it: `from
    TABLE ` unfiltered, `from TABLE where "COLUMN" = :p0 ` for one exact filter.
    """
    columns = facet_counts.COUNTED.get(facet.table or "")
    if not columns:
        return None
    rows_from = f" from {escape_sqlite(facet.table)} "
    params = facet.params or {}
    if facet.sql.endswith(rows_from):
        return (None, None) if not params else None
    if not isinstance(params, dict) or list(params) != ["p0"]:
        return None
    for column in columns:
        if facet.sql.endswith(f'{rows_from}where "{column}" = :p0 '):
            return column, params["p0"]
    return None


async def read_counts(facet: Facet, filter_column: str | None, value, column: str, limit: int):
    """Rows (value, count) from the counts, largest first, or None when they do not hold
    the answer. `value` is the filter's value as the request gave it (text)."""
    sql = facet_counts.counts_sql(facet.table, filter_column, column)
    if sql is None:
        return None
    db = facet.ds.get_database(facet.database)
    if not await db.table_exists(facet_counts.LOG):  # made last (0006); PAIRS with it
        return None
    if filter_column is not None:
        # the value as stored, as SQLite compares them ('2008' finds said_year 2008)
        row = (await db.execute(
            f"select {escape_sqlite(filter_column)} from {escape_sqlite(facet.table)} "
            f"where {escape_sqlite(filter_column)} = :p0 limit 1", {"p0": value})).first()
        if row is None:
            return []
        value = row[0]
    return (await db.execute(
        sql, {"facet": column, "column": filter_column, "value": value, "limit": limit})).rows


async def combined(facet: Facet, columns: list[str], size: int) -> dict[str, list[tuple]]:
    """Each of `columns` counted over the facet's rows in one query: the rows are found
    once (a search looks up every match in the table) and their facet columns kept in a
    temporary table that each `group by` reads."""
    columns = list(dict.fromkeys(columns))
    names = ", ".join(escape_sqlite(c) for c in columns)
    parts = [
        f"select * from (select {n} as facet, {escape_sqlite(c)} as value, count(*) as count "
        f"from browsed where {escape_sqlite(c)} is not null group by {escape_sqlite(c)} "
        f"order by count desc, value limit {size + 1})"
        for n, c in enumerate(columns)
    ]
    sql = f"with browsed as materialized (select {names} from ({facet.sql})) " + " union all ".join(parts)
    rows = (await facet.ds.execute(
        facet.database, sql, facet.params, truncate=False,
        custom_time_limit=facet.ds.setting("facet_time_limit_ms"),
    )).rows
    answers: dict[str, list[tuple]] = {c: [] for c in columns}
    for row in rows:
        answers[columns[row["facet"]]].append((row["value"], row["count"]))
    return answers
