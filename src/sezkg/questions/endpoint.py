"""Where queries run: the embedded store, or any SPARQL 1.1 endpoint over HTTP.

Both runners take the same query text and return rows as pyoxigraph terms, so everything
built on the catalogue (the overlap report, the network) works the same on either. A remote
endpoint must answer with the union of its named graphs as the default graph (Oxigraph:
`serve --union-default-graph`), as the embedded store does; a RemoteRunner checks this once,
with one cheap probe query, before its first answer is trusted.

SPARQLWrapper builds each request (form, headers, protocol parameters); this module sends it
and reads the answer itself, because only then can `timeout` be a deadline for the whole
request (connect, send, every read) and every byte of the answer be checked before use.
"""

from __future__ import annotations

import http.client
import io
import json
import math
import re
import socket
import ssl
import time
import urllib.parse
import urllib.request
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import pyoxigraph as ox
from SPARQLWrapper import JSON, POST, SELECT, SPARQLWrapper

from ..errors import (
    EndpointDatasetError,
    EndpointHTTPError,
    EndpointResponseError,
    EndpointTimeout,
    EndpointUnreachable,
    UsageError,
)
from ..kg.rows import Row, Rows

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

# Bound on an answer's size, so a runaway endpoint exhausts the deadline, not the memory.
MAX_ANSWER_BYTES = 1 << 30


class Runner(Protocol):
    """Anything that answers a SELECT with rows of terms: a KnowledgeGraph or a RemoteRunner."""

    def select(self, sparql: str) -> Rows: ...


