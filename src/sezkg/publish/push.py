"""Push every named graph to a triple store, all or nothing.

Two ways to write:
- in one SPARQL 1.1 Update request (the default when an update URL is known): for each graph
  `DROP SILENT GRAPH` then `INSERT DATA`. Oxigraph applies one update request in one
  transaction, so readers see the old dataset or the new one, never a mix (a test reads
  while pushing). A store that does not apply an update request atomically gives no such
  promise; the end state is the same.
- graph by graph with Graph Store Protocol PUTs, for stores without SPARQL Update. Readers
  may then see some graphs new and others old while the push runs.

Either way the push reads every target graph first (Graph Store GET), and after writing
reads each graph back and compares it with what was sent. Any failure on the way — a
refused or reset connection, an error status, an answer cut short, an answer that is not
N-Triples (an HTML page), no whole answer within the time-out — puts every graph the push
touched back as it was (unless a read shows the failed write changed nothing), reads them
again to check, and raises PushError (exit 2).
Limit: a store that applies a write after the client gave up waiting on it (a time-out)
may apply it after the restore; the read-back check cannot see a write that comes later.
"""

from __future__ import annotations

import http.client
import math
import time
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..errors import PushError, UsageError
from ..kg.load import KnowledgeGraph
from .export import serialize

NTRIPLES = "application/n-triples"
NTRIPLES_TYPES = (NTRIPLES, "text/plain")  # text/plain: N-Triples' media type before RDF 1.1

Graphs = Mapping[str, "set[ox.Triple] | None"]  # graph IRI -> its triples, None when the store lacks it


@dataclass
class PushResult:
    graphs: list[str] = field(default_factory=list)
    triples: int = 0
    atomic: bool = False  # written in one update request


class StoreFault(Exception):
    """The store did not answer as it should; the message is one line saying how."""


class WholePushError(PushError):
    """The one update request that writes every graph failed: no single graph is at fault."""

    def __init__(self, count: int, reason: str, restored: bool):
        super().__init__("", reason, restored)
        self.count = count

    def __str__(self) -> str:
        state = ("every graph was put back as it was" if self.restored
                 else "WARNING: restoring the previous state failed too; check the server")
        return f"push failed writing all {self.count} graphs in one update: {self.reason}; {state}"


class NothingWrittenError(PushError):
    """A graph could not be read before writing: the push stopped before any write."""

    def __str__(self) -> str:
        return f"push failed at graph <{self.graph}>: {self.reason}; nothing was written"


def _sibling(endpoint: str, name: str) -> str:
    parsed = urllib.parse.urlsplit(endpoint)
    path = parsed.path.rsplit("/", 1)[0] + "/" + name if parsed.path.endswith(("/query", "/sparql")) else parsed.path
    return urllib.parse.urlunsplit((parsed.scheme, parsed.netloc, path, "", ""))


def graph_store_url(endpoint: str) -> str:
    """Oxigraph and many stores answer SPARQL at .../query and the graph store at .../store."""
    return _sibling(endpoint, "store")


def update_url(endpoint: str) -> str:
    """Oxigraph and many stores take SPARQL Update at .../update beside .../query."""
    return _sibling(endpoint, "update")


@dataclass
class _Answer:
    status: int
    content_type: str
    body: bytes


