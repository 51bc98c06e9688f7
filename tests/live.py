"""Datasette as a subprocess on a free loopback port, started the way `quotes serve`
starts it (quotes.web.serve.datasette_args), for the concurrency and security tests."""
from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from conftest import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def datasette(db_file: Path, log: Path, *extra: str) -> Iterator[str]:
    """The base URL of a Datasette serving db_file on 127.0.0.1; stopped on exit."""
    from quotes.web.serve import datasette_args

    port = free_port()
    args = datasette_args(db_file, host="127.0.0.1", port=port)
    with serving([sys.executable, "-m", "datasette", *args, *extra], port, log, cwd=ROOT) as base:
        yield base


@contextlib.contextmanager
def serving(command: list[str], port: int, log: Path, cwd: Path, env: dict | None = None,
            bound: float = 30) -> Iterator[str]:
    """Run a Datasette command serving on `port`, wait until it answers (up to `bound`
    seconds, a wait rather than a timing check), yield its base URL, stop it on exit."""
    with open(log, "w") as err:
        proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=err)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + bound
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"datasette exited with {proc.returncode}:\n{log.read_text()}")
            try:
                with urllib.request.urlopen(base + "/-/versions.json", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"datasette did not answer on {base}:\n{log.read_text()}")
            time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
