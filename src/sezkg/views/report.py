"""The main job: load, validate and export the knowledge graph into one folder.

The folder is built beside its target and swapped in at the end (see sezkg.kg.files), so a
re-run replaces it whole, a failed run leaves the previous report as it was, and a folder
sezkg did not build is never replaced. The RDF exports and the tables are shared with a child
process where a core is spare (sezkg.kg.beside): it starts on them at once, this process takes
the ones left once it has written the rest; the same files, in less time.
"""

from __future__ import annotations

import contextlib
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
from ..publish.export import BY_GRAPH, BY_SUBJECT, FORMATS, serialize_many
from ..publish.tables import TableFile, finish_tables, table_tasks
from ..questions.catalogue import Query, catalogue, run_select
from ..questions.overlaps import OverlapReport, find_overlaps, labels
from ..questions.validate import ValidationReport, validate
from .chrome import Names, names_in_other_languages, newest_source_date
from .pages import NAV, front_page_body, front_page_finished
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
    check_replaceable(out, force, "report")
    steps = 5

    started = time.perf_counter()
    kg: KnowledgeGraph = load(files, data)
    progress(f"[1/{steps}] load: {kg.quad_count():,} quads in {len(kg.graph_names())} named graphs "
             f"from {len(kg.files)} files ({time.perf_counter() - started:.2f} s)")

    with kg.remembering():  # the pages, tables and pictures ask several queries more than once
        return _report(kg, files, out, progress, force, png, steps, fork)


# The work both processes share, longest first (times at ~5M triples, in one process), so that
# neither is left with a long task at the end: the statements table (the whole KG, ~85 s), the
# formats written a subject at a time, together (N-Triples, Turtle, RDF/XML, ~70 s), JSON-LD
# (~35 s), the entity stream (~30 s), N-Quads and TriG together (~30 s), the other tables.
EXPORT_ORDER: tuple[tuple[str, ...], ...] = (BY_SUBJECT, ("jsonld",), ("entities",), BY_GRAPH)


class _Labels:
    """The labels the tables name things by: the overlap report's, which asks the same query,
    once this process has found the overlaps; otherwise (a task run beside) asked here, once."""

    def __init__(self, kg: KnowledgeGraph, queries: dict[str, Query]):
        self.kg, self.queries = kg, queries
        self.known: dict[str, str] | None = None

    def __call__(self) -> dict[str, str]:
        if self.known is None:
            self.known = labels(self.kg, self.queries, "en")
        return self.known


def _shared_tasks(kg: KnowledgeGraph, files: KGFiles, exports: Path, tables: Path,
                  table_labels: _Labels) -> list[Callable[[], TableFile | None]]:
    def export(names: tuple[str, ...]) -> Callable[[], None]:
        def write() -> None:
            if names == ("entities",):
                with (exports / "sezkg.entities.ndjson").open("wb") as handle:
                    write_entities(kg, handle)
                return
            with contextlib.ExitStack() as stack:  # streamed, not held in memory; one read for them all
                handles = {name: stack.enter_context((exports / f"sezkg.{FORMATS[name].extension}").open("wb"))
                           for name in names}
                serialize_many(kg, handles, spool_dir=exports)
        return write

    statements, *other_tables = table_tasks(kg, tables, table_labels, files.queries)
    return [statements, *(export(names) for names in EXPORT_ORDER), *other_tables]


