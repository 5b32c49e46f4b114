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
MANAGEMENT_COMPANIES = {f"management-company-{z}" for z in ZONES}


def ask(kg, name: str, **params: str):
    return run_select(kg, catalogue()[name], params or None)


def slugs(rows, var: str) -> set[str]:
    return {row[var].value.rsplit("/", 1)[-1] for row in rows if var in row}


# ------------------------------------------------------------------ who holds F for Z

def _expected_holders(function: str, zone: str) -> set[str]:
    """The brief's answer (section 1.3 Governance, section 2.2) to 'who holds F for zone Z?'."""
    mc = f"management-company-{zone}"
    mid_except_astana = set() if zone == "astana-new-city" else {"mid"}
    land = {"astana-new-city": "akimat-astana", "turkistan-turan": "akimat-turkistan-region",
            "saryarka": "akimat-karaganda-region", "chemical-park-taraz": "akimat-zhambyl-region",
            "ontustik": "akimat-shymkent"}
    return {
        # MID: policy, operation and abolition, except Astana - New City (run by the city government).
        "policy-making": mid_except_astana,
        "zone-establishment-and-abolition": mid_except_astana,
        "zone-operation": mid_except_astana | ({"akimat-astana"} if zone == "astana-new-city" else set()),
        "participant-registry": {"mid"},
        "land-contract-guidelines": {"mid"},
        "feasibility-study-guidelines": {"mid"},
        "expert-council": {"mid"},
        # Kazakh Invest; investment attraction by a management company is part of promotion.
        "investment-promotion": {"kazakh-invest", mc},
        "investor-engagement": {"kazakh-invest"},
        "coordination-with-authorities": {"kazakh-invest"},
        "state-share-management": {"kazakh-invest"},
        # Management companies, each for its own zone.
        "zone-development": {mc},
        "infrastructure-maintenance": {mc},
        "ppp-structuring": {mc},
        "investment-attraction": {mc},
        "reporting": {mc},
        "contract-enforcement": {mc},
        # The minister designates priority activities (2017 decree).
        "priority-activity-designation": {"ministry-for-investment-and-development"},
        "one-window-services": {"government-for-citizens"},
        "state-audit": {"supreme-audit-chamber"},
        "land-provision": {land[zone]} if zone in land else None,
    }[function]


