"""The overlap report: every overlap the catalogue finds, ranked, each with its evidence.

Built only from the named catalogue queries that sezkg.questions.kinds declares, so it runs the
same on the embedded store and on a remote endpoint; this module only groups and ranks rows.

- A finding is one hyperedge: the finding and every organisation it names, counted once.
- Inferred overlaps that repeat are one pattern (the same roles, the same function) with its
  instances inside, and each pattern says which finding corroborates it, or that none does.
- Ranking: documented and inferred, then documented, then inferred, then the rest (tiers in
  sezkg.questions.kinds); within a tier, more organisations, then more zones (a national scope
  counts as every zone), then the order of the kinds, then the summary's alphabetical order.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .catalogue import Query, catalogue, run_select, store_with_bundled, stream_select, unordered
from .kinds import KINDS, OverlapKind
from .kinds import kind as kind_named

if TYPE_CHECKING:
    import networkx as nx

    from ..kg.load import KnowledgeGraph
    from ..kg.rows import Row
    from .endpoint import Runner

EVERY_ZONE = "every zone"


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence: a mandate, a finding or a claim, with the source that states it."""

    kind: str
    iri: str
    label: str
    detail: str
    source: str
    source_label: str


@dataclass(frozen=True)
class Instance:
    """One occurrence of a pattern: the organisations and zones it actually involves."""

    organisations: tuple[str, ...]
    zones: tuple[str, ...]
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class Overlap:
    kind: str
    organisations: tuple[str, ...]
    function: str
    zones: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    summary: str
    rank: int = 0
    tier: int = 0
    functions: tuple[str, ...] = ()
    instances: tuple[Instance, ...] = ()
    corroborated_by: tuple[str, ...] = ()
    national: bool = False  # reaches every zone (a national scope)

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(sorted({e.source for e in self.evidence if e.source}))

    @property
    def findings(self) -> tuple[str, ...]:
        """The findings behind it: its own evidence and what corroborates it."""
        own = {e.iri for e in self.evidence if e.kind == "finding"}
        return tuple(sorted(own | set(self.corroborated_by)))


@dataclass
class OverlapReport:
    overlaps: list[Overlap]
    labels: dict[str, str] = field(default_factory=dict)
    zone: str | None = None
    lang: str = "en"  # the language of the labels and summaries

    def label(self, iri: str) -> str:
        return self.labels.get(iri, iri)

    def labels_in(self, lang: str) -> dict[str, str] | None:
        """The labels query's answer in `lang`, when the report was labelled in it (so a caller
        need not ask again); None otherwise."""
        return self.labels if self.lang == lang else None


def _v(row: Row, name: str) -> str:
    term = row.get(name) if name else None
    return term.value if term is not None else ""


def _ordered(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))


def labels(runner: Runner, queries: dict[str, Query] | None = None, lang: str = "en") -> dict[str, str]:
    """Every labelled IRI's label in `lang`, English where it has none in it: the answer of the
    catalogue's `labels` query. On the embedded store, with the bundled query and a plain
    language tag, it is read off the label statements instead (`_labels_from_store`: ~0.8 s
    against ~3.2 s for the query at ~1M triples); the tests hold the two to the same answer."""
    first, _ = labels_and_names(runner, queries, lang)
    assert first is not None
    return first


def labels_in_language(runner: Runner, queries: dict[str, Query] | None = None, lang: str = "ru") -> dict[str, str]:
    """Every IRI's label in `lang` where it has one (no English in its place): the answer of the
    catalogue's `labels-in-language` query, read off the statements as `labels` does."""
    return labels_and_names(runner, queries, None, [lang])[1][lang]


_LANGUAGE_TAG = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")
_RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_SKOS_PREF_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"


