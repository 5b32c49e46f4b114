"""Namespaces of sezkg.

`SEZ` is a closed DefinedNamespace: `SEZ.Zonee` raises instead of minting a new IRI, and a test
keeps its term list equal to the terms ontology/sezkg.ttl declares."""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

BASE = "https://w3id.org/sezkg/"
ONTOLOGY_IRI = BASE + "ontology"
SCHEME_IRI = BASE + "scheme"
SHAPES_IRI = BASE + "shapes"
SOURCE_BASE = BASE + "source/"
ID_BASE = BASE + "id/"

SEZSH = Namespace(BASE + "shapes#")
SRC = Namespace(SOURCE_BASE)
ID = Namespace(ID_BASE)
SCHEME = Namespace(SCHEME_IRI + "/")


class SEZ(DefinedNamespace):
    """Terms of the sezkg ontology."""

    _fail = True
    _NS = Namespace(ONTOLOGY_IRI + "#")

    Association: URIRef
    Audit: URIRef
    AuditBody: URIRef
    Bank: URIRef
    CityOfRepublicanSignificance: URIRef
    Company: URIRef
    Country: URIRef
    Decree: URIRef
    EconomicRegime: URIRef
    EducationInstitution: URIRef
    Finding: URIRef
    ForeignCompany: URIRef
    GovernanceFunction: URIRef
    GovernmentBody: URIRef
    Incentive: URIRef
    IncentiveTier: URIRef
    IndustrialZone: URIRef
    InternationalFinancialCentre: URIRef
    InternationalOrganisation: URIRef
    Investment: URIRef
    Law: URIRef
    LegalAct: URIRef
    LocalExecutiveBody: URIRef
    ManagementCompany: URIRef
    Mandate: URIRef
    Measure: URIRef
    Ministry: URIRef
    NationalDevelopmentInstitution: URIRef
    Oblast: URIRef
    Observation: URIRef
    Ownership: URIRef
    Partnership: URIRef
    PrivateCompany: URIRef
    QuasiStateCompany: URIRef
    Recommendation: URIRef
    RegimeRule: URIRef
    Region: URIRef
    ResidencyRule: URIRef
    Rule: URIRef
    Source: URIRef
    SpecialEconomicZone: URIRef
    StateCorporation: URIRef
    StateOwnedEnterprise: URIRef
    ThinkTank: URIRef
    actNumber: URIRef
    activeSinceYear: URIRef
    amends: URIRef
    appliesToZone: URIRef
    areaHectares: URIRef
    basedInCountry: URIRef
    bound: URIRef
    concernsOrganisation: URIRef
    concernsZone: URIRef
    durationYears: URIRef
    establishedYear: URIRef
    exceptZone: URIRef
    expiryYear: URIRef
    findingCategory: URIRef
    governanceFunction: URIRef
    hasIndicator: URIRef
    hasNationalScope: URIRef
    holdsMandate: URIRef
    investedIn: URIRef
    investor: URIRef
    investorCategory: URIRef
    leadsTo: URIRef
    legalBasis: URIRef
    locatedIn: URIRef
    managementCompany: URIRef
    managesZone: URIRef
    mandateHolder: URIRef
    maxInvestmentMci: URIRef
    maxInvestmentUsdApprox: URIRef
    measure: URIRef
    minInvestmentMci: URIRef
    minPriorityIncomeSharePercent: URIRef
    notPerformed: URIRef
    observedSubject: URIRef
    owned: URIRef
    owner: URIRef
    partner: URIRef
    partnershipZone: URIRef
    periodEnd: URIRef
    periodStart: URIRef
    prioritySector: URIRef
    rateInZone: URIRef
    rateOutsideZone: URIRef
    rateOutsideZoneMax: URIRef
    rateOutsideZoneMin: URIRef
    rateUnit: URIRef
    referenceDate: URIRef
    scopeZone: URIRef
    sharePercent: URIRef
    startYear: URIRef
    statement: URIRef
    tierCode: URIRef
    underDevelopmentSinceYear: URIRef
    unit: URIRef
    validFrom: URIRef
    validUntil: URIRef
    value: URIRef
    zoneType: URIRef


PREFIXES: dict[str, str] = {
    "sez": ONTOLOGY_IRI + "#",
    "sezsh": BASE + "shapes#",
    "src": SOURCE_BASE,
    "zone": ID_BASE + "zone/",
    "orgid": ID_BASE + "org/",
    "person": ID_BASE + "person/",
    "region": ID_BASE + "region/",
    "scheme": SCHEME_IRI + "/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "time": "http://www.w3.org/2006/time#",
    "qb": "http://purl.org/linked-data/cube#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "schema": "https://schema.org/",
    "sh": "http://www.w3.org/ns/shacl#",
    "vann": "http://purl.org/vocab/vann/",
}