@dataclass
class RemoteRunner:
    """SELECT queries on a SPARQL 1.1 endpoint; `timeout` is the deadline of each whole request."""

    url: str
    timeout: float = 30.0
    max_bytes: int = MAX_ANSWER_BYTES
    _dataset_checked: bool = field(default=False, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        check_url(self.url)  # at once: a verb fails before it loads or asks anything
        if not (isinstance(self.timeout, (int, float)) and math.isfinite(self.timeout) and self.timeout > 0):
            raise UsageError(f"the endpoint timeout must be a positive number of seconds, not {self.timeout!r}")

    def select(self, sparql: str) -> Rows:
        if not self._dataset_checked:
            check_union_default_graph(self.url, self._select(UNION_PROBE))
            self._dataset_checked = True
        return self._select(sparql)

    def _select(self, sparql: str) -> Rows:
        answer = fetch(self.url, build_request(self.url, sparql), self.timeout, self.max_bytes)
        return parse_sparql_json(self.url, answer.body, answer.content_type)


# What http.client refuses in a request line, and what no IRI holds (a site names the endpoint).
_NOT_IN_URL = re.compile(r'[\x00-\x20\x7f<>"{}|\\^`]')


def url_problem(url: str) -> str | None:
    """What makes `url` unusable as an endpoint's address, or None: an http:// or https:// URL
    with a host, a port that is a number, and no space or character a URL cannot hold."""
    try:
        target = urllib.parse.urlsplit(url)
    except ValueError:  # "Invalid IPv6 URL": an unclosed [
        return "not an http:// or https:// URL"
    if target.scheme not in ("http", "https") or not target.hostname:
        return "not an http:// or https:// URL"
    try:
        _ = target.port  # raises on one that is not a number from 0 to 65535
    except ValueError:
        return "the URL's port is not a number from 0 to 65535"
    if _NOT_IN_URL.search(url):
        return "not a URL: it holds a space or a character a URL cannot (percent-encode it)"
    return None


def check_url(url: str) -> None:
    """EndpointUnreachable naming what is wrong with `url`, before anything is sent: SPARQLWrapper
    and urllib raise bare ValueErrors (unknown url type, Invalid IPv6 URL) on a malformed one."""
    problem = url_problem(url)
    if problem is not None:
        raise EndpointUnreachable(url, problem)


def build_request(url: str, sparql: str) -> urllib.request.Request:
    """The HTTP request SPARQLWrapper would send for this SELECT (POST, form-encoded, JSON results)."""
    check_url(url)
    client = SPARQLWrapper(url)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # it warns when it cannot guess the form; we set it below
        client.setQuery(sparql)
    # SPARQLWrapper guesses the form from the first keyword anywhere in the text, comments and
    # string literals included ("address" reads as ADD, a value "DROP" as an update): a
    # RemoteRunner only sends SELECTs, so it says so instead of letting it guess.
    client.queryType = SELECT
    client.setMethod(POST)
    client.setReturnFormat(JSON)
    return client._createRequest()  # builds the request without sending it


# ---------------------------------------------------------------------------- sending, reading


@dataclass(frozen=True)
class Answer:
    """A 2xx answer read in full."""

    content_type: str
    body: bytes


@dataclass(frozen=True)
class _Deadline:
    url: str
    seconds: float
    end: float

    def left(self) -> float:
        """Seconds left; EndpointTimeout once there are none."""
        left = self.end - time.monotonic()
        if left <= 0:
            raise self.expired()
        return left

    def expired(self) -> EndpointTimeout:
        return EndpointTimeout(self.url, f"no answer within {self.seconds:g} s "
                                         "(the deadline covers connecting, sending and reading the whole answer)")


class _DeadlineReader(io.RawIOBase):
    """The socket's bytes, each read waiting no longer than what is left of the deadline."""

    def __init__(self, sock: socket.socket, deadline: _Deadline):
        self._sock = sock
        self._deadline = deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        self._sock.settimeout(self._deadline.left())
        try:
            return self._sock.recv_into(buffer)
        except TimeoutError:
            raise self._deadline.expired() from None


class _DeadlineSocket:
    """What http.client needs of a socket (sendall, makefile, close), held to one deadline."""

    def __init__(self, sock: socket.socket, deadline: _Deadline):
        self._sock = sock
        self._deadline = deadline

    def sendall(self, data: bytes) -> None:
        # Since Python 3.5 a socket timeout bounds the whole sendall, not each chunk.
        self._sock.settimeout(self._deadline.left())
        try:
            self._sock.sendall(data)
        except TimeoutError:
            raise self._deadline.expired() from None

    def makefile(self, mode: str, *args: object, **kwargs: object) -> io.BufferedReader:
        return io.BufferedReader(_DeadlineReader(self._sock, self._deadline))

    def close(self) -> None:
        # http.client closes the connection while its response still reads from it (a real
        # socket counts its open files for this); fetch() closes the socket when done.
        pass


def fetch(url: str, request: urllib.request.Request, timeout: float, max_bytes: int = MAX_ANSWER_BYTES) -> Answer:
    """Send the request and read the whole answer before the deadline; an EndpointError if not."""
    deadline = _Deadline(url, timeout, time.monotonic() + timeout)
    problem = url_problem(request.full_url)
    if problem is not None:
        raise EndpointUnreachable(url, problem)
    target = urllib.parse.urlsplit(request.full_url)
    assert target.hostname is not None  # url_problem saw to it
    port = target.port or (443 if target.scheme == "https" else 80)
    sock = _connect(url, target.scheme, target.hostname, port, deadline)
    connection = http.client.HTTPConnection(target.hostname, port)
    connection.sock = _DeadlineSocket(sock, deadline)  # already connected: http.client uses it as is
    headers = dict(request.header_items())
    headers["Connection"] = "close"
    try:
        connection.request(request.get_method(), request.selector, body=request.data, headers=headers)
        response = connection.getresponse()
        body = _read_body(url, response, max_bytes)
    except EndpointTimeout:
        raise
    except http.client.IncompleteRead as exc:
        raise EndpointResponseError(url, f"the answer ended early, after {len(exc.partial)} bytes of a chunk") from None
    except http.client.HTTPException as exc:
        raise EndpointResponseError(
            url, f"the answer is not valid HTTP ({type(exc).__name__} {_short(str(exc))})") from None
    except OSError as exc:
        raise EndpointResponseError(
            url, f"the connection broke before the answer was complete: {exc.strerror or exc}") from None
    finally:
        sock.close()
    if not 200 <= response.status < 300:
        raise EndpointHTTPError(url, _status_message(response, body))
    return Answer(response.headers.get("Content-Type", ""), body)


def _connect(url: str, scheme: str, host: str, port: int, deadline: _Deadline) -> socket.socket:
    try:
        sock = socket.create_connection((host, port), timeout=deadline.left())
    except OSError as exc:
        raise _connect_error(url, exc, deadline) from None
    if scheme == "http":
        return sock
    try:
        sock.settimeout(deadline.left())
        return ssl.create_default_context().wrap_socket(sock, server_hostname=host)
    except OSError as exc:  # ssl.SSLError is an OSError
        sock.close()
        raise _connect_error(url, exc, deadline) from None
    except EndpointTimeout:
        sock.close()
        raise


def _connect_error(url: str, exc: OSError, deadline: _Deadline) -> Exception:
    if isinstance(exc, TimeoutError):
        return deadline.expired()
    if isinstance(exc, ConnectionRefusedError):
        return EndpointUnreachable(url, "connection refused (is the server running?)")
    if isinstance(exc, ssl.SSLError):
        return EndpointUnreachable(url, f"TLS failed: {exc.reason or exc}")
    return EndpointUnreachable(url, f"cannot connect: {exc.strerror or exc}")


def _read_body(url: str, response: http.client.HTTPResponse, max_bytes: int) -> bytes:
    declared = response.length  # Content-Length, or None (chunked, or read to the close)
    parts: list[bytes] = []
    size = 0
    while chunk := response.read(1 << 16):
        size += len(chunk)
        if size > max_bytes:
            raise EndpointResponseError(url, f"the answer is larger than {max_bytes} bytes")
        parts.append(chunk)
    # http.client stops quietly when the connection closes before Content-Length is met.
    if declared is not None and size < declared:
        raise EndpointResponseError(url, f"the answer ended after {size} of the {declared} bytes it announced")
    return b"".join(parts)


def _status_message(response: http.client.HTTPResponse, body: bytes) -> str:
    first = body.decode("utf-8", errors="replace").strip().splitlines()
    detail = f": {first[0][:200]}" if first else ""
    # Redirects are not followed: a POSTed query does not survive most of them.
    location = response.headers.get("Location") if 300 <= response.status < 400 else None
    moved = f" (it points to {location}: use that URL)" if location else ""
    return f"HTTP {response.status} {response.reason}".rstrip() + detail + moved


# ---------------------------------------------------------------------------- SPARQL JSON results

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_INTEGER = r"[+-]?[0-9]+"
_DECIMAL = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)"
_TIMEZONE = r"(Z|[+-][0-9]{2}:[0-9]{2})?"
_DATE = r"-?[0-9]{4,}-[0-9]{2}-[0-9]{2}"
# Lexical forms of the datatypes whose values sezkg reads (numbers become floats in the
# pages): an answer breaking one is malformed, whatever it says. ASCII digits only.
_LEXICAL = {
    XSD + name: re.compile(form, re.ASCII)
    for names, form in (
        (("integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
          "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong", "unsignedShort",
          "unsignedByte"), _INTEGER),
        (("decimal",), _DECIMAL),
        (("double", "float"), _DECIMAL + r"([eE][+-]?[0-9]+)?|[+-]?INF|NaN"),
        (("boolean",), r"true|false|1|0"),
        (("date",), _DATE + _TIMEZONE),
        (("dateTime",), _DATE + r"T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?" + _TIMEZONE),
        (("gYear",), r"-?[0-9]{4,}" + _TIMEZONE),
    )
    for name in names
}
_VARIABLE = re.compile(r"[A-Za-z0-9_\u00B7\u00C0-\uFFFF]+")