def labels_and_names(runner: Runner, queries: dict[str, Query] | None = None, lang: str | None = "en",
                     others: Sequence[str] = ()) -> tuple[dict[str, str] | None, dict[str, dict[str, str]]]:
    """`labels(runner, queries, lang)` (None for no `lang`) and `labels_in_language` of each of
    `others`. On the embedded store, those whose query is the bundled one and whose language is
    a plain tag are read off the label statements, in one pass for them all (~5M triples: three
    passes took 9.2 s before the report's fork, where nothing runs beside them); the rest are
    asked as queries."""
    queries = queries or catalogue()
    wanted = ([(lang, True)] if lang is not None else []) + [(other, False) for other in others]
    read = list(dict.fromkeys(
        (tag, english) for tag, english in wanted
        if _LANGUAGE_TAG.fullmatch(tag) and store_with_bundled(runner, queries, _LABEL_QUERY[english]) is not None))
    kg = store_with_bundled(runner, queries, _LABEL_QUERY[read[0][1]]) if read else None
    found = dict(zip(read, _label_sets(kg, read), strict=True)) if kg is not None else {}

    def answer(tag: str, english: bool) -> dict[str, str]:
        if (tag, english) in found:
            return found[(tag, english)]
        return _labels_by_query(runner, queries, tag) if english else _names_by_query(runner, queries, tag)

    return (answer(lang, True) if lang is not None else None), {other: answer(other, False) for other in others}


_LABEL_QUERY = {True: "labels", False: "labels-in-language"}


def _labels_by_query(runner: Runner, queries: dict[str, Query], lang: str) -> dict[str, str]:
    found = ((_v(r, "thing"), _v(r, "label")) for r in run_select(runner, unordered(queries["labels"]), {"lang": lang}))
    return dict(sorted(found))  # in the query's order, STR(?thing): each thing once, so its label never decides


def _names_by_query(runner: Runner, queries: dict[str, Query], lang: str) -> dict[str, str]:
    variables, tuples = stream_select(runner, unordered(queries["labels-in-language"]), {"lang": lang})
    at_thing, at_label = variables.index("thing"), variables.index("label")
    pairs = ((t[at_thing], t[at_label]) for t in tuples)
    return dict(sorted((thing.value, label.value) for thing, label in pairs if thing is not None and label is not None))


def _labels_from_store(kg: KnowledgeGraph, lang: str, english: bool = True) -> dict[str, str]:
    """What the `labels` query answers, from the label statements of every graph: for each IRI,
    the least of its rdfs:labels in `lang` (LANGMATCHES: that tag or one under it, any case),
    else of its English rdfs:labels, else of its English skos:prefLabels. Least as MIN takes it
    on Oxigraph: by the text, code point by code point (the language only breaks ties, and
    only the text is kept). Without `english`, the first only: `labels-in-language`'s answer."""
    return _label_sets(kg, [(lang, english)])[0]


def _label_sets(kg: KnowledgeGraph, wanted: Sequence[tuple[str, bool]]) -> list[dict[str, str]]:
    """`_labels_from_store(kg, lang, english)` for each pair of `wanted`, in one pass over the
    rdfs:labels (and one over the skos:prefLabels, if any pair falls back to English)."""
    def matches(tag: str, sought: str) -> bool:
        return tag == sought or tag.startswith(sought + "-")

    import pyoxigraph as ox

    # Per pair and property, the kinds of label it takes: (rank: lower first, language sought).
    kinds_of = [{_RDFS_LABEL: ((0, lang.lower()), (1, "en")) if english else ((0, lang.lower()),),
                 _SKOS_PREF_LABEL: ((2, "en"),) if english else ()} for lang, english in wanted]
    chosen: list[dict[str, tuple[int, str]]] = [{} for _ in wanted]  # thing -> (rank, the least text)
    for prop in (_RDFS_LABEL, _SKOS_PREF_LABEL):
        sought = [(kinds[prop], found) for kinds, found in zip(kinds_of, chosen, strict=True) if kinds[prop]]
        if not sought:
            continue
        for quad in kg.store.quads_for_pattern(None, ox.NamedNode(prop), None, None):
            thing, label = quad.subject, quad.object
            if not isinstance(thing, ox.NamedNode) or not isinstance(label, ox.Literal) or not label.language:
                continue
            tag = label.language.lower()
            for kinds, found in sought:
                for rank, lang in kinds:
                    if matches(tag, lang):
                        known = found.get(thing.value)
                        if known is None or (rank, label.value) < known:
                            found[thing.value] = (rank, label.value)
                        break
    return [dict(sorted((thing, text) for thing, (_, text) in found.items())) for found in chosen]


