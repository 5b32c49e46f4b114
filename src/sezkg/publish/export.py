"""Serialise the knowledge graph: deterministic bytes, written atomically, read back the same.

Dataset formats (TriG, N-Quads, JSON-LD) keep every named graph, so "who says so" survives.
JSON-LD is compacted with the context in `ontology/context.jsonld` (see `sezkg.publish.jsonld`).
Graph formats (Turtle, N-Triples, RDF/XML) hold no graph names: they take one graph
(`graph=`) or, by default, the union of all graphs with duplicates merged.

The writers are our own rather than pyoxigraph's, because every export must read back to the
same data with any conforming parser (tests/test_roundtrip.py uses rdflib and pyoxigraph):

- Turtle and TriG abbreviate an IRI to `prefix:local` only when the local part is plain ASCII
  (rdflib misreads escaped local names such as `sezsh:\\-_\\.`);
- IRIs are written with `\\u` escapes for the Unicode spaces that line-based readers split on;
- RDF/XML is well-formed XML 1.0, or refused naming the triple it cannot hold (a predicate with
  no XML-name tail, an RDF/XML syntax name as predicate, a character XML 1.0 forbids).

Output is streamed: `serialize_to` writes to a handle as it goes, one named graph (dataset
formats) or one subject (graph formats) at a time, so memory grows with the largest graph or
subject, not with the KG. The order is the one a global sort of every quad by its N-Triples
text would give, so the bytes are those of sorting everything in memory (which `serialize` did
before it streamed). `serialize_many` writes several formats in one read of the store: the
graph formats share the walk over the subjects, N-Quads and TriG each graph's sorted lines.
Two things are only known at the end and are handled so:
- Turtle and TriG declare only the prefixes they use, in a header: the body is written to a
  spool (memory, then an unnamed file beside the output past SPOOL_BYTES) and follows the header;
- RDF/XML declares the namespaces of every predicate up front: the distinct predicates are
  read from the store with one query first.
A refusal (blank node, RDF/XML limit) is raised at the same triple as before; `export` then
leaves the target untouched, as the atomic writer drops its temporary file.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import re
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO, Protocol, TypeGuard, cast, overload

import pyoxigraph as ox

from ..errors import UsageError
from ..kg.files import atomic_writer, write_atomic
from ..kg.load import KnowledgeGraph
from ..kg.namespaces import PREFIXES
from .jsonld import Compactor, _nodes, indented_json, load_context

__all__ = ["FORMATS", "ExportFormat", "export", "export_format", "serialize", "serialize_to", "write_atomic"]

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDF_TYPE = RDF + "type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
CHUNK_CHARS = 1 << 20  # text gathered before one encode-and-write
SPOOL_BYTES = 32 << 20  # a Turtle or TriG body kept in memory up to this, then in an unnamed file

Graph = ox.NamedNode | ox.BlankNode | ox.DefaultGraph


@dataclass(frozen=True)
class ExportFormat:
    name: str
    rdf_format: ox.RdfFormat
    extension: str
    keeps_graphs: bool


FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat("trig", ox.RdfFormat.TRIG, "trig", True),
        ExportFormat("nquads", ox.RdfFormat.N_QUADS, "nq", True),
        ExportFormat("jsonld", ox.RdfFormat.JSON_LD, "jsonld", True),
        ExportFormat("turtle", ox.RdfFormat.TURTLE, "ttl", False),
        ExportFormat("ntriples", ox.RdfFormat.N_TRIPLES, "nt", False),
        ExportFormat("xml", ox.RdfFormat.RDF_XML, "rdf", False),
    )
}


def export_format(name: str) -> ExportFormat:
    try:
        return FORMATS[name]
    except KeyError:
        raise UsageError(f"unknown export format {name!r}; choose one of {', '.join(FORMATS)}") from None


# ---------------------------------------------------------------- output and order


class _Output:
    """Text in, UTF-8 bytes out in chunks of about CHUNK_CHARS: few writes, bounded memory."""

    def __init__(self, handle: IO[bytes]):
        self.handle = handle
        self.parts: list[str] = []
        self.pending = 0
        self.written = 0

    def write(self, text: str) -> None:
        self.parts.append(text)
        self.pending += len(text)
        if self.pending >= CHUNK_CHARS:
            self.flush()

    def write_bytes(self, data: bytes) -> None:
        """UTF-8 bytes made elsewhere, after the text written before them."""
        self.flush()
        self.handle.write(data)
        self.written += len(data)

    def flush(self) -> None:
        if self.parts:
            data = "".join(self.parts).encode("utf-8")
            self.handle.write(data)
            self.written += len(data)
            self.parts.clear()
            self.pending = 0


def _quad_key(q: ox.Quad) -> tuple[str, str, str]:
    return (str(q.subject), str(q.predicate), str(q.object))


class _GroundTriple(Protocol):
    """A triple as the writers take it: IRIs and literals only. Blank nodes are refused once
    per list (`_ground`) and sezkg holds no quoted triples (see `kg.load.term_value`), so the
    writers read `.value`, `.language` and `.datatype` without asking each term its kind, which
    on millions of quads would cost. The objects are pyoxigraph's own Triples and Quads."""

    @property
    def subject(self) -> ox.NamedNode: ...
    @property
    def predicate(self) -> ox.NamedNode: ...
    @property
    def object(self) -> ox.NamedNode | ox.Literal: ...


