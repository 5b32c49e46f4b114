"""The loader's parser against the W3C RDF 1.1 TriG test suite, read in place from shared/w3c.

Negative syntax and negative evaluation tests must be rejected with an InputError that names
the file and line; positive syntax tests must parse; evaluation tests must parse to the
dataset of their expected N-Quads. Every manifest entry is run: none is skipped.
"""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import W3C, nonempty
from sezkg.errors import InputError
from sezkg.load import parse_file

SUITE = Path(os.environ.get("SEZKG_W3C_TRIG", W3C / "rdf-trig"))
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
RDFT = "http://www.w3.org/ns/rdftest#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def _entries() -> list[tuple[str, str, str, str | None]]:
    manifest = SUITE / "manifest.ttl"
    if not manifest.exists():
        pytest.fail(f"W3C TriG suite not found at {SUITE}: the tests read it in place from ../shared/w3c/")
    store = ox.Store()
    store.load(path=str(manifest), format=ox.RdfFormat.TURTLE, base_iri=manifest.as_uri())
    base = next(store.quads_for_pattern(None, ox.NamedNode(MF + "assumedTestBase"), None)).object.value
    rows = store.query(
        f"""SELECT ?name ?type ?action ?result WHERE {{
              ?test a ?type ; <{MF}name> ?name ; <{MF}action> ?action .
              OPTIONAL {{ ?test <{MF}result> ?result }}
            }} ORDER BY ?name"""
    )
    entries = []
    for row in rows:
        action = Path(row["action"].value.removeprefix("file://")).name
        result = Path(row["result"].value.removeprefix("file://")).name if row["result"] else None
        entries.append((row["name"].value, row["type"].value.removeprefix(RDFT), action, result))
    entries.append(("(base)", base, "", None))
    return entries


ENTRIES = _entries()
BASE = ENTRIES.pop()[1]
TESTS = {name: (kind, action, result) for name, kind, action, result in ENTRIES}


def test_manifest_lists_every_kind():
    kinds = {kind for kind, _, _ in TESTS.values()}
    # Every kind is run by one of the tests below; an unknown kind would be skipped silently.
    assert kinds <= {"TestTrigPositiveSyntax", "TestTrigNegativeSyntax", "TestTrigEval", "TestTrigNegativeEval"}
    assert {"TestTrigPositiveSyntax", "TestTrigNegativeSyntax", "TestTrigEval"} <= kinds
    assert len(TESTS) >= 350


@pytest.mark.parametrize("name", nonempty(sorted(n for n, t in TESTS.items() if t[0].startswith("TestTrigNegative"))))
def test_negative(name):
    _, action, _ = TESTS[name]
    with pytest.raises(InputError) as info:
        parse_file(SUITE / action, base_iri=BASE + action)
    assert info.value.path.name == action
    assert info.value.line is not None, f"no line number in: {info.value}"
    assert str(info.value).startswith(str(SUITE / action))


@pytest.mark.parametrize("name", nonempty(sorted(n for n, t in TESTS.items() if t[0] == "TestTrigPositiveSyntax")))
def test_positive_syntax(name):
    _, action, _ = TESTS[name]
    parse_file(SUITE / action, base_iri=BASE + action)


def _canonical(quads: list[ox.Quad]) -> list[str]:
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return sorted(str(q) for q in dataset)


@pytest.mark.parametrize("name", nonempty(sorted(n for n, t in TESTS.items() if t[0] == "TestTrigEval")))
def test_eval(name):
    _, action, result = TESTS[name]
    assert result, f"{name} has no mf:result"
    got = parse_file(SUITE / action, base_iri=BASE + action)
    expected = list(ox.parse(path=SUITE / result, format=ox.RdfFormat.N_QUADS))
    assert _canonical(got) == _canonical(expected)
