"""Every figure the brief gives is in the graph, with its unit, source and the date the brief gives
it, and no date where the brief gives none (the year of a cited report is not a figure's date)."""

from __future__ import annotations

import pytest

Q = """PREFIX sez: <https://w3id.org/sezkg/ontology#>
SELECT ?g ?s ?m ?v ?u ?d ?ps ?pe ?b WHERE { GRAPH ?g {
  ?o a sez:Observation ; sez:observedSubject ?s ; sez:measure ?m ; sez:value ?v ; sez:unit ?u .
  OPTIONAL { ?o sez:referenceDate ?d } OPTIONAL { ?o sez:periodStart ?ps } OPTIONAL { ?o sez:periodEnd ?pe }
  OPTIONAL { ?o sez:bound ?b } } }"""


def _tail(term) -> str:
    return term.value.rsplit("/", 1)[-1] if term is not None else ""


@pytest.fixture(scope="module")
def figures(kg) -> dict[tuple[str, str, str, str], list[dict]]:
    found: dict[tuple[str, str, str, str], list[dict]] = {}
    for r in kg.select(Q):
        key = (_tail(r["s"]), _tail(r["m"]), r["v"].value, _tail(r["u"]))
        found.setdefault(key, []).append({k: _tail(r.get(k)) for k in ("g", "d", "ps", "pe", "b")})
    return found


# (subject, measure, value, unit, source graph, date or period start as the brief gives it, or
# None where it gives none) — from the brief.
FIGURES = [
    ("astana-new-city", "unused-land-share", "32", "percent", "gout-2025", None),
    ("pavlodar", "infrastructure-completion-share", "30", "percent", "gout-2025", "2020"),
    ("seaport-aktau", "infrastructure-operational-share", "38", "percent", "gout-2025", None),
    ("turkistan-turan", "ppp-share-of-infrastructure-projects", "47", "percent", "gout-2025", None),
    ("kazakhstan", "export-share-of-production", "3.5", "percent", "gout-2025", None),
    ("pavlodar", "export-share-of-production", "42.2", "percent", "gout-2025", None),
    ("saryarka", "area-occupied", "90", "hectare", "gout-2025", None),
    ("saryarka", "area-share-occupied", "36.5", "percent", "gout-2025", None),
    ("saryarka", "electricity-consumption-share", "75", "percent", "gout-2025", None),
    ("kazakhstan", "investment-per-budget-tenge", "3.1", "kzt-per-kzt", "gout-2025", None),
    ("kazakhstan", "investment-per-budget-tenge", "2", "kzt-per-kzt", "gout-2025", None),
    ("kazakhstan", "investment-per-budget-tenge", "1.1", "kzt-per-kzt", "gout-2025", None),
    ("astana-new-city", "tax-loss", "2400000000", "kzt", "gout-2025-box-1", "2017"),
    ("khorgos-eastern-gate", "area-share-allocated-to-active-projects", "27.6", "percent", "gout-2025-box-3", "2021"),
    ("khorgos-eastern-gate", "active-projects", "29", "project", "gout-2025-box-3", None),
    ("khorgos-eastern-gate", "registered-projects", "76", "project", "gout-2025-box-3", None),
    ("khorgos-eastern-gate", "facility-capacity", "115", "megawatt", "gout-2025-box-3", None),
    ("management-company-khorgos-eastern-gate", "financial-loss", "773900000", "kzt", "gout-2025-box-3", None),
    ("management-company-khorgos-eastern-gate", "financial-loss", "1600000", "usd", "gout-2025-box-3", None),
    ("astana-new-city", "fdi-share-of-investment", "6", "percent", "gout-2025-box-1", "2015"),
    ("astana-new-city", "infrastructure-investment", "275000000000", "kzt", "gout-2025-box-1", "2003"),
    ("astana-new-city", "employment", "2650", "person", "gout-2025-box-1", "2016"),
    ("seaport-aktau", "fdi-share-of-investment", "50", "percent", "gout-2025-box-5", None),
    ("seaport-aktau", "export-share-of-production", "80", "percent", "gout-2025-box-5", "2015"),
    ("khorgos-eastern-gate", "container-capacity", "540000", "teu-per-year", "gout-2025-box-3", None),
    ("khorgos-eastern-gate", "travel-time", "30", "day", "gout-2025-box-3", None),
    ("khorgos-eastern-gate", "travel-time", "15", "day", "gout-2025-box-3", None),
    ("almaty-g4-city", "investment-target", "3700000000000", "kzt", "gout-2025-box-2", "2048"),
    ("almaty-g4-city", "output-target", "17000000000000", "kzt", "gout-2025-box-2", None),
    ("almaty-g4-city", "employment-target", "60000", "person", "gout-2025-box-2", None),
    ("almaty-g4-city", "population-target", "2200000", "person", "gout-2025-box-2", None),
    ("icbc-khorgos", "visa-free-stay", "30", "day", "gout-2025-box-4", None),
    ("kazakhstan", "business-investment", "2700000000000", "kzt", "gout-2025", None),
    ("kazakhstan", "infrastructure-investment", "4100000000000", "kzt", "gout-2025", None),
    ("kazakhstan", "projects-launched", "300", "project", "gout-2025", None),
    ("kazakhstan", "employment", "24000", "person", "gout-2025", None),
    ("kazakhstan", "budget-contribution", "353000000000", "kzt", "gout-2025", None),
    ("kazakhstan", "export-contribution", "480000000000", "kzt", "gout-2025", None),
    ("kazakhstan", "new-products", "30", "product", "gout-2025", None),
    ("kazakhstan", "companies-involved", "500", "company", "gout-2025-box-4", "2020"),
    ("kazakhstan", "export-composition-share", "83.5", "percent", "gout-2025-box-4", "2022"),
    ("kazakhstan", "export-composition-share", "66", "percent", "gout-2025", "2023"),
    ("kazakhstan", "gdp-share", "13", "percent", "gout-2025", "2023"),
    ("kazakhstan", "gdp-share", "15", "percent", "gout-2025", None),
    ("kazakhstan", "gdp-growth", "8", "percent-per-year", "gout-2025", "2000"),
    ("kazakhstan", "gdp-growth", "4", "percent-per-year", "gout-2025", "2014"),
    ("almaty", "researcher-share", "39", "percent", "gout-2025", None),
    ("astana", "researcher-share", "19", "percent", "gout-2025", None),
    ("kazakhstan", "zone-count", "14", "zone", "gout-2025", None),
]