class _GroundQuad(_GroundTriple, Protocol):
    @property
    def graph_name(self) -> Graph: ...
    @property
    def triple(self) -> _GroundTriple: ...


@overload
def _ground(terms: list[ox.Quad]) -> TypeGuard[list[_GroundQuad]]: ...
@overload
def _ground(terms: list[ox.Triple]) -> TypeGuard[list[_GroundTriple]]: ...
def _ground(terms: list[ox.Quad] | list[ox.Triple]) -> bool:
    """Whether no subject or object is a blank node."""
    return not any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in terms)


def _blank_node_refusal(kg: KnowledgeGraph, graph: str | None) -> UsageError | None:
    """The refusal naming the first quad with a blank node in the global order, if there is one.

    Blank nodes are refused before anything else a format cannot hold, as when every quad was
    checked before writing. The stream only calls this once it has met a blank node or another
    refusal (the loader lets no blank node in), so the full sort costs nothing on the usual path."""
    for q in kg.sorted_quads(graph):
        if isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode):
            return UsageError(f"cannot export a blank node ({q}): the KG gives every node an IRI")
    return None


def _refuse_blank_nodes(kg: KnowledgeGraph, graph: str | None) -> UsageError:
    return _blank_node_refusal(kg, graph) or UsageError("cannot export a blank node: the KG gives every node an IRI")


def _graph_quads(kg: KnowledgeGraph, name: Graph, graph: str | None, sort: bool = True) -> list[_GroundQuad]:
    """The quads of one graph, sorted as `kg.sorted_quads` sorts them (or, with `sort=False`, in
    the store's order); `graph` is what is exported."""
    quads = list(kg.store.quads_for_pattern(None, None, None, name))
    if sort:
        quads.sort(key=_quad_key)
    if not _ground(quads):
        raise _refuse_blank_nodes(kg, graph)
    return quads


def _graph_names(kg: KnowledgeGraph, graph: str | None,
                 order: Callable[[ox.NamedNode], str] = str) -> tuple[list[ox.NamedNode], list[Graph]]:
    """The named graphs in `order`, and the default graph with any blank-node graphs (see below)."""
    if graph is not None:
        return [ox.NamedNode(graph)], []
    named = sorted((g for g in kg.store.named_graphs() if isinstance(g, ox.NamedNode)), key=order)
    unnamed: list[Graph] = [ox.DefaultGraph()]
    unnamed += sorted((g for g in kg.store.named_graphs() if not isinstance(g, ox.NamedNode)), key=str)
    return named, unnamed


def _quads_by_graph(kg: KnowledgeGraph, graph: str | None, order: Callable[[ox.NamedNode], str] = str,
                    sort: bool = True) -> Iterator[list[_GroundQuad]]:
    """The quads of each graph that has any, one list per named graph in `order` (by default
    their N-Triples text, as `kg.sorted_quads` has them), then one list for the default graph
    and any blank-node graphs together: the writers never put those under a name, and their
    texts ('DEFAULT', '_:...') sort after every `<iri>`. Each list sorted unless `sort=False`."""
    named, unnamed = _graph_names(kg, graph, order)
    for name in named:
        quads = _graph_quads(kg, name, graph, sort)
        if quads:
            yield quads
    rest = [q for name in unnamed for q in _graph_quads(kg, name, graph, sort)]
    if rest:
        yield rest


