"""CONTRIBUTING.md's three recipes, each followed once in a temporary copy of the repository.

Each test makes the change the recipe describes in the copy (never in this checkout), runs the
copy's own `sezkg` (PYTHONPATH points at the copy's src/, so its code reads its own data/ and
queries/), and checks the answers the recipe promises. The counts of files touched are the ones
CONTRIBUTING.md states."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import sezkg
from sezkg.kg.load import load
from sezkg.questions.catalogue import catalogue, run_select
from sezkg.questions.overlaps import find_overlaps
from sezkg.questions.validate import validate

ROOT = Path(__file__).resolve().parent.parent
ZONE = "https://w3id.org/sezkg/id/zone/"
SOURCE = "https://w3id.org/sezkg/source/"

PREFIXES = """\
@prefix sez: <https://w3id.org/sezkg/ontology#> .
@prefix zone: <https://w3id.org/sezkg/id/zone/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix orgid: <https://w3id.org/sezkg/id/org/> .
@prefix region: <https://w3id.org/sezkg/id/region/> .
@prefix src: <https://w3id.org/sezkg/source/> .
@prefix zonetype: <https://w3id.org/sezkg/scheme/zone-type/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema: <https://schema.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def copy_repository(to: Path) -> Path:
    """The parts of the repository the package reads (code, ontology, data, queries), copied."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for part in ("src", "ontology", "data", "queries"):
        shutil.copytree(ROOT / part, to / part, ignore=ignore)
    return to


def sezkg_in(copy: Path, *args: str, check: int = 0) -> str:
    """The copy's own `sezkg` command: its code, its data, its queries."""
    env = {**os.environ, "PYTHONPATH": str(copy / "src"), "PYTHONDONTWRITEBYTECODE": "1"}
    proc = subprocess.run([sys.executable, "-m", "sezkg", *args], capture_output=True, cwd=copy, env=env,
                          timeout=600)
    assert proc.returncode == check, (args, proc.returncode, proc.stdout[-2000:], proc.stderr[-2000:])
    return proc.stdout.decode("utf-8")


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    return copy_repository(tmp_path / "repo")


def _zone_csv(out: str) -> dict[str, dict[str, str]]:
    import csv
    import io

    return {row["zone"]: row for row in csv.DictReader(io.StringIO(out))}


def test_the_copy_runs_its_own_code(copy: Path) -> None:
    """Guard for the harness: a change in the copy's code shows up in what the copy's sezkg says."""
    version = copy / "src" / "sezkg" / "__init__.py"
    version.write_text(re.sub(r'__version__ = "[^"]*"', '__version__ = "0.0.0-copy"', version.read_text()))
    assert sezkg_in(copy, "--version").strip() == "sezkg 0.0.0-copy"


# ---------------------------------------------------------------- recipe 1: add a zone (1 file)

NEW_ZONE = """
GRAPH src:gout-2025 {
    zone:contributing-test-zone a sez:SpecialEconomicZone ;
        rdfs:label "Contributing Test SEZ"@en ;
        sez:zoneType zonetype:industry ;
        sez:locatedIn region:astana ;
        sez:establishedYear "2024"^^xsd:gYear .
}
"""


def test_recipe_add_a_zone_in_process(tmp_path: Path) -> None:
    """The zone in an existing source's graph, loaded with the bundled data: it validates and is
    a zone of the graph with the facts given."""
    extra = tmp_path / "zone.trig"
    extra.write_text(PREFIXES + NEW_ZONE, encoding="utf-8")
    kg = load(data=[ROOT / "data", extra])
    report = validate(kg)
    assert report.conforms, [v.message for v in report.violations][:5]
    iri = ZONE + "contributing-test-zone"
    assert kg.ask(f"ASK {{ GRAPH <{SOURCE}gout-2025> {{ <{iri}> a <https://w3id.org/sezkg/ontology#SpecialEconomicZone> }} }}")
    rows = run_select(kg, catalogue()["zones-in-force"])
    labels = {r["zone"].value: r["label"].value for r in rows if "label" in r}
    assert labels[iri] == "Contributing Test SEZ"


