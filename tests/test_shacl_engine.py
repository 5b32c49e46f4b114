"""The SPARQL SHACL engine (sezkg.questions.shacl) against pyshacl and the W3C SHACL core suite.

- every shape fixture, the real data and a synthetic KG with planted violations give the same
  results from both engines (focus, path, value, component, shape, message, severity);
- every W3C core entry the engine compiles gives the expected report; the entries it leaves to
  pyshacl, and those where it follows pyshacl rather than the suite, are listed explicitly;
- what the engine cannot compile goes to pyshacl, with a note, never silently.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlparse

import pyoxigraph as ox
import pytest
from conftest import FIXTURES, W3C, nonempty

import sezkg
from sezkg.errors import InputError, UsageError
from sezkg.kg.convert import to_rdflib
from sezkg.kg.resources import default_files
from sezkg.questions.shacl import (
    RDF,
    SH,
    Engine,
    ShaclResult,
    ShapeModel,
    ShapesGraph,
    Unsupported,
    datatype_ok,
    parse_path,
    pyshacl_results,
)
from sezkg.questions.validate import check_shapes, validate

TESTS = Path(__file__).resolve().parent
sys.path.insert(0, str(TESTS.parent / "bench"))
import synthetic  # noqa: E402

SHAPE_FIXTURES = nonempty(sorted((FIXTURES / "shapes").glob("*.trig")))
CORE = W3C / "shacl-tests" / "core"
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
SHT = "http://www.w3.org/ns/shacl-test#"


@pytest.fixture(scope="module")
def shapes_path() -> Path:
    return default_files().shapes


@pytest.fixture(scope="module")
def real_kg() -> sezkg.KnowledgeGraph:
    return sezkg.load()


def violation_keys(violations) -> list[tuple]:
    return sorted((v.focus, v.path, v.value, v.component, v.check, v.message, v.severity) for v in violations)


def assert_engines_agree(kg, shapes_path: Path) -> list:
    ours = check_shapes(kg, shapes_path, "sparql")
    reference = check_shapes(kg, shapes_path, "pyshacl")
    assert ours.notes == [], "ontology/shapes.ttl should compile without falling back to pyshacl"
    assert ours.node_shapes == reference.node_shapes
    assert set(violation_keys(ours.violations)) == set(violation_keys(reference.violations))
    return ours.violations


# ---------------------------------------------------------------------------------------------
# The project's shapes
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", SHAPE_FIXTURES, ids=lambda p: p.stem)
def test_engines_agree_on_shape_fixture(path, shapes_path):
    # (test_validate checks each fixture's verdict; here: the same verdict from both engines)
    assert_engines_agree(sezkg.load(data=[path]), shapes_path)


def test_engines_agree_on_real_data(real_kg, shapes_path):
    assert_engines_agree(real_kg, shapes_path)


def test_validate_uses_the_sparql_engine_by_default(real_kg):
    ours, reference = validate(real_kg), validate(real_kg, engine="pyshacl")
    assert ours.notes == []
    assert ours.violations == validate(real_kg, engine="sparql").violations
    assert set(violation_keys(ours.violations)) == set(violation_keys(reference.violations))
    assert (ours.shapes_checked, ours.queries_checked) == (reference.shapes_checked, reference.queries_checked)
    with pytest.raises(UsageError):
        validate(real_kg, engine="jena")


def test_inverse_path_is_reported_as_a_path(shapes_path):
    kg = sezkg.load(data=[FIXTURES / "shapes" / "management-company-without-zone.trig"])
    [violation] = check_shapes(kg, shapes_path).violations
    assert violation.path == "^<https://w3id.org/sezkg/ontology#managementCompany>"


def test_recursive_shape_is_an_error_for_both_engines():
    kg = sezkg.load(data=[FIXTURES / "recursion" / "cycle.trig"])
    for engine in ("sparql", "pyshacl"):
        with pytest.raises(InputError) as info:
            check_shapes(kg, FIXTURES / "recursion" / "recursive-shapes.ttl", engine)
        assert "recursive SHACL shape" in str(info.value)


def test_broken_shapes_file_names_its_line(tmp_path):
    broken = tmp_path / "shapes.ttl"
    broken.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n\n<a> sh:path .\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        ShapesGraph.from_file(broken)
    assert info.value.path == broken and info.value.line == 3


# ---------------------------------------------------------------------------------------------
# Synthetic data with planted violations
# ---------------------------------------------------------------------------------------------


def test_synthetic_kg_every_planted_violation_is_found_by_both_engines(tmp_path, shapes_path):
    dataset = synthetic.generate(zones=20, seed=7, inject=synthetic.VIOLATIONS)
    dataset.write(tmp_path)
    kg = sezkg.load(data=[tmp_path])
    assert dataset.triples() > 2500  # a few thousand triples of data, on top of the ontology
    violations = assert_engines_agree(kg, shapes_path)
    planted = {(e.focus, e.component) for e in dataset.expected}
    assert len({e.kind for e in dataset.expected}) == len(synthetic.VIOLATIONS)
    # Every planted violation is found, and nothing else: the rest of the data is valid.
    assert {(v.focus, v.component) for v in violations} == planted


def test_synthetic_kg_is_deterministic():
    assert synthetic.generate(5, seed=3).trig() == synthetic.generate(5, seed=3).trig()
    assert synthetic.generate(5, seed=3).trig() != synthetic.generate(5, seed=4).trig()


# ---------------------------------------------------------------------------------------------
# What the engine does not compile goes to pyshacl, with a note
# ---------------------------------------------------------------------------------------------

PREFIXES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

DATA = b"""@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:a a ex:Thing ; ex:size 3 ; ex:part ex:p1 , ex:p2 .
ex:b a ex:Thing ; ex:size "big" ; ex:part ex:p1 .
ex:p1 ex:weight 5 .
ex:p2 ex:weight 50 .
"""


def _shapes_graph(shapes: str) -> ShapesGraph:
    parser = ox.parse((PREFIXES + shapes).encode(), format=ox.RdfFormat.TURTLE)
    quads = list(parser)
    return ShapesGraph.from_quads(quads, dict(parser.prefixes))


def _engine_and_store(shapes: str) -> tuple[Engine, ox.Store]:
    store = ox.Store()
    store.load(DATA, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("http://example.org/graph"))
    return Engine(_shapes_graph(shapes)), store


def _n3(term) -> str:
    """A term as the rdflib copy that pyshacl validates holds it (rdflib normalises some literals)."""
    return "" if term is None else to_rdflib(term).n3()


def _keys(results: list[ShaclResult]) -> set[tuple]:
    return {(_n3(r.focus), r.path.text if r.path else "", _n3(r.value), r.component, r.shape_name, r.messages)
            for r in results}


def _pyshacl(engine: Engine, store: ox.Store) -> list[ShaclResult]:
    return pyshacl_results(store, engine.sg, engine.model, [s.node for s in engine.model.roots()])


def test_unsupported_shape_falls_back_to_pyshacl_with_a_note():
    engine, store = _engine_and_store("""