def _triples_by_subject(kg: KnowledgeGraph, graph: str | None) -> Iterator[list[_GroundTriple]]:
    """The distinct triples of the union (or of one graph), one subject at a time, sorted as
    one sort of them all would be: subjects by N-Triples text, then predicate, then object."""
    if graph is None:
        found = kg.store.query("SELECT DISTINCT ?s WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
        in_graph = None
    else:
        in_graph = ox.NamedNode(graph)
        found = kg.store.query("SELECT DISTINCT ?s WHERE { ?s ?p ?o }", default_graph=in_graph)
    assert isinstance(found, ox.QuerySolutions)
    subjects = sorted((row[0] for row in found), key=str)
    for subject in subjects:
        # One triple per distinct (predicate, object) text, which is RDF term equality; the
        # subject is the same for all, so its text is not compared.
        found_in = {(str(q.predicate), str(q.object)): q for q in kg.store.quads_for_pattern(subject, None, None,
                                                                                           in_graph)}
        triples = [found_in[key].triple for key in sorted(found_in)]
        if not _ground(triples):
            raise _refuse_blank_nodes(kg, graph)
        yield triples


# ---------------------------------------------------------------- terms in N-Triples and Turtle syntax

# Escapes as Oxigraph writes them (so our N-Quads lines equal an Oxigraph server's dump), plus
# the C1 controls and the Unicode line separators, which some readers take for line ends.
_STRING_SPECIAL = re.compile('["\\\\\x00-\x1f\x7f-\x9f\u2028\u2029]')
_NAMED_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def _escape_char(match: re.Match[str]) -> str:
    ch = match.group()
    return _NAMED_ESCAPES.get(ch) or f"\\u{ord(ch):04X}"


def _string(value: str) -> str:
    return '"' + _STRING_SPECIAL.sub(_escape_char, value) + '"'


# `\s` of a str pattern is what str.isspace() accepts (both ask Py_UNICODE_ISSPACE), found in C.
_SPACE = re.compile(r"\s")


def _escape_space(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04X}"


def _iri(iri: str) -> str:
    """`<iri>`; a Unicode space (valid in an IRI) as `\\u` escape, as rdflib splits tokens on it."""
    if _SPACE.search(iri):
        iri = _SPACE.sub(_escape_space, iri)
    return f"<{iri}>"


# ASCII only: rdflib's Turtle reader fails on escaped or exotic local names that are valid Turtle.
_PLAIN_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?")


class Names:
    """Writes IRIs for Turtle and TriG: `prefix:local` where that is plain, `<iri>` otherwise."""

    MEMO_SIZE = 100_000  # IRIs remembered; cleared when full, so memory stays flat on any KG

    def __init__(self, prefixes: dict[str, str]):
        self.namespaces = sorted(((ns, p) for p, ns in prefixes.items()), key=lambda x: (-len(x[0]), x[1]))
        self.used: set[str] = set()
        # Predicates, classes, concepts and each subject's IRI recur: trying every namespace
        # on each occurrence was two thirds of a Turtle export. A remembered IRI's prefix is
        # already in `used`, which only grows.
        self.memo: dict[str, str] = {}

    def iri(self, iri: str) -> str:
        text = self.memo.get(iri)
        if text is None:
            text = self._write(iri)
            if len(self.memo) >= self.MEMO_SIZE:
                self.memo.clear()
            self.memo[iri] = text
        return text

    def _write(self, iri: str) -> str:
        for ns, prefix in self.namespaces:
            if iri.startswith(ns) and _PLAIN_LOCAL.fullmatch(iri, len(ns)):
                self.used.add(prefix)
                return f"{prefix}:{iri[len(ns):]}"
        return _iri(iri)

    def header(self) -> str:
        return "".join(f"@prefix {p}: <{ns}> .\n" for ns, p in sorted(self.namespaces, key=lambda x: x[1])
                       if p in self.used)


def _term(term: ox.NamedNode | ox.Literal, write_iri: Callable[[str], str] = _iri) -> str:
    """A term in N-Triples syntax, or in Turtle's with `write_iri=Names(...).iri`."""
    if isinstance(term, ox.NamedNode):
        return write_iri(term.value)
    if term.language:
        return f"{_string(term.value)}@{term.language}"
    if term.datatype.value == XSD_STRING:
        return _string(term.value)
    return f"{_string(term.value)}^^{write_iri(term.datatype.value)}"


# ---------------------------------------------------------------- N-Quads, N-Triples


# Where pyoxigraph's N-Triples and N-Quads differ from ours, found by writing every code point
# both ways: it leaves C1 controls and U+2028/9 raw in literals and Unicode spaces raw in IRIs
# (U+0080-00A0, U+1680, U+2000-200A, U+2028/9, U+202F, U+205F, U+3000, here in UTF-8), and
# escapes U+FFFE/F. A `\\uFFFE` it did not write (a literal backslash) also counts: that only
# sends a chunk down the slower path, whose bytes are right by construction.
_OXIGRAPH_DIFFERENT_UTF8 = re.compile(
    b"\xc2[\x80-\xa0]|\xe1\x9a\x80|\xe2\x80[\x80-\x8a\xa8\xa9\xaf]|\xe2\x81\x9f|\xe3\x80\x80")
_ASCII_BYTES = bytes(range(0x80))


def _oxigraph_differs(data: bytes) -> bool:
    """Whether the UTF-8 bytes pyoxigraph wrote may differ from ours, checked before they are
    decoded: two substring searches and, for bytes that are not all ASCII, the characters above
    searched for only in the bytes that are not ASCII, taken out together (a C loop): every byte
    of a character beyond ASCII is 0x80 or more in UTF-8, so they stay whole characters. At ~1M
    triples 0.33 s, against 1.29 s for a character class searched in the decoded text."""
    return (b"\\uFFFE" in data or b"\\uFFFF" in data
            or (not data.isascii()
                and _OXIGRAPH_DIFFERENT_UTF8.search(data.translate(None, _ASCII_BYTES)) is not None))


_BATCH = 4096  # triples written by one pyoxigraph call


def _returned(data: bytes | None) -> bytes:
    """What pyoxigraph returns when given no output to write to: bytes (its stubs allow None,
    which it returns only once it has written to an output)."""
    if data is None:
        raise RuntimeError("pyoxigraph returned no bytes for a serialisation without an output")
    return data


def _oxigraph_text(items: list[_GroundQuad] | list[_GroundTriple], rdf_format: ox.RdfFormat) -> str | None:
    """pyoxigraph's N-Quads (N-Triples) text for these, when it is ours byte for byte; else None.

    Ten times faster than formatting each term in Python, and the lines are the same (see
    tests/test_export.py, which compares them with an Oxigraph server's dump)."""
    store_items = cast("list[ox.Quad] | list[ox.Triple]", items)  # the store's own objects (see _GroundTriple)
    data = _returned(ox.serialize(store_items, format=rdf_format))
    return None if _oxigraph_differs(data) else data.decode("utf-8")


def _dumped_lines(kg: KnowledgeGraph, name: ox.NamedNode) -> list[bytes] | None:
    """One named graph as sorted N-Triples lines in UTF-8 (without their newline), written by
    Oxigraph without a Python object per quad; None when the text would not be ours byte for
    byte or may hold a blank node (then the quad-by-quad path writes or refuses it).

    Sorting the lines sorts as `_quad_key` does: no IRI's text is a prefix of another's (each
    ends with its only `>`), and where a literal's text is a prefix of another's the longer
    goes on with `@` or `^`, after the space that ends the shorter one's term. UTF-8 bytes sort
    as their characters do, so the lines stay bytes: at ~1M triples, checking, splitting,
    sorting and joining them took 1.0 s against 2.5 s as text."""
    data = _returned(kg.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=name))
    if b"_:" in data or _oxigraph_differs(data):
        return None
    lines = data.split(b"\n")  # not splitlines(): only \n ends an N-Triples line
    lines.pop()  # the empty string after the last line's \n
    lines.sort()
    return lines


