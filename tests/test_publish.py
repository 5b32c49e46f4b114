"""Publishing against a live Oxigraph server on 127.0.0.1: push (PUT per graph, read back,
all-or-nothing), the read-only endpoint with the site, and the static linked-data site."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import run_cli
from servers import dump_nquads, failing_proxy, free_port, load_nquads, oxigraph_server

from sezkg.errors import PushError
from sezkg.publish.export import serialize
from sezkg.publish.push import push
from sezkg.questions.catalogue import catalogue, run_select
from sezkg.questions.endpoint import RemoteRunner
from sezkg.views.site import build_site

SRC = "https://w3id.org/sezkg/source/"
UNRELATED = b'<http://example.org/s> <http://example.org/p> "kept" <http://example.org/other-graph> .\n'
STALE = f'<http://example.org/s> <http://example.org/p> "stale" <{SRC}gout-2025> .\n'.encode()


def _kg_lines(kg) -> set[str]:
    return {line for line in serialize(kg, "nquads").decode().splitlines() if line.strip()}


def test_push_replaces_each_graph_and_verifies(kg):
    with oxigraph_server() as base:
        load_nquads(base, UNRELATED + STALE)
        result = push(kg, f"{base}/store")
        assert len(result.graphs) == len(kg.graph_names())
        held = dump_nquads(base)
    assert held == _kg_lines(kg) | {UNRELATED.decode().strip()}  # stale triple gone: PUT, not POST
    assert result.triples == sum(len(kg.sorted_quads(g)) for g in kg.graph_names())


def test_failed_push_leaves_the_server_as_it_was(kg):
    with oxigraph_server() as base:
        load_nquads(base, UNRELATED + STALE)
        before = dump_nquads(base)
        # A PUT fails two graphs after gout-2025 (which held a stale triple) was overwritten.
        fail_at = kg.graph_names().index(SRC + "gout-2025") + 3
        with failing_proxy(base, fail_put_number=fail_at) as (proxy, seen):
            with pytest.raises(PushError) as info:
                push(kg, f"{proxy}/store")
        after = dump_nquads(base)
    graphs = kg.graph_names()
    assert info.value.graph == graphs[fail_at - 1]
    assert "HTTP 500" in str(info.value) and info.value.restored
    assert after == before  # the stale triple is back, the new graphs are gone, the other graph kept
    writes = [s.split(" ", 1)[0] for s in seen if not s.startswith("GET ")]
    assert writes[:fail_at] == ["PUT"] * fail_at
    assert "DELETE" in writes[fail_at:] and "PUT" in writes[fail_at:]  # new graphs deleted, the old one put back
    assert "POST" not in writes


def test_push_cli_names_the_failing_graph_and_exits_2(kg):
    with oxigraph_server() as base:
        with failing_proxy(base, fail_put_number=1) as (proxy, _):
            proc = run_cli("push", "--endpoint", f"{proxy}/query", check=2)
        assert dump_nquads(base) == set()
    assert f"push failed at graph <{kg.graph_names()[0]}>" in proc.stderr.decode()
    with oxigraph_server() as base:
        ok = run_cli("push", "--endpoint", f"{base}/query", check=0)
        assert dump_nquads(base) == _kg_lines(kg)
    assert b"each read back and verified" in ok.stdout


@pytest.fixture(scope="module")
def served():
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "sezkg", "serve", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    line = proc.stdout.readline().decode()
    assert "serving read-only SPARQL" in line, proc.stderr.read().decode()
    base = f"http://127.0.0.1:{port}"
    yield base
    proc.terminate()
    proc.wait(timeout=30)


def _status(request: urllib.request.Request) -> int:
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_serve_answers_queries_like_the_embedded_store(kg, served):
    assert served.startswith("http://127.0.0.1:")
    for name in ("zones", "shared-mandates", "conflicting-claims"):
        assert run_select(RemoteRunner(f"{served}/sparql"), catalogue()[name]) == run_select(kg, catalogue()[name])


def test_serve_refuses_updates(kg, served):
    form = urllib.parse.urlencode({"update": "DROP ALL"}).encode()
    attempts = [
        urllib.request.Request(f"{served}/sparql", data=form, method="POST",
                               headers={"Content-Type": "application/x-www-form-urlencoded"}),
        urllib.request.Request(f"{served}/sparql", data=b"DROP ALL", method="POST",
                               headers={"Content-Type": "application/sparql-update"}),
        urllib.request.Request(f"{served}/sparql?update=DROP%20ALL"),
        urllib.request.Request(f"{served}/update", data=b"DROP ALL", method="POST",
                               headers={"Content-Type": "application/sparql-update"}),
        urllib.request.Request(f"{served}/store?graph={SRC}gout-2025", data=b"", method="PUT"),
        urllib.request.Request(f"{served}/store?graph={SRC}gout-2025", method="DELETE"),
    ]
    assert [_status(r) for r in attempts] == [403] * len(attempts)
    count = run_select(RemoteRunner(f"{served}/sparql"), catalogue()["graph-sizes"])
    assert sum(int(r["triples"].value) for r in count) == len(kg)


def test_serve_serves_the_site_with_content_negotiation(served):
    def get(path: str, accept: str) -> tuple[str, bytes]:
        request = urllib.request.Request(served + path, headers={"Accept": accept})
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.headers["Content-Type"], response.read()

    ctype, body = get("/id/zone/saryarka", "text/html")
    assert ctype.startswith("text/html") and b"Saryarka SEZ" in body
    ctype, body = get("/id/zone/saryarka", "text/turtle")
    assert ctype == "text/turtle"
    triples = list(ox.parse(body, format=ox.RdfFormat.TURTLE))
    assert any(t.predicate.value.endswith("#areaHectares") for t in triples)
    ctype, body = get("/id/zone/saryarka/", "application/ld+json")
    assert ctype == "application/ld+json" and json.loads(body)["@graph"]


@pytest.fixture(scope="module")
def site(kg, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    build_site(kg, out, endpoint="http://127.0.0.1:7878/sparql")
    return out


def test_site_has_a_page_for_every_zone_and_organisation(kg, site):
    rows = kg.select("""PREFIX sez: <https://w3id.org/sezkg/ontology#>
        PREFIX org: <http://www.w3.org/ns/org#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT DISTINCT ?x WHERE { { ?x a/rdfs:subClassOf* sez:EconomicRegime } UNION { ?x a/rdfs:subClassOf* org:Organization } }""")
    assert len(rows) >= 80  # 14 zones, the AIFC and 65 organisations
    for row in rows:
        path = row["x"].value.removeprefix("https://w3id.org/sezkg/")
        for name in ("index.html", "index.ttl", "index.jsonld"):
            assert (site / path / name).is_file(), f"{path}/{name}"


