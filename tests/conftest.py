"""Shared fixtures. Tests run from any folder: every path is built from this file's place."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import sezkg
from sezkg.resources import default_files

TESTS = Path(__file__).resolve().parent
FIXTURES = TESTS / "fixtures"
W3C = TESTS.parent.parent / "shared" / "w3c"


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
