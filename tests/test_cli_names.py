"""The CLI as an analyst uses it: names instead of IRIs, labelled and fitted tables, a catalogue
that explains itself, zones in force on a date, the completeness table."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

from conftest import run_cli


def test_a_zone_by_its_slug_prefixed_name_or_label():
    outputs = [run_cli("query", "zone-governors", "--param", f"zone={z}", "--format", "csv", check=0).stdout
               for z in ("saryarka", "zone:saryarka", "Saryarka SEZ", "SARYARKA")]
    assert len(set(outputs)) == 1 and outputs[0].count(b"\n") > 5


def test_unknown_ambiguous_and_absent_names_exit_2_with_help():
    proc = run_cli("query", "zone-governors", "--param", "zone=Sarirka", check=2)
    assert b"closest: Saryarka SEZ" in proc.stderr
    proc = run_cli("overlaps", "--zone", "https://w3id.org/sezkg/id/zone/nope", check=2)
    assert b"names nothing in the knowledge graph" in proc.stderr
    proc = run_cli("query", "function-holders", "--param", "zone=Almaty", check=2)
    assert b"names no zone" in proc.stderr and b"Almaty city" in proc.stderr


def test_overlaps_for_a_zone_given_by_name():
    proc = run_cli("overlaps", "--zone", "Astana New City", "--format", "json", check=0)
    report = json.loads(proc.stdout)
    assert report["zone"] == "https://w3id.org/sezkg/id/zone/astana-new-city"
    assert any(o["kind"] == "exception" for o in report["overlaps"])


def test_tables_show_labels_and_fit_the_terminal():
    for columns in ("100", "200"):
        proc = subprocess.run([sys.executable, "-m", "sezkg", "query", "zones", "--param", "region=karaganda-region"],
                              capture_output=True, env={**os.environ, "COLUMNS": columns}, timeout=120)
        lines = proc.stdout.decode().splitlines()
        assert max(len(line) for line in lines) <= int(columns)
    assert "Saryarka SEZ (zone:saryarka)" in proc.stdout.decode()


def test_csv_has_label_columns_and_iris_keeps_identifiers():
    labelled = list(csv.DictReader(io.StringIO(run_cli("query", "zones", "--format", "csv", check=0).stdout.decode())))
    assert labelled and "zone_label" in labelled[0]
    raw = list(csv.DictReader(io.StringIO(run_cli("query", "zones", "--format", "csv", "--iris", check=0).stdout.decode())))
    assert "zone_label" not in raw[0] and raw[0]["zone"].startswith("https://")


def test_numbers_have_thousands_separators_in_tables():
    import os
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "sezkg", "query", "incentives", "--param", "tier=Incentive tier C"],
                          capture_output=True, env={**os.environ, "COLUMNS": "250"}, timeout=120)
    assert "14,500,000" in proc.stdout.decode(), proc.stderr


def test_the_catalogue_explains_itself():
    out = run_cli("queries", "function-holders", check=0).stdout.decode()
    assert "--param date=<YYYY[-MM[-DD]]>" in out and "example: sezkg query function-holders" in out
    assert b"incentives" in run_cli("queries", "investor", check=0).stdout


def test_zones_in_force_on_a_date():
    out = run_cli("zones", "--as-of", "2026-02-10", "--format", "csv", check=0).stdout.decode()
    rows = list(csv.DictReader(io.StringIO(out)))
    zones = {r["zone"].rsplit("/", 1)[-1]: r for r in rows}
    assert {"saryarka", "khorgos-eastern-gate-2025", "seaport-aktau"} <= set(zones)
    assert "kyzylorda" not in zones  # its term ended in 2007
    assert zones["khorgos-eastern-gate-2025"]["status"] == "re-established"
    assert all(r["sources"] for r in rows), "every row is traceable to a dated source"
    old = list(csv.DictReader(io.StringIO(run_cli("zones", "--as-of", "2000", "--format", "csv", check=0).stdout.decode())))
    assert "kyzylorda" in {r["zone"].rsplit("/", 1)[-1] for r in old}


def test_completeness_table_shows_gaps(tmp_path):
    out = tmp_path / "completeness.csv"
    run_cli("completeness", "--format", "csv", "--output", str(out), check=0)
    rows = {r["zone"].rsplit("/", 1)[-1]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert rows["saryarka"]["manager"] == "2" and rows["pavlodar"]["manager"] == "0"  # the brief and spk-saryarka.kz
    assert rows["astana-technopolis"]["area"] >= "3"


def test_your_own_read_only_query_file(tmp_path):
    own = tmp_path / "mine.rq"
    own.write_text("""# param: zone iri - the zone
