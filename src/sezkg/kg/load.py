"""One loader for the ontology and the data: files in, one dataset of named graphs out.

Loading is strict and all-or-nothing: every file is parsed and checked before the store is
built, so an error leaves nothing half-loaded. Rules beyond syntax:

- an ontology file (`ontology/*.ttl`, except the SHACL shapes) declares exactly one
  `owl:Ontology`, and its triples go into the named graph of that IRI;
- a data file (`data/**/*.trig`) puts every triple in a named graph under
  `https://w3id.org/sezkg/source/` -- the graph of the source document that states it;
- no blank nodes anywhere, so that exports are deterministic.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..errors import InputError
from .namespaces import SOURCE_BASE
from .resources import KGFiles, default_files
from .rows import Rows

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
OWL_ONTOLOGY = ox.NamedNode("http://www.w3.org/2002/07/owl#Ontology")

SHAPES_FILE_NAME = "shapes.ttl"

_PARSER_POSITION = re.compile(r"^Parser error at line \d+ (?:between columns \d+ and \d+|column \d+): ")


@dataclass(frozen=True)
class LoadedFile:
    """One parsed file: where it came from and which named graphs it wrote."""

    path: Path
    kind: str  # "ontology" or "data"
    graphs: tuple[str, ...]
    quads: int


@dataclass
class KnowledgeGraph:
    """The dataset: a pyoxigraph store of named graphs plus what was loaded into it."""

    store: ox.Store
    files: tuple[LoadedFile, ...] = ()
    _graph_files: dict[str, tuple[Path, ...]] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.store)

    def graph_names(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs())

    def files_of_graph(self, graph: str) -> tuple[Path, ...]:
        """The files that wrote into a named graph (a source graph may span several files)."""
        return self._graph_files.get(graph, ())

    def sorted_quads(self, graph: str | None = None) -> list[ox.Quad]:
        """Every quad (or those of one graph) in a stable order, for deterministic output."""
        pattern_graph = ox.NamedNode(graph) if graph is not None else None
        quads = list(self.store.quads_for_pattern(None, None, None, pattern_graph))
        quads.sort(key=_quad_key)
        return quads

    def select(self, sparql: str) -> Rows:
        """Run a SELECT with the union of all graphs as default graph; rows as dicts of terms."""
        result = self.store.query(sparql, use_default_graph_as_union=True)
        names = [v.value for v in result.variables]
        return Rows(names, [{n: row[n] for n in names if row[n] is not None} for row in result])

    def ask(self, sparql: str) -> bool:
        return bool(self.store.query(sparql, use_default_graph_as_union=True))


def _quad_key(q: ox.Quad) -> tuple[str, str, str, str]:
    return (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object))


def _parse(path: Path, fmt: ox.RdfFormat, base_iri: str | None = None) -> tuple[list[ox.Quad], dict[str, str]]:
    """Parse one file completely; a syntax error becomes an InputError at file:line:column."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot read file: {exc.strerror or exc}") from exc
    parser = ox.parse(input=data, format=fmt, base_iri=base_iri)
    try:
        quads = list(parser)
    except SyntaxError as exc:
        message = _PARSER_POSITION.sub("", str(exc.msg if exc.msg else exc))
        raise InputError(path, f"syntax error: {message}", exc.lineno, exc.offset) from None
    return quads, dict(parser.prefixes)


def parse_file(path: Path | str, base_iri: str | None = None) -> list[ox.Quad]:
    """Parse any RDF file by its extension with the loader's strict parser (the W3C tests use it)."""
    path = Path(path)
    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip("."))
    if fmt is None:
        raise InputError(path, f"unknown RDF file extension {path.suffix!r}")
    return _parse(path, fmt, base_iri)[0]


def _first_line_mentioning(path: Path, term: ox.NamedNode, prefixes: dict[str, str]) -> int | None:
    """Best-effort line of the first mention of an IRI, written in full or prefixed."""
    needles = [f"<{term.value}>"]
    for prefix, ns in prefixes.items():
        if term.value.startswith(ns) and len(term.value) > len(ns):
            needles.append(f"{prefix}:{term.value[len(ns):]}")
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    for number, line in enumerate(lines, start=1):
        if any(needle in line for needle in needles):
            return number
    return None


