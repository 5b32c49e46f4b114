"""Serialise the knowledge graph: deterministic bytes, written atomically.

Dataset formats (TriG, N-Quads, JSON-LD) keep every named graph, so "who says so" survives.
JSON-LD is compacted with the context in `ontology/context.jsonld` (see `sezkg.jsonld`).
Graph formats (Turtle, N-Triples, RDF/XML) hold no graph names: they take one graph
(`graph=`) or, by default, the union of all graphs with duplicates merged.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..errors import UsageError
from ..kg.files import write_atomic
from ..kg.load import KnowledgeGraph
from ..kg.namespaces import PREFIXES
from .jsonld import to_jsonld


@dataclass(frozen=True)
class ExportFormat:
    name: str
    rdf_format: ox.RdfFormat
    extension: str
    keeps_graphs: bool


FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat("trig", ox.RdfFormat.TRIG, "trig", True),
        ExportFormat("nquads", ox.RdfFormat.N_QUADS, "nq", True),
        ExportFormat("jsonld", ox.RdfFormat.JSON_LD, "jsonld", True),
        ExportFormat("turtle", ox.RdfFormat.TURTLE, "ttl", False),
        ExportFormat("ntriples", ox.RdfFormat.N_TRIPLES, "nt", False),
        ExportFormat("xml", ox.RdfFormat.RDF_XML, "rdf", False),
    )
}


def export_format(name: str) -> ExportFormat:
    try:
        return FORMATS[name]
    except KeyError:
        raise UsageError(f"unknown export format {name!r}; choose one of {', '.join(FORMATS)}") from None


def serialize(kg: KnowledgeGraph, fmt: str, graph: str | None = None) -> bytes:
    """The KG (or one named graph) in a format, as the same bytes on every run."""
    spec = export_format(fmt)
    if graph is not None and graph not in kg.graph_names():
        raise UsageError(f"no named graph {graph!r} in the knowledge graph")
    quads = kg.sorted_quads(graph)
    if spec.name == "jsonld":
        return to_jsonld(quads, graph=graph)
    prefixes = PREFIXES if spec.rdf_format in (ox.RdfFormat.TRIG, ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
    if spec.keeps_graphs and graph is None:
        return ox.serialize(quads, format=spec.rdf_format, prefixes=prefixes)
    triples = sorted({q.triple for q in quads}, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    if spec.keeps_graphs:
        # One graph asked of a dataset format: keep its name.
        name = ox.NamedNode(graph)
        return ox.serialize([ox.Quad(t.subject, t.predicate, t.object, name) for t in triples],
                            format=spec.rdf_format, prefixes=prefixes)
    return ox.serialize(triples, format=spec.rdf_format, prefixes=prefixes)


def export(kg: KnowledgeGraph, fmt: str, output: Path | str, graph: str | None = None) -> int:
    """Serialise and write atomically; returns the number of bytes written."""
    data = serialize(kg, fmt, graph)
    write_atomic(output, data)
    return len(data)
