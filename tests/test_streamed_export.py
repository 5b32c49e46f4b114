"""Streamed exports: `export` writes the file as the bytes are made, and the bytes are those of
`serialize` and of the writers that sorted every quad in memory first (N-Quads and N-Triples as
pyoxigraph writes the sorted quads, JSON-LD as `to_jsonld` writes them), whatever the chunk
and spool sizes; a refused export leaves the target as it was."""

from __future__ import annotations

import contextlib
import io
import json

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sezkg
from sezkg.errors import UsageError
from sezkg.kg.load import KnowledgeGraph
from sezkg.publish import export as export_module
from sezkg.publish.export import BY_GRAPH, BY_SUBJECT, FORMATS, export, serialize, serialize_many, serialize_to
from sezkg.publish.jsonld import indented_json, to_jsonld

EX = "https://example.org/"
SOURCE = "https://w3id.org/sezkg/source/"
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def _fixture_kg() -> KnowledgeGraph:
    """Graphs whose IRIs sort one way as text and another as `<iri>` (`a` < `a-b`, `<a>` > `<a-b>`),
    a subject stated in several graphs, the default graph, typed, tagged and multilingual literals."""
    store = ox.Store()
    zone, other = ox.NamedNode(EX + "zone/a"), ox.NamedNode(EX + "zone/a-b")
    graphs = [ox.NamedNode(SOURCE + name) for name in ("a", "a-b", "a.b", "b")]
    for i, graph in enumerate(graphs):
        store.add(ox.Quad(zone, RDFS_LABEL, ox.Literal(f"Zone {i}", language="en"), graph))
        store.add(ox.Quad(zone, RDFS_LABEL, ox.Literal("Зона", language="ru"), graph))  # in every graph
        store.add(ox.Quad(other, RDF_TYPE, ox.NamedNode("https://w3id.org/sezkg/ontology#SpecialEconomicZone"), graph))
        store.add(ox.Quad(other, ox.NamedNode(EX + "area"),
                          ox.Literal(f"{i}.5", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")), graph))
        store.add(ox.Quad(graph, ox.NamedNode(EX + "note"), ox.Literal(f"line {i}\nnext \"quoted\" ➜"), graph))
    store.add(ox.Quad(zone, ox.NamedNode(EX + "inDefault"), other, ox.DefaultGraph()))
    return KnowledgeGraph(store)


@pytest.fixture(scope="module", params=["real KG", "fixture"])
def any_kg(request, kg) -> KnowledgeGraph:
    return kg if request.param == "real KG" else _fixture_kg()


def _graph_choices(kg: KnowledgeGraph) -> list[str | None]:
    names = kg.graph_names()
    return [None, names[0], names[-1]]


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_exported_file_holds_the_bytes_of_serialize(any_kg, fmt, tmp_path):
    for graph in _graph_choices(any_kg):
        out = tmp_path / f"kg.{FORMATS[fmt].extension}"
        size = export(any_kg, fmt, out, graph)
        expected = serialize(any_kg, fmt, graph)
        assert out.read_bytes() == expected, (fmt, graph)
        assert size == len(expected)
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]  # no temporary or spool file left


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_chunk_and_spool_sizes_do_not_change_the_bytes(any_kg, fmt, tmp_path, monkeypatch):
    """Tiny chunks and a spool that goes to disk at once give the bytes of the defaults."""
    expected = serialize(any_kg, fmt)
    monkeypatch.setattr(export_module, "CHUNK_CHARS", 7)
    monkeypatch.setattr(export_module, "SPOOL_BYTES", 0)
    with open(tmp_path / "out", "wb") as handle:
        size = serialize_to(any_kg, fmt, handle, spool_dir=tmp_path)
    assert (tmp_path / "out").read_bytes() == expected
    assert size == len(expected)


def test_n_quads_and_n_triples_are_pyoxigraphs_writing_of_the_sorted_quads(any_kg):
    quads = any_kg.sorted_quads()
    assert serialize(any_kg, "nquads") == ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
    triples = sorted({q.triple for q in quads}, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    assert serialize(any_kg, "ntriples") == ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    graph = any_kg.graph_names()[0]
    assert serialize(any_kg, "nquads", graph) == ox.serialize(any_kg.sorted_quads(graph), format=ox.RdfFormat.N_QUADS)


def test_jsonld_is_what_the_all_at_once_writer_makes(any_kg):
    assert serialize(any_kg, "jsonld") == to_jsonld(any_kg.sorted_quads())
    graph = any_kg.graph_names()[-1]
    assert serialize(any_kg, "jsonld", graph) == to_jsonld(any_kg.sorted_quads(graph), graph=graph)


def test_graph_formats_merge_a_triple_stated_in_several_graphs():
    kg = _fixture_kg()
    lines = serialize(kg, "ntriples").decode().splitlines()
    assert len(lines) == len(set(lines)) == len({q.triple for q in kg.store})
    assert sum('"Зона"@ru' in line for line in lines) == 1


def _named_oddly_kg() -> KnowledgeGraph:
    """A graph whose name Oxigraph writes otherwise than we do (a no-break space in its IRI):
    N-Quads cannot take Oxigraph's lines for it, TriG can."""
    kg = _fixture_kg()
    kg.store.add(ox.Quad(ox.NamedNode(EX + "x"), RDFS_LABEL, ox.Literal("x"), ox.NamedNode(SOURCE + "odd\u00a0name")))
    return kg


@pytest.mark.parametrize("formats", [BY_SUBJECT, BY_GRAPH, tuple(FORMATS), ("xml", "ntriples"), ("trig",)])
@pytest.mark.parametrize("make", [_fixture_kg, _named_oddly_kg, sezkg.load])
def test_formats_written_together_are_each_formats_bytes(make, formats, tmp_path, monkeypatch):
    """serialize_many gives each format the bytes serialize gives it alone, for the KG and for
    one graph, with tiny chunks and a spool on disk; it walks the subjects once and dumps
    each graph once, however many formats share the walk."""
    kg = make()
    expected = {graph: {fmt: serialize(kg, fmt, graph) for fmt in formats} for graph in (None, kg.graph_names()[0])}
    calls = {"walk": 0, "dump": 0}
    real_walk, real_dump = export_module._triples_by_subject, export_module._dumped_lines

    def walk(*args):
        calls["walk"] += 1
        return real_walk(*args)

    def dump(*args):
        calls["dump"] += 1
        return real_dump(*args)

    monkeypatch.setattr(export_module, "_triples_by_subject", walk)
    monkeypatch.setattr(export_module, "_dumped_lines", dump)
    monkeypatch.setattr(export_module, "CHUNK_CHARS", 7)
    monkeypatch.setattr(export_module, "SPOOL_BYTES", 0)
    for graph, wanted in expected.items():
        calls.update(walk=0, dump=0)
        with contextlib.ExitStack() as stack:
            handles = {fmt: stack.enter_context(open(tmp_path / fmt, "wb")) for fmt in formats}
            sizes = serialize_many(kg, handles, graph, spool_dir=tmp_path)
        assert {fmt: (tmp_path / fmt).read_bytes() for fmt in formats} == wanted, graph
        assert sizes == {fmt: len(data) for fmt, data in wanted.items()}
        assert calls["walk"] == (1 if set(formats) & set(BY_SUBJECT) else 0)
        named = len(kg.graph_names()) if graph is None else 1
        assert calls["dump"] == (named if set(formats) & set(BY_GRAPH) else 0)
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(formats)  # no spool left behind


def test_a_format_that_refuses_stops_the_formats_written_with_it():
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode(EX + "y"), RDFS_LABEL, ox.Literal("bell \u0007"), ox.NamedNode(SOURCE + "b")))
    handles = {fmt: io.BytesIO() for fmt in BY_SUBJECT}
    kg = KnowledgeGraph(store)
    with pytest.raises(UsageError, match=r"RDF/XML cannot hold the triple <https://example.org/y>"):
        serialize_many(kg, handles)
    handles = {fmt: io.BytesIO() for fmt in BY_SUBJECT if fmt != "xml"}  # the others can hold it
    serialize_many(kg, handles)
    assert {fmt: h.getvalue() for fmt, h in handles.items()} == {fmt: serialize(kg, fmt) for fmt in handles}
    assert b"bell \\u0007" in handles["ntriples"].getvalue()


def test_a_refused_export_leaves_the_old_file(tmp_path):
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode(EX + "x"), RDFS_LABEL, ox.Literal("fine"), ox.NamedNode(SOURCE + "a")))
    store.add(ox.Quad(ox.NamedNode(EX + "y"), RDFS_LABEL, ox.Literal("bell \u0007"), ox.NamedNode(SOURCE + "b")))
    kg = KnowledgeGraph(store)
    out = tmp_path / "kg.rdf"
    out.write_bytes(b"old")
    with pytest.raises(UsageError, match=r"RDF/XML cannot hold the triple <https://example.org/y>"):
        export(kg, "xml", out)
    assert out.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["kg.rdf"]


