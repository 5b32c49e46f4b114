"""The overlap kinds, each declared once.

A kind names the catalogue query that finds it and says, column by column, how that query's rows
become overlaps: which columns identify one instance, which group instances into a pattern,
where the organisations, the function, the zones and the evidence are. It also says whether a
finding documents it, whether it is inferred from mandates, how it ranks and how pictures draw
it. The report, the pages, the network files and the tests read this table; adding a kind is one
entry here and one query file in queries/.

Ranking tiers (README, "Overlaps"): an overlap that a finding documents and mandates confirm
comes first, then what a finding documents alone, then what mandates imply alone, then the rest
(exceptions to the standard chain, conflicting claims).
"""

from __future__ import annotations

from dataclasses import dataclass, field

DOCUMENTED_AND_INFERRED, DOCUMENTED, INFERRED, OTHER = 0, 1, 2, 3
TIER_LABELS = {
    DOCUMENTED_AND_INFERRED: "documented by a finding and inferred from mandates",
    DOCUMENTED: "documented by a finding",
    INFERRED: "inferred from mandates, not documented",
    OTHER: "structure and sources",
}


@dataclass(frozen=True)
class EvidenceColumns:
    """Where one piece of evidence sits in a row: its IRI, the source graph and a detail."""

    kind: str  # finding, mandate or claim
    iri: str
    source: str
    detail: str = ""


@dataclass(frozen=True)
class OverlapKind:
    name: str
    query: str
    label: str
    meaning: str
    summary: str  # a str.format template over the fields of sezkg.questions.overlaps.Overlap.fields
    instance: tuple[str, ...]
    organisations: tuple[str, ...] = ()
    pattern: tuple[str, ...] = ()  # empty: each instance is its own overlap
    roles: tuple[str, ...] = ()  # the organisations a pattern is about (group or self)
    function: str = ""
    zones: tuple[str, ...] = ()
    evidence: tuple[EvidenceColumns, ...] = ()
    corroboration: str = ""  # the column naming a finding that documents an inferred overlap
    subject: str = ""
    property: str = ""
    value: str = ""
    params: dict[str, str] = field(default_factory=dict)
    documented: bool = False  # a finding states it
    inferred: bool = False  # mandates imply it
    other: bool = False  # neither: it ranks last
    drawn: bool = True
    dash: str = ""  # SVG stroke-dasharray; empty is a solid line
    colour: str = "#1b1b1b"

    def tier(self, corroborated: bool) -> int:
        if self.other:
            return OTHER
        documented = self.documented or corroborated
        if documented and self.inferred:
            return DOCUMENTED_AND_INFERRED
        return DOCUMENTED if documented else INFERRED


KINDS: tuple[OverlapKind, ...] = (
    OverlapKind(
        name="unexercised-mandate",
        query="unexercised-mandates",
        label="unexercised mandate",
        meaning="A body holds a function that a finding says was not performed.",
        summary="{organisations}: {function} is mandated, but a finding says it was not performed{where}",
        instance=("function", "holder", "where", "finding"),
        pattern=("function", "holder", "finding"),
        organisations=("holder", "named"),
        function="function",
        zones=("where",),
        evidence=(EvidenceColumns("mandate", "mandate", "mandateSource"),
                  EvidenceColumns("finding", "finding", "findingSource")),
        documented=True, inferred=True,
        dash="2 4", colour="#5b2a86",
    ),
    OverlapKind(
        name="documented-duplication",
        query="documented-duplication",
        label="documented duplication",
        meaning="A finding says two or more named bodies duplicate responsibilities or do not coordinate.",
        summary="{evidence}",
        instance=("finding",),
        organisations=("organisation",),
        function="function",
        evidence=(EvidenceColumns("finding", "finding", "source", "statement"),),
        documented=True,
        dash="", colour="#b3261e",
    ),
    OverlapKind(
        name="shared-mandate",
        query="shared-mandates",
        label="shared mandate",
        meaning="Two bodies hold the same function (or one part of the other) over scopes and times that meet.",
        summary="{organisations} both hold {function} over {zones}",
        instance=("function", "holderA", "holderB", "zone"),
        organisations=("holderA", "holderB"),
        pattern=("function", "roleA", "roleB"),
        roles=("roleA", "roleB"),
        function="function",
        zones=("zone",),
        evidence=(EvidenceColumns("mandate", "mandateA", "sourceA", "functionA"),
                  EvidenceColumns("mandate", "mandateB", "sourceB", "functionB")),
        corroboration="corroboratedBy",
        inferred=True,
        dash="10 5", colour="#7a4f00",
    ),
    OverlapKind(
        name="self-oversight",
        query="self-oversight",
        label="self-oversight",
        meaning="One body holds a stake in entities and also promotes or oversees the zones.",
        summary="{organisations} holds a stake in entities and also promotes or oversees the zones ({functions})",
        instance=("holder",),
        organisations=("holder",),
        function="oversightFunction",
        evidence=(EvidenceColumns("mandate", "ownershipMandate", "ownershipSource", "ownershipFunction"),
                  EvidenceColumns("mandate", "oversightMandate", "oversightSource", "oversightFunction")),
        inferred=True,
        drawn=False,
    ),
    OverlapKind(
        name="exception",
        query="governance-exceptions",
        label="exception to the standard chain",
        meaning="A zone is governed outside the standard chain: a national mandate leaves it out and "
                "another body holds the function there.",
        summary="{zones}: {function} is not held by the standard holder but by {holders_instead}",
        instance=("zone", "function", "standardHolder"),
        organisations=("standardHolder", "insteadHolder"),
        function="function",
        zones=("zone",),
        evidence=(EvidenceColumns("mandate", "standardMandate", "source"),
                  EvidenceColumns("mandate", "insteadMandate", "source")),
        other=True,
        dash="14 4 2 4", colour="#00607a",
    ),
    OverlapKind(
        name="conflicting-claim",
        query="conflicting-claims",
        label="conflicting claims",
        meaning="Sources disagree about the same fact at the same time "
                "(changes over time, rounding and corrections are not conflicts).",
        summary="{subject}: the sources give different values for {property} ({values})",
        instance=("subject", "property"),
        subject="subject",
        property="property",
        value="valueA",
        zones=("zone",),
        evidence=(EvidenceColumns("claim", "subject", "sourceA", "valueA"),
                  EvidenceColumns("claim", "subject", "sourceB", "valueB")),
        params={"kind": "conflict"},
        other=True,
        drawn=False,
    ),
)

BY_NAME = {k.name: k for k in KINDS}


def kind(name: str) -> OverlapKind:
    return BY_NAME[name]
