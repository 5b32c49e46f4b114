"""Competency questions: what a policy analyst would ask, answered through the catalogue, with
the answer the brief gives (Gout 2025, cited by section or box)."""

from __future__ import annotations

import pytest

from sezkg.questions.catalogue import catalogue, run_select
from sezkg.questions.overlaps import find_overlaps, overlap_network

ID = "https://w3id.org/sezkg/id/"
FN = "https://w3id.org/sezkg/scheme/governance-function/"
SRC = "https://w3id.org/sezkg/source/"
ZONES = [
    "astana-new-city", "almaty-g4-city", "turkistan-turan", "astana-technopolis", "saryarka",
    "pavlodar", "qyzyljar", "chemical-park-taraz", "nipt", "almaty-park-of-innovative-technologies",
    "ontustik", "khorgos-eastern-gate", "icbc-khorgos", "seaport-aktau",
]
MC = "sez-management-companies"  # the brief speaks of the companies as a group


def ask(kg, name: str, **params: str):
    return run_select(kg, catalogue()[name], params or None)


def slugs(rows, var: str) -> set[str]:
    return {row[var].value.rsplit("/", 1)[-1] for row in rows if var in row}


# ------------------------------------------------------------------ who holds F for Z

def _expected_holders(function: str, zone: str) -> set[str]:
    """The brief's answer (section 1.3 Governance, section 2.2) to 'who holds F for zone Z?',
    with the correction that the 2017 resolution was the Government's own list."""
    mid_except_astana = set() if zone == "astana-new-city" else {"mid"}
    return {
        # MID: policy, operation and abolition, except Astana - New City (run by the city government).
        "policy-making": mid_except_astana,
        # The brief names abolition only; asked for the broader function, the holder is found too.
        "zone-abolition": mid_except_astana,
        "zone-establishment-and-abolition": mid_except_astana,
        "zone-operation": mid_except_astana | ({"akimat-astana"} if zone == "astana-new-city" else set()),
        "participant-registry": {"mid"},
        "land-contract-guidelines": {"mid"},
        "feasibility-study-guidelines": {"mid"},
        "expert-council": {"mid"},
        # Kazakh Invest; investment attraction by the management companies is part of promotion.
        "investment-promotion": {"kazakh-invest", MC},
        "investor-engagement": {"kazakh-invest"},
        "coordination-with-authorities": {"kazakh-invest"},
        "state-share-management": {"kazakh-invest"},
        # The management companies, as the brief speaks of them: together.
        "zone-development": {MC},
        "infrastructure-maintenance": {MC},
        "ppp-structuring": {MC},
        "investment-attraction": {MC},
        "reporting": {MC},
        "contract-enforcement": {MC},
        # The ministry's lists, and the Government's own 2017 lists.
        "priority-activity-designation": {"mid", "government-of-kazakhstan"},
        "one-window-services": {"government-for-citizens"},
        "state-audit": {"supreme-audit-chamber"},
        # Local governments, as the brief speaks of them: together.
        "land-provision": {"local-governments"},
    }[function]


PAIRS = [
    (f, z) for f in (
        "policy-making", "zone-abolition", "zone-establishment-and-abolition", "zone-operation", "participant-registry",
        "land-contract-guidelines", "feasibility-study-guidelines", "expert-council", "investment-promotion",
        "investor-engagement", "coordination-with-authorities", "state-share-management", "zone-development",
        "infrastructure-maintenance", "ppp-structuring", "investment-attraction", "reporting",
        "contract-enforcement", "priority-activity-designation", "one-window-services", "state-audit",
        "land-provision",
    ) for z in ZONES if _expected_holders(f, z) is not None
]


@pytest.mark.parametrize("function, zone", PAIRS)
def test_who_holds_function_for_zone(kg, function, zone):
    rows = ask(kg, "function-holders", function=FN + function, zone=ID + "zone/" + zone)
    assert slugs(rows, "holder") == _expected_holders(function, zone)
    assert all(row["source"].value.startswith(SRC) for row in rows)


def holders_on(kg, function: str, zone: str, date: str) -> dict[str, str]:
    rows = ask(kg, "function-holders", function=FN + function, zone=ID + "zone/" + zone, date=date)
    return {r["holder"].value.rsplit("/", 1)[-1]: r["nameOnDate"].value if "nameOnDate" in r else "" for r in rows}


