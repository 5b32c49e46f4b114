"""Serialise the knowledge graph: deterministic bytes, written atomically, read back the same.

Dataset formats (TriG, N-Quads, JSON-LD) keep every named graph, so "who says so" survives.
JSON-LD is compacted with the context in `ontology/context.jsonld` (see `sezkg.publish.jsonld`).
Graph formats (Turtle, N-Triples, RDF/XML) hold no graph names: they take one graph
(`graph=`) or, by default, the union of all graphs with duplicates merged.

The writers are our own rather than pyoxigraph's, because every export must read back to the
same data with any conforming parser (tests/test_roundtrip.py uses rdflib and pyoxigraph):

- Turtle and TriG abbreviate an IRI to `prefix:local` only when the local part is plain ASCII
  (rdflib misreads escaped local names such as `sezsh:\\-_\\.`);
- IRIs are written with `\\u` escapes for the Unicode spaces that line-based readers split on;
- RDF/XML is well-formed XML 1.0, or refused naming the triple it cannot hold (a predicate with
  no XML-name tail, an RDF/XML syntax name as predicate, a character XML 1.0 forbids).
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..errors import UsageError
from ..kg.files import write_atomic
from ..kg.load import KnowledgeGraph
from ..kg.namespaces import PREFIXES
from .jsonld import to_jsonld

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDF_TYPE = RDF + "type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


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


# ---------------------------------------------------------------- N-Triples, N-Quads, Turtle, TriG

# Escapes as Oxigraph writes them (so our N-Quads lines equal an Oxigraph server's dump), plus
# the C1 controls and the Unicode line separators, which some readers take for line ends.
_STRING_SPECIAL = re.compile('["\\\\\x00-\x1f\x7f-\x9f\u2028\u2029]')
_NAMED_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def _escape_char(match: re.Match) -> str:
    ch = match.group()
    return _NAMED_ESCAPES.get(ch) or f"\\u{ord(ch):04X}"


def _string(value: str) -> str:
    return '"' + _STRING_SPECIAL.sub(_escape_char, value) + '"'


def _iri(iri: str) -> str:
    """`<iri>`; a Unicode space (valid in an IRI) as `\\u` escape, as rdflib splits tokens on it."""
    if any(ch.isspace() for ch in iri):
        iri = "".join(f"\\u{ord(ch):04X}" if ch.isspace() else ch for ch in iri)
    return f"<{iri}>"


# ASCII only: rdflib's Turtle reader fails on escaped or exotic local names that are valid Turtle.
_PLAIN_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?")


class Names:
    """Writes IRIs for Turtle and TriG: `prefix:local` where that is plain, `<iri>` otherwise."""

    def __init__(self, prefixes: dict[str, str]):
        self.namespaces = sorted(((ns, p) for p, ns in prefixes.items()), key=lambda x: (-len(x[0]), x[1]))
        self.used: set[str] = set()

    def iri(self, iri: str) -> str:
        for ns, prefix in self.namespaces:
            if iri.startswith(ns) and _PLAIN_LOCAL.fullmatch(iri, len(ns)):
                self.used.add(prefix)
                return f"{prefix}:{iri[len(ns):]}"
        return _iri(iri)

    def header(self) -> str:
        return "".join(f"@prefix {p}: <{ns}> .\n" for ns, p in sorted(self.namespaces, key=lambda x: x[1])
                       if p in self.used)


def _term(term: ox.NamedNode | ox.Literal, write_iri: Callable[[str], str] = _iri) -> str:
    """A term in N-Triples syntax, or in Turtle's with `write_iri=Names(...).iri`."""
    if isinstance(term, ox.NamedNode):
        return write_iri(term.value)
    if term.language:
        return f"{_string(term.value)}@{term.language}"
    if term.datatype.value == XSD_STRING:
        return _string(term.value)
    return f"{_string(term.value)}^^{write_iri(term.datatype.value)}"


def _refuse_blank_nodes(quads: list[ox.Quad]) -> None:
    for q in quads:
        if isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode):
            raise UsageError(f"cannot export a blank node ({q}): the KG gives every node an IRI")


