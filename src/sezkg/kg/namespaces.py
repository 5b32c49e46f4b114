"""Namespaces of sezkg: the base IRIs and the prefixes every writer uses.

Terms are not listed in Python: the code names sez: terms inside SPARQL files, and a typo there
or in the data is caught by the undeclared-term gate (queries/undeclared-term-violation.rq)."""

from __future__ import annotations

BASE = "https://w3id.org/sezkg/"
ONTOLOGY_IRI = BASE + "ontology"
SCHEME_IRI = BASE + "scheme"
SHAPES_IRI = BASE + "shapes"
SOURCE_BASE = BASE + "source/"
ID_BASE = BASE + "id/"



PREFIXES: dict[str, str] = {
    "sez": ONTOLOGY_IRI + "#",
    "sezsh": BASE + "shapes#",
    "src": SOURCE_BASE,
    "zone": ID_BASE + "zone/",
    "orgid": ID_BASE + "org/",
    "person": ID_BASE + "person/",
    "region": ID_BASE + "region/",
    "scheme": SCHEME_IRI + "/",
    "fn": SCHEME_IRI + "/governance-function/",
    "sector": SCHEME_IRI + "/sector/",
    "zonetype": SCHEME_IRI + "/zone-type/",
    "cat": SCHEME_IRI + "/finding-category/",
    "measure": SCHEME_IRI + "/measure/",
    "unit": SCHEME_IRI + "/unit/",
    "bound": SCHEME_IRI + "/bound/",
    "invcat": SCHEME_IRI + "/investor-category/",
    "role": SCHEME_IRI + "/role/",
    "act": ID_BASE + "act/",
    "mandate": ID_BASE + "mandate/",
    "finding": ID_BASE + "finding/",
    "obs": ID_BASE + "observation/",
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
