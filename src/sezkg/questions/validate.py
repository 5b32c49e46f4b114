"""Validation: SHACL shapes (pyshacl) and the catalogue's `*-violation.rq` quality gates."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from pyshacl.errors import ShapeRecursionWarning
from rdflib import RDF, Graph, URIRef
from rdflib.namespace import SH

from ..errors import InputError
from ..kg.convert import union_graph
from ..kg.load import KnowledgeGraph
from ..kg.resources import KGFiles, default_files
from .catalogue import Query, catalogue, run_select

RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


@dataclass(frozen=True)
class Violation:
    """One failed constraint or one row of a violation query."""

    focus: str
    message: str
    focus_label: str = ""
    path: str = ""
    value: str = ""
    severity: str = "Violation"
    check: str = ""  # the shape or the violation query that failed
    files: tuple[str, ...] = ()


@dataclass
class ValidationReport:
    violations: list[Violation] = field(default_factory=list)
    shapes_checked: int = 0
    queries_checked: int = 0

    @property
    def conforms(self) -> bool:
        return not self.violations

    def by_focus(self) -> dict[str, list[Violation]]:
        grouped: dict[str, list[Violation]] = {}
        for v in sorted(self.violations, key=lambda v: (v.focus, v.path, v.value, v.message)):
            grouped.setdefault(v.focus, []).append(v)
        return grouped


@contextmanager
def _refuse_recursion(shapes_path: Path) -> Iterator[None]:
    """pyshacl meets a recursive shape with a warning and a silent pass; we make it an error.

    It warns through `warnings` (ShapeRecursionWarning) and, in places, through its logger:
    both are watched.
    """
    logged: list[str] = []

    class Watch(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if "recurs" in record.getMessage().lower():
                logged.append(record.getMessage())

    handler = Watch(level=logging.WARNING)
    logger = logging.getLogger("pyshacl")
    logger.addHandler(handler)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
    finally:
        logger.removeHandler(handler)
    found = logged + [str(w.message).splitlines()[0] for w in caught
                      if isinstance(w.message, ShapeRecursionWarning) or "recurs" in str(w.message).lower()]
    if found:
        raise InputError(shapes_path, "recursive SHACL shape met while validating (a pass would mean nothing): "
                         + "; ".join(sorted(set(found))))


def load_shapes(path: Path) -> Graph:
    shapes = Graph()
    try:
        shapes.parse(path, format="turtle")
    except Exception as exc:  # rdflib raises many kinds; all mean a broken shapes file
        line = getattr(exc, "lineno", None)
        raise InputError(path, f"cannot parse shapes: {exc}", line) from None
    return shapes


def _label(kg: KnowledgeGraph, iri: str) -> str:
    labels = sorted(q.object.value for q in kg.store.quads_for_pattern(ox.NamedNode(iri), RDFS_LABEL, None, None))
    return labels[0] if labels else ""


def _files_of(kg: KnowledgeGraph, iri: str) -> tuple[str, ...]:
    """The data (or ontology) files in which a node is described."""
    node = ox.NamedNode(iri)
    graphs = {q.graph_name.value for q in kg.store.quads_for_pattern(node, None, None, None)}
    files = {str(p) for g in graphs for p in kg.files_of_graph(g)}
    return tuple(sorted(files))


def _term_text(term: object) -> str:
    return "" if term is None else str(term)


def run_shacl(kg: KnowledgeGraph, shapes_path: Path, data_graph: Graph | None = None) -> tuple[list[Violation], int]:
    """Check the KG against the shapes; returns the violations and the number of node shapes."""
    shapes = load_shapes(shapes_path)
    data_graph = data_graph if data_graph is not None else union_graph(kg)
    with _refuse_recursion(shapes_path):
        _, results, _ = shacl_validate(
            data_graph,
            shacl_graph=shapes,
            inference="none",
            abort_on_first=False,
            allow_warnings=False,
            # The union graph is a throwaway copy: no need for pyshacl to clone it again.
            inplace=True,
        )
    violations = []
    # Only the report's own results: nested sh:detail results repeat what their parent says.
    for result in results.objects(None, SH.result):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        messages = sorted(str(m) for m in results.objects(result, SH.resultMessage))
        severity = results.value(result, SH.resultSeverity)
        shape = results.value(result, SH.sourceShape)
        focus_iri = str(focus)
        violations.append(
            Violation(
                focus=focus_iri,
                message=messages[0] if messages else "constraint not met",
                focus_label=_label(kg, focus_iri) if isinstance(focus, URIRef) else "",
                path=_term_text(path) if isinstance(path, URIRef) else ("(complex path)" if path is not None else ""),
                value=_term_text(value),
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
                check=str(shape) if isinstance(shape, URIRef) else "(anonymous shape)",
                files=_files_of(kg, focus_iri) if isinstance(focus, URIRef) else (),
            )
        )
    node_shapes = len(set(shapes.subjects(RDF.type, SH.NodeShape)))
    return violations, node_shapes


def run_violation_queries(kg: KnowledgeGraph, queries: dict[str, Query]) -> tuple[list[Violation], int]:
    """Run every `*-violation.rq`; each row is a violation. Rows name ?focus and ?message."""
    violations = []
    gates = [q for q in queries.values() if q.is_violation]
    for query in gates:
        for row in run_select(kg, query):
            focus = row.get("focus")
            focus_iri = focus.value if isinstance(focus, (ox.NamedNode, ox.Literal)) else str(focus or "")
            message = row.get("message")
            violations.append(
                Violation(
                    focus=focus_iri,
                    message=message.value if isinstance(message, ox.Literal) else query.title,
                    focus_label=_label(kg, focus_iri) if isinstance(focus, ox.NamedNode) else "",
                    path=row["path"].value if isinstance(row.get("path"), ox.NamedNode) else "",
                    value=row["value"].value if "value" in row else "",
                    check=f"queries/{query.path.name}",
                    files=_files_of(kg, focus_iri) if isinstance(focus, ox.NamedNode) else (),
                )
            )
    return violations, len(gates)


def validate(kg: KnowledgeGraph, files: KGFiles | None = None) -> ValidationReport:
    files = files or default_files()
    shape_violations, shapes = run_shacl(kg, files.shapes)
    query_violations, gates = run_violation_queries(kg, catalogue(files.queries))
    return ValidationReport(shape_violations + query_violations, shapes, gates)

