"""A many-to-many facet for Datasette: who the shown quotes are about.

Datasette 0.65 facets on columns, dates and JSON arrays. The people a quote mentions
live in `quote_mentions` (many per quote), and a JSON-array column would be the slow
kind of facet (STYLE.md: ~5 s at a million rows), so this facet counts the other side
of a many-to-many table over the rows being browsed, through the table's indexes, and
each value toggles Datasette's own `?_through=` filter. With one broad value chosen
(`?cue=said`) the counts come from quote_pair_counts (quotes/store/facet_counts.py,
read as quotes/web/counted_facets.py reads them).

In metadata.yml, on the quotes table:

    facets:
      - m2m: {table: quote_mentions, name: mentioned}

`table` is the many-to-many table; it needs a foreign key to the browsed table and one
to the table counted (the first other one, or `column`). Registered by
the plugin's register_facet_classes (quotes/web/).
"""
from __future__ import annotations

import json
import re

from datasette.database import QueryInterrupted
from datasette.facets import Facet
from datasette.utils import escape_sqlite, path_with_added_args, path_with_removed_args

from quotes.store import facet_counts
from quotes.web import counted_facets


_WHERE = re.compile(r"\bwhere\b", re.I)


class ManyToManyFacet(Facet):
    type = "m2m"

    async def _link(self, config: dict):
        """(through table, fk to the browsed table, fk to the counted table) or None."""
        through = config.get("table") or config.get("simple")
        db = self.ds.get_database(self.database)
        if not self.table or not through or not await db.table_exists(through):
            return None
        fks = await db.foreign_keys_for_table(through)
        ours = [fk for fk in fks if fk["other_table"] == self.table]
        others = [fk for fk in fks if fk["other_table"] != self.table
                  and fk["column"] == config.get("column", fk["column"])]
        if not ours or not others:
            return None
        return through, ours[0], others[0]

    def _selected(self) -> dict[tuple[str, str, str], str]:
        """The ?_through= filters in the request: (table, column, value) -> raw argument."""
        chosen = {}
        for raw in self.request.args.getlist("_through"):
            try:
                data = json.loads(raw)
                chosen[(data["table"], data["column"], str(data["value"]))] = raw
            except (ValueError, KeyError, TypeError):
                continue
        return chosen

    async def facet_results(self):
        results, timed_out = [], []
        facet_size = self.get_facet_size()
        selected = self._selected()
        for source_and_config in self.get_configs():
            config = source_and_config["config"]
            link = await self._link(config)
            if link is None:
                continue
            through, ours, other = link
            name = config.get("name") or through
            # One broad value chosen: from the pair counts; otherwise computed.
            counted = await self._counted(through, ours, other, facet_size + 1)
            if counted is not None:
                rows = counted
            else:
                rows = await self._computed(through, ours, other, facet_size + 1)
                if rows is None:
                    timed_out.append(name)
                    continue
            shown = rows[:facet_size]
            labels = await self.ds.expand_foreign_keys(
                self.database, through, other["column"], [r["value"] for r in shown])
            values = []
            for row in shown:
                key = (through, other["column"], str(row["value"]))
                if key in selected:
                    toggle = path_with_removed_args(self.request, {"_through": selected[key]})
                else:
                    arg = json.dumps({"table": through, "column": other["column"], "value": str(row["value"])},
                                     separators=(",", ":"))
                    toggle = path_with_added_args(self.request, {"_through": arg})
                values.append({
                    "value": row["value"],
                    "label": labels.get((other["column"], row["value"]), row["value"]),
                    "count": row["count"],
                    "toggle_url": self.ds.absolute_url(self.request, self.ds.urls.path(toggle)),
                    "selected": key in selected,
                })
            results.append({
                "name": name,
                "type": self.type,
                "hideable": source_and_config["source"] != "metadata",
                "toggle_url": self.ds.urls.path(path_with_removed_args(self.request, {"_facet_m2m"})),
                "results": values,
                "truncated": len(rows) > facet_size,
            })
        return results, timed_out

    async def _counted(self, through: str, ours: dict, other: dict, limit: int):
        """Rows from quote_pair_counts for a page filtered on one broad column
        (quotes/store/facet_counts.py), or None when the counts do not hold the answer."""
        found = counted_facets.scope(self)
        if found is None or found[0] is None:
            return None
        if (through, ours["column"], other["column"]) != facet_counts.THROUGH.get(self.table) \
                or ours["other_column"] != facet_counts.PK:
            return None
        return await counted_facets.read_counts(
            self, found[0], found[1], facet_counts.through_name(through, other["column"]), limit)

    async def _computed(self, through: str, ours: dict, other: dict, limit: int):
        """Rows counted over the rows browsed, or None when that took too long.

        Unfiltered, every row of the many-to-many table counts (its foreign key holds):
        its own index answers in milliseconds where the subquery over a million quotes
        takes ~400 ms. Filtered, a join on the browsed rows (their key is unique: a
        foreign key points at it) rather than `in (subquery)`, which builds the set of
        every browsed key first: 90 ms instead of 570 with a third of a million quotes.
        """
        unfiltered = not _WHERE.search(self.sql)
        sql = """
            select {t}.{col} as value, count(*) as count
            from {t}
            {where}
            group by {t}.{col}
            order by count desc, value
            limit {limit}
        """.format(
            t=escape_sqlite(through), col=escape_sqlite(other["column"]),
            where="" if unfiltered else "join ({sql}) as browsed on browsed.{pk} = {t}.{ours}".format(
                t=escape_sqlite(through), ours=escape_sqlite(ours["column"]),
                pk=escape_sqlite(ours["other_column"]), sql=self.sql),
            limit=limit,
        )
        try:
            return (await self.ds.execute(
                self.database, sql, self.params, truncate=False,
                custom_time_limit=self.ds.setting("facet_time_limit_ms"),
            )).rows
        except QueryInterrupted:
            return None