def test_entity_alternates_hold_exactly_its_statements(kg, site):
    zone = ox.NamedNode("https://w3id.org/sezkg/id/zone/astana-new-city")
    expected = {q.triple for q in kg.store.quads_for_pattern(zone, None, None, None)}
    turtle = {q.triple for q in ox.parse(path=site / "id/zone/astana-new-city/index.ttl", format=ox.RdfFormat.TURTLE)}
    assert turtle == expected
    quads = set(ox.parse(path=site / "id/zone/astana-new-city/index.jsonld", format=ox.RdfFormat.JSON_LD))
    assert quads == set(kg.store.quads_for_pattern(zone, None, None, None))


def test_every_link_in_the_site_resolves(site):
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 500
    checked = 0
    for page in pages:
        for target in re.findall(r'href="([^"]+)"', page.read_text(encoding="utf-8")):
            parsed = urllib.parse.urlparse(target)
            if parsed.scheme:
                continue
            resolved = (page.parent / urllib.parse.unquote(parsed.path)).resolve() if parsed.path else page
            assert resolved.exists(), f"{page.relative_to(site)} links to missing {target}"
            if parsed.fragment and resolved.suffix == ".html":
                assert f'id="{parsed.fragment}"' in resolved.read_text(encoding="utf-8"), target
            checked += 1
    assert checked > 5000


def test_void_is_generated_from_the_data(kg, site):
    void = set(ox.parse(path=site / "void.ttl", format=ox.RdfFormat.TURTLE))
    by = {(t.subject.value, t.predicate.value): t.object for t in void}
    dataset = "https://w3id.org/sezkg/dataset"
    assert int(by[(dataset, "http://rdfs.org/ns/void#triples")].value) == len({q.triple for q in kg.sorted_quads()})
    subsets = {t.object.value for t in void if t.predicate.value == "http://rdfs.org/ns/void#subset"}
    assert len(subsets) == len(kg.graph_names())
    assert by[(dataset, "http://rdfs.org/ns/void#sparqlEndpoint")].value == "http://127.0.0.1:7878/sparql"
    assert ("https://w3id.org/sezkg/dataset/class/sez-SpecialEconomicZone", "http://rdfs.org/ns/void#entities") in by
    zones = {q.subject.value for q in kg.store.quads_for_pattern(None, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode("https://w3id.org/sezkg/ontology#SpecialEconomicZone"), None)}
    assert by[("https://w3id.org/sezkg/dataset/class/sez-SpecialEconomicZone", "http://rdfs.org/ns/void#entities")].value == str(len(zones)) != "0"


def test_ontology_page_documents_every_term(kg, site):
    text = (site / "ontology/index.html").read_text(encoding="utf-8")
    from sezkg.kg.namespaces import SEZ

    for term in SEZ.__annotations__:
        if not term.startswith("_"):
            assert f'id="{term}"' in text, term
    assert "Example from the data" in text


def test_site_is_deterministic(kg, tmp_path):
    build_site(kg, tmp_path / "a")
    build_site(kg, tmp_path / "b")
    for page in sorted((tmp_path / "a").rglob("*")):
        if page.is_file():
            assert page.read_bytes() == (tmp_path / "b" / page.relative_to(tmp_path / "a")).read_bytes(), page
