"""Flat tables for spreadsheets and open-data portals: one CSV per kind of thing, the same
tables as sheets of one .xlsx, and a Frictionless Data Package descriptor.

Each table but `overlaps` is a SPARQL query in `queries/tables/`; `overlaps` is the overlap
report. A cell holds one value, or several joined by " | " where the sources give several
(two areas for one zone, each from its own source): a table never picks one silently, and the
`statements` table says which source gives which value, one statement per row. Every
identifier column is followed by a `<column>_label` column in the chosen language, and every
row names its sources. Field types in `datapackage.json` are read off the values: a column
is typed integer, number, date or boolean only when every value in it is one.

The spreadsheet is written with XlsxWriter; the descriptor follows the Data Package v1 spec
(https://specs.frictionlessdata.io/data-package/) and is checked with `frictionless validate`
in the tests.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from .. import __version__
from ..errors import OutputError
from ..kg.files import atomic_writer, building_folder, write_atomic
from ..kg.resources import default_files
from ..kg.rows import Rows
from ..questions.catalogue import Query, catalogue, run_select
from ..questions.endpoint import Runner
from ..questions.kinds import TIER_LABELS
from ..questions.overlaps import OverlapReport, find_overlaps, labels

JOIN = " | "
TABLE_ORDER = ("zones", "organisations", "mandates", "findings", "figures", "overlaps", "sources", "legal-acts",
               "statements")
_IRI = re.compile(r"[a-z][a-z0-9+.-]*://\S+")
_TYPES = (("integer", re.compile(r"-?\d+")), ("number", re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")),
          ("date", re.compile(r"\d{4}-\d{2}-\d{2}")), ("boolean", re.compile(r"true|false")))


@dataclass
class Table:
    name: str
    title: str
    description: str
    columns: list[str]
    rows: list[list[str]]
    label_columns: set[str] = field(default_factory=set)

    def field_type(self, column: str) -> str:
        i = self.columns.index(column)
        values = [r[i] for r in self.rows if r[i] != ""]
        if column not in self.label_columns and values and all(_IRI.fullmatch(v) for v in values):
            return "string"  # an identifier (format "uri" below)
        for name, pattern in _TYPES:
            if values and all(pattern.fullmatch(v) for v in values):
                return name
        return "string"

    def csv_text(self) -> str:
        buffer = io.StringIO()
        self.write_csv(buffer)
        return buffer.getvalue()

    def write_csv(self, handle: IO[str]) -> None:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(self.columns)
        writer.writerows(self.rows)


def _cell(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return term.value
    return str(term)


def _is_identifiers(value: str) -> bool:
    return bool(value) and all(_IRI.fullmatch(part) for part in value.split(JOIN))


def _labelled(name: str, query: Query, rows: Rows, names: dict[str, str]) -> Table:
    """The rows as text, with a `_label` column after each column that holds labelled IRIs."""
    variables = list(rows.variables)
    values = [[_cell(t) for t in terms] for terms in rows.tuples()]
    columns: list[str] = []
    plan: list[tuple[int, bool]] = []  # each output column: the variable it reads, labelled or not
    for i, v in enumerate(variables):
        columns.append(v)
        plan.append((i, False))
        # A dictionary look-up first: most cells are not IRIs with a label, and the pattern costs more.
        if any(any(p in names for p in row[i].split(JOIN)) and _is_identifiers(row[i]) for row in values):
            columns.append(f"{v}_label")
            plan.append((i, True))
    label_of: dict[str, str] = {}  # cell -> its labels; the same IRIs recur down a column

    def label(raw: str) -> str:
        text = label_of.get(raw)
        if text is None:
            text = JOIN.join(names.get(p, "") for p in raw.split(JOIN)) if _is_identifiers(raw) else ""
            label_of[raw] = text
        return text

    out = [[label(row[i]) if labelled else row[i] for i, labelled in plan] for row in values]
    return Table(name, query.title, query.question, columns, out,
                 {c for c, (_, labelled) in zip(columns, plan, strict=True) if labelled})


def _overlaps_table(runner: Runner, queries: dict[str, Query], lang: str, report: OverlapReport | None) -> Table:
    if report is None or report.lang != lang:
        report = find_overlaps(runner, queries=queries, lang=lang)
    label = report.label
    columns = ["rank", "kind", "tier", "summary", "organisations", "organisations_label", "function",
               "function_label", "zones", "zones_label", "everyZone", "corroboratedBy", "corroboratedBy_label",
               "evidence", "evidence_label", "sources", "sources_label"]
    rows = []
    for o in report.overlaps:
        rows.append([str(o.rank), o.kind, TIER_LABELS[o.tier], o.summary,
                     JOIN.join(o.organisations), JOIN.join(label(i) for i in o.organisations),
                     o.function or "", label(o.function) if o.function else "",
                     JOIN.join(o.zones), JOIN.join(label(z) for z in o.zones), "true" if o.national else "false",
                     JOIN.join(o.corroborated_by), JOIN.join(label(f) for f in o.corroborated_by),
                     JOIN.join(e.iri for e in o.evidence), JOIN.join(e.label for e in o.evidence),
                     JOIN.join(o.sources), JOIN.join(label(s) for s in o.sources)])
    return Table("overlaps", "Table: overlaps",
                 "Every overlap of responsibilities, ranked: the bodies, the function, the zones it reaches "
                 "(or every zone), the findings that corroborate it, its evidence and sources.",
                 columns, rows, {c for c in columns if c.endswith("_label")})


def build_tables(runner: Runner, lang: str = "en", queries_folder: Path | None = None,
                 overlaps: OverlapReport | None = None) -> list[Table]:
    """The tables, in TABLE_ORDER, with labels in `lang` (English where a thing has none).
    `queries_folder` holds the catalogue, with the table queries in its `tables/` folder;
    `overlaps`, every overlap found already (by the report), is not looked for again."""
    folder = queries_folder or default_files().queries
    queries = catalogue(folder)
    table_queries = catalogue(folder / "tables")
    # The overlap report's labels are these when in the same language (the report's, asked once).
    names = overlaps.labels if overlaps is not None and overlaps.lang == lang else labels(runner, queries, lang)
    tables = {name: _labelled(name, q, run_select(runner, q), names) for name, q in table_queries.items()}
    tables["overlaps"] = _overlaps_table(runner, queries, lang, overlaps if overlaps and not overlaps.zone else None)
    return [tables[n] for n in TABLE_ORDER if n in tables] + [t for n, t in sorted(tables.items())
                                                              if n not in TABLE_ORDER]


def descriptor(tables: list[Table], lang: str) -> dict[str, Any]:
    """A Frictionless Data Package (v1) describing the CSV files."""
    resources = []
    for t in tables:
        fields = []
        for c in t.columns:
            kind = t.field_type(c)
            entry: dict[str, str] = {"name": c, "type": kind}
            if kind == "string" and c not in t.label_columns and any(_is_identifiers(r[t.columns.index(c)])
                                                                     for r in t.rows):
                entry["description"] = "identifier (IRI); several joined by ' | '"
            elif c in t.label_columns:
                entry["description"] = f"name of {c[:-6]} in '{lang}' (English where it has none)"
            fields.append(entry)
        resources.append({
            "name": t.name, "path": f"{t.name}.csv", "profile": "tabular-data-resource", "title": t.title,
            "description": t.description, "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "schema": {"fields": fields},
        })
    return {
        "profile": "tabular-data-package",
        "name": "sezkg",
        "title": "sezkg: governance of Kazakhstan's special economic zones, as tables",
        "description": ("Flat tables of the sezkg knowledge graph. Several values in one cell, where sources "
                        "give several, are joined by ' | '; every row names its sources."),
        "version": __version__,
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
                      "title": "Creative Commons Attribution 4.0"}],
        "resources": resources,
    }


# A worksheet holds 1,048,576 rows (Excel's limit, which XlsxWriter enforces by skipping the
# write); a longer table goes on in sheets named "<table> 2", "<table> 3", ..., each with the header.
SHEET_ROWS = 1_048_576


def write_xlsx(tables: list[Table], path: Path, sheet_rows: int = SHEET_ROWS) -> None:
    """The tables as sheets of one workbook, numbers as numbers, header row frozen. Rows go to
    disk as they are written (XlsxWriter's constant_memory), so memory does not grow with them.
    A cell holds at most 32,767 characters (Excel's limit; the CSV holds the whole value)."""
    import tempfile

    import xlsxwriter  # type: ignore[import-untyped]

    with atomic_writer(path) as handle, tempfile.TemporaryDirectory(prefix=".sezkg-xlsx-", dir=path.parent) as tmp:
        book = xlsxwriter.Workbook(handle, {"constant_memory": True, "tmpdir": tmp, "strings_to_urls": False,
                                            "strings_to_numbers": False, "strings_to_formulas": False})
        # A fixed creation date, so the same tables give the same bytes (XlsxWriter stamps "now").
        book.set_properties({"created": datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc),
                             "title": "sezkg tables"})
        bold = book.add_format({"bold": True})
        per_sheet = sheet_rows - 1  # the header takes a row
        for t in tables:
            numeric = [t.field_type(c) in ("integer", "number") for c in t.columns]
            widths = [min(max([len(column)] + [len(row[c]) for row in t.rows[:200]] + [8]), 60)
                      for c, column in enumerate(t.columns)]
            for part, start in enumerate(range(0, max(len(t.rows), 1), per_sheet), start=1):
                chunk = t.rows[start:start + per_sheet]
                sheet = book.add_worksheet(t.name[:31] if part == 1 else f"{t.name[:26]} {part}")
                for c, width in enumerate(widths):
                    sheet.set_column(c, c, width)
                sheet.freeze_panes(1, 0)
                sheet.autofilter(0, 0, max(len(chunk), 1), len(t.columns) - 1)
                sheet.write_row(0, 0, t.columns, bold)
                for r, row in enumerate(chunk, start=1):
                    for c, value in enumerate(row):
                        if numeric[c] and value:
                            number = float(value) if "." in value or "e" in value.lower() else int(value)
                            status = sheet.write_number(r, c, number)
                        else:
                            status = sheet.write_string(r, c, value)
                        if status == -1:  # out of the sheet's range: never dropped silently
                            raise OutputError(path, f"table {t.name}, row {start + r}, column {t.columns[c]}: "
                                                    f"XlsxWriter refused the value (code {status})")
        book.close()


def write_tables(tables: list[Table], folder: Path, lang: str = "en", force: bool = False) -> list[Path]:
    """Write every table as CSV, the workbook `sezkg.xlsx` and `datapackage.json` into `folder`
    (built beside it and swapped in whole, so a failure leaves the old folder as it was)."""
    with building_folder(folder, "tables", force) as build:
        write_tables_into(tables, build, lang)
    return sorted(p for p in Path(folder).iterdir() if not p.name.startswith("."))


def write_tables_into(tables: list[Table], folder: Path, lang: str = "en", workbook: bool = True) -> list[str]:
    """Write the files into an existing folder (one being built); their names. `workbook=False`
    leaves out sezkg.xlsx (XlsxWriter writes ~100,000 cells a second)."""
    for t in tables:
        with atomic_writer(folder / f"{t.name}.csv") as handle:  # streamed: the statements table is the whole KG
            text = io.TextIOWrapper(handle, encoding="utf-8", newline="", write_through=False)
            t.write_csv(text)
            text.flush()
            text.detach()
    if workbook:
        write_xlsx(tables, folder / "sezkg.xlsx")
    write_atomic(folder / "datapackage.json",
                 (json.dumps(descriptor(tables, lang), indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    return [f"{t.name}.csv" for t in tables] + (["sezkg.xlsx"] if workbook else []) + ["datapackage.json"]
