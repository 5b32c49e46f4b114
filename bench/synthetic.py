"""Synthetic knowledge graphs in the real KG's shape, for benchmarks and tests.

`generate(zones, seed)` writes zones, their management companies and other organisations,
mandates, legal acts, audits, findings, recommendations, observations and the sources that
state them, one named graph per source (one source per zone, plus a national one), valid
under ontology/shapes.ttl. Concepts (zone types, sectors, functions, ...) are taken from the
KG's own concept schemes. `inject` names violations to plant (see VIOLATIONS); each planted
violation is returned as the results a validator must report. About 150 triples per zone
(see zones_for): 680 zones ~ 100k triples, 6,800 zones ~ 1M. Same arguments, same output.

    python bench/synthetic.py --zones 50 --inject all OUT_FOLDER
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

SEZ = "https://w3id.org/sezkg/ontology#"
SH = "http://www.w3.org/ns/shacl#"
ID = "https://w3id.org/sezkg/id/"
SOURCE = "https://w3id.org/sezkg/source/"
SCHEME = "https://w3id.org/sezkg/scheme/"
PREFIXES = {
    "sez": SEZ, "src": SOURCE, "zone": ID + "zone/", "orgid": ID + "org/", "region": ID + "region/",
    "syn": ID + "synthetic/", "org": "http://www.w3.org/ns/org#", "dcterms": "http://purl.org/dc/terms/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#", "xsd": "http://www.w3.org/2001/XMLSchema#",
    "schema": "https://schema.org/", "prov": "http://www.w3.org/ns/prov#",
}
ZONES_PER_FILE = 100  # one TriG file per 100 zone sources
REGIONS = 20
OBSERVATIONS_PER_ZONE = 8
ORGANISATIONS_PER_ZONE = 3
MANDATES_PER_ZONE = 3
FINDINGS_PER_ZONE = 2


@dataclass(frozen=True)
class PerZone:
    """How many of each fact a zone's source states (bench/world.py scales these up)."""

    organisations: int = ORGANISATIONS_PER_ZONE
    mandates: int = MANDATES_PER_ZONE
    findings: int = FINDINGS_PER_ZONE  # each finding cites one figure: at most `observations`
    observations: int = OBSERVATIONS_PER_ZONE

    def times(self, factor: float) -> PerZone:
        """Every count multiplied by `factor` and rounded (at least one of each)."""
        return PerZone(*(max(1, round(n * factor)) for n in (self.organisations, self.mandates, self.findings,
                                                               self.observations)))


@dataclass(frozen=True)
class Expected:
    """A result a validator must report for a planted violation."""

    kind: str  # the VIOLATIONS key that planted it
    focus: str
    component: str  # the constraint component IRI


@dataclass
class Entity:
    iri: str
    types: list[str]
    props: dict[str, list[str]] = field(default_factory=dict)  # predicate -> objects, both in Turtle

    def add(self, predicate: str, *objects: str) -> Entity:
        self.props.setdefault(predicate, []).extend(objects)
        return self


@dataclass
class Dataset:
    graphs: dict[str, list[Entity]]  # source graph IRI -> what it states
    expected: list[Expected]

    def trig(self, graphs: Iterable[str] | None = None) -> str:
        lines = [f"@prefix {p}: <{ns}> ." for p, ns in PREFIXES.items()]
        for graph in graphs if graphs is not None else self.graphs:
            lines.append(f"GRAPH <{graph}> {{")
            for e in self.graphs[graph]:
                parts = [f"    <{e.iri}> a {', '.join(e.types)}"]
                parts += [f"        {p} {', '.join(objects)}" for p, objects in e.props.items() if objects]
                lines.append(" ;\n".join(parts) + " .")
            lines.append("}")
        return "\n".join(lines) + "\n"

    def write(self, folder: Path) -> list[Path]:
        """TriG files of at most ZONES_PER_FILE source graphs each, for `sezkg.load(data=[folder])`."""
        folder.mkdir(parents=True, exist_ok=True)
        names = list(self.graphs)
        written = []
        for start in range(0, len(names), ZONES_PER_FILE):
            path = folder / f"synthetic-{start // ZONES_PER_FILE:05d}.trig"
            path.write_text(self.trig(names[start:start + ZONES_PER_FILE]), encoding="utf-8")
            written.append(path)
        return written

    def triples(self) -> int:
        return sum(len(e.types) + sum(len(o) for o in e.props.values()) for es in self.graphs.values() for e in es)


