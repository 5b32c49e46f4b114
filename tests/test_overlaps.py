"""Overlaps an analyst can sign off: one identity per body, time-aware mandates, claims over
time told apart, findings as hyperedges, patterns with their corroboration, and a stated order.

The fixtures in tests/fixtures/time/ reach the logic the real data never does."""

from __future__ import annotations

import pytest
from conftest import FIXTURES

import sezkg
from sezkg.questions.catalogue import Query, catalogue, run_select
from sezkg.questions.kinds import DOCUMENTED, DOCUMENTED_AND_INFERRED, INFERRED, KINDS, OTHER
from sezkg.questions.overlaps import find_overlaps

FX = "https://w3id.org/sezkg/id/fixture/"
FN = "https://w3id.org/sezkg/scheme/governance-function/"
ID = "https://w3id.org/sezkg/id/"


@pytest.fixture(scope="module")
def timeline():
    return sezkg.load(data=[FIXTURES / "time" / "mandates-over-time.trig"])


@pytest.fixture(scope="module")
def claims():
    return sezkg.load(data=[FIXTURES / "time" / "claims-over-time.trig"])


def ask(kg, name: str, **params: str):
    return run_select(kg, catalogue()[name], params or None)


def tail(term) -> str:
    return term.value.rsplit("/", 1)[-1]


def holders(kg, function: str, date: str, zone: str = FX + "zone") -> dict[str, str]:
    rows = ask(kg, "function-holders", function=FN + function, zone=zone, date=date)
    return {tail(r["holder"]): r["nameOnDate"].value if "nameOnDate" in r else "" for r in rows}


# ------------------------------------------------------------------ time

def test_fixtures_are_valid(timeline, claims):
    assert sezkg.validate(timeline).conforms
    assert sezkg.validate(claims).conforms


def test_mandates_whose_intervals_do_not_meet_do_not_overlap(timeline):
    pairs = {(tail(r["holderA"]), tail(r["holderB"])) for r in ask(timeline, "shared-mandates")}
    assert ("org-a", "org-b") not in pairs
    # C (founded July 2004, undated mandate) meets A (until June 2005) and B (from 2010).
    assert {("org-a", "org-c"), ("org-b", "org-c")} <= pairs


def test_a_body_is_not_returned_before_it_existed(timeline):
    assert set(holders(timeline, "investment-promotion", "2003")) == {"org-a"}
    assert set(holders(timeline, "investment-promotion", "2004-06")) == {"org-a"}
    assert set(holders(timeline, "investment-promotion", "2004-07")) == {"org-a", "org-c"}
    assert set(holders(timeline, "investment-promotion", "2007")) == {"org-c"}
    assert set(holders(timeline, "investment-promotion", "2012")) == {"org-b", "org-c"}


def test_a_renamed_body_answers_under_its_name_then(timeline):
    # Seen as "Old" in May 2012 and as "New" in January 2018: before May 2012 the old name, from
    # 2018 the new one, in between either (the data cannot tell which, and says both).
    assert holders(timeline, "state-audit", "2012-03") == {"org-renamed": "Old Name Office"}
    assert holders(timeline, "state-audit", "2014") == {"org-renamed": "Old Name Office / New Name Office"}
    assert holders(timeline, "state-audit", "2018-06-02") == {"org-renamed": "New Name Office"}


def test_a_mandate_ends_with_its_repealed_legal_basis(timeline):
    assert set(holders(timeline, "participant-registry", "2005")) == {"org-d"}
    assert set(holders(timeline, "participant-registry", "2010")) == set()
    assert set(holders(timeline, "participant-registry", "2001")) == set()  # before the act


def test_a_zone_established_again_is_a_second_zone(timeline):
    old, new = FX + "old-zone", FX + "new-zone"
    assert set(holders(timeline, "state-audit", "2000", zone=old)) == {"org-renamed"}
    assert holders(timeline, "state-audit", "2010", zone=old) == {}
    assert holders(timeline, "state-audit", "2010", zone=new) == {}
    assert set(holders(timeline, "state-audit", "2016", zone=new)) == {"org-renamed"}
    # They share a name, but the link says how: no probable duplicate.
    assert ask(timeline, "probable-duplicate-violation") == []


def test_dates_are_checked_as_dates(timeline):
    with pytest.raises(sezkg.UsageError, match="four-digit year"):
        holders(timeline, "state-audit", "٢٠٢٠")
    with pytest.raises(sezkg.UsageError):
        holders(timeline, "state-audit", "2020-13")


# ------------------------------------------------------------------ claims over time

