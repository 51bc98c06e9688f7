"""The plain `datasette serve` command for a database; the plugin does the rest.

Serving is Datasette itself. The quotes plugin (quotes/web/) is installed with the
package through its `datasette` entry point and configures whatever database `quotes`
made, so the command is just `datasette serve DB` with the settings a big database
needs (STYLE.md: facet suggestions off). Run from a checkout where the package is not
installed (PYTHONPATH=.), the entry point is missing and `--plugins-dir plugins` loads
the same plugin; with neither, the pages and facets would be missing, and
`plugin_problem` says so.
"""
from __future__ import annotations

import os
import shlex
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import quotes

ROOT = Path(quotes.__file__).resolve().parent.parent
PLUGINS = ROOT / "plugins"  # a checkout's development form of the plugin
PLUGIN_MODULE = "quotes.web"

SETTINGS = {"suggest_facets": "off"}


def _shown(path: Path) -> str:
    """A path relative to the working directory when inside it: shorter to read."""
    try:
        return os.path.relpath(path) if path.resolve().is_relative_to(Path.cwd()) else str(path)
    except ValueError:
        return str(path)


def plugin_installed() -> bool:
    """True when Datasette will load the plugin by itself (the package's entry point)."""
    return any(ep.value.split(":")[0] == PLUGIN_MODULE for ep in entry_points(group="datasette"))


def plugins_dir() -> Path | None:
    """plugins/ of the checkout this package was imported from, when it is needed."""
    if plugin_installed() or not (PLUGINS / "quotes_web.py").is_file():
        return None
    return PLUGINS


def plugin_problem() -> str | None:
    """Why Datasette would serve without the plugin, or None when it will load it."""
    if plugin_installed() or plugins_dir() is not None:
        return None
    return ("the quotes Datasette plugin is not installed (no `datasette` entry point for "
            f"{PLUGIN_MODULE}): pages, facets and queries will be missing; `pip install .` fixes it")


def datasette_args(db_path: str | Path, host: str = "127.0.0.1", port: int = 8001,
                   open_browser: bool = False) -> list[str]:
    """Arguments after `datasette`: serve DB [--plugins-dir plugins] --host ... --setting ..."""
    args = ["serve", _shown(Path(db_path))]
    development = plugins_dir()
    if development is not None:
        args += ["--plugins-dir", _shown(development)]
    args += ["--host", host, "--port", str(port)]
    for name, value in SETTINGS.items():
        args += ["--setting", name, value]
    if open_browser:
        args.append("--open")
    return args


def command_line(args: list[str]) -> str:
    """What to type by hand: the same command, as the README shows it."""
    return shlex.join(["datasette", *args])


def run(args: list[str]) -> int:
    """Run Datasette from this Python, so the installed one is used; its exit status.

    On POSIX the process becomes Datasette (exec), so stopping `quotes serve` with a
    signal stops the server too instead of leaving it orphaned.
    """
    argv = [sys.executable, "-m", "datasette", *args]
    if os.name == "posix":
        sys.stdout.flush()
        sys.stderr.flush()
        os.execv(sys.executable, argv)
    return subprocess.call(argv)
