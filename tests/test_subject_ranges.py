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


def _ranged(kg, sparql, range_quads, texts=None):
    """The rows by subject ranges, and how many queries ran (their texts added to `texts`)."""
    texts = [] if texts is None else texts
    whole, ranged = KnowledgeGraph.select_tuples, KnowledgeGraph._tuples

    def counting(real):
        def run(self, text):
            texts.append(text)
            return real(self, text)
        return run

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(KnowledgeGraph, "select_tuples", counting(whole))
        patch.setattr(KnowledgeGraph, "_tuples", counting(ranged))
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
    texts = []
    variables, rows, runs = _ranged(kg, sparql, range_quads, texts)
    assert (variables, rows) == _whole(kg, sparql)
    assert len(rows) > 4000
    pieces = -(-len(kg) // range_quads)
    if pieces == 1:
        assert runs == 1
    else:
        # one query a range, each a VALUES list of like length (the KG has no blank nodes)
        assert pieces - 2 <= runs <= pieces and runs > 1
        assert all("VALUES ?subject {" in t and "STR(?subject)" not in t for t in texts)


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
    texts = []
    variables, rows, runs = _ranged(kg, statements, range_quads, texts)
    assert (variables, rows) == _whole(kg, statements)
    assert len(rows) == 19 * 5 + 60 and runs > 1
    # the blank nodes in a range of their own, first; then lists of the IRIs
    assert "FILTER(isBlank(?subject))" in texts[0] and all("VALUES ?subject {" in t for t in texts[1:])
    # ?subject unbound, a blank node, an IRI or a literal: each row in exactly one range (numbers
    # only: SPARQL leaves the order of a number and a string open, and so a store's sort may
    # place them by the order it met them in)
    sparql = """SELECT ?subject ?x WHERE {
      { GRAPH ?g { ?x ?p ?subject FILTER(isNumeric(?subject)) } } UNION { GRAPH ?g { ?subject ?p ?x } }
      UNION { BIND(1 AS ?x) }
    } ORDER BY ?subject ?x"""
    texts = []
    variables, rows, runs = _ranged(kg, sparql, range_quads, texts)
    assert (variables, rows) == _whole(kg, sparql)
    assert rows[0][0] is None and runs > 1
    assert all("STR(?subject)" in t and "VALUES ?subject {" not in t for t in texts)  # FILTER ranges
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
    """VALUES ranges (the statements table) hold LIST_RANGE_QUADS quads, FILTER ranges (a query
    that may bind ?subject to what no triple has as subject) RANGE_QUADS, as each of those reads
    the whole store."""
    statements = catalogue(default_files().queries / "tables")["statements"].bind(None)
    filtered = "SELECT ?subject ?p WHERE { ?x ?p ?o BIND(?x AS ?subject) } ORDER BY ?subject ?p"
    pieces = -(-len(kg) // 1000)
    for lists, filters, runs_of in ((1000, 10**9, {statements: pieces, filtered: 1}),
                                    (10**9, 1000, {statements: 1, filtered: pieces})):
        monkeypatch.setattr(kg_load, "LIST_RANGE_QUADS", lists)
        monkeypatch.setattr(kg_load, "RANGE_QUADS", filters)
        for sparql, expected_runs in runs_of.items():
            texts: list[str] = []
            _, rows, runs = _ranged(kg, sparql, None, texts)
            assert runs == expected_runs, (lists, filters, sparql)
            assert rows == _whole(kg, sparql)[1]


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


@pytest.mark.parametrize(("sparql", "binds"), [
    ("SELECT ?subject WHERE { ?subject ?p ?o } ORDER BY ?subject", True),
    ("SELECT ?subject WHERE { GRAPH ?g { ?subject a ?o } FILTER(?o != 1) BIND(1 AS ?x) } ORDER BY ?subject", True),
    ("SELECT ?subject WHERE { ?x ?p ?o OPTIONAL { ?subject ?q ?x } ?subject ?r ?o } ORDER BY ?subject", True),
    ("SELECT ?subject WHERE { { ?subject ?p ?o } UNION { ?subject ?q ?o } } ORDER BY ?subject", True),
    ("SELECT DISTINCT ?subject WHERE { ?subject ?p ?o MINUS { ?subject ?p 1 } } ORDER BY ?subject", True),
    ("SELECT ?subject WHERE { VALUES ?subject { UNDEF } ?subject ?p ?o } ORDER BY ?subject", True),
    # ?subject may be unbound, or bound to something that is not the subject of a stored triple
    ("SELECT ?subject WHERE { ?x ?p ?o OPTIONAL { ?subject ?q ?x } } ORDER BY ?subject", False),
    ("SELECT ?subject WHERE { { ?subject ?p ?o } UNION { ?o ?p ?subject } } ORDER BY ?subject", False),
    ("SELECT ?subject WHERE { ?o ?p ?subject } ORDER BY ?subject", False),
    ("SELECT ?subject WHERE { ?subject <https://example.org/p>* ?o } ORDER BY ?subject", False),
    ("SELECT ?subject WHERE { ?subject ^<https://example.org/p> ?o } ORDER BY ?subject", False),
    ("SELECT ?subject WHERE { GRAPH ?subject { ?s ?p ?o } } ORDER BY ?subject", False),
    ("SELECT ?subject WHERE { ?x ?p ?o BIND(?x AS ?subject) } ORDER BY ?subject", False),
    ("SELECT (?s AS ?subject) WHERE { ?s ?p ?o } ORDER BY ?subject", False),
    ("SELECT ?subject WHERE { { SELECT ?subject WHERE { ?subject ?p ?o } } } ORDER BY ?subject", False),
    ("SELECT ?subject WHERE { VALUES ?subject { <https://example.org/a> } } ORDER BY ?subject", False),
    ("SELECT ?subject WHERE { ?x ?p ?o MINUS { ?subject ?p ?o } } ORDER BY ?subject", False),
    ("SELECT ?subject WHERE { ?subject ex:p ?o } ORDER BY ?subject", False),  # unknown prefix: not read
])
def test_which_queries_bind_subject_as_a_subject(sparql, binds):
    assert kg_load._binds_a_subject(sparql) is binds


def test_the_catalogue_queries_sorted_by_subject_take_values_lists():
    folder = default_files().queries
    sorted_by_subject = [q for q in [*catalogue(folder).values(), *catalogue(folder / "tables").values()]
                         if _subject_order_place(q.bind(None)) is not None]
    assert len(sorted_by_subject) >= 3
    assert all(kg_load._binds_a_subject(q.bind(None)) for q in sorted_by_subject)


OPTIONAL_SUBJECT = """SELECT ?subject ?x WHERE {
  GRAPH ?g { ?x ?p ?o } OPTIONAL { GRAPH ?g { ?subject ?p ?x } }
} ORDER BY ?subject ?x ?o"""


def test_a_subject_bound_only_in_an_optional_takes_filter_ranges(monkeypatch):
    kg = _odd_store()
    texts = []
    variables, rows, runs = _ranged(kg, OPTIONAL_SUBJECT, 20, texts)
    assert (variables, rows) == _whole(kg, OPTIONAL_SUBJECT)
    assert runs > 1 and all("VALUES" not in t for t in texts)
    assert any(r[0] is None for r in rows)
    # a VALUES list joined to this query would bind ?subject in the rows where it is unbound
    monkeypatch.setattr(kg_load, "_binds_a_subject", lambda sparql: True)
    assert _ranged(kg, OPTIONAL_SUBJECT, 20)[1] != rows


def test_values_lists_cover_subjects_of_the_default_graph_too():
    kg = _odd_store()
    p = ox.NamedNode("https://example.org/q")
    for i in range(30):
        kg.store.add(ox.Quad(ox.NamedNode(f"https://example.org/default/{i}"), p, ox.Literal(i), ox.DefaultGraph()))
    sparql = "SELECT ?subject ?o WHERE { ?subject ?p ?o } ORDER BY ?subject ?o"
    texts = []
    variables, rows, runs = _ranged(kg, sparql, 20, texts)
    assert (variables, rows) == _whole(kg, sparql)
    assert runs > 2 and "VALUES" in texts[-1]
    assert any(r[0].value.startswith("https://example.org/default/") for r in rows)
