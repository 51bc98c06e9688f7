"""The Datasette metadata for databases `quotes` made, from the packaged metadata.yml.

metadata.yml (quotes/web/metadata.yml; the one at the top of the checkout is a link to
it) is written for a database named `quotes`, the way Datasette's own metadata files
are, so that it reads as plain Datasette configuration. The plugin hands its
`databases: quotes:` block to every database it recognises (quotes.web.recognise),
under that database's own name, and the instance's title, description, source and
license whenever at least one is served. Metadata given with `-m` still wins: Datasette
merges what plugins return under it.
"""
from __future__ import annotations

import functools
from importlib.resources import files

import yaml

CONFIGURED_AS = "quotes"  # the database name metadata.yml configures
INSTANCE_KEYS = ("title", "description", "source", "license", "source_url", "license_url")


@functools.cache
def metadata() -> dict:
    """metadata.yml as packaged with quotes.web."""
    return yaml.safe_load((files("quotes.web") / "metadata.yml").read_text(encoding="utf-8"))


def _dicts_copied(value):
    """A copy of every dict in `value` (Datasette merges the local metadata into what a
    plugin returns, in place); lists and strings are only ever replaced, so shared."""
    if isinstance(value, dict):
        return {k: _dicts_copied(v) for k, v in value.items()}
    return value


def for_databases(names: list[str]) -> dict:
    """Metadata configuring each database in `names` as metadata.yml configures `quotes`;
    empty when there are none."""
    if not names:
        return {}
    config = metadata()
    database = config["databases"][CONFIGURED_AS]
    out = {key: config[key] for key in INSTANCE_KEYS if key in config}
    out["databases"] = {name: _dicts_copied(database) for name in names}
    return out
