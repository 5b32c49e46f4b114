"""The ontology and concept schemes: headers, documentation, reuse."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from sezkg.kg.load import ontology_paths

OWL = "http://www.w3.org/2002/07/owl#"
DCT = "http://purl.org/dc/terms/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
ONTOLOGY = "https://w3id.org/sezkg/ontology"
SCHEME = "https://w3id.org/sezkg/scheme"


def _objects(kg, s: str, p: str) -> set[str]:
    return {q.object.value for q in kg.store.quads_for_pattern(ox.NamedNode(s), ox.NamedNode(p), None, None)}


@pytest.mark.parametrize("iri", [ONTOLOGY, SCHEME])
def test_header(kg, iri):
    assert _objects(kg, iri, OWL + "versionIRI")
    assert _objects(kg, iri, DCT + "license") == {"https://creativecommons.org/licenses/by/4.0/"}
    assert _objects(kg, iri, DCT + "creator")
    assert _objects(kg, iri, DCT + "created")
    assert _objects(kg, iri, DCT + "title")


def test_every_vocabulary_file_is_one_graph(kg, kg_files):
    paths = ontology_paths(kg_files.ontology)
    assert [p.name for p in paths] == ["schemes.ttl", "sezkg.ttl"]
    loaded = {f.path.name: f.graphs for f in kg.files if f.kind == "ontology"}
    assert loaded == {"schemes.ttl": (SCHEME,), "sezkg.ttl": (ONTOLOGY,)}


@pytest.mark.parametrize("scheme", ["zone-type", "sector", "governance-function", "finding-category", "investor-category"])
def test_concept_schemes(kg, scheme):
    iri = f"{SCHEME}/{scheme}"
    assert kg.ask(f"ASK {{ <{iri}> a <{SKOS}ConceptScheme> }}")
    concepts = kg.select(f"SELECT ?c WHERE {{ ?c <{SKOS}inScheme> <{iri}> ; <{SKOS}topConceptOf> <{iri}> }}")
    assert len(concepts) >= 3
    for row in concepts:
        assert row["c"].value.startswith(iri + "/")


def test_reused_vocabularies_are_reused(kg):
    """Zones and actors hang off ORG and PROV-O rather than new roots."""
    sub = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
    assert _objects(kg, ONTOLOGY + "#GovernmentBody", sub) == {"http://www.w3.org/ns/org#Organization"}
    assert _objects(kg, ONTOLOGY + "#Audit", sub) == {"http://www.w3.org/ns/prov#Activity"}
    assert _objects(kg, ONTOLOGY + "#Observation", sub) == {"http://purl.org/linked-data/cube#Observation"}