def _describe(exc: BaseException) -> str:
    if isinstance(exc, http.client.IncompleteRead):
        return f"the answer was cut short after {len(exc.partial)} bytes"
    if isinstance(exc, http.client.RemoteDisconnected):
        return "the server closed the connection without answering"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, ConnectionResetError):
        return "the connection was reset"
    if isinstance(exc, BrokenPipeError):
        return "the server closed the connection while the request was being sent"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _exchange(method: str, url: str, timeout: float, body: bytes | None = None,
              headers: dict[str, str] | None = None) -> _Answer:
    """One HTTP request whose whole answer must arrive within `timeout` seconds."""
    from ..questions.endpoint import url_problem

    deadline = time.monotonic() + timeout
    problem = url_problem(url)  # the same check as every endpoint's
    if problem is not None:
        raise UsageError(f"{url}: {problem}")
    parsed = urllib.parse.urlsplit(url)
    assert parsed.hostname is not None  # url_problem refuses a URL without a host
    kind = http.client.HTTPSConnection if parsed.scheme == "https" else http.client.HTTPConnection
    try:
        connection = kind(parsed.hostname, parsed.port, timeout=timeout)
    except ValueError as exc:
        raise UsageError(f"bad URL {url}: {exc}") from None
    target = (parsed.path or "/") + (f"?{parsed.query}" if parsed.query else "")
    try:
        connection.request(method, target, body=body, headers=headers or {})
        response = connection.getresponse()
        chunks = []
        while chunk := response.read1(1 << 16):
            chunks.append(chunk)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            if connection.sock is not None:
                connection.sock.settimeout(remaining)
        if response.length:  # read1 ends quietly where a Content-Length body stops short
            raise http.client.IncompleteRead(b"".join(chunks), response.length)
        return _Answer(response.status, response.getheader("Content-Type", ""), b"".join(chunks))
    except TimeoutError:
        raise StoreFault(f"no whole answer within {timeout:g} s") from None
    except (OSError, http.client.HTTPException) as exc:
        raise StoreFault(_describe(exc)) from None
    finally:
        connection.close()


def _excerpt(body: bytes) -> str:
    return " ".join(body[:200].decode(errors="replace").split())


def _ntriples(triples: set[ox.Triple]) -> bytes:
    return ox.serialize(sorted(triples, key=str), format=ox.RdfFormat.N_TRIPLES) or b""


class GraphStore:
    """A minimal Graph Store Protocol client (indirect graph identification: ?graph=IRI)."""

    def __init__(self, url: str, timeout: float = 60.0):
        self.url = url
        self.timeout = timeout

    def _request(self, method: str, graph: str, body: bytes | None = None) -> _Answer:
        headers = {"Accept": NTRIPLES} if body is None else {"Content-Type": NTRIPLES}
        sep = "&" if "?" in self.url else "?"
        return _exchange(method, f"{self.url}{sep}{urllib.parse.urlencode({'graph': graph})}", self.timeout,
                         body, headers)

    def get(self, graph: str) -> set[ox.Triple] | None:
        """The graph's triples, or None when the store does not hold that graph."""
        answer = self._request("GET", graph)
        if answer.status == 404:
            return None
        if answer.status != 200:
            raise StoreFault(f"GET answered HTTP {answer.status}: {_excerpt(answer.body)}")
        media = answer.content_type.split(";")[0].strip().lower()
        if media and media not in NTRIPLES_TYPES:
            raise StoreFault(f"GET answered {media}, not N-Triples: {_excerpt(answer.body)}")
        try:
            return set(ox.parse(answer.body, format=ox.RdfFormat.N_TRIPLES))
        except (SyntaxError, ValueError) as exc:
            raise StoreFault(f"GET answered something that is not N-Triples ({exc})") from None

    def put(self, graph: str, triples: bytes) -> None:
        answer = self._request("PUT", graph, triples)
        if answer.status not in (200, 201, 204):
            raise StoreFault(f"PUT answered HTTP {answer.status}: {_excerpt(answer.body)}")

    def delete(self, graph: str) -> None:
        answer = self._request("DELETE", graph)
        if answer.status not in (200, 204, 404):
            raise StoreFault(f"DELETE answered HTTP {answer.status}: {_excerpt(answer.body)}")


def replace_graphs_update(graphs: Graphs) -> str:
    """One SPARQL Update that makes each graph hold exactly the given triples (None: no graph)."""
    operations = []
    for graph, triples in graphs.items():
        operations.append(f"DROP SILENT GRAPH <{graph}>")
        if triples is None:
            continue
        if triples:
            operations.append(f"INSERT DATA {{ GRAPH <{graph}> {{\n{_ntriples(triples).decode()}}} }}")
        else:
            operations.append(f"CREATE SILENT GRAPH <{graph}>")
    return " ;\n".join(operations)


class UpdateEndpoint:
    """SPARQL 1.1 Update over HTTP (POST application/sparql-update)."""

    def __init__(self, url: str, timeout: float = 60.0):
        self.url = url
        self.timeout = timeout

    def run(self, update: str) -> None:
        answer = _exchange("POST", self.url, self.timeout, update.encode("utf-8"),
                           {"Content-Type": "application/sparql-update"})
        if not 200 <= answer.status < 300:
            hint = (f" (is there a SPARQL Update endpoint at {self.url}? give its URL, or write graph by graph)"
                    if answer.status in (404, 405, 415, 501) else "")
            raise StoreFault(f"the update answered HTTP {answer.status}: {_excerpt(answer.body)}{hint}")


