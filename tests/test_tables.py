"""Flat tables (CSV, XLSX, a Frictionless data package) and the FtM-style entity stream, read
back with other tools: csv, openpyxl and the frictionless validator."""

from __future__ import annotations

import csv
import json

import pytest
from conftest import run_cli
from hypothesis import given, settings
from hypothesis import strategies as st

SOURCE = "https://w3id.org/sezkg/source/"
NEW_CITY = "https://w3id.org/sezkg/id/zone/astana-new-city"


@pytest.fixture(scope="module")
def tables_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("tables") / "t"
    proc = run_cli("tables", str(out), check=0)
    assert b"wrote 9 CSV tables" in proc.stdout
    return out


def _read(folder, name):
    with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_table_is_written_and_the_package_validates(tables_dir):
    import frictionless

    names = ["zones", "organisations", "mandates", "findings", "figures", "overlaps", "sources", "legal-acts",
             "statements"]
    assert sorted(p.name for p in tables_dir.iterdir() if not p.name.startswith(".")) == sorted(
        [f"{n}.csv" for n in names] + ["sezkg.xlsx", "datapackage.json"])
    package = json.loads((tables_dir / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["name"] for r in package["resources"]] == names
    report = frictionless.validate(str(tables_dir / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]


def test_the_validator_catches_a_broken_table(tables_dir, tmp_path):
    """The package check can fail: a figure value that is not a number breaks it."""
    import shutil

    import frictionless

    broken = tmp_path / "broken"
    shutil.copytree(tables_dir, broken)
    text = (broken / "figures.csv").read_text(encoding="utf-8").splitlines()
    header = text[0].split(",")
    row = next(csv.reader([text[1]]))
    row[header.index("value")] = "about seven"
    import io
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(row)
    text[1] = buffer.getvalue().rstrip("\r\n")
    (broken / "figures.csv").write_text("\r\n".join(text) + "\r\n", encoding="utf-8")
    assert not frictionless.validate(str(broken / "datapackage.json")).valid


def test_field_types_follow_the_values(tables_dir):
    package = json.loads((tables_dir / "datapackage.json").read_text(encoding="utf-8"))
    fields = {r["name"]: {f["name"]: f["type"] for f in r["schema"]["fields"]} for r in package["resources"]}
    assert fields["figures"]["value"] == "number"
    assert fields["overlaps"]["rank"] == "integer"
    assert fields["mandates"]["nationalScope"] == "boolean"
    # Two areas for one zone share a cell, so the column cannot claim to be numeric.
    assert fields["zones"]["areaHectares"] == "string"


def test_disagreeing_sources_stay_visible_and_attributed(tables_dir):
    zone = next(r for r in _read(tables_dir, "zones") if r["zone"] == NEW_CITY)
    assert sorted(zone["areaHectares"].split(" | ")) == ["15421", "7600"]
    assert sorted(zone["establishedYear"].split(" | ")) == ["2001", "2002"]
    assert zone["zone_label"] == "Astana New City SEZ"
    areas = {(r["value"], r["source"]) for r in _read(tables_dir, "statements")
             if r["subject"] == NEW_CITY and r["property"].endswith("#areaHectares")}
    assert areas == {("7600", SOURCE + "gout-2025-box-1"), ("15421", SOURCE + "gout-2025")}


def test_every_row_names_its_sources_with_labels(tables_dir):
    for name, column in (("zones", "sources"), ("mandates", "sources"), ("findings", "sources"),
                         ("figures", "source"), ("statements", "source"), ("overlaps", "sources")):
        rows = _read(tables_dir, name)
        assert rows, name
        for row in rows:
            assert row[column] and all(s.startswith(SOURCE) for s in row[column].split(" | ")), (name, row)
            assert row[f"{column}_label"], (name, row)


def test_organisations_without_a_country_are_kept(tables_dir):
    """General Electric and Alstom are partners without a stated country: listed, the country left empty."""
    rows = {r["organisation_label"]: r for r in _read(tables_dir, "organisations")}
    for name in ("General Electric", "Alstom"):
        assert name in rows and rows[name]["basedInCountry"] == ""
    assert rows["Kazakh Invest"]["kind_label"] == "national development institution"


def test_the_workbook_holds_the_same_tables(tables_dir):
    import openpyxl

    book = openpyxl.load_workbook(tables_dir / "sezkg.xlsx", read_only=True)
    assert book.sheetnames == ["zones", "organisations", "mandates", "findings", "figures", "overlaps", "sources",
                               "legal-acts", "statements"]
    for name in book.sheetnames:
        rows = _read(tables_dir, name)
        sheet = list(book[name].iter_rows(values_only=True))
        assert list(sheet[0]) == list(rows[0].keys())
        assert len(sheet) == len(rows) + 1
        for got, want in zip(sheet[1:], rows, strict=True):
            for cell, text in zip(got, want.values(), strict=True):
                if isinstance(cell, (int, float)):
                    assert cell == float(text)  # numbers stay numbers
                else:
                    assert (cell or "") == text


def test_labels_in_russian(tmp_path):
    run_cli("tables", str(tmp_path / "ru"), "--lang", "ru", check=0)
    zone = next(r for r in _read(tmp_path / "ru", "zones") if r["zone"] == NEW_CITY)
    assert any("а" <= c <= "я" for c in zone["zone_label"].lower()), zone["zone_label"]


def test_entity_stream():
    proc = run_cli("export", "--format", "entities", check=0)
    entities = [json.loads(line) for line in proc.stdout.decode("utf-8").splitlines()]
    ids = [e["id"] for e in entities]
    assert ids == sorted(set(ids))
    by_id = {e["id"]: e for e in entities}
    assert by_id["https://w3id.org/sezkg/id/org/kazakh-invest"]["schema"] == "Organization"
    assert by_id["https://w3id.org/sezkg/id/org/general-electric"]["schema"] == "Company"
    assert by_id["https://w3id.org/sezkg/id/org/mid"]["schema"] == "PublicBody"
    new_city = by_id[NEW_CITY]
    assert new_city["schema"] == "SpecialEconomicZone"
    assert sorted(new_city["properties"]["areaHectares"]) == ["15421", "7600"]
    assert SOURCE + "gout-2025" in new_city["proof"]
    for e in entities:
        assert e["proof"] and all(p.startswith(SOURCE) for p in e["proof"])
        assert all(isinstance(v, list) and all(isinstance(x, str) for x in v) for v in e["properties"].values())


def test_an_entity_holds_only_what_source_graphs_state():
    """Statements in the default graph or in a graph that is no source's are not an entity's,
    nor their graphs its proof; the same property in two sources is one list of values."""
    import pyoxigraph as ox

    from sezkg.kg.load import KnowledgeGraph
    from sezkg.publish.entities import entities

    sez, label = "https://w3id.org/sezkg/ontology#", ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    zone = ox.NamedNode("https://w3id.org/sezkg/id/zone/x")
    store = ox.Store()
    for graph, text in ((SOURCE + "a", "X"), (SOURCE + "b", "Ex"), ("https://w3id.org/sezkg/ontology", "not a source")):
        store.add(ox.Quad(zone, label, ox.Literal(text), ox.NamedNode(graph)))
    store.add(ox.Quad(zone, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                      ox.NamedNode(sez + "SpecialEconomicZone"), ox.NamedNode(SOURCE + "b")))
    store.add(ox.Quad(zone, ox.NamedNode(sez + "areaHectares"), ox.Literal("7"), ox.DefaultGraph()))
    store.add(ox.Quad(zone, ox.NamedNode(sez + "areaHectares"), ox.Literal("8"), ox.NamedNode(SOURCE + "a")))
    assert list(entities(KnowledgeGraph(store))) == [{
        "id": zone.value, "schema": "SpecialEconomicZone", "datasets": ["sezkg"],
        "properties": {"areaHectares": ["8"], "name": ["Ex", "X"]}, "proof": [SOURCE + "a", SOURCE + "b"]}]


def test_entity_stream_to_a_file_is_the_same(tmp_path):
    out = tmp_path / "e.ndjson"
    proc = run_cli("export", "--format", "entities", "--output", str(out), check=0)
    assert b"entities to" in proc.stderr
    assert out.read_bytes() == run_cli("export", "--format", "entities", check=0).stdout
    proc = run_cli("export", "--format", "entities", "--graph", "gout-2025", check=2)
    assert b"--graph does not go with --format entities" in proc.stderr


def test_export_graph_by_name():
    by_iri = run_cli("export", "--format", "nquads", "--graph", SOURCE + "gout-2025-box-2", check=0).stdout
    assert by_iri
    for name in ("Gout (2025), Box 2", "gout-2025-box-2", "src:gout-2025-box-2"):
        assert run_cli("export", "--format", "nquads", "--graph", name, check=0).stdout == by_iri
    proc = run_cli("export", "--format", "nquads", "--graph", "Saryarka", check=2)
    assert b"names no source" in proc.stderr
    proc = run_cli("export", "--format", "nquads", "--graph", "Gout (2052)", check=2)
    assert b"closest" in proc.stderr


def test_a_table_longer_than_a_sheet_goes_on_in_more_sheets(tmp_path):
    """Excel stops at 1,048,576 rows and XlsxWriter skips writes past it: a longer table (the
    statements of a large KG) continues in "<name> 2", ... each with the header, no row lost.
    Shown here with sheets of 3 rows (header + 2)."""
    import openpyxl

    from sezkg.publish.tables import Table, write_xlsx

    rows = [[f"https://example.org/{i}", str(i)] for i in range(5)]
    table = Table("statements", "Table: statements", "test", ["subject", "n"], rows)
    write_xlsx([table], tmp_path / "t.xlsx", sheet_rows=3)
    book = openpyxl.load_workbook(tmp_path / "t.xlsx", read_only=True)
    assert book.sheetnames == ["statements", "statements 2", "statements 3"]
    read = []
    for sheet in book.worksheets:
        header, *body = [list(r) for r in sheet.iter_rows(values_only=True)]
        assert header == ["subject", "n"]
        read += body
    assert read == [[s, int(n)] for s, n in rows]


@pytest.mark.parametrize("head, chunk, rewrite, ranges", [(1, 3, 250_000, 10**9), (2, 1, 0, 10**9), (2, 5, 40, 500),
                                                            (10_000, 10_000, 250_000, 10**9), (10_000, 10_000, 250_000, 800)])
def test_tables_streamed_to_csv_are_the_same_bytes(kg, tmp_path, monkeypatch, head, chunk, rewrite, ranges):
    """The report writes each table while its query answers (stream_tables_into) instead of
    holding every table: the same files, byte for byte, as the in-memory tables. With a head of
    one or two rows, a column meets its first labelled IRI later: the file is written again
    from the rows remembered or, past `rewrite` rows, from the rows read back from the file;
    the query runs once either way. Over `ranges` quads the statements table is sorted a range
    of subjects at a time (KnowledgeGraph.select_tuples_by_subject)."""
    from sezkg.kg import load as kg_load
    from sezkg.publish import tables as t

    ref = tmp_path / "ref"
    ref.mkdir()
    expected = t.write_tables_into(t.build_tables(kg), ref)
    monkeypatch.setattr(t, "HEAD_ROWS", head)
    monkeypatch.setattr(t, "CHUNK_ROWS", chunk)
    monkeypatch.setattr(t, "REWRITE_ROWS", rewrite)
    monkeypatch.setattr(kg_load, "RANGE_QUADS", ranges)
    monkeypatch.setattr(kg_load, "LIST_RANGE_QUADS", ranges)
    ranged = []
    real_ranged = kg_load.KnowledgeGraph.select_tuples_by_subject
    monkeypatch.setattr(kg_load.KnowledgeGraph, "select_tuples_by_subject",
                        lambda self, s, *a: ranged.append(kg_load._subject_order_place(s)) or real_ranged(self, s, *a))
    runs = []
    real_stream = t.stream_select
    monkeypatch.setattr(t, "stream_select", lambda *a, **k: runs.append(a[1].name) or real_stream(*a, **k))
    restarts = []
    real_start = t._TableWriter._start
    monkeypatch.setattr(t._TableWriter, "_start", lambda self, *a: restarts.append(self.name) or real_start(self, *a))
    read_back = []
    real_rewrite = t._TableWriter._rewrite
    monkeypatch.setattr(t._TableWriter, "_rewrite", lambda self, *a: read_back.append(self.name) or real_rewrite(self, *a))
    out = tmp_path / "out"
    out.mkdir()
    tables, names = t.stream_tables_into(kg, out)
    assert names == expected
    assert sorted(p.name for p in out.iterdir()) == sorted(expected)  # no temporary file left
    for name in expected:
        assert (out / name).read_bytes() == (ref / name).read_bytes(), name
    assert [x.name for x in tables] == [n[:-4] for n in expected if n.endswith(".csv")]
    assert sorted(runs) == sorted(set(runs))  # every query ran once
    assert len(ranged) == 8 and sum(p is not None for p in ranged) == 1  # statements alone is sorted by subject
    written_again = {n for n in restarts if restarts.count(n) > 1}
    if head == 10_000:
        assert written_again == set()
    else:
        assert "statements" in written_again
    if rewrite < 1000:
        assert read_back  # some table's first labelled value came after `rewrite` rows
    else:
        assert not read_back


def test_streamed_tables_leave_out_the_workbook_past_its_rows(kg, tmp_path):
    from sezkg.publish.tables import TableFile, stream_tables_into

    tables, names = stream_tables_into(kg, tmp_path, workbook_rows=10)
    assert "sezkg.xlsx" not in names and not (tmp_path / "sezkg.xlsx").exists()
    written = [t for t in tables if isinstance(t, TableFile)]  # all but the overlaps, found before
    assert len(written) == 8 and all(t.rows is None for t in written if t.row_count > 10)
    total = sum(t.row_count for t in tables)
    for limit, written in [(total, True), (total - 1, False)]:
        folder = tmp_path / str(limit)
        folder.mkdir()
        assert ("sezkg.xlsx" in stream_tables_into(kg, folder, workbook_rows=limit)[1]) is written


def test_tables_streamed_from_an_endpoint_are_the_same(kg, endpoint, tmp_path):
    from sezkg.publish.tables import stream_tables_into
    from sezkg.questions.endpoint import RemoteRunner

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    _, names = stream_tables_into(kg, tmp_path / "a")
    assert stream_tables_into(RemoteRunner(endpoint), tmp_path / "b")[1] == names
    for name in names:
        if name.endswith(".csv"):
            # The same rows and values; several values in one cell come in the order the store's
            # GROUP_CONCAT gives (SPARQL leaves it open), so each cell is compared as a set.
            a, b = _read(tmp_path / "a", name[:-4]), _read(tmp_path / "b", name[:-4])
            assert [{k: sorted(v.split(" | ")) for k, v in r.items()} for r in a] == \
                   [{k: sorted(v.split(" | ")) for k, v in r.items()} for r in b], name
        elif name == "datapackage.json":
            assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_a_table_read_back_from_its_file_keeps_every_character(tmp_path, monkeypatch):
    """Past REWRITE_ROWS the rows already written are read back from the CSV to add a label
    column: values with line breaks, quotes, commas and NUL come back as they were written."""
    import io

    import pyoxigraph as ox

    from sezkg.kg.load import KnowledgeGraph
    from sezkg.kg.resources import default_files
    from sezkg.publish import tables as t
    from sezkg.questions.catalogue import catalogue

    store = ox.Store()
    graph = ox.NamedNode(SOURCE + "odd")
    note = ox.NamedNode("https://example.org/note")
    for i, text in enumerate(["a\r\nb", 'say "hi", twice', "nul\x00here", "  spaced  ", "", "x\ry"]):
        store.add(ox.Quad(ox.NamedNode(f"https://example.org/a{i}"), note, ox.Literal(text), graph))
    labelled = ox.NamedNode("https://example.org/zz")  # sorts last: its value is the one labelled
    store.add(ox.Quad(labelled, note, ox.NamedNode("https://example.org/target"), graph))
    kg = KnowledgeGraph(store)
    names = {"https://example.org/target": "Target, \"quoted\"\nname"}
    query = catalogue(default_files().queries / "tables")["statements"]
    expected = io.StringIO(newline="")
    t._labelled("statements", query, kg.select(query.bind(None)), names).write_csv(expected)
    monkeypatch.setattr(t, "HEAD_ROWS", 1)
    monkeypatch.setattr(t, "CHUNK_ROWS", 2)
    monkeypatch.setattr(t, "REWRITE_ROWS", 0)
    written = t.write_table_csv(tmp_path / "statements.csv", "statements", query, kg, names)
    assert "value_label" in written.columns and written.row_count == 7
    assert (tmp_path / "statements.csv").read_bytes() == expected.getvalue().encode("utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["statements.csv"]


@pytest.mark.parametrize("width", [1, 2, 5])
def test_csv_text_is_what_the_csv_module_writes(width):
    """The streamed tables write their rows with `csv_text`, which joins a plain row itself and
    leaves any row that may need quoting to the csv module: the text must be the module's."""
    import io
    import random

    from sezkg.publish.tables import csv_text

    pieces = ["", "a", "https://w3id.org/x", ",", '"', "\r", "\n", "\r\n", " ", "é", "\x00", "a,b", 'say "hi"',
              "|", ";", "\t", "\u2028"]
    chance = random.Random(width)
    rows = [["".join(chance.choice(pieces) for _ in range(chance.randrange(3))) for _ in range(width)]
            for _ in range(3000)]
    rows += [[""] * width, ["plain"] * width]
    expected = io.StringIO(newline="")
    csv.writer(expected, lineterminator="\r\n").writerows(rows)
    assert csv_text(rows, width) == expected.getvalue()
    assert csv_text([], width) == ""
    # The rows drawn hold every character that makes the csv module quote a cell.
    assert all(any(c in cell for row in rows for cell in row) for c in ',"\r\n')


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=1, max_value=4).flatmap(lambda width: st.tuples(
    st.just(width),
    st.lists(st.lists(st.sampled_from(["a", "https://w3id.org/x", "", "é", " ", "\t"]), min_size=width,
                      max_size=width), max_size=30),
    st.lists(st.tuples(st.integers(min_value=0), st.integers(min_value=0),
                       st.sampled_from([",", '"', "\r", "\n", "\r\n", "", "a,b"])), max_size=2))))
def test_csv_text_of_chunks_mostly_plain_is_what_the_csv_module_writes(case):
    """Most chunks of a table are plain, and `csv_text` writes such a chunk whole without looking
    at its rows: a chunk with one or two cells set to something the csv module quotes (or, in
    a table of one column, an empty cell) anywhere must still come out as the module writes it."""
    import io

    from sezkg.publish.tables import csv_text

    width, rows, odd = case
    for row_at, cell_at, value in odd:
        if rows:
            rows[row_at % len(rows)][cell_at % width] = value
    expected = io.StringIO(newline="")
    csv.writer(expected, lineterminator="\r\n").writerows(rows)
    assert csv_text(rows, width) == expected.getvalue()


def test_a_cell_is_labelled_only_when_its_text_is_a_labelled_iri():
    from sezkg.publish.tables import _labeller

    label = _labeller({"https://example.org/a": "A", "https://example.org/b": "B", "not an iri": "N", "": "E"})
    for _ in range(2):  # the second time from what the labeller remembers
        assert label("https://example.org/a") == "A"
        assert label("not an iri") == "" and label("") == "" and label("https://example.org/c") == ""
        assert label("https://example.org/a | https://example.org/b") == "A | B"
        assert label("https://example.org/a | https://example.org/c") == "A | "
        assert label("https://example.org/a | not an iri") == ""


def test_table_tasks_in_any_order_and_finished_write_what_the_stream_writes(kg, tmp_path):
    """The report shares the tables' queries between two processes (table_tasks, then
    finish_tables): run in any order, they write the same files, byte for byte, as
    stream_tables_into, the workbook included (its rows read back from the CSVs)."""
    from sezkg.publish.tables import TableFile, finish_tables, stream_tables_into, table_tasks
    from sezkg.questions.overlaps import labels

    ref, out = tmp_path / "ref", tmp_path / "out"
    ref.mkdir()
    out.mkdir()
    expected_tables, expected = stream_tables_into(kg, ref)
    assert "sezkg.xlsx" in expected
    asked = []
    tasks = table_tasks(kg, out, lambda: asked.append(1) or labels(kg))
    written = [task() for task in reversed(tasks)]
    assert len(asked) == len(tasks) == 8
    assert written[-1].name == "statements"  # the first task: the whole KG, the longest
    assert all(isinstance(t, TableFile) and t.rows is None for t in written)  # no rows held
    tables, names = finish_tables(written, kg, out)
    assert names == expected
    assert sorted(p.name for p in out.iterdir()) == sorted(expected)
    for name in expected:
        assert (out / name).read_bytes() == (ref / name).read_bytes(), name
    assert [t.name for t in tables] == [t.name for t in expected_tables]
    assert [t.rows for t in tables] == [t.rows for t in expected_tables]  # read back as written
    over = tmp_path / "over"
    over.mkdir()
    assert "sezkg.xlsx" not in finish_tables([task() for task in table_tasks(kg, over, lambda: labels(kg))], kg,
                                             over, workbook_rows=sum(t.row_count for t in tables) - 1)[1]


def test_in_memory_table_types_are_read_once_and_follow_new_rows(monkeypatch):
    """A Table reads every column's type in one pass and keeps it while its rows stay as they
    were; a row added afterwards is read again, so a type never outlives the rows it came from."""
    from sezkg.publish import tables as t

    passes = []
    real_add = t._ColumnTypes.add
    monkeypatch.setattr(t._ColumnTypes, "add", lambda self, rows: passes.append(len(rows)) or real_add(self, rows))
    table = t.Table("x", "X", "", ["n", "iri", "when"],
                    [["1", "https://w3id.org/a", "2020-01-31"], ["22", "", "2021-02-28"]])
    assert [table.field_type(c) for c in table.columns] == ["integer", "string", "date"]
    assert [table.has_identifiers(c) for c in table.columns] == [False, True, False]
    assert passes == [2]  # six questions, one pass over the two rows
    table.rows.append(["2.5", "plain words", "soon"])
    assert [table.field_type(c) for c in table.columns] == ["number", "string", "string"]
    assert table.has_identifiers("iri") and not table.has_identifiers("when")
    assert passes == [2, 3]


def _per_value_types(rows: list[list[str]], columns: int) -> tuple[list[str], list[bool]]:
    """The columns' types and identifier flags read a value at a time, as the tables did before
    they searched a chunk's values joined."""
    from sezkg.publish import tables as t

    kinds, identifiers = [], []
    for c in range(columns):
        values = [r[c] for r in rows if r[c] != ""]
        kinds.append(next((name for name, pattern in t._TYPES if all(pattern.fullmatch(v) for v in values)), "string")
                     if values else "string")
        identifiers.append(any(t._is_identifiers(v) for v in values))
    return kinds, identifiers


_CELL_PARTS = ["1", "-2", "3.5", "4e7", "2020-01-31", "true", "false", "https://w3id.org/a", "urn://b", "x", " ",
               " | ", "\n", "\r", "\u2028", "\u0661", ":", "//", "", "mailto:c", "http://d e"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(st.lists(st.sampled_from(_CELL_PARTS), max_size=4).map("".join), min_size=3, max_size=3),
                min_size=1, max_size=12),
       st.integers(min_value=1, max_value=5))