class _Builder:
    def __init__(self, runner: Runner, queries: dict[str, Query], zone: str | None, lang: str = "en",
                 known: dict[str, str] | None = None):
        self.runner = runner
        self.queries = queries
        self.zone = zone
        self.labels = labels(runner, queries, lang) if known is None else known

    def label(self, iri: str) -> str:
        return self.labels.get(iri, iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1])

    def names(self, iris: tuple[str, ...]) -> str:
        labels = [self.label(i) for i in iris]
        return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1] if labels else ""

    def rows(self, k: OverlapKind) -> list[Row]:
        query = self.queries[k.query]
        params = dict(k.params)
        if self.zone:
            for candidate in ("zone", "subject"):
                if any(p.name == candidate for p in query.params):
                    params[candidate] = self.zone
                    break
        return run_select(self.runner, query, params or None)

    def evidence(self, k: OverlapKind, row: Row) -> list[Evidence]:
        found = []
        for spec in k.evidence:
            iri = _v(row, spec.iri)
            if not iri:
                continue
            detail_term = row.get(spec.detail) if spec.detail else None
            detail = ""
            if detail_term is not None:
                detail = (self.label(detail_term.value) if type(detail_term).__name__ == "NamedNode"
                          else detail_term.value)
            source = _v(row, spec.source)
            found.append(Evidence(spec.kind, iri, self.label(iri), detail, source, self.label(source)))
        return found

    def build(self, k: OverlapKind) -> list[Overlap]:
        instances: dict[tuple[str, ...], dict[str, Any]] = {}
        for row in self.rows(k):
            key = tuple(_v(row, c) for c in k.instance)
            item = instances.setdefault(key, {"orgs": [], "zones": [], "functions": [], "evidence": [],
                                              "corroborated": [], "values": [], "row": row})
            item["orgs"] += [_v(row, c) for c in k.organisations]
            item["zones"] += [_v(row, c) for c in k.zones]
            item["functions"].append(_v(row, k.function))
            item["evidence"] += self.evidence(k, row)
            item["corroborated"].append(_v(row, k.corroboration))
            if k.value:
                item["values"] += [(_v(row, "valueA"), _v(row, "sourceA")), (_v(row, "valueB"), _v(row, "sourceB"))]
        # Group instances into patterns (or keep each on its own).
        patterns: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
        for key, item in instances.items():
            pkey = tuple(_v(item["row"], c) for c in k.pattern) if k.pattern else key
            patterns[pkey].append(item)
        return [self.overlap(k, items) for _, items in sorted(patterns.items())]

    def overlap(self, k: OverlapKind, items: list[dict[str, Any]]) -> Overlap:
        first = items[0]["row"]
        orgs = (_ordered([_v(first, c) for c in k.roles]) if k.roles
                else _ordered([o for i in items for o in i["orgs"]]))
        zones = _ordered(sorted(z for i in items for z in i["zones"]))
        functions = _ordered(sorted(f for i in items for f in i["functions"]))
        evidence = tuple(dict.fromkeys(e for i in items for e in i["evidence"]))
        corroborated = _ordered(sorted(c for i in items for c in i["corroborated"]))
        national = bool(k.zones) and any(not z for i in items for z in i["zones"] or [""]) and not k.other
        where = f" in {self.names(zones)}" if zones else ""
        values = _ordered([f"{v} in {self.label(s)}" for i in items for v, s in i["values"]])
        fields = {
            "organisations": self.names(orgs),
            "holders_instead": (self.names(tuple(o for o in orgs if o != _v(first, "standardHolder")))
                                or "no other body on record"),
            "function": self.label(functions[0]) if functions else "",
            "functions": ", ".join(self.label(f) for f in functions),
            "zones": EVERY_ZONE + (f" (and {self.names(zones)})" if zones else "") if national else self.names(zones),
            "where": where,
            "evidence": evidence[0].label if evidence else "",
            "subject": self.label(_v(first, k.subject)) if k.subject else "",
            "property": self.label(_v(first, k.property)) if k.property else "",
            "values": "; ".join(values),
        }
        instances = tuple(Instance(_ordered(i["orgs"]), _ordered(sorted(i["zones"])),
                                   tuple(dict.fromkeys(i["evidence"])))
                          for i in items)
        return Overlap(
            kind=k.name, organisations=orgs, function=functions[0] if functions else "", zones=zones,
            evidence=evidence, summary=k.summary.format(**fields), tier=k.tier(bool(corroborated)),
            functions=functions, instances=instances, corroborated_by=corroborated, national=national,
        )


