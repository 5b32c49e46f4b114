"""Publishing against a live Oxigraph server on 127.0.0.1: push (one update or a PUT per graph,
read back, all or nothing, under injected faults and with a concurrent reader) and the static
linked-data site. The served endpoint is tested in test_serve.py."""

from __future__ import annotations

import http.server
import json
import re
import socket
import struct
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import run_cli
from servers import (
    dump_nquads,
    failing_proxy,
    free_port,
    load_nquads,
    oxigraph_server,
    running,
)

from sezkg.errors import PushError
from sezkg.publish.export import serialize
from sezkg.publish.push import WholePushError, push, replace_graphs_update
from sezkg.views.site import build_site

SRC = "https://w3id.org/sezkg/source/"
UNRELATED = b'<http://example.org/s> <http://example.org/p> "kept" <http://example.org/other-graph> .\n'
STALE = f'<http://example.org/s> <http://example.org/p> "stale" <{SRC}gout-2025> .\n'.encode()
TIMEOUT = 3.0  # the push's time-out in the fault tests; a "slow" fault answers after SLOW
SLOW = 4.5


def _kg_lines(kg) -> set[str]:
    return {line for line in serialize(kg, "nquads").decode().splitlines() if line.strip()}


def _reset(base: str, data: bytes) -> None:
    urllib.request.urlopen(urllib.request.Request(f"{base}/update", data=b"DROP ALL", method="POST", headers={
        "Content-Type": "application/sparql-update"}), timeout=60).read()
    load_nquads(base, data)


# --- a fault-injecting proxy ----------------------------------------------------------------

@dataclass(frozen=True)
class Fault:
    method: str  # GET, PUT, POST or DELETE
    number: int  # the Nth request with that method (from 1); 0: every one
    kind: str  # refuse, status500, truncate, html, slow, delay

    def __str__(self) -> str:
        return f"{self.kind} on {self.method} #{self.number}"


