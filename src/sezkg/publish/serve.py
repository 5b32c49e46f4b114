"""Serve the KG read-only: a front server on the public port, a small pool of Oxigraph
servers on loopback behind it, and the static linked-data site.

Why it is built this way (figures in bench/README.md and the test output):
- The front socket is bound first, before anything is loaded, so a busy port is reported at
  once; it listens with a real backlog (1024) and answers each connection in its own thread.
- Oxigraph's own --timeout-s does not stop a heavy query (0.5.13: a 4-way cartesian COUNT
  ran on for minutes). So each query leases one Oxigraph process for itself, and at the
  deadline the front server kills that process, answers 503 (or cuts the answer if it had
  begun) and starts a fresh process on the same read-only store; other queries run on.
- Answers are streamed through in chunks and never held whole. An answer that grows past
  `max_answer_bytes` is cut: the chunked answer ends without its closing chunk, so every
  HTTP/1.1 client reports an incomplete answer (an error) rather than taking a shorter one
  for the whole. Clients that speak HTTP/1.0 get answers delimited by the connection's end,
  where a cut cannot be told from the end: use HTTP/1.1.
- Every query passes the read-only guard (no SERVICE, no LOAD, no update) before a backend
  sees it, and only `query`, `default-graph-uri` and `named-graph-uri` are passed on, so
  the backend's address never reaches a client and the backend never fetches a URL.
- FROM and FROM NAMED are refused (400) unless the request gives its dataset as
  default-graph-uri / named-graph-uri: the backends' union default graph would override them
  without a word.
- Every malformed request gets a 4xx answer; nothing is dropped without one.
- Every answer (the 503 for one connection too many as well) carries SECURITY_HEADERS. The
  CSP only forbids framing: one that limits scripts or styles would need every page checked in
  a browser first.
- A browser (Accept preferring text/html) that opens / or /sparql without a query gets the
  query page: <site>/query/index.html if the site has one, else the site's index.html.
"""

from __future__ import annotations

import errno
import http.client
import http.server
import itertools
import math
import os
import shutil
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import ServerError, UsageError
from ..kg.load import KnowledgeGraph
from ..kg.sparql_guard import TooDeep, check_read_only
from .export import serialize

QUERY_PATHS = ("/sparql", "/query")
FOLDER_PAGES = {"text/html": "index.html", "text/turtle": "index.ttl", "application/ld+json": "index.jsonld"}
ALLOWED_METHODS = "GET, HEAD, POST, OPTIONS"
CHUNK = 64 * 1024
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8", ".ttl": "text/turtle", ".jsonld": "application/ld+json",
    ".nq": "application/n-quads", ".trig": "application/trig", ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8", ".json": "application/json", ".svg": "image/svg+xml",
    ".png": "image/png", ".txt": "text/plain; charset=utf-8", ".csv": "text/csv; charset=utf-8",
    ".rq": "application/sparql-query", ".woff2": "font/woff2",
}
# On every answer: no guessing a type other than the one sent, no address of this server in
# other sites' logs, and no page of it inside another site's frame (clickjacking).
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY", "Content-Security-Policy": "frame-ancestors 'none'",
}
BUSY = (b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 26\r\n"
        b"Retry-After: 5\r\nConnection: close\r\n"
        + "".join(f"{name}: {value}\r\n" for name, value in SECURITY_HEADERS.items()).encode()
        + b"\r\ntoo many open connections\n")


@dataclass(frozen=True)
class Limits:
    """What one request may take; the query deadline is start_server's `timeout_s`."""

    max_answer_bytes: int = 64 * 1024 * 1024  # an answer past this is cut (see the module doc)
    backends: int = 2  # Oxigraph processes, each running one query at a time
    max_request_bytes: int = 1024 * 1024  # a POSTed query or form
    max_path: int = 4096  # characters of the request target
    socket_timeout: float = 20.0  # to receive a whole request, and for each write to a client
    max_connections: int = 512  # open at once; one more is answered 503 at once