def _write_quads(quads: list[_GroundQuad], out: _Output) -> None:
    name = quads[0].graph_name  # one named graph per list, or the unnamed ones together
    fast = _oxigraph_text(quads, ox.RdfFormat.N_QUADS) if isinstance(name, ox.NamedNode) else None
    if fast is not None:
        out.write(fast)
        return
    suffix = f" {_iri(name.value)} .\n" if isinstance(name, ox.NamedNode) else " .\n"
    out.write("".join(f"{_term(q.subject)} {_term(q.predicate)} {_term(q.object)}{suffix}" for q in quads))


class _NQuadsSink:
    """N-Quads, one graph at a time: from Oxigraph's sorted lines where they are ours, else quads."""

    def __init__(self, handle: BinaryIO):
        self.out = _Output(handle)

    def lines(self, name: ox.NamedNode, lines: list[bytes]) -> bool:
        """Write a named graph's sorted N-Triples lines (see _dumped_lines) as quads; False
        (nothing written) when the graph's name would not be written as we write it."""
        suffix = f" {name} .\n".encode()
        if _oxigraph_differs(suffix):
            return False
        if lines:  # every line ends " ." and a newline occurs nowhere else (Oxigraph escapes it)
            self.out.write_bytes((b"\n".join(lines) + b"\n").replace(b" .\n", suffix))
        return True

    def quads(self, quads: list[_GroundQuad]) -> None:
        if quads:
            _write_quads(quads, self.out)

    def finish(self) -> int:
        self.out.flush()
        return self.out.written


class _NTriplesSink:
    """N-Triples, a subject at a time, written by pyoxigraph a batch of subjects at a time."""

    def __init__(self, handle: BinaryIO):
        self.out = _Output(handle)
        self.batch: list[_GroundTriple] = []

    def add(self, triples: list[_GroundTriple]) -> None:
        self.batch.extend(triples)
        if len(self.batch) >= _BATCH:
            self._flush()

    def _flush(self) -> None:
        if self.batch:
            fast = _oxigraph_text(self.batch, ox.RdfFormat.N_TRIPLES)
            self.out.write(fast if fast is not None else "".join(
                f"{_term(t.subject)} {_term(t.predicate)} {_term(t.object)} .\n" for t in self.batch))
            self.batch = []

    def finish(self) -> int:
        self._flush()
        self.out.flush()
        return self.out.written