ex:Compiled a sh:NodeShape ; sh:targetClass ex:Thing ;
  sh:property [ sh:path ex:size ; sh:datatype xsd:integer ; sh:message "size is an integer" ] .
ex:Nested a sh:NodeShape ; sh:targetClass ex:Thing ;
  sh:property [ sh:path ex:part ; sh:node ex:Light ; sh:message "parts are light" ] .
ex:Light a sh:NodeShape ; sh:sparql [
  sh:message "too heavy" ;
  sh:select "SELECT $this WHERE { $this <http://example.org/weight> ?w FILTER(?w > 10) }" ] .
""")
    report = engine.validate(store)
    assert report.fallback_shapes == [ox.NamedNode("http://example.org/Nested")]
    [note] = report.notes
    assert "http://example.org/Nested" in note and "pyshacl" in note and "sh:sparql inside a nested shape" in note
    assert {(str(r.focus), r.shape_name.split(" ")[0]) for r in report.results} == {
        ("<http://example.org/b>", "http://example.org/Compiled"), ("<http://example.org/a>", "http://example.org/Nested")}
    assert _keys(report.results) == _keys(_pyshacl(engine, store))
    with pytest.raises(Unsupported):
        engine.validate(store, fallback=False)


HEAVY_PART = "SELECT $this ?value WHERE { $this <http://example.org/part> ?value . ?value <http://example.org/weight> ?w FILTER(?w > 10) }"
# A union and a count cannot be joined to all focus nodes at once: these run once per focus node.
TWO_PARTS = ("SELECT $this (COUNT(?p) AS ?n) WHERE { { $this <http://example.org/part> ?p } UNION "
             "{ $this <http://example.org/other> ?p } } GROUP BY $this HAVING (COUNT(?p) > 1)")
HEAVY_VALUE = "SELECT $this ?value WHERE { $this $PATH ?value . ?value <http://example.org/weight> ?w FILTER(?w > 10) }"


@pytest.mark.parametrize("shape, select, batched", [
    ("ex:S a sh:NodeShape ; sh:targetClass ex:Thing", HEAVY_PART, True),
    ("ex:S a sh:NodeShape ; sh:targetClass ex:Thing", TWO_PARTS, False),
    # A property shape reached through sh:property: its focus nodes are its parent's.
    ("ex:P sh:targetClass ex:Thing ; sh:property ex:S . ex:S sh:path ex:part", HEAVY_VALUE, True),
    ("ex:P sh:targetClass ex:Thing ; sh:property ex:S . ex:S sh:path ex:part", TWO_PARTS, False),
    # Prefixes declared the SHACL way.
    ("ex:Prefixes sh:declare [ sh:prefix \"my\" ; sh:namespace \"http://example.org/\"^^xsd:anyURI ] . "
     "ex:S a sh:NodeShape ; sh:targetClass ex:Thing",
     "SELECT $this ?value WHERE { $this my:part ?value . ?value my:weight ?w FILTER(?w > 10) }", True),
], ids=["node-batched", "node-per-focus", "property-batched", "property-per-focus", "declared-prefixes"])
def test_sparql_constraints_match_pyshacl(shape, select, batched):
    engine, store = _engine_and_store(f"""
{shape} ; sh:sparql [
  sh:message "{{$this}} breaks the rule {{?value}}" ; sh:select \"\"\"{select}\"\"\" ;
  sh:prefixes ex:Prefixes ] .