def test_recipe_add_a_zone(copy: Path) -> None:
    """One file edited (the data file holding the source's graph); validate and zones --all see it."""
    before = _zone_csv(sezkg_in(copy, "zones", "--all", "--format", "csv"))
    zones_file = copy / "data" / "zones.trig"
    zones_file.write_text(zones_file.read_text(encoding="utf-8") + NEW_ZONE, encoding="utf-8")
    assert "the knowledge graph conforms" in sezkg_in(copy, "validate")
    after = _zone_csv(sezkg_in(copy, "zones", "--all", "--format", "csv"))
    assert set(after) - set(before) == {ZONE + "contributing-test-zone"}
    row = after[ZONE + "contributing-test-zone"]
    assert row["zone_label"] == "Contributing Test SEZ"
    assert row["from"] == "2024-01-01"  # a bare year starts on 1 January
    # In force today: started in 2024, and no source gives its end.
    in_force = _zone_csv(sezkg_in(copy, "zones", "--format", "csv"))
    assert in_force[ZONE + "contributing-test-zone"]["status"] == "no end on record"


def test_a_zone_without_a_label_fails_validation(copy: Path) -> None:
    """The recipe's one required fact is checked: leave the label out and validate exits 1."""
    zones_file = copy / "data" / "zones.trig"
    unlabelled = NEW_ZONE.replace('        rdfs:label "Contributing Test SEZ"@en ;\n', "")
    zones_file.write_text(zones_file.read_text(encoding="utf-8") + unlabelled, encoding="utf-8")
    out = sezkg_in(copy, "validate", check=1)
    assert "contributing-test-zone" in out


# ---------------------------------------------------------------- recipe 2: add a source (1 file)

NEW_SOURCE = """
GRAPH src:contributing-test-2024 {
    src:contributing-test-2024 a sez:Source ;
        rdfs:label "Contributing Test Agency (2024), a test source"@en ;
        dcterms:title "A test source"@en ;
        dcterms:publisher orgid:contributing-test-agency ;
        dcterms:issued "2024-05-01"^^xsd:date ;
        schema:url <https://example.org/contributing-test> .
    orgid:contributing-test-agency a org:Organization ;
        rdfs:label "Contributing Test Agency"@en .

    zone:saryarka sez:areaHectares "999"^^xsd:decimal .
}
"""


def test_recipe_add_a_source(copy: Path) -> None:
    """One new data file with the source's graph, which describes the source: `sezkg graphs` lists
    it with its file, validate passes, and the source's fact is attributed to it."""
    new_file = copy / "data" / "contributing.trig"
    new_file.write_text(PREFIXES + NEW_SOURCE, encoding="utf-8")
    graphs = {line.split("\t")[0]: line.split("\t") for line in sezkg_in(copy, "graphs").splitlines()}
    name, count, files = graphs[SOURCE + "contributing-test-2024"]
    assert int(count) == 9 and files == "data/contributing.trig"  # 6 about the source, 2 its publisher, 1 fact
    sezkg_in(copy, "validate")
    rows = json.loads(sezkg_in(copy, "query", "who-says-so", "--param", "subject=saryarka", "--format", "json"))
    said = {(r["value"], r["source"]) for r in rows if r["property"].endswith("#areaHectares")}
    assert ("999", SOURCE + "contributing-test-2024") in said, said


def test_a_source_graph_that_does_not_describe_its_source_fails(copy: Path) -> None:
    new_file = copy / "data" / "contributing.trig"
    undescribed = re.sub(r"    src:contributing-test-2024 a sez:Source ;.*?schema:url <[^>]+> \.\n", "", NEW_SOURCE,
                         flags=re.DOTALL)
    assert "a sez:Source" not in undescribed
    new_file.write_text(PREFIXES + undescribed, encoding="utf-8")
    out = sezkg_in(copy, "validate", check=1)
    assert "contributing-test-2024" in out and "not described as a sez:Source" in out


# ---------------------------------------------------------------- recipe 3: a query (1 file), a kind (2 files)

NEW_QUERY = """\
# title: Zones by region (contributing test)
# question: Which zones lie in region R?
# param: region iri - the region
PREFIX sez: <https://w3id.org/sezkg/ontology#>
SELECT DISTINCT ?zone WHERE {
  VALUES ?region { UNDEF }
  ?zone a sez:SpecialEconomicZone ; sez:locatedIn ?region .
}
ORDER BY ?zone
"""