def _sort_key(overlap: Overlap) -> tuple[int, int, int, int, str]:
    order = [k.name for k in KINDS]
    reach = 10_000 if overlap.national else len(overlap.zones)
    return (overlap.tier, -len(overlap.organisations), -reach, order.index(overlap.kind), overlap.summary)


def find_overlaps(runner: Runner, zone: str | None = None, queries: dict[str, Query] | None = None,
                  lang: str = "en", known_labels: dict[str, str] | None = None) -> OverlapReport:
    """Every overlap, ranked (see the module docstring for the order), labelled in `lang`;
    `known_labels`: `labels(runner, queries, lang)`'s answer, when the caller has it already."""
    builder = _Builder(runner, queries or catalogue(), zone, lang, known_labels)
    found = [o for k in KINDS for o in builder.build(k)]
    ranked = [
        Overlap(o.kind, o.organisations, o.function, o.zones, o.evidence, o.summary, rank, o.tier, o.functions,
                o.instances, o.corroborated_by, o.national)
        for rank, o in enumerate(sorted(found, key=_sort_key), start=1)
    ]
    return OverlapReport(ranked, builder.labels, zone, lang)


# ---------------------------------------------------------------- the overlap network

@dataclass(frozen=True)
class NodeScore:
    organisation: str
    label: str
    weighted_degree: float
    betweenness: float
    partners: int
    findings: int


@dataclass(frozen=True)
class ZoneBurden:
    zone: str
    label: str
    organisations: int
    overlaps: int


@dataclass
class OverlapNetwork:
    graph: nx.Graph
    nodes: list[NodeScore]
    zones: list[ZoneBurden]


def overlap_graph(report: OverlapReport) -> nx.Graph:
    """Organisations and findings. A finding is a node linked to each organisation it names (one
    hyperedge, not all pairs); an inferred overlap is an edge between the organisations of its
    pattern, carrying its kind, function, zones, sources and corroborating findings."""
    import networkx as nx

    graph = nx.Graph()

    def org(iri: str) -> None:
        if iri and iri not in graph:
            graph.add_node(iri, label=report.label(iri), type="organisation")

    for overlap in report.overlaps:
        k = kind_named(overlap.kind)
        if not k.drawn:
            continue
        for finding in overlap.findings:
            graph.add_node(finding, label=report.label(finding), type="finding")
        for iri in overlap.organisations:
            org(iri)
        if k.documented and not k.inferred:
            for finding in overlap.findings:
                for iri in overlap.organisations:
                    graph.add_edge(finding, iri, kind="named-in-finding", weight=1)
            continue
        members = overlap.organisations
        pairs = [(a, b) for i, a in enumerate(members) for b in members[i + 1:]]
        if not pairs and members:  # one body (an unexercised mandate): tie it to its finding
            pairs = [(f, members[0]) for f in overlap.findings]
        for a, b in pairs:
            graph.add_edge(a, b, kind=overlap.kind, function=overlap.function,
                           zones=EVERY_ZONE if overlap.national else " | ".join(overlap.zones),
                           sources=" | ".join(overlap.sources), corroborated_by=" | ".join(overlap.corroborated_by),
                           corroborated=bool(overlap.corroborated_by), rank=overlap.rank, weight=1)
    return graph


BETWEENNESS_STEPS = 20_000_000  # about 20 s of networkx on this machine


