"""The plain `datasette serve` command for a database, with our metadata and plugins.

Serving is Datasette itself; this module only knows where metadata.yml and plugins/
live (the repository root, beside the quotes package, for an editable install) and
which settings a big database needs (STYLE.md: facet suggestions off).
"""
from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import quotes

ROOT = Path(quotes.__file__).resolve().parent.parent
METADATA = ROOT / "metadata.yml"
PLUGINS = ROOT / "plugins"

SETTINGS = {"suggest_facets": "off"}


def _shown(path: Path) -> str:
    """A path relative to the working directory when inside it: shorter to read."""
    try:
        return os.path.relpath(path) if path.resolve().is_relative_to(Path.cwd()) else str(path)
    except ValueError:
        return str(path)


def datasette_args(db_path: str | Path, host: str = "127.0.0.1", port: int = 8001,
                   open_browser: bool = False) -> list[str]:
    """Arguments after `datasette`: serve DB -m metadata.yml --plugins-dir plugins ..."""
    args = ["serve", _shown(Path(db_path))]
    if METADATA.exists():
        args += ["-m", _shown(METADATA)]
    if PLUGINS.is_dir():
        args += ["--plugins-dir", _shown(PLUGINS)]
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
