"""Where queries run: the embedded store, or any SPARQL 1.1 endpoint over HTTP.

Both runners take the same query text and return rows as pyoxigraph terms, so everything
built on the catalogue (the overlap report, the network) works the same on either. A remote
endpoint is expected to answer with the union of its named graphs as the default graph
(Oxigraph: `serve --union-default-graph`), as the embedded store does.
"""

from __future__ import annotations

import json
import socket
import urllib.error
from dataclasses import dataclass
from typing import Protocol

import pyoxigraph as ox
from SPARQLWrapper import JSON, POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from ..errors import (
    EndpointHTTPError,
    EndpointResponseError,
    EndpointTimeout,
    EndpointUnreachable,
)
from ..kg.rows import Rows


class Runner(Protocol):
    """Anything that answers a SELECT with rows of terms: a KnowledgeGraph or a RemoteRunner."""

    def select(self, sparql: str) -> Rows: ...


@dataclass
class RemoteRunner:
    """Queries on a SPARQL 1.1 endpoint through SPARQLWrapper, with a time limit."""

    url: str
    timeout: float = 30.0

    def select(self, sparql: str) -> Rows:
        client = SPARQLWrapper(self.url)
        # SPARQLWrapper guesses the query form from keywords anywhere in the text, comments
        # included ("described" reads as DESCRIBE, "address" as ADD): send it without them.
        client.setQuery(_without_comment_lines(sparql))
        client.setMethod(POST)
        client.setReturnFormat(JSON)
        client.setTimeout(int(max(1, self.timeout)))
        try:
            response = client.query()
        except urllib.error.HTTPError as exc:
            raise EndpointHTTPError(self.url, f"HTTP {exc.code} {exc.reason}") from None
        except SPARQLWrapperException as exc:
            status = _STATUS_OF.get(type(exc).__name__, "")
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise EndpointHTTPError(self.url, f"HTTP {status} {first}".replace("  ", " ")) from None
        except (socket.timeout, TimeoutError) as exc:
            raise EndpointTimeout(self.url, f"no answer within {self.timeout:g} s") from exc
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, (socket.timeout, TimeoutError)):
                raise EndpointTimeout(self.url, f"no answer within {self.timeout:g} s") from None
            if isinstance(reason, ConnectionRefusedError):
                raise EndpointUnreachable(self.url, "connection refused (is the server running?)") from None
            raise EndpointUnreachable(self.url, f"cannot connect: {reason}") from None
        except (ConnectionError, OSError) as exc:
            raise EndpointUnreachable(self.url, f"cannot connect: {exc}") from None
        try:
            raw = response.response.read()
        except (socket.timeout, TimeoutError):
            raise EndpointTimeout(self.url, f"no answer within {self.timeout:g} s") from None
        return parse_sparql_json(self.url, raw)


def _without_comment_lines(sparql: str) -> str:
    return "\n".join(line for line in sparql.splitlines() if not line.lstrip().startswith("#"))


# SPARQLWrapper turns some HTTP statuses into exceptions of its own; name the status again.
_STATUS_OF = {"QueryBadFormed": "400", "Unauthorized": "401", "EndPointNotFound": "404",
              "URITooLong": "414", "EndPointInternalError": "500"}


def parse_sparql_json(url: str, raw: bytes) -> Rows:
    """Rows from a SPARQL 1.1 JSON results document; anything else is an EndpointResponseError."""
    try:
        document = json.loads(raw)
        variables = document["head"]["vars"]
        bindings = document["results"]["bindings"]
    except (ValueError, KeyError, TypeError):
        preview = raw[:80].decode("utf-8", errors="replace").replace("\n", " ")
        raise EndpointResponseError(url, f"the answer is not SPARQL JSON results (starts with {preview!r})") from None
    rows = [{name: _term(url, b[name]) for name in variables if name in b} for b in bindings]
    return Rows(variables, rows)


def _term(url: str, value: dict) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    kind = value.get("type")
    if kind == "uri":
        return ox.NamedNode(value["value"])
    if kind == "bnode":
        return ox.BlankNode(value["value"])
    if kind in ("literal", "typed-literal"):
        if "xml:lang" in value:
            return ox.Literal(value["value"], language=value["xml:lang"])
        if "datatype" in value:
            return ox.Literal(value["value"], datatype=ox.NamedNode(value["datatype"]))
        return ox.Literal(value["value"])
    raise EndpointResponseError(url, f"unknown RDF term type {kind!r} in the results")
