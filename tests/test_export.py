"""Exports: every format re-parses (by rdflib, an independent parser) to the same data,
the same KG gives the same bytes, and a failed write leaves the old file as it was."""

from __future__ import annotations

import os
import re

import pytest
from conftest import FIXTURES, run_cli
from rdflib import Dataset, Graph, URIRef

import sezkg
from sezkg.errors import OutputError
from sezkg.kg.convert import to_rdflib
from sezkg.kg.files import write_atomic
from sezkg.publish.export import FORMATS, serialize

RDFLIB_FORMAT = {"trig": "trig", "nquads": "nquads", "jsonld": "json-ld", "turtle": "turtle",
                 "ntriples": "nt", "xml": "xml"}


def _kg_quads(kg) -> set[tuple]:
    return {(to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object), URIRef(q.graph_name.value))
            for q in kg.sorted_quads()}


def _kg_triples(kg, graph: str | None = None) -> set[tuple]:
    return {(to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)) for q in kg.sorted_quads(graph)}


def test_formats_are_the_six_promised():
    assert set(FORMATS) == {"turtle", "trig", "ntriples", "nquads", "jsonld", "xml"}


@pytest.mark.parametrize("fmt", sorted(f for f, spec in FORMATS.items() if spec.keeps_graphs))
def test_dataset_formats_round_trip(kg, fmt):
    data = serialize(kg, fmt)
    parsed = Dataset()
    parsed.parse(data=data, format=RDFLIB_FORMAT[fmt])
    got = {(s, p, o, g.identifier if hasattr(g, "identifier") else g) for s, p, o, g in parsed.quads((None, None, None, None))}
    # No blank nodes in the KG, so isomorphism is set equality.
    assert got == _kg_quads(kg)


@pytest.mark.parametrize("fmt", sorted(f for f, spec in FORMATS.items() if not spec.keeps_graphs))
def test_graph_formats_round_trip_the_union(kg, fmt):
    parsed = Graph().parse(data=serialize(kg, fmt), format=RDFLIB_FORMAT[fmt])
    assert set(parsed) == _kg_triples(kg)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_one_graph_round_trips(kg, fmt):
    graph = "https://w3id.org/sezkg/source/gout-2025-box-1"
    data = serialize(kg, fmt, graph)
    if FORMATS[fmt].keeps_graphs:
        parsed = Dataset().parse(data=data, format=RDFLIB_FORMAT[fmt])
        got = {(s, p, o) for s, p, o, g in parsed.quads((None, None, None, None)) if str(g) == graph}
        assert {str(g) for _, _, _, g in parsed.quads((None, None, None, None))} == {graph}
    else:
        got = set(Graph().parse(data=data, format=RDFLIB_FORMAT[fmt]))
    assert got == _kg_triples(kg, graph)
    assert got


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_export_is_deterministic_across_processes(kg, fmt, tmp_path):
    """Same bytes from a fresh process (a different hash seed) as from this one."""
    out = tmp_path / f"kg.{fmt}"
    run_cli("export", "--format", fmt, "--output", str(out), check=0)
    assert out.read_bytes() == serialize(kg, fmt)
    assert serialize(kg, fmt) == serialize(sezkg.load(), fmt)


def test_export_to_stdout_equals_file(kg):
    proc = run_cli("export", "--format", "nquads", check=0)
    assert proc.stdout == serialize(kg, "nquads")
    assert len(proc.stdout.splitlines()) == len(kg)


def test_failed_export_leaves_old_file_and_no_temp_file(tmp_path):
    out = tmp_path / "kg.nq"
    out.write_bytes(b"previous contents\n")
    proc = run_cli("export", "--format", "nquads", "--output", str(out),
                   "--data", str(FIXTURES / "broken" / "syntax-error.trig"), check=2)
    assert b"syntax-error.trig:9" in proc.stderr
    assert out.read_bytes() == b"previous contents\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kg.nq"]


def test_write_atomic_failure_mid_write(tmp_path, monkeypatch):
    """A crash between writing and renaming leaves the target untouched and no temp file."""
    out = tmp_path / "kg.ttl"
    out.write_bytes(b"old")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OutputError, match="kg.ttl: cannot write: disk full"):
        write_atomic(out, b"new")
    assert out.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["kg.ttl"]


def test_write_atomic_replaces(tmp_path):
    out = tmp_path / "kg.ttl"
    out.write_bytes(b"old")
    write_atomic(out, b"new")
    assert out.read_bytes() == b"new"


