"""The loader: the real KG loads whole; broken input is refused at file:line, all or nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import FIXTURES, nonempty, run_cli

import sezkg
from sezkg.errors import InputError

BROKEN = nonempty(sorted((FIXTURES / "broken").glob("*.trig")))
VALID_ZONE = FIXTURES / "shapes" / "zone-valid.trig"


def _expectations(path: Path) -> tuple[str, int | None]:
    text = path.read_bytes().decode("utf-8", errors="replace")
    message = re.search(r"^# expect: (.+)$", text, re.M).group(1)
    line = re.search(r"^# expect-line: (\d+)$", text, re.M)
    return message, int(line.group(1)) if line else None


def test_real_kg_loads_into_named_graphs(kg):
    graphs = kg.graph_names()
    assert "https://w3id.org/sezkg/ontology" in graphs
    assert "https://w3id.org/sezkg/scheme" in graphs
    sources = [g for g in graphs if g.startswith("https://w3id.org/sezkg/source/")]
    assert "https://w3id.org/sezkg/source/gout-2025" in sources
    assert len(sources) >= 6
    assert {f.kind for f in kg.files} == {"ontology", "data"}
    # The shapes are not part of the KG.
    assert "https://w3id.org/sezkg/shapes" not in graphs


def test_no_triple_in_the_default_graph(kg):
    import pyoxigraph as ox

    assert list(kg.store.quads_for_pattern(None, None, None, ox.DefaultGraph())) == []


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.name)
def test_broken_file_is_refused_at_its_line(path):
    message, line = _expectations(path)
    with pytest.raises(InputError) as info:
        sezkg.load(data=[path])
    error = info.value
    assert error.path == path
    assert message in error.message
    if line is not None:
        assert error.line == line
        assert str(error).startswith(f"{path}:{line}")


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.name)
def test_cli_reports_broken_file_with_exit_2(path):
    message, line = _expectations(path)
    proc = run_cli("validate", "--data", str(path), check=2)
    stderr = proc.stderr.decode()
    expected_location = f"{path}:{line}" if line is not None else f"{path}:"
    assert stderr.startswith(f"sezkg: error: {expected_location}"), stderr
    assert message in stderr
    assert proc.stdout == b""


def test_syntax_error_names_the_column():
    path = FIXTURES / "broken" / "syntax-error.trig"
    with pytest.raises(InputError) as info:
        sezkg.load(data=[path])
    assert info.value.column is not None and info.value.column > 1
    assert re.match(rf"{re.escape(str(path))}:9:\d+: syntax error", str(info.value))


def test_a_bad_file_after_a_good_one_stops_the_load_at_the_bad_one():
    """All or nothing: the good file first does not make a partial KG; the error names the bad file."""
    bad = FIXTURES / "broken" / "syntax-error.trig"
    with pytest.raises(InputError) as info:
        sezkg.load(data=[VALID_ZONE, bad])
    assert info.value.path == bad


def test_the_store_holds_exactly_the_quads_the_checks_read(kg):
    """Oxigraph parses a TriG or N-Quads file into the store itself while the loader parses and
    checks the same bytes: the store must hold the checked quads and the ontology's, nothing else."""
    from sezkg.kg.load import _load_ontology_file, data_paths, default_files, ontology_paths, parse_file

    files = default_files()
    expected = {q for p in ontology_paths(files.ontology) for q in _load_ontology_file(p)}
    data = data_paths([files.data])
    assert {p.suffix for p in data} >= {".trig"}
    expected |= {q for p in data for q in parse_file(p)}
    assert set(kg.store) == expected
    assert len(kg.store) == len(expected)


def test_a_file_refused_after_its_bytes_went_into_the_store_stops_the_load(tmp_path):
    """The rule checks run beside Oxigraph's insert of the same bytes: a file the rules refuse
    (here, a triple outside any named graph) still stops the load, naming the file."""
    bad = tmp_path / "default-graph.trig"
    bad.write_text("<https://w3id.org/sezkg/id/x> <http://www.w3.org/2000/01/rdf-schema#label> \"x\" .\n")
    with pytest.raises(InputError, match="outside any named graph") as info:
        sezkg.load(data=[VALID_ZONE, bad, VALID_ZONE])
    assert info.value.path == bad


