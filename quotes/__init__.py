"""quotes: who said what, when, in news articles -> SQLite -> Datasette."""

__version__ = "0.1.0"
