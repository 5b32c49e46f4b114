"""The query catalogue: `queries/*.rq`, one question per file, each opening with a header.

Header lines, before the query proper:

    # title: Undocumented ontology terms
    # question: Which sez: terms lack an English label, a comment or rdfs:isDefinedBy?
    # param: zone iri - the zone to ask about (optional, default: every zone)

Files named `*-violation.rq` are quality gates (ODK convention): on valid data they return
no rows, and `sezkg validate` fails when one does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError
from .load import KnowledgeGraph
from .resources import default_files

_HEADER = re.compile(r"^#\s*(title|question|param)\s*:\s*(.*?)\s*$")


@dataclass(frozen=True)
class Query:
    name: str
    title: str
    question: str
    text: str
    path: Path
    params: tuple[str, ...] = field(default=())

    @property
    def is_violation(self) -> bool:
        return self.name.endswith("-violation")


def read_query(path: Path) -> Query:
    text = path.read_text(encoding="utf-8")
    fields: dict[str, list[str]] = {"title": [], "question": [], "param": []}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        match = _HEADER.match(line)
        if match:
            fields[match.group(1)].append(match.group(2))
    if not fields["title"]:
        raise InputError(path, "query file has no '# title:' header line", 1)
    if not fields["question"]:
        raise InputError(path, "query file has no '# question:' header line", 1)
    return Query(
        name=path.stem,
        title=fields["title"][0],
        question=" ".join(fields["question"]),
        text=text,
        path=path,
        params=tuple(fields["param"]),
    )


def catalogue(folder: Path | None = None) -> dict[str, Query]:
    """Every query of the catalogue by name, sorted by name."""
    folder = folder or default_files().queries
    return {q.name: q for q in (read_query(p) for p in sorted(folder.glob("*.rq")))}


def run_select(kg: KnowledgeGraph, query: Query) -> list[dict[str, object]]:
    try:
        return kg.select(query.text)
    except SyntaxError as exc:
        raise InputError(query.path, f"SPARQL syntax error: {exc}") from None
