"""Text and JSON renderings of results for people and for scripts."""

from __future__ import annotations

import csv
import functools
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence

import pyoxigraph as ox

from ..kg.namespaces import PREFIXES
from ..questions.kinds import TIER_LABELS
from ..questions.kinds import kind as kind_named
from ..questions.overlaps import Evidence, OverlapNetwork, OverlapReport
from ..questions.validate import ValidationReport


def validation_text(report: ValidationReport) -> str:
    head = (f"{report.shapes_checked} node shapes and {report.queries_checked} violation queries checked: ")
    if report.conforms:
        return head + "the knowledge graph conforms.\n"
    lines = [head + f"{len(report.violations)} violations on {len(report.by_focus())} entities.", ""]
    for focus, violations in report.by_focus().items():
        label = violations[0].focus_label
        lines.append(f"{label} <{focus}>" if label else f"<{focus}>")
        files = sorted({f for v in violations for f in v.files})
        if files:
            lines.append(f"  in {', '.join(files)}")
        for v in violations:
            where = f"{v.path}: " if v.path else ""
            value = f" (value: {v.value})" if v.value else ""
            lines.append(f"  - {where}{v.message}{value}  [{v.check}]")
        lines.append("")
    return "\n".join(lines)


def validation_json(report: ValidationReport) -> str:
    payload = {
        "conforms": report.conforms,
        "shapes_checked": report.shapes_checked,
        "queries_checked": report.queries_checked,
        "violations": [
            {
                "focus": v.focus,
                "label": v.focus_label,
                "path": v.path,
                "value": v.value,
                "message": v.message,
                "severity": v.severity,
                "check": v.check,
                "files": list(v.files),
            }
            for vs in report.by_focus().values()
            for v in vs
        ],
    }
    return json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------- query results

ROW_FORMATS = ("table", "csv", "json", "markdown")


