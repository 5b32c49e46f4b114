"""The overlap report: every overlap the catalogue finds, ranked, each with its evidence.

Built only from named catalogue queries (DESIGN §5), so it runs the same on the embedded
store and on a remote endpoint. The six kinds, from strongest evidence to weakest:

1. documented duplication — an audit finding says two or more named bodies duplicate or
   fail to coordinate;
2. unexercised mandate — a finding says a mandated function was not performed;
3. shared mandate — two bodies hold mandates for the same function over the same zone;
4. self-oversight — one body manages the state's stake and also promotes or oversees;
5. exception — a zone governed outside the standard chain;
6. conflicting claims — two sources give different values for the same fact.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import networkx as nx

from .catalogue import Query, catalogue, run_select
from .endpoint import Runner

KINDS = (
    "documented-duplication",
    "unexercised-mandate",
    "shared-mandate",
    "self-oversight",
    "exception",
    "conflicting-claim",
)
_QUERY_OF_KIND = {
    "documented-duplication": "documented-duplication",
    "unexercised-mandate": "unexercised-mandates",
    "shared-mandate": "shared-mandates",
    "self-oversight": "self-oversight",
    "exception": "governance-exceptions",
    "conflicting-claim": "conflicting-claims",
}


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
class Overlap:
    kind: str
    organisations: tuple[str, ...]
    function: str
    zones: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    summary: str
    rank: int = 0

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(sorted({e.source for e in self.evidence}))


@dataclass
class OverlapReport:
    overlaps: list[Overlap]
    labels: dict[str, str] = field(default_factory=dict)
    zone: str | None = None

    def label(self, iri: str) -> str:
        return self.labels.get(iri, iri)


def _v(row: dict, name: str) -> str:
    term = row.get(name)
    return term.value if term is not None else ""


class _Builder:
    def __init__(self, runner: Runner, queries: dict[str, Query], zone: str | None):
        self.runner = runner
        self.queries = queries
        self.zone = zone
        self.labels = {_v(r, "thing"): _v(r, "label") for r in run_select(runner, queries["labels"])}

    def label(self, iri: str) -> str:
        return self.labels.get(iri, iri.rsplit("/", 1)[-1])

    def rows(self, kind: str, **params: str) -> list[dict]:
        return run_select(self.runner, self.queries[_QUERY_OF_KIND[kind]], params or None)

    def evidence(self, kind: str, iri: str, detail: str, source: str) -> Evidence:
        return Evidence(kind, iri, self.label(iri), detail, source, self.label(source))

    def zone_params(self) -> dict[str, str]:
        return {"zone": self.zone} if self.zone else {}

    # -- the six kinds --------------------------------------------------------------------

    def documented(self) -> list[Overlap]:
        grouped: dict[str, dict] = {}
        for row in self.rows("documented-duplication", **self.zone_params()):
            item = grouped.setdefault(_v(row, "finding"), {"orgs": set(), "categories": set(), "row": row})
            item["orgs"].update({_v(row, "orgA"), _v(row, "orgB")})
            item["categories"].add(self.label(_v(row, "category")))
        overlaps = []
        for finding, item in grouped.items():
            row = item["row"]
            orgs = tuple(sorted(item["orgs"]))
            overlaps.append(Overlap(
                kind="documented-duplication",
                organisations=orgs,
                function="",
                zones=(),
                evidence=(self.evidence("finding", finding, _v(row, "statement"), _v(row, "source")),),
                summary=f"{' and '.join(sorted(item['categories']))} between {len(orgs)} organisations: "
                        + ", ".join(self.label(o) for o in orgs),
            ))
        return overlaps

    def unexercised(self) -> list[Overlap]:
        grouped: dict[tuple[str, str], dict] = defaultdict(lambda: {"zones": set(), "evidence": set()})
        for row in self.rows("unexercised-mandate", **self.zone_params()):
            key = (_v(row, "function"), _v(row, "holder"))
            grouped[key]["zones"].add(_v(row, "zone"))
            grouped[key]["evidence"].add(("mandate", _v(row, "mandate"), "", _v(row, "mandateSource")))
            grouped[key]["evidence"].add(("finding", _v(row, "finding"), "", _v(row, "findingSource")))
        overlaps = []
        for (function, holder), item in grouped.items():
            zones = tuple(sorted(item["zones"]))
            overlaps.append(Overlap(
                kind="unexercised-mandate",
                organisations=(holder,),
                function=function,
                zones=zones,
                evidence=tuple(self.evidence(*e) for e in sorted(item["evidence"])),
                summary=f"{self.label(holder)} holds {self.label(function)} but a finding says it was not performed "
                        f"({', '.join(self.label(z) for z in zones)})",
            ))
        return overlaps

    def shared(self) -> list[Overlap]:
        grouped: dict[tuple[str, str, str], dict] = defaultdict(lambda: {"zones": set(), "evidence": set()})
        for row in self.rows("shared-mandate", **self.zone_params()):
            key = (_v(row, "function"), _v(row, "holderA"), _v(row, "holderB"))
            grouped[key]["zones"].add(_v(row, "zone"))
            for side in ("A", "B"):
                basis = _v(row, f"basis{side}")
                detail = f"{self.label(_v(row, f'function{side}'))}" + (f"; legal basis: {self.label(basis)}" if basis else "")
                grouped[key]["evidence"].add(("mandate", _v(row, f"mandate{side}"), detail, _v(row, f"source{side}")))
        overlaps = []
        for (function, a, b), item in grouped.items():
            zones = tuple(sorted(item["zones"]))
            overlaps.append(Overlap(
                kind="shared-mandate",
                organisations=(a, b),
                function=function,
                zones=zones,
                evidence=tuple(self.evidence(*e) for e in sorted(item["evidence"])),
                summary=f"{self.label(a)} and {self.label(b)} both hold {self.label(function)} over "
                        + ", ".join(self.label(z) for z in zones),
            ))
        return overlaps

    def self_oversight(self) -> list[Overlap]:
        grouped: dict[str, dict] = defaultdict(lambda: {"functions": set(), "evidence": set()})
        for row in self.rows("self-oversight"):
            holder = _v(row, "holder")
            grouped[holder]["functions"].update({_v(row, "ownershipFunction"), _v(row, "oversightFunction")})
            grouped[holder]["evidence"].add(("mandate", _v(row, "ownershipMandate"), self.label(_v(row, "ownershipFunction")), _v(row, "ownershipSource")))
            grouped[holder]["evidence"].add(("mandate", _v(row, "oversightMandate"), self.label(_v(row, "oversightFunction")), _v(row, "oversightSource")))
        return [
            Overlap(
                kind="self-oversight",
                organisations=(holder,),
                function="",
                zones=(),
                evidence=tuple(self.evidence(*e) for e in sorted(item["evidence"])),
                summary=f"{self.label(holder)} manages state shares and also holds "
                        + ", ".join(sorted(self.label(f) for f in item["functions"])),
            )
            for holder, item in grouped.items()
        ]

    def exceptions(self) -> list[Overlap]:
        overlaps = []
        for row in self.rows("exception", **self.zone_params()):
            zone, function = _v(row, "zone"), _v(row, "function")
            standard, instead = _v(row, "standardHolder"), _v(row, "insteadHolder")
            evidence = [self.evidence("mandate", _v(row, "standardMandate"), "national scope, this zone excepted", _v(row, "source"))]
            if instead:
                evidence.append(self.evidence("mandate", _v(row, "insteadMandate"), "scoped to this zone", _v(row, "source")))
            overlaps.append(Overlap(
                kind="exception",
                organisations=tuple(sorted(o for o in (standard, instead) if o)),
                function=function,
                zones=(zone,),
                evidence=tuple(evidence),
                summary=f"{self.label(zone)}: {self.label(function)} is not held by {self.label(standard)}"
                        + (f" but by {self.label(instead)}" if instead else " and no other holder is recorded"),
            ))
        return overlaps

    def conflicts(self) -> list[Overlap]:
        params = {"subject": self.zone} if self.zone else {}
        overlaps = []
        for row in self.rows("conflicting-claim", **params):
            subject, prop = _v(row, "subject"), _v(row, "property")
            overlaps.append(Overlap(
                kind="conflicting-claim",
                organisations=(),
                function="",
                zones=(subject,) if "/id/zone/" in subject else (),
                evidence=(
                    self.evidence("claim", subject, f"{prop.rsplit('#', 1)[-1]} = {_v(row, 'valueA')}", _v(row, "sourceA")),
                    self.evidence("claim", subject, f"{prop.rsplit('#', 1)[-1]} = {_v(row, 'valueB')}", _v(row, "sourceB")),
                ),
                summary=f"{self.label(subject)}: {prop.rsplit('#', 1)[-1]} is {_v(row, 'valueA')} "
                        f"in {self.label(_v(row, 'sourceA'))} but {_v(row, 'valueB')} in {self.label(_v(row, 'sourceB'))}",
            ))
        return overlaps


def _sort_key(overlap: Overlap) -> tuple:
    return (KINDS.index(overlap.kind), -len(overlap.organisations), -len(overlap.zones), overlap.summary)


def find_overlaps(runner: Runner, zone: str | None = None, queries: dict[str, Query] | None = None) -> OverlapReport:
    """Every overlap, ranked: strongest evidence first, then the most organisations and zones."""
    builder = _Builder(runner, queries or catalogue(), zone)
    found = (builder.documented() + builder.unexercised() + builder.shared()
             + builder.self_oversight() + builder.exceptions() + builder.conflicts())
    ranked = [
        Overlap(o.kind, o.organisations, o.function, o.zones, o.evidence, o.summary, rank)
        for rank, o in enumerate(sorted(found, key=_sort_key), start=1)
    ]
    return OverlapReport(ranked, builder.labels, zone)


# ---------------------------------------------------------------- the overlap network

@dataclass(frozen=True)
class NodeScore:
    organisation: str
    label: str
    weighted_degree: float
    betweenness: float
    partners: int


@dataclass(frozen=True)
class ZoneBurden:
    zone: str
    label: str
    organisations: int
    overlapping_pairs: int


@dataclass
class OverlapNetwork:
    graph: nx.Graph
    nodes: list[NodeScore]
    zones: list[ZoneBurden]


def overlap_graph(report: OverlapReport) -> nx.Graph:
    """Organisations linked by shared functions and documented duplication, weighted by count."""
    graph = nx.Graph()
    for overlap in report.overlaps:
        if overlap.kind not in ("shared-mandate", "documented-duplication"):
            continue
        orgs = overlap.organisations
        for org in orgs:
            graph.add_node(org, label=report.label(org))
        for i, a in enumerate(orgs):
            for b in orgs[i + 1:]:
                if not graph.has_edge(a, b):
                    graph.add_edge(a, b, weight=0, shared_functions=0, documented=0)
                edge = graph.edges[a, b]
                edge["weight"] += 1
                edge["shared_functions" if overlap.kind == "shared-mandate" else "documented"] += 1
    return graph


def overlap_network(runner: Runner, report: OverlapReport, queries: dict[str, Query] | None = None) -> OverlapNetwork:
    queries = queries or catalogue()
    graph = overlap_graph(report)
    betweenness = nx.betweenness_centrality(graph, weight=None, normalized=True) if graph else {}
    nodes = sorted(
        (NodeScore(n, report.label(n), float(graph.degree(n, weight="weight")), round(betweenness.get(n, 0.0), 6),
                   graph.degree(n)) for n in graph.nodes),
        key=lambda s: (-s.weighted_degree, -s.betweenness, s.label),
    )
    # Coordination burden per zone: who reaches it, and how many overlapping pairs reach it.
    governors: dict[str, set[str]] = defaultdict(set)
    for row in run_select(runner, queries["zone-governors"], {"zone": report.zone} if report.zone else None):
        governors[_v(row, "zone")].add(_v(row, "holder"))
    burdens = []
    for zone, holders in governors.items():
        pairs = {
            frozenset((a, b))
            for o in report.overlaps if o.kind in ("shared-mandate", "documented-duplication")
            and (zone in o.zones or not o.zones)
            for i, a in enumerate(o.organisations) for b in o.organisations[i + 1:]
            if a in holders and b in holders
        }
        burdens.append(ZoneBurden(zone, report.label(zone), len(holders), len(pairs)))
    burdens.sort(key=lambda z: (-z.overlapping_pairs, -z.organisations, z.label))
    return OverlapNetwork(graph, nodes, burdens)
