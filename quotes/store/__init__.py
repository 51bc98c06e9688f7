"""The database: the schema and its migrations (schema), the per-article write (writer),
and what makes loads fast and safe (bulk, deferred, checkpoint, transaction,
facet_counts). Merging shards (quotes.merge) sits above, with the load.

Store never imports extraction, the corpus or the web: it writes the records it is given. Callers
use the names below (`store.connect`, `store.write_article`...); the modules are where
each lives.
"""
from quotes.store.schema import (FTS, MIGRATIONS, TABLES, VIEWS, article_entity_id, connect,
                                 ensure_schema, insert_rows, schema_version)
from quotes.store.transaction import write_transaction
from quotes.store.writer import (article_row, delete_article_rows, find_loaded, log, said_parts,
                                 text_hash, write_article)

__all__ = [
    "FTS", "MIGRATIONS", "TABLES", "VIEWS", "article_entity_id", "article_row", "connect",
    "delete_article_rows", "ensure_schema", "find_loaded", "insert_rows", "log", "said_parts",
    "schema_version", "text_hash", "write_article", "write_transaction",
]