def concepts(ontology: Path | None = None) -> dict[str, list[str]]:
    """The members of every concept scheme of the KG, by scheme slug (e.g. 'sector')."""
    from sezkg.kg.resources import default_files

    folder = ontology or default_files().ontology
    store = ox.Store()
    for path in sorted(folder.glob("*.ttl")):
        if path.name != "shapes.ttl":
            store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    found: dict[str, list[str]] = {}
    for row in store.query("SELECT ?c ?s WHERE { ?c <http://www.w3.org/2004/02/skos/core#inScheme> ?s }"):
        if row["s"].value.startswith(SCHEME):
            found.setdefault(row["s"].value.removeprefix(SCHEME), []).append(row["c"].value)
    return {k: sorted(v) for k, v in found.items()}


def _iri(value: str) -> str:
    return f"<{value}>"


def _text(value: str, lang: str = "en") -> str:
    return f'"{value}"@{lang}'


def _typed(value: object, datatype: str) -> str:
    return f'"{value}"^^xsd:{datatype}'


class Builder:
    def __init__(self, zones: int, seed: int, per_zone: PerZone = PerZone()):
        if per_zone.findings > per_zone.observations:
            raise ValueError("each finding cites a figure of its zone: findings <= observations")
        self.rng = random.Random(seed)
        self.zones = zones
        self.per_zone = per_zone
        self.schemes = concepts()
        self.graphs: dict[str, list[Entity]] = {}

    def pick(self, scheme: str, avoid: Sequence[str] = ()) -> str:
        choices = [c for c in self.schemes[scheme] if c not in avoid]
        return _iri(self.rng.choice(choices))

    def entity(self, graph: str, iri: str, *types: str) -> Entity:
        e = Entity(iri, list(types))
        self.graphs.setdefault(graph, []).append(e)
        return e

    def build(self) -> None:
        self.national()
        for i in range(self.zones):
            self.zone(i)

    def national(self) -> None:
        """The national source: ministry, audit body, regions and audits (draws no random numbers)."""
        national = SOURCE + "synthetic-national"
        self.source(national, "National synthetic register", ID + "org/synthetic-ministry")
        self.entity(national, ID + "org/synthetic-ministry", "sez:Ministry").add("rdfs:label", _text("Synthetic ministry"))
        self.entity(national, ID + "org/synthetic-audit-body", "sez:AuditBody").add(
            "rdfs:label", _text("Synthetic audit chamber"))
        for r in range(REGIONS):
            self.entity(national, f"{ID}region/synthetic-{r}", "sez:Oblast").add(
                "rdfs:label", _text(f"Synthetic region {r}"), _text(f"Синтетическая область {r}", "ru"))
        for a in range((self.zones + 9) // 10):
            self.entity(national, f"{ID}synthetic/audit-{a}", "sez:Audit").add(
                "rdfs:label", _text(f"Synthetic audit {a}")).add(
                "prov:wasAssociatedWith", _iri(ID + "org/synthetic-audit-body")).add(
                "dcterms:date", _typed(2015 + a % 10, "gYear"))

    def source(self, graph: str, title: str, creator: str) -> Entity:
        return self.entity(graph, graph, "sez:Source").add("dcterms:title", _text(title)).add(
            "rdfs:label", _text(f"{title} (2024)")).add("dcterms:creator", _iri(creator)).add(
            "dcterms:issued", _typed(2024, "gYear")).add("schema:url", _iri(f"https://example.org/{graph.rsplit('/', 1)[-1]}"))

    def zone(self, i: int) -> None:
        rng = self.rng
        graph = f"{SOURCE}synthetic-zone-{i}"
        zone, company, act = f"{ID}zone/synthetic-{i}", f"{ID}org/synthetic-company-{i}", f"{ID}synthetic/act-{i}"
        self.source(graph, f"Synthetic zone report {i}", ID + "org/synthetic-ministry")
        self.entity(graph, zone, "sez:SpecialEconomicZone").add(
            "rdfs:label", _text(f"Synthetic zone {i}"), _text(f"Синтетическая зона {i}", "ru")).add(
            "sez:zoneType", self.pick("zone-type")).add(
            "sez:prioritySector", *sorted({self.pick("sector") for _ in range(2)})).add(
            "sez:areaHectares", _typed(f"{rng.randint(50, 50000)}.{rng.randint(0, 9)}", "decimal")).add(
            "sez:establishedYear", _typed(rng.randint(2001, 2020), "gYear")).add(
            "sez:locatedIn", _iri(f"{ID}region/synthetic-{i % REGIONS}")).add(
            "sez:managementCompany", _iri(company))
        self.entity(graph, company, "sez:ManagementCompany").add("rdfs:label", _text(f"Synthetic management company {i}"))
        # Labels say "k of zone i", not "i-k": the duplicate gate compares labels without punctuation,
        # and "1-10" and "11-0" would then be one name once a zone has ten of anything.
        organisations = [f"{ID}org/synthetic-{i}-{k}" for k in range(self.per_zone.organisations)]
        for k, o in enumerate(organisations):
            self.entity(graph, o, rng.choice(["sez:PrivateCompany", "sez:ForeignCompany", "sez:Bank"])).add(
                "rdfs:label", _text(f"Synthetic company {k} of zone {i}")).add("org:subOrganizationOf", _iri(company))
        self.entity(graph, act, "sez:Law").add("rdfs:label", _text(f"Synthetic law {i}")).add(
            "sez:actNumber", f'"{i}-VI"').add("dcterms:issued", _typed(f"20{rng.randint(10, 19)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}", "date"))
        for k in range(self.per_zone.mandates):
            start = rng.randint(2005, 2020)
            m = self.entity(graph, f"{ID}synthetic/mandate-{i}-{k}", "sez:Mandate").add(
                "rdfs:label", _text(f"Synthetic mandate {k} of zone {i}")).add(
                "sez:mandateHolder", _iri(rng.choice([company, *organisations]))).add(
                "sez:governanceFunction", self.pick("governance-function")).add(
                "sez:scopeZone", _iri(zone)).add("sez:legalBasis", _iri(act)).add("sez:validFrom", _typed(start, "gYear"))
            if k == 0 and i % 4 == 0:  # few mandates have an end in the real data
                m.add("sez:validUntil", _typed(start + rng.randint(1, 15), "gYear"))
        observations = []
        for k in range(self.per_zone.observations):
            o = f"{ID}synthetic/observation-{i}-{k}"
            observations.append(o)
            e = self.entity(graph, o, "sez:Observation").add("rdfs:label", _text(f"Synthetic figure {k} of zone {i}")).add(
                "sez:observedSubject", _iri(zone)).add("sez:measure", self.pick("measure"))
            if k % 4 == 0:  # a share in per cent, within bounds
                e.add("sez:value", _typed(rng.randint(0, 100), "decimal")).add("sez:unit", _iri(SCHEME + "unit/percent"))
            else:
                e.add("sez:value", _typed(f"{rng.randint(1, 10**9)}.{rng.randint(0, 99):02d}", "decimal")).add(
                    "sez:unit", self.pick("unit", avoid=[SCHEME + "unit/percent"]))
            e.add("sez:bound", self.pick("bound"))
            if k % 4 == 1:  # a period, as for a quarter of the real figures
                year = rng.randint(2010, 2022)
                e.add("sez:periodStart", _typed(year, "gYear")).add("sez:periodEnd", _typed(year + rng.randint(0, 3), "gYear"))
            else:
                e.add("sez:referenceDate", _typed(rng.randint(2010, 2024), "gYear"))
        recommendation = f"{ID}synthetic/recommendation-{i}"
        self.entity(graph, recommendation, "sez:Recommendation").add(
            "rdfs:label", _text(f"Synthetic recommendation {i}")).add("sez:statement", _text("Do better."))
        for k in range(self.per_zone.findings):
            function = self.pick("governance-function")
            self.entity(graph, f"{ID}synthetic/finding-{i}-{k}", "sez:Finding").add(
                "rdfs:label", _text(f"Synthetic finding {k} of zone {i}")).add(
                "sez:findingCategory", self.pick("finding-category")).add(
                "sez:statement", _text(f"Synthetic finding {i}-{k} states a problem.")).add(
                "prov:wasGeneratedBy", _iri(f"{ID}synthetic/audit-{i // 10}")).add(
                "sez:concernsZone", _iri(zone)).add("sez:concernsOrganisation", _iri(company)).add(
                "sez:governanceFunction", function).add("sez:notPerformed", *(["true"] if k and i % 4 == 0 else [])).add(
                "sez:hasIndicator", _iri(observations[k])).add("sez:leadsTo", _iri(recommendation))


def _find(b: Builder, iri: str) -> Entity:
    return next(e for es in b.graphs.values() for e in es if e.iri == iri)


def _plant(b: Builder, kind: str, i: int) -> list[Expected]:
    """Break zone i's data in one way; return what a validator must then report."""
    zone, company = f"{ID}zone/synthetic-{i}", f"{ID}org/synthetic-company-{i}"
    mandate, observation = f"{ID}synthetic/mandate-{i}-0", f"{ID}synthetic/observation-{i}-1"
    finding = f"{ID}synthetic/finding-{i}-0"

    def expect(focus: str, *components: str) -> list[Expected]:
        return [Expected(kind, focus, SH + c + "ConstraintComponent") for c in components]

    if kind == "mandate-two-holders":
        _find(b, mandate).add("sez:mandateHolder", _iri(f"{ID}org/synthetic-ministry"))
        return expect(mandate, "MaxCount")
    if kind == "mandate-both-scopes":
        _find(b, mandate).add("sez:hasNationalScope", "true")
        return expect(mandate, "Xone")
    if kind == "mandate-ends-before-it-starts":
        e = _find(b, mandate)
        e.props["sez:validFrom"], e.props["sez:validUntil"] = [_typed(2020, "gYear")], [_typed(2010, "gYear")]
        return expect(mandate, "SPARQL")
    if kind == "observation-value-not-a-decimal":
        _find(b, observation).props["sez:value"] = [_typed(12, "integer")]
        return expect(observation, "Datatype")
    if kind == "observation-share-over-100":
        e = _find(b, f"{ID}synthetic/observation-{i}-0")  # a per-cent figure
        e.props["sez:value"] = [_typed(150, "decimal")]
        return expect(e.iri, "Or")
    if kind == "finding-category-from-another-scheme":
        _find(b, finding).props["sez:findingCategory"] = [b.pick("sector")]
        return expect(finding, "Node")
    if kind == "finding-without-statement":
        _find(b, finding).props.pop("sez:statement")
        return expect(finding, "MinCount")
    if kind == "source-creator-not-an-agent":
        _find(b, f"{SOURCE}synthetic-zone-{i}").props["dcterms:creator"] = [_iri(zone)]
        return expect(f"{SOURCE}synthetic-zone-{i}", "Or")
    if kind == "zone-label-without-language":
        _find(b, zone).props["rdfs:label"] = [f'"Synthetic zone {i}"']
        return expect(zone, "Datatype", "LanguageIn")
    if kind == "zone-negative-area":
        _find(b, zone).props["sez:areaHectares"] = [_typed("-5.0", "decimal")]
        return expect(zone, "MinExclusive")
    if kind == "organisation-parent-not-an-organisation":
        _find(b, f"{ID}org/synthetic-{i}-0").props["org:subOrganizationOf"] = [_iri(f"{ID}region/synthetic-0")]
        return expect(f"{ID}org/synthetic-{i}-0", "Class")
    if kind == "management-company-without-zone":  # an inverse path
        _find(b, zone).props.pop("sez:managementCompany")
        return expect(company, "MinCount")
    raise ValueError(f"unknown violation kind {kind!r}: choose from {', '.join(VIOLATIONS)}")


VIOLATIONS = (
    "mandate-two-holders", "mandate-both-scopes", "mandate-ends-before-it-starts", "observation-value-not-a-decimal",
    "observation-share-over-100", "finding-category-from-another-scheme", "finding-without-statement",
    "source-creator-not-an-agent", "zone-label-without-language", "zone-negative-area",
    "organisation-parent-not-an-organisation", "management-company-without-zone",
)


def generate(zones: int, seed: int = 0, inject: Iterable[str] = ()) -> Dataset:
    """A synthetic KG of `zones` zones; each kind in `inject` is planted in a zone of its own."""
    kinds = list(inject)
    if len(kinds) > zones:
        raise ValueError(f"{len(kinds)} violations need at least as many zones (got {zones})")
    b = Builder(zones, seed)
    b.build()
    victims = b.rng.sample(range(zones), len(kinds))
    expected = [e for kind, i in zip(kinds, victims, strict=True) for e in _plant(b, kind, i)]
    return Dataset(b.graphs, expected)


def zones_for(triples: int) -> int:
    """How many zones make about this many triples."""
    per_zone = generate(20, 0).triples() / 20
    return max(1, round(triples / per_zone))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--zones", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--inject", nargs="*", default=[], help="violation kinds, or 'all'")
    args = parser.parse_args(argv)
    kinds = list(VIOLATIONS) if args.inject == ["all"] else args.inject
    dataset = generate(args.zones, args.seed, kinds)
    paths = dataset.write(args.folder)
    print(f"{dataset.triples()} triples in {len(dataset.graphs)} graphs, {len(paths)} files; "
          f"{len(dataset.expected)} expected results")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
