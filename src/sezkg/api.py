"""The Python API for notebooks and scripts: open the knowledge graph, ask its questions by name
with parameters given by name, and get plain Python values with labels.

    import sezkg
    kg = sezkg.open()                                   # the bundled data (or files, or an endpoint)
    kg.query("zone-governors", zone="Saryarka", date="2024").to_pandas()
    kg.overlaps(zone="Astana New City")                 # the ranked overlap report
    kg.zones(as_of="2026-02-10")
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

if TYPE_CHECKING:
    import networkx as nx

    from .kg.rows import Row
    from .questions.catalogue import Query
    from .questions.endpoint import Runner
    from .questions.overlaps import OverlapReport
    from .questions.validate import ValidationReport

XSD = "http://www.w3.org/2001/XMLSchema#"


def value(term: object) -> Any:
    """A result cell as a plain Python value: an IRI as its string, numbers as int or Decimal,
    booleans as bool, full dates as datetime.date, anything else as its text."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.Literal):
        kind = term.datatype.value.removeprefix(XSD)
        try:
            if kind in ("integer", "int", "long", "nonNegativeInteger"):
                return int(term.value)
            if kind in ("decimal", "double", "float"):
                return decimal.Decimal(term.value)
            if kind == "boolean":
                return term.value in ("true", "1")
            if kind == "date":
                return datetime.date.fromisoformat(term.value)
        except (ValueError, decimal.InvalidOperation):
            return term.value
        return term.value
    return str(term)


@dataclass
class Result:
    """Rows of a query as dicts of plain values; each IRI column has a `<column>_label` beside it."""

    columns: list[str]
    rows: list[dict[str, Any]]

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.rows)

    def __getitem__(self, index: int) -> dict[str, Any]:
        return self.rows[index]

    def column(self, name: str) -> list[Any]:
        return [row.get(name) for row in self.rows]

    def to_pandas(self) -> Any:
        """A pandas DataFrame (pandas is an optional extra: pip install 'sezkg[pandas]')."""
        try:
            import pandas as pd
        except ImportError:
            from .errors import UsageError

            raise UsageError("to_pandas needs pandas: pip install 'sezkg[pandas]'") from None
        return pd.DataFrame(self.rows, columns=self.columns)


@dataclass
class KG:
    """A knowledge graph to ask: the embedded store, or a SPARQL endpoint."""

    runner: Runner
    lang: str = "en"
    _queries: dict[str, Query] = field(default_factory=dict, repr=False)
    _labels: dict[str, str] | None = field(default=None, repr=False)

    @property
    def catalogue(self) -> dict[str, Query]:
        if not self._queries:
            from .questions.catalogue import catalogue

            self._queries = catalogue()
        return self._queries

    def labels(self) -> dict[str, str]:
        if self._labels is None:
            from .questions.overlaps import labels

            self._labels = labels(self.runner, self.catalogue, self.lang)
        return self._labels

    def label(self, iri: str) -> str:
        return self.labels().get(iri, iri)

    def resolve(self, name: str, kind: str | None = None) -> str:
        """The IRI that a name, slug, prefixed name or IRI names (UsageError when none or several)."""
        from .questions.names import resolver

        return resolver(self.runner, self.catalogue).resolve(name, kind)

    def queries(self) -> list[tuple[str, str]]:
        """Every catalogue query: (name, question)."""
        return [(q.name, q.question) for q in self.catalogue.values()]

    def query(self, name: str, **params: str | list[str] | tuple[str, ...]) -> Result:
        """Run a catalogue query by name; parameters may name things (see sezkg.questions.names).
        An IRI or string parameter may take a list of values: the query answers for each."""
        from .errors import UsageError
        from .questions.catalogue import run_select
        from .questions.names import resolve_params

        if name not in self.catalogue:
            raise UsageError(f"no query named {name!r}; KG.queries() lists them")
        query = self.catalogue[name]
        given: dict[str, str | list[str]] = {
            k: [str(x) for x in v] if isinstance(v, (list, tuple)) else str(v) for k, v in params.items()}
        rows = run_select(self.runner, query, resolve_params(self.runner, query, given))
        return self._result(rows.variables, rows)

    def _result(self, variables: list[str], rows: Iterable[Row]) -> Result:
        labels = self.labels()
        columns: list[str] = []
        out = []
        for row in rows:
            plain: dict[str, Any] = {}
            for v in variables:
                plain[v] = value(row.get(v))
                if isinstance(row.get(v), ox.NamedNode):
                    plain[f"{v}_label"] = labels.get(row[v].value, "")
            out.append(plain)
        for v in variables:
            columns.append(v)
            if any(f"{v}_label" in r for r in out):
                columns.append(f"{v}_label")
        return Result(columns, out)

    def zones(self, as_of: str | None = None) -> Result:
        """The zones in force on a date (a year, month or day; default today)."""
        return self.query("zones-in-force", date=datetime.date.today().isoformat() if as_of is None else as_of)

    def overlaps(self, zone: str | None = None) -> OverlapReport:
        """The ranked overlap report, for every zone or one (given by name)."""
        from .questions.overlaps import find_overlaps

        iri = self.resolve(zone, "zone") if zone is not None else None  # "" is refused, not every zone
        return find_overlaps(self.runner, iri, self.catalogue, self.lang)

    def network(self, zone: str | None = None) -> nx.Graph:
        """The overlap network (organisations and findings) as a networkx graph."""
        from .questions.overlaps import overlap_graph

        return overlap_graph(self.overlaps(zone))

    def validate(self) -> ValidationReport:
        from .errors import UsageError
        from .kg.load import KnowledgeGraph
        from .questions.validate import validate

        if not isinstance(self.runner, KnowledgeGraph):
            raise UsageError("validation runs on the embedded store: open the KG from files, not an endpoint")
        return validate(self.runner)


def open(*data: str | Path, endpoint: str | None = None, timeout: float = 30.0, lang: str = "en") -> KG:
    """Open the bundled knowledge graph, TriG files or folders (`data`), or a SPARQL endpoint."""
    if endpoint is not None:  # "" is refused as a URL, not taken for no endpoint
        from .errors import UsageError
        from .questions.endpoint import RemoteRunner

        if data:
            raise UsageError("give data files or an endpoint, not both")
        return KG(RemoteRunner(endpoint, timeout), lang)
    from .kg.load import load

    return KG(load(data=[Path(p) for p in data] if data else None), lang)
