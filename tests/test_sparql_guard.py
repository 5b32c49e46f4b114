"""The read-only SPARQL guard: refuses updates, SERVICE and LOAD wherever a parser would see
them as keywords, and nowhere else (strings, IRIs, comments, prefixed names, variables)."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest

from sezkg.errors import UsageError
from sezkg.kg.sparql_guard import check_read_only, tokenize

# A SERVICE IRI on a port Oxigraph refuses to call: running these really reaches SERVICE,
# and the error says so without any connection being made.
NOWHERE = "http://127.0.0.1:1/"

REFUSED = {
    "service": f"SELECT * {{ SERVICE <{NOWHERE}> {{ ?s ?p ?o }} }}",
    "service lowercase": f"select * {{ service <{NOWHERE}> {{ ?s ?p ?o }} }}",
    "service mixed case, silent": f"SELECT * {{ ?s ?p ?o . sErViCe SILENT <{NOWHERE}> {{ ?a ?b ?c }} }}",
    "service without spaces": f"SELECT * WHERE{{SERVICE<{NOWHERE}>{{?a ?b ?c}}}}",
    "service on a variable": "SELECT * { SERVICE ?x { ?a ?b ?c } }",
    "service as a prefix before a group": f"PREFIX : <{NOWHERE}> SELECT * {{ SERVICE:x {{ ?a ?b ?c }} }}",
    "service after a comment line": f"SELECT * {{ # a comment\nSERVICE <{NOWHERE}> {{ ?a ?b ?c }} }}",
    # Oxigraph reads \u005C as an escaped backslash inside the string, so the string ends
    # there and SERVICE is code; SPARQL's own pre-parse unescaping would hide it in the string.
    "service after a \\u escape in a string": f'SELECT * {{ ?s ?p "a\\u005C" . SERVICE <{NOWHERE}> {{ ?a ?b ?c }} }} #"',
    # `<?b)'>` looks like an IRI, but it is `<` `?b` `)` and a string opening: SERVICE is code.
    "service after a comparison that looks like an IRI":
        "PREFIX ex: <http://ex/> SELECT * { BIND(1 AS ?a) BIND(2 AS ?b) FILTER(?a<?b)'> ' ^ex:p ?s . "
        f"SERVICE <{NOWHERE}> {{?x ?y ?z}} ?s ex:p '<'}}",
    "service spelled with a \\u escape": f"SELECT * {{ \\u0053ERVICE <{NOWHERE}> {{ ?a ?b ?c }} }}",
    "insert data": "INSERT DATA { <http://ex/s> <http://ex/p> <http://ex/o> }",
    "delete where": "delete where { ?s ?p ?o }",
    "load": "LOAD <http://127.0.0.1:1/data.ttl>",
    "load into graph": "Load Silent <http://ex/x> INTO GRAPH <http://ex/g>",
    "drop all": "DROP ALL",
    "clear": "clear default",
    "create": "CREATE GRAPH <http://ex/g>",
    "copy": "COPY DEFAULT TO <http://ex/g>",
    "move": "MOVE <http://ex/a> TO <http://ex/b>",
    "add": "ADD <http://ex/a> TO <http://ex/b>",
    "with ... delete": "WITH <http://ex/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "update after a query": "SELECT * { ?s ?p ?o } ; DROP ALL",
}

ALLOWED = {
    "keyword in a short string": "SELECT * { ?s ?p 'SERVICE <http://x/> {}' }",
    "keyword in a double-quoted string": 'SELECT * { ?s ?p "INSERT DATA { } ; DROP ALL" }',
    "keyword in a long string": "SELECT * { ?s ?p '''it's a ''SERVICE'' or LOAD''' }",
    "keyword in a long double-quoted string": 'SELECT * { ?s ?p """a "SERVICE" b\nDROP ALL""" }',
    "escaped quote in a string": r'SELECT * { ?s ?p "a \" SERVICE <x> {} \" b" }',
    "keyword in an IRI": "SELECT * { ?s <http://example.org/service/load#drop> ?o }",
    "sparql-service-description IRI":
        "PREFIX sd: <http://www.w3.org/ns/sparql-service-description#> SELECT * { ?s a sd:Service }",
    "keyword as a local name": "PREFIX ex: <http://ex/> SELECT * { ?s ex:service ?o . ?s ex:INSERT ex:drop }",
    "keyword as a prefix in a triple": "PREFIX service: <http://x/> SELECT * { service:x ?b ?c }",
    "keyword as variables": "SELECT ?service $load ?drop { ?service ?load $drop }",
    "keyword in a comment": "SELECT * { ?s ?p ?o } # SERVICE <http://x/> { } and DROP ALL",
    "keyword as a language tag": 'SELECT * { ?s ?p "x"@service }',
    "escaped quote in a local name": r"PREFIX ex: <http://ex/> SELECT * { ?s ?p ex:a\'b }",
    "comparison": "SELECT * { ?s ?p ?o FILTER(?o<?s) }",
    "from": "SELECT * FROM <http://ex/g> FROM NAMED <http://ex/h> { ?s ?p ?o }",
    "an ordinary query": "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                         "SELECT ?x (COUNT(*) AS ?n) WHERE { ?x rdfs:label ?l } GROUP BY ?x ORDER BY DESC(?n) LIMIT 3",
}


@pytest.mark.parametrize("query", list(REFUSED.values()), ids=list(REFUSED))
def test_refuses_updates_service_and_load(query):
    with pytest.raises(UsageError) as info:
        check_read_only(query)
    message = str(info.value)
    assert "refused" in message and re.search(r"\(line \d+, column \d+\)", message)
    assert "\n" not in message


@pytest.mark.parametrize("query", list(ALLOWED.values()), ids=list(ALLOWED))
def test_lets_read_only_queries_through(query):
    check_read_only(query)


def test_messages_name_the_keyword_and_where():
    with pytest.raises(UsageError, match=r"SERVICE is refused \(line 2, column 3\)"):
        check_read_only("SELECT * {\n  service <http://x/> { ?s ?p ?o } }")
    with pytest.raises(UsageError, match=r"LOAD is refused \(line 1, column 1\)"):
        check_read_only("load <http://x/>")
    with pytest.raises(UsageError, match=r"update operation DROP is refused"):
        check_read_only("drop graph <http://x/>")


def test_brackets_nested_too_deep_for_the_parser_are_refused(tmp_path):
    """Oxigraph's parser recurses: ~2,500 nested groups kill the process with a segmentation
    fault, so the guard refuses the query before it gets there, with where it went too deep."""
    from conftest import run_cli

    from sezkg.kg.sparql_guard import MAX_NESTING

    def nested(depth: int) -> str:
        return "SELECT * WHERE {" + "{" * depth + "?s ?p ?o" + "}" * depth + "} LIMIT 1"

    fine = nested(MAX_NESTING - 1)
    check_read_only(fine)
    assert list(ox.Store().query(fine)) == []
    parentheses = "SELECT * WHERE { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }"
    for query in (nested(MAX_NESTING), nested(5000), parentheses):
        with pytest.raises(UsageError, match=rf"nests brackets more than {MAX_NESTING} deep \(line 1, column \d+\)"):
            check_read_only(query)
    deep = tmp_path / "deep.rq"
    deep.write_text(nested(5000), encoding="utf-8")
    proc = run_cli("query", str(deep))
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-500:])
    assert f"nests brackets more than {MAX_NESTING} deep" in proc.stderr.decode()


def test_expressions_with_too_many_operators_for_the_parser_are_refused(tmp_path):
    """Each operator of `1 + 1 + ...` or `!!!...` is a level of Oxigraph's expression tree: ~8,000
    of them crash it as nested brackets do. The operators the open groups hold are counted."""
    from conftest import run_cli

    from sezkg.kg.sparql_guard import MAX_OPERATORS

    def chain(n: int) -> str:
        return "SELECT ?x WHERE { BIND(" + " + ".join(["1"] * n) + " AS ?x) }"

    fine = chain(MAX_OPERATORS)  # n terms, n - 1 operators
    check_read_only(fine)
    assert [s["x"].value for s in ox.Store().query(fine)] == [str(MAX_OPERATORS)]
    many = "SELECT * WHERE { " + " ".join("FILTER(" + " + ".join(["1"] * 50) + " > 0)" for _ in range(100)) + " }"
    check_read_only(many)  # 5,000 operators, none of them inside another's group
    assert len(list(ox.Store().query(many))) == 1
    negations = "SELECT * WHERE { FILTER(" + "!" * 20_000 + "true) }"
    split = "SELECT * WHERE { FILTER(" + "1 + " * 1_000 + "(" + "1 + " * 1_001 + "1)) }"  # across groups
    for query in (chain(MAX_OPERATORS + 2), chain(10_000), negations, split):
        with pytest.raises(UsageError, match=rf"more than {MAX_OPERATORS:,} operators in one expression \(line 1"):
            check_read_only(query)
    long = tmp_path / "long.rq"
    long.write_text(negations, encoding="utf-8")
    proc = run_cli("query", str(long))
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-500:])
    assert "operators in one expression" in proc.stderr.decode()


def test_from_is_refused_only_when_asked():
    query = ALLOWED["from"]
    check_read_only(query)
    with pytest.raises(UsageError, match="FROM and FROM NAMED are refused"):
        check_read_only(query, allow_from=False)
    check_read_only("SELECT * { GRAPH ?g { ?s ?p 'FROM' } }", allow_from=False)


@pytest.mark.parametrize("name", ["service as a prefix before a group", "service after a \\u escape in a string",
                                  "service after a comparison that looks like an IRI", "service without spaces"])
def test_the_tricky_refusals_are_real_service_calls_in_oxigraph(name):
    """Each tricky query really runs SERVICE in Oxigraph (pyoxigraph refuses port 1 before
    connecting, and says so): the guard refuses real attacks, not imagined ones."""
    store = ox.Store()
    for value in ("> ", "<", "a\\"):
        store.add(ox.Quad(ox.NamedNode("http://ex/s"), ox.NamedNode("http://ex/p"), ox.Literal(value)))
    with pytest.raises(OSError, match="port 1 is not allowed"):
        list(store.query(REFUSED[name]))


def test_the_guard_reads_ambiguous_places_both_ways():
    """A plain left-to-right reading would hide SERVICE in a string; the guard also reads the
    `<` as an operator, and refuses (see the test above: Oxigraph runs that SERVICE)."""
    query = REFUSED["service after a comparison that looks like an IRI"]
    plain = [t for t in tokenize(query) if t.kind == "word" and t.text.upper() == "SERVICE"]
    assert plain == []  # in the IRI reading, SERVICE sits inside the string '> ... SERVICE ... '
    offset = query.index("<?b)")
    operator = [t for t in tokenize(query, frozenset({offset})) if t.kind == "word" and t.text.upper() == "SERVICE"]
    assert len(operator) == 1


def test_tokens_cover_the_query_exactly():
    query = ALLOWED["an ordinary query"] + " # end\n" + ALLOWED["keyword in a long string"]
    tokens = tokenize(query)
    assert "".join(t.text for t in tokens) == query
    kinds = {t.kind for t in tokens}
    assert {"iri", "pname", "var", "word", "string", "comment", "number", "punct", "space"} <= kinds
