"""KnowledgeGraph.select_tuples_by_subject: a query sorted by ?subject, run over a large store
one range of subjects at a time (so Oxigraph's sort holds a range, not the whole answer), must
give the rows of the one query in the same order."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from sezkg.kg import load as kg_load
from sezkg.kg.load import KnowledgeGraph, _subject_order_place
from sezkg.kg.resources import default_files
from sezkg.questions.catalogue import catalogue

SOURCE = "https://w3id.org/sezkg/source/"


def _ranged(kg, sparql, range_quads):
    """The rows by subject ranges, and how many queries ran."""
    texts = []
    real = KnowledgeGraph.select_tuples

    def counting(self, text):
        texts.append(text)
        return real(self, text)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(KnowledgeGraph, "select_tuples", counting)
        variables, rows = kg.select_tuples_by_subject(sparql, range_quads)
        rows = list(rows)
    return variables, rows, len(texts)


def _whole(kg, sparql):
    variables, rows = kg.select_tuples(sparql)
    return variables, list(rows)


@pytest.mark.parametrize("name", ["tables/statements", "who-says-so"])
@pytest.mark.parametrize("range_quads", [300, 2_000, 10**9])
def test_ranges_give_the_rows_of_the_one_query_in_its_order(kg, name, range_quads):
    folder = default_files().queries
    query = catalogue(folder / "tables")["statements"] if name == "tables/statements" else catalogue(folder)[name]
    sparql = query.bind(None)
    variables, rows, runs = _ranged(kg, sparql, range_quads)
    assert (variables, rows) == _whole(kg, sparql)
    assert len(rows) > 4000
    pieces = -(-len(kg) // range_quads)
    if pieces == 1:
        assert runs == 1
    else:
        # one query a range: the bounds come from a sample, so a few ranges may fall together
        assert pieces - 2 <= runs <= pieces and runs > 1


def _odd_store():
    """Blank nodes, IRIs that differ in their last character, in case or beyond ASCII, and one
    subject with many statements: every kind of subject the ranges must place."""
    store = ox.Store()
    p = ox.NamedNode("https://example.org/p")
    subjects = [ox.BlankNode(f"b{i}") for i in range(5)]
    subjects += [ox.NamedNode(f"https://example.org/{x}") for x in
                 ["a", "a0", "a1", "A", "b", "é", "z", "Ω", "z/é", "zz", "a%20b", "a-b", "a_b", "a~"]]
    for i, s in enumerate(subjects):
        graph = ox.NamedNode(SOURCE + f"g{i % 3}")
        for j in range(3):
            store.add(ox.Quad(s, p, ox.Literal(str(j)), graph))
        store.add(ox.Quad(s, p, ox.Literal(i), graph))
        store.add(ox.Quad(s, p, ox.Literal(f"x{i}", language="en"), graph))
    big = ox.NamedNode("https://example.org/m")
    for j in range(60):
        store.add(ox.Quad(big, p, ox.Literal(j), ox.NamedNode(SOURCE + "g0")))
    return KnowledgeGraph(store)


@pytest.mark.parametrize("range_quads", [1, 7, 20, 50])
def test_ranges_place_every_kind_of_subject(range_quads):
    kg = _odd_store()
    statements = catalogue(default_files().queries / "tables")["statements"].bind(None)
    variables, rows, runs = _ranged(kg, statements, range_quads)
    assert (variables, rows) == _whole(kg, statements)
    assert len(rows) == 19 * 5 + 60 and runs > 1
    # ?subject unbound, a blank node, an IRI or a literal: each row in exactly one range (numbers
    # only: SPARQL leaves the order of a number and a string open, and so a store's sort may
    # place them by the order it met them in)
    sparql = """SELECT ?subject ?x WHERE {
      { GRAPH ?g { ?x ?p ?subject FILTER(isNumeric(?subject)) } } UNION { GRAPH ?g { ?subject ?p ?x } }
      UNION { BIND(1 AS ?x) }
    } ORDER BY ?subject ?x"""
    variables, rows, runs = _ranged(kg, sparql, range_quads)
    assert (variables, rows) == _whole(kg, sparql)
    assert rows[0][0] is None and runs > 1
    assert {type(r[0]) for r in rows} == {type(None), ox.BlankNode, ox.NamedNode, ox.Literal}


@pytest.mark.parametrize("sparql", [
    "SELECT ?subject WHERE { ?subject ?p ?o } ORDER BY ?subject",
    "SELECT ?subject WHERE { ?subject ?p ?o }\nORDER BY ?subject ?p DESC(?o) ASC( ?p )\n",
    "select $subject where { $subject ?p ?o } order  by\n$subject",
])
def test_a_query_sorted_by_subject_takes_a_filter_before_its_last_brace(sparql):
    place = _subject_order_place(sparql)
    assert place is not None and sparql[place] == "}" and "}" not in sparql[place + 1:]


@pytest.mark.parametrize("sparql", [
    "SELECT ?subject WHERE { ?subject ?p ?o }",
    "SELECT ?subject WHERE { ?subject ?p ?o } ORDER BY ?subject LIMIT 10",
    "SELECT ?subject WHERE { ?subject ?p ?o } ORDER BY ?subject OFFSET 3",
    "SELECT ?subject WHERE { ?subject ?p ?o } ORDER BY DESC(?subject)",
    "SELECT ?subject WHERE { ?subject ?p ?o } ORDER BY ?subjects",
    "SELECT ?subject WHERE { ?subject ?p ?o } ORDER BY ?p ?subject",
    "SELECT ?subject WHERE { ?subject ?p ?o } ORDER BY ?subject VALUES ?p { <https://example.org/p> }",
    "SELECT ?subject WHERE { ?subject ?p ?o } ORDER BY ?subject # }",
    "SELECT ?subject WHERE { ?subject ?p ?o } ORDER BY ?subject STR(?o)",
    "SELECT (COUNT(*) AS ?n) WHERE { ?subject ?p ?o } GROUP BY ?subject ORDER BY ?subject",
])
def test_any_other_query_runs_once(kg, sparql, monkeypatch):
    assert _subject_order_place(sparql) is None

    def uncounted(self):
        raise AssertionError("counted the quads for a query that runs once (Oxigraph counts them one by one)")

    monkeypatch.setattr(KnowledgeGraph, "__len__", uncounted)
    variables, rows, runs = _ranged(kg, sparql, 100)
    assert runs == 1 and (variables, rows) == _whole(kg, sparql)


def test_a_query_that_writes_is_refused_before_any_range_runs(kg):
    from sezkg.errors import UsageError

    with pytest.raises(UsageError):
        kg.select_tuples_by_subject("SELECT ?subject WHERE { SERVICE <http://127.0.0.1:9/> { ?subject ?p ?o } } "
                                    "ORDER BY ?subject", 100)


def test_the_default_range_is_the_module_setting(kg, monkeypatch):
    statements = catalogue(default_files().queries / "tables")["statements"].bind(None)
    monkeypatch.setattr(kg_load, "RANGE_QUADS", 1000)
    _, rows, runs = _ranged(kg, statements, None)
    assert runs > 2 and rows == _whole(kg, statements)[1]


def test_the_quads_are_counted_once_while_remembering(kg, monkeypatch):
    """Oxigraph counts a store's quads one by one; the report asks for the count several times
    (and the statements table once more), so inside `remembering()` it is counted once."""
    counts = []

    class CountingStore:
        def __init__(self, store):
            self.store = store

        def __len__(self):
            counts.append(1)
            return len(self.store)

        def __getattr__(self, name):
            return getattr(self.store, name)

    counted = KnowledgeGraph(CountingStore(kg.store), kg.files)
    statements = catalogue(default_files().queries / "tables")["statements"].bind(None)
    monkeypatch.setattr(kg_load, "RANGE_QUADS", 1000)
    assert counted.quad_count() == counted.quad_count() == len(kg.store) and len(counts) == 2
    with counted.remembering():
        assert counted.quad_count() == len(kg.store)
        _, rows = counted.select_tuples_by_subject(statements)
        assert list(rows) == _whole(kg, statements)[1]
        assert counted.quad_count() == len(kg.store)
    assert len(counts) == 3
    with counted.remembering():  # the store may have changed between blocks: counted again
        counted.quad_count()
    assert len(counts) == 4
