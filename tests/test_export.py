"""Exports: every format re-parses (by rdflib, an independent parser) to the same data,
the same KG gives the same bytes, and a failed write leaves the old file as it was."""

from __future__ import annotations

import os

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


def test_unknown_graph_is_a_usage_error():
    proc = run_cli("export", "--format", "trig", "--graph", "https://example.org/nope", check=2)
    assert b"no named graph" in proc.stderr


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