def test_as_of_date_view_of_investment_promotion(kg):
    """Kazakh Invest was designated in 2016 (per the brief): in 2015 only the management companies promoted Pavlodar."""
    assert set(holders_on(kg, "investment-promotion", "pavlodar", "2015")) == {MC}
    assert set(holders_on(kg, "investment-promotion", "pavlodar", "2020")) == {MC, "kazakh-invest"}


def test_as_of_names_the_body_as_it_was_called_then(kg):
    """One IRI per body: the audit body and the ministry answer under the name they bore on the date."""
    assert holders_on(kg, "state-audit", "ontustik", "2010") == {"supreme-audit-chamber": "Accounts Committee"}
    assert holders_on(kg, "state-audit", "saryarka", "2010") == {}  # the zone dates from 2011
    assert holders_on(kg, "state-audit", "saryarka", "2024") == {"supreme-audit-chamber": "Supreme Audit Chamber"}
    assert holders_on(kg, "expert-council", "saryarka", "2016") == {"mid": "Ministry for Investment and Development"}
    assert holders_on(kg, "expert-council", "saryarka", "2021") == {"mid": "Ministry of Industry and Infrastructural Development"}
    assert holders_on(kg, "expert-council", "saryarka", "2024-06") == {"mid": "Ministry of Industry and Construction"}
    # Between the last date a source shows the old name and the first it shows the new one, both.
    assert set(holders_on(kg, "expert-council", "saryarka", "2019-03")["mid"].split(" / ")) == \
        {"Ministry for Investment and Development", "Ministry of Industry and Infrastructural Development"}


def test_as_of_respects_acts_in_force(kg):
    """Resolution No. 10 of 2017 gave the Government the lists until it lost force in December 2018;
    the ministry's lists rest on its own order of February 2018 (the brief's citation is corrected)."""
    assert set(holders_on(kg, "priority-activity-designation", "pavlodar", "2016")) == set()
    assert set(holders_on(kg, "priority-activity-designation", "pavlodar", "2017")) == {"government-of-kazakhstan"}
    assert set(holders_on(kg, "priority-activity-designation", "pavlodar", "2018-06")) == {"government-of-kazakhstan", "mid"}
    assert set(holders_on(kg, "priority-activity-designation", "pavlodar", "2020")) == {"mid"}


def test_as_of_respects_zone_terms(kg):
    """The Kyzylorda SEZ ran until 2007: asked about 2010, no body governs it."""
    assert holders_on(kg, "state-audit", "kyzylorda", "2000") == {"supreme-audit-chamber": "Accounts Committee"}
    assert holders_on(kg, "state-audit", "kyzylorda", "2010") == {}


# ------------------------------------------------------------------ competency questions

def test_q01_which_organisations_share_investment_promotion(kg):
    rows = [r for r in ask(kg, "shared-mandates") if r["function"].value == FN + "investment-promotion"]
    assert {(r["holderA"].value.rsplit("/", 1)[-1], r["holderB"].value.rsplit("/", 1)[-1]) for r in rows} == {
        ("kazakh-invest", MC)}
    # ... and the audit's duplication finding corroborates it.
    assert {r["corroboratedBy"].value for r in rows} == {ID + "finding/duplication-and-poor-coordination"}


def test_q02_which_zones_had_less_than_40_percent_of_infrastructure_complete(kg):
    rows = ask(kg, "infrastructure-completion", below="40")
    assert {(r["zone"].value.rsplit("/", 1)[-1], r["value"].value) for r in rows} == {("pavlodar", "30"), ("seaport-aktau", "38")}


def test_q03_whose_management_company_lost_money_in_a_bank(kg):
    rows = ask(kg, "findings-by-organisation", organisation=ID + "org/kazinvestbank")
    findings = {r["finding"].value for r in rows}
    assert findings
    concerned = set()
    for finding in findings:
        concerned |= {r["organisation"].value.rsplit("/", 1)[-1] for r in ask(kg, "findings-by-organisation")
                      if r["finding"].value == finding}
    assert concerned == {"management-company-khorgos-eastern-gate", "kazinvestbank"}


