"""A batch of writes in one transaction, with the full-text index and the facet counts
brought up to date once, at its end, instead of by a trigger for every row.

The insert triggers of the full-text tables fire one FTS5 write per row, each flushed as
its own segment; the facet-count triggers (quotes/store/facet_counts.py) log each quote and
each of its mentions. Together they cost more than all the other inserts of a load
(benchmarks/load_bench.py). Inside a batch's transaction, invisible to every other
connection, `BatchIndexes.begin` swaps them for triggers that act only on the rows that
were there before the batch (the *old* rows), and `end` indexes and counts the rows the
batch added in one statement a table, then creates the original triggers again,
verbatim. A rollback restores them too.

Which rows are old: those with a rowid up to the table's largest at the start of the
batch, except the rowids deleted during the batch. SQLite gives a new row the largest
rowid plus one, so once the last rows of a table are deleted (an article loaded again)
a new row can take an old rowid: the one delete trigger of each table records every old
rowid it deletes in `_batch_deleted`, after the other delete work, so that a row that
later takes the rowid counts as new.
"""
from __future__ import annotations

from collections.abc import Iterable

import sqlite_utils

from quotes.store import facet_counts, schema

# FTS tables indexed at the end of a batch (a row added and then changed in the batch is
# indexed as it is at the end).
BULK_FTS = ("quotes", "claims", "articles", "entities")
DELETED = "_batch_deleted"
SUFFIX = "_batch"


class BatchIndexes:
    """FTS and facet counts for one batch: `begin()` inside its transaction, `end()`
    before it commits (or roll back: the triggers come back with everything else)."""

    def __init__(self, db: sqlite_utils.Database, fts_tables: Iterable[str] = BULK_FTS):
        self.db = db
        triggers = dict(db.execute("select name, sql from sqlite_master where type = 'trigger'").fetchall())
        self.fts: dict[str, list[str]] = {}  # table -> its indexed columns
        self.saved: dict[str, str] = {}  # trigger name -> its SQL, recreated at the end
        for table in fts_tables:
            columns = schema.FTS.get(table)
            names = [f"{table}_{suffix}" for suffix in ("ai", "ad", "au")]
            if columns and all(n in triggers for n in names) and db[f"{table}_fts"].exists():
                self.fts[table] = list(columns)
                self.saved.update((n, triggers[n]) for n in names)
        self.counted: list[str] = []
        for table in facet_counts.COUNTED:
            names = facet_counts.replaced_in_batch(table)
            if all(n in triggers for n in names):
                self.counted.append(table)
                self.saved.update((n, triggers[n]) for n in names)
        self.last: dict[str, int] = {}
        self.active = False

    def _old(self, table: str, alias: str) -> str:
        return (f"({alias}.rowid <= {self.last[table]} and {alias}.rowid not in "
                f"(select r from [{DELETED}] where t = '{table}'))")

    def _new(self, table: str, alias: str) -> str:
        return (f"({alias}.rowid > {self.last[table]} or {alias}.rowid in "
                f"(select r from [{DELETED}] where t = '{table}'))")

    def begin(self) -> None:
        """Inside the batch's transaction: swap the triggers, note where rows end."""
        if not self.saved:
            return
        db = self.db
        db.execute(f"create table if not exists [{DELETED}] (t text, r integer, primary key (t, r)) without rowid")
        tables = list(dict.fromkeys([*self.fts, *self.counted]))
        for table in tables:
            self.last[table] = db.execute(f"select coalesce(max(rowid), 0) from [{table}]").fetchone()[0]
        for name in self.saved:
            db.execute(f"drop trigger [{name}]")
        created = []
        for table in tables:
            on_delete = []
            if table in self.fts:
                fts, columns = f"[{table}_fts]", self.fts[table]
                names = ", ".join(f"[{c}]" for c in columns)
                old = ", ".join(f"old.[{c}]" for c in columns)
                new = ", ".join(f"new.[{c}]" for c in columns)
                on_delete.append(f"insert into {fts} ({fts}, rowid, {names}) values ('delete', old.rowid, {old});")
                created.append(
                    f"create trigger [{table}_au{SUFFIX}] after update of {names} on [{table}] "
                    f"when {self._old(table, 'old')} "
                    f"begin insert into {fts} ({fts}, rowid, {names}) values ('delete', old.rowid, {old}); "
                    f"insert into {fts} (rowid, {names}) values (new.rowid, {new}); end"
                )
            if table in self.counted:
                body, triggers = facet_counts.batch_triggers(table, lambda alias, t=table: self._old(t, alias))
                on_delete.append(body)
                created += triggers
            # One delete trigger a table: its work first, then the rowid noted (see above).
            created.append(
                f"create trigger [{table}_ad{SUFFIX}] after delete on [{table}] when {self._old(table, 'old')} "
                f"begin {' '.join(on_delete)} insert into [{DELETED}] (t, r) values ('{table}', old.rowid); end"
            )
        self.created = [sql.replace("create trigger if not exists", "create trigger", 1) for sql in created]
        for sql in self.created:
            db.execute(sql)
        self.active = True

    def end(self) -> None:
        """Index and count the batch's rows, one statement a table; the original triggers back."""
        if not self.active:
            return
        db = self.db
        for table, columns in self.fts.items():
            names = ", ".join(f"[{c}]" for c in columns)
            db.execute(f"insert into [{table}_fts] (rowid, {names}) "
                       f"select rowid, {names} from [{table}] where {self._new(table, table)}")
        for table in self.counted:
            for sql in facet_counts.batch_log_sql(table, self._new(table, "{alias}")):
                db.execute(sql)
        for sql in self.created:
            name = sql.split("[", 1)[1].split("]", 1)[0]
            db.execute(f"drop trigger [{name}]")
        for sql in self.saved.values():
            db.execute(sql)
        db.execute(f"drop table [{DELETED}]")
        self.active = False