def betweenness(graph: nx.Graph, steps: int | None = None) -> dict[str, float]:
    """Normalised betweenness of every node, networkx's, computed one connected component at a
    time: networkx walks from every source over the whole graph's node table, nodes x nodes
    steps even when each component holds three nodes (the ~1M world's 2,667 nodes in 1,302
    components: 3.6 s), and no shortest path leaves its component. A component whose walk from
    every node, nodes x (nodes + edges), exceeds `steps` (default BETWEENNESS_STEPS) walks from as
    many seeded sources as fit in it; so the cost is at most sqrt(steps) x (nodes + edges), linear
    in the graph, and the same graph gives the same scores."""
    import networkx as nx

    steps = BETWEENNESS_STEPS if steps is None else steps
    n = graph.number_of_nodes()
    scores = dict.fromkeys(graph, 0.0)
    if n < 3:
        return scores
    order = {node: i for i, node in enumerate(graph)}
    for component in nx.connected_components(graph):
        if len(component) < 3:  # no node lies between two others
            continue
        sub = nx.Graph()
        sub.add_nodes_from(sorted(component, key=order.__getitem__))
        sub.add_edges_from((u, v) for u in sub for v in graph[u])
        size = sub.number_of_nodes() + sub.number_of_edges()
        sources = max(1, steps // size)
        sample = None if sources >= sub.number_of_nodes() else sources
        # Unnormalised, networkx halves an undirected graph's counts (scaled by nodes/sources when
        # sampled); doubled, they are the ordered pairs' counts, which the whole graph normalises
        # by (n - 1)(n - 2) as networkx does.
        for node, value in nx.betweenness_centrality(sub, k=sample, seed=7, weight=None, normalized=False).items():
            scores[node] = value * 2
    scale = 1 / ((n - 1) * (n - 2))
    return {node: value * scale for node, value in scores.items()}


def overlap_network(runner: Runner, report: OverlapReport, queries: dict[str, Query] | None = None,
                    as_of: str | None = None) -> OverlapNetwork:
    """Centrality of organisations in the overlap graph, and the burden on each zone in force on
    `as_of` (a year, month or day; default today)."""
    import datetime

    queries = queries or catalogue()
    as_of = as_of or datetime.date.today().isoformat()
    graph = overlap_graph(report)
    scores = betweenness(graph)
    nodes = sorted(
        (NodeScore(n, report.label(n), float(graph.degree(n, weight="weight")), round(scores[n], 6),
                   sum(1 for m in graph[n] if graph.nodes[m]["type"] == "organisation"),
                   sum(1 for m in graph[n] if graph.nodes[m]["type"] == "finding"))
         for n in graph.nodes if graph.nodes[n]["type"] == "organisation"),
        key=lambda s: (-s.betweenness, -s.weighted_degree, s.label),
    )
    # Coordination burden per zone: the bodies whose mandates reach it, and the overlaps that do.
    governors: dict[str, set[str]] = defaultdict(set)
    params = {"date": as_of, **({"zone": report.zone} if report.zone else {})}
    for row in run_select(runner, queries["zone-governors"], params):
        governors[_v(row, "zone")].add(_v(row, "holder"))
    # An overlap reaches a zone if it is national, names the zone, or names no zone and involves
    # one of the zone's governors. Counted from an index by zone, not by testing every overlap
    # against every zone (at ~5M triples: 5,400 zones x 68,992 overlaps, most of 297 s).
    drawn = [o for o in report.overlaps if kind_named(o.kind).drawn]
    national = sum(1 for o in drawn if o.national)
    by_zone = Counter(z for o in drawn if not o.national for z in set(o.zones))
    unplaced = [set(o.organisations) for o in drawn if not o.zones and not o.national]
    burdens = []
    for zone, holders in governors.items():
        reaching = national + by_zone[zone] + sum(1 for organisations in unplaced if organisations & holders)
        burdens.append(ZoneBurden(zone, report.label(zone), len(holders), reaching))
    burdens.sort(key=lambda z: (-z.overlaps, -z.organisations, z.label))
    return OverlapNetwork(graph, nodes, burdens)
