"""Shared fixtures. Tests run from any folder: every path is built from this file's place."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import sezkg
from sezkg.kg.resources import default_files

TESTS = Path(__file__).resolve().parent
FIXTURES = TESTS / "fixtures"
W3C = TESTS / "w3c"


def nonempty(items: list) -> list:
    """Guard for parametrised globs: a glob that finds nothing must fail, not pass vacuously."""
    assert items, "the glob behind this parametrisation found nothing"
    return items


@pytest.fixture(scope="session")
def kg() -> sezkg.KnowledgeGraph:
    return sezkg.load()


@pytest.fixture(scope="session")
def kg_files():
    return default_files()


def run_cli(*args: str, cwd: Path | None = None, check: int | None = None) -> subprocess.CompletedProcess:
    """Run the real `sezkg` entry point in a subprocess (as a user would)."""
    proc = subprocess.run(
        [sys.executable, "-m", "sezkg", *args], capture_output=True, cwd=cwd, timeout=600,
    )
    if check is not None:
        assert proc.returncode == check, (proc.returncode, proc.stdout[-2000:], proc.stderr[-2000:].decode(errors="replace"))
    return proc


@pytest.fixture(scope="session")
def endpoint(kg):
    """A live Oxigraph server on 127.0.0.1 holding the exported KG (union default graph)."""
    from servers import load_nquads, oxigraph_server

    from sezkg.publish.export import serialize

    with oxigraph_server("--union-default-graph") as base:
        load_nquads(base, serialize(kg, "nquads"))
        yield f"{base}/query"
