"""The loader's parser against the W3C RDF 1.1 TriG and Turtle suites, vendored in tests/w3c/.

Negative syntax and negative evaluation tests must be rejected with an InputError that names
the file and line (also through the CLI: exit 2 and `file:line` on stderr); positive syntax
tests must parse; evaluation tests must parse to the dataset of their expected N-Quads or
N-Triples. Every manifest entry runs, keyed by its IRI; the counts are exact.
"""

from __future__ import annotations

import contextlib
import io

import pyoxigraph as ox
import pytest
from w3c_suites import entries

from sezkg.cli import main
from sezkg.errors import InputError
from sezkg.kg.load import parse_file

TRIG = entries("rdf-trig")
TURTLE = entries("rdf-turtle")
ALL = TRIG + TURTLE
EXPECTED = {
    "rdf-trig": {"TestTrigNegativeSyntax": 115, "TestTrigEval": 143, "TestTrigPositiveSyntax": 98},
    "rdf-turtle": {"TestTurtleNegativeSyntax": 94, "TestTurtleEval": 145, "TestTurtlePositiveSyntax": 74},
}


@pytest.mark.parametrize("suite,found", [("rdf-trig", TRIG), ("rdf-turtle", TURTLE)])
def test_every_entry_is_read_once(suite, found):
    counts: dict[str, int] = {}
    for entry in found:
        counts[entry.kind] = counts.get(entry.kind, 0) + 1
    assert counts == EXPECTED[suite]
    assert len({e.iri for e in found}) == len(found) == sum(EXPECTED[suite].values())
    # The two TriG entries that share a name are both here.
    if suite == "rdf-trig":
        assert sum(e.name == "trig-syntax-bad-num-05" for e in found) == 2


def _by_kind(*kinds: str) -> list:
    chosen = [e for e in ALL if e.kind in kinds]
    assert chosen, kinds
    return [pytest.param(e, id=f"{e.action.parent.name}/{e.id}") for e in chosen]


@pytest.mark.parametrize("entry", _by_kind("TestTrigNegativeSyntax", "TestTrigNegativeEval",
                                           "TestTurtleNegativeSyntax", "TestTurtleNegativeEval"))
def test_negative(entry):
    with pytest.raises(InputError) as info:
        parse_file(entry.action, base_iri=entry.base)
    assert info.value.path == entry.action
    assert info.value.line is not None, f"no line number in: {info.value}"
    assert str(info.value).startswith(f"{entry.action}:{info.value.line}")


# Only TriG through --data: data files are TriG (a .ttl file is refused before parsing, which
# would make a Turtle entry pass without testing the parser).
@pytest.mark.parametrize("entry", _by_kind("TestTrigNegativeSyntax"))
def test_negative_through_the_cli(entry):
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["validate", "--data", str(entry.action)])
    assert code == 2
    message = err.getvalue()
    assert message.startswith(f"sezkg: error: {entry.action}:"), message
    assert message.count("\n") == 1, "one line, no traceback"


@pytest.mark.parametrize("entry", _by_kind("TestTrigPositiveSyntax", "TestTurtlePositiveSyntax"))
def test_positive_syntax(entry):
    parse_file(entry.action, base_iri=entry.base)


def _canonical(quads: list[ox.Quad]) -> list[str]:
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return sorted(str(q) for q in dataset)


@pytest.mark.parametrize("entry", _by_kind("TestTrigEval", "TestTurtleEval"))
def test_eval(entry):
    assert entry.result is not None, f"{entry.iri} has no mf:result"
    got = parse_file(entry.action, base_iri=entry.base)
    fmt = ox.RdfFormat.N_QUADS if entry.result.suffix == ".nq" else ox.RdfFormat.N_TRIPLES
    expected = [ox.Quad(q.subject, q.predicate, q.object, q.graph_name)
                for q in ox.parse(path=entry.result, format=fmt)]
    assert _canonical(got) == _canonical(expected)
