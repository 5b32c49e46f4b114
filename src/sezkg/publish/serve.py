"""Serve the KG read-only through a real Oxigraph server behind a small front server."""

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
from dataclasses import dataclass
from pathlib import Path

from ..errors import SezkgError
from ..kg.load import KnowledgeGraph
from .export import serialize


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