def test_a_blank_node_is_refused_before_anything_else_a_format_cannot_hold():
    """The refusal names the first blank-node quad in the sorted order, even when the stream
    meets another refusal (an IRI JSON-LD cannot write) earlier."""
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("act:"), RDFS_LABEL, ox.Literal("x"), ox.NamedNode(SOURCE + "a")))
    store.add(ox.Quad(ox.BlankNode("b1"), RDFS_LABEL, ox.Literal("y"), ox.NamedNode(SOURCE + "b")))
    kg = KnowledgeGraph(store)
    for fmt in FORMATS:
        with pytest.raises(UsageError, match="cannot export a blank node"):
            serialize(kg, fmt)


def test_export_refuses_an_unknown_graph_or_format_before_touching_the_file(tmp_path):
    kg = sezkg.load()
    out = tmp_path / "missing-folder" / "kg.nq"
    with pytest.raises(UsageError, match="no named graph"):
        export(kg, "nquads", out, "https://example.org/nope")
    with pytest.raises(UsageError, match="unknown export format"):
        export(kg, "csv", out)


def _odd_kg() -> KnowledgeGraph:
    """Characters where pyoxigraph's N-Triples differ from ours: C1 controls, line separators and
    U+FFFE in literals, a no-break space in an IRI, and a literal backslash before `uFFFE`."""
    store = ox.Store()
    graph = ox.NamedNode(SOURCE + "odd")
    for i, text in enumerate(["nel \u0085", "ls \u2028", "nonchar \ufffe", "backslash \\uFFFE", "plain"]):
        store.add(ox.Quad(ox.NamedNode(f"{EX}x{i}"), RDFS_LABEL, ox.Literal(text), graph))
    store.add(ox.Quad(ox.NamedNode(EX + "no\u00a0break"), RDFS_LABEL, ox.Literal("x"), graph))
    return KnowledgeGraph(store)


