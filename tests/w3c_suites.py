"""Reading the W3C test manifests vendored under tests/w3c/ (see tests/w3c/LICENSE.md).

Entries are keyed by their IRI and taken in the order of `mf:entries`: entry names are not
unique (two TriG entries share the name trig-syntax-bad-num-05), so a dict keyed by name
would drop one silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

W3C = Path(__file__).resolve().parent / "w3c"
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


@dataclass(frozen=True)
class Entry:
    iri: str
    name: str
    kind: str  # the rdft: or sht: type's local name
    action: Path
    result: Path | None
    base: str

    @property
    def id(self) -> str:
        return self.iri.rsplit("#", 1)[-1]


def entries(suite: str) -> list[Entry]:
    manifest = W3C / suite / "manifest.ttl"
    store = ox.Store()
    store.load(path=str(manifest), format=ox.RdfFormat.TURTLE, base_iri=manifest.as_uri())
    base = next(store.quads_for_pattern(None, ox.NamedNode(MF + "assumedTestBase"), None)).object.value
    # The list in order: walk rdf:first / rdf:rest from the head.
    head = next(store.quads_for_pattern(None, ox.NamedNode(MF + "entries"), None)).object
    order: list[ox.NamedNode] = []
    nil = ox.NamedNode(RDF + "nil")
    while head != nil:
        order.append(next(store.quads_for_pattern(head, ox.NamedNode(RDF + "first"), None)).object)
        head = next(store.quads_for_pattern(head, ox.NamedNode(RDF + "rest"), None)).object
    found = []
    for iri in order:
        def one(prop: str, iri: ox.NamedNode = iri) -> ox.NamedNode | ox.Literal | None:
            quads = list(store.quads_for_pattern(iri, ox.NamedNode(prop), None))
            return quads[0].object if quads else None

        kind, name, action, result = one(RDF + "type"), one(MF + "name"), one(MF + "action"), one(MF + "result")
        action_path = Path(action.value.removeprefix("file://"))
        result_path = Path(result.value.removeprefix("file://")) if result is not None else None
        found.append(Entry(iri.value, name.value, kind.value.rsplit("#", 1)[-1], action_path, result_path,
                           base + action_path.name))
    return found
