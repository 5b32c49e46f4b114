"""Push every named graph to a triple store (SPARQL 1.1 Graph Store Protocol).

Push is all or nothing from the server's point of view: it reads what the server holds in
each target graph first, PUTs graph by graph (PUT replaces, it never appends), reads each
graph back and compares it with what was sent, and on any failure puts every graph it
touched back as it was before saying which graph failed and why.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..errors import PushError
from ..kg.load import KnowledgeGraph
from .export import serialize

NTRIPLES = "application/n-triples"


@dataclass
class PushResult:
    graphs: list[str] = field(default_factory=list)
    triples: int = 0


def graph_store_url(endpoint: str) -> str:
    """Oxigraph and many stores answer SPARQL at .../query and the graph store at .../store."""
    parsed = urllib.parse.urlsplit(endpoint)
    path = parsed.path.rsplit("/", 1)[0] + "/store" if parsed.path.endswith(("/query", "/sparql")) else parsed.path
    return urllib.parse.urlunsplit((parsed.scheme, parsed.netloc, path, "", ""))


class GraphStore:
    """A minimal Graph Store Protocol client (indirect graph identification: ?graph=IRI)."""

    def __init__(self, url: str, timeout: float = 60.0):
        self.url = url
        self.timeout = timeout

    def _request(self, method: str, graph: str, body: bytes | None = None) -> tuple[int, bytes]:
        target = f"{self.url}?{urllib.parse.urlencode({'graph': graph})}"
        headers = {"Accept": NTRIPLES}
        if body is not None:
            headers["Content-Type"] = NTRIPLES
        request = urllib.request.Request(target, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise ConnectionError(f"cannot reach the graph store {self.url}: {reason}") from None

    def get(self, graph: str) -> set[ox.Triple] | None:
        """The graph's triples, or None when the store does not hold that graph."""
        status, body = self._request("GET", graph)
        if status == 404:
            return None
        if status != 200:
            raise RuntimeError(f"GET answered HTTP {status}: {body[:200].decode(errors='replace')}")
        return set(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))

    def put(self, graph: str, triples: bytes) -> None:
        status, body = self._request("PUT", graph, triples)
        if status not in (200, 201, 204):
            raise RuntimeError(f"PUT answered HTTP {status}: {body[:200].decode(errors='replace').strip()}")

    def delete(self, graph: str) -> None:
        status, body = self._request("DELETE", graph)
        if status not in (200, 204, 404):
            raise RuntimeError(f"DELETE answered HTTP {status}: {body[:200].decode(errors='replace').strip()}")


def _ntriples(triples: set[ox.Triple]) -> bytes:
    return ox.serialize(sorted(triples, key=str), format=ox.RdfFormat.N_TRIPLES)


def push(kg: KnowledgeGraph, store_url: str, timeout: float = 60.0) -> PushResult:
    store = GraphStore(store_url, timeout)
    graphs = kg.graph_names()
    before: dict[str, set[ox.Triple] | None] = {}
    for graph in graphs:  # read everything first: a push that cannot read, writes nothing
        try:
            before[graph] = store.get(graph)
        except (RuntimeError, ConnectionError) as exc:
            raise PushError(graph, f"could not read the graph before writing ({exc}); nothing was written") from None

    touched: list[str] = []

    def restore() -> bool:
        ok = True
        for graph in reversed(touched):
            try:
                if before[graph] is None:
                    store.delete(graph)
                else:
                    store.put(graph, _ntriples(before[graph]))
            except (RuntimeError, ConnectionError):
                ok = False
        return ok

    result = PushResult()
    for graph in graphs:
        payload = serialize(kg, "ntriples", graph)
        touched.append(graph)
        try:
            store.put(graph, payload)
        except (RuntimeError, ConnectionError) as exc:
            raise PushError(graph, str(exc), restore()) from None
        result.graphs.append(graph)
    for graph in graphs:  # read back: the server must hold exactly what was sent
        expected = set(ox.parse(serialize(kg, "ntriples", graph), format=ox.RdfFormat.N_TRIPLES))
        try:
            held = store.get(graph)
        except (RuntimeError, ConnectionError) as exc:
            raise PushError(graph, f"could not read the graph back ({exc})", restore()) from None
        if held != expected:
            missing, extra = len(expected - (held or set())), len((held or set()) - expected)
            raise PushError(graph, f"read back differs from what was sent ({missing} triples missing, "
                                   f"{extra} unexpected)", restore())
        result.triples += len(expected)
    return result