""")
    [constraint] = engine.model.shapes[ox.NamedNode("http://example.org/S")].constraints
    assert constraint.query.batchable is batched
    results = engine.validate(store, fallback=False).results
    assert {str(r.focus) for r in results} == {"<http://example.org/a>"}
    assert _keys(results) == _keys(_pyshacl(engine, store))


def test_messages_of_shapes_without_sh_message_are_pyshacl_s():
    engine, store = _engine_and_store("""
ex:S a sh:NodeShape ; sh:targetClass ex:Thing ;
  sh:property [ sh:path ex:size ; sh:datatype xsd:integer ; sh:maxInclusive 4 ] ;
  sh:property [ sh:path ex:part ; sh:minCount 2 ; sh:class ex:Part ] .
""")
    results = engine.validate(store, fallback=False).results
    assert {m for r in results for m in r.messages} >= {"Value is not Literal with datatype xsd:integer",
                                                        "Value does not have class ex:Part"}
    assert _keys(results) == _keys(_pyshacl(engine, store))


# ---------------------------------------------------------------------------------------------
# Exact checks: the fast SPARQL tests accept nothing that rdflib (hence pyshacl) rejects
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("datatype, lexicals", [
    ("decimal", ["1.5", "-0.0", "abc", "1e5", "+.5", "1."]),
    ("integer", ["1", "-7", "01", "1.0", "x", "99999999999999999999999"]),
    ("boolean", ["true", "false", "1", "0", "none", "TRUE"]),
    ("date", ["2020-02-28", "2020-02-30", "2021-02-29", "2020-13-01", "0000-01-01", "2020-1-1", "2020-02-28Z"]),
    ("gYear", ["2020", "20x", "-0044"]),
    ("double", ["1.5E3", "INF", "NaN", "x"]),
])
def test_sh_datatype_matches_rdflib(datatype, lexicals):
    xsd = "http://www.w3.org/2001/XMLSchema#" + datatype
    store = ox.Store()
    for i, lexical in enumerate(lexicals):
        store.add(ox.Quad(ox.NamedNode(f"http://example.org/n{i}"), ox.NamedNode("http://example.org/p"),
                          ox.Literal(lexical, datatype=ox.NamedNode(xsd)), ox.NamedNode("http://example.org/g")))
    engine = Engine(_shapes_graph(f"ex:S sh:targetSubjectsOf ex:p ; sh:property [ sh:path ex:p ; sh:datatype <{xsd}> ] ."))
    failing = {r.value for r in engine.validate(store, fallback=False).results}
    values = [q.object for q in store]
    assert failing == {v for v in values if not datatype_ok(v, xsd)}
    assert _keys(engine.validate(store).results) == _keys(_pyshacl(engine, store))


def _real_date(year: int, month: int, day: int) -> bool:
    import datetime

    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("datatype, fast, slow", [
    # Every day of four years, and days and months that do not exist: the fast test takes each
    # real date but 29 February, the Python check the rest (leap years, ill-formed values).
    ("date", [f"{y}-{m:02d}-{d:02d}" for y in (1900, 2000, 2019, 2020) for m in range(1, 13) for d in range(1, 32)
              if not (m == 2 and d == 29) and _real_date(y, m, d)],
     [f"{y}-{m:02d}-{d:02d}" for y in (1900, 2000, 2019, 2020) for m in range(14) for d in range(33)
      if (m == 2 and d == 29) or not _real_date(y, m, d)] + ["2020-02-28Z", "0999-01-01", "20200-01-01"]),
    ("decimal", ["1.5", "-0.0", "12", "+.5"], ["abc", "1e5", "1.5.5"]),
])
def test_python_check_runs_only_where_the_fast_test_fails(monkeypatch, datatype, fast, slow):
    """sh:datatype is tested in SPARQL first and in Python (rdflib's judgement) only where that
    fails: Oxigraph evaluates both sides of `||` in a FILTER, and the Python check once ran for
    every value. The results are still rdflib's for every value."""
    from sezkg.questions import shacl

    xsd = "http://www.w3.org/2001/XMLSchema#" + datatype
    store = ox.Store()
    for i, lexical in enumerate(fast + slow):
        store.add(ox.Quad(ox.NamedNode(f"http://example.org/n{i}"), ox.NamedNode("http://example.org/p"),
                          ox.Literal(lexical, datatype=ox.NamedNode(xsd)), ox.NamedNode("http://example.org/g")))
    asked: list[str] = []
    exact = shacl.datatype_ok
    monkeypatch.setattr(shacl, "datatype_ok", lambda value, rule: asked.append(value.value) or exact(value, rule))
    engine = Engine(_shapes_graph(f"ex:S sh:targetSubjectsOf ex:p ; sh:property [ sh:path ex:p ; sh:datatype <{xsd}> ] ."))
    failing = {r.value.value for r in engine.validate(store, fallback=False).results}
    assert sorted(asked) == sorted(slow)
    monkeypatch.undo()
    assert failing == {q.object.value for q in store if not datatype_ok(q.object, xsd)}
    assert all(datatype_ok(ox.Literal(v, datatype=ox.NamedNode(xsd)), xsd) for v in fast)


# ---------------------------------------------------------------------------------------------
# The W3C SHACL core suite
# ---------------------------------------------------------------------------------------------

# Entries whose shapes the engine does not compile (none: it compiles every core entry).
SKIPPED_W3C: list[str] = []
# Entries where the engine gives pyshacl's answer, not the suite's.
PYSHACL_DEVIATIONS = {
    # sh:uniqueLang "1"^^xsd:boolean: the suite ignores it ("1" is not "true"); pyshacl reads it as
    # true, and the pyoxigraph store keeps it as "true" anyway.
    "property/uniqueLang-002.ttl#uniqueLang-002",
}


@dataclass(frozen=True)
class W3CEntry:
    file: Path
    iri: ox.NamedNode
    data: Path
    shapes: Path

    @property
    def id(self) -> str:
        return f"{self.file.relative_to(CORE)}#{self.iri.value.rsplit('/', 1)[-1]}"


@cache
def _parsed(path: Path) -> tuple[tuple[ox.Quad, ...], tuple[tuple[str, str], ...]]:
    """A test file parsed once, so that its blank nodes are the same wherever it is used."""
    parser = ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.as_uri())
    return tuple(parser), tuple(parser.prefixes.items())