def test_rounding_change_conflict_unplaced_and_correction(claims):
    got = {(tail(r["property"]).rsplit("#", 1)[-1], frozenset({r["valueA"].value, r["valueB"].value}), r["verdict"].value)
           for r in ask(claims, "conflicting-claims")}
    assert got == {
        ("areaHectares", frozenset({"1000", "1004"}), "agreement"),     # "1,000" is stated to the hundred
        ("areaHectares", frozenset({"1004", "2500"}), "change"),        # 2010 wording, then 2020 wording
        ("areaHectares", frozenset({"1000", "2500"}), "unplaced"),      # undated; only an equal value lends a date
        ("establishedYear", frozenset({"1999", "2001"}), "conflict"),   # not time-dependent
        ("termEnd", frozenset({"2040", "2045"}), "unplaced"),           # one dated, one not
        ("actNumber", frozenset({"12-V", "12-VI"}), "correction"),
    }
    only = ask(claims, "conflicting-claims", kind="conflict")
    assert [r["verdict"].value for r in only] == ["conflict"]


def test_only_conflicts_are_overlaps(claims):
    report = find_overlaps(claims)
    conflicts = [o for o in report.overlaps if o.kind == "conflicting-claim"]
    assert [o.summary for o in conflicts] == ["Claims SEZ: the sources give different values for established year "
                                              "(2001 in Fixture wording of 2010; 1999 in Undated fixture source)"]


# ------------------------------------------------------------------ the report on the real data

def test_whole_order_of_the_report(kg):
    """Tiers first (documented and inferred, documented, inferred, the rest), then more
    organisations, then wider reach, then the order of the kinds, then the summary."""
    report = find_overlaps(kg)
    got = [(o.kind, o.tier, tuple(tail_iri(x) for x in o.organisations)) for o in report.overlaps]
    mc, gfc = "sez-management-companies", "government-for-citizens"
    assert got == [
        ("shared-mandate", DOCUMENTED_AND_INFERRED, ("kazakh-invest", mc)),
        ("unexercised-mandate", DOCUMENTED_AND_INFERRED, (mc, "management-company-nipt")),
        ("unexercised-mandate", DOCUMENTED_AND_INFERRED, (mc, "management-company-saryarka")),
        ("unexercised-mandate", DOCUMENTED_AND_INFERRED, (mc,)),
        ("unexercised-mandate", DOCUMENTED_AND_INFERRED, (gfc,)),
        ("documented-duplication", DOCUMENTED, ("kazakh-invest", "mid", mc)),
        ("shared-mandate", INFERRED, ("government-of-kazakhstan", "mid")),
        ("self-oversight", INFERRED, ("kazakh-invest",)),
        ("exception", OTHER, ("mid", "akimat-astana")),
        ("exception", OTHER, ("mid",)),
        ("exception", OTHER, ("mid",)),
        ("conflicting-claim", OTHER, ()),
        ("conflicting-claim", OTHER, ()),
        ("conflicting-claim", OTHER, ()),
    ]
    assert [o.rank for o in report.overlaps] == list(range(1, len(got) + 1))