def term_text(term: object, compact: bool = False) -> str:
    """A term as text: an IRI in full (or prefixed when `compact`), a literal by its value."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact_iri(term.value) if compact else term.value
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


@functools.lru_cache(maxsize=1 << 16)
def compact_iri(iri: str) -> str:
    """`prefix:name` under the longest known namespace whose rest is a plain local name, else
    `<iri>`. Remembered: the network's facts ask it for the same properties and values again and
    again (~100k calls at ~1M triples; 3.6 us a call before, 0.47 us now on a mix of repeats)."""
    best = ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(best) and _is_local_name(iri[len(ns):]):
            best, name = ns, f"{prefix}:{iri[len(ns):]}"
    return name if best else f"<{iri}>"


# Letters, digits (str.isalnum: the same characters as \w but "_", checked on every code point),
# "-", "_" and ".", not ending with ".".
_LOCAL_NAME = re.compile(r"[\w.\-]*[\w\-]")


def _is_local_name(text: str) -> bool:
    return _LOCAL_NAME.fullmatch(text) is not None


XSD = "http://www.w3.org/2001/XMLSchema#"
_NUMBERS = {XSD + n for n in ("decimal", "integer", "double", "float", "long", "int", "nonNegativeInteger")}


def cell_text(term: object, labels: dict[str, str] | None) -> str:
    """A term for people: an IRI as its label with the short identifier beside it, a number
    with thousands separators, anything else by its value."""
    if isinstance(term, ox.NamedNode):
        short = compact_iri(term.value)
        label = (labels or {}).get(term.value)
        return f"{label} ({short})" if label else short
    if isinstance(term, ox.Literal) and term.datatype.value in _NUMBERS:
        return _number(term.value)
    if isinstance(term, ox.Literal) and "://" in term.value and not term.language:
        # A list of IRIs joined by a query (GROUP_CONCAT of sources): short identifiers too.
        words = term.value.split(" ")
        if all(_IRI_WORD.fullmatch(w) for w in words):
            return " ".join(compact_iri(w) for w in words)
    return term_text(term)


_IRI_WORD = re.compile(r"[a-z][a-z0-9+.-]*://\S+")


def _number(lexical: str) -> str:
    try:
        whole, _, fraction = lexical.partition(".")
        formatted = f"{int(whole):,}"
    except ValueError:
        return lexical
    return formatted + (f".{fraction}" if fraction else "")


def _fit(cells: list[list[str]], headers: list[str], width: int) -> list[int]:
    """Column widths that fit `width` (two spaces between columns): the widest columns share
    what the narrow ones leave, each cut to the same cap (never below 6)."""
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    budget = width - 2 * (len(widths) - 1)
    if sum(widths) <= budget:
        return widths
    cap = max(widths)
    while cap > 6 and sum(min(w, cap) for w in widths) > budget:
        cap -= 1
    return [min(w, cap) for w in widths]


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def terminal_width() -> int:
    import os
    import shutil

    if "COLUMNS" in os.environ:
        return max(40, int(os.environ["COLUMNS"]) if os.environ["COLUMNS"].isdigit() else 120)
    return max(40, shutil.get_terminal_size((120, 24)).columns)


def rows_text(variables: list[str], rows: Sequence[Mapping[str, object]], fmt: str,
              labels: dict[str, str] | None = None, iris: bool = False, width: int | None = None) -> str:
    """Rows as a table (fitted to the terminal), CSV, JSON or Markdown. Unless `iris`, every
    IRI column gets its label: beside the identifier in a table, as a `<name>_label` column in
    CSV and JSON."""
    labels = None if iris else labels
    iri_columns = [v for v in variables if any(isinstance(r.get(v), ox.NamedNode) for r in rows)]

    def label_of(term: object) -> str:
        return (labels or {}).get(term.value, "") if isinstance(term, ox.NamedNode) else ""

    if fmt in ("json", "csv"):
        columns: list[str] = []
        for v in variables:
            columns.append(v)
            if labels is not None and v in iri_columns:
                columns.append(f"{v}_label")

        def value(row: Mapping[str, object], column: str) -> str:
            if column.endswith("_label") and column[:-6] in iri_columns and column not in variables:
                return label_of(row.get(column[:-6]))
            return term_text(row.get(column))
        if fmt == "json":
            payload = [{c: value(row, c) for c in columns if c in row or (c.endswith("_label") and c[:-6] in row)}
                       for row in rows]
            return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([value(row, c) for c in columns])
        return buffer.getvalue()
    cells = [[cell_text(row.get(v), labels) if v in row else "" for v in variables] for row in rows]
    if fmt == "markdown":
        def escape(text: str) -> str:
            return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")
        lines = ["| " + " | ".join(variables) + " |", "|" + "---|" * len(variables)]
        lines += ["| " + " | ".join(escape(c) for c in line) + " |" for line in cells]
        return "\n".join(lines) + "\n"
    widths = _fit(cells, variables, width or terminal_width())
    lines = ["  ".join(_clip(v, w).ljust(w) for v, w in zip(variables, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(_clip(c, w).ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in cells]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- overlaps

def json_indented(value: object, indent: int = 2) -> str:
    """`json.dumps(value, indent=indent, ensure_ascii=False)`, the same text, about twice as
    fast: the standard library writes indented JSON in Python, a generator per nesting level
    (the overlaps at ~5M triples, ~125 MB, took 5-6 s of the report's main thread). Strings
    go through json's own C escaper; a value of any other type than dict, list, tuple, str,
    int, bool and None is written by json.dumps, as it writes it."""
    parts: list[str] = []
    append = parts.append
    escape = json.encoder.encode_basestring  # the C one, where the json module has it
    pads = ["\n"]  # pads[level]: the line break and indentation before an item at that level

    def pad(level: int) -> str:
        while len(pads) <= level:
            pads.append("\n" + " " * (indent * len(pads)))
        return pads[level]

    def key_text(key: object) -> str:
        if isinstance(key, str):
            return escape(key)
        if key is None or isinstance(key, (bool, int, float)):
            return escape(json.dumps(key))  # as json writes a key that is not a string
        raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")

    def put(item: object, level: int) -> None:
        if isinstance(item, str):
            append(escape(item))
        elif item is None:
            append("null")
        elif item is True:
            append("true")
        elif item is False:
            append("false")
        elif isinstance(item, int):
            append(int.__repr__(item))
        elif isinstance(item, dict):
            if not item:
                append("{}")
                return
            opening, inner = "{", pad(level + 1)
            for key, member in item.items():
                append(opening + inner)
                append(key_text(key))
                append(": ")
                put(member, level + 1)
                opening = ","
            append(pad(level) + "}")
        elif isinstance(item, (list, tuple)):
            if not item:
                append("[]")
                return
            opening, inner = "[", pad(level + 1)
            for member in item:
                append(opening + inner)
                put(member, level + 1)
                opening = ","
            append(pad(level) + "]")
        else:  # a float as json writes it; anything else json refuses as it refuses it
            append(json.dumps(item))

    put(value, 0)
    return "".join(parts)


def overlaps_payload(report: OverlapReport) -> dict[str, object]:
    label = report.label

    def evidence(items: Iterable[Evidence]) -> list[dict[str, str]]:
        return [{"kind": e.kind, "iri": e.iri, "label": e.label, "detail": e.detail,
                 "source": e.source, "source_label": e.source_label} for e in items]

    return {
        "zone": report.zone,
        "overlaps": [
            {
                "rank": o.rank,
                "kind": o.kind,
                "tier": TIER_LABELS[o.tier],
                "summary": o.summary,
                "organisations": [{"iri": i, "label": label(i)} for i in o.organisations],
                "function": {"iri": o.function, "label": label(o.function)} if o.function else None,
                "zones": [{"iri": z, "label": label(z)} for z in o.zones],
                "every_zone": o.national,
                "corroborated_by": [{"iri": f, "label": label(f)} for f in o.corroborated_by],
                "evidence": evidence(o.evidence),
                "instances": [
                    {"organisations": [{"iri": i, "label": label(i)} for i in inst.organisations],
                     "zones": [{"iri": z, "label": label(z)} for z in inst.zones],
                     "evidence": evidence(inst.evidence)}
                    for inst in o.instances
                ] if len(o.instances) > 1 else [],
                "sources": list(o.sources),
            }
            for o in report.overlaps
        ],
    }


def overlaps_text(report: OverlapReport, fmt: str = "table") -> str:
    if fmt == "json":
        return json_indented(overlaps_payload(report)) + "\n"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["rank", "kind", "tier", "summary", "organisations", "function", "zones", "corroborated_by",
                         "evidence", "sources"])
        for o in report.overlaps:
            writer.writerow([o.rank, o.kind, TIER_LABELS[o.tier], o.summary, " | ".join(o.organisations), o.function,
                             "every zone" if o.national else " | ".join(o.zones), " | ".join(o.corroborated_by),
                             " | ".join(e.iri for e in o.evidence), " | ".join(o.sources)])
        return buffer.getvalue()
    md = fmt == "markdown"
    bullet = "- " if md else "   "
    lines = [("# " if md else "") + f"{len(report.overlaps)} overlaps"
             + (f" reaching {report.label(report.zone)}" if report.zone else ""), ""]
    for o in report.overlaps:
        lines.append(("## " if md else "") + f"{o.rank}. [{kind_named(o.kind).label}] {o.summary}")
        lines.append(f"{bullet}{TIER_LABELS[o.tier]}")
        if kind_named(o.kind).inferred and not kind_named(o.kind).documented:
            lines.append(f"{bullet}corroborated by: " + (", ".join(report.label(f) for f in o.corroborated_by)
                                                          if o.corroborated_by else "no finding"))
        for e in o.evidence:
            detail = f": {e.detail}" if e.detail else ""
            lines.append(f"{bullet}{e.kind} {e.label}{detail} — source: {e.source_label} <{e.source}>")
        if len(o.instances) > 1:
            lines.append(f"{bullet}{len(o.instances)} instances:")
            for inst in o.instances:
                where = ", ".join(report.label(z) for z in inst.zones) or "every zone"
                lines.append(f"{bullet}  - {', '.join(report.label(x) for x in inst.organisations)} ({where})")
        lines.append("")
    return "\n".join(lines)


def network_text(network: OverlapNetwork, fmt: str = "table") -> str:
    nodes = [{"organisation": n.organisation, "label": n.label, "weighted_degree": n.weighted_degree,
              "betweenness": n.betweenness, "partners": n.partners, "findings": n.findings} for n in network.nodes]
    zones = [{"zone": z.zone, "label": z.label, "organisations": z.organisations,
              "overlaps": z.overlaps} for z in network.zones]
    if fmt == "json":
        return json.dumps({"organisations": nodes, "zones": zones}, indent=2, ensure_ascii=False) + "\n"
    org_rows = [{k: ox.Literal(str(v)) for k, v in n.items()} for n in nodes]
    zone_rows = [{k: ox.Literal(str(v)) for k, v in z.items()} for z in zones]
    sub = "csv" if fmt == "csv" else ("markdown" if fmt == "markdown" else "table")
    return ("Organisations by overlap centrality\n"
            + rows_text(["label", "betweenness", "weighted_degree", "partners", "findings"], org_rows, sub)
            + "\nCoordination burden by zone\n"
            + rows_text(["label", "organisations", "overlaps"], zone_rows, sub))