def test_missing_data_path_is_an_input_error(tmp_path):
    with pytest.raises(InputError) as info:
        sezkg.load(data=[tmp_path / "nowhere.trig"])
    assert "no such file" in str(info.value)


# --- issue #10: loading refuses bad input ---------------------------------------------------

LITERAL_LINE = 8  # the line of the literal in the file _one_literal writes
XSD = "http://www.w3.org/2001/XMLSchema#"

ILL_TYPED = [  # (datatype, a value outside its lexical space, a value inside it)
    ("integer", "abc", "-12"),
    ("integer", "1.0", "+007"),
    ("nonNegativeInteger", "-1", "0"),
    ("decimal", "1,5", "-1.50"),
    ("decimal", "1e3", ".5"),
    ("double", "1.0e", "-1.5E-3"),
    ("boolean", "yes", "false"),
    ("boolean", "TRUE", "1"),
    ("date", "2021-13-45", "2021-12-31"),
    ("date", "2021-02-29", "2020-02-29"),
    ("date", "2021-04-31", "2021-04-30+05:00"),
    ("date", "21-01-01", "-0044-03-15"),
    ("dateTime", "2021-01-01 10:00:00", "2021-01-01T10:00:00Z"),
    ("dateTime", "2021-01-01T25:00:00", "2021-01-01T24:00:00"),
    ("time", "10:60:00", "23:59:59.5"),
    ("gYear", "20x1", "2021"),
    ("gYear", "211", "12021"),
    ("gYearMonth", "2021-13", "2021-12"),
    ("gYearMonth", "2021-1", "2021-01Z"),
    ("gMonthDay", "--02-30", "--02-29"),
    ("duration", "P", "P1Y2M3DT4H5M6.5S"),
    ("duration", "PT", "-PT1H"),
    ("anyURI", "http://a/%zz", "http://a/b#c"),
    ("anyURI", "http://a/#b#c", "relative/path"),
]