@pytest.mark.parametrize("fmt", ["nquads", "ntriples"])
@pytest.mark.parametrize("make", [_odd_kg, _fixture_kg])
def test_pyoxigraphs_lines_are_used_only_where_they_are_ours(fmt, make, monkeypatch):
    """N-Quads and N-Triples take pyoxigraph's text when it equals ours; where it would not, our
    own writer's: the bytes are those of our writer alone."""
    kg = make()
    fast = serialize(kg, fmt)
    monkeypatch.setattr(export_module, "_oxigraph_text", lambda items, rdf_format: None)
    monkeypatch.setattr(export_module, "_dumped_lines", lambda kg, name: None)
    assert fast == serialize(kg, fmt)


def _turtle_kg() -> KnowledgeGraph:
    """What TriG shortens or keeps: datatypes with and without a prefix, a local name no prefix
    can hold, rdf:type, quotes and `"^^<` inside a literal's text, tags, several objects."""
    store = ox.Store()
    graph = ox.NamedNode(SOURCE + "turtle")
    xsd = "http://www.w3.org/2001/XMLSchema#"
    thing = ox.NamedNode("https://w3id.org/sezkg/id/zone/x")
    for obj in [ox.Literal("12", datatype=ox.NamedNode(xsd + "integer")),
                ox.Literal("a\"^^<https://example.org/fake>", datatype=ox.NamedNode(EX + "dt")),
                ox.Literal('say "hi"', language="en"), ox.Literal("he said \"^^x\"@en"),
                ox.Literal("2020", datatype=ox.NamedNode(xsd + "gYear")),
                ox.NamedNode("https://w3id.org/sezkg/id/zone/-odd-"), ox.NamedNode(EX + "a b".replace(" ", "%20"))]:
        store.add(ox.Quad(thing, ox.NamedNode(EX + "p"), obj, graph))
    store.add(ox.Quad(thing, RDF_TYPE, ox.NamedNode("https://w3id.org/sezkg/ontology#SpecialEconomicZone"), graph))
    store.add(ox.Quad(ox.NamedNode(EX + "other"), RDFS_LABEL, ox.Literal("Ж ➜ 𝔸", language="ru"), graph))
    return KnowledgeGraph(store)