def test_q04_which_zone_is_run_by_a_city_government_instead_of_the_ministry(kg):
    rows = ask(kg, "governance-exceptions")
    assert slugs(rows, "zone") == {"astana-new-city"}
    assert slugs(rows, "standardHolder") == {"mid"}
    assert slugs(rows, "insteadHolder") == {"akimat-astana"}


def test_q05_which_figures_do_the_sources_disagree_on(kg):
    rows = ask(kg, "conflicting-claims")

    def claim(r) -> tuple[str, str, frozenset]:
        return (r["subject"].value.rsplit("/", 1)[-1], r["property"].value.rsplit("#", 1)[-1],
                frozenset({r["valueA"].value, r["valueB"].value}))

    by_verdict: dict[str, set] = {}
    for r in rows:
        by_verdict.setdefault(r["verdict"].value, set()).add(claim(r))
    # Within the brief, its running text and Box 1 disagree: both kept, a conflict.
    assert ("astana-new-city", "areaHectares", frozenset({"15421", "7600"})) in by_verdict["conflict"]
    assert ("astana-new-city", "establishedYear", frozenset({"2001", "2002"})) in by_verdict["conflict"]
    # Rounding is agreement: 4,592 against "4,600", 3,476 against 3,475.9.
    assert by_verdict["agreement"] == {("khorgos-eastern-gate", "areaHectares", frozenset({"4592", "4600"})),
                                       ("nipt", "areaHectares", frozenset({"3476", "3475.9"}))}
    # Successive wordings of one resolution are changes, not conflicts.
    # So are a zone enlarged (G4 City to Alatau, 2024) and a term extended (Seaport Aktau).
    assert by_verdict["change"] == {("astana-technopolis", "areaHectares", frozenset({"631.92", "736.62"})),
                                    ("astana-technopolis", "areaHectares", frozenset({"631.92", "688.6"})),
                                    ("astana-technopolis", "areaHectares", frozenset({"688.6", "736.62"})),
                                    ("almaty-g4-city", "areaHectares", frozenset({"30000", "96500"})),
                                    ("seaport-aktau", "areaHectares", frozenset({"982.3", "9814.503"})),
                                    ("seaport-aktau", "termEnd", frozenset({"2015-01-01", "2052"}))}
    # A value one source dates and another does not cannot be placed: neither change nor conflict.
    assert ("astana-technopolis", "areaHectares", frozenset({"584", "688.6"})) in by_verdict["unplaced"]
    # A correction is not a conflict.
    assert by_verdict["correction"] == {("law-2019-242-v", "actNumber", frozenset({"242-V", "242-VI"}))}
    assert all(r["sourceA"].value != r["sourceB"].value for r in rows)


def test_q06_whom_does_the_audit_find_duplicating_responsibilities(kg):
    rows = ask(kg, "documented-duplication")
    assert slugs(rows, "organisation") == {"mid", "kazakh-invest", MC}
    assert {r["audit"].value for r in rows} == {ID + "audit/sez-effectiveness-2021"}


def test_q07_which_mandated_functions_were_not_performed(kg):
    rows = ask(kg, "unexercised-mandates")
    got = {(r["function"].value.rsplit("/", 1)[-1], r["holder"].value.rsplit("/", 1)[-1],
            r["named"].value.rsplit("/", 1)[-1] if "named" in r else None,
            r["where"].value.rsplit("/", 1)[-1] if "where" in r else None) for r in rows}
    assert got == {
        ("one-window-services", "government-for-citizens", "government-for-citizens", "astana-new-city"),
        ("one-window-services", "government-for-citizens", "government-for-citizens", "saryarka"),
        ("reporting", MC, "management-company-nipt", "nipt"),
        ("contract-enforcement", MC, "management-company-saryarka", "saryarka"),
        ("contract-enforcement", MC, None, None),
    }


def test_q08_who_governs_saryarka(kg):
    rows = ask(kg, "zone-governors", zone=ID + "zone/saryarka")
    assert slugs(rows, "holder") == {"mid", "kazakh-invest", MC, "local-governments", "government-for-citizens",
                                     "supreme-audit-chamber", "government-of-kazakhstan"}
    today = ask(kg, "zone-governors", zone=ID + "zone/saryarka", date="2026-11-29")
    assert slugs(today, "holder") == {"mid", "kazakh-invest", MC, "local-governments", "government-for-citizens",
                                      "supreme-audit-chamber"}


