"""Compact JSON-LD with the context shipped in `ontology/context.jsonld`.

Written by hand rather than by a general JSON-LD library because the KG has no blank
nodes: every node is an `@id`, so compaction is only prefixing, and sorting every key and
list gives the same bytes on every run. Tests re-parse the output with rdflib and with
pyoxigraph to prove it says exactly what the store holds.

A JSON-LD reader expands any string `p:rest` whose `p` is a term of the context (unless
`rest` starts with `//`), so an IRI such as `sez:Zone` or `zone:x` -- valid, with scheme
`sez` -- cannot be written at all: it would read back as another IRI. Such an IRI is refused
with a UsageError rather than silently changed.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox

from ..errors import UsageError
from ..kg.load import term_value
from ..kg.resources import default_files

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def indented_json(value: object, depth: int = 0) -> str:
    """`value` as json.dumps(indent=1, ensure_ascii=False) writes it nested `depth` levels deep
    in a document, byte for byte. json.dumps leaves its C encoder for pure Python as soon as it
    indents, and was most of a JSON-LD export; this writes the same layout with C's strings."""
    parts: list[str] = []
    _layout(value, depth, parts)
    return "".join(parts)


_JSON_STRING = json.encoder.encode_basestring  # C's, as json.dumps(ensure_ascii=False) uses


def _layout(value: object, level: int, parts: list[str]) -> None:
    # Strings, and lists and dicts of them, are written here; anything else (numbers, booleans,
    # null, empty containers, subclasses, a dict with a key that is not a string) by json.dumps.
    # A string item is written with its opening in one piece rather than by a call of its own:
    # most values are strings, and this took 8-14% off the layout of a ~1M export.
    if type(value) is str:
        parts.append(_JSON_STRING(value))
    elif type(value) is dict and value:
        mark = len(parts)
        inner = "\n" + " " * (level + 1)
        opening = "{" + inner
        for key, item in value.items():
            if key.__class__ is not str:  # json.dumps writes such keys its own way
                del parts[mark:]
                parts.append(_dumped(value, level))
                return
            if item.__class__ is str:
                parts.append(opening + _JSON_STRING(key) + ": " + _JSON_STRING(item))
            else:
                parts.append(opening + _JSON_STRING(key) + ": ")
                _layout(item, level + 1, parts)
            opening = "," + inner
        parts.append("\n" + " " * level + "}")
    elif type(value) is list and value:
        inner = "\n" + " " * (level + 1)
        opening = "[" + inner
        for item in value:
            if item.__class__ is str:
                parts.append(opening + _JSON_STRING(item))
            else:
                parts.append(opening)
                _layout(item, level + 1, parts)
            opening = "," + inner
        parts.append("\n" + " " * level + "]")
    else:
        parts.append(_dumped(value, level))


def _dumped(value: object, level: int) -> str:
    return json.dumps(value, indent=1, ensure_ascii=False).replace("\n", "\n" + " " * level)


def load_context(path: Path | None = None) -> dict[str, str]:
    path = path or default_files().ontology / "context.jsonld"
    context: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))["@context"]
    return context


class Compactor:
    def __init__(self, context: dict[str, str]):
        self.context = context
        # Longest namespace first, so that the most specific prefix wins.
        self.prefixes = sorted(((ns, p) for p, ns in context.items() if isinstance(ns, str)), key=lambda x: -len(x[0]))
        self._compact: dict[str, str] = {}  # the site and the exports ask for the same IRIs again and again

    def iri(self, iri: str) -> str:
        """The compact form of an IRI where one reads back as the same IRI, else the IRI itself."""
        known = self._compact.get(iri)
        if known is None:
            known = self._compact[iri] = self._compacted(iri)
        return known

    def _compacted(self, iri: str) -> str:
        for ns, prefix in self.prefixes:
            if iri.startswith(ns):
                local = iri[len(ns):]
                if local and all(c.isalnum() or c in "-_." for c in local) and not local.startswith("."):
                    return f"{prefix}:{local}"
        return iri

    def expand(self, text: str) -> str:
        """What a JSON-LD reader makes of an `@id`, `@type` or key written as `text` (JSON-LD 1.1, 5.2.2)."""
        prefix, colon, rest = text.partition(":")
        if colon and not rest.startswith("//") and isinstance(self.context.get(prefix), str):
            return self.context[prefix] + rest
        return text

    def write(self, iri: str) -> str:
        """`iri()`, or a UsageError where no string reads back as this IRI."""
        text = self.iri(iri)
        if self.expand(text) != iri:
            prefix = iri.partition(":")[0]
            raise UsageError(f"JSON-LD cannot hold the IRI <{iri}>: it begins with '{prefix}:', a prefix of the "
                             f"JSON-LD context, so every JSON-LD reader would take it for <{self.expand(iri)}>; "
                             "export as trig or nquads instead")
        return text

    def value(self, term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> object:
        if isinstance(term, ox.NamedNode):
            return {"@id": self.write(term.value)}
        if not isinstance(term, ox.Literal):
            raise ValueError(f"the JSON-LD writer takes no blank nodes or quoted triples: {term}")
        if term.language:
            return {"@language": term.language, "@value": term.value}
        if term.datatype.value == XSD_STRING:
            return term.value
        return {"@type": self.write(term.datatype.value), "@value": term.value}


def _nodes(compactor: Compactor, quads: list[ox.Quad]) -> list[dict[str, object]]:
    nodes: dict[str, dict[str, list[object]]] = defaultdict(lambda: defaultdict(list))
    for q in quads:
        subject = compactor.write(term_value(q.subject))
        if q.predicate.value == RDF_TYPE and isinstance(q.object, ox.NamedNode):
            nodes[subject]["@type"].append(compactor.write(q.object.value))
        else:
            nodes[subject][compactor.write(q.predicate.value)].append(compactor.value(q.object))
    out = []
    for subject in sorted(nodes):
        node: dict[str, object] = {"@id": subject}
        for key in sorted(nodes[subject]):
            values = nodes[subject][key]
            # Most keys hold one value: sorting by each value's JSON text only where there are more.
            node[key] = values if len(values) == 1 else sorted(
                values, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
        out.append(node)
    return out


def to_jsonld(quads: list[ox.Quad], context: dict[str, str] | None = None, graph: str | None = None,
              compactor: Compactor | None = None) -> bytes:
    """Quads as compact JSON-LD: one `@graph` entry per named graph, keys and lists sorted.
    A `compactor` may be given, to keep what it compacted across calls; without a `context`,
    its context is the document's."""
    if context is None:  # the given compactor's context, not the file read again (once a page in the site)
        context = compactor.context if compactor is not None else load_context()
    compactor = compactor if compactor is not None and compactor.context == context else Compactor(context)
    by_graph: dict[str, list[ox.Quad]] = defaultdict(list)
    for q in quads:
        if isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode):
            raise ValueError("the JSON-LD writer takes no blank nodes (the KG has none)")
        by_graph[q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else ""].append(q)
    document: dict[str, object]
    if graph is not None:
        document = {"@context": context, "@id": compactor.write(graph),
                    "@graph": _nodes(compactor, by_graph.get(graph, []))}
    else:
        graphs: list[dict[str, object]] = [
            {"@id": compactor.write(g), "@graph": _nodes(compactor, qs)} for g, qs in sorted(by_graph.items()) if g
        ]
        if "" in by_graph:  # triples in the default graph sit at the top level
            graphs.extend(_nodes(compactor, by_graph[""]))
        document = {"@context": context, "@graph": graphs}
    return (indented_json(document) + "\n").encode("utf-8")
