"""The catalogue on a live Oxigraph server (127.0.0.1) gives exactly the embedded store's rows;
parameters cannot change a query; each failure of an endpoint has its own clear error."""

from __future__ import annotations

import pytest
from conftest import nonempty, run_cli
from servers import free_port, html_server, silent_server

from sezkg.errors import (
    EndpointHTTPError,
    EndpointResponseError,
    EndpointTimeout,
    EndpointUnreachable,
    UsageError,
)
from sezkg.questions.catalogue import catalogue, run_select
from sezkg.questions.endpoint import RemoteRunner

QUERIES = nonempty(sorted(catalogue()))
ATTACKS = ['x" || true || "', "\\u0022", "> } DROP ALL #", "x' || true || '", "\" } ; DROP ALL ; SELECT * { \""]


@pytest.mark.parametrize("name", QUERIES)
def test_every_query_gives_the_same_rows_remotely(kg, endpoint, name):
    query = catalogue()[name]
    local = run_select(kg, query)
    remote = run_select(RemoteRunner(endpoint, timeout=60), query)
    assert remote.variables == local.variables
    assert remote == local


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
        assert b"parameter 'zone' takes iri" in proc.stderr


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