def parse_sparql_json(url: str, raw: bytes, content_type: str = "") -> Rows:
    """Rows from a SPARQL 1.1 JSON results document; anything else is an EndpointResponseError
    naming what is wrong and where."""
    try:
        document = json.loads(raw.decode("utf-8-sig"), parse_constant=_no_constant)
    except UnicodeDecodeError as exc:
        raise _not_results(url, raw, content_type, f"not UTF-8 (byte {exc.start})") from None
    except RecursionError:
        raise _not_results(url, raw, content_type, "JSON nested too deeply") from None
    except ValueError as exc:
        reason = str(exc).split(":")[0] if "limit" in str(exc) else str(exc)
        raise _not_results(url, raw, content_type, f"not JSON ({reason})") from None
    if not isinstance(document, dict):
        raise _not_results(url, raw, content_type, f"a JSON {_kind(document)}, not an object")
    head, results = document.get("head"), document.get("results")
    if "boolean" in document and results is None:
        raise _not_results(url, raw, content_type, "an ASK answer (true/false), not SELECT rows")
    if not isinstance(head, dict) or not isinstance(head.get("vars"), list):
        raise _not_results(url, raw, content_type, 'no "head": {"vars": [...]} list of variables')
    variables = head["vars"]
    for name in variables:
        if not isinstance(name, str) or not _VARIABLE.fullmatch(name):
            raise EndpointResponseError(url, f"the answer names a variable that is not one: {_short(name)}")
    if len(set(variables)) != len(variables):
        raise EndpointResponseError(url, "the answer names a variable twice in head.vars")
    if not isinstance(results, dict) or not isinstance(results.get("bindings"), list):
        raise _not_results(url, raw, content_type, 'no "results": {"bindings": [...]} list of rows')
    declared = set(variables)
    rows = [_row(url, number, binding, declared) for number, binding in enumerate(results["bindings"], start=1)]
    return Rows(variables, rows)


def _row(url: str, number: int, binding: object, declared: set[str]) -> Row:
    if not isinstance(binding, dict):
        raise EndpointResponseError(url, f"row {number} of the answer is a JSON {_kind(binding)}, not an object")
    row: Row = {}
    for name, value in binding.items():
        if name not in declared:
            raise EndpointResponseError(
                url, f"row {number} binds {_short(name, 40)}, a variable not named in head.vars")
        try:
            row[name] = _term(value)
        except ValueError as exc:
            raise EndpointResponseError(url, f"row {number}, ?{name}: {exc}") from None
    return row


