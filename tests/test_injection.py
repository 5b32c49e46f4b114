"""No parameter value can change a catalogue query: every payload of the corpus, given to every
parameter of every query, on the embedded store and on a live Oxigraph endpoint, is either
refused (UsageError) or runs as a plain value, giving exactly the rows a harmless value of the
same type gives; and nothing is ever written to either store."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import nonempty
from servers import dump_nquads

from sezkg.errors import SezkgError, UsageError
from sezkg.questions.catalogue import Param, Query, catalogue, read_query, run_select
from sezkg.questions.endpoint import RemoteRunner

PAYLOADS = [
    # quotes of every kind SPARQL has, closing the literal and adding a condition
    'x" || true || "', "x' || true || '", 'x""" || true || """', "x''' || true || '''",
    '" } ; DROP ALL ; SELECT * { "', '"\n} DROP ALL #',
    # backslashes and escapes the parser (or a codepoint pre-pass) might undo
    "\\", "a\\\"b", "\\u0022 || true || \\u0022", "\\U00000022) } DROP ALL #", "\\u003e } DROP ALL #",
    # line breaks, braces, comments, slots, the IRI closer
    "x\n} DROP ALL #", "x\r\n# } UNION { ?s ?p ?o }", "}}}} {{{{", "# } DROP ALL", "VALUES ?zone { UNDEF }",
    "VALUES ?text { UNDEF } VALUES ?zone { UNDEF }", "> } DROP ALL #", "'; DROP TABLE x; --",
    '" . } INSERT DATA { <urn:a> <urn:b> <urn:c> } #', "?s ?p ?o", "$zone UNDEF",
    # IRIs, broken and whole (a whole IRI runs, and must match nothing)
    "http://example.org/a> } DROP ALL #", "http://example.org/a b", "http://example.org/<x>",
    'http://example.org/"x"', "http://example.org/{x}", "http://example.org/a|b^c`d", "<http://example.org/a>",
    "http://example.org/no-such-thing#frag", "urn:sezkg-test:nothing", "http://example.org/%3E%20%7D%20DROP%20ALL",
    # very long values
    "q" * 1_000_000, "http://example.org/" + "a" * 100_000, '"' * 10_000,
    # NUL, invisible and unpaired code points, digits of other scripts, number look-alikes
    "\x00", "a\x00b", "http://example.org/\x00", "\u2028\u2029", "\u202e\u200b", "\ud800",
    "٢٠٣٠", "2030 } UNION { ?s ?p ?o", " 2030", "1e3", "NaN)",
]
# One harmless value per parameter type, matching nothing in the data.
HARMLESS = {
    "iri": "http://example.org/sezkg-test/harmless",
    "string": "harmless zqxjv",
    "gyear": "2030",
    "when": "2030",
    "date": "2024-01-01",
    "decimal": "50",
    "integer": "1",
    "boolean": "true",
}


def _harmless(param: Param) -> str:
    """The harmless value of its type; for a parameter that lists its values, the first of them
    (it refuses any other, every payload included)."""
    return param.values[0] if param.values else HARMLESS[param.type]


@dataclass(frozen=True)
class Slot:
    query: Query
    param: Param


SLOTS = nonempty([Slot(q, p) for q in catalogue().values() for p in q.params])


@dataclass
class Tally:
    runs: int = 0
    refused: int = 0
    ran: int = 0
    failures: list[str] = field(default_factory=list)

    def line(self, backend: str) -> str:
        return (f"{backend}: {len(PAYLOADS)} payloads x {len(SLOTS)} parameters = {self.runs} runs, "
                f"{self.refused} refused, {self.ran} ran, {len(self.failures)} failed")


def attack(runner) -> Tally:
    tally = Tally()
    for slot in SLOTS:
        harmless = slot.param.term(_harmless(slot.param))
        expected = run_select(runner, slot.query, {slot.param.name: _harmless(slot.param)})
        for payload in PAYLOADS:
            tally.runs += 1
            where = f"{slot.query.name} ?{slot.param.name} = {payload[:40]!r}"
            try:
                rows = run_select(runner, slot.query, {slot.param.name: payload})
            except UsageError:
                tally.refused += 1
                continue
            except SezkgError as exc:
                tally.failures.append(f"{where}: {type(exc).__name__}: {str(exc)[:200]}")
                continue
            tally.ran += 1
            # A query may echo its parameter (shared-mandates returns ?zone): the payload's
            # rows are the harmless rows with the harmless term read as the payload's term.
            echoed = _as_value(expected, harmless, slot.param.term(payload))
            if rows.variables != expected.variables or _bag(rows) != _bag(echoed):
                tally.failures.append(f"{where}: {len(rows)} rows where the harmless value gives {len(expected)}")
    return tally


def _as_value(rows: list[dict], old: ox.NamedNode | ox.Literal, new: ox.NamedNode | ox.Literal) -> list[dict]:
    return [{k: new if v == old else v for k, v in row.items()} for row in rows]


def _bag(rows: list[dict]) -> list[str]:
    return sorted(repr(sorted((k, str(v)) for k, v in row.items())) for row in rows)


def test_corpus_and_harmless_values_are_meaningful(kg):
    assert len(PAYLOADS) >= 30 and len(set(PAYLOADS)) == len(PAYLOADS)
    assert {s.param.type for s in SLOTS} <= set(HARMLESS)
    # As text, no payload occurs in a name, so a payload that runs as a string must match nothing.
    names = [r["name"].value.lower() for r in run_select(kg, catalogue()["find-by-name"])]
    assert len(names) > 100
    assert not [p for p in PAYLOADS if any(p.lower() in n for n in names)]
    # A bound harmless value does restrict the query: without it, most of them answer rows.
    restricting = [s for s in SLOTS
                   if run_select(kg, s.query) != run_select(kg, s.query, {s.param.name: _harmless(s.param)})]
    assert len(restricting) >= len(SLOTS) * 3 // 4, [f"{s.query.name}?{s.param.name}" for s in SLOTS if s not in restricting]


def test_no_payload_changes_a_query_on_the_embedded_store(kg):
    before = set(kg.store)
    tally = attack(kg)
    print("\n" + tally.line("embedded store"))
    assert not tally.failures, "\n".join(tally.failures)
    assert tally.runs == len(PAYLOADS) * len(SLOTS) and tally.refused and tally.ran
    assert set(kg.store) == before


def test_no_payload_changes_a_query_on_an_endpoint(endpoint):
    base = endpoint.rsplit("/", 1)[0]
    before = dump_nquads(base)
    tally = attack(RemoteRunner(endpoint, timeout=60))
    after = dump_nquads(base)
    print("\n" + tally.line("remote endpoint") + f"; quads before {len(before)}, after {len(after)}")
    assert not tally.failures, "\n".join(tally.failures)
    assert tally.runs == len(PAYLOADS) * len(SLOTS) and tally.refused and tally.ran
    assert after == before and len(before) > 1000


# ---------------------------------------------------------------------------- Query.bind itself

TWO_SLOTS = """# title: Two slots
# question: Which text and zone were bound?
# param: text string - a text
# param: zone iri - a zone
SELECT ?text ?zone WHERE {
  VALUES ?text { UNDEF }
  VALUES ?zone { UNDEF }
}
"""


def test_a_value_reading_like_a_slot_is_not_taken_for_one(tmp_path: Path):
    """Before: ?text was filled first, and ?zone then went into the slot inside its string."""
    path = tmp_path / "two-slots.rq"
    path.write_text(TWO_SLOTS, encoding="utf-8")
    query = read_query(path)
    text = "VALUES ?zone { UNDEF }"
    store = ox.Store()
    rows = list(store.query(query.bind({"text": text, "zone": "http://example.org/z"})))
    assert len(rows) == 1
    assert rows[0]["text"] == ox.Literal(text)
    assert rows[0]["zone"] == ox.NamedNode("http://example.org/z")


@pytest.mark.parametrize("kind, value", [("gyear", "٢٠٣٠"), ("gyear", "２０３０"), ("integer", "١٢"),
                                         ("decimal", "١.٥"), ("date", "٢٠٢٤-01-01"), ("date", "2024-0١-01")])
def test_typed_parameters_take_ascii_digits_only(kind, value):
    param = Param("p", kind)
    with pytest.raises(UsageError):
        param.term(value)


@pytest.mark.parametrize("kind, value, term", [
    ("gyear", "2030", '"2030"^^<http://www.w3.org/2001/XMLSchema#gYear>'),
    ("integer", "-12", '"-12"^^<http://www.w3.org/2001/XMLSchema#integer>'),
    ("decimal", ".5", '".5"^^<http://www.w3.org/2001/XMLSchema#decimal>'),
    ("date", "2024-02-29Z", '"2024-02-29Z"^^<http://www.w3.org/2001/XMLSchema#date>'),
    ("boolean", "true", '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>'),
])
def test_typed_parameters_still_take_ascii_forms(kind, value, term):
    assert str(Param("p", kind).term(value)) == term