@cache
def _store(path: Path) -> ox.Store:
    store = ox.Store()
    store.extend(ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode("urn:x-test:data")) for q in _parsed(path)[0])
    return store


def _one(store: ox.Store, subject, predicate: str):
    found = list(store.quads_for_pattern(subject, ox.NamedNode(predicate), None))
    return found[0].object if found else None


def _list(store: ox.Store, head) -> list:
    members = []
    while head != ox.NamedNode(RDF + "nil"):
        members.append(_one(store, head, RDF + "first"))
        head = _one(store, head, RDF + "rest")
    return members


def _file(node: ox.NamedNode) -> Path:
    return Path(unquote(urlparse(node.value).path))


def _w3c_entries(manifest: Path = CORE / "manifest.ttl") -> list[W3CEntry]:
    store = _store(manifest)
    includes = [_file(q.object) for q in store.quads_for_pattern(None, ox.NamedNode(MF + "include"), None)]
    found = [e for include in sorted(includes) for e in _w3c_entries(include)]
    for q in store.quads_for_pattern(None, ox.NamedNode(MF + "entries"), None):
        for iri in _list(store, q.object):
            if _one(store, iri, RDF + "type") == ox.NamedNode(SHT + "Validate"):
                action = _one(store, iri, MF + "action")
                found.append(W3CEntry(manifest, iri, _file(_one(store, action, SHT + "dataGraph")),
                                      _file(_one(store, action, SHT + "shapesGraph"))))
    return found