class _WriteFault(Exception):
    def __init__(self, graph: str | None, reason: str):
        super().__init__(reason)
        self.graph = graph
        self.reason = reason


class _InOneUpdate:
    """Writes every graph in one update request: readers see all of it or none."""

    atomic = True

    def __init__(self, endpoint: UpdateEndpoint):
        self.endpoint = endpoint
        self.touched: list[str] = []

    def write(self, graphs: Graphs) -> None:
        self.touched = list(graphs)
        try:
            self.endpoint.run(replace_graphs_update(graphs))
        except StoreFault as exc:
            raise _WriteFault(None, str(exc)) from None

    def restore(self, before: Graphs) -> bool:
        try:
            self.endpoint.run(replace_graphs_update({g: before[g] for g in self.touched}))
            return True
        except StoreFault:
            return False


class _GraphByGraph:
    """Writes graph by graph with Graph Store PUTs: for stores without SPARQL Update."""

    atomic = False

    def __init__(self, store: GraphStore):
        self.store = store
        self.touched: list[str] = []

    def write(self, graphs: Graphs) -> None:
        for graph, triples in graphs.items():
            self.touched.append(graph)
            try:
                self.store.put(graph, _ntriples(triples or set()))
            except StoreFault as exc:
                raise _WriteFault(graph, str(exc)) from None

    def restore(self, before: Graphs) -> bool:
        ok = True
        for graph in reversed(self.touched):
            triples = before[graph]
            try:
                if triples is None:
                    self.store.delete(graph)
                else:
                    self.store.put(graph, _ntriples(triples))
            except StoreFault:
                ok = False
        return ok


def push(kg: KnowledgeGraph, store_url: str, timeout: float = 60.0, update_url: str | None = None) -> PushResult:
    """Write every named graph of the KG to the store; read back and verified, all or nothing.

    `store_url` is the Graph Store Protocol URL (reads, and writes when `update_url` is None);
    with `update_url` every graph is written in one SPARQL Update request.
    """
    if not (isinstance(timeout, (int, float)) and math.isfinite(timeout) and timeout > 0):
        raise UsageError(f"the push timeout must be a positive number of seconds, not {timeout!r}")
    store = GraphStore(store_url, timeout)
    graphs = kg.graph_names()
    wanted: dict[str, set[ox.Triple]] = {
        g: set(ox.parse(serialize(kg, "ntriples", g), format=ox.RdfFormat.N_TRIPLES)) for g in graphs}
    before: dict[str, set[ox.Triple] | None] = {}
    for graph in graphs:  # read everything first: a push that cannot read, writes nothing
        try:
            before[graph] = store.get(graph)
        except StoreFault as exc:
            raise NothingWrittenError(graph, f"could not read the graph before writing ({exc})") from None
    writer = _InOneUpdate(UpdateEndpoint(update_url, timeout)) if update_url else _GraphByGraph(store)

    def as_before() -> bool:
        try:
            return all(store.get(graph) == before[graph] for graph in writer.touched)
        except StoreFault:
            return False

    def restore() -> bool:
        """Put back every touched graph unless the failed write left them as they were, then
        check by reading each one again."""
        if as_before():
            return True
        return writer.restore(before) and as_before()

    try:
        writer.write(wanted)
    except _WriteFault as fault:
        if fault.graph is None:
            raise WholePushError(len(graphs), fault.reason, restore()) from None
        raise PushError(fault.graph, fault.reason, restore()) from None
    result = PushResult(atomic=writer.atomic)
    for graph in graphs:  # read back: the server must hold exactly what was sent
        try:
            held = store.get(graph)
        except StoreFault as exc:
            raise PushError(graph, f"could not read the graph back ({exc})", restore()) from None
        if held != wanted[graph]:
            missing, extra = len(wanted[graph] - (held or set())), len((held or set()) - wanted[graph])
            raise PushError(graph, f"read back differs from what was sent ({missing} triples missing, "
                                   f"{extra} unexpected)", restore())
        result.graphs.append(graph)
        result.triples += len(wanted[graph])
    return result
