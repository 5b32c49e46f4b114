"""Validation: SHACL shapes and the catalogue's `*-violation.rq` quality gates.

SHACL runs on the store itself by default (`engine="sparql"`, see shacl.py: the shapes are
compiled into SPARQL); `engine="pyshacl"` copies the union of the graphs into rdflib and runs
pyshacl, the reference the SPARQL engine is tested against. Both give the same violations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ..errors import InputError, UsageError
from ..kg.load import KnowledgeGraph, graph_iri, term_value
from ..kg.resources import KGFiles, default_files
from .catalogue import Query, catalogue, run_select
from .shacl import (
    Engine,
    ShaclResult,
    ShapeModel,
    ShapesGraph,
    refuse_recursion,
    results_from_report,
)

if TYPE_CHECKING:
    from rdflib import Graph

RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
ENGINES = ("sparql", "pyshacl")


@dataclass(frozen=True)
class Violation:
    """One failed constraint or one row of a violation query."""

    focus: str
    message: str
    focus_label: str = ""
    path: str = ""
    value: str = ""
    severity: str = "Violation"
    check: str = ""  # the shape (by IRI, or parent shape and path) or the violation query that failed
    files: tuple[str, ...] = ()
    component: str = ""  # the SHACL constraint component IRI ("" for a violation query)
    shape: str = ""  # the source shape's IRI or blank node label ("" for a violation query)


@dataclass
class ValidationReport:
    violations: list[Violation] = field(default_factory=list)
    shapes_checked: int = 0
    queries_checked: int = 0
    notes: list[str] = field(default_factory=list)  # e.g. shapes the SPARQL engine left to pyshacl

    @property
    def conforms(self) -> bool:
        return not self.violations

    def by_focus(self) -> dict[str, list[Violation]]:
        grouped: dict[str, list[Violation]] = {}
        for v in sorted(self.violations, key=lambda v: (v.focus, v.path, v.value, v.message)):
            grouped.setdefault(v.focus, []).append(v)
        return grouped


@dataclass
class ShapeCheck:
    violations: list[Violation]
    node_shapes: int
    notes: list[str]


def load_shapes(path: Path) -> ShapesGraph:
    """The shapes file, parsed (an InputError names the line of a syntax error)."""
    return ShapesGraph.from_file(path)


def load_shapes_rdflib(path: Path) -> Graph:
    """The shapes file as rdflib parses it, for pyshacl."""
    from rdflib import Graph

    shapes = Graph()
    try:
        shapes.parse(path, format="turtle")
    except Exception as exc:  # rdflib raises many kinds; all mean a broken shapes file
        line = getattr(exc, "lineno", None)
        raise InputError(path, f"cannot parse shapes: {exc}", line) from None
    return shapes


def _pyshacl(kg: KnowledgeGraph, shapes_path: Path) -> tuple[list[ShaclResult], int]:
    """The reference path: the union of the graphs copied into rdflib, checked by pyshacl."""
    from pyshacl import validate as pyshacl_validate
    from rdflib import RDF
    from rdflib.namespace import SH

    from ..kg.convert import union_graph

    shapes = load_shapes_rdflib(shapes_path)
    sg = ShapesGraph.from_rdflib(shapes, shapes_path)
    with refuse_recursion(shapes_path):
        _, report, _ = pyshacl_validate(union_graph(kg), shacl_graph=shapes, inference="none",
                                        abort_on_first=False, allow_warnings=False,
                                        # The union graph is a throwaway copy: no need to clone it again.
                                        inplace=True)
    return results_from_report(report, sg, ShapeModel(sg)), len(set(shapes.subjects(RDF.type, SH.NodeShape)))


def _label(kg: KnowledgeGraph, iri: str) -> str:
    labels = sorted(term_value(q.object)
                    for q in kg.store.quads_for_pattern(ox.NamedNode(iri), RDFS_LABEL, None, None))
    return labels[0] if labels else ""


def _files_of(kg: KnowledgeGraph, iri: str) -> tuple[str, ...]:
    """The data (or ontology) files in which a node is described."""
    node = ox.NamedNode(iri)
    graphs = {graph_iri(q) for q in kg.store.quads_for_pattern(node, None, None, None)}
    files = {str(p) for g in graphs for p in kg.files_of_graph(g)}
    return tuple(sorted(files))


def _text(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> str:
    """A term as pyshacl's rdflib term prints it (what the pyshacl path has always shown)."""
    if term is None:
        return ""
    from ..kg.convert import to_rdflib

    return str(to_rdflib(term))


def to_violation(kg: KnowledgeGraph, result: ShaclResult) -> Violation:
    focus = result.focus
    named = isinstance(focus, ox.NamedNode)
    path = ""
    if result.path is not None:
        path = result.path.node.value if result.path.is_predicate else result.path.text
    return Violation(
        focus=_text(focus),
        message=result.messages[0] if result.messages else "constraint not met",
        focus_label=_label(kg, focus.value) if named else "",
        path=path,
        value=_text(result.value),
        severity=result.severity.rsplit("#", 1)[-1],
        check=result.shape_name,
        files=_files_of(kg, focus.value) if named else (),
        component=result.component,
        shape=str(result.shape.value),
    )


def check_shapes(kg: KnowledgeGraph, shapes_path: Path, engine: str = "sparql") -> ShapeCheck:
    """Check the KG (the union of its graphs) against the shapes with either engine."""
    if engine not in ENGINES:
        raise UsageError(f"unknown SHACL engine {engine!r}: choose one of {', '.join(ENGINES)}")
    if engine == "sparql":
        report = Engine(load_shapes(shapes_path)).validate(kg.store)
        results, notes, node_shapes = report.results, report.notes, report.node_shapes
    else:
        (results, node_shapes), notes = _pyshacl(kg, shapes_path), []
    return ShapeCheck([to_violation(kg, r) for r in results], node_shapes, notes)


def run_shacl(kg: KnowledgeGraph, shapes_path: Path, engine: str = "sparql") -> tuple[list[Violation], int]:
    """Check the KG against the shapes; returns the violations and the number of node shapes."""
    checked = check_shapes(kg, shapes_path, engine)
    return checked.violations, checked.node_shapes


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


def validate(kg: KnowledgeGraph, files: KGFiles | None = None, engine: str = "sparql") -> ValidationReport:
    files = files or default_files()
    checked = check_shapes(kg, files.shapes, engine)
    query_violations, gates = run_violation_queries(kg, catalogue(files.queries))
    return ValidationReport(checked.violations + query_violations, checked.node_shapes, gates, checked.notes)


__all__ = ["ENGINES", "ShapeCheck", "ValidationReport", "Violation", "check_shapes", "load_shapes",
           "run_shacl", "run_violation_queries", "to_violation", "validate"]