W3C_ENTRIES = nonempty(_w3c_entries())


def _shapes(entry: W3CEntry) -> ShapesGraph:
    quads, prefixes = _parsed(entry.shapes)
    return ShapesGraph.from_quads(quads, dict(prefixes))


def _node(term, same_file: bool) -> str:
    """A blank node from another file than the manifest cannot be named by the expected report."""
    if isinstance(term, ox.BlankNode) and not same_file:
        return "_:"
    return "" if term is None else str(term)


def _expected(entry: W3CEntry) -> tuple[bool, set[tuple]]:
    store = _store(entry.file)
    report = _one(store, entry.iri, MF + "result")
    manifest_graph = ShapesGraph.from_quads(_parsed(entry.file)[0])
    same_data, same_shapes = entry.data == entry.file, entry.shapes == entry.file
    results = set()
    for q in store.quads_for_pattern(report, ox.NamedNode(SH + "result"), None):
        r = q.object
        path = _one(store, r, SH + "resultPath")
        results.add((_node(_one(store, r, SH + "focusNode"), same_data),
                     parse_path(manifest_graph, path).text if path is not None else "",
                     _node(_one(store, r, SH + "value"), same_data), _one(store, r, SH + "sourceConstraintComponent").value,
                     _node(_one(store, r, SH + "sourceShape"), same_shapes), _one(store, r, SH + "resultSeverity").value))
    return _one(store, report, SH + "conforms").value == "true", results


def _actual(entry: W3CEntry, results: list[ShaclResult]) -> set[tuple]:
    same_data, same_shapes = entry.data == entry.file, entry.shapes == entry.file
    return {(_node(r.focus, same_data), r.path.text if r.path else "", _node(r.value, same_data), r.component,
             _node(r.shape, same_shapes), r.severity) for r in results}


def _run_w3c(entry: W3CEntry) -> list[ShaclResult]:
    return Engine(_shapes(entry)).validate(_store(entry.data), fallback=False).results


def test_w3c_skipped_entries_are_the_expected_ones():
    skipped = []
    for entry in W3C_ENTRIES:
        try:
            _run_w3c(entry)
        except Unsupported:
            skipped.append(entry.id)
    assert skipped == SKIPPED_W3C
    assert len(W3C_ENTRIES) >= 98