def test_q09_which_zones_are_city_focused(kg):
    rows = ask(kg, "zones", type="https://w3id.org/sezkg/scheme/zone-type/city")
    assert slugs(rows, "zone") == {"astana-new-city", "almaty-g4-city", "turkistan-turan"}


def test_q10_which_zones_focus_on_metallurgy(kg):
    rows = ask(kg, "zones", sector="https://w3id.org/sezkg/scheme/sector/metallurgy")
    assert slugs(rows, "zone") == {"saryarka", "pavlodar", "qyzyljar"}


def test_q11_which_zones_lie_in_the_karaganda_region(kg):
    rows = ask(kg, "zones", region=ID + "region/karaganda-region")
    assert slugs(rows, "zone") == {"saryarka"}


def test_q12_which_zones_expire_before_a_year(kg):
    def expiring(year: str) -> set[tuple[str, str, str]]:
        return {(r["zone"].value.rsplit("/", 1)[-1], r["expiry"].value, r["source"].value.removeprefix(SRC))
                for r in ask(kg, "zones-expiring-before", year=year)}
    # The brief's answers (Boxes 1 and 3), each with its source ...
    assert ("astana-new-city", "2027", "gout-2025-box-1") in expiring("2030")
    assert ("khorgos-eastern-gate", "2035", "gout-2025-box-3") in expiring("2040")
    assert "khorgos-eastern-gate" not in {z for z, _, _ in expiring("2035")}
    # ... and the zone regulations' terms beside them.
    assert {z for z, _, _ in expiring("2030")} == {"astana-new-city", "almaty-park-of-innovative-technologies", "kyzylorda"}
    assert {z for z, _, _ in expiring("2027")} == {"kyzylorda"}
    # Years compare as numbers, not as text.
    assert {z for z, _, _ in expiring("10000")} >= {"astana-new-city", "seaport-aktau"}


def test_q13_investment_per_budget_tenge_by_investor_category(kg):
    rows = ask(kg, "investment-by-category")
    got = {(r["category"].value.rsplit("/", 1)[-1], r["value"].value) for r in rows}
    assert got == {("quasi-state", "2"), ("private", "1.1"), ("state", "3.1")}


def test_q14_which_chinese_partners_work_in_which_zone(kg):
    rows = ask(kg, "foreign-partners", country=ID + "region/china")
    assert {(r["partner"].value.rsplit("/", 1)[-1], r["zone"].value.rsplit("/", 1)[-1]) for r in rows} == {
        ("china-cosco-shipping", "khorgos-eastern-gate"), ("china-merchants-group", "khorgos-eastern-gate")}


def test_q15_who_says_astana_new_city_covers_7600_hectares(kg):
    rows = ask(kg, "who-says-so", subject=ID + "zone/astana-new-city",
               property="https://w3id.org/sezkg/ontology#areaHectares")
    assert {(r["value"].value, r["source"].value.removeprefix(SRC)) for r in rows} == {
        ("15421", "gout-2025"), ("7600", "gout-2025-box-1")}
    assert all("sourceLabel" in r for r in rows)


def test_q16_what_did_the_audit_find_about_saryarka(kg):
    categories = slugs(ask(kg, "findings-by-zone", zone=ID + "zone/saryarka"), "category")
    assert {"contract-not-enforced", "one-window-not-delivered"} <= categories


def test_q17_which_findings_concern_kazakh_invest(kg):
    rows = ask(kg, "findings-by-organisation", organisation=ID + "org/kazakh-invest")
    assert ID + "finding/duplication-and-poor-coordination" in {r["finding"].value for r in rows}
    assert "unused-land" in slugs(rows, "category")