# ---------------------------------------------------------------- Turtle, TriG


def _turtle_block(triples: list[_GroundTriple], names: Names, indent: str) -> str:
    """Triples (sorted) grouped by subject, then predicate: `s p o1, o2 ; p2 o3 .`"""
    return _grouped(((names.iri(t.subject.value),
                      "a" if t.predicate.value == RDF_TYPE else names.iri(t.predicate.value),
                      _term(t.object, names.iri)) for t in triples), indent)


_RDF_TYPE_NT = f"<{RDF_TYPE}>"


def _turtle_lines_block(lines: list[str], names: Names, indent: str) -> str:
    """What `_turtle_block` writes, from sorted N-Triples lines of Oxigraph's (see _dumped_lines):
    `<s> <p> object .`, single spaces, no blank node, every term as we would write it. An IRI
    is shortened as `Names.iri` does; a literal is kept but for its datatype IRI, found after
    its last quote (neither a language tag nor an IRI holds one)."""
    iri = names.iri

    def terms() -> Iterator[tuple[str, str, str]]:
        for line in lines:
            subject, predicate, obj = line[:-2].split(" ", 2)  # every line ends " ."
            if obj[0] == "<":
                obj = iri(obj[1:-1])
            else:
                end = obj.rfind('"')
                if obj.startswith("^^<", end + 1):
                    obj = obj[:end + 1] + "^^" + iri(obj[end + 4:-1])
            yield iri(subject[1:-1]), "a" if predicate == _RDF_TYPE_NT else iri(predicate[1:-1]), obj

    return _grouped(terms(), indent)


def _grouped(terms: Iterable[tuple[str, str, str]], indent: str) -> str:
    lines: list[str] = []
    by_subject: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for subject, predicate, obj in terms:
        by_subject[subject][predicate].append(obj)
    for subject, predicates in by_subject.items():
        parts = [f"{predicate} {' , '.join(objects)}" for predicate, objects in predicates.items()]
        lines.append(f"{indent}{subject} " + f" ;\n{indent}    ".join(parts) + " .\n")
    return "".join(lines)


class _Prefixed:
    """A Turtle or TriG document: the body goes to a spool as it is made (memory, then an unnamed
    file in `spool_dir` past SPOOL_BYTES), then follows the prefixes it used, only known at its end."""

    def __init__(self, handle: BinaryIO, spool_dir: Path | None, stack: contextlib.ExitStack):
        self.handle = handle
        self.names = Names(PREFIXES)
        # str: typeshed types this `dir` as str only (TemporaryFile, which makes the file, takes a Path too).
        spool_path = None if spool_dir is None else str(spool_dir)
        self.spool = stack.enter_context(tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES, dir=spool_path))
        self.out = _Output(self.spool)

    def finish(self) -> int:
        self.out.flush()
        header = (self.names.header() + "\n").encode("utf-8")
        self.handle.write(header)
        self.spool.seek(0)
        shutil.copyfileobj(self.spool, self.handle, 1 << 20)
        return len(header) + self.out.written


class _TurtleSink(_Prefixed):
    def add(self, triples: list[_GroundTriple]) -> None:
        self.out.write(_turtle_block(triples, self.names, ""))


class _TrigSink(_Prefixed):
    """Each graph that has quads as a block, blank lines between; a named graph's triples from
    Oxigraph's sorted N-Triples lines where they are ours (~5M triples: TriG took ~100 s through
    a Python object per quad)."""

    blocks = 0

    def _block(self, opening: str, body: str) -> None:
        block = opening + body + "}\n"
        self.out.write(block if self.blocks == 0 else "\n" + block)
        self.blocks += 1

    def lines(self, name: ox.NamedNode, lines: list[bytes]) -> bool:
        if lines:
            text = [line.decode("utf-8") for line in lines]
            self._block(f"{self.names.iri(name.value)} {{\n", _turtle_lines_block(text, self.names, "    "))
        return True

    def quads(self, quads: list[_GroundQuad]) -> None:
        if not quads:
            return
        name = quads[0].graph_name  # a named graph, or the unnamed ones together
        opening = f"{self.names.iri(name.value)} {{\n" if isinstance(name, ox.NamedNode) else "{\n"
        self._block(opening, _turtle_block([q.triple for q in quads], self.names, "    "))


# ---------------------------------------------------------------- RDF/XML

