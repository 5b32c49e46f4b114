"""Publishing: push every named graph to a triple store (SPARQL 1.1 Graph Store Protocol), and
serve the KG read-only through a real Oxigraph server.

Push is all or nothing from the server's point of view: it reads what the server holds in
each target graph first, PUTs graph by graph (PUT replaces, it never appends), reads each
graph back and compares it with what was sent, and on any failure puts every graph it
touched back as it was before saying which graph failed and why.
"""

from __future__ import annotations

import http.server
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .errors import SezkgError
from .export import serialize
from .load import KnowledgeGraph

NTRIPLES = "application/n-triples"


class PushError(SezkgError):
    """A push failed; the server holds what it held before (unless `restored` is False)."""

    def __init__(self, graph: str, reason: str, restored: bool = True):
        self.graph = graph
        self.reason = reason
        self.restored = restored
        state = ("every graph the push touched was put back as it was" if restored
                 else "WARNING: restoring the previous state failed too; check the server")
        super().__init__(f"push failed at graph <{graph}>: {reason}; {state}")


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


# ---------------------------------------------------------------- serve

def oxigraph_binary() -> str:
    here = Path(sys.executable).parent / "oxigraph"
    found = str(here) if here.exists() else shutil.which("oxigraph")
    if not found:
        raise SezkgError("the Oxigraph server is not installed (pip install oxigraph)")
    return found


def wait_until_up(base: str, process: subprocess.Popen, seconds: float = 30) -> None:
    """Wait until an Oxigraph server answers a query; SezkgError if it exits or takes too long."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=2).read()
            return
        except OSError:
            if process.poll() is not None:
                raise SezkgError(f"the Oxigraph server exited: {process.stderr.read().decode(errors='replace')}") from None
            if time.monotonic() > deadline:
                raise SezkgError(f"the Oxigraph server did not start within {seconds:g} s") from None
            time.sleep(0.1)


def _free_port(host: str) -> int:
    import socket

    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


class _Front(http.server.ThreadingHTTPServer):
    daemon_threads = True
    inner: str
    site: Path | None


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Front
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:
        pass

    def _send(self, status: int, body: bytes, content_type: str = "text/plain; charset=utf-8",
              extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _refuse_update(self) -> None:
        self._send(403, b"This endpoint is read-only: SPARQL updates are refused.\n")

    def _proxy(self, query_string: str, body: bytes | None, content_type: str | None) -> None:
        url = f"{self.server.inner}/query" + (f"?{query_string}" if query_string else "")
        headers = {"Accept": self.headers.get("Accept", "application/sparql-results+json")}
        if content_type:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(url, data=body, method="POST" if body is not None else "GET", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                self._send(response.status, response.read(), response.headers.get("Content-Type", "application/octet-stream"))
        except urllib.error.HTTPError as exc:
            self._send(exc.code, exc.read(), exc.headers.get("Content-Type", "text/plain"))

    def do_GET(self) -> None:  # noqa: N802
        parsed = urllib.parse.urlsplit(self.path)
        if parsed.path in ("/sparql", "/query"):
            params = urllib.parse.parse_qs(parsed.query)
            if "update" in params:
                return self._refuse_update()
            return self._proxy(parsed.query, None, None)
        if parsed.path in ("/update", "/store"):
            return self._refuse_update() if parsed.path == "/update" else self._send(404, b"not found\n")
        self._static(parsed.path)

    do_HEAD = do_GET

    def do_POST(self) -> None:  # noqa: N802
        parsed = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        content_type = self.headers.get("Content-Type", "")
        if parsed.path not in ("/sparql", "/query") or "sparql-update" in content_type \
                or ("form-urlencoded" in content_type and "update" in urllib.parse.parse_qs(body.decode(errors="replace"))):
            return self._refuse_update()
        self._proxy(parsed.query, body, content_type)

    def do_PUT(self) -> None:  # noqa: N802
        self._refuse_update()

    do_DELETE = do_PATCH = do_PUT

    def _static(self, path: str) -> None:
        site = self.server.site
        if site is None:
            return self._send(404, b"not found\n")
        relative = urllib.parse.unquote(path).lstrip("/")
        target = (site / relative).resolve()
        if not target.is_relative_to(site.resolve()):  # no ../ out of the site
            return self._send(404, b"not found\n")
        if target.is_dir():
            accept = self.headers.get("Accept", "")
            for mime, name in (("text/turtle", "index.ttl"), ("application/ld+json", "index.jsonld")):
                if mime in accept and (target / name).exists():
                    return self._send(200, (target / name).read_bytes(), mime, {"Vary": "Accept"})
            target = target / "index.html"
        if not target.is_file():
            return self._send(404, b"not found\n")
        types = {".html": "text/html; charset=utf-8", ".ttl": "text/turtle", ".jsonld": "application/ld+json",
                 ".nq": "application/n-quads", ".trig": "application/trig", ".css": "text/css"}
        self._send(200, target.read_bytes(), types.get(target.suffix, "application/octet-stream"), {"Vary": "Accept"})


@dataclass
class Server:
    """A running read-only endpoint: `url` answers SPARQL at /sparql and serves the site."""

    url: str
    front: _Front
    process: subprocess.Popen
    workdir: Path

    def stop(self) -> None:
        self.front.shutdown()
        self.front.server_close()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.workdir, ignore_errors=True)


def start_server(kg: KnowledgeGraph, host: str = "127.0.0.1", port: int = 7878, site: Path | None = None,
                 timeout_s: int = 30) -> Server:
    """Load the KG into an Oxigraph store, serve it read-only with a query time limit, and put
    a front server before it that refuses updates and serves the static site."""
    workdir = Path(tempfile.mkdtemp(prefix="sezkg-serve-"))
    dump = workdir / "kg.nq"
    dump.write_bytes(serialize(kg, "nquads"))
    location = workdir / "store"
    binary = oxigraph_binary()
    loaded = subprocess.run([binary, "load", "--location", str(location), "--file", str(dump)],
                            capture_output=True, timeout=600)
    if loaded.returncode != 0:
        shutil.rmtree(workdir, ignore_errors=True)
        raise SezkgError(f"oxigraph load failed: {loaded.stderr.decode(errors='replace').strip()}")
    inner_port = _free_port("127.0.0.1")
    process = subprocess.Popen(
        [binary, "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{inner_port}",
         "--union-default-graph", "--timeout-s", str(timeout_s)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    inner = f"http://127.0.0.1:{inner_port}"
    try:
        wait_until_up(inner, process)
    except SezkgError:
        process.kill()
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    try:
        front = _Front((host, port), _Handler)
    except OSError as exc:
        process.terminate()
        shutil.rmtree(workdir, ignore_errors=True)
        raise SezkgError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    front.inner = inner
    front.site = site
    threading.Thread(target=front.serve_forever, daemon=True).start()
    bound_host, bound_port = front.server_address[:2]
    return Server(f"http://{bound_host}:{bound_port}", front, process, workdir)