def test_q18_who_designates_priority_activities_and_on_what_basis(kg):
    rows = [r for r in ask(kg, "zone-governors", zone=ID + "zone/pavlodar")
            if r["function"].value == FN + "priority-activity-designation"]
    assert slugs(rows, "holder") == {"mid", "government-of-kazakhstan"}
    # The brief's basis for the ministry (Resolution No. 10) is corrected to its 2018 order.
    basis = {(r["holder"].value.rsplit("/", 1)[-1], r["legalBasis"].value.rsplit("/", 1)[-1]) for r in rows}
    assert basis == {("mid", "order-2018-142"), ("mid", "order-2024-72"), ("government-of-kazakhstan", "decree-2017-10")}
    # On a date: the ministry's order dates from February 2018; the Government's own lists ended
    # with Resolution No. 10 (repealed December 2018).
    for date, holders in (("2017-06", {"government-of-kazakhstan"}), ("2018-06", {"mid", "government-of-kazakhstan"}),
                          ("2024", {"mid"})):
        rows = [r for r in ask(kg, "zone-governors", zone=ID + "zone/pavlodar", date=date)
                if r["function"].value == FN + "priority-activity-designation"]
        assert slugs(rows, "holder") == holders, date


def test_q19_who_manages_state_shares_and_also_promotes_the_zones(kg):
    assert slugs(ask(kg, "self-oversight"), "holder") == {"kazakh-invest"}


def test_q20_find_an_organisation_by_part_of_its_name(kg):
    assert "kazinvestbank" in slugs(ask(kg, "find-by-name", text="KAZINVEST"), "thing")


def test_q21_which_zones_lag_on_infrastructure_and_why(kg):
    rows = ask(kg, "findings-by-zone", zone=ID + "zone/pavlodar")
    assert "infrastructure-incomplete" in slugs(rows, "category")


def test_q22_which_organisation_is_most_central_in_the_overlap_network(kg):
    report = find_overlaps(kg)
    network = overlap_network(kg, report, as_of="2026-11-29")
    by_org = {n.organisation.rsplit("/", 1)[-1]: n for n in network.nodes}
    # The management companies sit between the ministry, Kazakh Invest and three findings.
    assert network.nodes[0].organisation == ID + "org/" + MC
    assert by_org[MC].betweenness > by_org["mid"].betweenness > 0
    assert by_org["kazakh-invest"].partners == 1  # the management companies, not fourteen companies
    # The audit's duplication finding is one node, not all the pairs of the bodies it names.
    graph = network.graph
    finding = ID + "finding/duplication-and-poor-coordination"
    assert graph.nodes[finding]["type"] == "finding"
    assert {n.rsplit("/", 1)[-1] for n in graph[finding]} == {"mid", "kazakh-invest", MC}
    assert not graph.has_edge(ID + "org/mid", ID + "org/kazakh-invest")


def test_q23_the_headline_overlap_is_documented_and_inferred(kg):
    top = find_overlaps(kg).overlaps[0]
    assert top.kind == "shared-mandate"
    assert set(top.organisations) == {ID + "org/kazakh-invest", ID + "org/" + MC}
    assert top.corroborated_by == (ID + "finding/duplication-and-poor-coordination",)
    assert top.national and top.function == FN + "investment-promotion"


def test_q24_overlaps_reaching_one_zone(kg):
    report = find_overlaps(kg, zone=ID + "zone/astana-new-city")
    kinds = {o.kind for o in report.overlaps}
    assert {"documented-duplication", "shared-mandate", "exception", "conflicting-claim", "unexercised-mandate"} <= kinds
    for o in report.overlaps:
        assert o.national or not o.zones or ID + "zone/astana-new-city" in o.zones


def test_completeness_counts_a_national_mandate_for_every_zone_it_does_not_except(kg):
    """MID's three national mandates except Astana - New City alone (section 1.3): every other
    zone counts them (an earlier text dropped them everywhere), Astana - New City does not. The
    count is the number of mandates `zone-governors` lists for the zone."""
    counts = {row["zone"].value.rsplit("/", 1)[-1]: int(row["mandates"].value) for row in ask(kg, "completeness")}

    def reaching(zone: str, scope: str | None = None) -> set[str]:
        return {row["mandate"].value for row in ask(kg, "zone-governors", zone=ID + "zone/" + zone)
                if scope is None or row["scope"].value == scope}

    excepting = reaching("saryarka", "national") - reaching("astana-new-city", "national")
    assert len(excepting) == 3
    for zone in ("saryarka", "astana-new-city", "pavlodar"):
        assert counts[zone] == len(reaching(zone)), zone


