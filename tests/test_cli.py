"""Every entry point runs: the console script, `python -m sezkg`, and the main job."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, run_cli

from sezkg.kg.beside import can_fork


def test_console_script_is_installed():
    exe = shutil.which("sezkg", path=str(Path(sys.executable).parent)) or shutil.which("sezkg")
    assert exe, "the sezkg console script is not on PATH"
    proc = subprocess.run([exe, "--version"], capture_output=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout.startswith(b"sezkg ")


# What `sezkg --help`, `sezkg queries` and `sezkg query --help` must not import: the heavy
# libraries (each verb imports its own), the endpoint client, and the modules start-up was
# trimmed of (dataclasses brings inspect; typing). Timing is in bench/, this checks the cause.
NOT_AT_START_UP = ("rdflib", "pyshacl", "networkx", "matplotlib", "SPARQLWrapper", "http.client",
                   "dataclasses", "inspect", "typing", "sezkg.kg.load", "sezkg.cli.report")
_IMPORTED_BY = """
import json, sys
out, sys.argv = sys.argv[1], ["sezkg", *sys.argv[2:]]
from sezkg.cli import main
try:
    main()
except SystemExit:
    pass
with open(out, "w") as f:
    json.dump(sorted(sys.modules), f)
"""


def test_start_up_imports_only_what_the_verb_uses(tmp_path):
    listing = tmp_path / "modules.json"
    for argv in (["--help"], ["queries"], ["queries", "zone-governors"], ["query", "--help"]):
        proc = subprocess.run([sys.executable, "-c", _IMPORTED_BY, str(listing), *argv],
                              capture_output=True, timeout=60)
        assert proc.returncode == 0 and proc.stdout, (argv, proc.stderr.decode())
        modules = set(json.loads(listing.read_text()))
        assert "sezkg.cli" in modules, argv
        assert argv == ["--help"] or "sezkg.questions.catalogue" in modules or argv[0] == "query", argv
        heavy = {m for m in modules if m in NOT_AT_START_UP or m.split(".")[0] in NOT_AT_START_UP}
        assert not heavy, (argv, sorted(heavy))


def test_a_batch_verb_runs_without_full_collector_passes_and_serve_keeps_them(monkeypatch):
    import gc

    from sezkg import cli
    from sezkg.cli import queries, serve
    from sezkg.errors import SezkgError
    from sezkg.kg.collector import DEFERRED_FULL_PASSES

    before = gc.get_threshold()
    seen: list[tuple[int, int, int]] = []

    def record(_args):
        seen.append(gc.get_threshold())
        return 0

    def fail(_args):
        seen.append(gc.get_threshold())
        raise SezkgError("refused")

    monkeypatch.setattr(queries, "run", record)
    monkeypatch.setattr(serve, "run", record)
    assert cli.main(["queries"]) == 0
    assert seen[-1][:2] == before[:2] and seen[-1][2] >= DEFERRED_FULL_PASSES > before[2]
    assert gc.get_threshold() == before
    assert cli.main(["serve"]) == 0
    assert seen[-1] == before  # the server runs for days: Python's default
    monkeypatch.setattr(queries, "run", fail)
    assert cli.main(["queries"]) == 2
    assert seen[-1][2] >= DEFERRED_FULL_PASSES and gc.get_threshold() == before  # put back after an error


def test_usage_error_exits_2():
    assert run_cli("export", "--format", "nonsense").returncode == 2
    assert run_cli().returncode == 2


def test_graphs_lists_sources_with_files():
    out = run_cli("graphs", check=0).stdout.decode().splitlines()
    rows = {line.split("\t")[0]: line.split("\t") for line in out}
    assert rows["https://w3id.org/sezkg/source/gout-2025-box-1"][2].startswith("data/")
    assert int(rows["https://w3id.org/sezkg/ontology"][1]) > 100


def test_report_builds_and_replaces_its_folder(tmp_path):
    out = tmp_path / "report"
    proc = run_cli("report", "--out", str(out), check=0)
    stderr = proc.stderr.decode()
    steps = ("[1/5] load", "[2/5] overlaps", "[3/5] visualise", "[4/5] validate: conforms", "[5/5] export")
    assert [stderr.index(step) for step in steps] == sorted(stderr.index(step) for step in steps)
    assert "exports: N-Quads only" not in stderr  # ~8,200 quads, under the limit: every export
    assert proc.stdout.decode().strip() == f"report written to {out}; open {out / 'index.html'}"
    summary = json.loads((out / "summary.json").read_text())
    assert summary["conforms"] is True and summary["violations"] == 0
    for name in summary["exports"]:
        assert (out / name).stat().st_size > 1000
    first = (out / "export" / "sezkg.nq").read_bytes()
    (out / "stale.txt").write_text("from an earlier run")
    run_cli("report", "--out", str(out), check=0)
    assert not (out / "stale.txt").exists()
    assert (out / "export" / "sezkg.nq").read_bytes() == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]


def test_report_leaves_out_a_workbook_too_large_to_write_quickly(tmp_path, monkeypatch):
    """Above REPORT_WORKBOOK_ROWS rows in all, the report writes the CSVs and the data package but
    no sezkg.xlsx, and says so; the bundled data (~5,600 rows) is under it and gets the workbook."""
    from sezkg.views import report

    said: list[str] = []
    monkeypatch.setattr(report, "REPORT_WORKBOOK_ROWS", 100)
    report.build_report(tmp_path / "r", progress=said.append)
    tables = sorted(p.name for p in (tmp_path / "r" / "tables").iterdir())
    assert "sezkg.xlsx" not in tables and "statements.csv" in tables and "datapackage.json" in tables
    assert any("sezkg.xlsx left out" in line and "sezkg tables DIR" in line for line in said)
    assert "sezkg.xlsx" not in (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    monkeypatch.undo()
    report.build_report(tmp_path / "full")
    assert (tmp_path / "full" / "tables" / "sezkg.xlsx").stat().st_size > 10_000
    assert "sezkg.xlsx" in (tmp_path / "full" / "index.html").read_text(encoding="utf-8")


def test_report_above_the_size_writes_n_quads_only_and_names_the_command_for_the_rest(tmp_path, monkeypatch):
    """Above REPORT_EVERY_EXPORT_QUADS the report writes the KG as N-Quads only, leaves out the
    other copies of it (five formats, the entities, the statements table) and the overlap
    network's GraphML and GEXF, says so, and names on its front page a command for each; each
    command named writes what the full report holds. `--every-export` (every_export=True) writes
    them all at any size."""
    from sezkg.cli import main
    from sezkg.views import report

    full = tmp_path / "full"
    quads = report.build_report(full).quads  # ~8,200: under the limit, every file
    assert quads > 1000
    said: list[str] = []
    monkeypatch.setattr(report, "REPORT_EVERY_EXPORT_QUADS", 1000)
    small = tmp_path / "small"
    report.build_report(small, progress=said.append)
    assert sorted(p.name for p in (small / "export").iterdir()) == ["sezkg.nq"]
    assert (small / "export" / "sezkg.nq").read_bytes() == (full / "export" / "sezkg.nq").read_bytes()
    tables = {p.name for p in (small / "tables").iterdir()}
    assert tables == {p.name for p in (full / "tables").iterdir()} - {"statements.csv"}
    for name in tables & {p.name for p in (full / "tables").glob("*.csv")}:
        assert (small / "tables" / name).read_bytes() == (full / "tables" / name).read_bytes(), name
    package = json.loads((small / "tables" / "datapackage.json").read_text())
    whole = json.loads((full / "tables" / "datapackage.json").read_text())
    assert [r["name"] for r in package["resources"]] == [r["name"] for r in whole["resources"] if r["name"] != "statements"]
    assert len(package["resources"]) == 8
    summary = json.loads((small / "summary.json").read_text())
    assert summary["exports"] == ["export/sezkg.nq"]
    assert set(summary["left_out"]) == set(report.LEFT_OUT_COMMANDS) and len(summary["left_out"]) == 9
    assert not (small / "overlaps.graphml").exists() and not (small / "overlaps.gexf").exists()
    assert (small / "overlaps.json").read_bytes() == (full / "overlaps.json").read_bytes()
    assert any(f"exports: N-Quads only ({quads:,} quads, over 1,000)" in line for line in said)
    index = (small / "index.html").read_text(encoding="utf-8")
    assert 'href="export/sezkg.nq"' in index and 'href="export/sezkg.ttl"' not in index
    assert 'href="overlaps.gexf"' not in index and 'href="overlaps.gexf"' in (full / "index.html").read_text("utf-8")
    assert f"Not written at this size ({quads:,} statements, over 1,000)" in index
    assert "<code>sezkg report --every-export</code> writes them all" in index
    for left_out, command in report.LEFT_OUT_COMMANDS.items():
        assert f"{left_out}: <code>{command}</code>" in index
        argv = command.split()[1:]
        if argv[0] == "tables":
            assert main(["tables", str(tmp_path / "tables")]) == 0
            made = tmp_path / "tables" / Path(left_out).name
        elif argv[0] == "viz":  # one run writes both graph files
            viz = tmp_path / "viz"
            if not viz.exists():
                assert main(["viz", "--out", str(viz)]) == 0
            made = viz / left_out
        else:
            made = tmp_path / argv[-1]
            assert main([*argv[:-1], str(made)]) == 0
        assert made.read_bytes() == (full / left_out).read_bytes(), command
    assert main(["report", "--out", str(tmp_path / "every"), "--every-export"]) == 0
    assert sorted(p.name for p in (tmp_path / "every" / "export").iterdir()) == sorted(
        p.name for p in (full / "export").iterdir())
    assert (tmp_path / "every" / "overlaps.gexf").read_bytes() == (full / "overlaps.gexf").read_bytes()


def test_report_with_violations_exits_1_and_still_writes(tmp_path):
    out = tmp_path / "report"
    bad = FIXTURES / "shapes" / "zone-negative-area.trig"
    proc = run_cli("report", "--out", str(out), "--data", str(bad), check=1)
    assert b"A zone's area in hectares is a positive xsd:decimal" in proc.stderr
    assert json.loads((out / "summary.json").read_text())["violations"] == 1


def test_report_on_broken_input_keeps_the_old_report(tmp_path):
    out = tmp_path / "report"
    run_cli("report", "--out", str(out), check=0)
    before = (out / "summary.json").read_bytes()
    run_cli("report", "--out", str(out), "--data", str(FIXTURES / "broken" / "syntax-error.trig"), check=2)
    assert (out / "summary.json").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]


def test_viz_lists_every_page_it_writes(tmp_path):
    out = tmp_path / "viz"
    listed = run_cli("viz", "--out", str(out), check=0).stdout.decode().split()
    assert [Path(p).name for p in listed[:3]] == ["network.html", "matrix.html", "map.html"]
    assert all(Path(p).is_file() for p in listed)
    assert {p.name for p in out.glob("*.html")} == {Path(p).name for p in listed if p.endswith(".html")}


def test_a_day_not_on_the_calendar_exits_2_naming_it():
    """zones --as-of and a date parameter refuse 2021-02-30 and the like (the forms allow day 31 in
    any month); years and months are taken as before."""
    for args, option in ((("zones", "--as-of", "2021-02-30"), "--as-of"),
                         (("zones", "--as-of", "2025-06-31"), "--as-of"),
                         (("query", "zone-governors", "--param", "date=2019-09-31"), "parameter 'date'")):
        stderr = run_cli(*args, check=2).stderr.decode()
        assert stderr.startswith(f"sezkg: error: {option} takes a year, a month or a day; '{args[-1].split('=')[-1]}' is not one "
                                 "(not a date: "), stderr
        assert stderr.count("\n") == 1, stderr
    assert b"zones in force on 2015," in run_cli("zones", "--as-of", "2015", check=0).stdout
    assert b"zones in force on 2024-03" in run_cli("zones", "--as-of", "2024-03", check=0).stdout


def test_a_value_outside_a_parameters_list_exits_2_with_the_list():
    """conflicting-claims takes four kinds; `conflicts` gave `(0 rows)` instead of an error."""
    stderr = run_cli("query", "conflicting-claims", "--param", "kind=conflicts", check=2).stderr.decode()
    assert stderr == ("sezkg: error: parameter 'kind' takes one of conflict, change, agreement, correction; "
                      "'conflicts' is not one\n")
    assert b"--param kind=<conflict|change|agreement|correction>" in run_cli(
        "queries", "conflicting-claims", check=0).stdout


def _zones_of(*args: str) -> list[str]:
    out = run_cli("query", "zone-governors", *args, "--iris", "--format", "csv", check=0).stdout.decode()
    return [line.split(",", 1)[0] for line in out.splitlines()[1:]]


def test_a_repeated_parameter_answers_for_each_value():
    """--param zone=saryarka --param zone=pavlodar kept only Pavlodar; now the rows of both, each
    value resolved as a single one is (a name given twice counts once); a date takes one value."""
    saryarka, pavlodar = _zones_of("--param", "zone=saryarka"), _zones_of("--param", "zone=pavlodar")
    both = _zones_of("--param", "zone=saryarka", "--param", "zone=Pavlodar SEZ", "--param", "zone=zone:saryarka")
    assert saryarka and pavlodar and sorted(both) == sorted(saryarka + pavlodar)
    stderr = run_cli("query", "zone-governors", "--param", "zone=saryarka", "--param", "zone=nowhere-zone",
                     check=2).stderr.decode()
    assert stderr == "sezkg: error: parameter 'zone': no thing is named 'nowhere-zone'\n"
    stderr = run_cli("query", "zone-governors", "--param", "date=2019", "--param", "date=2024", check=2).stderr.decode()
    assert stderr.startswith("sezkg: error: parameter 'date' takes one value (a year, a month or a day), not several (2019, 2024)")
    assert b"answers for each value" in b" ".join(run_cli("query", "--help", check=0).stdout.split())


def test_an_empty_option_exits_2_instead_of_dropping_its_filter():
    """`--zone ""`, `--graph ""` and `--as-of ""` were tested for truth and ran unfiltered; an
    empty path was the working folder (`--data ""` loaded it), an empty --host every interface."""
    cases = [(("overlaps", "--zone", ""), "--zone is empty; give a value, or leave the option out"),
             (("export", "--format", "turtle", "--graph", ""), "--graph is empty; give a value, or leave the option out"),
             (("zones", "--as-of", ""), "--as-of is empty; give a value, or leave the option out"),
             (("zones", "--endpoint", ""), "--endpoint is empty; give a value, or leave the option out"),
             (("push", "--endpoint", "http://127.0.0.1:9/query", "--update", ""),
              "--update is empty; give a value, or leave the option out"),
             (("serve", "--backends", "0", "--host", ""), "--host is empty; give a value, or leave the option out"),
             (("queries", ""), "the query name or word is empty; give a value, or leave it out to list every query"),
             (("graphs", "--data", ""), "--data is empty; give a path"),
             (("export", "--format", "trig", "--output", ""), "--output is empty; give a path"),
             (("report", "--out", ""), "--out is empty; give a path"),
             (("tables", ""), "DIR is empty; give a path")]
    for args, message in cases:
        assert run_cli(*args, check=2).stderr.decode() == f"sezkg: error: {message}\n", args


def test_an_own_query_sorted_over_mixed_values_answers(tmp_path):
    """pyoxigraph 0.5.13 aborts the process (a Rust panic, exit 134) on ORDER BY ?o over every
    object of the bundled KG, numbers beside text, as Oxigraph itself sorts it; sezkg's keys
    (sezkg.kg.order) sort IRIs, then numbers by value, then text."""
    mixed = tmp_path / "mixed.rq"
    mixed.write_text("SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o\n", encoding="utf-8")
    rows = run_cli("query", str(mixed), "--iris", "--format", "json", check=0).stdout.decode()
    values = [row["o"] for row in json.loads(rows)]
    first_text = next(i for i, v in enumerate(values) if not v.startswith("http"))  # IRIs come first
    numbers = [float(v) for v in values[first_text:first_text + 100]]  # then numbers, by value
    assert len(values) > 5000 and first_text > 1000 and values[:first_text] == sorted(values[:first_text])
    assert numbers == sorted(numbers)


@pytest.mark.skipif(not can_fork(), reason="the guard runs the query in a forked child")
def test_an_own_query_oxigraph_cannot_sort_is_an_error_not_a_crash(tmp_path, kg, monkeypatch):
    """Were an ORDER BY to reach Oxigraph unguarded (here: the keys of sezkg.kg.order taken
    away), `sezkg query` runs a user's file in a child and says what happened and what to do
    instead, exit 2, no Rust backtrace."""
    from sezkg.cli.queries import _own_select, own_query
    from sezkg.errors import InputError
    from sezkg.kg import load as kg_load

    crash = tmp_path / "crash.rq"
    crash.write_text("SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o\n", encoding="utf-8")
    monkeypatch.setattr(kg_load, "total_order", lambda query: query)
    with pytest.raises(InputError) as raised:
        _own_select(kg, own_query(crash), {})
    assert str(raised.value).startswith(f"{crash}: Oxigraph stopped on this query: its ORDER BY compares values")
    assert "order by STR(?x)" in str(raised.value)
    fine = tmp_path / "fine.rq"  # what the message proposes, and an answer through the child
    fine.write_text("SELECT ?o WHERE { ?s ?p ?o } ORDER BY STR(?o) LIMIT 2\n", encoding="utf-8")
    assert len(_own_select(kg, own_query(fine), {})) == 2
    broken = tmp_path / "broken.rq"  # any other failure in the child: the error it always gave
    broken.write_text("SELECT ?s WHERE { ?s ?p }\n", encoding="utf-8")
    err = run_cli("query", str(broken), check=2).stderr.decode()
    assert err.startswith(f"sezkg: error: {broken}: SPARQL syntax error: ") and err.count("sezkg: error") == 1


def test_an_own_query_of_another_form_is_refused_naming_the_file(tmp_path):
    """A CONSTRUCT got `select() runs SELECT queries; use ask() for ASK`: API names, the wrong
    form, no file. A keyword in a comment or a string does not count."""
    forms = {"CONSTRUCT": "CONSTRUCT {?s ?p ?o} WHERE {?s ?p ?o} LIMIT 2",
             "ASK": 'PREFIX ex: <http://example.org/>\n# SELECT\nask { ?s ?p "SELECT" }',
             "DESCRIBE": "DESCRIBE <https://w3id.org/sezkg/id/zone/saryarka>"}
    for form, text in forms.items():
        path = tmp_path / f"{form.lower()}.rq"
        path.write_text(text + "\n", encoding="utf-8")
        article = "an" if form == "ASK" else "a"
        assert run_cli("query", str(path), check=2).stderr.decode() == (
            f"sezkg: error: {path}: sezkg query runs SELECT queries only (this is {article} {form})\n")
    select = tmp_path / "select.rq"
    select.write_text('# CONSTRUCT\nSELECT ?s WHERE { ?s ?p "DESCRIBE" } LIMIT 1\n', encoding="utf-8")
    assert run_cli("query", str(select), "--iris", "--format", "csv", check=0).stdout == b"s\n"


@pytest.mark.parametrize("fork", [True, False])
def test_an_own_query_answers_the_same_in_a_child_or_here(kg, tmp_path, monkeypatch, fork):
    """Where no child can be forked (one core, macOS, memory short) the query runs here."""
    from sezkg.cli.queries import _own_select, own_query
    from sezkg.kg import beside
    from sezkg.questions.catalogue import run_select

    if fork and not can_fork():
        pytest.skip("no child can be forked here")
    monkeypatch.setattr(beside, "can_fork", lambda: fork)
    path = tmp_path / "zones.rq"
    path.write_text("PREFIX sez: <https://w3id.org/sezkg/ontology#>\n"
                    "SELECT ?zone ?label WHERE { ?zone a sez:SpecialEconomicZone ; "
                    "<http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?zone ?label\n", encoding="utf-8")
    query = own_query(path)
    rows = _own_select(kg, query, {})
    expected = run_select(kg, query)
    assert rows.variables == expected.variables and rows == expected and len(rows) > 10