@pytest.mark.parametrize("make", [_odd_kg, _fixture_kg, _turtle_kg])
def test_trig_from_pyoxigraphs_lines_is_trig_from_the_quads(make, monkeypatch):
    """TriG writes a named graph from Oxigraph's sorted N-Triples lines where they are ours: the
    bytes of writing it from the quads, term by term."""
    kg = make()
    fast = serialize(kg, "trig")
    monkeypatch.setattr(export_module, "_dumped_lines", lambda kg, name: None)
    assert fast == serialize(kg, "trig")


def test_trig_takes_pyoxigraphs_lines_on_the_real_kg(kg, monkeypatch):
    used = []
    real = export_module._turtle_lines_block
    monkeypatch.setattr(export_module, "_turtle_lines_block", lambda *a: used.append(1) or real(*a))
    fast = serialize(kg, "trig")
    assert len(used) == len(kg.graph_names())  # every graph of the real KG takes the fast path
    monkeypatch.setattr(export_module, "_dumped_lines", lambda kg, name: None)
    assert fast == serialize(kg, "trig")


def _differs(text: str) -> bool:
    return export_module._oxigraph_differs(text.encode("utf-8"))


def test_a_literal_backslash_before_ufffe_or_uffff_takes_the_slow_path():
    assert _differs('"x \\\\uFFFE"') and _differs("\\uFFFF")
    assert not _differs('"\u0410\u0441\u0442\u0430\u043d\u0430 \\u00e9"')


def _listed() -> set[str]:
    """The characters pyoxigraph writes otherwise: the non-ASCII ones str.isspace() accepts
    (escaped in our IRIs) and the C1 controls and line separators (escaped in our literals)."""
    import sys

    spaces = {chr(c) for c in range(0x80, sys.maxunicode + 1) if chr(c).isspace()}
    return spaces | {chr(c) for c in range(0x80, 0xA0)} | {"\u2028", "\u2029"}


def test_the_differing_characters_are_the_unicode_spaces_and_c1_controls():
    """_OXIGRAPH_DIFFERENT_UTF8 finds exactly the characters of _listed(), in UTF-8."""
    import sys

    listed = {chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF and _differs(chr(c))}
    assert listed == _listed()


def test_the_check_finds_a_listed_character_between_any_others():
    """_oxigraph_differs searches the non-ASCII bytes alone, taken out of the text together:
    every code point between others (ASCII, and characters whose UTF-8 bytes could run into a
    listed one's) is found exactly when the text holds a listed character or an escape of U+FFFE/F."""
    import sys

    listed = _listed()
    neighbours = ["", "a", "\u00c2", "\u00e2", "\u2000x", "\u0100", "\u0800", "\U0001f600", "\\uFFFE", "\\"]
    found = 0
    for c in range(sys.maxunicode + 1):
        if 0xD800 <= c <= 0xDFFF:
            continue
        ch = chr(c)
        text = f'<http://e/{neighbours[c % len(neighbours)]}{ch}{neighbours[(c // 7) % len(neighbours)]}> "x" .'
        expected = "\\uFFFE" in text or "\\uFFFF" in text or any(x in listed for x in text)
        assert _differs(text) == expected, (hex(c), text)
        found += _differs(ch)
    assert found == 50  # 32 C1 controls, U+00A0, 15 other Unicode spaces, 2 line separators
    for text in ("\u00c2\u0080", "\u00e2\u0080\u0080", "\u00c2\u00a0"):
        assert _differs(text) == any(x in listed for x in text), text


_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
                     lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
                     max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(value=_JSON, depth=st.integers(0, 3))
def test_indented_json_is_what_json_dumps_writes(value, depth):
    """The JSON-LD export is written with C's strings, in json.dumps(indent=1)'s layout."""
    expected = json.dumps(value, indent=1, ensure_ascii=False).replace("\n", "\n" + " " * depth)
    assert indented_json(value, depth) == expected