_XML_FORBIDDEN = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Character references for what XML would alter: `\r` (line-end normalisation), the C1 controls
# and U+2028/9 (line ends in XML 1.1), and in attributes tab and newline (attribute normalisation).
_XML_TEXT_SPECIAL = re.compile("[&<>\r\x7f-\x9f\u2028\u2029]")
_XML_ATTR_SPECIAL = re.compile("[&<>\"\t\n\r\x7f-\x9f\u2028\u2029]")
_XML_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}
# ASCII XML names only: every XML parser (expat included) agrees on them.
_NAME_TAIL = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*\Z")
_RDF_SYNTAX_NAMES = {RDF + n for n in ("RDF", "ID", "about", "parseType", "resource", "nodeID", "datatype", "li",
                                        "Description", "aboutEach", "aboutEachPrefix", "bagID")}


def _xml_ref(match: re.Match[str]) -> str:
    ch = match.group()
    return _XML_ENTITIES.get(ch) or f"&#{ord(ch)};"


def _xml_text(value: str) -> str:
    return _XML_TEXT_SPECIAL.sub(_xml_ref, value)


def _xml_attr(value: str) -> str:
    return '"' + _XML_ATTR_SPECIAL.sub(_xml_ref, value) + '"'


def _xml_refuse(t: _GroundTriple, why: str) -> UsageError:
    return UsageError(f"RDF/XML cannot hold the triple {t.subject} {t.predicate} {t.object}: {why}; "
                      "export it as turtle, ntriples, trig or nquads instead")


_PredicateSplit = tuple[str, str] | str  # (namespace, local name), or why there is none


def _split_predicate(iri: str, known: list[tuple[str, str]]) -> _PredicateSplit:
    """(namespace, local name) of a predicate, a known namespace first, else the longest XML name tail."""
    if iri in _RDF_SYNTAX_NAMES:
        return f"<{iri}> is an RDF/XML syntax name, not usable as a property element"
    for ns, _ in known:
        if iri.startswith(ns) and _NAME_TAIL.match(iri, len(ns)):
            return ns, iri[len(ns):]
    match = _NAME_TAIL.search(iri)  # the leftmost start of a name that runs to the end: the longest tail
    if not match:
        return ("the predicate does not end in an XML name (a letter or '_', then letters, "
                "digits, '_', '-' or '.'), so no property element can spell it")
    return iri[:match.start()], match.group()


def _predicates(kg: KnowledgeGraph, graph: str | None) -> list[str]:
    """The distinct predicate IRIs of the union (or of one graph)."""
    query = "SELECT DISTINCT ?p WHERE { ?s ?p ?o }"
    if graph is None:
        found = kg.store.query(query, use_default_graph_as_union=True)
    else:
        found = kg.store.query(query, default_graph=ox.NamedNode(graph))
    assert isinstance(found, ox.QuerySolutions)
    return sorted(row[0].value for row in found)


def _xml_header(splits: dict[str, _PredicateSplit]) -> tuple[str, dict[str, str]]:
    """The opening of the document, declaring a prefix for every predicate's namespace."""
    known = {ns: p for p, ns in PREFIXES.items()}
    namespaces = {split[0] for split in splits.values() if isinstance(split, tuple)} | {RDF}
    invented = (name for name in (f"ns{i}" for i in itertools.count(1)) if name not in PREFIXES)
    names = {ns: known.get(ns) or next(invented) for ns in sorted(namespaces)}
    text = '<?xml version="1.0" encoding="UTF-8"?>\n<rdf:RDF'
    text += "".join(f"\n    xmlns:{p}={_xml_attr(ns)}" for ns, p in sorted(names.items(), key=lambda x: x[1]))
    return text + ">\n", names


def _xml_check(t: _GroundTriple, splits: dict[str, _PredicateSplit], seen: set[str]) -> None:
    """Refuse a triple RDF/XML cannot hold, at the triple an all-at-once check would name first."""
    for text in (t.subject.value, t.predicate.value, t.object.value,
                 t.object.datatype.value if isinstance(t.object, ox.Literal) else ""):
        bad = _XML_FORBIDDEN.search(text)
        if bad:
            raise _xml_refuse(t, f"it holds the character U+{ord(bad.group()):04X}, which XML 1.0 forbids")
    if t.predicate.value not in seen:  # a predicate is judged where it first occurs
        seen.add(t.predicate.value)
        split = splits[t.predicate.value]
        if isinstance(split, str):
            raise _xml_refuse(t, split)


