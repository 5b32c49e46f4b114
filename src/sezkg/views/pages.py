"""The report's front page. It answers first -- the zones in force today and who governs them,
the overlaps with their evidence, what the audit found, where sources disagree, key figures --
and then gives the detail each answer links to: every zone with its sourced facts, every
overlap, every finding, conflicting claims, charts and all figures, completeness, validation,
downloads. Every table comes from a catalogue query or the overlap report.
"""

from __future__ import annotations

import bisect
import datetime
import html
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

import pyoxigraph as ox

from ..kg.rows import Row, Rows
from ..questions.catalogue import Query, run_select, stream_select, unordered
from ..questions.endpoint import Runner
from ..questions.overlaps import OverlapReport
from ..questions.validate import ValidationReport
from . import ui
from .charts import (
    Bar,
    amount_for_people,
    bar_chart,
    number_for_people,
    period_for_people,
    shared_words,
    when_for_people,
)
from .chrome import Names, link_to, name, page_parts
from .viz import KIND_LABELS

T = TypeVar("T")
# The files that hold every row of a cut list (the report writes them; see views/report.py).
ZONES_CSV, MANDATES_CSV, FINDINGS_CSV, FIGURES_CSV = ("tables/zones.csv", "tables/mandates.csv",
                                                      "tables/findings.csv", "tables/figures.csv")
OVERLAPS_CSV, CONFLICTS = "tables/overlaps.csv", "sezkg query conflicting-claims --param kind=conflict"

SEZ = "https://w3id.org/sezkg/ontology#"
MEASURE = "https://w3id.org/sezkg/scheme/measure/"
NAV = '<nav aria-label="Report pages">' + "".join(f'<a href="{h}">{html.escape(t)}</a>' for h, t in ui.NAV_REPORT) + "</nav>"

# What the report charts and which figures it puts on the first screen: an editorial choice of
# measures. Titles, periods, labels and sources all come from the data.
CHARTED_MEASURES = ("zone-count", "investment-per-budget-tenge", "infrastructure-completion-share",
                    "infrastructure-operational-share", "net-internal-migration")
KEY_MEASURES = ("business-investment", "infrastructure-investment", "employment", "projects-launched",
                "unused-land-share")


def _v(row: Row, key: str) -> str:
    term = row.get(key)
    return term.value if term is not None else ""


def _e(text: str) -> str:
    return html.escape(text, quote=True)


# A KG of thousands of zones would put every zone, overlap, finding and figure on the front page
# (~200 MB at ~5M triples, more than a browser opens): a list or table there shows its first
# FRONT_ROWS, a first-screen card CARD_ROWS, a measure CHARTS charts (the sources with the most
# figures first), and each says how many more there are and which file holds them all. The
# bundled data stays far below every limit.
FRONT_ROWS = 1_000
CARD_ROWS = 100
CHARTS = 12


PLACE = "\x00"  # where the link goes in a note's words


def _cut(items: list[T], limit: int) -> tuple[list[T], int]:
    """The first `limit` items, and how many are left out."""
    return items[:limit], max(len(items) - limit, 0)


def _more(left_out: int, where: str) -> str:
    """The note under a cut list: how many more, and the file that holds every one (a link) or,
    where `where` is not a file of the report, the command that lists them."""
    if not left_out:
        return ""
    place = (f'<a href="{_e(where)}">{_e(where)}</a>' if not where.startswith("sezkg ")
             else f"<code>{_e(where)}</code>")
    return f'<p class="muted more">{_e(ui.MORE_ROWS.format(n=left_out, where=PLACE))}</p>'.replace(PLACE, place)