@pytest.mark.parametrize("entry", [e for e in W3C_ENTRIES if e.id not in SKIPPED_W3C], ids=lambda e: e.id)
def test_w3c_core_entry(entry):
    results = _run_w3c(entry)
    conforms, expected = _expected(entry)
    actual = (not results, _actual(entry, results))
    if entry.id in PYSHACL_DEVIATIONS:
        assert actual != (conforms, expected)
        model = ShapeModel(_shapes(entry))
        reference = pyshacl_results(_store(entry.data), model.sg, model, [s.node for s in model.roots()])
        assert actual == (not reference, _actual(entry, reference))
    else:
        assert actual == (conforms, expected)


def test_w3c_deviations_are_w3c_entries():
    assert PYSHACL_DEVIATIONS <= {e.id for e in W3C_ENTRIES}


@pytest.mark.parametrize("entry", [e for e in W3C_ENTRIES if e.id not in SKIPPED_W3C], ids=lambda e: e.id)
def test_w3c_core_entry_messages_match_pyshacl(entry):
    """Where shapes carry no sh:message, the messages are pyshacl's own texts too."""
    sg = _shapes(entry)
    ours = Engine(sg).validate(_store(entry.data), fallback=False).results
    model = ShapeModel(sg)
    theirs = pyshacl_results(_store(entry.data), sg, model, [s.node for s in model.roots()])

    def keys(results):
        found = set()
        for r in results:
            messages = r.messages
            if r.component == SH + "InConstraintComponent":  # pyshacl prints sh:in's set in hash order
                messages = tuple(re.sub(r"\[.*\]", "[...]", m) for m in messages)
            value = to_rdflib(r.value).n3() if r.value is not None else ""  # as rdflib normalises it
            found.add((str(r.focus), r.path.text if r.path else "", value, r.component, r.shape_name, messages))
        return found

    assert keys(ours) == keys(theirs)


# ---------------------------------------------------------------------------------------------
# Random shapes on random data: both engines agree (a differential test over many combinations)
# ---------------------------------------------------------------------------------------------

LITERALS = ['1', '5', '-3', '"1.5"^^xsd:decimal', '"abc"', '"abc"@en', '"Abc"@EN', '"hi"@en-US', '"x"@de',
            '"2020-01-05"^^xsd:date', '"2021"^^xsd:gYear', 'true', '"abc"^^xsd:integer', '"2020-02-30"^^xsd:date',
            '"1e3"^^xsd:double', '""', '"zzzzzzzzzz"', '"http://x"^^xsd:anyURI']


def _random_data(rng) -> str:
    nodes = [f"ex:n{i}" for i in range(8)]
    lines = ["ex:C1 rdfs:subClassOf ex:C0 .", "ex:C2 rdfs:subClassOf ex:C1 ."]
    for n in nodes:
        if rng.random() < 0.7:
            lines.append(f"{n} a ex:C{rng.randint(0, 2)} .")
        lines += [f"{n} ex:p{rng.randint(0, 3)} {rng.choice([*nodes, *LITERALS, '[ ex:p0 ex:n1 ]'])} ."
                  for _ in range(rng.randint(0, 4))]
    return "\n".join(lines)


def _random_path(rng, depth=0) -> str:
    p = f"ex:p{rng.randint(0, 3)}"
    if depth > 1 or rng.random() < 0.5:
        return p

    def inner() -> str:
        return _random_path(rng, depth + 1)

    return rng.choice([f"[ sh:inversePath {inner()} ]", f"( {inner()} {inner()} )",
                       f"[ sh:alternativePath ( {inner()} {inner()} ) ]", f"[ sh:zeroOrMorePath {p} ]",
                       f"[ sh:oneOrMorePath {p} ]", f"[ sh:zeroOrOnePath {p} ]"])