def test_column_types_read_in_chunks_are_the_per_value_ones(rows, chunk):
    """The types and identifier flags found by searching each chunk's values joined by line
    breaks are those a test of every value finds, whatever the values hold (line breaks,
    separators, digits of other scripts) and however the rows are chunked."""
    from sezkg.publish import tables as t

    types = t._ColumnTypes(["a", "b", "c"], set())
    for i in range(0, len(rows), chunk):
        types.add(rows[i:i + chunk])
    assert (types.types(), types.identifiers) == _per_value_types(rows, 3)


def test_column_types_of_lines_that_look_like_values():
    """A value holding a line break is never read as two: its lines may each be a number or an
    IRI while the value is neither."""
    from sezkg.publish import tables as t

    for rows, kinds, identifiers in (
            ([["1\n2"], ["3"]], ["string"], [False]),
            ([["words\nhttps://w3id.org/a"]], ["string"], [False]),
            ([["https://w3id.org/a | urn://b"], ["2"]], ["string"], [True]),
            ([["12"], ["-3"]], ["integer"], [False]),
            ([["12"], ["2.5e3"]], ["number"], [False])):
        types = t._ColumnTypes(["a"], set())
        types.add(rows)
        assert (types.types(), types.identifiers) == (kinds, identifiers) == _per_value_types(rows, 1)
