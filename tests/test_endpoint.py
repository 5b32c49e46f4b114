"""The catalogue on a live Oxigraph server (127.0.0.1) gives exactly the embedded store's rows;
parameters cannot change a query; each failure of an endpoint has its own clear error."""

from __future__ import annotations

import json
import time

import pyoxigraph as ox
import pytest
from conftest import nonempty, run_cli
from servers import (
    drip_server,
    failing_proxy,
    free_port,
    html_server,
    http_answer,
    load_nquads,
    oxigraph_server,
    raw_server,
    silent_server,
    unaccepting_server,
)

from sezkg.errors import (
    EndpointDatasetError,
    EndpointHTTPError,
    EndpointResponseError,
    EndpointTimeout,
    EndpointUnreachable,
    UsageError,
)
from sezkg.publish.export import serialize
from sezkg.questions.catalogue import catalogue, run_select
from sezkg.questions.endpoint import RemoteRunner, build_request, fetch

QUERIES = nonempty(sorted(catalogue()))
XSD_STRING = ox.NamedNode("http://www.w3.org/2001/XMLSchema#string")
ATTACKS = ['x" || true || "', "\\u0022", "> } DROP ALL #", "x' || true || '", "\" } ; DROP ALL ; SELECT * { \""]


def _canonical(rows) -> list[dict[str, str]]:
    """Rows with each plain string's words sorted: SPARQL leaves the order of GROUP_CONCAT open,
    and two stores holding the same data in a different order join its values differently."""
    out = []
    for row in rows:
        canon = {}
        for name, term in row.items():
            plain = isinstance(term, ox.Literal) and term.datatype == XSD_STRING and not term.language
            canon[name] = " ".join(sorted(term.value.split(" "))) if plain else str(term)
        out.append(canon)
    return out


@pytest.mark.parametrize("name", QUERIES)
def test_every_query_gives_the_same_rows_remotely(kg, endpoint, name):
    query = catalogue()[name]
    local = run_select(kg, query)
    remote = run_select(RemoteRunner(endpoint, timeout=60), query)
    assert remote.variables == local.variables
    assert _canonical(remote) == _canonical(local)


def test_parity_is_not_vacuous(kg):
    """Most catalogue questions have answers on the real data, so the parity above means something."""
    answered = [n for n in QUERIES if not n.endswith("-violation") and run_select(kg, catalogue()[n])]
    assert len(answered) >= 15, answered


def test_overlaps_json_is_identical_remotely(endpoint):
    local = run_cli("overlaps", "--format", "json", check=0).stdout
    remote = run_cli("overlaps", "--format", "json", "--endpoint", endpoint, check=0).stdout
    assert remote == local
    assert b"duplication-and-poor-coordination" in local


def test_overlaps_network_is_identical_remotely(endpoint):
    local = run_cli("overlaps", "--network", "--format", "json", check=0).stdout
    remote = run_cli("overlaps", "--network", "--format", "json", "--endpoint", endpoint, check=0).stdout
    assert remote == local


@pytest.mark.parametrize("value", ATTACKS)
def test_string_parameter_cannot_change_the_query(kg, endpoint, value):
    query = catalogue()["find-by-name"]
    before = len(run_select(RemoteRunner(endpoint), catalogue()["labels"]))
    assert run_select(kg, query, {"text": value}) == []
    assert run_select(RemoteRunner(endpoint), query, {"text": value}) == []
    assert len(run_select(RemoteRunner(endpoint), catalogue()["labels"])) == before


@pytest.mark.parametrize("value", ATTACKS)
def test_iri_parameter_refuses_what_is_not_an_iri(endpoint, value):
    with pytest.raises(UsageError):
        catalogue()["zone-governors"].bind({"zone": value})
    for extra in ([], ["--endpoint", endpoint]):
        proc = run_cli("query", "zone-governors", "--param", f"zone={value}", *extra, check=2)
        # The CLI reads the value as a name; nothing is named like an attack, so it is refused.
        assert proc.stderr.startswith(b"sezkg: error: parameter 'zone': no thing is named "), proc.stderr
        assert proc.stderr.count(b"\n") == 1 and not proc.stdout


