"""One loader for the ontology and the data: files in, one dataset of named graphs out.

Loading is strict and all-or-nothing: every file is parsed and checked before the store is
built, so an error leaves nothing half-loaded. Rules beyond syntax:

- an ontology file (`ontology/*.ttl`, except the SHACL shapes) declares exactly one
  `owl:Ontology`, and its triples go into the named graph of that IRI;
- data comes in TriG (`.trig`), N-Quads (`.nq`) or JSON-LD (`.jsonld`, only in the form
  `sezkg export --format jsonld` writes, since JSON-LD readers silently drop what they do not
  understand); a `--data` folder must hold at least one such file, and a file named
  explicitly must have one of these extensions;
- a data file puts every triple in a named graph under `https://w3id.org/sezkg/source/` --
  the graph of the source document that states it -- or in an ontology graph, where it must
  be a triple of the bundled ontology (so that `sezkg export --format trig` reads back);
- data does not redefine the vocabulary: no data triple has an ontology term
  (`https://w3id.org/sezkg/ontology#...`) or a scheme concept as subject;
- no blank nodes anywhere, so that exports are deterministic;
- every literal of a checkable XSD type is well-typed ("2021-13-45"^^xsd:date is refused);
- no file over MAX_FILE_BYTES and no token (literal, IRI) over MAX_TOKEN_BYTES, checked
  before parsing.

Every refusal is an InputError naming the file and, where it can be found, line and column.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import json
import re
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..errors import InputError, UsageError
from .namespaces import ONTOLOGY_IRI, PREFIXES, SCHEME_IRI, SOURCE_BASE
from .order import total_order
from .resources import KGFiles, default_files
from .rows import Rows, Term
from .sparql_guard import check_read_only

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
OWL_ONTOLOGY = ox.NamedNode("http://www.w3.org/2002/07/owl#Ontology")
XSD = "http://www.w3.org/2001/XMLSchema#"

SHAPES_FILE_NAME = "shapes.ttl"
DATA_FORMATS: dict[str, ox.RdfFormat] = {".trig": ox.RdfFormat.TRIG, ".nq": ox.RdfFormat.N_QUADS,
                                         ".jsonld": ox.RdfFormat.JSON_LD}
# Formats whose bytes Oxigraph's loader reads as the parser of the checks does, quad for quad
# (JSON-LD files are small and checked against their own layout: their checked quads go in).
RAW_INSERT_FORMATS = (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS)
# The bundled data is about 0.3 MB in all and its longest literal about 1 KB; the limits sit
# far above, and far below what breaks the parser (it stops at a 16 MiB token with a MemoryError).
MAX_FILE_BYTES = 256 * 1024 * 1024
MAX_TOKEN_BYTES = 1024 * 1024

_PARSER_POSITION = re.compile(r"^Parser error at line \d+ (?:between columns \d+ and \d+|column \d+): ")


@dataclass(frozen=True)
class LoadedFile:
    """One parsed file: where it came from and which named graphs it wrote."""

    path: Path
    kind: str  # "ontology" or "data"
    graphs: tuple[str, ...]
    quads: int


# The guard reads a query with a Python tokenizer (up to ~20 ms for the longest catalogue
# queries, more than many of them take to run at 100k triples); its verdict depends on the
# text alone, so a text seen before is not read again. Refusals raise and are not cached.
_check_read_only = functools.lru_cache(maxsize=256)(check_read_only)


# Quads over which KnowledgeGraph.select_tuples_by_subject runs a query in subject ranges: a
# range of ~1M statements took ~350 MiB in Oxigraph's sort.
RANGE_QUADS = 1_000_000
# The quads of a range given as a VALUES list of its subjects, which Oxigraph answers from its
# indexes: small ranges sort faster (the statements table at ~1M triples: ranges of ~1M quads
# 7.9 s, of 5,000 5.7 s, of 2,000 5.5 s, of 500 5.2 s) and hold less.
LIST_RANGE_QUADS = 2_000

# Answers kept by KnowledgeGraph.remembering(): ~0.5 KB a row, so at most ~25 MB each.
REMEMBERED_ROWS = 50_000


@dataclass
class KnowledgeGraph:
    """The dataset: a pyoxigraph store of named graphs plus what was loaded into it."""

    store: ox.Store
    files: tuple[LoadedFile, ...] = ()
    _graph_files: dict[str, tuple[Path, ...]] = field(default_factory=dict, repr=False)
    _answers: dict[str, Rows] | None = field(default=None, repr=False)
    _count: int | None = field(default=None, repr=False)

    @contextlib.contextmanager
    def remembering(self) -> Iterator[KnowledgeGraph]:
        """Inside the block, a SELECT asked again is answered from the first time (the report asks
        the labels and overlap queries from several pages), if it has at most REMEMBERED_ROWS rows:
        a larger answer (who-says-so is one row per statement) is run again rather than held.
        Only for a store that does not change inside the block."""
        outer = self._answers
        if outer is None:
            self._answers = {}
        try:
            yield self
        finally:
            self._answers = outer
            if outer is None:
                self._count = None

    def __len__(self) -> int:
        return len(self.store)

    def quad_count(self) -> int:
        """`len(self)`, counted once while `remembering()` (Oxigraph counts the quads one by one:
        ~1 s at ~5M, and the report and its statements table ask several times)."""
        if self._answers is None:
            return len(self.store)
        if self._count is None:
            self._count = len(self.store)
        return self._count

    def graph_names(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs())

    def files_of_graph(self, graph: str) -> tuple[Path, ...]:
        """The files that wrote into a named graph (a source graph may span several files)."""
        return self._graph_files.get(graph, ())

    def sorted_quads(self, graph: str | None = None) -> list[ox.Quad]:
        """Every quad (or those of one graph) in a stable order, for deterministic output."""
        pattern_graph = ox.NamedNode(graph) if graph is not None else None
        quads = list(self.store.quads_for_pattern(None, None, None, pattern_graph))
        quads.sort(key=quad_key)
        return quads

    def select(self, sparql: str) -> Rows:
        """Run a SELECT with the union of all graphs as default graph; rows as dicts of terms.

        The query is refused (UsageError) if it would write, load or reach another server
        (SERVICE): the embedded store answers from the KG alone. Its ORDER BY sorts on keys
        pyoxigraph can always compare (see sezkg.kg.order), as in every query run here."""
        _check_read_only(sparql)
        if self._answers is not None and sparql in self._answers:
            known = self._answers[sparql]
            return Rows(known.variables, known)  # a list of its own: a caller may sort or cut it
        result = self.store.query(total_order(sparql), use_default_graph_as_union=True)
        if not isinstance(result, ox.QuerySolutions):
            raise UsageError("select() runs SELECT queries; use ask() for ASK")
        rows = Rows.from_solutions(result)  # rows read lazily: see sezkg.kg.rows
        if self._answers is not None and len(rows) <= REMEMBERED_ROWS:
            self._answers[sparql] = rows
            return Rows(rows.variables, rows)
        return rows

    def select_tuples(self, sparql: str) -> tuple[list[str], Iterator[tuple[Term | None, ...]]]:
        """Like `select`, but the rows are tuples of terms in the order of the variables (None
        where unbound), read from pyoxigraph's solutions as the caller iterates and never held:
        for answers as large as the KG (the statements table). A remembered answer is reused."""
        _check_read_only(sparql)
        if self._answers is not None and sparql in self._answers:
            known = self._answers[sparql]
            return list(known.variables), known.tuples()
        result = self.store.query(total_order(sparql), use_default_graph_as_union=True)
        if not isinstance(result, ox.QuerySolutions):
            raise UsageError("select_tuples() runs SELECT queries; use ask() for ASK")
        return [v.value for v in result.variables], (tuple(solution) for solution in result)

    def select_tuples_by_subject(self, sparql: str,
                                 range_quads: int | None = None) -> tuple[list[str], Iterator[tuple[Term | None, ...]]]:
        """Like `select_tuples`, for a query sorted by subject first (`ORDER BY ?subject ...` after
        its last group, no LIMIT or OFFSET): over more than `range_quads` quads (by default
        LIST_RANGE_QUADS for VALUES ranges, RANGE_QUADS for FILTER ones, see below) it runs once
        per range of subjects, each range sorted on its own and the ranges in order, so the rows
        and their order are the one query's, but Oxigraph's sort holds a range rather than the
        answer (the statements table, every statement sorted, held ~1.7 GiB at ~5M quads). Any
        other query runs as `select_tuples` runs it.

        Where every row binds ?subject as the subject of a stored triple (`_binds_a_subject`), a
        range is a VALUES list of its subject IRIs, which Oxigraph answers from its indexes, so
        the ranges together cost about what the one query does; otherwise a range is a FILTER
        on ?subject, and each such range reads the whole store. (With FILTER ranges, rows whose
        ?subject is a literal come last, as in the one query; among literals SPARQL cannot
        order, such as a number and a string, the order is the store's and may differ.)"""
        if _subject_order_place(sparql) is None:  # before counting the quads: Oxigraph counts them one by one
            return self.select_tuples(sparql)           # (~1 s at ~5M)
        _check_read_only(sparql)
        quads = self.quad_count()
        conditions = None
        if _binds_a_subject(sparql):
            pieces = -(-quads // (range_quads or LIST_RANGE_QUADS))
            if pieces <= 1:
                return self.select_tuples(sparql)
            conditions = self._subject_lists(pieces)
        if conditions is None:  # FILTER ranges, each reading the whole store: as few as RANGE_QUADS allows
            pieces = -(-quads // (range_quads or RANGE_QUADS))
            if pieces <= 1:
                return self.select_tuples(sparql)
            conditions = [f"  FILTER({c})\n" for c in _subject_range_filters(self._subject_bounds(pieces, quads))]
        sorted_safely = total_order(sparql)  # once, not each range's megabytes; its last brace is the one
        place = sorted_safely.rfind("}")     # _subject_order_place found (the keys hold none)
        texts = [sorted_safely[:place] + condition + sorted_safely[place:] for condition in conditions]
        variables, first = self._tuples(texts[0])
        return variables, itertools.chain(first, *(_later(self, t) for t in texts[1:]))

    def _tuples(self, sparql: str) -> tuple[list[str], Iterator[tuple[Term | None, ...]]]:
        """`select_tuples` for a text made here from a query already checked and not remembered
        (a range's VALUES list runs to megabytes: neither read by the guard nor cached)."""
        result = self.store.query(sparql, use_default_graph_as_union=True)
        assert isinstance(result, ox.QuerySolutions)
        return [v.value for v in result.variables], (tuple(solution) for solution in result)

    def _subject_lists(self, pieces: int) -> list[str] | None:
        """About `pieces` ranges of the subjects of the stored quads, in SPARQL order: a FILTER
        for the blank nodes, if any, then VALUES lists of IRIs sorted by their text (the order
        Oxigraph sorts IRIs in), a like number of subjects each. None if a subject is neither."""
        iris: list[str] = []
        blank = False
        for subject in self.subjects():
            if isinstance(subject, ox.NamedNode):
                iris.append(subject.value)
            elif isinstance(subject, ox.BlankNode):
                blank = True
            else:
                return None
        iris.sort()
        size = max(-(-len(iris) // pieces), 1)
        lists = ["  VALUES ?subject {" + "".join(f" <{iri}>" for iri in iris[i:i + size]) + " }\n"
                 for i in range(0, len(iris), size)]
        return ["  FILTER(isBlank(?subject))\n"] * blank + lists or ["  FILTER(false)\n"]

    def subjects(self) -> Iterator[Term | None]:
        """Every distinct subject of the stored quads, in the default graph or a named one."""
        found = self.store.query("SELECT DISTINCT ?s WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }")
        assert isinstance(found, ox.QuerySolutions)
        return (row[0] for row in found)

    def _subject_bounds(self, pieces: int, quads: int) -> list[str]:
        """IRIs that cut the subjects of the `quads` quads into about `pieces` ranges of like
        size, read off every n-th quad's subject (one pass over the store, ~64 samples a range)."""
        step = max(quads // (pieces * 64), 1)
        solutions = self.store.query("SELECT ?s WHERE { GRAPH ?g { ?s ?p ?o } FILTER(isIRI(?s)) }")
        assert isinstance(solutions, ox.QuerySolutions)
        sample = sorted({s[0].value for s in itertools.islice(solutions, 0, None, step)})
        return sorted({sample[len(sample) * j // pieces] for j in range(1, pieces)}) if sample else []

    def ask(self, sparql: str) -> bool:
        check_read_only(sparql)
        return bool(self.store.query(total_order(sparql), use_default_graph_as_union=True))


# After a query's last closing brace (the end of its WHERE group): `ORDER BY ?subject`, then
# only more sort keys (no LIMIT, OFFSET or VALUES). Read in two linear steps, no backtracking.
_ORDER_BY_SUBJECT = re.compile(r"\s*ORDER\s+BY\s+[?$]subject(?!\w)", re.IGNORECASE)
_MORE_KEYS = re.compile(r"(?:\s*(?:(?:ASC|DESC)\s*\(\s*[?$]\w+\s*\)|[?$]\w+))*\s*", re.IGNORECASE)


def _subject_order_place(sparql: str) -> int | None:
    """Where, in a query sorted by ?subject first, a FILTER can be put in its outer group (just
    before the group's closing brace); None for any other query."""
    place = sparql.rfind("}")
    head = _ORDER_BY_SUBJECT.match(sparql, place + 1) if place >= 0 else None
    if head is None or _MORE_KEYS.fullmatch(sparql, head.end()) is None:
        return None
    return place


def _binds_a_subject(sparql: str) -> bool:
    """Whether, in the algebra of the query (read by rdflib's parser), every solution of its
    WHERE group binds ?subject as the subject of a triple pattern (a plain predicate, not a
    path), so that its value is the subject of a stored triple and a VALUES list of ?subject
    joined to the group keeps exactly the rows with those subjects. False wherever that is not
    certain: ?subject bound only in an OPTIONAL, a MINUS, one branch of a UNION, a sub-select,
    a VALUES, a BIND or a projected expression, or a query rdflib does not read."""
    try:
        from rdflib.plugins.sparql.algebra import translateQuery
        from rdflib.plugins.sparql.parser import parseQuery

        node = translateQuery(parseQuery(sparql)).algebra
    except Exception:  # any query rdflib cannot read (its parser raises several types) is not certain
        return False
    from rdflib import URIRef, Variable

    subject = Variable("subject")

    def certain(node: Any) -> bool:
        name = getattr(node, "name", None)
        if name == "BGP":
            return any(s == subject and isinstance(p, (URIRef, Variable)) for s, p, _ in node.triples)
        if name in ("Graph", "Filter"):
            return certain(node.p)
        if name == "Extend":
            return node.var != subject and certain(node.p)
        if name in ("LeftJoin", "Minus"):
            return certain(node.p1)
        if name == "Join":
            return certain(node.p1) or certain(node.p2)
        if name == "Union":
            return certain(node.p1) and certain(node.p2)
        return False

    while getattr(node, "name", None) in ("SelectQuery", "Project", "Distinct", "Reduced", "OrderBy"):
        node = node.p
    return certain(node)


def _subject_range_filters(bounds: list[str]) -> list[str]:
    """SPARQL conditions on ?subject that split the rows into ranges, in the SPARQL order of
    ?subject: unbound and blank nodes with the first range, IRIs by their text (the order
    Oxigraph sorts IRIs in) cut at `bounds`, and anything else (a literal) with the last."""
    def string(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    iri = "isIRI(?subject)"
    edges: list[str | None] = [None, *bounds, None]
    conditions = []
    for lo, hi in zip(edges, edges[1:], strict=False):
        parts = [iri] + ([f"STR(?subject) >= {string(lo)}"] if lo is not None else []) \
            + ([f"STR(?subject) < {string(hi)}"] if hi is not None else [])
        condition = "(" + " && ".join(parts) + ")"
        if lo is None:
            condition = f"!BOUND(?subject) || isBlank(?subject) || {condition}"
        if hi is None:
            condition = f"{condition} || (BOUND(?subject) && !isIRI(?subject) && !isBlank(?subject))"
        conditions.append(condition)
    return conditions


def _later(kg: KnowledgeGraph, sparql: str) -> Iterator[tuple[Term | None, ...]]:
    """The rows of a range run only when the rows before it have been read."""
    yield from kg._tuples(sparql)[1]


def graph_iri(q: ox.Quad) -> str:
    """The IRI of a quad's graph: the loader keeps no quad in the default graph."""
    name = q.graph_name
    if isinstance(name, ox.DefaultGraph):
        raise TypeError(f"a quad in the default graph: {q}")
    return name.value


def term_value(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    """The IRI, blank node id or lexical form of a subject or object (never a quoted triple in sezkg)."""
    if isinstance(term, ox.Triple):
        raise TypeError(f"a quoted triple where sezkg expects a node: {term}")
    return term.value


def quad_key(q: ox.Quad) -> tuple[str, str, str, str]:
    """The order of `KnowledgeGraph.sorted_quads`: graph, subject, predicate, object, by their N-Triples text."""
    return (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object))


# ---------------------------------------------------------------- reading and parsing

def _position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of a byte offset."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return data.count(b"\n", 0, offset) + 1, column


# Strings (long and short), IRIs, comments and other runs: an over-long token is one of these.
_TOKEN = re.compile(rb'"""(?:[^"\\]|\\.|"(?!""))*(?:"""|\Z)|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*(?:\'\'\'|\Z)'
                    rb'|"(?:[^"\\\n]|\\.)*"?|\'(?:[^\'\\\n]|\\.)*\'?|<[^>\s]*>?|#[^\n]*|[^\s"\'<#]+', re.DOTALL)


def _check_tokens(path: Path, data: bytes) -> None:
    """Refuse a token longer than MAX_TOKEN_BYTES before the parser meets it.

    Only a long string can span lines, so a file with short lines and no long strings is
    fine without a closer look; the rare rest is tokenised with one regular expression.
    """
    if len(data) <= MAX_TOKEN_BYTES:
        return
    if b'"""' not in data and b"'''" not in data and max(map(len, data.split(b"\n"))) <= MAX_TOKEN_BYTES:
        return
    for match in _TOKEN.finditer(data):
        if match.end() - match.start() > MAX_TOKEN_BYTES:
            line, column = _position(data, match.start())
            raise InputError(path, f"a token (literal or IRI) of {match.end() - match.start():,} bytes starts here; "
                                   f"the limit is {MAX_TOKEN_BYTES:,} bytes: keep long texts outside the KG",
                             line, column)


def _read(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(path, f"file of {size:,} bytes is over the limit of {MAX_FILE_BYTES:,} bytes "
                                   "for one RDF file: split it into several files")
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot read file: {exc.strerror or exc}") from exc
    _check_tokens(path, data)
    return data


@dataclass(frozen=True)
class Parsed:
    """One parsed file: its bytes (to find lines in), its quads and the prefixes it declared."""

    path: Path
    data: bytes
    quads: list[ox.Quad]
    prefixes: dict[str, str]

    @functools.cached_property
    def text(self) -> str:
        return self.data.decode("utf-8", errors="replace")


def _parse(path: Path, fmt: ox.RdfFormat, base_iri: str | None = None, data: bytes | None = None) -> Parsed:
    """Parse one file (or the bytes already read from it) completely; a syntax error becomes
    an InputError at file:line:column."""
    data = _read(path) if data is None else data
    parser = ox.parse(input=data, format=fmt, base_iri=base_iri)
    try:
        quads = list(parser)
    except SyntaxError as exc:
        message = _PARSER_POSITION.sub("", str(exc.msg if exc.msg else exc))
        raise InputError(path, f"syntax error: {message}", exc.lineno, exc.offset) from None
    except MemoryError as exc:  # the parser's own token limit, should a token pass _check_tokens
        raise InputError(path, f"a token is too large for the parser ({exc}): keep long texts outside the KG") from None
    return Parsed(path, data, quads, dict(parser.prefixes))


def parse_file(path: Path | str, base_iri: str | None = None) -> list[ox.Quad]:
    """Parse any RDF file by its extension with the loader's strict parser (the W3C tests use it)."""
    path = Path(path)
    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip("."))
    if fmt is None:
        raise InputError(path, f"unknown RDF file extension {path.suffix!r}")
    return _parse(path, fmt, base_iri).quads


# ---------------------------------------------------------------- finding the line of a term

def _forms(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple, prefixes: dict[str, str]) -> list[str]:
    """How a term may be spelt in a file: `<iri>`, `prefix:local`, a quoted or JSON string."""
    if isinstance(term, ox.Triple):
        return []
    if isinstance(term, ox.Literal):
        return [f'"{term.value}"', f"'{term.value}'", json.dumps(term.value, ensure_ascii=False)]
    forms = [f"<{term.value}>", json.dumps(term.value)]
    for prefix, ns in prefixes.items():
        if term.value.startswith(ns) and len(term.value) > len(ns):
            forms.append(f"{prefix}:{term.value[len(ns):]}")
    return forms


def _first_line_mentioning(path: Path, term: ox.NamedNode, prefixes: dict[str, str]) -> int | None:
    """Best-effort line of the first mention of an IRI, written in full or prefixed."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    needles = _forms(term, prefixes)
    for number, line in enumerate(lines, start=1):
        if _mentions(line, needles):
            return number
    return None


def _mentions(line: str, needles: list[str]) -> bool:
    """Whether a line holds one of the needles outside a comment."""
    for needle in needles:
        at = line.find(needle)
        while at >= 0:
            if not _in_comment(line[:at]):
                return True
            at = line.find(needle, at + 1)
    return False


def _line_of_quad(parsed: Parsed, q: ox.Quad) -> int | None:
    """Best-effort line of a triple: the first line naming its object at or after its subject."""
    lines = parsed.text.splitlines()
    subject_forms = _forms(q.subject, parsed.prefixes)
    object_forms = _forms(q.object, parsed.prefixes)
    start = next((i for i, line in enumerate(lines) if _mentions(line, subject_forms)), None)
    if start is None:
        return None
    found = next((i for i in range(start, len(lines)) if _mentions(lines[i], object_forms)), start)
    return found + 1


def _literal_position(parsed: Parsed, literal: ox.Literal) -> tuple[int | None, int | None]:
    """Line and column of a typed literal as written (`"v"^^xsd:t`, `"v"^^<iri>`, JSON `"v"`)."""
    datatype = literal.datatype.value
    spellings = [re.escape(f"<{datatype}>")] + [
        re.escape(f"{p}:{datatype[len(ns):]}") for p, ns in parsed.prefixes.items()
        if datatype.startswith(ns) and len(datatype) > len(ns)]
    value = re.escape(literal.value)
    patterns = [rf'("""|\'\'\'|"|\'){value}\1\s*\^\^\s*(?:{"|".join(spellings)})',
                re.escape(json.dumps(literal.value, ensure_ascii=False)), re.escape(json.dumps(literal.value))]
    text = parsed.text
    for pattern in patterns:
        for match in re.finditer(pattern, text):
            line_start = text.rfind("\n", 0, match.start()) + 1
            if _in_comment(text[line_start:match.start()]):
                continue
            return text.count("\n", 0, match.start()) + 1, match.start() - line_start + 1
    return None, None


_STRING_OR_IRI = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^>\s]*>')


def _in_comment(line_before: str) -> bool:
    """Whether a `#` outside strings and IRIs comes earlier on the line (Turtle, TriG, N-Quads)."""
    return "#" in _STRING_OR_IRI.sub("", line_before)


# ---------------------------------------------------------------- well-typed literals

_YEAR = r"-?(?:[1-9][0-9]{3,}|0[0-9]{3})"
_MONTH = r"(?:0[1-9]|1[0-2])"
_DAY = r"(?:0[1-9]|[12][0-9]|3[01])"
_TZ = r"(?:Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))"
_TIME = r"(?:(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]+)?|24:00:00(?:\.0+)?)"
_INTEGER = re.compile(r"[+-]?[0-9]+")
_DATE_PARTS = re.compile(rf"(?P<y>{_YEAR})-(?P<m>{_MONTH})-(?P<d>{_DAY})")


def _days_in_month(year: int | None, month: int) -> int:
    if month == 2:
        # XSD 1.1 counts year 0 (1 BCE) as a leap year; a year-less gMonthDay allows --02-29.
        return 29 if year is None or (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def real_day(value: str) -> bool:
    """Whether a date's day (YYYY-MM-DD, any XSD year, or --MM-DD) is on the calendar: the
    lexical forms bound it to 31 only. Anything else is not a day and passes."""
    match = _DATE_PARTS.match(value) or re.match(rf"--(?P<m>{_MONTH})-(?P<d>{_DAY})", value)
    if match is None:
        return True
    year = int(match.group("y")) if "y" in match.groupdict() else None
    return int(match.group("d")) <= _days_in_month(year, int(match.group("m")))


def _pattern(regex: str, dated: bool = False) -> Callable[[str], bool]:
    compiled = re.compile(regex)
    if dated:
        return lambda v: compiled.fullmatch(v) is not None and real_day(v)
    return lambda v: compiled.fullmatch(v) is not None


def _integer(low: int | None = None, high: int | None = None) -> Callable[[str], bool]:
    def check(value: str) -> bool:
        if _INTEGER.fullmatch(value) is None:
            return False
        negative = value.startswith("-")
        digits = value.lstrip("+-").lstrip("0") or "0"
        if len(digits) > 40:  # past every finite bound (and Python's int() digit limit)
            return low is None if negative else high is None
        number = -int(digits) if negative else int(digits)
        return (low is None or number >= low) and (high is None or number <= high)
    return check


def _any_uri(value: str) -> bool:
    """What can be checked of xsd:anyURI: no controls, no edge spaces, %XX escapes, one '#'."""
    return (re.search(r"[\x00-\x1f\x7f]|%(?![0-9A-Fa-f]{2})", value) is None and value == value.strip()
            and value.count("#") <= 1)


_DURATION_TIME = r"(?:T(?=[0-9])(?:[0-9]+H)?(?:[0-9]+M)?(?:[0-9]+(?:\.[0-9]+)?S)?)?"
_NUMBER = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
# Lexical spaces of the XSD types whose forms can be checked (XSD 1.1 part 2, section 3).
LEXICAL_CHECKS: dict[str, Callable[[str], bool]] = {XSD + name: check for name, check in {
    "boolean": _pattern(r"true|false|1|0"),
    "decimal": _pattern(_NUMBER),
    "double": _pattern(rf"{_NUMBER}(?:[eE][+-]?[0-9]+)?|[+-]?INF|NaN"),
    "float": _pattern(rf"{_NUMBER}(?:[eE][+-]?[0-9]+)?|[+-]?INF|NaN"),
    "integer": _integer(),
    "nonNegativeInteger": _integer(0),
    "positiveInteger": _integer(1),
    "nonPositiveInteger": _integer(None, 0),
    "negativeInteger": _integer(None, -1),
    "long": _integer(-2**63, 2**63 - 1),
    "int": _integer(-2**31, 2**31 - 1),
    "short": _integer(-2**15, 2**15 - 1),
    "byte": _integer(-2**7, 2**7 - 1),
    "unsignedLong": _integer(0, 2**64 - 1),
    "unsignedInt": _integer(0, 2**32 - 1),
    "unsignedShort": _integer(0, 2**16 - 1),
    "unsignedByte": _integer(0, 2**8 - 1),
    "date": _pattern(rf"{_YEAR}-{_MONTH}-{_DAY}{_TZ}?", dated=True),
    "dateTime": _pattern(rf"{_YEAR}-{_MONTH}-{_DAY}T{_TIME}{_TZ}?", dated=True),
    "dateTimeStamp": _pattern(rf"{_YEAR}-{_MONTH}-{_DAY}T{_TIME}{_TZ}", dated=True),
    "time": _pattern(rf"{_TIME}{_TZ}?"),
    "gYear": _pattern(rf"{_YEAR}{_TZ}?"),
    "gYearMonth": _pattern(rf"{_YEAR}-{_MONTH}{_TZ}?"),
    "gMonth": _pattern(rf"--{_MONTH}{_TZ}?"),
    "gDay": _pattern(rf"---{_DAY}{_TZ}?"),
    "gMonthDay": _pattern(rf"--{_MONTH}-{_DAY}{_TZ}?", dated=True),
    "duration": _pattern(rf"-?P(?=[0-9T])(?:[0-9]+Y)?(?:[0-9]+M)?(?:[0-9]+D)?{_DURATION_TIME}"),
    "yearMonthDuration": _pattern(r"-?P(?=[0-9])(?:[0-9]+Y)?(?:[0-9]+M)?"),
    "dayTimeDuration": _pattern(rf"-?P(?=[0-9T])(?:[0-9]+D)?{_DURATION_TIME}"),
    "anyURI": _any_uri,
    "language": _pattern(r"[a-zA-Z]{1,8}(?:-[a-zA-Z0-9]{1,8})*"),
    "hexBinary": _pattern(r"(?:[0-9a-fA-F]{2})*"),
}.items()}


@functools.lru_cache(maxsize=65536)
def well_typed(value: str, datatype: str) -> bool:
    """False for a lexical form outside its XSD datatype's lexical space; True if unknown."""
    check = LEXICAL_CHECKS.get(datatype)
    return check is None or check(value)


def _check_literals(parsed: Parsed) -> None:
    """Refuse the first ill-typed literal, in file order, at its line and column."""
    bad = {q.object for q in parsed.quads
           if isinstance(q.object, ox.Literal) and not well_typed(q.object.value, q.object.datatype.value)}
    if not bad:
        return
    located = []
    for literal in bad:
        line, column = _literal_position(parsed, literal)
        located.append((line is None, line or 0, column or 0, str(literal), literal, line, column))
    *_, literal, line, column = min(located)  # the first in the file; unlocated ones last
    name = literal.datatype.value.removeprefix(XSD)
    raise InputError(parsed.path, f"ill-typed literal {literal}: {literal.value!r} is not a valid xsd:{name}",
                     line, column)


# ---------------------------------------------------------------- rules of the KG

def _reject_blank_nodes(parsed: Parsed) -> None:
    quads = parsed.quads
    for q in quads:
        for term in (q.subject, q.object, q.graph_name):
            if isinstance(term, ox.BlankNode):
                # Name the IRI that leads to the blank node, which the author can find.
                owner = next((p for p in quads if p.object == term and isinstance(p.subject, ox.NamedNode)), q)
                line = (_first_line_mentioning(parsed.path, owner.subject, parsed.prefixes)
                        if isinstance(owner.subject, ox.NamedNode) else None)
                raise InputError(
                    parsed.path,
                    f"blank node under {owner.subject} {owner.predicate}: give every node an IRI "
                    "(n-ary nodes included) so that exports stay deterministic",
                    line,
                )


def _load_ontology_file(path: Path) -> list[ox.Quad]:
    parsed = _parse(path, ox.RdfFormat.TURTLE)
    quads = parsed.quads
    _reject_blank_nodes(parsed)
    _check_literals(parsed)
    heads = sorted({term_value(q.subject) for q in quads if q.predicate == RDF_TYPE and q.object == OWL_ONTOLOGY})
    if len(heads) != 1:
        found = ", ".join(heads) or "none"
        raise InputError(path, f"an ontology file declares exactly one owl:Ontology (found: {found})")
    graph = ox.NamedNode(heads[0])
    return [ox.Quad(q.subject, q.predicate, q.object, graph) for q in quads]


def is_vocabulary_term(iri: str) -> bool:
    """An ontology term or a concept of the schemes (or the two ontologies themselves)."""
    return iri in (ONTOLOGY_IRI, SCHEME_IRI) or iri.startswith((ONTOLOGY_IRI + "#", SCHEME_IRI + "/"))


def _check_graphs(parsed: Parsed, ontology: dict[str, set[ox.Quad]]) -> list[ox.Quad]:
    """Enforce where data triples may be; returns the quads that are new (not bundled ontology)."""
    path, kept = parsed.path, []
    for q in parsed.quads:
        if isinstance(q.graph_name, ox.DefaultGraph):
            subject = q.subject if isinstance(q.subject, ox.NamedNode) else None
            line = _first_line_mentioning(path, subject, parsed.prefixes) if subject else None
            raise InputError(
                path,
                f"triple outside any named graph: {q.subject} {q.predicate} {q.object}; "
                f"every data triple belongs in the graph of its source (GRAPH <{SOURCE_BASE}...> {{ }})",
                line,
            )
        graph = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else None
        if graph in ontology:
            # An export of the whole KG holds the ontology graphs: fine if they are the bundled ones.
            if q not in ontology[graph]:
                raise InputError(path, f"the triple {q.subject} {q.predicate} {q.object} in the ontology graph "
                                       f"<{graph}> is not in the bundled ontology: data cannot change the ontology",
                                 _line_of_quad(parsed, q))
            continue
        if isinstance(q.graph_name, ox.NamedNode) and not q.graph_name.value.startswith(SOURCE_BASE):
            raise InputError(
                path,
                f"named graph {q.graph_name} is not a source graph: data graphs are named "
                f"<{SOURCE_BASE}{{slug}}>, one per source document",
                _first_line_mentioning(path, q.graph_name, parsed.prefixes),
            )
        if isinstance(q.subject, ox.NamedNode) and is_vocabulary_term(q.subject.value):
            raise InputError(path, f"data redefines the vocabulary term {q.subject}: the triple {q.subject} "
                                   f"{q.predicate} {q.object} belongs in ontology/, not in data",
                             _line_of_quad(parsed, q))
        kept.append(q)
    return kept


def _normalised(node: Any) -> Any:
    """JSON with every list sorted, to compare documents whatever the order of their lists."""
    if isinstance(node, dict):
        return {k: _normalised(v) for k, v in node.items()}
    if isinstance(node, list):
        return sorted((_normalised(v) for v in node), key=lambda v: json.dumps(v, sort_keys=True))
    return node


def _jsonld_nodes(document: dict[str, Any]) -> set[str]:
    """The nodes of a document as `sezkg export` lays it out (graphs of nodes), as JSON strings."""
    nodes = set()
    for graph in document.get("@graph", []):
        inner = graph.get("@graph") if isinstance(graph, dict) else None
        for node in inner if isinstance(inner, list) else [graph]:
            nodes.add(json.dumps(node, sort_keys=True) if isinstance(node, dict) else json.dumps({"@id": None}))
    return nodes


def _check_jsonld_form(parsed: Parsed) -> None:
    """A JSON-LD reader drops what it does not understand (an unknown term, a relative IRI):
    accept only documents that say exactly what their quads say, as `sezkg export` writes them."""
    from ..publish.jsonld import to_jsonld  # the writer lives with the exports

    document = _normalised(json.loads(parsed.data))
    graphs = sorted({graph_iri(q) for q in parsed.quads})
    try:
        expected = _normalised(json.loads(to_jsonld(parsed.quads)))
        # One graph may also be laid out as `sezkg export --graph` writes it: {"@id": g, "@graph": nodes}.
        layouts = [expected] + ([_normalised(json.loads(to_jsonld(parsed.quads, graph=graphs[0])))]
                                if len(graphs) == 1 else [])
    except UsageError as exc:
        raise InputError(parsed.path, str(exc)) from None
    if document in layouts:
        return
    where, line = "the document", None
    if not isinstance(document, dict) or document.get("@context") != expected["@context"]:
        where = "its @context (it must be the bundled ontology/context.jsonld)"
    else:
        odd = sorted(_jsonld_nodes(document) - _jsonld_nodes(expected))
        node_id = json.loads(odd[0]).get("@id") if odd else None
        if isinstance(node_id, str):
            where = f"the node {json.dumps(node_id, ensure_ascii=False)}"
            needle = json.dumps(node_id, ensure_ascii=False)
            line = next((i for i, text in enumerate(parsed.text.splitlines(), 1) if needle in text), None)
    raise InputError(parsed.path, f"JSON-LD data is read only as `sezkg export --format jsonld` writes it "
                                  f"(the bundled context, one named graph per source, values in lists); "
                                  f"{where} holds something a JSON-LD reader would drop or change", line)


def _plain_data_graphs(parsed: Parsed, ontology: dict[str, set[ox.Quad]]) -> set[str] | None:
    """The graphs of a file none of whose quads can fail a rule of the KG, read in one pass
    with each term read once; None if any quad might (the exact checks then decide and say
    where). At ~1M quads the separate checks read each quad's terms a dozen times: 2.5x slower.

    A quad passes here only if its graph is a source graph (not an ontology graph), its subject
    an IRI that is not a vocabulary term, its object an IRI or a well-typed literal."""
    named, literal = ox.NamedNode, ox.Literal
    vocabulary = (ONTOLOGY_IRI + "#", SCHEME_IRI + "/")
    graphs: set[str] = set()
    for q in parsed.quads:
        graph, subject, obj = q.graph_name, q.subject, q.object
        if type(graph) is not named or type(subject) is not named:
            return None
        iri = subject.value
        if iri.startswith(vocabulary) or iri in (ONTOLOGY_IRI, SCHEME_IRI):
            return None
        if type(obj) is literal:
            check = LEXICAL_CHECKS.get(obj.datatype.value)
            if check is not None and not well_typed(obj.value, obj.datatype.value):
                return None
        elif type(obj) is not named:
            return None
        graphs.add(graph.value)
    if any(g in ontology or not g.startswith(SOURCE_BASE) for g in graphs):
        return None
    return graphs


def _load_data_file(path: Path, ontology: dict[str, set[ox.Quad]],
                    data: bytes | None = None) -> tuple[list[ox.Quad], set[str] | None]:
    """The file's quads to add (not those of the bundled ontology) and, when known, their graphs."""
    parsed = _parse(path, DATA_FORMATS[path.suffix.lower()], data=data)
    graphs = _plain_data_graphs(parsed, ontology)
    if graphs is not None:
        kept = parsed.quads
    else:
        kept = _check_graphs(parsed, ontology)
        _reject_blank_nodes(parsed)
        _check_literals(parsed)
    if path.suffix.lower() == ".jsonld":
        parsed = Parsed(path, parsed.data, parsed.quads, {**PREFIXES, **parsed.prefixes})
        _check_jsonld_form(parsed)
    return kept, graphs


def ontology_paths(folder: Path) -> list[Path]:
    """The vocabulary files of the KG: every Turtle file but the SHACL shapes."""
    return sorted(p for p in folder.glob("*.ttl") if p.name != SHAPES_FILE_NAME)


def _extensions() -> str:
    return ", ".join(f"*{ext}" for ext in DATA_FORMATS)


def data_paths(paths: Sequence[Path]) -> list[Path]:
    """Expand folders into their data files (recursively), sorted; keep files as given.

    A folder with no data file, or a file whose extension is not a data format, is an error:
    loading nothing would give an empty KG that "conforms".
    """
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(p for p in path.rglob("*") if p.suffix.lower() in DATA_FORMATS and p.is_file())
            if not inside:
                raise InputError(path, f"no data files ({_extensions()}) in this folder")
            found.extend(inside)
        elif path.exists():
            if path.suffix.lower() not in DATA_FORMATS:
                raise InputError(path, "not a data file: data is TriG (.trig), N-Quads (.nq) or JSON-LD (.jsonld) "
                                       "with every triple in a source graph")
            found.append(path)
        else:
            raise InputError(path, "no such file or folder")
    return found


def load(files: KGFiles | None = None, data: Sequence[Path | str] | None = None) -> KnowledgeGraph:
    """Load the ontology, the concept schemes and the data into one dataset.

    `data` replaces the default data folder (files or folders of TriG, N-Quads or JSON-LD);
    the ontology always comes from `files.ontology`. Raises InputError on the first bad file;
    nothing is built then.
    """
    files = files or default_files()
    loaded: list[LoadedFile] = []
    # Each file goes into the store once it has passed its checks, so no more than one file's
    # quads are held as Python objects at a time (at ~5M triples a list of them all took GBs).
    # The store is only returned at the end: on a bad file nothing built so far escapes.
    # Oxigraph inserts a file's quads without holding the GIL, so one thread inserts a file
    # while this one parses and checks the next (~5M triples, 54 files: parse, checks and inserts
    # took 69 s one after the other, 45 s side by side; bench.py's load step 74.5 s -> 46.0 s).
    # A TriG or N-Quads file is parsed by Oxigraph itself in that thread, from the bytes this
    # one checks, rather than inserted from the Python terms (~1M: 8.8 s -> 6.1 s).
    store = ox.Store()
    graph_files: dict[str, list[Path]] = {}
    ontology: dict[str, set[ox.Quad]] = {}
    inserting: tuple[Future[None], Path] | None = None

    def settle() -> None:
        """Wait for the last insert; should Oxigraph refuse a file the checks passed, say which."""
        if inserting is None:
            return
        future, path = inserting
        try:
            future.result()
        except (SyntaxError, ValueError, OSError) as exc:
            raise InputError(path, f"the store refused this file: {exc}") from None

    def insert(path: Path, *args: Any, **kwargs: Any) -> None:
        """Insert a file's quads in the other thread, once the last insert is done."""
        nonlocal inserting
        settle()
        inserting = (inserter.submit(*args, **kwargs), path)

    def record(path: Path, kind: str, quads: list[ox.Quad], known: set[str] | None = None,
               inserted: bool = False) -> None:
        graphs = sorted({graph_iri(q) for q in quads} if known is None else known)
        for g in graphs:
            graph_files.setdefault(g, []).append(path)
        loaded.append(LoadedFile(path, kind, tuple(graphs), len(quads)))
        if not inserted:
            insert(path, store.bulk_extend, quads)

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sezkg-load") as inserter:
        ontology_files = ontology_paths(files.ontology)
        if not ontology_files:
            raise InputError(files.ontology, "no ontology files (*.ttl) in this folder")
        for path in ontology_files:
            quads = _load_ontology_file(path)
            for q in quads:
                ontology.setdefault(graph_iri(q), set()).add(q)
            record(path, "ontology", quads)

        sources = [Path(p) for p in data] if data is not None else [files.data]
        for path in data_paths(sources):
            fmt = DATA_FORMATS[path.suffix.lower()]
            if fmt not in RAW_INSERT_FORMATS:
                record(path, "data", *_load_data_file(path, ontology))
                continue
            # Oxigraph parses and inserts the file's bytes in the other thread while this one
            # parses the same bytes into Python terms and checks them: every quad a passing file
            # holds is one the checks keep, or a bundled ontology quad already in the store (a
            # set). A file that fails raises here, and the store it went into is dropped.
            content = _read(path)
            insert(path, store.bulk_load, input=content, format=fmt)
            record(path, "data", *_load_data_file(path, ontology, content), inserted=True)
        settle()

    return KnowledgeGraph(store, tuple(loaded), {g: tuple(ps) for g, ps in graph_files.items()})