def test_recipe_add_a_query(copy: Path, kg: sezkg.KnowledgeGraph) -> None:
    (copy / "queries" / "contributing-zones-by-region.rq").write_text(NEW_QUERY, encoding="utf-8")
    listed = sezkg_in(copy, "queries")
    assert "contributing-zones-by-region" in listed
    described = sezkg_in(copy, "queries", "contributing-zones-by-region")
    assert "Which zones lie in region R?" in described and "--param region=" in described
    out = sezkg_in(copy, "query", "contributing-zones-by-region", "--param", "region=astana", "--format", "csv",
                   "--iris")
    got = {line for line in out.splitlines()[1:] if line}
    expected = {r["zone"].value for r in kg.select(
        "SELECT DISTINCT ?zone WHERE { ?zone a <https://w3id.org/sezkg/ontology#SpecialEconomicZone> ; "
        "<https://w3id.org/sezkg/ontology#locatedIn> <https://w3id.org/sezkg/id/region/astana> }")}
    assert expected and got == expected


NEW_KIND_QUERY = """\
# title: Policy makers (contributing test)
# question: Which bodies hold a policy-making mandate, and in which source?
PREFIX sez: <https://w3id.org/sezkg/ontology#>
SELECT DISTINCT ?holder ?mandate ?source WHERE {
  GRAPH ?source {
    ?mandate a sez:Mandate ; sez:mandateHolder ?holder ;
             sez:governanceFunction <https://w3id.org/sezkg/scheme/governance-function/policy-making> .
  }
}
ORDER BY ?holder ?mandate ?source
"""

NEW_KIND = """
KINDS = KINDS + (
    OverlapKind(
        name="policy-maker",
        query="contributing-policy-makers",
        label="policy maker (test)",
        meaning="A body holds a policy-making mandate.",
        summary="{organisations} makes policy",
        instance=("holder",),
        organisations=("holder",),
        evidence=(EvidenceColumns("mandate", "mandate", "source"),),
        inferred=True,
        drawn=False,
    ),
)
BY_NAME = {k.name: k for k in KINDS}
"""


def test_recipe_add_an_overlap_kind(copy: Path, kg: sezkg.KnowledgeGraph) -> None:
    """One query file plus one declaration in kinds.py: `sezkg overlaps` reports the new kind,
    one overlap per policy-making holder, with the mandate as evidence."""
    (copy / "queries" / "contributing-policy-makers.rq").write_text(NEW_KIND_QUERY, encoding="utf-8")
    kinds = copy / "src" / "sezkg" / "questions" / "kinds.py"
    text = kinds.read_text(encoding="utf-8")
    # The declaration goes into KINDS; appending a redefinition is the same change, kept short here.
    assert "\nBY_NAME = {k.name: k for k in KINDS}\n" in text
    kinds.write_text(text.replace("\nBY_NAME = {k.name: k for k in KINDS}\n", NEW_KIND, 1), encoding="utf-8")
    report = json.loads(sezkg_in(copy, "overlaps", "--format", "json"))
    new = [o for o in report["overlaps"] if o["kind"] == "policy-maker"]
    holders = {r["holder"].value for r in kg.select(
        "SELECT DISTINCT ?holder WHERE { ?m a <https://w3id.org/sezkg/ontology#Mandate> ; "
        "<https://w3id.org/sezkg/ontology#mandateHolder> ?holder ; <https://w3id.org/sezkg/ontology#governanceFunction> "
        "<https://w3id.org/sezkg/scheme/governance-function/policy-making> }")}
    assert holders, "the bundled data has policy-making mandates"
    assert {o["organisations"][0]["iri"] for o in new} == holders
    assert all(o["tier"] == "inferred from mandates, not documented" for o in new)
    assert all(e["iri"].startswith("https://w3id.org/sezkg/id/mandate/") for o in new for e in o["evidence"])
    # The other kinds are untouched.
    others = [(o["kind"], o["summary"]) for o in report["overlaps"] if o["kind"] != "policy-maker"]
    assert others == [(o.kind, o.summary) for o in find_overlaps(kg).overlaps]
    # And the catalogue lists the new query.
    assert "contributing-policy-makers" in sezkg_in(copy, "queries")
