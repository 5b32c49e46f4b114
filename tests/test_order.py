"""ORDER BY on the embedded store never aborts the process: sezkg.kg.order rewrites each sort
key so that pyoxigraph compares a total order (pyoxigraph 0.5.13 panics, exit 134, on keys it
cannot all compare, such as numbers beside text), and the order stays the one SPARQL gives."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
from conftest import FIXTURES, run_cli

import sezkg
from sezkg.kg.order import keys, total_order
from sezkg.questions.catalogue import catalogue

FIXTURE = FIXTURES / "mixed-order" / "comments.trig"
XSD = "http://www.w3.org/2001/XMLSchema#"


def _kept(query: str) -> list[str]:
    """The ORDER BY conditions left as they were, read off the rewritten text."""
    text = total_order(query).split("ORDER BY", 1)[1]
    return [c for c in ("ASC(?s)", "ASC(?p)", "ASC(?g)", "ASC(?o)") if c in text]


def test_a_query_without_order_by_is_left_alone():
    query = 'SELECT * WHERE { ?s ?p "ORDER BY ?o" } # ORDER BY ?o\n'
    assert total_order(query) == query


def test_each_condition_becomes_its_keys_and_the_rest_stays():
    query = "SELECT ?o WHERE { ?s ?p ?o } ORDER BY DESC(?o) ?x # a comment\nLIMIT 3"
    assert total_order(query) == ("SELECT ?o WHERE { ?s ?p ?o } ORDER BY " + keys("DESC", "(?o)") + " "
                                  + keys("ASC", "?x") + " # a comment\nLIMIT 3")


def test_a_comment_inside_a_condition_does_not_swallow_the_keys_after_it():
    query = "SELECT (COUNT(?o) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?s ORDER BY DESC(COUNT( # how many\n?o)) ?s"
    rewritten = total_order(query)
    assert "how many" not in rewritten and keys("DESC", "(COUNT( ?o))") in rewritten


def test_a_sub_select_is_sorted_by_its_own_keys():
    query = "SELECT * { { SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o LIMIT 1 } } ORDER BY ?o"
    assert total_order(query).count(keys("ASC", "?o")) == 2


def test_an_order_by_this_reader_does_not_know_is_left_alone():
    for query in ("SELECT * { ?s ?p ?o } ORDER BY ?o ?s ) ", "SELECT * { ?s ?p ?o } ORDER BY (?o"):
        assert total_order(query) == query


@pytest.mark.parametrize(("where", "kept"), [
    ("GRAPH ?g { ?s ?p ?o }", ["ASC(?s)", "ASC(?p)", "ASC(?g)"]),  # subject, variable predicate, graph name
    ("?s a <http://x/C> ; ?p ?o . FILTER(isLiteral(?o))", ["ASC(?s)", "ASC(?p)"]),
    ("{ ?s ?p ?o } ?o ?p ?x", ["ASC(?s)", "ASC(?p)", "ASC(?o)"]),  # ?o is a subject too, so a node
    ("?s <http://x/p>* ?o", []),  # a zero-length path binds ?s to objects as well
    ("?o ^<http://x/p> ?s", []),  # an inverse path: ?o is the object
    ("OPTIONAL { ?s ?p ?o }", []),
    ("{ ?s ?p ?o } UNION { ?o ?p ?s }", []),
    ("MINUS { ?s ?p ?o } ?x ?y ?o", []),
    ("{ SELECT ?s ?p ?o WHERE { ?s ?p ?o } }", []),
    ("VALUES ?s { 1 } ?x ?p ?o", ["ASC(?p)"]),
    ("?x ?p [ ?q ?o ] . BIND(?x AS ?s)", ["ASC(?p)"]),
    ("FILTER NOT EXISTS { ?s ?p ?o } ?s2 ?p2 ?o2", []),
])
def test_only_variables_certainly_bound_to_nodes_keep_their_plain_key(where, kept):
    assert _kept(f"SELECT * WHERE {{ {where} }} ORDER BY ?s ?p ?g ?o") == kept


def test_str_of_anything_is_plain_text_and_keeps_its_key():
    query = "SELECT * WHERE { OPTIONAL { ?s ?p ?o } } ORDER BY STR(?o) DESC(STR(?s))"
    assert total_order(query) == "SELECT * WHERE { OPTIONAL { ?s ?p ?o } } ORDER BY ASC(STR(?o)) DESC((STR(?s)))"


# Run apart: were a rewrite wrong, pyoxigraph would abort the process running it, not fail a test.
_FUZZ = textwrap.dedent('''
    import json, math, random, struct, sys
    import pyoxigraph as ox
    from sezkg.kg.order import total_order

    XSD = "http://www.w3.org/2001/XMLSchema#"
    NUMERIC = {XSD + "integer", XSD + "decimal", XSD + "double", XSD + "float"}

    def term(r):
        kind = r.randrange(10)
        n = r.choice([r.randrange(-50, 100), r.randrange(10**15, 10**16)])  # Oxigraph's numbers: i64, i128 decimals
        if kind == 0: return ox.NamedNode(f"http://x/{r.randrange(100)}")
        if kind == 1: return ox.Literal(str(n), datatype=ox.NamedNode(XSD + "integer"))
        if kind == 2: return ox.Literal(f"{n}.{r.randrange(10)}", datatype=ox.NamedNode(XSD + "decimal"))
        if kind == 3: return ox.Literal(r.choice(["1.5E1", "INF", "-INF", "NaN", "2.25"]), datatype=ox.NamedNode(XSD + "double"))
        if kind == 4: return ox.Literal(r.choice(["1.1", "-0.5", "3"]), datatype=ox.NamedNode(XSD + "float"))
        if kind == 5: return ox.Literal(r.choice(["a", "b", "10", "9", "Ä", ""]) + str(r.randrange(20)))
        if kind == 6: return ox.Literal(r.choice(["a", "10", "z"]), language=r.choice(["en", "kk", "ru"]))
        if kind == 7: return ox.Literal(f"20{r.randrange(10, 30)}-0{r.randrange(1, 10)}-1{r.randrange(10)}", datatype=ox.NamedNode(XSD + "date"))
        if kind == 8: return ox.Literal(r.choice(["true", "false"]), datatype=ox.NamedNode(XSD + "boolean"))
        return ox.Literal(f"20{r.randrange(10, 30)}", datatype=ox.NamedNode(XSD + "gYear"))

    def reference(t):
        # the order the rewritten keys give, in Python: see sezkg.kg.order
        if t is None:
            return ((0,),)
        if not isinstance(t, ox.Literal):
            return ((1, 0, t.value),)  # the IRI itself, before any literal
        number = math.inf
        if t.datatype.value in NUMERIC:
            number = float(t.value)
            if t.datatype.value == XSD + "float":
                number = struct.unpack("f", struct.pack("f", number))[0]
            if math.isnan(number):
                number = math.inf
        return ((1, 1, number), (1, t.value), (1, t.language or ""), (1, t.datatype.value))

    failures = []
    for seed in range(int(sys.argv[1])):
        r = random.Random(seed)
        store = ox.Store()
        terms = {term(r) for _ in range(r.choice([25, 40, 80, 200]))}
        for i, t in enumerate(terms):
            store.add(ox.Quad(ox.NamedNode("http://x/s"), ox.NamedNode(f"http://x/p{i}"), t))
        direction = r.choice(["ASC", "DESC"])
        # ?o optional, so that unbound values are sorted too
        query = ("SELECT ?o WHERE { ?s ?p ?x OPTIONAL { ?s ?p ?o FILTER(?o != <http://x/1>) } } "
                 f"ORDER BY {direction}(?o)")
        got = [row[0] for row in store.query(total_order(query))]
        rows = [row[0] for row in store.query(query.split(" ORDER BY ")[0])]  # as stored: "1.5E1" is 15
        want = sorted(rows, key=reference, reverse=direction == "DESC")
        if [str(t) for t in got] != [str(t) for t in want]:
            failures.append({"seed": seed, "got": [str(t) for t in got], "want": [str(t) for t in want]})
    print(json.dumps(failures[:3]))
''')


def test_rewritten_keys_sort_any_mix_of_values_in_the_order_they_promise():
    proc = subprocess.run([sys.executable, "-c", _FUZZ, "300"], capture_output=True, timeout=600)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")[-2000:]
    assert json.loads(proc.stdout) == []


def test_the_knowledge_graph_sorts_mixed_values_the_raw_store_cannot():
    kg = sezkg.load(data=[FIXTURE])
    rows = kg.select("SELECT ?c WHERE { GRAPH <https://w3id.org/sezkg/source/mixed-values> { ?zone ?comment ?c } } "
                     "ORDER BY ?c")
    values = [row["c"] for row in rows]
    assert len(values) == 29  # thirty written, one twice
    numbers = [v for v in values if v.datatype.value in (XSD + "integer", XSD + "decimal")]
    assert values[:len(numbers)] == numbers  # numbers first, by value
    assert [float(v.value) for v in numbers] == sorted(float(v.value) for v in numbers)
    text = [v.value for v in values[len(numbers):]]
    assert text == sorted(text) and len(text) > 5  # then text, plain or tagged, by its characters


def test_sezkg_tables_writes_a_statements_table_of_mixed_values(tmp_path):
    run_cli("tables", "--data", str(FIXTURE), str(tmp_path / "tables"), check=0)
    lines = (tmp_path / "tables" / "statements.csv").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 30 and all(line.count("mixed-values") == 1 for line in lines[1:])


def test_every_catalogue_query_answers_the_rows_it_answered_before(kg, kg_files):
    """On the bundled data, where Oxigraph's own order is a total one, the rewritten keys give
    the very rows in the very order (ties aside: equal keys, equal rows here)."""
    queries = [*catalogue().values(), *catalogue(kg_files.queries / "tables").values()]
    sorted_queries = [q for q in queries if "ORDER BY" in q.bind(None)]
    assert len(sorted_queries) > 40
    changed = 0
    for query in sorted_queries:
        text = query.bind(None)
        if total_order(text) != text:
            changed += 1
        raw = [tuple(row) for row in kg.store.query(text, use_default_graph_as_union=True)]
        assert list(kg.select_tuples(text)[1]) == raw, query.name
    assert changed > 30