def _n_quads(quads: list[ox.Quad], with_graph: bool) -> bytes:
    lines = []
    for q in quads:
        graph = f" {_iri(q.graph_name.value)}" if with_graph and isinstance(q.graph_name, ox.NamedNode) else ""
        lines.append(f"{_term(q.subject)} {_term(q.predicate)} {_term(q.object)}{graph} .\n")
    return "".join(lines).encode("utf-8")


def _turtle_block(triples: list[ox.Triple], names: Names, indent: str) -> list[str]:
    """Triples (sorted) grouped by subject, then predicate: `s p o1, o2 ; p2 o3 .`"""
    lines: list[str] = []
    by_subject: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for t in triples:
        predicate = "a" if t.predicate.value == RDF_TYPE else names.iri(t.predicate.value)
        by_subject[names.iri(t.subject.value)][predicate].append(_term(t.object, names.iri))
    for subject, predicates in by_subject.items():
        parts = [f"{predicate} {' , '.join(objects)}" for predicate, objects in predicates.items()]
        lines.append(f"{indent}{subject} " + f" ;\n{indent}    ".join(parts) + " .\n")
    return lines


def _turtle(triples: list[ox.Triple]) -> bytes:
    names = Names(PREFIXES)
    body = _turtle_block(triples, names, "")
    return (names.header() + "\n" + "".join(body)).encode("utf-8")


def _trig(quads: list[ox.Quad]) -> bytes:
    names = Names(PREFIXES)
    by_graph: dict[str, list[ox.Triple]] = defaultdict(list)
    for q in quads:
        by_graph[q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else ""].append(q.triple)
    blocks = []
    for graph, triples in by_graph.items():
        if graph:
            blocks.append(f"{names.iri(graph)} {{\n" + "".join(_turtle_block(triples, names, "    ")) + "}\n")
        else:
            blocks.append("{\n" + "".join(_turtle_block(triples, names, "    ")) + "}\n")
    return (names.header() + "\n" + "\n".join(blocks)).encode("utf-8")


# ---------------------------------------------------------------- RDF/XML

_XML_FORBIDDEN = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Character references for what XML would alter: `\r` (line-end normalisation), the C1 controls
# and U+2028/9 (line ends in XML 1.1), and in attributes tab and newline (attribute normalisation).
_XML_TEXT_SPECIAL = re.compile("[&<>\r\x7f-\x9f\u2028\u2029]")
_XML_ATTR_SPECIAL = re.compile("[&<>\"\t\n\r\x7f-\x9f\u2028\u2029]")
_XML_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}
# ASCII XML names only: every XML parser (expat included) agrees on them.
_NAME_TAIL = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*\Z")
_RDF_SYNTAX_NAMES = {RDF + n for n in ("RDF", "ID", "about", "parseType", "resource", "nodeID", "datatype", "li",
                                        "Description", "aboutEach", "aboutEachPrefix", "bagID")}


def _xml_ref(match: re.Match) -> str:
    ch = match.group()
    return _XML_ENTITIES.get(ch) or f"&#{ord(ch)};"


def _xml_text(value: str) -> str:
    return _XML_TEXT_SPECIAL.sub(_xml_ref, value)


def _xml_attr(value: str) -> str:
    return '"' + _XML_ATTR_SPECIAL.sub(_xml_ref, value) + '"'


def _xml_refuse(t: ox.Triple, why: str) -> UsageError:
    return UsageError(f"RDF/XML cannot hold the triple {t.subject} {t.predicate} {t.object}: {why}; "
                      "export it as turtle, ntriples, trig or nquads instead")


def _split_predicate(t: ox.Triple, known: list[tuple[str, str]]) -> tuple[str, str]:
    """(namespace, local name) of a predicate, a known namespace first, else the longest XML name tail."""
    iri = t.predicate.value
    if iri in _RDF_SYNTAX_NAMES:
        raise _xml_refuse(t, f"<{iri}> is an RDF/XML syntax name, not usable as a property element")
    for ns, _ in known:
        if iri.startswith(ns) and _NAME_TAIL.match(iri, len(ns)):
            return ns, iri[len(ns):]
    match = _NAME_TAIL.search(iri)  # the leftmost start of a name that runs to the end: the longest tail
    if not match:
        raise _xml_refuse(t, "the predicate does not end in an XML name (a letter or '_', then letters, "
                             "digits, '_', '-' or '.'), so no property element can spell it")
    return iri[:match.start()], match.group()