def _term(value: object) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """One RDF term from its SPARQL JSON form; ValueError saying what is wrong with it."""
    if not isinstance(value, dict):
        raise ValueError(f"a JSON {_kind(value)} where an RDF term object belongs")
    kind, lexical = value.get("type"), value.get("value")
    if not isinstance(lexical, str):
        raise ValueError(f'the {_short(kind, 20)} term has no string "value" (got {_kind(lexical)})')
    if kind == "uri":
        return ox.NamedNode(_checked(lexical, "IRI", ox.NamedNode))
    if kind == "bnode":
        return ox.BlankNode(_checked(lexical, "blank node label", ox.BlankNode))
    if kind not in ("literal", "typed-literal"):
        raise ValueError(f"unknown RDF term type {_short(kind, 40)}")
    language, datatype = value.get("xml:lang"), value.get("datatype")
    if language is not None:
        if not isinstance(language, str) or datatype not in (None, RDF_LANG_STRING):
            raise ValueError(f"literal {_short(lexical)} has a bad language tag or a datatype beside it")
        return ox.Literal(lexical, language=_checked(language, "language tag", lambda t: ox.Literal("", language=t)))
    if datatype is None:
        return ox.Literal(lexical)
    if not isinstance(datatype, str):
        raise ValueError(f"literal {_short(lexical)} has a datatype that is not a string")
    form = _LEXICAL.get(datatype)
    if form is not None and form.fullmatch(lexical.strip(" \t\r\n")) is None:
        raise ValueError(f"literal {_short(lexical)} is not a valid <{datatype}>")
    return ox.Literal(lexical, datatype=ox.NamedNode(_checked(datatype, "datatype IRI", ox.NamedNode)))


def _checked(text: str, what: str, make: Callable[[str], object]) -> str:
    """The text, if pyoxigraph takes it as a `what`; a ValueError naming it if not."""
    try:
        make(text)
    except ValueError as exc:
        raise ValueError(f"{what} {_short(text)} is not valid ({exc})") from None
    return text


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _not_results(url: str, raw: bytes, content_type: str, reason: str) -> EndpointResponseError:
    preview = raw[:80].decode("utf-8", errors="replace").replace("\n", " ")
    served = f"Content-Type {content_type}; " if content_type else ""
    return EndpointResponseError(
        url, f"the answer is not SPARQL JSON results: {reason} ({served}starts with {preview!r})")


def _kind(value: object) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null",
            int: "number", float: "number"}.get(type(value), type(value).__name__)


def _short(value: object, width: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= width else text[: width - 3] + "..."


# ---------------------------------------------------------------------------- the dataset check

# One sampled triple each way: a triple of some named graph must be in the default graph, and
# a triple of the default graph in some named graph. LIMIT 1 lets the store stop at the first
# match, so the probe costs two index look-ups however big the store is.
UNION_PROBE = """SELECT ?sezkg_side ?sezkg_graph ?s ?p ?o ?sezkg_found WHERE {
  { { SELECT ?sezkg_graph ?s ?p ?o WHERE { GRAPH ?sezkg_graph { ?s ?p ?o } } LIMIT 1 }
    BIND("named" AS ?sezkg_side) BIND(EXISTS { ?s ?p ?o } AS ?sezkg_found) }
  UNION
  { { SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 1 }
    BIND("default" AS ?sezkg_side) BIND(EXISTS { GRAPH ?sezkg_any { ?s ?p ?o } } AS ?sezkg_found) }
}"""

_UNION_ADVICE = ("sezkg's queries need the default graph to be the union of the named graphs "
                 "(Oxigraph: `oxigraph serve --union-default-graph`; Fuseki: tdb2:unionDefaultGraph true), "
                 "otherwise they give wrong answers")


def check_union_default_graph(url: str, rows: Rows) -> None:
    """EndpointDatasetError unless the probe's sampled triples are where a union default graph has them."""
    for row in rows:
        side, found = row.get("sezkg_side"), row.get("sezkg_found")
        if not (isinstance(side, ox.Literal) and isinstance(found, ox.Literal)
                and side.value in ("named", "default") and found.value in ("true", "false", "1", "0")):
            raise EndpointResponseError(url, "the answer to the dataset check query is not what it asked for")
        if found.value in ("true", "1"):
            continue
        triple = " ".join(str(row.get(v, "?")) for v in ("s", "p", "o"))
        if side.value == "named":
            where = f"the triple {triple} of named graph {row.get('sezkg_graph', '?')} is not in the default graph"
        else:
            where = f"the default graph holds {triple}, which no named graph holds"
        raise EndpointDatasetError(
            url, f"its default graph is not the union of its named graphs ({where}); {_UNION_ADVICE}")