def oxigraph_binary() -> str:
    here = Path(sys.executable).parent / "oxigraph"
    found = str(here) if here.exists() else shutil.which("oxigraph")
    if not found:
        raise ServerError("the Oxigraph server is not installed (pip install oxigraph)")
    return found


def wait_until_up(base: str, process: subprocess.Popen[bytes], seconds: float = 30) -> None:
    """Wait until an Oxigraph server answers a query; ServerError if it exits or takes too long."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=2).read()
            return
        except OSError:
            if process.poll() is not None:
                said = process.stderr.read().decode(errors="replace") if process.stderr else ""
                raise ServerError(f"the Oxigraph server exited: {said.strip()}") from None
            if time.monotonic() > deadline:
                raise ServerError(f"the Oxigraph server did not start within {seconds:g} s") from None
            time.sleep(0.02)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]  # an AF_INET address: (host, port)
        return port


# --- the backends -------------------------------------------------------------------------

@dataclass(eq=False)
class _Backend:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()

    def said(self) -> str:
        try:
            return self.log.read_text(encoding="utf-8", errors="replace").strip()[-500:]
        except OSError:
            return ""


class _Pool:
    """Oxigraph read-only servers on one store; a query leases one for itself alone.

    Every process is recorded the moment it is started, so close() (also on Ctrl-C or
    SIGTERM during start-up) leaves none behind."""

    def __init__(self, location: Path, logs: Path, size: int, timeout_s: float):
        self.command = [oxigraph_binary(), "serve-read-only", "--location", str(location),
                        "--union-default-graph", "--timeout-s", str(max(1, math.ceil(timeout_s)))]
        self.logs = logs
        self.size = size
        self._cond = threading.Condition()
        self._processes: set[_Backend] = set()  # every process started and not yet killed
        self._live: set[_Backend] = set()  # answering, idle or leased
        self._idle: list[_Backend] = []
        self._starting = 0
        self._closed = False
        self._failure: ServerError | None = None
        self._serial = itertools.count()

    def start(self) -> None:
        """Start every backend at once and wait until all answer."""
        with self._cond:
            self._starting += self.size
        threads = [threading.Thread(target=self._add, daemon=True) for _ in range(self.size)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        with self._cond:
            if len(self._live) < self.size:
                raise self._failure or ServerError("the Oxigraph server could not be started")

    def _add(self) -> None:
        """Launch one backend and put it in the pool (or note why it could not start)."""
        try:
            backend = self._launch()
        except ServerError as exc:
            with self._cond:
                self._starting -= 1
                self._failure = exc
                self._cond.notify_all()
            return
        with self._cond:
            self._starting -= 1
            self._live.add(backend)
            self._idle.append(backend)
            self._cond.notify()

    def _launch(self) -> _Backend:
        failure = ServerError("the Oxigraph server could not be started")
        for _ in range(3):  # the free port may be taken between the probe and Oxigraph's bind
            port = _free_port()
            log = self.logs / f"oxigraph-{next(self._serial)}.log"
            with self._cond:
                if self._closed:
                    raise ServerError("the server is stopping")
                with open(log, "wb") as err:
                    process = subprocess.Popen([*self.command, "--bind", f"127.0.0.1:{port}"],
                                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
                backend = _Backend(process, port, log)
                self._processes.add(backend)
            try:
                wait_until_up(f"http://127.0.0.1:{port}", process, seconds=20)
                return backend
            except ServerError as exc:
                self._kill(backend)
                failure = ServerError(f"the Oxigraph server did not start: {backend.said() or exc}")
        raise failure

    def _kill(self, backend: _Backend) -> None:
        backend.kill()
        with self._cond:
            self._processes.discard(backend)
            self._live.discard(backend)

    def lease(self, deadline: float) -> _Backend | None:
        """An idle backend, waiting for one until the deadline; None if none came."""
        with self._cond:
            while not self._idle:
                remaining = deadline - time.monotonic()
                if self._closed or remaining <= 0 or (not self._live and not self._starting):
                    return None
                self._cond.wait(remaining)
            return self._idle.pop()

    def give_back(self, backend: _Backend) -> None:
        with self._cond:
            if backend in self._live and not self._closed:
                self._idle.append(backend)
                self._cond.notify()

    def discard(self, backend: _Backend) -> None:
        """Kill a backend (stuck, or left mid-answer) and start a fresh one in its place."""
        self._kill(backend)
        with self._cond:
            if self._closed:
                return
            self._starting += 1
        threading.Thread(target=self._replace, daemon=True).start()

    def _replace(self) -> None:
        self._add()
        with self._cond:
            failure = self._failure if not self._live and not self._starting else None
        if failure is not None:
            print(f"sezkg serve: no query engine left: {failure}", file=sys.stderr, flush=True)

    def pids(self) -> list[int]:
        with self._cond:
            return sorted(b.process.pid for b in self._live)

    def close(self) -> None:
        with self._cond:
            self._closed = True
            backends = list(self._processes)
            self._processes.clear()
            self._live.clear()
            self._idle.clear()
            self._cond.notify_all()
        for backend in backends:
            backend.kill()


class _Lease:
    """One query's hold on a backend; the watchdog's `expire` and the handler's `finish` race
    under a lock, so a backend is given back or killed exactly once."""

    def __init__(self, pool: _Pool, backend: _Backend, seconds: float):
        self.pool = pool
        self.backend = backend
        self.timed_out = False
        self._done = False
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(0.0, seconds), self.expire)
        self._timer.daemon = True
        self._timer.start()

    def expire(self) -> None:
        with self._lock:
            if self._done:
                return
            self._done = self.timed_out = True
        self.pool.discard(self.backend)

    def finish(self, healthy: bool) -> None:
        self._timer.cancel()
        with self._lock:
            if self._done:
                return
            self._done = True
        if healthy:
            self.pool.give_back(self.backend)
        else:
            self.pool.discard(self.backend)


# --- the front server ---------------------------------------------------------------------

# What socketserver hands a server's hooks: typeshed's, which allows a UDP server's (data,
# socket) pair; a TCP server's request is its connection.
_Request = socket.socket | tuple[bytes, socket.socket]
_Address = tuple[str, int] | tuple[str, int, int, int]  # an IPv4 or IPv6 client


def _connection(request: _Request) -> socket.socket:
    if not isinstance(request, socket.socket):
        raise TypeError(f"a TCP server was handed a request that is not a connection: {request!r}")
    return request


class _Front(socketserver.ThreadingMixIn, socketserver.TCPServer):
    """The public listener: bound at once (so a busy port fails at once), served later."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 1024
    pool: _Pool
    limits: Limits
    timeout_s: float
    site: Path | None = None
    site_ready: threading.Event

    _active: int  # connections being answered
    _active_lock: threading.Lock

    def process_request(self, request: _Request, client_address: _Address) -> None:
        """A thread per connection, up to limits.max_connections; past that, a short 503."""
        with self._active_lock:
            busy = self._active >= self.limits.max_connections
            if not busy:
                self._active += 1
        if not busy:
            super().process_request(request, client_address)
            return
        connection = _connection(request)
        try:
            connection.settimeout(0.2)
            connection.sendall(BUSY)
            connection.shutdown(socket.SHUT_WR)
            connection.setblocking(False)
            while connection.recv(CHUNK):  # what has come of the request: unread, it would reset the answer
                pass
        except OSError:
            pass
        self.close_request(request)

    def process_request_thread(self, request: _Request, client_address: _Address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._active_lock:
                self._active -= 1

    def shutdown_request(self, request: _Request) -> None:
        """Close gently: stop sending, then read what the client still sends (for up to a
        second), so that unread input does not make the kernel reset the connection before
        the client has read the answer (a refused request's body is never read)."""
        connection = _connection(request)
        try:
            connection.shutdown(socket.SHUT_WR)
            connection.settimeout(0.5)
            until = time.monotonic() + 1
            drained = 0
            while time.monotonic() < until and drained < (1 << 20):
                data = connection.recv(CHUNK)
                if not data:
                    break
                drained += len(data)
        except OSError:
            pass
        self.close_request(request)

    def handle_error(self, request: _Request, client_address: _Address) -> None:
        exc = sys.exc_info()[1]
        if not isinstance(exc, (ConnectionError, TimeoutError)):
            traceback.print_exc(file=sys.stderr)


class _Front6(_Front):
    address_family = socket.AF_INET6


class _Refusal(Exception):
    """A request answered with a 4xx/5xx (or a redirect) and a one-line reason."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None, close: bool = False):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}
        self.close = close


def _accept(header: str) -> dict[str, float]:
    """The media ranges an Accept header names, each with its weight (q: 1 if not given, 0 if
    not a number; the highest where a range comes twice)."""
    weights: dict[str, float] = {}
    for part in header.split(","):
        fields = [f.strip() for f in part.split(";")]
        kind = fields[0].lower()
        weight = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
                weight = min(max(weight, 0.0), 1.0) if math.isfinite(weight) else 0.0
        if kind:
            weights[kind] = max(weight, weights.get(kind, 0.0))
    return weights


def _prefers_html(accept: str) -> bool:
    """True when the Accept header names text/html (or XHTML) with the highest weight."""
    weights = _accept(accept)
    html = max(weights.get("text/html", 0.0), weights.get("application/xhtml+xml", 0.0))
    return html > 0 and html >= max(weights.values())


def _negotiate(header: str | None, offers: list[str]) -> str | None:
    """The offer the Accept header weighs highest, each weighed by the most specific range that
    matches it (type/subtype, then type/*, then */*); on a tie the first offered; None if every
    offer has weight 0. No Accept header (or a blank one) accepts anything."""
    weights = _accept(header) if header and header.strip() else {"*/*": 1.0}

    def weight(mime: str) -> float:
        for kind in (mime, mime.split("/")[0] + "/*", "*/*"):
            if kind in weights:
                return weights[kind]
        return 0.0

    best = max(offers, key=weight, default=None)  # max keeps the first of equals
    return best if best is not None and weight(best) > 0 else None


def _folder(request: urllib.parse.SplitResult) -> str:
    """Where a folder asked for without its trailing slash is moved, as static servers do: its
    page's relative links (index.ttl, ../../act/...) resolve against the slash. One leading
    slash only, so the path cannot make `//host/`, which a browser reads as another site."""
    location = "/" + urllib.parse.quote(request.path.lstrip("/") + "/") if request.path.strip("/") else "/"
    return f"{location}?{request.query}" if request.query else location


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Front
    protocol_version = "HTTP/1.1"
    server_version = "sezkg"
    sys_version = ""

    def setup(self) -> None:
        # typeshed makes `timeout` a ClassVar; StreamRequestHandler.setup reads it from the instance.
        self.timeout = self.server.limits.socket_timeout  # type: ignore[misc]
        super().setup()

    def log_message(self, *args: object) -> None:
        pass

    def end_headers(self) -> None:
        for name, value in SECURITY_HEADERS.items():
            self.send_header(name, value)
        super().end_headers()

    # -- answering ------------------------------------------------------------------------

    def parse_request(self) -> bool:
        self._arrival = time.monotonic()
        self._started = False
        if not super().parse_request():
            return False
        if self.request_version == "HTTP/0.9":
            self.send_error(400, "HTTP/0.9 requests are not supported")
            return False
        return True

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Every error the base class sends (bad request line, unknown method, long headers),
        as a plain one-line answer; an unknown method is the client's error, so 405 not 501."""
        headers = {}
        if code == 501:
            code, headers = 405, {"Allow": ALLOWED_METHODS}
        if self.request_version in ("HTTP/0.9", ""):  # always send a status line
            self.request_version = "HTTP/1.0"
        self.close_connection = True
        self._send(code, f"{message or http.HTTPStatus(code).phrase}\n".encode(), extra=headers)

    def _send(self, status: int, body: bytes, content_type: str = "text/plain; charset=utf-8",
              extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self._started = True
        if self.command != "HEAD":
            self.wfile.write(body)

    def _answer(self, work: Callable[[], None]) -> None:
        """Run one request; a _Refusal becomes its 4xx/5xx answer, any other failure a 500."""
        try:
            work()
        except _Refusal as refusal:
            if refusal.close:
                self.close_connection = True
            if not self._started:
                self._send(refusal.status, f"{refusal.message}\n".encode(), extra=refusal.headers)
            else:
                self.close_connection = True
        except (ConnectionError, TimeoutError):
            self.close_connection = True
        except Exception:  # noqa: BLE001 - a bug: say so to the client and on stderr, keep serving
            traceback.print_exc(file=sys.stderr)
            self.close_connection = True
            if not self._started:
                self._send(500, b"internal error\n")

    # -- methods --------------------------------------------------------------------------

    def do_GET(self) -> None:
        self._answer(self._get)

    def do_HEAD(self) -> None:
        self._answer(self._get)

    def do_POST(self) -> None:
        self._answer(self._post)

    def do_OPTIONS(self) -> None:
        self._answer(lambda: self._send(204, b"", extra={"Allow": ALLOWED_METHODS}))

    def _read_only(self) -> None:
        self._answer(self._refuse_write)

    do_PUT = do_DELETE = do_PATCH = _read_only

    def _refuse_write(self) -> None:
        raise _Refusal(403, "This endpoint is read-only: SPARQL updates and Graph Store writes are refused.",
                       close=True)

    # -- the request ----------------------------------------------------------------------

    def _target(self) -> urllib.parse.SplitResult:
        if len(self.path) > self.server.limits.max_path:
            raise _Refusal(414, f"the request target is longer than {self.server.limits.max_path} characters",
                           close=True)
        if not self.path.startswith("/"):
            raise _Refusal(400, "the request target must be a path starting with /", close=True)
        target = urllib.parse.urlsplit(self.path)
        try:
            path = urllib.parse.unquote(target.path, errors="strict")
        except UnicodeDecodeError:
            raise _Refusal(400, "the path is not UTF-8") from None
        if any(ord(c) < 0x20 or c == "\x7f" for c in path):
            raise _Refusal(400, "the path holds a control character")
        return target._replace(path=path)

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding"):
            raise _Refusal(411, "send the body with a Content-Length, not Transfer-Encoding", close=True)
        lengths = self.headers.get_all("Content-Length") or []
        if not lengths:
            raise _Refusal(411, "a POST needs a Content-Length", close=True)
        if len(set(lengths)) != 1 or not lengths[0].strip().isdigit() or not lengths[0].strip().isascii():
            raise _Refusal(400, f"Content-Length is not a number of bytes: {lengths[0][:40]!r}", close=True)
        length = int(lengths[0])
        if length > self.server.limits.max_request_bytes:
            raise _Refusal(413, f"the request body is larger than {self.server.limits.max_request_bytes} bytes",
                           close=True)
        try:
            body = self.rfile.read(length)
        except TimeoutError:
            raise _Refusal(408, "the request body did not arrive in time", close=True) from None
        if len(body) < length:
            raise _Refusal(400, f"the request body ended after {len(body)} of {length} bytes", close=True)
        return body

    def _no_body_expected(self) -> None:
        """A GET or HEAD with a body: answer it, then close (the body is never read)."""
        if self.headers.get("Transfer-Encoding") or (self.headers.get("Content-Length") or "0").strip() != "0":
            self.close_connection = True

    def _get(self) -> None:
        self._no_body_expected()
        target = self._target()
        if target.path in QUERY_PATHS:
            params = self._params(target.query)
            if "update" in params:
                self._refuse_write()
            if "query" not in params:
                return self._no_query()
            return self._query(params)
        if target.path in ("/update", "/store"):
            self._refuse_write()
        if target.path == "/" and _prefers_html(self.headers.get("Accept", "")):
            return self._query_page()
        self._static(target)

    def _post(self) -> None:
        target = self._target()
        if target.path in ("/update", "/store"):
            self._refuse_write()
        if target.path not in QUERY_PATHS:
            raise _Refusal(405, "POST goes to /sparql (or /query)", {"Allow": "GET, HEAD, OPTIONS"}, close=True)
        content_type = self.headers.get_content_type()
        body = self._body()
        params = self._params(target.query)
        if content_type == "application/x-www-form-urlencoded":
            try:
                form = body.decode("utf-8")
            except UnicodeDecodeError:
                raise _Refusal(400, "the form is not UTF-8") from None
            for key, values in self._params(form).items():
                params.setdefault(key, []).extend(values)
        elif content_type == "application/sparql-query":
            try:
                params.setdefault("query", []).append(body.decode("utf-8"))
            except UnicodeDecodeError:
                raise _Refusal(400, "the query is not UTF-8") from None
        elif content_type == "application/sparql-update":
            self._refuse_write()
        else:
            raise _Refusal(415, "POST a query as application/sparql-query or application/x-www-form-urlencoded")
        if "update" in params:
            self._refuse_write()
        if "query" not in params:
            raise _Refusal(400, "no query: send the SPARQL query in the `query` parameter")
        self._query(params)

    @staticmethod
    def _params(text: str) -> dict[str, list[str]]:
        try:
            return urllib.parse.parse_qs(text, keep_blank_values=True, errors="strict", max_num_fields=1000)
        except UnicodeDecodeError:
            raise _Refusal(400, "the parameters are not UTF-8") from None
        except ValueError as exc:
            raise _Refusal(400, f"bad parameters: {exc}") from None

    # -- SPARQL ---------------------------------------------------------------------------

    def _no_query(self) -> None:
        if _prefers_html(self.headers.get("Accept", "")):
            return self._query_page()
        raise _Refusal(400, "no query: send a SPARQL query as ?query=... (GET) or in a POST")

    def _query(self, params: dict[str, list[str]]) -> None:
        if len(params["query"]) != 1:
            raise _Refusal(400, "give exactly one `query` parameter")
        query = params["query"][0]
        try:
            check_read_only(query)
        except TooDeep as exc:  # malformed, not forbidden: it would crash the backend's parser
            raise _Refusal(400, str(exc)) from None
        except UsageError as exc:
            raise _Refusal(403, str(exc)) from None
        form = [("query", query)]
        for key in ("default-graph-uri", "named-graph-uri"):
            form += [(key, value) for value in params.get(key, [])]
        if len(form) == 1:
            # The backends' union default graph replaces the dataset that FROM names (FROM NAMED
            # alone keeps it too, where SPARQL says the default graph is empty): the answer would
            # be silently wrong. A dataset given as parameters replaces FROM, and Oxigraph honours it.
            try:
                check_read_only(query, allow_from=False)
            except UsageError as exc:
                raise _Refusal(400, f"{exc} (GRAPH <g> {{ ... }}), or send the dataset as default-graph-uri "
                                    "and named-graph-uri parameters, which this endpoint honours") from None
        self._proxy(urllib.parse.urlencode(form).encode())

    def _proxy(self, form: bytes) -> None:
        front = self.server
        deadline = self._arrival + front.timeout_s
        backend = front.pool.lease(deadline)
        if backend is None:
            raise _Refusal(503, f"no query engine came free within the {front.timeout_s:g} s limit; try again later",
                           {"Retry-After": "5"})
        lease = _Lease(front.pool, backend, deadline - time.monotonic())
        connection = http.client.HTTPConnection("127.0.0.1", backend.port, timeout=front.timeout_s + 5)
        healthy = False
        try:
            headers = {"Content-Type": "application/x-www-form-urlencoded"}
            if self.headers.get("Accept"):  # else Oxigraph picks: JSON for SELECT, N-Triples for CONSTRUCT
                headers["Accept"] = self.headers["Accept"]
            connection.request("POST", "/query", body=form, headers=headers)
            response = connection.getresponse()
            healthy = self._relay(response)
        except (OSError, http.client.HTTPException):
            if lease.timed_out:
                raise _Refusal(503, f"the query ran past the {front.timeout_s:g} s limit and was stopped") from None
            if self._started:
                raise
            raise _Refusal(502, "the query engine failed while answering; try again") from None
        finally:
            connection.close()
            lease.finish(healthy)

    def _relay(self, response: http.client.HTTPResponse) -> bool:
        """Stream the backend's answer to the client; True if it went through whole."""
        cap = self.server.limits.max_answer_bytes
        chunk = response.read1(CHUNK)  # wait for the first bytes: before them, a time-out is still a 503
        chunked = self.request_version == "HTTP/1.1"
        self.send_response(response.status)
        for name in ("Content-Type", "Content-Disposition"):
            value = response.getheader(name)
            if value:
                self.send_header(name, value)
        self.send_header("Vary", "Accept")
        self.send_header("X-Answer-Limit-Bytes", str(cap))
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.close_connection = True
            self.send_header("Connection", "close")
        self.end_headers()
        self._started = True
        sent = 0
        while chunk:
            room = cap - sent
            part = chunk[:room]
            if self.command != "HEAD" and part:
                self.wfile.write(b"%X\r\n%s\r\n" % (len(part), part) if chunked else part)
            sent += len(part)
            if len(chunk) > room:  # past the cap: end without the closing chunk
                self.close_connection = True
                return False
            chunk = response.read1(CHUNK)
        if response.length:  # read1 ends quietly where a Content-Length body stops short
            raise http.client.IncompleteRead(b"", response.length)
        if chunked and self.command != "HEAD":
            self.wfile.write(b"0\r\n\r\n")
        return True

    # -- the site -------------------------------------------------------------------------

    def _site(self) -> Path:
        front = self.server
        if front.site is None:
            raise _Refusal(404, "not found")
        if not front.site_ready.wait(timeout=60):
            raise _Refusal(503, "the site is still being built; try again in a moment", {"Retry-After": "5"})
        return front.site

    def _query_page(self) -> None:
        site = self._site()
        page = site / "query" / "index.html"
        self._file(page if page.is_file() else site / "index.html")

    def _static(self, request: urllib.parse.SplitResult) -> None:
        site = self._site()
        path = request.path
        try:
            target = (site / path.lstrip("/")).resolve()
            if not target.is_relative_to(site.resolve()):  # no ../ out of the site
                raise _Refusal(404, "not found")
            if target.is_dir():
                if not path.endswith("/"):
                    location = _folder(request)
                    raise _Refusal(301, f"moved to {location}", {"Location": location})
                offers = [mime for mime, name in FOLDER_PAGES.items() if (target / name).is_file()]
                if not offers:
                    raise _Refusal(404, "not found")
                mime = _negotiate(self.headers.get("Accept"), offers)
                if mime is None:
                    raise _Refusal(406, f"this page is served as {', '.join(offers)}; the Accept header refuses each")
                target = target / FOLDER_PAGES[mime]
            elif path.endswith("/"):  # a file is not a folder (its relative links would go astray too)
                raise _Refusal(404, "not found")
            if not target.is_file():
                raise _Refusal(404, "not found")
        except (OSError, ValueError):  # a name too long for the file system, and the like
            raise _Refusal(404, "not found") from None
        self._file(target)

    def _file(self, path: Path, content_type: str | None = None) -> None:
        """Send a file in chunks (a dump is megabytes; many at once must not fill the memory)."""
        try:
            source = path.open("rb")
        except OSError:
            raise _Refusal(404, "not found") from None
        with source:
            self.send_response(200)
            self.send_header("Content-Type", content_type or CONTENT_TYPES.get(path.suffix, "application/octet-stream"))
            self.send_header("Content-Length", str(os.fstat(source.fileno()).st_size))
            self.send_header("Vary", "Accept")
            self.end_headers()
            self._started = True
            if self.command != "HEAD":
                shutil.copyfileobj(source, self.wfile, CHUNK)


# --- the server -----------------------------------------------------------------------------

def bind(host: str = "127.0.0.1", port: int = 7878, limits: Limits | None = None) -> _Front:
    """Bind the public socket now (ServerError at once if the port is busy); serve later."""
    cls = _Front6 if ":" in host else _Front
    try:
        front = cls((host, port), _Handler)
    except OSError as exc:
        hint = "; is another server running there? choose another --port" if exc.errno == errno.EADDRINUSE else ""
        raise ServerError(f"cannot listen on {host}:{port}: {exc.strerror or exc}{hint}") from None
    except (OverflowError, socket.gaierror, UnicodeError) as exc:
        raise ServerError(f"cannot listen on {host}:{port}: {exc}") from None
    front.limits = limits or Limits()
    front.site_ready = threading.Event()
    front._active, front._active_lock = 0, threading.Lock()
    return front


@dataclass
class Server:
    """A running read-only endpoint: `url` answers SPARQL at /sparql and serves the site."""

    url: str
    front: _Front
    pool: _Pool
    workdir: Path

    def site_built(self) -> None:
        """Tell the server the site folder is complete: static requests waiting for it go on."""
        self.front.site_ready.set()

    def stop(self) -> None:
        self.front.shutdown()
        self.front.server_close()
        self.pool.close()
        shutil.rmtree(self.workdir, ignore_errors=True)


def start_server(kg: KnowledgeGraph, host: str = "127.0.0.1", port: int = 7878, site: Path | None = None,
                 timeout_s: float = 30, limits: Limits | None = None, front: _Front | None = None,
                 site_ready: bool = True) -> Server:
    """Load the KG into an Oxigraph store, start the backends, and serve it read-only.

    `front` is a socket from bind() (host, port and limits are then taken from it);
    with site_ready=False, requests for the site wait until Server.site_built() is called.
    """
    if not (isinstance(timeout_s, (int, float)) and math.isfinite(timeout_s) and timeout_s > 0):
        raise UsageError(f"the query time limit must be a positive number of seconds, not {timeout_s!r}")
    front = front or bind(host, port, limits)
    workdir = Path(tempfile.mkdtemp(prefix="sezkg-serve-"))
    pool = None
    try:
        location = workdir / "store"
        loaded = subprocess.run([oxigraph_binary(), "load", "--location", str(location), "--format", "nq"],
                                input=serialize(kg, "nquads"), capture_output=True, timeout=600, check=False)
        if loaded.returncode != 0:
            raise ServerError(f"oxigraph load failed: {loaded.stderr.decode(errors='replace').strip()}")
        pool = _Pool(location, workdir, front.limits.backends, timeout_s)
        pool.start()
    except BaseException:  # also Ctrl-C or SIGTERM: no process or folder is left behind
        if pool is not None:
            pool.close()
        front.server_close()
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    front.pool = pool
    front.timeout_s = float(timeout_s)
    front.site = site
    if site_ready:
        front.site_ready.set()
    threading.Thread(target=front.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()
    bound_host, bound_port = str(front.server_address[0]), front.server_address[1]
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    return Server(f"http://{shown}:{bound_port}", front, pool, workdir)
