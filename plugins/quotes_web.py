"""Development form of the quotes Datasette plugin, for `--plugins-dir plugins` from a
checkout that is not installed (tests, PYTHONPATH=.): it registers the plugin package
quotes.web itself, so Datasette finds its templates/ and static/ exactly as it does for
the installed plugin (the `datasette` entry point in pyproject.toml). When the package is
installed the entry point has registered it already, and this does nothing.

Datasette imports every file here and registers it; the hooks are in quotes/web/.
"""
from datasette.plugins import pm

import quotes.web

if not pm.is_registered(quotes.web):
    pm.register(quotes.web, name="quotes.web")