def test_zone_profile_lists_the_mandates_zone_governors_lists(kg):
    """A zone's profile names every mandate that reaches it: MID's national mandates that except
    Astana - New City alone appear in Saryarka's profile (an earlier text dropped them there)."""
    for zone in ("saryarka", "astana-new-city", "khorgos-eastern-gate"):
        profile = {row["item"].value for row in ask(kg, "zone-profile", zone=ID + "zone/" + zone)
                   if row["section"].value.startswith("3 governor")}
        governors = {row["mandate"].value for row in ask(kg, "zone-governors", zone=ID + "zone/" + zone)}
        assert profile == governors, zone
    saryarka = {row["item"].value for row in ask(kg, "zone-profile", zone=ID + "zone/saryarka")}
    assert ID + "mandate/mid--policy-making" in saryarka


def test_betweenness_is_exact_on_a_small_graph_and_sampled_on_a_large_one(kg, monkeypatch):
    """Exact betweenness walks the graph from every node; above BETWEENNESS_STEPS steps it walks
    from a seeded sample. The bundled graph is small: its scores are networkx's exact ones. With a
    budget below its size the scores are estimates, the same on every run."""
    import networkx as nx

    from sezkg.questions import overlaps

    report = find_overlaps(kg)
    network = overlap_network(kg, report, as_of="2026-11-29")
    graph = network.graph
    assert graph.number_of_nodes() * (graph.number_of_nodes() + graph.number_of_edges()) <= overlaps.BETWEENNESS_STEPS
    exact = nx.betweenness_centrality(graph, weight=None, normalized=True)
    assert {n.organisation: n.betweenness for n in network.nodes} == {
        n.organisation: round(exact[n.organisation], 6) for n in network.nodes}
    monkeypatch.setattr(overlaps, "BETWEENNESS_STEPS", 3 * (graph.number_of_nodes() + graph.number_of_edges()))
    first = overlap_network(kg, report, as_of="2026-11-29")
    again = overlap_network(kg, report, as_of="2026-11-29")
    scores = [n.betweenness for n in first.nodes]
    assert scores == [n.betweenness for n in again.nodes]
    assert scores != [round(exact[n.organisation], 6) for n in first.nodes]  # estimated, not exact


def test_betweenness_by_component_is_networkx_exact_and_samples_only_a_component_over_budget():
    """Computed one connected component at a time (networkx walks the whole graph's node table
    from every source): the same normalised scores as networkx's on the whole graph, for a
    graph of components of every size; under a budget only the component too large for it is
    estimated, from seeded sources, and the others stay exact."""
    import networkx as nx

    from sezkg.questions.overlaps import betweenness

    parts = [nx.path_graph(3), nx.star_graph(5), nx.cycle_graph(5), nx.gnm_random_graph(30, 60, seed=3),
             nx.karate_club_graph(), nx.empty_graph(2), nx.path_graph(2)]
    graph = nx.Graph()
    for i, part in enumerate(parts):
        graph.add_nodes_from(f"{i}:{u}" for u in part)
        graph.add_edges_from((f"{i}:{u}", f"{i}:{v}") for u, v in part.edges)
    exact = nx.betweenness_centrality(graph, weight=None, normalized=True)
    assert betweenness(graph) == pytest.approx(exact, rel=1e-12, abs=1e-15)
    assert max(exact.values()) > 0.03 and exact["0:1"] > 0 and exact["5:0"] == 0

    karate = {n for n in graph if n.startswith("4:")}
    assert 30 * (30 + 60) < 3000 < 34 * (34 + 78)  # the random component fits, the club does not
    estimated = betweenness(graph, steps=3000)
    assert estimated == betweenness(graph, steps=3000)  # seeded: the same on every run
    assert {n: v for n, v in estimated.items() if n not in karate} == pytest.approx(
        {n: v for n, v in exact.items() if n not in karate}, rel=1e-12, abs=1e-15)
    assert {n: estimated[n] for n in karate} != pytest.approx({n: exact[n] for n in karate}, rel=1e-6)
    assert max(karate, key=estimated.__getitem__) == max(karate, key=exact.__getitem__) == "4:0"
    assert betweenness(nx.path_graph(2)) == {0: 0.0, 1: 0.0}