def _one_literal(folder: Path, value: str, datatype: str, suffix: str = ".trig") -> Path:
    path = folder / f"literal{suffix}"
    if suffix == ".nq":
        lines = ["# one literal, on line 8"] * (LITERAL_LINE - 1)
        lines.append(f'<https://w3id.org/sezkg/id/zone/x> <https://w3id.org/sezkg/ontology#value> '
                     f'"{value}"^^<{XSD}{datatype}> <https://w3id.org/sezkg/source/x> .')
    else:
        lines = ["@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
                 "@prefix sez: <https://w3id.org/sezkg/ontology#> .",
                 "@prefix src: <https://w3id.org/sezkg/source/> .",
                 f'# "{value}"^^xsd:{datatype} in a comment is not the literal',
                 "",
                 "GRAPH src:x {",
                 f'    <https://w3id.org/sezkg/id/zone/x> sez:value "{value}" ;',
                 f'        sez:value "{value}"^^xsd:{datatype} .',
                 "}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("datatype,bad,good", ILL_TYPED, ids=[f"{d}-{b}" for d, b, _ in ILL_TYPED])
@pytest.mark.parametrize("suffix", [".trig", ".nq"])
def test_ill_typed_literal_is_refused_at_its_line_and_column(tmp_path, datatype, bad, good, suffix):
    path = _one_literal(tmp_path, bad, datatype, suffix)
    with pytest.raises(InputError) as info:
        sezkg.load(data=[path])
    error = info.value
    assert f"is not a valid xsd:{datatype}" in error.message
    assert error.line == LITERAL_LINE
    line = path.read_text(encoding="utf-8").splitlines()[LITERAL_LINE - 1]
    assert line[error.column - 1:].startswith(f'"{bad}"^^'), (line, error.column)
    # The same file with a well-typed value loads.
    kg = sezkg.load(data=[_one_literal(tmp_path, good, datatype, suffix)])
    assert kg.files[-1].quads == (1 if suffix == ".nq" else 2)


def test_every_literal_of_the_real_kg_is_well_typed(kg):
    from sezkg.kg.load import LEXICAL_CHECKS, well_typed

    checked = [q.object for q in kg.sorted_quads()
               if hasattr(q.object, "datatype") and q.object.datatype.value in LEXICAL_CHECKS]
    assert len(checked) > 300
    assert all(well_typed(lit.value, lit.datatype.value) for lit in checked)


def _assert_one_line_error(proc, path: Path, *needles: str) -> str:
    stderr = proc.stderr.decode()
    assert stderr.startswith(f"sezkg: error: {path}"), stderr[:500]
    assert stderr.count("\n") == 1, "one line, no traceback"
    for needle in needles:
        assert needle in stderr
    return stderr


@pytest.mark.parametrize("shape", ["one-line", "long-string", "iri"])
def test_a_20_mb_token_is_refused_before_the_parser_runs_out_of_memory(tmp_path, shape):
    from sezkg.kg.load import MAX_TOKEN_BYTES

    size = 20_000_000
    head = '@prefix src: <https://w3id.org/sezkg/source/> .\nGRAPH src:x {\n'
    if shape == "one-line":
        body = '<https://w3id.org/sezkg/id/x> <http://www.w3.org/2000/01/rdf-schema#comment> "' + "x" * size + '" .\n'
    elif shape == "long-string":
        body = ('<https://w3id.org/sezkg/id/x> <http://www.w3.org/2000/01/rdf-schema#comment> """'
                + "a line of text\n" * (size // 15) + '""" .\n')
    else:
        body = '<https://w3id.org/sezkg/id/' + "x" * size + '> <http://www.w3.org/2000/01/rdf-schema#label> "x" .\n'
    path = tmp_path / "huge.trig"
    path.write_text(head + body + "}\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        sezkg.load(data=[path])
    column = 1 if shape == "iri" else body.index('"') + 1
    assert (info.value.line, info.value.column) == (3, column)
    assert f"the limit is {MAX_TOKEN_BYTES:,} bytes" in info.value.message
    if shape == "one-line":
        proc = run_cli("validate", "--data", str(path), check=2)
        _assert_one_line_error(proc, path, f":3:{column}: a token (literal or IRI) of 20,000,002 bytes")


def test_a_long_line_of_short_tokens_is_not_a_long_token(tmp_path):
    """The token check must not refuse a big file made of small tokens (e.g. one-line JSON-like TriG)."""
    triples = " ".join(f'<https://w3id.org/sezkg/id/x{i}> <http://www.w3.org/2000/01/rdf-schema#label> "x {i}" .'
                       for i in range(20_000))
    path = tmp_path / "wide.trig"
    path.write_text("GRAPH <https://w3id.org/sezkg/source/x> { " + triples + " }\n", encoding="utf-8")
    assert path.stat().st_size > 1_500_000
    kg = sezkg.load(data=[path])
    assert len(kg.sorted_quads("https://w3id.org/sezkg/source/x")) == 20_000


def test_an_absurdly_large_file_is_refused_without_reading_it(tmp_path):
    from sezkg.kg.load import MAX_FILE_BYTES

    path = tmp_path / "huge.trig"
    with path.open("wb") as handle:  # sparse: no disk space used
        handle.truncate(MAX_FILE_BYTES + 1)
    proc = run_cli("validate", "--data", str(path), check=2)
    _assert_one_line_error(proc, path, f"is over the limit of {MAX_FILE_BYTES:,} bytes")


def test_a_data_folder_without_data_files_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("no data here\n")
    (tmp_path / "vocab.ttl").write_text("<http://a/s> <http://a/p> <http://a/o> .\n")
    proc = run_cli("validate", "--data", str(tmp_path), check=2)
    _assert_one_line_error(proc, tmp_path, "no data files (*.trig, *.nq, *.jsonld) in this folder")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match="no data files"):
        sezkg.load(data=[VALID_ZONE, empty])


@pytest.mark.parametrize("name", ["zone.ttl", "zone.txt", "zone"])
def test_a_data_file_with_another_extension_is_refused(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(VALID_ZONE.read_bytes())
    proc = run_cli("validate", "--data", str(path), check=2)
    _assert_one_line_error(proc, path, "not a data file")


@pytest.mark.parametrize("fmt,suffix", [("trig", ".trig"), ("nquads", ".nq"), ("jsonld", ".jsonld")])
def test_an_export_reads_back_through_data(kg, tmp_path, fmt, suffix):
    """`sezkg export` output is data: it holds the bundled ontology graphs, which the loader accepts."""
    out = tmp_path / f"kg{suffix}"
    run_cli("export", "--format", fmt, "--output", str(out), check=0)
    again = sezkg.load(data=[out])
    assert set(again.store) == set(kg.store)
    assert again.graph_names() == kg.graph_names()
    # Validation says the same of the export as of the bundled data (the files it names aside).
    bundled, exported = run_cli("validate"), run_cli("validate", "--data", str(out))
    assert exported.returncode == bundled.returncode and exported.returncode in (0, 1)
    assert exported.stdout.splitlines()[0] == bundled.stdout.splitlines()[0]


def test_a_part_of_an_ontology_graph_is_accepted_in_data(tmp_path):
    import pyoxigraph as ox

    from sezkg.kg.load import KnowledgeGraph
    from sezkg.publish.export import serialize

    scheme = sezkg.load().sorted_quads("https://w3id.org/sezkg/scheme")
    part = ox.Store()
    part.bulk_extend(scheme[::3])
    out = tmp_path / "scheme-part.trig"
    out.write_bytes(serialize(KnowledgeGraph(part), "trig"))
    kg = sezkg.load(data=[out, VALID_ZONE])
    assert set(kg.sorted_quads("https://w3id.org/sezkg/scheme")) == set(scheme)


def test_jsonld_data_must_say_exactly_what_it_means(tmp_path):
    """A JSON-LD reader drops an unknown key or a relative IRI silently; the loader refuses them."""
    import json

    from sezkg.publish.export import serialize

    fixture = sezkg.load(data=[VALID_ZONE])
    for graph in (None, "https://w3id.org/sezkg/source/fixture"):  # both layouts the export writes
        path = tmp_path / f"zone-{graph is None}.jsonld"
        path.write_bytes(serialize(fixture, "jsonld", graph))
        assert set(sezkg.load(data=[path]).store) == set(fixture.store)

    document = json.loads(serialize(fixture, "jsonld", "https://w3id.org/sezkg/source/fixture"))
    node = next(n for n in document["@graph"] if n["@id"].startswith("zone:"))
    for key, value in (("labelTypo", ["dropped by every JSON-LD reader"]), ("@id", "relative/zone")):
        changed = json.loads(json.dumps(document))
        target = next(n for n in changed["@graph"] if n["@id"] == node["@id"])
        target[key] = value
        path = tmp_path / "zone.jsonld"
        path.write_text(json.dumps(changed, indent=1), encoding="utf-8")
        with pytest.raises(InputError) as info:
            sezkg.load(data=[path])
        assert "a JSON-LD reader would drop or change" in info.value.message
        assert info.value.line == next(i for i, line in enumerate(path.read_text().splitlines(), 1)
                                       if f'"{target["@id"]}"' in line)


def test_remembering_answers_a_query_asked_again_from_the_first_time():
    """Inside kg.remembering() a SELECT asked again is not run again (the report asks several
    queries from several pages), each caller gets a list of its own, and outside the block a
    change to the store shows."""
    import pyoxigraph as ox

    from sezkg.kg.load import load

    kg = load()
    query = "SELECT ?s WHERE { GRAPH ?g { ?s a <https://w3id.org/sezkg/ontology#SpecialEconomicZone> } }"
    with kg.remembering():
        first = kg.select(query)
        first.clear()  # the caller's own list
        kg.store.add(ox.Quad(ox.NamedNode("https://example.org/z"), ox.NamedNode(
            "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(
            "https://w3id.org/sezkg/ontology#SpecialEconomicZone"), ox.NamedNode("https://example.org/g")))
        again = kg.select(query)
        assert len(again) > 0 and "https://example.org/z" not in {r["s"].value for r in again}
    assert "https://example.org/z" in {r["s"].value for r in kg.select(query)}


def test_remembering_keeps_no_large_answer(monkeypatch):
    """An answer over REMEMBERED_ROWS rows is run again rather than held (who-says-so has one row
    per statement: at ~1M triples, held answers took GBs)."""
    import pyoxigraph as ox

    from sezkg.kg import load as loading

    kg = loading.load()
    monkeypatch.setattr(loading, "REMEMBERED_ROWS", 3)
    query = "SELECT ?s WHERE { GRAPH ?g { ?s a <https://w3id.org/sezkg/ontology#SpecialEconomicZone> } }"
    with kg.remembering():
        assert len(kg.select(query)) > 3
        kg.store.add(ox.Quad(ox.NamedNode("https://example.org/z"), ox.NamedNode(
            "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(
            "https://w3id.org/sezkg/ontology#SpecialEconomicZone"), ox.NamedNode("https://example.org/g")))
        assert "https://example.org/z" in {r["s"].value for r in kg.select(query)}


def test_rows_tuples_read_every_cell_in_variable_order():
    """Rows.tuples() gives what row.get(v) gives, for rows still held as solutions, rows already
    read, and plain dicts (an endpoint's rows)."""
    from sezkg.kg.rows import Rows

    kg = sezkg.load()
    text = ("SELECT ?zone ?label ?none WHERE { ?zone a <https://w3id.org/sezkg/ontology#SpecialEconomicZone> ; "
            "<http://www.w3.org/2000/01/rdf-schema#label> ?label OPTIONAL { ?zone <urn:x:none> ?none } } "
            "ORDER BY ?zone ?label")
    rows = kg.select(text)
    expected = [tuple(r.get(v) for v in rows.variables) for r in kg.select(text)]
    assert len(expected) > 20 and all(t[2] is None for t in expected)
    rows[0]["zone"]  # one row read (filled) before, the rest still solutions
    assert list(rows.tuples()) == expected
    plain = Rows(rows.variables, [{k: v for k, v in zip(rows.variables, t, strict=True) if v is not None}
                                  for t in expected])
    assert list(plain.tuples()) == expected


def test_solution_rows_behave_as_the_dict_of_their_bound_cells():
    """A row of the embedded store reads a cell without filling itself, and is the plain dict of
    its bound variables to every other use: lookups of unbound and unknown names, iteration,
    equality, copies, json and pickle."""
    import copy
    import json
    import pickle

    import pyoxigraph as ox

    from sezkg.kg.rows import SolutionRow

    kg = sezkg.load()
    text = ("SELECT ?zone ?label ?none WHERE { ?zone a <https://w3id.org/sezkg/ontology#SpecialEconomicZone> ; "
            "<http://www.w3.org/2000/01/rdf-schema#label> ?label OPTIONAL { ?zone <urn:x:none> ?none } } "
            "ORDER BY ?zone ?label LIMIT 3")
    for row in kg.select(text):
        assert isinstance(row, SolutionRow)
        zone, label = row["zone"], row.get("label")
        assert isinstance(zone, ox.NamedNode) and isinstance(label, ox.Literal)
        assert "zone" in row and "none" not in row and "other" not in row and 3 not in row
        assert row.get("none") is None and row.get("none", "x") == "x" and row.get("other", 1) == 1
        for missing in ("none", "other"):
            with pytest.raises(KeyError):
                row[missing]
        assert row._solution is not None  # reading cells left the row unfilled
        plain = {"zone": zone, "label": label}
        assert row == plain and not (row != plain) and dict(row) == plain and {**row} == plain
        assert row._solution is None  # compared: filled
        assert list(row) == ["zone", "label"] and len(row) == 2 and row["zone"] == zone and "none" not in row
    fresh = kg.select(text)
    assert [sorted(r.items()) for r in fresh] == [sorted(r.items()) for r in kg.select(text)]
    assert copy.copy(kg.select(text)[0]) == kg.select(text)[0]
    first = kg.select(text)[0]
    assert type(pickle.loads(pickle.dumps(first))) is dict and pickle.loads(pickle.dumps(first)) == first
    assert json.loads(json.dumps({k: v.value for k, v in kg.select(text)[0].items()}))["zone"] == first["zone"].value
    edited = kg.select(text)[0]
    edited["extra"] = first["zone"]  # a change fills the row first, so no bound cell is lost
    assert set(edited) == {"zone", "label", "extra"}


def test_a_file_the_store_refuses_after_the_checks_is_named(monkeypatch):
    """Oxigraph inserts a file's bytes in another thread; should it refuse a file the checks
    passed, the load stops with an InputError naming that file, not the store's own error."""
    import pyoxigraph as ox

    real = ox.Store

    class Refusing:
        def __init__(self) -> None:
            self.inner = real()

        def bulk_load(self, **_: object) -> None:
            raise SyntaxError("refused here")

        def __getattr__(self, name: str) -> object:
            return getattr(self.inner, name)

    monkeypatch.setattr(ox, "Store", Refusing)
    with pytest.raises(InputError, match="the store refused this file: refused here") as info:
        sezkg.load(data=[VALID_ZONE])
    assert info.value.path == VALID_ZONE