def _reject_blank_nodes(path: Path, quads: list[ox.Quad], prefixes: dict[str, str]) -> None:
    for q in quads:
        for term in (q.subject, q.object, q.graph_name):
            if isinstance(term, ox.BlankNode):
                # Name the IRI that leads to the blank node, which the author can find.
                owner = next((p for p in quads if p.object == term and isinstance(p.subject, ox.NamedNode)), q)
                line = _first_line_mentioning(path, owner.subject, prefixes) if isinstance(owner.subject, ox.NamedNode) else None
                raise InputError(
                    path,
                    f"blank node under {owner.subject} {owner.predicate}: give every node an IRI "
                    "(n-ary nodes included) so that exports stay deterministic",
                    line,
                )


def _load_ontology_file(path: Path) -> list[ox.Quad]:
    quads, prefixes = _parse(path, ox.RdfFormat.TURTLE)
    _reject_blank_nodes(path, quads, prefixes)
    heads = sorted({q.subject.value for q in quads if q.predicate == RDF_TYPE and q.object == OWL_ONTOLOGY})
    if len(heads) != 1:
        found = ", ".join(heads) or "none"
        raise InputError(path, f"an ontology file declares exactly one owl:Ontology (found: {found})")
    graph = ox.NamedNode(heads[0])
    return [ox.Quad(q.subject, q.predicate, q.object, graph) for q in quads]


def _load_data_file(path: Path) -> list[ox.Quad]:
    quads, prefixes = _parse(path, ox.RdfFormat.TRIG)
    for q in quads:
        if isinstance(q.graph_name, ox.DefaultGraph):
            subject = q.subject if isinstance(q.subject, ox.NamedNode) else None
            line = _first_line_mentioning(path, subject, prefixes) if subject else None
            raise InputError(
                path,
                f"triple outside any named graph: {q.subject} {q.predicate} {q.object}; "
                f"every data triple belongs in the graph of its source (GRAPH <{SOURCE_BASE}...> {{ }})",
                line,
            )
        if isinstance(q.graph_name, ox.NamedNode) and not q.graph_name.value.startswith(SOURCE_BASE):
            raise InputError(
                path,
                f"named graph {q.graph_name} is not a source graph: data graphs are named "
                f"<{SOURCE_BASE}{{slug}}>, one per source document",
                _first_line_mentioning(path, q.graph_name, prefixes),
            )
    _reject_blank_nodes(path, quads, prefixes)
    return quads


def ontology_paths(folder: Path) -> list[Path]:
    """The vocabulary files of the KG: every Turtle file but the SHACL shapes."""
    return sorted(p for p in folder.glob("*.ttl") if p.name != SHAPES_FILE_NAME)


def data_paths(paths: Sequence[Path]) -> list[Path]:
    """Expand folders into their `*.trig` files (recursively), sorted; keep files as given."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(path.rglob("*.trig")))
        elif path.exists():
            found.append(path)
        else:
            raise InputError(path, "no such file or folder")
    return found


def load(files: KGFiles | None = None, data: Sequence[Path | str] | None = None) -> KnowledgeGraph:
    """Load the ontology, the concept schemes and the data into one dataset.

    `data` replaces the default data folder (files or folders of TriG); the ontology always
    comes from `files.ontology`. Raises InputError on the first bad file; nothing is built then.
    """
    files = files or default_files()
    loaded: list[LoadedFile] = []
    all_quads: list[ox.Quad] = []
    graph_files: dict[str, list[Path]] = {}

    def record(path: Path, kind: str, quads: list[ox.Quad]) -> None:
        graphs = sorted({q.graph_name.value for q in quads})
        for g in graphs:
            graph_files.setdefault(g, []).append(path)
        loaded.append(LoadedFile(path, kind, tuple(graphs), len(quads)))
        all_quads.extend(quads)

    ontology_files = ontology_paths(files.ontology)
    if not ontology_files:
        raise InputError(files.ontology, "no ontology files (*.ttl) in this folder")
    for path in ontology_files:
        record(path, "ontology", _load_ontology_file(path))

    sources = [Path(p) for p in data] if data is not None else [files.data]
    for path in data_paths(sources):
        record(path, "data", _load_data_file(path))

    store = ox.Store()
    store.bulk_extend(all_quads)
    return KnowledgeGraph(store, tuple(loaded), {g: tuple(ps) for g, ps in graph_files.items()})