def _xml_description(triples: list[_GroundTriple], splits: dict[str, tuple[str, str]], names: dict[str, str]) -> str:
    """One subject's triples (checked by _xml_check) as an rdf:Description."""
    out = [f"  <rdf:Description rdf:about={_xml_attr(triples[0].subject.value)}>\n"]
    for t in triples:
        ns, local = splits[t.predicate.value]
        element = f"{names[ns]}:{local}"
        o = t.object
        if isinstance(o, ox.NamedNode):
            out.append(f"    <{element} rdf:resource={_xml_attr(o.value)}/>\n")
            continue
        if o.language:
            attribute = f" xml:lang={_xml_attr(o.language)}"
        elif o.datatype.value != XSD_STRING:
            attribute = f" rdf:datatype={_xml_attr(o.datatype.value)}"
        else:
            attribute = ""
        out.append(f"    <{element}{attribute}>{_xml_text(o.value)}</{element}>\n")
    out.append("  </rdf:Description>\n")
    return "".join(out)


class _XmlSink:
    """RDF/XML, one rdf:Description a subject; the namespaces of every predicate declared first."""

    def __init__(self, kg: KnowledgeGraph, graph: str | None, handle: BinaryIO):
        known = sorted(((ns, p) for p, ns in PREFIXES.items()), key=lambda x: (-len(x[0]), x[1]))
        self.splits = {iri: _split_predicate(iri, known) for iri in _predicates(kg, graph)}
        header, self.names = _xml_header(self.splits)
        self.usable = {iri: split for iri, split in self.splits.items() if isinstance(split, tuple)}
        self.seen: set[str] = set()
        self.out = _Output(handle)
        self.out.write(header)

    def add(self, triples: list[_GroundTriple]) -> None:
        for t in triples:
            _xml_check(t, self.splits, self.seen)
        self.out.write(_xml_description(triples, self.usable, self.names))

    def finish(self) -> int:
        self.out.write("</rdf:RDF>\n")
        self.out.flush()
        return self.out.written


# ---------------------------------------------------------------- JSON-LD


class _RememberingCompactor(Compactor):
    """A Compactor that compacts each IRI once (as Names does for Turtle): trying every prefix
    on every occurrence was the larger part of a JSON-LD export. Refusals are not remembered."""

    def __init__(self, context: dict[str, str]):
        super().__init__(context)
        self.memo: dict[str, str] = {}

    def write(self, iri: str) -> str:
        text = self.memo.get(iri)
        if text is None:
            text = super().write(iri)
            if len(self.memo) >= Names.MEMO_SIZE:
                self.memo.clear()
            self.memo[iri] = text
        return text


def _write_jsonld(kg: KnowledgeGraph, graph: str | None, out: _Output) -> None:
    """The document `sezkg.publish.jsonld.to_jsonld` makes, written one named graph at a time:
    graphs by IRI, then the default graph's nodes at the top level."""
    context = load_context()
    compactor = _RememberingCompactor(context)

    def nodes(quads: list[_GroundQuad]) -> list[dict[str, object]]:
        # _nodes sorts what it makes (subjects, keys, and values by their JSON text, distinct for
        # distinct terms since every compact IRI reads back as its IRI), so the quads need no sort
        # (a third of a ~100k export); an IRI it refuses is named as the sorted order meets it first.
        store_quads = cast("list[ox.Quad]", quads)  # the store's own objects (see _GroundTriple)
        try:
            return _nodes(compactor, store_quads)
        except UsageError:
            _nodes(compactor, sorted(store_quads, key=_quad_key))
            raise

    if graph is not None:  # one graph: the document is that graph, held in memory
        quads = next(_quads_by_graph(kg, graph, sort=False), [])
        document = {"@context": context, "@id": compactor.write(graph), "@graph": nodes(quads)}
        out.write(indented_json(document) + "\n")
        return
    opening = json.dumps({"@context": context}, indent=1, ensure_ascii=False)
    out.write(opening.removesuffix("\n}") + ',\n "@graph": [')
    first = True
    for quads in _quads_by_graph(kg, None, order=lambda name: name.value, sort=False):
        name = quads[0].graph_name
        entries: list[dict[str, object]]
        if isinstance(name, ox.NamedNode):
            entries = [{"@id": compactor.write(name.value), "@graph": nodes(quads)}]
        else:  # triples in the default graph sit at the top level
            entries = nodes(quads)
        for entry in entries:
            out.write(("\n  " if first else ",\n  ") + indented_json(entry, 2))
            first = False
    out.write("]\n}\n" if first else "\n ]\n}\n")


# ---------------------------------------------------------------- entry points


def _check(kg: KnowledgeGraph, fmt: str, graph: str | None) -> ExportFormat:
    spec = export_format(fmt)
    if graph is not None and graph not in kg.graph_names():
        raise UsageError(f"no named graph {graph!r} in the knowledge graph")
    return spec


# Formats written together in one pass: the graph formats a subject at a time, N-Quads and TriG
# from the same sorted lines of each graph (~5M triples: N-Triples, Turtle and RDF/XML read
# the subjects ~15 s each, and N-Quads and TriG dump and sort each graph's lines ~8 s each).
BY_SUBJECT = ("ntriples", "turtle", "xml")
BY_GRAPH = ("nquads", "trig")