def _report(kg: KnowledgeGraph, files: KGFiles, out: Path, progress: Callable[[str], None], force: bool, png: bool,
            steps: int, fork: bool | None) -> ReportResult:
    with building_folder(out, "report", force) as building:
        exports, tables_folder = building / "export", building / "tables"
        exports.mkdir()
        tables_folder.mkdir()
        queries = catalogue(files.queries)
        table_labels = _Labels(kg, queries)
        tasks = _shared_tasks(kg, files, exports, tables_folder, table_labels)
        # The exports and the tables only read the store: a child process forked where a core is
        # spare (see sezkg.kg.beside) starts on them at once, and this one, once it has validated,
        # found the overlaps, drawn the pictures and made the front page, takes the ones left.
        with Beside(fork=fork, shared=tasks) as sharing:
            pages = _pages(kg, files, queries, building, progress, png, steps, table_labels)
            written = [r for r in sharing.join() if isinstance(r, TableFile)]
        report, overlaps = pages.validation, pages.overlaps
        tables, table_names = finish_tables(written, kg, tables_folder, queries_folder=files.queries,
                                            overlaps=overlaps, workbook_rows=REPORT_WORKBOOK_ROWS)
        if "sezkg.xlsx" not in table_names:
            rows = sum(t.row_count for t in tables)
            progress(f"      tables: sezkg.xlsx left out ({rows:,} rows, over {REPORT_WORKBOOK_ROWS:,}); "
                     "`sezkg tables DIR` writes it")
        export_names = sorted([f"export/sezkg.{s.extension}" for s in FORMATS.values()]
                              + ["export/sezkg.entities.ndjson"])
        extra = (["overlaps.txt", "overlaps.json", "completeness.csv"] + [f"tables/{n}" for n in table_names]
                 + pages.pictures)
        index = front_page_finished(pages.body, export_names, extra, names=pages.names, data_date=pages.data_date)
        write_text_atomic(building / "index.html", index)  # ~5M triples: a large page, written part by part
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
        (building / "summary.json").write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n",
                                               encoding="utf-8")
        where = (f"of those {len(tasks)} files {sharing.ran_beside} written beside, {len(tasks) - sharing.ran_beside} "
                 f"here, then {sharing.waited:.2f} s waited for the last" if sharing.forked else "all written here")
    progress(f"[5/{steps}] exports, tables and front page: {len(FORMATS)} RDF formats and the entities, "
             f"{len(tables)} tables, index.html ({time.perf_counter() - pages.started:.2f} s; {where})")
    progress(f"open {out / 'index.html'}")
    return ReportResult(out, kg.quad_count(), len(kg.graph_names()), len(kg.files), report)


@dataclass
class _Pages:
    validation: ValidationReport
    overlaps: OverlapReport
    body: list[str]  # the front page's sections but the downloads
    names: Names
    data_date: str
    pictures: list[str]  # the files write_viz wrote beside its pages
    started: float  # when step 5 started


def _pages(kg: KnowledgeGraph, files: KGFiles, queries: dict[str, Query], building: Path,
           progress: Callable[[str], None], png: bool, steps: int, table_labels: _Labels) -> _Pages:
    """Steps 2-4 and what only this process can write: validate, overlaps, pictures, the texts of
    the validation and the overlaps, completeness and the front page's sections."""
    started = time.perf_counter()
    report = validate(kg, files)
    verdict = "conforms" if report.conforms else f"{len(report.violations)} violations"
    progress(f"[2/{steps}] validate: {verdict} ({report.shapes_checked} node shapes, "
             f"{report.queries_checked} violation queries; {time.perf_counter() - started:.2f} s)")

    started = time.perf_counter()
    overlaps = find_overlaps(kg, queries=queries)
    table_labels.known = overlaps.labels_in("en")  # the same query's answer: not asked again for the tables
    progress(f"[3/{steps}] overlaps: {len(overlaps.overlaps)} found by {len(queries)} catalogue queries "
             f"({time.perf_counter() - started:.2f} s)")

    started = time.perf_counter()
    names = names_in_other_languages(kg, queries, english=overlaps.labels_in("en"))
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
    summary_line = (f"{kg.quad_count():,} statements in {len(kg.graph_names()):,} named graphs, each from one source; "
                    f"{len(overlaps.overlaps):,} overlapping responsibilities found.")
    body = front_page_body(kg, queries, overlaps, report, summary_line)
    pictures = sorted(p.name for p in viz.images) + sorted(p.name for p in viz.graphs)
    return _Pages(report, overlaps, body, names, data_date, pictures, started)
