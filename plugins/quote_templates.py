"""Puts plugins/templates/ on Datasette's template path, after any --template-dir.

Templates beside a --plugins-dir plugin are not found by Datasette on its own (only
installed plugin packages get that), so this adds them; a user's --template-dir still
wins, and `{% extends "default:index.html" %}` reaches Datasette's own. It also adds the
`quoted` filter (quotes/display.py): a quote's words in quote marks, or marked as paraphrase.
"""
from pathlib import Path

from datasette import hookimpl
from jinja2 import ChoiceLoader, FileSystemLoader

from quotes.display import quoted

TEMPLATES = Path(__file__).resolve().parent / "templates"


@hookimpl
def prepare_jinja2_environment(env, datasette):
    user = [FileSystemLoader(datasette.template_dir)] if datasette.template_dir else []
    env.loader = ChoiceLoader([*user, FileSystemLoader(str(TEMPLATES)), env.loader])
    env.filters["quoted"] = quoted
