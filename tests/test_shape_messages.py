"""Every sh:message of ontology/shapes.ttl has an invalid fixture, and each fixture's report is
checked result by result on both engines, as pySHACL's own test suite checks its results: the
focus node, the result path, the constraint component and the source shape (and so its message),
not only the message. Fixtures are the invalid ones of tests/fixtures/shapes/ and one for every
other message in tests/fixtures/messages/ (its first line says what it breaks)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from conftest import FIXTURES
from rdflib import Graph, URIRef
from rdflib.namespace import SH
from test_validate import FIXTURE_VOCABULARY, _load_fixture

import sezkg
from sezkg.kg.resources import default_files
from sezkg.questions.validate import ENGINES, check_shapes, validate

SEZ = "https://w3id.org/sezkg/ontology#"
SEZSH = "https://w3id.org/sezkg/shapes#"
SHACL = str(SH)
PREFIXES = {
    "sez": SEZ,
    "item": "https://w3id.org/sezkg/id/fixture/",
    "zone": "https://w3id.org/sezkg/id/zone/",
    "orgid": "https://w3id.org/sezkg/id/org/",
    "region": "https://w3id.org/sezkg/id/region/",
    "person": "https://w3id.org/sezkg/id/person/",
    "event": "https://w3id.org/sezkg/id/event/",
    "src": "https://w3id.org/sezkg/source/",
    "sector": "https://w3id.org/sezkg/scheme/sector/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "dcterms": "http://purl.org/dc/terms/",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
}
START_YEAR = f"(<{SEZ}establishedYear>|<{SEZ}activeSinceYear>|<{SEZ}underDevelopmentSinceYear>)"
UNLABELLED = "queries/unlabelled-entity-violation.rq"

# (fixture, focus node, result path, constraint component, source shape in sezsh:). The message
# expected is the source shape's sh:message (for a SPARQL constraint, its constraint's). A fixture
# breaks exactly the constraints listed for it: one, but for zone-label-without-language, whose
# label breaks both sh:datatype and sh:languageIn of the same shape.
EXPECTED = [
    # The shape fixtures (tests/fixtures/shapes/, one `# expect:` message each)
    ("audit-by-a-ministry", "item:audit", "prov:wasAssociatedWith", "Class", "AuditWasAssociatedWith"),
    ("audit-without-date", "item:audit", "dcterms:date", "MinCount", "AuditDate"),
    ("change-event-result-not-an-organisation",
     "event:fixture-rename", "org:resultingOrganization", "Class", "ChangeEventResultingOrganization"),
    ("change-event-without-original",
     "event:fixture-rename", "org:originalOrganization", "MinCount", "ChangeEventOriginalOrganization"),
    ("concept-scheme-not-a-scheme", "sector:fixture-sector", "skos:inScheme", "Class", "ConceptInScheme"),
    ("concept-two-english-labels", "sector:fixture-sector", "skos:prefLabel", "UniqueLang", "ConceptPrefLabel"),
    ("concept-without-scheme", "sector:fixture-sector", "skos:inScheme", "MinCount", "ConceptInScheme"),
    ("financial-centre-also-sez", "zone:fixture-centre", "", "Not", "FinancialCentreShape"),
    ("finding-not-performed-without-function", "item:finding", "", "SPARQL", "FindingNotPerformedShape"),
    ("finding-recommendation-without-statement",
     "item:recommendation", "sez:statement", "MinCount", "RecommendationStatement"),
    ("finding-statement-without-language", "item:finding", "sez:statement", "Datatype", "FindingStatement"),
    ("finding-without-category", "item:finding", "sez:findingCategory", "MinCount", "FindingCategory"),
    ("incentive-range-backwards",
     "item:incentive", "sez:rateOutsideZoneMin", "LessThanOrEquals", "IncentiveRateOutsideZoneMin"),
    ("incentive-tier-duration-not-integer", "item:tier", "sez:durationYears", "Datatype", "IncentiveTierDurationYears"),
    ("incentive-tier-thresholds-backwards",
     "item:tier", "sez:minInvestmentMci", "LessThan", "IncentiveTierMinInvestmentMci"),
    ("incentive-without-legal-basis", "item:incentive", "sez:legalBasis", "MinCount", "IncentiveLegalBasis"),
    ("investment-without-category",
     "item:investment", "sez:investorCategory", "MinCount", "InvestmentInvestorCategory"),
    ("legal-act-number-not-a-string", "item:act", "sez:actNumber", "Datatype", "LegalActActNumber"),
    ("management-company-without-zone",
     "orgid:fixture-mc", f"^<{SEZ}managementCompany>", "MinCount", "ManagementCompanyManagedZone"),
    ("mandate-ends-before-it-starts", "item:mandate", "", "SPARQL", "IntervalShape"),
    ("mandate-function-not-a-governance-function",
     "item:mandate", "sez:governanceFunction", "Node", "MandateGovernanceFunction"),
    ("mandate-legal-basis-not-an-act", "item:mandate", "sez:legalBasis", "Class", "MandateLegalBasis"),
    ("mandate-two-holders", "item:mandate", "sez:mandateHolder", "MaxCount", "MandateHolder"),
    ("mandate-with-both-scopes", "item:mandate", "", "Xone", "MandateShape"),
    ("mandate-without-scope", "item:mandate", "", "Xone", "MandateShape"),
    ("observation-period-backwards", "item:observation", "", "SPARQL", "ObservationPeriodShape"),
    ("observation-share-over-100", "item:observation", "", "Or", "ObservationShareShape"),
    ("observation-unit-not-a-unit", "item:observation", "sez:unit", "Node", "ObservationUnit"),
    ("observation-value-not-a-number", "item:observation", "sez:value", "Datatype", "ObservationValue"),
    ("organisation-country-not-a-country",
     "orgid:fixture-company", "sez:basedInCountry", "Class", "OrganisationBasedInCountry"),
    ("organisation-parent-not-an-organisation",
     "orgid:fixture-company", "org:subOrganizationOf", "Class", "OrganisationSubOrganizationOf"),
    ("organisation-without-label", "orgid:fixture-company", "rdfs:label", "MinCount", "OrganisationLabel"),
    ("ownership-share-over-100", "item:ownership", "sez:sharePercent", "MaxInclusive", "OwnershipSharePercent"),
    ("partnership-without-partner", "item:partnership", "sez:partner", "MinCount", "PartnershipPartner"),
    ("person-without-label", "person:fixture-author", "rdfs:label", "MinCount", "PersonLabel"),
    ("region-label-without-language", "region:fixture-city", "rdfs:label", "Datatype", "RegionLabel"),
    ("rule-share-over-100",
     "item:rule", "sez:minPriorityIncomeSharePercent", "MaxInclusive", "RuleMinPriorityIncomeSharePercent"),
    ("rule-without-statement", "item:rule", "sez:statement", "MinCount", "RuleStatement"),
    ("source-creator-not-an-agent", "src:fixture-part", "dcterms:creator", "Or", "SourceCreator"),
    ("source-issued-not-a-date", "src:fixture-part", "dcterms:issued", "Or", "SourceIssued"),
    ("source-part-of-not-a-source", "src:fixture-part", "dcterms:isPartOf", "Class", "SourceIsPartOf"),
    ("source-references-not-a-source", "src:fixture-part", "dcterms:references", "Class", "SourceReferences"),
    ("source-two-issue-dates", "src:fixture-part", "dcterms:issued", "MaxCount", "SourceIssued"),
    ("source-url-not-an-iri", "src:fixture-part", "schema:url", "NodeKind", "SourceUrl"),
    ("source-without-title-or-label", "src:fixture-part", "", "Or", "SourceShape"),
    ("zone-expiry-not-a-year", "zone:fixture", "sez:termEnd", "Or", "ZoneExpiryYear"),
    ("zone-label-without-language", "zone:fixture", "rdfs:label", "Datatype", "ZoneLabel"),
    ("zone-label-without-language", "zone:fixture", "rdfs:label", "LanguageIn", "ZoneLabel"),
    ("zone-management-company-wrong-type", "zone:fixture", "sez:managementCompany", "Class", "ZoneManagementCompany"),
    ("zone-negative-area", "zone:fixture", "sez:areaHectares", "MinExclusive", "ZoneArea"),
    ("zone-region-not-a-region", "zone:fixture", "sez:locatedIn", "Class", "ZoneRegion"),
    ("zone-sector-from-wrong-scheme", "zone:fixture", "sez:prioritySector", "Node", "ZoneSector"),
    ("zone-start-year-not-a-year", "zone:fixture", START_YEAR, "Datatype", "ZoneStartYear"),
    ("zone-type-from-wrong-scheme", "zone:fixture", "sez:zoneType", "Node", "ZoneType"),
    # One fixture for each message that had none (tests/fixtures/messages/)
    ("audit-without-label", "item:audit", "rdfs:label", "MinCount", "AuditLabel"),
    ("change-event-without-label", "item:rename", "rdfs:label", "MinCount", "ChangeEventLabel"),
    ("correction-source-not-a-source", "item:correction", "sez:correctedSource", "Class", "CorrectionCorrectedSource"),
    ("correction-statement-without-language", "item:correction", "sez:statement", "Datatype", "CorrectionStatement"),
    ("correction-subject-a-literal",
     "item:correction", "sez:correctedSubject", "NodeKind", "CorrectionCorrectedSubject"),
    ("correction-two-properties",
     "item:correction", "sez:correctedProperty", "MaxCount", "CorrectionCorrectedProperty"),
    ("correction-without-correct-value", "item:correction", "sez:correctValue", "MinCount", "CorrectionCorrectValue"),
    ("correction-without-label", "item:correction", "rdfs:label", "MinCount", "CorrectionLabel"),
    ("correction-without-wrong-value", "item:correction", "sez:wrongValue", "MinCount", "CorrectionWrongValue"),
    ("dated-name-attested-on-a-string", "item:name", "sez:attestedOn", "Or", "DatedNameAttestedOn"),
    ("dated-name-follows-an-organisation", "item:name", "sez:followsName", "Class", "DatedNameFollowsName"),
    ("dated-name-label-without-language", "item:name", "rdfs:label", "Datatype", "DatedNameLabel"),
    ("dated-name-two-end-dates", "item:name", "sez:validUntil", "MaxCount", "DatedNameValidUntil"),
    ("dated-name-valid-from-not-a-date", "item:name", "sez:validFrom", "Or", "DatedNameValidFrom"),
    ("finding-category-from-wrong-scheme", "item:finding", "sez:findingCategory", "Node", "FindingCategory"),
    ("finding-concerns-a-source-as-organisation",
     "item:finding", "sez:concernsOrganisation", "Class", "FindingConcernsOrganisation"),
    ("finding-concerns-an-organisation-as-zone", "item:finding", "sez:concernsZone", "Class", "FindingConcernsZone"),
    ("finding-function-from-wrong-scheme",
     "item:finding", "sez:governanceFunction", "Node", "FindingGovernanceFunction"),
    ("finding-generated-by-an-organisation", "item:finding", "prov:wasGeneratedBy", "Class", "FindingWasGeneratedBy"),
    ("finding-indicator-not-an-observation", "item:finding", "sez:hasIndicator", "Class", "FindingHasIndicator"),
    ("finding-leads-to-a-source", "item:finding", "sez:leadsTo", "Class", "FindingLeadsTo"),
    ("finding-not-performed-a-string", "item:finding", "sez:notPerformed", "Datatype", "FindingNotPerformedFlag"),
    ("finding-without-label", "item:finding", "rdfs:label", "MinCount", "FindingLabel"),
    ("incentive-negative-rate-in-zone", "item:incentive", "sez:rateInZone", "MinInclusive", "IncentiveRateInZone"),
    ("incentive-rate-unit-from-wrong-scheme", "item:incentive", "sez:rateUnit", "Node", "IncentiveRateUnit"),
    ("incentive-tier-code-with-language", "item:tier", "sez:tierCode", "Datatype", "IncentiveTierCode"),
    ("incentive-tier-without-legal-basis", "item:tier", "sez:legalBasis", "MinCount", "IncentiveTierLegalBasis"),
    ("incentive-two-rates-outside-zone",
     "item:incentive", "sez:rateOutsideZone", "MaxCount", "IncentiveRateOutsideZone"),
    ("incentive-without-label", "item:incentive", "rdfs:label", "MinCount", "IncentiveLabel"),
    ("investment-category-from-wrong-scheme",
     "item:investment", "sez:investorCategory", "Node", "InvestmentInvestorCategory"),
    ("investment-indicator-not-an-observation",
     "item:investment", "sez:hasIndicator", "Class", "InvestmentHasIndicator"),
    ("investment-invested-in-a-literal", "item:investment", "sez:investedIn", "NodeKind", "InvestmentInvestedIn"),
    ("investment-investor-a-zone", "item:investment", "sez:investor", "Class", "InvestmentInvestor"),
    ("investment-without-label", "item:investment", "rdfs:label", "MinCount", "InvestmentLabel"),
    ("legal-act-amends-an-organisation", "item:act", "sez:amends", "Class", "LegalActAmends"),
    ("legal-act-by-a-person", "item:act", "dcterms:creator", "Class", "LegalActCreator"),
    ("legal-act-in-force-until-a-string", "item:act", "sez:inForceUntil", "Or", "LegalActInForceUntil"),
    ("legal-act-issued-on-an-integer", "item:act", "dcterms:issued", "Or", "LegalActIssued"),
    ("legal-act-repealed-by-an-organisation", "item:act", "sez:repealedBy", "Class", "LegalActRepealedBy"),
    ("legal-act-two-start-dates", "item:act", "sez:inForceFrom", "MaxCount", "LegalActInForceFrom"),
    ("legal-act-without-label", "item:act", "rdfs:label", "MinCount", "LegalActLabel"),
    ("mandate-except-zone-not-a-zone", "item:mandate", "sez:exceptZone", "Class", "MandateExceptZone"),
    ("mandate-national-scope-not-a-boolean",
     "item:mandate", "sez:hasNationalScope", "Datatype", "MandateHasNationalScope"),
    ("mandate-scope-zone-not-a-zone", "item:mandate", "sez:scopeZone", "Class", "MandateScopeZone"),
    ("mandate-two-end-dates", "item:mandate", "sez:validUntil", "MaxCount", "MandateValidUntil"),
    ("mandate-valid-from-not-a-date", "item:mandate", "sez:validFrom", "Or", "MandateValidFrom"),
    ("mandate-without-label", "item:mandate", "rdfs:label", "MinCount", "MandateLabel"),
    ("observation-bound-from-wrong-scheme", "item:observation", "sez:bound", "Node", "ObservationBound"),
    ("observation-measure-from-wrong-scheme", "item:observation", "sez:measure", "Node", "ObservationMeasure"),
    ("observation-reference-date-not-a-date",
     "item:observation", "sez:referenceDate", "Or", "ObservationReferenceDate"),
    ("observation-subject-a-literal", "item:observation", "sez:observedSubject", "NodeKind", "ObservationSubject"),
    ("observation-two-period-ends", "item:observation", "sez:periodEnd", "MaxCount", "ObservationPeriodEnd"),
    ("observation-two-period-starts", "item:observation", "sez:periodStart", "MaxCount", "ObservationPeriodStart"),
    ("observation-without-label", "item:observation", "rdfs:label", "MinCount", "ObservationLabel"),
    ("office-attested-on-an-integer", "item:membership", "sez:attestedOn", "Or", "MembershipAttestedOn"),
    ("office-from-a-string", "item:membership", "sez:validFrom", "Or", "MembershipValidFrom"),
    ("office-held-by-an-organisation", "item:membership", "org:member", "Class", "MembershipMember"),
    ("office-in-two-organisations", "item:membership", "org:organization", "MaxCount", "MembershipOrganization"),
    ("office-two-end-dates", "item:membership", "sez:validUntil", "MaxCount", "MembershipValidUntil"),
    ("office-without-role", "item:membership", "org:role", "MinCount", "MembershipRole"),
    ("organisation-founding-date-not-a-date",
     "orgid:fixture-company", "schema:foundingDate", "Or", "OrganisationFoundingDate"),
    ("organisation-group-not-a-group", "orgid:fixture-company", "sez:inGroup", "Class", "OrganisationInGroup"),
    ("organisation-group-of-two-classes", "orgid:fixture-group", "sez:groupOf", "MaxCount", "OrganisationGroupOf"),
    ("organisation-name-not-a-dated-name", "orgid:fixture-company", "sez:hasName", "Class", "OrganisationHasName"),
    ("organisation-two-dissolution-dates",
     "orgid:fixture-company", "schema:dissolutionDate", "MaxCount", "OrganisationDissolutionDate"),
    ("ownership-of-a-zone", "item:ownership", "sez:owned", "Class", "OwnershipOwned"),
    ("ownership-owner-a-literal", "item:ownership", "sez:owner", "NodeKind", "OwnershipOwner"),
    ("partnership-without-label", "item:partnership", "rdfs:label", "MinCount", "PartnershipLabel"),
    ("partnership-zone-a-region", "item:partnership", "sez:partnershipZone", "Class", "PartnershipZone"),
    ("policy-event-by-a-region", "item:event", "prov:wasAssociatedWith", "Or", "PolicyEventWasAssociatedWith"),
    ("policy-event-without-date", "item:event", "dcterms:date", "MinCount", "PolicyEventDate"),
    ("policy-event-without-label", "item:event", "rdfs:label", "MinCount", "PolicyEventLabel"),
    ("policy-event-without-statement", "item:event", "sez:statement", "MinCount", "PolicyEventStatement"),
    ("recommendation-without-label", "item:recommendation", "rdfs:label", "MinCount", "RecommendationLabel"),
    ("rule-applies-to-a-region", "item:rule", "sez:appliesToZone", "Class", "RuleAppliesToZone"),
    ("rule-legal-basis-a-zone", "item:rule", "sez:legalBasis", "Class", "RuleLegalBasis"),
    ("rule-without-label", "item:rule", "rdfs:label", "MinCount", "RuleLabel"),
    ("source-state-date-not-a-date", "src:fixture", "sez:describesStateOn", "Or", "SourceDescribesStateOn"),
    ("source-unknown-metadata-not-listed", "src:fixture", "sez:unknownMetadata", "In", "SourceUnknownMetadata"),
    ("source-without-date", "src:fixture", "", "Or", "SourceDateShape"),
    ("source-without-publisher", "src:fixture", "", "Or", "SourcePublisherShape"),
    ("source-without-title", "src:fixture", "", "Or", "SourceTitleShape"),
    ("source-without-url", "src:fixture", "", "Or", "SourceAddressShape"),
    ("zone-component-label-without-language", "zone:fixture--port", "rdfs:label", "Datatype", "ZoneComponentLabel"),
    ("zone-component-without-zone", "zone:fixture--port", "sez:componentOf", "MinCount", "ZoneComponentOf"),
    ("zone-founding-act-not-an-act", "zone:fixture", "sez:foundingAct", "Class", "ZoneFoundingAct"),
    ("zone-name-not-a-dated-name", "zone:fixture", "sez:hasName", "Class", "ZoneName"),
    ("zone-reestablishes-not-a-zone", "zone:fixture", "sez:reestablishes", "Class", "ZoneReestablishes"),
]


def _iri(name: str) -> str:
    """A prefixed name of the table as a full IRI; a path written out (START_YEAR, ^<…>) stays."""
    prefix, _, local = name.partition(":")
    return PREFIXES[prefix] + local if prefix in PREFIXES else name


def _fixture(name: str) -> Path:
    [path] = [p for p in (FIXTURES / "shapes" / f"{name}.trig", FIXTURES / "messages" / f"{name}.trig") if p.exists()]
    return path


@cache
def _shapes() -> Graph:
    return Graph().parse(default_files().shapes)


def _message(shape: str) -> str:
    """The sh:message of a shape, or of its SPARQL constraint."""
    shapes, node = _shapes(), URIRef(shape)
    holders = [node, *shapes.objects(node, SH.sparql)]
    [message] = [str(m) for h in holders for m in shapes.objects(h, SH.message)]
    return message


FIXTURE_NAMES = sorted({row[0] for row in EXPECTED})


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_fixture_breaks_exactly_its_constraints(name, engine, tmp_path):
    kg_files = default_files()
    kg, stated_in = _load_fixture(_fixture(name), kg_files, tmp_path)
    report = validate(kg, kg_files, engine=engine)
    found = [v for v in report.violations if v.component]
    expected = sorted((_iri(focus), _iri(path), SHACL + f"{component}ConstraintComponent", SEZSH + shape)
                      for fixture, focus, path, component, shape in EXPECTED if fixture == name)
    assert sorted((v.focus, v.path, v.component, v.check) for v in found) == expected
    for v in found:
        assert v.shape == v.check  # the source shape by its IRI, never "(anonymous shape)"
        assert v.message == _message(v.shape)
        assert v.severity == "Violation"
        assert v.files == (str(stated_in),)
    # The violation queries find nothing else: a typo in a term would show here as an undeclared
    # term (and the fixture would break nothing it claims to); only a missing label may show.
    others = [(v.check, v.focus) for v in report.violations if not v.component]
    assert [o for o in others if o[0] != UNLABELLED and o[1] != FIXTURE_VOCABULARY] == []


def _covered_messages() -> set[str]:
    """The messages the table reaches: each source shape's, and for an sh:node failure the
    messages of the node shape it refers to (whose constraint is the one that failed; a shape
    reached only through sh:node is never reported with its own message)."""
    shapes, covered = _shapes(), set()
    for _, _, _, component, shape in EXPECTED:
        covered.add(_message(SEZSH + shape))
        if component == "Node":
            for node in shapes.objects(URIRef(SEZSH + shape), SH.node):
                for nested in [node, *shapes.objects(node, SH.property)]:
                    covered.update(str(m) for m in shapes.objects(nested, SH.message))
    return covered


def test_every_message_has_an_invalid_fixture():
    messages = {str(m) for m in _shapes().objects(None, SH.message)}
    assert len(messages) == len(list(_shapes().objects(None, SH.message))), "two constraints share a message"
    missing = sorted(messages - _covered_messages())
    assert missing == [], "add a fixture to tests/fixtures/messages/ and a row to EXPECTED for: " + "; ".join(missing)


def test_every_fixture_is_in_the_table():
    invalid = {p.stem for p in (FIXTURES / "shapes").glob("*.trig") if not p.stem.endswith("-valid")}
    assert invalid | {p.stem for p in (FIXTURES / "messages").glob("*.trig")} == set(FIXTURE_NAMES)


def test_every_property_shape_has_an_iri():
    shapes = _shapes()
    anonymous = [(shapes.value(s, SH.path), shapes.value(s, SH.message))
                 for s in set(shapes.subjects(SH.path, None)) | set(shapes.objects(None, SH.property))
                 if not isinstance(s, URIRef)]
    assert anonymous == []


ANONYMOUS = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://example.org/OrganisationShape> a sh:NodeShape ; sh:targetClass org:Organization ;
    sh:property [ sh:path rdfs:label ; sh:minCount 1 ] .
"""


def test_anonymous_property_shape_is_named_by_its_node_shape_and_path(tmp_path):
    """Shapes files other than ours may still have blank property shapes: both engines name them
    by their node shape and path."""
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(ANONYMOUS, encoding="utf-8")
    kg = sezkg.load(data=[FIXTURES / "shapes" / "organisation-without-label.trig"])
    for engine in ENGINES:
        [violation] = check_shapes(kg, shapes, engine).violations
        assert violation.check == "https://example.org/OrganisationShape property http://www.w3.org/2000/01/rdf-schema#label"
        assert not violation.shape.startswith("https:") and violation.component == SHACL + "MinCountConstraintComponent"