@pytest.mark.parametrize("subject, measure, value, unit, graph, start", FIGURES, ids=lambda x: str(x))
def test_figure_is_in_the_graph(figures, subject, measure, value, unit, graph, start):
    found = figures.get((subject, measure, value, unit))
    assert found, f"missing: {subject} {measure} = {value} {unit}"
    in_graph = [f for f in found if f["g"] == graph]
    assert in_graph, f"{subject} {measure} = {value} is not in {graph} but in {[f['g'] for f in found]}"
    if start is None:
        assert all(not (f["d"] or f["ps"] or f["pe"]) for f in in_graph), f"a date the brief does not give: {in_graph}"
    else:
        assert any(start in (f["d"], f["ps"]) or f["d"].startswith(start) for f in in_graph)


def test_bounds_follow_the_wording(figures):
    def bound(key):
        return {f["b"] for f in figures[key]}
    assert bound(("kazakhstan", "business-investment", "2700000000000", "kzt")) == {"more-than"}
    assert bound(("kazakhstan", "employment", "24000", "person")) == {"more-than"}
    assert bound(("khorgos-eastern-gate", "container-capacity", "540000", "teu-per-year")) == {"up-to"}
    assert bound(("kazakhstan", "business-investment", "5500000000", "usd")) == {"approximately"}


