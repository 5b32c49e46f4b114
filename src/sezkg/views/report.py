"""The main job: load, validate and export the knowledge graph into one folder.

The folder is built beside its target and swapped in at the end (see sezkg.kg.files), so a
re-run replaces it whole, a failed run leaves the previous report as it was, and a folder
sezkg did not build is never replaced. The RDF exports are written beside the rest, in a
child process where a core is spare (sezkg.kg.beside): the same files, in less time.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..kg.beside import Beside
from ..kg.files import building_folder, check_replaceable, write_text_atomic
from ..kg.load import KnowledgeGraph, load
from ..kg.resources import KGFiles, default_files
from ..publish.entities import write_entities
from ..publish.export import FORMATS, serialize_to
from ..publish.tables import stream_tables_into
from ..questions.catalogue import catalogue, run_select
from ..questions.overlaps import OverlapReport, find_overlaps
from ..questions.validate import ValidationReport, validate
from .chrome import names_in_other_languages, newest_source_date
from .pages import NAV, front_page_parts
from .text import overlaps_text, rows_text, validation_json, validation_text
from .viz import write_viz


@dataclass(frozen=True)
class ReportResult:
    folder: Path
    quads: int
    graphs: int
    files: int
    validation: ValidationReport


# The report writes the tables' workbook only up to this many rows in all: XlsxWriter writes about
# 100,000 cells a second, and the statements table holds the whole KG (~1M triples: ~10M cells,
# minutes). CSVs and the data package are always written; `sezkg tables DIR` writes any size.
REPORT_WORKBOOK_ROWS = 50_000


def build_report(
    out: Path,
    files: KGFiles | None = None,
    data: list[Path] | None = None,
    progress: Callable[[str], None] = lambda _: None,
    force: bool = False,
    png: bool = False,
    fork: bool | None = None,
) -> ReportResult:
    """Build the report folder `out`. `fork`: write the exports in a child process (True), in
    this one (False), or in a child where a core is spare (None, see sezkg.kg.beside)."""
    files = files or default_files()
    out = Path(out).absolute()
    check_replaceable(out, force)
    steps = 5

    started = time.perf_counter()
    kg: KnowledgeGraph = load(files, data)
    progress(f"[1/{steps}] load: {kg.quad_count():,} quads in {len(kg.graph_names())} named graphs "
             f"from {len(kg.files)} files ({time.perf_counter() - started:.2f} s)")

    with kg.remembering():  # the pages, tables and pictures ask several queries more than once
        return _report(kg, files, out, progress, force, png, steps, fork)


def _report(kg: KnowledgeGraph, files: KGFiles, out: Path, progress: Callable[[str], None], force: bool, png: bool,
            steps: int, fork: bool | None) -> ReportResult:
    with building_folder(out, "report", force) as building:
        exports = building / "export"
        exports.mkdir()

        def write_exports() -> None:
            for spec in FORMATS.values():
                with (exports / f"sezkg.{spec.extension}").open("wb") as handle:  # streamed, not held in memory
                    serialize_to(kg, spec.name, handle, spool_dir=exports)
            with (exports / "sezkg.entities.ndjson").open("wb") as handle:
                write_entities(kg, handle)

        # The exports only read the store: written beside the rest, in a child process where a
        # core is spare (see sezkg.kg.beside), they add nothing to the report's time but a wait.
        with Beside(write_exports, fork=fork) as exporting:
            report, overlaps, started = _pages_and_tables(kg, files, building, progress, png, steps)
            waited = time.perf_counter()
            exporting.join()
            waited = time.perf_counter() - waited
            exports_note = "written beside, waited for" if exporting.forked else "written here,"
    progress(f"[5/{steps}] export and pages: {len(FORMATS)} RDF formats, index.html "
             f"({time.perf_counter() - started:.2f} s; the exports {exports_note} {waited:.2f} s of it)")
    progress(f"open {out / 'index.html'}")
    return ReportResult(out, kg.quad_count(), len(kg.graph_names()), len(kg.files), report)


def _pages_and_tables(kg: KnowledgeGraph, files: KGFiles, building: Path, progress: Callable[[str], None], png: bool,
                      steps: int) -> tuple[ValidationReport, OverlapReport, float]:
    """Steps 2-5 but the exports: validate, overlaps, pictures, tables and the front page."""
    started = time.perf_counter()
    report = validate(kg, files)
    verdict = "conforms" if report.conforms else f"{len(report.violations)} violations"
    progress(f"[2/{steps}] validate: {verdict} ({report.shapes_checked} node shapes, "
             f"{report.queries_checked} violation queries; {time.perf_counter() - started:.2f} s)")

    started = time.perf_counter()
    queries = catalogue(files.queries)
    overlaps = find_overlaps(kg, queries=queries)
    progress(f"[3/{steps}] overlaps: {len(overlaps.overlaps)} found by {len(queries)} catalogue queries "
             f"({time.perf_counter() - started:.2f} s)")

    started = time.perf_counter()
    names = names_in_other_languages(kg, queries, english=overlaps.labels if overlaps.lang == "en" else None)
    data_date = newest_source_date(kg)
    viz = write_viz(kg, building, overlaps, nav=NAV, png=png, names=names, data_date=data_date)
    progress(f"[4/{steps}] visualise: network, matrix and map pages, {len(viz.images)} images, "
             f"{len(viz.graphs)} graph files ({time.perf_counter() - started:.2f} s)")

    started = time.perf_counter()
    (building / "validation.txt").write_text(validation_text(report), encoding="utf-8")
    (building / "validation.json").write_text(validation_json(report), encoding="utf-8")
    (building / "overlaps.txt").write_text(overlaps_text(overlaps), encoding="utf-8")
    (building / "overlaps.json").write_text(overlaps_text(overlaps, "json"), encoding="utf-8")
    completeness = run_select(kg, queries["completeness"])
    (building / "completeness.csv").write_text(rows_text(completeness.variables, completeness, "csv", overlaps.labels),
                                               encoding="utf-8")
    (building / "tables").mkdir()
    # Each table written as its query answers: the statements table is the whole KG.
    tables, table_names = stream_tables_into(kg, building / "tables", queries_folder=files.queries,
                                             overlaps=overlaps, workbook_rows=REPORT_WORKBOOK_ROWS)
    rows = sum(t.row_count for t in tables)
    if "sezkg.xlsx" not in table_names:
        progress(f"      tables: sezkg.xlsx left out ({rows:,} rows, over {REPORT_WORKBOOK_ROWS:,}); "
                 "`sezkg tables DIR` writes it")
    export_names = sorted([f"export/sezkg.{s.extension}" for s in FORMATS.values()]
                          + ["export/sezkg.entities.ndjson"])
    extra = (["overlaps.txt", "overlaps.json", "completeness.csv"] + [f"tables/{n}" for n in table_names]
             + sorted(p.name for p in viz.images) + sorted(p.name for p in viz.graphs))
    summary_line = (f"{kg.quad_count():,} statements in {len(kg.graph_names()):,} named graphs, each from one source; "
                    f"{len(overlaps.overlaps):,} overlapping responsibilities found.")
    index = front_page_parts(kg, queries, overlaps, report, export_names, extra, summary_line, names=names,
                             data_date=data_date)
    write_text_atomic(building / "index.html", index)  # ~5M triples: a 200 MB page, written part by part
    summary = {
        "quads": kg.quad_count(),
        "graphs": kg.graph_names(),
        "files": [str(f.path.relative_to(files.ontology.parent)) if f.path.is_relative_to(files.ontology.parent)
                  else str(f.path) for f in kg.files],
        "conforms": report.conforms,
        "violations": len(report.violations),
        "overlaps": len(overlaps.overlaps),
        "exports": export_names,
    }
    (building / "summary.json").write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return report, overlaps, started
