"""Guards for mutations that once survived the whole suite (issue #15, bench/mutations.py).

`validate()` must report what the violation queries find, not only run them: each fixture in
tests/fixtures/violations/ makes its gate fire, and validate() (and `sezkg validate`, exit 1)
must report that row with the gate, the focus node and the gate's message."""

from __future__ import annotations

import re

import pytest
from conftest import FIXTURES, run_cli
from test_validate import VIOLATION_QUERIES, _load_fixture

import sezkg


def _expected_focus(name: str) -> str:
    fixture = FIXTURES / "violations" / f"{name}.trig"
    found = re.search(r"^# expect-focus: (\S+)$", fixture.read_text(encoding="utf-8"), re.M)
    assert found, f"{fixture} names no expect-focus"
    return found.group(1)


@pytest.mark.parametrize("name", VIOLATION_QUERIES)
def test_validate_reports_every_violation_query_row(name, kg_files, tmp_path):
    kg, _ = _load_fixture(FIXTURES / "violations" / f"{name}.trig", kg_files, tmp_path)
    report = sezkg.validate(kg, kg_files)
    assert not report.conforms
    from_gate = [v for v in report.violations if v.check == f"queries/{name}.rq"]
    assert {v.focus for v in from_gate} == {_expected_focus(name)}
    assert all(v.message and v.message != name for v in from_gate)


@pytest.mark.parametrize("name", [n for n in VIOLATION_QUERIES
                                  if not (FIXTURES / "violations" / f"{n}.ttl").exists()])
def test_cli_validate_fails_on_every_violation_fixture(name):
    fixture = FIXTURES / "violations" / f"{name}.trig"
    out = run_cli("validate", "--data", str(fixture), check=1).stdout.decode()
    assert f"queries/{name}.rq" in out
    assert _expected_focus(name) in out


def test_names_ignore_punctuation_dashes_and_case():
    """Names match whatever the dashes, spaces and case: "Astana – New City" is "astana-new city"."""
    from sezkg.questions.names import normalise

    assert normalise("Astana – New City SEZ") == normalise("astana-new city sez") == "astananewcitysez"
    assert normalise("«Kazakh Invest»") == normalise("Kazakh Invest")


def test_self_oversight_pairs_an_ownership_function_with_an_oversight_function(kg):
    """Each row's functions fall under the scheme's ownership and oversight collections, which the
    query names: dropping either condition would call every mandate oversight."""
    from sezkg.questions.catalogue import catalogue, run_select

    rows = run_select(kg, catalogue()["self-oversight"])
    assert rows
    scheme = "https://w3id.org/sezkg/scheme/"
    under = ("ASK {{ <{f}> <http://www.w3.org/2004/02/skos/core#broader>* ?root . "
             "<{c}> <http://www.w3.org/2004/02/skos/core#member> ?root }}")
    for row in rows:
        assert kg.ask(under.format(f=row["oversightFunction"].value, c=scheme + "oversight-functions")), row
        assert kg.ask(under.format(f=row["ownershipFunction"].value, c=scheme + "ownership-functions")), row


def test_jsonld_lists_every_value_in_a_stable_order(kg):
    """Exports are deterministic: in JSON-LD each property's values come sorted (several do)."""
    import json

    from sezkg.publish.jsonld import to_jsonld

    document = json.loads(to_jsonld(kg.sorted_quads()))
    several = 0
    for graph in document["@graph"]:
        for node in graph.get("@graph", []):
            for key, values in node.items():
                if isinstance(values, list) and len(values) > 1:
                    several += 1
                    assert values == sorted(values, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False)), key
    assert several > 100