def test_table_2_net_internal_migration(figures):
    rows = {k: v for k, v in figures.items() if k[1] == "net-internal-migration"}
    assert len(rows) == 20
    assert sum(int(k[2]) for k in rows) == 0  # internal migration nets out across the country
    assert ("astana", "net-internal-migration", "93808", "person") in rows
    assert ("turkistan-region", "net-internal-migration", "-41681", "person") in rows
    for found in rows.values():
        assert all((f["ps"], f["pe"]) == ("2023-01", "2024-08") for f in found)


def test_table_1_incentives_and_tiers(kg):
    rows = kg.select("""PREFIX sez: <https://w3id.org/sezkg/ontology#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?label ?in ?out ?min ?max WHERE { ?i a sez:Incentive ; rdfs:label ?label .
          OPTIONAL { ?i sez:rateInZone ?in } OPTIONAL { ?i sez:rateOutsideZone ?out }
          OPTIONAL { ?i sez:rateOutsideZoneMin ?min } OPTIONAL { ?i sez:rateOutsideZoneMax ?max } }""")
    rates = sorted((r.get("in").value if "in" in r else "", r["out"].value if "out" in r else "",
                    r["min"].value if "min" in r else "", r["max"].value if "max" in r else "") for r in rows)
    assert rates == sorted([("0", "5.6", "", ""), ("0", "12", "", ""), ("0", "20", "", ""),
                            ("0", "1.5", "", ""), ("0", "", "5.43", "11.94")])
    tiers = kg.select("""PREFIX sez: <https://w3id.org/sezkg/ontology#>
        SELECT ?code ?min ?max ?years WHERE { ?t a sez:IncentiveTier ; sez:tierCode ?code ; sez:durationYears ?years .
          OPTIONAL { ?t sez:minInvestmentMci ?min } OPTIONAL { ?t sez:maxInvestmentMci ?max } } ORDER BY ?code""")
    assert [(t["code"].value, t["min"].value if "min" in t else None, t["max"].value if "max" in t else None,
             t["years"].value) for t in tiers] == [
        ("A", None, "3000000", "7"), ("B", "3000000", "14500000", "15"), ("C", "14500000", None, "25")]


def test_legal_acts(kg):
    rows = kg.select("""PREFIX sez: <https://w3id.org/sezkg/ontology#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?act ?number WHERE { ?act a/rdfs:subClassOf* sez:LegalAct . OPTIONAL { ?act sez:actNumber ?number } }""")
    acts: dict[str, set[str]] = {}
    for r in rows:
        acts.setdefault(r["act"].value.rsplit("/", 1)[-1], set()).update({r["number"].value} if "number" in r else set())
    # The brief's number stays in its graph; the text of the law gives the right one.
    assert acts["law-2019-242-v"] == {"242-V", "242-VI"}
    assert acts["decree-2017-10"] == {"10"}
    assert {"sez-law-2007", "amendment-2024", "sez-law-1996-2823", "sez-law-2011-469-iv"} <= set(acts)
    assert kg.ask("""PREFIX sez: <https://w3id.org/sezkg/ontology#>
        ASK { GRAPH <https://w3id.org/sezkg/source/gout-2025> {
          <https://w3id.org/sezkg/id/act/amendment-2024> sez:amends <https://w3id.org/sezkg/id/act/law-2019-242-v> } }""")


def test_residency_rules(kg):
    rows = kg.select("""PREFIX sez: <https://w3id.org/sezkg/ontology#>
        SELECT ?share ?zone WHERE { ?r a sez:ResidencyRule ; sez:minPriorityIncomeSharePercent ?share .
          OPTIONAL { ?r sez:appliesToZone ?zone } }""")
    got = {(r["share"].value, r["zone"].value.rsplit("/", 1)[-1] if "zone" in r else None) for r in rows}
    assert got == {("90", None), ("70", "almaty-park-of-innovative-technologies")}
    assert kg.ask("""PREFIX sez: <https://w3id.org/sezkg/ontology#>
        ASK { ?r a sez:RegimeRule ; sez:durationYears 25 }""")