PAIRS = [
    (f, z) for f in (
        "policy-making", "zone-establishment-and-abolition", "zone-operation", "participant-registry",
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


def test_as_of_date_view_of_investment_promotion(kg):
    """Kazakh Invest was designated in 2016: in 2015 only the management company promoted Pavlodar."""
    def holders(year: str) -> set[str]:
        return slugs(ask(kg, "function-holders", function=FN + "investment-promotion",
                         zone=ID + "zone/pavlodar", date=year), "holder")
    assert holders("2015") == {"management-company-pavlodar"}
    assert holders("2020") == {"management-company-pavlodar", "kazakh-invest"}


# ------------------------------------------------------------------ competency questions

def test_q01_which_organisations_share_investment_promotion(kg):
    rows = [r for r in ask(kg, "shared-mandates") if r["function"].value == FN + "investment-promotion"]
    assert slugs(rows, "holderA") | slugs(rows, "holderB") == {"kazakh-invest"} | MANAGEMENT_COMPANIES


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
    assert concerned & MANAGEMENT_COMPANIES == {"management-company-khorgos-eastern-gate"}


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

    def in_brief(r) -> bool:
        return r["sourceA"].value.startswith(SRC + "gout-2025") and r["sourceB"].value.startswith(SRC + "gout-2025")

    # Within the brief, its running text and its boxes disagree three times.
    assert {claim(r) for r in rows if in_brief(r)} == {
        ("astana-new-city", "areaHectares", frozenset({"15421", "7600"})),
        ("astana-new-city", "establishedYear", frozenset({"2001", "2002"})),
        ("khorgos-eastern-gate", "areaHectares", frozenset({"4592", "4600"})),
    }
    # The legal texts disagree with the brief, and with their own earlier versions.
    others = {claim(r) for r in rows if not in_brief(r)}
    assert ("astana-technopolis", "areaHectares", frozenset({"584", "688.6"})) in others
    assert ("astana-technopolis", "areaHectares", frozenset({"631.92", "688.6"})) in others
    assert all(r["sourceA"].value != r["sourceB"].value for r in rows)


def test_q06_whom_does_the_audit_find_duplicating_responsibilities(kg):
    rows = ask(kg, "documented-duplication")
    assert slugs(rows, "orgA") | slugs(rows, "orgB") == {"mid", "kazakh-invest"} | MANAGEMENT_COMPANIES
    assert {r["audit"].value for r in rows} == {ID + "audit/sez-effectiveness-2021"}


def test_q07_which_mandated_functions_were_not_performed(kg):
    rows = ask(kg, "unexercised-mandates")
    got = {(r["function"].value.rsplit("/", 1)[-1], r["holder"].value.rsplit("/", 1)[-1], r["zone"].value.rsplit("/", 1)[-1])
           for r in rows}
    assert got == {
        ("one-window-services", "government-for-citizens", "astana-new-city"),
        ("one-window-services", "government-for-citizens", "saryarka"),
        ("reporting", "management-company-nipt", "nipt"),
        ("contract-enforcement", "management-company-saryarka", "saryarka"),
    }


def test_q08_who_governs_saryarka(kg):
    rows = ask(kg, "zone-governors", zone=ID + "zone/saryarka")
    assert slugs(rows, "holder") == {
        "mid", "kazakh-invest", "management-company-saryarka", "akimat-karaganda-region",
        "government-for-citizens", "supreme-audit-chamber", "ministry-for-investment-and-development",
    }


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
    assert {z for z, _, _ in expiring("2030")} == {"astana-new-city", "almaty-park-of-innovative-technologies"}
    assert expiring("2027") == set()


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
    assert slugs(rows, "holder") == {"ministry-for-investment-and-development"}
    assert slugs(rows, "legalBasis") == {"decree-2017-10"}


def test_q19_who_manages_state_shares_and_also_promotes_the_zones(kg):
    assert slugs(ask(kg, "self-oversight"), "holder") == {"kazakh-invest"}


def test_q20_find_an_organisation_by_part_of_its_name(kg):
    assert "kazinvestbank" in slugs(ask(kg, "find-by-name", text="KAZINVEST"), "thing")


def test_q21_which_zones_lag_on_infrastructure_and_why(kg):
    rows = ask(kg, "findings-by-zone", zone=ID + "zone/pavlodar")
    assert "infrastructure-incomplete" in slugs(rows, "category")


def test_q22_which_organisation_is_most_central_in_the_overlap_network(kg):
    report = find_overlaps(kg)
    network = overlap_network(kg, report)
    assert network.nodes[0].organisation == ID + "org/kazakh-invest"
    by_org = {n.organisation.rsplit("/", 1)[-1]: n for n in network.nodes}
    # 14 shared-promotion edges plus the audit's duplication finding with 15 others.
    assert by_org["kazakh-invest"].weighted_degree == 29
    assert by_org["mid"].weighted_degree == 15


def test_q23_the_headline_overlap_is_the_audit_finding(kg):
    top = find_overlaps(kg).overlaps[0]
    assert top.kind == "documented-duplication"
    assert {ID + "org/mid", ID + "org/kazakh-invest"} <= set(top.organisations)
    assert len(top.organisations) == 16
    assert top.evidence[0].iri == ID + "finding/duplication-and-poor-coordination"
    assert top.evidence[0].source == SRC + "gout-2025"


def test_q24_overlaps_reaching_one_zone(kg):
    report = find_overlaps(kg, zone=ID + "zone/astana-new-city")
    kinds = {o.kind for o in report.overlaps}
    assert {"documented-duplication", "shared-mandate", "exception", "conflicting-claim", "unexercised-mandate"} <= kinds
    for o in report.overlaps:
        assert not o.zones or ID + "zone/astana-new-city" in o.zones
