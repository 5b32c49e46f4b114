"""Validation: the real KG conforms; every shape and every violation query can fail."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, nonempty, run_cli

import sezkg
from sezkg.kg.resources import KGFiles
from sezkg.questions.catalogue import catalogue, run_select
from sezkg.questions.validate import run_shacl

SHAPE_FIXTURES = nonempty(sorted((FIXTURES / "shapes").glob("*.trig")))
FIXTURE_VOCABULARY = "https://w3id.org/sezkg/fixture-vocabulary"
VIOLATION_QUERIES = nonempty(sorted(q for q in catalogue() if q.endswith("-violation")))


def _expected_message(path: Path) -> str | None:
    match = re.search(r"^# expect: (.+)$", path.read_text(encoding="utf-8"), re.M)
    return match.group(1) if match else None


def test_real_kg_conforms(kg, kg_files):
    report = sezkg.validate(kg, kg_files)
    assert report.violations == []
    assert report.shapes_checked >= 10
    assert report.queries_checked == len(VIOLATION_QUERIES)


def test_every_shape_constraint_has_a_message(kg_files):
    """Every property shape and every node shape with a constraint carries an sh:message."""
    from rdflib import Graph
    from rdflib.namespace import SH

    shapes = Graph().parse(kg_files.shapes)
    constraint_keys = {SH.minCount, SH.maxCount, SH.datatype, SH["class"], SH.node, SH.hasValue, SH["not"],
                       SH["or"], SH.xone, SH.nodeKind, SH.minExclusive, SH.minInclusive, SH.maxInclusive,
                       SH.lessThan, SH.lessThanOrEquals, SH.languageIn, SH.uniqueLang}
    constrained = {s for s, p, _ in shapes if p in constraint_keys}
    # A SPARQL constraint carries its message on the constraint node itself.
    constrained |= set(shapes.objects(None, SH.sparql))
    # Shapes nested in sh:or lists and sh:not targets are parts of a constraint with a message higher up.
    nested = {o for s, p, o in shapes if p == SH["not"]}
    for combinator in (SH["or"], SH.xone):
        for lst in shapes.objects(None, combinator):
            nested.update(shapes.items(lst))
    missing = [s for s in constrained - nested if (s, SH.message, None) not in shapes]
    assert missing == []


def _load_fixture(path: Path, kg_files, tmp_path: Path):
    """Load a fixture; a `.ttl` beside it holds its vocabulary (concepts, terms), which the
    loader accepts only in ontology files, so it joins a copy of the ontology folder."""
    vocabulary = path.with_suffix(".ttl")
    if not vocabulary.exists():
        return sezkg.load(data=[path]), path
    ontology = tmp_path / "ontology"
    shutil.copytree(kg_files.ontology, ontology)
    shutil.copy(vocabulary, ontology / vocabulary.name)
    files = KGFiles(ontology=ontology, data=kg_files.data, queries=kg_files.queries)
    return sezkg.load(files, data=[path]), ontology / vocabulary.name


@pytest.mark.parametrize("path", SHAPE_FIXTURES, ids=lambda p: p.stem)
def test_shape_fixture(path, kg_files, tmp_path):
    kg, stated_in = _load_fixture(path, kg_files, tmp_path)
    violations, _ = run_shacl(kg, kg_files.shapes)
    expected = _expected_message(path)
    if expected is None:
        assert violations == [], [v.message for v in violations]
        # A valid fixture passes everything, the violation queries included (but for the graph
        # of its own vocabulary file, which is not a source graph).
        report = sezkg.validate(kg, kg_files)
        assert [v for v in report.violations if v.focus != FIXTURE_VOCABULARY] == []
    else:
        assert {v.message for v in violations} == {expected}
        assert all(v.files == (str(stated_in),) for v in violations)


def test_every_shape_has_a_valid_and_an_invalid_fixture():
    names = {p.stem for p in SHAPE_FIXTURES}
    kinds = {n.split("-", 1)[0] for n in names}
    for kind in kinds:
        assert f"{kind}-valid" in names or any(n.startswith(kind) and n.endswith("-valid") for n in names), kind
        assert any(n.startswith(kind) and _expected_message(FIXTURES / "shapes" / f"{n}.trig") for n in names), kind


@pytest.mark.parametrize("name", VIOLATION_QUERIES)
def test_violation_query_is_clean_on_real_data(name, kg):
    assert run_select(kg, catalogue()[name]) == []


@pytest.mark.parametrize("name", VIOLATION_QUERIES)
def test_violation_query_can_fail(name, kg_files, tmp_path):
    fixture = FIXTURES / "violations" / f"{name}.trig"
    assert fixture.exists(), f"every violation query needs a fixture that makes it fail: {fixture}"
    focus = re.search(r"^# expect-focus: (\S+)$", fixture.read_text(), re.M).group(1)
    rows = run_select(_load_fixture(fixture, kg_files, tmp_path)[0], catalogue()[name])
    assert {row["focus"].value for row in rows} == {focus}
    assert all(row["message"].value for row in rows)


def test_cli_validate_exit_codes(tmp_path):
    clean = run_cli("validate", check=0)
    assert b"conforms" in clean.stdout
    bad = FIXTURES / "shapes" / "zone-negative-area.trig"
    failed = run_cli("validate", "--data", str(bad), check=1)
    text = failed.stdout.decode()
    assert "Fixture SEZ <https://w3id.org/sezkg/id/zone/fixture>" in text
    assert _expected_message(bad) in text
    assert str(bad) in text
    as_json = json.loads(run_cli("validate", "--format", "json", "--data", str(bad), check=1).stdout)
    assert as_json["conforms"] is False
    assert [v["value"] for v in as_json["violations"]] == ["-3"]


def test_recursive_shape_is_an_error_not_a_pass():
    from sezkg.errors import InputError

    kg = sezkg.load(data=[FIXTURES / "recursion" / "cycle.trig"])
    with pytest.raises(InputError) as info:
        run_shacl(kg, FIXTURES / "recursion" / "recursive-shapes.ttl")
    assert "recursive SHACL shape" in str(info.value)
    assert info.value.path.name == "recursive-shapes.ttl"