@contextmanager
def fault_proxy(target: str, faults: list[Fault]) -> Iterator[tuple[str, list[str]]]:
    """A pass-through proxy to a live server that misbehaves as told. Yields its base URL and
    the requests it saw ("METHOD path"), in order.

    refuse: reset the connection without an answer; status500: answer HTTP 500, not forwarded;
    truncate: forward, then send half the answer (whole Content-Length) and close;
    html: answer 200 with an HTML page, not forwarded; slow: forward, answer after SLOW s;
    delay: wait 20 ms, then forward."""
    seen: list[str] = []
    counts: dict[str, int] = {}
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:
            pass

        def _answer(self, status: int, body: bytes, ctype: str = "", length: int | None = None) -> None:
            self.send_response(status)
            if ctype:
                self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body) if length is None else length))
            self.end_headers()
            try:
                self.wfile.write(body)
            except OSError:  # the client gave up (a slow answer): nothing to tell it
                self.close_connection = True

        def _forward(self) -> tuple[int, bytes, str]:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            headers = {k: v for k, v in self.headers.items() if k.lower() in ("accept", "content-type")}
            request = urllib.request.Request(target + self.path, data=body, method=self.command, headers=headers)
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    return response.status, response.read(), response.headers.get("Content-Type", "")
            except urllib.error.HTTPError as exc:
                return exc.code, exc.read(), exc.headers.get("Content-Type", "")

        def _handle(self) -> None:
            with lock:
                seen.append(f"{self.command} {self.path}")
                counts[self.command] = number = counts.get(self.command, 0) + 1
                fault = next((f for f in faults if f.method == self.command and f.number in (number, 0)), None)
            kind = fault.kind if fault else None
            if kind == "refuse":
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.close_connection = True
                return
            if kind == "status500":
                return self._answer(500, b"injected failure", "text/plain")
            if kind == "html":
                return self._answer(200, b"<html><body>Welcome to our portal</body></html>", "text/html")
            if kind == "delay":
                time.sleep(0.02)
            status, body, ctype = self._forward()
            if kind == "slow":
                time.sleep(SLOW)
            if kind == "truncate":  # a 204 has no body to cut: answer 200 with a body that never comes
                self.close_connection = True
                return self._answer(200 if status == 204 else status, body[: len(body) // 2], ctype,
                                    length=max(len(body), 100))
            self._answer(status, body, ctype)

        do_GET = do_PUT = do_POST = do_DELETE = _handle

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    with running(server) as url:
        yield url, seen


# --- push --------------------------------------------------------------------------------------

@pytest.mark.parametrize("atomic", [True, False], ids=["one-update", "graph-by-graph"])
def test_push_replaces_each_graph_and_verifies(kg, atomic):
    with oxigraph_server() as base:
        load_nquads(base, UNRELATED + STALE)
        result = push(kg, f"{base}/store", update_url=f"{base}/update" if atomic else None)
        assert result.atomic == atomic and len(result.graphs) == len(kg.graph_names())
        held = dump_nquads(base)
    assert held == _kg_lines(kg) | {UNRELATED.decode().strip()}  # stale triple gone: replaced, not added
    assert result.triples == sum(len(kg.sorted_quads(g)) for g in kg.graph_names())


def test_the_update_puts_every_graph_back_as_it_was():
    """The restoring update: a graph the store lacked is dropped, an empty one made again."""
    triple = ox.Triple(ox.NamedNode("http://ex/s"), ox.NamedNode("http://ex/p"), ox.Literal('a "quoted"\nline'))
    text = replace_graphs_update({"http://ex/a": {triple}, "http://ex/b": None, "http://ex/c": set()})
    store = ox.Store()
    store.add(ox.Quad(triple.subject, triple.predicate, ox.Literal("old"), ox.NamedNode("http://ex/b")))
    store.update(text)
    assert set(store) == {ox.Quad(triple.subject, triple.predicate, triple.object, ox.NamedNode("http://ex/a"))}
    assert {g.value for g in store.named_graphs()} == {"http://ex/a", "http://ex/c"}


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


def _fault_cases(graphs: int) -> list[tuple[bool, Fault]]:
    """(written in one update?, fault): reads before, the write(s), reads back, at different graphs."""
    g = graphs
    return [
        (True, Fault("GET", 1, "refuse")), (True, Fault("GET", g // 2, "html")), (True, Fault("GET", g, "truncate")),
        (True, Fault("GET", 2, "slow")),
        (True, Fault("POST", 1, "status500")), (True, Fault("POST", 1, "refuse")),
        (True, Fault("POST", 1, "truncate")), (True, Fault("POST", 1, "slow")), (True, Fault("POST", 1, "html")),
        (True, Fault("GET", g + 1, "truncate")), (True, Fault("GET", g + g // 2, "html")),
        (True, Fault("GET", 2 * g, "refuse")), (True, Fault("GET", g + 3, "slow")),
        (True, Fault("GET", g + 2, "status500")),
        (False, Fault("PUT", 1, "status500")), (False, Fault("PUT", g // 2, "refuse")),
        (False, Fault("PUT", g, "truncate")), (False, Fault("PUT", 3, "slow")), (False, Fault("PUT", 2, "html")),
        (False, Fault("GET", g + 1, "html")), (False, Fault("GET", 2 * g, "truncate")),
    ]


def test_push_under_injected_faults_leaves_the_server_as_it_was(kg):
    graphs = kg.graph_names()
    cases = _fault_cases(len(graphs))
    assert len(cases) >= 15 and {f.kind for _, f in cases} == {"refuse", "status500", "truncate", "html", "slow"}
    outcomes = []
    with oxigraph_server() as base:
        for atomic, fault in cases:
            _reset(base, UNRELATED + STALE)
            before = dump_nquads(base)
            with fault_proxy(base, [fault]) as (proxy, seen):
                with pytest.raises(PushError) as info:
                    push(kg, f"{proxy}/store", TIMEOUT, f"{proxy}/update" if atomic else None)
                after = dump_nquads(base)
            message = str(info.value)
            outcomes.append(f"{'update' if atomic else 'PUTs'}, {fault}: {message[:150]}")
            assert after == before, (fault, message)
            assert info.value.restored and "\n" not in message, message
            if fault.method == "GET" and fault.number <= len(graphs):  # a failed first read writes nothing
                assert "nothing was written" in message
                assert not any(s.startswith(("POST", "PUT", "DELETE")) for s in seen)
            elif fault.method == "POST" and fault.kind != "html":
                assert isinstance(info.value, WholePushError) and f"all {len(graphs)} graphs" in message
    print("\n" + "\n".join(outcomes))


def test_push_to_a_closed_port_writes_nothing(kg):
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(PushError, match=r"\(connection refused\); nothing was written$"):
        push(kg, f"{url}/store", TIMEOUT, f"{url}/update")


def test_push_to_a_store_without_sparql_update_says_what_to_do(kg):
    with oxigraph_server() as base:
        load_nquads(base, UNRELATED + STALE)
        before = dump_nquads(base)
        with pytest.raises(WholePushError) as info:
            push(kg, f"{base}/store", TIMEOUT, f"{base}/no-such-update")
        assert dump_nquads(base) == before
    assert "HTTP 404" in str(info.value) and "write graph by graph" in str(info.value) and info.value.restored


def test_push_cli_names_the_failing_graph_and_exits_2(kg):
    graphs = kg.graph_names()
    with oxigraph_server() as base:
        with failing_proxy(base, fail_put_number=1) as (proxy, _):
            proc = run_cli("push", "--endpoint", f"{proxy}/query", "--graph-by-graph", check=2)
        assert dump_nquads(base) == set()
        assert f"push failed at graph <{graphs[0]}>" in proc.stderr.decode()
        # A read-back that answers an HTML page: restored, one line, exit 2, no traceback.
        load_nquads(base, UNRELATED)
        with fault_proxy(base, [Fault("GET", len(graphs) + 1, "html")]) as (proxy, _):
            proc = run_cli("push", "--endpoint", f"{proxy}/query", check=2)
        stderr = proc.stderr.decode()
        assert dump_nquads(base) == {UNRELATED.decode().strip()}
        assert "could not read the graph back (GET answered text/html, not N-Triples" in stderr
        assert "Traceback" not in stderr and stderr.count("\n") == 1
        ok = run_cli("push", "--endpoint", f"{base}/query", check=0)
        assert dump_nquads(base) == _kg_lines(kg) | {UNRELATED.decode().strip()}
    assert b"in one update; each read back and verified" in ok.stdout


# --- readers during a push ----------------------------------------------------------------------

def _state(base: str) -> frozenset[tuple[str, int]]:
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    request = urllib.request.Request(f"{base}/query?{urllib.parse.urlencode({'query': query})}",
                                     headers={"Accept": "application/sparql-results+json"})
    rows = json.loads(urllib.request.urlopen(request, timeout=60).read())["results"]["bindings"]
    return frozenset((r["g"]["value"], int(r["n"]["value"])) for r in rows)


def _states_seen_during(base: str, work) -> tuple[set, int]:
    """Run `work` while a reader reads the per-graph sizes in a loop; the states it saw and
    how many reads fell wholly inside `work`."""
    seen: list[tuple[float, float, frozenset]] = []
    done = threading.Event()

    def reader() -> None:
        while not done.is_set():
            started = time.monotonic()
            state = _state(base)
            seen.append((started, time.monotonic(), state))

    thread = threading.Thread(target=reader)
    thread.start()
    time.sleep(0.1)
    began = time.monotonic()
    try:
        work()
    finally:
        ended = time.monotonic()
        time.sleep(0.1)
        done.set()
        thread.join(timeout=60)
    return {s for *_, s in seen}, sum(1 for a, b, _ in seen if began <= a and b <= ended)


def test_readers_see_the_old_dataset_or_the_new_one_never_a_mix(kg):
    graphs = kg.graph_names()
    marker = "".join(f'<http://example.org/m> <http://example.org/v> "old" <{g}> .\n' for g in graphs).encode()
    old_data = serialize(kg, "nquads") + marker
    new = frozenset((g, len(kg.sorted_quads(g))) for g in graphs)
    with oxigraph_server() as base:
        load_nquads(base, old_data)
        old = _state(base)
        assert old != new and len(old) == len(graphs)
        states, during = _states_seen_during(base, lambda: push(kg, f"{base}/store", 60, f"{base}/update"))
        print(f"\none update: {during} reads during the push saw {len(states)} states")
        assert during > 0 and states == {old, new}
        # The same reader does see mixes when graphs are written one by one (PUTs slowed to
        # 20 ms each so that reads fall between them): the check above can fail.
        _reset(base, old_data)
        with fault_proxy(base, [Fault("PUT", 0, "delay")]) as (proxy, _):
            states, during = _states_seen_during(base, lambda: push(kg, f"{proxy}/store", 60))
        print(f"graph by graph: {during} reads during the push saw {len(states)} states")
        assert {old, new} <= states and len(states) > 3


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
    ontology = ox.NamedNode("https://w3id.org/sezkg/ontology")
    namespace = "https://w3id.org/sezkg/ontology#"
    terms = {
        q.subject.value[len(namespace):]
        for q in kg.store.quads_for_pattern(None, None, None, ontology)
        if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(namespace)
    }
    assert len(terms) > 100
    for term in sorted(terms):
        assert f'id="{term}"' in text, term
    assert "Example from the data" in text


def test_ontology_examples_are_the_first_use_in_the_sorted_quads(kg, site):
    """A term's example is the subject of the first quad, in `kg.sorted_quads()` order, that uses
    it (as a class in rdf:type, or as a property) outside the ontology and scheme graphs (the
    site finds it without sorting every quad)."""
    from sezkg.views.site import site_path

    namespace = "https://w3id.org/sezkg/ontology#"
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    first: dict[tuple[bool, str], str] = {}
    for q in kg.sorted_quads():
        if q.graph_name.value in (namespace[:-1], "https://w3id.org/sezkg/scheme"):
            continue
        use = (True, q.object.value) if q.predicate.value == rdf_type else (False, q.predicate.value)
        first.setdefault(use, q.subject.value)
    text = (site / "ontology/index.html").read_text(encoding="utf-8")
    checked = 0
    for local, body in re.findall(r'<section id="([^"]+)">(.*?)</section>', text, re.S):
        expected = first.get(("<dt>Subclass of</dt>" in body, namespace + local))
        example = re.search(r"<dt>Example from the data</dt><dd>(.*?)</dd>", body, re.S).group(1)
        if expected is None:
            assert example == "—", local
        else:
            assert f'href="../{site_path(expected)}/index.html"' in example, (local, expected)
            checked += 1
    assert checked > 30


def test_site_is_deterministic_with_its_dumps_written_in_a_child_or_here(kg, tmp_path):
    build_site(kg, tmp_path / "a", fork=True)  # the dumps written in a child beside the pages
    build_site(kg, tmp_path / "b", fork=False)  # after the pages, in this process
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    assert {Path("dumps", name) for name in ("sezkg.nq", "sezkg.trig", "sezkg.jsonld", "sezkg.ttl")} <= set(files)
    for name in files:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert ox.Dataset(ox.parse(path=tmp_path / "a" / "dumps" / "sezkg.nq")) == ox.Dataset(kg.store)


@pytest.mark.parametrize(("accept", "page"), [
    ("text/html,application/xhtml+xml,*/*;q=0.8", "index.html"),  # a browser
    ("text/html, text/turtle;q=0", "index.html"),
    ("text/turtle", "index.ttl"),
    ("application/ld+json", "index.jsonld"),
    ("text/turtle;q=0.9, application/ld+json", "index.ttl"),  # the q weights are not read
    ("*/*", "index.html"),
    ("", "index.html"),
])
def test_the_apache_and_nginx_configs_give_a_browser_the_page(accept, page):
    """The rules of the .htaccess and nginx.conf the site writes, applied as each server applies
    them: Apache's RewriteCond lines of a rule all hold (`!` negates), the first rule wins;
    nginx's map takes its first matching regex (every page exists)."""
    from sezkg.views.site import HTACCESS, NGINX

    def apache() -> str:
        conditions: list[str] = []
        for line in HTACCESS.splitlines():
            if line.startswith("RewriteCond %{HTTP_ACCEPT} "):
                conditions.append(line.split(" ", 2)[2])
            elif line.startswith("RewriteRule "):
                if all((re.search(c[1:], accept) is None) if c.startswith("!") else re.search(c, accept)
                       for c in conditions):
                    return line.split()[2].rsplit("/", 1)[1]
                conditions = []
        return "index.html"

    def nginx() -> str:
        block = NGINX[NGINX.index("map $http_accept"):NGINX.index("}")]
        for line in block.splitlines()[1:]:
            pattern, _, target = line.strip().rstrip(";").partition(" ")
            if pattern.startswith("~") and re.search(pattern[1:], accept):
                return target.strip()
        return "index.html"

    assert apache() == page and nginx() == page
