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
import dataclasses
import datetime
import io
import itertools
import json
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, BinaryIO, TypeVar

import pyoxigraph as ox

from .. import __version__
from ..errors import OutputError
from ..kg.files import atomic_writer, building_folder, write_atomic
from ..kg.resources import default_files
from ..kg.rows import Rows
from ..questions.catalogue import Query, catalogue, run_select, stream_select
from ..questions.endpoint import Runner
from ..questions.kinds import TIER_LABELS
from ..questions.overlaps import OverlapReport, find_overlaps, labels

JOIN = " | "
T = TypeVar("T")
TABLE_ORDER = ("zones", "organisations", "mandates", "findings", "figures", "overlaps", "sources", "legal-acts",
               "statements")
_IRI = re.compile(r"[a-z][a-z0-9+.-]*://\S+")
_TYPES = (("integer", re.compile(r"-?\d+")), ("number", re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")),
          ("date", re.compile(r"\d{4}-\d{2}-\d{2}")), ("boolean", re.compile(r"true|false")))
# The same tests on a column's values joined by line breaks, none of which holds one: a line of
# identifiers (IRIs joined by JOIN; neither holds a space or line break, so the lines split as
# the values do), and every line of a type (no type's text holds a line break). One search in
# C for a chunk of values rather than one a value: the ~5M report's tables spent ~8 s there.
_IDENTIFIERS_LINE = re.compile(rf"^{_IRI.pattern}(?:{re.escape(JOIN)}{_IRI.pattern})*$", re.MULTILINE)
_TYPES_LINES = tuple(re.compile(rf"(?:{pattern.pattern})(?:\n(?:{pattern.pattern}))*") for _, pattern in _TYPES)


@dataclass
class Table:
    name: str
    title: str
    description: str
    columns: list[str]
    rows: list[list[str]]
    label_columns: set[str] = field(default_factory=set)
    # Every column's types, read in one pass and kept while `rows` is the same list of the same
    # length (see _read).
    _types: tuple[int, int, list[str], list[bool]] | None = field(default=None, init=False, repr=False,
                                                                   compare=False)

    def field_type(self, column: str) -> str:
        """integer, number, date or boolean where every value is one; string otherwise, and for
        a column of identifiers (format "uri" in the descriptor). Read as a streamed table's are."""
        return self._read()[0][self.columns.index(column)]

    @property
    def row_count(self) -> int:
        return len(self.rows)

    def has_identifiers(self, column: str) -> bool:
        """Whether some cell of the column holds identifiers (IRIs)."""
        return self._read()[1][self.columns.index(column)]

    def _read(self) -> tuple[list[str], list[bool]]:
        """The field type and whether it holds identifiers, of every column, read off the rows in
        one pass: the descriptor and the workbook ask each column's (the overlaps table at ~5M
        triples, 70,870 rows, read once per question took 5 s). No column counts as a label
        column here: that only lets a streamed table stop reading a column early, and the types
        come out the same."""
        key = (id(self.rows), len(self.rows))
        if self._types is None or self._types[:2] != key:
            read = _ColumnTypes(self.columns, set())
            for start in range(0, len(self.rows), CHUNK_ROWS):
                read.add(self.rows[start:start + CHUNK_ROWS])
            self._types = (*key, read.types(), list(read.identifiers))
        return self._types[2], self._types[3]

    def csv_text(self) -> str:
        buffer = io.StringIO()
        self.write_csv(buffer)
        return buffer.getvalue()

    def write_csv(self, handle: IO[str]) -> None:
        width = len(self.columns)
        handle.write(csv_text([self.columns], width))
        handle.write(csv_text(self.rows, width))


def _cell(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return term.value
    return str(term)


def _is_identifiers(value: str) -> bool:
    return bool(value) and all(_IRI.fullmatch(part) for part in value.split(JOIN))


def _labels_column(values: list[list[str]], i: int, names: dict[str, str]) -> bool:
    """Whether column `i` of these rows holds an IRI with a label, so needs a `_label` column."""
    # A dictionary look-up first: most cells are not IRIs with a label, and the pattern costs more.
    return any(any(p in names for p in row[i].split(JOIN)) and _is_identifiers(row[i]) for row in values)


def _plan(variables: list[str], labelled: list[bool]) -> tuple[list[str], list[tuple[int, bool]]]:
    """The output columns, and for each the variable it reads and whether it is that one's label."""
    columns: list[str] = []
    plan: list[tuple[int, bool]] = []
    for i, v in enumerate(variables):
        columns.append(v)
        plan.append((i, False))
        if labelled[i]:
            columns.append(f"{v}_label")
            plan.append((i, True))
    return columns, plan


# Labels of cells holding several values, remembered per table (the same IRIs recur down a
# column) up to this many cells, then forgotten. A cell of one labelled IRI is tested once per
# IRI: at most one entry a label.
LABEL_MEMO = 500_000


def _labeller(names: dict[str, str]) -> Callable[[str], str]:
    """The labels of a cell's IRIs, joined as the cell joins them; "" for a cell of other values."""
    label_of: dict[str, str] = {}
    shaped: dict[str, bool] = {}  # whether a labelled IRI's text is an identifier, asked once each

    def label(raw: str) -> str:
        if JOIN not in raw:  # one value, as most cells hold: a label only if it is an IRI with one
            named = names.get(raw)
            if named is None:
                return ""  # no label, IRI or not (at ~5M triples most cells: no pattern matched)
            iri = shaped.get(raw)
            if iri is None:
                iri = shaped[raw] = _is_identifiers(raw)
            return named if iri else ""
        text = label_of.get(raw)
        if text is None:
            text = JOIN.join(names.get(p, "") for p in raw.split(JOIN)) if _is_identifiers(raw) else ""
            if len(label_of) >= LABEL_MEMO:
                label_of.clear()
            label_of[raw] = text
        return text

    return label


def _labelled(name: str, query: Query, rows: Rows, names: dict[str, str]) -> Table:
    """The rows as text, with a `_label` column after each column that holds labelled IRIs."""
    variables = list(rows.variables)
    values = [[_cell(t) for t in terms] for terms in rows.tuples()]
    columns, plan = _plan(variables, [_labels_column(values, i, names) for i in range(len(variables))])
    label = _labeller(names)
    out = [[label(row[i]) if labelled else row[i] for i, labelled in plan] for row in values]
    return Table(name, query.title, query.question, columns, out,
                 {c for c, (_, labelled) in zip(columns, plan, strict=True) if labelled})


# ---------------------------------------------------------------- tables streamed to CSV

@dataclass
class TableFile:
    """A table written to CSV as its query answered (see write_table_csv): its columns, the
    types read off every value, and its rows only when there were few (`rows` is None otherwise)."""

    name: str
    title: str
    description: str
    columns: list[str]
    label_columns: set[str]
    row_count: int
    types: list[str]
    identifiers: list[bool]
    rows: list[list[str]] | None = None

    def field_type(self, column: str) -> str:
        return self.types[self.columns.index(column)]

    def has_identifiers(self, column: str) -> bool:
        return self.identifiers[self.columns.index(column)]

    def table(self) -> Table:
        """The in-memory table, for a TableFile that kept its rows."""
        if self.rows is None:
            raise ValueError(f"table {self.name}: its {self.row_count:,} rows were written, not kept")
        return Table(self.name, self.title, self.description, self.columns, self.rows, set(self.label_columns))


class _ColumnTypes:
    """The columns' field types and whether they hold identifiers, read off the rows a chunk at
    a time (for a streamed table as it is written; for a Table one column at a time)."""

    def __init__(self, columns: list[str], label_columns: set[str]):
        self.columns = columns
        self.is_label = [c in label_columns for c in columns]
        n = len(columns)
        self.seen = [False] * n  # a non-empty value met
        self.alive = [[True] * len(_TYPES) for _ in range(n)]  # every non-empty value of that type
        self.identifiers = [False] * n

    def add(self, rows: Sequence[Sequence[str]]) -> None:
        for c in range(len(self.columns)):
            if self.seen[c] and (self.identifiers[c] or self.is_label[c]) and not any(self.alive[c]):
                continue  # nothing more to learn from this column (most columns, after a chunk)
            values = [r[c] for r in rows if r[c] != ""]
            if not values:
                continue
            self.seen[c] = True
            text = "\n".join(values)
            lines = text.count("\n") == len(values) - 1  # no value holds a line break: a line a value
            if not self.identifiers[c]:
                self.identifiers[c] = (_IDENTIFIERS_LINE.search(text) is not None if lines
                                       else any(_is_identifiers(v) for v in values))
            alive = self.alive[c]
            for k, (_, pattern) in enumerate(_TYPES):
                if alive[k]:
                    alive[k] = (_TYPES_LINES[k].fullmatch(text) is not None if lines
                                else all(pattern.fullmatch(v) for v in values))

    def types(self) -> list[str]:
        out = []
        for c in range(len(self.columns)):
            kind = "string"
            if self.seen[c]:  # (an IRI is none of the types: a column of IRIs is "string")
                kind = next((name for k, (name, _) in enumerate(_TYPES) if self.alive[c][k]), "string")
            out.append(kind)
        return out


_QUOTED = re.compile('["\r\n]')  # with a comma inside a cell, what makes csv quote a cell


def csv_text(rows: Sequence[Sequence[str]], width: int) -> str:
    """The text `csv.writer(lineterminator="\\r\\n").writerows(rows)` writes, for rows of `width`
    cells of text. Nearly every chunk of a table needs no quoting at all, which a few counts over
    the chunk joined in C tell (~8 µs a row of nine cells for the csv module, ~1 µs joined here);
    otherwise each row is checked, and a row that may need quoting is written by the csv module."""
    if not rows:
        return ""
    lines = list(map(",".join, rows))
    text = "\r\n".join(lines)
    # Each row adds width-1 commas and each break one CR and one LF: any more, or a quote, means
    # a cell the csv module would quote; so does a row of one empty cell (it writes "").
    if (text.count(",") == len(lines) * (width - 1) and text.count("\r") == len(lines) - 1
            and text.count("\n") == len(lines) - 1 and '"' not in text and (width != 1 or "" not in lines)):
        return text + "\r\n"
    slow: Any = None
    buffer = io.StringIO()
    for n, (row, line) in enumerate(zip(rows, lines, strict=True)):
        if line.count(",") != width - 1 or _QUOTED.search(line) is not None or not line:
            if slow is None:
                slow = csv.writer(buffer, lineterminator="\r\n")
            buffer.seek(0)
            buffer.truncate()
            slow.writerow(row)
            lines[n] = buffer.getvalue()[:-2]
    return "\r\n".join(lines) + "\r\n"


# Rows read before the labelled columns are decided; the rest of the answer is written as it comes.
HEAD_ROWS = 10_000
CHUNK_ROWS = 10_000
# Rows whose cells are remembered, so that the file can be written again from memory if a later
# row adds a `_label` column (the statements table meets its first labelled property past ~70,000
# rows at ~1M triples); past this, the rows written are read back from the file instead.
REWRITE_ROWS = 250_000


def write_table_csv(path: Path, name: str, query: Query, runner: Runner, names: dict[str, str],
                    keep_rows: int = 0) -> TableFile:
    """Write one table as CSV while its query answers, holding a chunk of rows at a time, not the
    table: the same bytes, columns and types as `_labelled` and `Table.write_csv` give. Which
    columns get a `_label` column is decided on the first HEAD_ROWS rows; should a later row
    show another, the file is written again with it, from the rows remembered (up to
    REWRITE_ROWS) or else read back from the file; the query runs once. The rows are kept in
    the result when there are at most `keep_rows` of them."""
    with atomic_writer(path) as handle:
        return _TableWriter(handle, name, query, runner, names, keep_rows).write()


class _TableWriter:
    def __init__(self, handle: BinaryIO, name: str, query: Query, runner: Runner, names: dict[str, str],
                 keep_rows: int):
        self.handle, self.name, self.query, self.runner, self.names = handle, name, query, runner, names
        self.keep_rows = keep_rows
        self.label = _labeller(names)

    def write(self) -> TableFile:
        variables, tuples = stream_select(self.runner, self.query, by_subject=True)  # statements: ~5M rows
        it = iter(tuples)

        def chunk(size: int) -> list[list[str]]:
            return [[_cell(t) for t in terms] for terms in itertools.islice(it, size)]

        head = chunk(max(HEAD_ROWS, 1))
        labelled = [_labels_column(head, i, self.names) for i in range(len(variables))]
        self._start(variables, labelled)
        written: list[list[str]] | None = []  # the cells of the rows written so far, while few
        values = head
        while values:
            if values is not head:
                later = [i for i, flag in enumerate(labelled) if not flag and _labels_column(values, i, self.names)]
                if later:
                    for i in later:
                        labelled[i] = True
                    self.text.flush()
                    self.text.detach()
                    if written is None:
                        self._rewrite(variables, labelled)  # from the file written so far
                    else:
                        self._start(variables, labelled)
                        self._emit(written)
            self._emit(values)
            if written is not None:
                if len(written) + len(values) <= REWRITE_ROWS:
                    written.extend(values)
                else:
                    written = None
            values = chunk(CHUNK_ROWS)
        self.text.flush()
        self.text.detach()
        return TableFile(self.name, self.query.title, self.query.question, self.columns, self.label_columns,
                         self.count, self.types.types(), self.types.identifiers, self.kept)

    def _start(self, variables: list[str], labelled: list[bool]) -> None:
        """(Re)start the file: empty, with the header of these columns."""
        self.columns, self.plan = _plan(variables, labelled)
        self.label_columns = {c for c, (_, is_label) in zip(self.columns, self.plan, strict=True) if is_label}
        self.types = _ColumnTypes(self.columns, self.label_columns)
        self.count = 0
        self.kept: list[list[str]] | None = []
        self.handle.seek(0)
        self.handle.truncate()
        self.text = io.TextIOWrapper(self.handle, encoding="utf-8", newline="", write_through=False)
        self.text.write(csv_text([self.columns], len(self.columns)))

    def _rewrite(self, variables: list[str], labelled: list[bool]) -> None:
        """Start again with these columns, the rows written so far read back from the file (the
        csv module reads back what it wrote, string for string): too many to have been kept."""
        at = [self.plan.index((i, False)) for i in range(len(variables))]  # each variable's cell
        with tempfile.TemporaryFile(dir=Path(self.handle.name).parent) as scratch:
            self.handle.flush()
            with open(self.handle.name, "rb") as written:
                shutil.copyfileobj(written, scratch, 1 << 20)
            scratch.seek(0)
            self._start(variables, labelled)
            text = io.TextIOWrapper(scratch, encoding="utf-8", newline="")
            reader = csv.reader(text)
            next(reader)  # the old header
            while rows := [[row[i] for i in at] for row in itertools.islice(reader, CHUNK_ROWS)]:
                self._emit(rows)
            text.detach()

    def _labels(self, cells: tuple[str, ...]) -> tuple[str, ...]:
        """The labels of a column's cells: each distinct cell labelled once where cells recur
        (a measure, a unit, a source: a few in a chunk), else cell by cell (a figure's own IRI)."""
        distinct = set(cells)
        if 2 * len(distinct) > len(cells):
            return tuple(map(self.label, cells))
        found = dict(zip(distinct, map(self.label, distinct), strict=True))
        return tuple(map(found.__getitem__, cells))

    def _emit(self, values: list[list[str]]) -> None:
        if not values:
            return
        # Column by column, then back to rows: one map of the labeller over each labelled
        # column instead of a test for every cell of every row.
        cells = list(zip(*values, strict=True))
        columns = [self._labels(cells[i]) if is_label else cells[i] for i, is_label in self.plan]
        out = list(zip(*columns, strict=True))
        self.text.write(csv_text(out, len(self.plan)))
        self.types.add(out)
        self.count += len(out)
        if self.kept is not None and self.count <= self.keep_rows:
            self.kept.extend(list(row) for row in out)
        else:
            self.kept = None


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
    queries, table_queries, names = _table_queries(runner, lang, queries_folder, overlaps)
    tables = {name: _labelled(name, q, run_select(runner, q), names) for name, q in table_queries.items()}
    tables["overlaps"] = _overlaps_table(runner, queries, lang, overlaps if overlaps and not overlaps.zone else None)
    return _in_order(tables)


def _table_queries(runner: Runner, lang: str, queries_folder: Path | None,
                   overlaps: OverlapReport | None) -> tuple[dict[str, Query], dict[str, Query], dict[str, str]]:
    folder = queries_folder or default_files().queries
    queries = catalogue(folder)
    # The overlap report's labels are these when in the same language (the report's, asked once).
    names = overlaps.labels_in(lang) if overlaps is not None else None
    if names is None:
        names = labels(runner, queries, lang)
    return queries, catalogue(folder / "tables"), names


def _in_order(tables: dict[str, T]) -> list[T]:
    return [tables[n] for n in TABLE_ORDER if n in tables] + [t for n, t in sorted(tables.items())
                                                              if n not in TABLE_ORDER]


def stream_tables_into(runner: Runner, folder: Path, lang: str = "en", queries_folder: Path | None = None,
                       overlaps: OverlapReport | None = None,
                       workbook_rows: int | None = None) -> tuple[list[Table | TableFile], list[str]]:
    """What `write_tables_into(build_tables(...))` writes, the same bytes, but each table's CSV
    written as its query answers, so memory holds a chunk of rows rather than every table (the
    statements table is the whole KG). The workbook is written when the tables have at most
    `workbook_rows` rows in all (None: always; their rows are then held for it). The tables,
    in order, and the names of the files written."""
    queries, table_queries, names = _table_queries(runner, lang, queries_folder, overlaps)
    budget = workbook_rows if workbook_rows is not None else sys.maxsize
    written = []
    for name, q in table_queries.items():
        written.append(write_table_csv(folder / f"{name}.csv", name, q, runner, names, keep_rows=budget))
        budget = max(budget - written[-1].row_count, -1)
    return finish_tables(written, runner, folder, lang, queries_folder, overlaps, workbook_rows)


def table_tasks(runner: Runner, folder: Path, names: Callable[[], dict[str, str]],
                queries_folder: Path | None = None) -> list[Callable[[], TableFile]]:
    """One task per table query, each writing its table's CSV into `folder` as `write_table_csv`
    does and keeping none of its rows, to be run in any order, in any process that shares the
    store (the report shares them out, see sezkg.kg.beside); `names()` gives the labels (asked
    when a task runs). Then `finish_tables`. The statements table, the whole KG, comes first."""
    table_queries = catalogue((queries_folder or default_files().queries) / "tables")

    def task(name: str, query: Query) -> Callable[[], TableFile]:
        return lambda: write_table_csv(folder / f"{name}.csv", name, query, runner, names())

    ordered = sorted(table_queries.items(), key=lambda item: item[0] != "statements")
    return [task(name, query) for name, query in ordered]


def finish_tables(written: Sequence[TableFile], runner: Runner, folder: Path, lang: str = "en",
                  queries_folder: Path | None = None, overlaps: OverlapReport | None = None,
                  workbook_rows: int | None = None) -> tuple[list[Table | TableFile], list[str]]:
    """The tables the queries wrote (`written`), finished: the overlaps table beside them, the
    workbook when they have at most `workbook_rows` rows in all (None: always; rows a table did
    not keep are read back from its CSV) and the data package's descriptor. The tables, in
    order, and the names of the files written."""
    queries = catalogue(queries_folder or default_files().queries)
    overlap_table = _overlaps_table(runner, queries, lang, overlaps if overlaps and not overlaps.zone else None)
    _write_csv(overlap_table, folder)
    tables: dict[str, Table | TableFile] = {t.name: t for t in written}
    tables["overlaps"] = overlap_table
    ordered = _in_order(tables)
    workbook = workbook_rows is None or sum(t.row_count for t in ordered) <= workbook_rows
    if workbook:
        ordered = [t if isinstance(t, Table) or t.rows is not None else _with_rows(t, folder) for t in ordered]
    return ordered, _write_package(ordered, folder, lang, workbook)


def _with_rows(table: TableFile, folder: Path) -> TableFile:
    """The table with its rows read back from its CSV (the csv module reads back what it wrote,
    string for string)."""
    with (folder / f"{table.name}.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)  # the header
        rows = list(reader)
    return dataclasses.replace(table, rows=rows)


def descriptor(tables: Sequence[Table | TableFile], lang: str) -> dict[str, Any]:
    """A Frictionless Data Package (v1) describing the CSV files."""
    resources = []
    for t in tables:
        fields = []
        for c in t.columns:
            kind = t.field_type(c)
            entry: dict[str, str] = {"name": c, "type": kind}
            if kind == "string" and c not in t.label_columns and t.has_identifiers(c):
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
        _write_csv(t, folder)
    return _write_package(tables, folder, lang, workbook)


def _write_csv(table: Table, folder: Path) -> None:
    with atomic_writer(folder / f"{table.name}.csv") as handle:
        text = io.TextIOWrapper(handle, encoding="utf-8", newline="", write_through=False)
        table.write_csv(text)
        text.flush()
        text.detach()


def _write_package(tables: Sequence[Table | TableFile], folder: Path, lang: str, workbook: bool) -> list[str]:
    """The workbook (if asked) and the package descriptor, beside the tables' CSVs; every file's name."""
    if workbook:
        write_xlsx([t if isinstance(t, Table) else t.table() for t in tables], folder / "sezkg.xlsx")
    write_atomic(folder / "datapackage.json",
                 (json.dumps(descriptor(tables, lang), indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    return [f"{t.name}.csv" for t in tables] + (["sezkg.xlsx"] if workbook else []) + ["datapackage.json"]