def test_typed_parameter_is_checked():
    query = catalogue()["zones-expiring-before"]
    with pytest.raises(UsageError):
        query.bind({"year": "2030 } UNION { ?s ?p ?o"})
    with pytest.raises(UsageError):
        query.bind({"nope": "1"})
    assert 'VALUES ?year { "2028"^^<http://www.w3.org/2001/XMLSchema#gYear> }' in query.bind({"year": "2028"})


def test_http_error(endpoint):
    base = endpoint.rsplit("/", 1)[0]
    with pytest.raises(EndpointHTTPError) as info:
        RemoteRunner(f"{base}/no-such-service").select("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    assert "404" in str(info.value)
    with pytest.raises(EndpointHTTPError) as info:
        RemoteRunner(endpoint).select("SELECT * WHERE { this is not sparql }")
    assert "400" in str(info.value)


def test_non_sparql_response():
    with html_server() as url:
        with pytest.raises(EndpointResponseError) as info:
            RemoteRunner(url, timeout=5).select("SELECT * WHERE { ?s ?p ?o }")
    assert "not SPARQL JSON results" in str(info.value)
    assert "<html>" in str(info.value)


def test_timeout():
    with silent_server() as url:
        with pytest.raises(EndpointTimeout) as info:
            RemoteRunner(url, timeout=1).select("SELECT * WHERE { ?s ?p ?o }")
    assert "no answer within 1 s" in str(info.value)


def test_refused_connection():
    url = f"http://127.0.0.1:{free_port()}/query"
    with pytest.raises(EndpointUnreachable) as info:
        RemoteRunner(url, timeout=5).select("SELECT * WHERE { ?s ?p ?o }")
    assert "connection refused" in str(info.value)


def test_cli_endpoint_errors_are_distinct_with_exit_2():
    with html_server() as html, silent_server() as silent:
        refused = f"http://127.0.0.1:{free_port()}/query"
        messages = {}
        for name, url in (("response", html), ("timeout", silent), ("refused", refused)):
            proc = run_cli("query", "zones", "--endpoint", url, "--timeout", "1", check=2)
            messages[name] = proc.stderr.decode()
    assert "not SPARQL JSON results" in messages["response"]
    assert "no answer within 1 s" in messages["timeout"]
    assert "connection refused" in messages["refused"]



# ---------------------------------------------------------------------------- malformed answers

XSD = "http://www.w3.org/2001/XMLSchema#"
SELECT_X = "SELECT ?x WHERE { ?x ?p ?o }"


def _results(bindings: list, variables: list | str = ("x",)) -> bytes:
    head = {"vars": list(variables) if not isinstance(variables, str) else variables}
    return json.dumps({"head": head, "results": {"bindings": bindings}}).encode()


def _one(term: object) -> bytes:
    return _results([{"x": term}])


GOOD = _one({"type": "uri", "value": "http://example.org/a"})
LITERAL = '{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":%s}}]}}'

# Each: the raw HTTP answer, and a piece of the one-line error it must give.
MALFORMED = {
    "body shorter than Content-Length": (http_answer(GOOD, length=len(GOOD) + 100), "ended after"),
    "binding without value": (http_answer(_one({"type": "uri"})), 'no string "value"'),
    "IRI with spaces": (http_answer(_one({"type": "uri", "value": "http://example.org/a b"})), "IRI"),
    "IRI without scheme": (http_answer(_one({"type": "uri", "value": "example/a"})), "No scheme"),
    "datatype not an IRI": (http_answer(_one({"type": "literal", "value": "1", "datatype": "int eger"})), "datatype IRI"),
    "ill-typed decimal": (http_answer(_one({"type": "literal", "value": "lots", "datatype": XSD + "decimal"})), "not a valid"),
    "non-ASCII digits in an integer": (http_answer(_one({"type": "literal", "value": "٣", "datatype": XSD + "integer"})), "not a valid"),
    "list for a row": (http_answer(_results([[{"type": "uri", "value": "http://example.org/a"}]])), "JSON array, not an object"),
    "list for a term": (http_answer(_one(["uri", "http://example.org/a"])), "where an RDF term object belongs"),
    "no head": (http_answer(b'{"results": {"bindings": []}}'), 'no "head"'),
    "vars not a list": (http_answer(_results([], "x")), 'no "head"'),
    "variable not a string": (http_answer(_results([], [1])), "variable that is not one"),
    "variable named twice": (http_answer(_results([], ["x", "x"])), "twice"),
    "no results": (http_answer(b'{"head": {"vars": ["x"]}}'), 'no "results"'),
    "undeclared variable": (http_answer(_results([{"y": {"type": "uri", "value": "http://example.org/a"}}])), "not named in head.vars"),
    "invalid UTF-8": (http_answer(GOOD.replace(b"example", b"ex\xffample")), "not UTF-8"),
    "truncated JSON": (http_answer(GOOD[:-7]), "not JSON"),
    "empty body": (http_answer(b""), "not JSON"),
    "JSON array at top level": (http_answer(b"[]"), "JSON array, not an object"),
    "JSON nested too deeply": (http_answer(b"[" * 200_000 + b"]" * 200_000), "nested too deeply"),
    "huge JSON number as value": (http_answer((LITERAL % "1e999999").encode()), 'no string "value"'),
    "huge JSON integer": (http_answer((LITERAL % ("9" * 5000)).encode()), "not JSON"),
    "NaN": (http_answer((LITERAL % "NaN").encode()), "not JSON"),
    "number as value": (http_answer((LITERAL % "12").encode()), 'no string "value"'),
    "bad language tag": (http_answer(_one({"type": "literal", "value": "x", "xml:lang": "en us"})), "language tag"),
    "language tag beside a datatype": (http_answer(_one({"type": "literal", "value": "x", "xml:lang": "en",
                                                         "datatype": XSD + "string"})), "language tag"),
    "bad blank node label": (http_answer(_one({"type": "bnode", "value": "a b"})), "blank node label"),
    "unknown term type": (http_answer(_one({"type": "triple", "value": "x"})), "unknown RDF term type"),
    "ASK answer": (http_answer(b'{"head": {}, "boolean": true}'), "ASK answer"),
    "HTML page with status 200": (http_answer(b"<html><body>Welcome</body></html>", "text/html"), "text/html"),
    "garbage instead of HTTP": (b"HELLO THERE\r\n\r\n", "not valid HTTP"),
    "nothing at all": (b"", "not valid HTTP"),
    "broken chunked body": (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{}", "ended early"),
}
CASES = nonempty(sorted(MALFORMED))


def test_malformed_corpus_size():
    print(f"\nmalformed answers: {len(MALFORMED)}")
    assert len(MALFORMED) >= 12


@pytest.mark.parametrize("case", CASES)
def test_malformed_answer_is_a_named_error(case):
    answer, fragment = MALFORMED[case]
    with raw_server(answer) as url, pytest.raises(EndpointResponseError) as info:
        RemoteRunner(url, timeout=10).select(SELECT_X)
    message = str(info.value)
    assert fragment in message, message
    assert "\n" not in message and message.startswith(f"SPARQL endpoint {url}: ")


@pytest.mark.parametrize("case", CASES)
def test_malformed_answer_exits_2_without_traceback(case):
    answer, fragment = MALFORMED[case]
    # probe_answer=None: here the runner's first request, the dataset check, gets the bad answer.
    with raw_server(answer, probe_answer=None) as url:
        proc = run_cli("query", "zones", "--endpoint", url, "--timeout", "10", check=2)
    stderr = proc.stderr.decode(errors="replace")
    assert stderr.startswith(f"sezkg: error: SPARQL endpoint {url}: "), stderr
    assert "Traceback" not in stderr and fragment in stderr, stderr
    assert proc.stdout == b""


def test_well_formed_answer_from_a_raw_peer_is_read():
    """The peer and corpus above are sound: the same peer with a good answer gives its row."""
    with raw_server(http_answer(GOOD)) as url:
        rows = RemoteRunner(url, timeout=10).select(SELECT_X)
    assert rows.variables == ["x"] and [str(r["x"]) for r in rows] == ["<http://example.org/a>"]


def test_chunked_answer_is_read():
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (GOOD[:10], GOOD[10:])) + b"0\r\n\r\n"
    answer = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + chunked
    with raw_server(answer) as url:
        assert len(RemoteRunner(url, timeout=10).select(SELECT_X)) == 1


def test_unexpected_answer_to_the_dataset_check():
    with raw_server(http_answer(GOOD), probe_answer=None) as url, pytest.raises(EndpointResponseError) as info:
        RemoteRunner(url, timeout=10).select(SELECT_X)
    assert "dataset check" in str(info.value)


def test_http_error_names_status_and_reason(endpoint):
    with raw_server(http_answer(b"query too costly\nmore", "text/plain", status="503 Service Unavailable")) as url:
        with pytest.raises(EndpointHTTPError) as info:
            RemoteRunner(url, timeout=10).select(SELECT_X)
    assert str(info.value).endswith("HTTP 503 Service Unavailable: query too costly")


# ---------------------------------------------------------------------------- the deadline

DRIP_ANSWER = http_answer(_results([{"x": {"type": "uri", "value": f"http://example.org/{i}"}} for i in range(20)]))


@pytest.mark.parametrize("at_once", [0, DRIP_ANSWER.index(b"\r\n\r\n") + 4], ids=["headers-dripped", "body-dripped"])
def test_deadline_covers_a_dripping_answer(at_once):
    """Every read returns within the timeout (a byte every 0.2 s), yet the whole request must
    end at the deadline: before, a per-read timeout waited for all the bytes."""
    with drip_server(DRIP_ANSWER, interval=0.2, at_once=at_once) as url:
        start = time.monotonic()
        with pytest.raises(EndpointTimeout) as info:
            RemoteRunner(url, timeout=1.5).select(SELECT_X)
        took = time.monotonic() - start
    print(f"\ndrip ({len(DRIP_ANSWER) - at_once} bytes at 5 bytes/s), timeout 1.5 s: EndpointTimeout after {took:.2f} s")
    assert "no answer within 1.5 s" in str(info.value)
    assert took < 1.5 + 3  # sanity bound; the whole answer would take over 100 s


def test_cli_overlaps_drip_ends_at_the_deadline():
    with drip_server(DRIP_ANSWER, interval=1.0) as url:
        start = time.monotonic()
        proc = run_cli("overlaps", "--endpoint", url, "--timeout", "3", check=2)
        took = time.monotonic() - start
    print(f"\n`sezkg overlaps --timeout 3` on an endpoint dripping 1 byte/s: exit 2 after {took:.2f} s")
    assert b"no answer within 3 s" in proc.stderr and b"Traceback" not in proc.stderr
    assert took < 30  # sanity bound (process start included); it was 145 s


def test_deadline_covers_connecting():
    with unaccepting_server() as url:
        start = time.monotonic()
        with pytest.raises(EndpointTimeout):
            RemoteRunner(url, timeout=1).select(SELECT_X)
        assert time.monotonic() - start < 1 + 3


def test_deadline_covers_sending():
    """A peer that never reads: a request larger than the socket buffers cannot be sent."""
    with silent_server() as url:
        request = build_request(url, SELECT_X + " " * 64_000_000)
        start = time.monotonic()
        with pytest.raises(EndpointTimeout):
            fetch(url, request, timeout=1)
        assert time.monotonic() - start < 1 + 3


@pytest.mark.parametrize("timeout", [0, -1, float("nan"), float("inf")])
def test_timeout_must_be_a_positive_number(timeout):
    with pytest.raises(UsageError):
        RemoteRunner("http://127.0.0.1:9/query", timeout=timeout)


def test_answer_larger_than_the_bound():
    with raw_server(http_answer(GOOD)) as url, pytest.raises(EndpointResponseError) as info:
        RemoteRunner(url, timeout=10, max_bytes=len(GOOD) - 1).select(SELECT_X)
    assert "larger than" in str(info.value)


# ---------------------------------------------------------------------------- the dataset check

def test_named_graphs_missing_from_the_default_graph(kg):
    """Oxigraph without --union-default-graph: the catalogue would answer 0 rows, exit 0."""
    with oxigraph_server() as base:
        load_nquads(base, serialize(kg, "nquads"))
        with pytest.raises(EndpointDatasetError) as info:
            run_select(RemoteRunner(f"{base}/query"), catalogue()["zones"])
        proc = run_cli("query", "zones", "--endpoint", f"{base}/query", check=2)
    assert "is not in the default graph" in str(info.value)
    assert "--union-default-graph" in str(info.value)
    assert b"--union-default-graph" in proc.stderr and proc.stdout == b""


def test_default_graph_holding_what_no_named_graph_holds():
    with oxigraph_server() as base:
        load_nquads(base, b"<http://example.org/s> <http://example.org/p> <http://example.org/o> .\n")
        with pytest.raises(EndpointDatasetError) as info:
            RemoteRunner(f"{base}/query").select(SELECT_X)
    assert "which no named graph holds" in str(info.value)
    assert "<http://example.org/s> <http://example.org/p> <http://example.org/o>" in str(info.value)


def test_empty_union_endpoint_passes_the_check():
    with oxigraph_server("--union-default-graph") as base:
        assert RemoteRunner(f"{base}/query").select(SELECT_X) == []


def test_dataset_check_runs_once_per_runner(endpoint):
    base = endpoint.rsplit("/", 1)[0]
    with failing_proxy(base, fail_put_number=0) as (proxy, seen):
        runner = RemoteRunner(f"{proxy}/query")
        for _ in range(3):
            assert run_select(runner, catalogue()["zones"])
    assert seen == ["POST /query"] * 4


@pytest.mark.parametrize("url, reason", [
    ("not-a-url", "not an http:// or https:// URL"), ("relative/path", "not an http:// or https:// URL"),
    ("http://[::1", "not an http:// or https:// URL"), ("ftp://example.org/q", "not an http:// or https:// URL"),
    ("http:///x", "not an http:// or https:// URL"), ("http://h:99999/q", "port is not a number from 0 to 65535"),
    ("http://h/a b", "holds a space"),
])
def test_a_malformed_url_is_named_before_any_request(url, reason):
    """SPARQLWrapper raised a bare ValueError (unknown url type, Invalid IPv6 URL) on some of these."""
    for attempt in (lambda: RemoteRunner(url), lambda: build_request(url, SELECT_X)):
        with pytest.raises(EndpointUnreachable) as info:
            attempt()
        assert str(info.value).startswith(f"SPARQL endpoint {url}: ") and reason in str(info.value)


def test_every_verb_with_an_endpoint_refuses_a_malformed_url_with_exit_2(tmp_path):
    """query, zones, completeness, overlaps, tables and viz (the embedded store's verbs), push (a
    store's URLs) and site (an IRI in void.ttl): one line each, no traceback, nothing written."""
    verbs = (["query", "zones"], ["zones"], ["completeness"], ["overlaps"], ["tables", str(tmp_path / "t")],
             ["viz", "--out", str(tmp_path / "v")], ["push"], ["site", str(tmp_path / "s")])
    for verb in verbs:
        for url in ("not-a-url", "http://[::1"):
            stderr = run_cli(*verb, "--endpoint", url, check=2).stderr.decode()
            assert stderr == f"sezkg: error: SPARQL endpoint {url}: not an http:// or https:// URL\n", (verb, stderr)
    stderr = run_cli("push", "--endpoint", "http://127.0.0.1:9/query", "--graph-store", "relative/path",
                     check=2).stderr.decode()
    assert stderr == "sezkg: error: --graph-store relative/path: not an http:// or https:// URL\n"
    assert list(tmp_path.iterdir()) == []