def _table(headers: list[str], rows: list[list[str]], caption: str = "") -> str:
    """A data table in a box that scrolls on its own, so the page never does; cells are HTML."""
    head = "".join(f'<th scope="col">{_e(h)}</th>' for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    cap = f"<caption>{_e(caption)}</caption>" if caption else ""
    return (f'<div class="scroll" tabindex="0" role="region" aria-label="{_e(caption or headers[0])} table">'
            f'<table class="data">{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>')


@dataclass
class Figure:
    label: str
    subject: str
    measure: str
    value: float
    unit: str
    bound: str
    date: str
    start: str
    end: str
    source: str

    def when(self) -> str:
        if self.date:
            return when_for_people(self.date)
        return period_for_people(self.start, self.end)


# A figure as the indicators query gives it, in the order its rows sort in: measure, subject,
# value as a number and as written, observation, unit, bound, date, start, end, label, source.
_FigureRow = tuple[str, str, float, str, str, str, str, str, str, str, str, str]


# The front page's sections and cards that need no overlap report, by their methods' names, in
# page order: the report makes them in the process beside (see `front_page_sections`).
WITHOUT_OVERLAPS = ("zones_card", "governors_card", "findings_card", "disagreements_card", "figures_card",
                    "zones", "findings", "conflicts", "indicators", "completeness")


class FrontPage:
    def __init__(self, runner: Runner, queries: dict[str, Query], report: OverlapReport, today: str,
                 made: Mapping[str, str] | None = None):
        self.runner = runner
        self.queries = queries
        self.report = report
        self.label = report.label
        self.today = today
        self._figure_rows: list[_FigureRow] | None = None
        self._by_measure: dict[str, list[Figure]] = {}
        self._asked: dict[tuple[str, tuple[tuple[str, str | tuple[str, ...]], ...]], Rows] = {}
        self.made = made or {}  # sections of WITHOUT_OVERLAPS made already, by name

    def part(self, name: str) -> str:
        """A section or card of WITHOUT_OVERLAPS: the one made already, or made now."""
        if name in self.made:
            return self.made[name]
        made: str = getattr(self, name)()
        return made

    def rows(self, query: str, **params: str | list[str]) -> Rows:
        """A query's answer, asked once for this page: the findings' queries serve a card and a
        section, and at ~5M triples (81,000 rows) they are too large for the store to remember."""
        key = (query, tuple(sorted((k, v if isinstance(v, str) else tuple(v)) for k, v in params.items())))
        if key not in self._asked:
            self._asked[key] = run_select(self.runner, self.queries[query], params or None)
        known = self._asked[key]
        return Rows(known.variables, known)  # a list of its own: a caller may sort or cut it

    def name(self, iri: str) -> str:
        return name(iri, self.label(iri))

    def source(self, iri: str) -> str:
        return link_to(iri, _e(self.label(iri)))

    def figure_rows(self) -> list[_FigureRow]:
        """Every figure of the KG (~335k at ~5M triples) as its texts, in the order of the
        indicators query's ORDER BY (measure, subject, value, observation, then the rest), sorted
        here: Oxigraph sorting them on sezkg's total-order keys (sezkg.kg.order) took 12.8 s and
        1.1 GiB more at ~5M, the query unsorted 3.9 s and Python's sort of the texts about 1 s.
        A Figure is made only for the figures a page shows (`figures`, `first_figures`): the
        charts and cards use a quarter of the measures, the table the first FRONT_ROWS."""
        if self._figure_rows is None:
            # Read as tuples, where a row made into a dict cost as much as the query.
            variables, tuples = stream_select(self.runner, unordered(self.queries["indicators"]))
            at = [variables.index(v) for v in ("measure", "subject", "value", "observation", "unit", "bound", "date",
                                               "start", "end", "label", "source")]
            rows: list[_FigureRow] = []
            for terms in tuples:
                measure, subject, value, observation, unit, bound, date, start, end, label, source = (
                    "" if (term := terms[i]) is None else term.value for i in at)
                # IRIs by their text, the value as a number then as written (an unbound term,
                # "", first), as the total-order keys have them.
                rows.append((measure, subject, float(value), value, observation, unit, bound, date, start, end,
                             label, source))
            rows.sort()
            self._figure_rows = rows
        return self._figure_rows

    def _figure(self, row: _FigureRow) -> Figure:
        measure, subject, number, _, _, unit, bound, date, start, end, label, source = row
        return Figure(label, subject, measure, number, self.label(unit),
                      "" if not bound or bound.endswith("/exact") else self.label(bound), date, start, end, source)

    def figures(self, measure: str) -> list[Figure]:
        """The figures of one measure (an IRI), in the order of `figure_rows`."""
        if measure not in self._by_measure:
            rows = self.figure_rows()
            # The rows are sorted by measure first: the measure's rows are one run of them.
            first = bisect.bisect_left(rows, (measure,))
            last = first
            while last < len(rows) and rows[last][0] == measure:
                last += 1
            self._by_measure[measure] = [self._figure(row) for row in rows[first:last]]
        return self._by_measure[measure]

    def first_figures(self, limit: int) -> tuple[list[Figure], int]:
        """The first `limit` figures of `figure_rows`, and how many are left out."""
        shown, left_out = _cut(self.figure_rows(), limit)
        return [self._figure(row) for row in shown], left_out

    # -- the first screen ------------------------------------------------------------------------

    def at_a_glance(self) -> str:
        cards = [self.part("zones_card"), self.part("governors_card"), self.overlaps_card(), self.part("findings_card"),
                 self.part("disagreements_card"), self.part("figures_card")]
        return f'<section aria-labelledby="glance"><h2 id="glance">{_e(ui.AT_A_GLANCE)}</h2><div class="cards">{"".join(cards)}</div></section>'

    @staticmethod
    def card(title: str, body: str, more: str) -> str:
        return (f'<section class="card"><h3>{_e(title)}</h3>{body}'
                f'<p><a href="{_e(more)}">{_e(ui.MORE)}<span class="visually-hidden">: {_e(title)}</span></a></p></section>')

    def zones_card(self) -> str:
        rows = self.rows("zones-in-force", date=self.today)
        open_ended = sum(1 for r in rows if _v(r, "status") == "no end on record")
        shown, left_out = _cut(sorted(rows, key=lambda r: self.label(_v(r, "zone"))), CARD_ROWS)
        items = "".join(f"<li>{self.name(_v(r, 'zone'))}"
                        + (f' <span class="muted">({_e(_v(r, "status"))})</span>' if _v(r, "status") != "active" else "")
                        + "</li>" for r in shown)
        note = f'<p class="muted">{_e(ui.ZONES_TODAY_NOTE.format(open=open_ended))}</p>' if open_ended else ""
        return self.card(ui.ZONES_TODAY.format(date=when_for_people(self.today)),
                         f'<p class="big">{len(rows):,}</p><ul>{items}</ul>{_more(left_out, ZONES_CSV)}{note}', "#zones")

    def governors_card(self) -> str:
        functions: dict[str, set[str]] = defaultdict(set)
        # As tuples and unordered: the functions are filed into sets and sorted below (at ~5M
        # triples the rows are 123,147 mandates and zones, nearly all of them national).
        variables, tuples = stream_select(self.runner, unordered(self.queries["zone-governors"]), {"date": self.today})
        at_scope, at_holder, at_function = (variables.index(v) for v in ("scope", "holder", "function"))
        for terms in tuples:
            scope, holder, function = terms[at_scope], terms[at_holder], terms[at_function]
            if scope is not None and scope.value == "national" and holder is not None and function is not None:
                functions[holder.value].add(function.value)
        # Ties go by IRI: the rows come unordered, and a set's order changes from run to run.
        shown, left_out = _cut(sorted(functions.items(), key=lambda x: (-len(x[1]), self.label(x[0]), x[0])), CARD_ROWS)
        items = "".join(
            f"<li>{self.name(h)}: " + ", ".join(self.name(f) for f in sorted(fs, key=lambda f: (self.label(f), f)))
            + "</li>"
            for h, fs in shown)
        return self.card(ui.GOVERNED_BY, f"<ul>{items}</ul>{_more(left_out, MANDATES_CSV)}", "network.html")

    def overlaps_card(self) -> str:
        top = self.report.overlaps[:3]
        items = "".join(f'<li><strong>{_e(KIND_LABELS[o.kind])}</strong>: {_e(o.summary)} '
                        f'<span class="muted">({len(o.evidence)} pieces of evidence)</span></li>' for o in top)
        return self.card(ui.OVERLAPS_HEAD, f"<p>{_e(ui.OVERLAPS_NOTE.format(n=len(self.report.overlaps)))}</p>"
                         f"<ol>{items}</ol>", "#overlaps")

    def audit_findings(self) -> dict[str, dict[str, str]]:
        """Findings that an audit made, by audit: {audit: {finding: label}}."""
        found: dict[str, dict[str, str]] = defaultdict(dict)
        for query in ("findings-by-zone", "findings-by-organisation"):
            for r in self.rows(query):
                if _v(r, "audit"):
                    found[_v(r, "audit")][_v(r, "finding")] = _v(r, "label")
        return found

    def findings_card(self) -> str:
        parts = []
        room = CARD_ROWS
        audits = sorted(self.audit_findings().items())
        for n, (audit, findings) in enumerate(audits):
            shown, left_out = _cut(sorted(findings.items(), key=lambda x: x[1]), room)
            room -= len(shown)
            items = "".join(f"<li>{name(f, label)}</li>" for f, label in shown)
            parts.append(f"<p>{self.name(audit)} ({len(findings)} findings):</p><ul>{items}</ul>")
            if not room:  # one note for the rest of this audit's findings and every later audit's
                parts.append(_more(left_out + sum(len(f) for _, f in audits[n + 1:]), FINDINGS_CSV))
                break
        return self.card(ui.FINDINGS_HEAD, "".join(parts), "#findings")

    def disagreements_card(self) -> str:
        rows = self.rows("conflicting-claims", kind="conflict")
        shown, left_out = _cut(list(rows), CARD_ROWS)
        items = "".join(
            f"<li>{self.name(_v(r, 'subject'))}, {_e(self.label(_v(r, 'property')))}: "
            f"{_e(_v(r, 'valueA'))} ({_e(self.label(_v(r, 'sourceA')))}) or {_e(_v(r, 'valueB'))} "
            f"({_e(self.label(_v(r, 'sourceB')))})</li>" for r in shown)
        return self.card(ui.DISAGREE_HEAD, f"<p>{_e(ui.DISAGREE_NOTE.format(n=len(rows)))}</p><ul>{items}</ul>"
                         + _more(left_out, CONFLICTS), "#conflicts")

    def figures_card(self) -> str:
        parts = []
        for slug in KEY_MEASURES:
            figures = sorted((f for f in self.figures(MEASURE + slug) if f.unit != "US dollar"),
                             key=lambda f: (f.date or f.end or f.start or "0", f.value))
            if not figures:
                continue
            shown, left_out = _cut(figures, CARD_ROWS)
            lines = "".join(f"<li>{_e(amount_for_people(f.value, f.unit, f.bound))}"
                            f' <span class="muted">({_e(f.when() or "no date")}; {_e(self.label(f.source))})</span></li>'
                            for f in shown)
            parts.append(f"<p>{self.name(MEASURE + slug)}</p><ul>{lines}</ul>{_more(left_out, FIGURES_CSV)}")
        return self.card(ui.FIGURES_HEAD, "".join(parts), "#indicators")

    # -- the detail ------------------------------------------------------------------------------

    def zones(self) -> str:
        wanted = {SEZ + p: p for p in ("areaHectares", "establishedYear", "activeSinceYear",
                                       "underDevelopmentSinceYear", "termEnd", "locatedIn", "prioritySector")}
        facts: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for row in self.rows("who-says-so", property=sorted(wanted)):  # those facts only, not every fact
            prop = _v(row, "property")
            if prop in wanted:
                value = _v(row, "value")
                if isinstance(row.get("value"), ox.NamedNode):
                    shown = self.name(value)
                elif prop == SEZ + "areaHectares":
                    shown = _e(number_for_people(float(value)))
                else:
                    shown = _e(value)
                source = _v(row, "source")
                mark = link_to(source, f"[{_e(self.label(source))}]", self.label(source))
                facts[_v(row, "subject")][wanted[prop]].append(f"{shown} <sup>{mark}</sup>")
        rows = []
        seen = set()
        for zone in self.rows("zones"):
            iri = _v(zone, "zone")
            if iri in seen:
                continue
            seen.add(iri)
            if len(seen) > FRONT_ROWS:
                continue
            f = facts[iri]
            start = f["establishedYear"] + f["activeSinceYear"] + f["underDevelopmentSinceYear"]
            rows.append([self.name(iri), self.name(_v(zone, "type")),
                         ", ".join(sorted(set(f["prioritySector"]))), "<br>".join(f["locatedIn"]) or "—",
                         "<br>".join(f["areaHectares"]) or "—", "<br>".join(start) or "—",
                         "<br>".join(f["termEnd"]) or "—"])
        return ('<h2 id="zones">Zones</h2><p>Every value carries the source that states it; where two sources '
                'disagree, both values are shown. A dash is a fact no source gives.</p>'
                + _table(["Zone", "Type", "Priority sectors", "Region", "Area (hectares)", "Since", "Until"], rows)
                + _more(len(seen) - len(rows), ZONES_CSV))

    def overlaps(self) -> str:
        items = []
        shown, left_out = _cut(self.report.overlaps, FRONT_ROWS)
        for o in shown:
            evidence = "".join(
                f"<li>{_e(e.kind)}: {_e(e.label)}{(': ' + _e(e.detail)) if e.detail else ''} "
                f"— {self.source(e.source)}</li>" for e in o.evidence)
            items.append(f'<li><strong>[{_e(KIND_LABELS[o.kind])}]</strong> {_e(o.summary)}<ul>{evidence}</ul></li>')
        counts: dict[str, int] = defaultdict(int)
        for o in self.report.overlaps:
            counts[o.kind] += 1
        summary = ", ".join(f"{n:,} {KIND_LABELS[k]}" for k, n in counts.items())
        return (f'<h2 id="overlaps">Overlapping responsibilities</h2><p>{len(self.report.overlaps):,} overlaps, '
                f'strongest evidence first ({_e(summary)}). The <a href="network.html">overlap network</a> draws them '
                f'with the bodies, functions, zones and findings they join; the <a href="matrix.html">matrix</a> '
                f'shows which body holds which function over how many zones.</p>'
                f'<ol class="overlaps">{"".join(items)}</ol>{_more(left_out, OVERLAPS_CSV)}')

    def findings(self) -> str:
        def grouped(query: str, key: str) -> str:
            by: dict[str, dict[str, list[str]]] = defaultdict(dict)
            for row in self.rows(query):
                by[_v(row, key)].setdefault(_v(row, "finding"), [
                    name(_v(row, "finding"), _v(row, "label")), _e(_v(row, "statement")), self.source(_v(row, "source"))])
            parts = []
            room = FRONT_ROWS
            things = sorted(by, key=self.label)
            for n, thing in enumerate(things):
                rows, left_out = _cut([cells for _, cells in sorted(by[thing].items())], room)
                room -= len(rows)
                parts.append(f"<h4>{self.name(thing)}</h4>" + _table(["Finding", "Statement", "Source"], rows))
                if not room:  # one note for the rest of this group and every later group
                    parts.append(_more(left_out + sum(len(by[t]) for t in things[n + 1:]), FINDINGS_CSV))
                    break
            return "".join(parts)
        return ('<h2 id="findings">Findings</h2><details><summary><h3 style="display:inline">By zone</h3></summary>'
                + grouped("findings-by-zone", "zone")
                + '</details><details><summary><h3 style="display:inline">By organisation</h3></summary>'
                + grouped("findings-by-organisation", "organisation") + "</details>")

    def conflicts(self) -> str:
        shown, left_out = _cut(list(self.rows("conflicting-claims", kind="conflict")), FRONT_ROWS)
        rows = [[self.name(_v(r, "subject")), _e(self.label(_v(r, "property"))),
                 f'{_e(_v(r, "valueA"))} — {self.source(_v(r, "sourceA"))}',
                 f'{_e(_v(r, "valueB"))} — {self.source(_v(r, "sourceB"))}'] for r in shown]
        return ('<h2 id="conflicts">Conflicting claims</h2><p>The same fact, two values, two sources, no way to tell '
                'from the dates which is right: both are kept. (Changes over time, corrections and agreements are '
                'in <code>sezkg query conflicting-claims</code>.)</p>'
                + _table(["About", "Fact", "One source says", "Another says"], rows) + _more(left_out, CONFLICTS))

    def chart(self, slug: str, ident: str) -> str:
        """One chart per measure and source: figures from one source are comparable."""
        by_source: dict[str, list[Figure]] = defaultdict(list)
        for f in self.figures(MEASURE + slug):
            by_source[f.source].append(f)
        charts = []
        drawn = [(s, f) for s, f in sorted(by_source.items(), key=lambda x: -len(x[1]))
                 if len(f) >= 2 or slug == "zone-count"]
        for n, (source, figures) in enumerate(drawn):
            if n == CHARTS:
                charts.append(f'<p class="muted more">{_e(ui.MORE_CHARTS.format(n=len(drawn) - n, where=PLACE))}</p>'
                              .replace(PLACE, f'<a href="{FIGURES_CSV}">{FIGURES_CSV}</a>'))
                break
            figures.sort(key=lambda f: (f.date or f.start, -f.value))
            subjects = {f.subject for f in figures}
            if len(subjects) > 1:
                labels = [self.label(f.subject) for f in figures]
                heading = ""
            else:
                prefix, labels, suffix = shared_words([f.label for f in figures])
                labels = [label or "total" for label in labels]
                heading = " … ".join(x for x in (prefix, suffix) if x)
            periods = sorted({f.when() for f in figures})
            unit = figures[0].unit
            title = f"{self.label(MEASURE + slug)} ({unit})"
            caption = _e(heading + ". ") if heading else ""
            caption += _e(ui.CHART_PERIOD.format(period="; ".join(periods)) if any(periods) else ui.CHART_NO_DATE)
            caption += " " + ui.CHART_SOURCE.format(sources=self.source(source))
            bars = [Bar(label, f.value, amount_for_people(f.value, "", f.bound)) for label, f in zip(labels, figures, strict=True)]
            charts.append(bar_chart(title, bars, caption, f"{ident}-{n}"))
        return "".join(charts)

    def zone_counts_chart(self) -> str:
        figures = sorted((f for f in self.figures(MEASURE + "zone-count") if f.date),
                         key=lambda f: f.date)
        if not figures:
            return ""
        bars = [Bar(f"{when_for_people(f.date)} ({self.label(f.source).split(' (')[0].split(',')[0]})", f.value,
                    number_for_people(f.value)) for f in figures]
        sources = ", ".join(self.source(s) for s in dict.fromkeys(f.source for f in figures))
        caption = (_e(f"Each bar is the count a source gave on that day ({when_for_people(figures[0].date)} – "
                      f"{when_for_people(figures[-1].date)}); `sezkg query zone-counts` sets them beside the graph's own "
                      "count. ") + ui.CHART_SOURCE.format(sources=sources))
        return bar_chart(f"{self.label(MEASURE + 'zone-count')}, as officials and the press gave it", bars, caption,
                         "chart-zone-count")

    def indicators(self) -> str:
        charts = [self.zone_counts_chart()] + [self.chart(slug, f"chart-{slug}") for slug in CHARTED_MEASURES
                                               if slug != "zone-count"]
        rows = []
        shown, left_out = self.first_figures(FRONT_ROWS)
        for f in shown:
            rows.append([_e(f.label), _e(amount_for_people(f.value, f.unit, f.bound)), _e(f.when() or "—"),
                         self.source(f.source)])
        return ('<h2 id="indicators">Figures</h2>' + "".join(charts)
                + "<details><summary>Every figure in the graph</summary>"
                + _table(["Figure", "Value", "Date or period", "Source"], rows) + _more(left_out, FIGURES_CSV)
                + "</details>")

    def completeness(self) -> str:
        """What the graph knows of each zone, and from how many sources: the gaps in plain view."""
        rows = self.rows("completeness")
        columns = [c for c in rows.variables if c not in ("zone", "label")]
        body = []
        shown, left_out = _cut(list(rows), FRONT_ROWS)
        for r in shown:
            cells = [self.name(_v(r, "zone"))]
            for c in columns:
                value = _v(r, c)
                known = value not in ("0", "false", "")
                text = ("yes" if value == "true" else "no") if value in ("true", "false") else value
                cells.append(f'<span class="{"known" if known else "gap"}">{_e(text)}</span>')
            body.append(cells)
        return ('<h2 id="completeness">What the graph knows, zone by zone</h2>'
                '<p>Each number counts the sources that give the fact (mandates, figures and findings: how many); '
                'a 0 or "no" is a gap no source has filled, shown rather than guessed. '
                '<a href="completeness.csv">CSV</a>.</p>'
                + _table(["Zone", *columns], body) + _more(left_out, "completeness.csv"))

    @staticmethod
    def validation(report: ValidationReport) -> str:
        verdict = ("the knowledge graph conforms" if report.conforms
                   else f"{len(report.violations)} violations on {len(report.by_focus())} entities")
        return (f'<h2 id="validation">Validation</h2><p>{report.shapes_checked} SHACL node shapes and '
                f'{report.queries_checked} violation queries checked: {_e(verdict)}. '
                f'<a href="validation.txt">Full report</a> (<a href="validation.json">JSON</a>).</p>')

    @staticmethod
    def downloads(exports: list[str], extra: list[str], left_out: LeftOut | None = None) -> str:
        items = "".join(f'<li><a href="{_e(p)}">{_e(p)}</a></li>' for p in exports + extra)
        note = ""
        if left_out is not None and left_out.commands:
            commands = "".join(f"<li>{_e(f)}: <code>{_e(c)}</code></li>" for f, c in left_out.commands.items())
            every = f"<code>{_e(ui.EVERY_EXPORT)}</code>"
            text = _e(ui.LEFT_OUT.format(quads=left_out.quads, limit=left_out.limit, every="{every}"))
            note = f'<p class="muted">{text.replace("{every}", every)}</p><ul>{commands}</ul>'
        return f'<h2 id="downloads">Downloads</h2><ul>{items}</ul>{note}'


def front_page(runner: Runner, queries: dict[str, Query], report: OverlapReport, validation: ValidationReport,
               exports: list[str], extra: list[str], summary: str, names: Names | None = None,
               data_date: str = "", today: str | None = None) -> str:
    return "".join(front_page_parts(runner, queries, report, validation, exports, extra, summary, names, data_date,
                                    today))


def front_page_parts(runner: Runner, queries: dict[str, Query], report: OverlapReport, validation: ValidationReport,
                     exports: list[str], extra: list[str], summary: str, names: Names | None = None,
                     data_date: str = "", today: str | None = None) -> list[str]:
    """`front_page` as its sections (see chrome.page_parts), never joined."""
    body = front_page_body(runner, queries, report, validation, summary, today)
    return front_page_finished(body, exports, extra, names, data_date)


def front_page_body(runner: Runner, queries: dict[str, Query], report: OverlapReport,
                    validation: ValidationReport | None, summary: str, today: str | None = None,
                    made: Mapping[str, str] | None = None) -> list[str]:
    """The front page's sections but the last, the downloads (the report knows them last); without
    `validation`, its section too is left for the caller (`FrontPage.validation`). `made`:
    `front_page_sections`' answer, made beside, with the same labels and day."""
    fp = FrontPage(runner, queries, report, today or datetime.date.today().isoformat(), made)
    body = [f"<p>{_e(summary)}</p>", fp.at_a_glance(), fp.overlaps(), fp.part("zones"), fp.part("findings"),
            fp.part("conflicts"), fp.part("indicators"), fp.part("completeness")]
    return body + [fp.validation(validation)] if validation is not None else body


def front_page_sections(runner: Runner, queries: dict[str, Query], labels: dict[str, str], today: str) -> dict[str, str]:
    """The sections and cards of WITHOUT_OVERLAPS, which need the labels but no overlap: the
    report makes them beside the overlaps (about a sixth of its main process at ~5M triples)."""
    fp = FrontPage(runner, queries, OverlapReport([], labels), today)
    return {name: getattr(fp, name)() for name in WITHOUT_OVERLAPS}


@dataclass(frozen=True)
class LeftOut:
    """Files a report did not write at its size: {file: the command that writes it}."""
    quads: int
    limit: int
    commands: dict[str, str]


def front_page_finished(body: list[str], exports: list[str], extra: list[str], names: Names | None = None,
                        data_date: str = "", left_out: LeftOut | None = None) -> list[str]:
    """The front page's parts: `front_page_body`'s sections and the downloads."""
    return page_parts(ui.SITE_TITLE, [*body, FrontPage.downloads(exports, extra, left_out)], NAV,
                      data_date=data_date, names=names)