def serialize_to(kg: KnowledgeGraph, fmt: str, handle: BinaryIO, graph: str | None = None,
                 spool_dir: Path | None = None) -> int:
    """Write the KG (or one named graph) in a format to a binary handle as it is made; the
    same bytes on every run. Returns the number of bytes written.

    Raises UsageError when the format cannot hold the data exactly (blank nodes, JSON-LD,
    RDF/XML); part of the output may then have been written. Turtle and TriG spool their body
    (see the module's notes) in `spool_dir`, by default the system's temporary folder.
    """
    return serialize_many(kg, {fmt: handle}, graph, spool_dir)[fmt]


def serialize_many(kg: KnowledgeGraph, handles: Mapping[str, BinaryIO], graph: str | None = None,
                   spool_dir: Path | None = None) -> dict[str, int]:
    """`serialize_to` for several formats at once, each to its handle, reading the store once
    for the formats of BY_SUBJECT and once for those of BY_GRAPH: each handle gets the bytes
    `serialize_to` writes. Returns the bytes written to each. On a refusal any of the formats
    may be partly written, as with `serialize_to`."""
    for fmt in handles:
        _check(kg, fmt, graph)
    sizes: dict[str, int] = {}
    try:
        with contextlib.ExitStack() as stack:
            if "jsonld" in handles:
                out = _Output(handles["jsonld"])
                _write_jsonld(kg, graph, out)
                out.flush()
                sizes["jsonld"] = out.written
            by_graph: dict[str, _NQuadsSink | _TrigSink] = {}
            if "nquads" in handles:
                by_graph["nquads"] = _NQuadsSink(handles["nquads"])
            if "trig" in handles:
                by_graph["trig"] = _TrigSink(handles["trig"], spool_dir, stack)
            if by_graph:
                _graph_by_graph(kg, graph, list(by_graph.values()))
                sizes.update((fmt, sink.finish()) for fmt, sink in by_graph.items())
            by_subject: dict[str, _NTriplesSink | _TurtleSink | _XmlSink] = {}
            if "ntriples" in handles:
                by_subject["ntriples"] = _NTriplesSink(handles["ntriples"])
            if "turtle" in handles:
                by_subject["turtle"] = _TurtleSink(handles["turtle"], spool_dir, stack)
            if "xml" in handles:
                by_subject["xml"] = _XmlSink(kg, graph, handles["xml"])
            if by_subject:
                sinks = list(by_subject.values())
                for triples in _triples_by_subject(kg, graph):
                    for sink in sinks:
                        sink.add(triples)
                sizes.update((fmt, sink.finish()) for fmt, sink in by_subject.items())
    except UsageError:
        blank = _blank_node_refusal(kg, graph)  # a blank node anywhere outranks what stopped the stream
        if blank is not None:
            raise blank from None
        raise
    return {fmt: sizes[fmt] for fmt in handles}


def _graph_by_graph(kg: KnowledgeGraph, graph: str | None, sinks: list[_NQuadsSink | _TrigSink]) -> None:
    """Each named graph to every sink, in the order of `_quads_by_graph`: its sorted lines as
    Oxigraph writes them where they are ours, else its quads (a blank node is refused there);
    then the default graph and any blank-node graphs together."""
    named, unnamed = _graph_names(kg, graph)
    for name in named:
        lines = _dumped_lines(kg, name)
        quads: list[_GroundQuad] | None = None
        for sink in sinks:
            if lines is None or not sink.lines(name, lines):
                if quads is None:
                    quads = _graph_quads(kg, name, graph)
                sink.quads(quads)
    rest = [q for name in unnamed for q in _graph_quads(kg, name, graph)]
    for sink in sinks:
        sink.quads(rest)


def serialize(kg: KnowledgeGraph, fmt: str, graph: str | None = None) -> bytes:
    """The KG (or one named graph) in a format, as the same bytes on every run.

    Raises UsageError when the format cannot hold the data exactly (JSON-LD, RDF/XML).
    """
    buffer = io.BytesIO()
    serialize_to(kg, fmt, buffer, graph)
    return buffer.getvalue()


def export(kg: KnowledgeGraph, fmt: str, output: Path | str, graph: str | None = None) -> int:
    """Serialise to a file as the bytes are made, atomically: the file is replaced only once
    every byte is written, and left as it was on any error. Returns the number of bytes written."""
    _check(kg, fmt, graph)  # refuse a bad format or graph before touching the file system
    output = Path(output)
    with atomic_writer(output) as handle:
        # The spool sits beside the output, not in /tmp, which may be memory (tmpfs) or small.
        return serialize_to(kg, fmt, handle, graph, spool_dir=output.parent if str(output.parent) else None)
