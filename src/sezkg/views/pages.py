"""The report's front page: zones, overlaps, findings, conflicting claims, key indicators with
charts, validation. Every table comes from a catalogue query or the overlap report."""

from __future__ import annotations

import html
from collections import defaultdict
from pathlib import Path

from ..questions.catalogue import Query, run_select
from ..questions.endpoint import Runner
from ..questions.overlaps import OverlapReport
from ..questions.validate import ValidationReport
from .viz import KIND_LABELS, _pyplot, _save, page

SEZ = "https://w3id.org/sezkg/ontology#"
MEASURE = "https://w3id.org/sezkg/scheme/measure/"
NAV = ('<nav aria-label="Report pages"><a href="index.html">Overview</a><a href="network.html">Overlap network</a>'
       '<a href="matrix.html">Organisation × function matrix</a><a href="validation.txt">Validation report</a>'
       '<a href="index.html#downloads">Downloads</a></nav>')


def _v(row: dict, name: str) -> str:
    term = row.get(name)
    return term.value if term is not None else ""


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _table(headers: list[str], rows: list[list[str]], caption: str = "") -> str:
    """A data table; cells are already escaped HTML."""
    head = "".join(f'<th scope="col">{_e(h)}</th>' for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    cap = f"<caption>{_e(caption)}</caption>" if caption else ""
    return f'<table class="data">{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


class FrontPage:
    def __init__(self, runner: Runner, queries: dict[str, Query], report: OverlapReport):
        self.runner = runner
        self.queries = queries
        self.report = report
        self.label = report.label

    def rows(self, name: str, **params: str):
        return run_select(self.runner, self.queries[name], params or None)

    def source(self, iri: str) -> str:
        return f'<a href="{_e(iri)}">{_e(self.label(iri))}</a>'

    # -- sections ----------------------------------------------------------------------------

    def zones(self) -> str:
        wanted = {SEZ + p: p for p in ("areaHectares", "establishedYear", "activeSinceYear",
                                       "underDevelopmentSinceYear", "termEnd", "locatedIn", "prioritySector")}
        facts: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for row in self.rows("who-says-so"):
            prop = _v(row, "property")
            if prop in wanted:
                value = _v(row, "value")
                shown = _e(self.label(value)) if value.startswith("https://") else _e(value)
                facts[_v(row, "subject")][wanted[prop]].append(
                    f'{shown} <sup><a href="{_e(_v(row, "source"))}" title="{_e(self.label(_v(row, "source")))}">'
                    f'[{_e(self.label(_v(row, "source")))}]</a></sup>')
        rows = []
        for zone in self.rows("zones"):
            iri = _v(zone, "zone")
            f = facts[iri]
            start = f["establishedYear"] + f["activeSinceYear"] + f["underDevelopmentSinceYear"]
            rows.append([_e(_v(zone, "label")), _e(self.label(_v(zone, "type"))),
                         ", ".join(sorted(set(f["prioritySector"]))), "<br>".join(f["locatedIn"]) or "—",
                         "<br>".join(f["areaHectares"]), "<br>".join(start), "<br>".join(f["termEnd"]) or "—"])
        return ("<h2 id=\"zones\">Zones</h2><p>Every value carries the source that states it; where two sources "
                "disagree, both values are shown.</p>"
                + _table(["Zone", "Type", "Priority sectors", "Region", "Area (ha)", "Since", "Until"], rows))

    def overlaps(self) -> str:
        items = []
        for o in self.report.overlaps:
            evidence = "".join(
                f"<li>{_e(e.kind)}: {_e(e.label)}{(': ' + _e(e.detail)) if e.detail else ''} "
                f"— {self.source(e.source)}</li>" for e in o.evidence)
            items.append(f'<li><strong>[{_e(KIND_LABELS[o.kind])}]</strong> {_e(o.summary)}<ul>{evidence}</ul></li>')
        counts = defaultdict(int)
        for o in self.report.overlaps:
            counts[o.kind] += 1
        summary = ", ".join(f"{n} {KIND_LABELS[k]}" for k, n in counts.items())
        pictures = (
            '<figure><a href="network.html"><img src="network.png" width="900" alt="Overlap network: organisations '
            '(circles), governance functions (squares) and zones (triangles); overlap edges join organisations whose '
            'responsibilities overlap."></a><figcaption>The overlap network; open the <a href="network.html">'
            'interactive network</a> to filter by zone, function and overlap kind and to see each node\'s sources '
            '(<a href="network.svg">SVG</a>).</figcaption></figure>'
            '<figure><a href="matrix.html"><img src="matrix.png" width="900" alt="Organisation by governance '
            'function matrix; cells count the zones reached, ◆ marks an overlap."></a><figcaption>Organisation × '
            'function matrix (<a href="matrix.html">table</a>, <a href="matrix.svg">SVG</a>).</figcaption></figure>')
        return (f'<h2 id="overlaps">Overlapping responsibilities</h2><p>{len(self.report.overlaps)} overlaps, '
                f'strongest evidence first ({_e(summary)}).</p>{pictures}<ol class="overlaps">{"".join(items)}</ol>')

    def findings(self) -> str:
        def grouped(name: str, key: str) -> str:
            by: dict[str, dict[str, list[str]]] = defaultdict(dict)
            for row in self.rows(name):
                by[_v(row, key)].setdefault(_v(row, "finding"), [
                    _e(_v(row, "label")), _e(_v(row, "statement")), self.source(_v(row, "source"))])
            parts = []
            for thing in sorted(by, key=self.label):
                rows = [cells for _, cells in sorted(by[thing].items())]
                parts.append(f"<h4>{_e(self.label(thing))}</h4>" + _table(["Finding", "Statement", "Source"], rows))
            return "".join(parts)
        return ('<h2 id="findings">Findings</h2><details open><summary><h3 style="display:inline">By zone</h3></summary>'
                + grouped("findings-by-zone", "zone")
                + '</details><details><summary><h3 style="display:inline">By organisation</h3></summary>'
                + grouped("findings-by-organisation", "organisation") + "</details>")

    def conflicts(self) -> str:
        rows = [[_e(self.label(_v(r, "subject"))), _e(_v(r, "property").rsplit("#", 1)[-1]),
                 f'{_e(_v(r, "valueA"))} — {self.source(_v(r, "sourceA"))}',
                 f'{_e(_v(r, "valueB"))} — {self.source(_v(r, "sourceB"))}'] for r in self.rows("conflicting-claims")]
        return ('<h2 id="conflicts">Conflicting claims</h2><p>The same fact, two values, two sources: both are kept.</p>'
                + _table(["Subject", "Property", "One source says", "Another says"], rows))

    def indicators(self, out: Path) -> str:
        charts = []
        plt = _pyplot()

        def bar_chart(name: str, title: str, rows: list[tuple[str, float]], xlabel: str, alt: str) -> None:
            if not rows:
                charts.append(f"<p>{_e(title)}: no figures in the data.</p>")
                return
            fig, ax = plt.subplots(figsize=(7.5, max(2.2, 0.32 * len(rows) + 1)))
            labels = [r[0] for r in rows]
            values = [r[1] for r in rows]
            bars = ax.barh(labels, values, color="#4a78b5", edgecolor="#1b1b1b", hatch="//")
            ax.bar_label(bars, labels=[f"{v:g}" for v in values], padding=3, fontsize=8)
            ax.invert_yaxis()
            ax.set_xlabel(xlabel)
            ax.set_title(title)
            ax.axvline(0, color="#1b1b1b", linewidth=0.8)
            _save(fig, out / "charts" / name)
            plt.close(fig)
            charts.append(f'<figure><img src="charts/{name}.png" alt="{_e(alt)}" width="750">'
                          f'<figcaption>{_e(title)} (<a href="charts/{name}.svg">SVG</a>)</figcaption></figure>')

        (out / "charts").mkdir(exist_ok=True)
        infra = [(self.label(_v(r, "zone")), float(_v(r, "value")), _v(r, "measure")) for r in self.rows("infrastructure-completion")]
        bar_chart("infrastructure", "Infrastructure completed or operational (per cent)",
                  [(f"{z} ({'completed' if 'completion' in m else 'operational'})", v) for z, v, m in infra], "per cent",
                  "; ".join(f"{z}: {v:g}%" for z, v, _ in infra))
        invest = [(self.label(_v(r, "category")), float(_v(r, "value"))) for r in self.rows("investment-by-category") if "value" in r]
        bar_chart("investment", "Investment per tenge of state budget, by investor category", invest, "tenge",
                  "; ".join(f"{c}: {v:g} tenge" for c, v in invest))
        migration = sorted(((self.label(_v(r, "subject")), float(_v(r, "value")))
                            for r in self.rows("indicators", measure=MEASURE + "net-internal-migration")),
                           key=lambda x: x[1], reverse=True)
        bar_chart("migration", "Net internal migration, January 2023 – August 2024 (people)", migration, "people",
                  "; ".join(f"{r}: {v:g}" for r, v in migration))
        rows = []
        for r in self.rows("indicators"):
            when = _v(r, "date") or "–".join(x for x in (_v(r, "start"), _v(r, "end")) if x)
            bound = self.label(_v(r, "bound")) if _v(r, "bound") and not _v(r, "bound").endswith("/exact") else ""
            rows.append([_e(_v(r, "label")), _e(f"{bound} {_v(r, 'value')}".strip()), _e(self.label(_v(r, "unit"))),
                         _e(when), self.source(_v(r, "source"))])
        return ('<h2 id="indicators">Key indicators</h2>' + "".join(charts)
                + "<details><summary>Every figure in the graph</summary>"
                + _table(["Figure", "Value", "Unit", "Date or period", "Source"], rows) + "</details>")

    def completeness(self) -> str:
        """What the graph knows of each zone, and from how many sources: the gaps in plain view."""
        rows = self.rows("completeness")
        columns = [c for c in rows.variables if c not in ("zone", "label")]
        body = []
        for r in rows:
            cells = [_e(self.label(_v(r, "zone")))]
            for c in columns:
                value = _v(r, c)
                known = value not in ("0", "false", "")
                shown = ("yes" if value == "true" else "no") if value in ("true", "false") else value
                cells.append(f'<span class="{"known" if known else "gap"}">{_e(shown)}</span>')
            body.append(cells)
        return ('<h2 id="completeness">What the graph knows, zone by zone</h2>'
                '<p>Each number counts the sources that give the fact (mandates, figures and findings: how many); '
                'a 0 or "no" is a gap no source has filled, shown rather than guessed. '
                '<a href="completeness.csv">CSV</a>.</p>'
                + _table(["Zone", *columns], body))

    @staticmethod
    def validation(report: ValidationReport) -> str:
        verdict = ("the knowledge graph conforms" if report.conforms
                   else f"{len(report.violations)} violations on {len(report.by_focus())} entities")
        return (f'<h2 id="validation">Validation</h2><p>{report.shapes_checked} SHACL node shapes and '
                f'{report.queries_checked} violation queries checked: {_e(verdict)}. '
                f'<a href="validation.txt">Full report</a> (<a href="validation.json">JSON</a>).</p>')

    @staticmethod
    def downloads(exports: list[str], extra: list[str]) -> str:
        items = "".join(f'<li><a href="{_e(p)}">{_e(p)}</a></li>' for p in exports + extra)
        return f'<h2 id="downloads">Downloads</h2><ul>{items}</ul>'


def front_page(runner: Runner, queries: dict[str, Query], report: OverlapReport, validation: ValidationReport,
               out: Path, exports: list[str], extra: list[str], summary: str) -> str:
    fp = FrontPage(runner, queries, report)
    body = (f"<p>{_e(summary)}</p>" + fp.overlaps() + fp.zones() + fp.findings() + fp.conflicts()
            + fp.indicators(out) + fp.completeness() + fp.validation(validation) + fp.downloads(exports, extra))
    return page("sezkg: governance of Kazakhstan's special economic zones", body, NAV)
