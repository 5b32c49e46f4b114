"""A line-delimited JSON entity stream in the shape of FollowTheMoney (FtM) entities.

One JSON object per line: `{"id", "schema", "properties": {name: [values...]}, "datasets",
"proof"}` -- every property value is a list of strings, as in FtM. Bodies, companies, people,
memberships, ownerships, source documents and legal acts take the FtM schema that fits
(`PublicBody`, `Company`, `Organization`, `Person`, `Membership`, `Ownership`, `Document`);
zones, mandates, findings, figures and the rest have no FtM schema, so they keep the name of
their sezkg class. FtM's names are used for the properties it has (`name`, `alias`,
`description`, `sourceUrl`, `publisher`, `date`, `title`, `member`, `organization`, `role`,
`owner`, `asset`); every other property keeps its sezkg name. A value that names another
entity is that entity's id (its IRI). `proof` lists the source graphs that state something
about the entity: the stream keeps "who says so" without named graphs.

The stream is written as it is read, one subject at a time, never built in memory whole.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, BinaryIO

import pyoxigraph as ox

from ..kg.load import KnowledgeGraph
from ..kg.namespaces import PREFIXES

SEZ = PREFIXES["sez"]
ORG = PREFIXES["org"]
SOURCE_GRAPHS = "https://w3id.org/sezkg/source/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"

# The most specific class wins: checked in this order against each entity's classes and
# their superclasses.
FTM_SCHEMA: tuple[tuple[str, str], ...] = (
    (SEZ + "GovernmentBody", "PublicBody"),
    (SEZ + "Company", "Company"),
    (SEZ + "Bank", "Company"),
    (SEZ + "StateCorporation", "PublicBody"),
    ("http://xmlns.com/foaf/0.1/Person", "Person"),
    (ORG + "Membership", "Membership"),
    (SEZ + "Ownership", "Ownership"),
    (SEZ + "Source", "Document"),
    (SEZ + "LegalAct", "Document"),
    (ORG + "Organization", "Organization"),
)
FTM_PROPERTY: dict[str, str] = {
    "http://www.w3.org/2000/01/rdf-schema#label": "name",
    PREFIXES["skos"] + "altLabel": "alias",
    "http://www.w3.org/2000/01/rdf-schema#comment": "description",
    PREFIXES["schema"] + "url": "sourceUrl",
    PREFIXES["dcterms"] + "publisher": "publisher",
    PREFIXES["dcterms"] + "issued": "date",
    PREFIXES["dcterms"] + "title": "title",
    ORG + "member": "member",
    ORG + "organization": "organization",
    ORG + "role": "role",
    SEZ + "owner": "owner",
    SEZ + "owned": "asset",
}


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _superclasses(kg: KnowledgeGraph) -> dict[str, set[str]]:
    direct: dict[str, set[str]] = {}
    for q in kg.store.quads_for_pattern(None, ox.NamedNode(SUBCLASS), None, None):
        if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode):
            direct.setdefault(q.subject.value, set()).add(q.object.value)
    closed: dict[str, set[str]] = {}

    def up(cls: str) -> set[str]:
        if cls not in closed:
            closed[cls] = {cls}
            for parent in direct.get(cls, ()):
                closed[cls] |= up(parent)
        return closed[cls]

    for cls in list(direct):
        up(cls)
    return closed


def _schema(classes: set[str], supers: dict[str, set[str]]) -> str:
    every = set().union(*(supers.get(c, {c}) for c in classes)) if classes else set()
    for cls, schema in FTM_SCHEMA:
        if cls in every:
            return schema
    specific = sorted(c for c in classes if not any(c != o and c in supers.get(o, ()) for o in classes))
    return _local(specific[0]) if specific else "Thing"


def entities(kg: KnowledgeGraph) -> Iterator[dict[str, Any]]:
    """Every typed subject of the source graphs as an FtM-style entity, sorted by id."""
    supers = _superclasses(kg)
    subjects = sorted({q.subject.value for q in kg.store.quads_for_pattern(None, RDF_TYPE, None, None)
                       if isinstance(q.subject, ox.NamedNode) and isinstance(q.graph_name, ox.NamedNode)
                       and q.graph_name.value.startswith(SOURCE_GRAPHS)})
    # A name for each property, a source for each graph and a schema for each set of classes,
    # found once: at ~5M triples the same few recur over ~1M entities.
    property_names: dict[ox.NamedNode, str] = {}
    source_of: dict[ox.NamedNode | ox.BlankNode | ox.DefaultGraph, str] = {}  # "" for a graph not a source's
    schemas: dict[frozenset[str], str] = {}

    def schema_of(classes: frozenset[str]) -> str:
        schema = schemas.get(classes)
        if schema is None:
            schema = schemas[classes] = _schema(set(classes), supers)
        return schema

    for subject in subjects:
        classes: set[str] = set()
        properties: dict[str, list[str]] = {}
        proof: set[str] = set()
        for q in kg.store.quads_for_pattern(ox.NamedNode(subject), None, None, None):
            graph = source_of.get(q.graph_name)  # by the term: its text is made only once a graph
            if graph is None:
                graph = source_of[q.graph_name] = (q.graph_name.value if isinstance(q.graph_name, ox.NamedNode)
                                                   and q.graph_name.value.startswith(SOURCE_GRAPHS) else "")
            if not graph:
                continue
            proof.add(graph)
            if q.predicate == RDF_TYPE:
                if isinstance(q.object, ox.NamedNode):
                    classes.add(q.object.value)
                continue
            name = property_names.get(q.predicate)
            if name is None:
                iri = q.predicate.value
                name = property_names[q.predicate] = FTM_PROPERTY.get(iri) or _local(iri)
            value = q.object.value if isinstance(q.object, (ox.NamedNode, ox.Literal)) else str(q.object)
            values = properties.setdefault(name, [])
            if value not in values:
                values.append(value)
        yield {
            "id": subject,
            "schema": schema_of(frozenset(classes)),
            "properties": {k: sorted(v) for k, v in sorted(properties.items())},
            "datasets": ["sezkg"],
            "proof": sorted(proof),
        }


def write_entities(kg: KnowledgeGraph, handle: BinaryIO) -> int:
    """Write the stream to a binary handle, one entity per line; the number of entities."""
    count = 0
    for entity in entities(kg):
        handle.write(json.dumps(entity, ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n")
        count += 1
    return count
