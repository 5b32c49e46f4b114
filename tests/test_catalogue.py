"""The catalogue's file format: headers and parameter slots are checked when a query is read."""

from __future__ import annotations

import re

import pytest
from conftest import run_cli

from sezkg.errors import InputError
from sezkg.questions.catalogue import catalogue, read_query, run_select, unordered
from sezkg.questions.overlaps import labels

GOOD = "# title: T\n# question: Q?\n# param: zone iri - a zone\nSELECT * WHERE { VALUES ?zone { UNDEF } ?zone ?p ?o }\n"


def _write(tmp_path, text: str):
    path = tmp_path / "q.rq"
    path.write_text(text, encoding="utf-8")
    return path


def test_good_query_reads(tmp_path):
    query = read_query(_write(tmp_path, GOOD))
    assert (query.title, query.question) == ("T", "Q?")
    assert [(p.name, p.type, p.doc) for p in query.params] == [("zone", "iri", "a zone")]
    assert "VALUES ?zone { <https://example.org/z> }" in query.bind({"zone": "https://example.org/z"})


@pytest.mark.parametrize("text, message, line", [
    (GOOD.replace("# title: T\n", ""), "no '# title:' header line", 1),
    (GOOD.replace("# question: Q?\n", ""), "no '# question:' header line", 1),
    (GOOD.replace("zone iri", "zone colour"), "bad parameter line", 3),
    (GOOD.replace("VALUES ?zone { UNDEF } ", ""), "needs exactly one 'VALUES ?zone { UNDEF }'", 3),
    (GOOD.replace("zone iri -", "zone iri = not-an-iri -"), None, None),
])
def test_bad_query_file_is_refused_at_its_line(tmp_path, text, message, line):
    path = _write(tmp_path, text)
    with pytest.raises(Exception) as info:
        read_query(path)
    if message is not None:
        assert isinstance(info.value, InputError)
        assert message in str(info.value) and info.value.line == line
    else:
        assert "parameter 'zone' takes an IRI" in str(info.value)


def test_every_catalogue_query_has_a_header():
    queries = catalogue()
    assert len(queries) >= 20
    for query in queries.values():
        assert query.title and query.question.endswith("?"), query.name


def test_cli_lists_the_catalogue():
    lines = run_cli("queries", check=0).stdout.decode().splitlines()
    names = [line for line in lines if line and not line.startswith(" ")]
    assert names == list(catalogue())
    # Each query is listed with its question and its parameters.
    assert len(lines) == 3 * len(names)
    assert all(line.startswith("  parameters: ") for line in lines[2::3])


def test_a_parameter_given_several_values_takes_each_of_them(kg):
    """who-says-so for three subjects at once: the rows of the three one-subject runs, in the
    same order; every value is checked as a single one is."""
    from sezkg.errors import UsageError
    from sezkg.questions.catalogue import run_select

    query = catalogue()["who-says-so"]
    subjects = ["https://w3id.org/sezkg/id/zone/saryarka", "https://w3id.org/sezkg/id/org/kazakh-invest",
                "https://w3id.org/sezkg/id/zone/astana-new-city"]
    # The query orders by subject first: the runs for each subject, in the subjects' order.
    one_by_one = [row for s in sorted(subjects) for row in run_select(kg, query, {"subject": s})]
    at_once = run_select(kg, query, {"subject": subjects})
    assert len(at_once) > 30 and {r["subject"].value for r in at_once} == set(subjects)
    assert [dict(r) for r in at_once] == [dict(r) for r in one_by_one]
    assert run_select(kg, query, {"subject": []}) == []
    with pytest.raises(UsageError, match="takes an IRI"):
        query.bind({"subject": [subjects[0], "https://x.org/a> } ?s ?p ?o . { <https://x.org/b"]})