def test_write_text_atomic_encodes_a_chunk_at_a_time(tmp_path, monkeypatch):
    """Pages are written as text a few characters at a time (here 3): the same UTF-8 bytes
    whatever falls on a boundary (Cyrillic, an astral character), and the old file kept on failure."""
    from sezkg.kg import files

    monkeypatch.setattr(files, "TEXT_CHUNK", 3)
    text = "Астана — 𝔸 zone <p>\n" * 5 + "end"
    out = tmp_path / "page.html"
    files.write_text_atomic(out, text)
    assert out.read_bytes() == text.encode("utf-8")
    files.write_text_atomic(out, "")
    assert out.read_bytes() == b""
    out.write_bytes(b"old")
    with pytest.raises(UnicodeEncodeError):
        files.write_text_atomic(out, "ab\udc80cd")  # a lone surrogate has no UTF-8
    assert out.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]


def test_unknown_graph_is_a_usage_error():
    proc = run_cli("export", "--format", "trig", "--graph", "https://example.org/nope", check=2)
    assert b"names nothing in the knowledge graph" in proc.stderr
    proc = run_cli("export", "--format", "trig", "--graph", "https://w3id.org/sezkg/id/zone/saryarka", check=2)
    assert b"not a named graph" in proc.stderr


def test_nquads_export_holds_every_zone_org_and_the_aifc(kg):
    """The issue's acceptance check, made on the N-Quads text itself."""
    text = serialize(kg, "nquads").decode()
    for zone in ZONES + ["aifc"]:
        iri = f"<https://w3id.org/sezkg/id/zone/{zone}>"
        assert f"{iri} <http://www.w3.org/2000/01/rdf-schema#label>" in text, zone


from test_data import ZONES  # noqa: E402  (shared list of the brief's zones)


def test_jsonld_is_compact_and_pyoxigraph_reads_it_back(kg):
    """The JSON-LD writer is our own: both rdflib (above) and pyoxigraph must read it as the store."""
    import json

    import pyoxigraph as ox

    data = serialize(kg, "jsonld")
    document = json.loads(data)
    assert "zone:saryarka" in {n["@id"] for g in document["@graph"] for n in g["@graph"]}
    parsed = set(ox.parse(data, format=ox.RdfFormat.JSON_LD))
    assert parsed == set(kg.sorted_quads())


def test_jsonld_context_file_matches_the_prefixes(kg_files):
    import json

    from sezkg.kg.namespaces import PREFIXES

    context = json.loads((kg_files.ontology / "context.jsonld").read_text())["@context"]
    assert context == {k: v for k, v in PREFIXES.items() if k != "sh"}


# --- issue #10: exports any strict parser reads back ------------------------------------------

STRANGE = """\
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix src: <https://w3id.org/sezkg/source/> .

GRAPH src:strange {
    <https://w3id.org/sezkg/id/zone/x> rdfs:label "line one\\r\\nline two\\u0085\\u2028 & <b> ]]>"@en ;
        rdfs:seeAlso <%s> ;
        rdfs:comment "%s" .
}
"""


def _strange(tmp_path, iri: str = "https://example.org/plain", text: str = "plain") -> tuple:
    path = tmp_path / "strange.trig"
    path.write_text(STRANGE % (iri, text), encoding="utf-8")
    return path, sezkg.load(data=[path])


@pytest.mark.parametrize("iri", ["sez:Zone", "zone:x", "rdfs:label", "xsd:"])
def test_jsonld_refuses_an_iri_it_would_read_back_as_another(tmp_path, iri):
    """`sez:Zone` is an IRI (scheme `sez`); in JSON-LD with our context it reads back as sez's Zone."""
    from sezkg.errors import UsageError

    path, kg = _strange(tmp_path, iri)
    with pytest.raises(UsageError) as info:
        serialize(kg, "jsonld")
    assert f"JSON-LD cannot hold the IRI <{iri}>" in str(info.value)
    proc = run_cli("export", "--format", "jsonld", "--data", str(path), check=2)
    assert proc.stderr.decode().startswith(f"sezkg: error: JSON-LD cannot hold the IRI <{iri}>")
    assert proc.stderr.count(b"\n") == 1 and proc.stdout == b""
    # The dataset formats that can hold it do, and read back through --data.
    for fmt, suffix in (("trig", "trig"), ("nquads", "nq")):
        out = tmp_path / f"out.{suffix}"
        run_cli("export", "--format", fmt, "--output", str(out), "--data", str(path), check=0)
        assert set(sezkg.load(data=[out]).store) == set(kg.store)