def _random_shape(rng, depth=0) -> str:
    on_path = rng.random() < 0.6
    parts = [f"sh:path {_random_path(rng)}"] if on_path else []
    for _ in range(rng.randint(1, 3)):
        def nested() -> str:
            return _random_shape(rng, depth + 1)

        choices = [
            f"sh:class ex:C{rng.randint(0, 2)}",
            "sh:datatype " + rng.choice(["xsd:integer", "xsd:string", "rdf:langString", "xsd:date", "xsd:decimal",
                                         "xsd:gYear", "rdfs:Literal", "xsd:boolean", "xsd:anyURI"]),
            "sh:nodeKind sh:" + rng.choice(["IRI", "Literal", "BlankNode", "BlankNodeOrIRI", "IRIOrLiteral"]),
            "sh:in ( " + " ".join(rng.sample(["ex:n1", "ex:n2", "1", '"abc"', '"abc"@en', "5"], 3)) + " )",
            "sh:languageIn ( " + " ".join(rng.sample(['"en"', '"de"', '"EN-us"', '"*"', '"fr"'], 2)) + " )",
            rng.choice(['sh:pattern "^a"', 'sh:pattern "B" ; sh:flags "i"', 'sh:pattern "\\\\d$"']),
            f"sh:minLength {rng.randint(0, 5)}", f"sh:maxLength {rng.randint(0, 20)}",
            f"sh:{rng.choice(['minInclusive', 'minExclusive', 'maxInclusive', 'maxExclusive'])} "
            + rng.choice(["1", "3", '"1.5"^^xsd:decimal', '"2020-06-01"^^xsd:date', '"b"', '"2021"^^xsd:gYear']),
        ]
        if depth < 2:
            choices += [f"sh:node {nested()}", f"sh:not {nested()}",
                        f"sh:{rng.choice(['and', 'or', 'xone'])} ( {nested()} {nested()} )"]
        if on_path:
            choices += [f"sh:{rng.choice(['minCount', 'maxCount'])} {rng.randint(0, 3)}", "sh:uniqueLang true",
                        "sh:hasValue " + rng.choice(["ex:n1", "1", '"abc"']),
                        f"sh:{rng.choice(['equals', 'disjoint', 'lessThan', 'lessThanOrEquals'])} ex:p{rng.randint(0, 3)}",
                        f"sh:qualifiedValueShape [ sh:class ex:C{rng.randint(0, 2)} ] ; "
                        f"sh:qualified{rng.choice(['Min', 'Max'])}Count {rng.randint(0, 2)}"]
        elif depth == 0:
            choices += ["sh:equals ex:p1", "sh:disjoint ex:p2", "sh:closed true ; sh:ignoredProperties ( rdf:type )"]
        parts.append(rng.choice(choices))
    if depth == 0 and rng.random() < 0.3:
        parts.append(f"sh:property [ sh:path {_random_path(rng)} ; sh:class ex:C{rng.randint(0, 2)} ]")
    return "[ " + " ; ".join(parts) + " ]"


def _random_shapes(rng) -> str:
    shapes = []
    for i in range(rng.randint(1, 3)):
        target = rng.choice(["sh:targetClass ex:C0", "sh:targetClass ex:C1", 'sh:targetNode ex:n1, 5, "abc"',
                             "sh:targetSubjectsOf ex:p1", "sh:targetObjectsOf ex:p0"])
        severity = rng.choice(["", " ; sh:severity sh:Warning"])
        shapes.append(f"ex:S{i} {target} ; {_random_shape(rng)[2:-2]}{severity} .")
    return "\n".join(shapes)


@pytest.mark.parametrize("seed", range(120))
def test_random_shapes_on_random_data_agree_with_pyshacl(seed):
    import random

    rng = random.Random(seed)
    more = ("@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n"
            "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n")
    data, shapes = PREFIXES + more + _random_data(rng), _random_shapes(rng)
    store = ox.Store()
    store.load(data.encode(), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("http://example.org/graph"))
    engine = Engine(_shapes_graph(more + shapes))
    try:
        reference = _pyshacl(engine, store)
    except InputError as refusal:
        if "to compare a BlankNode" in str(refusal):
            # pyshacl stops where sh:lessThan meets a blank node; the engine reports a violation.
            assert any(r.component.endswith(("#LessThanConstraintComponent", "#LessThanOrEqualsConstraintComponent"))
                       for r in engine.validate(store).results)
            return
        with pytest.raises(InputError):  # pyshacl refuses these shapes: so does the engine
            engine.validate(store)
        return
    ours = engine.validate(store).results
    # Messages aside: pyshacl prints some parameter sets in hash order (the W3C test compares them).
    assert {k[:-1] for k in _keys(ours)} == {k[:-1] for k in _keys(reference)}, shapes
