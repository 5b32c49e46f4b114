"""The main job: load, validate and export the knowledge graph into one folder.

The folder is built beside its target and swapped in at the end (see sezkg.kg.files), so a
re-run replaces it whole, a failed run leaves the previous report as it was, and a folder
sezkg did not build is never replaced. The validation, the RDF exports and the tables are
shared with a child process where a core is spare (sezkg.kg.beside): it starts on them at once
while this process finds the overlaps and draws the pages, then this one takes the ones left;
the same files, in less time. Above REPORT_EVERY_EXPORT_QUADS quads the KG is written as
N-Quads only, and the front page names the command that writes each file left out.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import threading
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
from ..questions.overlaps import OverlapReport, find_overlaps
from ..questions.validate import ValidationReport, validate
from .chrome import Names, names_and_english, newest_source_date
from .pages import NAV, LeftOut, front_page_body, front_page_finished, front_page_sections
from .text import overlaps_text, rows_text, validation_json, validation_text
from .viz import write_map, write_viz


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

# Up to this many quads the report writes the whole KG in every RDF format, as the entity stream
# and as the statements table; above it, as N-Quads only (every statement with its source graph:
# nothing is lost) and it names the command that writes each file left out. At ~5M quads the
# seven copies left out took 4.0 GB of a 5.9 GB folder and about 40% of the report's CPU.
# `every_export=True` (`sezkg report --every-export`) writes them all at any size.
REPORT_EVERY_EXPORT_QUADS = 1_000_000

# Above this many quads the report shares its work with a thread rather than a forked child (see
# sezkg.kg.beside): the child comes to copy most of the store as it reads it, and above 1M quads
# the shared work is mostly Oxigraph's, which lets go of the GIL. At ~1M triples a child was
# faster (24.3-25.5 s against 30.2-30.4 s; 1.3 GiB in two processes against 0.85 GiB), at ~5M
# a thread as fast (173-186 s against 168-205 s) at 3.32-3.37 GiB rather than 6.2.
REPORT_THREAD_QUADS = 2_000_000

# What writes each file the report leaves out above REPORT_EVERY_EXPORT_QUADS. The overlap
# network's GraphML and GEXF files grow with the overlaps, not the KG, but networkx writes them
# an element at a time in Python: at ~5M triples of the bench's world (63,021 nodes, 67,898
# edges, 108 MB) they took 37 s, all in the report's main process; overlaps.json holds the same
# overlaps.
LEFT_OUT_COMMANDS: dict[str, str] = {
    **{f"export/sezkg.{f.extension}": f"sezkg export --format {f.name} --output sezkg.{f.extension}"
       for f in FORMATS.values() if f.name != "nquads"},
    "export/sezkg.entities.ndjson": "sezkg export --format entities --output sezkg.entities.ndjson",
    "tables/statements.csv": "sezkg tables DIR",
    "overlaps.graphml": "sezkg viz --out DIR",
    "overlaps.gexf": "sezkg viz --out DIR",
}


def build_report(
    out: Path,
    files: KGFiles | None = None,
    data: list[Path] | None = None,
    progress: Callable[[str], None] = lambda _: None,
    force: bool = False,
    png: bool = False,
    fork: bool | None = None,
    every_export: bool | None = None,
) -> ReportResult:
    """Build the report folder `out`. `fork`: validate and write the exports in a child process
    (True), in this one after the rest (False), or by size (None): above REPORT_THREAD_QUADS on a
    thread beside the rest, else in a child where a core is spare (see sezkg.kg.beside).
    `every_export`: write the KG in every format, as entities and as the statements table, and
    the overlap network's graph files (True), the KG as N-Quads only (False), or by size (None):
    all of them up to REPORT_EVERY_EXPORT_QUADS quads, N-Quads only above."""
    files = files or default_files()
    out = Path(out).absolute()
    check_replaceable(out, force, "report")
    steps = 5

    started = time.perf_counter()
    kg: KnowledgeGraph = load(files, data)
    # Remembering from here: the quads are counted once (Oxigraph counts them one by one, ~1 s
    # at ~5M), and the pages, tables and pictures ask several queries more than once.
    with kg.remembering():
        progress(f"[1/{steps}] load: {kg.quad_count():,} quads in {len(kg.graph_names())} named graphs "
                 f"from {len(kg.files)} files ({time.perf_counter() - started:.2f} s)")
        if every_export is None:
            every_export = kg.quad_count() <= REPORT_EVERY_EXPORT_QUADS
        return _report(kg, files, out, progress, force, png, steps, fork, every_export)


# The work both processes share, longest first (times at ~5M triples, in one process), so that
# neither is left with a long task at the end: the validation (~55-85 s), the statements table
# (the whole KG, ~85 s), the formats written a subject at a time, together (N-Triples, Turtle,
# RDF/XML, ~70 s), JSON-LD (~35 s), the entity stream (~30 s), N-Quads and TriG together (~30 s),
# the other tables. The validation is first so that the child, which starts at once, takes it.
EXPORT_ORDER: tuple[tuple[str, ...], ...] = (BY_SUBJECT, ("jsonld",), ("entities",), BY_GRAPH)


@dataclass(frozen=True)
class _Validated:
    report: ValidationReport
    seconds: float
    beside: bool  # validated in the child or on the thread beside, not by the main thread


def _validation_task(kg: KnowledgeGraph, files: KGFiles) -> Callable[[], _Validated]:
    here = os.getpid()

    def task() -> _Validated:
        started = time.perf_counter()
        report = validate(kg, files)
        return _Validated(report, time.perf_counter() - started,
                          os.getpid() != here or threading.current_thread() is not threading.main_thread())
    return task


def _shared_tasks(kg: KnowledgeGraph, files: KGFiles, exports: Path, tables: Path, english: dict[str, str],
                  every_export: bool) -> list[Callable[[], TableFile | None]]:
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

    statements, *other_tables = table_tasks(kg, tables, lambda: english, files.queries)
    if not every_export:
        return [export(("nquads",)), *other_tables]
    return [statements, *(export(names) for names in EXPORT_ORDER), *other_tables]


def _report(kg: KnowledgeGraph, files: KGFiles, out: Path, progress: Callable[[str], None], force: bool, png: bool,
            steps: int, fork: bool | None, every_export: bool) -> ReportResult:
    with building_folder(out, "report", force) as building:
        exports, tables_folder = building / "export", building / "tables"
        exports.mkdir()
        tables_folder.mkdir()
        queries = catalogue(files.queries)
        # Asked once, before the fork: the overlaps, pages and tables in either process name
        # things by them (each process asked the labels for itself before).
        english, names = names_and_english(kg, queries)
        data_date, today = newest_source_date(kg), datetime.date.today().isoformat()

        def front_sections() -> dict[str, str]:
            made = front_page_sections(kg, queries, english, today)
            # Its table is the front page's, asked there already (and remembered in this process).
            completeness = run_select(kg, queries["completeness"])
            (building / "completeness.csv").write_text(rows_text(completeness.variables, completeness, "csv", english),
                                                       encoding="utf-8")
            return made

        def map_page() -> None:
            write_map(kg, building, queries, english, nav=NAV, names=names, data_date=data_date)

        tasks = [_validation_task(kg, files), front_sections, map_page,
                 *_shared_tasks(kg, files, exports, tables_folder, english, every_export)]
        # The validation, the front page's sections that need no overlap, the map, the exports
        # and the tables only read the store: a child process forked where a core is spare (see
        # sezkg.kg.beside) starts on them at once, and this one, once it has found the overlaps,
        # drawn the network and the matrix and written their texts, takes the ones left; above
        # REPORT_THREAD_QUADS a thread beside takes them instead.
        thread = fork is None and kg.quad_count() > REPORT_THREAD_QUADS
        with Beside(fork=False if thread else fork, shared=tasks, thread=thread) as sharing:
            pages = _pages(kg, queries, building, progress, png, steps, english, names, data_date, every_export)
            validated, made, _, *results = sharing.join()
        assert isinstance(validated, _Validated) and isinstance(made, dict)
        report, overlaps = validated.report, pages.overlaps
        how = "in a child" if sharing.forked else "on a thread"
        where = f"beside, {how}" if validated.beside else "here"
        progress(f"[4/{steps}] validate: {'conforms' if report.conforms else f'{len(report.violations)} violations'} "
                 f"({report.shapes_checked} node shapes, {report.queries_checked} violation queries; "
                 f"{validated.seconds:.2f} s, {where})")
        (building / "validation.txt").write_text(validation_text(report), encoding="utf-8")
        (building / "validation.json").write_text(validation_json(report), encoding="utf-8")
        written = [r for r in results if isinstance(r, TableFile)]
        tables, table_names = finish_tables(written, kg, tables_folder, queries_folder=files.queries,
                                            overlaps=overlaps, workbook_rows=REPORT_WORKBOOK_ROWS)
        if "sezkg.xlsx" not in table_names:
            rows = sum(t.row_count for t in tables)
            progress(f"      tables: sezkg.xlsx left out ({rows:,} rows, over {REPORT_WORKBOOK_ROWS:,}); "
                     "`sezkg tables DIR` writes it")
        export_names = sorted([f"export/sezkg.{s.extension}" for s in FORMATS.values()]
                              + ["export/sezkg.entities.ndjson"])
        left_out = None
        if not every_export:
            left_out = LeftOut(kg.quad_count(), REPORT_EVERY_EXPORT_QUADS, LEFT_OUT_COMMANDS)
            export_names = [n for n in export_names if n not in LEFT_OUT_COMMANDS]
            progress(f"      exports: N-Quads only ({kg.quad_count():,} quads, over {REPORT_EVERY_EXPORT_QUADS:,}); "
                     f"left out {', '.join(LEFT_OUT_COMMANDS)} (`sezkg export`, `sezkg tables DIR` and "
                     "`sezkg viz` write them; `--every-export` keeps them)")
        extra = (["overlaps.txt", "overlaps.json", "completeness.csv"] + [f"tables/{n}" for n in table_names]
                 + pages.pictures)
        summary_line = (f"{kg.quad_count():,} statements in {len(kg.graph_names()):,} named graphs, each from one "
                        f"source; {len(overlaps.overlaps):,} overlapping responsibilities found.")
        body = front_page_body(kg, queries, overlaps, report, summary_line, today, made)
        index = front_page_finished(body, export_names, extra, names=names, data_date=data_date, left_out=left_out)
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
            "left_out": sorted(left_out.commands) if left_out is not None else [],
        }
        (building / "summary.json").write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n",
                                               encoding="utf-8")
        where = (f"of those {len(tasks)} tasks {sharing.ran_beside} run beside ({how}), "
                 f"{len(tasks) - sharing.ran_beside} here, then {sharing.waited:.2f} s waited for the last"
                 if sharing.beside != "here" else "all run here")
    files_written = "N-Quads" if not every_export else f"{len(FORMATS)} RDF formats and the entities"
    progress(f"[5/{steps}] exports, tables and front page: {files_written}, "
             f"{len(tables)} tables, index.html ({time.perf_counter() - pages.started:.2f} s; {where})")
    progress(f"open {out / 'index.html'}")
    return ReportResult(out, kg.quad_count(), len(kg.graph_names()), len(kg.files), report)


@dataclass
class _Pages:
    overlaps: OverlapReport
    pictures: list[str]  # the files write_viz wrote beside its pages
    started: float  # when step 5 started


def _pages(kg: KnowledgeGraph, queries: dict[str, Query], building: Path, progress: Callable[[str], None], png: bool,
           steps: int, english: dict[str, str], names: Names, data_date: str, graph_files: bool) -> _Pages:
    """Steps 2-3 and what only this process can write: overlaps, the network and matrix pages,
    the texts of the overlaps. (completeness.csv is written with the front page's sections.)"""
    started = time.perf_counter()
    overlaps = find_overlaps(kg, queries=queries, known_labels=english)
    progress(f"[2/{steps}] overlaps: {len(overlaps.overlaps)} found by {len(queries)} catalogue queries "
             f"({time.perf_counter() - started:.2f} s)")

    started = time.perf_counter()
    viz = write_viz(kg, building, overlaps, nav=NAV, png=png, names=names, data_date=data_date, with_map=False,
                    with_graph_files=graph_files)
    progress(f"[3/{steps}] visualise: network and matrix pages, {len(viz.images)} images, "
             f"{len(viz.graphs)} graph files ({time.perf_counter() - started:.2f} s)")

    started = time.perf_counter()
    (building / "overlaps.txt").write_text(overlaps_text(overlaps), encoding="utf-8")
    (building / "overlaps.json").write_text(overlaps_text(overlaps, "json"), encoding="utf-8")
    pictures = sorted(p.name for p in viz.images) + sorted(p.name for p in viz.graphs)
    return _Pages(overlaps, pictures, started)