PREFIX sez: <https://w3id.org/sezkg/ontology#>
SELECT DISTINCT ?act WHERE { VALUES ?zone { UNDEF } ?zone sez:foundingAct ?act } ORDER BY ?act
""")
    out = run_cli("query", str(own), "--param", "zone=Pavlodar", "--format", "csv", "--iris", check=0).stdout.decode()
    assert out.splitlines()[0] == "act" and "https://w3id.org/sezkg/id/act/" in out
    refused = {
        "update.rq": ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "INSERT"),
        "service.rq": ("SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "SERVICE"),
        "from.rq": ("SELECT * FROM <urn:g> { ?s ?p ?o }", "FROM"),
        "load.rq": ("LOAD <http://127.0.0.1:9/x>", "LOAD"),
    }
    for name, (text, word) in refused.items():
        (tmp_path / name).write_text(text)
        err = run_cli("query", str(tmp_path / name), check=2).stderr.decode()
        assert err.startswith(f"sezkg: error: {tmp_path / name}: ") and word in err and err.count("\n") == 1, err
    (tmp_path / "broken.rq").write_text("SELECT * { ?s ?p ")
    err = run_cli("query", str(tmp_path / "broken.rq"), check=2).stderr.decode()
    assert "SPARQL syntax error" in err and err.count("\n") == 1


def test_lists_of_sources_in_tables_are_short_identifiers():
    out = subprocess.run([sys.executable, "-m", "sezkg", "query", "office-holders", "--param", "organisation=mid",
                          "--param", "date=2024"], capture_output=True, env={**os.environ, "COLUMNS": "400"},
                         timeout=120).stdout.decode()
    assert "src:orda-kz-sharlapaev" in out and "https://w3id.org/sezkg/source/" not in out
    csv_out = run_cli("query", "office-holders", "--param", "organisation=mid", "--param", "date=2024",
                      "--format", "csv", check=0).stdout.decode()
    assert "https://w3id.org/sezkg/source/orda-kz-sharlapaev" in csv_out  # scripts keep full IRIs


def test_a_zones_profile_by_name_holds_every_section_with_sources():
    proc = run_cli("query", "zone-profile", "--param", "zone=Saryarka", "--format", "csv", check=0)
    rows = list(csv.DictReader(io.StringIO(proc.stdout.decode("utf-8"))))
    assert {r["zone"] for r in rows} == {"https://w3id.org/sezkg/id/zone/saryarka"}
    sections = {r["section"] for r in rows}
    assert {"1 fact", "3 governor (national)", "4 finding", "5 figure"} <= sections
    areas = {(r["value"], r["source"].rsplit("/", 1)[-1]) for r in rows if r["item"].endswith("#areaHectares")}
    assert ("595", "gout-2025") in areas and len(areas) == 2  # two sources, two areas, both kept
    findings = {r["item"].rsplit("/", 1)[-1] for r in rows if r["section"] == "4 finding"}
    assert "one-window-not-fully-delivered" in findings
    assert all(r["source"].startswith("https://w3id.org/sezkg/source/") for r in rows)


def test_figures_on_a_topic():
    proc = run_cli("query", "figures-by-topic", "--param", "topic=EXPORT", "--format", "csv", "--iris", check=0)
    rows = list(csv.DictReader(io.StringIO(proc.stdout.decode("utf-8"))))
    measures = {r["measure"].rsplit("/", 1)[-1] for r in rows}
    assert "export-share-of-production" in measures and "employment" not in measures
    proc = run_cli("query", "figures-by-topic", "--param", "topic=no such topic anywhere", "--format", "csv", check=0)
    assert proc.stdout.decode("utf-8").count("\n") == 1  # the header alone
    # A measure's Russian name finds its figures as its English one does.
    by_word = {}
    for word in ("employment", "Занятость"):
        proc = run_cli("query", "figures-by-topic", "--param", f"topic={word}", "--format", "csv", "--iris", check=0)
        by_word[word] = sorted(r["observation"] for r in csv.DictReader(io.StringIO(proc.stdout.decode("utf-8")))
                               if r["measure"].endswith("/employment"))
    assert by_word["employment"] and by_word["Занятость"] == by_word["employment"]


def test_readme_examples_with_russian_names_match_the_english():
    english = run_cli("overlaps", "--zone", "Astana New City", "--format", "json", check=0).stdout
    russian = run_cli("overlaps", "--zone", "Астана – новый город", "--format", "json", check=0).stdout
    assert json.loads(english)["zone"] == json.loads(russian)["zone"] == "https://w3id.org/sezkg/id/zone/astana-new-city"
    by_name = run_cli("query", "zone-governors", "--param", "zone=СЭЗ Сарыарка", "--param", "date=2024",
                      "--format", "csv", check=0).stdout
    by_slug = run_cli("query", "zone-governors", "--param", "zone=saryarka", "--param", "date=2024",
                      "--format", "csv", check=0).stdout
    assert by_name == by_slug and by_name.count(b"\n") > 5