def tail_iri(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def test_no_management_companies_of_different_zones_overlap(kg):
    report = find_overlaps(kg)
    for o in report.overlaps:
        companies = [x for x in o.organisations if "/org/management-company-" in x]
        assert len(companies) <= 1, o.summary


def test_the_audit_finding_is_one_hyperedge_naming_the_ministry(kg):
    report = find_overlaps(kg)
    (dup,) = [o for o in report.overlaps if o.kind == "documented-duplication"]
    assert set(dup.organisations) == {ID + "org/mid", ID + "org/kazakh-invest", ID + "org/sez-management-companies"}
    assert dup.findings == (ID + "finding/duplication-and-poor-coordination",)


def test_patterns_say_what_corroborates_them(kg):
    shared = [o for o in find_overlaps(kg).overlaps if o.kind == "shared-mandate"]
    assert {tuple(sorted(tail_iri(x) for x in o.organisations)): o.corroborated_by for o in shared} == {
        ("kazakh-invest", "sez-management-companies"): (ID + "finding/duplication-and-poor-coordination",),
        ("government-of-kazakhstan", "mid"): (),
    }


def test_no_rounding_or_dated_change_counts_as_a_conflict(kg):
    conflicts = [o for o in find_overlaps(kg).overlaps if o.kind == "conflicting-claim"]
    text = " ".join(o.summary for o in conflicts)
    assert "4600" not in text.replace("4592", "") or "5840" in text  # 4,592 vs 4,600 alone is rounding
    assert "688.6" not in text and "631.92" not in text  # successive wordings of one resolution


def test_every_kind_is_declared_once_with_its_query(kg):
    queries = catalogue()
    assert len({k.name for k in KINDS}) == len(KINDS)
    for k in KINDS:
        assert k.query in queries, k.name
        variables = set(run_select(kg, queries[k.query], k.params or None).variables)
        used = {*k.instance, *k.organisations, *k.pattern, *k.roles, *k.zones,
                *(c for e in k.evidence for c in (e.iri, e.source, e.detail) if c)}
        used |= {c for c in (k.function, k.corroboration, k.subject, k.property, k.value) if c}
        assert used <= variables, (k.name, used - variables)


# ------------------------------------------------------------------ the zone pairs' join

# shared-mandates pairs two zone mandates on their zone and a related function at once (two
# lists joined on both); the plain form below pairs them on the zone, then compares functions.
JOINED_ON_ZONE_AND_FUNCTION = """        {
          SELECT ?mandateA ?holderA ?functionA ?sourceA ?zone ?functionB ?function WHERE {
            ?mandateA sez:scopeZone ?zone .
            GRAPH ?sourceA { ?mandateA a sez:Mandate ; sez:mandateHolder ?holderA ; sez:governanceFunction ?functionA . }
            { ?functionB skos:broader* ?functionA BIND(?functionA AS ?function) } UNION { ?functionA skos:broader+ ?functionB BIND(?functionB AS ?function) }
          }
        }
        {
          SELECT ?mandateB ?holderB ?functionB ?sourceB ?zone WHERE {
            ?mandateB sez:scopeZone ?zone .
            GRAPH ?sourceB { ?mandateB a sez:Mandate ; sez:governanceFunction ?functionB ; sez:mandateHolder ?holderB . }
          }
        }
"""
PAIRED_ON_ZONE = """        ?mandateA sez:scopeZone ?zone . ?mandateB sez:scopeZone ?zone .
        GRAPH ?sourceA { ?mandateA a sez:Mandate ; sez:mandateHolder ?holderA ; sez:governanceFunction ?functionA . }
        GRAPH ?sourceB { ?mandateB a sez:Mandate ; sez:governanceFunction ?functionB ; sez:mandateHolder ?holderB . }
        { ?functionB skos:broader* ?functionA BIND(?functionA AS ?function) } UNION { ?functionA skos:broader+ ?functionB BIND(?functionB AS ?function) }
"""


def _synthetic_world(tmp_path):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    import synthetic

    builder = synthetic.Builder(20, seed=5, per_zone=synthetic.PerZone(organisations=6, mandates=12))
    builder.build()
    path = tmp_path / "world.trig"
    path.write_text(synthetic.Dataset(builder.graphs, []).trig(), encoding="utf-8")
    return sezkg.load(data=[path])


def test_zone_mandates_joined_on_zone_and_function_answer_as_pairs_of_a_zone(kg, timeline, tmp_path):
    """The same rows in the same order as the plain pairing, on the bundled KG, the timeline
    fixture and a synthetic world with twelve mandates a zone."""
    query = catalogue()["shared-mandates"]
    assert JOINED_ON_ZONE_AND_FUNCTION in query.text
    plain = Query(query.name, query.title, query.question,
                  query.text.replace(JOINED_ON_ZONE_AND_FUNCTION, PAIRED_ON_ZONE), query.path, query.params)
    world, counts = _synthetic_world(tmp_path), []
    for graph in (kg, timeline, world):
        rows = [tuple(sorted((k, str(v)) for k, v in r.items())) for r in run_select(graph, query)]
        assert rows == [tuple(sorted((k, str(v)) for k, v in r.items())) for r in run_select(graph, plain)]
        counts.append(len(rows))
    assert counts[0] > 0 and counts[1] > 0 and counts[2] > 50, counts


def test_overlaps_json_is_json_dumps_text(kg):
    """overlaps.json is written by text.json_indented: the very text json.dumps(indent=2) gives,
    for the real overlaps and for values of every kind json writes, nested and empty alike."""
    import collections
    import enum
    import json
    import random

    from sezkg.views.text import json_indented, overlaps_payload, overlaps_text

    report = find_overlaps(kg)
    assert report.overlaps
    assert overlaps_text(report, "json") == json.dumps(overlaps_payload(report), indent=2, ensure_ascii=False) + "\n"

    class Level(enum.IntEnum):
        HIGH = 3

    class Name(str):
        pass

    rng = random.Random(5)
    leaves = [None, True, False, 0, -7, 10**30, 1.5, -0.0, float("nan"), float("inf"), "", "plain", 'q"\\\n\t\x00',
              "Қазақ «ü» \u2028", Level.HIGH, Name("sub")]

    def value(depth: int = 0) -> object:
        roll = rng.random()
        if depth < 4 and roll < 0.3:
            made = {rng.choice(["a", "é", 'k"', "\n", Name("n"), 1, 2.5, True, None]): value(depth + 1)
                    for _ in range(rng.randrange(4))}
            return collections.OrderedDict(made) if rng.random() < 0.2 else made
        if depth < 4 and roll < 0.5:
            items = [value(depth + 1) for _ in range(rng.randrange(4))]
            return tuple(items) if rng.random() < 0.3 else items
        return rng.choice(leaves)

    for _ in range(2000):
        v = value()
        for indent in (0, 2, 4):
            assert json_indented(v, indent) == json.dumps(v, indent=indent, ensure_ascii=False)
    with pytest.raises(TypeError):
        json_indented({"set": {1}})
    with pytest.raises(TypeError):
        json_indented({(1, 2): "tuple key"})
