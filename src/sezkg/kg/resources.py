"""Where the knowledge graph's files live.

An installed wheel carries `ontology/`, `data/` and `queries/` under `sezkg/bundled/`; a source
checkout (editable install or PYTHONPATH=src) reads the folders at the repository root.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from .frozen import Frozen

_PACKAGE = Path(__file__).resolve().parent.parent


class KGFiles(Frozen):
    """The three folders that make up the knowledge graph."""

    __slots__ = ("ontology", "data", "queries")
    ontology: Path
    data: Path
    queries: Path

    def __init__(self, ontology: Path, data: Path, queries: Path):
        self._set(ontology, data, queries)

    @property
    def shapes(self) -> Path:
        return self.ontology / "shapes.ttl"


def kg_root() -> Path:
    """The folder that holds `ontology/`, `data/` and `queries/`."""
    for candidate in (_PACKAGE / "bundled", _PACKAGE.parent.parent):
        if (candidate / "ontology").is_dir() and (candidate / "data").is_dir():
            return candidate
    raise InputError(_PACKAGE, "cannot find the knowledge graph folders: expected sezkg/bundled/ (installed) "
                               "or ontology/ and data/ at the repository root; reinstall sezkg")


def default_files() -> KGFiles:
    root = kg_root()
    return KGFiles(ontology=root / "ontology", data=root / "data", queries=root / "queries")