@pytest.mark.parametrize("kind, value, ok", [
    ("when", "2015", True), ("when", "2024-03", True), ("when", "2024-02-29", True), ("when", "2000-02-29", True),
    ("when", "2021-02-30", False), ("when", "2023-02-29", False), ("when", "2025-06-31", False),
    ("when", "1900-02-29", False), ("date", "2019-09-30", True), ("date", "2019-09-30Z", True),
    ("date", "2019-09-31", False), ("date", "2100-02-29+05:00", False), ("date", "12000-02-29", True),
    ("date", "12001-02-29", False), ("date", "0000-02-29", True), ("date", "0000-02-30", False),
])
def test_a_day_must_be_on_the_calendar(kind, value, ok):
    """The forms bound a day to 31; a query given 2021-02-30 would answer for a day that never was."""
    from sezkg.errors import UsageError
    from sezkg.questions.catalogue import Param

    param = Param("date", kind)
    if ok:
        assert param.term(value).value == value
    else:
        with pytest.raises(UsageError, match=re.escape(f"'{value}' is not one (not a date: ")):
            param.term(value)


def test_a_string_parameter_may_list_the_values_it_takes(tmp_path):
    """`{a, b}` after the type: other values are refused with the list, not answered with no rows."""
    from sezkg.errors import UsageError

    text = GOOD.replace("# param: zone iri - a zone\n", "# param: zone string {north, south} = north - a side\n")
    param = read_query(_write(tmp_path, text)).params[0]
    assert (param.values, param.default, param.doc, param.kind) == (("north", "south"), "north", "a side", "north|south")
    assert param.term("south").value == "south"
    with pytest.raises(UsageError, match="parameter 'zone' takes one of north, south; 'west' is not one$"):
        param.term("west")
    for bad in ("zone iri {a, b}", "zone string {a, , b}", "zone string {}", "zone string {a} = c"):
        with pytest.raises(InputError):
            read_query(_write(tmp_path, GOOD.replace("zone iri", bad)))


def test_unordered_drops_only_a_closing_order_by(tmp_path):
    head = "# title: T\n# question: Q?\nSELECT ?s WHERE { ?s ?p ?o }\n"
    closing = read_query(_write(tmp_path, head + "# sorted\nORDER BY STR(?s) DESC(?o)\n\n"))
    assert unordered(closing).text == head + "# sorted\n"
    assert unordered(closing).name == closing.name and unordered(closing).params == closing.params
    limited = read_query(_write(tmp_path, head + "ORDER BY ?s\nLIMIT 5\n"))
    assert unordered(limited) is limited  # the order decides which rows come back
    inner = read_query(_write(tmp_path, "# title: T\n# question: Q?\n"
                                        "SELECT ?s WHERE { { SELECT ?s WHERE { ?s ?p ?o }\nORDER BY ?s\nLIMIT 1 } }\n"))
    assert unordered(inner) is inner


def test_labels_unordered_are_the_ordered_query_s_in_its_order(kg):
    queries = catalogue()
    for lang in ("en", "ru", "kk"):
        ordered = [(r["thing"].value, r["label"].value) for r in run_select(kg, queries["labels"], {"lang": lang})]
        assert len(ordered) > 900
        assert list(labels(kg, queries, lang).items()) == ordered


def test_no_catalogue_query_answers_the_same_row_twice(kg):
    """The union default graph holds a triple once per source graph that states it, so a query
    that reads such a triple outside GRAPH gave its row once per source: the front page listed
    one figure four times. Every query, the tables' among them, answers each row once."""
    from sezkg.kg.resources import default_files

    queries = {**catalogue(), **{f"tables/{n}": q for n, q in catalogue(default_files().queries / "tables").items()}}
    assert len(queries) > 40  # the catalogue and the tables' queries, not an empty folder
    repeated = {}
    for name, query in sorted(queries.items()):
        rows = [tuple(sorted((k, str(v)) for k, v in row.items())) for row in run_select(kg, query)]
        if len(rows) != len(set(rows)):
            repeated[name] = len(rows) - len(set(rows))
    assert repeated == {}