def test_jsonld_names_the_refused_iri_the_sorted_quads_meet_first():
    """JSON-LD reads a graph's quads in the store's order (its nodes are sorted after), but a
    refusal names the IRI the sorted order meets first, as when the quads were sorted."""
    import pyoxigraph as ox

    from sezkg.errors import UsageError
    from sezkg.kg.load import KnowledgeGraph

    graph = ox.NamedNode("https://w3id.org/sezkg/source/x")
    see_also = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#seeAlso")
    for order in (["zone:b", "zone:a", "sez:Zone"], ["sez:Zone", "zone:a", "zone:b"]):
        store = ox.Store()
        for i, iri in enumerate(order):
            store.add(ox.Quad(ox.NamedNode(f"https://example.org/s{i}"), see_also, ox.NamedNode(iri), graph))
        with pytest.raises(UsageError) as info:
            serialize(KnowledgeGraph(store), "jsonld")
        first = min(order, key=lambda iri: [str(q.subject) for q in store if q.object.value == iri])
        assert f"JSON-LD cannot hold the IRI <{first}>" in str(info.value)


def test_jsonld_writes_an_iri_with_a_prefix_like_scheme_when_it_is_unambiguous(tmp_path):
    """`sez://x` is not a compact IRI in JSON-LD (a suffix starting with // never is)."""
    import pyoxigraph as ox

    _, kg = _strange(tmp_path, "sez://x")
    data = serialize(kg, "jsonld")
    assert set(ox.parse(data, format=ox.RdfFormat.JSON_LD)) == set(kg.sorted_quads())


def test_rdfxml_of_the_kg_is_well_formed_xml(kg):
    import xml.etree.ElementTree as ET

    root = ET.fromstring(serialize(kg, "xml"))
    assert root.tag == "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}RDF"
    assert len(root) == len({q.subject for q in kg.sorted_quads()})


def test_rdfxml_keeps_carriage_returns_and_line_separators(tmp_path):
    """XML parsers turn a raw CR into LF; written as &#13; it survives, as do U+0085 and U+2028."""
    import xml.etree.ElementTree as ET

    _, kg = _strange(tmp_path)
    data = serialize(kg, "xml")
    ET.fromstring(data)
    assert b"\r" not in data
    parsed = set(Graph().parse(data=data, format="xml"))
    assert parsed == _kg_triples(kg)


@pytest.mark.parametrize("iri,text,why", [
    ("https://example.org/plain", "bell \\u0007", "U+0007, which XML 1.0 forbids"),
    ("https://example.org/plain", "nul \\u0000", "U+0000, which XML 1.0 forbids"),
])
def test_rdfxml_refuses_a_character_xml_cannot_hold_naming_the_triple(tmp_path, iri, text, why):
    path, _ = _strange(tmp_path, iri, text)
    proc = run_cli("export", "--format", "xml", "--data", str(path), check=2)
    stderr = proc.stderr.decode()
    assert stderr.startswith("sezkg: error: RDF/XML cannot hold the triple <https://w3id.org/sezkg/id/zone/x> "
                             "<http://www.w3.org/2000/01/rdf-schema#comment>"), stderr
    assert why in stderr and stderr.count("\n") == 1


@pytest.mark.parametrize("predicate", ["https://w3id.org/sezkg/ontology#", "http://example.org/p/123",
                                       "http://www.w3.org/1999/02/22-rdf-syntax-ns#li"])
def test_rdfxml_refuses_a_predicate_no_element_can_spell(tmp_path, predicate):
    from sezkg.errors import UsageError

    path = tmp_path / "p.trig"
    path.write_text(f'GRAPH <https://w3id.org/sezkg/source/p> {{ <https://w3id.org/sezkg/id/x> <{predicate}> "v" . }}\n')
    kg = sezkg.load(data=[path])
    with pytest.raises(UsageError, match=rf"RDF/XML cannot hold the triple <https://w3id.org/sezkg/id/x> <{re.escape(predicate)}>"):
        serialize(kg, "xml")
    # Turtle holds it, and rdflib reads it back.
    assert set(Graph().parse(data=serialize(kg, "turtle"), format="turtle")) == _kg_triples(kg)


def test_nquads_lines_are_those_an_oxigraph_server_dumps(kg):
    """tests/test_publish.py compares our N-Quads with an Oxigraph server's dump, line by line."""
    import pyoxigraph as ox

    ours = set(serialize(kg, "nquads").decode().splitlines())
    oxigraph = set(ox.serialize(kg.sorted_quads(), format=ox.RdfFormat.N_QUADS).decode().splitlines())
    assert ours == oxigraph


def test_trig_export_reads_back_through_the_cli(tmp_path):
    """The issue's case: `sezkg export --format trig` then `--data` on the file."""
    out = tmp_path / "kg.trig"
    run_cli("export", "--format", "trig", "--output", str(out), check=0)
    proc = run_cli("export", "--format", "nquads", "--data", str(out), check=0)
    assert proc.stdout == serialize(sezkg.load(), "nquads")
