"""The package as a user installs it: a wheel in a fresh virtualenv, outside the checkout.

`pip install .` (not editable) and then `datasette serve news.db` must give the whole
experience: the plugin comes in through the package's `datasette` entry point, its
templates, stylesheet and metadata.yml are package data, and the configuration applies
to a database of any name that `quotes` made. Nothing here reads the checkout once the
wheel is built: the venv runs in tmp_path without PYTHONPATH, and the test checks that
`quotes` is imported from the venv.

No network: the wheel is built without build isolation and the venv sees the system
site-packages for the dependencies (Datasette, sqlite-utils...). No timing assertions:
the server is polled until it answers, within a generous bound.
"""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT
from live import free_port, serving

LEFT_OUT = shutil.ignore_patterns(".git", "db", "tests", "benchmarks", "docs", "test-output",
                                  "build", "dist", "*.egg-info", "__pycache__", "*.db", "plugins")
STARTUP_BOUND = 120  # seconds for Datasette to answer; it normally takes one or two


def run(args, cwd, env, timeout=600) -> str:
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def venv(tmp_path_factory):
    """(python of a fresh venv with the wheel installed, its environment, a work folder)."""
    base = tmp_path_factory.mktemp("wheel")
    source = base / "source"
    # A copy of what the wheel is built from, so building leaves nothing in the checkout;
    # metadata.yml (a link) is copied as the file it points to.
    shutil.copytree(ROOT, source, ignore=LEFT_OUT)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["PIP_NO_INPUT"] = "1"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    dist = base / "dist"
    run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--no-build-isolation",
         "--no-index", "-w", str(dist)], cwd=base, env=env)
    (wheel,) = dist.glob("quotes-*.whl")
    target = base / "venv"
    run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(target)],
        cwd=base, env=env)
    python = target / "bin" / "python"
    run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index",
         "--force-reinstall", str(wheel)], cwd=base, env=env)
    work = base / "work"
    work.mkdir()
    return python, env, work


def venv_python(venv, code: str) -> str:
    python, env, work = venv
    return run([str(python), "-c", code], cwd=work, env=env).strip()


def test_the_wheel_holds_the_plugin_and_is_what_the_venv_imports(venv):
    python, env, work = venv
    found = json.loads(venv_python(venv, (
        "import json, sys, quotes, quotes.web, importlib.metadata as m;"
        "print(json.dumps({'quotes': quotes.__file__, 'web': quotes.web.__file__, 'path': sys.path,"
        " 'entry_points': [(e.name, e.value) for e in m.entry_points(group='datasette')]}))")))
    site = python.parent.parent.resolve()
    assert Path(found["quotes"]).resolve().is_relative_to(site), found["quotes"]
    assert Path(found["web"]).resolve().is_relative_to(site)
    assert not any(p and Path(p).resolve() == ROOT for p in found["path"])
    assert ("quotes", "quotes.web") in [tuple(e) for e in found["entry_points"]]
    web = Path(found["web"]).parent
    for name in ("metadata.yml", "templates/index.html", "templates/quotes_speaker.html",
                 "static/quotes.css"):
        assert (web / name).is_file(), name
    # the packaged metadata.yml is the checkout's, byte for byte
    assert (web / "metadata.yml").read_bytes() == (ROOT / "metadata.yml").read_bytes()
    # `quotes serve` installed: the plain command, no --plugins-dir, -m or warning
    command = venv_python(venv, (
        "from quotes.web import serve; args = serve.datasette_args('other.db');"
        "print(serve.command_line(args), serve.plugin_problem())"))
    assert command == "datasette serve other.db --host 127.0.0.1 --port 8001 --setting suggest_facets off None"


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def test_datasette_serve_any_name_gives_the_pages_and_facets(venv):
    python, env, work = venv
    quotes_script = python.parent / "quotes"
    examples = venv_python(venv, "import os; from quotes.load import example_paths; print(os.path.dirname(example_paths()[0]))")
    run([str(quotes_script), "load", examples, "--db", "other.db", "-s"], cwd=work, env=env)
    with sqlite3.connect(work / "other.db") as conn:
        speaker_id, speaker = conn.execute(
            "select id, name from entities where kind = 'person' "
            "order by quote_count desc, id limit 1").fetchone()
    port = free_port()
    command = [str(python), "-m", "datasette", "serve", "other.db", "--port", str(port)]
    with serving(command, port, work / "datasette.log", cwd=work, env=env, bound=STARTUP_BOUND) as base:
        status, front = get(base + "/")
        assert status == 200
        assert "<h1>Quotes</h1>" in front  # metadata.yml's title, from the plugin
        assert '<section class="corpus">' in front  # the corpus at a glance (templates/index.html)
        assert '<form class="corpus-search" action="/other/quotes" method="get">' in front
        assert "/-/static-plugins/quotes/quotes.css?" in front

        status, page = get(f"{base}/-/quotes/speaker/{speaker_id}")
        assert status == 200, page
        assert f"<h1>{speaker}</h1>" in page.replace("&#39;", "'")

        status, table = get(base + "/other/quotes?_facet=speaker_name")
        assert status == 200
        for facet in ("speaker_name", "kind", "cue", "said_year", "said_month", "publisher", "mentioned"):
            assert f'data-column="{facet}"' in table, facet
        assert f'<a class="speaker" href="/-/quotes/speaker/{speaker_id}?db=other">' in table

        status, data = get(base + "/other/quotes.json?_shape=objects&_size=1")
        facets = json.loads(data)["facet_results"]
        counts = {r["value"]: r["count"] for r in facets["speaker_name"]["results"]}
        with sqlite3.connect(work / "other.db") as conn:
            assert counts[speaker] == conn.execute(
                "select count(*) from quotes where speaker_id = ?", [speaker_id]).fetchone()[0]
        assert facets["mentioned"]["type"] == "m2m"

        status, query = get(base + "/other/quotes_by_person.json?_shape=objects&name=" +
                            urllib.request.quote(speaker))
        assert status == 200 and {r["speaker_name"] for r in json.loads(query)["rows"]} == {speaker}

        status, css = get(base + "/-/static-plugins/quotes/quotes.css")
        assert status == 200 and "mark.q" in css
        plugins = {p["name"]: p for p in json.loads(get(base + "/-/plugins.json")[1])}
        assert plugins["quotes"]["static"] and plugins["quotes"]["templates"]


def test_quotes_serve_warns_when_datasette_would_run_without_the_plugin(monkeypatch, tmp_path):
    """Issue 15's first defect: plain Datasette with no pages and nothing said."""
    from click.testing import CliRunner

    from quotes.web import serve
    from quotes.cli import cli

    db = tmp_path / "news.db"
    db.write_bytes(b"")
    ran = []
    monkeypatch.setattr(serve, "run", lambda args: ran.append(args) or 0)
    monkeypatch.setattr(serve, "plugin_installed", lambda: False)
    monkeypatch.setattr(serve, "PLUGINS", tmp_path / "no-plugins")
    result = CliRunner().invoke(cli, ["serve", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("Warning: the quotes Datasette plugin is not installed")
    assert "--plugins-dir" not in ran[0]
    monkeypatch.setattr(serve, "plugin_installed", lambda: True)
    result = CliRunner().invoke(cli, ["serve", "--db", str(db)])
    assert result.stderr == "" and "--plugins-dir" not in ran[1]
