"""Real servers for tests, on 127.0.0.1 only: an Oxigraph SPARQL server and misbehaving HTTP
peers (one that answers HTML, one that never answers, one that never accepts, one that answers
whatever raw bytes a test gives it, one that drips its answer a byte at a time)."""

from __future__ import annotations

import http.server
import json
import socket
import socketserver
import subprocess
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sezkg.publish.serve import oxigraph_binary, wait_until_up


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def oxigraph_server(*extra: str, location: Path | None = None) -> Iterator[str]:
    """Start `oxigraph serve` on a free loopback port; yield its base URL; stop it afterwards."""
    port = free_port()
    args = [oxigraph_binary(), "serve", "--bind", f"127.0.0.1:{port}", *extra]
    if location is not None:
        args += ["--location", str(location)]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, proc)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def load_nquads(base: str, data: bytes) -> None:
    request = urllib.request.Request(f"{base}/store", data=data, method="POST",
                                     headers={"Content-Type": "application/n-quads"})
    urllib.request.urlopen(request, timeout=60).read()


class _HtmlHandler(http.server.BaseHTTPRequestHandler):
    def _answer(self) -> None:
        body = b"<html><body>Not a SPARQL endpoint</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args) -> None:  # keep test output clean
        pass


@contextmanager
def running(server: socketserver.BaseServer, path: str = "") -> Iterator[str]:
    """Serve `server` (bound to 127.0.0.1) in a thread; yield its base URL + `path`; stop it."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{path}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def html_server() -> Iterator[str]:
    """A web server that answers every request with an HTML page."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _HtmlHandler)
    with running(server, "/query") as url:
        yield url


@contextmanager
def silent_server() -> Iterator[str]:
    """A socket that accepts connections and never answers (for time-outs)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        sock.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
                held.append(conn)
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/query"
    finally:
        stop.set()
        thread.join(timeout=5)
        for conn in held:
            conn.close()
        sock.close()


@contextmanager
def failing_proxy(target: str, fail_put_number: int) -> Iterator[tuple[str, list[str]]]:
    """A pass-through HTTP proxy to a real server that answers HTTP 500 to the Nth PUT.

    Yields the proxy's base URL and the list of requests it saw ("METHOD path")."""
    seen: list[str] = []
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:
            pass

        def _forward(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            with lock:
                seen.append(f"{self.command} {self.path}")
                puts = sum(1 for s in seen if s.startswith("PUT "))
            if self.command == "PUT" and puts == fail_put_number:
                payload = b"injected failure"
                self.send_response(500)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
                return
            headers = {k: v for k, v in self.headers.items() if k.lower() in ("accept", "content-type")}
            request = urllib.request.Request(target + self.path, data=body, method=self.command, headers=headers)
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    status, payload, ctype = response.status, response.read(), response.headers.get("Content-Type", "")
            except urllib.error.HTTPError as exc:
                status, payload, ctype = exc.code, exc.read(), exc.headers.get("Content-Type", "")
            self.send_response(status)
            if ctype:
                self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_PUT = do_POST = do_DELETE = _forward

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with running(server) as url:
        yield url, seen


def dump_nquads(base: str) -> set[str]:
    """Every quad the server holds, as N-Quads lines."""
    request = urllib.request.Request(f"{base}/store", headers={"Accept": "application/n-quads"})
    text = urllib.request.urlopen(request, timeout=60).read().decode("utf-8")
    return {line for line in text.splitlines() if line.strip()}


@contextmanager
def unaccepting_server() -> Iterator[str]:
    """A listening socket whose accept queue is full, so a new connection never completes
    (the kernel drops its SYN): for deadlines that must cover connecting."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(0)
    filler = socket.create_connection(sock.getsockname(), timeout=5)  # takes the one queue place
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/query"
    finally:
        filler.close()
        sock.close()


def http_answer(body: bytes, content_type: str = "application/sparql-results+json",
                status: str = "200 OK", length: int | None = None, headers: str = "") -> bytes:
    """A raw HTTP/1.1 response; `length` overrides the Content-Length it announces."""
    announced = len(body) if length is None else length
    head = (f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {announced}\r\n"
            f"Connection: close\r\n{headers}\r\n")
    return head.encode("latin-1") + body


# What the union check of a RemoteRunner is answered with by peers that play along: no rows,
# as an empty store answers, so the peer's answer to the next (the test's) query is the one read.
EMPTY_PROBE_ANSWER = http_answer(json.dumps(
    {"head": {"vars": ["sezkg_side", "sezkg_found"]}, "results": {"bindings": []}}).encode())


class _Peer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def _read_request(stream) -> bytes:
    """The body of one HTTP request read from a socket file (headers skipped)."""
    length = 0
    for _ in range(200):
        line = stream.readline(65536)
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    return stream.read(length) if length else b""


@contextmanager
def _peer(handle: Callable[[socket.socket, bytes], None]) -> Iterator[str]:
    """A loopback TCP server calling handle(connection, request body) once per connection."""

    class Handler(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            try:
                handle(self.connection, _read_request(self.rfile))
            except OSError:  # the client gave up (closed, reset): nothing more to do
                pass

    server = _Peer(("127.0.0.1", 0), Handler)
    with running(server, "/query") as url:
        yield url


@contextmanager
def raw_server(answer: bytes, probe_answer: bytes | None = EMPTY_PROBE_ANSWER) -> Iterator[str]:
    """A peer that writes `answer` as raw bytes to every request, then closes the connection.

    A RemoteRunner's union-check probe gets `probe_answer` instead (None: `answer` too)."""

    def handle(conn: socket.socket, body: bytes) -> None:
        is_probe = b"sezkg_side" in body
        conn.sendall(probe_answer if is_probe and probe_answer is not None else answer)

    with _peer(handle) as url:
        yield url


@contextmanager
def drip_server(answer: bytes, interval: float = 1.0, at_once: int = 0) -> Iterator[str]:
    """A peer that writes `answer` one byte every `interval` seconds after its first `at_once`
    bytes; it stops when the client leaves, when the answer ends, or when the test is over."""
    over = threading.Event()

    def handle(conn: socket.socket, _body: bytes) -> None:
        conn.sendall(answer[:at_once])
        for i in range(at_once, len(answer)):
            if over.wait(interval):
                return
            conn.sendall(answer[i:i + 1])

    with _peer(handle) as url:
        try:
            yield url
        finally:
            over.set()


@contextmanager
def counting_listener() -> Iterator[tuple[int, list[bytes]]]:
    """A listener on 127.0.0.1 that records every connection made to it."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    sock.settimeout(0.1)
    seen: list[bytes] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    seen.append(conn.recv(4096))
                except OSError:
                    seen.append(b"")

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield sock.getsockname()[1], seen
    finally:
        stop.set()
        thread.join(timeout=5)
        sock.close()