def _rdfxml(triples: list[ox.Triple]) -> bytes:
    known = sorted(((ns, p) for p, ns in PREFIXES.items()), key=lambda x: (-len(x[0]), x[1]))
    prefix_of = {ns: p for ns, p in known}
    split: dict[str, tuple[str, str]] = {}
    for t in triples:
        for text in (t.subject.value, t.predicate.value, t.object.value,
                     t.object.datatype.value if isinstance(t.object, ox.Literal) else ""):
            bad = _XML_FORBIDDEN.search(text)
            if bad:
                raise _xml_refuse(t, f"it holds the character U+{ord(bad.group()):04X}, which XML 1.0 forbids")
        if t.predicate.value not in split:
            split[t.predicate.value] = _split_predicate(t, known)
    namespaces = {ns for ns, _ in split.values()} | {RDF}
    invented = (name for name in (f"ns{i}" for i in itertools.count(1)) if name not in PREFIXES)
    names = {ns: prefix_of.get(ns) or next(invented) for ns in sorted(namespaces)}

    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<rdf:RDF']
    out += [f"\n    xmlns:{p}={_xml_attr(ns)}" for ns, p in sorted(names.items(), key=lambda x: x[1])]
    out.append(">\n")
    subject = None
    for t in triples:
        if t.subject.value != subject:
            if subject is not None:
                out.append("  </rdf:Description>\n")
            subject = t.subject.value
            out.append(f"  <rdf:Description rdf:about={_xml_attr(subject)}>\n")
        ns, local = split[t.predicate.value]
        element = f"{names[ns]}:{local}"
        o = t.object
        if isinstance(o, ox.NamedNode):
            out.append(f"    <{element} rdf:resource={_xml_attr(o.value)}/>\n")
            continue
        if o.language:
            attribute = f" xml:lang={_xml_attr(o.language)}"
        elif o.datatype.value != XSD_STRING:
            attribute = f" rdf:datatype={_xml_attr(o.datatype.value)}"
        else:
            attribute = ""
        out.append(f"    <{element}{attribute}>{_xml_text(o.value)}</{element}>\n")
    if subject is not None:
        out.append("  </rdf:Description>\n")
    out.append("</rdf:RDF>\n")
    return "".join(out).encode("utf-8")


# ---------------------------------------------------------------- entry points

def _triple_key(t: ox.Triple) -> tuple[str, str, str]:
    return (str(t.subject), str(t.predicate), str(t.object))


def serialize(kg: KnowledgeGraph, fmt: str, graph: str | None = None) -> bytes:
    """The KG (or one named graph) in a format, as the same bytes on every run.

    Raises UsageError when the format cannot hold the data exactly (JSON-LD, RDF/XML).
    """
    spec = export_format(fmt)
    if graph is not None and graph not in kg.graph_names():
        raise UsageError(f"no named graph {graph!r} in the knowledge graph")
    quads = kg.sorted_quads(graph)
    _refuse_blank_nodes(quads)
    if spec.name == "jsonld":
        return to_jsonld(quads, graph=graph)
    if spec.keeps_graphs:
        if spec.name == "nquads":
            return _n_quads(quads, with_graph=True)
        return _trig(quads)
    triples = sorted({q.triple for q in quads}, key=_triple_key)
    if spec.name == "ntriples":
        return _n_quads([ox.Quad(t.subject, t.predicate, t.object) for t in triples], with_graph=False)
    if spec.name == "turtle":
        return _turtle(triples)
    return _rdfxml(triples)


def export(kg: KnowledgeGraph, fmt: str, output: Path | str, graph: str | None = None) -> int:
    """Serialise and write atomically; returns the number of bytes written."""
    data = serialize(kg, fmt, graph)
    write_atomic(output, data)
    return len(data)
