"""The main job: load, validate and export the knowledge graph into one folder.

The folder is built beside its target and swapped in at the end, so a re-run replaces it
whole and a failed run leaves the previous report as it was.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .export import FORMATS, serialize
from .load import KnowledgeGraph, load
from .resources import KGFiles, default_files
from .validate import ValidationReport, validate
from .render import validation_json, validation_text


@dataclass(frozen=True)
class ReportResult:
    folder: Path
    quads: int
    graphs: int
    files: int
    validation: ValidationReport


def _replace_folder(built: Path, target: Path) -> None:
    """Swap a finished folder into place; the old one is removed only after the swap."""
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
        os.replace(target, old / target.name)
        os.replace(built, target)
        shutil.rmtree(old)
    else:
        os.replace(built, target)


def build_report(
    out: Path,
    files: KGFiles | None = None,
    data: list[Path] | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> ReportResult:
    files = files or default_files()
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    steps = 3

    started = time.perf_counter()
    kg: KnowledgeGraph = load(files, data)
    progress(f"[1/{steps}] load: {len(kg):,} quads in {len(kg.graph_names())} named graphs "
             f"from {len(kg.files)} files ({time.perf_counter() - started:.2f} s)")

    started = time.perf_counter()
    report = validate(kg, files)
    verdict = "conforms" if report.conforms else f"{len(report.violations)} violations"
    progress(f"[2/{steps}] validate: {verdict} ({report.shapes_checked} node shapes, "
             f"{report.queries_checked} violation queries; {time.perf_counter() - started:.2f} s)")

    started = time.perf_counter()
    building = Path(tempfile.mkdtemp(prefix=f".{out.name}.new.", dir=out.parent))
    try:
        exports = building / "export"
        exports.mkdir()
        for spec in FORMATS.values():
            (exports / f"sezkg.{spec.extension}").write_bytes(serialize(kg, spec.name))
        (building / "validation.txt").write_text(validation_text(report), encoding="utf-8")
        (building / "validation.json").write_text(validation_json(report), encoding="utf-8")
        summary = {
            "quads": len(kg),
            "graphs": kg.graph_names(),
            "files": [str(f.path.relative_to(files.ontology.parent)) if f.path.is_relative_to(files.ontology.parent)
                      else str(f.path) for f in kg.files],
            "conforms": report.conforms,
            "violations": len(report.violations),
            "exports": sorted(f"export/sezkg.{s.extension}" for s in FORMATS.values()),
        }
        (building / "summary.json").write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        _replace_folder(building, out)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    progress(f"[3/{steps}] export: {len(FORMATS)} formats ({time.perf_counter() - started:.2f} s)")
    return ReportResult(out, len(kg), len(kg.graph_names()), len(kg.files), report)
